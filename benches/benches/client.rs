//! Per-call client overhead: `create_face_liveness_session().…send().await` with a fully
//! populated input through the in-memory transport answering a canned 200. That is
//! validation, serialization, SigV4 signing and response parsing, with no network.

use criterion::{Criterion, criterion_group, criterion_main};
use rekognition::Client;
use rekognition::config::{Config, Credentials, InMemory};
use rekognition::types::{
    ChallengePreference, ChallengeType, CreateFaceLivenessSessionRequestSettings,
    LivenessOutputConfig, Versions,
};

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

fn per_call(c: &mut Criterion) {
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
    let client = Client::new(config).expect("valid config");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let settings = settings();
    c.bench_function("create_face_liveness_session send (in-memory)", |b| {
        b.iter(|| {
            let out = runtime
                .block_on(
                    client
                        .create_face_liveness_session()
                        .kms_key_id("alias/liveness")
                        .settings(settings.clone())
                        .client_request_token("tok-1")
                        .send(),
                )
                .expect("succeeds");
            std::hint::black_box(out)
        })
    });
}

criterion_group!(benches, per_call);
criterion_main!(benches);
