//! Hostile responses: whatever status, headers and body a server (or something posing as one)
//! sends back, every operation of the default crate answers with its output or its error,
//! never a panic. Bodies are arbitrary bytes and JSON built from the outputs' and errors' own
//! member names with values of every kind, nested.

use proptest::prelude::*;
use rekognition::Client;
use rekognition::config::{Config, Credentials, InMemory, RetryConfig};
use serde_json::{Map, Value};

/// Member names of the operations' outputs and errors, and the error-code keys.
const KEYS: &[&str] = &[
    "SessionId",
    "Status",
    "Confidence",
    "ReferenceImage",
    "AuditImages",
    "Challenge",
    "Bytes",
    "BoundingBox",
    "Width",
    "Height",
    "Left",
    "Top",
    "S3Object",
    "Bucket",
    "Name",
    "Version",
    "Type",
    "__type",
    "code",
    "message",
    "Message",
    "Code",
    "Logref",
];

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        prop::sample::select(KEYS).prop_map(|k| Value::String(k.to_string())),
        Just(Value::String("SUCCEEDED".into())),
        Just(Value::String(
            "com.amazonaws.rekognition#AccessDeniedException".into()
        )),
        Just(Value::String("1e400".into())),
        Just(Value::String("NaN".into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|entries| {
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<String, Value>>(),
                )
            }),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        json().prop_map(|v| v.to_string().into_bytes()),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        Just("x-amzn-errortype".to_string()),
        Just("x-amzn-requestid".to_string()),
        Just("x-amzn-query-error".to_string()),
        Just("content-type".to_string()),
        Just("date".to_string()),
        "[a-z-]{1,12}",
    ];
    prop::collection::vec((name, any::<String>()), 0..4)
}

fn client(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Client {
    let transport = InMemory::new(move |_request| {
        let mut response = http::Response::new(body.clone());
        if let Ok(status) = http::StatusCode::from_u16(status) {
            *response.status_mut() = status;
        }
        for (name, value) in &headers {
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_str(value),
            ) {
                response.headers_mut().append(name, value);
            }
        }
        Ok(response)
    });
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
        .retry_config(RetryConfig::disabled())
        .http_client(transport)
        .build();
    Client::new(config).expect("valid config")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn every_operation_answers_any_response_without_panicking(
        status in prop_oneof![Just(200u16), Just(400), Just(500), 100u16..600],
        headers in headers(),
        body in body(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let client = client(status, headers, body);
        runtime.block_on(async {
            let created = client.create_face_liveness_session().send().await;
            let results = client
                .get_face_liveness_session_results()
                .session_id("0b6a7d1c-2f3e-4a5b-8c9d-0e1f2a3b4c5d")
                .send()
                .await;
            // Either is fine; formatting either must not panic.
            let _ = format!("{created:?}{results:?}");
            if let Err(e) = created {
                let _ = (e.to_string(), e.code(), e.request_id());
            }
            if let Err(e) = results {
                let _ = (e.to_string(), e.code(), e.request_id());
            }
        });
    }
}
