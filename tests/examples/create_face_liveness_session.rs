//! Creates a Face Liveness session and fetches its results with the generated client.
//!
//! ```sh
//! cargo run --example create_face_liveness_session -- [--endpoint-url URL] [--region REGION]
//!     [--bucket BUCKET] [--kms-key-id KEY]
//! ```
//!
//! Region and credentials come from the environment (`AWS_REGION`, `AWS_ACCESS_KEY_ID`, …,
//! `AWS_PROFILE`, container or instance credentials); `--region` overrides the region and
//! `--endpoint-url` sends the calls somewhere else, such as a local test server.

use std::process::ExitCode;

use rekognition::Client;
use rekognition::config::Config;
use rekognition::types::{CreateFaceLivenessSessionRequestSettings, LivenessOutputConfig};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            let mut source = e.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut endpoint_url = None;
    let mut region = None;
    let mut bucket = None;
    let mut kms_key_id = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--endpoint-url" => endpoint_url = Some(value()?),
            "--region" => region = Some(value()?),
            "--bucket" => bucket = Some(value()?),
            "--kms-key-id" => kms_key_id = Some(value()?),
            other => {
                return Err(format!("unknown flag {other}; see the example's doc comment").into());
            }
        }
    }

    let mut config = match &region {
        // With an explicit region only credentials need to come from the environment.
        Some(region) => Config::from_env_vars(env_with_region(region))?.to_builder(),
        None => Config::from_env().await?.to_builder(),
    };
    if let Some(url) = endpoint_url {
        config = config.endpoint_url(url);
    }
    let client = Client::new(config.app_name("liveness-example").build())?;

    let mut settings = CreateFaceLivenessSessionRequestSettings::builder().audit_images_limit(2);
    if let Some(bucket) = bucket {
        settings =
            settings.output_config(LivenessOutputConfig::builder().s3_bucket(bucket).build()?);
    }
    let mut create = client
        .create_face_liveness_session()
        .settings(settings.build());
    if let Some(key) = kms_key_id {
        create = create.kms_key_id(key);
    }
    let created = create.send().await?;
    println!("created session {}", created.session_id);

    let results = client
        .get_face_liveness_session_results()
        .session_id(&created.session_id)
        .send()
        .await?;
    println!("status: {}", results.status);
    if let Some(confidence) = results.confidence {
        println!("confidence: {confidence}");
    }
    Ok(())
}

/// The process environment with `AWS_REGION` replaced.
fn env_with_region(region: &str) -> rekognition::config::Env {
    let mut vars: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k != "AWS_REGION")
        .collect();
    vars.push(("AWS_REGION".into(), region.into()));
    rekognition::config::Env::from_vars(vars)
}
