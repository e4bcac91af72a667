//! `cargo xtask sweep [--jobs N] [DIR]`: every service of every model in DIR (default
//! `../shared/models-all`) generated with every operation, in memory, on N threads; one line
//! per protocol (models generated, failed, not supported yet), each failure with its error, the
//! total and the slowest generation. Fails when a service of a supported protocol fails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use codegen::model::{Model, ShapeKind};

use crate::{model_files, root, user_path};

/// The protocols the generator speaks.
const SUPPORTED: &[&str] = &["awsJson1_0", "awsJson1_1", "restJson1"];

/// Whether the sweep generates services of `protocol`.
fn checked(protocol: &str) -> bool {
    SUPPORTED.contains(&protocol)
}

/// Protocol traits, most specific first: a service that declares several is generated for the
/// first the generator supports, else counted under the first it declares.
const PROTOCOLS: &[(&str, &str)] = &[
    ("aws.protocols#awsJson1_1", "awsJson1_1"),
    ("aws.protocols#awsJson1_0", "awsJson1_0"),
    ("aws.protocols#restJson1", "restJson1"),
    ("aws.protocols#restXml", "restXml"),
    ("aws.protocols#awsQuery", "awsQuery"),
    ("aws.protocols#ec2Query", "ec2Query"),
    ("smithy.protocols#rpcv2Cbor", "rpcv2Cbor"),
];

/// One service of one model file.
struct Outcome {
    file: String,
    service: String,
    protocol: String,
    elapsed: Duration,
    /// `None`: generated; `Some(error)`: failed. Unsupported protocols are not generated.
    failure: Option<String>,
    warnings: usize,
}

pub fn sweep(args: &[String]) -> Result<(), String> {
    let mut jobs = std::thread::available_parallelism().map_or(2, usize::from);
    let mut dir = root().join("../shared/models-all");
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--jobs" => {
                jobs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--jobs needs a positive number")?;
            }
            other if other.starts_with("--") => {
                return Err(format!(
                    "unknown option `{other}`\nusage: cargo xtask sweep [--jobs N] [DIR]"
                ));
            }
            path => dir = user_path(path),
        }
    }
    let files = model_files(&dir)?;
    if files.is_empty() {
        return Err(format!("{}: no *.json model files", dir.display()));
    }
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let outcomes = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(files.len()) {
            scope.spawn(|| {
                while let Some(path) = files.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let found = sweep_file(path);
                    outcomes
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .extend(found);
                }
            });
        }
    });
    let total = started.elapsed();
    let mut outcomes = outcomes.into_inner().unwrap_or_else(|e| e.into_inner());
    outcomes.sort_by(|a, b| (&a.file, &a.service).cmp(&(&b.file, &b.service)));
    report(&dir, &files, &outcomes, total, jobs)
}

fn report(
    dir: &Path,
    files: &[PathBuf],
    outcomes: &[Outcome],
    total: Duration,
    jobs: usize,
) -> Result<(), String> {
    // protocol → (services, generated, failed, warnings)
    let mut by_protocol: BTreeMap<&str, (usize, usize, usize, usize)> = BTreeMap::new();
    for o in outcomes {
        let row = by_protocol.entry(o.protocol.as_str()).or_default();
        row.0 += 1;
        if o.failure.is_some() {
            row.2 += 1;
        } else if checked(&o.protocol) {
            row.1 += 1;
        }
        row.3 += o.warnings;
    }
    println!(
        "sweep of {} ({} model files, {} services, {jobs} threads)",
        dir.display(),
        files.len(),
        outcomes.len()
    );
    for (protocol, (services, generated, failed, warnings)) in &by_protocol {
        if SUPPORTED.contains(protocol) {
            println!(
                "  {protocol:<12} {services:>4} services: {generated} generated, {failed} failed ({warnings} generator warnings)"
            );
        } else {
            println!(
                "  {protocol:<12} {services:>4} services: not supported yet{}",
                if *failed > 0 {
                    format!(" ({failed} did not load)")
                } else {
                    String::new()
                }
            );
        }
    }
    if let Some(slowest) = outcomes
        .iter()
        .filter(|o| SUPPORTED.contains(&o.protocol.as_str()))
        .max_by_key(|o| o.elapsed)
    {
        println!(
            "  total {:.1} s; slowest {} ({}) in {:.2} s",
            total.as_secs_f64(),
            slowest.file,
            slowest.service,
            slowest.elapsed.as_secs_f64()
        );
    }
    let failures: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.failure.is_some() && checked(&o.protocol))
        .collect();
    for o in outcomes.iter().filter(|o| o.failure.is_some()) {
        println!(
            "  {} {} ({}): {}",
            if checked(&o.protocol) {
                "FAILED"
            } else {
                "unsupported, did not load:"
            },
            o.file,
            o.service,
            o.failure.as_deref().unwrap_or_default()
        );
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} service(s) of a supported protocol failed to generate or to build their IR",
            failures.len()
        ))
    }
}

/// Every service of one model file.
fn sweep_file(path: &Path) -> Vec<Outcome> {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let started = Instant::now();
    let model = match Model::load(path) {
        Ok(model) => model,
        Err(e) => {
            // Counted under the protocol its text declares.
            let protocol = std::fs::read_to_string(path)
                .ok()
                .and_then(|text| {
                    PROTOCOLS
                        .iter()
                        .find(|(t, _)| text.contains(&format!("\"{t}\"")))
                        .map(|(_, name)| name.to_string())
                })
                .unwrap_or_else(|| "none".into());
            return vec![Outcome {
                file,
                service: "-".into(),
                protocol,
                elapsed: started.elapsed(),
                failure: Some(e.to_string()),
                warnings: 0,
            }];
        }
    };
    let load_time = started.elapsed();
    let mut outcomes = Vec::new();
    for shape in model.shapes.values() {
        if !matches!(shape.kind, ShapeKind::Service(_)) {
            continue;
        }
        let declared: Vec<&str> = PROTOCOLS
            .iter()
            .filter(|(t, _)| shape.traits.raw.contains_key(*t))
            .map(|(_, name)| *name)
            .collect();
        let protocol = declared
            .iter()
            .find(|p| SUPPORTED.contains(p))
            .or(declared.first())
            .map_or("none", |p| p)
            .to_string();
        let service = shape.id.to_string();
        if !checked(&protocol) {
            outcomes.push(Outcome {
                file: file.clone(),
                service,
                protocol,
                elapsed: Duration::ZERO,
                failure: None,
                warnings: 0,
            });
            continue;
        }
        let started = Instant::now();
        let generator = codegen::Generator::new().service(service.as_str());
        // The generator warnings, or why the service failed.
        let result = generator
            .generate(&model)
            .map(|generated| generated.warnings.len());
        outcomes.push(Outcome {
            file: file.clone(),
            service,
            protocol,
            elapsed: load_time + started.elapsed(),
            warnings: *result.as_ref().unwrap_or(&0),
            failure: result.err().map(|e| e.to_string()),
        });
    }
    outcomes
}
