//! insta snapshots of generated code: every file of the default face-liveness crate, and the
//! generated modules of one small fixture model per feature. Review changes with
//! `cargo insta review`.

use codegen::{Generator, default_operations};
use tests::{default_model, fixture};

#[test]
fn default_selection_every_generated_file() {
    let generated = Generator::new()
        .operations(default_operations())
        .generate_file(&default_model())
        .unwrap();
    // The model lint: two of Rekognition's patterns contradict their @length.
    assert_eq!(
        generated.warnings,
        [
            r#"com.amazonaws.rekognition#KmsKeyId: pattern "^[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,2048}$" admits 2049 characters, above @length max 2048"#,
            r#"com.amazonaws.rekognition#S3Bucket: pattern "^[0-9A-Za-z\\.\\-_]*$" admits "", below @length min 3"#,
        ]
    );
    assert_eq!(
        generated.summary,
        "patterns: 5 checked by straight code, 1 compiled to automata, 0 run by the ECMAScript engine, 0 not checked"
    );
    // The runtime modules are verbatim copies of `codegen/runtime/`, which the freshness test
    // holds `generated/` to: a runtime change shows once, in `generated/`.
    for (path, content) in generated
        .files
        .iter()
        .filter(|(path, _)| !path.starts_with("src/runtime/"))
    {
        insta::assert_snapshot!(format!("default__{}", path.replace('/', "__")), content);
    }
}

/// Snapshots a fixture's generated modules, leaving out what the default snapshots already
/// show: the runtime (verbatim copies), the crate root, manifest and client, module lists, and
/// modules with nothing in them but re-exports.
fn snapshot_fixture(name: &str) {
    let generated = Generator::new()
        .generate_file(&fixture(&format!("{name}.json")))
        .unwrap();
    for (path, content) in &generated.files {
        let boilerplate = [
            "Cargo.toml",
            "rustfmt.toml",
            "src/lib.rs",
            "src/client.rs",
            "src/operation.rs",
        ];
        if path.starts_with("src/runtime/")
            || boilerplate.contains(&path.as_str())
            || !(content.contains("impl ") || path == "src/patterns.rs")
        {
            continue;
        }
        insta::assert_snapshot!(format!("{name}__{}", path.replace('/', "__")), content);
    }
}

#[test]
fn fixture_rest_json_http_bindings_of_every_kind() {
    snapshot_fixture("rest");
}

#[test]
fn fixture_nested_structures_required_members_and_error_correction() {
    snapshot_fixture("nested");
}

#[test]
fn fixture_lists_of_strings_structures_lists_and_enums() {
    snapshot_fixture("lists");
}

#[test]
fn fixture_maps_sparse_collections_and_unit_input_output() {
    snapshot_fixture("collections");
}

#[test]
fn fixture_timestamps_documents_unions_int_enums_and_recursion() {
    snapshot_fixture("kinds");
}

#[test]
fn protocol_test_generator_output_for_request_response_and_error_cases() {
    let model = codegen::model::Model::load(&fixture("conformance.json")).unwrap();
    let suite = codegen::conformance::generate(&model, "Conformance", &Default::default()).unwrap();
    assert_eq!(
        (suite.request_cases, suite.response_cases),
        (2, 2),
        "the server-only case is left out"
    );
    insta::assert_snapshot!(
        "conformance__tests__protocol.rs",
        suite.files["tests/protocol.rs"]
    );
}

#[test]
fn fixture_enums_with_unknown_values_and_defaults() {
    snapshot_fixture("enums");
}

#[test]
fn fixture_blobs_base64_length_and_sensitive_redaction() {
    snapshot_fixture("blobs");
}

#[test]
fn fixture_constraints_on_every_number_type_and_member_overrides() {
    snapshot_fixture("constraints");
}

#[test]
fn fixture_errors_client_server_service_level_and_lowercase_message() {
    snapshot_fixture("errors");
}

#[test]
fn fixture_endpoint_rules_functions_bindings_and_tests() {
    snapshot_fixture("endpoints");
}

#[test]
fn fixture_name_collisions_with_std_types_and_keywords() {
    snapshot_fixture("collisions");
}

#[test]
fn fixture_paginators_waiters_idempotency_tokens_and_an_awsjson_input_event_stream() {
    let generated = Generator::new()
        .generate_file(&fixture("features.json"))
        .unwrap();
    // An input event stream on awsJson: sent after an `initial-request` message.
    let watch = &generated.files["src/operation/watch_things.rs"];
    assert!(watch.contains("event_sender::initial_request("), "{watch}");
    assert!(generated.files["src/types.rs"].contains("pub enum ThingEvents"));
    let manifest = &generated.files["Cargo.toml"];
    assert!(manifest.contains("\nfutures-core = ") && manifest.contains("\njmespath = "));
    snapshot_fixture("features");
    // The client is boilerplate elsewhere; here it has the waiters' methods.
    insta::assert_snapshot!("features__src__client.rs", generated.files["src/client.rs"]);
}

#[test]
fn crates_without_paginators_or_waiters_do_not_depend_on_their_crates() {
    let generated = Generator::new()
        .operations(default_operations())
        .generate_file(&default_model())
        .unwrap();
    let manifest = &generated.files["Cargo.toml"];
    assert!(!manifest.contains("futures-core"));
    // JMESPath only as the command-line client's optional dependency (`--query`).
    let jmespath: Vec<&str> = manifest
        .lines()
        .filter(|line| line.starts_with("jmespath"))
        .collect();
    assert_eq!(
        jmespath,
        [r#"jmespath = { version = "0.5", optional = true }"#]
    );
    for module in ["paginator", "idempotency"] {
        assert!(
            !generated
                .files
                .contains_key(&format!("src/runtime/{module}.rs"))
        );
    }
    // The waiter engine only for the command-line client (its `wait`, empty here).
    assert!(
        generated.files["src/lib.rs"]
            .contains("#[cfg(feature = \"cli\")]\n    pub(crate) mod waiter;"),
        "{}",
        generated.files["src/lib.rs"]
    );
}

/// The command line merges the items the `@paginated` trait names, or else the output's only
/// list or map; with several (or none) it has nothing to merge and makes one call.
#[test]
fn cli_pagination_merges_the_named_items_or_the_only_list_of_the_output() {
    let model = r#"{"smithy": "2.0", "shapes": {
        "ex#S": {"type": "service", "version": "1", "operations": [{"target": "ex#Named"}, {"target": "ex#Only"}, {"target": "ex#Two"}],
                 "traits": {"aws.protocols#awsJson1_0": {}, "aws.api#service": {"sdkId": "S"},
                            "smithy.api#paginated": {"inputToken": "NextToken", "outputToken": "NextToken"}}},
        "ex#Named": {"type": "operation", "input": {"target": "ex#In"}, "output": {"target": "ex#TwoOut"},
                     "traits": {"smithy.api#paginated": {"items": "B"}}},
        "ex#Only": {"type": "operation", "input": {"target": "ex#In"}, "output": {"target": "ex#OnlyOut"},
                    "traits": {"smithy.api#paginated": {}}},
        "ex#Two": {"type": "operation", "input": {"target": "ex#In"}, "output": {"target": "ex#TwoOut"},
                   "traits": {"smithy.api#paginated": {}}},
        "ex#In": {"type": "structure", "members": {"NextToken": {"target": "smithy.api#String"}}},
        "ex#OnlyOut": {"type": "structure", "members": {"NextToken": {"target": "smithy.api#String"},
                       "Count": {"target": "smithy.api#Integer"}, "Summaries": {"target": "ex#List"}}},
        "ex#TwoOut": {"type": "structure", "members": {"NextToken": {"target": "smithy.api#String"},
                      "A": {"target": "ex#List"}, "B": {"target": "ex#Map"}}},
        "ex#List": {"type": "list", "member": {"target": "smithy.api#String"}},
        "ex#Map": {"type": "map", "key": {"target": "smithy.api#String"}, "value": {"target": "smithy.api#String"}}
    }}"#;
    let model = codegen::model::Model::parse(std::path::Path::new("paged.json"), model).unwrap();
    let generated = Generator::new().generate(&model).unwrap();
    let cli = &generated.files["src/cli.rs"];
    let pagination = |op: &str| {
        let start = cli.find(&format!("name: \"{op}\"")).expect(op);
        let entry = &cli[start..];
        let entry = &entry[..entry.find("\n    },").expect("entry end")];
        entry[entry.find("pagination: ").expect("pagination")..].to_string()
    };
    assert!(pagination("Named").contains(r#"items: &["B"]"#), "{cli}");
    assert!(
        pagination("Only").contains(r#"items: &["Summaries"]"#),
        "{cli}"
    );
    assert!(pagination("Two").starts_with("pagination: None,"), "{cli}");
}

/// A one-character change to a pattern in the model is a few-line change in the generated
/// crate: the pattern's doc line, its source string and the one step that changed (an
/// automaton's counts above four are bounds, not states: see the automaton's tests).
#[test]
fn a_one_character_pattern_change_changes_a_few_lines_of_generated_code() {
    let text = std::fs::read_to_string(default_model()).unwrap();
    let before = codegen::model::Model::parse(&default_model(), &text).unwrap();
    for (old, new) in [
        ("{0,2048}$", "{0,2047}$"),
        ("[0-9a-f]{12}$", "[0-9a-f]{13}$"),
        ("^[a-zA-Z0-9-_]+$", "^[a-zA-Z0-9-_.]+$"),
    ] {
        assert_eq!(text.matches(old).count(), 1, "{old}");
        let changed = text.replace(old, new);
        let after = codegen::model::Model::parse(&default_model(), &changed).unwrap();
        let generate = |model: &codegen::model::Model| {
            Generator::new()
                .operations(default_operations())
                .generate(model)
                .unwrap()
                .files
        };
        let (before, after) = (generate(&before), generate(&after));
        let mut removed = Vec::new();
        let mut added = Vec::new();
        for (path, content) in &before {
            let new = &after[path];
            let old_lines: Vec<&str> = content.lines().collect();
            let new_lines: Vec<&str> = new.lines().collect();
            removed.extend(
                old_lines
                    .iter()
                    .filter(|l| !new_lines.contains(l))
                    .map(|l| format!("{path}: {l}")),
            );
            added.extend(
                new_lines
                    .iter()
                    .filter(|l| !old_lines.contains(l))
                    .map(|l| format!("{path}: {l}")),
            );
        }
        assert!(
            !added.is_empty() && removed.len() <= 3 && added.len() <= 3,
            "{old} → {new}:\n-{}\n+{}",
            removed.join("\n-"),
            added.join("\n+")
        );
        println!("{old} → {new}: -{} +{} lines", removed.len(), added.len());
    }
}
