//! Questions revealed by an answer (GOV.UK's conditional reveal): a field
//! shown beneath one option of a radio or checkbox field of its step
//! ([`FieldSpec::revealed_by`]). Not chosen, it is cleared before the
//! rules run and its errors and answer are dropped; chosen, it must be
//! answered unless it is declared optional.

use crate::field::FieldSpec;
use crate::field_errors::FieldErrors;
use crate::form::RawForm;
use crate::texts::{Texts, fill};

/// Whether `spec` is revealed by an option that `chosen` (a field's
/// values, by name) does not hold.
fn hidden(spec: &FieldSpec, chosen: &dyn Fn(&str) -> Vec<String>) -> bool {
    spec.reveal()
        .is_some_and(|(field, value)| !chosen(field).iter().any(|v| v == value))
}

/// The revealed fields of `fields` whose option `form` does not choose.
pub(crate) fn hidden_in(fields: &'static [FieldSpec], form: &RawForm) -> Vec<&'static str> {
    let chosen = |field: &str| form.values(field).map(str::to_owned).collect();
    fields
        .iter()
        .filter(|spec| hidden(spec, &chosen))
        .map(|spec| spec.name)
        .collect()
}

/// `form` without the values of the revealed fields it does not choose:
/// what the rules read.
pub(crate) fn cleared(fields: &'static [FieldSpec], form: &RawForm) -> Option<RawForm> {
    if !fields.iter().any(|spec| spec.revealed_by.is_some()) {
        return None;
    }
    let hidden = hidden_in(fields, form);
    let mut cleared = form.clone();
    cleared.retain(|name| !hidden.iter().any(|field| owns(field, name)));
    Some(cleared)
}

/// Whether form key `key` belongs to field `field` (a date's parts too).
fn owns(field: &str, key: &str) -> bool {
    key == field
        || key
            .strip_prefix(field)
            .is_some_and(|rest| rest.starts_with('-'))
}

/// The errors of a step's form once revealed fields are accounted for:
/// none for a field its option does not reveal, and "Enter …" for a
/// revealed field left empty that is not optional and has no error yet.
pub(crate) fn settle_errors(
    fields: &'static [FieldSpec],
    form: &RawForm,
    errors: &mut FieldErrors,
    texts: &Texts,
) {
    let hidden = hidden_in(fields, form);
    errors.retain(|error| !hidden.contains(&error.field.as_str()));
    for spec in fields.iter().filter(|spec| spec.reveal().is_some()) {
        let answered = form
            .values(spec.name)
            .chain(form.values(&format!("{}-day", spec.name)))
            .any(|value| !value.trim().is_empty());
        let shown = !hidden.contains(&spec.name);
        if shown && !answered && !spec.optional && errors.find(spec.name).is_none() {
            let template = match spec.kind.is_choice() {
                true => &texts.rule_required_choice,
                false => &texts.rule_required,
            };
            let message = fill(template, &[("label", spec.named())]);
            errors.add_coded(spec.name.to_owned(), None, message, Some("required".into()));
        }
    }
}

/// Of a step's stored answers, the fields its revealing options do not
/// reveal: their check-answers rows are left out.
pub(crate) fn hidden_in_answers(
    fields: &'static [FieldSpec],
    answers: &serde_json::Value,
) -> Vec<&'static str> {
    let chosen = |field: &str| match answers.get(field) {
        Some(serde_json::Value::String(value)) => vec![value.clone()],
        Some(serde_json::Value::Array(values)) => values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(serde_json::Value::Bool(true)) => vec!["true".to_owned(), "yes".to_owned()],
        _ => Vec::new(),
    };
    fields
        .iter()
        .filter(|spec| hidden(spec, &chosen))
        .map(|spec| spec.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Kind;
    use crate::form::FormLimits;

    static FIELDS: [FieldSpec; 2] = [
        FieldSpec::new("contact", "How should we contact you?", Kind::Radios),
        FieldSpec::new("phone", "Phone number", Kind::Telephone).revealed_by("contact=phone"),
    ];

    fn form(body: &str) -> RawForm {
        RawForm::parse(body.as_bytes(), FormLimits::default()).unwrap_or_default()
    }

    #[test]
    fn a_field_its_option_does_not_reveal_is_cleared_and_its_errors_dropped() {
        let typed = form("contact=email&phone=0123");
        let cleared = cleared(&FIELDS, &typed).unwrap_or_default();
        assert_eq!(cleared.first("phone"), None);
        assert_eq!(cleared.first("contact"), Some("email"));
        let mut errors = FieldErrors::new();
        errors.add("phone", "Enter a UK phone number");
        settle_errors(&FIELDS, &typed, &mut errors, Texts::english());
        assert!(errors.is_empty());
    }

    #[test]
    fn a_revealed_field_left_empty_must_be_answered() {
        let typed = form("contact=phone&phone=");
        let mut errors = FieldErrors::new();
        settle_errors(&FIELDS, &typed, &mut errors, Texts::english());
        assert_eq!(
            errors.find("phone").map(|e| e.message.as_str()),
            Some("Enter phone number")
        );
        let answered = form("contact=phone&phone=01632960001");
        let mut errors = FieldErrors::new();
        settle_errors(&FIELDS, &answered, &mut errors, Texts::english());
        assert!(errors.is_empty());
    }

    #[test]
    fn stored_answers_hide_the_rows_their_option_does_not_reveal() {
        let email = serde_json::json!({"contact": "email", "phone": null});
        assert_eq!(hidden_in_answers(&FIELDS, &email), ["phone"]);
        let phone = serde_json::json!({"contact": "phone", "phone": "0123"});
        assert!(hidden_in_answers(&FIELDS, &phone).is_empty());
    }
}
