//! The subject state the engine decides on, materialised from the ledger:
//! [`apply`] one event at a time as it is written, or [`rebuild`] from all
//! of a subject's events. Both give the same state.

use vow_engine::{CommunicationOptOut, ConsentRecord, SubjectState};

use crate::ledger::{Event, EventKind};

/// Applies one event to a subject's state.
pub fn apply(state: &mut SubjectState, event: &Event) {
    match &event.kind {
        EventKind::ConsentGiven { purpose, .. } | EventKind::ConsentWithdrawn { purpose } => {
            let (given, until) = match event.kind {
                EventKind::ConsentGiven { until, .. } => (true, until),
                _ => (false, None),
            };
            // A consent given anew is a relationship begun again.
            state.erased &= !given;
            state.consents.insert(
                purpose.clone(),
                ConsentRecord {
                    given,
                    at: event.at,
                    policy_version: event.policy_version.clone(),
                    until,
                },
            );
        }
        EventKind::PreferenceSet {
            channel,
            opted_out,
            communication: None,
        } => {
            state.channel_opt_outs.retain(|c| c != channel);
            if *opted_out {
                state.channel_opt_outs.push(*channel);
            }
        }
        EventKind::PreferenceSet {
            channel,
            opted_out,
            communication: Some(communication),
        } => {
            let this = |o: &CommunicationOptOut| {
                o.channel == *channel && &o.communication == communication
            };
            state.communication_opt_outs.retain(|o| !this(o));
            if *opted_out {
                state.communication_opt_outs.push(CommunicationOptOut {
                    communication: communication.clone(),
                    channel: *channel,
                });
            }
        }
        EventKind::MembershipStarted { membership } => {
            state.erased = false;
            if !state.memberships.contains(membership) {
                state.memberships.push(membership.clone());
            }
        }
        EventKind::MembershipEnded { membership } => state.memberships.retain(|m| m != membership),
        // The latest word on each guardian stands: a link recorded again
        // unverified, or ended, no longer counts as a verified consent.
        EventKind::GuardianLinked { guardian, verified } => {
            state.guardians.retain(|g| g != guardian);
            if *verified {
                state.guardians.push(guardian.clone());
                state.parental_consent_verified = true;
            } else {
                state.parental_consent_verified = !state.guardians.is_empty();
            }
        }
        EventKind::GuardianUnlinked { guardian } => {
            state.guardians.retain(|g| g != guardian);
            state.parental_consent_verified = !state.guardians.is_empty();
        }
        EventKind::AttributesSet {
            jurisdiction,
            birth_date,
            kind,
            attributes,
        } => {
            for (name, value) in attributes {
                match value {
                    Some(v) => {
                        state.attributes.insert(name.clone(), v.clone());
                    }
                    None => {
                        state.attributes.remove(name);
                    }
                }
            }
            if jurisdiction.is_some() {
                state.jurisdiction.clone_from(jurisdiction);
            }
            if birth_date.is_some() {
                state.birth_date = *birth_date;
            }
            if kind.is_some() {
                state.kind.clone_from(kind);
            }
        }
        EventKind::PurchaseRecorded => {
            state.customer = true;
            state.erased = false;
        }
        // The basis for processing goes; what limits processing stays
        // (objections, opt-outs, holds, a restriction), and so do the
        // jurisdiction, birth date and kind the law's protections follow.
        EventKind::SubjectErased => {
            state.consents.clear();
            state.customer = false;
            state.memberships.clear();
            state.guardians.clear();
            state.parental_consent_verified = false;
            state.erased = true;
        }
        EventKind::RestrictionPlaced => state.restricted = true,
        EventKind::RestrictionLifted => state.restricted = false,
        EventKind::ObjectionRecorded { purpose: Some(p) } => {
            if !state.objections.contains(p) {
                state.objections.push(p.clone());
            }
        }
        EventKind::ObjectionRecorded { purpose: None } => state.objects_to_direct_marketing = true,
        EventKind::HoldPlaced { hold } => {
            if !state.legal_holds.contains(hold) {
                state.legal_holds.push(hold.clone());
            }
        }
        EventKind::HoldReleased { hold } => state.legal_holds.retain(|h| h != hold),
        // Records that change no decision input.
        EventKind::DisclosureRecorded { .. }
        | EventKind::IdentityLinked { .. }
        | EventKind::IdentityUnlinked { .. }
        | EventKind::NoticeSent { .. }
        | EventKind::Request { .. } => {}
    }
}

/// The state of `subject` from the whole ledger.
pub fn rebuild<'e>(subject: &str, events: impl IntoIterator<Item = &'e Event>) -> SubjectState {
    let mut state = SubjectState::default();
    for e in events.into_iter().filter(|e| e.subject == subject) {
        apply(&mut state, e);
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Actor, ActorKind, EventSource};
    use std::collections::BTreeMap;
    use vow_policy::Channel;

    fn event(kind: EventKind) -> Event {
        Event {
            seq: 0,
            id: "e".into(),
            subject: "ada".into(),
            at: chrono::DateTime::UNIX_EPOCH,
            actor: Actor {
                kind: ActorKind::Subject,
                id: "ada".into(),
            },
            source: EventSource::default(),
            policy_version: "1".into(),
            kind,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn an_erasure_drops_the_basis_and_keeps_the_limits_until_a_new_relationship() {
        let before = [
            EventKind::AttributesSet {
                jurisdiction: Some("GB".into()),
                birth_date: None,
                kind: Some("parent".into()),
                attributes: BTreeMap::new(),
            },
            EventKind::ConsentGiven {
                purpose: "news".into(),
                until: None,
            },
            EventKind::PurchaseRecorded,
            EventKind::MembershipStarted {
                membership: "club".into(),
            },
            EventKind::GuardianLinked {
                guardian: "mum".into(),
                verified: true,
            },
            EventKind::ObjectionRecorded { purpose: None },
            EventKind::PreferenceSet {
                channel: Channel::Sms,
                opted_out: true,
                communication: None,
            },
            EventKind::HoldPlaced { hold: "tax".into() },
            EventKind::SubjectErased,
        ];
        let mut state = SubjectState::default();
        for kind in before {
            apply(&mut state, &event(kind));
        }
        let expected = SubjectState {
            jurisdiction: Some("GB".into()),
            kind: Some("parent".into()),
            objects_to_direct_marketing: true,
            channel_opt_outs: vec![Channel::Sms],
            legal_holds: vec!["tax".into()],
            erased: true,
            ..Default::default()
        };
        assert_eq!(state, expected);
        // A withdrawal is no new relationship; a consent given is.
        let withdrawn = EventKind::ConsentWithdrawn {
            purpose: "news".into(),
        };
        apply(&mut state, &event(withdrawn));
        assert!(state.erased);
        for anew in [
            EventKind::ConsentGiven {
                purpose: "news".into(),
                until: None,
            },
            EventKind::PurchaseRecorded,
            EventKind::MembershipStarted {
                membership: "club".into(),
            },
        ] {
            let mut again = state.clone();
            apply(&mut again, &event(anew));
            assert!(!again.erased);
        }
    }

    #[test]
    fn a_consent_keeps_its_own_end_until_withdrawn() {
        // promise: SHOP-06 — consent records expire and are asked again.
        let until = chrono::DateTime::from_timestamp(86_400 * 365, 0);
        let mut state = SubjectState::default();
        apply(
            &mut state,
            &event(EventKind::ConsentGiven {
                purpose: "news".into(),
                until,
            }),
        );
        assert_eq!(state.consents["news"].until, until);
        assert!(state.consents["news"].given);
        // An event written before consents had an end reads as one without.
        let old: EventKind =
            serde_json::from_str(r#"{"type": "consent_given", "purpose": "news"}"#).unwrap();
        assert_eq!(
            old,
            EventKind::ConsentGiven {
                purpose: "news".into(),
                until: None
            }
        );
        apply(
            &mut state,
            &event(EventKind::ConsentWithdrawn {
                purpose: "news".into(),
            }),
        );
        assert_eq!(state.consents["news"].until, None);
        assert!(!state.consents["news"].given);
    }
}
