//! A consent given with an end of its own (`ConsentRecord::until`: a
//! campaign's end, "for one year"), besides the purpose's lifetime: the
//! earlier end wins, and the reason says which one passed (issue 12 §4).

use chrono::{DateTime, Duration, TimeZone, Utc};
use vow_engine::{CompiledPolicy, ConsentRecord, Query, SubjectState, compile, decide};

/// One opt-in purpose whose consents last 12 months, one soft opt-in
/// purpose without a lifetime.
const POLICY: &str = r#"
vow: 1
policy: {id: ends, version: "1", title: Privacy policy, effective: 2026-01-05}
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
  - id: offers
    name: Offers on what you bought
    tags: [marketing, direct_marketing]
    basis: legitimate_interests
    consent:
      model: soft_opt_in
      soft_opt_in: {requires: purchase, scope: "similar products"}
      withdrawal: [{method: unsubscribe_link}]
    categories: [user.contact]
retention:
  - {id: contact, categories: [user.contact], keep: {for: 2 years}}
notice: {mode: advance, period: 7 business days, channels: [site]}
"#;

fn policy() -> CompiledPolicy {
    compile(
        &vow_policy::check("ends.yaml", POLICY)
            .unwrap_or_else(|r| panic!("{}", r.render(false)))
            .policy,
    )
}

fn given() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

fn person(purpose: &str, until: Option<DateTime<Utc>>) -> SubjectState {
    let mut s = SubjectState {
        jurisdiction: Some("FR".into()),
        ..Default::default()
    };
    s.consents.insert(
        purpose.into(),
        ConsentRecord {
            given: true,
            at: given(),
            policy_version: "1".into(),
            until,
        },
    );
    s
}

fn rules(d: &vow_engine::Decision) -> Vec<&'static str> {
    d.reasons.iter().map(|r| r.rule).collect()
}

fn ask(purpose: &str) -> Query<'_> {
    Query {
        purpose,
        ..Default::default()
    }
}

#[test]
fn a_consent_for_a_campaign_ends_with_it() {
    // promise: SHOP-06 — consent records expire and are asked again.
    let p = policy();
    let end = given() + Duration::days(30);
    let s = person("newsletter", Some(end));
    let before = decide(&p, &s, &ask("newsletter"), end - Duration::seconds(1));
    assert!(before.allowed, "{before:?}");
    assert_eq!(rules(&before), ["consent-given"]);
    // From the end on, it no longer counts.
    for at in [end, end + Duration::days(1)] {
        let after = decide(&p, &s, &ask("newsletter"), at);
        assert!(!after.allowed);
        assert_eq!(rules(&after), ["consent-ended"]);
        assert_eq!(
            after.reasons[0].message.to_string(),
            "the consent to `newsletter` given on 2026-03-01 ended on 2026-03-31, \
             as agreed when it was given; ask again"
        );
    }
}

#[test]
fn the_earlier_of_the_own_end_and_the_lifetime_wins() {
    // promise: SHOP-06
    let p = policy();
    // An end after the 12-month lifetime: the lifetime ends the consent first.
    let s = person("newsletter", Some(given() + Duration::days(900)));
    let at = given() + Duration::days(400);
    assert_eq!(
        rules(&decide(&p, &s, &ask("newsletter"), at)),
        ["consent-expired"]
    );
    // Past both ends, the reason is still the one that came first.
    let at = given() + Duration::days(1_000);
    assert_eq!(
        rules(&decide(&p, &s, &ask("newsletter"), at)),
        ["consent-expired"]
    );
    // An end before the lifetime: the consent's own end, even past both.
    let s = person("newsletter", Some(given() + Duration::days(100)));
    for days in [101, 400] {
        let at = given() + Duration::days(days);
        assert_eq!(
            rules(&decide(&p, &s, &ask("newsletter"), at)),
            ["consent-ended"]
        );
    }
    // Without an end of its own, the lifetime alone.
    let s = person("newsletter", None);
    let within = given() + Duration::days(300);
    assert!(decide(&p, &s, &ask("newsletter"), within).allowed);
}

#[test]
fn an_ended_consent_leaves_a_soft_opt_in_to_the_customer_relationship() {
    let p = policy();
    let end = given() + Duration::days(10);
    let mut s = person("offers", Some(end));
    let during = decide(&p, &s, &ask("offers"), end - Duration::days(1));
    assert_eq!(rules(&during), ["consent-given"]);
    // After it, no consent counts: a stranger is asked, a customer is not.
    let after = decide(&p, &s, &ask("offers"), end);
    assert_eq!(rules(&after), ["consent-missing"]);
    s.customer = true;
    let customer = decide(&p, &s, &ask("offers"), end);
    assert!(customer.allowed);
    assert_eq!(rules(&customer), ["soft-opt-in"]);
}
