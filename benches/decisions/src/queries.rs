//! The query set: realistic questions about the five example policies
//! (`examples/*/policy.yaml`), allowed and denied, each with the subject it
//! is about and the answer its policy promises. Every implementation is
//! measured on these, and `tests/agree.rs` checks that all three give the
//! promised answer to every one.

use chrono::{DateTime, Duration, TimeZone, Utc};
use vow_engine::{Action, ConsentRecord, Context, Query, SubjectState};
use vow_policy::Channel;

/// The example policies, by directory name.
pub const EXAMPLES: [&str; 5] = [
    "edtech-classroom",
    "dev-agency",
    "kids-coding-franchise",
    "course-shop",
    "iot-platform",
];

/// The instant every decision is made at.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0)
        .single()
        .expect("a valid instant")
}

/// One question about one subject under one example policy.
#[derive(Debug, Clone)]
pub struct Case {
    /// Unique, short: also the subject's id in Cedar and the benchmark's name.
    pub name: &'static str,
    /// What is asked, for the tables.
    pub about: &'static str,
    /// The example policy (one of [`EXAMPLES`]).
    pub policy: &'static str,
    pub subject: SubjectState,
    pub query: Query<'static>,
    /// The answer the policy promises.
    pub allowed: bool,
}

fn consent(given: bool) -> ConsentRecord {
    ConsentRecord {
        given,
        at: now() - Duration::days(30),
        policy_version: "1".into(),
        until: None,
    }
}

fn person(jurisdiction: &str) -> SubjectState {
    SubjectState {
        jurisdiction: Some(jurisdiction.into()),
        ..Default::default()
    }
}

fn adult(jurisdiction: &str, kind: &str) -> SubjectState {
    SubjectState {
        kind: Some(kind.into()),
        birth_date: "1985-01-01".parse().ok(),
        ..person(jurisdiction)
    }
}

fn child(jurisdiction: &str, born: &str, parental_consent: bool) -> SubjectState {
    SubjectState {
        kind: Some("child".into()),
        birth_date: born.parse().ok(),
        parental_consent_verified: parental_consent,
        ..person(jurisdiction)
    }
}

fn with_consent(mut s: SubjectState, purpose: &str, given: bool) -> SubjectState {
    s.consents.insert(purpose.into(), consent(given));
    s
}

fn q(purpose: &'static str, categories: &'static [&'static str]) -> Query<'static> {
    Query {
        purpose,
        categories,
        ..Default::default()
    }
}

fn case(
    name: &'static str,
    about: &'static str,
    policy: &'static str,
    subject: SubjectState,
    query: Query<'static>,
    allowed: bool,
) -> Case {
    Case {
        name,
        about,
        policy,
        subject,
        query,
        allowed,
    }
}

/// The whole query set.
pub fn cases() -> Vec<Case> {
    const ALLOW: bool = true;
    const DENY: bool = false;
    let edtech = "edtech-classroom";
    let agency = "dev-agency";
    let kids = "kids-coding-franchise";
    let shop = "course-shop";
    let iot = "iot-platform";
    let email = &["user.contact.email"];
    let card = &["user.financial.credit_card"];
    let marketing_mail = Query {
        communication: Some("marketing_email"),
        channel: Some(Channel::Email),
        ..q("marketing", email)
    };
    let student = SubjectState {
        kind: Some("student".into()),
        memberships: vec!["licensed_institution".into()],
        ..with_consent(person("US"), "marketing", true)
    };
    let ca_parent = adult("US-CA", "parent");
    let gb_parent = with_consent(adult("GB", "parent"), "email_marketing", true);
    let fr_customer = SubjectState {
        customer: true,
        ..adult("FR", "customer")
    };
    vec![
        // edtech-classroom
        case(
            "edtech_marketing_consenting",
            "marketing e-mail, consenting customer (EDU-12)",
            edtech,
            with_consent(adult("US", "customer"), "marketing", true),
            marketing_mail.clone(),
            ALLOW,
        ),
        case(
            "edtech_marketing_student",
            "same e-mail, licensed student (EDU-03)",
            edtech,
            student.clone(),
            marketing_mail.clone(),
            DENY,
        ),
        case(
            "edtech_marketing_withdrawn",
            "marketing e-mail after the customer opted out",
            edtech,
            with_consent(adult("US", "customer"), "marketing", false),
            marketing_mail,
            DENY,
        ),
        case(
            "edtech_student_support_reply",
            "support answer to a licensed student (EDU-04)",
            edtech,
            student.clone(),
            Query {
                communication: Some("student_support_reply"),
                channel: Some(Channel::Email),
                topic: Some("operational"),
                ..q("support", email)
            },
            ALLOW,
        ),
        case(
            "edtech_student_support_off_topic",
            "support answer to a licensed student about pricing (EDU-04)",
            edtech,
            student.clone(),
            Query {
                communication: Some("student_support_reply"),
                channel: Some(Channel::Email),
                topic: Some("pricing"),
                ..q("support", email)
            },
            DENY,
        ),
        case(
            "edtech_billing_reply_not_self_pay",
            "billing answer to a licensed student not known to be self-pay (EDU-04)",
            edtech,
            student.clone(),
            Query {
                communication: Some("self_pay_billing_reply"),
                channel: Some(Channel::Email),
                topic: Some("billing"),
                ..q("payment", &["user.contact.name"])
            },
            DENY,
        ),
        case(
            "edtech_billing_reply_self_pay",
            "billing answer to a licensed student of a self-pay organisation (EDU-04)",
            edtech,
            SubjectState {
                attributes: [("self_pay".into(), vow_policy::AttributeValue::Boolean(true))].into(),
                ..student.clone()
            },
            Query {
                communication: Some("self_pay_billing_reply"),
                channel: Some(Channel::Email),
                topic: Some("billing"),
                ..q("payment", &["user.contact.name"])
            },
            ALLOW,
        ),
        case(
            "edtech_transactional_to_student",
            "transactional e-mail to a licensed student (EDU-04)",
            edtech,
            student,
            Query {
                communication: Some("transactional"),
                channel: Some(Channel::Email),
                ..q("provide_products", email)
            },
            DENY,
        ),
        case(
            "edtech_transactional_after_opt_out",
            "transactional e-mail after an e-mail opt-out (EDU-12)",
            edtech,
            SubjectState {
                channel_opt_outs: vec![Channel::Email],
                ..adult("US", "customer")
            },
            Query {
                communication: Some("transactional"),
                channel: Some(Channel::Email),
                ..q("provide_products", email)
            },
            ALLOW,
        ),
        case(
            "edtech_card_to_braintree",
            "card number to the payment processor (EDU-07)",
            edtech,
            adult("GB", "customer"),
            Query {
                recipient: Some("braintree"),
                ..q("payment", &["user.financial.credit_card"])
            },
            ALLOW,
        ),
        case(
            "edtech_card_to_marketing_vendor",
            "card number to the marketing providers (EDU-07)",
            edtech,
            adult("GB", "customer"),
            Query {
                recipient: Some("contact_service_providers"),
                ..q("marketing", &["user.financial.credit_card"])
            },
            DENY,
        ),
        case(
            "edtech_testimonial_no_consent",
            "testimonial without prior consent (EDU-10)",
            edtech,
            adult("GB", "customer"),
            q(
                "public_testimonial",
                &["user.contact.name", "user.job_title"],
            ),
            DENY,
        ),
        case(
            "edtech_region_statistics",
            "IP address for aggregate region statistics (EDU-09)",
            edtech,
            person("US"),
            q("region_statistics", &["user.device.ip_address"]),
            ALLOW,
        ),
        // dev-agency
        case(
            "agency_analytics_to_yandex",
            "disclosure to Yandex Metrica, projection and IP truncation (AGENCY-06)",
            agency,
            person("UA"),
            Query {
                recipient: Some("yandex_metrica"),
                context: Context {
                    ip: "203.0.113.77".parse().ok(),
                    ..Default::default()
                },
                ..q("web_analytics", &["user.device.ip_address"])
            },
            ALLOW,
        ),
        case(
            "agency_child_no_parental_consent",
            "support for a child, no parental consent (AGENCY-02)",
            agency,
            child("UA", "2016-03-01", false),
            q("support", email),
            DENY,
        ),
        case(
            "agency_child_parental_consent",
            "support for a child, parental consent verified (AGENCY-02)",
            agency,
            child("UA", "2016-03-01", true),
            q("support", email),
            ALLOW,
        ),
        case(
            "agency_sale_undeclared",
            "sale, a purpose the policy does not declare (AGENCY-04)",
            agency,
            person("UA"),
            q("sale", email),
            DENY,
        ),
        case(
            "agency_pixel_eu_no_consent",
            "Facebook pixel for an EU visitor without consent (AGENCY-07)",
            agency,
            person("FR"),
            Query {
                recipient: Some("facebook"),
                ..q("social_advertising", &["user.device.cookie_id"])
            },
            DENY,
        ),
        // kids-coding-franchise
        case(
            "kids_gpc_sale_california",
            "ad network under GPC in California (KIDS-13)",
            kids,
            ca_parent.clone(),
            Query {
                recipient: Some("ad_networks"),
                context: Context {
                    gpc: true,
                    ..Default::default()
                },
                ..q("third_party_advertising", &["user.device.cookie_id"])
            },
            DENY,
        ),
        case(
            "kids_analytics_dnt_ignored",
            "analytics with DNT, not honoured (KIDS-13)",
            kids,
            ca_parent,
            Query {
                context: Context {
                    dnt: true,
                    ..Default::default()
                },
                ..q("analytics", &["user.device.cookie_id"])
            },
            ALLOW,
        ),
        case(
            "kids_location_withdrawn",
            "location after the consent was withdrawn (KIDS-04)",
            kids,
            with_consent(adult("US", "parent"), "location_features", false),
            q("location_features", &["user.location.precise"]),
            DENY,
        ),
        case(
            "kids_newsletter_gb_opt_in",
            "newsletter to a UK parent who opted in (KIDS-05)",
            kids,
            gb_parent.clone(),
            Query {
                communication: Some("newsletter"),
                channel: Some(Channel::Email),
                ..q("email_marketing", email)
            },
            ALLOW,
        ),
        case(
            "kids_newsletter_gb_no_consent",
            "newsletter to a UK parent who never opted in (KIDS-05)",
            kids,
            adult("GB", "parent"),
            Query {
                communication: Some("newsletter"),
                channel: Some(Channel::Email),
                ..q("email_marketing", email)
            },
            DENY,
        ),
        case(
            "kids_newsletter_objection",
            "newsletter after an objection to direct marketing (KIDS-14)",
            kids,
            SubjectState {
                objects_to_direct_marketing: true,
                ..gb_parent.clone()
            },
            q("email_marketing", email),
            DENY,
        ),
        case(
            "kids_child_to_franchisee",
            "child's progress to the franchisee, parental consent (KIDS-01)",
            kids,
            child("US", "2017-05-10", true),
            Query {
                recipient: Some("franchisees"),
                ..q("provide_services", &["user.childrens.progress"])
            },
            ALLOW,
        ),
        case(
            "kids_child_marketing",
            "marketing e-mail about a child (KIDS-03)",
            kids,
            child("US", "2017-05-10", true),
            q("email_marketing", email),
            DENY,
        ),
        case(
            "kids_child_direct_contact",
            "e-mail sent to a child directly (KIDS-03)",
            kids,
            child("US", "2017-05-10", true),
            Query {
                communication: Some("service_announcements"),
                channel: Some(Channel::Email),
                ..q("provide_services", &["user.childrens.name"])
            },
            DENY,
        ),
        case(
            "kids_restricted_use",
            "use under a restriction (KIDS-14)",
            kids,
            SubjectState {
                restricted: true,
                ..gb_parent.clone()
            },
            q("provide_services", email),
            DENY,
        ),
        case(
            "kids_restricted_store",
            "storage under a restriction (KIDS-14)",
            kids,
            SubjectState {
                restricted: true,
                ..gb_parent.clone()
            },
            Query {
                action: Action::Store,
                ..q("provide_services", email)
            },
            ALLOW,
        ),
        case(
            "kids_store_card_never_stored",
            "card numbers are never stored (KIDS-10)",
            kids,
            gb_parent.clone(),
            Query {
                action: Action::Store,
                ..q("payment", card)
            },
            DENY,
        ),
        case(
            "kids_store_billing_name",
            "what is not a card number may be kept for payment (KIDS-10)",
            kids,
            gb_parent.clone(),
            Query {
                action: Action::Store,
                ..q("payment", &["user.contact.name"])
            },
            ALLOW,
        ),
        case(
            "kids_erase_legal_hold",
            "erasure under a legal hold (KIDS-14)",
            kids,
            SubjectState {
                legal_holds: vec!["case-17".into()],
                ..gb_parent
            },
            Query {
                action: Action::Erase,
                ..q("provide_services", email)
            },
            DENY,
        ),
        // course-shop
        case(
            "shop_promotion_no_consent",
            "promotional e-mail without opt-in (SHOP-07)",
            shop,
            fr_customer.clone(),
            Query {
                communication: Some("business_updates"),
                channel: Some(Channel::Email),
                ..q("promotional_messages", email)
            },
            DENY,
        ),
        case(
            "shop_promotion_consent",
            "promotional e-mail after opt-in (SHOP-07)",
            shop,
            with_consent(fr_customer.clone(), "promotional_messages", true),
            Query {
                communication: Some("business_updates"),
                channel: Some(Channel::Email),
                ..q("promotional_messages", email)
            },
            ALLOW,
        ),
        case(
            "shop_card_to_gateway",
            "card and address to the payment gateway (SHOP-03)",
            shop,
            fr_customer.clone(),
            Query {
                recipient: Some("payment_gateways"),
                ..q(
                    "provide_services",
                    &["user.financial.credit_card", "user.contact.address"],
                )
            },
            ALLOW,
        ),
        case(
            "shop_password_to_host",
            "password to the hosting platform (a secret)",
            shop,
            fr_customer,
            Query {
                recipient: Some("wix"),
                ..q("provide_services", &["user.authorization.password"])
            },
            DENY,
        ),
        // iot-platform
        case(
            "iot_cookies_eu",
            "analytics cookies, EU visitor, no consent (IOT-02)",
            iot,
            person("FR"),
            q("site_cookies", &["user.device.cookie_id"]),
            DENY,
        ),
        case(
            "iot_cookies_us",
            "analytics cookies, US visitor (IOT-02)",
            iot,
            person("US"),
            q("site_cookies", &["user.device.cookie_id"]),
            ALLOW,
        ),
        case(
            "iot_binding_marketing",
            "marketing with data given for product information (IOT-03)",
            iot,
            with_consent(
                with_consent(person("CA"), "marketing", true),
                "product_information",
                true,
            ),
            Query {
                collection_point: Some("product_info_request"),
                ..q("marketing", email)
            },
            DENY,
        ),
        case(
            "iot_soft_opt_in_customer",
            "marketing to a customer, soft opt-in (IOT-04)",
            iot,
            SubjectState {
                customer: true,
                ..person("CA")
            },
            Query {
                communication: Some("marketing_email"),
                channel: Some(Channel::Email),
                ..q("marketing", email)
            },
            ALLOW,
        ),
        case(
            "iot_soft_opt_in_opted_out",
            "marketing to a customer who opted out (IOT-04)",
            iot,
            SubjectState {
                customer: true,
                ..with_consent(person("CA"), "marketing", false)
            },
            Query {
                communication: Some("marketing_email"),
                channel: Some(Channel::Email),
                ..q("marketing", email)
            },
            DENY,
        ),
        case(
            "iot_storage_vendor",
            "e-mail and content to the storage vendor, projection (IOT-09)",
            iot,
            person("CA"),
            Query {
                recipient: Some("storage_vendor"),
                ..q(
                    "data_storage",
                    &["user.contact.email", "user.content.private"],
                )
            },
            ALLOW,
        ),
        case(
            "iot_database_vendor",
            "the same to the database vendor, more than it may receive: allowed, projected (IOT-09)",
            iot,
            person("CA"),
            Query {
                recipient: Some("database_vendor"),
                ..q(
                    "data_storage",
                    &["user.contact.email", "user.content.private"],
                )
            },
            ALLOW,
        ),
        case(
            "iot_database_vendor_strict",
            "the same in strict mode: denied (IOT-09)",
            iot,
            person("CA"),
            Query {
                recipient: Some("database_vendor"),
                strict: true,
                ..q(
                    "data_storage",
                    &["user.contact.email", "user.content.private"],
                )
            },
            DENY,
        ),
        case(
            "iot_database_vendor_nothing",
            "only what the database vendor may not receive: denied (IOT-09)",
            iot,
            person("CA"),
            Query {
                recipient: Some("database_vendor"),
                ..q("data_storage", &["user.contact.email"])
            },
            DENY,
        ),
    ]
}
