//! The vow server: the HTTP API (documented in OpenAPI), health and
//! metrics, and `serve`, which opens the store, puts the policy in force
//! and runs until asked to stop.
//!
//! [`app`] builds the whole router from an [`AppState`], so that tests
//! drive it without a socket (`tower::ServiceExt::oneshot`). Handlers are
//! thin: parse, call the engine or the store, map the result.

pub mod access;
pub mod auth;
pub mod banner;
pub mod cache;
pub mod centre;
pub mod config;
pub mod desk;
pub mod error;
pub mod json;
pub mod middleware;
pub mod openapi;
pub mod pages;
pub mod routes;
pub mod runtime;
pub mod sealed;
pub mod serve;
pub mod state;
pub mod sync;
pub mod unsubscribe;

use std::sync::OnceLock;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

pub use config::{Config, Settings};
pub use state::{AppState, Limits, Shared};

use crate::error::{ApiError, ErrorCode};
use crate::middleware::GuardLayer;

/// The whole API.
pub fn app(state: AppState) -> Router {
    use routes::*;
    let api = Router::new()
        .route("/decisions", post(decisions::decisions))
        .route("/redact", post(redact::redact))
        .route("/collections/{point}/check", post(collections::check))
        .route("/subjects", get(subjects::list))
        .route(
            "/subjects/{subject}",
            get(subjects::show).patch(subjects::attributes),
        )
        .route("/subjects/{subject}/events", get(subjects::events))
        .route("/subjects/{subject}/consents", post(subjects::consents))
        .route(
            "/subjects/{subject}/preferences",
            post(subjects::preferences),
        )
        .route(
            "/subjects/{subject}/memberships",
            post(subjects::membership_start),
        )
        .route(
            "/subjects/{subject}/memberships/{membership}",
            delete(subjects::membership_end),
        )
        .route("/subjects/{subject}/guardians", post(subjects::guardian))
        .route(
            "/subjects/{subject}/guardians/{guardian}",
            delete(subjects::guardian_end),
        )
        .route("/subjects/{subject}/children", get(subjects::children))
        .route("/subjects/{subject}/identities", post(identities::link))
        .route(
            "/subjects/{subject}/identities/unlink",
            post(identities::unlink),
        )
        .route("/identities/lookup", post(identities::owner))
        .route("/subjects/{subject}/purchases", post(subjects::purchase))
        .route("/policy", get(policy::current))
        .route("/policy/versions", get(policy::versions))
        .route("/policy/versions/{version}", get(policy::version))
        .route("/ledger/head", get(ledger::head))
        .route("/ledger/events", get(ledger::events))
        .route("/ledger/verify", get(ledger::verify))
        .route("/requests", post(requests::create).get(requests::list))
        .route("/requests/{request}", get(requests::show))
        .route("/requests/{request}/verify", post(requests::verify))
        .route("/requests/{request}/code", post(requests::send_code))
        .route(
            "/requests/{request}/acknowledge",
            post(requests::acknowledge),
        )
        .route("/requests/{request}/extend", post(requests::extend))
        .route("/requests/{request}/deny", post(requests::deny))
        .route("/requests/{request}/export", get(requests::export))
        .route("/requests/{request}/run", post(requests::run))
        .route("/keys", post(keys::create).get(keys::list))
        .route("/keys/{id}", delete(keys::revoke))
        .route("/banner/consent", post(banner::record))
        .route("/unsubscribe/headers", post(unsubscribe::headers));
    // The pages people open: no script, nothing framed, forms only to us.
    let pages = Router::new()
        .route(
            "/u/{token}",
            get(unsubscribe::show).post(unsubscribe::one_click),
        )
        .route("/u/{token}/choices", post(unsubscribe::choices))
        .route("/centre", get(centre::home))
        .route("/centre/sign-in", post(centre::sign_in))
        .route("/centre/sign-out", post(centre::sign_out))
        .route(
            "/centre/link/{token}",
            get(centre::link).post(centre::enter),
        )
        .route("/centre/me", get(centre::me))
        .route("/centre/me/choices", post(centre::choices))
        .route("/centre/me/requests", post(centre::request))
        .route("/centre/me/agent", post(centre::agent))
        .route("/centre/me/rectify", post(centre::rectify))
        .route("/centre/requests/{request}/export", get(centre::export))
        .route("/centre/policy", get(centre::policy))
        .route("/centre/policy/{version}", get(centre::policy_version))
        .layer(axum::middleware::map_response(pages::headers));
    Router::new()
        .nest("/v1", api)
        .route("/", get(health::index))
        .route("/healthz", get(health::healthz))
        .route("/banner.js", get(banner::serve_script))
        .route("/.well-known/gpc.json", get(banner::gpc))
        .route("/demo", get(banner::demo))
        .merge(pages)
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/openapi.json", get(health::openapi))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.limits.body))
        .layer(GuardLayer::new(state.limits.timeout))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no endpoint at this path")
        .hint("the endpoints are listed at /openapi.json")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "this endpoint does not take this HTTP method",
    )
    .hint("the methods of each endpoint are listed at /openapi.json")
}

/// The process-wide Prometheus recorder (installed once).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets(&[
                    0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1,
                    0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                ])
                .expect("the buckets are not empty")
                .install_recorder()
                .expect("no other metrics recorder is installed")
        })
        .clone()
}
