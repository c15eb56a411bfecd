//! Runs complete signups in-process (no network), for profilers:
//!
//!     cargo build --release --example flows
//!     valgrind --tool=callgrind target/release/examples/flows
//!
//! `FLOWS` (default 200) sets how many; `STATE_AT_REST=encrypted` seals
//! the state as on a shared store (the embedded store keeps it plain), to
//! measure what encryption costs; `FLOWS_APP=baseline` runs the
//! hand-written baseline instead, to compare the two line by line;
//! `FLOWS_STORE=memcache://HOST:PORT` (with `--features memcached`) keeps
//! the sessions in memcached instead of the embedded store, to see what
//! a shared store's path costs each app.

#[allow(dead_code)]
#[path = "signup/app.rs"]
mod app;
// The baseline and the signup each bring the shared migrations module.
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "baseline/main.rs"]
mod baseline;
#[path = "shared/signup_flow.rs"]
mod signup_flow;

use actix_session::storage::SessionStore;
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
    let baseline = std::env::var("FLOWS_APP").as_deref() == Ok("baseline");
    match std::env::var("FLOWS_STORE").ok().filter(|s| !s.is_empty()) {
        None => run(MemoryStore::default(), baseline, flows).await,
        #[cfg(feature = "memcached")]
        Some(url) => match actix_wizard::store::MemcachedStore::connect(&url).await {
            Ok(store) => run(store, baseline, flows).await,
            Err(error) => eprintln!("FLOWS_STORE={url}: {error}"),
        },
        #[cfg(not(feature = "memcached"))]
        Some(url) => eprintln!("FLOWS_STORE={url} needs `--features memcached`"),
    }
}

/// Runs `flows` signups of the wizard, or of the baseline, on `store`.
async fn run<S>(store: S, baseline: bool, flows: usize)
where
    S: SessionStore + Clone + Send + Sync + 'static,
{
    let key = Key::from(&[5u8; 64]);
    if baseline {
        let sessions = baseline::sessions(store, key);
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
    let setup = WizardSetup::new(store, key, config);
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
