//! `wait <waiter-name>`: the waiter's operation polled until an acceptor reaches a terminal
//! state, with Smithy's waiter backoff between attempts, as the library's waiters poll.

use std::time::Duration;

use serde_json::Value;

use super::super::waiter::{Backoff, Matcher, Outcome, State};
use super::tables::{CallError, Operation, Program, Service, Waiter};
use super::{EXIT_OTHER, Failure, call_failure};

/// How long a `wait` keeps polling before it gives up (the library's default `max_wait`).
pub const MAX_WAIT: Duration = Duration::from_secs(300);

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
pub(super) async fn wait(
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
        let matched = super::super::waiter::first_match(waiter.acceptors, &input, &outcome);
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

#[cfg(test)]
mod tests {
    use super::super::EXIT_USAGE;
    use super::super::tests::{PAGED, POLLS, Pages, paged_run};
    use super::*;
    use serde_json::json;

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
}
