//! The generator on arbitrary small models: structurally valid Smithy JSON (shapes of every
//! kind, names that collide, shadow Rust and std names or differ only in case, random traits
//! and documentation) either generates or fails with an error; it never panics.

use codegen::model::Model;
use proptest::prelude::*;
use serde_json::{Value, json};

/// Shape and member names: Rust keywords and std names, case and underscore variants.
const NAMES: &[&str] = &[
    "Foo",
    "FooBar",
    "Foo_Bar",
    "foo_bar",
    "FOO_BAR",
    "Type",
    "type",
    "Self",
    "self",
    "Option",
    "String",
    "Box",
    "Vec",
    "Result",
    "Error",
    "FooError",
    "FooBuilder",
    "FooInput",
    "Unknown",
    "async",
    "r#x",
    "_x",
    "X2",
    "Client",
    "Config",
    "Match",
    "mod",
    "Dyn",
    "A",
    "a",
    "Abc123",
];

/// Prelude targets.
const SIMPLE: &[&str] = &[
    "smithy.api#String",
    "smithy.api#Integer",
    "smithy.api#Long",
    "smithy.api#Boolean",
    "smithy.api#Blob",
    "smithy.api#Timestamp",
    "smithy.api#Document",
    "smithy.api#Double",
    "smithy.api#Float",
    "smithy.api#Short",
    "smithy.api#Byte",
    "smithy.api#BigInteger",
    "smithy.api#Unit",
];

#[derive(Debug, Clone)]
enum Kind {
    Structure,
    Union,
    List,
    Map,
    Enum,
    IntEnum,
    String,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        3 => Just(Kind::Structure),
        1 => Just(Kind::Union),
        1 => Just(Kind::List),
        1 => Just(Kind::Map),
        1 => Just(Kind::Enum),
        1 => Just(Kind::IntEnum),
        1 => Just(Kind::String),
    ]
}

fn member_traits() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::option::of((0u64..5, 0u64..50)),
        prop::option::of(prop::sample::select(vec![
            "^[a-z]+$",
            "^\\d{3}$",
            ".*",
            "^(a|b)+$",
            "[",
            "^[^\\u0000]{2,4}$",
        ])),
        prop::option::of(any::<String>()),
    )
        .prop_map(|(required, sensitive, length, pattern, docs)| {
            let mut traits = serde_json::Map::new();
            if required {
                traits.insert("smithy.api#required".into(), json!({}));
            }
            if sensitive {
                traits.insert("smithy.api#sensitive".into(), json!({}));
            }
            if let Some((min, extra)) = length {
                traits.insert(
                    "smithy.api#length".into(),
                    json!({"min": min, "max": min + extra}),
                );
            }
            if let Some(pattern) = pattern {
                traits.insert("smithy.api#pattern".into(), json!(pattern));
            }
            if let Some(docs) = docs {
                traits.insert("smithy.api#documentation".into(), json!(docs));
            }
            Value::Object(traits)
        })
}

/// A model of `shapes` (kind, name index, member name indexes, target picks) and an operation
/// per structure pair.
fn model() -> impl Strategy<Value = Value> {
    let shape = (
        kind(),
        0..NAMES.len(),
        prop::collection::vec(
            (
                0..NAMES.len(),
                any::<prop::sample::Index>(),
                member_traits(),
            ),
            0..4,
        ),
    );
    (prop::collection::vec(shape, 1..7), 1usize..3).prop_map(|(shapes, operations)| {
        let ids: Vec<String> = shapes
            .iter()
            .enumerate()
            .map(|(i, (_, name, _))| format!("ex#{}{}", NAMES[*name].replace("r#", "R"), i))
            .collect();
        let mut all = serde_json::Map::new();
        let target = |pick: &prop::sample::Index| -> String {
            let i = pick.index(SIMPLE.len() + ids.len());
            if i < SIMPLE.len() { SIMPLE[i].to_string() } else { ids[i - SIMPLE.len()].clone() }
        };
        for (i, (kind, _, members)) in shapes.iter().enumerate() {
            let mut body = serde_json::Map::new();
            let named = |members: &[(usize, prop::sample::Index, Value)], with_target: bool| {
                let mut out = serde_json::Map::new();
                for (name, pick, traits) in members {
                    let mut member = serde_json::Map::new();
                    member.insert("target".into(), json!(if with_target { target(pick) } else { "smithy.api#Unit".to_string() }));
                    member.insert("traits".into(), traits.clone());
                    out.insert(NAMES[*name].to_string(), Value::Object(member));
                }
                Value::Object(out)
            };
            let kind_name = match kind {
                Kind::Structure => { body.insert("members".into(), named(members, true)); "structure" }
                Kind::Union => { body.insert("members".into(), named(members, true)); "union" }
                Kind::List => {
                    let pick = members.first().map(|m| target(&m.1)).unwrap_or_else(|| "smithy.api#String".into());
                    body.insert("member".into(), json!({"target": pick}));
                    "list"
                }
                Kind::Map => {
                    let pick = members.first().map(|m| target(&m.1)).unwrap_or_else(|| "smithy.api#String".into());
                    body.insert("key".into(), json!({"target": "smithy.api#String"}));
                    body.insert("value".into(), json!({"target": pick}));
                    "map"
                }
                Kind::Enum => {
                    let mut out = serde_json::Map::new();
                    for (name, _, traits) in members {
                        let mut traits = traits.as_object().cloned().unwrap_or_default();
                        traits.retain(|k, _| k == "smithy.api#documentation");
                        traits.insert("smithy.api#enumValue".into(), json!(NAMES[*name]));
                        out.insert(NAMES[*name].to_string(), json!({"target": "smithy.api#Unit", "traits": traits}));
                    }
                    body.insert("members".into(), Value::Object(out));
                    "enum"
                }
                Kind::IntEnum => {
                    let mut out = serde_json::Map::new();
                    for (n, (name, _, _)) in members.iter().enumerate() {
                        out.insert(NAMES[*name].to_string(), json!({"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": n}}));
                    }
                    body.insert("members".into(), Value::Object(out));
                    "intEnum"
                }
                Kind::String => "string",
            };
            body.insert("type".into(), json!(kind_name));
            all.insert(ids[i].clone(), Value::Object(body));
        }
        let structures: Vec<&String> = shapes
            .iter()
            .zip(&ids)
            .filter(|((kind, _, _), _)| matches!(kind, Kind::Structure))
            .map(|(_, id)| id)
            .collect();
        let mut ops = Vec::new();
        for n in 0..operations {
            let op = format!("ex#Op{n}");
            let mut body = json!({"type": "operation"});
            if let Some(input) = structures.get(n) {
                body["input"] = json!({"target": input});
            }
            if let Some(output) = structures.get(n + 1) {
                body["output"] = json!({"target": output});
            }
            all.insert(op.clone(), body);
            ops.push(json!({"target": op}));
        }
        all.insert("ex#Service".into(), json!({
            "type": "service", "version": "1", "operations": ops,
            "traits": {"aws.protocols#awsJson1_0": {}, "aws.api#service": {"sdkId": "Ex"}, "aws.auth#sigv4": {"name": "ex"}}
        }));
        json!({"smithy": "2.0", "shapes": all})
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_models_generate_or_fail_cleanly(model in model()) {
        let text = model.to_string();
        if let Ok(model) = Model::parse(std::path::Path::new("arbitrary.json"), &text) {
            let _ = codegen::Generator::new().generate(&model);
        }
    }
}

/// A list or map that contains itself with no structure or union in between is not a valid
/// Smithy model; the generator says so instead of recursing forever.
#[test]
fn a_list_or_map_containing_itself_is_an_error_not_a_stack_overflow() {
    for (kind, body) in [
        (
            "list",
            json!({"type": "list", "member": {"target": "ex#Loop"}}),
        ),
        (
            "map",
            json!({"type": "map", "key": {"target": "smithy.api#String"}, "value": {"target": "ex#Loop"}}),
        ),
    ] {
        let model = json!({"smithy": "2.0", "shapes": {
            "ex#Loop": body,
            "ex#In": {"type": "structure", "members": {"L": {"target": "ex#Loop"}}},
            "ex#Op": {"type": "operation", "input": {"target": "ex#In"}},
            "ex#Service": {"type": "service", "version": "1", "operations": [{"target": "ex#Op"}],
                "traits": {"aws.protocols#awsJson1_0": {}, "aws.api#service": {"sdkId": "Ex"}}}
        }});
        let err = Model::parse(std::path::Path::new("loop.json"), &model.to_string())
            .map(|_| ())
            .expect_err(kind)
            .to_string();
        assert!(
            err.starts_with("loop.json: at $.shapes[\"ex#Loop\"]"),
            "{kind}: {err}"
        );
        assert!(
            err.contains(&format!("{kind} `ex#Loop` contains itself")),
            "{kind}: {err}"
        );
    }
}
