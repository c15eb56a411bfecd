//! The signup example on the testing kit, and its typed answers.

use actix_session::storage::SessionStore;
use actix_web::{App, web};
use actix_wizard::testing::{Answers, Seen, TestApp, Visitor};
use actix_wizard::{MemoryStore, Secret, WizardConfig, WizardSetup};

use super::app::{Account, AccountType, Accounts, Company, Interest, Profile, Signup};

/// The signup example as its server builds it, with the README's default
/// configuration (secure cookies included), and its accounts.
pub async fn signup() -> (TestApp, web::Data<Accounts>) {
    let accounts = web::Data::new(Accounts::default());
    let app = signup_on(shared(MemoryStore::default()), config(), accounts.clone()).await;
    (app, accounts)
}

/// A factory that hands out `store` itself (its clones share its data),
/// as `WizardSetup::new` does.
pub fn shared<St: Clone + Send + Sync + 'static>(
    store: St,
) -> impl Fn() -> St + Clone + Send + Sync {
    move || store.clone()
}

/// The example's configuration: the README's default, with the example's
/// words.
pub fn config() -> WizardConfig {
    WizardConfig::default()
}

/// The signup example on the store `make_store` makes, with `config`,
/// keeping its accounts in `accounts` (shared, as a database is, by every
/// instance given it).
pub async fn signup_on<St>(
    make_store: impl Fn() -> St + Send + Sync + 'static,
    config: WizardConfig,
    accounts: web::Data<Accounts>,
) -> TestApp
where
    St: SessionStore + 'static,
{
    let setup = WizardSetup::with_store_factory(make_store, super::key(), config);
    TestApp::new(setup, move |setup| {
        App::new()
            .wrap(setup.middleware())
            .configure(super::app::routes(setup.wizard("/signup"), accounts))
    })
    .await
}

/// A valid account step.
pub fn account(email: &str, kind: AccountType) -> Account {
    Account {
        email: email.into(),
        password: Secret::new("secret123"),
        password_confirm: Secret::new("secret123"),
        account_type: Some(kind),
    }
}

/// A valid company step.
pub fn company() -> Company {
    Company {
        company_name: "Acme Ltd".into(),
        vat_id: Some("GB123456789".into()),
        employees: Some(12),
    }
}

/// A valid profile step.
pub fn profile() -> Profile {
    Profile {
        display_name: "Ann".into(),
        age: Some(34),
        interests: vec![Interest::Rust, Interest::Data],
        newsletter: true,
        bio: Some("Hello <b>there</b>".into()),
    }
}

/// `base` with `field` set to `value`, or left out when `None`: what a
/// browser sends when the visitor changes one field.
pub fn with<'a>(
    base: &[(&'a str, &'a str)],
    field: &'a str,
    value: Option<&'a str>,
) -> Vec<(&'a str, &'a str)> {
    let mut pairs: Vec<(&str, &str)> = base.iter().copied().filter(|(k, _)| *k != field).collect();
    if let Some(value) = value {
        pairs.push((field, value));
    }
    pairs
}

/// Like [`signup_on`], for one of several instances sharing the store:
/// finished runs recorded in `ledger`, as the README's load-balancer setup
/// does.
pub async fn signup_instance<St, L>(
    make_store: impl Fn() -> St + Send + Sync + 'static,
    ledger: L,
    accounts: web::Data<Accounts>,
) -> TestApp
where
    St: SessionStore + 'static,
    L: actix_wizard::ledger::RunLedger,
{
    let setup = WizardSetup::with_store_factory(make_store, super::key(), config());
    TestApp::new(setup, move |setup| {
        App::new()
            .wrap(setup.middleware())
            .configure(super::app::routes(
                setup.wizard_with_ledger("/signup", ledger),
                accounts,
            ))
    })
    .await
}

/// The account done (Ann, personal), the visitor on the profile step.
pub async fn reach_profile(visitor: &mut Visitor<'_, Signup>) {
    visitor
        .start_with(Answers::new().with(&account("ann@example.com", AccountType::Personal)))
        .await
        .assert_step("profile");
}

/// A personal account for `email` and the profile done, the visitor on the
/// review step.
pub async fn reach_review(visitor: &mut Visitor<'_, Signup>, email: &str) {
    visitor
        .start_with(
            Answers::new()
                .with(&account(email, AccountType::Personal))
                .with(&profile()),
        )
        .await
        .assert_step("review");
}

/// The account step's answers are as [`reach_profile`] stored them, and
/// the profile is still to do.
pub async fn assert_account_intact(visitor: &mut Visitor<'_, Signup>) {
    assert_eq!(
        visitor.open("/signup").await.redirects(),
        ["/signup/profile"]
    );
    let page = visitor.open("/signup/account").await;
    assert_eq!(
        page.value(Account::EMAIL).as_deref(),
        Some("ann@example.com")
    );
    let page = visitor.open("/signup/profile").await;
    assert_eq!(page.value(Profile::DISPLAY_NAME).as_deref(), Some(""));
}

/// The page tells the visitor their earlier answers expired.
#[track_caller]
pub fn assert_told_answers_expired(page: &Seen) {
    assert!(
        page.notice()
            .is_some_and(|n| n.contains("Your earlier answers were deleted")),
        "{}",
        page.describe()
    );
}

/// An application of one wizard `W` at `path`, on the memory store, as a
/// test of the crate's own mechanisms builds it.
pub async fn app_of<W: actix_wizard::Wizard>(path: &'static str, config: WizardConfig) -> TestApp {
    let setup =
        actix_wizard::WizardSetup::new(actix_wizard::MemoryStore::default(), super::key(), config);
    TestApp::new(setup, move |setup| {
        actix_web::App::new()
            .wrap(setup.middleware())
            .service(setup.wizard::<W>(path))
    })
    .await
}

/// What `build` panicked with, empty when it did not: a declaration
/// mistake found at start-up.
pub fn panic_of(build: impl FnOnce() + std::panic::UnwindSafe) -> String {
    match std::panic::catch_unwind(build) {
        Ok(()) => String::new(),
        Err(panic) => panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default(),
    }
}

/// What building the service of wizard `W` panicked with.
pub fn refusal_of<W: actix_wizard::Wizard>() -> String {
    panic_of(|| {
        let _ = actix_wizard::WizardService::<W>::new("/refused", WizardConfig::default());
    })
}
