//! [`MemcachedStore`]: sessions in memcached, spread over several servers.

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use actix_session::storage::{
    LoadError, SaveError, SessionKey, SessionStore, UpdateError, generate_session_key,
};
use actix_web::cookie::time::Duration;
use memcache::exp::{AsyncMemcache, Ttl};

use super::StoreError;

type State = HashMap<String, String>;

/// memcached reads an expiry over 30 days as a Unix timestamp.
const MAX_RELATIVE_TTL: i64 = 30 * 24 * 3600;

/// How long one exchange with memcached may take before the request is
/// answered with the store-outage page.
const TIMEOUT: StdDuration = StdDuration::from_millis(500);

/// A `SessionStore` on memcached, over one server or several (keys are
/// spread by rendezvous hashing, so adding a server moves only its share).
///
/// Every write carries the session's TTL; a new session is `add`ed, a
/// change `replace`s (a vanished session is stored under a new key, never
/// resurrected), a read-only request `touch`es, and a purge `delete`s.
/// memcached keeps nothing on disk and may evict under memory pressure:
/// size it so sessions fit, and expect a restart to end them.
///
/// ```no_run
/// # async fn run() -> Result<(), actix_wizard::store::StoreError> {
/// use actix_wizard::store::MemcachedStore;
/// let store = MemcachedStore::connect("memcache://10.0.0.5:11211,10.0.0.6:11211").await?;
/// # let _ = store; Ok(()) }
/// ```
#[derive(Clone)]
pub struct MemcachedStore {
    client: AsyncMemcache,
}

impl MemcachedStore {
    /// How many idle connections [`connect`](Self::connect) keeps open per
    /// server between exchanges.
    ///
    /// A pool that keeps fewer than the exchanges in flight at a busy
    /// moment closes the surplus after each exchange and dials it again for
    /// the next: a TCP handshake more for that request, and a socket left in
    /// `TIME_WAIT` each time (hundreds to thousands a second under load, in
    /// time enough to run out of local ports). One worker serving 16 users at once holds up to
    /// about 30 connections (a finish reads the session and claims its run
    /// side by side), so 64 leaves room for several workers sharing one
    /// store. Only connections the load has needed are kept: a quiet server
    /// holds few. Count them against memcached's own limit (`-c`, 1,024 by
    /// default) across every instance.
    pub const IDLE_CONNECTIONS: usize = 64;

    /// Connects to `memcache://HOST:PORT[,HOST:PORT...]` and checks that
    /// every server answers; keeps up to
    /// [`IDLE_CONNECTIONS`](Self::IDLE_CONNECTIONS) idle connections per
    /// server.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_keeping(url, Self::IDLE_CONNECTIONS).await
    }

    /// Connects like [`connect`](Self::connect), keeping up to
    /// `idle_per_server` idle connections per server for the next exchange.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), actix_wizard::store::StoreError> {
    /// use actix_wizard::store::MemcachedStore;
    /// // Twelve instances of four workers each: 12 × 80 stays under the
    /// // 1,024 connections a default memcached accepts.
    /// let store = MemcachedStore::connect_keeping("memcache://10.0.0.5:11211", 80).await?;
    /// # let _ = store; Ok(()) }
    /// ```
    pub async fn connect_keeping(url: &str, idle_per_server: usize) -> Result<Self, StoreError> {
        let servers = parse_servers(url)?;
        let client = AsyncMemcache::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .max_idle(idle_per_server)
            .connect_async(servers.iter().map(String::as_str))
            .await
            .map_err(|e| StoreError::unreachable(format!("memcached at {url}"), e))?;
        let store = Self { client };
        store.ping().await?;
        Ok(store)
    }

    /// Checks that every server answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.client
            .meta()
            .noop()
            .await
            .map_err(|e| StoreError::unreachable("memcached", e))
    }

    pub(crate) fn client(&self) -> &AsyncMemcache {
        &self.client
    }
}

/// `memcache://a:1,b:2` → `["a:1", "b:2"]`.
fn parse_servers(url: &str) -> Result<Vec<String>, StoreError> {
    let list = url
        .strip_prefix("memcache://")
        .ok_or_else(|| StoreError::BadUrl(format!("`{url}` does not start with memcache://")))?;
    let servers: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if servers.is_empty() || servers.iter().any(|s| !s.contains(':')) {
        return Err(StoreError::BadUrl(format!(
            "`{url}` must list servers as HOST:PORT[,HOST:PORT...]"
        )));
    }
    Ok(servers)
}

fn key_of(session_key: &str) -> String {
    format!("wizard:session:{session_key}")
}

pub(crate) fn ttl_of(ttl: &Duration) -> Ttl {
    let secs = ttl.whole_seconds().clamp(1, MAX_RELATIVE_TTL);
    Ttl::secs(u32::try_from(secs).unwrap_or(u32::MAX))
}

impl SessionStore for MemcachedStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let stored: Option<String> = self
            .client
            .get(key_of(session_key.as_ref()))
            .await
            .map_err(|e| LoadError::Other(anyhow::anyhow!("memcached get: {e}")))?;
        match stored {
            None => Ok(None),
            Some(json) => serde_json::from_str(&json)
                .map(Some)
                .map_err(|e| LoadError::Deserialization(e.into())),
        }
    }

    async fn save(&self, state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        let json = serde_json::to_string(&state).map_err(|e| SaveError::Serialization(e.into()))?;
        // A fresh 64-character key is practically never taken; `add` makes
        // sure an existing session is never overwritten if it were.
        for _ in 0..3 {
            let key = generate_session_key();
            let added = self
                .client
                .add(key_of(key.as_ref()), json.as_str(), ttl_of(ttl))
                .await
                .map_err(|e| SaveError::Other(anyhow::anyhow!("memcached add: {e}")))?;
            if added {
                return Ok(key);
            }
        }
        Err(SaveError::Other(anyhow::anyhow!(
            "memcached add: no free session key"
        )))
    }

    async fn update(
        &self,
        session_key: SessionKey,
        state: State,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let json =
            serde_json::to_string(&state).map_err(|e| UpdateError::Serialization(e.into()))?;
        let replaced = self
            .client
            .replace(key_of(session_key.as_ref()), json.as_str(), ttl_of(ttl))
            .await
            .map_err(|e| UpdateError::Other(anyhow::anyhow!("memcached replace: {e}")))?;
        if replaced {
            return Ok(session_key);
        }
        // Expired or evicted meanwhile: a new key, as the Redis store does.
        self.save(state, ttl).await.map_err(|e| match e {
            SaveError::Serialization(e) => UpdateError::Serialization(e),
            SaveError::Other(e) => UpdateError::Other(e),
        })
    }

    async fn update_ttl(&self, session_key: &SessionKey, ttl: &Duration) -> anyhow::Result<()> {
        self.client
            .touch(key_of(session_key.as_ref()), ttl_of(ttl))
            .await
            .map_err(|e| anyhow::anyhow!("memcached touch: {e}"))
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        self.client
            .delete(key_of(session_key.as_ref()))
            .await
            .map_err(|e| anyhow::anyhow!("memcached delete: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_or_several_servers() {
        assert_eq!(
            parse_servers("memcache://a:1").ok(),
            Some(vec!["a:1".to_owned()])
        );
        assert_eq!(
            parse_servers("memcache://a:1, b:2").ok(),
            Some(vec!["a:1".to_owned(), "b:2".to_owned()])
        );
        assert!(parse_servers("redis://a:1").is_err());
        assert!(parse_servers("memcache://").is_err());
        assert!(parse_servers("memcache://host").is_err());
    }
}
