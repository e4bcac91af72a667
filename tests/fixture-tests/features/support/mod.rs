//! A scripted loopback HTTP server for the fixture crates' behaviour tests: each request is
//! answered with the next reply of the script (the last one repeats) and recorded.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};

/// One recorded request.
#[derive(Clone, Debug)]
pub struct Seen {
    pub target: String,
    pub body: serde_json::Value,
}

#[derive(Default)]
struct State {
    script: Vec<(u16, String)>,
    seen: Vec<Seen>,
}

pub struct Server {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl Server {
    /// Starts a server answering with `script`: `(status, body)` in order.
    pub async fn start(script: Vec<(u16, String)>) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(Mutex::new(State {
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
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Server { addr, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().expect("lock").seen.clone()
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
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    let (status, reply) = {
        let mut state = state.lock().expect("lock");
        let index = state.seen.len();
        state.seen.push(Seen { target, body });
        state
            .script
            .get(index)
            .or(state.script.last())
            .cloned()
            .unwrap_or((200, "{}".into()))
    };
    let mut response = hyper::Response::new(Full::new(Bytes::from(reply)));
    *response.status_mut() = hyper::StatusCode::from_u16(status).expect("status");
    Ok(response)
}

include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../tests/fixture-tests/support/cli.rs"
));
