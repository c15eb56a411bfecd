//! [`Secret`]: a form value that is stored but never shown back.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use validator::ValidateLength;

/// The name under which [`Secret`] presents itself to serde.
///
/// The form decoder recognises it to leave secrets untrimmed and out of
/// drafts; the page renderer recognises it to never echo them into HTML.
pub(crate) const SECRET_TYPE_NAME: &str = "actix_wizard::Secret";

/// A text answer that must never be displayed again, such as a password.
///
/// A `Secret` is kept with the step's answers (the finish handler needs it),
/// but the wizard never writes it into a page, never keeps it in a draft,
/// never lists it on the check-answers page, and its `Debug` output is
/// redacted so it cannot leak into logs. Surrounding whitespace is kept as
/// typed.
///
/// ```
/// use actix_wizard::Secret;
///
/// let password = Secret::new("correct horse 1");
/// assert_eq!(password.expose(), "correct horse 1");
/// assert_eq!(format!("{password:?}"), "Secret([redacted])");
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself. Call it only where the value is really needed
    /// (hashing a password, say), never to display it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether nothing was entered.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(SECRET_TYPE_NAME, &self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SecretVisitor;
        impl<'de> serde::de::Visitor<'de> for SecretVisitor {
            type Value = Secret;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a secret string")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Secret, D::Error> {
                String::deserialize(deserializer).map(Secret)
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Secret, E> {
                Ok(Secret(value.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Secret, E> {
                Ok(Secret(value))
            }
        }
        deserializer.deserialize_newtype_struct(SECRET_TYPE_NAME, SecretVisitor)
    }
}

/// Lets `#[validate(length(min = 8, max = 128))]` apply to a secret; the
/// length counts characters, as it does for `String`.
impl ValidateLength<u64> for Secret {
    fn length(&self) -> Option<u64> {
        Some(self.0.chars().count() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json_as_a_plain_string() {
        let json = serde_json::to_string(&Secret::new("pa55word")).unwrap();
        assert_eq!(json, "\"pa55word\"");
        let back: Secret = serde_json::from_str(&json).unwrap();
        assert_eq!(back.expose(), "pa55word");
    }

    #[test]
    fn debug_never_shows_the_value() {
        let shown = format!("{:?}", Secret::new("hunter22"));
        assert!(!shown.contains("hunter22"));
    }
}
