//! The generated command-line client, end to end: the real `rekognition` binary (built once
//! with `--features cli`) against the loopback server, which verifies every signature. Each
//! test asserts the exit status, what was printed and what (if anything) reached the server.

// Shared with client.rs; this file uses only part of it.
#[allow(dead_code)]
mod support;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::{Value, json};
use support::{Reply, Server};

const SESSION_ID: &str = "0b6a7d1c-2f3e-4a5b-8c9d-0e1f2a3b4c5d";

/// The body the SigV4 oracle signs: what the typed client sends for the oracle input.
const ORACLE_BODY: &str = r#"{"KmsKeyId":"alias/liveness","Settings":{"OutputConfig":{"S3Bucket":"my-bucket","S3KeyPrefix":"audit/"},"AuditImagesLimit":2},"ClientRequestToken":"tok-1"}"#;

const RESULTS: &str = r#"{"SessionId":"0b6a7d1c-2f3e-4a5b-8c9d-0e1f2a3b4c5d","Status":"SUCCEEDED","Confidence":98.5,"ReferenceImage":{"Bytes":"c2VjcmV0LWZhY2U=","BoundingBox":{"Width":0.5,"Height":0.25,"Left":0.125,"Top":0.375}},"AuditImages":[{"S3Object":{"Bucket":"my-bucket","Name":"audit/1.jpg"}},{"S3Object":{"Bucket":"my-bucket","Name":"audit/2.jpg"}}],"Challenge":{"Type":"FaceMovementAndLightChallenge","Version":"1.0.0"}}"#;

/// Builds the binary once per test run (`cargo build -p rekognition --features cli`).
fn binary() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let output = Command::new(cargo)
            .current_dir(tests::root())
            .args([
                "build",
                "--quiet",
                "-p",
                "rekognition",
                "--features",
                "cli",
                "--bin",
                "rekognition",
                "--message-format=json",
            ])
            .output()
            .expect("run cargo build");
        assert!(
            output.status.success(),
            "building the CLI failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .find_map(|message| message["executable"].as_str().map(PathBuf::from))
            .expect("cargo reported the executable")
    })
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary with a clean environment holding only the loopback credentials and region.
async fn run(args: &[&str]) -> Run {
    let empty = std::env::temp_dir().join("cli-tests-no-such-aws-file");
    run_env(args, &base_env(&empty.display().to_string(), &[])).await
}

/// Runs the binary with exactly these environment variables (and IMDS off).
async fn run_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let output = Command::new(binary())
            .args(&args)
            .env_clear()
            .envs(env)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .expect("run the CLI");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    })
    .await
    .expect("join")
}

/// `args` after `--endpoint-url <server>`.
async fn call(server: &Server, args: &[&str]) -> Run {
    let url = server.url();
    let mut all = vec!["--endpoint-url", url.as_str()];
    all.extend_from_slice(args);
    run(&all).await
}

fn created() -> Reply {
    Reply::ok(format!(r#"{{"SessionId":"{SESSION_ID}"}}"#))
}

fn json_out(run: &Run) -> Value {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

#[tokio::test(flavor = "multi_thread")]
async fn create_with_shorthand_sends_the_oracle_body_and_prints_json() {
    let server = Server::start(vec![created()]).await;
    let run = call(
        &server,
        &[
            "create-face-liveness-session",
            "--kms-key-id",
            "alias/liveness",
            "--settings",
            "OutputConfig={S3Bucket=my-bucket,S3KeyPrefix=audit/},AuditImagesLimit=2",
            "--client-request-token",
            "tok-1",
        ],
    )
    .await;
    assert_eq!(json_out(&run), json!({"SessionId": SESSION_ID}));
    assert_eq!(
        run.stdout,
        format!("{{\n    \"SessionId\": \"{SESSION_ID}\"\n}}\n"),
        "four-space JSON like the AWS CLI"
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].target,
        "RekognitionService.CreateFaceLivenessSession"
    );
    assert_eq!(seen[0].body, ORACLE_BODY);
}

#[tokio::test(flavor = "multi_thread")]
async fn json_and_file_settings_send_the_same_body_as_shorthand() {
    let server = Server::start(vec![created()]).await;
    let settings =
        r#"{"OutputConfig":{"S3Bucket":"my-bucket","S3KeyPrefix":"audit/"},"AuditImagesLimit":2}"#;
    let path = std::env::temp_dir().join(format!("cli-settings-{}.json", std::process::id()));
    std::fs::write(&path, settings).expect("write settings");
    let file = format!("file://{}", path.display());
    for value in [settings, file.as_str()] {
        let run = call(
            &server,
            &[
                "create-face-liveness-session",
                "--kms-key-id",
                "alias/liveness",
                "--settings",
                value,
                "--client-request-token",
                "tok-1",
            ],
        )
        .await;
        assert_eq!(json_out(&run), json!({"SessionId": SESSION_ID}));
    }
    let _ = std::fs::remove_file(&path);
    let bodies: Vec<String> = server.seen().into_iter().map(|s| s.body).collect();
    assert_eq!(bodies, [ORACLE_BODY, ORACLE_BODY]);
}

#[tokio::test(flavor = "multi_thread")]
async fn get_results_prints_the_output_in_model_order() {
    let server = Server::start(vec![Reply::ok(RESULTS)]).await;
    let run = call(
        &server,
        &[
            "get-face-liveness-session-results",
            "--session-id",
            SESSION_ID,
        ],
    )
    .await;
    let out = json_out(&run);
    assert_eq!(out["Status"], "SUCCEEDED");
    assert_eq!(out["Confidence"], 98.5);
    assert_eq!(out["AuditImages"][1]["S3Object"]["Name"], "audit/2.jpg");
    let keys: Vec<&String> = out.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        [
            "SessionId",
            "Status",
            "Confidence",
            "ReferenceImage",
            "AuditImages",
            "Challenge"
        ]
    );
    assert_eq!(
        server.seen()[0].body,
        format!(r#"{{"SessionId":"{SESSION_ID}"}}"#)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_output_format() {
    let server = Server::start(vec![Reply::ok(RESULTS)]).await;
    let get = [
        "get-face-liveness-session-results",
        "--session-id",
        SESSION_ID,
    ];
    let mut outputs = Vec::new();
    for format in ["json", "yaml", "text", "table"] {
        let mut args = get.to_vec();
        args.extend(["--output", format]);
        let run = call(&server, &args).await;
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        outputs.push(run.stdout);
    }
    let yaml_as_json: Value = serde_json::from_str(&outputs[0]).expect("json");
    assert!(outputs[1].contains("Status: SUCCEEDED\n"), "{}", outputs[1]);
    assert!(
        outputs[1].contains("AuditImages:\n- S3Object:\n"),
        "{}",
        outputs[1]
    );
    assert_eq!(yaml_as_json["Status"], "SUCCEEDED");
    insta::assert_snapshot!("cli_get_results_text", outputs[2]);
    insta::assert_snapshot!("cli_get_results_table", outputs[3]);
    assert_eq!(server.requests(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn query_selects_with_jmespath_before_formatting() {
    let server = Server::start(vec![Reply::ok(RESULTS)]).await;
    let get = [
        "get-face-liveness-session-results",
        "--session-id",
        SESSION_ID,
    ];
    let mut args = get.to_vec();
    args.extend(["--query", "AuditImages[].S3Object.Name"]);
    assert_eq!(
        json_out(&call(&server, &args).await),
        json!(["audit/1.jpg", "audit/2.jpg"])
    );
    let mut args = get.to_vec();
    args.extend(["--query", "[Status, Challenge.Version]", "--output", "text"]);
    let run = call(&server, &args).await;
    assert_eq!((run.code, run.stdout.as_str()), (0, "SUCCEEDED\t1.0.0\n"));
    let mut args = get.to_vec();
    args.extend(["--query", "AuditImages[?"]);
    let run = call(&server, &args).await;
    assert_eq!(run.code, 252);
    assert!(
        run.stderr.contains("--query: invalid JMESPath expression"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn skeleton_edited_and_fed_back_with_flags_overriding_it() {
    let skeleton = run(&["create-face-liveness-session", "--generate-cli-skeleton"]).await;
    let mut input = json_out(&skeleton);
    assert_eq!(input["Settings"]["OutputConfig"]["S3Bucket"], "");
    input["KmsKeyId"] = json!("alias/from-file");
    input["ClientRequestToken"] = json!("tok-1");
    input["Settings"]["OutputConfig"] = json!({"S3Bucket": "my-bucket", "S3KeyPrefix": "audit/"});
    input["Settings"]["AuditImagesLimit"] = json!(2);
    input["Settings"]
        .as_object_mut()
        .expect("settings")
        .remove("ChallengePreferences");
    let path = std::env::temp_dir().join(format!("cli-skeleton-{}.json", std::process::id()));
    std::fs::write(&path, input.to_string()).expect("write input");
    let server = Server::start(vec![created()]).await;
    let file = format!("file://{}", path.display());
    let run = call(
        &server,
        &[
            "create-face-liveness-session",
            "--cli-input-json",
            &file,
            "--kms-key-id",
            "alias/liveness",
        ],
    )
    .await;
    let _ = std::fs::remove_file(&path);
    assert_eq!(json_out(&run), json!({"SessionId": SESSION_ID}));
    assert_eq!(
        server.seen()[0].body,
        ORACLE_BODY,
        "the flag overrode the file's KmsKeyId"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn yaml_input_and_yaml_skeleton() {
    let skeleton = run(&[
        "get-face-liveness-session-results",
        "--generate-cli-skeleton",
        "yaml-input",
    ])
    .await;
    assert_eq!(
        (skeleton.code, skeleton.stdout.as_str()),
        (0, "SessionId: ''\n")
    );
    let server = Server::start(vec![Reply::ok(RESULTS)]).await;
    let yaml = format!("SessionId: {SESSION_ID}\n");
    let run = call(
        &server,
        &[
            "get-face-liveness-session-results",
            "--cli-input-yaml",
            &yaml,
            "--query",
            "Status",
        ],
    )
    .await;
    assert_eq!(json_out(&run), json!("SUCCEEDED"));
    assert_eq!(server.requests(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn validation_failure_names_flag_and_path_and_sends_nothing() {
    let server = Server::start(vec![created()]).await;
    let run = call(
        &server,
        &[
            "create-face-liveness-session",
            "--settings",
            "OutputConfig={S3Bucket=ab},AuditImagesLimit=2",
        ],
    )
    .await;
    assert_eq!(run.code, 252);
    assert_eq!(
        run.stderr,
        "--settings: OutputConfig.S3Bucket: length 2 is below the minimum 3\n"
    );
    assert_eq!(run.stdout, "");
    let run = call(&server, &["get-face-liveness-session-results"]).await;
    assert_eq!(run.code, 252);
    assert_eq!(
        run.stderr,
        "the following arguments are required: --session-id\n"
    );
    let run = call(
        &server,
        &[
            "create-face-liveness-session",
            "--settings",
            "AuditImagesLimit=two",
        ],
    )
    .await;
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            252,
            "--settings: AuditImagesLimit: expected an integer, got \"two\"\n"
        )
    );
    assert_eq!(server.requests(), 0, "nothing reaches the network");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_validate_sends_what_validation_would_reject() {
    let server = Server::start(vec![created()]).await;
    let run = call(
        &server,
        &[
            "create-face-liveness-session",
            "--no-validate",
            "--settings",
            "OutputConfig={S3Bucket=ab}",
        ],
    )
    .await;
    assert_eq!(json_out(&run), json!({"SessionId": SESSION_ID}));
    assert_eq!(
        server.seen()[0].body,
        r#"{"Settings":{"OutputConfig":{"S3Bucket":"ab"}}}"#
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn shorthand_syntax_errors_point_at_the_position() {
    let run = run(&[
        "create-face-liveness-session",
        "--settings",
        "OutputConfig={S3Bucket}",
    ])
    .await;
    assert_eq!(run.code, 252);
    assert_eq!(
        run.stderr,
        "--settings: invalid shorthand syntax at position 22: expected '=' after \"S3Bucket\", found '}'\n  OutputConfig={S3Bucket}\n                        ^\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn service_error_prints_code_operation_and_message_and_exits_254() {
    let server = Server::start(vec![Reply::error(
        400,
        "SessionNotFoundException",
        "no such session",
    )])
    .await;
    let run = call(
        &server,
        &[
            "get-face-liveness-session-results",
            "--session-id",
            SESSION_ID,
        ],
    )
    .await;
    assert_eq!(run.code, 254);
    assert_eq!(
        run.stderr,
        "\nAn error occurred (SessionNotFoundException) when calling the GetFaceLivenessSessionResults operation: no such session\n"
    );
    assert_eq!(run.stdout, "");
    assert_eq!(server.requests(), 1, "client errors are not retried");
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_logs_the_wire_with_credentials_and_sensitive_members_redacted() {
    let server = Server::start(vec![Reply::ok(RESULTS)]).await;
    let run = call(
        &server,
        &[
            "get-face-liveness-session-results",
            "--session-id",
            SESSION_ID,
            "--debug",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("x-amz-target: RekognitionService.GetFaceLivenessSessionResults"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("authorization: *** redacted ***"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(r#""Bytes":"*** redacted ***""#),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains(&server.seen()[0].signature),
        "the signature is not logged"
    );
    assert!(
        !run.stderr.contains("c2VjcmV0LWZhY2U="),
        "sensitive bytes are not logged"
    );
    // The output itself is the caller's own data and is printed in full.
    assert!(run.stdout.contains("c2VjcmV0LWZhY2U="));
}

#[tokio::test(flavor = "multi_thread")]
async fn no_sign_request_sends_no_signature() {
    let server = Server::start(vec![Reply::ok(RESULTS)]).await;
    let run = call(
        &server,
        &[
            "get-face-liveness-session-results",
            "--session-id",
            SESSION_ID,
            "--no-sign-request",
        ],
    )
    .await;
    // The loopback server, like AWS, refuses unsigned requests.
    assert_eq!(run.code, 254, "{}", run.stderr);
    assert!(
        run.stderr.contains("no Authorization header"),
        "{}",
        run.stderr
    );
    let seen = server.seen();
    assert_eq!(
        (seen[0].signature.as_str(), seen[0].amz_date.as_str()),
        ("", "")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_endpoint_is_a_transport_failure_exit_255() {
    let url = format!("http://127.0.0.1:{}", support::dead_port());
    let run = run(&[
        "--endpoint-url",
        &url,
        "get-face-liveness-session-results",
        "--session-id",
        SESSION_ID,
        "--cli-connect-timeout",
        "1",
    ])
    .await;
    assert_eq!(run.code, 255);
    assert!(run.stderr.contains("could not connect"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn help_for_the_program_and_each_subcommand() {
    let top = run(&["--help"]).await;
    assert_eq!(top.code, 0);
    insta::assert_snapshot!("cli_help", top.stdout);
    for command in [
        "create-face-liveness-session",
        "get-face-liveness-session-results",
    ] {
        let help = run(&[command, "--help"]).await;
        assert_eq!(help.code, 0, "{}", help.stderr);
        insta::assert_snapshot!(format!("cli_help_{command}"), help.stdout);
    }
    let version = run(&["--version"]).await;
    assert_eq!(
        (version.code, version.stdout.as_str()),
        (0, "rekognition 0.1.0\n")
    );
    let unknown = run(&["create-face-liveness-session", "--kms-key"]).await;
    assert_eq!(unknown.code, 252);
    assert!(
        unknown.stderr.contains("--kms-key-id"),
        "suggests the flag: {}",
        unknown.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn profile_selects_credentials_and_region_from_the_aws_files() {
    let dir = std::env::temp_dir().join(format!("cli-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(&config, "[profile loopback]\nregion = eu-west-1\n").expect("config");
    std::fs::write(
        &credentials,
        format!(
            "[default]\naws_access_key_id = AKIDWRONG\naws_secret_access_key = wrong\n\n[loopback]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            support::ACCESS_KEY,
            support::SECRET
        ),
    )
    .expect("credentials");
    let server = Server::start(vec![Reply::ok(RESULTS)]).await;
    let url = server.url();
    let (config, credentials) = (
        config.display().to_string(),
        credentials.display().to_string(),
    );
    let env = [
        ("AWS_CONFIG_FILE", config.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.as_str()),
    ];
    let args = [
        "get-face-liveness-session-results",
        "--session-id",
        SESSION_ID,
        "--endpoint-url",
        &url,
        "--query",
        "Status",
    ];
    let with_profile: Vec<&str> = args
        .iter()
        .copied()
        .chain(["--profile", "loopback"])
        .collect();
    let run = run_env(&with_profile, &env).await;
    assert_eq!(
        json_out(&run),
        json!("SUCCEEDED"),
        "the profile's keys signed it"
    );
    // Without --profile the default profile's keys are used, which the server rejects.
    let run = run_env(&args, &[("AWS_REGION", "us-east-1"), env[0], env[1]]).await;
    assert_eq!(run.code, 254, "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown access key AKIDWRONG"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn read_timeout_applies_to_each_attempt() {
    let server = Server::start(vec![Reply::Slow(
        std::time::Duration::from_secs(5),
        200,
        RESULTS.to_string(),
    )])
    .await;
    let run = call(
        &server,
        &[
            "get-face-liveness-session-results",
            "--session-id",
            SESSION_ID,
            "--cli-read-timeout",
            "0.2",
        ],
    )
    .await;
    assert_eq!(run.code, 255, "{}", run.stderr);
    assert!(run.stderr.contains("read timeout"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn region_comes_from_the_flag_and_its_absence_is_a_configuration_error() {
    let server = Server::start(vec![Reply::ok(RESULTS)]).await;
    let empty = std::env::temp_dir().join("cli-tests-no-such-aws-file");
    let empty = empty.display().to_string();
    let env = [
        ("AWS_ACCESS_KEY_ID", support::ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", support::SECRET),
        ("AWS_CONFIG_FILE", empty.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", empty.as_str()),
    ];
    let url = server.url();
    let args = [
        "get-face-liveness-session-results",
        "--session-id",
        SESSION_ID,
        "--endpoint-url",
        &url,
    ];
    let run = run_env(&args, &env).await;
    assert_eq!(run.code, 253, "{}", run.stderr);
    assert!(run.stderr.contains("AWS_REGION"), "{}", run.stderr);
    assert_eq!(server.requests(), 0);
    let with_region: Vec<&str> = args
        .iter()
        .copied()
        .chain(["--region", "eu-central-1"])
        .collect();
    let run = run_env(&with_region, &env).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn fips_from_the_environment_reaches_the_endpoint_rules() {
    // The library's environment settings apply to the CLI too: FIPS with a custom endpoint is
    // the rule set's own configuration error, before any request.
    let server = Server::start(vec![]).await;
    let empty = std::env::temp_dir().join("cli-tests-no-such-aws-file");
    let empty = empty.display().to_string();
    let url = server.url();
    let run = run_env(
        &[
            "get-face-liveness-session-results",
            "--session-id",
            SESSION_ID,
            "--endpoint-url",
            &url,
        ],
        &[
            ("AWS_ACCESS_KEY_ID", support::ACCESS_KEY),
            ("AWS_SECRET_ACCESS_KEY", support::SECRET),
            ("AWS_REGION", "us-east-1"),
            ("AWS_USE_FIPS_ENDPOINT", "true"),
            ("AWS_CONFIG_FILE", &empty),
            ("AWS_SHARED_CREDENTIALS_FILE", &empty),
        ],
    )
    .await;
    assert_eq!(run.code, 253, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("FIPS and custom endpoint are not supported"),
        "{}",
        run.stderr
    );
    assert_eq!(server.requests(), 0);
}

/// The environment `run` gives the binary, plus `extra`.
fn base_env<'a>(empty: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut env = vec![
        ("AWS_ACCESS_KEY_ID", support::ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", support::SECRET),
        ("AWS_REGION", "us-east-1"),
        ("AWS_CONFIG_FILE", empty),
        ("AWS_SHARED_CREDENTIALS_FILE", empty),
    ];
    env.extend_from_slice(extra);
    env
}

#[tokio::test(flavor = "multi_thread")]
async fn ca_bundle_flag_and_aws_ca_bundle_trust_a_private_ca_and_without_them_tls_fails() {
    use support::tls::{Pki, TlsServer};
    let pki = Pki::new("cli");
    let server = TlsServer::start(&pki.localhost).await;
    let url = server.url();
    let ca = pki.ca_file.display().to_string();
    let empty = std::env::temp_dir()
        .join("cli-tests-no-such-aws-file")
        .display()
        .to_string();
    let args = [
        "--endpoint-url",
        url.as_str(),
        "create-face-liveness-session",
    ];

    let flag = [&args[..2], &["--ca-bundle", ca.as_str()], &args[2..]].concat();
    let run = run_env(&flag, &base_env(&empty, &[])).await;
    assert_eq!(run.code, 0, "--ca-bundle: {}", run.stderr);
    let run = run_env(&args, &base_env(&empty, &[("AWS_CA_BUNDLE", ca.as_str())])).await;
    assert_eq!(run.code, 0, "AWS_CA_BUNDLE: {}", run.stderr);
    // --ca-bundle comes first.
    let run = run_env(
        &[
            &args[..2],
            &["--ca-bundle", "/nonexistent/ca.pem"],
            &args[2..],
        ]
        .concat(),
        &base_env(&empty, &[("AWS_CA_BUNDLE", ca.as_str())]),
    )
    .await;
    assert_eq!(run.code, 253, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("CA bundle /nonexistent/ca.pem: cannot read it"),
        "{}",
        run.stderr
    );

    let run = run_env(&args, &base_env(&empty, &[])).await;
    assert_eq!(run.code, 255, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("invalid peer certificate: UnknownIssuer"),
        "{}",
        run.stderr
    );
    assert_eq!(server.requests.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn https_proxy_carries_the_call_and_debug_output_never_shows_its_credentials() {
    use support::tls::{ConnectProxy, Pki, ProxyMode, TlsServer};
    let pki = Pki::new("cli-proxy");
    let server = TlsServer::start(&pki.localhost).await;
    let proxy = ConnectProxy::start(ProxyMode::Tunnel).await;
    let proxy_url = format!("http://alice:s3cr%40t@{}", proxy.addr);
    let url = server.url();
    let ca = pki.ca_file.display().to_string();
    let empty = std::env::temp_dir()
        .join("cli-tests-no-such-aws-file")
        .display()
        .to_string();
    let run = run_env(
        &[
            "--debug",
            "--endpoint-url",
            url.as_str(),
            "create-face-liveness-session",
        ],
        &base_env(
            &empty,
            &[
                ("HTTPS_PROXY", proxy_url.as_str()),
                ("AWS_CA_BUNDLE", ca.as_str()),
            ],
        ),
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(proxy.asked().len(), 1);
    assert!(proxy.asked()[0].proxy_authorization.is_some());
    for secret in ["s3cr%40t", "s3cr@t", "YWxpY2U6czNjckB0"] {
        assert!(
            !run.stderr.contains(secret) && !run.stdout.contains(secret),
            "{secret}: {}",
            run.stderr
        );
    }
    // A proxy URL the client cannot use is a configuration error naming the variable.
    let run = run_env(
        &[
            "--endpoint-url",
            url.as_str(),
            "create-face-liveness-session",
        ],
        &base_env(
            &empty,
            &[("HTTPS_PROXY", "socks5://alice:s3cret@127.0.0.1:1")],
        ),
    )
    .await;
    assert_eq!(run.code, 253, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("HTTPS_PROXY: socks5:// proxies are not supported"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("s3cret"), "{}", run.stderr);
}
