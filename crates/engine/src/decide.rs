//! `decide`: may this data about this person be used for this purpose,
//! sent to this recipient, by this channel, now?
//!
//! Deny by default: a query is allowed only when a lawful basis applies and
//! no rule denies it. Every rule that denies adds a reason; an allow carries
//! the obligations that come with it. Pure: `now` is an input.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde::Serialize;
use vow_policy::model::{Channel, ChildrenPolicy, ConsentModel, LawfulBasis, PurposeTag};

use crate::bits::Bits;
use crate::compile::{CompiledPolicy, CompiledPurpose};
use crate::state::SubjectState;

/// What is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Use the data for the purpose (the default).
    #[default]
    Use,
    /// Only keep it: allowed under a restriction.
    Store,
    /// Delete it: denied under a legal hold.
    Erase,
}

/// The request context.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// Overrides the subject's jurisdiction (where the request comes from).
    pub jurisdiction: Option<&'a str>,
    /// The browser sent Sec-GPC: 1.
    pub gpc: bool,
    /// The browser sent DNT: 1.
    pub dnt: bool,
    pub ip: Option<IpAddr>,
}

/// A question for the engine.
#[derive(Debug, Clone, Default)]
pub struct Query<'a> {
    pub purpose: &'a str,
    pub categories: &'a [&'a str],
    pub action: Action,
    pub recipient: Option<&'a str>,
    pub channel: Option<Channel>,
    pub communication: Option<&'a str>,
    /// Where the data was collected, for purpose binding.
    pub collection_point: Option<&'a str>,
    pub context: Context<'a>,
}

/// Why a decision came out as it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Stable rule name (`consent-missing`, `membership-denies`...).
    pub rule: &'static str,
    /// The policy element concerned (`purpose marketing`).
    pub element: String,
    pub promises: Vec<String>,
    /// A sentence a person understands.
    pub message: String,
}

/// What comes with an allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Obligation {
    /// Send only these categories.
    SendOnly {
        categories: Vec<String>,
    },
    /// Truncate the IP address before use; `truncated` is the result when an IP was given.
    TruncateIp {
        ipv4_prefix: u8,
        ipv6_prefix: u8,
        truncated: Option<String>,
    },
    AggregateOnly,
    KAnonymity {
        k: u32,
    },
    UnsubscribeLink,
    NotifyParent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub allowed: bool,
    pub reasons: Vec<Reason>,
    pub obligations: Vec<Obligation>,
}

struct Builder<'p> {
    denials: Vec<Reason>,
    notes: Vec<Reason>,
    purpose: Option<&'p CompiledPurpose>,
}

impl Builder<'_> {
    fn deny(&mut self, rule: &'static str, element: String, promises: &[String], message: String) {
        self.denials.push(Reason {
            rule,
            element,
            promises: promises.to_vec(),
            message,
        });
    }

    fn note(&mut self, rule: &'static str, element: String, promises: &[String], message: String) {
        self.notes.push(Reason {
            rule,
            element,
            promises: promises.to_vec(),
            message,
        });
    }
}

/// Decides `query` about the subject in `state`, at `now`.
pub fn decide(
    policy: &CompiledPolicy,
    state: &SubjectState,
    query: &Query,
    now: DateTime<Utc>,
) -> Decision {
    let mut b = Builder {
        denials: Vec::new(),
        notes: Vec::new(),
        purpose: None,
    };
    let Some(pi) = policy.purpose(query.purpose) else {
        b.deny("purpose-undeclared", format!("purpose {}", query.purpose), &[], format!("`{}` is not a purpose this policy declares; data is used only for the purposes listed", query.purpose));
        return finish(b, Vec::new());
    };
    let purpose = &policy.purposes[pi];
    b.purpose = Some(purpose);
    let element = format!("purpose {}", purpose.id);
    let jurisdiction = query.context.jurisdiction.or(state.jurisdiction.as_deref());

    // Erasure is judged on holds alone.
    if query.action == Action::Erase {
        if let Some(hold) = state.legal_holds.first() {
            b.deny(
                "legal-hold",
                format!("hold {hold}"),
                &[],
                format!("a legal hold ({hold}) requires the data to be kept"),
            );
        } else {
            b.note(
                "erasure-allowed",
                element,
                &purpose.promises,
                "no legal hold prevents erasure".to_owned(),
            );
        }
        return finish(b, Vec::new());
    }

    // Categories: declared, and allowed for the purpose.
    let (requested, unknown) = policy.category_set(query.categories);
    for key in unknown {
        b.deny(
            "category-undeclared",
            format!("category {key}"),
            &[],
            format!("`{key}` is not a data category this policy declares"),
        );
    }
    let outside = requested.difference(&purpose.categories);
    if !outside.is_empty() {
        b.deny(
            "category-not-allowed",
            element.clone(),
            &purpose.promises,
            format!(
                "purpose `{}` may not use {}",
                purpose.id,
                policy.keys(&outside).join(", ")
            ),
        );
    }

    if state.restricted && query.action != Action::Store {
        b.deny(
            "restricted",
            "subject".to_owned(),
            &[],
            "processing is restricted at the person's request: the data may only be stored"
                .to_owned(),
        );
    }
    if query.action == Action::Store {
        // Keeping data needs no more than a declared purpose and category.
        b.note(
            "storage",
            element,
            &purpose.promises,
            "storing the data is allowed".to_owned(),
        );
        return finish(b, Vec::new());
    }

    objections(&mut b, state, purpose);
    memberships(&mut b, policy, state, purpose, query);
    audience(&mut b, policy, state, purpose, jurisdiction);
    let child = children(&mut b, policy, state, purpose, &requested, query, now);
    signals(&mut b, policy, purpose, jurisdiction, query);
    basis_and_consent(&mut b, policy, state, purpose, pi, jurisdiction, query, now);
    binding(&mut b, policy, pi, query);
    let projection = recipient(&mut b, policy, pi, &requested, query);

    let mut obligations = Vec::new();
    if let Some(projection) = projection {
        obligations.push(Obligation::SendOnly {
            categories: policy.keys(&projection),
        });
    }
    let o = &purpose.obligations;
    if let Some(t) = o.truncate_ip {
        obligations.push(Obligation::TruncateIp {
            ipv4_prefix: t.ipv4_prefix,
            ipv6_prefix: t.ipv6_prefix,
            truncated: query
                .context
                .ip
                .map(|ip| truncate_ip(ip, t.ipv4_prefix, t.ipv6_prefix).to_string()),
        });
    }
    if o.aggregate_only {
        obligations.push(Obligation::AggregateOnly);
    }
    if let Some(k) = o.k_anonymity {
        obligations.push(Obligation::KAnonymity { k });
    }
    if o.unsubscribe_link && !is_essential_message(policy, query) {
        obligations.push(Obligation::UnsubscribeLink);
    }
    if o.notify_parent
        || (child
            && policy
                .children
                .as_ref()
                .is_some_and(|c| c.parental_consent.is_some()))
    {
        obligations.push(Obligation::NotifyParent);
    }
    finish(b, obligations)
}

fn finish(b: Builder, obligations: Vec<Obligation>) -> Decision {
    if b.denials.is_empty() {
        Decision {
            allowed: true,
            reasons: b.notes,
            obligations,
        }
    } else {
        Decision {
            allowed: false,
            reasons: b.denials,
            obligations: Vec::new(),
        }
    }
}

fn objections(b: &mut Builder, state: &SubjectState, purpose: &CompiledPurpose) {
    if state.objections.contains(&purpose.id) {
        b.deny(
            "objection",
            format!("purpose {}", purpose.id),
            &purpose.promises,
            format!("the person objected to `{}`", purpose.id),
        );
    }
    if state.objects_to_direct_marketing && purpose.marketing {
        b.deny(
            "objection-direct-marketing",
            format!("purpose {}", purpose.id),
            &purpose.promises,
            "the person objected to direct marketing; that objection always wins".to_owned(),
        );
    }
}

fn is_essential_message(policy: &CompiledPolicy, query: &Query) -> bool {
    query
        .communication
        .and_then(|c| policy.communication(c))
        .is_some_and(|c| policy.communications[c].essential)
}

fn memberships(
    b: &mut Builder,
    policy: &CompiledPolicy,
    state: &SubjectState,
    purpose: &CompiledPurpose,
    query: &Query,
) {
    let pi = policy.purpose(&purpose.id);
    let comm = query.communication.and_then(|c| policy.communication(c));
    for id in &state.memberships {
        let Some(m) = policy.membership(id).map(|i| &policy.memberships[i]) else {
            continue;
        };
        let denied_tag = purpose.tags.iter().find(|t| m.deny_tags.contains(t));
        if denied_tag.is_some() || pi.is_some_and(|p| m.deny_purposes.contains(&p)) {
            b.deny(
                "membership-denies",
                format!("membership {}", m.id),
                &m.promises,
                format!(
                    "while a member of `{}`, the person's data is never used for `{}`",
                    m.id, purpose.id
                ),
            );
        }
        if let (Some(only), Some(query_comm)) = (&m.communications_only, query.communication)
            && !comm.is_some_and(|c| only.contains(&c))
        {
            b.deny(
                "communication-not-allowed",
                format!("membership {}", m.id),
                &m.promises,
                format!(
                    "members of `{}` receive only {} messages, not `{query_comm}`",
                    m.id,
                    only.len()
                ),
            );
        }
    }
}

fn audience(
    b: &mut Builder,
    policy: &CompiledPolicy,
    state: &SubjectState,
    purpose: &CompiledPurpose,
    jurisdiction: Option<&str>,
) {
    let element = format!("purpose {}", purpose.id);
    let active = |i: &usize| {
        state
            .memberships
            .iter()
            .any(|m| policy.membership(m) == Some(*i))
    };
    if purpose.exclude_memberships.iter().any(active) {
        b.deny(
            "audience-excluded",
            element.clone(),
            &purpose.promises,
            format!(
                "`{}` is never applied to members of an excluded group",
                purpose.id
            ),
        );
    }
    if !purpose.require_memberships.is_empty() && !purpose.require_memberships.iter().any(active) {
        b.deny(
            "audience-membership-required",
            element.clone(),
            &purpose.promises,
            format!(
                "`{}` applies only to members of a required group",
                purpose.id
            ),
        );
    }
    if !purpose.subject_kinds.is_empty()
        && !state
            .kind
            .as_ref()
            .is_some_and(|k| purpose.subject_kinds.contains(k))
    {
        b.deny(
            "audience-kind",
            element.clone(),
            &purpose.promises,
            format!(
                "`{}` applies only to {}",
                purpose.id,
                purpose.subject_kinds.join(", ")
            ),
        );
    }
    if !purpose.jurisdictions.is_empty()
        && !jurisdiction.is_some_and(|j| purpose.jurisdictions.iter().any(|p| p == j))
    {
        b.deny(
            "audience-jurisdiction",
            element,
            &purpose.promises,
            format!(
                "`{}` applies only in {}",
                purpose.id,
                purpose.jurisdictions.join(", ")
            ),
        );
    }
}

/// Rules for children. Returns whether the subject is treated as a child.
fn children(
    b: &mut Builder,
    policy: &CompiledPolicy,
    state: &SubjectState,
    purpose: &CompiledPurpose,
    requested: &Bits,
    query: &Query,
    now: DateTime<Utc>,
) -> bool {
    let age = state.age_on(now.date_naive());
    if let Some(min) = purpose.min_age
        && age.is_none_or(|a| a < u32::from(min))
    {
        b.deny(
            "audience-age",
            format!("purpose {}", purpose.id),
            &purpose.promises,
            format!("`{}` applies only from age {min}", purpose.id),
        );
    }
    let Some(rule) = &policy.children else {
        return false;
    };
    let promises: Vec<String> = rule.promises.iter().map(|p| p.to_string()).collect();
    let child = match age {
        Some(a) => a < u32::from(rule.consent_age),
        None => rule.unknown_age_is_child,
    };
    if !child {
        return false;
    }
    let element = "children".to_owned();
    if !rule.admitted {
        b.deny(
            "child-not-admitted",
            element,
            &promises,
            format!(
                "the service is not offered to children under {}",
                rule.consent_age
            ),
        );
        return true;
    }
    if purpose.children == Some(ChildrenPolicy::Forbidden) {
        b.deny(
            "child-purpose-forbidden",
            format!("purpose {}", purpose.id),
            &purpose.promises,
            format!("`{}` is never applied to children", purpose.id),
        );
    }
    // Any parental-consent rule means: nothing about a child until a verified consent is on record.
    let needs_consent = rule.parental_consent.is_some()
        || purpose.children == Some(ChildrenPolicy::ParentalConsent);
    if needs_consent && !state.parental_consent_verified {
        b.deny(
            "parental-consent-missing",
            element.clone(),
            &promises,
            format!(
                "the person is under {} and no verified parental consent is recorded",
                rule.consent_age
            ),
        );
    }
    // A policy that marks categories allowed for children collects only those about a child.
    let not_allowed = requested.difference(&policy.allowed_for_children);
    if !policy.allowed_for_children.is_empty() && !not_allowed.is_empty() {
        b.deny(
            "child-category-not-allowed",
            element.clone(),
            &promises,
            format!(
                "{} may not be collected about a child",
                policy.keys(&not_allowed).join(", ")
            ),
        );
    }
    if rule.no_direct_contact && (query.channel.is_some() || query.communication.is_some()) {
        b.deny(
            "child-no-direct-contact",
            element,
            &promises,
            "children are not contacted directly; write to their parent or guardian".to_owned(),
        );
    }
    true
}

fn signals(
    b: &mut Builder,
    policy: &CompiledPolicy,
    purpose: &CompiledPurpose,
    jurisdiction: Option<&str>,
    query: &Query,
) {
    if query.context.gpc && purpose.sale_or_sharing && policy.gpc_applies(jurisdiction) {
        let promises: Vec<String> = policy
            .gpc
            .iter()
            .flat_map(|g| g.promises.iter().map(|p| p.to_string()))
            .collect();
        b.deny("gpc-opt-out", "signals.global_privacy_control".to_owned(), &promises, "the browser's Global Privacy Control signal opts the person out of sale, sharing and targeted advertising".to_owned());
    }
    if query.context.dnt
        && (purpose.has_tag(PurposeTag::Analytics) || purpose.has_tag(PurposeTag::Advertising))
    {
        match &policy.dnt {
            Some(dnt) if dnt.honoured => {
                b.deny(
                    "dnt-honoured",
                    "signals.do_not_track".to_owned(),
                    &[],
                    "the browser asked not to be tracked, and this policy honours Do Not Track"
                        .to_owned(),
                );
            }
            Some(dnt) => {
                let promises: Vec<String> = dnt.promises.iter().map(|p| p.to_string()).collect();
                b.note(
                    "dnt-ignored",
                    "signals.do_not_track".to_owned(),
                    &promises,
                    "Do Not Track is not honoured, as the policy states".to_owned(),
                );
            }
            None => {}
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn basis_and_consent(
    b: &mut Builder,
    policy: &CompiledPolicy,
    state: &SubjectState,
    purpose: &CompiledPurpose,
    pi: usize,
    jurisdiction: Option<&str>,
    query: &Query,
    now: DateTime<Utc>,
) {
    let element = format!("purpose {}", purpose.id);
    let place = jurisdiction.unwrap_or("default");
    let Some(basis) = purpose.basis.for_jurisdiction(place) else {
        b.deny(
            "no-lawful-basis",
            element,
            &purpose.promises,
            format!("`{}` has no lawful basis in {place}", purpose.id),
        );
        return;
    };
    let model = match jurisdiction {
        Some(j) => purpose.consent.model_for(j),
        None => purpose.consent.model,
    };
    let record = state.consents.get(&purpose.id);
    let lifetime_ok = |at: DateTime<Utc>| {
        purpose.consent.lifetime.is_none_or(|l| {
            let seconds = i64::try_from(l.approx_seconds()).unwrap_or(i64::MAX);
            (now - at).num_seconds() <= seconds
        })
    };
    let stale = |at: DateTime<Utc>| policy.reconsent_before(pi).is_some_and(|cut| at < cut);
    // An essential message goes out whatever the marketing choices (KIDS-06, IOT-05).
    if is_essential_message(policy, query) {
        b.note(
            "essential-message",
            element,
            &purpose.promises,
            "an essential message cannot be opted out of".to_owned(),
        );
        return;
    }
    if let Some(channel) = query.channel
        && state.channel_opt_outs.contains(&channel)
    {
        b.deny(
            "channel-opt-out",
            element.clone(),
            &purpose.promises,
            format!("the person opted out of {channel:?} messages").to_lowercase(),
        );
    }
    match model {
        ConsentModel::OptIn => match record {
            Some(r) if r.given && !lifetime_ok(r.at) => b.deny("consent-expired", element, &purpose.promises, format!("the consent to `{}` given on {} has expired; ask again", purpose.id, r.at.date_naive())),
            Some(r) if r.given && stale(r.at) => b.deny("consent-renewal-needed", element, &purpose.promises, format!("`{}` changed materially after the consent was given; ask again", purpose.id)),
            Some(r) if r.given => b.note("consent-given", element, &purpose.promises, format!("the person consented to `{}` on {}", purpose.id, r.at.date_naive())),
            Some(_) => b.deny("consent-withdrawn", element, &purpose.promises, format!("the person withdrew or refused consent to `{}`", purpose.id)),
            None => b.deny("consent-missing", element, &purpose.promises, format!("`{}` needs the person's prior consent, and none is recorded", purpose.id)),
        },
        ConsentModel::OptOut => match record {
            Some(r) if !r.given => b.deny("opted-out", element, &purpose.promises, format!("the person opted out of `{}`", purpose.id)),
            _ => b.note("not-opted-out", element, &purpose.promises, format!("`{}` applies unless the person opts out; they have not", purpose.id)),
        },
        ConsentModel::SoftOptIn => match record {
            Some(r) if !r.given => b.deny("opted-out", element, &purpose.promises, format!("the person opted out of `{}`", purpose.id)),
            Some(r) if lifetime_ok(r.at) && !stale(r.at) => b.note("consent-given", element, &purpose.promises, format!("the person consented to `{}`", purpose.id)),
            _ if state.customer => b.note("soft-opt-in", element, &purpose.promises, "the person is an existing customer: marketing of similar products is allowed until they opt out".to_owned()),
            _ => b.deny("consent-missing", element, &purpose.promises, format!("`{}` needs consent, or a purchase from us (soft opt-in)", purpose.id)),
        },
        ConsentModel::None => {
            if basis == LawfulBasis::Consent {
                b.deny("consent-missing", element, &purpose.promises, format!("`{}` relies on consent, which is not recorded", purpose.id));
            } else {
                b.note("lawful-basis", element, &purpose.promises, format!("`{}` relies on {basis:?} in {place}", purpose.id).to_lowercase());
            }
        }
    }
}

fn binding(b: &mut Builder, policy: &CompiledPolicy, pi: usize, query: &Query) {
    let Some(point) = query.collection_point else {
        return;
    };
    match policy.collection_points.get(point) {
        Some((purposes, true)) if !purposes.contains(&pi) => b.deny(
            "purpose-binding",
            format!("collection point {point}"),
            &[],
            format!(
                "data collected at `{point}` may be used only for the purposes it was collected for"
            ),
        ),
        None => b.deny(
            "collection-point-undeclared",
            format!("collection point {point}"),
            &[],
            format!("`{point}` is not a collection point of this policy"),
        ),
        _ => {}
    }
}

/// For a disclosure: what the recipient may receive (the projection).
fn recipient(
    b: &mut Builder,
    policy: &CompiledPolicy,
    pi: usize,
    requested: &Bits,
    query: &Query,
) -> Option<Bits> {
    let id = query.recipient?;
    let Some(r) = policy.recipient(id).map(|i| &policy.recipients[i]) else {
        b.deny(
            "recipient-undeclared",
            format!("recipient {id}"),
            &[],
            format!("`{id}` is not a recipient this policy declares"),
        );
        return Some(Bits::default());
    };
    let Some((allowed, _)) = r.uses.get(&pi) else {
        b.deny(
            "recipient-purpose",
            format!("recipient {id}"),
            &r.promises,
            format!("`{id}` receives nothing for `{}`", policy.purposes[pi].id),
        );
        return Some(Bits::default());
    };
    let projection = requested.intersection(allowed).difference(&policy.secrets);
    let refused = requested.difference(&projection);
    if !refused.is_empty() {
        b.deny(
            "recipient-category",
            format!("recipient {id}"),
            &r.promises,
            format!(
                "`{id}` may not receive {} for `{}`",
                policy.keys(&refused).join(", "),
                policy.purposes[pi].id
            ),
        );
    }
    Some(projection)
}

/// Keeps the first `v4`/`v6` bits of an address and zeroes the rest.
pub fn truncate_ip(ip: IpAddr, v4: u8, v6: u8) -> IpAddr {
    match ip {
        IpAddr::V4(a) => {
            let bits = u32::from(a);
            let mask = if v4 == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(v4.min(32)))
            };
            IpAddr::V4((bits & mask).into())
        }
        IpAddr::V6(a) => {
            let bits = u128::from(a);
            let mask = if v6 == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(v6.min(128)))
            };
            IpAddr::V6((bits & mask).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_addresses() {
        // promise: AGENCY-06 — part of the IP address is removed before the analytics vendor receives it
        assert_eq!(
            truncate_ip("192.0.2.155".parse().unwrap(), 24, 48).to_string(),
            "192.0.2.0"
        );
        assert_eq!(
            truncate_ip("2001:db8:abcd:12::1".parse().unwrap(), 24, 48).to_string(),
            "2001:db8:abcd::"
        );
        assert_eq!(
            truncate_ip("192.0.2.155".parse().unwrap(), 0, 0).to_string(),
            "0.0.0.0"
        );
    }
}
