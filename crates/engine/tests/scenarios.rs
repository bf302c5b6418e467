//! One scenario per decision promise of PROMISES.md, on the example policies.

use chrono::{DateTime, TimeZone, Utc};
use vow_engine::{
    Action, CompiledPolicy, ConsentRecord, Context, Obligation, Query, SubjectState, compile,
    decide,
};
use vow_policy::Channel;

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

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
}

fn consent(given: bool) -> ConsentRecord {
    ConsentRecord {
        given,
        at: now() - chrono::Duration::days(30),
        policy_version: "1".into(),
        until: None,
    }
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

#[test]
fn edu_03_licensed_students_are_never_marketed_to() {
    // promise: EDU-03
    let p = policy("edtech-classroom");
    let mut student = SubjectState {
        jurisdiction: Some("US".into()),
        memberships: vec!["licensed_institution".into()],
        ..Default::default()
    };
    student.consents.insert("marketing".into(), consent(true));
    let d = decide(
        &p,
        &student,
        &q("marketing", &["user.contact.email"]),
        now(),
    );
    assert!(
        !d.allowed && rules(&d).contains(&"membership-denies"),
        "{d:?}"
    );
    assert!(
        d.reasons
            .iter()
            .any(|r| r.promises.contains(&"EDU-03".to_owned()))
    );
    // When the membership ends, marketing is allowed again.
    student.memberships.clear();
    assert!(
        decide(
            &p,
            &student,
            &q("marketing", &["user.contact.email"]),
            now()
        )
        .allowed
    );
}

#[test]
fn edu_04_students_receive_only_four_kinds_of_message() {
    // promise: EDU-04
    let p = policy("edtech-classroom");
    let student = SubjectState {
        jurisdiction: Some("US".into()),
        memberships: vec!["licensed_institution".into()],
        ..Default::default()
    };
    let reply = Query {
        communication: Some("student_support_reply"),
        channel: Some(Channel::Email),
        topic: Some("operational"),
        ..q("support", &["user.contact.email"])
    };
    assert!(decide(&p, &student, &reply, now()).allowed);
    let other = Query {
        communication: Some("transactional"),
        channel: Some(Channel::Email),
        ..q("provide_products", &["user.contact.email"])
    };
    let d = decide(&p, &student, &other, now());
    assert!(
        !d.allowed && rules(&d).contains(&"communication-not-allowed"),
        "{d:?}"
    );
}

/// The conditions EDU-04 writes in words are typed (`when`) and checked:
/// support answers only operational questions; a billing answer goes only
/// to a student whose organisation is self-pay, about billing.
#[test]
fn edu_04_the_conditions_of_messages_are_checked() {
    // promise: EDU-04
    let p = policy("edtech-classroom");
    let mut student = SubjectState {
        jurisdiction: Some("US".into()),
        kind: Some("student".into()),
        memberships: vec!["licensed_institution".into()],
        ..Default::default()
    };
    let support = |topic| Query {
        communication: Some("student_support_reply"),
        channel: Some(Channel::Email),
        topic,
        ..q("support", &["user.contact.email"])
    };
    let d = decide(&p, &student, &support(Some("pricing")), now());
    assert!(
        !d.allowed && rules(&d) == ["communication-condition"],
        "{d:?}"
    );
    assert_eq!(
        d.reasons[0].message.to_string(),
        "`student_support_reply` may only be about operational, not `pricing`"
    );
    assert!(d.reasons[0].promises.contains(&"EDU-04".to_owned()));
    let d = decide(&p, &student, &support(None), now());
    assert!(
        !d.allowed
            && d.reasons[0]
                .message
                .to_string()
                .ends_with("the send names no topic"),
        "{d:?}"
    );

    let billing = |topic| Query {
        communication: Some("self_pay_billing_reply"),
        channel: Some(Channel::Email),
        topic,
        ..q("payment", &["user.contact.name"])
    };
    // Not known to be self-pay: no billing answer.
    let d = decide(&p, &student, &billing(Some("billing")), now());
    assert!(!d.allowed, "{d:?}");
    assert_eq!(
        d.reasons[0].message.to_string(),
        "`self_pay_billing_reply` is sent only when the person's `self_pay` is true; it is not known"
    );
    student.attributes.insert(
        "self_pay".into(),
        vow_policy::AttributeValue::Boolean(false),
    );
    let d = decide(&p, &student, &billing(Some("billing")), now());
    assert!(
        !d.allowed && d.reasons[0].message.to_string().ends_with("it is false"),
        "{d:?}"
    );
    student
        .attributes
        .insert("self_pay".into(), vow_policy::AttributeValue::Boolean(true));
    assert!(decide(&p, &student, &billing(Some("billing")), now()).allowed);
    // Self-pay, but not a billing question.
    let d = decide(&p, &student, &billing(Some("operational")), now());
    assert!(
        !d.allowed && rules(&d) == ["communication-condition"],
        "{d:?}"
    );
}

#[test]
fn edu_07_card_data_goes_only_to_the_payment_processor() {
    // promise: EDU-07, KIDS-10
    let p = policy("edtech-classroom");
    let buyer = SubjectState {
        jurisdiction: Some("GB".into()),
        ..Default::default()
    };
    let to_braintree = Query {
        recipient: Some("braintree"),
        ..q("payment", &["user.financial.credit_card"])
    };
    let d = decide(&p, &buyer, &to_braintree, now());
    assert!(d.allowed, "{d:?}");
    let to_marketing = Query {
        recipient: Some("contact_service_providers"),
        ..q("marketing", &["user.financial.credit_card"])
    };
    assert!(!decide(&p, &buyer, &to_marketing, now()).allowed);
}

#[test]
fn edu_07_card_numbers_are_never_stored() {
    // promise: EDU-07, KIDS-10
    for name in ["edtech-classroom", "kids-coding-franchise"] {
        let p = policy(name);
        let buyer = SubjectState {
            jurisdiction: Some("GB".into()),
            ..Default::default()
        };
        let purpose = "payment";
        let store = |categories: &'static [&'static str]| Query {
            action: Action::Store,
            ..q(purpose, categories)
        };
        // Keeping the card number is denied, for the purpose that may use it.
        let d = decide(&p, &buyer, &store(&["user.financial.credit_card"]), now());
        assert!(!d.allowed, "{name}: {d:?}");
        assert_eq!(rules(&d), ["never-stored"], "{name}");
        assert_eq!(
            d.reasons[0].message.to_string(),
            "user.financial.credit_card is never stored, as the policy promises: it may only be passed to a processor; take it out of free text before keeping it (vow redact)"
        );
        assert_eq!(
            d.reasons[0].element.to_string(),
            "category user.financial.credit_card"
        );
        assert!(
            d.reasons[0]
                .promises
                .iter()
                .any(|p| p == "EDU-07" || p == "KIDS-10"),
            "{:?}",
            d.reasons[0].promises
        );
        // Along with what may be kept, it is still denied; without it, allowed.
        let with_name = store(&["user.contact.name", "user.financial.credit_card"]);
        assert!(!decide(&p, &buyer, &with_name, now()).allowed, "{name}");
        assert!(
            decide(&p, &buyer, &store(&["user.contact.name"]), now()).allowed,
            "{name}"
        );
    }
    // Passing it to the processor stays as the other rules decide.
    let p = policy("edtech-classroom");
    let buyer = SubjectState {
        jurisdiction: Some("GB".into()),
        ..Default::default()
    };
    let to_braintree = Query {
        recipient: Some("braintree"),
        ..q("payment", &["user.financial.credit_card"])
    };
    assert!(decide(&p, &buyer, &to_braintree, now()).allowed);
    // A policy that never promised it stores card data as before.
    let agency = policy("dev-agency");
    assert!(agency.never_stored.is_empty());
}

#[test]
fn edu_09_region_statistics_are_aggregate_only() {
    // promise: EDU-09
    let p = policy("edtech-classroom");
    let d = decide(
        &p,
        &SubjectState {
            jurisdiction: Some("US".into()),
            ..Default::default()
        },
        &q("region_statistics", &["user.device.ip_address"]),
        now(),
    );
    assert!(
        d.allowed && d.obligations.contains(&Obligation::AggregateOnly),
        "{d:?}"
    );
}

#[test]
fn edu_10_testimonials_need_prior_consent() {
    // promise: EDU-10
    let p = policy("edtech-classroom");
    let mut customer = SubjectState {
        jurisdiction: Some("GB".into()),
        ..Default::default()
    };
    let query = q(
        "public_testimonial",
        &["user.contact.name", "user.job_title"],
    );
    assert!(!decide(&p, &customer, &query, now()).allowed);
    customer
        .consents
        .insert("public_testimonial".into(), consent(true));
    assert!(decide(&p, &customer, &query, now()).allowed);
}

#[test]
fn edu_12_unsubscribe_and_transactional_mail() {
    // promise: EDU-12, KIDS-06, IOT-05
    let p = policy("edtech-classroom");
    let mut customer = SubjectState {
        jurisdiction: Some("US".into()),
        ..Default::default()
    };
    let mail = Query {
        communication: Some("marketing_email"),
        channel: Some(Channel::Email),
        ..q("marketing", &["user.contact.email"])
    };
    let d = decide(&p, &customer, &mail, now());
    assert!(
        d.allowed && d.obligations.contains(&Obligation::UnsubscribeLink),
        "{d:?}"
    );
    customer.consents.insert("marketing".into(), consent(false));
    assert!(!decide(&p, &customer, &mail, now()).allowed);
    customer.channel_opt_outs.push(Channel::Email);
    let transactional = Query {
        communication: Some("transactional"),
        channel: Some(Channel::Email),
        ..q("provide_products", &["user.contact.email"])
    };
    assert!(decide(&p, &customer, &transactional, now()).allowed);
}

#[test]
fn agency_02_children_need_verified_parental_consent() {
    // promise: AGENCY-02, KIDS-03
    let p = policy("dev-agency");
    let mut child = SubjectState {
        jurisdiction: Some("UA".into()),
        birth_date: "2016-03-01".parse().ok(),
        ..Default::default()
    };
    let query = q("support", &["user.contact.email"]);
    let d = decide(&p, &child, &query, now());
    assert!(
        !d.allowed && rules(&d).contains(&"parental-consent-missing"),
        "{d:?}"
    );
    child.parental_consent_verified = true;
    assert!(decide(&p, &child, &query, now()).allowed);
}

#[test]
fn agency_04_nothing_undeclared_and_no_sale() {
    // promise: AGENCY-04, SHOP-02
    let p = policy("dev-agency");
    let d = decide(
        &p,
        &SubjectState::default(),
        &q("sale", &["user.contact.email"]),
        now(),
    );
    assert!(!d.allowed && rules(&d) == ["purpose-undeclared"]);
}

#[test]
fn agency_06_ip_addresses_are_truncated_for_analytics() {
    // promise: AGENCY-06
    let p = policy("dev-agency");
    let visitor = SubjectState {
        jurisdiction: Some("UA".into()),
        ..Default::default()
    };
    let query = Query {
        recipient: Some("yandex_metrica"),
        context: Context {
            ip: "203.0.113.77".parse().ok(),
            ..Default::default()
        },
        ..q("web_analytics", &["user.device.ip_address"])
    };
    let d = decide(&p, &visitor, &query, now());
    assert!(d.allowed, "{d:?}");
    assert!(d.obligations.iter().any(|o| matches!(o, Obligation::TruncateIp { ipv4_prefix: 24, truncated: Some(t), .. } if t.to_string() == "203.0.113.0")), "{d:?}");
}

#[test]
fn kids_04_location_consent_can_be_switched_off() {
    // promise: KIDS-04
    let p = policy("kids-coding-franchise");
    let mut parent = SubjectState {
        jurisdiction: Some("US".into()),
        kind: Some("parent".into()),
        birth_date: "1985-01-01".parse().ok(),
        ..Default::default()
    };
    parent
        .consents
        .insert("location_features".into(), consent(true));
    assert!(
        decide(
            &p,
            &parent,
            &q("location_features", &["user.location.precise"]),
            now()
        )
        .allowed
    );
    parent
        .consents
        .insert("location_features".into(), consent(false));
    assert!(
        !decide(
            &p,
            &parent,
            &q("location_features", &["user.location.precise"]),
            now()
        )
        .allowed
    );
}

#[test]
fn kids_13_gpc_honoured_in_california_dnt_ignored() {
    // promise: KIDS-13
    let p = policy("kids-coding-franchise");
    let californian = SubjectState {
        jurisdiction: Some("US-CA".into()),
        birth_date: "1985-01-01".parse().ok(),
        ..Default::default()
    };
    let ads = Query {
        context: Context {
            gpc: true,
            dnt: true,
            ..Default::default()
        },
        ..q("third_party_advertising", &["user.device.cookie_id"])
    };
    let d = decide(&p, &californian, &ads, now());
    assert!(!d.allowed && rules(&d).contains(&"gpc-opt-out"), "{d:?}");
    let analytics = Query {
        context: Context {
            dnt: true,
            ..Default::default()
        },
        ..q("analytics", &["user.device.cookie_id"])
    };
    let d = decide(&p, &californian, &analytics, now());
    assert!(d.allowed && rules(&d).contains(&"dnt-ignored"), "{d:?}");
}

#[test]
fn iot_02_cookies_need_consent_in_the_eu_only() {
    // promise: IOT-02
    let p = policy("iot-platform");
    let query = q("site_cookies", &["user.device.cookie_id"]);
    let eu = SubjectState {
        jurisdiction: Some("FR".into()),
        ..Default::default()
    };
    assert!(!decide(&p, &eu, &query, now()).allowed);
    let us = SubjectState {
        jurisdiction: Some("US".into()),
        ..Default::default()
    };
    assert!(decide(&p, &us, &query, now()).allowed);
}

#[test]
fn iot_03_data_is_bound_to_the_purpose_it_was_collected_for() {
    // promise: IOT-03
    let p = policy("iot-platform");
    let mut visitor = SubjectState {
        jurisdiction: Some("CA".into()),
        ..Default::default()
    };
    visitor.consents.insert("marketing".into(), consent(true));
    visitor
        .consents
        .insert("product_information".into(), consent(true));
    let for_info = Query {
        collection_point: Some("product_info_request"),
        ..q("product_information", &["user.contact.email"])
    };
    assert!(decide(&p, &visitor, &for_info, now()).allowed);
    let for_marketing = Query {
        collection_point: Some("product_info_request"),
        ..q("marketing", &["user.contact.email"])
    };
    let d = decide(&p, &visitor, &for_marketing, now());
    assert!(
        !d.allowed && rules(&d).contains(&"purpose-binding"),
        "{d:?}"
    );
}

#[test]
fn iot_04_soft_opt_in_for_customers_never_after_opt_out() {
    // promise: IOT-04
    let p = policy("iot-platform");
    let query = q("marketing", &["user.contact.email"]);
    let stranger = SubjectState {
        jurisdiction: Some("CA".into()),
        ..Default::default()
    };
    assert!(!decide(&p, &stranger, &query, now()).allowed);
    let mut customer = SubjectState {
        customer: true,
        ..stranger
    };
    assert!(decide(&p, &customer, &query, now()).allowed);
    customer.consents.insert("marketing".into(), consent(false));
    assert!(!decide(&p, &customer, &query, now()).allowed);
}

#[test]
fn iot_09_vendors_get_only_what_they_need() {
    // promise: IOT-09
    let p = policy("iot-platform");
    let customer = SubjectState {
        jurisdiction: Some("CA".into()),
        ..Default::default()
    };
    let ok = Query {
        recipient: Some("storage_vendor"),
        ..q(
            "data_storage",
            &["user.contact.email", "user.content.private"],
        )
    };
    let d = decide(&p, &customer, &ok, now());
    assert!(d.allowed, "{d:?}");
    assert!(
        d.obligations
            .iter()
            .any(|o| matches!(o, Obligation::SendOnly { categories } if categories.len() == 2))
    );
    let too_much = Query {
        recipient: Some("database_vendor"),
        ..q(
            "data_storage",
            &["user.contact.email", "user.content.private"],
        )
    };
    // Asked for more than it may receive: allowed, with the projection,
    // and the reason names what was left out.
    let d = decide(&p, &customer, &too_much, now());
    assert!(d.allowed, "{d:?}");
    assert_eq!(
        d.obligations
            .iter()
            .find_map(|o| match o {
                Obligation::SendOnly { categories } => Some(categories.to_string()),
                _ => None,
            })
            .as_deref(),
        Some("user.content.private")
    );
    let note = d
        .reasons
        .iter()
        .find(|r| r.rule == "recipient-projection")
        .expect("the projection is said");
    assert_eq!(
        note.message.to_string(),
        "`database_vendor` may not receive user.contact.email for `data_storage`: send only what the obligation lists"
    );
    assert!(note.promises.contains(&"IOT-09".to_owned()));
    // Strict mode: any excess is a deny.
    let d = decide(
        &p,
        &customer,
        &Query {
            strict: true,
            ..too_much.clone()
        },
        now(),
    );
    assert!(!d.allowed && rules(&d) == ["recipient-category"], "{d:?}");
    // Nothing it may receive: a deny, strict or not.
    let nothing = Query {
        recipient: Some("database_vendor"),
        ..q("data_storage", &["user.contact.email"])
    };
    let d = decide(&p, &customer, &nothing, now());
    assert!(!d.allowed && rules(&d) == ["recipient-category"], "{d:?}");
}

#[test]
fn restriction_objection_holds_and_reconsent() {
    // promise: KIDS-14 — restriction and objection change decisions
    let mut p = policy("kids-coding-franchise");
    let mut parent = SubjectState {
        jurisdiction: Some("GB".into()),
        kind: Some("parent".into()),
        birth_date: "1985-01-01".parse().ok(),
        ..Default::default()
    };
    parent
        .consents
        .insert("email_marketing".into(), consent(true));
    let mail = q("email_marketing", &["user.contact.email"]);
    assert!(decide(&p, &parent, &mail, now()).allowed);
    // Objection to direct marketing wins over consent.
    parent.objects_to_direct_marketing = true;
    assert!(!decide(&p, &parent, &mail, now()).allowed);
    parent.objects_to_direct_marketing = false;
    // A material change after the consent: ask again (AGENCY-01).
    assert!(p.require_reconsent("email_marketing", now() - chrono::Duration::days(1)));
    let d = decide(&p, &parent, &mail, now());
    assert!(
        !d.allowed && rules(&d).contains(&"consent-renewal-needed"),
        "{d:?}"
    );
    // Restriction: storage only.
    parent.restricted = true;
    assert!(
        !decide(
            &p,
            &parent,
            &q("provide_services", &["user.contact.email"]),
            now()
        )
        .allowed
    );
    assert!(
        decide(
            &p,
            &parent,
            &Query {
                action: Action::Store,
                ..q("provide_services", &["user.contact.email"])
            },
            now()
        )
        .allowed
    );
    // A legal hold blocks erasure.
    parent.legal_holds.push("case-17".into());
    assert!(
        !decide(
            &p,
            &parent,
            &Query {
                action: Action::Erase,
                ..q("provide_services", &["user.contact.email"])
            },
            now()
        )
        .allowed
    );
}

#[test]
fn kids_14_legal_claims_go_on_under_a_restriction() {
    // promise: KIDS-14 — a restriction changes decisions; the policy lets
    // `legal_rights` (disputes, legal process) continue under it, GDPR Art. 18(2).
    let p = policy("kids-coding-franchise");
    let parent = SubjectState {
        jurisdiction: Some("GB".into()),
        kind: Some("parent".into()),
        birth_date: "1985-01-01".parse().ok(),
        restricted: true,
        ..Default::default()
    };
    let claims = q("legal_rights", &["user.contact.email"]);
    let d = decide(&p, &parent, &claims, now());
    assert!(d.allowed, "{d:?}");
    assert_eq!(rules(&d)[0], "restriction-exempt");
    assert!(d.reasons[0].message.to_string().contains("Art. 18(2)"));
    // Only the named purpose: the others are still denied, storage allowed.
    let support = decide(
        &p,
        &parent,
        &q("provide_services", &["user.contact.email"]),
        now(),
    );
    assert_eq!(rules(&support), ["restricted"]);
    let security = decide(&p, &parent, &q("security", &["user.device"]), now());
    assert!(rules(&security).contains(&"restricted"), "{security:?}");
    // The exempt purpose keeps its own rules: an undeclared category is denied.
    let d = decide(&p, &parent, &q("legal_rights", &["user.unknown"]), now());
    assert!(!d.allowed && !rules(&d).contains(&"restricted"), "{d:?}");
    // Its erasure is still judged on holds alone.
    let mut held = parent.clone();
    held.legal_holds.push("case-17".into());
    let erase = Query {
        action: Action::Erase,
        ..q("legal_rights", &["user.contact.email"])
    };
    assert!(!decide(&p, &held, &erase, now()).allowed);
}

#[test]
fn kids_02_a_parent_is_offered_only_what_the_policy_allows_for_their_child() {
    // promise: KIDS-02, KIDS-03
    let p = policy("kids-coding-franchise");
    let child = SubjectState {
        kind: Some("child".into()),
        jurisdiction: Some("US-CA".into()),
        birth_date: "2016-03-01".parse().ok(),
        guardians: vec!["parent-1".into()],
        parental_consent_verified: true,
        ..Default::default()
    };
    let offered = |state: &SubjectState| -> Vec<&str> {
        [
            "location_features",
            "email_marketing",
            "sms_marketing",
            "third_party_advertising",
        ]
        .into_iter()
        .filter(|purpose| vow_engine::could_consent(&p, state, purpose, now()))
        .collect()
    };
    // No marketing, no advertising; and not location either: the policy
    // lets nothing but the categories marked for children be collected
    // about a child (KIDS-03), and a precise location is not one of them,
    // so a parent's consent could never open it.
    assert_eq!(offered(&child), Vec::<&str>::new());
    let teenager = SubjectState {
        birth_date: "2010-03-01".parse().ok(),
        ..child.clone()
    };
    // At 16 the rules for children under 13 no longer hold; the audience
    // still keeps e-mail and SMS marketing for parents and visitors.
    assert_eq!(
        offered(&teenager),
        ["location_features", "third_party_advertising"]
    );
    // Their parent is offered the marketing the policy allows for parents.
    let parent = SubjectState {
        kind: Some("parent".into()),
        jurisdiction: Some("US-CA".into()),
        ..Default::default()
    };
    assert_eq!(
        offered(&parent),
        [
            "location_features",
            "email_marketing",
            "sms_marketing",
            "third_party_advertising"
        ]
    );
}

#[test]
fn shop_04_each_kind_of_message_by_each_channel() {
    // promise: SHOP-04
    let p = policy("course-shop");
    let mut customer = SubjectState {
        jurisdiction: Some("FR".into()),
        ..Default::default()
    };
    customer
        .consents
        .insert("promotional_messages".into(), consent(true));
    let message = |communication, channel| Query {
        communication: Some(communication),
        channel: Some(channel),
        ..q("promotional_messages", &["user.contact.email"])
    };
    assert!(decide(&p, &customer, &message("surveys", Channel::Email), now()).allowed);
    // Surveys off by e-mail only.
    customer
        .communication_opt_outs
        .push(vow_engine::CommunicationOptOut {
            communication: "surveys".into(),
            channel: Channel::Email,
        });
    let d = decide(&p, &customer, &message("surveys", Channel::Email), now());
    assert_eq!(rules(&d), ["communication-opt-out"], "{d:?}");
    assert_eq!(
        d.reasons[0].message.to_string(),
        "the person turned `surveys` off by email"
    );
    assert!(decide(&p, &customer, &message("surveys", Channel::Post), now()).allowed);
    assert!(
        decide(
            &p,
            &customer,
            &message("business_updates", Channel::Email),
            now()
        )
        .allowed
    );
    // Account matters are essential: they go whatever is turned off.
    customer.channel_opt_outs.push(Channel::Email);
    let account = Query {
        communication: Some("account_email"),
        channel: Some(Channel::Email),
        ..q("service_notices", &["user.contact.email"])
    };
    assert!(decide(&p, &customer, &account, now()).allowed);
}

#[test]
fn kids_14_an_erased_person_is_not_processed_again() {
    // promise: KIDS-14 — an erasure changes decisions, not only the datasets
    let p = policy("kids-coding-franchise");
    let erased = SubjectState {
        jurisdiction: Some("GB".into()),
        erased: true,
        ..Default::default()
    };
    let services = q("provide_services", &["user.contact.email"]);
    let d = decide(&p, &erased, &services, now());
    assert_eq!(rules(&d), ["erased"], "{d:?}");
    assert_eq!(
        d.reasons[0].message.to_string(),
        "the person's data was erased at their request; it may not be used again unless they give it anew"
    );
    // What the law keeps may be kept, and erased again.
    for action in [Action::Store, Action::Erase] {
        let d = decide(&p, &erased, &Query { action, ..services }, now());
        assert!(d.allowed, "{action:?}: {d:?}");
    }
}
