//! The `clap` command: the global options, one subcommand per operation with a flag per input
//! member (and the AWS CLI's pagination flags where it pages), and `wait` with one subcommand
//! per waiter.

use clap::{Arg, ArgAction, Command};

use super::super::waiter::{Matcher, State};
use super::tables::{Operation, Pagination, Program, Schema, Waiter};
use super::wait::{MAX_WAIT, wait_command};

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
    let mut command = input_args(command, op, op.pagination.as_ref());
    if let Some(member) = op.outfile {
        command = command.arg(
            Arg::new("outfile")
                .required(true)
                .value_name("OUTFILE")
                .help(format!("The file the streaming {member} is written to")),
        );
    }
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
    use super::super::EXIT_USAGE;
    use super::super::tests::{echo_run, echoed, paged, paged_run};
    use serde_json::json;

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
