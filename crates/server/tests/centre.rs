//! The privacy centre in headless Chromium, as a person uses it: sign in
//! by the link mailed to them (over SMTP to a local sink), change a
//! consent and a channel, ask for a copy of their data, follow it to the
//! end and download it, and read the policy. Every change is in the
//! ledger, from the channel `privacy_centre`; a form without the
//! session's token is refused. axe-core finds nothing to fix.
//! Screenshots: `docs/screenshots/centre-*.png`.

mod common;

use std::time::Duration;

use common::browser::{Driver, Session, serve_with};
use serde_json::{Value, json};
use vow_mail::sink::Sink;
use vow_server::Settings;
use vow_store::Store;

/// Signs `email` in through the mailed link; checks that opening the link
/// alone signs no one in.
async fn sign_in(s: &Session<'_>, url: &str, sink: &Sink, email: &str) {
    s.go(&format!("{url}/centre")).await;
    s.until("document.getElementById('email')").await;
    s.js(&format!(
        "document.getElementById('email').value = '{email}'"
    ))
    .await;
    s.click("main form button").await;
    s.until("document.querySelector('h1').textContent == 'Check your e-mail'")
        .await;
    let mail = sink.next(Duration::from_secs(10)).await.unwrap();
    assert_eq!(mail.rcpt_to, [email.to_lowercase()]);
    let link = mail
        .text
        .as_deref()
        .unwrap()
        .split_whitespace()
        .find(|w| w.starts_with(&format!("{url}/centre/link/")))
        .expect("a sign-in link in the mail")
        .to_owned();
    s.call(reqwest::Method::DELETE, "/cookie", None).await;
    s.go(&link).await;
    s.until("document.querySelector('main form button')").await;
    let cookies = s.call(reqwest::Method::GET, "/cookie", None).await;
    assert_eq!(cookies, json!([]), "nothing before Continue");
    s.click("main form button").await;
    s.until("document.querySelector('h1') && document.querySelector('h1').textContent == 'Your privacy'")
        .await;
}

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
    sign_in(&s, &url, &sink, "Ada@Example.org").await;
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
    let headers = app
        .send(
            axum::http::Request::get("/centre")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .headers;
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let then = page("/centre/policy/1").await;
    assert!(then.contains("Promotional messages, surveys and business updates"));
    assert!(!then.contains("Offers and news"));
}

/// KIDS-02 and KIDS-17 in the centre: a parent the ledger links to their
/// child manages the child's consents and asks for the child's data; a
/// parent not linked is refused; an authorised agent asks for someone
/// else, who must confirm.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_acts_for_their_child_and_an_agent_for_someone_else() {
    let sink = Sink::start().await.unwrap();
    let (url, state, _dir) = serve_with(
        "kids-coding-franchise",
        Settings {
            mail: Some(sink.config()),
            ..Settings::default()
        },
    )
    .await;
    let staff = vow_store::Actor {
        kind: vow_store::ActorKind::Staff,
        id: "front-desk".into(),
    };
    state
        .record(state.events_by(
            "child-7",
            staff,
            vow_store::EventSource::default(),
            vec![
                vow_store::EventKind::AttributesSet {
                    jurisdiction: Some("GB".into()),
                    birth_date: None,
                    kind: Some("child".into()),
                },
                vow_store::EventKind::GuardianLinked {
                    guardian: "parent@example.org".into(),
                    verified: true,
                },
            ],
        ))
        .await
        .unwrap();
    let driver = Driver::start().await;
    let s = driver.session(1280, 1000).await;
    sign_in(&s, &url, &sink, "parent@example.org").await;

    // Not their child: refused.
    s.go(&format!("{url}/centre/me?for=child-8")).await;
    s.until("document.querySelector('h1')").await;
    let refused = s.js("return document.body.textContent").await;
    assert!(
        refused
            .as_str()
            .unwrap()
            .contains("not linked as this person's parent"),
        "{refused}"
    );

    // Their child: the child's page.
    s.go(&format!("{url}/centre/me")).await;
    s.until("document.getElementById('child')").await;
    s.js("document.getElementById('child').value = 'child-7'")
        .await;
    s.click("form[action='/centre/me'][method=get] button")
        .await;
    s.until("document.querySelector('h1').textContent == \"Your child's privacy\"")
        .await;
    s.screenshot("centre-child.png").await;
    s.click("input[name=purpose][value=sms_marketing]").await;
    s.click("form[action='/centre/me/choices'] button").await;
    s.until("document.querySelector('input[value=sms_marketing]') && document.querySelector('input[value=sms_marketing]').checked")
        .await;
    let events = state.store.subject_events("child-7", 0, 100).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(
        serde_json::to_value(&last.kind).unwrap(),
        json!({"type": "consent_given", "purpose": "sms_marketing"})
    );
    assert_eq!(last.actor.id, "parent@example.org");
    assert_eq!(
        serde_json::to_value(last.actor.kind).unwrap(),
        json!("agent"),
        "the parent acted"
    );

    // A copy of the child's data, asked by the parent.
    s.js("document.getElementById('right').value = 'access'; document.getElementById('jurisdiction').value = 'GB'")
        .await;
    s.click("form[action='/centre/me/requests'] button").await;
    s.until("document.querySelector('table')").await;
    let requests = state
        .store
        .requests(&vow_store::RequestQuery {
            subject: Some("child-7".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(requests.len(), 1);
    assert_ne!(requests[0].status, "denied", "{:?}", requests[0].body);
    assert_eq!(
        requests[0].body["request"]["agent"]["kind"], "parent",
        "{}",
        requests[0].body
    );

    // As an authorised agent for someone else (KIDS-17: the right to know
    // in California): the person must confirm.
    s.go(&format!("{url}/centre/me")).await;
    s.until("document.getElementById('person')").await;
    s.js(
        "document.getElementById('person').value = 'sam@example.org';
          document.getElementById('agent-right').value = 'right_to_know';
          document.getElementById('agent-jurisdiction').value = 'US-CA';
          document.querySelector('input[name=permission]').checked = true",
    )
    .await;
    s.click("form[action='/centre/me/agent'] button").await;
    s.until("document.querySelector('h1').textContent == 'Request sent'")
        .await;
    let text = s.js("return document.body.textContent").await;
    assert!(text.as_str().unwrap().contains("to confirm"), "{text}");
    let theirs = state
        .store
        .requests(&vow_store::RequestQuery {
            subject: Some("sam@example.org".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(theirs.len(), 1);
    let agent = &theirs[0].body["request"]["agent"];
    assert_eq!(agent["kind"], "authorised_agent");
    assert_eq!(agent["id"], "parent@example.org");
    assert_eq!(agent["proof"], json!(["signed_permission"]));
    s.quit().await;
    state.store.close().await;
}
