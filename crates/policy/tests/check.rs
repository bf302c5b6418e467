//! `vow policy check`: what a person sees when a policy file is wrong.
//! Each case is a small broken policy; the snapshot is the rendered report.

use vow_policy::check;

const MINIMAL: &str = include_str!("fixtures/minimal.yaml");

/// Renders the report for `text`, or panics when it checks cleanly.
fn errors(name: &str, text: &str) -> String {
    match check(name, text) {
        Ok(_) => panic!("{name} was accepted"),
        Err(report) => report.render(false),
    }
}

/// The minimal policy with one line replaced.
fn with(from: &str, to: &str) -> String {
    assert!(MINIMAL.contains(from), "fixture has no `{from}`");
    MINIMAL.replacen(from, to, 1)
}

#[test]
fn the_minimal_policy_checks() {
    let checked = check("minimal.yaml", MINIMAL).unwrap_or_else(|r| panic!("{}", r.render(false)));
    assert_eq!(checked.policy.purposes.len(), 1);
    assert_eq!(checked.index.purposes["support"], 0);
}

#[test]
fn yaml_syntax() {
    insta::assert_snapshot!(errors(
        "syntax.yaml",
        &with("  name: Example Ltd", "  name: [Example Ltd")
    ));
}

#[test]
fn unknown_field_suggests_the_nearest() {
    insta::assert_snapshot!(errors(
        "typo.yaml",
        &with(
            "    basis: contract",
            "    basis: contract\n    catgories: [user.contact]"
        )
    ));
}

#[test]
fn unknown_top_level_section() {
    insta::assert_snapshot!(errors(
        "section.yaml",
        &with("notice:", "purpses: []\nnotice:")
    ));
}

#[test]
fn missing_field() {
    insta::assert_snapshot!(errors("missing.yaml", &with("    basis: contract\n", "")));
}

#[test]
fn invalid_enum_value() {
    insta::assert_snapshot!(errors(
        "enum.yaml",
        &with("  mode: advance", "  mode: in_advance")
    ));
}

#[test]
fn invalid_duration() {
    insta::assert_snapshot!(errors(
        "duration.yaml",
        &with("7 business days", "7 working days")
    ));
}

#[test]
fn invalid_date() {
    insta::assert_snapshot!(errors("date.yaml", &with("2026-01-05", "5 January 2026")));
}

#[test]
fn wrong_type() {
    insta::assert_snapshot!(errors(
        "type.yaml",
        &with(
            "    categories: [user.contact]\nretention",
            "    categories: user.contact\nretention"
        )
    ));
}

#[test]
fn duplicate_id_points_at_both() {
    let text = with(
        "  - id: user.contact.name\n",
        "  - id: user.contact.email\n",
    );
    insta::assert_snapshot!(errors("duplicate.yaml", &text));
}

#[test]
fn unresolved_reference_suggests_the_nearest() {
    insta::assert_snapshot!(errors(
        "reference.yaml",
        &with(
            "    categories: [user.contact]\nretention",
            "    categories: [user.contact.emial]\nretention"
        )
    ));
}

#[test]
fn a_restriction_exempts_only_purposes_the_policy_declares() {
    let exempt = |right: &str, purposes: &str| {
        with(
            "  - {right: restriction, deadline: 1 month}",
            &format!("  - {{right: {right}, deadline: 1 month, exempt_purposes: [{purposes}]}}"),
        )
    };
    let checked = check("exempt.yaml", &exempt("restriction", "support"))
        .unwrap_or_else(|r| panic!("{}", r.render(false)));
    let restriction = &checked.policy.rights[3];
    assert_eq!(restriction.exempt_purposes[0].as_str(), "support");
    let found = |text: &str| -> Vec<(&'static str, String)> {
        let report = check("exempt.yaml", text).expect_err("refused");
        report
            .diagnostics
            .iter()
            .map(|d| (d.code, d.path.clone()))
            .collect()
    };
    // A purpose the policy does not declare.
    assert_eq!(
        found(&exempt("restriction", "suport")),
        [("P008", "/rights/3/exempt_purposes/0".to_owned())]
    );
    // Only a restriction has purposes that continue under it.
    let other = with(
        "  - {right: erasure, deadline: 1 month}",
        "  - {right: erasure, deadline: 1 month, exempt_purposes: [support]}",
    );
    assert_eq!(
        found(&other),
        [("P011", "/rights/2/exempt_purposes".to_owned())]
    );
}

#[test]
fn unsupported_version() {
    insta::assert_snapshot!(errors("version.yaml", &with("vow: 1", "vow: 2")));
}

#[test]
fn not_a_policy() {
    insta::assert_snapshot!(errors("list.yaml", "- just\n- a list\n"));
}

#[test]
fn contradictions() {
    let text = with("    basis: contract", "    basis: consent").replace(
        "  mode: advance\n  period: 7 business days",
        "  mode: immediate\n  period: 7 business days",
    );
    insta::assert_snapshot!(errors("combination.yaml", &text));
}

/// Structural errors do not hide reference errors: every error at once.
#[test]
fn every_error_at_once() {
    let text = include_str!("check/many-errors.yaml");
    let report = check("many-errors.yaml", text).expect_err("broken");
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code).collect();
    for code in ["P002", "P003", "P005", "P006", "P007", "P008", "P011"] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    insta::assert_snapshot!(report.render(false));
}

#[test]
fn json_output_has_file_line_column_code_and_help() {
    let report = check(
        "typo.yaml",
        &with(
            "    basis: contract",
            "    basis: contract\n    catgories: [user.contact]",
        ),
    )
    .expect_err("broken");
    insta::assert_json_snapshot!(report.to_json());
}

/// Every check code is documented, and nothing documented is missing.
#[test]
fn every_code_is_documented() {
    let docs = include_str!("../../../docs/policy-errors.md");
    for code in vow_policy::check::CODES {
        let heading = format!("## {} `{}`", code.code, code.name);
        assert!(
            docs.contains(&heading),
            "docs/policy-errors.md lacks `{heading}`"
        );
    }
    let documented = docs.lines().filter(|l| l.starts_with("## P")).count();
    assert_eq!(
        documented,
        vow_policy::check::CODES.len(),
        "docs/policy-errors.md documents a code that does not exist"
    );
}

/// The schema committed for editors is the one the code generates.
#[test]
fn committed_schema_is_current() {
    let committed = include_str!("../../../schema/policy.schema.json");
    let current = vow_policy::check::json_schema_text();
    assert!(
        committed == current,
        "schema/policy.schema.json is stale: run `cargo run -p vow-cli -- policy schema -o schema/policy.schema.json`"
    );
}

#[test]
fn an_unquoted_comma_in_a_flow_mapping() {
    let text = with(
        "  - id: user.contact.name\n    name: Name",
        "  - {id: user.contact.name, name: Name, first and last}",
    );
    insta::assert_snapshot!(errors("comma.yaml", &text));
}

#[test]
fn a_key_given_twice() {
    insta::assert_snapshot!(errors(
        "twice.yaml",
        &with(
            "  title: Privacy policy",
            "  title: Privacy policy\n  title: Our policy"
        )
    ));
}

/// A policy with 10,000 purposes, recipients and trackers is read (the
/// parser's default budget of 250,000 nodes would refuse it).
#[test]
fn large_policies_are_read() {
    let text = vow_policy::generate::synthetic_policy_yaml(10_000);
    let checked =
        check("large.yaml", &text).unwrap_or_else(|r| panic!("{}", r.diagnostics[0].message));
    assert_eq!(checked.policy.trackers.len(), 10_000);
}

/// A message's condition (`when`, EDU-04) names attributes a subject kind
/// declares, with values of their type, and says something.
#[test]
fn send_conditions_name_declared_attributes_of_their_type() {
    let subjects = "subjects:\n  - id: student\n    name: Student\n    attributes:\n      - {id: self_pay, type: boolean}\n      - {id: seats, type: integer}";
    let with_when = |when: &str| {
        MINIMAL.replacen(
            "notice:",
            &format!(
                "{subjects}\ncommunications:\n  - id: billing_reply\n    name: Billing answer\n    purpose: support\n    channels: [email]\n    when: {when}\nnotice:"
            ),
            1,
        )
    };
    check(
        "ok.yaml",
        &with_when("{attributes: {self_pay: true}, topics: [billing]}"),
    )
    .unwrap_or_else(|r| panic!("{}", r.render(false)));
    let unknown = errors(
        "unknown.yaml",
        &with_when("{attributes: {self_paid: true}}"),
    );
    assert!(
        unknown.contains("no subject kind declares the attribute `self_paid`")
            && unknown.contains("did you mean `self_pay`?")
            && unknown.contains("unknown.yaml:40:36"),
        "{unknown}"
    );
    let typed = errors("typed.yaml", &with_when("{attributes: {seats: many}}"));
    assert!(
        typed.contains("`seats` is an integer attribute, and \"many\" is not one"),
        "{typed}"
    );
    let empty = errors("empty.yaml", &with_when("{}"));
    assert!(empty.contains("`when` says nothing"), "{empty}");
    let twice = errors("twice.yaml", &with_when("{topics: [billing, billing]}"));
    assert!(
        twice.contains("the topic `billing` is listed twice"),
        "{twice}"
    );
}
