//! The meaning of a policy: ids are unique, references resolve, and fields
//! do not contradict each other. Runs on a typed [`Policy`]; every problem
//! names its place by JSON pointer.

use std::collections::HashMap;

use super::{
    DUPLICATE_ID, INVALID_COMBINATION, INVALID_FORMAT, OUT_OF_RANGE, UNRESOLVED_REFERENCE,
};
use crate::diagnostic::{Diagnostic, nearest};
use crate::duration::Duration;
use crate::ids::{CategoryKey, ElementId, Jurisdiction};
use crate::index::PolicyIndex;
use crate::law;
use crate::model::*;

pub fn validate(policy: &Policy, index: &PolicyIndex) -> Vec<Diagnostic> {
    let mut v = Validator {
        policy,
        index,
        out: Vec::new(),
    };
    v.unique_ids();
    v.category_patterns();
    v.purposes();
    v.memberships();
    v.subjects();
    v.communications();
    v.recipients();
    v.trackers();
    v.retention();
    v.rights();
    v.collection_points();
    v.roles();
    v.notice();
    v.signals();
    v.out
}

struct Validator<'a> {
    policy: &'a Policy,
    index: &'a PolicyIndex,
    out: Vec<Diagnostic>,
}

/// What a reference points at, for messages and for the candidates list.
#[derive(Clone, Copy)]
enum Target {
    Purpose,
    Recipient,
    Communication,
    Controller,
    SubjectKind,
    Membership,
}

impl Target {
    fn noun(self) -> &'static str {
        match self {
            Target::Purpose => "purpose",
            Target::Recipient => "recipient",
            Target::Communication => "communication",
            Target::Controller => "controller",
            Target::SubjectKind => "subject kind",
            Target::Membership => "membership",
        }
    }

    fn list(self) -> &'static str {
        match self {
            Target::Purpose => "purposes",
            Target::Recipient => "recipients",
            Target::Communication => "communications",
            Target::Controller => "controllers",
            Target::SubjectKind => "subjects",
            Target::Membership => "memberships",
        }
    }
}

impl<'a> Validator<'a> {
    fn table(&self, target: Target) -> &'a HashMap<String, usize> {
        let i = self.index;
        match target {
            Target::Purpose => &i.purposes,
            Target::Recipient => &i.recipients,
            Target::Communication => &i.communications,
            Target::Controller => &i.controllers,
            Target::SubjectKind => &i.subjects,
            Target::Membership => &i.memberships,
        }
    }

    fn reference(&mut self, path: String, id: &ElementId, target: Target) {
        let table = self.table(target);
        if table.contains_key(id.as_str()) {
            return;
        }
        let mut d = Diagnostic::error(
            &UNRESOLVED_REFERENCE,
            path,
            format!("no {} `{id}` is declared", target.noun()),
        )
        .with_label(format!("unknown {}", target.noun()));
        d = match nearest(id.as_str(), table.keys().map(String::as_str)) {
            Some(best) => d.with_help(format!("did you mean `{best}`?")),
            None if table.is_empty() => d.with_help(format!(
                "declare it under `{}:` (the list is empty)",
                target.list()
            )),
            None => d.with_help(format!(
                "declare it under `{}:`, or use one of: {}",
                target.list(),
                sample(table.keys())
            )),
        };
        self.out.push(d);
    }

    fn references(&mut self, path: &str, ids: &[ElementId], target: Target) {
        for (i, id) in ids.iter().enumerate() {
            self.reference(format!("{path}/{i}"), id, target);
        }
    }

    fn category(&mut self, path: String, key: &CategoryKey) {
        if self.index.category_resolves(key) {
            return;
        }
        let declared = self.policy.categories.iter().map(|c| c.id.as_str());
        let mut d = Diagnostic::error(
            &UNRESOLVED_REFERENCE,
            path,
            format!("no data category `{key}` is declared"),
        )
        .with_label("unknown category");
        d = match nearest(key.as_str(), declared) {
            Some(best) => d.with_help(format!(
                "did you mean `{best}`? otherwise declare `{key}` under `categories:`"
            )),
            None => d.with_help(format!(
                "declare `{key}` under `categories:` (a key also covers the categories below it)"
            )),
        };
        self.out.push(d);
    }

    fn categories(&mut self, path: &str, keys: &[CategoryKey]) {
        for (i, key) in keys.iter().enumerate() {
            self.category(format!("{path}/{i}"), key);
        }
    }

    /// A jurisdiction named in an element must be one the policy serves, or
    /// a region that contains one it serves.
    fn jurisdiction(&mut self, path: String, code: &str) {
        if code == "GLOBAL" || self.index.jurisdictions.contains_key(code) {
            return;
        }
        let declared: Vec<&str> = self
            .policy
            .jurisdictions
            .iter()
            .map(|j| j.id.as_str())
            .collect();
        let covered = match code {
            "EU" | "EEA" => declared.iter().any(|d| law::in_eu(d)),
            "UK" | "GB" => declared.iter().any(|d| law::in_uk(d)),
            _ => declared.iter().any(|d| {
                // A country is served when a subdivision of it is (US when US-CA is).
                d.split_once('-').is_some_and(|(country, _)| country == code)
                    // A subdivision is served when its country is.
                    || code.split_once('-').is_some_and(|(country, _)| country == *d)
                    || (law::in_eu(code) && matches!(*d, "EU" | "EEA"))
            }),
        };
        if !covered {
            self.out.push(
                Diagnostic::error(
                    &UNRESOLVED_REFERENCE,
                    path,
                    format!(
                        "jurisdiction `{code}` is not among the jurisdictions this policy serves"
                    ),
                )
                .with_label("not served")
                .with_help(format!(
                    "add `- id: {code}` under `jurisdictions:`, or use one of: {}",
                    sample(declared.iter())
                )),
            );
        }
    }

    fn jurisdictions(&mut self, path: &str, codes: &[Jurisdiction]) {
        for (i, code) in codes.iter().enumerate() {
            self.jurisdiction(format!("{path}/{i}"), code.as_str());
        }
    }

    fn unique_ids(&mut self) {
        let p = self.policy;
        self.unique("categories", p.categories.iter().map(|c| c.id.as_str()));
        self.unique(
            "jurisdictions",
            p.jurisdictions.iter().map(|j| j.id.as_str()),
        );
        self.unique("controllers", p.controllers.iter().map(|c| c.id.as_str()));
        self.unique("subjects", p.subjects.iter().map(|s| s.id.as_str()));
        self.unique("memberships", p.memberships.iter().map(|m| m.id.as_str()));
        self.unique("purposes", p.purposes.iter().map(|x| x.id.as_str()));
        self.unique(
            "communications",
            p.communications.iter().map(|c| c.id.as_str()),
        );
        self.unique("recipients", p.recipients.iter().map(|r| r.id.as_str()));
        self.unique("trackers", p.trackers.iter().map(|t| t.id.as_str()));
        self.unique("retention", p.retention.iter().map(|r| r.id.as_str()));
        self.unique(
            "collection_points",
            p.collection_points.iter().map(|c| c.id.as_str()),
        );
        self.unique("roles", p.roles.iter().map(|r| r.id.as_str()));
        // Two trackers with the same cookie name would make the banner ambiguous.
        let mut names: HashMap<&str, usize> = HashMap::new();
        for (i, t) in p.trackers.iter().enumerate() {
            if let Some(first) = names.insert(t.name.as_str(), i) {
                names.insert(t.name.as_str(), first);
                self.out.push(
                    Diagnostic::error(
                        &DUPLICATE_ID,
                        format!("/trackers/{i}/name"),
                        format!("tracker name `{}` is declared twice", t.name),
                    )
                    .with_label("second declaration")
                    .with_related(format!("/trackers/{first}/name"), "first declared here")
                    .with_help("merge the two entries, or give each its exact name"),
                );
            }
        }
    }

    fn unique<'i>(&mut self, list: &str, ids: impl Iterator<Item = &'i str>) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, id) in ids.enumerate() {
            if let Some(&first) = seen.get(id) {
                self.out.push(
                    Diagnostic::error(
                        &DUPLICATE_ID,
                        format!("/{list}/{i}/id"),
                        format!("`{id}` is declared twice in `{list}`"),
                    )
                    .with_label("second declaration")
                    .with_related(format!("/{list}/{first}/id"), "first declared here")
                    .with_help(
                        "ids must be unique within a list: rename one, or merge the two entries",
                    ),
                );
            } else {
                seen.insert(id, i);
            }
        }
    }

    fn purposes(&mut self) {
        for (i, purpose) in self.policy.purposes.iter().enumerate() {
            let at = format!("/purposes/{i}");
            self.categories(&format!("{at}/categories"), &purpose.categories);
            if let Some(audience) = &purpose.audience {
                self.audience(&format!("{at}/audience"), audience);
            }
            if let BasisSpec::PerJurisdiction(map) = &purpose.basis {
                for key in map.keys() {
                    let path = format!("{at}/basis/{key}");
                    if key == "default" {
                        continue;
                    }
                    match Jurisdiction::parse(key) {
                        Ok(code) => self.jurisdiction(path, code.as_str()),
                        Err(message) => self.out.push(
                            Diagnostic::error(&super::INVALID_FORMAT, path, message)
                                .on_key()
                                .with_help("key each basis by a jurisdiction code, or `default` for everywhere else"),
                        ),
                    }
                }
            }
            for code in purpose.consent.by_jurisdiction.keys() {
                self.jurisdiction(
                    format!("{at}/consent/by_jurisdiction/{code}"),
                    code.as_str(),
                );
            }
            self.consent_combination(&at, purpose);
            if let Some(k) = purpose.obligations.k_anonymity
                && k < 2
            {
                self.out.push(
                    Diagnostic::error(
                        &OUT_OF_RANGE,
                        format!("{at}/obligations/k_anonymity"),
                        format!("k-anonymity of {k} protects no one"),
                    )
                    .with_label("too small")
                    .with_help("use k of 2 or more (5 or 10 is usual)"),
                );
            }
        }
    }

    /// Consent-based processing needs a consent model somewhere it applies.
    fn consent_combination(&mut self, at: &str, purpose: &Purpose) {
        for (key, basis) in purpose.basis.entries() {
            if basis != LawfulBasis::Consent {
                continue;
            }
            let model = if key == "default" {
                purpose.consent.model
            } else {
                purpose.consent.model_for(key)
            };
            if model == ConsentModel::None {
                let path = match &purpose.basis {
                    BasisSpec::One(_) => format!("{at}/basis"),
                    BasisSpec::PerJurisdiction(_) => format!("{at}/basis/{key}"),
                };
                self.out.push(
                    Diagnostic::error(
                        &INVALID_COMBINATION,
                        path,
                        format!("purpose `{}` relies on consent{} but its consent model is `none`", purpose.id, where_(key)),
                    )
                    .with_label("consent basis")
                    .with_help("set `consent: {model: opt_in}` (or a `by_jurisdiction` entry), or choose another lawful basis"),
                );
            }
        }
        let uses_soft = purpose.consent.model == ConsentModel::SoftOptIn
            || purpose
                .consent
                .by_jurisdiction
                .values()
                .any(|m| *m == ConsentModel::SoftOptIn);
        if uses_soft && purpose.consent.soft_opt_in.is_none() {
            self.out.push(
                Diagnostic::error(
                    &INVALID_COMBINATION,
                    format!("{at}/consent"),
                    format!("purpose `{}` uses the soft opt-in model but does not say who counts as an existing customer", purpose.id),
                )
                .on_key()
                .with_help("add `soft_opt_in: {requires: purchase, scope: \"similar products\"}` under `consent:`"),
            );
        }
        if !uses_soft && purpose.consent.soft_opt_in.is_some() {
            self.out.push(
                Diagnostic::error(
                    &INVALID_COMBINATION,
                    format!("{at}/consent/soft_opt_in"),
                    format!("purpose `{}` describes a soft opt-in but no jurisdiction uses the `soft_opt_in` model", purpose.id),
                )
                .on_key()
                .with_help("set `model: soft_opt_in` (or a `by_jurisdiction` entry), or remove `soft_opt_in`"),
            );
        }
    }

    fn audience(&mut self, at: &str, audience: &Audience) {
        self.references(
            &format!("{at}/subject_kinds"),
            &audience.subject_kinds,
            Target::SubjectKind,
        );
        self.references(
            &format!("{at}/exclude_memberships"),
            &audience.exclude_memberships,
            Target::Membership,
        );
        self.references(
            &format!("{at}/require_memberships"),
            &audience.require_memberships,
            Target::Membership,
        );
        self.jurisdictions(&format!("{at}/jurisdictions"), &audience.jurisdictions);
    }

    fn memberships(&mut self) {
        for (i, m) in self.policy.memberships.iter().enumerate() {
            let at = format!("/memberships/{i}");
            self.references(
                &format!("{at}/deny_purposes"),
                &m.deny_purposes,
                Target::Purpose,
            );
            if let Some(only) = &m.communications_only {
                self.references(
                    &format!("{at}/communications_only"),
                    only,
                    Target::Communication,
                );
            }
            if let Some(notify) = m.on_end.as_ref().and_then(|e| e.notify.as_ref()) {
                self.reference(format!("{at}/on_end/notify"), notify, Target::Communication);
            }
        }
    }

    fn subjects(&mut self) {
        for (i, s) in self.policy.subjects.iter().enumerate() {
            if let Some(guardian) = &s.guardian {
                self.reference(
                    format!("/subjects/{i}/guardian/kind"),
                    &guardian.kind,
                    Target::SubjectKind,
                );
            }
        }
    }

    fn communications(&mut self) {
        for (i, c) in self.policy.communications.iter().enumerate() {
            let at = format!("/communications/{i}");
            self.reference(format!("{at}/purpose"), &c.purpose, Target::Purpose);
            if let Some(audience) = &c.audience {
                self.audience(&format!("{at}/audience"), audience);
            }
            if let Some(when) = &c.when {
                self.send_condition(&format!("{at}/when"), c, when);
            }
        }
    }

    /// A send condition names attributes some subject kind declares (one
    /// of the audience's kinds when it has any), with values of their type.
    fn send_condition(&mut self, at: &str, c: &Communication, when: &SendCondition) {
        let kinds: Vec<&str> = c
            .audience
            .iter()
            .flat_map(|a| &a.subject_kinds)
            .map(ElementId::as_str)
            .collect();
        let declared: Vec<&Attribute> = self.policy.attributes_of(&kinds).collect();
        for (name, value) in &when.attributes {
            let path = format!("{at}/attributes/{name}");
            let found: Vec<&&Attribute> = declared.iter().filter(|a| a.id == *name).collect();
            if found.is_empty() {
                let mut d = Diagnostic::error(
                    &UNRESOLVED_REFERENCE,
                    path,
                    format!("no subject kind declares the attribute `{name}`"),
                )
                .with_label("unknown attribute");
                d = match nearest(name.as_str(), declared.iter().map(|a| a.id.as_str())) {
                    Some(best) => d.with_help(format!("did you mean `{best}`?")),
                    None => d.with_help(
                        "declare it under `subjects[].attributes` (with its type) for the kinds this message goes to",
                    ),
                };
                self.out.push(d);
            } else if let Some(a) = found.iter().find(|a| !value.fits(a.kind)) {
                self.out.push(
                    Diagnostic::error(
                        &super::WRONG_TYPE,
                        path,
                        format!(
                            "`{name}` is {} attribute, and {value} is not one",
                            a.kind.article()
                        ),
                    )
                    .with_label(format!("not a {}", a.kind.name()))
                    .with_help(match a.kind {
                        AttributeType::Boolean => "write `true` or `false`",
                        AttributeType::Integer => "write a whole number",
                        AttributeType::Date | AttributeType::BirthDate => {
                            "write a date as YYYY-MM-DD, in quotes"
                        }
                        AttributeType::Jurisdiction => "write a jurisdiction code (`FR`, `US-CA`)",
                        AttributeType::String => "write a text, in quotes",
                    }),
                );
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (t, topic) in when.topics.iter().enumerate() {
            if !seen.insert(topic) {
                self.out.push(
                    Diagnostic::error(
                        &DUPLICATE_ID,
                        format!("{at}/topics/{t}"),
                        format!("the topic `{topic}` is listed twice"),
                    )
                    .with_label("listed before")
                    .with_help("list each topic once"),
                );
            }
        }
        if when.attributes.is_empty() && when.topics.is_empty() {
            self.out.push(
                Diagnostic::error(&INVALID_COMBINATION, at.to_string(), "`when` says nothing")
                    .with_label("empty condition")
                    .with_help("give `attributes:` the person must have, `topics:` the message may be about, or remove `when`"),
            );
        }
    }

    fn recipients(&mut self) {
        for (i, r) in self.policy.recipients.iter().enumerate() {
            let at = format!("/recipients/{i}");
            for (u, usage) in r.uses.iter().enumerate() {
                self.reference(
                    format!("{at}/uses/{u}/purpose"),
                    &usage.purpose,
                    Target::Purpose,
                );
                self.categories(&format!("{at}/uses/{u}/categories"), &usage.categories);
            }
        }
    }

    fn trackers(&mut self) {
        for (i, t) in self.policy.trackers.iter().enumerate() {
            let at = format!("/trackers/{i}");
            self.reference(format!("{at}/purpose"), &t.purpose, Target::Purpose);
            if let Some(recipient) = &t.recipient {
                self.reference(format!("{at}/recipient"), recipient, Target::Recipient);
            }
            self.categories(&format!("{at}/collects"), &t.collects);
            if t.name.trim().is_empty() || t.name.contains(char::is_whitespace) {
                self.out.push(
                    Diagnostic::error(&super::INVALID_FORMAT, format!("{at}/name"), format!("`{}` is not a cookie or storage name", t.name))
                        .with_label("not a name")
                        .with_help("write the exact name (`_ga`) or a pattern with `*` (`_ga_*`); names have no spaces"),
                );
            }
        }
    }

    fn retention(&mut self) {
        for (i, r) in self.policy.retention.iter().enumerate() {
            let at = format!("/retention/{i}");
            self.categories(&format!("{at}/categories"), &r.categories);
            self.references(&format!("{at}/purposes"), &r.purposes, Target::Purpose);
        }
    }

    fn rights(&mut self) {
        for (i, r) in self.policy.rights.iter().enumerate() {
            let at = format!("/rights/{i}");
            self.jurisdictions(&format!("{at}/jurisdictions"), &r.jurisdictions);
            self.references(
                &format!("{at}/exempt_purposes"),
                &r.exempt_purposes,
                Target::Purpose,
            );
            if !r.exempt_purposes.is_empty() && r.right != RightKind::Restriction {
                self.out.push(
                    Diagnostic::error(
                        &INVALID_COMBINATION,
                        format!("{at}/exempt_purposes"),
                        "only a restriction has purposes that continue under it",
                    )
                    .on_key()
                    .with_help("move `exempt_purposes` to the `right: restriction` entry"),
                );
            }
            if r.deadline.approx_seconds() == 0 {
                self.out.push(
                    Diagnostic::error(
                        &OUT_OF_RANGE,
                        format!("{at}/deadline"),
                        format!("a deadline of `{}` cannot be met", r.deadline),
                    )
                    .with_label("no time to answer")
                    .with_help("give the time to answer, such as `30 days` or `1 month`"),
                );
            }
            if let Some(limit) = &r.limit
                && limit.count == 0
            {
                self.out.push(
                    Diagnostic::error(
                        &OUT_OF_RANGE,
                        format!("{at}/limit/count"),
                        "a limit of 0 requests takes the right away",
                    )
                    .with_label("zero")
                    .with_help("remove `limit`, or allow at least one request"),
                );
            }
        }
    }

    /// A never-stored category's patterns compile, within vow's limits
    /// (`redact`); other categories have none (nothing would use them).
    fn category_patterns(&mut self) {
        use crate::redact::{MAX_PATTERNS, compile_pattern};
        for (i, c) in self.policy.categories.iter().enumerate() {
            let at = format!("/categories/{i}/patterns");
            if c.patterns.is_empty() {
                continue;
            }
            if !c.never_stored {
                self.out.push(
                    Diagnostic::error(
                        &INVALID_COMBINATION,
                        &at,
                        format!("category `{}` has `patterns` but is not `never_stored`: patterns only find what may never be stored, so a ticket is kept without it", c.id),
                    )
                    .on_key()
                    .with_help("add `never_stored: true` if the organisation never keeps it, or remove `patterns`"),
                );
                continue;
            }
            if c.patterns.len() > MAX_PATTERNS {
                self.out.push(
                    Diagnostic::error(
                        &OUT_OF_RANGE,
                        &at,
                        format!(
                            "category `{}` has {} patterns; at most {MAX_PATTERNS} are allowed",
                            c.id,
                            c.patterns.len()
                        ),
                    )
                    .on_key()
                    .with_help("join alternatives into one pattern with `|`"),
                );
            }
            for (p, pattern) in c.patterns.iter().enumerate() {
                if let Err(why) = compile_pattern(pattern) {
                    self.out.push(
                        Diagnostic::error(
                            &INVALID_FORMAT,
                            format!("{at}/{p}"),
                            format!("pattern {} of category `{}` is not a regular expression vow can use: {why}", p + 1, c.id),
                        )
                        .with_label("invalid pattern")
                        .with_help("write it in Rust `regex` syntax (https://docs.rs/regex/#syntax): no look-around or back-references; escape `\\` as `\\\\` inside double quotes"),
                    );
                }
            }
        }
    }

    fn collection_points(&mut self) {
        for (i, c) in self.policy.collection_points.iter().enumerate() {
            let at = format!("/collection_points/{i}");
            self.categories(&format!("{at}/required"), &c.required);
            self.categories(&format!("{at}/optional"), &c.optional);
            self.references(&format!("{at}/purposes"), &c.purposes, Target::Purpose);
            if let Some(controller) = &c.controller {
                self.reference(format!("{at}/controller"), controller, Target::Controller);
            }
            if let Some(kind) = &c.subject_kind {
                self.reference(format!("{at}/subject_kind"), kind, Target::SubjectKind);
            }
            for (o, key) in c.optional.iter().enumerate() {
                if c.required.contains(key) {
                    self.out.push(
                        Diagnostic::error(
                            &INVALID_COMBINATION,
                            format!("{at}/optional/{o}"),
                            format!("`{key}` is both required and optional"),
                        )
                        .with_label("also required")
                        .with_help("keep it in one of `required` and `optional`"),
                    );
                }
            }
        }
    }

    fn roles(&mut self) {
        for (i, r) in self.policy.roles.iter().enumerate() {
            self.categories(&format!("/roles/{i}/read"), &r.read);
            self.categories(&format!("/roles/{i}/write"), &r.write);
        }
    }

    fn notice(&mut self) {
        let notice = &self.policy.notice;
        match (notice.mode, &notice.period) {
            (NoticeMode::Advance, None) => self.out.push(
                Diagnostic::error(&INVALID_COMBINATION, "/notice", "advance notice needs a `period`: how long before a material change takes effect")
                    .on_key()
                    .with_help("add `period: 7 business days` (or the period the policy promises) under `notice:`"),
            ),
            (NoticeMode::Advance, Some(Duration::Session)) => self.out.push(
                Diagnostic::error(&INVALID_COMBINATION, "/notice/period", "a notice period cannot be `session`")
                    .with_help("write a span such as `7 business days` or `30 days`"),
            ),
            (NoticeMode::Immediate, Some(_)) => self.out.push(
                Diagnostic::error(&INVALID_COMBINATION, "/notice/period", "changes take effect immediately, so a notice period means nothing")
                    .with_label("ignored")
                    .with_help("remove `period`, or set `mode: advance`"),
            ),
            _ => {}
        }
        if notice.channels.is_empty() {
            self.out.push(
                Diagnostic::error(
                    &INVALID_COMBINATION,
                    "/notice/channels",
                    "material changes must be announced somewhere",
                )
                .with_help("list at least one channel, such as `[site]` or `[site, email]`"),
            );
        }
    }

    fn signals(&mut self) {
        let signals = &self.policy.signals;
        for (name, stance) in [
            ("do_not_track", &signals.do_not_track),
            ("global_privacy_control", &signals.global_privacy_control),
        ] {
            if let Some(stance) = stance {
                self.jurisdictions(&format!("/signals/{name}/required_in"), &stance.required_in);
            }
        }
    }
}

fn where_(key: &str) -> String {
    if key == "default" {
        String::new()
    } else {
        format!(" in {key}")
    }
}

fn sample<'s, S: AsRef<str> + 's>(items: impl Iterator<Item = S>) -> String {
    let mut all: Vec<String> = items.map(|s| s.as_ref().to_owned()).collect();
    all.sort();
    let more = all.len().saturating_sub(8);
    let shown: Vec<String> = all.into_iter().take(8).map(|s| format!("`{s}`")).collect();
    if more > 0 {
        format!("{} (and {more} more)", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
