//! The default crate's `@pattern` checks, exactly as generated (`generated/src/patterns.rs`
//! and the runtime modules it uses, compiled into this benchmark), against the ECMAScript engine
//! (`regress`, compiled once) on the same inputs.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

// The generated crate's pattern statics are crate-private: its files are compiled here, under
// the same module paths, and left as the generator formatted them.
#[allow(dead_code)]
#[path = "../../generated/src/runtime/dfa.rs"]
#[rustfmt::skip]
mod dfa;
#[path = "../../generated/src/patterns.rs"]
#[rustfmt::skip]
mod patterns;
#[allow(dead_code)]
#[path = "../../generated/src/runtime/scan.rs"]
#[rustfmt::skip]
mod scan;
mod runtime {
    pub(crate) use super::{dfa, scan};
}

type Check = fn(&str) -> bool;

/// Rekognition's face-liveness patterns, each with its generated check, a matching and a
/// non-matching value.
const CASES: &[(&str, &str, Check, &str, &str)] = &[
    (
        "KmsKeyId",
        "^[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,2048}$",
        |v| patterns::KMS_KEY_ID_PATTERN.is_match(v),
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "-starts-with-dash",
    ),
    (
        "ClientRequestToken",
        "^[a-zA-Z0-9-_]+$",
        |v| patterns::CLIENT_REQUEST_TOKEN_PATTERN.is_match(v),
        "tok-1_0123456789",
        "bad token!",
    ),
    (
        "LivenessSessionId",
        "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        |v| patterns::LIVENESS_SESSION_ID_PATTERN.is_match(v),
        "0b6a7d1c-2f3e-4a5b-8c9d-0e1f2a3b4c5d",
        "0B6A7D1C-2F3E-4A5B-8C9D-0E1F2A3B4C5D",
    ),
    (
        "S3Bucket",
        "^[0-9A-Za-z\\.\\-_]*$",
        |v| patterns::S3_BUCKET_PATTERN.is_match(v),
        "my-bucket.v2",
        "my bucket",
    ),
    (
        "LivenessS3KeyPrefix",
        "^\\S*$",
        |v| patterns::LIVENESS_S3_KEY_PREFIX_PATTERN.is_match(v),
        "audit/2026/01/",
        "audit 2026",
    ),
    (
        "Version",
        "^(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})$",
        |v| patterns::VERSION_PATTERN.is_match(v),
        "1.22.333",
        "01.2.3",
    ),
];

fn matchers(c: &mut Criterion) {
    let mut group = c.benchmark_group("pattern");
    for (name, pattern, check, good, bad) in CASES {
        let engine = regress::Regex::with_flags(pattern, "u").expect("valid");
        for (kind, value) in [("match", good), ("mismatch", bad)] {
            assert_eq!(check(value), engine.find(value).is_some(), "{name} {value}");
            assert_eq!(check(value), kind == "match", "{name} {value}");
            group.bench_with_input(
                BenchmarkId::new(format!("compiled/{name}"), kind),
                value,
                |b, v| b.iter(|| check(std::hint::black_box(v))),
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
