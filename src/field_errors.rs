//! [`FieldErrors`]: what is wrong with one step's answers, field by field.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

/// The key validator uses for errors of the whole struct (schema checks).
pub const FORM_LEVEL: &str = "__all__";

/// One message about one field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name, as in the form (and the struct).
    pub field: String,
    /// The message shown beside the field and in the error summary.
    pub message: String,
}

/// The errors of one step: at most one message per field (the first found),
/// in the order the fields are declared.
///
/// Built by the wizard from type errors and `validator` results; a step's
/// own async check returns one too:
///
/// ```
/// use actix_wizard::FieldErrors;
///
/// let mut errors = FieldErrors::new();
/// errors.add("email", "An account with this email address already exists");
/// errors.add("email", "a second message for the same field is ignored");
/// assert_eq!(errors.len(), 1);
/// assert_eq!(errors.get("email"), Some("An account with this email address already exists"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// No errors.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a message for a field, unless that field already has one.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let field = field.into();
        if self.get(&field).is_none() {
            self.0.push(FieldError {
                field,
                message: message.into(),
            });
        }
    }

    /// The message for a field, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Whether there is no error at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many fields have an error.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The errors, in order.
    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// Adds every error of `other` whose field has none yet.
    pub fn merge(&mut self, other: FieldErrors) {
        for error in other.0 {
            self.add(error.field, error.message);
        }
    }

    /// Orders the errors as `fields` lists them; form-level errors and
    /// unknown fields go last.
    pub(crate) fn sort_by_fields(&mut self, fields: &[&str]) {
        self.0.sort_by_key(|e| {
            fields
                .iter()
                .position(|f| *f == e.field)
                .unwrap_or(usize::MAX)
        });
    }

    /// Adds the messages of validator's result, skipping fields that
    /// already have an error (a type error comes first: "Enter a whole
    /// number" says more than a range check on a placeholder).
    ///
    /// Rules given without `message = "…"` get a plain English default
    /// built from the rule's code and limits (never from the rejected
    /// value, which may be a password).
    pub fn add_validation(&mut self, errors: &ValidationErrors) {
        collect(errors, "", self);
    }
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut FieldErrors) {
    // validator keeps errors in a HashMap; sort for a stable order before
    // the caller orders them by field.
    let mut entries: Vec<_> = errors.errors().iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (field, kind) in entries {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                if let Some(first) = list.first() {
                    out.add(path, message_for(first));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}

/// The message of a validator error: its own, or a default from its code.
pub(crate) fn message_for(error: &ValidationError) -> String {
    if let Some(message) = &error.message {
        return message.to_string();
    }
    let param = |name: &str| error.params.get(name).map(|v| v.to_string());
    let text: Cow<'static, str> = match error.code.as_ref() {
        "required" => "This field is required".into(),
        "email" => "Enter an email address in the correct format, like name@example.com".into(),
        "url" => "Enter a web address in the correct format".into(),
        "must_match" => "The values do not match".into(),
        "length" => match (param("min"), param("max"), param("equal")) {
            (_, _, Some(n)) => format!("Enter exactly {n} characters").into(),
            (Some(min), Some(max), _) => format!("Enter between {min} and {max} characters").into(),
            (Some(min), None, _) => format!("Enter at least {min} characters").into(),
            (None, Some(max), _) => format!("Enter no more than {max} characters").into(),
            _ => "Enter a value of the right length".into(),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("Enter a number from {min} to {max}").into(),
            (Some(min), None) => format!("Enter a number of {min} or more").into(),
            (None, Some(max)) => format!("Enter a number of {max} or less").into(),
            _ => "Enter a number in the allowed range".into(),
        },
        "regex" => "Enter a value in the correct format".into(),
        _ => "Enter a valid value".into(),
    };
    text.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use validator::Validate;

    #[derive(Validate)]
    struct Sample {
        #[validate(length(min = 2, max = 5))]
        name: String,
        #[validate(range(min = 13, max = 120, message = "Age must be 13 to 120"))]
        age: u32,
    }

    #[test]
    fn validator_messages_come_with_defaults_and_in_field_order() {
        let sample = Sample {
            name: "x".into(),
            age: 7,
        };
        let mut errors = FieldErrors::new();
        errors.add_validation(&sample.validate().unwrap_err());
        errors.sort_by_fields(&["name", "age"]);
        let listed: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(listed, ["name", "age"]);
        assert_eq!(errors.get("name"), Some("Enter between 2 and 5 characters"));
        assert_eq!(errors.get("age"), Some("Age must be 13 to 120"));
    }

    #[test]
    fn an_earlier_type_error_wins_over_a_rule() {
        let mut errors = FieldErrors::new();
        errors.add("age", "Enter a whole number");
        let sample = Sample {
            name: "abc".into(),
            age: 0,
        };
        errors.add_validation(&sample.validate().unwrap_err());
        assert_eq!(errors.get("age"), Some("Enter a whole number"));
    }
}
