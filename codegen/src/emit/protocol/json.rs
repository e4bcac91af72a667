//! The JSON body codec: `write_json` for every structure a request carries, `read_json` for
//! every structure a response carries, enums by name and int enums by value. awsJson bodies
//! are these documents whole; restJson1 will write its payload members with the same code.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{ident, path_tokens};
use crate::ir::{Crate, Field, StructKind, Structure, TimestampFormat, Type, Union};

/// The codec items of `src/protocol.rs`: every input gets a writer and every output or error a
/// reader; the CLI also needs a reader for each input and a writer for each output, behind its
/// feature.
pub fn codecs(krate: &Crate) -> TokenStream {
    let cli = quote!(#[cfg(feature = "cli")]);
    let gated = |always: bool, for_cli: bool, code: &dyn Fn() -> TokenStream| {
        if always {
            Some(code())
        } else if for_cli {
            let code = code();
            Some(quote!(#cli #code))
        } else {
            None
        }
    };
    let writers = krate
        .structures
        .iter()
        .filter_map(|s| gated(s.validated, s.in_output, &|| writer(s)));
    let union_writers = krate
        .unions
        .iter()
        .filter_map(|u| gated(u.validated, u.in_output, &|| union_writer(u)));
    let union_readers = krate
        .unions
        .iter()
        .filter_map(|u| gated(u.deserialized, u.validated, &|| union_reader(u)));
    let readers = krate
        .structures
        .iter()
        .filter_map(|s| gated(s.deserialized, s.validated, &|| reader(s)));
    // Enums are written and read by name, int enums by value.
    let enum_codecs = krate.enums.iter().map(|e| {
        let name = path_tokens(&e.path, None);
        quote! {
            impl WriteJson for #name {
                fn write_json(&self, out: &mut Vec<u8>) {
                    json::write_str(out, self.as_str());
                }
            }

            impl ReadJson for #name {
                fn read_json(value: &Value) -> Result<Self, DeserializeError> {
                    json::string(value).map(Self::from)
                }
            }
        }
    });
    let int_enum_codecs = krate.int_enums.iter().map(|e| {
        let name = path_tokens(&e.path, None);
        quote! {
            impl WriteJson for #name {
                fn write_json(&self, out: &mut Vec<u8>) {
                    json::write_int(out, self.value());
                }
            }

            impl ReadJson for #name {
                fn read_json(value: &Value) -> Result<Self, DeserializeError> {
                    json::integer::<i32>(value).map(Self::from)
                }
            }
        }
    });
    quote! {
        #(#writers)*
        #(#union_writers)*
        #(#enum_codecs)*
        #(#int_enum_codecs)*
        #(#readers)*
        #(#union_readers)*
    }
}

/// `write_json` of a structure. An input's event stream is not part of its document: its
/// events go as messages (after an RPC protocol's `initial-request`, which is this document).
fn writer(s: &Structure) -> TokenStream {
    let name = path_tokens(&s.path, None);
    let mut fields = s
        .fields
        .iter()
        .filter(|f| !matches!(f.ty, Type::InputEvents(_)))
        .peekable();
    let body = if fields.peek().is_none() {
        quote!(ObjectWriter::new(out).finish();)
    } else {
        let fields = member_writes(fields, &quote!(self));
        quote! {
            let mut object = ObjectWriter::new(out);
            #fields
            object.finish();
        }
    };
    quote! {
        impl WriteJson for #name {
            fn write_json(&self, out: &mut Vec<u8>) {
                #body
            }
        }
    }
}

/// Writes `fields` of the structure value `owner` (`self`, `input`) into the `ObjectWriter`
/// named `object`, unset optional members left out.
pub fn member_writes<'f>(
    fields: impl Iterator<Item = &'f Field>,
    owner: &TokenStream,
) -> TokenStream {
    let writes = fields.map(|f| {
        let field = ident(&f.ident);
        let key = &f.json_key;
        if has_default_form(&f.ty) {
            if f.optional {
                quote!(object.optional(#key, &#owner.#field);)
            } else {
                quote!(object.member(#key, &#owner.#field);)
            }
        } else if f.optional {
            let write = write_value(
                &f.ty,
                &quote!(object.field(#key)),
                &Value::Ref(quote!(value)),
            );
            quote! {
                if let Some(value) = &#owner.#field {
                    #write;
                }
            }
        } else {
            let write = write_value(
                &f.ty,
                &quote!(object.field(#key)),
                &Value::Place(quote!(#owner.#field)),
            );
            quote!(#write;)
        }
    });
    quote!(#(#writes)*)
}

/// Whether values of `ty` are written in [`WriteJson`]'s default form: every type but a
/// timestamp in another format than epoch seconds (or a collection of them).
fn has_default_form(ty: &Type) -> bool {
    match ty {
        Type::Timestamp(format) => *format == TimestampFormat::EpochSeconds,
        Type::List(item) => has_default_form(&item.ty),
        Type::Map(map) => has_default_form(&map.value.ty),
        _ => true,
    }
}

/// A value expression: a reference (`value` from `if let Some(value) = &..`) or a place
/// (`self.field`).
enum Value {
    Ref(TokenStream),
    Place(TokenStream),
}

impl Value {
    /// The expression as a reference.
    fn by_ref(&self) -> TokenStream {
        match self {
            Value::Ref(v) => v.clone(),
            Value::Place(v) => quote!(&#v),
        }
    }

    /// The expression as a (copied) value.
    fn by_value(&self) -> TokenStream {
        match self {
            Value::Ref(v) => quote!(*#v),
            Value::Place(v) => v.clone(),
        }
    }
}

/// Writes `value` (of type `ty`) into the buffer `out`: by its [`WriteJson`] impl, except for
/// timestamps in another format than epoch seconds and the collections that hold them.
fn write_value(ty: &Type, out: &TokenStream, value: &Value) -> TokenStream {
    match ty {
        Type::Timestamp(format) => {
            let v = value.by_value();
            match format {
                TimestampFormat::EpochSeconds => quote!(json::write_epoch_seconds(#out, #v)),
                TimestampFormat::DateTime => quote!(json::write_date_time(#out, #v)),
                TimestampFormat::HttpDate => quote!(json::write_http_date(#out, #v)),
            }
        }
        Type::List(item) if !has_default_form(ty) => {
            let v = value.by_ref();
            let write_item = write_value(&item.ty, &quote!(out), &Value::Ref(quote!(item)));
            if item.sparse {
                quote!(json::write_sparse_list(#out, #v, |out, item| #write_item))
            } else {
                quote!(json::write_list(#out, #v, |out, item| #write_item))
            }
        }
        Type::Map(map) if !has_default_form(ty) => {
            let v = value.by_ref();
            let write_item = write_value(&map.value.ty, &quote!(out), &Value::Ref(quote!(item)));
            if map.value.sparse {
                quote!(json::write_sparse_map(#out, #v, |out, item| #write_item))
            } else {
                quote!(json::write_map(#out, #v, |out, item| #write_item))
            }
        }
        _ => {
            let v = value.by_ref();
            quote!(WriteJson::write_json(#v, #out))
        }
    }
}

/// A function (a path where one exists, else a closure) reading a `&Value` into `ty`: its
/// [`ReadJson`] impl, except for timestamps in another format than epoch seconds and the
/// collections that hold them.
fn read_fn(ty: &Type) -> TokenStream {
    match ty {
        Type::Timestamp(TimestampFormat::DateTime) => quote!(json::date_time),
        Type::Timestamp(TimestampFormat::HttpDate) => quote!(json::http_date),
        _ if has_default_form(ty) => quote!(ReadJson::read_json),
        _ => {
            let read = read_expr(ty, &quote!(value));
            quote!(|value| #read)
        }
    }
}

/// An expression reading the `&Value` expression `value` into `ty`.
fn read_expr(ty: &Type, value: &TokenStream) -> TokenStream {
    match ty {
        Type::List(item) if !has_default_form(ty) => {
            let read_item = read_fn(&item.ty);
            if item.sparse {
                quote!(json::sparse_list(#value, #read_item))
            } else {
                quote!(json::list(#value, #read_item))
            }
        }
        Type::Map(map) if !has_default_form(ty) => {
            let key = match &map.key {
                Type::Enum(path) => {
                    // A closure, not `#path::from`: the key borrow must be general over lifetimes.
                    let path = path_tokens(path, None);
                    quote!(|key: &str| #path::from(key))
                }
                _ => quote!(str::to_string),
            };
            let read_value = read_fn(&map.value.ty);
            if map.value.sparse {
                quote!(json::sparse_map(#value, #key, #read_value))
            } else {
                quote!(json::map(#value, #key, #read_value))
            }
        }
        _ => {
            let read = read_fn(ty);
            quote!(#read(#value))
        }
    }
}

fn reader(s: &Structure) -> TokenStream {
    let name = path_tokens(&s.path, None);
    let is_error = matches!(s.kind, StructKind::Error(_));
    if s.fields.is_empty() {
        return quote! {
            impl ReadJson for #name {
                fn read_json(value: &Value) -> Result<Self, DeserializeError> {
                    json::object(value)?;
                    Ok(#name {})
                }
            }
        };
    }
    // One call per member and no branch on its outcome (`json::Fields` keeps the first
    // error): a `?` per member would add an exit per member, each dropping the members read
    // before it, which makes the code of a large structure grow with its square.
    let inits = s.fields.iter().map(|f| {
        let field = ident(&f.ident);
        let read = member_field(f, is_error);
        quote!(#field: #read,)
    });
    quote! {
        impl ReadJson for #name {
            fn read_json(value: &Value) -> Result<Self, DeserializeError> {
                let mut fields = json::Fields::new(value)?;
                let read = #name { #(#inits)* };
                fields.finish(read)
            }
        }
    }
}

/// The keys field `f` is read under and the function reading its value; `None` for the
/// function when `json::get` reads it (its type has the default JSON form, one key).
fn member_access(f: &Field, is_error: bool) -> (TokenStream, Option<TokenStream>) {
    let key = &f.json_key;
    let read = if f.boxed {
        let inner = read_expr(&f.ty, &quote!(value));
        quote!(|value| #inner.map(Box::new))
    } else {
        read_fn(&f.ty)
    };
    let alternative_key = is_error && key.eq_ignore_ascii_case("message");
    if has_default_form(&f.ty) && !alternative_key {
        return (quote!(#key), None);
    }
    let keys = if alternative_key {
        let other = if key == "message" {
            "Message"
        } else {
            "message"
        };
        quote!(&[#key, #other])
    } else {
        quote!(&[#key])
    };
    (keys, Some(read))
}

/// An expression reading field `f` through the `json::Fields` named `fields` (no `?`: an
/// error is kept there); otherwise as [`member_read`].
fn member_field(f: &Field, is_error: bool) -> TokenStream {
    let member = match member_access(f, is_error) {
        (key, None) => quote!(fields.get(#key)),
        (keys, Some(read)) => quote!(fields.member(#keys, #read)),
    };
    if f.optional {
        return member;
    }
    zero_or_stop(f, &member, Some(&quote!(fields)))
}

/// An expression reading field `f` from the JSON object (a `&Map`) named `object`, with `?`
/// on errors: `None` for an absent optional member, the default (or the zero value the
/// parser corrects to) for an absent required one. An error's message may come under
/// `message` or `Message`, whatever the model says.
pub fn member_read(f: &Field, is_error: bool) -> TokenStream {
    let member = match member_access(f, is_error) {
        (key, None) => quote!(json::get(object, #key)?),
        (keys, Some(read)) => quote!(json::member(object, #keys, #read)?),
    };
    if f.optional {
        return member;
    }
    or_zero(f, &member)
}

/// `member` (an `Option` of field `f`'s type) with an absent value replaced by the member's
/// default, or by the zero value the parser corrects a missing required member to.
pub fn or_zero(f: &Field, member: &TokenStream) -> TokenStream {
    zero_or_stop(f, member, None)
}

/// [`or_zero`]; with `fields` (a `json::Fields` whose `None` may be an error it kept), a
/// reader that stops at the missing member returns that error first.
fn zero_or_stop(f: &Field, member: &TokenStream, fields: Option<&TokenStream>) -> TokenStream {
    let earlier = fields.map(|fields| {
        quote! {
            if let Some(e) = #fields.first_error() {
                return Err(e);
            }
        }
    });
    match (&f.ty, &f.default) {
        (Type::Struct(path), None) => {
            // Error correction for a missing structure: read it from `{}`.
            let path = path_tokens(path, None);
            let empty = quote!(#path::read_json(&Value::Object(Default::default()))?);
            let empty = if f.boxed {
                quote!(Box::new(#empty))
            } else {
                empty
            };
            quote! {
                match #member {
                    Some(value) => value,
                    None => {
                        #earlier
                        #empty
                    }
                }
            }
        }
        (Type::Enum(path) | Type::Union(path), None) => {
            let path = path_tokens(path, None);
            let unknown = quote!(#path::Unknown(String::new()));
            let unknown = if f.boxed {
                quote!(Box::new(#unknown))
            } else {
                unknown
            };
            quote!(#member.unwrap_or_else(|| #unknown))
        }
        (Type::IntEnum(path), None) => {
            let path = path_tokens(path, None);
            quote!(#member.unwrap_or_else(|| #path::from(0)))
        }
        // An event stream has no zero value: it comes from a response, never from JSON.
        (Type::EventStream { .. }, _) => quote! {
            match #member {
                Some(value) => value,
                None => {
                    #earlier
                    return Err(DeserializeError::new("an event stream is read from a response, not from JSON"));
                }
            }
        },
        (_, None) => quote!(#member.unwrap_or_default()),
        (_, Some(default)) => {
            let or_default = crate::emit::types::unwrap_or_default(&f.ty, default, None);
            quote!(#member #or_default)
        }
    }
}

fn union_writer(u: &Union) -> TokenStream {
    let name = path_tokens(&u.path, None);
    let arms = u.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let wire = &v.json_key;
        match &v.ty {
            Some(ty) if has_default_form(ty) => {
                quote!(Self::#variant(value) => object.member(#wire, value),)
            }
            Some(ty) => {
                let write =
                    write_value(ty, &quote!(object.field(#wire)), &Value::Ref(quote!(value)));
                quote!(Self::#variant(value) => #write,)
            }
            None => quote!(Self::#variant => ObjectWriter::new(object.field(#wire)).finish(),),
        }
    });
    quote! {
        /// Writes the set member; an `Unknown` value (only ever read from a response) is
        /// written as an empty object.
        impl WriteJson for #name {
            fn write_json(&self, out: &mut Vec<u8>) {
                let mut object = ObjectWriter::new(out);
                match self {
                    #(#arms)*
                    Self::Unknown(_) => {}
                }
                object.finish();
            }
        }
    }
}

fn union_reader(u: &Union) -> TokenStream {
    let name = path_tokens(&u.path, None);
    let arms = u.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let wire = &v.json_key;
        match &v.ty {
            Some(ty) => {
                let read = read_expr(ty, &quote!(value));
                let read = quote!(#read.map_err(|e| e.at(#wire))?);
                let read = if v.boxed {
                    quote!(Box::new(#read))
                } else {
                    read
                };
                quote!(#wire => Self::#variant(#read),)
            }
            None => quote!(#wire => Self::#variant,),
        }
    });
    quote! {
        /// Reads the one member that is set (null members and `__type` are ignored); an
        /// unknown member name becomes `Unknown`.
        impl ReadJson for #name {
            fn read_json(value: &Value) -> Result<Self, DeserializeError> {
                let mut set = json::object(value)?
                    .iter()
                    .filter(|(key, value)| !value.is_null() && key.as_str() != "__type");
                let Some((key, value)) = set.next() else {
                    return Err(DeserializeError::new("a union needs exactly one member set, but none is"));
                };
                if let Some((other, _)) = set.next() {
                    return Err(DeserializeError::new(format!(
                        "a union needs exactly one member set, but {key} and {other} are"
                    )));
                }
                Ok(match key.as_str() {
                    #(#arms)*
                    other => Self::Unknown(other.to_string()),
                })
            }
        }
    }
}
