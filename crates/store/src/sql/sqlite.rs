//! SQLite, the embedded default: one file, WAL journal, `synchronous =
//! FULL` (a commit is on disk when it returns), one writer connection and a
//! pool of read-only ones.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Sqlite, Transaction};

use super::{Backend, SqlStore};
use crate::key::LedgerKey;
use crate::store::StoreError;

/// The store in a SQLite file.
pub type SqliteStore = SqlStore<Sqlite>;

impl Backend for Sqlite {
    const LEDGER_TABLE: &'static str = "CREATE TABLE IF NOT EXISTS ledger (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, subject TEXT NOT NULL, body TEXT NOT NULL, seal TEXT NOT NULL)";

    // Another process on the same file (`vow request run` while `vow
    // serve` runs) finds new events by polling the head.
    const ANNOUNCE: Option<&'static str> = None;

    async fn begin_write(pool: &Pool<Sqlite>) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        // Takes the write lock first, so that the transaction never has to
        // upgrade a read lock (which another process could refuse).
        pool.begin_with("BEGIN IMMEDIATE").await
    }

    async fn begin_tokens(
        pool: &Pool<Sqlite>,
    ) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        // The write lock first: another process's count waits for it.
        pool.begin_with("BEGIN IMMEDIATE").await
    }

    async fn begin_snapshot(
        pool: &Pool<Sqlite>,
    ) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        // In WAL mode a read transaction sees the database as of its first read.
        pool.begin().await
    }
}

impl SqlStore<Sqlite> {
    /// Opens the store at `path`, creating the file if needed.
    pub async fn open(path: &Path, key: LedgerKey) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
            .busy_timeout(Duration::from_secs(10));
        let writes = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                options
                    .clone()
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full),
            )
            .await?;
        // The schema first: read-only connections cannot create it.
        let reads = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_lazy_with(options.read_only(true));
        SqlStore::start(writes, reads, key).await
    }
}
