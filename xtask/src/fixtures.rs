//! `cargo xtask fixtures`: the fixture models' generated crates must compile cleanly, not just
//! match their snapshots. They are generated into `target/fixtures/` as one scratch workspace
//! (its own target directory, so the deps build once), checked with clippy on all targets, and
//! tested: fixtures with `smithy.test` cases get generated protocol tests, fixtures with
//! `smithy.rules#endpointTests` their generated endpoint tests.

use codegen::Operations;

use crate::{cargo_in, root, write_scratch_workspace};

pub fn fixtures(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("unknown option `{extra}`"));
    }
    let fixtures_dir = root().join("tests/fixtures");
    let scratch = root().join("target/fixtures");
    let mut names = Vec::new();
    let mut tested: Vec<String> = Vec::new();
    let mut endpoint_tested: Vec<String> = Vec::new();
    let entries =
        std::fs::read_dir(&fixtures_dir).map_err(|e| format!("{}: {e}", fixtures_dir.display()))?;
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
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
        let files = if has_cases {
            let service = model
                .service(None)
                .map_err(|e| e.to_string())?
                .id
                .to_string();
            let suite = codegen::conformance::generate(&model, &service, &Default::default())
                .map_err(|e| e.to_string())?;
            tested.push(suite.package.clone());
            suite.files
        } else {
            let generated =
                codegen::generate(&model, &Operations::All).map_err(|e| e.to_string())?;
            if has_endpoint_tests {
                endpoint_tested.push(generated.package.clone());
            }
            generated.files
        };
        codegen::write::write(&scratch.join(&name), &files).map_err(|e| e.to_string())?;
        names.push(name);
    }
    write_scratch_workspace(&scratch, &names)?;
    let mut runs = vec![vec![
        "clippy",
        "--all-targets",
        "--quiet",
        "--",
        "-D",
        "warnings",
    ]];
    for package in &tested {
        runs.push(vec!["test", "--quiet", "-p", package, "--test", "protocol"]);
    }
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
        let status = cargo_in(&scratch, "target/fixtures-target")
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
        "{} fixture crates generate, pass `cargo clippy --all-targets -- -D warnings`, their protocol tests and endpoint tests: {}",
        names.len(),
        names.join(", ")
    );
    Ok(())
}
