//! The components a step page is made of: a field and its parts, the
//! error summary and messages, progress, the buttons, the hidden fields,
//! the check-answers list, and HTML marked safe.

use std::borrow::Cow;
use std::fmt;

use askama::filters::HtmlSafe;

use crate::check_answers::AnswerSection;
use crate::components::{FieldView, escape_into, write_error_message};
use crate::csrf::CSRF_FIELD;
use crate::field::FORM_LEVEL;
use crate::field::{FieldSpec, Kind};
use crate::field_errors::{FieldError, FieldErrors};
use crate::form::RawForm;
use crate::texts::{Texts, fill_each};

use super::{Page, REVISION_FIELD, SCRIPT_SEGMENT, TimeoutWarning};

/// The declaration of a field a hand-written step does not declare: a
/// text input.
pub(super) static UNDECLARED: FieldSpec = FieldSpec::new("", "", Kind::Text);

/// One form field as the template sees it. Displayed, it is the whole
/// field; its methods give the parts for a page that arranges them itself.
/// Its `id` is its name, which is what the error summary links to (for a
/// group, the first control's id; for a date, `NAME-day`).
pub struct Field<'a> {
    pub(super) spec: &'static FieldSpec,
    pub(super) name: Cow<'static, str>,
    pub(super) label: Cow<'static, str>,
    pub(super) values: &'a RawForm,
    pub(super) error: Option<&'a FieldError>,
    pub(super) texts: &'a Texts,
    /// The fields its options reveal, written: value and HTML.
    pub(super) revealed: Vec<(&'static str, String)>,
}

impl<'a> Field<'a> {
    fn view(&self) -> FieldView<'_> {
        FieldView {
            spec: self.spec,
            name: &self.name,
            label: &self.label,
            values: self.values,
            error: self.error,
            texts: self.texts,
            revealed: &self.revealed,
        }
    }

    pub(super) fn write_into(&self, out: &mut String) {
        self.view().write(out);
    }

    fn part(&self, write: fn(&FieldView<'_>, &mut String)) -> SafeHtml {
        let mut out = String::new();
        write(&self.view(), &mut out);
        SafeHtml(out)
    }

    /// The field's declaration.
    pub fn spec(&self) -> &'static FieldSpec {
        self.spec
    }

    /// The field's `id` (and `name`).
    pub fn id(&self) -> &str {
        &self.name
    }

    /// The label as the form shows it ("(optional)" added).
    pub fn label_text(&self) -> String {
        self.view().label_text()
    }

    /// The `<label>` alone.
    pub fn label(&self) -> SafeHtml {
        self.part(|view, out| view.write_label(out))
    }

    /// The hint alone (nothing when the field has none).
    pub fn hint(&self) -> SafeHtml {
        self.part(|view, out| view.write_hint(out))
    }

    /// The control alone (the input, the group's items, a date's parts).
    pub fn control(&self) -> SafeHtml {
        self.part(|view, out| view.write_control(out))
    }

    /// The value to put back in a text input or textarea.
    pub fn value(&self) -> &'a str {
        let values: &'a RawForm = self.values;
        values.first(&self.name).unwrap_or("")
    }

    /// Whether the radio or checkbox with this `value` is ticked. A yes/no
    /// checkbox is ticked when the stored answer is `true`, whatever word
    /// its `value` uses.
    pub fn checked(&self, value: &str) -> bool {
        self.view().is_checked(value)
    }

    /// Whether the field has an error.
    pub fn is_invalid(&self) -> bool {
        self.error.is_some()
    }

    /// The error's text, if any.
    pub fn error(&self) -> Option<&'a str> {
        self.error.map(|e| e.message.as_str())
    }

    /// The `id` of the error message, which `aria-describedby` points at.
    pub fn error_id(&self) -> String {
        format!("{}-error", self.name)
    }

    /// The message to place beside the field (nothing when it is valid).
    pub fn error_message(&self) -> SafeHtml {
        self.part(|view, out| view.write_error(out))
    }

    /// ` aria-invalid="true" aria-describedby="ID-error"` when the field
    /// has an error, else nothing: write it inside the input's tag.
    pub fn aria(&self) -> AriaAttributes {
        AriaAttributes {
            id: self.name.to_string(),
            invalid: self.error.is_some(),
            hint: false,
        }
    }

    /// Like [`Field::aria`] for a field with a hint whose `id` is
    /// `ID-hint`: `aria-describedby` names the hint, then the error.
    pub fn aria_with_hint(&self) -> AriaAttributes {
        AriaAttributes {
            id: self.name.to_string(),
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

impl fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::with_capacity(512);
        self.write_into(&mut out);
        f.write_str(&out)
    }
}
impl HtmlSafe for Field<'_> {}

/// Displays a component by writing it into a buffer with its
/// `write_into`, the way a page built by the crate writes it straight
/// into the page.
macro_rules! display_by_writing {
    ($($component:ty),* $(,)?) => {$(
        impl fmt::Display for $component {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut out = String::with_capacity(256);
                self.write_into(&mut out);
                f.write_str(&out)
            }
        }
        impl HtmlSafe for $component {}
    )*};
}

display_by_writing!(
    ErrorSummary<'_>,
    WizardScript<'_>,
    TimeoutWarning<'_>,
    FileRemoveForms<'_>,
    ProgressLine<'_>,
    PageTop<'_, '_>,
    Buttons<'_>,
    HiddenFields<'_>,
    CheckAnswers<'_>,
);

/// HTML the crate wrote, escaped where it holds text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// The HTML.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl HtmlSafe for SafeHtml {}

/// HTML the crate wrote, borrowed: the body a layout places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Markup<'a>(pub(super) &'a str);

impl Markup<'_> {
    /// The HTML.
    pub fn as_str(&self) -> &str {
        self.0
    }
}

impl fmt::Display for Markup<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
impl HtmlSafe for Markup<'_> {}

/// The attributes that tie an invalid field to its message.
pub struct AriaAttributes {
    id: String,
    invalid: bool,
    hint: bool,
}

impl fmt::Display for AriaAttributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut id = String::new();
        escape_into(&mut id, &self.id);
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
impl HtmlSafe for AriaAttributes {}

/// The list of problems at the top of an invalid page: a `role="alert"`
/// box, focused on load, with a link to each field's first control (or
/// to the wrong part of a date).
pub struct ErrorSummary<'a> {
    pub(super) errors: &'a FieldErrors,
    pub(super) fields: &'static [FieldSpec],
    pub(super) texts: &'a Texts,
}

impl ErrorSummary<'_> {
    fn target(&self, error: &FieldError) -> String {
        if error.field == FORM_LEVEL {
            return "main".to_owned();
        }
        match self.fields.iter().find(|f| f.name == error.field) {
            Some(spec) => spec.target_id(error.part.as_deref()),
            None => error.field.clone(),
        }
    }
}

impl ErrorSummary<'_> {
    /// Writes the summary (nothing when there is no error).
    pub(crate) fn write_into(&self, out: &mut String) {
        if self.errors.is_empty() {
            return;
        }
        out.push_str("<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\" tabindex=\"-1\" autofocus>\n<h2 class=\"error-summary__title\" id=\"error-summary-title\">");
        escape_into(out, &self.texts.error_summary_title);
        out.push_str("</h2>\n<ul class=\"error-summary__list\">\n");
        for error in self.errors.iter() {
            out.push_str("<li><a href=\"#");
            escape_into(out, &self.target(error));
            out.push_str("\">");
            escape_into(out, &error.message);
            out.push_str("</a></li>\n");
        }
        out.push_str("</ul>\n</div>\n");
    }
}

/// A field's error message, with a visually hidden "Error:" prefix for
/// screen readers.
pub struct ErrorMessage<'a> {
    id: &'a str,
    message: Option<&'a str>,
    texts: &'a Texts,
}

impl fmt::Display for ErrorMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write_error_message(&mut out, self.id, self.message, self.texts);
        f.write_str(&out)
    }
}
impl HtmlSafe for ErrorMessage<'_> {}

impl<'a> ErrorMessage<'a> {
    /// The message for field `id`, if any.
    pub fn new(id: &'a str, message: Option<&'a str>, texts: &'a Texts) -> Self {
        Self { id, message, texts }
    }
}

/// Where a step stands: the current step's position among the steps that
/// apply, from 1, and how many apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The current step's position among the steps that apply, from 1.
    pub current: usize,
    /// How many steps apply.
    pub total: usize,
}

/// "Step 2 of 4", in the table's words.
pub struct ProgressLine<'a> {
    pub(super) progress: Progress,
    pub(super) texts: &'a Texts,
}

impl ProgressLine<'_> {
    /// Writes the line.
    pub(crate) fn write_into(&self, out: &mut String) {
        let (mut current, mut total) = (itoa::Buffer::new(), itoa::Buffer::new());
        let values = [
            ("current", current.format(self.progress.current)),
            ("total", total.format(self.progress.total)),
        ];
        out.push_str("<p class=\"progress\">");
        fill_each(&self.texts.progress, &values, |piece| {
            escape_into(out, piece)
        });
        out.push_str("</p>");
    }
}

/// The top of a step page: progress, error summary, notice and heading.
pub struct PageTop<'a, 'p> {
    pub(super) page: &'p Page<'a>,
}

impl PageTop<'_, '_> {
    /// Writes progress, summary, notice and heading.
    pub(crate) fn write_into(&self, out: &mut String) {
        let page = self.page;
        page.switcher.write_into(out);
        page.progress().write_into(out);
        out.push('\n');
        page.error_summary().write_into(out);
        if let Some(notice) = page.notice {
            out.push_str("<div class=\"notice\" role=\"status\"><p>");
            escape_into(out, notice);
            out.push_str("</p></div>\n");
        }
        out.push_str("<h1>");
        escape_into(out, page.title);
        out.push_str("</h1>\n");
    }
}

/// The `<script>` element of [`super::WIZARD_SCRIPT`].
pub struct WizardScript<'a> {
    pub(super) base: &'a str,
}

impl WizardScript<'_> {
    /// Writes the element.
    pub(crate) fn write_into(&self, out: &mut String) {
        out.push_str("<script src=\"");
        escape_into(out, self.base);
        out.push('/');
        out.push_str(SCRIPT_SEGMENT);
        out.push_str("\" defer></script>\n");
    }
}

/// A step form's buttons.
pub struct Buttons<'a> {
    pub(super) is_last: bool,
    pub(super) has_back: bool,
    /// The step's own label for the main button.
    pub(super) label: Option<&'static str>,
    /// A visit from the check page's Change link: the main button says it
    /// returns there, and Cancel returns without keeping anything.
    pub(super) is_change: bool,
    /// "Save and come back later" is offered.
    pub(super) can_save: bool,
    pub(super) texts: &'a Texts,
}

impl Buttons<'_> {
    /// The main button's action (`finish` on the last step, else `next`)
    /// and its label (the step's own, else the text table's).
    pub(crate) fn main(&self) -> (&'static str, &str) {
        let (value, default) = if self.is_last {
            ("finish", &self.texts.finish_button)
        } else if self.is_change {
            ("next", &self.texts.change_button)
        } else {
            ("next", &self.texts.continue_button)
        };
        (value, self.label.unwrap_or(default))
    }

    /// Writes the buttons.
    pub(crate) fn write_into(&self, out: &mut String) {
        let (value, label) = self.main();
        out.push_str("<div class=\"buttons\">\n");
        out.push_str("<button class=\"button\" name=\"action\" value=\"");
        out.push_str(value);
        out.push_str("\">");
        escape_into(out, label);
        out.push_str("</button>\n");
        if self.has_back {
            out.push_str(
                "<button class=\"button button--secondary\" name=\"action\" value=\"back\">",
            );
            escape_into(out, &self.texts.back_button);
            out.push_str("</button>\n");
        }
        if self.is_change {
            out.push_str("<button class=\"button button--link\" name=\"action\" value=\"cancel\">");
            escape_into(out, &self.texts.cancel_button);
            out.push_str("</button>\n");
        }
        if self.can_save {
            out.push_str(
                "<button class=\"button button--secondary\" name=\"action\" value=\"save\">",
            );
            escape_into(out, &self.texts.save.button);
            out.push_str("</button>\n");
        }
        out.push_str("</div>\n");
    }
}

/// The hidden inputs of a wizard form.
pub struct HiddenFields<'a> {
    pub(super) token: &'a str,
    pub(super) revision: u64,
}

impl HiddenFields<'_> {
    /// Writes the hidden inputs.
    pub(crate) fn write_into(&self, out: &mut String) {
        out.push_str("<input type=\"hidden\" name=\"");
        out.push_str(CSRF_FIELD);
        out.push_str("\" value=\"");
        escape_into(out, self.token);
        out.push_str("\">\n<input type=\"hidden\" name=\"");
        out.push_str(REVISION_FIELD);
        out.push_str("\" value=\"");
        out.push_str(&self.revision.to_string());
        out.push_str("\">");
    }
}

/// The forms that remove held files ([`Page::file_remove_forms`]).
pub struct FileRemoveForms<'a> {
    pub(super) action: String,
    pub(super) fields: &'static [FieldSpec],
    pub(super) values: &'a RawForm,
    pub(super) hidden: HiddenFields<'a>,
}

impl FileRemoveForms<'_> {
    /// Writes a form per file field that holds a file.
    pub(crate) fn write_into(&self, out: &mut String) {
        let files = self.fields.iter().filter(|spec| spec.kind.is_file());
        for spec in files {
            let mut held = self.values.values(spec.name);
            if !held.any(|text| crate::components::held_parts(text).is_some()) {
                continue;
            }
            out.push_str("<form method=\"post\" action=\"");
            escape_into(out, &self.action);
            out.push_str("\" id=\"");
            escape_into(out, spec.name);
            out.push_str("-remove\" class=\"file-remove\">\n");
            self.hidden.write_into(out);
            out.push_str("\n</form>\n");
        }
    }
}

/// The answers so far, one summary list per step, each row with a Change
/// link that returns here once that step is saved again.
pub struct CheckAnswers<'a> {
    pub(super) sections: &'a [AnswerSection],
    pub(super) texts: &'a Texts,
}

impl CheckAnswers<'_> {
    /// Writes a heading and a summary list per step.
    pub(crate) fn write_into(&self, out: &mut String) {
        for section in self.sections {
            if !section.title.is_empty() {
                out.push_str("\n<h2 class=\"summary-list__heading\">");
                escape_into(out, &section.title);
                out.push_str("</h2>");
            }
            out.push_str("\n<dl class=\"summary-list\">");
            for row in &section.rows {
                out.push_str(
                    "\n  <div class=\"summary-list__row\">\n    <dt class=\"summary-list__key\">",
                );
                escape_into(out, &row.label);
                out.push_str("</dt>\n    <dd class=\"summary-list__value\">");
                escape_into(out, &row.value);
                let change_url = row.change_url.as_deref().unwrap_or(&section.change_url);
                if change_url.is_empty() {
                    out.push_str("</dd>\n  </div>");
                    continue;
                }
                out.push_str("</dd>\n    <dd class=\"summary-list__actions\"><a href=\"");
                escape_into(out, change_url);
                out.push('#');
                escape_into(out, &row.field);
                out.push_str("\">");
                escape_into(out, &self.texts.change);
                out.push_str("<span class=\"visually-hidden\"> ");
                match &row.change_label {
                    Some(subject) => escape_into(out, subject),
                    None => escape_into(out, &row.label.to_lowercase()),
                }
                out.push_str("</span></a></dd>\n  </div>");
            }
            out.push_str("\n</dl>");
        }
    }
}
