//! API keys, managed by an `admin` key. The secret is shown once, when the
//! key is created; only its hash is stored.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vow_store::{ApiKeyRecord, Store};

use crate::auth::{self, Admin, Authorized, Scope};
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::json::ApiJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKeyRequest {
    /// What the key is for (`checkout service`).
    pub name: String,
    /// Any of `decide`, `read`, `write`, `admin`.
    #[schema(example = json!(["decide"]))]
    pub scopes: Vec<String>,
    /// A staff role of the policy (`roles`) the key acts for: its reads of
    /// a person's state, history and export package reach only the
    /// categories the role may read (AGENCY-09, IOT-08).
    pub role: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct KeyView {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The staff role the key acts for, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

impl From<&ApiKeyRecord> for KeyView {
    fn from(r: &ApiKeyRecord) -> KeyView {
        KeyView {
            id: r.id.clone(),
            name: r.name.clone(),
            scopes: r.scopes.clone(),
            created_at: r.created_at,
            revoked_at: r.revoked_at,
            role: r.role.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CreatedKey {
    #[serde(flatten)]
    pub key: KeyView,
    /// The key itself. Shown this once: vow keeps only its hash.
    pub token: String,
}

/// Parses scope names, each error naming its place.
pub fn parse_scopes(names: &[String], field: &str) -> ApiResult<Vec<Scope>> {
    if names.is_empty() {
        return Err(
            ApiError::new(ErrorCode::UnknownScope, "a key needs at least one scope")
                .field(field)
                .hint("scopes: decide, read, write, admin"),
        );
    }
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            Scope::parse(name).ok_or_else(|| {
                ApiError::unknown(
                    ErrorCode::UnknownScope,
                    "scope",
                    name,
                    format!("{field}[{i}]"),
                    Scope::ALL.iter().map(|s| s.as_str()),
                )
            })
        })
        .collect()
}

/// Create a key.
#[utoipa::path(post, path = "/v1/keys", tag = "keys", request_body = NewKeyRequest,
    responses((status = 201, body = CreatedKey), (status = 422, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["admin"])))]
pub async fn create(
    key: Authorized<Admin>,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<NewKeyRequest>,
) -> ApiResult<(StatusCode, Json<CreatedKey>)> {
    let scopes = parse_scopes(&body.scopes, "scopes")?;
    if let Some(role) = &body.role {
        let roles = &state.policy.policy().roles;
        if !roles.iter().any(|r| r.id.as_str() == role) {
            return Err(ApiError::unknown(
                ErrorCode::UnknownRole,
                "staff role",
                role,
                "role",
                roles.iter().map(|r| r.id.as_str()),
            ));
        }
    }
    let new = auth::generate_for_role(&body.name, &scopes, body.role.as_deref(), Utc::now());
    state.store.create_key(new.record.clone()).await?;
    state.keys.put(&new.record);
    tracing::info!(by = %key.key_id, id = %new.record.id, scopes = ?new.record.scopes, role = ?new.record.role, "API key created");
    Ok((
        StatusCode::CREATED,
        Json(CreatedKey {
            key: KeyView::from(&new.record),
            token: new.token,
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct KeyList {
    pub keys: Vec<KeyView>,
}

/// List the keys (never their secrets).
#[utoipa::path(get, path = "/v1/keys", tag = "keys",
    responses((status = 200, body = KeyList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["admin"])))]
pub async fn list(_: Authorized<Admin>, State(state): State<AppState>) -> ApiResult<Json<KeyList>> {
    let keys = state.store.keys().await?;
    Ok(Json(KeyList {
        keys: keys.iter().map(KeyView::from).collect(),
    }))
}

/// Revoke a key: it stops working at once in this process, and within the
/// sync interval in the others.
#[utoipa::path(delete, path = "/v1/keys/{id}", tag = "keys",
    params(("id" = String, Path, description = "The key's id (the part after `vow_`)")),
    responses((status = 200, body = KeyView), (status = 404, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["admin"])))]
pub async fn revoke(
    key: Authorized<Admin>,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<KeyView>> {
    let not_found = || {
        ApiError::new(
            ErrorCode::KeyNotFound,
            format!("no API key has the id `{id}`"),
        )
        .hint("GET /v1/keys lists them")
    };
    if !state.store.revoke_key(&id, Utc::now()).await? {
        return Err(not_found());
    }
    let record = state.store.key(&id).await?.ok_or_else(not_found)?;
    state.keys.put(&record);
    tracing::info!(by = %key.key_id, id = %id, "API key revoked");
    Ok(Json(KeyView::from(&record)))
}
