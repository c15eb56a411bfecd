//! [`WizardService`]: the actix-web service that serves a wizard's steps.
//!
//! Every request reads top to bottom: load the journey from the session,
//! find the step, check it may be visited, then show it (GET) or take its
//! form (POST) and redirect.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_session::Session;
use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, LOCATION};
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use moka::future::Cache;

use crate::body::{is_urlencoded, read_body};
use crate::check_answers::AnswerSection;
use crate::cipher::{StateCipher, StateKey};
use crate::config::WizardConfig;
use crate::csrf::{self, CSRF_FIELD};
use crate::field_errors::FieldErrors;
use crate::form::{FormLimits, MalformedForm, RawForm, Shape};
use crate::journey::{Journey, Stored};
use crate::ledger::{DONE_TTL, RunLedger, finish_once};
use crate::marker::RunMarker;
use crate::problem::{Problem, problem_response, problem_with_link};
use crate::render::{CompletePage, Page, Progress};
use crate::state::{EncodeError, Notice, StepRecord, WizardState};
use crate::wizard::{Finish, FinishError, Steps, Submitted, Wizard};

/// The URL segment of the completion page; no step may use it.
pub(crate) const COMPLETE_SEGMENT: &str = "complete";

/// The notice shown when a visitor's earlier answers expired.
const EXPIRED_NOTICE: &str = "Your earlier answers were deleted because you did not do anything for a while. Please start again.";

/// The notice shown when some stored answers no longer fit the wizard.
const CHANGED_NOTICE: &str = "Some questions have changed since you started. \
     Your other answers are kept: please answer this page again.";

/// A wizard served at a path: `GET {path}` sends the visitor to the step
/// they should be on, `GET|POST {path}/{step}` serve each step, and
/// `GET {path}/complete` shows the completion page.
///
/// Build it once, outside `HttpServer::new`, and clone it into each worker:
/// clones share the record of finished runs that makes finishing happen
/// once per process.
///
/// ```no_run
/// # use actix_wizard::*;
/// # use actix_web::{App, HttpServer, cookie::Key};
/// # #[derive(Default)] struct Signup;
/// # impl Wizard for Signup {
/// #     const ID: &'static str = "signup"; type Outcome = ();
/// #     fn steps() -> Steps<Self> { Steps::new() }
/// #     async fn finish(self, _: &Finish) -> Result<(), FinishError> { Ok(()) }
/// #     fn render_complete(_: &(), _: &CompletePage<'_>) -> Result<String, askama::Error> { Ok(String::new()) }
/// # }
/// # async fn run() -> std::io::Result<()> {
/// let config = WizardConfig::default();
/// let (store, key) = (MemoryStore::default(), Key::generate());
/// let signup = WizardService::<Signup>::new("/signup", config.clone());
/// HttpServer::new(move || {
///     App::new()
///         .wrap(session_middleware(store.clone(), key.clone(), &config))
///         .wrap(StoreOutage)
///         .service(signup.clone())
/// })
/// .bind("127.0.0.1:8080")?
/// .run()
/// .await
/// # }
/// ```
pub struct WizardService<W: Wizard> {
    inner: Arc<Inner<W>>,
}

impl<W: Wizard> Clone for WizardService<W> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

pub(crate) struct Inner<W> {
    base: String,
    steps: Steps<W>,
    config: WizardConfig,
    /// Finished runs in this process: run id → the outcome's JSON.
    finished: Cache<String, Arc<str>>,
    /// Finished runs across instances, when configured.
    ledger: Option<Arc<dyn RunLedger>>,
    state_key: String,
    outcome_key: String,
    /// Encrypts the state and the outcome before they reach the store.
    cipher: StateCipher,
    /// What sealed values are bound to, so they cannot be swapped.
    state_context: String,
    outcome_context: String,
    marker: RunMarker,
}

impl<W: Wizard> WizardService<W> {
    /// Declares the wizard at `path` (e.g. `/signup`).
    ///
    /// # Panics
    ///
    /// At start-up, with a message naming the mistake, when the wizard has
    /// no step, a step name is repeated or reserved, or a step type cannot
    /// be read from a form.
    pub fn new(path: &str, config: WizardConfig) -> Self {
        Self::build(path, config, None)
    }

    /// Like [`WizardService::new`], for several app instances: `ledger`
    /// (shared by every instance) makes each run finish once across all of
    /// them.
    pub fn with_ledger(path: &str, config: WizardConfig, ledger: impl RunLedger) -> Self {
        Self::build(path, config, Some(Arc::new(ledger)))
    }

    fn build(path: &str, config: WizardConfig, ledger: Option<Arc<dyn RunLedger>>) -> Self {
        let steps = W::steps();
        assert!(!steps.is_empty(), "wizard `{}` declares no steps", W::ID);
        let base = path.trim_end_matches('/').to_owned();
        let state_key = config.state_key.clone().unwrap_or_else(|| {
            tracing::warn!(
                wizard = W::ID,
                "no state key configured (WizardConfig::encrypt_state_with): \
                 using a random one, so answers do not survive a restart"
            );
            StateKey::random()
        });
        Self {
            inner: Arc::new(Inner {
                marker: RunMarker::new(W::ID, &base, config.secure_cookies),
                base,
                steps,
                config,
                finished: Cache::builder()
                    .max_capacity(100_000)
                    .time_to_live(DONE_TTL)
                    .build(),
                ledger,
                state_key: format!("wizard.{}", W::ID),
                outcome_key: format!("wizard.{}.outcome", W::ID),
                cipher: StateCipher::new(&state_key),
                state_context: format!("{}:state", W::ID),
                outcome_context: format!("{}:outcome", W::ID),
            }),
        }
    }
}

impl<W: Wizard> HttpServiceFactory for WizardService<W> {
    fn register(self, config: &mut AppService) {
        let base = if self.inner.base.is_empty() {
            "/"
        } else {
            self.inner.base.as_str()
        }
        .to_owned();
        let names: Vec<&'static str> = self.inner.steps.slots.iter().map(|s| s.name()).collect();
        let mut scope = web::scope(&base)
            .app_data(web::Data::from(self.inner))
            .route("", web::get().to(entry::<W>))
            .route("/", web::get().to(entry::<W>))
            .route("/complete", web::get().to(complete::<W>));
        // One static resource per declared step: matching them needs no
        // pattern engine, and anything else under the scope is a 404.
        for name in names {
            scope = scope.service(
                web::resource(format!("/{name}"))
                    .route(web::get().to(show::<W>))
                    .route(web::post().to(submit::<W>)),
            );
        }
        scope
            .default_service(web::to(not_found::<W>))
            .register(config);
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, location))
        .insert_header((CACHE_CONTROL, "no-store"))
        .finish()
}

fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(body)
}

/// Whether the query string asks to return to the last step after saving
/// (the check-answers page's Change links).
fn is_change(request: &HttpRequest) -> bool {
    request
        .query_string()
        .split('&')
        .any(|part| part == "change" || part.starts_with("change="))
}

impl<W: Wizard> Inner<W> {
    fn step_url(&self, index: usize) -> String {
        format!("{}/{}", self.base, self.steps.slots[index].name())
    }

    fn complete_url(&self) -> String {
        format!("{}/{COMPLETE_SEGMENT}", self.base)
    }

    fn index_of(&self, name: &str) -> Option<usize> {
        self.steps.slots.iter().position(|s| s.name() == name)
    }

    fn load(&self, session: &Session) -> Journey<W> {
        let sealed = session.get::<String>(&self.state_key);
        let opened = match &sealed {
            Ok(Some(sealed)) => {
                WizardState::open(sealed, &self.cipher, self.state_context.as_bytes())
            }
            _ => None,
        };
        let stored = match (sealed, opened) {
            (Ok(None), _) => Stored::Nothing,
            (Ok(Some(_)), Some(state)) => Stored::State(state),
            _ => {
                tracing::warn!(
                    wizard = W::ID,
                    "stored wizard state unreadable; starting over"
                );
                Stored::Unreadable
            }
        };
        Journey::load(
            &self.steps,
            stored,
            unix_now(),
            self.config.idle_timeout.as_secs(),
            W::VERSION,
        )
    }

    /// Writes the journey's state if it changed (or removes it).
    fn persist(&self, session: &Session, journey: &mut Journey<W>) -> Result<(), Problem> {
        if !journey.changed {
            return Ok(());
        }
        match &mut journey.state {
            None => {
                session.remove(&self.state_key);
            }
            Some(state) => {
                state.seen = unix_now();
                state.prune();
                let sealed = state
                    .seal(&self.cipher, self.state_context.as_bytes(), self.config.max_state_bytes)
                    .map_err(|e| match e {
                    EncodeError::TooLarge { size, cap } => {
                        tracing::info!(wizard = W::ID, size, cap, "wizard state over its cap");
                        Problem::StateTooLarge
                    }
                    EncodeError::Json(error) => {
                        tracing::error!(%error, wizard = W::ID, "wizard state did not serialize");
                        Problem::Internal
                    }
                })?;
                session.insert(&self.state_key, &sealed).map_err(|error| {
                    tracing::error!(%error, wizard = W::ID, "wizard state not stored");
                    Problem::Internal
                })?;
            }
        }
        journey.changed = false;
        Ok(())
    }

    /// Persists, then answers with `response`, or with the problem's page.
    fn persist_then(
        &self,
        request: &HttpRequest,
        session: &Session,
        journey: &mut Journey<W>,
        response: HttpResponse,
    ) -> HttpResponse {
        match self.persist(session, journey) {
            Ok(()) => self.with_marker(request, journey, response),
            Err(Problem::StateTooLarge) => problem_with_link(
                StatusCode::PAYLOAD_TOO_LARGE,
                Problem::StateTooLarge,
                Some((request.path(), "Go back to the form")),
            ),
            Err(problem) => problem_response(StatusCode::INTERNAL_SERVER_ERROR, problem),
        }
    }

    /// Names the stored run in the response's marker cookie when it has
    /// answers or drafts (a page merely viewed sets no marker).
    fn with_marker(
        &self,
        request: &HttpRequest,
        journey: &Journey<W>,
        mut response: HttpResponse,
    ) -> HttpResponse {
        if let Some(state) = journey.state.as_ref().filter(|s| !s.steps.is_empty()) {
            self.marker.set(request, &state.run, &mut response);
        }
        response
    }

    /// Whether this request finds the run it was on gone: expired now, or
    /// missing although the browser names a run that did not finish.
    async fn run_lapsed(&self, request: &HttpRequest, journey: &Journey<W>) -> bool {
        if journey.lapsed {
            return true;
        }
        if journey.state.is_some() {
            return false;
        }
        match self.marker.read(request) {
            Some(run) => !self.is_finished(&run).await,
            None => false,
        }
    }

    /// Whether `run` finished, here or (with a ledger) on another instance.
    async fn is_finished(&self, run: &str) -> bool {
        if self.finished.contains_key(run) {
            return true;
        }
        match &self.ledger {
            Some(ledger) => matches!(ledger.outcome(run).await, Ok(Some(_))),
            None => false,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn render_step(
        &self,
        request: &HttpRequest,
        journey: &mut Journey<W>,
        index: usize,
        values: &RawForm,
        errors: &FieldErrors,
        csrf_token: &str,
        notice: Option<&str>,
        status: StatusCode,
    ) -> HttpResponse {
        let slot = &self.steps.slots[index];
        let is_last = journey.next(index).is_none();
        let sections: Vec<AnswerSection> = if is_last {
            journey
                .completed_before(&self.steps, index)
                .into_iter()
                .map(|i| AnswerSection {
                    title: self.steps.slots[i].title(),
                    change_url: format!("{}?change", self.step_url(i)),
                    rows: self.steps.slots[i].answers(&mut journey.answers),
                })
                .collect()
        } else {
            Vec::new()
        };
        let (current, total) = journey.position(index);
        let mut action = self.step_url(index);
        if is_change(request) {
            action.push_str("?change");
        }
        let page = Page {
            title: slot.title(),
            action,
            values,
            errors,
            csrf_token,
            progress: Progress { current, total },
            notice,
            has_back: journey.previous(index).is_some(),
            is_last,
            sections: &sections,
            base: &self.base,
        };
        match slot.render(&page) {
            Ok(body) => html(status, body),
            Err(error) => {
                tracing::error!(%error, step = slot.name(), "step page did not render");
                problem_response(StatusCode::INTERNAL_SERVER_ERROR, Problem::Internal)
            }
        }
    }
}

/// The step a request is for: the last segment of its path (each step is
/// its own resource).
fn step_of(request: &HttpRequest) -> &str {
    request.path().rsplit('/').next().unwrap_or("")
}

/// Anything under the wizard's path that is no step: 404.
async fn not_found<W: Wizard>(wizard: web::Data<Inner<W>>) -> HttpResponse {
    problem_with_link(
        StatusCode::NOT_FOUND,
        Problem::NotFound,
        Some((&wizard.base, "Start from the beginning")),
    )
}

/// `GET {base}`: to the step the visitor should be on.
async fn entry<W: Wizard>(
    request: HttpRequest,
    session: Session,
    wizard: web::Data<Inner<W>>,
) -> HttpResponse {
    let mut journey = wizard.load(&session);
    let target = wizard.step_url(journey.resume(&wizard.steps));
    wizard.persist_then(&request, &session, &mut journey, see_other(&target))
}

/// `GET {base}/{step}`: the step's page, from its draft or stored answers.
async fn show<W: Wizard>(
    request: HttpRequest,
    session: Session,
    wizard: web::Data<Inner<W>>,
) -> HttpResponse {
    let step = step_of(&request);
    let mut journey = wizard.load(&session);
    let Some(index) = wizard.index_of(step).filter(|i| journey.is_active(*i)) else {
        return wizard.persist_then(
            &request,
            &session,
            &mut journey,
            problem_with_link(
                StatusCode::NOT_FOUND,
                Problem::NotFound,
                Some((&wizard.base, "Start from the beginning")),
            ),
        );
    };
    if !journey.reachable(&wizard.steps, index) {
        let target = wizard.step_url(journey.resume(&wizard.steps));
        return wizard.persist_then(&request, &session, &mut journey, see_other(&target));
    }
    if let Some(state) = &journey.state {
        // Reading a page is activity too: keep the idle clock fresh without
        // writing the state on every single view.
        let refresh_after = (wizard.config.idle_timeout.as_secs() / 8).max(1);
        if unix_now().saturating_sub(state.seen) >= refresh_after {
            journey.changed = true;
        }
    }
    let lapsed = wizard.run_lapsed(&request, &journey).await;
    let stale_marker = journey.state.is_none() && wizard.marker.read(&request).is_some();
    if lapsed {
        // Starting over: a new session id too.
        session.renew();
    }
    let questions_changed = journey
        .state
        .as_mut()
        .and_then(|state| state.notice.take())
        .is_some_and(|notice| notice == Notice::QuestionsChanged);
    if questions_changed {
        journey.changed = true;
    }
    if journey.state.is_none() {
        // The run starts when its first page is shown, so that duplicate
        // submissions of that page share one run id (and one finish).
        journey.state_mut(W::VERSION, unix_now());
    }
    let csrf_token = match csrf::token(&session) {
        Ok(token) => token,
        Err(error) => {
            tracing::error!(%error, "csrf token not stored");
            return problem_response(StatusCode::INTERNAL_SERVER_ERROR, Problem::Internal);
        }
    };
    let slot = &wizard.steps.slots[index];
    let (values, errors) = shown_values(journey.record(slot.name()), slot.shape());
    let notice = if lapsed {
        Some(EXPIRED_NOTICE)
    } else {
        questions_changed.then_some(CHANGED_NOTICE)
    };
    let mut response = wizard.render_step(
        &request,
        &mut journey,
        index,
        &values,
        &errors,
        &csrf_token,
        notice,
        StatusCode::OK,
    );
    if stale_marker {
        // The notice is shown once; a finished run's marker is just stale.
        wizard.marker.remove(&mut response);
    }
    wizard.persist_then(&request, &session, &mut journey, response)
}

/// What a step's form shows: what was last typed (the draft), else the
/// stored answers with secrets left out; and the errors found at finish.
fn shown_values(record: Option<&StepRecord>, shape: &Shape) -> (RawForm, FieldErrors) {
    let Some(record) = record else {
        return (RawForm::default(), FieldErrors::new());
    };
    let values = match (&record.draft, &record.answers) {
        (Some(draft), _) => draft.clone(),
        (None, Some(answers)) => serde_json::from_str(answers.get())
            .map(|value| RawForm::from_answers(&value, &shape.secrets))
            .unwrap_or_default(),
        (None, None) => RawForm::default(),
    };
    (values, record.errors.clone())
}

/// `POST {base}/{step}`: takes the step's form, then Back, Continue or
/// Finish.
async fn submit<W: Wizard>(
    request: HttpRequest,
    session: Session,
    payload: web::Payload,
    wizard: web::Data<Inner<W>>,
) -> HttpResponse {
    if !is_urlencoded(&request) {
        return problem_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, Problem::WrongType);
    }
    let body = match read_body(&request, payload, wizard.config.body_limit).await {
        Ok(body) => body,
        Err(Problem::TooLarge) => {
            return problem_response(StatusCode::PAYLOAD_TOO_LARGE, Problem::TooLarge);
        }
        Err(problem) => return problem_response(StatusCode::BAD_REQUEST, problem),
    };
    let limits = FormLimits {
        max_fields: wizard.config.max_fields,
    };
    let mut form = match RawForm::parse(&body, limits) {
        Ok(form) => form,
        Err(MalformedForm::TooManyFields { .. }) => {
            return problem_response(StatusCode::PAYLOAD_TOO_LARGE, Problem::TooManyFields);
        }
        Err(_) => return problem_response(StatusCode::BAD_REQUEST, Problem::Malformed),
    };

    let mut journey = wizard.load(&session);
    if journey.state.is_none() {
        if let Some(run) = wizard.marker.read(&request) {
            if wizard.is_finished(&run).await {
                // A duplicate of a finish that already went through.
                return see_other(&wizard.complete_url());
            }
        }
        if wizard.run_lapsed(&request, &journey).await {
            let first = wizard.step_url(journey.resume(&wizard.steps));
            return wizard.persist_then(&request, &session, &mut journey, see_other(&first));
        }
    }
    if !csrf::verify(&session, form.first(CSRF_FIELD)) {
        return problem_with_link(
            StatusCode::FORBIDDEN,
            Problem::Csrf,
            Some((request.path(), "Reload the form")),
        );
    }
    let step = step_of(&request);
    let Some(index) = wizard.index_of(step).filter(|i| journey.is_active(*i)) else {
        return problem_response(StatusCode::NOT_FOUND, Problem::NotFound);
    };
    if !journey.reachable(&wizard.steps, index) {
        return see_other(&wizard.step_url(journey.resume(&wizard.steps)));
    }

    let action = form.first("action").unwrap_or("next").to_owned();
    let slot = &wizard.steps.slots[index];
    let shape = slot.shape();
    form.retain(|name| shape.fields.contains(&name));
    let mut draft = form.clone();
    draft.retain(|name| !shape.secrets.contains(&name));
    let now = unix_now();

    match action.as_str() {
        "back" => {
            journey
                .state_mut(W::VERSION, now)
                .step_mut(slot.name())
                .draft = Some(draft);
            let target = journey.previous(index).unwrap_or(index);
            let location = wizard.step_url(target);
            wizard.persist_then(&request, &session, &mut journey, see_other(&location))
        }
        "next" | "finish" => {
            let submitted = slot.submit(&form, &mut journey.answers, &request).await;
            match submitted {
                Err(error) => {
                    tracing::error!(%error, step = slot.name(), "step could not be decoded");
                    problem_response(StatusCode::INTERNAL_SERVER_ERROR, Problem::Internal)
                }
                Ok(Submitted::Invalid(errors)) => {
                    journey
                        .state_mut(W::VERSION, now)
                        .step_mut(slot.name())
                        .draft = Some(draft.clone());
                    let csrf_token = csrf::token(&session).unwrap_or_default();
                    let page = wizard.render_step(
                        &request,
                        &mut journey,
                        index,
                        &draft,
                        &errors,
                        &csrf_token,
                        None,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    );
                    wizard.persist_then(&request, &session, &mut journey, page)
                }
                Ok(Submitted::Valid(answers)) => {
                    journey.store_answers(&wizard.steps, index, answers, W::VERSION, now);
                    match journey.next(index) {
                        Some(next) => {
                            let target = if is_change(&request) {
                                journey.resume(&wizard.steps)
                            } else {
                                next
                            };
                            let location = wizard.step_url(target);
                            wizard.persist_then(
                                &request,
                                &session,
                                &mut journey,
                                see_other(&location),
                            )
                        }
                        None => finish(&wizard, &request, &session, journey).await,
                    }
                }
            }
        }
        _ => problem_response(StatusCode::BAD_REQUEST, Problem::Malformed),
    }
}

/// Re-validates every applying step, then runs the finish handler once
/// per run and sends the visitor to the completion page.
async fn finish<W: Wizard>(
    wizard: &Inner<W>,
    request: &HttpRequest,
    session: &Session,
    mut journey: Journey<W>,
) -> HttpResponse {
    let now = unix_now();
    for index in journey.active_steps() {
        let slot = &wizard.steps.slots[index];
        let errors = slot.recheck(&mut journey.answers, request).await;
        if !errors.is_empty() {
            journey
                .state_mut(W::VERSION, now)
                .step_mut(slot.name())
                .errors = errors;
            let location = wizard.step_url(index);
            return wizard.persist_then(request, session, &mut journey, see_other(&location));
        }
    }
    let run = journey.state_mut(W::VERSION, now).run.clone();
    let answers = std::mem::take(&mut journey.answers);
    let outcome = wizard
        .finished
        .try_get_with(run.clone(), async {
            let finish_here = async {
                let context = Finish {
                    run: run.clone(),
                    request: request.clone(),
                };
                let outcome = answers.finish(&context).await?;
                serde_json::to_string(&outcome)
                    .map(Arc::<str>::from)
                    .map_err(|e| FinishError::Failed(format!("outcome did not serialize: {e}")))
            };
            match &wizard.ledger {
                Some(ledger) => finish_once(ledger.as_ref(), &run, finish_here).await,
                None => finish_here.await,
            }
        })
        .await;
    match outcome {
        Ok(json) => {
            session.remove(&wizard.state_key);
            let sealed = wizard
                .cipher
                .seal(json.as_bytes(), wizard.outcome_context.as_bytes());
            if let Err(error) = session.insert(&wizard.outcome_key, &sealed) {
                tracing::error!(%error, wizard = W::ID, "outcome not kept in the session");
            }
            session.renew();
            let mut response = see_other(&wizard.complete_url());
            wizard.marker.remove(&mut response);
            response
        }
        Err(error) => match &*error {
            FinishError::Invalid { step, errors } => {
                let index = wizard.index_of(step).unwrap_or(0);
                let name = wizard.steps.slots[index].name();
                journey.state_mut(W::VERSION, now).step_mut(name).errors = errors.clone();
                let location = wizard.step_url(index);
                wizard.persist_then(request, session, &mut journey, see_other(&location))
            }
            FinishError::Failed(reason) => {
                tracing::error!(%reason, wizard = W::ID, run, "finish failed");
                let page =
                    problem_response(StatusCode::INTERNAL_SERVER_ERROR, Problem::FinishFailed);
                wizard.persist_then(request, session, &mut journey, page)
            }
        },
    }
}

/// `GET {base}/complete`: the completion page, from the kept outcome.
async fn complete<W: Wizard>(session: Session, wizard: web::Data<Inner<W>>) -> HttpResponse {
    let outcome = session
        .get::<String>(&wizard.outcome_key)
        .ok()
        .flatten()
        .and_then(|sealed| {
            wizard
                .cipher
                .open(&sealed, wizard.outcome_context.as_bytes())
        })
        .and_then(|json| serde_json::from_slice::<W::Outcome>(&json).ok());
    match outcome {
        Some(outcome) => {
            let page = CompletePage { base: &wizard.base };
            match W::render_complete(&outcome, &page) {
                Ok(body) => html(StatusCode::OK, body),
                Err(error) => {
                    tracing::error!(%error, wizard = W::ID, "completion page did not render");
                    problem_response(StatusCode::INTERNAL_SERVER_ERROR, Problem::Internal)
                }
            }
        }
        _ => see_other(&wizard.base),
    }
}
