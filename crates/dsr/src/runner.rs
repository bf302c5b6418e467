//! Running requests: the [`Desk`] opens a request, records each of its
//! steps in the ledger, and does its work in every dataset — one task per
//! dataset, persisted before and after it runs, so that a crash resumes
//! where it stopped and a database that is down makes the request wait and
//! retry with backoff instead of being reported as done.
//!
//! The request's record (a [`Case`]) is saved in the store with an
//! optimistic version before its steps are appended to the ledger; the
//! ledger events are derived from the record alone (ids `<request>/<n>`,
//! content fixed by the step), so appending them again after a crash is
//! a no-op, and [`Desk::load`] catches the ledger up first thing.
//!
//! What a crash between a task's commit in the organisation's database and
//! the save of its result does: the task runs again. Access reads again;
//! erasure finds nothing left of the person (their identity was erased in
//! the same transaction) and records that; rectification writes the same
//! values again. No step is ever taken twice, and no task reports work it
//! did not see done.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use vow_policy::{Policy, RightKind, VerificationMethod};
use vow_store::{Event, EventKind, EventSource, RequestQuery, RequestRecord, Store, StoreError};

use crate::access::{self, Found};
use crate::dataset::{Dataset, IdentityKind};
use crate::erase::{self, Erasure};
use crate::know::{self, Know};
use crate::plan::{Plan, SqlValue};
use crate::request::notice_message::{Notice, notice_message};
use crate::request::{
    Actor, ActorKind, AgentKind, Challenge, CodeCheck, CodeRules, DenialReason, Guardianship,
    InvalidTransition, NewRequest, OnFile, PendingCode, Request, RequestKind, RequestState,
    Shortfall, Transition, code_message,
};
use crate::{Database, catalog, fault};

/// A dataset the desk can work in, and the folder its file is in (a
/// secrets file is found relative to it).
#[derive(Debug, Clone)]
pub struct Target {
    pub dataset: Dataset,
    pub base: PathBuf,
}

/// How long to wait before trying a dataset again: `first`, doubling each
/// attempt up to `max`; after `attempts` tries the task fails and waits
/// for staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: TimeDelta,
    pub max: TimeDelta,
    pub attempts: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: TimeDelta::seconds(30),
            max: TimeDelta::hours(1),
            attempts: 12,
        }
    }
}

impl Backoff {
    /// The wait after the `attempt`th failure (from 1).
    pub fn delay(&self, attempt: u32) -> TimeDelta {
        let doubled = self
            .first
            .checked_mul(1 << attempt.saturating_sub(1).min(20))
            .unwrap_or(self.max);
        doubled.min(self.max)
    }
}

/// What a request names the person by, in the datasets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Names {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
}

impl Names {
    /// The first name the dataset can look the person up by.
    fn for_dataset(&self, dataset: &Dataset) -> Option<(IdentityKind, SqlValue)> {
        let id = &dataset.subject.identity;
        [
            (IdentityKind::Email, &self.email),
            (IdentityKind::AccountId, &self.account_id),
            (IdentityKind::Phone, &self.phone),
        ]
        .into_iter()
        .find_map(|(kind, value)| {
            id.column(kind)?;
            let value = value.as_ref()?;
            Some((
                kind,
                match (kind, value.parse::<i64>()) {
                    (IdentityKind::AccountId, Ok(n)) => SqlValue::Int(n),
                    _ => SqlValue::Text(value.clone()),
                },
            ))
        })
    }

    fn is_empty(&self) -> bool {
        self.email.is_none() && self.phone.is_none() && self.account_id.is_none()
    }
}

/// A field a rectification sets, in the subject's own row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub column: String,
    /// The new value; `None` empties the field.
    pub value: Option<String>,
    /// Only in this dataset; `None`: in every dataset whose subject table
    /// has the column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
}

/// Where a task stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TaskState {
    Pending,
    /// Started at `since` and not recorded as ended: when found so by a
    /// later run, the process running it died, and it runs again.
    Running {
        since: DateTime<Utc>,
    },
    /// Failed at the last attempt; tried again from `retry_at`.
    Waiting {
        retry_at: DateTime<Utc>,
    },
    Done {
        at: DateTime<Utc>,
    },
    /// Failed at every attempt allowed: staff must look (`vow request run --retry`).
    Failed {
        at: DateTime<Utc>,
    },
}

/// The work of a request in one dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub dataset: String,
    #[serde(flatten)]
    pub state: TaskState,
    pub attempts: u32,
    /// Why the last attempt failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// An erasure's report, saved just before its transaction commits: when
    /// a crash leaves the task running and nothing of the person is found
    /// any more, the commit happened and this is what it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub committing: Option<Erasure>,
}

/// What a task did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// The person's rows (access, portability, right to know).
    Found(Found),
    Erased(Erasure),
    Rectified(Rectified),
}

/// What a rectification changed: fields and the hashes of their values
/// before and after (the audit record; the values themselves stay in the
/// organisation's database).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rectified {
    /// The person's rows changed (one per matching subject row).
    pub rows: u64,
    pub fields: Vec<FieldAudit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldAudit {
    pub column: String,
    /// SHA-256 of each row's old value (`null` for an empty field).
    pub before: Vec<Option<String>>,
    pub after: Option<String>,
}

/// An erasure's notice to a recipient that received the person's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Propagation {
    pub recipient: String,
    /// What it received, from the ledger's disclosures.
    pub categories: Vec<String>,
    pub queued_at: DateTime<Utc>,
    /// `queued` until the vendor worker delivers it.
    pub state: String,
}

/// How the person was told of one step of their request (`step`: its
/// index in the request's history). In the ledger with the step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Told {
    pub step: usize,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub how: HowTold,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum HowTold {
    /// An e-mail, to this address (masked: the ledger keeps no address)
    /// with this `Message-ID`.
    Email { to: String, message_id: String },
    /// Staff told them another way, in their words ("letter posted on 3 March").
    Otherwise { how: String },
}

/// How a step that must be told to the person is told.
pub enum Tell<'m> {
    /// By e-mail: to the address the datasets hold for them, else the one
    /// the request gave.
    Mail(&'m vow_mail::Mailer),
    /// Staff told them another way: what they did.
    Otherwise(String),
}

/// A request and everything vow keeps to run it: the record in the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub request: Request,
    pub names: Names,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    pub tasks: Vec<Task>,
    /// The effect recorded in the ledger for the subject (a restriction,
    /// an objection, an erasure), and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub know: Option<Know>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub propagation: Vec<Propagation>,
    /// The one-time code sent for the identity check, as its hash only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<PendingCode>,
    /// How the person was told of the steps the law makes the organisation
    /// tell them (an extension, a denial by staff).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub told: Vec<Told>,
    /// How many of the request's steps are in the ledger.
    #[serde(default)]
    pub ledgered: usize,
    /// The store's version of this record (not serialised in the body).
    #[serde(skip)]
    pub version: u64,
}

impl Case {
    /// The found rows per dataset, for an export package.
    pub fn found(&self) -> Vec<(&str, &Found)> {
        self.tasks
            .iter()
            .filter_map(|t| match &t.outcome {
                Some(Outcome::Found(found)) => Some((t.dataset.as_str(), found)),
                _ => None,
            })
            .collect()
    }

    /// When the runner should take the request up again.
    fn next_run(&self) -> Option<DateTime<Utc>> {
        match &self.request.state {
            RequestState::Waiting { retry_at, .. } => Some(*retry_at),
            // Verified or in progress: due now (a crashed run resumes).
            RequestState::Verified | RequestState::InProgress => Some(self.request.received),
            _ => None,
        }
    }
}

/// An erasure's plan in one dataset, from a dry run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preview {
    pub dataset: String,
    #[serde(serialize_with = "plan_or_error")]
    pub plan: Result<Erasure, String>,
}

fn plan_or_error<S: serde::Serializer>(
    plan: &Result<Erasure, String>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match plan {
        Ok(erasure) => erasure.serialize(s),
        Err(error) => json!({ "error": error }).serialize(s),
    }
}

/// What opens a request.
#[derive(Debug, Clone)]
pub struct Opening {
    pub new: NewRequest,
    /// What to look the person up by; empty: the subject id, when it is an
    /// e-mail address.
    pub names: Names,
    pub changes: Vec<Change>,
    pub actor: Actor,
    /// Public holidays, for deadlines counted in working days.
    pub holidays: Vec<NaiveDate>,
}

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("there is no request `{0}`; `vow request list` shows them")]
    NotFound(String),
    #[error(transparent)]
    Transition(#[from] InvalidTransition),
    #[error("{0}")]
    Invalid(String),
    /// A rectification names a field whose category the policy declares
    /// immutable (AGENCY-13): nothing is opened.
    #[error("`{column}` cannot be changed: it holds {name} (`{category}`), which the privacy policy declares immutable, so no rectification may set it{}; ask without it (the other fields can still be corrected)", dataset.as_ref().map(|d| format!(" in dataset `{d}`")).unwrap_or_default())]
    Immutable {
        column: String,
        dataset: Option<String>,
        category: String,
        /// The category's name in the policy's default language.
        name: String,
    },
    /// The mail server refused or could not be reached; nothing was
    /// recorded (a code sent is kept), so the step can be taken again.
    #[error("the e-mail could not be sent: {0}")]
    Mail(String),
    /// Only a completed access or portability request has a package.
    #[error("{0}")]
    NotExportable(String),
    #[error("the stored record of request `{id}` is unreadable: {reason}")]
    Corrupt { id: String, reason: String },
}

/// Receives progress as the work goes on (the CLI draws bars from it).
pub trait Watch: Sync {
    /// A task is starting in `dataset`, with `tables` tables.
    fn started(&self, _dataset: &str, _tables: usize) {}
    /// The task in `dataset` is through with `table` (read it, or ran its
    /// erasure statement): one step of `tables`.
    fn table(&self, _dataset: &str, _table: &str) {}
    /// A task ended: `Ok` with a one-line summary, or the error.
    fn ended(&self, _dataset: &str, _result: Result<&str, &str>) {}
}

/// Watches nothing.
pub struct Quiet;
impl Watch for Quiet {}

/// Opens, verifies and runs requests against a store and datasets.
pub struct Desk<'a, S> {
    pub store: &'a S,
    pub policy: &'a Policy,
    pub targets: &'a [Target],
    /// The key of the keyed hashes an erasure writes.
    pub hash_key: &'a [u8],
    pub backoff: Backoff,
    /// How the steps reach vow, for the ledger's source (`cli`, `api`).
    pub channel: &'a str,
    pub watch: &'a dyn Watch,
}

impl<S: Store> Desk<'_, S> {
    /// Opens a request received at `now`: works out what it is owed, denies
    /// at once what the policy does not grant, and records it.
    pub async fn create(&self, opening: Opening, now: DateTime<Utc>) -> Result<Case, DeskError> {
        if self.store.request(&opening.new.id).await?.is_some() {
            return Err(DeskError::Invalid(format!(
                "a request with id `{}` exists already",
                opening.new.id
            )));
        }
        let mut names = opening.names;
        if names.is_empty() && opening.new.subject.contains('@') {
            names.email = Some(opening.new.subject.clone());
        }
        for change in &opening.changes {
            if let Some(d) = &change.dataset
                && !self.targets.iter().any(|t| &t.dataset.id == d)
            {
                return Err(DeskError::Invalid(format!(
                    "the change of `{}` names dataset `{d}`, which is not configured",
                    change.column
                )));
            }
        }
        if let Some(refused) = self.immutable(&opening.changes) {
            return Err(refused);
        }
        let previous = self.previous(&opening.new.subject).await?;
        let mut new = opening.new;
        if let Some(agent) = &new.agent
            && agent.kind == AgentKind::Parent
            && new.guardianship == Guardianship::default()
        {
            new.guardianship = self.guardianship(&new.subject, &agent.id).await?;
        }
        let request = Request::receive(
            self.policy,
            new,
            now,
            &opening.holidays,
            &previous,
            opening.actor,
        );
        let tasks = match request.kind.right() {
            // Their work is in vow's own ledger, not the datasets.
            RightKind::Restriction | RightKind::Objection | RightKind::ShineTheLight => Vec::new(),
            RightKind::Rectification => self
                .targets
                .iter()
                .filter(|t| {
                    opening
                        .changes
                        .iter()
                        .any(|c| c.dataset.as_ref().is_none_or(|d| d == &t.dataset.id))
                })
                .map(|t| Task::new(&t.dataset.id))
                .collect(),
            _ => self
                .targets
                .iter()
                .map(|t| Task::new(&t.dataset.id))
                .collect(),
        };
        if request.kind == RequestKind::Rectification && opening.changes.is_empty() {
            return Err(DeskError::Invalid(
                "a rectification names the fields to change: give at least one".into(),
            ));
        }
        let mut case = Case {
            request,
            names,
            changes: opening.changes,
            tasks,
            effect: None,
            code: None,
            know: None,
            propagation: Vec::new(),
            told: Vec::new(),
            ledgered: 0,
            version: 0,
        };
        self.save(&mut case, now).await?;
        Ok(case)
    }

    /// The first change that would set a field of an immutable category
    /// (AGENCY-13), as the refusal: the column's category in the subject
    /// table of each dataset the change reaches, against the policy.
    pub fn immutable(&self, changes: &[Change]) -> Option<DeskError> {
        changes.iter().find_map(|change| {
            self.targets
                .iter()
                .filter(|t| change.dataset.as_ref().is_none_or(|d| d == &t.dataset.id))
                .find_map(|t| {
                    let dataset = &t.dataset;
                    let table = dataset
                        .tables
                        .iter()
                        .find(|s| s.table == dataset.subject.table)?;
                    let key = table
                        .columns
                        .iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case(&change.column))?
                        .1
                        .category
                        .as_ref()?;
                    let category = self.policy.immutable_category(key)?;
                    Some(DeskError::Immutable {
                        column: change.column.clone(),
                        dataset: change.dataset.clone(),
                        category: category.id.to_string(),
                        name: category
                            .name
                            .get(
                                self.policy
                                    .policy
                                    .languages
                                    .first()
                                    .map_or("en", |l| l.as_str()),
                            )
                            .to_owned(),
                    })
                })
        })
    }

    /// The request's record, with the ledger caught up with its steps.
    pub async fn load(&self, id: &str) -> Result<Case, DeskError> {
        let record = self
            .store
            .request(id)
            .await?
            .ok_or_else(|| DeskError::NotFound(id.to_owned()))?;
        let mut case: Case =
            serde_json::from_value(record.body).map_err(|e| DeskError::Corrupt {
                id: id.to_owned(),
                reason: e.to_string(),
            })?;
        case.version = record.version;
        if case.ledgered < case.request.history.len() {
            self.ledger(&mut case).await?;
            self.save(&mut case, record.updated_at).await?;
        }
        Ok(case)
    }

    /// Records that a check of the asker's identity passed (`by` saw it:
    /// staff compared a document, the person signed in).
    pub async fn checked(
        &self,
        id: &str,
        method: VerificationMethod,
        by: Actor,
        now: DateTime<Utc>,
    ) -> Result<Case, DeskError> {
        let case = self.load(id).await?;
        if case.request.verified_by.contains(&method) {
            // Already recorded: a retried call changes nothing.
            return Ok(case);
        }
        self.step(id, Transition::IdentityChecked { method }, by, now)
            .await
    }

    /// Sends a one-time code for the `email_on_file` check: to the address
    /// the organisation's own data holds for the person (the subject table's
    /// e-mail column in the first dataset that has one), never to one the
    /// request gave (KIDS-16). Keeps only the code's hash; returns where it
    /// went.
    pub async fn send_code(
        &self,
        id: &str,
        mailer: &vow_mail::Mailer,
        rules: &CodeRules,
        now: DateTime<Utc>,
    ) -> Result<(Case, String), DeskError> {
        let mut case = self.load(id).await?;
        let on_file = OnFile {
            email: self.email_on_file(&case).await?,
            phone: None,
            account: false,
        };
        let challenge = case
            .request
            .verification
            .challenge(VerificationMethod::EmailOnFile, &on_file)
            .map_err(|e| DeskError::Invalid(e.to_string()))?;
        let Challenge::Code { to, .. } = challenge else {
            return Err(DeskError::Invalid(
                "this check is not done by a code".into(),
            ));
        };
        let address: vow_mail::Address = to
            .parse()
            .map_err(|e: vow_mail::MailError| DeskError::Invalid(e.to_string()))?;
        let (code, pending) = rules
            .issue(now)
            .map_err(|e| DeskError::Invalid(e.to_string()))?;
        let message = code_message(
            &self.policy.organisation.name,
            &case.request.kind,
            address,
            &code,
            &pending,
        );
        case.request.apply(
            Transition::VerificationStarted {
                method: VerificationMethod::EmailOnFile,
            },
            now,
            Actor::system(),
        )?;
        case.code = Some(pending);
        // Saved before it is sent: a code that went out is always checkable.
        self.save(&mut case, now).await?;
        mailer
            .send(&message)
            .await
            .map_err(|e| DeskError::Mail(e.to_string()))?;
        Ok((case, to))
    }

    /// Checks a code the person entered: a match passes the `email_on_file`
    /// check; a wrong code counts against the attempts allowed.
    pub async fn enter_code(
        &self,
        id: &str,
        given: &str,
        now: DateTime<Utc>,
    ) -> Result<(Case, CodeCheck), DeskError> {
        let mut case = self.load(id).await?;
        let Some(pending) = case.code.as_mut() else {
            return Err(DeskError::Invalid(format!(
                "no code was sent for request `{id}`: send one first"
            )));
        };
        let check = pending.check(given, now);
        if check == CodeCheck::Verified {
            let subject = case.request.subject.clone();
            case.request.apply(
                Transition::IdentityChecked {
                    method: VerificationMethod::EmailOnFile,
                },
                now,
                Actor::new(ActorKind::Subject, subject),
            )?;
        }
        self.save(&mut case, now).await?;
        Ok((case, check))
    }

    /// The e-mail address the datasets hold for the person.
    async fn email_on_file(&self, case: &Case) -> Result<Option<String>, DeskError> {
        for target in self.targets {
            let dataset = &target.dataset;
            let Some(column) = dataset.subject.identity.email.clone() else {
                continue;
            };
            let Some((kind, value)) = case.names.for_dataset(dataset) else {
                continue;
            };
            let looked_up: Result<Option<String>, String> = async {
                let url = dataset
                    .connection
                    .url(&target.base)
                    .map_err(|e| e.to_string())?;
                let db = Database::connect(&url).await.map_err(|e| e.to_string())?;
                let found = async {
                    let catalog = catalog::read(&db).await.map_err(|e| e.to_string())?;
                    let plan = Plan::new(dataset, &catalog).map_err(|e| e.to_string())?;
                    let keys = find(&db, dataset, &plan, kind, &[value]).await?;
                    if keys.is_empty() {
                        return Ok(None);
                    }
                    let statement = plan
                        .subject_values(std::slice::from_ref(&column), &keys)
                        .map_err(|e| e.to_string())?;
                    let mut tx = db.begin().await.map_err(|e| e.to_string())?;
                    let rows = tx.fetch(&statement).await.map_err(|e| e.to_string())?;
                    tx.rollback().await.map_err(|e| e.to_string())?;
                    Ok(rows.into_iter().find_map(|row| match row.last() {
                        Some(SqlValue::Text(email)) => Some(email.clone()),
                        _ => None,
                    }))
                }
                .await;
                db.close().await;
                found
            }
            .await;
            match looked_up {
                Ok(Some(email)) => return Ok(Some(email)),
                Ok(None) => {}
                Err(e) => {
                    return Err(DeskError::Invalid(format!(
                        "cannot look up the e-mail address on file in `{}`: {e}",
                        dataset.id
                    )));
                }
            }
        }
        Ok(None)
    }

    /// Writes the export package of a completed access or portability
    /// request (`export::write_package`) from the rows its tasks read.
    pub async fn export<W: std::io::Write + std::io::Seek>(
        &self,
        id: &str,
        out: W,
        language: Option<String>,
    ) -> Result<crate::export::Manifest, DeskError> {
        let case = self.load(id).await?;
        let kind = crate::export::ExportKind::of(&case.request.kind).ok_or_else(|| {
            DeskError::NotExportable(format!(
                "request `{id}` is a request of {}: only access and portability are exported",
                case.request.kind
            ))
        })?;
        if !case.request.state.is_answered() {
            return Err(DeskError::NotExportable(format!(
                "request `{id}` is {}: it is exported once it is completed",
                case.request.status()
            )));
        }
        let at = case.request.closed_at().unwrap_or(case.request.received);
        let held: Vec<crate::export::Held<'_>> = case
            .found()
            .into_iter()
            .filter_map(|(dataset, found)| {
                Some(crate::export::Held {
                    dataset: &self.target(dataset)?.dataset,
                    found,
                })
            })
            .collect();
        let request = crate::export::ExportRequest {
            id: case.request.id.clone(),
            subject: case.request.subject.clone(),
            kind,
            jurisdiction: case.request.jurisdiction.clone(),
            at,
            language,
        };
        crate::export::write_package(out, self.policy, &request, &held)
            .map_err(|e| DeskError::Invalid(format!("the package could not be written: {e}")))
    }

    /// Applies one transition decided by a person (a denial, an extension,
    /// a withdrawal, the subject's confirmation of their agent's request).
    pub async fn step(
        &self,
        id: &str,
        transition: Transition,
        by: Actor,
        now: DateTime<Utc>,
    ) -> Result<Case, DeskError> {
        let mut case = self.load(id).await?;
        case.request.apply(transition, now, by)?;
        self.save(&mut case, now).await?;
        Ok(case)
    }

    /// Denies a request, stating the appeal the law gives, and tells the
    /// person why and what they may do about it.
    pub async fn deny(
        &self,
        id: &str,
        reason: DenialReason,
        tell: Tell<'_>,
        by: Actor,
        now: DateTime<Utc>,
    ) -> Result<Case, DeskError> {
        let mut case = self.load(id).await?;
        let appeal = case.request.appeal.clone();
        let transition = Transition::Denied {
            reason: reason.clone(),
            appeal: appeal.clone(),
        };
        let why = reason.to_string();
        let notice = Notice::Denied {
            reason: &why,
            appeal: appeal.as_ref(),
        };
        self.step_told(&mut case, transition, &notice, tell, by, now)
            .await?;
        Ok(case)
    }

    /// Confirms to the person that their request was received — how it
    /// will be verified, when it is due — and records that it was, and
    /// how. The CCPA asks for it within 10 business days (11 CCR §
    /// 7021(a)); [`Request::acknowledge_by`] says by when a law asks.
    pub async fn acknowledge(
        &self,
        id: &str,
        tell: Tell<'_>,
        by: Actor,
        now: DateTime<Utc>,
    ) -> Result<Case, DeskError> {
        let mut case = self.load(id).await?;
        let verification = case.request.verification.sentence();
        let notice = Notice::Received {
            due: case.request.due,
            verification: &verification,
        };
        self.step_told(&mut case, Transition::Acknowledged, &notice, tell, by, now)
            .await?;
        Ok(case)
    }

    /// Puts the answer off, to `new_due` or, without one, to the latest the
    /// law and the policy allow, for `reason` — and tells the person, as the
    /// law requires before the first deadline has passed. Nothing is
    /// recorded when the extension is not allowed or the person could not
    /// be told.
    pub async fn extend(
        &self,
        id: &str,
        reason: &str,
        new_due: Option<DateTime<Utc>>,
        tell: Tell<'_>,
        by: Actor,
        now: DateTime<Utc>,
    ) -> Result<Case, DeskError> {
        let mut case = self.load(id).await?;
        let latest = case.request.deadline.as_ref().and_then(|d| d.extended_due);
        // Without a deadline, or with no more time allowed, the request
        // itself refuses the step, saying why.
        let due = case.request.due.unwrap_or(now);
        let new_due = new_due.or(latest).unwrap_or(due);
        let transition = Transition::Extended {
            reason: reason.to_owned(),
            new_due,
            subject_told: true,
        };
        let notice = Notice::Extended {
            reason,
            due,
            new_due,
        };
        self.step_told(&mut case, transition, &notice, tell, by, now)
            .await?;
        Ok(case)
    }

    /// Takes a step the person must be told of: checked first (a step the
    /// request refuses sends nothing), then told, then recorded with how.
    async fn step_told(
        &self,
        case: &mut Case,
        transition: Transition,
        notice: &Notice<'_>,
        tell: Tell<'_>,
        by: Actor,
        now: DateTime<Utc>,
    ) -> Result<(), DeskError> {
        let mut probe = case.request.clone();
        probe.apply(transition.clone(), now, by.clone())?;
        let how = match tell {
            Tell::Otherwise(how) if how.trim().is_empty() => {
                return Err(DeskError::Invalid(
                    "say how the person was told (\"letter posted on 3 March\")".into(),
                ));
            }
            Tell::Otherwise(how) => HowTold::Otherwise { how },
            Tell::Mail(mailer) => {
                let to = match self.email_on_file(case).await? {
                    Some(on_file) => on_file,
                    None => case.names.email.clone().ok_or_else(|| {
                        DeskError::Invalid(format!(
                            "there is no e-mail address for the person of request `{}`, on \
                             file or in the request: tell them another way and say how",
                            case.request.id
                        ))
                    })?,
                };
                let address: vow_mail::Address = to
                    .parse()
                    .map_err(|e: vow_mail::MailError| DeskError::Invalid(e.to_string()))?;
                let message = notice_message(
                    &self.policy.organisation.name,
                    &case.request.kind,
                    case.request.received,
                    address,
                    notice,
                );
                let sent = mailer
                    .send(&message)
                    .await
                    .map_err(|e| DeskError::Mail(e.to_string()))?;
                HowTold::Email {
                    to: vow_mail::mask(&to),
                    message_id: sent.message_id,
                }
            }
        };
        case.request.apply(transition, now, by)?;
        case.told.push(Told {
            step: case.request.history.len() - 1,
            at: now,
            how,
        });
        self.save(case, now).await
    }

    /// Puts failed tasks back to pending, for a run after staff fixed the cause.
    pub async fn retry(&self, id: &str, now: DateTime<Utc>) -> Result<Case, DeskError> {
        let mut case = self.load(id).await?;
        for task in &mut case.tasks {
            if matches!(task.state, TaskState::Failed { .. }) {
                task.state = TaskState::Pending;
                task.attempts = 0;
            }
        }
        self.save(&mut case, now).await?;
        Ok(case)
    }

    /// Does what is left of a verified request, at `now`: every task not
    /// done, then the request's effect on the subject's state, then its
    /// answer. A request that is not verified, waits for a later retry or
    /// is closed is returned as it is.
    pub async fn run(&self, id: &str, now: DateTime<Utc>) -> Result<Case, DeskError> {
        let mut case = self.load(id).await?;
        let system = Actor::system();
        match &case.request.state {
            RequestState::Verified => {
                case.request
                    .apply(Transition::Started, now, system.clone())?;
                self.save(&mut case, now).await?;
            }
            RequestState::Waiting { retry_at, .. } if *retry_at > now => return Ok(case),
            RequestState::Waiting { .. } => {
                case.request
                    .apply(Transition::Resumed, now, system.clone())?;
                self.save(&mut case, now).await?;
            }
            RequestState::InProgress => {}
            _ => return Ok(case),
        }

        for i in 0..case.tasks.len() {
            if matches!(
                case.tasks[i].state,
                TaskState::Done { .. } | TaskState::Failed { .. }
            ) {
                continue;
            }
            let dataset = case.tasks[i].dataset.clone();
            case.tasks[i].state = TaskState::Running { since: now };
            case.tasks[i].attempts += 1;
            self.save(&mut case, now).await?;
            let saved_version = std::sync::Mutex::new(None);
            let result = {
                let case = &case;
                let saved_version = &saved_version;
                let before_commit = async move |erasure: &Erasure| {
                    let mut committing = case.clone();
                    committing.tasks[i].committing = Some(erasure.clone());
                    let record = self
                        .record_of(&committing, now)
                        .map_err(|e| e.to_string())?;
                    let version = self
                        .store
                        .save_request(&record)
                        .await
                        .map_err(|e| format!("saving the request before the commit: {e}"))?;
                    *saved_version.lock().unwrap_or_else(|p| p.into_inner()) = Some(version);
                    Ok(())
                };
                self.perform(case, i, before_commit).await
            };
            if let Some(version) = saved_version
                .into_inner()
                .unwrap_or_else(|p| p.into_inner())
            {
                case.version = version;
            }
            fault::point("runner.after_task");
            let task = &mut case.tasks[i];
            task.committing = None;
            match result {
                Ok(outcome) => {
                    self.watch.ended(&dataset, Ok(&summary(&outcome)));
                    task.state = TaskState::Done { at: now };
                    task.error = None;
                    task.outcome = Some(outcome);
                }
                Err(error) => {
                    self.watch.ended(&dataset, Err(&error));
                    task.error = Some(error);
                    if task.attempts >= self.backoff.attempts {
                        task.state = TaskState::Failed { at: now };
                    } else {
                        let retry_at = now + self.backoff.delay(task.attempts);
                        task.state = TaskState::Waiting { retry_at };
                        case.request.apply(
                            Transition::Waiting { dataset, retry_at },
                            now,
                            system.clone(),
                        )?;
                        self.save(&mut case, now).await?;
                        return Ok(case);
                    }
                }
            }
            self.save(&mut case, now).await?;
        }
        if case
            .tasks
            .iter()
            .any(|t| matches!(t.state, TaskState::Failed { .. }))
        {
            // Not done, and not reported as done: staff must act.
            return Ok(case);
        }

        self.effect(&mut case, now).await?;
        let shortfalls = shortfalls(&case);
        let end = if shortfalls.is_empty() {
            Transition::Completed
        } else {
            Transition::PartiallyCompleted {
                reasons: shortfalls,
            }
        };
        case.request.apply(end, now, system)?;
        self.save(&mut case, now).await?;
        Ok(case)
    }

    /// What the erasure would do in each of its datasets, with row counts
    /// per table, changing nothing (every statement runs and is rolled
    /// back); the request itself does not move.
    pub async fn preview(&self, id: &str) -> Result<(Case, Vec<Preview>), DeskError> {
        let case = self.load(id).await?;
        if case.request.kind != RequestKind::Erasure {
            return Err(DeskError::Invalid(format!(
                "a dry run shows an erasure's plan; request `{id}` is a request of {}",
                case.request.kind
            )));
        }
        let mut previews = Vec::with_capacity(case.tasks.len());
        for task in &case.tasks {
            let plan = self.dry_run(&case, &task.dataset).await;
            previews.push(Preview {
                dataset: task.dataset.clone(),
                plan,
            });
        }
        Ok((case, previews))
    }

    async fn dry_run(&self, case: &Case, dataset_id: &str) -> Result<Erasure, String> {
        let target = self
            .target(dataset_id)
            .ok_or_else(|| format!("dataset `{dataset_id}` is not configured any more"))?;
        let dataset = &target.dataset;
        let url = dataset
            .connection
            .url(&target.base)
            .map_err(|e| e.to_string())?;
        let db = Database::connect(&url).await.map_err(|e| e.to_string())?;
        let result = async {
            let catalog = catalog::read(&db).await.map_err(|e| e.to_string())?;
            let plan = Plan::new(dataset, &catalog).map_err(|e| e.to_string())?;
            let (kind, value) = case
                .names
                .for_dataset(dataset)
                .ok_or_else(|| format!("dataset `{}` cannot look the person up", dataset.id))?;
            let subjects = find(&db, dataset, &plan, kind, &[value]).await?;
            erase::run(&db, dataset, &plan, &subjects, self.hash_key, true)
                .await
                .map_err(|e| e.to_string())
        }
        .await;
        db.close().await;
        result
    }

    /// Runs every request due at `now`, oldest id first; returns them.
    pub async fn run_due(&self, now: DateTime<Utc>) -> Result<Vec<Case>, DeskError> {
        let mut done = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .store
                .requests(&RequestQuery {
                    runnable_at: Some(now),
                    after: after.clone(),
                    limit: 100,
                    ..Default::default()
                })
                .await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            for record in page {
                done.push(self.run(&record.id, now).await?);
            }
        }
        Ok(done)
    }

    /// The requests the store holds, as records (`body` is a [`Case`]).
    pub async fn list(&self, query: &RequestQuery) -> Result<Vec<RequestRecord>, DeskError> {
        Ok(self.store.requests(query).await?)
    }

    /// What the ledger says of `guardian`'s link to `subject`: a parent's
    /// request is taken only from someone recorded as their guardian.
    async fn guardianship(&self, subject: &str, guardian: &str) -> Result<Guardianship, DeskError> {
        // The state holds the verified links not ended since.
        let state = self.store.state(subject).await?;
        Ok(Guardianship {
            linked: state.guardians.iter().any(|g| g == guardian),
            subject_kind: state
                .kind
                .and_then(|k| vow_policy::ElementId::parse(&k).ok()),
        })
    }

    /// The subject's earlier requests, for the limits per period.
    async fn previous(&self, subject: &str) -> Result<Vec<Request>, DeskError> {
        let mut previous = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .store
                .requests(&RequestQuery {
                    subject: Some(subject.to_owned()),
                    after: after.clone(),
                    limit: 200,
                    ..Default::default()
                })
                .await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            for record in page {
                let case: Case =
                    serde_json::from_value(record.body).map_err(|e| DeskError::Corrupt {
                        id: record.id.clone(),
                        reason: e.to_string(),
                    })?;
                previous.push(case.request);
            }
        }
        Ok(previous)
    }

    /// The task's work in one dataset; errors as the sentence to show.
    async fn perform(
        &self,
        case: &Case,
        task: usize,
        before_commit: impl AsyncFnOnce(&Erasure) -> Result<(), String>,
    ) -> Result<Outcome, String> {
        let dataset_id = case.tasks[task].dataset.as_str();
        let target = self
            .targets
            .iter()
            .find(|t| t.dataset.id == dataset_id)
            .ok_or_else(|| format!("dataset `{dataset_id}` is not configured any more"))?;
        let dataset = &target.dataset;
        let url = dataset
            .connection
            .url(&target.base)
            .map_err(|e| e.to_string())?;
        let db = Database::connect(&url).await.map_err(|e| e.to_string())?;
        let result = self
            .perform_in(case, task, dataset, &db, before_commit)
            .await;
        db.close().await;
        result
    }

    async fn perform_in(
        &self,
        case: &Case,
        task: usize,
        dataset: &Dataset,
        db: &Database,
        before_commit: impl AsyncFnOnce(&Erasure) -> Result<(), String>,
    ) -> Result<Outcome, String> {
        let catalog = catalog::read(db).await.map_err(|e| e.to_string())?;
        let plan = Plan::new(dataset, &catalog).map_err(|e| e.to_string())?;
        self.watch.started(&dataset.id, plan.tables.len());
        let Some((kind, value)) = case.names.for_dataset(dataset) else {
            return Err(format!(
                "the request names the person by nothing dataset `{}` can look up (it knows {}); add their {}",
                dataset.id,
                known(dataset),
                known(dataset)
            ));
        };
        let values = [value];
        match case.request.kind.right() {
            RightKind::Erasure => {
                let subjects = find(db, dataset, &plan, kind, &values).await?;
                if let Some(committed) = &case.tasks[task].committing
                    && subjects.is_empty()
                {
                    // A crash came after the commit: this is what it did.
                    return Ok(Outcome::Erased(committed.clone()));
                }
                let erasure = erase::run_then(
                    db,
                    dataset,
                    &plan,
                    &subjects,
                    self.hash_key,
                    false,
                    &|table| self.watch.table(&dataset.id, table),
                    before_commit,
                )
                .await
                .map_err(|e| e.to_string())?;
                if !erasure.leftovers.is_empty() {
                    return Err(format!(
                        "the verification found personal data left, so nothing was changed: {}",
                        erasure.leftovers.join("; ")
                    ));
                }
                Ok(Outcome::Erased(erasure))
            }
            RightKind::Rectification => {
                let subjects = find(db, dataset, &plan, kind, &values).await?;
                self.rectify(case, dataset, db, &plan, &subjects)
                    .await
                    .map(Outcome::Rectified)
            }
            _ => access::collect_each(db, dataset, &plan, kind, &values, &|table| {
                self.watch.table(&dataset.id, table)
            })
            .await
            .map(|found| Outcome::Found(without_secrets(dataset, found)))
            .map_err(|e| e.to_string()),
        }
    }

    async fn rectify(
        &self,
        case: &Case,
        dataset: &Dataset,
        db: &Database,
        plan: &Plan,
        subjects: &[Vec<SqlValue>],
    ) -> Result<Rectified, String> {
        let changes: Vec<(String, SqlValue)> = case
            .changes
            .iter()
            .filter(|c| c.dataset.as_ref().is_none_or(|d| d == &dataset.id))
            .map(|c| {
                (
                    c.column.clone(),
                    c.value.clone().map_or(SqlValue::Null, SqlValue::Text),
                )
            })
            .collect();
        let columns: Vec<String> = changes.iter().map(|(c, _)| c.clone()).collect();
        let failed = |e: sqlx::Error| format!("rectifying `{}`: {e}", dataset.subject.table);
        let mut tx = db.begin().await.map_err(failed)?;
        let before = tx
            .fetch(
                &plan
                    .subject_values(&columns, subjects)
                    .map_err(|e| e.to_string())?,
            )
            .await
            .map_err(failed)?;
        let rows = match plan
            .rectify(&changes, subjects)
            .map_err(|e| e.to_string())?
        {
            Some(statement) => tx.execute(&statement).await.map_err(failed)?,
            None => 0,
        };
        tx.commit().await.map_err(failed)?;
        let key_len = dataset.subject.key.len();
        Ok(Rectified {
            rows,
            fields: changes
                .iter()
                .enumerate()
                .map(|(i, (column, value))| FieldAudit {
                    column: column.clone(),
                    before: before.iter().map(|row| digest(&row[key_len + i])).collect(),
                    after: digest(value),
                })
                .collect(),
        })
    }

    /// The request's effect beyond its datasets: the subject's state in the
    /// ledger (a restriction, an objection, an erasure: decisions change
    /// from the moment the event is appended, in every process), the
    /// right-to-know report, the erasure's notices to recipients.
    async fn effect(&self, case: &mut Case, now: DateTime<Utc>) -> Result<(), DeskError> {
        let request = &case.request;
        let effect = match &request.kind {
            RequestKind::Restriction => Some(EventKind::RestrictionPlaced),
            RequestKind::Objection { purpose } => Some(EventKind::ObjectionRecorded {
                purpose: purpose.as_ref().map(|p| p.as_str().to_owned()),
            }),
            RequestKind::Erasure => Some(EventKind::SubjectErased),
            _ => None,
        };
        if let Some(kind) = effect {
            let at = *case.effect.get_or_insert(now);
            let event = self.event(request, format!("{}/effect", request.id), at, kind);
            self.store.append(event).await?;
        }
        match request.kind.right() {
            RightKind::RightToKnow => {
                let events = self.subject_events(&request.subject).await?;
                let found: Vec<(&Dataset, &Found)> = case
                    .found()
                    .into_iter()
                    .filter_map(|(id, f)| Some((&self.target(id)?.dataset, f)))
                    .collect();
                case.know = Some(know::report(self.policy, &found, &events, now));
            }
            RightKind::ShineTheLight => {
                let events = self.subject_events(&request.subject).await?;
                case.know = Some(know::shine_the_light(self.policy, &events, now));
            }
            RightKind::Erasure if case.propagation.is_empty() => {
                let events = self.subject_events(&request.subject).await?;
                let mut received: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for event in &events {
                    if let EventKind::DisclosureRecorded {
                        recipient,
                        categories,
                        ..
                    } = &event.kind
                    {
                        let entry = received.entry(recipient.clone()).or_default();
                        entry.extend(categories.iter().cloned());
                        entry.sort();
                        entry.dedup();
                    }
                }
                case.propagation = received
                    .into_iter()
                    .map(|(recipient, categories)| Propagation {
                        recipient,
                        categories,
                        queued_at: now,
                        state: "queued".into(),
                    })
                    .collect();
            }
            _ => {}
        }
        Ok(())
    }

    fn target(&self, id: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.dataset.id == id)
    }

    async fn subject_events(&self, subject: &str) -> Result<Vec<Event>, DeskError> {
        let mut events = Vec::new();
        let mut after = 0;
        loop {
            let page = self.store.subject_events(subject, after, 1000).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            events.extend(page);
        }
        Ok(events)
    }

    fn record_of(&self, case: &Case, now: DateTime<Utc>) -> Result<RequestRecord, DeskError> {
        Ok(RequestRecord {
            id: case.request.id.clone(),
            subject: case.request.subject.clone(),
            kind: right_name(case.request.kind.right()),
            status: case.request.status().to_owned(),
            received_at: case.request.received,
            due_at: case.request.due,
            next_run_at: case.next_run(),
            updated_at: now,
            version: case.version,
            body: serde_json::to_value(case).map_err(|e| DeskError::Corrupt {
                id: case.request.id.clone(),
                reason: e.to_string(),
            })?,
        })
    }

    /// Saves the record, then appends its new steps to the ledger.
    async fn save(&self, case: &mut Case, now: DateTime<Utc>) -> Result<(), DeskError> {
        case.version = self.store.save_request(&self.record_of(case, now)?).await?;
        if case.ledgered < case.request.history.len() {
            self.ledger(case).await?;
            // A crash before this second save leaves the count behind: the
            // next load appends the same events again, which changes nothing.
            case.version = self.store.save_request(&self.record_of(case, now)?).await?;
        }
        Ok(())
    }

    /// Appends the steps not yet in the ledger, one event each.
    async fn ledger(&self, case: &mut Case) -> Result<(), DeskError> {
        let request = &case.request;
        let events: Vec<Event> = request
            .history
            .iter()
            .enumerate()
            .skip(case.ledgered)
            .map(|(n, step)| {
                let state = replayed_state(request, n);
                let mut detail = json!({ "step": step });
                if let Some(told) = case.told.iter().find(|t| t.step == n) {
                    detail["told"] = json!(told.how);
                }
                if matches!(
                    step.transition,
                    Transition::Completed | Transition::PartiallyCompleted { .. }
                ) {
                    detail["tasks"] = Value::Array(case.tasks.iter().map(task_proof).collect());
                    if !case.propagation.is_empty() {
                        detail["propagation"] = json!(case.propagation);
                    }
                }
                let mut event = self.event(
                    request,
                    format!("{}/{n}", request.id),
                    step.at,
                    EventKind::Request {
                        request: request.id.clone(),
                        status: state,
                        detail,
                    },
                );
                event.actor = ledger_actor(&step.actor);
                event
            })
            .collect();
        self.store.append_all(events).await?;
        case.ledgered = request.history.len();
        Ok(())
    }

    fn event(&self, request: &Request, id: String, at: DateTime<Utc>, kind: EventKind) -> Event {
        Event {
            seq: 0,
            id,
            subject: request.subject.clone(),
            at,
            actor: vow_store::Actor {
                kind: vow_store::ActorKind::System,
                id: "vow".into(),
            },
            source: EventSource {
                channel: self.channel.to_owned(),
                ..Default::default()
            },
            policy_version: self.policy.policy.version.clone(),
            kind,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }
}

impl Task {
    fn new(dataset: &str) -> Task {
        Task {
            dataset: dataset.to_owned(),
            state: TaskState::Pending,
            attempts: 0,
            error: None,
            outcome: None,
            committing: None,
        }
    }
}

/// The subjects' keys, read in a transaction of their own.
async fn find(
    db: &Database,
    dataset: &Dataset,
    plan: &Plan,
    kind: IdentityKind,
    values: &[SqlValue],
) -> Result<Vec<Vec<SqlValue>>, String> {
    let failed = |e: sqlx::Error| format!("finding the person in `{}`: {e}", dataset.subject.table);
    let statement = plan
        .find_subjects(dataset, kind, values)
        .map_err(|e| e.to_string())?;
    let mut tx = db.begin().await.map_err(failed)?;
    let keys = tx.fetch(&statement).await.map_err(failed)?;
    tx.rollback().await.map_err(failed)?;
    Ok(keys)
}

/// Columns the dataset marks secret are never exported.
fn without_secrets(dataset: &Dataset, mut found: Found) -> Found {
    for rows in &mut found.tables {
        let Some(spec) = dataset.tables.iter().find(|t| t.table == rows.table) else {
            continue;
        };
        let keep: Vec<bool> = rows
            .columns
            .iter()
            .map(|c| !spec.columns.get(c).is_some_and(|s| s.secret))
            .collect();
        if keep.iter().all(|k| *k) {
            continue;
        }
        let mut k = keep.iter();
        rows.columns
            .retain(|_| *k.next().expect("one flag per column"));
        for row in &mut rows.rows {
            let mut k = keep.iter();
            row.retain(|_| *k.next().expect("one flag per value"));
        }
    }
    found
}

fn known(dataset: &Dataset) -> String {
    let names: Vec<&str> = dataset
        .subject
        .identity
        .columns()
        .map(|(kind, _)| match kind {
            IdentityKind::Email => "e-mail address",
            IdentityKind::Phone => "phone number",
            IdentityKind::AccountId => "account id",
        })
        .collect();
    names.join(" or ")
}

fn digest(value: &SqlValue) -> Option<String> {
    let text = match value {
        SqlValue::Null => return None,
        SqlValue::Int(i) => i.to_string(),
        SqlValue::Float(f) => f.to_string(),
        SqlValue::Bool(b) => b.to_string(),
        SqlValue::Text(t) => t.clone(),
    };
    Some(hex::encode(Sha256::digest(text.as_bytes())))
}

/// One line about a task's outcome.
pub fn summary(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Found(found) => {
            let rows: usize = found.tables.iter().map(|t| t.rows.len()).sum();
            format!(
                "{} person(s) found, {rows} row(s) in {} table(s)",
                found.subjects.len(),
                found.tables.iter().filter(|t| !t.rows.is_empty()).count()
            )
        }
        Outcome::Erased(erasure) => {
            let changed: u64 = erasure.tables.iter().map(|t| t.changed).sum();
            let held = erasure.tables.iter().filter(|t| t.hold.is_some()).count();
            format!(
                "{} person(s) erased, {changed} row(s) changed, {held} table(s) held, verified",
                erasure.subjects
            )
        }
        Outcome::Rectified(r) => format!("{} field(s) set in {} row(s)", r.fields.len(), r.rows),
    }
}

/// What a completed request's ledger event proves of each task: counts
/// and holds, never the person's values.
fn task_proof(task: &Task) -> Value {
    let outcome = match &task.outcome {
        Some(Outcome::Found(found)) => json!({
            "found": found.subjects.len(),
            "tables": found.tables.iter().map(|t| json!({"table": t.table, "rows": t.rows.len()})).collect::<Vec<_>>(),
        }),
        Some(Outcome::Erased(e)) => json!({
            "erased": e.subjects,
            "tables": e.tables,
            "verified": e.verified(),
        }),
        Some(Outcome::Rectified(r)) => json!({ "rectified": r }),
        None => Value::Null,
    };
    json!({ "dataset": task.dataset, "attempts": task.attempts, "outcome": outcome })
}

/// What an answer could not do: rows kept under a hold.
fn shortfalls(case: &Case) -> Vec<Shortfall> {
    let mut reasons = Vec::new();
    for task in &case.tasks {
        if let Some(Outcome::Erased(erasure)) = &task.outcome {
            for table in &erasure.tables {
                if let Some(held) = &table.hold
                    && table.rows > 0
                {
                    reasons.push(Shortfall {
                        what: format!(
                            "{} row(s) of `{}` in {} (kept under hold `{}`, detached from the person)",
                            table.rows, table.table, task.dataset, held.hold
                        ),
                        why: held.reason.clone(),
                    });
                }
            }
        }
    }
    reasons
}

/// The status after the `n`th step.
fn replayed_state(request: &Request, n: usize) -> String {
    crate::request::replay(&request.history[..=n])
        .map(|r| r.status().to_owned())
        .unwrap_or_else(|_| request.status().to_owned())
}

fn ledger_actor(actor: &Actor) -> vow_store::Actor {
    vow_store::Actor {
        kind: match actor.kind {
            ActorKind::Subject => vow_store::ActorKind::Subject,
            ActorKind::Agent => vow_store::ActorKind::Agent,
            ActorKind::Staff => vow_store::ActorKind::Staff,
            ActorKind::System => vow_store::ActorKind::System,
        },
        id: actor.id.clone(),
    }
}

fn right_name(right: RightKind) -> String {
    serde_json::to_value(right)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{right:?}"))
}
