//! The JSON of a serialised `Decision` is an API: its shape and every
//! sentence stay as they are. `golden/decisions.jsonl` holds 600 decisions
//! on the five examples (pseudo-random subjects and queries), as the engine
//! serialised them before decisions stopped formatting sentences eagerly;
//! set `VOW_BLESS=1` to rewrite it after a deliberate change.

use chrono::{TimeZone, Utc};
use vow_engine::{Action, ConsentRecord, Context, Query, SubjectState, compile, decide};
use vow_policy::Channel;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Per example.
const DECISIONS: usize = 120;

#[test]
fn serialised_decisions_keep_their_shape_and_wording() {
    let mut out = String::new();
    let places = [
        None,
        Some("FR"),
        Some("GB"),
        Some("US"),
        Some("US-CA"),
        Some("CA"),
        Some("UA"),
        Some("EU"),
        Some("DE"),
        Some("JP"),
    ];
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    for name in [
        "edtech-classroom",
        "dev-agency",
        "kids-coding-franchise",
        "course-shop",
        "iot-platform",
    ] {
        let path = format!(
            "{}/../../examples/{name}/policy.yaml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let policy = vow_policy::check(&path, &text).unwrap().policy;
        let mut compiled = compile(&policy);
        if let Some(p) = policy.purposes.first() {
            compiled.require_reconsent(p.id.as_str(), now - chrono::Duration::days(10));
        }
        let mut rng = Lcg(42);
        for _ in 0..DECISIONS {
            let np = policy.purposes.len();
            let purpose = if rng.next(20) == 0 {
                "undeclared_purpose".to_owned()
            } else {
                policy.purposes[rng.next(np)].id.to_string()
            };
            let nc = policy.categories.len();
            let mut cats: Vec<String> = (0..rng.next(4))
                .map(|_| policy.categories[rng.next(nc)].id.to_string())
                .collect();
            if rng.next(10) == 0 {
                cats.push("user".into());
            }
            if rng.next(10) == 0 {
                cats.push("user.contact".into());
            }
            if rng.next(20) == 0 {
                cats.push("user.nope".into());
            }
            let refs: Vec<&str> = cats.iter().map(String::as_str).collect();
            let recipient = if rng.next(2) == 0 || policy.recipients.is_empty() {
                None
            } else if rng.next(20) == 0 {
                Some("nobody".to_owned())
            } else {
                Some(
                    policy.recipients[rng.next(policy.recipients.len())]
                        .id
                        .to_string(),
                )
            };
            let communication = if rng.next(3) == 0 && !policy.communications.is_empty() {
                Some(
                    policy.communications[rng.next(policy.communications.len())]
                        .id
                        .to_string(),
                )
            } else if rng.next(30) == 0 {
                Some("no_comm".into())
            } else {
                None
            };
            let point = if rng.next(4) == 0 && !policy.collection_points.is_empty() {
                Some(
                    policy.collection_points[rng.next(policy.collection_points.len())]
                        .id
                        .to_string(),
                )
            } else if rng.next(40) == 0 {
                Some("no_point".into())
            } else {
                None
            };
            let channels = [
                None,
                Some(Channel::Email),
                Some(Channel::Sms),
                Some(Channel::InProduct),
            ];
            let action = [
                Action::Use,
                Action::Use,
                Action::Use,
                Action::Store,
                Action::Erase,
            ][rng.next(5)];
            let mut state = SubjectState {
                jurisdiction: places[rng.next(places.len())].map(str::to_owned),
                kind: [
                    None,
                    Some("parent"),
                    Some("customer"),
                    Some("student"),
                    Some("child"),
                ][rng.next(5)]
                .map(str::to_owned),
                birth_date: [
                    None,
                    Some("2016-03-01"),
                    Some("1985-01-01"),
                    Some("2010-11-25"),
                    Some("2012-11-24"),
                ][rng.next(5)]
                .and_then(|d| d.parse().ok()),
                customer: rng.next(2) == 0,
                parental_consent_verified: rng.next(2) == 0,
                restricted: rng.next(8) == 0,
                objects_to_direct_marketing: rng.next(8) == 0,
                ..Default::default()
            };
            if rng.next(3) == 0 {
                state.memberships = policy
                    .memberships
                    .iter()
                    .map(|m| m.id.to_string())
                    .collect();
            }
            if rng.next(10) == 0 {
                state.memberships.push("unknown_membership".into());
            }
            for _ in 0..rng.next(5) {
                let p = policy.purposes[rng.next(np)].id.to_string();
                let ages = [1, 30, 400, 800, 3000];
                state.consents.insert(
                    p,
                    ConsentRecord {
                        given: rng.next(3) != 0,
                        at: now - chrono::Duration::days(ages[rng.next(5)]),
                        policy_version: "1".into(),
                        until: None,
                    },
                );
            }
            if rng.next(6) == 0 {
                state.consents.insert(
                    purpose.clone(),
                    ConsentRecord {
                        given: true,
                        at: now - chrono::Duration::days(2),
                        policy_version: "1".into(),
                        until: None,
                    },
                );
            }
            if rng.next(8) == 0 {
                state.objections.push(purpose.clone());
            }
            if rng.next(6) == 0 {
                state.channel_opt_outs = vec![Channel::Email, Channel::Sms];
            }
            if rng.next(6) == 0 {
                state.legal_holds.push("case-1".into());
            }
            let q = Query {
                purpose: &purpose,
                categories: &refs,
                action,
                recipient: recipient.as_deref(),
                channel: channels[rng.next(4)],
                communication: communication.as_deref(),
                collection_point: point.as_deref(),
                topic: None,
                strict: false,
                context: Context {
                    jurisdiction: if rng.next(6) == 0 {
                        places[rng.next(places.len())]
                    } else {
                        None
                    },
                    gpc: rng.next(2) == 0,
                    dnt: rng.next(2) == 0,
                    ip: [
                        None,
                        "203.0.113.77".parse().ok(),
                        "2001:db8:abcd:12::1".parse().ok(),
                    ][rng.next(3)],
                },
            };
            let d = decide(&compiled, &state, &q, now);
            out.push_str(&serde_json::to_string(&d).unwrap());
            out.push('\n');
        }
    }
    let golden = format!(
        "{}/tests/golden/decisions.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("VOW_BLESS").is_some() {
        std::fs::write(&golden, &out).expect("write the golden file");
    }
    let expected = std::fs::read_to_string(&golden).expect("golden file");
    for (i, (got, want)) in out.lines().zip(expected.lines()).enumerate() {
        assert_eq!(got, want, "decision {i} (line {})", i + 1);
    }
    assert_eq!(out.lines().count(), expected.lines().count());
}

#[test]
fn an_allow_with_obligations_serialises_as_before() {
    let path = format!(
        "{}/../../examples/dev-agency/policy.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let policy = compile(&vow_policy::check(&path, &text).unwrap().policy);
    let visitor = SubjectState {
        jurisdiction: Some("UA".into()),
        ..Default::default()
    };
    let query = Query {
        purpose: "web_analytics",
        categories: &["user.device.ip_address"],
        recipient: Some("yandex_metrica"),
        context: Context {
            ip: "203.0.113.77".parse().ok(),
            ..Default::default()
        },
        ..Default::default()
    };
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    let json = serde_json::to_value(decide(&policy, &visitor, &query, now)).unwrap();
    let reason = &json["reasons"][0];
    assert_eq!(json["allowed"], true);
    assert!(
        reason["rule"].is_string()
            && reason["element"].is_string()
            && reason["promises"].is_array()
            && reason["message"].is_string(),
        "{json}"
    );
    assert_eq!(
        json["obligations"],
        serde_json::json!([
            {"type": "send_only", "categories": ["user.device.ip_address"]},
            {"type": "truncate_ip", "ipv4_prefix": 24, "ipv6_prefix": 48, "truncated": "203.0.113.0"},
            {"type": "aggregate_only"}
        ])
    );
}
