//! The comparison is of the same decisions: vow, Cedar and the floor give
//! the answer the policy promises to every question of the query set, and
//! Cedar evaluates every policy of its set without an error (an error
//! would mean a fact missing from the entities, silently skipped).

use vow_decisions_bench::Suite;
use vow_decisions_bench::cedar::{Cedar, Form};
use vow_decisions_bench::queries::now;
use vow_decisions_bench::scaled::{SUBJECT, Scaled};

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
fn the_scaled_query_is_allowed_by_vow_and_cedar() {
    let cedar = Cedar::new(Form::Merged);
    let per_rule = Cedar::new(Form::PerRule);
    for n in [10, 100] {
        let scaled = Scaled::new(n, &cedar);
        for c in [&cedar, &per_rule] {
            let response = c.is_authorized(&scaled.cedar, SUBJECT, &scaled.query, now());
            assert_eq!(
                response.decision(),
                cedar_policy::Decision::Allow,
                "n = {n}"
            );
            assert_eq!(response.diagnostics().errors().count(), 0, "n = {n}");
        }
    }
}
