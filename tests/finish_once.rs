//! Framework-level guarantees with a wizard of its own: finishing runs once
//! even when duplicates truly overlap, and declaration mistakes fail at
//! start-up.

mod common;

use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::{App, HttpRequest};
use actix_wizard::{
    CompletePage, FieldErrors, Finish, FinishError, MemoryStore, Page, Step, Steps, StoreOutage,
    Wizard, WizardService, session_middleware,
};
use common::Browser;
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use validator::Validate;

static FINISHES: AtomicUsize = AtomicUsize::new(0);
/// Calls of the step's async check: each finishing request makes two (on
/// submit, then when re-validating), so a third means a second request
/// arrived.
static CHECKS: AtomicUsize = AtomicUsize::new(0);
static SECOND_ARRIVED: LazyLock<Notify> = LazyLock::new(Notify::new);
static OVERLAPPED: AtomicBool = AtomicBool::new(false);

#[derive(Debug, Default, Serialize, Deserialize, Validate)]
struct Name {
    #[validate(length(min = 1))]
    name: String,
}

impl Step for Name {
    const NAME: &'static str = "name";
    const TITLE: &'static str = "Your name";
    fn render(page: &Page<'_>) -> Result<String, askama::Error> {
        Ok(format!(
            "<form>{}{}</form>",
            page.hidden_fields(),
            page.error_summary()
        ))
    }
    async fn check(&self, _request: &HttpRequest) -> FieldErrors {
        if CHECKS.fetch_add(1, Ordering::SeqCst) + 1 == 3 {
            SECOND_ARRIVED.notify_one();
        }
        FieldErrors::new()
    }
}

#[derive(Default)]
struct Slow {
    name: Name,
}

impl Wizard for Slow {
    const ID: &'static str = "slow";
    type Outcome = String;
    fn steps() -> Steps<Self> {
        Steps::<Self>::new().step(|w| &mut w.name)
    }
    async fn finish(self, finish: &Finish) -> Result<String, FinishError> {
        assert_eq!(finish.run().len(), 32);
        // Stay inside the handler until the duplicate has arrived (or give
        // up after a while, which the test then reports).
        let waited = tokio::time::timeout(Duration::from_secs(5), SECOND_ARRIVED.notified()).await;
        OVERLAPPED.store(waited.is_ok(), Ordering::SeqCst);
        FINISHES.fetch_add(1, Ordering::SeqCst);
        Ok(self.name.name)
    }
    fn render_complete(name: &String, _: &CompletePage<'_>) -> Result<String, askama::Error> {
        Ok(format!("Done, {name}"))
    }
}

#[actix_rt::test]
async fn overlapping_duplicate_finishes_run_the_handler_once() {
    let config = common::config();
    let app = actix_web::test::init_service(
        App::new()
            .wrap(session_middleware(
                MemoryStore::default(),
                common::key(),
                &config,
            ))
            .wrap(StoreOutage)
            .service(WizardService::<Slow>::new("/slow", config.clone())),
    )
    .await;
    let mut b = Browser::new(&app);
    b.get("/slow/name").await;
    let mut tab = b.tab();
    let fields = [("name", "Ann")];
    let (first, second) = futures_util::join!(
        b.post("/slow/name", "finish", &fields),
        tab.post("/slow/name", "finish", &fields)
    );
    first.assert_redirect("/slow/complete");
    second.assert_redirect("/slow/complete");
    assert_eq!(FINISHES.load(Ordering::SeqCst), 1);
    assert!(
        OVERLAPPED.load(Ordering::SeqCst),
        "the duplicate arrived only after the first finish had returned"
    );
    assert_eq!(b.get("/slow/complete").await.body, "Done, Ann");
    assert_eq!(tab.get("/slow/complete").await.body, "Done, Ann");
}

#[derive(Default)]
struct Twice {
    first: Name,
    second: Name,
}

impl Wizard for Twice {
    const ID: &'static str = "twice";
    type Outcome = ();
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|w| &mut w.first)
            .step(|w| &mut w.second)
    }
    async fn finish(self, _: &Finish) -> Result<(), FinishError> {
        Ok(())
    }
    fn render_complete(_: &(), _: &CompletePage<'_>) -> Result<String, askama::Error> {
        Ok(String::new())
    }
}

#[test]
#[should_panic(expected = "wizard step name `name` is declared twice")]
fn a_duplicate_step_name_fails_at_start_up() {
    let _ = WizardService::<Twice>::new("/twice", common::config());
}

#[derive(Debug, Default, Serialize, Deserialize, Validate)]
struct Nested {
    inner: Name,
}

impl Step for Nested {
    const NAME: &'static str = "nested";
    const TITLE: &'static str = "Nested";
    fn render(_: &Page<'_>) -> Result<String, askama::Error> {
        Ok(String::new())
    }
}

#[derive(Default)]
struct Unreadable {
    nested: Nested,
}

impl Wizard for Unreadable {
    const ID: &'static str = "unreadable";
    type Outcome = ();
    fn steps() -> Steps<Self> {
        Steps::<Self>::new().step(|w| &mut w.nested)
    }
    async fn finish(self, _: &Finish) -> Result<(), FinishError> {
        Ok(())
    }
    fn render_complete(_: &(), _: &CompletePage<'_>) -> Result<String, askama::Error> {
        Ok(String::new())
    }
}

#[test]
#[should_panic(expected = "wizard step `nested` cannot be read from a form")]
fn a_step_with_a_nested_struct_fails_at_start_up() {
    let _ = WizardService::<Unreadable>::new("/u", common::config());
}
