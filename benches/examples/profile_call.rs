//! A loop of client calls for profiling (`perf record`, `valgrind --tool=callgrind`): the same
//! client and input as the `client` benchmark.

use benches::{in_memory_client, settings};

fn main() {
    let client = in_memory_client();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let settings = settings();
    let calls: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    for _ in 0..calls {
        let out = runtime
            .block_on(
                client
                    .create_face_liveness_session()
                    .kms_key_id("alias/liveness")
                    .settings(settings.clone())
                    .client_request_token("tok-1")
                    .send(),
            )
            .expect("succeeds");
        std::hint::black_box(out);
    }
}
