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
    let wire = wire_functions(krate, op, &module);
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

fn wire_functions(krate: &Crate, op: &Operation, module: &Module) -> TokenStream {
    let input = path_tokens(&op.input, Some(module));
    let output = path_tokens(&op.output, Some(module));
    let error = ident(&op.error_enum);
    let target = format!("{}.{}", krate.service.target_prefix, op.name);
    let protocol = match krate.service.protocol {
        crate::ir::Protocol::AwsJson1_1 => "awsJson1_1",
        crate::ir::Protocol::AwsJson1_0 => "awsJson1_0",
    };
    let serialize_doc = super::doc_line(&format!(
        "The {protocol} request for `{}`: `POST /`, `Content-Type: {}`, `X-Amz-Target: {target}`, and the input as a JSON object (unset members omitted). Validation is separate: see `validate`.",
        op.name,
        krate.service.protocol.content_type()
    ));
    let parse_doc = super::doc_line(&format!(
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
    let serialize_tail = match &op.host_prefix {
        None => quote!(crate::protocol::request(#target, body)),
        Some(prefix) => {
            // `foo.{label}.` → format!("foo.{}.", label value)
            let mut format = prefix.template.clone();
            let mut args = Vec::new();
            for (label, field, optional) in &prefix.labels {
                format = format.replace(&format!("{{{label}}}"), "{}");
                let field = ident(field);
                args.push(if *optional {
                    quote!(input.#field.as_deref().unwrap_or_default())
                } else {
                    quote!(input.#field)
                });
            }
            let format = format
                .replace("{}", "\u{0}")
                .replace('{', "{{")
                .replace('}', "}}")
                .replace('\u{0}', "{}");
            let prefix = if args.is_empty() {
                let template = &prefix.template;
                quote!(String::from(#template))
            } else {
                quote!(format!(#format, #(#args),*))
            };
            quote! {
                // The operation's `@endpoint` host prefix, labels filled in from the input.
                let mut request = crate::protocol::request(#target, body);
                let prefix = #prefix;
                request.extensions_mut().insert(crate::runtime::orchestrator::HostPrefix(prefix));
                request
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
    quote! {
        #serialize_doc
        pub fn serialize_request(input: &#input) -> http::Request<Vec<u8>> {
            // Most request bodies are small: one allocation for them.
            let mut body = Vec::with_capacity(256);
            crate::runtime::json::WriteJson::write_json(input, &mut body);
            #serialize_tail
        }

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
                #[derive(Clone, Debug)]
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
    let build = build_input(input_struct, &builder, |e| quote!(#error::Validation(#e)));
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
                let request = serialize_request(&input);
                let response = handle
                    .invoke(request, #retryable, #compressor, #endpoint_arg)
                    .await
                    .map_err(dispatch_error)?;
                parse_response(&response)
            }
        }

        /// A request that got no response, as this operation's error.
        fn dispatch_error(e: crate::runtime::orchestrator::DispatchError) -> #error {
            e.into_error(#error::Credentials, #error::Signing, #error::Transport)
        }
    }
}
