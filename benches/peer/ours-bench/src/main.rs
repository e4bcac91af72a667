//! Per-call time of the generated Lambda client with the in-memory transport: the same
//! measurement as `peer-bench lambda-invoke` makes of aws-sdk-lambda.
//!
//! ours-bench lambda-invoke [CALLS] [BATCHES]
//!     `invoke` of function `my-function` with a 1 KiB JSON payload (`{"data":"x…"}`, 1012
//!     x's, 1023 bytes); canned 200 whose body is that payload, with
//!     `x-amz-executed-version: $LATEST` and `content-type: application/json`.
//!
//! Default 5000 calls per batch, 15 batches, after a warm-up of min(CALLS, 2000) calls. Prints
//! one line per batch and a final `RESULT lambda invoke: median <ns> ns/call ...` line.

use std::hint::black_box;
use std::time::Instant;

use lambda::config::{Config, Credentials, InMemory};

/// The request and response payload: `{"data":"xxx…"}` with 1012 x's, 1023 bytes (the same
/// bytes as peer-bench's `format!("{{\"data\":\"{}\"}}", "x".repeat(1012))`).
fn payload() -> Vec<u8> {
    let mut p = Vec::with_capacity(1023);
    p.extend_from_slice(b"{\"data\":\"");
    p.resize(p.len() + 1012, b'x');
    p.extend_from_slice(b"\"}");
    p
}

/// The middle value (the mean of the two middle ones for an even count).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Times `call` in `batches` batches of `calls` calls each, one `block_on` per call on a
/// current-thread runtime, after `min(calls, 2000)` warm-up calls; prints each batch's
/// ns/call and then their median.
fn measure<F: std::future::Future<Output = ()>>(
    name: &str,
    calls: usize,
    batches: usize,
    mut call: impl FnMut() -> F,
) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for _ in 0..calls.min(2000) {
        runtime.block_on(call());
    }
    let mut per_call = Vec::with_capacity(batches);
    for batch in 1..=batches {
        let start = Instant::now();
        for _ in 0..calls {
            runtime.block_on(call());
        }
        let ns = start.elapsed().as_nanos() as f64 / calls as f64;
        println!("batch {batch:>2}: {ns:>8.0} ns/call");
        per_call.push(ns);
    }
    println!(
        "RESULT {name}: median {:.0} ns/call over {batches} batches x {calls} calls",
        median(per_call)
    );
}

fn lambda_invoke(calls: usize, batches: usize) {
    let payload = payload();
    assert_eq!(payload.len(), 1023);
    let body = payload.clone();
    // The transport hands the client an owned body, so the canned 1023 bytes are copied per
    // call (aws-sdk-lambda's connector in peer-bench shares a static slice instead).
    let transport = InMemory::new(move |_request| {
        Ok(http::Response::builder()
            .status(200)
            .header("x-amz-executed-version", "$LATEST")
            .header("content-type", "application/json")
            .body(body.clone())
            .expect("valid response"))
    });
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        ))
        .http_client(transport)
        .build();
    let client = lambda::Client::new(config).expect("valid config");

    // One checked call first: the response is parsed, not just accepted.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let out = runtime
        .block_on(
            client
                .invoke()
                .function_name("my-function")
                .payload(payload.clone())
                .send(),
        )
        .expect("succeeds");
    assert_eq!(out.status_code, 200);
    assert_eq!(out.executed_version.as_deref(), Some("$LATEST"));
    assert_eq!(out.payload.as_deref(), Some(payload.as_slice()));
    drop(runtime);

    measure("lambda invoke", calls, batches, || {
        let call = client
            .invoke()
            .function_name("my-function")
            .payload(payload.clone())
            .send();
        async move {
            black_box(call.await.expect("succeeds"));
        }
    });
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let calls = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5000);
    let batches = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(15);
    match args.get(1).map(String::as_str) {
        Some("lambda-invoke") => lambda_invoke(calls, batches),
        _ => {
            eprintln!("usage: ours-bench lambda-invoke [CALLS] [BATCHES]");
            std::process::exit(2);
        }
    }
}
