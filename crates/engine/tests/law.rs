//! The law underneath the policy: decisions follow the statute of the
//! person's jurisdiction where the policy is silent or weaker (issue 12).

use chrono::{DateTime, TimeZone, Utc};
use vow_engine::{CompiledPolicy, ConsentRecord, Context, Query, SubjectState, compile, decide};

fn policy(name: &str) -> CompiledPolicy {
    let path = format!(
        "{}/../../examples/{name}/policy.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("example");
    compile(
        &vow_policy::check(&path, &text)
            .expect("example checks")
            .policy,
    )
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
}

fn now() -> DateTime<Utc> {
    at(2026, 11, 24)
}

fn q<'a>(purpose: &'a str, categories: &'a [&'a str]) -> Query<'a> {
    Query {
        purpose,
        categories,
        ..Default::default()
    }
}

fn rules(d: &vow_engine::Decision) -> Vec<&'static str> {
    d.reasons.iter().map(|r| r.rule).collect()
}

/// Someone of `age` on `now()` in `place`, who consented to `purpose`.
fn person(place: &str, age: i32, purpose: &str) -> SubjectState {
    let mut s = SubjectState {
        jurisdiction: Some(place.into()),
        birth_date: chrono::NaiveDate::from_ymd_opt(2026 - age, 1, 1),
        ..Default::default()
    };
    s.consents.insert(
        purpose.into(),
        ConsentRecord {
            given: true,
            at: now() - chrono::Duration::days(3),
            policy_version: "1".into(),
            until: None,
        },
    );
    s
}

#[test]
fn a_child_consents_alone_only_from_the_age_their_country_sets() {
    // The course shop sets no age at all: the law of each country does.
    let shop = policy("course-shop");
    let marketing = q("promotional_messages", &["user.contact.email"]);
    // France: 15 (Loi 78-17, Art. 45).
    let d = decide(
        &shop,
        &person("FR", 14, "promotional_messages"),
        &marketing,
        now(),
    );
    assert!(
        !d.allowed && rules(&d) == ["parental-consent-required-by-law"],
        "{d:?}"
    );
    assert!(
        d.reasons[0].message.to_string().contains("Art. 45"),
        "{d:?}"
    );
    let d = decide(
        &shop,
        &person("FR", 15, "promotional_messages"),
        &marketing,
        now(),
    );
    assert!(d.allowed, "{d:?}");
    // Germany keeps the GDPR's 16; the United Kingdom set 13.
    assert!(
        !decide(
            &shop,
            &person("DE", 15, "promotional_messages"),
            &marketing,
            now()
        )
        .allowed
    );
    assert!(
        decide(
            &shop,
            &person("GB", 13, "promotional_messages"),
            &marketing,
            now()
        )
        .allowed
    );
    // Art. 8 reaches what relies on consent: a contract does not need a parent.
    let support = q("customer_support", &["user.contact.email"]);
    assert!(decide(&shop, &person("FR", 14, "x"), &support, now()).allowed);
    // A parent's verified consent opens it.
    let mut child = person("FR", 14, "promotional_messages");
    child.parental_consent_verified = true;
    assert!(decide(&shop, &child, &marketing, now()).allowed);
}

#[test]
fn the_older_of_the_policy_and_the_law_wins() {
    // promise: KIDS-03 — the franchise asks a parent below 13; in France
    // the law asks up to 15, in Spain up to 14.
    let kids = policy("kids-coding-franchise");
    let location = q("location_features", &["user.location.precise"]);
    let fr = person("FR", 14, "location_features");
    let d = decide(&kids, &fr, &location, now());
    assert!(
        rules(&d).contains(&"parental-consent-required-by-law"),
        "{d:?}"
    );
    // The policy's own rule already asks below 13: no second reason.
    let d = decide(
        &kids,
        &person("FR", 12, "location_features"),
        &location,
        now(),
    );
    assert!(rules(&d).contains(&"parental-consent-missing"), "{d:?}");
    assert!(
        !rules(&d).contains(&"parental-consent-required-by-law"),
        "{d:?}"
    );
}

#[test]
fn coppa_reaches_everything_about_a_child_in_the_united_states() {
    let shop = policy("course-shop");
    let support = q("customer_support", &["user.contact.email"]);
    let d = decide(&shop, &person("US-NY", 12, "x"), &support, now());
    assert!(
        !d.allowed && rules(&d) == ["parental-consent-required-by-law"],
        "{d:?}"
    );
    assert!(d.reasons[0].message.to_string().contains("16 CFR"), "{d:?}");
    assert!(decide(&shop, &person("US-NY", 13, "x"), &support, now()).allowed);
    // Where vow knows no statutory age, the policy alone decides.
    assert!(decide(&shop, &person("JP", 10, "x"), &support, now()).allowed);
}

#[test]
fn gpc_is_honoured_where_a_state_law_requires_it_from_its_date() {
    // The IoT platform states no GPC stance; Colorado's law binds from
    // 1 July 2024, Virginia's never asks for it.
    let iot = policy("iot-platform");
    let ads = Query {
        context: Context {
            gpc: true,
            ..Default::default()
        },
        ..q("cross_site_advertising", &["user.device.cookie_id"])
    };
    let adult = |place: &str| SubjectState {
        jurisdiction: Some(place.into()),
        birth_date: "1980-01-01".parse().ok(),
        ..Default::default()
    };
    let d = decide(&iot, &adult("US-CO"), &ads, now());
    assert!(!d.allowed && rules(&d) == ["gpc-opt-out"], "{d:?}");
    assert!(
        d.reasons[0]
            .message
            .to_string()
            .contains("Colorado Privacy Act"),
        "{d:?}"
    );
    assert!(decide(&iot, &adult("US-CO"), &ads, at(2024, 6, 30)).allowed);
    assert!(decide(&iot, &adult("US-VA"), &ads, now()).allowed);
    // Without the signal nothing changes.
    let quiet = q("cross_site_advertising", &["user.device.cookie_id"]);
    assert!(decide(&iot, &adult("US-CO"), &quiet, now()).allowed);
}

#[test]
fn a_region_s_basis_covers_its_countries() {
    // `basis: {default: legitimate_interests, EU: consent}`: a person in
    // France is asked for consent, and the reason says so.
    let iot = policy("iot-platform");
    let cookies = q("site_cookies", &["user.device.cookie_id"]);
    let adult = SubjectState {
        jurisdiction: Some("FR".into()),
        birth_date: "1980-01-01".parse().ok(),
        ..Default::default()
    };
    let d = decide(&iot, &adult, &cookies, now());
    assert!(!d.allowed && rules(&d) == ["consent-missing"], "{d:?}");
    let i = iot.purpose("site_cookies").unwrap();
    let place = iot.place("FR").map(|(p, _)| p);
    assert_eq!(
        iot.purposes[i].rules_in(place).0,
        Some(vow_policy::LawfulBasis::Consent)
    );
    // A US subdivision the policy never names takes the country's rules.
    let us = iot.place("US-TX").map(|(_, code)| code);
    assert_eq!(us, Some("US"));
}
