//! HTTP details a real server gets right: security headers on every
//! response, HEAD, 405 with Allow, trailing slashes, and a visitor who
//! only looks costs the session store nothing.

mod common;

use actix_web::http::Method;
use actix_web::web;
use actix_wizard::testing::{Seen, TestApp};
use actix_wizard::{MemoryStore, WizardSetup, http::SecurityHeaders};
use common::app::{Accounts, Signup};
use common::kit;
use common::test_store::TestStore;

fn assert_protected(page: &Seen, what: &str) {
    for (name, value) in [
        ("x-frame-options", "DENY"),
        ("content-security-policy", "frame-ancestors 'none'"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
    ] {
        assert_eq!(page.header(name), Some(value), "{what}: {name}");
    }
}

/// The signup on `store` with `config`.
async fn signup(
    store: impl Clone + actix_session::storage::SessionStore + Send + Sync + 'static,
    config: actix_wizard::WizardConfig,
) -> TestApp {
    kit::signup_on(
        kit::shared(store),
        config,
        web::Data::new(Accounts::default()),
    )
    .await
}

#[actix_rt::test]
async fn every_response_of_the_wizard_carries_the_security_headers() {
    let app = signup(MemoryStore::default(), common::config()).await;
    let mut b = app.visitor::<Signup>("/signup");
    let entry = b.fetch("/signup", |r| r).await;
    entry.assert_status(303);
    assert_eq!(entry.header("location"), Some("/signup/account"));
    assert_protected(entry, "entry redirect");
    let page = b.open("/signup/account").await;
    page.assert_status(200);
    assert_protected(page, "step page");
    let invalid = b.submit_pairs(&[]).await;
    invalid.assert_status(422);
    assert_protected(invalid, "422 page");
    let forbidden = b
        .fetch("/signup/account", |r| {
            r.method(Method::POST)
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .set_payload("action=next")
        })
        .await;
    forbidden.assert_status(403);
    assert_protected(forbidden, "403 page");
    let missing = b.fetch("/signup/nowhere", |r| r).await;
    missing.assert_status(404);
    assert_protected(missing, "404 page");
    let not_allowed = b
        .fetch("/signup/account", |r| r.method(Method::DELETE))
        .await;
    assert_protected(not_allowed, "405 page");
    let complete = b.fetch("/signup/complete", |r| r).await;
    assert_protected(complete, "completion redirect");
}

#[actix_rt::test]
async fn the_headers_follow_the_configured_policy() {
    let config =
        common::config().security_headers(SecurityHeaders::default().allow_same_origin_framing());
    let app = signup(MemoryStore::default(), config).await;
    let mut b = app.visitor::<Signup>("/signup");
    let page = b.open("/signup/account").await;
    assert_eq!(page.header("x-frame-options"), Some("SAMEORIGIN"));
    assert_eq!(
        page.header("content-security-policy"),
        Some("frame-ancestors 'self'")
    );

    let config = common::config().security_headers(SecurityHeaders::none());
    let app = signup(MemoryStore::default(), config).await;
    let mut b = app.visitor::<Signup>("/signup");
    let page = b.open("/signup/account").await;
    assert_eq!(page.header("x-frame-options"), None);
    assert_eq!(page.header("referrer-policy"), None);
}

#[actix_rt::test]
async fn a_method_a_page_does_not_take_is_405_with_allow_and_a_page() {
    let app = signup(MemoryStore::default(), common::config()).await;
    let mut b = app.visitor::<Signup>("/signup");
    for (path, method, allow) in [
        ("/signup/account", Method::PUT, "GET, HEAD, POST"),
        ("/signup", Method::DELETE, "GET, HEAD"),
        ("/signup/complete", Method::POST, "GET, HEAD"),
    ] {
        let reply = b.fetch(path, |r| r.method(method)).await;
        reply.assert_status(405);
        assert_eq!(reply.header("allow"), Some(allow));
        assert!(
            reply.body().contains("<h1>This page cannot do that</h1>"),
            "{}",
            reply.body()
        );
    }
}

#[actix_rt::test]
async fn a_trailing_slash_redirects_to_the_canonical_url() {
    let app = signup(MemoryStore::default(), common::config()).await;
    let mut b = app.visitor::<Signup>("/signup");
    for (from, to) in [
        ("/signup/account/", "/signup/account"),
        ("/signup/profile/?change", "/signup/profile?change"),
        ("/signup/complete/", "/signup/complete"),
    ] {
        let reply = b.fetch(from, |r| r).await;
        reply.assert_status(308);
        assert_eq!(reply.header("location"), Some(to), "{from}");
    }
    b.fetch("/signup/nowhere/", |r| r).await.assert_status(404);
    // The entry answers with or without the slash.
    let entry = b.fetch("/signup/", |r| r).await;
    entry.assert_status(303);
    assert_eq!(entry.header("location"), Some("/signup/account"));
}

#[actix_rt::test]
async fn a_visitor_who_only_looks_makes_no_store_write() {
    let store = TestStore::default();
    let app = signup(store.clone(), common::config()).await;
    // A crawler: no cookies, every page, GET and HEAD.
    for path in [
        "/signup",
        "/signup/account",
        "/signup/profile",
        "/signup/complete",
    ] {
        let mut crawler = app.visitor::<Signup>("/signup");
        crawler.fetch(path, |r| r).await;
        crawler.fetch(path, |r| r.method(Method::HEAD)).await;
    }
    // A visitor who looks at the first page several times.
    let mut b = app.visitor::<Signup>("/signup");
    for _ in 0..3 {
        b.open("/signup/account").await.assert_status(200);
    }
    assert_eq!(store.writes(), 0, "page views wrote to the store");
    assert_eq!(store.reads(), 0, "no session, nothing to read");
    // Their token still works: the first answer is the first write.
    b.submit(&kit::account(
        "ann@example.com",
        common::app::AccountType::Personal,
    ))
    .await
    .assert_step("profile");
    assert_eq!(store.writes(), 1);
}

#[actix_rt::test]
async fn head_answers_like_get_without_a_body() {
    let setup = WizardSetup::new(MemoryStore::default(), common::key(), common::config());
    let signup = setup.wizard::<common::app::Signup>("/signup");
    let accounts = actix_web::web::Data::new(common::app::Accounts::default());
    let addr = common::serve_example(setup, signup, accounts, 1);

    for (path, status) in [
        ("/signup/account", "200"),
        ("/signup", "303"),
        ("/signup/complete", "303"),
    ] {
        let stream = tokio::net::TcpStream::connect(addr)
            .await
            .unwrap_or_else(|e| panic!("connect: {e}"));
        let request = format!("HEAD {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        let raw = common::http::finish_exchange(stream, request.as_bytes()).await;
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        assert!(
            head.starts_with(&format!("HTTP/1.1 {status}")),
            "HEAD {path}: {head}"
        );
        assert!(
            head.to_ascii_lowercase().contains("x-frame-options: deny"),
            "{head}"
        );
        assert_eq!(body, "", "HEAD {path} sent a body");
    }
}
