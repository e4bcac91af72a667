// Checks of a signed input event stream, done with the reference `aws-sigv4` and
// `aws-smithy-eventstream` (included by the `support/mod.rs` of the fixtures that send events).

/// The event-stream messages of `body`, in order.
pub fn messages(mut body: &[u8]) -> Vec<aws_smithy_types::event_stream::Message> {
    let mut out = Vec::new();
    while !body.is_empty() {
        let len = u32::from_be_bytes(body[..4].try_into().expect("a prelude")) as usize;
        out.push(
            aws_smithy_eventstream::frame::read_message_from(&body[..len])
                .expect("a well-formed message"),
        );
        body = &body[len..];
    }
    out
}

/// The value of the header `name` of `message`, which must have it.
pub fn header<'a>(
    message: &'a aws_smithy_types::event_stream::Message,
    name: &str,
) -> &'a aws_smithy_types::event_stream::HeaderValue {
    message
        .headers()
        .iter()
        .find(|h| h.name().as_str() == name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .value()
}

/// The string header `name` of `message`.
pub fn text_header(message: &aws_smithy_types::event_stream::Message, name: &str) -> String {
    header(message, name)
        .as_string()
        .expect("a string header")
        .as_str()
        .to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `Signature=` of a request's `Authorization` header: the seed of its events' chain.
pub fn seed_signature(seen: &Seen) -> String {
    seen.header("authorization")
        .and_then(|a| a.rsplit_once("Signature="))
        .map(|(_, signature)| signature.to_string())
        .expect("a signature")
}

/// Checks the chain of signed envelopes a client sent for the service `signing_name` in
/// us-east-1, each signature re-computed by `aws-sigv4` from the one before (the first from
/// the request's `seed` signature) and the envelope's `:date`, and returns the messages they
/// carry; the last envelope must be the signed empty message that ends the stream.
pub fn verify_chain(
    body: &[u8],
    seed: &str,
    signing_name: &str,
) -> Vec<aws_smithy_types::event_stream::Message> {
    use aws_sigv4::event_stream::{sign_empty_message, sign_message};
    let identity: aws_smithy_runtime_api::client::identity::Identity =
        aws_credential_types::Credentials::new(ACCESS_KEY, SECRET, None, None, "test").into();
    let envelopes = messages(body);
    let mut previous = seed.to_string();
    let mut events = Vec::new();
    for (i, envelope) in envelopes.iter().enumerate() {
        let date = header(envelope, ":date")
            .as_timestamp()
            .expect("a timestamp :date");
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name(signing_name)
            .time(std::time::SystemTime::try_from(date).expect("a time"))
            .settings(())
            .build()
            .expect("params");
        let sent = hex(header(envelope, ":chunk-signature")
            .as_byte_array()
            .expect("bytes"));
        let inner = envelope.payload();
        let last = i == envelopes.len() - 1;
        assert_eq!(inner.is_empty(), last, "only the last envelope is empty");
        let expected = if last {
            sign_empty_message(&previous, &params)
        } else {
            let event = aws_smithy_eventstream::frame::read_message_from(&inner[..])
                .expect("an event inside");
            let signed = sign_message(&event, &previous, &params);
            events.push(event);
            signed
        };
        let (_, expected) = expected.expect("aws-sigv4 signs").into_parts();
        assert_eq!(sent, expected, "envelope {i}'s chained signature");
        previous = sent;
    }
    events
}
