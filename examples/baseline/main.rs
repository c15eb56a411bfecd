//! The signup of `examples/signup`, written by hand with actix-web,
//! actix-session, serde, validator and askama, without actix-wizard: the
//! baseline of the benchmark. The load generator drives both unchanged.
//!
//! Same settings as the signup example (`ADDR`, `SESSION_STORE` =
//! `memory` or `memcache://…`, `SESSION_KEY`, `WORKERS`, `DATABASE_URL` =
//! `memory`, the default here, or a database URL); the embedded store is
//! actix-wizard's `MemoryStore` and memcached its `MemcachedStore`, so both
//! apps sit on the same stores, and with a database both use the signup
//! example's table and migrations.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::{LazyLock, Mutex};

use actix_session::config::{PersistentSession, TtlExtensionPolicy};
use actix_session::storage::SessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::{Key, SameSite};
use actix_web::http::header::LOCATION;
use actix_web::{App, HttpResponse, HttpServer, web};
use actix_wizard::MemoryStore;
#[cfg(feature = "memcached")]
use actix_wizard::store::MemcachedStore;
use askama::Template;
use rand::RngCore;
use regex::Regex;
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError, ValidationErrors};

type Errors = Vec<(String, String)>;

static ACCOUNTS: LazyLock<Mutex<HashMap<String, String>>> = LazyLock::new(Default::default);

/// The accounts in a database, when `DATABASE_URL` names one: the signup
/// example's table, made by its migrations.
static DATABASE: std::sync::OnceLock<sqlx::AnyPool> = std::sync::OnceLock::new();

#[path = "../shared/migrations.rs"]
mod migrations;

/// Whether an account has this (normalised) address: one `SELECT` with a
/// database. An error counts as not taken; the insert decides.
async fn is_taken(email: &str) -> bool {
    match DATABASE.get() {
        None => ACCOUNTS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(email),
        Some(pool) => sqlx::query_scalar::<_, i64>("SELECT 1 FROM accounts WHERE email = $1")
            .bind(email)
            .fetch_optional(pool)
            .await
            .is_ok_and(|row| row.is_some()),
    }
}

/// Creates the account unless the address is taken: one `INSERT` with a
/// database.
async fn create(email: &str, display_name: &str) -> Result<bool, sqlx::Error> {
    let Some(pool) = DATABASE.get() else {
        let mut accounts = ACCOUNTS.lock().unwrap_or_else(|p| p.into_inner());
        return Ok(match accounts.entry(email.to_owned()) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(display_name.to_owned());
                true
            }
        });
    };
    let mut id = [0u8; 12];
    rand::rng().fill_bytes(&mut id);
    let inserted = sqlx::query(
        "INSERT INTO accounts (email, email_as_typed, display_name, company_name, run_id, created_at) \
         VALUES ($1, $1, $2, NULL, $3, 0) ON CONFLICT DO NOTHING",
    )
    .bind(email)
    .bind(display_name)
    .bind(hex::encode(id))
    .execute(pool)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

// ---------------------------------------------------------------- what is kept

#[derive(Default, Serialize, Deserialize, Clone)]
struct Answers {
    account: Option<Account>,
    company: Option<Company>,
    profile: Option<Profile>,
}

#[derive(Serialize, Deserialize, Clone, Validate)]
struct Account {
    #[validate(email(
        message = "Enter an email address in the correct format, like name@example.com"
    ))]
    email: String,
    #[validate(custom(function = "password_rules"))]
    password: String,
    business: bool,
}

#[derive(Serialize, Deserialize, Clone, Validate)]
struct Company {
    #[validate(length(
        min = 2,
        max = 100,
        message = "Company name must be between 2 and 100 characters"
    ))]
    company_name: String,
    vat_id: Option<String>,
    #[validate(range(
        min = 1,
        max = 100_000,
        message = "Number of employees must be between 1 and 100,000"
    ))]
    employees: u32,
}

#[derive(Serialize, Deserialize, Clone, Validate)]
struct Profile {
    #[validate(length(
        min = 1,
        max = 40,
        message = "Display name must be between 1 and 40 characters"
    ))]
    display_name: String,
    #[validate(range(min = 13, max = 120, message = "Age must be between 13 and 120"))]
    age: u32,
    #[validate(length(min = 1, message = "Select at least one interest"))]
    interests: Vec<String>,
    newsletter: bool,
    #[validate(length(max = 500, message = "Bio must be 500 characters or fewer"))]
    bio: Option<String>,
}

fn password_rules(password: &str) -> Result<(), ValidationError> {
    let length = password.chars().count();
    let ok = (8..=128).contains(&length)
        && password.chars().any(char::is_alphabetic)
        && password.chars().any(|c| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("password")
            .with_message("Password must be 8 to 128 characters with a letter and a number".into()))
    }
}

static VAT_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z]{2}[A-Za-z0-9]{8,12}$").unwrap_or_else(|e| panic!("{e}")));

// ---------------------------------------------------------------- what is posted

#[derive(Deserialize, Default)]
#[serde(default)]
struct AccountForm {
    csrf_token: String,
    action: String,
    email: String,
    password: String,
    password_confirm: String,
    account_type: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CompanyForm {
    csrf_token: String,
    action: String,
    company_name: String,
    vat_id: String,
    employees: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ProfileForm {
    csrf_token: String,
    action: String,
    display_name: String,
    age: String,
    interests: Vec<String>,
    newsletter: String,
    bio: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReviewForm {
    csrf_token: String,
    action: String,
    accept_terms: String,
}

// ---------------------------------------------------------------- pages

#[derive(Template)]
#[template(path = "baseline/account.html")]
struct AccountPage<'a> {
    step: usize,
    total: usize,
    errors: &'a Errors,
    csrf: &'a str,
    email: &'a str,
    account_type: &'a str,
}

#[derive(Template)]
#[template(path = "baseline/company.html")]
struct CompanyPage<'a> {
    step: usize,
    total: usize,
    errors: &'a Errors,
    csrf: &'a str,
    company_name: &'a str,
    vat_id: &'a str,
    employees: &'a str,
}

#[derive(Template)]
#[template(path = "baseline/profile.html")]
struct ProfilePage<'a> {
    step: usize,
    total: usize,
    errors: &'a Errors,
    csrf: &'a str,
    display_name: &'a str,
    age: &'a str,
    interests: &'a [String],
    newsletter: bool,
    bio: &'a str,
}

#[derive(Template)]
#[template(path = "baseline/review.html")]
struct ReviewPage<'a> {
    step: usize,
    total: usize,
    errors: &'a Errors,
    csrf: &'a str,
    sections: Vec<(&'static str, Vec<Row>)>,
}

/// field, label, value, change link
type Row = (&'static str, &'static str, String, &'static str);

#[derive(Template)]
#[template(path = "baseline/complete.html")]
struct CompletePage<'a> {
    name: &'a str,
}

fn html(status: actix_web::http::StatusCode, body: Result<String, askama::Error>) -> HttpResponse {
    match body {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, to))
        .finish()
}

fn errors_of(result: Result<(), ValidationErrors>, errors: &mut Errors) {
    if let Err(failed) = result {
        for (field, list) in failed.field_errors() {
            if let Some(first) = list.first() {
                let message = first.message.as_deref().unwrap_or("Enter a valid value");
                errors.push((field.to_string(), message.to_owned()));
            }
        }
    }
}

// ---------------------------------------------------------------- session helpers

fn answers(session: &Session) -> Answers {
    session
        .get::<Answers>("answers")
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn csrf(session: &Session) -> String {
    if let Ok(Some(token)) = session.get::<String>("csrf") {
        return token;
    }
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let _ = session.insert("csrf", &token);
    token
}

fn csrf_ok(session: &Session, submitted: &str) -> bool {
    session
        .get::<String>("csrf")
        .ok()
        .flatten()
        .is_some_and(|t| !t.is_empty() && t == submitted)
}

/// The steps that apply, in order.
fn steps(a: &Answers) -> Vec<&'static str> {
    let business = a.account.as_ref().is_some_and(|x| x.business);
    if business {
        vec!["account", "company", "profile", "review"]
    } else {
        vec!["account", "profile", "review"]
    }
}

fn done(a: &Answers, step: &str) -> bool {
    match step {
        "account" => a.account.is_some(),
        "company" => a.company.is_some(),
        "profile" => a.profile.is_some(),
        _ => false,
    }
}

fn resume(a: &Answers) -> &'static str {
    steps(a)
        .into_iter()
        .find(|s| !done(a, s))
        .unwrap_or("review")
}

fn reachable(a: &Answers, step: &str) -> bool {
    steps(a)
        .into_iter()
        .take_while(|s| *s != step)
        .all(|s| done(a, s))
}

fn position(a: &Answers, step: &str) -> (usize, usize) {
    let list = steps(a);
    (
        list.iter().position(|s| *s == step).map_or(1, |p| p + 1),
        list.len(),
    )
}

// ---------------------------------------------------------------- handlers

async fn entry(session: Session) -> HttpResponse {
    see_other(&format!("/signup/{}", resume(&answers(&session))))
}

async fn show(session: Session, step: web::Path<String>) -> HttpResponse {
    let a = answers(&session);
    let step = step.into_inner();
    if !steps(&a).contains(&step.as_str()) {
        return HttpResponse::NotFound().body("not found");
    }
    if !reachable(&a, &step) {
        return see_other(&format!("/signup/{}", resume(&a)));
    }
    let token = csrf(&session);
    render(
        &a,
        &step,
        &token,
        &Errors::new(),
        actix_web::http::StatusCode::OK,
    )
}

fn render(
    a: &Answers,
    step: &str,
    token: &str,
    errors: &Errors,
    status: actix_web::http::StatusCode,
) -> HttpResponse {
    let (step_no, total) = position(a, step);
    match step {
        "account" => {
            let account = a.account.as_ref();
            let kind = account
                .map(|x| if x.business { "business" } else { "personal" })
                .unwrap_or("");
            html(
                status,
                AccountPage {
                    step: step_no,
                    total,
                    errors,
                    csrf: token,
                    email: account.map_or("", |x| &x.email),
                    account_type: kind,
                }
                .render(),
            )
        }
        "company" => {
            let company = a.company.as_ref();
            let employees = company.map(|c| c.employees.to_string()).unwrap_or_default();
            html(
                status,
                CompanyPage {
                    step: step_no,
                    total,
                    errors,
                    csrf: token,
                    company_name: company.map_or("", |c| &c.company_name),
                    vat_id: company.and_then(|c| c.vat_id.as_deref()).unwrap_or(""),
                    employees: &employees,
                }
                .render(),
            )
        }
        "profile" => {
            let profile = a.profile.as_ref();
            let age = profile.map(|p| p.age.to_string()).unwrap_or_default();
            html(
                status,
                ProfilePage {
                    step: step_no,
                    total,
                    errors,
                    csrf: token,
                    display_name: profile.map_or("", |p| &p.display_name),
                    age: &age,
                    interests: profile.map_or(&[][..], |p| &p.interests),
                    newsletter: profile.is_some_and(|p| p.newsletter),
                    bio: profile.and_then(|p| p.bio.as_deref()).unwrap_or(""),
                }
                .render(),
            )
        }
        _ => {
            let mut sections = Vec::new();
            if let Some(account) = &a.account {
                let kind = if account.business {
                    "Business"
                } else {
                    "Personal"
                };
                sections.push((
                    "Create your account",
                    vec![
                        (
                            "email",
                            "Email address",
                            account.email.clone(),
                            "/signup/account?change",
                        ),
                        (
                            "account_type",
                            "Account type",
                            kind.to_owned(),
                            "/signup/account?change",
                        ),
                    ],
                ));
            }
            if let Some(company) = &a.company {
                sections.push((
                    "About your company",
                    vec![
                        (
                            "company_name",
                            "Company name",
                            company.company_name.clone(),
                            "/signup/company?change",
                        ),
                        (
                            "vat_id",
                            "VAT number",
                            company
                                .vat_id
                                .clone()
                                .unwrap_or_else(|| "Not provided".into()),
                            "/signup/company?change",
                        ),
                        (
                            "employees",
                            "Number of employees",
                            company.employees.to_string(),
                            "/signup/company?change",
                        ),
                    ],
                ));
            }
            if let Some(profile) = &a.profile {
                let interests: Vec<String> = profile
                    .interests
                    .iter()
                    .map(|i| {
                        let mut label = i.clone();
                        if let Some(first) = label.get_mut(0..1) {
                            first.make_ascii_uppercase();
                        }
                        label
                    })
                    .collect();
                sections.push((
                    "Your profile",
                    vec![
                        (
                            "display_name",
                            "Display name",
                            profile.display_name.clone(),
                            "/signup/profile?change",
                        ),
                        (
                            "age",
                            "Age",
                            profile.age.to_string(),
                            "/signup/profile?change",
                        ),
                        (
                            "interests",
                            "Interests",
                            interests.join(", "),
                            "/signup/profile?change",
                        ),
                        (
                            "newsletter",
                            "Newsletter",
                            if profile.newsletter { "Yes" } else { "No" }.to_owned(),
                            "/signup/profile?change",
                        ),
                        (
                            "bio",
                            "Bio",
                            profile.bio.clone().unwrap_or_else(|| "Not provided".into()),
                            "/signup/profile?change",
                        ),
                    ],
                ));
            }
            html(
                status,
                ReviewPage {
                    step: step_no,
                    total,
                    errors,
                    csrf: token,
                    sections,
                }
                .render(),
            )
        }
    }
}

fn previous(a: &Answers, step: &str) -> String {
    let list = steps(a);
    let at = list.iter().position(|s| *s == step).unwrap_or(0);
    format!("/signup/{}", list[at.saturating_sub(1)])
}

fn next(a: &Answers, step: &str) -> String {
    let list = steps(a);
    let at = list.iter().position(|s| *s == step).unwrap_or(0);
    format!("/signup/{}", list.get(at + 1).copied().unwrap_or("review"))
}

async fn submit(session: Session, step: web::Path<String>, body: web::Bytes) -> HttpResponse {
    let mut a = answers(&session);
    let step = step.into_inner();
    if !steps(&a).contains(&step.as_str()) {
        return HttpResponse::NotFound().body("not found");
    }
    if !reachable(&a, &step) {
        return see_other(&format!("/signup/{}", resume(&a)));
    }
    let unprocessable = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
    let mut errors = Errors::new();
    let (token, action) = match step.as_str() {
        "account" => {
            let Ok(form) = serde_html_form::from_bytes::<AccountForm>(&body) else {
                return HttpResponse::BadRequest().finish();
            };
            let account = Account {
                email: form.email.trim().to_owned(),
                password: form.password.clone(),
                business: form.account_type == "business",
            };
            if form.action != "back" {
                errors_of(account.validate(), &mut errors);
                if form.password_confirm != form.password {
                    errors.push((
                        "password_confirm".into(),
                        "Enter the same password as above".into(),
                    ));
                }
                if !matches!(form.account_type.as_str(), "personal" | "business") {
                    errors.push(("account_type".into(), "Select the type of account".into()));
                }
                if errors.is_empty() && is_taken(&account.email.to_lowercase()).await {
                    errors.push((
                        "email".into(),
                        "An account with this email address already exists".into(),
                    ));
                }
                if errors.is_empty() {
                    if !account.business {
                        a.company = None;
                    }
                    a.account = Some(account);
                }
            }
            (form.csrf_token, form.action)
        }
        "company" => {
            let Ok(form) = serde_html_form::from_bytes::<CompanyForm>(&body) else {
                return HttpResponse::BadRequest().finish();
            };
            let employees = form.employees.trim().parse::<u32>();
            if form.action != "back" {
                if employees.is_err() {
                    errors.push(("employees".into(), "Enter a whole number".into()));
                }
                let vat = Some(form.vat_id.trim().to_owned()).filter(|v| !v.is_empty());
                if vat.as_deref().is_some_and(|v| !VAT_ID.is_match(v)) {
                    errors.push((
                        "vat_id".into(),
                        "Enter a VAT number like GB123456789".into(),
                    ));
                }
                let company = Company {
                    company_name: form.company_name.trim().to_owned(),
                    vat_id: vat,
                    employees: employees.unwrap_or(0),
                };
                errors_of(company.validate(), &mut errors);
                if errors.is_empty() {
                    a.company = Some(company);
                }
            }
            (form.csrf_token, form.action)
        }
        "profile" => {
            let Ok(form) = serde_html_form::from_bytes::<ProfileForm>(&body) else {
                return HttpResponse::BadRequest().finish();
            };
            if form.action != "back" {
                let age = form.age.trim().parse::<u32>();
                if age.is_err() {
                    errors.push(("age".into(), "Enter a whole number".into()));
                }
                let profile = Profile {
                    display_name: form.display_name.trim().to_owned(),
                    age: age.unwrap_or(0),
                    interests: form.interests.clone(),
                    newsletter: form.newsletter == "yes",
                    bio: Some(form.bio.trim().to_owned()).filter(|b| !b.is_empty()),
                };
                errors_of(profile.validate(), &mut errors);
                if errors.is_empty() {
                    a.profile = Some(profile);
                }
            }
            (form.csrf_token, form.action)
        }
        _ => {
            let Ok(form) = serde_html_form::from_bytes::<ReviewForm>(&body) else {
                return HttpResponse::BadRequest().finish();
            };
            if form.action != "back" && form.accept_terms != "yes" {
                errors.push((
                    "accept_terms".into(),
                    "Accept the terms and conditions to create your account".into(),
                ));
            }
            (form.csrf_token, form.action)
        }
    };
    if !csrf_ok(&session, &token) {
        return HttpResponse::Forbidden().body("forbidden");
    }
    if action == "back" {
        return see_other(&previous(&a, &step));
    }
    if !errors.is_empty() {
        return render(&a, &step, &token, &errors, unprocessable);
    }
    if step == "review" {
        return finish(&session, a).await;
    }
    if session.insert("answers", &a).is_err() {
        return HttpResponse::InternalServerError().finish();
    }
    see_other(&next(&a, &step))
}

async fn finish(session: &Session, a: Answers) -> HttpResponse {
    let (Some(account), Some(profile)) = (a.account, a.profile) else {
        return see_other("/signup");
    };
    match create(&account.email.to_lowercase(), &profile.display_name).await {
        Ok(true) => {}
        Ok(false) => return see_other("/signup/account"),
        Err(_) => return HttpResponse::ServiceUnavailable().body("try again"),
    }
    session.remove("answers");
    let _ = session.insert("welcome", &profile.display_name);
    session.renew();
    see_other("/signup/complete")
}

async fn complete(session: Session) -> HttpResponse {
    match session.get::<String>("welcome") {
        Ok(Some(name)) => html(
            actix_web::http::StatusCode::OK,
            CompletePage { name: &name }.render(),
        ),
        _ => see_other("/signup"),
    }
}

// ---------------------------------------------------------------- server

/// The session middleware of the baseline: a signed-and-encrypted cookie
/// holding the session's id, the state in `store`, 30 minutes renewed on
/// every request.
pub fn sessions<S: SessionStore + 'static>(store: S, key: Key) -> SessionMiddleware<S> {
    SessionMiddleware::builder(store, key)
        .cookie_secure(false)
        .cookie_same_site(SameSite::Lax)
        .session_lifecycle(
            PersistentSession::default()
                .session_ttl(actix_web::cookie::time::Duration::minutes(30))
                .session_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
        )
        .build()
}

/// The baseline's routes, under `/signup`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .app_data(web::PayloadConfig::new(16 * 1024))
        .route("/signup", web::get().to(entry))
        .route("/signup/complete", web::get().to(complete))
        .route("/signup/{step}", web::get().to(show))
        .route("/signup/{step}", web::post().to(submit));
}

async fn serve<S, F>(store: F, key: Key, addr: String, workers: usize) -> Result<(), String>
where
    S: SessionStore + 'static,
    F: Fn() -> S + Clone + Send + 'static,
{
    let server = HttpServer::new(move || {
        App::new()
            .wrap(sessions(store(), key.clone()))
            .configure(routes)
    })
    .workers(workers)
    .bind(&addr)
    .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    for bound in server.addrs() {
        println!("baseline signup listening on http://{bound}/signup");
    }
    server.run().await.map_err(|e| e.to_string())
}

#[actix_web::main]
async fn main() -> ExitCode {
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let workers = std::env::var("WORKERS")
        .ok()
        .and_then(|w| w.parse().ok())
        .unwrap_or(1);
    let key = std::env::var("SESSION_KEY")
        .ok()
        .and_then(|k| hex::decode(k).ok())
        .and_then(|bytes| Key::try_from(bytes.as_slice()).ok())
        .unwrap_or_else(Key::generate);
    let store = std::env::var("SESSION_STORE").unwrap_or_else(|_| "memory".into());
    let database = std::env::var("DATABASE_URL").unwrap_or_else(|_| "memory".into());
    if database != "memory" {
        sqlx::any::install_default_drivers();
        let opened = async {
            let pool = sqlx::any::AnyPoolOptions::new()
                .max_connections(8)
                .connect(&database)
                .await?;
            migrations::run(&pool).await?;
            Ok::<_, sqlx::Error>(pool)
        };
        match opened.await {
            Ok(pool) => {
                let _ = DATABASE.set(pool);
            }
            Err(e) => {
                eprintln!("baseline: DATABASE_URL={database}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let outcome = if store == "memory" {
        let memory = MemoryStore::default();
        serve(move || memory.clone(), key, addr, workers).await
    } else if store.starts_with("memcache://") {
        #[cfg(feature = "memcached")]
        let served = match MemcachedStore::connect(&store).await {
            Ok(memcached) => serve(move || memcached.clone(), key, addr, workers).await,
            Err(e) => Err(e.to_string()),
        };
        #[cfg(not(feature = "memcached"))]
        let served = Err(format!(
            "SESSION_STORE={store} needs the `memcached` feature: cargo run --example baseline --features memcached"
        ));
        served
    } else {
        Err(format!(
            "SESSION_STORE={store} is not supported by the baseline"
        ))
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("baseline: {reason}");
            ExitCode::FAILURE
        }
    }
}
