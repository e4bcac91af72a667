//! The command-line client's engine (cargo feature `cli`): the generated `cli` module describes
//! the operations and their shapes as static tables ([`Program`]); this module turns them into
//! `clap` subcommands, reads flags (JSON, shorthand syntax, `file://`), `--cli-input-json` /
//! `--cli-input-yaml` and `--generate-cli-skeleton`, builds the client configuration from the
//! global options, and prints results as JSON, YAML, text or a table after `--query`.
//!
//! As the AWS CLI does, it fetches every page of a paginated operation and merges their items
//! (`--starting-token`, `--page-size`, `--max-items`, `--no-paginate`), and offers each waiter
//! of the model as `wait <waiter-name>`.

use std::ffi::OsString;
use std::io::Write;

use clap::{Arg, ArgAction, Command};
use serde_json::{Map, Value};

use super::waiter::{Matcher, State};

// `round_trip`, for the generated `cli` module's tests.
pub(crate) mod arbitrary;
mod args;
mod client;
mod coerce;
// For the fuzz targets (`to_json`).
pub(crate) mod output;
mod paging;
// For the fuzz targets.
pub(crate) mod shorthand;
mod skeleton;
// The types the generated `cli` module describes the program with.
pub(crate) mod tables;
mod wait;

use args::{globals, input_document};
use client::config;
use output::{apply_query, format_output, present};
use paging::{paginate, paging};
use skeleton::skeleton_printed;
use tables::{CallError, Operation, Pagination, Program, Schema, Waiter};
use wait::{MAX_WAIT, wait, wait_command};

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
    match run_inner(program, args, out) {
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
        let input = Value::Object(input_document(op, sub, globals.validate)?);
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
    let input = input_document(op, sub, globals.validate)?;
    let service = (program.connect)(config(&globals, op)?).map_err(|e| call_failure(op, e))?;
    let output = match (&op.pagination, paging) {
        (Some(pagination), Some(paging)) => {
            block_on(paginate(&*service, index, pagination, input, paging))?
        }
        _ => block_on(service.call(index, Value::Object(input)))?,
    }
    .map_err(|e| call_failure(op, e))?;
    let output = present(&output, op.output);
    let output = match &globals.query {
        Some(query) => apply_query(query, &output).map_err(usage)?,
        None => output,
    };
    // As the AWS CLI: an empty result prints nothing.
    if output.as_object().is_some_and(Map::is_empty) {
        return Ok(());
    }
    let text = format_output(&output, &globals.output, op.name)?;
    let _ = write!(out, "{text}");
    Ok(())
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

const OUTPUTS: [&str; 4] = ["json", "yaml", "text", "table"];

/// The `clap` command: global options and one subcommand per operation.
pub fn command(program: &Program) -> Command {
    let globals = [
        Arg::new("region")
            .long("region")
            .value_name("REGION")
            .help("The AWS Region to send the request to"),
        Arg::new("profile")
            .long("profile")
            .value_name("NAME")
            .help("A named profile from the AWS config and credentials files"),
        Arg::new("endpoint-url")
            .long("endpoint-url")
            .value_name("URL")
            .help("Send requests to this URL instead of the service's regional endpoint"),
        Arg::new("output")
            .long("output")
            .value_name("FORMAT")
            .value_parser(OUTPUTS)
            .help("How to print the response: json (default), yaml, text or table"),
        Arg::new("query")
            .long("query")
            .value_name("JMESPATH")
            .help("A JMESPath expression applied to the response before printing"),
        Arg::new("cli-read-timeout")
            .long("cli-read-timeout")
            .value_name("SECONDS")
            .help("Maximum time to wait for a response, in seconds (0: no limit)"),
        Arg::new("cli-connect-timeout")
            .long("cli-connect-timeout")
            .value_name("SECONDS")
            .help("Maximum time to open a connection, in seconds (0: no limit)"),
        Arg::new("ca-bundle")
            .long("ca-bundle")
            .value_name("PATH")
            .help("A PEM file of extra certificate authorities to trust for TLS"),
        Arg::new("no-sign-request")
            .long("no-sign-request")
            .action(ArgAction::SetTrue)
            .help("Send the request unsigned, without loading credentials"),
        Arg::new("debug")
            .long("debug")
            .action(ArgAction::SetTrue)
            .help("Log each HTTP request and response to stderr (credentials and sensitive members redacted)"),
        Arg::new("no-validate")
            .long("no-validate")
            .action(ArgAction::SetTrue)
            .help("Skip the client-side checks of the model's constraints"),
        Arg::new("no-cli-pager")
            .long("no-cli-pager")
            .action(ArgAction::SetTrue)
            .help("Accepted for compatibility: output is never paged"),
    ];
    Command::new(program.name)
        .about(program.about)
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(
            globals
                .into_iter()
                .map(|arg| arg.global(true).help_heading("Global options")),
        )
        .subcommands(program.operations.iter().map(subcommand))
        .subcommands(waiters_command(program))
}

fn subcommand(op: &Operation) -> Command {
    let about = first_sentence(op.docs);
    let mut after_help = format!(
        "Structure and list values take JSON, shorthand syntax (Key=Value,Other={{Nested=1}}) or file://PATH. Calls the {} operation.",
        op.name
    );
    if op.pagination.is_some() {
        after_help.push_str(
            " A paginated operation: every page is fetched and their items merged, unless --no-paginate.",
        );
    }
    let command = Command::new(op.command)
        .about(about)
        .long_about(op.docs)
        .after_help(after_help);
    let command = input_args(command, op, op.pagination.as_ref());
    match &op.pagination {
        Some(pagination) => paging_args(command, pagination),
        None => command,
    }
}

/// `wait` and one subcommand per waiter, taking its operation's input flags.
fn waiters_command(program: &Program) -> Option<Command> {
    if program.waiters.is_empty() {
        return None;
    }
    let waiters = program.waiters.iter().map(|waiter| {
        let op = &program.operations[waiter.operation];
        let about = if waiter.docs.is_empty() {
            success_condition(waiter, op)
        } else {
            first_sentence(waiter.docs)
        };
        let long_about = format!(
            "{}\n\nPolls {} every {}-{} s until a success state (exit status 0, nothing printed), a failure state or an unexpected error (exit status 255), for at most {} s.",
            if waiter.docs.is_empty() { about.as_str() } else { waiter.docs },
            op.command,
            waiter.min_delay,
            waiter.max_delay,
            MAX_WAIT.as_secs()
        );
        input_args(
            Command::new(waiter.command)
                .about(about)
                .long_about(long_about),
            op,
            None,
        )
    });
    Some(
        Command::new(wait_command(program))
            .about("Wait until a condition of a resource is satisfied (one subcommand per waiter)")
            .subcommand_required(true)
            .subcommands(waiters),
    )
}

/// What a waiter without documentation waits for, from its first success acceptor, in the
/// AWS CLI's words.
fn success_condition(waiter: &Waiter, op: &Operation) -> String {
    let success = waiter.acceptors.iter().find(|a| a.state == State::Success);
    let until = match success.map(|a| &a.matcher) {
        Some(
            Matcher::Output { path, expected, .. } | Matcher::InputOutput { path, expected, .. },
        ) => {
            format!("JMESPath query {path} returns {expected}")
        }
        Some(Matcher::ErrorType(code)) => format!("{code} is thrown"),
        Some(Matcher::Success(true)) => "the call succeeds".to_string(),
        Some(Matcher::Success(false)) => "the call fails".to_string(),
        None => "a success state is reached".to_string(),
    };
    format!("Wait until {until} when polling with {}", op.command)
}

/// The AWS CLI's pagination flags.
fn paging_args(command: Command, pagination: &Pagination) -> Command {
    let mut command = command
        .arg(
            Arg::new("starting-token")
                .long("starting-token")
                .allow_negative_numbers(true)
                .value_name("TOKEN")
                .help_heading("Pagination")
                .help("Where to start: the NextToken a previous, truncated listing printed"),
        )
        .arg(
            Arg::new("max-items")
                .long("max-items")
                .allow_negative_numbers(true)
                .value_name("INTEGER")
                .help_heading("Pagination")
                .help("The most items to print; a NextToken to resume from is printed when there are more"),
        );
    if pagination.page_size.is_some() {
        command = command.arg(
            Arg::new("page-size")
                .long("page-size")
                .allow_negative_numbers(true)
                .value_name("INTEGER")
                .help_heading("Pagination")
                .help(
                    "The number of items each call asks the service for (not the number printed)",
                ),
        );
    }
    command.arg(
        Arg::new("no-paginate")
            .long("no-paginate")
            .action(ArgAction::SetTrue)
            .help_heading("Pagination")
            .help("Make one call and print its page as the service returns it"),
    )
}

/// The input members' flags (those of `pagination`'s token and page size hidden: the
/// pagination flags stand for them), `--cli-input-json`/`-yaml` and `--generate-cli-skeleton`.
fn input_args(mut command: Command, op: &Operation, pagination: Option<&Pagination>) -> Command {
    let hidden =
        |name: &str| pagination.is_some_and(|p| p.input_token == name || p.page_size == Some(name));
    for (member, flag) in op.input.iter().zip(op.flags) {
        let required = if member.required { "[required] " } else { "" };
        let help = format!("{required}{}", first_sentence(member.docs));
        let long_help = format!("{required}{}", member.docs);
        let (value_name, many) = match member.schema {
            Schema::Structure(_) | Schema::Union(_) | Schema::Map(_) => ("JSON|SHORTHAND", false),
            Schema::List(_) => ("VALUE", true),
            Schema::Integer => ("INTEGER", false),
            Schema::Float => ("NUMBER", false),
            Schema::Timestamp | Schema::TimestampText | Schema::HttpDate => ("TIMESTAMP", false),
            Schema::Enum(_) => ("ENUM", false),
            _ => ("STRING", false),
        };
        if matches!(member.schema, Schema::Boolean) {
            command = command
                .arg(
                    Arg::new(member.name)
                        .long(*flag)
                        .action(ArgAction::SetTrue)
                        .help(help)
                        .long_help(long_help),
                )
                .arg(
                    Arg::new(format!("no-{flag}"))
                        .long(format!("no-{flag}"))
                        .action(ArgAction::SetTrue)
                        .conflicts_with(member.name)
                        .help(format!("Sets {} to false", member.name)),
                );
            continue;
        }
        let mut arg = Arg::new(member.name)
            .long(*flag)
            .value_name(value_name)
            .help(help)
            .long_help(long_help)
            .hide(hidden(member.name))
            // `--max-labels -1` is a value (for the service or validation to judge), not a flag.
            .allow_negative_numbers(true);
        if let Schema::Enum(values) = member.schema {
            arg = arg.long_help(format!(
                "{required}{}\n\nValues: {}",
                member.docs,
                values.join(", ")
            ));
        }
        if many {
            arg = arg.num_args(1..).action(ArgAction::Append);
        }
        command = command.arg(arg);
    }
    command
        .arg(
            Arg::new("cli-input-json")
                .long("cli-input-json")
                .value_name("JSON")
                .conflicts_with("cli-input-yaml")
                .help("Read the input from this JSON (or file://PATH); flags override its members"),
        )
        .arg(
            Arg::new("cli-input-yaml")
                .long("cli-input-yaml")
                .value_name("YAML")
                .help("Read the input from this YAML (or file://PATH); flags override its members"),
        )
        .arg(
            Arg::new("generate-cli-skeleton")
                .long("generate-cli-skeleton")
                .value_name("KIND")
                .num_args(0..=1)
                .default_missing_value("input")
                .value_parser(["input", "output", "yaml-input"])
                .help("Print a template of the input (JSON or YAML) or output, and send nothing"),
        )
}

fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    match line.find(". ") {
        Some(end) => line[..=end].to_string(),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    //! The shapes and programs the submodules' tests share, and the engine's own tests.

    use super::super::transport::BoxFuture;
    use super::super::waiter::Acceptor;
    use super::tables::{Member, Service};
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    static LEAF: [Member; 3] = [
        Member {
            name: "Bucket",
            schema: &Schema::String,
            required: true,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "Limit",
            schema: &Schema::Integer,
            required: false,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "Secret",
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
            schema: &LEAF_SCHEMA,
            required: false,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "Names",
            schema: &Schema::List(&Schema::String),
            required: false,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "Tags",
            schema: &Schema::Map(&Schema::String),
            required: false,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "Enabled",
            schema: &Schema::Boolean,
            required: false,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "Score",
            schema: &Schema::Float,
            required: false,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "At",
            schema: &Schema::Timestamp,
            required: false,
            sensitive: false,
            docs: "",
        },
        Member {
            name: "Self",
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
            schema: &Schema::Boolean,
            required: false,
            sensitive: false,
            docs: "Turns it on.",
        },
        Member {
            name: "Names",
            schema: &Schema::List(&Schema::String),
            required: false,
            sensitive: false,
            docs: "Some names.",
        },
        Member {
            name: "Tags",
            schema: &Schema::Map(&Schema::String),
            required: false,
            sensitive: false,
            docs: "Labels.",
        },
        Member {
            name: "Config",
            schema: &LEAF_SCHEMA,
            required: false,
            sensitive: false,
            docs: "The configuration.",
        },
        Member {
            name: "Id",
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

    #[test]
    fn boolean_members_have_a_flag_and_a_negated_flag() {
        assert_eq!(echoed(&["--id", "x", "--enabled"])["Enabled"], json!(true));
        assert_eq!(
            echoed(&["--id", "x", "--no-enabled"])["Enabled"],
            json!(false)
        );
        assert_eq!(echoed(&["--id", "x"]).get("Enabled"), None);
        let (code, _, err) = echo_run(&["--id", "x", "--enabled", "--no-enabled"]);
        assert_eq!(code, EXIT_USAGE);
        assert!(err.contains("cannot be used with"), "{err}");
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

    #[test]
    fn help_lists_flags_with_required_markers_and_model_docs() {
        let (code, out, _) = echo_run(&["--help"]);
        assert_eq!(code, 0);
        assert!(
            out.contains("--id <STRING>\n          [required] Which one. Must be given."),
            "{out}"
        );
        assert!(out.contains("--no-enabled"), "{out}");
        assert!(out.contains("Global options:"), "{out}");
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
                expected: "READY",
                comparator: super::super::waiter::Comparator::StringEquals,
            },
        },
        Acceptor {
            state: State::Failure,
            matcher: Matcher::Output {
                path: "Status",
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
            },
            Operation {
                name: "DescribeThing",
                command: "describe-thing",
                docs: "Describes a thing.",
                input: &DESCRIBE_INPUT,
                flags: &["name"],
                output: &DESCRIBE_OUTPUT,
                pagination: None,
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

    #[test]
    fn help_hides_the_token_and_page_size_members_behind_the_pagination_flags() {
        let (code, out, _) = paged_run(&["list-things", "--help"]);
        assert_eq!(code, 0);
        for flag in [
            "--starting-token",
            "--page-size",
            "--max-items",
            "--no-paginate",
            "--prefix",
        ] {
            assert!(out.contains(flag), "{flag} missing:\n{out}");
        }
        assert!(!out.contains("--next-token"), "{out}");
        assert!(!out.contains("--max-results"), "{out}");
        let (code, out, _) = paged_run(&["wait", "--help"]);
        assert_eq!(code, 0);
        assert!(out.contains("thing-ready"), "{out}");
        let (code, out, _) = paged_run(&["wait", "thing-ready", "--help"]);
        assert_eq!(code, 0);
        assert!(out.contains("--name <STRING>"), "{out}");
        assert!(out.contains("Polls describe-thing every 2-10 s"), "{out}");
    }

    #[test]
    fn negative_numbers_are_values_not_flags() {
        assert_eq!(
            paged(&["list-things", "--no-paginate", "--max-results", "-1"])["PageSize"],
            json!(-1)
        );
    }
}
