//! The policy in force and every version vow has run.

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use vow_store::{PolicyVersionRecord, Store};

use crate::auth::{Authorized, Read};
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::runtime::Reconsent;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct PolicyView {
    pub id: String,
    pub version: String,
    #[schema(value_type = String, format = Date)]
    pub effective: NaiveDate,
    /// SHA-256 of the YAML text.
    pub sha256: String,
    /// Purposes whose earlier consents must be renewed, and from when.
    #[schema(value_type = Vec<Object>)]
    pub reconsent: Vec<Reconsent>,
    /// The policy document (its JSON Schema: `vow policy schema`).
    #[schema(value_type = Object)]
    pub policy: serde_json::Value,
}

/// The policy in force.
#[utoipa::path(get, path = "/v1/policy", tag = "policy",
    responses((status = 200, body = PolicyView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["read"])))]
pub async fn current(_: Authorized<Read>, State(state): State<AppState>) -> Json<PolicyView> {
    let p = &state.policy;
    let meta = &p.policy().policy;
    Json(PolicyView {
        id: meta.id.to_string(),
        version: meta.version.clone(),
        effective: meta.effective,
        sha256: p.sha256.clone(),
        reconsent: p.reconsent.clone(),
        policy: p.json.clone(),
    })
}

#[derive(Serialize, ToSchema)]
pub struct VersionSummary {
    pub policy_id: String,
    pub version: String,
    #[schema(value_type = String, format = Date)]
    pub effective: NaiveDate,
    pub sha256: String,
    /// When vow first ran this version.
    pub recorded_at: DateTime<Utc>,
    /// This is the version in force.
    pub in_force: bool,
}

impl VersionSummary {
    fn of(r: &PolicyVersionRecord, in_force_sha256: &str) -> VersionSummary {
        VersionSummary {
            policy_id: r.policy_id.clone(),
            version: r.version.clone(),
            effective: r.effective,
            sha256: r.sha256.clone(),
            recorded_at: r.recorded_at,
            in_force: r.sha256 == in_force_sha256,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct VersionList {
    /// Oldest first.
    pub versions: Vec<VersionSummary>,
}

/// Every policy version vow has run, oldest first.
#[utoipa::path(get, path = "/v1/policy/versions", tag = "policy",
    responses((status = 200, body = VersionList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["read"])))]
pub async fn versions(
    _: Authorized<Read>,
    State(state): State<AppState>,
) -> ApiResult<Json<VersionList>> {
    let current = &state.policy;
    let versions = state
        .store
        .policy_versions()
        .await?
        .iter()
        .map(|r| VersionSummary::of(r, &current.sha256))
        .collect();
    Ok(Json(VersionList { versions }))
}

#[derive(Serialize, ToSchema)]
pub struct VersionText {
    #[serde(flatten)]
    pub summary: VersionSummary,
    /// The YAML text, exactly as it was run.
    pub text: String,
}

/// One version, with its text.
#[utoipa::path(get, path = "/v1/policy/versions/{version}", tag = "policy",
    params(("version" = String, Path, description = "The `policy.version` of the document")),
    responses((status = 200, body = VersionText), (status = 404, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["read"])))]
pub async fn version(
    _: Authorized<Read>,
    State(state): State<AppState>,
    Path(version): Path<String>,
) -> ApiResult<Json<VersionText>> {
    let current = &state.policy;
    let id = current.policy().policy.id.as_str();
    let all = state.store.policy_versions().await?;
    let record = all
        .into_iter()
        .find(|r| r.version == version && r.policy_id == id)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::PolicyVersionNotFound,
                format!("version `{version}` of policy `{id}` was never run by vow"),
            )
            .hint("GET /v1/policy/versions lists the versions")
        })?;
    Ok(Json(VersionText {
        summary: VersionSummary::of(&record, &current.sha256),
        text: record.text,
    }))
}
