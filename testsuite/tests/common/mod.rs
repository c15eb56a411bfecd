//! What the tests share: the signup example's app, the testing kit's
//! setup of it (`kit`), real servers, and a raw HTTP helper for what the
//! testing kit does not offer a visitor: the headers of every redirect
//! hop, raw stored state and tampered cookies, middleware composed by
//! hand, and raw concurrent posts.

#![allow(dead_code)] // each test binary uses a different part

#[path = "../../../examples/signup/app.rs"]
pub mod app;
#[path = "../../../examples/signup/funnel.rs"]
pub mod funnel;
pub mod http;
pub mod kit;
pub mod ledger;
pub mod postgres;
pub mod proxy;
pub mod servers;
pub mod slow;
pub mod test_store;
pub mod wait;

/// An app under test: what `actix_web::test::init_service` gives.
pub trait TestApp<B>:
    Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>
{
}

impl<S, B> TestApp<B> for S where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>
{
}

use std::collections::HashMap;
use std::time::Duration;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};

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

/// One response, read whole.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
    pub headers: actix_web::http::header::HeaderMap,
}

impl Reply {
    /// A reply from its parts (for pages read outside a `Browser`).
    pub fn of(status: StatusCode, body: String) -> Self {
        Self {
            status,
            location: None,
            body,
            headers: Default::default(),
        }
    }

    /// A header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The CSRF token in the page's hidden field.
    pub fn csrf(&self) -> Option<String> {
        let marker = r#"name="csrf_token" value=""#;
        let start = self.body.find(marker)? + marker.len();
        let end = self.body[start..].find('"')? + start;
        Some(self.body[start..end].to_owned())
    }

    /// The message shown beside `field`, if any.
    pub fn field_error(&self, field: &str) -> Option<String> {
        let marker = format!(r#"id="{field}-error"><span class="visually-hidden">Error:</span> "#);
        let start = self.body.find(&marker)? + marker.len();
        let end = self.body[start..].find("</p>")? + start;
        Some(self.body[start..end].to_owned())
    }

    /// The links of the error summary, as (target id, message).
    pub fn summary_links(&self) -> Vec<(String, String)> {
        let Some(start) = self.body.find(r#"class="error-summary""#) else {
            return Vec::new();
        };
        let end = self.body[start..]
            .find("</div>")
            .map_or(self.body.len(), |e| e + start);
        let summary = &self.body[start..end];
        summary
            .split(r##"<a href="#"##)
            .skip(1)
            .filter_map(|part| {
                let (id, rest) = part.split_once(r#"">"#)?;
                let (message, _) = rest.split_once("</a>")?;
                Some((id.to_owned(), message.to_owned()))
            })
            .collect()
    }

    /// The `value` attribute of the input with this id.
    pub fn input_value(&self, id: &str) -> Option<String> {
        let marker = format!(r#"id="{id}" name="{id}""#);
        let start = self.body.find(&marker)?;
        let tag_end = self.body[start..].find('>')? + start;
        let tag = &self.body[start..tag_end];
        let value_at = tag.find(r#"value=""#)? + r#"value=""#.len();
        let value_end = tag[value_at..].find('"')? + value_at;
        Some(tag[value_at..value_end].to_owned())
    }

    /// Whether the checkbox or radio with this id is ticked.
    pub fn is_checked(&self, id: &str) -> bool {
        let marker = format!(r#"id="{id}""#);
        self.body
            .find(&marker)
            .and_then(|start| {
                let end = self.body[start..].find('>')? + start;
                Some(self.body[start..end].contains(" checked"))
            })
            .unwrap_or(false)
    }

    pub fn assert_redirect(&self, to: &str) {
        assert_eq!(self.status, StatusCode::SEE_OTHER, "body: {}", self.body);
        assert_eq!(self.location.as_deref(), Some(to));
    }
}

/// A browser: one cookie jar, one service.
pub struct Browser<'s, S> {
    service: &'s S,
    cookies: HashMap<String, String>,
    /// The CSRF token of the last page that had one.
    pub token: String,
}

impl<'s, S, B> Browser<'s, S>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    pub fn new(service: &'s S) -> Self {
        Self {
            service,
            cookies: HashMap::new(),
            token: String::new(),
        }
    }

    /// A second browser tab: the same cookies, its own page.
    pub fn tab(&self) -> Self {
        Self {
            service: self.service,
            cookies: self.cookies.clone(),
            token: self.token.clone(),
        }
    }

    /// Sends the next requests to another instance of the application,
    /// with the same cookies (a load balancer without stickiness).
    pub fn switch_to(&mut self, service: &'s S) {
        self.service = service;
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    fn with_cookies(&self, mut request: TestRequest) -> TestRequest {
        if !self.cookies.is_empty() {
            let header: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request = request.insert_header(("Cookie", header.join("; ")));
        }
        request
    }

    /// Sends a request as built, with this browser's cookies.
    pub async fn send(&mut self, request: TestRequest) -> Reply {
        let response = self
            .service
            .call(self.with_cookies(request).to_request())
            .await;
        let response = match response {
            Ok(response) => response,
            Err(error) => {
                // What a client would receive for a middleware error.
                let response = error.error_response();
                let status = response.status();
                let headers = response.headers().clone();
                let body = actix_web::body::to_bytes(response.into_body())
                    .await
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                return Reply {
                    status,
                    location: None,
                    body,
                    headers,
                };
            }
        };
        for cookie in response.response().cookies() {
            let removed =
                cookie.max_age().is_some_and(|age| age.is_zero()) || cookie.value().is_empty();
            if removed {
                self.cookies.remove(cookie.name());
            } else {
                self.cookies
                    .insert(cookie.name().to_owned(), cookie.value().to_owned());
            }
        }
        let status = response.status();
        let location = response
            .headers()
            .get("Location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let headers = response.headers().clone();
        let body = test::read_body(response).await;
        let reply = Reply {
            status,
            location,
            body: String::from_utf8_lossy(&body).into_owned(),
            headers,
        };
        if let Some(token) = reply.csrf() {
            self.token = token;
        }
        reply
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(TestRequest::get().uri(path)).await
    }

    /// Posts a form with this browser's CSRF token and the given action.
    pub async fn post(&mut self, path: &str, action: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", self.token.as_str())];
        all.extend_from_slice(fields);
        all.push(("action", action));
        let body = encode(&all);
        self.send(
            TestRequest::post()
                .uri(path)
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .set_payload(body),
        )
        .await
    }

    /// GETs the step, then posts it with `next`; asserts the redirect.
    pub async fn complete_step(&mut self, step: &str, fields: &[(&str, &str)], next: &str) {
        let page = self.get(&format!("/signup/{step}")).await;
        assert_eq!(page.status, StatusCode::OK, "GET {step}: {}", page.body);
        let reply = self.post(&format!("/signup/{step}"), "next", fields).await;
        reply.assert_redirect(next);
    }

    /// Account (personal) done, the profile form shown (with its token).
    pub async fn reach_profile(&mut self) {
        self.complete_step("account", ACCOUNT_OK, "/signup/profile")
            .await;
        let profile = self.get("/signup/profile").await;
        assert_eq!(profile.status, StatusCode::OK);
    }

    /// The account step's answers are stored as `ACCOUNT_OK` gave them and
    /// the profile is still to be done.
    pub async fn assert_account_intact(&mut self) {
        self.get("/signup").await.assert_redirect("/signup/profile");
        let account = self.get("/signup/account").await;
        assert_eq!(
            account.input_value("email").as_deref(),
            Some("ann@example.com")
        );
        let profile = self.get("/signup/profile").await;
        assert_eq!(profile.input_value("display_name").as_deref(), Some(""));
    }
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
