//! Which changes are material, and the rule that says so.
//!
//! A change is material when it lets the organisation do more with personal
//! data, or gives people less: a new use, a wider disclosure, a longer
//! period, a weaker choice, a lost protection. Its reverse is not. A change
//! no rule recognises is presumed material (M025): when in doubt, tell people.

use serde::Serialize;
use serde_json::Value;

use super::{Change, Op};
use crate::duration::Duration;

/// A materiality rule.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    pub code: &'static str,
    pub material: bool,
    pub summary: &'static str,
}

macro_rules! rules {
    ($($ident:ident = $code:literal $material:literal $summary:literal;)*) => {
        $(const $ident: Rule = Rule { code: $code, material: $material, summary: $summary };)*
        /// Every rule, in code order.
        pub const RULES: &[Rule] = &[$($ident),*];
    };
}

rules! {
    ELEMENT_ADDED = "M001" true "A new purpose, recipient, controller, tracker, role, collection point, subject kind or membership: a new use or disclosure of data.";
    ELEMENT_REMOVED = "M002" false "An element removed: less is done with data.";
    RIGHT_REMOVED = "M003" true "A right removed.";
    RIGHT_ADDED = "M004" false "A right added.";
    BASIS_CHANGED = "M005" true "A lawful basis changed: people's rights follow from it.";
    CONSENT_WEAKENED = "M006" true "A weaker consent model (opt-in > soft opt-in > opt-out > none) somewhere it applies.";
    CONSENT_STRENGTHENED = "M007" false "A stronger consent model.";
    LIST_EXTENDED = "M008" true "A list gained items: more categories, uses, destinations, sources or recipients.";
    LIST_NARROWED = "M009" false "A list lost items (and gained none).";
    PROTECTION_REMOVED = "M010" true "A protection was turned off or lost: explicit consent, an obligation, encryption, verification of parental consent, a way to withdraw, an exclusion.";
    PROTECTION_ADDED = "M011" false "A protection was added.";
    RISK_ADDED = "M012" true "A risk was turned on: a recipient may keep or reuse data, cross-site tracking, sale or sharing, children admitted.";
    RISK_REMOVED = "M013" false "A risk was turned off.";
    PERIOD_LONGER = "M014" true "A period made longer: a cookie lifetime, a retention period, a deadline to answer or to notify.";
    PERIOD_SHORTER = "M015" false "A period made shorter.";
    NOTICE_SHORTER = "M016" true "Less notice of changes: a shorter notice period, or immediate effect.";
    NOTICE_LONGER = "M017" false "More notice of changes.";
    WEAKER = "M018" true "A weaker setting: a transfer safeguard, a tracker made third-party or optional, a looser rule for children.";
    STRONGER = "M019" false "A stronger setting.";
    TEXT_ONLY = "M020" false "Wording only: names, descriptions, statements, contact details, promise tags.";
    ESSENTIAL_TRACKER_ADDED = "M021" false "An essential (strictly necessary) tracker added.";
    CATEGORY_DECLARED = "M022" false "A data category declared or withdrawn: its use is judged on the purposes and recipients that use it.";
    JURISDICTION_ADDED = "M023" false "A jurisdiction added: people elsewhere lose nothing.";
    JURISDICTION_REMOVED = "M024" true "A jurisdiction removed: people there lose the protections declared for it.";
    UNCLASSIFIED = "M025" true "A change no rule recognises: presumed material.";
    OPTIONAL_MESSAGE_ADDED = "M026" false "A kind of message people can opt out of was added (its purpose is judged separately).";
}

/// Old and new values, or the JSON pointers to them.
type Pair<T> = (Option<T>, Option<T>);

fn change(
    op: Op,
    section: &'static str,
    id: String,
    field: Option<String>,
    values: Pair<Value>,
    paths: Pair<String>,
    (rule, reason): (Rule, String),
) -> Change {
    Change {
        op,
        section,
        id,
        field,
        old: values.0,
        new: values.1,
        old_path: paths.0,
        new_path: paths.1,
        material: rule.material,
        rule: rule.code,
        reason,
    }
}

/// A whole element added or removed.
pub fn element(
    op: Op,
    section: &'static str,
    id: String,
    old: Option<Value>,
    new: Option<Value>,
    old_path: Option<String>,
    new_path: Option<String>,
) -> Change {
    let what = if id.is_empty() {
        format!("`{section}`")
    } else {
        format!("{} `{id}`", singular(section))
    };
    let (rule, reason) = match (section, op) {
        ("rights", Op::Removed) => (RIGHT_REMOVED, format!("{what} is no longer offered")),
        ("rights", _) => (RIGHT_ADDED, format!("{what} is now offered")),
        ("categories", _) => (
            CATEGORY_DECLARED,
            format!(
                "{what} {}; what is done with it is judged on its uses",
                verb(op)
            ),
        ),
        ("jurisdictions", Op::Added) => (JURISDICTION_ADDED, format!("{what} is now served")),
        ("jurisdictions", _) => (
            JURISDICTION_REMOVED,
            format!("{what} is no longer served; people there lose its protections"),
        ),
        ("trackers", Op::Added)
            if new
                .as_ref()
                .and_then(|t| t.get("category"))
                .and_then(Value::as_str)
                == Some("essential") =>
        {
            (
                ESSENTIAL_TRACKER_ADDED,
                format!("{what} is strictly necessary"),
            )
        }
        ("communications", Op::Added)
            if new
                .as_ref()
                .and_then(|c| c.get("essential"))
                .and_then(Value::as_bool)
                != Some(true) =>
        {
            (
                OPTIONAL_MESSAGE_ADDED,
                format!("{what} is optional: people can opt out of it"),
            )
        }
        (
            "organisation" | "security" | "legal_requests" | "breach" | "business_transfer"
            | "signals" | "children" | "sale",
            Op::Added,
        ) => (PROTECTION_ADDED, format!("{what} section added")),
        (
            "organisation" | "security" | "legal_requests" | "breach" | "business_transfer"
            | "signals" | "children" | "sale",
            _,
        ) => (PROTECTION_REMOVED, format!("{what} section removed")),
        (_, Op::Added) => (ELEMENT_ADDED, format!("{what} is new")),
        (_, _) => (ELEMENT_REMOVED, format!("{what} was removed")),
    };
    change(
        op,
        section,
        id,
        None,
        (old, new),
        (old_path, new_path),
        (rule, reason),
    )
}

fn verb(op: Op) -> &'static str {
    match op {
        Op::Added => "declared",
        Op::Removed => "withdrawn",
        Op::Changed => "changed",
    }
}

fn singular(section: &str) -> &str {
    match section {
        "jurisdictions" => "jurisdiction",
        "controllers" => "controller",
        "categories" => "category",
        "subjects" => "subject kind",
        "memberships" => "membership",
        "purposes" => "purpose",
        "communications" => "communication",
        "recipients" => "recipient",
        "trackers" => "tracker",
        "retention" => "retention rule",
        "rights" => "right",
        "collection_points" => "collection point",
        "roles" => "role",
        other => other,
    }
}

/// Wording fields: changing them is never material.
const TEXT: &[&str] = &[
    "name",
    "title",
    "description",
    "statement",
    "scope",
    "note",
    "condition",
    "address",
    "email",
    "phone",
    "url",
    "website",
    "legal_name",
    "privacy_policy",
    "document",
    "refer_to",
    "promises",
    "measures",
    "referrals",
    "holidays",
    "contacts",
    "dpo",
    "languages",
    "functions",
    "exceptions",
    "established_in",
    "role",
    "subject_line",
];
/// Flags that protect people when true.
const PROTECTIVE: &[&str] = &[
    "explicit",
    "renew_on_material_change",
    "aggregate_only",
    "unsubscribe_link",
    "notify_parent",
    "never_stored",
    "secret",
    "sensitive",
    "encrypted_at_rest",
    "bind_purposes",
    "renew_acceptance",
    "honoured",
    "no_direct_contact",
    "unknown_age_is_child",
    "verified",
    "offer_protective_order",
    "object_to_improper",
    "notice_before_transfer",
    "successor_bound",
    "encryption_in_transit",
    "encryption_at_rest",
    "role_based_access",
    "allowed",
    "subject_confirms",
];
/// Flags that expose people when true.
const RISKY: &[&str] = &[
    "may_retain",
    "may_use_for_own_purposes",
    "cross_site",
    "sells",
    "shares_for_advertising",
    "admitted",
    "unless_prohibited",
    "essential",
    "allowed_for_children",
    "exclusive",
    "independently_owned",
];
/// Lists where losing items takes something from people.
const PROTECTIVE_LISTS: &[&str] = &[
    "withdrawal",
    "channels",
    "exclude_memberships",
    "require_memberships",
    "deny_purpose_tags",
    "deny_purposes",
    "steps",
    "intake",
    "laws",
    "required_in",
    "opts_out_of",
    "certifications",
    "proof",
];
/// Durations where longer is worse for people.
const LONGER_IS_WORSE: &[&str] = &[
    "duration",
    "lifetime",
    "deadline",
    "extension",
    "notify_subject_within",
    "notify_authority_within",
    "notify_subjects_within",
    "up_to",
];
/// Durations where shorter is worse for people.
const SHORTER_IS_WORSE: &[&str] = &["period", "notice_period"];

/// A field of a matched element changed (or appeared, or disappeared).
pub fn field(
    section: &'static str,
    id: &str,
    field: &str,
    old: Option<Value>,
    new: Option<Value>,
    old_path: Option<String>,
    new_path: Option<String>,
) -> Change {
    let last = field.rsplit('.').next().unwrap_or(field);
    let what = if id.is_empty() {
        format!("`{section}.{field}`")
    } else {
        format!("{} `{id}`: `{field}`", singular(section))
    };
    let (o, n) = (old.as_ref(), new.as_ref());
    let classified = classify(section, field, last, o, n, &what);
    change(
        Op::Changed,
        section,
        id.to_owned(),
        Some(field.to_owned()),
        (old, new),
        (old_path, new_path),
        classified,
    )
}

fn classify(
    section: &str,
    field: &str,
    last: &str,
    o: Option<&Value>,
    n: Option<&Value>,
    what: &str,
) -> (Rule, String) {
    if TEXT.contains(&last) && !(section == "children" && last == "description") {
        return (TEXT_ONLY, format!("{what} reworded"));
    }
    if field == "basis" {
        return (
            BASIS_CHANGED,
            format!("{what} changed from {} to {}", show(o), show(n)),
        );
    }
    if field == "consent.model" || field == "consent.by_jurisdiction" {
        return consent(field, o, n, what);
    }
    if field == "children" && section == "purposes" {
        return ranked(
            o,
            n,
            &["forbidden", "parental_consent", "allowed"],
            what,
            "a looser rule for children",
        );
    }
    if PROTECTIVE.contains(&last) {
        return flag(o, n, true, what);
    }
    if RISKY.contains(&last) {
        return flag(o, n, false, what);
    }
    if LONGER_IS_WORSE.contains(&last) || last == "keep" {
        return period(o, n, what, false);
    }
    if SHORTER_IS_WORSE.contains(&last) {
        return period(o, n, what, true);
    }
    match last {
        "mode" => {
            return ranked(
                o,
                n,
                &["advance", "immediate"],
                what,
                "less notice of changes",
            );
        }
        "party" => return ranked(o, n, &["first", "third"], what, "a third party now sets it"),
        "category" if section == "trackers" => {
            let essential = |v: Option<&Value>| v.and_then(Value::as_str) == Some("essential");
            return if essential(o) && !essential(n) {
                (WEAKER, format!("{what} is no longer strictly necessary"))
            } else {
                (
                    STRONGER,
                    format!("{what} changed from {} to {}", show(o), show(n)),
                )
            };
        }
        "consent_age" | "min_age" | "k_anonymity" | "ipv4_prefix" | "ipv6_prefix" => {
            // A lower age or k protects fewer people; a longer IP prefix keeps more of the address.
            let lower_is_worse = !matches!(last, "ipv4_prefix" | "ipv6_prefix");
            let (a, b) = (o.and_then(Value::as_f64), n.and_then(Value::as_f64));
            let worse = match (a, b) {
                (Some(a), Some(b)) => (b < a) == lower_is_worse,
                (Some(_), None) => true,
                (None, _) => false,
            };
            return if worse {
                (
                    WEAKER,
                    format!("{what} changed from {} to {}", show(o), show(n)),
                )
            } else {
                (
                    STRONGER,
                    format!("{what} changed from {} to {}", show(o), show(n)),
                )
            };
        }
        "limit" => {
            return if o.is_none() || n.is_some() && o != n {
                (
                    WEAKER,
                    format!("{what}: requests are now limited ({})", show(n)),
                )
            } else {
                (STRONGER, format!("{what}: the limit was lifted"))
            };
        }
        "mechanism" => {
            return ranked_by(
                o,
                n,
                mechanism_strength,
                what,
                "a weaker transfer safeguard",
            );
        }
        "soft_opt_in" => {
            return flag(
                o.map(|_| &Value::Bool(true)),
                n.map(|_| &Value::Bool(true)),
                false,
                what,
            );
        }
        _ => {}
    }
    if PROTECTIVE_LISTS.contains(&last) {
        return list(o, n, what, true);
    }
    if o.is_some_and(Value::is_array) || n.is_some_and(Value::is_array) {
        return list(o, n, what, false);
    }
    (
        UNCLASSIFIED,
        format!("{what} changed from {} to {}", show(o), show(n)),
    )
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "nothing".to_owned(),
        Some(Value::String(s)) => format!("`{s}`"),
        Some(other) => format!("`{other}`"),
    }
}

fn consent_strength(v: Option<&Value>) -> i32 {
    match v.and_then(Value::as_str) {
        Some("opt_in") => 3,
        Some("soft_opt_in") => 2,
        Some("opt_out") => 1,
        _ => 0,
    }
}

fn consent(field: &str, o: Option<&Value>, n: Option<&Value>, what: &str) -> (Rule, String) {
    let weaker = if field == "consent.model" {
        consent_strength(n) < consent_strength(o)
    } else {
        // Per jurisdiction: weaker if any entry lost strength or disappeared.
        let empty = serde_json::Map::new();
        let (om, nm) = (
            o.and_then(Value::as_object).unwrap_or(&empty),
            n.and_then(Value::as_object).unwrap_or(&empty),
        );
        om.iter()
            .any(|(k, v)| consent_strength(nm.get(k)) < consent_strength(Some(v)))
    };
    if weaker {
        (
            CONSENT_WEAKENED,
            format!("{what} is weaker: {} → {}", show(o), show(n)),
        )
    } else {
        (
            CONSENT_STRENGTHENED,
            format!("{what} is as strong or stronger: {} → {}", show(o), show(n)),
        )
    }
}

fn flag(o: Option<&Value>, n: Option<&Value>, protective: bool, what: &str) -> (Rule, String) {
    let on = |v: Option<&Value>| v.and_then(Value::as_bool).unwrap_or(false);
    let (was, is) = (on(o), on(n));
    match (protective, was, is) {
        (true, true, false) => (PROTECTION_REMOVED, format!("{what} was turned off")),
        (true, _, _) => (PROTECTION_ADDED, format!("{what} was turned on")),
        (false, false, true) => (RISK_ADDED, format!("{what} was turned on")),
        (false, _, _) => (RISK_REMOVED, format!("{what} was turned off")),
    }
}

/// Ranks a retention period or a duration; `until_*` periods outlast any fixed span.
fn period_seconds(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::String(s) => match s.as_str() {
            "not_stored" => Some(0),
            "until_purpose_fulfilled" => Some(u64::MAX - 2),
            "until_account_closed" => Some(u64::MAX - 1),
            "until_subject_request" => Some(u64::MAX),
            text => text.parse::<Duration>().ok().map(|d| d.approx_seconds()),
        },
        Value::Object(o) => o
            .get("for")
            .and_then(Value::as_str)
            .and_then(|t| t.parse::<Duration>().ok())
            .map(|d| d.approx_seconds()),
        _ => None,
    }
}

fn period(
    o: Option<&Value>,
    n: Option<&Value>,
    what: &str,
    shorter_is_worse: bool,
) -> (Rule, String) {
    let (a, b) = (period_seconds(o), period_seconds(n));
    let described = format!("{what}: {} → {}", show(o), show(n));
    if shorter_is_worse {
        let worse = match (a, b) {
            (Some(a), Some(b)) => b < a,
            (Some(_), None) => true,
            _ => false,
        };
        return if worse {
            (NOTICE_SHORTER, described)
        } else {
            (NOTICE_LONGER, described)
        };
    }
    let worse = match (a, b) {
        (Some(a), Some(b)) => b > a,
        (None, Some(_)) => true,
        _ => false,
    };
    if worse {
        (PERIOD_LONGER, described)
    } else {
        (PERIOD_SHORTER, described)
    }
}

fn ranked(
    o: Option<&Value>,
    n: Option<&Value>,
    order: &[&str],
    what: &str,
    worse_text: &str,
) -> (Rule, String) {
    let rank = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .and_then(|s| order.iter().position(|x| *x == s))
    };
    ranked_result(rank(o), rank(n), what, worse_text, o, n)
}

fn ranked_by(
    o: Option<&Value>,
    n: Option<&Value>,
    strength: fn(&str) -> usize,
    what: &str,
    worse_text: &str,
) -> (Rule, String) {
    // Higher strength is better, so rank is inverted.
    let rank = |v: Option<&Value>| v.and_then(Value::as_str).map(|s| 10 - strength(s));
    ranked_result(rank(o), rank(n), what, worse_text, o, n)
}

fn ranked_result(
    a: Option<usize>,
    b: Option<usize>,
    what: &str,
    worse_text: &str,
    o: Option<&Value>,
    n: Option<&Value>,
) -> (Rule, String) {
    let worse = match (a, b) {
        (Some(a), Some(b)) => b > a,
        (None, Some(_)) => true,
        _ => false,
    };
    if worse {
        (
            WEAKER,
            format!("{what}: {} → {} ({worse_text})", show(o), show(n)),
        )
    } else {
        (STRONGER, format!("{what}: {} → {}", show(o), show(n)))
    }
}

fn mechanism_strength(m: &str) -> usize {
    match m {
        "adequacy"
        | "standard_contractual_clauses"
        | "binding_corporate_rules"
        | "data_privacy_framework" => 3,
        "consent" | "contract" => 2,
        "privacy_shield" => 1,
        _ => 0,
    }
}

fn list(o: Option<&Value>, n: Option<&Value>, what: &str, protective: bool) -> (Rule, String) {
    let items = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::Array(a)) => a.iter().map(Value::to_string).collect(),
            Some(other) => vec![other.to_string()],
            None => Vec::new(),
        }
    };
    let (a, b) = (items(o), items(n));
    let gained: Vec<&String> = b.iter().filter(|x| !a.contains(x)).collect();
    let lost: Vec<&String> = a.iter().filter(|x| !b.contains(x)).collect();
    let describe = |xs: &[&String]| {
        xs.iter()
            .map(|s| s.trim_matches('"').to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if !gained.is_empty() {
        parts.push(format!("added {}", describe(&gained)));
    }
    if !lost.is_empty() {
        parts.push(format!("removed {}", describe(&lost)));
    }
    let reason = format!("{what}: {}", parts.join("; "));
    match (protective, gained.is_empty(), lost.is_empty()) {
        (true, _, false) => (PROTECTION_REMOVED, reason),
        (true, _, true) => (PROTECTION_ADDED, reason),
        (false, false, _) => (LIST_EXTENDED, reason),
        (false, true, _) => (LIST_NARROWED, reason),
    }
}
