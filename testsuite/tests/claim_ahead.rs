//! With a ledger, the setup's middleware sends a finishing run's claim
//! together with the session's read, so that the finish handler does not
//! wait for a second exchange with the store. A claim nobody uses is
//! given back, and only a post that may finish a run is claimed ahead.

mod common;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{App, web};
use actix_wizard::{WizardSetup, ledger::Claim};
use common::Browser;
use common::ledger::LoggedLedger;
use common::slow::{INTRO, Probe, Slow};
use common::test_store::TestStore;

const ANN: &[(&str, &str)] = &[("name", "Ann")];

/// One instance of the slow wizard on `store`, finishing through `ledger`.
async fn instance(
    store: TestStore,
    ledger: &LoggedLedger,
) -> impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error> {
    let setup = WizardSetup::new(store, common::key(), common::config());
    let wizard = setup.wizard_with_ledger::<Slow>("/slow", ledger.clone());
    actix_web::test::init_service(
        App::new()
            .app_data(web::Data::new(Probe::default()))
            .wrap(setup.middleware())
            .service(wizard),
    )
    .await
}

/// One instance whose store logs its reads into the ledger's log.
async fn app(
    ledger: &LoggedLedger,
) -> impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error> {
    instance(TestStore::logging_into(ledger.log.clone()), ledger).await
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
async fn reach_last<S, B>(b: &mut Browser<'_, S>) -> String
where
    S: common::TestApp<B>,
    B: MessageBody,
{
    assert_eq!(b.get("/slow/intro").await.status, StatusCode::OK);
    b.post("/slow/intro", "next", INTRO)
        .await
        .assert_redirect("/slow/name");
    assert_eq!(b.get("/slow/name").await.status, StatusCode::OK);
    let cookie = b
        .cookie("slow_run")
        .unwrap_or_else(|| panic!("no visitor cookie"));
    cookie.split('.').next().unwrap_or_default().to_owned()
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
    let mut b = Browser::new(&app);
    let run = reach_last(&mut b).await;
    assert!(
        ledger.log.ledger_ops().is_empty(),
        "nothing claimed before the finish"
    );
    ledger.log.clear();

    b.post("/slow/name", "finish", ANN)
        .await
        .assert_redirect("/slow/complete");
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
    assert_eq!(b.get("/slow/complete").await.body, "Done, Ann");
}

#[actix_rt::test]
async fn a_post_to_the_last_step_that_does_not_finish_gives_its_claim_back() {
    let ledger = LoggedLedger::default();
    let app = app(&ledger).await;
    let mut b = Browser::new(&app);
    let run = reach_last(&mut b).await;

    // A refused form, a Back, and a form whose token is not the run's.
    let refused = b.post("/slow/name", "finish", &[("name", "")]).await;
    assert_ne!(refused.status, StatusCode::SEE_OTHER, "{refused:?}");
    b.post("/slow/name", "back", ANN)
        .await
        .assert_redirect("/slow/intro");
    b.token = "not-the-token".to_owned();
    let forged = b.post("/slow/name", "finish", ANN).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{forged:?}");

    let ops = ledger.log.ledger_ops();
    assert_eq!(count(&ops, &format!("claim {run}")), 3, "{ops:?}");
    assert_eq!(count(&ops, &format!("release {run}")), 3, "{ops:?}");
    assert!(ledger.runs().is_empty(), "a claim was left behind: {ops:?}");

    // The visitor can still finish.
    assert_eq!(b.get("/slow/name").await.status, StatusCode::OK);
    b.post("/slow/name", "finish", ANN)
        .await
        .assert_redirect("/slow/complete");
    assert_eq!(b.get("/slow/complete").await.body, "Done, Ann");
}

#[actix_rt::test]
async fn only_a_post_to_the_last_step_of_a_run_with_answers_is_claimed_ahead() {
    let ledger = LoggedLedger::default();
    let app = app(&ledger).await;

    // A visitor who only looked posts the last step: nothing to finish.
    let mut looking = Browser::new(&app);
    assert_eq!(looking.get("/slow/intro").await.status, StatusCode::OK);
    looking.post("/slow/name", "finish", ANN).await;
    // Pages, and posts to other steps.
    let mut b = Browser::new(&app);
    reach_last(&mut b).await;
    b.get("/slow/name").await;
    b.post("/slow/intro", "next", INTRO)
        .await
        .assert_redirect("/slow/name");
    assert_nothing_claimed(&ledger);

    // A visitor cookie this server did not sign is not trusted with one.
    let mut tampered = b.tab();
    let cookie = b.cookie("slow_run").unwrap_or_default().to_owned();
    let (unsigned, _) = cookie.rsplit_once('.').unwrap_or_default();
    tampered.set_cookie("slow_run", &format!("{unsigned}.AAAA"));
    tampered.post("/slow/name", "finish", ANN).await;
    assert_nothing_claimed(&ledger);
}

#[actix_rt::test]
async fn a_late_duplicate_on_another_instance_costs_one_ledger_exchange() {
    let ledger = LoggedLedger::default();
    // Two instances sharing the store and the ledger.
    let store = TestStore::default();
    let one = instance(store.clone(), &ledger).await;
    let two = instance(store, &ledger).await;
    let mut b = Browser::new(&one);
    let run = reach_last(&mut b).await;
    let mut old_cookies = b.tab();
    b.post("/slow/name", "finish", ANN)
        .await
        .assert_redirect("/slow/complete");
    recorded(&ledger, &run).await;

    // Sent before the first answer arrived, to the other instance: the
    // session it names is gone, and that instance never saw the run. The
    // claim sent ahead answers with the outcome: no lookup of its own.
    ledger.log.clear();
    old_cookies.switch_to(&two);
    old_cookies
        .post("/slow/name", "finish", ANN)
        .await
        .assert_redirect("/slow/complete");
    assert_eq!(ledger.log.ledger_ops(), vec![format!("claim {run}")]);
    assert_eq!(old_cookies.get("/slow/complete").await.body, "Done, Ann");
}
