//! The pipeline that serves a wizard: [`WizardService`] and its routes
//! ([`routes`]), the pages a visitor reads ([`pages`]), the step machine
//! that takes a step's form ([`steps`]), and the one responder
//! ([`Inner::respond`]) that saves a run and writes the response.
//!
//! Each handler reads top to bottom: load the run, check where the visitor
//! may be, decide what happens as a [`Reply`], and hand it to the
//! responder. Persistence lives in [`crate::run`], finishing once in
//! [`crate::once`], the pages of problems in [`crate::problem`].

use std::sync::Arc;

use actix_session::Session;

use actix_web::dev::ResourceDef;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue, LOCATION};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse};

use crate::cipher::{StateCipher, StateKey};
use crate::claim_ahead::FinishingRun;
use crate::config::WizardConfig;
use crate::declaration::{self};
use crate::headers::Client;
use crate::htmx;
use crate::ledger::RunLedger;
use crate::mount::Mount;
use crate::once::Finishes;
use crate::problem::Problem;
use crate::run::{Run, Runs, TAB_KEY_PATTERN, TAB_PARAM, TAB_SEGMENT};
use crate::schema::{self};
use crate::steps::Steps;
use crate::wizard::Wizard;

mod files;
mod follow;
mod item_pages;
mod items;
mod pages;
mod places;
#[cfg(feature = "save-and-return")]
mod resume;
mod routes;
#[cfg(feature = "save-and-return")]
mod save_return;
mod steps;
mod visit;

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
    /// What the start-up check of the words found in other languages.
    untranslated: Vec<crate::catalogue::Finding>,
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
        config.check(W::ID);
        declaration::validate::<W>(W::ID, &steps);
        declaration::check_pages::<W>(W::ID, &steps, &config.texts, W::layout);
        declaration::check_files(W::ID, &steps, &config);
        let untranslated = crate::untranslated::findings(&steps, &config);
        crate::untranslated::report(W::ID, &untranslated, &config);
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
                untranslated,
            }),
        }
    }

    /// The words of the wizard's declaration that a language's catalogue
    /// lacks, and the words a catalogue has that no declaration does, as
    /// the start-up check found them (and logged them): a list to hand to
    /// a translator.
    ///
    /// ```no_run
    /// # fn example<W: actix_wizard::Wizard>(service: &actix_wizard::WizardService<W>) {
    /// for finding in service.untranslated().iter().filter(|f| f.is_missing()) {
    ///     println!("{} = {}", finding.key, finding.english.unwrap_or_default());
    /// }
    /// # }
    /// ```
    pub fn untranslated(&self) -> &[crate::catalogue::Finding] {
        &self.inner.untranslated
    }

    /// What the setup's middleware needs to claim this wizard's finishing
    /// runs ahead ([`crate::claim_ahead`]).
    pub(crate) fn finishing_run(&self) -> Arc<dyn FinishingRun> {
        Arc::clone(&self.inner) as Arc<dyn FinishingRun>
    }
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
    let mut response = answer.unwrap_or_else(|problem| problem.response(&config.texts, json));
    config.security_headers.apply(response.headers_mut());
    response
}

/// A page or redirect of the wizard as the client needs it: with the
/// security headers ([`with_headers`]), and in htmx's terms for htmx
/// ([`htmx::adapt`]).
fn for_client<W: Wizard>(
    request: &HttpRequest,
    wizard: &Inner<W>,
    answer: Result<HttpResponse, Problem>,
) -> HttpResponse {
    let json = Client::of(request).is_json();
    let answer = answer.or_else(|problem| Ok(problem.response(wizard.texts(request), json)));
    let mut response = with_headers(&wizard.config, json, answer);
    // `?lang=` switched: remembered for the next pages.
    if let Some(cookie) = crate::language::remembered(&wizard.config, request) {
        let _ = response.add_cookie(&cookie);
    }
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

impl<W: Wizard> Inner<W> {
    /// The URL of step `index` under `base` (a run's [`Run::base`]).
    fn step_url(&self, base: &str, index: usize) -> String {
        format!("{base}/{}", self.steps.slots[index].name())
    }

    fn resume_url(&self, run: &Run<W>) -> String {
        self.place_url(run, run.journey().resume(&self.steps))
    }

    /// Where step `index` starts for `run`: its page, or for a list with
    /// no item yet a new item's first step.
    fn place_url(&self, run: &Run<W>, index: usize) -> String {
        match self.steps.slots[index].list() {
            Some(_) => self.list_entry_url(run, index),
            None => self.step_url(run.base(), index),
        }
    }
}

impl<W: Wizard> Inner<W> {
    /// The words `request` is answered in ([`crate::language`]).
    pub(super) fn texts(&self, request: &HttpRequest) -> &crate::texts::Texts {
        crate::language::texts_for(&self.config, request)
    }

    /// The same page in each of the wizard's languages (empty with one).
    fn switcher(&self, request: &HttpRequest) -> crate::render::LanguageSwitcher {
        let config = &self.config;
        if config.languages.is_empty() {
            return Default::default();
        }
        let current = self.texts(request);
        let links = std::iter::once(&config.texts)
            .chain(&config.languages)
            .map(|texts| crate::render::LanguageLink {
                lang: texts.lang.to_string(),
                name: texts.language_name.to_string(),
                href: (texts.lang != current.lang).then(|| {
                    crate::language::switched(request.path(), request.query_string(), &texts.lang)
                }),
            })
            .collect();
        crate::render::LanguageSwitcher {
            label: current.language_switcher.to_string(),
            links,
        }
    }

    /// Whether the wizard's forms offer "Save and come back later".
    fn can_save(&self) -> bool {
        #[cfg(feature = "save-and-return")]
        return self.config.save_and_return.is_some();
        #[cfg(not(feature = "save-and-return"))]
        false
    }

    /// "Save and come back later" pressed on a page of `run` (what it
    /// held already kept): on to the page that sends the link, which
    /// learns the page (`?from=`) to resume on; refused where saving is
    /// off.
    fn to_save_page(&self, request: &HttpRequest, run: &Run<W>) -> Result<Reply, Problem> {
        if !self.can_save() || !run.is_stored() {
            return Err(Problem::Malformed);
        }
        let from = percent_encoding::utf8_percent_encode(
            request.path(),
            percent_encoding::NON_ALPHANUMERIC,
        );
        let save = declaration::SAVE_SEGMENT;
        Ok(Reply::Go(format!("{}/{save}?from={from}", run.base())))
    }

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
            let mut shapes = Vec::new();
            for slot in &self.steps.slots {
                shapes.push(schema::StepShape {
                    name: slot.name().to_owned(),
                    title: slot.title(),
                    fields: slot.fields(),
                });
                let Some(list) = slot.list() else {
                    continue;
                };
                // A list's items: each item step, and the remove page.
                for step in 0..list.step_count() {
                    let step = list.step(step);
                    shapes.push(schema::StepShape {
                        name: format!("{}.{}", slot.name(), step.name),
                        title: step.title,
                        fields: step.fields,
                    });
                }
                shapes.push(schema::StepShape {
                    name: format!("{}.{}", slot.name(), crate::repeat::REMOVE_SEGMENT),
                    title: slot.title(),
                    fields: &crate::repeat::CONFIRM_FIELDS,
                });
            }
            schema::wizard_schema(W::ID, &shapes).to_string()
        })
    }
}

/// What a handler decided should happen, for the responder
/// ([`Inner::respond`]) to save and answer.
pub(super) enum Reply {
    /// On to another page (303 See Other; a JSON client gets the document
    /// it leads to).
    Go(String),
    /// A page made already: a step's page, or a problem's.
    Page(HttpResponse),
    /// Nothing to show (204): a draft kept, a session kept alive.
    NoContent,
}

impl<W: Wizard> Inner<W> {
    /// The one place a run is saved: what changed in `run` (its state,
    /// sealed once; the holder and visitor cookies) is written, then
    /// `reply` is answered.
    pub(super) fn respond(
        &self,
        request: &HttpRequest,
        session: &Session,
        run: &mut Run<W>,
        reply: Reply,
    ) -> Result<HttpResponse, Problem> {
        let response = match reply {
            Reply::Go(location) => see_other(&location),
            Reply::Page(page) => page,
            Reply::NoContent => draft_answer(),
        };
        let written = run.journey().changed;
        let response = self.runs.save(request, session, run, response)?;
        #[cfg(feature = "uploads")]
        if written {
            self.mark_run_files(run);
            self.delete_dropped_files(run);
        }
        #[cfg(not(feature = "uploads"))]
        let _ = written;
        Ok(response)
    }

    /// A problem's page, as the client asked for it (HTML or JSON), to be
    /// answered with the run saved (e.g. a CSRF refusal keeps the draft's
    /// cookie).
    pub(super) fn problem_page(&self, request: &HttpRequest, problem: Problem) -> HttpResponse {
        problem.response(self.texts(request), Client::of(request).is_json())
    }
}

/// The answer to a draft save: nothing to show (the script sends it as a
/// beacon and reads no answer).
pub(super) fn draft_answer() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .finish()
}

impl<W: Wizard> Inner<W> {
    /// A request on a resource written otherwise than in its one form
    /// ([`crate::Wizard::resource_key`]): a `GET` or `HEAD` goes (308) to
    /// the canonical URL, anything else is 404, as is a path that names
    /// none of the wizard's resources. `None` on the canonical URL, and
    /// always for a wizard at a fixed path.
    pub(super) fn off_canonical(
        &self,
        request: &HttpRequest,
    ) -> Option<Result<HttpResponse, Problem>> {
        // A wizard at a fixed path has no parameter: nothing to compare.
        request.match_info().iter().next()?;
        let written = self.runs.base_of(request);
        let Some(key) = W::resource_key(request) else {
            return Some(Err(self.not_found(&written)));
        };
        if key.is_written_in(request) {
            return None;
        }
        let canonical = self.runs.mount().fill(|name| key.get(name));
        let rest = request.path().strip_prefix(&*written);
        let readable = matches!(*request.method(), Method::GET | Method::HEAD);
        let (Some(canonical), Some(rest), true) = (canonical, rest, readable) else {
            return Some(Err(self.not_found(&written)));
        };
        let mut location = format!("{canonical}{rest}");
        if !request.query_string().is_empty() {
            location.push('?');
            location.push_str(request.query_string());
        }
        Some(Ok(HttpResponse::PermanentRedirect()
            .insert_header((LOCATION, location))
            .finish()))
    }
}
