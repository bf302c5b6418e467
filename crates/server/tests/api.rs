//! The API end to end, in process: writes land in the ledger with their
//! provenance, decisions follow them at once, errors say what and where.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{TestApp, example};
use serde_json::{Value, json};

fn reasons(decision: &Value) -> Vec<&str> {
    decision["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r["rule"].as_str().expect("rule"))
        .collect()
}

#[tokio::test]
async fn consents_recorded_with_their_proof_change_decisions_at_once() {
    let app = TestApp::sqlite(&example("course-shop")).await;
    let query = json!({"subject": "alice", "purpose": "promotional_messages", "categories": ["user.contact.email"]});

    let before = app.decide(query.clone()).await;
    assert_eq!(before["allowed"], false);
    assert_eq!(reasons(&before), ["consent-missing"]);

    let given = app
        .post(
            "/v1/subjects/alice/consents",
            json!({
                "purposes": {"promotional_messages": true},
                "source": {"channel": "banner", "document_version": "banner-2026-11", "text_hash": "ab12", "ip": "203.0.113.77", "user_agent": "Firefox/140"}
            }),
        )
        .await;
    assert_eq!(given.status, StatusCode::CREATED, "{}", given.body);
    let event = &given.body["events"][0];
    assert_eq!(event["type"], "consent_given");
    assert_eq!(
        event["source"]["ip"], "203.0.113.0",
        "only the truncated IP is kept"
    );
    assert_eq!(event["source"]["document_version"], "banner-2026-11");
    assert_eq!(event["policy_version"], "1");
    assert!(event["hash"].as_str().is_some_and(|h| h.len() == 64));
    assert_eq!(
        given.body["state"]["consents"]["promotional_messages"]["given"],
        true
    );

    let after = app.decide(query.clone()).await;
    assert_eq!(after["allowed"], true, "{after}");
    assert_eq!(after["policy_version"], "1");
    assert!(
        after["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["type"] == "unsubscribe_link")
    );

    // SHOP-07: staff record a withdrawal received by letter, with its evidence.
    let withdrawn = app
        .post(
            "/v1/subjects/alice/consents",
            json!({
                "purposes": {"promotional_messages": false},
                "actor": {"kind": "staff", "id": "clerk-7"},
                "source": {"channel": "post", "evidence": "letter 2026-11-30 #4411"}
            }),
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::CREATED, "{}", withdrawn.body);
    let denied = app.decide(query).await;
    assert_eq!(reasons(&denied), ["consent-withdrawn"]);

    let history = app.get("/v1/subjects/alice/events").await;
    let events = history.body["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[1]["actor"],
        json!({"kind": "staff", "id": "clerk-7"})
    );
    assert_eq!(events[1]["source"]["evidence"], "letter 2026-11-30 #4411");

    let subject = app.get("/v1/subjects/alice").await;
    assert_eq!(subject.status, StatusCode::OK);
    assert_eq!(subject.body["events"], 2);
    assert_eq!(
        subject.body["state"]["consents"]["promotional_messages"]["given"],
        false
    );
}

#[tokio::test]
async fn licensed_students_are_never_marketed_to_while_members() {
    // promise: EDU-03 — through the API, membership start and end change the answer.
    let app = TestApp::sqlite(&example("edtech-classroom")).await;
    app.call(
        Method::PATCH,
        "/v1/subjects/sam",
        Some(&app.admin.clone()),
        Some(json!({"jurisdiction": "US"})),
    )
    .await;
    let marketing = json!({"subject": "sam", "purpose": "marketing", "categories": ["user.contact.email"], "channel": "email", "communication": "marketing_email"});
    assert_eq!(
        app.decide(marketing.clone()).await["allowed"],
        true,
        "opt-out marketing for a US customer"
    );

    let joined = app
        .post(
            "/v1/subjects/sam/memberships",
            json!({"membership": "licensed_institution"}),
        )
        .await;
    assert_eq!(joined.status, StatusCode::CREATED, "{}", joined.body);
    let denied = app.decide(marketing.clone()).await;
    assert_eq!(denied["allowed"], false);
    let reason = denied["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "membership-denies")
        .expect("the membership denies");
    assert!(
        reason["promises"]
            .as_array()
            .unwrap()
            .contains(&json!("EDU-03"))
    );

    let left = app
        .call(
            Method::DELETE,
            "/v1/subjects/sam/memberships/licensed_institution",
            Some(&app.admin.clone()),
            None,
        )
        .await;
    assert_eq!(left.status, StatusCode::CREATED, "{}", left.body);
    assert_eq!(app.decide(marketing).await["allowed"], true);
}

/// EDU-04's conditions are data the API sets and the engine reads: a
/// student's `self_pay` attribute, and the topic of a message.
#[tokio::test]
async fn conditions_of_messages_read_attributes_set_through_the_api() {
    // promise: EDU-04
    let app = TestApp::sqlite(&example("edtech-classroom")).await;
    let admin = app.admin.clone();
    let patch = |body: Value| app.call(Method::PATCH, "/v1/subjects/ana", Some(&admin), Some(body));
    let set = patch(json!({"jurisdiction": "US", "kind": "student"})).await;
    assert_eq!(set.status, StatusCode::CREATED, "{}", set.body);
    let joined = app
        .post(
            "/v1/subjects/ana/memberships",
            json!({"membership": "licensed_institution"}),
        )
        .await;
    assert_eq!(joined.status, StatusCode::CREATED, "{}", joined.body);
    let billing = |topic: &str| {
        json!({"subject": "ana", "purpose": "payment", "categories": ["user.contact.name"],
               "channel": "email", "communication": "self_pay_billing_reply", "topic": topic})
    };
    let denied = app.decide(billing("billing")).await;
    assert_eq!(denied["allowed"], false, "{denied}");
    assert_eq!(reasons(&denied), ["communication-condition"]);
    assert!(
        denied["reasons"][0]["message"]
            .as_str()
            .unwrap()
            .contains("`self_pay` is true; it is not known")
    );

    // The attribute is checked against the policy before it is recorded.
    let unknown = patch(json!({"attributes": {"self_paid": true}})).await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.body
    );
    assert_eq!(unknown.body["error"]["field"], "attributes.self_paid");
    assert!(
        unknown.body["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("self_pay"),
        "{}",
        unknown.body
    );
    let typed = patch(json!({"attributes": {"self_pay": "yes"}})).await;
    assert_eq!(
        typed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        typed.body
    );
    assert!(
        typed.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`self_pay` is a boolean attribute")
    );

    let paid = patch(json!({"attributes": {"self_pay": true}})).await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.body);
    let state = app.get("/v1/subjects/ana").await;
    assert_eq!(
        state.body["state"]["attributes"]["self_pay"], true,
        "{}",
        state.body
    );
    assert_eq!(app.decide(billing("billing")).await["allowed"], true);
    let off_topic = app.decide(billing("pricing")).await;
    assert_eq!(off_topic["allowed"], false);
    assert!(
        off_topic["reasons"][0]["message"]
            .as_str()
            .unwrap()
            .contains("may only be about billing, not `pricing`")
    );
    // `null` forgets it.
    let forgot = patch(json!({"attributes": {"self_pay": null}})).await;
    assert_eq!(forgot.status, StatusCode::CREATED, "{}", forgot.body);
    assert_eq!(app.decide(billing("billing")).await["allowed"], false);
}

/// A vendor asked for more than it may receive: the answer is what to send
/// (IOT-09), or a deny in strict mode.
#[tokio::test]
async fn a_disclosure_is_projected_or_in_strict_mode_denied() {
    // promise: IOT-09
    let app = TestApp::sqlite(&example("iot-platform")).await;
    let query = json!({"purpose": "data_storage", "recipient": "database_vendor",
        "categories": ["user.contact.email", "user.content.private"],
        "context": {"jurisdiction": "CA"}});
    let projected = app.decide(query.clone()).await;
    assert_eq!(projected["allowed"], true, "{projected}");
    assert_eq!(
        projected["obligations"],
        json!([{"type": "send_only", "categories": ["user.content.private"]}])
    );
    let note = projected["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "recipient-projection")
        .expect("the projection is said");
    assert!(
        note["message"]
            .as_str()
            .unwrap()
            .contains("may not receive user.contact.email"),
        "{note}"
    );
    let mut strict = query;
    strict["strict"] = json!(true);
    let denied = app.decide(strict).await;
    assert_eq!(denied["allowed"], false, "{denied}");
    assert_eq!(reasons(&denied), ["recipient-category"]);
}

#[tokio::test]
async fn a_batch_is_decided_in_order_and_bounded() {
    let app = TestApp::sqlite(&example("course-shop")).await;
    let answer = app
        .post(
            "/v1/decisions",
            json!({"queries": [
                {"subject": "bob", "purpose": "provide_services", "categories": ["user.contact.email"]},
                {"purpose": "no_such_purpose"},
                {"subject": "bob", "purpose": "web_analytics", "recipient": "google_analytics", "categories": ["user.device", "user.contact.email"]},
            ]}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let d = answer.body["decisions"].as_array().unwrap();
    assert_eq!(d.len(), 3);
    assert_eq!(d[0]["allowed"], true);
    assert_eq!(
        reasons(&d[1]),
        ["purpose-undeclared"],
        "deny by default, with a reason"
    );
    assert!(reasons(&d[2]).contains(&"category-not-allowed"));

    let queries: Vec<Value> = (0..1_001)
        .map(|_| json!({"purpose": "provide_services"}))
        .collect();
    let too_many = app
        .post("/v1/decisions", json!({ "queries": queries }))
        .await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(too_many.body["error"]["code"], "batch_too_large");
}

const NEWSLETTER: &str = r#"
vow: 1
policy: {id: newsletter-shop, version: "1.0", title: Privacy policy, effective: 2026-01-05}
organisation: {name: Example Ltd}
jurisdictions: [{id: FR, laws: [gdpr, eprivacy]}]
categories:
  - {id: user.contact.email, name: E-mail address}
purposes:
  - id: newsletter
    name: Our newsletter
    tags: [marketing, direct_marketing]
    basis: consent
    consent:
      model: opt_in
      lifetime: 12 months
      withdrawal: [{method: unsubscribe_link}]
    categories: [user.contact]
retention:
  - {id: contact, categories: [user.contact], keep: {for: 2 years}}
notice: {mode: advance, period: 7 business days, channels: [site]}
"#;

#[tokio::test]
async fn what_if_decisions_use_the_given_instant() {
    // promise: SHOP-06 — a consent lasts its lifetime; asked at a later instant, it has expired.
    let app = TestApp::sqlite(NEWSLETTER).await;
    app.post(
        "/v1/subjects/carol/consents",
        json!({"purposes": {"newsletter": true}}),
    )
    .await;
    let now = app
        .decide(json!({"subject": "carol", "purpose": "newsletter"}))
        .await;
    assert_eq!(now["allowed"], true, "{now}");
    let in_two_years = (chrono::Utc::now() + chrono::Duration::days(730)).to_rfc3339();
    let later = app
        .decide(json!({"subject": "carol", "purpose": "newsletter", "at": in_two_years}))
        .await;
    assert_eq!(reasons(&later), ["consent-expired"]);
}

#[tokio::test]
async fn a_consent_given_with_an_end_is_denied_after_it() {
    // promise: SHOP-06 — consent records expire and are asked again; here a
    // consent "for 30 days" ends before the purpose's 12-month lifetime.
    let app = TestApp::sqlite(NEWSLETTER).await;
    let in_days = |days: i64| (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339();
    let given = app
        .post(
            "/v1/subjects/dora/consents",
            json!({"purposes": {"newsletter": true}, "until": in_days(30)}),
        )
        .await;
    assert_eq!(given.status, StatusCode::CREATED, "{}", given.body);
    assert_eq!(given.body["events"][0]["type"], "consent_given");
    assert!(
        given.body["events"][0]["until"].is_string(),
        "{}",
        given.body
    );
    assert!(given.body["state"]["consents"]["newsletter"]["until"].is_string());
    let query = |at: String| json!({"subject": "dora", "purpose": "newsletter", "at": at});
    let before = app.decide(query(in_days(29))).await;
    assert_eq!(before["allowed"], true, "{before}");
    let after = app.decide(query(in_days(31))).await;
    assert_eq!(reasons(&after), ["consent-ended"]);
    let sentence = after["reasons"][0]["message"].as_str().unwrap();
    assert!(sentence.contains("ended on"), "{sentence}");
    // The purpose's lifetime still applies to a consent with a later end.
    app.post(
        "/v1/subjects/eli/consents",
        json!({"purposes": {"newsletter": true}, "until": in_days(3_000)}),
    )
    .await;
    let later = app
        .decide(json!({"subject": "eli", "purpose": "newsletter", "at": in_days(730)}))
        .await;
    assert_eq!(reasons(&later), ["consent-expired"]);

    // An end in the past, too far ahead, or with nothing given is refused,
    // and nothing is recorded.
    for (body, what) in [
        (
            json!({"purposes": {"newsletter": true}, "until": in_days(-1)}),
            "not after",
        ),
        (
            json!({"purposes": {"newsletter": true}, "until": in_days(4_000)}),
            "ten years",
        ),
        (
            json!({"purposes": {"newsletter": false}, "until": in_days(30)}),
            "none is given",
        ),
    ] {
        let refused = app.post("/v1/subjects/fay/consents", body).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.body["error"]["field"], "until", "{}", refused.body);
        let message = refused.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(what), "{message}");
    }
    let history = app.get("/v1/subjects/fay/events").await;
    assert_eq!(history.body["events"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn a_material_change_to_a_purpose_asks_for_consent_again() {
    // promise: AGENCY-01 — a new material version of the policy asks again.
    let app = TestApp::sqlite(NEWSLETTER).await;
    app.post(
        "/v1/subjects/ivy/consents",
        json!({"purposes": {"newsletter": true}}),
    )
    .await;
    let query =
        json!({"subject": "ivy", "purpose": "newsletter", "categories": ["user.contact.email"]});
    assert_eq!(app.decide(query.clone()).await["allowed"], true);

    // Version 2 lets the newsletter use the IP address too: a material change.
    let v2 = NEWSLETTER
        .replace("version: \"1.0\"", "version: \"2.0\"")
        .replace("  - {id: user.contact.email, name: E-mail address}", "  - {id: user.contact.email, name: E-mail address}\n  - {id: user.device.ip_address, name: IP address}")
        .replace("    categories: [user.contact]\nretention", "    categories: [user.contact, user.device]\nretention");
    let app = app.restart(&v2).await.expect("version 2 starts");
    let stale = app.decide(query.clone()).await;
    assert_eq!(reasons(&stale), ["consent-renewal-needed"], "{stale}");
    let policy = app.get("/v1/policy").await;
    assert_eq!(policy.body["reconsent"][0]["purpose"], "newsletter");
    assert_eq!(policy.body["reconsent"][0]["version"], "2.0");

    app.post(
        "/v1/subjects/ivy/consents",
        json!({"purposes": {"newsletter": true}}),
    )
    .await;
    assert_eq!(
        app.decide(query).await["allowed"],
        true,
        "a consent given to the new text counts"
    );
    let versions = app.get("/v1/policy/versions").await;
    let listed: Vec<(&str, bool)> = versions.body["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_str().unwrap(),
                v["in_force"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(listed, [("1.0", false), ("2.0", true)]);

    // The same version with another text is refused: a version means one text.
    let edited = v2.replace("Our newsletter", "Our weekly newsletter");
    let refused = app.restart(&edited).await.err().expect("refused");
    assert!(
        refused
            .to_string()
            .contains("already recorded with different text"),
        "{refused}"
    );
}

#[tokio::test]
async fn errors_say_what_where_and_how_to_fix_it() {
    let app = TestApp::sqlite(&example("course-shop")).await;
    let key = app.admin.clone();

    let raw = |body: &'static str, content_type: &'static str| {
        Request::builder()
            .method(Method::POST)
            .uri("/v1/decisions")
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap()
    };
    let syntax = app
        .send(raw(
            "{\"purpose\": \"x\",\n \"categories\": [}",
            "application/json",
        ))
        .await;
    assert_eq!(syntax.status, StatusCode::BAD_REQUEST);
    assert_eq!(syntax.body["error"]["code"], "invalid_json");
    assert_eq!(syntax.body["error"]["line"], 2);

    let shape = app
        .send(raw(
            "{\"queries\": [{\"purpose\": \"x\"}, {\"purpse\": \"y\"}]}",
            "application/json",
        ))
        .await;
    assert_eq!(shape.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(shape.body["error"]["code"], "invalid_request");
    assert_eq!(shape.body["error"]["field"], "queries[1].purpse");
    assert!(
        shape.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `purpse`")
    );

    let media = app.send(raw("{}", "text/plain")).await;
    assert_eq!(media.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(media.body["error"]["code"], "unsupported_media_type");

    let big = "x".repeat(2 * 1024 * 1024);
    let large = app
        .send(raw(
            Box::leak(format!("{{\"purpose\": \"{big}\"}}").into_boxed_str()),
            "application/json",
        ))
        .await;
    assert_eq!(large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(large.body["error"]["code"], "payload_too_large");

    let typo = app
        .post(
            "/v1/subjects/dan/consents",
            json!({"purposes": {"promotional_messsages": true}}),
        )
        .await;
    assert_eq!(typo.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(typo.body["error"]["code"], "unknown_purpose");
    assert_eq!(
        typo.body["error"]["field"],
        "purposes.promotional_messsages"
    );
    assert_eq!(
        typo.body["error"]["hint"],
        "did you mean `promotional_messages`?"
    );

    let contract = app
        .post(
            "/v1/subjects/dan/consents",
            json!({"purposes": {"provide_services": false}}),
        )
        .await;
    assert_eq!(contract.body["error"]["code"], "purpose_not_consent_based");
    assert!(
        app.get("/v1/subjects/dan").await.status == StatusCode::NOT_FOUND,
        "a refused write records nothing"
    );

    let route = app.get("/v1/nope").await;
    assert_eq!(
        (route.status, route.body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let method = app
        .call(
            Method::PUT,
            "/v1/decisions",
            Some(&app.admin.clone()),
            Some(json!({})),
        )
        .await;
    assert_eq!(method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(method.body["error"]["code"], "method_not_allowed");

    let nobody = app.get("/v1/subjects/nobody").await;
    assert_eq!(nobody.body["error"]["code"], "subject_not_found");
    assert_eq!(
        nobody.body["error"]["docs"],
        "docs/errors.md#subject_not_found"
    );
}

#[tokio::test]
async fn retries_with_the_same_event_id_are_recorded_once() {
    let app = TestApp::sqlite(&example("course-shop")).await;
    let body = json!({"id": "banner-choice-81", "purposes": {"promotional_messages": true}});
    let first = app.post("/v1/subjects/erin/consents", body.clone()).await;
    let again = app.post("/v1/subjects/erin/consents", body).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(
        first.body["events"][0]["seq"],
        again.body["events"][0]["seq"]
    );
    assert_eq!(app.get("/v1/subjects/erin").await.body["events"], 1);

    let conflict = app
        .post(
            "/v1/subjects/erin/consents",
            json!({"id": "banner-choice-81", "purposes": {"promotional_messages": false}}),
        )
        .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT, "{}", conflict.body);
    assert_eq!(conflict.body["error"]["code"], "event_conflict");
}

#[tokio::test]
async fn preferences_guardians_attributes_and_purchases() {
    let app = TestApp::sqlite(&example("course-shop")).await;
    let pref = app
        .post(
            "/v1/subjects/fay/preferences",
            json!({"channels": {"sms": false, "email": true}}),
        )
        .await;
    assert_eq!(pref.status, StatusCode::CREATED, "{}", pref.body);
    assert_eq!(pref.body["state"]["channel_opt_outs"], json!(["sms"]));
    assert_eq!(
        pref.body["events"].as_array().unwrap().len(),
        2,
        "one event per channel"
    );

    // One kind of message off by one channel (SHOP-04).
    let surveys = app
        .post(
            "/v1/subjects/fay/preferences",
            json!({"channels": {"email": false}, "communication": "surveys"}),
        )
        .await;
    assert_eq!(surveys.status, StatusCode::CREATED, "{}", surveys.body);
    assert_eq!(
        surveys.body["state"]["communication_opt_outs"],
        json!([{"communication": "surveys", "channel": "email"}])
    );
    assert_eq!(surveys.body["state"]["channel_opt_outs"], json!(["sms"]));
    for (body, field) in [
        (
            json!({"channels": {"email": false}, "communication": "survey"}),
            "communication",
        ),
        (
            json!({"channels": {"email": false}, "communication": "account_email"}),
            "communication",
        ),
        (
            json!({"channels": {"push": false}, "communication": "surveys"}),
            "channels",
        ),
    ] {
        let refused = app.post("/v1/subjects/fay/preferences", body.clone()).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(refused.body["error"]["field"], field, "{}", refused.body);
    }

    let link = app
        .post(
            "/v1/subjects/kid-1/guardians",
            json!({"guardian": "fay", "verified": true}),
        )
        .await;
    assert_eq!(link.status, StatusCode::CREATED);
    assert_eq!(link.body["state"]["parental_consent_verified"], true);
    let own = app
        .post("/v1/subjects/fay/guardians", json!({"guardian": "fay"}))
        .await;
    assert_eq!(own.body["error"]["field"], "guardian");
    let children = app.get("/v1/subjects/fay/children").await;
    assert_eq!(children.body[0]["child"], "kid-1", "{}", children.body);
    assert_eq!(children.body[0]["verified"], true);
    // The link ends: no longer a guardian, no verified consent left.
    let ended = app
        .call(
            Method::DELETE,
            "/v1/subjects/kid-1/guardians/fay",
            Some(&app.admin.clone()),
            None,
        )
        .await;
    assert_eq!(ended.status, StatusCode::CREATED, "{}", ended.body);
    assert_eq!(ended.body["events"][0]["type"], "guardian_unlinked");
    assert_eq!(ended.body["state"]["parental_consent_verified"], false);
    assert_eq!(app.get("/v1/subjects/fay/children").await.body, json!([]));

    let attrs = app
        .call(
            Method::PATCH,
            "/v1/subjects/fay",
            Some(&app.admin.clone()),
            Some(json!({"jurisdiction": "FR", "birth_date": "1990-02-03"})),
        )
        .await;
    assert_eq!(attrs.status, StatusCode::CREATED, "{}", attrs.body);
    assert_eq!(attrs.body["state"]["jurisdiction"], "FR");
    let bad = app
        .call(
            Method::PATCH,
            "/v1/subjects/fay",
            Some(&app.admin.clone()),
            Some(json!({"jurisdiction": "France"})),
        )
        .await;
    assert_eq!(
        (
            bad.body["error"]["code"].as_str(),
            bad.body["error"]["field"].as_str()
        ),
        (Some("invalid_request"), Some("jurisdiction"))
    );

    let bought = app.post("/v1/subjects/fay/purchases", json!({})).await;
    assert_eq!(bought.body["state"]["customer"], true);

    let list = app.get("/v1/subjects?limit=1").await;
    assert_eq!(list.body["subjects"].as_array().unwrap().len(), 1);
    let next = list.body["next"].as_str().expect("a next page");
    let rest = app.get(&format!("/v1/subjects?after={next}")).await;
    let ids: Vec<&str> = rest.body["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["subject"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["kid-1"]);
}

#[tokio::test]
async fn the_policy_and_its_versions_are_served() {
    let app = TestApp::sqlite(&example("course-shop")).await;
    let policy = app.get("/v1/policy").await;
    assert_eq!(policy.status, StatusCode::OK);
    assert_eq!(policy.body["id"], "course-shop");
    assert_eq!(
        policy.body["policy"]["purposes"][0]["id"],
        "provide_services"
    );
    let versions = app.get("/v1/policy/versions").await;
    assert_eq!(versions.body["versions"][0]["in_force"], true);
    let text = app.get("/v1/policy/versions/1").await;
    assert!(text.body["text"].as_str().unwrap().contains("course-shop"));
    assert_eq!(
        app.get("/v1/policy/versions/9").await.body["error"]["code"],
        "policy_version_not_found"
    );
}

#[tokio::test]
async fn the_ledger_verifies_over_the_api() {
    let app = TestApp::sqlite(&example("course-shop")).await;
    app.post(
        "/v1/subjects/gus/consents",
        json!({"purposes": {"promotional_messages": true}}),
    )
    .await;
    let head = app.get("/v1/ledger/head").await;
    assert_eq!(head.body["seq"], 1);
    let verified = app.get("/v1/ledger/verify").await;
    assert_eq!(verified.status, StatusCode::OK);
    assert_eq!(verified.body["intact"], true, "{}", verified.body);
    let all = app.get("/v1/ledger/events").await;
    assert_eq!(all.body["events"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn keys_are_created_used_and_revoked() {
    let app = TestApp::sqlite(&example("course-shop")).await;
    let created = app
        .post(
            "/v1/keys",
            json!({"name": "checkout", "scopes": ["decide"]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let token = created.body["token"].as_str().unwrap().to_owned();
    let id = created.body["id"].as_str().unwrap().to_owned();

    let ok = app
        .call(
            Method::POST,
            "/v1/decisions",
            Some(&token),
            Some(json!({"purpose": "provide_services"})),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let forbidden = app
        .call(Method::GET, "/v1/policy", Some(&token), None)
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_eq!(forbidden.body["error"]["code"], "insufficient_scope");

    let listed = app.get("/v1/keys").await;
    assert!(
        !listed
            .body
            .to_string()
            .contains(token.rsplit('_').next().unwrap()),
        "secrets are never listed"
    );

    let revoked = app
        .call(
            Method::DELETE,
            &format!("/v1/keys/{id}"),
            Some(&app.admin.clone()),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    let after = app
        .call(
            Method::POST,
            "/v1/decisions",
            Some(&token),
            Some(json!({"purpose": "provide_services"})),
        )
        .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.body["error"]["code"], "invalid_api_key");

    let bad = app
        .post("/v1/keys", json!({"name": "x", "scopes": ["decde"]}))
        .await;
    assert_eq!(
        (
            bad.body["error"]["code"].as_str(),
            bad.body["error"]["hint"].as_str()
        ),
        (Some("unknown_scope"), Some("did you mean `decide`?"))
    );
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::sqlite(&example("course-shop")).await;
    let health = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(health.body["status"], "ok");
    let ready = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);
    assert_eq!(ready.body["policy_version"], "1");
    app.decide(json!({"purpose": "provide_services"})).await;
    let metrics = app.call(Method::GET, "/metrics", None, None).await;
    let text = metrics.body.as_str().expect("text");
    assert!(text.contains("vow_decisions_total"), "{text}");
    assert!(text.contains("vow_http_requests_total"));
    let id = app.call(Method::GET, "/healthz", None, None).await;
    assert!(id.headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn the_same_api_runs_on_postgresql() {
    let app = TestApp::postgres(&example("course-shop")).await;
    app.post(
        "/v1/subjects/hal/consents",
        json!({"purposes": {"promotional_messages": true}}),
    )
    .await;
    let d = app
        .decide(json!({"subject": "hal", "purpose": "promotional_messages"}))
        .await;
    assert_eq!(d["allowed"], true);
    assert_eq!(app.get("/v1/ledger/verify").await.body["intact"], true);
}

/// An organisation links the e-mail addresses and phone numbers it knows
/// to its own subject ids; the ledger keeps only keyed digests of them,
/// and a lookup finds the subject by any spelling of the address.
#[tokio::test]
async fn identities_name_subjects_without_the_ledger_holding_them() {
    let app = TestApp::sqlite(&example("course-shop")).await;
    let linked = app
        .post(
            "/v1/subjects/cust-42/identities",
            json!({"kind": "email", "value": " Ada.Lovelace@Example.ORG "}),
        )
        .await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.body);
    let event = &linked.body["events"][0];
    assert_eq!(event["type"], "identity_linked");
    assert_eq!(event["identity"], "email");
    assert_eq!(event["value"].as_str().map(str::len), Some(64), "a digest");
    let ledger = app.get("/v1/ledger/events").await;
    assert!(
        !ledger.body.to_string().to_lowercase().contains("lovelace"),
        "the ledger holds no address: {}",
        ledger.body
    );
    let lookup = |kind: &str, value: &str| {
        app.post(
            "/v1/identities/lookup",
            json!({"kind": kind, "value": value}),
        )
    };
    let owner = lookup("email", "ada.lovelace@example.org").await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.body);
    assert_eq!(owner.body["subject"], "cust-42");

    // A phone number, by its digits; an identity moves when linked again.
    app.post(
        "/v1/subjects/cust-42/identities",
        json!({"kind": "phone", "value": "+44 20 7946 0018"}),
    )
    .await;
    let owner = lookup("phone", "+442079460018").await;
    assert_eq!(owner.body["subject"], "cust-42");
    app.post(
        "/v1/subjects/cust-77/identities",
        json!({"kind": "email", "value": "ada.lovelace@example.org"}),
    )
    .await;
    let owner = lookup("email", "ada.lovelace@example.org").await;
    assert_eq!(owner.body["subject"], "cust-77");

    // Unlinked, it names no one; bad input says what and where.
    let unlinked = app
        .post(
            "/v1/subjects/cust-77/identities/unlink",
            json!({"kind": "email", "value": "ada.lovelace@example.org"}),
        )
        .await;
    assert_eq!(unlinked.status, StatusCode::CREATED, "{}", unlinked.body);
    let gone = lookup("email", "ada.lovelace@example.org").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.body["error"]["code"], "identity_not_found");
    let bad = app
        .post(
            "/v1/subjects/cust-42/identities",
            json!({"kind": "email", "value": "not an address"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["error"]["field"], "value");
    let fax = lookup("fax", "123").await;
    assert_eq!(fax.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", fax.body);
    assert_eq!(fax.body["error"]["field"], "kind");
}
