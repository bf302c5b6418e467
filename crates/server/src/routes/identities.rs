//! Identities: the e-mail addresses, phone numbers, account ids and
//! browsers that name a subject. The organisation links them when it
//! creates or changes an account; the privacy centre finds the person it
//! signs in by e-mail through them. The ledger keeps a keyed digest of
//! each, never the address itself (a browser's random id as it is).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vow_store::{EventKind, Identity, IdentityKind, Store};

use super::subjects::{Provenance, Written, write};
use crate::auth::{Authorized, Read, Write};
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::json::ApiJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityLink {
    /// `email`, `phone`, `account` or `browser` (the cookie banner's visitor id).
    #[schema(value_type = String, example = "email")]
    pub kind: IdentityKind,
    /// The address, number or id as given: vow compares e-mail addresses
    /// in lower case and phone numbers by their digits.
    #[schema(example = "ada@example.org")]
    pub value: String,
    #[serde(flatten)]
    pub provenance: Provenance,
}

fn parse(kind: IdentityKind, value: &str) -> ApiResult<Identity> {
    Identity::parse(kind, value)
        .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e).field("value"))
}

/// Link an identity to a subject: the person signs in to the privacy
/// centre with this address and finds their own data. An identity names
/// one subject: linking it to another moves it.
#[utoipa::path(post, path = "/v1/subjects/{subject}/identities", tag = "subjects",
    params(("subject" = String, Path, description = "The subject's id")),
    request_body = IdentityLink,
    responses((status = 201, body = Written), (status = 422, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["write"])))]
pub async fn link(
    key: Authorized<Write>,
    State(state): State<AppState>,
    Path(subject): Path<String>,
    ApiJson(body): ApiJson<IdentityLink>,
) -> ApiResult<(StatusCode, Json<Written>)> {
    let identity = parse(body.kind, &body.value)?;
    let kinds = vec![EventKind::IdentityLinked {
        identity: body.kind,
        value: identity.stored(&state.identities),
    }];
    write(&state, &key.key_id, &subject, &body.provenance, kinds).await
}

/// An identity, to look up or unlink. In the body, not the path: an
/// address in a URL ends up in every proxy's access log.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityName {
    /// `email`, `phone`, `account` or `browser`.
    #[schema(value_type = String, example = "email")]
    pub kind: IdentityKind,
    #[schema(example = "ada@example.org")]
    pub value: String,
}

/// Unlink an identity from a subject (an address the person no longer
/// uses). An identity linked to another subject since is left there.
#[utoipa::path(post, path = "/v1/subjects/{subject}/identities/unlink", tag = "subjects",
    params(("subject" = String, Path, description = "The subject's id")),
    request_body = IdentityName,
    responses((status = 201, body = Written), (status = 422, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["write"])))]
pub async fn unlink(
    key: Authorized<Write>,
    State(state): State<AppState>,
    Path(subject): Path<String>,
    ApiJson(body): ApiJson<IdentityName>,
) -> ApiResult<(StatusCode, Json<Written>)> {
    let identity = parse(body.kind, &body.value)?;
    let kinds = vec![EventKind::IdentityUnlinked {
        identity: body.kind,
        value: identity.stored(&state.identities),
    }];
    write(&state, &key.key_id, &subject, &Provenance::default(), kinds).await
}

/// Who an identity names.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityOwner {
    pub subject: String,
}

/// The subject an identity is linked to.
#[utoipa::path(post, path = "/v1/identities/lookup", tag = "subjects",
    request_body = IdentityName,
    responses((status = 200, body = IdentityOwner), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["read"])))]
pub async fn owner(
    _: Authorized<Read>,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<IdentityName>,
) -> ApiResult<Json<IdentityOwner>> {
    let identity = parse(body.kind, &body.value)?;
    match state
        .store
        .identity_subject(body.kind, &identity.stored(&state.identities))
        .await?
    {
        Some(subject) => Ok(Json(IdentityOwner { subject })),
        None => Err(ApiError::new(
            ErrorCode::IdentityNotFound,
            format!("no subject is linked to this {}", body.kind.as_str()),
        )
        .hint("link it with POST /v1/subjects/{subject}/identities")),
    }
}
