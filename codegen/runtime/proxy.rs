//! Proxies: which requests go through one (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and
//! `NO_PROXY`, read as the AWS CLI reads them, or set in code), and the connector that reaches
//! a destination through it: HTTPS through an HTTP `CONNECT` tunnel, plain HTTP forwarded to
//! the proxy in absolute form. Proxy credentials come from the URL
//! (`http://user:password@proxy:3128`) and are never shown: messages and `Debug` mask them.

use std::fmt;
use std::net::IpAddr;

use base64::Engine as _;

use super::config::ConfigError;
use super::profile::Env;

#[cfg(feature = "default-https-client")]
mod connect;
#[cfg(feature = "default-https-client")]
pub(crate) use connect::{Connector, ProxyError};

/// Which requests go through which proxy. The default client reads it from the environment
/// ([`Proxy::from_env`]); [`ConfigBuilder::proxy`](super::config::ConfigBuilder::proxy) sets
/// it in code, or turns it off with [`Proxy::disabled`].
#[derive(Clone, Default)]
pub struct Proxy {
    http: Option<Server>,
    https: Option<Server>,
    no_proxy: NoProxy,
}

/// One proxy server.
#[derive(Clone)]
struct Server {
    /// `http://host:port`, without credentials.
    uri: http::Uri,
    /// `Basic …` from the URL's user and password.
    auth: Option<http::HeaderValue>,
}

impl fmt::Display for Server {
    /// The address with the credentials masked: `http://****@proxy:3128`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let authority = self.uri.authority().map_or("", |a| a.as_str());
        match self.auth {
            Some(_) => write!(f, "http://****@{authority}"),
            None => write!(f, "http://{authority}"),
        }
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("http", &self.http.as_ref().map(ToString::to_string))
            .field("https", &self.https.as_ref().map(ToString::to_string))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl Proxy {
    /// No proxy: every request goes straight to its endpoint, whatever the environment says.
    pub fn disabled() -> Proxy {
        Proxy::default()
    }

    /// Every request, HTTP and HTTPS, through the proxy at `url`
    /// (`http://[user:password@]host[:port]`; the port defaults to 80; user and password
    /// percent-encoded).
    pub fn all(url: &str) -> Result<Proxy, ConfigError> {
        let server = Server::parse(url, "proxy")?;
        Ok(Proxy {
            http: Some(server.clone()),
            https: Some(server),
            no_proxy: NoProxy::default(),
        })
    }

    /// Only HTTPS requests through the proxy at `url`.
    pub fn https(url: &str) -> Result<Proxy, ConfigError> {
        Ok(Proxy {
            https: Some(Server::parse(url, "proxy")?),
            ..Proxy::default()
        })
    }

    /// Hosts reached directly, as `NO_PROXY` lists them: comma-separated domain names (a name
    /// covers its subdomains; a leading `.` or `*.` is allowed; `host:port` covers one port),
    /// IP addresses, CIDR blocks (`10.0.0.0/8`), or `*` for every host.
    pub fn no_proxy(mut self, list: &str) -> Proxy {
        self.no_proxy = NoProxy::parse(list);
        self
    }

    /// From the process environment; see [`Proxy::from_env_vars`].
    pub fn from_env() -> Result<Proxy, ConfigError> {
        Proxy::from_env_vars(&Env::real())
    }

    /// As the AWS CLI reads them: HTTPS requests through `https_proxy` / `HTTPS_PROXY`, HTTP
    /// requests through `http_proxy` / `HTTP_PROXY` (ignored when `REQUEST_METHOD` is set, as in
    /// a CGI script, where a request's `Proxy:` header would become `HTTP_PROXY`), either
    /// falling back to `all_proxy` / `ALL_PROXY`; hosts in `no_proxy` / `NO_PROXY` reached
    /// directly. The lowercase name wins; an empty value is unset. A value that is not an
    /// `http://` proxy URL is an error naming the variable.
    pub fn from_env_vars(env: &Env) -> Result<Proxy, ConfigError> {
        let var = |name: &str| {
            [name.to_ascii_lowercase(), name.to_string()]
                .into_iter()
                .find_map(|n| env.get(&n).filter(|v| !v.trim().is_empty()).map(|v| (n, v)))
        };
        let server = |name: &str| -> Result<Option<Server>, ConfigError> {
            match var(name).or_else(|| var("ALL_PROXY")) {
                Some((origin, url)) => Server::parse(&url, &origin).map(Some),
                None => Ok(None),
            }
        };
        let http = if env.get("REQUEST_METHOD").is_some() {
            var("ALL_PROXY")
                .map(|(origin, url)| Server::parse(&url, &origin))
                .transpose()?
        } else {
            server("HTTP_PROXY")?
        };
        Ok(Proxy {
            http,
            https: server("HTTPS_PROXY")?,
            no_proxy: NoProxy::parse(&var("NO_PROXY").map(|(_, v)| v).unwrap_or_default()),
        })
    }

    /// The proxy a request to `uri` goes through, if any.
    fn route(&self, uri: &http::Uri) -> Option<&Server> {
        let server = match uri.scheme_str() {
            Some("https") => self.https.as_ref(),
            Some("http") => self.http.as_ref(),
            _ => None,
        }?;
        let host = uri.host()?;
        let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
            Some("https") => 443,
            _ => 80,
        });
        (!self.no_proxy.covers(host, port)).then_some(server)
    }

    /// The `Proxy-Authorization` a plain-HTTP request to `uri` carries: it goes to the proxy
    /// as it is, where an HTTPS request's credentials go in the tunnel's `CONNECT`.
    pub(crate) fn forward_auth(&self, uri: &http::Uri) -> Option<&http::HeaderValue> {
        match uri.scheme_str() {
            Some("http") => self.route(uri)?.auth.as_ref(),
            _ => None,
        }
    }
}

impl Server {
    /// `http://[user:password@]host[:port][/]`; without a scheme, `http://` is assumed.
    /// `origin` names where the URL came from in errors; the URL itself is never quoted, as it
    /// may hold a password.
    fn parse(url: &str, origin: &str) -> Result<Server, ConfigError> {
        let error = |why: &str| ConfigError(format!("{origin}: {why}"));
        let url = url.trim();
        let rest = match url.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) => {
                return Err(error(&format!(
                    "{scheme}:// proxies are not supported; give an http:// proxy URL"
                )));
            }
            None => url,
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let (userinfo, host_port) = match authority.rsplit_once('@') {
            Some((userinfo, host_port)) => (Some(userinfo), host_port),
            None => (None, authority),
        };
        let parsed: http::uri::Authority = host_port
            .parse()
            .map_err(|_| error(&format!("{host_port:?} is not a host[:port]")))?;
        if parsed.host().is_empty() {
            return Err(error("the proxy URL has no host"));
        }
        let port = match host_port.rsplit_once(':') {
            Some((_, port)) if !port.contains(']') => port
                .parse::<u16>()
                .map_err(|_| error(&format!("{host_port:?} is not a host[:port]")))?,
            _ => 80,
        };
        let uri = format!("http://{}:{port}", parsed.host())
            .parse()
            .map_err(|_| error(&format!("{host_port:?} is not a host[:port]")))?;
        let auth = match userinfo {
            None => None,
            Some(userinfo) => {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                let decode = |part: &str| {
                    percent_decode(part).ok_or_else(|| {
                        error("the user or password is not valid percent-encoded UTF-8")
                    })
                };
                let token = base64::engine::general_purpose::STANDARD.encode(format!(
                    "{}:{}",
                    decode(user)?,
                    decode(password)?
                ));
                let mut value = http::HeaderValue::from_str(&format!("Basic {token}"))
                    .map_err(|_| error("the credentials do not fit in a header"))?;
                value.set_sensitive(true);
                Some(value)
            }
        };
        Ok(Server { uri, auth })
    }
}

/// `%XX` escapes decoded; `None` when an escape is malformed or the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The hosts `NO_PROXY` exempts.
#[derive(Clone, Debug, Default)]
struct NoProxy {
    every_host: bool,
    entries: Vec<Exempt>,
}

#[derive(Clone, Debug)]
enum Exempt {
    /// A domain and its subdomains, lowercase, on any port or on one.
    Domain(String, Option<u16>),
    Address(IpAddr),
    /// An address block: network address and prefix length.
    Block(IpAddr, u8),
}

impl NoProxy {
    fn parse(list: &str) -> NoProxy {
        let mut no_proxy = NoProxy::default();
        for entry in list
            .split([',', ' ', '\t'])
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            if entry == "*" {
                no_proxy.every_host = true;
                continue;
            }
            if let Some((address, bits)) = entry.split_once('/') {
                let address = address.trim_start_matches('[').trim_end_matches(']');
                if let (Ok(address), Ok(bits)) = (address.parse::<IpAddr>(), bits.parse::<u8>()) {
                    let max = if address.is_ipv4() { 32 } else { 128 };
                    if bits <= max {
                        no_proxy.entries.push(Exempt::Block(address, bits));
                    }
                }
                continue;
            }
            let bare = entry.trim_start_matches('[').trim_end_matches(']');
            if let Ok(address) = bare.parse::<IpAddr>() {
                no_proxy.entries.push(Exempt::Address(address));
                continue;
            }
            let (name, port) = match entry.rsplit_once(':') {
                Some((name, port)) if !name.contains(':') => match port.parse() {
                    Ok(port) => (name, Some(port)),
                    Err(_) => continue,
                },
                _ => (entry, None),
            };
            let name = name.trim_start_matches('*').trim_start_matches('.');
            if !name.is_empty() {
                no_proxy
                    .entries
                    .push(Exempt::Domain(name.to_ascii_lowercase(), port));
            }
        }
        no_proxy
    }

    fn covers(&self, host: &str, port: u16) -> bool {
        if self.every_host {
            return true;
        }
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let address = host.parse::<IpAddr>().ok();
        self.entries.iter().any(|entry| match (entry, address) {
            (Exempt::Address(a), Some(address)) => *a == address,
            (Exempt::Block(network, bits), Some(address)) => in_block(address, *network, *bits),
            (Exempt::Domain(domain, only), None) => {
                let name_matches = host == *domain
                    || host
                        .strip_suffix(domain.as_str())
                        .is_some_and(|rest| rest.ends_with('.'));
                name_matches && only.is_none_or(|p| p == port)
            }
            _ => false,
        })
    }
}

fn in_block(address: IpAddr, network: IpAddr, bits: u8) -> bool {
    match (address, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::from_vars(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    fn routed(proxy: &Proxy, uri: &str) -> Option<String> {
        proxy.route(&uri.parse().unwrap()).map(ToString::to_string)
    }

    #[test]
    fn the_environment_routes_each_scheme_with_lowercase_first_and_all_proxy_behind() {
        let proxy = Proxy::from_env_vars(&env(&[
            ("HTTPS_PROXY", "http://upper:3128"),
            ("https_proxy", "lower:3129"),
            ("ALL_PROXY", "http://all:8080"),
        ]))
        .unwrap();
        assert_eq!(
            routed(&proxy, "https://a.example").as_deref(),
            Some("http://lower:3129")
        );
        assert_eq!(
            routed(&proxy, "http://a.example").as_deref(),
            Some("http://all:8080")
        );
        let proxy = Proxy::from_env_vars(&env(&[("HTTP_PROXY", "http://p")])).unwrap();
        assert_eq!(
            routed(&proxy, "http://a.example").as_deref(),
            Some("http://p:80")
        );
        assert_eq!(routed(&proxy, "https://a.example"), None);
        // A CGI script's HTTP_PROXY may come from a request header.
        let proxy = Proxy::from_env_vars(&env(&[
            ("HTTP_PROXY", "http://p"),
            ("REQUEST_METHOD", "GET"),
        ]))
        .unwrap();
        assert_eq!(routed(&proxy, "http://a.example"), None);
        let proxy = Proxy::from_env_vars(&env(&[("HTTPS_PROXY", " ")])).unwrap();
        assert_eq!(routed(&proxy, "https://a.example"), None);
    }

    #[test]
    fn no_proxy_exempts_domains_addresses_blocks_and_everything() {
        let proxy = Proxy::all("http://p:1")
            .unwrap()
            .no_proxy(".internal.example, Corp.Example:8443,10.0.0.0/8,::1, 192.168.1.7, *.svc");
        for direct in [
            "https://internal.example",
            "https://a.b.internal.example",
            "https://corp.example:8443",
            "https://10.200.3.4",
            "http://[::1]:8080",
            "http://192.168.1.7",
            "https://x.svc",
        ] {
            assert_eq!(routed(&proxy, direct), None, "{direct}");
        }
        for proxied in [
            "https://notinternal.example",
            "https://corp.example",
            "https://11.0.0.1",
            "http://192.168.1.8",
            "https://internal.example.com",
        ] {
            assert!(routed(&proxy, proxied).is_some(), "{proxied}");
        }
        let everything = Proxy::all("http://p:1").unwrap().no_proxy("*");
        assert_eq!(routed(&everything, "https://a.example"), None);
    }

    #[test]
    fn credentials_are_decoded_sent_as_basic_and_never_shown() {
        let proxy = Proxy::all("http://us%65r:p%40ss%3Aword@proxy.example:3128/").unwrap();
        let uri: http::Uri = "http://service.example/".parse().unwrap();
        let auth = proxy.forward_auth(&uri).unwrap();
        assert!(auth.is_sensitive());
        assert_eq!(
            auth.to_str().unwrap(),
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode("user:p@ss:word")
            )
        );
        let shown = format!("{proxy:?}");
        assert!(shown.contains("http://****@proxy.example:3128"), "{shown}");
        assert!(!shown.contains("p%40ss") && !shown.contains("p@ss") && !shown.contains("user"));
        // HTTPS requests carry them in the CONNECT, not in the request.
        assert!(
            proxy
                .forward_auth(&"https://s.example/".parse().unwrap())
                .is_none()
        );
    }

    #[test]
    fn bad_proxy_urls_are_errors_naming_the_variable_but_never_the_password() {
        for (url, why) in [
            (
                "https://user:secret@p:1",
                "https:// proxies are not supported",
            ),
            (
                "socks5://user:secret@p:1",
                "socks5:// proxies are not supported",
            ),
            ("http://user:secret@", "\"\" is not a host[:port]"),
            ("http://user:secret@p:99999", "is not a host[:port]"),
            ("http://user:sec%zzret@p:1", "percent-encoded"),
        ] {
            let err = Proxy::from_env_vars(&env(&[("HTTPS_PROXY", url)]))
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("HTTPS_PROXY: ") && err.contains(why),
                "{url}: {err}"
            );
            assert!(
                !err.contains("secret") && !err.contains("sec%zz"),
                "{url}: {err}"
            );
        }
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            /// Any proxy URL and NO_PROXY list: a proxy or an error, never a panic, and the
            /// password never in the error or the `Debug` output.
            #[test]
            fn any_settings_parse_without_panicking_or_leaking(
                url in "[a-z:/@%.0-9\\[\\]]{0,40}",
                password in "[A-Za-z0-9]{12}",
                no_proxy in "\\PC{0,60}",
                host in "\\PC{0,30}",
            ) {
                let full = format!("http://user:{password}@{url}");
                match Proxy::all(&full) {
                    Ok(proxy) => {
                        let proxy = proxy.no_proxy(&no_proxy);
                        let shown = format!("{proxy:?}");
                        prop_assert!(!shown.contains(&password));
                        let _ = NoProxy::parse(&no_proxy).covers(&host, 443);
                    }
                    Err(e) => prop_assert!(!e.to_string().contains(&password)),
                }
            }
        }
    }
}
