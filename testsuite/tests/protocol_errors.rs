//! Bad requests and failures: each gets its status and a readable page,
//! and none changes what is stored. Driven with the testing kit, except
//! the outage through middleware composed by hand, which the kit (built on
//! `WizardSetup`) does not build.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};

use actix_session::storage::CookieSessionStore;
use actix_web::http::Method;
use actix_web::test::TestRequest;
use actix_web::web;
use actix_wizard::testing::{Seen, Visitor};
use common::PROFILE_OK;
use common::app::{Accounts, Signup};
use common::kit::{assert_account_intact, config, reach_profile, shared, signup, signup_on};
use common::test_store::TestStore;

/// A form post of `body` as built (no token added).
fn form_post(body: impl Into<Vec<u8>>) -> impl FnOnce(TestRequest) -> TestRequest {
    let body = body.into();
    move |request| {
        request
            .method(Method::POST)
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload(body)
    }
}

#[track_caller]
fn assert_problem(page: &Seen, status: u16, heading: &str) {
    page.assert_status(status);
    assert_eq!(
        page.heading().as_deref(),
        Some(heading),
        "{}",
        page.describe()
    );
    assert!(page.body().contains(r#"<meta name="viewport""#));
}

/// The profile form's token, as a body's first pair.
fn token_pair(visitor: &Visitor<'_, Signup>) -> String {
    let token = visitor.page().csrf_token().unwrap_or_default();
    format!("csrf_token={token}")
}

fn encoded(pairs: &[(&str, &str)]) -> String {
    serde_html_form::to_string(pairs).unwrap_or_else(|e| panic!("{e}"))
}

#[actix_rt::test]
async fn a_missing_or_wrong_csrf_token_is_403_and_saves_nothing() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    reach_profile(&mut visitor).await;
    let body = encoded(PROFILE_OK);
    let missing = visitor
        .send("/signup/profile", form_post(body.clone()))
        .await;
    assert_problem(missing, 403, "Your form could not be checked");
    let wrong = visitor
        .send(
            "/signup/profile",
            form_post(format!("{body}&csrf_token={}", "0".repeat(64))),
        )
        .await;
    wrong.assert_status(403);
    // Another visitor's valid token does not work here either.
    let mut other = app.visitor::<Signup>("/signup");
    let foreign = other
        .open("/signup/account")
        .await
        .csrf_token()
        .unwrap_or_default();
    let page = visitor
        .send(
            "/signup/profile",
            form_post(format!("{body}&csrf_token={foreign}")),
        )
        .await;
    page.assert_status(403);
    assert_account_intact(&mut visitor).await;
}

#[actix_rt::test]
async fn malformed_bodies_are_400_and_save_nothing() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    reach_profile(&mut visitor).await;
    let token = token_pair(&visitor);
    let bodies: Vec<Vec<u8>> = vec![
        format!("{token}&display_name=%FF%FE").into_bytes(),
        [
            format!("{token}&display_name=").into_bytes(),
            vec![0xC3, 0x28],
        ]
        .concat(),
        format!("{token}&display_name=%zz").into_bytes(),
        format!("{token}&display_name=Ann&action=explode").into_bytes(),
    ];
    for body in bodies {
        let page = visitor.send("/signup/profile", form_post(body)).await;
        assert_problem(page, 400, "Your form could not be read");
    }
    assert_account_intact(&mut visitor).await;
}

#[actix_rt::test]
async fn oversized_bodies_and_too_many_fields_are_413() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    reach_profile(&mut visitor).await;
    let token = token_pair(&visitor);
    let huge = format!("{token}&bio={}", "a".repeat(16 * 1024));
    let page = visitor.send("/signup/profile", form_post(huge)).await;
    assert_problem(page, 413, "Your form is too large");
    let many = format!("{token}{}", "&x=1".repeat(1500));
    let page = visitor.send("/signup/profile", form_post(many)).await;
    assert_problem(page, 413, "Your form has too many fields");
    // Just under the limit is read (and validated) normally.
    let fits = format!("{token}&bio={}", "a".repeat(15 * 1024));
    visitor
        .send("/signup/profile", form_post(fits))
        .await
        .assert_status(422);
    assert_eq!(
        visitor.open("/signup").await.redirects(),
        ["/signup/profile"]
    );
}

#[actix_rt::test]
async fn other_content_types_are_415() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    reach_profile(&mut visitor).await;
    let token = token_pair(&visitor);
    let sent_as = |content_type: Option<&'static str>, body: String| {
        move |request: TestRequest| {
            let request = request.method(Method::POST).set_payload(body);
            match content_type {
                Some(kind) => request.insert_header(("Content-Type", kind)),
                None => request,
            }
        }
    };
    // (A JSON body is read as a form: see tests/json.rs.)
    let xml = visitor
        .send(
            "/signup/profile",
            sent_as(
                Some("application/xml"),
                "<display_name>Ann</display_name>".into(),
            ),
        )
        .await;
    assert_problem(xml, 415, "Unsupported form type");
    for (kind, body) in [
        (None, "display_name=Ann".to_owned()),
        (Some("multipart/form-data; boundary=x"), "--x--".to_owned()),
    ] {
        visitor
            .send("/signup/profile", sent_as(kind, body))
            .await
            .assert_status(415);
    }
    // With a charset parameter it is still a form.
    let form = format!("{token}&{}&action=next", encoded(PROFILE_OK));
    let page = visitor
        .send(
            "/signup/profile",
            sent_as(
                Some("application/x-www-form-urlencoded; charset=UTF-8"),
                form,
            ),
        )
        .await;
    page.assert_step("review");
}

#[actix_rt::test]
async fn state_over_the_cap_is_refused_with_a_page_and_nothing_lost() {
    // The cookie store, capped so the encrypted cookie fits in a browser.
    let config = config().max_state_bytes(2500);
    let app = signup_on(
        CookieSessionStore::default,
        config,
        web::Data::new(Accounts::default()),
    )
    .await;
    let mut visitor = app.visitor::<Signup>("/signup");
    reach_profile(&mut visitor).await;
    // A bio far over its own limit is kept as a draft, and that draft is
    // too big to keep in a cookie.
    let bio = "b".repeat(4000);
    let page = visitor
        .submit_pairs(&[("display_name", "Ann"), ("bio", &bio)])
        .await;
    assert_problem(page, 413, "Your answers are too long to keep");
    assert!(page.body().contains(r#"href="/signup/profile""#));
    assert_account_intact(&mut visitor).await;
}

/// A visitor on the profile step while the store goes down and comes
/// back: 503 pages with the security headers, then the same step with the
/// same answers.
async fn outage_then_resume(visitor: &mut Visitor<'_, Signup>, down: &AtomicBool) {
    reach_profile(visitor).await;
    down.store(true, Ordering::SeqCst);
    let page = visitor.open("/signup/profile").await;
    assert_problem(page, 503, "Sorry, the service is unavailable");
    assert!(page.text().contains("Your answers are safe"));
    assert_eq!(page.header("retry-after"), Some("5"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));

    down.store(false, Ordering::SeqCst);
    visitor.open("/signup/profile").await.assert_step("profile");
    // While the store is down again, the step cannot be saved...
    down.store(true, Ordering::SeqCst);
    let refused = visitor.submit_pairs(PROFILE_OK).await;
    refused.assert_status(503);
    down.store(false, Ordering::SeqCst);
    assert_account_intact(visitor).await;
    // ...and once it is back, the same form goes through.
    visitor.submit_pairs(PROFILE_OK).await.assert_step("review");
}

#[actix_rt::test]
async fn an_unreachable_store_is_503_and_the_visitor_resumes_afterwards() {
    // The layers composed by hand, as an application without the one
    // entry does (the session middleware, then the outage page outside).
    let store = TestStore::default();
    let down = store.down.clone();
    let setup = actix_wizard::WizardSetup::new(store.clone(), common::key(), common::config());
    let app = actix_wizard::testing::TestApp::new(setup, move |_| {
        // With the state key the setup would derive from the session key.
        let config = common::config();
        actix_web::App::new()
            .wrap(actix_wizard::http::session_middleware(
                store.clone(),
                common::key(),
                &config,
            ))
            .wrap(actix_wizard::http::StoreOutage)
            .configure(common::app::routes(
                actix_wizard::WizardService::<Signup>::new("/signup", config.clone()),
                web::Data::new(Accounts::default()),
            ))
    })
    .await;
    outage_then_resume(&mut app.visitor::<Signup>("/signup"), &down).await;
}

#[actix_rt::test]
async fn the_one_entry_setup_answers_an_outage_with_the_503_page() {
    let store = TestStore::default();
    let down = store.down.clone();
    let app = signup_on(shared(store), config(), web::Data::new(Accounts::default())).await;
    outage_then_resume(&mut app.visitor::<Signup>("/signup"), &down).await;
}
