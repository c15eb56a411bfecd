//! [`FieldErrors`]: what is wrong with one step's answers, field by field.

use serde::{Deserialize, Serialize};
use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::date::DateProblem;
use crate::field::{FieldSpec, humanize};
use crate::form::{Mismatch, TextProblem};
use crate::money::MoneyProblem;
use crate::texts::{Texts, fill};

/// One message about one field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name, as in the form (and the struct).
    pub field: String,
    /// The message shown beside the field and in the error summary.
    pub message: String,
    /// The part of a field made of several controls that is wrong (a
    /// date's `"day"`, `"month"` or `"year"`): the error summary links to
    /// it. `None` for most fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// What kind of rule failed, for the funnel: validator's error code
    /// (`"length"`, `"email"`, `"required"`, a custom rule's own), or
    /// `"type:…"` for a value of the wrong type (`"type:whole_number"`).
    /// `None` for errors an application adds itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
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

    /// One field's error: what a step's check returns when it finds one
    /// thing wrong.
    ///
    /// ```
    /// use actix_wizard::FieldErrors;
    ///
    /// let errors = FieldErrors::of("email", "An account with this email address already exists");
    /// assert_eq!(errors.get("email"), Some("An account with this email address already exists"));
    /// ```
    pub fn of(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    /// Adds a message for a field, unless that field already has one.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.add_at(field, None, message);
    }

    /// Adds a message about one part of a field (a date's `"month"`),
    /// unless that field already has one.
    pub fn add_at(
        &mut self,
        field: impl Into<String>,
        part: Option<&str>,
        message: impl Into<String>,
    ) {
        self.add_coded(field.into(), part, message.into(), None);
    }

    /// Adds a message with a code of the application's own, unless the
    /// field already has one: in a language whose
    /// [`Catalogue`](crate::catalogue::Catalogue) gives the field a
    /// `message-{code}`, that message is shown instead.
    ///
    /// ```
    /// use actix_wizard::FieldErrors;
    ///
    /// let mut errors = FieldErrors::new();
    /// errors.add_with_code("email", "taken", "An account with this email address already exists");
    /// assert_eq!(errors.find("email").and_then(|e| e.code.as_deref()), Some("taken"));
    /// ```
    pub fn add_with_code(
        &mut self,
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.add_coded(field.into(), None, message.into(), Some(code.into()));
    }

    /// Each error whose field gives a message for its code, in that
    /// message: a check's and a custom rule's errors in the request's
    /// language.
    pub(crate) fn reword(&mut self, fields: &[FieldSpec]) {
        for error in &mut self.0 {
            let Some(code) = error.code.as_deref() else {
                continue;
            };
            let spec = fields.iter().find(|spec| spec.name == error.field);
            if let Some(text) = spec.and_then(|spec| spec.message(code)) {
                error.message = text.to_owned();
            }
        }
    }

    /// Adds a message with the code of the rule that failed, unless the
    /// field already has one.
    pub(crate) fn add_coded(
        &mut self,
        field: String,
        part: Option<&str>,
        message: String,
        code: Option<String>,
    ) {
        if self.get(&field).is_none() {
            self.0.push(FieldError {
                field,
                message,
                part: part.map(str::to_owned),
                code,
            });
        }
    }

    /// The error of a field, with the part it is about.
    pub fn find(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
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
            self.add_coded(
                error.field,
                error.part.as_deref(),
                error.message,
                error.code,
            );
        }
    }

    /// Keeps the errors `keep` says to.
    pub(crate) fn retain(&mut self, keep: impl FnMut(&FieldError) -> bool) {
        self.0.retain(keep);
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
        collect(errors, "", self, &[], Texts::english());
    }

    /// Like [`FieldErrors::add_validation`], keyed by the form names of
    /// `fields` (validator keys its errors by the Rust name, and ignores
    /// serde's renames), with the table's defaults, which name the field.
    pub(crate) fn add_rules(
        &mut self,
        errors: &ValidationErrors,
        fields: &[FieldSpec],
        texts: &Texts,
    ) {
        collect(errors, "", self, fields, texts);
    }
}

fn collect(
    errors: &ValidationErrors,
    prefix: &str,
    out: &mut FieldErrors,
    fields: &[FieldSpec],
    texts: &Texts,
) {
    // validator keeps errors in a HashMap; sort for a stable order before
    // the caller orders them by field.
    let mut entries: Vec<_> = errors.errors().iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (field, kind) in entries {
        let spec = prefix
            .is_empty()
            .then(|| fields.iter().find(|f| f.rust_name == *field))
            .flatten();
        let path = match spec {
            Some(spec) => spec.name.to_owned(),
            None if prefix.is_empty() => field.to_string(),
            None => format!("{prefix}.{field}"),
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                if let Some(first) = list.first() {
                    let label = spec.map_or_else(|| humanize(&path), |s| s.named().to_owned());
                    let message = message_for(first, &label, spec, texts);
                    out.add_coded(path, None, message, Some(first.code.to_string()));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out, &[], texts),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}[{index}]"), out, &[], texts);
                }
            }
        }
    }
}

/// The message of a value of the wrong type, from the table, naming the
/// field.
pub(crate) fn type_message(mismatch: Mismatch, label: &str, texts: &Texts) -> String {
    let (template, min, max) = match mismatch {
        Mismatch::WholeNumber => (&texts.whole_number, String::new(), String::new()),
        Mismatch::OutOfRange { min, max } => (
            &texts.out_of_range,
            readable_number(&min.to_string(), texts),
            readable_number(&max.to_string(), texts),
        ),
        Mismatch::Number => (&texts.number, String::new(), String::new()),
        Mismatch::Choice => (&texts.choice, String::new(), String::new()),
        Mismatch::YesNo => (&texts.yes_no, String::new(), String::new()),
        Mismatch::Date(problem) => {
            let template = match problem {
                DateProblem::Missing => &texts.date_missing,
                DateProblem::Incomplete(missing) => {
                    let parts = texts.date_parts(missing);
                    return fill(
                        &texts.date_incomplete,
                        &[("label", label), ("parts", &parts)],
                    );
                }
                DateProblem::YearDigits => &texts.date_year_digits,
                DateProblem::NotReal(_) => &texts.date_not_real,
            };
            (template, String::new(), String::new())
        }
        Mismatch::Text(TextProblem::Control) => (&texts.text_control, String::new(), String::new()),
        Mismatch::Text(TextProblem::Invisible) => {
            (&texts.text_invisible, String::new(), String::new())
        }
        Mismatch::File => (&texts.file_gone, String::new(), String::new()),
        Mismatch::Money(problem) => {
            let template = match problem {
                MoneyProblem::Missing => &texts.money_missing,
                MoneyProblem::Signed => &texts.money_signed,
                MoneyProblem::TooManyDecimals => &texts.money_decimals,
                MoneyProblem::NotAnAmount | MoneyProblem::TooLarge => &texts.money_format,
            };
            (template, String::new(), String::new())
        }
    };
    fill(template, &[("label", label), ("min", &min), ("max", &max)])
}

/// The message of a validator error: its own, or the table's default for
/// its code, naming the field (never the rejected value, which may be a
/// password). As GOV.UK words them: an unanswered choice is "Select …",
/// not "Enter …"; a length rule on an empty answer is "Enter …"; a range's
/// bounds carry the field's prefix and suffix ("£500").
pub(crate) fn message_for(
    error: &ValidationError,
    label: &str,
    spec: Option<&FieldSpec>,
    texts: &Texts,
) -> String {
    if let Some(message) = own_message(error, label, spec, texts) {
        return message;
    }
    let is_file = spec.is_some_and(|spec| spec.kind.is_file());
    if is_file && error.code == "length" {
        return files_count_message(error, label, texts);
    }
    let param = |name: &str| error.params.get(name).map(|v| v.to_string());
    if let ("length", Some(n)) = (error.code.as_ref(), param("equal")) {
        if !answered_nothing(error) {
            return fill(&texts.rule_length_equal, &[("label", label), ("min", &n)]);
        }
    }
    let template = default_template(error, spec, texts);
    let bound = |name: &str| bound_text(error, param(name), spec, texts);
    let (min, max) = (bound("min"), bound("max"));
    fill(template, &[("label", label), ("min", &min), ("max", &max)])
}

/// The message the declaration gave for the error's code, or the one the
/// error was made with (a custom rule's, a check's).
fn own_message(
    error: &ValidationError,
    label: &str,
    spec: Option<&FieldSpec>,
    texts: &Texts,
) -> Option<String> {
    if let Some(message) = spec.and_then(|spec| spec.message(&error.code)) {
        return Some(message.to_owned());
    }
    let message = error.message.as_ref()?;
    if !texts.catalogue.is_empty() {
        // A message made by code, in the declaration's words: the start-up
        // check cannot know its code, so it is told here.
        tracing::warn!(
            lang = texts.catalogue.lang(),
            field = label,
            code = %error.code,
            "a message has no translation (add `message-{}` to the field's catalogue entry)",
            error.code
        );
    }
    Some(message.to_string())
}

/// The language's template for a validator error by its code and the
/// bounds it carries.
fn default_template<'t>(
    error: &ValidationError,
    spec: Option<&FieldSpec>,
    texts: &'t Texts,
) -> &'t str {
    let has = |name: &str| error.params.contains_key(name);
    let is_choice = spec.is_some_and(|spec| spec.kind.is_choice());
    let is_file = spec.is_some_and(|spec| spec.kind.is_file());
    let empty = answered_nothing(error);
    match error.code.as_ref() {
        "required" if is_file => &texts.file_missing,
        "required" if is_choice => &texts.rule_required_choice,
        "required" => &texts.rule_required,
        "length" if empty => &texts.rule_required,
        "email" => &texts.rule_email,
        "url" => &texts.rule_url,
        "must_match" => &texts.rule_must_match,
        "date_past" => &texts.date_not_past,
        "date_future" => &texts.date_not_future,
        "date_after_today" => &texts.date_after_today,
        "length" => match (has("min"), has("max")) {
            (true, true) => &texts.rule_length_between,
            (true, false) => &texts.rule_length_min,
            (false, true) => &texts.rule_length_max,
            _ => &texts.rule_format,
        },
        "range" => match (has("min"), has("max")) {
            (true, true) => &texts.rule_range_between,
            (true, false) => &texts.rule_range_min,
            (false, true) => &texts.rule_range_max,
            _ => &texts.rule_format,
        },
        _ => &texts.rule_format,
    }
}

/// Whether the refused answer was empty (a length rule on nothing typed
/// reads as "Enter …").
fn answered_nothing(error: &ValidationError) -> bool {
    error
        .params
        .get("value")
        .is_some_and(|value| value.as_str() == Some(""))
}

/// A rule's bound as the message shows it: a readable number, and for a
/// range the field's prefix and suffix ("£500", "12 miles", "50%").
fn bound_text(
    error: &ValidationError,
    number: Option<String>,
    spec: Option<&FieldSpec>,
    texts: &Texts,
) -> String {
    let Some(number) = number else {
        return String::new();
    };
    let number = readable_number(&number, texts);
    match (error.code.as_ref(), spec) {
        ("range", Some(spec)) => {
            let prefix = spec.prefix.unwrap_or("");
            // A word after a number takes a space ("12 miles"), a sign
            // does not ("50%").
            let gap = match spec.suffix {
                Some(word) if word.starts_with(char::is_alphabetic) => " ",
                _ => "",
            };
            format!("{prefix}{number}{gap}{}", spec.suffix.unwrap_or(""))
        }
        _ => number,
    }
}

/// A list of files' `length` rule: none is "Select …", too few "Add at
/// least …", too many "You can only add up to …".
fn files_count_message(error: &ValidationError, label: &str, texts: &Texts) -> String {
    let bound = |name: &str| error.params.get(name).and_then(serde_json::Value::as_u64);
    let count = error
        .params
        .get("value")
        .and_then(serde_json::Value::as_array)
        .map_or(0, Vec::len);
    let (min, max) = (
        bound("equal").or(bound("min")),
        bound("equal").or(bound("max")),
    );
    if let Some(max) = max.filter(|max| count as u64 > *max) {
        return fill(&texts.files_too_many, &[("max", &max.to_string())]);
    }
    match min {
        Some(min) if count > 0 => fill(&texts.files_too_few, &[("min", &min.to_string())]),
        _ => fill(&texts.file_missing, &[("label", label)]),
    }
}

/// A number as a message shows it: thousands separated, as GOV.UK's style
/// asks for numbers over 999 ("100,000"; the separator is the text
/// table's). Anything that is not a plain number is left as it is.
pub(crate) fn readable_number(number: &str, texts: &Texts) -> String {
    let (sign, rest) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (rest, None),
    };
    if whole.len() < 4 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return number.to_owned();
    }
    let mut out = String::with_capacity(number.len() + whole.len() / 3 * 3);
    out.push_str(sign);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push_str(&texts.thousands_separator);
        }
        out.push(digit);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Kind;
    use validator::Validate;

    #[derive(Validate)]
    struct Sample {
        #[validate(length(min = 2, max = 5))]
        name: String,
        #[validate(range(min = 13, max = 120, message = "Age must be 13 to 120"))]
        age: u32,
    }

    #[test]
    fn numbers_over_999_have_their_thousands_separated() {
        let texts = Texts::english();
        let readable = |n: &str| readable_number(n, texts);
        assert_eq!(readable("100000"), "100,000");
        assert_eq!(readable("1000"), "1,000");
        assert_eq!(readable("999"), "999");
        assert_eq!(readable("-1234567"), "-1,234,567");
        assert_eq!(readable("12345.5"), "12,345.5");
        assert_eq!(readable("1e9"), "1e9");
        let french = Texts {
            thousands_separator: "\u{202f}".into(),
            ..Texts::default()
        };
        assert_eq!(readable_number("100000", &french), "100\u{202f}000");
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
        assert_eq!(
            errors.get("name"),
            Some("Name must be between 2 and 5 characters")
        );
        assert_eq!(errors.get("age"), Some("Age must be 13 to 120"));
    }

    #[test]
    fn default_messages_are_worded_for_the_kind_of_field() {
        let texts = Texts::english();
        let error = |code: &'static str, params: &[(&'static str, serde_json::Value)]| {
            let mut error = ValidationError::new(code);
            for (name, value) in params {
                error.add_param((*name).into(), value);
            }
            error
        };
        let radios = FieldSpec::new("usage", "Use", Kind::Radios);
        let required = error("required", &[]);
        let chosen = message_for(&required, "what you use the car for", Some(&radios), texts);
        assert_eq!(chosen, "Select what you use the car for");
        let text = FieldSpec::new("name", "Full name", Kind::Text);
        let typed = message_for(&required, "Full name", Some(&text), texts);
        assert_eq!(typed, "Enter full name");
        // A length rule on an empty answer asks for one.
        let short = error("length", &[("min", 1.into()), ("max", 70.into())]);
        let empty = error("length", &[("min", 1.into()), ("value", "".into())]);
        assert_eq!(
            message_for(&empty, "Full name", Some(&text), texts),
            "Enter full name"
        );
        let long = message_for(&short, "Full name", Some(&text), texts);
        assert_eq!(long, "Full name must be between 1 and 70 characters");
        // A range's bounds carry the field's unit.
        let range = error("range", &[("min", 500.into()), ("max", 250_000.into())]);
        let pounds = FieldSpec::new("value", "Value", Kind::Number).prefix("£");
        let worth = message_for(&range, "the value of the car", Some(&pounds), texts);
        assert_eq!(
            worth,
            "The value of the car must be between £500 and £250,000"
        );
        let miles = FieldSpec::new("miles", "Miles", Kind::Number).suffix("miles");
        let far = message_for(&range, "Distance", Some(&miles), texts);
        assert_eq!(far, "Distance must be between 500 miles and 250,000 miles");
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

    /// Counts the warnings logged while it is the subscriber.
    struct Warnings(std::sync::atomic::AtomicUsize);

    impl tracing::Subscriber for Warnings {
        fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
            *metadata.level() == tracing::Level::WARN
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, _: &tracing::Event<'_>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    #[test]
    fn a_message_made_by_code_without_a_translation_is_told_in_the_log() {
        use crate::catalogue::{Catalogue, Entry};
        let made = ValidationError::new("phone").with_message("Enter a UK phone number".into());
        let spec = FieldSpec::new("phone", "Phone", Kind::Telephone);
        let warnings = std::sync::Arc::new(Warnings(Default::default()));
        let count = || warnings.0.load(std::sync::atomic::Ordering::SeqCst);
        tracing::subscriber::with_default(std::sync::Arc::clone(&warnings), || {
            // One language: nothing to tell.
            let english = message_for(&made, "Phone", Some(&spec), Texts::english());
            assert_eq!(english, "Enter a UK phone number");
            assert_eq!(count(), 0);
            // Welsh with a catalogue that lacks it: the English, and a warning.
            let entry = Entry {
                value: Some("Ffôn"),
                attributes: Vec::new(),
            };
            let catalogue = Catalogue::from_entries("cy", vec![("details-phone", entry)]);
            let welsh = Texts::WELSH.with_catalogue(catalogue);
            assert_eq!(
                message_for(&made, "Ffôn", Some(&spec), &welsh),
                "Enter a UK phone number"
            );
            assert_eq!(count(), 1);
            // Given by the field: no warning.
            let given = spec.messages(&[("phone", "Rhowch rif ffôn yn y DU")]);
            assert_eq!(
                message_for(&made, "Ffôn", Some(&given), &welsh),
                "Rhowch rif ffôn yn y DU"
            );
            assert_eq!(count(), 1);
        });
    }
}
