//! The claim's "save and come back later", as its contract says: saved
//! from an expense's receipt page with a receipt held, the link read from
//! the outbox (`.eml` files), resumed by another browser with the
//! receipt, kept from the uploads sweeper until the link expires, and
//! finished once.

mod common;

mod claims;

use std::time::{Duration, SystemTime};

use claims::app::{Category, Check, Claim};
use claims::{bank, claim_app_saving, details, reach_expenses, receipt_pdf};
use common::servers::TempDir;

/// The link in the newest `.eml` of the outbox, as a path.
fn link_in(outbox: &std::path::Path) -> String {
    common::mail::newest_link(outbox, "/claim/resume/")
}

#[actix_rt::test]
async fn a_claim_saved_with_a_receipt_resumes_elsewhere_with_it_and_finishes_once() {
    let outbox = TempDir::new("claim-outbox");
    let staging = actix_wizard::upload::Staging::in_memory();
    let (app, claims) = claim_app_saving(&outbox.0, staging.clone()).await;
    let mut first = app.visitor::<Claim>("/claim");
    reach_expenses(&mut first).await;
    first
        .submit(&details(Category::Meals, "Dinner with a client", 60))
        .await
        .assert_step("receipt");
    let pdf = receipt_pdf("dinner");
    // The receipt is held on the page (another field's error is not
    // needed: Save keeps what the page holds as its draft).
    let ask = first
        .press_with_files("save", &[], &[("receipt", "dinner.pdf", &pdf)])
        .await;
    assert!(
        ask.url().starts_with("/claim/save?from="),
        "{}",
        ask.describe()
    );
    assert_eq!(
        ask.value("email").as_deref(),
        Some("ann@example.com"),
        "filled in from the claimant"
    );
    let sent = first.submit_pairs(&[("email", "ann@example.com")]).await;
    assert!(
        sent.text().contains("a***@example.com"),
        "{}",
        sent.describe()
    );
    assert!(
        sent.text().contains("works once, until"),
        "{}",
        sent.describe()
    );
    let link = link_in(&outbox.0);
    // Two hours on, the first session's run has expired; the sweeper runs
    // well past the idle time and keeps the saved claim's receipt.
    app.clock().advance(Duration::from_secs(2 * 3600));
    let later = SystemTime::now() + Duration::from_secs(2 * 3600);
    let swept = staging
        .sweep(Duration::from_secs(35 * 60), later)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(swept.runs_gone, 0, "a saved claim's files stay: {swept:?}");
    // Another browser resumes it, on the receipt page, the receipt held.
    let mut second = app.visitor::<Claim>("/claim");
    second.open(&link).await.assert_status(200);
    let resumed = second.submit_pairs(&[("email", "ann@example.com")]).await;
    resumed.assert_step("receipt");
    assert!(
        resumed.text().contains("dinner.pdf"),
        "{}",
        resumed.describe()
    );
    second.submit_files(&[], &[]).await.assert_step("expenses");
    second.add_another(false).await.assert_step("bank");
    second.submit(&bank()).await.assert_step("check");
    let done = second.submit(&Check { declaration: true }).await;
    done.assert_complete();
    assert_eq!(claims.count().await, 1);
    // The link now says the claim was sent.
    let mut third = app.visitor::<Claim>("/claim");
    let gone = third.open(&link).await;
    gone.assert_status(410);
    assert!(gone.text().contains("already been"), "{}", gone.describe());
}

/// What a saved claim occupies: ten expenses, three of them with a
/// receipt, saved from the list page. `cargo test -p
/// actix-wizard-testsuite --test claim_save occupies -- --nocapture`
/// prints the figures.
#[actix_rt::test]
async fn a_saved_claim_of_ten_expenses_and_three_receipts_occupies_a_few_kilobytes() {
    use claims::add_expense;
    let outbox = TempDir::new("claim-outbox-size");
    let staging = actix_wizard::upload::Staging::in_memory();
    let (app, claims) = claim_app_saving(&outbox.0, staging).await;
    let mut visitor = app.visitor::<Claim>("/claim");
    reach_expenses(&mut visitor).await;
    for n in 0..10 {
        let pounds = if n < 3 { 60 } else { 12 };
        add_expense(
            &mut visitor,
            details(Category::Meals, &format!("Lunch on day {n}"), pounds),
        )
        .await;
        if n < 9 {
            visitor.add_another(true).await;
        }
    }
    visitor.page().assert_step("expenses");
    visitor
        .save_for_later("ann@example.com")
        .await
        .assert_status(200);
    let (sealed, whole): (i64, i64) = sqlx::query_as(
        "SELECT LENGTH(sealed), LENGTH(run_id) + LENGTH(wizard) + LENGTH(page) + LENGTH(token_hash) \
         + LENGTH(email_tag) + LENGTH(sealed) + 8 * 3 + LENGTH(status) FROM wizard_saved_runs",
    )
    .fetch_one(claims.pool())
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "a saved claim of 10 expenses and 3 receipts: sealed state {sealed} bytes, row {whole} bytes"
    );
    assert!((2_000..16_000).contains(&sealed), "{sealed} bytes");
}
