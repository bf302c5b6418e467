//! Group commit: one writer task per store takes every append queued while
//! the previous transaction was committing, and writes them in one
//! transaction — one fsync for the lot — before answering each caller.
//!
//! The transaction locks the chain (PostgreSQL: an advisory lock, so that
//! several processes append to one chain), reads the sealed head, the
//! events already stored under the batch's ids and the touched subjects'
//! states, lets [`crate::batch::plan`] link what is new, and writes the
//! rows, the states, the lookup indexes (`links.rs`) and the new head.
//!
//! Others hear of each commit that added events, in two ways:
//!
//! - this process's [`CommitObserver`]s, called synchronously once the
//!   commit returns and before any caller of the batch is answered — so
//!   when an append returns, whoever appended it, every observer already
//!   knows (the server's cache forgets the subjects). A commit that failed
//!   midway may have happened: observers are told that too (`certain:
//!   false`), and forget the subjects to be safe;
//! - other processes, on PostgreSQL: the transaction sends `NOTIFY
//!   vow_ledger` with the batch's first and last event numbers
//!   ([`Backend::ANNOUNCE`]), delivered to listeners when it commits and
//!   never if it rolls back ([`super::notice`]).

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Pool, QueryBuilder, Row, Type};
use tokio::sync::{mpsc, oneshot};

use super::{Backend, read_head};
use crate::batch::{StateRow, plan};
use crate::key::LedgerKey;
use crate::ledger::Event;
use crate::store::{Commit, CommitObserver, StoreError};

/// At most this many events go into one transaction (a larger
/// `append_all` goes alone).
const MAX_BATCH_EVENTS: usize = 512;

/// Rows per multi-row statement: well under both databases' limits on
/// bound parameters.
const CHUNK: usize = 256;

/// Appends waiting for the writer.
const QUEUE: usize = 4096;

/// The store's commit observers, shared with its writer.
#[derive(Default)]
pub(super) struct Observers(RwLock<Vec<Arc<dyn CommitObserver>>>);

impl Observers {
    pub(super) fn add(&self, observer: Arc<dyn CommitObserver>) {
        self.0
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .push(observer);
    }

    fn tell(&self, commit: &Commit<'_>) {
        for observer in self.0.read().unwrap_or_else(PoisonError::into_inner).iter() {
            observer.committed(commit);
        }
    }
}

pub(super) enum Message {
    Append(Vec<Event>, oneshot::Sender<Result<Vec<Event>, StoreError>>),
    /// Finish what is queued, then stop.
    Close(oneshot::Sender<()>),
}

pub(super) fn spawn<DB>(
    writes: Pool<DB>,
    key: Arc<LedgerKey>,
    observers: Arc<Observers>,
) -> mpsc::Sender<Message>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let (sender, inbox) = mpsc::channel(QUEUE);
    tokio::spawn(run(writes, key, observers, inbox));
    sender
}

async fn run<DB>(
    writes: Pool<DB>,
    key: Arc<LedgerKey>,
    observers: Arc<Observers>,
    mut inbox: mpsc::Receiver<Message>,
) where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let mut closed = Vec::new();
    // How many callers the last batch answered: most of them come back
    // with their next append at once.
    let mut last_callers = 0;
    while let Some(first) = inbox.recv().await {
        let mut requests = Vec::new();
        let mut replies = Vec::new();
        let mut events = 0;
        let mut next = Some(first);
        let mut waits = 0;
        loop {
            while let Some(message) = next.take() {
                match message {
                    Message::Append(batch, reply) => {
                        events += batch.len();
                        requests.push(batch);
                        replies.push(reply);
                    }
                    Message::Close(ack) => {
                        // Nothing new is accepted; what is queued is still written.
                        inbox.close();
                        closed.push(ack);
                    }
                }
                if events < MAX_BATCH_EVENTS {
                    next = inbox.try_recv().ok();
                }
            }
            // The callers just answered may be queued to run on this very
            // thread: let them, rather than commit a batch of one and make
            // the rest wait a whole commit. Alone, a caller never waits.
            if requests.len() >= last_callers || events >= MAX_BATCH_EVENTS || waits == 8 {
                break;
            }
            waits += 1;
            tokio::task::yield_now().await;
            next = inbox.try_recv().ok();
            if next.is_none() {
                break;
            }
        }
        if requests.is_empty() {
            continue;
        }
        last_callers = requests.len();
        let answers = commit_each(&writes, &key, &observers, &requests).await;
        for (reply, answer) in replies.into_iter().zip(answers) {
            // A caller that gave up no longer listens; its events stay written.
            let _ = reply.send(answer);
        }
    }
    writes.close().await;
    for ack in closed {
        let _ = ack.send(());
    }
}

/// Commits the batch; if the database refuses it, commits each request
/// alone, so that one bad request does not fail the others. (A retry after
/// an uncertain commit is safe: appends are idempotent by id.)
async fn commit_each<DB>(
    writes: &Pool<DB>,
    key: &LedgerKey,
    observers: &Observers,
    requests: &[Vec<Event>],
) -> Vec<Result<Vec<Event>, StoreError>>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    match commit(writes, key, observers, requests).await {
        Ok(answers) => answers,
        Err(StoreError::Database(_)) if requests.len() > 1 => {
            let mut answers = Vec::with_capacity(requests.len());
            for request in requests {
                let answer = commit(writes, key, observers, std::slice::from_ref(request)).await;
                answers.push(answer.and_then(|mut a| a.pop().expect("one answer per request")));
            }
            answers
        }
        Err(e) => vec![Err(e); requests.len()],
    }
}

/// One transaction for the whole batch.
async fn commit<DB>(
    writes: &Pool<DB>,
    key: &LedgerKey,
    observers: &Observers,
    requests: &[Vec<Event>],
) -> Result<Vec<Result<Vec<Event>, StoreError>>, StoreError>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    for<'a> &'a str: Type<DB> + Encode<'a, DB>,
    usize: ColumnIndex<DB::Row>,
{
    let mut tx = DB::begin_write(writes).await?;
    let head = match read_head::<DB>(&mut tx).await? {
        None => {
            return Err(StoreError::Tampered(
                "the ledger's sealed head row is missing".into(),
            ));
        }
        Some(h) if !key.verify_head(h.seq, &h.hash, &h.seal) => {
            return Err(StoreError::Tampered(format!(
                "the ledger's head row (event {}) does not carry its seal",
                h.seq
            )));
        }
        Some(h) => h,
    };
    let last: Option<i64> = sqlx::query("SELECT MAX(seq) FROM ledger")
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    if let Some(last) = last.filter(|l| *l > head.seq as i64) {
        return Err(StoreError::Tampered(format!(
            "event {last} is stored past the sealed head (event {})",
            head.seq
        )));
    }

    let mut ids: Vec<&str> = requests.iter().flatten().map(|e| e.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut stored = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let mut query = QueryBuilder::<DB>::new("SELECT body FROM ledger WHERE id IN ");
        query.push_tuples(chunk, |mut t, id| {
            t.push_bind(*id);
        });
        for row in query.build().fetch_all(&mut *tx).await? {
            let event: Event = serde_json::from_str(&row.try_get::<String, _>(0)?)?;
            stored.insert(event.id.clone(), event);
        }
    }

    let mut subjects: Vec<&str> = requests
        .iter()
        .flatten()
        .map(|e| e.subject.as_str())
        .collect();
    subjects.sort_unstable();
    subjects.dedup();
    let mut states = HashMap::new();
    for chunk in subjects.chunks(CHUNK) {
        let mut query = QueryBuilder::<DB>::new(
            "SELECT subject, state, last_seq, events FROM subject_state WHERE subject IN ",
        );
        query.push_tuples(chunk, |mut t, subject| {
            t.push_bind(*subject);
        });
        for row in query.build().fetch_all(&mut *tx).await? {
            let state: String = row.try_get(1)?;
            let stored_row = StateRow {
                state: serde_json::from_str(&state)?,
                last_seq: super::count(row.try_get(2)?),
                events: super::count(row.try_get(3)?),
            };
            states.insert(row.try_get::<String, _>(0)?, stored_row);
        }
    }

    let plan = plan(key, &head, stored, states, requests);
    let Some(first) = plan.rows.first().map(|r| r.event.seq) else {
        // Only retries and conflicts: nothing to write.
        tx.commit().await?;
        return Ok(plan.answers);
    };
    for chunk in plan.rows.chunks(CHUNK) {
        let bodies = chunk
            .iter()
            .map(|r| serde_json::to_string(&r.event))
            .collect::<Result<Vec<_>, _>>()?;
        let mut query =
            QueryBuilder::<DB>::new("INSERT INTO ledger (seq, id, subject, body, seal) ");
        query.push_values(chunk.iter().zip(&bodies), |mut v, (row, body)| {
            v.push_bind(row.position)
                .push_bind(row.id.as_str())
                .push_bind(row.subject.as_str())
                .push_bind(body.as_str())
                .push_bind(row.seal.as_str());
        });
        query.build().execute(&mut *tx).await?;
    }
    for chunk in plan.states.chunks(CHUNK) {
        let states = chunk
            .iter()
            .map(|(_, row)| serde_json::to_string(&row.state))
            .collect::<Result<Vec<_>, _>>()?;
        let mut query = QueryBuilder::<DB>::new(
            "INSERT INTO subject_state (subject, state, last_seq, events) ",
        );
        query.push_values(
            chunk.iter().zip(&states),
            |mut v, ((subject, row), state)| {
                v.push_bind(subject.as_str())
                    .push_bind(state.as_str())
                    .push_bind(super::number(row.last_seq))
                    .push_bind(super::number(row.events));
            },
        );
        query.push(
            " ON CONFLICT (subject) DO UPDATE SET state = excluded.state, last_seq = excluded.last_seq, events = excluded.events",
        );
        query.build().execute(&mut *tx).await?;
    }
    for row in plan.rows.iter().filter(|r| super::links::indexed(&r.event)) {
        super::links::apply::<DB>(&mut tx, &row.event).await?;
    }
    sqlx::query("UPDATE ledger_head SET seq = $1, hash = $2, seal = $3 WHERE id = 1")
        .bind(super::number(plan.head.seq))
        .bind(plan.head.hash.as_str())
        .bind(plan.head.seal.as_str())
        .execute(&mut *tx)
        .await?;
    if let Some(announce) = DB::ANNOUNCE {
        sqlx::query(announce)
            .bind(super::notice::CHANNEL)
            .bind(super::notice::payload(first, plan.head.seq))
            .execute(&mut *tx)
            .await?;
    }
    let committed = tx.commit().await;
    // `plan.states` holds each subject with a new event once, in order.
    let subjects: Vec<String> = plan.states.into_iter().map(|(s, _)| s).collect();
    observers.tell(&Commit {
        first,
        last: plan.head.seq,
        subjects: &subjects,
        certain: committed.is_ok(),
    });
    committed?;
    Ok(plan.answers)
}
