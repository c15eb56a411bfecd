//! Bad requests and failures: each gets its status and a readable page,
//! and none changes what is stored.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};

use actix_session::storage::CookieSessionStore;
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use actix_wizard::MemoryStore;
use common::test_store::TestStore;
use common::{Browser, PROFILE_OK, Reply};

fn form_post(path: &str, body: impl Into<Vec<u8>>) -> TestRequest {
    TestRequest::post()
        .uri(path)
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .set_payload(body.into())
}

fn assert_page(reply: &Reply, status: StatusCode, heading: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert!(
        reply.body.contains(&format!("<h1>{heading}</h1>")),
        "{}",
        reply.body
    );
    assert!(reply.body.contains(r#"<meta name="viewport""#));
}

#[actix_rt::test]
async fn a_missing_or_wrong_csrf_token_is_403_and_saves_nothing() {
    let (app, _) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    b.reach_profile().await;
    let body = common::encode(PROFILE_OK);
    let missing = b.send(form_post("/signup/profile", body.clone())).await;
    assert_page(
        &missing,
        StatusCode::FORBIDDEN,
        "Your form could not be checked",
    );
    let wrong = b
        .send(form_post(
            "/signup/profile",
            format!("{body}&csrf_token={}", "0".repeat(64)),
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    // Another visitor's valid token does not work here either.
    let mut other = Browser::new(&app);
    other.get("/signup/account").await;
    let foreign = b
        .send(form_post(
            "/signup/profile",
            format!("{body}&csrf_token={}", other.token),
        ))
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    b.assert_account_intact().await;
}

#[actix_rt::test]
async fn malformed_bodies_are_400_and_save_nothing() {
    let (app, _) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    b.reach_profile().await;
    let token = format!("csrf_token={}", b.token);
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
        let reply = b.send(form_post("/signup/profile", body)).await;
        assert_page(
            &reply,
            StatusCode::BAD_REQUEST,
            "Your form could not be read",
        );
    }
    b.assert_account_intact().await;
}

#[actix_rt::test]
async fn oversized_bodies_and_too_many_fields_are_413() {
    let (app, _) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    b.reach_profile().await;
    let token = format!("csrf_token={}", b.token);
    let huge = format!("{token}&bio={}", "a".repeat(16 * 1024));
    let reply = b.send(form_post("/signup/profile", huge)).await;
    assert_page(
        &reply,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Your form is too large",
    );
    let many = format!("{token}{}", "&x=1".repeat(1500));
    let reply = b.send(form_post("/signup/profile", many)).await;
    assert_page(
        &reply,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Your form has too many fields",
    );
    // Just under the limit is read (and validated) normally.
    let fits = format!("{token}&bio={}", "a".repeat(15 * 1024));
    assert_eq!(
        b.send(form_post("/signup/profile", fits)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    b.get("/signup").await.assert_redirect("/signup/profile");
}

#[actix_rt::test]
async fn other_content_types_are_415() {
    let (app, _) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    b.reach_profile().await;
    let json = TestRequest::post()
        .uri("/signup/profile")
        .insert_header(("Content-Type", "application/json"))
        .set_payload(r#"{"display_name":"Ann"}"#);
    assert_page(
        &b.send(json).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "Unsupported form type",
    );
    let none = TestRequest::post()
        .uri("/signup/profile")
        .set_payload("display_name=Ann");
    assert_eq!(
        b.send(none).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let multipart = TestRequest::post()
        .uri("/signup/profile")
        .insert_header(("Content-Type", "multipart/form-data; boundary=x"))
        .set_payload("--x--");
    assert_eq!(
        b.send(multipart).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    // With a charset parameter it is still a form.
    let charset = TestRequest::post()
        .uri("/signup/profile")
        .insert_header((
            "Content-Type",
            "application/x-www-form-urlencoded; charset=UTF-8",
        ))
        .set_payload(format!(
            "csrf_token={}&{}",
            b.token,
            common::encode(PROFILE_OK)
        ));
    b.send(charset).await.assert_redirect("/signup/review");
}

#[actix_rt::test]
async fn state_over_the_cap_is_refused_with_a_page_and_nothing_lost() {
    // The cookie store, capped so the encrypted cookie fits in a browser.
    let config = common::config().max_state_bytes(2500);
    let (app, _) = signup_app!(CookieSessionStore::default(), config);
    let mut b = Browser::new(&app);
    b.reach_profile().await;
    // A bio far over its own limit is kept as a draft, and that draft is
    // too big to keep in a cookie.
    let reply = b
        .post(
            "/signup/profile",
            "next",
            &[("display_name", "Ann"), ("bio", &"b".repeat(4000))],
        )
        .await;
    assert_page(
        &reply,
        StatusCode::PAYLOAD_TOO_LARGE,
        "Your answers are too long to keep",
    );
    assert!(reply.body.contains(r#"href="/signup/profile""#));
    b.assert_account_intact().await;
}

/// A visitor on the profile step while the store goes down and comes
/// back: 503 pages with the security headers, then the same step with the
/// same answers.
async fn outage_then_resume<S: common::TestApp<B>, B: actix_web::body::MessageBody>(
    b: &mut Browser<'_, S>,
    down: &AtomicBool,
) {
    b.reach_profile().await;
    down.store(true, Ordering::SeqCst);
    let page = b.get("/signup/profile").await;
    assert_page(
        &page,
        StatusCode::SERVICE_UNAVAILABLE,
        "Sorry, the service is unavailable",
    );
    assert!(page.body.contains("Your answers are safe"));
    assert_eq!(page.header("retry-after"), Some("5"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    let post = b.post("/signup/profile", "next", PROFILE_OK).await;
    assert_eq!(post.status, StatusCode::SERVICE_UNAVAILABLE);

    down.store(false, Ordering::SeqCst);
    b.get("/signup").await.assert_redirect("/signup/profile");
    b.assert_account_intact().await;
    b.post("/signup/profile", "next", PROFILE_OK)
        .await
        .assert_redirect("/signup/review");
}

#[actix_rt::test]
async fn an_unreachable_store_is_503_and_the_visitor_resumes_afterwards() {
    let store = TestStore::default();
    let down = store.down.clone();
    let (app, _) = signup_app!(store, common::config());
    outage_then_resume(&mut Browser::new(&app), &down).await;
}

#[actix_rt::test]
async fn the_one_entry_setup_answers_an_outage_with_the_503_page() {
    let store = TestStore::default();
    let down = store.down.clone();
    let (app, _) = signup_setup!(store, common::config());
    outage_then_resume(&mut Browser::new(&app), &down).await;
}
