//! One generated test per `smithy.rules#endpointTests` case.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::rules::*;
use crate::error::Result;
use crate::tokens::ident;

/// A `#[test]` name from a case's documentation and index.
pub(super) fn test_name(index: usize, documentation: &str) -> proc_macro2::Ident {
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

pub(super) fn tests_module(e: &Endpoints) -> Result<TokenStream> {
    if e.tests.is_empty() {
        return Ok(TokenStream::new());
    }
    let mut cases = Vec::new();
    let mut uses_map = false;
    let mut uses_document = false;
    let mut uses_number = false;
    for (i, case) in e.tests.iter().enumerate() {
        let name = test_name(i, &case.documentation);
        let doc = crate::tokens::doc_line(&case.documentation.replace('\n', " "));
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
                    uses_number |= properties.values().any(has_number);
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
/// Whether `value` holds a number ([`document_literal`] writes each as a `Number`).
fn has_number(value: &Value) -> bool {
    match value {
        Value::Number(_) => true,
        Value::Array(items) => items.iter().any(has_number),
        Value::Object(o) => o.values().any(has_number),
        _ => false,
    }
}

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
