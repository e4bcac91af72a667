//! restJson1: the operation's `@http` method and URI, members bound to labels, the query
//! string, headers and the status code by the HTTP binding traits (the [`crate::http`] layer,
//! written through the runtime's `http_bindings`), and the unbound members as one JSON object
//! (the [`super::json`] codec, keys by `@jsonName`) or the `@httpPayload` member as the whole
//! body. Errors are named as in awsJson (`X-Amzn-Errortype`, then the body's `code`, then
//! `__type`) and read with their own bindings.

use proc_macro2::TokenStream;
use quote::quote;

use super::json;
use crate::emit::{ident, path_tokens};
use crate::http::{Bindings, Body, HttpOperation, Segment};
use crate::ir::{Crate, Field, Module, Operation, Structure, TimestampFormat, Type};

/// Where a bound value goes, which decides a timestamp's default format.
#[derive(Clone, Copy, PartialEq)]
enum Location {
    Uri,
    Header,
}

/// An operation's `serialize_request` and `parse_response`.
pub fn wire_functions(krate: &Crate, op: &Operation, module: &Module) -> TokenStream {
    let (Some(http), Some(input)) = (op.http.as_ref(), krate.structure(&op.input)) else {
        let message = format!("`{}` has no @http trait or no generated input", op.name);
        return quote!(compile_error!(#message););
    };
    let serialize = serialize_request(op, http, input, module);
    let parse = parse_response(op, module);
    let read_event = super::event_stream::reader(krate, op);
    let write_event = super::event_stream::writer(krate, op);
    quote! {
        #serialize
        #parse
        #read_event
        #write_event
    }
}

fn field<'s>(s: &'s Structure, member: &str) -> &'s Field {
    match s.fields.iter().find(|f| f.wire == member) {
        Some(f) => f,
        None => unreachable!("the HTTP bindings name members of {}", s.path.name),
    }
}

/// `body` run with `value` bound to a reference to field `f` of the input, when it is set.
fn when_set(f: &Field, value: &TokenStream, body: TokenStream) -> TokenStream {
    let name = ident(&f.ident);
    if f.optional {
        quote! {
            if let Some(#value) = &input.#name {
                #body
            }
        }
    } else {
        quote! {{
            let #value = &input.#name;
            #body
        }}
    }
}

fn serialize_request(
    op: &Operation,
    http: &HttpOperation,
    input: &Structure,
    module: &Module,
) -> TokenStream {
    let input_path = path_tokens(&op.input, Some(module));
    let bindings = &http.input;
    let mut uri = Vec::new();
    for segment in &http.uri.path {
        uri.push(match segment {
            Segment::Literal(text) => quote!(uri.literal(#text);),
            Segment::Label { member, greedy } => {
                let f = field(input, member);
                let name = ident(&f.ident);
                let text = text(&f.ty, &quote!(value), bindings, member, Location::Uri);
                let default = op.customizations.iter().find_map(|c| match c {
                    crate::customize::Customization::LabelDefault { member: m, value }
                        if m == member =>
                    {
                        Some(value)
                    }
                    _ => None,
                });
                // The label's text; unset, it is empty, an error `label` reports (or, by a
                // service customization, its default).
                let label = |value: TokenStream| quote!(uri.label(#member, #value, #greedy)?;);
                match (&f.ty, f.optional, default) {
                    (Type::String, true, Some(default)) => label(quote! {
                        input.#name.as_deref().filter(|value| !value.is_empty()).unwrap_or(#default)
                    }),
                    (Type::String, false, Some(default)) => label(quote! {
                        Some(input.#name.as_str()).filter(|value| !value.is_empty()).unwrap_or(#default)
                    }),
                    (Type::String, true, None) => {
                        label(quote!(input.#name.as_deref().unwrap_or_default()))
                    }
                    (
                        Type::Bool
                        | Type::Byte
                        | Type::Short
                        | Type::Integer
                        | Type::Long
                        | Type::Float
                        | Type::Double,
                        true,
                        _,
                    ) => label(quote! {
                        &input.#name.as_ref().map(http_bindings::ToText::to_text).unwrap_or_default()
                    }),
                    (_, true, _) => {
                        let expr = &text.expr;
                        let value = quote!(input.#name.as_ref().map(|value| #expr).unwrap_or_default());
                        label(if text.owned { quote!(&#value) } else { value })
                    }
                    (_, false, _) => {
                        let arg = label(text.arg());
                        quote! {
                            let value = &input.#name;
                            #arg
                        }
                    }
                }
            }
        });
    }
    for (key, value) in &http.uri.query {
        let value = match value {
            Some(v) => quote!(Some(#v)),
            None => quote!(None),
        };
        uri.push(quote!(uri.query(#key, #value);));
    }
    for (key, member) in &bindings.query {
        let f = field(input, member);
        let write = match &f.ty {
            Type::List(item) => {
                let text = text(&item.ty, &quote!(item), bindings, member, Location::Uri).arg();
                quote! {
                    for item in values {
                        uri.query(#key, Some(#text));
                    }
                }
            }
            ty => {
                let text = text(ty, &quote!(values), bindings, member, Location::Uri).arg();
                quote!(uri.query(#key, Some(#text));)
            }
        };
        uri.push(when_set(f, &quote!(values), write));
    }
    if let Some(member) = &bindings.query_params {
        let f = field(input, member);
        let explicit: Vec<&String> = bindings.query.iter().map(|(key, _)| key).collect();
        // (String and enum keys alike.)
        let key_text = quote!(key.as_str());
        let value_text = |value: TokenStream| match &f.ty {
            Type::Map(map) if matches!(map.value.ty, Type::Enum(_)) => quote!(#value.as_str()),
            _ => value,
        };
        let write = match &f.ty {
            Type::Map(map) if matches!(map.value.ty, Type::List(_)) => {
                let item = match &map.value.ty {
                    Type::List(item) if matches!(item.ty, Type::Enum(_)) => quote!(item.as_str()),
                    _ => quote!(item),
                };
                quote! {
                    for item in value {
                        uri.query(#key_text, Some(#item));
                    }
                }
            }
            _ => {
                let value = value_text(quote!(value));
                quote!(uri.query(#key_text, Some(#value));)
            }
        };
        let write = quote! {
            // The map's entries, except keys an `@httpQuery` member binds.
            for (key, value) in params {
                if ![#(#explicit),*].contains(&#key_text) {
                    #write
                }
            }
        };
        uri.push(when_set(f, &quote!(params), write));
    }

    let mut headers = Vec::new();
    // The prefix map first: a header a member binds by name wins over a map entry.
    if let Some((prefix, member)) = &bindings.prefix_headers {
        let f = field(input, member);
        let prefix = prefix.to_ascii_lowercase();
        headers.push(when_set(
            f,
            &quote!(map),
            quote! {
                for (key, value) in map {
                    headers.insert(
                        http_bindings::prefixed_name(#member, #prefix, key)?,
                        http_bindings::header_value(#member, value)?,
                    );
                }
            },
        ));
    }

    for (header, member) in &bindings.headers {
        let f = field(input, member);
        let header = header.to_ascii_lowercase();
        let value = header_text(&f.ty, &quote!(value), bindings, member).arg();
        let insert = quote! {
            headers.insert(
                const { http::HeaderName::from_static(#header) },
                http_bindings::header_value(#member, #value)?,
            );
        };
        headers.push(when_set(f, &quote!(value), insert));
    }
    let (body, content_type) = match &bindings.body {
        Body::Empty => (quote!(Vec::new()), None),
        Body::Members(_) => (
            quote! {{
                // Most request bodies are small: one allocation for them.
                let mut body = Vec::with_capacity(256);
                input.write_body(&mut body);
                body
            }},
            Some((None, "application/json")),
        ),
        Body::Payload(member) => {
            let f = field(input, member);
            let name = ident(&f.ident);
            let media_type = bindings.media_types.get(member);
            let mut return_early = None;
            let (bytes, default_type) = match &f.ty {
                // The events, written (and signed) as the transport sends them.
                Type::InputEvents(_) => {
                    return_early = Some((
                        quote!(crate::primitives::ByteStream::from_body(event_body)),
                        Some((None, "application/vnd.amazon.eventstream")),
                    ));
                    (quote!(), "")
                }
                // The stream itself, moved out of the input (typed unless known empty).
                Type::ByteStream => {
                    let content_type =
                        media_type.map_or("application/octet-stream", String::as_str);
                    return_early = Some((
                        quote!(std::mem::take(&mut input.#name)),
                        Some((Some(quote!(sends_payload &&)), content_type)),
                    ));
                    (quote!(), "")
                }
                Type::Blob => (quote!(value.clone()), "application/octet-stream"),
                Type::String => (quote!(value.as_bytes().to_vec()), "text/plain"),
                Type::Enum(_) => (quote!(value.as_str().as_bytes().to_vec()), "text/plain"),
                _ => (
                    quote! {{
                        let mut body = Vec::with_capacity(256);
                        crate::runtime::json::WriteJson::write_json(value, &mut body);
                        body
                    }},
                    "application/json",
                ),
            };
            let content_type = media_type.map_or(default_type, String::as_str);
            if let Some(stream) = return_early {
                stream
            } else if f.optional && matches!(f.ty, Type::Struct(_)) {
                // An unset structure payload is sent as an empty object.
                (
                    quote! {
                        match &input.#name {
                            Some(value) => #bytes,
                            None => b"{}".to_vec(),
                        }
                    },
                    Some((None, content_type)),
                )
            } else if f.optional {
                let body = if matches!(f.ty, Type::Blob) {
                    quote!(input.#name.clone().unwrap_or_default())
                } else {
                    quote! {
                        match &input.#name {
                            Some(value) => #bytes,
                            None => Vec::new(),
                        }
                    }
                };
                (
                    body,
                    Some((Some(quote!(input.#name.is_some() &&)), content_type)),
                )
            } else {
                (
                    quote! {{
                        let value = &input.#name;
                        #bytes
                    }},
                    Some((None, content_type)),
                )
            }
        }
    };
    // (When the body has a payload to type, its type.)
    let content_type = content_type.map(|(when, content_type)| {
        quote! {
            // The body's type, unless a member sets `Content-Type` itself.
            if #when !headers.contains_key(http::header::CONTENT_TYPE) {
                headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(#content_type));
            }
        }
    });
    let method = match http.method.as_str() {
        m @ ("GET" | "PUT" | "POST" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS") => {
            let m = ident(m);
            quote!(http::Method::#m)
        }
        // A token (checked by the `http` layer), which `Method` always takes.
        other => {
            let other = proc_macro2::Literal::byte_string(other.as_bytes());
            quote!(http::Method::from_bytes(#other).unwrap_or_default())
        }
    };
    let host_prefix = super::host_prefix(op);
    let content_md5 = super::content_md5(op);
    let customized = super::customized_headers(op);
    let auth = super::auth(op);
    let uses_headers = !headers.is_empty() || content_type.is_some();
    // An input with no member bound anywhere (nor in a host prefix) is not read.
    let reads_input = !bindings.labels.is_empty()
        || !bindings.query.is_empty()
        || bindings.query_params.is_some()
        || !bindings.headers.is_empty()
        || bindings.prefix_headers.is_some()
        || bindings.body != Body::Empty
        || op
            .host_prefix
            .as_ref()
            .is_some_and(|p| !p.labels.is_empty());
    let input_param = if reads_input {
        ident("input")
    } else {
        ident("_input")
    };
    let headers_binding = uses_headers.then(|| quote!(let headers = request.headers_mut();));
    let mutable_uri = (!uri.is_empty()).then(|| quote!(mut));
    let doc = crate::emit::doc_line(&format!(
        "The restJson1 request for `{}`: `{} {}`, members bound to the URI, query string and headers by the model's HTTP traits, the rest in the body.{} Validation is separate: see `validate`; a value that cannot be sent at all (an empty URI label, a header value with a line break) is an error here.",
        op.name,
        http.method,
        http.uri.pattern(),
        if op.http2 {
            " Its version is HTTP/2, which the service requires for its event streams: the transport sends it over HTTP/2 only."
        } else {
            ""
        }
    ));
    // An input event stream is signed message by message, chained from the request's
    // signature: the orchestrator tells it the signature.
    let events = input
        .fields
        .iter()
        .find(|f| matches!(f.ty, Type::InputEvents(_)))
        .map(|f| ident(&f.ident));
    let (events_slot, events_extension) = match events {
        Some(field) if op.sends_events() => (
            Some(quote! {
                let (event_body, sign_events) = crate::runtime::event_sender::body(
                    std::mem::take(&mut input.#field),
                    write_event,
                    None,
                );
            }),
            Some(quote!(request.extensions_mut().insert(sign_events);)),
        ),
        _ => (None, None),
    };
    // A `@streaming` payload is moved out of the input, which is taken by value.
    let (input_param, body_type, sends_payload) = if op.sends_events() {
        (
            quote!(mut #input_param: #input_path),
            quote!(crate::primitives::ByteStream),
            None,
        )
    } else if op.streams_input() {
        (
            quote!(mut #input_param: #input_path),
            quote!(crate::primitives::ByteStream),
            Some(quote!(let sends_payload = request.body().len_hint() != Some(0);)),
        )
    } else {
        (quote!(#input_param: &#input_path), quote!(Vec<u8>), None)
    };
    // The service's event streams need HTTP/2: the transport sends the request over it.
    let version = op
        .http2
        .then(|| quote!(*request.version_mut() = http::Version::HTTP_2;));
    quote! {
        #doc
        pub fn serialize_request(#input_param) -> Result<http::Request<#body_type>, crate::error::ValidationError> {
            use crate::runtime::http_bindings;
            let #mutable_uri uri = http_bindings::Uri::new();
            #(#uri)*
            #events_slot
            let mut request = http::Request::new(#body);
            #events_extension
            #sends_payload
            *request.method_mut() = #method;
            *request.uri_mut() = uri.into_uri();
            #version
            #headers_binding
            #(#headers)*
            #content_type
            #content_md5
            #customized
            #auth
            #host_prefix
            Ok(request)
        }
    }
}

/// Whether items of `item` in a header list are HTTP dates (which hold a comma each).
fn http_dates(item: &Type, bindings: &Bindings, member: &str) -> bool {
    matches!(item, Type::Timestamp(format)
        if timestamp_format(bindings, member, *format, Location::Header) == TimestampFormat::HttpDate)
}

/// The `@timestampFormat` of a bound member, or its location's default.
fn timestamp_format(
    bindings: &Bindings,
    member: &str,
    format: TimestampFormat,
    location: Location,
) -> TimestampFormat {
    match bindings.timestamp_formats.get(member).map(String::as_str) {
        Some("date-time") => TimestampFormat::DateTime,
        Some("http-date") => TimestampFormat::HttpDate,
        Some("epoch-seconds") => TimestampFormat::EpochSeconds,
        _ if format != TimestampFormat::EpochSeconds => format,
        _ => match location {
            Location::Uri => TimestampFormat::DateTime,
            Location::Header => TimestampFormat::HttpDate,
        },
    }
}

/// The text of a bound value: an expression of type `&str` (borrowed from the value) or
/// `String` (made for it).
struct Text {
    expr: TokenStream,
    owned: bool,
}

impl Text {
    fn borrowed(expr: TokenStream) -> Text {
        Text { expr, owned: false }
    }

    fn owned(expr: TokenStream) -> Text {
        Text { expr, owned: true }
    }

    /// As a `&str` argument.
    fn arg(&self) -> TokenStream {
        let expr = &self.expr;
        if self.owned {
            quote!(&#expr)
        } else {
            expr.clone()
        }
    }
}

/// The text of `value`, a reference to a value of the simple type `ty`, for a label, query
/// parameter or header.
fn text(
    ty: &Type,
    value: &TokenStream,
    bindings: &Bindings,
    member: &str,
    location: Location,
) -> Text {
    match ty {
        Type::String
            if location == Location::Header && bindings.media_types.contains_key(member) =>
        {
            Text::owned(quote!(http_bindings::base64_text(#value.as_bytes())))
        }
        Type::String | Type::Enum(_) => Text::borrowed(quote!(#value.as_str())),
        Type::IntEnum(_) => Text::owned(quote!(http_bindings::ToText::to_text(&#value.value()))),
        Type::Blob => Text::owned(quote!(http_bindings::base64_text(#value))),
        Type::Timestamp(format) => Text::owned(
            match timestamp_format(bindings, member, *format, location) {
                TimestampFormat::DateTime => quote!(#value.to_date_time()),
                TimestampFormat::HttpDate => quote!(#value.to_http_date()),
                TimestampFormat::EpochSeconds => quote!(http_bindings::epoch_seconds_text(*#value)),
            },
        ),
        _ => Text::owned(quote!(http_bindings::ToText::to_text(#value))),
    }
}

/// The header text of a header member's value (a list comma-joined, quoted where needed).
fn header_text(ty: &Type, value: &TokenStream, bindings: &Bindings, member: &str) -> Text {
    match ty {
        Type::List(item) => {
            let each = text(&item.ty, &quote!(item), bindings, member, Location::Header).expr;
            Text::owned(if http_dates(&item.ty, bindings, member) {
                quote!(http_bindings::header_dates(#value.iter().map(|item| #each)))
            } else {
                quote!(http_bindings::header_list(#value.iter().map(|item| #each)))
            })
        }
        ty => text(ty, value, bindings, member, Location::Header),
    }
}

/// A function reading a header's (or list item's) text as `ty`, `None` when it does not read.
fn read_text(ty: &Type, bindings: &Bindings, member: &str) -> TokenStream {
    match ty {
        Type::String if bindings.media_types.contains_key(member) => {
            quote!(http_bindings::base64_string)
        }
        Type::Enum(path) => {
            let path = path_tokens(path, None);
            quote!(|text: &str| Some(#path::from(text.trim())))
        }
        Type::IntEnum(path) => {
            let path = path_tokens(path, None);
            quote!(|text: &str| <i32 as http_bindings::FromText>::from_text(text).map(#path::from))
        }
        Type::Blob => quote!(http_bindings::base64_bytes),
        Type::Timestamp(format) => {
            match timestamp_format(bindings, member, *format, Location::Header) {
                TimestampFormat::DateTime => quote!(http_bindings::date_time),
                TimestampFormat::HttpDate => quote!(http_bindings::http_date),
                TimestampFormat::EpochSeconds => quote!(http_bindings::epoch_seconds),
            }
        }
        _ => quote!(http_bindings::FromText::from_text),
    }
}

fn parse_response(op: &Operation, module: &Module) -> TokenStream {
    let output_path = path_tokens(&op.output, Some(module));
    let error = ident(&op.error_enum);
    let arms = op.errors.iter().map(|e| {
        let code = &e.code;
        let variant = ident(&e.ty.name);
        let path = path_tokens(&e.ty, Some(module));
        quote!(Some(#code) => #path::read_response(status, headers, body).map(#error::#variant),)
    });
    let dispatch = if op.errors.is_empty() {
        quote!(Err(#error::Unhandled(error.into())))
    } else {
        quote! {
            let modeled = match error.code.as_deref() {
                #(#arms)*
                _ => return Err(#error::Unhandled(error.into())),
            };
            Err(modeled.unwrap_or_else(#error::MalformedResponse))
        }
    };
    let doc = crate::emit::doc_line(&format!(
        "Reads a `{}` response: the output on 2xx (members from the status code, headers and body as the model binds them{}); otherwise the error named by the `X-Amzn-Errortype` header or the body's `code`/`__type`.",
        op.name,
        if op.streams_output() || op.streams_events() {
            ", the `@streaming` payload unread"
        } else {
            ""
        }
    ));
    let function = if op.streams_output() || op.streams_events() {
        quote! {
        pub fn parse_response(response: http::Response<crate::primitives::ByteStream>) -> Result<#output_path, #error> {
            let (head, body) = response.into_parts();
            let status = head.status.as_u16();
            let headers = &head.headers;
            if head.status.is_success() {
                return #output_path::read_response(status, headers, body).map_err(#error::MalformedResponse);
            }
            // The client reads an error response whole before it comes here.
            let body = body.as_bytes().unwrap_or_default();
            let error = crate::runtime::json::parse_error(status, headers, body);
            #dispatch
        }
        }
    } else {
        quote! {
        pub fn parse_response<B: AsRef<[u8]>>(response: &http::Response<B>) -> Result<#output_path, #error> {
            let body = response.body().as_ref();
            let status = response.status().as_u16();
            let headers = response.headers();
            if response.status().is_success() {
                return #output_path::read_response(status, headers, body).map_err(#error::MalformedResponse);
            }
            let error = crate::runtime::json::parse_error(status, headers, body);
            #dispatch
        }
        }
    };
    quote! {
        #doc
        #[allow(
            clippy::result_large_err,
            reason = "error enums mirror the model's error shapes; boxing them would change the API"
        )]
        #function
    }
}

/// `read_response(status, headers, body)`: the structure `s` read from a response, each member
/// from where `bindings` put it.
fn read_response(s: &Structure, bindings: &Bindings) -> TokenStream {
    let is_error = matches!(s.kind, crate::ir::StructKind::Error(_));
    let name = path_tokens(&s.path, None);
    // Every member in the body: the structure's JSON reader reads it (one copy of the code,
    // not two).
    let whole_body = matches!(&bindings.body, Body::Members(members)
        if !members.is_empty() && members.len() == s.fields.len());
    if whole_body && s.deserialized && !bindings.streaming && !bindings.event_stream {
        return quote! {
            /// Reads the structure from a response: every member is in its JSON body.
            pub(crate) fn read_response(_status: u16, _headers: &http::HeaderMap, body: &[u8]) -> Result<Self, DeserializeError> {
                json::read_body(body)
            }
        };
    }
    let mut uses = (false, false, false);
    let mut parse_body = None;
    let inits: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| {
            let field = ident(&f.ident);
            let member = f.wire.as_str();
            let read = if let Some((header, _)) = bindings.headers.iter().find(|(_, m)| m == member) {
                uses.1 = true;
                let header = header.to_ascii_lowercase();
                let read = match &f.ty {
                    Type::List(item) => {
                        let dates = http_dates(&item.ty, bindings, member);
                        let read = read_text(&item.ty, bindings, member);
                        quote!(http_bindings::header_items(headers, &const { http::HeaderName::from_static(#header) }, #dates, #read)?)
                    }
                    ty => {
                        let read = read_text(ty, bindings, member);
                        quote!(http_bindings::header(headers, &const { http::HeaderName::from_static(#header) }, #read)?)
                    }
                };
                if f.optional {
                    read
                } else if bindings.event_stream && f.required {
                    // The initial response of an event stream must carry its required
                    // members: no event can make up for them.
                    let message = format!("the initial response lacks the required header {header}");
                    quote!(#read.ok_or_else(|| DeserializeError::new(#message))?)
                } else {
                    json::or_zero(f, &read)
                }
            } else if bindings.prefix_headers.as_ref().is_some_and(|(_, m)| m == member) {
                uses.1 = true;
                let prefix = bindings.prefix_headers.as_ref().map(|(p, _)| p.to_ascii_lowercase());
                let read = quote!(http_bindings::prefix_headers(headers, #prefix)?);
                if f.optional { read } else { quote!(#read.unwrap_or_default()) }
            } else if bindings.response_code.as_deref() == Some(member) {
                uses.0 = true;
                if f.optional { quote!(Some(i32::from(status))) } else { quote!(i32::from(status)) }
            } else if matches!(&bindings.body, Body::Payload(m) if m == member) {
                uses.2 = true;
                let read = match &f.ty {
                    // A stream is the body itself, unread.
                    Type::ByteStream => return quote!(#field: body,),
                    // Its events, read from the body as the caller asks for them.
                    Type::EventStream { error, .. } => {
                        let reader = path_tokens(
                            &crate::ir::TypePath {
                                module: error.module.clone(),
                                name: "read_event".into(),
                            },
                            None,
                        );
                        let error = path_tokens(error, None);
                        return quote! {
                            #field: crate::runtime::event_receiver::EventReceiver::new(
                                body,
                                #reader,
                                #error::MalformedResponse,
                                #error::Transport,
                            ),
                        };
                    }
                    // A required blob payload is the body, empty or not.
                    Type::Blob if !f.optional => return quote!(#field: body.to_vec(),),
                    Type::Blob => quote!((!body.is_empty()).then(|| body.to_vec())),
                    Type::String => quote! {
                        match std::str::from_utf8(body) {
                            Ok("") => None,
                            Ok(text) => Some(text.to_string()),
                            Err(_) => return Err(DeserializeError::new("the payload is not UTF-8 text")),
                        }
                    },
                    Type::Enum(path) => {
                        let path = path_tokens(path, None);
                        quote! {
                            match std::str::from_utf8(body) {
                                Ok("") => None,
                                Ok(text) => Some(#path::from(text)),
                                Err(_) => return Err(DeserializeError::new("the payload is not UTF-8 text")),
                            }
                        }
                    }
                    _ => {
                        let boxed = f.boxed.then(|| quote!(.map(Box::new)));
                        quote! {
                            if body.iter().all(u8::is_ascii_whitespace) {
                                None
                            } else {
                                Some(ReadJson::read_json(&json::parse_body(body)?)?) #boxed
                            }
                        }
                    }
                };
                if f.optional { read } else { json::or_zero(f, &read) }
            } else {
                uses.2 = true;
                parse_body = Some(quote! {
                    let value = json::parse_body(body)?;
                    let object = json::object(&value)?;
                });
                json::member_read(f, is_error)
            };
            quote!(#field: #read,)
        })
        .collect();
    let param = |used: bool, name: &str| {
        if used {
            ident(name)
        } else {
            ident(&format!("_{name}"))
        }
    };
    let status = param(uses.0, "status");
    let headers = param(uses.1, "headers");
    let body = param(uses.2, "body");
    let body_type = if bindings.streaming || bindings.event_stream {
        quote!(crate::primitives::ByteStream)
    } else {
        quote!(&[u8])
    };
    quote! {
        /// Reads the structure from a response: its status code, headers and body.
        pub(crate) fn read_response(#status: u16, #headers: &http::HeaderMap, #body: #body_type) -> Result<Self, DeserializeError> {
            #parse_body
            Ok(#name { #(#inits)* })
        }
    }
}

/// The restJson1 items of `src/protocol.rs`: each input's `write_body` (its body members as a
/// JSON object), each output's and modeled error's `read_response` (inputs, outputs and errors
/// may be shared by operations), and the imports they need.
pub fn codec_items(krate: &Crate) -> TokenStream {
    let mut write = std::collections::BTreeMap::new();
    let mut read = std::collections::BTreeMap::new();
    for op in &krate.operations {
        if let Some(http) = &op.http {
            if let Body::Members(members) = &http.input.body {
                write.entry(&op.input).or_insert(members);
            }
            read.entry(&op.output).or_insert(&http.output);
        }
        for e in &op.errors {
            if let Some((_, bindings)) = &e.http {
                read.entry(&e.ty).or_insert(bindings);
            }
        }
    }
    let writers = write.into_iter().filter_map(|(path, members)| {
        let s = krate.structure(path)?;
        let fields = members.iter().map(|m| field(s, m));
        let writes = json::member_writes(fields, &quote!(self));
        let path = path_tokens(path, None);
        Some(quote! {
            impl #path {
                /// Writes the members bound to the body as a JSON object.
                pub(crate) fn write_body(&self, out: &mut Vec<u8>) {
                    let mut object = ObjectWriter::new(out);
                    #writes
                    object.finish();
                }
            }
        })
    });
    // `http_bindings` is imported where some response member is read from a header.
    let reads_headers = read
        .values()
        .any(|b| !b.headers.is_empty() || b.prefix_headers.is_some());
    let import = reads_headers.then(|| {
        quote!(
            use crate::runtime::http_bindings;
        )
    });
    let readers = read.into_iter().filter_map(|(path, bindings)| {
        let s = krate.structure(path)?;
        let path = path_tokens(path, None);
        let read = read_response(s, bindings);
        Some(quote! {
            impl #path {
                #read
            }
        })
    });
    quote! {
        #import
        #(#writers)*
        #(#readers)*
    }
}
