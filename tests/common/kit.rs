//! The signup example on the testing kit, and its typed answers.

use actix_web::{App, web};
use actix_wizard::testing::TestApp;
use actix_wizard::{MemoryStore, Secret, WizardConfig, WizardSetup};

use super::app::{Account, AccountType, Accounts, Company, Interest, Profile};

/// The signup example as its server builds it, with the README's default
/// configuration (secure cookies included), and its accounts.
pub async fn signup() -> (TestApp, web::Data<Accounts>) {
    let accounts = web::Data::new(Accounts::default());
    let data = accounts.clone();
    let config = WizardConfig::default().texts(super::app::texts());
    let setup = WizardSetup::new(MemoryStore::default(), super::key(), config);
    let app = TestApp::new(setup, move |setup| {
        App::new()
            .wrap(setup.middleware())
            .configure(super::app::routes(setup.wizard("/signup"), data))
    })
    .await;
    (app, accounts)
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
