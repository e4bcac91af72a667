//! The command-line client's engine (cargo feature `cli`): the generated `cli` module describes
//! the operations and their shapes as static tables ([`Program`]); this module turns them into
//! `clap` subcommands, reads flags (JSON, shorthand syntax, `file://`), `--cli-input-json` /
//! `--cli-input-yaml` and `--generate-cli-skeleton`, builds the client configuration from the
//! global options, and prints results as JSON, YAML, text or a table after `--query`.
//!
//! As the AWS CLI does, it fetches every page of a paginated operation and merges their items
//! (`--starting-token`, `--page-size`, `--max-items`, `--no-paginate`), and offers each waiter
//! of the model as `wait <waiter-name>`.
//!
//! The engine's parts, one submodule each: `tables` (the static tables the generated module
//! describes the program with), `command` (the `clap` command built from them), `args` (the
//! global options and the input document read from a command line), `shorthand` (the shorthand
//! syntax of flag values), `coerce` (input checked against its shape), `skeleton`
//! (`--generate-cli-skeleton`), `paging` (every page of a listing), `wait` (`wait`), `client`
//! (the client configuration and the HTTP client under it), `output` (`--query` and the output
//! formats) and `arbitrary` (values of a shape for the generated crates' round-trip tests).

use std::ffi::OsString;
use std::io::Write;

use serde_json::{Map, Value};

// Also named outside the engine: the generated `cli` module's tests call `round_trip`.
pub(crate) mod arbitrary;
mod args;
mod client;
mod coerce;
mod command;
// Also named outside the engine: the fuzz targets call `to_json`.
pub(crate) mod output;
mod paging;
// Also named outside the engine: the fuzz targets call the parsers.
pub(crate) mod shorthand;
mod skeleton;
// Also named outside the engine: the generated `cli` module builds its tables of these types.
pub(crate) mod tables;
mod wait;

use args::{globals, input_document};
use client::config;
use command::command;
use output::{apply_query, format_output, present};
use paging::{paginate, paging};
use skeleton::skeleton_printed;
use tables::{CallError, Operation, Program};
use wait::{wait, wait_command};

/// Exit status for a command line that could not be parsed or an input that is invalid.
pub const EXIT_USAGE: i32 = 252;
/// Exit status when the configuration (region, credentials, endpoint) is unusable.
pub const EXIT_CONFIG: i32 = 253;
/// Exit status when the service answered with an error.
pub const EXIT_SERVICE: i32 = 254;
/// Exit status for anything else (transport failures, malformed responses).
pub const EXIT_OTHER: i32 = 255;

/// Runs the program on the process's arguments; returns the exit status.
pub fn main(program: &Program) -> i32 {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    run(
        program,
        std::env::args_os(),
        &mut stdout.lock(),
        &mut stderr.lock(),
    )
}

/// Runs the program on `args` (the first is the program name); returns the exit status.
pub fn run(
    program: &Program,
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    run_with_stdin(program, args, Box::new(std::io::stdin()), out, err)
}

/// What the command line reads as its standard input (an input event stream's `-`).
pub type Stdin = Box<dyn std::io::Read + Send>;

/// [`run`] with `stdin` as the standard input.
pub fn run_with_stdin(
    program: &Program,
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    stdin: Stdin,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    match run_inner(program, args, &mut Some(stdin), out) {
        Ok(()) => 0,
        Err(Failure { code, message }) => {
            let _ = writeln!(err, "{message}");
            code
        }
    }
}

struct Failure {
    code: i32,
    message: String,
}

fn usage(message: impl Into<String>) -> Failure {
    Failure {
        code: EXIT_USAGE,
        message: message.into(),
    }
}

fn run_inner(
    program: &Program,
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    stdin: &mut Option<Stdin>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let matches = match command(program).try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(e) => {
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    let _ = write!(out, "{}", e.render());
                    Ok(())
                }
                _ => Err(usage(e.render().to_string().trim_end())),
            };
        }
    };
    let Some((name, sub)) = matches.subcommand() else {
        return Err(usage("a subcommand is required; see --help"));
    };
    if !program.waiters.is_empty() && name == wait_command(program) {
        let Some((name, sub)) = sub.subcommand() else {
            return Err(usage(format!(
                "a waiter is required; see {} --help",
                wait_command(program)
            )));
        };
        let Some(waiter) = program.waiters.iter().find(|w| w.command == name) else {
            return Err(usage(format!("unknown waiter {name}")));
        };
        let op = &program.operations[waiter.operation];
        let globals = globals(sub)?;
        if skeleton_printed(op, sub, out)? {
            return Ok(());
        }
        let input = Value::Object(input_document(op, sub, globals.validate, stdin)?);
        let service = (program.connect)(config(&globals, op)?).map_err(|e| call_failure(op, e))?;
        return block_on(wait(&*service, waiter, op, input, globals.debug))?;
    }
    let Some((index, op)) = program
        .operations
        .iter()
        .enumerate()
        .find(|(_, op)| op.command == name)
    else {
        return Err(usage(format!("unknown subcommand {name}")));
    };
    let globals = globals(sub)?;
    if skeleton_printed(op, sub, out)? {
        return Ok(());
    }
    let paging = paging(op, sub)?;
    let input = input_document(op, sub, globals.validate, stdin)?;
    let service = (program.connect)(config(&globals, op)?).map_err(|e| call_failure(op, e))?;
    let sent = match (args::live_events(op, sub), stdin.take()) {
        (Some((_, union)), Some(stdin)) => Some(tables::SentEvents::from_reader(
            stdin,
            union,
            globals.validate,
        )),
        _ => None,
    };
    if op.events.is_some() || sent.is_some() {
        return stream_events(&*service, index, op, input, sent, &globals, out);
    }
    let output = match (&op.pagination, paging) {
        (Some(pagination), Some(paging)) => {
            block_on(paginate(&*service, index, pagination, input, paging))?
        }
        _ => block_on(service.call(index, Value::Object(input)))?,
    }
    .map_err(|e| call_failure(op, e))?;
    let mut output = output;
    if let Some(member) = op.outfile
        && let Some(path) = sub.get_one::<String>("outfile")
    {
        output::write_outfile(&mut output, member, std::path::Path::new(path))?;
    }
    print_output(&output, op, globals.query.as_deref(), &globals, out)
}

/// Prints an operation's output as `--output` says, `query` applied, without an output event
/// stream's member (its events were printed as they came); as the AWS CLI, an empty result
/// prints nothing.
fn print_output(
    output: &Value,
    op: &Operation,
    query: Option<&str>,
    globals: &args::Globals,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let output = present(output, op.output);
    let mut output = match query {
        Some(query) => apply_query(query, &output).map_err(usage)?,
        None => output,
    };
    if let (Some((member, _)), Some(object)) = (op.events, output.as_object_mut()) {
        object.remove(member);
    }
    if output.as_object().is_some_and(Map::is_empty) {
        return Ok(());
    }
    let text = format_output(&output, &globals.output, op.name)?;
    let _ = write!(out, "{text}");
    Ok(())
}

/// Calls an operation with an event stream: an output stream's events are printed as they
/// arrive (as `--output` says: one JSON document per line for `json`; `--query` applies to
/// each event), then the rest of the output, if it has more members; an input stream read from
/// standard input (`sent`) is sent as it is read.
fn stream_events(
    service: &dyn tables::Service,
    index: usize,
    op: &Operation,
    input: Map<String, Value>,
    sent: Option<tables::SentEvents>,
    globals: &args::Globals,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut print = |event: Value| -> Result<(), CallError> {
        let Some((_, schema)) = op.events else {
            return Err(CallError::Other(format!(
                "{} does not stream events back",
                op.name
            )));
        };
        let event = present(&event, schema);
        let event = match &globals.query {
            Some(query) => apply_query(query, &event).map_err(CallError::Other)?,
            None => event,
        };
        let text = match globals.output.as_str() {
            "json" => format!("{event}\n"),
            format => {
                format_output(&event, format, op.name).map_err(|f| CallError::Other(f.message))?
            }
        };
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| CallError::Other(format!("writing an event failed: {e}")))
    };
    let output = block_on(service.call_streaming(index, Value::Object(input), sent, &mut print))?
        .map_err(|e| call_failure(op, e))?;
    // With an output stream, the query applied to each event; the rest is printed as it is.
    let query = globals.query.as_deref().filter(|_| op.events.is_none());
    print_output(&output, op, query, globals, out)
}

/// Runs a future to completion on a runtime of its own.
fn block_on<T>(future: impl std::future::Future<Output = T>) -> Result<T, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure {
            code: EXIT_OTHER,
            message: format!("cannot start the async runtime: {e}"),
        })?;
    Ok(runtime.block_on(future))
}

fn call_failure(op: &Operation, error: CallError) -> Failure {
    match error {
        CallError::Input(path, message) => usage(member_message(op, &path, &message)),
        CallError::Validation(violations) => usage(
            violations
                .iter()
                .map(|(path, message)| member_message(op, path, message))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        CallError::Config(message) => Failure {
            code: EXIT_CONFIG,
            message,
        },
        CallError::Service { code, message } => Failure {
            code: EXIT_SERVICE,
            message: format!(
                "\nAn error occurred ({code}) when calling the {} operation: {message}",
                op.name
            ),
        },
        CallError::Other(message) => Failure {
            code: EXIT_OTHER,
            message,
        },
    }
}

/// `Settings.OutputConfig.S3Bucket` + message → `--settings: OutputConfig.S3Bucket: message`.
fn member_message(op: &Operation, path: &str, message: &str) -> String {
    let split = path.find(['.', '[']).unwrap_or(path.len());
    let (member, rest) = path.split_at(split);
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    let flag = op
        .input
        .iter()
        .position(|m| m.name == member)
        .map_or_else(|| member.to_string(), |i| format!("--{}", op.flags[i]));
    if rest.is_empty() {
        format!("{flag}: {message}")
    } else {
        format!("{flag}: {rest}: {message}")
    }
}

#[cfg(test)]
mod tests {
    //! The shapes and programs the submodules' tests share, and the engine's own tests.

    use super::super::transport::BoxFuture;
    use super::super::waiter::{Acceptor, Matcher, State};
    use super::tables::{Member, Pagination, Schema, Service, Waiter};
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    static LEAF: [Member; 3] = [
        Member {
            name: "Bucket",
            json: "Bucket",
            schema: &Schema::String,
            required: true,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "Limit",
            json: "Limit",
            schema: &Schema::Integer,
            required: false,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "Secret",
            json: "Secret",
            schema: &Schema::String,
            required: false,
            sensitive: true,
            docs: "",
        },
    ];
    pub(super) static LEAF_SCHEMA: Schema = Schema::Structure(&LEAF);
    static ROOT: [Member; 7] = [
        Member {
            name: "Config",
            json: "Config",
            schema: &LEAF_SCHEMA,
            required: false,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "Names",
            json: "Names",
            schema: &Schema::List(&Schema::String),
            required: false,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "Tags",
            json: "Tags",
            schema: &Schema::Map(&Schema::String),
            required: false,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "Enabled",
            json: "Enabled",
            schema: &Schema::Boolean,
            required: false,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "Score",
            json: "Score",
            schema: &Schema::Float,
            required: false,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "At",
            json: "At",
            schema: &Schema::Timestamp,
            required: false,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "Self",
            json: "Self",
            schema: &ROOT_SCHEMA,
            required: false,
            sensitive: false,
            docs: "",
        },
    ];
    pub(super) static ROOT_SCHEMA: Schema = Schema::Structure(&ROOT);

    static ECHO_INPUT: [Member; 5] = [
        Member {
            name: "Enabled",
            json: "Enabled",
            schema: &Schema::Boolean,
            required: false,
            sensitive: false,
            docs: "Turns it on.",
        },
        Member {
            name: "Names",
            json: "Names",
            schema: &Schema::List(&Schema::String),
            required: false,
            sensitive: false,
            docs: "Some names.",
        },
        Member {
            name: "Tags",
            json: "Tags",
            schema: &Schema::Map(&Schema::String),
            required: false,
            sensitive: false,
            docs: "Labels.",
        },
        Member {
            name: "Config",
            json: "Config",
            schema: &LEAF_SCHEMA,
            required: false,
            sensitive: false,
            docs: "The configuration.",
        },
        Member {
            name: "Id",
            json: "Id",
            schema: &Schema::String,
            required: true,
            sensitive: false,
            docs: "Which one. Must be given.",
        },
    ];
    static ECHO_OUTPUT: Schema = Schema::Structure(&ECHO_INPUT);
    static ECHO: Program = Program {
        name: "echo-cli",
        about: "Echoes its input.",
        operations: &[Operation {
            name: "Echo",
            command: "echo",
            docs: "Sends the input back.",
            input: &ECHO_INPUT,
            flags: &["enabled", "names", "tags", "config", "id"],
            output: &ECHO_OUTPUT,
            pagination: None,
            outfile: None,
            events: None,
            input_events: None,
        }],
        waiters: &[],
        connect: |_| Ok(Box::new(Echo)),
    };

    /// Answers with the input document, without any network.
    struct Echo;

    impl Service for Echo {
        fn call(&self, _index: usize, input: Value) -> BoxFuture<'_, Result<Value, CallError>> {
            Box::pin(async move {
                match input.get("Id").and_then(Value::as_str) {
                    Some("fail") => Err(CallError::Service {
                        code: "NotFound".into(),
                        message: "no such thing".into(),
                    }),
                    _ => Ok(input),
                }
            })
        }
    }

    /// Runs the echo program: (exit status, stdout, stderr).
    pub(super) fn echo_run(args: &[&str]) -> (i32, String, String) {
        let mut all = vec![
            "echo-cli",
            "--region",
            "us-east-1",
            "--no-sign-request",
            "echo",
        ];
        all.extend_from_slice(args);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(&ECHO, all, &mut out, &mut err);
        (
            code,
            String::from_utf8_lossy(&out).into_owned(),
            String::from_utf8_lossy(&err).into_owned(),
        )
    }

    pub(super) fn echoed(args: &[&str]) -> Value {
        let (code, out, err) = echo_run(args);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&out).expect("json")
    }

    static SPEAK_INPUT: [Member; 0] = [];
    static SPEAK_OUTPUT_MEMBERS: [Member; 2] = [
        Member {
            name: "Audio",
            json: "Audio",
            schema: &Schema::Blob,
            required: false,
            sensitive: false,
            docs: "The audio stream.",
        },
        Member {
            name: "ContentType",
            json: "ContentType",
            schema: &Schema::String,
            required: false,
            sensitive: false,
            docs: "Its type.",
        },
    ];
    static SPEAK_OUTPUT: Schema = Schema::Structure(&SPEAK_OUTPUT_MEMBERS);
    static SPEAK: Program = Program {
        name: "speak-cli",
        about: "Speaks.",
        operations: &[Operation {
            name: "Speak",
            command: "speak",
            docs: "Returns audio.",
            input: &SPEAK_INPUT,
            flags: &[],
            output: &SPEAK_OUTPUT,
            pagination: None,
            outfile: Some("Audio"),
            events: None,
            input_events: None,
        }],
        waiters: &[],
        connect: |_| Ok(Box::new(Speaker)),
    };

    /// Answers with `hello` as the audio payload.
    struct Speaker;

    impl Service for Speaker {
        fn call(&self, _index: usize, _input: Value) -> BoxFuture<'_, Result<Value, CallError>> {
            Box::pin(async {
                Ok(serde_json::json!({"Audio": "aGVsbG8=", "ContentType": "audio/mpeg"}))
            })
        }
    }

    #[test]
    fn a_streaming_output_payload_is_written_to_the_outfile_argument() {
        let dir = std::env::temp_dir().join(format!("outfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("speech.mp3");
        let speak = |extra: &[&str]| {
            let mut args = vec![
                "speak-cli",
                "--region",
                "us-east-1",
                "--no-sign-request",
                "speak",
            ];
            args.extend_from_slice(extra);
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let code = run(&SPEAK, args, &mut out, &mut err);
            (
                code,
                String::from_utf8_lossy(&out).into_owned(),
                String::from_utf8_lossy(&err).into_owned(),
            )
        };
        let (code, out, err) = speak(&[path.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"hello");
        let printed: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            printed,
            serde_json::json!({"ContentType": "audio/mpeg"}),
            "the rest is printed"
        );
        // Like the AWS CLI, the file is required.
        let (code, _, err) = speak(&[]);
        assert_eq!(code, EXIT_USAGE);
        assert!(err.contains("OUTFILE"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    static TICK_MEMBERS: [Member; 1] = [Member {
        name: "N",
        json: "N",
        schema: &Schema::Integer,
        required: false,
        sensitive: false,
        docs: "",
    }];
    static TICK: Schema = Schema::Structure(&TICK_MEMBERS);
    static TICK_EVENTS_MEMBERS: [Member; 1] = [Member {
        name: "tick",
        json: "tick",
        schema: &TICK,
        required: false,
        sensitive: false,
        docs: "",
    }];
    static TICK_EVENTS: Schema = Schema::Union(&TICK_EVENTS_MEMBERS);
    static WATCH_OUTPUT_MEMBERS: [Member; 2] = [
        Member {
            name: "Events",
            json: "Events",
            schema: &Schema::List(&TICK_EVENTS),
            required: false,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "Session",
            json: "Session",
            schema: &Schema::String,
            required: false,
            sensitive: false,
            docs: "",
        },
    ];
    static WATCH_OUTPUT: Schema = Schema::Structure(&WATCH_OUTPUT_MEMBERS);
    static WATCH: Program = Program {
        name: "watch-cli",
        about: "Watches.",
        operations: &[Operation {
            name: "Watch",
            command: "watch",
            docs: "Streams ticks.",
            input: &[],
            flags: &[],
            output: &WATCH_OUTPUT,
            pagination: None,
            outfile: None,
            events: Some(("Events", &TICK_EVENTS)),
            input_events: None,
        }],
        waiters: &[],
        connect: |_| Ok(Box::new(Ticker)),
    };

    /// Streams two ticks, then ends with the output's other member.
    struct Ticker;

    impl Service for Ticker {
        fn call(&self, _index: usize, _input: Value) -> BoxFuture<'_, Result<Value, CallError>> {
            Box::pin(async { Err(CallError::Other("streamed only".into())) })
        }

        fn call_streaming<'a>(
            &'a self,
            _index: usize,
            _input: Value,
            _sent: Option<tables::SentEvents>,
            events: tables::EventSink<'a>,
        ) -> tables::LocalBoxFuture<'a, Result<Value, CallError>> {
            Box::pin(async move {
                events(json!({"tick": {"N": 1}}))?;
                events(json!({"tick": {"N": 2}}))?;
                Ok(json!({"Events": null, "Session": "s-1"}))
            })
        }
    }

    fn watch(extra: &[&str]) -> (i32, String, String) {
        let mut args = vec![
            "watch-cli",
            "--region",
            "us-east-1",
            "--no-sign-request",
            "watch",
        ];
        args.extend_from_slice(extra);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(&WATCH, args, &mut out, &mut err);
        (
            code,
            String::from_utf8_lossy(&out).into_owned(),
            String::from_utf8_lossy(&err).into_owned(),
        )
    }

    #[test]
    fn output_events_print_one_json_document_per_line_then_the_rest_of_the_output() {
        let (code, out, err) = watch(&[]);
        assert_eq!(code, 0, "{err}");
        let mut lines = out.lines();
        assert_eq!(lines.next(), Some(r#"{"tick":{"N":1}}"#));
        assert_eq!(lines.next(), Some(r#"{"tick":{"N":2}}"#));
        let rest: Value = serde_json::from_str(&lines.collect::<Vec<_>>().join("\n")).unwrap();
        assert_eq!(rest, json!({"Session": "s-1"}));

        // `--query` applies to each event.
        let (code, out, err) = watch(&["--query", "tick.N"]);
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("1\n2\n"), "{out}");
    }

    #[test]
    fn service_errors_are_printed_like_the_aws_cli() {
        let (code, out, err) = echo_run(&["--id", "fail"]);
        assert_eq!(code, EXIT_SERVICE);
        assert_eq!(out, "");
        assert_eq!(
            err,
            "\nAn error occurred (NotFound) when calling the Echo operation: no such thing\n"
        );
    }

    // A paginated listing and a waiter, answered without any network.
    static PAGED_INPUT: [Member; 3] = [
        Member::new("NextToken", &Schema::String),
        Member::new("MaxResults", &Schema::Integer),
        Member::new("Prefix", &Schema::String),
    ];
    static LIST_ALL_INPUT: [Member; 1] = [Member::new("NextToken", &Schema::String)];
    static PAGED_OUTPUT_MEMBERS: [Member; 3] = [
        Member::new("Things", &Schema::List(&Schema::String)),
        Member::new("NextToken", &Schema::String),
        Member::new("PageSize", &Schema::Integer),
    ];
    static PAGED_OUTPUT: Schema = Schema::Structure(&PAGED_OUTPUT_MEMBERS);
    static DESCRIBE_INPUT: [Member; 1] = [Member::new("Name", &Schema::String).required()];
    static DESCRIBE_OUTPUT_MEMBERS: [Member; 1] = [Member::new("Status", &Schema::String)];
    static DESCRIBE_OUTPUT: Schema = Schema::Structure(&DESCRIBE_OUTPUT_MEMBERS);
    static READY: [Acceptor; 3] = [
        Acceptor {
            state: State::Success,
            matcher: Matcher::Output {
                path: "Status",
                search: super::super::waiter::field_path,
                expected: "READY",
                comparator: super::super::waiter::Comparator::StringEquals,
            },
        },
        Acceptor {
            state: State::Failure,
            matcher: Matcher::Output {
                path: "Status",
                search: super::super::waiter::field_path,
                expected: "BROKEN",
                comparator: super::super::waiter::Comparator::StringEquals,
            },
        },
        Acceptor {
            state: State::Retry,
            matcher: Matcher::ErrorType("NotFound"),
        },
    ];
    pub(super) static PAGED: Program = Program {
        name: "paged-cli",
        about: "Pages and waits.",
        operations: &[
            Operation {
                name: "ListThings",
                command: "list-things",
                docs: "Lists things.",
                input: &PAGED_INPUT,
                flags: &["next-token", "max-results", "prefix"],
                output: &PAGED_OUTPUT,
                pagination: Some(Pagination {
                    input_token: "NextToken",
                    output_token: &["NextToken"],
                    page_size: Some("MaxResults"),
                    items: &["Things"],
                }),
                outfile: None,
                events: None,
                input_events: None,
            },
            Operation {
                name: "ListAll",
                command: "list-all",
                docs: "Lists things without a page size.",
                input: &LIST_ALL_INPUT,
                flags: &["next-token"],
                output: &PAGED_OUTPUT,
                pagination: Some(Pagination {
                    input_token: "NextToken",
                    output_token: &["NextToken"],
                    page_size: None,
                    items: &["Things"],
                }),
                outfile: None,
                events: None,
                input_events: None,
            },
            Operation {
                name: "DescribeThing",
                command: "describe-thing",
                docs: "Describes a thing.",
                input: &DESCRIBE_INPUT,
                flags: &["name"],
                output: &DESCRIBE_OUTPUT,
                pagination: None,
                outfile: None,
                events: None,
                input_events: None,
            },
        ],
        waiters: &[Waiter {
            name: "ThingReady",
            command: "thing-ready",
            docs: "Waits until the thing is ready.",
            operation: 2,
            min_delay: 2,
            max_delay: 10,
            acceptors: &READY,
        }],
        connect: |_| Ok(Box::new(Pages)),
    };

    thread_local! {
        /// The polls of each thing so far.
        pub(super) static POLLS: std::cell::RefCell<BTreeMap<String, usize>> = Default::default();
    }

    /// Three pages of things (`a`-`c`, `d`-`f`, `g`), and things whose status is scripted by
    /// their name: `slow` is ready on the third poll, `broken` is broken, `never` never ready,
    /// `late` not found once, then ready.
    pub(super) struct Pages;

    impl Service for Pages {
        fn call(&self, index: usize, input: Value) -> BoxFuture<'_, Result<Value, CallError>> {
            Box::pin(async move {
                if index < 2 {
                    let (things, next) = match input.get("NextToken").and_then(Value::as_str) {
                        None => (json!(["a", "b", "c"]), json!("t2")),
                        Some("t2") => (json!(["d", "e", "f"]), json!("t3")),
                        Some("t3") => (json!(["g"]), json!("")),
                        Some("loop") => (json!(["x"]), json!("loop")),
                        Some(other) => {
                            return Err(CallError::Service {
                                code: "InvalidToken".into(),
                                message: format!("bad token {other}"),
                            });
                        }
                    };
                    let size = input.get("MaxResults").cloned().unwrap_or(json!(0));
                    return Ok(json!({"Things": things, "NextToken": next, "PageSize": size}));
                }
                let name = input["Name"].as_str().unwrap_or_default().to_string();
                let poll = POLLS.with(|polls| {
                    let mut polls = polls.borrow_mut();
                    let count = polls.entry(name.clone()).or_default();
                    *count += 1;
                    *count
                });
                let status = match (name.as_str(), poll) {
                    ("slow", 1 | 2) | ("never", _) => "PENDING",
                    ("broken", _) => "BROKEN",
                    ("late", 1) => {
                        return Err(CallError::Service {
                            code: "NotFound".into(),
                            message: "not yet".into(),
                        });
                    }
                    ("denied", _) => {
                        return Err(CallError::Service {
                            code: "AccessDenied".into(),
                            message: "no".into(),
                        });
                    }
                    _ => "READY",
                };
                Ok(json!({ "Status": status }))
            })
        }
    }

    pub(super) fn paged_run(args: &[&str]) -> (i32, String, String) {
        let mut all = vec!["paged-cli", "--region", "us-east-1", "--no-sign-request"];
        all.extend_from_slice(args);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(&PAGED, all, &mut out, &mut err);
        (
            code,
            String::from_utf8_lossy(&out).into_owned(),
            String::from_utf8_lossy(&err).into_owned(),
        )
    }

    pub(super) fn paged(args: &[&str]) -> Value {
        let (code, out, err) = paged_run(args);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&out).expect("json")
    }
}
