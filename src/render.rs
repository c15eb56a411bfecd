//! What step templates receive ([`Page`]), the components they place,
//! and the page the crate renders from a step's declaration.
//!
//! askama resolves templates in the crate that derives them, so a user's
//! template cannot `{% extends %}` one of ours. Instead each building block
//! is a Rust value that renders itself, already escaped and marked safe
//! (write `{{ page.field("email") }}` in your own template), and the
//! application's own layout is a function of the wizard
//! ([`crate::Wizard::layout`]) that receives the rendered body.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

use askama::Template;
use askama::filters::HtmlSafe;

use crate::check_answers::AnswerSection;
use crate::components::{FieldView, escape_into, write_error_message};
use crate::csrf::CSRF_FIELD;
use crate::field::FORM_LEVEL;
use crate::field::{FieldRef, FieldSpec, Kind, humanize};
use crate::field_errors::{FieldError, FieldErrors};
use crate::form::RawForm;
use crate::texts::{Texts, fill};

/// The crate's stylesheet: visually hidden text, error states and a plain
/// readable look for every component. The default layout inlines it; an
/// application serving its own CSS can start from it.
pub const STYLESHEET: &str = include_str!("../templates/wizard/wizard.css");

/// How the wizard's pages are laid out: [`crate::Wizard::layout`].
pub type LayoutFn = fn(&Layout<'_>) -> Result<String, askama::Error>;

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
    /// The state's revision the page shows ([`REVISION_FIELD`]).
    pub(crate) revision: u64,
    pub(crate) progress: Progress,
    pub(crate) notice: Option<&'a str>,
    pub(crate) has_back: bool,
    pub(crate) is_last: bool,
    /// The step's own label for its main button.
    pub(crate) button: Option<&'static str>,
    pub(crate) is_change: bool,
    pub(crate) sections: &'a [AnswerSection],
    pub(crate) base: &'a str,
    pub(crate) fields: &'static [FieldSpec],
    pub(crate) texts: &'a Texts,
    pub(crate) layout: LayoutFn,
    /// htmx asked for the page to swap in: [`Page::in_layout`] gives the
    /// body alone.
    pub(crate) fragment: bool,
    /// At start-up, the fields the page's template placed.
    pub(crate) placed: Option<&'a RefCell<Vec<String>>>,
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
            format!("{}{}", self.texts.error_title_prefix, self.title)
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

    /// Whether the visitor came from a Change link of the check-answers
    /// list: saving returns there (a button may say "Save and return to
    /// check your answers").
    pub fn is_change(&self) -> bool {
        self.is_change
    }

    /// The wizard's text table.
    pub fn texts(&self) -> &'a Texts {
        self.texts
    }

    /// The error summary: place it first in the form's column.
    pub fn error_summary(&self) -> ErrorSummary<'a> {
        ErrorSummary {
            errors: self.errors,
            fields: self.fields,
            texts: self.texts,
        }
    }

    /// The hidden inputs every form must carry (the CSRF token).
    pub fn hidden_fields(&self) -> HiddenFields<'a> {
        HiddenFields {
            token: self.csrf_token,
            revision: self.revision,
        }
    }

    /// "Step 2 of 4", counted over the steps that apply to this visitor.
    pub fn progress(&self) -> ProgressLine<'a> {
        ProgressLine {
            progress: self.progress,
            texts: self.texts,
        }
    }

    /// Whether htmx asked for this page to swap into the current one (the
    /// request carried `HX-Request: true`, and was not a history restore):
    /// then the layout is left out.
    pub fn is_fragment(&self) -> bool {
        self.fragment
    }

    /// Where this step stands among the steps that apply.
    pub fn position(&self) -> Progress {
        self.progress
    }

    /// The answers given so far, by step, with Change links; filled on the
    /// last step only.
    pub fn check_answers(&self) -> CheckAnswers<'a> {
        CheckAnswers {
            sections: self.sections,
            texts: self.texts,
        }
    }

    /// One field: `{{ page.field("email") }}` places it whole (label,
    /// hint, error, control); its methods give the parts. Takes the
    /// field's name or its typed name (`Account::EMAIL`).
    pub fn field(&self, name: impl FieldRef) -> Field<'a> {
        let name = name.field_name();
        if let Some(placed) = self.placed {
            placed.borrow_mut().push(name.to_owned());
        }
        let spec = self.fields.iter().find(|f| f.name == name);
        let (name, label): (Cow<'static, str>, Cow<'static, str>) = match spec {
            Some(spec) => (Cow::Borrowed(spec.name), Cow::Borrowed(spec.label)),
            None => (Cow::Owned(name.to_owned()), Cow::Owned(humanize(name))),
        };
        Field {
            error: self.errors.find(&name),
            spec: spec.unwrap_or(&UNDECLARED),
            name,
            label,
            values: self.values,
            texts: self.texts,
        }
    }

    /// Every declared field, in order, each placed whole.
    pub fn fields(&self) -> impl Iterator<Item = Field<'a>> + '_ {
        self.fields.iter().map(|spec| self.field(spec.name))
    }

    /// The top of a step page: progress, error summary, notice, heading.
    pub fn top(&self) -> PageTop<'a, '_> {
        PageTop { page: self }
    }

    /// The `<script>` that keeps what the visitor types as the step's
    /// draft across a reload or a closed tab ([`DRAFTS_SCRIPT`]): place it
    /// after the form on a page of your own.
    pub fn drafts_script(&self) -> DraftsScript<'a> {
        DraftsScript { base: self.base }
    }

    /// The form's buttons: Continue (or the last step's finish button) and
    /// Back where there is a step before.
    pub fn buttons(&self) -> Buttons<'a> {
        Buttons {
            is_last: self.is_last,
            has_back: self.has_back,
            label: self.button,
            texts: self.texts,
        }
    }

    /// The page's body as the crate renders it from the declaration, to
    /// put in a layout.
    pub fn default_body(&self) -> String {
        let mut out = String::with_capacity(8192);
        self.top().write_into(&mut out);
        if !self.sections.is_empty() {
            self.check_answers().write_into(&mut out);
        }
        out.push_str("\n<form method=\"post\" action=\"");
        escape_into(&mut out, &self.action);
        out.push_str("\" novalidate>\n");
        self.hidden_fields().write_into(&mut out);
        out.push('\n');
        for field in self.fields() {
            field.write_into(&mut out);
        }
        self.buttons().write_into(&mut out);
        out.push_str("</form>\n");
        self.drafts_script().write_into(&mut out);
        out
    }

    /// The whole page from the declaration, inside the wizard's layout:
    /// what [`crate::Step::render`] does by default.
    pub fn render_default(&self) -> Result<String, askama::Error> {
        let body = self.default_body();
        self.in_layout(&body)
    }

    /// `body` (a step template's own content) inside the wizard's layout,
    /// titled with [`Page::document_title`]; the body alone when htmx
    /// asked for the page to swap it in ([`Page::is_fragment`]).
    pub fn in_layout(&self, body: &str) -> Result<String, askama::Error> {
        if self.fragment {
            return Ok(body.to_owned());
        }
        let title = self.document_title();
        (self.layout)(&Layout {
            title: &title,
            body,
            texts: self.texts,
        })
    }
}

/// The declaration of a field a hand-written step does not declare: a
/// text input.
static UNDECLARED: FieldSpec = FieldSpec::new("", "", Kind::Text);

/// One form field as the template sees it. Displayed, it is the whole
/// field; its methods give the parts for a page that arranges them itself.
/// Its `id` is its name, which is what the error summary links to (for a
/// group, the first control's id; for a date, `NAME-day`).
pub struct Field<'a> {
    spec: &'static FieldSpec,
    name: Cow<'static, str>,
    label: Cow<'static, str>,
    values: &'a RawForm,
    error: Option<&'a FieldError>,
    texts: &'a Texts,
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
        }
    }

    fn write_into(&self, out: &mut String) {
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
    DraftsScript<'_>,
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
pub struct Markup<'a>(&'a str);

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
    errors: &'a FieldErrors,
    fields: &'static [FieldSpec],
    texts: &'a Texts,
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
    progress: Progress,
    texts: &'a Texts,
}

impl ProgressLine<'_> {
    /// Writes the line.
    pub(crate) fn write_into(&self, out: &mut String) {
        let text = fill(
            &self.texts.progress,
            &[
                ("current", &self.progress.current.to_string()),
                ("total", &self.progress.total.to_string()),
            ],
        );
        out.push_str("<p class=\"progress\">");
        escape_into(out, &text);
        out.push_str("</p>");
    }
}

/// The top of a step page: progress, error summary, notice and heading.
pub struct PageTop<'a, 'p> {
    page: &'p Page<'a>,
}

impl PageTop<'_, '_> {
    /// Writes progress, summary, notice and heading.
    pub(crate) fn write_into(&self, out: &mut String) {
        let page = self.page;
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

/// The `<script>` element of [`DRAFTS_SCRIPT`].
pub struct DraftsScript<'a> {
    base: &'a str,
}

impl DraftsScript<'_> {
    /// Writes the element.
    pub(crate) fn write_into(&self, out: &mut String) {
        out.push_str("<script src=\"");
        escape_into(out, self.base);
        out.push('/');
        out.push_str(DRAFTS_SCRIPT_SEGMENT);
        out.push_str("\" defer></script>\n");
    }
}

/// A step form's buttons.
pub struct Buttons<'a> {
    is_last: bool,
    has_back: bool,
    /// The step's own label for the main button.
    label: Option<&'static str>,
    texts: &'a Texts,
}

impl Buttons<'_> {
    /// The main button's action (`finish` on the last step, else `next`)
    /// and its label (the step's own, else the text table's).
    pub(crate) fn main(&self) -> (&'static str, &str) {
        let (value, default) = if self.is_last {
            ("finish", &self.texts.finish_button)
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
        out.push_str("</div>\n");
    }
}

/// The script that saves what a visitor typed and did not send as the
/// step's draft (after a pause in typing, and as a beacon when the page is
/// hidden or left), so that a reload or a closed tab keeps it. The wizard
/// serves it at `{base}/wizard.js`; the default page places it
/// ([`Page::drafts_script`]). No build step, no framework; a
/// Content-Security-Policy without `unsafe-inline` allows it.
pub const DRAFTS_SCRIPT: &str = include_str!("../templates/wizard/drafts.js");

/// The URL segment the wizard serves [`DRAFTS_SCRIPT`] at (a step name
/// cannot contain a dot).
pub(crate) const DRAFTS_SCRIPT_SEGMENT: &str = "wizard.js";

/// The hidden field that carries the revision of the state a form was
/// shown on, which a draft saved by the page's script must match.
pub(crate) const REVISION_FIELD: &str = "wizard_revision";

/// The hidden inputs of a wizard form.
pub struct HiddenFields<'a> {
    token: &'a str,
    revision: u64,
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

/// The answers so far, one summary list per step, each row with a Change
/// link that returns here once that step is saved again.
pub struct CheckAnswers<'a> {
    sections: &'a [AnswerSection],
    texts: &'a Texts,
}

impl CheckAnswers<'_> {
    /// Writes a heading and a summary list per step.
    pub(crate) fn write_into(&self, out: &mut String) {
        for section in self.sections {
            out.push_str("\n<h2 class=\"summary-list__heading\">");
            escape_into(out, section.title);
            out.push_str("</h2>\n<dl class=\"summary-list\">");
            for row in &section.rows {
                out.push_str(
                    "\n  <div class=\"summary-list__row\">\n    <dt class=\"summary-list__key\">",
                );
                escape_into(out, &row.label);
                out.push_str("</dt>\n    <dd class=\"summary-list__value\">");
                escape_into(out, &row.value);
                out.push_str("</dd>\n    <dd class=\"summary-list__actions\"><a href=\"");
                escape_into(out, &section.change_url);
                out.push('#');
                escape_into(out, &row.field);
                out.push_str("\">");
                escape_into(out, &self.texts.change);
                out.push_str("<span class=\"visually-hidden\"> ");
                escape_into(out, &row.label.to_lowercase());
                out.push_str("</span></a></dd>\n  </div>");
            }
            out.push_str("\n</dl>");
        }
    }
}

/// The page around a step's body: what [`crate::Wizard::layout`] gets.
pub struct Layout<'a> {
    pub(crate) title: &'a str,
    pub(crate) body: &'a str,
    pub(crate) texts: &'a Texts,
}

impl<'a> Layout<'a> {
    /// A page of the application's own (an operator's page, say) to lay out
    /// as the wizard's pages are: `body` is HTML, placed as it is.
    ///
    /// ```
    /// use actix_wizard::{page::Layout, page::Texts};
    ///
    /// let texts = Texts::default();
    /// let layout = Layout::new("Reports", "<h1>Reports</h1>", &texts);
    /// assert!(layout.service_document("Example", "/site.css").contains("<h1>Reports</h1>"));
    /// ```
    pub fn new(title: &'a str, body: &'a str, texts: &'a Texts) -> Self {
        Self { title, body, texts }
    }

    /// The `<title>` ("Error: " first on a page with errors).
    pub fn title(&self) -> &'a str {
        self.title
    }

    /// The rendered body, HTML to place as it is.
    pub fn body(&self) -> Markup<'a> {
        Markup(self.body)
    }

    /// The page's `lang`, from the text table.
    pub fn lang(&self) -> &'a str {
        &self.texts.lang
    }

    /// The crate's stylesheet ([`STYLESHEET`]), to inline in a `<style>`.
    pub fn stylesheet(&self) -> Markup<'static> {
        Markup(STYLESHEET)
    }

    /// A complete, plain HTML document around the body, with the crate's
    /// stylesheet inlined: the default layout.
    pub fn default_document(&self) -> String {
        let mut out = String::with_capacity(self.body.len() + STYLESHEET.len() + 400);
        self.open_head(&mut out, None);
        out.push_str("<style>");
        out.push_str(STYLESHEET);
        out.push_str("</style>\n</head>\n<body>\n<main id=\"main\" class=\"wizard\">\n");
        out.push_str(self.body);
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }

    /// A service's page in the manner of GOV.UK's page template: a skip
    /// link, a header naming the service, and the body in
    /// `<main id="main">` inside a `width` container. Its `<title>` is the
    /// page's, then the service's name ("Your profile – Example signup");
    /// it links the application's `stylesheet` (which should carry the
    /// crate's [`STYLESHEET`] rules, or link both) instead of inlining one.
    /// The classes it uses are `skip-link`, `header`, `header__name` and
    /// `width`.
    ///
    /// ```
    /// # fn layout(layout: &actix_wizard::page::Layout<'_>) -> Result<String, askama::Error> {
    /// Ok(layout.service_document("Apply for a licence", "/static/site.css"))
    /// # }
    /// ```
    pub fn service_document(&self, service: &str, stylesheet: &str) -> String {
        let mut out = String::with_capacity(self.body.len() + 800);
        self.open_head(&mut out, Some(service));
        out.push_str("<link rel=\"stylesheet\" href=\"");
        escape_into(&mut out, stylesheet);
        out.push_str("\">\n</head>\n<body>\n<a class=\"skip-link\" href=\"#main\">");
        escape_into(&mut out, &self.texts.skip_to_main);
        out.push_str(
            "</a>\n<header class=\"header\"><div class=\"width\"><span class=\"header__name\">",
        );
        escape_into(&mut out, service);
        out.push_str("</span></div></header>\n<div class=\"width\">\n<main id=\"main\">\n");
        out.push_str(self.body);
        out.push_str("</main>\n</div>\n</body>\n</html>\n");
        out
    }

    /// The document's start up to the end of its `<title>`.
    fn open_head(&self, out: &mut String, service: Option<&str>) {
        out.push_str("<!DOCTYPE html>\n<html lang=\"");
        escape_into(out, self.lang());
        out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        escape_into(out, self.title);
        if let Some(service) = service {
            out.push_str(" \u{2013} ");
            escape_into(out, service);
        }
        out.push_str("</title>\n");
    }
}

/// What the completion page's template receives.
pub struct CompletePage<'a> {
    pub(crate) base: &'a str,
    pub(crate) texts: &'a Texts,
    pub(crate) layout: LayoutFn,
}

impl CompletePage<'_> {
    /// The URL the wizard is mounted at; linking to it starts a new run.
    pub fn base(&self) -> &str {
        self.base
    }

    /// The wizard's text table.
    pub fn texts(&self) -> &Texts {
        self.texts
    }

    /// `body` inside the wizard's layout, titled `title`.
    pub fn in_layout(&self, title: &str, body: &str) -> Result<String, askama::Error> {
        (self.layout)(&Layout {
            title,
            body,
            texts: self.texts,
        })
    }

    /// A confirmation page inside the wizard's layout, in the manner of
    /// GOV.UK's: a panel with `heading` and `message` (both text, escaped
    /// here; `format_args!` works for either), then a link that starts
    /// another run ([`Texts::start_another`]). Titled `title`.
    ///
    /// ```
    /// # fn page(page: &actix_wizard::page::CompletePage<'_>, name: &str) -> Result<String, askama::Error> {
    /// page.confirmation("Application sent", format_args!("Thank you, {name}"), "We have sent you an email.")
    /// # }
    /// ```
    pub fn confirmation(
        &self,
        title: impl fmt::Display,
        heading: impl fmt::Display,
        message: impl fmt::Display,
    ) -> Result<String, askama::Error> {
        let mut body = String::with_capacity(256);
        body.push_str("<div class=\"panel\">\n<h1>");
        escape_into(&mut body, &heading.to_string());
        body.push_str("</h1>\n<p>");
        escape_into(&mut body, &message.to_string());
        body.push_str("</p>\n</div>\n<p><a href=\"");
        escape_into(&mut body, self.base);
        body.push_str("\">");
        escape_into(&mut body, &self.texts.start_another);
        body.push_str("</a></p>\n");
        self.in_layout(&title.to_string(), &body)
    }
}

/// A page for a request the wizard cannot serve (400, 403, 404, 413, 415,
/// 500, 503), in plain accessible HTML.
#[derive(Template)]
#[template(path = "wizard/problem.html")]
pub(crate) struct ProblemPage<'a> {
    pub lang: &'a str,
    pub heading: &'a str,
    pub body: &'a str,
    pub link: Option<(&'a str, &'a str)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::FormLimits;

    fn page_with<'a>(values: &'a RawForm, errors: &'a FieldErrors) -> Page<'a> {
        Page {
            title: "Your details",
            action: "/w/details".into(),
            values,
            errors,
            csrf_token: "tok<en>",
            revision: 0,
            progress: Progress {
                current: 2,
                total: 4,
            },
            notice: None,
            has_back: true,
            is_last: false,
            button: None,
            is_change: false,
            sections: &[],
            base: "/w",
            fields: FIELDS,
            texts: Texts::english(),
            layout: |layout| Ok(layout.default_document()),
            fragment: false,
            placed: None,
        }
    }

    const FIELDS: &[FieldSpec] = &[
        FieldSpec::new("age", "Age", Kind::Number),
        FieldSpec::new("news", "News", Kind::Checkbox),
        FieldSpec::new("dob", "Date of birth", Kind::Date),
    ];

    #[test]
    fn the_summary_links_to_the_control_that_takes_focus() {
        let values = RawForm::default();
        let mut errors = FieldErrors::new();
        errors.add_at("dob", Some("month"), "Date of birth must include a month");
        errors.add("news", "Say yes or no");
        let page = page_with(&values, &errors);
        let summary = page.error_summary().to_string();
        assert!(summary.contains(r##"href="#dob-month""##), "{summary}");
        assert!(summary.contains(r##"href="#news""##), "{summary}");
        let whole = page.render_default().unwrap();
        assert!(whole.starts_with("<!DOCTYPE html>"));
        assert!(
            whole.contains(r#"id="dob-month" name="dob-month""#),
            "{whole}"
        );
        assert!(whole.contains(r#"id="news" name="news" type="checkbox""#));
        assert!(whole.contains("<title>Error: Your details</title>"));
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
