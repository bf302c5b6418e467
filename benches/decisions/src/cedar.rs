//! The same decisions in Cedar, in its fastest form: one small fixed set of
//! policies (`rules`, the same for every privacy policy and every size),
//! and every per-purpose, per-recipient and per-subject fact as entity
//! data, built once. Per decision: build the `Request` from the query and
//! call `Authorizer::is_authorized`.
//!
//! Cedar evaluates every policy of the set on every request, so the rules
//! make a policy set in two ways (`Form`): one Cedar policy per rule
//! (Cedar's answer names the rules that decided, as vow's reasons do), or
//! all permits in one policy and all forbids in another, which is faster
//! and answers allow or deny alone. (Writing one Cedar policy per purpose
//! instead makes the set grow with the privacy policy: linear in the number
//! of purposes, and far slower.)
//!
//! Entities, one world per privacy policy:
//! - `Policy`: the children's rule, GPC and DNT stances, the memberships
//!   that allow only some communications.
//! - `Purpose`: the keys of the categories it may use (`covers`, every key
//!   whose leaves all lie in the purpose's), its rule elsewhere (`model`)
//!   and the places where another rule holds (one set per rule), tags as
//!   booleans, the memberships that deny it or its audience.
//! - `Communication`, `CollectionPoint`, and `Disclosure::"recipient/purpose"`
//!   (what the recipient may receive for that purpose, secrets removed).
//! - `Subject`: the subject's state (consents given and refused as sets of
//!   purposes, memberships, birth date as `yyyymmdd`).
//!
//! Cedar answers allow or deny and the ids of the policies that decided;
//! it computes no obligation.

use std::collections::{BTreeSet, HashMap, HashSet};

use cedar_policy::{
    Authorizer, Context, Entities, Entity, EntityId, EntityTypeName, EntityUid, PolicyId,
    PolicySet, Request, Response, RestrictedExpression,
};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use vow_engine::{Action, Query, SubjectState};
use vow_policy::{Channel, ChildrenPolicy, Policy};

use crate::facts::{self, Categories, Rule};

/// The subject's jurisdiction as the query or the subject gives it ("" when neither).
const PLACE: &str = r#"(if context has jurisdiction then context.jurisdiction else if principal has jurisdiction then principal.jurisdiction else "")"#;

/// The subject is a child under the policy's children's rule.
const CHILD: &str = "(resource.policy.children && (if principal has born then context.today < principal.born + resource.policy.consentAge * 10000 else resource.policy.unknownAgeIsChild))";

/// The communication asked for is declared and essential.
const ESSENTIAL: &str = "(context has communication && context.communication has essential && context.communication.essential)";

/// The rule `rule` holds for the purpose in the subject's place.
fn holds(rule: Rule) -> String {
    let name = rule.name();
    format!(
        r#"(resource.{name}.contains({PLACE}) || (resource.model == "{name}" && !resource.overridden.contains({PLACE})))"#
    )
}

/// One rule of `vow_engine::decide` as a Cedar policy.
pub struct CedarRule {
    /// The policy id: Cedar's reason when the rule decides.
    pub id: &'static str,
    pub permit: bool,
    /// The action constraint of the policy's scope.
    pub action: &'static str,
    pub when: String,
    pub unless: Option<String>,
}

impl CedarRule {
    fn text(&self) -> String {
        let effect = if self.permit { "permit" } else { "forbid" };
        let unless = self
            .unless
            .as_ref()
            .map_or_else(String::new, |u| format!("\nunless {{ {u} }}"));
        format!(
            "{effect} (principal, {}, resource)\nwhen {{ {} }}{unless};",
            self.action, self.when
        )
    }
}

const USE: &str = r#"action == Action::"use""#;

/// The rules: permits (a lawful basis and its consent, storage, erasure)
/// and forbids (each rule that denies).
pub fn rules() -> Vec<CedarRule> {
    let rule = |id, permit, action, when: &str, unless: Option<&str>| CedarRule {
        id,
        permit,
        action,
        when: when.to_owned(),
        unless: unless.map(str::to_owned),
    };
    let permit = |id, when: String| rule(id, true, USE, &when, None);
    let forbid = |id, when: String| rule(id, false, USE, &when, None);
    vec![
        rule(
            "erasure",
            true,
            r#"action == Action::"erase""#,
            "resource has model",
            Some("principal.legalHold"),
        ),
        rule(
            "storage",
            true,
            r#"action == Action::"store""#,
            "resource has model",
            None,
        ),
        permit(
            "lawful-basis",
            format!("resource has model && {}", holds(Rule::Basis)),
        ),
        permit(
            "opt-in",
            format!(
                "resource has model && {} && principal.consented.contains(resource)",
                holds(Rule::OptIn)
            ),
        ),
        permit(
            "opt-out",
            format!(
                "resource has model && {} && !principal.refused.contains(resource)",
                holds(Rule::OptOut)
            ),
        ),
        permit(
            "soft-opt-in",
            format!(
                "resource has model && {} && !principal.refused.contains(resource) && \
                 (principal.consented.contains(resource) || principal.customer)",
                holds(Rule::SoftOptIn)
            ),
        ),
        permit(
            "essential-message",
            format!(
                "resource has model && {ESSENTIAL} && !{}",
                holds(Rule::NoBasis)
            ),
        ),
        rule(
            "never-stored",
            false,
            r#"action == Action::"store""#,
            "resource has policy && resource.policy.neverStored.containsAny(context.categories)",
            None,
        ),
        rule(
            "category",
            false,
            r#"action in [Action::"use", Action::"store"]"#,
            "!(resource has covers && resource.covers.containsAll(context.categories))",
            None,
        ),
        forbid(
            "restricted",
            "principal.restricted && !resource.exemptFromRestriction".into(),
        ),
        forbid(
            "objection",
            "principal.objections.contains(resource) || \
             (principal.objectsToDirectMarketing && resource has marketing && resource.marketing)"
                .into(),
        ),
        forbid(
            "membership-denies",
            "resource has model && resource.deniedFor.containsAny(principal.memberships)".into(),
        ),
        forbid(
            "communication-not-allowed",
            "resource has model && context has communication && \
             (if context.communication has deniedFor \
              then context.communication.deniedFor.containsAny(principal.memberships) \
              else resource.policy.communicationsOnly.containsAny(principal.memberships))"
                .into(),
        ),
        forbid(
            "communication-condition",
            "context has communication && context.communication has requires && \
             (!principal.facts.containsAll(context.communication.requires) || \
              (!context.communication.topics.isEmpty() && \
               !(context has topic && context.communication.topics.contains(context.topic))))"
                .into(),
        ),
        forbid(
            "audience",
            format!(
                "resource has model && (\
                 resource.excluded.containsAny(principal.memberships) || \
                 (!resource.required.isEmpty() && !resource.required.containsAny(principal.memberships)) || \
                 (!resource.kinds.isEmpty() && !(principal has kind && resource.kinds.contains(principal.kind))) || \
                 (!resource.jurisdictions.isEmpty() && !resource.jurisdictions.contains({PLACE})) || \
                 (resource has minAge && !(principal has born && \
                   context.today >= principal.born + resource.minAge * 10000)))"
            ),
        ),
        forbid(
            "children",
            format!(
                "resource has model && {CHILD} && (\
                 !resource.policy.childrenAdmitted || \
                 resource.childForbidden || \
                 ((resource.policy.parentalConsent || resource.childNeedsConsent) && !principal.parentalConsent) || \
                 (resource.policy.childCategoriesLimited && \
                   !resource.policy.childCovers.containsAll(context.categories)) || \
                 (resource.policy.noDirectContact && (context has channel || context has communication)))"
            ),
        ),
        forbid(
            "gpc-opt-out",
            format!(
                "resource has model && context.gpc && resource.saleOrSharing && \
                 (resource.policy.gpcEverywhere || resource.policy.gpcPlaces.contains({PLACE}))"
            ),
        ),
        forbid(
            "dnt-honoured",
            "resource has model && context.dnt && resource.tracking && resource.policy.dntHonoured"
                .into(),
        ),
        rule(
            "channel-opt-out",
            false,
            USE,
            "context has channel && principal.channelOptOuts.contains(context.channel)",
            Some(ESSENTIAL),
        ),
        forbid(
            "purpose-binding",
            "context has collectionPoint && \
             (if context.collectionPoint has bound \
              then context.collectionPoint.bound && \
                !context.collectionPoint.purposes.contains(resource) \
              else true)"
                .into(),
        ),
        forbid(
            "recipient",
            "context has disclosure && \
             !(context.disclosure has covers && \
               context.disclosure.covers.containsAll(context.categories)) && \
             (context.strict || !(context.disclosure has touches && \
               context.disclosure.touches.containsAny(context.categories)))"
                .into(),
        ),
    ]
}

/// How the rules become a policy set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Two policies: every permit rule joined by `||` in one, every forbid
    /// in the other. Cedar's fastest form here; its reasons no longer name
    /// the rule.
    Merged,
    /// One policy per rule, named by the rule: Cedar's reasons are the
    /// rules that decided, as vow's are.
    PerRule,
}

/// The policy set of `form`.
pub fn policy_set(form: Form) -> PolicySet {
    let parse = |id: &str, text: &str| {
        cedar_policy::Policy::parse(Some(PolicyId::new(id)), text)
            .unwrap_or_else(|e| panic!("policy {id} parses: {e:?}\n{text}"))
    };
    let mut set = PolicySet::new();
    match form {
        Form::PerRule => {
            for rule in rules() {
                set.add(parse(rule.id, &rule.text()))
                    .expect("rule ids are distinct");
            }
        }
        Form::Merged => {
            let (permits, forbids): (Vec<CedarRule>, Vec<CedarRule>) =
                rules().into_iter().partition(|r| r.permit);
            let any = |rules: &[CedarRule]| {
                rules
                    .iter()
                    .map(|r| {
                        let unless = r
                            .unless
                            .as_ref()
                            .map_or_else(String::new, |u| format!(" && !({u})"));
                        format!("(({}) && ({}){unless})", r.action, r.when)
                    })
                    .collect::<Vec<_>>()
                    .join(" ||\n  ")
            };
            let permit = format!(
                "permit (principal, action, resource)\nwhen {{\n  {}\n}};",
                any(&permits)
            );
            let forbid = format!(
                "forbid (principal, action, resource)\nwhen {{\n  {}\n}};",
                any(&forbids)
            );
            set.add(parse("permit", &permit)).expect("a new id");
            set.add(parse("forbid", &forbid)).expect("a new id");
        }
    }
    set
}

/// The policy set, the authorizer and the entity type names, made once.
/// Worlds built by one `Cedar` serve any other.
pub struct Cedar {
    policies: PolicySet,
    authorizer: Authorizer,
    subject: EntityTypeName,
    purpose: EntityTypeName,
    communication: EntityTypeName,
    collection_point: EntityTypeName,
    disclosure: EntityTypeName,
    policy: EntityTypeName,
    membership: EntityTypeName,
    actions: [EntityUid; 3],
}

/// One privacy policy's facts and its subjects, as Cedar entities.
pub struct World {
    pub entities: Entities,
}

type Attrs = HashMap<String, RestrictedExpression>;

/// A person's attribute as one Cedar string, `name=value`.
fn fact(name: &str, value: &vow_policy::AttributeValue) -> String {
    format!("{name}={value}")
}

fn string(s: &str) -> RestrictedExpression {
    RestrictedExpression::new_string(s.to_owned())
}

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> RestrictedExpression {
    RestrictedExpression::new_set(items.into_iter().map(string))
}

fn boolean(b: bool) -> RestrictedExpression {
    RestrictedExpression::new_bool(b)
}

/// A date as the number `yyyymmdd`: whole years of age compare as numbers.
pub fn yyyymmdd(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 10_000 + i64::from(date.month()) * 100 + i64::from(date.day())
}

/// A channel as the policy file writes it.
fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "email",
        Channel::Sms => "sms",
        Channel::Phone => "phone",
        Channel::Post => "post",
        Channel::InProduct => "in_product",
        Channel::Site => "site",
        Channel::Portal => "portal",
        Channel::Push => "push",
    }
}

impl Cedar {
    pub fn new(form: Form) -> Cedar {
        let ty = |name: &str| -> EntityTypeName { name.parse().expect("a valid type name") };
        let action = |id: &str| EntityUid::from_type_name_and_id(ty("Action"), EntityId::new(id));
        Cedar {
            policies: policy_set(form),
            authorizer: Authorizer::new(),
            subject: ty("Subject"),
            purpose: ty("Purpose"),
            communication: ty("Communication"),
            collection_point: ty("CollectionPoint"),
            disclosure: ty("Disclosure"),
            policy: ty("Policy"),
            membership: ty("Membership"),
            actions: [action("use"), action("store"), action("erase")],
        }
    }

    fn uid(&self, ty: &EntityTypeName, id: &str) -> EntityUid {
        EntityUid::from_type_name_and_id(ty.clone(), EntityId::new(id))
    }

    fn uids<'a>(
        &self,
        ty: &EntityTypeName,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> RestrictedExpression {
        RestrictedExpression::new_set(
            ids.into_iter()
                .map(|id| RestrictedExpression::new_entity_uid(self.uid(ty, id))),
        )
    }

    /// The entities for `policy` and the given subjects (id, state).
    pub fn world(&self, policy: &Policy, subjects: &[(&str, &SubjectState)]) -> World {
        facts::assert_modelled(policy);
        let cats = Categories::new(policy);
        let secrets = Categories::flagged(policy, |c| c.secret);
        let mut entities = Vec::new();
        let entity = |uid: EntityUid, attrs: Attrs| {
            Entity::new(uid, attrs, HashSet::new()).expect("attribute values are literals")
        };

        let policy_uid = self.uid(&self.policy, policy.policy.id.as_str());
        let children = policy.children.as_ref();
        let for_children = Categories::flagged(policy, |c| c.allowed_for_children);
        let (gpc_everywhere, gpc_places) = facts::gpc(policy);
        let mut attrs = Attrs::new();
        attrs.insert("children".into(), boolean(children.is_some()));
        attrs.insert(
            "childrenAdmitted".into(),
            boolean(children.is_some_and(|c| c.admitted)),
        );
        attrs.insert(
            "consentAge".into(),
            RestrictedExpression::new_long(children.map_or(0, |c| i64::from(c.consent_age))),
        );
        attrs.insert(
            "unknownAgeIsChild".into(),
            boolean(children.is_some_and(|c| c.unknown_age_is_child)),
        );
        attrs.insert(
            "parentalConsent".into(),
            boolean(children.is_some_and(|c| c.parental_consent.is_some())),
        );
        attrs.insert(
            "noDirectContact".into(),
            boolean(children.is_some_and(|c| c.no_direct_contact)),
        );
        attrs.insert(
            "childCategoriesLimited".into(),
            boolean(!for_children.is_empty()),
        );
        attrs.insert("childCovers".into(), strings(cats.covered(&for_children)));
        attrs.insert(
            "neverStored".into(),
            strings(cats.touching(&cats.within_flagged(policy, |c| c.never_stored))),
        );
        attrs.insert("gpcEverywhere".into(), boolean(gpc_everywhere));
        attrs.insert(
            "gpcPlaces".into(),
            strings(gpc_places.iter().map(String::as_str)),
        );
        attrs.insert(
            "dntHonoured".into(),
            boolean(
                policy
                    .signals
                    .do_not_track
                    .as_ref()
                    .is_some_and(|d| d.honoured),
            ),
        );
        attrs.insert(
            "communicationsOnly".into(),
            self.uids(
                &self.membership,
                policy
                    .memberships
                    .iter()
                    .filter(|m| m.communications_only.is_some())
                    .map(|m| m.id.as_str()),
            ),
        );
        entities.push(entity(policy_uid.clone(), attrs));

        for p in &policy.purposes {
            let audience = p.audience.clone().unwrap_or_default();
            let places = facts::place_rules(p);
            let mut attrs = Attrs::new();
            attrs.insert(
                "policy".into(),
                RestrictedExpression::new_entity_uid(policy_uid.clone()),
            );
            attrs.insert(
                "covers".into(),
                strings(cats.covered(&cats.leaves(&p.categories))),
            );
            attrs.insert("model".into(), string(places.elsewhere.name()));
            for rule in Rule::ALL {
                let here = places
                    .differing
                    .iter()
                    .filter(|(_, r)| **r == rule)
                    .map(|(code, _)| code.as_str());
                attrs.insert(rule.name().into(), strings(here));
            }
            attrs.insert(
                "overridden".into(),
                strings(places.differing.keys().map(String::as_str)),
            );
            attrs.insert("marketing".into(), boolean(facts::marketing(p)));
            attrs.insert(
                "exemptFromRestriction".into(),
                boolean(facts::exempt_from_restriction(policy, p)),
            );
            attrs.insert("saleOrSharing".into(), boolean(facts::sale_or_sharing(p)));
            attrs.insert("tracking".into(), boolean(facts::tracking(p)));
            attrs.insert(
                "childForbidden".into(),
                boolean(p.children == Some(ChildrenPolicy::Forbidden)),
            );
            attrs.insert(
                "childNeedsConsent".into(),
                boolean(p.children == Some(ChildrenPolicy::ParentalConsent)),
            );
            attrs.insert(
                "deniedFor".into(),
                self.uids(
                    &self.membership,
                    policy
                        .memberships
                        .iter()
                        .filter(|m| facts::denies(m, p))
                        .map(|m| m.id.as_str()),
                ),
            );
            attrs.insert(
                "excluded".into(),
                self.uids(
                    &self.membership,
                    audience.exclude_memberships.iter().map(|m| m.as_str()),
                ),
            );
            attrs.insert(
                "required".into(),
                self.uids(
                    &self.membership,
                    audience.require_memberships.iter().map(|m| m.as_str()),
                ),
            );
            attrs.insert(
                "kinds".into(),
                strings(audience.subject_kinds.iter().map(|k| k.as_str())),
            );
            attrs.insert(
                "jurisdictions".into(),
                strings(audience.jurisdictions.iter().map(|j| j.as_str())),
            );
            if let Some(age) = audience.min_age {
                attrs.insert(
                    "minAge".into(),
                    RestrictedExpression::new_long(i64::from(age)),
                );
            }
            entities.push(entity(self.uid(&self.purpose, p.id.as_str()), attrs));
        }

        for c in &policy.communications {
            let mut attrs = Attrs::new();
            attrs.insert("essential".into(), boolean(c.essential));
            // The condition (`when`): the person's attributes as
            // `name=value` facts, and the topics the message may be about.
            let when = c.when.clone().unwrap_or_default();
            let requires: Vec<String> = when
                .attributes
                .iter()
                .map(|(k, v)| fact(k.as_str(), v))
                .collect();
            attrs.insert(
                "requires".into(),
                strings(requires.iter().map(String::as_str)),
            );
            attrs.insert(
                "topics".into(),
                strings(when.topics.iter().map(|t| t.as_str())),
            );
            attrs.insert(
                "deniedFor".into(),
                self.uids(
                    &self.membership,
                    policy
                        .memberships
                        .iter()
                        .filter(|m| {
                            m.communications_only
                                .as_ref()
                                .is_some_and(|only| !only.contains(&c.id))
                        })
                        .map(|m| m.id.as_str()),
                ),
            );
            entities.push(entity(self.uid(&self.communication, c.id.as_str()), attrs));
        }

        for point in &policy.collection_points {
            let mut attrs = Attrs::new();
            attrs.insert("bound".into(), boolean(point.bind_purposes));
            attrs.insert(
                "purposes".into(),
                self.uids(&self.purpose, point.purposes.iter().map(|p| p.as_str())),
            );
            entities.push(entity(
                self.uid(&self.collection_point, point.id.as_str()),
                attrs,
            ));
        }

        for r in &policy.recipients {
            for u in &r.uses {
                let allowed: BTreeSet<usize> = cats
                    .leaves(&u.categories)
                    .difference(&secrets)
                    .copied()
                    .collect();
                let mut attrs = Attrs::new();
                attrs.insert("covers".into(), strings(cats.covered(&allowed)));
                // More than it may receive is an allow with the projection
                // unless strict, or nothing asked for may be sent.
                attrs.insert("touches".into(), strings(cats.touched(&allowed)));
                entities.push(entity(
                    self.uid(&self.disclosure, &format!("{}/{}", r.id, u.purpose)),
                    attrs,
                ));
            }
        }

        for (id, state) in subjects {
            entities.push(entity(
                self.uid(&self.subject, id),
                self.subject_attrs(state),
            ));
        }

        World {
            entities: Entities::from_entities(entities, None).expect("entities are distinct"),
        }
    }

    fn subject_attrs(&self, s: &SubjectState) -> Attrs {
        let mut attrs = Attrs::new();
        if let Some(j) = &s.jurisdiction {
            attrs.insert("jurisdiction".into(), string(j));
        }
        if let Some(kind) = &s.kind {
            attrs.insert("kind".into(), string(kind));
        }
        if let Some(born) = s.birth_date {
            attrs.insert(
                "born".into(),
                RestrictedExpression::new_long(yyyymmdd(born)),
            );
        }
        attrs.insert(
            "memberships".into(),
            self.uids(&self.membership, s.memberships.iter().map(String::as_str)),
        );
        let consents = |given: bool| {
            self.uids(
                &self.purpose,
                s.consents
                    .iter()
                    .filter(move |(_, r)| r.given == given)
                    .map(|(p, _)| p.as_str()),
            )
        };
        attrs.insert("consented".into(), consents(true));
        attrs.insert("refused".into(), consents(false));
        attrs.insert(
            "objections".into(),
            self.uids(&self.purpose, s.objections.iter().map(String::as_str)),
        );
        attrs.insert("customer".into(), boolean(s.customer));
        attrs.insert(
            "parentalConsent".into(),
            boolean(s.parental_consent_verified),
        );
        attrs.insert("restricted".into(), boolean(s.restricted));
        let facts: Vec<String> = s.attributes.iter().map(|(k, v)| fact(k, v)).collect();
        attrs.insert("facts".into(), strings(facts.iter().map(String::as_str)));
        attrs.insert(
            "objectsToDirectMarketing".into(),
            boolean(s.objects_to_direct_marketing),
        );
        attrs.insert(
            "channelOptOuts".into(),
            strings(s.channel_opt_outs.iter().map(|c| channel_name(*c))),
        );
        attrs.insert("legalHold".into(), boolean(!s.legal_holds.is_empty()));
        attrs
    }

    /// The request for `query` about subject `subject` at `now`.
    pub fn request(&self, subject: &str, query: &Query, now: DateTime<Utc>) -> Request {
        let mut context: Vec<(String, RestrictedExpression)> = Vec::with_capacity(8);
        context.push((
            "categories".into(),
            strings(query.categories.iter().copied()),
        ));
        context.push((
            "today".into(),
            RestrictedExpression::new_long(yyyymmdd(now.date_naive())),
        ));
        context.push(("gpc".into(), boolean(query.context.gpc)));
        context.push(("strict".into(), boolean(query.strict)));
        context.push(("dnt".into(), boolean(query.context.dnt)));
        if let Some(j) = query.context.jurisdiction {
            context.push(("jurisdiction".into(), string(j)));
        }
        if let Some(c) = query.channel {
            context.push(("channel".into(), string(channel_name(c))));
        }
        if let Some(t) = query.topic {
            context.push(("topic".into(), string(t)));
        }
        let entity =
            |ty: &EntityTypeName, id: &str| RestrictedExpression::new_entity_uid(self.uid(ty, id));
        if let Some(c) = query.communication {
            context.push(("communication".into(), entity(&self.communication, c)));
        }
        if let Some(point) = query.collection_point {
            context.push((
                "collectionPoint".into(),
                entity(&self.collection_point, point),
            ));
        }
        if let Some(r) = query.recipient {
            context.push((
                "disclosure".into(),
                entity(&self.disclosure, &format!("{r}/{}", query.purpose)),
            ));
        }
        let action = match query.action {
            Action::Use => &self.actions[0],
            Action::Store => &self.actions[1],
            Action::Erase => &self.actions[2],
        };
        Request::new(
            self.uid(&self.subject, subject),
            action.clone(),
            self.uid(&self.purpose, query.purpose),
            Context::from_pairs(context).expect("distinct context keys"),
            None,
        )
        .expect("no schema to check the request against")
    }

    /// Cedar's answer for `query` about subject `subject` in `world`.
    pub fn is_authorized(
        &self,
        world: &World,
        subject: &str,
        query: &Query,
        now: DateTime<Utc>,
    ) -> Response {
        let request = self.request(subject, query, now);
        self.authorizer
            .is_authorized(&request, &self.policies, &world.entities)
    }

    pub fn allows(&self, world: &World, subject: &str, query: &Query, now: DateTime<Utc>) -> bool {
        self.is_authorized(world, subject, query, now).decision() == cedar_policy::Decision::Allow
    }
}
