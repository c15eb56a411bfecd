//! Entry points for the fuzz targets and the micro-benchmarks (feature
//! `internals`, not a public API): each runs one untrusted-input path of
//! the crate; the fuzz entry points also check what must always hold.

use serde::Deserialize;

pub use crate::cipher::StateCipher;
use crate::cipher::StateKey;
use crate::form::{FormLimits, RawForm, decode};
use crate::state::WizardState;

/// A step with every kind of field the decoder supports.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct EveryKind {
    text: String,
    secret: crate::Secret,
    whole: u32,
    signed: Option<i64>,
    real: Option<f64>,
    flag: bool,
    list: Vec<u16>,
    choice: Option<Choice>,
    choices: Vec<Choice>,
    letter: Option<char>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Choice {
    One,
    Two,
}

/// Parses a body as a form, then decodes it into a step: never panics,
/// never fails on a value (only records mismatches).
pub fn form(body: &[u8]) {
    if let Ok(form) = RawForm::parse(body, FormLimits::default()) {
        let decoded = decode::<EveryKind>(&form);
        assert!(decoded.is_ok(), "a value failed the whole decode");
    }
}

/// Reads bytes as a sealed state and as a state's JSON: never panics;
/// whatever decodes seals and opens back to the same JSON.
pub fn state(bytes: &[u8]) {
    let cipher = StateCipher::new(&StateKey::derive(&actix_web::cookie::Key::from(&[3u8; 64])));
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = WizardState::open(text, &cipher, b"fuzz:state");
    }
    if let Ok(state) = serde_json::from_slice::<WizardState>(bytes) {
        let sealed = state.seal(&cipher, b"fuzz:state", usize::MAX);
        let sealed = sealed.unwrap_or_else(|_| panic!("a decoded state did not seal"));
        let reopened = WizardState::open(&sealed, &cipher, b"fuzz:state");
        let reopened = reopened.unwrap_or_else(|| panic!("a sealed state did not open"));
        assert_eq!(
            serde_json::to_string(&reopened).ok(),
            serde_json::to_string(&state).ok()
        );
    }
}

/// Splits bytes into an expected and a submitted token: the check agrees
/// with plain equality.
pub fn csrf(bytes: &[u8]) {
    let (expected, submitted) = bytes.split_at(bytes.len() / 2);
    assert_eq!(
        crate::csrf::tokens_match(expected, submitted),
        expected == submitted
    );
    assert!(crate::csrf::tokens_match(expected, expected));
}

/// A stored state, opaque.
pub struct SampleState(WizardState);

/// A realistic state: two steps answered.
pub fn sample_state() -> SampleState {
    let mut state = WizardState::new(1, "0f1e2d3c4b5a69788796a5b4c3d2e1f0".into(), 1_700_000_000);
    state.step_mut("account").answers = serde_json::value::to_raw_value(&serde_json::json!({
        "email": "ann@example.com", "password": "secret123",
        "password_confirm": "secret123", "account_type": "personal"
    }))
    .ok();
    state.step_mut("profile").answers = serde_json::value::to_raw_value(&serde_json::json!({
        "display_name": "Ann", "age": 30, "interests": ["rust", "web"],
        "newsletter": true, "bio": null
    }))
    .ok();
    SampleState(state)
}

/// The cipher the benchmarks use.
pub fn sample_cipher() -> StateCipher {
    StateCipher::new(&StateKey::derive(&actix_web::cookie::Key::from(&[3u8; 64])))
}

/// Seals a state (what every state-changing request does).
pub fn seal_state(state: &SampleState, cipher: &StateCipher) -> String {
    state
        .0
        .seal(cipher, b"signup:state", usize::MAX)
        .unwrap_or_default()
}

/// Opens a sealed state (what every request with a session does).
pub fn open_state(sealed: &str, cipher: &StateCipher) -> bool {
    WizardState::open(sealed, cipher, b"signup:state").is_some()
}

/// Parses a body and decodes it into a step type; how many fields did not
/// fit.
pub fn parse_and_decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> usize {
    RawForm::parse(body, FormLimits::default())
        .ok()
        .and_then(|form| decode::<T>(&form).ok())
        .map_or(usize::MAX, |decoded| decoded.mismatches.len())
}
