//! A real HTTP server on 127.0.0.1 that plays Rekognition: it checks every request on its own
//! (the SigV4 signature recomputed with the reference `aws-sigv4` from the known secret, the
//! target, the content type, the JSON body) and answers from a script.

pub mod sigv4;
// HTTPS and proxies: used by https.rs and cli.rs, not by client.rs.
#[allow(dead_code)]
pub mod tls;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};

/// The keys the server knows: access key id → (secret, session token).
pub const ACCESS_KEY: &str = "AKIDLOOPBACK";
pub const SECRET: &str = "loopback-secret-key";
pub const SESSION_ACCESS_KEY: &str = "ASIALOOPBACK";
pub const SESSION_SECRET: &str = "session-secret-key";
pub const SESSION_TOKEN: &str = "session-token-value";

/// One scripted answer.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Status, extra headers, body.
    Respond(u16, Vec<(&'static str, &'static str)>, String),
    /// Wait, then respond.
    Slow(Duration, u16, String),
    /// Close the connection without answering.
    Reset,
}

impl Reply {
    pub fn ok(body: impl Into<String>) -> Reply {
        Reply::Respond(200, Vec::new(), body.into())
    }

    pub fn error(status: u16, error_type: &str, message: &str) -> Reply {
        Reply::Respond(
            status,
            vec![("x-amzn-requestid", "req-loopback-1")],
            format!(
                r#"{{"__type":"com.amazonaws.rekognition#{error_type}","Message":"{message}"}}"#
            ),
        )
    }
}

/// What the server saw.
#[derive(Clone, Debug)]
pub struct Seen {
    pub target: String,
    pub body: String,
    pub amz_date: String,
    pub signature: String,
    pub security_token: Option<String>,
}

#[derive(Default)]
struct State {
    /// Replies in order; the last one repeats.
    script: Vec<Reply>,
    /// Replies by `X-Amz-Target`, used instead of the script when present.
    by_target: BTreeMap<String, Reply>,
    seen: Vec<Seen>,
}

pub struct Server {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl Server {
    pub async fn start(script: Vec<Reply>) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(Mutex::new(State {
            script,
            ..State::default()
        }));
        let shared = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let state = shared.clone();
                tokio::spawn(async move {
                    let service =
                        hyper::service::service_fn(move |request| handle(state.clone(), request));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Server { addr, state }
    }

    /// Answers each target with its own reply (for concurrent tests).
    pub fn reply_by_target(&self, target: &str, reply: Reply) {
        self.state
            .lock()
            .expect("lock")
            .by_target
            .insert(target.to_string(), reply);
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().expect("lock").seen.clone()
    }

    pub fn requests(&self) -> usize {
        self.state.lock().expect("lock").seen.len()
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
        .to_bytes();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let target = header("x-amz-target").unwrap_or_default();
    let seen = Seen {
        target: target.clone(),
        body: String::from_utf8_lossy(&body).to_string(),
        amz_date: header("x-amz-date").unwrap_or_default(),
        signature: header("authorization")
            .and_then(|a| a.split("Signature=").nth(1).map(str::to_string))
            .unwrap_or_default(),
        security_token: header("x-amz-security-token"),
    };
    let reply = {
        let mut state = state.lock().expect("lock");
        let index = state.seen.len();
        state.seen.push(seen);
        match state.by_target.get(&target) {
            Some(reply) => reply.clone(),
            None => state
                .script
                .get(index)
                .or(state.script.last())
                .cloned()
                .unwrap_or_else(|| Reply::ok("{}")),
        }
    };
    if let Err(problem) = check(&parts, &body) {
        return Ok(respond(
            403,
            &[],
            format!(
                r#"{{"__type":"InvalidSignatureException","message":{}}}"#,
                serde_json::Value::from(problem)
            ),
        ));
    }
    match reply {
        Reply::Respond(status, headers, body) => Ok(respond(status, &headers, body)),
        Reply::Slow(delay, status, body) => {
            tokio::time::sleep(delay).await;
            Ok(respond(status, &[], body))
        }
        // An error from the service makes hyper drop the connection without a response.
        Reply::Reset => Err(std::io::Error::other("scripted connection reset")),
    }
}

fn respond(status: u16, headers: &[(&str, &str)], body: String) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = hyper::StatusCode::from_u16(status).expect("status");
    response.headers_mut().insert(
        "content-type",
        "application/x-amz-json-1.1".parse().expect("header"),
    );
    for (name, value) in headers {
        let name = http::HeaderName::from_bytes(name.as_bytes()).expect("header name");
        response
            .headers_mut()
            .insert(name, value.parse().expect("header"));
    }
    response
}

/// Everything a real endpoint would reject, checked independently of the client's code.
fn check(parts: &http::request::Parts, body: &[u8]) -> Result<(), String> {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    if parts.method != http::Method::POST || parts.uri.path() != "/" {
        return Err(format!(
            "expected POST /, got {} {}",
            parts.method, parts.uri
        ));
    }
    if header("content-type") != Some("application/x-amz-json-1.1") {
        return Err(format!("wrong content type {:?}", header("content-type")));
    }
    let target = header("x-amz-target").unwrap_or_default();
    if ![
        "RekognitionService.CreateFaceLivenessSession",
        "RekognitionService.GetFaceLivenessSessionResults",
    ]
    .contains(&target)
    {
        return Err(format!("unknown target {target:?}"));
    }
    serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(body)
        .map_err(|e| format!("body is not a JSON object: {e}"))?;

    sigv4::verify(
        parts,
        body,
        &[
            (ACCESS_KEY, SECRET, None),
            (SESSION_ACCESS_KEY, SESSION_SECRET, Some(SESSION_TOKEN)),
        ],
        "rekognition",
    )
}

/// A port nothing listens on.
pub fn dead_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}
