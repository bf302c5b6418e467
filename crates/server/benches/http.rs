//! `POST /v1/decisions` under load, against a bare axum handler in the same
//! run: the bare one parses the same JSON body into the same type and
//! answers a fixed small JSON, so the difference is what vow adds (key
//! check, subject state from memory, the decision, its serialisation, the
//! middleware: timeouts, metrics, request ids, tracing).
//!
//! Needs `wrk` (Debian package `wrk`). Run with `scripts/bench http`, or
//! `cargo bench -p vow-server --bench http` with `VOW_BENCH_SECONDS`,
//! `VOW_BENCH_CONNECTIONS`, `VOW_BENCH_WORKERS` to change the load.

use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use axum::Json;
use axum::routing::post;
use serde_json::json;
use vow_server::Settings;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The bare handler: the same request type, no decision.
async fn bare(
    vow_server::json::ApiJson(q): vow_server::json::ApiJson<
        vow_server::routes::decisions::DecisionQuery,
    >,
) -> Json<serde_json::Value> {
    Json(json!({"purpose": q.purpose, "allowed": true, "reasons": [], "obligations": []}))
}

struct Run {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn wrk(url: &str, token: &str, body: &str, seconds: u64, connections: u64) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("post.lua");
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.body = [[{body}]]\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"Authorization\"] = \"Bearer {token}\"\n\
             done = function(summary, latency, requests)\n  io.write(string.format(\"RESULT %f %f %f %d\\n\", summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))\nend\n"
        ),
    )
    .expect("write the wrk script");
    let out = Command::new("wrk")
        .args([
            "-t1",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
            "-s",
            script.to_str().expect("utf-8 path"),
            url,
        ])
        .output()
        .expect("wrk is installed (apt-get install wrk; scripts/bench does it)");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("RESULT "))
        .unwrap_or_else(|| panic!("wrk printed no result:\n{text}"));
    let f: Vec<f64> = line[7..]
        .split_whitespace()
        .map(|x| x.parse().expect("a number"))
        .collect();
    assert_eq!(f[3], 0.0, "non-2xx answers during the run:\n{text}");
    Run {
        requests_per_second: f[0],
        p50_ms: f[1],
        p99_ms: f[2],
    }
}

fn main() {
    let seconds = env_or("VOW_BENCH_SECONDS", 10);
    let connections = env_or("VOW_BENCH_CONNECTIONS", 32);
    let workers = env_or("VOW_BENCH_WORKERS", 1) as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = dir.path().join("policy.yaml");
    std::fs::write(&policy, vow_server::serve::EXAMPLE_POLICY).expect("write the policy");
    let config = Settings {
        data_dir: Some(dir.path().join("data")),
        policy: Some(policy),
        log: Some("error".into()),
        ..Settings::default()
    }
    .resolve();
    let (vow_addr, bare_addr, token, vow_app) = runtime.block_on(async {
        let (state, started) = vow_server::serve::prepare(&config).await.expect("vow starts");
        state.ready.store(true, std::sync::atomic::Ordering::Release);
        let token = started.admin_token.expect("admin key");
        // A subject with a consent: the query is an allow with an obligation.
        let app = vow_server::app(state);
        let app_for_setup = app.clone();
        let app_for_setup_again = app.clone();
        let vow = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let bare_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let (vow_addr, bare_addr): (SocketAddr, SocketAddr) = (vow.local_addr().unwrap(), bare_listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(vow, app).await.expect("vow serves") });
        tokio::spawn(async move {
            axum::serve(bare_listener, axum::Router::new().route("/v1/decisions", post(bare)))
                .await
                .expect("bare serves")
        });
        let consent = axum::http::Request::post("/v1/subjects/bench-subject/consents")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::from(
                json!({"purposes": {"promotional_messages": true}, "source": {"channel": "banner"}}).to_string(),
            ))
            .expect("a request");
        let answer = tower::ServiceExt::oneshot(app_for_setup, consent).await.expect("an answer");
        assert_eq!(answer.status(), 201, "the consent is recorded");
        let vow_app = app_for_setup_again;
        (vow_addr, bare_addr, token, vow_app)
    });
    let body = json!({"subject": "bench-subject", "purpose": "promotional_messages", "categories": ["user.contact.email"], "channel": "email", "communication": "business_updates"}).to_string();
    std::thread::sleep(Duration::from_millis(200));
    match std::env::var("VOW_BENCH_ONLY").as_deref() {
        // The routers alone, without sockets: what each costs in user space.
        Ok("oneshot") => {
            let bare_app = axum::Router::new().route("/v1/decisions", post(bare));
            for (name, app) in [("bare", bare_app), ("vow", vow_app)] {
                let n = 200_000;
                runtime.block_on(async {
                    let request = axum::http::Request::post("/v1/decisions")
                        .header("content-type", "application/json")
                        .header("authorization", format!("Bearer {token}"))
                        .body(axum::body::Body::from(body.clone()))
                        .expect("a request");
                    let response = tower::ServiceExt::oneshot(app.clone(), request)
                        .await
                        .expect("an answer");
                    let headers = response.headers().len();
                    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                        .await
                        .expect("a body");
                    println!("{name}: {} bytes of body, {headers} headers", bytes.len());
                    if std::env::var_os("VOW_BENCH_SHOW").is_some() {
                        println!("{}", String::from_utf8_lossy(&bytes));
                    }
                });
                let started = std::time::Instant::now();
                runtime.block_on(async {
                    for _ in 0..n {
                        let request = axum::http::Request::post("/v1/decisions")
                            .header("content-type", "application/json")
                            .header("authorization", format!("Bearer {token}"))
                            .body(axum::body::Body::from(body.clone()))
                            .expect("a request");
                        let response = tower::ServiceExt::oneshot(app.clone(), request)
                            .await
                            .expect("an answer");
                        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                            .await
                            .expect("a body");
                        std::hint::black_box(bytes);
                    }
                });
                println!(
                    "{name}: {:.2} µs per request in process",
                    started.elapsed().as_secs_f64() * 1e6 / n as f64
                );
            }
            return;
        }
        // For a profiler: load one of them alone.
        Ok(which @ ("vow" | "bare")) => {
            let addr = if which == "vow" { vow_addr } else { bare_addr };
            let url = format!("http://{addr}/v1/decisions");
            let run = wrk(&url, &token, &body, seconds, connections);
            println!("{which} alone: {:.0} requests/s", run.requests_per_second);
            return;
        }
        _ => {}
    }
    // Warm both up, then measure each alone.
    wrk(
        &format!("http://{bare_addr}/v1/decisions"),
        &token,
        &body,
        2,
        connections,
    );
    wrk(
        &format!("http://{vow_addr}/v1/decisions"),
        &token,
        &body,
        2,
        connections,
    );
    let bare = wrk(
        &format!("http://{bare_addr}/v1/decisions"),
        &token,
        &body,
        seconds,
        connections,
    );
    let vow = wrk(
        &format!("http://{vow_addr}/v1/decisions"),
        &token,
        &body,
        seconds,
        connections,
    );
    println!(
        "POST /v1/decisions, {connections} connections, wrk -t1, server on {workers} worker thread(s), {seconds} s each"
    );
    println!("| server | requests/s | p50 | p99 |");
    println!("|---|---:|---:|---:|");
    for (name, r) in [
        ("bare axum handler (same JSON parsing)", &bare),
        ("vow", &vow),
    ] {
        println!(
            "| {name} | {:.0} | {:.3} ms | {:.3} ms |",
            r.requests_per_second, r.p50_ms, r.p99_ms
        );
    }
    println!(
        "ratio vow / bare: {:.2} (goal ≥ 0.6)",
        vow.requests_per_second / bare.requests_per_second
    );
}
