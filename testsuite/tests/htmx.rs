//! The same wizard for htmx: a step comes back as the fragment its layout
//! wraps, errors included (422), and navigation as HX-Location (swapped)
//! or HX-Redirect (a whole page); without htmx nothing changes. Driven
//! with the testing kit.

mod common;

use actix_web::http::Method;
use actix_wizard::testing::Answers;
use common::app::{Account, AccountType, Review, Signup};
use common::kit::{account, profile, signup};

#[actix_rt::test]
async fn without_htmx_the_pages_are_whole_and_say_they_vary() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    let page = visitor.open("/signup/account").await;
    assert!(page.body().starts_with("<!DOCTYPE html>"));
    assert_eq!(page.header("vary"), Some("Accept, HX-Request"));
}

#[actix_rt::test]
async fn a_step_swaps_in_as_a_fragment_with_its_errors_and_htmx_navigates() {
    let (app, accounts) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.use_htmx();
    let page = visitor.open("/signup/account").await;
    page.assert_step("account");
    assert!(!page.body().contains("<html") && !page.body().contains("<!DOCTYPE"));
    assert!(page.body().contains("<h1>Create your account</h1>"));
    assert!(
        page.body()
            .contains(r#"<form method="post" action="/signup/account""#)
    );

    // Invalid: the fragment again, 422, with its errors (htmx 2 must be
    // told to swap a 422; see the README).
    let invalid = visitor.submit(&Account::default()).await;
    invalid
        .assert_status(422)
        .assert_error(Account::EMAIL, "Enter your email address");
    assert!(!invalid.body().contains("<html"));

    // Valid: HX-Location to the next step, which htmx fetches and swaps.
    let next = visitor
        .submit(&account("hx@example.com", AccountType::Personal))
        .await;
    next.assert_step("profile");
    assert_eq!(next.redirects(), ["/signup/profile"]);
    assert!(!next.body().contains("<html"));
    visitor.submit(&profile()).await.assert_step("review");

    // Finishing: HX-Redirect, a whole-page load of the completion page.
    let done = visitor.submit(&Review { accept_terms: true }).await;
    done.assert_complete();
    assert_eq!(done.redirects(), ["/signup/complete"]);
    assert!(done.body().starts_with("<!DOCTYPE html>"));
    assert_eq!(accounts.count().await, 1);
}

#[actix_rt::test]
async fn the_htmx_headers_name_the_target_and_a_history_restore_gets_the_whole_page() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor
        .start_with(Answers::new().with(&account("hy@example.com", AccountType::Personal)))
        .await;
    // What htmx receives for Back: the location and the target to swap.
    let token = visitor.page().csrf_token().unwrap_or_default();
    let raw = visitor
        .send("/signup/profile", |request| {
            request
                .method(Method::POST)
                .insert_header(("HX-Request", "true"))
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .set_payload(format!("csrf_token={token}&wizard_revision=0&action=back"))
        })
        .await;
    raw.assert_status(200);
    assert_eq!(
        raw.header("hx-location"),
        Some(r##"{"path":"/signup/account","target":"#main"}"##)
    );
    assert_eq!(raw.header("location"), None);
    // htmx restoring its history asks for the whole page.
    let restore = visitor
        .send("/signup/account", |request| {
            request
                .insert_header(("HX-Request", "true"))
                .insert_header(("HX-History-Restore-Request", "true"))
        })
        .await;
    assert!(restore.body().starts_with("<!DOCTYPE html>"));
}
