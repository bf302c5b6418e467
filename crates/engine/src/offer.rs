//! What may be offered to a person to agree to: a purpose that no
//! consent could ever open to them — because of who they are (their
//! age, their kind, an audience they are not in), not because of what
//! they chose — is not offered. The privacy centre asks this before it
//! shows a parent the switches for their child.

use chrono::{DateTime, Utc};

use crate::compile::CompiledPolicy;
use crate::decide::{Query, decide};
use crate::state::{ConsentRecord, SubjectState};

/// The rules that deny a purpose for who the person is.
const WHO_THEY_ARE: &[&str] = &[
    "audience-excluded",
    "audience-membership-required",
    "audience-kind",
    "audience-jurisdiction",
    "audience-age",
    "child-not-admitted",
    "child-purpose-forbidden",
    "child-category-not-allowed",
];

/// Whether a consent to `purpose` could let it apply to the person whose
/// state is `state` at `now`: decided as if they had consented (and, for
/// a child, a parent's consent were verified), it is denied by no rule
/// about who they are. Where the policy marks what may be collected about
/// a child, the purpose is asked about for those of its categories — or,
/// when it has none of them, for all of its own, which a child's
/// decision then refuses.
pub fn could_consent(
    policy: &CompiledPolicy,
    state: &SubjectState,
    purpose: &str,
    now: DateTime<Utc>,
) -> bool {
    let mut agreed = state.clone();
    agreed.parental_consent_verified = true;
    agreed.consents.insert(
        purpose.to_owned(),
        ConsentRecord {
            given: true,
            at: now,
            policy_version: String::new(),
            until: None,
        },
    );
    let Some(index) = policy.purpose(purpose) else {
        return false;
    };
    let own = &policy.purposes[index].categories;
    let for_children = own.intersection(&policy.allowed_for_children);
    let asked = if for_children.is_empty() {
        own
    } else {
        &for_children
    };
    let keys: Vec<&str> = asked
        .iter()
        .map(|i| policy.categories[i].as_str())
        .collect();
    let query = Query {
        purpose,
        categories: &keys,
        ..Default::default()
    };
    !decide(policy, &agreed, &query, now)
        .reasons
        .iter()
        .any(|r| WHO_THEY_ARE.contains(&r.rule))
}
