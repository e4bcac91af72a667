//! A loop of client calls for profiling (`valgrind --tool=callgrind`), same setup as the
//! `client` benchmark.

use rekognition::Client;
use rekognition::config::{Config, Credentials, InMemory};
use rekognition::types::{CreateFaceLivenessSessionRequestSettings, LivenessOutputConfig};

fn main() {
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
    let settings = CreateFaceLivenessSessionRequestSettings::builder()
        .output_config(
            LivenessOutputConfig::builder()
                .s3_bucket("my-bucket")
                .s3_key_prefix("audit/")
                .build()
                .expect("set"),
        )
        .audit_images_limit(2)
        .build();
    let calls: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    for _ in 0..calls {
        let out = runtime
            .block_on(
                client
                    .create_face_liveness_session()
                    .kms_key_id("alias/liveness")
                    .settings(settings.clone())
                    .send(),
            )
            .expect("succeeds");
        std::hint::black_box(out);
    }
}
