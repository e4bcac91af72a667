//! The protocol boundary. Everything an operation shares across protocols is emitted elsewhere
//! and does not look at the protocol: shapes and builders, validation, endpoint resolution,
//! signing, retries, error enums, paginators, waiters and the CLI. What differs between
//! protocols is emitted here, behind three functions:
//!
//! - [`protocol_rs`]: the crate's `src/protocol.rs`, the body codec of every structure the
//!   operations send or receive (JSON today: [`json`]) and the protocol's request skeleton;
//! - [`wire_functions`]: each operation's `serialize_request` (input → method, URI, headers,
//!   body) and `parse_response` (status, headers and body → output or modeled error);
//! - [`runtime_modules`]: the runtime modules the protocol's generated code calls.
//!
//! One module per protocol family writes the parts that are its own ([`aws_json`]); the body
//! codec is a layer of its own, which restJson1 will share with awsJson, and HTTP bindings
//! (labels, query, headers, payload, response code) will be another, which restXml will share
//! with restJson1.

mod aws_json;
mod event_stream;
mod json;
mod rest_json;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Crate, Module, Operation, Protocol};

/// The crate's `src/protocol.rs`.
pub fn protocol_rs(krate: &Crate) -> TokenStream {
    let skeleton = match krate.service.protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => aws_json::request_skeleton(krate),
        Protocol::RestJson1 => rest_json::codec_items(krate),
    };
    let codecs = json::codecs(krate);
    let events = event_stream::codec_items(krate);
    let doc = crate::emit::lines_to_inner_docs(&[
        format!(
            "The {} wire format: the request skeleton, and the JSON codec of every structure",
            krate.service.protocol.name()
        ),
        "the selected operations send or receive.".to_string(),
    ]);
    quote! {
        #doc

        use serde_json::Value;

        use crate::runtime::json::{self, DeserializeError, ObjectWriter, ReadJson, WriteJson};

        #skeleton
        #codecs
        #events
    }
}

/// An operation's `serialize_request` and `parse_response`, in its module.
pub fn wire_functions(krate: &Crate, op: &Operation, module: &Module) -> TokenStream {
    match krate.service.protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => aws_json::wire_functions(krate, op, module),
        Protocol::RestJson1 => rest_json::wire_functions(krate, op, module),
    }
}

/// Statements adding the service customizations' headers to `request` ([`crate::customize`]),
/// once its body is final, each unless the request has it already.
fn customized_headers(op: &Operation) -> TokenStream {
    use crate::customize::Customization;
    let body = request_bytes(op);
    let headers = op.customizations.iter().map(|c| match c {
        Customization::Header { name, value } => quote! {
            if !request.headers().contains_key(#name) {
                request.headers_mut().insert(
                    http::HeaderName::from_static(#name),
                    http::HeaderValue::from_static(#value),
                );
            }
        },
        Customization::TreeHash => quote! {
            if !request.headers().contains_key("x-amz-sha256-tree-hash") {
                let (tree, linear) = crate::runtime::tree_hash::checksums(#body);
                let headers = request.headers_mut();
                headers.insert(http::HeaderName::from_static("x-amz-sha256-tree-hash"), tree);
                headers.insert(http::HeaderName::from_static("x-amz-content-sha256"), linear);
            }
        },
        Customization::LabelDefault { .. } => quote!(),
    });
    quote!(#(#headers)*)
}

/// Statements marking `request` with the operation's authentication when it is not SigV4
/// alone, which the orchestrator reads.
fn auth(op: &Operation) -> Option<TokenStream> {
    let scheme = match op.auth {
        crate::ir::Auth::SigV4 => return None,
        crate::ir::Auth::SigV4OrBearer => quote!(SigV4OrBearer),
        crate::ir::Auth::Bearer => quote!(Bearer),
        crate::ir::Auth::Optional => quote!(Optional),
        crate::ir::Auth::Anonymous => quote!(Anonymous),
    };
    Some(quote! {
        request.extensions_mut().insert(crate::runtime::orchestrator::Auth::#scheme);
    })
}

/// Statements adding the `Content-MD5` header of `@httpChecksumRequired` to `request`, once
/// its body is final; `None` for other operations.
/// The request body's bytes: a `@streaming` one is read into memory before it gets here when
/// the operation must hash it (the operation's `send`).
fn request_bytes(op: &Operation) -> TokenStream {
    if op.streams_input() {
        quote!(request.body().as_bytes().unwrap_or_default())
    } else {
        quote!(request.body())
    }
}

fn content_md5(op: &Operation) -> Option<TokenStream> {
    let body = request_bytes(op);
    op.content_md5.then(|| {
        quote! {
            let md5 = crate::runtime::checksum::content_md5(#body);
            request.headers_mut().insert(http::HeaderName::from_static("content-md5"), md5);
        }
    })
}

/// Statements giving `request` the operation's `@endpoint` host prefix, labels filled in from
/// `input`; `None` without one.
fn host_prefix(op: &Operation) -> Option<TokenStream> {
    let prefix = op.host_prefix.as_ref()?;
    // `foo.{label}.` → format!("foo.{}.", label value)
    let mut format = prefix.template.clone();
    let mut args = Vec::new();
    for (label, field, optional) in &prefix.labels {
        format = format.replace(&format!("{{{label}}}"), "{}");
        let field = crate::emit::ident(field);
        args.push(if *optional {
            quote!(input.#field.as_deref().unwrap_or_default())
        } else {
            quote!(input.#field)
        });
    }
    let format = format
        .replace("{}", "\u{0}")
        .replace('{', "{{")
        .replace('}', "}}")
        .replace('\u{0}', "{}");
    let prefix = if args.is_empty() {
        let template = &prefix.template;
        quote!(String::from(#template))
    } else {
        quote!(format!(#format, #(#args),*))
    };
    Some(quote! {
        // The operation's `@endpoint` host prefix, labels filled in from the input.
        let prefix = #prefix;
        request.extensions_mut().insert(crate::runtime::orchestrator::HostPrefix(prefix));
    })
}

/// The runtime modules the protocol's generated code calls, beyond the shared core.
pub fn runtime_modules(protocol: Protocol) -> &'static [&'static str] {
    match protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => &["json"],
        Protocol::RestJson1 => &["http_bindings", "json"],
    }
}
