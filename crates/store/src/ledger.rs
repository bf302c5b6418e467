//! Ledger events, their canonical encoding and the SHA-256 hash chain.
//!
//! Each event's hash is SHA-256 over the previous event's hash and the
//! canonical JSON of the event (keys sorted, no whitespace, the `hash`
//! field left out). Changing, deleting, inserting or reordering any stored
//! event breaks the chain at that point, and [`verify`] says where and how.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use vow_policy::Channel;

/// The hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
pub struct Actor {
    pub kind: ActorKind,
    pub id: String,
}

/// What the person saw and how the event reached vow: the proof of consent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
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
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    ConsentGiven {
        purpose: String,
    },
    ConsentWithdrawn {
        purpose: String,
    },
    PreferenceSet {
        channel: Channel,
        opted_out: bool,
    },
    MembershipStarted {
        membership: String,
    },
    MembershipEnded {
        membership: String,
    },
    GuardianLinked {
        guardian: String,
        verified: bool,
    },
    AttributesSet {
        jurisdiction: Option<String>,
        birth_date: Option<chrono::NaiveDate>,
        kind: Option<String>,
    },
    PurchaseRecorded,
    RestrictionPlaced,
    RestrictionLifted,
    /// An objection to one purpose, or (`purpose: None`) to direct marketing.
    ObjectionRecorded {
        purpose: Option<String>,
    },
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
    /// A data-subject request changed state (issue 5).
    Request {
        request: String,
        status: String,
    },
}

/// One ledger event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The hash this event should carry, given its content and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        let mut value = serde_json::to_value(self).expect("events serialise");
        if let Value::Object(map) = &mut value {
            map.remove("hash");
        }
        let mut hasher = Sha256::new();
        hasher.update(self.prev_hash.as_bytes());
        hasher.update(canonical(&value).as_bytes());
        hex::encode(hasher.finalize())
    }
}

/// JSON with object keys sorted and no whitespace: the same value always
/// encodes to the same bytes.
pub fn canonical(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&map[k])))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// Links `event` after `previous` (or as the first event): sets its
/// sequence number, previous hash and hash.
pub fn chain(previous: Option<&Event>, mut event: Event) -> Event {
    event.seq = previous.map_or(1, |p| p.seq + 1);
    event.prev_hash = previous.map_or_else(|| GENESIS.to_owned(), |p| p.hash.clone());
    event.hash = event.compute_hash();
    event
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TamperKind {
    /// The event's content no longer matches its hash.
    Changed,
    /// Events before this one are missing.
    Deleted,
    /// An event that does not belong to the chain was inserted.
    Inserted,
    /// Events are out of order.
    Reordered,
}

/// A place where the ledger was tampered with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tamper {
    pub kind: TamperKind,
    /// The sequence number found at that place.
    pub seq: u64,
    pub id: String,
    pub detail: String,
}

/// Checks the chain of `events` as stored (in storage order). Empty when
/// the ledger is intact.
pub fn verify(events: &[Event]) -> Vec<Tamper> {
    let count = |seq: u64| events.iter().filter(|o| o.seq == seq).count();
    let mut found = Vec::new();
    let mut prev: Option<&Event> = None;
    for e in events {
        let mut report = |kind, detail: String| {
            found.push(Tamper {
                kind,
                seq: e.seq,
                id: e.id.clone(),
                detail,
            })
        };
        if e.compute_hash() != e.hash {
            report(
                TamperKind::Changed,
                format!(
                    "event {} does not match its hash: its content was changed",
                    e.seq
                ),
            );
        }
        let expected = prev.map_or(1, |p| p.seq + 1);
        let expected_prev = prev.map_or(GENESIS, |p| p.hash.as_str());
        if e.seq == expected {
            if e.prev_hash != expected_prev {
                let kind = if count(e.seq) > 1 {
                    TamperKind::Inserted
                } else {
                    TamperKind::Changed
                };
                report(
                    kind,
                    format!(
                        "event {} does not follow the event stored before it: one of them was replaced or forged",
                        e.seq
                    ),
                );
            }
        } else if e.seq > expected {
            let moved = (expected..e.seq).any(|s| count(s) > 0);
            let kind = if moved {
                TamperKind::Reordered
            } else {
                TamperKind::Deleted
            };
            let what = if moved {
                "stored later: the events were reordered"
            } else {
                "missing: they were deleted"
            };
            report(
                kind,
                format!("events {expected} to {} are {what}", e.seq - 1),
            );
        } else {
            let kind = if count(e.seq) > 1 {
                TamperKind::Inserted
            } else {
                TamperKind::Reordered
            };
            let what = if kind == TamperKind::Inserted {
                "a second event with this number was inserted"
            } else {
                "it is stored out of order"
            };
            report(
                kind,
                format!("event {} comes after event {}: {what}", e.seq, expected - 1),
            );
        }
        prev = Some(e);
    }
    found
}
