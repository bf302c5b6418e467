//! `ApiJson<T>`: a JSON body extractor whose errors say what and where —
//! the field path (`queries[2].purpose`), line and column — in the API's
//! error shape, instead of axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorCode};

/// A JSON request body, parsed.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Body(bytes) = Body::from_request(req, state).await?;
        parse(&bytes).map(ApiJson)
    }
}

/// A JSON request body, not yet parsed (for handlers that look at its shape first).
pub struct Body(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                let mime = v.split(';').next().unwrap_or("").trim();
                mime.eq_ignore_ascii_case("application/json")
                    || mime.to_ascii_lowercase().ends_with("+json")
            });
        if !json {
            return Err(
                ApiError::new(ErrorCode::UnsupportedMediaType, "the body must be JSON")
                    .hint("send `Content-Type: application/json`"),
            );
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    ErrorCode::PayloadTooLarge,
                    "the body is larger than the server accepts",
                )
                .hint(
                    "split a large batch into several requests, or raise `body_limit` in vow.toml",
                )
            } else {
                ApiError::new(ErrorCode::InvalidJson, rejection.body_text())
            }
        })?;
        Ok(Body(bytes))
    }
}

/// Parses a JSON body, locating any error. Well-formed bodies take the
/// fast path; only a body that fails is parsed again to name the field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).or_else(|_| explain(bytes))
}

/// Parses with the field path tracked, for the error message.
fn explain<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|error| {
        let path = error.path().to_string();
        let api = located(error.into_inner());
        if path != "." && !path.is_empty() {
            api.field(path)
        } else {
            api
        }
    })?;
    de.end().map_err(located)?;
    Ok(value)
}

/// A serde_json error as an API error, with its line and column.
fn located(inner: serde_json::Error) -> ApiError {
    let code = if inner.is_data() {
        ErrorCode::InvalidRequest
    } else {
        ErrorCode::InvalidJson
    };
    let api =
        ApiError::new(code, strip_position(&inner.to_string())).at(inner.line(), inner.column());
    if inner.is_eof() {
        api.hint("the body ends early: check for a missing closing brace or quote")
    } else {
        api
    }
}

/// serde_json appends " at line L column C"; the error carries them as fields.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// A JSON answer serialised into a buffer sized for it at once (axum's
/// `Json` starts at 128 bytes and grows; a decision is about 400).
pub fn respond<T: serde::Serialize>(value: &T, size_hint: usize) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut buffer = Vec::with_capacity(size_hint);
    match serde_json::to_writer(&mut buffer, value) {
        Ok(()) => (
            [(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/json"),
            )],
            buffer,
        )
            .into_response(),
        Err(e) => {
            ApiError::internal(format!("an answer could not be serialised: {e}")).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        purpose: String,
    }

    #[test]
    fn errors_name_the_field_line_and_column() {
        let e =
            parse::<Body>(b"{\"items\": [{\"purpose\": \"a\"},\n {\"purpose\": 3}]}").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        assert_eq!(e.field.as_deref(), Some("items[1].purpose"));
        assert_eq!((e.line, e.column), (Some(2), Some(14)));
        assert!(
            e.message.starts_with("invalid type: integer `3`"),
            "{}",
            e.message
        );

        let e = parse::<Body>(b"{\"items\": [{\"purpse\": \"a\"}]}").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("items[0].purpse"));
        assert!(
            e.message.contains("unknown field `purpse`"),
            "{}",
            e.message
        );

        let e = parse::<Body>(b"{\"items\": [").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidJson);
        assert!(e.hint.is_some());

        let e = parse::<Body>(b"{\"items\": []} trailing").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidJson);
    }
}
