//! Output event streams (`@streaming` unions): each event structure and each modeled
//! exception of a stream gets `read_event`, which reads it from one
//! `application/vnd.amazon.eventstream` message (`@eventHeader` members from the message's
//! headers by member name, the `@eventPayload` member as the whole payload, the other members
//! as one JSON object in the payload); each operation whose output streams events gets
//! `read_event`, which dispatches a message on its `:message-type` and `:event-type` (or
//! `:exception-type`) to the union's variant or the operation's error.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::json;
use crate::emit::{ident, path_tokens};
use crate::ir::{Crate, EventBinding, Field, Operation, Structure, Type, TypePath, Union};

/// The unions that are event streams of some operation's output.
fn streams(krate: &Crate) -> impl Iterator<Item = &Union> {
    krate.unions.iter().filter(|u| u.event_stream)
}

/// `read_event` for every structure an event stream carries (events and exceptions).
pub fn codec_items(krate: &Crate) -> TokenStream {
    let mut carried: BTreeMap<&TypePath, bool> = BTreeMap::new();
    for u in streams(krate) {
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
    quote!(#(#readers)*)
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
    let event_arms = union.variants.iter().map(|v| {
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
