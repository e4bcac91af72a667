//! Waiters (`smithy.waiters#waitable`): poll an operation until an acceptor reaches a
//! terminal state, with the Smithy waiter backoff between attempts.
//!
//! Acceptors are checked in model order and the first match decides. `output` and
//! `inputOutput` paths are JMESPath expressions evaluated over the JSON of the response body
//! (and, for `inputOutput`, `{"input": <request body>, "output": <response body>}`): in
//! awsJson those bodies are the input and output structures, keyed by member name. A path of
//! plain names is walked here ([`field_path`]); only a crate with other paths compiles in the
//! JMESPath engine (`jmespath_search`).

use std::time::Duration;

use serde_json::Value;

/// What a matching acceptor does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Success,
    Failure,
    Retry,
}

/// The spec's comparator names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    clippy::enum_variant_names,
    reason = "the variants are Smithy's matcher names"
)]
pub(crate) enum Comparator {
    StringEquals,
    BooleanEquals,
    AllStringEquals,
    AnyStringEquals,
}

/// Evaluates a matcher's path over JSON: [`field_path`] for a path of plain names (most
/// waiters'), the JMESPath engine (`jmespath_search::search`, compiled only into crates with
/// other paths) for the rest; the generator picks one per path.
pub(crate) type Search = fn(&str, &Value) -> Value;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Matcher {
    Output {
        path: &'static str,
        search: Search,
        expected: &'static str,
        comparator: Comparator,
    },
    InputOutput {
        path: &'static str,
        search: Search,
        expected: &'static str,
        comparator: Comparator,
    },
    /// `true`: the operation succeeded; `false`: it failed with any error.
    Success(bool),
    /// The operation failed with this error code (a shape name).
    ErrorType(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Acceptor {
    pub(crate) state: State,
    pub(crate) matcher: Matcher,
}

/// One attempt's result, as the acceptors see it.
pub(crate) enum Outcome<'a> {
    /// A successful response, its body as JSON.
    Output(&'a Value),
    /// A failed call and its error code, when it has one.
    Error(Option<&'a str>),
}

/// The state of the first acceptor matching `outcome`, if any. `input` is the request body.
pub(crate) fn evaluate(
    acceptors: &[Acceptor],
    input: &Value,
    outcome: &Outcome<'_>,
) -> Option<State> {
    first_match(acceptors, input, outcome).map(|a| a.state)
}

/// The first acceptor matching `outcome`, if any.
pub(crate) fn first_match<'a>(
    acceptors: &'a [Acceptor],
    input: &Value,
    outcome: &Outcome<'_>,
) -> Option<&'a Acceptor> {
    acceptors
        .iter()
        .find(|a| matches(&a.matcher, input, outcome))
}

fn matches(matcher: &Matcher, input: &Value, outcome: &Outcome<'_>) -> bool {
    match (matcher, outcome) {
        (Matcher::Success(expected), Outcome::Output(_)) => *expected,
        (Matcher::Success(expected), Outcome::Error(_)) => !*expected,
        (Matcher::ErrorType(wanted), Outcome::Error(Some(code))) => {
            // A code may come as a shape id (`ns#Name`); the model names the shape.
            code.rsplit('#').next() == wanted.rsplit('#').next()
        }
        (
            Matcher::Output {
                path,
                search,
                expected,
                comparator,
            },
            Outcome::Output(output),
        ) => compare(search(path, output), *comparator, expected),
        (
            Matcher::InputOutput {
                path,
                search,
                expected,
                comparator,
            },
            Outcome::Output(output),
        ) => {
            let both = serde_json::json!({ "input": input, "output": output });
            compare(search(path, &both), *comparator, expected)
        }
        _ => false,
    }
}

/// A path of plain names joined by dots (`Configuration.State`): JMESPath identifiers
/// (`[A-Za-z_][A-Za-z0-9_]*`) and sub-expressions only, which [`field_path`] evaluates.
pub(crate) fn is_field_path(path: &str) -> bool {
    path.split('.').all(|name| {
        name.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// The result of a path [`is_field_path`] accepts over `data`, as JMESPath gives it: each
/// name the member of an object, `null` once a step is absent or not an object. (The
/// generator uses it only for such paths.)
pub(crate) fn field_path(path: &str, data: &Value) -> Value {
    let mut current = data;
    for name in path.split('.') {
        match current.get(name) {
            Some(value) => current = value,
            None => return Value::Null,
        }
    }
    current.clone()
}

fn compare(result: Value, comparator: Comparator, expected: &str) -> bool {
    match comparator {
        Comparator::StringEquals => result.as_str() == Some(expected),
        Comparator::BooleanEquals => {
            result.as_bool().map(|b| b.to_string()).as_deref() == Some(expected)
        }
        Comparator::AllStringEquals => result.as_array().is_some_and(|items| {
            !items.is_empty() && items.iter().all(|v| v.as_str() == Some(expected))
        }),
        Comparator::AnyStringEquals => result
            .as_array()
            .is_some_and(|items| items.iter().any(|v| v.as_str() == Some(expected))),
    }
}

/// The delays between attempts (Smithy's waiter retries): attempt `n` waits a random time
/// between `min_delay` and `min(max_delay, min_delay * 2^(n-1))`, never past the caller's
/// maximum wait; once less than `min_delay` would remain, the waiter gives up.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    min_delay: Duration,
    max_delay: Duration,
    max_wait: Duration,
    attempt: u32,
    /// The delay was cut short for one last attempt before the deadline.
    last: bool,
}

impl Backoff {
    /// `min_delay` is at least a millisecond, so a waiter never polls in a busy loop.
    pub(crate) fn new(min_delay: Duration, max_delay: Duration, max_wait: Duration) -> Self {
        let min_delay = min_delay.max(Duration::from_millis(1));
        Backoff {
            min_delay,
            max_delay: max_delay.max(min_delay),
            max_wait,
            attempt: 0,
            last: false,
        }
    }

    /// The attempts made, once `next_delay` has answered `None`.
    pub(crate) fn attempts(&self) -> u32 {
        self.attempt
    }

    /// The wait before the next attempt, `elapsed` after the first one started; `None` when
    /// the maximum wait time would be exceeded.
    pub(crate) fn next_delay(&mut self, elapsed: Duration) -> Option<Duration> {
        self.attempt += 1;
        let remaining = self.max_wait.checked_sub(elapsed)?;
        // After the last attempt, or when not even the shortest delay fits, give up (where no
        // time passes between calls, such as under a paused clock, `remaining` alone would
        // never shrink).
        if self.last || remaining < self.min_delay {
            return None;
        }
        let ceiling = self
            .min_delay
            .checked_mul(2u32.saturating_pow(self.attempt.saturating_sub(1).min(31)))
            .map_or(self.max_delay, |d| d.min(self.max_delay));
        let (low, high) = (
            self.min_delay.as_millis() as u64,
            ceiling.as_millis() as u64,
        );
        let mut delay = Duration::from_millis(fastrand::u64(low..=high.max(low)));
        // Leave room for one last attempt before the deadline.
        if remaining.saturating_sub(delay) <= self.min_delay {
            delay = remaining.saturating_sub(self.min_delay);
            self.last = true;
        }
        Some(delay)
    }
}

/// Why a waiter stopped without reaching a success state.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaiterError<O, E> {
    /// A `failure` acceptor matched this result of the operation.
    FailureState(Box<Result<O, E>>),
    /// The maximum wait time passed before any terminal state was reached.
    MaxWaitExceeded {
        /// How long the waiter waited.
        elapsed: Duration,
        /// How many times it called the operation.
        attempts: u32,
    },
    /// The operation failed with an error no acceptor expects (including invalid input).
    Operation(E),
}

impl<O, E: std::fmt::Display> std::fmt::Display for WaiterError<O, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WaiterError::FailureState(result) => match result.as_ref() {
                Ok(_) => f.write_str("the waiter reached a failure state"),
                Err(error) => write!(f, "the waiter reached a failure state: {error}"),
            },
            WaiterError::MaxWaitExceeded { elapsed, attempts } => write!(
                f,
                "the waiter gave up after {:.1} s and {attempts} attempts without reaching a terminal state",
                elapsed.as_secs_f64()
            ),
            WaiterError::Operation(error) => write!(f, "the waited-on operation failed: {error}"),
        }
    }
}

impl<O: std::fmt::Debug, E: std::error::Error + 'static> std::error::Error for WaiterError<O, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaiterError::Operation(error) => Some(error),
            WaiterError::FailureState(result) => result.as_ref().as_ref().err().map(|e| e as _),
            WaiterError::MaxWaitExceeded { .. } => None,
        }
    }
}

/// The last result of a waiter that reached a success state: the output, or the error a
/// `success` acceptor expected (such as `ResourceNotFoundException` for a "not exists" waiter).
#[derive(Debug)]
pub struct FinalPoll<O, E>(Result<O, E>);

impl<O, E> FinalPoll<O, E> {
    pub(crate) fn new(result: Result<O, E>) -> Self {
        FinalPoll(result)
    }

    /// The output, when the success state was reached with one.
    pub fn output(&self) -> Option<&O> {
        self.0.as_ref().ok()
    }

    pub fn as_result(&self) -> Result<&O, &E> {
        self.0.as_ref()
    }

    pub fn into_result(self) -> Result<O, E> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The search the generator picks for `path`.
    fn search_for(path: &str) -> Search {
        if is_field_path(path) {
            field_path
        } else {
            super::super::jmespath_search::search
        }
    }

    fn output(path: &'static str, expected: &'static str, comparator: Comparator) -> Matcher {
        Matcher::Output {
            path,
            search: search_for(path),
            expected,
            comparator,
        }
    }

    #[test]
    fn field_paths_evaluate_as_jmespath_does() {
        let data = json!({"A": {"B": {"C": "x"}, "L": [1, 2], "N": null, "S": "s"}, "_u1": true});
        for path in [
            "A", "A.B", "A.B.C", "A.L", "A.N", "A.S", "A.S.T", "A.N.T", "A.L.B", "Z", "Z.Y", "_u1",
            "A.B.C.D",
        ] {
            assert!(is_field_path(path), "{path}");
            assert_eq!(
                field_path(path, &data),
                super::super::jmespath_search::search(path, &data),
                "{path}"
            );
        }
        for path in [
            "",
            "A.",
            ".A",
            "A..B",
            "1A",
            "A[0]",
            "A.B[]",
            "length(A)",
            "A == B",
            "`true`",
            "\"A\"",
            "A-B",
            "A B",
            "A.*",
        ] {
            assert!(!is_field_path(path), "{path}");
        }
    }

    fn accepts(matcher: Matcher, outcome: Outcome<'_>) -> bool {
        matches(&matcher, &json!({}), &outcome)
    }

    #[test]
    fn comparators_follow_the_spec() {
        let body = json!({"Table": {"TableStatus": "ACTIVE"}, "List": ["A", "A"], "Mixed": ["A", "B"], "Empty": [], "Flag": true});
        let out = Outcome::Output(&body);
        assert!(accepts(
            output("Table.TableStatus", "ACTIVE", Comparator::StringEquals),
            Outcome::Output(&body)
        ));
        assert!(!accepts(
            output("Table.TableStatus", "CREATING", Comparator::StringEquals),
            out
        ));
        assert!(accepts(
            output("Flag", "true", Comparator::BooleanEquals),
            Outcome::Output(&body)
        ));
        assert!(!accepts(
            output("Flag", "false", Comparator::BooleanEquals),
            Outcome::Output(&body)
        ));
        assert!(accepts(
            output("List", "A", Comparator::AllStringEquals),
            Outcome::Output(&body)
        ));
        assert!(!accepts(
            output("Mixed", "A", Comparator::AllStringEquals),
            Outcome::Output(&body)
        ));
        assert!(
            !accepts(
                output("Empty", "A", Comparator::AllStringEquals),
                Outcome::Output(&body)
            ),
            "allStringEquals needs a non-empty list"
        );
        assert!(accepts(
            output("Mixed", "B", Comparator::AnyStringEquals),
            Outcome::Output(&body)
        ));
        assert!(!accepts(
            output("Missing", "B", Comparator::AnyStringEquals),
            Outcome::Output(&body)
        ));
        assert!(
            !accepts(
                output("Table.TableStatus", "ACTIVE", Comparator::StringEquals),
                Outcome::Error(None)
            ),
            "output matchers never match errors"
        );
    }

    #[test]
    fn the_dynamodb_kinesis_destination_failure_path_evaluates() {
        let path = "length(KinesisDataStreamDestinations) > `0`  && length(KinesisDataStreamDestinations[?DestinationStatus == 'DISABLED' || DestinationStatus == 'ENABLE_FAILED']) ==  length(KinesisDataStreamDestinations)";
        let failed = json!({"KinesisDataStreamDestinations": [{"DestinationStatus": "DISABLED"}, {"DestinationStatus": "ENABLE_FAILED"}]});
        let mixed = json!({"KinesisDataStreamDestinations": [{"DestinationStatus": "DISABLED"}, {"DestinationStatus": "ACTIVE"}]});
        let none = json!({"KinesisDataStreamDestinations": []});
        assert!(accepts(
            output(path, "true", Comparator::BooleanEquals),
            Outcome::Output(&failed)
        ));
        assert!(!accepts(
            output(path, "true", Comparator::BooleanEquals),
            Outcome::Output(&mixed)
        ));
        assert!(!accepts(
            output(path, "true", Comparator::BooleanEquals),
            Outcome::Output(&none)
        ));
    }

    #[test]
    fn error_type_success_and_input_output_matchers() {
        assert!(accepts(
            Matcher::ErrorType("ResourceNotFoundException"),
            Outcome::Error(Some("ResourceNotFoundException"))
        ));
        assert!(accepts(
            Matcher::ErrorType("ResourceNotFoundException"),
            Outcome::Error(Some("com.amazonaws.dynamodb#ResourceNotFoundException"))
        ));
        assert!(!accepts(
            Matcher::ErrorType("ResourceNotFoundException"),
            Outcome::Error(Some("Throttling"))
        ));
        assert!(!accepts(
            Matcher::ErrorType("ResourceNotFoundException"),
            Outcome::Output(&json!({}))
        ));
        assert!(accepts(Matcher::Success(true), Outcome::Output(&json!({}))));
        assert!(accepts(Matcher::Success(false), Outcome::Error(None)));
        assert!(!accepts(
            Matcher::Success(false),
            Outcome::Output(&json!({}))
        ));
        let matcher = Matcher::InputOutput {
            path: "input.Name == output.Name",
            search: search_for("input.Name == output.Name"),
            expected: "true",
            comparator: Comparator::BooleanEquals,
        };
        let body = json!({"Name": "a"});
        assert!(matches(
            &matcher,
            &json!({"Name": "a"}),
            &Outcome::Output(&body)
        ));
        assert!(!matches(
            &matcher,
            &json!({"Name": "b"}),
            &Outcome::Output(&body)
        ));
    }

    #[test]
    fn the_first_matching_acceptor_decides() {
        let acceptors = [
            Acceptor {
                state: State::Failure,
                matcher: output("S", "FAILED", Comparator::StringEquals),
            },
            Acceptor {
                state: State::Success,
                matcher: Matcher::Success(true),
            },
        ];
        let failed = json!({"S": "FAILED"});
        assert_eq!(
            evaluate(&acceptors, &json!({}), &Outcome::Output(&failed)),
            Some(State::Failure)
        );
        assert_eq!(
            evaluate(
                &acceptors,
                &json!({}),
                &Outcome::Output(&json!({"S": "OK"}))
            ),
            Some(State::Success)
        );
        assert_eq!(
            evaluate(&acceptors, &json!({}), &Outcome::Error(Some("X"))),
            None
        );
    }

    #[test]
    fn delays_grow_between_min_and_max_and_stop_at_the_max_wait() {
        let secs = Duration::from_secs;
        for _ in 0..200 {
            let mut backoff = Backoff::new(secs(2), secs(10), secs(3600));
            let delays: Vec<Duration> = (0..6)
                .map(|_| backoff.next_delay(secs(0)).unwrap())
                .collect();
            let ceilings = [2, 4, 8, 10, 10, 10];
            for (delay, ceiling) in delays.iter().zip(ceilings) {
                assert!(*delay >= secs(2) && *delay <= secs(ceiling), "{delays:?}");
            }
        }
        let mut backoff = Backoff::new(secs(2), secs(120), secs(30));
        let delay = backoff.next_delay(secs(27)).unwrap();
        assert!(
            delay <= secs(1),
            "leaves min_delay for a last attempt: {delay:?}"
        );
        assert_eq!(
            backoff.next_delay(secs(29)),
            None,
            "less than min_delay remains"
        );
        assert_eq!(backoff.next_delay(secs(31)), None, "past the deadline");
        let mut zero = Backoff::new(Duration::ZERO, Duration::ZERO, secs(1));
        assert!(zero.next_delay(secs(0)).unwrap() >= Duration::from_millis(1));
    }

    #[test]
    fn the_last_attempt_is_the_last_even_when_no_time_passes() {
        // Exactly min_delay left: one last attempt at once, then no more (a paused clock
        // used to get a zero delay forever).
        let secs = Duration::from_secs;
        let mut backoff = Backoff::new(secs(2), secs(10), secs(30));
        assert_eq!(backoff.next_delay(secs(28)), Some(Duration::ZERO));
        assert_eq!(backoff.next_delay(secs(28)), None);
    }
}
