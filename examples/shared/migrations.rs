//! The examples' database migrations (`signup/migrations/`,
//! `claim/migrations/`), embedded in the binary. `sqlx::migrate!` does the same at compile time, but it
//! needs sqlx's macros, which would be the slowest part of the example's
//! first build; the versions, descriptions and SQL here are the ones it
//! would read, so a database migrated by either is the same.

use std::future::Future;
use std::pin::Pin;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

/// A migration file: its version, description (the file's name after the
/// version, `_` read as a space) and SQL.
pub type File = (i64, &'static str, &'static str);

/// The signup's files, in order.
pub const SIGNUP: [File; 3] = [
    (
        1,
        "accounts",
        include_str!("../signup/migrations/0001_accounts.sql"),
    ),
    (
        2,
        "funnel events",
        include_str!("../signup/migrations/0002_funnel_events.sql"),
    ),
    (
        3,
        "funnel started",
        include_str!("../signup/migrations/0003_funnel_started.sql"),
    ),
];

/// Files as a source sqlx's [`Migrator`] reads.
#[derive(Debug)]
struct Embedded(&'static [File]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        let migrations = self
            .0
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

/// Brings the signup's database at `pool` up to its newest migration.
#[allow(dead_code)]
pub async fn run(pool: &sqlx::AnyPool) -> Result<(), sqlx::Error> {
    run_files(pool, &SIGNUP).await
}

/// Brings the database at `pool` up to the newest of `files`.
pub async fn run_files(pool: &sqlx::AnyPool, files: &'static [File]) -> Result<(), sqlx::Error> {
    let mut migrator = Migrator::new(Embedded(files)).await?;
    // sqlx keeps one table of applied migrations: the wizard's saved runs
    // have theirs in it too (the claim's "save and come back later").
    migrator.set_ignore_missing(true);
    migrator.run(pool).await?;
    Ok(())
}
