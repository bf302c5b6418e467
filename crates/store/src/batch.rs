//! Group commit, the pure part: what one batch of appends writes.
//!
//! The writer task (in [`crate::sql`]) collects the appends queued by many
//! callers, reads the chain head, the events already stored under the
//! batch's ids and the touched subjects' states, and asks [`plan`] what to
//! write. Each caller's request is judged alone: a retry is answered with
//! the stored events, a conflicting id fails that request only (all of its
//! events, none written), and the others are linked to the chain in order.

use std::collections::{BTreeSet, HashMap};

use vow_engine::SubjectState;

use crate::key::LedgerKey;
use crate::ledger::{Event, link};
use crate::materialise::apply;
use crate::store::StoreError;
use crate::verify::{SealedHead, StoredEvent};

/// A subject's materialised state row.
#[derive(Debug, Clone, PartialEq)]
pub struct StateRow {
    pub state: SubjectState,
    pub last_seq: u64,
    pub events: u64,
}

/// What a batch writes, and what each request is answered.
#[derive(Debug)]
pub struct Plan {
    /// The new rows, linked and sealed, in chain order.
    pub rows: Vec<StoredEvent>,
    /// The new state of every subject that has a new event, by subject.
    pub states: Vec<(String, StateRow)>,
    /// The new head (unchanged when nothing is new).
    pub head: SealedHead,
    /// One answer per request, in order.
    pub answers: Vec<Result<Vec<Event>, StoreError>>,
}

/// Links the batch's `requests` after `head`. `stored` holds the stored
/// events under the batch's ids, `states` the touched subjects' stored
/// states (absent: a new subject).
pub fn plan(
    key: &LedgerKey,
    head: &SealedHead,
    mut stored: HashMap<String, Event>,
    mut states: HashMap<String, StateRow>,
    requests: &[Vec<Event>],
) -> Plan {
    let (mut seq, mut hash) = (head.seq, head.hash.clone());
    let mut rows = Vec::new();
    let mut touched = BTreeSet::new();
    let mut answers = Vec::with_capacity(requests.len());
    for request in requests {
        // Judged before anything is linked, so a failed request leaves no trace.
        let mut first: HashMap<&str, &Event> = HashMap::new();
        let conflict = request.iter().find(|event| {
            match stored
                .get(&event.id)
                .or_else(|| first.get(event.id.as_str()).copied())
            {
                Some(earlier) => !earlier.same_content(event),
                None => {
                    first.insert(&event.id, event);
                    false
                }
            }
        });
        if let Some(event) = conflict {
            answers.push(Err(StoreError::Conflict(format!(
                "event `{}` is already recorded with different content: an event id may be reused only to retry the same event",
                event.id
            ))));
            continue;
        }
        let mut linked = Vec::with_capacity(request.len());
        for event in request {
            // A retry, or a second copy within the request, gets the first back.
            if let Some(before) = stored.get(&event.id) {
                linked.push(before.clone());
                continue;
            }
            let event = link(seq, &hash, event.clone());
            (seq, hash) = (event.seq, event.hash.clone());
            let row = states
                .entry(event.subject.clone())
                .or_insert_with(|| StateRow {
                    state: SubjectState::default(),
                    last_seq: 0,
                    events: 0,
                });
            apply(&mut row.state, &event);
            row.last_seq = event.seq;
            row.events += 1;
            touched.insert(event.subject.clone());
            rows.push(StoredEvent::sealed(key, event.clone()));
            stored.insert(event.id.clone(), event.clone());
            linked.push(event);
        }
        answers.push(Ok(linked));
    }
    let states = touched
        .into_iter()
        .map(|subject| {
            let row = states
                .remove(&subject)
                .expect("a touched subject has a state");
            (subject, row)
        })
        .collect();
    let head = if rows.is_empty() {
        head.clone()
    } else {
        SealedHead::new(key, seq, &hash)
    };
    Plan {
        rows,
        states,
        head,
        answers,
    }
}

/// Checks what the store will not hold, before an event joins a batch.
pub fn admissible(event: &Event) -> Result<(), StoreError> {
    for (what, value) in [("id", &event.id), ("subject", &event.subject)] {
        if value.is_empty() || value.len() > 512 || value.chars().any(char::is_control) {
            return Err(StoreError::Invalid(format!(
                "an event's {what} must be 1 to 512 bytes without control characters; got {value:?}"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Actor, ActorKind, EventKind, EventSource};

    fn event(id: &str, subject: &str, purpose: &str) -> Event {
        Event {
            seq: 0,
            id: id.into(),
            subject: subject.into(),
            at: chrono::DateTime::UNIX_EPOCH,
            actor: Actor {
                kind: ActorKind::Subject,
                id: subject.into(),
            },
            source: EventSource::default(),
            policy_version: "1".into(),
            kind: EventKind::ConsentGiven {
                purpose: purpose.into(),
                until: None,
            },
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn a_conflict_fails_only_its_request() {
        let key = LedgerKey::from_hex(&"07".repeat(32)).unwrap();
        let old = link(0, crate::ledger::GENESIS, event("old", "a", "x"));
        let head = SealedHead::new(&key, 1, &old.hash);
        let stored = HashMap::from([("old".to_owned(), old)]);
        let plan = plan(
            &key,
            &head,
            stored,
            HashMap::new(),
            &[
                vec![event("e1", "a", "x")],
                // "old" with other content: this request fails whole.
                vec![event("e2", "b", "y"), event("old", "a", "changed")],
                vec![event("e3", "b", "y"), event("e3", "b", "y")],
                vec![event("old", "a", "x")],
            ],
        );
        let seqs: Vec<u64> = plan.rows.iter().map(|r| r.event.seq).collect();
        assert_eq!(seqs, vec![2, 3]);
        assert!(plan.answers[0].is_ok());
        assert!(matches!(&plan.answers[1], Err(StoreError::Conflict(m)) if m.contains("`old`")));
        let twice = plan.answers[2].as_ref().unwrap();
        assert_eq!((twice[0].seq, twice[1].seq), (3, 3));
        assert_eq!(plan.answers[3].as_ref().unwrap()[0].seq, 1);
        assert_eq!(plan.head.seq, 3);
        assert_eq!(plan.rows[1].event.prev_hash, plan.rows[0].event.hash);
        let subjects: Vec<&str> = plan.states.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(subjects, vec!["a", "b"]);
        assert_eq!(plan.states[1].1.events, 1);
    }

    #[test]
    fn ids_and_subjects_are_checked() {
        assert!(admissible(&event("e", "s", "p")).is_ok());
        assert!(admissible(&event("", "s", "p")).is_err());
        assert!(admissible(&event("e", "a\0b", "p")).is_err());
        assert!(admissible(&event(&"x".repeat(513), "s", "p")).is_err());
    }
}
