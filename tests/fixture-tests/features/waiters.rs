//! Waiters of the `features` fixture against a loopback server playing a sequence of states.

mod support;

use std::time::Duration;

use features::Client;
use features::config::{Config, Credentials, RetryConfig};
use features::operation::describe_thing::DescribeThingError;
use features::types::Status;
use features::waiters::WaiterError;
use support::Server;

fn client(server: &Server) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.url())
        .credentials(Credentials::new("AKIDFIXTURE", "fixture-secret", None))
        .retry_config(RetryConfig::disabled())
        .build();
    Client::new(config).expect("valid config")
}

fn thing(name: &str, status: &str) -> (u16, String) {
    (
        200,
        format!(r#"{{"Thing":{{"Name":"{name}","Status":"{status}"}}}}"#),
    )
}

fn parts(states: &[&str]) -> (u16, String) {
    let parts: Vec<String> = states
        .iter()
        .map(|s| format!(r#"{{"State":"{s}"}}"#))
        .collect();
    (
        200,
        format!(
            r#"{{"Thing":{{"Name":"t","Parts":[{}]}}}}"#,
            parts.join(",")
        ),
    )
}

fn error(code: &str) -> (u16, String) {
    (
        400,
        format!(r#"{{"__type":"example.features#{code}","message":"scripted"}}"#),
    )
}

const FAST: Duration = Duration::from_millis(10);

#[tokio::test]
async fn retries_through_an_error_and_a_pending_state_until_ready() {
    let server = Server::start(vec![
        error("ThingNotFound"),
        thing("t", "PENDING"),
        thing("t", "READY"),
    ])
    .await;
    let last = client(&server)
        .wait_until_thing_ready()
        .name("t")
        .min_delay(FAST)
        .max_delay(FAST * 4)
        .wait()
        .await
        .expect("the success state");
    let output = last.output().expect("an output");
    assert_eq!(
        output.thing.as_ref().and_then(|t| t.status.clone()),
        Some(Status::Ready)
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(
        |s| s.target == "Features.DescribeThing" && s.body == serde_json::json!({"Name": "t"})
    ));
}

#[tokio::test]
async fn a_failure_acceptor_stops_with_the_matching_output() {
    let server = Server::start(vec![thing("t", "PENDING"), thing("t", "BROKEN")]).await;
    let err = client(&server)
        .wait_until_thing_ready()
        .name("t")
        .min_delay(FAST)
        .wait()
        .await
        .expect_err("the failure state");
    match err {
        WaiterError::FailureState(result) => {
            let output = (*result).expect("the failure matched an output");
            assert_eq!(output.thing.and_then(|t| t.status), Some(Status::Broken));
        }
        other => panic!("expected a failure state, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn an_error_no_acceptor_expects_ends_the_wait() {
    let server = Server::start(vec![error("AccessDenied")]).await;
    let err = client(&server)
        .wait_until_thing_ready()
        .name("t")
        .min_delay(FAST)
        .wait()
        .await
        .expect_err("an unexpected error");
    match err {
        WaiterError::Operation(e) => assert_eq!(e.code(), Some("AccessDenied")),
        other => panic!("expected the operation's error, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 1, "not retried");
}

#[tokio::test]
async fn an_error_type_success_acceptor_returns_the_expected_error() {
    let server = Server::start(vec![thing("t", "READY"), error("ThingNotFound")]).await;
    let last = client(&server)
        .wait_until_thing_gone()
        .name("t")
        .min_delay(FAST)
        .wait()
        .await
        .expect("gone");
    assert!(matches!(
        last.as_result(),
        Err(DescribeThingError::ThingNotFound(_))
    ));
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn the_max_wait_bounds_the_whole_wait() {
    let server = Server::start(vec![thing("t", "PENDING")]).await;
    let started = std::time::Instant::now();
    let err = client(&server)
        .wait_until_thing_ready()
        .name("t")
        .min_delay(Duration::from_millis(20))
        .max_delay(Duration::from_millis(40))
        .max_wait(Duration::from_millis(300))
        .wait()
        .await
        .expect_err("never ready");
    let elapsed = started.elapsed();
    match err {
        WaiterError::MaxWaitExceeded { attempts, .. } => {
            assert!(attempts >= 3, "{attempts} attempts");
            assert_eq!(attempts as usize, server.seen().len());
        }
        other => panic!("expected max wait exceeded, got {other:?}"),
    }
    assert!(elapsed < Duration::from_millis(1000), "{elapsed:?}");
}

#[tokio::test]
async fn all_and_any_string_equals_over_a_projection() {
    let server = Server::start(vec![
        parts(&[]),
        parts(&["OK", "PENDING"]),
        parts(&["OK", "OK"]),
    ])
    .await;
    client(&server)
        .wait_until_parts_ready()
        .name("t")
        .min_delay(FAST)
        .max_delay(FAST)
        .wait()
        .await
        .expect("all parts OK");
    assert_eq!(server.seen().len(), 3, "an empty list is not all OK");

    let server = Server::start(vec![parts(&["OK", "FAILED"])]).await;
    let err = client(&server)
        .wait_until_parts_ready()
        .name("t")
        .min_delay(FAST)
        .wait()
        .await
        .expect_err("one part failed");
    assert!(matches!(err, WaiterError::FailureState(_)), "{err:?}");
}

#[tokio::test]
async fn input_output_paths_see_the_request_and_success_false_matches_errors() {
    let server = Server::start(vec![thing("other", "READY"), thing("mine", "READY")]).await;
    client(&server)
        .wait_until_name_echoed()
        .name("mine")
        .min_delay(FAST)
        .max_delay(FAST)
        .wait()
        .await
        .expect("the name came back");
    assert_eq!(server.seen().len(), 2);

    let server = Server::start(vec![error("ThingNotFound")]).await;
    let err = client(&server)
        .wait_until_name_echoed()
        .name("mine")
        .min_delay(FAST)
        .wait()
        .await
        .expect_err("any error is a failure state");
    match err {
        WaiterError::FailureState(result) => {
            assert!(matches!(*result, Err(DescribeThingError::ThingNotFound(_))))
        }
        other => panic!("expected a failure state, got {other:?}"),
    }
}

#[tokio::test]
async fn a_missing_required_member_is_a_validation_error_and_sends_nothing() {
    let server = Server::start(vec![thing("t", "READY")]).await;
    let err = client(&server)
        .wait_until_thing_ready()
        .wait()
        .await
        .expect_err("Name is required");
    assert!(
        matches!(
            err,
            WaiterError::Operation(DescribeThingError::Validation(_))
        ),
        "{err:?}"
    );
    assert!(server.seen().is_empty());
}

#[test]
fn waiter_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = Client::new(
        Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new("AKID", "secret", None))
            .build(),
    )
    .expect("config");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let _guard = runtime.enter();
    assert_send(&client.wait_until_thing_ready().name("t").wait());
}
