//! What a person may do about a denied request, by law: the appeal or
//! complaint a denial must tell them of.
//!
//! Reference data, in the manner of `vow_policy::law`: small, cited, not
//! legal advice and not exhaustive. Sources (statute text):
//!
//! - GDPR Art. 12(4): a controller that does not act on a request tells
//!   the person, within one month, why, and that they may lodge a complaint
//!   with a supervisory authority (Art. 77) and seek a judicial remedy
//!   (Art. 79). The UK GDPR says the same; the authority is the ICO.
//! - PIPEDA s. 8(7): a refusal gives the reasons and the recourse: a
//!   complaint to the Privacy Commissioner of Canada (s. 11).
//! - Virginia (Va. Code § 59.1-577(C)), Colorado (C.R.S. § 6-1-1306(3)),
//!   Connecticut (Conn. Gen. Stat. § 42-518(d)) and Texas (Tex. Bus. & Com.
//!   Code § 541.053) make the controller run an appeal of its own refusal,
//!   answer it in writing within 60 days (Colorado: 45, extendable by 60),
//!   and, if it denies the appeal, tell the person how to complain to the
//!   state's Attorney General.
//! - The CCPA gives no appeal from a business's refusal; none is stated.
//!
//! The US state laws are not in the policy language's [`Law`] list, so
//! their appeals follow the subject's jurisdiction (`US-VA`...): telling a
//! person of an appeal the law may not require costs nothing, leaving one
//! out that it does is a breach.

use serde::{Deserialize, Serialize};
use vow_policy::duration::Unit;
use vow_policy::{Duration, Law};

/// What a denial tells the person they may do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    pub to: AppealTo,
    /// The law that gives it.
    pub law: String,
    /// Who hears it (the organisation itself, the ICO, a supervisory authority).
    pub body: String,
    /// How long the organisation has to answer an appeal to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_within: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<Duration>,
    /// Where the person may go if the appeal fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<String>,
    pub citation: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealTo {
    /// The organisation reviews its own refusal.
    Controller,
    /// A complaint to the authority that enforces the law.
    Authority,
}

impl std::fmt::Display for Appeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to {
            AppealTo::Controller => {
                write!(
                    f,
                    "you may appeal this decision to us under the {}",
                    self.law
                )?;
                if let Some(within) = &self.answer_within {
                    write!(f, "; we answer an appeal within {within}")?;
                    if let Some(extension) = &self.extension {
                        write!(f, " (or {extension} more, with the reason)")?;
                    }
                }
                if let Some(then) = &self.then {
                    write!(f, "; if we deny it, you may complain to {then}")?;
                }
            }
            AppealTo::Authority => {
                write!(f, "you may lodge a complaint with {}", self.body)?;
                if let Some(then) = &self.then {
                    write!(f, " and {then}")?;
                }
            }
        }
        write!(f, " ({})", self.citation)
    }
}

/// A US state law that makes the controller hear an appeal.
struct StateAppeal {
    jurisdiction: &'static str,
    law: &'static str,
    answer_days: u32,
    extension_days: Option<u32>,
    attorney_general: &'static str,
    citation: &'static str,
}

const STATE_APPEALS: &[StateAppeal] = &[
    StateAppeal {
        jurisdiction: "US-VA",
        law: "Virginia Consumer Data Protection Act",
        answer_days: 60,
        extension_days: None,
        attorney_general: "the Attorney General of Virginia",
        citation: "Va. Code § 59.1-577(C)",
    },
    StateAppeal {
        jurisdiction: "US-CO",
        law: "Colorado Privacy Act",
        answer_days: 45,
        extension_days: Some(60),
        attorney_general: "the Colorado Attorney General",
        citation: "C.R.S. § 6-1-1306(3)",
    },
    StateAppeal {
        jurisdiction: "US-CT",
        law: "Connecticut Data Privacy Act",
        answer_days: 60,
        extension_days: None,
        attorney_general: "the Connecticut Attorney General",
        citation: "Conn. Gen. Stat. § 42-518(d)",
    },
    StateAppeal {
        jurisdiction: "US-TX",
        law: "Texas Data Privacy and Security Act",
        answer_days: 60,
        extension_days: None,
        attorney_general: "the Texas Attorney General",
        citation: "Tex. Bus. & Com. Code § 541.053",
    },
];

/// The appeal a denial must state for a subject in `jurisdiction` under
/// `laws` (those of [`super::laws_in`]), if the law gives one.
pub fn appeal(jurisdiction: &str, laws: &[Law]) -> Option<Appeal> {
    if let Some(state) = STATE_APPEALS
        .iter()
        .find(|s| s.jurisdiction == jurisdiction)
    {
        return Some(Appeal {
            to: AppealTo::Controller,
            law: state.law.to_owned(),
            body: "the organisation".to_owned(),
            answer_within: Some(Duration::span(state.answer_days, Unit::Days)),
            extension: state.extension_days.map(|d| Duration::span(d, Unit::Days)),
            then: Some(state.attorney_general.to_owned()),
            citation: state.citation.to_owned(),
        });
    }
    let complaint = |law: &str, body: &str, then: Option<&str>, citation: &str| Appeal {
        to: AppealTo::Authority,
        law: law.to_owned(),
        body: body.to_owned(),
        answer_within: None,
        extension: None,
        then: then.map(str::to_owned),
        citation: citation.to_owned(),
    };
    if laws.contains(&Law::UkGdpr) {
        Some(complaint(
            "UK GDPR",
            "the Information Commissioner's Office",
            Some("seek a judicial remedy"),
            "UK GDPR Art. 12(4), 77, 79",
        ))
    } else if laws.contains(&Law::Gdpr) {
        Some(complaint(
            "GDPR",
            "a supervisory authority, in particular where you live, work or the infringement took place",
            Some("seek a judicial remedy"),
            "GDPR Art. 12(4), 77, 79",
        ))
    } else if laws.contains(&Law::Pipeda) {
        Some(complaint(
            "PIPEDA",
            "the Privacy Commissioner of Canada",
            None,
            "PIPEDA s. 8(7), 11",
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gdpr_denials_name_the_supervisory_authority() {
        let a = appeal("FR", &[Law::Gdpr, Law::Eprivacy]).expect("GDPR gives a complaint");
        assert_eq!(a.to, AppealTo::Authority);
        assert!(
            a.to_string()
                .starts_with("you may lodge a complaint with a supervisory authority")
        );
        let uk = appeal("GB", &[Law::UkGdpr]).unwrap();
        assert!(uk.to_string().contains("Information Commissioner's Office"));
    }

    #[test]
    fn us_states_with_an_appeal_say_how_long_it_takes() {
        let va = appeal("US-VA", &[Law::Coppa]).unwrap();
        assert_eq!(
            va.to_string(),
            "you may appeal this decision to us under the Virginia Consumer Data Protection Act; \
             we answer an appeal within 60 days; if we deny it, you may complain to the Attorney \
             General of Virginia (Va. Code § 59.1-577(C))"
        );
        let co = appeal("US-CO", &[]).unwrap();
        assert_eq!(co.extension, Some(Duration::span(60, Unit::Days)));
    }

    #[test]
    fn california_gives_no_appeal() {
        assert_eq!(appeal("US-CA", &[Law::Ccpa, Law::Coppa]), None);
        assert_eq!(appeal("JP", &[]), None);
    }
}
