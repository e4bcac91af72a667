//! Event streams (`@streaming` unions). Received: each event structure and each modeled
//! exception of a stream gets `read_event`, which reads it from one
//! `application/vnd.amazon.eventstream` message (`@eventHeader` members from the message's
//! headers by member name, the `@eventPayload` member as the whole payload, the other members
//! as one JSON object in the payload); each operation whose output streams events gets
//! `read_event`, which dispatches a message on its `:message-type` and `:event-type` (or
//! `:exception-type`) to the union's variant or the operation's error; on an RPC protocol the
//! output gets `read_initial_response`. Sent: each event structure gets `write_event`, and
//! each operation whose input streams events a `write_event` that writes a union's event (or
//! modeled exception) as its message.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::json;
use crate::emit::{ident, path_tokens};
use crate::ir::{Crate, EventBinding, Field, Operation, Structure, Type, TypePath, Union};

/// The unions that are event streams (sent, received or both).
fn streams(krate: &Crate) -> impl Iterator<Item = &Union> {
    krate.unions.iter().filter(|u| u.event_stream)
}

/// The event-stream unions some operation's input sends.
fn sent(krate: &Crate) -> BTreeSet<&TypePath> {
    stream_unions(krate, |op| (op.sends_events(), &op.input))
}

/// The event-stream unions some operation's output receives.
fn received(krate: &Crate) -> BTreeSet<&TypePath> {
    stream_unions(krate, |op| (op.streams_events(), &op.output))
}

/// The event-stream unions held by the structure `side` picks of each operation (when it says
/// the operation streams events on that side).
fn stream_unions<'k>(
    krate: &'k Crate,
    side: impl Fn(&'k Operation) -> (bool, &'k TypePath),
) -> BTreeSet<&'k TypePath> {
    (krate.operations.iter())
        .map(side)
        .filter(|(streams, _)| *streams)
        .filter_map(|(_, io)| krate.structure(io))
        .flat_map(|s| &s.fields)
        .filter_map(|f| match &f.ty {
            Type::InputEvents(events) | Type::EventStream { events, .. } => Some(events),
            _ => None,
        })
        .collect()
}

/// `read_event` for every structure an event stream carries (events and exceptions), and
/// `write_event` for every structure a sent stream carries.
pub fn codec_items(krate: &Crate) -> TokenStream {
    let sent = sent(krate);
    let mut written: BTreeSet<&TypePath> = BTreeSet::new();
    for u in streams(krate).filter(|u| sent.contains(&u.path)) {
        for v in &u.variants {
            if let Some(Type::Struct(path)) = &v.ty {
                written.insert(path);
            }
        }
    }
    let writers = written
        .into_iter()
        .filter_map(|path| krate.structure(path))
        .map(write_event);
    let received = received(krate);
    let mut carried: BTreeMap<&TypePath, bool> = BTreeMap::new();
    for u in streams(krate).filter(|u| received.contains(&u.path)) {
        for v in &u.variants {
            if let Some(Type::Struct(path)) = &v.ty {
                carried.insert(path, false);
            }
        }
        for (_, path) in &u.errors {
            carried.insert(path, true);
        }
    }
    let readers = carried.into_iter().filter_map(|(path, is_error)| {
        let s = krate.structure(path)?;
        Some(read_event(s, is_error))
    });
    // An RPC protocol's output carries its other members in the stream's initial response.
    let initial: Vec<TokenStream> = if krate.service.protocol.is_rest() {
        Vec::new()
    } else {
        (krate.operations.iter())
            .filter(|op| op.streams_events())
            .filter_map(|op| krate.structure(&op.output))
            .map(read_initial_response)
            .collect()
    };
    quote!(#(#readers)* #(#writers)* #(#initial)*)
}

/// `read_initial_response`: an RPC protocol's output, its event stream `events` and its other
/// members from the stream's `initial-response` message (JSON, as the body would have been);
/// without that message, they are absent.
fn read_initial_response(s: &Structure) -> TokenStream {
    let name = path_tokens(&s.path, None);
    let Some(stream) = s
        .fields
        .iter()
        .find(|f| matches!(f.ty, Type::EventStream { .. }))
    else {
        return TokenStream::new();
    };
    let events_type = crate::emit::rust_type(&stream.ty, None);
    let others: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.ident != stream.ident)
        .collect();
    let stream_field = ident(&stream.ident);
    let stream_init = if stream.ident == "events" {
        quote!(events,)
    } else {
        quote!(#stream_field: events,)
    };
    let inits = others.iter().map(|f| {
        let field = ident(&f.ident);
        let read = json::member_read(f, false);
        quote!(#field: #read,)
    });
    let (message, parse) = if others.is_empty() {
        (quote!(_message), None)
    } else {
        (
            quote!(message),
            Some(quote! {
                let value = match message {
                    Some(message) => json::parse_body(&message.payload)?,
                    None => Value::Object(Default::default()),
                };
                let object = json::object(&value)?;
            }),
        )
    };
    let doc = crate::emit::doc_line(&format!(
        "The `{}` of an event stream and its `initial-response` message (its other members), if the stream had one.",
        s.path.name
    ));
    quote! {
        impl #name {
            #doc
            pub(crate) fn read_initial_response(
                #message: Option<&crate::runtime::event_stream::Message>,
                events: #events_type,
            ) -> Result<Self, DeserializeError> {
                #parse
                Ok(#name {
                    #(#inits)*
                    #stream_init
                })
            }
        }
    }
}

/// `write_event`: the structure as one message after the `:message-type` and `:event-type`
/// (or `:exception-type`) headers given: its `@eventPayload` member as the whole payload (a
/// blob or string raw, anything else as JSON), or its other members as one JSON object, with
/// the payload's `:content-type`; then its `@eventHeader` members, each by name.
fn write_event(s: &Structure) -> TokenStream {
    let name = path_tokens(&s.path, None);
    let explicit = s
        .fields
        .iter()
        .find(|f| f.event == Some(EventBinding::Payload));
    let implicit: Vec<&Field> = s.fields.iter().filter(|f| f.event.is_none()).collect();
    let (payload, content_type) = if let Some(f) = explicit {
        let field = ident(&f.ident);
        let (bytes, content_type) = match &f.ty {
            Type::Blob => (quote!(value.clone()), "application/octet-stream"),
            Type::String => (quote!(value.clone().into_bytes()), "text/plain"),
            Type::Enum(_) => (quote!(value.as_str().as_bytes().to_vec()), "text/plain"),
            _ => (
                quote! {{
                    let mut out = Vec::new();
                    WriteJson::write_json(value, &mut out);
                    out
                }},
                "application/json",
            ),
        };
        let payload = if f.optional {
            quote! {
                match &self.#field {
                    Some(value) => #bytes,
                    None => Vec::new(),
                }
            }
        } else {
            quote! {{
                let value = &self.#field;
                #bytes
            }}
        };
        (payload, Some(content_type))
    } else if implicit.is_empty() {
        (quote!(Vec::new()), None)
    } else {
        let writes = json::member_writes(implicit.into_iter(), &quote!(self));
        (
            quote! {{
                let mut out = Vec::new();
                let mut object = ObjectWriter::new(&mut out);
                #writes
                object.finish();
                out
            }},
            Some("application/json"),
        )
    };
    let content_type =
        content_type.map(|t| quote!(headers.push(event_sender::text_header(":content-type", #t));));
    let header_members = s
        .fields
        .iter()
        .filter(|f| f.event == Some(EventBinding::Header))
        .map(|f| {
            let field = ident(&f.ident);
            let wire = &f.wire;
            let value = match &f.ty {
                Type::Enum(_) => quote!(HeaderValue::String(value.as_str().to_string())),
                Type::IntEnum(_) => quote!(HeaderValue::Int32(value.value())),
                Type::Bool
                | Type::Byte
                | Type::Short
                | Type::Integer
                | Type::Long
                | Type::Blob
                | Type::String
                | Type::Timestamp(_) => quote!(ToHeader::to_header(value)),
                other => {
                    let message = format!(
                        "`{wire}` is an @eventHeader of type {other:?}, which no event-stream header holds"
                    );
                    return quote!(compile_error!(#message););
                }
            };
            let push = quote!(headers.push(Header::new(#wire, #value)););
            if f.optional {
                quote! {
                    if let Some(value) = &self.#field {
                        #push
                    }
                }
            } else {
                quote! {{
                    let value = &self.#field;
                    #push
                }}
            }
        })
        .collect::<Vec<_>>();
    // An event with nothing to add (no members: an empty payload, no content type) only
    // passes its kind's headers on.
    let mutable = (content_type.is_some() || !header_members.is_empty()).then(|| quote!(mut));
    let doc = crate::emit::doc_line(&format!(
        "Writes the `{}` as one event-stream message after `headers` (its kind): the payload, then header members.",
        s.path.name
    ));
    quote! {
        impl #name {
            #doc
            pub(crate) fn write_event(
                &self,
                #mutable headers: Vec<crate::runtime::event_stream::Header>,
            ) -> crate::runtime::event_stream::Message {
                #[allow(unused_imports, reason = "the members decide which are used")]
                use crate::runtime::event_sender::{self, ToHeader};
                #[allow(unused_imports, reason = "the members decide which are used")]
                use crate::runtime::event_stream::{Header, HeaderValue};
                let payload: Vec<u8> = #payload;
                #content_type
                #(#header_members)*
                crate::runtime::event_stream::Message {
                    headers,
                    payload: payload.into(),
                }
            }
        }
    }
}

/// `write_event` of an operation whose input streams events: one event of the union as its
/// message (a modeled exception as an `exception` message).
pub fn writer(krate: &Crate, op: &Operation) -> Option<TokenStream> {
    if !op.sends_events() {
        return None;
    }
    let input = krate.structure(&op.input)?;
    let events = input.fields.iter().find_map(|f| match &f.ty {
        Type::InputEvents(events) => Some(events),
        _ => None,
    })?;
    let union = krate.unions.iter().find(|u| &u.path == events)?;
    let union_path = path_tokens(&union.path, None);
    let arms = union.variants.iter().map(|v| {
        let wire = &v.wire;
        let variant = ident(&v.ident);
        let exception = union.errors.iter().any(|(name, _)| name == wire);
        let kind = if exception {
            quote! {
                vec![
                    event_sender::text_header(":message-type", "exception"),
                    event_sender::text_header(":exception-type", #wire),
                ]
            }
        } else {
            quote! {
                vec![
                    event_sender::text_header(":message-type", "event"),
                    event_sender::text_header(":event-type", #wire),
                ]
            }
        };
        match &v.ty {
            Some(Type::Struct(_)) => {
                quote!(#union_path::#variant(event) => Ok(event.write_event(#kind)),)
            }
            None => quote! {
                #union_path::#variant => Ok(crate::runtime::event_stream::Message {
                    headers: #kind,
                    payload: Default::default(),
                }),
            },
            Some(other) => {
                let message = format!("the event `{wire}` targets {other:?}, not a structure");
                quote!(#union_path::#variant(_) => compile_error!(#message),)
            }
        }
    });
    let doc = crate::emit::doc_line(&format!(
        "Writes one event of `{}`'s input stream as its message; an event this version does not know cannot be sent.",
        op.name
    ));
    Some(quote! {
        #doc
        pub(crate) fn write_event(event: &#union_path) -> Result<crate::runtime::event_stream::Message, String> {
            use crate::runtime::event_sender;
            match event {
                #(#arms)*
                #union_path::Unknown(name) => Err(format!(
                    "the event `{name}` is not one this client knows how to send"
                )),
            }
        }
    })
}

fn read_event(s: &Structure, is_error: bool) -> TokenStream {
    let name = path_tokens(&s.path, None);
    let implicit = s.fields.iter().any(|f| f.event.is_none());
    let parse = implicit.then(|| {
        quote! {
            let value = json::parse_body(&message.payload)?;
            let object = json::object(&value)?;
        }
    });
    let inits = s.fields.iter().map(|f| {
        let field = ident(&f.ident);
        let read = match f.event {
            Some(EventBinding::Header) => header(f),
            Some(EventBinding::Payload) => payload(f),
            None => json::member_read(f, is_error),
        };
        quote!(#field: #read,)
    });
    let doc = crate::emit::doc_line(&format!(
        "Reads the `{}` of one event-stream message: header members from its headers, the rest from its payload.",
        s.path.name
    ));
    let message = if s.fields.is_empty() {
        quote!(_message)
    } else {
        quote!(message)
    };
    quote! {
        impl #name {
            #doc
            pub(crate) fn read_event(#message: &crate::runtime::event_stream::Message) -> Result<Self, DeserializeError> {
                #parse
                Ok(#name { #(#inits)* })
            }
        }
    }
}

/// An `@eventHeader` member, read by its name with the type its target has.
fn header(f: &Field) -> TokenStream {
    let name = &f.wire;
    let read =
        |ty: TokenStream| quote!(crate::runtime::event_receiver::header::<#ty>(message, #name)?);
    let read = match &f.ty {
        Type::Bool => read(quote!(bool)),
        Type::Byte => read(quote!(i8)),
        Type::Short => read(quote!(i16)),
        Type::Integer => read(quote!(i32)),
        Type::Long => read(quote!(i64)),
        Type::Blob => read(quote!(Vec<u8>)),
        Type::String => read(quote!(String)),
        Type::Timestamp(_) => read(quote!(crate::primitives::DateTime)),
        Type::Enum(path) => {
            let text = read(quote!(String));
            let path = path_tokens(path, None);
            quote!(#text.map(|text| #path::from(text.as_str())))
        }
        Type::IntEnum(path) => {
            let number = read(quote!(i32));
            let path = path_tokens(path, None);
            quote!(#number.map(#path::from))
        }
        other => {
            let message = format!(
                "`{}` is an @eventHeader of type {other:?}, which no event-stream header holds",
                f.wire
            );
            return quote!(compile_error!(#message));
        }
    };
    if f.optional {
        read
    } else {
        json::or_zero(f, &read)
    }
}

/// The `@eventPayload` member: a blob or string raw, anything else as JSON.
fn payload(f: &Field) -> TokenStream {
    let read = match &f.ty {
        Type::Blob => quote!((!message.payload.is_empty()).then(|| message.payload.to_vec())),
        Type::String => quote! {{
            let text = crate::runtime::event_receiver::text_payload(message)?;
            (!text.is_empty()).then_some(text)
        }},
        Type::Enum(path) => {
            let path = path_tokens(path, None);
            quote! {{
                let text = crate::runtime::event_receiver::text_payload(message)?;
                (!text.is_empty()).then(|| #path::from(text.as_str()))
            }}
        }
        _ => {
            let boxed = f.boxed.then(|| quote!(.map(Box::new)));
            quote! {
                if message.payload.iter().all(u8::is_ascii_whitespace) {
                    None
                } else {
                    Some(ReadJson::read_json(&json::parse_body(&message.payload)?)?) #boxed
                }
            }
        }
    };
    if f.optional {
        read
    } else {
        json::or_zero(f, &read)
    }
}

/// `read_event` of an operation whose output streams events: one message as the union's
/// event, or as the operation's error.
pub fn reader(krate: &Crate, op: &Operation) -> Option<TokenStream> {
    if !op.streams_events() {
        return None;
    }
    let output = krate.structure(&op.output)?;
    let events = output.fields.iter().find_map(|f| match &f.ty {
        Type::EventStream { events, .. } => Some(events),
        _ => None,
    })?;
    let union = krate.unions.iter().find(|u| &u.path == events)?;
    let union_path = path_tokens(&union.path, None);
    let error = ident(&op.error_enum);
    // (Exceptions are variants only to be sent; received, they are errors.)
    let event_arms = union.variants.iter().filter(|v| !union.errors.iter().any(|(name, _)| name == &v.wire)).map(|v| {
        let wire = &v.wire;
        let variant = ident(&v.ident);
        match &v.ty {
            Some(Type::Struct(path)) => {
                let path = path_tokens(path, None);
                let wrap = if v.boxed {
                    quote!(|event| #union_path::#variant(Box::new(event)))
                } else {
                    quote!(#union_path::#variant)
                };
                quote! {
                    Kind::Event(#wire) => #path::read_event(message).map(#wrap).map_err(#error::MalformedResponse),
                }
            }
            None => quote!(Kind::Event(#wire) => Ok(#union_path::#variant),),
            Some(other) => {
                let message = format!("the event `{wire}` targets {other:?}, not a structure");
                quote!(Kind::Event(#wire) => compile_error!(#message),)
            }
        }
    });
    let exception_arms = union.errors.iter().filter_map(|(wire, path)| {
        let variant = op.errors.iter().find(|e| &e.ty == path)?;
        let variant = ident(&variant.ty.name);
        let path = path_tokens(path, None);
        Some(quote! {
            Kind::Exception(#wire) => Err(match #path::read_event(message) {
                Ok(exception) => #error::#variant(exception),
                Err(e) => #error::MalformedResponse(e),
            }),
        })
    });
    let doc = crate::emit::doc_line(&format!(
        "Reads one message of `{}`'s event stream: an event of [`{}`]({}) by its `:event-type` (an event this version does not know is `Unknown`), a modeled exception by its `:exception-type`, or an `error` message, as an error.",
        op.name,
        union.path.name,
        union_path.to_string().replace(' ', "")
    ));
    Some(quote! {
        #doc
        #[allow(
            clippy::result_large_err,
            reason = "error enums mirror the model's error shapes; boxing them would change the API"
        )]
        pub(crate) fn read_event(message: &crate::runtime::event_stream::Message) -> Result<#union_path, #error> {
            use crate::runtime::event_receiver::{self, Kind};
            match event_receiver::kind(message).map_err(#error::MalformedResponse)? {
                #(#event_arms)*
                Kind::Event(other) => Ok(#union_path::Unknown(other.to_string())),
                #(#exception_arms)*
                Kind::Exception(_) | Kind::Error => {
                    Err(#error::Unhandled(event_receiver::unmodeled(message).into()))
                }
            }
        }
    })
}
