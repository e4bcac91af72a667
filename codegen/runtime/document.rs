//! Smithy `document` values: untyped, JSON-like data, owned.

use std::collections::BTreeMap;

use serde_json::Value;

use super::json::{self, DeserializeError};

/// An untyped value, as JSON describes it.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Document {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Document>),
    Object(BTreeMap<String, Document>),
}

/// A document number: integers keep full precision.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    PosInt(u64),
    NegInt(i64),
    Float(f64),
}

impl From<bool> for Document {
    fn from(value: bool) -> Self {
        Document::Bool(value)
    }
}

impl From<&str> for Document {
    fn from(value: &str) -> Self {
        Document::String(value.to_string())
    }
}

impl From<String> for Document {
    fn from(value: String) -> Self {
        Document::String(value)
    }
}

impl From<i64> for Document {
    fn from(value: i64) -> Self {
        Document::Number(if value < 0 {
            Number::NegInt(value)
        } else {
            Number::PosInt(value as u64)
        })
    }
}

impl From<u64> for Document {
    fn from(value: u64) -> Self {
        Document::Number(Number::PosInt(value))
    }
}

impl From<f64> for Document {
    fn from(value: f64) -> Self {
        Document::Number(Number::Float(value))
    }
}

impl From<Vec<Document>> for Document {
    fn from(value: Vec<Document>) -> Self {
        Document::Array(value)
    }
}

impl From<BTreeMap<String, Document>> for Document {
    fn from(value: BTreeMap<String, Document>) -> Self {
        Document::Object(value)
    }
}

/// Reads any JSON value as a document.
pub(crate) fn read(value: &Value) -> Result<Document, DeserializeError> {
    Ok(match value {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::Number(n) => Document::Number(match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Number::PosInt(u),
            (None, Some(i), _) => Number::NegInt(i),
            (None, None, Some(f)) => Number::Float(f),
            _ => return Err(DeserializeError::new(format!("unrepresentable number {n}"))),
        }),
        Value::String(s) => Document::String(s.clone()),
        Value::Array(items) => Document::Array(items.iter().map(read).collect::<Result<_, _>>()?),
        Value::Object(entries) => Document::Object(
            entries
                .iter()
                .map(|(k, v)| Ok((k.clone(), read(v).map_err(|e| e.at(k))?)))
                .collect::<Result<_, DeserializeError>>()?,
        ),
    })
}

/// Writes a document as JSON (non-finite floats as the awsJson strings `"NaN"` etc.).
pub(crate) fn write(out: &mut Vec<u8>, document: &Document) {
    match document {
        Document::Null => out.extend_from_slice(b"null"),
        Document::Bool(b) => json::write_bool(out, *b),
        Document::Number(Number::PosInt(n)) => out.extend_from_slice(n.to_string().as_bytes()),
        Document::Number(Number::NegInt(n)) => json::write_int(out, *n),
        Document::Number(Number::Float(f)) => {
            let start = out.len();
            json::write_float(out, *f);
            // A whole float keeps a `.0`, so it reads back as a float, not as an integer.
            if f.is_finite() && !out[start..].iter().any(|b| matches!(b, b'.' | b'e' | b'E')) {
                out.extend_from_slice(b".0");
            }
        }
        Document::String(s) => json::write_str(out, s),
        Document::Array(items) => json::write_list(out, items, write),
        Document::Object(entries) => json::write_map(out, entries, write),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_floats_stay_floats() {
        for f in [-259200305.0, 0.0, 2.0, 1e20, -0.0, 1.2814016211482127e-96] {
            let mut out = Vec::new();
            write(&mut out, &Document::Number(Number::Float(f)));
            let back = read(&serde_json::from_slice(&out).expect("json")).expect("document");
            assert_eq!(
                back,
                Document::Number(Number::Float(f)),
                "{}",
                String::from_utf8_lossy(&out)
            );
        }
    }

    #[test]
    fn documents_round_trip_through_json() {
        let text = r#"{"a":[1,-2,2.5,"s",true,null],"b":{"c":18446744073709551615}}"#;
        let document = read(&serde_json::from_str(text).expect("json")).expect("document");
        let mut out = Vec::new();
        write(&mut out, &document);
        assert_eq!(String::from_utf8(out).expect("utf8"), text);
        assert_eq!(Document::from(-3i64), Document::Number(Number::NegInt(-3)));
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            /// A finite float stays a float and an integer an integer through JSON.
            #[test]
            fn numbers_keep_their_kind(f in any::<f64>().prop_filter("finite", |f| f.is_finite()), n in any::<i64>()) {
                for document in [Document::Number(Number::Float(f)), Document::from(n)] {
                    let mut out = Vec::new();
                    write(&mut out, &document);
                    let value = serde_json::from_slice(&out).expect("JSON");
                    prop_assert_eq!(read(&value).expect("document"), document);
                }
            }
        }
    }
}
