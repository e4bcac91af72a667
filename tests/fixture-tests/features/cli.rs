//! The `features` fixture's command-line client against a loopback server: paginated listings
//! merged across pages as the AWS CLI merges them, `--max-items` with a resumable `NextToken`,
//! `--no-paginate`, and `wait <waiter>` reaching success or a failure state. The help texts
//! are snapshots (`snapshots/` beside this file).

mod support;

use serde_json::{Value, json};
use support::{Run, Server};

/// Runs the command line in this process, unsigned, against the server.
async fn cli(server: &Server, args: &[&str]) -> Run {
    let run: support::RunCli =
        |args, stdin, out, err| features::cli::run_with_stdin(args, stdin, out, err);
    support::run_cli(run, "features", server.url(), args, b"").await
}

fn ok(body: &str) -> (u16, String) {
    (200, body.to_string())
}

fn json_out(run: &Run) -> Value {
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON output")
}

/// The input token of each request the server saw.
fn tokens(server: &Server) -> Vec<Value> {
    server
        .seen()
        .iter()
        .map(|seen| seen.body.get("NextToken").cloned().unwrap_or(Value::Null))
        .collect()
}

fn three_pages() -> Vec<(u16, String)> {
    vec![
        ok(r#"{"Things":[{"Name":"a"},{"Name":"b"}],"NextToken":"t2"}"#),
        ok(r#"{"Things":[{"Name":"c"},{"Name":"d"}],"NextToken":"t3"}"#),
        ok(r#"{"Things":[{"Name":"e"}]}"#),
    ]
}

#[tokio::test]
async fn a_three_page_listing_is_merged_into_one_result() {
    let server = Server::start(three_pages()).await;
    let run = cli(
        &server,
        &["list-things", "--prefix", "x", "--page-size", "2"],
    )
    .await;
    assert_eq!(
        json_out(&run),
        json!({"Things": [{"Name": "a"}, {"Name": "b"}, {"Name": "c"}, {"Name": "d"}, {"Name": "e"}]})
    );
    assert_eq!(tokens(&server), [Value::Null, json!("t2"), json!("t3")]);
    for seen in server.seen() {
        assert_eq!(
            seen.body["MaxResults"],
            json!(2),
            "the page size on every call"
        );
        assert_eq!(
            seen.body["Prefix"],
            json!("x"),
            "the other members on every call"
        );
    }
}

#[tokio::test]
async fn the_page_size_member_set_by_hand_still_fetches_every_page() {
    let server = Server::start(three_pages()).await;
    let run = cli(&server, &["list-things", "--max-results", "2"]).await;
    assert_eq!(json_out(&run)["Things"].as_array().map(Vec::len), Some(5));
    assert!(
        server
            .seen()
            .iter()
            .all(|seen| seen.body["MaxResults"] == json!(2))
    );
}

#[tokio::test]
async fn max_items_stops_mid_page_and_its_next_token_resumes_there() {
    let server = Server::start(three_pages()).await;
    let first = json_out(&cli(&server, &["list-things", "--max-items", "3"]).await);
    assert_eq!(
        first["Things"],
        json!([{"Name": "a"}, {"Name": "b"}, {"Name": "c"}])
    );
    let token = first["NextToken"]
        .as_str()
        .expect("a NextToken to resume from");
    assert_eq!(
        tokens(&server),
        [Value::Null, json!("t2")],
        "no page past the last item"
    );

    // The resumed listing asks for the page it stopped in again and skips what was printed.
    let server = Server::start(three_pages()[1..].to_vec()).await;
    let rest = json_out(&cli(&server, &["list-things", "--starting-token", token]).await);
    assert_eq!(rest, json!({"Things": [{"Name": "d"}, {"Name": "e"}]}));
    assert_eq!(tokens(&server), [json!("t2"), json!("t3")]);
}

#[tokio::test]
async fn no_paginate_prints_the_first_page_with_the_services_token() {
    let server = Server::start(three_pages()).await;
    let run = cli(&server, &["list-things", "--no-paginate"]).await;
    assert_eq!(
        json_out(&run),
        json!({"Things": [{"Name": "a"}, {"Name": "b"}], "NextToken": "t2"})
    );
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_nested_token_and_map_items_are_followed_and_merged() {
    let server = Server::start(vec![
        ok(r#"{"Page":{"Entries":{"a":1,"b":2},"Next":"m2"}}"#),
        ok(r#"{"Page":{"Entries":{"c":3}}}"#),
    ])
    .await;
    let run = cli(&server, &["list-nested"]).await;
    assert_eq!(
        json_out(&run),
        json!({"Page": {"Entries": {"a": 1, "b": 2, "c": 3}}})
    );
    let markers: Vec<Value> = server
        .seen()
        .iter()
        .map(|s| s.body["Marker"].clone())
        .collect();
    assert_eq!(markers, [Value::Null, json!("m2")]);
}

#[tokio::test]
async fn a_waiter_reaches_success_after_two_polls_and_prints_nothing() {
    let server = Server::start(vec![
        ok(r#"{"Thing":{"Name":"t","Status":"PENDING"}}"#),
        ok(r#"{"Thing":{"Name":"t","Status":"READY"}}"#),
    ])
    .await;
    let run = cli(&server, &["wait", "thing-ready", "--name", "t"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter()
            .all(|s| s.target == "Features.DescribeThing" && s.body == json!({"Name": "t"}))
    );
}

#[tokio::test]
async fn a_waiter_failure_state_exits_255_with_the_aws_cli_message() {
    let server = Server::start(vec![ok(r#"{"Thing":{"Name":"t","Status":"BROKEN"}}"#)]).await;
    let run = cli(&server, &["wait", "thing-ready", "--name", "t"]).await;
    assert_eq!(run.code, 255);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "Waiter ThingReady failed: Waiter encountered a terminal failure state: For expression \"Thing.Status\" we matched expected path: \"BROKEN\"\n"
    );
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn an_empty_output_prints_nothing() {
    let server = Server::start(vec![ok("{}")]).await;
    let run = cli(&server, &["describe-thing", "--name", "t"]).await;
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
}

#[tokio::test]
async fn a_negative_number_is_sent_as_a_value() {
    let server = Server::start(vec![ok(r#"{"Things":[]}"#)]).await;
    let run = cli(
        &server,
        &["list-things", "--no-paginate", "--max-results", "-1"],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(server.seen()[0].body["MaxResults"], json!(-1));
}

/// The help of a command line, which sends nothing.
fn help(args: &[&str]) -> String {
    let mut all = vec!["features"];
    all.extend_from_slice(args);
    all.push("--help");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = features::cli::run(all, &mut out, &mut err);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    String::from_utf8_lossy(&out).into_owned()
}

/// Help snapshots live beside this file in the repository (`FIXTURE_TESTS_DIR`, set by
/// `cargo xtask fixtures`), so a change shows up in its diff.
fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    if let Ok(dir) = std::env::var("FIXTURE_TESTS_DIR") {
        settings.set_snapshot_path(std::path::Path::new(&dir).join("snapshots"));
    }
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn help_shows_the_wait_subcommand_and_the_pagination_flags() {
    snapshot("help", &help(&[]));
    snapshot("help_list-things", &help(&["list-things"]));
    snapshot("help_wait", &help(&["wait"]));
    snapshot("help_wait_thing-ready", &help(&["wait", "thing-ready"]));
}
