//! Synthetic policies of any size, for benchmarks and scale tests.
//!
//! `synthetic_policy_yaml(n)` writes a valid policy with `n` purposes, `n`
//! recipients (each with a use), `n` trackers, `n / 10` categories in a
//! two-level hierarchy, retention rules and rights: the shape of a real
//! policy, grown.

use std::fmt::Write;

/// A valid policy document with `n` purposes, recipients and trackers.
pub fn synthetic_policy_yaml(n: usize) -> String {
    let n = n.max(1);
    let categories = (n / 10).max(10);
    let mut y = String::with_capacity(n * 900);
    y.push_str("vow: 1\npolicy:\n  id: synthetic\n  version: \"1\"\n  title: Synthetic policy\n  effective: 2026-01-05\n");
    y.push_str("organisation:\n  name: Synthetic Ltd\n  contacts: [{role: privacy, email: privacy@example.com}]\n");
    y.push_str("jurisdictions:\n  - {id: FR}\n  - {id: GB}\n  - {id: US-CA}\n  - {id: US}\n");
    y.push_str("categories:\n");
    for c in 0..categories {
        let _ = writeln!(
            y,
            "  - {{id: user.group{}.item{c}, name: Item {c}, sources: [subject]}}",
            c % 10
        );
    }
    y.push_str("purposes:\n");
    for p in 0..n {
        let _ = writeln!(
            y,
            "  - id: purpose_{p}\n    name: Purpose {p}\n    tags: [{}]\n    basis: {{default: legitimate_interests, FR: consent, GB: consent}}\n    consent:\n      model: opt_out\n      by_jurisdiction: {{FR: opt_in, GB: opt_in}}\n      withdrawal: [{{method: privacy_centre}}]\n    categories: [user.group{}, user.group{}.item{}]",
            if p % 3 == 0 {
                "analytics"
            } else {
                "marketing, direct_marketing"
            },
            p % 10,
            (p + 1) % 10,
            // `item{g + 10k}` sits in group `g`; pick one that exists.
            ((p + 1) % 10) + 10 * (p % (categories / 10)),
        );
    }
    y.push_str("recipients:\n");
    for r in 0..n {
        let _ = writeln!(
            y,
            "  - id: recipient_{r}\n    name: Recipient {r}\n    kind: processor\n    locations: [US]\n    transfers: [{{to: US, mechanism: standard_contractual_clauses}}]\n    uses:\n      - {{purpose: purpose_{r}, categories: [user.group{}]}}",
            r % 10
        );
    }
    y.push_str("trackers:\n");
    for t in 0..n {
        let _ = writeln!(
            y,
            "  - {{id: tracker_{t}, name: \"cookie_{t}_*\", kind: cookie, provider: Provider {t}, recipient: recipient_{t}, party: third, category: analytics, purpose: purpose_{t}, duration: 12 months, description: Measures use {t}}}"
        );
    }
    y.push_str("retention:\n  - {id: everything, categories: [user], keep: {for: 2 years}}\n");
    y.push_str("rights:\n  - {right: access, deadline: 1 month}\n  - {right: erasure, deadline: 1 month}\n  - {right: objection, deadline: 1 month}\n  - {right: right_to_know, jurisdictions: [US-CA], deadline: 45 days, limit: {count: 2, per: {rolling: 12 months}}}\n");
    y.push_str("notice: {mode: advance, period: 30 days, channels: [site, email]}\n");
    y.push_str("signals:\n  do_not_track: {honoured: false, statement: We do not respond to DNT.}\n  global_privacy_control: {honoured: true, required_in: [US-CA], statement: We honour GPC.}\n");
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_policies_check() {
        for n in [1, 10, 250] {
            let text = synthetic_policy_yaml(n);
            let checked = crate::check("synthetic.yaml", &text)
                .unwrap_or_else(|r| panic!("n={n}\n{}", r.render(false)));
            assert_eq!(checked.policy.purposes.len(), n);
            assert_eq!(checked.policy.trackers.len(), n);
            assert_eq!(checked.policy.recipients.len(), n);
        }
    }
}
