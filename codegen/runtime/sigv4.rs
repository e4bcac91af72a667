//! AWS Signature Version 4 for HTTP requests, signed in headers.
//!
//! Canonicalization follows the AWS SDKs' defaults: the URI path is normalized (dot and empty
//! segments removed) and percent-encoded again ("double encoding", right for every service but
//! S3); query parameters are form-decoded, re-encoded with the RFC 3986 unreserved set and sorted;
//! header names are lower-cased and values trimmed of spaces with runs of spaces collapsed;
//! `authorization`, `user-agent`, `x-amzn-trace-id` and `transfer-encoding` are never signed. The
//! derived signing key is cached per access key, date, region and service.

use std::fmt;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::credentials::Credentials;
use super::datetime::civil_from_days;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

// Parsed once at compile time rather than on every request.
const X_AMZ_DATE: http::HeaderName = http::HeaderName::from_static("x-amz-date");
const X_AMZ_SECURITY_TOKEN: http::HeaderName =
    http::HeaderName::from_static("x-amz-security-token");

/// Headers that proxies and hop-by-hop handling may change, so they are never signed.
const UNSIGNED_HEADERS: &[&str] = &[
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "transfer-encoding",
];

/// Appends `value` percent-encoded as SigV4 wants it: every byte but the RFC 3986 unreserved
/// characters `A-Z a-z 0-9 - . _ ~` (and `/` in paths, where it separates segments) as `%XX`
/// with upper-case hex. Endpoint rules' `uriEncode` is the same encoding without `keep_slash`.
pub(crate) fn percent_encode(value: &[u8], keep_slash: bool, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in value {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || (keep_slash && b == b'/')
        {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
        }
    }
}

/// `%XX` sequences (two hex digits) decoded to their byte; anything else, a stray `%` included,
/// kept as it is.
fn percent_decode(value: &[u8]) -> Vec<u8> {
    let digit = |b: u8| char::from(b).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        if value[i] == b'%'
            && let (Some(high), Some(low)) = (
                value.get(i + 1).copied().and_then(digit),
                value.get(i + 2).copied().and_then(digit),
            )
        {
            out.push(high << 4 | low);
            i += 3;
        } else {
            out.push(value[i]);
            i += 1;
        }
    }
    out
}

/// What to sign with.
pub(crate) struct SigningParams<'a> {
    pub(crate) credentials: &'a Credentials,
    pub(crate) region: &'a str,
    /// The signing name (`aws.auth#sigv4` `name`).
    pub(crate) service: &'a str,
    pub(crate) time: SystemTime,
}

/// A request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningError(String);

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot sign the request: {}", self.0)
    }
}

impl std::error::Error for SigningError {}

/// A SigV4 signer that remembers the last derived signing key.
#[derive(Default)]
pub(crate) struct Signer {
    cached: Mutex<Option<CachedKey>>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer")
    }
}

struct CachedKey {
    access_key_id: String,
    /// Compared on every use so that rotated credentials never reuse a stale key.
    secret_access_key: String,
    date: String,
    region: String,
    service: String,
    key: [u8; 32],
    /// HMAC keyed with `key`: its inner and outer key blocks already hashed, so each signature
    /// hashes only the string to sign.
    mac: Hmac<Sha256>,
}

/// What a signature says of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Payload {
    /// The body's SHA-256.
    Hash([u8; 32]),
    /// `UNSIGNED-PAYLOAD` (`@unsignedPayload`): the body is not covered, and the request says
    /// so in `x-amz-content-sha256`.
    Unsigned,
    /// `STREAMING-AWS4-HMAC-SHA256-EVENTS`: an input event stream, whose messages are signed
    /// one by one, each chained from the one before and the first from this signature.
    Events,
}

impl Payload {
    /// The hash of `body`.
    pub(crate) fn of(body: &[u8]) -> Payload {
        Payload::Hash(Sha256::digest(body).into())
    }

    /// The literal that stands in for a payload not hashed, in the canonical request and in
    /// `x-amz-content-sha256`.
    fn literal(&self) -> Option<&'static str> {
        match self {
            Payload::Hash(_) => None,
            Payload::Unsigned => Some(UNSIGNED_PAYLOAD),
            Payload::Events => Some(STREAMING_EVENTS),
        }
    }
}

/// The payload hash of an operation with `@unsignedPayload`.
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// The payload hash of a request whose body is an input event stream.
const STREAMING_EVENTS: &str = "STREAMING-AWS4-HMAC-SHA256-EVENTS";
const X_AMZ_CONTENT_SHA256: http::HeaderName =
    http::HeaderName::from_static("x-amz-content-sha256");

/// The parts of a signature, for callers and tests that want them (built without allocating
/// beyond the signed-headers list, which the signature needs anyway).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature {
    /// Lower-case hex.
    pub(crate) signature: HexDigest,
    pub(crate) signed_headers: String,
}

impl Signer {
    /// Signs `request` in place: sets `x-amz-date`, `x-amz-security-token` (for session
    /// credentials) and `authorization`. Any previous signature headers are replaced.
    pub(crate) fn sign(
        &self,
        request: &mut http::Request<Vec<u8>>,
        params: &SigningParams<'_>,
    ) -> Result<Signature, SigningError> {
        let payload = Payload::of(request.body());
        self.sign_with(request, payload, params)
    }

    /// [`sign`](Signer::sign) for a request whose body is not in hand (a stream): `payload`
    /// says what the signature covers.
    pub(crate) fn sign_with<B>(
        &self,
        request: &mut http::Request<B>,
        payload: Payload,
        params: &SigningParams<'_>,
    ) -> Result<Signature, SigningError> {
        let time = format_time(params.time);
        let (date, amz_date) = (time.date(), time.date_time());
        let headers = request.headers_mut();
        headers.remove(http::header::AUTHORIZATION);
        headers.insert(X_AMZ_DATE, header_value(amz_date)?);
        match params.credentials.session_token() {
            Some(token) => {
                let mut value = header_value(token)?;
                value.set_sensitive(true);
                headers.insert(X_AMZ_SECURITY_TOKEN, value);
            }
            None => {
                headers.remove(X_AMZ_SECURITY_TOKEN);
            }
        }
        if let Some(literal) = payload.literal() {
            headers.insert(
                X_AMZ_CONTENT_SHA256,
                http::HeaderValue::from_static(literal),
            );
        }
        let (canonical_hash, signed_headers) = canonical_request_hash(request, &payload)?;
        // The string to sign, fed straight into the HMAC.
        let mut mac = self.with_key(params, date, |cached| cached.mac.clone());
        for piece in [
            ALGORITHM,
            "\n",
            amz_date,
            "\n",
            date,
            "/",
            params.region,
            "/",
            params.service,
            "/aws4_request\n",
        ] {
            mac.update(piece.as_bytes());
        }
        mac.update(hex(&canonical_hash).as_bytes());
        let signature_bytes: [u8; 32] = mac.finalize().into_bytes().into();
        let signature = hex(&signature_bytes);
        // The header value is written once and handed over without another copy.
        let access_key_id = params.credentials.access_key_id();
        let mut authorization = Vec::with_capacity(
            ALGORITHM.len()
                + access_key_id.len()
                + params.region.len()
                + params.service.len()
                + signed_headers.len()
                + 128,
        );
        for piece in [
            ALGORITHM,
            " Credential=",
            access_key_id,
            "/",
            date,
            "/",
            params.region,
            "/",
            params.service,
            "/aws4_request, SignedHeaders=",
            &signed_headers,
            ", Signature=",
            signature.as_str(),
        ] {
            authorization.extend_from_slice(piece.as_bytes());
        }
        let mut authorization =
            http::HeaderValue::from_maybe_shared(bytes::Bytes::from(authorization))
                .map_err(|_| SigningError("a signing value is not a valid header value".into()))?;
        authorization.set_sensitive(true);
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, authorization);
        Ok(Signature {
            signature,
            signed_headers,
        })
    }

    /// Runs `f` on the cached signing key, deriving it first if the credentials, date, region
    /// or service changed.
    fn with_key<R>(
        &self,
        params: &SigningParams<'_>,
        date: &str,
        f: impl FnOnce(&CachedKey) -> R,
    ) -> R {
        let credentials = params.credentials;
        let mut cached = self
            .cached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let fresh = |c: &&CachedKey| {
            c.date == date
                && c.region == params.region
                && c.service == params.service
                && c.access_key_id == credentials.access_key_id()
                && c.secret_access_key == credentials.secret_access_key()
        };
        if let Some(c) = cached.as_ref().filter(fresh) {
            return f(c);
        }
        let key = derive_key(
            credentials.secret_access_key(),
            date,
            params.region,
            params.service,
        );
        let entry = cached.insert(CachedKey {
            access_key_id: credentials.access_key_id().to_string(),
            secret_access_key: credentials.secret_access_key().to_string(),
            date: date.to_string(),
            region: params.region.to_string(),
            service: params.service.to_string(),
            key,
            mac: <Hmac<Sha256> as KeyInit>::new_from_slice(&key)
                .expect("HMAC accepts keys of any length"),
        });
        f(entry)
    }
}

fn header_value(value: &str) -> Result<http::HeaderValue, SigningError> {
    http::HeaderValue::from_str(value)
        .map_err(|_| SigningError("a signing value is not a valid header value".into()))
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The SigV4 signing key of this secret, date (`YYYYMMDD`), region and service.
pub(crate) fn derive_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// Lower-case hex of a 32-byte digest, on the stack.
pub(crate) fn hex(bytes: &[u8; 32]) -> HexDigest {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, &b) in bytes.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(b >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(b & 0xf)];
    }
    HexDigest(out)
}

#[derive(Clone, PartialEq, Eq)]
pub(crate) struct HexDigest([u8; 64]);

impl fmt::Debug for HexDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl HexDigest {
    fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// The SHA-256 of the canonical request and the signed-headers list. The canonical request is
/// written into one buffer and hashed in one pass (many small hash updates cost more).
fn canonical_request_hash<B>(
    request: &http::Request<B>,
    payload: &Payload,
) -> Result<([u8; 32], String), SigningError> {
    let uri = request.uri();
    let mut text: Vec<u8> = Vec::with_capacity(512);
    text.extend_from_slice(request.method().as_str().as_bytes());
    text.push(b'\n');
    let path = uri.path();
    if path == "/" {
        text.push(b'/');
    } else {
        percent_encode(normalize_path(path).as_bytes(), true, &mut text);
    }
    text.push(b'\n');
    if let Some(query) = uri.query().filter(|q| !q.is_empty()) {
        text.extend_from_slice(canonical_query(query).as_bytes());
    }
    text.push(b'\n');

    // Lower-case names (the http crate already lower-cases them), in name order; a repeated
    // header's values, in the order given, joined by ','. One pass over the map: no lookups.
    let headers = request.headers();
    let uri_host = if headers.contains_key(http::header::HOST) {
        None
    } else {
        Some(host_from_uri(uri)?)
    };
    // `None`: a value that is not visible ASCII (`HeaderValue::to_str`), an error once sorted,
    // so that the first such header by name is the one reported. A URI's host always is.
    let mut entries: Vec<(&str, Option<&str>)> = headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.to_str().ok()))
        .filter(|(name, _)| !UNSIGNED_HEADERS.contains(name))
        .chain(uri_host.as_deref().map(|host| ("host", Some(host))))
        .collect();
    // Stable: a repeated header's values keep their order.
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut signed_headers = String::with_capacity(128);
    let mut previous: Option<&str> = None;
    for (name, value) in &entries {
        let value =
            value.ok_or_else(|| SigningError(format!("header `{name}` is not visible ASCII")))?;
        if previous == Some(*name) {
            text.push(b',');
        } else {
            if previous.is_some() {
                text.push(b'\n');
                signed_headers.push(';');
            }
            text.extend_from_slice(name.as_bytes());
            text.push(b':');
            signed_headers.push_str(name);
            previous = Some(name);
        }
        text.extend_from_slice(trim_spaces(value).as_bytes());
    }
    if previous.is_some() {
        text.push(b'\n');
    }
    text.push(b'\n');
    text.extend_from_slice(signed_headers.as_bytes());
    text.push(b'\n');
    match payload {
        Payload::Hash(hash) => text.extend_from_slice(hex(hash).as_bytes()),
        unhashed => text.extend_from_slice(unhashed.literal().unwrap_or_default().as_bytes()),
    }
    Ok((Sha256::digest(&text).into(), signed_headers))
}

fn host_from_uri(uri: &http::Uri) -> Result<String, SigningError> {
    let host = uri.host().ok_or_else(|| {
        SigningError("the request has neither a Host header nor a host in its URI".into())
    })?;
    let default_port = matches!(
        (uri.scheme_str(), uri.port_u16()),
        (Some("http"), Some(80)) | (Some("https"), Some(443))
    );
    Ok(match uri.port() {
        Some(port) if !default_port => format!("{host}:{port}"),
        _ => host.to_string(),
    })
}

/// Trims spaces (only spaces, as AWS does) and collapses runs of spaces to one; borrows when
/// there is nothing to change.
fn trim_spaces(value: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = value.trim_matches(' ');
    if !trimmed.contains("  ") {
        return std::borrow::Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut previous_space = false;
    for c in trimmed.chars() {
        if c == ' ' && previous_space {
            continue;
        }
        previous_space = c == ' ';
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}

/// Removes `.`, `..` and empty segments; keeps a trailing slash; always starts with `/`.
fn normalize_path(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut out = format!("/{}", segments.join("/"));
    let trailing = ["/", "/.", "/./", "/..", "/../"]
        .iter()
        .any(|s| path.ends_with(s));
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Form-decodes the query (`+` is a space), re-encodes every key and value with the unreserved
/// set, sorts the pairs and joins them.
fn canonical_query(query: &str) -> String {
    let decode = |s: &str| {
        let spaced = s.replace('+', " ");
        let bytes = percent_decode(spaced.as_bytes());
        let mut encoded = Vec::with_capacity(bytes.len());
        percent_encode(
            String::from_utf8_lossy(&bytes).as_bytes(),
            false,
            &mut encoded,
        );
        // Only ASCII was written.
        String::from_utf8(encoded).unwrap_or_default()
    };
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(pair), String::new()),
        })
        .collect();
    pairs.sort();
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// `YYYYMMDDTHHMMSSZ` in UTC (times before 1970 are clamped to the epoch), on the stack.
pub(crate) struct SigningTime([u8; 16]);

impl SigningTime {
    /// `YYYYMMDD`.
    pub(crate) fn date(&self) -> &str {
        &self.date_time()[..8]
    }

    /// `YYYYMMDDTHHMMSSZ`.
    pub(crate) fn date_time(&self) -> &str {
        // Only ASCII digits, `T` and `Z` are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

pub(crate) fn format_time(time: SystemTime) -> SigningTime {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    let mut out = *b"00000000T000000Z";
    let mut put = |at: usize, width: usize, mut value: u64| {
        for i in (0..width).rev() {
            out[at + i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, 4, year.clamp(0, 9999) as u64);
    put(4, 2, u64::from(month));
    put(6, 2, u64::from(day));
    put(9, 2, rem / 3600);
    put(11, 2, rem % 3600 / 60);
    put(13, 2, rem % 60);
    SigningTime(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cached signing key for these credentials, date, region and service.
    fn signing_key(signer: &Signer, params: &SigningParams<'_>, date: &str) -> [u8; 32] {
        signer.with_key(params, date, |cached| cached.key)
    }
    use std::time::Duration;

    fn at(amz: &str) -> SystemTime {
        // Only the dates the tests use.
        match amz {
            "20260102T030405Z" => UNIX_EPOCH + Duration::from_secs(1_767_323_045),
            other => panic!("no fixture time for {other}"),
        }
    }

    #[test]
    fn a_header_that_is_not_visible_ascii_is_named_and_nothing_is_signed() {
        let credentials = Credentials::new("AKIDEXAMPLE", "secret", None);
        let params = SigningParams {
            credentials: &credentials,
            region: "us-east-1",
            service: "rekognition",
            time: at("20260102T030405Z"),
        };
        for (name, value) in [("x-b", &b"caf\xc3\xa9"[..]), ("x-a", b"latin-1 \xe9")] {
            let mut request = oracle_request();
            request.headers_mut().insert(
                http::HeaderName::from_static("x-z"),
                http::HeaderValue::from_bytes(b"also \xff bad").expect("obs-text is allowed"),
            );
            request.headers_mut().insert(
                http::HeaderName::from_static(name),
                http::HeaderValue::from_bytes(value).expect("allowed header bytes"),
            );
            let error = Signer::default()
                .sign(&mut request, &params)
                .expect_err("not visible ASCII");
            // The first offending header by name.
            assert!(
                error
                    .to_string()
                    .contains(&format!("header `{name}` is not visible ASCII")),
                "{error}"
            );
            assert!(!request.headers().contains_key("authorization"));
        }
    }

    fn oracle_request() -> http::Request<Vec<u8>> {
        let body = br#"{"KmsKeyId":"alias/liveness","Settings":{"OutputConfig":{"S3Bucket":"my-bucket","S3KeyPrefix":"audit/"},"AuditImagesLimit":2},"ClientRequestToken":"tok-1"}"#;
        http::Request::builder()
            .method("POST")
            .uri("https://rekognition.us-east-1.amazonaws.com/")
            .header("Content-Type", "application/x-amz-json-1.1")
            .header(
                "X-Amz-Target",
                "RekognitionService.CreateFaceLivenessSession",
            )
            .body(body.to_vec())
            .expect("valid request")
    }

    #[test]
    fn matches_the_oracle_vector() {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        );
        let mut request = oracle_request();
        assert_eq!(
            hex(&Sha256::digest(request.body()).into()).as_str(),
            "1b431716afcf49efdde759f946f9081a8d271732fb3280f53488e9b531c596c1"
        );
        let params = SigningParams {
            credentials: &credentials,
            region: "us-east-1",
            service: "rekognition",
            time: at("20260102T030405Z"),
        };
        Signer::default()
            .sign(&mut request, &params)
            .expect("signs");
        assert_eq!(
            request.headers()["authorization"],
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/us-east-1/rekognition/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=87ce671e6d1e61f233036656771f0bc040ba2d7c3c1bb908599b5678242be935"
        );
        assert_eq!(request.headers()["x-amz-date"], "20260102T030405Z");
        assert!(!request.headers().contains_key("x-amz-security-token"));
    }

    #[test]
    fn session_tokens_are_sent_and_signed() {
        let credentials = Credentials::new("AKID", "SECRET", Some("TOKEN".into()));
        let mut request = oracle_request();
        let params = SigningParams {
            credentials: &credentials,
            region: "eu-west-1",
            service: "rekognition",
            time: at("20260102T030405Z"),
        };
        let signature = Signer::default()
            .sign(&mut request, &params)
            .expect("signs");
        assert_eq!(request.headers()["x-amz-security-token"], "TOKEN");
        assert_eq!(
            signature.signed_headers,
            "content-type;host;x-amz-date;x-amz-security-token;x-amz-target"
        );
    }

    #[test]
    fn re_signing_replaces_the_previous_signature() {
        let credentials = Credentials::new("AKID", "SECRET", None);
        let signer = Signer::default();
        let mut request = oracle_request();
        let first = SigningParams {
            credentials: &credentials,
            region: "us-east-1",
            service: "s",
            time: at("20260102T030405Z"),
        };
        let a = signer.sign(&mut request, &first).expect("signs");
        let later = SigningParams {
            time: first.time + Duration::from_secs(1),
            ..first
        };
        let b = signer.sign(&mut request, &later).expect("signs");
        assert_ne!(a.signature, b.signature);
        assert_eq!(request.headers().get_all("authorization").iter().count(), 1);
        assert_eq!(request.headers()["x-amz-date"], "20260102T030406Z");
    }

    #[test]
    fn cached_key_is_reused_only_for_the_same_scope_and_secret() {
        let signer = Signer::default();
        let one = Credentials::new("AKID", "SECRET-1", None);
        let two = Credentials::new("AKID", "SECRET-2", None);
        let params = |c| SigningParams {
            credentials: c,
            region: "us-east-1",
            service: "s",
            time: at("20260102T030405Z"),
        };
        let k1 = signing_key(&signer, &params(&one), "20260102");
        assert_eq!(signing_key(&signer, &params(&one), "20260102"), k1);
        assert_ne!(
            signing_key(&signer, &params(&two), "20260102"),
            k1,
            "a rotated secret must not reuse the key"
        );
        assert_ne!(
            signing_key(&signer, &params(&two), "20260103"),
            signing_key(&signer, &params(&two), "20260102")
        );
    }

    #[test]
    fn formats_dates_across_leap_years_and_centuries() {
        let secs = |s: u64| UNIX_EPOCH + Duration::from_secs(s);
        assert_eq!(format_time(secs(0)).date_time(), "19700101T000000Z");
        assert_eq!(
            format_time(secs(951_782_400)).date_time(),
            "20000229T000000Z"
        );
        assert_eq!(
            format_time(secs(4_102_444_799)).date_time(),
            "20991231T235959Z"
        );
        assert_eq!(
            format_time(secs(4_107_542_399)).date_time(),
            "21000228T235959Z"
        );
        assert_eq!(
            format_time(secs(1_767_323_045)).date_time(),
            "20260102T030405Z"
        );
    }

    #[test]
    fn canonical_pieces() {
        assert_eq!(normalize_path(""), "/");
        assert_eq!(normalize_path("/a/./b/../c//d/"), "/a/c/d/");
        assert_eq!(normalize_path("/a/.."), "/");
        assert_eq!(
            canonical_query("b=2&a=1&a=0&c&&d=x+y%20z"),
            "a=0&a=1&b=2&c=&d=x%20y%20z"
        );
        assert_eq!(trim_spaces("  a   b\t c  "), "a b\t c");
    }

    mod against_aws_sigv4 {
        use super::*;
        use aws_credential_types::Credentials as AwsCredentials;
        use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
        use aws_sigv4::sign::v4;
        use aws_smithy_runtime_api::client::identity::Identity;
        use proptest::prelude::*;

        fn reference_signature(
            request: &http::Request<Vec<u8>>,
            credentials: &Credentials,
            region: &str,
            service: &str,
            time: SystemTime,
        ) -> String {
            let identity: Identity = AwsCredentials::new(
                credentials.access_key_id(),
                credentials.secret_access_key(),
                credentials.session_token().map(str::to_string),
                None,
                "test",
            )
            .into();
            let params = v4::SigningParams::builder()
                .identity(&identity)
                .region(region)
                .name(service)
                .time(time)
                .settings(SigningSettings::default())
                .build()
                .expect("params")
                .into();
            let headers: Vec<(&str, &str)> = request
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str(), v.to_str().expect("visible ASCII")))
                .collect();
            let uri = request.uri().to_string();
            let signable = SignableRequest::new(
                request.method().as_str(),
                &uri,
                headers.into_iter(),
                SignableBody::Bytes(request.body()),
            )
            .expect("signable");
            let (_, signature) = sign(signable, &params)
                .expect("reference signs")
                .into_parts();
            signature
        }

        fn method() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("GET".to_string()),
                Just("POST".to_string()),
                Just("PUT".to_string()),
                Just("DELETE".to_string()),
                Just("PATCH".to_string()),
                "[A-Z]{1,8}",
            ]
        }

        fn path() -> impl Strategy<Value = String> {
            prop::collection::vec(
                prop_oneof![
                    "[a-zA-Z0-9._~-]{0,6}",
                    Just(".".to_string()),
                    Just("..".to_string()),
                    "(%[0-9A-F]{2}|[a-z!$&'()*+,;=:@]){1,4}",
                ],
                0..5,
            )
            .prop_map(|segments| format!("/{}", segments.join("/")))
        }

        fn query() -> impl Strategy<Value = String> {
            prop::collection::vec(
                (
                    "[a-zA-Z0-9_.~+-]{0,5}|(%[0-9A-F]{2}){1,2}",
                    "[a-zA-Z0-9_.~+/:=-]{0,6}|(%[0-9A-F]{2}){1,3}",
                    any::<bool>(),
                ),
                0..5,
            )
            .prop_map(|pairs| {
                pairs
                    .into_iter()
                    .map(|(k, v, with_eq)| if with_eq { format!("{k}={v}") } else { k })
                    .collect::<Vec<_>>()
                    .join("&")
            })
        }

        fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
            prop::collection::vec(
                (
                    prop_oneof![
                        "[A-Za-z][A-Za-z0-9-]{0,10}",
                        Just("X-Amz-Target".to_string()),
                        Just("Content-Type".to_string()),
                        Just("User-Agent".to_string()),
                        Just("X-Amzn-Trace-Id".to_string()),
                        Just("Transfer-Encoding".to_string()),
                        Just("x-amz-meta-Dup".to_string()),
                    ],
                    "[ \\t]{0,3}[!-~]{0,4}( {1,3}[!-~\\t]{0,4}){0,3}[ \\t]{0,3}",
                ),
                0..6,
            )
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            #[test]
            fn our_signature_equals_aws_sigv4(
                method in method(),
                host in "[a-z][a-z0-9-]{0,10}(\\.[a-z0-9-]{1,8}){0,2}",
                port in prop::option::of(prop_oneof![Just(443u16), Just(80u16), 1u16..65535]),
                https in any::<bool>(),
                path in path(),
                query in query(),
                headers in headers(),
                body in prop_oneof![
                    Just(Vec::new()),
                    prop::collection::vec(any::<u8>(), 0..64),
                    prop::collection::vec(any::<u8>(), 100_000..100_001),
                ],
                token in prop::option::of("[A-Za-z0-9/+=]{1,64}"),
                secret in "[A-Za-z0-9/+]{1,40}",
                region in prop_oneof![Just("us-east-1".to_string()), "[a-z]{2}-[a-z]{4,8}-[1-9]"],
                service in "[a-z0-9-]{1,12}",
                seconds in 0u64..4_102_444_800,
            ) {
                let scheme = if https { "https" } else { "http" };
                let authority = match port { Some(p) => format!("{host}:{p}"), None => host.clone() };
                let uri = if query.is_empty() { format!("{scheme}://{authority}{path}") } else { format!("{scheme}://{authority}{path}?{query}") };
                let mut builder = http::Request::builder().method(method.as_str()).uri(uri.as_str());
                for (name, value) in &headers {
                    builder = builder.header(name.as_str(), value.as_str());
                }
                let mut request = builder.body(body).expect("valid request");
                let credentials = Credentials::new("AKIDEXAMPLE", secret, token);
                let time = UNIX_EPOCH + std::time::Duration::from_secs(seconds);
                let expected = reference_signature(&request, &credentials, &region, &service, time);
                let params = SigningParams { credentials: &credentials, region: &region, service: &service, time };
                let ours = Signer::default().sign(&mut request, &params).expect("we sign");
                prop_assert_eq!(ours.signature.as_str(), expected);
            }
        }
    }
}
