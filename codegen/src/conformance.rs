//! Conformance: Smithy's `smithy.test#httpRequestTests` and `httpResponseTests` turned into Rust
//! tests for a generated crate.
//!
//! Request cases build the input as typed Rust literals from the case's `params`, send it
//! through the generated client over an in-memory transport and compare method, URI, host,
//! headers and body. Response cases feed the case's HTTP response to `parse_response` and
//! compare with the expected output or error, built the same way (compared through `Debug`, so
//! NaN equals NaN).

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ir::{Crate, Module, Operation, Structure, Type, TypePath};
use crate::model::{Model, ShapeKind};
use crate::select::Operations;
use crate::tokens::ident;

/// A generated crate with its protocol tests.
pub struct Suite {
    pub package: String,
    pub protocol: crate::ir::Protocol,
    /// Crate files, `tests/protocol.rs` included.
    pub files: BTreeMap<String, String>,
    pub request_cases: usize,
    pub response_cases: usize,
    /// `smithy.test#eventStreamTests` cases run (input, output and duplex streams).
    pub event_cases: usize,
    /// Case ids skipped, with the reason (from the skip list).
    pub skipped: Vec<(String, String)>,
}

/// One test case and where it came from.
struct Case<'a> {
    kind: Kind,
    operation: &'a Operation,
    /// For response cases on error shapes: the error's Rust variant.
    error: Option<&'a crate::ir::ErrorRef>,
    case: &'a Value,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Request,
    Response,
    /// `smithy.test#eventStreamTests` of an output event stream: the initial response and
    /// the events' messages fed to `parse_response`, each event (or the failure) compared.
    Events,
}

/// Generates `service`'s crate (every operation) and its protocol tests. `skips` maps case ids
/// to the reason they are skipped.
pub fn generate(model: &Model, service: &str, skips: &BTreeMap<String, String>) -> Result<Suite> {
    let operations = Operations::All;
    let krate = crate::Generator::new()
        .service(service)
        .operations(operations)
        .build_ir(model)?;
    let mut files = crate::format::format(&krate, crate::emit::plan(&krate))?;
    let protocol = format!("aws.protocols#{}", krate.service.protocol.name());
    let protocol = protocol.as_str();

    let mut cases = Vec::new();
    for op in &krate.operations {
        let traits = &model.expect(&op.id).traits.raw;
        for (key, kind) in [
            ("smithy.test#httpRequestTests", Kind::Request),
            ("smithy.test#httpResponseTests", Kind::Response),
        ] {
            for case in client_cases(traits.get(key), protocol) {
                cases.push(Case {
                    kind,
                    operation: op,
                    error: None,
                    case,
                });
            }
        }
    }
    for op in (krate.operations.iter()).filter(|op| op.streams_events() || op.sends_events()) {
        let traits = &model.expect(&op.id).traits.raw;
        for case in client_cases(traits.get("smithy.test#eventStreamTests"), protocol) {
            cases.push(Case {
                kind: Kind::Events,
                operation: op,
                error: None,
                case,
            });
        }
    }
    // Error shapes carry response cases of their own; parse them with the first operation
    // (by name) that lists the error.
    let mut error_shapes: Vec<&crate::ir::Structure> = krate
        .structures
        .iter()
        .filter(|s| matches!(s.kind, crate::ir::StructKind::Error(_)))
        .collect();
    error_shapes.sort_by(|a, b| a.id.cmp(&b.id));
    for shape in error_shapes {
        let traits = &model.expect(&shape.id).traits.raw;
        let found = krate.operations.iter().find_map(|op| {
            op.errors
                .iter()
                .find(|e| e.ty == shape.path)
                .map(|e| (op, e))
        });
        let Some((op, error)) = found else { continue };
        for case in client_cases(traits.get("smithy.test#httpResponseTests"), protocol) {
            cases.push(Case {
                kind: Kind::Response,
                operation: op,
                error: Some(error),
                case,
            });
        }
    }

    let package = krate.package.replace('-', "_");
    let literals = Literals {
        krate: &krate,
        package: Ident::new(&package, Span::call_site()),
    };
    let mut tests = Vec::new();
    let mut skipped = Vec::new();
    let mut names = BTreeMap::new();
    for case in &cases {
        let id = case
            .case
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("unnamed");
        let prefix = match case.kind {
            Kind::Request => "request",
            Kind::Response => "response",
            Kind::Events => "events",
        };
        let mut name = format!("{prefix}_{}", id.to_snake_case());
        let seen = names.entry(name.clone()).or_insert(0);
        *seen += 1;
        if *seen > 1 {
            name = format!("{name}_{seen}");
        }
        let test = literals
            .test(case, &name)
            .map_err(|message| Error::Unsupported {
                shape: case.operation.id.to_string(),
                reason: format!("protocol test {id}: {message}"),
            })?;
        let ignore = skips.get(id).map(|reason| {
            skipped.push((id.to_string(), reason.clone()));
            quote!(#[ignore = #reason])
        });
        tests.push(quote!(#ignore #test));
    }
    let support = support(&literals.package);
    let file: syn::File = syn::parse2(quote! {
        //! Smithy protocol compliance tests, generated from the model's `smithy.test` traits.
        #![allow(
            clippy::all,
            clippy::pedantic,
            unused_imports,
            unused_mut,
            reason = "written from the compliance suite's cases, not for reading"
        )]

        #support
        #(#tests)*
    })
    .map_err(|e| Error::Emit {
        file: "tests/protocol.rs".into(),
        message: e.to_string(),
    })?;
    let text = crate::render::print(file, &crate::render::Deferred::none()).map_err(|message| {
        Error::Emit {
            file: "tests/protocol.rs".into(),
            message,
        }
    })?;
    files.insert(
        "tests/protocol.rs".into(),
        format!("// {}\n\n{text}", crate::tokens::HEADER),
    );
    if let Some(manifest) = files.get_mut("Cargo.toml") {
        manifest.push_str(
            "\n[dev-dependencies]\n\
             http = \"1\"\n\
             serde_json = \"1\"\n\
             tokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n",
        );
    }
    Ok(Suite {
        package: krate.package.clone(),
        protocol: krate.service.protocol,
        files,
        request_cases: cases.iter().filter(|c| c.kind == Kind::Request).count(),
        response_cases: cases.iter().filter(|c| c.kind == Kind::Response).count(),
        event_cases: cases.iter().filter(|c| c.kind == Kind::Events).count(),
        skipped,
    })
}

/// The cases of one trait value that apply to clients and this protocol.
fn client_cases<'v>(value: Option<&'v Value>, protocol: &str) -> Vec<&'v Value> {
    value
        .and_then(Value::as_array)
        .map(|cases| {
            cases
                .iter()
                .filter(|c| c.get("protocol").and_then(Value::as_str) == Some(protocol))
                .filter(|c| {
                    matches!(
                        c.get("appliesTo").and_then(Value::as_str),
                        None | Some("client")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every service in the model that speaks a protocol the generator knows, with it.
pub fn services(model: &Model) -> Vec<(String, crate::ir::Protocol)> {
    model
        .shapes
        .values()
        .filter(|s| matches!(s.kind, ShapeKind::Service(_)))
        .filter_map(|s| Some((s.id.to_string(), crate::ir::Protocol::of(s)?)))
        .collect()
}

struct Literals<'a> {
    krate: &'a Crate,
    package: Ident,
}

impl Literals<'_> {
    /// A type's path from outside the crate.
    fn path(&self, path: &TypePath) -> TokenStream {
        fn module_path(package: &Ident, module: &Module) -> TokenStream {
            match module {
                Module::Types => quote!(#package::types),
                Module::Error => quote!(#package::error),
                Module::Operation(op) => {
                    let op = ident(op);
                    quote!(#package::operation::#op)
                }
                Module::Builders(parent) => {
                    let parent = module_path(package, parent);
                    quote!(#parent::builders)
                }
            }
        }
        let name = ident(&path.name);
        let module = module_path(&self.package, &path.module);
        quote!(#module::#name)
    }

    fn structure(&self, path: &TypePath) -> Result<&Structure, String> {
        self.krate
            .structure(path)
            .ok_or_else(|| format!("no structure {}", path.name))
    }

    fn test(&self, case: &Case<'_>, name: &str) -> Result<TokenStream, String> {
        let name = Ident::new(name, Span::call_site());
        let c = case.case;
        let doc = c
            .get("documentation")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let doc = format!(
            " {}: {}",
            c.get("id").and_then(Value::as_str).unwrap_or_default(),
            doc.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        let params = c
            .get("params")
            .cloned()
            .unwrap_or(Value::Object(Default::default()));
        let op_module = ident(&case.operation.snake);
        let package = &self.package;
        let headers = string_pairs(c.get("headers"));
        match case.kind {
            Kind::Request => {
                let setters = self.setters(&case.operation.input, &params)?;
                let method = ident(&case.operation.snake);
                let host = c
                    .get("host")
                    .and_then(Value::as_str)
                    .unwrap_or("example.com");
                let resolved = c.get("resolvedHost").and_then(Value::as_str).map_or_else(
                    || host.split('/').next().unwrap_or(host).to_string(),
                    str::to_string,
                );
                let expected_method = c.get("method").and_then(Value::as_str).unwrap_or("POST");
                let uri = c.get("uri").and_then(Value::as_str).unwrap_or("/");
                let forbid = strings(c.get("forbidHeaders"));
                let require = strings(c.get("requireHeaders"));
                let query = strings(c.get("queryParams"));
                let forbid_query = strings(c.get("forbidQueryParams"));
                let require_query = strings(c.get("requireQueryParams"));
                let body = match c.get("body").and_then(Value::as_str) {
                    Some(body) => {
                        let json = c.get("bodyMediaType").and_then(Value::as_str)
                            == Some("application/json");
                        quote!(Some((#body, #json)))
                    }
                    None => quote!(None),
                };
                Ok(quote! {
                    #[doc = #doc]
                    #[tokio::test]
                    async fn #name() {
                        let (client, captured) = support::client(#host);
                        let _ = client.#method() #(#setters)* .send().await;
                        let request = captured.lock().expect("lock").take().expect("the client sent a request");
                        support::check_request(&request, #expected_method, #uri, #resolved, &[#((#headers)),*], &[#(#forbid),*], &[#(#require),*], #body);
                        support::check_query(&request, &[#(#query),*], &[#(#forbid_query),*], &[#(#require_query),*]);
                    }
                })
            }
            Kind::Events => self.events_test(case, &name, &doc),
            Kind::Response => {
                let code =
                    Literal::u64_unsuffixed(c.get("code").and_then(Value::as_u64).unwrap_or(200));
                let body = c.get("body").and_then(Value::as_str).unwrap_or_default();
                let response = quote!(support::response(#code, &[#((#headers)),*], #body));
                let assertion = match case.error {
                    None => {
                        let expected = self.struct_literal(&case.operation.output, &params)?;
                        if case.operation.streams_output() {
                            // A structure holding a stream is compared by its `Debug` form
                            // (bytes in memory show as bytes).
                            quote! {
                                let response = response.map(#package::primitives::ByteStream::from);
                                let actual = #package::operation::#op_module::parse_response(response).expect("the response parses");
                                assert_eq!(format!("{actual:#?}"), format!("{:#?}", #expected));
                            }
                        } else {
                            quote! {
                                let actual = #package::operation::#op_module::parse_response(&response).expect("the response parses");
                                support::same(&actual, &#expected);
                            }
                        }
                    }
                    Some(error) => {
                        let expected = self.struct_literal(&error.ty, &params)?;
                        let error_enum = ident(&case.operation.error_enum);
                        let variant = ident(&error.ty.name);
                        let parse = if case.operation.streams_output() {
                            quote!(parse_response(response.map(#package::primitives::ByteStream::from)))
                        } else {
                            quote!(parse_response(&response))
                        };
                        quote! {
                            let actual = #package::operation::#op_module::#parse.expect_err("the response is an error");
                            let #package::operation::#op_module::#error_enum::#variant(actual) = actual else {
                                panic!("expected {}, got {actual:?}", stringify!(#variant));
                            };
                            support::same(&actual, &#expected);
                        }
                    }
                };
                Ok(quote! {
                    #[doc = #doc]
                    #[test]
                    fn #name() {
                        let response = #response;
                        #assertion
                    }
                })
            }
        }
    }

    /// An output event stream's case: its initial response and messages fed to
    /// `parse_response`; the expected events compared in order (through `Debug`), then the end;
    /// or, when the case expects a failure, an error (of the modeled variant it names) from
    /// `parse_response` or from one of the events.
    fn events_test(&self, case: &Case<'_>, name: &Ident, doc: &str) -> Result<TokenStream, String> {
        let c = case.case;
        let sends = c
            .get("events")
            .and_then(Value::as_array)
            .is_some_and(|events| {
                events
                    .iter()
                    .any(|e| e.get("type").and_then(Value::as_str) == Some("request"))
            });
        if sends || c.get("initialRequest").is_some() {
            return self.input_events_test(case, name, doc);
        }
        let package = &self.package;
        let op = case.operation;
        let op_module = ident(&op.snake);
        let output = self.structure(&op.output)?;
        let (stream, events) = output
            .fields
            .iter()
            .find_map(|f| match &f.ty {
                Type::EventStream { events, .. } => Some((ident(&f.ident), events.clone())),
                _ => None,
            })
            .ok_or("the output has no event stream")?;
        let initial = c.get("initialResponse");
        let code = Literal::u64_unsuffixed(
            initial
                .and_then(|r| r.get("code"))
                .and_then(Value::as_u64)
                .unwrap_or(200),
        );
        let headers = string_pairs(initial.and_then(|r| r.get("headers")));
        let mut body = initial
            .and_then(|r| r.get("body"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .as_bytes()
            .to_vec();
        let fails = c
            .get("expectation")
            .and_then(|e| e.get("failure"))
            .is_some();
        let mut expected = Vec::new();
        for (event, bytes) in case_events(c, "response")? {
            body.extend(bytes);
            // (A failing case's events are not compared: an exception's params are no event.)
            if let Some(params) = event.get("params").filter(|_| !fails) {
                expected.push(self.value(&Type::Union(events.clone()), params)?);
            }
        }
        let body = Literal::byte_string(&body);
        let parse = quote! {
            let response = support::response(#code, &[#((#headers)),*], "")
                .map(|_| #package::primitives::ByteStream::from(#body.to_vec()));
            let parsed = #package::operation::#op_module::parse_response(response);
        };
        let failure = c.get("expectation").and_then(|e| e.get("failure"));
        let Some(failure) = failure else {
            // The initial response's members, one by one.
            let mut members = Vec::new();
            if let Some(params) = c.get("initialResponseParams").and_then(Value::as_object) {
                for (key, value) in params {
                    let f = output
                        .fields
                        .iter()
                        .find(|f| &f.wire == key)
                        .ok_or_else(|| format!("no member {key} in the output"))?;
                    let field = ident(&f.ident);
                    let value = self.value(&f.ty, value)?;
                    let value = if f.optional {
                        quote!(Some(#value))
                    } else {
                        value
                    };
                    members.push(quote! {
                        assert_eq!(format!("{:?}", output.#field), format!("{:?}", #value), #key);
                    });
                }
            }
            let union = self.path(&events);
            let count = Literal::usize_unsuffixed(expected.len());
            return Ok(quote! {
                #[doc = #doc]
                #[tokio::test]
                async fn #name() {
                    #parse
                    let mut output = parsed.expect("the initial response parses");
                    #(#members)*
                    let expected: [#union; #count] = [#(#expected),*];
                    for expected in expected {
                        let event = output.#stream.recv().await.expect("an event, not an error").expect("an event, not the end");
                        assert_eq!(format!("{event:#?}"), format!("{expected:#?}"));
                    }
                    assert!(output.#stream.recv().await.expect("the end, not an error").is_none(), "the end");
                }
            });
        };
        let error_enum = ident(&op.error_enum);
        let check = match failure.get("errorId").and_then(Value::as_str) {
            Some(id) => {
                let shape = id.rsplit('#').next().unwrap_or(id);
                let e = op
                    .errors
                    .iter()
                    .find(|e| e.code == shape)
                    .ok_or_else(|| format!("{id} is not an error of {}", op.name))?;
                let variant = ident(&e.ty.name);
                quote! {
                    assert!(
                        matches!(error, #package::operation::#op_module::#error_enum::#variant(_)),
                        "expected {}, got {error:?}", stringify!(#variant)
                    );
                }
            }
            None => quote!(let _ = error;),
        };
        Ok(quote! {
            #[doc = #doc]
            #[tokio::test]
            async fn #name() {
                #parse
                let error = match parsed {
                    Err(error) => error,
                    Ok(mut output) => loop {
                        match output.#stream.recv().await {
                            Ok(Some(_)) => continue,
                            Ok(None) => panic!("expected a failure, the stream ended"),
                            Err(error) => break error,
                        }
                    },
                };
                #check
            }
        })
    }

    /// An input event stream's case: the call made through a client that keeps the request,
    /// with the initial request's members and the events; the request's method, URI and
    /// headers compared with the initial request's, and each event's message (unwrapped from
    /// its signed message) compared with the expected one: headers, and the payload as JSON
    /// when its `:content-type` says so, else byte for byte.
    fn input_events_test(
        &self,
        case: &Case<'_>,
        name: &Ident,
        doc: &str,
    ) -> Result<TokenStream, String> {
        let c = case.case;
        let op = case.operation;
        let package = &self.package;
        let input = self.structure(&op.input)?;
        let (stream, events) = input
            .fields
            .iter()
            .find_map(|f| match &f.ty {
                Type::InputEvents(events) => Some((f, events.clone())),
                _ => None,
            })
            .ok_or("the input has no event stream")?;
        let empty = Value::Object(Default::default());
        let mut setters =
            self.setters(&op.input, c.get("initialRequestParams").unwrap_or(&empty))?;
        let mut sent = Vec::new();
        let mut expected = Vec::new();
        for (event, bytes) in case_events(c, "request")? {
            let params = event.get("params").ok_or("an event without params")?;
            sent.push(self.value(&Type::Union(events.clone()), params)?);
            expected.push(Literal::byte_string(&bytes));
        }
        let set_stream = ident(&format!("set_{}", crate::naming::bare(&stream.ident)));
        setters.push(quote! {
            .#set_stream(Some(#package::primitives::InputEvents::from(vec![#(#sent),*])))
        });
        let initial = c.get("initialRequest");
        let expected_method = initial
            .and_then(|r| r.get("method"))
            .and_then(Value::as_str)
            .unwrap_or("POST");
        let uri = initial
            .and_then(|r| r.get("uri"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| {
                op.http
                    .as_ref()
                    .map_or_else(|| "/".to_string(), |h| h.uri.pattern())
            });
        let headers = string_pairs(initial.and_then(|r| r.get("headers")));
        let method = ident(&op.snake);
        Ok(quote! {
            #[doc = #doc]
            #[tokio::test]
            async fn #name() {
                let (client, captured) = support::client("example.com");
                let _ = client.#method() #(#setters)* .send().await;
                let request = captured.lock().expect("lock").take().expect("the client sent a request");
                support::check_request(&request, #expected_method, #uri, "example.com", &[#((#headers)),*], &[], &[], None);
                assert_eq!(
                    request.headers().get("content-type").map(|v| v.as_bytes()),
                    Some(&b"application/vnd.amazon.eventstream"[..]),
                );
                support::check_events(request.body(), &[#(#expected),*]);
            }
        })
    }

    /// `.set_x(Some(..))` calls for the fluent builder, one per parameter.
    fn setters(&self, input: &TypePath, params: &Value) -> Result<Vec<TokenStream>, String> {
        let s = self.structure(input)?;
        self.set_calls(s, params.as_object().ok_or("params is not an object")?)
    }

    /// One `.set_x(Some(..))` call per parameter of `s`; a null parameter means "not set".
    fn set_calls(
        &self,
        s: &Structure,
        object: &serde_json::Map<String, Value>,
    ) -> Result<Vec<TokenStream>, String> {
        object
            .iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(key, value)| {
                let field = s
                    .fields
                    .iter()
                    .find(|f| &f.wire == key)
                    .ok_or_else(|| format!("no member {key} in {}", s.path.name))?;
                let set = ident(&format!("set_{}", crate::naming::bare(&field.ident)));
                let value = self.value(&field.ty, value)?;
                let value = if field.boxed {
                    quote!(Box::new(#value))
                } else {
                    value
                };
                Ok(quote!(.#set(Some(#value))))
            })
            .collect()
    }

    /// A structure built with its builder from a params object.
    fn struct_literal(&self, path: &TypePath, params: &Value) -> Result<TokenStream, String> {
        let s = self.structure(path)?;
        let object = params.as_object().ok_or("expected an object")?;
        let rust = self.path(path);
        let mut calls = self.set_calls(s, object)?;
        // Required members the case leaves out get the zero value the parser corrects to.
        for field in s.required_fields() {
            if !object.contains_key(&field.wire) {
                let set = ident(&format!("set_{}", crate::naming::bare(&field.ident)));
                let zero = self.zero(&field.ty);
                let zero = if field.boxed {
                    quote!(Box::new(#zero))
                } else {
                    zero
                };
                calls.push(quote!(.#set(Some(#zero))));
            }
        }
        let build = if s.required_fields().next().is_some() {
            quote!(.build().expect("every required member is set"))
        } else {
            quote!(.build())
        };
        Ok(quote!(#rust::builder() #(#calls)* #build))
    }

    fn zero(&self, ty: &Type) -> TokenStream {
        let package = &self.package;
        match ty {
            Type::Enum(path) | Type::Union(path) => {
                let path = self.path(path);
                quote!(#path::Unknown(String::new()))
            }
            Type::IntEnum(path) => {
                let path = self.path(path);
                quote!(#path::from(0))
            }
            Type::Struct(path) => {
                let empty = Value::Object(Default::default());
                self.struct_literal(path, &empty)
                    .unwrap_or_else(|_| quote!(Default::default()))
            }
            Type::Timestamp(_) => quote!(#package::primitives::DateTime::from_secs(0)),
            _ => quote!(Default::default()),
        }
    }

    /// A Rust expression of type `ty` for a params value.
    fn value(&self, ty: &Type, value: &Value) -> Result<TokenStream, String> {
        let package = &self.package;
        let mismatch = || format!("{value} does not fit {ty:?}");
        Ok(match ty {
            Type::String => {
                let s = value.as_str().ok_or_else(mismatch)?;
                quote!(#s.to_string())
            }
            Type::Bool => {
                let b = value.as_bool().ok_or_else(mismatch)?;
                quote!(#b)
            }
            Type::Byte | Type::Short | Type::Integer | Type::Long => {
                let n = Literal::i64_unsuffixed(value.as_i64().ok_or_else(mismatch)?);
                quote!(#n)
            }
            Type::Float | Type::Double => {
                let (float, f) = if matches!(ty, Type::Float) {
                    (quote!(f32), "f32")
                } else {
                    (quote!(f64), "f64")
                };
                match value {
                    Value::String(s) if s == "NaN" => quote!(#float::NAN),
                    Value::String(s) if s == "Infinity" => quote!(#float::INFINITY),
                    Value::String(s) if s == "-Infinity" => quote!(#float::NEG_INFINITY),
                    Value::Number(n) => {
                        let v = n.as_f64().ok_or_else(mismatch)?;
                        if f == "f32" && !(v as f32).is_finite() {
                            return Err(format!("{v} is out of range for a float"));
                        }
                        let lit = if f == "f32" {
                            Literal::f32_suffixed(v as f32)
                        } else {
                            Literal::f64_suffixed(v)
                        };
                        quote!(#lit)
                    }
                    _ => return Err(mismatch()),
                }
            }
            Type::Blob => {
                let s = value.as_str().ok_or_else(mismatch)?;
                quote!(#s.as_bytes().to_vec())
            }
            Type::EventStream { .. } | Type::InputEvents(_) => {
                return Err("an event stream has no value in a case's params".into());
            }
            Type::ByteStream => {
                let s = value.as_str().ok_or_else(mismatch)?;
                quote!(#package::primitives::ByteStream::from(#s.as_bytes().to_vec()))
            }
            Type::Timestamp(_) => match value {
                Value::Number(n) if n.is_i64() => {
                    let secs = Literal::i64_unsuffixed(n.as_i64().unwrap_or_default());
                    quote!(#package::primitives::DateTime::from_secs(#secs))
                }
                Value::Number(n) => {
                    let secs = Literal::f64_unsuffixed(n.as_f64().unwrap_or_default());
                    quote!(#package::primitives::DateTime::from_secs_f64(#secs))
                }
                // Event-stream cases write timestamps as RFC 3339 text.
                Value::String(text) => {
                    quote!(#package::primitives::DateTime::parse_date_time(#text).expect("an RFC 3339 date-time"))
                }
                _ => return Err(mismatch()),
            },
            Type::Document => self.document(value),
            Type::Enum(path) => {
                let path = self.path(path);
                let s = value.as_str().ok_or_else(mismatch)?;
                quote!(#path::from(#s))
            }
            Type::IntEnum(path) => {
                let path = self.path(path);
                let n = Literal::i64_unsuffixed(value.as_i64().ok_or_else(mismatch)?);
                quote!(#path::from(#n))
            }
            Type::Struct(path) => self.struct_literal(path, value)?,
            Type::Union(path) => {
                let u = self
                    .krate
                    .unions
                    .iter()
                    .find(|u| &u.path == path)
                    .ok_or_else(mismatch)?;
                let object = value.as_object().ok_or_else(mismatch)?;
                let (key, inner) = object.iter().next().ok_or_else(mismatch)?;
                let variant = u
                    .variants
                    .iter()
                    .find(|v| &v.wire == key)
                    .ok_or_else(|| format!("no union member {key}"))?;
                let rust = self.path(path);
                let name = ident(&variant.ident);
                match &variant.ty {
                    None => quote!(#rust::#name),
                    Some(ty) => {
                        let inner = self.value(ty, inner)?;
                        let inner = if variant.boxed {
                            quote!(Box::new(#inner))
                        } else {
                            inner
                        };
                        quote!(#rust::#name(#inner))
                    }
                }
            }
            Type::List(item) => {
                let items = value.as_array().ok_or_else(mismatch)?;
                let items = items
                    .iter()
                    .map(|v| match (item.sparse, v) {
                        (true, Value::Null) => Ok(quote!(None)),
                        (true, v) => self.value(&item.ty, v).map(|v| quote!(Some(#v))),
                        (false, v) => self.value(&item.ty, v),
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                quote!(vec![#(#items),*])
            }
            Type::Map(map) => {
                let entries = value.as_object().ok_or_else(mismatch)?;
                let entries = entries
                    .iter()
                    .map(|(k, v)| {
                        let key = match &map.key {
                            Type::Enum(path) => {
                                let path = self.path(path);
                                quote!(#path::from(#k))
                            }
                            _ => quote!(#k.to_string()),
                        };
                        let value = match (map.value.sparse, v) {
                            (true, Value::Null) => quote!(None),
                            (true, v) => {
                                let v = self.value(&map.value.ty, v)?;
                                quote!(Some(#v))
                            }
                            (false, v) => self.value(&map.value.ty, v)?,
                        };
                        Ok(quote!((#key, #value)))
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                quote!(std::collections::BTreeMap::from([#(#entries),*]))
            }
        })
    }

    fn document(&self, value: &Value) -> TokenStream {
        let package = &self.package;
        let doc = quote!(#package::primitives::Document);
        let number = quote!(#package::primitives::Number);
        match value {
            Value::Null => quote!(#doc::Null),
            Value::Bool(b) => quote!(#doc::Bool(#b)),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => {
                    let u = Literal::u64_unsuffixed(u);
                    quote!(#doc::Number(#number::PosInt(#u)))
                }
                (None, Some(i), _) => {
                    let i = Literal::i64_unsuffixed(i);
                    quote!(#doc::Number(#number::NegInt(#i)))
                }
                (_, _, f) => {
                    let f = Literal::f64_suffixed(f.unwrap_or_default());
                    quote!(#doc::Number(#number::Float(#f)))
                }
            },
            Value::String(s) => quote!(#doc::String(#s.to_string())),
            Value::Array(items) => {
                let items = items.iter().map(|v| self.document(v));
                quote!(#doc::Array(vec![#(#items),*]))
            }
            Value::Object(entries) => {
                let entries = entries.iter().map(|(k, v)| {
                    let v = self.document(v);
                    quote!((#k.to_string(), #v))
                });
                quote!(#doc::Object(std::collections::BTreeMap::from([#(#entries),*])))
            }
        }
    }
}

fn string_pairs(value: Option<&Value>) -> Vec<TokenStream> {
    value
        .and_then(Value::as_object)
        .map(|headers| {
            headers
                .iter()
                .map(|(k, v)| {
                    let v = v.as_str().unwrap_or_default();
                    quote!(#k, #v)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// An event-stream case's events, each with its message's bytes; every one must be of `kind`
/// (`request` or `response`).
fn case_events<'c>(case: &'c Value, kind: &str) -> Result<Vec<(&'c Value, Vec<u8>)>, String> {
    use base64::Engine as _;
    let events = case.get("events").and_then(Value::as_array);
    events
        .into_iter()
        .flatten()
        .map(|event| {
            if event.get("type").and_then(Value::as_str) != Some(kind) {
                return Err(format!("a case mixing {kind} events with others"));
            }
            let bytes = event
                .get("bytes")
                .and_then(Value::as_str)
                .ok_or("an event without bytes")?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(bytes)
                .map_err(|e| format!("an event's bytes are not base64: {e}"))?;
            Ok((event, bytes))
        })
        .collect()
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Helpers shared by the generated tests.
fn support(package: &Ident) -> TokenStream {
    quote! {
        mod support {
            use std::sync::{Arc, Mutex};

            use #package::config::{Config, Credentials, InMemory, RetryConfig};

            pub type Captured = Arc<Mutex<Option<http::Request<Vec<u8>>>>>;

            /// A client for `https://{host}` whose transport keeps the request and answers
            /// `200 {}`; validation and retries are off so the request goes out exactly once.
            pub fn client(host: &str) -> (#package::Client, Captured) {
                let captured: Captured = Arc::default();
                let keep = captured.clone();
                let transport = InMemory::new(move |request| {
                    *keep.lock().expect("lock") = Some(request);
                    Ok(http::Response::new(b"{}".to_vec()))
                });
                let config = Config::builder()
                    .region("us-east-1")
                    .endpoint_url(format!("https://{host}"))
                    .credentials(Credentials::new("AKID", "SECRET", None))
                    .retry_config(RetryConfig::disabled())
                    .validation(false)
                    // The suite expects this token where the client fills one in.
                    .idempotency_token_provider(|| "00000000-0000-4000-8000-000000000000".to_string())
                    .http_client(transport)
                    .build();
                (#package::Client::new(config).expect("valid config"), captured)
            }

            #[allow(clippy::too_many_arguments, reason = "one argument per part of the expected request")]
            pub fn check_request(
                request: &http::Request<Vec<u8>>,
                method: &str,
                uri: &str,
                host: &str,
                headers: &[(&str, &str)],
                forbid: &[&str],
                require: &[&str],
                body: Option<(&str, bool)>,
            ) {
                assert_eq!(request.method().as_str(), method, "method");
                // The case's `uri` is the path; its query parameters are checked apart.
                let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
                let (path, _) = path.split_once('?').unwrap_or((path, ""));
                let uri = uri.split_once('?').map_or(uri, |(p, _)| p);
                assert_eq!(path, uri, "uri");
                assert_eq!(request.uri().host(), Some(host), "host");
                for (name, value) in headers {
                    let actual = request.headers().get(*name).map(|v| v.to_str().expect("ascii"));
                    assert_eq!(actual, Some(*value), "header {name}");
                }
                for name in forbid {
                    assert!(!request.headers().contains_key(*name), "forbidden header {name} present");
                }
                for name in require {
                    assert!(request.headers().contains_key(*name), "required header {name} missing");
                }
                match body {
                    Some((expected, true)) if expected.trim().is_empty() => {
                        assert!(request.body().is_empty(), "body: expected none");
                    }
                    Some((expected, true)) => {
                        assert!(!request.body().is_empty(), "body: expected {expected}, got none");
                        let actual: serde_json::Value = serde_json::from_slice(request.body()).expect("the body is JSON");
                        let expected: serde_json::Value = if expected.trim().is_empty() {
                            serde_json::Value::Object(Default::default())
                        } else {
                            serde_json::from_str(expected).expect("the expected body is JSON")
                        };
                        assert!(json_eq(&actual, &expected), "body:\n  actual:   {actual}\n  expected: {expected}");
                    }
                    Some((expected, false)) => {
                        assert_eq!(request.body().as_slice(), expected.as_bytes(), "body");
                    }
                    None => {}
                }
            }

            /// Every expected `key=value` is in the query (as often as expected), forbidden keys
            /// are absent and required keys present.
            pub fn check_query(request: &http::Request<Vec<u8>>, expected: &[&str], forbid: &[&str], require: &[&str]) {
                let query = request.uri().query().unwrap_or("");
                let mut actual: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
                for param in expected {
                    let Some(at) = actual.iter().position(|p| p == param) else {
                        panic!("query parameter {param} missing from {query:?}");
                    };
                    actual.remove(at);
                }
                let keys: Vec<&str> = query.split('&').map(|p| p.split('=').next().unwrap_or("")).collect();
                for key in forbid {
                    assert!(!keys.contains(key), "forbidden query parameter {key} present in {query:?}");
                }
                for key in require {
                    assert!(keys.contains(key), "required query parameter {key} missing from {query:?}");
                }
            }

            /// JSON equality with numbers compared by value (`1` equals `1.0`).
            fn json_eq(a: &serde_json::Value, b: &serde_json::Value) -> bool {
                use serde_json::Value;
                match (a, b) {
                    (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
                    (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y)),
                    (Value::Object(x), Value::Object(y)) => {
                        x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
                    }
                    _ => a == b,
                }
            }

            /// One event-stream message, decoded without checks (the client's own decoder is
            /// under test elsewhere): headers as (name, type, value bytes), and the payload.
            #[derive(Debug)]
            pub struct Message {
                pub headers: Vec<(String, u8, Vec<u8>)>,
                pub payload: Vec<u8>,
            }

            #[allow(dead_code, reason = "used by the input event-stream cases only")]
            pub fn decode(mut bytes: &[u8]) -> Vec<Message> {
                let be32 = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
                let mut out = Vec::new();
                while !bytes.is_empty() {
                    let (total, headers_len) = (be32(&bytes[0..4]), be32(&bytes[4..8]));
                    let message = &bytes[..total];
                    let mut headers = &message[12..12 + headers_len];
                    let mut parsed = Vec::new();
                    while !headers.is_empty() {
                        let name_len = headers[0] as usize;
                        let name = String::from_utf8(headers[1..1 + name_len].to_vec()).expect("a UTF-8 name");
                        let kind = headers[1 + name_len];
                        let rest = &headers[2 + name_len..];
                        let len = match kind {
                            0 | 1 => 0,
                            2 => 1,
                            3 => 2,
                            4 => 4,
                            5 | 8 => 8,
                            6 | 7 => 2 + u16::from_be_bytes([rest[0], rest[1]]) as usize,
                            9 => 16,
                            other => panic!("header type {other}"),
                        };
                        parsed.push((name, kind, rest[..len].to_vec()));
                        headers = &rest[len..];
                    }
                    out.push(Message { headers: parsed, payload: message[12 + headers_len..total - 4].to_vec() });
                    bytes = &bytes[total..];
                }
                out
            }

            /// The request body's events equal the expected messages. A signed stream's
            /// messages are unwrapped, each having its `:chunk-signature` and `:date`, and
            /// the stream must end with the signed empty message.
            #[allow(dead_code, reason = "used by the input event-stream cases only")]
            pub fn check_events(body: &[u8], expected: &[&[u8]]) {
                let outer = decode(body);
                let mut actual = Vec::new();
                assert!(!outer.is_empty(), "a signed stream ends with a message");
                for message in &outer {
                    let names: Vec<&str> = message.headers.iter().map(|h| h.0.as_str()).collect();
                    assert!(names.contains(&":chunk-signature") && names.contains(&":date"), "signed: {names:?}");
                    if !message.payload.is_empty() {
                        actual.extend(decode(&message.payload));
                    }
                }
                assert!(outer.last().is_some_and(|m| m.payload.is_empty()), "the stream ends with the empty signed message");
                let expected: Vec<Message> = expected.iter().flat_map(|bytes| decode(bytes)).collect();
                assert_eq!(actual.len(), expected.len(), "events: {actual:?}");
                for (actual, expected) in actual.iter_mut().zip(expected) {
                    actual.headers.sort();
                    let mut headers = expected.headers;
                    headers.sort();
                    assert_eq!(actual.headers, headers, "headers");
                    let json = headers.iter().any(|(name, _, value)| name == ":content-type" && value.ends_with(b"application/json"));
                    if json {
                        let a: serde_json::Value = serde_json::from_slice(&actual.payload).expect("a JSON payload");
                        let e: serde_json::Value = serde_json::from_slice(&expected.payload).expect("an expected JSON payload");
                        assert!(json_eq(&a, &e), "payload:\n  actual:   {a}\n  expected: {e}");
                    } else {
                        assert_eq!(actual.payload, expected.payload, "payload");
                    }
                }
            }

            pub fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Vec<u8>> {
                let mut builder = http::Response::builder().status(status);
                for (name, value) in headers {
                    builder = builder.header(*name, *value);
                }
                builder.body(body.as_bytes().to_vec()).expect("valid response")
            }

            /// Equal: through `Debug` (so NaN matches NaN) and, where no NaN is involved, by
            /// `PartialEq` too (so `@sensitive` members, redacted in `Debug`, are compared).
            pub fn same<T: std::fmt::Debug + PartialEq>(actual: &T, expected: &T) {
                let (a, b) = (format!("{actual:#?}"), format!("{expected:#?}"));
                assert_eq!(a, b);
                if !a.contains("NaN") {
                    assert!(actual == expected, "equal in Debug but not by PartialEq: {a}");
                }
            }
        }
    }
}
