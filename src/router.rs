//! [`WizardService`]: the actix-web service that serves a wizard's steps.
//!
//! Each handler reads top to bottom: load the run, check where the visitor
//! may be, act, then save what changed and answer, once each. Persistence
//! lives in [`crate::run`], finishing once in [`crate::once`], the pages
//! of problems in [`crate::problem`].

use std::sync::Arc;

use actix_session::Session;
use actix_web::dev::{AppService, HttpServiceFactory, ResourceDef};
use actix_web::http::StatusCode;
use actix_web::http::header::{
    CACHE_CONTROL, CONTENT_LOCATION, CONTENT_TYPE, HeaderValue, LOCATION, SET_COOKIE,
};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, guard, web};
use tracing::Instrument;

use crate::body::read_form;
use crate::check_answers::AnswerSection;
use crate::cipher::{StateCipher, StateKey};
use crate::claim_ahead::{ClaimAhead, FinishingRun};
use crate::config::WizardConfig;
use crate::csrf::CSRF_FIELD;
use crate::csrf::random_id;
use crate::declaration::{self, COMPLETE_SEGMENT};
use crate::events::WizardEvent;
use crate::field_errors::FieldErrors;
use crate::form::{RawForm, Shape};
use crate::htmx;
use crate::json;
use crate::ledger::RunLedger;
use crate::mount::Mount;
use crate::once::{Finishes, Refusal};
use crate::problem::Problem;
use crate::render::{
    CompletePage, DRAFTS_SCRIPT, DRAFTS_SCRIPT_SEGMENT, Page, Progress, REVISION_FIELD,
};
use crate::run::{Run, Runs, TAB_KEY_BYTES, TAB_KEY_PATTERN, TAB_PARAM, TAB_SEGMENT};
use crate::schema::{self, SCHEMA_SEGMENT};
use crate::state::{Notice, StepRecord};
use crate::tabs;
use crate::visitor::Stage;
use crate::wizard::{Admission, Finish, FinishError, Steps, Submitted, SubmittedRun, Wizard};

/// A wizard served at a path: `GET {path}` sends the visitor to the step
/// they should be on, `GET|POST {path}/{step}` serve each step, and
/// `GET {path}/complete` shows the completion page. `HEAD` answers like
/// `GET`; another method gets 405 with `Allow`; a trailing slash redirects
/// to the canonical URL.
///
/// Build it once, outside `HttpServer::new`, and clone it into each worker:
/// clones share the record of finished runs that makes finishing happen
/// once per process. [`crate::WizardSetup`] builds it with the right key.
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
/// let setup = WizardSetup::new(MemoryStore::default(), Key::generate(), WizardConfig::default());
/// let signup = setup.wizard::<Signup>("/signup");
/// HttpServer::new(move || App::new().wrap(setup.middleware()).service(signup.clone()))
///     .bind("127.0.0.1:8080")?
///     .run()
///     .await
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
    /// With runs per tab, where the wizard is mounted (`base` is then
    /// `{outer}/r/{key}`, one run per key), and how it is filled in.
    outer: Option<Mount>,
    steps: Steps<W>,
    config: WizardConfig,
    runs: Runs,
    /// The JSON Schema of the steps ([`schema`]), made when first asked.
    schema: std::sync::OnceLock<String>,
    /// The path of the last declared step, where a finish is posted.
    finishing_path: ResourceDef,
}

impl<W: Wizard> FinishingRun for Inner<W> {
    fn run_to_claim(&self, request: &HttpRequest) -> Option<(String, Arc<dyn RunLedger>)> {
        if request.method() != actix_web::http::Method::POST
            || !self.finishing_path.is_match(request.path())
        {
            return None;
        }
        self.runs.claimable_run(request)
    }
}

impl<W: Wizard> WizardService<W> {
    /// Declares the wizard at `path` (e.g. `/signup`), its state sealed
    /// with `config`'s state key.
    ///
    /// # Panics
    ///
    /// At start-up, with a message naming the mistake, when the wizard id
    /// is malformed or used by another wizard, the wizard has no step, a
    /// step name is repeated, malformed or reserved, or a step type cannot
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
        declaration::validate::<W>(W::ID, &steps);
        declaration::check_pages::<W>(W::ID, &steps, &config.texts, W::layout);
        let mounted = path.trim_end_matches('/').to_owned();
        // With runs per tab, each run is a resource of its own under the
        // wizard's path, keyed by its URL.
        let (base, outer) = if config.runs_per_tab {
            let base = format!("{mounted}/{TAB_SEGMENT}/{{{TAB_PARAM}:{TAB_KEY_PATTERN}}}");
            (base, Some(Mount::new(&mounted)))
        } else {
            (mounted, None)
        };
        let state_key = config.state_key.clone().unwrap_or_else(|| {
            tracing::warn!(
                wizard = W::ID,
                "no state key configured (WizardSetup, or WizardConfig::encrypt_state_with): \
                 using a random one, so answers do not survive a restart"
            );
            StateKey::random()
        });
        let runs = Runs::new(
            W::ID,
            &base,
            &config,
            StateCipher::new(&state_key),
            Finishes::new(ledger),
        );
        let last = steps.slots.last().map_or("", |slot| slot.name());
        let finishing_path = ResourceDef::new(format!("{base}/{last}"));
        Self {
            inner: Arc::new(Inner {
                base,
                outer,
                steps,
                config,
                runs,
                schema: std::sync::OnceLock::new(),
                finishing_path,
            }),
        }
    }

    /// What the setup's middleware needs to claim this wizard's finishing
    /// runs ahead ([`crate::claim_ahead`]).
    pub(crate) fn finishing_run(&self) -> Arc<dyn FinishingRun> {
        Arc::clone(&self.inner) as Arc<dyn FinishingRun>
    }
}

/// `GET` and `HEAD` (actix-web sends a `HEAD` answer without its body).
fn get_or_head() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// The 405 of a resource that takes the `allow` methods.
fn not_allowed(allow: &'static str, config: Arc<WizardConfig>) -> actix_web::Route {
    web::route().to(move |request: HttpRequest| {
        let config = Arc::clone(&config);
        async move {
            let json = json::wants_json(request.headers());
            with_headers(&config, json, Err(Problem::MethodNotAllowed { allow }))
        }
    })
}

/// The response of a handler, a problem as its page, with the security
/// headers the application has not set itself. Every response of the
/// wizard's routes passes here (a middleware would cost a boxed future
/// per request for the same).
fn with_headers(
    config: &WizardConfig,
    json: bool,
    answer: Result<HttpResponse, Problem>,
) -> HttpResponse {
    let mut response = answer.unwrap_or_else(|problem| problem.answer(&config.texts, json));
    config.security_headers.apply(response.headers_mut());
    response
}

impl<W: Wizard> HttpServiceFactory for WizardService<W> {
    fn register(self, config: &mut AppService) {
        let base = if self.inner.base.is_empty() {
            "/"
        } else {
            self.inner.base.as_str()
        }
        .to_owned();
        let headers = Arc::new(self.inner.config.clone());
        let names: Vec<&'static str> = self.inner.steps.slots.iter().map(|s| s.name()).collect();
        let tabs = self.inner.outer.as_ref().map(|outer| {
            register_tab_routes(&self.inner, outer.pattern(), &headers, config);
            (outer.pattern().to_owned(), Arc::clone(&self.inner))
        });
        let mut scope = web::scope(&base).app_data(web::Data::from(self.inner));
        for entry_path in ["", "/"] {
            scope =
                scope.service(
                    web::resource(entry_path)
                        .route(get_or_head().to(
                            |request: HttpRequest,
                             session: Session,
                             wizard: web::Data<Inner<W>>| async move {
                                let mut answer = entry(&request, &session, &wizard).await;
                                if json::wants_json(request.headers()) {
                                    answer =
                                        Box::pin(follow(answer, &request, &session, &wizard)).await;
                                }
                                for_client(&request, &wizard, answer)
                            },
                        ))
                        .default_service(not_allowed("GET, HEAD", Arc::clone(&headers))),
                );
        }
        scope =
            scope.service(
                web::resource(format!("/{COMPLETE_SEGMENT}"))
                    .route(
                        get_or_head().to(
                            |request: HttpRequest,
                             session: Session,
                             wizard: web::Data<Inner<W>>| async move {
                                let mut answer = complete(&request, &session, &wizard).await;
                                if json::wants_json(request.headers()) {
                                    // Not finished yet: the step to be on.
                                    answer =
                                        Box::pin(follow(answer, &request, &session, &wizard)).await;
                                }
                                for_client(&request, &wizard, answer)
                            },
                        ),
                    )
                    .default_service(not_allowed("GET, HEAD", Arc::clone(&headers))),
            );
        // The script that keeps typing as drafts: a file, so that a CSP
        // without `unsafe-inline` allows it.
        scope = scope.service(
            web::resource(format!("/{DRAFTS_SCRIPT_SEGMENT}"))
                .route(get_or_head().to(|wizard: web::Data<Inner<W>>| async move {
                    let script = cacheable("text/javascript; charset=utf-8", DRAFTS_SCRIPT);
                    with_headers(&wizard.config, false, Ok(script))
                }))
                .default_service(not_allowed("GET, HEAD", Arc::clone(&headers))),
        );
        // The steps' JSON Schema, for JSON clients.
        scope = scope.service(
            web::resource(format!("/{SCHEMA_SEGMENT}"))
                .route(get_or_head().to(|wizard: web::Data<Inner<W>>| async move {
                    let schema = cacheable("application/schema+json", wizard.schema().to_owned());
                    with_headers(&wizard.config, false, Ok(schema))
                }))
                .default_service(not_allowed("GET, HEAD", Arc::clone(&headers))),
        );
        // One static resource per declared step, which knows its step:
        // matching needs no pattern engine, and the path is never parsed.
        for (index, name) in names.into_iter().enumerate() {
            scope = scope.service(
                web::resource(format!("/{name}"))
                    .route(get_or_head().to(
                        move |request: HttpRequest,
                              session: Session,
                              wizard: web::Data<Inner<W>>| {
                            async move {
                                let mut answer = show(index, &request, &session, &wizard).await;
                                if json::wants_json(request.headers()) {
                                    answer =
                                        Box::pin(follow(answer, &request, &session, &wizard)).await;
                                }
                                for_client(&request, &wizard, answer)
                            }
                            .instrument(request_span::<W>(name))
                        },
                    ))
                    .route(web::post().to(
                        move |request: HttpRequest,
                              session: Session,
                              payload: web::Payload,
                              wizard: web::Data<Inner<W>>| {
                            async move {
                                let mut answer =
                                    submit(index, &request, &session, payload, &wizard).await;
                                if json::wants_json(request.headers()) {
                                    answer =
                                        Box::pin(follow(answer, &request, &session, &wizard)).await;
                                }
                                for_client(&request, &wizard, answer)
                            }
                            .instrument(request_span::<W>(name))
                        },
                    ))
                    .default_service(not_allowed("GET, HEAD, POST", Arc::clone(&headers))),
            );
        }
        scope
            .default_service(web::to(
                |request: HttpRequest, wizard: web::Data<Inner<W>>| async move {
                    let json = json::wants_json(request.headers());
                    with_headers(&wizard.config, json, elsewhere(&request, &wizard))
                },
            ))
            .register(config);
        if let Some((outer, inner)) = tabs {
            register_unknown_runs(inner, &outer, config);
        }
    }
}

/// With runs per tab, `{outer}/r/…` under a key the crate did not make
/// (matched by no run's scope): 404 with a link to the wizard, before
/// anything is stored or a cookie set.
fn register_unknown_runs<W: Wizard>(inner: Arc<Inner<W>>, outer: &str, config: &mut AppService) {
    web::resource(format!("{outer}/{TAB_SEGMENT}/{{wizard_unknown_run}}*"))
        .app_data(web::Data::from(inner))
        .default_service(web::to(
            |request: HttpRequest, wizard: web::Data<Inner<W>>| async move {
                let json = json::wants_json(request.headers());
                let start = wizard.outer_of(&request);
                with_headers(&wizard.config, json, Err(wizard.not_found(&start)))
            },
        ))
        .register(config);
}

/// With runs per tab, the routes at the wizard's own path: `{outer}`
/// resumes or lists the session's runs, `{outer}/new` starts another.
fn register_tab_routes<W: Wizard>(
    inner: &Arc<Inner<W>>,
    outer: &str,
    headers: &Arc<WizardConfig>,
    config: &mut AppService,
) {
    let entry_paths = [
        if outer.is_empty() {
            "/".to_owned()
        } else {
            outer.to_owned()
        },
        format!("{outer}/"),
    ];
    for path in entry_paths
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
    {
        web::resource(path)
            .app_data(web::Data::from(Arc::clone(inner)))
            .route(get_or_head().to(
                |request: HttpRequest, session: Session, wizard: web::Data<Inner<W>>| async move {
                    let answer = tabs_entry(&request, &session, &wizard);
                    for_client(&request, &wizard, answer)
                },
            ))
            .default_service(not_allowed("GET, HEAD", Arc::clone(headers)))
            .register(config);
    }
    web::resource(format!("{outer}/new"))
        .app_data(web::Data::from(Arc::clone(inner)))
        .route(get_or_head().to(
            |request: HttpRequest, wizard: web::Data<Inner<W>>| async move {
                let outer = wizard.outer_of(&request);
                let answer = Ok(see_other(&tabs::run_url(&outer, &random_id(TAB_KEY_BYTES))));
                for_client(&request, &wizard, answer)
            },
        ))
        .default_service(not_allowed("GET, HEAD", Arc::clone(headers)))
        .register(config);
}

/// `GET {outer}` with runs per tab: the most recent unfinished run, the
/// list of them when there are several, or a new run.
fn tabs_entry<W: Wizard>(
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let outer = wizard.outer_of(request);
    let runs = wizard.runs.tab_runs(request, session, &wizard.steps);
    match runs.as_slice() {
        [] => Ok(see_other(&tabs::run_url(&outer, &random_id(TAB_KEY_BYTES)))),
        [only] => Ok(see_other(&tabs::run_url(&outer, &only.key))),
        several => tabs::runs_page(
            several,
            &outer,
            &format!("{outer}/new"),
            wizard.runs.now(),
            &wizard.config.texts,
            W::layout,
            json::wants_json(request.headers()),
        ),
    }
}

/// The span a step's request runs in: the funnel's `tracing` events
/// ([`crate::WizardEvent`]) and the router's own come inside it.
fn request_span<W: Wizard>(step: &'static str) -> tracing::Span {
    tracing::debug_span!("wizard_request", wizard = W::ID, step)
}

/// A page or redirect of the wizard as the client needs it: with the
/// security headers ([`with_headers`]), and in htmx's terms for htmx
/// ([`htmx::adapt`]).
fn for_client<W: Wizard>(
    request: &HttpRequest,
    wizard: &Inner<W>,
    answer: Result<HttpResponse, Problem>,
) -> HttpResponse {
    let response = with_headers(&wizard.config, json::wants_json(request.headers()), answer);
    // The base is built again only for an htmx redirect (the run built
    // it too, but the run is gone by now).
    let base_of = || wizard.runs.base_of(request);
    htmx::adapt(request, base_of, &wizard.config, response)
}

/// A file the wizard serves the same to everyone (its script, its
/// schema), cacheable for an hour.
fn cacheable(
    content_type: &'static str,
    body: impl actix_web::body::MessageBody + 'static,
) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, HeaderValue::from_static(content_type)))
        .insert_header((
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        ))
        .body(body)
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, location))
        .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .finish()
}

fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ))
        .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
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

/// What a step's form asks for.
enum Action {
    Back,
    /// Continue, or (on the last step) finish.
    Next,
    /// What was typed and not sent, saved by the page's script
    /// ([`crate::page::DRAFTS_SCRIPT`]) as the step's draft.
    Draft,
}

impl Action {
    fn of(form: &RawForm) -> Result<Self, Problem> {
        match form.first("action").unwrap_or("next") {
            "back" => Ok(Self::Back),
            "next" | "finish" => Ok(Self::Next),
            DRAFT_ACTION => Ok(Self::Draft),
            _ => Err(Problem::Malformed),
        }
    }
}

/// The `action` of a draft the page's script saves.
const DRAFT_ACTION: &str = "draft";

/// The answer to a draft save: nothing to show (the script sends it as a
/// beacon and reads no answer).
fn draft_answer() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .finish()
}

impl<W: Wizard> Inner<W> {
    /// The URL of step `index` under `base` (a run's [`Run::base`]).
    fn step_url(&self, base: &str, index: usize) -> String {
        format!("{base}/{}", self.steps.slots[index].name())
    }

    fn resume_url(&self, run: &Run<W>) -> String {
        self.step_url(&run.base, run.journey.resume(&self.steps))
    }

    /// Whether the visitor may start a run on this resource
    /// ([`Wizard::admit`]); asked only while the run has no state.
    async fn admit(&self, request: &HttpRequest, run: &Run<W>) -> Result<(), Problem> {
        if run.is_stored() {
            return Ok(());
        }
        match W::admit(request).await {
            Admission::Allowed => Ok(()),
            Admission::NotFound => Err(self.not_found(&run.base)),
            Admission::Forbidden => Err(Problem::Forbidden),
        }
    }

    /// A run with nothing stored is filled from [`Wizard::prefill`] on
    /// each request (a page view stores nothing; the first answer stores
    /// the prefilled steps with it). The page that follows says so when
    /// the run before it expired.
    async fn prefill(&self, request: &HttpRequest, session: &Session, run: &mut Run<W>) {
        if run.is_stored() {
            return;
        }
        let Some(answers) = W::prefill(request).await else {
            return;
        };
        let expired = if run.journey.lapsed {
            // As on any page after an expiry: a new session id too (the
            // loaded run is already a new one).
            session.renew();
            run.journey.lapsed = false;
            true
        } else {
            self.start_over(run).await
        };
        run.prefill(&self.steps, answers, self.runs.now());
        if let Some(state) = run.journey.state.as_mut().filter(|_| expired) {
            state.notice = Some(Notice::Expired);
        }
    }

    /// The 404 of the wizard on the resource at `base`, linking to its
    /// start.
    fn not_found(&self, base: &str) -> Problem {
        Problem::NotFound {
            start: base.to_owned(),
        }
    }

    /// What to tell a visitor arriving on a step page, starting a new run
    /// when the one they were on is gone.
    async fn arrival_notice<'t>(&'t self, session: &Session, run: &mut Run<W>) -> Option<&'t str> {
        let texts = &self.config.texts;
        if run.journey.lapsed {
            // The stored state expired or was unreadable: a new session id
            // too (the loaded run is already a new one).
            session.renew();
            return Some(&texts.expired_notice);
        }
        if let Some(state) = &mut run.journey.state {
            let notice = state.notice.take()?;
            run.journey.changed = true;
            return Some(match notice {
                Notice::QuestionsChanged => &texts.changed_notice,
                Notice::Expired => &texts.expired_notice,
                Notice::OldestDropped => &texts.oldest_dropped_notice,
            });
        }
        self.start_over(run).await.then_some(&*texts.expired_notice)
    }

    /// A run without state whose visitor cookie names an earlier run: that
    /// run is over, so a new one starts. Whether the earlier one expired
    /// (its state gone from the store) rather than finished.
    async fn start_over(&self, run: &mut Run<W>) -> bool {
        match run.visitor.stage {
            Stage::Looking => false,
            Stage::Finished => {
                run.restart();
                false
            }
            Stage::Answering => {
                // Expired in the store, unless the run finished (its
                // finishing answer was lost). Boxed: rare, and its future
                // is large.
                let finished = Box::pin(self.runs.finished_outcome(run, None))
                    .await
                    .is_some();
                run.restart();
                !finished
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn render_step(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        index: usize,
        values: &RawForm,
        errors: &FieldErrors,
        notice: Option<&str>,
        status: StatusCode,
    ) -> Result<HttpResponse, Problem> {
        let slot = &self.steps.slots[index];
        let journey = &mut run.journey;
        let is_last = journey.next(index).is_none();
        let sections: Vec<AnswerSection> = if is_last {
            journey
                .completed_before(&self.steps, index)
                .into_iter()
                .map(|i| {
                    let step = &self.steps.slots[i];
                    let mut rows = step.answers(&mut journey.answers, &self.config.texts);
                    // A Change link lands on the control that has focus
                    // first (a date's day).
                    for row in &mut rows {
                        if let Some(spec) = step.fields().iter().find(|f| f.name == row.field) {
                            row.field = spec.target_id(None);
                        }
                    }
                    AnswerSection {
                        title: step.title(),
                        change_url: format!("{}?change", self.step_url(&run.base, i)),
                        rows,
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        let (current, total) = journey.position(index);
        let mut action = self.step_url(&run.base, index);
        let change = is_change(request);
        if change {
            action.push_str("?change");
        }
        let page = Page {
            title: slot.title(),
            action,
            values,
            errors,
            csrf_token: &run.visitor.csrf,
            revision: journey.state.as_ref().map_or(0, |state| state.revision),
            progress: Progress { current, total },
            notice,
            has_back: journey.previous(index).is_some(),
            is_last,
            button: slot.button(),
            is_change: change,
            sections: &sections,
            base: &run.base,
            fields: slot.fields(),
            texts: &self.config.texts,
            layout: W::layout,
            fragment: htmx::is_swap(request),
            placed: None,
        };
        if json::wants_json(request.headers()) {
            return Ok(json::respond(
                status,
                &json::step_document(&page, slot.name()),
            ));
        }
        match slot.render(&page) {
            Ok(body) => Ok(html(status, body)),
            Err(error) => {
                tracing::error!(%error, step = slot.name(), "step page did not render");
                Err(Problem::Internal)
            }
        }
    }

    /// Ends a finished run in this session and sends the visitor to the
    /// completion page.
    fn finished(
        &self,
        request: &HttpRequest,
        session: &Session,
        run: &mut Run<W>,
        outcome: &str,
    ) -> Result<HttpResponse, Problem> {
        self.runs.keep_outcome(session, run, outcome);
        let complete = format!("{}/{COMPLETE_SEGMENT}", run.base);
        self.runs
            .answer(request, session, run, see_other(&complete))
    }
}

/// `GET {base}`: to the step the visitor should be on.
async fn entry<W: Wizard>(
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let mut run = wizard.runs.load(request, session, &wizard.steps);
    wizard.admit(request, &run).await?;
    wizard.prefill(request, session, &mut run).await;
    if !run.is_stored() {
        run.leave_visitor_cookie();
    }
    let target = wizard.resume_url(&run);
    wizard
        .runs
        .answer(request, session, &mut run, see_other(&target))
}

/// `GET {base}/{step}`: the step's page, from its draft or stored answers.
async fn show<W: Wizard>(
    index: usize,
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let mut run = wizard.runs.load(request, session, &wizard.steps);
    wizard.admit(request, &run).await?;
    wizard.prefill(request, session, &mut run).await;
    if !run.journey.is_active(index) {
        run.leave_visitor_cookie();
        let page = wizard
            .not_found(&run.base)
            .answer(&wizard.config.texts, json::wants_json(request.headers()));
        return wizard.runs.answer(request, session, &mut run, page);
    }
    if !run.journey.reachable(&wizard.steps, index) {
        run.leave_visitor_cookie();
        let target = wizard.resume_url(&run);
        return wizard
            .runs
            .answer(request, session, &mut run, see_other(&target));
    }
    let notice = wizard.arrival_notice(session, &mut run).await;
    keep_idle_clock_fresh(
        &mut run,
        wizard.runs.now(),
        wizard.config.idle_timeout.as_secs(),
    );
    let slot = &wizard.steps.slots[index];
    let (values, errors) = shown_values(run.journey.record(slot.name()), slot.shape());
    let page = wizard.render_step(
        request,
        &mut run,
        index,
        &values,
        &errors,
        notice,
        StatusCode::OK,
    )?;
    wizard.config.events.report(WizardEvent::StepShown {
        wizard: W::ID,
        run: &run.visitor.run,
        step: slot.name(),
        change: is_change(request),
    });
    wizard.runs.answer(request, session, &mut run, page)
}

/// Reading a page is activity too: the state's idle clock is refreshed,
/// but only every eighth of the idle timeout, not on every view.
fn keep_idle_clock_fresh<W>(run: &mut Run<W>, now: u64, idle_secs: u64) {
    if let Some(state) = &run.journey.state {
        if now.saturating_sub(state.seen) >= (idle_secs / 8).max(1) {
            run.journey.changed = true;
        }
    }
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
    index: usize,
    request: &HttpRequest,
    session: &Session,
    payload: web::Payload,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let mut form = read_form(request, payload, &wizard.config).await?;
    let mut run = wizard.runs.load(request, session, &wizard.steps);
    wizard.admit(request, &run).await?;
    let drafting = form.first("action") == Some(DRAFT_ACTION);
    if drafting && !run.is_stored() && (run.had_answers() || run.journey.lapsed) {
        // Typed on a run that has finished or expired since: dropped.
        return Ok(draft_answer());
    }
    if !run.is_stored() && (run.had_answers() || run.journey.lapsed) {
        // Boxed: rare, and its future is large.
        return Box::pin(wizard.without_state(request, session, run)).await;
    }
    wizard.prefill(request, session, &mut run).await;
    if !wizard.runs.csrf_matches(&mut run, form.first(CSRF_FIELD)) {
        let page = Problem::Csrf {
            form: request.path().to_owned(),
        }
        .answer(&wizard.config.texts, json::wants_json(request.headers()));
        return wizard.runs.answer(request, session, &mut run, page);
    }
    if !run.journey.is_active(index) {
        return Err(wizard.not_found(&run.base));
    }
    if !run.journey.reachable(&wizard.steps, index) {
        return Ok(see_other(&wizard.resume_url(&run)));
    }
    let action = Action::of(&form)?;
    let typed_on = form
        .first(REVISION_FIELD)
        .and_then(|revision| revision.parse::<u64>().ok());
    let shape = wizard.steps.slots[index].shape();
    form.retain(|name| shape.has_key(name));
    match action {
        Action::Draft => wizard.draft(request, session, run, index, &form, typed_on),
        Action::Back => {
            wizard.raise_revision(&mut run);
            wizard.back(request, session, run, index, &form)
        }
        Action::Next => {
            wizard.raise_revision(&mut run);
            wizard.next(request, session, run, index, &form).await
        }
    }
}

impl<W: Wizard> Inner<W> {
    /// With runs per tab, the wizard's own path on `request`'s resource.
    fn outer_of(&self, request: &HttpRequest) -> Arc<str> {
        match &self.outer {
            Some(outer) => outer
                .base_of(request)
                .unwrap_or_else(|| Arc::from(outer.pattern())),
            None => self.runs.base_of(request),
        }
    }

    /// The steps' JSON Schema document.
    fn schema(&self) -> &str {
        self.schema.get_or_init(|| {
            let shapes: Vec<schema::StepShape> = self
                .steps
                .slots
                .iter()
                .map(|slot| schema::StepShape {
                    name: slot.name(),
                    title: slot.title(),
                    fields: slot.fields(),
                })
                .collect();
            schema::wizard_schema(W::ID, &shapes).to_string()
        })
    }

    /// A form for a run whose state is gone. A late duplicate of a finish
    /// (its session renewed away) gets the completion page: the one lookup
    /// a request without state makes, before the CSRF check, and only for
    /// a run that stored answers. Otherwise the answers expired, which the
    /// step page then says.
    async fn without_state(
        &self,
        request: &HttpRequest,
        session: &Session,
        mut run: Run<W>,
    ) -> Result<HttpResponse, Problem> {
        let ahead = ClaimAhead::take(request, &run.visitor.run);
        if let Some(outcome) = self.runs.finished_outcome(&run, ahead).await {
            return self.finished(request, session, &mut run, &outcome);
        }
        run.leave_visitor_cookie();
        let first = self.resume_url(&run);
        self.runs
            .answer(request, session, &mut run, see_other(&first))
    }

    /// Back: what was typed is kept as a draft, no validation.
    fn back(
        &self,
        request: &HttpRequest,
        session: &Session,
        mut run: Run<W>,
        index: usize,
        form: &RawForm,
    ) -> Result<HttpResponse, Problem> {
        self.keep_draft(&mut run, index, form);
        self.config.events.report(WizardEvent::Back {
            wizard: W::ID,
            run: &run.visitor.run,
            step: self.steps.slots[index].name(),
        });
        let previous = self.step_url(&run.base, run.journey.previous(index).unwrap_or(index));
        self.runs
            .answer(request, session, &mut run, see_other(&previous))
    }

    /// A draft the page's script saves: kept as Back keeps one, without
    /// validation and without secrets, unless it was typed on an older
    /// revision of the state (the visitor has sent a form since, in this
    /// tab or another), which it must not undo.
    fn draft(
        &self,
        request: &HttpRequest,
        session: &Session,
        mut run: Run<W>,
        index: usize,
        form: &RawForm,
        typed_on: Option<u64>,
    ) -> Result<HttpResponse, Problem> {
        let current = run.journey.state.as_ref().map_or(0, |state| state.revision);
        if typed_on != Some(current) {
            return Ok(draft_answer());
        }
        self.keep_draft(&mut run, index, form);
        self.runs.answer(request, session, &mut run, draft_answer())
    }

    /// A form the visitor sent changes the state's revision: drafts typed
    /// before it are stale.
    fn raise_revision(&self, run: &mut Run<W>) {
        let state = run.state_mut(self.runs.now());
        state.revision = state.revision.saturating_add(1);
    }

    /// Continue (or Finish on the last step): the form is decoded and
    /// validated; invalid, the page again with every error (422); valid,
    /// stored, then on to the next step or to finishing.
    async fn next(
        &self,
        request: &HttpRequest,
        session: &Session,
        mut run: Run<W>,
        index: usize,
        form: &RawForm,
    ) -> Result<HttpResponse, Problem> {
        let slot = &self.steps.slots[index];
        let now = self.runs.now();
        // The last step's async check runs inside the once-only finish,
        // so that a duplicate never checks against the first one's side
        // effects.
        let finishing = run.journey.next(index).is_none();
        request
            .extensions_mut()
            .insert(SubmittedRun(run.visitor.run.clone()));
        let submitted = slot
            .submit(
                form,
                &mut run.journey.answers,
                request,
                !finishing,
                &self.config.texts,
            )
            .await
            .map_err(|error| {
                tracing::error!(%error, step = slot.name(), "step could not be decoded");
                Problem::Internal
            })?;
        let answers = match submitted {
            Submitted::Valid(answers) => answers,
            Submitted::Invalid(errors) => {
                return self.invalid(request, session, run, index, form, &errors);
            }
        };
        run.state_mut(now);
        run.journey
            .store_answers(&self.steps, index, answers, W::VERSION, now);
        self.config.events.report(WizardEvent::StepSaved {
            wizard: W::ID,
            run: &run.visitor.run,
            step: slot.name(),
        });
        let Some(next) = run.journey.next(index) else {
            // Boxed: the once-only section's future is large, and most
            // requests never reach it.
            return Box::pin(finish(self, request, session, run, index)).await;
        };
        if finishing {
            // These answers switched on a later step: this is not the
            // last step after all, so its check runs now.
            let errors = slot
                .recheck(&mut run.journey.answers, request, false, &self.config.texts)
                .await;
            if !errors.is_empty() {
                run.state_mut(now).step_mut(slot.name()).answers = None;
                run.journey.settle(&self.steps);
                return self.invalid(request, session, run, index, form, &errors);
            }
        }
        let target = if is_change(request) {
            run.journey.resume(&self.steps)
        } else {
            next
        };
        let location = self.step_url(&run.base, target);
        self.runs
            .answer(request, session, &mut run, see_other(&location))
    }

    /// Keeps what was typed on step `index` (secrets aside) as its draft,
    /// shown when the visitor comes back to it.
    fn keep_draft(&self, run: &mut Run<W>, index: usize, form: &RawForm) -> RawForm {
        let slot = &self.steps.slots[index];
        let draft = without_secrets(form, slot.shape());
        run.state_mut(self.runs.now()).step_mut(slot.name()).draft = Some(draft.clone());
        draft
    }

    /// The step's page again (422) with every error, what was typed kept
    /// as its draft (secrets aside).
    fn invalid(
        &self,
        request: &HttpRequest,
        session: &Session,
        mut run: Run<W>,
        index: usize,
        form: &RawForm,
        errors: &FieldErrors,
    ) -> Result<HttpResponse, Problem> {
        let draft = self.keep_draft(&mut run, index, form);
        self.config.events.report(WizardEvent::ValidationFailed {
            wizard: W::ID,
            run: &run.visitor.run,
            step: self.steps.slots[index].name(),
            errors,
        });
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        let page = self.render_step(request, &mut run, index, &draft, errors, None, status)?;
        self.runs.answer(request, session, &mut run, page)
    }
}

/// What was typed, secrets left out: kept as the step's draft.
fn without_secrets(form: &RawForm, shape: &Shape) -> RawForm {
    let mut draft = form.clone();
    draft.retain(|name| !shape.secrets.contains(&name));
    draft
}

/// Finishes the run once: inside the once-only section, re-validates
/// every active step (the `last` one's rules just passed: its async check
/// only), then runs the finish handler. Every duplicate of the run gets
/// the same result.
async fn finish<W: Wizard>(
    wizard: &Inner<W>,
    request: &HttpRequest,
    session: &Session,
    mut run: Run<W>,
    last: usize,
) -> Result<HttpResponse, Problem> {
    let run_id = run.visitor.run.clone();
    let active = run.journey.active_steps();
    let mut answers = std::mem::take(&mut run.journey.answers);
    let section = async {
        for index in active {
            let slot = &wizard.steps.slots[index];
            let errors = slot
                .recheck(&mut answers, request, index != last, &wizard.config.texts)
                .await;
            if !errors.is_empty() {
                return Err(Refusal::Invalid {
                    step: index,
                    errors,
                });
            }
        }
        let context = Finish {
            run: run_id.clone(),
            request: request.clone(),
        };
        let finished = answers.finish(&context).await;
        wizard.config.events.report(WizardEvent::FinishRan {
            wizard: W::ID,
            run: &run_id,
            succeeded: finished.is_ok(),
        });
        match finished {
            Ok(outcome) => serde_json::to_string(&outcome)
                .map(Arc::<str>::from)
                .map_err(|e| Refusal::Failed(Box::new(e))),
            Err(error) => Err(wizard.refusal(error)),
        }
    };
    let ahead = ClaimAhead::take(request, &run_id);
    let result = wizard.runs.finish_once(&run_id, ahead, section).await;
    match result {
        Ok(outcome) => wizard.finished(request, session, &mut run, &outcome),
        Err(refusal) => match &*refusal {
            Refusal::Invalid { step, errors } => {
                let name = wizard.steps.slots[*step].name();
                run.state_mut(wizard.runs.now()).step_mut(name).errors = errors.clone();
                let location = wizard.step_url(&run.base, *step);
                wizard
                    .runs
                    .answer(request, session, &mut run, see_other(&location))
            }
            Refusal::Failed(error) | Refusal::Unavailable(error) => {
                tracing::error!(%error, wizard = W::ID, run = run_id, "finish failed");
                let problem = match &*refusal {
                    Refusal::Unavailable(_) => Problem::FinishUnavailable,
                    _ => Problem::FinishFailed,
                };
                let page =
                    problem.answer(&wizard.config.texts, json::wants_json(request.headers()));
                wizard.runs.answer(request, session, &mut run, page)
            }
        },
    }
}

impl<W: Wizard> Inner<W> {
    /// The once-only section's view of the finish handler's error. A step
    /// name the wizard does not declare is a bug in the handler: logged,
    /// and answered as a failure rather than sending anyone to a guess.
    fn refusal(&self, error: FinishError) -> Refusal {
        match error {
            FinishError::Invalid { step, errors } => {
                match self.steps.slots.iter().position(|s| s.name() == step) {
                    Some(index) => Refusal::Invalid {
                        step: index,
                        errors,
                    },
                    None => {
                        tracing::error!(
                            wizard = W::ID,
                            step,
                            "FinishError::Invalid names a step the wizard does not declare"
                        );
                        Refusal::Failed(format!("no step named `{step}`").into())
                    }
                }
            }
            FinishError::Failed(error) => Refusal::Failed(error),
            FinishError::Unavailable(error) => Refusal::Unavailable(error),
        }
    }
}

/// `GET {base}/complete`: the completion page, from the kept outcome.
async fn complete<W: Wizard>(
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let run = wizard.runs.load(request, session, &wizard.steps);
    let kept = wizard.runs.kept_outcome(session, &run).await;
    let outcome = kept
        .as_deref()
        .and_then(|json| serde_json::from_slice::<W::Outcome>(json).ok());
    let (Some(outcome), Some(kept)) = (outcome, kept) else {
        return Ok(see_other(&run.base));
    };
    if json::wants_json(request.headers()) {
        // The outcome as it was kept: it is JSON already.
        return Ok(json::respond(
            StatusCode::OK,
            &json::complete_document(&run.base, &kept),
        ));
    }
    let page = CompletePage {
        base: &run.base,
        texts: &wizard.config.texts,
        layout: W::layout,
    };
    match W::render_complete(&outcome, &page) {
        Ok(body) => Ok(html(StatusCode::OK, body)),
        Err(error) => {
            tracing::error!(%error, wizard = W::ID, "completion page did not render");
            Err(Problem::Internal)
        }
    }
}

/// For a JSON client, an answer is the document it leads to rather than a
/// redirect: the next step's (200, with its URL in the document and in
/// `Content-Location`) or the completion document. The cookies the
/// redirect set are kept.
async fn follow<W: Wizard>(
    mut answer: Result<HttpResponse, Problem>,
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let base = wizard.runs.base_of(request);
    // The entry redirects once more, to the step to be on.
    for _ in 0..2 {
        let Ok(redirect) = &answer else {
            return answer;
        };
        let location = redirect
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let Some(location) = location.filter(|_| redirect.status() == StatusCode::SEE_OTHER) else {
            return answer;
        };
        let path = location.split(['?', '#']).next().unwrap_or("");
        let Some(segment) = path.strip_prefix(&*base) else {
            return answer;
        };
        let cookies: Vec<HeaderValue> = redirect.headers().get_all(SET_COOKIE).cloned().collect();
        let next = if segment.is_empty() {
            entry(request, session, wizard).await
        } else if segment == format!("/{COMPLETE_SEGMENT}") {
            complete(request, session, wizard).await
        } else if let Some(index) = wizard
            .steps
            .slots
            .iter()
            .position(|slot| segment.strip_prefix('/') == Some(slot.name()))
        {
            show(index, request, session, wizard).await
        } else {
            return answer;
        };
        answer = next.map(|mut response| {
            let headers = response.headers_mut();
            let set_later: Vec<HeaderValue> = headers.get_all(SET_COOKIE).cloned().collect();
            headers.remove(SET_COOKIE);
            for cookie in cookies.into_iter().chain(set_later) {
                headers.append(SET_COOKIE, cookie);
            }
            if let Ok(value) = HeaderValue::try_from(location.as_str()) {
                headers.insert(CONTENT_LOCATION, value);
            }
            response
        });
    }
    answer
}

/// Anything else under the wizard's path: a step's or the completion
/// page's URL with a trailing slash redirects to the canonical one
/// (308, keeping the method and body); the rest is 404.
fn elsewhere<W: Wizard>(request: &HttpRequest, wizard: &Inner<W>) -> Result<HttpResponse, Problem> {
    let path = request.path();
    let base = wizard.runs.base_of(request);
    let canonical = path.strip_suffix('/').and_then(|trimmed| {
        let segment = trimmed.strip_prefix(&*base)?.strip_prefix('/')?;
        let known = segment == COMPLETE_SEGMENT
            || wizard.steps.slots.iter().any(|slot| slot.name() == segment);
        known.then_some(trimmed)
    });
    let Some(canonical) = canonical else {
        return Err(wizard.not_found(&base));
    };
    let mut location = canonical.to_owned();
    if !request.query_string().is_empty() {
        location.push('?');
        location.push_str(request.query_string());
    }
    Ok(HttpResponse::PermanentRedirect()
        .insert_header((LOCATION, location))
        .finish())
}
