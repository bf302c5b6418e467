//! `compile`: a checked policy turned into what decisions need, looked up
//! by index: every category a bit, every purpose, recipient, membership and
//! communication in a vector, every id interned once.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use vow_policy::model::*;
use vow_policy::{CategoryKey, law};

use crate::bits::Bits;

/// A purpose, ready for decisions.
#[derive(Debug, Clone)]
pub struct CompiledPurpose {
    pub id: String,
    pub tags: Vec<PurposeTag>,
    pub basis: BasisSpec,
    pub consent: ConsentSpec,
    pub categories: Bits,
    pub exclude_memberships: Vec<usize>,
    pub require_memberships: Vec<usize>,
    pub subject_kinds: Vec<String>,
    pub min_age: Option<u8>,
    pub jurisdictions: Vec<String>,
    pub children: Option<ChildrenPolicy>,
    pub obligations: Obligations,
    pub promises: Vec<String>,
    /// Tagged marketing or direct marketing.
    pub marketing: bool,
    /// Tagged sale, sharing or targeted advertising (what GPC opts out of).
    pub sale_or_sharing: bool,
    /// Tagged essential: a restriction still allows storage only.
    pub essential: bool,
}

impl CompiledPurpose {
    pub fn has_tag(&self, tag: PurposeTag) -> bool {
        self.tags.contains(&tag)
    }
}

#[derive(Debug, Clone)]
pub struct CompiledRecipient {
    pub id: String,
    pub kind: RecipientKind,
    /// Purpose index → the categories the recipient may receive for it.
    pub uses: HashMap<usize, (Bits, Obligations)>,
    pub promises: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct CompiledMembership {
    pub id: String,
    pub deny_tags: Vec<PurposeTag>,
    pub deny_purposes: Vec<usize>,
    pub communications_only: Option<Vec<usize>>,
    pub promises: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct CompiledCommunication {
    pub id: String,
    pub essential: bool,
    pub purpose: usize,
    pub channels: Vec<Channel>,
    pub promises: Vec<String>,
}

/// A policy compiled for the engine. Always consistent: built only from a
/// policy that passed `vow_policy::check`.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    pub id: String,
    pub version: String,
    pub categories: Vec<CategoryKey>,
    category_sets: HashMap<String, Bits>,
    pub purposes: Vec<CompiledPurpose>,
    purpose_index: HashMap<String, usize>,
    pub recipients: Vec<CompiledRecipient>,
    recipient_index: HashMap<String, usize>,
    pub memberships: Vec<CompiledMembership>,
    membership_index: HashMap<String, usize>,
    pub communications: Vec<CompiledCommunication>,
    communication_index: HashMap<String, usize>,
    /// Categories that are secrets: never disclosed.
    pub secrets: Bits,
    /// Categories that may be collected about a child.
    pub allowed_for_children: Bits,
    pub children: Option<ChildrenRule>,
    pub gpc: Option<SignalStance>,
    pub dnt: Option<SignalStance>,
    /// Collection point id → (its purposes, whether data is bound to them).
    pub collection_points: HashMap<String, (Vec<usize>, bool)>,
    /// Per purpose: consents given before this instant predate a material
    /// change of the purpose and must be asked again.
    reconsent_before: HashMap<usize, DateTime<Utc>>,
}

fn positions<T>(items: &[T], id: impl Fn(&T) -> &str) -> HashMap<String, usize> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| (id(item).to_owned(), i))
        .collect()
}

/// Compiles a checked policy.
pub fn compile(policy: &Policy) -> CompiledPolicy {
    let categories: Vec<CategoryKey> = policy.categories.iter().map(|c| c.id.clone()).collect();
    let n = categories.len();
    // Every declared key and every ancestor of one maps to the set it covers.
    let mut category_sets: HashMap<String, Bits> = HashMap::new();
    for (bit, key) in categories.iter().enumerate() {
        let mut prefix = key.as_str();
        loop {
            category_sets
                .entry(prefix.to_owned())
                .or_insert_with(|| Bits::with_capacity(n))
                .insert(bit);
            match prefix.rsplit_once('.') {
                Some((parent, _)) => prefix = parent,
                None => break,
            }
        }
    }
    let set = |keys: &[CategoryKey]| {
        let mut bits = Bits::with_capacity(n);
        for k in keys {
            if let Some(s) = category_sets.get(k.as_str()) {
                bits.union_with(s);
            }
        }
        bits
    };
    let flagged = |flag: fn(&Category) -> bool| {
        let mut bits = Bits::with_capacity(n);
        for (i, c) in policy.categories.iter().enumerate() {
            if flag(c) {
                bits.insert(i);
            }
        }
        bits
    };
    let membership_index = positions(&policy.memberships, |m| m.id.as_str());
    let purpose_index = positions(&policy.purposes, |p| p.id.as_str());
    let communication_index = positions(&policy.communications, |c| c.id.as_str());
    let lookup = |index: &HashMap<String, usize>, ids: &[vow_policy::ElementId]| -> Vec<usize> {
        ids.iter()
            .filter_map(|id| index.get(id.as_str()).copied())
            .collect()
    };
    let promises =
        |p: &[vow_policy::PromiseId]| p.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let purposes = policy
        .purposes
        .iter()
        .map(|p| {
            let audience = p.audience.clone().unwrap_or_default();
            CompiledPurpose {
                id: p.id.to_string(),
                tags: p.tags.clone(),
                basis: p.basis.clone(),
                consent: p.consent.clone(),
                categories: set(&p.categories),
                exclude_memberships: lookup(&membership_index, &audience.exclude_memberships),
                require_memberships: lookup(&membership_index, &audience.require_memberships),
                subject_kinds: audience
                    .subject_kinds
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                min_age: audience.min_age,
                jurisdictions: audience
                    .jurisdictions
                    .iter()
                    .map(|j| j.to_string())
                    .collect(),
                children: p.children,
                obligations: p.obligations.clone(),
                promises: promises(&p.promises),
                marketing: p
                    .tags
                    .iter()
                    .any(|t| matches!(t, PurposeTag::Marketing | PurposeTag::DirectMarketing)),
                sale_or_sharing: p.tags.iter().any(|t| {
                    matches!(
                        t,
                        PurposeTag::Sale | PurposeTag::Sharing | PurposeTag::TargetedAdvertising
                    )
                }),
                essential: p.tags.contains(&PurposeTag::Essential),
            }
        })
        .collect();
    let recipients = policy
        .recipients
        .iter()
        .map(|r| CompiledRecipient {
            id: r.id.to_string(),
            kind: r.kind,
            uses: r
                .uses
                .iter()
                .filter_map(|u| {
                    let p = *purpose_index.get(u.purpose.as_str())?;
                    Some((p, (set(&u.categories), u.obligations.clone())))
                })
                .collect(),
            promises: promises(&r.promises),
        })
        .collect();
    let memberships = policy
        .memberships
        .iter()
        .map(|m| CompiledMembership {
            id: m.id.to_string(),
            deny_tags: m.deny_purpose_tags.clone(),
            deny_purposes: lookup(&purpose_index, &m.deny_purposes),
            communications_only: m
                .communications_only
                .as_ref()
                .map(|ids| lookup(&communication_index, ids)),
            promises: promises(&m.promises),
        })
        .collect();
    let communications = policy
        .communications
        .iter()
        .filter_map(|c| {
            Some(CompiledCommunication {
                id: c.id.to_string(),
                essential: c.essential,
                purpose: *purpose_index.get(c.purpose.as_str())?,
                channels: c.channels.clone(),
                promises: promises(&c.promises),
            })
        })
        .collect();
    let collection_points = policy
        .collection_points
        .iter()
        .map(|c| {
            (
                c.id.to_string(),
                (lookup(&purpose_index, &c.purposes), c.bind_purposes),
            )
        })
        .collect();
    CompiledPolicy {
        id: policy.policy.id.to_string(),
        version: policy.policy.version.clone(),
        categories,
        secrets: flagged(|c| c.secret),
        allowed_for_children: flagged(|c| c.allowed_for_children),
        category_sets,
        purposes,
        purpose_index,
        recipients,
        recipient_index: positions(&policy.recipients, |r| r.id.as_str()),
        memberships,
        membership_index,
        communications,
        communication_index,
        children: policy.children.clone(),
        gpc: policy.signals.global_privacy_control.clone(),
        dnt: policy.signals.do_not_track.clone(),
        collection_points,
        reconsent_before: HashMap::new(),
    }
}

impl CompiledPolicy {
    pub fn purpose(&self, id: &str) -> Option<usize> {
        self.purpose_index.get(id).copied()
    }

    pub fn recipient(&self, id: &str) -> Option<usize> {
        self.recipient_index.get(id).copied()
    }

    pub fn membership(&self, id: &str) -> Option<usize> {
        self.membership_index.get(id).copied()
    }

    pub fn communication(&self, id: &str) -> Option<usize> {
        self.communication_index.get(id).copied()
    }

    /// The categories a list of keys covers; unknown keys are returned apart.
    pub fn category_set<'k>(&self, keys: &'k [&'k str]) -> (Bits, Vec<&'k str>) {
        let mut bits = Bits::with_capacity(self.categories.len());
        let mut unknown = Vec::new();
        for k in keys {
            match self.category_sets.get(*k) {
                Some(s) => bits.union_with(s),
                None => unknown.push(*k),
            }
        }
        (bits, unknown)
    }

    /// Category keys for a set of bits.
    pub fn keys(&self, bits: &Bits) -> Vec<String> {
        bits.iter()
            .filter_map(|b| self.categories.get(b))
            .map(|k| k.to_string())
            .collect()
    }

    /// Records that purpose `id` changed materially in a version that took
    /// effect at `effective`: consents given before it are asked again.
    pub fn require_reconsent(&mut self, id: &str, effective: DateTime<Utc>) -> bool {
        match self.purpose(id) {
            Some(i) => {
                self.reconsent_before.insert(i, effective);
                true
            }
            None => false,
        }
    }

    pub fn reconsent_before(&self, purpose: usize) -> Option<DateTime<Utc>> {
        self.reconsent_before.get(&purpose).copied()
    }

    /// Whether GPC opts a person in `jurisdiction` out of sale and sharing.
    pub fn gpc_applies(&self, jurisdiction: Option<&str>) -> bool {
        let Some(gpc) = &self.gpc else {
            // With no stance, vow honours GPC where the law requires it.
            return jurisdiction.is_some_and(law::is_california);
        };
        gpc.honoured
            || jurisdiction.is_some_and(|j| {
                gpc.required_in.iter().any(|r| r.as_str() == j) || law::is_california(j)
            })
    }
}
