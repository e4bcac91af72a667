//! One module per operation: its input/output types, its error enum and its sans-IO wire
//! functions.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, path_tokens};
use crate::ir::{Crate, Module, Operation};
use crate::model::ErrorFault;

pub fn operation_rs(krate: &Crate) -> TokenStream {
    let modules = krate.operations.iter().map(|op| {
        let module = ident(&op.snake);
        let doc = format!(" The `{}` operation.", op.name);
        quote! {
            #[doc = #doc]
            pub mod #module;
        }
    });
    quote! {
        //! One module per operation.

        #(#modules)*
    }
}

pub fn operation_module(krate: &Crate, op: &Operation) -> TokenStream {
    let module = Module::Operation(op.snake.clone());
    let mut header = vec![format!("`{}`", op.name)];
    if let Some(docs) = &op.docs {
        header.push(String::new());
        header.extend(crate::docs::to_rustdoc(docs));
    }
    if op.idempotent {
        header.push(String::new());
        header.push(
            "This operation is idempotent: repeating a successful call has no further effect."
                .into(),
        );
    }
    let header = header.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #line])
    });
    let structs = krate
        .structures
        .iter()
        .filter(|s| s.path.module == module)
        .map(|s| super::types::structure(s, &module));
    let error_enum = error_enum(op, &module);
    let wire = wire_functions(krate, op, &module);
    quote! {
        #(#header)*

        #(#structs)*
        #error_enum
        #wire
    }
}

fn error_enum(op: &Operation, module: &Module) -> TokenStream {
    let name = ident(&op.error_enum);
    let doc = format!(" Everything `{}` can fail with.", op.name);
    let variants = op.errors.iter().map(|e| {
        let variant = ident(&e.ty.name);
        let ty = path_tokens(&e.ty, Some(module));
        let docs = doc_attrs(e.docs.as_deref());
        quote! {
            #docs
            #variant(#ty),
        }
    });
    let arms = |body: &dyn Fn(&proc_macro2::Ident) -> TokenStream| {
        op.errors
            .iter()
            .map(|e| {
                let variant = ident(&e.ty.name);
                let result = body(&variant);
                quote!(Self::#variant(error) => #result,)
            })
            .collect::<Vec<_>>()
    };
    let display = arms(&|_| quote!(std::fmt::Display::fmt(error, f)));
    let source = arms(&|_| quote!(Some(error)));
    let codes: Vec<TokenStream> = op
        .errors
        .iter()
        .map(|e| {
            let variant = ident(&e.ty.name);
            let code = &e.code;
            quote!(Self::#variant(_) => Some(#code),)
        })
        .collect();
    let server_faults: Vec<TokenStream> = op
        .errors
        .iter()
        .filter(|e| e.fault == ErrorFault::Server)
        .map(|e| {
            let variant = ident(&e.ty.name);
            quote!(Self::#variant(_))
        })
        .collect();
    let is_server = if server_faults.is_empty() {
        quote!(matches!(self, Self::Unhandled(e) if e.status() >= 500))
    } else {
        quote!(
            matches!(self, #(#server_faults)|*)
                || matches!(self, Self::Unhandled(e) if e.status() >= 500)
        )
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// The response did not have the shape the model promises.
            MalformedResponse(crate::error::DeserializeError),
            /// An error the model does not list for this operation.
            Unhandled(crate::error::Unhandled),
        }

        impl #name {
            /// The error code: the modeled error's shape name, or what the service sent.
            pub fn code(&self) -> Option<&str> {
                match self {
                    #(#codes)*
                    Self::MalformedResponse(_) => None,
                    Self::Unhandled(error) => error.code(),
                }
            }

            /// Whether the service blamed itself (`@error("server")`, or an unmodeled 5xx).
            pub fn is_server_fault(&self) -> bool {
                #is_server
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #(#display)*
                    Self::MalformedResponse(error) => std::fmt::Display::fmt(error, f),
                    Self::Unhandled(error) => std::fmt::Display::fmt(error, f),
                }
            }
        }

        impl std::error::Error for #name {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    #(#source)*
                    Self::MalformedResponse(error) => Some(error),
                    Self::Unhandled(error) => Some(error),
                }
            }
        }
    }
}

fn wire_functions(krate: &Crate, op: &Operation, module: &Module) -> TokenStream {
    let input = path_tokens(&op.input, Some(module));
    let output = path_tokens(&op.output, Some(module));
    let error = ident(&op.error_enum);
    let target = format!("{}.{}", krate.service.target_prefix, op.name);
    let protocol = match krate.service.protocol {
        crate::ir::Protocol::AwsJson1_1 => "awsJson1_1",
        crate::ir::Protocol::AwsJson1_0 => "awsJson1_0",
    };
    let serialize_doc = format!(
        " The {protocol} request for `{}`: `POST /`, `Content-Type: {}`, `X-Amz-Target: {target}`, and the input as a JSON object (unset members omitted). Validation is separate: see `validate`.",
        op.name,
        krate.service.protocol.content_type()
    );
    let parse_doc = format!(
        " Reads a `{}` response: the output on 2xx; otherwise the error named by the `X-Amzn-Errortype` header or the body's `code`/`__type`.",
        op.name
    );
    let error_arms = op.errors.iter().map(|e| {
        let code = &e.code;
        let variant = ident(&e.ty.name);
        let ty = path_tokens(&e.ty, Some(module));
        quote!(Some(#code) => #ty::read_json(&error.body).map(#error::#variant),)
    });
    let dispatch = if op.errors.is_empty() {
        quote!(Err(#error::Unhandled(error.into())))
    } else {
        quote! {
            let modeled = match error.code.as_deref() {
                #(#error_arms)*
                _ => return Err(#error::Unhandled(error.into())),
            };
            Err(modeled.unwrap_or_else(#error::MalformedResponse))
        }
    };
    quote! {
        #[doc = #serialize_doc]
        pub fn serialize_request(input: &#input) -> http::Request<Vec<u8>> {
            let mut body = Vec::new();
            input.write_json(&mut body);
            crate::protocol::request(#target, body)
        }

        #[doc = #parse_doc]
        pub fn parse_response<B: AsRef<[u8]>>(response: &http::Response<B>) -> Result<#output, #error> {
            let body = response.body().as_ref();
            if response.status().is_success() {
                let value = crate::runtime::json::parse_body(body).map_err(#error::MalformedResponse)?;
                return #output::read_json(&value).map_err(#error::MalformedResponse);
            }
            let error = crate::runtime::json::parse_error(response.status().as_u16(), response.headers(), body);
            #dispatch
        }
    }
}
