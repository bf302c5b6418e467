//! The [`Store`] trait: what the server and the CLI ask of a store, whatever
//! the database; and the records that cross it. The implementations are in
//! [`crate::sql`] (SQLite and PostgreSQL) and [`crate::any`] (either, picked
//! at run time).

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use vow_engine::SubjectState;

use crate::identity::{GuardianLinkRecord, IdentityKind};
use crate::key::KeyError;
use crate::ledger::Event;
use crate::verify::Verification;

/// Why a store operation failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The database failed or could not be reached (shared by every caller
    /// of a failed batch, hence the `Arc`).
    #[error("database error: {0}")]
    Database(#[source] Arc<sqlx::Error>),
    /// The request contradicts what is stored: an event id reused for other
    /// content, a policy version recorded with other text, an API key id taken.
    #[error("{0}")]
    Conflict(String),
    /// The request is not something the store can hold.
    #[error("{0}")]
    Invalid(String),
    /// A stored row is not what the store writes.
    #[error("a stored row is unreadable: {0}")]
    Corrupt(String),
    /// The ledger was sealed with another key.
    #[error(
        "the ledger key does not match this ledger (it was sealed with another key): use the key it was created with"
    )]
    WrongKey,
    /// The ledger's head was tampered with: appending would extend a forged chain.
    #[error("{0}: run `vow ledger verify`; nothing is appended until the ledger is repaired")]
    Tampered(String),
    #[error(transparent)]
    Key(Arc<KeyError>),
    /// The store was closed.
    #[error("the store is closed")]
    Closed,
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        StoreError::Database(Arc::new(e))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> StoreError {
        StoreError::Corrupt(e.to_string())
    }
}

impl From<KeyError> for StoreError {
    fn from(e: KeyError) -> StoreError {
        StoreError::Key(Arc::new(e))
    }
}

/// A subject known to the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectSummary {
    pub subject: String,
    /// The number of the subject's last event.
    pub last_seq: u64,
    /// How many events the subject has.
    pub events: u64,
}

/// An API key of the server. The store keeps only the secret's hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRecord {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    /// Hex SHA-256 of the secret (the server generates and hashes it).
    pub secret_hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The staff role of the policy (`roles`) the key acts for: its reads
    /// of personal data are limited to the categories the role may read.
    /// `None`: a service key, limited by its scopes alone.
    #[serde(default)]
    pub role: Option<String>,
}

/// A version of a policy, as it was put in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersionRecord {
    pub policy_id: String,
    pub version: String,
    /// SHA-256 of `text`.
    pub sha256: String,
    /// The YAML text.
    pub text: String,
    pub effective: NaiveDate,
    pub recorded_at: DateTime<Utc>,
}

/// A data-subject request as the runner keeps it between steps: a few
/// columns to find it by, and the runner's own record of it (`body`: the
/// request, its tasks per dataset and their results). The ledger holds
/// the proof of each step; this row is the work queue and the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestRecord {
    pub id: String,
    pub subject: String,
    /// `access`, `erasure`...
    pub kind: String,
    /// Where it stands (`received`, `in_progress`, `completed`...).
    pub status: String,
    pub received_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    /// When the runner should take it up again; `None` while it waits for
    /// someone (a code to be entered) or once it is closed.
    pub next_run_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// 0 for a record not saved yet; each save increments it.
    pub version: u64,
    pub body: serde_json::Value,
}

/// Which requests [`Store::requests`] lists, ordered by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestQuery {
    pub subject: Option<String>,
    pub status: Option<String>,
    /// Only those the runner should take up at this time.
    pub runnable_at: Option<DateTime<Utc>>,
    /// Ids after this one.
    pub after: Option<String>,
    pub limit: usize,
}

/// What a token of the privacy centre stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A sign-in link mailed to an address: used once.
    SignIn,
    /// A signed-in browser.
    Session,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::SignIn => "sign_in",
            TokenKind::Session => "session",
        }
    }
}

/// A secret handed to a browser or a mailbox (a sign-in link, a session).
/// The store keeps the secret's SHA-256 only: reading the database gives
/// no one a way in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// Hex SHA-256 of the secret.
    pub id: String,
    pub kind: TokenKind,
    /// Whom it signs in; for a sign-in link, known once it is used.
    pub subject: Option<String>,
    /// The keyed digest of the address it went to ([`crate::identity`]).
    pub email: Option<String>,
    /// The keyed digest of the client address it was asked from.
    pub client: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// What the server keeps with it (the address masked, the language).
    pub data: serde_json::Value,
}

impl TokenRecord {
    /// Neither expired, used nor revoked at `now`.
    pub fn live(&self, now: DateTime<Utc>) -> bool {
        self.expires_at > now && self.used_at.is_none() && self.revoked_at.is_none()
    }
}

/// Which tokens [`Store::count_tokens`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope<'a> {
    /// Sent to this address (its digest).
    Email(&'a str),
    /// Asked from this client (its digest).
    Client(&'a str),
    /// Signing this subject in.
    Subject(&'a str),
    /// All of them.
    All,
}

/// What `record_policy` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordOutcome {
    New,
    /// The same version with the same text was already recorded.
    AlreadyRecorded,
}

/// Called during `verify` with the rows checked so far and the number the
/// sealed head says there are.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// What one batch of this process's appends wrote, as the writer tells
/// each [`CommitObserver`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Commit<'a> {
    /// The numbers of the batch's new events, `first..=last`: every number
    /// between is one of them (the chain is numbered without gaps).
    pub first: u64,
    pub last: u64,
    /// The subjects of the new events, sorted, each once.
    pub subjects: &'a [String],
    /// `false`: the database failed while committing, so the events may be
    /// stored or not. The subjects may have changed; the numbers are not
    /// known to be taken.
    pub certain: bool,
}

/// Hears of every batch of new events this process's writer commits,
/// synchronously, after the commit and before any caller of the batch is
/// answered: when an `append` returns, every observer has been told,
/// whatever code appended. What other processes append is not heard here
/// (PostgreSQL announces it: [`crate::LedgerListener`]).
///
/// The writer waits for each call: an observer does a few memory writes
/// and returns (no I/O, no lock held for long, never a panic).
pub trait CommitObserver: Send + Sync {
    fn committed(&self, commit: &Commit<'_>);
}

/// The ledger, the subject states materialised from it, API keys and policy
/// versions, in one database.
///
/// Appends are durable when they return: the events, the subject states
/// they change and the sealed head are committed in one transaction.
pub trait Store: Send + Sync {
    /// Appends one event (its `seq`, `prev_hash` and `hash` are set here)
    /// and returns it as stored.
    ///
    /// Idempotent by id: an event whose id is stored already returns the
    /// stored event when its content is the same (a retry), and
    /// [`StoreError::Conflict`] when it differs.
    fn append(&self, event: Event) -> impl Future<Output = Result<Event, StoreError>> + Send;

    /// Appends events together, all or none (one banner choice is several
    /// consents), with the same idempotency per event.
    fn append_all(
        &self,
        events: Vec<Event>,
    ) -> impl Future<Output = Result<Vec<Event>, StoreError>> + Send;

    /// The materialised state of a subject (empty for an unknown subject).
    fn state(&self, subject: &str)
    -> impl Future<Output = Result<SubjectState, StoreError>> + Send;

    /// A subject's events numbered after `after_seq`, at most `limit`, in order.
    fn subject_events(
        &self,
        subject: &str,
        after_seq: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Event>, StoreError>> + Send;

    /// The events numbered after `after_seq`, at most `limit`, in order.
    /// Numbers become visible in order, so another process can tail the
    /// ledger by asking for what follows the last number it saw.
    fn events(
        &self,
        after_seq: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Event>, StoreError>> + Send;

    /// The last event's number and hash; `None` for an empty ledger.
    fn head(&self) -> impl Future<Output = Result<Option<(u64, String)>, StoreError>> + Send;

    /// Subjects ordered by id, after `after`, at most `limit`.
    fn subjects(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<SubjectSummary>, StoreError>> + Send;

    /// One subject's summary; `None` when no event names it.
    fn subject(
        &self,
        subject: &str,
    ) -> impl Future<Output = Result<Option<SubjectSummary>, StoreError>> + Send;

    /// Checks the whole ledger, a page at a time.
    fn verify(&self) -> impl Future<Output = Result<Verification, StoreError>> + Send {
        self.verify_with(&|_, _| {})
    }

    /// [`Store::verify`], reporting progress after each page.
    fn verify_with(
        &self,
        progress: Progress<'_>,
    ) -> impl Future<Output = Result<Verification, StoreError>> + Send;

    /// Stores a new API key; [`StoreError::Conflict`] when its id is taken.
    fn create_key(&self, key: ApiKeyRecord) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn key(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<ApiKeyRecord>, StoreError>> + Send;

    /// Every API key, revoked ones included, oldest first.
    fn keys(&self) -> impl Future<Output = Result<Vec<ApiKeyRecord>, StoreError>> + Send;

    /// How many API keys exist, revoked ones included (0: a first start).
    fn key_count(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Revokes a key; `false` when there is no such key or it was revoked already.
    fn revoke_key(
        &self,
        id: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records a policy version. The same version with other text is a
    /// [`StoreError::Conflict`]: versions are immutable once in force.
    fn record_policy(
        &self,
        record: PolicyVersionRecord,
    ) -> impl Future<Output = Result<RecordOutcome, StoreError>> + Send;

    /// Every recorded policy version, text included, newest last.
    fn policy_versions(
        &self,
    ) -> impl Future<Output = Result<Vec<PolicyVersionRecord>, StoreError>> + Send;

    /// One recorded policy version.
    fn policy_version(
        &self,
        policy_id: &str,
        version: &str,
    ) -> impl Future<Output = Result<Option<PolicyVersionRecord>, StoreError>> + Send;

    /// Saves a request record, durably: inserts it when its `version` is 0,
    /// otherwise updates it only if the stored version is still `version`
    /// (another process did not move it meanwhile). Returns the new version;
    /// [`StoreError::Conflict`] when the record moved or the id is taken.
    fn save_request(
        &self,
        record: &RequestRecord,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    fn request(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<RequestRecord>, StoreError>> + Send;

    fn requests(
        &self,
        query: &RequestQuery,
    ) -> impl Future<Output = Result<Vec<RequestRecord>, StoreError>> + Send;

    /// The subject an identity names (`value` as
    /// [`Identity::stored`](crate::identity::Identity::stored) gives it),
    /// from the index the writer keeps with the ledger: the last
    /// `identity_linked` not undone by an `identity_unlinked` of the same
    /// subject.
    fn identity_subject(
        &self,
        kind: IdentityKind,
        value: &str,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// The identities linked to a subject now, oldest first, as stored.
    fn subject_identities(
        &self,
        subject: &str,
    ) -> impl Future<Output = Result<Vec<(IdentityKind, String)>, StoreError>> + Send;

    /// The children a guardian is linked to now, in the order linked.
    fn children(
        &self,
        guardian: &str,
    ) -> impl Future<Output = Result<Vec<GuardianLinkRecord>, StoreError>> + Send;

    /// Stores a new token; [`StoreError::Conflict`] when its id is taken.
    fn create_token(
        &self,
        token: &TokenRecord,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The token, if it is of `kind`, live or not ([`TokenRecord::live`]
    /// says; a page says why a link no longer works).
    fn token(
        &self,
        id: &str,
        kind: TokenKind,
    ) -> impl Future<Output = Result<Option<TokenRecord>, StoreError>> + Send;

    /// Uses a single-use token: marks it used, setting its subject, and
    /// returns it, only if it was live. Of two processes using one token at
    /// once, one gets it.
    fn use_token(
        &self,
        id: &str,
        kind: TokenKind,
        subject: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<TokenRecord>, StoreError>> + Send;

    /// Revokes one token; `false` when it was not live.
    fn revoke_token(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Revokes every live token of `kind` in `scope`; how many.
    fn revoke_tokens(
        &self,
        kind: TokenKind,
        scope: TokenScope<'_>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Stores a new token unless, counting the tokens of its kind created
    /// since `since`, one of `limits` (a scope and the most it may hold)
    /// is reached: then returns that limit's index and stores nothing.
    /// Counting and storing are one step, for every process sharing the
    /// store.
    fn create_token_within(
        &self,
        token: &TokenRecord,
        limits: &[(TokenScope<'_>, u64)],
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<usize>, StoreError>> + Send;

    /// How many tokens of `kind` in `scope` were created since `since`
    /// (the rate limits of sign-in mail).
    fn count_tokens(
        &self,
        kind: TokenKind,
        scope: TokenScope<'_>,
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Deletes the tokens that expired before `before`; how many.
    fn purge_tokens(
        &self,
        before: DateTime<Utc>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Finishes the appends already queued, then closes the connections.
    fn close(&self) -> impl Future<Output = ()> + Send;

    /// Adds an observer of this store's commits, told of every batch
    /// committed from now on ([`CommitObserver`]).
    fn observe(&self, observer: Arc<dyn CommitObserver>);
}
