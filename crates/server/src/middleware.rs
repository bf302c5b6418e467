//! What wraps every route, in one tower service: the request id, the
//! request's log span, the panic guard, the timeout, and request metrics.
//! One plain service rather than five layers or `from_fn` closures: it runs
//! on every decision, and each layer's future, boxed clone, header-map
//! extension, label strings allocated per request and a `getrandom` system
//! call per request id cost more than the decision itself.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, RwLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use metrics::{Counter, Histogram};
use tower::{Layer, Service};
use tracing::Instrument;

use crate::error::{ApiError, ErrorCode};

/// The header that carries a request's id, both ways.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Gives each request an id (kept if the caller sent one), runs it in a
/// span when debug logging is on, turns a panic into the API's JSON error,
/// times out slow requests, and counts every request by route and status,
/// with its latency.
#[derive(Clone)]
pub struct GuardLayer {
    timeout: Duration,
    ids: RequestIds,
}

impl GuardLayer {
    pub fn new(timeout: Duration) -> GuardLayer {
        GuardLayer {
            timeout,
            ids: RequestIds::default(),
        }
    }
}

impl<S> Layer<S> for GuardLayer {
    type Service = Guard<S>;

    fn layer(&self, inner: S) -> Guard<S> {
        Guard {
            inner,
            timeout: self.timeout,
            ids: self.ids.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Guard<S> {
    inner: S,
    timeout: Duration,
    ids: RequestIds,
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

    fn call(&mut self, mut request: Request) -> Self::Future {
        let started = Instant::now();
        let id = match request.headers().get(&X_REQUEST_ID) {
            Some(id) => id.clone(),
            None => {
                let id = self.ids.next();
                request
                    .headers_mut()
                    .insert(X_REQUEST_ID.clone(), id.clone());
                id
            }
        };
        // A clone of the matched path shares its text (an `Arc`).
        let route = request.extensions().get::<MatchedPath>().cloned();
        let method = request.method().clone();
        let span = tracing::enabled!(tracing::Level::DEBUG).then(|| {
            // The route, not the URI: paths and queries carry sign-in and
            // unsubscribe tokens and children's ids, which logs must not keep.
            let path = route
                .as_ref()
                .map(|r| r.as_str().to_owned())
                .unwrap_or_else(|| request.uri().path().to_owned());
            tracing::debug_span!(
                "request",
                method = %method,
                path = %path,
                id = id.to_str().unwrap_or("?"),
            )
        });
        let timeout = self.timeout;
        // A handler may panic while its future is made, or while it runs.
        let response = std::panic::catch_unwind(AssertUnwindSafe(|| self.inner.call(request)));
        let run = async move {
            let response = match response {
                Err(_) => Ok(panicked()),
                Ok(future) => {
                    match tokio::time::timeout(timeout, AssertUnwindSafe(future).catch_unwind())
                        .await
                    {
                        Ok(Ok(response)) => response,
                        Ok(Err(_)) => Ok(panicked()),
                        Err(_) => Ok(ApiError::new(
                            ErrorCode::RequestTimeout,
                            format!("the request took longer than {} ms", timeout.as_millis()),
                        )
                        .hint(
                            "for writes: retry with the same event id; the write is recorded at most once",
                        )
                        .into_response()),
                    }
                }
            };
            let mut response = response?;
            let status = response.status();
            let elapsed = started.elapsed();
            let (count, latency) = HTTP.handles(
                &method,
                route.as_ref().map_or("unmatched", MatchedPath::as_str),
                status.as_u16(),
            );
            count.increment(1);
            latency.record(elapsed.as_secs_f64());
            if status.is_server_error() {
                tracing::error!(request_id = id.to_str().unwrap_or("?"), %method, route = route.as_ref().map_or("unmatched", MatchedPath::as_str), status = status.as_u16(), latency_ms = elapsed.as_secs_f64() * 1e3, "request failed");
            } else {
                tracing::debug!(
                    status = status.as_u16(),
                    latency_ms = elapsed.as_secs_f64() * 1e3,
                    "answered"
                );
            }
            response.headers_mut().insert(X_REQUEST_ID.clone(), id);
            Ok(response)
        };
        match span {
            Some(span) => Box::pin(run.instrument(span)),
            None => Box::pin(run),
        }
    }
}

fn panicked() -> Response {
    ApiError::internal("a handler panicked").into_response()
}

/// Request metrics' handles, registered once per (method, route, status):
/// per route, the few (method, status) pairs it answers with.
struct HttpMetrics {
    handles: RwLock<HashMap<Box<str>, Vec<RouteHandles>>>,
}

struct RouteHandles {
    method: Method,
    status: u16,
    count: Counter,
    latency: Histogram,
}

static HTTP: LazyLock<HttpMetrics> = LazyLock::new(|| HttpMetrics {
    handles: RwLock::new(HashMap::new()),
});

impl HttpMetrics {
    fn handles(&self, method: &Method, route: &str, status: u16) -> (Counter, Histogram) {
        let find = |handles: &[RouteHandles]| {
            handles
                .iter()
                .find(|h| h.status == status && h.method == method)
                .map(|h| (h.count.clone(), h.latency.clone()))
        };
        if let Some(found) = self
            .handles
            .read()
            .expect("metrics lock")
            .get(route)
            .and_then(|h| find(h))
        {
            return found;
        }
        let mut handles = self.handles.write().expect("metrics lock");
        let for_route = handles.entry(route.into()).or_default();
        if let Some(found) = find(for_route) {
            return found;
        }
        let (method_label, route_label) = (method.as_str().to_owned(), route.to_owned());
        let count = metrics::counter!("vow_http_requests_total", "method" => method_label.clone(), "route" => route_label.clone(), "status" => status.to_string());
        let latency = metrics::histogram!("vow_http_request_duration_seconds", "method" => method_label, "route" => route_label);
        for_route.push(RouteHandles {
            method: method.clone(),
            status,
            count: count.clone(),
            latency: latency.clone(),
        });
        (count, latency)
    }
}

/// Request ids unique within the process and across restarts: the start
/// time, then a counter (`x-request-id: 18c3f2a91b07d2e0-2a`).
#[derive(Clone)]
struct RequestIds {
    start: u64,
    next: Arc<AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> RequestIds {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        RequestIds {
            start: nanos,
            next: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl RequestIds {
    fn next(&self) -> HeaderValue {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        // 16 hex digits, a dash, the counter in hex without leading zeros.
        let mut id = [0u8; 33];
        for (i, byte) in id[..16].iter_mut().enumerate() {
            *byte = HEX[((self.start >> (60 - 4 * i)) & 0xf) as usize];
        }
        id[16] = b'-';
        let digits = (64 - n.leading_zeros()).div_ceil(4).max(1) as usize;
        for i in 0..digits {
            id[17 + i] = HEX[((n >> (4 * (digits - 1 - i))) & 0xf) as usize];
        }
        HeaderValue::from_bytes(&id[..17 + digits]).expect("hex digits and a dash")
    }
}

#[cfg(test)]
mod tests {
    use super::RequestIds;

    #[test]
    fn request_ids_are_the_start_then_a_counter() {
        let ids = RequestIds {
            start: 0x18c3_f2a9_1b07_d2e0,
            next: Default::default(),
        };
        let all: Vec<_> = (0..18).map(|_| ids.next()).collect();
        assert_eq!(all[0], "18c3f2a91b07d2e0-0");
        assert_eq!(all[10], "18c3f2a91b07d2e0-a");
        assert_eq!(all[17], "18c3f2a91b07d2e0-11");
    }
}
