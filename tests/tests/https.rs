//! HTTPS as users run it, on loopback: a server whose certificate comes from a CA the test
//! makes, trusted through `Config::ca_bundle`, `AWS_CA_BUNDLE` or a profile's `ca_bundle`;
//! refused without it, for another name and when expired; one TLS connection reused across
//! calls. And proxies: a `CONNECT` tunnel from `HTTPS_PROXY` with credentials from its URL,
//! `NO_PROXY`, plain HTTP forwarded through `HTTP_PROXY`, and refused tunnels (407, 403) that
//! fail at once with a clear error and never show the credentials.

#[allow(dead_code)]
mod support;

use std::sync::atomic::Ordering;

use base64::Engine as _;
use rekognition::Client;
use rekognition::config::{Config, Credentials, Env, Proxy};
use support::tls::{ConnectProxy, Pki, ProxyMode, TlsServer};

const PASSWORD: &str = "p@ss:w0rd";
const PASSWORD_ENCODED: &str = "p%40ss%3Aw0rd";

fn builder(endpoint: &str) -> rekognition::config::ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
        .endpoint_url(endpoint)
}

/// The environment of a process with static credentials and no profile files, plus `vars`.
fn env(vars: &[(&str, &str)]) -> Env {
    let mut all = vec![
        ("AWS_REGION".to_string(), "us-east-1".to_string()),
        ("AWS_ACCESS_KEY_ID".to_string(), "AKIDEXAMPLE".to_string()),
        ("AWS_SECRET_ACCESS_KEY".to_string(), "secret".to_string()),
        (
            "AWS_CONFIG_FILE".to_string(),
            "/nonexistent/config".to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE".to_string(),
            "/nonexistent/credentials".to_string(),
        ),
    ];
    all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Env::from_vars(all)
}

async fn create(config: Config) -> Result<String, String> {
    let client = Client::new(config).map_err(|e| format!("config: {e}"))?;
    client
        .create_face_liveness_session()
        .send()
        .await
        .map(|out| out.session_id)
        .map_err(|e| format!("{e} / {e:?}"))
}

#[tokio::test]
async fn calls_succeed_with_the_ca_from_the_builder_and_reuse_one_tls_connection() {
    let pki = Pki::new("builder");
    let server = TlsServer::start(&pki.localhost).await;
    let client = Client::new(
        builder(&server.url())
            .ca_bundle(&pki.ca_file)
            .proxy(Proxy::disabled())
            .build(),
    )
    .expect("client");
    for _ in 0..5 {
        client
            .create_face_liveness_session()
            .send()
            .await
            .expect("a call over TLS");
    }
    assert_eq!(server.requests.load(Ordering::SeqCst), 5);
    assert_eq!(
        server.handshakes.load(Ordering::SeqCst),
        1,
        "five calls on one client share one TLS connection"
    );
}

#[tokio::test]
async fn aws_ca_bundle_and_the_profiles_ca_bundle_are_trusted() {
    let pki = Pki::new("env");
    let server = TlsServer::start(&pki.localhost).await;
    let ca = pki.ca_file.to_str().expect("UTF-8 path");
    let config = Config::from_env_vars(env(&[("AWS_CA_BUNDLE", ca)])).expect("config");
    let made = create(config.to_builder().endpoint_url(server.url()).build()).await;
    assert!(made.is_ok(), "AWS_CA_BUNDLE: {made:?}");

    let profile = std::env::temp_dir().join(format!("https-profile-{}", std::process::id()));
    std::fs::write(&profile, format!("[default]\nca_bundle = {ca}\n")).expect("profile");
    let config = Config::from_env_vars(env(&[(
        "AWS_CONFIG_FILE",
        profile.to_str().expect("UTF-8 path"),
    )]));
    let _ = std::fs::remove_file(&profile);
    let made = create(
        config
            .expect("config")
            .to_builder()
            .endpoint_url(server.url())
            .build(),
    )
    .await;
    assert!(made.is_ok(), "profile ca_bundle: {made:?}");
    assert_eq!(server.handshakes.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_unreadable_or_empty_ca_bundle_is_a_configuration_error_naming_it() {
    let config = Config::from_env_vars(env(&[("AWS_CA_BUNDLE", "/nonexistent/ca.pem")]))
        .expect("read when the client is built");
    let err = Client::new(config).expect_err("no such file").to_string();
    assert!(
        err.starts_with("CA bundle /nonexistent/ca.pem: cannot read it"),
        "{err}"
    );
    let empty = std::env::temp_dir().join(format!("https-empty-ca-{}", std::process::id()));
    std::fs::write(&empty, "no certificate here\n").expect("write");
    let err = Client::new(builder("https://localhost:1").ca_bundle(&empty).build())
        .expect_err("no certificate")
        .to_string();
    let _ = std::fs::remove_file(&empty);
    assert!(err.contains("holds no PEM certificate"), "{err}");
}

#[tokio::test]
async fn untrusted_misnamed_and_expired_certificates_are_refused_clearly() {
    let pki = Pki::new("refused");
    let trusted = TlsServer::start(&pki.localhost).await;
    let err = create(builder(&trusted.url()).proxy(Proxy::disabled()).build())
        .await
        .expect_err("the CA is not trusted");
    assert!(
        err.contains("invalid peer certificate") && err.contains("UnknownIssuer"),
        "{err}"
    );

    for (identity, why) in [
        (&pki.other_name, "NotValidForName"),
        (&pki.expired, "Expired"),
    ] {
        let server = TlsServer::start(identity).await;
        let err = create(
            builder(&server.url())
                .ca_bundle(&pki.ca_file)
                .proxy(Proxy::disabled())
                .build(),
        )
        .await
        .expect_err("refused certificate");
        assert!(
            err.contains("invalid peer certificate") && err.contains(why),
            "{err}"
        );
        assert_eq!(server.requests.load(Ordering::SeqCst), 0);
    }
}

#[tokio::test]
async fn https_goes_through_the_connect_proxy_with_its_credentials_and_no_proxy_bypasses_it() {
    let pki = Pki::new("proxy");
    let server = TlsServer::start(&pki.localhost).await;
    let proxy = ConnectProxy::start(ProxyMode::Tunnel).await;
    let url = format!("http://user:{PASSWORD_ENCODED}@{}", proxy.addr);
    let config = Config::from_env_vars(env(&[("HTTPS_PROXY", &url)])).expect("config");
    let shown = format!("{config:?}");
    assert!(
        !shown.contains(PASSWORD_ENCODED) && !shown.contains(PASSWORD),
        "{shown}"
    );
    let config = config
        .to_builder()
        .endpoint_url(server.url())
        .ca_bundle(&pki.ca_file)
        .build();
    let client = Client::new(config).expect("client");
    for _ in 0..3 {
        client
            .create_face_liveness_session()
            .send()
            .await
            .expect("a call through the tunnel");
    }
    let asked = proxy.asked();
    assert_eq!(asked.len(), 1, "one tunnel, reused: {asked:?}");
    assert_eq!(
        asked[0].line,
        format!("CONNECT localhost:{} HTTP/1.1", server.port)
    );
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("user:{PASSWORD}"))
    );
    assert_eq!(
        asked[0].proxy_authorization.as_deref(),
        Some(expected.as_str())
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 3);
    assert_eq!(server.handshakes.load(Ordering::SeqCst), 1);

    // NO_PROXY: straight to the server.
    let config = Config::from_env_vars(env(&[
        ("HTTPS_PROXY", &url),
        ("NO_PROXY", "example.com,localhost"),
    ]))
    .expect("config");
    let made = create(
        config
            .to_builder()
            .endpoint_url(server.url())
            .ca_bundle(&pki.ca_file)
            .build(),
    )
    .await;
    assert!(made.is_ok(), "{made:?}");
    assert_eq!(proxy.asked().len(), 1, "the proxy saw nothing more");
    assert_eq!(server.requests.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn plain_http_is_forwarded_to_the_proxy_in_absolute_form_with_its_credentials() {
    let proxy = ConnectProxy::start(ProxyMode::Origin).await;
    let made = create(
        builder("http://service.invalid:8080")
            .proxy(
                Proxy::all(&format!("http://user:{PASSWORD_ENCODED}@{}", proxy.addr))
                    .expect("proxy"),
            )
            .build(),
    )
    .await;
    assert!(made.is_ok(), "{made:?}");
    let asked = proxy.asked();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].line, "POST http://service.invalid:8080/ HTTP/1.1");
    assert!(
        asked[0]
            .proxy_authorization
            .as_deref()
            .is_some_and(|a| a.starts_with("Basic "))
    );
}

#[tokio::test]
async fn a_refused_tunnel_is_a_clear_error_tried_once_that_never_shows_the_credentials() {
    for (status, hint) in [
        (407, "it did not accept the credentials in the proxy URL"),
        (403, "403 Refused by policy"),
    ] {
        let proxy = ConnectProxy::start(ProxyMode::Refuse(status)).await;
        let url = format!("http://user:{PASSWORD_ENCODED}@{}", proxy.addr);
        let err = create(
            builder("https://localhost:9")
                .proxy(Proxy::all(&url).expect("proxy"))
                .build(),
        )
        .await
        .expect_err("refused");
        assert!(
            err.contains(&format!(
                "the proxy http://****@{} refused the tunnel to localhost:9: {status}",
                proxy.addr
            )) && err.contains(hint),
            "{err}"
        );
        assert!(
            !err.contains(PASSWORD) && !err.contains(PASSWORD_ENCODED),
            "{err}"
        );
        assert_eq!(proxy.asked().len(), 1, "{status}: not retried");
    }
    // Without credentials, a 407 says where they go.
    let proxy = ConnectProxy::start(ProxyMode::Refuse(407)).await;
    let err = create(
        builder("https://localhost:9")
            .proxy(Proxy::all(&format!("http://{}", proxy.addr)).expect("proxy"))
            .build(),
    )
    .await
    .expect_err("refused");
    assert!(err.contains("give credentials in the proxy URL"), "{err}");
}

#[tokio::test]
async fn container_credentials_never_go_through_the_proxy() {
    // The container agent on loopback, answering with credentials.
    let agent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let agent_addr = agent.local_addr().expect("address");
    let fetched = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = fetched.clone();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        while let Ok((mut conn, _)) = agent.accept().await {
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf).await;
            counter.fetch_add(1, Ordering::SeqCst);
            let body = r#"{"AccessKeyId":"AKC","SecretAccessKey":"SC","Token":"TC","Expiration":"2099-01-02T03:04:05Z"}"#;
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = conn.write_all(answer.as_bytes()).await;
        }
    });
    let proxy = ConnectProxy::start(ProxyMode::Origin).await;
    let proxy_url = format!("http://{}", proxy.addr);
    let full_uri = format!("http://{agent_addr}/credentials");
    let config = Config::from_env_vars(Env::from_vars([
        ("AWS_REGION", "us-east-1"),
        ("AWS_CONFIG_FILE", "/nonexistent/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri.as_str()),
        ("HTTP_PROXY", proxy_url.as_str()),
        ("ALL_PROXY", proxy_url.as_str()),
    ]))
    .expect("config");
    let made = create(
        config
            .to_builder()
            .endpoint_url("http://service.invalid")
            .build(),
    )
    .await;
    assert!(made.is_ok(), "{made:?}");
    assert_eq!(
        fetched.load(Ordering::SeqCst),
        1,
        "the agent was asked directly"
    );
    let asked = proxy.asked();
    assert_eq!(
        asked.len(),
        1,
        "only the service call went through the proxy: {asked:?}"
    );
    assert!(
        asked[0].line.starts_with("POST http://service.invalid/"),
        "{asked:?}"
    );
}
