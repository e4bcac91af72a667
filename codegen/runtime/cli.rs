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
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::{Map, Value};

use super::waiter::{Backoff, Matcher, Outcome, State};

// `round_trip`, for the generated `cli` module's tests.
pub(crate) mod arbitrary;
mod args;
mod client;
mod coerce;
// For the fuzz targets (`to_json`).
pub(crate) mod output;
// For the fuzz targets.
pub(crate) mod shorthand;
mod skeleton;
// The types the generated `cli` module describes the program with.
pub(crate) mod tables;

use args::{globals, input_document};
use client::config;
use output::{apply_query, format_output, present};
use skeleton::skeleton_printed;
use tables::{CallError, Operation, Pagination, Program, Schema, Service, Waiter};

/// Exit status for a command line that could not be parsed or an input that is invalid.
pub const EXIT_USAGE: i32 = 252;
/// Exit status when the configuration (region, credentials, endpoint) is unusable.
pub const EXIT_CONFIG: i32 = 253;
/// Exit status when the service answered with an error.
pub const EXIT_SERVICE: i32 = 254;
/// Exit status for anything else (transport failures, malformed responses).
pub const EXIT_OTHER: i32 = 255;

/// How long a `wait` keeps polling before it gives up (the library's default `max_wait`).
pub const MAX_WAIT: Duration = Duration::from_secs(300);

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

/// The pagination options of one command line.
#[derive(Debug, Default)]
struct Paging {
    /// `--starting-token`, decoded: the input token and how many items of that page to skip.
    start: Option<(Value, usize)>,
    page_size: Option<u64>,
    max_items: Option<usize>,
}

/// How this command line pages: `None` for a single call (an operation that does not page,
/// `--no-paginate`, or its token member set by hand, as the AWS CLI does). The page-size member
/// set by hand is the page size, as `--page-size` is.
fn paging(op: &Operation, sub: &ArgMatches) -> Result<Option<Paging>, Failure> {
    let Some(pagination) = &op.pagination else {
        return Ok(None);
    };
    let given = |id: &str| sub.value_source(id) == Some(ValueSource::CommandLine);
    // (`--page-size` exists only where the operation has a page-size member: asking clap for
    // an argument it does not know panics in debug builds.)
    let flags = ["starting-token", "max-items"]
        .into_iter()
        .chain(pagination.page_size.map(|_| "page-size"));
    let paging_given: Vec<String> = flags
        .filter(|flag| given(flag))
        .map(|flag| format!("--{flag}"))
        .collect();
    // The token member set by hand: one call from that token, as the AWS CLI does.
    let manual =
        given(pagination.input_token).then(|| format!("--{}", flag_of(op, pagination.input_token)));
    if let Some(member) = pagination.page_size.filter(|member| given(member))
        && given("page-size")
    {
        return Err(usage(format!(
            "cannot specify --{} along with --page-size",
            flag_of(op, member)
        )));
    }
    if sub.get_flag("no-paginate") || manual.is_some() {
        if !paging_given.is_empty() {
            let why = manual.unwrap_or_else(|| "--no-paginate".to_string());
            return Err(usage(format!(
                "cannot specify {why} along with pagination arguments: {}",
                paging_given.join(", ")
            )));
        }
        return Ok(None);
    }
    let positive = |id: &str| -> Result<Option<u64>, Failure> {
        match sub.get_one::<String>(id) {
            None => Ok(None),
            Some(text) => match text.trim().parse::<u64>() {
                Ok(n) if n > 0 => Ok(Some(n)),
                _ => Err(usage(format!(
                    "--{id}: expected a positive integer, got {text:?}"
                ))),
            },
        }
    };
    let start = match sub.get_one::<String>("starting-token") {
        Some(text) => Some(
            decode_token(pagination, text).map_err(|e| usage(format!("--starting-token: {e}")))?,
        ),
        None => None,
    };
    Ok(Some(Paging {
        start,
        page_size: match pagination.page_size {
            Some(_) => positive("page-size")?,
            None => None,
        },
        max_items: positive("max-items")?.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
    }))
}

/// The flag of an input member.
fn flag_of<'a>(op: &'a Operation, member: &'a str) -> &'a str {
    op.input
        .iter()
        .position(|m| m.name == member)
        .map_or(member, |i| op.flags[i])
}

/// The key under which a skipped count travels in a resume token (botocore's name, so tokens
/// printed by the AWS CLI resume here and the other way round).
const TRUNCATE_KEY: &str = "boto_truncate_amount";

/// A resume token: base64 of `{"<InputToken>": token, "boto_truncate_amount": skip}`.
fn encode_token(pagination: &Pagination, token: &Value, skip: usize) -> String {
    use base64::Engine as _;
    let mut object = Map::new();
    if !token.is_null() {
        object.insert(pagination.input_token.to_string(), token.clone());
    }
    if skip > 0 {
        object.insert(TRUNCATE_KEY.to_string(), Value::from(skip));
    }
    base64::engine::general_purpose::STANDARD.encode(Value::Object(object).to_string())
}

/// A `--starting-token`: a resume token this CLI (or the AWS CLI) printed, or else the
/// service's own token as it is.
fn decode_token(pagination: &Pagination, text: &str) -> Result<(Value, usize), String> {
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    let Some(Value::Object(mut object)) = decoded else {
        return Ok((Value::String(text.to_string()), 0));
    };
    let skip = match object.remove(TRUNCATE_KEY) {
        None => 0,
        Some(n) => n
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| format!("{TRUNCATE_KEY} must be a non-negative integer"))?,
    };
    let token = object.remove(pagination.input_token).unwrap_or(Value::Null);
    Ok((token, skip))
}

/// The value at `path` (member names), if every step is there.
fn lookup<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |value, step| value.get(*step))
}

/// Sets (or, with `None`, removes) the value at `path`, creating the objects on the way.
fn place(value: &mut Value, path: &[&str], new: Option<Value>) {
    let Some((last, steps)) = path.split_last() else {
        return;
    };
    let mut current = value;
    for step in steps {
        let Value::Object(object) = current else {
            return;
        };
        if new.is_none() && !object.contains_key(*step) {
            return;
        }
        current = object
            .entry(step.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(object) = current {
        match new {
            Some(new) => {
                object.insert(last.to_string(), new);
            }
            None => {
                object.remove(*last);
            }
        }
    }
}

/// A next token that ends pagination: absent, null, or empty.
fn no_token(token: &Value) -> bool {
    match token {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// A page's items: a list or a map.
enum Items {
    List(Vec<Value>),
    Map(Map<String, Value>),
}

impl Items {
    fn of(value: Option<&Value>) -> Items {
        match value {
            Some(Value::Object(map)) => Items::Map(map.clone()),
            Some(Value::Array(items)) => Items::List(items.clone()),
            _ => Items::List(Vec::new()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Items::List(items) => items.len(),
            Items::Map(map) => map.len(),
        }
    }

    /// Keeps `count` items after the first `skip`.
    fn window(self, skip: usize, count: usize) -> Items {
        match self {
            Items::List(items) => Items::List(items.into_iter().skip(skip).take(count).collect()),
            Items::Map(map) => Items::Map(map.into_iter().skip(skip).take(count).collect()),
        }
    }

    fn append(&mut self, other: Items) {
        match (self, other) {
            (Items::List(items), Items::List(more)) => items.extend(more),
            (Items::Map(map), Items::Map(more)) => map.extend(more),
            // A page whose items have the other shape is empty (`of` maps anything else to
            // an empty list); an empty list merges into a map as nothing.
            (Items::Map(_), Items::List(_)) => {}
            (this @ Items::List(_), Items::Map(more)) => {
                if this.len() == 0 {
                    *this = Items::Map(more);
                }
            }
        }
    }

    fn into_value(self) -> Value {
        match self {
            Items::List(items) => Value::Array(items),
            Items::Map(map) => Value::Object(map),
        }
    }
}

/// Every page of a paginated operation, merged as the AWS CLI merges them: the items of all
/// pages at the items path, the other members as the first page has them, the service's token
/// left out, and a `NextToken` to resume from when `--max-items` stopped early.
async fn paginate(
    service: &dyn Service,
    index: usize,
    pagination: &Pagination,
    mut input: Map<String, Value>,
    paging: Paging,
) -> Result<Value, CallError> {
    let (mut sent, mut skip) = match paging.start {
        Some((token, skip)) => {
            match &token {
                Value::Null => input.remove(pagination.input_token),
                token => input.insert(pagination.input_token.to_string(), token.clone()),
            };
            (token, skip)
        }
        None => (
            input
                .get(pagination.input_token)
                .cloned()
                .unwrap_or(Value::Null),
            0,
        ),
    };
    if let (Some(size), Some(member)) = (paging.page_size, pagination.page_size) {
        input.insert(member.to_string(), Value::from(size));
    }
    let mut first: Option<Value> = None;
    let mut merged = Items::List(Vec::new());
    let mut count = 0usize;
    let mut resume: Option<(Value, usize)> = None;
    loop {
        let page = service.call(index, Value::Object(input.clone())).await?;
        let items = Items::of(lookup(&page, pagination.items));
        let available = items.len().saturating_sub(skip);
        let room = paging.max_items.map_or(usize::MAX, |max| max - count);
        let taken = available.min(room);
        merged.append(items.window(skip, taken));
        count += taken;
        let next = lookup(&page, pagination.output_token)
            .filter(|token| !no_token(token))
            .cloned();
        first.get_or_insert(page);
        if taken < available {
            // Stopped inside this page: resume from the same page, past what was printed.
            resume = Some((sent, skip + taken));
            break;
        }
        // A service that repeats its token would otherwise be called forever.
        let Some(next) = next.filter(|next| *next != sent) else {
            break;
        };
        if paging.max_items == Some(count) {
            resume = Some((next, 0));
            break;
        }
        input.insert(pagination.input_token.to_string(), next.clone());
        sent = next;
        skip = 0;
    }
    let mut result = first.unwrap_or_else(|| Value::Object(Map::new()));
    place(&mut result, pagination.output_token, None);
    if count > 0 || lookup(&result, pagination.items).is_some() {
        place(&mut result, pagination.items, Some(merged.into_value()));
    }
    if let (Some((token, skip)), Value::Object(object)) = (resume, &mut result) {
        object.insert(
            "NextToken".to_string(),
            Value::String(encode_token(pagination, &token, skip)),
        );
    }
    Ok(result)
}

/// The name of the waiters' subcommand: `wait`, unless an operation already has that name.
pub fn wait_command(program: &Program) -> String {
    let taken = |name: &str| program.operations.iter().any(|op| op.command == name);
    ["wait", "wait-until", "wait-for-state"]
        .into_iter()
        .map(str::to_string)
        .chain((2..).map(|n| format!("wait-{n}")))
        .find(|name| !taken(name))
        .unwrap_or_default()
}

/// Polls the waiter's operation until an acceptor reaches a terminal state, with Smithy's
/// waiter backoff between attempts; prints nothing on success, as the AWS CLI does.
async fn wait(
    service: &dyn Service,
    waiter: &Waiter,
    op: &Operation,
    input: Value,
    debug: bool,
) -> Result<(), Failure> {
    let failed = |detail: String| Failure {
        code: EXIT_OTHER,
        message: format!("Waiter {} failed: {detail}", waiter.name),
    };
    let start = tokio::time::Instant::now();
    let mut backoff = Backoff::new(
        Duration::from_secs(waiter.min_delay),
        Duration::from_secs(waiter.max_delay),
        MAX_WAIT,
    );
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let result = match service.call(waiter.operation, input.clone()).await {
            // Input, validation and configuration errors will not change by waiting.
            Err(e @ (CallError::Input(..) | CallError::Validation(_) | CallError::Config(_))) => {
                return Err(call_failure(op, e));
            }
            result => result,
        };
        let outcome = match &result {
            Ok(output) => Outcome::Output(output),
            Err(CallError::Service { code, .. }) => Outcome::Error(Some(code)),
            Err(_) => Outcome::Error(None),
        };
        let matched = super::waiter::first_match(waiter.acceptors, &input, &outcome);
        if debug {
            let state = match matched.map(|a| a.state) {
                Some(State::Success) => "success",
                Some(State::Failure) => "failure",
                Some(State::Retry) => "retry",
                None if result.is_err() => "error no acceptor expects",
                None => "no acceptor matched; retrying",
            };
            eprintln!(
                "DEBUG waiter {}: attempt {attempt} after {:.1} s: {state}",
                waiter.name,
                start.elapsed().as_secs_f64()
            );
        }
        match matched.map(|a| (a.state, &a.matcher)) {
            Some((State::Success, _)) => return Ok(()),
            Some((State::Failure, matcher)) => {
                return Err(failed(format!(
                    "Waiter encountered a terminal failure state: {}",
                    describe_match(matcher, &result)
                )));
            }
            Some((State::Retry, _)) => {}
            None => {
                if let Err(error) = &result {
                    return Err(failed(error_text(error)));
                }
            }
        }
        match backoff.next_delay(start.elapsed()) {
            Some(delay) => tokio::time::sleep(delay).await,
            None => return Err(failed("Max attempts exceeded".to_string())),
        }
    }
}

/// Why an acceptor matched, in the AWS CLI's words.
fn describe_match(matcher: &Matcher, result: &Result<Value, CallError>) -> String {
    match (matcher, result) {
        (
            Matcher::Output { path, expected, .. } | Matcher::InputOutput { path, expected, .. },
            _,
        ) => {
            format!("For expression \"{path}\" we matched expected path: \"{expected}\"")
        }
        (Matcher::ErrorType(code), _) => format!("Matched expected service error code: {code}"),
        (Matcher::Success(_), Err(error)) => error_text(error),
        (Matcher::Success(_), Ok(_)) => "the operation succeeded".to_string(),
    }
}

/// A failed poll, as a waiter reports it.
fn error_text(error: &CallError) -> String {
    match error {
        CallError::Service { code, message } => format!("An error occurred ({code}): {message}"),
        CallError::Input(path, message) => format!("{path}: {message}"),
        CallError::Validation(violations) => violations
            .iter()
            .map(|(path, message)| format!("{path}: {message}"))
            .collect::<Vec<_>>()
            .join("; "),
        CallError::Config(message) | CallError::Other(message) => message.clone(),
    }
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
    use super::tables::Member;
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
    static PAGED: Program = Program {
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
        static POLLS: std::cell::RefCell<BTreeMap<String, usize>> = Default::default();
    }

    /// Three pages of things (`a`-`c`, `d`-`f`, `g`), and things whose status is scripted by
    /// their name: `slow` is ready on the third poll, `broken` is broken, `never` never ready,
    /// `late` not found once, then ready.
    struct Pages;

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

    fn paged_run(args: &[&str]) -> (i32, String, String) {
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

    fn paged(args: &[&str]) -> Value {
        let (code, out, err) = paged_run(args);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&out).expect("json")
    }

    #[test]
    fn every_page_is_fetched_and_the_items_merged_with_the_first_pages_other_members() {
        assert_eq!(
            paged(&["list-things", "--page-size", "3"]),
            json!({"Things": ["a", "b", "c", "d", "e", "f", "g"], "PageSize": 3})
        );
    }

    #[test]
    fn max_items_stops_mid_page_with_a_token_that_resumes_after_the_last_item_printed() {
        let first = paged(&["list-things", "--max-items", "4"]);
        assert_eq!(first["Things"], json!(["a", "b", "c", "d"]));
        let token = first["NextToken"].as_str().expect("a resume token");
        let rest = paged(&["list-things", "--starting-token", token]);
        assert_eq!(rest, json!({"Things": ["e", "f", "g"], "PageSize": 0}));
        // Stopping at a page's end resumes at the next page.
        let first = paged(&["list-things", "--max-items", "3"]);
        let token = first["NextToken"].as_str().expect("a resume token");
        let rest = paged(&["list-things", "--starting-token", token, "--max-items", "3"]);
        assert_eq!(rest["Things"], json!(["d", "e", "f"]));
        // Exactly everything: nothing to resume.
        assert_eq!(
            paged(&["list-things", "--max-items", "7"]).get("NextToken"),
            None
        );
    }

    #[test]
    fn resume_tokens_are_botocores_and_a_service_token_is_taken_as_it_is() {
        use base64::Engine as _;
        let pagination = PAGED.operations[0].pagination.as_ref().expect("paged");
        let token = encode_token(pagination, &json!("t2"), 1);
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(&token)
            .expect("base64");
        assert_eq!(
            serde_json::from_slice::<Value>(&decoded).expect("json"),
            json!({"NextToken": "t2", "boto_truncate_amount": 1})
        );
        assert_eq!(decode_token(pagination, &token), Ok((json!("t2"), 1)));
        assert_eq!(decode_token(pagination, "t3"), Ok((json!("t3"), 0)));
        let rest = paged(&["list-things", "--starting-token", "t3"]);
        assert_eq!(rest["Things"], json!(["g"]));
        let bad = base64::engine::general_purpose::STANDARD
            .encode(r#"{"NextToken":"t2","boto_truncate_amount":-1}"#);
        let (code, _, err) = paged_run(&["list-things", "--starting-token", &bad]);
        assert_eq!(code, EXIT_USAGE);
        assert!(err.contains("boto_truncate_amount"), "{err}");
    }

    #[test]
    fn no_paginate_or_a_hand_set_token_makes_one_call_and_a_hand_set_page_size_pages() {
        assert_eq!(
            paged(&["list-things", "--no-paginate"]),
            json!({"Things": ["a", "b", "c"], "NextToken": "t2", "PageSize": 0})
        );
        assert_eq!(
            paged(&["list-things", "--next-token", "t2", "--max-results", "5"]),
            json!({"Things": ["d", "e", "f"], "NextToken": "t3", "PageSize": 5})
        );
        let (code, _, err) = paged_run(&["list-things", "--no-paginate", "--max-items", "2"]);
        assert_eq!(code, EXIT_USAGE);
        assert_eq!(
            err,
            "cannot specify --no-paginate along with pagination arguments: --max-items\n"
        );
        let (code, _, err) = paged_run(&["list-things", "--next-token", "t2", "--page-size", "1"]);
        assert_eq!(code, EXIT_USAGE);
        assert!(
            err.contains("--next-token along with pagination arguments: --page-size"),
            "{err}"
        );
        // The page-size member by hand is the page size (as DynamoDB's `scan --limit 5`).
        assert_eq!(
            paged(&["list-things", "--max-results", "2"]),
            json!({"Things": ["a", "b", "c", "d", "e", "f", "g"], "PageSize": 2})
        );
        let (code, _, err) = paged_run(&["list-things", "--max-results", "2", "--page-size", "3"]);
        assert_eq!(code, EXIT_USAGE);
        assert_eq!(err, "cannot specify --max-results along with --page-size\n");
        for bad in ["0", "-1", "x"] {
            let (code, _, err) = paged_run(&["list-things", "--max-items", bad]);
            assert_eq!(code, EXIT_USAGE, "{bad}");
            assert!(err.contains("expected a positive integer"), "{err}");
        }
    }

    #[test]
    fn an_operation_without_a_page_size_member_pages_without_page_size() {
        assert_eq!(
            paged(&["list-all", "--max-items", "5"])["Things"],
            json!(["a", "b", "c", "d", "e"])
        );
        let (code, _, err) = paged_run(&["list-all", "--page-size", "2"]);
        assert_eq!(code, EXIT_USAGE);
        assert!(err.contains("unexpected argument '--page-size'"), "{err}");
        assert_eq!(
            paged(&["list-all", "--no-paginate"])["NextToken"],
            json!("t2")
        );
    }

    #[test]
    fn a_service_repeating_its_token_ends_the_listing() {
        assert_eq!(
            paged(&["list-things", "--starting-token", "loop"])["Things"],
            json!(["x"])
        );
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

    #[test]
    fn a_waiter_exits_0_silently_on_success_and_255_on_a_failure_state() {
        assert_eq!(
            paged_run(&["wait", "thing-ready", "--name", "ready"]),
            (0, String::new(), String::new())
        );
        let (code, out, err) = paged_run(&["wait", "thing-ready", "--name", "broken"]);
        assert_eq!((code, out.as_str()), (EXIT_OTHER, ""));
        assert_eq!(
            err,
            "Waiter ThingReady failed: Waiter encountered a terminal failure state: For expression \"Status\" we matched expected path: \"BROKEN\"\n"
        );
        let (code, _, err) = paged_run(&["wait", "thing-ready", "--name", "denied"]);
        assert_eq!(code, EXIT_OTHER);
        assert_eq!(
            err,
            "Waiter ThingReady failed: An error occurred (AccessDenied): no\n"
        );
        // Input errors are the command line's, before anything is sent.
        let (code, _, err) = paged_run(&["wait", "thing-ready"]);
        assert_eq!(code, EXIT_USAGE);
        assert!(err.contains("--name"), "{err}");
        let (code, _, err) = paged_run(&["wait"]);
        assert_eq!(code, EXIT_USAGE);
        assert!(err.contains("Usage"), "{err}");
    }

    fn waiter() -> (&'static Waiter, &'static Operation) {
        (&PAGED.waiters[0], &PAGED.operations[2])
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiter_retries_through_pending_states_and_expected_errors() {
        let (waiter, op) = waiter();
        let start = tokio::time::Instant::now();
        assert!(
            wait(&Pages, waiter, op, json!({"Name": "slow"}), false)
                .await
                .is_ok()
        );
        assert!(
            start.elapsed() >= Duration::from_secs(4),
            "two delays of at least 2 s"
        );
        assert!(
            wait(&Pages, waiter, op, json!({"Name": "late"}), false)
                .await
                .is_ok()
        );
        assert_eq!(POLLS.with(|p| p.borrow()["slow"]), 3);
        assert_eq!(POLLS.with(|p| p.borrow()["late"]), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiter_gives_up_after_the_maximum_wait() {
        let (waiter, op) = waiter();
        let start = tokio::time::Instant::now();
        let failure = wait(&Pages, waiter, op, json!({"Name": "never"}), false)
            .await
            .expect_err("never ready");
        assert_eq!(failure.code, EXIT_OTHER);
        assert_eq!(
            failure.message,
            "Waiter ThingReady failed: Max attempts exceeded"
        );
        assert!(start.elapsed() <= MAX_WAIT);
        assert!(start.elapsed() >= MAX_WAIT - Duration::from_secs(10));
    }

    mod properties {
        use super::super::super::transport::BoxFuture;
        use super::super::*;
        use super::PAGED;
        use proptest::prelude::*;
        use serde_json::json;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            /// A resume token carries any service token and skip count back unchanged, and
            /// any `--starting-token` text decodes to a token or an error, never a panic.
            #[test]
            fn resume_tokens_round_trip_and_any_text_decodes(
                token in token(), skip in any::<usize>(), text in any::<String>(),
            ) {
                let pagination = PAGED.operations[0].pagination.as_ref().expect("paged");
                let encoded = encode_token(pagination, &token, skip);
                prop_assert_eq!(decode_token(pagination, &encoded), Ok((token, skip)));
                let _ = decode_token(pagination, &text);
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]

            /// Whatever the pages hold (items of any shape, tokens of any kind, repeated or
            /// not), a listing ends after at most one call per page plus one, and never keeps
            /// more than `--max-items` items.
            #[test]
            fn listings_of_hostile_pages_end_and_respect_max_items(
                pages in prop::collection::vec(page(), 1..6),
                max_items in prop::option::of(1usize..8),
            ) {
                let pagination = PAGED.operations[0].pagination.as_ref().expect("paged");
                let script = Script { pages: pages.clone(), calls: Default::default() };
                let paging = Paging { start: None, page_size: None, max_items };
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .expect("runtime");
                let result = runtime
                    .block_on(paginate(&script, 0, pagination, Map::new(), paging))
                    .expect("the script never fails");
                let calls = script.calls.load(std::sync::atomic::Ordering::Relaxed);
                prop_assert!(calls <= pages.len() + 1, "{calls} calls for {} pages", pages.len());
                let kept = match result.get("Things") {
                    Some(Value::Array(items)) => items.len(),
                    Some(Value::Object(map)) => map.len(),
                    _ => 0,
                };
                if let Some(max) = max_items {
                    prop_assert!(kept <= max);
                }
            }
        }

        fn token() -> impl Strategy<Value = Value> {
            prop_oneof![
                Just(Value::Null),
                any::<String>().prop_map(Value::String),
                any::<i64>().prop_map(Value::from),
                prop::collection::btree_map(any::<String>(), any::<String>(), 0..3).prop_map(|m| {
                    Value::Object(m.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
                }),
            ]
        }

        /// A page: a list or a map of items (or something else), and a token or none.
        fn page() -> impl Strategy<Value = Value> {
            let items = prop_oneof![
                prop::collection::vec(any::<String>().prop_map(Value::String), 0..4)
                    .prop_map(Value::Array),
                prop::collection::btree_map(any::<String>(), any::<i64>(), 0..4).prop_map(|m| {
                    Value::Object(m.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
                }),
                Just(Value::Null),
                any::<String>().prop_map(Value::String),
            ];
            let next = prop_oneof![token(), Just(json!("t")), Just(json!(""))];
            prop_oneof![
                (items, next).prop_map(|(items, next)| json!({"Things": items, "NextToken": next})),
                Just(json!("not an object")),
                Just(json!({})),
            ]
        }

        /// Answers with the pages in order, the last one for ever.
        struct Script {
            pages: Vec<Value>,
            calls: std::sync::atomic::AtomicUsize,
        }

        impl Service for Script {
            fn call(
                &self,
                _index: usize,
                _input: Value,
            ) -> BoxFuture<'_, Result<Value, CallError>> {
                let n = self
                    .calls
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let page = self.pages[n.min(self.pages.len() - 1)].clone();
                Box::pin(async move { Ok(page) })
            }
        }
    }
}
