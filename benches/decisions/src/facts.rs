//! What a policy says, in the shapes the floor and Cedar hold: the leaves
//! each category key covers, each purpose's lawful basis and consent model
//! by place, which memberships deny which purposes, who GPC opts out.
//!
//! Worked out from the typed policy (`vow_policy::Policy`) with the policy
//! crate's own helpers, not from the engine's `CompiledPolicy`: neither
//! comparison borrows the engine's work, and a disagreement between them
//! and vow (`tests/agree.rs`) points at a real difference in the rules.

use std::collections::{BTreeMap, BTreeSet};

use vow_policy::{
    CategoryKey, ConsentModel, LawfulBasis, Membership, Policy, Purpose, PurposeTag, law,
};

/// What a purpose needs in one place, before any other rule: the lawful
/// basis and the consent model folded into one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// No lawful basis here: deny.
    NoBasis,
    /// Consent is the basis but no consent model says how it is asked: deny.
    ConsentUnrecorded,
    /// Another basis, no consent asked (contract, legal obligation, ...).
    Basis,
    OptIn,
    OptOut,
    SoftOptIn,
}

impl Rule {
    fn of(basis: Option<LawfulBasis>, model: ConsentModel) -> Rule {
        match (basis, model) {
            (None, _) => Rule::NoBasis,
            (Some(_), ConsentModel::OptIn) => Rule::OptIn,
            (Some(_), ConsentModel::OptOut) => Rule::OptOut,
            (Some(_), ConsentModel::SoftOptIn) => Rule::SoftOptIn,
            (Some(LawfulBasis::Consent), ConsentModel::None) => Rule::ConsentUnrecorded,
            (Some(_), ConsentModel::None) => Rule::Basis,
        }
    }

    /// The rule's name as the Cedar entities hold it (an attribute name too).
    pub fn name(self) -> &'static str {
        match self {
            Rule::NoBasis => "noBasis",
            Rule::ConsentUnrecorded => "unrecorded",
            Rule::Basis => "basis",
            Rule::OptIn => "optIn",
            Rule::OptOut => "optOut",
            Rule::SoftOptIn => "softOptIn",
        }
    }

    pub const ALL: [Rule; 6] = [
        Rule::NoBasis,
        Rule::ConsentUnrecorded,
        Rule::Basis,
        Rule::OptIn,
        Rule::OptOut,
        Rule::SoftOptIn,
    ];
}

/// A purpose's rule anywhere, and in the places where it differs.
#[derive(Debug, Clone)]
pub struct PlaceRules {
    pub elsewhere: Rule,
    pub differing: BTreeMap<String, Rule>,
}

/// The rule of `purpose` in every place: the basis for the place (falling
/// back to `default`) and the consent model for it (an EU country takes
/// the `EU`/`EEA` entry), as `vow_policy` defines them.
pub fn place_rules(purpose: &Purpose) -> PlaceRules {
    let elsewhere = Rule::of(
        purpose.basis.for_jurisdiction("default"),
        purpose.consent.model,
    );
    let mut places: BTreeSet<&str> = purpose
        .basis
        .entries()
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    places.extend(purpose.consent.by_jurisdiction.keys().map(|j| j.as_str()));
    if places.iter().any(|code| matches!(*code, "EU" | "EEA")) {
        places.extend(
            ["EU", "EEA"]
                .iter()
                .chain(law::EU_MEMBERS)
                .chain(law::EEA_ONLY),
        );
    }
    let differing = places
        .into_iter()
        .filter(|code| *code != "default")
        .filter_map(|code| {
            let rule = Rule::of(
                purpose.basis.for_jurisdiction(code),
                purpose.consent.model_for(code),
            );
            (rule != elsewhere).then(|| (code.to_owned(), rule))
        })
        .collect();
    PlaceRules {
        elsewhere,
        differing,
    }
}

/// The declared categories as leaves (their positions in the policy), and
/// every key a query may name: each declared key and each of its ancestors.
#[derive(Debug, Clone)]
pub struct Categories {
    /// Key → the leaves it covers.
    pub keys: BTreeMap<String, BTreeSet<usize>>,
    /// Leaf → itself and its ancestors, as keys.
    lineage: Vec<Vec<String>>,
}

impl Categories {
    pub fn new(policy: &Policy) -> Categories {
        let mut keys: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        let mut lineage = Vec::with_capacity(policy.categories.len());
        for (leaf, category) in policy.categories.iter().enumerate() {
            let mut line = Vec::new();
            let mut key = category.id.as_str();
            loop {
                keys.entry(key.to_owned()).or_default().insert(leaf);
                line.push(key.to_owned());
                match key.rsplit_once('.') {
                    Some((parent, _)) => key = parent,
                    None => break,
                }
            }
            lineage.push(line);
        }
        Categories { keys, lineage }
    }

    /// The leaves `keys` cover together (undeclared keys cover nothing).
    pub fn leaves(&self, keys: &[CategoryKey]) -> BTreeSet<usize> {
        keys.iter()
            .filter_map(|k| self.keys.get(k.as_str()))
            .flatten()
            .copied()
            .collect()
    }

    /// The leaves whose category `flag` marks.
    pub fn flagged(
        policy: &Policy,
        flag: impl Fn(&vow_policy::Category) -> bool,
    ) -> BTreeSet<usize> {
        (0..policy.categories.len())
            .filter(|&i| flag(&policy.categories[i]))
            .collect()
    }

    /// The leaves within a category `flag` marks (the category itself and
    /// every declared category below it), as the engine's sets hold them.
    pub fn within_flagged(
        &self,
        policy: &Policy,
        flag: impl Fn(&vow_policy::Category) -> bool,
    ) -> BTreeSet<usize> {
        policy
            .categories
            .iter()
            .filter(|c| flag(c))
            .filter_map(|c| self.keys.get(c.id.as_str()))
            .flatten()
            .copied()
            .collect()
    }

    /// Every key that covers at least one of `leaves`: a query naming it
    /// asks for some of them.
    pub fn touching(&self, leaves: &BTreeSet<usize>) -> Vec<&str> {
        let mut keys: BTreeSet<&str> = BTreeSet::new();
        for &leaf in leaves {
            keys.extend(self.lineage[leaf].iter().map(String::as_str));
        }
        keys.into_iter().collect()
    }

    /// Every key whose leaves all lie in `leaves`: the keys a query may ask
    /// for within that set.
    pub fn covered(&self, leaves: &BTreeSet<usize>) -> Vec<&str> {
        let mut inside: BTreeMap<&str, usize> = BTreeMap::new();
        for &leaf in leaves {
            for key in &self.lineage[leaf] {
                *inside.entry(key.as_str()).or_default() += 1;
            }
        }
        inside
            .into_iter()
            .filter(|(key, count)| self.keys[*key].len() == *count)
            .map(|(key, _)| key)
            .collect()
    }
}

impl Categories {
    /// Every key with at least one leaf in `leaves`: the keys of which a
    /// projection onto that set keeps something.
    pub fn touched(&self, leaves: &BTreeSet<usize>) -> BTreeSet<&str> {
        leaves
            .iter()
            .flat_map(|&leaf| self.lineage[leaf].iter().map(String::as_str))
            .collect()
    }
}

/// Whether being a member of `membership` denies `purpose` (by tag or by id).
pub fn denies(membership: &Membership, purpose: &Purpose) -> bool {
    purpose
        .tags
        .iter()
        .any(|t| membership.deny_purpose_tags.contains(t))
        || membership.deny_purposes.contains(&purpose.id)
}

/// Named by a restriction right's `exempt_purposes`: used even while the
/// person's processing is restricted (GDPR Art. 18(2)).
pub fn exempt_from_restriction(policy: &Policy, purpose: &Purpose) -> bool {
    policy
        .rights
        .iter()
        .filter(|r| r.right == vow_policy::model::RightKind::Restriction)
        .any(|r| r.exempt_purposes.contains(&purpose.id))
}

/// Tagged marketing or direct marketing: what an objection to direct marketing stops.
pub fn marketing(purpose: &Purpose) -> bool {
    purpose
        .tags
        .iter()
        .any(|t| matches!(t, PurposeTag::Marketing | PurposeTag::DirectMarketing))
}

/// Tagged sale, sharing or targeted advertising: what GPC opts out of.
pub fn sale_or_sharing(purpose: &Purpose) -> bool {
    purpose.tags.iter().any(|t| {
        matches!(
            t,
            PurposeTag::Sale | PurposeTag::Sharing | PurposeTag::TargetedAdvertising
        )
    })
}

/// Tagged analytics or advertising: what Do Not Track is about.
pub fn tracking(purpose: &Purpose) -> bool {
    purpose
        .tags
        .iter()
        .any(|t| matches!(t, PurposeTag::Analytics | PurposeTag::Advertising))
}

/// Whether GPC applies everywhere, and the places where the law or the
/// policy makes it apply (California always).
pub fn gpc(policy: &Policy) -> (bool, Vec<String>) {
    let mut places = vec!["US-CA".to_owned()];
    let Some(gpc) = &policy.signals.global_privacy_control else {
        return (false, places);
    };
    places.extend(gpc.required_in.iter().map(|j| j.to_string()));
    (gpc.honoured, places)
}

/// Panics on what the floor and Cedar do not model: consent lifetimes
/// (none of the example policies sets one). Re-consent after a material
/// change only comes from `CompiledPolicy::require_reconsent`, which the
/// benchmark never calls.
pub fn assert_modelled(policy: &Policy) {
    for p in &policy.purposes {
        assert!(
            p.consent.lifetime.is_none(),
            "purpose {} has a consent lifetime, which the floor and Cedar do not model",
            p.id
        );
    }
}
