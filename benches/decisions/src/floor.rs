//! The floor: the same rules written by hand for these policies, as
//! someone would who needs only allow or deny — hash maps from ids to
//! rules, each category set as one 64-bit mask, booleans, early returns.
//! No reasons, no obligations, no sentences.
//!
//! It takes exactly what vow takes (the subject's state and the query, ids
//! as strings) and checks the same rules in the same order
//! (`vow_engine::decide`), so the gap between the two is the price of
//! vow's answer: reasons, obligations, and rules that hold for any policy
//! rather than for policies of at most 64 categories.

use chrono::{DateTime, Utc};
use foldhash::HashMap;
use vow_engine::{Action, Query, SubjectState};
use vow_policy::{ChildrenPolicy, Policy};

use crate::facts::{self, Categories, Rule};

/// One policy's rules, by hand.
#[derive(Debug, Clone)]
pub struct Floor {
    /// Every key a query may name → the leaves it covers.
    categories: HashMap<String, u64>,
    purposes: HashMap<String, usize>,
    rules: Vec<PurposeRule>,
    /// Membership → its bit in the subject's membership mask.
    memberships: HashMap<String, u32>,
    communications: HashMap<String, Communication>,
    /// Memberships that allow only some communications.
    restricting: u64,
    children: Option<Children>,
    gpc_everywhere: bool,
    gpc_places: Vec<String>,
    dnt_honoured: bool,
    /// Collection point → (bound to its purposes, those purposes as a mask).
    collection_points: HashMap<String, (bool, u64)>,
    /// Recipient → (purpose, the leaves it may receive for it, secrets removed).
    recipients: HashMap<String, Vec<(usize, u64)>>,
    /// The leaves never stored (and every category within one).
    never_stored: u64,
}

#[derive(Debug, Clone)]
struct PurposeRule {
    categories: u64,
    /// Memberships that deny the purpose.
    denied_by: u64,
    excluded: u64,
    required: u64,
    kinds: Vec<String>,
    jurisdictions: Vec<String>,
    min_age: Option<u32>,
    marketing: bool,
    sale_or_sharing: bool,
    tracking: bool,
    /// Used even under a restriction.
    exempt: bool,
    child_forbidden: bool,
    child_needs_consent: bool,
    elsewhere: Rule,
    differing: HashMap<String, Rule>,
}

#[derive(Debug, Clone)]
struct Communication {
    essential: bool,
    /// Memberships whose communications-only list leaves it out.
    denied_by: u64,
    /// Its condition (`when`): attributes the person must have, and the
    /// topics it may be about (empty: any).
    attributes: Vec<(String, vow_policy::AttributeValue)>,
    topics: Vec<String>,
}

#[derive(Debug, Clone)]
struct Children {
    admitted: bool,
    consent_age: u32,
    unknown_age_is_child: bool,
    parental_consent: bool,
    no_direct_contact: bool,
    /// The leaves that may be collected about a child (0: any).
    allowed: u64,
}

fn mask(leaves: &std::collections::BTreeSet<usize>) -> u64 {
    leaves.iter().fold(0, |m, &leaf| m | 1 << leaf)
}

impl Floor {
    /// The floor for `policy`. Panics on a policy of more than 64
    /// categories, purposes or memberships: it is written for these.
    pub fn new(policy: &Policy) -> Floor {
        facts::assert_modelled(policy);
        assert!(
            policy.categories.len() <= 64
                && policy.purposes.len() <= 64
                && policy.memberships.len() <= 64,
            "the floor holds each set in one 64-bit word"
        );
        let cats = Categories::new(policy);
        let purposes: HashMap<String, usize> = policy
            .purposes
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.to_string(), i))
            .collect();
        let memberships: HashMap<String, u32> = policy
            .memberships
            .iter()
            .zip(0..)
            .map(|(m, i)| (m.id.to_string(), i))
            .collect();
        let members = |ids: &[vow_policy::ElementId]| {
            ids.iter()
                .filter_map(|id| memberships.get(id.as_str()))
                .fold(0u64, |m, &i| m | 1 << i)
        };
        let purpose_mask = |ids: &[vow_policy::ElementId]| {
            ids.iter()
                .filter_map(|id| purposes.get(id.as_str()))
                .fold(0u64, |m, &i| m | 1 << i)
        };
        let rules = policy
            .purposes
            .iter()
            .map(|p| {
                let audience = p.audience.clone().unwrap_or_default();
                let places = facts::place_rules(p);
                PurposeRule {
                    categories: mask(&cats.leaves(&p.categories)),
                    denied_by: policy
                        .memberships
                        .iter()
                        .zip(0..)
                        .filter(|(m, _)| facts::denies(m, p))
                        .fold(0, |mask, (_, i)| mask | 1 << i),
                    excluded: members(&audience.exclude_memberships),
                    required: members(&audience.require_memberships),
                    kinds: audience
                        .subject_kinds
                        .iter()
                        .map(|k| k.to_string())
                        .collect(),
                    jurisdictions: audience
                        .jurisdictions
                        .iter()
                        .map(|j| j.to_string())
                        .collect(),
                    min_age: audience.min_age.map(u32::from),
                    marketing: facts::marketing(p),
                    sale_or_sharing: facts::sale_or_sharing(p),
                    exempt: facts::exempt_from_restriction(policy, p),
                    tracking: facts::tracking(p),
                    child_forbidden: p.children == Some(ChildrenPolicy::Forbidden),
                    child_needs_consent: p.children == Some(ChildrenPolicy::ParentalConsent),
                    elsewhere: places.elsewhere,
                    differing: places.differing.into_iter().collect(),
                }
            })
            .collect();
        let restricting = policy
            .memberships
            .iter()
            .zip(0..)
            .filter(|(m, _)| m.communications_only.is_some())
            .fold(0u64, |mask, (_, i)| mask | 1 << i);
        let communications = policy
            .communications
            .iter()
            .map(|c| {
                let denied_by = policy
                    .memberships
                    .iter()
                    .zip(0..)
                    .filter(|(m, _)| {
                        m.communications_only
                            .as_ref()
                            .is_some_and(|only| !only.contains(&c.id))
                    })
                    .fold(0u64, |mask, (_, i)| mask | 1 << i);
                (
                    c.id.to_string(),
                    Communication {
                        essential: c.essential,
                        denied_by,
                        attributes: c
                            .when
                            .iter()
                            .flat_map(|w| &w.attributes)
                            .map(|(k, v)| (k.to_string(), v.clone()))
                            .collect(),
                        topics: c
                            .when
                            .iter()
                            .flat_map(|w| &w.topics)
                            .map(|t| t.to_string())
                            .collect(),
                    },
                )
            })
            .collect();
        let allowed_for_children = mask(&Categories::flagged(policy, |c| c.allowed_for_children));
        let children = policy.children.as_ref().map(|c| Children {
            admitted: c.admitted,
            consent_age: u32::from(c.consent_age),
            unknown_age_is_child: c.unknown_age_is_child,
            parental_consent: c.parental_consent.is_some(),
            no_direct_contact: c.no_direct_contact,
            allowed: allowed_for_children,
        });
        let (gpc_everywhere, gpc_places) = facts::gpc(policy);
        let secrets = mask(&Categories::flagged(policy, |c| c.secret));
        let never_stored = mask(&cats.within_flagged(policy, |c| c.never_stored));
        let recipients = policy
            .recipients
            .iter()
            .map(|r| {
                let uses = r
                    .uses
                    .iter()
                    .filter_map(|u| {
                        let p = *purposes.get(u.purpose.as_str())?;
                        Some((p, mask(&cats.leaves(&u.categories)) & !secrets))
                    })
                    .collect();
                (r.id.to_string(), uses)
            })
            .collect();
        Floor {
            categories: cats
                .keys
                .iter()
                .map(|(k, l)| (k.clone(), mask(l)))
                .collect(),
            rules,
            memberships,
            communications,
            restricting,
            children,
            gpc_everywhere,
            gpc_places,
            dnt_honoured: policy
                .signals
                .do_not_track
                .as_ref()
                .is_some_and(|d| d.honoured),
            collection_points: policy
                .collection_points
                .iter()
                .map(|c| {
                    (
                        c.id.to_string(),
                        (c.bind_purposes, purpose_mask(&c.purposes)),
                    )
                })
                .collect(),
            recipients,
            never_stored,
            purposes,
        }
    }

    /// Whether `query` is allowed for the subject in `state`, at `now`.
    pub fn allows(&self, state: &SubjectState, query: &Query, now: DateTime<Utc>) -> bool {
        let Some(&pi) = self.purposes.get(query.purpose) else {
            return false;
        };
        if query.action == Action::Erase {
            return state.legal_holds.is_empty();
        }
        let mut requested = 0;
        for key in query.categories {
            match self.categories.get(*key) {
                Some(leaves) => requested |= leaves,
                None => return false,
            }
        }
        let p = &self.rules[pi];
        if requested & !p.categories != 0 {
            return false;
        }
        if query.action == Action::Store {
            return requested & self.never_stored == 0;
        }
        if (state.restricted && !p.exempt)
            || (state.objects_to_direct_marketing && p.marketing)
            || state.objections.iter().any(|o| o == query.purpose)
        {
            return false;
        }

        let mut active = 0u64;
        for m in &state.memberships {
            if let Some(&bit) = self.memberships.get(m.as_str()) {
                active |= 1 << bit;
            }
        }
        let communication = query.communication.map(|c| self.communications.get(c));
        if let Some(Some(c)) = communication
            && (c
                .attributes
                .iter()
                .any(|(k, v)| state.attributes.get(k) != Some(v))
                || (!c.topics.is_empty()
                    && !query.topic.is_some_and(|t| c.topics.iter().any(|x| x == t))))
        {
            return false;
        }
        if active != 0 {
            if p.denied_by & active != 0 {
                return false;
            }
            if let Some(c) = communication
                && c.map_or(self.restricting, |c| c.denied_by) & active != 0
            {
                return false;
            }
        }
        if p.excluded & active != 0 || (p.required != 0 && p.required & active == 0) {
            return false;
        }
        if !p.kinds.is_empty() && !state.kind.as_ref().is_some_and(|k| p.kinds.contains(k)) {
            return false;
        }
        let jurisdiction = query.context.jurisdiction.or(state.jurisdiction.as_deref());
        if !p.jurisdictions.is_empty()
            && !jurisdiction.is_some_and(|j| p.jurisdictions.iter().any(|x| x == j))
        {
            return false;
        }

        if p.min_age.is_some() || self.children.is_some() {
            let age = state.age_on(now.date_naive());
            if let Some(min) = p.min_age
                && age.is_none_or(|a| a < min)
            {
                return false;
            }
            if let Some(c) = &self.children
                && age.map_or(c.unknown_age_is_child, |a| a < c.consent_age)
                && (!c.admitted
                    || p.child_forbidden
                    || ((c.parental_consent || p.child_needs_consent)
                        && !state.parental_consent_verified)
                    || (c.allowed != 0 && requested & !c.allowed != 0)
                    || (c.no_direct_contact
                        && (query.channel.is_some() || query.communication.is_some())))
            {
                return false;
            }
        }

        if query.context.gpc
            && p.sale_or_sharing
            && (self.gpc_everywhere
                || jurisdiction.is_some_and(|j| self.gpc_places.iter().any(|x| x == j)))
        {
            return false;
        }
        if query.context.dnt && p.tracking && self.dnt_honoured {
            return false;
        }

        let rule = match jurisdiction {
            Some(j) if !p.differing.is_empty() => {
                p.differing.get(j).copied().unwrap_or(p.elsewhere)
            }
            _ => p.elsewhere,
        };
        if rule == Rule::NoBasis {
            return false;
        }
        let essential = communication.flatten().is_some_and(|c| c.essential);
        if !essential {
            if query
                .channel
                .is_some_and(|c| state.channel_opt_outs.contains(&c))
            {
                return false;
            }
            let given = state.consent(query.purpose).map(|r| r.given);
            let consented = match rule {
                Rule::Basis => true,
                Rule::NoBasis | Rule::ConsentUnrecorded => false,
                Rule::OptIn => given == Some(true),
                Rule::OptOut => given != Some(false),
                Rule::SoftOptIn => given.unwrap_or(state.customer),
            };
            if !consented {
                return false;
            }
        }

        if let Some(point) = query.collection_point {
            match self.collection_points.get(point) {
                Some(&(bound, purposes)) if !bound || purposes & 1 << pi != 0 => {}
                _ => return false,
            }
        }
        if let Some(r) = query.recipient {
            let allowed = self
                .recipients
                .get(r)
                .and_then(|uses| uses.iter().find(|(p, _)| *p == pi));
            // More than it may receive: an allow with the projection,
            // unless strict or nothing at all may be sent.
            match allowed {
                Some(&(_, allowed))
                    if requested & !allowed == 0 || (!query.strict && requested & allowed != 0) => {
                }
                _ => return false,
            }
        }
        true
    }
}
