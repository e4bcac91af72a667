//! Paginators (`@paginated`) and waiters (`smithy.waiters#waitable`), emitted into their
//! operation's module.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, path_tokens, rust_type};
use crate::ir::{AcceptorMatcher, AcceptorState, Comparator};
use crate::ir::{Crate, Module, Operation, PathStep, Type, WaiterDef};

/// An expression along `steps` from `root`: either always there, or an `Option`.
enum Access {
    Plain(TokenStream),
    Optional(TokenStream),
}

/// `&root.a.b` as `Access`, borrowing.
fn borrow_path(root: TokenStream, steps: &[PathStep]) -> Access {
    let mut access = Access::Plain(root);
    for step in steps {
        let f = ident(&step.ident);
        access = match (access, step.optional) {
            (Access::Plain(e), false) => Access::Plain(quote!(#e.#f)),
            (Access::Plain(e), true) => Access::Optional(quote!(#e.#f.as_ref())),
            (Access::Optional(e), false) => Access::Optional(quote!(#e.map(|v| &v.#f))),
            (Access::Optional(e), true) => Access::Optional(quote!(#e.and_then(|v| v.#f.as_ref()))),
        };
    }
    access
}

/// `root.a.b` as `Access`, moving out.
fn move_path(root: TokenStream, steps: &[PathStep]) -> Access {
    let mut access = Access::Plain(root);
    for step in steps {
        let f = ident(&step.ident);
        access = match (access, step.optional) {
            (Access::Plain(e), false) => Access::Plain(quote!(#e.#f)),
            (Access::Plain(e), true) => Access::Optional(quote!(#e.#f)),
            (Access::Optional(e), false) => Access::Optional(quote!(#e.map(|v| v.#f))),
            (Access::Optional(e), true) => Access::Optional(quote!(#e.and_then(|v| v.#f))),
        };
    }
    access
}

/// `into_paginator` on the fluent builder, the paginator type and its token/item readers.
pub fn paginator(op: &Operation, module: &Module, fluent: &proc_macro2::Ident) -> TokenStream {
    let Some(p) = &op.paginator else {
        return TokenStream::new();
    };
    let name = ident(&p.name);
    let output = path_tokens(&op.output, Some(module));
    let error = ident(&op.error_enum);
    let bare = crate::naming::bare(&p.input_token);
    let get_token = ident(&format!("get_{bare}"));
    let set_token = ident(&format!("set_{bare}"));
    let token_ty = rust_type(&p.token_ty, Some(module));
    let next_token = match borrow_path(quote!(output), &p.output_token) {
        Access::Plain(e) if p.token_can_be_empty => quote!((!#e.is_empty()).then(|| #e.clone())),
        Access::Plain(e) => quote!(Some(#e.clone())),
        Access::Optional(e) if p.token_can_be_empty => {
            quote!(#e.filter(|t| !t.is_empty()).cloned())
        }
        Access::Optional(e) => quote!(#e.cloned()),
    };
    let page_size = p.page_size.as_ref().map(|(field, ty)| {
        let setter = ident(field);
        let ty = rust_type(ty, Some(module));
        quote! {
            /// The most items to ask for per page (the service may send fewer).
            pub fn page_size(mut self, size: #ty) -> Self {
                self.builder = self.builder.#setter(size);
                self
            }
        }
    });
    let items = p.items.as_ref().map(|(steps, ty)| {
        let (item, convert) = match ty {
            Type::List(item) => (super::element_type(item, Some(module)), quote!()),
            Type::Map(map) => {
                let key = rust_type(&map.key, Some(module));
                let value = super::element_type(&map.value, Some(module));
                (quote!((#key, #value)), quote!(.into_iter().collect()))
            }
            _ => unreachable!("the IR checked that items is a list or map"),
        };
        let body = match move_path(quote!(output), steps) {
            Access::Plain(e) => quote!(#e #convert),
            Access::Optional(e) => quote!(#e.unwrap_or_default() #convert),
        };
        let doc = super::doc_line(&format!(
            "Every item (`{}`) of every page, fetching pages as they run out.",
            steps
                .iter()
                .map(|s| crate::naming::bare(&s.ident))
                .collect::<Vec<_>>()
                .join(".")
        ));
        quote! {
            #doc
            pub fn items(self) -> crate::pagination::ItemStream<#item, #output, #error> {
                fn items_of(output: #output) -> Vec<#item> {
                    #body
                }
                crate::runtime::paginator::ItemStream::new(self.send(), items_of)
            }
        }
    });
    let doc = super::doc_line(&format!(
        "Pages through `{}`: [`send`]({}::send) streams the pages{}, following the output token until it is absent, empty or repeated.",
        op.name,
        p.name,
        if p.items.is_some() {
            format!(", [`items`]({}::items) their items", p.name)
        } else {
            String::new()
        }
    ));
    quote! {
        impl #fluent {
            /// Pages through the results instead of sending one request: the input set so far
            /// is the first page's request.
            pub fn into_paginator(self) -> #name {
                #name { builder: self }
            }
        }

        #doc
        #[derive(Clone, Debug)]
        pub struct #name {
            builder: #fluent,
        }

        impl #name {
            #page_size

            /// A stream of pages: `Result<Output, Error>` each, ending after the last page or
            /// the first error.
            pub fn send(self) -> crate::pagination::PageStream<#output, #error> {
                fn next_token(output: &#output) -> Option<#token_ty> {
                    #next_token
                }
                let first = self.builder.#get_token().clone();
                let builder = self.builder;
                crate::runtime::paginator::PageStream::new(
                    first,
                    move |token| builder.clone().#set_token(token).send(),
                    next_token,
                )
            }

            #items
        }
    }
}

fn comparator(c: Comparator) -> TokenStream {
    match c {
        Comparator::StringEquals => quote!(StringEquals),
        Comparator::BooleanEquals => quote!(BooleanEquals),
        Comparator::AllStringEquals => quote!(AllStringEquals),
        Comparator::AnyStringEquals => quote!(AnyStringEquals),
    }
}

/// One waiter: its builder type in the operation's module.
pub fn waiter(krate: &Crate, op: &Operation, module: &Module, w: &WaiterDef) -> TokenStream {
    let name = ident(&w.type_name);
    let retryable = super::call::retryable_errors(op);
    let output = path_tokens(&op.output, Some(module));
    let error = ident(&op.error_enum);
    let input_struct = super::call::input_struct(krate, op);
    let input_builder = path_tokens(&input_struct.builder_path(), Some(module));
    let input = path_tokens(&op.input, Some(module));
    let setters = input_struct
        .fields
        .iter()
        .map(|f| super::types::setter(f, module, super::types::SetterTarget::Wrapper));
    let build = super::call::build_input(
        input_struct,
        &quote!(self.input),
        &quote!(self.handle),
        |e| quote!(crate::waiters::WaiterError::Operation(#error::Validation(#e))),
    );
    // Each poll is a new request (not a retry of the last one): tokens the caller left unset
    // are fresh for every poll.
    let tokens: Vec<&crate::ir::Field> = input_struct
        .fields
        .iter()
        .filter(|f| f.is_auto_token())
        .collect();
    let token_unset = tokens.iter().map(|f| {
        let unset = ident(&format!("{}_unset", crate::naming::bare(&f.ident)));
        let get = ident(&format!("get_{}", crate::naming::bare(&f.ident)));
        quote!(let #unset = self.input.#get().is_none();)
    });
    let token_refresh = tokens.iter().map(|f| {
        let unset = ident(&format!("{}_unset", crate::naming::bare(&f.ident)));
        let field = ident(&f.ident);
        let value = if f.optional {
            quote!(Some(
                self.handle
                    .idempotency_token()
                    .unwrap_or_else(crate::runtime::idempotency::token)
            ))
        } else {
            quote!(
                self.handle
                    .idempotency_token()
                    .unwrap_or_else(crate::runtime::idempotency::token)
            )
        };
        quote! {
            if #unset && !first_poll {
                input.#field = #value;
            }
        }
    });
    let first_poll = (!tokens.is_empty()).then(|| {
        quote! {
            let mut input = input;
            let mut first_poll = true;
        }
    });
    let first_poll_done = (!tokens.is_empty()).then(|| quote!(first_poll = false;));
    let acceptors = w.acceptors.iter().map(|a| {
        let state = match a.state {
            AcceptorState::Success => quote!(Success),
            AcceptorState::Failure => quote!(Failure),
            AcceptorState::Retry => quote!(Retry),
        };
        let matcher = match &a.matcher {
            AcceptorMatcher::Path {
                with_input,
                path,
                expected,
                comparator: c,
            } => {
                let kind = if *with_input {
                    quote!(InputOutput)
                } else {
                    quote!(Output)
                };
                let comparator = comparator(*c);
                let search = if super::is_field_path(path) {
                    quote!(crate::runtime::waiter::field_path)
                } else {
                    quote!(crate::runtime::jmespath_search::search)
                };
                quote!(Matcher::#kind { path: #path, search: #search, expected: #expected, comparator: Comparator::#comparator })
            }
            AcceptorMatcher::Success(b) => quote!(Matcher::Success(#b)),
            AcceptorMatcher::ErrorType(code) => quote!(Matcher::ErrorType(#code)),
        };
        quote!(Acceptor { state: State::#state, matcher: #matcher })
    });
    let compares = w
        .acceptors
        .iter()
        .any(|a| matches!(a.matcher, AcceptorMatcher::Path { .. }));
    let acceptor_types = ["Acceptor", "Comparator", "Matcher", "State"]
        .into_iter()
        .filter(|name| compares || *name != "Comparator")
        .map(ident);
    let super::call::Dispatch {
        compressor,
        endpoint,
        ..
    } = super::call::dispatch(krate, op);
    // Resolved once for the whole wait; each attempt gets its copy.
    let endpoint_arg = if endpoint.is_empty() {
        quote!(None)
    } else {
        quote!(endpoint.clone())
    };
    let (min, max) = (w.min_delay, w.max_delay);
    let mut doc = vec![format!(
        "Waits for `{}`: calls `{}` until one of the model's acceptors reaches a success or failure state.",
        w.name, op.name
    )];
    if let Some(docs) = &w.docs {
        doc.push(String::new());
        doc.extend(docs.lines().iter().cloned());
    }
    doc.push(String::new());
    doc.push(format!(
        "Between attempts it waits a random time between {min} s and an exponentially growing ceiling capped at {max} s, and gives up after [`max_wait`]({}::max_wait) (default 300 s).",
        w.type_name
    ));
    let doc = super::lines_to_docs(&doc);
    let deprecated = w.deprecated.then(|| quote!(#[deprecated]));
    let allow_deprecated = w.deprecated.then(
        || quote!(#[allow(deprecated, reason = "the waiter's own impl names its deprecated type")]),
    );
    let bind_handle = (!endpoint.is_empty()).then(|| quote!(let handle = &self.handle;));
    quote! {
        #doc
        #deprecated
        #[derive(Clone, Debug)]
        pub struct #name {
            handle: std::sync::Arc<crate::runtime::orchestrator::Handle>,
            input: #input_builder,
            max_wait: std::time::Duration,
            min_delay: std::time::Duration,
            max_delay: std::time::Duration,
        }

        #allow_deprecated
        impl #name {
            /// The model's acceptors, in order (the command-line client's `wait` uses them too).
            pub(crate) const ACCEPTORS: &'static [crate::runtime::waiter::Acceptor] = {
                use crate::runtime::waiter::{#(#acceptor_types),*};
                &[#(#acceptors),*]
            };

            pub(crate) fn new(handle: std::sync::Arc<crate::runtime::orchestrator::Handle>) -> Self {
                Self {
                    handle,
                    input: #input::builder(),
                    max_wait: std::time::Duration::from_secs(300),
                    min_delay: std::time::Duration::from_secs(#min),
                    max_delay: std::time::Duration::from_secs(#max),
                }
            }

            #(#setters)*

            /// The longest the waiter keeps trying (default 300 s).
            pub fn max_wait(mut self, max_wait: std::time::Duration) -> Self {
                self.max_wait = max_wait;
                self
            }

            /// Overrides the model's shortest wait between attempts (at least 1 ms).
            pub fn min_delay(mut self, delay: std::time::Duration) -> Self {
                self.min_delay = delay;
                self
            }

            /// Overrides the model's longest wait between attempts.
            pub fn max_delay(mut self, delay: std::time::Duration) -> Self {
                self.max_delay = delay;
                self
            }

            /// Polls until a success state (its last result returned), a failure state, an
            /// error no acceptor expects, or the maximum wait.
            #[allow(
                clippy::result_large_err,
                reason = "error enums mirror the model's error shapes; boxing them would change the API"
            )]
            pub async fn wait(self) -> Result<crate::waiters::FinalPoll<#output, #error>, crate::waiters::WaiterError<#output, #error>> {
                use crate::runtime::waiter::{Outcome, State};
                #(#token_unset)*
                #build
                if self.handle.validates() {
                    input
                        .validate()
                        .map_err(|e| crate::waiters::WaiterError::Operation(#error::Validation(e)))?;
                }
                // Acceptors read the input as JSON with the model's member names.
                let input_json = {
                    let mut json = Vec::new();
                    crate::runtime::json::WriteJson::write_json(&input, &mut json);
                    crate::runtime::json::parse_body(&json).unwrap_or_default()
                };
                #bind_handle
                #endpoint
                let start = tokio::time::Instant::now();
                let mut backoff = crate::runtime::waiter::Backoff::new(self.min_delay, self.max_delay, self.max_wait);
                #first_poll
                loop {
                    #(#token_refresh)*
                    #first_poll_done
                    let (result, body) = match self
                        .handle
                        .invoke(
                            serialize_request(&input)
                                .map_err(|e| crate::waiters::WaiterError::Operation(#error::Validation(e)))?,
                            #retryable, #compressor, #endpoint_arg)
                        .await
                    {
                        Ok(response) => {
                            let body = response
                                .status()
                                .is_success()
                                .then(|| crate::runtime::json::parse_body(response.body()).ok())
                                .flatten()
                                .unwrap_or_default();
                            (parse_response(&response), body)
                        }
                        Err(e) => (Err(dispatch_error(e)), serde_json::Value::Null),
                    };
                    let outcome = match &result {
                        Ok(_) => Outcome::Output(&body),
                        Err(e) => Outcome::Error(e.code()),
                    };
                    match crate::runtime::waiter::evaluate(Self::ACCEPTORS, &input_json, &outcome) {
                        Some(State::Success) => return Ok(crate::waiters::FinalPoll::new(result)),
                        Some(State::Failure) => {
                            return Err(crate::waiters::WaiterError::FailureState(Box::new(result)));
                        }
                        Some(State::Retry) => {}
                        None => {
                            if let Err(e) = result {
                                return Err(crate::waiters::WaiterError::Operation(e));
                            }
                        }
                    }
                    match backoff.next_delay(start.elapsed()) {
                        Some(delay) => tokio::time::sleep(delay).await,
                        None => {
                            return Err(crate::waiters::WaiterError::MaxWaitExceeded {
                                elapsed: start.elapsed(),
                                attempts: backoff.attempts(),
                            });
                        }
                    }
                }
            }
        }
    }
}
