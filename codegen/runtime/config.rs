//! Client configuration: region, credentials, endpoint, retries, timeouts, validation, user
//! agent and the HTTP client.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::credentials::{
    Credentials, CredentialsCache, DefaultCredentialsChain, ProvideCredentials,
};
use super::profile::{Env, resolve_region};
use super::retry::RetryConfig;
use super::transport::HttpClient;

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
            app_name: None,
            http_client: None,
            time_source: None,
            disable_request_compression: false,
            request_min_compression_size_bytes: 10_240,
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
    pub async fn from_env() -> Result<Config, ConfigError> {
        Config::from_env_vars(Env::real())
    }

    /// [`Config::from_env`] over the given variables instead of the process environment.
    pub fn from_env_vars(env: Env) -> Result<Config, ConfigError> {
        let region = resolve_region(&env).map_err(ConfigError)?;
        let chain = DefaultCredentialsChain::new(env).map_err(|e| ConfigError(e.to_string()))?;
        Ok(Config::builder()
            .region(region)
            .credentials_provider(CredentialsCache::new(Arc::new(chain)))
            .build())
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

    /// Send every request to this URL instead of the service's regional endpoint.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.config.endpoint_url = Some(url.into());
        self
    }

    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.config.retry = retry;
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

    /// Appended to the `User-Agent` header as `app/NAME`.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.config.app_name = Some(name.into());
        self
    }

    /// The HTTP stack to send requests with (default: hyper with rustls).
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.config.http_client = Some(Arc::new(client));
        self
    }

    /// The clock used for signing (default: the system clock).
    pub fn time_source(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.config.time_source = Some(Arc::new(now));
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
