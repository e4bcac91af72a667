//! Replays every seed (`fuzz/seeds/<target>/`) and every input a fuzz run found
//! (`fuzz/regressions/<target>/`) through its target: what the fuzzer once found stays fixed.

use std::path::Path;

#[test]
fn every_seed_and_found_input_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    let mut replayed = 0;
    for (target, run) in fuzz::TARGETS {
        for kind in ["seeds", "regressions"] {
            let dir = root.join(kind).join(target);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut paths: Vec<_> = entries
                .map(|e| e.expect("a directory entry").path())
                .collect();
            paths.sort();
            for path in paths {
                let data = std::fs::read(&path)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                replayed += 1;
                if let Err(panic) = std::panic::catch_unwind(|| run(&data)) {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    failures.push(format!("{}: {message}", path.display()));
                }
            }
        }
    }
    assert!(replayed > 0, "no seeds found under {}", root.display());
    assert!(
        failures.is_empty(),
        "inputs that fail their target:\n{}",
        failures.join("\n")
    );
}
