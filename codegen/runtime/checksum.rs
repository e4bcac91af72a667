//! `@httpChecksumRequired`: the `Content-MD5` header, included only in crates whose
//! operations require it.

use md5::Digest as _;

/// The base64 MD5 digest of a request body, as `Content-MD5` carries it (RFC 1864).
pub(crate) fn content_md5(body: &[u8]) -> http::HeaderValue {
    use base64::Engine as _;
    let digest = md5::Md5::digest(body);
    let text = base64::engine::general_purpose::STANDARD.encode(digest);
    // Base64 is always a valid header value.
    http::HeaderValue::from_str(&text).unwrap_or(http::HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any body (quotes, control characters, invalid UTF-8): 24 characters of base64 that
        /// decode to the 16-byte digest.
        #[test]
        fn any_body_gives_a_base64_digest(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
            use base64::Engine as _;
            let value = content_md5(&body);
            prop_assert_eq!(value.len(), 24);
            let digest = base64::engine::general_purpose::STANDARD.decode(value.as_bytes()).unwrap();
            let expected = md5::Md5::digest(&body);
            prop_assert_eq!(digest.as_slice(), expected.as_slice());
        }
    }

    #[test]
    fn content_md5_is_the_base64_digest_of_the_body() {
        // RFC 1321's test vector "abc", and the protocol suite's `{"foo":"base64 encoded md5 checksum"}`.
        assert_eq!(content_md5(b"abc"), "kAFQmDzST7DWlj99KOF/cg==");
        assert_eq!(content_md5(b""), "1B2M2Y8AsgTpgAmY7PhCfg==");
    }
}
