//! Events and event kinds for the store's tests.

#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use vow_policy::Channel;
use vow_store::{Actor, ActorKind, Event, EventKind, EventSource, IdentityKind};

/// An unlinked event (`seq`, `prev_hash` and `hash` are set by the ledger).
pub fn event(id: &str, subject: &str, minute: i64, kind: EventKind) -> Event {
    Event {
        seq: 0,
        id: id.to_owned(),
        subject: subject.to_owned(),
        at: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap() + chrono::Duration::minutes(minute),
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

pub fn consent(id: &str, subject: &str, purpose: &str) -> Event {
    event(
        id,
        subject,
        0,
        EventKind::ConsentGiven {
            purpose: purpose.into(),
            until: None,
        },
    )
}

/// Six events for two subjects: alice consents, withdraws and is put
/// under a hold; bob joins, opts out of SMS and is disclosed to a CRM.
pub fn sample() -> Vec<Event> {
    let kinds = vec![
        EventKind::ConsentGiven {
            purpose: "marketing".into(),
            until: None,
        },
        EventKind::MembershipStarted {
            membership: "student".into(),
        },
        EventKind::PreferenceSet {
            channel: Channel::Sms,
            opted_out: true,
            communication: None,
        },
        EventKind::ConsentWithdrawn {
            purpose: "marketing".into(),
        },
        EventKind::HoldPlaced {
            hold: "case-9".into(),
        },
        EventKind::DisclosureRecorded {
            recipient: "crm".into(),
            purpose: "support".into(),
            categories: vec!["user.contact.email".into()],
        },
    ];
    kinds
        .into_iter()
        .zip(["alice", "bob", "bob", "alice", "alice", "bob"])
        .enumerate()
        .map(|(i, (kind, subject))| event(&format!("evt-{i}"), subject, i as i64, kind))
        .collect()
}

pub fn kind_strategy() -> impl Strategy<Value = EventKind> {
    let purpose = prop::sample::select(vec!["marketing", "analytics", "support"]);
    let membership = prop::sample::select(vec!["student", "staff"]);
    let hold = prop::sample::select(vec!["case-1", "case-2"]);
    prop_oneof![
        (purpose.clone(), prop::option::of(0i64..4_000_000_000)).prop_map(|(p, until)| {
            EventKind::ConsentGiven {
                purpose: p.into(),
                until: until.and_then(|s| chrono::DateTime::from_timestamp(s, 0)),
            }
        }),
        purpose
            .clone()
            .prop_map(|p| EventKind::ConsentWithdrawn { purpose: p.into() }),
        (
            prop::sample::select(vec![Channel::Email, Channel::Sms]),
            any::<bool>()
        )
            .prop_map(|(channel, opted_out)| EventKind::PreferenceSet {
                channel,
                opted_out,
                communication: None
            }),
        (
            prop::sample::select(vec![Channel::Email, Channel::Sms]),
            any::<bool>(),
            prop::sample::select(vec!["surveys", "business_updates"]),
        )
            .prop_map(|(channel, opted_out, c)| EventKind::PreferenceSet {
                channel,
                opted_out,
                communication: Some(c.into()),
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
        purpose.clone().prop_map(|p| EventKind::ObjectionRecorded {
            purpose: Some(p.into())
        }),
        Just(EventKind::ObjectionRecorded { purpose: None }),
        hold.clone()
            .prop_map(|h| EventKind::HoldPlaced { hold: h.into() }),
        hold.prop_map(|h| EventKind::HoldReleased { hold: h.into() }),
        (prop::sample::select(vec!["mum", "dad"]), any::<bool>()).prop_map(
            |(guardian, verified)| EventKind::GuardianLinked {
                guardian: guardian.into(),
                verified
            }
        ),
        prop::sample::select(vec!["mum", "dad"]).prop_map(|guardian| {
            EventKind::GuardianUnlinked {
                guardian: guardian.into(),
            }
        }),
        (
            prop::sample::select(vec![IdentityKind::Email, IdentityKind::Browser]),
            prop::sample::select(vec!["d1", "d2"]),
            any::<bool>()
        )
            .prop_map(|(identity, digest, linked)| if linked {
                EventKind::IdentityLinked {
                    identity,
                    value: digest.into(),
                }
            } else {
                EventKind::IdentityUnlinked {
                    identity,
                    value: digest.into(),
                }
            }),
        Just(EventKind::PurchaseRecorded),
        Just(EventKind::SubjectErased),
    ]
}
