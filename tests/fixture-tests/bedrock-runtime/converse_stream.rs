//! The generated Bedrock Runtime client's `ConverseStream` (an output event stream over
//! HTTP/1.1), and its command line, against a loopback server that answers with event-stream
//! frames: typed events in order, a modeled exception mid-stream, a truncated frame and a bad
//! CRC, events printed one JSON document per line. The server re-verifies the SigV4 signature
//! of every signed request with the reference `aws-sigv4`.

mod support;

use std::time::Duration;

use bedrock_runtime::Client;
use bedrock_runtime::config::{Config, Credentials, RetryConfig};
use bedrock_runtime::operation::converse_stream::ConverseStreamError;
use bedrock_runtime::types::{
    ContentBlock, ContentBlockDelta, ConversationRole, ConverseStreamOutput, Message, StopReason,
};
use support::{Server, event, stream};

fn client(server: &Server) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.url())
        .credentials(Credentials::new(support::ACCESS_KEY, support::SECRET, None))
        .retry_config(RetryConfig::default().with_initial_backoff(Duration::from_millis(5)))
        .build();
    Client::new(config).expect("valid config")
}

async fn converse(
    client: &Client,
) -> bedrock_runtime::operation::converse_stream::ConverseStreamResponse {
    let message = Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text("Say hello".into()))
        .build()
        .expect("a message");
    client
        .converse_stream()
        .model_id("anthropic.claude-test")
        .messages(message)
        .send()
        .await
        .expect("the stream starts")
}

#[tokio::test]
async fn events_arrive_typed_and_in_order_then_the_stream_ends() {
    let server = Server::start(
        "bedrock",
        vec![stream(&[
            event("messageStart", r#"{"role":"assistant"}"#),
            event(
                "contentBlockDelta",
                r#"{"delta":{"text":"Hel"},"contentBlockIndex":0}"#,
            ),
            event(
                "contentBlockDelta",
                r#"{"delta":{"text":"lo"},"contentBlockIndex":0}"#,
            ),
            event("messageStop", r#"{"stopReason":"end_turn"}"#),
        ])],
    )
    .await;
    let mut output = converse(&client(&server)).await;
    let mut text = String::new();
    let mut kinds = Vec::new();
    while let Some(event) = output.stream.recv().await.expect("no error") {
        match &event {
            ConverseStreamOutput::MessageStart(start) => {
                assert_eq!(start.role, ConversationRole::Assistant);
            }
            ConverseStreamOutput::ContentBlockDelta(delta) => {
                let ContentBlockDelta::Text(piece) = &delta.delta else {
                    panic!("a text delta, got {delta:?}");
                };
                text.push_str(piece);
            }
            ConverseStreamOutput::MessageStop(stop) => {
                assert_eq!(stop.stop_reason, StopReason::EndTurn);
            }
            other => panic!("unexpected event {other:?}"),
        }
        kinds.push(event.member_name().to_string());
    }
    assert_eq!(text, "Hello");
    assert_eq!(
        kinds,
        [
            "messageStart",
            "contentBlockDelta",
            "contentBlockDelta",
            "messageStop"
        ]
    );
    let seen = server.seen();
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].uri, "/model/anthropic.claude-test/converse-stream");
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&seen[0].body).expect("a JSON body");
    assert_eq!(body["messages"][0]["content"][0]["text"], "Say hello");
}

#[tokio::test]
async fn a_modeled_exception_mid_stream_is_the_operations_error_and_ends_it() {
    let exception = support::exception(
        "modelStreamErrorException",
        r#"{"message":"the model failed","originalStatusCode":500}"#,
    );
    let server = Server::start(
        "bedrock",
        vec![stream(&[
            event("messageStart", r#"{"role":"assistant"}"#),
            exception,
        ])],
    )
    .await;
    let mut output = converse(&client(&server)).await;
    let first = output
        .stream
        .recv()
        .await
        .expect("an event")
        .expect("not the end");
    assert!(
        matches!(first, ConverseStreamOutput::MessageStart(_)),
        "{first:?}"
    );
    let error = output.stream.recv().await.expect_err("the exception");
    let ConverseStreamError::ModelStreamErrorException(e) = &error else {
        panic!("expected ModelStreamErrorException, got {error:?}");
    };
    assert_eq!(e.message.as_deref(), Some("the model failed"));
    assert_eq!(e.original_status_code, Some(500));
    assert!(
        output.stream.recv().await.expect("over").is_none(),
        "nothing after the error"
    );
}

#[tokio::test]
async fn a_truncated_frame_and_a_bad_crc_are_malformed_responses() {
    let whole = event("messageStop", r#"{"stopReason":"end_turn"}"#);
    let mut truncated = event("messageStart", r#"{"role":"assistant"}"#);
    truncated.extend_from_slice(&whole[..whole.len() / 2]);
    let mut corrupt = whole.clone();
    let last = corrupt.len() - 1;
    corrupt[last] ^= 0xff;
    let server = Server::start(
        "bedrock",
        vec![(200, vec![], truncated), (200, vec![], corrupt)],
    )
    .await;
    let client = client(&server);

    let mut output = converse(&client).await;
    let first = output
        .stream
        .recv()
        .await
        .expect("an event")
        .expect("not the end");
    assert!(
        matches!(first, ConverseStreamOutput::MessageStart(_)),
        "{first:?}"
    );
    let error = output
        .stream
        .recv()
        .await
        .expect_err("the stream ends mid-frame");
    assert!(
        matches!(error, ConverseStreamError::MalformedResponse(_)),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("truncated") || error.to_string().contains("ended"),
        "{error}"
    );

    let mut output = converse(&client).await;
    let error = output.stream.recv().await.expect_err("a bad CRC");
    assert!(
        matches!(error, ConverseStreamError::MalformedResponse(_)),
        "{error:?}"
    );
    assert!(error.to_string().contains("CRC"), "{error}");
}

/// The generated command line's `converse-stream`: each event printed as one JSON document
/// per line, as it arrives.
#[tokio::test]
async fn converse_stream_prints_one_json_event_per_line() {
    let server = Server::start(
        "bedrock",
        vec![stream(&[
            event("messageStart", r#"{"role":"assistant"}"#),
            event(
                "contentBlockDelta",
                r#"{"delta":{"text":"Hi"},"contentBlockIndex":0}"#,
            ),
            event("messageStop", r#"{"stopReason":"end_turn"}"#),
        ])],
    )
    .await;
    let run: support::RunCli =
        |args, stdin, out, err| bedrock_runtime::cli::run_with_stdin(args, stdin, out, err);
    let run = support::run_cli(
        run,
        "bedrock-runtime",
        server.url(),
        &[
            "converse-stream",
            "--model-id",
            "anthropic.claude-test",
            "--messages",
            r#"[{"role":"user","content":[{"text":"Say hi"}]}]"#,
        ],
        b"",
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON document"))
        .collect();
    assert_eq!(
        lines,
        [
            serde_json::json!({"messageStart": {"role": "assistant"}}),
            serde_json::json!({"contentBlockDelta": {"delta": {"text": "Hi"}, "contentBlockIndex": 0}}),
            serde_json::json!({"messageStop": {"stopReason": "end_turn"}}),
        ]
    );
}
