//! The California right to know (Cal. Civ. Code § 1798.110 and .115): the
//! categories collected about a person, their sources, the purposes they
//! serve, and the categories disclosed to each recipient in the last 12
//! months — the last from the ledger's disclosure events, so the answer is
//! what happened, not what the policy allows.
//!
//! And the Shine the Light answer (Cal. Civ. Code § 1798.83(a)): the
//! categories disclosed in the preceding calendar year to third parties
//! for their own direct marketing, and who those third parties are.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use vow_policy::{CategoryKey, Policy, PurposeTag, RecipientKind, Source};
use vow_store::{Event, EventKind};

use crate::access::Found;
use crate::dataset::Dataset;

/// Which question a [`Know`] answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KnowScope {
    /// Everything held and every disclosure of the last 12 months.
    #[default]
    RightToKnow,
    /// Disclosures of the preceding calendar year to third parties for
    /// their direct marketing.
    ShineTheLight,
}

/// The answer to a right-to-know or Shine the Light request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Know {
    #[serde(default)]
    pub scope: KnowScope,
    /// The disclosures counted are those from this time on.
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// The categories of the columns that hold something of the person.
    pub categories: Vec<CategoryHeld>,
    /// Where those categories come from, per the policy.
    pub sources: Vec<Source>,
    /// The purposes that use any of those categories.
    pub purposes: Vec<Named>,
    /// What was disclosed, per recipient and purpose.
    pub disclosures: Vec<Disclosed>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryHeld {
    pub id: String,
    pub name: String,
    /// `dataset.table.column` where it is held.
    pub held_in: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disclosed {
    pub recipient: Named,
    pub purpose: String,
    pub categories: Vec<String>,
    /// How many disclosures, and the last one.
    pub times: u64,
    pub last: DateTime<Utc>,
}

/// Builds the answer from what access found in each dataset and the
/// person's ledger events, as of `now`.
pub fn report(
    policy: &Policy,
    found: &[(&Dataset, &Found)],
    events: &[Event],
    now: DateTime<Utc>,
) -> Know {
    let lang = policy
        .policy
        .languages
        .first()
        .map_or("en", |l| l.as_str())
        .to_owned();
    let since = now.checked_sub_months(Months::new(12)).unwrap_or(now);

    // Categories of the columns of tables where the person has rows.
    let mut held: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (dataset, found) in found {
        for rows in found.tables.iter().filter(|t| !t.rows.is_empty()) {
            let Some(spec) = dataset.tables.iter().find(|t| t.table == rows.table) else {
                continue;
            };
            for (column, c) in &spec.columns {
                if let Some(category) = &c.category {
                    held.entry(category.as_str().to_owned())
                        .or_default()
                        .insert(format!("{}.{}.{}", dataset.id, rows.table, column));
                }
            }
        }
    }
    let keys: Vec<CategoryKey> = held
        .keys()
        .filter_map(|k| CategoryKey::parse(k).ok())
        .collect();
    // A column's category, or the nearest declared one above it.
    let declared = |key: &CategoryKey| {
        policy
            .categories
            .iter()
            .filter(|c| key.is_within(&c.id))
            .max_by_key(|c| c.id.as_str().len())
    };
    let categories = held
        .iter()
        .map(|(id, places)| CategoryHeld {
            id: id.clone(),
            name: CategoryKey::parse(id)
                .ok()
                .and_then(|k| declared(&k))
                .map_or_else(|| id.clone(), |c| c.name.get(&lang).to_owned()),
            held_in: places.iter().cloned().collect(),
        })
        .collect();
    let sources: BTreeSet<Source> = keys
        .iter()
        .filter_map(declared)
        .flat_map(|c| c.sources.iter().copied())
        .collect();
    let purposes = policy
        .purposes
        .iter()
        .filter(|p| {
            p.categories
                .iter()
                .any(|pc| keys.iter().any(|k| k.is_within(pc) || pc.is_within(k)))
        })
        .map(|p| Named {
            id: p.id.as_str().to_owned(),
            name: p.name.get(&lang).to_owned(),
        })
        .collect();

    let disclosures = disclosed(policy, events, since, now, |_, _| true);
    Know {
        scope: KnowScope::RightToKnow,
        since,
        until: now,
        categories,
        sources: sources.into_iter().collect(),
        purposes,
        disclosures,
    }
}

/// The Shine the Light answer at `now`: what went, in the preceding
/// calendar year, to recipients that use it for their own direct
/// marketing — a separate business (a third party, an advertising
/// network, an independently owned franchisee) or any recipient the policy
/// lets use the data for its own purposes — for a purpose of marketing or
/// advertising; the recipients by name. A processor acting for the
/// organisation is not such a recipient.
pub fn shine_the_light(policy: &Policy, events: &[Event], now: DateTime<Utc>) -> Know {
    let year = now.year() - 1;
    let start = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc())
    };
    let since = start(year).unwrap_or(now);
    let until = start(year + 1).map_or(now, |t| t - chrono::TimeDelta::nanoseconds(1));
    let for_their_marketing = |recipient: &str, purpose: &str| {
        let marketing = policy
            .purposes
            .iter()
            .find(|p| p.id.as_str() == purpose)
            .is_some_and(|p| {
                p.tags.iter().any(|t| {
                    matches!(
                        t,
                        PurposeTag::Marketing
                            | PurposeTag::DirectMarketing
                            | PurposeTag::ThirdPartyMarketing
                            | PurposeTag::Advertising
                            | PurposeTag::TargetedAdvertising
                            | PurposeTag::Sharing
                            | PurposeTag::Sale
                    )
                })
            });
        let theirs = policy
            .recipients
            .iter()
            .find(|r| r.id.as_str() == recipient)
            .is_some_and(|r| {
                r.may_use_for_own_purposes
                    || matches!(
                        r.kind,
                        RecipientKind::ThirdParty
                            | RecipientKind::AdvertisingNetwork
                            | RecipientKind::Franchisee
                    )
            });
        marketing && theirs
    };
    Know {
        scope: KnowScope::ShineTheLight,
        since,
        until,
        categories: Vec::new(),
        sources: Vec::new(),
        purposes: Vec::new(),
        disclosures: disclosed(policy, events, since, until, for_their_marketing),
    }
}

/// The disclosures in the ledger between `since` and `until` that `keep`
/// (recipient, purpose) accepts, per recipient and purpose.
fn disclosed(
    policy: &Policy,
    events: &[Event],
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    keep: impl Fn(&str, &str) -> bool,
) -> Vec<Disclosed> {
    // (recipient, purpose) -> (categories, times, last).
    type Tally = (BTreeSet<String>, u64, DateTime<Utc>);
    let mut disclosed: BTreeMap<(String, String), Tally> = BTreeMap::new();
    for event in events.iter().filter(|e| e.at >= since && e.at <= until) {
        if let EventKind::DisclosureRecorded {
            recipient,
            purpose,
            categories,
        } = &event.kind
            && keep(recipient, purpose)
        {
            let entry = disclosed
                .entry((recipient.clone(), purpose.clone()))
                .or_insert((BTreeSet::new(), 0, event.at));
            entry.0.extend(categories.iter().cloned());
            entry.1 += 1;
            entry.2 = entry.2.max(event.at);
        }
    }
    disclosed
        .into_iter()
        .map(
            |((recipient, purpose), (categories, times, last))| Disclosed {
                recipient: Named {
                    name: policy
                        .recipients
                        .iter()
                        .find(|r| r.id.as_str() == recipient)
                        .map_or_else(|| recipient.clone(), |r| r.name.clone()),
                    id: recipient,
                },
                purpose,
                categories: categories.into_iter().collect(),
                times,
                last,
            },
        )
        .collect()
}
