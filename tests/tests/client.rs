//! The generated client against a live loopback server that verifies every signature on its
//! own. Each test asserts what the client returned and how many requests arrived.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use rekognition::Client;
use rekognition::config::{Config, ConfigBuilder, Credentials, RetryConfig, TransportErrorKind};
use rekognition::operation::create_face_liveness_session::CreateFaceLivenessSessionError;
use rekognition::operation::get_face_liveness_session_results::GetFaceLivenessSessionResultsError;
use rekognition::types::{
    CreateFaceLivenessSessionRequestSettings, LivenessOutputConfig, LivenessSessionStatus,
};
use support::{Reply, Server};

const SESSION_ID: &str = "0b6a7d1c-2f3e-4a5b-8c9d-0e1f2a3b4c5d";

fn config(url: &str) -> ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials(Credentials::new(support::ACCESS_KEY, support::SECRET, None))
        .retry_config(RetryConfig::default().with_initial_backoff(Duration::from_millis(5)))
}

fn client(url: &str) -> Client {
    client_with(url, |config| config)
}

/// A client whose base configuration `adjust` changes.
fn client_with(url: &str, adjust: impl FnOnce(ConfigBuilder) -> ConfigBuilder) -> Client {
    Client::new(adjust(config(url)).build()).expect("valid config")
}

fn settings() -> CreateFaceLivenessSessionRequestSettings {
    CreateFaceLivenessSessionRequestSettings::builder()
        .output_config(
            LivenessOutputConfig::builder()
                .s3_bucket("my-bucket")
                .s3_key_prefix("audit/")
                .build()
                .expect("bucket set"),
        )
        .audit_images_limit(2)
        .build()
}

fn created() -> Reply {
    Reply::ok(format!(r#"{{"SessionId":"{SESSION_ID}"}}"#))
}

#[tokio::test]
async fn create_session_succeeds() {
    let server = Server::start(vec![created()]).await;
    let out = client(&server.url())
        .create_face_liveness_session()
        .kms_key_id("alias/liveness")
        .settings(settings())
        .send()
        .await
        .expect("created");
    assert_eq!(out.session_id, SESSION_ID);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].target,
        "RekognitionService.CreateFaceLivenessSession"
    );
    assert_eq!(
        seen[0].body,
        r#"{"KmsKeyId":"alias/liveness","Settings":{"OutputConfig":{"S3Bucket":"my-bucket","S3KeyPrefix":"audit/"},"AuditImagesLimit":2}}"#
    );
}

#[tokio::test]
async fn get_results_succeeds() {
    let body = format!(
        r#"{{"SessionId":"{SESSION_ID}","Status":"SUCCEEDED","Confidence":99.5,"Challenge":{{"Type":"FaceMovementChallenge","Version":"1.0.0"}}}}"#
    );
    let server = Server::start(vec![Reply::ok(body)]).await;
    let out = client(&server.url())
        .get_face_liveness_session_results()
        .session_id(SESSION_ID)
        .send()
        .await
        .expect("results");
    assert_eq!(out.status, LivenessSessionStatus::Succeeded);
    assert_eq!(out.confidence, Some(99.5));
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn server_error_then_success_retries_once_with_a_fresh_signature() {
    let server = Server::start(vec![
        Reply::error(500, "InternalServerError", "oops"),
        created(),
    ])
    .await;
    // A clock that moves a second per signature, so a fresh signature is visibly different.
    let tick = Arc::new(AtomicU64::new(1_767_323_045));
    let clock = tick.clone();
    let client = client_with(&server.url(), |config| {
        config.time_source(move || {
            UNIX_EPOCH + Duration::from_secs(clock.fetch_add(1, Ordering::SeqCst))
        })
    });
    let out = client
        .create_face_liveness_session()
        .client_request_token("tok-1")
        .send()
        .await
        .expect("retried");
    assert_eq!(out.session_id, SESSION_ID);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body, seen[1].body, "same body");
    assert_ne!(seen[0].amz_date, seen[1].amz_date);
    assert_ne!(seen[0].signature, seen[1].signature, "signed afresh");
}

#[tokio::test]
async fn throttling_on_every_attempt_gives_up_with_the_typed_error() {
    let server = Server::start(vec![Reply::error(400, "ThrottlingException", "slow down")]).await;
    let client = client_with(&server.url(), |config| {
        config.retry_config(
            RetryConfig::default()
                .with_max_attempts(4)
                .with_initial_backoff(Duration::from_millis(1)),
        )
    });
    let err = client
        .create_face_liveness_session()
        .send()
        .await
        .expect_err("throttled");
    assert!(
        matches!(&err, CreateFaceLivenessSessionError::ThrottlingException(e) if e.message.as_deref() == Some("slow down")),
        "{err:?}"
    );
    assert!(err.is_throttling() && err.is_retryable());
    assert_eq!(server.requests(), 4);
}

#[tokio::test]
async fn invalid_parameter_is_not_retried() {
    let server = Server::start(vec![Reply::error(
        400,
        "InvalidParameterException",
        "bad kms key",
    )])
    .await;
    let err = client(&server.url())
        .create_face_liveness_session()
        .send()
        .await
        .expect_err("rejected");
    assert!(
        matches!(
            &err,
            CreateFaceLivenessSessionError::InvalidParameterException(_)
        ),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn unmodeled_error_keeps_code_message_status_and_request_id() {
    let server = Server::start(vec![Reply::error(409, "SomethingNewException", "new")]).await;
    let err = client(&server.url())
        .create_face_liveness_session()
        .send()
        .await
        .expect_err("unhandled");
    let CreateFaceLivenessSessionError::Unhandled(unhandled) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(unhandled.code(), Some("SomethingNewException"));
    assert_eq!(unhandled.message(), Some("new"));
    assert_eq!(unhandled.status(), 409);
    assert_eq!(err.request_id(), Some("req-loopback-1"));
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn error_code_only_in_the_errortype_header() {
    let server = Server::start(vec![Reply::Respond(
        400,
        vec![(
            "x-amzn-errortype",
            "SessionNotFoundException:http://internal.amazon.com/coral/com.amazonaws.rekognition/",
        )],
        "{}".into(),
    )])
    .await;
    let err = client(&server.url())
        .get_face_liveness_session_results()
        .session_id(SESSION_ID)
        .send()
        .await
        .expect_err("not found");
    assert!(
        matches!(
            err,
            GetFaceLivenessSessionResultsError::SessionNotFoundException(_)
        ),
        "{err:?}"
    );
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn connection_refused_is_a_connect_error_after_retries() {
    let client = client(&format!("http://127.0.0.1:{}", support::dead_port()));
    let err = client
        .create_face_liveness_session()
        .send()
        .await
        .expect_err("refused");
    let CreateFaceLivenessSessionError::Transport(transport) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(transport.kind(), TransportErrorKind::Connect, "{transport}");
    assert!(err.is_retryable());
    // The chain below the message reaches the underlying I/O error.
    let mut chain = Vec::new();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    assert!(!chain.is_empty(), "{err}");
}

#[tokio::test]
async fn connection_reset_is_retried_then_reported() {
    let server = Server::start(vec![Reply::Reset]).await;
    let err = client(&server.url())
        .create_face_liveness_session()
        .send()
        .await
        .expect_err("reset");
    let CreateFaceLivenessSessionError::Transport(transport) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(transport.kind(), TransportErrorKind::Io, "{transport}");
    assert_eq!(server.requests(), 3, "three attempts by default");
}

#[tokio::test]
async fn reset_then_success_recovers() {
    let server = Server::start(vec![Reply::Reset, created()]).await;
    let out = client(&server.url())
        .create_face_liveness_session()
        .send()
        .await
        .expect("recovered");
    assert_eq!(out.session_id, SESSION_ID);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn response_slower_than_the_read_timeout() {
    let server = Server::start(vec![Reply::Slow(Duration::from_secs(5), 200, "{}".into())]).await;
    let client = client_with(&server.url(), |config| {
        config
            .read_timeout(Duration::from_millis(200))
            .retry_config(
                RetryConfig::default()
                    .with_max_attempts(2)
                    .with_initial_backoff(Duration::from_millis(1)),
            )
    });
    let started = std::time::Instant::now();
    let err = client
        .create_face_liveness_session()
        .send()
        .await
        .expect_err("timed out");
    let CreateFaceLivenessSessionError::Transport(transport) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(transport.kind(), TransportErrorKind::ReadTimeout);
    assert!(transport.is_timeout());
    assert_eq!(server.requests(), 2, "timeouts are retried");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the client did not wait for the slow server"
    );
}

#[tokio::test]
async fn truncated_non_json_and_wrong_type_bodies_are_malformed_responses() {
    for body in [
        r#"{"SessionId":"0b6a"#,
        "<html>not json</html>",
        r#"{"SessionId":42}"#,
        "[]",
    ] {
        let server = Server::start(vec![Reply::ok(body)]).await;
        let err = client(&server.url())
            .create_face_liveness_session()
            .send()
            .await
            .expect_err("malformed");
        assert!(
            matches!(err, CreateFaceLivenessSessionError::MalformedResponse(_)),
            "{body}: {err:?}"
        );
        assert_eq!(server.requests(), 1, "{body}");
    }
}

#[tokio::test]
async fn empty_body_where_an_object_is_expected_reads_as_empty_object() {
    let server = Server::start(vec![Reply::ok("")]).await;
    let out = client(&server.url())
        .create_face_liveness_session()
        .send()
        .await
        .expect("error-corrected");
    assert_eq!(
        out.session_id, "",
        "a missing required member is corrected to its zero value"
    );
}

#[tokio::test]
async fn validation_failure_sends_nothing() {
    let server = Server::start(vec![created()]).await;
    let bad = CreateFaceLivenessSessionRequestSettings::builder()
        .output_config(
            LivenessOutputConfig::builder()
                .s3_bucket("ab")
                .build()
                .expect("bucket set"),
        )
        .audit_images_limit(9)
        .build();
    let err = client(&server.url())
        .create_face_liveness_session()
        .settings(bad)
        .send()
        .await
        .expect_err("invalid");
    let CreateFaceLivenessSessionError::Validation(validation) = &err else {
        panic!("{err:?}")
    };
    let found: Vec<String> = validation
        .violations()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        found,
        [
            "Settings.OutputConfig.S3Bucket: length 2 is below the minimum 3",
            "Settings.AuditImagesLimit: value 9 is above the maximum 4",
        ]
    );
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn validation_off_sends_the_input_as_is() {
    let server = Server::start(vec![created()]).await;
    let client = client_with(&server.url(), |config| config.validation(false));
    // SessionId is required, but with validation off the empty input goes out unchecked.
    client
        .get_face_liveness_session_results()
        .send()
        .await
        .expect("sent and answered");
    assert_eq!(server.requests(), 1);
    assert_eq!(server.seen()[0].body, "{}");
}

#[tokio::test]
async fn session_token_credentials_are_sent_and_signed() {
    let server = Server::start(vec![created()]).await;
    let client = client_with(&server.url(), |config| {
        config.credentials(Credentials::new(
            support::SESSION_ACCESS_KEY,
            support::SESSION_SECRET,
            Some(support::SESSION_TOKEN.into()),
        ))
    });
    client
        .create_face_liveness_session()
        .send()
        .await
        .expect("accepted");
    assert_eq!(
        server.seen()[0].security_token.as_deref(),
        Some(support::SESSION_TOKEN)
    );
}

#[tokio::test]
async fn a_wrong_secret_is_rejected_by_the_server() {
    let server = Server::start(vec![created()]).await;
    let client = client_with(&server.url(), |config| {
        config.credentials(Credentials::new(support::ACCESS_KEY, "wrong-secret", None))
    });
    let err = client
        .create_face_liveness_session()
        .send()
        .await
        .expect_err("forbidden");
    let CreateFaceLivenessSessionError::Unhandled(unhandled) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (unhandled.code(), unhandled.status()),
        (Some("InvalidSignatureException"), 403)
    );
    assert!(
        unhandled
            .message()
            .is_some_and(|m| m.starts_with("signature mismatch")),
        "{unhandled}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_calls_on_one_cloned_client() {
    let server = Server::start(Vec::new()).await;
    server.reply_by_target("RekognitionService.CreateFaceLivenessSession", created());
    let results_body = format!(r#"{{"SessionId":"{SESSION_ID}","Status":"IN_PROGRESS"}}"#);
    server.reply_by_target(
        "RekognitionService.GetFaceLivenessSessionResults",
        Reply::ok(results_body),
    );
    let client = client(&server.url());
    let mut tasks = Vec::new();
    for i in 0..200 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                let out = client
                    .create_face_liveness_session()
                    .client_request_token(format!("tok-{i}"))
                    .send()
                    .await?;
                assert_eq!(out.session_id, SESSION_ID);
            } else {
                let out = client
                    .get_face_liveness_session_results()
                    .session_id(SESSION_ID)
                    .send()
                    .await?;
                assert_eq!(out.status, LivenessSessionStatus::InProgress);
            }
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        }));
    }
    for task in tasks {
        task.await.expect("task").expect("call succeeded");
    }
    assert_eq!(server.requests(), 200);
    let bodies: std::collections::BTreeSet<String> = server
        .seen()
        .into_iter()
        .filter(|s| s.body.contains("tok-"))
        .map(|s| s.body)
        .collect();
    assert_eq!(bodies.len(), 100, "every create call sent its own token");
}

#[test]
fn client_is_send_sync_and_clone() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<Client>();
}

#[test]
fn missing_region_or_credentials_are_clear_errors() {
    let err = Client::new(
        Config::builder()
            .credentials(Credentials::new("a", "b", None))
            .build(),
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("no region configured"), "{err}");
    let err = Client::new(Config::builder().region("us-east-1").build()).unwrap_err();
    assert!(
        err.to_string().starts_with("no credentials configured"),
        "{err}"
    );
}

/// Each request's URI and `Authorization` header.
type Seen = Arc<std::sync::Mutex<Vec<(String, String)>>>;

/// A client without an endpoint override, answering every request in memory.
fn resolved_client(adjust: impl FnOnce(ConfigBuilder) -> ConfigBuilder) -> (Client, Seen) {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let transport = rekognition::config::InMemory::new(move |request| {
        let auth = request.headers()["authorization"]
            .to_str()
            .unwrap_or_default()
            .to_string();
        log.lock()
            .expect("lock")
            .push((request.uri().to_string(), auth));
        Ok(http::Response::new(br#"{"SessionId":"s"}"#.to_vec()))
    });
    let config = Config::builder()
        .credentials(Credentials::new(support::ACCESS_KEY, support::SECRET, None))
        .http_client(transport);
    let client = Client::new(adjust(config).build()).expect("valid config");
    (client, seen)
}

#[tokio::test]
async fn endpoints_come_from_the_rule_set_and_the_config() {
    for (region, fips, dual_stack, url) in [
        (
            "eu-west-1",
            false,
            false,
            "https://rekognition.eu-west-1.amazonaws.com/",
        ),
        (
            "us-gov-west-1",
            true,
            false,
            "https://rekognition-fips.us-gov-west-1.amazonaws.com/",
        ),
        (
            "cn-north-1",
            false,
            true,
            "https://rekognition.cn-north-1.api.amazonwebservices.com.cn/",
        ),
    ] {
        let (client, seen) =
            resolved_client(|c| c.region(region).use_fips(fips).use_dual_stack(dual_stack));
        client
            .create_face_liveness_session()
            .send()
            .await
            .expect("created");
        let seen = seen.lock().expect("lock");
        assert_eq!(seen[0].0, url);
        assert!(
            seen[0]
                .1
                .contains(&format!("/{region}/rekognition/aws4_request")),
            "{}",
            seen[0].1
        );
    }
}

#[test]
fn rule_set_errors_are_configuration_errors() {
    let err = Client::new(config("https://example.com").use_fips(true).build()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "endpoint resolution failed: Invalid Configuration: FIPS and custom endpoint are not supported"
    );
    let err = Client::new(config("https://example.com").use_dual_stack(true).build()).unwrap_err();
    assert!(
        err.to_string().contains("Dualstack and custom endpoint"),
        "{err}"
    );
}

#[test]
fn the_resolver_is_public() {
    use rekognition::endpoint::{Params, resolve};
    let endpoint = resolve(&Params::builder().region("eusc-de-east-1").build()).expect("endpoint");
    assert_eq!(
        endpoint.url,
        "https://rekognition.eusc-de-east-1.amazonaws.eu"
    );
    let err = resolve(&Params::default()).unwrap_err();
    assert_eq!(err.message(), "Invalid Configuration: Missing Region");
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let config = config("http://127.0.0.1:1")
        .credentials(Credentials::new(
            "AKIDVISIBLE",
            "super-secret-value",
            Some("token-secret-value".into()),
        ))
        .build();
    let client = Client::new(config.clone()).expect("config");
    for debug in [format!("{config:?}"), format!("{client:?}")] {
        assert!(
            !debug.contains("super-secret-value") && !debug.contains("token-secret-value"),
            "{debug}"
        );
    }
}
