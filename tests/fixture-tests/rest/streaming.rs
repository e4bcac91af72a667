//! The generated `rest` fixture's `@streaming` operations against a loopback server: uploads
//! from memory, from a file (with its length, resent whole on a retry) and from a body of
//! unknown length (chunked, sent once), each signature re-verified by the reference
//! `aws-sigv4`; a download read in pieces as it arrives, and an error beside it.

mod support;

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Bytes, Frame};
use storage::Client;
use storage::config::{Config, Credentials, RetryConfig};
use storage::operation::download_content::DownloadContentError;
use storage::primitives::ByteStream;
use support::Server;

fn client(server: &Server) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.url())
        .credentials(Credentials::new(support::ACCESS_KEY, support::SECRET, None))
        .retry_config(RetryConfig::default().with_initial_backoff(Duration::from_millis(5)))
        .build();
    Client::new(config).expect("valid config")
}

/// A body of unknown length: its chunks, one frame each.
struct Chunks(VecDeque<Bytes>);

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Ready(self.0.pop_front().map(|chunk| Ok(Frame::data(chunk))))
    }
}

fn stored(size: usize) -> support::Reply {
    (
        200,
        vec![("content-type", "application/json")],
        format!("{{\"Size\":{size}}}").into_bytes(),
    )
}

#[tokio::test]
async fn an_upload_in_memory_is_signed_with_its_hash() {
    let server = Server::start("storage", vec![stored(5)]).await;
    let output = client(&server)
        .upload_content()
        .id("t1")
        .content(ByteStream::from(b"hello".to_vec()))
        .send()
        .await
        .expect("uploaded");
    assert_eq!(output.size, Some(5));
    let seen = server.seen();
    assert_eq!(seen[0].method, "PUT");
    assert_eq!(seen[0].uri, "/things/t1/content");
    assert_eq!(seen[0].body, b"hello");
    assert_eq!(seen[0].header("content-length"), Some("5"));
    assert_eq!(seen[0].header("content-type"), Some("application/octet-stream"));
    assert_eq!(seen[0].header("x-amz-content-sha256"), None);
}

#[tokio::test]
async fn a_file_is_uploaded_with_its_length_and_sent_again_on_a_retry() {
    let content: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    let path = std::env::temp_dir().join(format!("rest-upload-{}", std::process::id()));
    std::fs::write(&path, &content).expect("write the file");
    let server = Server::start(
        "storage",
        vec![(503, vec![], b"{}".to_vec()), stored(content.len())],
    )
    .await;
    let output = client(&server)
        .upload_content()
        .id("t1")
        .checksum("abc")
        .content(ByteStream::from_path(&path).expect("file"))
        .send()
        .await
        .expect("uploaded after a retry");
    std::fs::remove_file(&path).expect("remove");
    assert_eq!(output.size, Some(300_000));
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "the 503 is retried");
    for request in &seen {
        assert!(request.body == content, "the whole file, from its start");
        assert_eq!(request.header("content-length"), Some("300000"));
        assert_eq!(request.header("transfer-encoding"), None);
        assert_eq!(request.header("x-amz-content-sha256"), Some("UNSIGNED-PAYLOAD"));
        assert_eq!(request.header("x-checksum"), Some("abc"));
    }
}

#[tokio::test]
async fn a_body_of_unknown_length_is_sent_chunked_and_only_once() {
    let server = Server::start("storage", vec![(503, vec![], b"{}".to_vec()), stored(9)]).await;
    let body = Chunks(VecDeque::from([
        Bytes::from_static(b"one "),
        Bytes::from_static(b"two "),
        Bytes::from_static(b"3"),
    ]));
    let error = client(&server)
        .upload_content()
        .id("t1")
        .content(ByteStream::from_body(body))
        .send()
        .await
        .expect_err("a 503, not retried: the body was read once");
    assert!(error.is_server_fault(), "{error}");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body, b"one two 3");
    assert_eq!(seen[0].header("transfer-encoding"), Some("chunked"));
    assert_eq!(seen[0].header("content-length"), None);
}

#[tokio::test]
async fn a_download_is_read_as_it_arrives_and_an_error_is_modeled() {
    let audio = vec![b'a'; 200_000];
    let server = Server::start(
        "storage",
        vec![
            (200, vec![("content-type", "audio/mpeg")], audio.clone()),
            (
                404,
                vec![("x-amzn-errortype", "NotFound"), ("x-reason", "gone")],
                br#"{"message":"no such thing"}"#.to_vec(),
            ),
        ],
    )
    .await;
    let client = client(&server);
    let mut output = client
        .download_content()
        .id("t1")
        .send()
        .await
        .expect("downloaded");
    assert_eq!(output.content_type.as_deref(), Some("audio/mpeg"));
    let mut read = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = output.content.next().await {
        read.extend_from_slice(&chunk.expect("chunk"));
        chunks += 1;
    }
    assert!(read == audio, "every byte, in order");
    assert!(chunks >= 1);

    let error = client
        .download_content()
        .id("t2")
        .send()
        .await
        .expect_err("404");
    let DownloadContentError::NotFound(not_found) = error else {
        panic!("expected NotFound, got {error:?}");
    };
    assert_eq!(not_found.reason.as_deref(), Some("gone"));
    assert_eq!(not_found.message.as_deref(), Some("no such thing"));
    let seen = server.seen();
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].header("content-length"), None);
}
