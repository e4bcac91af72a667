//! The generated Polly client's `StartSpeechSynthesisStream`, a duplex event stream whose
//! protocol trait requires HTTP/2 (`eventStreamHttp: ["h2"]`), against a loopback server that
//! speaks HTTP/2 with prior knowledge only. The request must arrive over HTTP/2 with its SigV4
//! signature valid (checked by the reference `aws-sigv4`); every input event's chained
//! signature is re-computed with `aws-sigv4`'s event-stream signer; the output events the
//! server streams back arrive typed and in order.

mod support;

use std::time::Duration;

use polly::Client;
use polly::config::{Config, Credentials, RetryConfig};
use polly::primitives::InputEvents;
use polly::types::{
    CloseStreamEvent, Engine, OutputFormat, StartSpeechSynthesisStreamActionStream as Action,
    StartSpeechSynthesisStreamEventStream as Event, TextEvent, VoiceId,
};
use support::Server;

fn client(server: &Server) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.url())
        .credentials(Credentials::new(support::ACCESS_KEY, support::SECRET, None))
        .retry_config(RetryConfig::default().with_initial_backoff(Duration::from_millis(5)))
        .build();
    Client::new(config).expect("valid config")
}

/// One event-stream message with string headers (written out here, independently of the
/// client's own encoder).
fn event(event_type: &str, content_type: &str, payload: &[u8]) -> Vec<u8> {
    support::frame(
        &[
            (":message-type", "event"),
            (":event-type", event_type),
            (":content-type", content_type),
        ],
        payload,
    )
}

#[tokio::test]
async fn a_duplex_stream_goes_over_http2_with_every_event_signed_in_a_chain() {
    let server = Server::start_h2c(
        "polly",
        vec![(
            200,
            vec![("content-type", "application/vnd.amazon.eventstream")],
            [
                event("AudioEvent", "application/octet-stream", b"\x00\x01audio-1"),
                event("AudioEvent", "application/octet-stream", b"audio-2"),
                event("StreamClosedEvent", "application/json", br#"{"RequestCharacters":12}"#),
            ]
            .concat(),
        )],
    )
    .await;
    let text = |text: &str| Action::TextEvent(TextEvent::builder().text(text).build().expect("text"));
    let input = InputEvents::from(vec![
        text("Hello, "),
        text("world!"),
        Action::CloseStreamEvent(CloseStreamEvent::builder().build()),
    ]);
    let mut output = client(&server)
        .start_speech_synthesis_stream()
        .engine(Engine::Generative)
        .output_format(OutputFormat::Mp3)
        .voice_id(VoiceId::Joanna)
        .action_stream(input)
        .send()
        .await
        .expect("the stream starts");
    let mut received = Vec::new();
    while let Some(event) = output.event_stream.recv().await.expect("no error") {
        received.push(event);
    }
    let [Event::AudioEvent(first), Event::AudioEvent(second), Event::StreamClosedEvent(closed)] =
        received.as_slice()
    else {
        panic!("two audio events and the end, got {received:?}");
    };
    assert_eq!(first.audio_chunk.as_deref(), Some(&b"\x00\x01audio-1"[..]));
    assert_eq!(second.audio_chunk.as_deref(), Some(&b"audio-2"[..]));
    assert_eq!(closed.request_characters, 12);

    // `seen` asserts the request's SigV4 signature checked out (`host` signed, as sent).
    let seen = server.seen();
    let request = &seen[0];
    assert_eq!(request.version, http::Version::HTTP_2);
    assert_eq!((request.method.as_str(), request.uri.as_str()), ("POST", "/v1/synthesisStream"));
    // `:authority`, and the signed `host` equal to it.
    assert_eq!(request.authority.as_deref(), server.url().strip_prefix("http://"));
    assert_eq!(request.header("host"), request.authority.as_deref());
    for forbidden in ["connection", "transfer-encoding", "keep-alive", "upgrade"] {
        assert_eq!(request.header(forbidden), None, "{forbidden} over HTTP/2");
    }
    assert_eq!(request.header("x-amzn-engine"), Some("generative"));
    assert_eq!(request.header("x-amzn-voiceid"), Some("Joanna"));
    assert_eq!(
        request.header("x-amz-content-sha256"),
        Some("STREAMING-AWS4-HMAC-SHA256-EVENTS")
    );
    let seed = support::seed_signature(request);
    let events = support::verify_chain(&request.body, &seed, "polly");
    let kinds: Vec<(String, Vec<u8>)> = events
        .iter()
        .map(|e| (support::text_header(e, ":event-type"), e.payload().to_vec()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("TextEvent".to_string(), br#"{"Text":"Hello, "}"#.to_vec()),
            ("TextEvent".to_string(), br#"{"Text":"world!"}"#.to_vec()),
            // No members: an empty payload.
            ("CloseStreamEvent".to_string(), Vec::new()),
        ]
    );
}
