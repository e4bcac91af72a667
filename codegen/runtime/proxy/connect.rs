//! The connector under the built-in transport: TCP straight to the destination, or through
//! the proxy it routes to (an HTTP `CONNECT` tunnel for HTTPS, the proxy itself for plain
//! HTTP). Compiled with the crate's `default-https-client` feature (on by default).

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use tower_service::Service;

use super::{Proxy, Server};

/// What a failed proxy connection reports: the proxy (credentials masked), the destination,
/// and whether trying again may help (a refused tunnel will be refused again).
#[derive(Debug)]
pub(crate) struct ProxyError {
    pub(crate) message: String,
    pub(crate) retryable: bool,
}

impl fmt::Display for ProxyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for ProxyError {}

type BoxError = Box<dyn StdError + Send + Sync>;
type Tcp = <HttpConnector as Service<http::Uri>>::Response;

/// TCP connections, straight or through the proxy the destination routes to.
#[derive(Clone)]
pub(crate) struct Connector {
    pub(crate) http: HttpConnector,
    pub(crate) proxy: Option<Arc<Proxy>>,
    /// Also bounds the proxy's answer to `CONNECT`.
    pub(crate) connect_timeout: Option<std::time::Duration>,
    /// Plain `http` goes through a `CONNECT` tunnel too, as `https` does, instead of being
    /// forwarded: for HTTP/2 with prior knowledge (h2c), which a proxy cannot forward.
    pub(crate) tunnel_plain: bool,
}

impl Service<http::Uri> for Connector {
    type Response = Stream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.http.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, dst: http::Uri) -> Self::Future {
        let server = self
            .proxy
            .as_ref()
            .and_then(|proxy| proxy.route(&dst))
            .cloned();
        let mut http = self.http.clone();
        let tunnel_plain = self.tunnel_plain;
        let timeout = self.connect_timeout;
        Box::pin(async move {
            let Some(server) = server else {
                let io = http.call(dst).await?;
                return Ok(Stream {
                    io,
                    forwarded: false,
                });
            };
            let target = format!(
                "{}:{}",
                dst.host().unwrap_or(""),
                dst.port_u16()
                    .unwrap_or(if dst.scheme_str() == Some("https") {
                        443
                    } else {
                        80
                    })
            );
            if dst.scheme_str() != Some("https") && !tunnel_plain {
                // Plain HTTP: the request goes to the proxy in absolute form.
                let io = http
                    .call(server.uri.clone())
                    .await
                    .map_err(|e| unreachable(&server, &e))?;
                return Ok(Stream {
                    io,
                    forwarded: true,
                });
            }
            let io = http
                .call(server.uri.clone())
                .await
                .map_err(|e| unreachable(&server, &e))?;
            let handshake = connect(io, &target, server.auth.as_ref());
            let outcome = match timeout {
                Some(limit) => tokio::time::timeout(limit, handshake)
                    .await
                    .unwrap_or_else(|_| Err(Refusal::Io(std::io::ErrorKind::TimedOut.into()))),
                None => handshake.await,
            };
            match outcome {
                Ok(io) => Ok(Stream { io, forwarded: false }),
                Err(Refusal::Status(line)) => Err(ProxyError {
                    message: format!(
                        "the proxy {server} refused the tunnel to {target}: {line}{}",
                        match (line.starts_with("407"), server.auth.is_some()) {
                            (true, true) => " (it did not accept the credentials in the proxy URL)",
                            (true, false) => " (give credentials in the proxy URL: http://user:password@host:port)",
                            _ => "",
                        }
                    ),
                    retryable: false,
                }
                .into()),
                Err(Refusal::Malformed(why)) => Err(ProxyError {
                    message: format!("the proxy {server} answered CONNECT {target} with {why}"),
                    retryable: false,
                }
                .into()),
                Err(Refusal::Io(e)) => Err(ProxyError {
                    message: format!("the tunnel through the proxy {server} to {target} failed: {e}"),
                    retryable: true,
                }
                .into()),
            }
        })
    }
}

/// Why a `CONNECT` did not open a tunnel.
enum Refusal {
    /// The proxy's status line, without `HTTP/1.1`: `407 Proxy Authentication Required`.
    Status(String),
    Malformed(&'static str),
    Io(std::io::Error),
}

/// The answer to a `CONNECT` is read up to this many bytes.
const MAX_CONNECT_RESPONSE: usize = 16 * 1024;

/// Opens a tunnel to `target` (`host:port`) with `CONNECT`. (hyper-util's `Tunnel` does the
/// same, but reports every refusal other than 407 alike, without the status: a 403 from a
/// proxy's allow-list would be indistinguishable from a malformed answer.)
async fn connect(
    mut io: Tcp,
    target: &str,
    auth: Option<&http::HeaderValue>,
) -> Result<Tcp, Refusal> {
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n").into_bytes();
    if let Some(auth) = auth {
        request.extend_from_slice(b"Proxy-Authorization: ");
        request.extend_from_slice(auth.as_bytes());
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"\r\n");
    let mut written = 0;
    while written < request.len() {
        let n = std::future::poll_fn(|cx| {
            hyper::rt::Write::poll_write(Pin::new(&mut io), cx, &request[written..])
        })
        .await
        .map_err(Refusal::Io)?;
        if n == 0 {
            return Err(Refusal::Io(std::io::ErrorKind::WriteZero.into()));
        }
        written += n;
    }
    let mut answer = vec![0u8; MAX_CONNECT_RESPONSE];
    let mut filled = 0;
    let end = loop {
        if let Some(end) = answer[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        if filled == answer.len() {
            return Err(Refusal::Malformed("headers longer than 16 KiB"));
        }
        let mut buf = hyper::rt::ReadBuf::new(&mut answer[filled..]);
        std::future::poll_fn(|cx| {
            hyper::rt::Read::poll_read(Pin::new(&mut io), cx, buf.unfilled())
        })
        .await
        .map_err(Refusal::Io)?;
        let n = buf.filled().len();
        if n == 0 {
            return Err(Refusal::Io(std::io::ErrorKind::UnexpectedEof.into()));
        }
        filled += n;
    };
    let head = String::from_utf8_lossy(&answer[..end]);
    let status_line = head.lines().next().unwrap_or("");
    let Some((version, status)) = status_line.split_once(' ') else {
        return Err(Refusal::Malformed("no HTTP status line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(Refusal::Malformed("no HTTP status line"));
    }
    let code = status.get(..3).and_then(|c| c.parse::<u16>().ok());
    match code {
        Some(200..=299) if end == filled => Ok(io),
        // The server speaks only after the client's TLS hello: nothing may follow yet.
        Some(200..=299) => Err(Refusal::Malformed("data after its answer")),
        Some(_) => Err(Refusal::Status(
            status
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect(),
        )),
        None => Err(Refusal::Malformed("no HTTP status line")),
    }
}

fn unreachable(server: &Server, e: &(dyn StdError + 'static)) -> ProxyError {
    ProxyError {
        message: format!("could not connect to the proxy {server}: {e}"),
        retryable: true,
    }
}

/// A connection, marked when requests on it go to a proxy in absolute form.
pub(crate) struct Stream {
    io: Tcp,
    forwarded: bool,
}

impl Connection for Stream {
    fn connected(&self) -> Connected {
        self.io.connected().proxy(self.forwarded)
    }
}

impl hyper::rt::Read for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    #[tokio::test]
    async fn a_refused_tunnel_names_the_status_and_is_not_retried() {
        // A proxy answering `CONNECT` with 403, as an allow-list does.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut buf = vec![0u8; 1024];
            let _ = socket.read(&mut buf).await;
            let _ = socket.write_all(b"HTTP/1.1 403 Forbidden\r\n\r\n").await;
        });
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        let mut connector = Connector {
            http,
            proxy: Some(Arc::new(
                Proxy::all(&format!("http://{addr}")).expect("proxy"),
            )),
            connect_timeout: None,
            tunnel_plain: false,
        };
        let Err(error) = connector
            .call("https://example.com/".parse().expect("uri"))
            .await
        else {
            panic!("the tunnel was refused");
        };
        let error = error.downcast_ref::<ProxyError>().expect("a proxy error");
        assert!(!error.retryable);
        assert!(error.message.contains("403 Forbidden"), "{}", error.message);
    }
}
