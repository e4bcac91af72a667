//! What a model update means for the generated crate: the changes between two versions of a
//! model within the selected operations' shape closure, each classified as smithy-diff
//! classifies model changes (ERROR breaks existing callers or the wire, DANGER likely does,
//! WARNING may, NOTE does not) and with its effect on the crate's public API.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::error::Result;
use crate::model::{Member, Model, Shape, ShapeId, ShapeKind, Traits};
use crate::naming;
use crate::select::{Operations, select};

/// How much a change matters to the crate's users, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Note,
    Warning,
    Danger,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "NOTE",
            Severity::Warning => "WARNING",
            Severity::Danger => "DANGER",
            Severity::Error => "ERROR",
        })
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub severity: Severity,
    /// The shape or member (`com.example#Foo$bar`).
    pub subject: String,
    /// What changed in the model.
    pub what: String,
    /// Its effect on the generated crate's API, and whether that needs a major version.
    pub rust: String,
    pub major: bool,
}

/// Everything two models differ in, for the selected operations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub changes: Vec<Change>,
    /// Shapes whose documentation alone changed.
    pub documentation_only: usize,
    /// The endpoint rule set changed: (old, new) number of endpoint tests.
    pub endpoint_rules: Option<(usize, usize)>,
}

impl Report {
    /// Whether the crate needs a new major version.
    pub fn major(&self) -> bool {
        self.changes.iter().any(|c| c.major)
    }

    /// The report as Markdown, for a pull request.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        if self.changes.is_empty() {
            out.push_str("No API change.\n");
        } else {
            out.push_str(&format!(
                "{} change{}; the crate needs a {} version.\n\n",
                self.changes.len(),
                if self.changes.len() == 1 { "" } else { "s" },
                if self.major() { "major" } else { "minor" }
            ));
            out.push_str("| severity | shape | change | generated crate |\n|---|---|---|---|\n");
            for c in &self.changes {
                out.push_str(&format!(
                    "| {} | `{}` | {} | {}{} |\n",
                    c.severity,
                    c.subject,
                    c.what,
                    c.rust,
                    if c.major { " (major)" } else { "" }
                ));
            }
        }
        if let Some((old, new)) = self.endpoint_rules {
            out.push_str(&format!(
                "\nThe endpoint rule set changed ({old} → {new} endpoint tests).\n"
            ));
        }
        if self.documentation_only > 0 {
            out.push_str(&format!(
                "\nDocumentation changed on {} shape{}.\n",
                self.documentation_only,
                if self.documentation_only == 1 {
                    ""
                } else {
                    "s"
                }
            ));
        }
        out
    }
}

/// The changes from `old` to `new` within the shape closure of `operations` (in either model;
/// an operation in one model only is reported as added or removed).
pub fn diff(
    old: &Model,
    new: &Model,
    service: Option<&str>,
    operations: &Operations,
) -> Result<Report> {
    let old_side = Side::new(old, service, operations)?;
    let new_side = Side::new(new, service, operations)?;
    let mut report = Report::default();
    let mut push = |severity, subject: &dyn fmt::Display, what: String, rust: String, major| {
        report.changes.push(Change {
            severity,
            subject: subject.to_string(),
            what,
            rust,
            major,
        });
    };

    for id in old_side.operations.difference(&new_side.operations) {
        let method = naming::snake(id.name());
        push(
            Severity::Error,
            id,
            "operation removed".into(),
            format!("`Client::{method}` and module `operation::{method}` removed"),
            true,
        );
    }
    for id in new_side.operations.difference(&old_side.operations) {
        let method = naming::snake(id.name());
        push(
            Severity::Note,
            id,
            "operation added".into(),
            format!("`Client::{method}` and module `operation::{method}` added"),
            false,
        );
    }
    for id in old_side.shapes.difference(&new_side.shapes) {
        if let Some(rust) = old_side.paths.get(id) {
            push(
                Severity::Error,
                id,
                "shape removed".into(),
                format!("`{rust}` removed"),
                true,
            );
        }
    }
    for id in new_side.shapes.difference(&old_side.shapes) {
        if let Some(rust) = new_side.paths.get(id) {
            push(
                Severity::Note,
                id,
                "shape added".into(),
                format!("`{rust}` added"),
                false,
            );
        }
    }
    let mut documentation_only = 0;
    for id in old_side.shapes.intersection(&new_side.shapes) {
        let (before, after) = (old.expect(id), new.expect(id));
        let ty = new_side
            .paths
            .get(id)
            .cloned()
            .unwrap_or_else(|| naming::type_name(id.name()));
        let found = shape_changes(before, after, new_side.input.contains(id), &ty);
        if found.is_empty() && before.traits.documentation != after.traits.documentation {
            documentation_only += 1;
        }
        for (severity, subject, what, rust, major) in found {
            push(severity, &subject, what, rust, major);
        }
    }
    for id in old_side.operations.intersection(&new_side.operations) {
        let (ShapeKind::Operation(before), ShapeKind::Operation(after)) =
            (&old.expect(id).kind, &new.expect(id).kind)
        else {
            continue;
        };
        let error_enum = format!("{}Error", naming::type_name(id.name()));
        for (side, a, b) in [
            ("input", &before.input, &after.input),
            ("output", &before.output, &after.output),
        ] {
            if a != b {
                push(
                    Severity::Error,
                    id,
                    format!("{side} changed from `{a}` to `{b}`"),
                    format!("the operation's {side} type changed"),
                    true,
                );
            }
        }
        let (a, b): (BTreeSet<_>, BTreeSet<_>) = (
            before.errors.iter().collect(),
            after.errors.iter().collect(),
        );
        for e in b.difference(&a) {
            push(
                Severity::Note,
                id,
                format!("error `{e}` added"),
                format!(
                    "variant `{error_enum}::{}` added (`#[non_exhaustive]`)",
                    naming::type_name(e.name())
                ),
                false,
            );
        }
        for e in a.difference(&b) {
            push(
                Severity::Warning,
                id,
                format!("error `{e}` removed"),
                format!(
                    "variant `{error_enum}::{}` removed",
                    naming::type_name(e.name())
                ),
                true,
            );
        }
        let (wa, wb) = (
            waiters(&old.expect(id).traits),
            waiters(&new.expect(id).traits),
        );
        for w in wb.difference(&wa) {
            push(
                Severity::Note,
                id,
                format!("waiter `{w}` added"),
                format!("`Client::wait_until_{}` added", naming::snake(w)),
                false,
            );
        }
        for w in wa.difference(&wb) {
            push(
                Severity::Error,
                id,
                format!("waiter `{w}` removed"),
                format!("`Client::wait_until_{}` removed", naming::snake(w)),
                true,
            );
        }
        let (pa, pb) = (
            old.expect(id).traits.raw.get("smithy.api#paginated"),
            new.expect(id).traits.raw.get("smithy.api#paginated"),
        );
        if pa != pb {
            let (severity, what, major) = match (pa, pb) {
                (None, Some(_)) => (Severity::Note, "now paginated", false),
                (Some(_), None) => (Severity::Error, "no longer paginated", true),
                _ => (Severity::Danger, "pagination changed", false),
            };
            push(
                severity,
                id,
                what.into(),
                format!("paginator `{}Paginator`", naming::type_name(id.name())),
                major,
            );
        }
    }
    report.documentation_only = documentation_only;
    let rules = |m: &Model, side: &Side| {
        let service = m.expect(&side.service);
        (
            service
                .traits
                .raw
                .get("smithy.rules#endpointRuleSet")
                .cloned(),
            service
                .traits
                .raw
                .get("smithy.rules#endpointTests")
                .and_then(|t| t.get("testCases"))
                .and_then(Value::as_array)
                .map_or(0, Vec::len),
        )
    };
    let (before, after) = (rules(old, &old_side), rules(new, &new_side));
    if before != after {
        report.endpoint_rules = Some((before.1, after.1));
    }
    report.changes.sort_by(|a, b| {
        (std::cmp::Reverse(a.severity), &a.subject, &a.what).cmp(&(
            std::cmp::Reverse(b.severity),
            &b.subject,
            &b.what,
        ))
    });
    Ok(report)
}

/// One model's selection: its operations and the shapes they reach, and which of those an
/// input reaches.
struct Side {
    service: ShapeId,
    operations: BTreeSet<ShapeId>,
    shapes: BTreeSet<ShapeId>,
    input: BTreeSet<ShapeId>,
    /// The generated type's path in the crate (`types::Foo`, `operation::get::GetInput`),
    /// for the shapes that have a type of their own.
    paths: BTreeMap<ShapeId, String>,
}

impl Side {
    fn new(model: &Model, service: Option<&str>, operations: &Operations) -> Result<Side> {
        // Named operations the model does not have are added or removed ones, not errors.
        let service_shape = model.service(service)?;
        let operations = match operations {
            Operations::Named(names) => {
                let ShapeKind::Service(svc) = &service_shape.kind else {
                    unreachable!("Model::service returns services")
                };
                Operations::Named(
                    names
                        .iter()
                        .filter(|n| svc.operations.iter().any(|o| o.name() == n.as_str()))
                        .cloned()
                        .collect(),
                )
            }
            all => all.clone(),
        };
        let selection = select(model, Some(service_shape.id.as_str()), &operations)?;
        let mut input = BTreeSet::new();
        for op in &selection.operations {
            if let ShapeKind::Operation(o) = &model.expect(op).kind {
                reach(model, &o.input, &mut input);
            }
        }
        // Where the generator places each type: an error in `error`, an input or output used
        // by one operation alone in that operation's module, the rest in `types`.
        let mut own: BTreeMap<&ShapeId, String> = BTreeMap::new();
        for op in &selection.operations {
            if let ShapeKind::Operation(o) = &model.expect(op).kind {
                for io in [&o.input, &o.output] {
                    if selection.references.get(io) == Some(&1) {
                        own.insert(io, format!("operation::{}", naming::snake(op.name())));
                    }
                }
            }
        }
        let paths = selection
            .shapes
            .iter()
            .filter_map(|id| {
                let shape = model.expect(id);
                let name = type_name(shape)?;
                let module = if shape.traits.error.is_some() {
                    "error".to_string()
                } else {
                    own.get(id).cloned().unwrap_or_else(|| "types".into())
                };
                Some((id.clone(), format!("{module}::{name}")))
            })
            .collect();
        Ok(Side {
            service: selection.service.clone(),
            operations: selection.operations.iter().cloned().collect(),
            shapes: selection.shapes,
            input,
            paths,
        })
    }
}

fn reach(model: &Model, id: &ShapeId, seen: &mut BTreeSet<ShapeId>) {
    if !seen.insert(id.clone()) {
        return;
    }
    if let Some(shape) = model.shape(id) {
        for member in members(shape) {
            reach(model, &member.target, seen);
        }
    }
}

fn members(shape: &Shape) -> Vec<&Member> {
    match &shape.kind {
        ShapeKind::Structure(m) | ShapeKind::Union(m) => m.iter().collect(),
        ShapeKind::List(m) => vec![m.as_ref()],
        ShapeKind::Map { key, value } => vec![key.as_ref(), value.as_ref()],
        _ => Vec::new(),
    }
}

/// The generated type of a shape, if it has one of its own.
fn type_name(shape: &Shape) -> Option<String> {
    match shape.kind {
        ShapeKind::Structure(_)
        | ShapeKind::Union(_)
        | ShapeKind::Enum(_)
        | ShapeKind::IntEnum(_) => Some(naming::type_name(shape.id.name())),
        _ => None,
    }
}

fn waiters(traits: &Traits) -> BTreeSet<String> {
    traits
        .waitable
        .iter()
        .flat_map(|w| w.keys().cloned())
        .collect()
}

type Found = (Severity, String, String, String, bool);

/// The changes of a shape present in both models; `input`: reachable from an input; `ty`: its
/// generated type's path (`types::Foo`).
fn shape_changes(before: &Shape, after: &Shape, input: bool, ty: &str) -> Vec<Found> {
    let id = before.id.to_string();
    let mut out: Vec<Found> = Vec::new();
    if before.kind.type_name() != after.kind.type_name() {
        out.push((
            Severity::Error,
            id,
            format!(
                "changed from {} to {}",
                before.kind.type_name(),
                after.kind.type_name()
            ),
            format!("`{ty}` changed kind"),
            true,
        ));
        return out;
    }
    constraint_changes(&id, &before.traits, &after.traits, &mut out);
    match (&before.kind, &after.kind) {
        (ShapeKind::Enum(a), ShapeKind::Enum(b))
        | (ShapeKind::IntEnum(a), ShapeKind::IntEnum(b)) => {
            let names = |m: &[Member]| m.iter().map(|m| m.name.clone()).collect::<BTreeSet<_>>();
            let (a, b) = (names(a), names(b));
            for v in b.difference(&a) {
                out.push((
                    Severity::Note,
                    id.clone(),
                    format!("value `{v}` added"),
                    format!(
                        "variant `{ty}::{}` added (`#[non_exhaustive]`)",
                        naming::variant(v)
                    ),
                    false,
                ));
            }
            for v in a.difference(&b) {
                out.push((
                    Severity::Error,
                    id.clone(),
                    format!("value `{v}` removed"),
                    format!("variant `{ty}::{}` removed", naming::variant(v)),
                    true,
                ));
            }
        }
        (ShapeKind::Structure(a), ShapeKind::Structure(b))
        | (ShapeKind::Union(a), ShapeKind::Union(b)) => {
            let union = matches!(before.kind, ShapeKind::Union(_));
            let by_name = |m: &[Member]| -> BTreeMap<String, Member> {
                m.iter().map(|m| (m.name.clone(), m.clone())).collect()
            };
            let (a, b) = (by_name(a), by_name(b));
            for (name, m) in &b {
                let subject = format!("{id}${name}");
                let field = naming::snake(name);
                let Some(old) = a.get(name) else {
                    let (severity, rust, major) = if union {
                        (
                            Severity::Note,
                            format!("variant `{ty}::{}` added", naming::variant(name)),
                            false,
                        )
                    } else if input && m.traits.required && m.traits.default.is_none() {
                        (
                            Severity::Error,
                            format!("required field `{ty}::{field}` added: callers must set it"),
                            true,
                        )
                    } else {
                        (
                            Severity::Note,
                            format!(
                                "field `{ty}::{field}` and its builder methods added (`#[non_exhaustive]`)"
                            ),
                            false,
                        )
                    };
                    out.push((severity, subject, "member added".into(), rust, major));
                    continue;
                };
                if old.target != m.target {
                    out.push((
                        Severity::Error,
                        subject.clone(),
                        format!("target changed from `{}` to `{}`", old.target, m.target),
                        format!("`{ty}::{field}` changed type"),
                        true,
                    ));
                }
                match (old.traits.required, m.traits.required) {
                    (false, true) => out.push((
                        if input {
                            Severity::Error
                        } else {
                            Severity::Note
                        },
                        subject.clone(),
                        "now @required".into(),
                        format!("`{ty}::{field}` is no longer an `Option`"),
                        true,
                    )),
                    (true, false) => out.push((
                        if input {
                            Severity::Note
                        } else {
                            Severity::Danger
                        },
                        subject.clone(),
                        "no longer @required".into(),
                        format!("`{ty}::{field}` becomes an `Option`"),
                        true,
                    )),
                    _ => {}
                }
                if old.traits.default != m.traits.default {
                    out.push((
                        Severity::Danger,
                        subject.clone(),
                        format!(
                            "@default changed from {} to {}",
                            show(&old.traits.default),
                            show(&m.traits.default)
                        ),
                        "the value an unset member takes changed".into(),
                        false,
                    ));
                }
                for (name, was, is, severity) in [
                    (
                        "@sensitive",
                        old.traits.sensitive,
                        m.traits.sensitive,
                        Severity::Warning,
                    ),
                    (
                        "@idempotencyToken",
                        old.traits.idempotency_token,
                        m.traits.idempotency_token,
                        Severity::Warning,
                    ),
                    (
                        "@deprecated",
                        old.traits.raw.contains_key("smithy.api#deprecated"),
                        m.traits.raw.contains_key("smithy.api#deprecated"),
                        Severity::Note,
                    ),
                ] {
                    if was != is {
                        out.push((
                            severity,
                            subject.clone(),
                            format!("{name} {}", if is { "added" } else { "removed" }),
                            "behaviour only, no API change".into(),
                            false,
                        ));
                    }
                }
                constraint_changes(&subject, &old.traits, &m.traits, &mut out);
            }
            for name in a.keys().filter(|n| !b.contains_key(*n)) {
                let rust = if union {
                    format!("variant `{ty}::{}` removed", naming::variant(name))
                } else {
                    format!(
                        "field `{ty}::{}` and its builder methods removed",
                        naming::snake(name)
                    )
                };
                out.push((
                    Severity::Error,
                    format!("{id}${name}"),
                    "member removed".into(),
                    rust,
                    true,
                ));
            }
        }
        _ => {}
    }
    for (name, was, is) in [
        (
            "@sensitive",
            before.traits.sensitive,
            after.traits.sensitive,
        ),
        (
            "@deprecated",
            before.traits.raw.contains_key("smithy.api#deprecated"),
            after.traits.raw.contains_key("smithy.api#deprecated"),
        ),
    ] {
        if was != is {
            out.push((
                if name == "@sensitive" {
                    Severity::Warning
                } else {
                    Severity::Note
                },
                before.id.to_string(),
                format!("{name} {}", if is { "added" } else { "removed" }),
                "behaviour only, no API change".into(),
                false,
            ));
        }
    }
    out
}

/// `@length`, `@range` and `@pattern` narrowed (DANGER: values accepted before are refused
/// now), widened (NOTE) or changed.
fn constraint_changes(subject: &str, before: &Traits, after: &Traits, out: &mut Vec<Found>) {
    for (name, a, b) in [
        ("@length", before.length, after.length),
        ("@range", before.range, after.range),
    ] {
        if a == b {
            continue;
        }
        let (amin, amax) = a.map_or((None, None), |b| (b.min, b.max));
        let (bmin, bmax) = b.map_or((None, None), |b| (b.min, b.max));
        let narrower = bmin.unwrap_or(f64::MIN) > amin.unwrap_or(f64::MIN)
            || bmax.unwrap_or(f64::MAX) < amax.unwrap_or(f64::MAX);
        let (severity, how) = if narrower {
            (Severity::Danger, "narrowed")
        } else {
            (Severity::Note, "widened")
        };
        out.push((
            severity,
            subject.to_string(),
            format!(
                "{name} {how}: {} to {}",
                bounds(amin, amax),
                bounds(bmin, bmax)
            ),
            "client-side validation changed".into(),
            false,
        ));
    }
    if before.pattern != after.pattern {
        out.push((
            Severity::Danger,
            subject.to_string(),
            format!(
                "@pattern changed from {} to {}",
                show_text(&before.pattern),
                show_text(&after.pattern)
            ),
            "client-side validation changed".into(),
            false,
        ));
    }
}

fn bounds(min: Option<f64>, max: Option<f64>) -> String {
    let end = |v: Option<f64>| v.map_or("_".to_string(), |v| v.to_string());
    format!("[{}, {}]", end(min), end(max))
}

fn show(value: &Option<Value>) -> String {
    value.as_ref().map_or("none".into(), |v| format!("`{v}`"))
}

fn show_text(value: &Option<String>) -> String {
    value.as_ref().map_or("none".into(), |v| format!("`{v}`"))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::{Value, json};

    use super::*;

    /// A small service: `Get` takes `GetInput` (`Name`, a bounded string; `Kind`, an enum) and
    /// returns `GetOutput` (`Id`, required; `Tags`, a list).
    fn base() -> Value {
        json!({"smithy": "2.0", "shapes": {
            "a.b#Svc": {"type": "service", "version": "1", "operations": [{"target": "a.b#Get"}],
                "traits": {"aws.protocols#awsJson1_1": {}}},
            "a.b#Get": {"type": "operation", "input": {"target": "a.b#GetInput"},
                "output": {"target": "a.b#GetOutput"}, "errors": [{"target": "a.b#Oops"}]},
            "a.b#GetInput": {"type": "structure", "members": {
                "Name": {"target": "a.b#Name"},
                "Kind": {"target": "a.b#Kind"}}},
            "a.b#GetOutput": {"type": "structure", "members": {
                "Id": {"target": "smithy.api#String", "traits": {"smithy.api#required": {}}},
                "Tags": {"target": "a.b#Tags"}}},
            "a.b#Name": {"type": "string", "traits": {"smithy.api#length": {"min": 1, "max": 10}}},
            "a.b#Kind": {"type": "enum", "members": {
                "A": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "a"}},
                "B": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "b"}}}},
            "a.b#Tags": {"type": "list", "member": {"target": "smithy.api#String"}},
            "a.b#Oops": {"type": "structure", "members": {}, "traits": {"smithy.api#error": "client"}},
            "a.b#Other": {"type": "structure", "members": {}, "traits": {"smithy.api#error": "server"}}
        }})
    }

    fn load(value: &Value) -> Model {
        Model::parse(Path::new("m.json"), &value.to_string()).expect("a valid model")
    }

    /// The report of `change` applied to the base model, one line per change.
    fn changes(change: impl FnOnce(&mut Value)) -> Vec<String> {
        let mut new = base();
        change(&mut new);
        let report = diff(&load(&base()), &load(&new), None, &Operations::All).expect("diff");
        report
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{} {} {}{}",
                    c.severity,
                    c.subject,
                    c.what,
                    if c.major { " (major)" } else { "" }
                )
            })
            .collect()
    }

    fn shapes(model: &mut Value) -> &mut serde_json::Map<String, Value> {
        model["shapes"].as_object_mut().expect("shapes")
    }

    #[test]
    fn an_added_operation_is_a_note() {
        let found = changes(|m| {
            shapes(m).insert("a.b#Put".into(), json!({"type": "operation"}));
            m["shapes"]["a.b#Svc"]["operations"]
                .as_array_mut()
                .unwrap()
                .push(json!({"target": "a.b#Put"}));
        });
        assert!(
            found.contains(&"NOTE a.b#Put operation added".to_string()),
            "{found:?}"
        );
    }

    #[test]
    fn a_removed_operation_is_an_error() {
        let found = changes(|m| {
            m["shapes"]["a.b#Svc"]["operations"] = json!([]);
        });
        assert!(
            found.contains(&"ERROR a.b#Get operation removed (major)".to_string()),
            "{found:?}"
        );
    }

    #[test]
    fn a_required_input_member_added_is_an_error() {
        let found = changes(|m| {
            m["shapes"]["a.b#GetInput"]["members"]["Must"] =
                json!({"target": "smithy.api#String", "traits": {"smithy.api#required": {}}});
        });
        assert_eq!(found, ["ERROR a.b#GetInput$Must member added (major)"]);
    }

    #[test]
    fn an_optional_member_added_is_a_note() {
        let found = changes(|m| {
            m["shapes"]["a.b#GetOutput"]["members"]["More"] =
                json!({"target": "smithy.api#String"});
        });
        assert_eq!(found, ["NOTE a.b#GetOutput$More member added"]);
    }

    #[test]
    fn a_removed_member_is_an_error() {
        let found = changes(|m| {
            m["shapes"]["a.b#GetOutput"]["members"]
                .as_object_mut()
                .unwrap()
                .remove("Tags");
        });
        assert_eq!(found, ["ERROR a.b#GetOutput$Tags member removed (major)"]);
    }

    #[test]
    fn a_changed_member_target_is_an_error() {
        let found = changes(|m| {
            m["shapes"]["a.b#GetOutput"]["members"]["Id"]["target"] = json!("smithy.api#Integer");
        });
        assert_eq!(
            found,
            [
                "ERROR a.b#GetOutput$Id target changed from `smithy.api#String` to `smithy.api#Integer` (major)"
            ]
        );
    }

    #[test]
    fn required_removed_from_an_output_member_is_a_danger() {
        let found = changes(|m| {
            m["shapes"]["a.b#GetOutput"]["members"]["Id"]["traits"] = json!({});
        });
        assert_eq!(
            found,
            ["DANGER a.b#GetOutput$Id no longer @required (major)"]
        );
    }

    #[test]
    fn required_added_to_an_input_member_is_an_error() {
        let found = changes(|m| {
            m["shapes"]["a.b#GetInput"]["members"]["Name"]["traits"] =
                json!({"smithy.api#required": {}});
        });
        assert_eq!(found, ["ERROR a.b#GetInput$Name now @required (major)"]);
    }

    #[test]
    fn a_changed_default_is_a_danger() {
        let found = changes(|m| {
            m["shapes"]["a.b#GetOutput"]["members"]["Tags"]["traits"] =
                json!({"smithy.api#default": []});
        });
        assert_eq!(
            found,
            ["DANGER a.b#GetOutput$Tags @default changed from none to `[]`"]
        );
    }

    #[test]
    fn a_narrowed_length_is_a_danger_and_a_widened_one_a_note() {
        let narrowed = changes(|m| {
            m["shapes"]["a.b#Name"]["traits"]["smithy.api#length"] = json!({"min": 1, "max": 5})
        });
        assert_eq!(
            narrowed,
            ["DANGER a.b#Name @length narrowed: [1, 10] to [1, 5]"]
        );
        let widened =
            changes(|m| m["shapes"]["a.b#Name"]["traits"]["smithy.api#length"] = json!({"min": 0}));
        assert_eq!(
            widened,
            ["NOTE a.b#Name @length widened: [1, 10] to [0, _]"]
        );
    }

    #[test]
    fn a_changed_pattern_is_a_danger() {
        let found = changes(|m| {
            m["shapes"]["a.b#Name"]["traits"]["smithy.api#pattern"] = json!("^[a-z]+$")
        });
        assert_eq!(
            found,
            ["DANGER a.b#Name @pattern changed from none to `^[a-z]+$`"]
        );
    }

    #[test]
    fn sensitive_added_is_a_warning() {
        let found =
            changes(|m| m["shapes"]["a.b#Name"]["traits"]["smithy.api#sensitive"] = json!({}));
        assert_eq!(found, ["WARNING a.b#Name @sensitive added"]);
    }

    #[test]
    fn an_added_enum_value_is_a_note_and_a_removed_one_an_error() {
        let added = changes(|m| {
            m["shapes"]["a.b#Kind"]["members"]["C"] =
                json!({"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "c"}});
        });
        assert_eq!(added, ["NOTE a.b#Kind value `C` added"]);
        let removed = changes(|m| {
            m["shapes"]["a.b#Kind"]["members"]
                .as_object_mut()
                .unwrap()
                .remove("B");
        });
        assert_eq!(removed, ["ERROR a.b#Kind value `B` removed (major)"]);
    }

    #[test]
    fn an_added_error_is_a_note_and_a_removed_one_a_warning() {
        let added = changes(|m| {
            m["shapes"]["a.b#Get"]["errors"]
                .as_array_mut()
                .unwrap()
                .push(json!({"target": "a.b#Other"}));
        });
        assert_eq!(
            added,
            [
                "NOTE a.b#Get error `a.b#Other` added",
                "NOTE a.b#Other shape added"
            ]
        );
        let removed = changes(|m| m["shapes"]["a.b#Get"]["errors"] = json!([]));
        assert_eq!(
            removed,
            [
                "ERROR a.b#Oops shape removed (major)",
                "WARNING a.b#Get error `a.b#Oops` removed (major)"
            ]
        );
    }

    #[test]
    fn an_added_waiter_is_a_note() {
        let found = changes(|m| {
            m["shapes"]["a.b#Get"]["traits"] = json!({
                "smithy.waiters#waitable": {"Ready": {"acceptors": [{"state": "success", "matcher": {"success": true}}]}},
            });
        });
        assert_eq!(found, ["NOTE a.b#Get waiter `Ready` added"]);
    }

    #[test]
    fn an_endpoint_rule_change_is_counted_apart_and_documentation_is_summarised() {
        let mut new = base();
        new["shapes"]["a.b#Svc"]["traits"]["smithy.rules#endpointTests"] =
            json!({"version": "1.0", "testCases": [{}, {}]});
        new["shapes"]["a.b#Name"]["traits"]["smithy.api#documentation"] = json!("A name.");
        let report = diff(&load(&base()), &load(&new), None, &Operations::All).expect("diff");
        assert!(report.changes.is_empty(), "{:?}", report.changes);
        assert_eq!(report.endpoint_rules, Some((0, 2)));
        assert_eq!(report.documentation_only, 1);
        assert_eq!(
            report.markdown(),
            "No API change.\n\nThe endpoint rule set changed (0 → 2 endpoint tests).\n\nDocumentation changed on 1 shape.\n"
        );
    }
}
