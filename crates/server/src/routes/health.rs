//! Liveness, readiness, metrics, the OpenAPI description and the index page.
//! None needs a key: they say nothing about any person.

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use vow_store::Store;

use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::openapi::ApiDoc;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    pub version: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

#[derive(Serialize, ToSchema)]
pub struct Ready {
    #[schema(example = "ready")]
    pub status: &'static str,
    pub policy_version: String,
    /// The number of the last ledger event.
    pub ledger_seq: u64,
}

/// The server can answer: start-up finished and the store answers.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Ready), (status = 503, body = ErrorBody)))]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<Json<Ready>> {
    if !state.ready.load(Ordering::Acquire) {
        return Err(ApiError::new(ErrorCode::NotReady, "vow is starting"));
    }
    let head = tokio::time::timeout(Duration::from_secs(2), state.store.head())
        .await
        .map_err(|_| ApiError::new(ErrorCode::NotReady, "the store did not answer within 2 s"))?
        .map_err(|e| {
            tracing::warn!(error = %e, "readiness: store unreachable");
            ApiError::new(ErrorCode::NotReady, "the store cannot be reached")
        })?;
    Ok(Json(Ready {
        status: "ready",
        policy_version: state.policy.version().to_owned(),
        ledger_seq: head.map_or(0, |h| h.0),
    }))
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    metrics::gauge!("vow_state_cache_entries").set(state.subjects.len() as f64);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

/// This API's OpenAPI 3.1 description.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "OpenAPI 3.1", content_type = "application/json")))]
pub async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        ApiDoc::openapi()
            .to_pretty_json()
            .expect("the description serialises"),
    )
}

/// A page with the links a person starting vow wants.
pub async fn index(State(state): State<AppState>) -> Html<String> {
    let meta = &state.policy.policy().policy;
    Html(format!(
        r#"<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>vow</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}}code{{background:#f1f3f5;padding:.1em .3em;border-radius:3px}}</style>
<h1>vow</h1>
<p>Serving policy <code>{id}</code>, version <code>{version}</code> (effective {effective}).</p>
<ul>
<li><a href="/openapi.json">OpenAPI description</a> of the API under <code>/v1</code></li>
<li><a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>, <a href="/metrics">/metrics</a></li>
</ul>
<p>Every <code>/v1</code> endpoint needs an API key: <code>Authorization: Bearer vow_…</code>. The admin key was printed when vow first started; <code>vow keys create --scope decide</code> makes more.</p>
"#,
        id = html_escape(meta.id.as_str()),
        version = html_escape(&meta.version),
        effective = meta.effective,
    ))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
