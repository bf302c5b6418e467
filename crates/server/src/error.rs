//! API errors: one stable machine code per kind of failure, a message a
//! person can act on, and where in the request the problem is. Every code
//! is listed in `docs/errors.md` (a test fails when one is missing).
//!
//! The body is always `{"error": {"code", "message", "field"?, "line"?,
//! "column"?, "hint"?, "docs"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use vow_store::StoreError;

macro_rules! codes {
    ($($name:ident = $code:literal, $status:ident, $doc:literal;)*) => {
        /// A stable error code. Never renamed once released.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode { $($name,)* }

        impl ErrorCode {
            /// Every code, for the documentation test.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$name,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$name => $code,)* }
            }

            pub fn status(self) -> StatusCode {
                match self { $(ErrorCode::$name => StatusCode::$status,)* }
            }

            /// One line on when it happens (the table in `docs/errors.md` says more).
            pub fn summary(self) -> &'static str {
                match self { $(ErrorCode::$name => $doc,)* }
            }
        }
    };
}

codes! {
    MissingApiKey = "missing_api_key", UNAUTHORIZED, "No API key was sent.";
    InvalidApiKey = "invalid_api_key", UNAUTHORIZED, "The API key is unknown, malformed or revoked.";
    InsufficientScope = "insufficient_scope", FORBIDDEN, "The API key lacks the scope this endpoint needs.";
    InvalidJson = "invalid_json", BAD_REQUEST, "The body is not valid JSON.";
    InvalidRequest = "invalid_request", UNPROCESSABLE_ENTITY, "The JSON does not have the expected shape: a missing field, a wrong type, an unknown field.";
    InvalidParameter = "invalid_parameter", BAD_REQUEST, "A path or query parameter is malformed.";
    UnsupportedMediaType = "unsupported_media_type", UNSUPPORTED_MEDIA_TYPE, "The body is not sent as application/json.";
    PayloadTooLarge = "payload_too_large", PAYLOAD_TOO_LARGE, "The body exceeds the server's limit.";
    BatchTooLarge = "batch_too_large", UNPROCESSABLE_ENTITY, "A batch holds more items than the server accepts at once.";
    UnknownPurpose = "unknown_purpose", UNPROCESSABLE_ENTITY, "A purpose the policy in force does not declare.";
    UnknownMembership = "unknown_membership", UNPROCESSABLE_ENTITY, "A membership the policy in force does not declare.";
    PurposeNotConsentBased = "purpose_not_consent_based", UNPROCESSABLE_ENTITY, "A consent was recorded for a purpose that does not rest on consent or an opt-out.";
    UnknownScope = "unknown_scope", UNPROCESSABLE_ENTITY, "A key was asked for with a scope that does not exist.";
    UnknownRole = "unknown_role", UNPROCESSABLE_ENTITY, "A key was asked for with a staff role the policy in force does not declare.";
    RoleCannotRead = "role_cannot_read", FORBIDDEN, "The key's staff role may not read what this endpoint returns.";
    SubjectNotFound = "subject_not_found", NOT_FOUND, "No event has ever been recorded for this subject.";
    PolicyVersionNotFound = "policy_version_not_found", NOT_FOUND, "No policy with this version was ever loaded.";
    KeyNotFound = "key_not_found", NOT_FOUND, "No API key has this id.";
    RequestNotFound = "request_not_found", NOT_FOUND, "No data-subject request has this id.";
    IdentityNotFound = "identity_not_found", NOT_FOUND, "No subject is linked to this e-mail address, phone number, account id or browser.";
    ImmutableField = "immutable_field", UNPROCESSABLE_ENTITY, "A rectification names a field whose category the policy declares immutable.";
    TextTooLarge = "text_too_large", PAYLOAD_TOO_LARGE, "The text to redact is larger than 1 MiB.";
    CollectionPointNotFound = "collection_point_not_found", NOT_FOUND, "The policy in force declares no collection point with this id.";
    InvalidTransition = "invalid_transition", CONFLICT, "The request's state does not allow this step (it is closed, not verified, or the check is not one it accepts).";
    BannerOutdated = "banner_outdated", CONFLICT, "The banner choice was made on a banner that is not the one in force.";
    NotExportable = "not_exportable", CONFLICT, "The request is not an access or portability request, or is not completed yet.";
    MailFailed = "mail_failed", BAD_GATEWAY, "The mail server refused the message or could not be reached.";
    NotFound = "not_found", NOT_FOUND, "No endpoint at this path.";
    MethodNotAllowed = "method_not_allowed", METHOD_NOT_ALLOWED, "The endpoint exists but not with this HTTP method.";
    EventConflict = "event_conflict", CONFLICT, "An event id was reused with different content.";
    RequestTimeout = "request_timeout", REQUEST_TIMEOUT, "The request took longer than the server's timeout.";
    StoreUnavailable = "store_unavailable", SERVICE_UNAVAILABLE, "The ledger database cannot be reached; nothing was written.";
    LedgerTampered = "ledger_tampered", SERVICE_UNAVAILABLE, "The ledger's sealed head was tampered with: nothing is appended until it is repaired.";
    NotReady = "not_ready", SERVICE_UNAVAILABLE, "The server is starting or its store is unreachable.";
    Internal = "internal", INTERNAL_SERVER_ERROR, "A bug in vow; the log has the details.";
}

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// The request field concerned, as a path (`queries[2].purpose`).
    pub field: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub hint: Option<String>,
}

/// The JSON body of every error (documented in the OpenAPI description).
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code, listed in docs/errors.md.
    #[schema(example = "unknown_purpose")]
    pub code: &'static str,
    /// What went wrong, for a person.
    pub message: String,
    /// Where in the request: a field path such as `queries[2].purpose`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Line and column in the JSON body, for syntax and shape errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Where the code is documented.
    pub docs: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            field: None,
            line: None,
            column: None,
            hint: None,
        }
    }

    pub fn field(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> ApiError {
        self.hint = Some(hint.into());
        self
    }

    pub fn at(mut self, line: usize, column: usize) -> ApiError {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn internal(what: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %what, "internal error");
        ApiError::new(
            ErrorCode::Internal,
            "vow failed to answer; the server log has the details",
        )
    }

    /// An id the policy does not declare, with the nearest one it does.
    pub fn unknown<'a>(
        code: ErrorCode,
        what: &str,
        id: &str,
        field: impl Into<String>,
        known: impl IntoIterator<Item = &'a str>,
    ) -> ApiError {
        let known: Vec<&str> = known.into_iter().collect();
        let nearest = vow_policy::diagnostic::nearest(id, known.iter().copied());
        let error = ApiError::new(
            code,
            format!("`{id}` is not a {what} of the policy in force"),
        )
        .field(field);
        match nearest {
            Some(k) => error.hint(format!("did you mean `{k}`?")),
            None if known.len() <= 12 => error.hint(format!(
                "the policy declares: {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            None => error.hint("GET /v1/policy lists what the policy declares"),
        }
    }

    fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code.as_str(),
                message: self.message.clone(),
                field: self.field.clone(),
                line: self.line,
                column: self.column,
                hint: self.hint.clone(),
                docs: format!("docs/errors.md#{}", self.code.as_str()),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        metrics::counter!("vow_http_errors_total", "code" => self.code.as_str()).increment(1);
        let mut response = (self.code.status(), axum::Json(self.body())).into_response();
        if matches!(
            self.code,
            ErrorCode::MissingApiKey | ErrorCode::InvalidApiKey
        ) {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"vow\""),
            );
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error.clone() {
            StoreError::Conflict(message) => ApiError::new(ErrorCode::EventConflict, message)
                .hint("give each new event its own id; reuse an id only to retry the same event"),
            StoreError::Invalid(message) => ApiError::new(ErrorCode::InvalidRequest, message),
            StoreError::Database(_) | StoreError::Closed => {
                tracing::error!(error = %error, "store unavailable");
                ApiError::new(
                    ErrorCode::StoreUnavailable,
                    "the ledger database did not answer; nothing was written",
                )
                .hint("retry with the same event ids: retries are idempotent")
            }
            StoreError::Tampered(message) => {
                tracing::error!(error = %message, "ledger tampered");
                ApiError::new(ErrorCode::LedgerTampered, message)
                    .hint("run `vow ledger verify` to see what was changed")
            }
            other => ApiError::internal(other),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
