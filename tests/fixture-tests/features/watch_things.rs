//! `WatchThings` of the `features` fixture: an input event stream on awsJson1_0, whose body
//! starts with an `initial-request` message carrying the input's other members. A loopback
//! server checks the request's SigV4 signature and re-computes every message's chained
//! signature with the reference `aws-sigv4`. The command line sends the events it reads from
//! standard input (`--events -`) as it reads them.

mod loopback;

use std::time::Duration;

use aws_smithy_types::event_stream::HeaderValue;
use features::Client;
use features::config::{Config, Credentials, RetryConfig};
use features::primitives::{DateTime, InputEvents};
use features::types::{Status, Tagged, Thing, ThingEvents};
use loopback::Server;
use proptest::prelude::*;

fn client(server: &Server) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.url())
        .credentials(Credentials::new(
            loopback::ACCESS_KEY,
            loopback::SECRET,
            None,
        ))
        .retry_config(RetryConfig::default().with_initial_backoff(Duration::from_millis(5)))
        .build();
    Client::new(config).expect("valid config")
}

fn changed(name: &str, status: Status) -> ThingEvents {
    ThingEvents::Changed(
        Thing::builder()
            .name(name)
            .status(status)
            .build()
            .expect("a thing"),
    )
}

fn ok() -> loopback::Reply {
    (
        200,
        vec![("content-type", "application/x-amz-json-1.0")],
        b"{}".to_vec(),
    )
}

/// The messages of the one request `server` saw, its signature and every message's chained
/// signature checked, with the request's headers checked too.
fn sent_messages(server: &Server) -> Vec<aws_smithy_types::event_stream::Message> {
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "one request, not retried");
    let request = &seen[0];
    assert_eq!(
        (request.method.as_str(), request.uri.as_str()),
        ("POST", "/")
    );
    assert_eq!(request.header("x-amz-target"), Some("Features.WatchThings"));
    assert_eq!(
        request.header("content-type"),
        Some("application/vnd.amazon.eventstream")
    );
    assert_eq!(request.header("accept"), Some("application/x-amz-json-1.0"));
    assert_eq!(
        request.header("x-amz-content-sha256"),
        Some("STREAMING-AWS4-HMAC-SHA256-EVENTS")
    );
    let seed = loopback::seed_signature(request);
    loopback::verify_chain(&request.body, &seed, "features")
}

#[tokio::test]
async fn the_initial_request_carries_the_other_members_and_events_follow_from_a_channel() {
    let server = Server::start("features", vec![ok()]).await;
    let (sender, events) = InputEvents::channel(1);
    let call = tokio::spawn(
        client(&server)
            .watch_things()
            .name("watcher \"one\"")
            .events(events)
            .send(),
    );
    sender
        .send(changed("t1", Status::Pending))
        .await
        .expect("the call is running");
    sender
        .send(changed("t2", Status::Ready))
        .await
        .expect("the call is running");
    drop(sender);
    call.await.expect("joined").expect("the call succeeds");

    let messages = sent_messages(&server);
    let [initial, first, second] = messages.as_slice() else {
        panic!("the initial request and two events, got {messages:?}");
    };
    assert_eq!(loopback::text_header(initial, ":message-type"), "event");
    assert_eq!(
        loopback::text_header(initial, ":event-type"),
        "initial-request"
    );
    assert_eq!(
        loopback::text_header(initial, ":content-type"),
        "application/x-amz-json-1.0"
    );
    // The other members as JSON, the stream itself not among them.
    assert_eq!(&initial.payload()[..], br#"{"Name":"watcher \"one\""}"#);
    for (message, json) in [
        (first, r#"{"Name":"t1","Status":"PENDING"}"#),
        (second, r#"{"Name":"t2","Status":"READY"}"#),
    ] {
        assert_eq!(loopback::text_header(message, ":event-type"), "Changed");
        assert_eq!(
            loopback::text_header(message, ":content-type"),
            "application/json"
        );
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(message.payload()).expect("JSON"),
            serde_json::from_str::<serde_json::Value>(json).expect("JSON")
        );
    }
}

#[tokio::test]
async fn with_nothing_else_set_and_no_events_the_initial_request_is_an_empty_document() {
    let server = Server::start("features", vec![ok()]).await;
    client(&server)
        .watch_things()
        .send()
        .await
        .expect("the call succeeds");
    let messages = sent_messages(&server);
    let [initial] = messages.as_slice() else {
        panic!("the initial request alone, got {messages:?}");
    };
    assert_eq!(
        loopback::text_header(initial, ":event-type"),
        "initial-request"
    );
    assert_eq!(&initial.payload()[..], b"{}");
}

#[tokio::test]
async fn an_error_response_is_the_operations_error_and_is_not_retried() {
    let server = Server::start(
        "features",
        vec![(
            500,
            vec![("content-type", "application/x-amz-json-1.0")],
            br#"{"__type":"InternalFailure","message":"scripted"}"#.to_vec(),
        )],
    )
    .await;
    let error = client(&server)
        .watch_things()
        .name("n")
        .events(vec![changed("t", Status::Ready)])
        .send()
        .await
        .expect_err("a 500");
    assert!(error.to_string().contains("InternalFailure"), "{error}");
    // A request whose body is a stream of events is sent once.
    let messages = sent_messages(&server);
    assert_eq!(messages.len(), 2, "the initial request and the event");
}

/// Runs the command line in this process, unsigned, against `server`, with `stdin` as its
/// standard input.
async fn cli(server: &Server, args: &[&str], stdin: &'static [u8]) -> loopback::Run {
    let run: loopback::RunCli =
        |args, stdin, out, err| features::cli::run_with_stdin(args, stdin, out, err);
    loopback::run_cli(run, "features", server.url(), args, stdin).await
}

#[tokio::test]
async fn the_command_line_sends_standard_input_one_event_per_line() {
    let server = Server::start("features", vec![ok()]).await;
    let stdin = b"{\"Changed\":{\"Name\":\"t1\",\"Status\":\"PENDING\"}}\n\n{\"Changed\":{\"Name\":\"t2\"}}\n";
    let run = cli(
        &server,
        &["watch-things", "--name", "n", "--events", "-"],
        stdin,
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "", "an empty output prints nothing");
    // Streamed as read, not read whole first: chunked, without a length.
    let seen = server.seen_unsigned();
    let request = &seen[0];
    assert_eq!(request.header("transfer-encoding"), Some("chunked"));
    assert_eq!(request.header("content-length"), None);
    // `--no-sign-request`: no signature, and the events go unwrapped.
    assert_eq!(request.header("authorization"), None);
    assert_eq!(
        request.header("content-type"),
        Some("application/vnd.amazon.eventstream")
    );
    let messages = loopback::messages(&request.body);
    let kinds: Vec<(String, Vec<u8>)> = messages
        .iter()
        .map(|m| {
            (
                loopback::text_header(m, ":event-type"),
                m.payload().to_vec(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("initial-request".to_string(), br#"{"Name":"n"}"#.to_vec()),
            (
                "Changed".to_string(),
                br#"{"Name":"t1","Status":"PENDING"}"#.to_vec()
            ),
            ("Changed".to_string(), br#"{"Name":"t2"}"#.to_vec()),
        ]
    );
}

#[tokio::test]
async fn a_bad_line_on_standard_input_fails_the_call_naming_the_line() {
    let server = Server::start("features", vec![ok()]).await;
    for (stdin, expected) in [
        (
            &b"{\"Changed\":{\"Name\":\"t1\"}}\n{\"Changed\":\n"[..],
            "standard input, line 2: not a JSON event",
        ),
        (&b"{\"Changed\":{}}\n"[..], "standard input, line 1: "),
        (&b"{\"Unknown\":{\"Name\":\"x\"}}\n"[..], "Unknown"),
    ] {
        let run = cli(&server, &["watch-things", "--events", "-"], stdin).await;
        assert_ne!(run.code, 0, "{}", run.stdout);
        assert!(
            run.stderr.contains(expected),
            "{expected:?} in {}",
            run.stderr
        );
    }
}

/// A client that sends unsigned (events unwrapped), to `server`.
fn unsigned(server: &Server) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.url())
        .sign_requests(false)
        .retry_config(RetryConfig::disabled())
        .build();
    Client::new(config).expect("valid config")
}

/// The last event message the server saw (after the initial request).
fn last_event(server: &Server) -> aws_smithy_types::event_stream::Message {
    let seen = server.seen_unsigned();
    let request = seen.last().expect("a request");
    let mut messages = loopback::messages(&request.body);
    assert_eq!(messages.len(), 2, "the initial request and the event");
    messages.pop().expect("the event")
}

/// One runtime and one server for every case of the property test.
fn shared() -> &'static (tokio::runtime::Runtime, Server) {
    static SHARED: std::sync::OnceLock<(tokio::runtime::Runtime, Server)> =
        std::sync::OnceLock::new();
    SHARED.get_or_init(|| {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        let server = runtime.block_on(Server::start("features", vec![ok()]));
        (runtime, server)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any values of every event-header type, and any payload text, arrive as sent: each
    /// member in its header of its type (read by `aws-smithy-eventstream`), the payload raw.
    #[test]
    fn event_headers_of_every_type_arrive_as_sent(
        tag in any::<String>(),
        count in any::<i32>(),
        big in any::<i64>(),
        small in any::<i16>(),
        tiny in any::<i8>(),
        flag in any::<bool>(),
        millis in -62_135_596_800_000i64..253_402_300_799_000,
        raw in proptest::collection::vec(any::<u8>(), 0..64),
        note in any::<String>(),
    ) {
        let (runtime, server) = shared();
        let event = Tagged::builder()
            .tag(tag.clone())
            .count(count)
            .big(big)
            .small(small)
            .tiny(tiny)
            .flag(flag)
            .stamp(DateTime::from_secs_and_nanos(
                millis.div_euclid(1000),
                (millis.rem_euclid(1000) as u32) * 1_000_000,
            ))
            .raw(raw.clone())
            .note(note.clone())
            .build();
        runtime
            .block_on(unsigned(server).watch_things().events(vec![ThingEvents::Tagged(event)]).send())
            .expect("the call succeeds");
        let message = last_event(server);
        prop_assert_eq!(loopback::text_header(&message, ":event-type"), "Tagged");
        let header = |name: &str| loopback::header(&message, name).clone();
        prop_assert_eq!(header("Tag"), HeaderValue::String(tag.into()));
        prop_assert_eq!(header("Count"), HeaderValue::Int32(count));
        prop_assert_eq!(header("Big"), HeaderValue::Int64(big));
        prop_assert_eq!(header("Small"), HeaderValue::Int16(small));
        prop_assert_eq!(header("Tiny"), HeaderValue::Byte(tiny));
        prop_assert_eq!(header("Flag"), HeaderValue::Bool(flag));
        let HeaderValue::Timestamp(stamp) = header("Stamp") else {
            panic!("a timestamp header");
        };
        prop_assert_eq!(
            std::time::SystemTime::try_from(stamp).expect("in range"),
            std::time::UNIX_EPOCH
                .checked_add(std::time::Duration::from_millis(millis.max(0) as u64))
                .filter(|_| millis >= 0)
                .or_else(|| std::time::UNIX_EPOCH
                    .checked_sub(std::time::Duration::from_millis(millis.unsigned_abs())))
                .expect("in range")
        );
        prop_assert_eq!(header("Raw"), HeaderValue::ByteArray(raw.into()));
        prop_assert_eq!(&message.payload()[..], note.as_bytes());
    }
}

#[tokio::test]
async fn a_header_too_long_for_a_frame_fails_the_call_without_sending_the_end() {
    let server = Server::start("features", vec![ok()]).await;
    let event = Tagged::builder().tag("x".repeat(40_000)).build();
    let error = unsigned(&server)
        .watch_things()
        .events(vec![ThingEvents::Tagged(event)])
        .send()
        .await
        .expect_err("a string header holds at most 32 KiB");
    assert!(
        error.to_string().to_lowercase().contains("header"),
        "{error}"
    );
}
