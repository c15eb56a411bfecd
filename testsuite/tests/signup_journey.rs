//! Navigation, drafts, check answers, conditions, finishing and expiry of
//! the signup example, driven with the testing kit through the real
//! service and a browser's cookie jar.

mod common;

use std::time::Duration;

use actix_session::Session;
use actix_session::storage::CookieSessionStore;
use actix_web::{App, HttpResponse, web};
use actix_wizard::testing::{Answers, TestApp};
use actix_wizard::{MemoryStore, WizardSetup};
use common::app::{Account, AccountType, Accounts, Company, Profile, Review, Signup};
use common::kit::{
    account, assert_told_answers_expired, company, config, profile, reach_review, shared, signup,
    signup_on,
};
use common::test_store::TestStore;

const ACCEPT: Review = Review { accept_terms: true };

fn ann() -> Account {
    account("ann@example.com", AccountType::Personal)
}

fn ann_in_business() -> Account {
    account("ann@example.com", AccountType::Business)
}

#[actix_rt::test]
async fn the_entry_sends_visitors_to_the_first_step_not_done() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    assert_eq!(
        visitor.open("/signup").await.redirects(),
        ["/signup/account"]
    );
    assert_eq!(
        visitor.open("/").await.redirects(),
        ["/signup", "/signup/account"]
    );
    visitor.submit(&ann()).await.assert_step("profile");
    assert_eq!(
        visitor.open("/signup").await.redirects(),
        ["/signup/profile"]
    );
    visitor.submit(&profile()).await.assert_step("review");
    assert_eq!(
        visitor.open("/signup").await.redirects(),
        ["/signup/review"]
    );
}

#[actix_rt::test]
async fn nobody_skips_ahead_and_unknown_or_inactive_steps_are_404() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    for later in ["/signup/review", "/signup/profile"] {
        let page = visitor.open(later).await;
        assert_eq!(page.redirects(), ["/signup/account"], "{later}");
    }
    visitor.open("/signup/account").await;
    let skipped = visitor
        .post_to("/signup/review", "finish", &[("accept_terms", "yes")])
        .await;
    assert_eq!(skipped.redirects(), ["/signup/account"]);
    visitor.open("/signup/nonsense").await.assert_status(404);

    visitor.open("/signup/account").await;
    visitor.submit(&ann()).await.assert_step("profile");
    // company does not apply to a personal account
    let company = visitor.open("/signup/company").await;
    company.assert_status(404);
    assert_eq!(company.heading().as_deref(), Some("Page not found"));
    assert_eq!(
        visitor.open("/signup/review").await.redirects(),
        ["/signup/profile"]
    );
}

#[actix_rt::test]
async fn a_refresh_shows_the_stored_answers_without_passwords() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup").await;
    visitor.submit(&ann()).await;
    visitor.submit(&profile()).await.assert_step("review");

    let page = visitor.open("/signup/account").await;
    page.assert_status(200);
    assert_eq!(
        page.value(Account::EMAIL).as_deref(),
        Some("ann@example.com")
    );
    assert_eq!(page.value(Account::PASSWORD).as_deref(), Some(""));
    assert!(!page.body().contains("secret123"));
    assert_eq!(
        page.value(Account::ACCOUNT_TYPE).as_deref(),
        Some("personal")
    );
    let page = visitor.open("/signup/profile").await;
    assert_eq!(page.value(Profile::AGE).as_deref(), Some("34"));
    assert_eq!(page.values(Profile::INTERESTS), ["rust", "data"]);
    assert_eq!(page.value(Profile::NEWSLETTER).as_deref(), Some("yes"));
    assert_eq!(page.progress().as_deref(), Some("Step 2 of 3"));
    assert_eq!(
        page.value(Profile::BIO).as_deref(),
        Some("Hello <b>there</b>")
    );
}

#[actix_rt::test]
async fn back_keeps_a_draft_without_validating_it() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    let first = visitor.open("/signup/account").await;
    assert_eq!(
        first.buttons(),
        [("next".to_owned(), "Continue".to_owned())],
        "no Back on the first step"
    );
    let profile_page = visitor.submit(&ann()).await;
    assert!(
        profile_page
            .buttons()
            .contains(&("back".to_owned(), "Back".to_owned()))
    );
    visitor
        .press("back", &[("display_name", "Half typed"), ("age", "abc")])
        .await
        .assert_step("account");
    let again = visitor.open("/signup/profile").await;
    again.assert_status(200).assert_no_errors();
    assert_eq!(
        again.value(Profile::DISPLAY_NAME).as_deref(),
        Some("Half typed")
    );
    assert_eq!(again.value(Profile::AGE).as_deref(), Some("abc"));
    // The draft is not an answer: the step is still to be done.
    assert_eq!(
        visitor.open("/signup/review").await.redirects(),
        ["/signup/profile"]
    );

    // Back from a done step keeps its stored answers and shows the draft.
    visitor.submit(&profile()).await.assert_step("review");
    visitor.open("/signup/account").await;
    visitor
        .back_with(&account("typo@", AccountType::Personal))
        .await
        .assert_step("account");
    assert_eq!(
        visitor.page().value(Account::EMAIL).as_deref(),
        Some("typo@")
    );
    assert_eq!(
        visitor.open("/signup").await.redirects(),
        ["/signup/review"]
    );
}

#[actix_rt::test]
async fn review_lists_answers_and_change_returns_to_it() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    reach_review(&mut visitor, "ann@example.com").await;
    let review = visitor.page();
    let answers = review.answers();
    for (question, answer) in [
        ("Email address", "ann@example.com"),
        ("Account type", "Personal"),
        ("Display name", "Ann"),
        ("Age", "34"),
        ("Interests", "Rust, Data"),
        ("Bio", "Hello <b>there</b>"),
        ("Newsletter", "Yes"),
    ] {
        assert!(
            answers.contains(&(question.to_owned(), answer.to_owned())),
            "review lacks {question}: {answers:?}"
        );
    }
    assert!(!review.body().contains("secret123"));
    assert!(
        review
            .body()
            .contains(r#"href="/signup/account?change#email""#)
    );
    assert!(
        review
            .body()
            .contains(r#"href="/signup/profile?change#display_name""#)
    );
    assert!(
        review
            .buttons()
            .contains(&("finish".to_owned(), "Create account".to_owned()))
    );

    let change = visitor.open("/signup/profile?change").await;
    assert!(change.body().contains(r#"action="/signup/profile?change""#));
    let renamed = Profile {
        display_name: "Annie".into(),
        ..profile()
    };
    let back_at_review = visitor.submit(&renamed).await;
    back_at_review.assert_step("review");
    assert!(
        back_at_review
            .answers()
            .contains(&("Display name".into(), "Annie".into()))
    );
}

#[actix_rt::test]
async fn switching_account_type_adds_and_drops_the_company_step() {
    let (app, accounts) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup").await;
    let company_page = visitor.submit(&ann_in_business()).await;
    company_page.assert_step("company");
    assert_eq!(company_page.progress().as_deref(), Some("Step 2 of 4"));
    visitor.submit(&company()).await.assert_step("profile");
    let review = visitor.submit(&profile()).await;
    review.assert_step("review");
    assert!(
        review
            .answers()
            .contains(&("Company name".into(), "Acme Ltd".into()))
    );
    assert_eq!(review.progress().as_deref(), Some("Step 4 of 4"));

    // Personal now: the company step and its answers are gone.
    visitor.open("/signup/account?change").await;
    let review = visitor.submit(&ann()).await;
    review.assert_step("review");
    assert!(!review.body().contains("Acme Ltd"));
    assert_eq!(review.progress().as_deref(), Some("Step 3 of 3"));
    visitor.open("/signup/company").await.assert_status(404);

    // Business again: the company step must be answered anew first.
    visitor.open("/signup/account?change").await;
    let company_page = visitor.submit(&ann_in_business()).await;
    company_page.assert_step("company");
    assert_eq!(
        company_page.value(Company::COMPANY_NAME).as_deref(),
        Some("")
    );
    assert_eq!(
        visitor.open("/signup/review").await.redirects(),
        ["/signup/company"]
    );
    visitor.submit(&company()).await.assert_step("profile");
    assert_eq!(
        visitor.open("/signup").await.redirects(),
        ["/signup/review"]
    );
    visitor.submit(&ACCEPT).await.assert_complete();
    let created = accounts
        .get("ann@example.com")
        .await
        .unwrap_or_else(|| panic!("no account"));
    assert_eq!(created.business.as_deref(), Some("Acme Ltd"));
}

#[actix_rt::test]
async fn a_personal_signup_never_carries_company_answers() {
    let (app, accounts) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup").await;
    visitor.submit(&ann_in_business()).await;
    visitor.submit(&company()).await.assert_step("profile");
    visitor.open("/signup/account").await;
    visitor.submit(&ann()).await.assert_step("profile");
    visitor.submit(&profile()).await.assert_step("review");
    visitor.submit(&ACCEPT).await.assert_complete();
    let created = accounts
        .get("ann@example.com")
        .await
        .unwrap_or_else(|| panic!("no account"));
    assert_eq!(created.business, None);
}

#[actix_rt::test]
async fn finishing_creates_one_account_clears_state_and_ends_the_session() {
    let (app, accounts) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    reach_review(&mut visitor, "ann@example.com").await;
    let session_before = visitor.jar().get(common::SESSION).map(str::to_owned);
    let visitor_before = visitor.jar().get("signup_run").map(str::to_owned);
    let welcome = visitor.submit(&ACCEPT).await;
    welcome.assert_complete();
    assert_eq!(welcome.redirects(), ["/signup/complete"]);
    assert!(welcome.text().contains("Welcome, Ann"));
    assert_eq!(accounts.count().await, 1);
    assert!(session_before.is_some());
    assert_eq!(
        visitor.jar().get(common::SESSION),
        None,
        "the run was all the session held: it ended, its cookie removed"
    );
    let visitor_after = visitor.jar().get("signup_run").map(str::to_owned);
    assert!(
        visitor_after.is_some() && visitor_after != visitor_before,
        "the visitor cookie now says the run finished"
    );

    // The old session is gone: replaying it is a new, empty visit.
    let mut replay = app.visitor::<Signup>("/signup");
    if let Some(old) = &session_before {
        replay.jar().set(common::SESSION, old);
    }
    assert_eq!(
        replay.open("/signup/review").await.redirects(),
        ["/signup/account"]
    );

    // A new run starts empty.
    let fresh = visitor.open("/signup").await;
    fresh.assert_step("account");
    assert_eq!(fresh.value(Account::EMAIL).as_deref(), Some(""));
    assert_eq!(fresh.notice(), None);
    assert_ne!(
        visitor.jar().get("signup_run").map(str::to_owned),
        visitor_after,
        "a new run"
    );
    // Finishing again with a stale form does not create a second account.
    let stale = visitor
        .post_to("/signup/review", "finish", &[("accept_terms", "yes")])
        .await;
    assert_eq!(stale.redirects(), ["/signup/account"]);
    assert_eq!(accounts.count().await, 1);
}

#[actix_rt::test]
async fn finish_revalidates_and_sends_the_visitor_to_the_failing_step() {
    let (app, accounts) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    reach_review(&mut visitor, "ann@example.com").await;
    // Someone registers the same address meanwhile.
    let mut other = app.visitor::<Signup>("/signup");
    reach_review(&mut other, "ann@example.com").await;
    other.submit(&ACCEPT).await.assert_complete();
    assert_eq!(accounts.count().await, 1);

    let failed = visitor.submit(&ACCEPT).await;
    assert_eq!(failed.redirects(), ["/signup/account"]);
    failed.assert_status(200).assert_error(
        Account::EMAIL,
        "An account with this email address already exists",
    );
    assert!(failed.title().is_some_and(|t| t.starts_with("Error: ")));
    assert_eq!(
        visitor.open("/signup/review").await.redirects(),
        ["/signup/account"]
    );
    assert_eq!(accounts.count().await, 1);

    // A new address fixes it; the other answers are still there.
    visitor.open("/signup/account").await;
    visitor
        .submit(&account("ann2@example.com", AccountType::Personal))
        .await
        .assert_step("profile");
    assert_eq!(
        visitor.open("/signup").await.redirects(),
        ["/signup/review"]
    );
    visitor.submit(&ACCEPT).await.assert_complete();
    assert_eq!(accounts.count().await, 2);
}

#[actix_rt::test]
async fn two_finishes_at_once_create_one_account_and_both_land_on_complete() {
    let (app, accounts) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    reach_review(&mut visitor, "ann@example.com").await;
    let mut tab = visitor.tab();
    let (first, second) = futures_util::join!(visitor.submit(&ACCEPT), tab.submit(&ACCEPT));
    first.assert_complete();
    second.assert_complete();
    assert!(first.text().contains("Welcome, Ann") && second.text().contains("Welcome, Ann"));
    assert_eq!(accounts.count().await, 1);
    let run = visitor.run_id().unwrap_or_else(|| panic!("no run id"));
    assert_eq!(app.finishes(&run), 1);
}

#[actix_rt::test]
async fn after_the_idle_timeout_the_signup_restarts_with_a_notice() {
    let (app, _) = signup().await;
    // One visitor comes back with a GET, another posts a stale form.
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup").await;
    visitor.submit(&ann()).await.assert_step("profile");
    let mut stale = app.visitor::<Signup>("/signup");
    stale
        .start_with(Answers::new().with(&ann()))
        .await
        .assert_step("profile");
    // Thirty-one minutes later, by the wizard's clock.
    app.clock().advance(Duration::from_secs(31 * 60));

    let restart = visitor.open("/signup/profile").await;
    assert_eq!(restart.redirects(), ["/signup/account"]);
    restart.assert_status(200);
    assert_told_answers_expired(restart);
    assert_eq!(restart.value(Account::EMAIL).as_deref(), Some(""));
    // Shown once.
    assert_eq!(visitor.open("/signup/account").await.notice(), None);
    // A fresh visitor sees no notice.
    let mut new = app.visitor::<Signup>("/signup");
    assert_eq!(new.open("/signup/account").await.notice(), None);

    // The stale form is sent to the start and saves nothing.
    let sent_back = stale.submit(&profile()).await;
    assert_eq!(sent_back.redirects(), ["/signup/account"]);
    assert_told_answers_expired(sent_back);
    assert_eq!(
        stale.open("/signup/profile").await.redirects(),
        ["/signup/account"]
    );
}

#[actix_rt::test]
async fn the_cookie_store_resumes_after_a_restart_with_the_same_key() {
    let config = config().max_state_bytes(2500);
    let accounts = web::Data::new(Accounts::default());
    let before_restart = signup_on(
        CookieSessionStore::default,
        config.clone(),
        accounts.clone(),
    )
    .await;
    let mut visitor = before_restart.visitor::<Signup>("/signup");
    visitor.open("/signup").await;
    visitor.submit(&ann()).await.assert_step("profile");
    // A new application instance with the same key: the same browser
    // resumes where it was.
    let restarted = signup_on(CookieSessionStore::default, config, accounts).await;
    let mut resumed = visitor.moved_to(&restarted);
    assert_eq!(
        resumed.open("/signup").await.redirects(),
        ["/signup/profile"]
    );
    let page = resumed.open("/signup/account").await;
    assert_eq!(
        page.value(Account::EMAIL).as_deref(),
        Some("ann@example.com")
    );
}

#[actix_rt::test]
async fn coming_back_long_after_finishing_starts_afresh_without_an_expiry_notice() {
    // Two instances on one store, as after a restart: the second has no
    // record of the runs the first finished.
    let store = MemoryStore::default();
    let accounts = web::Data::new(Accounts::default());
    let before = signup_on(shared(store.clone()), config(), accounts.clone()).await;
    let after = signup_on(shared(store), config(), accounts).await;
    let mut visitor = before.visitor::<Signup>("/signup");
    reach_review(&mut visitor, "later@example.com").await;
    visitor.submit(&ACCEPT).await.assert_complete();
    // Long after: the session holding the outcome is gone too.
    visitor.jar().remove(common::SESSION);
    let mut later = visitor.moved_to(&after);
    let page = later.open("/signup").await;
    assert_eq!(page.redirects(), ["/signup/account"]);
    page.assert_status(200);
    assert_eq!(page.notice(), None, "{}", page.describe());
    assert_eq!(page.value(Account::EMAIL).as_deref(), Some(""));
}

#[actix_rt::test]
async fn an_ended_session_costs_one_delete_and_the_completion_page_no_read() {
    let store = TestStore::default();
    let accounts = web::Data::new(Accounts::default());
    let app = signup_on(shared(store.clone()), config(), accounts).await;
    let mut visitor = app.visitor::<Signup>("/signup");
    reach_review(&mut visitor, "ann@example.com").await;
    let (reads, writes) = (store.reads(), store.writes());
    let welcome = visitor.submit(&ACCEPT).await;
    welcome.assert_complete();
    assert!(welcome.text().contains("Welcome, Ann"));
    // The finish read the session and deleted it (a renewal would also
    // have saved a new one); the completion page read nothing.
    assert_eq!(store.reads() - reads, 1, "session reads");
    assert_eq!(store.writes() - writes, 1, "session writes");
    // Reloading the completion page still greets, still without the store.
    let again = visitor.open("/signup/complete").await;
    again.assert_complete();
    assert!(again.text().contains("Welcome, Ann"));
    assert_eq!(store.reads() - reads, 1);
    assert_eq!(store.writes() - writes, 1);
}

#[actix_rt::test]
async fn what_the_application_keeps_in_the_session_survives_the_finish_under_a_new_id() {
    let store = TestStore::default();
    let accounts = web::Data::new(Accounts::default());
    let setup = WizardSetup::with_store_factory(shared(store.clone()), common::key(), config());
    let app = TestApp::new(setup, move |setup| {
        App::new()
            .wrap(setup.middleware())
            .route(
                "/theme/dark",
                web::get().to(|session: Session| async move {
                    match session.insert("theme", "dark") {
                        Ok(()) => HttpResponse::Ok().body("kept"),
                        Err(_) => HttpResponse::InternalServerError().finish(),
                    }
                }),
            )
            .route(
                "/theme",
                web::get().to(|session: Session| async move {
                    let theme = session.get::<String>("theme").ok().flatten();
                    HttpResponse::Ok().body(theme.unwrap_or_else(|| "none".to_owned()))
                }),
            )
            .configure(common::app::routes(
                setup.wizard("/signup"),
                accounts.clone(),
            ))
    })
    .await;
    let mut visitor = app.visitor::<Signup>("/signup");
    assert_eq!(visitor.open("/theme/dark").await.text(), "kept");
    // Answered as a browser does (`start_with` would plant a session of
    // its own).
    visitor.open("/signup").await;
    visitor.submit(&ann()).await.assert_step("profile");
    visitor.submit(&profile()).await.assert_step("review");
    let before = visitor.jar().get(common::SESSION).map(str::to_owned);
    assert!(before.is_some());
    let welcome = visitor.submit(&ACCEPT).await;
    welcome.assert_complete();
    assert!(welcome.text().contains("Welcome, Ann"));
    let after = visitor.jar().get(common::SESSION).map(str::to_owned);
    assert!(
        after.is_some() && after != before,
        "the session id is renewed"
    );
    assert_eq!(visitor.open("/theme").await.text(), "dark");
    // The completion page reads the outcome kept beside the theme.
    let again = visitor.open("/signup/complete").await;
    assert!(again.text().contains("Welcome, Ann"));
    // The old id is gone with its answers.
    let mut replay = app.visitor::<Signup>("/signup");
    if let Some(old) = &before {
        replay.jar().set(common::SESSION, old);
    }
    assert_eq!(replay.open("/theme").await.text(), "none");
}
