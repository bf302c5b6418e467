//! `vow policy diff`: what changed between two versions of a policy, which
//! changes are material, and the earliest date the new version may take
//! effect.
//!
//! Elements are matched by id (rights by kind and jurisdictions) and
//! compared field by field on their serialised form, so every field of the
//! model is covered without a hand-written comparison per type. Each change
//! is then classified by one rule of [`RULES`] (`materiality`): material
//! when it lets the organisation do more with data or gives people less.

mod materiality;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use crate::model::{Channel, NoticeMode, Policy};

pub use materiality::{RULES, Rule};

/// Whether an element or field was added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Added,
    Removed,
    Changed,
}

/// One semantic change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub op: Op,
    /// The list or block of the policy (`purposes`, `notice`, ...).
    pub section: &'static str,
    /// The element's id; empty for single blocks such as `notice`.
    pub id: String,
    /// For `changed`: the field, dotted (`consent.model`, `basis`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// JSON pointers into each document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_path: Option<String>,
    pub material: bool,
    /// The code of the rule that classified it (`M001`...).
    pub rule: &'static str,
    pub reason: String,
}

/// Every change between two versions, in a stable order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyDiff {
    pub changes: Vec<Change>,
}

impl PolicyDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn material(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.material)
    }

    pub fn has_material(&self) -> bool {
        self.changes.iter().any(|c| c.material)
    }
}

/// How an element of a list is keyed.
type KeyFn = fn(&Value) -> String;

/// The lists compared element by element, and how an element is keyed.
const LISTS: &[(&str, KeyFn)] = &[
    ("jurisdictions", by_id),
    ("controllers", by_id),
    ("categories", by_id),
    ("subjects", by_id),
    ("memberships", by_id),
    ("purposes", by_id),
    ("communications", by_id),
    ("recipients", by_id),
    ("trackers", by_id),
    ("retention", by_id),
    ("rights", by_right),
    ("collection_points", by_id),
    ("roles", by_id),
];

/// Blocks compared as one element.
const BLOCKS: &[&str] = &[
    "organisation",
    "notice",
    "signals",
    "sale",
    "children",
    "legal_requests",
    "breach",
    "business_transfer",
    "security",
];

/// Fields of `policy:` that change with every version and say nothing about data.
const META_SKIPPED: &[&str] = &["version", "effective", "last_updated"];

fn by_id(element: &Value) -> String {
    element
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A right is the kind plus the jurisdictions it applies in.
fn by_right(element: &Value) -> String {
    let kind = element
        .get("right")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut places: Vec<&str> = element
        .get("jurisdictions")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    places.sort_unstable();
    if places.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}@{}", places.join(","))
    }
}

/// Compares two versions.
pub fn diff(old: &Policy, new: &Policy) -> PolicyDiff {
    let old = serde_json::to_value(old).expect("a policy serialises");
    let new = serde_json::to_value(new).expect("a policy serialises");
    let mut changes = Vec::new();
    for (list, key) in LISTS {
        diff_list(list, *key, &old, &new, &mut changes);
    }
    for block in BLOCKS {
        diff_block(block, &old, &new, &mut changes);
    }
    let mut meta_old = old.get("policy").cloned().unwrap_or(Value::Null);
    let mut meta_new = new.get("policy").cloned().unwrap_or(Value::Null);
    for skipped in META_SKIPPED {
        for m in [&mut meta_old, &mut meta_new] {
            if let Some(obj) = m.as_object_mut() {
                obj.remove(*skipped);
            }
        }
    }
    compare(
        "policy",
        "",
        &meta_old,
        &meta_new,
        "",
        "/policy",
        "/policy",
        &mut changes,
    );
    changes.sort_by(|a, b| {
        section_rank(a.section)
            .cmp(&section_rank(b.section))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.field.cmp(&b.field))
            .then_with(|| a.op.cmp(&b.op))
    });
    PolicyDiff { changes }
}

fn section_rank(section: &str) -> usize {
    LISTS
        .iter()
        .map(|(name, _)| *name)
        .chain(BLOCKS.iter().copied())
        .chain(std::iter::once("policy"))
        .position(|s| s == section)
        .unwrap_or(usize::MAX)
}

fn items<'v>(document: &'v Value, list: &str) -> Vec<&'v Value> {
    document
        .get(list)
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn diff_list(
    list: &'static str,
    key: fn(&Value) -> String,
    old: &Value,
    new: &Value,
    out: &mut Vec<Change>,
) {
    let old_items = items(old, list);
    let new_items = items(new, list);
    let find = |items: &[&Value], id: &str| items.iter().position(|v| key(v) == id);
    for (i, item) in old_items.iter().enumerate() {
        let id = key(item);
        match find(&new_items, &id) {
            None => out.push(materiality::element(
                Op::Removed,
                list,
                id,
                Some((*item).clone()),
                None,
                Some(format!("/{list}/{i}")),
                None,
            )),
            Some(j) => compare(
                list,
                &id,
                item,
                new_items[j],
                "",
                &format!("/{list}/{i}"),
                &format!("/{list}/{j}"),
                out,
            ),
        }
    }
    for (j, item) in new_items.iter().enumerate() {
        let id = key(item);
        if find(&old_items, &id).is_none() {
            out.push(materiality::element(
                Op::Added,
                list,
                id,
                None,
                Some((*item).clone()),
                None,
                Some(format!("/{list}/{j}")),
            ));
        }
    }
}

fn diff_block(block: &'static str, old: &Value, new: &Value, out: &mut Vec<Change>) {
    match (old.get(block), new.get(block)) {
        (None, None) => {}
        (Some(o), None) => out.push(materiality::element(
            Op::Removed,
            block,
            String::new(),
            Some(o.clone()),
            None,
            Some(format!("/{block}")),
            None,
        )),
        (None, Some(n)) => out.push(materiality::element(
            Op::Added,
            block,
            String::new(),
            None,
            Some(n.clone()),
            None,
            Some(format!("/{block}")),
        )),
        (Some(o), Some(n)) => compare(
            block,
            "",
            o,
            n,
            "",
            &format!("/{block}"),
            &format!("/{block}"),
            out,
        ),
    }
}

/// Objects compared as one value: maps keyed by jurisdiction, and values
/// whose parts mean nothing alone (a retention period, a request limit).
const WHOLE_VALUES: &[&str] = &["basis", "consent.by_jurisdiction", "keep", "limit"];

/// Compares two values of one element, recursing into objects.
#[allow(clippy::too_many_arguments)]
fn compare(
    section: &'static str,
    id: &str,
    old: &Value,
    new: &Value,
    field: &str,
    old_path: &str,
    new_path: &str,
    out: &mut Vec<Change>,
) {
    if same(old, new) {
        return;
    }
    if let (Value::Object(o), Value::Object(n)) = (old, new)
        && !WHOLE_VALUES.contains(&field)
    {
        let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            let sub = if field.is_empty() {
                key.clone()
            } else {
                format!("{field}.{key}")
            };
            let (op, np) = (format!("{old_path}/{key}"), format!("{new_path}/{key}"));
            match (o.get(key), n.get(key)) {
                (Some(a), Some(b)) => compare(section, id, a, b, &sub, &op, &np, out),
                (a, b) => out.push(materiality::field(
                    section,
                    id,
                    &sub,
                    a.cloned(),
                    b.cloned(),
                    a.map(|_| op),
                    b.map(|_| np),
                )),
            }
        }
        return;
    }
    out.push(materiality::field(
        section,
        id,
        field,
        Some(old.clone()),
        Some(new.clone()),
        Some(old_path.to_owned()),
        Some(new_path.to_owned()),
    ));
}

/// Equality where the order of list items does not matter.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && {
                let mut xs: Vec<String> = x.iter().map(Value::to_string).collect();
                let mut ys: Vec<String> = y.iter().map(Value::to_string).collect();
                xs.sort();
                ys.sort();
                xs == ys
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// When the new version may take effect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EffectiveDate {
    pub date: NaiveDate,
    pub published: NaiveDate,
    pub mode: NoticeMode,
    /// Why this date, in a sentence.
    pub rule: String,
    /// Where the old version says material changes are announced.
    pub notice_channels: Vec<Channel>,
    /// People must accept the new version again.
    pub renew_acceptance: bool,
}

/// The earliest date the new version may take effect, under the notice
/// rule of the version in force, when published on `published`.
pub fn earliest_effective(old: &Policy, diff: &PolicyDiff, published: NaiveDate) -> EffectiveDate {
    let notice = &old.notice;
    let material = diff.material().count();
    let (date, rule) = if material == 0 {
        (
            published,
            "no material change: the new version may take effect when it is published".to_owned(),
        )
    } else {
        match (notice.mode, &notice.period) {
            (NoticeMode::Advance, Some(period)) => {
                let date = period.notice_ends(published, &notice.holidays);
                let skipped = if matches!(
                    period,
                    crate::Duration::Span {
                        unit: crate::duration::Unit::BusinessDays,
                        ..
                    }
                ) {
                    format!(
                        " (weekends and {} declared holiday(s) skipped)",
                        notice.holidays.len()
                    )
                } else {
                    String::new()
                };
                (
                    date,
                    format!(
                        "{material} material change(s): the version in force promises {period} of notice, whole days counted after publication on {published}{skipped}; the change applies the day after the last"
                    ),
                )
            }
            _ => (
                published,
                format!(
                    "{material} material change(s), but the version in force takes changes into effect immediately on posting"
                ),
            ),
        }
    };
    EffectiveDate {
        date,
        published,
        mode: notice.mode,
        rule,
        notice_channels: notice.channels.clone(),
        renew_acceptance: notice.renew_acceptance && material > 0,
    }
}
