//! Endpoint rules: the service's `smithy.rules#endpointRuleSet` parsed into a typed tree (every
//! problem reported with its file and JSON path), the partitions file, the operations' parameter
//! bindings, and the generated `src/endpoint.rs`: a `Params` struct, a `resolve` function
//! compiled to straight-line Rust (one `if` per rule, `assign` as a `let`), the partition tables,
//! and one test per `smithy.rules#endpointTests` case.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::automaton;
use crate::emit::{ident, lines_to_docs};
use crate::error::{Error, Result};
use crate::ir::{Crate, Structure, Type};
use crate::model::{Model, ShapeId, ShapeKind};

pub const RULE_SET: &str = "smithy.rules#endpointRuleSet";
pub const TESTS: &str = "smithy.rules#endpointTests";
const STATIC_CONTEXT: &str = "smithy.rules#staticContextParams";
const CONTEXT: &str = "smithy.rules#contextParam";
const OPERATION_CONTEXT: &str = "smithy.rules#operationContextParams";
const CLIENT_CONTEXT: &str = "smithy.rules#clientContextParams";

/// The partitions file shipped with the generator (`model/partitions.json`).
const BUNDLED_PARTITIONS: &str = include_str!("../../model/partitions.json");

fn model_error(file: &Path, json_path: &str, message: impl Into<String>) -> Error {
    Error::Model {
        file: file.to_path_buf(),
        json_path: json_path.to_string(),
        message: message.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Partitions

/// The partitions `aws.partition` chooses from, in file order.
#[derive(Debug, Clone)]
pub struct Partitions {
    pub file: PathBuf,
    pub partitions: Vec<PartitionDef>,
}

#[derive(Debug, Clone)]
pub struct PartitionDef {
    pub id: String,
    pub regions: Vec<String>,
    pub region_regex: String,
    pub tables: automaton::Tables,
    pub dns_suffix: String,
    pub dual_stack_dns_suffix: String,
    pub supports_fips: bool,
    pub supports_dual_stack: bool,
    pub implicit_global_region: String,
}

impl Partitions {
    /// The generator's own `model/partitions.json`.
    pub fn bundled() -> Result<Partitions> {
        Partitions::parse(BUNDLED_PARTITIONS, Path::new("model/partitions.json"))
    }

    /// Reads a partitions file (the layout of `model/partitions.json`).
    pub fn load(path: &Path) -> Result<Partitions> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Partitions::parse(&text, path)
    }

    pub fn parse(text: &str, file: &Path) -> Result<Partitions> {
        let root: Value = serde_json::from_str(text).map_err(|e| Error::Syntax {
            file: file.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let err = |path: &str, message: &str| model_error(file, path, message);
        let list = root
            .get("partitions")
            .and_then(Value::as_array)
            .ok_or_else(|| err("$", "expected a `partitions` array"))?;
        let mut partitions = Vec::new();
        for (i, p) in list.iter().enumerate() {
            let at = format!("$.partitions[{i}]");
            let string = |obj: &Value, key: &str, at: &str| -> Result<String> {
                obj.get(key)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| err(&format!("{at}.{key}"), "expected a string"))
            };
            let boolean = |obj: &Value, key: &str, at: &str| -> Result<bool> {
                obj.get(key)
                    .and_then(Value::as_bool)
                    .ok_or_else(|| err(&format!("{at}.{key}"), "expected a boolean"))
            };
            let id = string(p, "id", &at)?;
            let region_regex = string(p, "regionRegex", &at)?;
            // The file's patterns are Java regular expressions, where `\-` outside a class is a
            // plain hyphen; ECMAScript's Unicode mode (what the automaton compiler reads)
            // rejects that escape, so it is written as the hyphen it means.
            let ecma = region_regex.replace("\\-", "-");
            let tables = automaton::compile(&ecma).map_err(|e| {
                err(
                    &format!("{at}.regionRegex"),
                    &format!("pattern {region_regex:?} cannot be compiled: {e}"),
                )
            })?;
            let regions = p
                .get("regions")
                .and_then(Value::as_object)
                .ok_or_else(|| err(&format!("{at}.regions"), "expected an object"))?
                .keys()
                .cloned()
                .collect();
            let out_at = format!("{at}.outputs");
            let outputs = p
                .get("outputs")
                .ok_or_else(|| err(&out_at, "expected an object"))?;
            partitions.push(PartitionDef {
                dns_suffix: string(outputs, "dnsSuffix", &out_at)?,
                dual_stack_dns_suffix: string(outputs, "dualStackDnsSuffix", &out_at)?,
                supports_fips: boolean(outputs, "supportsFIPS", &out_at)?,
                supports_dual_stack: boolean(outputs, "supportsDualStack", &out_at)?,
                implicit_global_region: string(outputs, "implicitGlobalRegion", &out_at)?,
                id,
                regions,
                region_regex,
                tables,
            });
        }
        Ok(Partitions {
            file: file.to_path_buf(),
            partitions,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The rule set

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    String,
    Boolean,
    StringArray,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    /// The Rust field name.
    pub field: String,
    pub ty: ParamType,
    pub built_in: Option<String>,
    pub default: Option<Value>,
    pub required: bool,
    pub docs: Option<String>,
    /// Declared in `smithy.rules#clientContextParams`: set through the client's configuration.
    pub client_context: bool,
}

impl Param {
    /// `Option<T>` in `Params` (no default).
    pub fn optional(&self) -> bool {
        self.default.is_none()
    }
}

#[derive(Debug, Clone)]
pub enum Expr {
    String(Vec<TemplatePart>),
    Bool(bool),
    Int(i64),
    Array(Vec<Expr>),
    Ref(String),
    Fn {
        name: String,
        args: Vec<Expr>,
        path: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    Text(String),
    /// `{Name}` or `{Name#path}`.
    Ref(String, Option<String>),
}

#[derive(Debug, Clone)]
pub struct Condition {
    pub expr: Expr,
    pub assign: Option<String>,
    pub path: String,
}

#[derive(Debug, Clone)]
pub enum Rule {
    Endpoint {
        conditions: Vec<Condition>,
        url: Expr,
        headers: BTreeMap<String, Vec<Expr>>,
        properties: BTreeMap<String, Value>,
        path: String,
    },
    Error {
        conditions: Vec<Condition>,
        message: Expr,
    },
    Tree {
        conditions: Vec<Condition>,
        rules: Vec<Rule>,
    },
}

impl Rule {
    fn conditions(&self) -> &[Condition] {
        match self {
            Rule::Endpoint { conditions, .. }
            | Rule::Error { conditions, .. }
            | Rule::Tree { conditions, .. } => conditions,
        }
    }
}

#[derive(Debug, Clone)]
pub struct TestCase {
    pub documentation: String,
    pub params: BTreeMap<String, Value>,
    pub expect: Expect,
}

#[derive(Debug, Clone)]
pub enum Expect {
    Endpoint {
        url: String,
        headers: BTreeMap<String, Vec<String>>,
        properties: BTreeMap<String, Value>,
    },
    Error(String),
}

/// How an operation sets a parameter.
#[derive(Debug, Clone)]
pub enum Binding {
    /// `smithy.rules#staticContextParams`: a constant.
    Static { param: String, value: Value },
    /// `smithy.rules#contextParam` on an input member (its Rust field, and whether the field
    /// is an `Option`).
    Member {
        param: String,
        field: String,
        optional: bool,
    },
    /// `smithy.rules#operationContextParams`: a JMESPath path into the input, checked when the
    /// IR is built and compiled to Rust by [`Binding::path_code`].
    Path {
        param: String,
        path: String,
        ty: ParamType,
    },
}

impl Binding {
    /// The Rust a [`Binding::Path`] compiles to. The IR holds the path rather than tokens (token
    /// streams cannot cross the formatting threads); it was compiled once when the IR was
    /// built, so compiling it again from the same input cannot fail, and if it somehow did the
    /// generated crate would not compile, naming the path.
    pub fn path_code(krate: &Crate, input: &Structure, path: &str, ty: ParamType) -> TokenStream {
        crate::jmespath::compile(krate, input, path, ty).unwrap_or_else(|e| {
            let message = format!("operationContextParams path {path:?}: {e}");
            quote!(compile_error!(#message))
        })
    }
}

/// Everything the endpoint module is generated from.
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub params: Vec<Param>,
    pub rules: Vec<Rule>,
    pub tests: Vec<TestCase>,
    pub partitions: Partitions,
    /// Per operation (model name): its bindings, in parameter order.
    pub bindings: BTreeMap<String, Vec<Binding>>,
    /// Whether any rule calls `aws.partition` (else no tables are generated).
    pub uses_partitions: bool,
}

struct Parser<'a> {
    file: &'a Path,
}

impl Parser<'_> {
    fn err(&self, path: &str, message: impl Into<String>) -> Error {
        model_error(self.file, path, message)
    }

    fn obj<'v>(&self, v: &'v Value, path: &str) -> Result<&'v serde_json::Map<String, Value>> {
        v.as_object()
            .ok_or_else(|| self.err(path, "expected an object"))
    }

    fn str<'v>(&self, v: &'v Value, key: &str, path: &str) -> Result<&'v str> {
        v.get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| self.err(&format!("{path}.{key}"), "expected a string"))
    }

    fn params(&self, v: &Value, path: &str) -> Result<Vec<Param>> {
        let mut params = Vec::new();
        for (name, p) in self.obj(v, path)? {
            let at = format!("{path}.{name}");
            self.obj(p, &at)?;
            let ty = match self.str(p, "type", &at)?.to_ascii_lowercase().as_str() {
                "string" => ParamType::String,
                "boolean" => ParamType::Boolean,
                "stringarray" => ParamType::StringArray,
                other => {
                    return Err(self.err(
                        &format!("{at}.type"),
                        format!("unknown parameter type {other:?} (expected string, boolean or stringArray)"),
                    ));
                }
            };
            let default = p.get("default").cloned();
            let fits = match (&default, ty) {
                (None, _) => true,
                (Some(Value::String(_)), ParamType::String) => true,
                (Some(Value::Bool(_)), ParamType::Boolean) => true,
                (Some(Value::Array(items)), ParamType::StringArray) => {
                    items.iter().all(Value::is_string)
                }
                _ => false,
            };
            if !fits {
                return Err(self.err(
                    &format!("{at}.default"),
                    "the default does not have the parameter's type",
                ));
            }
            if !name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(self.err(&at, "parameter names are letters, digits and `_`"));
            }
            params.push(Param {
                field: crate::naming::snake(name),
                name: name.clone(),
                ty,
                built_in: p.get("builtIn").and_then(Value::as_str).map(str::to_string),
                default,
                required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                docs: p
                    .get("documentation")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                client_context: false,
            });
        }
        let mut fields: Vec<&str> = params.iter().map(|p| p.field.as_str()).collect();
        fields.sort();
        if let Some(w) = fields.windows(2).find(|w| w[0] == w[1]) {
            return Err(self.err(path, format!("two parameters become the field `{}`", w[0])));
        }
        Ok(params)
    }

    fn rules(&self, v: &Value, path: &str) -> Result<Vec<Rule>> {
        let list = v
            .as_array()
            .ok_or_else(|| self.err(path, "expected an array of rules"))?;
        list.iter()
            .enumerate()
            .map(|(i, r)| self.rule(r, &format!("{path}[{i}]")))
            .collect()
    }

    fn rule(&self, v: &Value, path: &str) -> Result<Rule> {
        self.obj(v, path)?;
        let conditions = match v.get("conditions") {
            None => Vec::new(),
            Some(list) => list
                .as_array()
                .ok_or_else(|| self.err(&format!("{path}.conditions"), "expected an array"))?
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let at = format!("{path}.conditions[{i}]");
                    let expr = self.expr(c, &at)?;
                    if !matches!(expr, Expr::Fn { .. }) {
                        return Err(self.err(&at, "a condition is a function call"));
                    }
                    let assign = match c.get("assign") {
                        None => None,
                        Some(Value::String(name)) => Some(name.clone()),
                        Some(_) => {
                            return Err(self.err(&format!("{at}.assign"), "expected a string"));
                        }
                    };
                    Ok(Condition {
                        expr,
                        assign,
                        path: at,
                    })
                })
                .collect::<Result<_>>()?,
        };
        match self.str(v, "type", path)? {
            "endpoint" => {
                let at = format!("{path}.endpoint");
                let endpoint = v
                    .get("endpoint")
                    .ok_or_else(|| self.err(&at, "an endpoint rule needs an `endpoint`"))?;
                let url = self.expr(
                    endpoint
                        .get("url")
                        .ok_or_else(|| self.err(&format!("{at}.url"), "expected a URL"))?,
                    &format!("{at}.url"),
                )?;
                let mut headers = BTreeMap::new();
                if let Some(h) = endpoint.get("headers") {
                    for (name, values) in self.obj(h, &format!("{at}.headers"))? {
                        let hat = format!("{at}.headers.{name}");
                        let values = values
                            .as_array()
                            .ok_or_else(|| self.err(&hat, "expected an array"))?
                            .iter()
                            .enumerate()
                            .map(|(i, x)| self.expr(x, &format!("{hat}[{i}]")))
                            .collect::<Result<_>>()?;
                        headers.insert(name.clone(), values);
                    }
                }
                let properties = match endpoint.get("properties") {
                    None => BTreeMap::new(),
                    Some(p) => self
                        .obj(p, &format!("{at}.properties"))?
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                };
                Ok(Rule::Endpoint {
                    conditions,
                    url,
                    headers,
                    properties,
                    path: path.to_string(),
                })
            }
            "error" => Ok(Rule::Error {
                conditions,
                message: self.expr(
                    v.get("error")
                        .ok_or_else(|| self.err(&format!("{path}.error"), "expected a message"))?,
                    &format!("{path}.error"),
                )?,
            }),
            "tree" => Ok(Rule::Tree {
                conditions,
                rules: self.rules(
                    v.get("rules").unwrap_or(&Value::Null),
                    &format!("{path}.rules"),
                )?,
            }),
            other => Err(self.err(
                &format!("{path}.type"),
                format!("unknown rule type {other:?} (expected endpoint, error or tree)"),
            )),
        }
    }

    fn expr(&self, v: &Value, path: &str) -> Result<Expr> {
        match v {
            Value::String(s) => Ok(Expr::String(self.template(s, path)?)),
            Value::Bool(b) => Ok(Expr::Bool(*b)),
            Value::Number(n) => n
                .as_i64()
                .map(Expr::Int)
                .ok_or_else(|| self.err(path, "expected an integer")),
            Value::Array(items) => Ok(Expr::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| self.expr(x, &format!("{path}[{i}]")))
                    .collect::<Result<_>>()?,
            )),
            Value::Object(o) => {
                if let Some(r) = o.get("ref") {
                    let r = r
                        .as_str()
                        .ok_or_else(|| self.err(&format!("{path}.ref"), "expected a string"))?;
                    return Ok(Expr::Ref(r.to_string()));
                }
                let name = self.str(v, "fn", path)?;
                let args = o
                    .get("argv")
                    .and_then(Value::as_array)
                    .ok_or_else(|| self.err(&format!("{path}.argv"), "expected an array"))?
                    .iter()
                    .enumerate()
                    .map(|(i, x)| self.expr(x, &format!("{path}.argv[{i}]")))
                    .collect::<Result<_>>()?;
                Ok(Expr::Fn {
                    name: name.to_string(),
                    args,
                    path: path.to_string(),
                })
            }
            Value::Null => Err(self.err(path, "expected an expression")),
        }
    }

    /// `text {Ref} {Ref#attr} {{escaped}}`.
    fn template(&self, s: &str, path: &str) -> Result<Vec<TemplatePart>> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let mut inner = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => inner.push(c),
                            None => {
                                return Err(self.err(path, format!("unclosed `{{` in {s:?}")));
                            }
                        }
                    }
                    if !text.is_empty() {
                        parts.push(TemplatePart::Text(std::mem::take(&mut text)));
                    }
                    let (name, attr) = match inner.split_once('#') {
                        Some((n, a)) => (n.to_string(), Some(a.to_string())),
                        None => (inner, None),
                    };
                    if name.is_empty() {
                        return Err(self.err(path, format!("empty `{{}}` in {s:?}")));
                    }
                    parts.push(TemplatePart::Ref(name, attr));
                }
                '}' => return Err(self.err(path, format!("unmatched `}}` in {s:?}"))),
                c => text.push(c),
            }
        }
        if !text.is_empty() || parts.is_empty() {
            parts.push(TemplatePart::Text(text));
        }
        Ok(parts)
    }

    fn tests(&self, v: &Value, path: &str) -> Result<Vec<TestCase>> {
        let Some(cases) = v.get("testCases") else {
            return Ok(Vec::new());
        };
        let cases = cases
            .as_array()
            .ok_or_else(|| self.err(&format!("{path}.testCases"), "expected an array"))?;
        let mut tests = Vec::new();
        for (i, c) in cases.iter().enumerate() {
            let at = format!("{path}.testCases[{i}]");
            self.obj(c, &at)?;
            let params = match c.get("params") {
                None => BTreeMap::new(),
                Some(p) => self
                    .obj(p, &format!("{at}.params"))?
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            };
            let expect_at = format!("{at}.expect");
            let expect = c
                .get("expect")
                .ok_or_else(|| self.err(&expect_at, "expected an object"))?;
            let expect = if let Some(error) = expect.get("error") {
                Expect::Error(
                    error
                        .as_str()
                        .ok_or_else(|| {
                            self.err(&format!("{expect_at}.error"), "expected a string")
                        })?
                        .to_string(),
                )
            } else {
                let e_at = format!("{expect_at}.endpoint");
                let endpoint = expect
                    .get("endpoint")
                    .ok_or_else(|| self.err(&e_at, "expected `endpoint` or `error`"))?;
                let mut headers = BTreeMap::new();
                if let Some(h) = endpoint.get("headers") {
                    for (name, values) in self.obj(h, &format!("{e_at}.headers"))? {
                        let values = values
                            .as_array()
                            .and_then(|a| {
                                a.iter()
                                    .map(|x| x.as_str().map(str::to_string))
                                    .collect::<Option<Vec<_>>>()
                            })
                            .ok_or_else(|| {
                                self.err(&format!("{e_at}.headers.{name}"), "expected strings")
                            })?;
                        headers.insert(name.clone(), values);
                    }
                }
                Expect::Endpoint {
                    url: self.str(endpoint, "url", &e_at)?.to_string(),
                    headers,
                    properties: match endpoint.get("properties") {
                        None => BTreeMap::new(),
                        Some(p) => self
                            .obj(p, &format!("{e_at}.properties"))?
                            .iter()
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    },
                }
            };
            tests.push(TestCase {
                documentation: c
                    .get("documentation")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                params,
                expect,
            });
        }
        Ok(tests)
    }
}

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
    emit_resolver(&endpoints).map_err(|e| match e {
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
                crate::jmespath::compile(krate, input, path, p.ty).map_err(|e| {
                    parser.err(&format!("{at}.{name}.path"), format!("{path:?}: {e}"))
                })?;
                out.push(Binding::Path {
                    param: p.field.clone(),
                    path: path.to_string(),
                    ty: p.ty,
                });
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Compiling rules to Rust

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Str,
    Bool,
    Int,
    StrArray,
    Partition,
    Arn,
    Url,
}

/// An emitted value: `tokens` has type `&str` (strings), `bool`, `usize`, `&[String]`,
/// `&Partition` / `Arn` / `Url` (always a local), or `Option` of these when `optional`.
#[derive(Clone)]
struct Val {
    tokens: TokenStream,
    ty: Ty,
    optional: bool,
    /// A `String` (not a `&str`): a local bound to it is used as `local.as_str()`.
    owned: bool,
}

#[derive(Clone)]
struct Var {
    val: Val,
    /// For a binding that may turn out unused (see [`Part::Bind`]).
    used: Option<Rc<Cell<bool>>>,
}

impl Var {
    /// What a condition's `assign` names once the condition held: `true` from then on.
    fn held() -> Var {
        Var {
            val: Val {
                tokens: quote!(true),
                ty: Ty::Bool,
                optional: false,
                owned: false,
            },
            used: None,
        }
    }
}

type Scope = BTreeMap<String, Var>;

/// One `&&`-joined piece of a rule's condition chain.
enum Part {
    Test(TokenStream),
    /// `let Some(name) = expr`, or `expr.is_some()` when nothing used `name`.
    Bind {
        name: proc_macro2::Ident,
        expr: TokenStream,
        used: Rc<Cell<bool>>,
    },
}

/// What to test `is_some` / `is_none` on: an optional parameter's field itself rather than
/// its `as_deref()` view.
fn presence(tokens: &TokenStream) -> TokenStream {
    let text = tokens.to_string();
    match text.strip_suffix(" . as_deref ()") {
        Some(place) if text.starts_with("params . ") => {
            place.parse().unwrap_or_else(|_| tokens.clone())
        }
        _ => tokens.clone(),
    }
}

struct Compiler<'a> {
    params: &'a [Param],
    temps: usize,
}

fn gen_err(path: &str, message: impl Into<String>) -> Error {
    Error::Model {
        file: PathBuf::from("<endpoint rule set>"),
        json_path: path.to_string(),
        message: message.into(),
    }
}

impl Compiler<'_> {
    fn scope(&self) -> Scope {
        self.params
            .iter()
            .map(|p| {
                let field = ident(&p.field);
                let (tokens, ty) = match (p.ty, p.optional()) {
                    (ParamType::String, true) => (quote!(params.#field.as_deref()), Ty::Str),
                    (ParamType::String, false) => (quote!(params.#field.as_str()), Ty::Str),
                    (ParamType::Boolean, _) => (quote!(params.#field), Ty::Bool),
                    (ParamType::StringArray, true) => {
                        (quote!(params.#field.as_deref()), Ty::StrArray)
                    }
                    (ParamType::StringArray, false) => {
                        (quote!(params.#field.as_slice()), Ty::StrArray)
                    }
                };
                (
                    p.name.clone(),
                    Var {
                        val: Val {
                            tokens,
                            ty,
                            optional: p.optional(),
                            owned: false,
                        },
                        used: None,
                    },
                )
            })
            .collect()
    }

    fn lookup(&self, scope: &Scope, name: &str, path: &str) -> Result<Val> {
        let var = scope.get(name).ok_or_else(|| {
            gen_err(
                path,
                format!("`{name}` is not a parameter or assigned here"),
            )
        })?;
        if let Some(used) = &var.used {
            used.set(true);
        }
        Ok(var.val.clone())
    }

    fn temp(&mut self) -> proc_macro2::Ident {
        self.temps += 1;
        format_ident!("value_{}", self.temps)
    }

    /// Binds an optional value in the chain; the returned value is its non-optional local.
    fn bind(
        &mut self,
        val: Val,
        name: Option<&str>,
        parts: &mut Vec<Part>,
        scope: &mut Scope,
        used_now: bool,
    ) -> Val {
        let local = match name {
            Some(n) => ident(&crate::naming::snake(n)),
            None => self.temp(),
        };
        let used = Rc::new(Cell::new(name.is_none() || used_now));
        let expr = val.tokens;
        parts.push(Part::Bind {
            name: local.clone(),
            expr,
            used: used.clone(),
        });
        let tokens = if val.owned {
            quote!(#local.as_str())
        } else {
            quote!(#local)
        };
        let bound = Val {
            tokens,
            ty: val.ty,
            optional: false,
            owned: false,
        };
        if let Some(n) = name {
            scope.insert(
                n.to_string(),
                Var {
                    val: bound.clone(),
                    used: Some(used),
                },
            );
        }
        bound
    }

    /// A value that must be present: optional ones are bound in the chain first. A reference
    /// to an optional parameter binds it under its own name, for the rest of the rule.
    fn present(
        &mut self,
        e: &Expr,
        scope: &mut Scope,
        parts: &mut Vec<Part>,
        path: &str,
    ) -> Result<Val> {
        let val = self.expr(e, scope, parts, path)?;
        if !val.optional {
            return Ok(val);
        }
        let name = match e {
            Expr::Ref(name) => Some(name.as_str()),
            _ => None,
        };
        Ok(self.bind(val, name, parts, scope, true))
    }

    fn expect(&self, val: &Val, ty: Ty, path: &str) -> Result<()> {
        if val.ty == ty {
            Ok(())
        } else {
            Err(gen_err(
                path,
                format!("expected a {ty:?}, found a {:?}", val.ty),
            ))
        }
    }

    /// A condition: pushes its parts; `assign` binds the result.
    fn condition(&mut self, c: &Condition, scope: &mut Scope, parts: &mut Vec<Part>) -> Result<()> {
        if let Expr::Fn { name, args, path } = &c.expr
            && name == "isSet"
        {
            let [arg] = args.as_slice() else {
                return Err(gen_err(path, "isSet takes one argument"));
            };
            let val = self.expr(arg, scope, parts, path)?;
            if val.optional {
                let bind_as = match arg {
                    Expr::Ref(n) => Some(n.as_str()),
                    _ => None,
                };
                match bind_as {
                    Some(n) => {
                        self.bind(val, Some(n), parts, scope, false);
                    }
                    None => {
                        let tokens = presence(&val.tokens);
                        parts.push(Part::Test(quote!(#tokens.is_some())));
                    }
                }
            }
            if let Some(a) = &c.assign {
                scope.insert(a.clone(), Var::held());
            }
            return Ok(());
        }
        let val = self.expr(&c.expr, scope, parts, &c.path)?;
        match (&c.assign, val.optional, val.ty) {
            (_, false, Ty::Bool) => {
                let tokens = val.tokens;
                parts.push(Part::Test(tokens));
                if let Some(a) = &c.assign {
                    scope.insert(a.clone(), Var::held());
                }
            }
            (Some(a), true, _) => {
                self.bind(val, Some(a), parts, scope, false);
            }
            (Some(a), false, _) => {
                let tokens = val.tokens;
                self.bind(
                    Val {
                        tokens: quote!(Some(#tokens)),
                        ty: val.ty,
                        optional: true,
                        owned: val.owned,
                    },
                    Some(a),
                    parts,
                    scope,
                    false,
                );
            }
            (None, true, _) => {
                let tokens = presence(&val.tokens);
                parts.push(Part::Test(quote!(#tokens.is_some())));
            }
            (None, false, _) => {}
        }
        Ok(())
    }

    fn expr(
        &mut self,
        e: &Expr,
        scope: &mut Scope,
        parts: &mut Vec<Part>,
        path: &str,
    ) -> Result<Val> {
        match e {
            Expr::Bool(b) => Ok(Val {
                tokens: quote!(#b),
                ty: Ty::Bool,
                optional: false,
                owned: false,
            }),
            Expr::Int(i) => {
                let n = usize::try_from(*i)
                    .map_err(|_| gen_err(path, format!("{i} is not a valid index")))?;
                let lit = Literal::usize_unsuffixed(n);
                Ok(Val {
                    tokens: quote!(#lit),
                    ty: Ty::Int,
                    optional: false,
                    owned: false,
                })
            }
            Expr::String(parts_) => {
                // One piece (a literal or a reference) is already a `&str`; more are joined.
                let tokens = self.template_as(parts_, scope, path, true)?;
                Ok(Val {
                    tokens: if parts_.len() == 1 {
                        tokens
                    } else {
                        quote!(#tokens.as_str())
                    },
                    ty: Ty::Str,
                    optional: false,
                    owned: false,
                })
            }
            Expr::Array(_) => Err(gen_err(
                path,
                "array literals are not supported in conditions",
            )),
            Expr::Ref(name) => self.lookup(scope, name, path),
            Expr::Fn { name, args, path } => self.call(name, args, scope, parts, path),
        }
    }

    /// `booleanEquals` / `stringEquals`, or their negation.
    fn equals(
        &mut self,
        name: &str,
        args: &[Expr],
        scope: &mut Scope,
        parts: &mut Vec<Part>,
        path: &str,
        negate: bool,
    ) -> Result<Val> {
        if args.len() != 2 {
            return Err(gen_err(path, format!("`{name}` takes 2 arguments")));
        }
        let ty = if name == "booleanEquals" {
            Ty::Bool
        } else {
            Ty::Str
        };
        let a = self.expr(&args[0], scope, parts, path)?;
        let b = self.expr(&args[1], scope, parts, path)?;
        self.expect(&a, ty, path)?;
        self.expect(&b, ty, path)?;
        let (at, bt) = (&a.tokens, &b.tokens);
        let literal = |t: &TokenStream| match t.to_string().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        let tokens = match (a.optional, b.optional) {
            (false, false) if ty == Ty::Bool => match (literal(at), literal(bt)) {
                (_, Some(v)) if v != negate => quote!(#at),
                (_, Some(_)) => quote!(!#at),
                (Some(v), _) if v != negate => quote!(#bt),
                (Some(_), _) => quote!(!#bt),
                _ if negate => quote!(#at != #bt),
                _ => quote!(#at == #bt),
            },
            // Against "": `is_empty` (clippy: comparison_to_empty).
            (false, false) if bt.to_string() == "\"\"" || at.to_string() == "\"\"" => {
                let value = if bt.to_string() == "\"\"" { at } else { bt };
                if negate {
                    quote!(!#value.is_empty())
                } else {
                    quote!(#value.is_empty())
                }
            }
            (false, false) if negate => quote!(#at != #bt),
            (false, false) => quote!(#at == #bt),
            (true, false) if negate => quote!(#at != Some(#bt)),
            (true, false) => quote!(#at == Some(#bt)),
            (false, true) if negate => quote!(Some(#at) != #bt),
            (false, true) => quote!(Some(#at) == #bt),
            (true, true) if negate => quote!(!(#at.is_some() && #at == #bt)),
            (true, true) => quote!(#at.is_some() && #at == #bt),
        };
        Ok(Val {
            tokens,
            ty: Ty::Bool,
            optional: false,
            owned: false,
        })
    }

    fn call(
        &mut self,
        name: &str,
        args: &[Expr],
        scope: &mut Scope,
        parts: &mut Vec<Part>,
        path: &str,
    ) -> Result<Val> {
        let arity = |n: usize| -> Result<()> {
            if args.len() == n {
                Ok(())
            } else {
                Err(gen_err(
                    path,
                    format!("`{name}` takes {n} arguments, not {}", args.len()),
                ))
            }
        };
        let val = |tokens: TokenStream, ty: Ty, optional: bool| Val {
            tokens,
            ty,
            optional,
            owned: false,
        };
        match name {
            "isSet" => {
                arity(1)?;
                let v = self.expr(&args[0], scope, parts, path)?;
                let t = presence(&v.tokens);
                Ok(if v.optional {
                    val(quote!(#t.is_some()), Ty::Bool, false)
                } else {
                    val(quote!(true), Ty::Bool, false)
                })
            }
            "not" => {
                arity(1)?;
                // Inside `not`, an absent operand makes the inner test false (so `not` true):
                // the operand is evaluated without binding anything in the chain.
                let mut inner = Vec::new();
                let v = match &args[0] {
                    Expr::Fn { name, args, path } if name == "isSet" && args.len() == 1 => {
                        let v = self.expr(&args[0], scope, &mut inner, path)?;
                        let t = presence(&v.tokens);
                        if v.optional {
                            val(quote!(#t.is_none()), Ty::Bool, false)
                        } else {
                            val(quote!(false), Ty::Bool, false)
                        }
                    }
                    Expr::Fn { name, args, path }
                        if name == "booleanEquals" || name == "stringEquals" =>
                    {
                        self.equals(name, args, scope, &mut inner, path, true)?
                    }
                    other => {
                        let v = self.expr(other, scope, &mut inner, path)?;
                        self.expect(&v, Ty::Bool, path)?;
                        let t = v.tokens;
                        if v.optional {
                            val(quote!(#t != Some(true)), Ty::Bool, false)
                        } else {
                            val(quote!(!#t), Ty::Bool, false)
                        }
                    }
                };
                if !inner.is_empty() {
                    return Err(gen_err(
                        path,
                        "`not` of an expression that needs optional values bound is not supported",
                    ));
                }
                Ok(v)
            }
            "booleanEquals" | "stringEquals" => {
                arity(2)?;
                self.equals(name, args, scope, parts, path, false)
            }
            "getAttr" => {
                arity(2)?;
                let Expr::String(attr) = &args[1] else {
                    return Err(gen_err(path, "getAttr's path is a string literal"));
                };
                let [TemplatePart::Text(attr)] = attr.as_slice() else {
                    return Err(gen_err(path, "getAttr's path is a plain string"));
                };
                let target = self.present(&args[0], scope, parts, path)?;
                get_attr(&target, attr, path)
            }
            "substring" => {
                arity(4)?;
                let s = self.present(&args[0], scope, parts, path)?;
                self.expect(&s, Ty::Str, path)?;
                let start = self.expr(&args[1], scope, parts, path)?;
                let stop = self.expr(&args[2], scope, parts, path)?;
                let reverse = self.present(&args[3], scope, parts, path)?;
                self.expect(&start, Ty::Int, path)?;
                self.expect(&stop, Ty::Int, path)?;
                self.expect(&reverse, Ty::Bool, path)?;
                let (s, start, stop, reverse) =
                    (s.tokens, start.tokens, stop.tokens, reverse.tokens);
                Ok(val(
                    quote!(lib::substring(#s, #start, #stop, #reverse)),
                    Ty::Str,
                    true,
                )
                .owned())
            }
            "uriEncode" => {
                arity(1)?;
                let s = self.present(&args[0], scope, parts, path)?;
                self.expect(&s, Ty::Str, path)?;
                let s = s.tokens;
                Ok(val(quote!(Some(lib::uri_encode(#s))), Ty::Str, true).owned())
            }
            "parseURL" => {
                arity(1)?;
                let s = self.present(&args[0], scope, parts, path)?;
                self.expect(&s, Ty::Str, path)?;
                let s = s.tokens;
                Ok(val(quote!(lib::parse_url(#s)), Ty::Url, true))
            }
            "isValidHostLabel" | "aws.isVirtualHostableS3Bucket" => {
                arity(2)?;
                let s = self.present(&args[0], scope, parts, path)?;
                let sub = self.present(&args[1], scope, parts, path)?;
                self.expect(&s, Ty::Str, path)?;
                self.expect(&sub, Ty::Bool, path)?;
                let (s, sub) = (s.tokens, sub.tokens);
                let f = if name == "isValidHostLabel" {
                    quote!(lib::is_valid_host_label)
                } else {
                    quote!(lib::is_virtual_hostable_s3_bucket)
                };
                Ok(val(quote!(#f(#s, #sub)), Ty::Bool, false))
            }
            "aws.partition" => {
                arity(1)?;
                let s = self.present(&args[0], scope, parts, path)?;
                self.expect(&s, Ty::Str, path)?;
                let s = s.tokens;
                Ok(val(
                    quote!(lib::partition(&PARTITIONS, #s)),
                    Ty::Partition,
                    true,
                ))
            }
            "aws.parseArn" => {
                arity(1)?;
                let s = self.present(&args[0], scope, parts, path)?;
                self.expect(&s, Ty::Str, path)?;
                let s = s.tokens;
                Ok(val(quote!(lib::parse_arn(#s)), Ty::Arn, true))
            }
            other => Err(gen_err(
                path,
                format!("the rules-engine function `{other}` is not supported"),
            )),
        }
    }

    /// A string template or a reference to a string, as a `String` expression.
    fn string(&self, e: &Expr, scope: &Scope, path: &str) -> Result<TokenStream> {
        self.string_as(e, scope, path, false)
    }

    /// Like [`Compiler::string`], but a `&str` where one piece suffices (for `impl
    /// Into<String>` arguments).
    fn string_into(&self, e: &Expr, scope: &Scope, path: &str) -> Result<TokenStream> {
        self.string_as(e, scope, path, true)
    }

    fn string_as(&self, e: &Expr, scope: &Scope, path: &str, into: bool) -> Result<TokenStream> {
        let parts = match e {
            Expr::String(t) => t.clone(),
            Expr::Ref(name) => vec![TemplatePart::Ref(name.clone(), None)],
            _ => return Err(gen_err(path, "expected a string or a reference to one")),
        };
        self.template_as(&parts, scope, path, into)
    }

    /// A template as a `String` expression.
    fn template(&self, parts: &[TemplatePart], scope: &Scope, path: &str) -> Result<TokenStream> {
        self.template_as(parts, scope, path, false)
    }

    fn template_as(
        &self,
        parts: &[TemplatePart],
        scope: &Scope,
        path: &str,
        into: bool,
    ) -> Result<TokenStream> {
        let mut pieces = Vec::new();
        for part in parts {
            match part {
                TemplatePart::Text(t) => pieces.push(quote!(#t)),
                TemplatePart::Ref(name, attr) => {
                    let mut v = self.lookup(scope, name, path)?;
                    if let Some(attr) = attr {
                        if v.optional {
                            return Err(gen_err(
                                path,
                                format!("the template uses `{name}`, which may be unset here"),
                            ));
                        }
                        v = get_attr(&v, attr, path)?;
                    }
                    if v.optional {
                        return Err(gen_err(
                            path,
                            format!("the template uses `{name}`, which may be unset here"),
                        ));
                    }
                    if v.ty != Ty::Str {
                        return Err(gen_err(
                            path,
                            format!("the template uses `{name}`, which is not a string"),
                        ));
                    }
                    pieces.push(v.tokens);
                }
            }
        }
        Ok(match pieces.as_slice() {
            [one] if into => quote!(#one),
            [one] => quote!(#one.to_string()),
            _ => quote!([#(#pieces),*].concat()),
        })
    }

    fn rules(&mut self, rules: &[Rule], scope: &Scope, tail: bool) -> Result<TokenStream> {
        let mut out = TokenStream::new();
        for rule in rules {
            let mut scope = scope.clone();
            let mut parts = Vec::new();
            for c in rule.conditions() {
                self.condition(c, &mut scope, &mut parts)?;
            }
            if parts.is_empty() {
                let body = self.body(rule, &scope, tail)?;
                out.extend(body);
                return Ok(out);
            }
            let body = self.body(rule, &scope, false)?;
            let chain = parts.into_iter().map(|p| match p {
                Part::Test(t) => t,
                Part::Bind { name, expr, used } => {
                    if used.get() {
                        quote!(let Some(#name) = #expr)
                    } else {
                        let expr = presence(&expr);
                        quote!(#expr.is_some())
                    }
                }
            });
            out.extend(quote! {
                if #(#chain)&&* {
                    #body
                }
            });
        }
        let message = "No endpoint rule matched the parameters";
        out.extend(if tail {
            quote!(Err(ResolveError::new(#message)))
        } else {
            quote!(return Err(ResolveError::new(#message));)
        });
        Ok(out)
    }

    fn body(&mut self, rule: &Rule, scope: &Scope, tail: bool) -> Result<TokenStream> {
        let ret = |value: TokenStream| {
            if tail { value } else { quote!(return #value;) }
        };
        match rule {
            Rule::Tree { rules, .. } => self.rules(rules, scope, tail),
            Rule::Error { message, .. } => {
                let message = self.string_into(message, scope, "error rule")?;
                Ok(ret(quote!(Err(ResolveError::new(#message)))))
            }
            Rule::Endpoint {
                url,
                headers,
                properties,
                path,
                ..
            } => {
                if headers.is_empty() && properties.is_empty() {
                    let url = self.string_into(url, scope, path)?;
                    return Ok(ret(quote!(Ok(Endpoint::new(#url)))));
                }
                let url = self.string(url, scope, path)?;
                let mut header_items = Vec::new();
                for (name, values) in headers {
                    let mut vs = Vec::new();
                    for v in values {
                        vs.push(self.string(v, scope, path)?);
                    }
                    header_items.push(quote!((#name.to_string(), vec![#(#vs),*])));
                }
                let mut property_items = Vec::new();
                for (name, value) in properties {
                    let value = self.document(value, scope, path)?;
                    property_items.push(quote!((#name.to_string(), #value)));
                }
                let map = |items: &[TokenStream]| {
                    if items.is_empty() {
                        quote!(BTreeMap::new())
                    } else {
                        quote!(BTreeMap::from([#(#items),*]))
                    }
                };
                let (headers, properties) = (map(&header_items), map(&property_items));
                Ok(ret(quote!(Ok(Endpoint {
                    url: #url,
                    headers: #headers,
                    properties: #properties,
                }))))
            }
        }
    }

    /// A property value as a `Document` expression (strings are templates).
    fn document(&self, value: &Value, scope: &Scope, path: &str) -> Result<TokenStream> {
        Ok(match value {
            Value::Null => quote!(Document::Null),
            Value::Bool(b) => quote!(Document::Bool(#b)),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => quote!(Document::from(#u)),
                (None, Some(i)) => quote!(Document::from(#i)),
                _ => {
                    let f = n.as_f64().unwrap_or(0.0);
                    quote!(Document::Number(Number::Float(#f)))
                }
            },
            Value::String(s) => {
                let parser = Parser {
                    file: Path::new("<endpoint rule set>"),
                };
                let t = self.template(&parser.template(s, path)?, scope, path)?;
                quote!(Document::String(#t))
            }
            Value::Array(items) => {
                let items = items
                    .iter()
                    .map(|v| self.document(v, scope, path))
                    .collect::<Result<Vec<_>>>()?;
                quote!(Document::Array(vec![#(#items),*]))
            }
            Value::Object(o) => {
                let items = o
                    .iter()
                    .map(|(k, v)| {
                        let v = self.document(v, scope, path)?;
                        Ok(quote!((#k.to_string(), #v)))
                    })
                    .collect::<Result<Vec<_>>>()?;
                quote!(Document::Object(BTreeMap::from([#(#items),*])))
            }
        })
    }
}

impl Val {
    /// An owned `String` result: its uses borrow it.
    fn owned(self) -> Val {
        Val {
            owned: true,
            ..self
        }
    }
}

/// `getAttr(value, "attr")` / `{Name#attr}`: a field, optionally followed by `[index]`.
fn get_attr(target: &Val, attr: &str, path: &str) -> Result<Val> {
    let t = &target.tokens;
    let (field, index) = match attr.split_once('[') {
        Some((f, rest)) => {
            let i: usize = rest
                .strip_suffix(']')
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| gen_err(path, format!("bad index in {attr:?}")))?;
            (f, Some(i))
        }
        None => (attr, None),
    };
    let val = |tokens: TokenStream, ty: Ty| Val {
        tokens,
        ty,
        optional: false,
        owned: false,
    };
    let base = match (target.ty, field) {
        (Ty::Partition, "name") => val(quote!(#t.name), Ty::Str),
        (Ty::Partition, "dnsSuffix") => val(quote!(#t.dns_suffix), Ty::Str),
        (Ty::Partition, "dualStackDnsSuffix") => val(quote!(#t.dual_stack_dns_suffix), Ty::Str),
        (Ty::Partition, "implicitGlobalRegion") => val(quote!(#t.implicit_global_region), Ty::Str),
        (Ty::Partition, "supportsFIPS") => val(quote!(#t.supports_fips), Ty::Bool),
        (Ty::Partition, "supportsDualStack") => val(quote!(#t.supports_dual_stack), Ty::Bool),
        (Ty::Arn, "partition") => val(quote!(#t.partition.as_str()), Ty::Str),
        (Ty::Arn, "service") => val(quote!(#t.service.as_str()), Ty::Str),
        (Ty::Arn, "region") => val(quote!(#t.region.as_str()), Ty::Str),
        (Ty::Arn, "accountId") => val(quote!(#t.account_id.as_str()), Ty::Str),
        (Ty::Arn, "resourceId") => val(quote!(#t.resource_id.as_slice()), Ty::StrArray),
        (Ty::Url, "scheme") => val(quote!(#t.scheme.as_str()), Ty::Str),
        (Ty::Url, "authority") => val(quote!(#t.authority.as_str()), Ty::Str),
        (Ty::Url, "path") => val(quote!(#t.path.as_str()), Ty::Str),
        (Ty::Url, "normalizedPath") => val(quote!(#t.normalized_path.as_str()), Ty::Str),
        (Ty::Url, "isIp") => val(quote!(#t.is_ip), Ty::Bool),
        (Ty::StrArray, "") => val(quote!(#t), Ty::StrArray),
        (ty, _) => {
            return Err(gen_err(path, format!("a {ty:?} has no attribute {attr:?}")));
        }
    };
    match index {
        None => Ok(base),
        Some(i) if base.ty == Ty::StrArray => {
            let b = base.tokens;
            let get = if i == 0 {
                quote!(#b.first())
            } else {
                let i = Literal::usize_unsuffixed(i);
                quote!(#b.get(#i))
            };
            Ok(Val {
                tokens: quote!(#get.map(String::as_str)),
                ty: Ty::Str,
                optional: true,
                owned: false,
            })
        }
        Some(_) => Err(gen_err(
            path,
            format!("{attr:?} indexes a value that is not an array"),
        )),
    }
}

fn emit_resolver(e: &Endpoints) -> Result<TokenStream> {
    let mut compiler = Compiler {
        params: &e.params,
        temps: 0,
    };
    let scope = compiler.scope();
    let mut checks = Vec::new();
    for p in &e.params {
        if p.required && p.optional() {
            let field = ident(&p.field);
            let message = format!("Missing required parameter `{}`", p.name);
            checks.push(quote! {
                if params.#field.is_none() {
                    return Err(ResolveError::new(#message));
                }
            });
        }
    }
    let body = compiler.rules(&e.rules, &scope, true)?;
    Ok(quote! {
        #(#checks)*
        #body
    })
}

// ---------------------------------------------------------------------------------------------
// The generated module

/// `src/endpoint.rs`.
pub fn endpoint_rs(e: &Endpoints) -> Result<TokenStream> {
    let body = emit_resolver(e)?;
    let fields = e.params.iter().map(|p| {
        let field = ident(&p.field);
        let ty = param_type(p);
        let mut lines = vec![format!("`{}`", p.name)];
        if let Some(b) = &p.built_in {
            lines[0].push_str(&format!(" (built-in `{b}`)"));
        }
        if p.client_context {
            lines[0].push_str(&format!(
                " (client context parameter: `Config::builder().client_context_param({:?}, ..)`)",
                p.name
            ));
        }
        if let Some(d) = &p.default {
            lines[0].push_str(&format!(", default `{d}`"));
        }
        lines[0].push('.');
        if let Some(d) = &p.docs {
            lines.push(String::new());
            lines.extend(crate::docs::to_rustdoc(d));
        }
        let docs = lines_to_docs(&lines);
        quote! { #docs pub #field: #ty, }
    });
    let defaults = e.params.iter().map(|p| {
        let field = ident(&p.field);
        let value = match &p.default {
            None => quote!(None),
            Some(v) => literal_value(v),
        };
        quote!(#field: #value,)
    });
    // A derived `Default` when every default is the type's own (clippy: derivable_impls).
    let derivable = e.params.iter().all(|p| match &p.default {
        None => true,
        Some(Value::Bool(b)) => !b,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    });
    let (derive_default, default_impl) = if derivable {
        (quote!(, Default), TokenStream::new())
    } else {
        (
            TokenStream::new(),
            quote! {
                impl Default for Params {
                    fn default() -> Self {
                        Params { #(#defaults)* }
                    }
                }
            },
        )
    };
    let setters = e.params.iter().map(|p| {
        let field = ident(&p.field);
        let doc = crate::emit::doc_line(&format!("Sets `{}`.", p.name));
        let (arg, value) = match p.ty {
            ParamType::String => (quote!(impl Into<String>), quote!(value.into())),
            ParamType::Boolean => (quote!(bool), quote!(value)),
            ParamType::StringArray => (quote!(Vec<String>), quote!(value)),
        };
        let value = if p.optional() {
            quote!(Some(#value))
        } else {
            value
        };
        quote! {
            #doc
            pub fn #field(mut self, value: #arg) -> Self {
                self.params.#field = #value;
                self
            }
        }
    });
    let from_config = e
        .params
        .iter()
        .filter_map(|p| {
            let field = ident(&p.field);
            if p.client_context {
                let name = &p.name;
                let (variant, value) = match p.ty {
                    ParamType::Boolean => (quote!(Bool), quote!(*value)),
                    _ => (quote!(String), quote!(value.clone())),
                };
                let (some, none) = match &p.default {
                    None => (quote!(Some(#value)), quote!(None)),
                    Some(d) => (value, literal_value(d)),
                };
                return Some(quote! {
                    #field: match config.client_context_params.get(#name) {
                        Some(ClientContextParam::#variant(value)) => #some,
                        _ => #none,
                    },
                });
            }
            let source = match p.built_in.as_deref()? {
                "AWS::Region" => (quote!(config.region.clone()), true),
                "SDK::Endpoint" => (quote!(config.endpoint_url.clone()), true),
                "AWS::UseFIPS" => (quote!(config.use_fips), false),
                "AWS::UseDualStack" => (quote!(config.use_dual_stack), false),
                "AWS::Auth::AccountIdEndpointMode" => {
                    (quote!(config.account_id_endpoint_mode.clone()), true)
                }
                "AWS::Auth::AccountId" => (quote!(config.account_id.clone()), true),
                _ => return None,
            };
            let default = p.default.as_ref().map(literal_value);
            Some(match (source, default) {
                ((s, true), None) => quote!(#field: #s,),
                ((s, true), Some(d)) => quote!(#field: #s.unwrap_or_else(|| #d),),
                ((s, false), None) => quote!(#field: Some(#s),),
                ((s, false), Some(_)) => quote!(#field: #s,),
            })
        })
        .collect::<Vec<_>>();
    let config_arg = if from_config.is_empty() {
        quote!(_config)
    } else {
        quote!(config)
    };
    let rest = (from_config.len() < e.params.len()).then(|| quote!(..Params::default()));
    let from_config_body = if from_config.is_empty() {
        quote!(Params::default())
    } else {
        quote!(Params { #(#from_config)* #rest })
    };
    let partitions = if e.uses_partitions {
        partitions_static(&e.partitions)
    } else {
        TokenStream::new()
    };
    let lib_use = if e.uses_partitions || needs_lib(&body) {
        quote!(
            use crate::runtime::endpoint_lib::{self as lib};
        )
    } else {
        TokenStream::new()
    };
    let partition_use = e.uses_partitions.then(|| {
        quote!(
            use crate::runtime::endpoint_lib::PartitionEntry;
            use crate::runtime::dfa::Dfa;
        )
    });
    let uses_document = body.to_string().contains("Document");
    let document_use = uses_document.then(|| {
        if body.to_string().contains("Number") {
            quote!(
                use crate::primitives::{Document, Number};
            )
        } else {
            quote!(
                use crate::primitives::Document;
            )
        }
    });
    let map_use = body.to_string().contains("BTreeMap").then(|| {
        quote!(
            use std::collections::BTreeMap;
        )
    });
    let tests = tests_module(e)?;
    let client_context_use = e.params.iter().any(|p| p.client_context).then(|| {
        quote!(
            use crate::config::ClientContextParam;
        )
    });
    let params_docs = crate::emit::doc_line(
        "The rule set's parameters. Built-ins are filled in from the client's configuration; operations set the parameters their input binds.",
    );
    Ok(quote! {
        //! Endpoint resolution, compiled from the service's endpoint rule set: [`resolve`] maps
        //! [`Params`] to an [`Endpoint`] or a [`ResolveError`] carrying the rule set's message.

        #lib_use
        #client_context_use
        #partition_use
        #document_use
        #map_use

        pub use crate::runtime::endpoint_lib::{Endpoint, ResolveError};

        #params_docs
        #[derive(Clone, Debug, PartialEq #derive_default)]
        pub struct Params {
            #(#fields)*
        }

        #default_impl

        impl Params {
            /// A builder starting from the rule set's defaults.
            pub fn builder() -> ParamsBuilder {
                ParamsBuilder { params: Params::default() }
            }

            /// The built-in parameters taken from the client's configuration.
            pub(crate) fn from_config(#config_arg: &crate::runtime::config::EndpointConfig) -> Params {
                #from_config_body
            }
        }

        /// Builds [`Params`].
        #[derive(Clone, Debug)]
        pub struct ParamsBuilder {
            params: Params,
        }

        impl ParamsBuilder {
            #(#setters)*

            pub fn build(self) -> Params {
                self.params
            }
        }

        /// Resolves the endpoint for `params` by the service's rules.
        pub fn resolve(params: &Params) -> Result<Endpoint, ResolveError> {
            #body
        }

        #partitions

        #tests
    })
}

fn needs_lib(body: &TokenStream) -> bool {
    body.to_string().contains("lib ::")
}

fn param_type(p: &Param) -> TokenStream {
    let ty = match p.ty {
        ParamType::String => quote!(String),
        ParamType::Boolean => quote!(bool),
        ParamType::StringArray => quote!(Vec<String>),
    };
    if p.optional() {
        quote!(Option<#ty>)
    } else {
        ty
    }
}

fn literal_value(v: &Value) -> TokenStream {
    match v {
        Value::Bool(b) => quote!(#b),
        Value::String(s) => quote!(#s.to_string()),
        Value::Array(items) => {
            let items = items.iter().filter_map(Value::as_str);
            quote!(vec![#(#items.to_string()),*])
        }
        _ => quote!(Default::default()),
    }
}

fn partitions_static(p: &Partitions) -> TokenStream {
    let entries = p.partitions.iter().map(|d| {
        let region_regex = crate::emit::dfa_literal(&d.region_regex, &d.tables);
        let regions = &d.regions;
        let (id, dns, ds, fips, dual, igr) = (
            &d.id,
            &d.dns_suffix,
            &d.dual_stack_dns_suffix,
            d.supports_fips,
            d.supports_dual_stack,
            &d.implicit_global_region,
        );
        quote! {
            PartitionEntry {
                regions: &[#(#regions),*],
                region_regex: #region_regex,
                outputs: lib::Partition {
                    name: #id,
                    dns_suffix: #dns,
                    dual_stack_dns_suffix: #ds,
                    supports_fips: #fips,
                    supports_dual_stack: #dual,
                    implicit_global_region: #igr,
                },
            },
        }
    });
    let n = Literal::usize_unsuffixed(p.partitions.len());
    let doc = crate::emit::doc_line(&format!(
        "The partitions `aws.partition` chooses from (from `{}`), region patterns compiled to automata.",
        p.file.file_name().map_or_else(
            || p.file.display().to_string(),
            |f| f.to_string_lossy().into_owned()
        )
    ));
    quote! {
        #doc
        static PARTITIONS: [PartitionEntry; #n] = [#(#entries)*];
    }
}

/// A `#[test]` name from a case's documentation and index.
fn test_name(index: usize, documentation: &str) -> proc_macro2::Ident {
    let mut name = format!("case_{index}");
    for word in documentation
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if name.len() + word.len() > 80 {
            break;
        }
        name.push('_');
        name.push_str(&word.to_ascii_lowercase());
    }
    format_ident!("{}", name)
}

fn tests_module(e: &Endpoints) -> Result<TokenStream> {
    if e.tests.is_empty() {
        return Ok(TokenStream::new());
    }
    let mut cases = Vec::new();
    let mut uses_map = false;
    let mut uses_document = false;
    for (i, case) in e.tests.iter().enumerate() {
        let name = test_name(i, &case.documentation);
        let doc = crate::emit::doc_line(&case.documentation.replace('\n', " "));
        let setters = case.params.iter().filter_map(|(k, v)| {
            let p = e.params.iter().find(|p| &p.name == k)?;
            let field = ident(&p.field);
            Some(match v {
                Value::Bool(b) => quote!(.#field(#b)),
                Value::String(s) => quote!(.#field(#s)),
                Value::Array(items) => {
                    let items = items.iter().filter_map(Value::as_str);
                    quote!(.#field(vec![#(#items.to_string()),*]))
                }
                _ => quote!(),
            })
        });
        let check = match &case.expect {
            Expect::Error(message) => quote! {
                let error = resolve(&params).expect_err("the rule set gives an error");
                assert_eq!(error.message(), #message);
            },
            Expect::Endpoint {
                url,
                headers,
                properties,
            } => {
                let header_check = (!headers.is_empty()).then(|| {
                    uses_map = true;
                    let items = headers
                        .iter()
                        .map(|(k, vs)| quote!((#k.to_string(), vec![#(#vs.to_string()),*])));
                    quote!(assert_eq!(endpoint.headers, BTreeMap::from([#(#items),*]));)
                });
                let header_check =
                    header_check.unwrap_or_else(|| quote!(assert!(endpoint.headers.is_empty());));
                let property_check = if properties.is_empty() {
                    quote!(assert!(endpoint.properties.is_empty());)
                } else {
                    uses_map = true;
                    uses_document = true;
                    let items = properties.iter().map(|(k, v)| {
                        let v = document_literal(v);
                        quote!((#k.to_string(), #v))
                    });
                    quote!(assert_eq!(endpoint.properties, BTreeMap::from([#(#items),*]));)
                };
                quote! {
                    let endpoint = resolve(&params).expect("the rule set gives an endpoint");
                    assert_eq!(endpoint.url, #url);
                    #header_check
                    #property_check
                }
            }
        };
        cases.push(quote! {
            #doc
            #[test]
            fn #name() {
                let params = Params::builder() #(#setters)* .build();
                #check
            }
        });
    }
    let map_use = uses_map.then(|| {
        quote!(
            use std::collections::BTreeMap;
        )
    });
    let uses_number = cases.iter().any(|c| c.to_string().contains("Number ::"));
    let doc_use = match (uses_document, uses_number) {
        (false, _) => TokenStream::new(),
        (true, false) => quote!(
            use crate::primitives::Document;
        ),
        (true, true) => quote!(
            use crate::primitives::{Document, Number};
        ),
    };
    Ok(quote! {
        /// The rule set's own test cases (`smithy.rules#endpointTests`). Cases that give
        /// `operationInputs` are tested through their `params` only.
        #[cfg(test)]
        mod tests {
            use super::*;
            #map_use
            #doc_use

            #(#cases)*
        }
    })
}

/// An expected property as a `Document` literal.
fn document_literal(value: &Value) -> TokenStream {
    match value {
        Value::Null => quote!(Document::Null),
        Value::Bool(b) => quote!(Document::Bool(#b)),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => quote!(Document::Number(Number::PosInt(#u))),
            (None, Some(i)) => quote!(Document::Number(Number::NegInt(#i))),
            _ => {
                let f = n.as_f64().unwrap_or(0.0);
                quote!(Document::Number(Number::Float(#f)))
            }
        },
        Value::String(s) => quote!(Document::String(#s.to_string())),
        Value::Array(items) => {
            let items = items.iter().map(document_literal);
            quote!(Document::Array(vec![#(#items),*]))
        }
        Value::Object(o) => {
            let items = o.iter().map(|(k, v)| {
                let v = document_literal(v);
                quote!((#k.to_string(), #v))
            });
            quote!(Document::Object(BTreeMap::from([#(#items),*])))
        }
    }
}

#[cfg(test)]
mod tests {
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
            let krate = crate::build_ir(&model, None, &crate::Operations::All)?;
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
}
