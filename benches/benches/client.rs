//! Per-call client overhead: `create_face_liveness_session().…send().await` with a fully
//! populated input through the in-memory transport answering a canned 200. That is
//! validation, serialization, SigV4 signing and response parsing, with no network.

use benches::{in_memory_client, settings};
use criterion::{Criterion, criterion_group, criterion_main};

fn per_call(c: &mut Criterion) {
    let client = in_memory_client();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let settings = settings();
    c.bench_function("create_face_liveness_session send (in-memory)", |b| {
        b.iter(|| {
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
            std::hint::black_box(out)
        })
    });
}

criterion_group!(benches, per_call);
criterion_main!(benches);
