//! Framework-level guarantees with a wizard of its own: a run finishes
//! once, and every duplicate gets the first one's result, whether it
//! arrives before the finish handler (during the last step's check),
//! during it, or after it; and declaration mistakes fail at start-up.
//!
//! The test wizard's last step's check reads what its finish wrote, so a
//! duplicate that validated on its own would see the first one's side
//! effect ("That name is taken") and show the wrong page.

mod common;

use std::sync::atomic::Ordering;

use actix_web::{App, web};
use actix_wizard::testing::{Seen, TestApp, Visitor};
use actix_wizard::{
    Finish, FinishError, MemoryStore, Step, Steps, Wizard, WizardConfig, WizardService,
    WizardSetup, page::CompletePage, page::Page,
};
use common::ledger::LoggedLedger;
use common::slow::{Ending, Gate, INTRO, Probe, Slow};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// The slow wizard, finishing once in this process or, with `ledger`,
/// across instances (its claim then goes out with the session's read).
async fn slow_app(probe: web::Data<Probe>, ledger: Option<LoggedLedger>) -> TestApp {
    let setup = WizardSetup::new(MemoryStore::default(), common::key(), common::config());
    TestApp::new(setup, move |setup| {
        let wizard = match ledger {
            Some(ledger) => setup.wizard_with_ledger::<Slow>("/slow", ledger),
            None => setup.wizard::<Slow>("/slow"),
        };
        App::new()
            .app_data(probe)
            .wrap(setup.middleware())
            .service(wizard)
    })
    .await
}

/// Each test runs without a ledger and with one.
fn ledgers() -> [Option<LoggedLedger>; 2] {
    [None, Some(LoggedLedger::default())]
}

/// The first finish held in the last check, then in the handler, each
/// without a ledger and with one.
fn gates_and_ledgers() -> impl Iterator<Item = (Gate, Option<LoggedLedger>)> {
    [Gate::InCheck, Gate::InFinish]
        .into_iter()
        .flat_map(|gate| ledgers().map(|ledger| (gate, ledger)))
}

/// Intro done, the last step's form shown (with its token).
async fn reach_last(b: &mut Visitor<'_, Slow>) {
    b.open("/slow/intro").await.assert_status(200);
    b.submit_pairs(INTRO).await.assert_step("name");
}

/// The same browser as `b`, with a copy of its cookies as they are now
/// and the last step's page: a request sent before `b`'s next answer
/// arrived.
async fn with_cookies_as_now<'a>(app: &'a TestApp, b: &Visitor<'_, Slow>) -> Visitor<'a, Slow> {
    let mut old = app.visitor::<Slow>("/slow");
    *old.jar() = b.jar().clone();
    old.open("/slow/name").await.assert_status(200);
    old
}

/// Whether `page` was reached by a redirect to `path`.
#[track_caller]
fn assert_led_to(page: &Seen, path: &str) {
    assert_eq!(
        page.redirects().first().map(String::as_str),
        Some(path),
        "{}",
        page.describe()
    );
}

const ANN: &[(&str, &str)] = &[("name", "Ann")];

/// Two finishes of one run, the second sent while the first is held at
/// `gate`: both get the first one's result.
async fn double_finish(
    gate: Gate,
    ending: Ending,
    ledger: Option<LoggedLedger>,
) -> (web::Data<Probe>, [Seen; 4]) {
    let probe = web::Data::new(Probe::with(gate, ending));
    let _events = probe.events.watch();
    let app = slow_app(probe.clone(), ledger).await;
    let mut b = app.visitor::<Slow>("/slow");
    reach_last(&mut b).await;
    let mut tab = b.tab();
    let (first, second) = futures_util::join!(b.submit_pairs(ANN), tab.submit_pairs(ANN));
    let (first, second) = (first.clone(), second.clone());
    assert!(
        probe.overlapped.load(Ordering::SeqCst),
        "the duplicate did not arrive while the first was held"
    );
    assert_eq!(probe.finishes.load(Ordering::SeqCst), 1, "finish ran once");
    assert_eq!(
        probe.checks.load(Ordering::SeqCst),
        1,
        "the last check ran once"
    );
    let next = match ending {
        Ending::Succeed => "/slow/complete",
        Ending::Invalid => "/slow/intro",
        Ending::Fail => "/slow/name",
    };
    let after_first = b.open(next).await.clone();
    let after_second = tab.open(next).await.clone();
    (probe, [first, second, after_first, after_second])
}

/// Both finishes answered with the completion page, and each tab's next
/// page greets the visitor.
#[track_caller]
fn assert_both_completed([first, second, page_one, page_two]: [Seen; 4]) {
    assert_led_to(&first, "/slow/complete");
    assert_led_to(&second, "/slow/complete");
    assert_eq!(page_one.body(), "Done, Ann");
    assert_eq!(page_two.body(), "Done, Ann");
}

#[actix_rt::test]
async fn a_duplicate_arriving_during_the_last_check_gets_the_completion_page() {
    for ledger in ledgers() {
        let (probe, pages) = double_finish(Gate::InCheck, Ending::Succeed, ledger).await;
        assert_both_completed(pages);
        assert!(probe.is_taken("Ann"));
    }
}

#[actix_rt::test]
async fn a_duplicate_arriving_during_the_finish_handler_gets_the_completion_page() {
    for ledger in ledgers() {
        let (_, pages) = double_finish(Gate::InFinish, Ending::Succeed, ledger).await;
        assert_both_completed(pages);
    }
}

#[actix_rt::test]
async fn a_duplicate_of_a_finish_found_invalid_gets_the_same_failing_step() {
    for (gate, ledger) in gates_and_ledgers() {
        let (_, [first, second, page_one, page_two]) =
            double_finish(gate, Ending::Invalid, ledger).await;
        assert_led_to(&first, "/slow/intro");
        assert_led_to(&second, "/slow/intro");
        for page in [page_one, page_two] {
            page.assert_status(200);
            assert!(
                page.body().contains("Rejected at finish"),
                "{gate:?}: {}",
                page.body()
            );
        }
    }
}

#[actix_rt::test]
async fn a_duplicate_of_a_failed_finish_gets_the_same_page_and_a_retry_succeeds() {
    for (gate, ledger) in gates_and_ledgers() {
        let probe = web::Data::new(Probe::with(gate, Ending::Fail));
        let _events = probe.events.watch();
        let app = slow_app(probe.clone(), ledger).await;
        let mut b = app.visitor::<Slow>("/slow");
        reach_last(&mut b).await;
        let mut tab = b.tab();
        let (first, second) = futures_util::join!(b.submit_pairs(ANN), tab.submit_pairs(ANN));
        for reply in [first, second] {
            assert_eq!(reply.status().as_u16(), 500, "{gate:?}");
            assert!(reply.body().contains("Your answers are safe"));
        }
        assert!(probe.overlapped.load(Ordering::SeqCst));
        assert_eq!(probe.finishes.load(Ordering::SeqCst), 1);

        // The answers were kept: the page shows them, and a retry works.
        *probe.gate.lock().unwrap_or_else(|p| p.into_inner()) = Gate::Open;
        *probe.ending.lock().unwrap_or_else(|p| p.into_inner()) = Ending::Succeed;
        b.open("/slow/name").await.assert_status(200);
        assert_led_to(b.submit_pairs(ANN).await, "/slow/complete");
        assert_eq!(probe.finishes.load(Ordering::SeqCst), 2);
        assert_eq!(b.open("/slow/complete").await.body(), "Done, Ann");
    }
}

#[actix_rt::test]
async fn a_duplicate_arriving_after_the_finish_gets_its_completion_page() {
    for ledger in ledgers() {
        duplicate_after_the_finish(ledger).await;
    }
}

async fn duplicate_after_the_finish(ledger: Option<LoggedLedger>) {
    let probe = web::Data::new(Probe::default());
    let app = slow_app(probe.clone(), ledger).await;
    let mut b = app.visitor::<Slow>("/slow");
    reach_last(&mut b).await;
    // Sent together, processed one after the other: the second carries
    // the old cookies, whose session the first renewed away.
    let mut old_cookies = with_cookies_as_now(&app, &b).await;
    assert_led_to(b.submit_pairs(ANN).await, "/slow/complete");
    assert_led_to(old_cookies.submit_pairs(ANN).await, "/slow/complete");
    assert_eq!(old_cookies.open("/slow/complete").await.body(), "Done, Ann");
    // Pressed again once the first answer arrived: the renewed cookies.
    assert_led_to(
        b.post_to("/slow/name", "finish", ANN).await,
        "/slow/complete",
    );
    assert_eq!(b.open("/slow/complete").await.body(), "Done, Ann");
    assert_eq!(probe.finishes.load(Ordering::SeqCst), 1);
    assert_eq!(
        probe.checks.load(Ordering::SeqCst),
        1,
        "no duplicate checked"
    );
}

#[actix_rt::test]
async fn a_duplicate_arriving_after_an_invalid_finish_gets_the_failing_step() {
    for ledger in ledgers() {
        duplicate_after_an_invalid_finish(ledger).await;
    }
}

async fn duplicate_after_an_invalid_finish(ledger: Option<LoggedLedger>) {
    let probe = web::Data::new(Probe::with(Gate::Open, Ending::Invalid));
    let app = slow_app(probe.clone(), ledger).await;
    let mut b = app.visitor::<Slow>("/slow");
    reach_last(&mut b).await;
    let mut tab = with_cookies_as_now(&app, &b).await;
    assert_led_to(b.submit_pairs(ANN).await, "/slow/intro");
    let duplicate = tab.submit_pairs(ANN).await;
    assert_led_to(duplicate, "/slow/intro");
    assert!(duplicate.body().contains("Rejected at finish"));
    assert_eq!(probe.finishes.load(Ordering::SeqCst), 1);
}

/// A wizard for a start-up check: its id and its steps, nothing else.
macro_rules! test_wizard {
    ($name:ident, $id:literal, { $($field:ident: $step:ty),+ }) => {
        test_wizard!($name, $id, { $($field: $step),+ }, finishing with Ok(()));
    };
    ($name:ident, $id:literal, { $($field:ident: $step:ty),+ }, finishing with $finished:expr) => {
        #[derive(Default)]
        struct $name {
            $($field: $step),+
        }

        impl Wizard for $name {
            const ID: &'static str = $id;
            type Outcome = ();
            fn steps() -> Steps<Self> {
                Steps::<Self>::new()$(.step(|w| &mut w.$field))+
            }
            async fn finish(self, _: &Finish) -> Result<(), FinishError> {
                $finished
            }
            fn render_complete(_: &(), _: &CompletePage<'_>) -> Result<String, askama::Error> {
                Ok(String::new())
            }
        }
    };
}

test_wizard!(Twice, "twice", { first: common::slow::Name, second: common::slow::Name });

#[test]
#[should_panic(expected = "wizard step name `name` is declared twice")]
fn a_duplicate_step_name_fails_at_start_up() {
    let _ = WizardService::<Twice>::new("/twice", common::config());
}

#[derive(Debug, Default, Serialize, Deserialize, Validate)]
struct Nested {
    inner: common::slow::Name,
}

impl Step for Nested {
    const NAME: &'static str = "nested";
    const TITLE: &'static str = "Nested";
    fn render(_: &Page<'_>) -> Result<String, askama::Error> {
        Ok(String::new())
    }
}

test_wizard!(Unreadable, "unreadable", { nested: Nested });

#[test]
#[should_panic(expected = "wizard step `nested` cannot be read from a form")]
fn a_step_with_a_nested_struct_fails_at_start_up() {
    let _ = WizardService::<Unreadable>::new("/u", common::config());
}

// A wizard whose id cannot name a cookie.
test_wizard!(BadId, "Sign Up", { intro: common::slow::Intro });

#[test]
#[should_panic(expected = "wizard id `Sign Up` must be lowercase letters")]
fn a_wizard_id_that_cannot_name_a_cookie_fails_at_start_up() {
    let _ = WizardService::<BadId>::new("/bad", WizardConfig::default());
}

// Another wizard type claiming the test wizard's id.
test_wizard!(Impostor, "slow", { intro: common::slow::Intro });

#[test]
#[should_panic(expected = "wizard id `slow` is used by two different wizards")]
fn two_wizards_with_one_id_fail_at_start_up() {
    let _ = WizardService::<Slow>::new("/slow", common::config());
    let _ = WizardService::<Impostor>::new("/other", common::config());
}

// A wizard whose finish handler names a step it does not declare.
test_wizard!(Misnamed, "misnamed", { intro: common::slow::Intro },
    finishing with Err(FinishError::invalid("no-such-step", "topic", "Never shown")));

#[actix_rt::test]
async fn a_finish_error_naming_an_unknown_step_is_a_failure_not_a_guess() {
    let setup = WizardSetup::new(MemoryStore::default(), common::key(), common::config());
    let app = TestApp::new(setup, |setup| {
        App::new()
            .wrap(setup.middleware())
            .service(setup.wizard::<Misnamed>("/misnamed"))
    })
    .await;
    let mut b = app.visitor::<Misnamed>("/misnamed");
    b.open("/misnamed/intro").await.assert_status(200);
    let reply = b.post_to("/misnamed/intro", "finish", INTRO).await;
    reply.assert_status(500);
    assert!(
        reply.body().contains("Your answers are safe"),
        "{}",
        reply.body()
    );
    // The answers are kept: the step is still there, nobody was sent to
    // another step.
    let entry = b.fetch("/misnamed", |r| r).await;
    assert_eq!(entry.header("location"), Some("/misnamed/intro"));
    b.open("/misnamed/intro").await.assert_status(200);
}
