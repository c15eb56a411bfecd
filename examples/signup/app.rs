//! The signup wizard: its steps, its accounts, its routes.
//!
//! Shared by `main.rs` (the server) and the integration tests, which build
//! the same application on `actix_web::test`.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use actix_web::{HttpRequest, HttpResponse, web};
use actix_wizard::{
    Answer, CompletePage, FieldErrors, Finish, FinishError, Page, Secret, Step, Steps, Wizard,
    WizardService,
};
use askama::Template;
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

    /// Creates the account unless the address is taken.
    pub fn create(&self, account: CreatedAccount) -> Result<(), CreatedAccount> {
        let mut accounts = self.lock();
        let key = account.email.to_lowercase();
        if accounts.contains_key(&key) {
            return Err(account);
        }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountType {
    Personal,
    Business,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate)]
pub struct Account {
    #[validate(
        length(min = 1, message = "Enter your email address"),
        email(message = "Enter an email address in the correct format, like name@example.com")
    )]
    pub email: String,
    #[validate(custom(function = "password_rules"))]
    pub password: Secret,
    #[validate(must_match(other = "password", message = "Enter the same password as above"))]
    pub password_confirm: Secret,
    #[validate(required(message = "Select the type of account"))]
    pub account_type: Option<AccountType>,
}

fn password_rules(password: &Secret) -> Result<(), ValidationError> {
    let text = password.expose();
    let length = text.chars().count();
    let message = if length == 0 {
        "Enter a password"
    } else if !(8..=128).contains(&length) {
        "Password must be between 8 and 128 characters"
    } else if !(text.chars().any(char::is_alphabetic) && text.chars().any(|c| c.is_ascii_digit())) {
        "Password must include at least one letter and one number"
    } else {
        return Ok(());
    };
    Err(ValidationError::new("password").with_message(message.into()))
}

#[derive(Template)]
#[template(path = "signup/account.html")]
struct AccountPage<'a, 'p> {
    page: &'a Page<'p>,
}

impl Step for Account {
    const NAME: &'static str = "account";
    const TITLE: &'static str = "Create your account";

    fn render(page: &Page<'_>) -> Result<String, askama::Error> {
        AccountPage { page }.render()
    }

    async fn check(&self, request: &HttpRequest) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if accounts_of(request).is_some_and(|a| a.is_taken(&self.email)) {
            errors.add("email", EMAIL_TAKEN);
        }
        errors
    }

    fn answers(&self) -> Vec<Answer> {
        let kind = match self.account_type {
            Some(AccountType::Business) => "Business",
            Some(AccountType::Personal) => "Personal",
            None => "Not provided",
        };
        vec![
            Answer::new("email", "Email address", self.email.as_str()),
            Answer::new("account_type", "Account type", kind),
        ]
    }
}

// ---------------------------------------------------------------- step 2

static VAT_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Z]{2}[A-Za-z0-9]{8,12}$").unwrap_or_else(|e| panic!("VAT pattern: {e}"))
});

#[derive(Debug, Default, Serialize, Deserialize, Validate)]
pub struct Company {
    #[validate(length(
        min = 2,
        max = 100,
        message = "Company name must be between 2 and 100 characters"
    ))]
    pub company_name: String,
    #[validate(regex(
        path = *VAT_ID,
        message = "Enter a VAT number that starts with two capital letters followed by 8 to 12 letters or numbers, like GB123456789"
    ))]
    pub vat_id: Option<String>,
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

#[derive(Template)]
#[template(path = "signup/company.html")]
struct CompanyPage<'a, 'p> {
    page: &'a Page<'p>,
}

impl Step for Company {
    const NAME: &'static str = "company";
    const TITLE: &'static str = "About your company";

    fn render(page: &Page<'_>) -> Result<String, askama::Error> {
        CompanyPage { page }.render()
    }

    fn answers(&self) -> Vec<Answer> {
        vec![
            Answer::new("company_name", "Company name", self.company_name.as_str()),
            Answer::new(
                "vat_id",
                "VAT number",
                self.vat_id.clone().unwrap_or_else(|| "Not provided".into()),
            ),
            Answer::new(
                "employees",
                "Number of employees",
                self.employees.map(|n| n.to_string()).unwrap_or_default(),
            ),
        ]
    }
}

// ---------------------------------------------------------------- step 3

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Interest {
    Rust,
    Web,
    Data,
    Design,
}

impl Interest {
    fn label(self) -> &'static str {
        match self {
            Self::Rust => "Rust",
            Self::Web => "Web",
            Self::Data => "Data",
            Self::Design => "Design",
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize, Validate)]
pub struct Profile {
    #[validate(length(
        min = 1,
        max = 40,
        message = "Enter a display name of 1 to 40 characters"
    ))]
    pub display_name: String,
    #[validate(
        required(message = "Enter your age"),
        range(min = 13, max = 120, message = "Age must be between 13 and 120")
    )]
    pub age: Option<u32>,
    #[validate(length(min = 1, message = "Select at least one interest"))]
    pub interests: Vec<Interest>,
    pub newsletter: bool,
    #[validate(length(max = 500, message = "Bio must be 500 characters or fewer"))]
    pub bio: Option<String>,
}

#[derive(Template)]
#[template(path = "signup/profile.html")]
struct ProfilePage<'a, 'p> {
    page: &'a Page<'p>,
}

impl Step for Profile {
    const NAME: &'static str = "profile";
    const TITLE: &'static str = "Your profile";

    fn render(page: &Page<'_>) -> Result<String, askama::Error> {
        ProfilePage { page }.render()
    }

    fn answers(&self) -> Vec<Answer> {
        let interests: Vec<&str> = self.interests.iter().map(|i| i.label()).collect();
        vec![
            Answer::new("display_name", "Display name", self.display_name.as_str()),
            Answer::new(
                "age",
                "Age",
                self.age.map(|a| a.to_string()).unwrap_or_default(),
            ),
            Answer::new("interests", "Interests", interests.join(", ")),
            Answer::new(
                "newsletter",
                "Newsletter",
                if self.newsletter { "Yes" } else { "No" },
            ),
            Answer::new(
                "bio",
                "Bio",
                self.bio.clone().unwrap_or_else(|| "Not provided".into()),
            ),
        ]
    }
}

// ---------------------------------------------------------------- step 4

#[derive(Debug, Default, Serialize, Deserialize, Validate)]
pub struct Review {
    #[validate(custom(function = "accepted"))]
    pub accept_terms: bool,
}

fn accepted(value: &bool) -> Result<(), ValidationError> {
    if *value {
        Ok(())
    } else {
        Err(ValidationError::new("terms")
            .with_message("Accept the terms and conditions to create your account".into()))
    }
}

#[derive(Template)]
#[template(path = "signup/review.html")]
struct ReviewPage<'a, 'p> {
    page: &'a Page<'p>,
}

impl Step for Review {
    const NAME: &'static str = "review";
    const TITLE: &'static str = "Check your answers";

    fn render(page: &Page<'_>) -> Result<String, askama::Error> {
        ReviewPage { page }.render()
    }
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

/// What the completion page shows.
#[derive(Debug, Serialize, Deserialize)]
pub struct Welcome {
    pub display_name: String,
}

#[derive(Template)]
#[template(path = "signup/complete.html")]
struct CompleteTemplate<'a> {
    welcome: &'a Welcome,
    page: &'a CompletePage<'a>,
}

impl Wizard for Signup {
    const ID: &'static str = "signup";
    const VERSION: u32 = 1;
    type Outcome = Welcome;

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

    async fn finish(self, finish: &Finish) -> Result<Welcome, FinishError> {
        let accounts = accounts_of(finish.request())
            .ok_or_else(|| FinishError::Failed("accounts are not configured".into()))?;
        let account = CreatedAccount {
            email: self.account.email.clone(),
            display_name: self.profile.display_name.clone(),
            business: self.company.map(|c| c.company_name),
            run: finish.run().to_owned(),
        };
        match accounts.create(account) {
            Ok(()) => Ok(Welcome {
                display_name: self.profile.display_name,
            }),
            Err(_) => Err(FinishError::invalid("account", "email", EMAIL_TAKEN)),
        }
    }

    fn render_complete(
        welcome: &Welcome,
        page: &CompletePage<'_>,
    ) -> Result<String, askama::Error> {
        CompleteTemplate { welcome, page }.render()
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
