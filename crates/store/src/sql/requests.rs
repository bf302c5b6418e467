//! Data-subject request records: the runner's queue and index, written
//! with optimistic versions so that two `vow serve` processes sharing a
//! PostgreSQL store never both move the same request.

use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};

use super::{Backend, number, parse_timestamp, timestamp};
use crate::store::{RequestQuery, RequestRecord, StoreError};

const COLUMNS: &str = "SELECT id, subject, kind, status, received_at, due_at, next_run_at, updated_at, version, body FROM requests";

pub(super) async fn save<DB>(writes: &Pool<DB>, record: &RequestRecord) -> Result<u64, StoreError>
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
    let body = serde_json::to_string(&record.body)?;
    let next = record.version + 1;
    let statement = if record.version == 0 {
        "INSERT INTO requests (id, subject, kind, status, received_at, due_at, next_run_at, updated_at, version, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING RETURNING id"
    } else {
        "UPDATE requests SET subject = $2, kind = $3, status = $4, received_at = $5, due_at = $6, next_run_at = $7, updated_at = $8, version = $9, body = $10 WHERE id = $1 AND version = $11 RETURNING id"
    };
    let saved = sqlx::query(statement)
        .bind(record.id.as_str())
        .bind(record.subject.as_str())
        .bind(record.kind.as_str())
        .bind(record.status.as_str())
        .bind(timestamp(record.received_at))
        .bind(record.due_at.map(timestamp))
        .bind(record.next_run_at.map(timestamp))
        .bind(timestamp(record.updated_at))
        .bind(number(next))
        .bind(body)
        .bind(number(record.version))
        .fetch_optional(writes)
        .await?;
    match saved {
        Some(_) => Ok(next),
        None if record.version == 0 => Err(StoreError::Conflict(format!(
            "a request with id `{}` exists already",
            record.id
        ))),
        None => Err(StoreError::Conflict(format!(
            "request `{}` changed since version {} was read (another process is working on it): read it again",
            record.id, record.version
        ))),
    }
}

pub(super) async fn one<DB>(reads: &Pool<DB>, id: &str) -> Result<Option<RequestRecord>, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    Option<String>: for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    sqlx::query(sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_optional(reads)
        .await?
        .map(|r| record::<DB>(&r))
        .transpose()
}

pub(super) async fn list<DB>(
    reads: &Pool<DB>,
    query: &RequestQuery,
) -> Result<Vec<RequestRecord>, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    Option<String>: for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let mut conditions = Vec::new();
    let mut values: Vec<String> = Vec::new();
    let mut condition = |sql: &str, value: String| {
        values.push(value);
        conditions.push(sql.replace('?', &format!("${}", values.len())));
    };
    if let Some(subject) = &query.subject {
        condition("subject = ?", subject.clone());
    }
    if let Some(status) = &query.status {
        condition("status = ?", status.clone());
    }
    if let Some(at) = query.runnable_at {
        condition("next_run_at <= ?", timestamp(at));
    }
    if let Some(after) = &query.after {
        condition("id > ?", after.clone());
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "{COLUMNS}{filter} ORDER BY id LIMIT {}",
        number(query.limit.max(1))
    );
    let mut statement = sqlx::query(sqlx::AssertSqlSafe(sql));
    for value in values {
        statement = statement.bind(value);
    }
    statement
        .fetch_all(reads)
        .await?
        .iter()
        .map(record::<DB>)
        .collect()
}

fn record<DB>(row: &DB::Row) -> Result<RequestRecord, StoreError>
where
    DB: Backend,
    String: Type<DB> + for<'r> Decode<'r, DB>,
    Option<String>: for<'r> Decode<'r, DB>,
    i64: Type<DB> + for<'r> Decode<'r, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let time = |i: usize| -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
        row.try_get::<Option<String>, _>(i)?
            .as_deref()
            .map(parse_timestamp)
            .transpose()
    };
    Ok(RequestRecord {
        id: row.try_get(0)?,
        subject: row.try_get(1)?,
        kind: row.try_get(2)?,
        status: row.try_get(3)?,
        received_at: parse_timestamp(&row.try_get::<String, _>(4)?)?,
        due_at: time(5)?,
        next_run_at: time(6)?,
        updated_at: parse_timestamp(&row.try_get::<String, _>(7)?)?,
        version: u64::try_from(row.try_get::<i64, _>(8)?).unwrap_or(0),
        body: serde_json::from_str(&row.try_get::<String, _>(9)?)?,
    })
}
