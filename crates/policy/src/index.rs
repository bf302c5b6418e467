//! Lookup tables over a policy: id → position for every list, and the set of
//! category keys a reference may name.
//!
//! Built once per policy (`PolicyIndex::build`, linear in its size) and used
//! by the checker to resolve references and by later stages to find
//! elements by id without scanning.

use std::collections::{HashMap, HashSet};

use crate::ids::CategoryKey;
use crate::model::Policy;

/// Positions of each element by id, per list. Where an id is declared
/// twice, the first declaration wins (the checker reports the second).
#[derive(Debug, Clone, Default)]
pub struct PolicyIndex {
    pub purposes: HashMap<String, usize>,
    pub recipients: HashMap<String, usize>,
    pub trackers: HashMap<String, usize>,
    pub communications: HashMap<String, usize>,
    pub collection_points: HashMap<String, usize>,
    pub controllers: HashMap<String, usize>,
    pub subjects: HashMap<String, usize>,
    pub memberships: HashMap<String, usize>,
    pub roles: HashMap<String, usize>,
    pub retention: HashMap<String, usize>,
    pub categories: HashMap<String, usize>,
    pub jurisdictions: HashMap<String, usize>,
    /// Every declared category key and every ancestor of one: the keys a
    /// reference may name (`user.contact` covers `user.contact.email`).
    category_prefixes: HashSet<String>,
}

fn positions<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        map.entry(id.to_owned()).or_insert(i);
    }
    map
}

impl PolicyIndex {
    pub fn build(policy: &Policy) -> PolicyIndex {
        let mut category_prefixes = HashSet::with_capacity(policy.categories.len() * 2);
        for category in &policy.categories {
            let key = category.id.as_str();
            category_prefixes.insert(key.to_owned());
            let mut rest = key;
            while let Some((parent, _)) = rest.rsplit_once('.') {
                if !category_prefixes.insert(parent.to_owned()) {
                    break;
                }
                rest = parent;
            }
        }
        PolicyIndex {
            purposes: positions(policy.purposes.iter().map(|p| p.id.as_str())),
            recipients: positions(policy.recipients.iter().map(|r| r.id.as_str())),
            trackers: positions(policy.trackers.iter().map(|t| t.id.as_str())),
            communications: positions(policy.communications.iter().map(|c| c.id.as_str())),
            collection_points: positions(policy.collection_points.iter().map(|c| c.id.as_str())),
            controllers: positions(policy.controllers.iter().map(|c| c.id.as_str())),
            subjects: positions(policy.subjects.iter().map(|s| s.id.as_str())),
            memberships: positions(policy.memberships.iter().map(|m| m.id.as_str())),
            roles: positions(policy.roles.iter().map(|r| r.id.as_str())),
            retention: positions(policy.retention.iter().map(|r| r.id.as_str())),
            categories: positions(policy.categories.iter().map(|c| c.id.as_str())),
            jurisdictions: positions(policy.jurisdictions.iter().map(|j| j.id.as_str())),
            category_prefixes,
        }
    }

    /// Whether a category reference names a declared category or a prefix of one.
    pub fn category_resolves(&self, key: &CategoryKey) -> bool {
        self.category_prefixes.contains(key.as_str())
    }
}
