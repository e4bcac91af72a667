//! The rule set as a typed tree: parameters, rules, conditions and expressions, test cases, and
//! the operations' parameter bindings, parsed from `smithy.rules#endpointRuleSet` and
//! `smithy.rules#endpointTests` with every problem reported by file and JSON path. Nothing here
//! knows the crate being generated.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::partitions::Partitions;
use crate::error::{Error, Result, model_error};

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
    pub(super) fn conditions(&self) -> &[Condition] {
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
    /// `smithy.rules#operationContextParams`: a JMESPath path into the input (`path`, as the
    /// model writes it), resolved against the input's Rust types when the IR is built
    /// ([`crate::context_paths::resolve`]).
    Path {
        param: String,
        path: String,
        walk: Walk,
        ty: ParamType,
    },
}

/// An `operationContextParams` path resolved against the input's Rust types: what `send` walks
/// to collect the parameter's string values, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Walk {
    /// The current value is a string: collect it.
    Push,
    /// The current value is a map with string keys: collect its keys.
    Keys,
    /// The current structure's field (its Rust name; `Option` when `optional`), then `then`.
    Field {
        field: String,
        optional: bool,
        then: Box<Walk>,
    },
    /// Each item of the current list (each an `Option` when the list is sparse), then `then`.
    Each { sparse: bool, then: Box<Walk> },
    /// Every branch in turn on the current value (a multi-select list).
    All(Vec<Walk>),
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

pub(super) struct Parser<'a> {
    pub(super) file: &'a Path,
}

impl Parser<'_> {
    pub(super) fn err(&self, path: &str, message: impl Into<String>) -> Error {
        model_error(self.file, path, message)
    }

    pub(super) fn obj<'v>(
        &self,
        v: &'v Value,
        path: &str,
    ) -> Result<&'v serde_json::Map<String, Value>> {
        v.as_object()
            .ok_or_else(|| self.err(path, "expected an object"))
    }

    pub(super) fn str<'v>(&self, v: &'v Value, key: &str, path: &str) -> Result<&'v str> {
        v.get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| self.err(&format!("{path}.{key}"), "expected a string"))
    }

    pub(super) fn params(&self, v: &Value, path: &str) -> Result<Vec<Param>> {
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

    pub(super) fn rules(&self, v: &Value, path: &str) -> Result<Vec<Rule>> {
        let list = v
            .as_array()
            .ok_or_else(|| self.err(path, "expected an array of rules"))?;
        list.iter()
            .enumerate()
            .map(|(i, r)| self.rule(r, &format!("{path}[{i}]")))
            .collect()
    }

    pub(super) fn rule(&self, v: &Value, path: &str) -> Result<Rule> {
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

    pub(super) fn expr(&self, v: &Value, path: &str) -> Result<Expr> {
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
    pub(super) fn template(&self, s: &str, path: &str) -> Result<Vec<TemplatePart>> {
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

    pub(super) fn tests(&self, v: &Value, path: &str) -> Result<Vec<TestCase>> {
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
