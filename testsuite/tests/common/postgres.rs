//! The test PostgreSQL: a schema of its own for each test.

use std::net::SocketAddr;

use sqlx::any::AnyPoolOptions;

use super::servers;

/// The PostgreSQL the tests use: `TEST_PG_ADDR` (default 127.0.0.1:5432),
/// database `test`, user `root` with trust authentication.
pub fn postgres_addr() -> SocketAddr {
    std::env::var("TEST_PG_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:5432".into())
        .parse()
        .unwrap_or_else(|e| panic!("TEST_PG_ADDR: {e}"))
}

pub fn postgres_url(addr: SocketAddr, schema: &str) -> String {
    // Each test in a schema of its own, so that tests running at once do
    // not see each other's accounts.
    format!("postgres://root@{addr}/test?options=-c%20search_path%3D{schema}")
}

/// A fresh schema on the test PostgreSQL, or `None` (skipped) without one.
pub async fn postgres_schema(label: &str) -> Option<String> {
    let addr = postgres_addr();
    if std::net::TcpStream::connect(addr).is_err() {
        servers::skip(&format!("PostgreSQL does not answer at {addr}"));
        return None;
    }
    sqlx::any::install_default_drivers();
    let admin = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&format!("postgres://root@{addr}/test"))
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {addr}: {e}"));
    let schema = format!(
        "signup_{label}_{}_{}",
        std::process::id(),
        servers::free_port()
    );
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .unwrap_or_else(|e| panic!("create schema: {e}"));
    Some(schema)
}

pub async fn drop_schema(schema: &str) {
    let addr = postgres_addr();
    if let Ok(admin) = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&format!("postgres://root@{addr}/test"))
        .await
    {
        let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&admin)
            .await;
    }
}

/// `pg_stat_user_tables`' scans (sequential and by index) and inserted
/// rows of `table` in `schema`, once the inserts have reached the
/// statistics (each backend reports them when it goes idle, within a few
/// seconds): the wait is for that condition.
pub async fn table_statistics(schema: &str, table: &str, inserts: i64) -> (i64, i64) {
    let addr = postgres_addr();
    let admin = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&format!("postgres://root@{addr}/test"))
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {addr}: {e}"));
    let read = || async {
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT CAST(seq_scan + COALESCE(idx_scan, 0) AS BIGINT), CAST(n_tup_ins AS BIGINT) \
             FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2",
        )
        .bind(schema)
        .bind(table)
        .fetch_optional(&admin)
        .await
        .ok()
        .flatten()
        .unwrap_or((0, 0))
    };
    super::wait::until("the inserts reach pg_stat_user_tables", || async {
        read().await.1 >= inserts
    })
    .await;
    read().await
}
