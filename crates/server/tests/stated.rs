//! What the policy states, vow enforces (issue 12 §3), over HTTP: a field
//! declared immutable is never rectified (AGENCY-13), card numbers are
//! never stored and are taken out of free text (EDU-07, KIDS-10), and a
//! collection point takes only what it collects (EDU-01).

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, chinook, example};
use serde_json::json;
use vow_store::Store;

/// A key with the `decide` scope alone.
async fn decide_key(app: &TestApp) -> String {
    let created = app
        .post(
            "/v1/keys",
            json!({"name": "support-desk", "scopes": ["decide"]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body["token"].as_str().unwrap().to_owned()
}

/// AGENCY-13: a rectification of a field whose category the policy
/// declares immutable is refused with the field and why, nothing is
/// opened; a mutable field is still corrected.
#[tokio::test]
async fn agency_13_rectification_of_an_immutable_field_is_refused() {
    // The e-mail address is the account's login: the policy says it
    // cannot be changed.
    let policy = example("kids-coding-franchise").replace(
        "{id: user.contact.email, name: E-mail address, sources: [subject, controller]}",
        "{id: user.contact.email, name: E-mail address, sources: [subject, controller], immutable: true}",
    );
    assert!(policy.contains("immutable: true"));
    let app = TestApp::sqlite(&policy).await;
    chinook(app.dir.path());
    // The datasets are read when the server starts: start again on them.
    let app = app.restart(&policy).await.expect("it starts again");
    let refused = app
        .post(
            "/v1/requests",
            json!({"id": "req-immutable", "right": "rectification", "subject": "luis",
                "jurisdiction": "GB", "account_id": "1",
                "changes": [{"column": "LastName", "value": "Gonçalves Silva"},
                            {"column": "Email", "value": "luis@example.com"}]}),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let error = &refused.body["error"];
    assert_eq!(error["code"], "immutable_field");
    assert_eq!(error["field"], "changes.Email");
    assert_eq!(
        error["message"],
        "`Email` cannot be changed: it holds E-mail address (`user.contact.email`), which the privacy policy declares immutable, so no rectification may set it; ask without it (the other fields can still be corrected)"
    );
    assert!(error["hint"].as_str().unwrap().contains("immutable"));
    assert!(
        app.state
            .store
            .request("req-immutable")
            .await
            .unwrap()
            .is_none()
    );

    // The surname alone is opened.
    let opened = app
        .post(
            "/v1/requests",
            json!({"id": "req-mutable", "right": "rectification", "subject": "luis",
                "jurisdiction": "GB", "account_id": "1",
                "changes": [{"column": "LastName", "value": "Gonçalves Silva"}]}),
        )
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
}

/// EDU-07, KIDS-10: a decision to store the card number is denied with
/// the reason; passing it to the processor is allowed.
#[tokio::test]
async fn edu_07_a_decision_to_store_a_card_number_is_denied() {
    let app = TestApp::sqlite(&example("edtech-classroom")).await;
    let stored = app
        .decide(json!({"purpose": "payment", "categories": ["user.financial.credit_card"], "action": "store"}))
        .await;
    assert_eq!(stored["allowed"], false, "{stored}");
    assert_eq!(stored["reasons"][0]["rule"], "never-stored");
    assert_eq!(stored["reasons"][0]["promises"], json!(["EDU-07"]));
    let sent = app
        .decide(
            json!({"purpose": "payment", "categories": ["user.financial.credit_card"],
            "recipient": "braintree", "context": {"jurisdiction": "GB"}}),
        )
        .await;
    assert_eq!(sent["allowed"], true, "{sent}");
}

/// EDU-07: a support desk stores a ticket without the card number or its
/// security code; the answer says what was taken out and where.
#[tokio::test]
async fn edu_07_redact_takes_card_numbers_out_of_a_ticket() {
    let app = TestApp::sqlite(&example("edtech-classroom")).await;
    let key = decide_key(&app).await;
    let ticket = "Bonjour, j'ai payé avec 4000-0566-5566-5556 (CVV 123), commande 2026-1207.";
    let answer = app
        .call(
            Method::POST,
            "/v1/redact",
            Some(&key),
            Some(json!({"text": ticket})),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        answer.body["text"],
        "Bonjour, j'ai payé avec [•••• 5556] ([•••]), commande 2026-1207."
    );
    let found = answer.body["found"].as_array().unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[0]["category"], "user.financial.credit_card");
    assert_eq!(found[0]["masked"], "•••• 5556");
    let (start, end) = (
        found[0]["start"].as_u64().unwrap() as usize,
        found[0]["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&ticket[start..end], "4000-0566-5566-5556");
    assert_eq!(
        answer.body["categories"],
        json!(["user.financial.credit_card"])
    );

    // More than 1 MiB: refused with its code, the body being within the
    // server's limit.
    let big = "a".repeat((1 << 20) + 1);
    let app = TestApp::start_with(&example("edtech-classroom"), |s| {
        s.body_limit_bytes = Some(4 << 20);
    })
    .await;
    let key = decide_key(&app).await;
    let too_large = app
        .call(
            Method::POST,
            "/v1/redact",
            Some(&key),
            Some(json!({"text": big})),
        )
        .await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_large.body["error"]["code"], "text_too_large");
    assert_eq!(too_large.body["error"]["field"], "text");
    // A key that may only read cannot use it.
    let read = app
        .post("/v1/keys", json!({"name": "reader", "scopes": ["read"]}))
        .await;
    let read = read.body["token"].as_str().unwrap().to_owned();
    let forbidden = app
        .call(
            Method::POST,
            "/v1/redact",
            Some(&read),
            Some(json!({"text": "x"})),
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
}

/// EDU-01: registration takes contact data, firmographics optional; a
/// submission missing a required category or carrying one the point does
/// not collect is refused, naming each; an unknown point is a 404.
#[tokio::test]
async fn edu_01_a_collection_point_takes_only_what_it_collects() {
    let app = TestApp::sqlite(&example("edtech-classroom")).await;
    let key = decide_key(&app).await;
    let check = |point: &'static str, body: serde_json::Value| {
        let key = key.clone();
        let app = &app;
        async move {
            app.call(
                Method::POST,
                &format!("/v1/collections/{point}/check"),
                Some(&key),
                Some(body),
            )
            .await
        }
    };
    let fine = check(
        "registration",
        json!({"categories": ["user.contact.name", "user.contact.organization", "user.contact.address",
            "user.contact.phone_number", "user.contact.email", "user.workplace.industry"], "kind": "customer"}),
    )
    .await;
    assert_eq!(fine.status, StatusCode::OK, "{}", fine.body);
    assert_eq!(fine.body["allowed"], true, "{}", fine.body);
    assert_eq!(fine.body["promises"], json!(["EDU-01"]));
    assert_eq!(
        fine.body["optional"],
        json!([
            "user.workplace.annual_revenue",
            "user.workplace.employees",
            "user.workplace.industry"
        ])
    );

    let refused = check(
        "registration",
        json!({"categories": ["user.contact.name", "user.contact.organization", "user.contact.address",
            "user.contact.email", "user.financial.credit_card"]}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::OK);
    assert_eq!(refused.body["allowed"], false);
    assert_eq!(
        refused.body["missing"],
        json!(["user.contact.phone_number"])
    );
    assert_eq!(
        refused.body["extra"][0]["category"],
        "user.financial.credit_card"
    );
    assert_eq!(refused.body["extra"][0]["why"], "not_collected");
    assert_eq!(
        refused.body["reasons"],
        json!([
            "`registration` requires `user.contact.phone_number`, which the submission does not carry",
            "`registration` does not collect `user.financial.credit_card`"
        ])
    );

    let unknown = check("newsletter", json!({"categories": []})).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body["error"]["code"], "collection_point_not_found");
    assert!(
        unknown.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("registration, purchase, contact_me"),
        "{}",
        unknown.body
    );
    let malformed = check("registration", json!({"categories": "user.contact.name"})).await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(malformed.body["error"]["code"], "invalid_request");
}
