//! Select: the chosen operations and the closure of shapes they reach.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result};
use crate::model::{Model, Shape, ShapeId, ShapeKind, UNIT};

/// Which operations to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operations {
    /// Every operation the service binds, directly or through resources.
    All,
    /// Operations by shape name (`CreateFaceLivenessSession`).
    Named(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Selection {
    pub service: ShapeId,
    /// The selected operations, ordered by shape id.
    pub operations: Vec<ShapeId>,
    /// Every shape the operations reach (operations excluded, `smithy.api#Unit` excluded).
    pub shapes: BTreeSet<ShapeId>,
    /// How many places refer to each shape (operation input/output/errors and members).
    pub references: BTreeMap<ShapeId, usize>,
}

/// Every operation a service binds, by shape name.
pub fn service_operations(model: &Model, service: &Shape) -> BTreeMap<String, ShapeId> {
    let ShapeKind::Service(svc) = &service.kind else {
        return BTreeMap::new();
    };
    let mut found = BTreeMap::new();
    let mut resources: Vec<&ShapeId> = svc.resources.iter().collect();
    for op in &svc.operations {
        found.insert(op.name().to_string(), op.clone());
    }
    let mut seen = BTreeSet::new();
    while let Some(id) = resources.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let ShapeKind::Resource(r) = &model.expect(id).kind {
            for op in &r.operations {
                found.insert(op.name().to_string(), op.clone());
            }
            resources.extend(&r.resources);
        }
    }
    found
}

/// Selects `operations` of `service` (see [`Model::service`]).
pub fn select(model: &Model, service: Option<&str>, operations: &Operations) -> Result<Selection> {
    let service = model.service(service)?;
    let ShapeKind::Service(svc) = &service.kind else {
        unreachable!("Model::service returns service shapes")
    };
    let known = service_operations(model, service);
    let chosen: Vec<ShapeId> = match operations {
        Operations::All => known.values().cloned().collect(),
        Operations::Named(names) => names
            .iter()
            .map(|name| {
                known
                    .get(name)
                    .cloned()
                    .ok_or_else(|| Error::UnknownOperation {
                        name: name.clone(),
                        known: known.keys().cloned().collect(),
                    })
            })
            .collect::<Result<_>>()?,
    };
    // Every operation generates, event streams included (input, output and duplex, on every
    // protocol): nothing is left out.
    let chosen: BTreeSet<ShapeId> = chosen.into_iter().collect();

    let mut shapes = BTreeSet::new();
    let mut references: BTreeMap<ShapeId, usize> = BTreeMap::new();
    let mut queue: Vec<ShapeId> = Vec::new();
    let mut reach = |target: &ShapeId, queue: &mut Vec<ShapeId>| {
        if target.as_str() == UNIT {
            return;
        }
        *references.entry(target.clone()).or_default() += 1;
        queue.push(target.clone());
    };
    for op_id in &chosen {
        let ShapeKind::Operation(op) = &model.expect(op_id).kind else {
            return Err(Error::Unsupported {
                shape: op_id.to_string(),
                reason: "bound as an operation but is not an operation shape".into(),
            });
        };
        for target in [&op.input, &op.output]
            .into_iter()
            .chain(&op.errors)
            .chain(&svc.errors)
        {
            reach(target, &mut queue);
        }
    }
    while let Some(id) = queue.pop() {
        if !shapes.insert(id.clone()) {
            continue;
        }
        match &model.expect(&id).kind {
            ShapeKind::Structure(members) | ShapeKind::Union(members) => {
                for m in members {
                    reach(&m.target, &mut queue);
                }
            }
            ShapeKind::List(member) => reach(&member.target, &mut queue),
            ShapeKind::Map { key, value } => {
                reach(&key.target, &mut queue);
                reach(&value.target, &mut queue);
            }
            ShapeKind::Simple(_) | ShapeKind::Enum(_) | ShapeKind::IntEnum(_) => {}
            ShapeKind::Service(_) | ShapeKind::Operation(_) | ShapeKind::Resource(_) => {
                return Err(Error::Unsupported {
                    shape: id.to_string(),
                    reason: format!(
                        "a {} shape is used where a data shape is expected",
                        model.expect(&id).kind.type_name()
                    ),
                });
            }
        }
    }
    Ok(Selection {
        service: service.id.clone(),
        operations: chosen.into_iter().collect(),
        shapes,
        references,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const MODEL: &str = r#"{"smithy":"2.0","shapes":{
        "a#Svc":{"type":"service","operations":[{"target":"a#Op"}],"resources":[{"target":"a#Res"}]},
        "a#Res":{"type":"resource","read":{"target":"a#Read"}},
        "a#Op":{"type":"operation","input":{"target":"a#In"},"errors":[{"target":"a#Oops"}]},
        "a#Read":{"type":"operation"},
        "a#In":{"type":"structure","members":{"L":{"target":"a#List"}}},
        "a#List":{"type":"list","member":{"target":"a#Item"}},
        "a#Item":{"type":"structure","members":{"S":{"target":"smithy.api#String"}}},
        "a#Oops":{"type":"structure","members":{},"traits":{"smithy.api#error":"client"}},
        "a#Unused":{"type":"structure","members":{}}
    }}"#;

    fn model() -> Model {
        Model::parse(Path::new("m.json"), MODEL).unwrap()
    }

    #[test]
    fn closure_follows_inputs_errors_lists_and_members() {
        let sel = select(&model(), None, &Operations::Named(vec!["Op".into()])).unwrap();
        let names: Vec<&str> = sel.shapes.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            ["a#In", "a#Item", "a#List", "a#Oops", "smithy.api#String"]
        );
    }

    #[test]
    fn all_operations_include_resource_bound_ones() {
        let sel = select(&model(), None, &Operations::All).unwrap();
        let ops: Vec<&str> = sel.operations.iter().map(|s| s.as_str()).collect();
        assert_eq!(ops, ["a#Op", "a#Read"]);
    }

    const STREAMING: &str = r#"{"smithy":"2.0","shapes":{
        "a#Svc":{"type":"service","operations":[{"target":"a#Plain"},{"target":"a#Subscribe"},{"target":"a#Publish"}]},
        "a#Plain":{"type":"operation"},
        "a#Publish":{"type":"operation","input":{"target":"a#Out"}},
        "a#Subscribe":{"type":"operation","output":{"target":"a#Out"}},
        "a#Out":{"type":"structure","members":{"Events":{"target":"a#Events"}}},
        "a#Events":{"type":"union","members":{"Tick":{"target":"a#Tick"}},"traits":{"smithy.api#streaming":{}}},
        "a#Tick":{"type":"structure","members":{}}
    }}"#;

    #[test]
    fn on_an_rpc_protocol_input_and_output_streams_are_selected() {
        let model = Model::parse(Path::new("m.json"), STREAMING).unwrap();
        let sel = select(&model, None, &Operations::All).unwrap();
        let ops: Vec<&str> = sel.operations.iter().map(|s| s.as_str()).collect();
        assert_eq!(ops, ["a#Plain", "a#Publish", "a#Subscribe"]);
        assert!(sel.shapes.contains(&ShapeId::new("a#Events")));
        let named = select(&model, None, &Operations::Named(vec!["Publish".into()])).unwrap();
        assert!(named.shapes.contains(&ShapeId::new("a#Events")));
    }

    /// `STREAMING` as a restJson1 service with `protocol` as its protocol trait.
    fn rest_streaming(protocol: &str) -> Model {
        let text = STREAMING.replace(
            r#""a#Svc":{"type":"service","operations":[{"target":"a#Plain"},{"target":"a#Subscribe"},{"target":"a#Publish"}]}"#,
            &format!(
                r#""a#Svc":{{"type":"service","operations":[{{"target":"a#Plain"}},{{"target":"a#Subscribe"}},{{"target":"a#Publish"}}],"traits":{{"aws.protocols#restJson1":{protocol}}}}}"#
            ),
        );
        Model::parse(Path::new("m.json"), &text).unwrap()
    }

    #[test]
    fn on_restjson1_input_and_output_streams_are_selected() {
        for protocol in ["{}", r#"{"eventStreamHttp":["h2","http/1.1"]}"#] {
            let sel = select(&rest_streaming(protocol), None, &Operations::All).unwrap();
            let ops: Vec<&str> = sel.operations.iter().map(|s| s.as_str()).collect();
            assert_eq!(ops, ["a#Plain", "a#Publish", "a#Subscribe"], "{protocol}");
            assert!(sel.shapes.contains(&ShapeId::new("a#Events")));
        }
    }

    #[test]
    fn on_restjson1_streams_that_need_http2_are_selected_and_marked_as_needing_it() {
        let model = rest_streaming(r#"{"eventStreamHttp":["h2"]}"#);
        let sel = select(&model, None, &Operations::All).unwrap();
        let ops: Vec<&str> = sel.operations.iter().map(|s| s.as_str()).collect();
        assert_eq!(ops, ["a#Plain", "a#Publish", "a#Subscribe"]);
        // The mark the IR's `Operation::http2` is computed from (tested there on a full crate).
        let service = model.service(None).unwrap();
        assert!(crate::protocol::Protocol::event_streams_need_http2(service));
        // HTTP/1.1 allowed, absent, or only in the `http` list event streams default to.
        for protocol in [
            "{}",
            r#"{"eventStreamHttp":["h2","http/1.1"]}"#,
            r#"{"eventStreamHttp":[]}"#,
            r#"{"http":["h2","http/1.1"]}"#,
        ] {
            let model = rest_streaming(protocol);
            let service = model.service(None).unwrap();
            assert!(
                !crate::protocol::Protocol::event_streams_need_http2(service),
                "{protocol}"
            );
        }
        let model = rest_streaming(r#"{"http":["h2"]}"#);
        assert!(crate::protocol::Protocol::event_streams_need_http2(
            model.service(None).unwrap()
        ));
    }

    #[test]
    fn on_awsjson_streams_needing_http2_are_selected() {
        let text = STREAMING.replace(
            r#""a#Svc":{"type":"service","operations":[{"target":"a#Plain"},{"target":"a#Subscribe"},{"target":"a#Publish"}]}"#,
            r#""a#Svc":{"type":"service","operations":[{"target":"a#Plain"},{"target":"a#Subscribe"},{"target":"a#Publish"}],"traits":{"aws.protocols#awsJson1_1":{"eventStreamHttp":["h2"]}}}"#,
        );
        assert_ne!(text, STREAMING);
        let model = Model::parse(Path::new("m.json"), &text).unwrap();
        let sel = select(&model, None, &Operations::All).unwrap();
        let ops: Vec<&str> = sel.operations.iter().map(|s| s.as_str()).collect();
        assert_eq!(ops, ["a#Plain", "a#Publish", "a#Subscribe"]);
        assert!(crate::protocol::Protocol::event_streams_need_http2(
            model.service(None).unwrap()
        ));
    }

    #[test]
    fn unknown_operation_lists_known_ones() {
        let err = select(&model(), None, &Operations::Named(vec!["Nope".into()])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown operation `Nope`; the service has: Op, Read"
        );
    }
}
