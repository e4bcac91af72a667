//! `cargo xtask`: the project's commands.
//!
//! - `cargo xtask codegen [--check] [--model PATH] [--service ID] [--operation NAME]... [--all-operations] [--out DIR] [--partitions PATH]`
//! - `cargo xtask verify-model [--official PATH]`: proves `model/rekognition.json` faithful to the
//!   official model (same generated code once documentation is stripped, the endpoint module
//!   aside; our endpoint rule set passes the official model's endpoint tests).
//! - `cargo xtask corpus [--sample N [--seed S]] [DIR]`: every operation of every model in DIR generated, linted and
//!   tested; one table row per model.
//! - `cargo xtask fixtures`: generates every `tests/fixtures/*.json` into `target/fixtures/` and
//!   runs `cargo clippy --all-targets -- -D warnings` on them, so snapshot fixtures also compile,
//!   then their generated protocol tests and their behaviour tests (`tests/fixture-tests/<name>/`).
//! - `cargo xtask diff OLD NEW [--service ID] [--operation NAME]... [--all-operations]`: the
//!   change report between two versions of a model.
//! - `cargo xtask sweep [--jobs N] [DIR]`: every service of every model in DIR (default
//!   `../shared/models-all`) generated in memory; one line per protocol.
//! - `cargo xtask fuzz [--seconds N] [--jobs J] [TARGET]...`: coverage-guided fuzzing of the
//!   response parsers, timestamp readers, shorthand parser and model loader (`fuzz/`).

mod corpus;
mod fixtures;
mod fuzz;
mod protocol_tests;
mod sweep;
mod verify;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::Operations;

const USAGE: &str = "usage:
  cargo xtask codegen [--check] [--model PATH] [--service ID] [--operation NAME]... [--all-operations] [--out DIR] [--partitions PATH]
      Generates the client crate (default: model/rekognition.json, the two face-liveness
      operations, into generated/). --check writes nothing and fails listing stale files.
      --service picks the service in models that define several. --partitions reads the
      partitions for endpoint rules from PATH instead of model/partitions.json.
  cargo xtask verify-model [--official PATH]
      Checks that model/rekognition.json generates the same code as the official model
      (default ../shared/models/rekognition.json), documentation and src/endpoint.rs aside,
      and that our endpoint rule set passes every official endpoint test case (a scratch
      crate in target/verify-model/).
  cargo xtask fixtures
      Generates every tests/fixtures/*.json model into target/fixtures/, runs
      `cargo clippy --all-targets -- -D warnings` on the crates, then their protocol tests
      and the behaviour tests in tests/fixture-tests/<fixture>/.
  cargo xtask corpus [--sample N [--seed S]] [DIR]
      Generates every operation of every model in DIR (default ../shared/models) into
      target/corpus/, runs clippy (any warning fails) and the generated tests (endpoint
      rules among them), and prints a table row per model. --sample takes N models of a
      supported protocol drawn by seed S (any text; the same seed, the same models).
  cargo xtask protocol-tests [PATH]
      Generates and runs Smithy's awsJson protocol compliance tests (default
      ../shared/protocol-tests/smithy-aws-protocol-tests_model.json).
  cargo xtask diff OLD NEW [--service ID] [--operation NAME]... [--all-operations]
      Prints what changed from model OLD to model NEW within the selected operations' shapes
      (default: the two face-liveness operations): each change's severity (ERROR, DANGER,
      WARNING, NOTE) and its effect on the generated crate, as Markdown.
  cargo xtask sweep [--jobs N] [DIR]
      Generates every service of every model in DIR (default ../shared/models-all) with
      every operation, in memory, on N threads (default: the machine's cores), and prints one
      line per protocol; fails if a model of a supported protocol fails.
  cargo xtask fuzz [--seconds N] [--jobs J] [TARGET]...
      Builds the fuzz targets (responses, dates, shorthand, model; default all) with libFuzzer
      and coverage instrumentation into target/fuzz/, runs each for N seconds (default 60),
      J at a time (default 1), and prints executions and coverage per target. Inputs that
      fail are kept in fuzz/regressions/<target>/, which `cargo test` replays.";

/// Generation allocates millions of small token and syntax-tree nodes; mimalloc serves them
/// faster than the system allocator (see BENCHMARKS.md, "Generation").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen(&args[1..]),
        Some("verify-model") => verify::verify_model(&args[1..]),
        Some("corpus") => corpus::corpus(&args[1..]),
        Some("fixtures") => fixtures::fixtures(&args[1..]),
        Some("protocol-tests") => protocol_tests::protocol_tests(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("sweep") => sweep::sweep(&args[1..]),
        Some("diff") => diff(&args[1..]),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The `*.json` files directly in `dir`, sorted.
pub fn model_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Writes `dir/Cargo.toml` making the generated crates in `members` (subdirectories) one
/// scratch workspace, so their dependencies build once, with the repository's lock file, so
/// every scratch workspace builds the dependency versions the repository does.
pub fn write_scratch_workspace(dir: &Path, members: &[String]) -> Result<(), String> {
    let members: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock"))
        .map(drop)
        .map_err(|e| format!("{}: {e}", root().join("Cargo.lock").display()))
}

/// `cargo` (the one running xtask) in `dir`. Every scratch workspace (fixtures, protocol
/// tests, the corpus, verify-model) builds into one target directory, so their common
/// dependencies compile once.
pub fn cargo_in(dir: &Path) -> std::process::Command {
    let mut command =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root().join("target/scratch-target"))
        // Scratch crates are rewritten on every run; incremental state for them only fills the
        // disk (tens of GB after a few hundred sampled services).
        .env("CARGO_INCREMENTAL", "0");
    command
}

/// Resolves a user-given path against the directory `cargo xtask` was run from.
fn user_path(path: &str) -> PathBuf {
    let path = PathBuf::from(path);
    if path.is_absolute() {
        path
    } else {
        std::env::current_dir()
            .map(|d| d.join(&path))
            .unwrap_or(path)
    }
}

/// The flags `codegen` and `diff` share: `--service`, `--operation`, `--all-operations`.
#[derive(Default)]
struct Selection {
    service: Option<String>,
    named: Vec<String>,
    all: bool,
}

impl Selection {
    /// Takes `arg` if it is one of the selection flags (reading a flag's value from `args`);
    /// `false` when it is not one.
    fn take(&mut self, arg: &str, args: &mut std::slice::Iter<String>) -> Result<bool, String> {
        match arg {
            "--operation" => self.named.push(value(args, arg)?),
            "--service" => self.service = Some(value(args, arg)?),
            "--all-operations" => self.all = true,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// A generator for the selected service and operations (by default the face-liveness
    /// pair).
    fn generator(self) -> Result<codegen::Generator, String> {
        let operations = match (self.all, self.named.is_empty()) {
            (true, false) => {
                return Err("--all-operations and --operation exclude each other".into());
            }
            (true, true) => Operations::All,
            (false, true) => codegen::default_operations(),
            (false, false) => Operations::Named(self.named),
        };
        let generator = codegen::Generator::new().operations(operations);
        Ok(match self.service {
            Some(service) => generator.service(service),
            None => generator,
        })
    }
}

/// The value after `flag`.
fn value(args: &mut std::slice::Iter<String>, flag: &str) -> Result<String, String> {
    args.next()
        .cloned()
        .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
}

fn diff(args: &[String]) -> Result<(), String> {
    let mut files = Vec::new();
    let mut selection = Selection::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if selection.take(arg, &mut args)? {
            continue;
        }
        match arg.as_str() {
            other if other.starts_with("--") => {
                return Err(format!("unknown option `{other}`\n{USAGE}"));
            }
            path => files.push(user_path(path)),
        }
    }
    let [old, new] = files.as_slice() else {
        return Err(format!("diff needs two model files, OLD and NEW\n{USAGE}"));
    };
    let generator = selection.generator()?;
    let load = |path: &Path| codegen::model::Model::load(path).map_err(|e| e.to_string());
    let report = codegen::diff::diff(
        &load(old)?,
        &load(new)?,
        generator.selected_service(),
        generator.selected_operations(),
    )
    .map_err(|e| e.to_string())?;
    print!("{}", report.markdown());
    Ok(())
}

fn codegen(args: &[String]) -> Result<(), String> {
    let mut check = false;
    let mut model = root().join("model/rekognition.json");
    let mut out = root().join("generated");
    let mut selection = Selection::default();
    let mut partitions = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if selection.take(arg, &mut args)? {
            continue;
        }
        match arg.as_str() {
            "--check" => check = true,
            "--model" => model = user_path(&value(&mut args, arg)?),
            "--out" => out = user_path(&value(&mut args, arg)?),
            "--partitions" => partitions = Some(user_path(&value(&mut args, arg)?)),
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    let mut generator = selection.generator()?;
    if let Some(path) = &partitions {
        generator = generator
            .partitions(codegen::endpoints::Partitions::load(path).map_err(|e| e.to_string())?);
    }
    // --check never looks for the earlier model: a changed model is reported as such below.
    let regenerated = codegen::changes::regenerate(&model, &out, &generator, |recorded| {
        (!check)
            .then(|| from_git(&model, &recorded.sha256))
            .flatten()
    })
    .map_err(|e| e.to_string())?;
    let generated = &regenerated.generated;
    for warning in &generated.warnings {
        eprintln!("warning: {warning}");
    }
    println!("{}", generated.summary);
    if check {
        if let Some(recorded) = regenerated
            .recorded
            .as_ref()
            .filter(|_| regenerated.model_changed())
        {
            return Err(format!(
                "the model changed: {} was generated from `{}` sha256 {}, and {} is sha256 {}; \
                 run `cargo xtask codegen` (it writes what changed to {}) and commit the result",
                out.display(),
                recorded.file,
                recorded.sha256,
                model.display(),
                regenerated.source.sha256,
                out.join(codegen::changes::FILE).display()
            ));
        }
        let differences =
            codegen::write::check(&out, &generated.files).map_err(|e| e.to_string())?;
        if differences.is_empty() {
            println!(
                "{} is up to date ({} files)",
                out.display(),
                generated.files.len()
            );
            return Ok(());
        }
        let list: Vec<String> = differences.iter().map(|d| format!("  {d}")).collect();
        return Err(format!(
            "{} is stale (the model is the same; the generator changed or a file was edited); \
             run `cargo xtask codegen` and commit the result:\n{}",
            out.display(),
            list.join("\n")
        ));
    }
    codegen::write::write(&out, &generated.files).map_err(|e| e.to_string())?;
    if regenerated.model_changed() {
        match &regenerated.report {
            Some(report) => print!("the model changed:\n\n{}\n", report.markdown()),
            None => println!(
                "the model changed, but the earlier model is not in {}'s git history: no change report",
                model.display()
            ),
        }
        println!("written to {}", out.join(codegen::changes::FILE).display());
    }
    println!(
        "generated crate `{}` into {} ({} files, {} warnings)",
        generated.package,
        out.display(),
        generated.files.len(),
        generated.warnings.len()
    );
    Ok(())
}

/// The text of the version of the model file at `path` whose SHA-256 is `sha256`, from the
/// file's git history (the commits that changed it, newest first; the committed version is the
/// usual one: the user has replaced the file and not committed it yet). `None` when the file is
/// not in a git repository or no version matches.
fn from_git(path: &Path, sha256: &str) -> Option<String> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty())?;
    let name = path.file_name()?.to_string_lossy().into_owned();
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .current_dir(dir)
            .args(args)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| output.stdout)
    };
    let commits = git(&["log", "--format=%H", "-n", "200", "--", &name])?;
    String::from_utf8_lossy(&commits)
        .lines()
        .find_map(|commit| {
            let bytes = git(&["show", &format!("{commit}:./{name}")])?;
            (codegen::ModelSource::of(path, &bytes).sha256 == sha256)
                .then(|| String::from_utf8(bytes).ok())
                .flatten()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_failed_generation_leaves_the_output_directory_as_it_was() {
        let dir = scratch("failed");
        let model = dir.join("bad.json");
        std::fs::write(&model, r#"{"smithy":"2.0","shapes":{"a#S":{"type":"structure","members":{"X":{"target":"a#Nope"}}}}}"#).unwrap();
        let out = dir.join("out");
        std::fs::create_dir_all(out.join("src")).unwrap();
        std::fs::write(out.join("src/lib.rs"), "// the previous generation").unwrap();
        let args: Vec<String> = [
            "--model",
            model.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let err = codegen(&args).unwrap_err();
        assert!(err.contains("bad.json") && err.contains("a#Nope"), "{err}");
        assert_eq!(
            std::fs::read_to_string(out.join("src/lib.rs")).unwrap(),
            "// the previous generation"
        );
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unknown_operations_fail_listing_the_known_ones() {
        let args: Vec<String> = [
            "--operation",
            "CreateFaceLivenessSesion",
            "--out",
            "/nonexistent/never-written",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let err = codegen(&args).unwrap_err();
        assert!(
            err.contains("unknown operation `CreateFaceLivenessSesion`")
                && err.contains("CreateFaceLivenessSession, GetFaceLivenessSessionResults"),
            "{err}"
        );
    }

    #[test]
    fn an_operation_that_cannot_be_generated_fails_and_writes_nothing() {
        let dir = scratch("broken-operation");
        let out = dir.join("out");
        let model = dir.join("broken.json");
        // A paginator whose output token is no member of the output.
        std::fs::write(
            &model,
            r#"{"smithy":"2.0","shapes":{
                "a#Svc":{"type":"service","version":"1","operations":[{"target":"a#List"}],
                    "traits":{"aws.protocols#awsJson1_0":{}}},
                "a#List":{"type":"operation","input":{"target":"a#In"},"output":{"target":"a#Out"},
                    "traits":{"smithy.api#paginated":{"inputToken":"Token","outputToken":"Nope"}}},
                "a#In":{"type":"structure","members":{"Token":{"target":"smithy.api#String"}}},
                "a#Out":{"type":"structure","members":{}}
            }}"#,
        )
        .unwrap();
        let args: Vec<String> = [
            "--model",
            model.to_str().unwrap(),
            "--operation",
            "List",
            "--out",
            out.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let err = codegen(&args).unwrap_err();
        assert!(
            err.contains("a#List") && err.contains("outputToken `Nope`"),
            "{err}"
        );
        assert!(!out.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn check_mode_lists_stale_files_and_writes_nothing() {
        let dir = scratch("check");
        let out = dir.join("out");
        let args = |check: bool| -> Vec<String> {
            let mut a = vec!["--out".to_string(), out.to_str().unwrap().to_string()];
            if check {
                a.push("--check".into());
            }
            a
        };
        let err = codegen(&args(true)).unwrap_err();
        assert!(err.contains("missing: src/lib.rs"), "{err}");
        assert!(!out.exists(), "--check must not write");
        codegen(&args(false)).unwrap();
        codegen(&args(true)).unwrap();
        std::fs::write(out.join("src/types.rs"), "// edited by hand").unwrap();
        let err = codegen(&args(true)).unwrap_err();
        assert!(err.contains("stale: src/types.rs"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn run(args: &[&str]) -> Result<(), String> {
        codegen(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    fn git(dir: &Path, args: &[&str]) {
        let status = std::process::Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    #[test]
    fn a_model_update_writes_its_change_report_and_check_says_the_model_changed() {
        let dir = scratch("update");
        let history = root().join("../shared/models-history");
        let model = dir.join("rekognition.json");
        let out = dir.join("out");
        let (model_arg, out_arg) = (model.to_str().unwrap(), out.to_str().unwrap());
        let manifest = || std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
        let changes = || std::fs::read_to_string(out.join("CHANGES.md")).unwrap();

        // The 2025-05-20 release, committed: the first generation records it.
        std::fs::copy(history.join("rekognition-2025-05-20.json"), &model).unwrap();
        git(&dir, &["init", "-q"]);
        git(&dir, &["add", "rekognition.json"]);
        git(&dir, &["commit", "-q", "-m", "model"]);
        run(&["--model", model_arg, "--out", out_arg]).unwrap();
        let first = codegen::ModelSource::of(&model, &std::fs::read(&model).unwrap());
        assert!(manifest().contains(&format!("model-sha256 = \"{}\"", first.sha256)));
        assert!(
            changes().contains("no earlier model is recorded"),
            "{}",
            changes()
        );

        // The 2025-06-06 release replaces it, not yet committed.
        std::fs::copy(history.join("rekognition-2025-06-06.json"), &model).unwrap();
        let second = codegen::ModelSource::of(&model, &std::fs::read(&model).unwrap());
        let err = run(&["--model", model_arg, "--out", out_arg, "--check"]).unwrap_err();
        assert!(
            err.starts_with("the model changed")
                && err.contains(&first.sha256)
                && err.contains(&second.sha256),
            "{err}"
        );
        run(&["--model", model_arg, "--out", out_arg]).unwrap();
        let report = changes();
        assert!(manifest().contains(&second.sha256));
        assert!(
            report.contains(&format!("sha256 `{}` → `rekognition.json` sha256 `{}`", first.sha256, second.sha256))
                && report.contains("6 changes; the crate needs a minor version.")
                && report.contains("| NOTE | `com.amazonaws.rekognition#Challenge` | shape added | `types::Challenge` added |"),
            "{report}"
        );
        // Fresh, and regenerating from the same model keeps the report of its last update.
        run(&["--model", model_arg, "--out", out_arg, "--check"]).unwrap();
        run(&["--model", model_arg, "--out", out_arg]).unwrap();
        assert_eq!(changes(), report);

        // The 2025-08-28 release over a model that was never committed: no report, said so.
        std::fs::copy(history.join("rekognition-2025-08-28.json"), &model).unwrap();
        run(&["--model", model_arg, "--out", out_arg]).unwrap();
        assert!(
            changes().contains("the earlier model was not found"),
            "{}",
            changes()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
