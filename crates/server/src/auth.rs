//! API keys and scopes.
//!
//! A key reads `vow_<id>_<secret>`: the id finds the record, the secret is
//! checked against its SHA-256 (keys are random 256-bit secrets, so a fast
//! hash is the right one: no password to stretch). Only hashes are stored.
//! Scopes: `decide` (ask for decisions), `read` (subjects, history, policy,
//! verification), `write` (record events), `admin` (everything, and keys).
//!
//! Handlers name the scope they need in their signature:
//! `async fn h(_: Authorized<Write>, ...)`.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, RwLock};

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use vow_store::ApiKeyRecord;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// `POST /v1/decisions`.
    Decide,
    /// Read subjects, their history, the policy and the ledger's verification.
    Read,
    /// Record events: consents, preferences, memberships, guardians, attributes.
    Write,
    /// Everything, and managing keys.
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 4] = [Scope::Decide, Scope::Read, Scope::Write, Scope::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Decide => "decide",
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == s)
    }
}

/// A key as the server holds it in memory.
#[derive(Debug, Clone)]
struct KeyEntry {
    scopes: Vec<Scope>,
    /// The staff role the key acts for (`ApiKeyRecord::role`).
    role: Option<Arc<str>>,
    secret_hash: [u8; 32],
    revoked: bool,
}

impl KeyEntry {
    fn from_record(record: &ApiKeyRecord) -> Option<KeyEntry> {
        let mut secret_hash = [0u8; 32];
        hex::decode_to_slice(&record.secret_hash, &mut secret_hash).ok()?;
        Some(KeyEntry {
            scopes: record
                .scopes
                .iter()
                .filter_map(|s| Scope::parse(s))
                .collect(),
            secret_hash,
            role: record.role.as_deref().map(Arc::from),
            revoked: record.revoked_at.is_some(),
        })
    }

    fn grants(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope) || self.scopes.contains(&Scope::Admin)
    }
}

/// The keys, loaded from the store and refreshed with the other processes'
/// changes by the sync task.
#[derive(Default)]
pub struct KeyRing {
    keys: RwLock<HashMap<String, KeyEntry>>,
}

impl KeyRing {
    /// Replaces the ring with the store's keys.
    pub fn load(&self, records: &[ApiKeyRecord]) {
        let keys = records
            .iter()
            .filter_map(|r| Some((r.id.clone(), KeyEntry::from_record(r)?)))
            .collect();
        *self.keys.write().expect("key ring lock") = keys;
    }

    /// Adds or updates one key (this process just created or revoked it).
    pub fn put(&self, record: &ApiKeyRecord) {
        if let Some(entry) = KeyEntry::from_record(record) {
            self.keys
                .write()
                .expect("key ring lock")
                .insert(record.id.clone(), entry);
        }
    }

    /// Checks a presented token; returns the key id when it grants `scope`.
    pub fn authorise(&self, token: &str, scope: Scope) -> Result<String, ApiError> {
        self.authorise_with_role(token, scope).map(|(id, _)| id)
    }

    /// As [`KeyRing::authorise`], with the staff role the key acts for.
    pub fn authorise_with_role(
        &self,
        token: &str,
        scope: Scope,
    ) -> Result<(String, Option<Arc<str>>), ApiError> {
        let invalid = || {
            ApiError::new(
                ErrorCode::InvalidApiKey,
                "the API key is not valid: unknown, mistyped or revoked",
            )
            .hint("keys read `vow_<id>_<secret>`; create one with `vow keys create --scope ...`")
        };
        let (id, secret) = split_token(token).ok_or_else(invalid)?;
        let keys = self.keys.read().expect("key ring lock");
        let entry = keys.get(id).ok_or_else(invalid)?;
        let hash: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        if !constant_time_eq(&hash, &entry.secret_hash) || entry.revoked {
            return Err(invalid());
        }
        if !entry.grants(scope) {
            return Err(ApiError::new(
                ErrorCode::InsufficientScope,
                format!(
                    "this key has the scope(s) {}, and this endpoint needs `{}`",
                    entry
                        .scopes
                        .iter()
                        .map(|s| format!("`{}`", s.as_str()))
                        .collect::<Vec<_>>()
                        .join(", "),
                    scope.as_str()
                ),
            )
            .hint(format!(
                "use a key with the `{}` or `admin` scope",
                scope.as_str()
            )));
        }
        Ok((id.to_owned(), entry.role.clone()))
    }
}

fn split_token(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix("vow_")?;
    let (id, secret) = rest.split_once('_')?;
    (!id.is_empty() && !secret.is_empty()).then_some((id, secret))
}

fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A new key: the record to store and the token to show once.
pub struct NewKey {
    pub record: ApiKeyRecord,
    pub token: String,
}

/// Generates a key with `scopes`.
pub fn generate(name: &str, scopes: &[Scope], now: DateTime<Utc>) -> NewKey {
    generate_for_role(name, scopes, None, now)
}

/// Generates a key with `scopes` that acts for the staff `role`.
pub fn generate_for_role(
    name: &str,
    scopes: &[Scope],
    role: Option<&str>,
    now: DateTime<Utc>,
) -> NewKey {
    let mut id = [0u8; 6];
    let mut secret = [0u8; 32];
    getrandom::fill(&mut id).expect("the operating system's random source works");
    getrandom::fill(&mut secret).expect("the operating system's random source works");
    let id = hex::encode(id);
    let secret = hex::encode(secret);
    let mut scopes: Vec<Scope> = scopes.to_vec();
    scopes.sort_by_key(|s| s.as_str());
    scopes.dedup();
    NewKey {
        token: format!("vow_{id}_{secret}"),
        record: ApiKeyRecord {
            id,
            name: name.to_owned(),
            scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
            secret_hash: hex::encode(Sha256::digest(secret.as_bytes())),
            created_at: now,
            revoked_at: None,
            role: role.map(str::to_owned),
        },
    }
}

/// The scope an endpoint needs, as a type.
pub trait RequiredScope: Send + Sync {
    const SCOPE: Scope;
}

macro_rules! scopes {
    ($($name:ident => $scope:ident),*) => {$(
        /// Marker: the endpoint needs this scope.
        pub struct $name;
        impl RequiredScope for $name {
            const SCOPE: Scope = Scope::$scope;
        }
    )*};
}
scopes!(Decide => Decide, Read => Read, Write => Write, Admin => Admin);

/// A request whose key grants scope `S`; holds the key's id and the staff
/// role it acts for.
pub struct Authorized<S: RequiredScope> {
    pub key_id: Arc<str>,
    pub role: Option<Arc<str>>,
    _scope: PhantomData<S>,
}

impl<S: RequiredScope> Authorized<S> {
    /// What this key may read of a person's data under the policy in force.
    pub fn reader(&self, state: &AppState) -> crate::access::Reader {
        crate::access::Reader::for_role(state.policy.policy(), self.role.as_deref())
    }
}

impl<S: RequiredScope> FromRequestParts<AppState> for Authorized<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").map(str::trim))
            .or_else(|| {
                parts
                    .headers
                    .get("x-api-key")
                    .and_then(|v| v.to_str().ok())
                    .map(str::trim)
            })
            .ok_or_else(|| {
                ApiError::new(ErrorCode::MissingApiKey, "this endpoint needs an API key")
                    .hint("send `Authorization: Bearer vow_...`; `vow serve` prints an admin key on first start")
            })?;
        let (key_id, role) = state.keys.authorise_with_role(token, S::SCOPE)?;
        Ok(Authorized {
            key_id: key_id.into(),
            role,
            _scope: PhantomData,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_check_secret_scope_and_revocation() {
        let now = Utc::now();
        let ring = KeyRing::default();
        let writer = generate("integration", &[Scope::Write, Scope::Read], now);
        let admin = generate("ops", &[Scope::Admin], now);
        ring.load(&[writer.record.clone(), admin.record.clone()]);

        assert_eq!(
            ring.authorise(&writer.token, Scope::Write).unwrap(),
            writer.record.id
        );
        let e = ring.authorise(&writer.token, Scope::Decide).unwrap_err();
        assert_eq!(e.code, ErrorCode::InsufficientScope);
        assert!(
            ring.authorise(&admin.token, Scope::Decide).is_ok(),
            "admin grants every scope"
        );

        let forged = format!("vow_{}_{}", writer.record.id, "0".repeat(64));
        assert_eq!(
            ring.authorise(&forged, Scope::Read).unwrap_err().code,
            ErrorCode::InvalidApiKey
        );
        assert_eq!(
            ring.authorise("nonsense", Scope::Read).unwrap_err().code,
            ErrorCode::InvalidApiKey
        );

        let mut revoked = writer.record.clone();
        revoked.revoked_at = Some(now);
        ring.put(&revoked);
        assert_eq!(
            ring.authorise(&writer.token, Scope::Read).unwrap_err().code,
            ErrorCode::InvalidApiKey
        );
    }

    #[test]
    fn only_the_hash_is_kept() {
        let key = generate("x", &[Scope::Read], Utc::now());
        assert!(!key.record.secret_hash.is_empty());
        let secret = key.token.rsplit('_').next().unwrap();
        assert_ne!(key.record.secret_hash, secret);
        assert!(!format!("{:?}", key.record).contains(secret));
    }
}
