//! How processes sharing a PostgreSQL store hear of each other's appends
//! at once, rather than at their next poll: the writer's transaction sends
//! `NOTIFY vow_ledger, '<first>:<last>'` (the numbers of the events it
//! adds), which PostgreSQL delivers to every listening connection when the
//! transaction commits, in commit order, and never when it rolls back.
//!
//! A notification is a hint, not the record. One can be lost — while a
//! listener reconnects, or if PostgreSQL's queue overflows — so a listener
//! is told when its connection was lost ([`Heard::Lost`]) and catches up
//! by reading the ledger after the last number it has seen; and whoever
//! relies on notifications keeps polling the head as well. The payload
//! only says how far the ledger reached: a process that has seen every
//! event up to `last` has nothing to read.
//!
//! SQLite has no such channel: another process's appends are found by
//! polling the head ([`crate::Store::head`]).

use sqlx::postgres::PgListener;

use crate::store::StoreError;

/// The channel the writer announces its commits on.
pub(super) const CHANNEL: &str = "vow_ledger";

/// The notification's text for the events `first..=last`.
pub(super) fn payload(first: u64, last: u64) -> String {
    format!("{first}:{last}")
}

fn parse(payload: &str) -> Option<(u64, u64)> {
    let (first, last) = payload.split_once(':')?;
    Some((first.parse().ok()?, last.parse().ok()?))
}

/// What a [`LedgerListener`] heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    /// Some process committed the events numbered `first..=last`.
    Appended { first: u64, last: u64 },
    /// The connection was lost and made again: what was announced
    /// meanwhile was not heard.
    Lost,
}

/// Listens for the appends of every process sharing a PostgreSQL store,
/// this one's included, on a connection of its own.
pub struct LedgerListener {
    listener: PgListener,
}

impl LedgerListener {
    /// Connects to the store at `url` and starts listening.
    pub async fn connect(url: &str) -> Result<LedgerListener, StoreError> {
        let mut listener = PgListener::connect(url).await?;
        listener.listen(CHANNEL).await?;
        Ok(LedgerListener { listener })
    }

    /// The next thing heard. An error means the connection is lost and
    /// could not be made again: drop the listener and connect later.
    ///
    /// Cancel-safe: a notification is not lost when the future is dropped
    /// before it completes.
    pub async fn next(&mut self) -> Result<Heard, StoreError> {
        loop {
            match self.listener.try_recv().await? {
                None => return Ok(Heard::Lost),
                Some(notification) => {
                    if let Some((first, last)) = parse(notification.payload()) {
                        return Ok(Heard::Appended { first, last });
                    }
                    // Not a vow writer's: nothing to go by.
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip() {
        assert_eq!(parse(&payload(7, 12)), Some((7, 12)));
        assert_eq!(parse("7"), None);
        assert_eq!(parse("x:1"), None);
    }
}
