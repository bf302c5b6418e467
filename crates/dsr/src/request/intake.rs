//! Where requests must arrive, when the policy says only there.
//!
//! A right's `intake` lists where requests are received; an entry marked
//! `exclusive` means requests arriving elsewhere may be refused (KIDS-18:
//! Shine the Light requests only at a given address with a given subject
//! line, as Cal. Civ. Code § 1798.83(b)(1)(A) allows). A request is refused
//! only when every right that applies has exclusive entries and it matches
//! none of them. Addresses compare without case; the subject line must
//! be the one given, without regard to case or surrounding spaces.

use serde::{Deserialize, Serialize};
use vow_policy::{Intake, IntakeChannel};

use super::Grant;

/// How a request arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrival {
    pub channel: IntakeChannel,
    /// The address it was sent to (a mailbox, a postal address, a number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_line: Option<String>,
}

/// A request that arrived where the policy does not take it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{}", self.explain())]
pub struct IntakeRefused {
    /// Where requests of this kind are taken.
    pub only: Vec<Intake>,
}

impl IntakeRefused {
    fn explain(&self) -> String {
        let places: Vec<String> = self
            .only
            .iter()
            .map(|i| {
                let mut place = channel_name(i.channel).to_owned();
                if let Some(address) = &i.address {
                    place.push_str(&format!(" to {address}"));
                }
                if let Some(line) = &i.subject_line {
                    place.push_str(&format!(" with the subject line \"{line}\""));
                }
                place
            })
            .collect();
        format!(
            "requests of this kind are taken only by {}",
            places.join(", or by ")
        )
    }
}

fn channel_name(channel: IntakeChannel) -> &'static str {
    match channel {
        IntakeChannel::PrivacyCentre => "the privacy centre",
        IntakeChannel::AccountSettings => "the account settings",
        IntakeChannel::Email => "e-mail",
        IntakeChannel::Post => "post",
        IntakeChannel::Phone => "phone",
        IntakeChannel::WebForm => "the web form",
    }
}

fn matches(entry: &Intake, arrival: &Arrival) -> bool {
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    entry.channel == arrival.channel
        && entry.address.as_deref().is_none_or(|want| {
            arrival
                .address
                .as_deref()
                .is_some_and(|got| same(want, got))
        })
        && entry.subject_line.as_deref().is_none_or(|want| {
            arrival
                .subject_line
                .as_deref()
                .is_some_and(|got| same(want, got))
        })
}

/// Whether a request that arrived as `arrival` may be taken under `grant`.
pub fn check(grant: &Grant<'_>, arrival: &Arrival) -> Result<(), IntakeRefused> {
    let mut only = Vec::new();
    for right in &grant.rights {
        let exclusive: Vec<&Intake> = right.intake.iter().filter(|i| i.exclusive).collect();
        if exclusive.is_empty() || exclusive.iter().any(|i| matches(i, arrival)) {
            return Ok(());
        }
        only.extend(exclusive.into_iter().cloned());
    }
    Err(IntakeRefused { only })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{RequestKind, grant, tests::example};

    fn email(address: &str, subject_line: Option<&str>) -> Arrival {
        Arrival {
            channel: IntakeChannel::Email,
            address: Some(address.into()),
            subject_line: subject_line.map(str::to_owned),
        }
    }

    #[test]
    fn kids_18_shine_the_light_only_at_the_address_with_the_subject_line() {
        // promise: KIDS-18
        let kids = example("kids-coding-franchise");
        let g = grant(
            &kids,
            &RequestKind::ShineTheLight,
            "US-CA",
            crate::request::tests::on(),
        )
        .unwrap();
        let right = email(
            "Privacy@KidsCode.example.com",
            Some(" request for california privacy information "),
        );
        assert!(check(&g, &right).is_ok());
        let err = check(&g, &email("privacy@kidscode.example.com", Some("hello"))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "requests of this kind are taken only by e-mail to privacy@kidscode.example.com \
             with the subject line \"Request for California Privacy Information\""
        );
        let post = Arrival {
            channel: IntakeChannel::Post,
            address: None,
            subject_line: None,
        };
        assert!(check(&g, &post).is_err());
    }

    #[test]
    fn non_exclusive_intake_takes_requests_from_anywhere() {
        let kids = example("kids-coding-franchise");
        let g = grant(
            &kids,
            &RequestKind::RightToKnow,
            "US-CA",
            crate::request::tests::on(),
        )
        .unwrap();
        assert!(check(&g, &email("someone@else.example", None)).is_ok());
    }
}
