//! The ledger as a whole: its head, its events, and their verification.

use axum::Json;
use axum::extract::{Query, State};
use serde::Serialize;
use utoipa::ToSchema;
use vow_store::{Store, Verification};

use crate::auth::{Admin, Authorized, Read};
use crate::error::{ApiResult, ErrorBody};
use crate::routes::subjects::{EventList, SeqPage};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Head {
    /// The number of the last event (0 for an empty ledger).
    pub seq: u64,
    /// Its hash: publish it elsewhere to anchor the ledger.
    pub hash: Option<String>,
}

/// The last event's number and hash.
#[utoipa::path(get, path = "/v1/ledger/head", tag = "ledger",
    responses((status = 200, body = Head), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["read"])))]
pub async fn head(_: Authorized<Read>, State(state): State<AppState>) -> ApiResult<Json<Head>> {
    let head = state.store.head().await?;
    Ok(Json(Head {
        seq: head.as_ref().map_or(0, |h| h.0),
        hash: head.map(|h| h.1),
    }))
}

/// Every event, in order: for auditors and exports.
#[utoipa::path(get, path = "/v1/ledger/events", tag = "ledger", params(SeqPage),
    responses((status = 200, body = EventList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["admin"])))]
pub async fn events(
    key: Authorized<Admin>,
    State(state): State<AppState>,
    Query(page): Query<SeqPage>,
) -> ApiResult<Json<EventList>> {
    tracing::info!(key = %key.key_id, after = page.after, "ledger read");
    let limit = page
        .limit
        .unwrap_or(state.limits.page)
        .clamp(1, state.limits.page);
    let events = state.store.events(page.after.unwrap_or(0), limit).await?;
    Ok(Json(EventList::page(events, limit, &key.reader(&state))))
}

#[derive(Serialize, ToSchema)]
pub struct VerificationView {
    /// Nothing was changed, deleted, inserted or reordered.
    pub intact: bool,
    #[serde(flatten)]
    pub verification: Verification,
}

/// Verify the hash chain and seals: every event changed, deleted, inserted
/// or reordered in the database is named.
#[utoipa::path(get, path = "/v1/ledger/verify", tag = "ledger",
    responses((status = 200, description = "The verification; `intact` is false when anything was tampered with.", body = VerificationView),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["read"])))]
pub async fn verify(
    key: Authorized<Read>,
    State(state): State<AppState>,
) -> ApiResult<Json<VerificationView>> {
    let verification = state.store.verify().await?;
    tracing::info!(key = %key.key_id, events = verification.events, tampering = verification.tampering.len(), "ledger verified");
    Ok(Json(VerificationView {
        intact: verification.intact(),
        verification,
    }))
}
