//! Input checked against its shape: unknown members refused, shorthand strings converted to
//! numbers, booleans and timestamps, single values made lists, missing required members
//! reported.

use serde_json::Value;

use super::super::datetime::DateTime;
use super::tables::{Member, Schema};

/// A value that does not fit its shape: where (`OutputConfig.S3Bucket`, `Items[2]`) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct CoerceError {
    pub path: String,
    pub message: String,
}

fn render_path(path: &[String]) -> String {
    let mut out = String::new();
    for segment in path {
        if !segment.starts_with('[') && !out.is_empty() {
            out.push('.');
        }
        out.push_str(segment);
    }
    out
}

/// A coercion error inside a `@sensitive` member, without the value it quotes (messages quote
/// what they got after `, got `).
pub(super) fn hide_value(mut error: CoerceError, member: &Member) -> CoerceError {
    if member.sensitive
        && let Some(at) = error.message.find(", got ")
    {
        error.message.truncate(at);
        error
            .message
            .push_str(", got something else (not shown: the member is sensitive)");
    }
    error
}

/// Checks `value` against `schema` in place: unknown members are errors, shorthand strings
/// become numbers and booleans, a single value becomes a one-element list, RFC 3339 timestamps
/// become epoch seconds, and (with `required`) missing required members are reported.
pub fn coerce(
    value: &mut Value,
    schema: &Schema,
    path: &mut Vec<String>,
    required: bool,
) -> Result<(), CoerceError> {
    let fail = |path: &[String], message: String| CoerceError {
        path: render_path(path),
        message,
    };
    match schema {
        Schema::Structure(members) | Schema::Union(members) => {
            let Value::Object(object) = value else {
                return Err(fail(
                    path,
                    format!("expected a structure, got {}", kind_name(value)),
                ));
            };
            if let Some(unknown) = object
                .keys()
                .find(|k| !members.iter().any(|m| m.name == k.as_str()))
            {
                let known: Vec<&str> = members.iter().map(|m| m.name).collect();
                return Err(fail(
                    path,
                    format!(
                        "unknown member {unknown:?}; expected one of: {}",
                        known.join(", ")
                    ),
                ));
            }
            for member in members.iter() {
                match object.get_mut(member.name) {
                    Some(Value::Null) => {}
                    Some(inner) => {
                        path.push(member.name.to_string());
                        coerce(inner, member.schema, path, required)
                            .map_err(|e| hide_value(e, member))?;
                        path.pop();
                    }
                    None if required
                        && member.required
                        && matches!(schema, Schema::Structure(_)) =>
                    {
                        return Err(fail(
                            path,
                            format!("missing required member {:?}", member.name),
                        ));
                    }
                    None => {}
                }
            }
            Ok(())
        }
        Schema::List(item) => {
            if !value.is_array() {
                *value = Value::Array(vec![value.take()]);
            }
            if let Value::Array(items) = value {
                for (i, inner) in items.iter_mut().enumerate() {
                    path.push(format!("[{i}]"));
                    coerce(inner, item, path, required)?;
                    path.pop();
                }
            }
            Ok(())
        }
        Schema::Map(item) => {
            let Value::Object(object) = value else {
                return Err(fail(
                    path,
                    format!("expected a map, got {}", kind_name(value)),
                ));
            };
            for (key, inner) in object.iter_mut() {
                path.push(key.clone());
                coerce(inner, item, path, required)?;
                path.pop();
            }
            Ok(())
        }
        Schema::String | Schema::Blob | Schema::TimestampText | Schema::HttpDate => match value {
            Value::String(_) => Ok(()),
            other => Err(fail(
                path,
                format!("expected a string, got {}", kind_name(other)),
            )),
        },
        // Like the AWS CLI, values the model does not list are sent: services add new ones.
        Schema::Enum(_) => match value {
            Value::String(_) => Ok(()),
            other => Err(fail(
                path,
                format!("expected a string, got {}", kind_name(other)),
            )),
        },
        Schema::Integer => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(()),
            Value::String(text) => match text.trim().parse::<i64>() {
                Ok(n) => {
                    *value = Value::from(n);
                    Ok(())
                }
                Err(_) => Err(fail(path, format!("expected an integer, got {text:?}"))),
            },
            other => Err(fail(
                path,
                format!("expected an integer, got {}", kind_name(other)),
            )),
        },
        Schema::Float => match value {
            Value::Number(_) => Ok(()),
            Value::String(text) => match text
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
            {
                Some(n) => {
                    *value = Value::Number(n);
                    Ok(())
                }
                None => Err(fail(path, format!("expected a number, got {text:?}"))),
            },
            other => Err(fail(
                path,
                format!("expected a number, got {}", kind_name(other)),
            )),
        },
        Schema::Boolean => match value {
            Value::Bool(_) => Ok(()),
            Value::String(text) if text.eq_ignore_ascii_case("true") => {
                *value = Value::Bool(true);
                Ok(())
            }
            Value::String(text) if text.eq_ignore_ascii_case("false") => {
                *value = Value::Bool(false);
                Ok(())
            }
            other => Err(fail(
                path,
                format!("expected true or false, got {}", short(other)),
            )),
        },
        Schema::Timestamp => match value {
            Value::Number(_) => Ok(()),
            Value::String(text) => {
                let seconds = text
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .or_else(|| DateTime::parse_date_time(text.trim()).map(|t| t.as_secs_f64()))
                    .and_then(serde_json::Number::from_f64);
                match seconds {
                    Some(n) => {
                        *value = Value::Number(n);
                        Ok(())
                    }
                    None => Err(fail(
                        path,
                        format!("expected a timestamp (RFC 3339 or epoch seconds), got {text:?}"),
                    )),
                }
            }
            other => Err(fail(
                path,
                format!("expected a timestamp, got {}", kind_name(other)),
            )),
        },
        Schema::Document => Ok(()),
    }
}

pub(super) fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn short(value: &Value) -> String {
    match value {
        Value::String(text) => format!("{text:?}"),
        other => kind_name(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::ROOT_SCHEMA;
    use super::*;
    use serde_json::json;

    fn coerced(value: Value, required: bool) -> Result<Value, CoerceError> {
        let mut value = value;
        coerce(&mut value, &ROOT_SCHEMA, &mut Vec::new(), required).map(|()| value)
    }

    #[test]
    fn coercion_converts_shorthand_strings_by_shape() {
        let value = coerced(
            json!({"Config": {"Bucket": "b", "Limit": "2"}, "Names": "one", "Enabled": "TRUE",
                   "Score": "0.5", "At": "1970-01-02T00:00:00Z", "Tags": {"k": "v"}}),
            true,
        );
        assert_eq!(
            value,
            Ok(
                json!({"Config": {"Bucket": "b", "Limit": 2}, "Names": ["one"], "Enabled": true,
                      "Score": 0.5, "At": 86400.0, "Tags": {"k": "v"}})
            )
        );
    }

    #[test]
    fn coercion_errors_name_the_field_path() {
        let e = coerced(
            json!({"Self": {"Config": {"Bucket": "b", "Limit": "x"}}}),
            true,
        );
        assert_eq!(
            e,
            Err(CoerceError {
                path: "Self.Config.Limit".into(),
                message: "expected an integer, got \"x\"".into()
            })
        );
        let e = coerced(json!({"Config": {"Bucket": "b", "Nope": 1}}), true).unwrap_err();
        assert_eq!(e.path, "Config");
        assert!(e.message.contains("unknown member \"Nope\""), "{e:?}");
        let e = coerced(json!({"Names": ["a", 1]}), true).unwrap_err();
        assert_eq!(e.path, "Names[1]");
        let e = coerced(json!({"Enabled": "yes"}), true).unwrap_err();
        assert_eq!(e.message, "expected true or false, got \"yes\"");
    }

    #[test]
    fn missing_required_members_are_reported_unless_validation_is_off() {
        let e = coerced(json!({"Config": {"Limit": 1}}), true).unwrap_err();
        assert_eq!(e.path, "Config");
        assert_eq!(e.message, "missing required member \"Bucket\"");
        assert!(coerced(json!({"Config": {"Limit": 1}}), false).is_ok());
    }

    #[test]
    fn coercion_errors_do_not_echo_sensitive_values() {
        static PIN: [Member; 2] = [
            Member::new("Pin", &Schema::Integer).sensitive(),
            Member::new("Count", &Schema::Integer),
        ];
        let mut value = json!({"Pin": "hunter2"});
        let e = coerce(&mut value, &Schema::Structure(&PIN), &mut Vec::new(), false).unwrap_err();
        assert!(!e.message.contains("hunter2"), "{}", e.message);
        assert_eq!(
            e.message,
            "expected an integer, got something else (not shown: the member is sensitive)"
        );
        let mut value = json!({"Count": "seven"});
        let e = coerce(&mut value, &Schema::Structure(&PIN), &mut Vec::new(), false).unwrap_err();
        assert!(e.message.contains("seven"), "{}", e.message);
    }
}
