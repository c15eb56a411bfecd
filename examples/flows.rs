//! Runs complete signups in-process (no network), for profilers:
//!
//!     cargo build --release --example flows
//!     valgrind --tool=callgrind target/release/examples/flows
//!
//! `FLOWS` (default 200) sets how many; `STATE_AT_REST=encrypted` seals
//! the state as on a shared store (the embedded store keeps it plain), to
//! measure what encryption costs.

#[allow(dead_code)]
#[path = "signup/app.rs"]
mod app;

use actix_web::cookie::Key;
use actix_web::test::{self, TestRequest};
use actix_web::{App, web};
use actix_wizard::{MemoryStore, StateAtRest, WizardConfig, WizardSetup};

#[actix_web::main]
async fn main() {
    let flows: usize = std::env::var("FLOWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let key = Key::from(&[5u8; 64]);
    let mut config = WizardConfig::default().secure_cookies(false);
    if std::env::var("STATE_AT_REST").as_deref() == Ok("encrypted") {
        config = config.state_at_rest(StateAtRest::Encrypted);
    }
    let setup = WizardSetup::new(MemoryStore::default(), key, config);
    let service = test::init_service(App::new().wrap(setup.middleware()).configure(app::routes(
        setup.wizard("/signup"),
        web::Data::new(app::Accounts::default()),
    )))
    .await;
    let mut completed = 0;
    for n in 0..flows {
        let mut jar = std::collections::BTreeMap::<String, String>::new();
        let mut token = String::new();
        let requests: [(&str, Option<String>); 8] = [
            ("/signup", None),
            ("/signup/account", None),
            ("/signup/account", Some(format!("email=u{n}%40example.com&password=secret123&password_confirm=secret123&account_type=personal&action=next"))),
            ("/signup/profile", None),
            ("/signup/profile", Some("display_name=Ann&age=30&interests=rust&interests=web&newsletter=yes&action=next".to_owned())),
            ("/signup/review", None),
            ("/signup/review", Some("accept_terms=yes&action=finish".to_owned())),
            ("/signup/complete", None),
        ];
        for (path, form) in requests {
            let mut request = match &form {
                Some(form) => TestRequest::post()
                    .uri(path)
                    .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                    .set_payload(format!("csrf_token={token}&{form}")),
                None => TestRequest::get().uri(path),
            };
            if !jar.is_empty() {
                let cookie: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
                request = request.insert_header(("Cookie", cookie.join("; ")));
            }
            let response = test::call_service(&service, request.to_request()).await;
            for c in response.response().cookies() {
                jar.insert(c.name().to_owned(), c.value().to_owned());
            }
            let body = test::read_body(response).await;
            let body = String::from_utf8_lossy(&body);
            if let Some(at) = body.find(r#"name="csrf_token" value=""#) {
                let value = &body[at + 25..];
                token = value[..value.find('"').unwrap_or(0)].to_owned();
            }
            if body.contains("Welcome, Ann") {
                completed += 1;
            }
        }
    }
    println!("{completed} of {flows} signups completed");
}
