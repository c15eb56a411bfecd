//! With a ledger, the setup's middleware sends a finishing run's claim
//! together with the session's read, so that the finish handler does not
//! wait for a second exchange with the store. A claim nobody uses is
//! given back, and only a post that may finish a run is claimed ahead.

mod common;

use actix_web::http::Method;
use actix_web::{App, web};
use actix_wizard::testing::{Seen, TestApp, Visitor};
use actix_wizard::{WizardSetup, ledger::Claim};
use common::ledger::LoggedLedger;
use common::slow::{INTRO, Probe, Slow};
use common::test_store::TestStore;

const ANN: &[(&str, &str)] = &[("name", "Ann")];

/// One instance of the slow wizard on `store`, finishing through `ledger`.
async fn instance(store: TestStore, ledger: &LoggedLedger) -> TestApp {
    let setup = WizardSetup::new(store, common::key(), common::config());
    let ledger = ledger.clone();
    TestApp::new(setup, move |setup| {
        App::new()
            .app_data(web::Data::new(Probe::default()))
            .wrap(setup.middleware())
            .service(setup.wizard_with_ledger::<Slow>("/slow", ledger))
    })
    .await
}

/// One instance whose store logs its reads into the ledger's log.
async fn app(ledger: &LoggedLedger) -> TestApp {
    instance(TestStore::logging_into(ledger.log.clone()), ledger).await
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

/// Waits until the ledger holds `run`'s outcome (recorded beside the
/// answer, so possibly just after it).
async fn recorded(ledger: &LoggedLedger, run: &str) {
    common::wait::until("the outcome is recorded in the ledger", || {
        let done = matches!(ledger.peek(run), Some(Claim::Done(_)));
        async move { done }
    })
    .await;
}

/// How often `entry` was logged.
fn count(entries: &[String], entry: &str) -> usize {
    entries.iter().filter(|e| *e == entry).count()
}

/// Fails unless the ledger was asked nothing.
fn assert_nothing_claimed(ledger: &LoggedLedger) {
    let ops = ledger.log.ledger_ops();
    assert!(ops.is_empty(), "{ops:?}");
}

/// The intro done, the last step shown; gives the run's id (from the
/// visitor cookie, `run.token.stage.signature`).
async fn reach_last(b: &mut Visitor<'_, Slow>) -> String {
    b.open("/slow/intro").await.assert_status(200);
    b.submit_pairs(INTRO).await.assert_step("name");
    b.run_id().unwrap_or_else(|| panic!("no visitor cookie"))
}

fn position(entries: &[String], entry: &str) -> usize {
    entries
        .iter()
        .position(|e| e == entry)
        .unwrap_or_else(|| panic!("`{entry}` not in {entries:?}"))
}

#[actix_rt::test]
async fn a_finish_claims_its_run_while_the_session_loads() {
    let ledger = LoggedLedger::default();
    let app = app(&ledger).await;
    let mut b = app.visitor::<Slow>("/slow");
    let run = reach_last(&mut b).await;
    assert!(
        ledger.log.ledger_ops().is_empty(),
        "nothing claimed before the finish"
    );
    ledger.log.clear();

    assert_led_to(b.submit_pairs(ANN).await, "/slow/complete");
    let entries = ledger.log.entries();
    let claim = position(&entries, &format!("claim {run}"));
    assert!(
        claim < position(&entries, "load ends"),
        "the claim went out only after the session was read: {entries:?}"
    );
    assert_eq!(
        entries.iter().filter(|e| e.starts_with("claim")).count(),
        1,
        "the finish claimed again after the session was read: {entries:?}"
    );
    recorded(&ledger, &run).await;
    assert_eq!(b.open("/slow/complete").await.body(), "Done, Ann");
}

#[actix_rt::test]
async fn a_post_to_the_last_step_that_does_not_finish_gives_its_claim_back() {
    let ledger = LoggedLedger::default();
    let app = app(&ledger).await;
    let mut b = app.visitor::<Slow>("/slow");
    let run = reach_last(&mut b).await;

    // A refused form, a Back, and a form whose token is not the run's.
    let refused = b.submit_pairs(&[("name", "")]).await;
    assert!(!refused.was_redirected(), "{}", refused.describe());
    b.open("/slow/name").await;
    assert_led_to(b.press("back", ANN).await, "/slow/intro");
    let forged = b
        .fetch("/slow/name", |r| {
            r.method(Method::POST)
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .set_payload("csrf_token=not-the-token&name=Ann&action=finish")
        })
        .await;
    forged.assert_status(403);

    let ops = ledger.log.ledger_ops();
    assert_eq!(count(&ops, &format!("claim {run}")), 3, "{ops:?}");
    assert_eq!(count(&ops, &format!("release {run}")), 3, "{ops:?}");
    assert!(ledger.runs().is_empty(), "a claim was left behind: {ops:?}");

    // The visitor can still finish.
    b.open("/slow/name").await.assert_status(200);
    assert_led_to(b.submit_pairs(ANN).await, "/slow/complete");
    assert_eq!(b.open("/slow/complete").await.body(), "Done, Ann");
}

#[actix_rt::test]
async fn only_a_post_to_the_last_step_of_a_run_with_answers_is_claimed_ahead() {
    let ledger = LoggedLedger::default();
    let app = app(&ledger).await;

    // A visitor who only looked posts the last step: nothing to finish.
    let mut looking = app.visitor::<Slow>("/slow");
    looking.open("/slow/intro").await.assert_status(200);
    looking.post_to("/slow/name", "finish", ANN).await;
    // Pages, and posts to other steps.
    let mut b = app.visitor::<Slow>("/slow");
    reach_last(&mut b).await;
    b.open("/slow/name").await;
    assert_led_to(b.post_to("/slow/intro", "next", INTRO).await, "/slow/name");
    assert_nothing_claimed(&ledger);

    // A visitor cookie this server did not sign is not trusted with one.
    let mut tampered = app.visitor::<Slow>("/slow");
    let cookies = b.jar().clone();
    *tampered.jar() = cookies;
    tampered.open("/slow/name").await;
    let cookie = b.jar().get("slow_run").unwrap_or_default().to_owned();
    let (unsigned, _) = cookie.rsplit_once('.').unwrap_or_default();
    tampered.jar().set("slow_run", &format!("{unsigned}.AAAA"));
    tampered.post_to("/slow/name", "finish", ANN).await;
    assert_nothing_claimed(&ledger);
}

#[actix_rt::test]
async fn a_late_duplicate_on_another_instance_costs_one_ledger_exchange() {
    let ledger = LoggedLedger::default();
    // Two instances sharing the store and the ledger.
    let store = TestStore::default();
    let one = instance(store.clone(), &ledger).await;
    let two = instance(store, &ledger).await;
    let mut b = one.visitor::<Slow>("/slow");
    let run = reach_last(&mut b).await;
    // The same browser's request sent before the first answer arrived,
    // to the other instance: the cookies as they are now.
    let mut old_cookies = two.visitor::<Slow>("/slow");
    let cookies = b.jar().clone();
    *old_cookies.jar() = cookies;
    old_cookies.open("/slow/name").await.assert_status(200);
    assert_led_to(b.submit_pairs(ANN).await, "/slow/complete");
    recorded(&ledger, &run).await;

    // The session it names is gone, and that instance never saw the run.
    // The claim sent ahead answers with the outcome: no lookup of its own.
    ledger.log.clear();
    let token = old_cookies.page().csrf_token().unwrap_or_default();
    let answer = old_cookies
        .fetch("/slow/name", |r| {
            r.method(Method::POST)
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .set_payload(format!("csrf_token={token}&name=Ann&action=finish"))
        })
        .await;
    answer.assert_status(303);
    assert_eq!(answer.header("location"), Some("/slow/complete"));
    assert_eq!(ledger.log.ledger_ops(), vec![format!("claim {run}")]);
    assert_eq!(old_cookies.open("/slow/complete").await.body(), "Done, Ann");
}
