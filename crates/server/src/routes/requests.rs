//! Data-subject requests over HTTP: the same desk as `vow request`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use vow_dsr::request::{
    Actor, ActorKind, Agent, DenialReason, Guardianship, NewRequest, RequestKind,
};
use vow_dsr::runner::{Change, Desk, DeskError, Names, Opening, Tell};
use vow_policy::{ElementId, VerificationMethod};
use vow_store::{AnyStore, RequestQuery};

use crate::auth::{Admin, Authorized, Read, Write};
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::json::ApiJson;
use crate::state::AppState;

/// A request as it arrives.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequestBody {
    /// The request's id [default: generated].
    pub id: Option<String>,
    /// `access`, `portability`, `erasure`, `rectification`, `restriction`,
    /// `objection`, `right_to_know` or `shine_the_light`.
    #[schema(example = "erasure")]
    pub right: String,
    /// The person, as the ledger names them.
    pub subject: String,
    /// Their jurisdiction: `GB`, `FR`, `US-CA`.
    pub jurisdiction: String,
    /// To find them in the datasets [default: the subject, when an e-mail address].
    pub email: Option<String>,
    pub phone: Option<String>,
    pub account_id: Option<String>,
    /// For an objection: the purpose [default: direct marketing].
    pub purpose: Option<String>,
    /// For a rectification: the fields to set in the person's own row.
    #[serde(default)]
    pub changes: Vec<ChangeBody>,
    /// `subject` (default): the person asked (or their agent, when `agent`
    /// is given); `staff`: staff opened it for them.
    pub by: Option<String>,
    /// Someone acting for the person: `{"kind": "parent", "id": ...}` (linked
    /// as their guardian in the ledger) or `{"kind": "authorised_agent", "id":
    /// ..., "proof": ["signed_permission"]}`.
    #[schema(value_type = Option<Object>)]
    pub agent: Option<Agent>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeBody {
    pub column: String,
    /// The new value; null empties the field.
    pub value: Option<String>,
    /// Only in this dataset.
    pub dataset: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    /// The check that passed: `account`, `email_on_file`, `phone_on_file`,
    /// `match_records`, `identity_document`, `signed_declaration`.
    #[schema(value_type = Option<String>, example = "account")]
    pub method: Option<VerificationMethod>,
    /// Instead of `method`: the one-time code the person received (sent by
    /// `vow request verify --send-code`).
    pub code: Option<String>,
}

/// A request's record: the request (state, deadline, history), its tasks
/// per dataset with their outcomes, and what it changed.
#[derive(Serialize, ToSchema)]
pub struct RequestView {
    pub id: String,
    pub status: String,
    /// Everything vow keeps about the request (`docs/requests.md`).
    #[schema(value_type = Object)]
    pub record: Value,
}

#[derive(Serialize, ToSchema)]
pub struct RequestSummary {
    pub id: String,
    pub subject: String,
    pub right: String,
    pub status: String,
    pub received_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub next_run_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct RequestList {
    pub requests: Vec<RequestSummary>,
    /// Pass as `after` for the next page; absent on the last.
    pub next: Option<String>,
}

/// An extension of the deadline.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendBody {
    /// Why more time is needed, in words the person understands.
    pub reason: String,
    /// The new deadline [default: the latest the law and the policy allow].
    pub until: Option<DateTime<Utc>>,
    /// The person was told another way: how. Without it, vow e-mails them.
    pub told: Option<String>,
}

/// A confirmation of receipt.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeBody {
    /// The person was told another way: how. Without it, vow e-mails them.
    pub told: Option<String>,
}

/// A refusal by staff.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DenyBody {
    /// The exception of the law or the policy that applies, in words the
    /// person understands; leave out with `identity_not_verified`.
    pub reason: Option<String>,
    /// The person's identity could not be verified.
    #[serde(default)]
    pub identity_not_verified: bool,
    /// The person was told another way: how. Without it, vow e-mails them
    /// the reason and the appeal the law gives.
    pub told: Option<String>,
}

/// A one-time code on its way.
#[derive(Serialize, ToSchema)]
pub struct CodeSent {
    /// Where it went, masked (`j•••@example.com`): the address the
    /// organisation's own data holds, never one the request gave.
    pub sent_to: String,
    /// When the code stops working.
    pub expires_at: Option<DateTime<Utc>>,
    pub request: RequestView,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// The summary's language, when the policy is published in it (`fr`,
    /// `uk`) [default: the policy's own].
    pub language: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestFilter {
    pub subject: Option<String>,
    pub status: Option<String>,
    /// Ids after this one.
    pub after: Option<String>,
    pub limit: Option<usize>,
}

fn desk(state: &AppState) -> Desk<'_, AnyStore> {
    state.desk("api")
}

fn view(case: &vow_dsr::runner::Case) -> ApiResult<Json<RequestView>> {
    let mut record = serde_json::to_value(case).map_err(ApiError::internal)?;
    // A six-digit code falls to a million guesses against its hash and
    // salt: the API says when it was sent and how many tries are left, not
    // what would let a reader find it.
    if let Some(code) = record.get_mut("code").and_then(Value::as_object_mut) {
        code.remove("hash");
        code.remove("salt");
    }
    Ok(Json(RequestView {
        id: case.request.id.clone(),
        status: case.request.status().to_owned(),
        record,
    }))
}

impl From<DeskError> for ApiError {
    fn from(error: DeskError) -> ApiError {
        match error {
            DeskError::Store(e) => e.into(),
            DeskError::NotFound(id) => ApiError::new(
                ErrorCode::RequestNotFound,
                format!("there is no request `{id}`"),
            ),
            DeskError::Transition(e) => ApiError::new(ErrorCode::InvalidTransition, e.to_string()),
            DeskError::Invalid(message) => ApiError::new(ErrorCode::InvalidRequest, message),
            DeskError::Immutable { ref column, .. } => {
                let field = format!("changes.{column}");
                ApiError::new(ErrorCode::ImmutableField, error.to_string())
                    .field(field)
                    .hint("leave this field out of `changes`; `GET /v1/policy` shows which categories are `immutable`")
            }
            DeskError::NotExportable(message) => ApiError::new(ErrorCode::NotExportable, message),
            DeskError::Mail(message) => ApiError::new(ErrorCode::MailFailed, message)
                .hint("check [mail] in vow.toml (or VOW_SMTP_*) and the mail server's log, then ask again"),
            DeskError::Corrupt { .. } => ApiError::internal(error),
        }
    }
}

fn kind(body: &NewRequestBody) -> ApiResult<RequestKind> {
    let purpose = body
        .purpose
        .as_deref()
        .map(|p| {
            ElementId::parse(p)
                .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e).field("purpose"))
        })
        .transpose()?;
    RequestKind::parse(&body.right, purpose)
        .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e.to_string()).field("right"))
}

/// Open a request: its deadline is worked out under the policy and the
/// law of the jurisdiction; what the policy does not grant, or a request
/// over the limit, is denied at once (with the appeal the law gives).
#[utoipa::path(post, path = "/v1/requests", tag = "requests", request_body = NewRequestBody,
    responses((status = 201, body = RequestView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("api_key" = ["write"])))]
pub async fn create(
    key: Authorized<Write>,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<NewRequestBody>,
) -> ApiResult<(StatusCode, Json<RequestView>)> {
    let kind = kind(&body)?;
    let actor = match body.by.as_deref() {
        None | Some("subject") => match &body.agent {
            Some(agent) => Actor::new(ActorKind::Agent, agent.id.clone()),
            None => Actor::new(ActorKind::Subject, body.subject.clone()),
        },
        Some("staff") => Actor::new(ActorKind::Staff, format!("key:{}", key.key_id)),
        Some(other) => {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!("`by` is `subject` or `staff`, not `{other}`"),
            )
            .field("by"));
        }
    };
    let id = body.id.clone().unwrap_or_else(|| {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).expect("the operating system's random source works");
        format!("req-{}", hex::encode(bytes))
    });
    let opening = Opening {
        new: NewRequest {
            id,
            kind,
            subject: body.subject,
            jurisdiction: body.jurisdiction,
            agent: body.agent,
            guardianship: Guardianship::default(),
            arrival: None,
        },
        names: Names {
            email: body.email,
            phone: body.phone,
            account_id: body.account_id,
        },
        changes: body
            .changes
            .into_iter()
            .map(|c| Change {
                column: c.column,
                value: c.value,
                dataset: c.dataset,
            })
            .collect(),
        actor,
        holidays: Vec::new(),
    };
    let case = desk(&state).create(opening, Utc::now()).await?;
    tracing::info!(key = %key.key_id, request = %case.request.id, status = case.request.status(), "request opened");
    Ok((StatusCode::CREATED, view(&case)?))
}

/// Requests, ordered by id.
#[utoipa::path(get, path = "/v1/requests", tag = "requests", params(RequestFilter),
    responses((status = 200, body = RequestList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["read"])))]
pub async fn list(
    _: Authorized<Read>,
    State(state): State<AppState>,
    Query(filter): Query<RequestFilter>,
) -> ApiResult<Json<RequestList>> {
    let limit = filter
        .limit
        .unwrap_or(state.limits.page)
        .clamp(1, state.limits.page);
    let records = desk(&state)
        .list(&RequestQuery {
            subject: filter.subject,
            status: filter.status,
            runnable_at: None,
            after: filter.after,
            limit,
        })
        .await?;
    let next = (records.len() == limit)
        .then(|| records.last().map(|r| r.id.clone()))
        .flatten();
    Ok(Json(RequestList {
        requests: records
            .into_iter()
            .map(|r| RequestSummary {
                id: r.id,
                subject: r.subject,
                right: r.kind,
                status: r.status,
                received_at: r.received_at,
                due_at: r.due_at,
                next_run_at: r.next_run_at,
            })
            .collect(),
        next,
    }))
}

/// One request's record.
#[utoipa::path(get, path = "/v1/requests/{request}", tag = "requests",
    params(("request" = String, Path, description = "The request's id")),
    responses((status = 200, body = RequestView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("api_key" = ["read"])))]
pub async fn show(
    _: Authorized<Read>,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<RequestView>> {
    view(&desk(&state).load(&id).await?)
}

/// Record that a check of the asker's identity passed. Recording a check
/// that already passed changes nothing (a retried call).
#[utoipa::path(post, path = "/v1/requests/{request}/verify", tag = "requests", request_body = VerifyBody,
    params(("request" = String, Path, description = "The request's id")),
    responses((status = 200, body = RequestView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("api_key" = ["write"])))]
pub async fn verify(
    key: Authorized<Write>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<VerifyBody>,
) -> ApiResult<Json<RequestView>> {
    let by = Actor::new(ActorKind::Staff, format!("key:{}", key.key_id));
    let case = match (body.method, body.code) {
        (Some(method), None) => desk(&state).checked(&id, method, by, Utc::now()).await?,
        (None, Some(code)) => {
            let (case, check) = desk(&state).enter_code(&id, &code, Utc::now()).await?;
            if check != vow_dsr::request::CodeCheck::Verified {
                return Err(
                    ApiError::new(ErrorCode::InvalidTransition, check.to_string()).field("code"),
                );
            }
            case
        }
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                "give either `method` (a check staff saw pass) or `code` (the code the person received)",
            ));
        }
    };
    view(&case)
}

/// Do what is left of a verified request in every dataset now. A dataset
/// that cannot be reached makes it wait and retry with backoff.
#[utoipa::path(post, path = "/v1/requests/{request}/run", tag = "requests",
    params(("request" = String, Path, description = "The request's id")),
    responses((status = 200, body = RequestView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("api_key" = ["admin"])))]
pub async fn run(
    key: Authorized<Admin>,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<RequestView>> {
    let case = desk(&state).run(&id, Utc::now()).await?;
    tracing::info!(key = %key.key_id, request = %id, status = case.request.status(), "request run");
    view(&case)
}

/// Send the person a one-time code, to the e-mail address the organisation's
/// datasets hold for them (never one the request gave). They pass the check
/// by giving it back to `POST /v1/requests/{request}/verify` as `code`. A
/// new code replaces the one before.
#[utoipa::path(post, path = "/v1/requests/{request}/code", tag = "requests",
    params(("request" = String, Path, description = "The request's id")),
    responses((status = 200, body = CodeSent), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 502, body = ErrorBody)),
    security(("api_key" = ["write"])))]
pub async fn send_code(
    key: Authorized<Write>,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<CodeSent>> {
    let (case, to) = desk(&state)
        .send_code(
            &id,
            &state.requests.mailer,
            &vow_dsr::request::CodeRules::default(),
            Utc::now(),
        )
        .await?;
    tracing::info!(key = %key.key_id, request = %id, "one-time code sent");
    Ok(Json(CodeSent {
        sent_to: vow_mail::mask(&to),
        expires_at: case.code.as_ref().map(|c| c.expires_at()),
        request: view(&case)?.0,
    }))
}

/// The export package of a completed access or portability request: a zip
/// with `manifest.json` (every file and its SHA-256), `data.json`, one CSV
/// per table and `summary.html` (GDPR Art. 15(1)(a)–(h)).
#[utoipa::path(get, path = "/v1/requests/{request}/export", tag = "requests",
    params(("request" = String, Path, description = "The request's id"), ExportParams),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>,
            description = "The package, as an attachment named after the request"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("api_key" = ["read"])))]
pub async fn export(
    key: Authorized<Read>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<ExportParams>,
) -> ApiResult<Response> {
    // AGENCY-09: a package holds every category; a staff role takes it
    // only if it may read them all.
    key.reader(&state).export(state.policy.policy())?;
    let mut zip = std::io::Cursor::new(Vec::new());
    let manifest = desk(&state).export(&id, &mut zip, params.language).await?;
    tracing::info!(key = %key.key_id, request = %id, files = manifest.files.len(), "export package served");
    // The id is ours or the caller's: keep only what is safe in a header.
    let name: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"vow-export-{name}.zip\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        zip.into_inner(),
    )
        .into_response())
}

fn tell<'m>(state: &'m AppState, told: Option<String>) -> Tell<'m> {
    match told {
        Some(how) => Tell::Otherwise(how),
        None => Tell::Mail(&state.requests.mailer),
    }
}

/// Confirm to the person that their request was received: how it will be
/// verified and when it is due (by e-mail, or say how they were told).
/// The CCPA asks for it within 10 business days (11 CCR § 7021(a)); the
/// record's `request.deadline.acknowledge` says by when a law asks.
#[utoipa::path(post, path = "/v1/requests/{request}/acknowledge", tag = "requests", request_body = AcknowledgeBody,
    params(("request" = String, Path, description = "The request's id")),
    responses((status = 200, body = RequestView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 502, body = ErrorBody)),
    security(("api_key" = ["write"])))]
pub async fn acknowledge(
    key: Authorized<Write>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AcknowledgeBody>,
) -> ApiResult<Json<RequestView>> {
    let by = Actor::new(ActorKind::Staff, format!("key:{}", key.key_id));
    let case = desk(&state)
        .acknowledge(&id, tell(&state, body.told), by, Utc::now())
        .await?;
    tracing::info!(key = %key.key_id, request = %id, "request acknowledged");
    view(&case)
}

/// Put the answer off, and tell the person why and until when (by e-mail,
/// or say how they were told). Refused when the law and the policy give no
/// more time, the new date is past what they allow, or the first deadline
/// has passed.
#[utoipa::path(post, path = "/v1/requests/{request}/extend", tag = "requests", request_body = ExtendBody,
    params(("request" = String, Path, description = "The request's id")),
    responses((status = 200, body = RequestView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 502, body = ErrorBody)),
    security(("api_key" = ["admin"])))]
pub async fn extend(
    key: Authorized<Admin>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ExtendBody>,
) -> ApiResult<Json<RequestView>> {
    let by = Actor::new(ActorKind::Staff, format!("key:{}", key.key_id));
    let case = desk(&state)
        .extend(
            &id,
            &body.reason,
            body.until,
            tell(&state, body.told),
            by,
            Utc::now(),
        )
        .await?;
    tracing::info!(key = %key.key_id, request = %id, due = ?case.request.due, "request extended");
    view(&case)
}

/// Refuse a request, and tell the person why and what they may do about
/// it (the appeal the law gives in their jurisdiction).
#[utoipa::path(post, path = "/v1/requests/{request}/deny", tag = "requests", request_body = DenyBody,
    params(("request" = String, Path, description = "The request's id")),
    responses((status = 200, body = RequestView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 502, body = ErrorBody)),
    security(("api_key" = ["admin"])))]
pub async fn deny(
    key: Authorized<Admin>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DenyBody>,
) -> ApiResult<Json<RequestView>> {
    let reason = match (body.reason, body.identity_not_verified) {
        (None, true) => DenialReason::IdentityNotVerified,
        (Some(explanation), false) if !explanation.trim().is_empty() => {
            DenialReason::Exception { explanation }
        }
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                "give either `reason` (the exception that applies) or `identity_not_verified: true`",
            )
            .field("reason"));
        }
    };
    let by = Actor::new(ActorKind::Staff, format!("key:{}", key.key_id));
    let case = desk(&state)
        .deny(&id, reason, tell(&state, body.told), by, Utc::now())
        .await?;
    tracing::info!(key = %key.key_id, request = %id, "request denied");
    view(&case)
}
