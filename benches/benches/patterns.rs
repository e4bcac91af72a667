//! Compiled `@pattern` matchers (the automaton tables and matching loop the generated crate
//! runs) against the ECMAScript engine (`regress`, compiled once) on the same inputs.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// Rekognition's face-liveness patterns, each with a matching and a non-matching value.
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "KmsKeyId",
        "^[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,2048}$",
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "-starts-with-dash",
    ),
    (
        "ClientRequestToken",
        "^[a-zA-Z0-9-_]+$",
        "tok-1_0123456789",
        "bad token!",
    ),
    (
        "LivenessSessionId",
        "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "0b6a7d1c-2f3e-4a5b-8c9d-0e1f2a3b4c5d",
        "0B6A7D1C-2F3E-4A5B-8C9D-0E1F2A3B4C5D",
    ),
    (
        "S3Bucket",
        "^[0-9A-Za-z\\.\\-_]*$",
        "my-bucket.v2",
        "my bucket",
    ),
    (
        "LivenessS3KeyPrefix",
        "^\\S*$",
        "audit/2026/01/",
        "audit 2026",
    ),
    (
        "Version",
        "^(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})$",
        "1.22.333",
        "01.2.3",
    ),
];

fn matchers(c: &mut Criterion) {
    let mut group = c.benchmark_group("pattern");
    for (name, pattern, good, bad) in CASES {
        let compiled = codegen::automaton::compile(pattern).expect("compiles");
        let runtime = compiled.runtime();
        let matcher = compiled.matcher(&runtime);
        let engine = regress::Regex::with_flags(pattern, "u").expect("valid");
        for (kind, value) in [("match", good), ("mismatch", bad)] {
            assert_eq!(
                compiled.is_match(value),
                engine.find(value).is_some(),
                "{name} {value}"
            );
            group.bench_with_input(
                BenchmarkId::new(format!("compiled/{name}"), kind),
                value,
                |b, v| b.iter(|| matcher.is_match(std::hint::black_box(v))),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("ecmascript/{name}"), kind),
                value,
                |b, v| b.iter(|| engine.find(std::hint::black_box(v)).is_some()),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, matchers);
criterion_main!(benches);
