//! Arbitrary values of a shape, for the round-trip test of every generated crate's types
//! (`round_trip`, called by the generated `cli` module's tests).

use std::fmt;

use serde_json::{Map, Value};

use super::super::datetime::DateTime;
use super::tables::Schema;

/// Characters that JSON writers get wrong: quotes, backslashes, control characters, the JSON
/// escapes, line separators and characters outside the Basic Multilingual Plane.
const HOSTILE: &[&str] = &[
    "\"", "\\", "\u{0}", "\u{1f}", "\n", "\t", "\u{7f}", "\u{2028}", "é", "🍔", "\\u0000",
    "\":1,\"x", "a", "Z", " ", "{", "]",
];

fn arbitrary_string(rng: &mut fastrand::Rng) -> String {
    (0..rng.usize(0..6))
        .map(|_| HOSTILE[rng.usize(..HOSTILE.len())])
        .collect()
}

/// Arbitrary JSON of `schema`'s shape (as the wire carries it), for round-trip tests: strings
/// and map keys of hostile characters, optional members set or not, required ones always,
/// nesting bounded.
pub fn arbitrary(schema: &Schema, rng: &mut fastrand::Rng, depth: usize) -> Value {
    use base64::Engine as _;
    let deep = depth > 4;
    match schema {
        Schema::String => Value::String(arbitrary_string(rng)),
        Schema::Enum(values) if !values.is_empty() && rng.bool() => {
            Value::from(values[rng.usize(..values.len())])
        }
        Schema::Enum(_) => Value::String(arbitrary_string(rng)),
        Schema::Integer => Value::from(rng.i64(-100..=100)),
        // Eighths: exact in `f32` and `f64` alike.
        Schema::Float => Value::from(f64::from(rng.i32(-8000..=8000)) / 8.0),
        Schema::Boolean => Value::Bool(rng.bool()),
        Schema::Blob => {
            let bytes: Vec<u8> = (0..rng.usize(0..12)).map(|_| rng.u8(..)).collect();
            Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        Schema::Timestamp => Value::from(rng.i64(-2_000_000_000..=4_000_000_000)),
        Schema::TimestampText => {
            Value::String(DateTime::from_secs(rng.i64(0..=4_000_000_000)).to_date_time())
        }
        Schema::HttpDate => {
            Value::String(DateTime::from_secs(rng.i64(0..=4_000_000_000)).to_http_date())
        }
        Schema::Document => arbitrary_document(rng, depth),
        Schema::Structure(members) => {
            let mut object = Map::new();
            for m in members.iter() {
                if m.required || (!deep && rng.u8(..10) < 6) {
                    let value = arbitrary(m.schema, rng, depth + 1);
                    if !value.is_null() {
                        object.insert(m.name.to_string(), value);
                    }
                }
            }
            Value::Object(object)
        }
        // Deep down too, as a required member needs one: past the depth limit structures hold
        // only their required members and collections are empty, so this ends (a hard cap
        // guards against a model whose required members form a cycle).
        Schema::Union(members) if !members.is_empty() && depth <= 16 => {
            let member = &members[rng.usize(..members.len())];
            let value = match member.schema {
                // A member targeting `Unit`.
                Schema::Structure([]) => Value::Object(Map::new()),
                // A union member is never null: a document there holds a value.
                Schema::Document => match arbitrary_document(rng, depth + 1) {
                    Value::Null => Value::Object(Map::new()),
                    value => value,
                },
                schema => arbitrary(schema, rng, depth + 1),
            };
            if value.is_null() {
                // (A union nested too deep to hold a value: left out.)
                return Value::Null;
            }
            Value::Object([(member.name.to_string(), value)].into_iter().collect())
        }
        Schema::Union(_) => Value::Null,
        Schema::List(item) => Value::Array(
            (0..if deep { 0 } else { rng.usize(0..4) })
                .map(|_| arbitrary(item, rng, depth + 1))
                .filter(|v| !v.is_null())
                .collect(),
        ),
        Schema::Map(item) => Value::Object(
            (0..if deep { 0 } else { rng.usize(0..4) })
                .map(|_| (arbitrary_string(rng), arbitrary(item, rng, depth + 1)))
                .filter(|(_, v)| !v.is_null())
                .collect(),
        ),
    }
}

fn arbitrary_document(rng: &mut fastrand::Rng, depth: usize) -> Value {
    match rng.u8(..if depth > 4 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => Value::from(rng.i64(..)),
        3 => Value::from(f64::from(rng.i32(..)) / 4.0),
        4 => Value::String(arbitrary_string(rng)),
        5 => Value::Array(
            (0..rng.usize(0..3))
                .map(|_| arbitrary_document(rng, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.usize(0..3))
                .map(|_| (arbitrary_string(rng), arbitrary_document(rng, depth + 1)))
                .collect(),
        ),
    }
}

/// The round trip every generated type must survive: arbitrary JSON of `schema` read as `T`,
/// written, read again and written again gives the same JSON both times, and what is written is
/// JSON. (Compared as written JSON, not by `PartialEq`: a type holding a stream has none.)
/// Panics (a test failure) naming the case otherwise. `cases` values are tried from `seed`.
pub fn round_trip<T>(schema: &Schema, cases: usize, seed: u64)
where
    T: super::super::json::ReadJson + super::super::json::WriteJson + fmt::Debug,
{
    let mut rng = fastrand::Rng::with_seed(seed);
    for case in 0..cases {
        // Keyed as the client's JSON is (`@jsonName`).
        let json = super::tables::to_wire(arbitrary(schema, &mut rng, 0), schema);
        let first = match T::read_json(&json) {
            Ok(value) => value,
            Err(e) => panic!(
                "case {case}: {json} is not read: {}: {}",
                e.path(),
                e.message()
            ),
        };
        let mut bytes = Vec::new();
        first.write_json(&mut bytes);
        let written: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "case {case}: writing {first:?} made invalid JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        match T::read_json(&written) {
            Ok(second) => {
                let mut again = Vec::new();
                second.write_json(&mut again);
                assert_eq!(
                    String::from_utf8_lossy(&again),
                    String::from_utf8_lossy(&bytes),
                    "case {case}: {json} read back as {second:?}"
                );
            }
            Err(e) => panic!(
                "case {case}: {written} is not read back: {}: {}",
                e.path(),
                e.message()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::coerce::coerce;
    use super::super::tests::ROOT_SCHEMA;
    use super::*;

    #[test]
    fn arbitrary_values_fit_their_shape_and_follow_the_seed() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..200 {
            let value = arbitrary(&ROOT_SCHEMA, &mut rng, 0);
            let mut checked = value.clone();
            if let Err(e) = coerce(&mut checked, &ROOT_SCHEMA, &mut Vec::new(), true) {
                panic!("{value}: {}: {}", e.path, e.message);
            }
            // Wire values of the right shape: nothing to convert.
            assert_eq!(checked, value);
        }
        let draw = |seed| arbitrary(&ROOT_SCHEMA, &mut fastrand::Rng::with_seed(seed), 0);
        assert_eq!(draw(3), draw(3));
    }
}
