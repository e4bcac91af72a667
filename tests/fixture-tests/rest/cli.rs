//! The `rest` fixture's command line with `@jsonName` members (`UpdateThing`): the command
//! line's documents (flags, `--cli-input-json`, the printed output, `--query`) name members as
//! the model does, as the AWS CLI's do, while the requests and responses carry their JSON names.

mod support;

use serde_json::{Value, json};
use support::Server;

/// Runs the command line in this process, unsigned, against the server.
async fn cli(server: &Server, args: &[&str]) -> support::Run {
    let run: support::RunCli =
        |args, stdin, out, err| storage::cli::run_with_stdin(args, stdin, out, err);
    support::run_cli(run, "storage", server.url(), args, b"").await
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
    let run = cli(
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
    assert_eq!(run.code, 0, "{}", run.stderr);
    let output: Value = serde_json::from_str(&run.stdout).expect("JSON output");
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
    let run = cli(
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
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), r#""blue""#);
    assert_eq!(
        bodies(&server),
        [json!({"newName": "t2", "Details": {"color": "red"}})]
    );
}

#[tokio::test]
async fn a_json_name_is_not_a_member_name_on_the_command_line() {
    let server = Server::start("storage", vec![updated()]).await;
    let run = cli(
        &server,
        &[
            "update-thing",
            "--id",
            "t1",
            "--details",
            r#"{"color":"red"}"#,
        ],
    )
    .await;
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("color"), "{}", run.stderr);
    assert!(server.seen_unsigned().is_empty(), "nothing was sent");
}
