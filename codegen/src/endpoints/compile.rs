//! The rules compiled to straight-line Rust: one `if` per rule, `assign` as a `let`, every value
//! typed as it is used.

use std::cell::Cell;
use std::rc::Rc;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::rules::*;
use crate::error::{Error, Result};
use crate::tokens::ident;

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
    uses: Uses,
}

/// What the compiled resolver refers to, recorded as it is compiled: the module imports just
/// these.
#[derive(Debug, Default)]
pub(super) struct Uses {
    /// `lib::` (the runtime's endpoint functions).
    pub lib: Cell<bool>,
    /// `Document` (endpoint properties).
    pub document: Cell<bool>,
    /// `Number` (a property that is a fractional number).
    pub number: Cell<bool>,
    /// `BTreeMap` (an endpoint's headers and properties).
    pub map: Cell<bool>,
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

    /// `lib::<call>`: a function of the runtime's endpoint library, which the module then
    /// imports.
    fn lib(&self, call: TokenStream) -> TokenStream {
        self.uses.lib.set(true);
        quote!(lib::#call)
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
                let value = &without_as_str(value);
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
                    self.lib(quote!(substring(#s, #start, #stop, #reverse))),
                    Ty::Str,
                    true,
                )
                .owned())
            }
            "uriEncode" | "parseURL" | "aws.partition" | "aws.parseArn" => {
                arity(1)?;
                let s = self.present(&args[0], scope, parts, path)?;
                self.expect(&s, Ty::Str, path)?;
                let s = s.tokens;
                Ok(match name {
                    "uriEncode" => {
                        let call = self.lib(quote!(uri_encode(#s)));
                        val(quote!(Some(#call)), Ty::Str, true).owned()
                    }
                    "parseURL" => val(self.lib(quote!(parse_url(#s))), Ty::Url, true),
                    "aws.partition" => val(
                        self.lib(quote!(partition(&PARTITIONS, #s))),
                        Ty::Partition,
                        true,
                    ),
                    _ => val(self.lib(quote!(parse_arn(#s))), Ty::Arn, true),
                })
            }
            "isValidHostLabel" | "aws.isVirtualHostableS3Bucket" => {
                arity(2)?;
                let s = self.present(&args[0], scope, parts, path)?;
                let sub = self.present(&args[1], scope, parts, path)?;
                self.expect(&s, Ty::Str, path)?;
                self.expect(&sub, Ty::Bool, path)?;
                let (s, sub) = (s.tokens, sub.tokens);
                let f = if name == "isValidHostLabel" {
                    self.lib(quote!(is_valid_host_label))
                } else {
                    self.lib(quote!(is_virtual_hostable_s3_bucket))
                };
                Ok(val(quote!(#f(#s, #sub)), Ty::Bool, false))
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
                self.uses.map.set(true);
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
        self.uses.document.set(true);
        Ok(match value {
            Value::Null => quote!(Document::Null),
            Value::Bool(b) => quote!(Document::Bool(#b)),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => quote!(Document::from(#u)),
                (None, Some(i)) => quote!(Document::from(#i)),
                _ => {
                    let f = n.as_f64().unwrap_or(0.0);
                    self.uses.number.set(true);
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
                self.uses.map.set(true);
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

pub(super) fn emit_resolver(e: &Endpoints) -> Result<(TokenStream, Uses)> {
    let mut compiler = Compiler {
        params: &e.params,
        temps: 0,
        uses: Uses::default(),
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
    Ok((
        quote! {
            #(#checks)*
            #body
        },
        compiler.uses,
    ))
}

/// `x.as_str()` without its `.as_str()` (a `String` has `is_empty` itself; clippy:
/// redundant_as_str); other expressions as they are.
fn without_as_str(value: &TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    let tokens: Vec<TokenTree> = value.clone().into_iter().collect();
    match tokens.as_slice() {
        [
            rest @ ..,
            TokenTree::Punct(dot),
            TokenTree::Ident(name),
            TokenTree::Group(args),
        ] if dot.as_char() == '.'
            && name == "as_str"
            && args.delimiter() == Delimiter::Parenthesis
            && args.stream().is_empty()
            && !rest.is_empty() =>
        {
            rest.iter().cloned().collect()
        }
        _ => value.clone(),
    }
}
