//! `@idempotencyToken` members of the `features` fixture: filled when unset, kept when set,
//! the same on every retry of one call, fresh for every poll of a waiter.

mod support;

use std::time::Duration;

use features::Client;
use features::config::{Config, Credentials, RetryConfig};
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

const CREATED: &str = r#"{"Thing":{"Name":"t"}}"#;

/// The RFC 9562 text form of a version-4 UUID, lower case.
fn is_uuid_v4(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && s.chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
        && groups[2].starts_with('4')
        && groups[3].starts_with(['8', '9', 'a', 'b'])
}

fn token_sent(seen: &support::Seen) -> String {
    seen.body["ClientToken"]
        .as_str()
        .expect("a ClientToken in the body")
        .to_string()
}

#[tokio::test]
async fn an_unset_token_is_sent_as_a_fresh_uuid_v4() {
    let server = Server::start(vec![(200, CREATED.into())]).await;
    let client = client(&server);
    client
        .create_thing()
        .name("t")
        .send()
        .await
        .expect("created");
    client
        .create_thing()
        .name("t")
        .send()
        .await
        .expect("created");
    let seen = server.seen();
    let (first, second) = (token_sent(&seen[0]), token_sent(&seen[1]));
    assert!(is_uuid_v4(&first), "{first}");
    assert!(is_uuid_v4(&second), "{second}");
    assert_ne!(first, second, "each call gets its own token");
}

#[tokio::test]
async fn a_token_the_caller_set_is_kept() {
    let server = Server::start(vec![(200, CREATED.into())]).await;
    client(&server)
        .create_thing()
        .name("t")
        .client_token("caller-token-1")
        .send()
        .await
        .expect("created");
    assert_eq!(token_sent(&server.seen()[0]), "caller-token-1");
}

#[tokio::test]
async fn a_retried_request_carries_the_same_token() {
    let server = Server::start(vec![
        (
            500,
            r#"{"__type":"InternalFailure","message":"try again"}"#.into(),
        ),
        (200, CREATED.into()),
    ])
    .await;
    client(&server)
        .create_thing()
        .name("t")
        .send()
        .await
        .expect("created on the retry");
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "one retry");
    assert!(seen.iter().all(|s| s.target == "Features.CreateThing"));
    assert!(is_uuid_v4(&token_sent(&seen[0])));
    assert_eq!(token_sent(&seen[0]), token_sent(&seen[1]));
}

const PENDING: &str = r#"{"Thing":{"Name":"t","Status":"PENDING"}}"#;
const READY: &str = r#"{"Thing":{"Name":"t","Status":"READY"}}"#;

#[tokio::test]
async fn each_poll_of_a_waiter_is_a_new_request_with_its_own_token() {
    let server = Server::start(vec![
        (200, PENDING.into()),
        (200, PENDING.into()),
        (200, READY.into()),
    ])
    .await;
    client(&server)
        .wait_until_thing_created()
        .name("t")
        .min_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(2))
        .wait()
        .await
        .expect("ready on the third poll");
    let tokens: Vec<String> = server.seen().iter().map(token_sent).collect();
    assert_eq!(tokens.len(), 3);
    assert!(tokens.iter().all(|t| is_uuid_v4(t)), "{tokens:?}");
    assert!(
        tokens[0] != tokens[1] && tokens[1] != tokens[2] && tokens[0] != tokens[2],
        "{tokens:?}"
    );
}

#[tokio::test]
async fn a_waiter_keeps_the_token_the_caller_set_on_every_poll() {
    let server = Server::start(vec![(200, PENDING.into()), (200, READY.into())]).await;
    client(&server)
        .wait_until_thing_created()
        .name("t")
        .client_token("caller-token-2")
        .min_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(2))
        .wait()
        .await
        .expect("ready on the second poll");
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| token_sent(s) == "caller-token-2"));
}
