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

use serde::{Deserialize, Serialize};
use vow_policy::{ElementId, Jurisdiction, Law, Policy, Right, RightKind, law};

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

impl RequestKind {
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

/// The rights of a policy that a request exercises in one jurisdiction.
/// Never empty: [`grant`] refuses a kind the policy does not grant there.
///
/// When several rights apply (one everywhere, one for the EU), the person
/// is owed each promise: the shortest deadline, any accepted verification,
/// any agent rule that allows an agent, and a limit only when every right
/// sets one.
#[derive(Debug, Clone)]
pub struct Grant<'p> {
    pub kind: RequestKind,
    pub jurisdiction: String,
    pub rights: Vec<&'p Right>,
}

/// Why a policy does not grant a request: the caller denies it with this.
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
}

fn no_right(kind: &RequestKind, jurisdiction: &str, granted_in: &[Jurisdiction]) -> String {
    let right = kind_name(kind);
    if granted_in.is_empty() {
        format!("the policy grants no right of {right}")
    } else {
        let places: Vec<&str> = granted_in.iter().map(Jurisdiction::as_str).collect();
        format!(
            "the policy grants the right of {right} in {}, not in {jurisdiction}",
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

/// The rights of `policy` that a request of `kind` from `jurisdiction`
/// exercises ([`Right::applies_in`]).
pub fn grant<'p>(
    policy: &'p Policy,
    kind: &RequestKind,
    jurisdiction: &str,
) -> Result<Grant<'p>, NotGranted> {
    if let RequestKind::Objection {
        purpose: Some(purpose),
    } = kind
        && !policy.purposes.iter().any(|p| &p.id == purpose)
    {
        return Err(NotGranted::UnknownPurpose {
            purpose: purpose.clone(),
        });
    }
    let right = kind.right();
    let rights: Vec<&Right> = policy
        .rights
        .iter()
        .filter(|r| r.right == right && r.applies_in(jurisdiction))
        .collect();
    if rights.is_empty() {
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
    Ok(Grant {
        kind: kind.clone(),
        jurisdiction: jurisdiction.to_owned(),
        rights,
    })
}

/// A law's short name, as people write it.
pub fn law_name(law: Law) -> &'static str {
    match law {
        Law::Gdpr => "GDPR",
        Law::UkGdpr => "UK GDPR",
        Law::Eprivacy => "ePrivacy Directive",
        Law::Pecr => "PECR",
        Law::Ccpa => "CCPA",
        Law::Caloppa => "CalOPPA",
        Law::ShineTheLight => "Shine the Light law",
        Law::Coppa => "COPPA",
        Law::CanSpam => "CAN-SPAM Act",
        Law::Pipeda => "PIPEDA",
        Law::Casl => "CASL",
        Law::UaPdp => "Law of Ukraine on Personal Data Protection",
    }
}

/// Whether a jurisdiction the policy names (`EU`, `US`, `GLOBAL`) covers a
/// subject's jurisdiction (`FR`, `US-CA`): the rule of [`Right::applies_in`].
pub fn covers(named: &str, jurisdiction: &str) -> bool {
    named == jurisdiction
        || named == "GLOBAL"
        || (matches!(named, "EU" | "EEA") && law::in_eu(jurisdiction))
        || jurisdiction
            .strip_prefix(named)
            .is_some_and(|rest| rest.starts_with('-'))
}

/// The laws that apply to a subject in `jurisdiction`: those the policy
/// declares for every jurisdiction that covers it (a declaration without
/// laws means the usual ones, [`law::laws_for`]), and the usual laws of
/// `jurisdiction` itself when only `GLOBAL` (or nothing) covers it — the
/// law applies whether or not the policy names the place.
pub fn laws_in(policy: &Policy, jurisdiction: &str) -> Vec<Law> {
    let mut laws = Vec::new();
    let mut specific = false;
    for decl in &policy.jurisdictions {
        let named = decl.id.as_str();
        if !covers(named, jurisdiction) {
            continue;
        }
        specific |= named != "GLOBAL";
        laws.extend(law::laws_for(named, &decl.laws));
    }
    if !specific {
        laws.extend(law::default_laws(jurisdiction));
    }
    laws.sort();
    laws.dedup();
    laws
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

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
        assert_eq!(
            laws_in(&iot, "US-CA"),
            vec![Law::Ccpa, Law::Caloppa, Law::CanSpam]
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
        let err = grant(&kids, &RequestKind::RightToKnow, "GB").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the policy grants the right of right to know in US-CA, not in GB"
        );
        let shop = example("course-shop");
        let err = grant(&shop, &RequestKind::Restriction, "FR").unwrap_err();
        assert_eq!(err.to_string(), "the policy grants no right of restriction");
        let objection = RequestKind::Objection {
            purpose: Some(ElementId::parse("no_such_purpose").unwrap()),
        };
        assert!(matches!(
            grant(&kids, &objection, "GB"),
            Err(NotGranted::UnknownPurpose { .. })
        ));
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
