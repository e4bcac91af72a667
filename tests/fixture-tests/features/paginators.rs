//! Paginators of the `features` fixture against a loopback server serving several pages.

mod support;

use std::time::Duration;

use features::Client;
use features::config::{Config, Credentials, RetryConfig};
use features::pagination::Stream;
use support::Server;

fn client(server: &Server) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.url())
        .credentials(Credentials::new("AKIDFIXTURE", "fixture-secret", None))
        .retry_config(RetryConfig::default().with_initial_backoff(Duration::from_millis(5)))
        .build();
    Client::new(config).expect("valid config")
}

fn ok(body: &str) -> (u16, String) {
    (200, body.to_string())
}

#[tokio::test]
async fn pages_follow_the_output_token_until_it_is_absent() {
    let server = Server::start(vec![
        ok(r#"{"Things":[{"Name":"a"},{"Name":"b"}],"NextToken":"t1"}"#),
        ok(r#"{"Things":[{"Name":"c"}],"NextToken":"t2"}"#),
        ok(r#"{"Things":[{"Name":"d"}]}"#),
    ])
    .await;
    let pages = client(&server)
        .list_things()
        .prefix("x")
        .into_paginator()
        .page_size(2)
        .send()
        .try_collect()
        .await
        .expect("three pages");
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[2].next_token, None);
    let bodies: Vec<_> = server.seen().into_iter().map(|s| s.body).collect();
    assert_eq!(
        bodies,
        [
            serde_json::json!({"MaxResults": 2, "Prefix": "x"}),
            serde_json::json!({"NextToken": "t1", "MaxResults": 2, "Prefix": "x"}),
            serde_json::json!({"NextToken": "t2", "MaxResults": 2, "Prefix": "x"}),
        ],
        "each request keeps the caller's input and carries the previous page's token"
    );
    assert!(
        server
            .seen()
            .iter()
            .all(|s| s.target == "Features.ListThings")
    );
}

#[tokio::test]
async fn items_stream_every_item_of_every_page_in_order() {
    let server = Server::start(vec![
        ok(r#"{"Things":[{"Name":"a"},{"Name":"b"}],"NextToken":"t1"}"#),
        ok(r#"{"Things":[],"NextToken":"t2"}"#),
        ok(r#"{"Things":[{"Name":"c"}],"NextToken":""}"#),
    ])
    .await;
    let names: Vec<String> = client(&server)
        .list_things()
        .into_paginator()
        .items()
        .try_collect()
        .await
        .expect("items")
        .into_iter()
        .map(|thing| thing.name)
        .collect();
    assert_eq!(
        names,
        ["a", "b", "c"],
        "an empty page is skipped, an empty token ends"
    );
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn a_repeated_token_stops_instead_of_looping() {
    let server = Server::start(vec![
        ok(r#"{"Count":1,"NextToken":"same"}"#),
        ok(r#"{"Count":2,"NextToken":"same"}"#),
        ok(r#"{"Count":3,"NextToken":"other"}"#),
    ])
    .await;
    let mut pages = client(&server).list_pages().into_paginator().send();
    let mut counts = Vec::new();
    while let Some(page) = pages.next().await {
        counts.push(page.expect("page").count);
    }
    assert_eq!(counts, [Some(1), Some(2)]);
    assert_eq!(
        server.seen().len(),
        2,
        "the repeated token is never sent again"
    );
}

#[tokio::test]
async fn nested_token_and_map_items_are_followed() {
    let server = Server::start(vec![
        ok(r#"{"Page":{"Next":"m1","Entries":{"a":1,"b":2}}}"#),
        ok(r#"{"Page":{"Entries":{"c":3}}}"#),
    ])
    .await;
    let entries = client(&server)
        .list_nested()
        .into_paginator()
        .items()
        .try_collect()
        .await
        .expect("entries");
    assert_eq!(
        entries,
        [
            ("a".to_string(), 1),
            ("b".to_string(), 2),
            ("c".to_string(), 3)
        ]
    );
    let seen = server.seen();
    assert_eq!(seen[1].body, serde_json::json!({"Marker": "m1"}));
}

#[tokio::test]
async fn an_error_page_is_yielded_and_ends_the_stream() {
    let server = Server::start(vec![
        ok(r#"{"Things":[{"Name":"a"}],"NextToken":"t1"}"#),
        (
            400,
            r#"{"__type":"ValidationException","message":"bad token"}"#.into(),
        ),
    ])
    .await;
    let mut items = client(&server).list_things().into_paginator().items();
    assert_eq!(items.next().await.expect("one").expect("ok").name, "a");
    let error = items
        .next()
        .await
        .expect("the error")
        .expect_err("an error");
    assert_eq!(error.code(), Some("ValidationException"));
    assert!(items.next().await.is_none());
    assert_eq!(server.seen().len(), 2);
}

#[test]
fn paginator_streams_are_send_streams() {
    fn assert_stream<S: Stream + Send>(_: &S) {}
    let server_less = Client::new(
        Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new("AKID", "secret", None))
            .build(),
    )
    .expect("config");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let _guard = runtime.enter();
    assert_stream(&server_less.list_things().into_paginator().send());
    assert_stream(&server_less.list_things().into_paginator().items());
}
