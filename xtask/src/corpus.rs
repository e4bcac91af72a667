//! `cargo xtask corpus [DIR]`: every operation of every model in `DIR` (default
//! `../shared/models`) is generated into a scratch crate under `target/corpus/`, linted with
//! `cargo clippy --all-targets` (which runs `cargo check`'s analysis too; any warning fails, as
//! `-D warnings` would), and tested with `cargo test` (the generated endpoint-rule tests among
//! them). One table row per model. Nothing here knows a model by name: a new model file in `DIR`
//! is picked up as it is.

use std::collections::BTreeMap;
use std::path::Path;

use crate::{cargo_in, model_files, root, user_path, write_scratch_workspace};

/// What happened to one service of one model file.
#[derive(Debug, Default)]
struct Row {
    file: String,
    service: String,
    package: String,
    generated: usize,
    generator_warnings: usize,
    /// Compiler and clippy warnings (the crate must have none).
    warnings: usize,
    tests: (usize, usize),
    endpoint_tests: (usize, usize),
    /// Why the row failed, if it did.
    failure: Option<String>,
}

const USAGE: &str = "usage: cargo xtask corpus [--sample N [--seed S]] [DIR]";

pub fn corpus(args: &[String]) -> Result<(), String> {
    let mut dir = None;
    let mut sample = None;
    let mut seed = String::from("0");
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sample" => {
                sample = Some(
                    args.next()
                        .and_then(|n| n.parse::<usize>().ok())
                        .filter(|&n| n > 0)
                        .ok_or(format!("--sample needs a positive number\n{USAGE}"))?,
                );
            }
            "--seed" => {
                seed = args
                    .next()
                    .ok_or(format!("--seed needs a value\n{USAGE}"))?
                    .clone()
            }
            other if other.starts_with("--") || dir.is_some() => {
                return Err(format!("unexpected `{other}`\n{USAGE}"));
            }
            path => dir = Some(user_path(path)),
        }
    }
    let dir = dir.unwrap_or_else(|| root().join("../shared/models"));
    let mut models = model_files(&dir)?;
    if models.is_empty() {
        return Err(format!("{}: no *.json model files", dir.display()));
    }
    if let Some(n) = sample {
        models = draw(models, n, &seed)?;
        let names: Vec<String> = models
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        println!(
            "corpus sample of {n} with seed {seed:?}: {} (replay: cargo xtask corpus --sample {n} --seed {seed} {})",
            names.join(", "),
            dir.display()
        );
    }
    let scratch = root().join("target/corpus");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    }
    let mut rows: Vec<Row> = Vec::new();
    for path in &models {
        for mut row in generate_model(path, &scratch) {
            // Two services (of one file or of two) with one package name would share a crate.
            if let Some(other) = rows.iter().find(|r| {
                r.failure.is_none() && !row.package.is_empty() && r.package == row.package
            }) {
                row.failure = Some(format!(
                    "its package name `{}` is also {}'s ({}); generate it alone with --out",
                    row.package, other.file, other.service
                ));
            }
            rows.push(row);
        }
    }
    let members: Vec<String> = rows
        .iter()
        .filter(|r| r.failure.is_none())
        .map(|r| r.package.clone())
        .collect();
    if !members.is_empty() {
        write_scratch_workspace(&scratch, &members)?;
        lint(&scratch, &mut rows)?;
        for row in rows.iter_mut().filter(|r| r.failure.is_none()) {
            test(&scratch, row)?;
        }
        if sample.is_some() {
            forget(&scratch, &members);
        }
    }
    print!("{}", table(&rows));
    let failed: Vec<&str> = rows
        .iter()
        .filter(|r| r.failure.is_some())
        .map(|r| r.file.as_str())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("corpus failed for: {}", failed.join(", ")))
    }
}

/// Removes the sampled crates' build artifacts from the shared scratch target: every run draws
/// other services, and their artifacts would otherwise pile up there. Their dependencies stay.
fn forget(scratch: &Path, members: &[String]) {
    let mut command = cargo_in(scratch);
    command.args(["clean", "--quiet"]);
    for member in members {
        command.args(["-p", member]);
    }
    // A failure here costs disk space, never a result: say so and go on.
    if !command.status().is_ok_and(|s| s.success()) {
        eprintln!(
            "note: could not remove the sampled crates' artifacts from target/scratch-target"
        );
    }
}

/// `n` of the model files that declare a protocol the generator supports, drawn by a
/// generator seeded from `seed` (any text; CI passes the commit): the same seed draws the same
/// models.
fn draw(
    models: Vec<std::path::PathBuf>,
    n: usize,
    seed: &str,
) -> Result<Vec<std::path::PathBuf>, String> {
    let mut candidates: Vec<std::path::PathBuf> = models
        .into_iter()
        .filter(|path| {
            std::fs::read_to_string(path).is_ok_and(|text| {
                text.contains("\"aws.protocols#awsJson1_0\"")
                    || text.contains("\"aws.protocols#awsJson1_1\"")
                    || text.contains("\"aws.protocols#restJson1\"")
            })
        })
        .collect();
    if candidates.len() < n {
        return Err(format!(
            "--sample {n}: only {} models of a supported protocol",
            candidates.len()
        ));
    }
    // FNV-1a of the seed, then SplitMix64 for a partial Fisher-Yates shuffle.
    let mut state = seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    for i in 0..n {
        let j = i + (next() % (candidates.len() - i) as u64) as usize;
        candidates.swap(i, j);
    }
    candidates.truncate(n);
    candidates.sort();
    Ok(candidates)
}

/// Generates every service of one model file into `scratch/<package>`.
fn generate_model(path: &Path, scratch: &Path) -> Vec<Row> {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let failed = |service: &str, message: String| Row {
        file: file.clone(),
        service: service.to_string(),
        failure: Some(message),
        ..Row::default()
    };
    let model = match codegen::model::Model::load(path) {
        Ok(model) => model,
        Err(e) => return vec![failed("-", e.to_string())],
    };
    let services = codegen::conformance::services(&model);
    if services.is_empty() {
        return vec![failed(
            "-",
            "not supported: no service with an awsJson1_0, awsJson1_1 or restJson1 protocol".into(),
        )];
    }
    let mut rows = Vec::new();
    for (service, _) in services {
        let generated = match codegen::Generator::new()
            .service(service.as_str())
            .generate(&model)
        {
            Ok(generated) => generated,
            Err(e) => {
                rows.push(failed(&service, e.to_string()));
                continue;
            }
        };
        let package = generated.package.clone();
        let mut row = Row {
            file: file.clone(),
            service: service.clone(),
            package: package.clone(),
            generated: generated
                .files
                .keys()
                .filter(|f| f.starts_with("src/operation/"))
                .count(),
            generator_warnings: generated.warnings.len(),
            ..Row::default()
        };
        if scratch.join(&package).exists() {
            // Written for an earlier service: the caller reports the clash.
        } else if let Err(e) = codegen::write::write(&scratch.join(&package), &generated.files) {
            row.failure = Some(e.to_string());
        }
        rows.push(row);
    }
    rows
}

/// `cargo clippy --all-targets` over the scratch workspace; counts warnings per package.
fn lint(scratch: &Path, rows: &mut [Row]) -> Result<(), String> {
    let output = cargo_in(scratch)
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            // Every crate is linted even when another fails to compile.
            "--keep-going",
            "--message-format=json",
            "--quiet",
        ])
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut warnings: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" {
            continue;
        }
        let level = message["message"]["level"].as_str().unwrap_or_default();
        let rendered = message["message"]["rendered"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        // `package_id` looks like `path+file:///…/target/corpus/<package>#0.1.0`.
        let package = message["package_id"]
            .as_str()
            .and_then(|id| id.rsplit('/').next())
            .and_then(|tail| tail.split('#').next())
            .unwrap_or_default()
            .to_string();
        match level {
            "warning" => warnings.entry(package).or_default().push(rendered),
            "error" => errors.entry(package).or_default().push(rendered),
            _ => {}
        }
    }
    for row in rows.iter_mut().filter(|r| r.failure.is_none()) {
        let found = warnings.remove(&row.package).unwrap_or_default();
        row.warnings = found.len();
        let errs = errors.remove(&row.package).unwrap_or_default();
        if !errs.is_empty() {
            eprintln!("{}", errs.join("\n"));
            row.failure = Some(format!("{} compile errors", errs.len()));
        } else if !found.is_empty() {
            eprintln!("{}", found.join("\n"));
            row.failure = Some(format!("{} compiler/clippy warnings", found.len()));
        }
    }
    if !output.status.success() && rows.iter().all(|r| r.failure.is_none()) {
        return Err(format!(
            "cargo clippy failed in {}:\n{}",
            scratch.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(())
}

/// `cargo test` on one generated crate; counts all tests and the endpoint-rule tests.
fn test(scratch: &Path, row: &mut Row) -> Result<(), String> {
    let output = cargo_in(scratch)
        // All features: the command line's JSON readers and writers, and the round-trip test
        // of every input and output through them.
        .args([
            "test",
            "-p",
            &row.package,
            "--all-features",
            "--no-fail-fast",
        ])
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let results = results(&stdout);
    let count = |only_endpoint: bool| {
        let chosen: Vec<bool> = results
            .iter()
            .filter(|(name, _)| !only_endpoint || is_endpoint_test(name))
            .map(|(_, ok)| *ok)
            .collect();
        (chosen.iter().filter(|ok| **ok).count(), chosen.len())
    };
    row.tests = count(false);
    row.endpoint_tests = count(true);
    if !output.status.success() || row.tests.0 != row.tests.1 {
        let failures: Vec<&str> = results
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(name, _)| *name)
            .collect();
        eprintln!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
        row.failure = Some(if failures.is_empty() {
            "cargo test failed".to_string()
        } else {
            format!("{} tests failed: {}", failures.len(), failures.join(", "))
        });
    }
    Ok(())
}

/// Generated endpoint-rule tests live in the crate's `endpoint` module.
fn is_endpoint_test(name: &str) -> bool {
    name.split("::").any(|segment| segment == "endpoint")
}

/// `(name, passed)` for every `test NAME ... ok|FAILED` line of `cargo test` output.
fn results(stdout: &str) -> Vec<(&str, bool)> {
    stdout
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("test ")?;
            let (name, outcome) = rest.rsplit_once(" ... ")?;
            match outcome.trim() {
                "ok" => Some((name, true)),
                "FAILED" => Some((name, false)),
                _ => None,
            }
        })
        .collect()
}

/// The report: a Markdown table, then every failure with its reason.
fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| model | service | operations generated | generator warnings | compiler/clippy warnings | tests passed | endpoint tests passed | result |\n\
         |---|---|---:|---:|---:|---:|---:|---|\n",
    );
    for row in rows {
        let service = row.service.rsplit('#').next().unwrap_or(&row.service);
        let result = if row.failure.is_some() {
            "FAILED"
        } else {
            "ok"
        };
        out.push_str(&format!(
            "| {} | {service} | {} | {} | {} | {}/{} | {}/{} | {result} |\n",
            row.file,
            row.generated,
            row.generator_warnings,
            row.warnings,
            row.tests.0,
            row.tests.1,
            row.endpoint_tests.0,
            row.endpoint_tests.1,
        ));
    }
    for row in rows {
        if let Some(failure) = &row.failure {
            out.push_str(&format!("\n{}: FAILED: {failure}", row.file));
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_read_each_test_line_and_skip_the_rest() {
        let out = "running 3 tests\n\
                   test endpoint::tests::case_1_fips ... ok\n\
                   test types::tests::builds ... FAILED\n\
                   test endpoint::tests::case_2 ... ignored\n\
                   test result: FAILED. 1 passed; 1 failed; 1 ignored";
        assert_eq!(
            results(out),
            vec![
                ("endpoint::tests::case_1_fips", true),
                ("types::tests::builds", false)
            ]
        );
        assert!(is_endpoint_test("endpoint::tests::case_1_fips"));
        assert!(!is_endpoint_test("types::tests::endpoint_like"));
    }

    #[test]
    fn the_table_has_a_row_per_service_and_lists_failures() {
        let failed = Row {
            file: "broken.json".into(),
            service: "-".into(),
            failure: Some("no service".into()),
            ..Row::default()
        };
        let rows = vec![
            Row {
                file: "kinesis.json".into(),
                service: "com.amazonaws.kinesis#Kinesis_20131202".into(),
                package: "kinesis".into(),
                generated: 39,
                tests: (189, 189),
                endpoint_tests: (189, 189),
                ..Row::default()
            },
            failed,
        ];
        let text = table(&rows);
        assert!(
            text.contains(
                "| kinesis.json | Kinesis_20131202 | 39 | 0 | 0 | 189/189 | 189/189 | ok |"
            ),
            "{text}"
        );
        assert!(
            text.contains("| broken.json | - | 0 | 0 | 0 | 0/0 | 0/0 | FAILED |")
                && text.contains("broken.json: FAILED: no service"),
            "{text}"
        );
    }
}
