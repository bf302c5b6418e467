//! A right exercised stops processing at once, in every process (issue
//! 12): two servers on one PostgreSQL database, each with its own store
//! connections, cache and sync task. Each right is exercised on the first
//! — through the API, or the privacy centre — and decided right after on
//! the first (the same answer at once, no wait: the store told its cache
//! before the write returned) and on the second (within the bound of
//! `docs/serve.md`: here the second only looks every 60 s, so what it
//! sees in time, it heard by LISTEN/NOTIFY).
//!
//! `the_staleness_bound_is_measured` measures how long the second takes,
//! with notifications and with polling alone; its figures are in
//! docs/serve.md.

mod common;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::Utc;
use common::{TestApp, example};
use serde_json::{Value, json};
use vow_mail::sink::Sink;
use vow_store::Store;

const POLICY: &str = "kids-coding-franchise";

/// What the second server may take, with notifications, on a machine
/// shared with other builds (measured: a few milliseconds).
const BOUND: Duration = Duration::from_secs(2);

/// A look every minute: nothing in these tests waits for it.
const NO_POLLING: u64 = 60_000;

/// The rights that change decisions, as the tests walk them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Right {
    Restriction,
    ObjectionToPurpose,
    ObjectionToDirectMarketing,
    Erasure,
    ConsentWithdrawal,
    UnsubscribeLink,
    GuardianLinkEnded,
}

impl Right {
    const ALL: [Right; 7] = [
        Right::Restriction,
        Right::ObjectionToPurpose,
        Right::ObjectionToDirectMarketing,
        Right::Erasure,
        Right::ConsentWithdrawal,
        Right::UnsubscribeLink,
        Right::GuardianLinkEnded,
    ];

    /// The person whose processing stops (a child, for a guardian link).
    fn subject(self, surface: &str) -> String {
        format!("{surface}-{self:?}").to_lowercase()
    }

    /// The guardian of [`Right::GuardianLinkEnded`]'s child.
    fn guardian(subject: &str) -> String {
        format!("{subject}-parent")
    }

    /// The question whose answer the right changes from allow to deny.
    fn query(self, subject: &str) -> Value {
        match self {
            Right::ObjectionToDirectMarketing | Right::UnsubscribeLink => json!({
                "subject": subject, "purpose": "email_marketing",
                "categories": ["user.contact.email"], "channel": "email"
            }),
            // What a child's data may hold is not the point here.
            Right::GuardianLinkEnded => json!({"subject": subject, "purpose": "location_features"}),
            _ => json!({
                "subject": subject, "purpose": "location_features",
                "categories": ["user.location.precise"]
            }),
        }
    }

    /// The rule that denies afterwards.
    fn rule(self) -> &'static str {
        match self {
            Right::Restriction => "restricted",
            Right::ObjectionToPurpose => "objection",
            Right::ObjectionToDirectMarketing => "objection-direct-marketing",
            Right::Erasure => "erased",
            Right::ConsentWithdrawal | Right::UnsubscribeLink => "consent-withdrawn",
            Right::GuardianLinkEnded => "parental-consent-missing",
        }
    }

    /// The request that exercises it, for the rights a request does.
    fn request(self) -> Option<Value> {
        Some(match self {
            Right::Restriction => json!({"right": "restriction"}),
            Right::ObjectionToPurpose => {
                json!({"right": "objection", "purpose": "location_features"})
            }
            Right::ObjectionToDirectMarketing => json!({"right": "objection"}),
            Right::Erasure => json!({"right": "erasure"}),
            _ => return None,
        })
    }

    /// The person as the organisation knows them before: a parent in
    /// Great Britain who allowed location features and marketing e-mail;
    /// for a guardian link, a child of ten whose verified parent allowed
    /// location features.
    async fn before(self, app: &TestApp, subject: &str) {
        let child = self == Right::GuardianLinkEnded;
        let attributes = if child {
            json!({"jurisdiction": "GB", "kind": "child", "birth_date": "2016-03-01"})
        } else {
            json!({"jurisdiction": "GB", "kind": "parent"})
        };
        let set = app
            .call(
                Method::PATCH,
                &format!("/v1/subjects/{subject}"),
                Some(&app.admin),
                Some(attributes),
            )
            .await;
        assert_eq!(set.status, StatusCode::CREATED, "{}", set.body);
        if child {
            let linked = app
                .post(
                    &format!("/v1/subjects/{subject}/guardians"),
                    json!({"guardian": Right::guardian(subject), "verified": true}),
                )
                .await;
            assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.body);
        }
        let purposes = if child {
            json!({"location_features": true})
        } else {
            json!({"location_features": true, "email_marketing": true})
        };
        let given = app
            .post(
                &format!("/v1/subjects/{subject}/consents"),
                json!({ "purposes": purposes }),
            )
            .await;
        assert_eq!(given.status, StatusCode::CREATED, "{}", given.body);
    }

    /// Exercises the right through the API of `app`.
    async fn by_api(self, app: &TestApp, subject: &str) {
        if let Some(mut request) = self.request() {
            let id = format!("req-{subject}");
            request["id"] = json!(id);
            request["subject"] = json!(subject);
            request["jurisdiction"] = json!("GB");
            request["by"] = json!("staff");
            let opened = app.post("/v1/requests", request).await;
            assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
            run_request(app, &id).await;
            return;
        }
        let answer = match self {
            // Received by post, recorded by staff with the letter's reference.
            Right::ConsentWithdrawal => {
                app.post(
                    &format!("/v1/subjects/{subject}/consents"),
                    json!({"purposes": {"location_features": false},
                        "actor": {"kind": "staff", "id": "front-desk"},
                        "source": {"channel": "post", "evidence": "letter of 3 March"}}),
                )
                .await
            }
            Right::UnsubscribeLink => {
                let headers = app
                    .post(
                        "/v1/unsubscribe/headers",
                        json!({"subject": subject, "purpose": "email_marketing"}),
                    )
                    .await;
                assert_eq!(headers.status, StatusCode::OK, "{}", headers.body);
                let url = headers.body["url"].as_str().unwrap();
                // The mail client's one click: no cookie, no key.
                app.send(
                    Request::post(&url[url.find("/u/").unwrap()..])
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(Body::from("List-Unsubscribe=One-Click"))
                        .unwrap(),
                )
                .await
            }
            Right::GuardianLinkEnded => {
                app.call(
                    Method::DELETE,
                    &format!(
                        "/v1/subjects/{subject}/guardians/{}",
                        Right::guardian(subject)
                    ),
                    Some(&app.admin),
                    None,
                )
                .await
            }
            _ => unreachable!("a request"),
        };
        assert!(answer.status.is_success(), "{self:?}: {}", answer.body);
    }
}

/// Verifies a request as staff (the check its right accepts) and runs it
/// through the API.
async fn run_request(app: &TestApp, id: &str) {
    let verified = app
        .post(
            &format!("/v1/requests/{id}/verify"),
            json!({"method": "email_on_file"}),
        )
        .await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
    let ran = app.post(&format!("/v1/requests/{id}/run"), json!({})).await;
    assert_eq!(ran.status, StatusCode::OK, "{}", ran.body);
    assert_eq!(ran.body["status"], "completed", "{}", ran.body);
}

/// The rule of the first denial, or `None` for an allow.
async fn denied_by(app: &TestApp, query: &Value) -> Option<String> {
    let decision = app.decide(query.clone()).await;
    if decision["allowed"] == true {
        return None;
    }
    Some(
        decision["reasons"][0]["rule"]
            .as_str()
            .expect("a deny says why")
            .to_owned(),
    )
}

/// How long until `app` denies `query` by `rule`; panics past `bound`.
async fn until_denied(app: &TestApp, query: &Value, rule: &str, bound: Duration) -> Duration {
    let start = Instant::now();
    loop {
        match denied_by(app, query).await {
            Some(r) if r == rule => return start.elapsed(),
            other => assert!(
                start.elapsed() < bound,
                "still {other:?} after {bound:?}, expected a deny by `{rule}` on {query}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Allowed on both servers: the second has the state in its cache.
async fn allowed_on_both(a: &TestApp, b: &TestApp, right: Right, query: &Value) {
    assert_eq!(denied_by(a, query).await, None, "{right:?} before, on A");
    assert_eq!(denied_by(b, query).await, None, "{right:?} before, on B");
}

/// After the right: denied on `a` at once, on `b` within the bound.
async fn denied_on_both(a: &TestApp, b: &TestApp, right: Right, query: &Value) -> Duration {
    assert_eq!(
        denied_by(a, query).await.as_deref(),
        Some(right.rule()),
        "{right:?} on the server that recorded it, at once"
    );
    until_denied(b, query, right.rule(), BOUND).await
}

/// Two servers on one new PostgreSQL database, each syncing as `vow
/// serve` does but looking only every `interval_ms`.
async fn pair(interval_ms: u64, listen: bool) -> (TestApp, TestApp, common::Sync, common::Sync) {
    let a = TestApp::postgres(&example(POLICY)).await;
    let b = a.second(&example(POLICY)).await;
    let database = a.database.as_ref().unwrap();
    let sync_a = a.sync(database, interval_ms, listen).await;
    let sync_b = b.sync(database, interval_ms, listen).await;
    (a, b, sync_a, sync_b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_right_through_the_api_stops_processing_in_both_servers() {
    // promise: KIDS-04 (a withdrawal effective in decisions at once), KIDS-05
    // (an opt-out effective at once), EDU-12 (one click), KIDS-14
    // (restriction, objection, erasure), KIDS-02 (a parent's link), SHOP-07
    // (a withdrawal received by post, recorded by staff)
    let (a, b, _sa, _sb) = pair(NO_POLLING, true).await;
    let mut took = Vec::new();
    for right in Right::ALL {
        let subject = right.subject("api");
        let query = right.query(&subject);
        right.before(&a, &subject).await;
        allowed_on_both(&a, &b, right, &query).await;
        right.by_api(&a, &subject).await;
        took.push((right, denied_on_both(&a, &b, right, &query).await));
    }
    eprintln!("API, the second server after: {took:?}");
    // The second server says how far behind it followed.
    let metrics = b
        .call(axum::http::Method::GET, "/metrics", None, None)
        .await;
    let text = metrics.body.as_str().expect("text");
    for name in [
        "vow_sync_lag_seconds",
        "vow_sync_events_total",
        "vow_sync_cursor",
    ] {
        assert!(text.contains(name), "{name} missing: {text}");
    }
    a.state.store.close().await;
    b.state.store.close().await;
}

/// p50, p99 and the longest of `samples`.
fn spread(samples: &mut [Duration]) -> (Duration, Duration, Duration) {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99), samples[samples.len() - 1])
}

/// How long the second server takes to follow a withdrawal and a consent
/// made on the first, `rounds` times each. Each write waits a different
/// part of `spread_over` first, so that writes fall anywhere between two
/// of the second server's looks.
async fn staleness(
    a: &TestApp,
    b: &TestApp,
    rounds: usize,
    spread_over: Duration,
) -> Vec<Duration> {
    let subject = "measured";
    let query = json!({"subject": subject, "purpose": "location_features",
        "categories": ["user.location.precise"], "context": {"jurisdiction": "GB"}});
    let mut samples = Vec::with_capacity(rounds * 2);
    for round in 0..rounds * 2 {
        let given = round % 2 == 0;
        // 0, 37, 74... hundredths of `spread_over`, wrapping: spread evenly.
        tokio::time::sleep(spread_over * (round as u32 * 37 % 100) / 100).await;
        let recorded = a
            .post(
                &format!("/v1/subjects/{subject}/consents"),
                json!({"purposes": {"location_features": given}}),
            )
            .await;
        assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
        let start = Instant::now();
        loop {
            let allowed = denied_by(b, &query).await.is_none();
            if allowed == given {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(5), "B never followed");
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        samples.push(start.elapsed());
    }
    samples
}

/// The figures of docs/serve.md: `VOW_STALENESS_ROUNDS=500 cargo nextest
/// run -p vow-server --test sync staleness --no-capture` (100 by default).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_staleness_bound_is_measured() {
    let rounds: usize = std::env::var("VOW_STALENESS_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(100);
    // Heard at once: LISTEN/NOTIFY, no polling to speak of.
    let (a, b, _sa, _sb) = pair(NO_POLLING, true).await;
    let mut heard = staleness(&a, &b, rounds, Duration::ZERO).await;
    let (p50, p99, max) = spread(&mut heard);
    eprintln!(
        "LISTEN/NOTIFY, {} changes: p50 {p50:?}, p99 {p99:?}, max {max:?}",
        heard.len()
    );
    assert!(max < BOUND, "{max:?}");
    a.state.store.close().await;
    b.state.store.close().await;

    // Polling alone, every 500 ms (the default): fewer rounds, each waits.
    let every = Duration::from_millis(500);
    let (a, b, _sa, _sb) = pair(every.as_millis() as u64, false).await;
    let mut polled = staleness(&a, &b, rounds.div_ceil(20), every).await;
    let (p50, p99, max) = spread(&mut polled);
    eprintln!(
        "polling every 500 ms, {} changes: p50 {p50:?}, p99 {p99:?}, max {max:?}",
        polled.len()
    );
    assert!(max < every + BOUND, "{max:?}");
    a.state.store.close().await;
    b.state.store.close().await;
}

/// A person signed in to the privacy centre of the server at `url`, over
/// plain HTTP as a browser would: the mailed link, its page, "Continue".
struct Centre {
    http: reqwest::Client,
    url: String,
    session: String,
}

/// The value of the form field `name` in a page.
fn field(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no field {name}: {html}"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_owned()
}

fn cookie(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no cookie {name}"))
}

impl Centre {
    async fn sign_in(url: &str, sink: &Sink, email: &str) -> Centre {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let asked = http
            .post(format!("{url}/centre/sign-in"))
            .form(&[("email", email)])
            .send()
            .await
            .unwrap();
        assert_eq!(asked.status(), 200);
        let mail = sink.next(Duration::from_secs(10)).await.unwrap();
        let link = mail
            .text
            .unwrap()
            .split_whitespace()
            .find(|w| w.contains("/centre/link/"))
            .expect("a sign-in link")
            .to_owned();
        let opened = http.get(&link).send().await.unwrap();
        let pre = cookie(&opened, "vow_centre_pre");
        let check = field(&opened.text().await.unwrap(), "check");
        let entered = http
            .post(&link)
            .header("Cookie", pre)
            .header("Sec-Fetch-Site", "same-origin")
            .form(&[("check", check)])
            .send()
            .await
            .unwrap();
        assert_eq!(entered.status(), 303);
        Centre {
            session: cookie(&entered, "vow_centre"),
            http,
            url: url.to_owned(),
        }
    }

    /// Posts one of the person's forms, with the page's form token.
    async fn post(&self, form: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let page = self
            .http
            .get(format!("{}/centre/me", self.url))
            .header("Cookie", &self.session)
            .send()
            .await
            .unwrap();
        let csrf = field(&page.text().await.unwrap(), "csrf");
        let mut fields = fields.to_vec();
        fields.push(("csrf", &csrf));
        let answer = self
            .http
            .post(format!("{}/centre/me/{form}", self.url))
            .header("Cookie", &self.session)
            .form(&fields)
            .send()
            .await
            .unwrap();
        (answer.status().as_u16(), answer.text().await.unwrap())
    }
}

/// A server listening on a socket (the centre counts its clients by
/// address) on a new PostgreSQL database, with mail to `sink`, and a
/// second one on the same database; both sync.
async fn centre_pair(sink: &Sink) -> (String, TestApp, TestApp, common::Sync, common::Sync) {
    let database = common::TestDatabase::create().await;
    let dir = tempfile::tempdir().unwrap();
    let settings = vow_server::Settings {
        mail: Some(sink.config()),
        database: Some(database.url.clone()),
        ..Default::default()
    };
    let (url, state) = common::browser::serve_in(dir.path(), POLICY, settings).await;
    let admin = vow_server::auth::generate("sync", &[vow_server::auth::Scope::Admin], Utc::now());
    state.store.create_key(admin.record).await.unwrap();
    state.keys.load(&state.store.keys().await.unwrap());
    let a = TestApp {
        app: vow_server::app(state.clone()),
        state,
        admin: admin.token,
        dir,
        database: Some(database),
    };
    let b = a.second(&example(POLICY)).await;
    let database = a.database.as_ref().unwrap();
    let (sa, sb) = (
        a.sync(database, NO_POLLING, true).await,
        b.sync(database, NO_POLLING, true).await,
    );
    (url, a, b, sa, sb)
}

/// The request the centre opened for `subject` and left for staff to check.
async fn opened_in_centre(app: &TestApp, subject: &str) -> String {
    let list = app
        .get(&format!("/v1/requests?subject={subject}&status=received"))
        .await;
    let requests = list.body["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1, "{}", list.body);
    requests[0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rights_from_the_privacy_centre_stop_processing_in_both_servers() {
    // promise: KIDS-04 (a withdrawal in the centre, effective at once),
    // KIDS-05, KIDS-14 (objection, restriction and erasure asked in the centre)
    let sink = Sink::start().await.unwrap();
    let (url, a, b, _sa, _sb) = centre_pair(&sink).await;
    let mut took = Vec::new();
    // Two parents the organisation knows by their address.
    for (subject, email) in [("ana", "ana@example.org"), ("ben", "ben@example.org")] {
        Right::Restriction.before(&a, subject).await;
        let linked = a
            .post(
                &format!("/v1/subjects/{subject}/identities"),
                json!({"kind": "email", "value": email}),
            )
            .await;
        assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.body);
    }

    // Ana withdraws location features, objects to direct marketing, asks
    // for a restriction.
    let ana = Centre::sign_in(&url, &sink, "ana@example.org").await;
    let location = Right::ConsentWithdrawal.query("ana");
    allowed_on_both(&a, &b, Right::ConsentWithdrawal, &location).await;
    // Location features off; everything else as it was.
    let kept = [
        ("purpose", "email_marketing"),
        ("channel", "email"),
        ("channel", "sms"),
        ("channel", "phone"),
        ("channel", "post"),
        ("kind", "newsletter/email"),
        ("kind", "sms_offers/sms"),
    ];
    let (status, page) = ana.post("choices", &kept).await;
    assert_eq!(status, 303, "{page}");
    took.push((
        Right::ConsentWithdrawal,
        denied_on_both(&a, &b, Right::ConsentWithdrawal, &location).await,
    ));
    for right in [Right::ObjectionToDirectMarketing, Right::Restriction] {
        let query = if right == Right::Restriction {
            json!({"subject": "ana", "purpose": "provide_services", "categories": ["user.contact.email"]})
        } else {
            right.query("ana")
        };
        allowed_on_both(&a, &b, right, &query).await;
        let asked = right.request().unwrap()["right"]
            .as_str()
            .unwrap()
            .to_owned();
        let (status, page) = ana
            .post("requests", &[("right", &asked), ("jurisdiction", "GB")])
            .await;
        assert_eq!(status, 303, "{page}");
        // The right asks for the address on file, which staff check.
        run_request(&a, &opened_in_centre(&a, "ana").await).await;
        took.push((right, denied_on_both(&a, &b, right, &query).await));
    }

    // Ben asks for erasure; the session is the check it accepts, and the
    // background run (`vow request run --due`'s desk) does it.
    let ben = Centre::sign_in(&url, &sink, "ben@example.org").await;
    let query = json!({"subject": "ben", "purpose": "provide_services", "categories": ["user.contact.email"]});
    allowed_on_both(&a, &b, Right::Erasure, &query).await;
    let (status, page) = ben
        .post("requests", &[("right", "erasure"), ("jurisdiction", "GB")])
        .await;
    assert_eq!(status, 303, "{page}");
    let ran = a
        .state
        .desk("background")
        .run_due(Utc::now())
        .await
        .unwrap();
    assert_eq!(ran.len(), 1, "the verified erasure, and nothing else");
    assert_eq!(ran[0].request.status(), "completed");
    took.push((
        Right::Erasure,
        denied_on_both(&a, &b, Right::Erasure, &query).await,
    ));
    eprintln!("privacy centre, the second server after: {took:?}");
    a.state.store.close().await;
    b.state.store.close().await;
}

/// The listening connection dies (here PostgreSQL ends it): the second
/// server connects again and catches up, without waiting for a look.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_listener_connects_again_and_catches_up() {
    // promise: KIDS-04
    let (a, b, _sa, _sb) = pair(NO_POLLING, true).await;
    let database = a.database.as_ref().unwrap();
    let admin = sqlx::PgPool::connect(&database.url).await.unwrap();
    for round in 0..2 {
        let subject = format!("lost-{round}");
        let right = Right::ConsentWithdrawal;
        let query = right.query(&subject);
        right.before(&a, &subject).await;
        allowed_on_both(&a, &b, right, &query).await;
        // Both servers listen (again)...
        let start = Instant::now();
        while sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .fetch_one(&admin)
        .await
        .unwrap()
            < 2
        {
            assert!(start.elapsed() < BOUND, "a listener never came back");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // ...until their connections end.
        let ended: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .fetch_all(&admin)
        .await
        .unwrap();
        assert_eq!(ended, [true, true], "both servers' listeners");
        right.by_api(&a, &subject).await;
        denied_on_both(&a, &b, right, &query).await;
    }
    admin.close().await;
    a.state.store.close().await;
    b.state.store.close().await;
}
