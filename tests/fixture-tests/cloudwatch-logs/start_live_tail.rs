//! The generated CloudWatch Logs client's `StartLiveTail`: an output event stream on awsJson1_1,
//! whose stream may start with an `initial-response` message (the output's other members).
//! A loopback server answers with event-stream frames and re-verifies every request's SigV4
//! signature with the reference `aws-sigv4`.

mod support;

use std::time::Duration;

use cloudwatch_logs::Client;
use cloudwatch_logs::config::{Config, Credentials, RetryConfig};
use cloudwatch_logs::operation::start_live_tail::{StartLiveTailError, StartLiveTailResponse};
use cloudwatch_logs::types::StartLiveTailResponseStream;
use support::{Server, event, exception, stream};

fn client(server: &Server) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.url())
        // `StartLiveTail` has the host prefix `stream-`, which a loopback address cannot take.
        .disable_host_prefix(true)
        .credentials(Credentials::new(support::ACCESS_KEY, support::SECRET, None))
        .retry_config(RetryConfig::default().with_initial_backoff(Duration::from_millis(5)))
        .build();
    Client::new(config).expect("valid config")
}

async fn tail(client: &Client) -> Result<StartLiveTailResponse, StartLiveTailError> {
    client
        .start_live_tail()
        .log_group_identifiers("arn:aws:logs:us-east-1:123456789012:log-group:app")
        .send()
        .await
}

/// Every event until the end or an error: `start:<session>` and `update:<messages>`.
async fn drain(
    output: &mut StartLiveTailResponse,
) -> (Vec<String>, Option<StartLiveTailError>) {
    let mut seen = Vec::new();
    loop {
        match output.response_stream.recv().await {
            Ok(Some(StartLiveTailResponseStream::SessionStart(start))) => {
                seen.push(format!("start:{}", start.session_id.unwrap_or_default()));
            }
            Ok(Some(StartLiveTailResponseStream::SessionUpdate(update))) => {
                let messages: Vec<String> = (update.session_results.unwrap_or_default())
                    .into_iter()
                    .filter_map(|e| e.message)
                    .collect();
                seen.push(format!("update:{}", messages.join("|")));
            }
            Ok(Some(other)) => panic!("unexpected event {other:?}"),
            Ok(None) => return (seen, None),
            Err(e) => return (seen, Some(e)),
        }
    }
}

const START: &str = r#"{"sessionId":"s-1","requestId":"r-1","logGroupIdentifiers":["app"]}"#;
const UPDATE: &str = r#"{"sessionMetadata":{"sampled":false},"sessionResults":[
    {"logStreamName":"web","message":"GET /","timestamp":1733300000000},
    {"logStreamName":"web","message":"GET /health","timestamp":1733300000001}]}"#;

#[tokio::test]
async fn the_initial_response_comes_first_then_typed_events_then_a_modeled_exception() {
    let server = Server::start(
        "logs",
        vec![stream(&[
            event("initial-response", "{}"),
            event("sessionStart", START),
            event("sessionUpdate", UPDATE),
            exception("SessionTimeoutException", r#"{"message":"three hours are up"}"#),
        ])],
    )
    .await;
    let mut output = tail(&client(&server)).await.expect("the stream starts");
    let (seen, error) = drain(&mut output).await;
    assert_eq!(seen, ["start:s-1", "update:GET /|GET /health"]);
    let Some(StartLiveTailError::SessionTimeoutException(e)) = &error else {
        panic!("expected SessionTimeoutException, got {error:?}");
    };
    assert_eq!(e.message.as_deref(), Some("three hours are up"));

    let seen = server.seen();
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].uri, "/");
    assert_eq!(
        seen[0].header("x-amz-target"),
        Some("Logs_20140328.StartLiveTail")
    );
    assert_eq!(
        seen[0].header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    let body: serde_json::Value = serde_json::from_slice(&seen[0].body).expect("a JSON body");
    assert_eq!(
        body["logGroupIdentifiers"][0],
        "arn:aws:logs:us-east-1:123456789012:log-group:app"
    );
}

#[tokio::test]
async fn a_stream_without_an_initial_response_loses_no_event() {
    let server = Server::start(
        "logs",
        vec![stream(&[event("sessionStart", START), event("sessionUpdate", UPDATE)])],
    )
    .await;
    let mut output = tail(&client(&server)).await.expect("the stream starts");
    let (seen, error) = drain(&mut output).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(seen, ["start:s-1", "update:GET /|GET /health"]);
}

#[tokio::test]
async fn an_error_response_fails_the_call_and_a_broken_first_frame_fails_it_too() {
    let server = Server::start(
        "logs",
        vec![
            (
                400,
                vec![("content-type", "application/x-amz-json-1.1")],
                br#"{"__type":"com.amazonaws.logs#ResourceNotFoundException","message":"no such group"}"#.to_vec(),
            ),
            (200, vec![], b"\0\0\0\x05not a frame".to_vec()),
        ],
    )
    .await;
    let client = client(&server);
    let error = tail(&client).await.expect_err("a 400");
    assert!(
        matches!(error, StartLiveTailError::ResourceNotFoundException(_)),
        "{error:?}"
    );
    let error = tail(&client).await.expect_err("no frame to start from");
    assert!(matches!(error, StartLiveTailError::MalformedResponse(_)), "{error:?}");
}
