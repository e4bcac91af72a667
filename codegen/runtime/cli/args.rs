//! Reading a parsed command line: the global options every subcommand takes, and the input
//! document (`--cli-input-json` or `--cli-input-yaml`, then the member flags over it, each value
//! JSON, shorthand syntax or `file://`), checked against the input's shape.

use std::path::PathBuf;
use std::time::Duration;

use clap::ArgMatches;
use serde_json::{Map, Value};

use super::coerce::{coerce, hide_value, kind_name};
use super::shorthand::{parse_shorthand, parse_shorthand_values};
use super::tables::{Operation, Schema};
use super::{Failure, member_message, usage};

/// The options every subcommand takes.
pub(super) struct Globals {
    pub(super) region: Option<String>,
    pub(super) profile: Option<String>,
    pub(super) endpoint_url: Option<String>,
    pub(super) read_timeout: Option<Duration>,
    pub(super) connect_timeout: Option<Duration>,
    pub(super) no_sign: bool,
    pub(super) ca_bundle: Option<PathBuf>,
    pub(super) debug: bool,
    pub(super) validate: bool,
    pub(super) output: String,
    pub(super) query: Option<String>,
}

pub(super) fn globals(matches: &ArgMatches) -> Result<Globals, Failure> {
    let text = |id: &str| matches.get_one::<String>(id).cloned();
    let seconds = |id: &str| -> Result<Option<Duration>, Failure> {
        match text(id) {
            None => Ok(None),
            Some(value) => match value.trim().parse::<f64>() {
                Ok(s) if s >= 0.0 => match Duration::try_from_secs_f64(s) {
                    Ok(duration) => Ok(Some(duration)),
                    Err(_) => Err(usage(format!("--{id}: {value} seconds is out of range"))),
                },
                _ => Err(usage(format!(
                    "--{id}: expected a number of seconds, got {value:?}"
                ))),
            },
        }
    };
    Ok(Globals {
        region: text("region"),
        profile: text("profile"),
        endpoint_url: text("endpoint-url"),
        read_timeout: seconds("cli-read-timeout")?,
        connect_timeout: seconds("cli-connect-timeout")?,
        no_sign: matches.get_flag("no-sign-request"),
        ca_bundle: text("ca-bundle").map(PathBuf::from),
        debug: matches.get_flag("debug"),
        validate: !matches.get_flag("no-validate"),
        output: text("output").unwrap_or_else(|| "json".to_string()),
        query: text("query"),
    })
}

/// The input document: `--cli-input-json`/`--cli-input-yaml` first, then the flags over it,
/// every member checked against its shape.
pub(super) fn input_document(
    op: &Operation,
    matches: &ArgMatches,
    validate: bool,
    stdin: &mut Option<super::Stdin>,
) -> Result<Map<String, Value>, Failure> {
    let mut document = Map::new();
    if let Some(text) = matches.get_one::<String>("cli-input-json") {
        let text = read_file_arg(text).map_err(|e| usage(format!("--cli-input-json: {e}")))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| usage(format!("--cli-input-json: invalid JSON: {e}")))?;
        document = into_object(value).map_err(|e| usage(format!("--cli-input-json: {e}")))?;
    } else if let Some(text) = matches.get_one::<String>("cli-input-yaml") {
        let text = read_file_arg(text).map_err(|e| usage(format!("--cli-input-yaml: {e}")))?;
        let value: Value = serde_norway::from_str(&text)
            .map_err(|e| usage(format!("--cli-input-yaml: invalid YAML: {e}")))?;
        document = into_object(value).map_err(|e| usage(format!("--cli-input-yaml: {e}")))?;
    }
    if let Some(unknown) = document
        .keys()
        .find(|key| !op.input.iter().any(|m| m.name == key.as_str()))
    {
        let known: Vec<&str> = op.input.iter().map(|m| m.name).collect();
        return Err(usage(format!(
            "unknown parameter {unknown:?} in the input; expected one of: {}",
            known.join(", ")
        )));
    }
    let live = live_events(op, matches).map(|(name, _)| name);
    for (member, flag) in op.input.iter().zip(op.flags) {
        let given = if matches!(member.schema, Schema::Boolean) {
            if matches.get_flag(member.name) {
                Some(Value::Bool(true))
            } else if matches.get_flag(&format!("no-{flag}")) {
                Some(Value::Bool(false))
            } else {
                None
            }
        } else {
            match matches.get_many::<String>(member.name) {
                // `-` alone: read as the call runs (see `live_events`), not here.
                Some(_) if live == Some(member.name) => Some(Value::Array(Vec::new())),
                Some(values) if op.input_events == Some(member.name) => {
                    let values: Vec<&String> = values.collect();
                    Some(event_lines(&values, stdin).map_err(|e| usage(format!("--{flag}: {e}")))?)
                }
                Some(values) => {
                    let values: Vec<&String> = values.collect();
                    Some(
                        flag_value(member.schema, &values)
                            .map_err(|e| usage(format!("--{flag}: {e}")))?,
                    )
                }
                None => None,
            }
        };
        if let Some(value) = given {
            document.insert(member.name.to_string(), value);
        }
    }
    let mut missing = Vec::new();
    for (member, flag) in op.input.iter().zip(op.flags) {
        match document.get_mut(member.name) {
            Some(value) => {
                // Paths start at the member, so the message names its flag.
                let mut path = vec![member.name.to_string()];
                coerce(value, member.schema, &mut path, validate)
                    .map_err(|e| hide_value(e, member))
                    .map_err(|e| usage(member_message(op, &e.path, &e.message)))?;
            }
            None if member.required && validate => missing.push(format!("--{flag}")),
            None => {}
        }
    }
    if !missing.is_empty() {
        return Err(usage(format!(
            "the following arguments are required: {}",
            missing.join(", ")
        )));
    }
    Ok(document)
}

fn into_object(value: Value) -> Result<Map<String, Value>, String> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(format!(
            "the input must be an object, not {}",
            kind_name(&other)
        )),
    }
}

/// The input event stream's member and its union's schema when its flag is `-` alone: the
/// events are then read from standard input while the call runs, each sent as soon as its line
/// is read (`tables::SentEvents`).
pub(super) fn live_events(
    op: &Operation,
    matches: &ArgMatches,
) -> Option<(&'static str, &'static Schema)> {
    let member = op.input.iter().find(|m| op.input_events == Some(m.name))?;
    let mut values = matches.get_many::<String>(member.name)?;
    let (Some(only), None) = (values.next(), values.next()) else {
        return None;
    };
    match member.schema {
        Schema::List(union) if only == "-" => Some((member.name, union)),
        _ => None,
    }
}

/// An input event stream's events given before the call: one JSON document per line (blank
/// lines skipped), read from a file for `file://PATH`, from standard input for `-` among other
/// words (read to its end first; `-` alone is read as the call runs, see [`live_events`]),
/// else from the words themselves; or one JSON list of them.
pub fn event_lines(words: &[&String], stdin: &mut Option<super::Stdin>) -> Result<Value, String> {
    let mut events = Vec::new();
    for word in words {
        let text = if word.as_str() == "-" {
            let stdin = stdin
                .take()
                .ok_or("standard input can be given only once")?;
            std::io::read_to_string(stdin)
                .map_err(|e| format!("cannot read standard input: {e}"))?
        } else {
            read_file_arg(word)?
        };
        if text.trim_start().starts_with('[') {
            match serde_json::from_str(&text) {
                Ok(Value::Array(items)) => events.extend(items),
                Ok(other) => {
                    return Err(format!(
                        "expected a JSON list of events, not {}",
                        kind_name(&other)
                    ));
                }
                Err(e) => return Err(format!("invalid JSON list of events: {e}")),
            }
            continue;
        }
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let event = serde_json::from_str(line)
                .map_err(|e| format!("line {}: not a JSON event: {e}", number + 1))?;
            events.push(event);
        }
    }
    Ok(Value::Array(events))
}

/// `file://PATH` → the file's text; `fileb://PATH` → the file's bytes in base64 (for blob
/// members); anything else as given.
pub fn read_file_arg(text: &str) -> Result<String, String> {
    if let Some(path) = text.strip_prefix("fileb://") {
        use base64::Engine as _;
        return std::fs::read(path)
            .map(|bytes| base64::engine::general_purpose::STANDARD.encode(bytes))
            .map_err(|e| format!("cannot read {path}: {e}"));
    }
    match text.strip_prefix("file://") {
        Some(path) => std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}")),
        None => Ok(text.to_string()),
    }
}

/// The value of one member flag (one or more command-line words), before shape checks.
pub fn flag_value(schema: &Schema, words: &[&String]) -> Result<Value, String> {
    if let (Schema::List(item), [_, _, ..]) = (schema, words) {
        // `--ids a b c`, `--filters Name=a,Values=x Name=b,Values=y`
        return words
            .iter()
            .map(|word| parse_text(item, &read_file_arg(word)?))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    let text = read_file_arg(words.first().map_or("", |w| w.as_str()))?;
    parse_text(schema, &text)
}

/// One value: JSON where it looks like JSON, shorthand syntax for structures, lists and maps,
/// and plain text for scalars (converted to numbers and booleans by [`coerce`]).
pub fn parse_text(schema: &Schema, text: &str) -> Result<Value, String> {
    let trimmed = text.trim_start();
    let composite = matches!(
        schema,
        Schema::Structure(_)
            | Schema::Union(_)
            | Schema::Map(_)
            | Schema::List(_)
            | Schema::Document
    );
    if !composite {
        return Ok(Value::String(text.to_string()));
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') || matches!(schema, Schema::Document) {
        match serde_json::from_str::<Value>(text) {
            Ok(value) => return Ok(value),
            Err(e) if trimmed.starts_with('{') || matches!(schema, Schema::Document) => {
                return Err(format!(
                    "invalid JSON at line {} column {}: {e}",
                    e.line(),
                    e.column()
                ));
            }
            Err(_) => {}
        }
    }
    let parsed = match schema {
        Schema::List(_) => parse_shorthand_values(text),
        _ => parse_shorthand(text),
    };
    parsed.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::super::EXIT_USAGE;
    use super::super::tests::{LEAF_SCHEMA, echo_run, echoed};
    use super::*;
    use serde_json::json;

    #[test]
    fn text_that_looks_like_json_is_json_and_bad_json_says_where() {
        assert_eq!(
            parse_text(&LEAF_SCHEMA, r#"{"Bucket": "b"}"#),
            Ok(json!({"Bucket": "b"}))
        );
        let e = parse_text(&LEAF_SCHEMA, "{\"Bucket\": }").unwrap_err();
        assert!(e.contains("line 1 column 12"), "{e}");
        assert_eq!(
            parse_text(&LEAF_SCHEMA, "Bucket=b"),
            Ok(json!({"Bucket": "b"}))
        );
        assert_eq!(
            parse_text(&Schema::List(&Schema::String), "[x,y]"),
            Ok(json!(["x", "y"]))
        );
        assert_eq!(parse_text(&Schema::Integer, "{1}"), Ok(json!("{1}")));
    }

    #[test]
    fn file_arguments_are_read() {
        let path = std::env::temp_dir().join(format!("cli-file-arg-{}", std::process::id()));
        std::fs::write(&path, "Bucket=from-file").expect("write");
        let arg = format!("file://{}", path.display());
        assert_eq!(read_file_arg(&arg), Ok("Bucket=from-file".to_string()));
        let _ = std::fs::remove_file(&path);
        assert!(read_file_arg(&arg).unwrap_err().contains("cannot read"));
        assert_eq!(read_file_arg("plain"), Ok("plain".to_string()));
        let binary = std::env::temp_dir().join(format!("cli-fileb-arg-{}", std::process::id()));
        std::fs::write(&binary, [0u8, 159, 146, 150]).expect("write");
        let arg = format!("fileb://{}", binary.display());
        assert_eq!(read_file_arg(&arg), Ok("AJ+Slg==".to_string()));
        let _ = std::fs::remove_file(&binary);
    }

    #[test]
    fn input_events_are_json_lines_from_a_file_or_the_text_or_one_list() {
        let path = std::env::temp_dir().join(format!("cli-events-{}", std::process::id()));
        std::fs::write(&path, "{\"tick\":{\"N\":1}}\n\n{\"tick\":{\"N\":2}}\n").expect("write");
        let arg = format!("file://{}", path.display());
        assert_eq!(
            event_lines(&[&arg], &mut None),
            Ok(json!([{"tick": {"N": 1}}, {"tick": {"N": 2}}]))
        );
        let _ = std::fs::remove_file(&path);
        let list = "[{\"tick\":{}}]".to_string();
        assert_eq!(event_lines(&[&list], &mut None), Ok(json!([{"tick": {}}])));
        let broken = "{\"tick\":{}}\n{oops".to_string();
        let error = event_lines(&[&broken], &mut None).unwrap_err();
        assert!(error.starts_with("line 2: not a JSON event"), "{error}");
        let broken = "[{\"tick\":".to_string();
        assert!(
            event_lines(&[&broken], &mut None)
                .unwrap_err()
                .contains("invalid JSON list")
        );
    }

    proptest::proptest! {
        /// Any text (quotes, backslashes, control characters, brackets, cut-off JSON) is
        /// events or an error, never a panic; and events written one per line as JSON, whatever
        /// their strings hold, are read back as they were.
        #[test]
        fn event_lines_take_any_text_and_read_back_what_was_written(
            text in proptest::prelude::any::<String>(),
            strings in proptest::collection::vec(proptest::prelude::any::<String>(), 0..8),
        ) {
            if let Ok(value) = event_lines(&[&text], &mut None) {
                proptest::prop_assert!(value.is_array());
            }
            let events: Vec<Value> = strings.iter().map(|s| json!({"tick": {"s": s}})).collect();
            let lines: Vec<String> = events.iter().map(Value::to_string).collect();
            let written = lines.join("\n");
            proptest::prop_assert_eq!(event_lines(&[&written], &mut None), Ok(Value::Array(events)));
        }
    }

    #[test]
    fn list_flags_take_several_words_or_one_list_value() {
        assert_eq!(
            echoed(&["--id", "x", "--names", "a", "b"])["Names"],
            json!(["a", "b"])
        );
        assert_eq!(
            echoed(&["--id", "x", "--names", "a,b"])["Names"],
            json!(["a", "b"])
        );
        assert_eq!(
            echoed(&["--id", "x", "--names", r#"["a","b"]"#])["Names"],
            json!(["a", "b"])
        );
        assert_eq!(
            echoed(&["--id", "x", "--names", "solo"])["Names"],
            json!(["solo"])
        );
    }

    #[test]
    fn map_and_structure_flags_take_shorthand_or_json() {
        let out = echoed(&[
            "--id",
            "x",
            "--tags",
            "env=prod,team=ml",
            "--config",
            r#"{"Bucket":"b","Limit":3}"#,
        ]);
        assert_eq!(out["Tags"], json!({"env": "prod", "team": "ml"}));
        assert_eq!(out["Config"], json!({"Bucket": "b", "Limit": 3}));
    }

    #[test]
    fn input_json_members_are_overridden_by_flags_and_unknown_members_rejected() {
        let out = echoed(&[
            "--cli-input-json",
            r#"{"Id":"file","Names":["f"]}"#,
            "--id",
            "flag",
        ]);
        assert_eq!(out, json!({"Id": "flag", "Names": ["f"]}));
        let (code, _, err) = echo_run(&["--cli-input-json", r#"{"Id":"x","Bogus":1}"#]);
        assert_eq!(code, EXIT_USAGE);
        assert!(err.contains("unknown parameter \"Bogus\""), "{err}");
        let (code, _, err) = echo_run(&["--cli-input-yaml", "Id: [unclosed"]);
        assert_eq!(code, EXIT_USAGE);
        assert!(err.starts_with("--cli-input-yaml: invalid YAML"), "{err}");
    }

    #[test]
    fn required_members_are_enforced_after_merging_the_input_file() {
        let (code, _, err) = echo_run(&["--enabled"]);
        assert_eq!(
            (code, err.as_str()),
            (EXIT_USAGE, "the following arguments are required: --id\n")
        );
        assert_eq!(
            echoed(&["--cli-input-json", r#"{"Id":"from-file"}"#])["Id"],
            json!("from-file")
        );
        // Nothing was required and nothing came back: an empty result prints nothing.
        assert_eq!(
            echo_run(&["--no-validate"]),
            (0, String::new(), String::new())
        );
    }
}
