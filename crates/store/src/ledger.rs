//! Ledger events, their canonical encoding and the SHA-256 hash chain.
//!
//! Each event's hash is SHA-256 over the previous event's hash and the
//! canonical JSON of the event (keys sorted, no whitespace, the `hash`
//! field left out). Changing, deleting, inserting or reordering any stored
//! event breaks the chain at that point; [`crate::verify`] says where and
//! how, with the seals of [`crate::key`] against a recomputed chain.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use vow_policy::Channel;

use crate::identity::IdentityKind;

/// The hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ActorKind {
    /// The person themselves.
    Subject,
    /// A parent, guardian or authorised agent.
    Agent,
    /// A member of staff (an off-line withdrawal, a request opened for someone).
    Staff,
    /// vow itself (expiry, a scheduled notice).
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Actor {
    pub kind: ActorKind,
    pub id: String,
}

/// What the person saw and how the event reached vow: the proof of consent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventSource {
    /// `banner`, `privacy_centre`, `form:<id>`, `api`, `email`, `post`...
    pub channel: String,
    /// The version of the banner or form text shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_version: Option<String>,
    /// SHA-256 of that text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_hash: Option<String>,
    /// The IP address, truncated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// For staff entries: the evidence received (a letter's reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// The API key the event was written with (its id, never the secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EventKind {
    ConsentGiven {
        purpose: String,
        /// The end the consent was given with (a campaign's, "for one
        /// year"), when it has one; the purpose's lifetime applies too.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<chrono::DateTime<chrono::Utc>>,
    },
    ConsentWithdrawn {
        purpose: String,
    },
    /// Messages by `channel` turned off or on: all non-essential ones, or
    /// only those of one `communication` of the policy.
    PreferenceSet {
        channel: Channel,
        opted_out: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        communication: Option<String>,
    },
    MembershipStarted {
        membership: String,
    },
    MembershipEnded {
        membership: String,
    },
    /// A parent or guardian is linked to the child (the event's subject);
    /// `verified`: the link and the parent's consent were checked. A later
    /// link for the same guardian replaces this one.
    GuardianLinked {
        guardian: String,
        verified: bool,
    },
    /// The guardian's link to the child ended (the child came of age, a
    /// court order, a mistake corrected).
    GuardianUnlinked {
        guardian: String,
    },
    /// The person is also known by this identity. `value` is what
    /// [`Identity::stored`](crate::identity::Identity::stored) keeps: the
    /// keyed digest of an address, phone number or account id, never the
    /// thing itself; a browser's random visitor id as it is.
    IdentityLinked {
        identity: IdentityKind,
        value: String,
    },
    /// The person is no longer known by this identity.
    IdentityUnlinked {
        identity: IdentityKind,
        value: String,
    },
    AttributesSet {
        jurisdiction: Option<String>,
        birth_date: Option<chrono::NaiveDate>,
        kind: Option<String>,
        /// Attributes the policy declares for the person's kind: a value
        /// sets one, `null` forgets it. Absent from the encoding when
        /// empty, so events written before it hash as they did.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        attributes: BTreeMap<String, Option<vow_policy::AttributeValue>>,
    },
    PurchaseRecorded,
    RestrictionPlaced,
    RestrictionLifted,
    /// An objection to one purpose, or (`purpose: None`) to direct marketing.
    ObjectionRecorded {
        purpose: Option<String>,
    },
    /// The person's data was erased at their request (the desk records it
    /// when the erasure completes): what gave a basis for processing —
    /// consents, purchases, memberships, guardians — is gone, what limits
    /// it (objections, opt-outs, holds, a restriction) stays, and nothing
    /// is used again until the person gives a consent, buys or joins anew.
    SubjectErased,
    HoldPlaced {
        hold: String,
    },
    HoldReleased {
        hold: String,
    },
    DisclosureRecorded {
        recipient: String,
        purpose: String,
        categories: Vec<String>,
    },
    NoticeSent {
        notice: String,
        channel: Channel,
    },
    /// A data-subject request took a step: `status` is where it stands
    /// after it, `detail` the step itself (its transition, who and when) and
    /// what the step did, as the request runner records it.
    Request {
        request: String,
        status: String,
        #[serde(default, skip_serializing_if = "Value::is_null")]
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        detail: Value,
    },
}

impl EventKind {
    /// The event's type as serialised (`consent_given`...), for logs and metrics.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::ConsentGiven { .. } => "consent_given",
            EventKind::ConsentWithdrawn { .. } => "consent_withdrawn",
            EventKind::PreferenceSet { .. } => "preference_set",
            EventKind::MembershipStarted { .. } => "membership_started",
            EventKind::MembershipEnded { .. } => "membership_ended",
            EventKind::GuardianLinked { .. } => "guardian_linked",
            EventKind::GuardianUnlinked { .. } => "guardian_unlinked",
            EventKind::IdentityLinked { .. } => "identity_linked",
            EventKind::IdentityUnlinked { .. } => "identity_unlinked",
            EventKind::AttributesSet { .. } => "attributes_set",
            EventKind::PurchaseRecorded => "purchase_recorded",
            EventKind::RestrictionPlaced => "restriction_placed",
            EventKind::RestrictionLifted => "restriction_lifted",
            EventKind::ObjectionRecorded { .. } => "objection_recorded",
            EventKind::SubjectErased => "subject_erased",
            EventKind::HoldPlaced { .. } => "hold_placed",
            EventKind::HoldReleased { .. } => "hold_released",
            EventKind::DisclosureRecorded { .. } => "disclosure_recorded",
            EventKind::NoticeSent { .. } => "notice_sent",
            EventKind::Request { .. } => "request",
        }
    }
}

/// One ledger event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// Position in the chain, from 1.
    pub seq: u64,
    pub id: String,
    pub subject: String,
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub source: EventSource,
    /// The policy version in force when it happened.
    pub policy_version: String,
    #[serde(flatten)]
    pub kind: EventKind,
    pub prev_hash: String,
    pub hash: String,
}

impl Event {
    /// Whether two events record the same thing: everything but their place
    /// in the chain (`seq`, `prev_hash`, `hash`) and the time they were
    /// stamped. A retried append is the same event (the first one written
    /// stands, with its time); anything else under a stored id is a conflict.
    pub fn same_content(&self, other: &Event) -> bool {
        let unplaced = |e: &Event| Event {
            seq: 0,
            prev_hash: String::new(),
            hash: String::new(),
            at: DateTime::<Utc>::UNIX_EPOCH,
            ..e.clone()
        };
        unplaced(self) == unplaced(other)
    }

    /// The hash this event should carry, given its content and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        let mut value = serde_json::to_value(self).expect("events serialise");
        if let Value::Object(map) = &mut value {
            map.remove("hash");
        }
        let mut encoded = Vec::with_capacity(1024);
        write_canonical(&value, &mut encoded);
        let mut hasher = Sha256::new();
        hasher.update(self.prev_hash.as_bytes());
        hasher.update(&encoded);
        hex::encode(hasher.finalize())
    }
}

/// JSON with object keys sorted and no whitespace: the same value always
/// encodes to the same bytes.
pub fn canonical(value: &Value) -> String {
    let mut out = Vec::new();
    write_canonical(value, &mut out);
    String::from_utf8(out).expect("JSON is UTF-8")
}

fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut fields: Vec<(&String, &Value)> = map.iter().collect();
            fields.sort_unstable_by_key(|(k, _)| *k);
            out.push(b'{');
            for (i, (k, v)) in fields.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_scalar(k, out);
                out.push(b':');
                write_canonical(v, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        scalar => write_scalar(scalar, out),
    }
}

/// serde_json's compact form of a string, number, boolean or null.
fn write_scalar(value: &(impl Serialize + ?Sized), out: &mut Vec<u8>) {
    serde_json::to_writer(out, value).expect("writing to memory cannot fail");
}

/// Links `event` after `previous` (or as the first event): sets its
/// sequence number, previous hash and hash.
pub fn chain(previous: Option<&Event>, event: Event) -> Event {
    match previous {
        Some(p) => link(p.seq, &p.hash, event),
        None => link(0, GENESIS, event),
    }
}

/// Links `event` after the chain's head, event `seq` with hash `hash`
/// (`0` and [`GENESIS`] for an empty ledger).
pub fn link(seq: u64, hash: &str, mut event: Event) -> Event {
    event.seq = seq + 1;
    hash.clone_into(&mut event.prev_hash);
    event.hash = event.compute_hash();
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ledgers written today must verify forever: the canonical encoding
    /// and the hash of a fixed event never change.
    #[test]
    fn the_encoding_of_an_event_is_stable() {
        let event = Event {
            seq: 0,
            id: "evt-1".into(),
            subject: "alice@example.com".into(),
            at: "2026-11-01T10:00:00.123456789Z".parse().unwrap(),
            actor: Actor {
                kind: ActorKind::Agent,
                id: "parent-7".into(),
            },
            source: EventSource {
                channel: "banner".into(),
                document_version: Some("banner-3".into()),
                text_hash: Some("ab12".into()),
                ip: Some("192.0.2.0".into()),
                user_agent: Some("Mozilla/5.0 \"quoted\" ü".into()),
                evidence: None,
                api_key: None,
            },
            policy_version: "2026-11".into(),
            kind: EventKind::DisclosureRecorded {
                recipient: "crm".into(),
                purpose: "support".into(),
                categories: vec!["user.contact.email".into(), "user.name".into()],
            },
            prev_hash: String::new(),
            hash: String::new(),
        };
        let event = link(41, &"ab".repeat(32), event);
        let mut value = serde_json::to_value(&event).unwrap();
        value.as_object_mut().unwrap().remove("hash");
        assert_eq!(
            canonical(&value),
            r#"{"actor":{"id":"parent-7","kind":"agent"},"at":"2026-11-01T10:00:00.123456789Z","categories":["user.contact.email","user.name"],"id":"evt-1","policy_version":"2026-11","prev_hash":"abababababababababababababababababababababababababababababababab","purpose":"support","recipient":"crm","seq":42,"source":{"channel":"banner","document_version":"banner-3","ip":"192.0.2.0","text_hash":"ab12","user_agent":"Mozilla/5.0 \"quoted\" ü"},"subject":"alice@example.com","type":"disclosure_recorded"}"#
        );
        assert_eq!(
            event.hash,
            "e6bd9cf5592fe830de542bb23eb77ad90f3f7e0799906fa6fe7df55449b14b14"
        );
    }
}
