//! Runs complete signups in-process (no network), for profilers:
//!
//!     cargo build --release --example flows
//!     valgrind --tool=callgrind target/release/examples/flows
//!
//! `FLOWS` (default 200) sets how many; `STATE_AT_REST=encrypted` seals
//! the state as on a shared store (the embedded store keeps it plain), to
//! measure what encryption costs; `FLOWS_APP=baseline` runs the
//! hand-written baseline instead, to compare the two line by line.

#[allow(dead_code)]
#[path = "signup/app.rs"]
mod app;
// The baseline and the signup each bring the shared migrations module.
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "baseline/main.rs"]
mod baseline;
#[path = "shared/signup_flow.rs"]
mod signup_flow;

use actix_web::cookie::Key;
use actix_web::test;
use actix_web::{App, web};
use actix_wizard::{MemoryStore, WizardConfig, WizardSetup, config::StateAtRest};

#[actix_web::main]
async fn main() {
    let flows: usize = std::env::var("FLOWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let key = Key::from(&[5u8; 64]);
    if std::env::var("FLOWS_APP").as_deref() == Ok("baseline") {
        let sessions = baseline::sessions(MemoryStore::default(), key);
        let service =
            test::init_service(App::new().wrap(sessions).configure(baseline::routes)).await;
        let mut completed = 0;
        for n in 0..flows {
            completed += usize::from(signup_flow::sign_up(&service, n).await);
        }
        println!("{completed} of {flows} baseline signups completed");
        return;
    }
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
        completed += usize::from(signup_flow::sign_up(&service, n).await);
    }
    println!("{completed} of {flows} signups completed");
}
