//! `cargo xtask protocol-tests [PATH]`: generates a crate per service of Smithy's
//! protocol test suite, with a Rust test per client case, into `target/protocol-tests/`, runs
//! them, and prints pass/fail/skip counts per protocol. Nothing derived from the suite is
//! committed; the skip list (`tests/protocol-skips.txt`, `ID: reason` lines) is.

use std::collections::BTreeMap;

use crate::{cargo_in, root, user_path, write_scratch_workspace};

pub fn protocol_tests(args: &[String]) -> Result<(), String> {
    let model_path = match args {
        [] => root().join("../shared/protocol-tests/smithy-aws-protocol-tests_model.json"),
        [path] => user_path(path),
        _ => return Err("usage: cargo xtask protocol-tests [PATH]".into()),
    };
    let skips = read_skips()?;
    let model = codegen::model::Model::load(&model_path).map_err(|e| e.to_string())?;
    let scratch = root().join("target/protocol-tests");
    let mut members = Vec::new();
    let mut suites = Vec::new();
    for (service, _) in codegen::conformance::services(&model) {
        let suite =
            codegen::conformance::generate(&model, &service, &skips).map_err(|e| e.to_string())?;
        let dir = service.rsplit('#').next().unwrap_or(&service).to_string();
        codegen::write::write(&scratch.join(&dir), &suite.files).map_err(|e| e.to_string())?;
        let protocol = suite.protocol.name();
        members.push(dir.clone());
        suites.push((service, protocol, suite));
    }
    write_scratch_workspace(&scratch, &members)?;

    let mut totals: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut failed = false;
    for (service, protocol, suite) in &suites {
        let output = cargo_in(&scratch)
            .args([
                "test",
                "--quiet",
                "-p",
                &suite.package,
                "--test",
                "protocol",
            ])
            .output()
            .map_err(|e| format!("could not run cargo: {e}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let (passed, failures, ignored) = counts(&stdout);
        if !output.status.success() || failures > 0 {
            failed = true;
            eprintln!("{stdout}\n{stderr}");
        }
        let events = match suite.event_cases {
            0 => String::new(),
            run => format!(" + {run} event-stream cases"),
        };
        println!(
            "{protocol} {service}: {} request + {} response cases{events}: {passed} passed, {failures} failed, {ignored} skipped",
            suite.request_cases, suite.response_cases
        );
        for (id, reason) in &suite.skipped {
            println!("  skipped {id}: {reason}");
        }
        let total = totals.entry(protocol).or_default();
        total.0 += passed;
        total.1 += failures;
        total.2 += ignored;
    }
    for (protocol, (passed, failures, skipped)) in &totals {
        println!("{protocol}: {passed} passed, {failures} failed, {skipped} skipped");
    }
    if failed {
        return Err("protocol tests failed".into());
    }
    Ok(())
}

/// `(passed, failed, ignored)` from `cargo test` output.
fn counts(stdout: &str) -> (usize, usize, usize) {
    let mut totals = (0, 0, 0);
    for line in stdout.lines().filter(|l| l.starts_with("test result:")) {
        let number = |label: &str| {
            line.split(';')
                .find(|part| part.trim_end().ends_with(label))
                .and_then(|part| part.split_whitespace().rev().nth(1))
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0)
        };
        totals.0 += number("passed");
        totals.1 += number("failed");
        totals.2 += number("ignored");
    }
    totals
}

fn read_skips() -> Result<BTreeMap<String, String>, String> {
    let path = root().join("tests/protocol-skips.txt");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let mut skips = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (id, reason) = line
            .split_once(':')
            .ok_or_else(|| format!("{}:{}: expected `ID: reason`", path.display(), n + 1))?;
        skips.insert(id.trim().to_string(), reason.trim().to_string());
    }
    Ok(skips)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_across_result_lines() {
        let out = "test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
                   test result: FAILED. 2 passed; 4 failed; 0 ignored; 0 measured; 0 filtered out";
        assert_eq!(counts(out), (5, 4, 1));
    }
}
