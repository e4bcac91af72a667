//! Endpoint rules: the service's `smithy.rules#endpointRuleSet` parsed into a typed tree
//! ([`rules`], every problem reported with its file and JSON path), the partitions file
//! ([`partitions`]), the operations' parameter bindings (here), and the generated
//! `src/endpoint.rs` ([`module`]): a `Params` struct, a `resolve` function compiled to
//! straight-line Rust ([`compile`]), the partition tables, and one test per
//! `smithy.rules#endpointTests` case ([`cases`]).

mod cases;
mod compile;
pub mod module;
pub mod partitions;
pub mod rules;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{Error, Result, model_error};
use crate::ir::{Crate, Type};
use crate::model::{Model, ShapeId, ShapeKind};
use compile::emit_resolver;
pub use module::endpoint_rs;
pub use partitions::{PartitionDef, Partitions};
pub use rules::*;

pub const RULE_SET: &str = "smithy.rules#endpointRuleSet";
pub const TESTS: &str = "smithy.rules#endpointTests";
const STATIC_CONTEXT: &str = "smithy.rules#staticContextParams";
const CONTEXT: &str = "smithy.rules#contextParam";
const OPERATION_CONTEXT: &str = "smithy.rules#operationContextParams";
const CLIENT_CONTEXT: &str = "smithy.rules#clientContextParams";

/// The endpoint rules of the crate's service, or `None` when the model has no rule set (the
/// crate then uses the regional `https://{endpointPrefix}.{region}.amazonaws.com` form).
pub fn build(model: &Model, krate: &Crate, partitions: &Partitions) -> Result<Option<Endpoints>> {
    let service = &model.shapes[&krate.service.id];
    let Some(rule_set) = service.traits.raw.get(RULE_SET) else {
        return Ok(None);
    };
    let parser = Parser { file: &model.file };
    let base = format!(
        "$.shapes[{:?}].traits[{RULE_SET:?}]",
        krate.service.id.as_str()
    );
    parser.obj(rule_set, &base)?;
    let mut params = parser.params(
        rule_set
            .get("parameters")
            .ok_or_else(|| parser.err(&format!("{base}.parameters"), "expected an object"))?,
        &format!("{base}.parameters"),
    )?;
    if let Some(client) = service.traits.raw.get(CLIENT_CONTEXT) {
        let at = format!(
            "$.shapes[{:?}].traits[{CLIENT_CONTEXT:?}]",
            krate.service.id.as_str()
        );
        for (name, declared) in parser.obj(client, &at)? {
            let here = format!("{at}.{name}");
            let ty = parser.str(declared, "type", &here)?.to_ascii_lowercase();
            let param = params
                .iter_mut()
                .find(|p| &p.name == name)
                .ok_or_else(|| parser.err(&here, "not a parameter of the endpoint rule set"))?;
            let fits = matches!(
                (ty.as_str(), param.ty),
                ("string", ParamType::String) | ("boolean", ParamType::Boolean)
            );
            if !fits || param.built_in.is_some() {
                return Err(parser.err(
                    &here,
                    "a client context parameter is a string or boolean rule-set parameter of the same type, without a built-in",
                ));
            }
            param.client_context = true;
        }
    }
    let rules = parser.rules(
        rule_set.get("rules").unwrap_or(&Value::Null),
        &format!("{base}.rules"),
    )?;
    let tests = match service.traits.raw.get(TESTS) {
        None => Vec::new(),
        Some(t) => parser.tests(
            t,
            &format!(
                "$.shapes[{:?}].traits[{TESTS:?}]",
                krate.service.id.as_str()
            ),
        )?,
    };
    let mut endpoints = Endpoints {
        params,
        uses_partitions: calls(&rules, "aws.partition"),
        rules,
        tests,
        partitions: partitions.clone(),
        bindings: BTreeMap::new(),
    };
    // Compile once here so that every problem of the rule set fails generation with its path.
    emit_resolver(&endpoints).map(drop).map_err(|e| match e {
        Error::Model {
            json_path, message, ..
        } => model_error(&model.file, &json_path, message),
        other => other,
    })?;
    for test in &endpoints.tests {
        for name in test.params.keys() {
            if !endpoints.params.iter().any(|p| &p.name == name) {
                return Err(parser.err(
                    &format!(
                        "$.shapes[{:?}].traits[{TESTS:?}]",
                        krate.service.id.as_str()
                    ),
                    format!(
                        "test case {:?} sets the undeclared parameter `{name}`",
                        test.documentation
                    ),
                ));
            }
        }
    }
    for op in &krate.operations {
        let bindings = bindings(model, krate, &endpoints.params, &op.id, &parser)?;
        if !bindings.is_empty() {
            endpoints.bindings.insert(op.name.clone(), bindings);
        }
    }
    Ok(Some(endpoints))
}

fn calls(rules: &[Rule], function: &str) -> bool {
    fn expr_calls(e: &Expr, function: &str) -> bool {
        match e {
            Expr::Fn { name, args, .. } => {
                name == function || args.iter().any(|a| expr_calls(a, function))
            }
            Expr::Array(items) => items.iter().any(|a| expr_calls(a, function)),
            _ => false,
        }
    }
    rules.iter().any(|r| {
        r.conditions().iter().any(|c| expr_calls(&c.expr, function))
            || matches!(r, Rule::Tree { rules, .. } if calls(rules, function))
    })
}

fn bindings(
    model: &Model,
    krate: &Crate,
    params: &[Param],
    op_id: &ShapeId,
    parser: &Parser<'_>,
) -> Result<Vec<Binding>> {
    let op_shape = &model.shapes[op_id];
    let ShapeKind::Operation(op) = &op_shape.kind else {
        return Ok(Vec::new());
    };
    let param = |name: &str, at: &str| -> Result<&Param> {
        params.iter().find(|p| p.name == name).ok_or_else(|| {
            parser.err(
                at,
                format!("binds `{name}`, which the rule set does not declare"),
            )
        })
    };
    let mut out = Vec::new();
    if let Some(statics) = op_shape.traits.raw.get(STATIC_CONTEXT) {
        let at = format!("$.shapes[{:?}].traits[{STATIC_CONTEXT:?}]", op_id.as_str());
        for (name, v) in parser.obj(statics, &at)? {
            let p = param(name, &at)?;
            let value = v
                .get("value")
                .cloned()
                .ok_or_else(|| parser.err(&format!("{at}.{name}.value"), "expected a value"))?;
            let fits = matches!(
                (&value, p.ty),
                (Value::String(_), ParamType::String) | (Value::Bool(_), ParamType::Boolean)
            ) || matches!((&value, p.ty), (Value::Array(a), ParamType::StringArray) if a.iter().all(Value::is_string));
            if !fits {
                return Err(parser.err(
                    &format!("{at}.{name}.value"),
                    "the value does not have the parameter's type",
                ));
            }
            out.push(Binding::Static {
                param: p.field.clone(),
                value,
            });
        }
    }
    let input = krate.structures.iter().find(|s| {
        krate
            .operations
            .iter()
            .any(|o| &o.id == op_id && o.input == s.path)
    });
    if let (Some(ShapeKind::Structure(members)), Some(input)) =
        (model.shapes.get(&op.input).map(|s| &s.kind), input)
    {
        for member in members {
            let member_name = &member.name;
            let Some(ctx) = member.traits.raw.get(CONTEXT) else {
                continue;
            };
            let at = format!(
                "$.shapes[{:?}].members[{member_name:?}].traits[{CONTEXT:?}]",
                op.input.as_str()
            );
            let name = parser.str(ctx, "name", &at)?;
            let p = param(name, &at)?;
            let Some(field) = input.fields.iter().find(|f| &f.wire == member_name) else {
                continue;
            };
            let fits = matches!(
                (&field.ty, p.ty),
                (Type::String, ParamType::String) | (Type::Bool, ParamType::Boolean)
            );
            if !fits {
                return Err(Error::Unsupported {
                    shape: op.input.to_string(),
                    reason: format!(
                        "member `{member_name}` binds endpoint parameter `{name}`, but only string members bind string parameters and boolean members boolean ones"
                    ),
                });
            }
            out.push(Binding::Member {
                param: p.field.clone(),
                field: field.ident.clone(),
                optional: field.optional,
            });
        }
        if let Some(paths) = op_shape.traits.raw.get(OPERATION_CONTEXT) {
            let at = format!(
                "$.shapes[{:?}].traits[{OPERATION_CONTEXT:?}]",
                op_id.as_str()
            );
            for (name, v) in parser.obj(paths, &at)? {
                let p = param(name, &at)?;
                let path = parser.str(v, "path", &format!("{at}.{name}"))?;
                let walk =
                    crate::context_paths::resolve(krate, input, path, p.ty).map_err(|e| {
                        parser.err(&format!("{at}.{name}.path"), format!("{path:?}: {e}"))
                    })?;
                out.push(Binding::Path {
                    param: p.field.clone(),
                    path: path.to_string(),
                    walk,
                    ty: p.ty,
                });
            }
        }
    }
    Ok(out)
}
