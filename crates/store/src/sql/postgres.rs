//! PostgreSQL, for several `vow serve` processes on one ledger: each
//! process batches its own appends, and the batches of all processes take
//! turns on an advisory lock, so there is one chain. Commits are durable at
//! PostgreSQL's default `synchronous_commit = on`, and announced to the
//! other processes by `NOTIFY` (`notice.rs`).

use sqlx::postgres::PgPoolOptions;
use sqlx::{Pool, Postgres, Transaction};

use super::{Backend, SqlStore};
use crate::key::LedgerKey;
use crate::store::StoreError;

/// The store in a PostgreSQL database.
pub type PostgresStore = SqlStore<Postgres>;

/// The advisory lock that guards the chain's head ("vow" in ASCII).
const CHAIN_LOCK: i64 = 0x76_6f_77;

/// The advisory lock that guards the counts of the centre's tokens ("vowt").
const TOKENS_LOCK: i64 = 0x76_6f_77_74;

impl Backend for Postgres {
    const LEDGER_TABLE: &'static str = "CREATE TABLE IF NOT EXISTS ledger (seq BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, subject TEXT NOT NULL, body TEXT NOT NULL, seal TEXT NOT NULL)";

    const ANNOUNCE: Option<&'static str> = Some("SELECT pg_notify($1, $2)");

    async fn begin_write(
        pool: &Pool<Postgres>,
    ) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        let mut tx = pool.begin().await?;
        // Released at commit or rollback.
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(CHAIN_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    async fn begin_tokens(
        pool: &Pool<Postgres>,
    ) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(TOKENS_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    async fn begin_snapshot(
        pool: &Pool<Postgres>,
    ) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
    }
}

impl SqlStore<Postgres> {
    /// Connects to the store at `url` (`postgres://...`), creating the
    /// tables if needed.
    pub async fn connect(url: &str, key: LedgerKey) -> Result<PostgresStore, StoreError> {
        let writes = PgPoolOptions::new().max_connections(1).connect(url).await?;
        let reads = PgPoolOptions::new().max_connections(8).connect_lazy(url)?;
        SqlStore::start(writes, reads, key).await
    }
}
