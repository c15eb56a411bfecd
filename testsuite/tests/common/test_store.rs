//! A session store for tests: the embedded store, with a switch that makes
//! it fail as an unreachable server would, counts of what it was asked,
//! and, when asked to, a log of when each read begins and ends.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use actix_wizard::MemoryStore;

use super::ledger::Log;

#[derive(Clone, Default)]
pub struct TestStore {
    inner: MemoryStore,
    /// While set, every operation fails.
    pub down: Arc<AtomicBool>,
    /// `load`s asked for.
    pub reads: Arc<AtomicUsize>,
    /// `save`s, `update`s, `update_ttl`s and `delete`s asked for.
    pub writes: Arc<AtomicUsize>,
    /// Where `load begins` and `load ends` are logged, if anywhere.
    log: Option<Log>,
}

impl TestStore {
    /// A store that logs each read's beginning and end into `log`.
    pub fn logging_into(log: Log) -> Self {
        Self {
            log: Some(log),
            ..Self::default()
        }
    }

    fn note(&self, entry: &str) {
        if let Some(log) = &self.log {
            log.push(entry.to_owned());
        }
    }

    /// `load`s asked for so far.
    pub fn reads(&self) -> usize {
        self.reads.load(Ordering::SeqCst)
    }

    /// Writes of any kind asked for so far.
    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }

    fn check(&self, counter: &AtomicUsize) -> anyhow::Result<()> {
        counter.fetch_add(1, Ordering::SeqCst);
        if self.down.load(Ordering::SeqCst) {
            anyhow::bail!("connection refused")
        }
        Ok(())
    }

    fn write(&self) -> anyhow::Result<()> {
        self.check(&self.writes)
    }
}

impl SessionStore for TestStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<HashMap<String, String>>, LoadError> {
        self.check(&self.reads).map_err(LoadError::Other)?;
        self.note("load begins");
        let state = self.inner.load(key).await;
        self.note("load ends");
        state
    }
    async fn save(
        &self,
        state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, SaveError> {
        self.write().map_err(SaveError::Other)?;
        self.inner.save(state, ttl).await
    }
    async fn update(
        &self,
        key: SessionKey,
        state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        self.write().map_err(UpdateError::Other)?;
        self.inner.update(key, state, ttl).await
    }
    async fn update_ttl(&self, key: &SessionKey, ttl: &Duration) -> anyhow::Result<()> {
        self.write()?;
        self.inner.update_ttl(key, ttl).await
    }
    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        self.write()?;
        self.inner.delete(key).await
    }
}
