//! The session stores an example starts on (`SESSION_STORE`): the
//! embedded store, the cookie store, Redis or memcached (each behind its
//! cargo feature), and how an example is served on the chosen one, its
//! wizard finishing once across instances on a shared store.

use std::future::Future;

use actix_session::storage::{CookieSessionStore, SessionStore};
use actix_web::cookie::Key;
use actix_wizard::{MemoryStore, Wizard, WizardConfig, WizardService, WizardSetup};
#[cfg(feature = "memcached")]
use actix_wizard::{ledger::MemcachedLedger, store::MemcachedStore};
#[cfg(feature = "redis")]
use actix_wizard::{ledger::RedisLedger, store::RedisBackend};

/// Largest state kept in the cookie store: encrypted and base64-encoded it
/// must stay under the 4 KiB browsers keep.
const COOKIE_STATE_CAP: usize = 2500;

/// `SESSION_KEY` (hex), or a key generated now, with a warning, when it
/// is not set.
pub fn session_key(hex_key: Option<String>) -> Result<Key, String> {
    let Some(hex_key) = hex_key else {
        eprintln!(
            "warning: SESSION_KEY is not set; using a key generated now, so sessions end when the server restarts"
        );
        return Ok(Key::generate());
    };
    let bytes = hex::decode(hex_key.trim()).map_err(|e| format!("SESSION_KEY is not hex: {e}"))?;
    Key::try_from(bytes.as_slice()).map_err(|_| {
        format!(
            "SESSION_KEY must be at least 64 bytes (128 hex digits), got {}",
            bytes.len()
        )
    })
}

/// Where the sessions are kept.
pub enum StoreChoice {
    Memory,
    Cookie,
    #[cfg(feature = "redis")]
    Redis(String),
    #[cfg(feature = "memcached")]
    Memcached(String),
}

/// The one-line reason given when a setting of example `example` needs a
/// cargo feature this build was made without.
pub fn feature_off(example: &str, setting: &str, value: &str, feature: &str) -> String {
    format!(
        "{setting}={value} needs the `{feature}` feature: cargo run --example {example} --features {feature}"
    )
}

/// `SESSION_STORE` as example `example` reads it, or why it cannot.
pub fn store_choice(example: &str, value: &str) -> Result<StoreChoice, String> {
    // Named only in the reason a build without a store's feature gives.
    let _ = example;
    match value {
        "memory" => Ok(StoreChoice::Memory),
        "cookie" => Ok(StoreChoice::Cookie),
        #[cfg(feature = "redis")]
        url if url.starts_with("redis://") => Ok(StoreChoice::Redis(url.to_owned())),
        #[cfg(not(feature = "redis"))]
        url if url.starts_with("redis://") => {
            Err(feature_off(example, "SESSION_STORE", url, "redis"))
        }
        #[cfg(feature = "memcached")]
        url if url.starts_with("memcache://") => Ok(StoreChoice::Memcached(url.to_owned())),
        #[cfg(not(feature = "memcached"))]
        url if url.starts_with("memcache://") => {
            Err(feature_off(example, "SESSION_STORE", url, "memcached"))
        }
        other => Err(format!(
            "SESSION_STORE={other} is not one of memory, cookie, redis://HOST:PORT, memcache://HOST:PORT"
        )),
    }
}

/// An example, ready to serve its wizard on whichever store was chosen.
pub trait Serve {
    /// The example's wizard.
    type Wizard: Wizard;
    /// Where it is mounted.
    const PATH: &'static str;
    /// Serves `wizard`, built from `setup`, until the server stops.
    fn serve<S: SessionStore + 'static>(
        self,
        setup: WizardSetup<S>,
        wizard: WizardService<Self::Wizard>,
    ) -> impl Future<Output = Result<(), String>>;
}

/// Connects the chosen store (an external one must answer now) and
/// serves `example` on it; on a shared store its wizard finishes each
/// run once across every instance.
pub async fn serve_on<E: Serve>(
    choice: StoreChoice,
    key: Key,
    config: WizardConfig,
    example: E,
) -> Result<(), String> {
    match choice {
        StoreChoice::Memory => {
            let setup = WizardSetup::new(MemoryStore::default(), key, config);
            let wizard = setup.wizard(E::PATH);
            example.serve(setup, wizard).await
        }
        StoreChoice::Cookie => {
            // The cookie holds about one run: a new tab's run replaces it.
            let config = config.max_state_bytes(COOKIE_STATE_CAP).max_runs(1);
            let setup = WizardSetup::with_store_factory(CookieSessionStore::default, key, config);
            let wizard = setup.wizard(E::PATH);
            example.serve(setup, wizard).await
        }
        #[cfg(feature = "redis")]
        StoreChoice::Redis(url) => {
            let redis = RedisBackend::connect(&url)
                .await
                .map_err(|e| format!("SESSION_STORE={url}: {e}"))?;
            let setup = WizardSetup::new(redis.session_store(), key, config);
            let wizard = setup.wizard_with_ledger(E::PATH, RedisLedger::new(&redis));
            example.serve(setup, wizard).await
        }
        #[cfg(feature = "memcached")]
        StoreChoice::Memcached(url) => {
            let store = MemcachedStore::connect(&url)
                .await
                .map_err(|e| format!("SESSION_STORE={url}: {e}"))?;
            let ledger = MemcachedLedger::new(&store);
            let setup = WizardSetup::new(store, key, config);
            let wizard = setup.wizard_with_ledger(E::PATH, ledger);
            example.serve(setup, wizard).await
        }
    }
}
