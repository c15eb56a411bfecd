//! The sweeper: deletes the staged files of runs that ended without
//! finishing. Redis, memcached and the cookie store say nothing when a
//! session expires, so each write of a run that holds files leaves a mark
//! beside them (`staging/{run}/seen`); a run whose newest object (mark or
//! file) is older than the idle timeout and a margin is gone, and so are
//! its files.

use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use object_store::path::Path;

use super::staging::STAGING_PREFIX;
use super::{Staging, StagingError};

/// The mark's name under a run's prefix.
const SEEN: &str = "seen";
/// The start of the name of a mark that keeps a run's files until a time
/// (`kept-{unix seconds}`): a saved run's.
const KEPT: &str = "kept-";

/// Whether `path` is a mark that keeps its run's files past `now`.
fn kept_after(path: &Path, now: SystemTime) -> bool {
    let until = path
        .filename()
        .and_then(|name| name.strip_prefix(KEPT))
        .and_then(|unix| unix.parse::<u64>().ok());
    let now = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    until.is_some_and(|until| until > now)
}

/// What a sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Runs with staged files looked at.
    pub runs: usize,
    /// Of those, the runs found gone, whose files were deleted.
    pub runs_gone: usize,
    /// Objects deleted (files and marks).
    pub objects_deleted: usize,
}

impl Staging {
    /// Marks run `run` as written now: its files are not swept until it
    /// has been idle for the sweep's time.
    pub(crate) async fn mark_run(&self, run: &str) -> Result<(), StagingError> {
        let path = Path::from(format!("{STAGING_PREFIX}{run}/{SEEN}"));
        self.store().put(&path, Vec::new().into()).await.map(|_| ())
    }

    /// Deletes everything run `run` has staged (a run dropped to make room
    /// for another): the number of objects deleted.
    pub(crate) async fn delete_run(&self, run: &str) -> Result<usize, StagingError> {
        let prefix = Path::from(format!("{STAGING_PREFIX}{run}"));
        let objects: Vec<_> = self.store().list(Some(&prefix)).collect().await;
        self.delete_all(objects.into_iter().filter_map(Result::ok).collect())
            .await
    }

    async fn delete_all(
        &self,
        objects: Vec<object_store::ObjectMeta>,
    ) -> Result<usize, StagingError> {
        let mut deleted = 0;
        for meta in objects {
            match self.store().delete(&meta.location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => deleted += 1,
                Err(error) => return Err(error),
            }
        }
        Ok(deleted)
    }

    /// Keeps run `run`'s files from the sweeper until `until` (Unix
    /// seconds): a saved run's, until its link expires.
    #[cfg(feature = "save-and-return")]
    pub(crate) async fn keep_run_until(&self, run: &str, until: u64) -> Result<(), StagingError> {
        let path = Path::from(format!("{STAGING_PREFIX}{run}/{KEPT}{until}"));
        self.store().put(&path, Vec::new().into()).await.map(|_| ())
    }

    /// Deletes the staged files of every run whose newest object is older
    /// than `idle` at `now` (give it the idle timeout and a margin; `now`
    /// is the clock's, so that a test ages runs without waiting).
    ///
    /// ```no_run
    /// # async fn sweep(staging: &actix_wizard::upload::Staging) -> Result<(), actix_wizard::upload::StagingError> {
    /// use std::time::{Duration, SystemTime};
    /// let swept = staging.sweep(Duration::from_secs(35 * 60), SystemTime::now()).await?;
    /// println!("{} files of {} abandoned runs deleted", swept.objects_deleted, swept.runs_gone);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn sweep(&self, idle: Duration, now: SystemTime) -> Result<Swept, StagingError> {
        let root = Path::from(STAGING_PREFIX.trim_end_matches('/'));
        let listed = self.store().list_with_delimiter(Some(&root)).await?;
        let mut swept = Swept::default();
        for run in listed.common_prefixes {
            swept.runs += 1;
            let objects: Vec<_> = self.store().list(Some(&run)).collect().await;
            let objects: Vec<_> = objects.into_iter().filter_map(Result::ok).collect();
            let newest = objects
                .iter()
                .map(|meta| SystemTime::from(meta.last_modified))
                .max();
            let gone =
                newest.is_none_or(|newest| now.duration_since(newest).is_ok_and(|age| age > idle));
            let kept = objects.iter().any(|meta| kept_after(&meta.location, now));
            if !gone || kept {
                continue;
            }
            swept.runs_gone += 1;
            swept.objects_deleted += self.delete_all(objects).await?;
        }
        Ok(swept)
    }

    /// Sweeps every `interval`, for runs idle for `idle`, for as long as
    /// the future runs: spawn it once (`actix_web::rt::spawn`). Each sweep
    /// is logged with what it did.
    pub async fn sweep_every(self, interval: Duration, idle: Duration) {
        loop {
            tokio::time::sleep(interval).await;
            match self.sweep(idle, SystemTime::now()).await {
                Ok(swept) => tracing::info!(
                    runs = swept.runs,
                    runs_gone = swept.runs_gone,
                    objects_deleted = swept.objects_deleted,
                    "uploads swept"
                ),
                Err(error) => tracing::warn!(%error, "the uploads sweep failed"),
            }
        }
    }
}
