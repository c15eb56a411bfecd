//! What a visitor typed and did not send survives a reload: the page's
//! script saves it as the step's draft, and the server keeps it only when
//! it was typed on the state as it stands. Driven with the testing kit
//! (sending what the script sends); the browser tests run the script.

mod common;

use actix_web::http::StatusCode;
use common::app::{Account, AccountType, Profile, Review, Signup};
use common::kit::{account, profile, reach_profile, signup};

#[actix_rt::test]
async fn every_step_page_carries_the_script_and_the_revision_it_shows() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    let page = visitor.open("/signup/account").await;
    assert!(
        page.body()
            .contains(r#"<script src="/signup/wizard.js" defer></script>"#)
    );
    assert!(page.body().contains(r#"name="wizard_revision" value="0""#));
    let script = visitor.open("/signup/wizard.js").await;
    script.assert_status(200);
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(script.body().contains("sendBeacon"));
    // Sending the form without the script changes nothing.
    visitor.open("/signup/account").await;
    visitor
        .submit(&account("ann@example.com", AccountType::Personal))
        .await
        .assert_step("profile");
    assert!(
        visitor
            .page()
            .body()
            .contains(r#"name="wizard_revision" value="1""#)
    );
}

#[actix_rt::test]
async fn typing_saved_as_a_draft_is_there_after_a_reload_without_secrets() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup/account").await;
    let saved = visitor
        .save_draft(&[
            ("email", "half@exam"),
            ("password", "typed-secret1"),
            ("account_type", "business"),
        ])
        .await;
    assert_eq!(saved, StatusCode::NO_CONTENT);
    let reloaded = visitor.open("/signup/account").await;
    reloaded.assert_no_errors();
    assert_eq!(reloaded.value(Account::EMAIL).as_deref(), Some("half@exam"));
    assert_eq!(
        reloaded.value(Account::ACCOUNT_TYPE).as_deref(),
        Some("business")
    );
    assert_eq!(reloaded.value(Account::PASSWORD).as_deref(), Some(""));
    assert!(!reloaded.body().contains("typed-secret1"));
    // A draft is not an answer: the next step is still out of reach.
    assert_eq!(
        visitor.open("/signup/profile").await.redirects(),
        ["/signup/account"]
    );
}

#[actix_rt::test]
async fn a_draft_typed_before_a_submit_never_undoes_it() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    reach_profile(&mut visitor).await;
    // Another tab of the same page, kept open while this one sends.
    let mut stale_tab = visitor.tab();
    visitor.submit(&profile()).await.assert_step("review");
    // The old tab's beacon (typed on the older revision) is dropped.
    assert_eq!(
        stale_tab
            .save_draft(&[("display_name", "Old typing")])
            .await,
        StatusCode::NO_CONTENT
    );
    let page = visitor.open("/signup/profile").await;
    assert_eq!(page.value(Profile::DISPLAY_NAME).as_deref(), Some("Ann"));
    // So is one that arrives after the run finished.
    visitor.open("/signup/review").await;
    let mut review_tab = visitor.tab();
    visitor
        .submit(&Review { accept_terms: true })
        .await
        .assert_complete();
    assert_eq!(
        review_tab.save_draft(&[("accept_terms", "yes")]).await,
        StatusCode::NO_CONTENT
    );
    let fresh = visitor.open("/signup").await;
    fresh.assert_step("account");
    assert_eq!(fresh.value(Account::EMAIL).as_deref(), Some(""));
}

#[actix_rt::test]
async fn a_draft_needs_the_page_token_and_a_step_within_reach() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup/account").await;
    let forged = visitor
        .send("/signup/account", |request| {
            request
                .method(actix_web::http::Method::POST)
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .set_payload("email=x&action=draft&wizard_revision=0")
        })
        .await;
    forged.assert_status(403);
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup/account").await;
    let ahead = visitor
        .post_to("/signup/review", "draft", &[("accept_terms", "yes")])
        .await;
    assert_eq!(
        ahead.redirects(),
        ["/signup/account"],
        "{}",
        ahead.describe()
    );
}
