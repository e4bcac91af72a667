// The loopback server of the fixture behaviour tests, included by each fixture's
// `support/mod.rs` (a test crate is generated per fixture, so the file is shared by inclusion).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};

/// The signature check shared with the repository's own loopback tests.
#[allow(dead_code, reason = "shared with tests that use more of it")]
pub mod sigv4 {
    include!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../tests/tests/support/sigv4.rs"
    ));
}

pub const ACCESS_KEY: &str = "AKIDLOOPBACK";
pub const SECRET: &str = "loopback-secret";

/// One request as the server received it.
#[derive(Clone, Debug)]
#[allow(dead_code, reason = "each test file that includes the server reads a part of it")]
pub struct Seen {
    pub method: String,
    /// Path and query, as sent.
    pub uri: String,
    /// `HTTP/1.1`, or `HTTP/2.0` on an h2c server.
    #[allow(dead_code, reason = "only the fixtures whose operations need HTTP/2 read it")]
    pub version: http::Version,
    /// The URI's authority: HTTP/2's `:authority` (HTTP/1.1 requests carry `Host` instead).
    #[allow(dead_code, reason = "only the fixtures whose operations need HTTP/2 read it")]
    pub authority: Option<String>,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
    /// The signature check's verdict.
    pub signature: Result<(), String>,
}

#[allow(dead_code, reason = "each test file that includes the server reads a part of it")]
impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// One scripted answer: status, headers, body.
pub type Reply = (u16, Vec<(&'static str, &'static str)>, Vec<u8>);

struct State {
    /// The signing name every request must be signed for.
    signing_name: &'static str,
    script: Vec<Reply>,
    seen: Vec<Seen>,
}

pub struct Server {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl Server {
    /// Starts a server for requests signed for `signing_name`, answering with `script` in
    /// order (the last reply repeats).
    #[allow(dead_code, reason = "fixtures whose operations need HTTP/2 use `start_h2c` only")]
    pub async fn start(signing_name: &'static str, script: Vec<Reply>) -> Server {
        Server::serve(signing_name, script, false).await
    }

    /// Like [`Server::start`], speaking HTTP/2 with prior knowledge (h2c) only: an HTTP/1.1
    /// request fails there, so whatever it records arrived over HTTP/2.
    #[allow(dead_code, reason = "only the fixtures whose operations need HTTP/2 use it")]
    pub async fn start_h2c(signing_name: &'static str, script: Vec<Reply>) -> Server {
        Server::serve(signing_name, script, true).await
    }

    async fn serve(signing_name: &'static str, script: Vec<Reply>, h2c: bool) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(Mutex::new(State {
            signing_name,
            script,
            seen: Vec::new(),
        }));
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    let service =
                        hyper::service::service_fn(move |request| handle(state.clone(), request));
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = if h2c {
                        hyper::server::conn::http2::Builder::new(
                            hyper_util::rt::TokioExecutor::new(),
                        )
                        .serve_connection(io, service)
                        .await
                    } else {
                        hyper::server::conn::http1::Builder::new()
                            .serve_connection(io, service)
                            .await
                    };
                });
            }
        });
        Server { addr, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far, signed or not (an unsigned command line's requests).
    #[allow(dead_code, reason = "only the tests of unsigned requests use it")]
    pub fn seen_unsigned(&self) -> Vec<Seen> {
        self.state.lock().expect("lock").seen.clone()
    }

    /// Every request so far; each one's signature must have checked out.
    #[allow(dead_code, reason = "the tests of unsigned requests use `seen_unsigned`")]
    pub fn seen(&self) -> Vec<Seen> {
        let seen = self.state.lock().expect("lock").seen.clone();
        for (i, s) in seen.iter().enumerate() {
            assert_eq!(s.signature, Ok(()), "request {i} ({} {})", s.method, s.uri);
        }
        seen
    }
}

async fn handle(
    state: Arc<Mutex<State>>,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map_err(std::io::Error::other)?
        .to_bytes()
        .to_vec();
    let signing_name = state.lock().expect("lock").signing_name;
    let signature = sigv4::verify(&parts, &body, &[(ACCESS_KEY, SECRET, None)], signing_name);
    let (status, headers, reply) = {
        let mut state = state.lock().expect("lock");
        let index = state.seen.len();
        state.seen.push(Seen {
            method: parts.method.to_string(),
            uri: parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_string(), ToString::to_string),
            version: parts.version,
            authority: parts.uri.authority().map(ToString::to_string),
            headers: parts.headers.clone(),
            body,
            signature,
        });
        state
            .script
            .get(index)
            .or(state.script.last())
            .cloned()
            .unwrap_or((200, Vec::new(), b"{}".to_vec()))
    };
    let mut response = hyper::Response::new(Full::new(Bytes::from(reply)));
    *response.status_mut() = hyper::StatusCode::from_u16(status).expect("status");
    for (name, value) in headers {
        response.headers_mut().insert(
            hyper::header::HeaderName::from_static(name),
            hyper::header::HeaderValue::from_static(value),
        );
    }
    Ok(response)
}
