//! One-click unsubscribe (RFC 8058) on seed 003's promotional e-mails: a
//! sender asks for the headers of a message, the mail client POSTs
//! `List-Unsubscribe=One-Click` without a cookie or a key, and the
//! withdrawal is in the ledger before the answer; the engine then denies
//! the e-mail. The page behind the link changes nothing until the person
//! confirms or chooses.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{TestApp, example};
use serde_json::json;

fn path_of(url: &str) -> String {
    let at = url.find("/u/").expect("a /u/ link");
    url[at..].to_owned()
}

async fn form(app: &TestApp, path: &str, body: &str) -> common::Answer {
    app.send(
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap(),
    )
    .await
}

async fn page(app: &TestApp, path: &str) -> common::Answer {
    app.send(Request::get(path).body(Body::empty()).unwrap())
        .await
}

async fn allowed(app: &TestApp) -> bool {
    let decision = app
        .decide(
            json!({"subject": "ada@example.org", "purpose": "promotional_messages",
            "categories": ["user.contact.email"], "channel": "email",
            "context": {"jurisdiction": "FR"}}),
        )
        .await;
    decision["allowed"] == true
}

#[tokio::test]
async fn one_click_unsubscribes_before_answering() {
    let app = TestApp::sqlite(&example("course-shop")).await;
    let given = app
        .post(
            "/v1/subjects/ada@example.org/consents",
            json!({"purposes": {"promotional_messages": true}}),
        )
        .await;
    assert_eq!(given.status, StatusCode::CREATED, "{}", given.body);
    assert!(allowed(&app).await, "consented: the e-mail may go");

    let headers = app
        .post(
            "/v1/unsubscribe/headers",
            json!({"subject": "ada@example.org", "purpose": "promotional_messages"}),
        )
        .await;
    assert_eq!(headers.status, StatusCode::OK, "{}", headers.body);
    assert_eq!(
        headers.body["List-Unsubscribe-Post"],
        "List-Unsubscribe=One-Click"
    );
    let url = headers.body["url"].as_str().unwrap().to_owned();
    assert_eq!(headers.body["List-Unsubscribe"], format!("<{url}>"));
    assert!(url.starts_with("http://127.0.0.1:8080/u/"), "{url}");
    let path = path_of(&url);

    // Opening the link (as a mail scanner does) changes nothing.
    let shown = page(&app, &path).await;
    assert_eq!(shown.status, StatusCode::OK);
    let html = shown.body.as_str().unwrap();
    assert!(html.contains("Unsubscribe from"), "{html}");
    assert!(
        !html.contains("checked"),
        "a forwarded link shows nothing of the person's choices: {html}"
    );
    assert!(allowed(&app).await);

    // A POST without the RFC's body changes nothing either.
    let wrong = form(&app, &path, "something=else").await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(allowed(&app).await);

    // The one click: no cookie, no key (as multipart/form-data, which
    // RFC 8058 lets mail clients send).
    let done = app
        .send(
            Request::post(&path)
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=xyz")
                .body(Body::from(
                    "--xyz\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--xyz--\r\n",
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.as_str().unwrap().contains("You are unsubscribed"));
    assert!(!allowed(&app).await, "withdrawn before the answer came");
    let events = app.get("/v1/subjects/ada@example.org/events").await;
    let last = events.body["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["type"], "consent_withdrawn", "{last}");
    assert_eq!(last["source"]["channel"], "unsubscribe_link");
    assert_eq!(last["source"]["evidence"], "List-Unsubscribe=One-Click");

    // Whoever holds the link cannot turn messages back on: that takes
    // the person, signed in to the privacy centre.
    let back = form(
        &app,
        &format!("{path}/choices"),
        "keep=promotional_messages",
    )
    .await;
    assert_eq!(back.status, StatusCode::OK);
    assert!(!allowed(&app).await);

    // Links are for marketing messages only.
    let contract = app
        .post(
            "/v1/unsubscribe/headers",
            json!({"subject": "ada@example.org", "purpose": "legal_compliance"}),
        )
        .await;
    assert_eq!(
        contract.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        contract.body
    );

    // A link altered by one character is refused, and records nothing.
    let count = |events: &common::Answer| events.body["events"].as_array().unwrap().len();
    let before = count(&app.get("/v1/subjects/ada@example.org/events").await);
    let mut altered = path.clone();
    let last_char = altered.pop().unwrap();
    altered.push(if last_char == 'A' { 'B' } else { 'A' });
    let refused = form(&app, &altered, "List-Unsubscribe=One-Click").await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(
        count(&app.get("/v1/subjects/ada@example.org/events").await),
        before
    );
}

/// EDU-12: marketing mail carries a one-click unsubscribe link; after the
/// click the marketing e-mail is denied, and an essential message (the
/// answer to the person's own support request) still goes.
#[tokio::test]
async fn after_unsubscribing_transactional_mail_still_goes() {
    let app = TestApp::sqlite(&example("edtech-classroom")).await;
    app.call(
        axum::http::Method::PATCH,
        "/v1/subjects/sam@example.org",
        Some(&app.admin.clone()),
        Some(json!({"jurisdiction": "US"})),
    )
    .await;
    let marketing = json!({"subject": "sam@example.org", "purpose": "marketing",
        "categories": ["user.contact.email"], "channel": "email", "communication": "marketing_email"});
    let support = json!({"subject": "sam@example.org", "purpose": "support",
        "categories": ["user.contact.email"], "channel": "email", "communication": "student_support_reply",
        "topic": "operational"});
    assert_eq!(app.decide(marketing.clone()).await["allowed"], true);
    let marked = app.decide(marketing.clone()).await;
    assert!(
        marked["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["type"] == "unsubscribe_link"),
        "the marketing mail must carry the link: {marked}"
    );
    let headers = app
        .post(
            "/v1/unsubscribe/headers",
            json!({"subject": "sam@example.org", "purpose": "marketing"}),
        )
        .await;
    let path = path_of(headers.body["url"].as_str().unwrap());
    let done = form(&app, &path, "List-Unsubscribe=One-Click").await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(app.decide(marketing).await["allowed"], false);
    let answer = app.decide(support).await;
    assert_eq!(answer["allowed"], true, "{answer}");
}

/// The link does not show whom it names, and its pages speak the
/// message's language (asked by the sender), else the reader's.
#[tokio::test]
async fn the_link_hides_the_person_and_speaks_their_language() {
    let app = TestApp::sqlite(&example("course-shop")).await;
    let headers = app
        .post(
            "/v1/unsubscribe/headers",
            json!({"subject": "ada@example.org", "purpose": "promotional_messages", "lang": "fr"}),
        )
        .await;
    assert_eq!(headers.status, StatusCode::OK, "{}", headers.body);
    let url = headers.body["url"].as_str().unwrap();
    assert!(!url.contains("ada"), "{url}");
    let path = path_of(url);
    let shown = page(&app, &path).await;
    let html = shown.body.as_str().unwrap();
    assert!(html.contains("<html lang=\"fr\">"), "{html}");
    assert!(html.contains("Se désabonner"), "{html}");
    assert!(!html.contains("ada@"), "nothing of the person: {html}");
    let done = form(&app, &path, "List-Unsubscribe=One-Click").await;
    assert!(
        done.body.as_str().unwrap().contains("Vous êtes désabonné"),
        "{}",
        done.body
    );

    // No language asked: the reader's browser's.
    let plain = app
        .post(
            "/v1/unsubscribe/headers",
            json!({"subject": "ada@example.org", "purpose": "promotional_messages"}),
        )
        .await;
    let shown = app
        .send(
            Request::get(path_of(plain.body["url"].as_str().unwrap()))
                .header(header::ACCEPT_LANGUAGE, "uk-UA, uk;q=0.9, en;q=0.5")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(shown.body.as_str().unwrap().contains("Відписатися"));

    // A language the pages do not speak is refused, with the field.
    let german = app
        .post(
            "/v1/unsubscribe/headers",
            json!({"subject": "ada@example.org", "purpose": "promotional_messages", "lang": "de"}),
        )
        .await;
    assert_eq!(german.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(german.body["error"]["field"], "lang");
}
