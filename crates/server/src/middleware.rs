//! What wraps every route: the request timeout, request metrics and
//! request ids. Written as plain tower services, not `from_fn` closures:
//! they run on every decision, and a boxed clone of the inner service per
//! request, label strings allocated per request and a `getrandom` system
//! call per request id cost more than the decision itself.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, RwLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use metrics::{Counter, Histogram};
use tower::{Layer, Service};
use tower_http::request_id::{MakeRequestId, RequestId};

use crate::error::{ApiError, ErrorCode};

/// Times out slow requests (with the API's JSON error) and counts every
/// request by route and status, with its latency.
#[derive(Clone)]
pub struct GuardLayer {
    timeout: Duration,
}

impl GuardLayer {
    pub fn new(timeout: Duration) -> GuardLayer {
        GuardLayer { timeout }
    }
}

impl<S> Layer<S> for GuardLayer {
    type Service = Guard<S>;

    fn layer(&self, inner: S) -> Guard<S> {
        Guard {
            inner,
            timeout: self.timeout,
        }
    }
}

#[derive(Clone)]
pub struct Guard<S> {
    inner: S,
    timeout: Duration,
}

impl<S> Service<Request> for Guard<S>
where
    S: Service<Request, Response = Response> + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let route: Arc<str> = request
            .extensions()
            .get::<MatchedPath>()
            .map_or_else(|| Arc::from("unmatched"), |p| Arc::from(p.as_str()));
        let method = request.method().clone();
        let timeout = self.timeout;
        let started = Instant::now();
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = match tokio::time::timeout(timeout, response).await {
                Ok(response) => response?,
                Err(_) => ApiError::new(
                    ErrorCode::RequestTimeout,
                    format!("the request took longer than {} ms", timeout.as_millis()),
                )
                .hint(
                    "for writes: retry with the same event id; the write is recorded at most once",
                )
                .into_response(),
            };
            let (count, latency) = HTTP.handles(&method, &route, response.status().as_u16());
            count.increment(1);
            latency.record(started.elapsed().as_secs_f64());
            Ok(response)
        })
    }
}

/// A request's metric labels: method, matched route, status.
type RouteKey = (Method, Arc<str>, u16);

/// Request metrics' handles, registered once per (method, route, status).
struct HttpMetrics {
    handles: RwLock<HashMap<RouteKey, (Counter, Histogram)>>,
}

static HTTP: LazyLock<HttpMetrics> = LazyLock::new(|| HttpMetrics {
    handles: RwLock::new(HashMap::new()),
});

impl HttpMetrics {
    fn handles(&self, method: &Method, route: &Arc<str>, status: u16) -> (Counter, Histogram) {
        let key = (method.clone(), Arc::clone(route), status);
        if let Some(h) = self.handles.read().expect("metrics lock").get(&key) {
            return h.clone();
        }
        let (method_label, route_label) = (method.as_str().to_owned(), route.to_string());
        let count = metrics::counter!("vow_http_requests_total", "method" => method_label.clone(), "route" => route_label.clone(), "status" => status.to_string());
        let latency = metrics::histogram!("vow_http_request_duration_seconds", "method" => method_label, "route" => route_label);
        self.handles
            .write()
            .expect("metrics lock")
            .entry(key)
            .or_insert((count, latency))
            .clone()
    }
}

/// Request ids unique within the process and across restarts: the start
/// time, then a counter (`x-request-id: 18c3f2a91b07d2e0-2a`).
#[derive(Clone)]
pub struct SequentialRequestId {
    start: Arc<str>,
    next: Arc<AtomicU64>,
}

impl Default for SequentialRequestId {
    fn default() -> SequentialRequestId {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        SequentialRequestId {
            start: format!("{nanos:016x}").into(),
            next: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl MakeRequestId for SequentialRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n:x}", self.start))
            .ok()
            .map(RequestId::new)
    }
}
