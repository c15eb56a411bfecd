//! HTTP details a real server gets right: security headers on every
//! response, HEAD, 405 with Allow, trailing slashes, and a visitor who
//! only looks costs the session store nothing.

mod common;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use actix_wizard::{MemoryStore, WizardSetup, http::SecurityHeaders};
use common::test_store::TestStore;
use common::{Browser, Reply};

fn assert_protected(reply: &Reply, what: &str) {
    for (name, value) in [
        ("x-frame-options", "DENY"),
        ("content-security-policy", "frame-ancestors 'none'"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
    ] {
        assert_eq!(reply.header(name), Some(value), "{what}: {name}");
    }
}

#[actix_rt::test]
async fn every_response_of_the_wizard_carries_the_security_headers() {
    let (app, _) = signup_setup!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    let entry = b.get("/signup").await;
    entry.assert_redirect("/signup/account");
    assert_protected(&entry, "entry redirect");
    let page = b.get("/signup/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_protected(&page, "step page");
    let invalid = b.post("/signup/account", "next", &[]).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_protected(&invalid, "422 page");
    let forbidden = b
        .send(
            TestRequest::post()
                .uri("/signup/account")
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .set_payload("action=next"),
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_protected(&forbidden, "403 page");
    let missing = b.get("/signup/nowhere").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_protected(&missing, "404 page");
    let not_allowed = b.send(TestRequest::delete().uri("/signup/account")).await;
    assert_protected(&not_allowed, "405 page");
    let complete = b.get("/signup/complete").await;
    assert_protected(&complete, "completion redirect");
}

#[actix_rt::test]
async fn the_headers_follow_the_configured_policy() {
    let config =
        common::config().security_headers(SecurityHeaders::default().allow_same_origin_framing());
    let (app, _) = signup_setup!(MemoryStore::default(), config);
    let mut b = Browser::new(&app);
    let page = b.get("/signup/account").await;
    assert_eq!(page.header("x-frame-options"), Some("SAMEORIGIN"));
    assert_eq!(
        page.header("content-security-policy"),
        Some("frame-ancestors 'self'")
    );

    let config = common::config().security_headers(SecurityHeaders::none());
    let (app, _) = signup_setup!(MemoryStore::default(), config);
    let mut b = Browser::new(&app);
    let page = b.get("/signup/account").await;
    assert_eq!(page.header("x-frame-options"), None);
    assert_eq!(page.header("referrer-policy"), None);
}

#[actix_rt::test]
async fn a_method_a_page_does_not_take_is_405_with_allow_and_a_page() {
    let (app, _) = signup_setup!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    for (request, allow) in [
        (TestRequest::put().uri("/signup/account"), "GET, HEAD, POST"),
        (TestRequest::delete().uri("/signup"), "GET, HEAD"),
        (TestRequest::post().uri("/signup/complete"), "GET, HEAD"),
    ] {
        let reply = b.send(request).await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(reply.header("allow"), Some(allow));
        assert!(
            reply.body.contains("<h1>This page cannot do that</h1>"),
            "{}",
            reply.body
        );
    }
}

#[actix_rt::test]
async fn a_trailing_slash_redirects_to_the_canonical_url() {
    let (app, _) = signup_setup!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    for (from, to) in [
        ("/signup/account/", "/signup/account"),
        ("/signup/profile/?change", "/signup/profile?change"),
        ("/signup/complete/", "/signup/complete"),
    ] {
        let reply = b.get(from).await;
        assert_eq!(reply.status, StatusCode::PERMANENT_REDIRECT, "{from}");
        assert_eq!(reply.location.as_deref(), Some(to), "{from}");
    }
    assert_eq!(
        b.get("/signup/nowhere/").await.status,
        StatusCode::NOT_FOUND
    );
    // The entry answers with or without the slash.
    b.get("/signup/").await.assert_redirect("/signup/account");
}

#[actix_rt::test]
async fn a_visitor_who_only_looks_makes_no_store_write() {
    let store = TestStore::default();
    let (app, _) = signup_setup!(store.clone(), common::config());
    // A crawler: no cookies, every page, GET and HEAD.
    for path in [
        "/signup",
        "/signup/account",
        "/signup/profile",
        "/signup/complete",
    ] {
        let mut crawler = Browser::new(&app);
        crawler.get(path).await;
        crawler
            .send(
                TestRequest::default()
                    .method(actix_web::http::Method::HEAD)
                    .uri(path),
            )
            .await;
    }
    // A visitor who looks at the first page several times.
    let mut b = Browser::new(&app);
    for _ in 0..3 {
        assert_eq!(b.get("/signup/account").await.status, StatusCode::OK);
    }
    assert_eq!(store.writes(), 0, "page views wrote to the store");
    assert_eq!(store.reads(), 0, "no session, nothing to read");
    // Their token still works: the first answer is the first write.
    b.post("/signup/account", "next", common::ACCOUNT_OK)
        .await
        .assert_redirect("/signup/profile");
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
