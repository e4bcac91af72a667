//! Setup shared by the benchmarks in `benches/` and the profiling examples in `examples/`; see
//! BENCHMARKS.md.

use rekognition::Client;
use rekognition::config::{Config, Credentials, InMemory};
use rekognition::types::{
    ChallengePreference, ChallengeType, CreateFaceLivenessSessionRequestSettings,
    LivenessOutputConfig, Versions,
};

/// A client whose in-memory transport answers every call with a canned 200.
pub fn in_memory_client() -> Client {
    let transport = InMemory::canned(
        200,
        br#"{"SessionId":"0b6a7d1c-2f3e-4a5b-8c9d-0e1f2a3b4c5d"}"#.to_vec(),
    );
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        ))
        .http_client(transport)
        .build();
    Client::new(config).expect("valid config")
}

/// Fully populated settings: output location, audit image limit, a challenge preference.
pub fn settings() -> CreateFaceLivenessSessionRequestSettings {
    CreateFaceLivenessSessionRequestSettings::builder()
        .output_config(
            LivenessOutputConfig::builder()
                .s3_bucket("my-bucket")
                .s3_key_prefix("audit/")
                .build()
                .expect("bucket set"),
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
                .expect("type set"),
        )
        .build()
}
