//! The generated Lambda client (restJson1) against a loopback server, one test per binding
//! kind: `Invoke` with a raw payload, headers and a query parameter both ways and its status
//! code read back; `ListFunctions` with query parameters and its paginator; errors named by
//! `X-Amzn-Errortype`; values that cannot be sent refused before anything is. The server
//! re-verifies every request's SigV4 signature with the reference `aws-sigv4`.

mod support;

use std::time::Duration;

use lambda::Client;
use lambda::config::{Config, Credentials, RetryConfig};
use lambda::operation::invoke::InvokeError;
use lambda::types::{InvocationType, LogType};
use support::Server;

fn client(server: &Server) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.url())
        .credentials(Credentials::new(support::ACCESS_KEY, support::SECRET, None))
        .retry_config(RetryConfig::default().with_initial_backoff(Duration::from_millis(5)))
        .build();
    Client::new(config).expect("valid config")
}

#[tokio::test]
async fn invoke_sends_the_payload_raw_with_headers_and_query_and_reads_them_back() {
    let payload = vec![b'x'; 1024];
    let server = Server::start(
        "lambda",
        vec![(
            200,
            vec![
                ("x-amz-executed-version", "7"),
                ("x-amz-function-error", "Unhandled"),
                ("x-amz-log-result", "bG9n"),
                ("content-type", "application/json"),
            ],
            br#"{"ok":true}"#.to_vec(),
        )],
    )
    .await;
    let output = client(&server)
        .invoke()
        .function_name("my-function:prod")
        .qualifier("a b&c")
        .invocation_type(InvocationType::RequestResponse)
        .log_type(LogType::Tail)
        .client_context("eyJ9")
        .payload(payload.clone())
        .send()
        .await
        .expect("invoked");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let sent = &seen[0];
    assert_eq!(sent.method, "POST");
    // The label and the query value percent-encoded.
    assert_eq!(
        sent.uri,
        "/2015-03-31/functions/my-function%3Aprod/invocations?Qualifier=a%20b%26c"
    );
    assert_eq!(
        sent.header("x-amz-invocation-type"),
        Some("RequestResponse")
    );
    assert_eq!(sent.header("x-amz-log-type"), Some("Tail"));
    assert_eq!(sent.header("x-amz-client-context"), Some("eyJ9"));
    assert_eq!(
        sent.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(sent.body, payload, "the payload is the body, as it is");
    // Out: the status code, three headers and the raw payload.
    assert_eq!(output.status_code, 200);
    assert_eq!(output.executed_version.as_deref(), Some("7"));
    assert_eq!(output.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(output.log_result.as_deref(), Some("bG9n"));
    assert_eq!(output.payload.as_deref(), Some(&br#"{"ok":true}"#[..]));
}

#[tokio::test]
async fn an_asynchronous_invocation_reads_its_202_status() {
    let server = Server::start("lambda", vec![(202, vec![], Vec::new())]).await;
    let output = client(&server)
        .invoke()
        .function_name("f")
        .invocation_type(InvocationType::Event)
        .send()
        .await
        .expect("accepted");
    assert_eq!(output.status_code, 202);
    assert_eq!(output.payload, None, "an empty body is no payload");
    let seen = server.seen();
    assert!(seen[0].body.is_empty());
    assert_eq!(seen[0].header("content-type"), None, "no payload, no type");
}

#[tokio::test]
async fn list_functions_sends_query_parameters_and_the_paginator_follows_next_marker() {
    let server = Server::start(
        "lambda",
        vec![
            (
                200,
                vec![],
                br#"{"Functions":[{"FunctionName":"a"},{"FunctionName":"b"}],"NextMarker":"m2"}"#
                    .to_vec(),
            ),
            (
                200,
                vec![],
                br#"{"Functions":[{"FunctionName":"c"}]}"#.to_vec(),
            ),
        ],
    )
    .await;
    let mut items = client(&server)
        .list_functions()
        .master_region("ALL")
        .into_paginator()
        .page_size(2)
        .items();
    let mut names = Vec::new();
    while let Some(item) = items.next().await {
        names.push(item.expect("a function").function_name.unwrap_or_default());
    }
    assert_eq!(names, ["a", "b", "c"]);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.method == "GET" && s.body.is_empty()));
    assert_eq!(
        seen[0].uri,
        "/2015-03-31/functions?MasterRegion=ALL&MaxItems=2"
    );
    assert_eq!(
        seen[1].uri,
        "/2015-03-31/functions?MasterRegion=ALL&Marker=m2&MaxItems=2"
    );
    assert_eq!(seen[0].header("content-length"), None, "a GET has no body");
}

#[tokio::test]
async fn an_error_named_by_x_amzn_errortype_is_the_modeled_variant() {
    let server = Server::start(
        "lambda",
        vec![(
            404,
            vec![(
                "x-amzn-errortype",
                "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.lambda/",
            )],
            br#"{"Type":"User","Message":"Function not found: f"}"#.to_vec(),
        )],
    )
    .await;
    let error = client(&server)
        .invoke()
        .function_name("f")
        .send()
        .await
        .expect_err("not found");
    let InvokeError::ResourceNotFoundException(found) = &error else {
        panic!("expected ResourceNotFoundException, got {error:?}");
    };
    assert_eq!(found.r#type.as_deref(), Some("User"));
    assert_eq!(found.message.as_deref(), Some("Function not found: f"));
    assert_eq!(error.code(), Some("ResourceNotFoundException"));
    assert_eq!(server.seen().len(), 1, "a 404 is not retried");
}

#[tokio::test]
async fn values_that_cannot_be_sent_are_refused_before_anything_is() {
    let server = Server::start("lambda", vec![(200, vec![], b"{}".to_vec())]).await;
    let client = client(&server);
    // A header value with a line break would start a header of its own.
    let error = client
        .invoke()
        .function_name("f")
        .client_context("a\r\nx-injected: 1")
        .send()
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, InvokeError::Validation(v) if v.to_string().contains("ClientContext")),
        "{error:?}"
    );
    // A label of `..` would climb a segment; validation is off, so only the binding stops it.
    let unchecked = Client::new(
        Config::builder()
            .region("us-east-1")
            .endpoint_url(server.url())
            .credentials(Credentials::new(support::ACCESS_KEY, support::SECRET, None))
            .validation(false)
            .build(),
    )
    .expect("valid config");
    let error = unchecked
        .invoke()
        .function_name("..")
        .send()
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, InvokeError::Validation(v) if v.to_string().contains("FunctionName")),
        "{error:?}"
    );
    assert!(server.seen().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn lookaround_patterns_are_checked_before_anything_is_sent() {
    let server = Server::start("lambda", vec![(200, vec![], br#"{"Name":"v1"}"#.to_vec())]).await;
    let client = client(&server);
    // `^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$`: an alias name is not only digits.
    let error = client
        .get_alias()
        .function_name("f")
        .name("123")
        .send()
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("Name"), "{error}");
    // `^[0-9A-Za-z\.\-_]*(?<!\.)$`: a bucket name does not end in a dot.
    let error = client
        .update_function_code()
        .function_name("f")
        .s3_bucket("bucket.")
        .send()
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("S3Bucket"), "{error}");
    assert!(server.seen().is_empty(), "nothing was sent");
    let alias = client
        .get_alias()
        .function_name("f")
        .name("v1")
        .send()
        .await
        .expect("sent");
    assert_eq!(alias.name.as_deref(), Some("v1"));
    assert_eq!(server.seen().len(), 1);
}
