//! `compile`: a checked policy turned into what decisions need, looked up
//! by index: every category a bit, every purpose, recipient, membership and
//! communication in a vector, every id interned once (a fast hash, not
//! SipHash: the keys come from the policy). What a decision would otherwise
//! work out each time is worked out here: promise lists as strings, the
//! lawful basis and consent model in each jurisdiction, tag flags.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use foldhash::HashMap;
use vow_policy::model::*;
use vow_policy::{CategoryKey, law};

use crate::bits::Bits;
use crate::ids::IdMap;
use crate::reason::CategoryList;

/// A purpose's lawful basis and consent model per place, shared.
type RuleTable = Arc<[(Option<LawfulBasis>, ConsentModel)]>;

/// A purpose, ready for decisions.
#[derive(Debug, Clone)]
pub struct CompiledPurpose {
    pub id: String,
    pub tags: Vec<PurposeTag>,
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
    /// Named by a restriction right's `exempt_purposes`: its use goes on
    /// while the person's processing is restricted (GDPR Art. 18(2)).
    pub exempt_from_restriction: bool,
    /// How long a consent lasts, in seconds.
    pub consent_lifetime: Option<i64>,
    /// The lawful basis and consent model by place ([`CompiledPolicy::place`]);
    /// the last entry holds anywhere else, and is the only one when they
    /// never vary. Purposes with the same rules share one table, which
    /// stays in cache however many purposes there are.
    by_place: RuleTable,
    /// Consents given before this instant predate a material change of the
    /// purpose and must be asked again.
    reconsent_before: Option<DateTime<Utc>>,
}

impl CompiledPurpose {
    pub fn has_tag(&self, tag: PurposeTag) -> bool {
        self.tags.contains(&tag)
    }

    /// The lawful basis and the consent model in `place` (`None`: no
    /// jurisdiction, or one the policy never names, outside the EU).
    pub fn rules_in(&self, place: Option<usize>) -> (Option<LawfulBasis>, ConsentModel) {
        let elsewhere = self.by_place.last().expect("one entry at least");
        *place
            .and_then(|p| self.by_place.get(p))
            .unwrap_or(elsewhere)
    }

    /// Whether the lawful basis or the consent model differs between places.
    pub fn varies_by_place(&self) -> bool {
        self.by_place.len() > 1
    }

    /// Whether a consent given at `at` predates a material change of the
    /// purpose (`CompiledPolicy::require_reconsent`).
    pub fn predates_change(&self, at: DateTime<Utc>) -> bool {
        self.reconsent_before.is_some_and(|cut| at < cut)
    }
}

#[derive(Debug, Clone)]
pub struct CompiledRecipient {
    pub id: String,
    pub kind: RecipientKind,
    /// Purpose index → the categories the recipient may receive for it,
    /// sorted by purpose ([`CompiledRecipient::uses`]).
    uses: Vec<(usize, (Bits, Obligations))>,
    pub promises: Vec<String>,
}

impl CompiledRecipient {
    /// What the recipient may receive for purpose `purpose`, if it serves it.
    pub fn uses(&self, purpose: usize) -> Option<&(Bits, Obligations)> {
        self.uses
            .binary_search_by_key(&purpose, |(p, _)| *p)
            .ok()
            .map(|i| &self.uses[i].1)
    }
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
    /// The condition for sending it, when the policy writes one.
    pub when: Option<SendCondition>,
    pub promises: Vec<String>,
}

/// A policy compiled for the engine. Always consistent: built only from a
/// policy that passed `vow_policy::check`.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    pub id: String,
    pub version: String,
    pub categories: Vec<CategoryKey>,
    /// Every declared key and every ancestor of one: the categories it covers.
    category_sets: IdMap<Bits>,
    pub purposes: Vec<CompiledPurpose>,
    purpose_index: IdMap<usize>,
    pub recipients: Vec<CompiledRecipient>,
    recipient_index: IdMap<usize>,
    pub memberships: Vec<CompiledMembership>,
    membership_index: IdMap<usize>,
    pub communications: Vec<CompiledCommunication>,
    communication_index: IdMap<usize>,
    /// Categories that are secrets: never disclosed.
    pub secrets: Bits,
    /// Categories never stored (card numbers), with every declared
    /// category within one: a decision to store them is denied (EDU-07,
    /// KIDS-10).
    pub never_stored: Bits,
    /// The promises of the never-stored categories, for the denial.
    pub never_stored_promises: Vec<String>,
    /// Categories that may be collected about a child.
    pub allowed_for_children: Bits,
    pub children: Option<ChildrenRule>,
    pub children_promises: Vec<String>,
    pub gpc: Option<SignalStance>,
    pub gpc_promises: Vec<String>,
    pub dnt: Option<SignalStance>,
    pub dnt_promises: Vec<String>,
    /// Collection point id → (its purposes, whether data is bound to them).
    pub collection_points: HashMap<String, (Vec<usize>, bool)>,
    /// The jurisdictions whose rules may differ, by code: every one the
    /// policy names, and every EU and EEA country (the `EU` entries apply
    /// to them). Indexes `CompiledPurpose::rules_in`.
    places: HashMap<String, usize>,
}

fn positions<T>(items: &[T], id: impl Fn(&T) -> &str) -> IdMap<usize> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| (id(item), i))
        .collect()
}

/// Compiles a checked policy.
pub fn compile(policy: &Policy) -> CompiledPolicy {
    // Bits in key order: a group's categories (`user.contact.*`) are
    // neighbours, so a set of them spans a few words, kept inline, whatever
    // order the policy declares them in.
    let mut order: Vec<usize> = (0..policy.categories.len()).collect();
    order.sort_by(|&a, &b| {
        policy.categories[a]
            .id
            .as_str()
            .cmp(policy.categories[b].id.as_str())
    });
    let categories: Vec<CategoryKey> = order
        .iter()
        .map(|&i| policy.categories[i].id.clone())
        .collect();
    // Every declared key and every ancestor of one maps to the set it covers.
    let mut category_sets: IdMap<Bits> = IdMap::default();
    for (bit, key) in categories.iter().enumerate() {
        let mut prefix = key.as_str();
        loop {
            category_sets.entry(prefix, Bits::default).insert(bit);
            match prefix.rsplit_once('.') {
                Some((parent, _)) => prefix = parent,
                None => break,
            }
        }
    }
    let set = |keys: &[CategoryKey]| {
        let mut bits = Bits::default();
        for k in keys {
            if let Some(s) = category_sets.get(k.as_str()) {
                bits.union_with(s);
            }
        }
        bits
    };
    let flagged = |flag: fn(&Category) -> bool| {
        let mut bits = Bits::default();
        for (bit, &i) in order.iter().enumerate() {
            if flag(&policy.categories[i]) {
                bits.insert(bit);
            }
        }
        bits
    };
    let membership_index = positions(&policy.memberships, |m| m.id.as_str());
    let purpose_index = positions(&policy.purposes, |p| p.id.as_str());
    let communication_index = positions(&policy.communications, |c| c.id.as_str());
    let lookup = |index: &IdMap<usize>, ids: &[vow_policy::ElementId]| -> Vec<usize> {
        ids.iter()
            .filter_map(|id| index.get(id.as_str()).copied())
            .collect()
    };
    let places = places(policy);
    let mut rule_tables: HashMap<Vec<(Option<LawfulBasis>, ConsentModel)>, RuleTable> =
        HashMap::default();
    // Purposes any restriction right lets continue, whatever its
    // jurisdictions: a restriction on record is one state, wherever asked.
    let exempt: Vec<&str> = policy
        .rights
        .iter()
        .filter(|r| r.right == RightKind::Restriction)
        .flat_map(|r| r.exempt_purposes.iter().map(|p| p.as_str()))
        .collect();
    let purposes = policy
        .purposes
        .iter()
        .map(|p| {
            let audience = p.audience.clone().unwrap_or_default();
            let by_place = rule_tables
                .entry(rules_by_place(p, &places))
                .or_insert_with_key(|rules| Arc::from(rules.as_slice()))
                .clone();
            CompiledPurpose {
                id: p.id.to_string(),
                tags: p.tags.clone(),
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
                exempt_from_restriction: exempt.contains(&p.id.as_str()),
                consent_lifetime: p
                    .consent
                    .lifetime
                    .map(|l| i64::try_from(l.approx_seconds()).unwrap_or(i64::MAX)),
                by_place,
                reconsent_before: None,
            }
        })
        .collect();
    let recipients = policy
        .recipients
        .iter()
        .map(|r| {
            // Last first, so that where a purpose is used twice the last
            // use stands once sorted and deduplicated (stable), as before.
            let mut uses: Vec<(usize, (Bits, Obligations))> = r
                .uses
                .iter()
                .rev()
                .filter_map(|u| {
                    let p = *purpose_index.get(u.purpose.as_str())?;
                    Some((p, (set(&u.categories), u.obligations.clone())))
                })
                .collect();
            uses.sort_by_key(|(p, _)| *p);
            uses.dedup_by_key(|(p, _)| *p);
            CompiledRecipient {
                id: r.id.to_string(),
                kind: r.kind,
                uses,
                promises: promises(&r.promises),
            }
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
                when: c.when.clone(),
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
        never_stored: {
            let mut bits = Bits::default();
            for c in policy.categories.iter().filter(|c| c.never_stored) {
                if let Some(covered) = category_sets.get(c.id.as_str()) {
                    bits.union_with(covered);
                }
            }
            bits
        },
        never_stored_promises: {
            let mut ids: Vec<String> = policy
                .categories
                .iter()
                .filter(|c| c.never_stored)
                .flat_map(|c| promises(&c.promises))
                .collect();
            ids.dedup();
            ids
        },
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
        children_promises: policy
            .children
            .as_ref()
            .map_or_else(Vec::new, |c| promises(&c.promises)),
        gpc: policy.signals.global_privacy_control.clone(),
        gpc_promises: policy
            .signals
            .global_privacy_control
            .as_ref()
            .map_or_else(Vec::new, |s| promises(&s.promises)),
        dnt: policy.signals.do_not_track.clone(),
        dnt_promises: policy
            .signals
            .do_not_track
            .as_ref()
            .map_or_else(Vec::new, |s| promises(&s.promises)),
        collection_points,
        places,
    }
}

fn promises(ids: &[vow_policy::PromiseId]) -> Vec<String> {
    ids.iter().map(|x| x.to_string()).collect()
}

/// A purpose's lawful basis and consent model in each of `places`, then
/// elsewhere; only the elsewhere entry when they never vary. A place takes
/// the entry of the region or country that covers it (`EU` for `FR`), as
/// [`BasisSpec::for_jurisdiction`] and [`ConsentSpec::model_for`] say.
fn rules_by_place(
    p: &Purpose,
    places: &HashMap<String, usize>,
) -> Vec<(Option<LawfulBasis>, ConsentModel)> {
    let elsewhere = (p.basis.for_jurisdiction("default"), p.consent.model);
    if matches!(p.basis, BasisSpec::One(_)) && p.consent.by_jurisdiction.is_empty() {
        return vec![elsewhere];
    }
    let mut rules = vec![elsewhere; places.len() + 1];
    let mut varies = false;
    for (code, &i) in places {
        let here = (p.basis.for_jurisdiction(code), p.consent.model_for(code));
        varies |= here != elsewhere;
        rules[i] = here;
    }
    if varies { rules } else { vec![elsewhere] }
}

/// Every jurisdiction code whose lawful basis or consent model may differ
/// from elsewhere, numbered.
fn places(policy: &Policy) -> HashMap<String, usize> {
    let mut codes: Vec<&str> = law::EU_MEMBERS
        .iter()
        .chain(law::EEA_ONLY)
        .copied()
        .collect();
    codes.extend(["EU", "EEA"]);
    codes.extend(policy.jurisdictions.iter().map(|j| j.id.as_str()));
    for p in &policy.purposes {
        if let BasisSpec::PerJurisdiction(map) = &p.basis {
            codes.extend(map.keys().map(String::as_str));
        }
        codes.extend(p.consent.by_jurisdiction.keys().map(|j| j.as_str()));
    }
    let mut places = HashMap::default();
    for code in codes {
        // `default` names the fallback, not a place.
        if code != "default" && !places.contains_key(code) {
            places.insert(code.to_owned(), places.len());
        }
    }
    places
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

    /// A set of this policy's categories, to be shown by key.
    pub fn category_list(&self, bits: Bits) -> CategoryList<'_> {
        CategoryList::new(&self.categories, bits)
    }

    /// The categories a key covers (itself and its descendants), if declared.
    pub fn category(&self, key: &str) -> Option<&Bits> {
        self.category_sets.get(key)
    }

    /// The number of a jurisdiction whose rules may differ from elsewhere
    /// (see `CompiledPurpose::rules_in`), and its code.
    /// A subdivision the policy never names (`US-TX`) takes its country's
    /// place (`US`); `UK` is `GB`'s.
    pub fn place(&self, jurisdiction: &str) -> Option<(usize, &str)> {
        self.places
            .get_key_value(jurisdiction)
            .or_else(|| {
                let country = match jurisdiction {
                    "UK" => "GB",
                    j => j.split_once('-')?.0,
                };
                self.places.get_key_value(country)
            })
            .map(|(code, i)| (*i, code.as_str()))
    }

    /// Records that purpose `id` changed materially in a version that took
    /// effect at `effective`: consents given before it are asked again.
    pub fn require_reconsent(&mut self, id: &str, effective: DateTime<Utc>) -> bool {
        match self.purpose(id) {
            Some(i) => {
                self.purposes[i].reconsent_before = Some(effective);
                true
            }
            None => false,
        }
    }

    pub fn reconsent_before(&self, purpose: usize) -> Option<DateTime<Utc>> {
        self.purposes[purpose].reconsent_before
    }

    /// Whether the policy says GPC opts a person in `jurisdiction` out of
    /// sale and sharing. Where the law requires it, the engine honours the
    /// signal whatever this says (`vow_policy::law::opt_out_signal`).
    pub fn gpc_applies(&self, jurisdiction: Option<&str>) -> bool {
        let Some(gpc) = &self.gpc else {
            return false;
        };
        gpc.honoured
            || jurisdiction
                .is_some_and(|j| gpc.required_in.iter().any(|r| law::covers(r.as_str(), j)))
    }
}
