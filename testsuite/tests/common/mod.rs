//! What the tests share: the signup example's app, the testing kit's
//! setup of it (`kit`), real servers, and a raw HTTP helper for what the
//! testing kit does not offer a visitor: the headers of every redirect
//! hop, raw stored state and tampered cookies, middleware composed by
//! hand, and raw concurrent posts.

#![allow(dead_code)] // each test binary uses a different part

#[path = "../../../examples/signup/app.rs"]
pub mod app;
pub mod flows;
#[path = "../../../examples/signup/funnel.rs"]
pub mod funnel;
pub mod http;
pub mod kit;
pub mod ledger;
pub mod mail;
pub mod postgres;
pub mod proxy;
pub mod servers;
pub mod slow;
pub mod test_store;
pub mod wait;

use std::collections::HashMap;
use std::time::Duration;

pub const ACCOUNT_OK: &[(&str, &str)] = &[
    ("email", "ann@example.com"),
    ("password", "secret123"),
    ("password_confirm", "secret123"),
    ("account_type", "personal"),
];

pub const COMPANY_OK: &[(&str, &str)] = &[
    ("company_name", "Acme Ltd"),
    ("vat_id", "GB123456789"),
    ("employees", "12"),
];

pub const PROFILE_OK: &[(&str, &str)] = &[
    ("display_name", "Ann"),
    ("age", "34"),
    ("interests", "rust"),
    ("interests", "web"),
    ("newsletter", "yes"),
    ("bio", "Hello"),
];

/// The wizard configuration the tests use: plain http, and an idle
/// timeout long enough not to interfere unless a test shortens it.
pub fn config() -> actix_wizard::WizardConfig {
    actix_wizard::WizardConfig::default()
        .encrypt_state_with(&key())
        .secure_cookies(false)
        .idle_timeout(Duration::from_secs(600))
}

/// The session key a browser's `wizard_session` cookie names (the cookie
/// is encrypted with [`key`]).
pub fn session_key_of(cookie: &str) -> actix_session::storage::SessionKey {
    use actix_web::cookie::{Cookie, CookieJar};
    // Under either name (the name is the encryption's associated data).
    let plain = [SESSION, PLAIN_SESSION].iter().find_map(|name| {
        // The value as a browser sends it (percent-encoded where needed).
        let sent = Cookie::parse_encoded(format!("{name}={cookie}")).ok()?;
        let mut jar = CookieJar::new();
        jar.add_original(sent.into_owned());
        jar.private(&key()).get(name).map(|c| c.value().to_owned())
    });
    let plain = plain.unwrap_or_else(|| panic!("the session cookie does not decrypt"));
    actix_session::storage::SessionKey::try_from(plain)
        .unwrap_or_else(|_| panic!("not a session key"))
}

/// The session cookie's name with the README's default configuration
/// (secure cookies on `/`), which the testing kit's signup uses.
pub const SESSION: &str = "__Host-wizard_session";

/// Its name with [`config`] (plain http).
pub const PLAIN_SESSION: &str = "wizard_session";

/// The holder cookie's name beside [`SESSION`].
pub const HOLDER: &str = "__Host-wizard_holder";

/// A fixed 64-byte key, as an operator would configure one.
pub fn key() -> actix_web::cookie::Key {
    actix_web::cookie::Key::from(&[7u8; 64])
}

/// Builds the signup example's application on `actix_web::test`, with the
/// given session store and configuration. Gives the service and the
/// example's accounts.
#[macro_export]
macro_rules! signup_app {
    ($store:expr, $config:expr) => {{
        let config = $config;
        let accounts = actix_web::web::Data::new(common::app::Accounts::default());
        let signup =
            actix_wizard::WizardService::<common::app::Signup>::new("/signup", config.clone());
        let service = signup_instance!($store, config, signup, accounts);
        (service, accounts)
    }};
}

/// Builds the signup example's application as the README does, through
/// `WizardSetup` (one store, one key, one configuration). Gives the
/// service and the example's accounts.
#[macro_export]
macro_rules! signup_setup {
    ($store:expr, $config:expr) => {{
        let setup = actix_wizard::WizardSetup::new($store, common::key(), $config);
        let accounts = actix_web::web::Data::new(common::app::Accounts::default());
        let service = actix_web::test::init_service(
            actix_web::App::new()
                .wrap(setup.middleware())
                .configure(common::app::routes(
                    setup.wizard("/signup"),
                    accounts.clone(),
                )),
        )
        .await;
        (service, accounts)
    }};
}

/// Like `signup_app!`, for one of several instances: the accounts (the
/// application's database) are shared, and `$service` is the wizard
/// service (e.g. with a run ledger).
#[macro_export]
macro_rules! signup_instance {
    ($store:expr, $config:expr, $service:expr, $accounts:expr) => {{
        let config = $config;
        actix_web::test::init_service(
            actix_web::App::new()
                .wrap(actix_wizard::http::session_middleware(
                    $store,
                    common::key(),
                    &config,
                ))
                .wrap(actix_wizard::http::StoreOutage)
                .configure(common::app::routes($service, $accounts.clone())),
        )
        .await
    }};
}

/// Serves the signup example as `main.rs` does (the setup's middleware,
/// the example's routes) on a free port of 127.0.0.1.
pub fn serve_example<S: actix_session::storage::SessionStore + 'static>(
    setup: actix_wizard::WizardSetup<S>,
    signup: actix_wizard::WizardService<app::Signup>,
    accounts: actix_web::web::Data<app::Accounts>,
    workers: usize,
) -> std::net::SocketAddr {
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .wrap(setup.middleware())
            .configure(app::routes(signup.clone(), accounts.clone()))
    })
    .workers(workers)
    .bind(("127.0.0.1", 0))
    .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = server.addrs()[0];
    actix_rt::spawn(server.run());
    addr
}

/// Serves the signup example with `config` on the embedded store, on a
/// free port of 127.0.0.1, with the example's client timeouts, `workers`
/// workers and at most `connections` open connections per worker (as a
/// process's file limit would cap them).
pub fn serve_signup(
    config: actix_wizard::WizardConfig,
    accounts: actix_web::web::Data<app::Accounts>,
    workers: usize,
    connections: usize,
) -> std::net::SocketAddr {
    use actix_wizard::{MemoryStore, WizardService, http::StoreOutage, http::session_middleware};
    let store = MemoryStore::default();
    let signup = WizardService::<app::Signup>::new("/signup", config.clone());
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .wrap(session_middleware(store.clone(), key(), &config))
            .wrap(StoreOutage)
            .configure(app::routes(signup.clone(), accounts.clone()))
    })
    .workers(workers)
    .max_connections(connections)
    .backlog(4096)
    .client_request_timeout(app::CLIENT_REQUEST_TIMEOUT)
    .keep_alive(app::KEEP_ALIVE)
    .bind(("127.0.0.1", 0))
    .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = server.addrs()[0];
    actix_rt::spawn(server.run());
    addr
}

/// The CSRF token a page's form carries, read from its HTML as it is
/// (for a test that reads raw responses).
pub fn csrf_of(body: &str) -> Option<String> {
    let marker = r#"name="csrf_token" value=""#;
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}

/// Stores `entries` (session entry → its JSON) in `store` as one session,
/// the way the session middleware would, and gives the cookie value a
/// browser would carry for it.
pub async fn plant_session<St: actix_session::storage::SessionStore>(
    store: &St,
    entries: &[(&str, String)],
) -> String {
    use actix_web::cookie::{Cookie, CookieJar};
    let state: HashMap<String, String> = entries
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    let session_key = store
        .save(state, &actix_web::cookie::time::Duration::minutes(10))
        .await
        .unwrap_or_else(|_| panic!("session not stored"));
    let mut jar = CookieJar::new();
    jar.private_mut(&key())
        .add(Cookie::new(SESSION, session_key.as_ref().to_owned()));
    jar.get(SESSION)
        .map(|c| c.value().to_owned())
        .unwrap_or_else(|| panic!("no cookie"))
}

/// urlencodes pairs.
pub fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn escape(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
