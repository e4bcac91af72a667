//! What is printed: the output as users see it (timestamps as RFC 3339 text), `--query`, and
//! the output formats (JSON, YAML, text and table).

use serde::Serialize as _;
use serde_json::Value;

use super::super::datetime::DateTime;
use super::tables::{Schema, rebuild};
use super::{EXIT_OTHER, Failure};

/// The output as users see it: epoch-second timestamps as RFC 3339 text.
pub fn present(value: &Value, schema: &Schema) -> Value {
    rebuild(
        value,
        schema,
        None,
        &|value, schema, _| match (schema, value) {
            (Schema::Timestamp, Value::Number(n)) => n
                .as_f64()
                .map(|s| Value::String(DateTime::from_secs_f64(s).to_date_time())),
            _ => None,
        },
    )
}

/// Applies a JMESPath expression.
pub fn apply_query(query: &str, value: &Value) -> Result<Value, String> {
    let expression = jmespath::compile(query)
        .map_err(|e| format!("--query: invalid JMESPath expression: {e}"))?;
    let result = expression
        .search(value.clone())
        .map_err(|e| format!("--query: {e}"))?;
    serde_json::to_value(&*result).map_err(|e| format!("--query: {e}"))
}

pub(super) fn format_output(value: &Value, format: &str, title: &str) -> Result<String, Failure> {
    Ok(match format {
        "yaml" => to_yaml(value)?,
        "text" => to_text(value),
        "table" => to_table(value, title),
        _ => to_json(value) + "\n",
    })
}

/// JSON indented by four spaces.
pub fn to_json(value: &Value) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    match value.serialize(&mut serializer) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(_) => value.to_string(),
    }
}

pub(super) fn to_yaml(value: &Value) -> Result<String, Failure> {
    serde_norway::to_string(value).map_err(|e| Failure {
        code: EXIT_OTHER,
        message: format!("cannot write YAML: {e}"),
    })
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Null => Some("None".into()),
        Value::Bool(b) => Some(if *b { "True".into() } else { "False".into() }),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// The `text` format: tab-separated lines; a structure's scalar members (in name order) share
/// one line, nested members follow on lines prefixed by their upper-cased name.
pub fn to_text(value: &Value) -> String {
    let mut out = String::new();
    text_value(value, None, &mut out);
    out
}

fn text_value(value: &Value, label: Option<&str>, out: &mut String) {
    let line = |fields: Vec<String>, out: &mut String| {
        let mut fields = fields;
        if let Some(label) = label {
            fields.insert(0, label.to_string());
        }
        out.push_str(&fields.join("\t"));
        out.push('\n');
    };
    match value {
        Value::Object(object) => {
            let mut keys: Vec<&String> = object.keys().collect();
            keys.sort();
            let scalars: Vec<String> = keys
                .iter()
                .filter_map(|k| scalar_text(&object[*k]))
                .collect();
            if !scalars.is_empty() {
                line(scalars, out);
            }
            for key in keys {
                let inner = &object[key];
                if scalar_text(inner).is_none() {
                    text_value(inner, Some(&key.to_uppercase()), out);
                }
            }
        }
        Value::Array(items) => {
            if items.iter().all(|v| scalar_text(v).is_some()) {
                if !items.is_empty() {
                    line(items.iter().filter_map(scalar_text).collect(), out);
                }
            } else {
                for item in items {
                    text_value(item, label, out);
                }
            }
        }
        scalar => line(scalar_text(scalar).into_iter().collect(), out),
    }
}

/// One box of the `table` format.
struct Section {
    title: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    children: Vec<Section>,
}

fn section(title: &str, value: &Value) -> Section {
    let mut section = Section {
        title: title.to_string(),
        header: Vec::new(),
        rows: Vec::new(),
        children: Vec::new(),
    };
    match value {
        Value::Object(object) => {
            let mut keys: Vec<&String> = object.keys().collect();
            keys.sort();
            let mut row = Vec::new();
            for key in keys {
                match scalar_text(&object[key]) {
                    Some(text) => {
                        section.header.push(key.clone());
                        row.push(text);
                    }
                    None => section.children.push(self::section(key, &object[key])),
                }
            }
            if !row.is_empty() {
                section.rows.push(row);
            }
        }
        Value::Array(items) if items.iter().all(|v| scalar_text(v).is_some()) => {
            section.rows = items
                .iter()
                .filter_map(scalar_text)
                .map(|t| vec![t])
                .collect();
        }
        Value::Array(items) => {
            let mut header: Vec<String> = Vec::new();
            for item in items {
                if let Value::Object(object) = item {
                    for (key, inner) in object {
                        if scalar_text(inner).is_some() && !header.contains(key) {
                            header.push(key.clone());
                        }
                    }
                }
            }
            header.sort();
            for item in items {
                match item {
                    Value::Object(object) => {
                        if !header.is_empty() {
                            section.rows.push(
                                header
                                    .iter()
                                    .map(|k| {
                                        object.get(k).and_then(scalar_text).unwrap_or_default()
                                    })
                                    .collect(),
                            );
                        }
                        let mut keys: Vec<&String> = object.keys().collect();
                        keys.sort();
                        for key in keys {
                            if scalar_text(&object[key]).is_none() {
                                section.children.push(self::section(key, &object[key]));
                            }
                        }
                    }
                    other => section.children.push(self::section(title, other)),
                }
            }
            section.header = header;
        }
        scalar => section.rows.push(scalar_text(scalar).into_iter().collect()),
    }
    section
}

/// The `table` format: boxes titled with the operation name, a header row of member names
/// and a row of values per structure, nested structures and lists as boxes inside.
pub fn to_table(value: &Value, title: &str) -> String {
    let mut lines = Vec::new();
    let root = section(title, value);
    let width = section_width(&root);
    render_section(&root, width, 0, &mut lines);
    lines.join("\n") + "\n"
}

fn columns(section: &Section) -> Vec<usize> {
    let count = section
        .header
        .len()
        .max(section.rows.iter().map(Vec::len).max().unwrap_or(0));
    (0..count)
        .map(|i| {
            section
                .rows
                .iter()
                .filter_map(|r| r.get(i))
                .chain(section.header.get(i))
                .map(|t| t.chars().count())
                .max()
                .unwrap_or(0)
                + 4
        })
        .collect()
}

/// The inner width a section needs (without its own borders).
fn section_width(section: &Section) -> usize {
    let cols = columns(section);
    let table = cols.iter().sum::<usize>() + cols.len().saturating_sub(1);
    let own = table.max(section.title.chars().count() + 4);
    section
        .children
        .iter()
        .map(|c| section_width(c) + 2)
        .fold(own, usize::max)
}

fn render_section(section: &Section, width: usize, depth: usize, lines: &mut Vec<String>) {
    let outer = "|".repeat(depth);
    let wrap = |inner: String| format!("{outer}{inner}{outer}");
    lines.push(wrap("-".repeat(width + 2)));
    lines.push(wrap(format!("|{}|", center(&section.title, width))));
    let mut cols = columns(section);
    if !cols.is_empty() {
        // Spread spare width over the last column.
        let used = cols.iter().sum::<usize>() + cols.len() - 1;
        if let Some(last) = cols.last_mut() {
            *last += width - used;
        }
        let rule = format!(
            "+{}+",
            cols.iter()
                .map(|w| "-".repeat(*w))
                .collect::<Vec<_>>()
                .join("+")
        );
        lines.push(wrap(rule.clone()));
        let row_line = |cells: &[String]| {
            let cells: Vec<String> = cols
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let text = cells.get(i).map_or("", String::as_str);
                    format!("  {text}{}", " ".repeat(w - 2 - text.chars().count()))
                })
                .collect();
            format!("|{}|", cells.join("|"))
        };
        if !section.header.is_empty() {
            lines.push(wrap(row_line(
                &section
                    .header
                    .iter()
                    .map(|h| h.to_string())
                    .collect::<Vec<_>>(),
            )));
            lines.push(wrap(rule.clone()));
        }
        for row in &section.rows {
            lines.push(wrap(row_line(row)));
        }
        lines.push(wrap(rule));
    }
    for child in &section.children {
        let inner: Vec<String> = {
            let mut nested = Vec::new();
            render_section(child, width - 2, 1, &mut nested);
            nested
        };
        lines.extend(inner.into_iter().map(&wrap));
    }
}

fn center(text: &str, width: usize) -> String {
    let len = text.chars().count();
    let left = (width - len) / 2;
    format!(
        "{}{text}{}",
        " ".repeat(left),
        " ".repeat(width - len - left)
    )
}

/// Takes the `@streaming` payload `member` (base64 in the output document) out of `output` and
/// writes its bytes to `path`, as the AWS CLI's `outfile` argument does.
pub(super) fn write_outfile(
    output: &mut Value,
    member: &str,
    path: &std::path::Path,
) -> Result<(), Failure> {
    use base64::Engine as _;
    let failure = |message: String| Failure {
        code: EXIT_OTHER,
        message,
    };
    let encoded = match output.as_object_mut().and_then(|o| o.remove(member)) {
        Some(Value::String(text)) => text,
        _ => String::new(),
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|e| failure(format!("the {member} payload is not base64: {e}")))?;
    std::fs::write(path, bytes).map_err(|e| failure(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::super::tests::ROOT_SCHEMA;
    use super::*;
    use serde_json::json;

    #[test]
    fn present_writes_epoch_timestamps_as_rfc3339() {
        let value = present(&json!({"At": 86400, "Self": {"At": 0.5}}), &ROOT_SCHEMA);
        assert_eq!(
            value,
            json!({"At": "1970-01-02T00:00:00Z", "Self": {"At": "1970-01-01T00:00:00.5Z"}})
        );
    }

    #[test]
    fn queries_use_jmespath() {
        let value = json!({"Items": [{"Id": "a", "N": 1}, {"Id": "b", "N": 2}]});
        assert_eq!(apply_query("Items[?N > `1`].Id", &value), Ok(json!(["b"])));
        assert_eq!(apply_query("Items[0].Id", &value), Ok(json!("a")));
        assert!(
            apply_query("Items[", &value)
                .unwrap_err()
                .contains("invalid JMESPath")
        );
    }

    #[test]
    fn text_output_is_tab_separated_with_upper_case_labels() {
        let value = json!({"Status": "OK", "Id": "s-1", "Box": {"W": 1.5, "H": 2},
                           "Names": ["a", "b"], "Items": [{"K": "x"}, {"K": "y"}]});
        assert_eq!(
            to_text(&value),
            "s-1\tOK\nBOX\t2\t1.5\nITEMS\tx\nITEMS\ty\nNAMES\ta\tb\n"
        );
        assert_eq!(to_text(&json!("plain")), "plain\n");
    }

    #[test]
    fn table_output_boxes_the_operation_name_and_nested_structures() {
        let value = json!({"SessionId": "s-1", "Status": "OK", "Box": {"W": 1}});
        let table = to_table(&value, "GetThing");
        assert_eq!(
            table,
            "\
--------------------------
|        GetThing        |
+-------------+----------+
|  SessionId  |  Status  |
+-------------+----------+
|  s-1        |  OK      |
+-------------+----------+
|------------------------|
||         Box          ||
|+----------------------+|
||  W                   ||
|+----------------------+|
||  1                   ||
|+----------------------+|
"
        );
    }
}
