//! `client.rs`: the `Client`, with one method per operation returning its fluent builder.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::Crate;

pub fn client_rs(krate: &Crate) -> TokenStream {
    let service = &krate.service;
    let signing_name = &service.signing_name;
    let endpoint_prefix = &service.endpoint_prefix;
    let doc = super::doc_line(&format!(
        "A client for {}. Cheap to clone (the clones share connections, credentials and the retry budget) and `Send + Sync`.",
        service.title
    ));
    let resolve = if krate.endpoints.is_some() {
        quote!(Some(|config| crate::endpoint::resolve(
            &crate::endpoint::Params::from_config(config)
        )))
    } else {
        quote!(None)
    };
    let methods = krate.operations.iter().map(|op| {
        let method = ident(&op.snake);
        let module = ident(&op.snake);
        let builder = ident(&op.fluent_builder);
        let mut docs = vec![format!("Calls `{}`.", op.name)];
        if let Some(op_docs) = &op.docs {
            docs.push(String::new());
            docs.extend(op_docs.lines().iter().cloned());
        }
        let docs = super::lines_to_docs(&docs);
        quote! {
            #docs
            pub fn #method(&self) -> crate::operation::#module::#builder {
                crate::operation::#module::#builder::new(self.clone())
            }
        }
    });
    let waiters = krate.operations.iter().flat_map(|op| {
        op.waiters.iter().map(move |w| {
            let method = ident(&format!("wait_until_{}", w.snake));
            let module = ident(&op.snake);
            let ty = ident(&w.type_name);
            let doc = super::doc_line(&format!(
                "Waits until `{}`, polling `{}`: set the input's members, then call `wait`.",
                w.name, op.name
            ));
            let deprecated = w.deprecated.then(|| quote!(#[deprecated]));
            let allow = w
                .deprecated
                .then(|| quote!(#[allow(deprecated, reason = "the waiter itself is deprecated")]));
            quote! {
                #doc
                #deprecated
                #allow
                pub fn #method(&self) -> crate::operation::#module::#ty {
                    crate::operation::#module::#ty::new(self.handle.clone())
                }
            }
        })
    });
    let credentials_required = krate
        .operations
        .iter()
        .all(|op| op.auth == crate::ir::Auth::SigV4);
    quote! {
        //! The client: configuration in, one method per operation.

        use std::sync::Arc;

        use crate::config::{Config, ConfigError};
        use crate::runtime::orchestrator::{Handle, ServiceInfo};

        const SERVICE: ServiceInfo = ServiceInfo {
            signing_name: #signing_name,
            endpoint_prefix: #endpoint_prefix,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
            resolve_endpoint: #resolve,
            credentials_required: #credentials_required,
        };

        #doc
        #[derive(Clone, Debug)]
        pub struct Client {
            pub(crate) handle: Arc<Handle>,
        }

        impl Client {
            /// A client with this configuration. Fails when it has no region or credentials
            /// provider, an invalid endpoint URL, or when the service's endpoint rules give an
            /// error for it (such as FIPS with a custom endpoint).
            pub fn new(config: Config) -> Result<Self, ConfigError> {
                Ok(Client { handle: Arc::new(Handle::new(SERVICE, config)?) })
            }

            /// Region and credentials from the environment, as [`Config::from_env`] finds them.
            pub async fn from_env() -> Result<Self, ConfigError> {
                Client::new(Config::from_env().await?)
            }

            #(#methods)*
            #(#waiters)*
        }
    }
}
