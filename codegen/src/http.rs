//! HTTP bindings: where a REST protocol (restJson1 now, restXml later) puts an operation's
//! members. `@http` gives the method, the URI pattern and the success code; on the members of
//! the input, output and error structures, `@httpLabel`, `@httpQuery`, `@httpQueryParams`,
//! `@httpHeader`, `@httpPrefixHeaders`, `@httpPayload` and `@httpResponseCode` bind them to the
//! URI, the query string, headers, the body or the status code; the members left unbound make
//! up the body document. This layer reads and checks them against the Smithy spec; it knows
//! nothing of JSON or XML, which the body codecs add.
//!
//! Every error names the JSON path of the trait at fault.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{Result, model_error};
use crate::model::{Model, Shape, ShapeKind, Simple};

/// An operation's `@http` trait with its input and output bindings.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpOperation {
    /// `GET`, `PUT`, ... (upper case, as the model writes it).
    pub method: String,
    pub uri: Uri,
    /// The status code of a successful response (`@http` `code`, default 200).
    pub code: u16,
    pub input: Bindings,
    pub output: Bindings,
}

/// A parsed `@http` URI pattern: `/functions/{FunctionName}/invocations?x=y`.
#[derive(Debug, Clone, PartialEq)]
pub struct Uri {
    /// The path's segments, in order (the pattern `/` has none).
    pub path: Vec<Segment>,
    /// Literal query parameters after `?`, each with its value (`None`: `?key` alone).
    pub query: Vec<(String, Option<String>)>,
}

impl Uri {
    /// The pattern as the model writes it: `/functions/{FunctionName}/invocations?x=y`.
    pub fn pattern(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            out.push('/');
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Label { member, greedy } => {
                    out.push('{');
                    out.push_str(member);
                    if *greedy {
                        out.push('+');
                    }
                    out.push('}');
                }
            }
        }
        if out.is_empty() {
            out.push('/');
        }
        for (i, (key, value)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(key);
            if let Some(value) = value {
                out.push('=');
                out.push_str(value);
            }
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// Text sent as written.
    Literal(String),
    /// `{Name}`: the member bound with `@httpLabel`, percent-encoded; `{Name+}` (greedy) keeps
    /// its `/`s.
    Label { member: String, greedy: bool },
}

/// Where the members of one structure go, each named by its member name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bindings {
    /// `@httpLabel` members (input only), in the order the URI names them.
    pub labels: Vec<String>,
    /// `@httpQuery`: (query key, member); a list member repeats the key.
    pub query: Vec<(String, String)>,
    /// `@httpQueryParams`: a map member whose entries become query parameters, never
    /// overriding an `@httpQuery` key.
    pub query_params: Option<String>,
    /// `@httpHeader`: (header name as the model writes it, member).
    pub headers: Vec<(String, String)>,
    /// `@httpPrefixHeaders`: (prefix, map member); at most one.
    pub prefix_headers: Option<(String, String)>,
    /// `@httpResponseCode` (output only): the member that receives the status code.
    pub response_code: Option<String>,
    pub body: Body,
    /// Label, query and header members (or their list items) with an explicit
    /// `@timestampFormat` (`"date-time"`, `"http-date"`, `"epoch-seconds"`); the others take
    /// their location's default: an HTTP date in a header, a date-time in the URI.
    pub timestamp_formats: BTreeMap<String, String>,
    /// Bound members whose target has a `@mediaType`: a header string is then sent base64,
    /// a payload with that `Content-Type`.
    pub media_types: BTreeMap<String, String>,
    /// The payload is a `@streaming` blob (an audio stream, an upload).
    pub streaming: bool,
    /// The payload is a `@streaming` union: an event stream.
    pub event_stream: bool,
}

/// What the body carries.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Body {
    /// No member is bound to the body.
    #[default]
    Empty,
    /// The unbound members, as one document.
    Members(Vec<String>),
    /// `@httpPayload`: the member is the whole body (a blob or string raw; a structure, union
    /// or document as a document).
    Payload(String),
}

const HTTP: &str = "smithy.api#http";
const LABEL: &str = "smithy.api#httpLabel";
const QUERY: &str = "smithy.api#httpQuery";
const QUERY_PARAMS: &str = "smithy.api#httpQueryParams";
const HEADER: &str = "smithy.api#httpHeader";
const PREFIX_HEADERS: &str = "smithy.api#httpPrefixHeaders";
const PAYLOAD: &str = "smithy.api#httpPayload";
const RESPONSE_CODE: &str = "smithy.api#httpResponseCode";
/// The status code an error shape's responses carry.
pub const ERROR_CODE: &str = "smithy.api#httpError";

/// The bindings of operation `op`, whose input and output structures are `input` and `output`
/// (`None` for `Unit`). `Ok(None)` when the operation has no `@http` trait.
pub fn operation(
    model: &Model,
    op: &Shape,
    input: Option<&Shape>,
    output: Option<&Shape>,
) -> Result<Option<HttpOperation>> {
    let Some(http) = op.traits.raw.get(HTTP) else {
        return Ok(None);
    };
    let at = format!("$.shapes[{:?}].traits[{HTTP:?}]", op.id.as_str());
    let err = |path: &str, message: String| model_error(&model.file, path, message);
    let field = |name: &str| http.get(name);
    let method = match field("method") {
        Some(Value::String(m)) if is_token(m) => m.clone(),
        other => {
            return Err(err(
                &format!("{at}.method"),
                format!("expected an HTTP method (a token such as \"GET\"), found {other:?}"),
            ));
        }
    };
    let uri = match field("uri") {
        Some(Value::String(u)) => {
            parse_uri(u).map_err(|e| err(&format!("{at}.uri"), format!("{u:?}: {e}")))?
        }
        other => {
            return Err(err(
                &format!("{at}.uri"),
                format!("expected a URI pattern, found {other:?}"),
            ));
        }
    };
    let code = match field("code") {
        None => 200,
        Some(value) => status_code(value).map_err(|e| err(&format!("{at}.code"), e))?,
    };
    let input_bindings = match input {
        Some(shape) => bindings(model, shape, Direction::Input)?,
        None => Bindings::default(),
    };
    let output_bindings = match output {
        Some(shape) => bindings(model, shape, Direction::Output)?,
        None => Bindings::default(),
    };
    // Every label of the URI is bound by exactly one member, and every label member is in it.
    let in_uri: Vec<&String> = uri
        .path
        .iter()
        .filter_map(|s| match s {
            Segment::Label { member, .. } => Some(member),
            Segment::Literal(_) => None,
        })
        .collect();
    for label in &in_uri {
        if !input_bindings.labels.contains(label) {
            return Err(err(
                &format!("{at}.uri"),
                format!("the label {{{label}}} has no input member with @httpLabel of that name"),
            ));
        }
    }
    if let Some(extra) = input_bindings.labels.iter().find(|l| !in_uri.contains(l)) {
        let input = input.map_or("", |s| s.id.as_str());
        return Err(err(
            &format!("$.shapes[{input:?}].members[{extra:?}].traits[{LABEL:?}]"),
            format!(
                "the member is an @httpLabel, but the URI {:?} has no {{{extra}}}",
                http["uri"]
            ),
        ));
    }
    // A greedy label spans segments: only text can.
    for segment in &uri.path {
        let Segment::Label {
            member,
            greedy: true,
        } = segment
        else {
            continue;
        };
        let target = input
            .and_then(|s| match &s.kind {
                ShapeKind::Structure(members) => members.iter().find(|m| &m.name == member),
                _ => None,
            })
            .and_then(|m| model.shape(&m.target));
        if !target.is_some_and(is_string) {
            return Err(err(
                &format!("{at}.uri"),
                format!("the greedy label {{{member}+}} must be bound to a string member"),
            ));
        }
    }
    let mut labels = input_bindings.labels.clone();
    labels.sort_by_key(|l| in_uri.iter().position(|u| u == &l));
    Ok(Some(HttpOperation {
        method,
        uri,
        code,
        input: Bindings {
            labels,
            ..input_bindings
        },
        output: output_bindings,
    }))
}

/// The bindings of an error structure (its headers and body, as an output's), and its
/// `@httpError` status code.
pub fn error(model: &Model, shape: &Shape) -> Result<(Option<u16>, Bindings)> {
    let code = match shape.traits.raw.get(ERROR_CODE) {
        None => None,
        Some(value) => Some(status_code(value).map_err(|e| {
            model_error(
                &model.file,
                &format!("$.shapes[{:?}].traits[{ERROR_CODE:?}]", shape.id.as_str()),
                e,
            )
        })?),
    };
    Ok((code, bindings(model, shape, Direction::Error)?))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Direction {
    Input,
    Output,
    Error,
}

/// The bindings of `shape`'s members.
fn bindings(model: &Model, shape: &Shape, direction: Direction) -> Result<Bindings> {
    let ShapeKind::Structure(members) = &shape.kind else {
        return Ok(Bindings::default());
    };
    let mut out = Bindings::default();
    let mut body = Vec::new();
    let mut payload = None;
    let mut header_names = BTreeSet::new();
    let mut query_keys = BTreeSet::new();
    for member in members {
        let at = format!(
            "$.shapes[{:?}].members[{:?}].traits",
            shape.id.as_str(),
            member.name
        );
        let raw = &member.traits.raw;
        let bound: Vec<&str> = [
            LABEL,
            QUERY,
            QUERY_PARAMS,
            HEADER,
            PREFIX_HEADERS,
            PAYLOAD,
            RESPONSE_CODE,
        ]
        .into_iter()
        .filter(|t| raw.contains_key(*t))
        .collect();
        let err = |message: String| model_error(&model.file, &at, message);
        let trait_name = match bound.as_slice() {
            [] => {
                body.push(member.name.clone());
                continue;
            }
            [one] => *one,
            many => {
                return Err(err(format!(
                    "a member takes one HTTP binding, this one has {}",
                    many.join(", ")
                )));
            }
        };
        let allowed = match trait_name {
            LABEL | QUERY | QUERY_PARAMS => direction == Direction::Input,
            RESPONSE_CODE => direction == Direction::Output,
            _ => true,
        };
        if !allowed {
            // The spec has the trait ignored where it has no meaning (`@httpQuery` in a
            // response, `@httpResponseCode` in a request): the member is in the body.
            body.push(member.name.clone());
            continue;
        }
        let target = model.shape(&member.target);
        if let Some(format) = explicit_timestamp_format(model, member) {
            out.timestamp_formats.insert(member.name.clone(), format);
        }
        if let Some(Value::String(media_type)) =
            target.and_then(|t| t.traits.raw.get("smithy.api#mediaType"))
        {
            out.media_types
                .insert(member.name.clone(), media_type.clone());
        }
        let string_value = || match raw.get(trait_name) {
            Some(Value::String(s)) => Ok(s.clone()),
            other => Err(err(format!("{trait_name} takes a string, found {other:?}"))),
        };
        match trait_name {
            LABEL => {
                if !member.traits.required {
                    return Err(err(
                        "an @httpLabel member must be @required (it fills a URI segment)".into(),
                    ));
                }
                if !target.is_some_and(is_simple) {
                    return Err(err(
                        "an @httpLabel member must target a string, number, boolean or timestamp"
                            .into(),
                    ));
                }
                out.labels.push(member.name.clone());
            }
            QUERY => {
                let key = string_value()?;
                if key.is_empty() || !query_keys.insert(key.clone()) {
                    return Err(err(format!(
                        "the query key {key:?} is empty or bound by another member"
                    )));
                }
                let value = |t: &Shape| is_simple(t) || is_blob(t);
                let fits =
                    target.is_some_and(|t| value(t) || list_item(model, t).is_some_and(value));
                if !fits {
                    return Err(err(
                        "an @httpQuery member must target a simple type or blob, or a list of them"
                            .into(),
                    ));
                }
                out.query.push((key, member.name.clone()));
            }
            QUERY_PARAMS => {
                if out.query_params.is_some() {
                    return Err(err("only one member may have @httpQueryParams".into()));
                }
                let fits = target
                    .and_then(|t| map_value(model, t))
                    .is_some_and(|v| is_string(v) || list_item(model, v).is_some_and(is_string));
                if !fits {
                    return Err(err(
                        "an @httpQueryParams member must target a map of strings or of lists of strings"
                            .into(),
                    ));
                }
                out.query_params = Some(member.name.clone());
            }
            HEADER => {
                let name = string_value()?;
                if !is_token(&name) || !header_names.insert(name.to_ascii_lowercase()) {
                    return Err(err(format!(
                        "the header name {name:?} is not a valid header name or is bound by another member"
                    )));
                }
                let fits = target
                    .is_some_and(|t| is_simple(t) || list_item(model, t).is_some_and(is_simple));
                if !fits {
                    return Err(err(
                        "an @httpHeader member must target a simple type or a list of them".into(),
                    ));
                }
                out.headers.push((name, member.name.clone()));
            }
            PREFIX_HEADERS => {
                if out.prefix_headers.is_some() {
                    return Err(err("only one member may have @httpPrefixHeaders".into()));
                }
                let prefix = string_value()?;
                if !prefix.is_empty() && !is_token(&prefix) {
                    return Err(err(format!("the header prefix {prefix:?} is not a token")));
                }
                if !target
                    .and_then(|t| map_value(model, t))
                    .is_some_and(is_string)
                {
                    return Err(err(
                        "an @httpPrefixHeaders member must target a map of strings".into(),
                    ));
                }
                out.prefix_headers = Some((prefix, member.name.clone()));
            }
            PAYLOAD => {
                if payload.is_some() {
                    return Err(err("only one member may have @httpPayload".into()));
                }
                let fits = target.is_some_and(|t| {
                    matches!(
                        t.kind,
                        ShapeKind::Simple(Simple::String | Simple::Blob | Simple::Document)
                            | ShapeKind::Enum(_)
                            | ShapeKind::Structure(_)
                            | ShapeKind::Union(_)
                    )
                });
                if !fits {
                    return Err(err(
                        "an @httpPayload member must target a string, blob, structure, union or document"
                            .into(),
                    ));
                }
                payload = Some(member.name.clone());
                let streaming =
                    target.is_some_and(|t| t.traits.raw.contains_key("smithy.api#streaming"));
                out.streaming = streaming && target.is_some_and(is_blob);
                out.event_stream =
                    streaming && target.is_some_and(|t| matches!(t.kind, ShapeKind::Union(_)));
            }
            RESPONSE_CODE => {
                if out.response_code.is_some() {
                    return Err(err("only one member may have @httpResponseCode".into()));
                }
                if !target.is_some_and(|t| matches!(t.kind, ShapeKind::Simple(Simple::Integer))) {
                    return Err(err(
                        "an @httpResponseCode member must target an integer".into()
                    ));
                }
                out.response_code = Some(member.name.clone());
            }
            _ => unreachable!("one of the binding traits"),
        }
    }
    // A header the prefix would also cover is bound twice.
    if let Some((prefix, map)) = &out.prefix_headers
        && !prefix.is_empty()
        && let Some((name, member)) = out.headers.iter().find(|(name, _)| {
            name.to_ascii_lowercase()
                .starts_with(&prefix.to_ascii_lowercase())
        })
    {
        return Err(model_error(
            &model.file,
            &format!(
                "$.shapes[{:?}].members[{member:?}].traits[{HEADER:?}]",
                shape.id.as_str()
            ),
            format!("the header {name:?} starts with {prefix:?}, the prefix member {map:?} binds"),
        ));
    }
    out.body = match (payload, body.is_empty()) {
        (Some(member), true) => Body::Payload(member),
        (Some(member), false) => {
            return Err(model_error(
                &model.file,
                &format!(
                    "$.shapes[{:?}].members[{member:?}].traits[{PAYLOAD:?}]",
                    shape.id.as_str()
                ),
                format!(
                    "with an @httpPayload member, every other member must be bound elsewhere; {} is not",
                    body.join(", ")
                ),
            ));
        }
        (None, true) => Body::Empty,
        (None, false) => Body::Members(body),
    };
    Ok(out)
}

/// The `@timestampFormat` that applies to `member` wherever it is bound: its own, its
/// target's, or for a list its items' (the list member's, then its target's).
fn explicit_timestamp_format(model: &Model, member: &crate::model::Member) -> Option<String> {
    let of = |m: &crate::model::Member| {
        m.traits.timestamp_format.clone().or_else(|| {
            model
                .shape(&m.target)
                .and_then(|t| t.traits.timestamp_format.clone())
        })
    };
    of(member).or_else(|| match &model.shape(&member.target)?.kind {
        ShapeKind::List(item) => of(item),
        _ => None,
    })
}

/// Strings, numbers, booleans, timestamps and enums: what a label, query value or header may
/// hold.
fn is_simple(shape: &Shape) -> bool {
    match &shape.kind {
        ShapeKind::Simple(simple) => !matches!(simple, Simple::Document | Simple::Blob),
        ShapeKind::Enum(_) | ShapeKind::IntEnum(_) => true,
        _ => false,
    }
}

fn is_blob(shape: &Shape) -> bool {
    matches!(shape.kind, ShapeKind::Simple(Simple::Blob))
}

/// A string or an enum (a string with a closed set of values).
fn is_string(shape: &Shape) -> bool {
    matches!(
        shape.kind,
        ShapeKind::Simple(Simple::String) | ShapeKind::Enum(_)
    )
}

/// A list's item shape.
fn list_item<'m>(model: &'m Model, shape: &Shape) -> Option<&'m Shape> {
    match &shape.kind {
        ShapeKind::List(member) => model.shape(&member.target),
        _ => None,
    }
}

/// A map's value shape.
fn map_value<'m>(model: &'m Model, shape: &Shape) -> Option<&'m Shape> {
    match &shape.kind {
        ShapeKind::Map { value, .. } => model.shape(&value.target),
        _ => None,
    }
}

/// A character RFC 3986 allows as it is in a path segment (`pchar`, `%` for an escape the
/// pattern already wrote).
fn is_pchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@%".contains(c)
}

/// An HTTP status code (100 to 599) as a trait writes it.
fn status_code(value: &Value) -> std::result::Result<u16, String> {
    match value {
        Value::Number(n) => match n.as_u64() {
            Some(c @ 100..=599) => Ok(c as u16),
            _ => Err(format!("{n} is not an HTTP status code")),
        },
        other => Err(format!("expected a status code, found {other}")),
    }
}

/// An RFC 9110 token: what a method or header name may be.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parses an `@http` URI pattern: `/` then segments separated by `/`, each literal text or one
/// label (`{Name}`, `{Name+}` for the one greedy label), then optionally `?` and literal query
/// parameters (`key=value` or `key`, separated by `&`).
pub fn parse_uri(pattern: &str) -> std::result::Result<Uri, String> {
    let Some(rest) = pattern.strip_prefix('/') else {
        return Err("a URI pattern starts with `/`".into());
    };
    if pattern.contains('#') {
        return Err("a URI pattern has no fragment (`#`)".into());
    }
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    let mut segments = Vec::new();
    let mut names = BTreeSet::new();
    let mut greedy_seen = false;
    if !path.is_empty() {
        let last = path.split('/').count() - 1;
        for (i, text) in path.split('/').enumerate() {
            if text.is_empty() && i < last {
                return Err("a URI pattern has no empty segments (`//`)".into());
            }
            match text.strip_prefix('{') {
                Some(inner) => {
                    let Some(name) = inner.strip_suffix('}') else {
                        return Err(format!(
                            "the segment {text:?} is not a whole label: a label is a segment of its own, `{{Name}}`"
                        ));
                    };
                    let (name, greedy) = match name.strip_suffix('+') {
                        Some(name) => (name, true),
                        None => (name, false),
                    };
                    if name.is_empty()
                        || !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        return Err(format!("{text:?} does not name a member"));
                    }
                    if !names.insert(name.to_string()) {
                        return Err(format!("the label {{{name}}} appears twice"));
                    }
                    if greedy && std::mem::replace(&mut greedy_seen, true) {
                        return Err("only one label may be greedy".into());
                    }
                    segments.push(Segment::Label {
                        member: name.to_string(),
                        greedy,
                    });
                }
                None if text.contains(['{', '}']) => {
                    return Err(format!(
                        "the segment {text:?} is not a whole label: a label is a segment of its own, `{{Name}}`"
                    ));
                }
                None => {
                    if let Some(bad) = text.chars().find(|&c| !is_pchar(c)) {
                        return Err(format!(
                            "the segment {text:?} has {bad:?}, which a URI path must percent-encode"
                        ));
                    }
                    segments.push(Segment::Literal(text.to_string()))
                }
            }
        }
    }
    let mut literal_query = Vec::new();
    let mut keys = BTreeSet::new();
    if let Some(query) = query {
        if query.contains(['{', '}']) {
            return Err("the query part of a URI pattern takes no labels".into());
        }
        if query.split('&').all(str::is_empty) {
            return Err("the query part after `?` is empty".into());
        }
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = match pair.split_once('=') {
                Some((k, v)) => (k, Some(v.to_string())),
                None => (pair, None),
            };
            if key.is_empty() || !keys.insert(key.to_string()) {
                return Err(format!("the query key {key:?} is empty or appears twice"));
            }
            literal_query.push((key.to_string(), value));
        }
    }
    Ok(Uri {
        path: segments,
        query: literal_query,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn label(name: &str, greedy: bool) -> Segment {
        Segment::Label {
            member: name.into(),
            greedy,
        }
    }

    #[test]
    fn uri_patterns_split_into_literal_and_label_segments_and_literal_query() {
        assert_eq!(
            parse_uri("/2015-03-31/functions/{FunctionName}/invocations").unwrap(),
            Uri {
                path: vec![
                    Segment::Literal("2015-03-31".into()),
                    Segment::Literal("functions".into()),
                    label("FunctionName", false),
                    Segment::Literal("invocations".into()),
                ],
                query: vec![],
            }
        );
        assert_eq!(
            parse_uri("/{Bucket}/{Key+}?x-id=GetObject&list").unwrap(),
            Uri {
                path: vec![label("Bucket", false), label("Key", true)],
                query: vec![
                    ("x-id".into(), Some("GetObject".into())),
                    ("list".into(), None)
                ],
            }
        );
        assert_eq!(parse_uri("/").unwrap().path, []);
        assert_eq!(
            parse_uri("/a/").unwrap().path,
            [Segment::Literal("a".into()), Segment::Literal("".into())],
            "a trailing slash is kept"
        );
    }

    #[test]
    fn bad_uri_patterns_say_what_is_wrong() {
        let error = |p: &str| parse_uri(p).unwrap_err();
        assert!(error("a/b").contains("starts with `/`"));
        assert!(error("/a//b").contains("empty segments"));
        assert!(error("/a{B}").contains("not a whole label"));
        assert!(error("/{A}/{A}").contains("appears twice"));
        assert!(error("/{A+}/{B+}").contains("only one label may be greedy"));
        assert!(error("/{}").contains("does not name a member"));
        assert!(error("/{A}?b={B}").contains("takes no labels"));
        assert!(error("/a?b&b").contains("appears twice"));
        assert!(error("/a#b").contains("fragment"));
        assert!(error("/a b").contains("percent-encode"));
        assert!(error("/é").contains("percent-encode"));
        assert!(error("/a?").contains("empty"));
        assert_eq!(
            parse_uri("/a:b@c%20d").unwrap().path,
            [Segment::Literal("a:b@c%20d".into())]
        );
    }

    proptest! {
        /// Any text is either a URI pattern or an error, never a panic; a parsed pattern's
        /// labels are distinct names and at most one is greedy.
        #[test]
        fn any_text_parses_or_fails_cleanly(text in "[/{}+?&=#a-zA-Z0-9_é-]{0,40}") {
            if let Ok(uri) = parse_uri(&text) {
                let labels: Vec<(&String, bool)> = uri.path.iter().filter_map(|s| match s {
                    Segment::Label { member, greedy } => Some((member, *greedy)),
                    Segment::Literal(_) => None,
                }).collect();
                let names: BTreeSet<&String> = labels.iter().map(|(n, _)| *n).collect();
                prop_assert_eq!(names.len(), labels.len());
                prop_assert!(labels.iter().filter(|(_, g)| *g).count() <= 1);
            }
        }
    }

    fn model(members: &str, http: &str) -> Model {
        let text = format!(
            r#"{{"smithy":"2.0","shapes":{{
            "a#Op":{{"type":"operation","input":{{"target":"a#In"}},"output":{{"target":"a#Out"}},"traits":{{"smithy.api#http":{http}}}}},
            "a#In":{{"type":"structure","members":{members}}},
            "a#Out":{{"type":"structure","members":{{
                "Status":{{"target":"smithy.api#Integer","traits":{{"smithy.api#httpResponseCode":{{}}}}}},
                "Etag":{{"target":"smithy.api#String","traits":{{"smithy.api#httpHeader":"ETag"}}}},
                "Data":{{"target":"smithy.api#Blob","traits":{{"smithy.api#httpPayload":{{}}}}}}
            }}}},
            "a#Tags":{{"type":"map","key":{{"target":"smithy.api#String"}},"value":{{"target":"smithy.api#String"}}}},
            "a#Names":{{"type":"list","member":{{"target":"smithy.api#String"}}}}
        }}}}"#
        );
        Model::parse(std::path::Path::new("m.json"), &text).unwrap()
    }

    fn bind(members: &str, http: &str) -> Result<Option<HttpOperation>> {
        let model = model(members, http);
        let shape = |id: &str| model.shape(&crate::model::ShapeId::new(id)).cloned();
        let (op, input, output) = (shape("a#Op").unwrap(), shape("a#In"), shape("a#Out"));
        operation(&model, &op, input.as_ref(), output.as_ref())
    }

    #[test]
    fn members_bind_to_labels_query_headers_and_the_body() {
        let op = bind(
            r#"{
                "Name":{"target":"smithy.api#String","traits":{"smithy.api#required":{},"smithy.api#httpLabel":{}}},
                "Names":{"target":"a#Names","traits":{"smithy.api#httpQuery":"name"}},
                "Extra":{"target":"a#Tags","traits":{"smithy.api#httpQueryParams":{}}},
                "Token":{"target":"smithy.api#String","traits":{"smithy.api#httpHeader":"X-Token"}},
                "Meta":{"target":"a#Tags","traits":{"smithy.api#httpPrefixHeaders":"x-meta-"}},
                "Body1":{"target":"smithy.api#String"},
                "Body2":{"target":"smithy.api#Integer"}
            }"#,
            r#"{"method":"PUT","uri":"/things/{Name}?fixed=1","code":201}"#,
        )
        .unwrap()
        .expect("an @http operation");
        assert_eq!((op.method.as_str(), op.code), ("PUT", 201));
        assert_eq!(op.input.labels, ["Name"]);
        assert_eq!(op.input.query, [("name".into(), "Names".into())]);
        assert_eq!(op.input.query_params.as_deref(), Some("Extra"));
        assert_eq!(op.input.headers, [("X-Token".into(), "Token".into())]);
        assert_eq!(
            op.input.prefix_headers,
            Some(("x-meta-".into(), "Meta".into()))
        );
        assert_eq!(
            op.input.body,
            Body::Members(vec!["Body1".into(), "Body2".into()])
        );
        assert_eq!(op.output.response_code.as_deref(), Some("Status"));
        assert_eq!(op.output.body, Body::Payload("Data".into()));
    }

    #[test]
    fn broken_bindings_fail_naming_the_trait() {
        let error = |members: &str, http: &str| bind(members, http).unwrap_err().to_string();
        let label = r#"{"Name":{"target":"smithy.api#String","traits":{"smithy.api#required":{},"smithy.api#httpLabel":{}}}}"#;
        let e = error(label, r#"{"method":"GET","uri":"/things"}"#);
        assert!(
            e.contains(r#"members["Name"].traits["smithy.api#httpLabel"]"#)
                && e.contains("has no {Name}"),
            "{e}"
        );
        let e = error("{}", r#"{"method":"GET","uri":"/things/{Name}"}"#);
        assert!(
            e.contains(r#"traits["smithy.api#http"].uri"#) && e.contains("{Name}"),
            "{e}"
        );
        let e = error(
            r#"{"Name":{"target":"smithy.api#String","traits":{"smithy.api#httpLabel":{}}}}"#,
            r#"{"method":"GET","uri":"/{Name}"}"#,
        );
        assert!(e.contains("must be @required"), "{e}");
        let e = error(label, r#"{"method":"G ET","uri":"/{Name}"}"#);
        assert!(e.contains(".method"), "{e}");
        let e = error(
            r#"{"A":{"target":"smithy.api#String","traits":{"smithy.api#httpHeader":"X"}},"B":{"target":"smithy.api#String","traits":{"smithy.api#httpHeader":"x"}}}"#,
            r#"{"method":"GET","uri":"/"}"#,
        );
        assert!(
            e.contains(r#"members["B"]"#) && e.contains("bound by another member"),
            "{e}"
        );
        let e = error(
            r#"{"A":{"target":"smithy.api#Blob","traits":{"smithy.api#httpPayload":{}}},"B":{"target":"smithy.api#String"}}"#,
            r#"{"method":"POST","uri":"/"}"#,
        );
        assert!(
            e.contains(r#"members["A"]"#) && e.contains("B is not"),
            "{e}"
        );
        let e = error(
            r#"{"A":{"target":"smithy.api#String","traits":{"smithy.api#httpHeader":"X-A","smithy.api#httpQuery":"a"}}}"#,
            r#"{"method":"GET","uri":"/"}"#,
        );
        assert!(e.contains("one HTTP binding"), "{e}");
        let e = error(
            r#"{"Key":{"target":"smithy.api#Integer","traits":{"smithy.api#required":{},"smithy.api#httpLabel":{}}}}"#,
            r#"{"method":"GET","uri":"/{Key+}"}"#,
        );
        assert!(e.contains("greedy label {Key+}"), "{e}");
        let e = error(
            r#"{"Meta":{"target":"a#Tags","traits":{"smithy.api#httpPrefixHeaders":"X-Meta-"}},"Id":{"target":"smithy.api#String","traits":{"smithy.api#httpHeader":"x-meta-id"}}}"#,
            r#"{"method":"GET","uri":"/"}"#,
        );
        assert!(
            e.contains(r#"members["Id"]"#) && e.contains("starts with"),
            "{e}"
        );
        let e = error(
            r#"{"A":{"target":"a#Tags","traits":{"smithy.api#httpPrefixHeaders":"a-"}},"B":{"target":"a#Tags","traits":{"smithy.api#httpPrefixHeaders":"b-"}}}"#,
            r#"{"method":"GET","uri":"/"}"#,
        );
        assert!(
            e.contains("only one member may have @httpPrefixHeaders"),
            "{e}"
        );
        // A blob in the query is sent base64: allowed, unlike in a header.
        assert!(
            bind(
                r#"{"Data":{"target":"smithy.api#Blob","traits":{"smithy.api#httpQuery":"data"}}}"#,
                r#"{"method":"GET","uri":"/"}"#,
            )
            .is_ok()
        );
        let e = error(
            r#"{"Data":{"target":"smithy.api#Blob","traits":{"smithy.api#httpHeader":"X-Data"}}}"#,
            r#"{"method":"GET","uri":"/"}"#,
        );
        assert!(e.contains("@httpHeader member must target"), "{e}");
    }

    /// Any JSON value: what a hostile model may put in a trait.
    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "\\PC{0,12}".prop_map(Value::String),
            "(/|\\{|\\}|\\+|\\?|&|=|[a-zA-Z]){0,16}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("(method|uri|code|[a-z]{1,4})", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Whatever values a model gives the binding traits, reading them gives bindings or an
        /// error naming a JSON path, never a panic.
        #[test]
        fn hostile_trait_values_give_bindings_or_an_error(
            http in prop_oneof![
                any_json(),
                "(/[a-z{}+]{0,6}){0,3}(\\?[a-z=&]{0,6})?".prop_map(|uri| serde_json::json!({"method": "GET", "uri": format!("/{{Name}}{uri}")})),
            ],
            label in prop_oneof![Just(serde_json::json!({})), any_json()],
            query in prop_oneof!["[a-z]{1,4}".prop_map(Value::String), any_json()],
            header in prop_oneof!["[A-Za-z-]{1,8}".prop_map(Value::String), any_json()],
            payload in prop_oneof![Just(serde_json::json!({})), any_json()],
            status in prop_oneof![Just(serde_json::json!({})), any_json()],
        ) {
            let trait_json = |v: &Value| serde_json::to_string(v).unwrap_or_default();
            let members = format!(
                r#"{{
                    "Name":{{"target":"smithy.api#String","traits":{{"smithy.api#required":{{}},"smithy.api#httpLabel":{}}}}},
                    "Q":{{"target":"a#Names","traits":{{"smithy.api#httpQuery":{}}}}},
                    "H":{{"target":"smithy.api#Integer","traits":{{"smithy.api#httpHeader":{}}}}},
                    "P":{{"target":"smithy.api#Blob","traits":{{"smithy.api#httpPayload":{}}}}}
                }}"#,
                trait_json(&label),
                trait_json(&query),
                trait_json(&header),
                trait_json(&payload),
            );
            let output = format!(
                r#"{{"S":{{"target":"smithy.api#Integer","traits":{{"smithy.api#httpResponseCode":{}}}}}}}"#,
                trait_json(&status)
            );
            let text = format!(
                r#"{{"smithy":"2.0","shapes":{{
                "a#Op":{{"type":"operation","input":{{"target":"a#In"}},"output":{{"target":"a#Out"}},"traits":{{"smithy.api#http":{}}}}},
                "a#In":{{"type":"structure","members":{members}}},
                "a#Out":{{"type":"structure","members":{output}}},
                "a#Tags":{{"type":"map","key":{{"target":"smithy.api#String"}},"value":{{"target":"smithy.api#String"}}}},
                "a#Names":{{"type":"list","member":{{"target":"smithy.api#String"}}}}
            }}}}"#,
                trait_json(&http)
            );
            // The model reader may refuse the text first; either way, no panic.
            if let Ok(model) = Model::parse(std::path::Path::new("m.json"), &text) {
                let shape = |id: &str| model.shape(&crate::model::ShapeId::new(id)).cloned();
                if let (Some(op), Some(input), Some(output)) = (shape("a#Op"), shape("a#In"), shape("a#Out")) {
                    match operation(&model, &op, Some(&input), Some(&output)) {
                        Ok(_) => {}
                        Err(e) => prop_assert!(e.to_string().contains("$.shapes["), "{}", e),
                    }
                }
            }
        }
    }

    #[test]
    fn request_only_bindings_in_a_response_are_ignored_and_the_member_is_in_the_body() {
        let model = model(
            r#"{"Name":{"target":"smithy.api#String","traits":{"smithy.api#httpQuery":"name"}}}"#,
            r#"{"method":"GET","uri":"/"}"#,
        );
        let input = model.shape(&crate::model::ShapeId::new("a#In")).unwrap();
        let as_output = bindings(&model, input, Direction::Output).unwrap();
        assert_eq!(as_output.query, []);
        assert_eq!(as_output.body, Body::Members(vec!["Name".into()]));
    }
}
