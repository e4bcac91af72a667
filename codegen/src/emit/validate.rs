//! Validators for every structure a request carries: `@required` on input members, `@length`,
//! `@range` and `@pattern`, recursing through nested structures and lists.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, path_tokens};
use crate::ir::{Constraints, Crate, Structure, Type, TypePath, Union};

pub fn validate_rs(krate: &Crate) -> TokenStream {
    let checked = Checked::new(krate);
    let patterns_import = (!krate.patterns.is_empty()).then(|| {
        quote!(
            use crate::patterns;
        )
    });
    let impls = krate
        .structures
        .iter()
        .filter(|s| s.validated)
        .map(|s| validator(krate, s, &checked));
    let union_impls = krate
        .unions
        .iter()
        .filter(|u| u.validated)
        .map(|u| union_validator(krate, u, &checked));
    quote! {
        //! Client-side validation of the constraints the model puts on inputs.

        use crate::error::ValidationError;
        #patterns_import
        use crate::runtime::validation::{Path, Violations};

        #(#impls)*
        #(#union_impls)*
    }
}

/// Which structures have anything to check, directly or through their members.
struct Checked<'a> {
    by_path: BTreeMap<String, &'a Structure>,
    unions: BTreeMap<String, &'a Union>,
    memo: std::cell::RefCell<BTreeMap<String, bool>>,
}

impl<'a> Checked<'a> {
    fn new(krate: &'a Crate) -> Self {
        Checked {
            by_path: krate.structures.iter().map(|s| (key(&s.path), s)).collect(),
            unions: krate.unions.iter().map(|u| (key(&u.path), u)).collect(),
            memo: Default::default(),
        }
    }

    fn structure(&self, path: &TypePath) -> bool {
        let k = key(path);
        if let Some(known) = self.memo.borrow().get(&k) {
            return *known;
        }
        // Assume "no" while recursing, so recursive shapes terminate.
        self.memo.borrow_mut().insert(k.clone(), false);
        let result = match (self.by_path.get(&k), self.unions.get(&k)) {
            (Some(s), _) => s
                .fields
                .iter()
                .any(|f| (f.required && f.optional) || self.value(&f.ty, &f.constraints)),
            (None, Some(u)) => u.variants.iter().any(|v| {
                v.ty.as_ref()
                    .is_some_and(|ty| self.value(ty, &v.constraints))
            }),
            (None, None) => false,
        };
        self.memo.borrow_mut().insert(k, result);
        result
    }

    fn value(&self, ty: &Type, constraints: &Constraints) -> bool {
        !constraints.is_empty()
            || match ty {
                Type::Struct(path) | Type::Union(path) => self.structure(path),
                Type::List(item) => self.value(&item.ty, &item.constraints),
                Type::Map(map) => {
                    !map.key_constraints.is_empty()
                        || self.value(&map.value.ty, &map.value.constraints)
                }
                _ => false,
            }
    }
}

fn key(path: &TypePath) -> String {
    format!("{:?}::{}", path.module, path.name)
}

fn validator(krate: &Crate, s: &Structure, checked: &Checked<'_>) -> TokenStream {
    let name = path_tokens(&s.path, None);
    let doc = super::doc_line(&format!(
        "Checks every constraint the model puts on this `{}` and its members, and returns all violations at once.",
        s.path.name
    ));
    let body = if checked.structure(&s.path) {
        let checks = s.fields.iter().map(|f| {
            let field = ident(&f.ident);
            let wire = &f.wire;
            let required = (f.required && f.optional)
                .then(|| quote!(violations.required(&path, &self.#field);));
            let value_checks = checks(
                krate,
                checked,
                &f.ty,
                &f.constraints,
                f.sensitive,
                &quote!(value),
            );
            let value_checks = value_checks.map(|c| {
                if f.optional {
                    quote! {
                        if let Some(value) = &self.#field {
                            #c
                        }
                    }
                } else {
                    quote! {
                        let value = &self.#field;
                        #c
                    }
                }
            });
            if required.is_none() && value_checks.is_none() {
                return quote!();
            }
            quote! {
                {
                    let path = path.member(#wire);
                    #required
                    #value_checks
                }
            }
        });
        quote! {
            pub(crate) fn validate_into(&self, path: &Path<'_>, violations: &mut Violations) {
                #(#checks)*
            }
        }
    } else {
        quote! {
            pub(crate) fn validate_into(&self, _path: &Path<'_>, _violations: &mut Violations) {}
        }
    };
    quote! {
        impl #name {
            #doc
            pub fn validate(&self) -> Result<(), ValidationError> {
                let mut violations = Violations::default();
                self.validate_into(&Path::Root, &mut violations);
                violations.into_result()
            }

            #body
        }
    }
}

/// The checks on one value (`value` is a reference); `None` when there is nothing to check.
fn checks(
    krate: &Crate,
    checked: &Checked<'_>,
    ty: &Type,
    constraints: &Constraints,
    sensitive: bool,
    value: &TokenStream,
) -> Option<TokenStream> {
    let mut out = Vec::new();
    if let Some(length) = constraints.length {
        let min = bound_u64(length.min);
        let max = bound_u64(length.max);
        out.push(match ty {
            Type::String => quote!(violations.str_length(&path, #value, #min, #max);),
            // A string enum's `@length` counts its value's characters (Application Insights'
            // `Tier`).
            Type::Enum(_) => quote!(violations.str_length(&path, #value.as_str(), #min, #max);),
            _ => quote!(violations.length(&path, #value.len(), #min, #max);),
        });
    }
    if let Some(range) = constraints.range {
        let min = bound_f64(range.min);
        let max = bound_f64(range.max);
        let as_f64 = match ty {
            Type::Long => quote!(*#value as f64),
            Type::Double => quote!(*#value),
            _ => quote!(f64::from(*#value)),
        };
        if matches!(
            ty,
            Type::Byte | Type::Short | Type::Integer | Type::Long | Type::Float | Type::Double
        ) {
            out.push(quote!(violations.range(&path, #as_f64, #min, #max, #sensitive);));
        }
    }
    if let Some(index) = constraints.pattern {
        let def = &krate.patterns[index];
        let pattern = ident(&def.ident);
        let text = match ty {
            Type::Enum(_) => quote!(#value.as_str()),
            _ => value.clone(),
        };
        out.push(quote!(
            violations.pattern(&path, patterns::#pattern.is_match(#text), patterns::#pattern.source);
        ));
    }
    match ty {
        Type::Struct(path) | Type::Union(path) if checked.structure(path) => {
            out.push(quote!(#value.validate_into(&path, violations);));
        }
        Type::List(item) => {
            if let Some(item_checks) = checks(
                krate,
                checked,
                &item.ty,
                &item.constraints,
                item.sensitive,
                &quote!(item),
            ) {
                let item_checks = if item.sparse {
                    quote!(if let Some(item) = item { #item_checks })
                } else {
                    item_checks
                };
                out.push(quote! {
                    for (index, item) in #value.iter().enumerate() {
                        let path = path.index(index);
                        #item_checks
                    }
                });
            }
        }
        Type::Map(map) => {
            let key_checks = checks(
                krate,
                checked,
                &map.key,
                &map.key_constraints,
                false,
                &quote!(key),
            )
            .map(|c| {
                quote! {
                    {
                        let path = path.map_key(key.as_str());
                        #c
                    }
                }
            });
            let value_checks = checks(
                krate,
                checked,
                &map.value.ty,
                &map.value.constraints,
                map.value.sensitive,
                &quote!(item),
            );
            let value_checks = match value_checks {
                Some(c) if map.value.sparse => Some(quote!(if let Some(item) = item { #c })),
                other => other,
            };
            match (key_checks, value_checks) {
                (None, None) => {}
                // Only the keys: no value to bind (clippy's `for_kv_map`).
                (Some(key_checks), None) => out.push(quote! {
                    for key in #value.keys() {
                        #key_checks
                    }
                }),
                (key_checks, Some(value_checks)) => out.push(quote! {
                    for (key, item) in #value {
                        #key_checks
                        let path = path.key(key.as_str());
                        #value_checks
                    }
                }),
            }
        }
        _ => {}
    }
    (!out.is_empty()).then(|| quote!(#(#out)*))
}

fn bound_u64(bound: Option<f64>) -> TokenStream {
    match bound {
        Some(b) => {
            let b = proc_macro2::Literal::u64_unsuffixed(b as u64);
            quote!(Some(#b))
        }
        None => quote!(None),
    }
}

fn bound_f64(bound: Option<f64>) -> TokenStream {
    match bound {
        Some(b) => {
            let b = proc_macro2::Literal::f64_unsuffixed(b);
            quote!(Some(#b))
        }
        None => quote!(None),
    }
}

fn union_validator(krate: &Crate, u: &Union, checked: &Checked<'_>) -> TokenStream {
    let name = path_tokens(&u.path, None);
    let doc = super::doc_line(&format!(
        "Checks every constraint the model puts on the member of this `{}` that is set.",
        u.path.name
    ));
    let arms: Vec<(TokenStream, TokenStream)> = u
        .variants
        .iter()
        .filter_map(|v| {
            let ty = v.ty.as_ref()?;
            let checks = checks(
                krate,
                checked,
                ty,
                &v.constraints,
                v.sensitive,
                &quote!(value),
            )?;
            let variant = ident(&v.ident);
            let wire = &v.wire;
            Some((
                quote!(Self::#variant(value)),
                quote! {
                    let path = path.member(#wire);
                    #checks
                },
            ))
        })
        .collect();
    let body = match arms.as_slice() {
        [] => quote!(
            pub(crate) fn validate_into(&self, _path: &Path<'_>, _violations: &mut Violations) {}
        ),
        [(pattern, checks)] => quote! {
            pub(crate) fn validate_into(&self, path: &Path<'_>, violations: &mut Violations) {
                if let #pattern = self {
                    #checks
                }
            }
        },
        arms => {
            let arms = arms
                .iter()
                .map(|(pattern, checks)| quote!(#pattern => { #checks }));
            quote! {
                pub(crate) fn validate_into(&self, path: &Path<'_>, violations: &mut Violations) {
                    match self {
                        #(#arms)*
                        _ => {}
                    }
                }
            }
        }
    };
    quote! {
        impl #name {
            #doc
            pub fn validate(&self) -> Result<(), ValidationError> {
                let mut violations = Violations::default();
                self.validate_into(&Path::Root, &mut violations);
                violations.into_result()
            }

            #body
        }
    }
}
