//! A testing kit for wizards: drive any wizard in-process, through the
//! application's real middleware and routes, as a visitor with a browser
//! would, and read what the visitor sees.
//!
//! Enable the `testing` feature in `[dev-dependencies]`:
//!
//! ```toml
//! [dev-dependencies]
//! actix-wizard = { version = "0.1", features = ["testing"] }
//! ```
//!
//! [`TestApp::new`] builds the application from a [`WizardSetup`], the
//! way `HttpServer::new` would. A [`Visitor`] has its own cookie jar (a
//! [`CookieJar`] that behaves like a browser's), opens pages, submits a
//! step's form from the step's own typed value (the kit writes exactly the
//! pairs a browser would send, with the page's CSRF token), follows
//! redirects, and gives back what it sees as a [`Seen`]: the step, the
//! error beside each field and in the summary, the values the form
//! shows, the notice, the completion page's text. Every assertion that
//! fails says where the visitor is, the errors the page shows, and its
//! text.
//!
//! A visitor can also start anywhere ([`Visitor::start_with`]: a run
//! stored at any step, sealed as the pipeline seals it), and the kit's
//! [`TestClock`] moves time on without sleeping, past the idle timeout for
//! instance. [`TestApp::finishes`] counts how often the finish handler ran
//! for a run.
//!
//! ```
//! use actix_web::App;
//! use actix_wizard::testing::TestApp;
//! use actix_wizard::{
//!     CompletePage, Finish, FinishError, MemoryStore, Step, Steps, Wizard, WizardConfig, WizardSetup,
//! };
//! use serde::{Deserialize, Serialize};
//! use validator::Validate;
//!
//! #[derive(Default, Serialize, Deserialize, Validate, Step)]
//! #[step(name = "name", title = "What is your name?")]
//! struct Name {
//!     #[field(label = "Full name")]
//!     #[validate(length(min = 1, message = "Enter your full name"))]
//!     full_name: String,
//! }
//!
//! #[derive(Default)]
//! struct Hello {
//!     name: Name,
//! }
//!
//! impl Wizard for Hello {
//!     const ID: &'static str = "hello";
//!     type Outcome = String;
//!     fn steps() -> Steps<Self> {
//!         Steps::new().step(|w| &mut w.name)
//!     }
//!     async fn finish(self, _: &Finish) -> Result<String, FinishError> {
//!         Ok(self.name.full_name)
//!     }
//!     fn render_complete(name: &String, page: &CompletePage<'_>) -> Result<String, askama::Error> {
//!         let _ = name; // an application would render it, escaped, with askama
//!         page.in_layout("Done", "<h1>Thank you</h1>")
//!     }
//! }
//!
//! # actix_web::rt::System::new().block_on(async {
//! let setup = WizardSetup::new(
//!     MemoryStore::default(),
//!     actix_web::cookie::Key::generate(),
//!     WizardConfig::default(),
//! );
//! let app = TestApp::new(setup, |setup| {
//!     App::new().wrap(setup.middleware()).service(setup.wizard::<Hello>("/hello"))
//! })
//! .await;
//! let mut visitor = app.visitor::<Hello>("/hello");
//!
//! visitor.open("/hello").await.assert_step("name");
//! let page = visitor.submit(&Name::default()).await;
//! page.assert_status(422).assert_error(Name::FULL_NAME, "Enter your full name");
//!
//! let done = visitor.submit(&Name { full_name: "Ann Smith".into() }).await;
//! done.assert_complete();
//! assert_eq!(done.heading().as_deref(), Some("Thank you"));
//! assert_eq!(app.finishes(&visitor.run_id().unwrap()), 1);
//! # });
//! ```

mod fill;
mod jar;
mod seen;

use std::cell::RefCell;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use actix_http::Request;
use actix_session::storage::SessionStore;
use actix_web::App;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Service, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::test::TestRequest;
use futures_util::future::LocalBoxFuture;
use serde_json::value::RawValue;

pub use jar::CookieJar;
pub use seen::{Seen, SummaryLink};

use crate::cipher::StateCipher;
use crate::config::Clock;
use crate::events::WizardEvent;
use crate::once::Finishes;
use crate::run::Runs;
use crate::setup::WizardSetup;
use crate::step::Step;
use crate::wizard::Wizard;

/// The kit's clock: the system's, plus however far the test moved it.
/// Every wizard of a [`TestApp`] reads it; so does the visitors' cookie
/// jar, whose cookies lapse by it.
#[derive(Debug, Default)]
pub struct TestClock {
    ahead_secs: AtomicU64,
}

impl TestClock {
    /// Moves the clock `by` forward, at once.
    ///
    /// ```no_run
    /// # async fn example<W: actix_wizard::Wizard>(app: &actix_wizard::testing::TestApp, visitor: &mut actix_wizard::testing::Visitor<'_, W>) {
    /// app.clock().advance(std::time::Duration::from_secs(31 * 60));
    /// let page = visitor.open("/signup").await; // the expiry notice, at once
    /// assert!(page.notice().is_some());
    /// # }
    /// ```
    pub fn advance(&self, by: Duration) {
        self.ahead_secs.fetch_add(by.as_secs(), Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> SystemTime {
        SystemTime::now() + Duration::from_secs(self.ahead_secs.load(Ordering::SeqCst))
    }
}

/// The application's service, whatever its body type.
trait Call {
    fn call(&self, request: Request) -> LocalBoxFuture<'_, ServiceResponse<BoxBody>>;
}

impl<S, B> Call for S
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody + 'static,
{
    fn call(&self, request: Request) -> LocalBoxFuture<'_, ServiceResponse<BoxBody>> {
        let http = request.head().clone();
        let future = Service::call(self, request);
        Box::pin(async move {
            match future.await {
                Ok(response) => response.map_into_boxed_body(),
                // An error a middleware returned: what a client receives.
                Err(error) => {
                    let request = TestRequest::default()
                        .method(http.method.clone())
                        .uri(&http.uri.to_string())
                        .to_http_request();
                    ServiceResponse::new(request, error.as_response_error().error_response())
                }
            }
        })
    }
}

/// Plants sessions in the application's store, whatever store it is.
trait Planter {
    fn setup_config(&self) -> &crate::WizardConfig;
    fn mount_of(&self, id: &str) -> Option<String>;
    fn plant(&self, entries: HashMap<String, String>)
    -> LocalBoxFuture<'_, Result<String, String>>;
}

impl<St: SessionStore + 'static> Planter for WizardSetup<St> {
    fn setup_config(&self) -> &crate::WizardConfig {
        self.config()
    }

    fn mount_of(&self, id: &str) -> Option<String> {
        WizardSetup::mount_of(self, id)
    }

    fn plant(
        &self,
        entries: HashMap<String, String>,
    ) -> LocalBoxFuture<'_, Result<String, String>> {
        Box::pin(self.plant_session(entries))
    }
}

/// How many times the finish handler ran, per run, and how it ended.
type FinishLog = Arc<Mutex<HashMap<String, Vec<bool>>>>;

/// An application under test, built as a server would build it.
pub struct TestApp {
    service: Box<dyn Call>,
    planter: Box<dyn Planter>,
    clock: Arc<TestClock>,
    finishes: FinishLog,
    events: Arc<Mutex<Vec<Recorded>>>,
}

impl TestApp {
    /// Builds the application `app` makes from `setup` (the middleware,
    /// the wizard services, the application's routes and data), on
    /// `actix_web::test`. The kit sets its [`TestClock`] in the setup's
    /// configuration (in place of any other clock) and adds an event hook
    /// that counts finishes.
    pub async fn new<St, F, T, B>(mut setup: WizardSetup<St>, app: F) -> Self
    where
        St: SessionStore + 'static,
        F: FnOnce(&WizardSetup<St>) -> App<T>,
        T: ServiceFactory<
                ServiceRequest,
                Config = (),
                Response = ServiceResponse<B>,
                Error = actix_web::Error,
                InitError = (),
            > + 'static,
        T::Future: 'static,
        B: MessageBody + 'static,
    {
        let clock = Arc::new(TestClock::default());
        let finishes = FinishLog::default();
        let log = Arc::clone(&finishes);
        let events: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let config = setup.config_mut();
        config.clock = crate::config::SharedClock(clock.clone());
        let seen = Arc::clone(&events);
        config.events.add(Arc::new(move |event: &WizardEvent<'_>| {
            if let WizardEvent::FinishRan { run, succeeded, .. } = event {
                let mut log = log.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                log.entry((*run).to_owned()).or_default().push(*succeeded);
            }
            let mut seen = seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            seen.push(Recorded::of(event));
        }));
        let service = actix_web::test::init_service(app(&setup)).await;
        Self {
            service: Box::new(service),
            planter: Box::new(setup),
            clock,
            finishes,
            events,
        }
    }

    /// A new visitor of wizard `W` mounted at `base`, with an empty
    /// cookie jar (a browser profile of their own).
    pub fn visitor<W: Wizard>(&self, base: &str) -> Visitor<'_, W> {
        Visitor {
            app: self,
            base: base.trim_end_matches('/').to_owned(),
            jar: Rc::default(),
            page: None,
            htmx: false,
            json: false,
            json_token: None,
            wizard: PhantomData,
        }
    }

    /// The clock every wizard of this application reads.
    pub fn clock(&self) -> &TestClock {
        &self.clock
    }

    /// How many times the finish handler ran for run `run` (see
    /// [`Visitor::run_id`]), whatever it returned.
    ///
    /// ```no_run
    /// # async fn example<W: actix_wizard::Wizard>(app: &actix_wizard::testing::TestApp, visitor: &mut actix_wizard::testing::Visitor<'_, W>) {
    /// let run = visitor.run_id().expect("the wizard named the run");
    /// assert_eq!(app.finishes(&run), 1, "however often the button was pressed");
    /// # }
    /// ```
    pub fn finishes(&self, run: &str) -> usize {
        self.finish_results(run).len()
    }

    /// What each run of the finish handler for `run` returned, in order:
    /// `true` for an outcome, `false` for an error.
    pub fn finish_results(&self, run: &str) -> Vec<bool> {
        let log = self.finishes.lock().unwrap_or_else(|p| p.into_inner());
        log.get(run).cloned().unwrap_or_default()
    }

    /// Every [`WizardEvent`] the application's wizards reported so far, in
    /// order, as the kit recorded them.
    ///
    /// ```no_run
    /// # fn example(app: &actix_wizard::testing::TestApp) {
    /// let kinds: Vec<&str> = app.events().iter().map(|e| e.kind).collect();
    /// assert_eq!(kinds, ["step_shown", "validation_failed", "step_saved"]);
    /// # }
    /// ```
    pub fn events(&self) -> Vec<Recorded> {
        let events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        events.clone()
    }

    /// How many times the finish handler ran, over all runs.
    pub fn all_finishes(&self) -> usize {
        let log = self.finishes.lock().unwrap_or_else(|p| p.into_inner());
        log.values().map(Vec::len).sum()
    }
}

/// A [`WizardEvent`] as the kit keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// `step_shown`, `run_started`, `step_saved`, `validation_failed`, `back`,
    /// `finish_ran` (or `other` for a kind this kit does not know).
    pub kind: &'static str,
    /// The run's id.
    pub run: String,
    /// The step, for the step events.
    pub step: Option<&'static str>,
    /// The fields that failed, for `validation_failed`.
    pub fields: Vec<String>,
    /// The code of each failed rule, in the order of `fields`
    /// ([`crate::FieldError::code`]).
    pub codes: Vec<Option<String>>,
}

impl Recorded {
    fn of(event: &WizardEvent<'_>) -> Self {
        let recorded = |kind, run: &str, step| Self {
            kind,
            run: run.to_owned(),
            step,
            fields: Vec::new(),
            codes: Vec::new(),
        };
        match *event {
            WizardEvent::StepShown { run, step, .. } => recorded("step_shown", run, Some(step)),
            WizardEvent::RunStarted { run, .. } => recorded("run_started", run, None),
            WizardEvent::StepSaved { run, step, .. } => recorded("step_saved", run, Some(step)),
            WizardEvent::ValidationFailed {
                run, step, errors, ..
            } => Self {
                fields: errors.iter().map(|e| e.field.clone()).collect(),
                codes: errors.iter().map(|e| e.code.clone()).collect(),
                ..recorded("validation_failed", run, Some(step))
            },
            WizardEvent::Back { run, step, .. } => recorded("back", run, Some(step)),
            WizardEvent::FinishRan { run, .. } => recorded("finish_ran", run, None),
        }
    }
}

/// The answers of completed steps to start a run with: see
/// [`Visitor::start_with`].
pub struct Answers<W> {
    steps: Vec<(&'static str, Box<RawValue>)>,
    wizard: PhantomData<W>,
}

impl<W: Wizard> Default for Answers<W> {
    fn default() -> Self {
        Self::new()
    }
}

impl<W: Wizard> Answers<W> {
    /// No answers yet.
    pub fn new() -> Self {
        Self {
            steps: Vec::new(),
            wizard: PhantomData,
        }
    }

    /// `step` as the answers of its step, stored as given: a step that
    /// breaks its rules is caught when the run finishes, as stored
    /// answers are.
    ///
    /// # Panics
    ///
    /// When the step does not serialize.
    pub fn with<S: Step>(mut self, step: &S) -> Self {
        let json = serde_json::value::to_raw_value(step)
            .unwrap_or_else(|error| panic!("step {:?} does not serialize: {error}", S::NAME));
        self.steps.retain(|(name, _)| *name != S::NAME);
        self.steps.push((S::NAME, json));
        self
    }
}

/// One visitor of one wizard: a browser tab on a cookie jar.
pub struct Visitor<'a, W> {
    app: &'a TestApp,
    base: String,
    jar: Rc<RefCell<CookieJar>>,
    page: Option<Seen>,
    /// Whether the page runs htmx: requests carry `HX-Request`, and
    /// `HX-Location`/`HX-Redirect` are followed as htmx follows them.
    htmx: bool,
    /// Whether the visitor is a JSON client: requests carry
    /// `Accept: application/json`.
    json: bool,
    /// The CSRF token of the last JSON document that carried one, as a
    /// script keeps it across a problem document.
    json_token: Option<String>,
    wizard: PhantomData<W>,
}

impl<'a, W: Wizard> Visitor<'a, W> {
    /// Another tab of the same browser: the same cookie jar, its own page.
    pub fn tab(&self) -> Self {
        Self {
            app: self.app,
            base: self.base.clone(),
            jar: Rc::clone(&self.jar),
            page: self.page.clone(),
            htmx: self.htmx,
            json: self.json,
            json_token: None,
            wizard: PhantomData,
        }
    }

    /// Another tab of the same browser on another resource of the wizard
    /// (a wizard mounted at `/bookings/{booking}/change`: `base` is
    /// `/bookings/8/change`). It starts with no page.
    pub fn tab_on(&self, base: &str) -> Self {
        Self {
            app: self.app,
            base: base.trim_end_matches('/').to_owned(),
            jar: Rc::clone(&self.jar),
            page: None,
            htmx: false,
            json: false,
            json_token: None,
            wizard: PhantomData,
        }
    }

    /// The same browser (the same cookie jar) on another instance of the
    /// application: after a restart, or behind a load balancer without
    /// stickiness. The new visitor starts with no page.
    pub fn moved_to<'b>(&self, app: &'b TestApp) -> Visitor<'b, W> {
        Visitor {
            app,
            base: self.base.clone(),
            jar: Rc::clone(&self.jar),
            page: None,
            htmx: false,
            json: false,
            json_token: None,
            wizard: PhantomData,
        }
    }

    /// From now on, the visitor's page runs htmx (a form with `hx-boost`,
    /// say): every request says `HX-Request: true`, step pages come back
    /// as fragments, and the wizard's `HX-Location` (fetched, still with
    /// htmx) and `HX-Redirect` (a whole-page load) are followed as htmx
    /// follows them; [`Seen::redirects`] lists them.
    pub fn use_htmx(&mut self) {
        self.htmx = true;
    }

    /// From now on, the visitor is a JSON client (a single-page app, a
    /// mobile app): every request asks for `application/json`, and
    /// [`Seen::json`] reads the documents.
    pub fn use_json(&mut self) {
        self.json = true;
    }

    /// Posts `body` as JSON to `path`, as a JSON client does: with
    /// `Accept: application/json` and the CSRF token of the last document
    /// that carried one in the `X-CSRF-Token` header.
    ///
    /// ```no_run
    /// # async fn example<W: actix_wizard::Wizard>(visitor: &mut actix_wizard::testing::Visitor<'_, W>) {
    /// visitor.use_json();
    /// visitor.open("/signup/account").await;
    /// let next = visitor
    ///     .post_json("/signup/account", &serde_json::json!({"action": "next", "email": "a@b.c"}))
    ///     .await;
    /// assert_eq!(next.status(), 422);
    /// # }
    /// ```
    pub async fn post_json(&mut self, path: &str, body: &serde_json::Value) -> &Seen {
        let token = self.json_token.clone();
        let body = body.to_string();
        self.send(path, move |request| {
            let request = request
                .method(actix_web::http::Method::POST)
                .insert_header(("Accept", "application/json"))
                .insert_header(("Content-Type", "application/json"))
                .set_payload(body);
            match token {
                Some(token) => request.insert_header((crate::csrf::CSRF_HEADER, token)),
                None => request,
            }
        })
        .await
    }

    /// The cookie jar (shared with this visitor's other tabs).
    pub fn jar(&self) -> std::cell::RefMut<'_, CookieJar> {
        self.jar.borrow_mut()
    }

    /// The page the visitor is on.
    ///
    /// # Panics
    ///
    /// Before the first page.
    pub fn page(&self) -> &Seen {
        self.page
            .as_ref()
            .unwrap_or_else(|| panic!("the visitor has not opened a page yet"))
    }

    /// The id of the run the visitor's cookie names (the one
    /// [`Finish::run`](crate::Finish::run) gives), once the wizard has
    /// set it.
    pub fn run_id(&self) -> Option<String> {
        let name = format!("{}_run", W::ID);
        let jar = self.jar.borrow();
        let value = jar.get(&name)?;
        let (visitor, _) = value.rsplit_once('.')?;
        crate::visitor::Visitor::decode(visitor).map(|v| v.run)
    }

    /// `GET path`, following redirects as a browser does.
    ///
    /// ```no_run
    /// # async fn example<W: actix_wizard::Wizard>(app: &actix_wizard::testing::TestApp, visitor: &mut actix_wizard::testing::Visitor<'_, W>) {
    /// let page = visitor.open("/signup").await;
    /// assert_eq!(page.redirects(), ["/signup/account"]);
    /// page.assert_step("account");
    /// # }
    /// ```
    pub async fn open(&mut self, path: &str) -> &Seen {
        let request = TestRequest::get().uri(path);
        self.follow(request, path).await
    }

    /// Fills the form of step `S` with `step` (exactly the pairs a browser
    /// would send, secrets included) and presses its main button
    /// (Continue, or the last step's finish button); follows the
    /// redirect.
    ///
    /// # Panics
    ///
    /// When the visitor is not on step `S`'s page, with what the page
    /// shows.
    pub async fn submit<S: Step>(&mut self, step: &S) -> &Seen {
        self.expect_step(S::NAME);
        let pairs = fill::pairs_of(step);
        let action = self.main_action();
        self.post_form(&action, &pairs).await
    }

    /// Sends the current page's form with `pairs` as typed (raw values:
    /// a wrong type, a missing field) and its main button.
    ///
    /// ```no_run
    /// # async fn example<W: actix_wizard::Wizard>(app: &actix_wizard::testing::TestApp, visitor: &mut actix_wizard::testing::Visitor<'_, W>) {
    /// let page = visitor.submit_pairs(&[("age", "abc")]).await;
    /// page.assert_status(422).assert_error("age", "Enter a whole number");
    /// assert_eq!(page.value("age").as_deref(), Some("abc"));
    /// # }
    /// ```
    pub async fn submit_pairs(&mut self, pairs: &[(&str, &str)]) -> &Seen {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let action = self.main_action();
        self.post_form(&action, &pairs).await
    }

    /// Presses Back without changing anything: the form goes as it
    /// stands, and the step keeps it as a draft.
    ///
    /// ```no_run
    /// # async fn example<W: actix_wizard::Wizard>(app: &actix_wizard::testing::TestApp, visitor: &mut actix_wizard::testing::Visitor<'_, W>) {
    /// visitor.back().await.assert_step("account");
    /// # }
    /// ```
    pub async fn back(&mut self) -> &Seen {
        let pairs = self.page().form_pairs();
        self.post_form("back", &pairs).await
    }

    /// Fills step `S`'s form with `step`, then presses Back: what was
    /// typed is kept as the step's draft.
    pub async fn back_with<S: Step>(&mut self, step: &S) -> &Seen {
        self.expect_step(S::NAME);
        let pairs = fill::pairs_of(step);
        self.post_form("back", &pairs).await
    }

    /// What the page's drafts script sends when the visitor typed `pairs`
    /// and paused, or left the page: a beacon saving them as the step's
    /// draft, with the page's token and revision. The visitor stays on the
    /// page (a beacon's answer is not shown); gives the answer's status.
    pub async fn save_draft(&mut self, pairs: &[(&str, &str)]) -> actix_web::http::StatusCode {
        let page = self.page();
        let target = page
            .form_action()
            .unwrap_or_else(|| panic!("the page has no form: {}", page.describe()));
        let token = page.csrf_token().unwrap_or_default();
        let hidden = page.hidden_pairs();
        let mut all: Vec<(&str, &str)> = vec![(crate::csrf::CSRF_FIELD, token.as_str())];
        all.extend(hidden.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        all.extend(pairs.iter().copied());
        all.push(("action", "draft"));
        let body = serde_urlencoded::to_string(&all)
            .unwrap_or_else(|error| panic!("form not encoded: {error}"));
        let request = TestRequest::post()
            .uri(&target)
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload(body);
        let (status, _, _) = self.exchange(request, &target, false).await;
        status
    }

    /// Sends a form with the current page's CSRF token to another URL
    /// than the page's own, pressing `action` with `pairs`: a stale form
    /// kept open in another window, or a visitor trying to skip ahead.
    pub async fn post_to(&mut self, path: &str, action: &str, pairs: &[(&str, &str)]) -> &Seen {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.post_form_to(path, action, &pairs).await
    }

    /// Presses the form's button `action` (`next`, `back`, `finish`) with
    /// `pairs`.
    pub async fn press(&mut self, action: &str, pairs: &[(&str, &str)]) -> &Seen {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.post_form(action, &pairs).await
    }

    /// Sends a request to `path` as `build` makes it from a `GET` (a
    /// malformed body, another content type, a method the page does not
    /// take) with this visitor's cookies, and follows redirects.
    ///
    /// ```no_run
    /// # async fn example(visitor: &mut actix_wizard::testing::Visitor<'_, impl actix_wizard::Wizard>) {
    /// let page = visitor
    ///     .send("/signup/account", |request| {
    ///         request
    ///             .method(actix_web::http::Method::POST)
    ///             .insert_header(("Content-Type", "text/plain"))
    ///             .set_payload("hello")
    ///     })
    ///     .await;
    /// page.assert_status(415);
    /// # }
    /// ```
    pub async fn send(
        &mut self,
        path: &str,
        build: impl FnOnce(TestRequest) -> TestRequest,
    ) -> &Seen {
        let request = build(TestRequest::get().uri(path));
        self.follow(request, path).await
    }

    /// Starts a run of this wizard with `answers` as its completed steps,
    /// stored in the application's session store as the pipeline stores a
    /// run (sealed when the setup seals state), then opens the wizard: the
    /// visitor lands on the step that run is on. Earlier cookies of the
    /// wizard's session are replaced.
    ///
    /// The run goes into a store the setup's store factory makes: with
    /// [`WizardSetup::new`] that is the application's store itself; a
    /// factory given to [`WizardSetup::with_store_factory`] must hand out
    /// handles on one store (as it must for a server's workers to share
    /// sessions).
    ///
    /// # Panics
    ///
    /// When a step of `answers` is not a step of the wizard, or the store
    /// refuses the session.
    pub async fn start_with(&mut self, answers: Answers<W>) -> &Seen {
        let steps = W::steps();
        let names: Vec<&str> = steps.slots.iter().map(|slot| slot.name()).collect();
        for (name, _) in &answers.steps {
            assert!(
                names.contains(name),
                "{name:?} is not a step of wizard {:?}, whose steps are {names:?}",
                W::ID
            );
        }
        let planter = &self.app.planter;
        let config = planter.setup_config();
        let key = config
            .state_key
            .clone()
            .unwrap_or_else(|| panic!("the setup has no state key"));
        // The wizard's mount path, a pattern for a wizard on a resource.
        let mount = planter.mount_of(W::ID).unwrap_or_else(|| self.base.clone());
        let runs = Runs::new(
            W::ID,
            &mount,
            config,
            StateCipher::new(&key),
            Finishes::new(None),
        );
        let planted = runs
            .planted(&self.base, W::VERSION, answers.steps)
            .unwrap_or_else(|error| panic!("run not planted: {error}"));
        let cookie = planter
            .plant(HashMap::from([planted.entry]))
            .await
            .unwrap_or_else(|error| panic!("run not planted: {error}"));
        {
            // The run belongs to the cookies it was sealed for.
            let mut jar = self.jar.borrow_mut();
            jar.store_from(&planted.cookies, &self.base, self.app.clock.now());
            jar.set(config.session_cookie_name(), &cookie);
        }
        let base = self.base.clone();
        self.open(&base).await
    }

    /// Panics unless the visitor is on step `name`'s form.
    #[track_caller]
    fn expect_step(&self, name: &str) {
        let page = self.page();
        assert!(
            page.step() == Some(name) && page.form_action().is_some(),
            "the visitor is not on step {name:?}'s form: {}",
            page.describe()
        );
    }

    /// The value of the page's first action button (`next` or `finish`).
    fn main_action(&self) -> String {
        let page = self.page();
        page.buttons()
            .into_iter()
            .map(|(value, _)| value)
            .find(|value| value != "back")
            .unwrap_or_else(|| panic!("the page has no button to press: {}", page.describe()))
    }

    /// Posts the current page's form with its token, `pairs` and
    /// `action`.
    async fn post_form(&mut self, action: &str, pairs: &[(String, String)]) -> &Seen {
        let page = self.page();
        let target = page
            .form_action()
            .unwrap_or_else(|| panic!("the page has no form: {}", page.describe()));
        self.post_form_to(&target, action, pairs).await
    }

    /// Posts a form to `target` with the current page's token, `pairs`
    /// and `action`.
    async fn post_form_to(
        &mut self,
        target: &str,
        action: &str,
        pairs: &[(String, String)],
    ) -> &Seen {
        let token = self
            .page
            .as_ref()
            .and_then(Seen::csrf_token)
            .unwrap_or_default();
        // A browser sends the form's hidden inputs with every button.
        let hidden = self
            .page
            .as_ref()
            .map(Seen::hidden_pairs)
            .unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![(crate::csrf::CSRF_FIELD, token.as_str())];
        all.extend(hidden.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        all.extend(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        all.push(("action", action));
        let body = serde_urlencoded::to_string(&all)
            .unwrap_or_else(|error| panic!("form not encoded: {error}"));
        let request = TestRequest::post()
            .uri(target)
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload(body);
        self.follow(request, target).await
    }

    /// Sends `request` (to `path`) and follows redirects with `GET`, as a
    /// browser does after a form post; keeps the last page.
    async fn follow(&mut self, mut request: TestRequest, path: &str) -> &Seen {
        let mut path = path.to_owned();
        let mut redirects = Vec::new();
        let mut swap = self.htmx;
        loop {
            let (status, headers, body) = self.exchange(request, &path, swap).await;
            let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
            // Where the client goes next: a redirect; with htmx, also
            // HX-Location (fetched and swapped, htmx still on) and
            // HX-Redirect (a whole-page navigation).
            let next = if status.is_redirection() {
                header("Location").map(|l| (l.to_owned(), swap))
            } else if self.htmx {
                header("HX-Location")
                    .map(|l| (htmx_location_path(l), true))
                    .or_else(|| header("HX-Redirect").map(|l| (l.to_owned(), false)))
            } else {
                None
            };
            match next {
                Some((location, as_swap)) if redirects.len() < 10 => {
                    redirects.push(location.clone());
                    request = TestRequest::get().uri(&location);
                    path = location;
                    swap = as_swap;
                }
                _ => {
                    let token = serde_json::from_str::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|doc| doc["csrf_token"].as_str().map(str::to_owned));
                    if token.is_some() {
                        self.json_token = token;
                    }
                    // A JSON client's form answer is the document it led
                    // to; its address is where that document lives.
                    if let Some(location) = header("Content-Location") {
                        path = location.to_owned();
                    }
                    let html = scraper::Html::parse_document(&body);
                    self.page = Some(Seen {
                        status,
                        url: path,
                        redirects,
                        headers,
                        body,
                        html,
                        base: self.base.clone(),
                    });
                    return self.page();
                }
            }
        }
    }

    /// One request and its response, cookies sent and kept.
    async fn exchange(
        &mut self,
        request: TestRequest,
        path: &str,
        swap: bool,
    ) -> (
        actix_web::http::StatusCode,
        actix_web::http::header::HeaderMap,
        String,
    ) {
        let now = self.app.clock.now();
        let request = if swap {
            request.insert_header(("HX-Request", "true"))
        } else {
            request
        };
        let request = if self.json {
            request.insert_header(("Accept", "application/json"))
        } else {
            request
        };
        let path_only = path.split(['?', '#']).next().unwrap_or("/");
        let header = self.jar.borrow_mut().header_for(path_only, now);
        let request = match header {
            Some(cookies) => request.insert_header(("Cookie", cookies)),
            None => request,
        };
        let response = self.app.service.call(request.to_request()).await;
        let status = response.status();
        let headers = response.headers().clone();
        self.jar
            .borrow_mut()
            .store_from(&headers, path_only, self.app.clock.now());
        let bytes = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap_or_default();
        (
            status,
            headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }
}

/// The path of an `HX-Location` header: a path, or JSON with a `path`.
fn htmx_location_path(header: &str) -> String {
    serde_json::from_str::<serde_json::Value>(header)
        .ok()
        .and_then(|value| value.get("path")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| header.to_owned())
}
