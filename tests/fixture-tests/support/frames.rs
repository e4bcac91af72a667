// Event-stream frames written out here, independently of the generated client's encoder, for
// the loopback servers of the event-stream fixtures (included by their `support/mod.rs`).

/// One event-stream message with string headers.
pub fn frame(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut encoded = Vec::new();
    for (name, value) in headers {
        encoded.push(name.len() as u8);
        encoded.extend_from_slice(name.as_bytes());
        encoded.push(7);
        encoded.extend_from_slice(&(value.len() as u16).to_be_bytes());
        encoded.extend_from_slice(value.as_bytes());
    }
    let total = 12 + encoded.len() + payload.len() + 4;
    let mut out = Vec::new();
    out.extend_from_slice(&(total as u32).to_be_bytes());
    out.extend_from_slice(&(encoded.len() as u32).to_be_bytes());
    let prelude = crc32fast::hash(&out);
    out.extend_from_slice(&prelude.to_be_bytes());
    out.extend_from_slice(&encoded);
    out.extend_from_slice(payload);
    let message = crc32fast::hash(&out);
    out.extend_from_slice(&message.to_be_bytes());
    out
}

/// An `event` message of type `event_type` with a JSON payload.
#[allow(dead_code, reason = "shared with tests that use more of it")]
pub fn event(event_type: &str, json: &str) -> Vec<u8> {
    frame(
        &[
            (":message-type", "event"),
            (":event-type", event_type),
            (":content-type", "application/json"),
        ],
        json.as_bytes(),
    )
}

/// A modeled exception message of type `exception_type` with a JSON payload.
#[allow(dead_code, reason = "shared with tests that use more of it")]
pub fn exception(exception_type: &str, json: &str) -> Vec<u8> {
    frame(
        &[
            (":message-type", "exception"),
            (":exception-type", exception_type),
            (":content-type", "application/json"),
        ],
        json.as_bytes(),
    )
}

/// A 200 response whose body is `frames`, one after the other.
#[allow(dead_code, reason = "shared with tests that use more of it")]
pub fn stream(frames: &[Vec<u8>]) -> Reply {
    (
        200,
        vec![("content-type", "application/vnd.amazon.eventstream")],
        frames.concat(),
    )
}
