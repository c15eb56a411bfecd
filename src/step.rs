//! The [`Step`] trait: one page of a wizard, as a typed struct.

use std::future::Future;

use actix_web::HttpRequest;
use serde::Serialize;
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::check_answers::{Answer, answers_of};
use crate::field::FieldSpec;
use crate::field_errors::FieldErrors;
use crate::form::Mismatch;
use crate::render::Page;
use crate::texts::Texts;

/// One page of a wizard: a struct whose fields are the page's form fields.
///
/// The struct is decoded from the submitted form (every field, present or
/// not: a missing checkbox is `false`, a missing list empty, an empty
/// optional `None`), checked with its `validator` rules, then with
/// [`Step::check`]. Its fields must be scalars (`String`, numbers, `bool`,
/// unit enums, [`crate::Secret`], [`crate::Date`]), `Option`s or `Vec`s of
/// them.
///
/// Usually derived: `#[derive(Step)]` declares each field once, with its
/// label, hint and control, and the crate renders the whole page from it:
///
/// ```
/// use actix_wizard::Step;
/// use serde::{Deserialize, Serialize};
/// use validator::Validate;
///
/// #[derive(Default, Serialize, Deserialize, Validate, Step)]
/// #[step(name = "name", title = "What is your name?")]
/// struct Name {
///     #[field(label = "Full name", autocomplete = "name")]
///     #[validate(length(min = 1, message = "Enter your name"))]
///     name: String,
/// }
///
/// assert_eq!(Name::FIELDS[0].label, "Full name");
/// /// // Typed field names: `NAME_FIELD`, as `NAME` is the step's own.
/// assert_eq!(Name::NAME_FIELD.as_str(), "name");
/// ```
///
/// A hand-written `impl Step` works too; it then writes its own page:
///
/// ```
/// use actix_wizard::{page::Page, Step};
/// # use serde::{Deserialize, Serialize};
/// # use validator::Validate;
/// # #[derive(Default, Serialize, Deserialize, Validate)]
/// # struct Name { name: String }
/// impl Step for Name {
///     const NAME: &'static str = "name";
///     const TITLE: &'static str = "What is your name?";
///     fn render(page: &Page<'_>) -> Result<String, askama::Error> {
///         // Usually an askama template holding `page`; see the README.
///         Ok(format!("<h1>{}</h1>{}", page.title(), page.field("name")))
///     }
/// }
/// ```
pub trait Step: Serialize + DeserializeOwned + Validate + 'static {
    /// The step's URL segment: lowercase letters, digits, `-` or `_`.
    const NAME: &'static str;
    /// The page heading, also used in `<title>` and on the check-answers list.
    const TITLE: &'static str;
    /// The fields as declared, in order: labels, hints, controls. Empty
    /// for a hand-written step that does not list them (its labels are
    /// then made from the field names).
    const FIELDS: &'static [FieldSpec] = &[];
    /// Whether start-up checks that the page places every field, and no
    /// field the step does not have. Turn it off for a page that places
    /// fields behind conditions.
    const CHECK_PLACEMENT: bool = true;
    /// The label of the step's main button, in place of the text table's
    /// ("Continue", or the last step's "Finish"): "Create account",
    /// "Accept and send". `None` by default.
    const BUTTON: Option<&'static str> = None;
    /// Whether the finish runs [`Step::check`] again for answers stored
    /// earlier (their `validator` rules always run again). Turn it off
    /// (`#[step(check_once)]`) when the finish decides anyway: an email
    /// check whose finish inserts the account under a unique index needs
    /// no second query, since the insert refuses a taken address and
    /// [`crate::FinishError::invalid_field`] sends the visitor back to the
    /// field. `true` by default.
    const CHECK_AT_FINISH: bool = true;

    /// Renders the step's page. By default, the whole page from
    /// [`Step::FIELDS`], inside the wizard's layout
    /// ([`crate::Wizard::layout`]); a step with a page of its own renders
    /// an askama template holding `page`.
    fn render(page: &Page<'_>) -> Result<String, askama::Error> {
        page.render_default()
    }

    /// Checks that need I/O (such as "this email is already registered"),
    /// run after the `validator` rules pass, and again when the wizard
    /// finishes unless [`Step::CHECK_AT_FINISH`] is off. Returns the
    /// fields' errors; empty means all is well.
    fn check(&self, request: &HttpRequest) -> impl Future<Output = FieldErrors> {
        let _ = request;
        async { FieldErrors::new() }
    }

    /// The message for a value of the wrong type, such as `age=abc`;
    /// `None` (the default) takes the field's `type_error`, else the text
    /// table's, with the field's label ("Age must be a whole number").
    fn type_error(field: &str, mismatch: Mismatch) -> Option<String> {
        let _ = (field, mismatch);
        None
    }

    /// The rows this step adds to the check-answers list. Derived: one row
    /// per field, labelled as declared, secrets left out. Hand-written: by
    /// default labelled from the field names.
    fn answers(&self, texts: &Texts) -> Vec<Answer> {
        answers_of(self, texts)
    }
}

// Here rather than beside `FieldName`: the field module sits below the
// step, which it does not need to know.
impl<S: Step> crate::field::FieldName<S> {
    /// The name of the step the field belongs to.
    pub fn step(&self) -> &'static str {
        S::NAME
    }
}
