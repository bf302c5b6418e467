//! The lints themselves: one function each, in code order.

use crate::duration::Duration;
use crate::ids::CategoryKey;
use crate::law;
use crate::model::*;
use crate::taxonomy;

use super::Findings;

/// Jurisdictions served where the GDPR or the UK GDPR applies.
fn gdpr_jurisdictions(policy: &Policy) -> Vec<&str> {
    policy
        .jurisdictions
        .iter()
        .filter(|j| {
            law::gdpr_like(j.id.as_str())
                || j.laws.iter().any(|l| matches!(l, Law::Gdpr | Law::UkGdpr))
        })
        .map(|j| j.id.as_str())
        .collect()
}

fn serves_california(policy: &Policy) -> Option<usize> {
    policy
        .jurisdictions
        .iter()
        .position(|j| law::is_california(j.id.as_str()))
}

/// Declared categories a reference covers.
fn covered<'p>(
    policy: &'p Policy,
    key: &'p CategoryKey,
) -> impl Iterator<Item = &'p Category> + 'p {
    policy
        .categories
        .iter()
        .filter(move |c| c.id.is_within(key))
}

/// The name a value has in the policy file (`analytics`, `right_to_know`).
fn name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn has_tag(purpose: &Purpose, tags: &[PurposeTag]) -> bool {
    purpose.tags.iter().any(|t| tags.contains(t))
}

const OPTIONAL_TRACKERS: &[TrackerCategory] = &[
    TrackerCategory::Analytics,
    TrackerCategory::Advertising,
    TrackerCategory::Social,
];

fn thirteen_months() -> Duration {
    Duration::months(13)
}

pub fn tracker_without_consent(policy: &Policy, f: &mut Findings) {
    let eu = gdpr_jurisdictions(policy);
    if eu.is_empty() {
        return;
    }
    for (i, t) in policy.trackers.iter().enumerate() {
        if !OPTIONAL_TRACKERS.contains(&t.category) {
            continue;
        }
        let Some((_, p)) = f.purpose(policy, t.purpose.as_str()) else {
            continue;
        };
        let missing: Vec<&str> = eu
            .iter()
            .copied()
            .filter(|j| p.consent.model_for(j) != ConsentModel::OptIn)
            .collect();
        if !missing.is_empty() {
            f.report(
                format!("/trackers/{i}"),
                &format!("tracker `{}`", t.name),
                format!(
                    "this {} tracker is set for purpose `{}`, which does not ask for opt-in consent in {}",
                    name(&t.category),
                    p.id,
                    missing.join(", ")
                ),
                format!("set `consent: {{model: opt_in}}` on purpose `{}` (or `by_jurisdiction: {{{}: opt_in}}`), so the banner blocks it until the visitor agrees", p.id, missing[0]),
            );
        }
    }
}

pub fn consent_cookie_too_long(policy: &Policy, f: &mut Findings) {
    let limit = thirteen_months();
    for (i, t) in policy.trackers.iter().enumerate() {
        if t.category != TrackerCategory::Essential && t.duration.longer_than(&limit) {
            f.report(
                format!("/trackers/{i}/duration"),
                &format!("tracker `{}`", t.name),
                format!("lasts {}, longer than the 13 months a consent-based tracker may", t.duration),
                "shorten its lifetime to 13 months at most, and ask for consent again when it expires",
            );
        }
    }
    for (i, p) in policy.purposes.iter().enumerate() {
        if let Some(lifetime) = &p.consent.lifetime
            && lifetime.longer_than(&limit)
        {
            f.report(
                format!("/purposes/{i}/consent/lifetime"),
                &format!("purpose `{}`", p.id),
                format!("a consent lasts {lifetime}, longer than 13 months"),
                "set `lifetime` to 13 months or less so consent is asked again",
            );
        }
    }
}

pub fn consent_without_withdrawal(policy: &Policy, f: &mut Findings) {
    for (i, p) in policy.purposes.iter().enumerate() {
        if p.consent.asks_consent() && p.consent.withdrawal.is_empty() {
            f.report(
                format!("/purposes/{i}/consent"),
                &format!("purpose `{}`", p.id),
                "asks for consent (or an opt-out) but gives no way to withdraw it",
                "list the ways to withdraw under `consent.withdrawal`, such as `{method: privacy_centre}` or `{method: unsubscribe_link}`",
            );
        }
    }
}

pub fn children_without_parental_consent(policy: &Policy, f: &mut Findings) {
    let verified = policy
        .children
        .as_ref()
        .and_then(|c| c.parental_consent.as_ref())
        .is_some_and(|pc| pc.verified);
    if verified {
        return;
    }
    if let Some(children) = &policy.children
        && children.admitted
        && children.consent_age > 0
    {
        f.report(
            "/children",
            "children",
            format!("children under {} are admitted without a verified parental consent", children.consent_age),
            "add `parental_consent: {verified: true, methods: [...]}` under `children:`, or stop admitting children",
        );
        return;
    }
    for (i, s) in policy.subjects.iter().enumerate() {
        if let Some(g) = &s.guardian
            && g.required_under.is_some_and(|age| age <= 13)
        {
            f.report(
                format!("/subjects/{i}/guardian"),
                &format!("subject kind `{}`", s.id),
                "children under 13 are expected, but the policy has no verified parental-consent rule",
                "add `children: {admitted: true, consent_age: 13, parental_consent: {verified: true}}`",
            );
        }
    }
    for (i, p) in policy.purposes.iter().enumerate() {
        if let Some(age) = p.audience.as_ref().and_then(|a| a.min_age)
            && age < 13
        {
            f.report(
                format!("/purposes/{i}/audience/min_age"),
                &format!("purpose `{}`", p.id),
                format!("applies from age {age}, but the policy has no verified parental-consent rule"),
                "add `children: {admitted: true, consent_age: 13, parental_consent: {verified: true}}`",
            );
        }
    }
}

pub fn category_without_retention(policy: &Policy, f: &mut Findings) {
    let retained = |c: &CategoryKey| {
        policy
            .retention
            .iter()
            .any(|r| r.categories.iter().any(|k| c.is_within(k)))
    };
    // Every reference that collects or uses data; a reference covers its descendants.
    let references: Vec<&CategoryKey> = policy
        .purposes
        .iter()
        .flat_map(|p| &p.categories)
        .chain(
            policy
                .collection_points
                .iter()
                .flat_map(|c| c.required.iter().chain(&c.optional)),
        )
        .chain(policy.trackers.iter().flat_map(|t| &t.collects))
        .collect();
    let used = |c: &CategoryKey| references.iter().any(|r| c.is_within(r));
    for (i, c) in policy.categories.iter().enumerate() {
        if used(&c.id) && !retained(&c.id) {
            f.report(
                format!("/categories/{i}"),
                &format!("category `{}`", c.id),
                "is collected or used, but no retention rule says how long it is kept",
                format!("add a rule under `retention:` whose `categories` include `{}` (or a parent of it)", c.id),
            );
        }
    }
}

pub fn recipient_category_not_allowed(policy: &Policy, f: &mut Findings) {
    for (i, r) in policy.recipients.iter().enumerate() {
        for (u, usage) in r.uses.iter().enumerate() {
            let Some((_, p)) = f.purpose(policy, usage.purpose.as_str()) else {
                continue;
            };
            for (c, key) in usage.categories.iter().enumerate() {
                if !p.categories.iter().any(|allowed| key.is_within(allowed)) {
                    f.report(
                        format!("/recipients/{i}/uses/{u}/categories/{c}"),
                        &format!("recipient `{}`", r.id),
                        format!(
                            "receives `{key}` for purpose `{}`, which does not allow that category",
                            p.id
                        ),
                        format!(
                            "add `{key}` to the categories of purpose `{}`, or stop disclosing it",
                            p.id
                        ),
                    );
                }
            }
        }
    }
}

pub fn privacy_shield_transfer(policy: &Policy, f: &mut Findings) {
    for (i, r) in policy.recipients.iter().enumerate() {
        for (t, transfer) in r.transfers.iter().enumerate() {
            if transfer.mechanism == TransferMechanism::PrivacyShield {
                f.report(
                    format!("/recipients/{i}/transfers/{t}/mechanism"),
                    &format!("recipient `{}`", r.id),
                    format!("the transfer to {} relies on the EU-US Privacy Shield, which the CJEU invalidated on 16 July 2020", transfer.to),
                    "use `data_privacy_framework` if the recipient is certified under it, or `standard_contractual_clauses`",
                );
            }
        }
    }
}

/// Countries with an EU adequacy decision (Art. 45), as of 2026. The US is
/// adequate only for organisations certified under the Data Privacy Framework.
const ADEQUATE: &[&str] = &[
    "AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY",
];

pub fn transfer_without_mechanism(policy: &Policy, f: &mut Findings) {
    if gdpr_jurisdictions(policy).is_empty() {
        return;
    }
    for (i, r) in policy.recipients.iter().enumerate() {
        for (t, transfer) in r.transfers.iter().enumerate() {
            let to = transfer.to.as_str();
            let country = to.split('-').next().unwrap_or(to);
            if transfer.mechanism == TransferMechanism::Unspecified
                && !law::gdpr_like(to)
                && !ADEQUATE.contains(&country)
            {
                f.report(
                    format!("/recipients/{i}/transfers/{t}/mechanism"),
                    &format!("recipient `{}`", r.id),
                    format!("data goes to {to}, which has no adequacy decision, and no transfer mechanism is named"),
                    "name the safeguard: `standard_contractual_clauses`, `binding_corporate_rules` or `data_privacy_framework` (US)",
                );
            }
        }
    }
}

pub fn rights_deadline_exceeds_law(policy: &Policy, f: &mut Findings) {
    for (i, right) in policy.rights.iter().enumerate() {
        for j in &policy.jurisdictions {
            if !right.applies_in(j.id.as_str()) && !right.jurisdictions.iter().any(|r| r == &j.id) {
                continue;
            }
            for law in law::laws_in(policy, j.id.as_str()) {
                let Some(statutory) = law::statutory_deadline(law, right.right) else {
                    continue;
                };
                let too_long = right.deadline.longer_than(&statutory.deadline)
                    && statutory
                        .extension
                        .is_none_or(|_| right.extension.is_none());
                let extension_too_long = match (&right.extension, &statutory.extension) {
                    (Some(ours), Some(theirs)) => ours.longer_than(theirs),
                    (Some(_), None) => true,
                    _ => false,
                };
                if too_long || extension_too_long || right.deadline.longer_than(&statutory.deadline)
                {
                    let field = if too_long || right.deadline.longer_than(&statutory.deadline) {
                        "deadline"
                    } else {
                        "extension"
                    };
                    f.report(
                        format!("/rights/{i}/{field}"),
                        &format!("right `{}`", name(&right.right)),
                        format!(
                            "in {} the {} allows {}{}; the policy says {}{}",
                            j.id,
                            law::law_name(law),
                            statutory.deadline,
                            statutory
                                .extension
                                .map(|e| format!(" (+{e} extension)"))
                                .unwrap_or_default(),
                            right.deadline,
                            right
                                .extension
                                .map(|e| format!(" (+{e})"))
                                .unwrap_or_default()
                        ),
                        format!(
                            "answer within {} ({}), or limit this right's `jurisdictions`",
                            statutory.deadline, statutory.citation
                        ),
                    );
                    break;
                }
            }
        }
    }
}

pub fn california_without_dnt_statement(policy: &Policy, f: &mut Findings) {
    if let Some(j) = serves_california(policy)
        && policy.signals.do_not_track.is_none()
    {
        f.report(
            format!("/jurisdictions/{j}"),
            "jurisdiction `US-CA`",
            "California is served, but the policy does not say how it responds to Do Not Track signals",
            "add `signals: {do_not_track: {honoured: ..., statement: ...}}`",
        );
    }
}

pub fn sensitive_without_explicit_consent(policy: &Policy, f: &mut Findings) {
    for (i, p) in policy.purposes.iter().enumerate() {
        let sensitive: Vec<&CategoryKey> = p
            .categories
            .iter()
            .flat_map(|key| covered(policy, key))
            .filter(|c| c.sensitive)
            .map(|c| &c.id)
            .collect();
        let explicit = p.consent.explicit && p.consent.model == ConsentModel::OptIn;
        let legal = p
            .basis
            .entries()
            .iter()
            .all(|(_, b)| *b == LawfulBasis::LegalObligation);
        if !sensitive.is_empty() && !explicit && !legal {
            f.report(
                format!("/purposes/{i}"),
                &format!("purpose `{}`", p.id),
                format!("uses sensitive data ({}) without explicit opt-in consent", sensitive.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")),
                "set `consent: {model: opt_in, explicit: true}`, or stop using the sensitive categories for this purpose",
            );
        }
    }
}

pub fn persistent_cookie_holds_secret(policy: &Policy, f: &mut Findings) {
    for (i, t) in policy.trackers.iter().enumerate() {
        if t.duration.is_session() {
            continue;
        }
        let secret = t
            .collects
            .iter()
            .flat_map(|k| covered(policy, k))
            .find(|c| c.secret);
        if let Some(c) = secret {
            f.report(
                format!("/trackers/{i}"),
                &format!("tracker `{}`", t.name),
                format!("is a persistent cookie ({}) that holds `{}`, a secret", t.duration, c.id),
                "keep credentials in session cookies only, or store a random token that maps to them on the server",
            );
        }
    }
}

const SALE_TAGS: &[PurposeTag] = &[PurposeTag::Sale, PurposeTag::ThirdPartyMarketing];

pub fn sale_contradicts_statement(policy: &Policy, f: &mut Findings) {
    let Some(sale) = &policy.sale else { return };
    if sale.sells {
        return;
    }
    for (i, p) in policy.purposes.iter().enumerate() {
        if has_tag(p, SALE_TAGS) {
            f.report(
                format!("/purposes/{i}/tags"),
                &format!("purpose `{}`", p.id),
                "is a sale or third-party marketing, but the policy states that nothing is sold",
                "remove the purpose (and any disclosure for it), or say in `sale` that personal information is sold",
            );
        }
    }
    for (i, r) in policy.recipients.iter().enumerate() {
        for (u, usage) in r.uses.iter().enumerate() {
            if let Some((_, p)) = f.purpose(policy, usage.purpose.as_str())
                && has_tag(p, SALE_TAGS)
            {
                f.report(
                    format!("/recipients/{i}/uses/{u}"),
                    &format!("recipient `{}`", r.id),
                    format!("receives data for `{}`, a sale or third-party marketing, although the policy states nothing is sold", p.id),
                    "stop this disclosure, or correct the sale statement",
                );
            }
        }
    }
}

pub fn gpc_not_honoured_in_california(policy: &Policy, f: &mut Findings) {
    let Some(j) = serves_california(policy) else {
        return;
    };
    let shares = policy.purposes.iter().any(|p| {
        has_tag(
            p,
            &[
                PurposeTag::Sale,
                PurposeTag::Sharing,
                PurposeTag::TargetedAdvertising,
            ],
        )
    });
    if !shares {
        return;
    }
    let honoured = policy
        .signals
        .global_privacy_control
        .as_ref()
        .is_some_and(|g| {
            g.honoured || g.required_in.iter().any(|r| law::is_california(r.as_str()))
        });
    if !honoured {
        let path = if policy.signals.global_privacy_control.is_some() {
            "/signals/global_privacy_control".to_owned()
        } else {
            format!("/jurisdictions/{j}")
        };
        f.report(
            path,
            "jurisdiction `US-CA`",
            "data is sold or shared for advertising, but a Global Privacy Control signal is not honoured in California",
            "add `signals: {global_privacy_control: {honoured: false, required_in: [US-CA], opts_out_of: [sale, sharing, targeted_advertising], statement: ...}}`",
        );
    }
}

pub fn immediate_notice_in_eu(policy: &Policy, f: &mut Findings) {
    let eu = gdpr_jurisdictions(policy);
    if policy.notice.mode == NoticeMode::Immediate && !eu.is_empty() {
        f.report(
            "/notice/mode",
            "notice of changes",
            format!("material changes take effect as soon as they are posted, although people in {} must be told before a change affects them", eu.join(", ")),
            "use `mode: advance` with a `period` (30 days is common) for material changes",
        );
    }
}

pub fn legitimate_interests_without_objection(policy: &Policy, f: &mut Findings) {
    let eu = gdpr_jurisdictions(policy);
    for (i, p) in policy.purposes.iter().enumerate() {
        let lacking: Vec<&str> = eu
            .iter()
            .copied()
            .filter(|j| p.basis.for_jurisdiction(j) == Some(LawfulBasis::LegitimateInterests))
            .filter(|j| {
                !policy
                    .rights
                    .iter()
                    .any(|r| r.right == RightKind::Objection && r.applies_in(j))
            })
            .collect();
        if !lacking.is_empty() {
            f.report(
                format!("/purposes/{i}/basis"),
                &format!("purpose `{}`", p.id),
                format!("relies on legitimate interests in {}, where the policy declares no right to object", lacking.join(", ")),
                format!("add `- {{right: objection, jurisdictions: [{}], deadline: 1 month}}` under `rights:`", lacking.join(", ")),
            );
        }
    }
}

pub fn marketing_without_unsubscribe(policy: &Policy, f: &mut Findings) {
    for (i, c) in policy.communications.iter().enumerate() {
        if c.essential
            || !c
                .channels
                .iter()
                .any(|ch| matches!(ch, Channel::Email | Channel::Sms))
        {
            continue;
        }
        let Some((_, p)) = f.purpose(policy, c.purpose.as_str()) else {
            continue;
        };
        if has_tag(p, &[PurposeTag::Marketing, PurposeTag::DirectMarketing])
            && !p.obligations.unsubscribe_link
        {
            f.report(
                format!("/communications/{i}"),
                &format!("communication `{}`", c.id),
                format!("is marketing by e-mail or SMS, but purpose `{}` does not require an unsubscribe link", p.id),
                format!("set `obligations: {{unsubscribe_link: true}}` on purpose `{}`", p.id),
            );
        }
    }
}

pub fn essential_tracker_with_optional_purpose(policy: &Policy, f: &mut Findings) {
    for (i, t) in policy.trackers.iter().enumerate() {
        if t.category != TrackerCategory::Essential {
            continue;
        }
        if let Some((_, p)) = f.purpose(policy, t.purpose.as_str())
            && has_tag(
                p,
                &[
                    PurposeTag::Marketing,
                    PurposeTag::Advertising,
                    PurposeTag::TargetedAdvertising,
                    PurposeTag::Analytics,
                ],
            )
        {
            f.report(
                format!("/trackers/{i}/category"),
                &format!("tracker `{}`", t.name),
                format!("is labelled essential but serves `{}`, a marketing, advertising or analytics purpose", p.id),
                "classify it as `analytics` or `advertising` so the banner asks before setting it",
            );
        }
    }
}

pub fn direct_marketing_opt_out_in_eu(policy: &Policy, f: &mut Findings) {
    let eu = gdpr_jurisdictions(policy);
    for (i, p) in policy.purposes.iter().enumerate() {
        if !has_tag(p, &[PurposeTag::DirectMarketing]) {
            continue;
        }
        let opt_out: Vec<&str> = eu
            .iter()
            .copied()
            .filter(|j| {
                p.consent.model_for(j) == ConsentModel::OptOut
                    || p.consent.model_for(j) == ConsentModel::None
            })
            .collect();
        if !opt_out.is_empty() {
            f.report(
                format!("/purposes/{i}/consent"),
                &format!("purpose `{}`", p.id),
                format!(
                    "sends direct marketing without prior consent in {}",
                    opt_out.join(", ")
                ),
                format!(
                    "use `opt_in`, or `soft_opt_in` for existing customers, in {}",
                    opt_out.join(", ")
                ),
            );
        }
    }
}

pub fn recipient_without_uses(policy: &Policy, f: &mut Findings) {
    for (i, r) in policy.recipients.iter().enumerate() {
        if r.uses.is_empty() {
            f.report(
                format!("/recipients/{i}"),
                &format!("recipient `{}`", r.id),
                "does not say which categories it receives or for which purpose",
                "add `uses: [{purpose: ..., categories: [...]}]`",
            );
        }
    }
}

pub fn no_basis_for_jurisdiction(policy: &Policy, f: &mut Findings) {
    let eu = gdpr_jurisdictions(policy);
    for (i, p) in policy.purposes.iter().enumerate() {
        for j in &eu {
            let region_entry = law::in_eu(j)
                && ["EU", "EEA"].iter().any(|r| {
                    p.basis.for_jurisdiction(r).is_some()
                        && matches!(&p.basis, BasisSpec::PerJurisdiction(m) if m.contains_key(*r))
                });
            if p.basis.for_jurisdiction(j).is_none() && !region_entry {
                f.report(
                    format!("/purposes/{i}/basis"),
                    &format!("purpose `{}`", p.id),
                    format!("names no lawful basis for {j}"),
                    format!("add `{j}: ...` or `default: ...` to `basis`"),
                );
            }
        }
    }
}

/// Withdrawal channels that work on line, as a banner or a form does.
const ONLINE_WITHDRAWAL: &[WithdrawalChannel] = &[
    WithdrawalChannel::Banner,
    WithdrawalChannel::PrivacyCentre,
    WithdrawalChannel::UnsubscribeLink,
    WithdrawalChannel::AccountSettings,
    WithdrawalChannel::BrowserSettings,
    WithdrawalChannel::DeviceSettings,
    WithdrawalChannel::ProviderOptOut,
];

pub fn withdrawal_harder_than_consent(policy: &Policy, f: &mut Findings) {
    for (i, p) in policy.purposes.iter().enumerate() {
        if !p.consent.asks_consent() || p.consent.withdrawal.is_empty() {
            continue;
        }
        if !p
            .consent
            .withdrawal
            .iter()
            .any(|w| ONLINE_WITHDRAWAL.contains(&w.method))
        {
            f.report(
                format!("/purposes/{i}/consent/withdrawal"),
                &format!("purpose `{}`", p.id),
                "consent is given on line, but can be withdrawn only by e-mail, post or phone",
                "add `{method: privacy_centre}` (or an unsubscribe link, or the banner) so withdrawing is as easy as consenting",
            );
        }
    }
}

pub fn sensitive_category_not_marked(policy: &Policy, f: &mut Findings) {
    for (i, c) in policy.categories.iter().enumerate() {
        if !c.sensitive && taxonomy::is_sensitive(c.id.as_str()) {
            f.report(
                format!("/categories/{i}"),
                &format!("category `{}`", c.id),
                "is special-category or sensitive data in the taxonomy, but is not marked `sensitive`",
                "add `sensitive: true` so purposes that use it must ask for explicit consent",
            );
        }
    }
}

pub fn category_outside_taxonomy(policy: &Policy, f: &mut Findings) {
    for (i, c) in policy.categories.iter().enumerate() {
        if taxonomy::nearest_ancestor(c.id.as_str()).is_none() {
            f.report(
                format!("/categories/{i}/id"),
                &format!("category `{}`", c.id),
                "is not in, or below, the fideslang taxonomy, so other privacy tools will not recognise it",
                "place it under a fideslang key such as `user.contact`, `user.behavior` or `user.content`",
            );
        }
    }
}

pub fn processor_uses_for_own_purposes(policy: &Policy, f: &mut Findings) {
    for (i, r) in policy.recipients.iter().enumerate() {
        if r.kind == RecipientKind::Processor && r.may_use_for_own_purposes {
            f.report(
                format!("/recipients/{i}/may_use_for_own_purposes"),
                &format!("recipient `{}`", r.id),
                "is declared a processor but may use the data for its own purposes, which makes it a controller",
                "declare it `kind: third_party` (and disclose it as such), or forbid own use in its contract",
            );
        }
    }
}

pub fn secret_sent_to_recipient(policy: &Policy, f: &mut Findings) {
    for (i, r) in policy.recipients.iter().enumerate() {
        for (u, usage) in r.uses.iter().enumerate() {
            for (k, key) in usage.categories.iter().enumerate() {
                if let Some(secret) = covered(policy, key).find(|c| c.secret) {
                    f.report(
                        format!("/recipients/{i}/uses/{u}/categories/{k}"),
                        &format!("recipient `{}`", r.id),
                        format!("would receive `{}`, a secret", secret.id),
                        "never disclose secrets: name the specific categories the recipient needs instead of a parent that covers the secret",
                    );
                }
            }
        }
    }
}

pub fn child_category_not_allowed(policy: &Policy, f: &mut Findings) {
    let admits_children = policy.children.as_ref().is_some_and(|c| c.admitted);
    if !admits_children {
        return;
    }
    for (i, p) in policy.purposes.iter().enumerate() {
        if !matches!(
            p.children,
            Some(ChildrenPolicy::Allowed | ChildrenPolicy::ParentalConsent)
        ) {
            continue;
        }
        let not_allowed: Vec<String> = p
            .categories
            .iter()
            .flat_map(|k| covered(policy, k))
            .filter(|c| !c.allowed_for_children)
            .map(|c| format!("`{}`", c.id))
            .collect();
        if !not_allowed.is_empty() {
            f.report(
                format!("/purposes/{i}/children"),
                &format!("purpose `{}`", p.id),
                format!("may apply to children but uses categories not marked allowed for children: {}", not_allowed.join(", ")),
                "mark those categories `allowed_for_children: true` if children's data may be in them, or limit the purpose to adults (the engine then collects only the allowed categories about a child)",
            );
        }
    }
}

/// The countries a declared jurisdiction stands for: itself, or every
/// member of the EU or EEA it names.
fn countries(named: &str) -> Vec<&str> {
    match named {
        "EU" => law::EU_MEMBERS.to_vec(),
        "EEA" => law::EU_MEMBERS
            .iter()
            .chain(law::EEA_ONLY)
            .copied()
            .collect(),
        other => vec![other],
    }
}

/// Whether a right's scope reaches anything the policy does in `place`:
/// portability needs consent or a contract, objection legitimate
/// interests, a public task or marketing, withdrawal a consent, an opt-out
/// of marketing some marketing.
fn in_scope(policy: &Policy, right: RightKind, scope: law::RightScope, place: &str) -> bool {
    let bases = || {
        policy
            .purposes
            .iter()
            .filter_map(|p| p.basis.for_jurisdiction(place))
    };
    let marketing = || {
        policy
            .purposes
            .iter()
            .any(|p| has_tag(p, &[PurposeTag::Marketing, PurposeTag::DirectMarketing]))
    };
    match (right, scope) {
        (_, law::RightScope::ConsentOrContract) => {
            bases().any(|b| matches!(b, LawfulBasis::Consent | LawfulBasis::Contract))
        }
        (_, law::RightScope::LegitimateInterestsOrPublicTask) => {
            marketing()
                || bases().any(|b| {
                    matches!(
                        b,
                        LawfulBasis::LegitimateInterests | LawfulBasis::PublicTask
                    )
                })
        }
        (RightKind::WithdrawConsent, _) => policy.purposes.iter().any(|p| {
            p.basis.for_jurisdiction(place) == Some(LawfulBasis::Consent)
                || p.consent.model_for(place) != ConsentModel::None
        }),
        (RightKind::OptOutOfMarketing, _) => marketing(),
        _ => true,
    }
}

pub fn statutory_right_not_declared(policy: &Policy, f: &mut Findings) {
    let on = f.on();
    for (i, j) in policy.jurisdictions.iter().enumerate() {
        let place = j.id.as_str();
        if place == "GLOBAL" {
            continue;
        }
        let mut missing: Vec<(&law::StatutoryRight, String)> = Vec::new();
        for l in law::laws_in(policy, place) {
            for statutory in law::statutory_rights(l, on) {
                let declared = policy
                    .rights
                    .iter()
                    .any(|r| r.right == statutory.right && r.applies_in(place));
                let listed = missing.iter().any(|(m, _)| m.right == statutory.right);
                if !declared && !listed && in_scope(policy, statutory.right, statutory.scope, place)
                {
                    missing.push((statutory, name(&statutory.right)));
                }
            }
        }
        if missing.is_empty() {
            continue;
        }
        let said: Vec<String> = missing
            .iter()
            .map(|(r, n)| format!("{} ({})", n.replace('_', " "), r.citation))
            .collect();
        let first = &missing[0].1;
        f.report(
            format!("/jurisdictions/{i}"),
            &format!("jurisdiction `{place}`"),
            format!(
                "the law gives people here rights the policy does not declare: {}; vow grants them anyway, with the law's deadline",
                said.join(", ")
            ),
            format!(
                "declare each under `rights:` so the published policy tells people, e.g. `- {{right: {first}, jurisdictions: [{place}], deadline: 1 month}}` (docs/law.md lists the law's deadlines)"
            ),
        );
    }
}

pub fn consent_age_below_law(policy: &Policy, f: &mut Findings) {
    let Some(children) = &policy.children else {
        return;
    };
    let on = f.on();
    let mut older: Vec<(u8, &str, &'static str)> = Vec::new();
    for j in &policy.jurisdictions {
        for country in countries(j.id.as_str()) {
            if let Some(rule) = law::consent_age(country, on)
                && rule.age > children.consent_age
                && !older.iter().any(|(_, c, _)| *c == rule.jurisdiction)
            {
                older.push((rule.age, rule.jurisdiction, rule.citation));
            }
        }
    }
    if older.is_empty() {
        return;
    }
    older.sort();
    let mut by_age: Vec<String> = Vec::new();
    for age in [14, 15, 16] {
        let here: Vec<&str> = older
            .iter()
            .filter(|(a, _, _)| *a == age)
            .map(|(_, c, _)| *c)
            .collect();
        if !here.is_empty() {
            by_age.push(format!("{age} in {}", here.join(", ")));
        }
    }
    f.report(
        "/children/consent_age",
        "children",
        format!(
            "`consent_age` is {}, but the age of digital consent is {}; vow asks a parent's consent below the law's age there",
            children.consent_age,
            by_age.join("; ")
        ),
        "raise `consent_age`, or say in `children.description` that the age differs by country (docs/law.md lists each country's age and its provision)",
    );
}

pub fn gpc_not_honoured_where_required(policy: &Policy, f: &mut Findings) {
    let shares = policy.purposes.iter().any(|p| {
        has_tag(
            p,
            &[
                PurposeTag::Sale,
                PurposeTag::Sharing,
                PurposeTag::TargetedAdvertising,
            ],
        )
    });
    if !shares {
        return;
    }
    let on = f.on();
    let gpc = policy.signals.global_privacy_control.as_ref();
    let honoured_in = |state: &str| {
        gpc.is_some_and(|g| {
            g.honoured || g.required_in.iter().any(|r| law::covers(r.as_str(), state))
        })
    };
    let mut states: Vec<&str> = Vec::new();
    for j in &policy.jurisdictions {
        for duty in law::signals::OPT_OUT_SIGNALS {
            // California has its own lint (L014).
            if law::is_california(duty.jurisdiction)
                || duty.effective > on
                || !law::covers(j.id.as_str(), duty.jurisdiction)
                || honoured_in(duty.jurisdiction)
                || states.contains(&duty.jurisdiction)
            {
                continue;
            }
            states.push(duty.jurisdiction);
        }
    }
    if states.is_empty() {
        return;
    }
    let codes = states;
    f.report(
        if gpc.is_some() {
            "/signals/global_privacy_control".to_owned()
        } else {
            "/jurisdictions".to_owned()
        },
        "Global Privacy Control",
        format!(
            "data is sold or shared for advertising, and the law of {} requires a universal opt-out signal to be honoured (docs/law.md cites each); vow honours it there anyway",
            codes.join(", ")
        ),
        format!(
            "add them to `signals.global_privacy_control.required_in` ([{}]) so the published policy says so",
            codes.join(", ")
        ),
    );
}

pub fn no_statutory_deadline(policy: &Policy, f: &mut Findings) {
    for (i, j) in policy.jurisdictions.iter().enumerate() {
        let place = j.id.as_str();
        if place == "GLOBAL" {
            continue;
        }
        let laws = law::laws_in(policy, place);
        for right in [RightKind::Access, RightKind::Rectification] {
            if !policy
                .rights
                .iter()
                .any(|r| r.right == right && r.applies_in(place))
            {
                continue;
            }
            let timed = laws
                .iter()
                .any(|l| law::statutory_deadline(*l, right).is_some());
            if timed {
                continue;
            }
            let note = law::no_deadline(place, right).map_or_else(
                || format!("vow knows no statute of {place} that sets one"),
                |n| n.note.to_owned(),
            );
            f.report(
                format!("/jurisdictions/{i}"),
                &format!("jurisdiction `{place}`"),
                format!(
                    "no law sets a time to answer a request for {}: the policy's own deadline is all there is ({note})",
                    name(&right).replace('_', " ")
                ),
                "keep the policy's deadline short and stated; docs/law.md lists the places where the law sets no time",
            );
        }
    }
}

/// What is never stored has no retention period, and a rule that says
/// `not_stored` is backed by the category's flag (which the engine
/// enforces: a decision to store it is denied).
pub fn never_stored_but_retained(policy: &Policy, f: &mut Findings) {
    let never_stored = |key: &CategoryKey| {
        policy
            .categories
            .iter()
            .any(|c| c.never_stored && key.is_within(&c.id))
    };
    for (i, rule) in policy.retention.iter().enumerate() {
        for (k, key) in rule.categories.iter().enumerate() {
            let at = format!("/retention/{i}/categories/{k}");
            let element = format!("retention rule `{}`", rule.id);
            match rule.keep {
                RetentionPeriod::NotStored if !never_stored(key) => {
                    f.report(
                        at,
                        &element,
                        format!("says `{key}` is not stored, but the category is not marked `never_stored`, so vow does not stop a decision to store it"),
                        format!("add `never_stored: true` to category `{key}`"),
                    );
                }
                RetentionPeriod::NotStored => {}
                _ => {
                    if let Some(c) = policy
                        .categories
                        .iter()
                        .find(|c| c.never_stored && key.is_within(&c.id))
                    {
                        f.report(
                            at,
                            &element,
                            format!("keeps `{key}`, which category `{}` says is never stored", c.id),
                            "give it `keep: not_stored`, or remove `never_stored` from the category if it is kept",
                        );
                    }
                }
            }
        }
    }
}

/// A never-stored category that `vow redact` can find in free text: a card
/// category (found by the Luhn check), or one with `patterns`.
pub fn never_stored_not_findable(policy: &Policy, f: &mut Findings) {
    for (i, c) in policy.categories.iter().enumerate() {
        if c.never_stored && c.patterns.is_empty() && !crate::redact::is_card_category(&c.id) {
            f.report(
                format!("/categories/{i}"),
                &format!("category `{}`", c.id),
                "is never stored, but nothing finds it in free text: `vow redact` and `POST /v1/redact` will leave it in a ticket",
                "add `patterns:` (regular expressions) that find it, such as `['\\b[A-Z]{2}\\d{2}[A-Z0-9]{11,30}\\b']` for an IBAN",
            );
        }
    }
}

/// A condition for sending a message that is only words: the engine sends
/// whatever it says. `when` is what the engine checks.
pub fn condition_not_checked(policy: &Policy, f: &mut Findings) {
    for (i, c) in policy.communications.iter().enumerate() {
        if let (Some(condition), None) = (&c.condition, &c.when) {
            f.report(
                format!("/communications/{i}/condition"),
                &format!("communication `{}`", c.id),
                format!(
                    "the condition \"{condition}\" is words only: vow sends `{}` whether or not it holds",
                    c.id
                ),
                "write it as `when:` — the person's attributes it needs (`attributes: {self_pay: true}`, declared under `subjects[].attributes`) and what the message may be about (`topics: [billing]`) — and keep `condition` as the words people read",
            );
        }
    }
}

/// L036: a restriction lets processing go on only on the grounds of GDPR
/// Art. 18(2); marketing and the like are none of them.
pub fn restriction_exempts_marketing(policy: &Policy, f: &mut Findings) {
    for (i, right) in policy.rights.iter().enumerate() {
        for (k, id) in right.exempt_purposes.iter().enumerate() {
            let Some((_, purpose)) = f.purpose(policy, id.as_str()) else {
                continue;
            };
            let Some(tag) = purpose.tags.iter().find(|t| {
                matches!(
                    t,
                    PurposeTag::Marketing
                        | PurposeTag::DirectMarketing
                        | PurposeTag::ThirdPartyMarketing
                        | PurposeTag::Advertising
                        | PurposeTag::TargetedAdvertising
                        | PurposeTag::Sale
                        | PurposeTag::Sharing
                        | PurposeTag::Analytics
                        | PurposeTag::Personalisation
                )
            }) else {
                continue;
            };
            f.report(
                format!("/rights/{i}/exempt_purposes/{k}"),
                &format!("purpose `{id}`"),
                format!(
                    "continues under a restriction although it is tagged `{}`: a restriction stops all but storage, legal claims, the protection of another person's rights and an important public interest",
                    name(tag)
                ),
                "remove it from `exempt_purposes`; to go on with the person's agreement, ask for their consent",
            );
        }
    }
}
