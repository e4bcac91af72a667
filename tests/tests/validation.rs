//! Client-side validation of the generated `rekognition` crate: every violation with its field
//! path, the constraint and the offending length or value, at the exact boundaries.

use rekognition::error::{ValidationError, ViolationKind};
use rekognition::operation::create_face_liveness_session::CreateFaceLivenessSessionRequest;
use rekognition::operation::get_face_liveness_session_results::GetFaceLivenessSessionResultsRequest;
use rekognition::types::{
    ChallengePreference, CreateFaceLivenessSessionRequestSettings, LivenessOutputConfig, Versions,
};

fn bucket(name: &str) -> CreateFaceLivenessSessionRequest {
    let config = LivenessOutputConfig::builder()
        .s3_bucket(name)
        .build()
        .unwrap();
    CreateFaceLivenessSessionRequest::builder()
        .settings(
            CreateFaceLivenessSessionRequestSettings::builder()
                .output_config(config)
                .build(),
        )
        .build()
}

fn violations(result: Result<(), ValidationError>) -> Vec<String> {
    match result {
        Ok(()) => Vec::new(),
        Err(e) => e.violations().iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn string_length_boundaries_min_minus_one_min_max_max_plus_one() {
    assert_eq!(
        violations(bucket("ab").validate()),
        ["Settings.OutputConfig.S3Bucket: length 2 is below the minimum 3"]
    );
    assert!(violations(bucket("abc").validate()).is_empty());
    assert!(violations(bucket(&"a".repeat(255)).validate()).is_empty());
    assert_eq!(
        violations(bucket(&"a".repeat(256)).validate()),
        ["Settings.OutputConfig.S3Bucket: length 256 is above the maximum 255"]
    );
}

#[test]
fn length_counts_unicode_scalar_values_not_bytes() {
    // "é🍔x" is 3 scalar values (7 bytes): inside 3..=255 by length, but the pattern rejects it.
    let found = violations(bucket("é🍔x").validate());
    assert_eq!(
        found,
        ["Settings.OutputConfig.S3Bucket: does not match the pattern ^[0-9A-Za-z\\.\\-_]*$"]
    );
    // KmsKeyId: 1..=2048. A 2-scalar-value key of 5 bytes is long enough and, by pattern, invalid.
    let input = CreateFaceLivenessSessionRequest::builder()
        .kms_key_id("é🍔")
        .build();
    let err = input.validate().unwrap_err();
    assert_eq!(
        err.violations().len(),
        1,
        "length passes, only the pattern fails: {err}"
    );
}

#[test]
fn length_violation_reports_the_scalar_count() {
    let input = CreateFaceLivenessSessionRequest::builder()
        .client_request_token("é".repeat(65))
        .build();
    let err = input.validate().unwrap_err();
    assert_eq!(
        err.violations()[0].kind(),
        &ViolationKind::Length {
            min: Some(1),
            max: Some(64),
            actual: 65
        }
    );
}

#[test]
fn empty_string_against_min_length_and_pattern() {
    let found = violations(
        CreateFaceLivenessSessionRequest::builder()
            .client_request_token("")
            .build()
            .validate(),
    );
    assert_eq!(
        found,
        [
            "ClientRequestToken: length 0 is below the minimum 1",
            "ClientRequestToken: does not match the pattern ^[a-zA-Z0-9-_]+$",
        ]
    );
    // S3KeyPrefix allows 0..=950 and `^\S*$` matches "": an empty prefix is valid.
    let config = LivenessOutputConfig::builder()
        .s3_bucket("bucket")
        .s3_key_prefix("")
        .build()
        .unwrap();
    assert!(config.validate().is_ok());
    let config = LivenessOutputConfig::builder()
        .s3_bucket("bucket")
        .s3_key_prefix("a b")
        .build()
        .unwrap();
    assert_eq!(
        violations(config.validate()),
        ["S3KeyPrefix: does not match the pattern ^\\S*$"]
    );
}

#[test]
fn unanchored_pattern_semantics_and_anchors() {
    // Version is anchored at both ends: a valid version inside a longer string does not match.
    let versions = |v: &str| Versions::builder().minimum(v).build();
    assert!(versions("1.22.333").validate().is_ok());
    assert_eq!(
        violations(versions("x1.2.3").validate()),
        [
            "Minimum: does not match the pattern ^(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})$"
        ]
    );
    assert!(versions("01.2.3").validate().is_err(), "leading zero");
    // `\d` is ASCII-only: Arabic-Indic digits are not digits.
    assert!(versions("\u{661}.2.3").validate().is_err());
}

#[test]
fn kms_key_pattern_allows_its_documented_characters() {
    let ok = CreateFaceLivenessSessionRequest::builder()
        .kms_key_id("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        .build();
    assert!(ok.validate().is_ok());
    let bad = CreateFaceLivenessSessionRequest::builder()
        .kms_key_id("-starts-with-dash")
        .build();
    assert!(bad.validate().is_err());
    assert!(
        violations(
            CreateFaceLivenessSessionRequest::builder()
                .kms_key_id("k".repeat(2048))
                .build()
                .validate()
        )
        .is_empty()
    );
    assert_eq!(
        violations(
            CreateFaceLivenessSessionRequest::builder()
                .kms_key_id("k".repeat(2049))
                .build()
                .validate()
        ),
        ["KmsKeyId: length 2049 is above the maximum 2048"]
    );
}

#[test]
fn range_is_inclusive_at_both_ends() {
    let limit = |n| {
        CreateFaceLivenessSessionRequest::builder()
            .settings(
                CreateFaceLivenessSessionRequestSettings::builder()
                    .audit_images_limit(n)
                    .build(),
            )
            .build()
            .validate()
    };
    assert_eq!(
        violations(limit(-1)),
        ["Settings.AuditImagesLimit: value -1 is below the minimum 0"]
    );
    assert!(limit(0).is_ok());
    assert!(limit(4).is_ok());
    assert_eq!(
        violations(limit(5)),
        ["Settings.AuditImagesLimit: value 5 is above the maximum 4"]
    );
}

#[test]
fn required_top_level_member_is_checked() {
    let found = violations(
        GetFaceLivenessSessionResultsRequest::builder()
            .build()
            .validate(),
    );
    assert_eq!(found, ["SessionId: is required but was not set"]);
    let err = GetFaceLivenessSessionResultsRequest::builder()
        .build()
        .validate()
        .unwrap_err();
    assert_eq!(err.violations()[0].kind(), &ViolationKind::Required);
}

#[test]
fn session_id_length_36_exactly_and_lowercase_hex_pattern() {
    let check = |id: &str| {
        violations(
            GetFaceLivenessSessionResultsRequest::builder()
                .session_id(id)
                .build()
                .validate(),
        )
    };
    assert!(check("0b6a7d1c-2f3e-4a5b-8c9d-0e1f2a3b4c5d").is_empty());
    assert_eq!(
        check("0B6A7D1C-2F3E-4A5B-8C9D-0E1F2A3B4C5D"),
        [
            "SessionId: does not match the pattern ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
        ]
    );
    assert_eq!(
        check("0b6a7d1c-2f3e-4a5b-8c9d-0e1f2a3b4c5").len(),
        2,
        "35 chars: length and pattern"
    );
}

#[test]
fn every_violation_is_returned_with_nested_and_indexed_paths() {
    let input = CreateFaceLivenessSessionRequest::builder()
        .kms_key_id("")
        .settings(
            CreateFaceLivenessSessionRequestSettings::builder()
                .output_config(
                    LivenessOutputConfig::builder()
                        .s3_bucket("x")
                        .build()
                        .unwrap(),
                )
                .audit_images_limit(9)
                .challenge_preferences(
                    ChallengePreference::builder()
                        .r#type("FaceMovementChallenge")
                        .versions(Versions::builder().minimum("1.0.0").maximum("9").build())
                        .build()
                        .unwrap(),
                )
                .challenge_preferences(
                    ChallengePreference::builder()
                        .r#type("FaceMovementChallenge")
                        .versions(Versions::builder().minimum("bad").build())
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .client_request_token("ok-token")
        .build();
    let err = input.validate().unwrap_err();
    assert_eq!(
        violations(Err(err.clone())),
        [
            "KmsKeyId: length 0 is below the minimum 1",
            "KmsKeyId: does not match the pattern ^[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,2048}$",
            "Settings.OutputConfig.S3Bucket: length 1 is below the minimum 3",
            "Settings.AuditImagesLimit: value 9 is above the maximum 4",
            "Settings.ChallengePreferences[0].Versions.Maximum: length 1 is below the minimum 5",
            "Settings.ChallengePreferences[0].Versions.Maximum: does not match the pattern ^(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})$",
            "Settings.ChallengePreferences[1].Versions.Minimum: length 3 is below the minimum 5",
            "Settings.ChallengePreferences[1].Versions.Minimum: does not match the pattern ^(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})$",
        ]
    );
    assert!(
        err.to_string()
            .starts_with("invalid input: 8 constraint violations; KmsKeyId: length 0")
    );
}

#[test]
fn a_valid_full_input_passes() {
    assert_eq!(tests::oracle_input().validate(), Ok(()));
}
