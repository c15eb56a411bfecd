//! The signup example: a four-step signup wizard on actix-wizard.
//!
//! Run it with `cargo run --example signup` and open the address it prints.
//! Settings come from the environment (see the README): `ADDR`,
//! `SESSION_STORE`, `SESSION_KEY`, `SESSION_TTL_SECS`, `WORKERS`,
//! `SECURE_COOKIES`, `DATABASE_URL`, `FUNNEL_EVENTS`, `FUNNEL_TOKEN`,
//! `FUNNEL_KEEP_DAYS`,
//! `RUNS_PER_TAB`.

// Some of the accounts API is there for the integration tests, which share
// this module; the server itself does not read it.
#[allow(dead_code)]
mod app;
// Its figures are read by the tests too.
#[allow(dead_code)]
mod funnel;
#[path = "../shared/stores.rs"]
mod stores;

use std::process::ExitCode;
use std::time::Duration;

use actix_session::storage::SessionStore;
use actix_web::cookie::Key;
use actix_web::{App, HttpServer, web};
use actix_wizard::{WizardConfig, WizardService, WizardSetup};
use stores::StoreChoice;

/// The accounts' database when `DATABASE_URL` is not set: SQLite, in a file
/// of the working directory, made at the first start.
const DEFAULT_DATABASE: &str = "sqlite:signup.db?mode=rwc";

struct Settings {
    addr: String,
    store: StoreChoice,
    key: Key,
    config: WizardConfig,
    workers: usize,
    database: String,
    /// How long the funnel's events are kept.
    funnel_keep: Duration,
    /// Whether the wizard's events are written to the database.
    funnel_events: bool,
}

/// `DATABASE_URL` as given, or the reason this build cannot open it.
fn database(url: String) -> Result<String, String> {
    let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    if postgres && !cfg!(feature = "postgres") {
        return Err(stores::feature_off(
            "signup",
            "DATABASE_URL",
            &url,
            "postgres",
        ));
    }
    Ok(url)
}

/// The settings from the environment variables that `var` reads.
fn settings(var: impl Fn(&str) -> Option<String>) -> Result<Settings, String> {
    let env_or = |name: &str, default: &str| var(name).unwrap_or_else(|| default.to_owned());
    let store = stores::store_choice("signup", &env_or("SESSION_STORE", "memory"))?;
    let key = stores::session_key(var("SESSION_KEY"))?;
    let ttl: u64 = env_or("SESSION_TTL_SECS", "1800")
        .parse()
        .map_err(|_| "SESSION_TTL_SECS must be a whole number of seconds".to_owned())?;
    let funnel_days: u64 = env_or("FUNNEL_KEEP_DAYS", "90")
        .parse()
        .map_err(|_| "FUNNEL_KEEP_DAYS must be a whole number of days".to_owned())?;
    let workers = match var("WORKERS") {
        Some(n) => n
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or("WORKERS must be a positive whole number")?,
        None => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
    };
    let secure = matches!(
        env_or("SECURE_COOKIES", "false").as_str(),
        "1" | "true" | "yes"
    );
    let per_tab = matches!(
        env_or("RUNS_PER_TAB", "false").as_str(),
        "1" | "true" | "yes"
    );
    let config = WizardConfig::default()
        .idle_timeout(Duration::from_secs(ttl))
        .secure_cookies(secure)
        .runs_per_tab(per_tab);
    Ok(Settings {
        addr: env_or("ADDR", "127.0.0.1:8080"),
        store,
        key,
        config,
        workers,
        database: database(env_or("DATABASE_URL", DEFAULT_DATABASE))?,
        funnel_keep: Duration::from_secs(funnel_days * 24 * 3600),
        funnel_events: match env_or("FUNNEL_EVENTS", "on").as_str() {
            "on" => true,
            "off" => false,
            _ => return Err("FUNNEL_EVENTS must be on or off".to_owned()),
        },
    })
}

/// The signup, ready to serve on the chosen store.
struct Example {
    accounts: app::Accounts,
    funnel: Option<web::Data<funnel::FunnelPage>>,
    addr: String,
    workers: usize,
}

impl stores::Serve for Example {
    type Wizard = app::Signup;
    const PATH: &'static str = "/signup";

    /// Serves the example with `setup` (the store, the key, the
    /// configuration) and the wizard built from it.
    async fn serve<S: SessionStore + 'static>(
        self,
        setup: WizardSetup<S>,
        signup: WizardService<app::Signup>,
    ) -> Result<(), String> {
        let Example {
            accounts,
            funnel,
            addr,
            workers,
        } = self;
        // Built once, shared by every worker: the store, the key, the
        // wizard (its record of finished runs) and the accounts' pool.
        let accounts = web::Data::new(accounts);
        let server = HttpServer::new(move || {
            App::new()
                .wrap(setup.middleware())
                .configure(app::routes(signup.clone(), accounts.clone()))
                .configure(funnel::routes(funnel.clone()))
        })
        .workers(workers)
        .client_request_timeout(app::CLIENT_REQUEST_TIMEOUT)
        .keep_alive(app::KEEP_ALIVE)
        .bind(&addr)
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        for bound in server.addrs() {
            println!("signup example listening on http://{bound}/signup");
        }
        server
            .run()
            .await
            .map_err(|e| format!("server stopped: {e}"))
    }
}

/// Connects the chosen store (an external one must answer now) and
/// serves.
async fn start(settings: Settings) -> Result<(), String> {
    let Settings {
        addr,
        store,
        key,
        config,
        workers,
        database,
        funnel_keep,
        funnel_events,
    } = settings;
    let accounts = match database.as_str() {
        // In this process's memory: the benchmark's setting, where the
        // baseline keeps its accounts the same way.
        "memory" => app::Accounts::default(),
        url => app::Accounts::open(url)
            .await
            .map_err(|e| format!("DATABASE_URL={url}: {e}"))?,
    };
    // The wizard's events go to the database from a task of their own;
    // the funnel page reads them, behind the operator's token.
    let (config, funnel) = match accounts.pool().filter(|_| funnel_events) {
        Some(pool) => {
            let clock = funnel::system_clock();
            let recorder =
                funnel::FunnelRecorder::start_keeping(pool.clone(), clock.clone(), funnel_keep);
            let page = std::env::var("FUNNEL_TOKEN")
                .ok()
                .filter(|t| !t.is_empty())
                .map(|token| {
                    web::Data::new(funnel::FunnelPage {
                        pool: pool.clone(),
                        token,
                        steps: app::STEP_NAMES.to_vec(),
                        idle: config.idle_timeout,
                        clock,
                        layout: <app::Signup as actix_wizard::Wizard>::layout,
                    })
                });
            (config.on_event(recorder.hook()), page)
        }
        None => (config, None),
    };
    let example = Example {
        accounts,
        funnel,
        addr,
        workers,
    };
    stores::serve_on(store, key, config, example).await
}

#[actix_web::main]
async fn main() -> ExitCode {
    let outcome = match settings(|name| std::env::var(name).ok()) {
        Ok(settings) => start(settings).await,
        Err(reason) => Err(reason),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("signup: {reason}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Unused in a build with every feature on, where nothing is refused.
    #[cfg_attr(
        all(feature = "redis", feature = "memcached", feature = "postgres"),
        allow(dead_code)
    )]
    /// The reason `settings` refuses the environment `vars`.
    fn refused(vars: &[(&str, &str)]) -> String {
        let found = |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        };
        match settings(found) {
            Ok(_) => panic!("{vars:?} was accepted"),
            Err(reason) => reason,
        }
    }

    // Unused in a build with every feature on, where nothing is refused.
    #[cfg_attr(
        all(feature = "redis", feature = "memcached", feature = "postgres"),
        allow(dead_code)
    )]
    fn names_the_feature(reason: &str, feature: &str) {
        assert!(!reason.contains('\n'), "more than one line: {reason}");
        let command = format!("cargo run --example signup --features {feature}");
        assert!(reason.contains(&command), "{reason}");
    }

    #[cfg(not(feature = "redis"))]
    #[test]
    fn redis_without_its_feature_names_the_feature() {
        let reason = refused(&[("SESSION_STORE", "redis://127.0.0.1:6379")]);
        assert!(reason.starts_with("SESSION_STORE=redis://127.0.0.1:6379 "));
        names_the_feature(&reason, "redis");
    }

    #[cfg(not(feature = "memcached"))]
    #[test]
    fn memcached_without_its_feature_names_the_feature() {
        let reason = refused(&[("SESSION_STORE", "memcache://127.0.0.1:11211")]);
        assert!(reason.starts_with("SESSION_STORE=memcache://127.0.0.1:11211 "));
        names_the_feature(&reason, "memcached");
    }

    #[cfg(not(feature = "postgres"))]
    #[test]
    fn postgres_without_its_feature_names_the_feature() {
        let url = "postgres://127.0.0.1:5432/test";
        let reason = refused(&[("SESSION_KEY", &"ab".repeat(64)), ("DATABASE_URL", url)]);
        assert!(reason.starts_with("DATABASE_URL=postgres://"), "{reason}");
        names_the_feature(&reason, "postgres");
    }

    #[test]
    fn the_default_build_takes_the_embedded_store_and_sqlite() {
        let found = |name: &str| (name == "SESSION_KEY").then(|| "ab".repeat(64));
        let settings = settings(found).unwrap_or_else(|reason| panic!("refused: {reason}"));
        assert!(matches!(settings.store, StoreChoice::Memory));
        assert_eq!(settings.database, DEFAULT_DATABASE);
        assert!(settings.funnel_events, "the funnel records by default");
    }

    #[test]
    fn funnel_events_are_on_or_off() {
        let key = "ab".repeat(64);
        let with = |value: &'static str| {
            let key = key.clone();
            move |name: &str| match name {
                "SESSION_KEY" => Some(key.clone()),
                "FUNNEL_EVENTS" => Some(value.to_owned()),
                _ => None,
            }
        };
        let off = settings(with("off")).unwrap_or_else(|reason| panic!("refused: {reason}"));
        assert!(!off.funnel_events);
        let on = settings(with("on")).unwrap_or_else(|reason| panic!("refused: {reason}"));
        assert!(on.funnel_events);
        let reason = settings(with("sometimes")).err();
        assert_eq!(reason.as_deref(), Some("FUNNEL_EVENTS must be on or off"));
    }
}
