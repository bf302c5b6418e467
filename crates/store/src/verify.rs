//! Verification: reads the stored ledger once, in storage order, and names
//! every event that was changed, deleted, inserted or reordered.
//!
//! An event row is *authentic* when its content matches its hash and its
//! seal matches `(seq, hash)` under the ledger key: only the store, holding
//! the key, could have written it. Everything else follows from that and
//! from the sealed head (how many events there should be):
//!
//! - content that does not match its hash, or id and subject columns that
//!   disagree with the event: **changed**;
//! - a consistent event without a valid seal (the chain was recomputed
//!   without the key): **inserted** when its number is past the sealed head
//!   or taken by an authentic event, else **changed** (it replaced one);
//! - an authentic event stored at another position than its number:
//!   **reordered** (the storage position is the `seq` column, which a
//!   deletion leaves alone);
//! - numbers up to the sealed head that no row holds: **deleted**, the tail
//!   included.
//!
//! One pass, O(n) time; memory is a bit per event plus the findings. The
//! [`Verifier`] does no I/O: the stores feed it pages of rows.

use serde::Serialize;

use crate::key::LedgerKey;
use crate::ledger::{Event, GENESIS};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TamperKind {
    /// The event's content, or its hash, no longer is what was written.
    Changed,
    /// Events are missing.
    Deleted,
    /// An event that does not belong to the chain was added.
    Inserted,
    /// An event is stored out of its place.
    Reordered,
}

/// A place where the ledger was tampered with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tamper {
    pub kind: TamperKind,
    /// The event concerned (for deleted events, the first one missing; 0
    /// for the head row itself).
    pub seq: u64,
    /// Its id, when a row holds it (empty for a missing event).
    pub id: String,
    /// What was found, in a sentence.
    pub detail: String,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verification {
    /// Rows read from the ledger.
    pub events: u64,
    /// The sealed head: the number of the last event written, when the head
    /// row is there.
    pub head: Option<u64>,
    /// Every tampering found, by event number. Empty: the ledger is intact.
    pub tampering: Vec<Tamper>,
}

impl Verification {
    pub fn intact(&self) -> bool {
        self.tampering.is_empty()
    }
}

/// A ledger row as stored: the event in its body, and the columns beside it.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// Its storage position (the `seq` column).
    pub position: i64,
    /// The `id` and `subject` columns (indexes are queried on them).
    pub id: String,
    pub subject: String,
    pub event: Event,
    pub seal: String,
}

impl StoredEvent {
    /// The row the store writes for `event`, already linked.
    pub fn sealed(key: &LedgerKey, event: Event) -> StoredEvent {
        StoredEvent {
            position: event.seq as i64,
            id: event.id.clone(),
            subject: event.subject.clone(),
            seal: key.seal_event(event.seq, &event.hash),
            event,
        }
    }
}

/// The head row: the last event's number and hash, and their seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedHead {
    pub seq: u64,
    pub hash: String,
    pub seal: String,
}

impl SealedHead {
    pub fn new(key: &LedgerKey, seq: u64, hash: &str) -> SealedHead {
        SealedHead {
            seq,
            hash: hash.to_owned(),
            seal: key.seal_head(seq, hash),
        }
    }

    /// The head of an empty ledger.
    pub fn genesis(key: &LedgerKey) -> SealedHead {
        SealedHead::new(key, 0, GENESIS)
    }
}

/// Checks a ledger fed to it row by row, in storage order.
pub struct Verifier<'k> {
    key: &'k LedgerKey,
    head: Option<SealedHead>,
    rows: u64,
    authentic: SeqSet,
    max_authentic: u64,
    /// The last authentic event read: its successor must link to it.
    last: Option<(u64, String)>,
    /// Consistent events without a valid seal, classified at the end.
    forged: Vec<(u64, String)>,
    /// Numbers held by rows that are not authentic (not missing, though
    /// not intact either).
    held: Vec<u64>,
    found: Vec<Tamper>,
}

impl<'k> Verifier<'k> {
    /// `head` is the stored head row, `None` when it is missing.
    pub fn new(key: &'k LedgerKey, head: Option<SealedHead>) -> Verifier<'k> {
        Verifier {
            key,
            head,
            rows: 0,
            authentic: SeqSet::default(),
            max_authentic: 0,
            last: None,
            forged: Vec::new(),
            held: Vec::new(),
            found: Vec::new(),
        }
    }

    /// Rows read so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// A row whose body is not a ledger event at all.
    pub fn push_unreadable(&mut self, position: i64, id: &str, error: &str) {
        self.rows += 1;
        self.report(
            TamperKind::Changed,
            u64::try_from(position).unwrap_or(0),
            id,
            format!(
                "the row stored at {position} is not a readable event ({error}): it was changed"
            ),
        );
    }

    pub fn push(&mut self, row: StoredEvent) {
        self.rows += 1;
        let e = &row.event;
        if row.id != e.id || row.subject != e.subject {
            self.held.push(e.seq);
            let detail = format!(
                "the row of event {} says id `{}` and subject `{}`, its event says `{}` and `{}`: the row was changed",
                e.seq, row.id, row.subject, e.id, e.subject
            );
            return self.report(TamperKind::Changed, e.seq, &e.id, detail);
        }
        if e.compute_hash() != e.hash {
            self.held.push(e.seq);
            let detail = format!(
                "event {} does not match its hash: its content was changed",
                e.seq
            );
            return self.report(TamperKind::Changed, e.seq, &e.id, detail);
        }
        if !self.key.verify_event(e.seq, &e.hash, &row.seal) {
            self.forged.push((e.seq, e.id.clone()));
            return;
        }
        if !self.authentic.insert(e.seq) {
            let detail = format!(
                "a copy of event {} was inserted (stored at {})",
                e.seq, row.position
            );
            return self.report(TamperKind::Inserted, e.seq, &e.id, detail);
        }
        self.max_authentic = self.max_authentic.max(e.seq);
        let expected_prev = match &self.last {
            Some((seq, hash)) if seq + 1 == e.seq => Some(hash.as_str()),
            _ if e.seq == 1 => Some(GENESIS),
            _ => None,
        };
        if row.position != e.seq as i64 {
            let detail = format!(
                "event {} is stored at {}: the events were reordered",
                e.seq, row.position
            );
            self.report(TamperKind::Reordered, e.seq, &e.id, detail);
        } else if expected_prev.is_some_and(|prev| prev != e.prev_hash) {
            let detail = format!(
                "event {} does not follow event {} of this ledger, though both are sealed: it was copied from another ledger sealed with the same key",
                e.seq,
                e.seq - 1
            );
            self.report(TamperKind::Changed, e.seq, &e.id, detail);
        }
        self.last = Some((e.seq, e.hash.clone()));
    }

    /// The findings, by event number.
    pub fn finish(mut self) -> Verification {
        // How many events there should be, as far as the head can be trusted.
        let head = self.head.take();
        let sealed = match &head {
            None => {
                self.report(
                    TamperKind::Deleted,
                    0,
                    "",
                    "the ledger's sealed head row is missing: it was deleted".to_owned(),
                );
                None
            }
            Some(h) if !self.key.verify_head(h.seq, &h.hash, &h.seal) => {
                let detail = format!(
                    "the sealed head (event {}) does not carry the ledger's seal: the head row was changed",
                    h.seq
                );
                self.report(TamperKind::Changed, h.seq, "", detail);
                None
            }
            Some(h) => {
                if self.max_authentic > h.seq {
                    let detail = format!(
                        "the sealed head says event {} is the last, but sealed events up to {} are stored: the head row was rolled back",
                        h.seq, self.max_authentic
                    );
                    self.report(TamperKind::Changed, h.seq, "", detail);
                }
                Some(h.seq)
            }
        };
        let claimed = head.as_ref().map_or(self.max_authentic, |h| h.seq);
        for (seq, id) in std::mem::take(&mut self.forged) {
            let (kind, detail) = if seq > claimed {
                (
                    TamperKind::Inserted,
                    format!(
                        "event {seq} is past the sealed head (event {claimed}) and carries no valid seal: it was inserted"
                    ),
                )
            } else if self.authentic.contains(seq) {
                (
                    TamperKind::Inserted,
                    format!("a second event {seq} without a valid seal was inserted"),
                )
            } else {
                self.held.push(seq);
                (
                    TamperKind::Changed,
                    format!(
                        "event {seq} carries no valid seal: it was replaced, its hash recomputed without the ledger key"
                    ),
                )
            };
            self.report(kind, seq, &id, detail);
        }
        let last = sealed.unwrap_or(self.max_authentic);
        let mut present = std::mem::take(&mut self.authentic);
        for seq in std::mem::take(&mut self.held) {
            if seq <= last {
                present.insert(seq);
            }
        }
        for (from, to) in present.gaps(last) {
            let what = if from == to {
                format!("event {from} is missing")
            } else {
                format!("events {from} to {to} are missing")
            };
            let detail = if to == last && sealed.is_some() {
                format!(
                    "{what}: the ledger ends at event {} but its sealed head is event {last}; they were deleted",
                    from - 1
                )
            } else {
                format!("{what}: deleted")
            };
            self.report(TamperKind::Deleted, from, "", detail);
        }
        self.found.sort_by_key(|t| t.seq);
        Verification {
            events: self.rows,
            head: head.map(|h| h.seq),
            tampering: self.found,
        }
    }

    fn report(&mut self, kind: TamperKind, seq: u64, id: &str, detail: String) {
        self.found.push(Tamper {
            kind,
            seq,
            id: id.to_owned(),
            detail,
        });
    }
}

/// Checks a whole ledger held in memory (tests, small exports).
pub fn verify(
    key: &LedgerKey,
    head: Option<SealedHead>,
    rows: impl IntoIterator<Item = StoredEvent>,
) -> Verification {
    let mut verifier = Verifier::new(key, head);
    for row in rows {
        verifier.push(row);
    }
    verifier.finish()
}

/// A set of event numbers from 1, a bit each.
#[derive(Default)]
struct SeqSet(Vec<u64>);

impl SeqSet {
    /// Adds `seq`; `false` when it was there already.
    fn insert(&mut self, seq: u64) -> bool {
        let (word, bit) = ((seq / 64) as usize, seq % 64);
        if word >= self.0.len() {
            self.0.resize(word + 1, 0);
        }
        let had = self.0[word] & (1 << bit) != 0;
        self.0[word] |= 1 << bit;
        !had
    }

    fn contains(&self, seq: u64) -> bool {
        self.0
            .get((seq / 64) as usize)
            .is_some_and(|w| w & (1 << (seq % 64)) != 0)
    }

    /// The runs of numbers in `1..=last` that are not in the set.
    fn gaps(&self, last: u64) -> Vec<(u64, u64)> {
        let mut gaps = Vec::new();
        let mut start = None;
        let mut seq = 1;
        while seq <= last {
            let word = self.0.get((seq / 64) as usize).copied().unwrap_or(0);
            if seq % 64 == 0 && start.is_none() && word == u64::MAX {
                seq += 64;
                continue;
            }
            match (self.contains(seq), start) {
                (false, None) => start = Some(seq),
                (true, Some(from)) => {
                    gaps.push((from, seq - 1));
                    start = None;
                }
                _ => {}
            }
            seq += 1;
        }
        if let Some(from) = start {
            gaps.push((from, last));
        }
        gaps
    }
}

#[cfg(test)]
mod tests {
    use super::SeqSet;

    #[test]
    fn gaps_are_the_missing_runs() {
        let mut set = SeqSet::default();
        for seq in (1..=300).filter(|s| !(5..=7).contains(s) && *s != 200) {
            assert!(set.insert(seq));
        }
        assert!(!set.insert(3));
        assert_eq!(set.gaps(300), vec![(5, 7), (200, 200)]);
        assert_eq!(set.gaps(310), vec![(5, 7), (200, 200), (301, 310)]);
        assert_eq!(SeqSet::default().gaps(0), vec![]);
    }
}
