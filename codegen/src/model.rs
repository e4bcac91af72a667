//! Load: the Smithy 2.0 JSON AST, read into typed shapes.
//!
//! Traits the generator acts on are parsed into typed fields here, so a malformed trait is
//! reported with its file and JSON path at load time; every other trait is kept as raw JSON.
//! Shapes are kept in a `BTreeMap` (deterministic order); members keep model order, which is
//! the order the wire format writes them in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// An absolute shape id, `namespace#Name`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShapeId(String);

impl ShapeId {
    pub fn new(id: impl Into<String>) -> Self {
        ShapeId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after `#`.
    pub fn name(&self) -> &str {
        self.0
            .rsplit_once('#')
            .map_or(self.0.as_str(), |(_, name)| name)
    }

    pub fn namespace(&self) -> &str {
        self.0.split_once('#').map_or("", |(ns, _)| ns)
    }
}

impl std::fmt::Display for ShapeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone)]
pub struct Model {
    pub file: PathBuf,
    pub shapes: BTreeMap<ShapeId, Shape>,
    /// What the loader tolerated (unknown fields of known traits, traits from outside Smithy's
    /// and AWS's namespaces), one line per trait and field, in order.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Shape {
    pub id: ShapeId,
    pub kind: ShapeKind,
    pub traits: Traits,
    /// Mixins as written; `Model::parse` has already copied their members and traits in.
    pub mixins: Vec<ShapeId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Simple {
    Blob,
    Boolean,
    String,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Timestamp,
    Document,
}

#[derive(Debug, Clone)]
pub enum ShapeKind {
    Simple(Simple),
    Enum(Vec<Member>),
    IntEnum(Vec<Member>),
    List(Box<Member>),
    Map {
        key: Box<Member>,
        value: Box<Member>,
    },
    Structure(Vec<Member>),
    Union(Vec<Member>),
    Service(Service),
    Operation(Operation),
    Resource(Resource),
}

impl ShapeKind {
    pub fn type_name(&self) -> &'static str {
        match self {
            ShapeKind::Simple(simple) => match simple {
                Simple::Blob => "blob",
                Simple::Boolean => "boolean",
                Simple::String => "string",
                Simple::Byte => "byte",
                Simple::Short => "short",
                Simple::Integer => "integer",
                Simple::Long => "long",
                Simple::Float => "float",
                Simple::Double => "double",
                Simple::BigInteger => "bigInteger",
                Simple::BigDecimal => "bigDecimal",
                Simple::Timestamp => "timestamp",
                Simple::Document => "document",
            },
            ShapeKind::Enum(_) => "enum",
            ShapeKind::IntEnum(_) => "intEnum",
            ShapeKind::List(_) => "list",
            ShapeKind::Map { .. } => "map",
            ShapeKind::Structure(_) => "structure",
            ShapeKind::Union(_) => "union",
            ShapeKind::Service(_) => "service",
            ShapeKind::Operation(_) => "operation",
            ShapeKind::Resource(_) => "resource",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub target: ShapeId,
    pub traits: Traits,
}

#[derive(Debug, Clone, Default)]
pub struct Service {
    pub version: String,
    pub operations: Vec<ShapeId>,
    pub resources: Vec<ShapeId>,
    pub errors: Vec<ShapeId>,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub input: ShapeId,
    pub output: ShapeId,
    pub errors: Vec<ShapeId>,
}

#[derive(Debug, Clone, Default)]
pub struct Resource {
    /// Every operation the resource binds (lifecycle, `operations`, `collectionOperations`).
    pub operations: Vec<ShapeId>,
    pub resources: Vec<ShapeId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFault {
    Client,
    Server,
}

/// `@length` and `@range`: inclusive bounds, either may be absent.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// `aws.api#service`.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsService {
    pub sdk_id: String,
    pub endpoint_prefix: Option<String>,
    pub arn_namespace: Option<String>,
}

/// `smithy.api#endpoint`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointTrait {
    pub host_prefix: String,
}

/// `smithy.api#requestCompression`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct RequestCompression {
    pub encodings: Vec<String>,
}

/// `aws.protocols#awsQueryError`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsQueryError {
    pub code: String,
    pub http_response_code: Option<u16>,
}

/// `aws.auth#sigv4`.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct SigV4 {
    /// The signing name.
    pub name: String,
}

/// `smithy.api#paginated`, on an operation (or on the service, as defaults for its operations).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Paginated {
    pub input_token: Option<String>,
    pub output_token: Option<String>,
    pub page_size: Option<String>,
    pub items: Option<String>,
}

impl Paginated {
    /// These settings, with the service's for those not given.
    pub fn or(&self, defaults: Option<&Paginated>) -> Paginated {
        let Some(d) = defaults else {
            return self.clone();
        };
        Paginated {
            input_token: self.input_token.clone().or_else(|| d.input_token.clone()),
            output_token: self.output_token.clone().or_else(|| d.output_token.clone()),
            page_size: self.page_size.clone().or_else(|| d.page_size.clone()),
            items: self.items.clone().or_else(|| d.items.clone()),
        }
    }
}

/// One waiter of `smithy.waiters#waitable`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Waiter {
    pub documentation: Option<String>,
    pub acceptors: Vec<Acceptor>,
    /// Seconds; the spec's default is 2.
    pub min_delay: Option<u64>,
    /// Seconds; the spec's default is 120.
    pub max_delay: Option<u64>,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acceptor {
    pub state: AcceptorState,
    pub matcher: Matcher,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AcceptorState {
    Success,
    Failure,
    Retry,
}

/// Exactly one of the matcher kinds.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Matcher {
    Output(PathMatcher),
    InputOutput(PathMatcher),
    Success(bool),
    ErrorType(String),
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathMatcher {
    pub path: String,
    pub expected: String,
    pub comparator: Comparator,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Comparator {
    StringEquals,
    BooleanEquals,
    AllStringEquals,
    AnyStringEquals,
}

/// Traits, typed where the generator uses them; all of them are also kept raw.
#[derive(Debug, Clone, Default)]
pub struct Traits {
    pub raw: BTreeMap<String, Value>,
    pub documentation: Option<String>,
    pub required: bool,
    pub sensitive: bool,
    pub input: bool,
    pub output: bool,
    pub idempotent: bool,
    pub sparse: bool,
    pub error: Option<ErrorFault>,
    pub retryable: bool,
    pub length: Option<Bounds>,
    pub range: Option<Bounds>,
    pub pattern: Option<String>,
    pub enum_value: Option<Value>,
    pub default: Option<Value>,
    pub title: Option<String>,
    pub timestamp_format: Option<String>,
    pub aws_service: Option<AwsService>,
    pub sigv4: Option<SigV4>,
    pub endpoint: Option<EndpointTrait>,
    pub host_label: bool,
    pub client_optional: bool,
    pub request_compression: Option<RequestCompression>,
    pub aws_query_error: Option<AwsQueryError>,
    pub idempotency_token: bool,
    pub paginated: Option<Paginated>,
    /// `smithy.waiters#waitable`: waiters by name.
    pub waitable: Option<BTreeMap<String, Waiter>>,
}

pub const PRELUDE: &str = "smithy.api";
pub const UNIT: &str = "smithy.api#Unit";

impl Model {
    /// Reads and parses a model file.
    pub fn load(path: &Path) -> Result<Model> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Model::parse(path, &text)
    }

    /// Parses model text; `file` is only used in error messages.
    pub fn parse(file: &Path, text: &str) -> Result<Model> {
        let value: Value = serde_json::from_str(text).map_err(|e| Error::Syntax {
            file: file.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let loader = Loader::new(file);
        let mut model = loader.model(&value)?;
        model.warnings = loader
            .tolerated
            .into_inner()
            .into_iter()
            .map(|((name, field), at)| match field.as_str() {
                "" => format!("{}: trait `{name}` is not one the generator knows; ignored (first at {at})", file.display()),
                _ => format!("{}: trait `{name}` has a field `{field}` the generator does not know; ignored (first at {at})", file.display()),
            })
            .collect();
        model.check_targets()?;
        model.check_collection_cycles()?;
        model.apply_mixins()?;
        Ok(model)
    }

    pub fn shape(&self, id: &ShapeId) -> Option<&Shape> {
        self.shapes.get(id)
    }

    /// Looks a shape up; callers only use ids that `check_targets` has proven resolvable.
    pub fn expect(&self, id: &ShapeId) -> &Shape {
        match self.shapes.get(id) {
            Some(shape) => shape,
            None => unreachable!("shape {id} was checked at load time"),
        }
    }

    /// The service to generate: the one named by `id` (an absolute shape id or a bare name),
    /// else the model's only service.
    pub fn service(&self, id: Option<&str>) -> Result<&Shape> {
        let services: Vec<&Shape> = self
            .shapes
            .values()
            .filter(|s| matches!(s.kind, ShapeKind::Service(_)))
            .collect();
        let names = || {
            services
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let error = |message: String| Error::Model {
            file: self.file.clone(),
            json_path: "$.shapes".into(),
            message,
        };
        if let Some(wanted) = id {
            return services
                .iter()
                .find(|s| s.id.as_str() == wanted || s.id.name() == wanted)
                .copied()
                .ok_or_else(|| {
                    error(format!(
                        "no service `{wanted}`; the model defines: {}",
                        names()
                    ))
                });
        }
        match services.as_slice() {
            [one] => Ok(one),
            [] => Err(error("the model defines no service shape".into())),
            many => Err(error(format!(
                "the model defines {} services ({}); choose one with --service",
                many.len(),
                names()
            ))),
        }
    }

    /// Every shape id a shape refers to, with the context used in error messages.
    fn references(shape: &Shape) -> Vec<(String, &ShapeId)> {
        fn member_refs<'s>(owner: &ShapeId, members: &'s [Member]) -> Vec<(String, &'s ShapeId)> {
            members
                .iter()
                .map(|m| (format!("{owner}${}", m.name), &m.target))
                .collect()
        }
        match &shape.kind {
            ShapeKind::Simple(_) => Vec::new(),
            ShapeKind::Enum(members)
            | ShapeKind::IntEnum(members)
            | ShapeKind::Structure(members)
            | ShapeKind::Union(members) => member_refs(&shape.id, members),
            ShapeKind::List(member) => member_refs(&shape.id, std::slice::from_ref(member)),
            ShapeKind::Map { key, value } => vec![
                (format!("{}$key", shape.id), &key.target),
                (format!("{}$value", shape.id), &value.target),
            ],
            ShapeKind::Service(s) => s
                .operations
                .iter()
                .chain(&s.resources)
                .chain(&s.errors)
                .map(|t| (shape.id.to_string(), t))
                .collect(),
            ShapeKind::Operation(op) => std::iter::once(&op.input)
                .chain(std::iter::once(&op.output))
                .chain(&op.errors)
                .map(|t| (shape.id.to_string(), t))
                .collect(),
            ShapeKind::Resource(r) => r
                .operations
                .iter()
                .chain(&r.resources)
                .map(|t| (shape.id.to_string(), t))
                .collect(),
        }
    }

    /// Copies mixin members and traits into the shapes that use them: mixin members first, in
    /// mixin order, then the shape's own (a re-declared member keeps the mixin's target and adds
    /// its traits); shape traits are inherited except `@mixin` and its `localTraits`.
    fn apply_mixins(&mut self) -> Result<()> {
        let ids: Vec<ShapeId> = self
            .shapes
            .values()
            .filter(|s| !s.mixins.is_empty())
            .map(|s| s.id.clone())
            .collect();
        let mut done = std::collections::BTreeSet::new();
        for id in ids {
            self.apply_mixins_to(&id, &mut done, &mut Vec::new())?;
        }
        Ok(())
    }

    fn apply_mixins_to(
        &mut self,
        id: &ShapeId,
        done: &mut std::collections::BTreeSet<ShapeId>,
        stack: &mut Vec<ShapeId>,
    ) -> Result<()> {
        if done.contains(id) {
            return Ok(());
        }
        if stack.contains(id) {
            return Err(Error::Model {
                file: self.file.clone(),
                json_path: format!("$.shapes[{:?}].mixins", id.as_str()),
                message: format!(
                    "mixins form a cycle: {}",
                    stack
                        .iter()
                        .map(ShapeId::as_str)
                        .collect::<Vec<_>>()
                        .join(" -> ")
                ),
            });
        }
        stack.push(id.clone());
        let mixins = self.expect(id).mixins.clone();
        for mixin in &mixins {
            self.apply_mixins_to(mixin, done, stack)?;
        }
        stack.pop();
        let mut inherited_members = Vec::new();
        let mut inherited_traits = BTreeMap::new();
        for mixin in &mixins {
            let source = self.expect(mixin);
            if let ShapeKind::Structure(members) | ShapeKind::Union(members) = &source.kind {
                inherited_members.extend(members.iter().cloned());
            }
            let local: Vec<String> = source
                .traits
                .raw
                .get("smithy.api#mixin")
                .and_then(|m| m.get("localTraits"))
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            for (name, value) in &source.traits.raw {
                if name != "smithy.api#mixin" && !local.contains(name) {
                    inherited_traits.insert(name.clone(), value.clone());
                }
            }
        }
        let file = self.file.clone();
        let shape = self.shapes.get_mut(id).expect("the shape exists");
        if let ShapeKind::Structure(own) | ShapeKind::Union(own) = &mut shape.kind {
            let mut merged = inherited_members;
            for member in own.drain(..) {
                match merged.iter_mut().find(|m| m.name == member.name) {
                    Some(existing) => {
                        existing.traits = merge_traits(&existing.traits, &member.traits, &file)?
                    }
                    None => merged.push(member),
                }
            }
            *own = merged;
        }
        if !inherited_traits.is_empty() {
            let own = std::mem::take(&mut shape.traits);
            let base = Loader::new(&file).traits(
                Some(&Value::Object(inherited_traits.into_iter().collect())),
                &JsonPath("$".into()),
            )?;
            shape.traits = merge_traits(&base, &own, &file)?;
        }
        done.insert(id.clone());
        Ok(())
    }

    /// A list or map may reach itself only through a structure or union (Smithy's recursion
    /// rule); a cycle of lists and maps alone has no finite value and no Rust type.
    fn check_collection_cycles(&self) -> Result<()> {
        let element = |id: &ShapeId| match self.shapes.get(id).map(|s| &s.kind) {
            Some(ShapeKind::List(member)) => Some(&member.target),
            Some(ShapeKind::Map { value, .. }) => Some(&value.target),
            _ => None,
        };
        for shape in self.shapes.values() {
            let mut next = element(&shape.id);
            // A chain longer than the number of shapes has looped (maybe not back to `shape`;
            // the loop's own members report it then).
            for _ in 0..self.shapes.len() {
                let Some(target) = next else { break };
                if *target == shape.id {
                    return Err(Error::Model {
                        file: self.file.clone(),
                        json_path: format!("$.shapes[{:?}]", shape.id.to_string()),
                        message: format!(
                            "{} `{}` contains itself with no structure or union in between (Smithy allows recursion only through those)",
                            shape.kind.type_name(),
                            shape.id
                        ),
                    });
                }
                next = element(target);
            }
        }
        Ok(())
    }

    fn check_targets(&self) -> Result<()> {
        for shape in self.shapes.values() {
            let mixins = shape
                .mixins
                .iter()
                .map(|m| (format!("{} (mixin)", shape.id), m));
            for (from, target) in Model::references(shape).into_iter().chain(mixins) {
                if !self.shapes.contains_key(target) {
                    return Err(Error::DanglingTarget {
                        file: self.file.clone(),
                        from,
                        target: target.to_string(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// A JSON path under construction, rendered only when an error is reported.
#[derive(Clone)]
struct JsonPath(String);

impl JsonPath {
    fn key(&self, key: &str) -> JsonPath {
        if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !key.is_empty() {
            JsonPath(format!("{}.{key}", self.0))
        } else {
            JsonPath(format!("{}[{key:?}]", self.0))
        }
    }

    fn index(&self, index: usize) -> JsonPath {
        JsonPath(format!("{}[{index}]", self.0))
    }
}

struct Loader<'a> {
    file: &'a Path,
    /// `(trait, field)` → where it was first seen; field `""` for a trait not known at all.
    tolerated: std::cell::RefCell<BTreeMap<(String, String), String>>,
}

impl<'a> Loader<'a> {
    fn new(file: &'a Path) -> Self {
        Loader {
            file,
            tolerated: Default::default(),
        }
    }

    fn err(&self, at: &JsonPath, message: impl Into<String>) -> Error {
        Error::Model {
            file: self.file.to_path_buf(),
            json_path: at.0.clone(),
            message: message.into(),
        }
    }

    fn object<'v>(&self, value: &'v Value, at: &JsonPath) -> Result<&'v Map<String, Value>> {
        value
            .as_object()
            .ok_or_else(|| self.err(at, format!("expected an object, found {}", kind_of(value))))
    }

    fn string<'v>(&self, value: &'v Value, at: &JsonPath) -> Result<&'v str> {
        value
            .as_str()
            .ok_or_else(|| self.err(at, format!("expected a string, found {}", kind_of(value))))
    }

    fn field<'v>(
        &self,
        object: &'v Map<String, Value>,
        key: &str,
        at: &JsonPath,
    ) -> Result<&'v Value> {
        object
            .get(key)
            .ok_or_else(|| self.err(at, format!("missing required property `{key}`")))
    }

    fn shape_id(&self, value: &Value, at: &JsonPath) -> Result<ShapeId> {
        let id = self.string(value, at)?;
        match id.split_once('#') {
            Some((ns, name)) if ns.split('.').all(is_identifier) && is_identifier(name) => {
                Ok(ShapeId::new(id))
            }
            _ => Err(self.err(
                at,
                format!(
                    "expected an absolute shape id `namespace#Name` of Smithy identifiers (letters, digits, _), found {id:?}"
                ),
            )),
        }
    }

    /// `{"target": "ns#Name"}`, as used for operation input/output and service lists.
    fn reference(&self, value: &Value, at: &JsonPath) -> Result<ShapeId> {
        let object = self.object(value, at)?;
        let target = self.field(object, "target", at)?;
        self.shape_id(target, &at.key("target"))
    }

    fn references(
        &self,
        object: &Map<String, Value>,
        key: &str,
        at: &JsonPath,
    ) -> Result<Vec<ShapeId>> {
        let Some(value) = object.get(key) else {
            return Ok(Vec::new());
        };
        let at = at.key(key);
        let items = value
            .as_array()
            .ok_or_else(|| self.err(&at, format!("expected an array, found {}", kind_of(value))))?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| self.reference(item, &at.index(i)))
            .collect()
    }

    fn model(&self, value: &Value) -> Result<Model> {
        let root = JsonPath("$".into());
        let object = self.object(value, &root)?;
        let version = self.string(self.field(object, "smithy", &root)?, &root.key("smithy"))?;
        if !(version == "2" || version.starts_with("2.")) {
            return Err(self.err(
                &root.key("smithy"),
                format!(
                    "unsupported Smithy IDL version {version:?}; this generator reads 2.0 models"
                ),
            ));
        }
        let mut shapes = BTreeMap::new();
        let shapes_at = root.key("shapes");
        if let Some(raw) = object.get("shapes") {
            for (id, shape) in self.object(raw, &shapes_at)? {
                let at = shapes_at.key(id);
                let id = self.shape_id(&Value::String(id.clone()), &at)?;
                let shape = self.shape(id.clone(), shape, &at)?;
                shapes.insert(id, shape);
            }
        }
        for (name, simple) in PRELUDE_SHAPES {
            let id = ShapeId::new(format!("{PRELUDE}#{name}"));
            let mut traits = Traits::default();
            if name.starts_with("Primitive") {
                traits.default = Some(if *simple == Some(Simple::Boolean) {
                    Value::Bool(false)
                } else {
                    Value::from(0)
                });
            }
            let kind = match simple {
                Some(simple) => ShapeKind::Simple(*simple),
                None => ShapeKind::Structure(Vec::new()),
            };
            shapes.entry(id.clone()).or_insert(Shape {
                id,
                kind,
                traits,
                mixins: Vec::new(),
            });
        }
        Ok(Model {
            file: self.file.to_path_buf(),
            shapes,
            warnings: Vec::new(),
        })
    }

    fn shape(&self, id: ShapeId, value: &Value, at: &JsonPath) -> Result<Shape> {
        let object = self.object(value, at)?;
        let kind_name = self.string(self.field(object, "type", at)?, &at.key("type"))?;
        let traits = self.traits(object.get("traits"), &at.key("traits"))?;
        let members = |this: &Self| this.members(object, at);
        let member = |this: &Self, key: &str| -> Result<Member> {
            let value = this.field(object, key, at)?;
            this.member(key, value, &at.key(key))
        };
        let simple = |s| Ok(ShapeKind::Simple(s));
        let kind = match kind_name {
            "blob" => simple(Simple::Blob),
            "boolean" => simple(Simple::Boolean),
            "string" => simple(Simple::String),
            "byte" => simple(Simple::Byte),
            "short" => simple(Simple::Short),
            "integer" => simple(Simple::Integer),
            "long" => simple(Simple::Long),
            "float" => simple(Simple::Float),
            "double" => simple(Simple::Double),
            "bigInteger" => simple(Simple::BigInteger),
            "bigDecimal" => simple(Simple::BigDecimal),
            "timestamp" => simple(Simple::Timestamp),
            "document" => simple(Simple::Document),
            "enum" => members(self).map(ShapeKind::Enum),
            "intEnum" => members(self).map(ShapeKind::IntEnum),
            "list" | "set" => member(self, "member").map(|m| ShapeKind::List(Box::new(m))),
            "map" => Ok(ShapeKind::Map {
                key: Box::new(member(self, "key")?),
                value: Box::new(member(self, "value")?),
            }),
            "structure" => members(self).map(ShapeKind::Structure),
            "union" => members(self).map(ShapeKind::Union),
            "service" => Ok(ShapeKind::Service(Service {
                version: match object.get("version") {
                    Some(v) => self.string(v, &at.key("version"))?.to_string(),
                    None => String::new(),
                },
                operations: self.references(object, "operations", at)?,
                resources: self.references(object, "resources", at)?,
                errors: self.references(object, "errors", at)?,
            })),
            "operation" => {
                let unit_or = |key: &str| -> Result<ShapeId> {
                    match object.get(key) {
                        Some(v) => self.reference(v, &at.key(key)),
                        None => Ok(ShapeId::new(UNIT)),
                    }
                };
                Ok(ShapeKind::Operation(Operation {
                    input: unit_or("input")?,
                    output: unit_or("output")?,
                    errors: self.references(object, "errors", at)?,
                }))
            }
            "resource" => {
                let mut operations = Vec::new();
                for key in ["create", "put", "read", "update", "delete", "list"] {
                    if let Some(v) = object.get(key) {
                        operations.push(self.reference(v, &at.key(key))?);
                    }
                }
                operations.extend(self.references(object, "operations", at)?);
                operations.extend(self.references(object, "collectionOperations", at)?);
                Ok(ShapeKind::Resource(Resource {
                    operations,
                    resources: self.references(object, "resources", at)?,
                }))
            }
            other => Err(self.err(&at.key("type"), format!("unknown shape type {other:?}"))),
        }?;
        let mixins = self.references(object, "mixins", at)?;
        Ok(Shape {
            id,
            kind,
            traits,
            mixins,
        })
    }

    fn members(&self, object: &Map<String, Value>, at: &JsonPath) -> Result<Vec<Member>> {
        let Some(value) = object.get("members") else {
            return Ok(Vec::new());
        };
        let at = at.key("members");
        self.object(value, &at)?
            .iter()
            .map(|(name, member)| self.member(name, member, &at.key(name)))
            .collect()
    }

    fn member(&self, name: &str, value: &Value, at: &JsonPath) -> Result<Member> {
        // Member names become Rust identifiers and unescaped JSON keys: Smithy identifiers only.
        if !is_identifier(name) {
            return Err(self.err(
                at,
                format!(
                    "member name {name:?} is not a Smithy identifier (an ASCII letter or _, then letters, digits or _)"
                ),
            ));
        }
        let object = self.object(value, at)?;
        let target = self.shape_id(self.field(object, "target", at)?, &at.key("target"))?;
        let traits = self.traits(object.get("traits"), &at.key("traits"))?;
        Ok(Member {
            name: name.to_string(),
            target,
            traits,
        })
    }

    /// A trait value with a fixed shape, read by serde; errors keep the trait's JSON path.
    /// A known trait's value. Smithy lets a trait grow fields, and real models carry fields the
    /// specification does not list (`maxResults` in a `@paginated`): an unknown top-level field
    /// is dropped with a warning; everything the generator reads is still checked strictly.
    fn typed<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
        value: &Value,
        at: &JsonPath,
    ) -> Result<T> {
        let mut value = std::borrow::Cow::Borrowed(value);
        loop {
            let error = match T::deserialize(value.as_ref()) {
                Ok(typed) => return Ok(typed),
                Err(e) => e.to_string(),
            };
            let unknown = error
                .strip_prefix("unknown field `")
                .and_then(|rest| rest.split_once('`'))
                .map(|(field, _)| field.to_string());
            match (unknown, value.as_ref()) {
                (Some(field), Value::Object(map)) if map.contains_key(&field) => {
                    let mut map = map.clone();
                    map.remove(&field);
                    self.tolerated
                        .borrow_mut()
                        .entry((name.to_string(), field))
                        .or_insert_with(|| at.0.clone());
                    value = std::borrow::Cow::Owned(Value::Object(map));
                }
                _ => return Err(self.err(at, error)),
            }
        }
    }

    fn traits(&self, value: Option<&Value>, at: &JsonPath) -> Result<Traits> {
        let mut traits = Traits::default();
        let Some(value) = value else {
            return Ok(traits);
        };
        for (name, value) in self.object(value, at)? {
            let at = at.key(name);
            match name.as_str() {
                "smithy.api#documentation" => {
                    traits.documentation = Some(self.string(value, &at)?.to_string());
                }
                "smithy.api#required" => traits.required = true,
                "smithy.api#sensitive" => traits.sensitive = true,
                "smithy.api#input" => traits.input = true,
                "smithy.api#output" => traits.output = true,
                "smithy.api#idempotent" => traits.idempotent = true,
                "smithy.api#sparse" => traits.sparse = true,
                "smithy.api#retryable" => traits.retryable = true,
                "smithy.api#error" => {
                    traits.error = Some(match self.string(value, &at)? {
                        "client" => ErrorFault::Client,
                        "server" => ErrorFault::Server,
                        other => {
                            return Err(self.err(
                                &at,
                                format!("expected \"client\" or \"server\", found {other:?}"),
                            ));
                        }
                    });
                }
                "smithy.api#length" => traits.length = Some(self.typed(name, value, &at)?),
                "smithy.api#range" => traits.range = Some(self.typed(name, value, &at)?),
                "smithy.api#title" => traits.title = Some(self.string(value, &at)?.to_string()),
                "smithy.api#timestampFormat" => {
                    let format = self.string(value, &at)?;
                    if !["epoch-seconds", "date-time", "http-date"].contains(&format) {
                        return Err(self.err(
                            &at,
                            format!("expected \"epoch-seconds\", \"date-time\" or \"http-date\", found {format:?}"),
                        ));
                    }
                    traits.timestamp_format = Some(format.to_string());
                }
                "aws.api#service" => {
                    let service: AwsService = self.typed(name, value, &at)?;
                    // The crate's name comes from it (aws.api#service: "MUST match").
                    if !is_sdk_id(&service.sdk_id) {
                        return Err(self.err(
                            &at,
                            format!(
                                "sdkId {:?} does not match ^[a-zA-Z][a-zA-Z0-9]*( [a-zA-Z0-9]+)*$",
                                service.sdk_id
                            ),
                        ));
                    }
                    traits.aws_service = Some(service);
                }
                "aws.auth#sigv4" => traits.sigv4 = Some(self.typed(name, value, &at)?),
                "smithy.api#endpoint" => traits.endpoint = Some(self.typed(name, value, &at)?),
                "smithy.api#hostLabel" => traits.host_label = true,
                "smithy.api#clientOptional" => traits.client_optional = true,
                "smithy.api#requestCompression" => {
                    traits.request_compression = Some(self.typed(name, value, &at)?)
                }
                "aws.protocols#awsQueryError" => {
                    traits.aws_query_error = Some(self.typed(name, value, &at)?)
                }
                "smithy.api#idempotencyToken" => traits.idempotency_token = true,
                "smithy.api#paginated" => traits.paginated = Some(self.typed(name, value, &at)?),
                "smithy.waiters#waitable" => traits.waitable = Some(self.typed(name, value, &at)?),
                "smithy.api#pattern" => traits.pattern = Some(self.string(value, &at)?.to_string()),
                "smithy.api#enumValue" => traits.enum_value = Some(value.clone()),
                "smithy.api#default" => traits.default = Some(value.clone()),
                // Smithy's and AWS's own traits the generator has no use for (documentation,
                // IAM, CloudFormation, other protocols' bindings) are expected; a trait from
                // any other namespace is a model's own, and worth a note.
                other if other.starts_with("smithy.") || other.starts_with("aws.") => {}
                other => {
                    self.tolerated
                        .borrow_mut()
                        .entry((other.to_string(), String::new()))
                        .or_insert_with(|| at.0.clone());
                }
            }
            traits.raw.insert(name.clone(), value.clone());
        }
        Ok(traits)
    }
}

/// `over`'s traits applied on top of `base`'s.
fn merge_traits(base: &Traits, over: &Traits, file: &Path) -> Result<Traits> {
    let mut raw: Map<String, Value> = base
        .raw
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in &over.raw {
        raw.insert(k.clone(), v.clone());
    }
    Loader::new(file).traits(Some(&Value::Object(raw)), &JsonPath("$".into()))
}

/// What `aws.api#service` allows as an `sdkId`: words of ASCII letters and digits, the first
/// starting with a letter, separated by single spaces.
fn is_sdk_id(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text
            .split(' ')
            .all(|word| !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A Smithy identifier: an ASCII letter or `_`, then ASCII letters, digits or `_` (not `_`
/// alone).
pub(crate) fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok
        && text.chars().any(|c| c != '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The prelude shapes a model may target without defining them (`None` is `Unit`).
const PRELUDE_SHAPES: &[(&str, Option<Simple>)] = &[
    ("Blob", Some(Simple::Blob)),
    ("Boolean", Some(Simple::Boolean)),
    ("String", Some(Simple::String)),
    ("Byte", Some(Simple::Byte)),
    ("Short", Some(Simple::Short)),
    ("Integer", Some(Simple::Integer)),
    ("Long", Some(Simple::Long)),
    ("Float", Some(Simple::Float)),
    ("Double", Some(Simple::Double)),
    ("BigInteger", Some(Simple::BigInteger)),
    ("BigDecimal", Some(Simple::BigDecimal)),
    ("Timestamp", Some(Simple::Timestamp)),
    ("Document", Some(Simple::Document)),
    ("PrimitiveBoolean", Some(Simple::Boolean)),
    ("PrimitiveByte", Some(Simple::Byte)),
    ("PrimitiveShort", Some(Simple::Short)),
    ("PrimitiveInteger", Some(Simple::Integer)),
    ("PrimitiveLong", Some(Simple::Long)),
    ("PrimitiveFloat", Some(Simple::Float)),
    ("PrimitiveDouble", Some(Simple::Double)),
    ("Unit", None),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_and_shape_names_must_be_smithy_identifiers() {
        for (name, model) in [
            (
                "x²",
                r#"{"smithy":"2.0","shapes":{"a.b#S":{"type":"structure","members":{"x²":{"target":"smithy.api#String"}}}}}"#,
            ),
            (
                "a\"b",
                r#"{"smithy":"2.0","shapes":{"a.b#S":{"type":"structure","members":{"a\"b":{"target":"smithy.api#String"}}}}}"#,
            ),
            (
                "1st",
                r#"{"smithy":"2.0","shapes":{"a.b#E":{"type":"enum","members":{"1st":{"target":"smithy.api#Unit"}}}}}"#,
            ),
        ] {
            let err = parse(model).unwrap_err().to_string();
            assert!(err.starts_with("m.json: at $.shapes[\"a.b#"), "{err}");
            assert!(
                err.contains(&format!("member name {name:?} is not a Smithy identifier")),
                "{err}"
            );
        }
        for id in ["a.b#Foo-Bar", "a.b#Fé", "a..b#S", "a.b#1S"] {
            let model = format!(r#"{{"smithy":"2.0","shapes":{{"{id}":{{"type":"string"}}}}}}"#);
            let err = parse(&model).unwrap_err().to_string();
            assert!(err.contains("of Smithy identifiers"), "{id}: {err}");
        }
        assert!(parse(r#"{"smithy":"2.0","shapes":{"a_1.b#_S9":{"type":"structure","members":{"_x1":{"target":"smithy.api#String"}}}}}"#).is_ok());
    }

    fn parse(text: &str) -> Result<Model> {
        Model::parse(Path::new("m.json"), text)
    }

    /// Found by `cargo xtask fuzz model`: an `sdkId` starting with digits became a crate name
    /// that is no Rust identifier, and the generator panicked building the binary's `use`.
    #[test]
    fn sdk_ids_must_match_the_traits_pattern() {
        let model = |sdk_id: &str| {
            format!(
                r#"{{"smithy":"2.0","shapes":{{"a.b#S":{{"type":"service","traits":{{"aws.api#service":{{"sdkId":{sdk_id:?}}}}}}}}}}}"#
            )
        };
        for bad in [
            "99constraints",
            "",
            " Logs",
            "Cloud  Watch",
            "Logs ",
            "Fé",
            "a-b",
            "a_b",
        ] {
            let err = parse(&model(bad)).unwrap_err().to_string();
            assert!(
                err.starts_with(r#"m.json: at $.shapes["a.b#S"].traits["aws.api#service"]"#)
                    && err.contains("does not match"),
                "{bad:?}: {err}"
            );
        }
        for good in ["Rekognition", "CloudWatch Logs", "S3", "Route 53 Domains"] {
            assert!(parse(&model(good)).is_ok(), "{good}");
        }
    }

    #[test]
    fn malformed_member_reports_file_and_json_path() {
        let err = parse(
            r#"{"smithy":"2.0","shapes":{"a.b#S":{"type":"structure","members":{"X":{"target":7}}}}}"#,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            r#"m.json: at $.shapes["a.b#S"].members.X.target: expected a string, found a number"#
        );
    }

    #[test]
    fn dangling_target_names_both_shapes() {
        let err = parse(
            r#"{"smithy":"2.0","shapes":{"a.b#S":{"type":"structure","members":{"X":{"target":"a.b#Missing"}}}}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("`a.b#S$X`") && err.contains("`a.b#Missing`"),
            "{err}"
        );
    }

    #[test]
    fn prelude_targets_resolve_without_definitions() {
        let model = parse(
            r#"{"smithy":"2.0","shapes":{"a.b#S":{"type":"structure","members":{"X":{"target":"smithy.api#String"},"Y":{"target":"smithy.api#PrimitiveInteger"}}}}}"#,
        )
        .unwrap();
        let int = model.expect(&ShapeId::new("smithy.api#PrimitiveInteger"));
        assert_eq!(int.traits.default, Some(Value::from(0)));
    }

    #[test]
    fn syntax_errors_report_line_and_column() {
        let err = parse("{\n  \"smithy\": }").unwrap_err().to_string();
        assert!(err.starts_with("m.json:2:"), "{err}");
    }

    #[test]
    fn unknown_shape_type_is_rejected_with_path() {
        let err = parse(r#"{"smithy":"2.0","shapes":{"a.b#S":{"type":"strukture"}}}"#)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            r#"m.json: at $.shapes["a.b#S"].type: unknown shape type "strukture""#
        );
    }

    /// Found by `cargo xtask sweep`: OpenSearch Serverless has `@paginated(maxResults: ..)`,
    /// Verified Permissions `@length(unit: ..)`. Unknown fields of known traits and traits from
    /// other namespaces load, each noted once; the fields the generator reads stay strict.
    #[test]
    fn unknown_trait_fields_and_foreign_traits_are_tolerated_with_one_warning_each() {
        let model = parse(
            r#"{"smithy":"2.0","shapes":{
                "a.b#S":{"type":"string","traits":{"smithy.api#length":{"min":1,"unit":"bytes"},"com.example#custom":{}}},
                "a.b#T":{"type":"string","traits":{"smithy.api#length":{"max":2,"unit":"bytes"},"com.example#custom":{"x":1},"aws.iam#iamAction":{}}}
            }}"#,
        )
        .expect("loads");
        let length = model.shapes[&ShapeId::new("a.b#S")]
            .traits
            .length
            .expect("length");
        assert_eq!((length.min, length.max), (Some(1.0), None));
        assert_eq!(
            model.warnings,
            [
                r#"m.json: trait `com.example#custom` is not one the generator knows; ignored (first at $.shapes["a.b#S"].traits["com.example#custom"])"#,
                r#"m.json: trait `smithy.api#length` has a field `unit` the generator does not know; ignored (first at $.shapes["a.b#S"].traits["smithy.api#length"])"#,
            ]
        );
        // What the generator reads is still checked.
        let err = parse(
            r#"{"smithy":"2.0","shapes":{"a.b#S":{"type":"string","traits":{"smithy.api#length":{"min":"one","unit":"bytes"}}}}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("expected f64"), "{err}");
    }

    #[test]
    fn typed_traits_report_their_path() {
        let err = parse(
            r#"{"smithy":"2.0","shapes":{"a.b#S":{"type":"string","traits":{"smithy.api#length":{"min":"one"}}}}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with(r#"m.json: at $.shapes["a.b#S"].traits["smithy.api#length"]: invalid type: string "one", expected f64"#),
            "{err}"
        );
        let err = parse(
            r#"{"smithy":"2.0","shapes":{"a.b#S":{"type":"service","traits":{"aws.auth#sigv4":{}}}}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("missing field `name`"), "{err}");
    }

    #[test]
    fn mixins_contribute_members_first_and_traits() {
        let model = parse(
            r#"{"smithy":"2.0","shapes":{
                "a.b#Base":{"type":"structure","mixins":[{"target":"a.b#Mix"}],"members":{"Own":{"target":"smithy.api#String"},"Shared":{"target":"smithy.api#String","traits":{"smithy.api#required":{}}}}},
                "a.b#Mix":{"type":"structure","members":{"Shared":{"target":"smithy.api#String"},"FromMix":{"target":"smithy.api#Integer"}},"traits":{"smithy.api#mixin":{"localTraits":["smithy.api#documentation"]},"smithy.api#documentation":"local","smithy.api#sensitive":{}}}
            }}"#,
        )
        .unwrap();
        let base = model.expect(&ShapeId::new("a.b#Base"));
        let ShapeKind::Structure(members) = &base.kind else {
            panic!("not a structure")
        };
        let names: Vec<_> = members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["Shared", "FromMix", "Own"]);
        assert!(
            members[0].traits.required,
            "the re-declared member adds its traits"
        );
        assert!(base.traits.sensitive, "shape traits are inherited");
        assert_eq!(base.traits.documentation, None, "local traits are not");
    }

    #[test]
    fn dangling_mixins_are_reported() {
        let err = parse(r#"{"smithy":"2.0","shapes":{"a.b#S":{"type":"structure","mixins":[{"target":"a.b#Gone"}]}}}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`a.b#S (mixin)`") && err.contains("`a.b#Gone`"),
            "{err}"
        );
    }

    #[test]
    fn malformed_waiters_and_paginated_traits_report_their_path() {
        let err = parse(
            r#"{"smithy":"2.0","shapes":{"a.b#Op":{"type":"operation","traits":{"smithy.waiters#waitable":{"Done":{"acceptors":[{"state":"success","matcher":{"output":{"path":"A","expected":"x","comparator":"stringEqual"}}}]}}}}}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with(r#"m.json: at $.shapes["a.b#Op"].traits["smithy.waiters#waitable"]: unknown variant `stringEqual`"#),
            "{err}"
        );
        // A misspelt field is, to a forward-compatible reader, an unknown one: it loads, and
        // the warning names it where `cargo xtask codegen` prints it.
        let model = parse(
            r#"{"smithy":"2.0","shapes":{"a.b#Op":{"type":"operation","traits":{"smithy.api#paginated":{"inputToken":"A","outputTokn":"B"}}}}}"#,
        )
        .expect("loads");
        assert!(
            model.warnings[0].contains("a field `outputTokn`"),
            "{:?}",
            model.warnings
        );
    }

    #[test]
    fn member_order_is_kept() {
        let model = parse(
            r#"{"smithy":"2.0","shapes":{"a.b#S":{"type":"structure","members":{"Z":{"target":"smithy.api#String"},"A":{"target":"smithy.api#String"}}}}}"#,
        )
        .unwrap();
        let ShapeKind::Structure(members) = &model.expect(&ShapeId::new("a.b#S")).kind else {
            panic!("not a structure")
        };
        let names: Vec<_> = members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["Z", "A"]);
    }
}

/// The model file a crate was generated from: its name and the SHA-256 of its bytes, recorded
/// in the generated manifest's `[package.metadata.codegen]` table, so a later run can tell that
/// the model changed (and `sha256sum` can confirm it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSource {
    /// The file name (`rekognition.json`), without its directory.
    pub file: String,
    /// Lower-case hex.
    pub sha256: String,
}

impl ModelSource {
    /// The manifest table that records it.
    pub fn manifest_table(&self) -> String {
        format!(
            "[package.metadata.codegen]\n\
             # The model this crate was generated from, and the SHA-256 of the file's bytes.\n\
             model = {}\n\
             model-sha256 = \"{}\"\n",
            toml_string(&self.file),
            self.sha256
        )
    }

    /// Reads the source back from a generated manifest (`None`: not recorded there).
    pub fn from_manifest(manifest: &str) -> Option<ModelSource> {
        let mut in_table = false;
        let (mut file, mut sha256) = (None, None);
        for line in manifest.lines().map(str::trim) {
            if line.starts_with('[') {
                in_table = line == "[package.metadata.codegen]";
            } else if in_table
                && let Some((key, value)) = line.split_once('=')
                && let Some(value) = value.trim().strip_prefix('"')
                && let Some(value) = value.strip_suffix('"')
            {
                match key.trim() {
                    "model" => file = Some(value.to_string()),
                    "model-sha256" => sha256 = Some(value.to_string()),
                    _ => {}
                }
            }
        }
        Some(ModelSource {
            file: file?,
            sha256: sha256.filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))?,
        })
    }
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl ModelSource {
    /// The source of a model file with these bytes.
    pub fn of(path: &Path, bytes: &[u8]) -> ModelSource {
        ModelSource {
            file: path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            sha256: Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        }
    }
}
