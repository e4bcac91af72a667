//! Sending HTTP requests: a small trait, the default hyper + rustls implementation (module
//! `https`, with the crate's `default-https-client` feature, on by default), and an in-memory
//! one for tests and benchmarks.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

#[cfg(feature = "default-https-client")]
pub(crate) mod https;
#[cfg(feature = "default-https-client")]
pub use https::HyperClient;

/// A boxed, `Send` future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Any error, boxed: what a streamed body fails with.
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// A body read as it arrives: a `@streaming` upload, or a response a caller reads in pieces.
pub type BodyStream =
    Pin<Box<dyn http_body::Body<Data = bytes::Bytes, Error = BoxError> + Send + Sync + 'static>>;

/// Sends one HTTP request and reads the whole response. Implement it to bring your own HTTP
/// stack; the client adds signing, retries and timeouts around it. A crate built without its
/// `default-https-client` feature has no built-in one: every client needs
/// [`ConfigBuilder::http_client`](super::config::ConfigBuilder::http_client).
pub trait HttpClient: Send + Sync + fmt::Debug {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>>;

    /// Sends a request whose body is read as it is sent, and returns the response as soon as
    /// its head arrives, its body unread: for operations with a `@streaming` payload. The
    /// default reads the request body whole, calls [`send`](HttpClient::send) and hands the
    /// whole response back as a stream; the built-in client streams both ways.
    fn send_streaming(
        &self,
        request: http::Request<BodyStream>,
    ) -> BoxFuture<'_, Result<http::Response<BodyStream>, TransportError>> {
        Box::pin(async move {
            let (parts, mut body) = request.into_parts();
            let mut whole = Vec::new();
            while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
                let frame = frame.map_err(|e| {
                    TransportError::new(
                        TransportErrorKind::Io,
                        format!("reading the request body failed: {e}"),
                    )
                })?;
                if let Ok(data) = frame.into_data() {
                    whole.extend_from_slice(&data);
                }
            }
            let response = self.send(http::Request::from_parts(parts, whole)).await?;
            Ok(response
                .map(|body| Box::pin(WireBody::Full(Some(bytes::Bytes::from(body)))) as BodyStream))
        })
    }
}

/// What went wrong below HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be established (refused, DNS, TLS handshake).
    Connect,
    /// Connecting took longer than the connect timeout.
    ConnectTimeout,
    /// The response did not arrive within the read timeout.
    ReadTimeout,
    /// The connection failed mid-exchange (reset, closed early).
    Io,
    /// Anything else, such as a request the HTTP stack refused to send.
    Other,
}

/// A request that got no complete HTTP response.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl TransportError {
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    pub fn with_source(mut self, source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        self.source = Some(source.into());
        self
    }

    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether trying again may succeed: every transport failure is, as far as the client knows.
    pub fn is_retryable(&self) -> bool {
        !matches!(self.kind, TransportErrorKind::Other)
    }

    pub fn is_timeout(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::ConnectTimeout | TransportErrorKind::ReadTimeout
        )
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}

/// The largest response body a client reads by default (64 MiB): far above any API response,
/// far below what would exhaust memory. `HyperClient::with_max_response_bytes` changes it.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 << 20;

/// A request body: in one piece, its length known up front, or streamed (chunked unless the
/// stream knows its exact length).
pub(crate) enum WireBody {
    Full(Option<bytes::Bytes>),
    Stream(BodyStream),
}

impl http_body::Body for WireBody {
    type Data = bytes::Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        match self.get_mut() {
            WireBody::Full(data) => {
                let data = data.take().filter(|data| !data.is_empty());
                std::task::Poll::Ready(data.map(|data| Ok(http_body::Frame::data(data))))
            }
            WireBody::Stream(body) => body.as_mut().poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            WireBody::Full(data) => data.as_ref().is_none_or(bytes::Bytes::is_empty),
            WireBody::Stream(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match self {
            WireBody::Full(data) => {
                http_body::SizeHint::with_exact(data.as_ref().map_or(0, |data| data.len() as u64))
            }
            WireBody::Stream(body) => body.size_hint(),
        }
    }
}

/// A response body over the limit (not retried: the next answer would be as long).
pub(crate) fn too_long(limit: usize) -> TransportError {
    TransportError::new(
        TransportErrorKind::Other,
        format!("the response body is longer than the {limit}-byte limit"),
    )
}

type Handler =
    dyn Fn(http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> + Send + Sync;

/// Answers requests with a function, without any network: for tests and benchmarks.
#[derive(Clone)]
pub struct InMemory {
    handler: Arc<Handler>,
}

impl fmt::Debug for InMemory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InMemory")
    }
}

impl InMemory {
    pub fn new(
        handler: impl Fn(http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        InMemory {
            handler: Arc::new(handler),
        }
    }

    /// Always answers `status` with `body`.
    pub fn canned(status: u16, body: impl Into<Vec<u8>>) -> Self {
        let body = body.into();
        InMemory::new(move |_| {
            let mut response = http::Response::new(body.clone());
            *response.status_mut() = http::StatusCode::from_u16(status)
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            Ok(response)
        })
    }
}

impl HttpClient for InMemory {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        let result = (self.handler)(request);
        Box::pin(std::future::ready(result))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn in_memory_answers_without_network() {
        let client = InMemory::canned(201, "ok");
        let response = client
            .send(http::Request::new(Vec::new()))
            .await
            .expect("answers");
        assert_eq!(
            (response.status().as_u16(), response.body().as_slice()),
            (201, &b"ok"[..])
        );
    }
}
