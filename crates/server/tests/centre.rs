//! The privacy centre in headless Chromium, as a person uses it: sign in
//! by the link mailed to them (over SMTP to a local sink), change a
//! consent and a channel, ask for a copy of their data, follow it to the
//! end and download it, and read the policy. Every change is in the
//! ledger, from the channel `privacy_centre`; a form without the
//! session's token is refused. axe-core finds nothing to fix.
//! Screenshots: `docs/screenshots/centre-*.png`.

mod common;

use std::time::Duration;

use common::browser::{Driver, serve_with};
use serde_json::{Value, json};
use vow_mail::sink::Sink;
use vow_server::Settings;
use vow_store::Store;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_chooses_asks_and_downloads() {
    let sink = Sink::start().await.unwrap();
    let (url, state, _dir) = serve_with(
        "course-shop",
        Settings {
            mail: Some(sink.config()),
            ..Settings::default()
        },
    )
    .await;
    let driver = Driver::start().await;
    let s = driver.session(1280, 1000).await;

    // Sign in by a link: the page never says whether the address is known.
    s.go(&format!("{url}/centre")).await;
    s.until("document.getElementById('email')").await;
    assert_eq!(
        s.axe_in("document.querySelector('main')").await,
        Vec::<String>::new()
    );
    s.js("document.getElementById('email').value = 'Ada@Example.org'")
        .await;
    s.click("main form button").await;
    s.until("document.querySelector('h1').textContent == 'Check your e-mail'")
        .await;
    let mail = sink.next(Duration::from_secs(10)).await.unwrap();
    assert_eq!(mail.rcpt_to, ["ada@example.org"]);
    let link = mail
        .text
        .as_deref()
        .unwrap()
        .split_whitespace()
        .find(|w| w.starts_with(&format!("{url}/centre/link/")))
        .expect("a sign-in link in the mail")
        .to_owned();
    // Opening the link signs no one in until the person continues.
    s.go(&link).await;
    s.until("document.querySelector('main form button')").await;
    let cookies = s.call(reqwest::Method::GET, "/cookie", None).await;
    assert_eq!(cookies, json!([]), "nothing before Continue");
    s.click("main form button").await;
    s.until("document.querySelector('h1').textContent == 'Your privacy'")
        .await;
    let cookies = s.call(reqwest::Method::GET, "/cookie", None).await;
    let session = &cookies[0];
    assert_eq!(session["name"], "vow_centre");
    assert_eq!(session["httpOnly"], true);
    assert_eq!(session["sameSite"], "Lax");

    // A form without the session's token (as another site would post it)
    // is refused, and nothing is recorded.
    let forged = s
        .call(
            reqwest::Method::POST,
            "/execute/async",
            Some(
                json!({"script": "var done = arguments[arguments.length - 1];
                fetch('/centre/me/choices', {method: 'POST',
                    headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                    body: 'purpose=promotional_messages'}).then(r => done(r.status))", "args": []}),
            ),
        )
        .await;
    assert_eq!(forged, 403);
    assert!(
        state
            .store
            .subject_events("ada@example.org", 0, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // Promotional e-mails on, text messages off.
    s.click("input[name=purpose][value=promotional_messages]")
        .await;
    s.click("input[name=channel][value=sms]").await;
    s.screenshot("centre-choices.png").await;
    assert_eq!(
        s.axe_in("document.querySelector('main')").await,
        Vec::<String>::new()
    );
    s.click("form[action='/centre/me/choices'] button").await;
    s.until("document.querySelector('input[value=promotional_messages]').checked")
        .await;
    assert_eq!(
        s.js("return document.querySelector('input[name=channel][value=sms]').checked")
            .await,
        false
    );
    let events = state
        .store
        .subject_events("ada@example.org", 0, 100)
        .await
        .unwrap();
    let kinds: Vec<Value> = events
        .iter()
        .map(|e| {
            assert_eq!(e.source.channel, "privacy_centre");
            serde_json::to_value(&e.kind).unwrap()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            json!({"type": "consent_given", "purpose": "promotional_messages"}),
            json!({"type": "preference_set", "channel": "sms", "opted_out": true}),
        ]
    );

    // A copy of the data: opened here, the session counts as the account
    // check; run, it can be downloaded here.
    s.js("document.getElementById('right').value = 'access'; document.getElementById('jurisdiction').value = 'FR'")
        .await;
    s.click("form[action='/centre/me/requests'] button").await;
    s.until("document.querySelector('table') && document.querySelector('table').textContent.includes('verified')")
        .await;
    let requests = state
        .store
        .requests(&vow_store::RequestQuery {
            subject: Some("ada@example.org".into()),
            status: None,
            runnable_at: None,
            after: None,
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(requests.len(), 1);
    let desk = vow_dsr::runner::Desk {
        store: &state.store,
        policy: state.policy.policy(),
        targets: &state.requests.targets,
        hash_key: &state.requests.hash_key,
        backoff: vow_dsr::runner::Backoff::default(),
        channel: "test",
        watch: &vow_dsr::runner::Quiet,
    };
    let case = desk.run(&requests[0].id, chrono::Utc::now()).await.unwrap();
    assert_eq!(case.request.status(), "completed");
    s.go(&format!("{url}/centre/me")).await;
    s.until("document.querySelector('a[href$=\"/export\"]')")
        .await;
    s.screenshot("centre-requests.png").await;
    let download = s
        .call(
            reqwest::Method::POST,
            "/execute/async",
            Some(
                json!({"script": "var done = arguments[arguments.length - 1];
                fetch(document.querySelector('a[href$=\"/export\"]').href)
                  .then(r => done([r.status, r.headers.get('content-type')]))", "args": []}),
            ),
        )
        .await;
    assert_eq!(download, json!([200, "application/zip"]));

    // Another person's package is not theirs to take.
    let foreign = s
        .call(
            reqwest::Method::POST,
            "/execute/async",
            Some(json!({"script": "var done = arguments[arguments.length - 1];
                fetch('/centre/requests/req-not-yours/export').then(r => done(r.status))", "args": []})),
        )
        .await;
    assert_eq!(foreign, 404);

    // The policy, readable, with its history.
    s.go(&format!("{url}/centre/policy")).await;
    s.until("document.getElementById('history')").await;
    let text = s.js("return document.body.textContent").await;
    assert!(text.as_str().unwrap().contains("This is the first version"));
    s.quit().await;
    state.store.close().await;
}

/// The policy page shows what changed from the earlier version this server
/// ran, and that version itself, as it read.
#[tokio::test]
async fn the_policy_page_keeps_its_earlier_versions() {
    let v1 = common::example("course-shop");
    let app = common::TestApp::sqlite(&v1).await;
    let v2 = v1
        .replace("  version: \"1\"", "  version: \"2\"")
        .replace("  effective: 2021-01-01", "  effective: 2026-12-01")
        .replace(
            "name: Promotional messages, surveys and business updates",
            "name: Offers and news",
        );
    assert_ne!(v1, v2);
    let app = app.restart(&v2).await.expect("version 2 starts");
    let page = |path: &'static str| {
        let app = &app;
        async move {
            let answer = app
                .send(
                    axum::http::Request::get(path)
                        .body(axum::body::Body::empty())
                        .unwrap(),
                )
                .await;
            assert_eq!(answer.status, axum::http::StatusCode::OK, "{path}");
            answer.body.as_str().unwrap().to_owned()
        }
    };
    let now = page("/centre/policy").await;
    assert!(
        now.contains("From version <a href=\"/centre/policy/1\">1</a> to 2"),
        "{now}"
    );
    assert!(now.contains("Offers and news"));
    let then = page("/centre/policy/1").await;
    assert!(then.contains("Promotional messages, surveys and business updates"));
    assert!(!then.contains("Offers and news"));
}
