//! The wizard declaration: the [`Wizard`] trait, admission, and what its
//! finish receives and may answer. Its ordered steps are in [`crate::steps`].

use std::fmt;
use std::future::Future;

use actix_web::{HttpMessage, HttpRequest};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::field::FieldName;
use crate::field_errors::FieldErrors;
use crate::render::{CompletePage, Layout};
use crate::resource::ResourceKey;
use crate::step::Step;
use crate::steps::Steps;

/// A wizard: the application's combined submission, one field per step.
///
/// The struct itself is what [`Wizard::finish`] receives, every active
/// step filled in and validated again; a conditional step is an `Option`,
/// `None` when its condition did not hold.
///
/// ```
/// use actix_wizard::{page::CompletePage, Finish, FinishError, page::Page, Step, Steps, Wizard};
/// use serde::{Deserialize, Serialize};
/// use validator::Validate;
///
/// #[derive(Default, Serialize, Deserialize, Validate)]
/// struct Name {
///     #[validate(length(min = 1, message = "Enter your name"))]
///     name: String,
///     wants_more: bool,
/// }
/// #[derive(Default, Serialize, Deserialize, Validate)]
/// struct More {
///     #[validate(length(max = 200))]
///     comment: String,
/// }
/// # fn page(page: &Page<'_>) -> Result<String, askama::Error> { Ok(page.title().to_owned()) }
/// impl Step for Name {
///     const NAME: &'static str = "name";
///     const TITLE: &'static str = "Your name";
///     fn render(p: &Page<'_>) -> Result<String, askama::Error> { page(p) }
/// }
/// impl Step for More {
///     const NAME: &'static str = "more";
///     const TITLE: &'static str = "Tell us more";
///     fn render(p: &Page<'_>) -> Result<String, askama::Error> { page(p) }
/// }
///
/// #[derive(Default)]
/// struct Feedback { name: Name, more: Option<More> }
///
/// impl Wizard for Feedback {
///     const ID: &'static str = "feedback";
///     type Outcome = String;
///     fn steps() -> Steps<Self> {
///         Steps::<Self>::new()
///             .step(|f| &mut f.name)
///             .step_if(|f| &mut f.more, |f| f.name.wants_more)
///     }
///     async fn finish(self, _finish: &Finish) -> Result<String, FinishError> {
///         Ok(self.name.name)
///     }
///     fn render_complete(name: &String, _page: &CompletePage<'_>) -> Result<String, askama::Error> {
///         Ok(format!("Thank you, {name}"))
///     }
/// }
/// ```
pub trait Wizard: Default + Sized + 'static {
    /// Names the wizard's entry in the session and its cookies; unique
    /// among the application's wizards.
    const ID: &'static str;
    /// The version of the declaration, stored with the answers. Raise it
    /// when steps or fields change meaning.
    const VERSION: u32 = 1;

    /// What the completion page needs (e.g. a display name or an order
    /// number). Kept in the session after finishing.
    type Outcome: Serialize + DeserializeOwned;

    /// The steps, in order, with their conditions.
    fn steps() -> Steps<Self>;

    /// Does what the wizard is for (creates the account, places the order),
    /// once per wizard run: concurrent duplicate submissions wait for the
    /// first and share its outcome. [`Finish::run`] names the run, for
    /// applications that deduplicate on their side too.
    fn finish(self, finish: &Finish) -> impl Future<Output = Result<Self::Outcome, FinishError>>;

    /// Whether the visitor may use this wizard on the resource the request
    /// names (a wizard mounted at `/bookings/{booking}/change`: may this
    /// visitor change this booking?). Asked before a run has any state: on
    /// the first visit, and again once a run has expired or finished;
    /// answering [`Admission::NotFound`] or [`Admission::Forbidden`] gives
    /// the 404 or 403 page, and nothing is stored. A run that has started
    /// is not asked again: `finish` checks what must hold at the end.
    /// Read the path with [`resource`]. By default, everyone may.
    fn admit(request: &HttpRequest) -> impl Future<Output = Admission> {
        let _ = request;
        std::future::ready(Admission::Allowed)
    }

    /// For a wizard on a path with parameters: the resource a request is
    /// on, in its one written form ([`ResourceKey`]), which keys its runs;
    /// `None` when the path names none of its resources (404). By default
    /// every parameter as written; name the resource's type so that every
    /// spelling of one resource is one run:
    ///
    /// ```
    /// # use actix_wizard::ResourceKey;
    /// # #[derive(serde::Serialize, serde::Deserialize)] struct BookingPath { booking: u32 }
    /// # fn resource_key(request: &actix_web::HttpRequest) -> Option<ResourceKey> {
    /// ResourceKey::of::<BookingPath>(request)
    /// # }
    /// ```
    fn resource_key(request: &HttpRequest) -> Option<ResourceKey> {
        ResourceKey::as_written(request)
    }

    /// The answers a new run starts with, for a wizard that changes
    /// something that exists (an amend wizard opens with the booking as it
    /// is): each applying step of the value returned is stored as answered,
    /// so the visitor lands on the first step not answered (the last one,
    /// when all are) and every form shows the current values. Asked once
    /// per new run, after [`Wizard::admit`]; `None` (the default) starts
    /// empty. The answers are checked again at finish like any others.
    fn prefill(request: &HttpRequest) -> impl Future<Output = Option<Self>> {
        let _ = request;
        std::future::ready(None)
    }

    /// Rows the check page shows after the answers, without a Change
    /// link: what the answers add up to (a claim's total, say). Asked
    /// with the answers so far and the page's words (its language is
    /// `texts.lang`); none by default.
    ///
    /// ```
    /// # use actix_wizard::page::{Answer, Texts};
    /// # struct Claim { amounts: Vec<u64> }
    /// # impl Claim {
    /// fn totals(&self, texts: &Texts) -> Vec<Answer> {
    ///     let pence: u64 = self.amounts.iter().sum();
    ///     let label = if texts.lang == "cy" { "Cyfanswm" } else { "Total" };
    ///     vec![Answer::new("total", label, format!("£{}.{:02}", pence / 100, pence % 100))]
    /// }
    /// # }
    /// ```
    fn totals(&self, texts: &crate::page::Texts) -> Vec<crate::page::Answer> {
        let _ = texts;
        Vec::new()
    }

    /// Renders the page shown after finishing; `page.in_layout(title,
    /// body)` puts it in [`Wizard::layout`].
    fn render_complete(
        outcome: &Self::Outcome,
        page: &CompletePage<'_>,
    ) -> Result<String, askama::Error>;

    /// The application's layout around every page the crate renders from
    /// a declaration (and around any page that asks for it with
    /// [`crate::page::Page::in_layout`]): the document, header and footer, with the
    /// page's body placed as given. By default, a plain document with the
    /// crate's stylesheet ([`Layout::default_document`]).
    ///
    /// askama cannot extend a template of another crate, so the layout is
    /// the application's own template, holding the [`Layout`]:
    ///
    /// ```
    /// use actix_wizard::page::Layout;
    /// use askama::Template;
    ///
    /// #[derive(Template)]
    /// #[template(ext = "html", source = r#"<!DOCTYPE html>
    /// <html lang="{{ layout.lang() }}"><title>{{ layout.title() }} – My shop</title>
    /// <header>My shop</header><main id="main">{{ layout.body() }}</main></html>"#)]
    /// struct ShopLayout<'a> {
    ///     layout: &'a Layout<'a>,
    /// }
    ///
    /// // In `impl Wizard for …`:
    /// fn layout(layout: &Layout<'_>) -> Result<String, askama::Error> {
    ///     ShopLayout { layout }.render()
    /// }
    /// # let _ = layout;
    /// ```
    fn layout(page: &Layout<'_>) -> Result<String, askama::Error> {
        Ok(page.default_document())
    }
}

/// What [`Wizard::admit`] decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// The visitor may use the wizard on this resource.
    Allowed,
    /// No such resource, as far as this visitor may know: the 404 page.
    NotFound,
    /// The resource exists, and this visitor may not change it: the 403
    /// page.
    Forbidden,
}

/// The path parameters of the resource a wizard runs on, typed: for a
/// wizard at `/bookings/{booking}/change`, `resource::<u32>(request)` (one
/// parameter) or a struct with a field per parameter. `None` when they do
/// not parse as `T`.
///
/// ```
/// # fn example(request: &actix_web::HttpRequest) {
/// #[derive(serde::Deserialize)]
/// struct Booking {
///     booking: u32,
/// }
/// let booking: Option<Booking> = actix_wizard::resource(request);
/// # let _ = booking;
/// # }
/// ```
pub fn resource<T: DeserializeOwned>(request: &HttpRequest) -> Option<T> {
    request.match_info().load::<T>().ok()
}

/// The id of the run a form was sent for, as [`Finish::run`] gives it, for
/// a step's [`Step::check`](crate::Step::check): `None` outside a submitted
/// step. A check that reads what `finish` writes uses it to recognise the
/// run's own earlier work (an account this run created on another
/// instance, say) when the run finishes again.
///
/// ```
/// # async fn check(request: &actix_web::HttpRequest) {
/// let run: Option<String> = actix_wizard::run_of(request);
/// # let _ = run;
/// # }
/// ```
pub fn run_of(request: &HttpRequest) -> Option<String> {
    request
        .extensions()
        .get::<SubmittedRun>()
        .map(|run| run.0.clone())
}

/// The run id [`run_of`] reads, put on the request before its checks run.
#[derive(Clone)]
pub(crate) struct SubmittedRun(pub(crate) String);

/// What [`Wizard::finish`] knows about the request that finishes the run.
pub struct Finish {
    pub(crate) run: String,
    pub(crate) request: HttpRequest,
    /// The language the finishing page was in ([`crate::language`]).
    pub(crate) language: String,
    /// Where the run's files wait (feature `uploads`).
    #[cfg(feature = "uploads")]
    pub(crate) staging: Option<crate::upload::Staging>,
}

impl Finish {
    /// The wizard run's id: random, stable from the first answer to the
    /// finish, different for every run.
    pub fn run(&self) -> &str {
        &self.run
    }

    /// The request, for application data (`request.app_data::<Data<T>>()`).
    pub fn request(&self) -> &HttpRequest {
        &self.request
    }

    /// The language of the submission: the tag of the language the
    /// visitor finished in (`en`, `cy`), to record with it.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// Copies a file the run holds to its permanent place, `to`, in the
    /// staging area's object store (name it from the finish's own
    /// reference: `claims/CLM-12345678/receipt-1.pdf`). The staged copy is
    /// deleted once the finish has succeeded, so a finish that fails after
    /// this and runs again finds the file where it was.
    ///
    /// ```
    /// # async fn finish(finish: &actix_wizard::Finish, receipt: &actix_wizard::upload::Upload) -> Result<(), actix_wizard::FinishError> {
    /// finish.keep_file(receipt, "claims/CLM-12345678/receipt-1.pdf").await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "uploads")]
    pub async fn keep_file(
        &self,
        file: &crate::upload::Upload,
        to: &str,
    ) -> Result<(), FinishError> {
        let staging = self.staging()?;
        staging
            .copy(file, to)
            .await
            .map_err(FinishError::unavailable)
    }

    /// A file the run holds, whole (for a file small enough to hold in
    /// memory: an email attachment, a check of its content).
    #[cfg(feature = "uploads")]
    pub async fn read_file(
        &self,
        file: &crate::upload::Upload,
    ) -> Result<actix_web::web::Bytes, FinishError> {
        let staging = self.staging()?;
        staging.read(file).await.map_err(FinishError::unavailable)
    }

    #[cfg(feature = "uploads")]
    fn staging(&self) -> Result<&crate::upload::Staging, FinishError> {
        self.staging
            .as_ref()
            .ok_or_else(|| FinishError::failed("no uploads configured (WizardConfig::uploads)"))
    }

    /// The application's `web::Data<T>`, or a failed finish naming the
    /// type when the application did not register one (a mistake in the
    /// set-up: the visitor gets the "your answers are safe" page, and the
    /// error is logged).
    ///
    /// ```
    /// # struct Accounts;
    /// # async fn finish(finish: &actix_wizard::Finish) -> Result<(), actix_wizard::FinishError> {
    /// let accounts: &Accounts = finish.data::<Accounts>()?;
    /// # let _ = accounts;
    /// # Ok(())
    /// # }
    /// ```
    pub fn data<T: 'static>(&self) -> Result<&T, FinishError> {
        self.request
            .app_data::<actix_web::web::Data<T>>()
            .map(|data| data.get_ref())
            .ok_or_else(|| {
                FinishError::failed(format!(
                    "no web::Data<{}> in the application",
                    std::any::type_name::<T>()
                ))
            })
    }
}

/// Why a wizard could not finish.
///
/// `?` works inside [`Wizard::finish`] for any error type: it becomes
/// [`FinishError::Failed`], keeping the error as its source.
///
/// ```
/// use actix_wizard::FinishError;
///
/// fn parse(text: &str) -> Result<u32, FinishError> {
///     Ok(text.parse::<u32>()?)
/// }
/// let failed = parse("x").unwrap_err();
/// assert!(matches!(failed, FinishError::Failed(_)));
/// assert_eq!(failed.to_string(), "finishing failed: invalid digit found in string");
/// ```
#[derive(Debug)]
pub enum FinishError {
    /// An answer is no longer acceptable (the email was registered
    /// meanwhile). The visitor is sent to that step, which shows the errors.
    Invalid {
        /// The step's [`Step::NAME`]; a name the wizard does not declare
        /// is logged as an error and answered like [`FinishError::Failed`].
        step: &'static str,
        /// What is wrong.
        errors: FieldErrors,
    },
    /// Something failed (a database, say). The visitor sees a page saying
    /// their answers are kept and to try again; the error is logged.
    Failed(Box<dyn std::error::Error + Send + Sync>),
    /// A service the finish needs is unreachable for now (its database
    /// is down, a pool found no connection): as [`FinishError::Failed`],
    /// answered 503 with `Retry-After`, as a store outage is.
    Unavailable(Box<dyn std::error::Error + Send + Sync>),
}

impl FinishError {
    /// One field of one step is no longer acceptable.
    ///
    /// ```
    /// use actix_wizard::FinishError;
    /// let error = FinishError::invalid("account", "email", "An account with this email address already exists");
    /// assert!(matches!(error, FinishError::Invalid { step: "account", .. }));
    /// ```
    pub fn invalid(step: &'static str, field: &str, message: &str) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        Self::Invalid { step, errors }
    }

    /// A field of step `S` is invalid, by its typed name: neither the step
    /// nor the field can be misspelt.
    ///
    /// ```
    /// use actix_wizard::{FinishError, Step};
    /// # use serde::{Deserialize, Serialize};
    /// # use validator::Validate;
    /// #[derive(Default, Serialize, Deserialize, Validate, Step)]
    /// #[step(name = "account", title = "Your account")]
    /// struct Account {
    ///     #[field(label = "Email address", kind = "email")]
    ///     email: String,
    /// }
    /// let error = FinishError::invalid_field(Account::EMAIL, "That address is taken");
    /// assert!(matches!(error, FinishError::Invalid { step: "account", .. }));
    /// ```
    pub fn invalid_field<S: Step>(field: FieldName<S>, message: &str) -> Self {
        Self::invalid(S::NAME, field.as_str(), message)
    }

    /// A failure described by a message (or any error).
    ///
    /// ```
    /// use actix_wizard::FinishError;
    /// let error = FinishError::failed("accounts are not configured");
    /// assert_eq!(error.to_string(), "finishing failed: accounts are not configured");
    /// ```
    pub fn failed(reason: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Failed(reason.into())
    }

    /// A service the finish needs is unreachable for now (503).
    ///
    /// ```
    /// use actix_wizard::FinishError;
    /// let error = FinishError::unavailable("the accounts database did not answer");
    /// assert_eq!(
    ///     error.to_string(),
    ///     "finishing failed for now: the accounts database did not answer"
    /// );
    /// ```
    pub fn unavailable(reason: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Unavailable(reason.into())
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for FinishError {
    fn from(error: E) -> Self {
        Self::Failed(Box::new(error))
    }
}

impl fmt::Display for FinishError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid { step, errors } => {
                write!(
                    f,
                    "step `{step}` is no longer valid ({} fields)",
                    errors.len()
                )
            }
            Self::Failed(reason) => write!(f, "finishing failed: {reason}"),
            Self::Unavailable(reason) => write!(f, "finishing failed for now: {reason}"),
        }
    }
}
