//! A flood of new sessions against the signup example on the embedded
//! store: every visitor is new, opens the first step (which stores
//! nothing: a page view makes no session) and sends it back with Back,
//! which keeps what was typed as a draft and so creates a session.
//! Prints how many
//! sessions the store holds, the bytes it is charged for, and the peak
//! memory of the process; fails if the store went over its budget.
//!
//!     cargo run --release --example flood
//!
//! `FLOOD_SESSIONS` (default 1000000) and `FLOOD_BUDGET_MIB` (default 64)
//! change the run.

#[allow(dead_code)]
#[path = "signup/app.rs"]
mod app;

use std::process::ExitCode;
use std::time::Instant;

use actix_web::cookie::Key;
use actix_web::test::{self, TestRequest};
use actix_web::{App, web};
use actix_wizard::{MemoryStore, WizardConfig, WizardSetup};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A line of /proc/self/status, in KiB.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[actix_web::main]
async fn main() -> ExitCode {
    let sessions = env_number("FLOOD_SESSIONS", 1_000_000);
    let budget = env_number("FLOOD_BUDGET_MIB", 64) * 1024 * 1024;
    let store = MemoryStore::builder().max_bytes(budget).build();
    let setup = WizardSetup::new(store.clone(), Key::generate(), WizardConfig::default());
    let accounts = web::Data::new(app::Accounts::default());
    let service = test::init_service(
        App::new()
            .wrap(setup.middleware())
            .configure(app::routes(setup.wizard("/signup"), accounts)),
    )
    .await;

    let started = Instant::now();
    let mut peak_weight = 0;
    for n in 1..=sessions {
        let page = test::call_service(
            &service,
            TestRequest::get().uri("/signup/account").to_request(),
        )
        .await;
        let visitor = page
            .response()
            .cookies()
            .find(|c| c.name() == "signup_run")
            .map(|c| format!("signup_run={}", c.value()));
        let body = String::from_utf8_lossy(&test::read_body(page).await).into_owned();
        let token = body
            .find(r#"name="csrf_token" value=""#)
            .map(|at| &body[at + 25..])
            .and_then(|rest| rest.find('"').map(|end| rest[..end].to_owned()));
        let (Some(visitor), Some(token)) = (visitor, token) else {
            eprintln!("visitor {n}: the page carried no visitor cookie or token");
            return ExitCode::FAILURE;
        };
        let response = test::call_service(
            &service,
            TestRequest::post()
                .uri("/signup/account")
                .insert_header(("Cookie", visitor))
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .set_payload(format!(
                    "csrf_token={token}&email=visitor{n}%40example.com&action=back"
                ))
                .to_request(),
        )
        .await;
        if !response.status().is_redirection() {
            eprintln!("visitor {n}: Back answered {}", response.status());
            return ExitCode::FAILURE;
        }
        if n % 100_000 == 0 {
            let weight = store.weighted_size().await;
            peak_weight = peak_weight.max(weight);
            println!(
                "{n:>8} sessions opened: store holds {:>7} ({:>5.1} MiB charged), RSS {:>6.1} MiB",
                store.session_count().await,
                weight as f64 / 1048576.0,
                status_kib("VmRSS:") as f64 / 1024.0
            );
        }
    }
    let weight = store.weighted_size().await;
    peak_weight = peak_weight.max(weight);
    println!(
        "{sessions} new sessions in {:.1?}: store holds {} sessions, {:.1} MiB charged of a {:.0} MiB budget (peak {:.1} MiB); process peak RSS {:.1} MiB",
        started.elapsed(),
        store.session_count().await,
        weight as f64 / 1048576.0,
        budget as f64 / 1048576.0,
        peak_weight as f64 / 1048576.0,
        status_kib("VmHWM:") as f64 / 1024.0,
    );
    if peak_weight > budget {
        eprintln!("the store went over its budget");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
