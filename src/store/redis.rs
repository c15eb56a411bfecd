//! Redis through actix-session's own `RedisSessionStore`, on a connection
//! pool with short timeouts.

use std::time::Duration;

use actix_session::storage::RedisSessionStore;
use deadpool_redis::{Config, Pool, PoolConfig, Runtime, Timeouts};

use super::StoreError;

/// How long taking, opening or checking a pooled connection may take
/// before the request is answered with the store-outage page.
const TIMEOUT: Duration = Duration::from_millis(500);

/// Redis for sessions and for the record of finished runs.
///
/// actix-session's `RedisSessionStore` is used as is, on a deadpool pool:
/// with Redis down it fails within the pool timeouts (so visitors get the
/// 503 page at once) and recovers by itself when Redis is back. (Its
/// single-connection mode retries for minutes instead.)
///
/// ```no_run
/// # async fn run() -> Result<(), actix_wizard::store::StoreError> {
/// use actix_wizard::store::RedisBackend;
/// let redis = RedisBackend::connect("redis://127.0.0.1:6379").await?;
/// let store = redis.session_store(); // for session_middleware
/// # let _ = store; Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisBackend {
    pool: Pool,
    store: RedisSessionStore,
}

impl RedisBackend {
    /// Builds the pool for `redis://HOST:PORT[/DB]` and checks that Redis
    /// answers.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if !(url.starts_with("redis://") || url.starts_with("rediss://")) {
            return Err(StoreError::BadUrl(format!(
                "`{url}` does not start with redis://"
            )));
        }
        let mut config = Config::from_url(url);
        let mut pool_config = PoolConfig::new(64);
        pool_config.timeouts = Timeouts {
            wait: Some(TIMEOUT),
            create: Some(TIMEOUT),
            recycle: Some(TIMEOUT),
        };
        config.pool = Some(pool_config);
        let pool = config
            .create_pool(Some(Runtime::Tokio1))
            .map_err(|e| StoreError::BadUrl(format!("`{url}`: {e}")))?;
        let store = RedisSessionStore::new_pooled(pool.clone())
            .await
            .map_err(|e| StoreError::unreachable(format!("Redis at {url}"), e))?;
        let backend = Self { pool, store };
        backend.ping().await?;
        Ok(backend)
    }

    /// Checks that Redis answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut connection = self
            .pool
            .get()
            .await
            .map_err(|e| StoreError::unreachable("Redis", e))?;
        deadpool_redis::redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::unreachable("Redis", e))
    }

    /// The session store, for `session_middleware`.
    pub fn session_store(&self) -> RedisSessionStore {
        self.store.clone()
    }

    pub(crate) fn pool(&self) -> &Pool {
        &self.pool
    }
}
