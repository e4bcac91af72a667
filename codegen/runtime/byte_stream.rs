//! `@streaming` blobs: a body sent or received in pieces (an upload, Polly's audio), held whole
//! only when the caller asks.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use http_body::{Body, Frame, SizeHint};

use super::orchestrator::{Attempts, Auth, DispatchError, Handle, OperationEndpoint, SignEvents};
use super::sigv4::Payload;
use super::transport::{BodyStream, BoxError, TransportError, TransportErrorKind};

/// A streamed body: from bytes in memory, a file or any [`http_body::Body`] on the way out; as
/// it arrives from the network on the way in. Read it with [`next`](ByteStream::next) or as a
/// [`futures_core::Stream`] of chunks, or whole with [`collect`](ByteStream::collect).
///
/// A body from memory or a file is sent again when a request is retried; any other body is
/// read once, so a request carrying one is not retried.
pub struct ByteStream {
    inner: Inner,
    /// The most [`collect`](ByteStream::collect) reads: the client's `max_response_bytes` for
    /// a response, none for a body the caller made.
    limit: Option<usize>,
}

enum Inner {
    Bytes(Bytes),
    File(FileBody),
    Body(BodyStream),
}

impl ByteStream {
    /// An empty body.
    pub fn new() -> Self {
        ByteStream::from(Bytes::new())
    }

    /// The file at `path`, read as it is sent (and again on a retry). Its length is taken now
    /// and sent as `Content-Length`; a file that changes length while it is sent fails the
    /// request.
    pub fn from_path(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let len = std::fs::metadata(&path)?.len();
        Ok(ByteStream {
            inner: Inner::File(FileBody {
                path,
                len,
                read: 0,
                file: None,
            }),
            limit: None,
        })
    }

    /// Any body, read once. Its chunks are sent as they come (chunked, unless it knows its
    /// exact length).
    pub fn from_body<B>(body: B) -> Self
    where
        B: Body + Send + Sync + 'static,
        B::Error: Into<BoxError>,
    {
        ByteStream {
            inner: Inner::Body(Box::pin(AnyBody(Box::pin(body)))),
            limit: None,
        }
    }

    /// A response body, [`collect`](ByteStream::collect)ed up to `limit` bytes.
    pub(crate) fn from_response(body: BodyStream, limit: usize) -> Self {
        ByteStream {
            inner: Inner::Body(body),
            limit: Some(limit),
        }
    }

    /// The body's bytes, when it is held in memory.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.inner {
            Inner::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// Its length, when known before reading it.
    pub fn len_hint(&self) -> Option<u64> {
        self.size_hint().exact()
    }

    /// The next chunk; `None` at the end.
    pub async fn next(&mut self) -> Option<Result<Bytes, StreamError>> {
        std::future::poll_fn(|cx| self.poll_chunk(cx)).await
    }

    /// The whole body. For a response, at most the client's `max_response_bytes` (64 MiB
    /// unless configured): a longer one is an error; read it with [`next`](ByteStream::next)
    /// to handle it in pieces.
    pub async fn collect(mut self) -> Result<Bytes, StreamError> {
        if let Inner::Bytes(bytes) = &mut self.inner {
            return Ok(std::mem::take(bytes));
        }
        let limit = self.limit.unwrap_or(usize::MAX);
        if self.size_hint().lower() > limit as u64 {
            return Err(StreamError::too_long(limit));
        }
        let mut out = Vec::new();
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            if out.len() + chunk.len() > limit {
                return Err(StreamError::too_long(limit));
            }
            out.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(out))
    }

    /// The body as the transport sends it.
    pub(crate) fn into_body_stream(self) -> BodyStream {
        match self.inner {
            Inner::Body(body) => body,
            _ => Box::pin(self),
        }
    }

    /// A fresh copy of a body that can be sent again (in memory or a file, from its start).
    pub(crate) fn try_clone(&self) -> Option<ByteStream> {
        let inner = match &self.inner {
            Inner::Bytes(bytes) => Inner::Bytes(bytes.clone()),
            Inner::File(file) => Inner::File(FileBody {
                path: file.path.clone(),
                len: file.len,
                read: 0,
                file: None,
            }),
            Inner::Body(_) => return None,
        };
        Some(ByteStream {
            inner,
            limit: self.limit,
        })
    }

    /// The next chunk, when it is ready.
    pub(crate) fn poll_chunk(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, StreamError>>> {
        loop {
            return match Pin::new(&mut *self).poll_frame(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(None) => Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(StreamError::from(e)))),
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) if data.is_empty() => continue,
                    Ok(data) => Poll::Ready(Some(Ok(data))),
                    // Trailers carry no data.
                    Err(_) => continue,
                },
            };
        }
    }
}

impl Default for ByteStream {
    fn default() -> Self {
        ByteStream::new()
    }
}

impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        ByteStream {
            inner: Inner::Bytes(bytes),
            limit: None,
        }
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        ByteStream::from(Bytes::from(bytes))
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(bytes: &'static [u8]) -> Self {
        ByteStream::from(Bytes::from_static(bytes))
    }
}

impl From<String> for ByteStream {
    fn from(text: String) -> Self {
        ByteStream::from(Bytes::from(text))
    }
}

impl From<&'static str> for ByteStream {
    fn from(text: &'static str) -> Self {
        ByteStream::from(Bytes::from_static(text.as_bytes()))
    }
}

impl fmt::Debug for ByteStream {
    /// Bytes in memory are shown (as a `Vec<u8>` would be); a file by its path; a stream as
    /// such, unread.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Bytes(bytes) => f.debug_tuple("ByteStream").field(&bytes.as_ref()).finish(),
            Inner::File(file) => f
                .debug_struct("ByteStream")
                .field("path", &file.path)
                .field("len", &file.len)
                .finish(),
            Inner::Body(_) => f.write_str("ByteStream(<stream>)"),
        }
    }
}

impl Body for ByteStream {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut self.get_mut().inner {
            Inner::Bytes(bytes) if bytes.is_empty() => Poll::Ready(None),
            Inner::Bytes(bytes) => Poll::Ready(Some(Ok(Frame::data(std::mem::take(bytes))))),
            Inner::File(file) => file.poll_read(cx),
            Inner::Body(body) => body.as_mut().poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            Inner::Bytes(bytes) => bytes.is_empty(),
            Inner::File(file) => file.read == file.len,
            Inner::Body(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::Bytes(bytes) => SizeHint::with_exact(bytes.len() as u64),
            Inner::File(file) => SizeHint::with_exact(file.len - file.read),
            Inner::Body(body) => body.size_hint(),
        }
    }
}

impl futures_core::Stream for ByteStream {
    type Item = Result<Bytes, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_chunk(cx)
    }
}

impl Handle {
    /// [`invoke`](Handle::invoke) for an operation with a `@streaming` payload: `body` is sent
    /// as it is read (signed `UNSIGNED-PAYLOAD` unless it is in memory), and a successful
    /// response comes back with its body unread. An error response is read whole (within
    /// `max_response_bytes`) to be judged and parsed. A body that can be read only once is not
    /// retried.
    pub(crate) async fn invoke_streaming(
        &self,
        request: http::Request<ByteStream>,
        retryable_codes: &[&str],
        endpoint: OperationEndpoint,
    ) -> Result<http::Response<ByteStream>, DispatchError> {
        let own = self.own_target(endpoint)?;
        let target = self.target(&own);
        let (mut parts, body) = request.into_parts();
        self.address(&mut parts, target, body.len_hint())?;
        let sign_events = parts.extensions.get::<SignEvents>().cloned();
        let payload = match body.as_bytes() {
            _ if sign_events.is_some() => Payload::Events,
            Some(bytes) => Payload::of(bytes),
            None => Payload::Unsigned,
        };

        let mut attempts = Attempts::new(body.try_clone().is_some());
        let mut source = Some(body);
        let auth = parts.extensions.get::<Auth>().copied();
        loop {
            // A copy while the body can be sent again; the body itself once it cannot.
            let body = match source.as_ref().and_then(ByteStream::try_clone) {
                Some(copy) => copy,
                None => source.take().unwrap_or_default(),
            };
            let mut request = http::Request::new(body.into_body_stream());
            *request.method_mut() = parts.method.clone();
            *request.uri_mut() = parts.uri.clone();
            *request.headers_mut() = parts.headers.clone();
            // HTTP/2, when the operation needs it (`serialize_request` says so).
            *request.version_mut() = parts.version;
            self.authorize(&mut request, auth, target, payload, sign_events.as_ref())
                .await?;
            let result = match self.timed(self.http().send_streaming(request)).await {
                Ok(response) if response.status().is_success() => {
                    self.again(
                        Ok((response.status(), response.headers(), &[])),
                        retryable_codes,
                        &mut attempts,
                    )
                    .await;
                    let limit = self.max_response_bytes();
                    return Ok(response.map(|body| ByteStream::from_response(body, limit)));
                }
                // An error: read whole, to be judged and parsed.
                Ok(response) => {
                    let (head, body) = response.into_parts();
                    let read = ByteStream::from_response(body, self.max_response_bytes());
                    match self.timed(async { Ok(read.collect().await) }).await {
                        Ok(Ok(body)) => Ok(http::Response::from_parts(head, body)),
                        Ok(Err(e)) => Err(TransportError::new(
                            TransportErrorKind::Io,
                            format!("reading the error response failed: {e}"),
                        )
                        .with_source(e)),
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            let answer = match &result {
                Ok(response) => Ok((response.status(), response.headers(), &response.body()[..])),
                Err(e) => Err(e),
            };
            if self.again(answer, retryable_codes, &mut attempts).await {
                continue;
            }
            return result
                .map(|response| response.map(ByteStream::from))
                .map_err(DispatchError::Transport);
        }
    }
}

/// The command-line client's JSON form of a payload it holds in memory (base64, as a blob);
/// a body not in memory is written as an empty one: collect it first.
impl super::json::WriteJson for ByteStream {
    fn write_json(&self, out: &mut Vec<u8>) {
        super::json::write_blob(out, self.as_bytes().unwrap_or_default());
    }
}

impl super::json::ReadJson for ByteStream {
    fn read_json(value: &serde_json::Value) -> Result<Self, super::json::DeserializeError> {
        super::json::blob(value).map(ByteStream::from)
    }
}

/// A file sent in chunks, opened at the first read.
struct FileBody {
    path: PathBuf,
    /// Its length when the stream was made: what `Content-Length` says.
    len: u64,
    read: u64,
    file: Option<tokio::fs::File>,
}

/// How much of a file one read asks for.
const FILE_CHUNK: usize = 64 << 10;

impl FileBody {
    fn poll_read(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        use tokio::io::AsyncRead;
        let file = match &mut self.file {
            Some(file) => file,
            None => match std::fs::File::open(&self.path) {
                Ok(file) => self.file.insert(tokio::fs::File::from_std(file)),
                Err(e) => return Poll::Ready(Some(Err(self.error(e).into()))),
            },
        };
        let mut chunk = vec![0u8; FILE_CHUNK];
        let mut buf = tokio::io::ReadBuf::new(&mut chunk);
        match Pin::new(file).poll_read(cx, &mut buf) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(self.error(e).into()))),
            Poll::Ready(Ok(())) => {
                let n = buf.filled().len();
                self.read += n as u64;
                if self.read > self.len || (n == 0 && self.read < self.len) {
                    let changed = io::Error::other(format!(
                        "its length changed from {} bytes while it was sent",
                        self.len
                    ));
                    return Poll::Ready(Some(Err(self.error(changed).into())));
                }
                if n == 0 {
                    return Poll::Ready(None);
                }
                chunk.truncate(n);
                Poll::Ready(Some(Ok(Frame::data(Bytes::from(chunk)))))
            }
        }
    }

    fn error(&self, e: io::Error) -> StreamError {
        StreamError {
            message: format!("reading {} failed: {e}", self.path.display()),
            source: Some(Box::new(e)),
        }
    }
}

/// Any body, its chunks as [`Bytes`] and its errors boxed.
struct AnyBody<B>(Pin<Box<B>>);

impl<B> Body for AnyBody<B>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.get_mut().0.as_mut().poll_frame(cx).map(|frame| {
            frame.map(|frame| {
                frame
                    .map(|frame| frame.map_data(|mut data| data.copy_to_bytes(data.remaining())))
                    .map_err(Into::into)
            })
        })
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.0.size_hint()
    }
}

/// Reading a stream failed: the connection broke, the file could not be read, or the body
/// was longer than the limit.
#[derive(Debug)]
pub struct StreamError {
    message: String,
    source: Option<BoxError>,
}

impl StreamError {
    fn too_long(limit: usize) -> Self {
        StreamError {
            message: format!("the body is longer than the {limit}-byte limit"),
            source: None,
        }
    }
}

impl StreamError {
    /// As the transport error an operation reports.
    pub(crate) fn into_transport(self) -> TransportError {
        let message = self.message.clone();
        TransportError::new(TransportErrorKind::Io, message).with_source(self)
    }
}

/// A response read whole (within the client's `max_response_bytes`), for an operation that
/// streams its request but not its output.
pub(crate) async fn read_whole(
    response: http::Response<ByteStream>,
) -> Result<http::Response<Bytes>, TransportError> {
    let (head, body) = response.into_parts();
    let body = body.collect().await.map_err(StreamError::into_transport)?;
    Ok(http::Response::from_parts(head, body))
}

impl From<BoxError> for StreamError {
    fn from(e: BoxError) -> Self {
        StreamError {
            message: e.to_string(),
            source: Some(e),
        }
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use proptest::prelude::*;

    use super::*;
    use crate::runtime::config::Config;
    use crate::runtime::credentials::Credentials;
    use crate::runtime::orchestrator::ServiceInfo;
    use crate::runtime::retry::RetryConfig;
    use crate::runtime::transport::InMemory;
    #[cfg(feature = "default-https-client")]
    use crate::runtime::transport::{HttpClient, HyperClient};

    /// A body that yields the given chunks, its length unknown, readable once.
    struct Chunks(VecDeque<Result<Bytes, String>>);

    impl Chunks {
        fn of(chunks: &[&[u8]]) -> Chunks {
            Chunks(
                chunks
                    .iter()
                    .map(|c| Ok(Bytes::copy_from_slice(c)))
                    .collect(),
            )
        }
    }

    impl Body for Chunks {
        type Data = Bytes;
        type Error = BoxError;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
            Poll::Ready(
                self.0
                    .pop_front()
                    .map(|chunk| chunk.map(Frame::data).map_err(BoxError::from)),
            )
        }
    }

    fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
        let path = std::env::temp_dir().join(format!("byte-stream-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).expect("write the file");
        path
    }

    #[tokio::test]
    async fn bytes_in_memory_are_known_replayable_and_collected_whole() {
        let stream = ByteStream::from(b"hello".to_vec());
        assert_eq!(stream.as_bytes(), Some(&b"hello"[..]));
        assert_eq!(stream.len_hint(), Some(5));
        let copy = stream.try_clone().expect("in memory: replayable");
        assert_eq!(copy.collect().await.expect("collect"), &b"hello"[..]);
        assert_eq!(stream.collect().await.expect("collect"), &b"hello"[..]);
        assert_eq!(ByteStream::new().len_hint(), Some(0));
        assert_eq!(
            format!("{:?}", ByteStream::from("ab")),
            "ByteStream([97, 98])"
        );
    }

    #[tokio::test]
    async fn a_file_is_read_in_chunks_from_its_start_on_every_attempt() {
        let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let path = temp_file("chunks", &content);
        let stream = ByteStream::from_path(&path).expect("metadata");
        assert_eq!(stream.len_hint(), Some(content.len() as u64));
        assert!(stream.as_bytes().is_none());
        for _ in 0..2 {
            let mut copy = stream.try_clone().expect("a file is replayable");
            let mut read = Vec::new();
            let mut chunks = 0;
            while let Some(chunk) = copy.next().await {
                let chunk = chunk.expect("chunk");
                assert!(chunk.len() <= FILE_CHUNK);
                read.extend_from_slice(&chunk);
                chunks += 1;
            }
            assert_eq!(read, content);
            assert!(chunks >= 3, "{chunks} chunks");
        }
        std::fs::remove_file(&path).expect("remove");
    }

    #[tokio::test]
    async fn a_file_that_changes_length_while_it_is_sent_fails_naming_it() {
        let path = temp_file("grows", b"short");
        let stream = ByteStream::from_path(&path).expect("metadata");
        std::fs::write(&path, b"much longer than it was").expect("rewrite");
        let err = stream.collect().await.expect_err("the length changed");
        assert!(
            err.to_string().contains("length changed from 5 bytes"),
            "{err}"
        );
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
        std::fs::remove_file(&path).expect("remove");
        let missing = ByteStream::from_path(&path).expect_err("no such file");
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
    }

    #[tokio::test]
    async fn any_body_is_read_once_and_its_errors_are_stream_errors() {
        let stream = ByteStream::from_body(Chunks::of(&[b"a", b"", b"bc"]));
        assert!(stream.try_clone().is_none(), "read once");
        assert_eq!(stream.len_hint(), None);
        assert_eq!(stream.collect().await.expect("collect"), &b"abc"[..]);
        let broken = Chunks(VecDeque::from([
            Ok(Bytes::from_static(b"a")),
            Err("reset".into()),
        ]));
        let err = ByteStream::from_body(broken)
            .collect()
            .await
            .expect_err("broken");
        assert_eq!(err.to_string(), "reset");
        assert_eq!(
            format!("{:?}", ByteStream::from_body(Chunks::of(&[]))),
            "ByteStream(<stream>)"
        );
    }

    proptest! {
        /// Whatever the chunking (empty chunks included), a response is read in its chunks
        /// and collected whole within its limit, and refused past it without reading on.
        #[test]
        fn responses_are_collected_whole_within_their_limit(
            chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..16),
            limit in 0usize..600,
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
            let slices: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
            let whole: Vec<u8> = chunks.concat();
            let mut pieces = Vec::new();
            let streamed = ByteStream::from_response(Box::pin(Chunks::of(&slices)), limit);
            let mut streamed = streamed;
            runtime.block_on(async {
                while let Some(chunk) = streamed.next().await {
                    pieces.push(chunk.expect("chunk"));
                }
            });
            prop_assert!(pieces.iter().all(|p| !p.is_empty()));
            prop_assert_eq!(pieces.concat(), whole.clone());
            let collected = runtime
                .block_on(ByteStream::from_response(Box::pin(Chunks::of(&slices)), limit).collect());
            match collected {
                Ok(bytes) => {
                    prop_assert!(whole.len() <= limit);
                    prop_assert_eq!(&bytes[..], &whole[..]);
                }
                Err(e) => {
                    prop_assert!(whole.len() > limit);
                    prop_assert_eq!(e.to_string(), format!("the body is longer than the {limit}-byte limit"));
                }
            }
        }
    }

    const SERVICE: ServiceInfo = ServiceInfo {
        signing_name: "svc",
        endpoint_prefix: "svc",
        user_agent: "svc/1.0",
        resolve_endpoint: None,
        credentials_required: true,
    };

    type Log = Arc<Mutex<Vec<http::Request<Vec<u8>>>>>;

    /// A client over an in-memory transport answering `replies` in turn (the last repeats).
    fn client(replies: &'static [(u16, &'static str)]) -> (Handle, Log) {
        let log: Log = Arc::default();
        let seen = log.clone();
        let transport = InMemory::new(move |request| {
            let mut log = seen.lock().expect("lock");
            let (status, body) = replies[log.len().min(replies.len() - 1)];
            log.push(request);
            let mut response = http::Response::new(body.as_bytes().to_vec());
            *response.status_mut() = http::StatusCode::from_u16(status).expect("status");
            Ok(response)
        });
        let config = Config::builder()
            .region("eu-west-1")
            .credentials(Credentials::new("AKID", "SECRET", None))
            .retry_config(RetryConfig::default().with_initial_backoff(Duration::from_millis(1)))
            .http_client(transport)
            .build();
        (Handle::new(SERVICE, config).expect("config"), log)
    }

    fn put(body: ByteStream) -> http::Request<ByteStream> {
        let mut request = http::Request::new(body);
        *request.method_mut() = http::Method::PUT;
        *request.uri_mut() = http::Uri::from_static("/upload");
        request
    }

    fn header<'a>(request: &'a http::Request<Vec<u8>>, name: &str) -> Option<&'a str> {
        request.headers().get(name).and_then(|v| v.to_str().ok())
    }

    #[tokio::test]
    async fn bytes_are_signed_by_their_hash_and_streams_as_unsigned_payload() {
        let (handle, log) = client(&[(200, "out")]);
        let response = handle
            .invoke_streaming(put(ByteStream::from("payload")), &[], None)
            .await
            .expect("sent");
        assert_eq!(
            response.into_body().collect().await.expect("body"),
            &b"out"[..]
        );
        let response = handle
            .invoke_streaming(
                put(ByteStream::from_body(Chunks::of(&[b"pay", b"load"]))),
                &[],
                None,
            )
            .await
            .expect("sent");
        assert!(response.status().is_success());
        let log = log.lock().expect("lock");
        let (hashed, streamed) = (&log[0], &log[1]);
        assert_eq!(hashed.body(), b"payload");
        assert_eq!(header(hashed, "content-length"), Some("7"));
        assert_eq!(header(hashed, "x-amz-content-sha256"), None);
        assert_eq!(
            streamed.body(),
            b"payload",
            "the default transport reads it whole"
        );
        assert_eq!(
            header(streamed, "content-length"),
            None,
            "length unknown: chunked"
        );
        assert_eq!(
            header(streamed, "x-amz-content-sha256"),
            Some("UNSIGNED-PAYLOAD")
        );
        let signed = header(streamed, "authorization").expect("signed");
        assert!(signed.contains("x-amz-content-sha256"), "{signed}");
    }

    #[tokio::test]
    async fn replayable_bodies_are_retried_and_one_shot_bodies_are_not() {
        let (handle, log) = client(&[(500, "{}"), (200, "ok")]);
        let path = temp_file("retried", b"from a file");
        let response = handle
            .invoke_streaming(put(ByteStream::from_path(&path).expect("file")), &[], None)
            .await
            .expect("sent");
        assert!(response.status().is_success());
        {
            let log = log.lock().expect("lock");
            assert_eq!(log.len(), 2, "retried after the 500");
            assert!(
                log.iter().all(|r| r.body() == b"from a file"),
                "resent from its start"
            );
            assert_eq!(header(&log[1], "content-length"), Some("11"));
        }
        std::fs::remove_file(&path).expect("remove");

        let (handle, log) = client(&[
            (500, "{\"__type\":\"Boom\",\"message\":\"no\"}"),
            (200, "ok"),
        ]);
        let response = handle
            .invoke_streaming(
                put(ByteStream::from_body(Chunks::of(&[b"once"]))),
                &[],
                None,
            )
            .await
            .expect("an answer");
        assert_eq!(response.status(), 500, "not retried: the body is gone");
        assert_eq!(
            response.body().as_bytes(),
            Some(&b"{\"__type\":\"Boom\",\"message\":\"no\"}"[..]),
            "an error response comes back read"
        );
        assert_eq!(log.lock().expect("lock").len(), 1);
    }

    /// Serves one HTTP/1.1 connection on loopback: records the request head and the body
    /// chunks as they arrive, and answers with `reply` in pieces.
    #[cfg(feature = "default-https-client")]
    async fn serve(
        reply: &'static [&'static [u8]],
    ) -> (std::net::SocketAddr, Arc<Mutex<(http::HeaderMap, Vec<u8>)>>) {
        use hyper_util::rt::TokioIo;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let seen = Arc::new(Mutex::new((http::HeaderMap::new(), Vec::new())));
        let record = seen.clone();
        tokio::spawn(async move {
            let (socket, _) = listener.accept().await.expect("accept");
            let service =
                hyper::service::service_fn(move |request: http::Request<hyper::body::Incoming>| {
                    let record = record.clone();
                    async move {
                        let (head, mut body) = request.into_parts();
                        let mut received = Vec::new();
                        while let Some(frame) =
                            std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
                        {
                            if let Ok(data) = frame.expect("frame").into_data() {
                                received.extend_from_slice(&data);
                            }
                        }
                        *record.lock().expect("lock") = (head.headers, received);
                        let chunks = Chunks::of(reply);
                        Ok::<_, std::convert::Infallible>(http::Response::new(chunks))
                    }
                });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(socket), service)
                .await;
        });
        (addr, seen)
    }

    #[cfg(feature = "default-https-client")]
    #[tokio::test]
    async fn the_built_in_client_streams_uploads_and_downloads() {
        let client = HyperClient::new(None).expect("client");
        // A body of unknown length goes chunked; the response is read as it comes.
        let (addr, seen) = serve(&[b"first ", b"second"]).await;
        let mut request = http::Request::new(
            ByteStream::from_body(Chunks::of(&[b"up", b"load"])).into_body_stream(),
        );
        *request.method_mut() = http::Method::PUT;
        *request.uri_mut() = format!("http://{addr}/").parse().expect("uri");
        let response = client.send_streaming(request).await.expect("response");
        let body = ByteStream::from_response(response.into_body(), 1 << 20);
        assert_eq!(body.collect().await.expect("body"), &b"first second"[..]);
        let (headers, received) = seen.lock().expect("lock").clone();
        assert_eq!(received, b"upload");
        assert_eq!(
            headers.get("transfer-encoding").map(|v| v.as_bytes()),
            Some(&b"chunked"[..])
        );

        // A file says its length.
        let content = vec![7u8; 150_000];
        let path = temp_file("upload", &content);
        let (addr, seen) = serve(&[b"ok"]).await;
        let mut request = http::Request::new(
            ByteStream::from_path(&path)
                .expect("file")
                .into_body_stream(),
        );
        *request.method_mut() = http::Method::PUT;
        *request.uri_mut() = format!("http://{addr}/").parse().expect("uri");
        request.headers_mut().insert(
            http::header::CONTENT_LENGTH,
            http::HeaderValue::from(content.len()),
        );
        client.send_streaming(request).await.expect("response");
        let (headers, received) = seen.lock().expect("lock").clone();
        assert_eq!(received, content);
        assert_eq!(
            headers.get("content-length").map(|v| v.as_bytes()),
            Some(&b"150000"[..])
        );
        std::fs::remove_file(&path).expect("remove");
    }
}
