//! `POST /v1/redact`: free text without what the policy never stores
//! (EDU-07, KIDS-10) — payment card numbers and the never-stored
//! categories' patterns — and what was taken out, so that a support ticket
//! is kept without them. Nothing is recorded: the text is neither logged
//! nor kept.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vow_policy::redact::{Finding, MAX_INPUT_BYTES};

use crate::auth::{Authorized, Decide};
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::json::ApiJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedactBody {
    /// The free text (a ticket, a note), at most 1 MiB of UTF-8.
    #[schema(example = "I paid with 4242 4242 4242 4242, CVV 123")]
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RedactAnswer {
    /// The text with each finding replaced by `[` its masked form `]`.
    #[schema(example = "I paid with [•••• 4242], [•••]")]
    pub text: String,
    /// What was found, in the order it appears; offsets are bytes of the
    /// text sent, on character boundaries.
    pub found: Vec<Finding>,
    /// The never-stored categories looked for.
    pub categories: Vec<String>,
    pub policy_version: String,
}

/// Take what the policy never stores out of free text.
#[utoipa::path(post, path = "/v1/redact", tag = "decisions", request_body = RedactBody,
    responses((status = 200, body = RedactAnswer), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = ["decide"])))]
pub async fn redact(
    _: Authorized<Decide>,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RedactBody>,
) -> ApiResult<Json<RedactAnswer>> {
    if body.text.len() > MAX_INPUT_BYTES {
        return Err(ApiError::new(
            ErrorCode::TextTooLarge,
            format!(
                "the text is {} bytes; at most {MAX_INPUT_BYTES} (1 MiB) are redacted at once",
                body.text.len()
            ),
        )
        .field("text")
        .hint("split the text into parts of at most 1 MiB and send each"));
    }
    let policy = &state.policy;
    let redactor = &policy.redactor;
    let redacted = redactor.redact(&body.text);
    Ok(Json(RedactAnswer {
        text: redacted.text,
        found: redacted.found,
        categories: redactor
            .categories()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        policy_version: policy.version().to_owned(),
    }))
}
