//! Decisions as the policy grows: a synthetic policy
//! (`vow_policy::generate::synthetic_policy_yaml(n)`) with n purposes, n
//! recipients and n / 10 categories, and one disclosure in the middle of
//! it, as in `crates/engine/benches/decide.rs`.
//!
//! The answer has the same size at every n — an allow with a projection of
//! one category — so the times compare lookups, not the length of the
//! answer.

use vow_engine::{CompiledPolicy, ConsentRecord, Obligation, Query, SubjectState, compile};

use crate::cedar::{Cedar, World};
use crate::queries::now;

/// The subject's id in the Cedar world.
pub const SUBJECT: &str = "subject";

/// The synthetic policy of size n, its query and its subject, in vow's and
/// Cedar's forms.
pub struct Scaled {
    pub n: usize,
    pub vow: CompiledPolicy,
    pub cedar: World,
    pub subject: SubjectState,
    pub query: Query<'static>,
}

/// Leaks `s`: the scaled queries live as long as the benchmark process.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

impl Scaled {
    pub fn new(n: usize, cedar: &Cedar) -> Scaled {
        let text = vow_policy::generate::synthetic_policy_yaml(n);
        let policy = vow_policy::check("synthetic.yaml", &text)
            .unwrap_or_else(|r| panic!("the synthetic policy checks:\n{}", r.render(false)))
            .policy;
        let purpose = leak(format!("purpose_{}", n / 2));
        let recipient = leak(format!("recipient_{}", n / 2));
        // One leaf mid-way through the categories, in the group that both
        // the purpose and the recipient cover.
        let group = (n / 2) % 10;
        let item = group + 10 * ((n / 10).max(10) / 20);
        let category = leak(format!("user.group{group}.item{item}"));
        let categories: &'static [&'static str] = Box::leak(Box::new([category]));
        let mut subject = SubjectState {
            jurisdiction: Some("FR".into()),
            ..Default::default()
        };
        subject.consents.insert(
            purpose.to_owned(),
            ConsentRecord {
                given: true,
                at: now(),
                policy_version: "1".into(),
            },
        );
        let query = Query {
            purpose,
            categories,
            recipient: Some(recipient),
            ..Default::default()
        };
        let scaled = Scaled {
            n,
            vow: compile(&policy),
            cedar: cedar.world(&policy, &[(SUBJECT, &subject)]),
            subject,
            query,
        };
        {
            let d = vow_engine::decide(&scaled.vow, &scaled.subject, &scaled.query, now());
            assert!(
                d.allowed
                    && matches!(&d.obligations[..], [Obligation::SendOnly { categories }] if categories.len() == 1),
                "n = {n}: the scaled query is an allow with a one-category projection: {d:?}"
            );
        }
        assert!(
            cedar.allows(&scaled.cedar, SUBJECT, &scaled.query, now()),
            "n = {n}: Cedar allows the scaled query"
        );
        scaled
    }
}
