//! What step templates receive ([`Page`]) and the components they place.
//!
//! askama resolves templates in the crate that derives them, so a user's
//! template cannot `{% extends %}` one of ours. Instead each building block
//! is a Rust value that renders itself, already escaped and marked safe:
//! write `{{ page.error_summary() }}` in your own template.

use std::fmt;

use askama::Template;
use askama::filters::HtmlSafe;

use crate::check_answers::AnswerSection;
use crate::csrf::CSRF_FIELD;
use crate::field_errors::{FORM_LEVEL, FieldErrors};
use crate::form::RawForm;

/// Everything a step's template needs: title, form values, errors,
/// progress, navigation and the components.
///
/// Values come from what the visitor last typed on this step (a draft) or
/// else from the stored answers; secrets are never among them.
pub struct Page<'a> {
    pub(crate) title: &'static str,
    pub(crate) action: String,
    pub(crate) values: &'a RawForm,
    pub(crate) errors: &'a FieldErrors,
    pub(crate) csrf_token: &'a str,
    pub(crate) progress: Progress,
    pub(crate) notice: Option<&'a str>,
    pub(crate) has_back: bool,
    pub(crate) is_last: bool,
    pub(crate) sections: &'a [AnswerSection],
    pub(crate) base: &'a str,
}

impl<'a> Page<'a> {
    /// The step's title ([`crate::Step::TITLE`]).
    pub fn title(&self) -> &'static str {
        self.title
    }

    /// The `<title>`: the step's title, prefixed with `Error: ` when the
    /// page shows errors.
    pub fn document_title(&self) -> String {
        if self.has_errors() {
            format!("Error: {}", self.title)
        } else {
            self.title.to_owned()
        }
    }

    /// Where the form posts: the step's own URL.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The URL the wizard is mounted at, e.g. `/signup`.
    pub fn base(&self) -> &str {
        self.base
    }

    /// Whether any field has an error.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// A notice to show above the form (e.g. that earlier answers expired).
    pub fn notice(&self) -> Option<&str> {
        self.notice
    }

    /// Whether to offer a Back button (false on the first active step).
    pub fn has_back(&self) -> bool {
        self.has_back
    }

    /// Whether this is the last step, whose button finishes the wizard.
    pub fn is_last(&self) -> bool {
        self.is_last
    }

    /// The error summary: place it first in the form's column.
    pub fn error_summary(&self) -> ErrorSummary<'a> {
        ErrorSummary {
            errors: self.errors,
        }
    }

    /// The hidden inputs every form must carry (the CSRF token).
    pub fn hidden_fields(&self) -> HiddenFields<'a> {
        HiddenFields {
            token: self.csrf_token,
        }
    }

    /// "Step 2 of 4", counted over the steps that apply to this visitor.
    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// The answers given so far, by step, with Change links; filled on the
    /// last step only.
    pub fn check_answers(&self) -> CheckAnswers<'a> {
        CheckAnswers {
            sections: self.sections,
        }
    }

    /// One field's value, error and accessibility attributes.
    pub fn field(&self, name: &'a str) -> Field<'a> {
        Field {
            name,
            values: self.values,
            error: self.errors.get(name),
        }
    }
}

/// One form field as the template sees it. Its `id` is its name, which is
/// what the error summary links to.
pub struct Field<'a> {
    name: &'a str,
    values: &'a RawForm,
    error: Option<&'a str>,
}

impl<'a> Field<'a> {
    /// The field's `id` (and `name`).
    pub fn id(&self) -> &'a str {
        self.name
    }

    /// The value to put back in a text input or textarea.
    pub fn value(&self) -> &'a str {
        self.values.first(self.name).unwrap_or("")
    }

    /// Whether the radio or checkbox with this `value` is ticked. A yes/no
    /// checkbox is ticked when the stored answer is `true`, whatever word
    /// its `value` uses.
    pub fn checked(&self, value: &str) -> bool {
        let mut given = self.values.values(self.name);
        if self.values.values(self.name).any(|v| v == value) {
            return true;
        }
        matches!(
            (crate::form::parse_yes_no(value), given.next(), given.next()),
            (Some(true), Some(only), None) if crate::form::parse_yes_no(only) == Some(true)
        )
    }

    /// Whether the field has an error.
    pub fn is_invalid(&self) -> bool {
        self.error.is_some()
    }

    /// The error's text, if any.
    pub fn error(&self) -> Option<&'a str> {
        self.error
    }

    /// The `id` of the error message, which `aria-describedby` points at.
    pub fn error_id(&self) -> String {
        format!("{}-error", self.name)
    }

    /// The message to place beside the field (nothing when it is valid).
    pub fn error_message(&self) -> ErrorMessage<'a> {
        ErrorMessage {
            id: self.name,
            message: self.error,
        }
    }

    /// ` aria-invalid="true" aria-describedby="ID-error"` when the field
    /// has an error, else nothing: write it inside the input's tag.
    pub fn aria(&self) -> AriaAttributes<'a> {
        AriaAttributes {
            id: self.name,
            invalid: self.error.is_some(),
            hint: false,
        }
    }

    /// Like [`Field::aria`] for a field with a hint whose `id` is
    /// `ID-hint`: `aria-describedby` names the hint, then the error.
    pub fn aria_with_hint(&self) -> AriaAttributes<'a> {
        AriaAttributes {
            id: self.name,
            invalid: self.error.is_some(),
            hint: true,
        }
    }

    /// ` field--error` when the field has an error: append it to the
    /// class of the field's group.
    pub fn error_class(&self) -> &'static str {
        if self.error.is_some() {
            " field--error"
        } else {
            ""
        }
    }
}

/// The attributes that tie an invalid field to its message.
pub struct AriaAttributes<'a> {
    id: &'a str,
    invalid: bool,
    hint: bool,
}

impl fmt::Display for AriaAttributes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Field names come from the step's struct, not from the request,
        // but escape anyway: the attribute must stay well-formed.
        let id = askama::filters::escape(self.id, askama::filters::Html).map_err(|_| fmt::Error)?;
        match (self.invalid, self.hint) {
            (false, false) => Ok(()),
            (false, true) => write!(f, r#" aria-describedby="{id}-hint""#),
            (true, false) => write!(f, r#" aria-invalid="true" aria-describedby="{id}-error""#),
            (true, true) => write!(
                f,
                r#" aria-invalid="true" aria-describedby="{id}-hint {id}-error""#
            ),
        }
    }
}
impl HtmlSafe for AriaAttributes<'_> {}

/// The list of problems at the top of an invalid page: a `role="alert"`
/// box, focused on load, with a link to each field.
#[derive(Template)]
#[template(path = "wizard/error_summary.html")]
pub struct ErrorSummary<'a> {
    errors: &'a FieldErrors,
}
impl HtmlSafe for ErrorSummary<'_> {}

impl ErrorSummary<'_> {
    fn target<'e>(&self, field: &'e str) -> &'e str {
        if field == FORM_LEVEL { "main" } else { field }
    }
}

/// A field's error message, with a visually hidden "Error:" prefix for
/// screen readers.
#[derive(Template)]
#[template(path = "wizard/error_message.html")]
pub struct ErrorMessage<'a> {
    id: &'a str,
    message: Option<&'a str>,
}
impl HtmlSafe for ErrorMessage<'_> {}

/// "Step 2 of 4".
#[derive(Template, Clone, Copy, Debug, PartialEq, Eq)]
#[template(path = "wizard/progress.html")]
pub struct Progress {
    /// The current step's position among the steps that apply, from 1.
    pub current: usize,
    /// How many steps apply.
    pub total: usize,
}
impl HtmlSafe for Progress {}

/// The hidden inputs of a wizard form.
#[derive(Template)]
#[template(path = "wizard/hidden_fields.html")]
pub struct HiddenFields<'a> {
    token: &'a str,
}
impl HtmlSafe for HiddenFields<'_> {}

impl HiddenFields<'_> {
    fn csrf_field(&self) -> &'static str {
        CSRF_FIELD
    }
}

/// The answers so far, one summary list per step, each row with a Change
/// link that returns here once that step is saved again.
#[derive(Template)]
#[template(path = "wizard/check_answers.html")]
pub struct CheckAnswers<'a> {
    sections: &'a [AnswerSection],
}
impl HtmlSafe for CheckAnswers<'_> {}

/// What the completion page's template receives.
pub struct CompletePage<'a> {
    pub(crate) base: &'a str,
}

impl CompletePage<'_> {
    /// The URL the wizard is mounted at; linking to it starts a new run.
    pub fn base(&self) -> &str {
        self.base
    }
}

/// A page for a request the wizard cannot serve (400, 403, 404, 413, 415,
/// 500, 503), in plain accessible HTML.
#[derive(Template)]
#[template(path = "wizard/problem.html")]
pub(crate) struct ProblemPage<'a> {
    pub heading: &'a str,
    pub body: &'a str,
    pub link: Option<(&'a str, &'a str)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FormLimits;

    fn page_with<'a>(values: &'a RawForm, errors: &'a FieldErrors) -> Page<'a> {
        Page {
            title: "Your details",
            action: "/w/details".into(),
            values,
            errors,
            csrf_token: "tok<en>",
            progress: Progress {
                current: 2,
                total: 4,
            },
            notice: None,
            has_back: true,
            is_last: false,
            sections: &[],
            base: "/w",
        }
    }

    #[test]
    fn an_invalid_field_is_described_by_its_message() {
        let values = RawForm::parse(b"age=abc&news=true", FormLimits::default()).unwrap();
        let mut errors = FieldErrors::new();
        errors.add("age", "Enter a whole number");
        let page = page_with(&values, &errors);
        assert_eq!(page.document_title(), "Error: Your details");
        let age = page.field("age");
        assert_eq!(age.value(), "abc");
        assert_eq!(
            age.aria().to_string(),
            r#" aria-invalid="true" aria-describedby="age-error""#
        );
        let message = age.error_message().to_string();
        assert!(message.contains(r#"id="age-error""#), "{message}");
        assert!(message.contains("Enter a whole number"));
        assert_eq!(page.field("news").aria().to_string(), "");
        assert!(page.field("news").checked("yes"));
        assert!(!page.field("news").checked("no"));

        let summary = page.error_summary().to_string();
        assert!(summary.contains(r#"role="alert""#));
        assert!(summary.contains(r##"href="#age""##));
    }

    #[test]
    fn components_escape_what_they_show() {
        let values = RawForm::default();
        let errors = FieldErrors::new();
        let page = page_with(&values, &errors);
        assert_eq!(page.error_summary().to_string().trim(), "");
        let hidden = page.hidden_fields().to_string();
        assert!(hidden.contains(r#"name="csrf_token""#));
        assert!(hidden.contains("tok&#60;en&#62;"), "{hidden}");
        assert_eq!(
            page.progress().to_string().trim(),
            r#"<p class="progress">Step 2 of 4</p>"#
        );
    }
}
