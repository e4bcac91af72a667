//! Client configuration: region, credentials, endpoint, retries, timeouts, validation, user
//! agent and the HTTP client.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::credentials::{
    Credentials, CredentialsCache, DefaultCredentialsChain, ProvideCredentials,
};
use super::profile::{Env, load_profile, resolve_region};
use super::proxy::Proxy;
use super::retry::RetryConfig;
use super::transport::HttpClient;
#[cfg(feature = "default-https-client")]
use super::transport::HyperClient;

/// A function returning the current time (injectable for tests).
pub type TimeSource = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Everything a client needs; build one with [`Config::builder`] or [`Config::from_env`].
#[derive(Clone)]
pub struct Config {
    pub(crate) region: Option<String>,
    pub(crate) credentials: Option<Arc<dyn ProvideCredentials>>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) retry: RetryConfig,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) validate: bool,
    pub(crate) app_name: Option<String>,
    pub(crate) http_client: Option<Arc<dyn HttpClient>>,
    pub(crate) time_source: Option<TimeSource>,
    pub(crate) disable_request_compression: bool,
    pub(crate) request_min_compression_size_bytes: u32,
    pub(crate) use_fips: bool,
    pub(crate) use_dual_stack: bool,
    pub(crate) account_id_endpoint_mode: Option<String>,
    pub(crate) account_id: Option<String>,
    pub(crate) client_context_params: BTreeMap<String, ClientContextParam>,
    pub(crate) max_response_bytes: usize,
    /// A PEM file of root certificates trusted besides the built-in ones.
    pub(crate) ca_bundle: Option<PathBuf>,
    /// `None`: read from the process environment when the client is built.
    pub(crate) proxy: Option<Proxy>,
    /// Makes the values of `@idempotencyToken` members the caller leaves unset (`None`: random
    /// UUIDs).
    pub(crate) idempotency_token_provider: Option<TokenProvider>,
    /// The token of `@httpBearerAuth` operations (`Authorization: Bearer`).
    pub(crate) bearer_token: Option<String>,
    /// `@endpoint` host prefixes are not prepended (for an endpoint such as a local server
    /// or a proxy that has no per-operation host names).
    pub(crate) disable_host_prefix: bool,
    /// Send every request unsigned (see [`ConfigBuilder::sign_requests`]).
    pub(crate) unsigned: bool,
}

/// A source of idempotency tokens.
pub(crate) type TokenProvider = Arc<dyn Fn() -> String + Send + Sync>;

/// A value for one of the service's client context parameters
/// (`smithy.rules#clientContextParams`): settings its endpoint rules read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientContextParam {
    String(String),
    Bool(bool),
}

impl From<&str> for ClientContextParam {
    fn from(value: &str) -> Self {
        ClientContextParam::String(value.to_string())
    }
}

impl From<String> for ClientContextParam {
    fn from(value: String) -> Self {
        ClientContextParam::String(value)
    }
}

impl From<bool> for ClientContextParam {
    fn from(value: bool) -> Self {
        ClientContextParam::Bool(value)
    }
}

/// What endpoint resolution reads from the configuration (the rule set's built-ins).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct EndpointConfig {
    pub(crate) region: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) use_fips: bool,
    pub(crate) use_dual_stack: bool,
    pub(crate) account_id_endpoint_mode: Option<String>,
    pub(crate) account_id: Option<String>,
    pub(crate) client_context_params: BTreeMap<String, ClientContextParam>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("credentials", &self.credentials)
            .field("endpoint_url", &self.endpoint_url)
            .field("retry", &self.retry)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("validate", &self.validate)
            .field("app_name", &self.app_name)
            .field("use_fips", &self.use_fips)
            .field("use_dual_stack", &self.use_dual_stack)
            .field("account_id_endpoint_mode", &self.account_id_endpoint_mode)
            .field("account_id", &self.account_id)
            .field("client_context_params", &self.client_context_params)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("ca_bundle", &self.ca_bundle)
            .field("proxy", &self.proxy)
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "** redacted **"),
            )
            .finish_non_exhaustive()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            region: None,
            credentials: None,
            endpoint_url: None,
            retry: RetryConfig::default(),
            connect_timeout: Some(Duration::from_millis(3100)),
            read_timeout: None,
            validate: true,
            disable_host_prefix: false,
            unsigned: false,
            app_name: None,
            http_client: None,
            time_source: None,
            disable_request_compression: false,
            request_min_compression_size_bytes: 10_240,
            use_fips: false,
            use_dual_stack: false,
            account_id_endpoint_mode: None,
            account_id: None,
            client_context_params: BTreeMap::new(),
            max_response_bytes: super::transport::DEFAULT_MAX_RESPONSE_BYTES,
            ca_bundle: None,
            proxy: None,
            idempotency_token_provider: None,
            bearer_token: None,
        }
    }
}

impl Config {
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder {
            config: Config::default(),
        }
    }

    /// A builder starting from this configuration, to change parts of it.
    pub fn to_builder(&self) -> ConfigBuilder {
        ConfigBuilder {
            config: self.clone(),
        }
    }

    /// Region from `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile, and credentials from the
    /// default chain (cached, refreshed before they expire). Fails if no region is found;
    /// missing credentials are reported by the first call, listing where they were looked for.
    /// FIPS and dual-stack endpoints are chosen by `AWS_USE_FIPS_ENDPOINT` /
    /// `AWS_USE_DUALSTACK_ENDPOINT` or the profile's `use_fips_endpoint` /
    /// `use_dualstack_endpoint` (`true` or `false`), the account-ID endpoint mode by
    /// `AWS_ACCOUNT_ID_ENDPOINT_MODE` or `account_id_endpoint_mode`, and the account ID for
    /// account-based endpoints by `AWS_ACCOUNT_ID` or the profile's `aws_account_id`.
    /// Root certificates are added from the PEM file `AWS_CA_BUNDLE` or the profile's
    /// `ca_bundle` names, and proxies read from `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and
    /// `NO_PROXY` ([`Proxy::from_env_vars`]).
    pub async fn from_env() -> Result<Config, ConfigError> {
        Config::from_env_vars(Env::real())
    }

    /// [`Config::from_env`] over the given variables instead of the process environment.
    pub fn from_env_vars(env: Env) -> Result<Config, ConfigError> {
        let region = resolve_region(&env).map_err(ConfigError)?;
        check_region(&region)?;
        let (profile, _) = load_profile(&env);
        let setting = |var: &str, key: &str| {
            env.get(var)
                .or_else(|| profile.as_ref().and_then(|p| p.get(key).cloned()))
                .filter(|v| !v.is_empty())
        };
        let flag = |var: &str, key: &str| -> Result<bool, ConfigError> {
            match setting(var, key) {
                None => Ok(false),
                Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
                Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
                Some(v) => Err(ConfigError(format!(
                    "{var} / profile setting `{key}` must be `true` or `false`, not {v:?}"
                ))),
            }
        };
        let use_fips = flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?;
        let use_dual_stack = flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")?;
        let mode = setting("AWS_ACCOUNT_ID_ENDPOINT_MODE", "account_id_endpoint_mode");
        let account_id = setting("AWS_ACCOUNT_ID", "aws_account_id");
        let ca_bundle = setting("AWS_CA_BUNDLE", "ca_bundle");
        let proxy = Proxy::from_env_vars(&env)?;
        let chain = DefaultCredentialsChain::new(env).map_err(|e| ConfigError(e.to_string()))?;
        let mut builder = Config::builder()
            .region(region)
            .use_fips(use_fips)
            .use_dual_stack(use_dual_stack)
            .credentials_provider(CredentialsCache::new(Arc::new(chain)))
            .proxy(proxy);
        if let Some(path) = ca_bundle {
            builder = builder.ca_bundle(path);
        }
        if let Some(mode) = mode {
            builder = builder.account_id_endpoint_mode(mode);
        }
        if let Some(account_id) = account_id {
            builder = builder.account_id(account_id);
        }
        Ok(builder.build())
    }

    /// Whether FIPS endpoints are used.
    pub fn use_fips(&self) -> bool {
        self.use_fips
    }

    /// Whether dual-stack (IPv4 and IPv6) endpoints are used.
    pub fn use_dual_stack(&self) -> bool {
        self.use_dual_stack
    }

    /// The account-ID endpoint mode (`preferred`, `required` or `disabled`), if set.
    pub fn account_id_endpoint_mode(&self) -> Option<&str> {
        self.account_id_endpoint_mode.as_deref()
    }

    /// The AWS account ID endpoint rules may use (`AWS::Auth::AccountId`).
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }

    /// A client context parameter's value, if set.
    pub fn client_context_param(&self, name: &str) -> Option<&ClientContextParam> {
        self.client_context_params.get(name)
    }

    /// The built-in values of endpoint rule sets.
    pub(crate) fn endpoint_config(&self) -> EndpointConfig {
        EndpointConfig {
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            use_fips: self.use_fips,
            use_dual_stack: self.use_dual_stack,
            account_id_endpoint_mode: self.account_id_endpoint_mode.clone(),
            account_id: self.account_id.clone(),
            client_context_params: self.client_context_params.clone(),
        }
    }

    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    pub fn retry_config(&self) -> &RetryConfig {
        &self.retry
    }

    /// Whether inputs are validated before they are sent.
    pub fn validates(&self) -> bool {
        self.validate
    }

    /// The client requests go through when no [`ConfigBuilder::http_client`] is set: hyper and
    /// rustls with the configured root certificates (`ca_bundle` replaced by `ca_bundle`
    /// here, when given) and proxy (from the process environment if none is set).
    #[cfg(feature = "default-https-client")]
    pub(crate) fn default_http_client(
        &self,
        connect_timeout: Option<std::time::Duration>,
        ca_bundle: Option<&std::path::Path>,
    ) -> Result<HyperClient, ConfigError> {
        let roots = match ca_bundle.or(self.ca_bundle.as_deref()) {
            Some(path) => read_ca_bundle(path)?,
            None => Vec::new(),
        };
        let proxy = match &self.proxy {
            Some(proxy) => proxy.clone(),
            None => Proxy::from_env()?,
        };
        HyperClient::builder()
            .connect_timeout(connect_timeout)
            .extra_roots(roots)
            .proxy(proxy)
            .max_response_bytes(self.max_response_bytes)
            .build()
            .map_err(|e| ConfigError(e.to_string()))
    }
}

/// The certificates of a PEM file, each DER-encoded; an unreadable file, or one without a
/// certificate, is an error naming it.
#[cfg(feature = "default-https-client")]
pub(crate) fn read_ca_bundle(path: &std::path::Path) -> Result<Vec<Vec<u8>>, ConfigError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;
    let error = |why: String| ConfigError(format!("CA bundle {}: {why}", path.display()));
    let certs: Vec<Vec<u8>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| error(format!("cannot read it: {e}")))?
        .map(|cert| cert.map(|c| c.to_vec()))
        .collect::<Result<_, _>>()
        .map_err(|e| error(e.to_string()))?;
    if certs.is_empty() {
        return Err(error("holds no PEM certificate".into()));
    }
    Ok(certs)
}

/// Builds a [`Config`].
#[derive(Debug, Clone)]
pub struct ConfigBuilder {
    config: Config,
}

impl ConfigBuilder {
    /// The AWS region, such as `us-east-1`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = Some(region.into());
        self
    }

    /// Fixed credentials.
    pub fn credentials(self, credentials: Credentials) -> Self {
        self.credentials_provider(credentials)
    }

    /// Where credentials come from (wrap remote providers in a
    /// [`CredentialsCache`] so they are fetched once and refreshed before expiry).
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.config.credentials = Some(Arc::new(provider));
        self
    }

    /// Send every request to this URL instead of the service's regional endpoint (the rule
    /// set's `SDK::Endpoint`).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.config.endpoint_url = Some(url.into());
        self
    }

    /// Use FIPS endpoints (default `false`; the rule set's `AWS::UseFIPS`).
    pub fn use_fips(mut self, enabled: bool) -> Self {
        self.config.use_fips = enabled;
        self
    }

    /// Use dual-stack endpoints (default `false`; the rule set's `AWS::UseDualStack`).
    pub fn use_dual_stack(mut self, enabled: bool) -> Self {
        self.config.use_dual_stack = enabled;
        self
    }

    /// The account-ID endpoint mode, `preferred`, `required` or `disabled` (the rule set's
    /// `AWS::Auth::AccountIdEndpointMode`; default: the rule set's default).
    pub fn account_id_endpoint_mode(mut self, mode: impl Into<String>) -> Self {
        self.config.account_id_endpoint_mode = Some(mode.into());
        self
    }

    /// The AWS account ID of the credentials in use, for services whose endpoint rules route
    /// by account (the rule set's `AWS::Auth::AccountId`, e.g. DynamoDB's
    /// `https://{AccountId}.ddb.{Region}.amazonaws.com`). Unset: those rules don't apply.
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.config.account_id = Some(account_id.into());
        self
    }

    /// Sets one of the service's client context parameters by its rule-set name (the
    /// generated `endpoint::Params` lists them). A value of the other type than the parameter
    /// declares is ignored, as is a name the service does not declare.
    pub fn client_context_param(
        mut self,
        name: impl Into<String>,
        value: impl Into<ClientContextParam>,
    ) -> Self {
        self.config
            .client_context_params
            .insert(name.into(), value.into());
        self
    }

    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.config.retry = retry;
        self
    }

    /// The longest response body a call accepts (default 64 MiB); a longer one is an error, not
    /// an out-of-memory. The built-in HTTP client stops reading at the limit; a custom one's
    /// responses are checked when they arrive.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.config.max_response_bytes = limit;
        self
    }

    /// Bounds connection setup (default 3.1 s). Ignored when a custom HTTP client is set.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = Some(timeout);
        self
    }

    /// Bounds each attempt from sending the request to reading the whole response (default:
    /// none).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.config.read_timeout = Some(timeout);
        self
    }

    /// Validate inputs against the model's constraints before sending (default `true`); with
    /// `false`, inputs are sent as they are.
    pub fn validation(mut self, enabled: bool) -> Self {
        self.config.validate = enabled;
        self
    }

    /// Do not prepend the operations' `@endpoint` host prefixes (such as `streaming-`) to the
    /// endpoint's host (default `false`): for an `endpoint_url` (a local server, a proxy) that
    /// answers every operation at one host name.
    pub fn disable_host_prefix(mut self, disabled: bool) -> Self {
        self.config.disable_host_prefix = disabled;
        self
    }

    /// Sign requests (default `true`). With `false` every request goes unsigned and no
    /// credentials are looked up or needed, as the AWS CLI's `--no-sign-request`: for public
    /// resources, or a local endpoint that does not check signatures. An input event stream's
    /// messages then go unwrapped, without the signed envelope.
    pub fn sign_requests(mut self, enabled: bool) -> Self {
        self.config.unsigned = !enabled;
        self
    }

    /// Appended to the `User-Agent` header as `app/NAME`.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.config.app_name = Some(name.into());
        self
    }

    /// A PEM file of root certificates to trust besides the built-in Mozilla roots (a private
    /// CA, a TLS-inspecting proxy). Read when the client is built; an unreadable or empty file
    /// fails `Client::new`. Ignored with [`ConfigBuilder::http_client`], and without the
    /// crate's `default-https-client` feature.
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.ca_bundle = Some(path.into());
        self
    }

    /// The proxy to send requests through, or [`Proxy::disabled`]. Default: from the process
    /// environment when the client is built ([`Proxy::from_env`]). Ignored with
    /// [`ConfigBuilder::http_client`], and without the crate's `default-https-client` feature.
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.config.proxy = Some(proxy);
        self
    }

    /// The HTTP stack to send requests with (default: hyper with rustls, when the crate has its
    /// `default-https-client` feature, on by default). A crate built without that feature
    /// (`default-features = false`) has no HTTP stack of its own: `Client::new` fails unless
    /// one is set here.
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.config.http_client = Some(Arc::new(client));
        self
    }

    /// The clock used for signing (default: the system clock).
    pub fn time_source(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.config.time_source = Some(Arc::new(now));
        self
    }

    /// Where the values of `@idempotencyToken` members the caller leaves unset come from
    /// (default: a random UUID v4 each). A fixed value makes requests reproducible in tests.
    pub fn idempotency_token_provider(
        mut self,
        provide: impl Fn() -> String + Send + Sync + 'static,
    ) -> Self {
        self.config.idempotency_token_provider = Some(Arc::new(provide));
        self
    }

    /// A bearer token for operations whose model allows `@httpBearerAuth` (such as a Bedrock
    /// API key): they send `Authorization: Bearer <token>` instead of a SigV4 signature.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.config.bearer_token = Some(token.into());
        self
    }

    /// Never compress request bodies, even for operations that support it (default `false`).
    pub fn disable_request_compression(mut self, disabled: bool) -> Self {
        self.config.disable_request_compression = disabled;
        self
    }

    /// Bodies at least this large are compressed when the operation supports it (default
    /// 10 240 bytes; at most 10 MiB).
    pub fn request_min_compression_size_bytes(mut self, bytes: u32) -> Self {
        self.config.request_min_compression_size_bytes = bytes.min(10_485_760);
        self
    }

    pub fn build(self) -> Config {
        self.config
    }
}

/// A region becomes part of the endpoint's host name and of every signature: it must be one
/// host label (letters, digits and hyphens, 1 to 63 of them, no hyphen at either end), or a
/// value such as `evil.example/` would send signed requests to another host.
pub(crate) fn check_region(region: &str) -> Result<(), ConfigError> {
    let label = !region.is_empty()
        && region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if label {
        Ok(())
    } else {
        Err(ConfigError(format!(
            "region {region:?} is not valid: a region is one host label (letters, digits and hyphens, such as us-east-1)"
        )))
    }
}

/// The configuration cannot make a working client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub(crate) String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;
    /// A self-signed CA certificate (public part only), as `--ca-bundle` files hold them.
    const TEST_CA: &str = "\
-----BEGIN CERTIFICATE-----\n\
MIIBgjCCASmgAwIBAgIUMEF2AMyi6PzuuuHtn0ESxHgzmXAwCgYIKoZIzj0EAwIw\n\
FjEUMBIGA1UEAwwLY2xpLXRlc3QtY2EwIBcNMjYxMTI2MDg1NDA0WhgPMjEyNjEx\n\
MDIwODU0MDRaMBYxFDASBgNVBAMMC2NsaS10ZXN0LWNhMFkwEwYHKoZIzj0CAQYI\n\
KoZIzj0DAQcDQgAEegXC06ZQT+5tRJ3178XRPYQL2s8Orz1mZ6WPn9v+j59CRgbw\n\
JVdwGleU2psd1LFHWp+dedFc3p4D5dADnA+tTqNTMFEwHQYDVR0OBBYEFFPDkb5p\n\
12gNTPfozM4K1/vqNyxqMB8GA1UdIwQYMBaAFFPDkb5p12gNTPfozM4K1/vqNyxq\n\
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgJat1AvO6NOscO/Q+\n\
3a0H1HgsEsdMVja7EqfPJrkS3ewCIHR61B3skKceOIhdAOEy/56KlAPfEGp2PlcU\n\
uLOpdcRK\n\
-----END CERTIFICATE-----\n\
";

    #[cfg(feature = "default-https-client")]
    #[test]
    fn a_ca_bundle_adds_its_certificates_to_the_trusted_roots() {
        let path = std::env::temp_dir().join(format!("config-ca-ok-{}", std::process::id()));
        std::fs::write(&path, format!("{TEST_CA}{TEST_CA}")).expect("write");
        let certs = read_ca_bundle(&path);
        let _ = std::fs::remove_file(&path);
        let certs = certs.expect("two certificates");
        assert_eq!(certs.len(), 2);
        assert!(
            HyperClient::with_extra_roots(Some(std::time::Duration::from_secs(1)), &certs).is_ok()
        );
        let e = HyperClient::with_extra_roots(None, &[vec![0x30, 0x03, 1, 2, 3]]).unwrap_err();
        assert!(e.to_string().contains("TLS setup failed"), "{e}");
    }

    #[cfg(feature = "default-https-client")]
    #[test]
    fn a_ca_bundle_without_certificates_is_a_clear_error() {
        let path = std::env::temp_dir().join(format!("config-ca-{}", std::process::id()));
        std::fs::write(&path, "not a certificate").expect("write");
        let e = read_ca_bundle(&path).unwrap_err().to_string();
        let _ = std::fs::remove_file(&path);
        assert!(e.contains("holds no PEM certificate"), "{e}");
        assert!(
            read_ca_bundle(std::path::Path::new("/nonexistent/ca.pem"))
                .unwrap_err()
                .to_string()
                .starts_with("CA bundle /nonexistent/ca.pem: cannot read it")
        );
    }

    #[test]
    fn defaults_follow_the_aws_sdks() {
        let config = Config::builder().build();
        assert_eq!(config.retry_config().max_attempts(), 3);
        assert_eq!(config.connect_timeout, Some(Duration::from_millis(3100)));
        assert_eq!(config.read_timeout, None);
        assert!(config.validates());
        assert_eq!(config.region(), None);
    }

    #[test]
    fn from_env_vars_needs_a_region_and_says_where_it_looked() {
        let err =
            Config::from_env_vars(Env::from_vars([("HOME", "/nonexistent-home")])).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("no region found; looked at: AWS_REGION, AWS_DEFAULT_REGION"),
            "{err}"
        );
        let config = Config::from_env_vars(Env::from_vars([("AWS_REGION", "ap-northeast-1")]))
            .expect("region found");
        assert_eq!(config.region(), Some("ap-northeast-1"));
        assert!(
            config.credentials.is_some(),
            "the default chain is installed"
        );
    }

    #[test]
    fn a_region_must_be_a_host_label_wherever_it_comes_from() {
        assert!(check_region("").is_err());
        for bad in [
            "evil.example/",
            "us-east-1.evil.com",
            "-us",
            "us east",
            "us-east-1\n",
            "ü",
        ] {
            let err = Config::from_env_vars(Env::from_vars([
                ("AWS_REGION", bad),
                ("HOME", "/nonexistent-home"),
            ]))
            .map(|_| ())
            .expect_err(bad);
            assert!(err.to_string().contains("is not valid"), "{bad:?}: {err}");
            assert!(check_region(bad).is_err(), "{bad:?}");
        }
        for good in ["us-east-1", "us-gov-west-1", "aws-global", "eu-isoe-west-1"] {
            assert_eq!(check_region(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn fips_and_dual_stack_come_from_the_environment() {
        let config = Config::from_env_vars(Env::from_vars([
            ("AWS_REGION", "us-east-1"),
            ("AWS_USE_FIPS_ENDPOINT", "true"),
            ("AWS_USE_DUALSTACK_ENDPOINT", "FALSE"),
            ("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled"),
            ("AWS_ACCOUNT_ID", "111122223333"),
            ("HOME", "/nonexistent-home"),
        ]))
        .expect("valid");
        assert!(config.use_fips());
        assert!(!config.use_dual_stack());
        assert_eq!(config.account_id_endpoint_mode(), Some("disabled"));
        assert_eq!(config.account_id(), Some("111122223333"));
        let config = config
            .to_builder()
            .client_context_param("ForcePathStyle", true)
            .client_context_param("Stage", "beta")
            .build();
        assert_eq!(
            config.client_context_param("Stage"),
            Some(&ClientContextParam::String("beta".into()))
        );
        assert_eq!(
            config.endpoint_config().client_context_params["ForcePathStyle"],
            ClientContextParam::Bool(true)
        );
        let built = config.endpoint_config();
        assert!(built.use_fips && built.region.as_deref() == Some("us-east-1"));
        let err = Config::from_env_vars(Env::from_vars([
            ("AWS_REGION", "us-east-1"),
            ("AWS_USE_FIPS_ENDPOINT", "yes"),
            ("HOME", "/nonexistent-home"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("AWS_USE_FIPS_ENDPOINT"), "{err}");
    }

    #[test]
    fn to_builder_changes_only_what_is_set() {
        let base = Config::builder()
            .region("eu-west-1")
            .validation(false)
            .build();
        let changed = base.to_builder().endpoint_url("http://127.0.0.1:1").build();
        assert_eq!(changed.region(), Some("eu-west-1"));
        assert!(!changed.validates());
        assert_eq!(changed.endpoint_url(), Some("http://127.0.0.1:1"));
        assert_eq!(base.endpoint_url(), None);
    }

    #[test]
    fn debug_hides_credentials() {
        let config = Config::builder()
            .credentials(Credentials::new(
                "AKID",
                "do-not-print",
                Some("nor-this".into()),
            ))
            .build();
        let debug = format!("{config:?}");
        assert!(
            debug.contains("AKID")
                && !debug.contains("do-not-print")
                && !debug.contains("nor-this"),
            "{debug}"
        );
    }
}
