//! The application under test ([`TestApp`]), its clock, the record of
//! finishes and events, and the answers a test plants.

use std::cell::RefCell;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use actix_http::Request;
use actix_session::storage::SessionStore;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Service, ServiceFactory, ServiceRequest, ServiceResponse, fn_service};
use actix_web::test::TestRequest;
use actix_web::{App, HttpResponse};
use futures_util::future::LocalBoxFuture;
use serde_json::value::RawValue;

use crate::config::Clock;
use crate::events::WizardEvent;
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
pub(super) trait Call {
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

/// What the kit's planting service runs on a request to a wizard's base,
/// inside the application's own session middleware: it loads a run,
/// stores answers and saves the run as the pipeline does.
pub(super) type Planting = Box<dyn FnOnce(&mut ServiceRequest) -> HttpResponse>;

/// Where a wizard (by id) was mounted through the setup.
type MountOf = Box<dyn Fn(&str) -> Option<String>>;

/// The planting the next request to the planting service runs.
#[derive(Clone, Default)]
struct PlantingSlot(Rc<RefCell<Option<Planting>>>);

/// How many times the finish handler ran, per run, and how it ended.
type FinishLog = Arc<Mutex<HashMap<String, Vec<bool>>>>;

/// An application under test, built as a server would build it.
pub struct TestApp {
    pub(super) service: Box<dyn Call>,
    /// The application's session middleware around the kit's planting
    /// handler: a run planted there is stored as a server stores one.
    planting: Box<dyn Call>,
    planting_slot: PlantingSlot,
    /// The setup's configuration, as the kit set it.
    pub(super) config: crate::WizardConfig,
    /// Where each wizard was mounted through the setup.
    pub(super) mount_of: MountOf,
    pub(super) clock: Arc<TestClock>,
    pub(super) finishes: FinishLog,
    pub(super) events: Arc<Mutex<Vec<Recorded>>>,
}

impl TestApp {
    /// Builds the application `app` makes from `setup` (the middleware,
    /// the wizard services, the application's routes and data), on
    /// `actix_web::test`. The kit sets its [`TestClock`] in the setup's
    /// configuration (in place of any other clock), adds an event hook
    /// that counts finishes, and makes a wizard whose words and
    /// catalogues do not match fail at start-up
    /// ([`crate::WizardConfig::declared_in`]).
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
        let config = setup.config_mut();
        config.clock = crate::config::SharedClock(clock.clone());
        // A word a catalogue lacks, or has too many, fails the test.
        config.fail_untranslated = true;
        let (finishes, events) = watch_events(config);
        let service = actix_web::test::init_service(app(&setup)).await;
        let planting_slot = PlantingSlot::default();
        let planting = planting_service(&setup, &planting_slot).await;
        let config = setup.config().clone();
        Self {
            service: Box::new(service),
            planting,
            planting_slot,
            config,
            mount_of: Box::new(move |id| setup.mount_of(id)),
            clock,
            finishes,
            events,
        }
    }

    /// Runs `planting` on a request to `base` inside the application's
    /// session middleware, and gives the response (its cookies).
    pub(super) async fn plant(&self, base: &str, planting: Planting) -> ServiceResponse<BoxBody> {
        *self.planting_slot.0.borrow_mut() = Some(planting);
        let request = TestRequest::post().uri(base).to_request();
        self.planting.call(request).await
    }

    /// The clock every wizard of this application reads.
    pub fn clock(&self) -> &TestClock {
        &self.clock
    }

    /// How many times the finish handler ran for run `run` (see
    /// [`crate::testing::Visitor::run_id`]), whatever it returned.
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
    /// `finish_ran`, `item_added`, `item_removed`, `exit_reached`,
    /// `file_refused`, `run_saved`, `run_resumed`, `link_refused` (its
    /// reason in `codes`).
    pub kind: &'static str,
    /// The run's id.
    pub run: String,
    /// The step, for the step events; the list, for the item events.
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
            WizardEvent::ItemAdded { run, list, .. } => recorded("item_added", run, Some(list)),
            WizardEvent::ExitReached { run, step, .. } => recorded("exit_reached", run, Some(step)),
            WizardEvent::ItemRemoved { run, list, .. } => recorded("item_removed", run, Some(list)),
            WizardEvent::FileRefused {
                run,
                step,
                field,
                reason,
                ..
            } => Self {
                fields: vec![field.to_owned()],
                codes: vec![Some(reason.to_owned())],
                ..recorded("file_refused", run, Some(step))
            },
            WizardEvent::RunSaved { run, .. } => recorded("run_saved", run, None),
            WizardEvent::RunResumed { run, .. } => recorded("run_resumed", run, None),
            WizardEvent::LinkRefused { reason, .. } => Self {
                codes: vec![Some(reason.to_owned())],
                ..recorded("link_refused", "", None)
            },
        }
    }
}

/// The answers of an item's steps, for [`Answers::item`].
#[derive(Default)]
pub struct ItemAnswers {
    pub(super) steps: Vec<(&'static str, Box<RawValue>)>,
}

impl ItemAnswers {
    /// No answers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// `step` as the answers of its item step, stored as given.
    ///
    /// # Panics
    ///
    /// When the step does not serialize.
    pub fn with<S: Step>(mut self, step: &S) -> Self {
        let json = serde_json::value::to_raw_value(step)
            .unwrap_or_else(|error| panic!("step {:?} does not serialize: {error}", S::NAME));
        self.steps.push((S::NAME, json));
        self
    }
}

/// The answers of completed steps to start a run with: see
/// [`crate::testing::Visitor::start_with`].
pub struct Answers<W> {
    pub(super) steps: Vec<(&'static str, Box<RawValue>)>,
    /// Items of lists, in order: the list and each step's answers.
    pub(super) items: Vec<(&'static str, ItemAnswers)>,
    pub(super) wizard: PhantomData<W>,
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
            items: Vec::new(),
            wizard: PhantomData,
        }
    }

    /// An item of list `list` ([`crate::Repeat`]), after the list's items
    /// given before; the list counts as answered (its question as "no").
    ///
    /// ```
    /// # use actix_wizard::testing::{Answers, ItemAnswers};
    /// # use actix_wizard::Step;
    /// # #[derive(Default, serde::Serialize, serde::Deserialize, validator::Validate, Step)]
    /// # #[step(name = "director", title = "A director")]
    /// # struct Director { #[field(label = "Name")] name: String }
    /// # #[derive(Default)] struct Company;
    /// # fn example<W: actix_wizard::Wizard>() {
    /// let answers = Answers::<W>::new().item(
    ///     "directors",
    ///     ItemAnswers::new().with(&Director { name: "Ann".into() }),
    /// );
    /// # let _ = answers;
    /// # }
    /// ```
    pub fn item(mut self, list: &'static str, item: ItemAnswers) -> Self {
        self.items.push((list, item));
        self
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

/// Adds the kit's event hook to `config`: it records every event, and
/// each finish's outcome by run.
fn watch_events(config: &mut crate::WizardConfig) -> (FinishLog, Arc<Mutex<Vec<Recorded>>>) {
    let finishes = FinishLog::default();
    let log = Arc::clone(&finishes);
    let events: Arc<Mutex<Vec<Recorded>>> = Arc::default();
    let seen = Arc::clone(&events);
    config.events.add(Arc::new(move |event: &WizardEvent<'_>| {
        if let WizardEvent::FinishRan { run, succeeded, .. } = event {
            let mut log = log.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            log.entry((*run).to_owned()).or_default().push(*succeeded);
        }
        let mut seen = seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        seen.push(Recorded::of(event));
    }));
    (finishes, events)
}

/// The application's session middleware around the kit's planting
/// handler, which runs whatever `slot` holds on the request.
async fn planting_service<St: SessionStore + 'static>(
    setup: &WizardSetup<St>,
    slot: &PlantingSlot,
) -> Box<dyn Call> {
    let planting = actix_web::test::init_service(
        App::new()
            .app_data(slot.clone())
            .wrap(setup.middleware())
            .default_service(fn_service(|mut request: ServiceRequest| async move {
                let planting = request
                    .app_data::<PlantingSlot>()
                    .and_then(|slot| slot.0.borrow_mut().take());
                let response = match planting {
                    Some(plant) => plant(&mut request),
                    None => HttpResponse::NotFound().finish(),
                };
                Ok::<_, actix_web::Error>(request.into_response(response))
            })),
    )
    .await;
    Box::new(planting)
}
