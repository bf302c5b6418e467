//! The indexes kept with the ledger for looking people up: identity →
//! subject (`identities`) and guardian → child (`guardian_links`). The
//! writer updates them from each batch's events in the batch's
//! transaction, so they always agree with the ledger; a store that
//! predates them fills them from the ledger once when it opens.

use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};

use super::{Backend, count, number};
use crate::identity::{GuardianLinkRecord, IdentityKind};
use crate::ledger::{Event, EventKind};
use crate::store::StoreError;

/// The tables, created with the rest of the schema.
pub(super) const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS identities (kind TEXT NOT NULL, value TEXT NOT NULL, subject TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (kind, value))",
    "CREATE INDEX IF NOT EXISTS identities_subject ON identities (subject)",
    "CREATE TABLE IF NOT EXISTS guardian_links (guardian TEXT NOT NULL, child TEXT NOT NULL, verified BIGINT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (guardian, child))",
    // Which derived indexes have been filled from the ledger.
    "CREATE TABLE IF NOT EXISTS store_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

/// Whether `event` changes an index.
pub(super) fn indexed(event: &Event) -> bool {
    matches!(
        event.kind,
        EventKind::GuardianLinked { .. }
            | EventKind::GuardianUnlinked { .. }
            | EventKind::IdentityLinked { .. }
            | EventKind::IdentityUnlinked { .. }
    )
}

/// Applies one event (already placed in the chain) to the indexes, in the
/// caller's transaction.
pub(super) async fn apply<DB>(conn: &mut DB::Connection, event: &Event) -> Result<(), StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: Type<DB> + for<'q> Encode<'q, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
{
    let seq = number(event.seq);
    let subject = event.subject.as_str();
    match &event.kind {
        EventKind::IdentityLinked { identity, value } => {
            // One identity names one subject: a later link moves it.
            sqlx::query("INSERT INTO identities (kind, value, subject, seq) VALUES ($1, $2, $3, $4) ON CONFLICT (kind, value) DO UPDATE SET subject = excluded.subject, seq = excluded.seq")
                .bind(identity.as_str())
                .bind(value.as_str())
                .bind(subject)
                .bind(seq)
                .execute(&mut *conn)
                .await?;
        }
        EventKind::IdentityUnlinked { identity, value } => {
            // Only this subject's link: one that moved elsewhere stays.
            sqlx::query("DELETE FROM identities WHERE kind = $1 AND value = $2 AND subject = $3")
                .bind(identity.as_str())
                .bind(value.as_str())
                .bind(subject)
                .execute(&mut *conn)
                .await?;
        }
        EventKind::GuardianLinked { guardian, verified } => {
            sqlx::query("INSERT INTO guardian_links (guardian, child, verified, seq) VALUES ($1, $2, $3, $4) ON CONFLICT (guardian, child) DO UPDATE SET verified = excluded.verified, seq = excluded.seq")
                .bind(guardian.as_str())
                .bind(subject)
                .bind(i64::from(*verified))
                .bind(seq)
                .execute(&mut *conn)
                .await?;
        }
        EventKind::GuardianUnlinked { guardian } => {
            sqlx::query("DELETE FROM guardian_links WHERE guardian = $1 AND child = $2")
                .bind(guardian.as_str())
                .bind(subject)
                .execute(&mut *conn)
                .await?;
        }
        _ => {}
    }
    Ok(())
}

/// Fills the indexes from the ledger once, for a store written before
/// they existed, and rebuilds the states of the children it names (their
/// verified guardians were not kept in the state then). Runs in the
/// opening transaction.
pub(super) async fn backfill<DB>(conn: &mut DB::Connection) -> Result<(), StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    const DONE: &str = "links_indexed";
    let done = sqlx::query("SELECT value FROM store_meta WHERE name = $1")
        .bind(DONE)
        .fetch_optional(&mut *conn)
        .await?;
    if done.is_some() {
        return Ok(());
    }
    let mut after = 0i64;
    let mut children = std::collections::BTreeSet::new();
    loop {
        // The bodies are compact JSON: the type is spelled this way.
        let rows = sqlx::query("SELECT seq, body FROM ledger WHERE seq > $1 AND (body LIKE '%\"type\":\"guardian_%' OR body LIKE '%\"type\":\"identity_%') ORDER BY seq LIMIT 1000")
            .bind(after)
            .fetch_all(&mut *conn)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get(0)?;
        for row in &rows {
            let event: Event = serde_json::from_str(&row.try_get::<String, _>(1)?)?;
            if indexed(&event) {
                if matches!(
                    event.kind,
                    EventKind::GuardianLinked { .. } | EventKind::GuardianUnlinked { .. }
                ) {
                    children.insert(event.subject.clone());
                }
                apply::<DB>(conn, &event).await?;
            }
        }
    }
    for child in children {
        let rows = sqlx::query("SELECT body FROM ledger WHERE subject = $1 ORDER BY seq")
            .bind(child.as_str())
            .fetch_all(&mut *conn)
            .await?;
        let events = rows
            .iter()
            .map(|r| Ok(serde_json::from_str::<Event>(&r.try_get::<String, _>(0)?)?))
            .collect::<Result<Vec<Event>, StoreError>>()?;
        let state = crate::materialise::rebuild(&child, &events);
        sqlx::query("UPDATE subject_state SET state = $1 WHERE subject = $2")
            .bind(serde_json::to_string(&state)?)
            .bind(child.as_str())
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("INSERT INTO store_meta (name, value) VALUES ($1, $2)")
        .bind(DONE)
        .bind("1")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(super) async fn identity_subject<DB>(
    reads: &Pool<DB>,
    kind: IdentityKind,
    value: &str,
) -> Result<Option<String>, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    String: Type<DB> + for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let row = sqlx::query("SELECT subject FROM identities WHERE kind = $1 AND value = $2")
        .bind(kind.as_str())
        .bind(value)
        .fetch_optional(reads)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

pub(super) async fn subject_identities<DB>(
    reads: &Pool<DB>,
    subject: &str,
) -> Result<Vec<(IdentityKind, String)>, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    String: Type<DB> + for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let rows = sqlx::query("SELECT kind, value FROM identities WHERE subject = $1 ORDER BY seq")
        .bind(subject)
        .fetch_all(reads)
        .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get(0)?;
            let kind = IdentityKind::parse(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("identity kind `{kind}`")))?;
            Ok((kind, r.try_get(1)?))
        })
        .collect()
}

pub(super) async fn children<DB>(
    reads: &Pool<DB>,
    guardian: &str,
) -> Result<Vec<GuardianLinkRecord>, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: Type<DB> + for<'r> Decode<'r, DB>,
    String: Type<DB> + for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let rows = sqlx::query(
        "SELECT guardian, child, verified, seq FROM guardian_links WHERE guardian = $1 ORDER BY seq",
    )
    .bind(guardian)
    .fetch_all(reads)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(GuardianLinkRecord {
                guardian: r.try_get(0)?,
                child: r.try_get(1)?,
                verified: r.try_get::<i64, _>(2)? != 0,
                seq: count(r.try_get(3)?),
            })
        })
        .collect()
}
