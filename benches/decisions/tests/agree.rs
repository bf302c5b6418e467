//! The comparison is of the same decisions: vow, Cedar and the floor give
//! the answer the policy promises to every question of the query set, and
//! Cedar evaluates every policy of its set without an error (an error
//! would mean a fact missing from the entities, silently skipped).

use vow_decisions_bench::Suite;
use vow_decisions_bench::cedar::{Cedar, Form};
use vow_decisions_bench::queries::now;
use vow_decisions_bench::scaled::Mix;

#[test]
fn vow_cedar_and_the_floor_agree_on_every_case() {
    let suite = Suite::load();
    let mut wrong = Vec::new();
    for (case, example) in suite.pairs() {
        let vow = vow_engine::decide(&example.vow, &case.subject, &case.query, now());
        let floor = example.floor.allows(&case.subject, &case.query, now());
        let merged = suite
            .cedar
            .is_authorized(&example.cedar, case.name, &case.query, now());
        let response =
            suite
                .cedar_per_rule
                .is_authorized(&example.cedar, case.name, &case.query, now());
        let allow = |r: &cedar_policy::Response| r.decision() == cedar_policy::Decision::Allow;
        let cedar = allow(&response);
        let errors: Vec<String> = response
            .diagnostics()
            .errors()
            .chain(merged.diagnostics().errors())
            .map(|e| e.to_string())
            .collect();
        if [vow.allowed, floor, cedar, allow(&merged)] != [case.allowed; 4] || !errors.is_empty() {
            let reasons: Vec<&str> = vow.reasons.iter().map(|r| r.rule).collect();
            let cedar_reasons: Vec<String> = response
                .diagnostics()
                .reason()
                .map(|id| id.to_string())
                .collect();
            wrong.push(format!(
                "{}: promised {}, vow {} ({reasons:?}), floor {floor}, cedar {cedar} ({cedar_reasons:?}), \
                 cedar merged {}, errors {errors:?}",
                case.name,
                case.allowed,
                vow.allowed,
                allow(&merged),
            ));
        }
    }
    assert!(wrong.is_empty(), "disagreements:\n{}", wrong.join("\n"));
}

#[test]
fn the_query_set_has_allows_and_denies_for_every_policy() {
    let suite = Suite::load();
    for example in &suite.examples {
        let answers: Vec<bool> = suite
            .cases
            .iter()
            .filter(|c| c.policy == example.name)
            .map(|c| c.allowed)
            .collect();
        assert!(
            answers.contains(&true) && answers.contains(&false),
            "{}: {answers:?}",
            example.name
        );
    }
    let mut names: Vec<&str> = suite.cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), suite.cases.len(), "case names are unique");
}

#[test]
fn all_three_let_the_purposes_a_restriction_exempts_go_on() {
    // promise: KIDS-14 — the kids' policy lets `legal_rights` continue
    // under a restriction (GDPR Art. 18(2)); every other purpose stops.
    let suite = Suite::load();
    let kids = suite
        .examples
        .iter()
        .find(|e| e.name == "kids-coding-franchise")
        .expect("the kids' policy");
    let case = suite
        .cases
        .iter()
        .find(|c| c.name == "kids_restricted_use")
        .expect("the restricted parent");
    let email: &[&str] = &["user.contact.email"];
    for (purpose, allowed) in [("legal_rights", true), ("provide_services", false)] {
        let query = vow_engine::Query {
            purpose,
            categories: email,
            ..Default::default()
        };
        let vow = vow_engine::decide(&kids.vow, &case.subject, &query, now());
        let floor = kids.floor.allows(&case.subject, &query, now());
        let cedar = suite.cedar.allows(&kids.cedar, case.name, &query, now());
        assert_eq!(
            [vow.allowed, floor, cedar],
            [allowed; 3],
            "{purpose}: {vow:?}"
        );
    }
}

#[test]
fn vow_and_cedar_agree_on_the_scaled_mix() {
    let cedar = Cedar::new(Form::Merged);
    let per_rule = Cedar::new(Form::PerRule);
    for n in [10, 100, 1_000] {
        let mix = Mix::new(n, &cedar);
        let mut allowed = 0;
        let mut rules = std::collections::BTreeSet::new();
        for i in 0..mix.queries.len() {
            let (id, subject, query) = mix.question(i);
            let vow = vow_engine::decide(&mix.vow, subject, query, now());
            allowed += usize::from(vow.allowed);
            if !vow.allowed {
                rules.extend(vow.reasons.iter().map(|r| r.rule));
            }
            // Every question of the fastest form; one in eight of the other.
            let forms: &[&Cedar] = if i % 8 == 0 {
                &[&cedar, &per_rule]
            } else {
                &[&cedar]
            };
            for c in forms {
                let response = c.is_authorized(&mix.cedar, id, query, now());
                assert_eq!(
                    response.decision() == cedar_policy::Decision::Allow,
                    vow.allowed,
                    "n = {n}, question {i}: {query:?} about {subject:?}: vow {vow:?}"
                );
                assert_eq!(response.diagnostics().errors().count(), 0, "n = {n}");
            }
        }
        // A mix of answers, denied for several reasons.
        let share = allowed * 100 / mix.queries.len();
        assert!((20..=80).contains(&share), "n = {n}: {share}% allowed");
        for rule in [
            "consent-missing",
            "recipient-purpose",
            "category-not-allowed",
        ] {
            assert!(
                rules.contains(rule),
                "n = {n}: no `{rule}` denial in {rules:?}"
            );
        }
    }
}
