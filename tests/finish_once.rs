//! Framework-level guarantees with a wizard of its own: finishing runs once
//! even when duplicates truly overlap, and declaration mistakes fail at
//! start-up.

mod common;

use std::sync::atomic::Ordering;

use actix_web::{App, web};
use actix_wizard::{
    CompletePage, Finish, FinishError, MemoryStore, Page, Step, Steps, StoreOutage, Wizard,
    WizardService, session_middleware,
};
use common::Browser;
use common::slow::{Name, Probe, Slow};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[actix_rt::test]
async fn overlapping_duplicate_finishes_run_the_handler_once() {
    let config = common::config();
    let probe = web::Data::new(Probe::default());
    let app = actix_web::test::init_service(
        App::new()
            .app_data(probe.clone())
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
    assert_eq!(probe.finishes.load(Ordering::SeqCst), 1);
    assert!(
        probe.overlapped.load(Ordering::SeqCst),
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
