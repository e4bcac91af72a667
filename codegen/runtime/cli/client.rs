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

/// A request or response as `--debug` prints it: secrets and sensitive members redacted; a
/// streamed body (`None`) as `<streamed>`.
pub fn debug_log(
    start: &str,
    headers: &http::HeaderMap,
    body: Option<&[u8]>,
    schema: &Schema,
) -> String {
    let mut out = format!("{start}\n");
    for (name, value) in headers {
        let shown = if SECRET_HEADERS.contains(&name.as_str()) {
            REDACTED.to_string()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        out.push_str(&format!("{name}: {shown}\n"));
    }
    let body = match body {
        None => "<streamed>".to_string(),
        Some(body) => match serde_json::from_slice::<Value>(body) {
            Ok(value) => redact(&value, schema).to_string(),
            Err(_) => format!("<{} bytes>", body.len()),
        },
    };
    out.push_str(&body);
    out
}

impl CliHttp {
    /// `--debug`: the request, its body (`None`: streamed) by the input's schema.
    fn log_request<B>(&self, request: &http::Request<B>, body: Option<&[u8]>) {
        if self.debug {
            let start = format!("{} {}", request.method(), request.uri());
            let input = Schema::Structure(self.op.input);
            let log = debug_log(&start, request.headers(), body, &input);
            eprintln!("DEBUG request:\n{log}\n");
        }
    }

    /// `--debug`: the response, its body (`body` of it; `None`: streamed) by the output's
    /// schema, or the transport error.
    fn log_response<B>(
        &self,
        response: &Result<http::Response<B>, TransportError>,
        body: fn(&B) -> Option<&[u8]>,
    ) {
        if !self.debug {
            return;
        }
        match response {
            Ok(response) => {
                let start = format!("HTTP {}", response.status());
                let log = debug_log(
                    &start,
                    response.headers(),
                    body(response.body()),
                    self.op.output,
                );
                eprintln!("DEBUG response:\n{log}\n");
            }
            Err(e) => eprintln!("DEBUG transport error: {e}"),
        }
    }
}

impl HttpClient for CliHttp {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        Box::pin(async move {
            self.log_request(&request, Some(request.body()));
            let response = self.inner.send(request).await;
            self.log_response(&response, |body| Some(body));
            response
        })
    }

    /// Streams both ways, as the client under it does (events print as they arrive, an input
    /// stream is sent as it is read); `--debug` logs the bodies as `<streamed>`.
    fn send_streaming(
        &self,
        request: http::Request<BodyStream>,
    ) -> BoxFuture<'_, Result<http::Response<BodyStream>, TransportError>> {
        Box::pin(async move {
            self.log_request(&request, None);
            let response = self.inner.send_streaming(request).await;
            self.log_response(&response, |_| None);
            response
        })
    }
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
            Some(br#"{"Config":{"Secret":"pw"}}"#),
            &ROOT_SCHEMA,
        );
        assert!(
            !log.contains("AKID") && !log.contains("token-value") && !log.contains("pw"),
            "{log}"
        );
        assert!(log.contains("x-amz-target: Svc.Op"), "{log}");
    }
}
