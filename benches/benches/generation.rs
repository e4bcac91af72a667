//! Generation of the whole official Rekognition model (75 operations) from parse to formatted
//! files in memory. Reads `../shared/models/rekognition.json`.

use criterion::{Criterion, criterion_group, criterion_main};

/// The generator binary's (`cargo xtask`) allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn generation(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/models/rekognition.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "this benchmark needs the official model at {}: {e}",
            path.display()
        )
    });
    let mut group = c.benchmark_group("generation");
    group.sample_size(20);
    group.bench_function(
        "rekognition, 75 operations, parse to formatted files",
        |b| {
            b.iter(|| {
                let model = codegen::model::Model::parse(&path, &text).expect("parses");
                let generated = codegen::Generator::new()
                    .generate(&model)
                    .expect("generates");
                std::hint::black_box(generated.files.len())
            })
        },
    );
    group.finish();
}

/// The change report between two Rekognition releases, every operation (the models parsed
/// beforehand). Reads `../shared/models-history/`.
fn diff(c: &mut Criterion) {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    let load = |path: std::path::PathBuf| {
        codegen::model::Model::load(&path)
            .unwrap_or_else(|e| panic!("this benchmark needs {}: {e}", path.display()))
    };
    let old = load(shared.join("models-history/rekognition-2025-05-20.json"));
    let new = load(shared.join("models/rekognition.json"));
    c.bench_function(
        "diff, rekognition 2025-05-20 to 2025-10-27, every operation",
        |b| {
            b.iter(|| {
                let report = codegen::diff::diff(&old, &new, None, &codegen::Operations::All)
                    .expect("diffs");
                std::hint::black_box(report.changes.len())
            })
        },
    );
}

criterion_group!(benches, generation, diff);
criterion_main!(benches);
