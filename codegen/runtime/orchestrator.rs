//! One call, end to end: the request goes to the endpoint, is signed afresh for every attempt,
//! sent with the read timeout, and retried per the retry strategy. Generated operation code
//! validates and serializes before, and parses after.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use super::config::{Config, ConfigError, EndpointConfig, TimeSource};
use super::credentials::{CredentialsError, ProvideCredentials};
use super::datetime::DateTime;
use super::document::Document;
use super::endpoint_lib::{Endpoint, ResolveError};
use super::json::{ErrorResponse, parse_error};
use super::retry::{RetryConfig, RetryKind, TokenBucket, classify_response};
use super::sigv4::{Payload, Signer, SigningError, SigningParams};
use super::transport::{HttpClient, TransportError, TransportErrorKind};

/// What a generated crate tells the runtime about its service.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ServiceInfo {
    /// `aws.auth#sigv4` `name`.
    pub(crate) signing_name: &'static str,
    /// `aws.api#service` `endpointPrefix`.
    pub(crate) endpoint_prefix: &'static str,
    /// `crate-name/version`, the start of the `User-Agent` header.
    pub(crate) user_agent: &'static str,
    /// The endpoint from the configuration alone, by the service's rule set (`None`: the model
    /// has no rule set, and the regional `https://{endpoint_prefix}.{region}.amazonaws.com` or
    /// the configured endpoint URL is used).
    pub(crate) resolve_endpoint: Option<ResolveEndpoint>,
    /// Every operation is signed with SigV4, so a client without credentials is refused when
    /// built; otherwise (some operation is unsigned or may use a bearer token) a missing
    /// provider is an error only when a call needs it.
    pub(crate) credentials_required: bool,
}

/// `Client::new` without an HTTP client, in a crate built without its built-in one.
#[cfg(not(feature = "default-https-client"))]
const NO_HTTP_CLIENT: &str = "no HTTP client configured: this crate was built without its `default-https-client` feature (`default-features = false`), so set one with Config::builder().http_client(..), or enable the feature";

const NO_CREDENTIALS: &str = "no credentials configured: set them with Config::builder().credentials(..) or .credentials_provider(..), or use Config::from_env()";

/// Resolves an endpoint from the configuration's built-in values.
pub(crate) type ResolveEndpoint = fn(&EndpointConfig) -> Result<Endpoint, ResolveError>;

/// A resolved endpoint, ready for requests: its URI, the `/` URI and `Host` value every awsJson
/// request without a host prefix uses (built once), extra headers, and signing overrides from
/// its `authSchemes`.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    endpoint: http::Uri,
    root: http::Uri,
    root_host: http::HeaderValue,
    headers: Vec<(http::HeaderName, http::HeaderValue)>,
    signing_name: Option<String>,
    signing_region: Option<String>,
}

impl Target {
    fn new(endpoint: &Endpoint) -> Result<Target, String> {
        let text = endpoint.url.trim_end_matches('/');
        let uri: http::Uri = text
            .parse()
            .map_err(|e| format!("endpoint URL {text:?} is not a URL: {e}"))?;
        if uri.scheme().is_none() || uri.host().is_none() {
            return Err(format!("endpoint URL {text:?} needs a scheme and a host"));
        }
        let root: http::Uri = format!("{text}/")
            .parse()
            .map_err(|e| format!("endpoint URL {text:?} is not a URL: {e}"))?;
        let authority = uri.authority().map_or("", |a| a.as_str());
        let root_host =
            http::HeaderValue::from_str(&strip_default_port(authority, uri.scheme_str()))
                .map_err(|_| format!("endpoint URL {text:?} has an invalid host"))?;
        let mut headers = Vec::new();
        for (name, values) in &endpoint.headers {
            let name = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("the endpoint's header name {name:?} is invalid"))?;
            for value in values {
                let value = http::HeaderValue::from_str(value).map_err(|_| {
                    format!("the endpoint's header {name} has an invalid value {value:?}")
                })?;
                headers.push((name.clone(), value));
            }
        }
        let (signing_name, signing_region) = auth_scheme(&endpoint.properties)?;
        Ok(Target {
            endpoint: uri,
            root,
            root_host,
            headers,
            signing_name,
            signing_region,
        })
    }
}

/// The signing name and region a `sigv4` entry of the endpoint's `authSchemes` sets. An
/// endpoint that lists auth schemes but not `sigv4` cannot be called by this client.
fn auth_scheme(
    properties: &std::collections::BTreeMap<String, Document>,
) -> Result<(Option<String>, Option<String>), String> {
    let Some(schemes) = properties.get("authSchemes") else {
        return Ok((None, None));
    };
    let Document::Array(schemes) = schemes else {
        return Err("the endpoint's authSchemes is not a list".into());
    };
    let text =
        |scheme: &std::collections::BTreeMap<String, Document>, key: &str| match scheme.get(key) {
            Some(Document::String(s)) => Some(s.clone()),
            _ => None,
        };
    let mut names = Vec::new();
    for scheme in schemes {
        let Document::Object(scheme) = scheme else {
            continue;
        };
        match text(scheme, "name") {
            Some(name) if name == "sigv4" => {
                return Ok((text(scheme, "signingName"), text(scheme, "signingRegion")));
            }
            Some(name) => names.push(name),
            None => {}
        }
    }
    if names.is_empty() {
        return Ok((None, None));
    }
    Err(format!(
        "the endpoint requires the auth scheme(s) {}; this client signs with sigv4 only",
        names.join(", ")
    ))
}

/// An operation's own endpoint, as [`Handle::invoke`] takes it: `None` for the client's.
pub(crate) type OperationEndpoint = Option<Result<Endpoint, ResolveError>>;

/// A request extension set by operations not signed with SigV4 alone (`smithy.api#auth`,
/// `@optionalAuth`); without it a request is signed with SigV4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    dead_code,
    reason = "a crate constructs only the schemes its operations use"
)]
pub(crate) enum Auth {
    /// `@auth([])`: sent unsigned, without looking for credentials.
    Anonymous,
    /// `@optionalAuth`: signed when credentials resolve, else sent unsigned.
    Optional,
    /// SigV4, or `Authorization: Bearer` when the configuration has a bearer token (the model
    /// lists both schemes).
    SigV4OrBearer,
    /// `@httpBearerAuth` only: the configuration's bearer token.
    Bearer,
}

/// How one attempt is authorized.
enum Authorization {
    SigV4(super::credentials::Credentials),
    Bearer(http::HeaderValue),
    None,
}

/// A request extension set by operations whose request body is an input event stream: told
/// the request's SigV4 signature when it is signed (on each attempt), so that the stream's
/// messages are signed in a chain from it. Unsigned, the messages go as they are.
#[derive(Clone)]
#[allow(dead_code, reason = "set only by crates with input event streams")]
pub(crate) struct SignEvents(pub(crate) Arc<dyn Fn(EventSeed<'_>) + Send + Sync>);

/// What an input event stream's signer starts from.
pub(crate) struct EventSeed<'a> {
    pub(crate) credentials: &'a super::credentials::Credentials,
    pub(crate) region: &'a str,
    pub(crate) service: &'a str,
    /// The initial request's signature.
    pub(crate) signature: &'a super::sigv4::HexDigest,
    /// The clock the request was signed by (the local one, corrected by the service's skew).
    pub(crate) now: super::config::TimeSource,
}

/// The time by `source` (a configured clock), else the system's.
fn local_time(source: Option<&TimeSource>) -> SystemTime {
    source.map_or_else(SystemTime::now, |now| now())
}

/// `clock` moved by `skew` milliseconds (either way), unless that leaves the range of times.
fn shifted(clock: SystemTime, skew: i64) -> SystemTime {
    let shift = Duration::from_millis(skew.unsigned_abs());
    let corrected = if skew >= 0 {
        clock.checked_add(shift)
    } else {
        clock.checked_sub(shift)
    };
    corrected.unwrap_or(clock)
}

/// A request extension set by operations with an `@endpoint` host prefix (labels filled in).
#[derive(Debug, Clone)]
pub(crate) struct HostPrefix(pub(crate) String);

/// Compresses a request body (`@requestCompression`).
pub(crate) type Compressor = fn(&[u8]) -> Vec<u8>;

/// Why a request got no HTTP response to parse.
#[derive(Debug)]
pub(crate) enum DispatchError {
    Credentials(CredentialsError),
    Signing(SigningError),
    Transport(TransportError),
}

impl DispatchError {
    /// This failure as an operation error, through that error's matching variants.
    pub(crate) fn into_error<E>(
        self,
        credentials: fn(CredentialsError) -> E,
        signing: fn(SigningError) -> E,
        transport: fn(TransportError) -> E,
    ) -> E {
        match self {
            DispatchError::Credentials(e) => credentials(e),
            DispatchError::Signing(e) => signing(e),
            DispatchError::Transport(e) => transport(e),
        }
    }
}

/// The shared state behind a client: cheap to clone through an `Arc`.
pub(crate) struct Handle {
    service: ServiceInfo,
    region: String,
    /// The endpoint from the configuration alone.
    target: Target,
    /// The rule set's built-ins, for operations whose input sets endpoint parameters.
    endpoint_config: EndpointConfig,
    /// The endpoint `target` was built from: an operation resolving to the same one reuses it.
    endpoint: Endpoint,
    /// Per operation whose endpoint parameters are constants: its resolution, done once
    /// (`None`: the client's own endpoint).
    endpoint_cache: Mutex<Vec<(&'static str, OperationEndpoint)>>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    http: Arc<dyn HttpClient>,
    signer: Signer,
    bucket: TokenBucket,
    retry: RetryConfig,
    read_timeout: Option<std::time::Duration>,
    max_response_bytes: usize,
    validate: bool,
    disable_host_prefix: bool,
    /// [`ConfigBuilder::sign_requests`]`(false)`: nothing is signed.
    ///
    /// [`ConfigBuilder::sign_requests`]: super::config::ConfigBuilder::sign_requests
    unsigned: bool,
    user_agent: http::HeaderValue,
    time_source: Option<TimeSource>,
    /// The service's clock minus ours, in milliseconds, once a clock-skew error told us.
    skew_millis: AtomicI64,
    /// `None` when compression is disabled; else the minimum body size to compress.
    compress_from: Option<usize>,
    token_provider: Option<super::config::TokenProvider>,
    /// `Authorization: Bearer <token>` for `@httpBearerAuth` operations, marked sensitive.
    bearer: Option<http::HeaderValue>,
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("service", &self.service.signing_name)
            .field("region", &self.region)
            .field("endpoint", &self.target.endpoint)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Handle {
    pub(crate) fn new(service: ServiceInfo, config: Config) -> Result<Handle, ConfigError> {
        let endpoint_config = config.endpoint_config();
        let region = config.region.clone().ok_or_else(|| {
            ConfigError(
                "no region configured: set one with Config::builder().region(..), or use Config::from_env() (AWS_REGION, AWS_DEFAULT_REGION, the profile's region)".into(),
            )
        })?;
        super::config::check_region(&region)?;
        let credentials = config.credentials.clone();
        if credentials.is_none() && service.credentials_required && !config.unsigned {
            return Err(ConfigError(NO_CREDENTIALS.into()));
        }
        let endpoint = match (service.resolve_endpoint, &config.endpoint_url) {
            (Some(resolve), _) => {
                resolve(&endpoint_config).map_err(|e| ConfigError(e.to_string()))?
            }
            (None, Some(url)) => Endpoint::new(url.clone()),
            (None, None) => Endpoint::new(format!(
                "https://{}.{region}.amazonaws.com",
                service.endpoint_prefix
            )),
        };
        let target = Target::new(&endpoint).map_err(ConfigError)?;
        // (`endpoint` is kept: operations that resolve to it reuse `target`.)
        let http = match config.http_client.clone() {
            Some(http) => http,
            #[cfg(feature = "default-https-client")]
            None => Arc::new(config.default_http_client(config.connect_timeout, None)?),
            #[cfg(not(feature = "default-https-client"))]
            None => return Err(ConfigError(NO_HTTP_CLIENT.into())),
        };
        let mut user_agent = format!("{} lang/rust", service.user_agent);
        if let Some(app) = &config.app_name {
            user_agent.push_str(&format!(" app/{app}"));
        }
        let user_agent = http::HeaderValue::from_str(&user_agent).map_err(|_| {
            ConfigError(format!(
                "app name {:?} is not a valid header value",
                config.app_name
            ))
        })?;
        Ok(Handle {
            service,
            region,
            target,
            endpoint_config,
            endpoint,
            endpoint_cache: Mutex::new(Vec::new()),
            credentials,
            http,
            signer: Signer::default(),
            bucket: TokenBucket::default(),
            retry: config.retry,
            read_timeout: config.read_timeout,
            max_response_bytes: config.max_response_bytes,
            validate: config.validate,
            disable_host_prefix: config.disable_host_prefix,
            unsigned: config.unsigned,
            user_agent,
            time_source: config.time_source,
            skew_millis: AtomicI64::new(0),
            compress_from: (!config.disable_request_compression)
                .then_some(config.request_min_compression_size_bytes as usize),
            token_provider: config.idempotency_token_provider,
            bearer: match &config.bearer_token {
                None => None,
                Some(token) => {
                    let mut value = http::HeaderValue::from_str(&format!("Bearer {token}"))
                        .map_err(|_| {
                            ConfigError("the bearer token is not a valid header value".into())
                        })?;
                    value.set_sensitive(true);
                    Some(value)
                }
            },
        })
    }

    /// A value for an `@idempotencyToken` member the caller left unset from the configured
    /// provider; `None`: the operation makes a random UUID v4 (`runtime::idempotency`).
    #[allow(
        dead_code,
        reason = "called only by operations with @idempotencyToken members"
    )]
    pub(crate) fn idempotency_token(&self) -> Option<String> {
        self.token_provider.as_ref().map(|provide| provide())
    }

    /// How the next attempt of a request with scheme `auth` is authorized (`None`: SigV4).
    async fn authorization(&self, auth: Option<Auth>) -> Result<Authorization, DispatchError> {
        if self.unsigned {
            return Ok(Authorization::None);
        }
        let sigv4 = || async {
            let Some(credentials) = &self.credentials else {
                return Err(DispatchError::Credentials(CredentialsError::new(
                    NO_CREDENTIALS,
                )));
            };
            credentials
                .provide_credentials()
                .await
                .map(Authorization::SigV4)
                .map_err(DispatchError::Credentials)
        };
        match (auth, &self.bearer) {
            (None, _) | (Some(Auth::SigV4OrBearer), None) => sigv4().await,
            (Some(Auth::SigV4OrBearer | Auth::Bearer), Some(bearer)) => {
                Ok(Authorization::Bearer(bearer.clone()))
            }
            (Some(Auth::Bearer), None) => Err(DispatchError::Credentials(CredentialsError::new(
                "this operation needs a bearer token (Config::builder().bearer_token(..))",
            ))),
            (Some(Auth::Optional), _) => Ok(sigv4().await.unwrap_or(Authorization::None)),
            (Some(Auth::Anonymous), _) => Ok(Authorization::None),
        }
    }

    pub(crate) fn validates(&self) -> bool {
        self.validate
    }

    /// The rule set's built-in parameter values, from the configuration.
    pub(crate) fn endpoint_config(&self) -> &EndpointConfig {
        &self.endpoint_config
    }

    /// The endpoint of an operation whose endpoint parameters do not depend on its input, as
    /// [`Handle::invoke`] takes it: `resolve` runs on the first call only, per client, and an
    /// endpoint equal to the client's is `None` from then on (no copy, no comparison per call).
    pub(crate) fn cached_endpoint(
        &self,
        operation: &'static str,
        resolve: impl FnOnce(&EndpointConfig) -> Result<Endpoint, ResolveError>,
    ) -> OperationEndpoint {
        let mut cache = self
            .endpoint_cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((_, resolved)) = cache.iter().find(|(op, _)| *op == operation) {
            return resolved.clone();
        }
        let resolved = match resolve(&self.endpoint_config) {
            Ok(endpoint) if endpoint == self.endpoint => None,
            other => Some(other),
        };
        cache.push((operation, resolved.clone()));
        resolved
    }

    /// The local clock.
    fn clock(&self) -> SystemTime {
        local_time(self.time_source.as_ref())
    }

    /// The time requests are signed with: the local clock, corrected by the skew the service
    /// reported.
    fn now(&self) -> SystemTime {
        shifted(self.clock(), self.skew_millis.load(Ordering::Relaxed))
    }

    /// Sends `request` (a path-only URI, as the serializers build it) to the endpoint: the
    /// client's, or `endpoint` when the operation resolved its own (its input sets endpoint
    /// parameters). `retryable_codes` are the operation's modeled `@retryable` errors. The
    /// final response is returned whatever its status; only a request that got no response at
    /// all is an error.
    pub(crate) async fn invoke(
        &self,
        request: http::Request<Vec<u8>>,
        retryable_codes: &[&str],
        compress: Option<Compressor>,
        endpoint: OperationEndpoint,
    ) -> Result<http::Response<Vec<u8>>, DispatchError> {
        let own = self.own_target(endpoint)?;
        let target = self.target(&own);
        let (mut parts, mut body) = request.into_parts();
        if let (Some(compress), Some(min)) = (compress, self.compress_from)
            && body.len() >= min
        {
            body = compress(&body);
            // After any encoding the caller gave: `custom, gzip`.
            let encoding = match parts.headers.get(http::header::CONTENT_ENCODING) {
                Some(given) => {
                    let mut both = given.as_bytes().to_vec();
                    both.extend_from_slice(b", gzip");
                    http::HeaderValue::from_bytes(&both)
                        .unwrap_or(http::HeaderValue::from_static("gzip"))
                }
                None => http::HeaderValue::from_static("gzip"),
            };
            parts
                .headers
                .insert(http::header::CONTENT_ENCODING, encoding);
        }
        self.address(&mut parts, target, Some(body.len() as u64))?;

        let mut attempts = Attempts::new(true);
        let auth = parts.extensions.get::<Auth>().copied();
        loop {
            let mut request = http::Request::new(body.clone());
            *request.method_mut() = parts.method.clone();
            *request.uri_mut() = parts.uri.clone();
            *request.headers_mut() = parts.headers.clone();
            // HTTP/2, when the operation needs it (`serialize_request` says so).
            *request.version_mut() = parts.version;
            let payload = Payload::of(request.body());
            self.authorize(&mut request, auth, target, payload, None)
                .await?;
            let result = self.send_once(request).await;
            let answer = match &result {
                Ok(response) => Ok((response.status(), response.headers(), &response.body()[..])),
                Err(e) => Err(e),
            };
            if self.again(answer, retryable_codes, &mut attempts).await {
                continue;
            }
            return result.map_err(DispatchError::Transport);
        }
    }

    /// The operation's own endpoint, when it resolved one that is not the client's.
    pub(crate) fn own_target(
        &self,
        endpoint: OperationEndpoint,
    ) -> Result<Option<Target>, DispatchError> {
        match endpoint {
            None => Ok(None),
            Some(Ok(endpoint)) if endpoint == self.endpoint => Ok(None),
            Some(resolved) => resolved
                .map_err(|e| e.to_string())
                .and_then(|endpoint| Target::new(&endpoint))
                .map(Some)
                .map_err(|e| {
                    DispatchError::Transport(TransportError::new(TransportErrorKind::Other, e))
                }),
        }
    }

    /// Points the request at `target` (host prefix included) and sets the headers every
    /// attempt carries: `Host`, the endpoint's, `User-Agent` and `Content-Length` (`len`, when
    /// known).
    pub(crate) fn address(
        &self,
        parts: &mut http::request::Parts,
        target: &Target,
        len: Option<u64>,
    ) -> Result<(), DispatchError> {
        let prefix = (parts.extensions.get::<HostPrefix>())
            .filter(|_| !self.disable_host_prefix)
            .map(|p| p.0.clone());
        parts.uri = resolve(target, &parts.uri, prefix.as_deref())?;
        let host = if prefix.is_none() {
            target.root_host.clone()
        } else {
            let host = parts
                .uri
                .authority()
                .map(|a| a.as_str().to_string())
                .unwrap_or_default();
            let host = strip_default_port(&host, parts.uri.scheme_str());
            http::HeaderValue::from_str(&host).map_err(|_| {
                DispatchError::Transport(TransportError::new(
                    TransportErrorKind::Other,
                    format!("invalid host {host:?}"),
                ))
            })?
        };
        parts.headers.insert(http::header::HOST, host);
        for (name, value) in &target.headers {
            parts.headers.append(name.clone(), value.clone());
        }
        parts
            .headers
            .insert(http::header::USER_AGENT, self.user_agent.clone());
        // No `Content-Length` on a bodiless `GET`, `HEAD`, `DELETE` or `OPTIONS` (a REST
        // request with nothing bound to its body); a `POST` or `PUT` always says its length,
        // `0` included, as servers that answer 411 Length Required expect. A stream of unknown
        // length is sent chunked.
        let bodiless = matches!(
            parts.method,
            http::Method::GET | http::Method::HEAD | http::Method::DELETE | http::Method::OPTIONS
        );
        if let Some(len) = len
            && !(len == 0 && bodiless)
        {
            parts
                .headers
                .insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(len));
        }
        Ok(())
    }

    /// Signs the attempt, or sets its bearer token, as its scheme says; an input event stream
    /// (`sign_events`) is told the signature its messages chain from.
    pub(crate) async fn authorize<B>(
        &self,
        request: &mut http::Request<B>,
        auth: Option<Auth>,
        target: &Target,
        payload: Payload,
        sign_events: Option<&SignEvents>,
    ) -> Result<(), DispatchError> {
        match self.authorization(auth).await? {
            Authorization::SigV4(credentials) => {
                let params = SigningParams {
                    credentials: &credentials,
                    region: target.signing_region.as_deref().unwrap_or(&self.region),
                    service: target
                        .signing_name
                        .as_deref()
                        .unwrap_or(self.service.signing_name),
                    time: self.now(),
                };
                let signature = self
                    .signer
                    .sign_with(request, payload, &params)
                    .map_err(DispatchError::Signing)?;
                // An input event stream chains its messages' signatures from this one.
                if let Some(sign_events) = sign_events {
                    let skew = self.skew_millis.load(Ordering::Relaxed);
                    let clock = self.time_source.clone();
                    (sign_events.0)(EventSeed {
                        credentials: &credentials,
                        region: params.region,
                        service: params.service,
                        signature: &signature.signature,
                        now: Arc::new(move || shifted(local_time(clock.as_ref()), skew)),
                    });
                }
            }
            Authorization::Bearer(value) => {
                request
                    .headers_mut()
                    .insert(http::header::AUTHORIZATION, value);
            }
            Authorization::None => {}
        }
        Ok(())
    }

    /// Whether to make another attempt after `answer` (status, headers and body, or no
    /// response), waiting the backoff first when it is a retry; on success, returns the retry
    /// tokens the call took.
    pub(crate) async fn again(
        &self,
        answer: Result<(http::StatusCode, &http::HeaderMap, &[u8]), &TransportError>,
        retryable_codes: &[&str],
        attempts: &mut Attempts,
    ) -> bool {
        let may_retry = attempts.replayable && attempts.attempt < self.retry.max_attempts();
        let retry = match answer {
            Ok((status, _, _)) if status.is_success() => {
                self.bucket.success(attempts.taken);
                return false;
            }
            Ok((status, headers, body)) => {
                let error = parse_error(status.as_u16(), headers, body);
                // The signature's time was off: keep the service's clock for this client and,
                // once per call, sign again at once (an attempt, without backoff or cost).
                if let Some(skew) = clock_skew(&error, headers, self.clock()) {
                    self.skew_millis.store(skew, Ordering::Relaxed);
                    if !attempts.skew_corrected && may_retry {
                        attempts.skew_corrected = true;
                        attempts.attempt += 1;
                        return true;
                    }
                }
                classify_response(error.status, error.code.as_deref(), retryable_codes)
            }
            Err(e) if e.is_timeout() => Some(RetryKind::Timeout),
            Err(e) if e.is_retryable() => Some(RetryKind::Transient),
            Err(_) => None,
        };
        if let Some(kind) = retry.filter(|_| may_retry)
            && let Some(cost) = self.bucket.acquire(kind)
        {
            attempts.taken += cost;
            tokio::time::sleep(self.retry.backoff(attempts.attempt)).await;
            attempts.attempt += 1;
            return true;
        }
        false
    }

    /// `send`, held to the read timeout.
    pub(crate) async fn timed<T>(
        &self,
        send: impl std::future::Future<Output = Result<T, TransportError>>,
    ) -> Result<T, TransportError> {
        match self.read_timeout {
            None => send.await,
            Some(limit) => match tokio::time::timeout(limit, send).await {
                Ok(result) => result,
                Err(_) => Err(TransportError::new(
                    TransportErrorKind::ReadTimeout,
                    format!("no complete response within the read timeout of {limit:?}"),
                )),
            },
        }
    }

    /// The endpoint a call goes to: the operation's own, else the client's.
    pub(crate) fn target<'a>(&'a self, own: &'a Option<Target>) -> &'a Target {
        own.as_ref().unwrap_or(&self.target)
    }

    /// The transport.
    pub(crate) fn http(&self) -> &dyn HttpClient {
        &*self.http
    }

    /// The most a response body is read into memory.
    pub(crate) fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }

    async fn send_once(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let response = self.timed(self.http.send(request)).await?;
        // The built-in client stops reading at the limit; a custom one is held to it here.
        if response.body().len() > self.max_response_bytes {
            return Err(super::transport::too_long(self.max_response_bytes));
        }
        Ok(response)
    }
}

/// Where a call is in its attempts.
pub(crate) struct Attempts {
    attempt: u32,
    /// Retry tokens taken so far, returned on success.
    taken: u32,
    skew_corrected: bool,
    /// The request body can be sent again.
    replayable: bool,
}

impl Attempts {
    pub(crate) fn new(replayable: bool) -> Self {
        Attempts {
            attempt: 1,
            taken: 0,
            skew_corrected: false,
            replayable,
        }
    }
}

/// How far the service's clock is from ours (milliseconds, from its `Date` header), when the
/// error says the request's time was off: `RequestTimeTooSkewed` (and its kin), an
/// `InvalidSignatureException` about an expired or not yet current signature, or a
/// `SignatureDoesNotMatch` / `AuthFailure` while the two clocks are four minutes or more apart.
fn clock_skew(error: &ErrorResponse, headers: &http::HeaderMap, local: SystemTime) -> Option<i64> {
    let code = error.code.as_deref()?;
    let message = error.message.as_deref().unwrap_or_default();
    let server = headers
        .get(http::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(DateTime::parse_http_date)?;
    let local = DateTime::from(local);
    let skew = server
        .secs()
        .saturating_sub(local.secs())
        .saturating_mul(1000)
        .saturating_add(
            (i64::from(server.subsec_nanos()) - i64::from(local.subsec_nanos())) / 1_000_000,
        );
    let far = skew.unsigned_abs() >= 4 * 60 * 1000;
    let skewed = match code {
        "RequestTimeTooSkewed" | "RequestExpired" | "RequestInTheFuture" => skew != 0,
        "InvalidSignatureException" => {
            skew != 0
                && (message.contains("Signature expired")
                    || message.contains("Signature not yet current"))
        }
        "SignatureDoesNotMatch" | "AuthFailure" => far,
        _ => false,
    };
    skewed.then_some(skew)
}

/// The endpoint's scheme and authority (with the operation's host prefix, if any), its path as
/// a prefix of the request's path.
fn resolve(
    target: &Target,
    uri: &http::Uri,
    host_prefix: Option<&str>,
) -> Result<http::Uri, DispatchError> {
    if host_prefix.is_none() && uri.path_and_query().is_none_or(|p| p.as_str() == "/") {
        return Ok(target.root.clone());
    }
    let base_path = target.endpoint.path().trim_end_matches('/');
    let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut parts = target.endpoint.clone().into_parts();
    if let (Some(prefix), Some(authority)) = (host_prefix, &parts.authority) {
        if !valid_host_prefix(prefix) {
            return Err(DispatchError::Transport(TransportError::new(
                TransportErrorKind::Other,
                format!(
                    "invalid host prefix {prefix:?}: host labels must be letters, digits and hyphens"
                ),
            )));
        }
        let prefixed = format!("{prefix}{authority}").parse().map_err(|e| {
            DispatchError::Transport(TransportError::new(
                TransportErrorKind::Other,
                format!("invalid host: {e}"),
            ))
        })?;
        parts.authority = Some(prefixed);
    }
    parts.path_and_query = Some(
        format!("{base_path}{path_and_query}")
            .parse()
            .map_err(|e| {
                DispatchError::Transport(TransportError::new(
                    TransportErrorKind::Other,
                    format!("invalid request path: {e}"),
                ))
            })?,
    );
    http::Uri::from_parts(parts).map_err(|e| {
        DispatchError::Transport(TransportError::new(
            TransportErrorKind::Other,
            format!("invalid request URI: {e}"),
        ))
    })
}

/// `foo.bar.`: dot-terminated labels of 1 to 63 letters, digits and hyphens, not starting with
/// a hyphen.
fn valid_host_prefix(prefix: &str) -> bool {
    let Some(labels) = prefix.strip_suffix('.') else {
        return false;
    };
    labels.split('.').all(|label| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

fn strip_default_port(authority: &str, scheme: Option<&str>) -> String {
    match (scheme, authority.rsplit_once(':')) {
        (Some("https"), Some((host, "443"))) | (Some("http"), Some((host, "80"))) => {
            host.to_string()
        }
        _ => authority.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::credentials::Credentials;
    use crate::runtime::transport::InMemory;
    use std::sync::Mutex;

    const SERVICE: ServiceInfo = ServiceInfo {
        signing_name: "svc",
        endpoint_prefix: "svc",
        user_agent: "svc/1.0",
        resolve_endpoint: None,
        credentials_required: true,
    };

    fn handle(config: crate::runtime::config::ConfigBuilder) -> Handle {
        Handle::new(SERVICE, config.build()).expect("valid config")
    }

    fn base() -> crate::runtime::config::ConfigBuilder {
        Config::builder()
            .region("eu-west-1")
            .credentials(Credentials::new("AKID", "SECRET", None))
            .retry_config(RetryConfig::default().with_initial_backoff(Duration::from_millis(1)))
    }

    type Log = Arc<Mutex<Vec<http::Request<Vec<u8>>>>>;

    fn scripted(statuses: &'static [(u16, &'static str)]) -> (InMemory, Log) {
        replying(statuses, None)
    }

    /// Answers each request with the next `(status, body)` (the last one repeats), with a
    /// `Date` header when one is given; records the requests.
    fn replying(replies: &'static [(u16, &'static str)], date: Option<String>) -> (InMemory, Log) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let client = InMemory::new(move |request| {
            let mut log = log.lock().expect("lock");
            let (status, body) = replies[log.len().min(replies.len() - 1)];
            log.push(request);
            let mut response = http::Response::new(body.as_bytes().to_vec());
            *response.status_mut() = http::StatusCode::from_u16(status).expect("status");
            if let Some(date) = &date {
                response
                    .headers_mut()
                    .insert(http::header::DATE, date.parse().expect("date"));
            }
            Ok(response)
        });
        (client, seen)
    }

    #[test]
    fn missing_region_or_credentials_is_a_clear_error() {
        let err = Handle::new(
            SERVICE,
            Config::builder()
                .credentials(Credentials::new("a", "b", None))
                .build(),
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("no region configured"), "{err}");
        let err = Handle::new(SERVICE, Config::builder().region("r").build()).unwrap_err();
        assert!(
            err.to_string().starts_with("no credentials configured"),
            "{err}"
        );
    }

    #[cfg(not(feature = "default-https-client"))]
    #[test]
    fn without_the_built_in_transport_a_client_needs_one() {
        let config = || {
            Config::builder()
                .region("us-east-1")
                .credentials(Credentials::new("a", "b", None))
        };
        let err = Handle::new(SERVICE, config().build()).unwrap_err();
        assert!(
            err.to_string().starts_with("no HTTP client configured")
                && err.to_string().contains("http_client"),
            "{err}"
        );
        let (client, _) = scripted(&[(200, "{}")]);
        assert!(Handle::new(SERVICE, config().http_client(client).build()).is_ok());
    }

    /// Sends one request marked with `auth` through a client built from `config`; the request
    /// as sent, or the error.
    async fn sent_with(
        config: crate::runtime::config::ConfigBuilder,
        auth: Option<Auth>,
    ) -> Result<http::Request<Vec<u8>>, DispatchError> {
        let (client, seen) = scripted(&[(200, "{}")]);
        let service = ServiceInfo {
            credentials_required: false,
            ..SERVICE
        };
        let h = Handle::new(service, config.http_client(client).build()).expect("valid config");
        let mut request = http::Request::new(b"{}".to_vec());
        if let Some(auth) = auth {
            request.extensions_mut().insert(auth);
        }
        h.invoke(request, &[], None, None).await?;
        let request = seen
            .lock()
            .expect("lock")
            .pop()
            .expect("a request was sent");
        Ok(request)
    }

    fn authorization(request: &http::Request<Vec<u8>>) -> Option<&str> {
        request
            .headers()
            .get(http::header::AUTHORIZATION)
            .map(|v| v.to_str().expect("ascii"))
    }

    #[tokio::test]
    async fn a_client_that_does_not_sign_needs_no_credentials_and_sends_none() {
        let unsigned = || Config::builder().region("eu-west-1").sign_requests(false);
        // Built without credentials although every operation is SigV4.
        let (client, _) = scripted(&[(200, "{}")]);
        assert!(Handle::new(SERVICE, unsigned().http_client(client).build()).is_ok());
        for auth in [None, Some(Auth::SigV4OrBearer), Some(Auth::Optional)] {
            let sent = sent_with(unsigned(), auth).await.unwrap();
            assert_eq!(authorization(&sent), None, "{auth:?}");
            assert!(sent.headers().get("x-amz-date").is_none(), "{auth:?}");
            // Credentials configured are not used either.
            let sent = sent_with(
                unsigned().credentials(Credentials::new("a", "b", None)),
                auth,
            )
            .await
            .unwrap();
            assert_eq!(authorization(&sent), None, "{auth:?}");
        }
    }

    #[tokio::test]
    async fn each_auth_scheme_authorizes_as_the_model_says() {
        let anonymous = || Config::builder().region("eu-west-1");
        // `@auth([])`: unsigned, no credentials needed.
        let sent = sent_with(anonymous(), Some(Auth::Anonymous)).await.unwrap();
        assert_eq!(authorization(&sent), None);
        let sent = sent_with(base(), Some(Auth::Anonymous)).await.unwrap();
        assert_eq!(authorization(&sent), None, "even with credentials");
        // `@optionalAuth`: signed when credentials resolve, else unsigned.
        let sent = sent_with(anonymous(), Some(Auth::Optional)).await.unwrap();
        assert_eq!(authorization(&sent), None);
        let sent = sent_with(base(), Some(Auth::Optional)).await.unwrap();
        assert!(
            authorization(&sent)
                .unwrap()
                .starts_with("AWS4-HMAC-SHA256 ")
        );
        // SigV4 without credentials: an error naming the fix, nothing sent.
        let error = sent_with(anonymous(), None).await.unwrap_err();
        assert!(
            format!("{error:?}").contains("no credentials configured"),
            "{error:?}"
        );
        // Bearer where the model allows it and a token is configured; SigV4 otherwise.
        let sent = sent_with(base().bearer_token("tok"), Some(Auth::SigV4OrBearer))
            .await
            .unwrap();
        assert_eq!(authorization(&sent), Some("Bearer tok"));
        assert!(sent.headers()[http::header::AUTHORIZATION].is_sensitive());
        let sent = sent_with(base(), Some(Auth::SigV4OrBearer)).await.unwrap();
        assert!(
            authorization(&sent)
                .unwrap()
                .starts_with("AWS4-HMAC-SHA256 ")
        );
        let sent = sent_with(anonymous().bearer_token("tok"), Some(Auth::Bearer))
            .await
            .unwrap();
        assert_eq!(authorization(&sent), Some("Bearer tok"));
        let error = sent_with(base(), Some(Auth::Bearer)).await.unwrap_err();
        assert!(format!("{error:?}").contains("bearer token"), "{error:?}");
        // A token that cannot be a header value is refused when the client is built.
        let config = base().bearer_token("a\nb").build();
        assert!(Handle::new(SERVICE, config).is_err());
    }

    #[tokio::test]
    async fn content_length_is_sent_unless_a_bodiless_method_has_no_body() {
        let (client, seen) = scripted(&[(200, "{}")]);
        let h = handle(base().http_client(client));
        for (method, body) in [
            (http::Method::GET, ""),
            (http::Method::DELETE, ""),
            (http::Method::POST, ""),
            (http::Method::PUT, "x"),
        ] {
            let mut request = http::Request::new(body.as_bytes().to_vec());
            *request.method_mut() = method;
            h.invoke(request, &[], None, None).await.unwrap();
        }
        let lengths: Vec<Option<String>> = (seen.lock().unwrap().iter())
            .map(|r| {
                r.headers()
                    .get("content-length")
                    .map(|v| v.to_str().unwrap().to_string())
            })
            .collect();
        let expected = [None, None, Some("0".to_string()), Some("1".to_string())];
        assert_eq!(lengths, expected);
    }

    #[test]
    fn a_region_that_is_not_a_host_label_never_reaches_the_endpoint() {
        // `evil.example/` would make `https://svc.evil.example/.amazonaws.com`.
        let err = Handle::new(
            SERVICE,
            Config::builder()
                .region("evil.example/")
                .credentials(Credentials::new("a", "b", None))
                .build(),
        )
        .map(|_| ())
        .unwrap_err();
        assert!(
            err.to_string().contains("\"evil.example/\" is not valid"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_response_over_the_configured_limit_is_an_error_and_not_retried() {
        const BIG: &str = concat!(
            "0123456789012345678901234567890123456789012345678901234567890123",
            "0123456789012345678901234567890123456789012345678901234567890123"
        );
        let (client, seen) = scripted(&[(200, BIG)]);
        let h = handle(base().http_client(client).max_response_bytes(100));
        let e = h
            .invoke(http::Request::new(Vec::new()), &[], None, None)
            .await
            .unwrap_err();
        assert!(
            format!("{e:?}").contains("longer than the 100-byte limit"),
            "{e:?}"
        );
        assert_eq!(seen.lock().expect("lock").len(), 1, "not retried");
    }

    #[tokio::test]
    async fn regional_endpoint_headers_and_signature() {
        let (client, seen) = scripted(&[(200, "{}")]);
        let h = handle(base().http_client(client).app_name("demo"));
        h.invoke(http::Request::new(b"{}".to_vec()), &[], None, None)
            .await
            .expect("ok");
        let seen = seen.lock().expect("lock");
        let request = &seen[0];
        assert_eq!(request.uri(), "https://svc.eu-west-1.amazonaws.com/");
        assert_eq!(request.headers()["host"], "svc.eu-west-1.amazonaws.com");
        assert_eq!(
            request.headers()["user-agent"],
            "svc/1.0 lang/rust app/demo"
        );
        assert_eq!(request.headers()["content-length"], "2");
        let auth = request.headers()["authorization"].to_str().expect("ascii");
        assert!(auth.contains("/eu-west-1/svc/aws4_request"), "{auth}");
    }

    #[tokio::test]
    async fn endpoint_override_keeps_port_and_path_prefix() {
        let (client, seen) = scripted(&[(200, "{}")]);
        let h = handle(
            base()
                .http_client(client)
                .endpoint_url("http://127.0.0.1:8080/base/"),
        );
        h.invoke(http::Request::new(Vec::new()), &[], None, None)
            .await
            .expect("ok");
        let seen = seen.lock().expect("lock");
        assert_eq!(seen[0].uri(), "http://127.0.0.1:8080/base/");
        assert_eq!(seen[0].headers()["host"], "127.0.0.1:8080");
    }

    /// A rule set stand-in: FIPS is an error, otherwise an endpoint with a header and a sigv4
    /// auth scheme that overrides the signing name and region; `sigv4a` for region `x-a-1`.
    fn rules(config: &EndpointConfig) -> Result<Endpoint, ResolveError> {
        if config.use_fips {
            return Err(ResolveError::new("FIPS is not supported here"));
        }
        let scheme = |name: &str| {
            Document::Object(std::collections::BTreeMap::from([
                ("name".to_string(), Document::from(name)),
                ("signingName".to_string(), Document::from("other")),
                ("signingRegion".to_string(), Document::from("us-west-2")),
            ]))
        };
        let region = config.region.as_deref().unwrap_or_default();
        let name = if region == "x-a-1" { "sigv4a" } else { "sigv4" };
        Ok(Endpoint {
            url: format!("https://svc.{region}.example.com"),
            headers: std::collections::BTreeMap::from([(
                "x-extra".to_string(),
                vec!["1".to_string()],
            )]),
            properties: std::collections::BTreeMap::from([(
                "authSchemes".to_string(),
                Document::Array(vec![scheme(name)]),
            )]),
        })
    }

    const RULES: ServiceInfo = ServiceInfo {
        resolve_endpoint: Some(rules),
        ..SERVICE
    };

    #[tokio::test]
    async fn resolved_endpoints_bring_headers_and_signing_overrides() {
        let (client, seen) = scripted(&[(200, "{}")]);
        let h = Handle::new(RULES, base().http_client(client).build()).expect("valid");
        h.invoke(http::Request::new(Vec::new()), &[], None, None)
            .await
            .expect("ok");
        let seen = seen.lock().expect("lock");
        assert_eq!(seen[0].uri(), "https://svc.eu-west-1.example.com/");
        assert_eq!(seen[0].headers()["x-extra"], "1");
        let auth = seen[0].headers()["authorization"].to_str().expect("ascii");
        assert!(auth.contains("/us-west-2/other/aws4_request"), "{auth}");
    }

    #[test]
    fn resolver_errors_and_unsupported_auth_schemes_fail_the_client() {
        let err = Handle::new(RULES, base().use_fips(true).build()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "endpoint resolution failed: FIPS is not supported here"
        );
        let err = Handle::new(RULES, base().region("x-a-1").build()).unwrap_err();
        assert!(err.to_string().contains("sigv4a"), "{err}");
    }

    #[test]
    fn constant_operation_endpoints_are_resolved_once_per_client() {
        let (client, _) = scripted(&[]);
        let h = Handle::new(RULES, base().http_client(client).build()).expect("valid");
        let calls = std::sync::atomic::AtomicUsize::new(0);
        for _ in 0..3 {
            let endpoint = h.cached_endpoint("Op", |config| {
                calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Ok(Endpoint::new(format!(
                    "https://op.{}.example",
                    config.region.as_deref().unwrap_or_default()
                )))
            });
            assert_eq!(
                endpoint.expect("its own endpoint").expect("ok").url,
                "https://op.eu-west-1.example"
            );
        }
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 1);
        // Resolving to the client's endpoint is remembered as "the client's".
        let same = h.endpoint.clone();
        assert_eq!(h.cached_endpoint("Same", |_| Ok(same)), None);
    }

    #[tokio::test]
    async fn an_operation_can_bring_its_own_endpoint() {
        let (client, seen) = scripted(&[(200, "{}")]);
        let h = Handle::new(RULES, base().http_client(client).build()).expect("valid");
        let own = Ok(Endpoint::new("https://own.example.com/p"));
        h.invoke(http::Request::new(Vec::new()), &[], None, Some(own))
            .await
            .expect("ok");
        assert_eq!(
            seen.lock().expect("lock")[0].uri(),
            "https://own.example.com/p/"
        );
        let failed = Err(ResolveError::new("no endpoint for this input"));
        let Err(DispatchError::Transport(e)) = h
            .invoke(http::Request::new(Vec::new()), &[], None, Some(failed))
            .await
        else {
            panic!("expected a transport error");
        };
        assert!(e.to_string().contains("no endpoint for this input"), "{e}");
    }

    #[tokio::test]
    async fn retries_transient_errors_then_returns_the_success() {
        let (client, seen) = scripted(&[(503, ""), (500, "{}"), (200, "{}")]);
        let h = handle(base().http_client(client));
        let response = h
            .invoke(http::Request::new(Vec::new()), &[], None, None)
            .await
            .expect("ok");
        assert_eq!(response.status(), 200);
        assert_eq!(seen.lock().expect("lock").len(), 3);
    }

    #[tokio::test]
    async fn gives_up_after_max_attempts_with_the_last_response() {
        let (client, seen) = scripted(&[(400, r#"{"__type":"ThrottlingException"}"#)]);
        let h = handle(
            base().http_client(client).retry_config(
                RetryConfig::default()
                    .with_max_attempts(4)
                    .with_initial_backoff(Duration::from_millis(1)),
            ),
        );
        let response = h
            .invoke(http::Request::new(Vec::new()), &[], None, None)
            .await
            .expect("a response");
        assert_eq!(response.status(), 400);
        assert_eq!(seen.lock().expect("lock").len(), 4);
    }

    #[tokio::test]
    async fn client_errors_and_unmodeled_codes_are_not_retried_but_modeled_retryable_ones_are() {
        let (client, seen) = scripted(&[(400, r#"{"__type":"InvalidParameterException"}"#)]);
        let h = handle(base().http_client(client));
        h.invoke(http::Request::new(Vec::new()), &[], None, None)
            .await
            .expect("a response");
        assert_eq!(seen.lock().expect("lock").len(), 1);
        let (client, seen) = scripted(&[(400, r#"{"__type":"Busy"}"#), (200, "{}")]);
        let h = handle(base().http_client(client));
        h.invoke(http::Request::new(Vec::new()), &["Busy"], None, None)
            .await
            .expect("a response");
        assert_eq!(seen.lock().expect("lock").len(), 2);
    }

    #[tokio::test]
    async fn host_prefixes_are_prepended_and_checked() {
        let (client, seen) = scripted(&[(200, "{}")]);
        let h = handle(
            base()
                .http_client(client)
                .endpoint_url("https://example.com"),
        );
        let mut request = http::Request::new(Vec::new());
        request
            .extensions_mut()
            .insert(HostPrefix("foo.bar.".into()));
        h.invoke(request, &[], None, None).await.expect("ok");
        assert_eq!(
            seen.lock().expect("lock")[0].uri(),
            "https://foo.bar.example.com/"
        );
        let mut bad = http::Request::new(Vec::new());
        bad.extensions_mut().insert(HostPrefix("foo.-bad.".into()));
        assert!(matches!(
            h.invoke(bad, &[], None, None).await,
            Err(DispatchError::Transport(_))
        ));
    }

    #[tokio::test]
    async fn host_prefixes_can_be_disabled_for_one_host_endpoints() {
        let (client, seen) = scripted(&[(200, "{}")]);
        let h = handle(
            base()
                .http_client(client)
                .endpoint_url("http://127.0.0.1:8080")
                .disable_host_prefix(true),
        );
        let mut request = http::Request::new(Vec::new());
        request
            .extensions_mut()
            .insert(HostPrefix("streaming-".into()));
        h.invoke(request, &[], None, None).await.expect("ok");
        let seen = seen.lock().expect("lock");
        assert_eq!(seen[0].uri(), "http://127.0.0.1:8080/");
        assert_eq!(seen[0].headers()["host"], "127.0.0.1:8080");
    }

    #[tokio::test]
    async fn large_bodies_are_compressed_before_signing() {
        fn tag(body: &[u8]) -> Vec<u8> {
            [b"z:".as_slice(), body].concat()
        }
        let (client, seen) = scripted(&[(200, "{}")]);
        let h = handle(
            base()
                .http_client(client)
                .request_min_compression_size_bytes(4),
        );
        h.invoke(http::Request::new(b"12345".to_vec()), &[], Some(tag), None)
            .await
            .expect("ok");
        h.invoke(http::Request::new(b"123".to_vec()), &[], Some(tag), None)
            .await
            .expect("ok");
        let seen = seen.lock().expect("lock");
        assert_eq!(seen[0].body(), b"z:12345");
        assert_eq!(seen[0].headers()["content-encoding"], "gzip");
        assert_eq!(seen[0].headers()["content-length"], "7");
        assert_eq!(seen[1].body(), b"123", "below the minimum size");
        assert!(!seen[1].headers().contains_key("content-encoding"));
    }

    #[tokio::test]
    async fn every_attempt_is_signed_afresh() {
        let (client, seen) = scripted(&[(500, ""), (200, "{}")]);
        let clock = Arc::new(Mutex::new(
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_323_045),
        ));
        let ticking = clock.clone();
        let h = handle(base().http_client(client).time_source(move || {
            let mut now = ticking.lock().expect("lock");
            *now += Duration::from_secs(1);
            *now
        }));
        h.invoke(http::Request::new(b"{}".to_vec()), &[], None, None)
            .await
            .expect("ok");
        let seen = seen.lock().expect("lock");
        assert_eq!(seen[0].body(), seen[1].body());
        assert_ne!(
            seen[0].headers()["x-amz-date"],
            seen[1].headers()["x-amz-date"]
        );
        assert_ne!(
            seen[0].headers()["authorization"],
            seen[1].headers()["authorization"]
        );
    }

    /// Answers each request with the next `(status, body)`, every response dated `server`.
    fn dated(replies: &'static [(u16, &'static str)], server: SystemTime) -> (InMemory, Log) {
        replying(replies, Some(DateTime::from(server).to_http_date()))
    }

    fn signed_at(request: &http::Request<Vec<u8>>) -> String {
        request.headers()["x-amz-date"]
            .to_str()
            .expect("ascii")
            .to_string()
    }

    /// `20260102T030405Z`
    fn amz(time: SystemTime) -> String {
        DateTime::from(time).to_date_time().replace(['-', ':'], "")
    }

    const LOCAL: Duration = Duration::from_secs(1_767_323_045);

    #[tokio::test]
    async fn a_clock_skew_error_is_retried_once_signed_with_the_services_time() {
        let local = SystemTime::UNIX_EPOCH + LOCAL;
        let server = local + Duration::from_secs(3600);
        let (client, seen) = dated(
            &[
                (
                    400,
                    r#"{"__type":"InvalidSignatureException","message":"Signature expired: 20260102T030405Z is now earlier than 20260102T040405Z (20260102T041405Z - 5 min.)"}"#,
                ),
                (200, "{}"),
            ],
            server,
        );
        let h = handle(base().http_client(client).time_source(move || local));
        h.invoke(http::Request::new(b"{}".to_vec()), &[], None, None)
            .await
            .expect("the re-signed request succeeds");
        {
            let seen = seen.lock().expect("lock");
            assert_eq!(seen.len(), 2);
            assert_eq!(signed_at(&seen[0]), amz(local));
            assert_eq!(signed_at(&seen[1]), amz(server));
        }
        // The correction stays for the client's later calls.
        h.invoke(http::Request::new(b"{}".to_vec()), &[], None, None)
            .await
            .expect("ok");
        assert_eq!(signed_at(&seen.lock().expect("lock")[2]), amz(server));
    }

    #[tokio::test]
    async fn without_retries_the_skew_is_kept_for_the_next_call() {
        let local = SystemTime::UNIX_EPOCH + LOCAL;
        let server = local - Duration::from_secs(600);
        let (client, seen) = dated(
            &[
                (
                    403,
                    r#"{"__type":"RequestTimeTooSkewed","message":"skewed"}"#,
                ),
                (200, "{}"),
            ],
            server,
        );
        let h = handle(
            base()
                .http_client(client)
                .retry_config(RetryConfig::disabled())
                .time_source(move || local),
        );
        let status = h
            .invoke(http::Request::new(Vec::new()), &[], None, None)
            .await
            .expect("an error response")
            .status();
        assert!(status.is_client_error(), "{status}");
        h.invoke(http::Request::new(Vec::new()), &[], None, None)
            .await
            .expect("signed with the service's time");
        let seen = seen.lock().expect("lock");
        assert_eq!(
            (signed_at(&seen[0]), signed_at(&seen[1])),
            (amz(local), amz(server))
        );
    }

    #[tokio::test]
    async fn skew_is_corrected_once_and_only_for_skew_errors() {
        let local = SystemTime::UNIX_EPOCH + LOCAL;
        // Still skewed after the correction: one re-signed attempt, then the error.
        let (client, seen) = dated(
            &[(
                400,
                r#"{"__type":"RequestTimeTooSkewed","message":"skewed"}"#,
            )],
            local + Duration::from_secs(900),
        );
        let h = handle(base().http_client(client).time_source(move || local));
        let status = h
            .invoke(http::Request::new(Vec::new()), &[], None, None)
            .await
            .expect("an error response")
            .status();
        assert!(status.is_client_error(), "{status}");
        assert_eq!(seen.lock().expect("lock").len(), 2);
        // A signature mismatch with the clocks in step is a real mismatch: not retried.
        let (client, seen) = dated(
            &[(403, r#"{"__type":"SignatureDoesNotMatch","message":"no"}"#)],
            local + Duration::from_secs(30),
        );
        let h = handle(base().http_client(client).time_source(move || local));
        let status = h
            .invoke(http::Request::new(Vec::new()), &[], None, None)
            .await
            .expect("an error response")
            .status();
        assert!(status.is_client_error(), "{status}");
        assert_eq!(seen.lock().expect("lock").len(), 1);
    }

    #[tokio::test]
    async fn request_timeouts_are_transient() {
        for code in ["RequestTimeout", "RequestTimeoutException"] {
            let body: &'static str =
                Box::leak(format!(r#"{{"__type":"{code}"}}"#).into_boxed_str());
            let replies: &'static [(u16, &'static str)] =
                Box::leak(vec![(400, body), (200, "{}")].into_boxed_slice());
            let (client, seen) = scripted(replies);
            let h = handle(base().http_client(client));
            h.invoke(http::Request::new(Vec::new()), &[], None, None)
                .await
                .expect("retried");
            assert_eq!(seen.lock().expect("lock").len(), 2, "{code}");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// One scripted answer: an HTTP status, or a transport failure (`None`).
        fn answer() -> impl Strategy<Value = Option<u16>> {
            prop_oneof![
                Just(None),
                Just(Some(200)),
                Just(Some(400)),
                Just(Some(429)),
                Just(Some(500)),
                Just(Some(503)),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]

            /// Whatever the service and the network do, a call makes at most `max_attempts`
            /// attempts, each with the same body, and the retry budget stays within its bounds.
            #[test]
            fn retries_are_bounded_and_resend_the_same_request(
                script in prop::collection::vec(answer(), 1..8),
                max_attempts in 1u32..5,
                calls in 1usize..4,
                body in prop::collection::vec(any::<u8>(), 0..64),
            ) {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .start_paused(true)
                    .build()
                    .expect("runtime");
                let seen: Log = Arc::new(Mutex::new(Vec::new()));
                let log = seen.clone();
                let replies = script.clone();
                let client = InMemory::new(move |request| {
                    let mut log = log.lock().expect("lock");
                    let answer = replies[log.len() % replies.len()];
                    log.push(request);
                    match answer {
                        None => Err(TransportError::new(TransportErrorKind::Io, "reset")),
                        Some(status) => {
                            let mut response = http::Response::new(b"{}".to_vec());
                            *response.status_mut() =
                                http::StatusCode::from_u16(status).expect("status");
                            Ok(response)
                        }
                    }
                });
                let h = handle(
                    base()
                        .http_client(client)
                        .retry_config(RetryConfig::default().with_max_attempts(max_attempts)),
                );
                for _ in 0..calls {
                    let before = seen.lock().expect("lock").len();
                    let _ = runtime.block_on(h.invoke(
                        http::Request::new(body.clone()),
                        &[],
                        None,
                        None,
                    ));
                    let seen = seen.lock().expect("lock");
                    let attempts = &seen[before..];
                    prop_assert!(!attempts.is_empty());
                    prop_assert!(attempts.len() <= max_attempts as usize);
                    prop_assert!(attempts.iter().all(|r| r.body() == &body));
                    prop_assert!(h.bucket.available() <= 500);
                }
            }
        }
    }
}
