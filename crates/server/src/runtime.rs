//! The policy in force: read, checked, compiled, and recorded in the store
//! as a version, with the consents its material changes invalidate.
//!
//! Every policy text `vow serve` starts with is recorded (version, SHA-256
//! of the text, the text). The same version with different text is refused:
//! consents name the version they were given under, so a version must mean
//! one text. When a recorded version changed a purpose materially, consents
//! to that purpose given before the new version took effect must be asked
//! again; the engine is told so here.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use vow_engine::{CompiledPolicy, compile};
use vow_policy::{Checked, Policy, check};
use vow_store::{PolicyVersionRecord, RecordOutcome, Store, StoreError};

/// A checked, compiled policy and what the server says about it.
pub struct PolicyInForce {
    pub checked: Checked,
    pub compiled: CompiledPolicy,
    /// SHA-256 of the YAML text, hex.
    pub sha256: String,
    /// The policy as JSON, serialised once for `GET /v1/policy`.
    pub json: serde_json::Value,
    /// The cookie banner's configuration, derived once from the policy.
    pub banner: serde_json::Value,
    /// Purposes whose consents given before a date must be renewed.
    pub reconsent: Vec<Reconsent>,
    /// Whether this start recorded the version for the first time.
    pub newly_recorded: bool,
    /// The never-stored categories' finders (`POST /v1/redact`), their
    /// patterns compiled once.
    pub redactor: vow_policy::redact::Redactor,
}

/// Consents to `purpose` given before `before` must be asked again.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reconsent {
    pub purpose: String,
    /// When vow first ran the version that changed the purpose: consents
    /// given before it were given to the old text.
    pub before: DateTime<Utc>,
    /// The version that changed the purpose.
    pub version: String,
}

impl PolicyInForce {
    pub fn policy(&self) -> &Policy {
        &self.checked.policy
    }

    pub fn version(&self) -> &str {
        &self.checked.policy.policy.version
    }
}

/// Why a policy could not be put in force.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The policy does not check; the report has every error, located.
    #[error("the policy has errors")]
    Invalid(Box<vow_policy::Report>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks `text`, records it as a version, and compiles it with the
/// renewals that earlier recorded versions call for.
pub async fn load<S: Store>(store: &S, name: &str, text: &str) -> Result<PolicyInForce, LoadError> {
    let checked = check(name, text).map_err(LoadError::Invalid)?;
    let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
    let meta = &checked.policy.policy;
    let outcome = store
        .record_policy(PolicyVersionRecord {
            policy_id: meta.id.to_string(),
            version: meta.version.clone(),
            sha256: sha256.clone(),
            text: text.to_owned(),
            effective: meta.effective,
            recorded_at: Utc::now(),
        })
        .await?;
    let history = store.policy_versions().await?;
    let reconsent = renewals(&checked.policy, &history);
    let mut compiled = compile(&checked.policy);
    for r in &reconsent {
        compiled.require_reconsent(&r.purpose, r.before);
    }
    let json = serde_json::to_value(&checked.policy).expect("a policy serialises");
    let banner = crate::banner::config(&checked.policy);
    let redactor = vow_policy::redact::Redactor::new(&checked.policy);
    Ok(PolicyInForce {
        redactor,
        checked,
        compiled,
        sha256,
        json,
        banner,
        reconsent,
        newly_recorded: outcome == RecordOutcome::New,
    })
}

/// The purposes of `current` that a recorded version changed materially,
/// walking the versions of the same policy in the order they were recorded.
fn renewals(current: &Policy, history: &[PolicyVersionRecord]) -> Vec<Reconsent> {
    let id = current.policy.id.as_str();
    let versions: Vec<(&PolicyVersionRecord, Policy)> = history
        .iter()
        .filter(|r| r.policy_id == id)
        .filter_map(|r| Some((r, check(&r.version, &r.text).ok()?.policy)))
        .collect();
    let mut found: Vec<Reconsent> = Vec::new();
    for pair in versions.windows(2) {
        let (old, new) = (&pair[0].1, &pair[1]);
        let diff = vow_policy::diff::diff(old, &new.1);
        for change in diff.material().filter(|c| c.section == "purposes") {
            if current.purposes.iter().any(|p| p.id.as_str() == change.id) {
                found.retain(|r| r.purpose != change.id);
                found.push(Reconsent {
                    purpose: change.id.clone(),
                    before: new.0.recorded_at,
                    version: new.0.version.clone(),
                });
            }
        }
        if new.0.version == current.policy.version {
            break;
        }
    }
    found
}
