//! The signup's accounts in real databases: SQLite (a file two instances
//! share) and PostgreSQL (skipped with a printed reason when no server
//! answers; with `CI=true` that is a failure).

mod common;

use std::net::SocketAddr;

use actix_web::web;
use actix_wizard::MemoryStore;
use common::app::{Account, AccountType, Accounts, Review, Signup};
use common::kit;
use common::postgres::{
    drop_schema, postgres_addr, postgres_schema, postgres_url, table_statistics,
};
use common::proxy::CuttableProxy;
use common::servers::TempDir;

const ACCEPT: Review = Review { accept_terms: true };
const TAKEN: &str = "An account with this email address already exists";

async fn open(url: &str) -> web::Data<Accounts> {
    web::Data::new(
        Accounts::open(url)
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}")),
    )
}

/// Two instances, each with its own pool on the same database and
/// sharing one session store; two visitors finish with the same address
/// (in two spellings) at once: one account, and the other visitor is back
/// on the account step with the field's error.
async fn one_account_per_email_across_instances(url: &str) {
    let store = kit::shared(MemoryStore::default());
    let (on_one, on_two) = (open(url).await, open(url).await);
    let one = kit::signup_on(store.clone(), kit::config(), on_one.clone()).await;
    let two = kit::signup_on(store, kit::config(), on_two.clone()).await;
    let mut ann = one.visitor::<Signup>("/signup");
    let mut bea = two.visitor::<Signup>("/signup");
    for (visitor, email) in [
        (&mut ann, "same@example.com"),
        (&mut bea, "Same@Example.COM"),
    ] {
        kit::reach_review(visitor, email).await;
    }
    let (first, second) = futures_util::join!(ann.submit(&ACCEPT), bea.submit(&ACCEPT));
    let (done, refused) = match first.is_complete() {
        true => (first, second),
        false => (second, first),
    };
    done.assert_complete();
    refused.assert_step("account");
    refused.assert_error(Account::EMAIL, TAKEN);
    assert_eq!(on_one.count().await, 1);
    assert_eq!(on_two.count().await, 1);
    let account = on_one
        .get("SAME@example.com")
        .await
        .unwrap_or_else(|| panic!("no account"));
    assert_eq!(account.display_name, "Ann");
}

/// A run whose finish already created its account (on another instance,
/// whose reply was lost and whose claim lapsed) finishes again: the email
/// check does not take its own account for someone else's, and no second
/// account is made.
async fn finishing_a_run_again_creates_nothing_new(url: &str) {
    let accounts = open(url).await;
    let app = kit::signup_on(
        kit::shared(MemoryStore::default()),
        kit::config(),
        accounts.clone(),
    )
    .await;
    let mut visitor = app.visitor::<Signup>("/signup");
    kit::reach_review(&mut visitor, "again@example.com").await;
    let run = visitor.run_id().unwrap_or_else(|| panic!("no run id"));
    let earlier = Signup {
        account: kit::account("again@example.com", AccountType::Personal),
        profile: kit::profile(),
        ..Signup::default()
    };
    accounts
        .create(&earlier, &run)
        .await
        .unwrap_or_else(|_| panic!("the first finish's account"));
    visitor.submit(&ACCEPT).await.assert_complete();
    assert_eq!(accounts.count().await, 1);
    let account = accounts.get("again@example.com").await;
    assert_eq!(account.map(|a| a.run), Some(run));
}

/// Page views send no statement; a completed signup sends two (the email
/// check on the account step and the finish's insert: the check is
/// `check_once`, since the insert refuses a taken address anyway).
async fn statements_per_page_and_per_signup(url: &str) {
    let accounts = open(url).await;
    let app = kit::signup_on(
        kit::shared(MemoryStore::default()),
        kit::config(),
        accounts.clone(),
    )
    .await;
    let mut visitor = app.visitor::<Signup>("/signup");
    let before = accounts.statements();
    visitor.open("/signup").await.assert_step("account");
    visitor.open("/signup/account").await.assert_step("account");
    assert_eq!(
        accounts.statements(),
        before,
        "a page view sent a statement"
    );
    visitor
        .submit(&kit::account("count@example.com", AccountType::Personal))
        .await
        .assert_step("profile");
    assert_eq!(
        accounts.statements(),
        before + 1,
        "the account step's check"
    );
    visitor.submit(&kit::profile()).await.assert_step("review");
    visitor.open("/signup/account").await;
    visitor.open("/signup/review").await.assert_step("review");
    assert_eq!(accounts.statements(), before + 1, "other steps and views");
    visitor.submit(&ACCEPT).await.assert_complete();
    assert_eq!(accounts.statements(), before + 2, "the finish");
}

#[actix_rt::test]
async fn sqlite_two_instances_register_an_email_once() {
    let dir = TempDir::new("sqlite-two");
    let url = format!("sqlite:{}?mode=rwc", dir.0.join("accounts.db").display());
    one_account_per_email_across_instances(&url).await;
}

#[actix_rt::test]
async fn sqlite_a_run_finishing_again_creates_no_second_account() {
    finishing_a_run_again_creates_nothing_new("sqlite::memory:").await;
}

#[actix_rt::test]
async fn sqlite_statements_per_page_view_and_per_signup() {
    statements_per_page_and_per_signup("sqlite::memory:").await;
}

#[actix_rt::test]
async fn postgres_two_instances_register_an_email_once() {
    let Some(schema) = postgres_schema("two").await else {
        return;
    };
    one_account_per_email_across_instances(&postgres_url(postgres_addr(), &schema)).await;
    drop_schema(&schema).await;
}

#[actix_rt::test]
async fn postgres_a_run_finishing_again_creates_no_second_account() {
    let Some(schema) = postgres_schema("again").await else {
        return;
    };
    finishing_a_run_again_creates_nothing_new(&postgres_url(postgres_addr(), &schema)).await;
    drop_schema(&schema).await;
}

/// PostgreSQL's own statistics agree with the application's count: one
/// row written, and the table read (the two email checks, by sequential
/// scan while it is tiny, and the insert's probes of its two unique keys).
#[actix_rt::test]
async fn postgres_statements_per_page_view_and_per_signup() {
    let Some(schema) = postgres_schema("count").await else {
        return;
    };
    statements_per_page_and_per_signup(&postgres_url(postgres_addr(), &schema)).await;
    let (scans, inserted) = table_statistics(&schema, "accounts", 1).await;
    eprintln!("pg_stat_user_tables for accounts: {scans} scans, {inserted} rows inserted");
    assert_eq!(inserted, 1);
    assert!(
        scans >= 2,
        "the two email checks read the table: {scans} scans"
    );
    drop_schema(&schema).await;
}

/// The database goes away just before the finish: the visitor gets the
/// "your answers are safe" page, nothing is created, and once it is back
/// the same button finishes the signup.
#[actix_rt::test]
async fn postgres_an_outage_at_finish_keeps_the_answers_and_the_retry_succeeds() {
    let Some(schema) = postgres_schema("outage").await else {
        return;
    };
    let proxy = CuttableProxy::start(postgres_addr()).await;
    let through_proxy: SocketAddr = ([127, 0, 0, 1], proxy.port).into();
    let accounts = open(&postgres_url(through_proxy, &schema)).await;
    let app = kit::signup_on(
        kit::shared(MemoryStore::default()),
        kit::config(),
        accounts.clone(),
    )
    .await;
    let mut visitor = app.visitor::<Signup>("/signup");
    kit::reach_review(&mut visitor, "outage@example.com").await;

    proxy.cut();
    let failed = visitor.submit(&ACCEPT).await;
    // As a store outage: 503, and when to try again.
    assert_eq!(failed.status().as_u16(), 503, "{}", failed.describe());
    assert_eq!(failed.header("retry-after"), Some("5"));
    assert!(
        failed.text().contains("Your answers are safe"),
        "{}",
        failed.describe()
    );

    proxy.restore();
    assert_eq!(
        accounts.count().await,
        0,
        "the failed finish created an account"
    );
    visitor.open("/signup/review").await.assert_step("review");
    visitor.submit(&ACCEPT).await.assert_complete();
    assert_eq!(accounts.count().await, 1);
    drop(proxy);
    drop_schema(&schema).await;
}
