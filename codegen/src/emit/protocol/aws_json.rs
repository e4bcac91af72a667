//! awsJson1_0 and awsJson1_1: every operation is `POST /` with `Content-Type:
//! application/x-amz-json-1.x` and `X-Amz-Target: <Service>.<Operation>`, the input as one JSON
//! document (the [`super::json`] codec); a response is the output document on 2xx, or an error
//! named by the `X-Amzn-Errortype` header or the body's `code` / `__type`. Event streams: an
//! output stream may start with an `initial-response` message (the output's other members); an
//! input stream's body starts with an `initial-request` message (the input's other members).

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{ident, path_tokens};
use crate::ir::{Crate, Module, Operation};

/// The request skeleton of `src/protocol.rs`, which every operation's `serialize_request` fills.
pub fn request_skeleton(krate: &Crate) -> TokenStream {
    let content_type = krate.service.protocol.content_type();
    let query_mode = krate.service.query_compatible.then(
        || quote!(headers.insert(http::HeaderName::from_static("x-amzn-query-mode"), http::HeaderValue::from_static("true"));),
    );
    let request_doc = crate::emit::doc_line(&format!(
        "`POST /` with `Content-Type: {content_type}` and the given `X-Amz-Target`."
    ));
    quote! {
        #request_doc
        pub(crate) fn request(target: &'static str, body: Vec<u8>) -> http::Request<Vec<u8>> {
            let mut request = http::Request::new(body);
            *request.method_mut() = http::Method::POST;
            *request.uri_mut() = http::Uri::from_static("/");
            let headers = request.headers_mut();
            headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(#content_type));
            headers.insert(http::HeaderName::from_static("x-amz-target"), http::HeaderValue::from_static(target));
            #query_mode
            request
        }
    }
}

/// An operation's `serialize_request` and `parse_response`.
pub fn wire_functions(krate: &Crate, op: &Operation, module: &Module) -> TokenStream {
    let input = path_tokens(&op.input, Some(module));
    let output = path_tokens(&op.output, Some(module));
    let error = ident(&op.error_enum);
    let target = format!("{}.{}", krate.service.target_prefix, op.name);
    let protocol = krate.service.protocol.name();
    let serialize_doc = crate::emit::doc_line(&format!(
        "The {protocol} request for `{}`: `POST /`, `Content-Type: {}`, `X-Amz-Target: {target}`, and the input as a JSON object (unset members omitted). Validation is separate: see `validate`.",
        op.name,
        krate.service.protocol.content_type()
    ));
    let parse_doc = crate::emit::doc_line(&format!(
        "Reads a `{}` response: the output on 2xx; otherwise the error named by the `X-Amzn-Errortype` header or the body's `code`/`__type`.",
        op.name
    ));
    let query_compatible = krate.service.query_compatible;
    let error_arms = op.errors.iter().map(|e| {
        let code = &e.code;
        let variant = ident(&e.ty.name);
        // Query-compatible services may name the error by its `@awsQueryError` code instead.
        let query = e
            .query_code
            .as_ref()
            .filter(|_| query_compatible)
            .map(|q| quote!(| (_, Some(#q))));
        let read = quote!(error.read(#error::#variant));
        if query_compatible {
            quote!((Some(#code), _) #query => #read,)
        } else {
            quote!(Some(#code) => #read,)
        }
    });
    let scrutinee = if query_compatible {
        quote!((error.code.as_deref(), error.query_code.as_deref()))
    } else {
        quote!(error.code.as_deref())
    };
    // An operation whose event stream needs HTTP/2 asks the transport for it.
    let http2 = op
        .http2
        .then(|| quote!(*request.version_mut() = http::Version::HTTP_2;));
    let content_type = krate.service.protocol.content_type();
    // What an event-stream request adds after its headers (the body is not in memory, so no
    // `Content-MD5`).
    let sent_tail = {
        let customized = super::customized_headers(op);
        let host_prefix = super::host_prefix(op);
        quote!(#customized #host_prefix #http2)
    };
    let tail = match (
        super::host_prefix(op),
        super::content_md5(op),
        op.customizations.is_empty() && http2.is_none(),
    ) {
        (None, None, true) => quote!(Ok(crate::protocol::request(#target, body))),
        (host_prefix, content_md5, _) => {
            let customized = super::customized_headers(op);
            quote! {
                let mut request = crate::protocol::request(#target, body);
                #content_md5
                #customized
                #host_prefix
                #http2
                Ok(request)
            }
        }
    };
    let dispatch = if op.errors.is_empty() {
        quote!(Err(#error::Unhandled(error.into())))
    } else {
        quote! {
            let modeled = match #scrutinee {
                #(#error_arms)*
                _ => return Err(#error::Unhandled(error.into())),
            };
            Err(modeled.unwrap_or_else(#error::MalformedResponse))
        }
    };
    let parse = if op.streams_events() {
        let doc = crate::emit::doc_line(&format!(
            "Reads a `{}` response: on 2xx, the output with its event stream, after the stream's `initial-response` message (which carries the output's other members) when it starts with one; otherwise the error named by the `X-Amzn-Errortype` header or the body's `code`/`__type`.",
            op.name
        ));
        let read_event = super::event_stream::reader(krate, op);
        quote! {
            #doc
            #[allow(
                clippy::result_large_err,
                reason = "error enums mirror the model's error shapes; boxing them would change the API"
            )]
            pub async fn parse_response(response: http::Response<crate::primitives::ByteStream>) -> Result<#output, #error> {
                let (head, body) = response.into_parts();
                if head.status.is_success() {
                    let mut events = crate::runtime::event_receiver::EventReceiver::new(
                        body,
                        read_event,
                        #error::MalformedResponse,
                        #error::Transport,
                    );
                    let initial = events.initial_response().await?;
                    return #output::read_initial_response(initial.as_ref(), events)
                        .map_err(#error::MalformedResponse);
                }
                // The client reads an error response whole before it comes here.
                let body = body.as_bytes().unwrap_or_default();
                let error = crate::runtime::json::parse_error(head.status.as_u16(), &head.headers, body);
                #dispatch
            }

            #read_event
        }
    } else {
        quote! {
            #parse_doc
            #[allow(
                clippy::result_large_err,
                reason = "error enums mirror the model's error shapes; boxing them would change the API"
            )]
            pub fn parse_response<B: AsRef<[u8]>>(response: &http::Response<B>) -> Result<#output, #error> {
                let body = response.body().as_ref();
                if response.status().is_success() {
                    return crate::runtime::json::read_body(body).map_err(#error::MalformedResponse);
                }
                let error = crate::runtime::json::parse_error(response.status().as_u16(), response.headers(), body);
                #dispatch
            }
        }
    };
    let serialize = match sent_events(krate, op) {
        Some(events) => {
            let doc = crate::emit::doc_line(&format!(
                "The {protocol} request for `{}`: `POST /`, `Content-Type: application/vnd.amazon.eventstream`, `X-Amz-Target: {target}`; the body is the input's event stream, after an `initial-request` message holding its other members as JSON (`{}`). Each message is written, and signed, as the transport asks for it. Validation is separate: see `validate`.",
                op.name,
                krate.service.protocol.content_type()
            ));
            let write_event = super::event_stream::writer(krate, op);
            quote! {
                #doc
                pub fn serialize_request(mut input: #input) -> Result<http::Request<crate::primitives::ByteStream>, crate::error::ValidationError> {
                    use crate::runtime::event_sender;
                    let mut body = Vec::with_capacity(256);
                    crate::runtime::json::WriteJson::write_json(&input, &mut body);
                    let (event_body, sign_events) = event_sender::body(
                        std::mem::take(&mut input.#events),
                        write_event,
                        Some(event_sender::initial_request(#content_type, body)),
                    );
                    let mut request = crate::protocol::request(#target, Vec::new())
                        .map(|_| crate::primitives::ByteStream::from_body(event_body));
                    request.extensions_mut().insert(sign_events);
                    let headers = request.headers_mut();
                    headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/vnd.amazon.eventstream"));
                    headers.insert(http::header::ACCEPT, http::HeaderValue::from_static(#content_type));
                    #sent_tail
                    Ok(request)
                }

                #write_event
            }
        }
        None => quote! {
            #serialize_doc
            pub fn serialize_request(input: &#input) -> Result<http::Request<Vec<u8>>, crate::error::ValidationError> {
                // Most request bodies are small: one allocation for them.
                let mut body = Vec::with_capacity(256);
                crate::runtime::json::WriteJson::write_json(input, &mut body);
                #tail
            }
        },
    };
    quote! {
        #serialize

        #parse
    }
}

/// The field of `op`'s input that holds the event stream it sends, if it sends one.
fn sent_events(krate: &Crate, op: &Operation) -> Option<proc_macro2::Ident> {
    if !op.sends_events() {
        return None;
    }
    krate
        .structure(&op.input)?
        .fields
        .iter()
        .find(|f| matches!(f.ty, crate::ir::Type::InputEvents(_)))
        .map(|f| ident(&f.ident))
}
