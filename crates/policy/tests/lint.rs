//! `vow policy lint`: each lint fires on a policy that breaks its rule and
//! stays quiet on the clean minimal policy; the findings on the five example
//! policies are snapshotted (they are the seeds' own problems).

use vow_policy::{Report, SourceFile, check, lint};

const MINIMAL: &str = include_str!("fixtures/minimal.yaml");

/// The codes of the findings about `text`, which must check.
fn codes(text: &str) -> Vec<&'static str> {
    let checked = check("case.yaml", text)
        .unwrap_or_else(|r| panic!("case does not check:\n{}", r.render(false)));
    lint::lint(&checked.policy)
        .into_iter()
        .map(|d| d.code)
        .collect()
}

/// The minimal policy with `section` inserted before `notice:` and each
/// `(from, to)` replaced once.
fn case(section: &str, edits: &[(&str, &str)]) -> String {
    let mut text = MINIMAL.replacen("notice:", &format!("{section}\nnotice:"), 1);
    for (from, to) in edits {
        assert!(text.contains(from), "fixture has no `{from}`");
        text = text.replacen(from, to, 1);
    }
    text
}

fn assert_fires(code: &str, text: &str) {
    let found = codes(text);
    assert!(
        found.contains(&code),
        "{code} did not fire; found {found:?}"
    );
}

const GA: &str = "trackers:\n  - {id: ga, name: _ga, kind: cookie, provider: Google, party: third, category: analytics, purpose: support, duration: 12 months, description: Analytics}";
const SUPPORT_BASIS: &str = "    basis: contract";

#[test]
fn l036_restriction_exempts_marketing() {
    // promise: KIDS-14 — a restriction changes decisions; only legal
    // grounds go on under it (GDPR Art. 18(2)).
    let exempt = |tags: &str| {
        case(
            "",
            &[
                (
                    "  - {right: restriction, deadline: 1 month}",
                    "  - {right: restriction, deadline: 1 month, exempt_purposes: [support]}",
                ),
                (
                    SUPPORT_BASIS,
                    &format!("{SUPPORT_BASIS}\n    tags: [{tags}]"),
                ),
            ],
        )
    };
    assert_fires("L036", &exempt("support, marketing"));
    assert_fires("L036", &exempt("analytics"));
    assert!(!codes(&exempt("legal_obligation")).contains(&"L036"));
}

#[test]
fn the_minimal_policy_is_clean() {
    assert_eq!(codes(MINIMAL), Vec::<&str>::new());
}

#[test]
fn l001_tracker_without_consent() {
    // promise: AGENCY-07, IOT-02 — advertising and analytics trackers need opt-in in the EU/UK
    assert_fires("L001", &case(GA, &[]));
    let consented = case(
        GA,
        &[(
            SUPPORT_BASIS,
            "    basis: consent\n    consent: {model: opt_in, withdrawal: [{method: banner}]}",
        )],
    );
    assert!(!codes(&consented).contains(&"L001"));
}

#[test]
fn l002_consent_cookie_too_long() {
    assert_fires("L002", &case(&GA.replace("12 months", "2 years"), &[]));
    assert_fires(
        "L002",
        &case(
            "",
            &[(
                SUPPORT_BASIS,
                "    basis: consent\n    consent: {model: opt_in, lifetime: 2 years, withdrawal: [{method: banner}]}",
            )],
        ),
    );
}

#[test]
fn l003_consent_without_withdrawal() {
    assert_fires(
        "L003",
        &case(
            "",
            &[(
                SUPPORT_BASIS,
                "    basis: consent\n    consent: {model: opt_in}",
            )],
        ),
    );
}

#[test]
fn l004_children_without_parental_consent() {
    // promise: AGENCY-02 — under-13s need a verified parental consent
    assert_fires(
        "L004",
        &case("children: {admitted: true, consent_age: 13}", &[]),
    );
    let verified = case(
        "children: {admitted: true, consent_age: 13, parental_consent: {verified: true}}",
        &[],
    );
    assert!(!codes(&verified).contains(&"L004"));
}

#[test]
fn l005_category_without_retention() {
    assert_fires(
        "L005",
        &case(
            "",
            &[(
                "    categories: [user.contact]\n    keep",
                "    categories: [user.contact.email]\n    keep",
            )],
        ),
    );
}

const IP: (&str, &str) = (
    "categories:\n",
    "categories:\n  - {id: user.device.ip_address, name: IP address}\n",
);
const IP_RETAINED: (&str, &str) = (
    "    categories: [user.contact]\n    keep",
    "    categories: [user.contact, user.device]\n    keep",
);

#[test]
fn l006_recipient_category_not_allowed() {
    // promise: IOT-09 — vendors get only the categories their purpose allows
    let section = "recipients:\n  - {id: crm, name: CRM, kind: processor, uses: [{purpose: support, categories: [user.device.ip_address]}]}";
    assert_fires("L006", &case(section, &[IP, IP_RETAINED]));
}

#[test]
fn l007_privacy_shield_transfer() {
    // The dev-agency seed relies on it (AGENCY-03, AGENCY-05).
    let section = "recipients:\n  - {id: mail, name: Mail, kind: processor, transfers: [{to: US, mechanism: privacy_shield}], uses: [{purpose: support, categories: [user.contact]}]}";
    assert_fires("L007", &case(section, &[]));
}

#[test]
fn l008_transfer_without_mechanism() {
    let section = "recipients:\n  - {id: mail, name: Mail, kind: processor, transfers: [{to: US, mechanism: unspecified}], uses: [{purpose: support, categories: [user.contact]}]}";
    assert_fires("L008", &case(section, &[]));
    let ok = section.replace("unspecified", "standard_contractual_clauses");
    assert!(!codes(&case(&ok, &[])).contains(&"L008"));
}

#[test]
fn l009_rights_deadline_exceeds_law() {
    let access = "{right: access, deadline: 1 month}";
    assert_fires(
        "L009",
        &case("", &[(access, "{right: access, deadline: 3 months}")]),
    );
    assert!(!codes(&case("", &[(access, "{right: access, deadline: 30 days}")])).contains(&"L009"));
}

const CALIFORNIA: (&str, &str) = ("  - id: GB\n", "  - id: GB\n  - id: US-CA\n");

#[test]
fn l010_california_without_dnt_statement() {
    assert_fires("L010", &case("", &[CALIFORNIA]));
}

#[test]
fn l011_sensitive_without_explicit_consent() {
    let sensitive = (
        "categories:\n",
        "categories:\n  - {id: user.health_and_medical, name: Health, sensitive: true}\n",
    );
    let uses = (
        "    categories: [user.contact]\nretention",
        "    categories: [user.contact, user.health_and_medical]\nretention",
    );
    let retained = (
        "    categories: [user.contact]\n    keep",
        "    categories: [user.contact, user.health_and_medical]\n    keep",
    );
    assert_fires("L011", &case("", &[sensitive, uses, retained]));
}

#[test]
fn l012_persistent_cookie_holds_secret() {
    // promise: EDU-08 — persistent cookies never hold account numbers or passwords
    let secret = (
        "categories:\n",
        "categories:\n  - {id: user.authorization.password, name: Password, secret: true}\n",
    );
    let tracker = "trackers:\n  - {id: login, name: login, kind: cookie, provider: Us, party: first, category: essential, purpose: support, duration: 30 days, description: Login, collects: [user.authorization.password]}";
    let retained = (
        "    categories: [user.contact]\n    keep",
        "    categories: [user.contact, user.authorization]\n    keep",
    );
    assert_fires("L012", &case(tracker, &[secret, retained]));
    assert!(
        !codes(&case(
            &tracker.replace("30 days", "session"),
            &[secret, retained]
        ))
        .contains(&"L012")
    );
}

#[test]
fn l013_sale_contradicts_statement() {
    // promise: AGENCY-04 — nothing is sold: a sale purpose is flagged
    let section =
        "sale: {sells: false, shares_for_advertising: false, statement: We sell nothing.}";
    assert_fires(
        "L013",
        &case(
            section,
            &[(SUPPORT_BASIS, "    tags: [sale]\n    basis: contract")],
        ),
    );
}

#[test]
fn l014_gpc_not_honoured_in_california() {
    // promise: KIDS-13 — GPC honoured where the law requires it even though DNT is not
    let dnt = "signals:\n  do_not_track: {honoured: false, statement: We do not respond to DNT.}";
    let tag = (
        SUPPORT_BASIS,
        "    tags: [targeted_advertising]\n    basis: contract",
    );
    assert_fires("L014", &case(dnt, &[CALIFORNIA, tag]));
    let gpc = format!(
        "{dnt}\n  global_privacy_control: {{honoured: false, required_in: [US-CA], statement: GPC is honoured in California.}}"
    );
    assert!(!codes(&case(&gpc, &[CALIFORNIA, tag])).contains(&"L014"));
}

#[test]
fn l015_immediate_notice_in_eu() {
    // promise: SHOP-08 — the shop's immediate mode is expressible, and flagged for an EU audience
    assert_fires(
        "L015",
        &case(
            "",
            &[(
                "  mode: advance\n  period: 7 business days",
                "  mode: immediate",
            )],
        ),
    );
}

#[test]
fn l016_legitimate_interests_without_objection() {
    assert_fires(
        "L016",
        &case("", &[(SUPPORT_BASIS, "    basis: legitimate_interests")]),
    );
    let objection = (
        "  - {right: complaint, deadline: 1 month}",
        "  - {right: complaint, deadline: 1 month}\n  - {right: objection, deadline: 1 month}",
    );
    assert!(
        !codes(&case(
            "",
            &[
                objection,
                (SUPPORT_BASIS, "    basis: legitimate_interests")
            ]
        ))
        .contains(&"L016")
    );
}

#[test]
fn l017_marketing_without_unsubscribe() {
    let comms = "communications:\n  - {id: news, name: News, purpose: support, channels: [email]}";
    let tag = (
        SUPPORT_BASIS,
        "    tags: [marketing]\n    basis: consent\n    consent: {model: opt_in, withdrawal: [{method: unsubscribe_link}]}",
    );
    assert_fires("L017", &case(comms, &[tag]));
}

#[test]
fn l018_essential_tracker_with_optional_purpose() {
    let tag = (SUPPORT_BASIS, "    tags: [analytics]\n    basis: contract");
    assert_fires(
        "L018",
        &case(
            &GA.replace("analytics, purpose", "essential, purpose"),
            &[tag],
        ),
    );
}

#[test]
fn l019_direct_marketing_opt_out_in_eu() {
    // promise: IOT-04 — marketing needs consent or the soft opt-in
    let tag = (
        SUPPORT_BASIS,
        "    tags: [direct_marketing]\n    basis: legitimate_interests\n    consent: {model: opt_out, withdrawal: [{method: unsubscribe_link}]}",
    );
    assert_fires("L019", &case("", &[tag]));
}

#[test]
fn l020_recipient_without_uses() {
    assert_fires(
        "L020",
        &case(
            "recipients:\n  - {id: crm, name: CRM, kind: processor}",
            &[],
        ),
    );
}

#[test]
fn l021_no_basis_for_jurisdiction() {
    let us = ("  - id: GB\n", "  - id: GB\n  - id: US\n");
    assert_fires(
        "L021",
        &case("", &[us, (SUPPORT_BASIS, "    basis: {US: contract}")]),
    );
}

#[test]
fn l022_withdrawal_harder_than_consent() {
    // promise: SHOP-07 — withdrawal by e-mail or post only
    let tag = (
        SUPPORT_BASIS,
        "    basis: consent\n    consent: {model: opt_in, withdrawal: [{method: post, address: 1 Road}]}",
    );
    assert_fires("L022", &case("", &[tag]));
}

#[test]
fn l023_sensitive_category_not_marked() {
    let health = (
        "categories:\n",
        "categories:\n  - {id: user.health_and_medical.genetic, name: Genetic data}\n",
    );
    assert_fires("L023", &case("", &[health]));
}

#[test]
fn l024_category_outside_taxonomy() {
    let odd = (
        "categories:\n",
        "categories:\n  - {id: internal.notes, name: Staff notes}\n",
    );
    assert_fires("L024", &case("", &[odd]));
}

#[test]
fn l025_processor_uses_for_own_purposes() {
    let section = "recipients:\n  - {id: ads, name: Ads, kind: processor, may_use_for_own_purposes: true, uses: [{purpose: support, categories: [user.contact]}]}";
    assert_fires("L025", &case(section, &[]));
}

#[test]
fn l026_secret_sent_to_recipient() {
    // promise: SHOP-01 — passwords are never sent to vendors
    let secret = (
        "categories:\n",
        "categories:\n  - {id: user.authorization.password, name: Password, secret: true}\n",
    );
    let uses = (
        "    categories: [user.contact]\nretention",
        "    categories: [user]\nretention",
    );
    let retained = (
        "    categories: [user.contact]\n    keep",
        "    categories: [user]\n    keep",
    );
    let section = "recipients:\n  - {id: host, name: Host, kind: processor, uses: [{purpose: support, categories: [user]}]}";
    assert_fires("L026", &case(section, &[secret, uses, retained]));
}

#[test]
fn l027_child_category_not_allowed() {
    // promise: KIDS-03 — only categories allowed for children are collected from under-13s
    let children =
        "children: {admitted: true, consent_age: 13, parental_consent: {verified: true}}";
    assert_fires(
        "L027",
        &case(
            children,
            &[(SUPPORT_BASIS, "    basis: contract\n    children: allowed")],
        ),
    );
}

#[test]
fn l032_never_stored_but_retained() {
    // promise: EDU-07, KIDS-10 — what is never stored is not retained either
    let card = (
        "categories:\n",
        "categories:\n  - {id: user.financial.credit_card, name: Card number, never_stored: true}\n",
    );
    let kept = (
        "retention:\n",
        "retention:\n  - {id: cards, categories: [user.financial.credit_card], keep: {for: 1 year}}\n",
    );
    assert_fires("L032", &case("", &[card, kept]));
    let not_stored = (
        "retention:\n",
        "retention:\n  - {id: cards, categories: [user.financial.credit_card], keep: not_stored}\n",
    );
    assert!(!codes(&case("", &[card, not_stored])).contains(&"L032"));
    // `not_stored` on a category the engine is not told never to store.
    let unflagged = (
        "categories:\n",
        "categories:\n  - {id: user.financial.credit_card, name: Card number}\n",
    );
    assert_fires("L032", &case("", &[unflagged, not_stored]));
}

#[test]
fn l033_never_stored_not_findable() {
    // promise: EDU-07 — vow redact finds what is never stored
    let iban = (
        "categories:\n",
        "categories:\n  - {id: user.financial.bank_account, name: IBAN, never_stored: true}\n",
    );
    assert_fires("L033", &case("", &[iban]));
    let with_pattern = (
        "categories:\n",
        "categories:\n  - {id: user.financial.bank_account, name: IBAN, never_stored: true, patterns: ['\\b[A-Z]{2}\\d{2}[A-Z0-9]{11,30}\\b']}\n",
    );
    assert!(!codes(&case("", &[with_pattern])).contains(&"L033"));
    let card = (
        "categories:\n",
        "categories:\n  - {id: user.financial.credit_card, name: Card number, never_stored: true}\n",
    );
    assert!(!codes(&case("", &[card])).contains(&"L033"));
}

/// Every lint has a test above and a section in docs/lints.md.
#[test]
fn every_lint_is_tested_and_documented() {
    let tests = include_str!("lint.rs");
    let docs = include_str!("../../../docs/lints.md");
    for l in lint::LINTS {
        let test = format!("fn {}_", l.code.to_lowercase());
        assert!(tests.contains(&test), "no test `{test}...`");
        let heading = format!("## {} `{}`", l.code, l.name);
        assert!(docs.contains(&heading), "docs/lints.md lacks `{heading}`");
    }
    let documented = docs.lines().filter(|l| l.starts_with("## L")).count();
    assert_eq!(
        documented,
        lint::LINTS.len(),
        "docs/lints.md documents a lint that does not exist"
    );
}

#[test]
fn l028_statutory_right_not_declared() {
    // The UK GDPR gives restriction whether or not the policy says so.
    let found = codes(&case(
        "",
        &[("  - {right: restriction, deadline: 1 month}\n", "")],
    ));
    assert!(found.contains(&"L028"), "{found:?}");
    // Objection is owed only where something relies on legitimate interests.
    let li = case("", &[(SUPPORT_BASIS, "    basis: legitimate_interests")]);
    assert_fires("L028", &li);
    // Declared everywhere (no `jurisdictions`), the right covers GB.
    assert!(!codes(MINIMAL).contains(&"L028"));
}

#[test]
fn l029_consent_age_below_law() {
    let children =
        "children: {admitted: true, consent_age: 13, parental_consent: {verified: true}}";
    let france = ("  - id: GB\n", "  - id: GB\n  - id: FR\n");
    assert_fires("L029", &case(children, &[france]));
    // The UK's age is 13: nothing to say.
    assert!(!codes(&case(children, &[])).contains(&"L029"));
    let sixteen = children.replace("13", "16");
    assert!(!codes(&case(&sixteen, &[france])).contains(&"L029"));
}

#[test]
fn l030_gpc_not_honoured_where_required() {
    let ads = "    tags: [targeted_advertising]\n    basis: contract";
    let colorado = ("  - id: GB\n", "  - id: GB\n  - id: US-CO\n");
    assert_fires("L030", &case("", &[colorado, (SUPPORT_BASIS, ads)]));
    let stated = "signals:\n  global_privacy_control: {honoured: false, required_in: [US-CO], statement: Honoured where the law requires it.}";
    assert!(!codes(&case(stated, &[colorado, (SUPPORT_BASIS, ads)])).contains(&"L030"));
    // Virginia's law asks no such thing.
    let virginia = ("  - id: GB\n", "  - id: GB\n  - id: US-VA\n");
    assert!(!codes(&case("", &[virginia, (SUPPORT_BASIS, ads)])).contains(&"L030"));
}

#[test]
fn l031_no_statutory_deadline() {
    let us = ("  - id: GB\n", "  - id: GB\n  - id: US\n");
    assert_fires("L031", &case("", &[us]));
    let canada = ("  - id: GB\n", "  - id: GB\n  - id: CA\n");
    // Canada answers access in 30 days (PIPEDA s. 8(3)) but sets no time
    // for a correction.
    let found = codes(&case("", &[canada]));
    assert!(found.contains(&"L031"), "{found:?}");
}

#[test]
fn l034_condition_not_checked() {
    // promise: EDU-04 — a condition on who may be contacted is enforced or reported
    let words = "communications:\n  - id: billing_reply\n    name: Billing answer\n    purpose: support\n    channels: [email]\n    condition: Only about billing.";
    assert_fires("L034", &case(words, &[]));
    let typed = format!("{words}\n    when: {{topics: [billing]}}");
    assert!(!codes(&case(&typed, &[])).contains(&"L034"));
}

/// The seeds' own problems, as the linter reports them.
#[test]
fn findings_on_the_examples() {
    for name in [
        "edtech-classroom",
        "dev-agency",
        "kids-coding-franchise",
        "course-shop",
        "iot-platform",
    ] {
        let path = format!("examples/{name}/policy.yaml");
        let text = std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR")))
            .expect("example");
        let checked = check(&path, &text).expect("example checks");
        let report = Report::new(SourceFile::new(path, text), lint::lint(&checked.policy));
        insta::assert_snapshot!(name, report.render(false));
    }
}
