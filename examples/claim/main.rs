//! The claim example: an expenses claim on actix-wizard.
//!
//! Run it with `cargo run --example claim` and open the address it
//! prints. `ADDR` (default `127.0.0.1:8082`), `SESSION_STORE` (as the
//! signup's: `memory`, `cookie`, `redis://…`, `memcache://…` behind their
//! features), `SESSION_KEY` (64 bytes in hex; generated, with a warning,
//! when unset), `DATABASE_URL` (default `sqlite:claim.db?mode=rwc`),
//! `UPLOADS` (where receipts are kept; default `uploads`) and `CLAMD`
//! (`tcp://HOST:PORT` or a socket's path; unset: receipts are not
//! scanned, with a warning), `SMTP_URL` (`smtp://HOST:PORT`; unset: the
//! "come back later" links are written as `.eml` files to `outbox/`) and
//! `SAVE_TTL_DAYS` (how long a link works; default 7; `SAVE_TTL_SECS`
//! overrides it) set it up.

// Some of the claims API is there for the integration tests, which share
// this module; the server itself does not read it.
#[allow(dead_code)]
mod app;
#[path = "../shared/stores.rs"]
mod stores;

use std::process::ExitCode;

use actix_session::storage::SessionStore;
use actix_web::{App, HttpServer, web};
use actix_wizard::save_return::{Outbox, SaveAndReturn, Smtp};
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
    let saving = saving(&claims, std::env::var("SMTP_URL").ok()).await?;
    // Plain http on 127.0.0.1 while developing.
    let config = WizardConfig::default()
        .secure_cookies(false)
        .uploads(uploads(
            &var("UPLOADS", "uploads"),
            std::env::var("CLAMD").ok(),
        )?)
        .save_and_return(saving)
        // The picture the explorer's test draws, at /claim/flow.svg.
        .flow_picture(include_str!("../../docs/flows/claim.svg"));
    // English, and Welsh from `locales/cy.ftl`.
    let config = app::in_both_languages(config).map_err(|e| format!("locales/cy.ftl: {e}"))?;
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

/// "Save and come back later": links through the mail server at
/// `SMTP_URL` (checked at start), else written to `outbox/`; working for
/// `SAVE_TTL_SECS`, else `SAVE_TTL_DAYS` (7). Expired saves are purged
/// every hour.
async fn saving(claims: &app::Claims, smtp: Option<String>) -> Result<SaveAndReturn, String> {
    let from = "Claim your expenses <no-reply@claims.example.org>";
    let seconds = |name: &str, unit: u64| -> Result<Option<u64>, String> {
        match std::env::var(name) {
            Ok(text) => text
                .parse::<u64>()
                .map(|n| Some(n * unit))
                .map_err(|_| format!("{name}={text}: not a whole number")),
            Err(_) => Ok(None),
        }
    };
    let ttl = seconds("SAVE_TTL_SECS", 1)?
        .or(seconds("SAVE_TTL_DAYS", 24 * 3600)?)
        .unwrap_or(7 * 24 * 3600);
    let link_for = Duration::from_secs(ttl);
    let save = match smtp {
        Some(url) => {
            let smtp = Smtp::new(&url, from).map_err(|e| format!("SMTP_URL={url}: {e}"))?;
            let host = url.trim_start_matches("smtp://").trim_end_matches('/');
            std::net::TcpStream::connect(host).map_err(|e| format!("SMTP_URL={url}: {e}"))?;
            claims.saving(smtp, link_for).await
        }
        None => {
            let outbox = Outbox::new("outbox", from).map_err(|e| format!("outbox: {e}"))?;
            claims.saving(outbox, link_for).await
        }
    }
    .map_err(|e| format!("DATABASE_URL: the saved claims' table: {e}"))?;
    actix_web::rt::spawn(save.clone().purge_every(Duration::from_secs(3600)));
    Ok(save)
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
