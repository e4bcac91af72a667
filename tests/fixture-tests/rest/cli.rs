//! The `rest` fixture's command line with `@jsonName` members (`UpdateThing`): the command
//! line's documents (flags, `--cli-input-json`, the printed output, `--query`) name members as
//! the model does, as the AWS CLI's do, while the requests and responses carry their JSON names.

mod support;

use serde_json::{Value, json};
use support::Server;

/// Runs the command line in this process (on a blocking thread: the CLI starts its own
/// runtime), unsigned, against the server.
async fn cli(server: &Server, args: &[&str]) -> (i32, String, String) {
    let mut all: Vec<String> = ["storage", "--region", "us-east-1", "--no-sign-request"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    all.extend(["--endpoint-url".to_string(), server.url()]);
    all.extend(args.iter().map(|s| s.to_string()));
    tokio::task::spawn_blocking(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = storage::cli::run(all, &mut out, &mut err);
        (
            code,
            String::from_utf8_lossy(&out).into_owned(),
            String::from_utf8_lossy(&err).into_owned(),
        )
    })
    .await
    .expect("the command line ran")
}

fn updated() -> support::Reply {
    (
        200,
        vec![("content-type", "application/json")],
        br#"{"name":"t2","Details":{"color":"blue","Sizes":[3]}}"#.to_vec(),
    )
}

/// The JSON body of each request the server saw.
fn bodies(server: &Server) -> Vec<Value> {
    server
        .seen_unsigned()
        .iter()
        .map(|seen| serde_json::from_slice(&seen.body).expect("a JSON body"))
        .collect()
}

#[tokio::test]
async fn flags_and_output_use_member_names_and_the_wire_uses_json_names() {
    let server = Server::start("storage", vec![updated()]).await;
    let (code, stdout, stderr) = cli(
        &server,
        &[
            "update-thing",
            "--id",
            "t1",
            "--new-name",
            "t2",
            "--details",
            r#"{"Color":"red","Sizes":[1,2]}"#,
        ],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let output: Value = serde_json::from_str(&stdout).expect("JSON output");
    assert_eq!(
        output,
        json!({"Name": "t2", "Details": {"Color": "blue", "Sizes": [3]}})
    );
    assert_eq!(
        bodies(&server),
        [json!({"newName": "t2", "Details": {"color": "red", "Sizes": [1, 2]}})]
    );
}

#[tokio::test]
async fn cli_input_json_and_query_use_member_names() {
    let server = Server::start("storage", vec![updated()]).await;
    let input = r#"{"Id":"t1","NewName":"t2","Details":{"Color":"red"}}"#;
    let (code, stdout, stderr) = cli(
        &server,
        &[
            "update-thing",
            "--cli-input-json",
            input,
            "--query",
            "Details.Color",
        ],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.trim(), r#""blue""#);
    assert_eq!(
        bodies(&server),
        [json!({"newName": "t2", "Details": {"color": "red"}})]
    );
}

#[tokio::test]
async fn a_json_name_is_not_a_member_name_on_the_command_line() {
    let server = Server::start("storage", vec![updated()]).await;
    let (code, _, stderr) = cli(
        &server,
        &["update-thing", "--id", "t1", "--details", r#"{"color":"red"}"#],
    )
    .await;
    assert_ne!(code, 0);
    assert!(stderr.contains("color"), "{stderr}");
    assert!(server.seen_unsigned().is_empty(), "nothing was sent");
}
