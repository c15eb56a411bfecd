//! Navigation, drafts, check answers, conditions, finishing and expiry of
//! the signup example, through the real service with a cookie jar.

mod common;

use std::time::Duration;

use actix_session::storage::CookieSessionStore;
use actix_web::http::StatusCode;
use actix_wizard::MemoryStore;
use common::{ACCOUNT_OK, Browser, COMPANY_OK, PROFILE_OK};

#[actix_rt::test]
async fn the_entry_sends_visitors_to_the_first_step_not_done() {
    let (app, _) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    b.get("/signup").await.assert_redirect("/signup/account");
    b.get("/").await.assert_redirect("/signup");
    b.complete_step("account", ACCOUNT_OK, "/signup/profile")
        .await;
    b.get("/signup").await.assert_redirect("/signup/profile");
    b.complete_step("profile", PROFILE_OK, "/signup/review")
        .await;
    b.get("/signup").await.assert_redirect("/signup/review");
}

#[actix_rt::test]
async fn nobody_skips_ahead_and_unknown_or_inactive_steps_are_404() {
    let (app, _) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    b.get("/signup/review")
        .await
        .assert_redirect("/signup/account");
    b.get("/signup/profile")
        .await
        .assert_redirect("/signup/account");
    b.get("/signup/account").await;
    let skipped = b
        .post("/signup/review", "finish", &[("accept_terms", "yes")])
        .await;
    skipped.assert_redirect("/signup/account");
    assert_eq!(
        b.get("/signup/nonsense").await.status,
        StatusCode::NOT_FOUND
    );
    b.complete_step("account", ACCOUNT_OK, "/signup/profile")
        .await;
    // company does not apply to a personal account
    let company = b.get("/signup/company").await;
    assert_eq!(company.status, StatusCode::NOT_FOUND);
    assert!(company.body.contains("<h1>Page not found</h1>"));
    b.get("/signup/review")
        .await
        .assert_redirect("/signup/profile");
}

#[actix_rt::test]
async fn a_refresh_shows_the_stored_answers_without_passwords() {
    let (app, _) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    b.complete_step("account", ACCOUNT_OK, "/signup/profile")
        .await;
    b.complete_step("profile", PROFILE_OK, "/signup/review")
        .await;
    let account = b.get("/signup/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert_eq!(
        account.input_value("email").as_deref(),
        Some("ann@example.com")
    );
    assert_eq!(account.input_value("password").as_deref(), Some(""));
    assert!(!account.body.contains("secret123"));
    assert!(account.is_checked("account_type"));
    let profile = b.get("/signup/profile").await;
    assert_eq!(profile.input_value("age").as_deref(), Some("34"));
    assert!(profile.is_checked("interests") && profile.is_checked("interests-web"));
    assert!(profile.is_checked("newsletter"));
    assert!(profile.body.contains("Step 2 of 3"));
    assert!(profile.body.contains(">Hello</textarea>"));
}

#[actix_rt::test]
async fn back_keeps_a_draft_without_validating_it() {
    let (app, _) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    let account = b.get("/signup/account").await;
    assert!(
        !account.body.contains(r#"value="back""#),
        "no Back on the first step"
    );
    b.complete_step("account", ACCOUNT_OK, "/signup/profile")
        .await;
    let profile = b.get("/signup/profile").await;
    assert!(profile.body.contains(r#"value="back">Back</button>"#));
    let back = b
        .post(
            "/signup/profile",
            "back",
            &[("display_name", "Half typed"), ("age", "abc")],
        )
        .await;
    back.assert_redirect("/signup/account");
    let again = b.get("/signup/profile").await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        again.input_value("display_name").as_deref(),
        Some("Half typed")
    );
    assert_eq!(again.input_value("age").as_deref(), Some("abc"));
    assert!(again.field_error("age").is_none(), "Back does not validate");
    // The draft is not an answer: the step is still to be done.
    b.get("/signup/review")
        .await
        .assert_redirect("/signup/profile");

    // Back from a done step keeps its stored answers and shows the draft.
    b.complete_step("profile", PROFILE_OK, "/signup/review")
        .await;
    b.get("/signup/account").await;
    let back = b
        .post("/signup/account", "back", &[("email", "typo@")])
        .await;
    back.assert_redirect("/signup/account");
    assert_eq!(
        b.get("/signup/account")
            .await
            .input_value("email")
            .as_deref(),
        Some("typo@")
    );
    b.get("/signup").await.assert_redirect("/signup/review");
}

#[actix_rt::test]
async fn review_lists_answers_and_change_returns_to_it() {
    let (app, _) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    let review = b.reach_review("ann@example.com").await;
    assert_eq!(review.status, StatusCode::OK);
    for shown in [
        "ann@example.com",
        "Personal",
        "Ann",
        "34",
        "Rust, Web",
        "Hello",
        "Yes",
    ] {
        assert!(review.body.contains(shown), "review lacks {shown}");
    }
    assert!(!review.body.contains("secret123"));
    assert!(
        review
            .body
            .contains(r#"href="/signup/account?change#email""#)
    );
    assert!(
        review
            .body
            .contains(r#"href="/signup/profile?change#display_name""#)
    );
    assert!(
        review
            .body
            .contains(r#"value="finish">Create account</button>"#)
    );

    let change = b.get("/signup/profile?change").await;
    assert!(change.body.contains(r#"action="/signup/profile?change""#));
    let mut profile = PROFILE_OK.to_vec();
    profile[0] = ("display_name", "Annie");
    b.post("/signup/profile?change", "next", &profile)
        .await
        .assert_redirect("/signup/review");
    assert!(b.get("/signup/review").await.body.contains("Annie"));
}

#[actix_rt::test]
async fn switching_account_type_adds_and_drops_the_company_step() {
    let (app, accounts) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    let mut business = ACCOUNT_OK.to_vec();
    business[3] = ("account_type", "business");
    b.complete_step("account", &business, "/signup/company")
        .await;
    assert!(b.get("/signup/company").await.body.contains("Step 2 of 4"));
    b.complete_step("company", COMPANY_OK, "/signup/profile")
        .await;
    b.complete_step("profile", PROFILE_OK, "/signup/review")
        .await;
    let review = b.get("/signup/review").await;
    assert!(review.body.contains("Acme Ltd") && review.body.contains("Step 4 of 4"));

    // Personal now: the company step and its answers are gone.
    b.get("/signup/account?change").await;
    b.post("/signup/account?change", "next", ACCOUNT_OK)
        .await
        .assert_redirect("/signup/review");
    assert_eq!(b.get("/signup/company").await.status, StatusCode::NOT_FOUND);
    let review = b.get("/signup/review").await;
    assert!(!review.body.contains("Acme Ltd"));
    assert!(review.body.contains("Step 3 of 3"));

    // Business again: the company step must be answered anew first.
    b.get("/signup/account?change").await;
    b.post("/signup/account?change", "next", &business)
        .await
        .assert_redirect("/signup/company");
    let company = b.get("/signup/company").await;
    assert_eq!(company.input_value("company_name").as_deref(), Some(""));
    b.get("/signup/review")
        .await
        .assert_redirect("/signup/company");
    b.post("/signup/company", "next", COMPANY_OK)
        .await
        .assert_redirect("/signup/profile");
    b.get("/signup").await.assert_redirect("/signup/review");

    b.get("/signup/review").await;
    b.post("/signup/review", "finish", &[("accept_terms", "yes")])
        .await
        .assert_redirect("/signup/complete");
    let created = accounts
        .get("ann@example.com")
        .unwrap_or_else(|| panic!("no account"));
    assert_eq!(created.business.as_deref(), Some("Acme Ltd"));
}

#[actix_rt::test]
async fn a_personal_signup_never_carries_company_answers() {
    let (app, accounts) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    let mut business = ACCOUNT_OK.to_vec();
    business[3] = ("account_type", "business");
    b.complete_step("account", &business, "/signup/company")
        .await;
    b.complete_step("company", COMPANY_OK, "/signup/profile")
        .await;
    b.get("/signup/account").await;
    b.post("/signup/account", "next", ACCOUNT_OK)
        .await
        .assert_redirect("/signup/profile");
    b.complete_step("profile", PROFILE_OK, "/signup/review")
        .await;
    b.post("/signup/review", "finish", &[("accept_terms", "yes")])
        .await
        .assert_redirect("/signup/complete");
    let created = accounts
        .get("ann@example.com")
        .unwrap_or_else(|| panic!("no account"));
    assert_eq!(created.business, None);
}

#[actix_rt::test]
async fn finishing_creates_one_account_clears_state_and_renews_the_session() {
    let (app, accounts) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    b.reach_review("ann@example.com").await;
    let session_before = b.cookie("wizard_session").map(str::to_owned);
    let visitor_before = b.cookie("signup_run").map(str::to_owned);
    let done = b
        .post("/signup/review", "finish", &[("accept_terms", "yes")])
        .await;
    done.assert_redirect("/signup/complete");
    assert_eq!(accounts.count(), 1);
    assert_ne!(
        b.cookie("wizard_session").map(str::to_owned),
        session_before
    );
    let visitor_after = b.cookie("signup_run").map(str::to_owned);
    assert!(
        visitor_after.is_some() && visitor_after != visitor_before,
        "the visitor cookie now says the run finished"
    );

    let welcome = b.get("/signup/complete").await;
    assert_eq!(welcome.status, StatusCode::OK);
    assert!(welcome.body.contains("Welcome, Ann"));

    // The old session is gone: replaying it is a new, empty visit.
    let mut replay = Browser::new(&app);
    if let Some(old) = &session_before {
        replay.set_cookie("wizard_session", old);
    }
    replay
        .get("/signup/review")
        .await
        .assert_redirect("/signup/account");

    // A new run starts empty.
    b.get("/signup").await.assert_redirect("/signup/account");
    let fresh = b.get("/signup/account").await;
    assert_eq!(fresh.input_value("email").as_deref(), Some(""));
    assert!(!fresh.body.contains("expired"));
    assert_ne!(
        b.cookie("signup_run").map(str::to_owned),
        visitor_after,
        "a new run"
    );
    // Finishing again with a stale form does not create a second account.
    let stale = b
        .post("/signup/review", "finish", &[("accept_terms", "yes")])
        .await;
    stale.assert_redirect("/signup/account");
    assert_eq!(accounts.count(), 1);
}

#[actix_rt::test]
async fn finish_revalidates_and_sends_the_visitor_to_the_failing_step() {
    let (app, accounts) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    b.reach_review("ann@example.com").await;
    // Someone registers the same address meanwhile.
    let mut other = Browser::new(&app);
    other.reach_review("ann@example.com").await;
    other
        .post("/signup/review", "finish", &[("accept_terms", "yes")])
        .await
        .assert_redirect("/signup/complete");
    assert_eq!(accounts.count(), 1);

    let failed = b
        .post("/signup/review", "finish", &[("accept_terms", "yes")])
        .await;
    failed.assert_redirect("/signup/account");
    let account = b.get("/signup/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert_eq!(
        account.field_error("email").as_deref(),
        Some("An account with this email address already exists")
    );
    assert!(account.body.contains("<title>Error: "));
    b.get("/signup/review")
        .await
        .assert_redirect("/signup/account");
    assert_eq!(accounts.count(), 1);

    // A new address fixes it; the other answers are still there.
    let mut fixed = ACCOUNT_OK.to_vec();
    fixed[0] = ("email", "ann2@example.com");
    b.post("/signup/account", "next", &fixed)
        .await
        .assert_redirect("/signup/profile");
    b.get("/signup").await.assert_redirect("/signup/review");
    b.post("/signup/review", "finish", &[("accept_terms", "yes")])
        .await
        .assert_redirect("/signup/complete");
    assert_eq!(accounts.count(), 2);
}

#[actix_rt::test]
async fn two_finishes_at_once_create_one_account_and_both_land_on_complete() {
    let (app, accounts) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    b.reach_review("ann@example.com").await;
    let mut tab = b.tab();
    let fields = [("accept_terms", "yes")];
    let (first, second) = futures_util::join!(
        b.post("/signup/review", "finish", &fields),
        tab.post("/signup/review", "finish", &fields)
    );
    first.assert_redirect("/signup/complete");
    second.assert_redirect("/signup/complete");
    assert_eq!(accounts.count(), 1);
    assert!(
        b.get("/signup/complete")
            .await
            .body
            .contains("Welcome, Ann")
    );
}

#[actix_rt::test]
async fn after_the_idle_timeout_the_signup_restarts_with_a_notice() {
    let clock = std::sync::Arc::new(common::TestClock::default());
    let config = common::config()
        .idle_timeout(Duration::from_secs(600))
        .clock(clock.clone());
    let (app, _) = signup_app!(MemoryStore::default(), config);
    // One visitor comes back with a GET, another posts a stale form.
    let mut b = Browser::new(&app);
    b.complete_step("account", ACCOUNT_OK, "/signup/profile")
        .await;
    let mut stale = Browser::new(&app);
    stale.reach_profile().await;
    // Eleven minutes later, by the wizard's clock.
    clock.advance(Duration::from_secs(660));

    b.get("/signup/profile")
        .await
        .assert_redirect("/signup/account");
    let restart = b.get("/signup/account").await;
    assert_eq!(restart.status, StatusCode::OK);
    assert!(
        restart.body.contains("Your earlier answers were deleted"),
        "{}",
        restart.body
    );
    assert_eq!(restart.input_value("email").as_deref(), Some(""));
    // Shown once.
    assert!(
        !b.get("/signup/account")
            .await
            .body
            .contains("earlier answers")
    );
    // A fresh visitor sees no notice.
    let mut new = Browser::new(&app);
    assert!(
        !new.get("/signup/account")
            .await
            .body
            .contains("earlier answers")
    );

    // The stale form is sent to the start and saves nothing.
    stale
        .post("/signup/profile", "next", PROFILE_OK)
        .await
        .assert_redirect("/signup/account");
    assert!(
        stale
            .get("/signup/account")
            .await
            .body
            .contains("Your earlier answers were deleted")
    );
    stale
        .get("/signup/profile")
        .await
        .assert_redirect("/signup/account");
}

#[actix_rt::test]
async fn the_cookie_store_resumes_after_a_restart_with_the_same_key() {
    let config = common::config().max_state_bytes(2500);
    let (before_restart, _) = signup_app!(CookieSessionStore::default(), config.clone());
    let mut b = Browser::new(&before_restart);
    b.complete_step("account", ACCOUNT_OK, "/signup/profile")
        .await;
    // A new application instance with the same key: the same browser
    // resumes where it was.
    let (restarted, _) = signup_app!(CookieSessionStore::default(), config);
    let mut resumed = Browser::new(&restarted);
    for name in ["wizard_session", "signup_run"] {
        if let Some(value) = b.cookie(name) {
            resumed.set_cookie(name, value);
        }
    }
    resumed
        .get("/signup")
        .await
        .assert_redirect("/signup/profile");
    let account = resumed.get("/signup/account").await;
    assert_eq!(
        account.input_value("email").as_deref(),
        Some("ann@example.com")
    );
}

#[actix_rt::test]
async fn coming_back_long_after_finishing_starts_afresh_without_an_expiry_notice() {
    // Two instances on one store, as after a restart: the second has no
    // record of the runs the first finished.
    let store = MemoryStore::default();
    let accounts = actix_web::web::Data::new(common::app::Accounts::default());
    let before = signup_instance!(
        store.clone(),
        common::config(),
        actix_wizard::WizardService::<common::app::Signup>::new("/signup", common::config()),
        accounts
    );
    let after = signup_instance!(
        store.clone(),
        common::config(),
        actix_wizard::WizardService::<common::app::Signup>::new("/signup", common::config()),
        accounts
    );
    let mut b = Browser::new(&before);
    b.reach_review("later@example.com").await;
    b.post("/signup/review", "finish", &[("accept_terms", "yes")])
        .await
        .assert_redirect("/signup/complete");
    // Long after: the session holding the outcome is gone too.
    b.forget_cookie("wizard_session");
    b.switch_to(&after);
    b.get("/signup").await.assert_redirect("/signup/account");
    let page = b.get("/signup/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("were deleted"), "{}", page.body);
    assert_eq!(page.input_value("email").as_deref(), Some(""));
}
