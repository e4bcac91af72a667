//! One module per operation: its input/output types, its error enum and its sans-IO wire
//! functions.

use proc_macro2::TokenStream;
use quote::quote;

use super::call::{Dispatch, build_input, dispatch, input_struct, retryable_errors};
use super::{doc_attrs, ident, path_tokens};
use crate::ir::{Crate, Module, Operation};

pub fn operation_rs(krate: &Crate) -> TokenStream {
    let modules = krate.operations.iter().map(|op| {
        let module = ident(&op.snake);
        let doc = super::doc_line(&format!("The `{}` operation.", op.name));
        quote! {
            #doc
            pub mod #module;
        }
    });
    quote! {
        //! One module per operation.

        #(#modules)*
    }
}

pub fn operation_module(krate: &Crate, op: &Operation) -> TokenStream {
    let module = Module::Operation(op.snake.clone());
    let mut header = vec![format!("`{}`", op.name)];
    if let Some(docs) = &op.docs {
        header.push(String::new());
        header.extend(docs.lines().iter().cloned());
    }
    if op.idempotent {
        header.push(String::new());
        header.push(
            "This operation is idempotent: repeating a successful call has no further effect."
                .into(),
        );
    }
    let header = super::lines_to_inner_docs(&header);
    let (structs, builders): (Vec<_>, Vec<_>) = krate
        .structures
        .iter()
        .filter(|s| s.path.module == module)
        .map(|s| super::types::structure(s, &module))
        .unzip();
    let builders = super::builders_module(builders);
    let error_enum = error_enum(op, &module);
    let wire = super::protocol::wire_functions(krate, op, &module);
    let fluent = fluent_builder(krate, op, &module);
    let fluent_name = ident(&op.fluent_builder);
    let paginator = super::pagination::paginator(op, &module, &fluent_name);
    let waiters = op
        .waiters
        .iter()
        .map(|w| super::pagination::waiter(krate, op, &module, w));
    quote! {
        #header

        #(#structs)*
        #fluent
        #paginator
        #(#waiters)*
        #error_enum
        #wire
        #builders
    }
}

fn error_enum(op: &Operation, module: &Module) -> TokenStream {
    let name = ident(&op.error_enum);
    let doc = super::doc_line(&format!("Everything `{}` can fail with.", op.name));
    let variants = op.errors.iter().map(|e| {
        let variant = ident(&e.ty.name);
        let ty = path_tokens(&e.ty, Some(module));
        let docs = doc_attrs(e.docs.as_ref());
        quote! {
            #docs
            #variant(#ty),
        }
    });
    let wrapped = op.errors.iter().map(|e| {
        let variant = ident(&e.ty.name);
        quote!(Self::#variant(error) => error,)
    });
    quote! {
        #doc
        #[derive(Debug)]
        #[non_exhaustive]
        #[allow(
            clippy::large_enum_variant,
            reason = "variants mirror the model's error shapes; boxing large ones would change the API"
        )]
        pub enum #name {
            #(#variants)*
            /// The input breaks the model's constraints; nothing was sent.
            Validation(crate::error::ValidationError),
            /// No credentials could be had.
            Credentials(crate::error::CredentialsError),
            /// The request could not be signed.
            Signing(crate::error::SigningError),
            /// No complete HTTP response: the connection failed or timed out.
            Transport(crate::error::TransportError),
            /// The response did not have the shape the model promises.
            MalformedResponse(crate::error::DeserializeError),
            /// An error the model does not list for this operation.
            Unhandled(crate::error::Unhandled),
        }

        impl #name {
            /// The error code: the modeled error's shape name, or what the service sent.
            pub fn code(&self) -> Option<&str> {
                self.wrapped().code()
            }

            /// The service asked the client to slow down (a throttling error code or HTTP 429).
            pub fn is_throttling(&self) -> bool {
                self.wrapped().is_throttling()
            }

            /// Whether the same request may succeed later: throttling, server faults, modeled
            /// `@retryable` errors and transport failures. Client errors such as invalid
            /// parameters are not.
            pub fn is_retryable(&self) -> bool {
                self.wrapped().is_retryable()
            }

            /// The `x-amzn-RequestId` of an unmodeled error response.
            pub fn request_id(&self) -> Option<&str> {
                self.wrapped().request_id()
            }

            /// Whether the service blamed itself (`@error("server")`, or an unmodeled 5xx).
            pub fn is_server_fault(&self) -> bool {
                self.wrapped().is_server_fault()
            }

            /// The error this one wraps, which the methods above, `Display` and `source` defer
            /// to.
            fn wrapped(&self) -> &dyn crate::runtime::errors::Wrapped {
                match self {
                    #(#wrapped)*
                    Self::Validation(error) => error,
                    Self::Credentials(error) => error,
                    Self::Signing(error) => error,
                    Self::Transport(error) => error,
                    Self::MalformedResponse(error) => error,
                    Self::Unhandled(error) => error,
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(self.wrapped(), f)
            }
        }

        impl std::error::Error for #name {
            /// The wrapped error's own source: `Display` already shows the wrapped error.
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                self.wrapped().source()
            }
        }
    }
}

/// The fluent builder `Client::<operation>()` returns: the input's builder bound to the client,
/// whose setters it shares, with `send`.
fn fluent_builder(krate: &Crate, op: &Operation, module: &Module) -> TokenStream {
    let name = ident(&op.fluent_builder);
    let input = path_tokens(&op.input, Some(module));
    let output = path_tokens(&op.output, Some(module));
    let error = ident(&op.error_enum);
    let input_struct = input_struct(krate, op);
    let input_builder = path_tokens(&input_struct.builder_path(), Some(module));
    // An input of this operation alone (`@input`) has a builder generic over what it is bound
    // to, and the fluent builder is that builder bound to the client. Another structure (one
    // that other operations or members also use) is wrapped, its setters repeated.
    let owned = super::types::bound_to_client(input_struct);
    let derive = if op.streams_input() {
        // A stream is read once: no `Clone`.
        quote!(#[derive(Debug)])
    } else {
        quote!(#[derive(Clone, Debug)])
    };
    let (definition, constructor, handle, builder) = if owned {
        let client = ident(&super::types::client_field(input_struct));
        let unset = input_struct.fields.iter().map(|f| {
            let field = ident(&f.ident);
            quote!(#field: None,)
        });
        (
            quote!(pub type #name = #input_builder<crate::Client>;),
            quote! {
                pub(crate) fn new(#client: crate::Client) -> Self {
                    Self { #(#unset)* #client }
                }
            },
            quote!(self.#client.handle.clone()),
            quote!(self),
        )
    } else {
        let setters = input_struct
            .fields
            .iter()
            .map(|f| super::types::setter(f, module, super::types::SetterTarget::Wrapper));
        (
            quote! {
                #derive
                pub struct #name {
                    client: crate::Client,
                    input: #input_builder,
                }
            },
            quote! {
                pub(crate) fn new(client: crate::Client) -> Self {
                    Self { client, input: #input::builder() }
                }

                #(#setters)*
            },
            quote!(self.client.handle.clone()),
            quote!(self.input),
        )
    };
    let build = build_input(
        input_struct,
        &builder,
        &quote!(handle),
        |e| quote!(#error::Validation(#e)),
    );
    let retryable: Vec<&str> = op
        .errors
        .iter()
        .filter(|e| e.retryable)
        .map(|e| e.code.as_str())
        .collect();
    let doc = super::doc_line(&format!(
        "Sends `{}`: set the input's members, then call [`send`]({}::send).",
        op.name, name
    ));
    let send_doc = super::doc_line(
        "Validates the input (unless validation is off), signs and sends it, retries per the client's retry configuration, and parses the response.",
    );
    let Dispatch {
        compressor,
        endpoint,
        endpoint_arg,
    } = dispatch(krate, op);
    // No table when the operation has no `@retryable` errors.
    let retryable_const = (!retryable.is_empty()).then(|| {
        quote! {
            /// The error codes of this operation the model marks `@retryable`.
            const RETRYABLE_ERRORS: &[&str] = &[#(#retryable),*];
        }
    });
    let retryable = retryable_errors(op);
    let exchange = if op.streams() {
        streaming_exchange(krate, op, &retryable, &endpoint_arg)
    } else {
        quote! {
            let request = serialize_request(&input).map_err(#error::Validation)?;
            let response = handle
                .invoke(request, #retryable, #compressor, #endpoint_arg)
                .await
                .map_err(dispatch_error)?;
            parse_response(&response)
        }
    };
    quote! {
        #retryable_const

        #doc
        #definition

        impl #name {
            #constructor

            #send_doc
            #[allow(
                clippy::result_large_err,
                reason = "error enums mirror the model's error shapes; boxing them would change the API"
            )]
            pub async fn send(self) -> Result<#output, #error> {
                let handle = #handle;
                #build
                if handle.validates() {
                    input.validate().map_err(#error::Validation)?;
                }
                #endpoint
                #exchange
            }
        }

        /// A request that got no response, as this operation's error.
        fn dispatch_error(e: crate::runtime::orchestrator::DispatchError) -> #error {
            e.into_error(#error::Credentials, #error::Signing, #error::Transport)
        }
    }
}

/// The end of `send` for an operation with a `@streaming` payload: the request body is sent as
/// it is read and a streamed output payload comes back unread. An input stream the operation
/// must hash (`Content-MD5`, Glacier's tree hash) is read into memory first.
fn streaming_exchange(
    krate: &Crate,
    op: &Operation,
    retryable: &TokenStream,
    endpoint_arg: &TokenStream,
) -> TokenStream {
    let error = ident(&op.error_enum);
    let hashed = op.content_md5
        || op
            .customizations
            .contains(&crate::customize::Customization::TreeHash);
    let payload = op.http.as_ref().and_then(|http| match &http.input.body {
        crate::http::Body::Payload(member) => krate
            .structure(&op.input)
            .and_then(|s| s.fields.iter().find(|f| &f.wire == member))
            .map(|f| ident(&f.ident)),
        _ => None,
    });
    let in_memory = match (&payload, op.streams_input() && hashed) {
        (Some(field), true) => Some(quote! {
            let mut input = input;
            let whole = std::mem::take(&mut input.#field)
                .collect()
                .await
                .map_err(|e| #error::Transport(e.into_transport()))?;
            input.#field = crate::primitives::ByteStream::from(whole);
        }),
        _ => None,
    };
    let request = if op.streams_input() {
        quote!(serialize_request(input).map_err(#error::Validation)?)
    } else {
        quote!(serialize_request(&input).map_err(#error::Validation)?.map(crate::primitives::ByteStream::from))
    };
    let parse = if op.streams_events() && !krate.service.protocol.is_rest() {
        // An RPC protocol's output waits for the stream's `initial-response`.
        quote!(parse_response(response).await)
    } else if op.streams_output() || op.streams_events() {
        quote!(parse_response(response))
    } else {
        quote! {
            let response = crate::runtime::byte_stream::read_whole(response)
                .await
                .map_err(#error::Transport)?;
            parse_response(&response)
        }
    };
    quote! {
        #in_memory
        let request = #request;
        let response = handle
            .invoke_streaming(request, #retryable, #endpoint_arg)
            .await
            .map_err(dispatch_error)?;
        #parse
    }
}
