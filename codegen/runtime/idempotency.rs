//! Values for `@idempotencyToken` members the caller leaves unset: random UUID v4 strings.
//!
//! `fastrand` (already the retry jitter's source) is enough: a token must be unique, not
//! secret, and its per-thread generator is seeded randomly for every process.

/// A fresh random (version 4, RFC 9562 variant) UUID, such as
/// `0b7c2a9e-3f4d-4c1e-9a8b-5d6e7f809a1b`.
pub(crate) fn token() -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&fastrand::u64(..).to_be_bytes());
    bytes[8..].copy_from_slice(&fastrand::u64(..).to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10xx
    let mut out = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    /// The RFC 9562 text form of a version-4 UUID.
    pub(crate) fn is_uuid_v4(s: &str) -> bool {
        let groups: Vec<&str> = s.split('-').collect();
        groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
            && groups.iter().all(|g| {
                g.chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            })
            && groups[2].starts_with('4')
            && groups[3].starts_with(['8', '9', 'a', 'b'])
    }

    #[test]
    fn tokens_are_version_4_uuids() {
        for _ in 0..1000 {
            let token = token();
            assert!(is_uuid_v4(&token), "{token}");
        }
    }

    #[test]
    fn tokens_do_not_repeat() {
        let tokens: std::collections::BTreeSet<String> = (0..10_000).map(|_| token()).collect();
        assert_eq!(tokens.len(), 10_000);
    }
}
