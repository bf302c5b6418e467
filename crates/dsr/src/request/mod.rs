//! Data-subject requests as pure logic: what a request is owed under the
//! policy and the law of the subject's jurisdiction, and the strict state
//! machine its life follows.
//!
//! - [`deadline`]: when the answer is due — the shorter of the law's time
//!   and the policy's own promise — and how far it may be extended.
//! - [`limit`]: how often a person may ask (twice in 12 months, once a
//!   calendar year), and from when the next request is possible.
//! - [`verification`]: which identity checks the right accepts, where the
//!   one-time code goes, and who may act for the subject (an authorised
//!   agent with proof, a parent for a child).
//! - [`code`]: the one-time code of a [`Challenge::Code`]: issued from the
//!   operating system's random source, kept only as a salted hash with its
//!   expiry and tries, checked in constant time ([`CodeCheck`]);
//!   [`code_message`](fn@code_message) writes the e-mail that carries it
//!   (sent by `vow_mail`).
//! - [`notice_message`]: the e-mails that tell the person their answer is
//!   put off (with why and until when) or refused (with the appeal).
//! - [`intake`]: where requests must arrive when the policy says only there.
//! - [`appeal`](mod@appeal): what a person may do about a denial, per law, with sources.
//! - [`lifecycle`]: [`Request`], its [`RequestState`]s and [`Transition`]s;
//!   every transition is one ledger `request` event, and [`replay`]
//!   rebuilds a request from them.
//!
//! Nothing here does I/O or reads a clock: the time of each step is an
//! input (issuing a code reads the operating system's random source;
//! sending it is `vow_mail`'s). Running the request against the databases
//! (finding the subject, exporting, erasing) is elsewhere in this crate;
//! storing the transitions is the store's.

pub mod appeal;
pub mod code;
pub mod code_message;
pub mod deadline;
pub mod intake;
pub mod lifecycle;
pub mod limit;
pub mod notice_message;
pub mod verification;

use std::fmt;

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use vow_policy::duration::Unit;
use vow_policy::{
    AgentProof, AgentRule, Duration, ElementId, Jurisdiction, Law, LawfulBasis, LimitWindow,
    Policy, Purpose, PurposeTag, RequestLimit, Right, RightKind, Text, law,
};

pub use appeal::{Appeal, AppealTo, appeal};
pub use code::{CodeCheck, CodeRules, InvalidCodeRules, OneTimeCode, PendingCode, RandomFailed};
pub use code_message::code_message;
pub use deadline::{
    Basis, Counting, Deadline, DeadlineError, Promised, Statutory, days_left, due, due_for, overdue,
};
pub use intake::{Arrival, IntakeRefused};
pub use lifecycle::{
    Actor, ActorKind, DenialReason, InvalidTransition, NewRequest, Received, ReplayError, Request,
    RequestState, Shortfall, Step, Transition, Why, earlier, replay,
};
pub use limit::{Earlier, LimitReached, Outcome};
pub use verification::{
    Agent, AgentKind, AgentRefused, AgentTerms, Challenge, Guardianship, OnFile,
    VerificationRefused, VerificationRule, check_agent,
};

/// What a person asks for. Each kind is one of the policy's rights.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "right", rename_all = "snake_case")]
pub enum RequestKind {
    /// A copy of the data held (GDPR Art. 15).
    Access,
    /// The data provided, structured and machine-readable (export).
    Portability,
    Erasure,
    Rectification,
    Restriction,
    /// An objection to one purpose, or (`purpose: None`) to direct marketing.
    Objection {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        purpose: Option<ElementId>,
    },
    /// California: categories, sources, purposes, recipients, specific pieces.
    RightToKnow,
    /// California Civil Code § 1798.83: disclosures for direct marketing.
    ShineTheLight,
}

/// A right's name that is not one vow runs as a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{name}` is not a right vow runs as a request: use {}", RequestKind::NAMES.join(", "))]
pub struct UnknownRight {
    pub name: String,
}

impl RequestKind {
    /// Every right vow runs as a request, by the name the API, the CLI and
    /// the privacy centre give it.
    pub const NAMES: &'static [&'static str] = &[
        "access",
        "portability",
        "erasure",
        "rectification",
        "restriction",
        "objection",
        "right_to_know",
        "shine_the_light",
    ];

    /// The request for the right named `right`; an objection is to
    /// `purpose`, or to direct marketing without one.
    pub fn parse(right: &str, purpose: Option<ElementId>) -> Result<RequestKind, UnknownRight> {
        Ok(match right {
            "access" => RequestKind::Access,
            "portability" => RequestKind::Portability,
            "erasure" => RequestKind::Erasure,
            "rectification" => RequestKind::Rectification,
            "restriction" => RequestKind::Restriction,
            "objection" => RequestKind::Objection { purpose },
            "right_to_know" => RequestKind::RightToKnow,
            "shine_the_light" => RequestKind::ShineTheLight,
            other => {
                return Err(UnknownRight {
                    name: other.to_owned(),
                });
            }
        })
    }

    /// Its name, as [`parse`](Self::parse) reads it.
    pub fn name(&self) -> &'static str {
        match self {
            RequestKind::Access => "access",
            RequestKind::Portability => "portability",
            RequestKind::Erasure => "erasure",
            RequestKind::Rectification => "rectification",
            RequestKind::Restriction => "restriction",
            RequestKind::Objection { .. } => "objection",
            RequestKind::RightToKnow => "right_to_know",
            RequestKind::ShineTheLight => "shine_the_light",
        }
    }

    /// The policy right a request of this kind exercises.
    pub fn right(&self) -> RightKind {
        match self {
            RequestKind::Access => RightKind::Access,
            RequestKind::Portability => RightKind::Portability,
            RequestKind::Erasure => RightKind::Erasure,
            RequestKind::Rectification => RightKind::Rectification,
            RequestKind::Restriction => RightKind::Restriction,
            RequestKind::Objection { .. } => RightKind::Objection,
            RequestKind::RightToKnow => RightKind::RightToKnow,
            RequestKind::ShineTheLight => RightKind::ShineTheLight,
        }
    }
}

impl fmt::Display for RequestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestKind::Access => f.write_str("access"),
            RequestKind::Portability => f.write_str("portability"),
            RequestKind::Erasure => f.write_str("erasure"),
            RequestKind::Rectification => f.write_str("rectification"),
            RequestKind::Restriction => f.write_str("restriction"),
            RequestKind::Objection { purpose: Some(p) } => write!(f, "objection to `{p}`"),
            RequestKind::Objection { purpose: None } => {
                f.write_str("objection to direct marketing")
            }
            RequestKind::RightToKnow => f.write_str("right to know"),
            RequestKind::ShineTheLight => f.write_str("Shine the Light"),
        }
    }
}

/// The rights that a request exercises in one jurisdiction: the policy's,
/// and the law's where the policy declares none there. Never empty:
/// [`grant`] refuses a kind neither the policy nor the law gives.
///
/// When several rights apply (one everywhere, one for the EU), the person
/// is owed each promise: the shortest deadline, any accepted verification,
/// any agent rule that allows an agent, and a limit only when every right
/// sets one.
#[derive(Debug, Clone)]
pub struct Grant<'p> {
    pub kind: RequestKind,
    pub jurisdiction: String,
    pub rights: Vec<Cow<'p, Right>>,
    /// The laws that give the right there (empty: only the policy does).
    pub by_law: Vec<ByLaw>,
    /// The policy declares the right nowhere that covers the jurisdiction:
    /// `rights` is the law's.
    pub from_law: bool,
}

/// A law that gives the right a request exercises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByLaw {
    pub law: Law,
    pub citation: String,
}

pub use law::UNTIMED;

/// Why a request is not granted: the caller denies it with this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum NotGranted {
    #[error("{}", no_right(kind, jurisdiction, granted_in))]
    NoRight {
        kind: RequestKind,
        jurisdiction: String,
        /// Where the policy does grant it (empty: nowhere).
        granted_in: Vec<Jurisdiction>,
    },
    #[error("the policy declares no purpose `{purpose}` to object to")]
    UnknownPurpose { purpose: ElementId },
    /// The law gives the right, but not for this processing.
    #[error("{reason} ({citation}), and the policy grants no more")]
    OutsideLaw {
        kind: RequestKind,
        reason: String,
        citation: String,
    },
}

fn no_right(kind: &RequestKind, jurisdiction: &str, granted_in: &[Jurisdiction]) -> String {
    let right = kind_name(kind);
    if granted_in.is_empty() {
        format!("neither the policy nor the law of {jurisdiction} gives a right of {right}")
    } else {
        let places: Vec<&str> = granted_in.iter().map(Jurisdiction::as_str).collect();
        format!(
            "the policy grants the right of {right} in {}, and the law of {jurisdiction} gives none",
            places.join(", ")
        )
    }
}

fn kind_name(kind: &RequestKind) -> String {
    match kind {
        // The purpose does not change where objection is granted.
        RequestKind::Objection { .. } => "objection".to_owned(),
        other => other.to_string(),
    }
}

/// The rights that a request of `kind` from `jurisdiction`, received on
/// `on`, exercises: the policy's ([`Right::applies_in`]), else the law's
/// ([`law::statutory_right`]) within its scope — portability where some
/// purpose relies on consent or a contract there (GDPR Art. 20(1)), an
/// objection to processing on legitimate interests or a public task, to
/// direct marketing always (Art. 21), and to what relies on consent as a
/// withdrawal (Art. 7(3)).
pub fn grant<'p>(
    policy: &'p Policy,
    kind: &RequestKind,
    jurisdiction: &str,
    on: NaiveDate,
) -> Result<Grant<'p>, NotGranted> {
    let purpose = match kind {
        RequestKind::Objection {
            purpose: Some(purpose),
        } => match policy.purposes.iter().find(|p| &p.id == purpose) {
            Some(p) => Some(p),
            None => {
                return Err(NotGranted::UnknownPurpose {
                    purpose: purpose.clone(),
                });
            }
        },
        _ => None,
    };
    let right = kind.right();
    let declared: Vec<Cow<'p, Right>> = policy
        .rights
        .iter()
        .filter(|r| r.right == right && r.applies_in(jurisdiction))
        .map(Cow::Borrowed)
        .collect();
    let laws = law::laws_in(policy, jurisdiction);
    let statutory = law::statutory_right(&laws, right, on);
    let by_law = match statutory {
        Some(s) => match in_scope(policy, s, kind, purpose, jurisdiction, on) {
            Ok(by) => vec![by],
            Err(refused) if declared.is_empty() => return Err(refused),
            Err(_) => Vec::new(),
        },
        None => Vec::new(),
    };
    let from_law = declared.is_empty();
    let rights = if from_law {
        match statutory {
            Some(s) if !by_law.is_empty() => vec![Cow::Owned(as_right(s, &laws, jurisdiction))],
            _ => {
                let mut granted_in: Vec<Jurisdiction> = policy
                    .rights
                    .iter()
                    .filter(|r| r.right == right)
                    .flat_map(|r| r.jurisdictions.iter().cloned())
                    .collect();
                granted_in.sort();
                granted_in.dedup();
                return Err(NotGranted::NoRight {
                    kind: kind.clone(),
                    jurisdiction: jurisdiction.to_owned(),
                    granted_in,
                });
            }
        }
    } else {
        declared
    };
    Ok(Grant {
        kind: kind.clone(),
        jurisdiction: jurisdiction.to_owned(),
        rights,
        by_law,
        from_law,
    })
}

/// Whether the statutory right `s` reaches this request, and under which
/// provision.
fn in_scope(
    policy: &Policy,
    s: &law::StatutoryRight,
    kind: &RequestKind,
    purpose: Option<&Purpose>,
    jurisdiction: &str,
    on: NaiveDate,
) -> Result<ByLaw, NotGranted> {
    let by = |law: Law, citation: &str| ByLaw {
        law,
        citation: citation.to_owned(),
    };
    match s.scope {
        law::RightScope::Always => Ok(by(s.law, s.citation)),
        law::RightScope::ConsentOrContract => {
            let reaches = policy.purposes.iter().any(|p| {
                matches!(
                    p.basis.for_jurisdiction(jurisdiction),
                    Some(LawfulBasis::Consent | LawfulBasis::Contract)
                )
            });
            if reaches {
                Ok(by(s.law, s.citation))
            } else {
                Err(NotGranted::OutsideLaw {
                    kind: kind.clone(),
                    reason: "the right to data portability covers data processed on consent or a contract, and nothing here relies on either".into(),
                    citation: s.citation.to_owned(),
                })
            }
        }
        law::RightScope::LegitimateInterestsOrPublicTask => {
            // An objection to direct marketing always stands (Art. 21(2)).
            let Some(p) = purpose else {
                return Ok(by(s.law, s.citation));
            };
            if p.tags
                .iter()
                .any(|t| matches!(t, PurposeTag::Marketing | PurposeTag::DirectMarketing))
            {
                return Ok(by(s.law, s.citation));
            }
            match p.basis.for_jurisdiction(jurisdiction) {
                Some(LawfulBasis::LegitimateInterests | LawfulBasis::PublicTask) => {
                    Ok(by(s.law, s.citation))
                }
                // Objecting to what relies on consent withdraws it.
                Some(LawfulBasis::Consent) => {
                    let withdrawal = law::statutory_right(&[s.law], RightKind::WithdrawConsent, on);
                    Ok(withdrawal.map_or_else(|| by(s.law, s.citation), |w| by(w.law, w.citation)))
                }
                other => Err(NotGranted::OutsideLaw {
                    kind: kind.clone(),
                    reason: format!(
                        "the right to object covers processing on legitimate interests or a public task, and direct marketing; `{}` relies on {}",
                        p.id,
                        other.map_or_else(|| "no basis here".to_owned(), basis_name)
                    ),
                    citation: s.citation.to_owned(),
                }),
            }
        }
    }
}

fn basis_name(basis: LawfulBasis) -> String {
    match serde_json::to_value(basis) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        _ => format!("{basis:?}"),
    }
}

/// The right a law gives, as if the policy declared it for `jurisdiction`:
/// the law's deadline and extension (or [`UNTIMED`] where it sets none),
/// its limit, an authorised agent where it allows one, the usual checks.
fn as_right(s: &law::StatutoryRight, laws: &[Law], jurisdiction: &str) -> Right {
    let timed = laws
        .iter()
        .filter_map(|l| law::statutory_deadline(*l, s.right))
        .min_by_key(|d| d.deadline.approx_seconds());
    let limit = s.limit.map(|l| match l {
        law::StatutoryLimit::Rolling { count, months } => RequestLimit {
            count,
            per: LimitWindow::Rolling(Duration::span(months, Unit::Months)),
        },
        law::StatutoryLimit::CalendarYear => RequestLimit {
            count: 1,
            per: LimitWindow::CalendarYear,
        },
    });
    Right {
        right: s.right,
        jurisdictions: Jurisdiction::parse(jurisdiction).into_iter().collect(),
        deadline: timed.map_or(UNTIMED, |d| d.deadline),
        extension: timed.and_then(|d| d.extension),
        limit,
        verification: Vec::new(),
        agents: s.agents.then(|| AgentRule {
            allowed: true,
            proof: vec![AgentProof::SignedPermission],
            subject_confirms: true,
        }),
        intake: Vec::new(),
        exceptions: Vec::new(),
        exempt_purposes: Vec::new(),
        description: Some(Text::Plain(format!(
            "Given by law: {} ({})",
            law::law_name(s.law),
            s.citation
        ))),
        promises: Vec::new(),
    }
}

/// A law's short name, as people write it.
pub fn law_name(law: Law) -> &'static str {
    law::law_name(law)
}

/// Whether a jurisdiction the policy names (`EU`, `US`, `GLOBAL`) covers a
/// subject's jurisdiction (`FR`, `US-CA`): [`law::covers`].
pub fn covers(named: &str, jurisdiction: &str) -> bool {
    law::covers(named, jurisdiction)
}

/// The laws that apply to a subject in `jurisdiction`: [`law::laws_in`].
pub fn laws_in(policy: &Policy, jurisdiction: &str) -> Vec<Law> {
    law::laws_in(policy, jurisdiction)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The day the tests ask on.
    pub(crate) fn on() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date")
    }

    /// An example policy from `examples/`, checked.
    pub(crate) fn example(name: &str) -> Policy {
        let path = format!(
            "{}/../../examples/{name}/policy.yaml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).expect("example");
        vow_policy::check(&path, &text)
            .expect("example checks")
            .policy
    }

    #[test]
    fn jurisdictions_cover_their_parts() {
        assert!(covers("EU", "FR") && covers("EEA", "NO") && covers("US", "US-CA"));
        assert!(covers("GLOBAL", "JP") && covers("GB", "GB"));
        assert!(!covers("US", "USX") && !covers("US-CA", "US") && !covers("EU", "GB"));
    }

    #[test]
    fn laws_come_from_every_declaration_that_covers_the_subject() {
        let iot = example("iot-platform");
        // COPPA binds without a threshold, whatever the declaration lists.
        assert_eq!(
            laws_in(&iot, "US-CA"),
            vec![Law::Ccpa, Law::Caloppa, Law::Coppa, Law::CanSpam]
        );
        assert_eq!(laws_in(&iot, "DE"), vec![Law::Gdpr, Law::Eprivacy]);
        // The agency declares EU without laws: the usual ones.
        let agency = example("dev-agency");
        assert_eq!(laws_in(&agency, "FR"), vec![Law::Gdpr, Law::Eprivacy]);
        // Only GLOBAL covers the UK there: its own law still applies.
        assert_eq!(laws_in(&agency, "GB"), vec![Law::UkGdpr, Law::Pecr]);
        assert!(laws_in(&agency, "JP").is_empty());
    }

    #[test]
    fn a_kind_the_policy_does_not_grant_says_where_it_is_granted() {
        let kids = example("kids-coding-franchise");
        let err = grant(&kids, &RequestKind::RightToKnow, "GB", tests::on()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the policy grants the right of right to know in US-CA, and the law of GB gives none"
        );
        let objection = RequestKind::Objection {
            purpose: Some(ElementId::parse("no_such_purpose").unwrap()),
        };
        assert!(matches!(
            grant(&kids, &objection, "GB", tests::on()),
            Err(NotGranted::UnknownPurpose { .. })
        ));
    }

    #[test]
    fn the_law_grants_what_the_policy_does_not_declare() {
        // The course shop declares no restriction: the GDPR gives it in France.
        let shop = example("course-shop");
        let g = grant(&shop, &RequestKind::Restriction, "FR", tests::on()).expect("by law");
        assert_eq!(g.by_law.len(), 1);
        assert_eq!(g.by_law[0].citation, "GDPR Art. 18");
        assert_eq!(g.rights[0].deadline.to_string(), "1 month");
        // Not before the GDPR applied.
        let before = NaiveDate::from_ymd_opt(2018, 5, 24).unwrap();
        assert!(grant(&shop, &RequestKind::Restriction, "FR", before).is_err());
        // An objection to direct marketing always stands (Art. 21(2)).
        let marketing = RequestKind::Objection { purpose: None };
        assert!(grant(&shop, &marketing, "FR", tests::on()).is_ok());
        let promotional = RequestKind::Objection {
            purpose: Some(ElementId::parse("promotional_messages").unwrap()),
        };
        assert!(grant(&shop, &promotional, "FR", tests::on()).is_ok());
        // A purpose on legitimate interests: objection by Art. 21(1).
        let statistics = RequestKind::Objection {
            purpose: Some(ElementId::parse("aggregated_statistics").unwrap()),
        };
        let g = grant(&shop, &statistics, "FR", tests::on()).expect("Art. 21(1)");
        assert_eq!(g.by_law[0].citation, "GDPR Art. 21(1)-(3)");
        // A contract is outside Art. 21: refused with the reason, not "no such right".
        let support = RequestKind::Objection {
            purpose: Some(ElementId::parse("customer_support").unwrap()),
        };
        let err = grant(&shop, &support, "FR", tests::on()).unwrap_err();
        assert!(
            err.to_string()
                .contains("`customer_support` relies on contract"),
            "{err}"
        );
        // Portability: the shop processes on consent and contract.
        assert!(grant(&shop, &RequestKind::Portability, "FR", tests::on()).is_ok());
        // The CCPA's right to know reaches a Californian the policy forgot,
        // limited to two answers in 12 months.
        let iot = example("iot-platform");
        let g = grant(&iot, &RequestKind::RightToKnow, "US-CA", tests::on()).expect("CCPA");
        assert_eq!(g.rights[0].deadline.to_string(), "45 days");
        assert_eq!(g.rights[0].limit.as_ref().map(|l| l.count), Some(2));
        assert!(g.rights[0].agents.as_ref().is_some_and(|a| a.allowed));
    }

    #[test]
    fn names_parse_back() {
        for name in RequestKind::NAMES {
            let kind = RequestKind::parse(name, None).expect("a right vow runs");
            assert_eq!(kind.name(), *name);
            assert_eq!(serde_json::to_value(&kind).unwrap()["right"], *name);
        }
        assert!(RequestKind::parse("complaint", None).is_err());
    }

    #[test]
    fn kinds_serialise_in_snake_case() {
        let kind = RequestKind::Objection {
            purpose: Some(ElementId::parse("marketing").unwrap()),
        };
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, r#"{"right":"objection","purpose":"marketing"}"#);
        assert_eq!(
            serde_json::to_string(&RequestKind::RightToKnow).unwrap(),
            r#"{"right":"right_to_know"}"#
        );
    }
}
