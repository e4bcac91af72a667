//! The generated `src/endpoint.rs`: the `Params` struct, the compiled `resolve` function and
//! the partition tables.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::cases::tests_module;
use super::compile::emit_resolver;
use super::partitions::Partitions;
use super::rules::*;
use crate::error::Result;
use crate::tokens::{ident, lines_to_docs};

/// `src/endpoint.rs`.
pub fn endpoint_rs(e: &Endpoints) -> Result<TokenStream> {
    let (body, uses) = emit_resolver(e)?;
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
        let doc = crate::tokens::doc_line(&format!("Sets `{}`.", p.name));
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
    let lib_use = if e.uses_partitions || uses.lib.get() {
        quote!(
            use crate::runtime::endpoint_lib as lib;
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
    let document_use = uses.document.get().then(|| {
        if uses.number.get() {
            quote!(
                use crate::primitives::{Document, Number};
            )
        } else {
            quote!(
                use crate::primitives::Document;
            )
        }
    });
    let map_use = uses.map.get().then(|| {
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
    let params_docs = crate::tokens::doc_line(
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
        let region_regex = crate::tokens::dfa_literal(&d.region_regex, &d.tables);
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
    let doc = crate::tokens::doc_line(&format!(
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
