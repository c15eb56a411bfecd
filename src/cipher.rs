//! [`StateCipher`]: wizard state is encrypted before it reaches any store.

use std::fmt;

use actix_web::cookie::Key;
use aes::Aes256Enc;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cmac::{Cmac, Mac};
use hkdf::Hkdf;
use rand::RngCore;
use sha2::Sha256;

const NONCE_BYTES: usize = 12;
const DERIVATION_LABEL: &[u8] = b"actix-wizard: wizard state at rest, v1";
const SIGNING_LABEL: &[u8] = b"actix-wizard: signed cookies, v1";
/// A signature: AES-CMAC's 128-bit tag.
const SIGNATURE_BYTES: usize = 16;

/// 32 bytes derived from the session key for the state cipher. Its
/// `Debug` output shows nothing of it.
#[derive(Clone)]
pub struct StateKey([u8; 32]);

impl StateKey {
    /// Derives the state key from the session key (HKDF-SHA256 over the
    /// key's 64 bytes), so one configured secret serves both.
    pub fn derive(session_key: &Key) -> Self {
        let mut out = [0u8; 32];
        let expanded =
            Hkdf::<Sha256>::new(None, session_key.master()).expand(DERIVATION_LABEL, &mut out);
        // 32 bytes is far below HKDF-SHA256's 8160-byte limit, so this
        // cannot fail; keep the zeroed key unreachable all the same.
        if expanded.is_err() {
            rand::rng().fill_bytes(&mut out);
        }
        Self(out)
    }

    /// A random key: state becomes unreadable when the process restarts.
    pub fn random() -> Self {
        let mut out = [0u8; 32];
        rand::rng().fill_bytes(&mut out);
        Self(out)
    }
}

impl fmt::Debug for StateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StateKey([redacted])")
    }
}

/// AES-256-GCM over the wizard's stored values: a dump of Redis or
/// memcached shows no answers, and a changed byte makes the value
/// unreadable rather than wrong. Each value is bound to what it is (its
/// `context`, e.g. the wizard's id), so values cannot be swapped.
/// (Reachable as `internals::StateCipher` for the fuzz targets and the
/// tests that forge sealed values.)
#[derive(Clone)]
pub struct StateCipher {
    aead: Aes256Gcm,
    /// AES-CMAC under a key of its own: a deterministic MAC that needs no
    /// nonce (so a signed cookie carries 22 characters of tag, not 38) and
    /// costs a few AES blocks with AES-NI, a tenth of HMAC-SHA256.
    signing: Cmac<Aes256Enc>,
}

impl fmt::Debug for StateCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StateCipher")
    }
}

impl StateCipher {
    /// A cipher under `key`.
    pub fn new(key: &StateKey) -> Self {
        let mut signing_key = [0u8; 32];
        let expanded =
            Hkdf::<Sha256>::from_prk(&key.0).map(|prk| prk.expand(SIGNING_LABEL, &mut signing_key));
        if !matches!(expanded, Ok(Ok(()))) {
            // A 32-byte PRK always expands to 32 bytes; never sign with zeros.
            rand::rng().fill_bytes(&mut signing_key);
        }
        Self {
            aead: Aes256Gcm::new((&key.0).into()),
            signing: <Cmac<Aes256Enc> as KeyInit>::new((&signing_key).into()),
        }
    }

    /// The MAC of `value` bound to `context`, ready to be finalized or
    /// checked.
    fn mac(&self, value: &str, context: &[u8]) -> Cmac<Aes256Enc> {
        let mut mac = self.signing.clone();
        mac.update(context);
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac
    }

    /// Signs the value that `out` holds from byte `from` on: appends `.`
    /// and a MAC over that value bound to `context`, for values that must
    /// not be changed but need not be hidden (a cookie, written straight
    /// into its header).
    pub(crate) fn sign_into(&self, out: &mut String, from: usize, context: &[u8]) {
        let tag = self.mac(&out[from..], context).finalize().into_bytes();
        out.push('.');
        URL_SAFE_NO_PAD.encode_string(tag, out);
    }

    /// A short tag of `value` bound to `context`: 16 base64url
    /// characters (96 bits of the MAC), for an id that only this key
    /// could have made for this context.
    pub(crate) fn tag(&self, value: &str, context: &[u8]) -> String {
        let tag = self.mac(value, context).finalize().into_bytes();
        URL_SAFE_NO_PAD.encode(&tag[..12])
    }

    /// The value of what [`StateCipher::sign`] made with the same key and
    /// context; `None` for anything else. Compared in constant time.
    pub(crate) fn verify<'s>(&self, signed: &'s str, context: &[u8]) -> Option<&'s str> {
        let (value, signature) = signed.rsplit_once('.')?;
        let mut tag = [0u8; SIGNATURE_BYTES];
        URL_SAFE_NO_PAD
            .decode_slice(signature, &mut tag)
            .ok()
            .filter(|n| *n == SIGNATURE_BYTES)?;
        self.mac(value, context)
            .verify_slice(&tag)
            .ok()
            .map(|()| value)
    }

    /// Encrypts `plaintext` bound to `context`: base64url of a random
    /// 96-bit nonce followed by the ciphertext and its tag.
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext,
            aad: context,
        };
        // Encryption fails only for inputs over 64 GiB, far beyond any
        // state cap; an empty ciphertext then simply never opens.
        let ciphertext = self
            .aead
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut sealed = Vec::with_capacity(NONCE_BYTES + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        URL_SAFE_NO_PAD.encode(sealed)
    }

    /// Decrypts what [`StateCipher::seal`] made with the same key and
    /// context; `None` for anything else (tampered, truncated, another
    /// key, another context, not base64).
    pub fn open(&self, sealed: &str, context: &[u8]) -> Option<Vec<u8>> {
        let raw = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if raw.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, ciphertext) = raw.split_at(NONCE_BYTES);
        self.aead
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context,
                },
            )
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_for_its_context_only_and_shows_nothing() {
        let cipher = StateCipher::new(&StateKey::derive(&Key::generate()));
        let sealed = cipher.seal(br#"{"email":"ann@example.com"}"#, b"signup");
        assert!(!sealed.contains("ann"));
        assert_eq!(
            cipher.open(&sealed, b"signup").as_deref(),
            Some(&br#"{"email":"ann@example.com"}"#[..])
        );
        assert_eq!(cipher.open(&sealed, b"other-wizard"), None);
    }

    #[test]
    fn every_changed_byte_is_refused() {
        let cipher = StateCipher::new(&StateKey::random());
        let sealed = cipher.seal(b"answers", b"w");
        let raw = URL_SAFE_NO_PAD.decode(&sealed).unwrap();
        for at in 0..raw.len() {
            let mut tampered = raw.clone();
            tampered[at] ^= 0x01;
            assert_eq!(
                cipher.open(&URL_SAFE_NO_PAD.encode(tampered), b"w"),
                None,
                "byte {at}"
            );
        }
        assert_eq!(cipher.open(&sealed[..sealed.len() - 2], b"w"), None);
        assert_eq!(cipher.open("", b"w"), None);
        assert_eq!(cipher.open("not base64 !", b"w"), None);
    }

    #[test]
    fn the_same_session_key_gives_the_same_state_key() {
        let session_key = Key::generate();
        let a = StateCipher::new(&StateKey::derive(&session_key));
        let b = StateCipher::new(&StateKey::derive(&session_key));
        let other = StateCipher::new(&StateKey::derive(&Key::generate()));
        let sealed = a.seal(b"x", b"w");
        assert_eq!(b.open(&sealed, b"w").as_deref(), Some(&b"x"[..]));
        assert_eq!(other.open(&sealed, b"w"), None);
        assert_ne!(a.seal(b"x", b"w"), sealed, "a fresh nonce each time");
    }

    #[test]
    fn a_signature_holds_for_its_value_and_context_only() {
        let cipher = StateCipher::new(&StateKey::random());
        let mut signed = String::from("run.token.a");
        cipher.sign_into(&mut signed, 0, b"w");
        let mut in_header = String::from("name=run.token.a");
        cipher.sign_into(&mut in_header, "name=".len(), b"w");
        assert_eq!(in_header, format!("name={signed}"), "signs from `from` on");
        assert_eq!(cipher.verify(&signed, b"w"), Some("run.token.a"));
        assert_eq!(cipher.verify(&signed, b"other"), None);
        assert_eq!(cipher.verify(&signed.replace("run", "nur"), b"w"), None);
        assert_eq!(cipher.verify("run.token.a", b"w"), None);
        let other = StateCipher::new(&StateKey::random());
        assert_eq!(other.verify(&signed, b"w"), None);
    }

    #[test]
    fn debug_output_hides_the_key() {
        assert_eq!(format!("{:?}", StateKey::random()), "StateKey([redacted])");
    }
}
