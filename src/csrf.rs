//! CSRF tokens: random, one per run, carried in the signed visitor cookie
//! and in every form, compared in constant time.

use rand::RngCore;
use subtle::ConstantTimeEq;

/// The name of the hidden form field that carries the token.
pub const CSRF_FIELD: &str = "csrf_token";

/// The header a JSON client may carry its CSRF token in, instead of the
/// body's `csrf_token`.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// `bytes` random bytes in base64url (no padding): the shortest form in
/// a cookie, a URL or a form, with nothing to escape.
pub(crate) fn random_id(bytes: usize) -> String {
    use base64::Engine;
    // On the stack: every id the crate makes is at most 32 bytes.
    let mut raw = [0u8; 32];
    let raw = &mut raw[..bytes.min(32)];
    rand::rng().fill_bytes(raw);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
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
    fn ids_are_random_and_cookie_safe() {
        let a = random_id(16);
        assert_eq!(a.len(), 22);
        assert_ne!(a, random_id(16));
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
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
