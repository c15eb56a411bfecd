//! The signup wizard: its steps, its accounts, its routes.
//!
//! Shared by `main.rs` (the server) and the integration tests, which build
//! the same application on `actix_web::test`.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use actix_web::{HttpRequest, HttpResponse, web};
use actix_wizard::{
    Choice, CompletePage, FieldErrors, Finish, FinishError, Layout, Secret, Step, Steps, Wizard,
    WizardService,
};
use regex::Regex;
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

const EMAIL_TAKEN: &str = "An account with this email address already exists";

// ---------------------------------------------------------------- accounts

/// An account the finished signup created.
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    pub email: String,
    pub display_name: String,
    pub business: Option<String>,
    pub run: String,
}

/// The application's accounts (in memory: this is an example).
#[derive(Default)]
pub struct Accounts {
    by_email: Mutex<HashMap<String, CreatedAccount>>,
}

impl Accounts {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, CreatedAccount>> {
        self.by_email
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether an account exists for this address (case-insensitive).
    pub fn is_taken(&self, email: &str) -> bool {
        self.lock().contains_key(&email.to_lowercase())
    }

    /// Creates the finished signup's account, unless its address is taken:
    /// then the account step is shown again, with the email field's error.
    pub fn create(&self, signup: &Signup, run: &str) -> Result<(), FinishError> {
        let mut accounts = self.lock();
        let key = signup.account.email.to_lowercase();
        if accounts.contains_key(&key) {
            return Err(FinishError::invalid_field(Account::EMAIL, EMAIL_TAKEN));
        }
        let account = CreatedAccount {
            email: signup.account.email.clone(),
            display_name: signup.profile.display_name.clone(),
            business: signup.company.as_ref().map(|c| c.company_name.clone()),
            run: run.to_owned(),
        };
        accounts.insert(key, account);
        Ok(())
    }

    /// How many accounts exist.
    pub fn count(&self) -> usize {
        self.lock().len()
    }

    /// The account for an address.
    pub fn get(&self, email: &str) -> Option<CreatedAccount> {
        self.lock().get(&email.to_lowercase()).cloned()
    }
}

fn accounts_of(request: &HttpRequest) -> Option<&web::Data<Accounts>> {
    request.app_data::<web::Data<Accounts>>()
}

// ---------------------------------------------------------------- step 1

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "lowercase")]
pub enum AccountType {
    Personal,
    Business,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Create your account", check = email_is_free)]
pub struct Account {
    #[field(label = "Email address", kind = "email", autocomplete = "email")]
    #[validate(
        length(min = 1, message = "Enter your email address"),
        email(message = "Enter an email address in the correct format, like name@example.com")
    )]
    pub email: String,
    #[field(
        hint = "8 to 128 characters, with at least one letter and one number",
        autocomplete = "new-password"
    )]
    #[validate(custom(function = "password_rules"))]
    pub password: Secret,
    #[field(label = "Confirm password", autocomplete = "new-password")]
    #[validate(must_match(other = "password", message = "Enter the same password as above"))]
    pub password_confirm: Secret,
    #[validate(required(message = "Select the type of account"))]
    pub account_type: Option<AccountType>,
}

fn password_rules(password: &Secret) -> Result<(), ValidationError> {
    let text = password.expose();
    let mixed = text.contains(char::is_alphabetic) && text.contains(|c: char| c.is_ascii_digit());
    let message = match text.chars().count() {
        0 => "Enter a password",
        8..=128 if mixed => return Ok(()),
        8..=128 => "Password must include at least one letter and one number",
        _ => "Password must be between 8 and 128 characters",
    };
    Err(ValidationError::new("password").with_message(message.into()))
}

async fn email_is_free(account: &Account, request: &HttpRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if accounts_of(request).is_some_and(|a| a.is_taken(&account.email)) {
        errors.add(Account::EMAIL, EMAIL_TAKEN);
    }
    errors
}

// ---------------------------------------------------------------- step 2

static VAT_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Z]{2}[A-Za-z0-9]{8,12}$").unwrap_or_else(|e| panic!("VAT pattern: {e}"))
});

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "About your company")]
pub struct Company {
    #[field(autocomplete = "organization")]
    #[validate(length(min = 2, max = 100))]
    pub company_name: String,
    #[field(
        label = "VAT number",
        hint = "Two capital letters followed by 8 to 12 letters or numbers, like GB123456789",
        autocomplete = "off",
        spellcheck = false
    )]
    #[validate(regex(
        path = *VAT_ID,
        message = "Enter a VAT number that starts with two capital letters followed by 8 to 12 letters or numbers, like GB123456789"
    ))]
    pub vat_id: Option<String>,
    #[field(
        label = "Number of employees",
        hint = "A whole number from 1 to 100,000",
        autocomplete = "off",
        width = 10,
        type_error = "Enter a whole number"
    )]
    #[validate(
        required(message = "Enter the number of employees"),
        range(
            min = 1,
            max = 100_000,
            message = "Number of employees must be between 1 and 100,000"
        )
    )]
    pub employees: Option<u32>,
}

// ---------------------------------------------------------------- step 3

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "lowercase")]
pub enum Interest {
    Rust,
    Web,
    Data,
    Design,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Your profile")]
pub struct Profile {
    #[field(autocomplete = "nickname", width = 20)]
    #[validate(length(
        min = 1,
        max = 40,
        message = "Enter a display name of 1 to 40 characters"
    ))]
    pub display_name: String,
    #[field(width = 5, autocomplete = "off", type_error = "Enter a whole number")]
    #[validate(required(message = "Enter your age"), range(min = 13, max = 120))]
    pub age: Option<u32>,
    #[field(hint = "Select all that apply.")]
    #[validate(length(min = 1, message = "Select at least one interest"))]
    pub interests: Vec<Interest>,
    #[field(checkbox = "Send me the monthly newsletter")]
    pub newsletter: bool,
    #[field(kind = "textarea", max_chars = 500)]
    #[validate(length(max = 500))]
    pub bio: Option<String>,
}

// ---------------------------------------------------------------- step 4

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Check your answers", button = "Create account")]
pub struct Review {
    #[field(
        label = "Terms and conditions",
        checkbox = "I accept the terms and conditions"
    )]
    #[validate(custom(
        function = "actix_wizard::ticked",
        message = "Accept the terms and conditions to create your account"
    ))]
    pub accept_terms: bool,
}

// ---------------------------------------------------------------- the wizard

/// The finished signup, as the application receives it.
#[derive(Debug, Default)]
pub struct Signup {
    pub account: Account,
    pub company: Option<Company>,
    pub profile: Profile,
    pub review: Review,
}

impl Wizard for Signup {
    const ID: &'static str = "signup";
    /// The display name, which the completion page greets.
    type Outcome = String;

    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|s| &mut s.account)
            .step_if(
                |s| &mut s.company,
                |s| s.account.account_type == Some(AccountType::Business),
            )
            .step(|s| &mut s.profile)
            .step(|s| &mut s.review)
    }

    async fn finish(self, finish: &Finish) -> Result<String, FinishError> {
        let accounts = accounts_of(finish.request())
            .ok_or_else(|| FinishError::failed("accounts are not configured"))?;
        accounts.create(&self, finish.run())?;
        Ok(self.profile.display_name)
    }

    fn render_complete(name: &String, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        let welcome = format!("Welcome, {name}");
        page.confirmation(
            "Account created",
            &welcome,
            "Your account has been created.",
        )
    }

    fn layout(layout: &Layout<'_>) -> Result<String, askama::Error> {
        Ok(layout.service_document("Example signup", "/static/signup.css"))
    }
}

// ---------------------------------------------------------------- server limits

/// How long a client may take to send its request head: slower clients
/// (slowloris) are answered 408 and dropped instead of holding a slot.
pub const CLIENT_REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
/// How long an idle keep-alive connection is kept.
pub const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(15);

// ---------------------------------------------------------------- routes

const STYLESHEET: &str = include_str!("static/signup.css");

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(STYLESHEET)
}

async fn home() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", "/signup"))
        .finish()
}

/// The example's routes: the wizard at `/signup`, its stylesheet, and `/`
/// leading to the wizard.
pub fn routes(
    signup: WizardService<Signup>,
    accounts: web::Data<Accounts>,
) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        config
            .app_data(accounts)
            .route("/", web::get().to(home))
            .route("/static/signup.css", web::get().to(stylesheet))
            .service(signup);
    }
}
