//! The built-in transport: hyper's pooled client with rustls (ring, the Mozilla roots from
//! `webpki-roots`), straight or through a proxy. Compiled with the crate's
//! `default-https-client` feature (on by default).

use std::error::Error as StdError;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use super::super::proxy::{Connector, Proxy, ProxyError};
use super::{
    BodyStream, BoxError, BoxFuture, DEFAULT_MAX_RESPONSE_BYTES, HttpClient, TransportError,
    TransportErrorKind, WireBody, too_long,
};

/// HTTPS (and plain HTTP, for local endpoints) over hyper's pooled client, TLS by rustls with
/// the ring provider and the Mozilla root certificates (`webpki-roots`), straight or through a
/// proxy.
///
/// It speaks HTTP/1.1; in a crate with the `http2` feature (on by default in crates with
/// operations whose event streams need HTTP/2) it also offers HTTP/2 over TLS, and sends a
/// request whose version is [`http::Version::HTTP_2`] over HTTP/2 only: negotiated by ALPN over
/// `https`, with prior knowledge (h2c) over plain `http`.
#[derive(Clone)]
pub struct HyperClient {
    clients: versions::Clients,
    proxy: Option<Arc<Proxy>>,
    max_response_bytes: usize,
}

impl fmt::Debug for HyperClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperClient")
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}

impl HyperClient {
    /// A pooled client without a proxy; `connect_timeout` bounds TCP connection setup.
    pub fn new(connect_timeout: Option<Duration>) -> Result<Self, TransportError> {
        HyperClient::builder()
            .connect_timeout(connect_timeout)
            .build()
    }

    /// Like [`HyperClient::new`], also trusting these DER-encoded root certificates.
    pub fn with_extra_roots(
        connect_timeout: Option<Duration>,
        roots: &[Vec<u8>],
    ) -> Result<Self, TransportError> {
        HyperClient::builder()
            .connect_timeout(connect_timeout)
            .extra_roots(roots.to_vec())
            .build()
    }

    /// Every setting: connect timeout, extra root certificates, proxy, response limit.
    pub fn builder() -> HyperClientBuilder {
        HyperClientBuilder {
            connect_timeout: None,
            extra_roots: Vec::new(),
            proxy: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// Reads at most `limit` bytes of a response body: a longer body (by its `Content-Length`
    /// or as it arrives) is a transport error, not retried, and never held in memory whole.
    pub fn with_max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }
}

/// Builds a [`HyperClient`].
#[derive(Debug, Clone)]
pub struct HyperClientBuilder {
    connect_timeout: Option<Duration>,
    extra_roots: Vec<Vec<u8>>,
    proxy: Option<Proxy>,
    max_response_bytes: usize,
}

impl HyperClientBuilder {
    /// Bounds TCP connection setup (to the proxy, when there is one). Default: none.
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// DER-encoded root certificates trusted besides the Mozilla roots (a private CA).
    pub fn extra_roots(mut self, roots: Vec<Vec<u8>>) -> Self {
        self.extra_roots = roots;
        self
    }

    /// The proxy requests go through. Default: none (this builder reads no environment).
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = Some(proxy);
        self
    }

    /// See [`HyperClient::with_max_response_bytes`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    pub fn build(self) -> Result<HyperClient, TransportError> {
        let mut store = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for der in self.extra_roots {
            store
                .add(rustls::pki_types::CertificateDer::from(der))
                .map_err(tls_error)?;
        }
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_root_certificates(store)
        .with_no_client_auth();
        let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(self.connect_timeout);
        http.set_nodelay(true);
        let proxy = self.proxy.map(Arc::new);
        let connector = Connector {
            http,
            proxy: proxy.clone(),
            connect_timeout: self.connect_timeout,
            tunnel_plain: false,
        };
        Ok(HyperClient {
            clients: versions::Clients::new(tls, connector),
            proxy,
            max_response_bytes: self.max_response_bytes,
        })
    }
}

fn tls_error(e: impl StdError + Send + Sync + 'static) -> TransportError {
    TransportError::new(TransportErrorKind::Other, format!("TLS setup failed: {e}")).with_source(e)
}

impl HyperClient {
    /// Sends `request` and returns the response with its body unread.
    async fn exchange(
        &self,
        request: http::Request<WireBody>,
    ) -> Result<http::Response<hyper::body::Incoming>, TransportError> {
        let (mut parts, body) = request.into_parts();
        // A forwarded plain-`http` request carries the proxy's credentials; one that needs
        // HTTP/2 is tunneled instead (`Connector::tunnel_plain`), its credentials in the
        // `CONNECT`, never sent on to the service.
        let forwarded = parts.version != http::Version::HTTP_2;
        if let Some(auth) = (self.proxy.as_ref())
            .filter(|_| forwarded)
            .and_then(|p| p.forward_auth(&parts.uri))
        {
            parts
                .headers
                .insert(http::header::PROXY_AUTHORIZATION, auth.clone());
        }
        let needs_http2 = parts.version == http::Version::HTTP_2;
        let client = self.clients.for_request(&parts)?;
        client
            .request(http::Request::from_parts(parts, body))
            .await
            .map_err(|error| {
                // The server chose HTTP/1.1 by ALPN for a request that needs HTTP/2: asking
                // again would end the same way.
                if needs_http2 && !error.is_connect() && error.to_string().contains("Version") {
                    return TransportError::new(
                        TransportErrorKind::Other,
                        "the request needs HTTP/2, but the server did not agree to it (ALPN)",
                    )
                    .with_source(error);
                }
                classify_client_error(error)
            })
    }
}

/// Which pooled client sends a request, by the HTTP version it needs.
///
/// Only crates with an operation that needs HTTP/2 declare the `http2` feature (and so depend
/// on hyper's HTTP/2 support); in the others the feature is unknown to Cargo, hence the `allow`.
#[allow(
    unexpected_cfgs,
    reason = "only crates with operations that need HTTP/2 declare the `http2` feature"
)]
mod versions {
    use super::{Connector, TransportError, WireBody};

    type Https = hyper_rustls::HttpsConnector<Connector>;
    type Pooled = hyper_util::client::legacy::Client<Https, WireBody>;

    /// The pooled clients of a [`super::HyperClient`].
    #[derive(Clone)]
    pub(super) struct Clients {
        /// HTTP/1.1, and HTTP/2 wherever TLS negotiates it (with the `http2` feature).
        any: Pooled,
        /// HTTP/2 with prior knowledge: for requests that need HTTP/2 over plain `http` (a
        /// local endpoint), where there is no TLS to negotiate it in.
        #[cfg(feature = "http2")]
        h2c: Pooled,
    }

    impl Clients {
        /// The clients over `connector`, with `tls` for `https`.
        pub(super) fn new(tls: rustls::ClientConfig, connector: Connector) -> Clients {
            let https = || {
                hyper_rustls::HttpsConnectorBuilder::new()
                    .with_tls_config(tls.clone())
                    .https_or_http()
            };
            let builder = || {
                let mut builder = hyper_util::client::legacy::Client::builder(
                    hyper_util::rt::TokioExecutor::new(),
                );
                builder.pool_idle_timeout(std::time::Duration::from_secs(90));
                builder
            };
            #[cfg(feature = "http2")]
            {
                // ALPN offers `h2` first, then `http/1.1`. HTTP/2 with prior knowledge cannot be
                // forwarded by a proxy: it goes through a tunnel.
                let tunnel = Connector {
                    tunnel_plain: true,
                    ..connector.clone()
                };
                Clients {
                    any: builder().build(
                        https()
                            .enable_http1()
                            .enable_http2()
                            .wrap_connector(connector),
                    ),
                    h2c: builder()
                        .http2_only(true)
                        .build(https().enable_http1().enable_http2().wrap_connector(tunnel)),
                }
            }
            #[cfg(not(feature = "http2"))]
            {
                Clients {
                    any: builder().build(https().enable_http1().wrap_connector(connector)),
                }
            }
        }

        /// The client that sends a request with this head: one that needs HTTP/2
        /// ([`http::Version::HTTP_2`]) goes over HTTP/2 or fails.
        pub(super) fn for_request(
            &self,
            head: &http::request::Parts,
        ) -> Result<&Pooled, TransportError> {
            if head.version != http::Version::HTTP_2 {
                return Ok(&self.any);
            }
            #[cfg(feature = "http2")]
            {
                Ok(match head.uri.scheme_str() {
                    Some("http") => &self.h2c,
                    _ => &self.any,
                })
            }
            #[cfg(not(feature = "http2"))]
            {
                Err(TransportError::new(
                    super::TransportErrorKind::Other,
                    "the request needs HTTP/2, and this crate was built without its `http2` feature",
                ))
            }
        }
    }
}

impl HttpClient for HyperClient {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        Box::pin(async move {
            let request = request.map(|body| WireBody::Full(Some(bytes::Bytes::from(body))));
            let (parts, body) = self.exchange(request).await?.into_parts();
            let body = collect(body, self.max_response_bytes).await?;
            Ok(http::Response::from_parts(parts, body))
        })
    }

    fn send_streaming(
        &self,
        request: http::Request<BodyStream>,
    ) -> BoxFuture<'_, Result<http::Response<BodyStream>, TransportError>> {
        Box::pin(async move {
            let response = self.exchange(request.map(WireBody::Stream)).await?;
            Ok(response.map(|body| Box::pin(Incoming(body)) as BodyStream))
        })
    }
}

/// A response body as it arrives, its errors as [`TransportError`]s.
struct Incoming(hyper::body::Incoming);

impl http_body::Body for Incoming {
    type Data = bytes::Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        Pin::new(&mut self.0).poll_frame(cx).map_err(|e| {
            Box::new(
                TransportError::new(
                    TransportErrorKind::Io,
                    format!("reading the response body failed: {e}"),
                )
                .with_source(e),
            ) as BoxError
        })
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.0.size_hint()
    }
}

/// Reads a response body to its end, refusing one longer than `limit` bytes.
async fn collect(mut body: hyper::body::Incoming, limit: usize) -> Result<Vec<u8>, TransportError> {
    use http_body::Body as _;
    if body.size_hint().lower() > limit as u64 {
        return Err(too_long(limit));
    }
    let mut out = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|e| {
            TransportError::new(
                TransportErrorKind::Io,
                format!("reading the response body failed: {e}"),
            )
            .with_source(e)
        })?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > limit {
                return Err(too_long(limit));
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

fn classify_client_error(error: hyper_util::client::legacy::Error) -> TransportError {
    let proxy = source_chain(&error)
        .find_map(|e| e.downcast_ref::<ProxyError>())
        .map(|p| (p.retryable, p.message.clone()));
    if let Some((retryable, message)) = proxy {
        let kind = if retryable {
            TransportErrorKind::Connect
        } else {
            TransportErrorKind::Other
        };
        return TransportError::new(kind, message).with_source(error);
    }
    let timed_out = source_chain(&error).any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
            || e.to_string().contains("timed out")
    });
    let kind = match (error.is_connect(), timed_out) {
        (true, true) => TransportErrorKind::ConnectTimeout,
        (true, false) => TransportErrorKind::Connect,
        (false, _) => TransportErrorKind::Io,
    };
    let detail = source_chain(&error)
        .last()
        .map(ToString::to_string)
        .unwrap_or_default();
    let message = match kind {
        TransportErrorKind::ConnectTimeout => format!("connecting timed out: {detail}"),
        TransportErrorKind::Connect => format!("could not connect: {detail}"),
        _ => format!("the connection failed: {detail}"),
    };
    TransportError::new(kind, message).with_source(error)
}

fn source_chain<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    let mut next = Some(error);
    std::iter::from_fn(move || {
        let current = next?;
        next = current.source();
        Some(current)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A loopback server answering one request with `head` and then `body_len` bytes.
    async fn serve_once(head: String, body_len: usize) -> std::net::SocketAddr {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut buf = vec![0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let _ = socket.write_all(head.as_bytes()).await;
            let chunk = vec![b'x'; 8192];
            let mut left = body_len;
            while left > 0 {
                let n = left.min(chunk.len());
                if socket.write_all(&chunk[..n]).await.is_err() {
                    break;
                }
                left -= n;
            }
        });
        addr
    }

    async fn get(
        client: &HyperClient,
        addr: std::net::SocketAddr,
    ) -> Result<usize, TransportError> {
        let request = http::Request::builder()
            .uri(format!("http://{addr}/"))
            .body(Vec::new())
            .expect("request");
        client.send(request).await.map(|r| r.body().len())
    }

    #[tokio::test]
    async fn response_bodies_over_the_limit_are_refused_by_length_or_as_they_arrive() {
        let client = HyperClient::new(None)
            .expect("client")
            .with_max_response_bytes(64 << 10);
        // Announced by Content-Length: refused before reading.
        let addr = serve_once(
            "HTTP/1.1 200 OK\r\ncontent-length: 10000000000\r\nconnection: close\r\n\r\n".into(),
            0,
        )
        .await;
        let e = get(&client, addr).await.unwrap_err();
        assert!(
            e.to_string().contains("longer than the 65536-byte limit"),
            "{e}"
        );
        assert!(!e.is_retryable());
        // Chunked, without a length: refused once the limit is passed.
        let addr = serve_once(
            "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n".into(),
            1 << 20,
        )
        .await;
        let e = get(&client, addr).await.unwrap_err();
        assert!(
            e.to_string().contains("longer than the 65536-byte limit"),
            "{e}"
        );
        // At the limit: read whole.
        let addr = serve_once(
            format!(
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                64 << 10
            ),
            64 << 10,
        )
        .await;
        assert_eq!(get(&client, addr).await.expect("at the limit"), 64 << 10);
    }

    #[tokio::test]
    async fn hyper_client_talks_plain_http_to_loopback() {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut buf = vec![0u8; 4096];
            let n = socket.read(&mut buf).await.expect("read");
            let request = String::from_utf8_lossy(&buf[..n]).to_string();
            socket
                .write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello",
                )
                .await
                .expect("write");
            request
        });
        let client = HyperClient::new(Some(Duration::from_secs(5))).expect("client");
        let request = http::Request::builder()
            .method("POST")
            .uri(format!("http://{addr}/"))
            .body(b"{}".to_vec())
            .expect("request");
        let response = client.send(request).await.expect("response");
        assert_eq!(response.body().as_slice(), b"hello");
        let seen = server.await.expect("server");
        assert!(seen.starts_with("POST / HTTP/1.1\r\n"), "{seen}");
        assert!(
            seen.to_ascii_lowercase().contains("content-length: 2"),
            "{seen}"
        );
    }

    /// A loopback server speaking HTTP/1.1 and HTTP/2 with prior knowledge (told apart by the
    /// HTTP/2 connection preface), answering each request with the version it arrived in and
    /// its `host` header.
    async fn serve_h1_and_h2c() -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(
                        |request: http::Request<hyper::body::Incoming>| async move {
                            let host = request.headers().get(http::header::HOST).cloned();
                            let authority = request.uri().authority().map(ToString::to_string);
                            let body = format!("{:?} {host:?} {authority:?}", request.version());
                            Ok::<_, std::convert::Infallible>(http::Response::new(WireBody::Full(
                                Some(bytes::Bytes::from(body)),
                            )))
                        },
                    );
                    let mut preface = [0u8; 4];
                    let _ = socket.peek(&mut preface).await;
                    let io = hyper_util::rt::TokioIo::new(socket);
                    if &preface == b"PRI " {
                        let _ = hyper::server::conn::http2::Builder::new(
                            hyper_util::rt::TokioExecutor::new(),
                        )
                        .serve_connection(io, service)
                        .await;
                    } else {
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(io, service)
                            .await;
                    }
                });
            }
        });
        addr
    }

    #[tokio::test]
    async fn requests_that_need_http2_go_over_h2c_and_others_stay_on_http1() {
        let addr = serve_h1_and_h2c().await;
        let client = HyperClient::new(Some(Duration::from_secs(5))).expect("client");
        let request = |version| {
            let mut request = http::Request::builder()
                .method("POST")
                .uri(format!("http://{addr}/stream"))
                .version(version)
                .body(b"{}".to_vec())
                .expect("request");
            // As the orchestrator sets it: signed, and equal to `:authority` over HTTP/2.
            request.headers_mut().insert(
                http::header::HOST,
                http::HeaderValue::from_str(&addr.to_string()).expect("host"),
            );
            request
        };
        let seen = |response: http::Response<Vec<u8>>| {
            String::from_utf8(response.into_body()).expect("utf-8")
        };
        let ordinary = client
            .send(request(http::Version::HTTP_11))
            .await
            .expect("HTTP/1.1");
        assert_eq!(
            seen(ordinary),
            format!("HTTP/1.1 Some({:?}) None", addr.to_string())
        );
        let needs_http2 = client.send(request(http::Version::HTTP_2)).await;
        #[cfg(feature = "http2")]
        assert_eq!(
            seen(needs_http2.expect("HTTP/2")),
            format!(
                "HTTP/2.0 Some({:?}) Some({:?})",
                addr.to_string(),
                addr.to_string()
            )
        );
        #[cfg(not(feature = "http2"))]
        {
            let error = needs_http2.expect_err("no HTTP/2 without the feature");
            assert_eq!(error.kind(), TransportErrorKind::Other);
            assert!(!error.is_retryable());
            assert!(error.to_string().contains("`http2` feature"), "{error}");
        }
        // Streamed both ways too, as event streams are.
        let streamed =
            client
                .send_streaming(request(http::Version::HTTP_2).map(|body| {
                    Box::pin(WireBody::Full(Some(bytes::Bytes::from(body)))) as BodyStream
                }))
                .await;
        #[cfg(feature = "http2")]
        assert_eq!(
            streamed.expect("HTTP/2 streaming").version(),
            http::Version::HTTP_2
        );
        #[cfg(not(feature = "http2"))]
        assert!(streamed.is_err());
    }

    #[tokio::test]
    async fn refused_connections_are_connect_errors() {
        // Bind then drop to get a port nobody listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let client = HyperClient::new(Some(Duration::from_secs(5))).expect("client");
        let request = http::Request::builder()
            .uri(format!("http://127.0.0.1:{port}/"))
            .body(Vec::new())
            .expect("request");
        let error = client.send(request).await.expect_err("refused");
        assert_eq!(error.kind(), TransportErrorKind::Connect, "{error}");
        assert!(error.is_retryable());
    }

    /// A proxy that opens `CONNECT` tunnels, recording each request's head (and refusing
    /// anything else, such as a forwarded request).
    async fn tunneling_proxy() -> (
        std::net::SocketAddr,
        std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    ) {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let heads = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = heads.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") && head.len() < 4096 {
                        if socket.read(&mut byte).await.unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    seen.lock().expect("lock").push(head.clone());
                    let target = head
                        .strip_prefix("CONNECT ")
                        .and_then(|rest| rest.split(' ').next())
                        .map(str::to_string);
                    let Some(target) = target else {
                        let _ = socket.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                        return;
                    };
                    let Ok(mut upstream) = tokio::net::TcpStream::connect(target).await else {
                        return;
                    };
                    let _ = socket
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .await;
                    let _ = tokio::io::copy_bidirectional(&mut socket, &mut upstream).await;
                });
            }
        });
        (addr, heads)
    }

    #[cfg(feature = "http2")]
    #[tokio::test]
    async fn http2_to_a_plain_http_endpoint_goes_through_a_proxy_tunnel_not_forwarded() {
        let server = serve_h1_and_h2c().await;
        let (proxy, heads) = tunneling_proxy().await;
        let client = HyperClient::builder()
            .proxy(Proxy::all(&format!("http://user:secret@{proxy}")).expect("proxy"))
            .build()
            .expect("client");
        let mut request = http::Request::builder()
            .method("POST")
            .uri(format!("http://{server}/stream"))
            .version(http::Version::HTTP_2)
            .body(b"{}".to_vec())
            .expect("request");
        request.headers_mut().insert(
            http::header::HOST,
            http::HeaderValue::from_str(&server.to_string()).expect("host"),
        );
        let response = client
            .send(request)
            .await
            .expect("HTTP/2 through the tunnel");
        let body = String::from_utf8(response.into_body()).expect("utf-8");
        assert!(body.starts_with("HTTP/2.0 "), "{body}");
        let heads = heads.lock().expect("lock").clone();
        assert_eq!(heads.len(), 1, "{heads:?}");
        assert!(
            heads[0].starts_with(&format!("CONNECT {server} HTTP/1.1\r\n")),
            "{}",
            heads[0]
        );
        // The proxy's credentials go in the CONNECT only.
        assert!(
            heads[0]
                .to_ascii_lowercase()
                .contains("proxy-authorization: basic "),
            "{}",
            heads[0]
        );
    }
}
