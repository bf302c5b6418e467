//! Every endpoint of the OpenAPI description, walked with no key, a wrong
//! key and a key of each scope: 401 without a valid key, 403 without the
//! scope, success with it — and every answer matches the schema the
//! description gives for it. The list of endpoints is read from the
//! description itself, so a new endpoint is walked without editing this.

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, example};
use serde_json::{Value, json};
use utoipa::OpenApi;
use vow_server::auth::Scope;

/// A valid body for each operation that takes one.
fn body_for(method: &str, path: &str, banner: &Value) -> Option<Value> {
    Some(match (method, path) {
        ("post", "/v1/decisions") => {
            json!({"subject": "walker", "purpose": "marketing", "categories": ["user.contact.email"]})
        }
        ("post", "/v1/subjects/{subject}/consents") => json!({"purposes": {"marketing": true}}),
        ("post", "/v1/subjects/{subject}/preferences") => json!({"channels": {"email": false}}),
        ("post", "/v1/subjects/{subject}/memberships") => {
            json!({"membership": "licensed_institution"})
        }
        ("post", "/v1/subjects/{subject}/guardians") => {
            json!({"guardian": "parent-1", "verified": true})
        }
        ("post", "/v1/subjects/{subject}/purchases") => json!({}),
        ("post", "/v1/subjects/{subject}/identities")
        | ("post", "/v1/subjects/{subject}/identities/unlink")
        | ("post", "/v1/identities/lookup") => {
            json!({"kind": "email", "value": "Walker@Example.com"})
        }
        ("patch", "/v1/subjects/{subject}") => json!({"jurisdiction": "US"}),
        ("post", "/v1/keys") => json!({"name": "walked", "scopes": ["read"]}),
        ("post", "/v1/redact") => json!({"text": "card 4242 4242 4242 4242"}),
        ("post", "/v1/collections/{point}/check") => {
            json!({"categories": ["user.contact.name", "user.contact.email"]})
        }
        ("post", "/v1/requests") => {
            json!({"right": "access", "subject": "walker@example.com", "jurisdiction": "US"})
        }
        ("post", "/v1/requests/{request}/verify") => json!({"method": "account"}),
        ("post", "/v1/unsubscribe/headers") => {
            json!({"subject": "walker", "purpose": "marketing"})
        }
        ("post", "/v1/banner/consent") => json!({
            "visitor": "0193b8a2-7f3c-7d2e-9a55-5e1f00c0ffee",
            "choices": {"advertising": false},
            "text_hash": banner["text_hash"], "policy": banner["policy"]
        }),
        ("post", "/v1/requests/{request}/acknowledge") => json!({"told": "by phone"}),
        ("post", "/v1/requests/{request}/extend") => {
            json!({"reason": "the request is complex", "told": "by phone"})
        }
        ("post", "/v1/requests/{request}/deny") => {
            json!({"identity_not_verified": true, "told": "by letter"})
        }
        _ => return None,
    })
}

fn concrete(path: &str, key_id: &str, request: &str) -> String {
    path.replace("{subject}", "walker")
        .replace("{membership}", "licensed_institution")
        .replace("{version}", "2017-07-20")
        .replace("{id}", key_id)
        .replace("{request}", request)
        .replace("{guardian}", "parent-1")
        .replace("{point}", "contact_me")
}

/// Steps that close or move an open request get one of their own per call.
fn needs_open_request(path: &str) -> bool {
    path.ends_with("/extend") || path.ends_with("/deny") || path.ends_with("/acknowledge")
}

/// Checks `body` against the schema the description gives for this answer.
fn check_schema(spec: &Value, path: &str, method: &str, status: StatusCode, body: &Value) {
    let responses = &spec["paths"][path][method]["responses"];
    let code = status.as_u16().to_string();
    assert!(
        responses.get(&code).is_some(),
        "{method} {path} answered {status}, which its description does not list: {body}"
    );
    let pointer = format!(
        "/paths/{}/{method}/responses/{code}/content/application~1json/schema",
        path.replace('~', "~0").replace('/', "~1")
    );
    if spec.pointer(&pointer).is_none() {
        return; // Not JSON (metrics), or no body documented.
    }
    let mut schema = spec.clone();
    // A URI fragment: braces of path templates are percent-encoded.
    schema["$ref"] = json!(format!(
        "#{}",
        pointer.replace('{', "%7B").replace('}', "%7D")
    ));
    let validator = jsonschema::validator_for(&schema).expect("the description's schemas compile");
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} ({status}) does not match its schema: {errors:?}\n{body}"
    );
}

#[tokio::test]
async fn every_endpoint_checks_its_key_and_scope() {
    let app = TestApp::sqlite(&example("edtech-classroom")).await;
    let spec = serde_json::to_value(vow_server::openapi::ApiDoc::openapi()).unwrap();
    let banner = vow_server::banner::config(app.state.policy.policy());
    // Something to read.
    app.post(
        "/v1/subjects/walker/consents",
        json!({"purposes": {"marketing": true}}),
    )
    .await;

    // A request to show, verify and run.
    let opened = app
        .post(
            "/v1/requests",
            json!({"id": "req-walk", "right": "access", "subject": "walker@example.com", "jurisdiction": "US"}),
        )
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    // Answered, so that its package can be downloaded.
    let verified = app
        .post("/v1/requests/req-walk/verify", json!({"method": "account"}))
        .await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
    let ran = app.post("/v1/requests/req-walk/run", json!({})).await;
    assert_eq!(ran.body["status"], "completed", "{}", ran.body);

    let mut keys = Vec::new();
    for scope in Scope::ALL {
        let created = app
            .post(
                "/v1/keys",
                json!({"name": scope.as_str(), "scopes": [scope.as_str()]}),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED);
        keys.push((scope, created.body["token"].as_str().unwrap().to_owned()));
    }
    let wrong = format!("vow_{}_{}", "ffffffffffff", "0".repeat(64));

    let mut walked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let http = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let required: Option<Scope> = op
                .get("security")
                .and_then(|s| s[0]["api_key"][0].as_str())
                .map(|s| Scope::parse(s).expect("a known scope"));
            let body = body_for(method, path, &banner);
            if op.get("requestBody").is_some() && body.is_none() {
                panic!("{method} {path} takes a body: add one to body_for");
            }
            // A key to revoke, fresh for each call that revokes.
            let victim = || async {
                let k = app
                    .post("/v1/keys", json!({"name": "victim", "scopes": ["read"]}))
                    .await;
                k.body["id"].as_str().unwrap().to_owned()
            };
            let opened = std::cell::Cell::new(0);
            let url = || async {
                let request = if needs_open_request(path) {
                    opened.set(opened.get() + 1);
                    let id = format!("req-walk-{}-{}", walked, opened.get());
                    let made = app
                        .post(
                            "/v1/requests",
                            json!({"id": id, "right": "access", "subject": "walker@example.com", "jurisdiction": "GB"}),
                        )
                        .await;
                    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
                    id
                } else {
                    "req-walk".to_owned()
                };
                concrete(path, &victim().await, &request)
            };

            let Some(required) = required else {
                let answer = app
                    .call(http.clone(), &url().await, None, body.clone())
                    .await;
                assert!(
                    answer.status.is_success(),
                    "{method} {path} is public: {}",
                    answer.status
                );
                check_schema(&spec, path, method, answer.status, &answer.body);
                walked += 1;
                continue;
            };

            let target = url().await;
            let none = app.call(http.clone(), &target, None, body.clone()).await;
            assert_eq!(
                none.status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} without a key"
            );
            assert_eq!(none.body["error"]["code"], "missing_api_key");
            check_schema(&spec, path, method, none.status, &none.body);
            let bad = app
                .call(http.clone(), &target, Some(&wrong), body.clone())
                .await;
            assert_eq!(
                bad.status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with a wrong key"
            );
            assert_eq!(bad.body["error"]["code"], "invalid_api_key");

            for (scope, token) in &keys {
                let target = url().await;
                let answer = app
                    .call(http.clone(), &target, Some(token), body.clone())
                    .await;
                if *scope == required || *scope == Scope::Admin {
                    // Past the key check, sending a code needs an e-mail on
                    // file, and this app has no dataset to hold one
                    // (`tests/requests.rs` sends one).
                    // Nor does the walker's policy give more time than its
                    // own 30 days (`tests/requests.rs` extends under one that does).
                    let refused_on_its_merits = (path == "/v1/requests/{request}/code"
                        && answer.body["error"]["code"] == "invalid_request")
                        || (path == "/v1/requests/{request}/extend"
                            && answer.body["error"]["code"] == "invalid_transition")
                        // Walked before the identity is linked (`tests/api.rs` finds one).
                        || (path == "/v1/identities/lookup"
                            && answer.body["error"]["code"] == "identity_not_found");
                    assert!(
                        answer.status.is_success() || refused_on_its_merits,
                        "{method} {path} with scope {scope:?}: {} {}",
                        answer.status,
                        answer.body
                    );
                } else {
                    assert_eq!(
                        answer.status,
                        StatusCode::FORBIDDEN,
                        "{method} {path} with scope {scope:?}"
                    );
                    assert_eq!(answer.body["error"]["code"], "insufficient_scope");
                }
                check_schema(&spec, path, method, answer.status, &answer.body);
            }
            walked += 1;
        }
    }
    assert!(walked >= 20, "walked {walked} endpoints");
}
