//! Input event streams: the events a call sends, as the request body. Included only in crates
//! with an operation whose input is an event stream.
//!
//! The caller hands the operation an [`InputEvents`]: any [`futures_core::Stream`] of the
//! stream's events, a `Vec` of them, or the receiving half of [`InputEvents::channel`], whose
//! [`EventSender`] sends events while the call runs. Each event is written as one
//! `application/vnd.amazon.eventstream` message when the transport asks for the next piece of
//! the body, so nothing is read ahead of the network: a slow connection holds the caller's
//! stream back (and a full channel holds back `send`). With SigV4, each message travels
//! inside a signed message that chains from the request's signature, and a last signed empty
//! message ends the stream.

use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use http_body::{Body, Frame, SizeHint};

use super::config::TimeSource;
use super::datetime::DateTime;
use super::event_signing::EventSigner;
use super::event_stream::{Header, HeaderValue, Message, encode};
use super::orchestrator::{EventSeed, SignEvents};
use super::transport::BoxError;

/// The events a call sends: an operation's input event stream.
///
/// ```ignore
/// // All at once:
/// let events = InputEvents::from(vec![first, second]);
/// // Or while the call runs, at most 8 waiting:
/// let (sender, events) = InputEvents::channel(8);
/// sender.send(first).await?;
/// drop(sender); // ends the stream
/// ```
pub struct InputEvents<E> {
    /// An error ends the request (see [`InputEvents::from_fallible_stream`]).
    events: Pin<Box<dyn Stream<Item = Result<E, String>> + Send>>,
}

impl<E: Send + 'static> InputEvents<E> {
    /// No events: the stream ends at once.
    pub fn new() -> Self {
        InputEvents::from(Vec::new())
    }

    /// The events `stream` yields, sent as they come; the stream ends when it does.
    pub fn from_stream<S>(stream: S) -> Self
    where
        S: Stream<Item = E> + Send + 'static,
    {
        InputEvents {
            events: Box::pin(Infallible(Box::pin(stream))),
        }
    }

    /// The events `stream` yields, sent as they come, until it ends or fails: an error ends
    /// the request unfinished (the service never sees the end of the stream) and the call
    /// fails with it. For sources that can break midway, such as a file or a socket read as
    /// the call runs.
    pub fn from_fallible_stream<S, X>(stream: S) -> Self
    where
        S: Stream<Item = Result<E, X>> + Send + 'static,
        X: fmt::Display,
    {
        InputEvents {
            events: Box::pin(Fallible(Box::pin(stream))),
        }
    }

    /// A channel: events given to the [`EventSender`] are sent in order, and the stream ends
    /// when every sender is dropped. At most `capacity` events (at least one) wait to be sent;
    /// beyond that, [`EventSender::send`] waits.
    pub fn channel(capacity: usize) -> (EventSender<E>, Self) {
        let (sender, receiver) = tokio::sync::mpsc::channel(capacity.max(1));
        (
            EventSender(sender),
            InputEvents::from_stream(Channel(receiver)),
        )
    }
}

impl<E: Send + 'static> InputEvents<E> {
    /// The events read from `lines` as they come, each made by `read` (the command line's
    /// input stream read from standard input); an error from either ends the request
    /// unfinished.
    #[allow(
        dead_code,
        reason = "used by the command-line client only (feature `cli`)"
    )]
    pub(crate) fn from_lines<T: Send + 'static>(
        lines: tokio::sync::mpsc::Receiver<Result<T, String>>,
        read: fn(T) -> Result<E, String>,
    ) -> Self {
        InputEvents::from_fallible_stream(Lines { lines, read })
    }
}

/// Lines received from a channel, each read as an event.
struct Lines<T, E> {
    lines: tokio::sync::mpsc::Receiver<Result<T, String>>,
    read: fn(T) -> Result<E, String>,
}

impl<T, E> Unpin for Lines<T, E> {}

impl<T, E> Stream for Lines<T, E> {
    type Item = Result<E, String>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let read = self.read;
        self.lines
            .poll_recv(cx)
            .map(|line| line.map(|line| line.and_then(read)))
    }
}

impl<E: Send + 'static> Default for InputEvents<E> {
    fn default() -> Self {
        InputEvents::new()
    }
}

impl<E: Send + 'static> From<Vec<E>> for InputEvents<E> {
    fn from(events: Vec<E>) -> Self {
        InputEvents::from_stream(Events(events.into_iter()))
    }
}

impl<E> fmt::Debug for InputEvents<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InputEvents(<stream>)")
    }
}

/// A stream that cannot fail, as the fallible kind.
struct Infallible<S>(Pin<Box<S>>);

impl<S: Stream> Stream for Infallible<S> {
    type Item = Result<S::Item, String>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.as_mut().poll_next(cx).map(|item| item.map(Ok))
    }
}

/// A stream that can fail, its errors as text.
struct Fallible<S>(Pin<Box<S>>);

impl<E, X: fmt::Display, S: Stream<Item = Result<E, X>>> Stream for Fallible<S> {
    type Item = Result<E, String>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .as_mut()
            .poll_next(cx)
            .map(|item| item.map(|event| event.map_err(|e| e.to_string())))
    }
}

/// Not written as JSON: its events are sent as messages, one by one (the command-line client
/// shows an input's stream as `null`).
impl<E> super::json::WriteJson for InputEvents<E> {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"null");
    }
}

/// A JSON array of events (the command-line client's form of an input stream), sent in order.
impl<E: super::json::ReadJson + Send + 'static> super::json::ReadJson for InputEvents<E> {
    fn read_json(value: &serde_json::Value) -> Result<Self, super::json::DeserializeError> {
        let events = Vec::<E>::read_json(value)?;
        Ok(InputEvents::from(events))
    }
}

/// Sends events into an [`InputEvents::channel`]. Clone it to send from several tasks; the
/// stream ends when the last one is dropped.
pub struct EventSender<E>(tokio::sync::mpsc::Sender<E>);

impl<E> EventSender<E> {
    /// Queues `event`, waiting while the channel is full. An error gives the event back: the
    /// call has ended (it failed, or the service closed the stream).
    pub async fn send(&self, event: E) -> Result<(), StreamClosed<E>> {
        self.0
            .send(event)
            .await
            .map_err(|tokio::sync::mpsc::error::SendError(event)| StreamClosed(event))
    }
}

impl<E> Clone for EventSender<E> {
    fn clone(&self) -> Self {
        EventSender(self.0.clone())
    }
}

impl<E> fmt::Debug for EventSender<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSender")
            .field("closed", &self.0.is_closed())
            .finish()
    }
}

/// An event that could not be sent because the call's stream has ended; the event is given
/// back.
pub struct StreamClosed<E>(pub E);

impl<E> fmt::Debug for StreamClosed<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StreamClosed(..)")
    }
}

impl<E> fmt::Display for StreamClosed<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the event stream has ended: the call is over")
    }
}

impl<E> std::error::Error for StreamClosed<E> {}

/// The events of a `Vec`.
struct Events<E>(std::vec::IntoIter<E>);

impl<E> Unpin for Events<E> {}

impl<E> Stream for Events<E> {
    type Item = E;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<E>> {
        Poll::Ready(self.0.next())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

/// The receiving half of a channel.
struct Channel<E>(tokio::sync::mpsc::Receiver<E>);

impl<E> Stream for Channel<E> {
    type Item = E;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<E>> {
        self.0.poll_recv(cx)
    }
}

/// A member value as an `@eventHeader` of the type its target has.
pub(crate) trait ToHeader {
    fn to_header(&self) -> HeaderValue;
}

impl ToHeader for bool {
    fn to_header(&self) -> HeaderValue {
        HeaderValue::Bool(*self)
    }
}

impl ToHeader for i8 {
    fn to_header(&self) -> HeaderValue {
        HeaderValue::Byte(*self)
    }
}

impl ToHeader for i16 {
    fn to_header(&self) -> HeaderValue {
        HeaderValue::Int16(*self)
    }
}

impl ToHeader for i32 {
    fn to_header(&self) -> HeaderValue {
        HeaderValue::Int32(*self)
    }
}

impl ToHeader for i64 {
    fn to_header(&self) -> HeaderValue {
        HeaderValue::Int64(*self)
    }
}

impl ToHeader for String {
    fn to_header(&self) -> HeaderValue {
        HeaderValue::String(self.clone())
    }
}

impl ToHeader for Vec<u8> {
    fn to_header(&self) -> HeaderValue {
        HeaderValue::ByteArray(Bytes::copy_from_slice(self))
    }
}

impl ToHeader for DateTime {
    /// Milliseconds since the epoch (sub-millisecond digits dropped), saturating at the range
    /// an `i64` holds.
    fn to_header(&self) -> HeaderValue {
        let millis = i64::from(self.subsec_nanos() / 1_000_000);
        HeaderValue::Timestamp(self.secs().saturating_mul(1000).saturating_add(millis))
    }
}

/// `name: value` (a `:`-prefixed header the protocol sets, such as `:event-type`).
pub(crate) fn text_header(name: &'static str, value: &'static str) -> Header {
    Header::new(name, HeaderValue::String(value.to_string()))
}

/// Writes one event as a message; an event that cannot be sent (one this version does not
/// know) is an error that ends the request.
pub(crate) type WriteEvent<E> = fn(&E) -> Result<Message, String>;

/// The `initial-request` message of an RPC protocol's input event stream: the input's other
/// members as the document `json`, whose media type is `content_type` (the protocol's, such as
/// `application/x-amz-json-1.1`). It goes first, signed like the events after it.
pub(crate) fn initial_request(content_type: &'static str, json: Vec<u8>) -> Message {
    Message {
        headers: vec![
            text_header(":message-type", "event"),
            text_header(":event-type", "initial-request"),
            text_header(":content-type", content_type),
        ],
        payload: json.into(),
    }
}

/// The request body of an input event stream, and the request extension that signs it.
/// `initial`, when given (an RPC protocol's [`initial_request`]), is sent before the events.
pub(crate) fn body<E: Send + 'static>(
    events: InputEvents<E>,
    write: WriteEvent<E>,
    initial: Option<Message>,
) -> (EventBody, SignEvents) {
    let signing: Arc<Mutex<Option<Signing>>> = Arc::default();
    let slot = signing.clone();
    let sign = SignEvents(Arc::new(move |seed: EventSeed<'_>| {
        let signer = EventSigner::new(seed.credentials, seed.region, seed.service, seed.signature);
        *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(Signing {
            signer,
            now: seed.now,
        });
    }));
    let body = EventBody {
        source: Mutex::new(Box::new(Written {
            initial,
            events,
            write,
        })),
        signing,
        ended: false,
    };
    (body, sign)
}

struct Signing {
    signer: EventSigner,
    now: TimeSource,
}

/// The caller's events, written as messages.
trait Messages: Send {
    fn poll_message(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Message, String>>>;
}

struct Written<E> {
    /// The message that goes before the events, until it has gone.
    initial: Option<Message>,
    events: InputEvents<E>,
    write: WriteEvent<E>,
}

impl<E> Messages for Written<E> {
    fn poll_message(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Message, String>>> {
        if let Some(initial) = self.initial.take() {
            return Poll::Ready(Some(Ok(initial)));
        }
        self.events
            .events
            .as_mut()
            .poll_next(cx)
            .map(|event| event.map(|event| event.and_then(|event| (self.write)(&event))))
    }
}

/// An input event stream as a request body: each event one frame (signed, once the request
/// is), then, when signed, the empty message that ends the stream.
pub(crate) struct EventBody {
    /// Behind a mutex only to make the body `Sync` as the transport requires; polling takes
    /// it through `&mut`, without locking.
    source: Mutex<Box<dyn Messages>>,
    signing: Arc<Mutex<Option<Signing>>>,
    ended: bool,
}

impl EventBody {
    /// `message` framed, and wrapped in a signed message when the request was signed.
    fn frame(&mut self, message: Option<Message>) -> Result<Option<Bytes>, BoxError> {
        let mut signing = self.signing.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out = Vec::new();
        match (message, signing.as_mut()) {
            (Some(message), None) => encode(&message, &mut out)?,
            (Some(message), Some(signing)) => {
                let mut event = Vec::new();
                encode(&message, &mut event)?;
                let signed = signing.signer.sign(Bytes::from(event), (signing.now)())?;
                encode(&signed, &mut out)?;
            }
            (None, None) => return Ok(None),
            (None, Some(_)) => {
                let Some(Signing { signer, now }) = signing.take() else {
                    return Ok(None);
                };
                encode(&signer.end(now()), &mut out)?;
            }
        }
        Ok(Some(Bytes::from(out)))
    }
}

impl Body for EventBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        if this.ended {
            return Poll::Ready(None);
        }
        let source = this
            .source
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        let message = match source.poll_message(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Some(Ok(message))) => Some(message),
            Poll::Ready(Some(Err(e))) => {
                this.ended = true;
                return Poll::Ready(Some(Err(e.into())));
            }
            Poll::Ready(None) => {
                this.ended = true;
                None
            }
        };
        match this.frame(message) {
            Ok(Some(bytes)) => Poll::Ready(Some(Ok(Frame::data(bytes)))),
            Ok(None) => Poll::Ready(None),
            Err(e) => {
                this.ended = true;
                Poll::Ready(Some(Err(e)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.ended
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use proptest::prelude::*;

    use super::*;
    use crate::runtime::credentials::Credentials;
    use crate::runtime::event_stream::Decoder;
    use crate::runtime::sigv4::hex;

    fn write(text: &String) -> Result<Message, String> {
        if text == "unsendable" {
            return Err("the event `unsendable` cannot be sent".to_string());
        }
        Ok(Message::new(Bytes::from(text.clone().into_bytes()))
            .with_header(":event-type", HeaderValue::String("text".to_string())))
    }

    async fn read_all(mut body: EventBody) -> Result<Vec<Message>, BoxError> {
        let mut decoder = Decoder::new();
        let mut messages = Vec::new();
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        {
            let data = frame?.into_data().map_err(|_| "trailers")?;
            decoder.push(&data);
            while let Some(message) = decoder.next_message()? {
                messages.push(message);
            }
        }
        decoder.finish()?;
        Ok(messages)
    }

    fn seed(sign: &SignEvents, time: SystemTime) {
        let credentials = Credentials::new("AKID", "SECRET", None);
        let signature = hex(&[7; 32]);
        (sign.0)(EventSeed {
            credentials: &credentials,
            region: "us-east-1",
            service: "svc",
            signature: &signature,
            now: Arc::new(move || time),
        });
    }

    #[tokio::test]
    async fn unsigned_events_go_as_messages_in_order() {
        let events = InputEvents::from(vec!["a".to_string(), "b".to_string()]);
        let (body, _) = body(events, write, None);
        let messages = read_all(body).await.expect("frames");
        let payloads: Vec<&[u8]> = messages.iter().map(|m| &m.payload[..]).collect();
        assert_eq!(payloads, [&b"a"[..], b"b"]);
    }

    #[tokio::test]
    async fn signed_events_are_wrapped_and_the_stream_ends_with_an_empty_signed_message() {
        let (body, sign) = body(InputEvents::from(vec!["a".to_string()]), write, None);
        seed(&sign, UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        let messages = read_all(body).await.expect("frames");
        assert_eq!(messages.len(), 2, "the event, then the end");
        for message in &messages {
            assert!(message.header(":chunk-signature").is_some());
            assert_eq!(
                message.header(":date"),
                Some(&HeaderValue::Timestamp(1_700_000_000_000))
            );
        }
        let mut inner = Decoder::new();
        inner.push(&messages[0].payload);
        let event = inner.next_message().expect("framed").expect("one message");
        assert_eq!(&event.payload[..], b"a");
        assert!(messages[1].payload.is_empty());
    }

    #[tokio::test]
    async fn an_event_that_cannot_be_written_fails_the_body() {
        let events = InputEvents::from(vec!["a".to_string(), "unsendable".to_string()]);
        let (body, _) = body(events, write, None);
        let error = read_all(body).await.expect_err("fails");
        assert!(error.to_string().contains("unsendable"), "{error}");
    }

    #[tokio::test]
    async fn a_failing_source_ends_the_body_with_its_error_and_never_with_the_end_message() {
        let source: Vec<Result<String, &str>> = vec![
            Ok("a".to_string()),
            Err("line 2: broken"),
            Ok("b".to_string()),
        ];
        let events = InputEvents::from_fallible_stream(Events(source.into_iter()));
        let (mut body, sign) = body(events, write, None);
        seed(&sign, UNIX_EPOCH);
        let mut frames = Vec::new();
        let error = loop {
            match std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
                Some(Ok(frame)) => frames.push(frame),
                Some(Err(e)) => break e,
                None => panic!("the body ended cleanly after {} frames", frames.len()),
            }
        };
        assert_eq!(frames.len(), 1, "the event before the failure");
        assert!(error.to_string().contains("line 2: broken"), "{error}");
        assert!(body.is_end_stream());
    }

    #[tokio::test]
    async fn a_channel_sends_while_the_body_is_read_and_ends_when_dropped() {
        let (sender, events) = InputEvents::channel(1);
        let (body, _) = body(events, write, None);
        let reader = tokio::spawn(read_all(body));
        for text in ["one", "two", "three"] {
            sender.send(text.to_string()).await.expect("open");
        }
        drop(sender);
        let messages = reader.await.expect("joined").expect("frames");
        assert_eq!(messages.len(), 3);
    }

    #[tokio::test]
    async fn sending_after_the_body_is_gone_gives_the_event_back() {
        let (sender, events) = InputEvents::channel(1);
        drop(body(events, write, None));
        let StreamClosed(event) = sender.send("late".to_string()).await.expect_err("closed");
        assert_eq!(event, "late");
    }

    proptest! {
        /// Any events, signed or not, after an initial request or not: the initial request
        /// comes first, every event arrives in order, whole, and a signed stream ends with its
        /// empty message.
        #[test]
        fn any_events_arrive_in_order(
            texts in proptest::collection::vec(".{0,40}", 0..12),
            signed in any::<bool>(),
            initial in proptest::option::of(".{0,40}"),
        ) {
            let texts: Vec<String> = texts.into_iter().filter(|t| t != "unsendable").collect();
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
            let first = initial
                .clone()
                .map(|json| initial_request("application/x-amz-json-1.1", json.into_bytes()));
            let (body, sign) = body(InputEvents::from(texts.clone()), write, first);
            if signed {
                seed(&sign, UNIX_EPOCH);
            }
            let messages = runtime.block_on(read_all(body)).expect("frames");
            let mut sent = Vec::new();
            for message in &messages {
                if signed {
                    if message.payload.is_empty() {
                        continue;
                    }
                    let mut inner = Decoder::new();
                    inner.push(&message.payload);
                    sent.push(inner.next_message().expect("framed").expect("one"));
                } else {
                    sent.push(message.clone());
                }
            }
            if let Some(json) = &initial {
                prop_assert!(!sent.is_empty());
                let first = sent.remove(0);
                prop_assert_eq!(
                    first.header(":event-type"),
                    Some(&HeaderValue::String("initial-request".to_string()))
                );
                prop_assert_eq!(
                    first.header(":content-type"),
                    Some(&HeaderValue::String("application/x-amz-json-1.1".to_string()))
                );
                prop_assert_eq!(&first.payload[..], json.as_bytes());
            }
            let payloads: Vec<String> = sent
                .iter()
                .map(|m| String::from_utf8(m.payload.to_vec()).expect("text"))
                .collect();
            prop_assert_eq!(payloads, texts.clone());
            if signed {
                prop_assert_eq!(messages.len(), texts.len() + usize::from(initial.is_some()) + 1);
                prop_assert!(messages.last().is_some_and(|m| m.payload.is_empty()));
            }
        }
    }
}
