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

use crate::check_answers::AnswerSection;
use crate::components::escape_into;
use crate::field::{FieldRef, FieldSpec, humanize};
use crate::field_errors::FieldErrors;
use crate::form::RawForm;
use crate::texts::Texts;

mod language;
mod layout;
mod list;
mod parts;
#[cfg(feature = "save-and-return")]
pub(crate) mod save_return;
#[cfg(test)]
mod tests;
mod timeout;

pub use language::{LanguageLink, LanguageSwitcher};
pub(crate) use layout::ProblemPage;
pub use layout::{CompletePage, Layout};
pub(crate) use list::ListRow;
use parts::UNDECLARED;
pub use parts::{
    AriaAttributes, Buttons, CheckAnswers, ErrorMessage, ErrorSummary, Field, FileRemoveForms,
    HiddenFields, Markup, PageTop, Progress, ProgressLine, SafeHtml, WizardScript,
};
#[cfg(feature = "testing")]
pub(crate) use timeout::TIMEOUT_DIALOG_ID;
pub use timeout::{Timeout, TimeoutWarning};

/// The crate's stylesheet: visually hidden text, error states and a plain
/// readable look for every component. The default layout inlines it; an
/// application serving its own CSS can start from it.
pub const STYLESHEET: &str = include_str!("../../templates/wizard/wizard.css");

/// How the wizard's pages are laid out: [`crate::Wizard::layout`].
pub type LayoutFn = fn(&Layout<'_>) -> Result<String, askama::Error>;

/// Everything a step's template needs: title, form values, errors,
/// progress, navigation and the components.
///
/// Values come from what the visitor last typed on this step (a draft) or
/// else from the stored answers; secrets are never among them.
pub struct Page<'a> {
    pub(crate) title: &'a str,
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
    /// Whether the form offers "Save and come back later"
    /// ([`crate::WizardConfig::save_and_return`]).
    pub(crate) can_save: bool,
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
    /// When the page's run expires, and when to warn; none for a run
    /// not stored, or with the warning off.
    pub(crate) timeout: Option<Timeout>,
    /// The same page in the wizard's other languages.
    pub(crate) switcher: LanguageSwitcher,
}

impl<'a> Page<'a> {
    /// The step's title ([`crate::Step::TITLE`]).
    pub fn title(&self) -> &'a str {
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

    /// The language switcher: the page's language, and a link to the same
    /// page in each other language the wizard offers (nothing with one).
    /// [`Page::top`] places it first.
    pub fn language_switcher(&self) -> &LanguageSwitcher {
        &self.switcher
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
        // What its options reveal, written beneath them.
        let revealed = self
            .fields
            .iter()
            .filter_map(|other| match other.reveal() {
                Some((controller, value)) if controller == name => {
                    let mut html = String::with_capacity(512);
                    self.field(other.name).write_into(&mut html);
                    Some((value, html))
                }
                _ => None,
            })
            .collect();
        Field {
            error: self.errors.find(&name),
            spec: spec.unwrap_or(&UNDECLARED),
            name,
            label,
            values: self.values,
            texts: self.texts,
            revealed,
        }
    }

    /// Every declared field, in order, each placed whole; a field an
    /// option reveals is placed beneath that option.
    pub fn fields(&self) -> impl Iterator<Item = Field<'a>> + '_ {
        self.fields
            .iter()
            .filter(|spec| {
                spec.reveal()
                    .is_none_or(|(controller, _)| !self.fields.iter().any(|f| f.name == controller))
            })
            .map(|spec| self.field(spec.name))
    }

    /// The top of a step page: progress, error summary, notice, heading.
    pub fn top(&self) -> PageTop<'a, '_> {
        PageTop { page: self }
    }

    /// The `<script>` of the wizard's pages ([`WIZARD_SCRIPT`]): it keeps
    /// what the visitor types as the step's draft across a reload or a
    /// closed tab, shows revealed questions only under their chosen
    /// option, and opens the timeout warning ([`Page::timeout_warning`]).
    /// Place it after the form on a page of your own.
    pub fn script(&self) -> WizardScript<'a> {
        WizardScript { base: self.base }
    }

    /// The dialog that warns before the run expires and offers to keep
    /// it ([`crate::WizardConfig::timeout_warning`]); the wizard's script
    /// ([`Page::script`]) opens it. [`Page::in_layout`] places it,
    /// so a page of your own has it too.
    pub fn timeout_warning(&self) -> TimeoutWarning<'a> {
        TimeoutWarning {
            timeout: self.timeout,
            base: self.base,
            texts: self.texts,
        }
    }

    /// When the page's run expires, as its store last set it, and when
    /// the page warns; `None` for a run with nothing stored yet, or with
    /// the warning off.
    pub fn timeout(&self) -> Option<Timeout> {
        self.timeout
    }

    /// The form's buttons: Continue (or the last step's finish button) and
    /// Back where there is a step before.
    pub fn buttons(&self) -> Buttons<'a> {
        Buttons {
            is_last: self.is_last,
            has_back: self.has_back,
            label: self.button,
            is_change: self.is_change,
            can_save: self.can_save,
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
        out.push('"');
        if self.fields.iter().any(|spec| spec.kind.is_file()) {
            out.push_str(" enctype=\"multipart/form-data\"");
        }
        out.push_str(" novalidate>\n");
        self.hidden_fields().write_into(&mut out);
        out.push('\n');
        for field in self.fields() {
            field.write_into(&mut out);
        }
        self.buttons().write_into(&mut out);
        out.push_str("</form>\n");
        self.file_remove_forms().write_into(&mut out);
        self.script().write_into(&mut out);
        out
    }

    /// The small forms that remove a file a file field holds, one per
    /// held file: place them after the step's form on a page of your own.
    /// Each field's Remove button belongs to its form (`form="…"`), so that
    /// pressing Enter in the step's form never removes a file.
    pub fn file_remove_forms(&self) -> FileRemoveForms<'a> {
        FileRemoveForms {
            action: self.action.clone(),
            fields: self.fields,
            values: self.values,
            hidden: self.hidden_fields(),
        }
    }

    /// The whole page from the declaration, inside the wizard's layout:
    /// what [`crate::Step::render`] does by default.
    pub fn render_default(&self) -> Result<String, askama::Error> {
        // The warning goes straight after the body the crate wrote, which
        // is then not copied into a second buffer.
        let mut body = self.default_body();
        self.timeout_warning().write_into(&mut body);
        self.around(body)
    }

    /// `body` (a step template's own content) and the page's timeout
    /// warning ([`Page::timeout_warning`]) inside the wizard's layout,
    /// titled with [`Page::document_title`]; without the layout when htmx
    /// asked for the page to swap it in ([`Page::is_fragment`]).
    pub fn in_layout(&self, body: &str) -> Result<String, askama::Error> {
        let mut whole = String::with_capacity(body.len() + 1024);
        whole.push_str(body);
        self.timeout_warning().write_into(&mut whole);
        self.around(whole)
    }

    /// `whole` (a body and its timeout warning) inside the layout, or
    /// alone for an htmx swap.
    fn around(&self, whole: String) -> Result<String, askama::Error> {
        if self.fragment {
            return Ok(whole);
        }
        let title = self.document_title();
        (self.layout)(&Layout {
            title: &title,
            body: &whole,
            texts: self.texts,
        })
    }
}

/// The script of the wizard's pages. It saves what a visitor typed and
/// did not send as the step's draft (after a pause in typing, and as a
/// beacon when the page is hidden or left), so that a reload or a closed
/// tab keeps it; it hides a revealed question until its option is chosen;
/// and it opens the timeout warning before the run expires. The wizard
/// serves it at `{base}/wizard.js`; the default page places it
/// ([`Page::script`]). No build step, no framework; a
/// Content-Security-Policy without `unsafe-inline` allows it.
pub const WIZARD_SCRIPT: &str = include_str!("../../templates/wizard/wizard.js");

/// The URL segment the wizard serves [`WIZARD_SCRIPT`] at (a step name
/// cannot contain a dot).
pub(crate) const SCRIPT_SEGMENT: &str = "wizard.js";

/// The hidden field that carries the revision of the state a form was
/// shown on, which a draft saved by the page's script must match.
pub(crate) const REVISION_FIELD: &str = "wizard_revision";
