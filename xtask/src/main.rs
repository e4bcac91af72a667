//! `cargo xtask`: the project's commands.
//!
//! - `cargo xtask codegen [--check] [--model PATH] [--operation NAME]... [--all-operations] [--out DIR]`
//! - `cargo xtask verify-model [--official PATH]`: proves `model/rekognition.json` faithful to the
//!   official model (same generated code once documentation is stripped).

mod verify;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::Operations;

const USAGE: &str = "usage:
  cargo xtask codegen [--check] [--model PATH] [--operation NAME]... [--all-operations] [--out DIR]
      Generates the client crate (default: model/rekognition.json, the two face-liveness
      operations, into generated/). --check writes nothing and fails listing stale files.
  cargo xtask verify-model [--official PATH]
      Checks that model/rekognition.json generates the same code as the official model
      (default ../shared/models/rekognition.json), documentation aside.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen(&args[1..]),
        Some("verify-model") => verify::verify_model(&args[1..]),
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

fn codegen(args: &[String]) -> Result<(), String> {
    let mut check = false;
    let mut model = root().join("model/rekognition.json");
    let mut out = root().join("generated");
    let mut named = Vec::new();
    let mut all = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--check" => check = true,
            "--model" => model = user_path(&value("--model")?),
            "--out" => out = user_path(&value("--out")?),
            "--operation" => named.push(value("--operation")?),
            "--all-operations" => all = true,
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    let operations = match (all, named.is_empty()) {
        (true, false) => return Err("--all-operations and --operation exclude each other".into()),
        (true, true) => Operations::All,
        (false, true) => codegen::default_operations(),
        (false, false) => Operations::Named(named),
    };
    let generated = codegen::generate_from_file(&model, &operations).map_err(|e| e.to_string())?;
    for warning in &generated.warnings {
        eprintln!("warning: {warning}");
    }
    if check {
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
            "{} is stale; run `cargo xtask codegen` and commit the result:\n{}",
            out.display(),
            list.join("\n")
        ));
    }
    codegen::write::write(&out, &generated.files).map_err(|e| e.to_string())?;
    println!(
        "generated crate `{}` into {} ({} files, {} warnings)",
        generated.package,
        out.display(),
        generated.files.len(),
        generated.warnings.len()
    );
    Ok(())
}
