//! `cargo xtask fuzz [--seconds N] [--jobs J] [TARGET]...`: builds the fuzz targets of the
//! `fuzz` crate with libFuzzer and coverage instrumentation on the stable toolchain, runs each
//! for N seconds, keeps what a run finds as a regression case in `fuzz/regressions/<target>/`
//! (replayed by `cargo test`) and prints one row per target.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::root;

/// The targets, with the longest input each is given.
const TARGETS: &[(&str, usize)] = &[
    ("responses", 4096),
    ("dates", 128),
    ("shorthand", 1024),
    ("model", 8192),
];

/// SanitizerCoverage as libFuzzer reads it (what cargo-fuzz passes, minus AddressSanitizer,
/// which needs a nightly compiler; Rust's own checks stand in for it), and debug assertions and
/// overflow checks, so an arithmetic overflow is a finding.
const RUSTFLAGS: &[&str] = &[
    "-Cpasses=sancov-module",
    "-Cllvm-args=-sanitizer-coverage-level=4",
    "-Cllvm-args=-sanitizer-coverage-inline-8bit-counters",
    "-Cllvm-args=-sanitizer-coverage-pc-table",
    "-Cllvm-args=-sanitizer-coverage-trace-compares",
    "-Cdebug-assertions",
    "-Coverflow-checks",
];

pub fn fuzz(args: &[String]) -> Result<(), String> {
    let mut seconds = 60u64;
    let mut jobs = 1usize;
    let mut selected = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut number = |flag: &str| -> Result<u64, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("{flag} needs a positive number"))
        };
        match arg.as_str() {
            "--seconds" => seconds = number("--seconds")?,
            "--jobs" => jobs = number("--jobs")? as usize,
            name => match TARGETS.iter().find(|(t, _)| *t == name) {
                Some(target) => selected.push(*target),
                None => {
                    let names: Vec<&str> = TARGETS.iter().map(|(t, _)| *t).collect();
                    return Err(format!(
                        "unknown fuzz target or option `{name}` (targets: {})",
                        names.join(", ")
                    ));
                }
            },
        }
    }
    if selected.is_empty() {
        selected = TARGETS.to_vec();
    }

    let dir = root().join("target/fuzz");
    let binaries = build(&dir)?;
    let mut runs = Vec::new();
    for batch in selected.chunks(jobs) {
        let started: Vec<(&str, Child, PathBuf)> = batch
            .iter()
            .map(|&(target, max_len)| {
                start(&dir, &binaries, target, max_len, seconds).map(|(c, l)| (target, c, l))
            })
            .collect::<Result<_, _>>()?;
        for (target, mut child, log) in started {
            let status = child
                .wait()
                .map_err(|e| format!("fuzz target {target}: {e}"))?;
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let found = keep_findings(&dir, target)?;
            runs.push(Run {
                target,
                stats: Stats::read(&text),
                found,
                ok: status.success(),
                log,
            });
        }
    }

    println!(
        "\n{:<10} {:>7} {:>12} {:>8} {:>6} {:>7}  findings",
        "target", "seconds", "executions", "exec/s", "cov", "corpus"
    );
    for run in &runs {
        let s = &run.stats;
        println!(
            "{:<10} {:>7} {:>12} {:>8} {:>6} {:>7}  {}",
            run.target,
            s.seconds,
            s.executions,
            s.executions / s.seconds.max(1),
            s.coverage,
            s.corpus,
            if run.found.is_empty() {
                "none".to_string()
            } else {
                run.found.join(", ")
            }
        );
    }
    let failed: Vec<&Run> = runs
        .iter()
        .filter(|r| !r.ok || !r.found.is_empty())
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    let mut message = String::from("fuzzing found inputs that fail:\n");
    for run in failed {
        message.push_str(&format!(
            "  {}: {} (log: {}); kept in fuzz/regressions/{}/, which `cargo test -p fuzz` replays\n",
            run.target,
            if run.found.is_empty() {
                "the fuzzer failed without an input".to_string()
            } else {
                run.found.join(", ")
            },
            run.log.display(),
            run.target
        ));
    }
    Err(message)
}

struct Run {
    target: &'static str,
    stats: Stats,
    found: Vec<String>,
    ok: bool,
    log: PathBuf,
}

/// Builds the instrumented binaries into `dir`; returns the directory holding them.
fn build(dir: &Path) -> Result<PathBuf, String> {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|e| format!("rustc -vV: {e}"))?;
    let host = String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .ok_or("rustc -vV printed no host triple")?;
    // An explicit --target keeps the instrumentation off build scripts and proc macros.
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root())
        .args([
            "build",
            "--release",
            "--package",
            "fuzz",
            "--features",
            "libfuzzer",
        ])
        .args(["--bins", "--target", &host, "--target-dir"])
        .arg(dir)
        .env("RUSTFLAGS", RUSTFLAGS.join(" "))
        // The workspace's release profile links with fat LTO for the generator's benchmarks;
        // the fuzz build needs it to build fast, not to run a few percent faster.
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "line-tables-only")
        .status()
        .map_err(|e| format!("cargo build (fuzz targets): {e}"))?;
    if !status.success() {
        return Err("building the fuzz targets failed".into());
    }
    Ok(dir.join(host).join("release"))
}

/// Starts one target for `seconds`, its output into `dir/<target>.log`.
fn start(
    dir: &Path,
    binaries: &Path,
    target: &str,
    max_len: usize,
    seconds: u64,
) -> Result<(Child, PathBuf), String> {
    let fuzz = root().join("fuzz");
    let corpus = dir.join("corpus").join(target);
    let artifacts = dir.join("artifacts").join(target);
    for d in [&corpus, &artifacts] {
        std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    let log = dir.join(format!("{target}.log"));
    let file = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    println!("fuzzing {target} for {seconds} s (log: {})", log.display());
    let mut command = Command::new(binaries.join(target));
    command
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-max_len={max_len}"))
        .arg("-timeout=10")
        .arg("-rss_limit_mb=2048")
        .arg("-print_final_stats=1")
        .arg(format!(
            "-dict={}",
            fuzz.join("dicts").join(format!("{target}.dict")).display()
        ))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        // New inputs go into the first directory (target/, not the repository); the seeds and
        // the kept regressions start the run.
        .arg(&corpus);
    for kind in ["seeds", "regressions"] {
        let extra = fuzz.join(kind).join(target);
        if extra.is_dir() {
            command.arg(extra);
        }
    }
    let child = command
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .map_err(|e| format!("{}: {e}", binaries.join(target).display()))?;
    Ok((child, log))
}

/// Moves what libFuzzer wrote into the artifact directory (crash-, timeout-, oom-, leak-,
/// slow-unit- files) to `fuzz/regressions/<target>/`; returns their names.
fn keep_findings(dir: &Path, target: &str) -> Result<Vec<String>, String> {
    let artifacts = dir.join("artifacts").join(target);
    let keep = root().join("fuzz/regressions").join(target);
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(&artifacts) else {
        return Ok(found);
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("slow-unit-") {
            continue;
        }
        std::fs::create_dir_all(&keep).map_err(|e| format!("{}: {e}", keep.display()))?;
        std::fs::rename(entry.path(), keep.join(&name))
            .or_else(|_| std::fs::copy(entry.path(), keep.join(&name)).map(drop))
            .map_err(|e| format!("{}: {e}", keep.join(&name).display()))?;
        found.push(name);
    }
    found.sort();
    Ok(found)
}

/// What libFuzzer's log says about a run.
#[derive(Default)]
struct Stats {
    seconds: u64,
    executions: u64,
    coverage: u64,
    corpus: u64,
}

impl Stats {
    fn read(log: &str) -> Stats {
        let mut stats = Stats::default();
        for line in log.lines() {
            // `stat::number_of_executed_units: 123456` (-print_final_stats=1)
            if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
                stats.executions = n.trim().parse().unwrap_or(0);
            }
            // `Done 123456 runs in 60 second(s)`
            if let Some(rest) = line.strip_prefix("Done ") {
                let words: Vec<&str> = rest.split_whitespace().collect();
                if let [runs, "runs", "in", secs, ..] = words[..] {
                    stats.executions = runs.parse().unwrap_or(stats.executions);
                    stats.seconds = secs.parse().unwrap_or(0);
                }
            }
            // `#123	REDUCE cov: 1234 ft: 5678 corp: 90/12Kb ...`
            if line.starts_with('#') {
                let words: Vec<&str> = line.split_whitespace().collect();
                for pair in words.windows(2) {
                    match pair[0] {
                        "cov:" => stats.coverage = pair[1].parse().unwrap_or(stats.coverage),
                        "corp:" => {
                            stats.corpus = pair[1]
                                .split('/')
                                .next()
                                .and_then(|n| n.parse().ok())
                                .unwrap_or(stats.corpus)
                        }
                        _ => {}
                    }
                }
            }
        }
        stats
    }
}
