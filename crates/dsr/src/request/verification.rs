//! Who may ask, and how the asker's identity is checked before anything is
//! answered (KIDS-14: identity verified first).
//!
//! **Methods.** A right lists the checks it accepts (`verification:`).
//! `account` (a signed-in session), `email_on_file`, `phone_on_file` (a
//! one-time code sent to a channel already on file, never to one given in
//! the request: KIDS-16) and `identity_document` each establish who the
//! person is; `match_records` and `signed_declaration` support them. A list
//! is satisfied when every supporting check in it has passed and, if it
//! names any of the others, one of them has: `[account, email_on_file]` is
//! either, `[match_records, email_on_file]` is both (KIDS-16: "matching
//! what is on file and contacting the person through a channel on file").
//! A right that lists nothing gets `[account, email_on_file]`. When several
//! rights apply, satisfying any one's list is enough.
//!
//! **Agents.** An authorised agent may act only where a right that applies
//! allows agents (`agents: {allowed: true}`), and must show one of the
//! proofs the rule lists (any proof at all when it lists none); when the
//! rule says `subject_confirms`, work starts only after the subject has
//! confirmed the request themselves (KIDS-17). A parent or guardian may act
//! for a child they are linked to (the link is an input: the store knows
//! it), unless the subject's kind says its guardian does not exercise its
//! rights; the code then goes to the parent, never to the child (KIDS-03).

use serde::{Deserialize, Serialize};
use vow_policy::{AgentProof, AgentRule, ElementId, Policy, VerificationMethod};

use super::Grant;

/// The checks that verify a request, one list per right that applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationRule {
    pub accepted: Vec<Vec<VerificationMethod>>,
}

/// What the issue asks for where the policy says nothing: a one-time code
/// to the e-mail on file, or an authenticated session.
const DEFAULT_METHODS: &[VerificationMethod] =
    &[VerificationMethod::Account, VerificationMethod::EmailOnFile];

fn supporting(method: VerificationMethod) -> bool {
    matches!(
        method,
        VerificationMethod::MatchRecords | VerificationMethod::SignedDeclaration
    )
}

impl VerificationRule {
    pub fn for_grant(grant: &Grant<'_>) -> Self {
        let mut accepted: Vec<Vec<VerificationMethod>> = grant
            .rights
            .iter()
            .map(|r| {
                if r.verification.is_empty() {
                    DEFAULT_METHODS.to_vec()
                } else {
                    r.verification.clone()
                }
            })
            .collect();
        accepted.dedup();
        VerificationRule { accepted }
    }

    /// Whether `method` is one of the checks accepted.
    pub fn accepts(&self, method: VerificationMethod) -> bool {
        self.accepted.iter().any(|list| list.contains(&method))
    }

    /// Whether the checks `passed` verify the request.
    pub fn satisfied_by(&self, passed: &[VerificationMethod]) -> bool {
        self.accepted.iter().any(|list| {
            let supports = list
                .iter()
                .filter(|m| supporting(**m))
                .all(|m| passed.contains(m));
            let mut establishing = list.iter().filter(|m| !supporting(**m)).peekable();
            let established =
                establishing.peek().is_none() || establishing.any(|m| passed.contains(m));
            supports && established
        })
    }

    /// How the person's identity will be checked, in a sentence (English,
    /// like the other notices).
    pub fn sentence(&self) -> String {
        let said: Vec<&str> = self
            .methods()
            .into_iter()
            .map(|m| match m {
                VerificationMethod::Account => "by signing in to your account",
                VerificationMethod::EmailOnFile => "by a code sent to the e-mail address we hold",
                VerificationMethod::PhoneOnFile => "by a code sent to the phone number we hold",
                VerificationMethod::MatchRecords => {
                    "by comparing what you tell us with our records"
                }
                VerificationMethod::IdentityDocument => "by an identity document",
                VerificationMethod::SignedDeclaration => "by a declaration you sign",
            })
            .collect();
        match said.as_slice() {
            [] => "We need nothing more to confirm who you are.".to_owned(),
            [one] => format!("We will confirm who you are {one}."),
            [rest @ .., last] => {
                format!(
                    "We will confirm who you are {}, or {last}.",
                    rest.join(", ")
                )
            }
        }
    }

    /// Every check accepted, once each, for showing the person their options.
    pub fn methods(&self) -> Vec<VerificationMethod> {
        let mut all: Vec<VerificationMethod> = Vec::new();
        for m in self.accepted.iter().flatten() {
            if !all.contains(m) {
                all.push(*m);
            }
        }
        all
    }
}

/// What the person asking has on file: where a one-time code may go.
/// For a parent's request, the parent's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnFile {
    pub email: Option<String>,
    pub phone: Option<String>,
    /// They have an account they can sign in to.
    pub account: bool,
}

/// How one check is carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    /// Ask them to sign in.
    SignIn,
    /// Send a one-time code to this address or number, which is on file.
    Code {
        method: VerificationMethod,
        to: String,
    },
    /// A member of staff compares records, a document or a declaration.
    Review { method: VerificationMethod },
}

/// Why a check cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerificationRefused {
    #[error("{} is not accepted for this request; use {}", method_name(*method), names(accepted))]
    NotAccepted {
        method: VerificationMethod,
        accepted: Vec<VerificationMethod>,
    },
    #[error("there is no {} on file to check against; use {}", on_file_name(*method), names(accepted))]
    NothingOnFile {
        method: VerificationMethod,
        accepted: Vec<VerificationMethod>,
    },
}

fn method_name(method: VerificationMethod) -> &'static str {
    match method {
        VerificationMethod::Account => "signing in",
        VerificationMethod::EmailOnFile => "a code to the e-mail address on file",
        VerificationMethod::PhoneOnFile => "a code to the phone number on file",
        VerificationMethod::MatchRecords => "matching the records held",
        VerificationMethod::IdentityDocument => "an identity document",
        VerificationMethod::SignedDeclaration => "a signed declaration",
    }
}

fn on_file_name(method: VerificationMethod) -> &'static str {
    match method {
        VerificationMethod::Account => "account",
        VerificationMethod::EmailOnFile => "e-mail address",
        VerificationMethod::PhoneOnFile => "phone number",
        _ => "record",
    }
}

fn names(methods: &[VerificationMethod]) -> String {
    let names: Vec<&str> = methods.iter().map(|m| method_name(*m)).collect();
    names.join(" or ")
}

impl VerificationRule {
    /// How to carry out `method` for someone with `on_file`: a code goes
    /// only to a channel already on file (KIDS-16), so the request's own
    /// address is not even an input.
    pub fn challenge(
        &self,
        method: VerificationMethod,
        on_file: &OnFile,
    ) -> Result<Challenge, VerificationRefused> {
        let accepted = self.methods();
        if !self.accepts(method) {
            return Err(VerificationRefused::NotAccepted { method, accepted });
        }
        let nothing = || VerificationRefused::NothingOnFile {
            method,
            accepted: accepted.clone(),
        };
        match method {
            VerificationMethod::Account if on_file.account => Ok(Challenge::SignIn),
            VerificationMethod::EmailOnFile => on_file
                .email
                .clone()
                .map(|to| Challenge::Code { method, to })
                .ok_or_else(nothing),
            VerificationMethod::PhoneOnFile => on_file
                .phone
                .clone()
                .map(|to| Challenge::Code { method, to })
                .ok_or_else(nothing),
            VerificationMethod::Account => Err(nothing()),
            other => Ok(Challenge::Review { method: other }),
        }
    }
}

/// Someone acting for the subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    pub kind: AgentKind,
    /// Who they are (their subject id, or a reference to their details).
    pub id: String,
    /// What they showed (an authorised agent); a parent's proof is the guardian link.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proof: Vec<AgentProof>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentKind {
    /// Someone the subject authorised (CCPA "authorized agent").
    AuthorisedAgent,
    /// A parent or guardian acting for a child.
    Parent,
}

/// Why an agent may not act for the subject: the request is denied with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum AgentRefused {
    #[error("the policy does not let an authorised agent make this request")]
    AgentsNotAllowed,
    #[error("an authorised agent must show {}", proofs(needed))]
    ProofMissing { needed: Vec<AgentProof> },
    #[error("the person asking is not linked to the subject as their parent or guardian")]
    NotGuardian,
    #[error("the guardian of a subject of kind `{kind}` does not exercise their rights")]
    GuardianDoesNotActForKind { kind: ElementId },
}

fn proofs(needed: &[AgentProof]) -> String {
    if needed.is_empty() {
        return "proof that the subject authorised them".to_owned();
    }
    let names: Vec<&str> = needed
        .iter()
        .map(|p| match p {
            AgentProof::SignedPermission => "the subject's signed permission",
            AgentProof::PowerOfAttorney => "a power of attorney",
            AgentProof::RegisteredBusiness => "their registration with the Secretary of State",
        })
        .collect();
    names.join(" or ")
}

/// The facts about a parent's link that the store holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guardianship {
    /// The agent is recorded as the subject's parent or guardian.
    pub linked: bool,
    /// The subject's kind, when known (`child`).
    pub subject_kind: Option<ElementId>,
}

/// Whether `agent` may make this request, and whether the subject must
/// then confirm it themselves.
pub fn check_agent(
    policy: &Policy,
    grant: &Grant<'_>,
    agent: &Agent,
    guardianship: &Guardianship,
) -> Result<AgentTerms, AgentRefused> {
    match agent.kind {
        AgentKind::Parent => {
            if !guardianship.linked {
                return Err(AgentRefused::NotGuardian);
            }
            if let Some(kind) = &guardianship.subject_kind
                && let Some(subject) = policy.subjects.iter().find(|s| &s.id == kind)
                && !subject
                    .guardian
                    .as_ref()
                    .is_some_and(|g| g.exercises_rights)
            {
                return Err(AgentRefused::GuardianDoesNotActForKind { kind: kind.clone() });
            }
            Ok(AgentTerms {
                subject_confirms: false,
            })
        }
        AgentKind::AuthorisedAgent => {
            let rules: Vec<&AgentRule> = grant
                .rights
                .iter()
                .filter_map(|r| r.agents.as_ref())
                .filter(|a| a.allowed)
                .collect();
            if rules.is_empty() {
                return Err(AgentRefused::AgentsNotAllowed);
            }
            let shows = |rule: &AgentRule| {
                if rule.proof.is_empty() {
                    !agent.proof.is_empty()
                } else {
                    rule.proof.iter().any(|p| agent.proof.contains(p))
                }
            };
            let met: Vec<&&AgentRule> = rules.iter().filter(|r| shows(r)).collect();
            if met.is_empty() {
                let mut needed: Vec<AgentProof> =
                    rules.iter().flat_map(|r| r.proof.iter().copied()).collect();
                needed.dedup();
                return Err(AgentRefused::ProofMissing { needed });
            }
            Ok(AgentTerms {
                subject_confirms: met.iter().all(|r| r.subject_confirms),
            })
        }
    }
}

/// What follows from an agent's acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentTerms {
    /// The subject must confirm the request before work starts (KIDS-17).
    pub subject_confirms: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{RequestKind, grant, tests::example};

    #[test]
    fn kids_16_matching_records_and_a_code_to_the_email_on_file_are_both_needed() {
        // promise: KIDS-16
        let kids = example("kids-coding-franchise");
        let g = grant(
            &kids,
            &RequestKind::RightToKnow,
            "US-CA",
            crate::request::tests::on(),
        )
        .unwrap();
        let rule = VerificationRule::for_grant(&g);
        use VerificationMethod::*;
        assert!(!rule.satisfied_by(&[EmailOnFile]));
        assert!(!rule.satisfied_by(&[MatchRecords]));
        assert!(rule.satisfied_by(&[MatchRecords, EmailOnFile]));
        let on_file = OnFile {
            email: Some("parent@example.org".into()),
            ..OnFile::default()
        };
        assert_eq!(
            rule.challenge(EmailOnFile, &on_file),
            Ok(Challenge::Code {
                method: EmailOnFile,
                to: "parent@example.org".into()
            })
        );
        let err = rule.challenge(PhoneOnFile, &on_file).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a code to the phone number on file is not accepted for this request; \
             use matching the records held or a code to the e-mail address on file"
        );
        let err = rule.challenge(EmailOnFile, &OnFile::default()).unwrap_err();
        assert!(matches!(err, VerificationRefused::NothingOnFile { .. }));
    }

    #[test]
    fn kids_14_a_session_or_a_code_to_the_email_on_file_either_verifies() {
        // promise: KIDS-14
        let kids = example("kids-coding-franchise");
        let g = grant(
            &kids,
            &RequestKind::Access,
            "GB",
            crate::request::tests::on(),
        )
        .unwrap();
        let rule = VerificationRule::for_grant(&g);
        assert!(rule.satisfied_by(&[VerificationMethod::Account]));
        assert!(rule.satisfied_by(&[VerificationMethod::EmailOnFile]));
        assert!(!rule.satisfied_by(&[]));
        assert!(!rule.accepts(VerificationMethod::IdentityDocument));
    }

    #[test]
    fn a_right_that_lists_no_check_gets_a_session_or_a_code() {
        let shop = example("course-shop");
        let g = grant(
            &shop,
            &RequestKind::Access,
            "FR",
            crate::request::tests::on(),
        )
        .unwrap();
        let rule = VerificationRule::for_grant(&g);
        assert_eq!(
            rule.methods(),
            vec![VerificationMethod::Account, VerificationMethod::EmailOnFile]
        );
    }

    #[test]
    fn kids_17_an_authorised_agent_needs_proof_and_the_subject_confirms() {
        // promise: KIDS-17
        let kids = example("kids-coding-franchise");
        let g = grant(
            &kids,
            &RequestKind::RightToKnow,
            "US-CA",
            crate::request::tests::on(),
        )
        .unwrap();
        let mut agent = Agent {
            kind: AgentKind::AuthorisedAgent,
            id: "agent-1".into(),
            proof: vec![],
        };
        let none = Guardianship::default();
        let err = check_agent(&kids, &g, &agent, &none).unwrap_err();
        assert_eq!(
            err.to_string(),
            "an authorised agent must show the subject's signed permission or \
             their registration with the Secretary of State"
        );
        agent.proof = vec![AgentProof::SignedPermission];
        assert_eq!(
            check_agent(&kids, &g, &agent, &none),
            Ok(AgentTerms {
                subject_confirms: true
            })
        );
        // No agent rule for the GDPR rights in this policy.
        let gb = grant(
            &kids,
            &RequestKind::Access,
            "GB",
            crate::request::tests::on(),
        )
        .unwrap();
        assert_eq!(
            check_agent(&kids, &gb, &agent, &none),
            Err(AgentRefused::AgentsNotAllowed)
        );
    }

    #[test]
    fn kids_02_a_linked_parent_acts_for_their_child() {
        // promise: KIDS-02
        let kids = example("kids-coding-franchise");
        let g = grant(
            &kids,
            &RequestKind::Erasure,
            "GB",
            crate::request::tests::on(),
        )
        .unwrap();
        let parent = Agent {
            kind: AgentKind::Parent,
            id: "parent-7".into(),
            proof: vec![],
        };
        let child = Guardianship {
            linked: true,
            subject_kind: Some(ElementId::parse("child").unwrap()),
        };
        assert_eq!(
            check_agent(&kids, &g, &parent, &child),
            Ok(AgentTerms {
                subject_confirms: false
            })
        );
        let stranger = Guardianship {
            linked: false,
            ..child.clone()
        };
        assert_eq!(
            check_agent(&kids, &g, &parent, &stranger),
            Err(AgentRefused::NotGuardian)
        );
        // A visitor has no guardian who acts for them.
        let visitor = Guardianship {
            linked: true,
            subject_kind: Some(ElementId::parse("visitor").unwrap()),
        };
        assert!(matches!(
            check_agent(&kids, &g, &parent, &visitor),
            Err(AgentRefused::GuardianDoesNotActForKind { .. })
        ));
    }
}
