//! The chain, its seals and the sealed head find every kind of tampering,
//! and the state rebuilt from the events is the state maintained as they
//! were written. Rows here are in memory; `store.rs` tampers in databases.

mod common;

use common::{event, kind_strategy, sample};
use proptest::prelude::*;
use vow_policy::Channel;
use vow_store::{
    EventKind, LedgerKey, SealedHead, StoredEvent, TamperKind, Verification, apply, chain, link,
    rebuild, verify,
};

fn key() -> LedgerKey {
    LedgerKey::from_hex(&"5e".repeat(32)).unwrap()
}

/// Another key: what someone without the ledger's key can seal with.
fn forger() -> LedgerKey {
    LedgerKey::from_hex(&"f0".repeat(32)).unwrap()
}

/// The rows and sealed head the store would have written.
fn sealed(events: Vec<vow_store::Event>) -> (Vec<StoredEvent>, SealedHead) {
    let key = key();
    let mut head = SealedHead::genesis(&key);
    let mut rows = Vec::new();
    for e in events {
        let e = link(head.seq, &head.hash, e);
        head = SealedHead::new(&key, e.seq, &e.hash);
        rows.push(StoredEvent::sealed(&key, e));
    }
    (rows, head)
}

fn check(rows: Vec<StoredEvent>, head: SealedHead) -> Verification {
    verify(&key(), Some(head), rows)
}

fn found(v: &Verification) -> Vec<(TamperKind, u64)> {
    v.tampering.iter().map(|t| (t.kind, t.seq)).collect()
}

#[test]
fn an_intact_ledger_verifies() {
    let (rows, head) = sealed(sample());
    let v = check(rows, head);
    assert!(v.intact(), "{v:?}");
    assert_eq!((v.events, v.head), (6, Some(6)));
    let (empty, genesis) = sealed(vec![]);
    assert!(check(empty, genesis).intact());
}

#[test]
fn a_changed_event_is_found() {
    let (mut rows, head) = sealed(sample());
    rows[2].event.kind = EventKind::PreferenceSet {
        channel: Channel::Sms,
        opted_out: false,
        communication: None,
    };
    let v = check(rows, head);
    assert_eq!(found(&v), vec![(TamperKind::Changed, 3)]);
    assert!(v.tampering[0].detail.contains("content was changed"));
    assert_eq!(v.tampering[0].id, "evt-2");
}

#[test]
fn a_recomputed_chain_is_found_by_its_seals() {
    let (mut rows, head) = sealed(sample());
    // Change event 2 and recompute every hash from there: the chain itself
    // is consistent again, but no seal matches.
    rows[1].event.kind = EventKind::MembershipStarted {
        membership: "staff".into(),
    };
    for i in 1..rows.len() {
        let prev = &rows[i - 1].event;
        let (seq, hash) = (prev.seq, prev.hash.clone());
        rows[i].event = link(seq, &hash, rows[i].event.clone());
        rows[i].seal = forger().seal_event(rows[i].event.seq, &rows[i].event.hash);
    }
    let v = check(rows, head);
    let changed: Vec<_> = (2..=6).map(|s| (TamperKind::Changed, s)).collect();
    assert_eq!(found(&v), changed);
    assert!(v.tampering[0].detail.contains("without the ledger key"));
}

#[test]
fn a_deleted_event_is_found() {
    let (mut rows, head) = sealed(sample());
    rows.remove(3);
    let v = check(rows, head);
    assert_eq!(found(&v), vec![(TamperKind::Deleted, 4)]);
    assert!(
        v.tampering[0].detail.contains("event 4 is missing"),
        "{v:?}"
    );
}

#[test]
fn a_deleted_tail_is_found_against_the_sealed_head() {
    let (mut rows, head) = sealed(sample());
    rows.truncate(3);
    let v = check(rows, head);
    assert_eq!(found(&v), vec![(TamperKind::Deleted, 4)]);
    let detail = &v.tampering[0].detail;
    assert!(
        detail.contains("events 4 to 6 are missing")
            && detail.contains("ends at event 3 but its sealed head is event 6"),
        "{detail}"
    );
}

#[test]
fn inserted_events_are_found() {
    let (mut rows, head) = sealed(sample());
    // Past the head, properly chained, sealed with another key.
    let last = rows.last().unwrap().event.clone();
    let extra = link(
        last.seq,
        &last.hash,
        event("evt-x", "alice", 9, EventKind::RestrictionLifted),
    );
    let mut forged = StoredEvent::sealed(&forger(), extra);
    rows.push(forged.clone());
    let v = check(rows.clone(), head.clone());
    assert_eq!(found(&v), vec![(TamperKind::Inserted, 7)]);
    assert!(v.tampering[0].detail.contains("past the sealed head"));
    // A second event 3, stored at a free position.
    rows.pop();
    let second = &rows[1].event;
    forged.event = link(
        second.seq,
        &second.hash.clone(),
        event("evt-y", "bob", 9, EventKind::RestrictionPlaced),
    );
    forged.id = "evt-y".into();
    forged.subject = "bob".into();
    forged.position = 100;
    rows.push(forged);
    let v = check(rows, head);
    assert_eq!(found(&v), vec![(TamperKind::Inserted, 3)]);
    assert_eq!(v.tampering[0].id, "evt-y");
}

#[test]
fn reordered_events_are_found() {
    let (mut rows, head) = sealed(sample());
    // Swap the events held at positions 2 and 5.
    let (a, b) = (rows[1].clone(), rows[4].clone());
    rows[1] = StoredEvent { position: 2, ..b };
    rows[4] = StoredEvent { position: 5, ..a };
    let v = check(rows, head);
    assert_eq!(
        found(&v),
        vec![(TamperKind::Reordered, 2), (TamperKind::Reordered, 5)]
    );
    assert!(v.tampering[0].detail.contains("event 2 is stored at 5"));
}

#[test]
fn a_changed_or_missing_head_is_found() {
    let (rows, head) = sealed(sample());
    let v = verify(&key(), None, rows.clone());
    assert_eq!(found(&v), vec![(TamperKind::Deleted, 0)]);
    // Rolled back to event 4, with a seal made without the key.
    let e4 = &rows[3].event;
    let rolled = SealedHead::new(&forger(), 4, &e4.hash);
    let v = verify(&key(), Some(rolled), rows.clone());
    assert_eq!(found(&v), vec![(TamperKind::Changed, 4)]);
    // An event's own seal does not pass for the head's.
    let reused = SealedHead {
        seal: rows[3].seal.clone(),
        ..SealedHead::new(&key(), 4, &e4.hash)
    };
    let v = verify(&key(), Some(reused), rows);
    assert_eq!(found(&v), vec![(TamperKind::Changed, 4)]);
    let _ = head;
}

#[test]
fn the_row_columns_must_agree_with_the_event() {
    let (mut rows, head) = sealed(sample());
    rows[0].subject = "mallory".into();
    let v = check(rows, head);
    assert_eq!(found(&v), vec![(TamperKind::Changed, 1)]);
    assert!(v.tampering[0].detail.contains("mallory"));
}

#[test]
fn state_follows_the_events() {
    let events: Vec<_> = sample()
        .into_iter()
        .scan(None, |prev: &mut Option<vow_store::Event>, e| {
            let e = chain(prev.as_ref(), e);
            *prev = Some(e.clone());
            Some(e)
        })
        .collect();
    let alice = rebuild("alice", &events);
    // Withdrawn after being given.
    assert!(!alice.consents["marketing"].given);
    assert_eq!(alice.legal_holds, vec!["case-9".to_owned()]);
    let bob = rebuild("bob", &events);
    assert_eq!(bob.memberships, vec!["student".to_owned()]);
    assert_eq!(bob.channel_opt_outs, vec![Channel::Sms]);
}

fn ledger(kinds: Vec<EventKind>) -> (Vec<StoredEvent>, SealedHead) {
    sealed(
        kinds
            .into_iter()
            .enumerate()
            .map(|(i, kind)| {
                let subject = if i % 3 == 0 { "alice" } else { "bob" };
                event(&format!("evt-{i}"), subject, i as i64, kind)
            })
            .collect(),
    )
}

proptest! {
    /// The name logs and metrics give an event is its serialised type.
    #[test]
    fn an_event_kind_is_named_as_serialised(kind in kind_strategy()) {
        let value = serde_json::to_value(&kind).unwrap();
        prop_assert_eq!(value["type"].as_str(), Some(kind.name()));
    }

    /// Rebuilding a subject's state from the events gives the state that was
    /// maintained event by event as they were written.
    #[test]
    fn rebuilding_gives_the_same_state(kinds in prop::collection::vec(kind_strategy(), 0..40)) {
        let (rows, head) = ledger(kinds);
        let events: Vec<_> = rows.iter().map(|r| r.event.clone()).collect();
        let mut live = vow_engine::SubjectState::default();
        for e in events.iter().filter(|e| e.subject == "bob") {
            apply(&mut live, e);
        }
        prop_assert_eq!(rebuild("bob", &events), live);
        prop_assert!(check(rows, head).intact());
    }

    /// Any single changed, deleted, swapped or forged event is found, and
    /// named by its number.
    #[test]
    fn any_single_tampering_is_found(kinds in prop::collection::vec(kind_strategy(), 3..30), at in any::<prop::sample::Index>(), how in 0u8..4) {
        let (mut rows, head) = ledger(kinds);
        let i = at.index(rows.len() - 1);
        let seq = rows[i].event.seq;
        let expected = match how {
            0 => { rows[i].event.at += chrono::Duration::seconds(1); (TamperKind::Changed, seq) }
            1 => { rows.remove(i); (TamperKind::Deleted, seq) }
            2 => {
                let (a, b) = (rows[i].position, rows[i + 1].position);
                rows.swap(i, i + 1);
                (rows[i].position, rows[i + 1].position) = (a, b);
                (TamperKind::Reordered, seq)
            }
            _ => {
                rows[i].event.at += chrono::Duration::seconds(1);
                rows[i].event.hash = rows[i].event.compute_hash();
                rows[i].seal = forger().seal_event(seq, &rows[i].event.hash);
                (TamperKind::Changed, seq)
            }
        };
        let v = check(rows, head);
        prop_assert!(found(&v).contains(&expected), "{:?}", v);
    }
}
