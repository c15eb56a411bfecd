//! What the claim's tests share: the claim example's app on the testing
//! kit, and the answers and moves of a claim.

#![allow(dead_code)] // each test binary uses a different part

// The claim's module carries its own copy of the examples' migrator, as
// the signup's (in `common`) does: two modules of one file, on purpose.
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../../../examples/claim/app.rs"]
pub mod app;

use actix_session::storage::SessionStore;

use actix_web::{App, cookie::Key, web};
use actix_wizard::testing::{Seen, TestApp, Visitor};
use actix_wizard::{Date, MemoryStore, Money, WizardConfig, WizardSetup};
use app::{
    Bank, Category, Claim, Claimant, Claims, Contact, Eligibility, ExpenseDetails, Journey,
    SortCode, YesNo,
};

pub async fn claim_app() -> (TestApp, web::Data<Claims>) {
    claim_app_on(MemoryStore::default()).await
}

/// The claim example with its sessions in `store`.
pub async fn claim_app_on<S>(store: S) -> (TestApp, web::Data<Claims>)
where
    S: SessionStore + Clone + Send + Sync + 'static,
{
    let claims = open_claims().await;
    // The receipts are kept in memory.
    let uploads = actix_wizard::upload::Uploads::new(actix_wizard::upload::Staging::in_memory());
    let config = WizardConfig::default().uploads(uploads);
    serve(store, config, claims).await
}

/// A claims database of the test's own.
async fn open_claims() -> Claims {
    Claims::open("sqlite::memory:")
        .await
        .unwrap_or_else(|e| panic!("the claims database: {e}"))
}

/// The claim example on `store` with `config`, keeping claims in `claims`.
async fn serve<S>(store: S, config: WizardConfig, claims: Claims) -> (TestApp, web::Data<Claims>)
where
    S: SessionStore + Clone + Send + Sync + 'static,
{
    let claims = web::Data::new(claims);
    let data = claims.clone();
    let config = app::in_both_languages(config).unwrap_or_else(|e| panic!("{e}"));
    let setup = WizardSetup::new(store, Key::from(&[7u8; 64]), config);
    let app = TestApp::new(setup, move |setup| {
        App::new()
            .wrap(setup.middleware())
            .configure(app::routes(setup.wizard::<Claim>("/claim"), data))
    })
    .await;
    (app, claims)
}

/// The claim example with "save and come back later" on, as its
/// `main.rs` sets it: saved claims in the claims' database, links written
/// to the outbox `outbox`, receipts staged in `staging`.
pub async fn claim_app_saving(
    outbox: &std::path::Path,
    staging: actix_wizard::upload::Staging,
) -> (TestApp, web::Data<Claims>) {
    let claims = open_claims().await;
    let outbox = actix_wizard::save_return::Outbox::new(outbox, "Claims <no-reply@example.org>")
        .unwrap_or_else(|e| panic!("{e}"));
    let week = std::time::Duration::from_secs(7 * 24 * 3600);
    let saving = claims
        .saving(outbox, week)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let config = WizardConfig::default()
        .uploads(actix_wizard::upload::Uploads::new(staging))
        .save_and_return(saving);
    serve(MemoryStore::default(), config, claims).await
}

pub fn claimant(contact: Contact, phone: Option<&str>) -> Claimant {
    Claimant {
        full_name: "Ann Example".into(),
        email: "ann@example.com".into(),
        contact: Some(contact),
        phone: phone.map(str::to_owned),
    }
}

pub fn bank() -> Bank {
    Bank {
        account_name: "A Example".into(),
        sort_code: SortCode::from("30 94-36".to_owned()),
        account_number: "0073 3445".into(),
    }
}

pub fn details(category: Category, description: &str, pounds: u64) -> ExpenseDetails {
    ExpenseDetails {
        date: Date::from_ymd(2026, 11, 2),
        category: Some(category),
        description: description.into(),
        amount: Money::from_pounds(pounds),
    }
}

pub fn journey() -> Journey {
    Journey {
        from: "Home".into(),
        to: "Airport".into(),
        miles: Some(12),
    }
}

/// A receipt as the claim takes it: a small PDF.
pub fn receipt_pdf(what: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% a receipt: {what}\n%%EOF\n").into_bytes()
}

/// Adds an expense from the page of a new one: its details, its journey
/// for travel, then its receipt (a PDF over £25, none otherwise); back on
/// the list. The item's id.
pub async fn add_expense(visitor: &mut Visitor<'_, Claim>, expense: ExpenseDetails) -> String {
    let travel = expense.category == Some(Category::Travel);
    let over_25 = expense.amount > Money::from_pounds(25);
    let page = visitor.page();
    page.assert_step("expense");
    let item = page.item().unwrap_or_default().to_owned();
    let page = visitor.submit(&expense).await;
    if travel {
        page.assert_step("journey");
        assert_eq!(page.item(), Some(item.as_str()));
        visitor.submit(&journey()).await;
    }
    visitor.page().assert_step("receipt");
    let pdf = receipt_pdf(&expense.description);
    let files: Vec<(&str, &str, &[u8])> = match over_25 {
        true => vec![("receipt", "receipt.pdf", &pdf)],
        false => Vec::new(),
    };
    visitor.submit_files(&[], &files).await;
    visitor.page().assert_step("expenses");
    item
}

/// A new claim, eligibility answered yes: on the claimant's page.
pub async fn reach_claimant<'v>(visitor: &'v mut Visitor<'_, Claim>) -> &'v Seen {
    visitor.open("/claim").await.assert_step("eligibility");
    let employee = Eligibility {
        employee: Some(YesNo::Yes),
    };
    let page = visitor.submit(&employee).await;
    page.assert_step("claimant");
    page
}

/// Eligibility and the claimant answered: on a new expense's page.
pub async fn reach_expenses(visitor: &mut Visitor<'_, Claim>) {
    reach_claimant(visitor).await;
    visitor
        .submit(&claimant(Contact::Email, None))
        .await
        .assert_step("expense");
}

pub async fn reach_check(visitor: &mut Visitor<'_, Claim>) {
    reach_expenses(visitor).await;
    add_expense(
        visitor,
        details(Category::Travel, "Taxi to the airport", 45),
    )
    .await;
    visitor.add_another(false).await.assert_step("bank");
    visitor.submit(&bank()).await.assert_step("check");
}

/// The claim's reference (`CLM-` and 8 characters) on its completion
/// page.
pub fn reference_on(done: &Seen) -> String {
    let text = done.text();
    text.split_whitespace()
        .find(|word| word.starts_with("CLM-"))
        .map(|word| word.trim_end_matches('.').to_owned())
        .unwrap_or_else(|| panic!("no reference in {text}"))
}
