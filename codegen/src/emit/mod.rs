//! Emit: one token stream per output file, built from the IR with `quote`.

mod call;
mod cli;
mod client;
pub mod inline;
mod operation;
mod pagination;
mod patterns;
mod protocol;
mod types;
mod validate;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Crate, Module, Operation, Type, TypePath};
pub use crate::tokens::{doc_line, ident, lines_to_docs, lines_to_inner_docs};

/// One generated file: Rust tokens (formatted later) or text written as is.
pub enum Output {
    Rust(TokenStream),
    Text(String),
}

/// The runtime modules, written verbatim into every generated crate as `src/runtime/{name}.rs`
/// (each without its trailing `#[cfg(test)] mod tests`).
///
/// A module may be a directory, laid out as Rust 2018 lays one out: `cli.rs` with its
/// submodules in `cli/` beside it. Each submodule is an entry of its own named `parent/child`
/// (`cli/shorthand` → `src/runtime/cli/shorthand.rs`), listed after its parent, which declares
/// it (`mod shorthand;`); the crate root declares only the parent. A submodule follows its
/// parent: written when the parent is, behind the same feature.
pub const RUNTIME: &[(&str, &str)] = &[
    (
        "aws_credentials",
        include_str!("../../runtime/aws_credentials.rs"),
    ),
    ("cli", include_str!("../../runtime/cli.rs")),
    (
        "cli/arbitrary",
        include_str!("../../runtime/cli/arbitrary.rs"),
    ),
    ("cli/args", include_str!("../../runtime/cli/args.rs")),
    ("cli/client", include_str!("../../runtime/cli/client.rs")),
    ("cli/coerce", include_str!("../../runtime/cli/coerce.rs")),
    ("cli/command", include_str!("../../runtime/cli/command.rs")),
    ("cli/output", include_str!("../../runtime/cli/output.rs")),
    ("cli/paging", include_str!("../../runtime/cli/paging.rs")),
    (
        "cli/shorthand",
        include_str!("../../runtime/cli/shorthand.rs"),
    ),
    (
        "cli/skeleton",
        include_str!("../../runtime/cli/skeleton.rs"),
    ),
    ("cli/tables", include_str!("../../runtime/cli/tables.rs")),
    ("cli/wait", include_str!("../../runtime/cli/wait.rs")),
    ("byte_stream", include_str!("../../runtime/byte_stream.rs")),
    ("checksum", include_str!("../../runtime/checksum.rs")),
    ("compression", include_str!("../../runtime/compression.rs")),
    ("config", include_str!("../../runtime/config.rs")),
    ("credentials", include_str!("../../runtime/credentials.rs")),
    ("datetime", include_str!("../../runtime/datetime.rs")),
    ("dfa", include_str!("../../runtime/dfa.rs")),
    ("document", include_str!("../../runtime/document.rs")),
    (
        "endpoint_lib",
        include_str!("../../runtime/endpoint_lib.rs"),
    ),
    ("errors", include_str!("../../runtime/errors.rs")),
    (
        "event_receiver",
        include_str!("../../runtime/event_receiver.rs"),
    ),
    (
        "event_sender",
        include_str!("../../runtime/event_sender.rs"),
    ),
    (
        "event_signing",
        include_str!("../../runtime/event_signing.rs"),
    ),
    (
        "event_stream",
        include_str!("../../runtime/event_stream.rs"),
    ),
    ("idempotency", include_str!("../../runtime/idempotency.rs")),
    (
        "http_bindings",
        include_str!("../../runtime/http_bindings.rs"),
    ),
    (
        "jmespath_search",
        include_str!("../../runtime/jmespath_search.rs"),
    ),
    ("json", include_str!("../../runtime/json.rs")),
    (
        "orchestrator",
        include_str!("../../runtime/orchestrator.rs"),
    ),
    ("paginator", include_str!("../../runtime/paginator.rs")),
    ("pattern", include_str!("../../runtime/pattern.rs")),
    ("profile", include_str!("../../runtime/profile.rs")),
    ("proxy", include_str!("../../runtime/proxy.rs")),
    (
        "proxy/connect",
        include_str!("../../runtime/proxy/connect.rs"),
    ),
    ("retry", include_str!("../../runtime/retry.rs")),
    ("scan", include_str!("../../runtime/scan.rs")),
    ("sigv4", include_str!("../../runtime/sigv4.rs")),
    ("transport", include_str!("../../runtime/transport.rs")),
    (
        "transport/https",
        include_str!("../../runtime/transport/https.rs"),
    ),
    ("tree_hash", include_str!("../../runtime/tree_hash.rs")),
    ("validation", include_str!("../../runtime/validation.rs")),
    ("waiter", include_str!("../../runtime/waiter.rs")),
];

/// Runtime modules compiled only with a cargo feature of the generated crate.
const FEATURE_GATED: &[(&str, &str)] =
    &[("aws_credentials", "aws-credential-types"), ("cli", "cli")];

/// One file of the generated crate, named before it is built: formatting threads build and
/// format the parts in parallel (token streams cannot cross threads; parts can).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Lib,
    Client,
    Types,
    Errors,
    Operations,
    /// The module of `krate.operations[index]`.
    Operation(usize),
    Endpoint,
    Protocol,
    Cli,
    Bin,
    Validate,
    Patterns,
    /// Text written as is (manifests, the runtime modules).
    Text(String),
}

/// The files of the crate, keyed by path relative to the crate root.
pub fn plan(krate: &Crate) -> BTreeMap<String, Part> {
    let runtime = runtime_modules(krate);
    let mut files = BTreeMap::new();
    files.insert("Cargo.toml".to_string(), Part::Text(cargo_toml(krate)));
    files.insert(
        "rustfmt.toml".to_string(),
        Part::Text(
            "# @generated by `cargo xtask codegen`. Do not edit by hand.\n\
             # The generated code is formatted by the generator; rustfmt leaves it alone.\n\
             disable_all_formatting = true\n"
                .to_string(),
        ),
    );
    files.insert("src/lib.rs".to_string(), Part::Lib);
    files.insert("src/client.rs".to_string(), Part::Client);
    files.insert("src/types.rs".to_string(), Part::Types);
    files.insert("src/error.rs".to_string(), Part::Errors);
    files.insert("src/operation.rs".to_string(), Part::Operations);
    for (index, op) in krate.operations.iter().enumerate() {
        files.insert(
            format!("src/operation/{}.rs", crate::naming::bare(&op.snake)),
            Part::Operation(index),
        );
    }
    if krate.endpoints.is_some() {
        files.insert("src/endpoint.rs".to_string(), Part::Endpoint);
    }
    files.insert("src/protocol.rs".to_string(), Part::Protocol);
    files.insert("src/cli.rs".to_string(), Part::Cli);
    files.insert(format!("src/bin/{}.rs", krate.package), Part::Bin);
    files.insert("src/validate.rs".to_string(), Part::Validate);
    if !krate.patterns.is_empty() {
        files.insert("src/patterns.rs".to_string(), Part::Patterns);
    }
    for (name, source) in RUNTIME {
        if runtime.contains(&parent_module(name)) {
            files.insert(
                format!("src/runtime/{name}.rs"),
                Part::Text(without_tests(source).to_string()),
            );
        }
    }
    files
}

/// Builds one part of [`plan`].
pub fn emit(krate: &Crate, part: &Part) -> crate::Result<Output> {
    Ok(Output::Rust(match part {
        Part::Text(text) => return Ok(Output::Text(text.clone())),
        Part::Lib => lib_rs(krate, &runtime_modules(krate)),
        Part::Client => client::client_rs(krate),
        Part::Types => types::types_rs(krate),
        Part::Errors => types::error_rs(krate),
        Part::Operations => operation::operation_rs(krate),
        Part::Operation(index) => operation::operation_module(krate, &krate.operations[*index]),
        Part::Endpoint => match &krate.endpoints {
            Some(endpoints) => crate::endpoints::endpoint_rs(endpoints)?,
            None => TokenStream::new(),
        },
        Part::Protocol => protocol::protocol_rs(krate),
        Part::Cli => cli::cli_rs(krate),
        Part::Bin => cli::bin_rs(krate),
        Part::Validate => validate::validate_rs(krate),
        Part::Patterns => patterns::patterns_rs(krate),
    }))
}

/// The top-level runtime `name` belongs to: itself, or a submodule's parent (`cli/shorthand` →
/// `cli`).
fn parent_module(name: &str) -> &str {
    name.split_once('/').map_or(name, |(parent, _)| parent)
}

/// The top-level runtime modules the crate needs (their submodules come with them).
fn runtime_modules(krate: &Crate) -> Vec<&'static str> {
    RUNTIME
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !name.contains('/'))
        .filter(|name| *name != "pattern" || krate.patterns.iter().any(|p| p.compiled.is_none()))
        .filter(|name| {
            *name != "scan"
                || krate
                    .patterns
                    .iter()
                    .filter_map(|p| p.matcher())
                    .any(crate::ir::Matcher::is_scan)
        })
        // (`dfa` always: endpoint_lib, which the orchestrator uses, refers to it.)
        .filter(|name| {
            // A protocol's runtime modules, only for the protocols that call them.
            let of_a_protocol = crate::ir::Protocol::ALL
                .iter()
                .any(|p| protocol::runtime_modules(*p).contains(name));
            !of_a_protocol || protocol::runtime_modules(krate.service.protocol).contains(name)
        })
        .filter(|name| *name != "compression" || krate.operations.iter().any(|op| op.gzip))
        .filter(|name| *name != "idempotency" || has_idempotency_tokens(krate))
        .filter(|name| *name != "checksum" || krate.operations.iter().any(|op| op.content_md5))
        .filter(|name| *name != "byte_stream" || krate.operations.iter().any(Operation::streams))
        .filter(|name| {
            *name != "tree_hash"
                || (krate.operations.iter()).any(|op| {
                    op.customizations
                        .contains(&crate::customize::Customization::TreeHash)
                })
        })
        .filter(|name| *name != "paginator" || has_paginators(krate))
        .filter(|name| *name != "jmespath_search" || needs_jmespath(krate))
        .filter(|name| *name != "event_stream" || has_event_streams(krate))
        .filter(|name| *name != "event_receiver" || receives_events(krate))
        .filter(|name| !matches!(*name, "event_sender" | "event_signing") || sends_events(krate))
        // (`waiter` always: the command-line client's `wait` engine refers to it; without
        // waiters it is compiled with the `cli` feature only.)
        .collect()
}

/// Some operation must go over HTTP/2 ([`Operation::http2`]): the crate gets the `http2`
/// feature, on by default.
fn needs_http2(krate: &Crate) -> bool {
    krate.operations.iter().any(|op| op.http2)
}

fn has_paginators(krate: &Crate) -> bool {
    krate.operations.iter().any(|op| op.paginator.is_some())
}

/// Some operation has an event stream (`application/vnd.amazon.eventstream` messages): the
/// crate then gets the framing (`event_stream`, with `crc32fast`), and `event_receiver` for
/// streams it receives or `event_sender` and `event_signing` for streams it sends.
fn has_event_streams(krate: &Crate) -> bool {
    receives_events(krate) || sends_events(krate)
}

/// Some operation's output is an event stream.
fn receives_events(krate: &Crate) -> bool {
    krate.operations.iter().any(Operation::streams_events)
}

/// Some operation's input is an event stream.
fn sends_events(krate: &Crate) -> bool {
    krate.operations.iter().any(Operation::sends_events)
}

fn has_waiters(krate: &Crate) -> bool {
    krate.operations.iter().any(|op| !op.waiters.is_empty())
}

/// A waiter path of plain names joined by dots (`Configuration.State`), which the runtime
/// walks itself (`waiter::field_path`) instead of running the JMESPath engine. The same test as
/// runtime/waiter.rs's `is_field_path` (a test holds them to it).
pub(crate) fn is_field_path(path: &str) -> bool {
    path.split('.').all(|name| {
        name.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// Some waiter has a path beyond plain names: the crate needs the JMESPath engine
/// (runtime/jmespath_search.rs and the `jmespath` crate) without the `cli` feature too.
fn needs_jmespath(krate: &Crate) -> bool {
    (krate.operations.iter())
        .flat_map(|op| &op.waiters)
        .flat_map(|w| &w.acceptors)
        .any(|a| {
            matches!(&a.matcher, crate::ir::AcceptorMatcher::Path { path, .. } if !is_field_path(path))
        })
}

/// Some operation input has an `@idempotencyToken` member the client fills in.
fn has_idempotency_tokens(krate: &Crate) -> bool {
    krate.operations.iter().any(|op| {
        call::input_struct(krate, op)
            .fields
            .iter()
            .any(|f| f.is_auto_token())
    })
}

/// A runtime source without its trailing `#[cfg(test)] mod tests`: those tests run in `codegen`,
/// and generated crates stay lean.
fn without_tests(source: &str) -> &str {
    match source.find("\n#[cfg(test)]\nmod tests {") {
        Some(start) => &source[..=start],
        None => source,
    }
}

/// A crate a generated client may depend on.
#[derive(Debug)]
pub struct Dependency {
    pub name: &'static str,
    /// The version requirement.
    pub version: &'static str,
    pub default_features: bool,
    pub features: &'static [&'static str],
}

const fn dep(name: &'static str, version: &'static str) -> Dependency {
    Dependency {
        name,
        version,
        default_features: true,
        features: &[],
    }
}

/// Every crate a generated client may depend on, with its version and features: the one place
/// they are written. `codegen` compiles and tests the runtime modules against its own
/// dependencies, which must ask for the same versions (a test holds them to it).
pub const DEPENDENCIES: &[Dependency] = &[
    dep("aws-credential-types", "1"),
    dep("base64", "0.22"),
    dep("bytes", "1"),
    // The command-line client's, behind the `cli` feature.
    Dependency {
        features: &[
            "std",
            "help",
            "usage",
            "error-context",
            "suggestions",
            "string",
        ],
        default_features: false,
        ..dep("clap", "4")
    },
    // Only with event streams: the CRC-32 of each message (runtime/event_stream.rs).
    dep("crc32fast", "1"),
    dep("fastrand", "2"),
    // Only with `@requestCompression`.
    dep("flate2", "1"),
    // Paginators are `Stream`s; hyper already depends on futures-core.
    dep("futures-core", "0.3"),
    dep("hmac", "0.13"),
    dep("http", "1"),
    dep("http-body", "1"),
    Dependency {
        features: &["client", "http1"],
        ..dep("hyper", "1")
    },
    Dependency {
        features: &["http1", "tls12", "ring", "webpki-roots"],
        default_features: false,
        ..dep("hyper-rustls", "0.27")
    },
    Dependency {
        features: &["client-legacy", "http1", "tokio"],
        ..dep("hyper-util", "0.1")
    },
    // Waiter paths are JMESPath expressions over the response JSON; the command-line client's
    // `--query` uses the same crate.
    dep("jmespath", "0.5"),
    // Only with `@httpChecksumRequired` (`Content-MD5`).
    dep("md-5", "0.11"),
    // The ECMAScript engine, only for patterns outside the compiled subset.
    dep("regress", "0.12"),
    Dependency {
        features: &["ring", "std", "tls12"],
        default_features: false,
        ..dep("rustls", "0.23")
    },
    dep("serde", "1"),
    // `float_roundtrip`: a double reads back exactly, not one unit off in the last place.
    Dependency {
        features: &["float_roundtrip"],
        ..dep("serde_json", "1")
    },
    dep("serde_norway", "0.9"),
    dep("sha2", "0.11"),
    Dependency {
        // (And `fs` in crates with `@streaming` payloads: an upload read from a file as it is
        // sent; see `cargo_toml`.)
        features: &["rt", "time", "sync"],
        ..dep("tokio", "1")
    },
    // The proxy connector implements its trait (hyper-util already depends on it).
    dep("tower-service", "0.3"),
    dep("webpki-roots", "1"),
];

impl Dependency {
    /// Its line in `[dependencies]`, with `extra` features beyond its own.
    fn line(&self, optional: bool, extra: &[&str]) -> String {
        let version = format!("{:?}", self.version);
        let mut table = vec![format!("version = {version}")];
        if optional {
            table.push("optional = true".into());
        }
        if !self.default_features {
            table.push("default-features = false".into());
        }
        if !self.features.is_empty() || !extra.is_empty() {
            let features: Vec<String> = (self.features.iter().chain(extra))
                .map(|f| format!("{f:?}"))
                .collect();
            table.push(format!("features = [{}]", features.join(", ")));
        }
        let spec = if table.len() == 1 {
            version
        } else {
            format!("{{ {} }}", table.join(", "))
        };
        format!("{} = {spec}\n", self.name)
    }
}

/// The dependencies of the built-in transport (runtime/transport/https.rs and
/// runtime/proxy/connect.rs), optional behind the generated crate's `default-https-client`
/// feature, on by default.
const HTTPS_CLIENT: &[&str] = &[
    "hyper",
    "hyper-rustls",
    "hyper-util",
    "rustls",
    "tower-service",
    "webpki-roots",
];

fn cargo_toml(krate: &Crate) -> String {
    // Which of [`DEPENDENCIES`] the crate needs (`true`: optional, behind a feature).
    let mut needed: BTreeMap<&str, bool> = [
        "base64",
        "bytes",
        "fastrand",
        "hmac",
        "http",
        "http-body",
        "serde_json",
        "sha2",
        "tokio",
    ]
    .into_iter()
    .map(|name| (name, false))
    .collect();
    for optional in ["aws-credential-types", "clap", "serde", "serde_norway"] {
        needed.insert(optional, true);
    }
    for transport in HTTPS_CLIENT {
        needed.insert(transport, true);
    }
    if krate.patterns.iter().any(|p| p.compiled.is_none()) {
        needed.insert("regress", false);
    }
    if krate.operations.iter().any(|op| op.gzip) {
        needed.insert("flate2", false);
    }
    if krate.operations.iter().any(|op| op.content_md5) {
        needed.insert("md-5", false);
    }
    let streams = krate.operations.iter().any(Operation::streams);
    // Paginators and `ByteStream` are `Stream`s.
    if has_paginators(krate) || streams {
        needed.insert("futures-core", false);
    }
    // Files as bodies; a channel of input events.
    let extra: BTreeMap<&str, &[&str]> = if sends_events(krate) {
        BTreeMap::from([("tokio", &["fs", "sync"][..])])
    } else if streams {
        BTreeMap::from([("tokio", &["fs"][..])])
    } else {
        BTreeMap::new()
    };
    if has_event_streams(krate) {
        needed.insert("crc32fast", false);
    }
    // Waiters with paths beyond plain names need JMESPath; otherwise only the command-line
    // client's `--query` does. (The command-line client sends requests with the built-in
    // transport.)
    let mut cli_features = vec![
        "default-https-client",
        "dep:clap",
        "dep:serde",
        "dep:serde_norway",
    ];
    needed.insert("jmespath", !needs_jmespath(krate));
    if !needs_jmespath(krate) {
        cli_features.insert(2, "dep:jmespath");
    }
    cli_features.push("serde_json/preserve_order");
    let deps: String = DEPENDENCIES
        .iter()
        .filter_map(|d| {
            let extra = extra.get(d.name).copied().unwrap_or_default();
            needed.get(d.name).map(|&optional| d.line(optional, extra))
        })
        .collect();
    let cli_features: Vec<String> = cli_features.iter().map(|f| format!("{f:?}")).collect();
    let mut default_features = vec!["\"default-https-client\"".to_string()];
    if needs_http2(krate) {
        default_features.push("\"http2\"".into());
    }
    let https_client: Vec<String> = HTTPS_CLIENT
        .iter()
        .map(|d| format!("\"dep:{d}\""))
        .collect();
    let ops: Vec<&str> = krate.operations.iter().map(|op| op.name.as_str()).collect();
    // Only a crate with an operation that needs HTTP/2 has the feature (and hyper's HTTP/2
    // with it), on by default: without it those operations fail.
    let http2 = if needs_http2(krate) {
        format!(
            "# HTTP/2 for the operations that need it ({}), in the built-in transport: off, they\n\
             # fail (unless the client is given a transport that speaks HTTP/2).\n\
             http2 = [\"default-https-client\", \"hyper/http2\", \"hyper-rustls/http2\", \"hyper-util/http2\"]\n",
            (krate.operations.iter())
                .filter(|op| op.http2)
                .map(|op| op.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        String::new()
    };
    format!(
        "# @generated by `cargo xtask codegen`. Do not edit by hand.\n\
         [package]\n\
         name = \"{package}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         rust-version = \"1.88\"\n\
         description = \"{title} client ({ops}), generated from its Smithy model\"\n\
         license = \"Apache-2.0\"\n\
         publish = false\n\
         {metadata}\
         \n\
         [features]\n\
         default = [{default}]\n\
         # The built-in HTTPS transport: hyper, rustls with the Mozilla roots (webpki-roots),\n\
         # proxies. Without it (`default-features = false`) the crate has no HTTP stack: give\n\
         # each client one with `Config::builder().http_client(..)`.\n\
         default-https-client = [{https_client}]\n\
         # Accept credentials providers from the AWS SDK's `aws-credential-types` (e.g. `aws-config`).\n\
         aws-credential-types = [\"dep:aws-credential-types\"]\n\
         # The command-line client: `cargo run --features cli --bin {package} -- --help`.\n\
         cli = [{cli_features}]\n\
         {http2}\
         \n\
         [[bin]]\n\
         name = \"{package}\"\n\
         path = \"src/bin/{package}.rs\"\n\
         required-features = [\"cli\"]\n\
         \n\
         [dependencies]\n\
         {deps}",
        package = krate.package,
        metadata = krate
            .source
            .as_ref()
            .map(|source| format!("\n{}", source.manifest_table()))
            .unwrap_or_default(),
        title = krate.service.title.replace('"', "'"),
        ops = ops.join(", "),
        cli_features = cli_features.join(", "),
        default = default_features.join(", "),
        https_client = https_client.join(", "),
    )
}

fn lib_rs(krate: &Crate, runtime: &[&str]) -> TokenStream {
    let service = &krate.service;
    let mut intro = vec![format!(
        "A client for {} (service version `{}`), generated from its Smithy model.",
        service.title, service.version
    )];
    intro.push(String::new());
    intro.push(format!(
        "Operations: {}. Each has a module under [`operation`] with its input and output types, its error enum and its wire functions.",
        krate
            .operations
            .iter()
            .map(|op| format!("[`{}`](operation::{})", op.name, op.snake))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if let Some(text) = &service.docs {
        intro.push(String::new());
        intro.extend(text.lines().iter().cloned());
    }
    let intro = lines_to_inner_docs(&intro);
    let runtime = runtime.iter().map(|name| {
        let gate = FEATURE_GATED
            .iter()
            .find(|(module, _)| module == name)
            .map(|(_, feature)| *feature)
            .or((*name == "waiter" && !has_waiters(krate)).then_some("cli"))
            .map(|feature| quote!(#[cfg(feature = #feature)]));
        let name = ident(name);
        quote!(#gate pub(crate) mod #name;)
    });
    let patterns_mod = (!krate.patterns.is_empty()).then(|| {
        quote!(
            mod patterns;
        )
    });
    let pagination = has_paginators(krate).then(|| {
        quote! {
            /// Paginators' streams: `client.<operation>().into_paginator()` on `@paginated`
            /// operations.
            pub mod pagination {
                pub use crate::runtime::paginator::{ItemStream, PageStream, Stream};
            }
        }
    });
    let waiters = has_waiters(krate).then(|| {
        quote! {
            /// What waiters (`client.wait_until_<name>()`) return.
            pub mod waiters {
                pub use crate::runtime::waiter::{FinalPoll, WaiterError};
            }
        }
    });
    let byte_stream = krate.operations.iter().any(Operation::streams).then(|| {
        let received = receives_events(krate).then(|| {
            quote!(
                pub use crate::runtime::event_receiver::EventReceiver;
            )
        });
        let sent = sends_events(krate).then(|| {
            quote!(
                pub use crate::runtime::event_sender::{EventSender, InputEvents, StreamClosed};
            )
        });
        let events = quote!(#received #sent);
        quote! {
            pub use crate::runtime::byte_stream::{ByteStream, StreamError};
            #events
        }
    });
    let endpoint_mod = krate.endpoints.is_some().then(|| {
        quote!(
            pub mod endpoint;
        )
    });
    quote! {
        #intro

        // The manifest lists only the dependencies this code uses; the compiler holds it to that.
        #![warn(unused_crate_dependencies)]

        pub mod client;
        #endpoint_mod
        pub mod error;
        pub mod operation;
        pub mod types;
        #[cfg(feature = "cli")]
        pub mod cli;

        #patterns_mod
        mod protocol;
        mod validate;

        pub use client::Client;

        #pagination
        #waiters

        /// Value types the model's shapes are built from.
        pub mod primitives {
            #byte_stream
            pub use crate::runtime::datetime::DateTime;
            pub use crate::runtime::document::{Document, Number};
        }

        /// Client configuration, credentials and the HTTP transport.
        pub mod config {
            pub use crate::runtime::config::{ClientContextParam, Config, ConfigBuilder, ConfigError, TimeSource};
            pub use crate::runtime::credentials::{
                Credentials, CredentialsCache, CredentialsError, DefaultCredentialsChain, ProvideCredentials,
            };
            pub use crate::runtime::profile::Env;
            pub use crate::runtime::proxy::Proxy;
            pub use crate::runtime::retry::RetryConfig;
            pub use crate::runtime::transport::{BoxFuture, HttpClient, InMemory, TransportError, TransportErrorKind};
            #[cfg(feature = "default-https-client")]
            pub use crate::runtime::transport::{HyperClient, https::HyperClientBuilder};
            #[cfg(feature = "aws-credential-types")]
            pub use crate::runtime::aws_credentials::AwsCredentialsProvider;
        }

        /// Hand-written support code shared by every generated crate.
        #[allow(dead_code, reason = "not every crate uses every helper")]
        mod runtime {
            #(#runtime)*
        }
    }
}

/// `#[doc]` attributes from model documentation (nothing when there is none).
pub fn doc_attrs(docs: Option<&crate::ir::Docs>) -> TokenStream {
    let Some(docs) = docs else {
        return TokenStream::new();
    };
    lines_to_docs(docs.lines())
}

/// A type's path as seen from `from` (`None`: a module that is none of the type modules).
pub fn path_tokens(path: &TypePath, from: Option<&Module>) -> TokenStream {
    let name = ident(&path.name);
    match (&path.module, from) {
        (module, Some(from)) if module == from => quote!(#name),
        // A builder, from its structure's module.
        (Module::Builders(parent), Some(from)) if **parent == *from => quote!(builders::#name),
        // A structure, an enum, from the builders beside it.
        (module, Some(Module::Builders(parent))) if **parent == *module => quote!(super::#name),
        (module, _) => {
            let module = module_path(module);
            quote!(#module::#name)
        }
    }
}

/// A module's absolute path: `crate::types`, `crate::operation::list_faces::builders`.
pub fn module_path(module: &Module) -> TokenStream {
    match module {
        Module::Types => quote!(crate::types),
        Module::Error => quote!(crate::error),
        Module::Operation(op) => {
            let op = ident(op);
            quote!(crate::operation::#op)
        }
        Module::Builders(parent) => {
            let parent = module_path(parent);
            quote!(#parent::builders)
        }
    }
}

/// `pub mod builders { … }` holding a module's builders, when it has any.
pub fn builders_module(builders: Vec<TokenStream>) -> TokenStream {
    if builders.is_empty() {
        return quote!();
    }
    quote! {
        /// The builders of this module's structures, in a module of their own so that no
        /// shape's name can meet a builder's (a model may have `Foo` and `FooBuilder`).
        pub mod builders {
            #(#builders)*
        }
    }
}

/// A member's value type: `Box<T>` when the member is boxed to break a recursion.
pub fn boxed_type(ty: &Type, boxed: bool, from: Option<&Module>) -> TokenStream {
    let ty = rust_type(ty, from);
    if boxed { quote!(Box<#ty>) } else { ty }
}

/// A list element or map value: `Option<T>` when the collection is `@sparse`.
pub fn element_type(item: &crate::ir::ListItem, from: Option<&Module>) -> TokenStream {
    let ty = rust_type(&item.ty, from);
    if item.sparse { quote!(Option<#ty>) } else { ty }
}

/// The Rust type of a member value.
pub fn rust_type(ty: &Type, from: Option<&Module>) -> TokenStream {
    match ty {
        Type::String => quote!(String),
        Type::Bool => quote!(bool),
        Type::Byte => quote!(i8),
        Type::Short => quote!(i16),
        Type::Integer => quote!(i32),
        Type::Long => quote!(i64),
        Type::Float => quote!(f32),
        Type::Double => quote!(f64),
        Type::Blob => quote!(Vec<u8>),
        Type::ByteStream => quote!(crate::primitives::ByteStream),
        Type::EventStream { events, error } => {
            let events = path_tokens(events, from);
            let error = path_tokens(error, from);
            quote!(crate::primitives::EventReceiver<#events, #error>)
        }
        Type::InputEvents(events) => {
            let events = path_tokens(events, from);
            quote!(crate::primitives::InputEvents<#events>)
        }
        Type::Enum(path) | Type::Struct(path) => path_tokens(path, from),
        Type::List(item) => {
            let item = element_type(item, from);
            quote!(Vec<#item>)
        }
        Type::Map(map) => {
            let key = rust_type(&map.key, from);
            let value = element_type(&map.value, from);
            quote!(std::collections::BTreeMap<#key, #value>)
        }
        Type::Timestamp(_) => quote!(crate::primitives::DateTime),
        Type::Document => quote!(crate::primitives::Document),
        Type::Union(path) | Type::IntEnum(path) => path_tokens(path, from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A restJson1 service whose protocol trait has `eventStreamHttp` = `versions`, with a
    /// plain operation and a duplex event stream one, as its IR.
    fn duplex_service(versions: &str) -> Crate {
        let text = format!(
            r#"{{"smithy":"2.0","shapes":{{
            "a#Svc":{{"type":"service","version":"1","operations":[{{"target":"a#Plain"}},{{"target":"a#Talk"}}],"traits":{{"aws.protocols#restJson1":{{"eventStreamHttp":{versions}}}}}}},
            "a#Plain":{{"type":"operation","traits":{{"smithy.api#http":{{"method":"GET","uri":"/plain"}}}}}},
            "a#Talk":{{"type":"operation","input":{{"target":"a#TalkIn"}},"output":{{"target":"a#TalkOut"}},"traits":{{"smithy.api#http":{{"method":"POST","uri":"/talk"}}}}}},
            "a#TalkIn":{{"type":"structure","members":{{"Events":{{"target":"a#Events","traits":{{"smithy.api#httpPayload":{{}}}}}}}},"traits":{{"smithy.api#input":{{}}}}}},
            "a#TalkOut":{{"type":"structure","members":{{"Events":{{"target":"a#Events","traits":{{"smithy.api#httpPayload":{{}}}}}}}},"traits":{{"smithy.api#output":{{}}}}}},
            "a#Events":{{"type":"union","members":{{"Tick":{{"target":"a#Tick"}}}},"traits":{{"smithy.api#streaming":{{}}}}}},
            "a#Tick":{{"type":"structure","members":{{"N":{{"target":"smithy.api#Integer"}}}}}}
        }}}}"#
        );
        let model = crate::model::Model::parse(std::path::Path::new("m.json"), &text).unwrap();
        crate::Generator::new().build_ir(&model).unwrap()
    }

    fn cargo_manifest(krate: &Crate) -> String {
        match plan(krate).remove("Cargo.toml") {
            Some(Part::Text(text)) => text,
            other => panic!("Cargo.toml is {other:?}"),
        }
    }

    #[test]
    fn event_streams_that_need_http2_mark_their_operation_and_give_the_crate_the_feature() {
        let krate = duplex_service(r#"["h2"]"#);
        let marks: Vec<(&str, bool)> = (krate.operations.iter())
            .map(|op| (op.name.as_str(), op.http2))
            .collect();
        assert_eq!(marks, [("Plain", false), ("Talk", true)]);
        let manifest = cargo_manifest(&krate);
        assert!(
            manifest.contains("default = [\"default-https-client\", \"http2\"]\n")
                && manifest.contains(
                    "# HTTP/2 for the operations that need it (Talk), in the built-in transport: off, they\n\
                     # fail (unless the client is given a transport that speaks HTTP/2).\n\
                     http2 = [\"default-https-client\", \"hyper/http2\", \"hyper-rustls/http2\", \"hyper-util/http2\"]\n"
                ),
            "{manifest}"
        );
        let Output::Rust(talk) = emit(&krate, &Part::Operation(1)).unwrap() else {
            panic!("an operation module is Rust");
        };
        assert!(
            talk.to_string()
                .contains("* request . version_mut () = http :: Version :: HTTP_2 ;"),
            "{talk}"
        );

        // HTTP/1.1 allowed: no mark, no feature, no HTTP/2 anywhere.
        let krate = duplex_service(r#"["h2", "http/1.1"]"#);
        assert!(krate.operations.iter().all(|op| !op.http2));
        let manifest = cargo_manifest(&krate);
        assert!(!manifest.contains("http2"), "{manifest}");
        assert!(
            manifest.contains("default = [\"default-https-client\"]\n"),
            "{manifest}"
        );
    }

    /// `codegen/Cargo.toml`'s `[dependencies]` and `[dev-dependencies]`: name → (version,
    /// features), read line by line (one dependency per line, as that file writes them);
    /// `name.workspace = true` entries are read from the workspace's
    /// `[workspace.dependencies]`.
    fn codegen_dependencies() -> BTreeMap<String, (String, Vec<String>)> {
        let workspace = dependencies(
            include_str!("../../../Cargo.toml"),
            &["[workspace.dependencies]"],
        );
        dependencies(
            include_str!("../../Cargo.toml"),
            &["[dependencies]", "[dev-dependencies]"],
        )
        .into_iter()
        .map(|(name, spec)| match name.strip_suffix(".workspace") {
            Some(name) => {
                let spec = workspace.get(name).cloned().unwrap_or_default();
                (name.to_string(), spec)
            }
            None => (name, spec),
        })
        .collect()
    }

    fn dependencies(manifest: &str, tables: &[&str]) -> BTreeMap<String, (String, Vec<String>)> {
        let mut out = BTreeMap::new();
        let mut in_deps = false;
        for line in manifest.lines().map(str::trim) {
            if line.starts_with('[') {
                in_deps = tables.contains(&line);
                continue;
            }
            let Some((name, spec)) = line.split_once(" = ").filter(|_| in_deps) else {
                continue;
            };
            let quoted = |text: &str| -> Vec<String> {
                text.split('"')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_string)
                    .collect()
            };
            let (version, features) = if let Some(table) = spec.strip_prefix('{') {
                let version = table
                    .split("version = ")
                    .nth(1)
                    .and_then(|v| quoted(v).into_iter().next())
                    .unwrap_or_default();
                let features = table
                    .split("features = [")
                    .nth(1)
                    .and_then(|f| f.split(']').next())
                    .map(quoted)
                    .unwrap_or_default();
                (version, features)
            } else {
                (
                    quoted(spec).into_iter().next().unwrap_or_default(),
                    Vec::new(),
                )
            };
            out.insert(name.to_string(), (version, features));
        }
        out
    }

    #[test]
    fn generated_crates_depend_on_the_versions_codegen_tests_the_runtime_with() {
        let names: Vec<&str> = DEPENDENCIES.iter().map(|d| d.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted, "DEPENDENCIES is sorted by name, each once");
        let codegen = codegen_dependencies();
        let mut compared = 0;
        for dependency in DEPENDENCIES {
            // `serde` is the command-line client's alone, and no runtime module codegen
            // compiles needs it by name.
            let Some((version, features)) = codegen.get(dependency.name) else {
                assert_eq!(
                    dependency.name, "serde",
                    "codegen/Cargo.toml does not name it"
                );
                continue;
            };
            compared += 1;
            assert_eq!(
                version, dependency.version,
                "{}: generated crates ask for {}, codegen tests the runtime with {version}",
                dependency.name, dependency.version
            );
            for feature in dependency.features {
                assert!(
                    features.iter().any(|f| f == feature),
                    "{}: codegen tests the runtime without the `{feature}` feature generated crates use",
                    dependency.name
                );
            }
        }
        assert!(compared >= 20, "only {compared} compared");
    }

    #[test]
    fn field_paths_are_told_apart_as_the_runtime_tells_them() {
        for path in [
            "State",
            "Configuration.State",
            "_a.b_1",
            "",
            "A.",
            ".A",
            "A..B",
            "1A",
            "A[0]",
            "A[].B",
            "length(A) > `0`",
            "A == B",
            "A-B",
            "A.*",
            "é",
        ] {
            assert_eq!(
                is_field_path(path),
                crate::runtime::waiter::is_field_path(path),
                "{path}"
            );
        }
    }

    #[test]
    fn runtime_test_modules_are_the_last_item_and_are_stripped() {
        for (name, source) in RUNTIME {
            let kept = without_tests(source);
            assert!(
                !kept.contains("#[cfg(test)]"),
                "{name}.rs has test code outside a trailing `mod tests`"
            );
            let tests = &source[kept.len()..];
            assert!(!tests.is_empty(), "{name}.rs has no tests");
            // What is cut is exactly one module that closes at the end of the file.
            assert!(tests.ends_with("}\n"), "{name}.rs");
            assert_eq!(tests.matches("\nmod tests {").count(), 1, "{name}.rs");
        }
    }

    #[test]
    fn runtime_lists_every_file_of_codegen_runtime_and_parents_declare_their_submodules() {
        fn files(dir: &std::path::Path, prefix: &str, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("codegen/runtime") {
                let path = entry.expect("entry").path();
                let name = path.file_stem().expect("a name").to_string_lossy();
                if path.is_dir() {
                    files(&path, &format!("{prefix}{name}/"), out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(format!("{prefix}{name}"));
                }
            }
        }
        let mut on_disk = Vec::new();
        files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime"),
            "",
            &mut on_disk,
        );
        on_disk.sort();
        let mut listed: Vec<String> = RUNTIME.iter().map(|(name, _)| name.to_string()).collect();
        listed.sort();
        assert_eq!(listed, on_disk, "RUNTIME and the files of codegen/runtime/");
        for (name, _) in RUNTIME {
            let Some((parent, child)) = name.split_once('/') else {
                continue;
            };
            let source = RUNTIME
                .iter()
                .find(|(module, _)| *module == parent)
                .map(|(_, source)| without_tests(source))
                .unwrap_or_else(|| panic!("{name}: no parent module {parent}"));
            let declaration = format!("mod {child};");
            assert!(
                source
                    .lines()
                    .any(|line| line.strip_prefix("pub(crate) ").unwrap_or(line) == declaration),
                "{parent}.rs does not declare `{declaration}`"
            );
        }
    }
}
