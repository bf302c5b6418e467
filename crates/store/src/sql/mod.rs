//! The store in a SQL database: one implementation, [`SqlStore`], generic
//! over the sqlx driver, with the same SQL text for SQLite (the embedded
//! default, [`SqliteStore`]) and PostgreSQL (several `vow serve` processes,
//! [`PostgresStore`]). Placeholders are `$n`, which both understand; what
//! differs — how a write transaction starts and locks, how a read sees one
//! snapshot, how to connect — is the [`Backend`] trait, in `sqlite.rs` and
//! `postgres.rs`.
//!
//! Appends go through one writer task per store (`writer.rs`: group commit),
//! which tells this process's observers and, on PostgreSQL, the other
//! processes of each commit (`notice.rs`); reads go to a pool of their own.

mod links;
mod notice;
mod postgres;
mod requests;
mod sqlite;
mod tokens;
mod writer;

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::{
    ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Transaction, Type,
};
use tokio::sync::{mpsc, oneshot};
use vow_engine::SubjectState;

use crate::batch::admissible;
use crate::identity::{GuardianLinkRecord, IdentityKind};
use crate::key::LedgerKey;
use crate::ledger::Event;
use crate::store::{
    ApiKeyRecord, CommitObserver, PolicyVersionRecord, Progress, RecordOutcome, RequestQuery,
    RequestRecord, Store, StoreError, SubjectSummary, TokenKind, TokenRecord, TokenScope,
};
use crate::verify::{SealedHead, StoredEvent, Verification, Verifier};

pub use notice::{Heard, LedgerListener};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// What differs between the databases.
pub trait Backend: Database {
    /// `CREATE TABLE` of the ledger: `body` is the event's JSON (what the
    /// hash covers); `id` and `subject` are copies for lookups; `seal` is
    /// the HMAC of (seq, hash). The number column differs: SQLite keys the
    /// table itself by it (`INTEGER PRIMARY KEY` is the row id, one B-tree
    /// less to write per event), PostgreSQL needs 64 bits.
    const LEDGER_TABLE: &'static str;

    /// A statement the writer's transaction runs, with the channel as `$1`
    /// and the notice as `$2` (`notice.rs`), to tell other processes of
    /// its events when it commits; `None` where the database cannot (they
    /// poll).
    const ANNOUNCE: Option<&'static str>;

    /// Starts a transaction that may extend the chain: no other writer, in
    /// this process or another, reads or moves the head until it ends.
    fn begin_write(
        pool: &Pool<Self>,
    ) -> impl Future<Output = Result<Transaction<'static, Self>, sqlx::Error>> + Send;

    /// Starts a transaction that counts and creates tokens: no other, in
    /// this process or another, counts meanwhile (the limits on sign-in
    /// mail hold under concurrent requests).
    fn begin_tokens(
        pool: &Pool<Self>,
    ) -> impl Future<Output = Result<Transaction<'static, Self>, sqlx::Error>> + Send;

    /// Starts a read-only transaction that sees one snapshot throughout.
    fn begin_snapshot(
        pool: &Pool<Self>,
    ) -> impl Future<Output = Result<Transaction<'static, Self>, sqlx::Error>> + Send;
}

/// The tables. Types and syntax common to SQLite and PostgreSQL.
const SCHEMA: &[&str] = &[
    // The ledger itself is `Backend::LEDGER_TABLE`, created first.
    "CREATE INDEX IF NOT EXISTS ledger_subject ON ledger (subject, seq)",
    // One row (id = 1): the last event and its seal, and what tells the key.
    "CREATE TABLE IF NOT EXISTS ledger_head (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL, seal TEXT NOT NULL, key_check TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS subject_state (subject TEXT PRIMARY KEY, state TEXT NOT NULL, last_seq BIGINT NOT NULL, events BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, scopes TEXT NOT NULL, secret_hash TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)",
    // The staff role a key acts for (a table of its own: stores made before
    // roles gain it without altering `api_keys`).
    "CREATE TABLE IF NOT EXISTS api_key_roles (key_id TEXT PRIMARY KEY, role TEXT NOT NULL)",
    // Data-subject requests: the runner's queue and index (`requests.rs`).
    "CREATE TABLE IF NOT EXISTS requests (id TEXT PRIMARY KEY, subject TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, received_at TEXT NOT NULL, due_at TEXT, next_run_at TEXT, updated_at TEXT NOT NULL, version BIGINT NOT NULL, body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS requests_subject ON requests (subject, id)",
    "CREATE INDEX IF NOT EXISTS requests_next_run ON requests (next_run_at)",
    "CREATE TABLE IF NOT EXISTS policy_versions (policy_id TEXT NOT NULL, version TEXT NOT NULL, sha256 TEXT NOT NULL, text TEXT NOT NULL, effective TEXT NOT NULL, recorded_at TEXT NOT NULL, PRIMARY KEY (policy_id, version))",
];

const HEAD: &str = "SELECT seq, hash, seal FROM ledger_head WHERE id = 1";
const EVENTS: &str = "SELECT body FROM ledger WHERE seq > $1 ORDER BY seq LIMIT $2";
const SUBJECT_EVENTS: &str =
    "SELECT body FROM ledger WHERE subject = $1 AND seq > $2 ORDER BY seq LIMIT $3";
const ROWS: &str =
    "SELECT seq, id, subject, body, seal FROM ledger WHERE seq > $1 ORDER BY seq LIMIT $2";
const KEY_COLUMNS: &str = "SELECT k.id, k.name, k.scopes, k.secret_hash, k.created_at, k.revoked_at, r.role FROM api_keys k LEFT JOIN api_key_roles r ON r.key_id = k.id";
const POLICY_COLUMNS: &str =
    "SELECT policy_id, version, sha256, text, effective, recorded_at FROM policy_versions";

/// Rows per page when verifying.
const VERIFY_PAGE: i64 = 2000;

/// The ledger, subject states, API keys and policy versions in one database.
pub struct SqlStore<DB: Database> {
    reads: Pool<DB>,
    /// Single statements outside the ledger (keys, policies).
    writes: Pool<DB>,
    writer: mpsc::Sender<writer::Message>,
    observers: Arc<writer::Observers>,
    key: Arc<LedgerKey>,
}

impl<DB> SqlStore<DB>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// Creates the tables if needed, checks the key, starts the writer.
    /// `writes` is for the writer alone (one connection), `reads` for the rest.
    async fn start(
        writes: Pool<DB>,
        reads: Pool<DB>,
        key: LedgerKey,
    ) -> Result<SqlStore<DB>, StoreError> {
        let mut tx = DB::begin_write(&writes).await?;
        sqlx::query(DB::LEDGER_TABLE).execute(&mut *tx).await?;
        for statement in SCHEMA.iter().chain(links::SCHEMA).chain(tokens::SCHEMA) {
            sqlx::query(*statement).execute(&mut *tx).await?;
        }
        links::backfill::<DB>(&mut tx).await?;
        let check: Option<String> = sqlx::query("SELECT key_check FROM ledger_head WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
        match check {
            Some(check) if check != key.check_value() => return Err(StoreError::WrongKey),
            Some(_) => {}
            None => {
                let events: i64 = sqlx::query("SELECT COUNT(*) FROM ledger")
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get(0)?;
                // With events but no head, the head was deleted: verify says
                // so, and the writer refuses to go on.
                if events == 0 {
                    let genesis = SealedHead::genesis(&key);
                    sqlx::query("INSERT INTO ledger_head (id, seq, hash, seal, key_check) VALUES (1, 0, $1, $2, $3)")
                        .bind(genesis.hash.as_str())
                        .bind(genesis.seal.as_str())
                        .bind(key.check_value())
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        tx.commit().await?;
        let key = Arc::new(key);
        let observers = Arc::new(writer::Observers::default());
        let writer = writer::spawn(writes.clone(), key.clone(), observers.clone());
        Ok(SqlStore {
            reads,
            writes,
            writer,
            observers,
            key,
        })
    }

    async fn submit(&self, events: Vec<Event>) -> Result<Vec<Event>, StoreError> {
        for event in &events {
            admissible(event)?;
        }
        let (reply, answer) = oneshot::channel();
        self.writer
            .send(writer::Message::Append(events, reply))
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    async fn bodies(rows: Vec<DB::Row>) -> Result<Vec<Event>, StoreError> {
        rows.iter()
            .map(|r| Ok(serde_json::from_str(&r.try_get::<String, _>(0)?)?))
            .collect()
    }
}

/// The head row, read in `conn`'s transaction.
async fn read_head<DB>(conn: &mut DB::Connection) -> Result<Option<SealedHead>, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let Some(row) = sqlx::query(HEAD).fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    Ok(Some(SealedHead {
        seq: u64::try_from(row.try_get::<i64, _>(0)?).unwrap_or(0),
        hash: row.try_get(1)?,
        seal: row.try_get(2)?,
    }))
}

impl<DB> Store for SqlStore<DB>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    Option<String>: for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    async fn append(&self, event: Event) -> Result<Event, StoreError> {
        let mut stored = self.submit(vec![event]).await?;
        Ok(stored.pop().expect("one event in, one out"))
    }

    async fn append_all(&self, events: Vec<Event>) -> Result<Vec<Event>, StoreError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        self.submit(events).await
    }

    async fn state(&self, subject: &str) -> Result<SubjectState, StoreError> {
        let row = sqlx::query("SELECT state FROM subject_state WHERE subject = $1")
            .bind(subject)
            .fetch_optional(&self.reads)
            .await?;
        match row {
            Some(row) => Ok(serde_json::from_str(&row.try_get::<String, _>(0)?)?),
            None => Ok(SubjectState::default()),
        }
    }

    async fn subject_events(
        &self,
        subject: &str,
        after_seq: u64,
        limit: usize,
    ) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(SUBJECT_EVENTS)
            .bind(subject)
            .bind(number(after_seq))
            .bind(number(limit))
            .fetch_all(&self.reads)
            .await?;
        Self::bodies(rows).await
    }

    async fn events(&self, after_seq: u64, limit: usize) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(EVENTS)
            .bind(number(after_seq))
            .bind(number(limit))
            .fetch_all(&self.reads)
            .await?;
        Self::bodies(rows).await
    }

    async fn head(&self) -> Result<Option<(u64, String)>, StoreError> {
        let mut conn = self.reads.acquire().await?;
        let head = read_head::<DB>(&mut conn).await?;
        Ok(head.filter(|h| h.seq > 0).map(|h| (h.seq, h.hash)))
    }

    async fn subjects(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SubjectSummary>, StoreError> {
        let rows = sqlx::query("SELECT subject, last_seq, events FROM subject_state WHERE subject > $1 ORDER BY subject LIMIT $2")
            .bind(after.unwrap_or(""))
            .bind(number(limit))
            .fetch_all(&self.reads)
            .await?;
        rows.iter().map(summary::<DB>).collect()
    }

    async fn subject(&self, subject: &str) -> Result<Option<SubjectSummary>, StoreError> {
        let row =
            sqlx::query("SELECT subject, last_seq, events FROM subject_state WHERE subject = $1")
                .bind(subject)
                .fetch_optional(&self.reads)
                .await?;
        row.as_ref().map(summary::<DB>).transpose()
    }

    async fn verify_with(&self, progress: Progress<'_>) -> Result<Verification, StoreError> {
        // One snapshot: appends made meanwhile are neither half seen nor
        // mistaken for events past the head.
        let mut tx = DB::begin_snapshot(&self.reads).await?;
        let head = read_head::<DB>(&mut tx).await?;
        let expected = head.as_ref().map_or(0, |h| h.seq);
        let mut verifier = Verifier::new(&self.key, head);
        // From the lowest number: a row renumbered below 1 is read too.
        let mut after = i64::MIN;
        loop {
            let rows = sqlx::query(ROWS)
                .bind(after)
                .bind(VERIFY_PAGE)
                .fetch_all(&mut *tx)
                .await?;
            for row in &rows {
                let position: i64 = row.try_get(0)?;
                let id: String = row.try_get(1)?;
                let body: String = row.try_get(3)?;
                match serde_json::from_str::<Event>(&body) {
                    Ok(event) => verifier.push(StoredEvent {
                        position,
                        id,
                        subject: row.try_get(2)?,
                        event,
                        seal: row.try_get(4)?,
                    }),
                    Err(e) => verifier.push_unreadable(position, &id, &e.to_string()),
                }
                after = position;
            }
            progress(verifier.rows(), expected);
            if (rows.len() as i64) < VERIFY_PAGE {
                break;
            }
        }
        tx.rollback().await?;
        Ok(verifier.finish())
    }

    async fn create_key(&self, key: ApiKeyRecord) -> Result<(), StoreError> {
        // The key and its role together, or neither.
        let mut tx = self.writes.begin().await?;
        let created = sqlx::query("INSERT INTO api_keys (id, name, scopes, secret_hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING id")
            .bind(key.id.as_str())
            .bind(key.name.as_str())
            .bind(serde_json::to_string(&key.scopes)?)
            .bind(key.secret_hash.as_str())
            .bind(timestamp(key.created_at))
            .bind(key.revoked_at.map(timestamp))
            .fetch_optional(&mut *tx)
            .await?;
        if created.is_some()
            && let Some(role) = &key.role
        {
            sqlx::query("INSERT INTO api_key_roles (key_id, role) VALUES ($1, $2)")
                .bind(key.id.as_str())
                .bind(role.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        match created {
            Some(_) => Ok(()),
            None => Err(StoreError::Conflict(format!(
                "an API key with id `{}` exists already",
                key.id
            ))),
        }
    }

    async fn key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{KEY_COLUMNS} WHERE k.id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.reads)
        .await?
        .map(|r| api_key::<DB>(&r))
        .transpose()
    }

    async fn keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{KEY_COLUMNS} ORDER BY k.created_at, k.id"
        )))
        .fetch_all(&self.reads)
        .await?
        .iter()
        .map(api_key::<DB>)
        .collect()
    }

    async fn key_count(&self) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) FROM api_keys")
            .fetch_one(&self.reads)
            .await?;
        Ok(count(row.try_get(0)?))
    }

    async fn revoke_key(&self, id: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let revoked = sqlx::query(
            "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id",
        )
        .bind(id)
        .bind(timestamp(at))
        .fetch_optional(&self.writes)
        .await?;
        Ok(revoked.is_some())
    }

    async fn record_policy(
        &self,
        record: PolicyVersionRecord,
    ) -> Result<RecordOutcome, StoreError> {
        let new = sqlx::query("INSERT INTO policy_versions (policy_id, version, sha256, text, effective, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (policy_id, version) DO NOTHING RETURNING version")
            .bind(record.policy_id.as_str())
            .bind(record.version.as_str())
            .bind(record.sha256.as_str())
            .bind(record.text.as_str())
            .bind(record.effective.to_string())
            .bind(timestamp(record.recorded_at))
            .fetch_optional(&self.writes)
            .await?;
        if new.is_some() {
            return Ok(RecordOutcome::New);
        }
        match self
            .policy_version(&record.policy_id, &record.version)
            .await?
        {
            Some(stored) if stored.sha256 == record.sha256 => Ok(RecordOutcome::AlreadyRecorded),
            _ => Err(StoreError::Conflict(format!(
                "version {} of policy {} is already recorded with different text: bump policy.version",
                record.version, record.policy_id
            ))),
        }
    }

    async fn policy_versions(&self) -> Result<Vec<PolicyVersionRecord>, StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{POLICY_COLUMNS} ORDER BY recorded_at, policy_id, version"
        )))
        .fetch_all(&self.reads)
        .await?
        .iter()
        .map(policy_version::<DB>)
        .collect()
    }

    async fn policy_version(
        &self,
        policy_id: &str,
        version: &str,
    ) -> Result<Option<PolicyVersionRecord>, StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{POLICY_COLUMNS} WHERE policy_id = $1 AND version = $2"
        )))
        .bind(policy_id)
        .bind(version)
        .fetch_optional(&self.reads)
        .await?
        .map(|r| policy_version::<DB>(&r))
        .transpose()
    }

    async fn save_request(&self, record: &RequestRecord) -> Result<u64, StoreError> {
        requests::save(&self.writes, record).await
    }

    async fn request(&self, id: &str) -> Result<Option<RequestRecord>, StoreError> {
        requests::one(&self.reads, id).await
    }

    async fn requests(&self, query: &RequestQuery) -> Result<Vec<RequestRecord>, StoreError> {
        requests::list(&self.reads, query).await
    }

    async fn identity_subject(
        &self,
        kind: IdentityKind,
        value: &str,
    ) -> Result<Option<String>, StoreError> {
        links::identity_subject(&self.reads, kind, value).await
    }

    async fn subject_identities(
        &self,
        subject: &str,
    ) -> Result<Vec<(IdentityKind, String)>, StoreError> {
        links::subject_identities(&self.reads, subject).await
    }

    async fn children(&self, guardian: &str) -> Result<Vec<GuardianLinkRecord>, StoreError> {
        links::children(&self.reads, guardian).await
    }

    async fn create_token(&self, token: &TokenRecord) -> Result<(), StoreError> {
        tokens::insert(&self.writes, token).await
    }

    async fn token(&self, id: &str, kind: TokenKind) -> Result<Option<TokenRecord>, StoreError> {
        tokens::get(&self.reads, id, kind).await
    }

    async fn use_token(
        &self,
        id: &str,
        kind: TokenKind,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<TokenRecord>, StoreError> {
        tokens::take(&self.writes, id, kind, subject, now).await
    }

    async fn revoke_token(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        tokens::revoke(&self.writes, id, now).await
    }

    async fn revoke_tokens(
        &self,
        kind: TokenKind,
        scope: TokenScope<'_>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        tokens::revoke_all(&self.writes, kind, scope, now).await
    }

    async fn create_token_within(
        &self,
        token: &TokenRecord,
        limits: &[(TokenScope<'_>, u64)],
        since: DateTime<Utc>,
    ) -> Result<Option<usize>, StoreError> {
        tokens::create_within(&self.writes, token, limits, since).await
    }

    async fn count_tokens(
        &self,
        kind: TokenKind,
        scope: TokenScope<'_>,
        since: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        tokens::count_since(&self.reads, kind, scope, since).await
    }

    async fn purge_tokens(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        tokens::purge(&self.writes, before).await
    }

    async fn close(&self) {
        let (ack, done) = oneshot::channel();
        if self.writer.send(writer::Message::Close(ack)).await.is_ok() {
            let _ = done.await;
        }
        self.writes.close().await;
        self.reads.close().await;
    }

    fn observe(&self, observer: Arc<dyn CommitObserver>) {
        self.observers.add(observer);
    }
}

fn summary<DB>(row: &DB::Row) -> Result<SubjectSummary, StoreError>
where
    DB: Database,
    String: Type<DB> + for<'r> Decode<'r, DB>,
    i64: Type<DB> + for<'r> Decode<'r, DB>,
    usize: ColumnIndex<DB::Row>,
{
    Ok(SubjectSummary {
        subject: row.try_get(0)?,
        last_seq: count(row.try_get(1)?),
        events: count(row.try_get(2)?),
    })
}

fn api_key<DB>(row: &DB::Row) -> Result<ApiKeyRecord, StoreError>
where
    DB: Database,
    String: Type<DB> + for<'r> Decode<'r, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let scopes: String = row.try_get(2)?;
    let revoked: Option<String> = row.try_get(5)?;
    Ok(ApiKeyRecord {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        scopes: serde_json::from_str(&scopes)?,
        secret_hash: row.try_get(3)?,
        created_at: parse_timestamp(&row.try_get::<String, _>(4)?)?,
        revoked_at: revoked.as_deref().map(parse_timestamp).transpose()?,
        role: row.try_get(6)?,
    })
}

fn policy_version<DB>(row: &DB::Row) -> Result<PolicyVersionRecord, StoreError>
where
    DB: Database,
    String: Type<DB> + for<'r> Decode<'r, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let effective: String = row.try_get(4)?;
    Ok(PolicyVersionRecord {
        policy_id: row.try_get(0)?,
        version: row.try_get(1)?,
        sha256: row.try_get(2)?,
        text: row.try_get(3)?,
        effective: effective
            .parse::<NaiveDate>()
            .map_err(|e| StoreError::Corrupt(format!("effective date `{effective}`: {e}")))?,
        recorded_at: parse_timestamp(&row.try_get::<String, _>(5)?)?,
    })
}

/// Timestamps are stored as fixed-width RFC 3339 text, which sorts in time order.
fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("timestamp `{text}`: {e}")))
}

/// A count or number as the databases store it (BIGINT).
fn number(n: impl TryInto<i64>) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

/// A stored BIGINT that is a count or an event number.
fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}
