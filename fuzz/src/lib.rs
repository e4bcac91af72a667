//! The fuzz targets: one function per target, taking the fuzzer's bytes. The libFuzzer binaries
//! (`fuzz_targets/`, built by `cargo xtask fuzz` with coverage instrumentation) call them, and
//! `cargo test` replays every seed and every input a run found (`tests/replay.rs`), so a finding
//! stays fixed.
//!
//! A target fails by panicking: on a panic in the code under test, or when one of its checks on
//! the result (a round trip, an error that must format) does not hold.

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use rekognition::Client;
use rekognition::config::{Config, Credentials, InMemory, RetryConfig};
use rekognition::primitives::DateTime;

/// The runtime every generated crate carries, compiled from its source in `codegen/runtime/`
/// (the parts the targets reach are private to the generated crates).
#[path = "../../codegen/runtime"]
#[allow(dead_code, unused_imports)]
mod runtime {
    pub(crate) mod cli;
    pub(crate) mod config;
    pub(crate) mod credentials;
    pub(crate) mod datetime;
    pub(crate) mod dfa;
    pub(crate) mod document;
    pub(crate) mod endpoint_lib;
    pub(crate) mod errors;
    pub(crate) mod idempotency;
    pub(crate) mod jmespath_search;
    pub(crate) mod json;
    pub(crate) mod orchestrator;
    pub(crate) mod profile;
    pub(crate) mod proxy;
    pub(crate) mod retry;
    pub(crate) mod sigv4;
    pub(crate) mod transport;
    pub(crate) mod validation;
    pub(crate) mod waiter;
}

/// A fuzz target: the fuzzer's bytes in, a panic on failure.
pub type Target = fn(&[u8]);

/// The targets by name, as `cargo xtask fuzz` and the replay test know them.
pub const TARGETS: &[(&str, Target)] = &[
    ("responses", responses),
    ("dates", dates),
    ("shorthand", shorthand),
    ("model", model),
];

/// The response a [`responses`] run answers every request with.
struct Reply {
    status: u16,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    body: Vec<u8>,
}

static REPLY: Mutex<Option<Reply>> = Mutex::new(None);

/// Both operations of the default crate, answered with the response the input describes:
/// bytes 0–1 pick the status (100–599), then header lines (`name: value`) up to the first empty
/// line, then the body. Each operation must end in its output or its error (never a panic), and
/// the error must format and answer its accessors.
pub fn responses(data: &[u8]) {
    static CLIENT: OnceLock<(tokio::runtime::Runtime, Client)> = OnceLock::new();
    let (runtime, client) = CLIENT.get_or_init(|| {
        let transport = InMemory::new(|_request| {
            let reply = REPLY.lock().unwrap_or_else(|e| e.into_inner());
            let mut response = http::Response::new(Vec::new());
            if let Some(reply) = reply.as_ref() {
                *response.body_mut() = reply.body.clone();
                if let Ok(status) = http::StatusCode::from_u16(reply.status) {
                    *response.status_mut() = status;
                }
                for (name, value) in &reply.headers {
                    if let (Ok(name), Ok(value)) = (
                        http::HeaderName::from_bytes(name),
                        http::HeaderValue::from_bytes(value),
                    ) {
                        response.headers_mut().append(name, value);
                    }
                }
            }
            Ok(response)
        });
        let config = Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
            .retry_config(RetryConfig::disabled())
            .http_client(transport)
            .build();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a current-thread runtime");
        (runtime, Client::new(config).expect("a valid configuration"))
    });

    let (status, rest) = match data {
        [a, b, rest @ ..] => (100 + u16::from_le_bytes([*a, *b]) % 500, rest),
        _ => (200, data),
    };
    let (head, body) = match rest.windows(2).position(|w| w == b"\n\n") {
        Some(end) => (&rest[..end], &rest[end + 2..]),
        None => (&[][..], rest),
    };
    let headers = head
        .split(|&b| b == b'\n')
        .filter_map(|line| {
            let colon = line.iter().position(|&b| b == b':')?;
            let value = &line[colon + 1..];
            let value = value.strip_prefix(b" ").unwrap_or(value);
            Some((line[..colon].to_vec(), value.to_vec()))
        })
        .collect();
    *REPLY.lock().unwrap_or_else(|e| e.into_inner()) = Some(Reply {
        status,
        headers,
        body: body.to_vec(),
    });

    runtime.block_on(async {
        let created = client.create_face_liveness_session().send().await;
        let results = client
            .get_face_liveness_session_results()
            .session_id("0b6a7d1c-2f3e-4a5b-8c9d-0e1f2a3b4c5d")
            .send()
            .await;
        let _ = format!("{created:?}{results:?}");
        if let Err(e) = created {
            let _ = (e.to_string(), e.code(), e.request_id());
        }
        if let Err(e) = results {
            let _ = (e.to_string(), e.code(), e.request_id());
        }
    });
}

/// The timestamp readers: RFC 3339 and IMF-fixdate text, and epoch seconds from a JSON number.
/// Whatever a reader accepts, its writer writes in a form the reader reads back to the same
/// instant (IMF-fixdate keeps milliseconds, epoch seconds microseconds).
pub fn dates(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(time) = DateTime::parse_date_time(text) {
        let written = time.to_date_time();
        assert_eq!(
            DateTime::parse_date_time(&written),
            Some(time),
            "{text:?} read as {written:?}, which does not read back"
        );
    }
    if let Some(time) = DateTime::parse_http_date(text) {
        let written = time.to_http_date();
        let millis =
            DateTime::from_secs_and_nanos(time.secs(), time.subsec_nanos() / 1_000_000 * 1_000_000);
        assert_eq!(
            DateTime::parse_http_date(&written),
            Some(millis),
            "{text:?} read as {written:?}, which does not read back"
        );
    }
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text)
        && let Ok(time) = runtime::json::epoch_seconds(&value)
    {
        let mut written = Vec::new();
        runtime::json::write_epoch_seconds(&mut written, time);
        let again = serde_json::from_slice::<serde_json::Value>(&written)
            .unwrap_or_else(|e| panic!("{text:?} written as invalid JSON: {e}"));
        assert_eq!(
            runtime::json::epoch_seconds(&again).ok(),
            Some(time),
            "{text:?} written as {}, which does not read back",
            String::from_utf8_lossy(&written)
        );
    }
}

/// The command line's shorthand syntax (`Key=Value,List=[a,b]`), as a structure and as a list.
/// An error formats with its caret under the offending character.
pub fn shorthand(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for parsed in [
        runtime::cli::shorthand::parse_shorthand(text),
        runtime::cli::shorthand::parse_shorthand_values(text),
    ] {
        match parsed {
            Ok(value) => {
                let _ = runtime::cli::output::to_json(&value);
            }
            Err(e) => {
                assert!(
                    e.position <= text.chars().count(),
                    "error position {} beyond the input {text:?}",
                    e.position
                );
                let _ = e.to_string();
            }
        }
    }
}

/// The model loader and the generator behind it: any bytes either load or fail with an error,
/// and a model that loads either generates (every operation) or fails with an error.
pub fn model(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match codegen::model::Model::parse(Path::new("fuzz.json"), text) {
        Ok(model) => match codegen::Generator::new().generate(&model) {
            Ok(generated) => assert!(generated.files.contains_key("src/lib.rs")),
            Err(e) => {
                let _ = e.to_string();
            }
        },
        Err(e) => {
            let _ = e.to_string();
        }
    }
}
