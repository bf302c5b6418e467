//! A data-subject request over HTTP from start to end, on Chinook in
//! SQLite with a local SMTP sink: open it, send the person a one-time code
//! (to the address the data holds, KIDS-16), verify with the code, run it,
//! and download the export package.

mod common;

use std::io::Read;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{chinook, example};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use vow_mail::sink::Sink;
use vow_server::Settings;
use vow_store::Store;

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    bytes: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

async fn call(
    app: &axum::Router,
    method: Method,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> Answer {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {key}"));
    let body = match body {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let response = app
        .clone()
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        bytes,
    }
}

/// kids-coding-franchise on Chinook, with its mail going to a sink.
struct Server {
    _dir: tempfile::TempDir,
    sink: Sink,
    state: vow_server::AppState,
    app: axum::Router,
    admin: String,
}

impl Server {
    async fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        chinook(dir.path());
        let sink = Sink::start().await.unwrap();
        let policy = dir.path().join("policy.yaml");
        std::fs::write(&policy, example("kids-coding-franchise")).unwrap();
        let config = Settings {
            data_dir: Some(dir.path().join("data")),
            policy: Some(policy),
            mail: Some(sink.config()),
            ..Settings::default()
        }
        .resolve();
        let (state, started) = vow_server::serve::prepare(&config)
            .await
            .expect("it starts");
        state
            .ready
            .store(true, std::sync::atomic::Ordering::Release);
        Server {
            app: vow_server::app(state.clone()),
            admin: started.admin_token.unwrap(),
            _dir: dir,
            sink,
            state,
        }
    }
}

#[tokio::test]
async fn a_request_over_http_is_verified_by_code_and_exported() {
    let Server {
        _dir,
        sink,
        state,
        app,
        admin,
    } = Server::start().await;

    // The request names the person by their account; the code goes to the
    // address the data holds for it.
    let opened = call(
        &app,
        Method::POST,
        "/v1/requests",
        &admin,
        Some(
            json!({"id": "req-http", "right": "access", "subject": "luis",
            "jurisdiction": "GB", "account_id": "1"}),
        ),
    )
    .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.json());

    // Not yet: the package of a request that has not run.
    let early = call(
        &app,
        Method::GET,
        "/v1/requests/req-http/export",
        &admin,
        None,
    )
    .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.json()["error"]["code"], "not_exportable");

    let sent = call(
        &app,
        Method::POST,
        "/v1/requests/req-http/code",
        &admin,
        None,
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.json());
    let sent = sent.json();
    assert_eq!(sent["sent_to"], "l•••@embraer.com.br");
    assert!(sent["expires_at"].is_string());
    let record = &sent["request"]["record"];
    assert_eq!(record["request"]["state"]["state"], "verification_pending");
    assert!(record["code"]["attempts"].is_number());
    assert!(
        record["code"].get("hash").is_none() && record["code"].get("salt").is_none(),
        "the API does not hand out what finds the code: {record}"
    );
    let mail = sink.next(Duration::from_secs(10)).await.unwrap();
    assert_eq!(mail.rcpt_to, ["luisg@embraer.com.br"]);
    let code: String = mail
        .text
        .as_deref()
        .expect("a text body")
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a six-digit code")
        .to_owned();

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = call(
        &app,
        Method::POST,
        "/v1/requests/req-http/verify",
        &admin,
        Some(json!({"code": wrong})),
    )
    .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.json()["error"]["field"], "code");
    let verified = call(
        &app,
        Method::POST,
        "/v1/requests/req-http/verify",
        &admin,
        Some(json!({"code": code})),
    )
    .await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.json());
    assert_eq!(verified.json()["status"], "verified");

    let ran = call(
        &app,
        Method::POST,
        "/v1/requests/req-http/run",
        &admin,
        None,
    )
    .await;
    assert_eq!(ran.status, StatusCode::OK, "{}", ran.json());
    assert_eq!(ran.json()["status"], "completed");

    // A read key downloads the package.
    let reader = call(
        &app,
        Method::POST,
        "/v1/keys",
        &admin,
        Some(json!({"name": "centre", "scopes": ["read"]})),
    )
    .await
    .json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let package = call(
        &app,
        Method::GET,
        "/v1/requests/req-http/export?language=fr",
        &reader,
        None,
    )
    .await;
    assert_eq!(package.status, StatusCode::OK);
    assert_eq!(package.headers[header::CONTENT_TYPE], "application/zip");
    assert_eq!(
        package.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"vow-export-req-http.zip\""
    );
    assert_eq!(package.headers[header::CACHE_CONTROL], "no-store");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(package.bytes)).expect("a zip");
    let mut manifest = String::new();
    zip.by_name("manifest.json")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let manifest: Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(manifest["request"]["id"], "req-http");
    assert_eq!(manifest["language"], "fr");
    let mut data = String::new();
    zip.by_name("data.json")
        .unwrap()
        .read_to_string(&mut data)
        .unwrap();
    assert!(
        data.contains("luisg@embraer.com.br"),
        "the person's own row"
    );
    assert!(
        !data.contains("leonekohler@surfeu.de"),
        "and no one else's (customer 2)"
    );
    state.store.close().await;
}

/// Staff put an answer off (KIDS-14: one month, extended by two at most,
/// the person told why) and refuse another; the person is e-mailed each
/// time and the ledger's step says how they were told.
#[tokio::test]
async fn an_extension_and_a_denial_are_told_to_the_person() {
    let Server {
        _dir,
        sink,
        state,
        app,
        admin,
    } = Server::start().await;
    for id in ["req-long", "req-no"] {
        let opened = call(
            &app,
            Method::POST,
            "/v1/requests",
            &admin,
            Some(json!({"id": id, "right": "access", "subject": "luis", "jurisdiction": "GB", "account_id": "1"})),
        )
        .await;
        assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.json());
    }
    let first_due = call(&app, Method::GET, "/v1/requests/req-long", &admin, None)
        .await
        .json()["record"]["request"]["due"]
        .as_str()
        .unwrap()
        .to_owned();

    // Past what the law and the policy allow: refused, and nothing sent.
    let too_far = call(
        &app,
        Method::POST,
        "/v1/requests/req-long/extend",
        &admin,
        Some(json!({"reason": "three systems", "until": "2099-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(too_far.status, StatusCode::CONFLICT, "{}", too_far.json());
    assert!(
        sink.next(Duration::from_millis(300)).await.is_err(),
        "a refused extension tells no one"
    );

    let extended = call(
        &app,
        Method::POST,
        "/v1/requests/req-long/extend",
        &admin,
        Some(json!({"reason": "your data is in three systems, one of them archived"})),
    )
    .await;
    assert_eq!(extended.status, StatusCode::OK, "{}", extended.json());
    let record = &extended.json()["record"];
    let due = record["request"]["due"].as_str().unwrap();
    assert_eq!(
        Some(due),
        record["request"]["deadline"]["extended_due"].as_str(),
        "the latest allowed, by default"
    );
    assert!(due > first_due.as_str());
    assert_eq!(record["told"][0]["by"], "email");
    assert_eq!(record["told"][0]["to"], "l•••@embraer.com.br");
    let mail = sink.next(Duration::from_secs(10)).await.unwrap();
    assert_eq!(mail.rcpt_to, ["luisg@embraer.com.br"]);
    assert_eq!(
        mail.subject.as_deref(),
        Some("Your request to Kids Code Dojo: the answer will take longer")
    );
    let text = mail.text.as_deref().unwrap();
    assert!(
        text.contains("your data is in three systems, one of them archived"),
        "{text}"
    );
    assert_eq!(
        record["told"][0]["message_id"].as_str(),
        mail.header("Message-ID"),
        "the record names the message sent"
    );

    // A denial told another way: recorded, nothing sent.
    let denied = call(
        &app,
        Method::POST,
        "/v1/requests/req-no/deny",
        &admin,
        Some(json!({"identity_not_verified": true, "told": "letter posted on 2 December"})),
    )
    .await;
    assert_eq!(denied.status, StatusCode::OK, "{}", denied.json());
    let record = &denied.json()["record"];
    assert_eq!(record["request"]["state"]["state"], "denied");
    assert_eq!(
        record["request"]["state"]["appeal"]["body"],
        "the Information Commissioner's Office"
    );
    assert_eq!(record["told"][0]["by"], "otherwise");
    assert!(sink.next(Duration::from_millis(300)).await.is_err());

    // The ledger's steps say how the person was told.
    let events = call(&app, Method::GET, "/v1/subjects/luis/events", &admin, None)
        .await
        .json();
    let told: Vec<&Value> = events["events"]
        .as_array()
        .expect("the subject's events")
        .iter()
        .filter_map(|e| e.get("detail").and_then(|d| d.get("told")))
        .collect();
    assert_eq!(told.len(), 2, "{events}");
    state.store.close().await;
}

/// The law above the policy: the kids franchise declares no right of
/// access for Californians, the CCPA gives one (§ 1798.110) — granted with
/// the law's 45 days, and receipt confirmed within 10 business days (11
/// CCR § 7021(a)) by e-mail.
#[tokio::test]
async fn the_law_grants_what_the_policy_leaves_out_and_receipt_is_confirmed() {
    let Server {
        _dir,
        sink,
        state,
        app,
        admin,
    } = Server::start().await;
    let opened = call(
        &app,
        Method::POST,
        "/v1/requests",
        &admin,
        Some(json!({"id": "req-ca", "right": "access", "subject": "luis", "jurisdiction": "US-CA", "account_id": "1"})),
    )
    .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.json());
    let request = &opened.json()["record"]["request"];
    assert_eq!(request["state"]["state"], "received", "{request}");
    assert_eq!(request["by_law"][0]["law"], "ccpa");
    assert_eq!(request["deadline"]["basis"]["by"], "law");
    let ack_by = request["deadline"]["acknowledge"]["by"]
        .as_str()
        .expect("the CCPA asks for a confirmation")
        .to_owned();
    assert!(request.get("acknowledged").is_none());

    let confirmed = call(
        &app,
        Method::POST,
        "/v1/requests/req-ca/acknowledge",
        &admin,
        Some(json!({})),
    )
    .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.json());
    let record = &confirmed.json()["record"];
    assert!(record["request"]["acknowledged"].as_str().unwrap() <= ack_by.as_str());
    assert_eq!(record["told"][0]["by"], "email");
    let mail = sink.next(Duration::from_secs(10)).await.unwrap();
    assert_eq!(mail.rcpt_to, ["luisg@embraer.com.br"]);
    assert_eq!(
        mail.subject.as_deref(),
        Some("Your request to Kids Code Dojo: received")
    );
    let text = mail.text.as_deref().unwrap();
    assert!(text.contains("confirm that it was received"), "{text}");
    assert!(text.contains("will answer by"), "{text}");
    // Once is enough.
    let again = call(
        &app,
        Method::POST,
        "/v1/requests/req-ca/acknowledge",
        &admin,
        Some(json!({"told": "by phone"})),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.json());

    // Shine the Light is a request vow runs.
    let stl = call(
        &app,
        Method::POST,
        "/v1/requests",
        &admin,
        Some(json!({"id": "req-stl", "right": "shine_the_light", "subject": "luis", "jurisdiction": "US-CA"})),
    )
    .await;
    assert_eq!(stl.status, StatusCode::CREATED, "{}", stl.json());
    assert_eq!(
        stl.json()["record"]["request"]["state"]["state"],
        "received"
    );

    // Neither the policy nor the law of California gives restriction.
    let refused = call(
        &app,
        Method::POST,
        "/v1/requests",
        &admin,
        Some(json!({"id": "req-r", "right": "restriction", "subject": "luis", "jurisdiction": "US-CA"})),
    )
    .await;
    assert_eq!(refused.status, StatusCode::CREATED, "{}", refused.json());
    let state_of = &refused.json()["record"]["request"]["state"];
    assert_eq!(state_of["state"], "denied");
    assert_eq!(
        state_of["reason"]["detail"]["why"], "no_right",
        "{state_of}"
    );
    // An unknown right names the ones vow runs.
    let unknown = call(
        &app,
        Method::POST,
        "/v1/requests",
        &admin,
        Some(json!({"right": "complaint", "subject": "luis", "jurisdiction": "GB"})),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("shine_the_light")
    );
    state.store.close().await;
}
