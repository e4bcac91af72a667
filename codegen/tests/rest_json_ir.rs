//! The restJson1 services of Smithy's protocol compliance suite, and the restJson1 models of
//! `../shared/models-restjson1`, build their IR: every operation's HTTP bindings read and check
//! out (`cargo xtask protocol-tests` runs their cases; `cargo xtask sweep` covers the
//! population).

use std::path::Path;

use codegen::{Generator, Operations, http::Body, model::Model};

fn shared(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(path)
}

/// Lambda's IR, every operation.
fn lambda() -> codegen::ir::Crate {
    let model = Model::load(&shared("models-restjson1/lambda.json")).expect("lambda.json");
    Generator::new()
        .operations(Operations::All)
        .build_ir(&model)
        .expect("builds")
}

#[test]
fn the_protocol_suites_rest_json_services_build_with_their_bindings() {
    let model = Model::load(&shared(
        "protocol-tests/smithy-aws-protocol-tests_model.json",
    ))
    .expect("the protocol tests beside the repository");
    for (service, operations) in [
        // Every operation, its 7 event-stream operations included.
        ("aws.protocoltests.restjson#RestJson", 113),
        (
            "aws.protocoltests.restjson.validation#RestJsonValidation",
            12,
        ),
        ("com.amazonaws.glacier#Glacier", 2),
        ("com.amazonaws.apigateway#BackplaneControlService", 1),
    ] {
        let krate = Generator::new()
            .service(service)
            .operations(Operations::All)
            .build_ir(&model)
            .unwrap_or_else(|e| panic!("{service}: {e}"));
        assert_eq!(krate.operations.len(), operations, "{service}");
        assert!(
            krate.operations.iter().all(|op| op.http.is_some()),
            "{service}: every operation has its bindings"
        );
    }
}

#[test]
fn lambdas_invoke_binds_its_payload_and_headers() {
    let krate = lambda();
    let invoke = krate
        .operations
        .iter()
        .find(|op| op.name == "Invoke")
        .and_then(|op| op.http.as_ref())
        .expect("Invoke's bindings");
    assert_eq!(invoke.method, "POST");
    assert_eq!(invoke.input.labels, ["FunctionName"]);
    assert_eq!(invoke.input.body, Body::Payload("Payload".into()));
    assert_eq!(invoke.output.body, Body::Payload("Payload".into()));
    assert_eq!(invoke.output.response_code.as_deref(), Some("StatusCode"));
    let headers: Vec<&str> = invoke
        .output
        .headers
        .iter()
        .map(|(h, _)| h.as_str())
        .collect();
    assert!(headers.contains(&"X-Amz-Log-Result"), "{headers:?}");
}

#[test]
fn lambdas_lookaround_patterns_compile_so_its_crate_needs_no_ecmascript_engine() {
    let krate = lambda();
    let lookarounds: Vec<&str> = krate
        .patterns
        .iter()
        .filter(|p| matches!(p.matcher(), Some(codegen::ir::Matcher::Lookaround(_))))
        .map(|p| p.source.as_str())
        .collect();
    // Names that are not all digits, environment variable names not in `system.`, bucket
    // names not ending in a dot.
    assert_eq!(lookarounds.len(), 4, "{lookarounds:?}");
    let engine: Vec<&str> = krate
        .patterns
        .iter()
        .filter(|p| p.compiled.is_none())
        .map(|p| p.source.as_str())
        .collect();
    assert!(
        engine.is_empty(),
        "left to the ECMAScript engine: {engine:?}"
    );
}
