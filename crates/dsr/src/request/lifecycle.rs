//! A request's life, as a strict state machine.
//!
//! [`Request::receive`] opens a request: it works out, once, everything the
//! policy and the law owe it (the deadline, the checks that verify it, the
//! appeal a denial must state, whether an agent's request needs the
//! subject's confirmation) and refuses at once, as a denial with its
//! reason, what the policy does not grant, what arrived at the wrong place,
//! an agent without the proof required and a request over the limit.
//! Every later change is a [`Transition`] applied with [`Request::apply`],
//! which refuses what cannot happen: answering an unverified request,
//! starting an agent's request the subject has not confirmed, an extension
//! after the deadline passed or beyond the longest allowed, a denial that
//! leaves out the appeal the law gives, anything after the request closed.
//!
//! Each applied transition is one [`Step`] (time, actor, transition), the
//! payload of one ledger `request` event; [`replay`] rebuilds the request
//! from its steps, and the result equals the live one. The first step
//! carries what was worked out at receipt, so a replay needs neither the
//! policy nor the law tables as they may be later.
//!
//! ```text
//! received ─▶ verification_pending ─▶ verified ─▶ in_progress ⇄ waiting
//!    │                 │                 │            │            │
//!    │                 │                 └──▶ completed / partially_completed
//!    └─────────────────┴─────── denied / withdrawn (from any open state)
//! ```
//!
//! An extension is a step, not a state: a request is extended while it
//! waits for verification or while work goes on, and stays where it was
//! with a later [`Request::due`].

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use vow_policy::{Policy, VerificationMethod};

use super::appeal::{Appeal, appeal};
use super::deadline::{Basis, Deadline, due_for};
use super::intake::{self, Arrival, IntakeRefused};
use super::limit::{self, Earlier, LimitReached, Outcome};
use super::verification::{Agent, AgentRefused, Guardianship, VerificationRule, check_agent};
use super::{ByLaw, NotGranted, RequestKind, grant, laws_in};

/// Who took a step. Serialised as the ledger's own actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub kind: ActorKind,
    pub id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// The person themselves.
    Subject,
    /// A parent, guardian or authorised agent.
    Agent,
    /// A member of staff (a request received by post, SHOP-09).
    Staff,
    /// vow itself (a refusal at intake).
    System,
}

impl Actor {
    pub fn new(kind: ActorKind, id: impl Into<String>) -> Self {
        Actor {
            kind,
            id: id.into(),
        }
    }

    /// vow itself.
    pub fn system() -> Self {
        Actor::new(ActorKind::System, "vow")
    }
}

/// What arrives: the request as asked, before anything is worked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub id: String,
    pub kind: RequestKind,
    pub subject: String,
    /// The subject's jurisdiction (`GB`, `FR`, `US-CA`).
    pub jurisdiction: String,
    pub agent: Option<Agent>,
    /// For a parent's request: the guardian link the store holds.
    pub guardianship: Guardianship,
    /// How it arrived, when the intake rules should be checked (a request
    /// staff open from a letter may leave it out).
    pub arrival: Option<Arrival>,
}

/// The first step of every request: what was asked and what it is owed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Received {
    pub id: String,
    pub kind: RequestKind,
    pub subject: String,
    pub jurisdiction: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<Agent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival: Option<Arrival>,
    /// `None` only for a request the policy does not grant (denied at once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Deadline>,
    pub verification: VerificationRule,
    /// An agent's request waits for the subject's own confirmation.
    #[serde(default)]
    pub subject_confirms: bool,
    /// What a denial must tell the person they may do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal: Option<Appeal>,
    /// The law that gives the right, where the policy declares it nowhere
    /// that covers the person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_law: Vec<ByLaw>,
}

/// Where a request stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RequestState {
    Received,
    /// A check has started (a code was sent) or passed, and more is needed.
    VerificationPending,
    /// The asker's identity is verified.
    Verified,
    InProgress,
    /// A dataset cannot be reached; work resumes at `retry_at`.
    Waiting {
        dataset: String,
        retry_at: DateTime<Utc>,
    },
    Completed,
    /// Answered in part: what could not be done, and why.
    PartiallyCompleted {
        reasons: Vec<Shortfall>,
    },
    Denied {
        reason: DenialReason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        appeal: Option<Appeal>,
    },
    Withdrawn,
}

impl RequestState {
    /// The state's name as serialised, for the ledger event's `status`.
    pub fn name(&self) -> &'static str {
        match self {
            RequestState::Received => "received",
            RequestState::VerificationPending => "verification_pending",
            RequestState::Verified => "verified",
            RequestState::InProgress => "in_progress",
            RequestState::Waiting { .. } => "waiting",
            RequestState::Completed => "completed",
            RequestState::PartiallyCompleted { .. } => "partially_completed",
            RequestState::Denied { .. } => "denied",
            RequestState::Withdrawn => "withdrawn",
        }
    }

    /// Whether the request is closed: nothing more can happen to it.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            RequestState::Completed
                | RequestState::PartiallyCompleted { .. }
                | RequestState::Denied { .. }
                | RequestState::Withdrawn
        )
    }

    /// Whether the request was answered, in full or in part.
    pub fn is_answered(&self) -> bool {
        matches!(
            self,
            RequestState::Completed | RequestState::PartiallyCompleted { .. }
        )
    }

    /// Where it stands as far as request limits care.
    pub fn outcome(&self) -> Outcome {
        match self {
            RequestState::Completed | RequestState::PartiallyCompleted { .. } => Outcome::Answered,
            RequestState::Denied { .. } => Outcome::Denied,
            RequestState::Withdrawn => Outcome::Withdrawn,
            _ => Outcome::Open,
        }
    }
}

/// The requests among `requests` that exercise the same right as `kind`,
/// as [`limit::check`] counts them.
pub fn earlier(requests: &[Request], kind: &RequestKind) -> Vec<Earlier> {
    requests
        .iter()
        .filter(|r| r.kind.right() == kind.right())
        .map(|r| Earlier {
            received: r.received,
            outcome: r.state.outcome(),
        })
        .collect()
}

/// Something a partial answer could not do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    /// What was not done (a dataset, a category, a field).
    pub what: String,
    /// Why (a legal hold, a dataset that stayed down, an exception of the right).
    pub why: String,
}

/// Why a request was denied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum DenialReason {
    #[error("{detail}")]
    NotGranted { detail: NotGranted },
    #[error("{detail}")]
    IntakeRefused { detail: IntakeRefused },
    #[error("{detail}")]
    AgentRefused { detail: AgentRefused },
    /// KIDS-15: refused with the date the next request is possible.
    #[error("{detail}")]
    LimitReached { detail: LimitReached },
    #[error("the identity of the person asking could not be verified")]
    IdentityNotVerified,
    /// An exception of the law or the policy, in staff's words.
    #[error("{explanation}")]
    Exception { explanation: String },
}

/// A change in a request's life; each is one ledger `request` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Transition {
    Received(Box<Received>),
    /// A check began: a code was sent, a document asked for.
    VerificationStarted {
        method: VerificationMethod,
    },
    /// A check passed.
    IdentityChecked {
        method: VerificationMethod,
    },
    /// The subject confirmed the request an agent made for them (KIDS-17).
    SubjectConfirmed,
    /// The person was told their request was received, how it will be
    /// verified and when the answer is due (the CCPA asks for it within
    /// 10 business days, 11 CCR § 7021(a)).
    Acknowledged,
    Started,
    Waiting {
        dataset: String,
        retry_at: DateTime<Utc>,
    },
    Resumed,
    /// The answer is put off to `new_due`; the subject has been told why.
    Extended {
        reason: String,
        new_due: DateTime<Utc>,
        subject_told: bool,
    },
    Completed,
    PartiallyCompleted {
        reasons: Vec<Shortfall>,
    },
    Denied {
        reason: DenialReason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        appeal: Option<Appeal>,
    },
    Withdrawn,
}

impl Transition {
    /// The transition's name as serialised.
    pub fn name(&self) -> &'static str {
        match self {
            Transition::Received(_) => "received",
            Transition::VerificationStarted { .. } => "verification_started",
            Transition::IdentityChecked { .. } => "identity_checked",
            Transition::SubjectConfirmed => "subject_confirmed",
            Transition::Acknowledged => "acknowledged",
            Transition::Started => "started",
            Transition::Waiting { .. } => "waiting",
            Transition::Resumed => "resumed",
            Transition::Extended { .. } => "extended",
            Transition::Completed => "completed",
            Transition::PartiallyCompleted { .. } => "partially_completed",
            Transition::Denied { .. } => "denied",
            Transition::Withdrawn => "withdrawn",
        }
    }
}

/// One applied transition: the payload of one ledger `request` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub transition: Transition,
}

/// A transition the request's state does not allow.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot apply `{transition}` to a request that is {state}: {why}")]
pub struct InvalidTransition {
    pub state: &'static str,
    pub transition: &'static str,
    pub why: Why,
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Why {
    #[error("the request is closed")]
    Closed,
    #[error("it does not follow from this state")]
    NotFromHere,
    #[error("a request is received once, as its first step")]
    ReceivedAgain,
    #[error("it is dated {at}, before the last step ({last})")]
    BeforeLastStep {
        at: DateTime<Utc>,
        last: DateTime<Utc>,
    },
    #[error("the identity of the person asking has not been verified (accepted: {accepted:?})")]
    NotVerified { accepted: Vec<VerificationMethod> },
    #[error("the subject has not confirmed the request their agent made")]
    NotConfirmed,
    #[error("only the subject can confirm their agent's request, not {actor:?}")]
    ConfirmedByOther { actor: ActorKind },
    #[error("no agent acts for the subject: there is nothing to confirm")]
    NoAgent,
    #[error("{method:?} is not a check this request accepts (accepted: {accepted:?})")]
    MethodNotAccepted {
        method: VerificationMethod,
        accepted: Vec<VerificationMethod>,
    },
    #[error("a partial answer must say what was not done and why")]
    NoShortfall,
    #[error("the retry time {retry_at} is not after {at}")]
    RetryNotLater {
        retry_at: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    #[error("an extension needs a reason")]
    NoReason,
    #[error("the subject must be told of the extension and why before it is taken")]
    NotTold,
    #[error("the request has no deadline")]
    NoDeadline,
    #[error("no extension is available: the policy and the law allow none beyond {due}")]
    NoExtension { due: DateTime<Utc> },
    #[error("the deadline passed at {due}: an extension must be taken before it")]
    DeadlinePassed { due: DateTime<Utc> },
    #[error("the new date {new_due} is not after the current one ({due})")]
    NotLater {
        new_due: DateTime<Utc>,
        due: DateTime<Utc>,
    },
    #[error("{new_due} is beyond the longest allowed, {latest}, set by {basis}")]
    BeyondLatest {
        new_due: DateTime<Utc>,
        latest: DateTime<Utc>,
        basis: Basis,
    },
    #[error("a denial must state the appeal the law gives: {appeal}")]
    AppealMissing { appeal: Box<Appeal> },
    #[error("receipt was confirmed already, at {at}")]
    AcknowledgedAgain { at: DateTime<Utc> },
}

/// A data-subject request: what was asked, what it is owed, where it
/// stands and every step that brought it there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: String,
    pub kind: RequestKind,
    pub subject: String,
    pub jurisdiction: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<Agent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival: Option<Arrival>,
    pub received: DateTime<Utc>,
    /// What the law and the policy allow, worked out at receipt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Deadline>,
    /// When the answer is due now: the deadline, or the last extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<DateTime<Utc>>,
    pub verification: VerificationRule,
    /// The checks that have passed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verified_by: Vec<VerificationMethod>,
    pub subject_confirms: bool,
    pub subject_confirmed: bool,
    /// When the person was told their request was received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<DateTime<Utc>>,
    /// The law that gives the right, where the policy declares it nowhere
    /// that covers the person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_law: Vec<ByLaw>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal: Option<Appeal>,
    pub state: RequestState,
    pub history: Vec<Step>,
}

impl Request {
    /// Opens a request received at `at` from `actor`: works out what it is
    /// owed under `policy` and the law of its jurisdiction, and denies it at
    /// once (as its second step, by vow) when the policy does not grant it
    /// there, it arrived where the policy does not take it, an agent may not
    /// make it, or the limit is reached given the subject's `previous`
    /// requests (of any kind: those of the same right are counted).
    pub fn receive(
        policy: &Policy,
        new: NewRequest,
        at: DateTime<Utc>,
        holidays: &[NaiveDate],
        previous: &[Request],
        actor: Actor,
    ) -> Request {
        let laws = laws_in(policy, &new.jurisdiction);
        let owed = appeal(&new.jurisdiction, &laws);
        let mut received = Received {
            id: new.id,
            kind: new.kind,
            subject: new.subject,
            jurisdiction: new.jurisdiction,
            agent: new.agent,
            arrival: new.arrival,
            deadline: None,
            verification: VerificationRule { accepted: vec![] },
            subject_confirms: false,
            appeal: owed,
            by_law: Vec::new(),
        };
        let refusal = match grant(
            policy,
            &received.kind,
            &received.jurisdiction,
            at.date_naive(),
        ) {
            Err(detail) => Some(DenialReason::NotGranted { detail }),
            Ok(grant) => {
                if grant.from_law {
                    received.by_law.clone_from(&grant.by_law);
                }
                received.deadline = Some(due_for(&grant, &laws, at, holidays));
                received.verification = VerificationRule::for_grant(&grant);
                let agent = received
                    .agent
                    .as_ref()
                    .map(|a| check_agent(policy, &grant, a, &new.guardianship));
                if let Some(Ok(terms)) = &agent {
                    received.subject_confirms = terms.subject_confirms;
                }
                let intake = received.arrival.as_ref().map(|a| intake::check(&grant, a));
                if let Some(Err(detail)) = intake {
                    Some(DenialReason::IntakeRefused { detail })
                } else if let Some(Err(detail)) = agent {
                    Some(DenialReason::AgentRefused { detail })
                } else {
                    limit::check_grant(&grant, &earlier(previous, &received.kind), at)
                        .err()
                        .map(|detail| DenialReason::LimitReached { detail })
                }
            }
        };
        let mut request = Request::open(received, at, actor);
        if let Some(reason) = refusal {
            request
                .deny(reason, at, Actor::system())
                .expect("a request just received can be denied");
        }
        request
    }

    /// The request as its first step leaves it.
    fn open(received: Received, at: DateTime<Utc>, actor: Actor) -> Request {
        let r = received.clone();
        Request {
            id: r.id,
            kind: r.kind,
            subject: r.subject,
            jurisdiction: r.jurisdiction,
            agent: r.agent,
            arrival: r.arrival,
            received: at,
            due: r.deadline.as_ref().map(|d| d.due),
            deadline: r.deadline,
            verification: r.verification,
            verified_by: Vec::new(),
            subject_confirms: r.subject_confirms,
            subject_confirmed: false,
            acknowledged: None,
            by_law: r.by_law,
            appeal: r.appeal,
            state: RequestState::Received,
            history: vec![Step {
                at,
                actor,
                transition: Transition::Received(Box::new(received)),
            }],
        }
    }

    /// Denies the request, stating the appeal the law gives.
    pub fn deny(
        &mut self,
        reason: DenialReason,
        at: DateTime<Utc>,
        actor: Actor,
    ) -> Result<(), InvalidTransition> {
        let appeal = self.appeal.clone();
        self.apply(Transition::Denied { reason, appeal }, at, actor)
    }

    /// Applies one transition at `at` by `actor`, or refuses it and leaves
    /// the request as it was.
    pub fn apply(
        &mut self,
        transition: Transition,
        at: DateTime<Utc>,
        actor: Actor,
    ) -> Result<(), InvalidTransition> {
        let refuse = |why| InvalidTransition {
            state: self.state.name(),
            transition: transition.name(),
            why,
        };
        if let Some(last) = self.history.last()
            && at < last.at
        {
            return Err(refuse(Why::BeforeLastStep { at, last: last.at }));
        }
        if self.state.is_final() {
            return Err(refuse(Why::Closed));
        }
        let next = self.next(&transition, at, &actor).map_err(refuse)?;
        match &transition {
            Transition::IdentityChecked { method } if !self.verified_by.contains(method) => {
                self.verified_by.push(*method);
            }
            Transition::SubjectConfirmed => self.subject_confirmed = true,
            Transition::Acknowledged => self.acknowledged = Some(at),
            Transition::Extended { new_due, .. } => self.due = Some(*new_due),
            _ => {}
        }
        self.state = next;
        self.history.push(Step {
            at,
            actor,
            transition,
        });
        Ok(())
    }

    /// The state `transition` leads to, or why it cannot happen.
    fn next(
        &self,
        transition: &Transition,
        at: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<RequestState, Why> {
        use RequestState as S;
        use Transition as T;
        let accept = |method: &VerificationMethod| {
            if self.verification.accepts(*method) {
                Ok(())
            } else {
                Err(Why::MethodNotAccepted {
                    method: *method,
                    accepted: self.verification.methods(),
                })
            }
        };
        let same = || Ok(self.state.clone());
        match (&self.state, transition) {
            (_, T::Received(_)) => Err(Why::ReceivedAgain),
            (S::Received | S::VerificationPending, T::VerificationStarted { method }) => {
                accept(method)?;
                Ok(S::VerificationPending)
            }
            (S::Received | S::VerificationPending, T::IdentityChecked { method }) => {
                accept(method)?;
                let mut passed = self.verified_by.clone();
                passed.push(*method);
                Ok(if self.verification.satisfied_by(&passed) {
                    S::Verified
                } else {
                    S::VerificationPending
                })
            }
            (S::Received | S::VerificationPending | S::Verified, T::SubjectConfirmed) => {
                if self.agent.is_none() {
                    Err(Why::NoAgent)
                } else if actor.kind != ActorKind::Subject {
                    Err(Why::ConfirmedByOther { actor: actor.kind })
                } else {
                    same()
                }
            }
            (_, T::Acknowledged) => match self.acknowledged {
                Some(at) => Err(Why::AcknowledgedAgain { at }),
                None => same(),
            },
            (S::Verified, T::Started) => {
                self.ready()?;
                Ok(S::InProgress)
            }
            (S::Verified | S::InProgress, T::Completed) => {
                self.ready()?;
                Ok(S::Completed)
            }
            (
                S::Verified | S::InProgress | S::Waiting { .. },
                T::PartiallyCompleted { reasons },
            ) => {
                self.ready()?;
                if reasons.is_empty() {
                    return Err(Why::NoShortfall);
                }
                Ok(S::PartiallyCompleted {
                    reasons: reasons.clone(),
                })
            }
            (S::InProgress | S::Waiting { .. }, T::Waiting { dataset, retry_at }) => {
                if *retry_at <= at {
                    return Err(Why::RetryNotLater {
                        retry_at: *retry_at,
                        at,
                    });
                }
                Ok(S::Waiting {
                    dataset: dataset.clone(),
                    retry_at: *retry_at,
                })
            }
            (S::Waiting { .. }, T::Resumed) => Ok(S::InProgress),
            (
                _,
                T::Extended {
                    reason,
                    new_due,
                    subject_told,
                },
            ) => {
                self.extension(reason, *new_due, *subject_told, at)?;
                same()
            }
            (_, T::Denied { reason, appeal }) => {
                if let Some(owed) = &self.appeal
                    && appeal.as_ref() != Some(owed)
                {
                    return Err(Why::AppealMissing {
                        appeal: Box::new(owed.clone()),
                    });
                }
                Ok(S::Denied {
                    reason: reason.clone(),
                    appeal: appeal.clone(),
                })
            }
            (_, T::Withdrawn) => Ok(S::Withdrawn),
            _ => Err(Why::NotFromHere),
        }
    }

    /// Whether work may start or end: verified, and confirmed where an agent asked.
    fn ready(&self) -> Result<(), Why> {
        if !self.verified() {
            return Err(Why::NotVerified {
                accepted: self.verification.methods(),
            });
        }
        if self.subject_confirms && !self.subject_confirmed {
            return Err(Why::NotConfirmed);
        }
        Ok(())
    }

    fn extension(
        &self,
        reason: &str,
        new_due: DateTime<Utc>,
        subject_told: bool,
        at: DateTime<Utc>,
    ) -> Result<(), Why> {
        let (Some(deadline), Some(due)) = (&self.deadline, self.due) else {
            return Err(Why::NoDeadline);
        };
        if reason.trim().is_empty() {
            return Err(Why::NoReason);
        }
        if !subject_told {
            return Err(Why::NotTold);
        }
        let (Some(latest), Some(basis)) = (deadline.extended_due, &deadline.extension_basis) else {
            return Err(Why::NoExtension { due });
        };
        if at > due {
            return Err(Why::DeadlinePassed { due });
        }
        if new_due <= due {
            return Err(Why::NotLater { new_due, due });
        }
        if new_due > latest {
            return Err(Why::BeyondLatest {
                new_due,
                latest,
                basis: basis.clone(),
            });
        }
        Ok(())
    }

    /// Whether the checks passed verify the asker's identity.
    pub fn verified(&self) -> bool {
        self.verification.satisfied_by(&self.verified_by)
    }

    /// The state's name, for the ledger event's `status`.
    pub fn status(&self) -> &'static str {
        self.state.name()
    }

    /// When the request closed, if it has.
    pub fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.state
            .is_final()
            .then(|| self.history.last().map(|s| s.at))
            .flatten()
    }

    /// Whether the request is still open at `now` past its due date.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        !self.state.is_final()
            && self
                .due
                .is_some_and(|due| super::deadline::overdue(due, now))
    }

    /// When receipt must be confirmed by, while it is owed: a law of the
    /// jurisdiction asks for it, it was not given, the request is open.
    pub fn acknowledge_by(&self) -> Option<DateTime<Utc>> {
        if self.acknowledged.is_some() || self.state.is_final() {
            return None;
        }
        self.deadline
            .as_ref()
            .and_then(|d| d.acknowledge.as_ref())
            .map(|a| a.by)
    }

    /// Whether the confirmation of receipt the law asks for is late at `now`.
    pub fn acknowledgement_overdue(&self, now: DateTime<Utc>) -> bool {
        self.acknowledge_by()
            .is_some_and(|by| super::deadline::overdue(by, now))
    }

    /// Whole days left before the answer is due (negative once late).
    pub fn days_left(&self, now: DateTime<Utc>) -> Option<i64> {
        self.due.map(|due| super::deadline::days_left(due, now))
    }

    /// How late the request is at `now`, or was when it closed: never
    /// silently late.
    pub fn lateness(&self, now: DateTime<Utc>) -> Option<TimeDelta> {
        let due = self.due?;
        let end = self.closed_at().unwrap_or(now);
        (end > due).then(|| end - due)
    }
}

/// Why a request could not be rebuilt from its steps.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReplayError {
    #[error("there are no steps")]
    Empty,
    #[error("the first step is `{0}`, not `received`")]
    NotReceivedFirst(&'static str),
    #[error("step {index}: {error}")]
    Invalid {
        index: usize,
        error: InvalidTransition,
    },
}

/// Rebuilds a request from its steps (the payloads of its ledger events, in order).
pub fn replay(steps: &[Step]) -> Result<Request, ReplayError> {
    let (first, rest) = steps.split_first().ok_or(ReplayError::Empty)?;
    let Transition::Received(received) = &first.transition else {
        return Err(ReplayError::NotReceivedFirst(first.transition.name()));
    };
    let mut request = Request::open((**received).clone(), first.at, first.actor.clone());
    for (i, step) in rest.iter().enumerate() {
        request
            .apply(step.transition.clone(), step.at, step.actor.clone())
            .map_err(|error| ReplayError::Invalid {
                index: i + 1,
                error,
            })?;
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::tests::example;
    use crate::request::verification::AgentKind;
    use chrono::TimeZone;
    use vow_policy::AgentProof;

    fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 9, 30, 0).unwrap()
    }

    fn subject() -> Actor {
        Actor::new(ActorKind::Subject, "s-1")
    }

    fn staff() -> Actor {
        Actor::new(ActorKind::Staff, "dpo")
    }

    fn new(kind: RequestKind, jurisdiction: &str) -> NewRequest {
        NewRequest {
            id: "r-1".into(),
            kind,
            subject: "s-1".into(),
            jurisdiction: jurisdiction.into(),
            agent: None,
            guardianship: Guardianship::default(),
            arrival: None,
        }
    }

    fn received(policy: &str, kind: RequestKind, jurisdiction: &str) -> Request {
        Request::receive(
            &example(policy),
            new(kind, jurisdiction),
            utc(2026, 3, 2),
            &[],
            &[],
            subject(),
        )
    }

    fn why(result: Result<(), InvalidTransition>) -> Why {
        result.expect_err("the transition is refused").why
    }

    #[test]
    fn kids_14_nothing_is_answered_before_identity_is_verified() {
        // promise: KIDS-14 — identity verified first.
        let mut r = received("kids-coding-franchise", RequestKind::Erasure, "GB");
        assert_eq!(r.state, RequestState::Received);
        assert!(matches!(
            why(r.apply(Transition::Completed, utc(2026, 3, 3), staff())),
            Why::NotFromHere
        ));
        r.apply(
            Transition::VerificationStarted {
                method: VerificationMethod::EmailOnFile,
            },
            utc(2026, 3, 3),
            Actor::system(),
        )
        .unwrap();
        assert_eq!(r.state, RequestState::VerificationPending);
        assert!(matches!(
            why(r.apply(Transition::Started, utc(2026, 3, 3), staff())),
            Why::NotFromHere
        ));
        // A check the right does not accept does not count.
        assert!(matches!(
            why(r.apply(
                Transition::IdentityChecked {
                    method: VerificationMethod::IdentityDocument
                },
                utc(2026, 3, 3),
                staff()
            )),
            Why::MethodNotAccepted { .. }
        ));
        r.apply(
            Transition::IdentityChecked {
                method: VerificationMethod::EmailOnFile,
            },
            utc(2026, 3, 3),
            subject(),
        )
        .unwrap();
        assert_eq!(r.state, RequestState::Verified);
        r.apply(Transition::Started, utc(2026, 3, 4), Actor::system())
            .unwrap();
        r.apply(Transition::Completed, utc(2026, 3, 5), Actor::system())
            .unwrap();
        assert_eq!(r.status(), "completed");
        assert!(matches!(
            why(r.apply(Transition::Withdrawn, utc(2026, 3, 6), subject())),
            Why::Closed
        ));
    }

    #[test]
    fn kids_17_an_agents_request_waits_for_the_subjects_own_confirmation() {
        // promise: KIDS-17
        let kids = example("kids-coding-franchise");
        let mut asked = new(RequestKind::RightToKnow, "US-CA");
        asked.agent = Some(Agent {
            kind: AgentKind::AuthorisedAgent,
            id: "agent-1".into(),
            proof: vec![AgentProof::SignedPermission],
        });
        let agent = Actor::new(ActorKind::Agent, "agent-1");
        let mut r = Request::receive(&kids, asked, utc(2026, 3, 2), &[], &[], agent.clone());
        assert!(r.subject_confirms);
        for method in [
            VerificationMethod::MatchRecords,
            VerificationMethod::EmailOnFile,
        ] {
            r.apply(
                Transition::IdentityChecked { method },
                utc(2026, 3, 3),
                staff(),
            )
            .unwrap();
        }
        assert_eq!(r.state, RequestState::Verified);
        assert_eq!(
            why(r.apply(Transition::Started, utc(2026, 3, 3), staff())),
            Why::NotConfirmed
        );
        assert!(matches!(
            why(r.apply(Transition::SubjectConfirmed, utc(2026, 3, 3), agent)),
            Why::ConfirmedByOther {
                actor: ActorKind::Agent
            }
        ));
        r.apply(Transition::SubjectConfirmed, utc(2026, 3, 4), subject())
            .unwrap();
        r.apply(Transition::Started, utc(2026, 3, 4), staff())
            .unwrap();
        assert_eq!(r.state, RequestState::InProgress);
    }

    fn verified(policy: &str, kind: RequestKind, jurisdiction: &str) -> Request {
        let mut r = received(policy, kind, jurisdiction);
        r.apply(
            Transition::IdentityChecked {
                method: VerificationMethod::EmailOnFile,
            },
            utc(2026, 3, 2),
            subject(),
        )
        .unwrap();
        r
    }

    fn extend(
        r: &mut Request,
        to: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<(), InvalidTransition> {
        r.apply(
            Transition::Extended {
                reason: "the request is complex".into(),
                new_due: to,
                subject_told: true,
            },
            at,
            staff(),
        )
    }

    #[test]
    fn extensions_stay_within_the_law_and_the_promise() {
        // promise: KIDS-14 — GDPR one month plus two; received 2 March 2026.
        let mut r = verified("kids-coding-franchise", RequestKind::Access, "GB");
        assert_eq!(r.due, Some(utc(2026, 4, 2)));
        assert_eq!(
            r.deadline.as_ref().and_then(|d| d.extended_due),
            Some(utc(2026, 6, 2))
        );
        assert!(matches!(
            why(extend(&mut r, utc(2026, 6, 3), utc(2026, 3, 20))),
            Why::BeyondLatest { .. }
        ));
        assert!(matches!(
            why(extend(&mut r, utc(2026, 4, 1), utc(2026, 3, 20))),
            Why::NotLater { .. }
        ));
        assert!(matches!(
            why(r.apply(
                Transition::Extended {
                    reason: "complex".into(),
                    new_due: utc(2026, 5, 2),
                    subject_told: false
                },
                utc(2026, 3, 20),
                staff()
            )),
            Why::NotTold
        ));
        // Twice, each within the longest allowed.
        extend(&mut r, utc(2026, 5, 2), utc(2026, 3, 20)).unwrap();
        extend(&mut r, utc(2026, 6, 2), utc(2026, 4, 20)).unwrap();
        assert_eq!(r.due, Some(utc(2026, 6, 2)));
        assert_eq!(r.state, RequestState::Verified);
        assert!(matches!(
            why(extend(&mut r, utc(2026, 6, 3), utc(2026, 4, 21))),
            Why::NotLater { .. } | Why::BeyondLatest { .. }
        ));
    }

    #[test]
    fn no_extension_after_the_deadline_passed() {
        let mut r = verified("kids-coding-franchise", RequestKind::Access, "GB");
        assert!(matches!(
            why(extend(&mut r, utc(2026, 5, 2), utc(2026, 4, 3))),
            Why::DeadlinePassed { .. }
        ));
        assert!(r.overdue(utc(2026, 4, 3)));
        assert_eq!(r.lateness(utc(2026, 4, 3)), Some(TimeDelta::days(1)));
        // Answering late is allowed, and stays visible.
        r.apply(Transition::Completed, utc(2026, 4, 4), staff())
            .unwrap();
        assert!(!r.overdue(utc(2026, 5, 1)));
        assert_eq!(r.lateness(utc(2026, 5, 1)), Some(TimeDelta::days(2)));
    }

    #[test]
    fn edu_13_the_thirty_days_promised_cannot_be_extended() {
        // promise: EDU-13 — the policy promises 30 days and no extension.
        let mut r = verified("edtech-classroom", RequestKind::Access, "GB");
        assert_eq!(r.due, Some(utc(2026, 4, 1)));
        assert!(matches!(
            why(extend(&mut r, utc(2026, 4, 2), utc(2026, 3, 10))),
            Why::NoExtension { .. }
        ));
    }

    #[test]
    fn a_denial_states_the_appeal_the_law_gives() {
        let mut r = verified("kids-coding-franchise", RequestKind::Erasure, "GB");
        let reason = DenialReason::Exception {
            explanation: "the data is kept under a legal hold".into(),
        };
        assert!(matches!(
            why(r.apply(
                Transition::Denied {
                    reason: reason.clone(),
                    appeal: None
                },
                utc(2026, 3, 3),
                staff()
            )),
            Why::AppealMissing { .. }
        ));
        r.deny(reason, utc(2026, 3, 3), staff()).unwrap();
        let RequestState::Denied {
            appeal: Some(appeal),
            ..
        } = &r.state
        else {
            panic!("denied with an appeal: {:?}", r.state);
        };
        assert!(
            appeal
                .to_string()
                .contains("Information Commissioner's Office")
        );
    }

    #[test]
    fn a_kind_the_policy_does_not_grant_is_denied_at_once_with_the_reason() {
        // The course shop serves France only; Japan's law gives no
        // restriction vow knows of, and the policy none.
        let r = received("course-shop", RequestKind::Restriction, "JP");
        let RequestState::Denied { reason, .. } = &r.state else {
            panic!("denied: {:?}", r.state);
        };
        assert_eq!(
            reason.to_string(),
            "neither the policy nor the law of JP gives a right of restriction"
        );
        assert_eq!(r.deadline, None);
        assert_eq!(r.history.len(), 2);
        assert_eq!(r.history[1].actor, Actor::system());
    }

    #[test]
    fn a_statutory_right_is_granted_where_the_policy_is_silent() {
        // The UK GDPR gives restriction (Art. 18); the edtech policy does
        // not list it: granted, due in the law's month, extendable by two.
        let r = received("edtech-classroom", RequestKind::Restriction, "GB");
        assert_eq!(r.state, RequestState::Received, "{:?}", r.state);
        let d = r.deadline.as_ref().expect("a deadline");
        assert_eq!(
            d.basis.to_string(),
            "the UK GDPR (UK GDPR Art. 12(3), Art. 12A)"
        );
        assert!(d.extended_due.is_some());
    }

    #[test]
    fn kids_15_a_third_request_is_denied_at_receipt_with_the_date() {
        // promise: KIDS-15
        let kids = example("kids-coding-franchise");
        let mut previous = Vec::new();
        for (i, at) in [utc(2026, 1, 10), utc(2026, 3, 3)].into_iter().enumerate() {
            let mut asked = new(RequestKind::RightToKnow, "US-CA");
            asked.id = format!("r-{i}");
            previous.push(Request::receive(
                &kids,
                asked,
                at,
                &[],
                &previous,
                subject(),
            ));
        }
        assert!(previous.iter().all(|r| r.state == RequestState::Received));
        let third = Request::receive(
            &kids,
            new(RequestKind::RightToKnow, "US-CA"),
            utc(2026, 6, 1),
            &[],
            &previous,
            subject(),
        );
        let RequestState::Denied {
            reason: DenialReason::LimitReached { detail },
            appeal: None,
        } = &third.state
        else {
            panic!("denied for the limit: {:?}", third.state);
        };
        assert_eq!(detail.next_possible, utc(2027, 1, 10));
    }

    #[test]
    fn waiting_for_a_dataset_then_resuming() {
        let mut r = verified("iot-platform", RequestKind::Erasure, "US");
        r.apply(Transition::Started, utc(2026, 3, 3), Actor::system())
            .unwrap();
        let wait = |retry_at| Transition::Waiting {
            dataset: "telemetry".into(),
            retry_at,
        };
        assert!(matches!(
            why(r.apply(wait(utc(2026, 3, 3)), utc(2026, 3, 3), Actor::system())),
            Why::RetryNotLater { .. }
        ));
        r.apply(wait(utc(2026, 3, 4)), utc(2026, 3, 3), Actor::system())
            .unwrap();
        assert_eq!(r.status(), "waiting");
        assert!(matches!(
            why(r.apply(Transition::Completed, utc(2026, 3, 4), Actor::system())),
            Why::NotFromHere
        ));
        r.apply(Transition::Resumed, utc(2026, 3, 4), Actor::system())
            .unwrap();
        assert!(matches!(
            why(r.apply(
                Transition::PartiallyCompleted { reasons: vec![] },
                utc(2026, 3, 4),
                Actor::system()
            )),
            Why::NoShortfall
        ));
        r.apply(
            Transition::PartiallyCompleted {
                reasons: vec![Shortfall {
                    what: "invoices".into(),
                    why: "kept for 7 years as tax law requires".into(),
                }],
            },
            utc(2026, 3, 5),
            Actor::system(),
        )
        .unwrap();
        assert!(r.state.is_answered());
    }

    #[test]
    fn steps_cannot_go_back_in_time() {
        let mut r = received("course-shop", RequestKind::Access, "FR");
        assert!(matches!(
            why(r.apply(Transition::Withdrawn, utc(2026, 3, 1), subject())),
            Why::BeforeLastStep { .. }
        ));
    }

    #[test]
    fn steps_serialise_in_snake_case_and_replay_to_the_same_request() {
        let mut r = verified("kids-coding-franchise", RequestKind::Access, "FR");
        extend(&mut r, utc(2026, 5, 2), utc(2026, 3, 10)).unwrap();
        r.apply(Transition::Started, utc(2026, 3, 11), staff())
            .unwrap();
        let json = serde_json::to_value(&r.history[1]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "at": "2026-03-02T09:30:00Z",
                "actor": {"kind": "subject", "id": "s-1"},
                "transition": {"type": "identity_checked", "method": "email_on_file"}
            })
        );
        let text = serde_json::to_string(&r.history).unwrap();
        let steps: Vec<Step> = serde_json::from_str(&text).unwrap();
        assert_eq!(replay(&steps).unwrap(), r);
        assert_eq!(replay(&[]), Err(ReplayError::Empty));
        assert!(matches!(
            replay(&steps[1..]),
            Err(ReplayError::NotReceivedFirst("identity_checked"))
        ));
    }
}
