//! [`RawForm`]: the fields of a submitted form, exactly as typed.

use std::borrow::Cow;
use std::fmt;

use percent_encoding::percent_decode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Limits applied while reading a form body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormLimits {
    /// Most fields (`name=value` pairs) a body may hold. Default 1000.
    pub max_fields: usize,
}

impl Default for FormLimits {
    fn default() -> Self {
        Self { max_fields: 1000 }
    }
}

/// Why a body is not a usable `application/x-www-form-urlencoded` form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MalformedForm {
    /// A name or value is not valid UTF-8 once decoded.
    NotUtf8,
    /// A `%` is not followed by two hexadecimal digits.
    BadEscape,
    /// More fields than [`FormLimits::max_fields`].
    TooManyFields {
        /// The limit that was passed.
        limit: usize,
    },
}

impl fmt::Display for MalformedForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotUtf8 => f.write_str("the form data is not valid UTF-8"),
            Self::BadEscape => f.write_str("the form data has a malformed %-escape"),
            Self::TooManyFields { limit } => write!(f, "the form has more than {limit} fields"),
        }
    }
}

impl std::error::Error for MalformedForm {}

/// The fields of a form as submitted: names and values in order, a name
/// repeated once per checked checkbox.
///
/// ```
/// use actix_wizard::{form::FormLimits, form::RawForm};
///
/// let form = RawForm::parse(b"interests=rust&interests=web&bio=Hi+there%21", FormLimits::default())?;
/// assert_eq!(form.values("interests").collect::<Vec<_>>(), ["rust", "web"]);
/// assert_eq!(form.first("bio"), Some("Hi there!"));
/// # Ok::<(), actix_wizard::form::MalformedForm>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawForm(Vec<(String, String)>);

impl RawForm {
    /// Decodes an `application/x-www-form-urlencoded` body strictly: invalid
    /// UTF-8 or a broken `%`-escape is an error rather than a silent
    /// replacement character.
    pub fn parse(body: &[u8], limits: FormLimits) -> Result<Self, MalformedForm> {
        let mut fields = Vec::new();
        for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
            if fields.len() == limits.max_fields {
                return Err(MalformedForm::TooManyFields {
                    limit: limits.max_fields,
                });
            }
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &b""[..]),
            };
            fields.push((decode_component(name)?, decode_component(value)?));
        }
        Ok(Self(fields))
    }

    /// Every value given for `name`, in order.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value given for `name`.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `{name}-{part}` (a date's `dob-day`), found
    /// without building the key.
    pub(crate) fn first_part(&self, name: &str, part: &str) -> Option<&str> {
        self.0.iter().find_map(|(key, value)| {
            let rest = key.strip_prefix(name)?.strip_prefix('-')?;
            (rest == part).then_some(value.as_str())
        })
    }

    /// Replaces each value for which `change(name, value)` gives one.
    pub(crate) fn change_values(&mut self, mut change: impl FnMut(&str, &str) -> Option<String>) {
        for (name, value) in &mut self.0 {
            if let Some(changed) = change(name, value) {
                *value = changed;
            }
        }
    }

    /// Every value, by name, in order.
    #[cfg_attr(not(feature = "uploads"), allow(dead_code))]
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// Adds a value.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    /// Keeps only the fields for which `keep` answers true.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.0.retain(|(name, _)| keep(name));
    }

    /// Keeps only the values for which `keep(name, value)` answers true.
    pub(crate) fn retain_values(&mut self, mut keep: impl FnMut(&str, &str) -> bool) {
        self.0.retain(|(name, value)| keep(name, value));
    }

    /// Whether the form has no field at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The form values that show a stored answer again: one value per
    /// scalar, one per element of a list, nothing for `null` or for the
    /// fields named in `hidden` (secrets).
    pub(crate) fn from_answers(answers: &Value, hidden: &[&str]) -> Self {
        let mut form = Self::default();
        if let Value::Object(fields) = answers {
            for (name, value) in fields.iter().filter(|(n, _)| !hidden.contains(&n.as_str())) {
                match value {
                    Value::Array(items) => {
                        for item in items {
                            if let Some(text) = scalar_text(item) {
                                form.push(name.as_str(), text);
                            }
                        }
                    }
                    other => {
                        if let Some(text) = scalar_text(other) {
                            form.push(name.as_str(), text);
                        }
                    }
                }
            }
        }
        form
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn decode_component(raw: &[u8]) -> Result<String, MalformedForm> {
    // Most names and many values are plain: no escapes, no spaces.
    if !raw.iter().any(|b| matches!(b, b'%' | b'+')) {
        return std::str::from_utf8(raw)
            .map(str::to_owned)
            .map_err(|_| MalformedForm::NotUtf8);
    }
    let mut rest = raw;
    while let Some(at) = rest.iter().position(|b| *b == b'%') {
        let escape = rest.get(at + 1..at + 3).ok_or(MalformedForm::BadEscape)?;
        if !escape.iter().all(u8::is_ascii_hexdigit) {
            return Err(MalformedForm::BadEscape);
        }
        rest = &rest[at + 3..];
    }
    let spaced: Cow<'_, [u8]> = if raw.contains(&b'+') {
        Cow::Owned(
            raw.iter()
                .map(|b| if *b == b'+' { b' ' } else { *b })
                .collect(),
        )
    } else {
        Cow::Borrowed(raw)
    };
    percent_decode(&spaced)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| MalformedForm::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<RawForm, MalformedForm> {
        RawForm::parse(body.as_bytes(), FormLimits::default())
    }

    #[test]
    fn decodes_plus_percent_and_unicode() {
        let form = parse("name=J%C3%BCrgen+M&empty=&flag").unwrap();
        assert_eq!(form.first("name"), Some("Jürgen M"));
        assert_eq!(form.first("empty"), Some(""));
        assert_eq!(form.first("flag"), Some(""));
        assert_eq!(form.first("missing"), None);
    }

    #[test]
    fn keeps_repeated_names_in_order() {
        let form = parse("i=b&x=1&i=a").unwrap();
        assert_eq!(form.values("i").collect::<Vec<_>>(), ["b", "a"]);
    }

    #[test]
    fn rejects_invalid_utf8_and_bad_escapes() {
        assert_eq!(
            RawForm::parse(b"a=\xff", FormLimits::default()),
            Err(MalformedForm::NotUtf8)
        );
        assert_eq!(parse("a=%ff"), Err(MalformedForm::NotUtf8));
        assert_eq!(parse("a=%zz"), Err(MalformedForm::BadEscape));
        assert_eq!(parse("a=%4"), Err(MalformedForm::BadEscape));
    }

    #[test]
    fn refuses_too_many_fields() {
        let body = "a=1&".repeat(11);
        let limits = FormLimits { max_fields: 10 };
        assert_eq!(
            RawForm::parse(body.as_bytes(), limits),
            Err(MalformedForm::TooManyFields { limit: 10 })
        );
    }

    #[test]
    fn shows_stored_answers_without_hidden_fields() {
        let answers = serde_json::json!({
            "email": "a@b.c", "password": "x", "age": 42, "tags": ["rust", "web"],
            "news": true, "bio": null
        });
        let form = RawForm::from_answers(&answers, &["password"]);
        assert_eq!(form.first("email"), Some("a@b.c"));
        assert_eq!(form.first("password"), None);
        assert_eq!(form.first("age"), Some("42"));
        assert_eq!(form.values("tags").collect::<Vec<_>>(), ["rust", "web"]);
        assert_eq!(form.first("news"), Some("true"));
        assert_eq!(form.first("bio"), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_bytes(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = RawForm::parse(&body, FormLimits::default());
        }

        #[test]
        fn gives_back_what_a_browser_encoded(
            pairs in proptest::collection::vec(("[a-z_]{1,8}", "\\PC{0,16}"), 0..12)
        ) {
            let body: String = pairs
                .iter()
                .map(|(k, v)| format!("{}={}", k, percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)))
                .collect::<Vec<_>>()
                .join("&");
            let form = RawForm::parse(body.as_bytes(), FormLimits::default()).unwrap();
            let expected: Vec<(String, String)> = pairs.clone();
            proptest::prop_assert_eq!(form.0, expected);
        }
    }
}
