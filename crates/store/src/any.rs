//! [`AnyStore`]: SQLite or PostgreSQL, chosen at run time from a
//! `--database` value.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use vow_engine::SubjectState;

use crate::identity::{GuardianLinkRecord, IdentityKind};
use crate::key::LedgerKey;
use crate::ledger::Event;
use crate::sql::{PostgresStore, SqliteStore};
use crate::store::{
    ApiKeyRecord, CommitObserver, PolicyVersionRecord, Progress, RecordOutcome, RequestQuery,
    RequestRecord, Store, StoreError, SubjectSummary, TokenKind, TokenRecord, TokenScope,
};
use crate::verify::Verification;

/// Either store.
pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl AnyStore {
    /// `postgres://...` (or `postgresql://...`) connects to PostgreSQL;
    /// anything else is the path of a SQLite file (`sqlite://` optional).
    pub async fn open(database: &str, key: LedgerKey) -> Result<AnyStore, StoreError> {
        if AnyStore::is_postgres(database) {
            Ok(AnyStore::Postgres(
                PostgresStore::connect(database, key).await?,
            ))
        } else {
            let path = database.strip_prefix("sqlite://").unwrap_or(database);
            Ok(AnyStore::Sqlite(
                SqliteStore::open(path.as_ref(), key).await?,
            ))
        }
    }

    /// Whether `database` names a PostgreSQL database rather than a file.
    pub fn is_postgres(database: &str) -> bool {
        database.starts_with("postgres://") || database.starts_with("postgresql://")
    }
}

/// Calls the same method on whichever store this is.
macro_rules! each {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($store) => $call.await,
            AnyStore::Postgres($store) => $call.await,
        }
    };
}

impl Store for AnyStore {
    async fn append(&self, event: Event) -> Result<Event, StoreError> {
        each!(self, s => s.append(event))
    }

    async fn subject(&self, subject: &str) -> Result<Option<SubjectSummary>, StoreError> {
        each!(self, s => s.subject(subject))
    }

    async fn append_all(&self, events: Vec<Event>) -> Result<Vec<Event>, StoreError> {
        each!(self, s => s.append_all(events))
    }

    async fn state(&self, subject: &str) -> Result<SubjectState, StoreError> {
        each!(self, s => s.state(subject))
    }

    async fn subject_events(
        &self,
        subject: &str,
        after_seq: u64,
        limit: usize,
    ) -> Result<Vec<Event>, StoreError> {
        each!(self, s => s.subject_events(subject, after_seq, limit))
    }

    async fn events(&self, after_seq: u64, limit: usize) -> Result<Vec<Event>, StoreError> {
        each!(self, s => s.events(after_seq, limit))
    }

    async fn head(&self) -> Result<Option<(u64, String)>, StoreError> {
        each!(self, s => s.head())
    }

    async fn subjects(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SubjectSummary>, StoreError> {
        each!(self, s => s.subjects(after, limit))
    }

    async fn verify_with(&self, progress: Progress<'_>) -> Result<Verification, StoreError> {
        each!(self, s => s.verify_with(progress))
    }

    async fn create_key(&self, key: ApiKeyRecord) -> Result<(), StoreError> {
        each!(self, s => s.create_key(key))
    }

    async fn key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        each!(self, s => s.key(id))
    }

    async fn keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        each!(self, s => s.keys())
    }

    async fn key_count(&self) -> Result<u64, StoreError> {
        each!(self, s => s.key_count())
    }

    async fn revoke_key(&self, id: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        each!(self, s => s.revoke_key(id, at))
    }

    async fn record_policy(
        &self,
        record: PolicyVersionRecord,
    ) -> Result<RecordOutcome, StoreError> {
        each!(self, s => s.record_policy(record))
    }

    async fn policy_versions(&self) -> Result<Vec<PolicyVersionRecord>, StoreError> {
        each!(self, s => s.policy_versions())
    }

    async fn policy_version(
        &self,
        policy_id: &str,
        version: &str,
    ) -> Result<Option<PolicyVersionRecord>, StoreError> {
        each!(self, s => s.policy_version(policy_id, version))
    }

    async fn save_request(&self, record: &RequestRecord) -> Result<u64, StoreError> {
        each!(self, s => s.save_request(record))
    }

    async fn request(&self, id: &str) -> Result<Option<RequestRecord>, StoreError> {
        each!(self, s => s.request(id))
    }

    async fn requests(&self, query: &RequestQuery) -> Result<Vec<RequestRecord>, StoreError> {
        each!(self, s => s.requests(query))
    }

    async fn identity_subject(
        &self,
        kind: IdentityKind,
        value: &str,
    ) -> Result<Option<String>, StoreError> {
        each!(self, s => s.identity_subject(kind, value))
    }

    async fn subject_identities(
        &self,
        subject: &str,
    ) -> Result<Vec<(IdentityKind, String)>, StoreError> {
        each!(self, s => s.subject_identities(subject))
    }

    async fn children(&self, guardian: &str) -> Result<Vec<GuardianLinkRecord>, StoreError> {
        each!(self, s => s.children(guardian))
    }

    async fn create_token(&self, token: &TokenRecord) -> Result<(), StoreError> {
        each!(self, s => s.create_token(token))
    }

    async fn token(&self, id: &str, kind: TokenKind) -> Result<Option<TokenRecord>, StoreError> {
        each!(self, s => s.token(id, kind))
    }

    async fn use_token(
        &self,
        id: &str,
        kind: TokenKind,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<TokenRecord>, StoreError> {
        each!(self, s => s.use_token(id, kind, subject, now))
    }

    async fn revoke_token(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        each!(self, s => s.revoke_token(id, now))
    }

    async fn revoke_tokens(
        &self,
        kind: TokenKind,
        scope: TokenScope<'_>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        each!(self, s => s.revoke_tokens(kind, scope, now))
    }

    async fn create_token_within(
        &self,
        token: &TokenRecord,
        limits: &[(TokenScope<'_>, u64)],
        since: DateTime<Utc>,
    ) -> Result<Option<usize>, StoreError> {
        each!(self, s => s.create_token_within(token, limits, since))
    }

    async fn count_tokens(
        &self,
        kind: TokenKind,
        scope: TokenScope<'_>,
        since: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        each!(self, s => s.count_tokens(kind, scope, since))
    }

    async fn purge_tokens(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        each!(self, s => s.purge_tokens(before))
    }

    async fn close(&self) {
        each!(self, s => s.close())
    }

    fn observe(&self, observer: Arc<dyn CommitObserver>) {
        match self {
            AnyStore::Sqlite(s) => s.observe(observer),
            AnyStore::Postgres(s) => s.observe(observer),
        }
    }
}
