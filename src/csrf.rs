//! CSRF tokens: one random token per session, checked in constant time.

use actix_session::{Session, SessionInsertError};
use rand::RngCore;
use subtle::ConstantTimeEq;

/// The name of the hidden form field that carries the token.
pub const CSRF_FIELD: &str = "csrf_token";

/// Where the token lives in the session (shared by all wizards).
const SESSION_ENTRY: &str = "wizard.csrf";

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

/// The session's token, created (and stored) on first use.
pub(crate) fn token(session: &Session) -> Result<String, SessionInsertError> {
    if let Ok(Some(token)) = session.get::<String>(SESSION_ENTRY) {
        return Ok(token);
    }
    let token = random_hex(32);
    session.insert(SESSION_ENTRY, &token)?;
    Ok(token)
}

/// Whether `submitted` is the session's token. A session without a token
/// accepts nothing.
pub(crate) fn verify(session: &Session, submitted: Option<&str>) -> bool {
    let Ok(Some(expected)) = session.get::<String>(SESSION_ENTRY) else {
        return false;
    };
    let submitted = submitted.unwrap_or("");
    tokens_match(expected.as_bytes(), submitted.as_bytes())
}

pub(crate) fn tokens_match(expected: &[u8], submitted: &[u8]) -> bool {
    // ct_eq is constant-time for equal lengths; a length mismatch only
    // reveals the length, which is public (always 64).
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
