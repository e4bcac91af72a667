//! The tables the generated `cli` module describes the program with: the operations, the
//! shapes of what they send and receive, how they page, the waiters, and the [`Service`] the
//! engine calls the operations through.

use serde_json::Value;

use super::super::config::Config;
use super::super::transport::BoxFuture;
use super::super::waiter::Acceptor;

/// The shape of a value, as far as the command line needs it.
#[derive(Debug)]
pub enum Schema {
    String,
    /// A string enum with its known values.
    Enum(&'static [&'static str]),
    Integer,
    Float,
    Boolean,
    /// Base64 text on the command line, as on the wire.
    Blob,
    /// Epoch seconds on the wire; RFC 3339 or epoch seconds on the command line.
    Timestamp,
    /// A timestamp written as `date-time` text on the wire.
    TimestampText,
    /// A timestamp written as `http-date` text on the wire.
    HttpDate,
    Document,
    Structure(&'static [Member]),
    /// Exactly one member is set.
    Union(&'static [Member]),
    List(&'static Schema),
    Map(&'static Schema),
}

/// A member of a structure or union.
#[derive(Debug)]
pub struct Member {
    /// The member name: the command line's key (and flag), as the AWS CLI's.
    pub name: &'static str,
    /// The member's key in the JSON the client reads and writes: `name` unless restJson1's
    /// `@jsonName` renames it (see [`to_wire`]).
    pub json: &'static str,
    pub schema: &'static Schema,
    pub required: bool,
    /// `@sensitive`: redacted in `--debug` logs.
    pub sensitive: bool,
    /// Help text (filled for operation inputs only).
    pub docs: &'static str,
}

impl Member {
    /// An optional, non-sensitive member without help text.
    pub const fn new(name: &'static str, schema: &'static Schema) -> Member {
        Member {
            name,
            json: name,
            schema,
            required: false,
            sensitive: false,
            docs: "",
        }
    }

    /// `@required`.
    pub const fn required(self) -> Member {
        Member {
            required: true,
            ..self
        }
    }

    /// `@sensitive`.
    pub const fn sensitive(self) -> Member {
        Member {
            sensitive: true,
            ..self
        }
    }

    /// With help text.
    pub const fn docs(self, docs: &'static str) -> Member {
        Member { docs, ..self }
    }

    /// Its key in the client's JSON, when `@jsonName` makes it differ from its name.
    pub const fn json(self, json: &'static str) -> Member {
        Member { json, ..self }
    }
}

/// The command line's document `value` of `schema` (keyed by member names, as the AWS CLI's)
/// as the client's JSON (keyed by `@jsonName` where a member has one). Only crates whose
/// model renames members call it.
pub fn to_wire(mut value: Value, schema: &Schema) -> Value {
    rename(&mut value, schema, true, 0);
    value
}

/// The client's JSON `value` of `schema` as the command line's document: [`to_wire`]
/// reversed.
#[allow(dead_code, reason = "only crates with @jsonName members call it")]
pub fn from_wire(mut value: Value, schema: &Schema) -> Value {
    rename(&mut value, schema, false, 0);
    value
}

/// Renames the members of `value` (a document of `schema`) from names to JSON keys
/// (`to_wire`) or back, at any depth (bounded: documents come from the command line and the
/// network; the schema's own depth bounds the walk except through recursive shapes).
fn rename(value: &mut Value, schema: &Schema, to_wire: bool, depth: usize) {
    const MAX_DEPTH: usize = 128;
    if depth > MAX_DEPTH {
        return;
    }
    match (schema, value) {
        (Schema::Structure(members) | Schema::Union(members), Value::Object(object)) => {
            // Rebuilt in order, so that renames never collide (one member's name may be
            // another's JSON key); keys of no member stay as they are.
            let old = std::mem::take(object);
            for (key, mut item) in old {
                let member = members.iter().find(|m| {
                    if to_wire {
                        m.name == key
                    } else {
                        m.json == key
                    }
                });
                match member {
                    Some(member) => {
                        rename(&mut item, member.schema, to_wire, depth + 1);
                        let to = if to_wire { member.json } else { member.name };
                        object.insert(to.to_string(), item);
                    }
                    None => {
                        object.insert(key, item);
                    }
                }
            }
        }
        (Schema::List(item), Value::Array(items)) => {
            for value in items {
                rename(value, item, to_wire, depth + 1);
            }
        }
        (Schema::Map(item), Value::Object(entries)) => {
            for value in entries.values_mut() {
                rename(value, item, to_wire, depth + 1);
            }
        }
        _ => {}
    }
}

/// One operation as a subcommand.
#[derive(Debug)]
pub struct Operation {
    /// `CreateFaceLivenessSession`
    pub name: &'static str,
    /// `create-face-liveness-session`
    pub command: &'static str,
    pub docs: &'static str,
    /// The input structure's members, and the flag of each (`--kms-key-id`, without dashes).
    pub input: &'static [Member],
    pub flags: &'static [&'static str],
    pub output: &'static Schema,
    /// How the operation pages, when it is `@paginated` with an `items` member.
    pub pagination: Option<Pagination>,
    /// The output member that is a `@streaming` payload: written to the file named by the
    /// positional `outfile` argument, as the AWS CLI does, instead of printed.
    pub outfile: Option<&'static str>,
    /// The output member that is an event stream, and the schema of its events: each event
    /// is printed as it arrives, then the rest of the output.
    pub events: Option<(&'static str, &'static Schema)>,
    /// The input member that is an event stream: its flag takes one JSON event per line, from
    /// the text itself, `file://PATH` or `-` (standard input), or a JSON list.
    pub input_events: Option<&'static str>,
}

/// A paginated operation's members, by their names on the wire.
#[derive(Debug)]
pub struct Pagination {
    /// The input member the token goes in (`NextToken`).
    pub input_token: &'static str,
    /// The output member holding the next token, possibly nested (`["Page", "Next"]`).
    pub output_token: &'static [&'static str],
    /// The input member setting the page size.
    pub page_size: Option<&'static str>,
    /// The output member holding each page's items, a list or a map.
    pub items: &'static [&'static str],
}

/// A waiter (`smithy.waiters#waitable`) as a `wait` subcommand.
#[derive(Debug)]
pub struct Waiter {
    /// `ThingReady`
    pub name: &'static str,
    /// `thing-ready`
    pub command: &'static str,
    pub docs: &'static str,
    /// The operation it polls, an index into [`Program::operations`].
    pub operation: usize,
    /// Seconds.
    pub min_delay: u64,
    /// Seconds.
    pub max_delay: u64,
    pub acceptors: &'static [Acceptor],
}

/// Why a call failed.
#[derive(Debug)]
pub enum CallError {
    /// The input document does not fit the input type: a member path and a message.
    Input(String, String),
    /// The client could not be built.
    Config(String),
    /// Client-side validation: (member path, message) per violated constraint.
    Validation(Vec<(String, String)>),
    /// The service answered with an error.
    Service { code: String, message: String },
    /// Transport, credentials, signing or a malformed response.
    Other(String),
}

impl CallError {
    /// A service error from the error's code and its display text (`Code: message` or
    /// `Code (HTTP 400): message`).
    pub fn service(code: &str, display: &str) -> CallError {
        let message = display
            .strip_prefix(code)
            .map(|rest| rest.split_once(": ").map_or("", |(_, message)| message))
            .unwrap_or(display);
        CallError::Service {
            code: code.to_string(),
            message: message.to_string(),
        }
    }
}

/// A client the command line calls operations on, by their index in [`Program::operations`].
pub trait Service: Send + Sync {
    /// Sends operation `index` with the input document; answers with the output document
    /// (an event stream's events as a list under its member, read to the end).
    fn call(&self, index: usize, input: Value) -> BoxFuture<'_, Result<Value, CallError>>;

    /// [`call`](Service::call), giving an output event stream's events to `events` one by
    /// one as they arrive (the returned output has the stream's member `null`). Operations
    /// without one are [`call`](Service::call)ed.
    /// `sent`, when given, is the operation's input event stream read as the call runs,
    /// which replaces the (empty) one of `input`.
    fn call_streaming<'a>(
        &'a self,
        index: usize,
        input: Value,
        sent: Option<SentEvents>,
        events: EventSink<'a>,
    ) -> LocalBoxFuture<'a, Result<Value, CallError>> {
        let _ = (sent, events);
        Box::pin(self.call(index, input))
    }
}

/// An input event stream read from standard input while the call runs: one JSON event per
/// line (blank lines skipped), each checked against the stream's union as it is read. A
/// thread reads the lines; at most one waits to be sent, so a slow connection holds back the
/// reading. A line that cannot be read or is not a valid event is an error that ends the
/// stream, and with it the request, unfinished.
#[derive(Debug)]
pub struct SentEvents(tokio::sync::mpsc::Receiver<Result<Value, String>>);

/// The longest line read as one event (an event's payload is at most 16 MiB; as base64 in
/// JSON a little more).
pub const MAX_EVENT_LINE: usize = 32 << 20;

impl SentEvents {
    /// Starts reading `reader` (standard input); `union` is the stream's union schema,
    /// `validate` whether required members must be present (`--no-validate` turns it off).
    pub fn from_reader(
        reader: impl std::io::Read + Send + 'static,
        union: &'static Schema,
        validate: bool,
    ) -> SentEvents {
        let (sender, receiver) = tokio::sync::mpsc::channel(1);
        std::thread::spawn(move || {
            let mut reader = std::io::BufReader::new(reader);
            let mut number = 0;
            loop {
                number += 1;
                let event = match read_line(&mut reader, MAX_EVENT_LINE) {
                    Ok(None) => return,
                    Ok(Some(line)) if line.trim().is_empty() => continue,
                    Ok(Some(line)) => parse_event(&line, union, validate),
                    Err(e) => Err(e),
                }
                .map_err(|e| format!("standard input, line {number}: {e}"));
                let failed = event.is_err();
                // The call has ended (its receiver is gone) or the stream must end here.
                if sender.blocking_send(event).is_err() || failed {
                    return;
                }
            }
        });
        SentEvents(receiver)
    }

    /// The events as they are read.
    pub fn into_receiver(self) -> tokio::sync::mpsc::Receiver<Result<Value, String>> {
        self.0
    }
}

/// The next line of `reader` without its line end, `None` at the end; a line longer than
/// `limit` bytes or not UTF-8 is an error (and nothing beyond `limit` is buffered).
fn read_line(reader: &mut impl std::io::BufRead, limit: usize) -> Result<Option<String>, String> {
    use std::io::{BufRead as _, Read as _};
    let mut line = Vec::new();
    let read = reader
        .by_ref()
        .take(limit as u64 + 1)
        .read_until(b'\n', &mut line)
        .map_err(|e| format!("cannot read: {e}"))?;
    if read == 0 {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    } else if line.len() > limit {
        return Err(format!("longer than {} MiB", limit >> 20));
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| "not UTF-8 text".to_string())
}

/// One line as an event of the union `union`, coerced as a flag's value would be.
fn parse_event(line: &str, union: &'static Schema, validate: bool) -> Result<Value, String> {
    let mut event: Value =
        serde_json::from_str(line).map_err(|e| format!("not a JSON event: {e}"))?;
    let mut path = Vec::new();
    super::coerce::coerce(&mut event, union, &mut path, validate).map_err(|e| {
        if e.path.is_empty() {
            e.message
        } else {
            format!("{}: {}", e.path, e.message)
        }
    })?;
    Ok(event)
}

/// Where [`Service::call_streaming`] puts each event, as its JSON document; an error ends the
/// call.
pub type EventSink<'a> = &'a mut dyn FnMut(Value) -> Result<(), CallError>;

/// A future that stays on the thread that runs it (the sink writes to the terminal).
pub type LocalBoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + 'a>>;

/// Builds the client once per command line (a paginated listing or a waiter calls it again).
pub type Connect = fn(Config) -> Result<Box<dyn Service>, CallError>;

/// The whole command-line program.
#[derive(Debug)]
pub struct Program {
    /// The binary's name.
    pub name: &'static str,
    pub about: &'static str,
    pub operations: &'static [Operation],
    pub waiters: &'static [Waiter],
    pub connect: Connect,
}

/// What [`rebuild`] asks at every value: its replacement, given its schema and the member it is.
pub type Replace<'a> = &'a dyn Fn(&Value, &Schema, Option<&Member>) -> Option<Value>;

/// `value` rebuilt along `schema`. At every value, `at` is asked first, with the value's schema
/// and the structure member it is (`None` at the root and for list items and map values); what
/// it returns is the value there. Otherwise structures and unions, lists and maps are walked,
/// members the schema does not know copied, and anything else copied.
pub fn rebuild(value: &Value, schema: &Schema, member: Option<&Member>, at: Replace<'_>) -> Value {
    if let Some(replaced) = at(value, schema, member) {
        return replaced;
    }
    match (schema, value) {
        (Schema::Structure(members) | Schema::Union(members), Value::Object(object)) => {
            Value::Object(
                object
                    .iter()
                    .map(|(key, inner)| {
                        let inner = match members.iter().find(|m| m.name == key) {
                            Some(m) => rebuild(inner, m.schema, Some(m), at),
                            None => inner.clone(),
                        };
                        (key.clone(), inner)
                    })
                    .collect(),
            )
        }
        (Schema::List(item), Value::Array(items)) => {
            Value::Array(items.iter().map(|v| rebuild(v, item, None, at)).collect())
        }
        (Schema::Map(item), Value::Object(object)) => Value::Object(
            object
                .iter()
                .map(|(k, v)| (k.clone(), rebuild(v, item, None, at)))
                .collect(),
        ),
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    static TICK: Schema = Schema::Structure(&[Member::new("N", &Schema::Integer).required()]);
    static EVENTS: Schema = Schema::Union(&[Member::new("tick", &TICK)]);

    /// Two members whose JSON names are each other's names, one nested in a list and a map.
    static SWAPPED: Schema = Schema::Structure(&[
        Member::new("A", &Schema::String).json("B"),
        Member::new("B", &Schema::String).json("A"),
        Member::new("Items", &Schema::List(&INNER)).json("items"),
        Member::new("ByKey", &Schema::Map(&INNER)),
    ]);
    static INNER: Schema =
        Schema::Structure(&[Member::new("Color", &Schema::String).json("color")]);

    #[test]
    fn json_names_rename_members_at_any_depth_without_collisions() {
        let document = json!({
            "A": "a", "B": "b",
            "Items": [{"Color": "red"}, {"Color": "blue"}],
            "ByKey": {"Color": {"Color": "green"}},
            "Other": 1
        });
        let wire = to_wire(document.clone(), &SWAPPED);
        assert_eq!(
            wire,
            json!({
                "B": "a", "A": "b",
                "items": [{"color": "red"}, {"color": "blue"}],
                "ByKey": {"Color": {"color": "green"}},
                "Other": 1
            })
        );
        assert_eq!(from_wire(wire, &SWAPPED), document);
    }

    proptest! {
        /// Any document of a schema with renamed members comes back from the wire as it was.
        #[test]
        fn any_document_survives_the_trip_to_the_wire_and_back(seed in any::<u64>()) {
            let mut rng = fastrand::Rng::with_seed(seed);
            let document = super::super::arbitrary::arbitrary(&SWAPPED, &mut rng, 0);
            prop_assert_eq!(from_wire(to_wire(document.clone(), &SWAPPED), &SWAPPED), document);
        }
    }

    /// Every item `from_reader` yields for `input`, in order.
    fn read_all(input: &[u8], validate: bool) -> Vec<Result<Value, String>> {
        let mut receiver =
            SentEvents::from_reader(std::io::Cursor::new(input.to_vec()), &EVENTS, validate)
                .into_receiver();
        let mut items = Vec::new();
        while let Some(item) = receiver.blocking_recv() {
            items.push(item);
        }
        items
    }

    #[test]
    fn events_are_read_line_by_line_coerced_and_blank_lines_skipped() {
        let items = read_all(
            b"{\"tick\":{\"N\":\"1\"}}\r\n\n  \n{\"tick\":{\"N\":2}}",
            true,
        );
        assert_eq!(
            items,
            [Ok(json!({"tick": {"N": 1}})), Ok(json!({"tick": {"N": 2}}))]
        );
    }

    /// Standard input as a pipe the test writes into while the events are read.
    struct Pipe(std::sync::mpsc::Receiver<Vec<u8>>, Vec<u8>);

    impl std::io::Read for Pipe {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.1.is_empty() {
                match self.0.recv() {
                    Ok(chunk) => self.1 = chunk,
                    Err(_) => return Ok(0),
                }
            }
            let n = buf.len().min(self.1.len());
            buf[..n].copy_from_slice(&self.1[..n]);
            self.1.drain(..n);
            Ok(n)
        }
    }

    #[test]
    fn each_event_is_given_as_soon_as_its_line_is_read_not_at_the_end_of_input() {
        let (write, pipe) = std::sync::mpsc::channel();
        let mut events =
            SentEvents::from_reader(Pipe(pipe, Vec::new()), &EVENTS, true).into_receiver();
        write.send(b"{\"tick\":{\"N\":1}}\n".to_vec()).unwrap();
        // The input is still open: the first event arrives anyway.
        assert_eq!(events.blocking_recv(), Some(Ok(json!({"tick": {"N": 1}}))));
        write.send(b"{\"tick\":".to_vec()).unwrap();
        write.send(b"{\"N\":2}}\n".to_vec()).unwrap();
        assert_eq!(events.blocking_recv(), Some(Ok(json!({"tick": {"N": 2}}))));
        drop(write);
        assert_eq!(
            events.blocking_recv(),
            None,
            "the end of input ends the stream"
        );
    }

    #[test]
    fn a_bad_line_ends_the_stream_with_an_error_naming_it() {
        let items = read_all(
            b"{\"tick\":{\"N\":1}}\n{\"tick\":\n{\"tick\":{\"N\":3}}\n",
            true,
        );
        assert_eq!(items.len(), 2, "{items:?}");
        let error = items[1].clone().unwrap_err();
        assert!(
            error.starts_with("standard input, line 2: not a JSON event"),
            "{error}"
        );
        let items = read_all(b"\n{\"tock\":{}}\n", true);
        let error = items[0].clone().unwrap_err();
        assert!(error.starts_with("standard input, line 2: "), "{error}");
        assert!(error.contains("tock"), "{error}");
        // A missing required member only with validation.
        assert!(read_all(b"{\"tick\":{}}", true)[0].is_err());
        assert_eq!(read_all(b"{\"tick\":{}}", false), [Ok(json!({"tick": {}}))]);
    }

    #[test]
    fn a_line_over_the_limit_or_not_utf8_is_an_error_and_is_not_buffered_whole() {
        let mut reader = std::io::Cursor::new(vec![b'x'; 100]);
        assert_eq!(
            read_line(&mut reader, 10),
            Err("longer than 0 MiB".to_string())
        );
        let mut reader = std::io::Cursor::new(b"\xff\xfe\n".to_vec());
        assert_eq!(
            read_line(&mut reader, 10),
            Err("not UTF-8 text".to_string())
        );
        let mut reader = std::io::Cursor::new(b"exactly 10".to_vec());
        assert_eq!(
            read_line(&mut reader, 10),
            Ok(Some("exactly 10".to_string()))
        );
        assert_eq!(read_line(&mut reader, 10), Ok(None));
    }

    proptest! {
        /// Any bytes: reading never panics, every item before the last is a valid event, and
        /// an error is always the last item.
        #[test]
        fn any_input_gives_events_then_at_most_one_error(
            input in proptest::collection::vec(any::<u8>(), 0..300),
            validate in any::<bool>(),
        ) {
            let items = read_all(&input, validate);
            if let Some(at) = items.iter().position(Result::is_err) {
                prop_assert_eq!(at, items.len() - 1);
            }
            for item in items.iter().filter_map(|i| i.as_ref().ok()) {
                prop_assert!(item.get("tick").is_some());
            }
        }

        /// Events written one per line read back as written, whatever their text.
        #[test]
        fn written_events_read_back(ns in proptest::collection::vec(any::<i64>(), 0..20)) {
            let text: String = ns.iter().map(|n| format!("{}\n", json!({"tick": {"N": n}}))).collect();
            let items = read_all(text.as_bytes(), true);
            let expected: Vec<Result<Value, String>> =
                ns.iter().map(|n| Ok(json!({"tick": {"N": n}}))).collect();
            prop_assert_eq!(items, expected);
        }
    }

    #[test]
    fn service_errors_keep_the_message_only() {
        let e = CallError::service(
            "SessionNotFoundException",
            "SessionNotFoundException: no such session",
        );
        assert!(
            matches!(e, CallError::Service { ref message, .. } if message == "no such session")
        );
        let e = CallError::service("Odd", "Odd (HTTP 400): what");
        assert!(matches!(e, CallError::Service { ref message, .. } if message == "what"));
        let e = CallError::service("Bare", "Bare");
        assert!(matches!(e, CallError::Service { ref message, .. } if message.is_empty()));
    }
}
