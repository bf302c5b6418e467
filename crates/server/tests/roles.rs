//! Staff roles (AGENCY-09, IOT-08): a key that acts for a role of the
//! policy reads a person's state, history and export package only as far
//! as the role's `read` categories reach. Walks every role of every example
//! policy that declares roles.

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, example};
use serde_json::{Value, json};
use vow_policy::CategoryKey;
use vow_store::{Actor, ActorKind, EventKind, EventSource, Identity, IdentityKind};

/// The category of each state field (`docs/serve.md`, roles), written out
/// here again so that the test does not read the server's own table.
const FIELDS: &[(&str, &str)] = &[
    ("kind", "user.account"),
    ("jurisdiction", "user.location.imprecise"),
    ("birth_date", "user.demographic.date_of_birth"),
    ("consents", "user.privacy_preferences"),
    ("customer", "user.account"),
    ("restricted", "user.privacy_preferences"),
    ("objections", "user.privacy_preferences"),
    ("legal_holds", "user.account"),
];

fn reads(role: &vow_policy::AccessRole, category: &str) -> bool {
    let key = CategoryKey::parse(category).unwrap();
    role.read.iter().any(|r| key.is_within(r))
}

/// Whether a state field holds something (the field as JSON, not its default).
fn shown(state: &Value, field: &str) -> bool {
    match &state[field] {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

/// A person with something under every field: kind, place, birth date,
/// a consent, a purchase, a restriction, an objection, a hold, an e-mail.
async fn person(app: &TestApp, policy: &vow_policy::Policy, subject: &str) {
    let consent_purpose = policy
        .purposes
        .iter()
        .find(|p| {
            matches!(
                p.basis,
                vow_policy::BasisSpec::One(vow_policy::LawfulBasis::Consent)
            )
        })
        .expect("every example has a consent purpose")
        .id
        .to_string();
    let kinds = vec![
        EventKind::AttributesSet {
            jurisdiction: Some("FR".into()),
            birth_date: "1990-04-01".parse().ok(),
            kind: policy.subjects.first().map(|k| k.id.to_string()),
            attributes: Default::default(),
        },
        EventKind::ConsentGiven {
            purpose: consent_purpose.clone(),
            until: None,
        },
        EventKind::PurchaseRecorded,
        EventKind::ObjectionRecorded {
            purpose: Some(consent_purpose),
        },
        EventKind::HoldPlaced {
            hold: "case-7".into(),
        },
        EventKind::IdentityLinked {
            identity: IdentityKind::Email,
            value: Identity::parse(IdentityKind::Email, "sam@example.org")
                .unwrap()
                .stored(&app.state.identities),
        },
        EventKind::RestrictionPlaced,
    ];
    let staff = Actor {
        kind: ActorKind::Staff,
        id: "front-desk".into(),
    };
    app.state
        .record(
            app.state
                .events_by(subject, staff, EventSource::default(), kinds),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn every_role_reads_only_its_categories() {
    // promise: AGENCY-09, IOT-08
    let mut walked = 0;
    for name in ["dev-agency", "iot-platform"] {
        let text = example(name);
        let policy = vow_policy::check(name, &text).unwrap().policy;
        assert!(!policy.roles.is_empty(), "{name} declares roles");
        let app = TestApp::sqlite(&text).await;
        person(&app, &policy, "sam").await;
        let admin = app.admin.clone();
        let all_events = app
            .call(Method::GET, "/v1/subjects/sam/events", Some(&admin), None)
            .await;
        let total = all_events.body["events"].as_array().unwrap().len();
        assert!(all_events.body.get("withheld").is_none());

        for role in &policy.roles {
            let created = app
                .call(
                    Method::POST,
                    "/v1/keys",
                    Some(&admin),
                    Some(json!({"name": format!("{} desk", role.id), "scopes": ["read"], "role": role.id})),
                )
                .await;
            assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
            assert_eq!(created.body["role"], role.id.as_str());
            let token = created.body["token"].as_str().unwrap().to_owned();

            let view = app
                .call(Method::GET, "/v1/subjects/sam", Some(&token), None)
                .await;
            assert_eq!(view.status, StatusCode::OK, "{}", view.body);
            let withheld: Vec<&str> = view.body["withheld"]["fields"]
                .as_array()
                .map(|a| a.iter().map(|f| f.as_str().unwrap()).collect())
                .unwrap_or_default();
            assert_eq!(view.body["withheld"]["role"], role.id.as_str());
            for (field, category) in FIELDS {
                let may = reads(role, category);
                assert_eq!(
                    shown(&view.body["state"], field),
                    may,
                    "{name}: role {} and field {field} ({category}): {}",
                    role.id,
                    view.body
                );
                assert_eq!(
                    withheld.contains(field),
                    !may,
                    "{name}/{}: {field}",
                    role.id
                );
            }

            let history = app
                .call(Method::GET, "/v1/subjects/sam/events", Some(&token), None)
                .await;
            let events = history.body["events"].as_array().unwrap();
            for event in events {
                let category = match event["type"].as_str().unwrap() {
                    "attributes_set" => vec![
                        "user.location.imprecise",
                        "user.demographic.date_of_birth",
                        "user.account",
                    ],
                    "consent_given" | "objection_recorded" | "restriction_placed" => {
                        vec!["user.privacy_preferences"]
                    }
                    "identity_linked" => vec!["user.contact.email"],
                    _ => vec!["user.account"],
                };
                assert!(
                    category.iter().all(|c| reads(role, c)),
                    "{name}/{} was shown {event}",
                    role.id
                );
            }
            assert_eq!(
                events.len() + history.body["withheld"]["events"].as_u64().unwrap_or(0) as usize,
                total
            );

            // A package holds every category: only a role that reads them all takes it.
            let export = app
                .call(Method::GET, "/v1/requests/nope/export", Some(&token), None)
                .await;
            let reads_all = policy.categories.iter().all(|c| reads(role, c.id.as_str()));
            if reads_all {
                assert_eq!(export.status, StatusCode::NOT_FOUND, "{}", export.body);
            } else {
                assert_eq!(export.status, StatusCode::FORBIDDEN, "{}", export.body);
                assert_eq!(export.body["error"]["code"], "role_cannot_read");
            }
            walked += 1;
        }

        // A role the policy does not declare is refused, with the roles it has.
        let unknown = app
            .call(
                Method::POST,
                "/v1/keys",
                Some(&admin),
                Some(json!({"name": "x", "scopes": ["read"], "role": "janitor"})),
            )
            .await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(unknown.body["error"]["code"], "unknown_role");
        assert_eq!(unknown.body["error"]["field"], "role");
        let listed = app.call(Method::GET, "/v1/keys", Some(&admin), None).await;
        let with_roles = listed.body["keys"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k.get("role").is_some())
            .count();
        assert_eq!(with_roles, policy.roles.len());
    }
    assert_eq!(walked, 4, "two roles in each of two policies");
}

/// dev-agency's support staff, concretely: they see the account (kind,
/// purchases) but not the birth date, the place or the person's choices.
#[tokio::test]
async fn support_staff_do_not_see_the_birth_date_or_consents() {
    // promise: AGENCY-09
    let text = example("dev-agency");
    let policy = vow_policy::check("dev-agency", &text).unwrap().policy;
    let app = TestApp::sqlite(&text).await;
    person(&app, &policy, "ana").await;
    let created = app
        .call(
            Method::POST,
            "/v1/keys",
            Some(&app.admin.clone()),
            Some(json!({"name": "support", "scopes": ["read"], "role": "support_staff"})),
        )
        .await;
    let token = created.body["token"].as_str().unwrap().to_owned();
    let view = app
        .call(Method::GET, "/v1/subjects/ana", Some(&token), None)
        .await;
    let state = &view.body["state"];
    assert_eq!(state["customer"], true);
    assert!(state.get("birth_date").is_none_or(Value::is_null));
    assert_eq!(state["consents"], json!({}));
    assert_eq!(state["restricted"], false);
    let fields = &view.body["withheld"]["fields"];
    for f in ["birth_date", "jurisdiction", "consents", "restricted"] {
        assert!(fields.as_array().unwrap().contains(&json!(f)), "{fields}");
    }
}
