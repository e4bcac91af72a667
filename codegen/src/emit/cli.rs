//! `cli.rs` and `bin/<package>.rs` (cargo feature `cli`): the operations and every shape they
//! send or receive as static tables for the runtime's command-line engine, and the dispatch
//! from a subcommand to the typed client call.

use std::collections::BTreeSet;

use heck::{ToKebabCase, ToShoutySnakeCase};
use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, path_tokens};
use crate::ir::{Crate, Operation, Paginator, TimestampFormat, Type, TypePath};

/// Flags the engine defines itself; a member whose flag would clash gets a `-value` suffix.
const RESERVED_FLAGS: &[&str] = &[
    "region",
    "profile",
    "endpoint-url",
    "output",
    "query",
    "cli-read-timeout",
    "cli-connect-timeout",
    "ca-bundle",
    "no-sign-request",
    "debug",
    "no-validate",
    "no-cli-pager",
    "cli-input-json",
    "cli-input-yaml",
    "generate-cli-skeleton",
    "help",
    "version",
];

/// Flags the engine adds to a paginated operation (`--no-paginate` would also be the negated
/// flag of a boolean member `Paginate`).
const PAGING_FLAGS: &[&str] = &[
    "starting-token",
    "page-size",
    "max-items",
    "no-paginate",
    "paginate",
];

fn collect(ty: &Type, out: &mut Vec<TypePath>) {
    match ty {
        Type::Struct(path) | Type::Union(path) => out.push(path.clone()),
        Type::List(item) => collect(&item.ty, out),
        Type::Map(map) => collect(&map.value.ty, out),
        _ => {}
    }
}

/// The paginator the command line pages by and the wire path of the items it merges: the
/// trait's `items`, or else the output's only top-level list or map (other than the token),
/// which is what the AWS CLI's paginators name. `None` when there is nothing to merge.
fn cli_paging<'a>(krate: &'a Crate, op: &'a Operation) -> Option<(&'a Paginator, Vec<String>)> {
    let paginator = op.paginator.as_ref()?;
    if let Some((steps, _)) = &paginator.items {
        return Some((paginator, steps.iter().map(|s| s.wire.clone()).collect()));
    }
    let output = krate.structure(&op.output)?;
    let mut collections = output.fields.iter().filter(|f| {
        matches!(f.ty, Type::List(_) | Type::Map(_))
            && paginator.output_token.first().map(|s| &s.ident) != Some(&f.ident)
    });
    match (collections.next(), collections.next()) {
        (Some(only), None) => Some((paginator, vec![only.wire.clone()])),
        _ => None,
    }
}

fn static_name(path: &TypePath, prefix: &str) -> proc_macro2::Ident {
    ident(&format!("{prefix}_{}", path.name.to_shouty_snake_case()))
}

/// Help text: the model documentation as paragraphs, without the escapes rustdoc needs.
fn help_text(docs: Option<&crate::ir::Docs>) -> String {
    docs.map(|docs| {
        docs.lines()
            .join("\n")
            .replace("\\[", "[")
            .replace("\\]", "]")
    })
    .unwrap_or_default()
}

fn schema_expr(krate: &Crate, ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(&Schema::String),
        Type::Enum(path) => {
            let values: Vec<&str> = krate
                .enums
                .iter()
                .find(|e| &e.path == path)
                .map(|e| e.variants.iter().map(|v| v.value.as_str()).collect())
                .unwrap_or_default();
            quote!(&Schema::Enum(&[#(#values),*]))
        }
        Type::Bool => quote!(&Schema::Boolean),
        Type::Byte | Type::Short | Type::Integer | Type::Long | Type::IntEnum(_) => {
            quote!(&Schema::Integer)
        }
        Type::Float | Type::Double => quote!(&Schema::Float),
        Type::Blob | Type::ByteStream => quote!(&Schema::Blob),
        // The command line prints an event stream's events as a list.
        Type::EventStream { events, .. } | Type::InputEvents(events) => {
            let name = static_name(events, "SCHEMA");
            quote!(&Schema::List(&#name))
        }
        Type::Timestamp(TimestampFormat::EpochSeconds) => quote!(&Schema::Timestamp),
        Type::Timestamp(TimestampFormat::HttpDate) => quote!(&Schema::HttpDate),
        Type::Timestamp(_) => quote!(&Schema::TimestampText),
        Type::Document => quote!(&Schema::Document),
        Type::Struct(path) | Type::Union(path) => {
            let name = static_name(path, "SCHEMA");
            quote!(&#name)
        }
        Type::List(item) => {
            let inner = schema_expr(krate, &item.ty);
            quote!(&Schema::List(#inner))
        }
        Type::Map(map) => {
            let inner = schema_expr(krate, &map.value.ty);
            quote!(&Schema::Map(#inner))
        }
    }
}

struct MemberSpec<'a> {
    name: &'a str,
    /// Its key in the client's JSON (`@jsonName`), when that differs from `name`.
    json: &'a str,
    ty: Option<&'a Type>,
    required: bool,
    sensitive: bool,
    docs: String,
}

fn member_tokens(krate: &Crate, m: &MemberSpec<'_>) -> TokenStream {
    let name = m.name;
    let schema = match m.ty {
        Some(ty) => schema_expr(krate, ty),
        None => quote!(&Schema::Structure(&[])),
    };
    let required = m.required.then(|| quote!(.required()));
    let sensitive = m.sensitive.then(|| quote!(.sensitive()));
    let docs = &m.docs;
    let docs = (!docs.is_empty()).then(|| quote!(.docs(#docs)));
    let json = m.json;
    let json = (json != name).then(|| quote!(.json(#json)));
    quote!(Member::new(#name, #schema) #required #sensitive #docs #json)
}

pub fn cli_rs(krate: &Crate) -> TokenStream {
    // The structures and unions the CLI reads (reachable from an input) or writes (from an
    // output).
    let all: BTreeSet<&TypePath> = (krate.structures.iter())
        .filter(|s| s.validated || s.in_output)
        .map(|s| &s.path)
        .chain(
            (krate.unions.iter())
                .filter(|u| u.validated || u.in_output)
                .map(|u| &u.path),
        )
        .collect();
    let inputs: BTreeSet<&TypePath> = krate.operations.iter().map(|op| &op.input).collect();
    let outputs: BTreeSet<&TypePath> = krate.operations.iter().map(|op| &op.output).collect();
    // The structures some member of a CLI-reachable structure or union refers to.
    let mut targets = Vec::new();
    for other in krate.structures.iter().filter(|o| all.contains(&o.path)) {
        for f in &other.fields {
            collect(&f.ty, &mut targets);
        }
    }
    for other in krate.unions.iter().filter(|o| all.contains(&o.path)) {
        for ty in other.variants.iter().filter_map(|v| v.ty.as_ref()) {
            collect(ty, &mut targets);
        }
    }
    let targets: BTreeSet<TypePath> = targets.into_iter().collect();
    let mut statics = Vec::new();
    for s in &krate.structures {
        if !all.contains(&s.path) {
            continue;
        }
        let top = inputs.contains(&s.path);
        let members = s.fields.iter().map(|f| {
            member_tokens(
                krate,
                &MemberSpec {
                    name: &f.wire,
                    json: &f.json_key,
                    ty: Some(&f.ty),
                    required: f.required,
                    sensitive: f.redacted(),
                    docs: if top {
                        help_text(f.docs.as_ref())
                    } else {
                        String::new()
                    },
                },
            )
        });
        let count = proc_macro2::Literal::usize_unsuffixed(s.fields.len());
        let members_name = static_name(&s.path, "MEMBERS");
        let schema_name = static_name(&s.path, "SCHEMA");
        let doc = super::doc_line(&format!("`{}`", s.path.name));
        // An operation input is used through its members, unless it is also nested somewhere.
        let nested = !top || outputs.contains(&s.path) || targets.contains(&s.path);
        let schema = nested
            .then(|| quote!(static #schema_name: Schema = Schema::Structure(&#members_name);));
        statics.push(quote! {
            #doc
            static #members_name: [Member; #count] = [#(#members),*];
            #schema
        });
    }
    for u in &krate.unions {
        if !all.contains(&u.path) {
            continue;
        }
        let members = u.variants.iter().map(|v| {
            member_tokens(
                krate,
                &MemberSpec {
                    name: &v.wire,
                    json: &v.json_key,
                    ty: v.ty.as_ref(),
                    required: false,
                    sensitive: v.redacted(),
                    docs: String::new(),
                },
            )
        });
        let schema_name = static_name(&u.path, "SCHEMA");
        let doc = super::doc_line(&format!("`{}` (a union)", u.path.name));
        statics.push(quote! {
            #doc
            static #schema_name: Schema = Schema::Union(&[#(#members),*]);
        });
    }
    // The AWS CLI pages an operation whose pages have items to merge.
    let pagings: Vec<_> = krate
        .operations
        .iter()
        .map(|op| cli_paging(krate, op))
        .collect();
    let operations = krate.operations.iter().zip(&pagings).map(|(op, paging)| {
        let name = &op.name;
        let command = op.name.to_kebab_case();
        let docs = help_text(op.docs.as_ref());
        let input = static_name(&op.input, "MEMBERS");
        let output = static_name(&op.output, "SCHEMA");
        let fields = &super::call::input_struct(krate, op).fields;
        let flags = fields.iter().map(|f| {
            let flag = f.wire.to_kebab_case();
            let reserved = RESERVED_FLAGS.contains(&flag.as_str())
                || (paging.is_some() && PAGING_FLAGS.contains(&flag.as_str()));
            if reserved {
                format!("{flag}-value")
            } else {
                flag
            }
        });
        let pagination = match paging {
            Some((p, items)) => {
                let input_token = &p.input_token_wire;
                let output_token = p.output_token.iter().map(|step| &step.wire);
                let page_size = match &p.page_size_wire {
                    Some(wire) => quote!(Some(#wire)),
                    None => quote!(None),
                };
                quote! {
                    Some(Pagination {
                        input_token: #input_token,
                        output_token: &[#(#output_token),*],
                        page_size: #page_size,
                        items: &[#(#items),*],
                    })
                }
            }
            None => quote!(None),
        };
        // A `@streaming` output payload goes to a file, as the AWS CLI writes it.
        let outfile = match op
            .http
            .as_ref()
            .map(|h| (&h.output.body, h.output.streaming))
        {
            Some((crate::http::Body::Payload(member), true)) => quote!(Some(#member)),
            _ => quote!(None),
        };
        let input_events = super::call::input_struct(krate, op)
            .fields
            .iter()
            .find(|f| matches!(f.ty, Type::InputEvents(_)))
            .map_or_else(
                || quote!(None),
                |f| {
                    let name = &f.wire;
                    quote!(Some(#name))
                },
            );
        let events = event_stream_output(krate, op).map_or_else(
            || quote!(None),
            |(field, events)| {
                let key = &field.json_key;
                let schema = static_name(events, "SCHEMA");
                quote!(Some((#key, &#schema)))
            },
        );
        quote! {
            Operation {
                name: #name,
                command: #command,
                docs: #docs,
                input: &#input,
                flags: &[#(#flags),*],
                output: &#output,
                pagination: #pagination,
                outfile: #outfile,
                events: #events,
                input_events: #input_events,
            }
        }
    });
    // Listed by name, as `wait --help` shows them.
    let mut waiters: Vec<_> = (krate.operations.iter().enumerate())
        .flat_map(|(index, op)| op.waiters.iter().map(move |w| (index, op, w)))
        .collect();
    waiters.sort_by(|a, b| a.2.name.cmp(&b.2.name));
    let waiters: Vec<TokenStream> = waiters
        .into_iter()
        .map(|(index, op, w)| {
            let name = &w.name;
            let command = w.name.to_kebab_case();
            let docs = help_text(w.docs.as_ref());
            let index = proc_macro2::Literal::usize_unsuffixed(index);
            let min = proc_macro2::Literal::u64_unsuffixed(w.min_delay);
            let max = proc_macro2::Literal::u64_unsuffixed(w.max_delay);
            let waiter = ident(&w.type_name);
            let module = ident(&op.snake);
            quote! {
                Waiter {
                    name: #name,
                    command: #command,
                    docs: #docs,
                    operation: #index,
                    min_delay: #min,
                    max_delay: #max,
                    acceptors: crate::operation::#module::#waiter::ACCEPTORS,
                }
            }
        })
        .collect();
    let waiter_count = proc_macro2::Literal::usize_unsuffixed(waiters.len());
    let deprecated = krate
        .operations
        .iter()
        .flat_map(|op| &op.waiters)
        .any(|w| w.deprecated)
        .then(
            || quote!(#[allow(deprecated, reason = "some of the model's waiters are deprecated")]),
        );
    let (waiters_field, waiters_static) = if waiters.is_empty() {
        (quote!(&[]), None)
    } else {
        (
            quote!(&WAITERS),
            Some(quote! {
                #deprecated
                static WAITERS: [Waiter; #waiter_count] = [#(#waiters),*];
            }),
        )
    };
    let uses_pagination = pagings.iter().any(Option::is_some);
    let mut engine_types = vec![quote!(CallError), quote!(Member), quote!(Operation)];
    if uses_pagination {
        engine_types.push(quote!(Pagination));
    }
    engine_types.extend([quote!(Program), quote!(Schema), quote!(Service)]);
    if !waiters.is_empty() {
        engine_types.push(quote!(Waiter));
    }
    let mut streaming_arms = Vec::new();
    // restJson1's `@jsonName` keys the client's JSON differently from the command line's
    // documents (member names, as the AWS CLI's): those crates rename at the boundary.
    let renames = krate
        .structures
        .iter()
        .any(|s| s.fields.iter().any(|f| f.json_key != f.wire))
        || krate
            .unions
            .iter()
            .any(|u| u.variants.iter().any(|v| v.json_key != v.wire));
    let to_wire = |value: TokenStream, schema: TokenStream| {
        if renames {
            quote!(crate::runtime::cli::tables::to_wire(#value, &#schema))
        } else {
            value
        }
    };
    let from_wire = |value: TokenStream, schema: TokenStream| {
        if renames {
            quote!(crate::runtime::cli::tables::from_wire(#value, &#schema))
        } else {
            value
        }
    };
    let arms: Vec<TokenStream> = krate.operations.iter().enumerate().map(|(index, op)| {
        let input_members = static_name(&op.input, "MEMBERS");
        let input_schema = quote!(Schema::Structure(&#input_members));
        let output_schema = static_name(&op.output, "SCHEMA");
        let output_schema = quote!(#output_schema);
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        let method = ident(&op.snake);
        let module = ident(&op.snake);
        let input = path_tokens(&op.input, None);
        let error = ident(&op.error_enum);
        let fields = &super::call::input_struct(krate, op).fields;
        let setters = fields.iter().map(|f| {
            let field = ident(&f.ident);
            let set = ident(&format!("set_{}", crate::naming::bare(&f.ident)));
            // Setters take an `Option`; inputs that are not `@input` may have plain members.
            if f.optional {
                quote!(.#set(request.#field))
            } else {
                quote!(.#set(Some(request.#field)))
            }
        });
        let request = if fields.is_empty() {
            quote!(_request)
        } else {
            quote!(request)
        };
        // A `@streaming` output payload is read whole (within the client's response limit)
        // to be written out.
        let collect = streamed_output(krate, op).map(|field| {
            quote! {
                let mut output = output;
                let whole = std::mem::take(&mut output.#field)
                    .collect()
                    .await
                    .map_err(|e| CallError::Other(e.to_string()))?;
                output.#field = crate::primitives::ByteStream::from(whole);
            }
        });
        // An event stream's events, read to its end, become a JSON array under its member.
        let events = event_stream_output(krate, op).map(|(field, _)| {
            let key = &field.json_key;
            let field = ident(&field.ident);
            quote! {
                let mut output: Value = serde_json::from_slice(&body).map_err(|e| CallError::Other(e.to_string()))?;
                let mut events = Vec::new();
                let mut stream = output_events;
                while let Some(event) = stream.#field.recv().await.map_err(|e| failure(e.code(), &e))? {
                    let mut body = Vec::new();
                    crate::runtime::json::WriteJson::write_json(&event, &mut body);
                    events.push(serde_json::from_slice::<Value>(&body).map_err(|e| CallError::Other(e.to_string()))?);
                }
                if let Some(object) = output.as_object_mut() {
                    object.insert(#key.to_string(), Value::Array(events));
                }
                let body = serde_json::to_vec(&output).map_err(|e| CallError::Other(e.to_string()))?;
            }
        });
        let keep = events.as_ref().map(|_| quote!(let output_events = output;));
        let write_from = if events.is_some() { quote!(&output_events) } else { quote!(&output) };
        let input_json = to_wire(quote!(input), input_schema);
        let read = quote! {
            let #request = <#input as crate::runtime::json::ReadJson>::read_json(&#input_json)
                .map_err(|e| CallError::Input(e.path(), e.message().to_string()))?;
        };
        // The output as the command line's document.
        let output_document = if renames {
            let document = from_wire(quote!(document), output_schema);
            quote! {
                serde_json::from_slice(&body)
                    .map(|document| #document)
                    .map_err(|e| CallError::Other(e.to_string()))
            }
        } else {
            quote!(serde_json::from_slice(&body).map_err(|e| CallError::Other(e.to_string())))
        };
        let call = quote! {
            let output = self
                .#method()
                #(#setters)*
                .send()
                .await
                .map_err(|e| match e {
                    crate::operation::#module::#error::Validation(e) => validation(&e),
                    other => failure(other.code(), &other),
                })?;
        };
        // An input stream read from standard input as the call runs replaces the (empty)
        // events of the input document.
        let live = fields
            .iter()
            .find_map(|f| match &f.ty {
                Type::InputEvents(events) => Some((f, events)),
                _ => None,
            })
            .map(|(f, events)| {
                let field = ident(&f.ident);
                let union = static_name(events, "SCHEMA");
                let value = to_wire(quote!(value), quote!(#union));
                quote! {
                    let mut request = request;
                    if let Some(sent) = sent {
                        request.#field = crate::primitives::InputEvents::from_lines(
                            sent.into_receiver(),
                            |value| crate::runtime::json::ReadJson::read_json(&#value).map_err(|e| e.to_string()),
                        );
                    }
                }
            });
        let tail = quote! {
            #collect
            #keep
            let mut body = Vec::new();
            crate::runtime::json::WriteJson::write_json(#write_from, &mut body);
            #events
            #output_document
        };
        // The same call, each event given to the sink as it arrives, an input stream sent as
        // standard input gives it.
        if let Some((field, events)) = event_stream_output(krate, op) {
            let field = ident(&field.ident);
            let union = static_name(events, "SCHEMA");
            let event = from_wire(quote!(event), quote!(#union));
            streaming_arms.push(quote! {
                #index => {
                    #read
                    #live
                    #call
                    let mut output = output;
                    while let Some(event) = output.#field.recv().await.map_err(|e| failure(e.code(), &e))? {
                        let mut body = Vec::new();
                        crate::runtime::json::WriteJson::write_json(&event, &mut body);
                        let event: Value = serde_json::from_slice(&body).map_err(|e| CallError::Other(e.to_string()))?;
                        events(#event)?;
                    }
                    let mut body = Vec::new();
                    crate::runtime::json::WriteJson::write_json(&output, &mut body);
                    #output_document
                }
            });
        } else if live.is_some() {
            streaming_arms.push(quote! {
                #index => {
                    #read
                    #live
                    #call
                    #tail
                }
            });
        }
        quote! {
            #index => {
                #read
                #call
                #tail
            }
        }
    }).collect();
    let sends_live = krate.operations.iter().any(|op| {
        super::call::input_struct(krate, op)
            .fields
            .iter()
            .any(|f| matches!(f.ty, Type::InputEvents(_)))
    });
    let sent = if sends_live {
        quote!(sent)
    } else {
        quote!(_sent)
    };
    let receives = krate.operations.iter().any(|op| op.streams_events());
    let sink = if receives {
        quote!(events)
    } else {
        quote!(_events)
    };
    let call_streaming = (!streaming_arms.is_empty()).then(|| {
        quote! {
            fn call_streaming<'a>(
                &'a self,
                index: usize,
                input: Value,
                #sent: Option<SentEvents>,
                #sink: EventSink<'a>,
            ) -> LocalBoxFuture<'a, Result<Value, CallError>> {
                Box::pin(async move {
                    match index {
                        #(#streaming_arms)*
                        _ => self.call(index, input).await,
                    }
                })
            }
        }
    });
    if call_streaming.is_some() {
        engine_types.extend([
            quote!(EventSink),
            quote!(LocalBoxFuture),
            quote!(SentEvents),
        ]);
    }
    // Imported in name order, as rustfmt sorts them.
    engine_types.sort_by_key(ToString::to_string);
    let round_trips = krate.operations.iter().enumerate().map(|(index, op)| {
        let input = path_tokens(&op.input, None);
        let output = path_tokens(&op.output, None);
        let members = static_name(&op.input, "MEMBERS");
        let schema = static_name(&op.output, "SCHEMA");
        let seed = proc_macro2::Literal::u64_unsuffixed(2 * index as u64);
        let next = proc_macro2::Literal::u64_unsuffixed(2 * index as u64 + 1);
        // An output holding an event stream is not read from JSON.
        let output_trip =
            (!op.streams_events()).then(|| quote!(round_trip::<#output>(&#schema, CASES, #next);));
        quote! {
            round_trip::<#input>(&Schema::Structure(&#members), CASES, #seed);
            #output_trip
        }
    });
    let count = proc_macro2::Literal::usize_unsuffixed(krate.operations.len());
    let about = format!(
        "{} command-line client, generated from its Smithy model. One subcommand per operation.",
        krate.service.title
    );
    let package = &krate.package;
    quote! {
        //! The command-line client (cargo feature `cli`): every operation as a subcommand, every
        //! top-level input member as a flag, help from the model's documentation. Run it with
        //! `cargo run --features cli --bin <crate> -- <subcommand> --help`.

        use serde_json::Value;

        use crate::runtime::cli::tables::{#(#engine_types),*};
        use crate::runtime::transport::BoxFuture;

        /// Runs the command line of this process; returns the exit status (0: success,
        /// 252: invalid command line or input, 253: configuration, 254: service error,
        /// 255: anything else).
        pub fn main() -> i32 {
            crate::runtime::cli::main(&PROGRAM)
        }

        /// Runs a command line (the first argument is the program name), printing to `out` and
        /// `err`; returns the exit status.
        pub fn run(
            args: impl IntoIterator<Item = impl Into<std::ffi::OsString> + Clone>,
            out: &mut dyn std::io::Write,
            err: &mut dyn std::io::Write,
        ) -> i32 {
            crate::runtime::cli::run(&PROGRAM, args, out, err)
        }

        /// [`run`] with `stdin` as its standard input (what `-` reads, such as an input event
        /// stream's events).
        pub fn run_with_stdin(
            args: impl IntoIterator<Item = impl Into<std::ffi::OsString> + Clone>,
            stdin: Box<dyn std::io::Read + Send>,
            out: &mut dyn std::io::Write,
            err: &mut dyn std::io::Write,
        ) -> i32 {
            crate::runtime::cli::run_with_stdin(&PROGRAM, args, stdin, out, err)
        }

        static PROGRAM: Program = Program {
            name: #package,
            about: #about,
            operations: &OPERATIONS,
            waiters: #waiters_field,
            connect,
        };

        static OPERATIONS: [Operation; #count] = [#(#operations),*];

        #waiters_static

        #(#statics)*

        fn connect(config: crate::config::Config) -> Result<Box<dyn Service>, CallError> {
            let client = crate::Client::new(config).map_err(|e| CallError::Config(e.to_string()))?;
            Ok(Box::new(client))
        }

        impl Service for crate::Client {
            fn call(&self, index: usize, input: Value) -> BoxFuture<'_, Result<Value, CallError>> {
                Box::pin(async move {
                    match index {
                        #(#arms)*
                        _ => Err(CallError::Other(format!("no operation number {index}"))),
                    }
                })
            }

            #call_streaming
        }

        fn validation(error: &crate::error::ValidationError) -> CallError {
            CallError::Validation(
                error
                    .violations()
                    .iter()
                    .map(|v| (v.path().to_string(), v.kind().to_string()))
                    .collect(),
            )
        }

        fn failure(code: Option<&str>, error: &dyn std::fmt::Display) -> CallError {
            match code {
                Some(code) => CallError::service(code, &error.to_string()),
                None => CallError::Other(error.to_string()),
            }
        }

        #[cfg(test)]
        mod tests {
            use super::*;
            use crate::runtime::cli::arbitrary::round_trip;

            /// Arbitrary values tried per type.
            const CASES: usize = 64;

            /// Every operation's input and output: arbitrary JSON of its shape (quotes,
            /// backslashes, control and non-BMP characters in strings and map keys) read,
            /// written and read back is the same value, and what is written is JSON.
            #[test]
            fn inputs_and_outputs_round_trip_through_json() {
                #(#round_trips)*
            }
        }
    }
}

/// `src/bin/<package>.rs`.
pub fn bin_rs(krate: &Crate) -> TokenStream {
    let krate_ident = ident(&krate.package.replace('-', "_"));
    let doc = format!(
        " `{}`: the {} command-line client. `--help` lists the subcommands.",
        krate.package, krate.service.title
    );
    quote! {
        #![doc = #doc]

        fn main() {
            std::process::exit(#krate_ident::cli::main());
        }
    }
}

/// The output field holding a `@streaming` payload.
fn streamed_output(krate: &Crate, op: &crate::ir::Operation) -> Option<proc_macro2::Ident> {
    let http = op.http.as_ref().filter(|http| http.output.streaming)?;
    let crate::http::Body::Payload(member) = &http.output.body else {
        return None;
    };
    let output = krate.structure(&op.output)?;
    let field = output.fields.iter().find(|f| &f.wire == member)?;
    Some(ident(&field.ident))
}

/// The output field holding an event stream, and the union of its events.
fn event_stream_output<'k>(
    krate: &'k Crate,
    op: &crate::ir::Operation,
) -> Option<(&'k crate::ir::Field, &'k TypePath)> {
    if !op.streams_events() {
        return None;
    }
    let output = krate.structure(&op.output)?;
    output.fields.iter().find_map(|f| match &f.ty {
        Type::EventStream { events, .. } => Some((f, events)),
        _ => None,
    })
}
