//! `smithy.rules#operationContextParams` paths: Smithy's restricted JMESPath subset (fields,
//! sub-expressions, `[*]` projections, multi-select lists, `[]` flattening and `keys(..)`),
//! resolved when the IR is built against the typed input structure ([`resolve`] gives the
//! [`Walk`] the IR holds) and written as Rust over it by [`code`].
//!
//! A path's values are collected in order into `values: Vec<String>` (absent members and
//! projected nulls are skipped); a string parameter takes the first, a string-array parameter
//! all of them (unset when there are none).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::endpoints::rules::{ParamType, Walk};
use crate::ir::{Crate, Structure, Type};
use crate::tokens::ident;

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Field(String),
    /// `[*]`, or `[]` (flatten): both iterate the current list.
    Project,
    /// `[a.b, c]`: every branch, each followed by the rest of the path.
    Multi(Vec<Vec<Seg>>),
    /// `keys(path)`: the keys of the map at `path`.
    Keys(Vec<Seg>),
}

struct Lexer<'a> {
    text: &'a str,
    at: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().find(|c| !c.is_whitespace())
    }

    fn skip_ws(&mut self) {
        let rest = &self.text[self.at..];
        self.at += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, s: &str) -> bool {
        self.skip_ws();
        if self.text[self.at..].starts_with(s) {
            self.at += s.len();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Result<String, String> {
        self.skip_ws();
        let rest = &self.text[self.at..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len == 0 || !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return Err(format!("expected a member name at offset {}", self.at));
        }
        self.at += len;
        Ok(rest[..len].to_string())
    }

    /// `expr := step ('.' step | '[*]' | '[]')*`
    fn expr(&mut self) -> Result<Vec<Seg>, String> {
        let mut segs = Vec::new();
        self.step(&mut segs)?;
        loop {
            if self.eat("[*]") || self.eat("[]") {
                segs.push(Seg::Project);
            } else if self.eat(".") {
                self.step(&mut segs)?;
            } else {
                return Ok(segs);
            }
        }
    }

    /// A member, `keys(expr)`, or a multi-select list `[expr, ...]`.
    fn step(&mut self, segs: &mut Vec<Seg>) -> Result<(), String> {
        if self.peek() == Some('[') && !self.text[self.at..].trim_start().starts_with("[*]") {
            self.eat("[");
            let mut branches = vec![self.expr()?];
            while self.eat(",") {
                branches.push(self.expr()?);
            }
            if !self.eat("]") {
                return Err(format!("expected `]` at offset {}", self.at));
            }
            segs.push(Seg::Multi(branches));
            return Ok(());
        }
        let name = self.ident()?;
        if name == "keys" && self.eat("(") {
            let inner = self.expr()?;
            if !self.eat(")") {
                return Err(format!("expected `)` at offset {}", self.at));
            }
            segs.push(Seg::Keys(inner));
        } else {
            segs.push(Seg::Field(name));
        }
        Ok(())
    }
}

fn parse(path: &str) -> Result<Vec<Seg>, String> {
    let mut lexer = Lexer { text: path, at: 0 };
    let segs = lexer.expr()?;
    lexer.skip_ws();
    if lexer.at != path.len() {
        return Err(format!("unexpected text at offset {}", lexer.at));
    }
    Ok(segs)
}

/// Resolves a path's segments against the input's Rust types.
struct Resolver<'a> {
    krate: &'a Crate,
}

impl<'a> Resolver<'a> {
    fn structure(&self, ty: &Type) -> Result<&'a Structure, String> {
        match ty {
            Type::Struct(path) => self
                .krate
                .structure(path)
                .ok_or_else(|| format!("structure `{}` is not generated", path.name)),
            _ => Err("a member is selected from something that is not a structure".into()),
        }
    }

    /// What `segs` applied to a value of type `ty` walks.
    fn walk(&self, segs: &[Seg], ty: &Type) -> Result<Walk, String> {
        let Some((first, rest)) = segs.split_first() else {
            return match ty {
                Type::String => Ok(Walk::Push),
                _ => Err("the path does not end at a string".into()),
            };
        };
        match first {
            Seg::Field(name) => {
                let s = self.structure(ty)?;
                let field = s
                    .fields
                    .iter()
                    .find(|f| &f.wire == name)
                    .ok_or_else(|| format!("`{}` has no member `{name}`", s.path.name))?;
                Ok(Walk::Field {
                    field: field.ident.clone(),
                    optional: field.optional,
                    then: Box::new(self.walk(rest, &field.ty)?),
                })
            }
            Seg::Project => match ty {
                Type::List(item) => Ok(Walk::Each {
                    sparse: item.sparse,
                    then: Box::new(self.walk(rest, &item.ty)?),
                }),
                _ => Err("`[*]` or `[]` applied to something that is not a list".into()),
            },
            Seg::Multi(branches) => {
                // A flatten right after the multi-select only removes the nesting, which
                // collecting into one list does anyway.
                let rest = match rest.first() {
                    Some(Seg::Project) => &rest[1..],
                    _ => rest,
                };
                let branches = branches
                    .iter()
                    .map(|branch| {
                        let full: Vec<Seg> = branch.iter().chain(rest).cloned().collect();
                        self.walk(&full, ty)
                    })
                    .collect::<Result<_, _>>()?;
                Ok(Walk::All(branches))
            }
            Seg::Keys(inner) => {
                if !rest.is_empty() {
                    return Err("nothing may follow `keys(..)`".into());
                }
                if inner.is_empty() {
                    return match ty {
                        Type::Map(map) if matches!(map.key, Type::String) => Ok(Walk::Keys),
                        _ => {
                            Err("`keys(..)` of something that is not a map with string keys".into())
                        }
                    };
                }
                let mut keys = inner.clone();
                keys.push(Seg::Keys(Vec::new()));
                self.walk(&keys, ty)
            }
        }
    }
}

/// Parses `path` and resolves it against `input`, for a parameter of type `ty`.
pub fn resolve(
    krate: &Crate,
    input: &Structure,
    path: &str,
    ty: ParamType,
) -> Result<Walk, String> {
    if ty == ParamType::Boolean {
        return Err("boolean parameters cannot be bound to paths".into());
    }
    let segs = parse(path)?;
    Resolver { krate }.walk(&segs, &Type::Struct(input.path.clone()))
}

/// Rust for an operation's `send`: the parameter's value (`Option<String>` or
/// `Option<Vec<String>>`) collected from `input` along `walk`.
pub fn code(walk: &Walk, ty: ParamType) -> TokenStream {
    let mut emitter = Emitter { depth: 0 };
    let body = emitter.walk(walk, quote!(input), false, Vec::new());
    let result = match ty {
        ParamType::String => quote!(values.into_iter().next()),
        ParamType::Boolean => unreachable!("`resolve` refuses boolean parameters"),
        // Nothing selected (absent members): the parameter is unset.
        ParamType::StringArray => quote!((!values.is_empty()).then_some(values)),
    };
    quote! {
        {
            let mut values: Vec<String> = Vec::new();
            #body
            #result
        }
    }
}

/// Writes a [`Walk`] as statements, naming the values it binds `v1`, `v2`, ...
struct Emitter {
    depth: usize,
}

impl Emitter {
    fn next_var(&mut self) -> proc_macro2::Ident {
        self.depth += 1;
        format_ident!("v{}", self.depth)
    }

    /// Statements pushing every value `walk` reaches from `cur` (a place expression, an
    /// `Option` when `optional`). `conds` are `let Some(..) = ..` tests still to be emitted:
    /// consecutive optional members become one `if let .. && let ..` chain.
    fn walk(
        &mut self,
        walk: &Walk,
        cur: TokenStream,
        optional: bool,
        mut conds: Vec<TokenStream>,
    ) -> TokenStream {
        if optional {
            let v = self.next_var();
            conds.push(quote!(let Some(#v) = &#cur));
            return self.walk(walk, quote!(#v), false, conds);
        }
        let wrap = |conds: Vec<TokenStream>, body: TokenStream| {
            if conds.is_empty() {
                body
            } else {
                quote! {
                    if #(#conds)&&* {
                        #body
                    }
                }
            }
        };
        match walk {
            Walk::Push => wrap(conds, quote!(values.push(#cur.clone());)),
            Walk::Keys => wrap(conds, quote!(values.extend(#cur.keys().cloned());)),
            Walk::Field {
                field,
                optional,
                then,
            } => {
                let f = ident(field);
                self.walk(then, quote!(#cur.#f), *optional, conds)
            }
            Walk::Each { sparse, then } => {
                let v = self.next_var();
                let inner = self.walk(then, quote!(#v), *sparse, Vec::new());
                wrap(
                    conds,
                    quote! {
                        for #v in #cur.iter() {
                            #inner
                        }
                    },
                )
            }
            Walk::All(branches) => {
                let out: TokenStream = branches
                    .iter()
                    .map(|branch| self.walk(branch, cur.clone(), false, Vec::new()))
                    .collect();
                wrap(conds, out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The IR of a one-operation model whose input is `In { Items: [Item], Tags: {String: String},
    /// Name: String }`, `Item { Key: String }`.
    fn ir() -> Crate {
        let text = r#"{"smithy":"2.0","shapes":{
            "a#Svc":{"type":"service","operations":[{"target":"a#Op"}],"traits":{"aws.protocols#awsJson1_0":{}}},
            "a#Op":{"type":"operation","input":{"target":"a#In"},"output":{"target":"smithy.api#Unit"}},
            "a#In":{"type":"structure","members":{"Items":{"target":"a#Items"},"Tags":{"target":"a#Tags"},"Name":{"target":"smithy.api#String","traits":{"smithy.api#required":{}}}}},
            "a#Items":{"type":"list","member":{"target":"a#Item"}},
            "a#Item":{"type":"structure","members":{"Key":{"target":"smithy.api#String"}}},
            "a#Tags":{"type":"map","key":{"target":"smithy.api#String"},"value":{"target":"smithy.api#String"}}
        }}"#;
        let model = crate::model::Model::parse(std::path::Path::new("m.json"), text).unwrap();
        crate::Generator::new().build_ir(&model).unwrap()
    }

    #[test]
    fn paths_resolve_to_the_inputs_rust_fields() {
        let krate = ir();
        let input = krate
            .structure(&krate.operations[0].input)
            .expect("the input structure");
        let field = |name: &str, optional: bool, then: Walk| Walk::Field {
            field: name.into(),
            optional,
            then: Box::new(then),
        };
        assert_eq!(
            resolve(&krate, input, "Items[*].Key", ParamType::StringArray).unwrap(),
            field(
                "items",
                true,
                Walk::Each {
                    sparse: false,
                    then: Box::new(field("key", true, Walk::Push))
                }
            )
        );
        assert_eq!(
            resolve(&krate, input, "[Name, keys(Tags)]", ParamType::StringArray).unwrap(),
            Walk::All(vec![
                field("name", false, Walk::Push),
                field("tags", true, Walk::Keys)
            ])
        );
        let error = |path: &str, ty| resolve(&krate, input, path, ty).unwrap_err();
        assert_eq!(
            error("Nope", ParamType::String),
            format!("`{}` has no member `Nope`", input.path.name)
        );
        assert_eq!(
            error("Items", ParamType::String),
            "the path does not end at a string"
        );
        assert_eq!(
            error("Name[*]", ParamType::String),
            "`[*]` or `[]` applied to something that is not a list"
        );
        assert_eq!(
            error("Name", ParamType::Boolean),
            "boolean parameters cannot be bound to paths"
        );
        // The code collects into `values` along the walk.
        let code = code(
            &resolve(&krate, input, "Items[*].Key", ParamType::String).unwrap(),
            ParamType::String,
        )
        .to_string();
        assert!(code.contains("for v2 in v1 . iter ()"), "{code}");
        assert!(code.contains("values . into_iter () . next ()"), "{code}");
    }

    #[test]
    fn parses_the_subset() {
        assert_eq!(
            parse("keys(RequestItems)").unwrap(),
            [Seg::Keys(vec![Seg::Field("RequestItems".into())])]
        );
        assert_eq!(
            parse("TransactItems[*].Get.TableName").unwrap(),
            [
                Seg::Field("TransactItems".into()),
                Seg::Project,
                Seg::Field("Get".into()),
                Seg::Field("TableName".into())
            ]
        );
        assert_eq!(
            parse("A[*].[B.C, D][]").unwrap(),
            [
                Seg::Field("A".into()),
                Seg::Project,
                Seg::Multi(vec![
                    vec![Seg::Field("B".into()), Seg::Field("C".into())],
                    vec![Seg::Field("D".into())]
                ]),
                Seg::Project
            ]
        );
        assert!(parse("A.").is_err());
        assert!(parse("A[0]").is_err());
        assert!(parse("keys(A").is_err());
    }
}
