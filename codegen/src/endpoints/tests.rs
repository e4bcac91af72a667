use std::path::Path;

use proc_macro2::TokenStream;

use super::cases::test_name;
use super::*;

fn parser() -> Parser<'static> {
    Parser {
        file: Path::new("m.json"),
    }
}

#[test]
fn the_bundled_partitions_file_has_eight_partitions_and_compiles_their_patterns() {
    let p = Partitions::bundled().unwrap();
    let ids: Vec<&str> = p.partitions.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "aws",
            "aws-cn",
            "aws-eusc",
            "aws-iso",
            "aws-iso-b",
            "aws-iso-e",
            "aws-iso-f",
            "aws-us-gov"
        ]
    );
    let matches = |id: &str, region: &str| {
        p.partitions
            .iter()
            .find(|d| d.id == id)
            .unwrap()
            .tables
            .is_match(region)
    };
    assert!(matches("aws", "us-east-9"));
    assert!(!matches("aws", "us-gov-west-1x"));
    assert!(matches("aws-us-gov", "us-gov-west-1"));
    assert!(matches("aws-eusc", "eusc-de-east-2"));
    assert!(!matches("aws-iso", "us-isob-east-1"));
    assert_eq!(p.partitions[0].regions.len(), 35);
}

#[test]
fn bad_partitions_name_the_json_path() {
    let err = Partitions::parse(
        r#"{"partitions":[{"id":"x","regionRegex":"^x$","regions":{},"outputs":{"dnsSuffix":1}}]}"#,
        Path::new("p.json"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("p.json") && err.contains("$.partitions[0].outputs.dnsSuffix"),
        "{err}"
    );
}

#[test]
fn parameter_types_are_case_insensitive_and_checked() {
    let params = parser()
        .params(
            &serde_json::json!({
                "A": {"type": "String"}, "B": {"type": "boolean", "default": true},
                "C": {"type": "stringArray", "default": ["x"]}
            }),
            "$.p",
        )
        .unwrap();
    assert_eq!(
        params.iter().map(|p| p.ty).collect::<Vec<_>>(),
        [
            ParamType::String,
            ParamType::Boolean,
            ParamType::StringArray
        ]
    );
    let err = parser()
        .params(&serde_json::json!({"A": {"type": "integer"}}), "$.p")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("$.p.A.type") && err.contains("integer"),
        "{err}"
    );
    let err = parser()
        .params(
            &serde_json::json!({"A": {"type": "boolean", "default": "no"}}),
            "$.p",
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("$.p.A.default"), "{err}");
}

#[test]
fn templates_split_references_attributes_and_escapes() {
    assert_eq!(
        parser()
            .template("https://{Region}.{P#dnsSuffix}/{{x}}", "$")
            .unwrap(),
        [
            TemplatePart::Text("https://".into()),
            TemplatePart::Ref("Region".into(), None),
            TemplatePart::Text(".".into()),
            TemplatePart::Ref("P".into(), Some("dnsSuffix".into())),
            TemplatePart::Text("/{x}".into()),
        ]
    );
    assert!(
        parser()
            .template("{Region", "$.u")
            .unwrap_err()
            .to_string()
            .contains("$.u")
    );
}

fn compile(rules: Value) -> Result<TokenStream> {
    let params = parser().params(
        &serde_json::json!({"Region": {"type": "string"}, "Flag": {"type": "boolean", "default": false}}),
        "$.p",
    )?;
    let rules = parser().rules(&rules, "$.rules")?;
    emit_resolver(&Endpoints {
        params,
        uses_partitions: false,
        rules,
        tests: Vec::new(),
        partitions: Partitions::bundled()?,
        bindings: BTreeMap::new(),
    })
    .map(|(code, _)| code)
}

#[test]
fn unknown_functions_and_references_fail_with_their_path() {
    let err = compile(serde_json::json!([{"type": "error", "error": "x",
        "conditions": [{"fn": "aws.frobnicate", "argv": [{"ref": "Region"}]}]}]))
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("$.rules[0].conditions[0]") && err.contains("aws.frobnicate"),
        "{err}"
    );
    let err = compile(serde_json::json!([{"type": "endpoint", "conditions": [],
        "endpoint": {"url": "https://{Nope}"}}]))
    .unwrap_err()
    .to_string();
    assert!(err.contains("`Nope`"), "{err}");
    let err = compile(serde_json::json!([{"type": "endpoint", "conditions": [],
        "endpoint": {"url": "https://{Region}"}}]))
    .unwrap_err()
    .to_string();
    assert!(err.contains("may be unset"), "{err}");
    let err = compile(serde_json::json!([{"type": "loop", "conditions": []}]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("$.rules[0].type"), "{err}");
}

#[test]
fn rules_compile_to_if_chains_with_bound_parameters() {
    let code = compile(serde_json::json!([
        {"type": "endpoint", "conditions": [
            {"fn": "isSet", "argv": [{"ref": "Region"}]},
            {"fn": "booleanEquals", "argv": [{"ref": "Flag"}, true]}],
         "endpoint": {"url": "https://{Region}.example"}},
        {"type": "error", "conditions": [], "error": "none"}
    ]))
    .unwrap()
    .to_string();
    assert!(
        code.contains("let Some (region) = params . region . as_deref () && params . flag"),
        "{code}"
    );
    assert!(
        code.ends_with("Err (ResolveError :: new (\"none\"))"),
        "{code}"
    );
}

#[test]
fn client_context_params_must_be_rule_set_parameters_of_their_type() {
    let model_json = |client: Value| {
        serde_json::json!({"smithy": "2.0", "shapes": {
            "a#S": {"type": "service", "version": "1", "traits": {
                "aws.protocols#awsJson1_0": {},
                "smithy.rules#clientContextParams": client,
                "smithy.rules#endpointRuleSet": {"version": "1.0",
                    "parameters": {"Stage": {"type": "string"}},
                    "rules": [{"type": "error", "conditions": [], "error": "x"}]}}}}})
    };
    let build = |client: Value| -> Result<Option<Endpoints>> {
        let dir = std::env::temp_dir().join(format!("ccp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.json");
        std::fs::write(&path, model_json(client).to_string()).unwrap();
        let model = Model::load(&path)?;
        let krate = crate::Generator::new().build_ir(&model)?;
        build(&model, &krate, &Partitions::bundled()?)
    };
    let e = build(serde_json::json!({"Stage": {"type": "string"}}))
        .unwrap()
        .unwrap();
    assert!(e.params[0].client_context);
    let err = build(serde_json::json!({"Stage": {"type": "boolean"}}))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("smithy.rules#clientContextParams") && err.contains("Stage"),
        "{err}"
    );
    let err = build(serde_json::json!({"Other": {"type": "string"}}))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a parameter"), "{err}");
}

#[test]
fn test_names_are_readable_identifiers() {
    assert_eq!(
        test_name(7, "For region us-east-1 with FIPS enabled").to_string(),
        "case_7_for_region_us_east_1_with_fips_enabled"
    );
    assert_eq!(test_name(0, "").to_string(), "case_0");
}
