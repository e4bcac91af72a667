//! The environment and the AWS shared `config` / `credentials` files, read the way the AWS CLI
//! and SDKs read them. Everything goes through [`Env`], so tests can supply their own variables.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Where settings come from: the process environment, or a fixed set of variables.
#[derive(Clone, Default)]
pub struct Env {
    fixed: Option<Arc<BTreeMap<String, String>>>,
}

/// Names only: values may be secrets.
impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.fixed {
            None => f.write_str("Env(process environment)"),
            Some(vars) => f
                .debug_tuple("Env")
                .field(&vars.keys().collect::<Vec<_>>())
                .finish(),
        }
    }
}

impl Env {
    /// The process environment.
    pub fn real() -> Self {
        Env { fixed: None }
    }

    /// Only these variables (for tests and embedding).
    pub fn from_vars<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Env {
            fixed: Some(Arc::new(
                vars.into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            )),
        }
    }

    /// A variable's value; empty values count as unset.
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match &self.fixed {
            Some(vars) => vars.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.filter(|v| !v.trim().is_empty())
    }

    fn home(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .map(PathBuf::from)
    }

    /// `AWS_PROFILE`, else `default`.
    pub fn profile_name(&self) -> String {
        self.get("AWS_PROFILE")
            .unwrap_or_else(|| "default".to_string())
    }

    /// `AWS_CONFIG_FILE`, else `~/.aws/config`.
    pub fn config_file(&self) -> Option<PathBuf> {
        self.file("AWS_CONFIG_FILE", "config")
    }

    /// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
    pub fn credentials_file(&self) -> Option<PathBuf> {
        self.file("AWS_SHARED_CREDENTIALS_FILE", "credentials")
    }

    fn file(&self, variable: &str, default_name: &str) -> Option<PathBuf> {
        match self.get(variable) {
            Some(path) => Some(expand_home(&path, self.home())),
            None => self.home().map(|home| home.join(".aws").join(default_name)),
        }
    }
}

fn expand_home(path: &str, home: Option<PathBuf>) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

/// One profile's properties.
pub(crate) type Profile = BTreeMap<String, String>;

/// The named profile from the credentials file and the config file, merged (the credentials
/// file wins), with the places that were read, for error messages.
pub(crate) fn load_profile(env: &Env) -> (Option<Profile>, Vec<String>) {
    let name = env.profile_name();
    let mut looked = Vec::new();
    let mut merged: Option<Profile> = None;
    for (path, is_config) in [(env.config_file(), true), (env.credentials_file(), false)] {
        let Some(path) = path else { continue };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                looked.push(format!("profile `{name}` in {}", path.display()));
                if let Some(profile) = parse(&text, is_config).remove(&name) {
                    merged.get_or_insert_with(Profile::new).extend(profile);
                }
            }
            Err(e) => looked.push(format!("{} ({e})", path.display())),
        }
    }
    (merged, looked)
}

/// Parses a shared config (`is_config`: sections are `[profile NAME]` or `[default]`) or
/// credentials file (sections are `[NAME]`) into profiles. Comments start with `#` or `;`;
/// indented lines continue a property (sub-properties) and are skipped; other section kinds
/// (`[sso-session ..]`, `[services ..]`) are ignored.
pub(crate) fn parse(text: &str, is_config: bool) -> BTreeMap<String, Profile> {
    let mut profiles: BTreeMap<String, Profile> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(header) = trimmed.strip_prefix('[') {
            let header = header.split(']').next().unwrap_or("").trim();
            current = if !is_config {
                Some(header.to_string())
            } else if header == "default" {
                Some("default".to_string())
            } else {
                header
                    .strip_prefix("profile")
                    .filter(|rest| rest.starts_with(char::is_whitespace))
                    .map(|rest| rest.trim().to_string())
            };
            if let Some(name) = &current {
                profiles.entry(name.clone()).or_default();
            }
            continue;
        }
        if line.starts_with(char::is_whitespace) {
            continue;
        }
        let (Some(name), Some((key, value))) = (&current, trimmed.split_once('=')) else {
            continue;
        };
        if let Some(profile) = profiles.get_mut(name) {
            profile.insert(key.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    profiles
}

/// The region: `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the profile's `region`. The error
/// lists what was looked at.
pub(crate) fn resolve_region(env: &Env) -> Result<String, String> {
    if let Some(region) = env
        .get("AWS_REGION")
        .or_else(|| env.get("AWS_DEFAULT_REGION"))
    {
        return Ok(region);
    }
    let (profile, looked) = load_profile(env);
    if let Some(region) = profile
        .and_then(|p| p.get("region").cloned())
        .filter(|r| !r.is_empty())
    {
        return Ok(region);
    }
    let mut places = vec!["AWS_REGION".to_string(), "AWS_DEFAULT_REGION".to_string()];
    places.extend(looked);
    Err(format!("no region found; looked at: {}", places.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_variable_names_not_values() {
        let env = Env::from_vars([("AWS_SECRET_ACCESS_KEY", "hunter2")]);
        let debug = format!("{env:?}");
        assert!(
            debug.contains("AWS_SECRET_ACCESS_KEY") && !debug.contains("hunter2"),
            "{debug}"
        );
    }

    #[test]
    fn config_and_credentials_sections_differ() {
        let config = "[default]\nregion = eu-west-1\n[profile dev]\nregion=us-west-2\n  s3 =\n    max_concurrent_requests = 10\n[sso-session x]\nsso_region = a\n[profilex]\nregion = no";
        let parsed = parse(config, true);
        assert_eq!(parsed["default"]["region"], "eu-west-1");
        assert_eq!(parsed["dev"]["region"], "us-west-2");
        assert!(!parsed["dev"].contains_key("max_concurrent_requests"));
        assert_eq!(parsed.len(), 2, "{parsed:?}");
        let credentials =
            "# comment\n[dev]\naws_access_key_id = AKID\nAWS_Secret_Access_Key = s=cret\n; another";
        let parsed = parse(credentials, false);
        assert_eq!(parsed["dev"]["aws_access_key_id"], "AKID");
        assert_eq!(parsed["dev"]["aws_secret_access_key"], "s=cret");
    }

    fn files(config: &str, credentials: &str) -> (tempdir::Dir, Env) {
        let dir = tempdir::Dir::new();
        std::fs::write(dir.path().join("config"), config).expect("write");
        std::fs::write(dir.path().join("credentials"), credentials).expect("write");
        let env = Env::from_vars([
            (
                "AWS_CONFIG_FILE",
                dir.path().join("config").display().to_string(),
            ),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                dir.path().join("credentials").display().to_string(),
            ),
            ("AWS_PROFILE", "dev".to_string()),
        ]);
        (dir, env)
    }

    #[test]
    fn region_comes_from_env_then_profile() {
        let (_dir, env) = files("[profile dev]\nregion = ap-south-1\n", "");
        assert_eq!(resolve_region(&env), Ok("ap-south-1".into()));
        let env = Env::from_vars([
            ("AWS_DEFAULT_REGION", "eu-north-1"),
            ("HOME", "/nonexistent"),
        ]);
        assert_eq!(resolve_region(&env), Ok("eu-north-1".into()));
        let env = Env::from_vars([
            ("AWS_REGION", "us-east-2"),
            ("AWS_DEFAULT_REGION", "eu-north-1"),
        ]);
        assert_eq!(resolve_region(&env), Ok("us-east-2".into()));
    }

    #[test]
    fn missing_region_names_what_was_looked_at() {
        let env = Env::from_vars([("HOME", "/nonexistent-home")]);
        let err = resolve_region(&env).unwrap_err();
        assert!(err.starts_with("no region found; looked at: AWS_REGION, AWS_DEFAULT_REGION, /nonexistent-home/.aws/config ("), "{err}");
        assert!(err.contains("/nonexistent-home/.aws/credentials"), "{err}");
    }

    #[test]
    fn credentials_file_wins_over_config_file() {
        let (_dir, env) = files(
            "[profile dev]\naws_access_key_id = FROM_CONFIG\nregion = r\n",
            "[dev]\naws_access_key_id = FROM_CREDENTIALS\n",
        );
        let (profile, _) = load_profile(&env);
        let profile = profile.expect("found");
        assert_eq!(profile["aws_access_key_id"], "FROM_CREDENTIALS");
        assert_eq!(profile["region"], "r");
    }

    /// A scratch directory removed on drop.
    mod tempdir {
        pub struct Dir(std::path::PathBuf);
        impl Dir {
            pub fn new() -> Self {
                use std::sync::atomic::{AtomicUsize, Ordering};
                static NEXT: AtomicUsize = AtomicUsize::new(0);
                let path = std::env::temp_dir().join(format!(
                    "profile-test-{}-{}",
                    std::process::id(),
                    NEXT.fetch_add(1, Ordering::Relaxed)
                ));
                std::fs::create_dir_all(&path).expect("create temp dir");
                Dir(path)
            }
            pub fn path(&self) -> &std::path::Path {
                &self.0
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            /// Any file text, config or credentials style: profiles or nothing, never a panic.
            #[test]
            fn the_parser_never_panics(text in any::<String>(), lines in prop::collection::vec("[\\[\\] =a-z#;\\t]{0,12}", 0..12)) {
                let _ = parse(&text, true);
                let _ = parse(&text, false);
                let joined = lines.join("\n");
                let _ = parse(&joined, true);
                let _ = parse(&joined, false);
            }
        }
    }
}
