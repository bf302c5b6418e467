//! `POST /v1/collections/{point}/check`: may a form's submission be taken
//! as it is (EDU-01)? Every category the point requires is there, and
//! nothing it does not collect; the answer names each one missing or extra.
//! Nothing is recorded.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vow_policy::submission::{self, MAX_CATEGORIES, Submission, Verdict};

use crate::auth::{Authorized, Decide};
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::json::ApiJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionBody {
    /// The categories the submission carries (`user.contact.email`), at most 1,000.
    #[schema(example = json!(["user.contact.name", "user.contact.email"]))]
    pub categories: Vec<String>,
    /// The kind of person who filled it in (a subject kind of the policy),
    /// checked against the point's `subject_kind` when given.
    pub kind: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckAnswer {
    #[serde(flatten)]
    pub verdict: Verdict,
    pub policy_version: String,
}

/// Check a submission against what a collection point collects.
#[utoipa::path(post, path = "/v1/collections/{point}/check", tag = "decisions", request_body = SubmissionBody,
    params(("point" = String, Path, description = "A collection point id of the policy in force")),
    responses((status = 200, body = CheckAnswer, description = "`allowed` says whether the submission may be taken; otherwise `missing`, `extra` and `reasons` say why"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = ["decide"])))]
pub async fn check(
    _: Authorized<Decide>,
    State(state): State<AppState>,
    Path(point): Path<String>,
    ApiJson(body): ApiJson<SubmissionBody>,
) -> ApiResult<Json<CheckAnswer>> {
    if body.categories.len() > MAX_CATEGORIES {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            format!(
                "a submission names at most {MAX_CATEGORIES} categories, not {}",
                body.categories.len()
            ),
        )
        .field("categories"));
    }
    let categories: Vec<&str> = body.categories.iter().map(String::as_str).collect();
    let policy = &state.policy;
    let verdict = submission::check(
        policy.policy(),
        &point,
        Submission {
            categories: &categories,
            kind: body.kind.as_deref(),
        },
    )
    .map_err(|e| {
        ApiError::new(ErrorCode::CollectionPointNotFound, e.to_string())
            .field("point")
            .hint("`GET /v1/policy` lists the collection points (`collection_points`)")
    })?;
    Ok(Json(CheckAnswer {
        verdict,
        policy_version: policy.version().to_owned(),
    }))
}
