//! The record of finished runs that several app instances share, so that
//! a wizard run finishes once across all of them.

use std::time::Duration;

use futures_util::future::LocalBoxFuture;

/// How long a run's outcome is kept once finished (in the ledger and in
/// each process), so that a late duplicate still lands on the completion
/// page.
pub(crate) const DONE_TTL: Duration = Duration::from_secs(3600);
/// How long a claim holds while its finish handler runs; if the instance
/// dies meanwhile, the run can be finished again after this.
#[cfg(any(feature = "redis", feature = "memcached"))]
pub(crate) const CLAIM_TTL: Duration = Duration::from_secs(60);
/// What a claimed but unfinished run holds (outcomes are JSON, which never
/// starts with `~`).
#[cfg(any(feature = "redis", feature = "memcached"))]
const PENDING: &str = "~pending";

/// Where a run stands in a [`RunLedger`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This caller claimed the run: it runs the finish handler.
    Won,
    /// Another caller claimed it and has not finished yet.
    Pending,
    /// The run finished; here is its outcome (JSON).
    Done(String),
}

/// A shared record of finished wizard runs: an atomic claim (Redis
/// `SET NX`, memcached `add`) decides which request of which instance runs
/// the finish handler; the others wait for its outcome.
///
/// Without a ledger, finishing is once per process only.
pub trait RunLedger: Send + Sync + 'static {
    /// Claims `run` atomically, or reports who has it.
    fn claim<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<Claim>>;
    /// Records the outcome of a claimed run.
    fn record<'a>(
        &'a self,
        run: &'a str,
        outcome: &'a str,
    ) -> LocalBoxFuture<'a, anyhow::Result<()>>;
    /// Gives up a claim (the finish handler failed), so a retry can run.
    fn release<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<()>>;
    /// The outcome of a finished run.
    fn outcome<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<Option<String>>>;

    /// Where `run` stands, without claiming it: `None` when nobody
    /// claimed it, [`Claim::Pending`] while its finish runs somewhere,
    /// [`Claim::Done`] once it finished. By default from
    /// [`RunLedger::outcome`], which cannot tell a pending claim.
    fn status<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<Option<Claim>>> {
        Box::pin(async move { Ok(self.outcome(run).await?.map(Claim::Done)) })
    }
}

#[cfg(any(feature = "redis", feature = "memcached"))]
fn key_of(run: &str) -> String {
    format!("wizard:run:{run}")
}

#[cfg(any(feature = "redis", feature = "memcached"))]
fn claim_from(stored: Option<String>) -> Option<Claim> {
    match stored {
        None => None,
        Some(value) if value == PENDING => Some(Claim::Pending),
        Some(outcome) => Some(Claim::Done(outcome)),
    }
}

/// Claims `run` with a store's "store if absent" (of the pending marker)
/// and "get", retrying when the entry expires between the two.
#[cfg(any(feature = "redis", feature = "memcached"))]
async fn claim_with<A, G>(
    run: &str,
    mut add_pending: impl FnMut() -> A,
    mut get: impl FnMut() -> G,
) -> anyhow::Result<Claim>
where
    A: std::future::Future<Output = anyhow::Result<bool>>,
    G: std::future::Future<Output = anyhow::Result<Option<String>>>,
{
    for _ in 0..3 {
        if add_pending().await? {
            return Ok(Claim::Won);
        }
        if let Some(claim) = claim_from(get().await?) {
            return Ok(claim);
        }
    }
    anyhow::bail!("run {run} could not be claimed")
}

/// The outcome in a stored ledger entry, if the run finished.
#[cfg(any(feature = "redis", feature = "memcached"))]
fn finished_outcome(stored: Option<String>) -> Option<String> {
    match claim_from(stored) {
        Some(Claim::Done(outcome)) => Some(outcome),
        _ => None,
    }
}

#[cfg(feature = "redis")]
mod redis_ledger {
    use deadpool_redis::redis;

    use super::*;
    use crate::store::RedisBackend;

    /// A [`RunLedger`] in Redis.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), actix_wizard::store::StoreError> {
    /// use actix_wizard::{store::RedisBackend, ledger::RedisLedger};
    /// let redis = RedisBackend::connect("redis://127.0.0.1:6379").await?;
    /// let ledger = RedisLedger::new(&redis);
    /// # let _ = ledger; Ok(()) }
    /// ```
    pub struct RedisLedger {
        pool: deadpool_redis::Pool,
    }

    impl RedisLedger {
        /// A ledger on the backend's pool.
        pub fn new(backend: &RedisBackend) -> Self {
            Self {
                pool: backend.pool().clone(),
            }
        }

        async fn run<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> anyhow::Result<T> {
            let mut connection = self.pool.get().await?;
            Ok(command.query_async(&mut connection).await?)
        }
    }

    impl RedisLedger {
        async fn add_pending(&self, run: &str) -> anyhow::Result<bool> {
            let set: Option<String> = self
                .run(
                    redis::cmd("SET")
                        .arg(key_of(run))
                        .arg(PENDING)
                        .arg("NX")
                        .arg("EX")
                        .arg(CLAIM_TTL.as_secs()),
                )
                .await?;
            Ok(set.is_some())
        }

        async fn get(&self, run: &str) -> anyhow::Result<Option<String>> {
            self.run(redis::cmd("GET").arg(key_of(run))).await
        }
    }

    impl RunLedger for RedisLedger {
        fn claim<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<Claim>> {
            Box::pin(claim_with(run, || self.add_pending(run), || self.get(run)))
        }

        fn record<'a>(
            &'a self,
            run: &'a str,
            outcome: &'a str,
        ) -> LocalBoxFuture<'a, anyhow::Result<()>> {
            Box::pin(async move {
                self.run::<()>(
                    redis::cmd("SET")
                        .arg(key_of(run))
                        .arg(outcome)
                        .arg("EX")
                        .arg(DONE_TTL.as_secs()),
                )
                .await
            })
        }

        fn release<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<()>> {
            Box::pin(async move { self.run::<()>(redis::cmd("DEL").arg(key_of(run))).await })
        }

        fn outcome<'a>(
            &'a self,
            run: &'a str,
        ) -> LocalBoxFuture<'a, anyhow::Result<Option<String>>> {
            Box::pin(async move { Ok(finished_outcome(self.get(run).await?)) })
        }

        fn status<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<Option<Claim>>> {
            Box::pin(async move { Ok(claim_from(self.get(run).await?)) })
        }
    }
}

#[cfg(feature = "memcached")]
mod memcached_ledger {
    use actix_web::cookie::time::Duration as CookieDuration;
    use memcache::exp::AsyncMemcache;

    use super::*;
    use crate::store::{MemcachedStore, memcached_ttl};

    /// A [`RunLedger`] in memcached.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), actix_wizard::store::StoreError> {
    /// use actix_wizard::{ledger::MemcachedLedger, store::MemcachedStore};
    /// let store = MemcachedStore::connect("memcache://127.0.0.1:11211").await?;
    /// let ledger = MemcachedLedger::new(&store);
    /// # let _ = ledger; Ok(()) }
    /// ```
    pub struct MemcachedLedger {
        client: AsyncMemcache,
    }

    impl MemcachedLedger {
        /// A ledger on the store's servers.
        pub fn new(store: &MemcachedStore) -> Self {
            Self {
                client: store.client().clone(),
            }
        }
    }

    fn ttl(duration: Duration) -> memcache::exp::Ttl {
        memcached_ttl(&CookieDuration::seconds(
            i64::try_from(duration.as_secs()).unwrap_or(i64::MAX),
        ))
    }

    impl MemcachedLedger {
        async fn add_pending(&self, run: &str) -> anyhow::Result<bool> {
            self.client
                .add(key_of(run), PENDING, ttl(CLAIM_TTL))
                .await
                .map_err(|e| anyhow::anyhow!("memcached add: {e}"))
        }

        async fn get(&self, run: &str) -> anyhow::Result<Option<String>> {
            self.client
                .get(key_of(run))
                .await
                .map_err(|e| anyhow::anyhow!("memcached get: {e}"))
        }
    }

    impl RunLedger for MemcachedLedger {
        fn claim<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<Claim>> {
            Box::pin(claim_with(run, || self.add_pending(run), || self.get(run)))
        }

        fn record<'a>(
            &'a self,
            run: &'a str,
            outcome: &'a str,
        ) -> LocalBoxFuture<'a, anyhow::Result<()>> {
            Box::pin(async move {
                self.client
                    .set(key_of(run), outcome, ttl(DONE_TTL))
                    .await
                    .map_err(|e| anyhow::anyhow!("memcached set: {e}"))
            })
        }

        fn release<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<()>> {
            Box::pin(async move {
                self.client
                    .delete(key_of(run))
                    .await
                    .map_err(|e| anyhow::anyhow!("memcached delete: {e}"))
            })
        }

        fn outcome<'a>(
            &'a self,
            run: &'a str,
        ) -> LocalBoxFuture<'a, anyhow::Result<Option<String>>> {
            Box::pin(async move { Ok(finished_outcome(self.get(run).await?)) })
        }

        fn status<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<Option<Claim>>> {
            Box::pin(async move { Ok(claim_from(self.get(run).await?)) })
        }
    }
}

#[cfg(feature = "memcached")]
pub use memcached_ledger::MemcachedLedger;
#[cfg(feature = "redis")]
pub use redis_ledger::RedisLedger;
