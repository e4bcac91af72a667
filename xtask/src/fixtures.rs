//! `cargo xtask fixtures`: the fixture models' generated crates must compile cleanly, not just
//! match their snapshots. They are generated into `target/fixtures/` as one scratch workspace
//! (its own target directory, so the deps build once), checked with clippy on all targets, and
//! tested: fixtures with `smithy.test` cases get generated protocol tests, fixtures with
//! `smithy.rules#endpointTests` their generated endpoint tests, and a fixture with a directory
//! `tests/fixture-tests/<name>/` gets a test crate `<name>-tests` beside it whose integration
//! tests are those files, run against the generated crate (behaviour tests with a loopback
//! server: paginators, waiters, idempotency tokens).

use crate::{cargo_in, model_files, root, write_scratch_workspace};

pub fn fixtures(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("unknown option `{extra}`"));
    }
    let fixtures_dir = root().join("tests/fixtures");
    let scratch = root().join("target/fixtures");
    let mut names = Vec::new();
    let mut tested: Vec<String> = Vec::new();
    let mut tested_crates: Vec<String> = Vec::new();
    let mut endpoint_tested: Vec<String> = Vec::new();
    let mut models: Vec<(String, std::path::PathBuf)> = model_files(&fixtures_dir)?
        .into_iter()
        .map(|path| {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, path)
        })
        .collect();
    models.extend(shared_fixtures(&fixtures_dir.join("shared-models.txt"))?);
    for (name, path) in &models {
        let name = name.clone();
        let model = codegen::model::Model::load(path).map_err(|e| e.to_string())?;
        // A fixture with `smithy.test` cases is generated with its protocol tests, which run.
        let has_cases = model.shapes.values().any(|shape| {
            shape
                .traits
                .raw
                .keys()
                .any(|name| name.starts_with("smithy.test#http"))
        });
        let has_endpoint_tests = model
            .shapes
            .values()
            .any(|shape| shape.traits.raw.contains_key(codegen::endpoints::TESTS));
        let (files, package) = if has_cases {
            let service = model
                .service(None)
                .map_err(|e| e.to_string())?
                .id
                .to_string();
            let suite = codegen::conformance::generate(&model, &service, &Default::default())
                .map_err(|e| e.to_string())?;
            tested.push(suite.package.clone());
            (suite.files, suite.package)
        } else {
            let generated = codegen::Generator::new()
                .generate(&model)
                .map_err(|e| e.to_string())?;
            if has_endpoint_tests {
                endpoint_tested.push(generated.package.clone());
            }
            (generated.files, generated.package)
        };
        codegen::write::write(&scratch.join(&name), &files).map_err(|e| e.to_string())?;
        let generated_package = package;
        let behaviour = root().join("tests/fixture-tests").join(&name);
        if behaviour.is_dir() {
            let package = format!("{name}-tests");
            write_test_crate(
                &scratch.join(&package),
                &name,
                &generated_package,
                &behaviour,
            )?;
            tested_crates.push(package.clone());
            names.push(package);
        }
        names.push(name);
    }
    write_scratch_workspace(&scratch, &names)?;
    let mut runs = vec![vec![
        "clippy",
        "--all-targets",
        "--features",
        "cli",
        "--quiet",
        "--",
        "-D",
        "warnings",
    ]];
    for package in &tested {
        runs.push(vec!["test", "--quiet", "-p", package, "--test", "protocol"]);
    }
    for package in &tested_crates {
        runs.push(vec!["test", "--quiet", "-p", package]);
    }
    // Every fixture's inputs and outputs round-trip through JSON (a test in its `cli.rs`).
    runs.push(vec![
        "test",
        "--quiet",
        "--workspace",
        "--all-features",
        "--lib",
        "--",
        "cli::tests::",
    ]);
    let behaviour_dirs: Vec<(String, std::path::PathBuf)> = tested_crates
        .iter()
        .map(|package| {
            let name = package.trim_end_matches("-tests");
            (
                package.clone(),
                root().join("tests/fixture-tests").join(name),
            )
        })
        .collect();
    for package in &endpoint_tested {
        runs.push(vec![
            "test",
            "--quiet",
            "-p",
            package,
            "--lib",
            "--",
            "endpoint::tests::",
        ]);
    }
    for cargo_args in &runs {
        let mut command = cargo_in(&scratch);
        // A behaviour crate's snapshots live beside its sources in the repository.
        if let Some((_, dir)) = behaviour_dirs
            .iter()
            .find(|(package, _)| cargo_args.contains(&package.as_str()))
        {
            command.env("FIXTURE_TESTS_DIR", dir);
        }
        let status = command
            .args(cargo_args.iter())
            .status()
            .map_err(|e| format!("could not run cargo: {e}"))?;
        if !status.success() {
            return Err(format!(
                "`cargo {}` failed on the fixture crates in {}",
                cargo_args.join(" "),
                scratch.display()
            ));
        }
    }
    println!(
        "{} fixture crates generate, pass `cargo clippy --all-targets --features cli -- -D warnings`, their protocol tests, endpoint tests, behaviour tests and input/output round-trip tests: {}",
        names.len(),
        names.join(", ")
    );
    Ok(())
}

/// The dev-dependencies behaviour tests may use besides the fixture crate.
const TEST_DEPENDENCIES: &str = r#"tokio = { version = "1", features = ["macros", "rt-multi-thread", "net", "time", "sync"] }
http = "1"
hyper = { version = "1", features = ["server", "http1", "http2"] }
hyper-util = { version = "0.1", features = ["tokio", "server"] }
http-body-util = "0.1"
http-body = "1"
crc32fast = "1"
serde_json = "1"
insta = "1"
aws-sigv4 = { version = "1", features = ["sign-eventstream"] }
aws-smithy-eventstream = "0.61"
aws-smithy-types = "1"
aws-credential-types = { version = "1", features = ["hardcoded-credentials"] }
aws-smithy-runtime-api = { version = "1", features = ["client"] }
proptest = "1"
"#;

/// The fixtures read from `../shared` in place (never copied into the repository): the lines
/// `name: path` of `list` (the path from the repository root; `#` starts a comment).
fn shared_fixtures(list: &std::path::Path) -> Result<Vec<(String, std::path::PathBuf)>, String> {
    let text = std::fs::read_to_string(list).map_err(|e| format!("{}: {e}", list.display()))?;
    let mut fixtures = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, path)) = line.split_once(':') else {
            return Err(format!(
                "{}:{}: expected `name: path`",
                list.display(),
                n + 1
            ));
        };
        fixtures.push((name.trim().to_string(), root().join(path.trim())));
    }
    Ok(fixtures)
}

/// The crate `<fixture>-tests`, whose integration tests are the files under `sources` (copied as
/// they are, with subdirectories), depending on the fixture's generated crate `package` (in
/// the directory `fixture`).
fn write_test_crate(
    dir: &std::path::Path,
    fixture: &str,
    package: &str,
    sources: &std::path::Path,
) -> Result<(), String> {
    let io = |path: &std::path::Path, e: std::io::Error| format!("{}: {e}", path.display());
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("src")).map_err(|e| io(dir, e))?;
    let manifest = format!(
        "[package]\nname = \"{fixture}-tests\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dev-dependencies]\n{package} = {{ path = \"../{fixture}\", features = [\"cli\"] }}\n{TEST_DEPENDENCIES}"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| io(dir, e))?;
    std::fs::write(
        dir.join("src/lib.rs"),
        format!("//! Behaviour tests of the generated `{fixture}` fixture crate (see `tests/`).\n"),
    )
    .map_err(|e| io(dir, e))?;
    copy_tree(sources, &dir.join("tests"))
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) -> Result<(), String> {
    let io = |path: &std::path::Path, e: std::io::Error| format!("{}: {e}", path.display());
    std::fs::create_dir_all(to).map_err(|e| io(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| io(from, e))? {
        let path = entry.map_err(|e| io(from, e))?.path();
        let Some(name) = path.file_name() else {
            continue;
        };
        if path.is_dir() {
            copy_tree(&path, &to.join(name))?;
        } else {
            std::fs::copy(&path, to.join(name)).map_err(|e| io(&path, e))?;
        }
    }
    Ok(())
}
