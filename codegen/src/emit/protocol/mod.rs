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
mod json;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Crate, Module, Operation, Protocol};

/// The crate's `src/protocol.rs`.
pub fn protocol_rs(krate: &Crate) -> TokenStream {
    let skeleton = match krate.service.protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => aws_json::request_skeleton(krate),
        Protocol::RestJson1 => not_generated(krate),
    };
    let codecs = json::codecs(krate);
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
    }
}

/// An operation's `serialize_request` and `parse_response`, in its module.
pub fn wire_functions(krate: &Crate, op: &Operation, module: &Module) -> TokenStream {
    match krate.service.protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => aws_json::wire_functions(krate, op, module),
        Protocol::RestJson1 => not_generated(krate),
    }
}

/// What a protocol whose wire code is not generated yet emits: an error naming it, should
/// anything get past [`crate::Generator::generate`], which refuses such a crate first.
fn not_generated(krate: &Crate) -> TokenStream {
    let message = format!(
        "the {} request and response code is not generated yet",
        krate.service.protocol.name()
    );
    quote!(compile_error!(#message);)
}

/// Whether the protocol's request and response code is generated.
pub fn is_generated(protocol: Protocol) -> bool {
    match protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => true,
        Protocol::RestJson1 => false,
    }
}

/// The runtime modules the protocol's generated code calls, beyond the shared core.
pub fn runtime_modules(protocol: Protocol) -> &'static [&'static str] {
    match protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => &["json"],
        Protocol::RestJson1 => &["http_bindings", "json"],
    }
}
