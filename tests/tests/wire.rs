//! awsJson1_1 wire format of the generated `rekognition` crate: exact requests, every response
//! and error shape, and malformed responses that must become errors, never panics.

use rekognition::error::{BuildError, DeserializeError};
use rekognition::operation::create_face_liveness_session::{
    self as create, CreateFaceLivenessSessionError, CreateFaceLivenessSessionRequest,
};
use rekognition::operation::get_face_liveness_session_results::{
    self as get, GetFaceLivenessSessionResultsError, GetFaceLivenessSessionResultsRequest,
};
use rekognition::types::{
    ChallengePreference, ChallengeType, CreateFaceLivenessSessionRequestSettings,
    LivenessOutputConfig, LivenessSessionStatus, Versions,
};

const SESSION_ID: &str = "0b6a7d1c-2f3e-4a5b-8c9d-0e1f2a3b4c5d";

fn full_input() -> CreateFaceLivenessSessionRequest {
    CreateFaceLivenessSessionRequest::builder()
        .kms_key_id("alias/liveness")
        .settings(
            CreateFaceLivenessSessionRequestSettings::builder()
                .output_config(
                    LivenessOutputConfig::builder()
                        .s3_bucket("my-bucket")
                        .s3_key_prefix("audit/")
                        .build()
                        .unwrap(),
                )
                .audit_images_limit(2)
                .challenge_preferences(
                    ChallengePreference::builder()
                        .r#type(ChallengeType::FaceMovementAndLightChallenge)
                        .versions(
                            Versions::builder()
                                .minimum("1.0.0")
                                .maximum("2.0.0")
                                .build(),
                        )
                        .build()
                        .unwrap(),
                )
                .challenge_preferences(
                    ChallengePreference::builder()
                        .r#type("FaceMovementChallenge")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .client_request_token("tok-1")
        .build()
}

fn render(request: &http::Request<Vec<u8>>) -> String {
    let mut out = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        out.push_str(&format!("{name}: {}\n", value.to_str().unwrap()));
    }
    out.push('\n');
    out.push_str(std::str::from_utf8(request.body()).unwrap());
    out
}

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Vec<u8>> {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.as_bytes().to_vec()).unwrap()
}

#[test]
fn fully_populated_create_request_is_exact() {
    insta::assert_snapshot!(render(
        &create::serialize_request(&full_input()).expect("sendable")
    ));
}

#[test]
fn request_body_follows_model_member_order_byte_for_byte() {
    // The body from the SigV4 oracle in the issue tracker: model member order, compact JSON.
    let input = tests::oracle_input();
    let request = create::serialize_request(&input).expect("sendable");
    assert_eq!(
        std::str::from_utf8(request.body()).unwrap(),
        r#"{"KmsKeyId":"alias/liveness","Settings":{"OutputConfig":{"S3Bucket":"my-bucket","S3KeyPrefix":"audit/"},"AuditImagesLimit":2},"ClientRequestToken":"tok-1"}"#
    );
}

#[test]
fn empty_input_is_an_empty_object_with_the_protocol_headers() {
    let request = create::serialize_request(&CreateFaceLivenessSessionRequest::builder().build())
        .expect("sendable");
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.uri(), "/");
    assert_eq!(
        request.headers()["content-type"],
        "application/x-amz-json-1.1"
    );
    assert_eq!(
        request.headers()["x-amz-target"],
        "RekognitionService.CreateFaceLivenessSession"
    );
    assert_eq!(request.body(), b"{}");
}

#[test]
fn get_request_targets_its_operation() {
    let input = GetFaceLivenessSessionResultsRequest::builder()
        .session_id(SESSION_ID)
        .build();
    let request = get::serialize_request(&input).expect("sendable");
    assert_eq!(
        request.headers()["x-amz-target"],
        "RekognitionService.GetFaceLivenessSessionResults"
    );
    assert_eq!(
        request.body(),
        format!(r#"{{"SessionId":"{SESSION_ID}"}}"#).as_bytes()
    );
}

#[test]
fn create_response_parses() {
    let out = create::parse_response(&response(
        200,
        &[],
        &format!(r#"{{"SessionId":"{SESSION_ID}"}}"#),
    ))
    .unwrap();
    assert_eq!(out.session_id, SESSION_ID);
}

#[test]
fn full_results_response_parses_with_blobs_enums_and_floats() {
    let body = format!(
        r#"{{"SessionId":"{SESSION_ID}","Status":"SUCCEEDED","Confidence":98.5,
            "ReferenceImage":{{"Bytes":"aGVsbG8=","BoundingBox":{{"Width":0.5,"Height":0.25,"Left":0.125,"Top":"NaN"}}}},
            "AuditImages":[{{"S3Object":{{"Bucket":"b","Name":"n","Version":"v"}}}}, null],
            "Challenge":{{"Type":"FaceMovementChallenge","Version":"1.0.0"}},
            "SomethingNew":{{"ignored":true}}}}"#
    );
    let out = get::parse_response(&response(200, &[], &body)).unwrap();
    assert_eq!(out.status, LivenessSessionStatus::Succeeded);
    assert_eq!(out.confidence, Some(98.5));
    let reference = out.reference_image.unwrap();
    assert_eq!(reference.bytes.as_deref(), Some(&b"hello"[..]));
    let bbox = reference.bounding_box.unwrap();
    assert_eq!(
        (bbox.width, bbox.height, bbox.left),
        (Some(0.5), Some(0.25), Some(0.125))
    );
    assert!(bbox.top.unwrap().is_nan());
    let audit = out.audit_images.unwrap();
    assert_eq!(audit.len(), 1, "nulls in a dense list are dropped");
    assert_eq!(
        audit[0].s3_object.as_ref().unwrap().name.as_deref(),
        Some("n")
    );
    let challenge = out.challenge.unwrap();
    assert_eq!(challenge.r#type, ChallengeType::FaceMovementChallenge);
    assert_eq!(challenge.version, "1.0.0");
}

#[test]
fn unknown_enum_values_are_kept() {
    let body = format!(r#"{{"SessionId":"{SESSION_ID}","Status":"PAUSED"}}"#);
    let out = get::parse_response(&response(200, &[], &body)).unwrap();
    assert_eq!(out.status, LivenessSessionStatus::Unknown("PAUSED".into()));
    assert_eq!(out.status.as_str(), "PAUSED");
}

#[test]
fn missing_required_members_are_error_corrected_to_zero_values() {
    let out = get::parse_response(&response(200, &[], r#"{"Challenge":{}}"#)).unwrap();
    assert_eq!(out.session_id, "");
    assert_eq!(out.status, LivenessSessionStatus::Unknown(String::new()));
    let challenge = out.challenge.unwrap();
    assert_eq!(challenge.version, "");
}

#[test]
fn empty_body_and_nulls_are_accepted() {
    let out = create::parse_response(&response(200, &[], "")).unwrap();
    assert_eq!(out.session_id, "");
    let out = get::parse_response(&response(
        200,
        &[],
        r#"{"SessionId":null,"Confidence":null}"#,
    ))
    .unwrap();
    assert_eq!(out.confidence, None);
}

fn malformed(body: &str) -> DeserializeError {
    match get::parse_response(&response(200, &[], body)) {
        Err(GetFaceLivenessSessionResultsError::MalformedResponse(e)) => e,
        other => panic!("expected MalformedResponse, got {other:?}"),
    }
}

#[test]
fn malformed_bodies_are_errors_naming_the_path() {
    assert!(
        malformed(r#"{"SessionId":"#)
            .message()
            .starts_with("invalid JSON")
    );
    assert!(malformed("not json").message().starts_with("invalid JSON"));
    assert_eq!(
        malformed("[1,2]").message(),
        "expected an object, found an array"
    );
    let wrong_type = malformed(r#"{"Confidence":"high"}"#);
    assert_eq!(wrong_type.path(), "Confidence");
    let deep = malformed(r#"{"AuditImages":[{},{"BoundingBox":{"Width":true}}]}"#);
    assert_eq!(deep.path(), "AuditImages[1].BoundingBox.Width");
    assert_eq!(
        deep.to_string(),
        "malformed response body at AuditImages[1].BoundingBox.Width: expected a number, found a boolean"
    );
    assert_eq!(
        malformed(r#"{"ReferenceImage":{"Bytes":"%%%"}}"#).path(),
        "ReferenceImage.Bytes"
    );
}

#[test]
fn every_modeled_error_parses_from_the_type_field() {
    let cases = [
        ("AccessDeniedException", 400),
        ("InternalServerError", 500),
        ("InvalidParameterException", 400),
        ("ProvisionedThroughputExceededException", 400),
        ("SessionNotFoundException", 400),
        ("ThrottlingException", 400),
    ];
    for (code, status) in cases {
        let body = format!(
            r#"{{"__type":"com.amazonaws.rekognition#{code}","Message":"m-{code}","Code":"c","Logref":"l"}}"#
        );
        let err = get::parse_response(&response(status, &[], &body)).unwrap_err();
        assert_eq!(err.code(), Some(code));
        assert!(err.to_string().contains(&format!("m-{code}")), "{err}");
        let message = match &err {
            GetFaceLivenessSessionResultsError::AccessDeniedException(e) => e.message.clone(),
            GetFaceLivenessSessionResultsError::InternalServerError(e) => e.message.clone(),
            GetFaceLivenessSessionResultsError::InvalidParameterException(e) => e.message.clone(),
            GetFaceLivenessSessionResultsError::ProvisionedThroughputExceededException(e) => {
                e.message.clone()
            }
            GetFaceLivenessSessionResultsError::SessionNotFoundException(e) => {
                assert_eq!(
                    (e.code.as_deref(), e.logref.as_deref()),
                    (Some("c"), Some("l"))
                );
                e.message.clone()
            }
            GetFaceLivenessSessionResultsError::ThrottlingException(e) => e.message.clone(),
            other => panic!("{code} parsed as {other:?}"),
        };
        assert_eq!(message, Some(format!("m-{code}")));
    }
}

#[test]
fn error_code_from_header_wins_and_is_sanitized() {
    let resp = response(
        400,
        &[(
            "X-Amzn-Errortype",
            "InvalidParameterException:http://internal.amazon.com/coral/com.amazon.coral.validate/",
        )],
        r#"{"__type":"ThrottlingException","message":"lowercase message key"}"#,
    );
    match create::parse_response(&resp).unwrap_err() {
        CreateFaceLivenessSessionError::InvalidParameterException(e) => {
            assert_eq!(e.message.as_deref(), Some("lowercase message key"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn error_code_from_body_code_field() {
    let resp = response(
        400,
        &[],
        r#"{"code":"aws.rekognition#AccessDeniedException"}"#,
    );
    assert!(matches!(
        create::parse_response(&resp),
        Err(CreateFaceLivenessSessionError::AccessDeniedException(_))
    ));
}

#[test]
fn unmodeled_errors_are_unhandled_with_code_message_status_and_request_id() {
    // SessionNotFoundException is modeled for Get but not for Create.
    let resp = response(
        404,
        &[("x-amzn-RequestId", "req-123")],
        r#"{"__type":"SessionNotFoundException","Message":"gone"}"#,
    );
    match create::parse_response(&resp).unwrap_err() {
        CreateFaceLivenessSessionError::Unhandled(e) => {
            assert_eq!(e.code(), Some("SessionNotFoundException"));
            assert_eq!(e.message(), Some("gone"));
            assert_eq!(e.status(), 404);
            assert_eq!(e.request_id(), Some("req-123"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn error_with_non_json_body_is_unhandled_not_a_panic() {
    let err = create::parse_response(&response(502, &[], "<html>Bad Gateway</html>")).unwrap_err();
    match &err {
        CreateFaceLivenessSessionError::Unhandled(e) => {
            assert_eq!((e.code(), e.status()), (None, 502));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_server_fault());
}

#[test]
fn codes_faults_and_retries_follow_the_modeled_error_shapes() {
    let throttled =
        create::parse_response(&response(400, &[], r#"{"__type":"ThrottlingException"}"#))
            .unwrap_err();
    assert!(throttled.is_server_fault());
    assert_eq!(throttled.code(), Some("ThrottlingException"));
    assert!(throttled.is_throttling() && throttled.is_retryable());
    assert_eq!(throttled.request_id(), None);
    let invalid = create::parse_response(&response(
        400,
        &[],
        r#"{"__type":"InvalidParameterException"}"#,
    ))
    .unwrap_err();
    assert!(!invalid.is_server_fault());
    assert_eq!(invalid.code(), Some("InvalidParameterException"));
    assert!(!invalid.is_throttling() && !invalid.is_retryable());
    // Display shows the wrapped error; `source` is that error's own source (none for modeled
    // errors), so error reporters print each message once.
    assert_eq!(invalid.to_string(), "InvalidParameterException");
    assert!(std::error::Error::source(&invalid).is_none());
}

#[test]
fn builders_report_the_missing_required_member() {
    let err: BuildError = LivenessOutputConfig::builder()
        .s3_key_prefix("p")
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot build LivenessOutputConfig: required member S3Bucket was not set"
    );
    assert_eq!(
        (err.shape(), err.member()),
        ("LivenessOutputConfig", "S3Bucket")
    );
}

#[test]
fn sensitive_blobs_are_redacted_in_debug() {
    let body = format!(
        r#"{{"SessionId":"{SESSION_ID}","Status":"CREATED","ReferenceImage":{{"Bytes":"c2VjcmV0LWZhY2U="}}}}"#
    );
    let out = get::parse_response(&response(200, &[], &body)).unwrap();
    let debug = format!("{out:?}");
    assert!(debug.contains("*** Sensitive Data Redacted ***"), "{debug}");
    assert!(!debug.contains("115, 101, 99"), "raw bytes leaked: {debug}");
    let image = rekognition::types::AuditImage::builder().bytes(b"secret-face".to_vec());
    assert!(
        !format!("{image:?}").contains("115"),
        "builder leaked bytes"
    );
}
