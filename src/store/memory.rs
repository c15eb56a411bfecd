//! [`MemoryStore`]: an in-process session store with idle expiry and a hard
//! memory bound.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use actix_session::storage::{
    LoadError, SaveError, SessionKey, SessionStore, UpdateError, generate_session_key,
};
use actix_web::cookie::time::Duration;
use moka::Expiry;
use moka::future::Cache;
use moka::ops::compute::Op;
use moka::policy::EvictionPolicy;

type State = HashMap<String, String>;

#[derive(Clone)]
struct Entry {
    state: Arc<State>,
    ttl: StdDuration,
}

struct EntryTtl;

impl Expiry<String, Entry> for EntryTtl {
    fn expire_after_create(
        &self,
        _key: &String,
        entry: &Entry,
        _at: Instant,
    ) -> Option<StdDuration> {
        Some(entry.ttl)
    }

    fn expire_after_update(
        &self,
        _key: &String,
        entry: &Entry,
        _at: Instant,
        _left: Option<StdDuration>,
    ) -> Option<StdDuration> {
        Some(entry.ttl)
    }
}

/// Bytes an entry is charged for: its key and its state's strings, plus a
/// fixed overhead for the map, the allocator and the cache's bookkeeping.
/// The overhead is calibrated with `examples/flood.rs` so that the budget
/// is close to the memory the sessions really take.
fn weight(key: &str, entry: &Entry) -> u32 {
    const OVERHEAD: usize = 860;
    let state: usize = entry
        .state
        .iter()
        .map(|(k, v)| k.len() + v.len() + 48)
        .sum();
    u32::try_from(key.len() + state + OVERHEAD).unwrap_or(u32::MAX)
}

/// An embedded, in-process `SessionStore`: nothing to install.
///
/// Each session expires after its TTL (the session middleware's, extended
/// on every request when configured so), and the whole store is held to a
/// byte budget: when it is full, the least recently used sessions are
/// evicted, so a flood of new sessions cannot exhaust memory and a new
/// visitor is always admitted. State is lost on restart and not shared
/// between processes: use an external store for that.
///
/// Build it once and clone it into each worker: clones share the sessions.
///
/// ```
/// use actix_wizard::MemoryStore;
/// let store = MemoryStore::builder().max_bytes(64 * 1024 * 1024).build();
/// let for_a_worker = store.clone();
/// # let _ = for_a_worker;
/// ```
#[derive(Clone)]
pub struct MemoryStore {
    cache: Cache<String, Entry>,
}

/// Settings of a [`MemoryStore`].
#[derive(Debug, Clone)]
pub struct MemoryStoreBuilder {
    max_bytes: u64,
}

impl MemoryStoreBuilder {
    /// The byte budget for all sessions together (default 256 MiB).
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// Builds the store.
    pub fn build(self) -> MemoryStore {
        let cache = Cache::builder()
            // LRU, not moka's default TinyLFU: TinyLFU refuses *new* keys
            // once full, which would drop every new visitor's session.
            .eviction_policy(EvictionPolicy::lru())
            .max_capacity(self.max_bytes)
            .weigher(|key: &String, entry: &Entry| weight(key, entry))
            .expire_after(EntryTtl)
            .build();
        MemoryStore { cache }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::builder().build()
    }
}

impl MemoryStore {
    /// Settings, starting from the defaults.
    pub fn builder() -> MemoryStoreBuilder {
        MemoryStoreBuilder {
            max_bytes: 256 * 1024 * 1024,
        }
    }

    /// How many sessions are held (after pending evictions are applied).
    pub async fn session_count(&self) -> u64 {
        self.cache.run_pending_tasks().await;
        self.cache.entry_count()
    }

    /// The bytes charged for all sessions (after pending evictions).
    pub async fn weighted_size(&self) -> u64 {
        self.cache.run_pending_tasks().await;
        self.cache.weighted_size()
    }

    async fn put(&self, key: String, state: State, ttl: &Duration) {
        let entry = Entry {
            state: Arc::new(state),
            ttl: ttl.unsigned_abs(),
        };
        self.cache.insert(key, entry).await;
    }
}

impl SessionStore for MemoryStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        Ok(self
            .cache
            .get(session_key.as_ref())
            .await
            .map(|entry| (*entry.state).clone()))
    }

    async fn save(&self, state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        let key = generate_session_key();
        self.put(key.as_ref().to_owned(), state, ttl).await;
        Ok(key)
    }

    async fn update(
        &self,
        session_key: SessionKey,
        state: State,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        if self.cache.contains_key(session_key.as_ref()) {
            self.put(session_key.as_ref().to_owned(), state, ttl).await;
            Ok(session_key)
        } else {
            // Expired or evicted meanwhile: store under a new key rather
            // than resurrect a key the visitor no longer owns.
            self.save(state, ttl)
                .await
                .map_err(|e| UpdateError::Other(anyhow::anyhow!(e.to_string())))
        }
    }

    async fn update_ttl(&self, session_key: &SessionKey, ttl: &Duration) -> anyhow::Result<()> {
        let ttl = ttl.unsigned_abs();
        self.cache
            .entry(session_key.as_ref().to_owned())
            .and_compute_with(|current| async move {
                match current {
                    Some(entry) => Op::Put(Entry {
                        state: entry.into_value().state,
                        ttl,
                    }),
                    None => Op::Nop,
                }
            })
            .await;
        Ok(())
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        self.cache.invalidate(session_key.as_ref()).await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(n: usize) -> State {
        HashMap::from([("k".to_owned(), "x".repeat(n))])
    }

    #[actix_web::test]
    async fn saves_loads_updates_and_deletes() {
        let store = MemoryStore::default();
        let ttl = Duration::minutes(5);
        let key = store.save(state(3), &ttl).await.unwrap();
        assert_eq!(store.load(&key).await.unwrap(), Some(state(3)));
        let key = store.update(key, state(4), &ttl).await.unwrap();
        assert_eq!(store.load(&key).await.unwrap(), Some(state(4)));
        store.delete(&key).await.unwrap();
        assert_eq!(store.load(&key).await.unwrap(), None);
    }

    #[actix_web::test]
    async fn entries_expire_and_ttl_can_be_extended() {
        let store = MemoryStore::default();
        let short = Duration::milliseconds(300);
        let kept = store.save(state(1), &short).await.unwrap();
        let dropped = store.save(state(1), &short).await.unwrap();
        store
            .update_ttl(&kept, &Duration::minutes(1))
            .await
            .unwrap();
        // Wait for the entry to expire (a condition, not a guess), then
        // check that the extended one did not.
        let deadline = std::time::Instant::now() + StdDuration::from_secs(30);
        while store.load(&dropped).await.unwrap().is_some() {
            assert!(std::time::Instant::now() < deadline, "never expired");
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        }
        assert!(store.load(&kept).await.unwrap().is_some());
    }

    #[actix_web::test]
    async fn a_full_store_evicts_the_oldest_and_admits_the_newest() {
        let store = MemoryStore::builder().max_bytes(20_000).build();
        let ttl = Duration::minutes(5);
        let mut keys = Vec::new();
        for _ in 0..100 {
            keys.push(store.save(state(1000), &ttl).await.unwrap());
        }
        assert!(store.weighted_size().await <= 20_000);
        let newest = keys.last().unwrap();
        assert!(
            store.load(newest).await.unwrap().is_some(),
            "newest session evicted"
        );
        assert!(
            store.load(&keys[0]).await.unwrap().is_none(),
            "oldest session kept"
        );
        assert!(store.session_count().await < 100);
    }
}
