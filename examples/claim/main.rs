//! The claim example: an expenses claim on actix-wizard.
//!
//! Run it with `cargo run --example claim` and open the address it
//! prints. `ADDR` (default `127.0.0.1:8082`), `SESSION_STORE` (as the
//! signup's: `memory`, `cookie`, `redis://…`, `memcache://…` behind their
//! features), `SESSION_KEY` (64 bytes in hex; generated, with a warning,
//! when unset), `DATABASE_URL` (default `sqlite:claim.db?mode=rwc`),
//! `UPLOADS` (where receipts are kept; default `uploads`) and `CLAMD`
//! (`tcp://HOST:PORT` or a socket's path; unset: receipts are not
//! scanned, with a warning) set it up.

// Some of the claims API is there for the integration tests, which share
// this module; the server itself does not read it.
#[allow(dead_code)]
mod app;
#[path = "../shared/stores.rs"]
mod stores;

use std::process::ExitCode;

use actix_session::storage::SessionStore;
use actix_web::{App, HttpServer, web};
use actix_wizard::upload::{ClamAv, ClamdAddress, Staging, Uploads};
use actix_wizard::{WizardConfig, WizardService, WizardSetup};
use std::time::Duration;

/// The claim, ready to serve on the chosen store.
struct Example {
    claims: web::Data<app::Claims>,
    addr: String,
}

impl stores::Serve for Example {
    type Wizard = app::Claim;
    const PATH: &'static str = "/claim";

    async fn serve<S: SessionStore + 'static>(
        self,
        setup: WizardSetup<S>,
        claim: WizardService<app::Claim>,
    ) -> Result<(), String> {
        let Example { claims, addr } = self;
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
}

async fn start() -> Result<(), String> {
    let var =
        |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let store = stores::store_choice("claim", &var("SESSION_STORE", "memory"))?;
    let url = var("DATABASE_URL", "sqlite:claim.db?mode=rwc");
    let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    if postgres && !cfg!(feature = "postgres") {
        return Err(stores::feature_off(
            "claim",
            "DATABASE_URL",
            &url,
            "postgres",
        ));
    }
    let claims = app::Claims::open(&url)
        .await
        .map_err(|e| format!("DATABASE_URL={url}: {e}"))?;
    // Plain http on 127.0.0.1 while developing.
    let config = WizardConfig::default()
        .secure_cookies(false)
        .uploads(uploads(
            &var("UPLOADS", "uploads"),
            std::env::var("CLAMD").ok(),
        )?);
    let example = Example {
        claims: web::Data::new(claims),
        addr: var("ADDR", "127.0.0.1:8082"),
    };
    let key = stores::session_key(std::env::var("SESSION_KEY").ok())?;
    stores::serve_on(store, key, config, example).await
}

/// The receipts' staging area (a directory), scanned by clamd at
/// `CLAMD` when it is set; swept every ten minutes of the files of claims
/// left unfinished for 35 minutes (the idle timeout and a margin).
fn uploads(dir: &str, clamd: Option<String>) -> Result<Uploads, String> {
    let staging = Staging::local(dir).map_err(|e| format!("UPLOADS={dir}: {e}"))?;
    let idle = Duration::from_secs(35 * 60);
    actix_web::rt::spawn(staging.clone().sweep_every(Duration::from_secs(600), idle));
    let uploads = Uploads::new(staging);
    let Some(address) = clamd else {
        eprintln!("claim: CLAMD is not set: uploaded receipts are not scanned for viruses");
        return Ok(uploads);
    };
    let scanner = ClamAv::from_address(&address)
        .ok_or_else(|| format!("CLAMD={address}: not tcp://HOST:PORT or a socket's path"))?;
    if let ClamdAddress::Tcp(host) = scanner.address() {
        std::net::TcpStream::connect(host).map_err(|e| format!("CLAMD={address}: {e}"))?;
    }
    Ok(uploads.scanner(scanner))
}

#[actix_web::main]
async fn main() -> ExitCode {
    match start().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("claim: {reason}");
            ExitCode::FAILURE
        }
    }
}
