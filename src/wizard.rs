//! The wizard declaration: the [`Wizard`] trait and its ordered [`Steps`].

use std::fmt;
use std::future::Future;

use actix_web::{HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::check_answers::Answer;
use crate::date::DateProblem;
use crate::field::{FieldName, FieldSpec, Kind, humanize};
use crate::field_errors::FieldErrors;
use crate::field_errors::type_message;
use crate::form::{Mismatch, RawForm, Shape, decode, shape_of};
use crate::render::{CompletePage, Layout, Page};
use crate::step::Step;
use crate::text_input::{normalised, text_problems};
use crate::texts::Texts;

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

    /// Renders the page shown after finishing; `page.in_layout(title,
    /// body)` puts it in [`Wizard::layout`].
    fn render_complete(
        outcome: &Self::Outcome,
        page: &CompletePage<'_>,
    ) -> Result<String, askama::Error>;

    /// The application's layout around every page the crate renders from
    /// a declaration (and around any page that asks for it with
    /// [`Page::in_layout`]): the document, header and footer, with the
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

/// The ordered steps of a wizard, declared once in [`Wizard::steps`].
///
/// Each step is reached through an accessor into the wizard's struct.
/// Mistakes (a step type the form decoder cannot fill here; a duplicate,
/// malformed or reserved name when the wizard service is built) panic with
/// a clear message at start-up, never at request time.
pub struct Steps<W> {
    pub(crate) slots: Vec<Box<dyn Slot<W>>>,
}

impl<W: 'static> Default for Steps<W> {
    fn default() -> Self {
        Self::new()
    }
}

impl<W: 'static> Steps<W> {
    /// No steps yet.
    pub fn new() -> Self {
        Self { slots: Vec::new() }
    }

    /// A step every visitor answers.
    pub fn step<S: Step>(self, at: fn(&mut W) -> &mut S) -> Self {
        self.push::<S>(Access::Always(at))
    }

    /// A step that applies only while `when` holds. `when` reads the typed
    /// answers of earlier steps; a step it deactivates loses its answers.
    pub fn step_if<S: Step>(self, at: fn(&mut W) -> &mut Option<S>, when: fn(&W) -> bool) -> Self {
        self.push::<S>(Access::When(at, when))
    }

    fn push<S: Step>(mut self, access: Access<W, S>) -> Self {
        let name = S::NAME;
        let shape = match shape_of::<S>() {
            Ok(shape) => shape,
            Err(e) => panic!("wizard step `{name}` cannot be read from a form: {e}"),
        };
        if let Err(mistake) = cross_check::<S>(&shape) {
            panic!("wizard step `{name}`: {mistake}");
        }
        self.slots.push(Box::new(StepSlot { access, shape }));
        self
    }

    /// How many steps are declared.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no step is declared.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

/// The outcome of submitting one step's form.
pub(crate) enum Submitted {
    /// Valid: the answers to store (also written into the wizard's struct).
    Valid(Box<RawValue>),
    /// Not valid: every field's error.
    Invalid(FieldErrors),
}

/// One declared step with its type erased, so the pipeline can hold them in
/// a list. Every method is a plain call on the typed step.
pub(crate) trait Slot<W>: Send + Sync {
    fn name(&self) -> &'static str;
    fn title(&self) -> &'static str;
    fn shape(&self) -> &Shape;
    fn fields(&self) -> &'static [FieldSpec];
    /// The main button's own label, if the step gives one.
    fn button(&self) -> Option<&'static str>;
    /// Whether start-up checks which fields the page places.
    fn checks_placement(&self) -> bool;
    fn applies(&self, answers: &W) -> bool;
    /// Fills the step's place in `answers` from its stored JSON.
    fn load(&self, answers: &mut W, stored: &RawValue) -> Result<(), serde_json::Error>;
    /// Empties a conditional step's place.
    fn clear(&self, answers: &mut W);
    /// Decodes and validates a submitted form: type errors and rules,
    /// then (with `check`) the step's async check. Valid answers are
    /// written into `answers`.
    fn submit<'a>(
        &'a self,
        form: &'a RawForm,
        answers: &'a mut W,
        request: &'a HttpRequest,
        check: bool,
        texts: &'a Texts,
    ) -> LocalBoxFuture<'a, Result<Submitted, String>>;
    /// Validates the stored answers again: the rules (with `rules`), then
    /// the async check.
    fn recheck<'a>(
        &'a self,
        answers: &'a mut W,
        request: &'a HttpRequest,
        rules: bool,
        texts: &'a Texts,
    ) -> LocalBoxFuture<'a, FieldErrors>;
    fn render(&self, page: &Page<'_>) -> Result<String, askama::Error>;
    fn answers(&self, answers: &mut W, texts: &Texts) -> Vec<Answer>;
    /// The step's place in `answers` as the state stores it, if it has one.
    fn stored_json(&self, answers: &mut W) -> Option<Box<RawValue>>;
}

enum Access<W, S> {
    Always(fn(&mut W) -> &mut S),
    When(fn(&mut W) -> &mut Option<S>, fn(&W) -> bool),
}

struct StepSlot<W, S> {
    access: Access<W, S>,
    shape: Shape,
}

impl<W, S> StepSlot<W, S> {
    fn get<'w>(&self, answers: &'w mut W) -> Option<&'w mut S> {
        match self.access {
            Access::Always(at) => Some(at(answers)),
            Access::When(at, _) => at(answers).as_mut(),
        }
    }

    fn set(&self, answers: &mut W, value: S) {
        match self.access {
            Access::Always(at) => *at(answers) = value,
            Access::When(at, _) => *at(answers) = Some(value),
        }
    }
}

/// validator's rules and the type errors, as one list in field order,
/// keyed by the form's names.
fn rule_errors<S: Step>(
    value: &S,
    mut errors: FieldErrors,
    shape: &Shape,
    texts: &Texts,
) -> FieldErrors {
    if let Err(failed) = value.validate() {
        errors.add_rules(&failed, S::FIELDS, texts);
    }
    errors.sort_by_fields(shape.fields);
    errors
}

/// The message of a value of the wrong type: the step's own, the field's
/// declared one, or the table's with the field's label.
fn type_error_of<S: Step>(field: &str, mismatch: Mismatch, texts: &Texts) -> String {
    if let Some(message) = S::type_error(field, mismatch) {
        return message;
    }
    let spec = S::FIELDS.iter().find(|f| f.name == field);
    if let Some(message) = spec.and_then(|s| s.type_error) {
        return message.to_owned();
    }
    let label = spec.map_or_else(|| humanize(field), |s| s.label.to_owned());
    type_message(mismatch, &label, texts)
}

/// The declaration against what serde reads: the same fields, and each
/// choice's value one the type accepts. A mistake found at start-up.
fn cross_check<S: Step>(shape: &Shape) -> Result<(), String> {
    let reserved = [
        crate::csrf::CSRF_FIELD,
        "action",
        crate::render::REVISION_FIELD,
    ];
    if let Some(field) = shape.fields.iter().find(|f| reserved.contains(f)) {
        return Err(format!(
            "field `{field}` has a name the wizard's forms use themselves ({})",
            reserved.join(", ")
        ));
    }
    if S::FIELDS.is_empty() {
        return Ok(());
    }
    for spec in S::FIELDS {
        if !shape.fields.contains(&spec.name) {
            return Err(format!(
                "field `{}` is declared but serde does not read a field of that name (read: {})",
                spec.name,
                shape.fields.join(", ")
            ));
        }
        let needs_options = matches!(spec.kind, Kind::Radios | Kind::Checkboxes | Kind::Select);
        if needs_options && spec.options.is_empty() {
            return Err(format!(
                "field `{}` is asked as a choice but has no options (derive Choice on its enum)",
                spec.name
            ));
        }
        for choice in spec.options {
            let mut form = RawForm::default();
            form.push(spec.name, choice.value);
            let decoded = decode::<S>(&form).map_err(|e| e.to_string())?;
            if decoded.mismatches.iter().any(|(f, _)| *f == spec.name) {
                return Err(format!(
                    "field `{}`: the choice value `{}` is not one serde accepts",
                    spec.name, choice.value
                ));
            }
        }
    }
    if let Some(missing) = shape
        .fields
        .iter()
        .find(|f| !S::FIELDS.iter().any(|spec| spec.name == **f))
    {
        return Err(format!(
            "serde reads field `{missing}`, which is not declared"
        ));
    }
    Ok(())
}

impl<W: 'static, S: Step> Slot<W> for StepSlot<W, S> {
    fn name(&self) -> &'static str {
        S::NAME
    }

    fn title(&self) -> &'static str {
        S::TITLE
    }

    fn shape(&self) -> &Shape {
        &self.shape
    }

    fn fields(&self) -> &'static [FieldSpec] {
        S::FIELDS
    }

    fn button(&self) -> Option<&'static str> {
        S::BUTTON
    }

    fn checks_placement(&self) -> bool {
        S::CHECK_PLACEMENT
    }

    fn applies(&self, answers: &W) -> bool {
        match self.access {
            Access::Always(_) => true,
            Access::When(_, when) => when(answers),
        }
    }

    fn load(&self, answers: &mut W, stored: &RawValue) -> Result<(), serde_json::Error> {
        let value: S = serde_json::from_str(stored.get())?;
        self.set(answers, value);
        Ok(())
    }

    fn clear(&self, answers: &mut W) {
        if let Access::When(at, _) = self.access {
            *at(answers) = None;
        }
    }

    fn submit<'a>(
        &'a self,
        form: &'a RawForm,
        answers: &'a mut W,
        request: &'a HttpRequest,
        check: bool,
        texts: &'a Texts,
    ) -> LocalBoxFuture<'a, Result<Submitted, String>> {
        Box::pin(async move {
            let decoded = decode::<S>(&normalised::<S>(form)).map_err(|e| e.to_string())?;
            let mut errors = FieldErrors::new();
            for (field, problem) in text_problems::<S>(form, self.shape.fields) {
                let mismatch = Mismatch::Text(problem);
                let message = type_error_of::<S>(field, mismatch, texts);
                let code = format!("type:{}", mismatch.code());
                errors.add_coded(field.to_owned(), None, message, Some(code));
            }
            for (field, mismatch) in decoded.mismatches {
                // A date's error links to its first wrong part; with
                // nothing entered, to the date as a whole.
                let part = match mismatch {
                    Mismatch::Date(DateProblem::Missing) => None,
                    Mismatch::Date(problem) => Some(problem.first_part()),
                    _ => None,
                };
                let message = type_error_of::<S>(field, mismatch, texts);
                let code = format!("type:{}", mismatch.code());
                errors.add_coded(field.to_owned(), part, message, Some(code));
            }
            let mut errors = rule_errors(&decoded.value, errors, &self.shape, texts);
            if errors.is_empty() && check {
                errors = decoded.value.check(request).await;
                errors.sort_by_fields(self.shape.fields);
            }
            if !errors.is_empty() {
                return Ok(Submitted::Invalid(errors));
            }
            let stored =
                serde_json::value::to_raw_value(&decoded.value).map_err(|e| e.to_string())?;
            self.set(answers, decoded.value);
            Ok(Submitted::Valid(stored))
        })
    }

    fn recheck<'a>(
        &'a self,
        answers: &'a mut W,
        request: &'a HttpRequest,
        rules: bool,
        texts: &'a Texts,
    ) -> LocalBoxFuture<'a, FieldErrors> {
        Box::pin(async move {
            let Some(value) = self.get(answers) else {
                return FieldErrors::new();
            };
            let mut errors = if rules {
                rule_errors(&*value, FieldErrors::new(), &self.shape, texts)
            } else {
                FieldErrors::new()
            };
            if errors.is_empty() {
                errors = value.check(request).await;
                errors.sort_by_fields(self.shape.fields);
            }
            errors
        })
    }

    fn render(&self, page: &Page<'_>) -> Result<String, askama::Error> {
        S::render(page)
    }

    fn answers(&self, answers: &mut W, texts: &Texts) -> Vec<Answer> {
        self.get(answers)
            .map(|s| s.answers(texts))
            .unwrap_or_default()
    }

    fn stored_json(&self, answers: &mut W) -> Option<Box<RawValue>> {
        let step = self.get(answers)?;
        serde_json::value::to_raw_value(step)
            .inspect_err(|error| {
                tracing::error!(%error, step = S::NAME, "prefilled answers did not serialize");
            })
            .ok()
    }
}
