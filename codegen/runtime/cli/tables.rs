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
    /// The member name, as on the wire.
    pub name: &'static str,
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
    fn call_streaming<'a>(
        &'a self,
        index: usize,
        input: Value,
        events: EventSink<'a>,
    ) -> LocalBoxFuture<'a, Result<Value, CallError>> {
        let _ = events;
        Box::pin(self.call(index, input))
    }
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
    use super::*;

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
