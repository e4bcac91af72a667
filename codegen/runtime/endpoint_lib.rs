//! Support for endpoint resolution compiled from a Smithy rule set: the resolved [`Endpoint`],
//! the [`ResolveError`], and the rules engine's standard library (`aws.partition`,
//! `aws.parseArn`, `parseURL`, `uriEncode`, `substring`, `isValidHostLabel`,
//! `aws.isVirtualHostableS3Bucket`). The generated `endpoint` module calls these; partition
//! tables are generated from the partitions file read at generation time.

use std::collections::BTreeMap;
use std::fmt;

use super::dfa::Dfa;
use super::document::Document;

/// Where to send a request: the URL, headers to add, and properties (such as `authSchemes`).
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// The endpoint URL, such as `https://service.us-east-1.amazonaws.com`.
    pub url: String,
    /// Headers every request to this endpoint carries (name → values).
    pub headers: BTreeMap<String, Vec<String>>,
    /// Rule-set properties, such as `authSchemes`.
    pub properties: BTreeMap<String, Document>,
}

impl Endpoint {
    /// An endpoint with just a URL.
    pub fn new(url: impl Into<String>) -> Self {
        Endpoint {
            url: url.into(),
            headers: BTreeMap::new(),
            properties: BTreeMap::new(),
        }
    }
}

/// The rule set has no endpoint for these parameters: an error rule matched, or a required
/// parameter is missing. The message is the rule set's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveError {
    message: String,
}

impl ResolveError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ResolveError {
            message: message.into(),
        }
    }

    /// The message, exactly as the rule set words it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "endpoint resolution failed: {}", self.message)
    }
}

impl std::error::Error for ResolveError {}

/// What `aws.partition` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Partition {
    pub(crate) name: &'static str,
    pub(crate) dns_suffix: &'static str,
    pub(crate) dual_stack_dns_suffix: &'static str,
    pub(crate) supports_fips: bool,
    pub(crate) supports_dual_stack: bool,
    pub(crate) implicit_global_region: &'static str,
}

/// One partition of the partitions file: its named regions, its region pattern and outputs.
pub(crate) struct PartitionEntry {
    pub(crate) regions: &'static [&'static str],
    pub(crate) region_regex: Dfa<'static>,
    pub(crate) outputs: Partition,
}

/// `aws.partition(region)`: the partition naming `region`, else the first whose region pattern
/// matches it, else the `aws` partition.
pub(crate) fn partition(
    table: &'static [PartitionEntry],
    region: &str,
) -> Option<&'static Partition> {
    table
        .iter()
        .find(|p| p.regions.contains(&region))
        .or_else(|| table.iter().find(|p| p.region_regex.is_match(region)))
        .or_else(|| table.iter().find(|p| p.outputs.name == "aws"))
        .map(|p| &p.outputs)
}

/// What `aws.parseArn` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Arn {
    pub(crate) partition: String,
    pub(crate) service: String,
    pub(crate) region: String,
    pub(crate) account_id: String,
    /// The resource, split at every `:` and `/`.
    pub(crate) resource_id: Vec<String>,
}

/// `aws.parseArn(value)`: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` with a non-empty
/// partition, service and resource.
pub(crate) fn parse_arn(value: &str) -> Option<Arn> {
    let mut parts = value.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let partition = parts.next()?;
    let service = parts.next()?;
    let region = parts.next()?;
    let account_id = parts.next()?;
    let resource = parts.next()?;
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    Some(Arn {
        partition: partition.to_string(),
        service: service.to_string(),
        region: region.to_string(),
        account_id: account_id.to_string(),
        resource_id: resource.split([':', '/']).map(str::to_string).collect(),
    })
}

/// What `parseURL` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Url {
    pub(crate) scheme: String,
    pub(crate) authority: String,
    pub(crate) path: String,
    /// The path with a leading and a trailing `/`.
    pub(crate) normalized_path: String,
    /// The host is an IPv4 or a bracketed IPv6 address.
    pub(crate) is_ip: bool,
}

/// `parseURL(value)`: an `http` or `https` URL without a query or fragment.
pub(crate) fn parse_url(value: &str) -> Option<Url> {
    let (scheme, rest) = value.split_once("://")?;
    if !matches!(scheme, "http" | "https") || rest.contains(['?', '#']) {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    if authority.is_empty() {
        return None;
    }
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or(authority)
    } else {
        authority
            .rsplit_once(':')
            .map_or(authority, |(host, _)| host)
    };
    let is_ip = (host.starts_with('[') && host.ends_with(']'))
        || host.parse::<std::net::Ipv4Addr>().is_ok();
    let mut normalized_path = String::with_capacity(path.len() + 2);
    if !path.starts_with('/') {
        normalized_path.push('/');
    }
    normalized_path.push_str(path);
    if !normalized_path.ends_with('/') {
        normalized_path.push('/');
    }
    Some(Url {
        scheme: scheme.to_string(),
        authority: authority.to_string(),
        path: path.to_string(),
        normalized_path,
        is_ip,
    })
}

/// `uriEncode(value)`: percent-encodes every byte except `A-Z a-z 0-9 - _ . ~`.
pub(crate) fn uri_encode(value: &str) -> String {
    let mut out = Vec::with_capacity(value.len());
    super::sigv4::percent_encode(value.as_bytes(), false, &mut out);
    // Only ASCII was written.
    String::from_utf8(out).unwrap_or_default()
}

/// `substring(value, start, stop, reverse)`: characters `start..stop` (counted from the end
/// when `reverse`); `None` when the range does not fit or the value is not ASCII.
pub(crate) fn substring(value: &str, start: usize, stop: usize, reverse: bool) -> Option<String> {
    if start >= stop || stop > value.len() || !value.is_ascii() {
        return None;
    }
    let (from, to) = if reverse {
        (value.len() - stop, value.len() - start)
    } else {
        (start, stop)
    };
    value.get(from..to).map(str::to_string)
}

/// `isValidHostLabel(value, allowSubDomains)`: one label (or, when allowed, dot-separated
/// labels) of 1 to 63 letters, digits and hyphens, starting with a letter or digit.
pub(crate) fn is_valid_host_label(value: &str, allow_sub_domains: bool) -> bool {
    let label = |label: &str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if allow_sub_domains {
        value.split('.').all(label)
    } else {
        label(value)
    }
}

/// `aws.isVirtualHostableS3Bucket(value, allowSubDomains)`: usable as a DNS name for virtual
/// hosting: 3 to 63 lower-case letters, digits, hyphens (and dots between labels, when
/// allowed), starting and ending with a letter or digit, and not an IPv4 address.
pub(crate) fn is_virtual_hostable_s3_bucket(value: &str, allow_sub_domains: bool) -> bool {
    let label = |label: &str| {
        let bytes = label.as_bytes();
        !bytes.is_empty()
            && bytes
                .first()
                .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && bytes
                .last()
                .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
    };
    if !(3..=63).contains(&value.len()) || value.parse::<std::net::Ipv4Addr>().is_ok() {
        return false;
    }
    if allow_sub_domains {
        value.split('.').all(label)
    } else {
        label(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Matches every value (its start state has matched): enough to test the lookup order.
    const ANYTHING: Dfa<'static> = Dfa {
        source: "",
        start: 0,
        starts: &[0],
        interval_class: &[0],
        classes: 1,
        ascii: &[0; 128],
        // One row: the transition, the info cell (matched here), the run-length cell.
        table: &[0, 0, 0, 1, 0, 0],
        runs: &[],
        path: &[],
        sets: &[],
        short: None,
        ops: &[],
    };

    const fn outputs(name: &'static str) -> Partition {
        Partition {
            name,
            dns_suffix: "example.com",
            dual_stack_dns_suffix: "api.example",
            supports_fips: true,
            supports_dual_stack: false,
            implicit_global_region: "x-1",
        }
    }

    /// Matches nothing (every transition goes to the dead state).
    const NEVER: Dfa<'static> = Dfa {
        source: "",
        start: 0,
        starts: &[0],
        interval_class: &[0],
        classes: 1,
        ascii: &[0; 128],
        table: &[0, 0, 0, 0, 0, 0],
        runs: &[],
        path: &[],
        sets: &[],
        short: None,
        ops: &[],
    };

    static TABLE: [PartitionEntry; 2] = [
        PartitionEntry {
            regions: &["named-1"],
            region_regex: NEVER,
            outputs: outputs("aws"),
        },
        PartitionEntry {
            regions: &["other-1"],
            region_regex: ANYTHING,
            outputs: outputs("other"),
        },
    ];

    static ONLY_NAMED: [PartitionEntry; 1] = [PartitionEntry {
        regions: &["other-1"],
        region_regex: NEVER,
        outputs: outputs("aws"),
    }];

    #[test]
    fn partitions_by_name_then_pattern_then_aws() {
        assert_eq!(partition(&TABLE, "named-1").map(|p| p.name), Some("aws"));
        assert_eq!(partition(&TABLE, "other-1").map(|p| p.name), Some("other"));
        assert_eq!(partition(&TABLE, "anything").map(|p| p.name), Some("other"));
        assert_eq!(
            partition(&ONLY_NAMED, "nowhere").map(|p| p.name),
            Some("aws")
        );
    }

    #[test]
    fn arns_split_their_resource() {
        let arn = parse_arn("arn:aws:kinesis:us-east-1:123:stream/s:consumer/c").expect("arn");
        assert_eq!(arn.partition, "aws");
        assert_eq!(arn.service, "kinesis");
        assert_eq!(arn.region, "us-east-1");
        assert_eq!(arn.account_id, "123");
        assert_eq!(arn.resource_id, ["stream", "s", "consumer", "c"]);
        assert!(parse_arn("arn:aws:s3:::").is_none());
        assert!(parse_arn("arn::s3:::bucket").is_none());
        assert!(parse_arn("nope:aws:s3:::bucket").is_none());
        assert!(parse_arn("arn:aws:s3").is_none());
        assert_eq!(
            parse_arn("arn:aws:s3:::bucket").map(|a| a.resource_id),
            Some(vec!["bucket".to_string()])
        );
    }

    #[test]
    fn urls_parse_with_normalized_paths_and_ip_detection() {
        let url = parse_url("https://example.com:8443/a/b").expect("url");
        assert_eq!(url.scheme, "https");
        assert_eq!(url.authority, "example.com:8443");
        assert_eq!(url.path, "/a/b");
        assert_eq!(url.normalized_path, "/a/b/");
        assert!(!url.is_ip);
        let url = parse_url("http://127.0.0.1:80").expect("url");
        assert!(url.is_ip);
        assert_eq!(url.normalized_path, "/");
        assert!(parse_url("http://[::1]/").expect("url").is_ip);
        assert!(parse_url("https://example.com/?q=1").is_none());
        assert!(parse_url("ftp://example.com").is_none());
        assert!(parse_url("example.com").is_none());
    }

    #[test]
    fn uri_encode_keeps_only_unreserved_bytes() {
        assert_eq!(uri_encode("a b/c~d_é"), "a%20b%2Fc~d_%C3%A9");
    }

    #[test]
    fn substrings_count_from_either_end() {
        assert_eq!(substring("abcdef", 0, 4, false).as_deref(), Some("abcd"));
        assert_eq!(substring("abcdef", 0, 4, true).as_deref(), Some("cdef"));
        assert_eq!(substring("abc", 0, 4, false), None);
        assert_eq!(substring("abc", 2, 2, false), None);
        assert_eq!(substring("ab\u{e9}d", 0, 2, false), None);
    }

    #[test]
    fn host_labels() {
        assert!(is_valid_host_label("us-east-1", false));
        assert!(!is_valid_host_label("a.b", false));
        assert!(is_valid_host_label("a.b", true));
        assert!(!is_valid_host_label("-a", false));
        assert!(!is_valid_host_label("", false));
        assert!(!is_valid_host_label(&"a".repeat(64), false));
        assert!(!is_valid_host_label("a..b", true));
    }

    #[test]
    fn virtual_hostable_buckets() {
        assert!(is_virtual_hostable_s3_bucket("my-bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("my.bucket", false));
        assert!(is_virtual_hostable_s3_bucket("my.bucket", true));
        assert!(!is_virtual_hostable_s3_bucket("My-Bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("ab", false));
        assert!(!is_virtual_hostable_s3_bucket("192.168.1.1", true));
        assert!(!is_virtual_hostable_s3_bucket("bucket-", false));
    }

    #[test]
    fn errors_keep_the_rule_set_message() {
        let e = ResolveError::new("Invalid Configuration: Missing Region");
        assert_eq!(e.message(), "Invalid Configuration: Missing Region");
        assert!(e.to_string().ends_with("Missing Region"));
        assert_eq!(Endpoint::new("https://x").url, "https://x");
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            /// The rule-set library functions take any Unicode: an answer, never a panic.
            #[test]
            fn library_functions_never_panic(
                text in any::<String>(), start in 0usize..40, stop in 0usize..40, reverse in any::<bool>(), sub in any::<bool>(),
            ) {
                let _ = parse_arn(&text);
                let _ = parse_url(&text);
                let _ = uri_encode(&text);
                let _ = substring(&text, start, stop, reverse);
                let _ = is_valid_host_label(&text, sub);
                let _ = is_virtual_hostable_s3_bucket(&text, sub);
            }

            /// URL- and ARN-shaped text.
            #[test]
            fn shaped_inputs_never_panic(parts in prop::collection::vec("[a-z0-9:/.\\[\\]@%?#é-]{0,8}", 0..8)) {
                let _ = parse_arn(&parts.join(":"));
                let _ = parse_url(&format!("https://{}", parts.join("/")));
                let _ = parse_url(&format!("http://[{}]:{}", parts.join(":"), parts.len()));
            }
        }
    }
}
