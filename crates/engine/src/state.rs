//! What the engine knows about a person when it decides: their
//! jurisdiction and age, memberships, consents, restrictions, objections,
//! holds. The store materialises it from the ledger; the engine only reads it.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use vow_policy::{AttributeValue, Channel};

/// A consent given or withdrawn for one purpose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentRecord {
    /// `true`: given; `false`: withdrawn or refused.
    pub given: bool,
    pub at: DateTime<Utc>,
    /// The policy version in force when it was recorded.
    pub policy_version: String,
    /// When a consent given ends by its own terms, as said when it was
    /// collected (a campaign, "for one year"): from this instant it no
    /// longer counts. The purpose's consent lifetime still applies; the
    /// earlier end wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
}

impl ConsentRecord {
    /// Whether the record has reached its own end (`until`) at `now`.
    pub fn ended_at(&self, now: DateTime<Utc>) -> bool {
        self.until.is_some_and(|until| now >= until)
    }
}

/// A kind of message turned off on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunicationOptOut {
    /// The communication's id in the policy (`surveys`).
    pub communication: String,
    pub channel: Channel,
}

/// A subject's state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectState {
    /// The subject kind (`customer`, `student`, `child`...).
    pub kind: Option<String>,
    /// Where the person lives, when known (`FR`, `US-CA`).
    pub jurisdiction: Option<String>,
    pub birth_date: Option<NaiveDate>,
    /// The attributes the policy declares for the person's kind
    /// (`self_pay: true`), as last set; the conditions of messages
    /// (`communications[].when`) read them.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, AttributeValue>,
    /// Active memberships, by membership id.
    pub memberships: Vec<String>,
    /// Consents by purpose id.
    // Hashed with foldhash, not SipHash: every decision looks one up, and
    // the keys are purpose ids the API checked against the policy.
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::HashMap<String, ConsentRecord>))]
    pub consents: foldhash::HashMap<String, ConsentRecord>,
    /// The person bought from the organisation (soft opt-in).
    pub customer: bool,
    /// A verified parental consent is on record: some guardian's link is
    /// verified.
    pub parental_consent_verified: bool,
    /// The parents or guardians whose link is verified, by subject id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub guardians: Vec<String>,
    /// Processing is restricted (GDPR Art. 18): storage only.
    pub restricted: bool,
    /// Purposes the person objected to.
    pub objections: Vec<String>,
    /// The person objected to direct marketing (always wins).
    pub objects_to_direct_marketing: bool,
    /// Channels the person opted out of for non-essential messages.
    pub channel_opt_outs: Vec<Channel>,
    /// Kinds of non-essential message (the policy's communications) the
    /// person turned off on one channel, the others left as they are.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub communication_opt_outs: Vec<CommunicationOptOut>,
    /// Active legal holds: data must be kept.
    pub legal_holds: Vec<String>,
    /// The person's data was erased at their request, and no relationship
    /// began again since (a consent given, a purchase, a membership).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub erased: bool,
}

impl SubjectState {
    /// The consent recorded for purpose `id`.
    pub fn consent(&self, id: &str) -> Option<&ConsentRecord> {
        self.consents.get(id)
    }

    /// Age in whole years on `today`, when the birth date is known.
    pub fn age_on(&self, today: NaiveDate) -> Option<u32> {
        let born = self.birth_date?;
        let mut age = today.year() - born.year();
        if (today.month(), today.day()) < (born.month(), born.day()) {
            age -= 1;
        }
        u32::try_from(age).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consents_are_found_in_small_and_large_maps() {
        let record = |given| ConsentRecord {
            given,
            at: DateTime::UNIX_EPOCH,
            policy_version: "1".into(),
            until: None,
        };
        let mut s = SubjectState::default();
        for n in 0..20 {
            s.consents.insert(format!("p{n}"), record(n % 2 == 0));
            for k in 0..=n {
                assert_eq!(
                    s.consent(&format!("p{k}")).map(|r| r.given),
                    Some(k % 2 == 0)
                );
            }
            assert!(s.consent("p").is_none() && s.consent("p100").is_none());
        }
    }

    #[test]
    fn age_counts_birthdays() {
        let s = SubjectState {
            birth_date: "2014-06-15".parse().ok(),
            ..Default::default()
        };
        assert_eq!(s.age_on("2026-06-14".parse().unwrap()), Some(11));
        assert_eq!(s.age_on("2026-06-15".parse().unwrap()), Some(12));
        assert_eq!(
            SubjectState::default().age_on("2026-01-01".parse().unwrap()),
            None
        );
    }
}
