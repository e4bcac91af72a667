//! Glacier's body checksums (a service customization, see the generator's `customize`
//! module): included only in crates with an operation that sends them.

use sha2::{Digest as _, Sha256};

const MIB: usize = 1 << 20;

/// `X-Amz-Sha256-Tree-Hash` (the SHA-256 of each 1 MiB chunk, then of each pair of hashes,
/// level by level up to one root) and `X-Amz-Content-Sha256` (the SHA-256 of the whole
/// body), both as lower-case hex.
pub(crate) fn checksums(body: &[u8]) -> (http::HeaderValue, http::HeaderValue) {
    let mut level: Vec<[u8; 32]> = if body.is_empty() {
        vec![Sha256::digest(body).into()]
    } else {
        body.chunks(MIB).map(|c| Sha256::digest(c).into()).collect()
    };
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => {
                    let mut hasher = Sha256::new();
                    hasher.update(a);
                    hasher.update(b);
                    hasher.finalize().into()
                }
                [one] => *one,
                _ => unreachable!("chunks(2) yields one or two"),
            })
            .collect();
    }
    let linear: [u8; 32] = Sha256::digest(body).into();
    (hex(&level[0]), hex(&linear))
}

fn hex(bytes: &[u8; 32]) -> http::HeaderValue {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(64);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)]);
        out.push(DIGITS[usize::from(b & 0x0f)]);
    }
    // Hex digits are always a valid header value.
    http::HeaderValue::from_bytes(&out).unwrap_or(http::HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any body: both values are 64 lower-case hex digits, and a body of one chunk (up to
        /// 1 MiB) has equal tree and linear hashes.
        #[test]
        fn any_body_gives_two_hex_digests(body in proptest::collection::vec(any::<u8>(), 0..4096)) {
            let (tree, linear) = checksums(&body);
            for value in [&tree, &linear] {
                prop_assert_eq!(value.len(), 64);
                prop_assert!(value.as_bytes().iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b)));
            }
            prop_assert_eq!(tree, linear);
        }
    }

    #[test]
    fn a_small_body_has_one_chunk_so_both_hashes_agree() {
        let (tree, linear) = checksums(b"hello world");
        let expected = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
        assert_eq!(tree, expected);
        assert_eq!(linear, expected);
    }

    #[test]
    fn larger_bodies_hash_their_chunk_hashes_in_pairs() {
        let body = vec![7u8; 3 * MIB + 5];
        let chunk = |i: usize| -> [u8; 32] {
            Sha256::digest(&body[i * MIB..((i + 1) * MIB).min(body.len())]).into()
        };
        let pair = |a: [u8; 32], b: [u8; 32]| -> [u8; 32] {
            let mut h = Sha256::new();
            h.update(a);
            h.update(b);
            h.finalize().into()
        };
        // Four chunks: ((0,1),(2,3)).
        let root = pair(pair(chunk(0), chunk(1)), pair(chunk(2), chunk(3)));
        let (tree, linear) = checksums(&body);
        assert_eq!(tree, hex(&root));
        assert_eq!(linear, hex(&Sha256::digest(&body).into()));
        assert_ne!(tree, linear);
    }
}
