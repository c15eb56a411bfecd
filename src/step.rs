//! The [`Step`] trait: one page of a wizard, as a typed struct.

use std::future::Future;

use actix_web::HttpRequest;
use serde::Serialize;
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::check_answers::{Answer, answers_of};
use crate::field_errors::FieldErrors;
use crate::form::Mismatch;
use crate::render::Page;

/// One page of a wizard: a struct whose fields are the page's form fields.
///
/// The struct is decoded from the submitted form (every field, present or
/// not: a missing checkbox is `false`, a missing list empty, an empty
/// optional `None`), checked with its `validator` rules, then with
/// [`Step::check`]. Its fields must be scalars (`String`, numbers, `bool`,
/// unit enums, [`crate::Secret`]), `Option`s or `Vec`s of them.
///
/// ```
/// use actix_wizard::{Page, Step};
/// use serde::{Deserialize, Serialize};
/// use validator::Validate;
///
/// #[derive(Default, Serialize, Deserialize, Validate)]
/// struct Name {
///     #[validate(length(min = 1, message = "Enter your name"))]
///     name: String,
/// }
///
/// impl Step for Name {
///     const NAME: &'static str = "name";
///     const TITLE: &'static str = "What is your name?";
///     fn render(page: &Page<'_>) -> Result<String, askama::Error> {
///         // Usually an askama template holding `page`; see the README.
///         Ok(format!("<h1>{}</h1>{}", page.title(), page.error_summary()))
///     }
/// }
/// ```
pub trait Step: Serialize + DeserializeOwned + Validate + 'static {
    /// The step's URL segment: lowercase letters, digits, `-` or `_`.
    const NAME: &'static str;
    /// The page heading, also used in `<title>` and on the check-answers list.
    const TITLE: &'static str;

    /// Renders the step's page (usually an askama template holding `page`).
    fn render(page: &Page<'_>) -> Result<String, askama::Error>;

    /// Checks that need I/O (such as "this email is already registered"),
    /// run after the `validator` rules pass, and again when the wizard
    /// finishes. Returns the fields' errors; empty means all is well.
    fn check(&self, request: &HttpRequest) -> impl Future<Output = FieldErrors> {
        let _ = request;
        async { FieldErrors::new() }
    }

    /// The message for a value of the wrong type, such as `age=abc`.
    fn type_error(field: &str, mismatch: Mismatch) -> String {
        let _ = field;
        mismatch.default_message()
    }

    /// The rows this step adds to the check-answers list. By default, one
    /// row per field, labelled from the field's name, secrets left out.
    fn answers(&self) -> Vec<Answer> {
        answers_of(self)
    }
}
