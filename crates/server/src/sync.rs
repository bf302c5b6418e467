//! Keeping this process in step with what other processes write to the
//! same store: their ledger events (so the subject cache forgets the
//! states they changed) and the API keys they make or revoke.
//!
//! What this process appends needs nothing from here: the store's writer
//! tells the cache before the append returns (`cache.rs`). The sync task
//! covers every other writer — other `vow serve` processes on PostgreSQL,
//! `vow request run` or `vow keys` on the same SQLite file — with one
//! cursor, the number up to which every ledger event is accounted for:
//!
//! - every `sync_interval` it reloads the keys and reads the ledger's head
//!   (one row); when the head is past the cursor, it reads the events in
//!   between and forgets their subjects. That bounds how stale a decision
//!   can be by the interval, on either database, whatever else fails;
//! - on PostgreSQL it also listens (`vow_store::LedgerListener`): each
//!   writer's commit announces its event numbers, and the task catches up
//!   at once, so other processes' writes reach this one's decisions in
//!   milliseconds. A lost connection is made again with backoff, and
//!   followed by a catch-up, since what was announced meanwhile was not
//!   heard; polling goes on meanwhile.
//!
//! Catching up skips the events this process committed itself (the cache
//! keeps their numbers), so a process alone on its store reads nothing,
//! and never skips an event it has not seen: the cursor only moves over
//! numbers read from the ledger or committed here.

use std::sync::LazyLock;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;
use vow_store::{Heard, LedgerListener, Store};

use crate::config::{Config, Database};
use crate::state::AppState;

/// Seconds from another process's write to this one forgetting the state it
/// changed (the event's time to now; clocks of the two hosts included).
static SYNC_LAG: LazyLock<metrics::Histogram> =
    LazyLock::new(|| metrics::histogram!("vow_sync_lag_seconds"));
/// Events of other processes followed.
static SYNCED: LazyLock<metrics::Counter> =
    LazyLock::new(|| metrics::counter!("vow_sync_events_total"));
/// The last ledger event this process has followed.
static SYNC_CURSOR: LazyLock<metrics::Gauge> = LazyLock::new(|| metrics::gauge!("vow_sync_cursor"));

/// Events read per query when catching up.
const PAGE: usize = 1_000;

/// Waits before connecting the listener again: doubling from the first, up
/// to the last (polling covers the gap).
const RECONNECT: (Duration, Duration) = (Duration::from_millis(100), Duration::from_secs(30));

/// Starts the sync task of `state`'s process. The cursor is the ledger's
/// head when this is called, so call it before serving decisions: a state
/// cached earlier could miss what others wrote meanwhile.
pub async fn start(state: AppState, config: &Config) -> JoinHandle<()> {
    let cursor = match state.store.head().await {
        Ok(head) => head.map_or(0, |h| h.0),
        Err(e) => {
            tracing::warn!(error = %e, "sync: cannot read the ledger head; reading the ledger from the start");
            0
        }
    };
    let listen = match &config.database {
        Database::Postgres(url) if config.sync_listen => Some(url.clone()),
        _ => None,
    };
    tokio::spawn(run(state, cursor, config.sync_interval, listen))
}

async fn run(state: AppState, mut cursor: u64, every: Duration, listen: Option<String>) {
    let (heard, mut hearing) = mpsc::channel(256);
    // Dropped with this task, which ends it.
    let _listener = listen.map(|url| Abort(tokio::spawn(listen_to(url, heard))));
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        let target = tokio::select! {
            _ = ticker.tick() => {
                match state.store.keys().await {
                    Ok(records) => state.keys.load(&records),
                    Err(e) => tracing::warn!(error = %e, "sync: cannot reload the keys"),
                }
                None
            }
            Some(heard) = hearing.recv() => match heard {
                Heard::Appended { last, .. } => Some(last),
                Heard::Lost => None,
            },
        };
        let target = match target {
            Some(last) => last,
            None => match state.store.head().await {
                Ok(head) => head.map_or(0, |h| h.0),
                Err(e) => {
                    tracing::warn!(error = %e, "sync: cannot read the ledger head");
                    continue;
                }
            },
        };
        if let Err(e) = catch_up(&state, &mut cursor, target).await {
            tracing::warn!(error = %e, "sync: cannot read new ledger events");
        }
    }
}

/// Forgets the subjects of every event after `cursor` up to `target` that
/// this process did not commit, moving `cursor` along.
async fn catch_up(
    state: &AppState,
    cursor: &mut u64,
    target: u64,
) -> Result<(), vow_store::StoreError> {
    loop {
        *cursor = state.subjects.seen_from(*cursor);
        if *cursor >= target {
            return Ok(());
        }
        let events = state.store.events(*cursor, PAGE).await?;
        if events.is_empty() {
            // Announced but not visible yet to this connection: the next
            // look finds it.
            return Ok(());
        }
        let now = chrono::Utc::now();
        for event in &events {
            *cursor = state.subjects.seen_from(*cursor);
            if event.seq > *cursor {
                state.subjects.invalidate(&event.subject);
                *cursor = event.seq;
                // How long after another process wrote it this one stopped
                // deciding on the old state: the staleness users meet.
                let lag = (now - event.at).to_std().unwrap_or_default();
                SYNC_LAG.record(lag.as_secs_f64());
                SYNCED.increment(1);
            }
        }
        SYNC_CURSOR.set(*cursor as f64);
        tracing::debug!(
            cursor = *cursor,
            read = events.len(),
            "sync: caught up with the ledger"
        );
    }
}

/// Listens on PostgreSQL for every process's commits and passes on what it
/// hears, connecting again after a failure.
async fn listen_to(url: String, heard: mpsc::Sender<Heard>) {
    let mut wait = RECONNECT.0;
    loop {
        match LedgerListener::connect(&url).await {
            Ok(mut listener) => {
                wait = RECONNECT.0;
                // What was announced before this connection listened.
                if heard.send(Heard::Lost).await.is_err() {
                    return;
                }
                loop {
                    match listener.next().await {
                        Ok(news) => {
                            if heard.send(news).await.is_err() {
                                return;
                            }
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "sync: lost the ledger's notifications; polling until they are back");
                            break;
                        }
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, retry_in_ms = wait.as_millis() as u64, "sync: cannot listen for the ledger's notifications; polling meanwhile");
            }
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(RECONNECT.1);
    }
}

/// Aborts the task when dropped.
struct Abort(JoinHandle<()>);

impl Drop for Abort {
    fn drop(&mut self) {
        self.0.abort();
    }
}
