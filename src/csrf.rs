//! CSRF tokens: random, one per run, carried in the signed visitor cookie
//! and in every form, compared in constant time.

use rand::RngCore;
use subtle::ConstantTimeEq;

/// The name of the hidden form field that carries the token.
pub const CSRF_FIELD: &str = "csrf_token";

/// `bytes` random bytes, hex-encoded.
pub(crate) fn random_hex(bytes: usize) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut raw = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut raw);
    let mut hex = String::with_capacity(bytes * 2);
    for byte in raw {
        hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
        hex.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    hex
}

/// Whether a submitted token equals the expected one, in constant time.
pub(crate) fn tokens_match(expected: &[u8], submitted: &[u8]) -> bool {
    // ct_eq is constant-time for equal lengths; a length mismatch only
    // reveals the length, which is public.
    expected.len() == submitted.len() && bool::from(expected.ct_eq(submitted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_distinct() {
        let a = random_hex(32);
        let b = random_hex(32);
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn only_the_exact_token_matches() {
        assert!(tokens_match(b"abcd", b"abcd"));
        assert!(!tokens_match(b"abcd", b"abce"));
        assert!(!tokens_match(b"abcd", b"abc"));
        assert!(!tokens_match(b"abcd", b""));
    }

    proptest::proptest! {
        #[test]
        fn matches_exactly_when_equal(a in "[0-9a-f]{0,70}", b in "[0-9a-f]{0,70}") {
            proptest::prop_assert_eq!(tokens_match(a.as_bytes(), b.as_bytes()), a == b);
            proptest::prop_assert!(tokens_match(a.as_bytes(), a.as_bytes()));
        }
    }
}
