//! The ledger in a database: SQLite (the embedded default) or PostgreSQL
//! (several `vow serve` processes), behind one type with the same SQL
//! shape. Every append runs in one transaction that reads the chain's head,
//! links the new event, inserts it and writes the subject's materialised
//! state, so an acknowledged event and the state derived from it are durable
//! together (SQLite: WAL, `synchronous = FULL`).

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tokio::sync::Mutex;
use vow_engine::SubjectState;

use crate::ledger::{Event, Tamper, chain, verify};
use crate::materialise::apply;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("a stored row is not a ledger event: {0}")]
    Corrupt(#[from] serde_json::Error),
}

enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One append transaction, the same for every backend but for the SQL
/// placeholders and the lock taken first: read the chain head and the
/// subject's state, link the event, insert it, write the new state.
macro_rules! append_in {
    ($pool:expr, $event:expr, $lock:expr, [$p1:literal, $p2:literal, $p3:literal, $p4:literal, $p5:literal]) => {{
        let event = $event;
        let mut tx = $pool.begin().await?;
        let lock: Option<&'static str> = $lock;
        if let Some(lock) = lock {
            sqlx::query(lock).execute(&mut *tx).await?;
        }
        let head = sqlx::query("SELECT body FROM ledger ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *tx).await?;
        let state = sqlx::query(concat!("SELECT state FROM subject_state WHERE subject = ", $p1))
            .bind(&event.subject)
            .fetch_optional(&mut *tx)
            .await?;
        let (stored, state) = link(head.map(|r| r.get::<String, _>(0)), state.map(|r| r.get::<String, _>(0)), event)?;
        sqlx::query(concat!("INSERT INTO ledger (seq, id, subject, body, hash) VALUES (", $p1, ", ", $p2, ", ", $p3, ", ", $p4, ", ", $p5, ")"))
            .bind(stored.seq as i64)
            .bind(&stored.id)
            .bind(&stored.subject)
            .bind(serde_json::to_string(&stored)?)
            .bind(&stored.hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query(concat!(
            "INSERT INTO subject_state (subject, state, last_seq) VALUES (", $p1, ", ", $p2, ", ", $p3,
            ") ON CONFLICT (subject) DO UPDATE SET state = excluded.state, last_seq = excluded.last_seq"
        ))
        .bind(&stored.subject)
        .bind(serde_json::to_string(&state)?)
        .bind(stored.seq as i64)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(stored)
    }};
}

/// The ledger and the materialised subject states, in one database.
pub struct SqlLedger {
    pool: Pool,
    /// Appends from this process are chained one at a time.
    append: Mutex<()>,
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS ledger (seq BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, subject TEXT NOT NULL, body TEXT NOT NULL, hash TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ledger_subject ON ledger (subject, seq)",
    "CREATE TABLE IF NOT EXISTS subject_state (subject TEXT PRIMARY KEY, state TEXT NOT NULL, last_seq BIGINT NOT NULL)",
];

impl SqlLedger {
    /// Opens (creating if needed) a SQLite ledger at `path`.
    pub async fn sqlite(path: &Path) -> Result<SqlLedger, StoreError> {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        for statement in SCHEMA {
            sqlx::query(*statement).execute(&pool).await?;
        }
        Ok(SqlLedger {
            pool: Pool::Sqlite(pool),
            append: Mutex::new(()),
        })
    }

    /// Connects to a PostgreSQL ledger (`postgres://...`).
    pub async fn postgres(url: &str) -> Result<SqlLedger, StoreError> {
        let pool = PgPoolOptions::new().max_connections(8).connect(url).await?;
        for statement in SCHEMA {
            sqlx::query(*statement).execute(&pool).await?;
        }
        Ok(SqlLedger {
            pool: Pool::Postgres(pool),
            append: Mutex::new(()),
        })
    }

    /// Appends an event (its `seq`, `prev_hash` and `hash` are set here) and
    /// updates the subject's state, in one transaction. Returns the event as
    /// stored once it is durable.
    pub async fn append(&self, event: Event) -> Result<Event, StoreError> {
        let _one_at_a_time = self.append.lock().await;
        match &self.pool {
            Pool::Sqlite(pool) => append_in!(pool, event, None, ["?", "?", "?", "?", "?"]),
            // Several processes may append: one chain head at a time.
            Pool::Postgres(pool) => append_in!(
                pool,
                event,
                Some("SELECT pg_advisory_xact_lock(7007007)"),
                ["$1", "$2", "$3", "$4", "$5"]
            ),
        }
    }

    /// Every event, by sequence number (as a verifier reads them).
    pub async fn events(&self) -> Result<Vec<Event>, StoreError> {
        let bodies: Vec<String> = match &self.pool {
            Pool::Sqlite(pool) => sqlx::query("SELECT body FROM ledger ORDER BY seq")
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect(),
            Pool::Postgres(pool) => sqlx::query("SELECT body FROM ledger ORDER BY seq")
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect(),
        };
        bodies
            .iter()
            .map(|b| serde_json::from_str(b).map_err(StoreError::from))
            .collect()
    }

    /// The materialised state of a subject (empty for an unknown subject).
    pub async fn state(&self, subject: &str) -> Result<SubjectState, StoreError> {
        let state: Option<String> = match &self.pool {
            Pool::Sqlite(pool) => sqlx::query("SELECT state FROM subject_state WHERE subject = ?")
                .bind(subject)
                .fetch_optional(pool)
                .await?
                .map(|r| r.get(0)),
            Pool::Postgres(pool) => {
                sqlx::query("SELECT state FROM subject_state WHERE subject = $1")
                    .bind(subject)
                    .fetch_optional(pool)
                    .await?
                    .map(|r| r.get(0))
            }
        };
        match state {
            Some(s) => Ok(serde_json::from_str(&s)?),
            None => Ok(SubjectState::default()),
        }
    }

    /// Checks the stored chain: every changed, deleted, inserted or reordered event.
    pub async fn verify(&self) -> Result<Vec<Tamper>, StoreError> {
        Ok(verify(&self.events().await?))
    }

    /// Closes the connections.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// Links `event` after the stored head and applies it to the stored state.
fn link(
    head: Option<String>,
    state: Option<String>,
    event: Event,
) -> Result<(Event, SubjectState), StoreError> {
    let head: Option<Event> = head.map(|b| serde_json::from_str(&b)).transpose()?;
    let mut state: SubjectState = state
        .map(|s| serde_json::from_str(&s))
        .transpose()?
        .unwrap_or_default();
    let stored = chain(head.as_ref(), event);
    apply(&mut state, &stored);
    Ok((stored, state))
}
