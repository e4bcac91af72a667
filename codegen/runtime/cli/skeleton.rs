//! `--generate-cli-skeleton`: a template of an operation's input (JSON or YAML) or output,
//! every member with a placeholder value.

use std::io::Write;

use clap::ArgMatches;
use serde_json::{Map, Value};

use super::Failure;
use super::output::{to_json, to_yaml};
use super::tables::{Member, Operation, Schema};

/// Prints the skeleton `--generate-cli-skeleton` asks for; `true` when it did.
pub(super) fn skeleton_printed(
    op: &Operation,
    sub: &ArgMatches,
    out: &mut dyn Write,
) -> Result<bool, Failure> {
    let Some(kind) = sub.get_one::<String>("generate-cli-skeleton") else {
        return Ok(false);
    };
    let text = match kind.as_str() {
        "output" => to_json(&skeleton(op.output, &mut Vec::new())),
        "yaml-input" => to_yaml(&skeleton_input(op))?,
        _ => to_json(&skeleton_input(op)),
    };
    let _ = writeln!(out, "{}", text.trim_end());
    Ok(true)
}

/// The input template: every member with a placeholder value.
pub fn skeleton_input(op: &Operation) -> Value {
    skeleton_members(op.input, false, &mut Vec::new())
}

/// A template value of `schema`; recursive structures stop where they repeat.
pub fn skeleton(schema: &'static Schema, seen: &mut Vec<*const Schema>) -> Value {
    match schema {
        Schema::String | Schema::Blob => Value::String(String::new()),
        Schema::Enum(values) => Value::String(values.first().copied().unwrap_or("").to_string()),
        Schema::Integer => Value::from(0),
        Schema::Float => Value::from(0.0),
        Schema::Boolean => Value::Bool(true),
        Schema::Timestamp | Schema::TimestampText => Value::String("1970-01-01T00:00:00Z".into()),
        Schema::HttpDate => Value::String("Thu, 01 Jan 1970 00:00:00 GMT".into()),
        Schema::Document => Value::Object(Map::new()),
        Schema::Structure(members) | Schema::Union(members) => {
            let ptr = schema as *const Schema;
            if seen.contains(&ptr) {
                return Value::Object(Map::new());
            }
            seen.push(ptr);
            let value = skeleton_members(members, matches!(schema, Schema::Union(_)), seen);
            seen.pop();
            value
        }
        Schema::List(item) => Value::Array(vec![skeleton(item, seen)]),
        Schema::Map(item) => {
            let mut map = Map::new();
            map.insert("KeyName".into(), skeleton(item, seen));
            Value::Object(map)
        }
    }
}

fn skeleton_members(members: &'static [Member], one: bool, seen: &mut Vec<*const Schema>) -> Value {
    let mut map = Map::new();
    for member in members.iter().take(if one { 1 } else { members.len() }) {
        if let Schema::Structure(_) | Schema::Union(_) = member.schema
            && seen.contains(&(member.schema as *const Schema))
        {
            continue;
        }
        map.insert(member.name.to_string(), skeleton(member.schema, seen));
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::super::coerce::coerce;
    use super::super::tests::ROOT_SCHEMA;
    use super::*;
    use serde_json::json;

    #[test]
    fn skeletons_cover_every_member_and_stop_at_recursion() {
        let value = skeleton(&ROOT_SCHEMA, &mut Vec::new());
        assert_eq!(
            value,
            json!({"Config": {"Bucket": "", "Limit": 0, "Secret": ""}, "Names": [""],
                   "Tags": {"KeyName": ""}, "Enabled": true, "Score": 0.0,
                   "At": "1970-01-01T00:00:00Z"})
        );
        // A skeleton is accepted as input once its placeholders are filled.
        let mut value = value;
        assert!(coerce(&mut value, &ROOT_SCHEMA, &mut Vec::new(), true).is_ok());
    }
}
