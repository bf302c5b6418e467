//! The privacy centre's tokens: sign-in links (single use) and sessions
//! (revocable), kept by the SHA-256 of their secret, so that every
//! process sharing the store honours a use or a sign-out at once.

use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};

use super::{Backend, count, parse_timestamp, timestamp};
use crate::store::{StoreError, TokenKind, TokenRecord, TokenScope};

pub(super) const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS tokens (id TEXT PRIMARY KEY, kind TEXT NOT NULL, subject TEXT, email TEXT, client TEXT, created_at TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT, revoked_at TEXT, data TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS tokens_created ON tokens (kind, created_at)",
    "CREATE INDEX IF NOT EXISTS tokens_subject ON tokens (subject)",
];

const COLUMNS: &str =
    "id, kind, subject, email, client, created_at, expires_at, used_at, revoked_at, data";

pub(super) async fn insert<'e, DB, E>(on: E, token: &TokenRecord) -> Result<(), StoreError>
where
    DB: Backend,
    E: Executor<'e, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    Option<String>: for<'q> Encode<'q, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let created = sqlx::query("INSERT INTO tokens (id, kind, subject, email, client, created_at, expires_at, used_at, revoked_at, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING RETURNING id")
        .bind(token.id.as_str())
        .bind(token.kind.as_str())
        .bind(token.subject.clone())
        .bind(token.email.clone())
        .bind(token.client.clone())
        .bind(timestamp(token.created_at))
        .bind(timestamp(token.expires_at))
        .bind(token.used_at.map(timestamp))
        .bind(token.revoked_at.map(timestamp))
        .bind(serde_json::to_string(&token.data)?)
        .fetch_optional(on)
        .await?;
    match created {
        Some(_) => Ok(()),
        None => Err(StoreError::Conflict(
            "a token with this id exists already".into(),
        )),
    }
}

pub(super) async fn get<DB>(
    reads: &Pool<DB>,
    id: &str,
    kind: TokenKind,
) -> Result<Option<TokenRecord>, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    Option<String>: for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM tokens WHERE id = $1 AND kind = $2"
    )))
    .bind(id)
    .bind(kind.as_str())
    .fetch_optional(reads)
    .await?;
    row.map(|r| record::<DB>(&r)).transpose()
}

pub(super) async fn take<DB>(
    writes: &Pool<DB>,
    id: &str,
    kind: TokenKind,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<Option<TokenRecord>, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    Option<String>: for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    // One statement: of two processes using one token at once, the
    // second finds it used.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE tokens SET used_at = $3, subject = $4 WHERE id = $1 AND kind = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $3 RETURNING {COLUMNS}"
    )))
    .bind(id)
    .bind(kind.as_str())
    .bind(timestamp(now))
    .bind(subject)
    .fetch_optional(writes)
    .await?;
    row.map(|r| record::<DB>(&r)).transpose()
}

pub(super) async fn revoke<DB>(
    writes: &Pool<DB>,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let revoked = sqlx::query(
        "UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2 RETURNING id",
    )
    .bind(id)
    .bind(timestamp(now))
    .fetch_optional(writes)
    .await?;
    Ok(revoked.is_some())
}

/// The condition and value that select `scope`, with the value as `$3`.
fn scope_filter<'a>(scope: TokenScope<'a>) -> (&'static str, Option<&'a str>) {
    match scope {
        TokenScope::Email(digest) => (" AND email = $3", Some(digest)),
        TokenScope::Client(digest) => (" AND client = $3", Some(digest)),
        TokenScope::Subject(subject) => (" AND subject = $3", Some(subject)),
        TokenScope::All => ("", None),
    }
}

pub(super) async fn revoke_all<DB>(
    writes: &Pool<DB>,
    kind: TokenKind,
    scope: TokenScope<'_>,
    now: DateTime<Utc>,
) -> Result<u64, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let (filter, value) = scope_filter(scope);
    let mut statement = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE tokens SET revoked_at = $2 WHERE kind = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2{filter} RETURNING id"
    )))
    .bind(kind.as_str())
    .bind(timestamp(now));
    if let Some(value) = value {
        statement = statement.bind(value);
    }
    Ok(statement.fetch_all(writes).await?.len() as u64)
}

pub(super) async fn count_since<'e, DB, E>(
    on: E,
    kind: TokenKind,
    scope: TokenScope<'_>,
    since: DateTime<Utc>,
) -> Result<u64, StoreError>
where
    DB: Backend,
    E: Executor<'e, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: Type<DB> + for<'r> Decode<'r, DB>,
    String: Type<DB> + for<'q> Encode<'q, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let (filter, value) = scope_filter(scope);
    let mut statement = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM tokens WHERE kind = $1 AND created_at >= $2{filter}"
    )))
    .bind(kind.as_str())
    .bind(timestamp(since));
    if let Some(value) = value {
        statement = statement.bind(value);
    }
    let row = statement.fetch_one(on).await?;
    Ok(count(row.try_get(0)?))
}

pub(super) async fn create_within<DB>(
    writes: &Pool<DB>,
    token: &TokenRecord,
    limits: &[(TokenScope<'_>, u64)],
    since: DateTime<Utc>,
) -> Result<Option<usize>, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    Option<String>: for<'q> Encode<'q, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let mut tx = DB::begin_tokens(writes).await?;
    for (i, (scope, most)) in limits.iter().enumerate() {
        if count_since(&mut *tx, token.kind, *scope, since).await? >= *most {
            tx.rollback().await?;
            return Ok(Some(i));
        }
    }
    insert(&mut *tx, token).await?;
    tx.commit().await?;
    Ok(None)
}

pub(super) async fn purge<DB>(writes: &Pool<DB>, before: DateTime<Utc>) -> Result<u64, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let gone = sqlx::query("DELETE FROM tokens WHERE expires_at < $1 RETURNING id")
        .bind(timestamp(before))
        .fetch_all(writes)
        .await?;
    Ok(gone.len() as u64)
}

fn record<DB>(row: &DB::Row) -> Result<TokenRecord, StoreError>
where
    DB: Backend,
    String: Type<DB> + for<'r> Decode<'r, DB>,
    Option<String>: for<'r> Decode<'r, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let time = |i: usize| -> Result<Option<DateTime<Utc>>, StoreError> {
        row.try_get::<Option<String>, _>(i)?
            .as_deref()
            .map(parse_timestamp)
            .transpose()
    };
    let kind: String = row.try_get(1)?;
    Ok(TokenRecord {
        id: row.try_get(0)?,
        kind: match kind.as_str() {
            "sign_in" => TokenKind::SignIn,
            "session" => TokenKind::Session,
            other => return Err(StoreError::Corrupt(format!("token kind `{other}`"))),
        },
        subject: row.try_get(2)?,
        email: row.try_get(3)?,
        client: row.try_get(4)?,
        created_at: parse_timestamp(&row.try_get::<String, _>(5)?)?,
        expires_at: parse_timestamp(&row.try_get::<String, _>(6)?)?,
        used_at: time(7)?,
        revoked_at: time(8)?,
        data: serde_json::from_str(&row.try_get::<String, _>(9)?)?,
    })
}
