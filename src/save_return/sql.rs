//! [`SqlSavedRuns`]: saved runs in SQLite or PostgreSQL, through sqlx's
//! `Any` driver, with the crate's own migration.

use std::future::Future;
use std::pin::Pin;

use futures_util::future::LocalBoxFuture;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::{AnyPool, Row};

use super::store::{LinkStatus, SavedRun, SavedRuns, Sends};

/// The crate's migrations: its version is far from the small numbers and
/// the timestamps applications use, so both sets share sqlx's one table.
const MIGRATIONS: [(i64, &str, &str); 1] = [(
    20_261_204_000_001,
    "wizard saved runs",
    include_str!("migrations/20261204000001_wizard_saved_runs.sql"),
)];

/// The columns of a saved run, in [`row_to_saved`]'s order.
const COLUMNS: &str = "run_id, wizard, page, token_hash, email_tag, sealed, saved_at, \
                       expires_at, wrong_tries, status";

/// Saved runs in a database: SQLite (`sqlite:saved.db?mode=rwc`) by
/// default, PostgreSQL (`postgres://…`) where the application turns on
/// sqlx's `postgres` feature. Its tables are `wizard_saved_runs` and
/// `wizard_save_sends`, made by [`SqlSavedRuns::migrate`].
///
/// ```no_run
/// # async fn open() -> Result<(), sqlx::Error> {
/// use actix_wizard::save_return::SqlSavedRuns;
/// let saved = SqlSavedRuns::connect("sqlite:claim.db?mode=rwc").await?;
/// saved.migrate().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct SqlSavedRuns {
    pool: AnyPool,
}

impl SqlSavedRuns {
    /// Saved runs in the pool's database (share the application's pool).
    pub fn new(pool: AnyPool) -> Self {
        Self { pool }
    }

    /// Connects to the database at `url`, with sqlx's drivers installed
    /// (an in-memory SQLite database keeps its one connection).
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let options = AnyPoolOptions::new().acquire_timeout(std::time::Duration::from_secs(3));
        let options = match url.starts_with("sqlite::memory:") {
            true => options
                .max_connections(1)
                .idle_timeout(None)
                .max_lifetime(None),
            false => options.max_connections(8),
        };
        Ok(Self::new(options.connect(url).await?))
    }

    /// The pool it uses.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Makes its tables, beside the application's own migrations: sqlx
    /// keeps one table of applied migrations, so the application's
    /// migrator must ignore this one's (`Migrator::set_ignore_missing`),
    /// as this one ignores the application's.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        let mut migrator = Migrator::new(Embedded).await?;
        migrator.set_ignore_missing(true);
        migrator.run(&self.pool).await
    }
}

/// The crate's migrations as a source sqlx's [`Migrator`] reads.
#[derive(Debug)]
struct Embedded;

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        let migrations = MIGRATIONS
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    description.into(),
                    MigrationType::Simple,
                    sql.into(),
                    false,
                )
            })
            .collect();
        Box::pin(std::future::ready(Ok(migrations)))
    }
}

fn seconds(at: u64) -> i64 {
    i64::try_from(at).unwrap_or(i64::MAX)
}

fn row_to_saved(row: &AnyRow) -> Result<SavedRun, sqlx::Error> {
    let status: String = row.try_get(9)?;
    let count = |i: usize| -> Result<u64, sqlx::Error> {
        Ok(u64::try_from(row.try_get::<i64, _>(i)?).unwrap_or_default())
    };
    Ok(SavedRun {
        run: row.try_get(0)?,
        wizard: row.try_get(1)?,
        page: row.try_get(2)?,
        token_hash: row.try_get(3)?,
        email_tag: row.try_get(4)?,
        sealed: row.try_get(5)?,
        saved_at: count(6)?,
        expires_at: count(7)?,
        wrong_tries: u32::try_from(count(8)?).unwrap_or(u32::MAX),
        status: LinkStatus::named(&status).unwrap_or(LinkStatus::Ended),
    })
}

/// `$first, $first+1, …` for `n` values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl SavedRuns for SqlSavedRuns {
    fn keep<'a>(&'a self, saved: &'a SavedRun) -> LocalBoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO wizard_saved_runs (run_id, wizard, page, token_hash, email_tag, \
                 sealed, saved_at, expires_at, wrong_tries, status) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 'live') \
                 ON CONFLICT (run_id) DO UPDATE SET wizard = excluded.wizard, \
                 page = excluded.page, token_hash = excluded.token_hash, \
                 email_tag = excluded.email_tag, sealed = excluded.sealed, \
                 saved_at = excluded.saved_at, expires_at = excluded.expires_at, \
                 wrong_tries = 0, status = 'live'",
            )
            .bind(&saved.run)
            .bind(&saved.wizard)
            .bind(&saved.page)
            .bind(&saved.token_hash)
            .bind(&saved.email_tag)
            .bind(&saved.sealed)
            .bind(seconds(saved.saved_at))
            .bind(seconds(saved.expires_at))
            .execute(&self.pool)
            .await?;
            Ok(())
        })
    }

    fn find<'a>(
        &'a self,
        token_hash: &'a str,
    ) -> LocalBoxFuture<'a, anyhow::Result<Option<SavedRun>>> {
        Box::pin(async move {
            let sql = format!("SELECT {COLUMNS} FROM wizard_saved_runs WHERE token_hash = $1");
            let row = sqlx::query(&sql)
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
            Ok(row.as_ref().map(row_to_saved).transpose()?)
        })
    }

    fn miss<'a>(
        &'a self,
        token_hash: &'a str,
        most: u32,
    ) -> LocalBoxFuture<'a, anyhow::Result<u32>> {
        Box::pin(async move {
            let tries: Option<i64> = sqlx::query_scalar(
                "UPDATE wizard_saved_runs SET wrong_tries = wrong_tries + 1, \
                 status = CASE WHEN wrong_tries + 1 >= $2 THEN 'ended' ELSE status END \
                 WHERE token_hash = $1 AND status = 'live' RETURNING wrong_tries",
            )
            .bind(token_hash)
            .bind(i64::from(most))
            .fetch_optional(&self.pool)
            .await?;
            Ok(tries.map_or(most, |n| u32::try_from(n).unwrap_or(most)))
        })
    }

    fn take<'a>(
        &'a self,
        token_hash: &'a str,
        now: u64,
    ) -> LocalBoxFuture<'a, anyhow::Result<Option<SavedRun>>> {
        Box::pin(async move {
            let sql = format!(
                "UPDATE wizard_saved_runs SET status = 'used' \
                 WHERE token_hash = $1 AND status = 'live' AND expires_at > $2 \
                 RETURNING {COLUMNS}"
            );
            let row = sqlx::query(&sql)
                .bind(token_hash)
                .bind(seconds(now))
                .fetch_optional(&self.pool)
                .await?;
            Ok(row.as_ref().map(row_to_saved).transpose()?)
        })
    }

    fn finished<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            sqlx::query(
                "UPDATE wizard_saved_runs SET status = 'finished', sealed = '' WHERE run_id = $1",
            )
            .bind(run)
            .execute(&self.pool)
            .await?;
            Ok(())
        })
    }

    fn sends<'a>(
        &'a self,
        senders: &'a [String],
        since: u64,
    ) -> LocalBoxFuture<'a, anyhow::Result<Vec<Sends>>> {
        Box::pin(async move {
            if senders.is_empty() {
                return Ok(Vec::new());
            }
            let sql = format!(
                "SELECT sender, COUNT(*), MIN(sent_at) FROM wizard_save_sends \
                 WHERE sent_at > $1 AND sender IN ({}) GROUP BY sender",
                placeholders(2, senders.len())
            );
            let mut query = sqlx::query(&sql).bind(seconds(since));
            for sender in senders {
                query = query.bind(sender);
            }
            let rows = query.fetch_all(&self.pool).await?;
            let mut found = vec![Sends::default(); senders.len()];
            for row in &rows {
                let sender: String = row.try_get(0)?;
                let count: i64 = row.try_get(1)?;
                let oldest: Option<i64> = row.try_get(2)?;
                if let Some(at) = senders.iter().position(|s| *s == sender) {
                    found[at] = Sends {
                        count: u32::try_from(count).unwrap_or(u32::MAX),
                        oldest: oldest.and_then(|t| u64::try_from(t).ok()),
                    };
                }
            }
            Ok(found)
        })
    }

    fn sent<'a>(
        &'a self,
        senders: &'a [String],
        at: u64,
    ) -> LocalBoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            if senders.is_empty() {
                return Ok(());
            }
            let rows: Vec<String> = (0..senders.len())
                .map(|i| format!("(${}, $1)", i + 2))
                .collect();
            let sql = format!(
                "INSERT INTO wizard_save_sends (sender, sent_at) VALUES {}",
                rows.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(seconds(at));
            for sender in senders {
                query = query.bind(sender);
            }
            query.execute(&self.pool).await?;
            Ok(())
        })
    }

    fn purge<'a>(&'a self, now: u64, sends_before: u64) -> LocalBoxFuture<'a, anyhow::Result<u64>> {
        Box::pin(async move {
            let gone = sqlx::query("DELETE FROM wizard_saved_runs WHERE expires_at <= $1")
                .bind(seconds(now))
                .execute(&self.pool)
                .await?
                .rows_affected();
            sqlx::query("DELETE FROM wizard_save_sends WHERE sent_at < $1")
                .bind(seconds(sends_before))
                .execute(&self.pool)
                .await?;
            Ok(gone)
        })
    }
}
