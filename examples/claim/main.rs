//! The claim example: an expenses claim on actix-wizard.
//!
//! Run it with `cargo run --example claim` and open the address it
//! prints. `ADDR` (default `127.0.0.1:8082`), `SESSION_KEY` (64 bytes in
//! hex; generated, with a warning, when unset) and `DATABASE_URL`
//! (default `sqlite:claim.db?mode=rwc`) set it up; the session is kept in
//! the embedded store.

// Some of the claims API is there for the integration tests, which share
// this module; the server itself does not read it.
#[allow(dead_code)]
mod app;

use std::process::ExitCode;

use actix_web::cookie::Key;
use actix_web::{App, HttpServer, web};
use actix_wizard::{MemoryStore, WizardConfig, WizardSetup};

fn key() -> Result<Key, String> {
    match std::env::var("SESSION_KEY").ok().filter(|k| !k.is_empty()) {
        Some(hex_key) => hex::decode(hex_key.trim())
            .ok()
            .and_then(|bytes| Key::try_from(bytes.as_slice()).ok())
            .ok_or_else(|| "SESSION_KEY must be 64 bytes (128 hex digits)".to_owned()),
        None => {
            eprintln!("warning: SESSION_KEY is not set; sessions end when the server restarts");
            Ok(Key::generate())
        }
    }
}

async fn serve() -> Result<(), String> {
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:8082".to_owned());
    match std::env::var("SESSION_STORE").ok().as_deref() {
        None | Some("memory") => {}
        Some(other) => {
            return Err(format!(
                "SESSION_STORE={other}: the claim example keeps sessions in the embedded store (memory) for now"
            ));
        }
    }
    let url =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite:claim.db?mode=rwc".to_owned());
    let claims = app::Claims::open(&url)
        .await
        .map_err(|e| format!("DATABASE_URL={url}: {e}"))?;
    let claims = web::Data::new(claims);
    // Plain http on 127.0.0.1 while developing.
    let config = WizardConfig::default().secure_cookies(false);
    let setup = WizardSetup::new(MemoryStore::default(), key()?, config);
    let claim = setup.wizard::<app::Claim>("/claim");
    let server = HttpServer::new(move || {
        App::new()
            .wrap(setup.middleware())
            .configure(app::routes(claim.clone(), claims.clone()))
    })
    .bind(&addr)
    .map_err(|e| format!("ADDR={addr}: {e}"))?;
    println!("listening on http://{addr}/claim");
    server.run().await.map_err(|e| e.to_string())
}

#[actix_web::main]
async fn main() -> ExitCode {
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("claim: {reason}");
            ExitCode::FAILURE
        }
    }
}
