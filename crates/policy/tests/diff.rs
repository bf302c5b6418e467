//! `vow policy diff`: materiality rules, the effective date, and properties
//! that hold for any pair of policies.

use chrono::NaiveDate;
use proptest::prelude::*;
use vow_policy::diff::{Op, diff, earliest_effective};
use vow_policy::{ConsentModel, Duration, Policy, check};

fn example(name: &str) -> Policy {
    let path = format!(
        "{}/../../examples/{name}/policy.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("example");
    check(&path, &text).expect("example checks").policy
}

fn fixture(name: &str) -> Policy {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture");
    check(&path, &text)
        .unwrap_or_else(|r| panic!("{}", r.render(false)))
        .policy
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// The rule codes of every change from `old` to `new`, with materiality.
fn rules(old: &Policy, new: &Policy) -> Vec<(String, &'static str, bool)> {
    diff(old, new)
        .changes
        .into_iter()
        .map(|c| {
            (
                format!("{}/{}/{}", c.section, c.id, c.field.unwrap_or_default()),
                c.rule,
                c.material,
            )
        })
        .collect()
}

#[test]
fn a_new_version_of_the_edtech_policy() {
    let old = example("edtech-classroom");
    let new = fixture("edtech-classroom-v2.yaml");
    let d = diff(&old, &new);
    insta::assert_json_snapshot!(d);
    // promise: EDU-15 — material changes wait 7 full business days after
    // the day of notice: published 1 Dec 2026, they run 2–10 Dec, the new
    // version applies on 11 Dec 2026.
    let effective = earliest_effective(&old, &d, date("2026-12-01"));
    assert_eq!(effective.date, date("2026-12-11"));
    assert!(
        effective.rule.contains("7 business days"),
        "{}",
        effective.rule
    );
}

#[test]
fn immediate_notice_takes_effect_on_publication() {
    // promise: SHOP-08 — the shop's changes take effect on posting
    let old = example("course-shop");
    let mut new = old.clone();
    new.purposes
        .retain(|p| p.id.as_str() != "aggregated_statistics");
    new.purposes[0]
        .categories
        .push(vow_policy::CategoryKey::parse("user.device").unwrap());
    let d = diff(&old, &new);
    assert!(d.has_material());
    let effective = earliest_effective(&old, &d, date("2026-12-04"));
    assert_eq!(effective.date, date("2026-12-04"));
    assert!(effective.rule.contains("immediately"), "{}", effective.rule);
}

#[test]
fn without_material_change_the_new_version_applies_at_once() {
    let old = example("edtech-classroom");
    let mut new = old.clone();
    new.purposes.retain(|p| p.id.as_str() != "site_analytics");
    let d = diff(&old, &new);
    assert!(!d.is_empty() && !d.has_material(), "{:#?}", d.changes);
    assert_eq!(
        earliest_effective(&old, &d, date("2026-12-01")).date,
        date("2026-12-01")
    );
}

#[test]
fn renewed_acceptance_is_reported() {
    // promise: AGENCY-01 — a new material version asks for acceptance again
    let old = example("dev-agency");
    let mut new = old.clone();
    new.purposes[0]
        .categories
        .push(vow_policy::CategoryKey::parse("user.location").unwrap());
    let effective = earliest_effective(&old, &diff(&old, &new), date("2026-12-01"));
    assert!(effective.renew_acceptance);
    // promise: AGENCY-16 — extra notice by e-mail or on the site
    assert_eq!(effective.notice_channels.len(), 2);
}

/// A change made to a policy in a test case.
type Edit = Box<dyn Fn(&mut Policy)>;

#[test]
fn classification_of_typical_changes() {
    let base = example("kids-coding-franchise");
    let cases: Vec<(&str, Edit, &str, bool)> = vec![
        (
            "purpose added",
            Box::new(|p: &mut Policy| {
                let mut extra = p.purposes[0].clone();
                extra.id = vow_policy::ElementId::parse("new_use").unwrap();
                p.purposes.push(extra);
            }),
            "M001",
            true,
        ),
        (
            "purpose removed",
            Box::new(|p: &mut Policy| {
                p.purposes.remove(0);
            }),
            "M002",
            false,
        ),
        (
            "consent weakened",
            Box::new(|p: &mut Policy| p.purposes[3].consent.model = ConsentModel::OptOut),
            "M006",
            true,
        ),
        (
            "categories narrowed",
            Box::new(|p: &mut Policy| {
                p.purposes[0].categories.pop();
            }),
            "M009",
            false,
        ),
        (
            "tracker made longer",
            Box::new(|p: &mut Policy| p.trackers[1].duration = Duration::months(25)),
            "M014",
            true,
        ),
        (
            "tracker made shorter",
            Box::new(|p: &mut Policy| p.trackers[1].duration = Duration::months(6)),
            "M015",
            false,
        ),
        (
            "recipient may retain",
            Box::new(|p: &mut Policy| p.recipients[1].may_retain = true),
            "M012",
            true,
        ),
        (
            "right removed",
            Box::new(|p: &mut Policy| {
                p.rights.remove(0);
            }),
            "M003",
            true,
        ),
        (
            "DNT wording",
            Box::new(|p: &mut Policy| {
                if let Some(dnt) = p.signals.do_not_track.as_mut() {
                    dnt.statement = "We ignore DNT.".into();
                }
            }),
            "M020",
            false,
        ),
        (
            "GPC no longer required in California",
            Box::new(|p: &mut Policy| {
                if let Some(gpc) = p.signals.global_privacy_control.as_mut() {
                    gpc.required_in.clear();
                }
            }),
            "M010",
            true,
        ),
        (
            "sale turned on",
            Box::new(|p: &mut Policy| {
                if let Some(s) = p.sale.as_mut() {
                    s.sells = true;
                }
            }),
            "M012",
            true,
        ),
        (
            "jurisdiction added",
            Box::new(|p: &mut Policy| {
                let mut j = p.jurisdictions[0].clone();
                j.id = vow_policy::Jurisdiction::parse("CA").unwrap();
                p.jurisdictions.push(j);
            }),
            "M023",
            false,
        ),
    ];
    for (name, edit, rule, material) in cases {
        let mut new = base.clone();
        edit(&mut new);
        let found = rules(&base, &new);
        assert!(
            found.iter().any(|(_, r, m)| *r == rule && *m == material),
            "{name}: expected {rule} (material {material}), found {found:?}"
        );
    }
}

#[test]
fn every_rule_is_documented() {
    let docs = include_str!("../../../docs/diff.md");
    for rule in vow_policy::diff::RULES {
        assert!(
            docs.contains(&format!("| {} |", rule.code)),
            "docs/diff.md lacks {}",
            rule.code
        );
    }
}

/// Random versions of the example policies: elements dropped, reordered and changed.
fn versions() -> impl Strategy<Value = Policy> {
    let names = [
        "edtech-classroom",
        "dev-agency",
        "kids-coding-franchise",
        "course-shop",
        "iot-platform",
    ];
    (
        0..names.len(),
        any::<u64>(),
        any::<u64>(),
        0u32..40,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            move |(which, drop_mask, reorder_seed, months, flip_consent, toggle)| {
                let mut p = example(names[which]);
                let keep = |i: usize| drop_mask >> (i % 64) & 1 == 0;
                let mut i = 0;
                p.purposes.retain(|_| {
                    i += 1;
                    keep(i)
                });
                p.recipients.retain(|_| {
                    i += 1;
                    keep(i)
                });
                p.trackers.retain(|_| {
                    i += 1;
                    keep(i)
                });
                p.rights.retain(|_| {
                    i += 1;
                    keep(i)
                });
                p.retention.retain(|_| {
                    i += 1;
                    keep(i)
                });
                if let Some(t) = p.trackers.first_mut() {
                    t.duration = Duration::months(months);
                }
                if flip_consent && let Some(purpose) = p.purposes.first_mut() {
                    purpose.consent.model = ConsentModel::OptIn;
                }
                if toggle && let Some(r) = p.recipients.first_mut() {
                    r.may_retain = !r.may_retain;
                }
                let n = p.categories.len();
                if n > 1 {
                    p.categories.rotate_left((reorder_seed as usize) % n);
                }
                p
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_policy_does_not_differ_from_itself(p in versions()) {
        prop_assert!(diff(&p, &p).is_empty());
    }

    #[test]
    fn order_of_lists_does_not_matter(p in versions(), seed in any::<usize>()) {
        let mut shuffled = p.clone();
        let n = shuffled.purposes.len();
        if n > 0 { shuffled.purposes.rotate_right(seed % n); }
        shuffled.trackers.reverse();
        prop_assert!(diff(&p, &shuffled).is_empty());
    }

    #[test]
    fn swapping_swaps_additions_and_removals(a in versions(), b in versions()) {
        let forward = diff(&a, &b);
        let backward = diff(&b, &a);
        prop_assert_eq!(forward.changes.len(), backward.changes.len());
        for c in &forward.changes {
            let mirror = match c.op { Op::Added => Op::Removed, Op::Removed => Op::Added, Op::Changed => Op::Changed };
            let found = backward.changes.iter().any(|m| {
                m.op == mirror && m.section == c.section && m.id == c.id && m.field == c.field && m.old == c.new && m.new == c.old
            });
            prop_assert!(found, "no mirror for {:?}", c);
        }
    }

    #[test]
    fn diff_is_deterministic(a in versions(), b in versions()) {
        prop_assert_eq!(diff(&a, &b), diff(&a, &b));
    }
}
