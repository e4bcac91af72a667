//! `smithy.rules#operationContextParams` paths: Smithy's restricted JMESPath subset (fields,
//! sub-expressions, `[*]` projections, multi-select lists, `[]` flattening and `keys(..)`),
//! compiled at generation time into Rust over the typed input structure.
//!
//! A path's values are collected in order into `values: Vec<String>` (absent members and
//! projected nulls are skipped); a string parameter takes the first, a string-array parameter
//! all of them (unset when there are none).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::endpoints::rules::ParamType;
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

struct Walker<'a> {
    krate: &'a Crate,
    depth: usize,
}

impl<'a> Walker<'a> {
    fn structure(&self, ty: &Type) -> Result<&'a Structure, String> {
        match ty {
            Type::Struct(path) => self
                .krate
                .structure(path)
                .ok_or_else(|| format!("structure `{}` is not generated", path.name)),
            _ => Err("a member is selected from something that is not a structure".into()),
        }
    }

    fn next_var(&mut self) -> proc_macro2::Ident {
        self.depth += 1;
        format_ident!("v{}", self.depth)
    }

    /// Statements pushing every value of `segs` applied to `cur` (a place expression of type
    /// `ty`, or of `Option<ty>` when `optional`). `conds` are `let Some(..) = ..` tests still to
    /// be emitted: consecutive optional members become one `if let .. && let ..` chain.
    fn walk(
        &mut self,
        segs: &[Seg],
        cur: TokenStream,
        ty: &Type,
        optional: bool,
        mut conds: Vec<TokenStream>,
    ) -> Result<TokenStream, String> {
        if optional {
            let v = self.next_var();
            conds.push(quote!(let Some(#v) = &#cur));
            return self.walk(segs, quote!(#v), ty, false, conds);
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
        let Some((first, rest)) = segs.split_first() else {
            return match ty {
                Type::String => Ok(wrap(conds, quote!(values.push(#cur.clone());))),
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
                let f = ident(&field.ident);
                self.walk(rest, quote!(#cur.#f), &field.ty, field.optional, conds)
            }
            Seg::Project => match ty {
                Type::List(item) => {
                    let v = self.next_var();
                    let inner = self.walk(rest, quote!(#v), &item.ty, item.sparse, Vec::new())?;
                    Ok(wrap(
                        conds,
                        quote! {
                            for #v in #cur.iter() {
                                #inner
                            }
                        },
                    ))
                }
                _ => Err("`[*]` or `[]` applied to something that is not a list".into()),
            },
            Seg::Multi(branches) => {
                let mut out = TokenStream::new();
                for branch in branches {
                    let mut full = branch.clone();
                    // A flatten right after the multi-select only removes the nesting, which
                    // collecting into one list does anyway.
                    let rest = match rest.first() {
                        Some(Seg::Project) => &rest[1..],
                        _ => rest,
                    };
                    full.extend(rest.iter().cloned());
                    out.extend(self.walk(&full, cur.clone(), ty, false, Vec::new())?);
                }
                Ok(wrap(conds, out))
            }
            Seg::Keys(inner) => {
                if !rest.is_empty() {
                    return Err("nothing may follow `keys(..)`".into());
                }
                if inner.is_empty() {
                    return match ty {
                        Type::Map(map) if matches!(map.key, Type::String) => {
                            Ok(wrap(conds, quote!(values.extend(#cur.keys().cloned());)))
                        }
                        _ => {
                            Err("`keys(..)` of something that is not a map with string keys".into())
                        }
                    };
                }
                let mut keys = inner.clone();
                keys.push(Seg::Keys(Vec::new()));
                self.walk(&keys, cur, ty, false, conds)
            }
        }
    }
}

/// Rust for an operation's `send`: the parameter's value (`Option<String>` or
/// `Option<Vec<String>>`) computed from `input`.
pub fn compile(
    krate: &Crate,
    input: &Structure,
    path: &str,
    ty: ParamType,
) -> Result<TokenStream, String> {
    let segs = parse(path)?;
    let mut walker = Walker { krate, depth: 0 };
    let root = Type::Struct(input.path.clone());
    let body = walker.walk(&segs, quote!(input), &root, false, Vec::new())?;
    let result = match ty {
        ParamType::String => quote!(values.into_iter().next()),
        // Nothing selected (absent members): the parameter is unset.
        ParamType::StringArray => quote!((!values.is_empty()).then_some(values)),
        ParamType::Boolean => return Err("boolean parameters cannot be bound to paths".into()),
    };
    Ok(quote! {
        {
            let mut values: Vec<String> = Vec::new();
            #body
            #result
        }
    })
}

/// The Rust a [`crate::endpoints::Binding::Path`] compiles to. The IR holds the path rather than
/// tokens (token streams cannot cross the formatting threads); it was compiled once when the IR
/// was built, so compiling it again from the same input cannot fail, and if it somehow did the
/// generated crate would not compile, naming the path.
pub fn path_code(krate: &Crate, input: &Structure, path: &str, ty: ParamType) -> TokenStream {
    compile(krate, input, path, ty).unwrap_or_else(|e| {
        let message = format!("operationContextParams path {path:?}: {e}");
        quote!(compile_error!(#message))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
