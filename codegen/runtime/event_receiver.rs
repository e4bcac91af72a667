//! Output event streams: the typed events of a response body, decoded as they arrive. A
//! message is read from the network only when the caller asks for the next event, and at most
//! one message is buffered, so a slow reader slows the sender (TCP's back-pressure) instead of
//! filling memory.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::byte_stream::ByteStream;
use super::datetime::DateTime;
use super::event_stream::{Decoder, HeaderValue, Message};
use super::json::{DeserializeError, ErrorResponse};
use super::transport::TransportError;

/// The events of an operation's output stream: `T` is the stream's event union, `E` the
/// operation's error (a modeled exception the service sends mid-stream is one of its
/// variants). Read with [`recv`](EventReceiver::recv), or as a [`futures_core::Stream`]. After
/// an error the stream is over.
pub struct EventReceiver<T, E> {
    body: ByteStream,
    decoder: Decoder,
    read: fn(&Message) -> Result<T, E>,
    malformed: fn(DeserializeError) -> E,
    transport: fn(TransportError) -> E,
    /// A message read ahead (the first, when it was not an `initial-response`).
    peeked: Option<Message>,
    done: bool,
}

impl<T, E> EventReceiver<T, E> {
    /// The events of `body`, each message turned into an event (or an error) by `read`;
    /// a broken frame is a `malformed` error, a broken connection a `transport` one.
    pub(crate) fn new(
        body: ByteStream,
        read: fn(&Message) -> Result<T, E>,
        malformed: fn(DeserializeError) -> E,
        transport: fn(TransportError) -> E,
    ) -> Self {
        EventReceiver {
            body,
            decoder: Decoder::new(),
            read,
            malformed,
            transport,
            peeked: None,
            done: false,
        }
    }

    /// The stream's `initial-response` message (an RPC protocol's: it carries the output's
    /// other members), when the stream starts with one; any other first message stays to be
    /// read as an event. A stream that starts broken is an error here.
    pub(crate) async fn initial_response(&mut self) -> Result<Option<Message>, E> {
        let first = std::future::poll_fn(|cx| self.poll_message(cx)).await?;
        match first {
            Some(message) if is_initial_response(&message) => Ok(Some(message)),
            Some(message) => {
                self.peeked = Some(message);
                Ok(None)
            }
            None => Ok(None),
        }
    }

    /// The next event; `Ok(None)` when the stream has ended.
    pub async fn recv(&mut self) -> Result<Option<T>, E> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<T>, E>> {
        let message = match self.poll_message(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Ok(Some(message))) => message,
            Poll::Ready(Ok(None)) => return Poll::Ready(Ok(None)),
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
        };
        let event = (self.read)(&message);
        // A modeled exception or an `error` message ends the stream.
        if event.is_err() {
            self.done = true;
        }
        Poll::Ready(event.map(Some))
    }

    /// The next whole message; `Ok(None)` at the end.
    fn poll_message(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<Message>, E>> {
        if let Some(message) = self.peeked.take() {
            return Poll::Ready(Ok(Some(message)));
        }
        loop {
            if self.done {
                return Poll::Ready(Ok(None));
            }
            match self.decoder.next_message() {
                Ok(Some(message)) => return Poll::Ready(Ok(Some(message))),
                Ok(None) => {}
                Err(e) => return Poll::Ready(Err(self.fail_malformed(e.to_string()))),
            }
            // Only now, with no whole message buffered, read more.
            match self.body.poll_chunk(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => self.decoder.push(&chunk),
                Poll::Ready(Some(Err(e))) => {
                    self.done = true;
                    return Poll::Ready(Err((self.transport)(e.into_transport())));
                }
                Poll::Ready(None) => {
                    self.done = true;
                    return Poll::Ready(match self.decoder.finish() {
                        Ok(()) => Ok(None),
                        Err(e) => Err(self.fail_malformed(e.to_string())),
                    });
                }
            }
        }
    }

    fn fail_malformed(&mut self, message: String) -> E {
        self.done = true;
        (self.malformed)(DeserializeError::new(message))
    }
}

impl<T, E> fmt::Debug for EventReceiver<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventReceiver")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<T, E> futures_core::Stream for EventReceiver<T, E> {
    type Item = Result<T, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_recv(cx).map(Result::transpose)
    }
}

/// The command line's JSON of an output holding a stream: the stream is not part of it.
impl<T, E> super::json::WriteJson for EventReceiver<T, E> {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"null");
    }
}

/// Nor is it read from JSON: it comes from a response.
impl<T, E> super::json::ReadJson for EventReceiver<T, E> {
    fn read_json(_: &serde_json::Value) -> Result<Self, DeserializeError> {
        Err(DeserializeError::new(
            "an event stream is read from a response, not from JSON",
        ))
    }
}

/// What a message is, by its `:message-type` header.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Kind<'m> {
    /// `event`, with its `:event-type`.
    Event(&'m str),
    /// `exception`: a modeled error, by its `:exception-type`.
    Exception(&'m str),
    /// `error`: an error the model does not describe.
    Error,
}

/// The kind of `message`; a missing or malformed `:message-type` (or `:event-type`,
/// `:exception-type`) is an error.
pub(crate) fn kind(message: &Message) -> Result<Kind<'_>, DeserializeError> {
    let text = |name: &str| match message.header(name) {
        Some(HeaderValue::String(value)) => Ok(value.as_str()),
        Some(_) => Err(DeserializeError::new(format!(
            "the event-stream header {name} is not a string"
        ))),
        None => Err(DeserializeError::new(format!(
            "an event-stream message without a {name} header"
        ))),
    };
    match text(":message-type")? {
        "event" => Ok(Kind::Event(text(":event-type")?)),
        "exception" => Ok(Kind::Exception(text(":exception-type")?)),
        "error" => Ok(Kind::Error),
        other => Err(DeserializeError::new(format!(
            "unknown event-stream message type {other:?}"
        ))),
    }
}

/// An `error` message (or an exception the model does not know) as an unmodeled error:
/// `:error-code` and `:error-message`, or the exception's type.
pub(crate) fn unmodeled(message: &Message) -> ErrorResponse {
    let text = |name: &str| message.header(name).and_then(HeaderValue::as_str);
    ErrorResponse {
        status: 200,
        query_code: None,
        body: serde_json::Value::Object(Default::default()),
        code: text(":error-code")
            .or_else(|| text(":exception-type"))
            .map(str::to_string),
        message: text(":error-message").map(str::to_string).or_else(|| {
            // An unknown exception's payload may say what happened.
            serde_json::from_slice::<serde_json::Value>(&message.payload)
                .ok()
                .and_then(|v| {
                    ["message", "Message", "errorMessage"]
                        .iter()
                        .find_map(|k| v.get(*k).and_then(|m| m.as_str()).map(str::to_string))
                })
        }),
        request_id: None,
    }
}

/// A value an `@eventHeader` member holds.
pub(crate) trait FromHeader: Sized {
    fn from_header(value: &HeaderValue) -> Option<Self>;
}

impl FromHeader for bool {
    fn from_header(value: &HeaderValue) -> Option<Self> {
        value.as_bool()
    }
}

macro_rules! from_header {
    ($($ty:ty: $variant:ident),*) => {
        $(impl FromHeader for $ty {
            fn from_header(value: &HeaderValue) -> Option<Self> {
                match value {
                    HeaderValue::$variant(v) => Some(*v),
                    _ => None,
                }
            }
        })*
    };
}

from_header!(i8: Byte, i16: Int16, i32: Int32, i64: Int64);

impl FromHeader for String {
    fn from_header(value: &HeaderValue) -> Option<Self> {
        value.as_str().map(str::to_string)
    }
}

impl FromHeader for Vec<u8> {
    fn from_header(value: &HeaderValue) -> Option<Self> {
        value.as_bytes().map(<[u8]>::to_vec)
    }
}

impl FromHeader for DateTime {
    fn from_header(value: &HeaderValue) -> Option<Self> {
        match value {
            HeaderValue::Timestamp(millis) => Some(DateTime::from_secs_and_nanos(
                millis.div_euclid(1000),
                (millis.rem_euclid(1000) * 1_000_000) as u32,
            )),
            _ => None,
        }
    }
}

/// The `@eventHeader` `name` of `message`, when it is there; of another type, an error.
pub(crate) fn header<T: FromHeader>(
    message: &Message,
    name: &str,
) -> Result<Option<T>, DeserializeError> {
    match message.header(name) {
        None => Ok(None),
        Some(value) => T::from_header(value).map(Some).ok_or_else(|| {
            DeserializeError::new(format!(
                "the event header {name} has value type {}, not the member's",
                value.type_code()
            ))
        }),
    }
}

/// An `event` message whose `:event-type` is `initial-response`.
fn is_initial_response(message: &Message) -> bool {
    let text = |name| message.header(name).and_then(HeaderValue::as_str);
    text(":message-type") == Some("event") && text(":event-type") == Some("initial-response")
}

/// The payload as UTF-8 text.
pub(crate) fn text_payload(message: &Message) -> Result<String, DeserializeError> {
    std::str::from_utf8(&message.payload)
        .map(str::to_string)
        .map_err(|_| DeserializeError::new("the event payload is not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use bytes::Bytes;
    use proptest::prelude::*;

    use super::*;
    use crate::runtime::event_stream::encode;
    use crate::runtime::transport::BoxError;

    #[derive(Debug, PartialEq)]
    enum Failure {
        Modeled(String),
        Malformed(String),
        Transport(String),
    }

    fn read(message: &Message) -> Result<String, Failure> {
        match kind(message).map_err(|e| Failure::Malformed(e.to_string()))? {
            Kind::Event(event) => Ok(format!(
                "{event}:{}",
                text_payload(message).unwrap_or_default()
            )),
            Kind::Exception(name) => Err(Failure::Modeled(name.to_string())),
            Kind::Error => Err(Failure::Modeled(
                unmodeled(message).code.unwrap_or_default(),
            )),
        }
    }

    fn event(event_type: &str, payload: &str) -> Message {
        Message::new(Bytes::copy_from_slice(payload.as_bytes()))
            .with_header(":message-type", HeaderValue::String("event".into()))
            .with_header(":event-type", HeaderValue::String(event_type.into()))
    }

    fn frames(messages: &[Message]) -> Vec<u8> {
        let mut out = Vec::new();
        for message in messages {
            encode(message, &mut out).expect("encodable");
        }
        out
    }

    /// A body yielding `chunks`, then `end` (an error, if any).
    struct Chunks(VecDeque<Result<Bytes, String>>);

    impl http_body::Body for Chunks {
        type Data = Bytes;
        type Error = BoxError;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
            Poll::Ready(
                self.0
                    .pop_front()
                    .map(|c| c.map(http_body::Frame::data).map_err(BoxError::from)),
            )
        }
    }

    fn receiver(chunks: Vec<Result<Bytes, String>>) -> EventReceiver<String, Failure> {
        EventReceiver::new(
            ByteStream::from_body(Chunks(chunks.into())),
            read,
            |e| Failure::Malformed(e.to_string()),
            |e| Failure::Transport(e.to_string()),
        )
    }

    async fn drain(mut events: EventReceiver<String, Failure>) -> Vec<Result<String, Failure>> {
        let mut out = Vec::new();
        loop {
            match events.recv().await {
                Ok(Some(event)) => out.push(Ok(event)),
                Ok(None) => return out,
                Err(e) => out.push(Err(e)),
            }
        }
    }

    #[tokio::test]
    async fn events_come_in_order_and_an_exception_ends_the_stream() {
        let exception = Message::new(Bytes::from_static(b"{}"))
            .with_header(":message-type", HeaderValue::String("exception".into()))
            .with_header(":exception-type", HeaderValue::String("Throttled".into()));
        let bytes = frames(&[event("a", "1"), event("b", "2"), exception, event("c", "3")]);
        let got = drain(receiver(vec![Ok(Bytes::from(bytes))])).await;
        assert_eq!(
            got,
            vec![
                Ok("a:1".to_string()),
                Ok("b:2".to_string()),
                Err(Failure::Modeled("Throttled".into()))
            ]
        );
    }

    #[tokio::test]
    async fn an_initial_response_is_taken_first_and_a_stream_without_one_loses_no_event() {
        let with = frames(&[
            event("initial-response", "{\"id\":\"s-1\"}"),
            event("tick", "1"),
        ]);
        let mut events = receiver(vec![Ok(Bytes::from(with))]);
        let initial = events
            .initial_response()
            .await
            .expect("read")
            .expect("present");
        assert_eq!(&initial.payload[..], b"{\"id\":\"s-1\"}");
        assert_eq!(drain(events).await, [Ok("tick:1".to_string())]);

        // Missing: the first message is the first event, read once.
        let without = frames(&[event("tick", "1"), event("tick", "2")]);
        let mut events = receiver(vec![Ok(Bytes::from(without))]);
        assert!(events.initial_response().await.expect("read").is_none());
        assert_eq!(
            drain(events).await,
            [Ok("tick:1".to_string()), Ok("tick:2".to_string())]
        );

        // An empty stream has neither; a broken one fails at once.
        let mut events = receiver(vec![]);
        assert!(events.initial_response().await.expect("read").is_none());
        assert!(drain(events).await.is_empty());
        let mut events = receiver(vec![Ok(Bytes::from_static(b"\0\0\0\x05junk"))]);
        assert!(events.initial_response().await.is_err());
    }

    #[tokio::test]
    async fn a_truncated_frame_a_bad_crc_and_a_broken_connection_are_errors() {
        let mut bytes = frames(&[event("a", "1"), event("b", "2")]);
        let truncated = Bytes::copy_from_slice(&bytes[..bytes.len() - 3]);
        let got = drain(receiver(vec![Ok(truncated)])).await;
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], Ok("a:1".to_string()));
        assert!(
            matches!(&got[1], Err(Failure::Malformed(m)) if m.contains("truncated") || m.contains("ended")),
            "{got:?}"
        );

        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let got = drain(receiver(vec![Ok(Bytes::from(bytes.clone()))])).await;
        assert!(
            matches!(&got[1], Err(Failure::Malformed(m)) if m.contains("CRC")),
            "{got:?}"
        );

        let got = drain(receiver(vec![
            Ok(Bytes::from(frames(&[event("a", "1")]))),
            Err("connection reset".into()),
        ]))
        .await;
        assert!(
            matches!(&got[1], Err(Failure::Transport(m)) if m.contains("connection reset")),
            "{got:?}"
        );
    }

    #[tokio::test]
    async fn a_message_without_its_type_is_malformed_and_an_error_message_is_unmodeled() {
        let untyped = Message::new(Bytes::new());
        let got = drain(receiver(vec![Ok(Bytes::from(frames(&[untyped])))])).await;
        assert_eq!(
            got,
            vec![Err(Failure::Malformed(
                "malformed response body: an event-stream message without a :message-type header"
                    .into()
            ))]
        );
        let error = Message::new(Bytes::new())
            .with_header(":message-type", HeaderValue::String("error".into()))
            .with_header(":error-code", HeaderValue::String("InternalFailure".into()))
            .with_header(":error-message", HeaderValue::String("boom".into()));
        assert_eq!(unmodeled(&error).message.as_deref(), Some("boom"));
        let got = drain(receiver(vec![Ok(Bytes::from(frames(&[error])))])).await;
        assert_eq!(got, vec![Err(Failure::Modeled("InternalFailure".into()))]);
    }

    #[test]
    fn headers_are_read_by_type_and_a_mismatch_is_named() {
        let message = Message::new(Bytes::new())
            .with_header("flag", HeaderValue::Bool(true))
            .with_header("count", HeaderValue::Int32(7))
            .with_header("at", HeaderValue::Timestamp(1_700_000_000_250))
            .with_header(
                "blob",
                HeaderValue::ByteArray(Bytes::from_static(b"\x00\x01")),
            );
        assert_eq!(header::<bool>(&message, "flag"), Ok(Some(true)));
        assert_eq!(header::<i32>(&message, "count"), Ok(Some(7)));
        assert_eq!(header::<i64>(&message, "absent"), Ok(None));
        assert_eq!(header::<Vec<u8>>(&message, "blob"), Ok(Some(vec![0, 1])));
        let at = header::<DateTime>(&message, "at")
            .expect("a timestamp")
            .expect("set");
        assert_eq!((at.secs(), at.subsec_nanos()), (1_700_000_000, 250_000_000));
        let err = header::<String>(&message, "count").expect_err("an int, not a string");
        assert!(err.to_string().contains("count"), "{err}");
    }

    proptest! {
        /// Whatever the chunking, every event arrives once, in order, and the stream ends;
        /// the decoder never holds more than one message plus one chunk.
        #[test]
        fn any_chunking_yields_every_event_in_order(
            payloads in proptest::collection::vec("[a-z]{0,40}", 0..12),
            cuts in proptest::collection::vec(1usize..64, 1..20),
        ) {
            let messages: Vec<Message> = payloads.iter().map(|p| event("e", p)).collect();
            let bytes = frames(&messages);
            let mut chunks = Vec::new();
            let mut at = 0;
            let mut i = 0;
            while at < bytes.len() {
                let n = cuts[i % cuts.len()].min(bytes.len() - at);
                chunks.push(Ok(Bytes::copy_from_slice(&bytes[at..at + n])));
                at += n;
                i += 1;
            }
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
            let got = runtime.block_on(drain(receiver(chunks)));
            let expected: Vec<Result<String, Failure>> =
                payloads.iter().map(|p| Ok(format!("e:{p}"))).collect();
            prop_assert_eq!(got, expected);
        }

        /// Any bytes at all: events or one error, never a panic, and always an end.
        #[test]
        fn hostile_bytes_end_in_events_or_one_error(
            bytes in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
            let got = runtime.block_on(drain(receiver(vec![Ok(Bytes::from(bytes))])));
            prop_assert!(got.iter().filter(|r| r.is_err()).count() <= 1);
            if let Some(position) = got.iter().position(Result::is_err) {
                prop_assert_eq!(position, got.len() - 1);
            }
        }
    }
}
