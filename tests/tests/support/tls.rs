//! HTTPS and proxies on loopback: a private CA with certificates for `localhost` (valid, for
//! another name, expired), a TLS server that plays Rekognition and counts its handshakes, and
//! a proxy that opens `CONNECT` tunnels (or refuses them) and records what it was asked.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

pub const SESSION_BODY: &str = r#"{"SessionId":"0b6a7d1c-2f3e-4a5b-8c9d-0e1f2a3b4c5d"}"#;

/// A CA made for one test, and server certificates it issued.
pub struct Pki {
    /// The CA certificate as a PEM file in the temporary directory.
    pub ca_file: PathBuf,
    pub localhost: Identity,
    pub other_name: Identity,
    pub expired: Identity,
}

/// A certificate chain and its key.
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: Vec<u8>,
}

impl Pki {
    pub fn new(tag: &str) -> Pki {
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "loopback test CA");
        let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
        let issuer = Issuer::new(ca, ca_key);
        let leaf = |name: &str, expired: bool| {
            let key = KeyPair::generate().expect("server key");
            let mut params = CertificateParams::new(vec![name.to_string()]).expect("params");
            if expired {
                params.not_before = rcgen::date_time_ymd(2020, 1, 1);
                params.not_after = rcgen::date_time_ymd(2021, 1, 1);
            }
            let cert = params.signed_by(&key, &issuer).expect("server certificate");
            Identity {
                chain: vec![cert.der().clone()],
                key: key.serialize_der(),
            }
        };
        let ca_file =
            std::env::temp_dir().join(format!("loopback-ca-{tag}-{}.pem", std::process::id()));
        std::fs::write(&ca_file, ca_cert.pem()).expect("write the CA file");
        Pki {
            ca_file,
            localhost: leaf("localhost", false),
            other_name: leaf("other.example", false),
            expired: leaf("localhost", true),
        }
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.ca_file);
    }
}

/// An HTTPS server on 127.0.0.1 answering every request with a session.
pub struct TlsServer {
    pub port: u16,
    /// Completed TLS handshakes: one per connection.
    pub handshakes: Arc<AtomicUsize>,
    pub requests: Arc<AtomicUsize>,
}

impl TlsServer {
    pub async fn start(identity: &Identity) -> TlsServer {
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(
            identity.chain.clone(),
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(identity.key.clone())),
        )
        .expect("server certificate");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let handshakes = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let (shakes, served) = (handshakes.clone(), requests.clone());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, shakes, served) = (acceptor.clone(), shakes.clone(), served.clone());
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    shakes.fetch_add(1, Ordering::SeqCst);
                    let service = hyper::service::service_fn(move |_request| {
                        served.fetch_add(1, Ordering::SeqCst);
                        async {
                            let mut response = hyper::Response::new(http_body_util::Full::new(
                                hyper::body::Bytes::from(SESSION_BODY),
                            ));
                            response.headers_mut().insert(
                                "content-type",
                                hyper::header::HeaderValue::from_static(
                                    "application/x-amz-json-1.1",
                                ),
                            );
                            Ok::<_, std::convert::Infallible>(response)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                        .await;
                });
            }
        });
        TlsServer {
            port,
            handshakes,
            requests,
        }
    }

    pub fn url(&self) -> String {
        format!("https://localhost:{}", self.port)
    }
}

/// How the proxy answers.
#[derive(Clone, Copy, Debug)]
pub enum ProxyMode {
    /// `CONNECT` opens a tunnel to the target.
    Tunnel,
    /// Every request is refused with this status (407, 403).
    Refuse(u16),
    /// Plain-HTTP requests (absolute form) are answered by the proxy itself with a session.
    Origin,
}

/// What one client asked the proxy.
#[derive(Clone, Debug)]
pub struct Asked {
    /// The request line: `CONNECT localhost:443 HTTP/1.1`.
    pub line: String,
    pub proxy_authorization: Option<String>,
}

pub struct ConnectProxy {
    pub addr: SocketAddr,
    pub asked: Arc<Mutex<Vec<Asked>>>,
}

impl ConnectProxy {
    pub async fn start(mode: ProxyMode) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = asked.clone();
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let log = log.clone();
                tokio::spawn(async move {
                    let Some((head, rest)) = read_head(&mut client).await else {
                        return;
                    };
                    let line = head.lines().next().unwrap_or("").to_string();
                    let proxy_authorization = head.lines().find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("proxy-authorization")
                            .then(|| value.trim().to_string())
                    });
                    log.lock().unwrap().push(Asked {
                        line: line.clone(),
                        proxy_authorization,
                    });
                    match mode {
                        ProxyMode::Refuse(status) => {
                            let answer = format!(
                                "HTTP/1.1 {status} Refused by policy\r\nProxy-Authenticate: Basic realm=\"loopback\"\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                            );
                            let _ = client.write_all(answer.as_bytes()).await;
                        }
                        ProxyMode::Origin => {
                            let answer = format!(
                                "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{SESSION_BODY}",
                                SESSION_BODY.len()
                            );
                            let _ = client.write_all(answer.as_bytes()).await;
                        }
                        ProxyMode::Tunnel => {
                            let target = line.split(' ').nth(1).unwrap_or("").to_string();
                            let Ok(mut server) = TcpStream::connect(&target).await else {
                                let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                                return;
                            };
                            if !rest.is_empty() {
                                return;
                            }
                            let _ = client
                                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                                .await;
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        }
                    }
                });
            }
        });
        ConnectProxy { addr, asked }
    }

    pub fn asked(&self) -> Vec<Asked> {
        self.asked.lock().unwrap().clone()
    }
}

/// Reads a request head; returns it and whatever came after it.
async fn read_head(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return Some((String::from_utf8_lossy(&buf).into_owned(), rest));
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}
