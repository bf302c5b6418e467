//! What a collection point may receive (EDU-01): a form's submission carries
//! every category the point requires, and nothing the point does not
//! collect. `POST /v1/collections/{point}/check` and `vow collections
//! check` ask [`check`]; the answer names each category missing or extra.
//!
//! Keys are compared by the taxonomy: a key within a listed category is
//! collected (`user.contact.address.city` where the point lists
//! `user.contact.address`), and a required category is given by itself or
//! by a key within it. A broader key than the point lists
//! (`user.contact` where it lists only `user.contact.email`) carries more
//! than the point collects.
//!
//! Pure: the policy and the submission in, the verdict out.

use serde::Serialize;

use crate::ids::CategoryKey;
use crate::model::{CollectionPoint, Policy};

/// The most categories one submission may name.
pub const MAX_CATEGORIES: usize = 1_000;

/// What a submission is.
#[derive(Debug, Clone, Copy)]
pub struct Submission<'a> {
    /// The categories it carries, as keys.
    pub categories: &'a [&'a str],
    /// The kind of person who filled it in (`parent`), when known.
    pub kind: Option<&'a str>,
}

/// Why a category of the submission may not be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WhyExtra {
    /// The policy declares no such category (nor one it is within).
    Undeclared,
    /// The point collects neither it nor a category it is within.
    NotCollected,
    /// Not a category key at all.
    Malformed,
}

/// One category of the submission that may not be taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExtraCategory {
    pub category: String,
    pub why: WhyExtra,
    /// The sentence a person reads.
    pub message: String,
}

/// The answer for one submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verdict {
    /// The submission may be taken as it is.
    pub allowed: bool,
    pub point: String,
    /// The categories the point requires, in the policy's order.
    pub required: Vec<String>,
    /// The categories it may also take.
    pub optional: Vec<String>,
    /// Required categories the submission lacks.
    pub missing: Vec<String>,
    /// Categories it carries that the point does not collect.
    pub extra: Vec<ExtraCategory>,
    /// The point is filled in by another kind of person: `(expected, given)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wrong_kind: Option<WrongKind>,
    /// One sentence per problem; empty when allowed.
    pub reasons: Vec<String>,
    /// The promises the point is written for.
    pub promises: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WrongKind {
    pub expected: String,
    pub given: String,
}

/// No collection point has this id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{point}` is not a collection point of the policy in force{}", hint(.known))]
pub struct UnknownPoint {
    pub point: String,
    /// The points the policy declares.
    pub known: Vec<String>,
}

fn hint(known: &[String]) -> String {
    if known.is_empty() {
        "; it declares none".to_owned()
    } else {
        format!("; it declares {}", known.join(", "))
    }
}

/// Whether `submission` may be taken at `point`.
pub fn check(
    policy: &Policy,
    point: &str,
    submission: Submission<'_>,
) -> Result<Verdict, UnknownPoint> {
    let Some(p) = policy
        .collection_points
        .iter()
        .find(|c| c.id.as_str() == point)
    else {
        return Err(UnknownPoint {
            point: point.to_owned(),
            known: policy
                .collection_points
                .iter()
                .map(|c| c.id.to_string())
                .collect(),
        });
    };
    let given: Vec<Result<CategoryKey, &str>> = submission
        .categories
        .iter()
        .map(|k| CategoryKey::parse(k).map_err(|_| *k))
        .collect();
    let keys = |list: &[CategoryKey]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
    let missing: Vec<String> = p
        .required
        .iter()
        .filter(|r| !given.iter().flatten().any(|g| g.is_within(r)))
        .map(ToString::to_string)
        .collect();
    let mut extra: Vec<ExtraCategory> = Vec::new();
    for g in &given {
        let (category, why) = match g {
            Err(raw) => ((*raw).to_owned(), WhyExtra::Malformed),
            Ok(key) if !declared(policy, key) => (key.to_string(), WhyExtra::Undeclared),
            Ok(key) if !collects(p, key) => (key.to_string(), WhyExtra::NotCollected),
            Ok(_) => continue,
        };
        if extra.iter().any(|e| e.category == category) {
            continue;
        }
        let message = match why {
            WhyExtra::Malformed => format!(
                "`{category}` is not a category key (dotted words such as `user.contact.email`)"
            ),
            WhyExtra::Undeclared => {
                format!("`{category}` is not a data category the policy declares")
            }
            WhyExtra::NotCollected => format!("`{}` does not collect `{category}`", p.id),
        };
        extra.push(ExtraCategory {
            category,
            why,
            message,
        });
    }
    let wrong_kind = match (&p.subject_kind, submission.kind) {
        (Some(expected), Some(given)) if expected.as_str() != given => Some(WrongKind {
            expected: expected.to_string(),
            given: given.to_owned(),
        }),
        _ => None,
    };
    let mut reasons: Vec<String> = Vec::new();
    if !missing.is_empty() {
        reasons.push(format!(
            "`{}` requires {}, which the submission does not carry",
            p.id,
            quoted(&missing)
        ));
    }
    reasons.extend(extra.iter().map(|e| e.message.clone()));
    if let Some(w) = &wrong_kind {
        reasons.push(format!(
            "`{}` is filled in by a `{}`, not a `{}`",
            p.id, w.expected, w.given
        ));
    }
    Ok(Verdict {
        allowed: reasons.is_empty(),
        point: p.id.to_string(),
        required: keys(&p.required),
        optional: keys(&p.optional),
        missing,
        extra,
        wrong_kind,
        reasons,
        promises: p.promises.iter().map(ToString::to_string).collect(),
    })
}

fn declared(policy: &Policy, key: &CategoryKey) -> bool {
    policy.categories.iter().any(|c| key.is_within(&c.id))
}

fn collects(point: &CollectionPoint, key: &CategoryKey) -> bool {
    point
        .required
        .iter()
        .chain(&point.optional)
        .any(|c| key.is_within(c))
}

fn quoted(keys: &[String]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
