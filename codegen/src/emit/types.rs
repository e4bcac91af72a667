//! Structures with builders, enums, and the `types` and `error` modules.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::{doc_attrs, ident, lines_to_docs, rust_type};
use crate::ir::{Crate, Enum, Field, Module, StructKind, Structure, Type};

const REDACTED: &str = "*** Sensitive Data Redacted ***";

pub fn types_rs(krate: &Crate) -> TokenStream {
    let module = Module::Types;
    let (structs, builders): (Vec<_>, Vec<_>) = krate
        .structures
        .iter()
        .filter(|s| s.path.module == module)
        .map(|s| structure(s, &module))
        .unzip();
    let builders = super::builders_module(builders);
    let enums = krate
        .enums
        .iter()
        .filter(|e| e.path.module == module)
        .map(enumeration);
    let unions = krate.unions.iter().map(union);
    let int_enums = krate.int_enums.iter().map(int_enumeration);
    quote! {
        //! Shapes shared by the operations: structures (each with a builder), unions and enums.

        #(#structs)*
        #(#unions)*
        #(#enums)*
        #(#int_enums)*
        #builders
    }
}

/// A union: one variant per member, and `Unknown` for members added to the model later.
pub fn union(u: &crate::ir::Union) -> TokenStream {
    let module = Module::Types;
    let name = ident(&u.path.name);
    let docs = doc_attrs(u.docs.as_ref());
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let docs = doc_attrs(v.docs.as_ref());
        match &v.ty {
            Some(ty) => {
                let ty = super::boxed_type(ty, v.boxed, Some(&module));
                quote!(#docs #variant(#ty),)
            }
            None => quote!(#docs #variant,),
        }
    });
    let names = u.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let wire = &v.wire;
        match v.ty {
            Some(_) => quote!(Self::#variant(_) => #wire,),
            None => quote!(Self::#variant => #wire,),
        }
    });
    // A sensitive member's value is printed as the redaction marker.
    let (derive_debug, debug) = if u.variants.iter().any(crate::ir::UnionVariant::redacted) {
        let label = &u.path.name;
        let arms = u.variants.iter().map(|v| {
            let variant = ident(&v.ident);
            let text = format!("{label}::{}", v.ident);
            match (&v.ty, v.redacted()) {
                (None, _) => quote!(Self::#variant => f.write_str(#text),),
                (Some(_), true) => {
                    quote!(Self::#variant(_) => f.debug_tuple(#text).field(&#REDACTED).finish(),)
                }
                (Some(_), false) => {
                    quote!(Self::#variant(value) => f.debug_tuple(#text).field(value).finish(),)
                }
            }
        });
        let unknown = format!("{label}::Unknown");
        (
            quote!(),
            Some(quote! {
                impl std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        match self {
                            #(#arms)*
                            Self::Unknown(name) => f.debug_tuple(#unknown).field(name).finish(),
                        }
                    }
                }
            }),
        )
    } else {
        (quote!(Debug,), None)
    };
    quote! {
        #docs
        #[derive(Clone, #derive_debug PartialEq)]
        #[non_exhaustive]
        #[allow(
            clippy::large_enum_variant,
            reason = "variants mirror the model's members; boxing large ones would change the API"
        )]
        pub enum #name {
            #(#variants)*
            /// A member this version of the crate does not know, by name.
            Unknown(String),
        }

        #debug

        impl #name {
            /// The name of the member that is set, as in the model.
            pub fn member_name(&self) -> &str {
                match self {
                    #(#names)*
                    Self::Unknown(name) => name,
                }
            }
        }
    }
}

/// An enum variant's docs: the model's, then the value it stands for on the wire.
fn variant_docs(docs: Option<&crate::ir::Docs>, value: &dyn std::fmt::Display) -> TokenStream {
    let mut lines: Vec<String> = docs.map(|d| d.lines().to_vec()).unwrap_or_default();
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(format!("On the wire: `{value}`."));
    lines_to_docs(&lines)
}

/// An `intEnum`: a variant per named value, and `Unknown` keeping any other number.
pub fn int_enumeration(e: &crate::ir::IntEnum) -> TokenStream {
    let name = ident(&e.path.name);
    let docs = doc_attrs(e.docs.as_ref());
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let docs = variant_docs(v.docs.as_ref(), &v.value);
        quote!(#docs #variant,)
    });
    let to_value = e.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let value = proc_macro2::Literal::i32_unsuffixed(v.value);
        quote!(Self::#variant => #value,)
    });
    let from_value = e.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let value = proc_macro2::Literal::i32_unsuffixed(v.value);
        quote!(#value => Self::#variant,)
    });
    let values = e
        .variants
        .iter()
        .map(|v| proc_macro2::Literal::i32_unsuffixed(v.value));
    quote! {
        #docs
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know, kept exactly as received.
            Unknown(i32),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn value(&self) -> i32 {
                match self {
                    #(#to_value)*
                    Self::Unknown(value) => *value,
                }
            }

            /// Every value the model defines.
            pub const fn values() -> &'static [i32] {
                &[#(#values),*]
            }
        }

        impl From<i32> for #name {
            fn from(value: i32) -> Self {
                match value {
                    #(#from_value)*
                    other => Self::Unknown(other),
                }
            }
        }
    }
}

pub fn error_rs(krate: &Crate) -> TokenStream {
    let module = Module::Error;
    // `@retryable` is the shape's; the operations that list it agree.
    let retryable: std::collections::BTreeSet<&crate::ir::TypePath> = krate
        .operations
        .iter()
        .flat_map(|op| &op.errors)
        .filter(|e| e.retryable)
        .map(|e| &e.ty)
        .collect();
    let (structs, builders): (Vec<_>, Vec<_>) = krate
        .structures
        .iter()
        .filter(|s| s.path.module == module)
        .map(|s| {
            let (definition, builder) = structure(s, &module);
            let name = ident(&s.path.name);
            let code = s.id.name();
            let message = s
                .fields
                .iter()
                .find(|f| f.wire.eq_ignore_ascii_case("message") && f.ty == Type::String)
                .map(|f| {
                    let field = ident(&f.ident);
                    if f.optional {
                        quote! {
                            if let Some(message) = &self.#field {
                                write!(f, ": {message}")?;
                            }
                        }
                    } else {
                        quote!(write!(f, ": {}", self.#field)?;)
                    }
                });
            let server_fault =
                (s.kind == StructKind::Error(crate::ir::ErrorFault::Server)).then(|| {
                    quote! {
                        fn is_server_fault(&self) -> bool {
                            true
                        }
                    }
                });
            let retryable = retryable.contains(&s.path).then(|| {
                quote! {
                    fn is_retryable(&self) -> bool {
                        true
                    }
                }
            });
            let wrapped = quote! {
                impl crate::runtime::errors::Wrapped for #name {
                    fn code(&self) -> Option<&str> {
                        Some(#code)
                    }
                    #server_fault
                    #retryable
                }
            };
            let error = quote! {
                #definition

                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#code)?;
                        #message
                        Ok(())
                    }
                }

                impl std::error::Error for #name {}

                #wrapped
            };
            (error, builder)
        })
        .unzip();
    let builders = super::builders_module(builders);
    quote! {
        //! Errors: the modeled error shapes, and the errors every operation shares.

        pub use crate::runtime::credentials::CredentialsError;
        pub use crate::runtime::errors::{BuildError, Unhandled};
        pub use crate::runtime::json::DeserializeError;
        pub use crate::runtime::sigv4::SigningError;
        pub use crate::runtime::transport::TransportError;
        pub use crate::runtime::validation::{ValidationError, Violation, ViolationKind};

        #(#structs)*
        #builders
    }
}

/// A structure with its `builder()`, and apart from it (for the module's `builders`) its
/// builder type. An operation input's builder takes a type parameter, what it is bound to:
/// `()` as `builder()` returns it, the `Client` as the client's method for the operation
/// returns it (the operation's fluent builder, which can also `send`). One set of setters
/// serves both.
pub fn structure(s: &Structure, module: &Module) -> (TokenStream, TokenStream) {
    let name = ident(&s.path.name);
    let builder = ident(&s.builder_name());
    let builder_path = super::path_tokens(&s.builder_path(), Some(module));
    // The builder's own module, from where the structure is `super::Name`.
    let builders = Module::Builders(Box::new(module.clone()));
    let built = super::path_tokens(&s.path, Some(&builders));
    let docs = doc_attrs(s.docs.as_ref());
    let sensitive = s.sensitive || s.fields.iter().any(crate::ir::Field::redacted);
    let derive_debug = if sensitive { quote!() } else { quote!(Debug,) };
    // A stream can be read once: a structure holding one is neither cloned nor compared.
    let streams = |f: &Field| {
        matches!(
            f.ty,
            Type::ByteStream | Type::EventStream { .. } | Type::InputEvents(_)
        )
    };
    let (derive_struct, derive_builder) = if s.fields.iter().any(streams) {
        let derive = |extra: TokenStream| {
            let all = quote!(#derive_debug #extra);
            (!all.is_empty()).then(|| quote!(#[derive(#all)]))
        };
        (derive(quote!()), derive(quote!(Default)))
    } else {
        (
            Some(quote!(#[derive(Clone, #derive_debug PartialEq)])),
            Some(quote!(#[derive(Clone, #derive_debug Default, PartialEq)])),
        )
    };
    let fields = s.fields.iter().map(|f| {
        let field = ident(&f.ident);
        let ty = field_type(f, module);
        let docs = field_docs(f);
        quote! {
            #docs
            pub #field: #ty,
        }
    });
    // An operation input's builder is made (unset, bound to the client) and sent from the
    // operation's module, one up.
    let visibility = if bound_to_client(s) {
        quote!(pub(super))
    } else {
        quote!()
    };
    let builder_fields = s.fields.iter().map(|f| {
        let field = ident(&f.ident);
        let ty = super::boxed_type(&f.ty, f.boxed, Some(&builders));
        quote!(#visibility #field: Option<#ty>,)
    });
    let setters = s
        .fields
        .iter()
        .map(|f| setter(f, &builders, SetterTarget::Builder));
    let build = build_fn(s, &builders);
    // An operation input's builder is generic over what it is bound to, held in one more field.
    let bound = bound_to_client(s);
    let struct_debug = sensitive.then(|| debug_impl(&name, &s.path.name, s, false, bound));
    let builder_debug = sensitive.then(|| debug_impl(&builder, &s.builder_name(), s, true, bound));
    let builder_fn_doc = super::doc_line(&format!("Returns a builder for [`{}`].", s.path.name));
    let mut struct_doc = vec![format!(
        "A builder for [`{}`]({}).",
        s.path.name,
        built.to_string().replace(' ', "")
    )];
    let (params, client, generics) = if bound {
        struct_doc.push(String::new());
        struct_doc.push(format!(
            "`C` is what the builder is bound to: nothing (`()`) when it comes from \
             [`{name}::builder`]({}::builder); the [`Client`](crate::Client) when it comes \
             from the client's method for the operation, and then it can also `send` the input.",
            built.to_string().replace(' ', "")
        ));
        let client = ident(&client_field(s));
        (
            quote!(<C = ()>),
            quote!(pub(super) #client: C,),
            quote!(<C>),
        )
    } else {
        (quote!(), quote!(), quote!())
    };
    let struct_doc = super::lines_to_docs(&struct_doc);
    let definition = quote! {
        #docs
        #derive_struct
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #builder_fn_doc
            pub fn builder() -> #builder_path {
                #builder_path::default()
            }
        }

        #struct_debug
    };
    let builder = quote! {
        #struct_doc
        #derive_builder
        pub struct #builder #params {
            #(#builder_fields)*
            #client
        }

        impl #generics #builder #generics {
            #(#setters)*
            #build
        }

        #builder_debug
    };
    (definition, builder)
}

/// Whether the structure's builder is generic over what it is bound to: an `@input` structure
/// in its operation's module (one that several operations share, which a model may do in spite
/// of `@input`, lives in `types` and gets a wrapping fluent builder instead).
pub fn bound_to_client(s: &Structure) -> bool {
    s.kind == StructKind::Input && matches!(s.path.module, Module::Operation(_))
}

/// The field of an operation input's builder that holds what the builder is bound to:
/// `client`, unless a member already has that name.
pub fn client_field(s: &Structure) -> String {
    let mut name = String::from("client");
    while s.fields.iter().any(|f| f.ident == name) {
        name.push('_');
    }
    name
}

fn field_type(f: &Field, module: &Module) -> TokenStream {
    let ty = super::boxed_type(&f.ty, f.boxed, Some(module));
    if f.optional { quote!(Option<#ty>) } else { ty }
}

fn field_docs(f: &Field) -> TokenStream {
    let mut docs = doc_attrs(f.docs.as_ref());
    let mut notes = Vec::new();
    if f.required {
        notes.push("This member is required.".to_string());
    }
    if f.sensitive {
        notes.push("This member is sensitive: `Debug` output redacts it.".to_string());
    }
    if f.is_auto_token() {
        notes.push(
            "Left unset, `send` fills it with a fresh UUID v4, the same for every retry of the call."
                .to_string(),
        );
    }
    if let Some((pattern, reason)) = &f.constraints.skipped_pattern {
        notes.push(format!(
            "The model's pattern {} is not checked: {reason}.",
            super::patterns::code(pattern)
        ));
    }
    if !notes.is_empty() {
        let mut lines = Vec::new();
        if !docs.is_empty() {
            lines.push(String::new());
        }
        lines.push(notes.join(" "));
        docs.extend(lines_to_docs(&lines));
    }
    docs
}

/// Where setters store a value: in a builder's own field, or, for a type that wraps an input
/// builder (a waiter, or the fluent builder of an input other operations share), in that
/// builder (`self.input`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SetterTarget {
    Builder,
    Wrapper,
}

pub fn setter(f: &Field, module: &Module, target: SetterTarget) -> TokenStream {
    let field = ident(&f.ident);
    let bare = crate::naming::bare(&f.ident);
    let set = ident(&format!("set_{bare}"));
    let get = ident(&format!("get_{bare}"));
    let inner = rust_type(&f.ty, Some(module));
    let ty = super::boxed_type(&f.ty, f.boxed, Some(module));
    let docs = field_docs(f);
    let set_doc = super::doc_line(&format!("Sets or clears `{}`.", f.wire));
    let get_doc = super::doc_line(&format!("The `{}` set so far.", f.wire));
    let wrapper = target == SetterTarget::Wrapper;
    let (main_sig, main_body) = match &f.ty {
        Type::List(item) => {
            let item_ty = super::element_type(item, Some(module));
            let body = if wrapper {
                quote!(self.input = self.input.#field(item);)
            } else {
                quote!(self.#field.get_or_insert_with(Vec::new).push(item.into());)
            };
            (
                quote!(pub fn #field(mut self, item: impl Into<#item_ty>) -> Self),
                body,
            )
        }
        Type::Map(map) => {
            let key_ty = rust_type(&map.key, Some(module));
            let value_ty = super::element_type(&map.value, Some(module));
            let body = if wrapper {
                quote!(self.input = self.input.#field(key, value);)
            } else {
                quote!(self.#field.get_or_insert_with(Default::default).insert(key.into(), value.into());)
            };
            (
                quote!(pub fn #field(mut self, key: impl Into<#key_ty>, value: impl Into<#value_ty>) -> Self),
                body,
            )
        }
        Type::String
        | Type::Blob
        | Type::ByteStream
        | Type::InputEvents(_)
        | Type::Enum(_)
        | Type::IntEnum(_)
        | Type::Struct(_)
        | Type::Union(_)
        | Type::Timestamp(_)
        | Type::Document => {
            let body = match (wrapper, f.boxed) {
                (true, _) => quote!(self.input = self.input.#field(value);),
                (false, true) => quote!(self.#field = Some(Box::new(value.into()));),
                (false, false) => quote!(self.#field = Some(value.into());),
            };
            (
                quote!(pub fn #field(mut self, value: impl Into<#inner>) -> Self),
                body,
            )
        }
        _ => {
            let body = if wrapper {
                quote!(self.input = self.input.#field(value);)
            } else {
                quote!(self.#field = Some(value);)
            };
            (quote!(pub fn #field(mut self, value: #ty) -> Self), body)
        }
    };
    let append_doc = match f.ty {
        Type::List(_) => Some(format!(
            "Appends one item to `{}`; call it once per item.",
            f.wire
        )),
        Type::Map(_) => Some(format!(
            "Adds one entry to `{}`; call it once per entry.",
            f.wire
        )),
        _ => None,
    }
    // A paragraph of its own after the member's docs, if it has any.
    .map(|doc| {
        if docs.is_empty() {
            lines_to_docs(&[doc])
        } else {
            lines_to_docs(&["", &doc])
        }
    });
    let (set_body, get_body) = if wrapper {
        (
            quote!(self.input = self.input.#set(value);),
            quote!(self.input.#get()),
        )
    } else {
        (quote!(self.#field = value;), quote!(&self.#field))
    };
    quote! {
        #docs
        #append_doc
        #main_sig {
            #main_body
            self
        }

        #set_doc
        pub fn #set(mut self, value: Option<#ty>) -> Self {
            #set_body
            self
        }

        #get_doc
        pub fn #get(&self) -> &Option<#ty> {
            #get_body
        }
    }
}

fn build_fn(s: &Structure, module: &Module) -> TokenStream {
    let name = super::path_tokens(&s.path, Some(module));
    let link = name.to_string().replace(' ', "");
    let shape = s.id.name();
    let fallible = s.required_fields().next().is_some();
    let inits = s.fields.iter().map(|f| {
        let field = ident(&f.ident);
        let wire = &f.wire;
        if f.optional {
            quote!(#field: self.#field,)
        } else if let Some(default) = &f.default {
            let or_default = unwrap_or_default(&f.ty, default, Some(module));
            quote!(#field: self.#field #or_default,)
        } else {
            quote!(#field: self.#field.ok_or_else(|| crate::error::BuildError::missing(#shape, #wire))?,)
        }
    });
    if fallible {
        let missing: Vec<&str> = s.required_fields().map(|f| f.wire.as_str()).collect();
        let doc = super::doc_line(&format!(
            "Builds the [`{}`]({link}); fails if a required member ({}) was not set.",
            s.path.name,
            missing.join(", ")
        ));
        quote! {
            #doc
            pub fn build(self) -> Result<#name, crate::error::BuildError> {
                Ok(#name { #(#inits)* })
            }
        }
    } else {
        let doc = super::doc_line(&format!("Builds the [`{}`]({link}).", s.path.name));
        quote! {
            #doc
            pub fn build(self) -> #name {
                #name { #(#inits)* }
            }
        }
    }
}

/// `.unwrap_or(..)`, `.unwrap_or_else(|| ..)` or `.unwrap_or_default()` for a `@default`.
pub fn unwrap_or_default(ty: &Type, default: &Value, module: Option<&Module>) -> TokenStream {
    // Only types whose `Default` is the model's zero value may use `unwrap_or_default`.
    let has_default = !matches!(
        ty,
        Type::Enum(_) | Type::IntEnum(_) | Type::Struct(_) | Type::Union(_) | Type::Document
    );
    let is_type_default = has_default
        && match default {
            Value::Bool(b) => !b,
            Value::Number(n) => n.as_f64() == Some(0.0),
            Value::String(s) => {
                s.is_empty()
                    && matches!(
                        ty,
                        Type::String | Type::Blob | Type::ByteStream | Type::InputEvents(_)
                    )
            }
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            _ => false,
        };
    if is_type_default {
        return quote!(.unwrap_or_default());
    }
    let value = default_value(ty, default, module);
    match ty {
        Type::Bool
        | Type::Byte
        | Type::Short
        | Type::Integer
        | Type::Long
        | Type::Float
        | Type::Double => {
            quote!(.unwrap_or(#value))
        }
        _ => quote!(.unwrap_or_else(|| #value)),
    }
}

/// The Rust expression for a `@default` value.
pub fn default_value(ty: &Type, value: &Value, module: Option<&Module>) -> TokenStream {
    match (ty, value) {
        (Type::String, Value::String(s)) => quote!(String::from(#s)),
        (Type::Enum(path), Value::String(s)) => {
            let path = super::path_tokens(path, module);
            quote!(#path::from(#s))
        }
        (Type::Bool, Value::Bool(b)) => quote!(#b),
        (Type::Byte, Value::Number(n)) => int_literal::<i8>(n),
        (Type::Short, Value::Number(n)) => int_literal::<i16>(n),
        (Type::Integer, Value::Number(n)) => int_literal::<i32>(n),
        (Type::Long, Value::Number(n)) => int_literal::<i64>(n),
        (Type::Float | Type::Double, Value::Number(n)) => {
            let v = proc_macro2::Literal::f64_unsuffixed(n.as_f64().unwrap_or_default());
            quote!(#v)
        }
        (Type::IntEnum(path), Value::Number(n)) => {
            let path = super::path_tokens(path, module);
            let n = int_literal::<i32>(n);
            quote!(#path::from(#n))
        }
        (Type::Timestamp(_), Value::Number(n)) => match n.as_i64() {
            Some(secs) => {
                let secs = proc_macro2::Literal::i64_unsuffixed(secs);
                quote!(crate::primitives::DateTime::from_secs(#secs))
            }
            None => {
                let secs = proc_macro2::Literal::f64_unsuffixed(n.as_f64().unwrap_or_default());
                quote!(crate::primitives::DateTime::from_secs_f64(#secs))
            }
        },
        // Blob defaults are base64 in the model.
        (Type::Blob, Value::String(s)) => {
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s)
                .unwrap_or_else(|_| s.as_bytes().to_vec());
            let bytes = proc_macro2::Literal::byte_string(&bytes);
            quote!(#bytes.to_vec())
        }
        (Type::Document, value) => document_literal(value),
        (Type::List(_), Value::Array(a)) if a.is_empty() => quote!(Vec::new()),
        (Type::Map(_), Value::Object(o)) if o.is_empty() => {
            quote!(std::collections::BTreeMap::new())
        }
        _ => quote!(Default::default()),
    }
}

/// A `Document` expression for a JSON `@default` value.
fn document_literal(value: &Value) -> TokenStream {
    let doc = quote!(crate::primitives::Document);
    match value {
        Value::Null => quote!(#doc::Null),
        Value::Bool(b) => quote!(#doc::Bool(#b)),
        Value::String(s) => quote!(#doc::String(String::from(#s))),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => quote!(#doc::from(#i)),
            (None, f) => {
                let f = proc_macro2::Literal::f64_suffixed(f.unwrap_or_default());
                quote!(#doc::from(#f))
            }
        },
        Value::Array(items) => {
            let items = items.iter().map(document_literal);
            quote!(#doc::Array(vec![#(#items),*]))
        }
        Value::Object(entries) => {
            let entries = entries.iter().map(|(k, v)| {
                let v = document_literal(v);
                quote!((String::from(#k), #v))
            });
            quote!(#doc::Object(std::collections::BTreeMap::from([#(#entries),*])))
        }
    }
}

fn int_literal<T: TryFrom<i64> + Into<i64> + Default>(n: &serde_json::Number) -> TokenStream {
    let v: T = n
        .as_i64()
        .and_then(|v| T::try_from(v).ok())
        .unwrap_or_default();
    let v = proc_macro2::Literal::i64_unsuffixed(v.into());
    quote!(#v)
}

/// `Debug` that prints sensitive members (and every member of a `@sensitive` structure) as a
/// redaction marker.
fn debug_impl(
    name: &proc_macro2::Ident,
    label: &str,
    s: &crate::ir::Structure,
    builder: bool,
    bound: bool,
) -> TokenStream {
    let entries = s.fields.iter().map(|f| {
        let field = ident(&f.ident);
        let label = crate::naming::bare(&f.ident);
        if !(s.sensitive || f.redacted()) {
            quote!(.field(#label, &self.#field))
        } else if f.optional || builder {
            quote!(.field(#label, &self.#field.as_ref().map(|_| #REDACTED)))
        } else {
            quote!(.field(#label, &#REDACTED))
        }
    });
    // An operation input's builder is generic over what it is bound to (not printed).
    let generics = (builder && bound).then(|| quote!(<C>));
    quote! {
        impl #generics std::fmt::Debug for #name #generics {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label)
                    #(#entries)*
                    .finish()
            }
        }
    }
}

pub fn enumeration(e: &Enum) -> TokenStream {
    let name = ident(&e.path.name);
    let docs = doc_attrs(e.docs.as_ref());
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let docs = variant_docs(v.docs.as_ref(), &v.value);
        quote! {
            #docs
            #variant,
        }
    });
    let as_str = e.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let value = &v.value;
        quote!(Self::#variant => #value,)
    });
    let from_str = e.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let value = &v.value;
        quote!(#value => Self::#variant,)
    });
    let values = e.variants.iter().map(|v| &v.value);
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know, kept exactly as received.
            Unknown(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unknown(value) => value,
                }
            }

            /// Every value the model defines.
            pub const fn values() -> &'static [&'static str] {
                &[#(#values),*]
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}
