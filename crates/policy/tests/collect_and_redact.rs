//! What the example policies state about collection points (EDU-01) and
//! data never stored (EDU-07, KIDS-10), as the policy crate answers it:
//! the check of a submission, the redaction of free text, and the check of
//! a category's patterns.

use vow_policy::redact::{CARD_CATEGORY, Redactor};
use vow_policy::submission::{self, Submission, WhyExtra};
use vow_policy::{Policy, check};

fn example(name: &str) -> Policy {
    let path = format!(
        "{}/../../examples/{name}/policy.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    check(&path, &text).unwrap().policy
}

fn submit<'a>(categories: &'a [&'a str]) -> Submission<'a> {
    Submission {
        categories,
        kind: None,
    }
}

/// EDU-01: registration takes contact data and, optionally, firmographics.
#[test]
fn edu_01_a_complete_registration_is_allowed() {
    let policy = example("edtech-classroom");
    let verdict = submission::check(
        &policy,
        "registration",
        submit(&[
            "user.contact.name",
            "user.contact.organization",
            // Within `user.contact.address`.
            "user.contact.address.city",
            "user.contact.phone_number",
            "user.contact.email",
            "user.workplace.industry",
        ]),
    )
    .unwrap();
    assert!(verdict.allowed, "{:?}", verdict.reasons);
    assert!(verdict.reasons.is_empty() && verdict.missing.is_empty() && verdict.extra.is_empty());
    assert_eq!(verdict.promises, ["EDU-01"]);
}

/// EDU-01: a registration without a phone number and with a card number is
/// refused, and the answer names both.
#[test]
fn edu_01_a_submission_missing_or_carrying_too_much_is_refused_naming_each() {
    let policy = example("edtech-classroom");
    let verdict = submission::check(
        &policy,
        "registration",
        submit(&[
            "user.contact.name",
            "user.contact.organization",
            "user.contact.address",
            "user.contact.email",
            "user.financial.credit_card",
            "user.health",
            "User Contact",
        ]),
    )
    .unwrap();
    assert!(!verdict.allowed);
    assert_eq!(verdict.missing, ["user.contact.phone_number"]);
    let extra: Vec<(&str, WhyExtra)> = verdict
        .extra
        .iter()
        .map(|e| (e.category.as_str(), e.why))
        .collect();
    assert_eq!(
        extra,
        [
            ("user.financial.credit_card", WhyExtra::NotCollected),
            ("user.health", WhyExtra::Undeclared),
            ("User Contact", WhyExtra::Malformed),
        ]
    );
    assert_eq!(
        verdict.reasons[0],
        "`registration` requires `user.contact.phone_number`, which the submission does not carry"
    );
    assert_eq!(
        verdict.reasons[1],
        "`registration` does not collect `user.financial.credit_card`"
    );
}

/// EDU-01: a broader key than the point lists carries more than it
/// collects; the kind of person who fills it in is checked when given.
#[test]
fn edu_01_a_broader_key_or_another_kind_of_person_is_refused() {
    let policy = example("edtech-classroom");
    let verdict = submission::check(
        &policy,
        "contact_me",
        submit(&["user.contact.name", "user.contact"]),
    )
    .unwrap();
    assert_eq!(verdict.missing, ["user.contact.email"]);
    assert_eq!(verdict.extra[0].category, "user.contact");
    let verdict = submission::check(
        &policy,
        "purchase",
        Submission {
            categories: &[
                "user.financial.billing_name",
                "user.financial.billing_address",
                "user.financial.credit_card",
                "user.workplace.seat_count",
            ],
            kind: Some("student"),
        },
    )
    .unwrap();
    assert!(!verdict.allowed);
    assert_eq!(
        verdict.reasons,
        ["`purchase` is filled in by a `customer`, not a `student`"]
    );
}

#[test]
fn an_unknown_point_names_the_points_there_are() {
    let policy = example("edtech-classroom");
    let err = submission::check(&policy, "newsletter", submit(&[])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`newsletter` is not a collection point of the policy in force; it declares registration, purchase, contact_me"
    );
}

/// EDU-07: a support ticket keeps neither the card number nor its security
/// code, as the edtech policy says of `user.financial.credit_card`.
#[test]
fn edu_07_a_ticket_is_kept_without_the_card_number_or_its_security_code() {
    let redactor = Redactor::new(&example("edtech-classroom"));
    assert_eq!(redactor.categories(), [CARD_CATEGORY]);
    let ticket = "Hi, I paid with 4111 1111 1111 1111 (CVV 123) but the seats did not change. Order 2026-1207.";
    let out = redactor.redact(ticket);
    assert_eq!(
        out.text,
        "Hi, I paid with [•••• 1111] ([•••]) but the seats did not change. Order 2026-1207."
    );
    assert_eq!(out.found.len(), 2);
    assert_eq!(
        &ticket[out.found[0].start..out.found[0].end],
        "4111 1111 1111 1111"
    );
    assert_eq!(&ticket[out.found[1].start..out.found[1].end], "CVV 123");
}

/// KIDS-10 and SHOP: every example that never stores card numbers finds
/// them; a policy that declares none looks for nothing.
#[test]
fn kids_10_cards_are_found_where_the_policy_never_stores_them() {
    for name in ["kids-coding-franchise", "course-shop", "edtech-classroom"] {
        let out = Redactor::new(&example(name)).redact("card 5555-5555-5555-4444");
        assert_eq!(out.text, "card [•••• 4444]", "{name}");
    }
    let agency = Redactor::new(&example("dev-agency"));
    assert!(agency.is_empty());
    assert_eq!(agency.redact("card 5555-5555-5555-4444").found, []);
}

fn codes_of(text: &str) -> Vec<(String, String, String)> {
    match check("policy.yaml", text) {
        Ok(_) => Vec::new(),
        Err(report) => report
            .diagnostics
            .iter()
            .map(|d| (d.code.to_owned(), d.path.clone(), d.message.clone()))
            .collect(),
    }
}

/// A pattern that does not compile, is too large, or sits on a category
/// that is not never stored is a check error at its place.
#[test]
fn patterns_are_checked() {
    let text = std::fs::read_to_string(format!(
        "{}/../../examples/edtech-classroom/policy.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let from = r"patterns: ['(?i)\b(?:cvv2?|cvc2?|security code)\s*(?:is|:|=)?\s*\d{3,4}\b']";
    assert!(text.contains(from));
    let bad = codes_of(&text.replace(from, "patterns: ['(cvv']"));
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].0, "P006");
    assert_eq!(bad[0].1, "/categories/7/patterns/0");
    assert!(bad[0].2.contains("unclosed group"), "{}", bad[0].2);
    let huge = codes_of(&text.replace(from, r"patterns: ['\w{1000}{1000}']"));
    assert_eq!(huge[0].0, "P006", "{huge:?}");
    assert!(huge[0].2.contains("make it simpler"), "{}", huge[0].2);
    let misplaced = codes_of(&text.replace(
        "{id: user.contact.email, name: E-mail address, sources: [subject]}",
        "{id: user.contact.email, name: E-mail address, sources: [subject], patterns: ['@']}",
    ));
    assert_eq!(misplaced.len(), 1, "{misplaced:?}");
    assert_eq!(misplaced[0].0, "P011");
    assert!(
        misplaced[0].2.contains("is not `never_stored`"),
        "{}",
        misplaced[0].2
    );
}
