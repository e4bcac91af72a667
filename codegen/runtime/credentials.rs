//! AWS credentials and where they come from: a small async provider trait, the default chain
//! (environment, shared profile files with `credential_process`, ECS container endpoint, EC2
//! instance metadata with IMDSv2) and a cache that refreshes expiring credentials before they
//! expire. The secret key and session token never appear in `Debug` output or error messages.
//! A source the chain does not implement (role assumption, SSO, web identity) is an error that
//! says so, never a silent fall-through to the container or instance credentials.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::datetime::DateTime;
use super::profile::{Env, load_profile};
#[cfg(feature = "default-https-client")]
use super::transport::HyperClient;
use super::transport::{BoxFuture, HttpClient};

/// An access key pair, with a session token for temporary credentials. Cloning is cheap (the
/// strings are shared), since every request takes a copy.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: Arc<str>,
    secret_access_key: Arc<str>,
    session_token: Option<Arc<str>>,
    expires: Option<SystemTime>,
}

impl Credentials {
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        Credentials {
            access_key_id: Arc::from(access_key_id.into()),
            secret_access_key: Arc::from(secret_access_key.into()),
            session_token: session_token.map(Arc::from),
            expires: None,
        }
    }

    /// The same credentials, valid until `expires`.
    pub fn with_expiry(mut self, expires: SystemTime) -> Self {
        self.expires = Some(expires);
        self
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When temporary credentials stop working; `None` for long-term keys.
    pub fn expires(&self) -> Option<SystemTime> {
        self.expires
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expires", &self.expires)
            .finish()
    }
}

/// Something that can produce credentials, possibly by asking a remote endpoint.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;
}

/// Fixed credentials are their own provider.
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}

/// No credentials could be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    message: String,
}

impl CredentialsError {
    pub fn new(message: impl Into<String>) -> Self {
        CredentialsError {
            message: message.into(),
        }
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CredentialsError {}

/// The largest answer read from a credentials or metadata endpoint (or a credential process).
const CREDENTIALS_MAX_BYTES: usize = 64 << 10;

/// The default chain's HTTP client in a crate built without its built-in one: container and
/// instance-metadata credentials fail, saying why.
#[cfg(not(feature = "default-https-client"))]
#[derive(Debug)]
struct NoHttpClient;

#[cfg(not(feature = "default-https-client"))]
impl HttpClient for NoHttpClient {
    fn send(
        &self,
        _request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, super::transport::TransportError>> {
        Box::pin(std::future::ready(Err(
            super::transport::TransportError::new(
                super::transport::TransportErrorKind::Other,
                "this crate was built without its `default-https-client` feature: give the credentials chain an HTTP client with DefaultCredentialsChain::with_http_client",
            ),
        )))
    }
}

/// What one link of the chain found.
enum Found {
    Credentials(Credentials),
    /// Not configured here; the reason says what was looked at.
    Nothing(String),
}

/// The default chain: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`; the
/// shared credentials and config files (`AWS_PROFILE`, `AWS_SHARED_CREDENTIALS_FILE`,
/// `AWS_CONFIG_FILE`); the ECS container endpoint
/// (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`/`_FULL_URI`); EC2 instance metadata (IMDSv2; off
/// when `AWS_EC2_METADATA_DISABLED=true`, endpoint from `AWS_EC2_METADATA_SERVICE_ENDPOINT`).
/// The first source that is configured decides: its failure is the chain's failure.
#[derive(Debug, Clone)]
pub struct DefaultCredentialsChain {
    env: Env,
    http: Arc<dyn HttpClient>,
}

impl DefaultCredentialsChain {
    /// The chain over `env`, fetching container and instance credentials with the built-in
    /// HTTP client. In a crate built without its `default-https-client` feature those two
    /// sources fail with an error saying so (the environment and the profiles still work);
    /// [`DefaultCredentialsChain::with_http_client`] gives them an HTTP client.
    pub fn new(env: Env) -> Result<Self, CredentialsError> {
        #[cfg(feature = "default-https-client")]
        let http: Arc<dyn HttpClient> = {
            // Credential and metadata answers are a few hundred bytes.
            let http = HyperClient::new(Some(Duration::from_secs(1)))
                .map_err(|e| {
                    CredentialsError::new(format!(
                        "cannot create the HTTP client for credentials: {e}"
                    ))
                })?
                .with_max_response_bytes(CREDENTIALS_MAX_BYTES);
            Arc::new(http)
        };
        #[cfg(not(feature = "default-https-client"))]
        let http: Arc<dyn HttpClient> = Arc::new(NoHttpClient);
        Ok(Self::with_http_client(env, http))
    }

    /// The chain, fetching container and instance credentials with `http`.
    pub fn with_http_client(env: Env, http: Arc<dyn HttpClient>) -> Self {
        DefaultCredentialsChain { env, http }
    }

    async fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let mut looked = Vec::new();
        for source in [
            Source::Environment,
            Source::Profile,
            Source::WebIdentity,
            Source::Container,
            Source::InstanceMetadata,
        ] {
            match source.load(&self.env, self.http.as_ref()).await? {
                Found::Credentials(credentials) => return Ok(credentials),
                Found::Nothing(reason) => looked.push(reason),
            }
        }
        Err(CredentialsError::new(format!(
            "no AWS credentials found; looked at: {}",
            looked.join("; ")
        )))
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.resolve())
    }
}

#[derive(Clone, Copy)]
enum Source {
    Environment,
    Profile,
    WebIdentity,
    Container,
    InstanceMetadata,
}

impl Source {
    async fn load(self, env: &Env, http: &dyn HttpClient) -> Result<Found, CredentialsError> {
        match self {
            Source::Environment => from_environment(env),
            Source::Profile => from_profile(env).await,
            Source::WebIdentity => from_web_identity(env),
            Source::Container => from_container(env, http).await,
            Source::InstanceMetadata => from_instance_metadata(env, http).await,
        }
    }
}

fn from_environment(env: &Env) -> Result<Found, CredentialsError> {
    match (
        env.get("AWS_ACCESS_KEY_ID"),
        env.get("AWS_SECRET_ACCESS_KEY"),
    ) {
        (Some(id), Some(secret)) => Ok(Found::Credentials(Credentials::new(
            id,
            secret,
            env.get("AWS_SESSION_TOKEN"),
        ))),
        (Some(_), None) => Err(CredentialsError::new(
            "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
        )),
        (None, Some(_)) => Err(CredentialsError::new(
            "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
        )),
        (None, None) => Ok(Found::Nothing(
            "environment (AWS_ACCESS_KEY_ID not set)".into(),
        )),
    }
}

/// Where to turn for the credential sources this chain does not implement.
const AWS_CONFIG_HINT: &str = "enable this crate's `aws-credential-types` feature and pass aws-config's credentials provider (Config::builder().credentials_provider(AwsCredentialsProvider::new(..)))";

/// Profile settings of credential sources the chain does not implement, in the order the AWS
/// SDKs consult them (before any static keys of the same profile).
const UNSUPPORTED_PROFILE_KEYS: [&str; 6] = [
    "role_arn",
    "source_profile",
    "credential_source",
    "web_identity_token_file",
    "sso_session",
    "sso_start_url",
];

async fn from_profile(env: &Env) -> Result<Found, CredentialsError> {
    let (profile, looked) = load_profile(env);
    let name = env.profile_name();
    let Some(profile) = profile else {
        let places = if looked.is_empty() {
            "shared files (no home directory)".to_string()
        } else {
            looked.join(", ")
        };
        // A profile asked for by name must exist: falling through to other sources would
        // act as someone else.
        if env.get("AWS_PROFILE").is_some() {
            return Err(CredentialsError::new(format!(
                "profile `{name}` (from AWS_PROFILE or --profile) is not defined; looked at: {places}"
            )));
        }
        return Ok(Found::Nothing(places));
    };
    if let Some(key) = UNSUPPORTED_PROFILE_KEYS
        .iter()
        .find(|key| profile.contains_key(**key))
    {
        return Err(CredentialsError::new(format!(
            "profile `{name}` gets its credentials through `{key}`, which this client's credential chain does not support; {AWS_CONFIG_HINT}"
        )));
    }
    match (
        profile.get("aws_access_key_id"),
        profile.get("aws_secret_access_key"),
    ) {
        (Some(id), Some(secret)) => Ok(Found::Credentials(Credentials::new(
            id.clone(),
            secret.clone(),
            profile.get("aws_session_token").cloned(),
        ))),
        (Some(_), None) => Err(CredentialsError::new(format!(
            "profile `{name}` has aws_access_key_id but no aws_secret_access_key"
        ))),
        _ => match profile.get("credential_process") {
            Some(command) => credential_process(&name, command)
                .await
                .map(Found::Credentials),
            None => Ok(Found::Nothing(format!(
                "{} (no access key in profile `{name}`)",
                looked.join(", ")
            ))),
        },
    }
}

/// Web identity federation from the environment is not implemented: an error, not a silent
/// fall-through to the container or instance credentials.
fn from_web_identity(env: &Env) -> Result<Found, CredentialsError> {
    match (
        env.get("AWS_WEB_IDENTITY_TOKEN_FILE"),
        env.get("AWS_ROLE_ARN"),
    ) {
        (Some(_), Some(_)) => Err(CredentialsError::new(format!(
            "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN ask for web identity federation, which this client's credential chain does not support; {AWS_CONFIG_HINT}"
        ))),
        _ => Ok(Found::Nothing(
            "web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN not both set)".into(),
        )),
    }
}

/// Runs a profile's `credential_process` (through the shell, as the AWS SDKs do) and reads the
/// JSON it prints: `Version` 1, `AccessKeyId`, `SecretAccessKey`, optional `SessionToken` and
/// `Expiration` (RFC 3339, honoured by the cache). Its output never appears in errors.
async fn credential_process(profile: &str, command: &str) -> Result<Credentials, CredentialsError> {
    let what = format!("credential_process of profile `{profile}`");
    let command = command.to_string();
    let (status, stdout, stderr) = tokio::task::spawn_blocking(move || run_bounded(&command))
        .await
        .map_err(|e| CredentialsError::new(format!("{what}: {e}")))?
        .map_err(|e| CredentialsError::new(format!("{what} could not be started: {e}")))?;
    if !status.success() {
        let stderr = String::from_utf8_lossy(&stderr);
        let stderr: String = stderr.trim().chars().take(500).collect();
        return Err(CredentialsError::new(format!(
            "{what} failed ({status}): {stderr}"
        )));
    }
    if stdout.len() > CREDENTIALS_MAX_BYTES {
        return Err(CredentialsError::new(format!(
            "{what} printed more than {CREDENTIALS_MAX_BYTES} bytes"
        )));
    }
    parse_process_json(&stdout, &what)
}

/// Runs `command` through the shell; keeps at most one byte more than
/// [`CREDENTIALS_MAX_BYTES`] of its output and 4 KiB of its errors (the rest is read and
/// dropped, so the process never blocks on a full pipe and memory stays bounded).
fn run_bounded(command: &str) -> std::io::Result<(std::process::ExitStatus, Vec<u8>, Vec<u8>)> {
    use std::io::Read as _;
    use std::process::{Command, Stdio};
    let mut process = if cfg!(windows) {
        let mut process = Command::new("cmd");
        process.arg("/C").arg(command);
        process
    } else {
        let mut process = Command::new("sh");
        process.arg("-c").arg(command);
        process
    };
    let mut child = process
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    fn bounded(pipe: impl std::io::Read, limit: u64) -> std::io::Result<Vec<u8>> {
        let mut pipe = pipe;
        let mut kept = Vec::new();
        (&mut pipe).take(limit).read_to_end(&mut kept)?;
        std::io::copy(&mut pipe, &mut std::io::sink())?;
        Ok(kept)
    }
    let stderr = child
        .stderr
        .take()
        .map(|pipe| std::thread::spawn(move || bounded(pipe, 4096)));
    let stdout = match child.stdout.take() {
        Some(pipe) => bounded(pipe, CREDENTIALS_MAX_BYTES as u64 + 1)?,
        None => Vec::new(),
    };
    let stderr = match stderr.map(std::thread::JoinHandle::join) {
        Some(Ok(read)) => read?,
        _ => Vec::new(),
    };
    Ok((child.wait()?, stdout, stderr))
}

/// The JSON a credential process prints.
pub(crate) fn parse_process_json(body: &[u8], what: &str) -> Result<Credentials, CredentialsError> {
    let invalid = |detail: &str| {
        CredentialsError::new(format!("{what} printed unusable credentials: {detail}"))
    };
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| invalid(&format!("not JSON ({e})")))?;
    match value.get("Version") {
        Some(version) if version.as_u64() == Some(1) => {}
        Some(_) => return Err(invalid("Version must be 1")),
        None => return Err(invalid("Version is missing (must be 1)")),
    }
    credentials_in(&value, "SessionToken", invalid)
}

/// The key pair, the session token (under `token_key`) and the `Expiration` of a credentials
/// JSON object.
fn credentials_in(
    value: &serde_json::Value,
    token_key: &str,
    invalid: impl Fn(&str) -> CredentialsError,
) -> Result<Credentials, CredentialsError> {
    let field = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::to_string);
    let (Some(id), Some(secret)) = (field("AccessKeyId"), field("SecretAccessKey")) else {
        return Err(invalid("AccessKeyId or SecretAccessKey missing"));
    };
    let mut credentials = Credentials::new(id, secret, field(token_key));
    if let Some(expiration) = field("Expiration") {
        let expires = parse_rfc3339(&expiration)
            .ok_or_else(|| invalid(&format!("Expiration {expiration:?} is not RFC 3339")))?;
        credentials = credentials.with_expiry(expires);
    }
    Ok(credentials)
}

/// The container agent's fixed address for `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`.
const ECS_AUTHORITY: &str = "169.254.170.2";

/// `http://169.254.170.2` + the relative URI, which must be a path (`/v2/credentials/…`): built
/// with a fixed authority, so a value such as `@evil.example/` cannot name another host.
fn container_relative_uri(relative: &str) -> Result<String, CredentialsError> {
    let invalid = |why: &str| {
        CredentialsError::new(format!(
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI {relative:?} {why}"
        ))
    };
    if !relative.starts_with('/') {
        return Err(invalid("must start with /"));
    }
    let uri = http::Uri::builder()
        .scheme("http")
        .authority(ECS_AUTHORITY)
        .path_and_query(relative)
        .build()
        .map_err(|e| invalid(&format!("is not a valid path: {e}")))?;
    match uri.host() {
        Some(ECS_AUTHORITY) => Ok(uri.to_string()),
        _ => Err(invalid("does not stay on the container agent's address")),
    }
}

async fn from_container(env: &Env, http: &dyn HttpClient) -> Result<Found, CredentialsError> {
    let url = match (
        env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
        env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
    ) {
        (Some(relative), _) => container_relative_uri(&relative)?,
        (None, Some(full)) => {
            check_container_uri(&full)?;
            full
        }
        (None, None) => {
            return Ok(Found::Nothing(
                "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI not set)".into(),
            ));
        }
    };
    let token = match env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
        Some(path) => Some(
            std::fs::read_to_string(&path)
                .map(|t| t.trim().to_string())
                .map_err(|e| {
                    CredentialsError::new(format!(
                        "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {path}: {e}"
                    ))
                })?,
        ),
        None => env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
    };
    let mut request = http::Request::builder().method("GET").uri(&url);
    if let Some(token) = token {
        request = request.header(http::header::AUTHORIZATION, token);
    }
    let request = request.body(Vec::new()).map_err(|e| {
        CredentialsError::new(format!("invalid container credentials URI {url}: {e}"))
    })?;
    let response = fetch(http, request, "the container credentials endpoint").await?;
    parse_credentials_json(&response, "the container credentials endpoint").map(Found::Credentials)
}

/// A full container URI must be HTTPS, or HTTP to loopback or the ECS/EKS agent addresses.
fn check_container_uri(uri: &str) -> Result<(), CredentialsError> {
    let parsed: http::Uri = uri.parse().map_err(|e| {
        CredentialsError::new(format!(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI {uri:?} is not a URI: {e}"
        ))
    })?;
    let host = parsed
        .host()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']');
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let agent = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23"].contains(&host);
    match parsed.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if loopback || agent => Ok(()),
        _ => Err(CredentialsError::new(format!(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI {uri:?} must use HTTPS, or HTTP to a loopback or container agent address"
        ))),
    }
}

const IMDS_ENDPOINT: &str = "http://169.254.169.254";
const IMDS_IPV6_ENDPOINT: &str = "http://[fd00:ec2::254]";
const IMDS_CREDENTIALS_PATH: &str = "/latest/meta-data/iam/security-credentials/";

async fn from_instance_metadata(
    env: &Env,
    http: &dyn HttpClient,
) -> Result<Found, CredentialsError> {
    if env
        .get("AWS_EC2_METADATA_DISABLED")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return Ok(Found::Nothing(
            "EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)".into(),
        ));
    }
    let endpoint = env
        .get("AWS_EC2_METADATA_SERVICE_ENDPOINT")
        .unwrap_or_else(|| match env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE") {
            Some(mode) if mode.eq_ignore_ascii_case("ipv6") => IMDS_IPV6_ENDPOINT.to_string(),
            _ => IMDS_ENDPOINT.to_string(),
        });
    let endpoint = endpoint.trim_end_matches('/');
    let request = |method: &str, path: &str, token: Option<&str>| {
        let mut builder = http::Request::builder()
            .method(method)
            .uri(format!("{endpoint}{path}"));
        builder = match token {
            Some(token) => builder.header("x-aws-ec2-metadata-token", token),
            None => builder.header("x-aws-ec2-metadata-token-ttl-seconds", "21600"),
        };
        builder.body(Vec::new()).map_err(|e| {
            CredentialsError::new(format!(
                "invalid instance metadata endpoint {endpoint}: {e}"
            ))
        })
    };
    let what = "EC2 instance metadata";
    // IMDSv2: a session token first, then the role name, then its credentials.
    let token = match http_with_timeout(http, request("PUT", "/latest/api/token", None)?).await {
        Ok(response) if response.status().is_success() => {
            String::from_utf8_lossy(response.body()).trim().to_string()
        }
        Ok(response) => {
            return Ok(Found::Nothing(format!(
                "{what} at {endpoint} (token request answered HTTP {})",
                response.status()
            )));
        }
        Err(e) => return Ok(Found::Nothing(format!("{what} at {endpoint} ({e})"))),
    };
    let roles = fetch(
        http,
        request("GET", IMDS_CREDENTIALS_PATH, Some(&token))?,
        what,
    )
    .await?;
    let roles = String::from_utf8_lossy(&roles).to_string();
    let Some(role) = roles.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return Ok(Found::Nothing(format!(
            "{what} at {endpoint} (no instance role attached)"
        )));
    };
    let path = format!("{IMDS_CREDENTIALS_PATH}{role}");
    let body = fetch(http, request("GET", &path, Some(&token))?, what).await?;
    parse_credentials_json(&body, what).map(Found::Credentials)
}

async fn http_with_timeout(
    http: &dyn HttpClient,
    request: http::Request<Vec<u8>>,
) -> Result<http::Response<Vec<u8>>, String> {
    match tokio::time::timeout(Duration::from_secs(2), http.send(request)).await {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("timed out".into()),
    }
}

async fn fetch(
    http: &dyn HttpClient,
    request: http::Request<Vec<u8>>,
    what: &str,
) -> Result<Vec<u8>, CredentialsError> {
    let uri = request.uri().clone();
    let response = http_with_timeout(http, request)
        .await
        .map_err(|e| CredentialsError::new(format!("{what} ({uri}): {e}")))?;
    if !response.status().is_success() {
        return Err(CredentialsError::new(format!(
            "{what} ({uri}) answered HTTP {}",
            response.status()
        )));
    }
    // (A custom HTTP client may not bound its reads.)
    if response.body().len() > CREDENTIALS_MAX_BYTES {
        return Err(CredentialsError::new(format!(
            "{what} ({uri}): {}",
            super::transport::too_long(CREDENTIALS_MAX_BYTES)
        )));
    }
    Ok(response.into_body())
}

/// The JSON the container and instance endpoints answer with.
fn parse_credentials_json(body: &[u8], what: &str) -> Result<Credentials, CredentialsError> {
    let invalid =
        |detail: &str| CredentialsError::new(format!("{what} sent unusable credentials: {detail}"));
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| invalid(&format!("not JSON ({e})")))?;
    if let Some(code) = value
        .get("Code")
        .and_then(|c| c.as_str())
        .filter(|c| *c != "Success")
    {
        return Err(invalid(&format!("Code is {code}")));
    }
    credentials_in(&value, "Token", invalid)
}

/// RFC 3339 (`2026-01-02T03:04:05Z`), as the container and instance endpoints send expiry times.
pub(crate) fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    DateTime::parse_date_time(text).map(SystemTime::from)
}

/// Caches another provider's credentials and fetches new ones when the cached ones are within
/// `refresh_before` of expiring (five minutes by default). Concurrent callers wait for one fetch.
#[derive(Debug)]
pub struct CredentialsCache {
    provider: Arc<dyn ProvideCredentials>,
    cached: tokio::sync::Mutex<Option<Credentials>>,
    refresh_before: Duration,
    now: fn() -> SystemTime,
}

impl CredentialsCache {
    pub fn new(provider: Arc<dyn ProvideCredentials>) -> Self {
        CredentialsCache {
            provider,
            cached: tokio::sync::Mutex::new(None),
            refresh_before: Duration::from_secs(300),
            now: SystemTime::now,
        }
    }

    /// The same cache reading the time from `now` (tests use a fixed clock).
    pub(crate) fn with_clock(mut self, now: fn() -> SystemTime) -> Self {
        self.now = now;
        self
    }

    async fn get(&self) -> Result<Credentials, CredentialsError> {
        let mut cached = self.cached.lock().await;
        let now = (self.now)();
        if let Some(credentials) = cached.as_ref() {
            let fresh = credentials
                .expires()
                .is_none_or(|at| at > now + self.refresh_before);
            if fresh {
                return Ok(credentials.clone());
            }
        }
        match self.provider.provide_credentials().await {
            Ok(credentials) => {
                *cached = Some(credentials.clone());
                Ok(credentials)
            }
            // Keep using credentials that have not expired yet if the refresh fails.
            Err(e) => match cached
                .as_ref()
                .filter(|c| c.expires().is_some_and(|at| at > now))
            {
                Some(still_valid) => Ok(still_valid.clone()),
                None => Err(e),
            },
        }
    }
}

impl ProvideCredentials for CredentialsCache {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn debug_never_shows_secrets() {
        let credentials = Credentials::new("AKID", "very-secret", Some("session-secret".into()));
        let debug = format!("{credentials:?}");
        assert!(debug.contains("AKID"));
        assert!(
            !debug.contains("very-secret") && !debug.contains("session-secret"),
            "{debug}"
        );
    }

    fn no_network() -> Arc<dyn HttpClient> {
        Arc::new(super::super::transport::InMemory::new(|request| {
            panic!("unexpected request to {}", request.uri())
        }))
    }

    fn chain(vars: &[(&str, &str)]) -> DefaultCredentialsChain {
        let mut vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        vars.push(("HOME".into(), "/nonexistent-home".into()));
        DefaultCredentialsChain::with_http_client(Env::from_vars(vars), no_network())
    }

    /// A config file with these profiles, in a fresh directory (removed by the caller).
    fn config_file(tag: &str, text: &str) -> (std::path::PathBuf, String) {
        let dir = std::env::temp_dir().join(format!("creds-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("config");
        std::fs::write(&file, text).expect("write");
        (dir, file.display().to_string())
    }

    #[tokio::test]
    async fn a_named_profile_that_does_not_exist_is_an_error_not_a_fall_through() {
        let (dir, file) = config_file("missing", "[default]\nregion = us-east-1\n");
        let err = chain(&[
            ("AWS_CONFIG_FILE", file.as_str()),
            ("AWS_PROFILE", "nope"),
            // Would have answered next, as someone else.
            ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"),
        ])
        .provide_credentials()
        .await
        .unwrap_err();
        std::fs::remove_dir_all(&dir).expect("cleanup");
        let text = err.to_string();
        assert!(
            text.starts_with("profile `nope` (from AWS_PROFILE or --profile) is not defined"),
            "{text}"
        );
        assert!(text.contains(&file), "{text}");
    }

    #[tokio::test]
    async fn unsupported_profile_sources_are_errors_naming_the_profile_and_the_key() {
        for key in UNSUPPORTED_PROFILE_KEYS {
            let (dir, file) = config_file(
                key,
                &format!(
                    "[profile work]\n{key} = something\naws_access_key_id = AK\naws_secret_access_key = S\n"
                ),
            );
            let err = chain(&[("AWS_CONFIG_FILE", file.as_str()), ("AWS_PROFILE", "work")])
                .provide_credentials()
                .await
                .unwrap_err();
            std::fs::remove_dir_all(&dir).expect("cleanup");
            let text = err.to_string();
            assert!(
                text.contains(&format!(
                    "profile `work` gets its credentials through `{key}`"
                )),
                "{text}"
            );
            assert!(text.contains("aws-credential-types"), "{text}");
        }
        let err = chain(&[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"),
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r"),
            ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds"),
        ])
        .provide_credentials()
        .await
        .unwrap_err();
        assert!(err.to_string().contains("web identity federation"), "{err}");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn credential_process_output_is_read_with_its_expiration() {
        let (dir, file) = config_file(
            "process",
            r#"[profile p]
credential_process = printf '{"Version": 1, "AccessKeyId": "AKPROC", "SecretAccessKey": "SPROC", "SessionToken": "TPROC", "Expiration": "2030-01-02T03:04:05Z"}'
[profile v2]
credential_process = printf '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "S"}'
[profile huge]
credential_process = head -c 10000000 /dev/zero
[profile failing]
credential_process = echo 'no session' >&2; exit 3
"#,
        );
        let provide = |profile: &'static str| {
            chain(&[("AWS_CONFIG_FILE", file.as_str()), ("AWS_PROFILE", profile)])
        };
        let c = provide("p")
            .provide_credentials()
            .await
            .expect("credentials");
        assert_eq!(c.access_key_id(), "AKPROC");
        assert_eq!(c.session_token(), Some("TPROC"));
        assert_eq!(c.expires(), parse_rfc3339("2030-01-02T03:04:05Z"));
        let err = provide("v2").provide_credentials().await.unwrap_err();
        assert!(err.to_string().contains("Version must be 1"), "{err}");
        let err = provide("huge").provide_credentials().await.unwrap_err();
        assert!(
            err.to_string().contains("printed more than 65536 bytes"),
            "{err}"
        );
        let err = provide("failing").provide_credentials().await.unwrap_err();
        assert!(
            err.to_string()
                .contains("credential_process of profile `failing` failed"),
            "{err}"
        );
        assert!(err.to_string().contains("no session"), "{err}");
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[tokio::test]
    async fn environment_comes_first() {
        let c = chain(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "S"),
            ("AWS_SESSION_TOKEN", "T"),
        ])
        .provide_credentials()
        .await
        .expect("found");
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("AKID", "S", Some("T"))
        );
        let err = chain(&[("AWS_ACCESS_KEY_ID", "AKID")])
            .provide_credentials()
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
        );
    }

    #[tokio::test]
    async fn missing_credentials_name_every_place_looked_at() {
        let err = chain(&[("AWS_EC2_METADATA_DISABLED", "true")])
            .provide_credentials()
            .await
            .unwrap_err();
        let text = err.to_string();
        for place in [
            "environment (AWS_ACCESS_KEY_ID not set)",
            "/nonexistent-home/.aws/config",
            "/nonexistent-home/.aws/credentials",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "disabled by AWS_EC2_METADATA_DISABLED",
        ] {
            assert!(text.contains(place), "{place} missing from: {text}");
        }
    }

    #[tokio::test]
    async fn profile_credentials_from_the_shared_files() {
        let dir = std::env::temp_dir().join(format!("creds-profile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("credentials");
        std::fs::write(
            &file,
            "[work]\naws_access_key_id = AKWORK\naws_secret_access_key = SWORK\n",
        )
        .expect("write");
        let file_path = file.display().to_string();
        let c = chain(&[
            ("AWS_SHARED_CREDENTIALS_FILE", file_path.as_str()),
            ("AWS_PROFILE", "work"),
        ])
        .provide_credentials()
        .await
        .expect("found");
        assert_eq!(c.access_key_id(), "AKWORK");
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn container_relative_uri_is_a_path_on_the_agents_address() {
        assert_eq!(
            container_relative_uri("/v2/credentials/abc?x=1").expect("a path"),
            "http://169.254.170.2/v2/credentials/abc?x=1"
        );
        // Each of these would have sent the request (and its token) elsewhere.
        for bad in [
            "@evil.example/creds",
            ".evil.example/creds",
            ":8080@evil/x",
            "evil",
            "",
        ] {
            let err = container_relative_uri(bad).expect_err(bad);
            assert!(
                err.to_string().contains("must start with /"),
                "{bad:?}: {err}"
            );
        }
        let err = container_relative_uri("/a b").expect_err("space");
        assert!(err.to_string().contains("is not a valid path"), "{err}");
    }

    #[tokio::test]
    async fn container_full_uri_must_be_safe() {
        let err = chain(&[(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://example.com/creds",
        )])
        .provide_credentials()
        .await
        .unwrap_err();
        assert!(err.to_string().contains("must use HTTPS"), "{err}");
    }

    #[tokio::test]
    async fn container_credentials_with_token_and_expiry() {
        let http = Arc::new(super::super::transport::InMemory::new(|request| {
            assert_eq!(request.uri(), "http://127.0.0.1:9/creds");
            assert_eq!(request.headers()["authorization"], "Bearer tok");
            Ok(http::Response::new(
                br#"{"AccessKeyId":"AKC","SecretAccessKey":"SC","Token":"TC","Expiration":"2030-01-02T03:04:05Z"}"#.to_vec(),
            ))
        }));
        let env = Env::from_vars([
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://127.0.0.1:9/creds",
            ),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer tok"),
            ("HOME", "/nonexistent-home"),
        ]);
        let c = DefaultCredentialsChain::with_http_client(env, http)
            .provide_credentials()
            .await
            .expect("found");
        assert_eq!((c.access_key_id(), c.session_token()), ("AKC", Some("TC")));
        assert_eq!(c.expires(), parse_rfc3339("2030-01-02T03:04:05Z"));
    }

    #[tokio::test]
    async fn instance_metadata_uses_a_session_token_first() {
        let http = Arc::new(super::super::transport::InMemory::new(|request| {
            let path = request.uri().path().to_string();
            let body: &[u8] = match (request.method().as_str(), path.as_str()) {
                ("PUT", "/latest/api/token") => {
                    assert_eq!(request.headers()["x-aws-ec2-metadata-token-ttl-seconds"], "21600");
                    b"session-token"
                }
                ("GET", "/latest/meta-data/iam/security-credentials/") => {
                    assert_eq!(request.headers()["x-aws-ec2-metadata-token"], "session-token");
                    b"my-role\n"
                }
                ("GET", "/latest/meta-data/iam/security-credentials/my-role") => {
                    br#"{"Code":"Success","AccessKeyId":"AKI","SecretAccessKey":"SI","Token":"TI","Expiration":"2030-01-02T03:04:05Z"}"#
                }
                other => panic!("unexpected {other:?}"),
            };
            Ok(http::Response::new(body.to_vec()))
        }));
        let env = Env::from_vars([
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9/"),
            ("HOME", "/nonexistent-home"),
        ]);
        let c = DefaultCredentialsChain::with_http_client(env, http)
            .provide_credentials()
            .await
            .expect("found");
        assert_eq!(c.access_key_id(), "AKI");
    }

    #[test]
    fn rfc3339_timestamps_parse() {
        let at = |s| {
            parse_rfc3339(s).map(|t| {
                t.duration_since(UNIX_EPOCH)
                    .expect("after epoch")
                    .as_secs_f64()
            })
        };
        assert_eq!(at("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(at("2026-01-02T03:04:05Z"), Some(1_767_323_045.0));
        assert_eq!(at("2026-01-02T04:04:05+01:00"), Some(1_767_323_045.0));
        assert_eq!(at("2026-01-02T03:04:05.5Z"), Some(1_767_323_045.5));
        assert_eq!(at("2026-13-02T03:04:05Z"), None);
        assert_eq!(at("yesterday"), None);
    }

    #[derive(Debug)]
    struct Counting(std::sync::atomic::AtomicUsize, Duration);

    impl ProvideCredentials for Counting {
        fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
            let n = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let expires = UNIX_EPOCH + Duration::from_secs(1_000_000) + self.1;
            Box::pin(std::future::ready(Ok(Credentials::new(
                format!("AK{n}"),
                "S",
                None,
            )
            .with_expiry(expires))))
        }
    }

    async fn key_id(cache: &CredentialsCache) -> String {
        let credentials = cache.provide_credentials().await.expect("credentials");
        credentials.access_key_id().to_string()
    }

    #[tokio::test]
    async fn cache_refreshes_only_near_expiry() {
        fn clock() -> SystemTime {
            UNIX_EPOCH + Duration::from_secs(1_000_000)
        }
        // Expires in an hour: cached.
        let long = Arc::new(Counting(Default::default(), Duration::from_secs(3600)));
        let cache = CredentialsCache::new(long.clone()).with_clock(clock);
        assert_eq!(key_id(&cache).await, "AK0");
        assert_eq!(key_id(&cache).await, "AK0");
        // Expires in a minute, inside the five-minute window: refreshed on every call.
        let short = Arc::new(Counting(Default::default(), Duration::from_secs(60)));
        let cache = CredentialsCache::new(short.clone()).with_clock(clock);
        assert_eq!(key_id(&cache).await, "AK0");
        assert_eq!(key_id(&cache).await, "AK1");
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            /// Any bytes from an endpoint or a credential process: credentials or an error.
            #[test]
            fn credential_json_parsers_never_panic(
                body in prop::collection::vec(any::<u8>(), 0..200),
                id in any::<String>(), expiration in any::<String>(), version in any::<i64>(),
            ) {
                let _ = parse_credentials_json(&body, "test");
                let _ = parse_process_json(&body, "test");
                let json = serde_json::json!({
                    "Version": version, "AccessKeyId": id, "SecretAccessKey": "s",
                    "Token": "t", "Expiration": expiration,
                }).to_string();
                let _ = parse_credentials_json(json.as_bytes(), "test");
                let _ = parse_process_json(json.as_bytes(), "test");
            }
        }
    }
}
