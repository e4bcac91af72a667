//! Helpers shared by the integration tests in `tests/tests/`.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives inside the workspace")
        .to_path_buf()
}

/// `model/rekognition.json`, the model the default generation reads.
pub fn default_model() -> PathBuf {
    root().join("model/rekognition.json")
}

/// A fixture model under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// The input whose exact body the SigV4 oracle in the issue tracker signs:
/// `{"KmsKeyId":"alias/liveness","Settings":{"OutputConfig":{"S3Bucket":"my-bucket","S3KeyPrefix":"audit/"},"AuditImagesLimit":2},"ClientRequestToken":"tok-1"}`.
pub fn oracle_input()
-> rekognition::operation::create_face_liveness_session::CreateFaceLivenessSessionRequest {
    use rekognition::operation::create_face_liveness_session::CreateFaceLivenessSessionRequest;
    use rekognition::types::{CreateFaceLivenessSessionRequestSettings, LivenessOutputConfig};
    let output_config = LivenessOutputConfig::builder()
        .s3_bucket("my-bucket")
        .s3_key_prefix("audit/")
        .build()
        .expect("S3Bucket is set");
    CreateFaceLivenessSessionRequest::builder()
        .kms_key_id("alias/liveness")
        .settings(
            CreateFaceLivenessSessionRequestSettings::builder()
                .output_config(output_config)
                .audit_images_limit(2)
                .build(),
        )
        .client_request_token("tok-1")
        .build()
}
