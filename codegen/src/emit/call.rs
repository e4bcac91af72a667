//! What every call of an operation shares, whether the fluent builder's `send`, a paginator or
//! a waiter makes it: the input built from its builder, the orchestrator's arguments (body
//! compressor, endpoint) and the retryable error codes.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::{Crate, Operation};

/// The operation's input structure.
pub(super) fn input_struct<'k>(krate: &'k Crate, op: &Operation) -> &'k crate::ir::Structure {
    match krate.structure(&op.input) {
        Some(s) => s,
        None => unreachable!("every operation input is a generated structure"),
    }
}

/// Statements building `let input` from the input builder `builder`: unset
/// `@idempotencyToken` members get a fresh UUID first (once per call, so every retry of the
/// serialized request carries the same token); a missing required member is `fail(error)`.
pub(super) fn build_input(
    input_struct: &crate::ir::Structure,
    builder: &TokenStream,
    handle: &TokenStream,
    fail: impl Fn(TokenStream) -> TokenStream,
) -> TokenStream {
    let fills: Vec<TokenStream> = input_struct
        .fields
        .iter()
        .filter(|f| f.is_auto_token())
        .map(|f| {
            let field = ident(&f.ident);
            let get = ident(&format!("get_{}", crate::naming::bare(&f.ident)));
            quote! {
                if builder.#get().is_none() {
                    let token = #handle.idempotency_token();
                    builder = builder.#field(token.unwrap_or_else(crate::runtime::idempotency::token));
                }
            }
        })
        .collect();
    let build = |receiver: TokenStream| {
        if input_struct.required_fields().next().is_some() {
            let error = fail(quote!(e.into()));
            quote!(#receiver.build().map_err(|e| #error)?)
        } else {
            quote!(#receiver.build())
        }
    };
    if fills.is_empty() {
        let build = build(builder.clone());
        quote!(let input = #build;)
    } else {
        let build = build(quote!(builder));
        quote! {
            let mut builder = #builder;
            #(#fills)*
            let input = #build;
        }
    }
}

/// What every call of an operation hands the orchestrator besides the request: the body
/// compressor, and the endpoint (code that binds `endpoint`, an `Option` as `invoke` takes it,
/// run with `handle` (the client's `Handle`) and `input` in scope, and the argument passing it;
/// `None`: the client's endpoint).
pub(super) struct Dispatch {
    pub(super) compressor: TokenStream,
    pub(super) endpoint: TokenStream,
    pub(super) endpoint_arg: TokenStream,
}

pub(super) fn dispatch(krate: &Crate, op: &Operation) -> Dispatch {
    let compressor = if op.gzip {
        quote!(Some(crate::runtime::compression::gzip))
    } else {
        quote!(None)
    };
    let endpoints = krate.endpoints.as_ref();
    let bindings = endpoints.and_then(|e| e.bindings.get(&op.name));
    let (endpoint, endpoint_arg) = match (endpoints, bindings) {
        (Some(e), Some(bindings)) => {
            // Whether the parameter's field is an `Option` (it has no default).
            let optional = |field: &str| {
                e.params
                    .iter()
                    .find(|p| p.field == field)
                    .is_none_or(|p| p.optional())
            };
            let sets = bindings.iter().map(|b| match b {
                crate::endpoints::Binding::Static { param, value } => {
                    let wrap = optional(param);
                    let param = ident(param);
                    let value = match value {
                        serde_json::Value::Bool(b) => quote!(#b),
                        serde_json::Value::String(s) => quote!(#s.to_string()),
                        serde_json::Value::Array(items) => {
                            let items = items.iter().filter_map(serde_json::Value::as_str);
                            quote!(vec![#(#items.to_string()),*])
                        }
                        _ => quote!(Default::default()),
                    };
                    if wrap {
                        quote!(params.#param = Some(#value);)
                    } else {
                        quote!(params.#param = #value;)
                    }
                }
                crate::endpoints::Binding::Member {
                    param,
                    field,
                    optional: field_optional,
                } => {
                    let wrap = optional(param);
                    let param = ident(param);
                    let field = ident(field);
                    match (*field_optional, wrap) {
                        (true, true) => quote!(params.#param = input.#field.clone();),
                        (false, true) => quote!(params.#param = Some(input.#field.clone());),
                        (false, false) => quote!(params.#param = input.#field.clone();),
                        (true, false) => quote! {
                            if let Some(value) = &input.#field {
                                params.#param = value.clone();
                            }
                        },
                    }
                }
                crate::endpoints::Binding::Path {
                    param, walk, ty, ..
                } => {
                    let code = crate::context_paths::code(walk, *ty);
                    let wrap = optional(param);
                    let param = ident(param);
                    if wrap {
                        quote!(params.#param = #code;)
                    } else {
                        quote! {
                            if let Some(value) = #code {
                                params.#param = value;
                            }
                        }
                    }
                }
            });
            let constant = bindings
                .iter()
                .all(|b| matches!(b, crate::endpoints::Binding::Static { .. }));
            let op_name = &op.name;
            let code = if constant {
                quote! {
                    // This operation sets constant endpoint parameters: resolved once per client.
                    let endpoint = handle.cached_endpoint(#op_name, |config| {
                        let mut params = crate::endpoint::Params::from_config(config);
                        #(#sets)*
                        crate::endpoint::resolve(&params)
                    });
                }
            } else {
                quote! {
                    // This operation's input sets endpoint parameters: resolved for each call.
                    let mut params = crate::endpoint::Params::from_config(handle.endpoint_config());
                    #(#sets)*
                    let endpoint = Some(crate::endpoint::resolve(&params));
                }
            };
            (code, quote!(endpoint))
        }
        _ => (TokenStream::new(), quote!(None)),
    };
    Dispatch {
        compressor,
        endpoint,
        endpoint_arg,
    }
}

/// What the operation's calls pass as its retryable error codes: its `RETRYABLE_ERRORS` table,
/// or an empty slice when the model marks none.
pub(super) fn retryable_errors(op: &Operation) -> TokenStream {
    if op.errors.iter().any(|e| e.retryable) {
        quote!(RETRYABLE_ERRORS)
    } else {
        quote!(&[])
    }
}
