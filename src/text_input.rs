//! What a step's text answers go through before its rules see them:
//! declared normalisations, email addresses in their one form, and the
//! characters no answer may hold.

use std::borrow::Cow;

use crate::field::{FieldSpec, Kind, Normalise};
use crate::form::{RawForm, TextProblem, email_address, text_problem};
use crate::step::Step;

/// Whether a field is normalised before its rules see it: a declared
/// normalisation, or an email address (one address, one form).
fn normalises(field: &FieldSpec) -> bool {
    field.normalise != Normalise::AsTyped || field.kind == Kind::Email
}

/// The form as the rules see it and the answer keeps it: declared
/// normalisations applied (`uppercase`, `lowercase`), email addresses in
/// their one form ([`crate::form::email_address`]). Borrowed when there
/// is none.
pub(crate) fn normalised<'f, S: Step>(form: &'f RawForm) -> Cow<'f, RawForm> {
    if !S::FIELDS.iter().any(normalises) {
        return Cow::Borrowed(form);
    }
    let mut owned = form.clone();
    owned.change_values(|name, value| {
        let field = S::FIELDS
            .iter()
            .find(|f| f.name == name)
            .filter(|f| normalises(f))?;
        let value = match field.kind {
            Kind::Email => email_address(value),
            _ => Cow::Borrowed(value),
        };
        let changed = match field.normalise {
            Normalise::Uppercase => value.to_uppercase(),
            Normalise::Lowercase => value.to_lowercase(),
            Normalise::AsTyped => value.into_owned(),
        };
        Some(changed)
    });
    Cow::Owned(owned)
}

/// The text answers of the form that no answer may hold (control
/// characters, invisible ones), by field: for declared fields, by their
/// kind (line breaks in a text area only); for a step that declares no
/// field, every value, line breaks allowed.
pub(crate) fn text_problems<S: Step>(
    form: &RawForm,
    fields: &[&'static str],
) -> Vec<(&'static str, TextProblem)> {
    let mut found = Vec::new();
    let mut check = |field: &'static str, multiline: bool, address: bool| {
        let problem = form
            .values(field)
            .find_map(|value| text_problem(value, multiline, address));
        if let Some(problem) = problem {
            found.push((field, problem));
        }
    };
    if S::FIELDS.is_empty() {
        fields.iter().for_each(|field| check(field, true, false));
    }
    for spec in S::FIELDS.iter().filter(|spec| spec.kind.is_text()) {
        check(
            spec.name,
            spec.kind == Kind::Textarea,
            spec.kind == Kind::Email,
        );
    }
    found
}
