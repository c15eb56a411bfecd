//! The signup wizard: its steps, its accounts, its routes.
//!
//! Shared by `main.rs` (the server) and the integration tests, which build
//! the same application on `actix_web::test`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use actix_wizard::{
    Choice, FieldErrors, Finish, FinishError, Secret, Step, Steps, Wizard, WizardService,
    page::CompletePage, page::Layout, run_of,
};
use regex::Regex;
use serde::{Deserialize, Serialize};
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use validator::{Validate, ValidationError};

const EMAIL_TAKEN: &str = "An account with this email address already exists";

/// A database error at finish: unreachable for now (no connection, none
/// to be had in time: 503, try again), or anything else (500).
fn finish_error(error: sqlx::Error) -> FinishError {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
            FinishError::unavailable(error)
        }
        other => FinishError::failed(other),
    }
}

// ---------------------------------------------------------------- accounts

/// An account the finished signup created.
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    pub email: String,
    pub display_name: String,
    pub business: Option<String>,
    pub run: String,
}

/// The address as the unique index compares it: trimmed and lowercased,
/// once, here, so that SQLite and PostgreSQL agree on what is taken.
pub fn normalised_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The migrations in `examples/signup/migrations`, applied at start.
#[path = "../shared/migrations.rs"]
mod migrations;

/// The application's accounts: in a database through sqlx (SQLite, a file
/// or memory, or PostgreSQL), or in this process's memory for the
/// benchmark and the tests that compare the wizard with a hand-written
/// baseline on equal terms.
///
/// Only two requests reach it: the account step's email check and the
/// finish (the insert, which the unique index refuses for a taken address:
/// the step's check is `check_once`). Every statement is counted
/// ([`Accounts::statements`]).
pub struct Accounts {
    kept: Kept,
    statements: AtomicU64,
}

enum Kept {
    Memory(Mutex<HashMap<String, CreatedAccount>>),
    Database(AnyPool),
}

impl Default for Accounts {
    /// Accounts in this process's memory.
    fn default() -> Self {
        Self {
            kept: Kept::Memory(Mutex::default()),
            statements: AtomicU64::new(0),
        }
    }
}

impl Accounts {
    /// Opens the database at `url` and applies the migrations:
    /// `sqlite:signup.db?mode=rwc` (a file, made if missing),
    /// `sqlite::memory:`, or `postgres://user@host/db`.
    pub async fn open(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        // An in-memory SQLite database lives as long as its connection:
        // one connection, kept.
        let in_memory = url.starts_with("sqlite::memory:") || url.contains("mode=memory");
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(3));
        let options = if in_memory {
            options
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            options.max_connections(8)
        };
        let pool = options.connect(url).await?;
        migrations::run(&pool).await?;
        Ok(Self {
            kept: Kept::Database(pool),
            statements: AtomicU64::new(0),
        })
    }

    /// The database's pool, when the accounts are in one.
    pub fn pool(&self) -> Option<&AnyPool> {
        match &self.kept {
            Kept::Database(pool) => Some(pool),
            Kept::Memory(_) => None,
        }
    }

    /// How many database statements the application has sent.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// `pool`, counting the statement about to be sent on it.
    fn counted<'p>(&self, pool: &'p AnyPool) -> &'p AnyPool {
        self.statements.fetch_add(1, Ordering::Relaxed);
        pool
    }

    fn memory(
        map: &Mutex<HashMap<String, CreatedAccount>>,
    ) -> MutexGuard<'_, HashMap<String, CreatedAccount>> {
        map.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The run that created the account for this address, if any.
    async fn creator_of(&self, email: &str) -> Result<Option<String>, sqlx::Error> {
        let email = normalised_email(email);
        match &self.kept {
            Kept::Memory(map) => Ok(Self::memory(map).get(&email).map(|a| a.run.clone())),
            Kept::Database(pool) => {
                sqlx::query_scalar("SELECT run_id FROM accounts WHERE email = $1")
                    .bind(email)
                    .fetch_optional(self.counted(pool))
                    .await
            }
        }
    }

    /// Whether another run registered this address. The account `run`
    /// itself created (by a finish that went through while its reply was
    /// lost, say) does not count: that run is finishing again.
    ///
    /// A database that does not answer lets the visitor on, logged: the
    /// unique index still refuses a second account at finish, where an
    /// outage answers the "your answers are safe" page.
    pub async fn is_taken(&self, email: &str, run: Option<String>) -> bool {
        match self.creator_of(email).await {
            Ok(creator) => creator.is_some_and(|creator| Some(creator) != run),
            Err(error) => {
                tracing::warn!(%error, "the email check could not read the accounts");
                false
            }
        }
    }

    /// Creates the finished signup's account, once per run: finishing the
    /// same run again is a success that creates nothing. An address
    /// another run registered shows the account step again with the email
    /// field's error; a database that does not answer fails the finish,
    /// and the visitor's answers are kept for a retry.
    pub async fn create(&self, signup: &Signup, run: &str) -> Result<(), FinishError> {
        let account = CreatedAccount {
            email: signup.account.email.clone(),
            display_name: signup.profile.display_name.clone(),
            business: signup.company.as_ref().map(|c| c.company_name.clone()),
            run: run.to_owned(),
        };
        let created = match &self.kept {
            Kept::Memory(map) => Self::insert_in_memory(map, account),
            Kept::Database(pool) => self.insert(pool, account).await?,
        };
        match created {
            true => Ok(()),
            false => Err(FinishError::invalid_field(Account::EMAIL, EMAIL_TAKEN)),
        }
    }

    /// Whether `account` is now in `map`: added, or added before by its run.
    fn insert_in_memory(
        map: &Mutex<HashMap<String, CreatedAccount>>,
        account: CreatedAccount,
    ) -> bool {
        let mut accounts = Self::memory(map);
        let key = normalised_email(&account.email);
        match accounts.get(&key) {
            Some(existing) => existing.run == account.run,
            None => {
                accounts.insert(key, account);
                true
            }
        }
    }

    /// Whether `account` is now in the table: inserted, or inserted before
    /// by its run (the insert then changes nothing, and one more statement
    /// tells the two cases apart).
    async fn insert(&self, pool: &AnyPool, account: CreatedAccount) -> Result<bool, FinishError> {
        let created_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let inserted = sqlx::query(
            "INSERT INTO accounts (email, email_as_typed, display_name, company_name, run_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(normalised_email(&account.email))
        .bind(&account.email)
        .bind(&account.display_name)
        .bind(&account.business)
        .bind(&account.run)
        .bind(created_at)
        .execute(self.counted(pool))
        .await
        .map_err(finish_error)?;
        if inserted.rows_affected() == 1 {
            return Ok(true);
        }
        let ours: Option<i64> = sqlx::query_scalar("SELECT 1 FROM accounts WHERE run_id = $1")
            .bind(&account.run)
            .fetch_optional(self.counted(pool))
            .await
            .map_err(finish_error)?;
        Ok(ours.is_some())
    }

    /// How many accounts exist.
    pub async fn count(&self) -> usize {
        match &self.kept {
            Kept::Memory(map) => Self::memory(map).len(),
            Kept::Database(pool) => {
                let count: Result<i64, _> = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
                    .fetch_one(pool)
                    .await;
                count.map_or(0, |n| n as usize)
            }
        }
    }

    /// The account for an address.
    pub async fn get(&self, email: &str) -> Option<CreatedAccount> {
        let email = normalised_email(email);
        match &self.kept {
            Kept::Memory(map) => Self::memory(map).get(&email).cloned(),
            Kept::Database(pool) => {
                let row: Option<(String, String, Option<String>, String)> = sqlx::query_as(
                    "SELECT email_as_typed, display_name, company_name, run_id FROM accounts WHERE email = $1",
                )
                .bind(email)
                .fetch_optional(pool)
                .await
                .ok()
                .flatten();
                row.map(|(email, display_name, business, run)| CreatedAccount {
                    email,
                    display_name,
                    business,
                    run,
                })
            }
        }
    }
}

/// The signup's steps, in order, for the funnel.
pub const STEP_NAMES: [&str; 4] = [Account::NAME, Company::NAME, Profile::NAME, Review::NAME];

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
#[step(title = "Create your account", check = email_is_free, check_once)]
pub struct Account {
    #[field(label = "Email address", kind = "email", autocomplete = "email")]
    #[validate(length(min = 1, message = "Enter your email address"), email)]
    pub email: String,
    #[field(hint = "8 to 128 characters, with at least one letter and one number")]
    #[validate(custom(function = "password_rules"))]
    pub password: Secret,
    #[field(label = "Confirm password")]
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
    match accounts_of(request) {
        Some(accounts) if accounts.is_taken(&account.email, run_of(request)).await => {
            FieldErrors::of(Account::EMAIL, EMAIL_TAKEN)
        }
        _ => FieldErrors::new(),
    }
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
        range(min = 1, max = 100_000)
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
    #[validate(length(min = 1, max = 40))]
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
        function = "actix_wizard::field::ticked",
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
        finish
            .data::<Accounts>()?
            .create(&self, finish.run())
            .await?;
        Ok(self.profile.display_name)
    }

    fn render_complete(name: &String, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        page.confirmation(
            "Account created",
            format_args!("Welcome, {name}"),
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

/// A route for `GET` and `HEAD` (actix-web answers a `HEAD` without the
/// body; `web::get()` alone would refuse it).
fn get_or_head() -> actix_web::Route {
    web::route().guard(actix_web::guard::Any(actix_web::guard::Get()).or(actix_web::guard::Head()))
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
            .route("/", get_or_head().to(home))
            .route("/static/signup.css", get_or_head().to(stylesheet))
            .service(signup);
    }
}
