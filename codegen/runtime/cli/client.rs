//! The client under the command line: its configuration from the global options (unsigned for
//! `--no-sign-request`), and the HTTP client that logs the wire (secrets and `@sensitive`
//! members redacted) for `--debug`; a streamed body (an event stream, a `@streaming` payload)
//! goes through as a stream, its head logged.

use std::sync::Arc;

use serde_json::Value;

use super::super::config::Config;
use super::super::profile::Env;
use super::super::transport::{BodyStream, BoxFuture, HttpClient, TransportError};
use super::args::Globals;
use super::tables::{Operation, Schema, rebuild};
use super::{EXIT_CONFIG, Failure};

/// The client configuration from the global options.
pub(super) fn config(globals: &Globals, op: &'static Operation) -> Result<Config, Failure> {
    let config_failure = |message: String| Failure {
        code: EXIT_CONFIG,
        message,
    };
    // The library's own configuration from the environment and profile (region, credentials,
    // FIPS, dual-stack, account ID), with `--profile` and `--region` taking precedence.
    let mut vars: Vec<(String, String)> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect();
    for (name, value) in [
        ("AWS_PROFILE", &globals.profile),
        ("AWS_REGION", &globals.region),
    ] {
        if let Some(value) = value {
            vars.retain(|(k, _)| k != name);
            vars.push((name.to_string(), value.clone()));
        }
    }
    let config =
        Config::from_env_vars(Env::from_vars(vars)).map_err(|e| config_failure(e.to_string()))?;
    let mut builder = config.to_builder().validation(globals.validate);
    if globals.no_sign {
        builder = builder.sign_requests(false);
    }
    if let Some(url) = &globals.endpoint_url {
        builder = builder.endpoint_url(url.clone());
    }
    let connect_timeout = match globals.connect_timeout {
        Some(t) if t.is_zero() => None,
        Some(t) => Some(t),
        None => config.connect_timeout,
    };
    if let Some(timeout) = globals.read_timeout.filter(|t| !t.is_zero()) {
        builder = builder.read_timeout(timeout);
    }
    // `--ca-bundle` before AWS_CA_BUNDLE and the profile's `ca_bundle`.
    let inner: Arc<dyn HttpClient> = Arc::new(
        config
            .default_http_client(connect_timeout, globals.ca_bundle.as_deref())
            .map_err(|e| config_failure(format!("{e}")))?,
    );
    Ok(builder
        .http_client(CliHttp {
            inner,
            debug: globals.debug,
            op,
        })
        .build())
}

/// The HTTP client under the CLI: logs the wire for `--debug`.
#[derive(Debug)]
struct CliHttp {
    inner: Arc<dyn HttpClient>,
    debug: bool,
    op: &'static Operation,
}

/// Headers whose values never appear in `--debug` logs. (awsJson binds no members to headers;
/// `@sensitive` header bindings come with the HTTP-binding protocols.)
const SECRET_HEADERS: [&str; 6] = [
    "authorization",
    "x-amz-security-token",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-amz-server-side-encryption-customer-key",
];

/// A request or response as `--debug` prints it: secrets and sensitive members redacted.
pub fn debug_log(start: &str, headers: &http::HeaderMap, body: &[u8], schema: &Schema) -> String {
    let mut out = debug_head(start, headers);
    let body = match serde_json::from_slice::<Value>(body) {
        Ok(value) => redact(&value, schema).to_string(),
        Err(_) => format!("<{} bytes>", body.len()),
    };
    out.push_str(&body);
    out
}

impl HttpClient for CliHttp {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        Box::pin(async move {
            let input = Schema::Structure(self.op.input);
            if self.debug {
                eprintln!(
                    "DEBUG request:\n{}\n",
                    debug_log(
                        &format!("{} {}", request.method(), request.uri()),
                        request.headers(),
                        request.body(),
                        &input,
                    )
                );
            }
            let response = self.inner.send(request).await;
            if self.debug {
                match &response {
                    Ok(response) => eprintln!(
                        "DEBUG response:\n{}\n",
                        debug_log(
                            &format!("HTTP {}", response.status()),
                            response.headers(),
                            response.body(),
                            self.op.output,
                        )
                    ),
                    Err(e) => eprintln!("DEBUG transport error: {e}"),
                }
            }
            response
        })
    }

    /// Streams both ways, as the client under it does (events print as they arrive, an input
    /// stream is sent as it is read); `--debug` logs the heads, the bodies as `<streamed>`.
    fn send_streaming(
        &self,
        request: http::Request<BodyStream>,
    ) -> BoxFuture<'_, Result<http::Response<BodyStream>, TransportError>> {
        Box::pin(async move {
            if self.debug {
                eprintln!(
                    "DEBUG request:\n{}<streamed>\n",
                    debug_head(
                        &format!("{} {}", request.method(), request.uri()),
                        request.headers()
                    )
                );
            }
            let response = self.inner.send_streaming(request).await;
            if self.debug {
                match &response {
                    Ok(response) => eprintln!(
                        "DEBUG response:\n{}<streamed>\n",
                        debug_head(&format!("HTTP {}", response.status()), response.headers())
                    ),
                    Err(e) => eprintln!("DEBUG transport error: {e}"),
                }
            }
            response
        })
    }
}

/// The start line and headers of a request or response as `--debug` prints them, secrets
/// redacted.
fn debug_head(start: &str, headers: &http::HeaderMap) -> String {
    let mut out = format!("{start}\n");
    for (name, value) in headers {
        let shown = if SECRET_HEADERS.contains(&name.as_str()) {
            REDACTED.to_string()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        out.push_str(&format!("{name}: {shown}\n"));
    }
    out
}

/// `value` with every `@sensitive` member's value replaced, for logs.
pub fn redact(value: &Value, schema: &Schema) -> Value {
    rebuild(value, schema, None, &|_, _, member| {
        member
            .filter(|m| m.sensitive)
            .map(|_| Value::String(REDACTED.into()))
    })
}

const REDACTED: &str = "*** redacted ***";

#[cfg(test)]
mod tests {
    use super::super::tests::ROOT_SCHEMA;
    use super::*;
    use serde_json::json;

    #[test]
    fn redaction_hides_sensitive_members_at_any_depth() {
        let value = json!({"Config": {"Bucket": "b", "Secret": "s3cr3t"}, "Self": {"Config": {"Secret": "x"}}});
        let shown = redact(&value, &ROOT_SCHEMA).to_string();
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("\"x\""),
            "{shown}"
        );
        assert!(shown.contains("\"Bucket\":\"b\""), "{shown}");
    }

    #[test]
    fn debug_log_redacts_credentials_headers() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "authorization",
            http::HeaderValue::from_static("AWS4-HMAC-SHA256 Credential=AKID/x, Signature=abc"),
        );
        headers.insert(
            "x-amz-security-token",
            http::HeaderValue::from_static("token-value"),
        );
        headers.insert("x-amz-target", http::HeaderValue::from_static("Svc.Op"));
        let log = debug_log(
            "POST /",
            &headers,
            br#"{"Config":{"Secret":"pw"}}"#,
            &ROOT_SCHEMA,
        );
        assert!(
            !log.contains("AKID") && !log.contains("token-value") && !log.contains("pw"),
            "{log}"
        );
        assert!(log.contains("x-amz-target: Svc.Op"), "{log}");
    }
}
