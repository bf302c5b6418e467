//! The hash chain finds every kind of tampering, and the state rebuilt from
//! the events is the state maintained as they were written.

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use vow_policy::Channel;
use vow_store::{
    Actor, ActorKind, Event, EventKind, EventSource, TamperKind, apply, chain, rebuild, verify,
};

fn event(i: u64, subject: &str, kind: EventKind) -> Event {
    Event {
        seq: 0,
        id: format!("evt-{i}"),
        subject: subject.to_owned(),
        at: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
            + chrono::Duration::minutes(i as i64),
        actor: Actor {
            kind: ActorKind::Subject,
            id: subject.to_owned(),
        },
        // promise: SHOP-07 — an off-line withdrawal would carry its evidence here
        source: EventSource {
            channel: "banner".into(),
            document_version: Some("banner-3".into()),
            text_hash: Some("ab12".into()),
            ip: Some("192.0.2.0".into()),
            ..Default::default()
        },
        policy_version: "2026-11".into(),
        kind,
        prev_hash: String::new(),
        hash: String::new(),
    }
}

fn ledger(kinds: Vec<EventKind>) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    for (i, kind) in kinds.into_iter().enumerate() {
        let subject = if i % 3 == 0 { "alice" } else { "bob" };
        let e = chain(out.last(), event(i as u64, subject, kind));
        out.push(e);
    }
    out
}

fn sample() -> Vec<Event> {
    ledger(vec![
        EventKind::ConsentGiven {
            purpose: "marketing".into(),
        },
        EventKind::MembershipStarted {
            membership: "licensed_institution".into(),
        },
        EventKind::PreferenceSet {
            channel: Channel::Sms,
            opted_out: true,
        },
        EventKind::ConsentWithdrawn {
            purpose: "marketing".into(),
        },
        EventKind::HoldPlaced {
            hold: "case-1".into(),
        },
        EventKind::DisclosureRecorded {
            recipient: "crm".into(),
            purpose: "support".into(),
            categories: vec!["user.contact.email".into()],
        },
    ])
}

fn kinds(found: &[vow_store::Tamper]) -> Vec<TamperKind> {
    found.iter().map(|t| t.kind).collect()
}

#[test]
fn an_intact_ledger_verifies() {
    assert!(verify(&sample()).is_empty());
}

#[test]
fn a_changed_event_is_found() {
    let mut events = sample();
    events[2].kind = EventKind::PreferenceSet {
        channel: Channel::Sms,
        opted_out: false,
    };
    let found = verify(&events);
    assert_eq!(found[0].seq, 3);
    assert_eq!(found[0].kind, TamperKind::Changed);
    // Recomputing the changed event's hash moves the break to the next event.
    events[2].hash = events[2].compute_hash();
    let found = verify(&events);
    assert_eq!((found[0].seq, found[0].kind), (4, TamperKind::Changed));
}

#[test]
fn a_deleted_event_is_found() {
    let mut events = sample();
    events.remove(3);
    let found = verify(&events);
    assert_eq!(kinds(&found), vec![TamperKind::Deleted]);
    assert!(found[0].detail.contains("events 4 to 4"));
}

#[test]
fn an_inserted_event_is_found() {
    let mut events = sample();
    let forged = chain(
        Some(&events[1]),
        event(
            99,
            "alice",
            EventKind::ConsentGiven {
                purpose: "sale".into(),
            },
        ),
    );
    events.insert(2, forged);
    let found = verify(&events);
    assert!(kinds(&found).contains(&TamperKind::Inserted), "{found:?}");
}

#[test]
fn reordered_events_are_found() {
    let mut events = sample();
    events.swap(1, 4);
    let found = verify(&events);
    assert!(kinds(&found).contains(&TamperKind::Reordered), "{found:?}");
}

#[test]
fn state_follows_the_events() {
    let events = sample();
    let alice = rebuild("alice", &events);
    // Withdrawn after being given.
    assert!(!alice.consents["marketing"].given);
    let bob = rebuild("bob", &events);
    assert_eq!(bob.legal_holds, vec!["case-1".to_owned()]);
    assert_eq!(bob.memberships, vec!["licensed_institution".to_owned()]);
    assert_eq!(bob.channel_opt_outs, vec![Channel::Sms]);
}

fn kind_strategy() -> impl Strategy<Value = EventKind> {
    let purpose = prop::sample::select(vec!["marketing", "analytics", "support"]);
    let membership = prop::sample::select(vec!["student", "staff"]);
    prop_oneof![
        purpose
            .clone()
            .prop_map(|p| EventKind::ConsentGiven { purpose: p.into() }),
        purpose
            .clone()
            .prop_map(|p| EventKind::ConsentWithdrawn { purpose: p.into() }),
        any::<bool>().prop_map(|o| EventKind::PreferenceSet {
            channel: Channel::Email,
            opted_out: o
        }),
        membership
            .clone()
            .prop_map(|m| EventKind::MembershipStarted {
                membership: m.into()
            }),
        membership.prop_map(|m| EventKind::MembershipEnded {
            membership: m.into()
        }),
        Just(EventKind::RestrictionPlaced),
        Just(EventKind::RestrictionLifted),
        purpose.prop_map(|p| EventKind::ObjectionRecorded {
            purpose: Some(p.into())
        }),
        Just(EventKind::PurchaseRecorded),
    ]
}

proptest! {
    /// Rebuilding a subject's state from the events gives the state that was
    /// maintained event by event as they were written.
    #[test]
    fn rebuilding_gives_the_same_state(kinds in prop::collection::vec(kind_strategy(), 0..40)) {
        let events = ledger(kinds);
        let mut live = vow_engine::SubjectState::default();
        for e in events.iter().filter(|e| e.subject == "bob") {
            apply(&mut live, e);
        }
        prop_assert_eq!(rebuild("bob", &events), live);
        prop_assert!(verify(&events).is_empty());
    }

    /// Any single changed, deleted or swapped event is found.
    #[test]
    fn any_single_tampering_is_found(kinds in prop::collection::vec(kind_strategy(), 3..30), at in any::<prop::sample::Index>(), how in 0u8..3) {
        let mut events = ledger(kinds);
        let i = at.index(events.len() - 1);
        match how {
            0 => events[i].at += chrono::Duration::seconds(1),
            1 => { events.remove(i); }
            _ => events.swap(i, i + 1),
        }
        prop_assert!(!verify(&events).is_empty());
    }
}
