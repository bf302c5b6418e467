//! `decide`: may this data about this person be used for this purpose,
//! sent to this recipient, by this channel, now?
//!
//! Deny by default: a query is allowed only when a lawful basis applies and
//! no rule denies it. Every rule that denies adds a reason; an allow carries
//! the obligations that come with it. Pure: `now` is an input.
//!
//! A decision borrows the compiled policy for its reasons and obligations
//! and allocates nothing on the usual paths: sentences and category keys
//! are written when the decision is shown or serialised (`reason`).

use std::borrow::Cow;
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};
use smallvec::SmallVec;
use vow_policy::law::{self, ChildScope};
use vow_policy::model::{Channel, ChildrenPolicy, ConsentModel, LawfulBasis, PurposeTag};

use crate::bits::Bits;
use crate::compile::{CompiledPolicy, CompiledPurpose};
use crate::reason::{CategoryList, Element, Message, Reason};
use crate::state::{ConsentRecord, SubjectState};

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
    /// What the message is about, for a communication whose `when` names
    /// topics (`operational`, `billing`).
    pub topic: Option<&'a str>,
    /// For a disclosure: deny when the recipient may not receive every
    /// category asked for. By default the answer is an allow with the
    /// projection (`SendOnly`), unless nothing at all may be sent.
    pub strict: bool,
    pub context: Context<'a>,
}

/// What comes with an allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Obligation<'p> {
    /// Send only these categories.
    SendOnly {
        categories: CategoryList<'p>,
    },
    /// Truncate the IP address before use; `truncated` is the result when an IP was given.
    TruncateIp {
        ipv4_prefix: u8,
        ipv6_prefix: u8,
        #[serde(serialize_with = "as_text")]
        truncated: Option<IpAddr>,
    },
    AggregateOnly,
    KAnonymity {
        k: u32,
    },
    UnsubscribeLink,
    NotifyParent,
}

/// The answer: allowed or not, why, and what comes with an allow. It
/// borrows the compiled policy it was decided on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision<'p> {
    pub allowed: bool,
    /// The denials of a deny; the notes of an allow.
    #[serde(serialize_with = "seq")]
    pub reasons: SmallVec<[Reason<'p>; 2]>,
    /// Empty for a deny.
    #[serde(serialize_with = "seq")]
    pub obligations: SmallVec<[Obligation<'p>; 2]>,
}

fn seq<A, S>(items: &SmallVec<A>, s: S) -> Result<S::Ok, S::Error>
where
    A: smallvec::Array,
    A::Item: Serialize,
    S: Serializer,
{
    s.collect_seq(items.iter())
}

/// An address as people write it (`192.0.2.0`), whatever the format.
fn as_text<S: Serializer>(ip: &Option<IpAddr>, s: S) -> Result<S::Ok, S::Error> {
    match ip {
        Some(ip) => s.collect_str(ip),
        None => s.serialize_none(),
    }
}

/// Building a decision: allowed, with the notes of an allow, until a rule
/// denies; then denied, with the denials alone (an allow's notes are not
/// shown with a deny).
impl<'p> Decision<'p> {
    fn new() -> Self {
        Decision {
            allowed: true,
            reasons: SmallVec::new(),
            obligations: SmallVec::new(),
        }
    }

    fn deny(&mut self, element: Element<'p>, promises: &'p [String], message: Message<'p>) {
        if self.allowed {
            self.reasons.clear();
            self.allowed = false;
        }
        self.reasons.push(Reason::new(element, promises, message));
    }

    fn note(&mut self, element: Element<'p>, promises: &'p [String], message: Message<'p>) {
        if self.allowed {
            self.reasons.push(Reason::new(element, promises, message));
        }
    }
}

/// A name from the query or the subject, not the policy.
fn copied<'p>(name: &str) -> Cow<'p, str> {
    Cow::Owned(name.to_owned())
}

/// Decides `query` about the subject in `state`, at `now`.
pub fn decide<'p>(
    policy: &'p CompiledPolicy,
    state: &SubjectState,
    query: &Query,
    now: DateTime<Utc>,
) -> Decision<'p> {
    let mut d = Decision::new();
    // The lookups that depend on nothing but the query come first and
    // together: in a large policy each is a cache miss, and the processor
    // waits for them at once rather than one after another.
    let found = policy.purpose(query.purpose);
    let consent = state.consent(query.purpose);
    let to = query.recipient.map(|id| (id, policy.recipient(id)));
    let one_key = match query.categories {
        [key] => Some((*key, policy.category(key))),
        _ => None,
    };
    let Some(pi) = found else {
        d.deny(
            Element::Named("purpose", copied(query.purpose)),
            &[],
            Message::PurposeUndeclared {
                purpose: copied(query.purpose),
            },
        );
        return d;
    };
    let purpose = &policy.purposes[pi];
    let element = Element::purpose(&purpose.id);
    let jurisdiction = query.context.jurisdiction.or(state.jurisdiction.as_deref());

    // Erasure is judged on holds alone.
    if query.action == Action::Erase {
        if let Some(hold) = state.legal_holds.first() {
            d.deny(
                Element::Named("hold", copied(hold)),
                &[],
                Message::LegalHold { hold: copied(hold) },
            );
        } else {
            d.note(element, &purpose.promises, Message::ErasureAllowed);
        }
        return d;
    }

    // Categories: declared, and allowed for the purpose.
    let requested = requested(&mut d, policy, query.categories, one_key);
    if !requested.is_subset(&purpose.categories) {
        d.deny(
            element.clone(),
            &purpose.promises,
            Message::CategoryNotAllowed {
                purpose: &purpose.id,
                categories: policy.category_list(requested.difference(&purpose.categories)),
            },
        );
    }

    restriction(&mut d, state, purpose, query);
    erased(&mut d, state, query);
    if query.action == Action::Store {
        // Keeping data needs no more than a declared purpose and category,
        // and one the policy does not promise never to keep.
        never_stored(&mut d, policy, &requested);
        d.note(element, &purpose.promises, Message::Storage);
        return d;
    }

    let mut active: SmallVec<[usize; 4]> = SmallVec::new();
    if !state.memberships.is_empty() {
        active.extend(
            state
                .memberships
                .iter()
                .filter_map(|m| policy.membership(m)),
        );
    }
    let communication = query.communication.and_then(|c| policy.communication(c));
    // An essential message goes out whatever the marketing choices (KIDS-06, IOT-05).
    let essential_message = communication.is_some_and(|c| policy.communications[c].essential);
    objections(&mut d, state, purpose);
    memberships(&mut d, policy, &active, pi, query, communication);
    audience(&mut d, purpose, &active, state, jurisdiction);
    let child = children(&mut d, policy, state, purpose, &requested, query, now);
    children_by_law(&mut d, policy, state, purpose, jurisdiction, now);
    signals(&mut d, policy, purpose, jurisdiction, query, now);
    basis_and_consent(
        &mut d,
        policy,
        state,
        consent,
        purpose,
        jurisdiction,
        query.channel,
        essential_message,
        now,
    );
    if let Some(c) = communication {
        send_condition(&mut d, policy, state, c, query.topic);
    }
    if let (Some(c), Some(channel)) = (communication, query.channel)
        && !essential_message
    {
        communication_choice(&mut d, policy, state, c, channel);
    }
    binding(&mut d, policy, pi, query);
    let projection =
        to.and_then(|(id, ri)| recipient(&mut d, policy, pi, &requested, id, ri, query.strict));
    if !d.allowed {
        return d;
    }

    let obligations = &mut d.obligations;
    if let Some(projection) = projection {
        obligations.push(Obligation::SendOnly {
            categories: policy.category_list(projection),
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
                .map(|ip| truncate_ip(ip, t.ipv4_prefix, t.ipv6_prefix)),
        });
    }
    if o.aggregate_only {
        obligations.push(Obligation::AggregateOnly);
    }
    if let Some(k) = o.k_anonymity {
        obligations.push(Obligation::KAnonymity { k });
    }
    if o.unsubscribe_link && !essential_message {
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
    d
}

/// What the policy promises never to keep (card numbers, EDU-07,
/// KIDS-10) is not stored, whatever the purpose; passing it to a processor
/// is a use, judged by the other rules.
fn never_stored<'p>(d: &mut Decision<'p>, policy: &'p CompiledPolicy, requested: &Bits) {
    if policy.never_stored.is_empty() {
        return;
    }
    let kept = requested.intersection(&policy.never_stored);
    if let Some(first) = kept.iter().next() {
        d.deny(
            Element::Named("category", Cow::Borrowed(policy.categories[first].as_str())),
            &policy.never_stored_promises,
            Message::NeverStored {
                categories: policy.category_list(kept),
            },
        );
    }
}

/// A restriction (GDPR Art. 18) denies everything but storage, and the
/// use of the purposes the policy lets continue under it (Art. 18(2):
/// legal claims, another person's rights), which their own rules decide.
fn restriction<'p>(
    d: &mut Decision<'p>,
    state: &SubjectState,
    purpose: &'p CompiledPurpose,
    query: &Query,
) {
    if !state.restricted || query.action == Action::Store {
        return;
    }
    if purpose.exempt_from_restriction && query.action == Action::Use {
        d.note(
            Element::purpose(&purpose.id),
            &purpose.promises,
            Message::RestrictionExempt {
                purpose: &purpose.id,
            },
        );
    } else {
        d.deny(Element::Fixed("subject"), &[], Message::Restricted);
    }
}

/// An erased person's data is not used again (it may still be kept where
/// the law says, and erased again), until they give it anew.
fn erased(d: &mut Decision<'_>, state: &SubjectState, query: &Query) {
    if state.erased && query.action == Action::Use {
        d.deny(Element::Fixed("subject"), &[], Message::Erased);
    }
}

/// The categories the query's keys cover; an undeclared key denies. A
/// single key's set is the policy's own, already looked up (`one_key`).
fn requested<'p>(
    d: &mut Decision<'p>,
    policy: &'p CompiledPolicy,
    keys: &[&str],
    one_key: Option<(&str, Option<&'p Bits>)>,
) -> Cow<'p, Bits> {
    let undeclared = |d: &mut Decision<'p>, key: &str| {
        d.deny(
            Element::Named("category", copied(key)),
            &[],
            Message::CategoryUndeclared { key: copied(key) },
        )
    };
    if let Some((key, set)) = one_key {
        return match set {
            Some(set) => Cow::Borrowed(set),
            None => {
                undeclared(d, key);
                Cow::Owned(Bits::default())
            }
        };
    }
    let mut union = Bits::default();
    for key in keys {
        match policy.category(key) {
            Some(set) => union.union_with(set),
            None => undeclared(d, key),
        }
    }
    Cow::Owned(union)
}

fn objections<'p>(d: &mut Decision<'p>, state: &SubjectState, purpose: &'p CompiledPurpose) {
    if state.objections.contains(&purpose.id) {
        d.deny(
            Element::purpose(&purpose.id),
            &purpose.promises,
            Message::Objection {
                purpose: &purpose.id,
            },
        );
    }
    if state.objects_to_direct_marketing && purpose.marketing {
        d.deny(
            Element::purpose(&purpose.id),
            &purpose.promises,
            Message::ObjectionToDirectMarketing,
        );
    }
}

/// `active`: the subject's memberships the policy declares, in the subject's order.
fn memberships<'p>(
    d: &mut Decision<'p>,
    policy: &'p CompiledPolicy,
    active: &[usize],
    pi: usize,
    query: &Query,
    communication: Option<usize>,
) {
    let purpose = &policy.purposes[pi];
    for &i in active {
        let m = &policy.memberships[i];
        let element = || Element::Named("membership", Cow::Borrowed(&m.id));
        if purpose.tags.iter().any(|t| m.deny_tags.contains(t)) || m.deny_purposes.contains(&pi) {
            d.deny(
                element(),
                &m.promises,
                Message::MembershipDenies {
                    membership: &m.id,
                    purpose: &purpose.id,
                },
            );
        }
        if let (Some(only), Some(asked)) = (&m.communications_only, query.communication)
            && !communication.is_some_and(|c| only.contains(&c))
        {
            let communication = match communication {
                Some(c) => Cow::Borrowed(policy.communications[c].id.as_str()),
                None => copied(asked),
            };
            d.deny(
                element(),
                &m.promises,
                Message::CommunicationNotAllowed {
                    membership: &m.id,
                    allowed: only.len(),
                    communication,
                },
            );
        }
    }
}

fn audience<'p>(
    d: &mut Decision<'p>,
    purpose: &'p CompiledPurpose,
    active: &[usize],
    state: &SubjectState,
    jurisdiction: Option<&str>,
) {
    let element = Element::purpose(&purpose.id);
    let id = purpose.id.as_str();
    let is_active = |i: &usize| active.contains(i);
    if purpose.exclude_memberships.iter().any(is_active) {
        d.deny(
            element.clone(),
            &purpose.promises,
            Message::AudienceExcluded { purpose: id },
        );
    }
    if !purpose.require_memberships.is_empty() && !purpose.require_memberships.iter().any(is_active)
    {
        d.deny(
            element.clone(),
            &purpose.promises,
            Message::AudienceMembershipRequired { purpose: id },
        );
    }
    if !purpose.subject_kinds.is_empty()
        && !state
            .kind
            .as_ref()
            .is_some_and(|k| purpose.subject_kinds.contains(k))
    {
        d.deny(
            element.clone(),
            &purpose.promises,
            Message::AudienceKind {
                purpose: id,
                kinds: &purpose.subject_kinds,
            },
        );
    }
    if !purpose.jurisdictions.is_empty()
        && !jurisdiction.is_some_and(|j| purpose.jurisdictions.iter().any(|p| p == j))
    {
        d.deny(
            element,
            &purpose.promises,
            Message::AudienceJurisdiction {
                purpose: id,
                jurisdictions: &purpose.jurisdictions,
            },
        );
    }
}

/// Rules for children. Returns whether the subject is treated as a child.
fn children<'p>(
    d: &mut Decision<'p>,
    policy: &'p CompiledPolicy,
    state: &SubjectState,
    purpose: &'p CompiledPurpose,
    requested: &Bits,
    query: &Query,
    now: DateTime<Utc>,
) -> bool {
    if purpose.min_age.is_none() && policy.children.is_none() {
        return false;
    }
    let age = state.age_on(now.date_naive());
    if let Some(min) = purpose.min_age
        && age.is_none_or(|a| a < u32::from(min))
    {
        d.deny(
            Element::purpose(&purpose.id),
            &purpose.promises,
            Message::AudienceAge {
                purpose: &purpose.id,
                min,
            },
        );
    }
    let Some(rule) = &policy.children else {
        return false;
    };
    let promises = &policy.children_promises;
    let child = match age {
        Some(a) => a < u32::from(rule.consent_age),
        None => rule.unknown_age_is_child,
    };
    if !child {
        return false;
    }
    let element = Element::Fixed("children");
    let consent_age = rule.consent_age;
    if !rule.admitted {
        d.deny(element, promises, Message::ChildNotAdmitted { consent_age });
        return true;
    }
    if purpose.children == Some(ChildrenPolicy::Forbidden) {
        d.deny(
            Element::purpose(&purpose.id),
            &purpose.promises,
            Message::ChildPurposeForbidden {
                purpose: &purpose.id,
            },
        );
    }
    // Any parental-consent rule means: nothing about a child until a verified consent is on record.
    let needs_consent = rule.parental_consent.is_some()
        || purpose.children == Some(ChildrenPolicy::ParentalConsent);
    if needs_consent && !state.parental_consent_verified {
        d.deny(
            element.clone(),
            promises,
            Message::ParentalConsentMissing { consent_age },
        );
    }
    // A policy that marks categories allowed for children collects only those about a child.
    let allowed = &policy.allowed_for_children;
    if !allowed.is_empty() && !requested.is_subset(allowed) {
        d.deny(
            element.clone(),
            promises,
            Message::ChildCategoryNotAllowed {
                categories: policy.category_list(requested.difference(allowed)),
            },
        );
    }
    if rule.no_direct_contact && (query.channel.is_some() || query.communication.is_some()) {
        d.deny(element, promises, Message::ChildNoDirectContact);
    }
    true
}

/// The law's age of digital consent in the person's country, underneath
/// the policy's own rule: below it, processing that relies on the child's
/// consent (GDPR Art. 8), or anything at all (COPPA), needs a parent's
/// verified consent — whatever `children.consent_age` says. The policy's
/// rule has already denied a child it counts as one without that consent.
fn children_by_law<'p>(
    d: &mut Decision<'p>,
    policy: &'p CompiledPolicy,
    state: &SubjectState,
    purpose: &'p CompiledPurpose,
    jurisdiction: Option<&str>,
    now: DateTime<Utc>,
) {
    let (Some(_), Some(j)) = (state.birth_date, jurisdiction) else {
        return;
    };
    if state.parental_consent_verified {
        return;
    }
    let today = now.date_naive();
    let Some(age) = state.age_on(today) else {
        return;
    };
    // No country sets an age above the GDPR's 16.
    if age >= 16 {
        return;
    }
    let Some(rule) = law::consent_age(j, today) else {
        return;
    };
    if age >= u32::from(rule.age) {
        return;
    }
    if rule.scope == ChildScope::Consent {
        let place = policy.place(j).map(|(i, _)| i);
        let (basis, model) = purpose.rules_in(place);
        if basis != Some(LawfulBasis::Consent) && model != ConsentModel::OptIn {
            return;
        }
    }
    if d.reasons
        .iter()
        .any(|r| r.rule == "parental-consent-missing")
    {
        return;
    }
    d.deny(
        Element::Fixed("children"),
        &[],
        Message::ParentalConsentRequiredByLaw {
            age: rule.age,
            place: rule.jurisdiction,
            citation: rule.citation,
            everything: rule.scope == ChildScope::Everything,
        },
    );
}

/// Global Privacy Control: where the person's state obliges the business
/// to honour it, from the date it does (the law), and wherever else the
/// policy says it is honoured.
fn signals<'p>(
    d: &mut Decision<'p>,
    policy: &'p CompiledPolicy,
    purpose: &CompiledPurpose,
    jurisdiction: Option<&str>,
    query: &Query,
    now: DateTime<Utc>,
) {
    if query.context.gpc {
        let duty = jurisdiction.and_then(|j| law::opt_out_signal(j, now.date_naive()));
        if let Some(duty) = duty
            && purpose.tags.iter().any(|t| duty.opts_out_of.contains(t))
        {
            d.deny(
                Element::Fixed("signals.global_privacy_control"),
                &policy.gpc_promises,
                Message::GpcRequiredByLaw {
                    place: duty.jurisdiction,
                    law: duty.law,
                    citation: duty.citation,
                },
            );
        } else if purpose.sale_or_sharing && policy.gpc_applies(jurisdiction) {
            d.deny(
                Element::Fixed("signals.global_privacy_control"),
                &policy.gpc_promises,
                Message::GpcOptOut,
            );
        }
    }
    if query.context.dnt
        && (purpose.has_tag(PurposeTag::Analytics) || purpose.has_tag(PurposeTag::Advertising))
    {
        let element = Element::Fixed("signals.do_not_track");
        match &policy.dnt {
            Some(dnt) if dnt.honoured => d.deny(element, &[], Message::DntHonoured),
            Some(_) => d.note(element, &policy.dnt_promises, Message::DntIgnored),
            None => {}
        }
    }
}

/// The person turned this kind of message off on this channel.
fn communication_choice<'p>(
    d: &mut Decision<'p>,
    policy: &'p CompiledPolicy,
    state: &SubjectState,
    communication: usize,
    channel: Channel,
) {
    let c = &policy.communications[communication];
    if state
        .communication_opt_outs
        .iter()
        .any(|o| o.channel == channel && o.communication == c.id)
    {
        d.deny(
            Element::Named("communication", Cow::Borrowed(&c.id)),
            &c.promises,
            Message::CommunicationOptOut {
                communication: &c.id,
                channel,
            },
        );
    }
}

/// A message's condition (`when`): the person's attributes, and what the
/// message is about (EDU-04).
fn send_condition<'p>(
    d: &mut Decision<'p>,
    policy: &'p CompiledPolicy,
    state: &SubjectState,
    communication: usize,
    topic: Option<&str>,
) {
    let c = &policy.communications[communication];
    let Some(when) = &c.when else { return };
    let element = || Element::Named("communication", Cow::Borrowed(c.id.as_str()));
    for (name, wanted) in &when.attributes {
        let has = state.attributes.get(name.as_str());
        if has != Some(wanted) {
            d.deny(
                element(),
                &c.promises,
                Message::ConditionAttribute {
                    communication: &c.id,
                    attribute: name.as_str(),
                    wanted,
                    has: has.map(|v| Cow::Owned(v.to_string())),
                },
            );
        }
    }
    if !when.topics.is_empty()
        && !topic.is_some_and(|t| when.topics.iter().any(|w| w.as_str() == t))
    {
        d.deny(
            element(),
            &c.promises,
            Message::ConditionTopic {
                communication: &c.id,
                topics: &when.topics,
                topic: topic.map(copied),
            },
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn basis_and_consent<'p>(
    d: &mut Decision<'p>,
    policy: &'p CompiledPolicy,
    state: &SubjectState,
    consent: Option<&ConsentRecord>,
    purpose: &'p CompiledPurpose,
    jurisdiction: Option<&str>,
    channel: Option<Channel>,
    essential_message: bool,
    now: DateTime<Utc>,
) {
    let element = Element::purpose(&purpose.id);
    let promises = &purpose.promises;
    let id = purpose.id.as_str();
    // The place is looked up only when the purpose's rules vary by place,
    // or when a reason names it.
    let known = jurisdiction
        .filter(|_| purpose.varies_by_place())
        .and_then(|j| policy.place(j));
    let (basis, model) = purpose.rules_in(known.map(|(i, _)| i));
    let place = || match jurisdiction {
        None => Cow::Borrowed("default"),
        // The person's own place, borrowed from the policy when it names it.
        Some(j) => match known.or_else(|| policy.place(j)) {
            Some((_, code)) if code == j => Cow::Borrowed(code),
            _ => copied(j),
        },
    };
    let Some(basis) = basis else {
        d.deny(
            element,
            promises,
            Message::NoLawfulBasis {
                purpose: id,
                place: place(),
            },
        );
        return;
    };
    if essential_message {
        d.note(element, promises, Message::EssentialMessage);
        return;
    }
    if let Some(channel) = channel
        && state.channel_opt_outs.contains(&channel)
    {
        d.deny(
            element.clone(),
            promises,
            Message::ChannelOptOut { channel },
        );
    }
    let stale = |at: DateTime<Utc>| purpose.predates_change(at);
    match model {
        ConsentModel::OptIn => match consent {
            Some(r) if r.given => match lapse(purpose, r, now) {
                Some(Lapse::Expired) => d.deny(
                    element,
                    promises,
                    Message::ConsentExpired {
                        purpose: id,
                        given_on: r.at.date_naive(),
                    },
                ),
                Some(Lapse::Ended(until)) => d.deny(
                    element,
                    promises,
                    Message::ConsentEnded {
                        purpose: id,
                        given_on: r.at.date_naive(),
                        ended_on: until.date_naive(),
                    },
                ),
                None if stale(r.at) => d.deny(
                    element,
                    promises,
                    Message::ConsentRenewalNeeded { purpose: id },
                ),
                None => d.note(
                    element,
                    promises,
                    Message::ConsentGiven {
                        purpose: id,
                        on: r.at.date_naive(),
                    },
                ),
            },
            Some(_) => d.deny(element, promises, Message::ConsentWithdrawn { purpose: id }),
            None => d.deny(element, promises, Message::ConsentMissing { purpose: id }),
        },
        ConsentModel::OptOut => match consent {
            Some(r) if !r.given => d.deny(element, promises, Message::OptedOut { purpose: id }),
            _ => d.note(element, promises, Message::NotOptedOut { purpose: id }),
        },
        ConsentModel::SoftOptIn => match consent {
            Some(r) if !r.given => d.deny(element, promises, Message::OptedOut { purpose: id }),
            Some(r) if lapse(purpose, r, now).is_none() && !stale(r.at) => d.note(
                element,
                promises,
                Message::SoftOptInConsentGiven { purpose: id },
            ),
            _ if state.customer => d.note(element, promises, Message::SoftOptIn),
            _ => d.deny(
                element,
                promises,
                Message::SoftOptInConsentMissing { purpose: id },
            ),
        },
        ConsentModel::None if basis == LawfulBasis::Consent => d.deny(
            element,
            promises,
            Message::ConsentNotRecorded { purpose: id },
        ),
        ConsentModel::None => d.note(
            element,
            promises,
            Message::LawfulBasis {
                purpose: id,
                basis,
                place: place(),
            },
        ),
    }
}

/// Why a consent given no longer counts.
enum Lapse {
    /// The purpose's consent lifetime has passed since it was given.
    Expired,
    /// It reached the end it was given with (`ConsentRecord::until`).
    Ended(DateTime<Utc>),
}

/// Whether the consent `r`, given, has lapsed at `now`: by the purpose's
/// lifetime or by its own end, whichever comes first.
fn lapse(purpose: &CompiledPurpose, r: &ConsentRecord, now: DateTime<Utc>) -> Option<Lapse> {
    let expired = purpose
        .consent_lifetime
        .is_some_and(|seconds| (now - r.at).num_seconds() > seconds);
    let ended = r.until.filter(|_| r.ended_at(now));
    match (expired, ended) {
        (false, None) => None,
        (true, None) => Some(Lapse::Expired),
        (false, Some(until)) => Some(Lapse::Ended(until)),
        // Both passed: the one that came first is the reason.
        (true, Some(until)) => {
            let lifetime_end = purpose
                .consent_lifetime
                .and_then(chrono::TimeDelta::try_seconds)
                .and_then(|life| r.at.checked_add_signed(life));
            if lifetime_end.is_some_and(|end| end < until) {
                Some(Lapse::Expired)
            } else {
                Some(Lapse::Ended(until))
            }
        }
    }
}

fn binding<'p>(d: &mut Decision<'p>, policy: &'p CompiledPolicy, pi: usize, query: &Query) {
    let Some(point) = query.collection_point else {
        return;
    };
    match policy.collection_points.get_key_value(point) {
        Some((id, (purposes, true))) if !purposes.contains(&pi) => d.deny(
            Element::Named("collection point", Cow::Borrowed(id)),
            &[],
            Message::PurposeBinding { point: id },
        ),
        None => d.deny(
            Element::Named("collection point", copied(point)),
            &[],
            Message::CollectionPointUndeclared {
                point: copied(point),
            },
        ),
        _ => {}
    }
}

/// For a disclosure to `id` (`found`: its index, when declared): what the
/// recipient may receive (the projection). Asked for more, it is an allow
/// with the projection, unless `strict` or nothing may be sent.
fn recipient<'p>(
    d: &mut Decision<'p>,
    policy: &'p CompiledPolicy,
    pi: usize,
    requested: &Bits,
    id: &str,
    found: Option<usize>,
    strict: bool,
) -> Option<Bits> {
    let Some(r) = found.map(|i| &policy.recipients[i]) else {
        d.deny(
            Element::Named("recipient", copied(id)),
            &[],
            Message::RecipientUndeclared {
                recipient: copied(id),
            },
        );
        return None;
    };
    let element = Element::Named("recipient", Cow::Borrowed(&r.id));
    let purpose = policy.purposes[pi].id.as_str();
    let Some((allowed, _)) = r.uses(pi) else {
        d.deny(
            element,
            &r.promises,
            Message::RecipientPurpose {
                recipient: &r.id,
                purpose,
            },
        );
        return None;
    };
    let projection = requested.intersection(allowed).difference(&policy.secrets);
    if !requested.is_subset(&projection) {
        let withheld = policy.category_list(requested.difference(&projection));
        if strict || projection.is_empty() {
            d.deny(
                element,
                &r.promises,
                Message::RecipientCategory {
                    recipient: &r.id,
                    purpose,
                    categories: withheld,
                },
            );
        } else {
            // IOT-09: what the recipient may not have is left out, and said.
            d.note(
                element,
                &r.promises,
                Message::RecipientProjected {
                    recipient: &r.id,
                    purpose,
                    withheld,
                },
            );
        }
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
