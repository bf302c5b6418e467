//! `vow policy lint`: legal and consistency findings about a checked policy.
//!
//! A policy that checks is well-formed; a lint says where it may still
//! break the law or contradict itself, with the law or guidance the finding
//! comes from. Each lint is one function in `rules` and one row in
//! [`LINTS`]; codes are stable and documented in `docs/lints.md`.
//!
//! Lints read a checked [`Policy`] and never panic on one that does not
//! resolve: a missing reference is simply not followed.

mod rules;

use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::index::PolicyIndex;
use crate::law;
use crate::model::Policy;

/// One lint: its code, name, severity, what it checks and where the rule comes from.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Lint {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub authority: &'static str,
    #[serde(skip)]
    check: fn(&Policy, &mut Findings),
}

/// The findings of one lint, as it makes them.
pub struct Findings<'a> {
    lint: &'a Lint,
    index: &'a PolicyIndex,
    /// The law is taken as it stands on this day.
    on: NaiveDate,
    out: &'a mut Vec<Diagnostic>,
}

impl Findings<'_> {
    /// The day the law is taken as it stands on.
    pub fn on(&self) -> NaiveDate {
        self.on
    }

    /// The purpose with this id, and its position.
    pub fn purpose<'p>(
        &self,
        policy: &'p Policy,
        id: &str,
    ) -> Option<(usize, &'p crate::model::Purpose)> {
        let i = *self.index.purposes.get(id)?;
        policy.purposes.get(i).map(|p| (i, p))
    }

    /// Reports a finding on the element at `path`.
    pub fn report(
        &mut self,
        path: impl Into<String>,
        element: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> &mut Diagnostic {
        let lint = self.lint;
        self.out.push(Diagnostic {
            code: lint.code,
            name: lint.name,
            severity: lint.severity,
            message: format!("{element}: {}", message.into()),
            path: path.into(),
            anchor: crate::diagnostic::Anchor::Value,
            label: Some(lint.name.replace('-', " ")),
            help: Some(help.into()),
            authority: Some(lint.authority.to_owned()),
            location: None,
            related: Vec::new(),
        });
        self.out.last_mut().expect("just pushed")
    }
}

macro_rules! lints {
    ($($code:literal $name:literal $severity:ident $check:path, $summary:literal, $authority:literal;)*) => {
        /// Every lint, in code order.
        pub const LINTS: &[Lint] = &[$(Lint {
            code: $code,
            name: $name,
            severity: Severity::$severity,
            summary: $summary,
            authority: $authority,
            check: $check,
        }),*];
    };
}

lints! {
    "L001" "tracker-without-consent" Error rules::tracker_without_consent,
        "An analytics, advertising or social tracker is set without opt-in consent for visitors from the EU or the UK.",
        "ePrivacy Directive 2002/58/EC Art. 5(3); UK PECR reg. 6; CJEU C-673/17 Planet49; EDPB Guidelines 05/2020 on consent";
    "L002" "consent-cookie-too-long" Warning rules::consent_cookie_too_long,
        "A tracker that needs consent, or a consent itself, lasts longer than 13 months.",
        "CNIL Délibération n° 2020-091, Art. 5 (guidelines on cookies and trackers); ePrivacy Directive Art. 5(3)";
    "L003" "consent-without-withdrawal" Error rules::consent_without_withdrawal,
        "A purpose that relies on consent or opt-out gives no way to withdraw.",
        "GDPR Art. 7(3); UK GDPR Art. 7(3); CCPA § 1798.120";
    "L004" "children-without-parental-consent" Error rules::children_without_parental_consent,
        "The service admits children under 13 but has no verified parental-consent rule.",
        "COPPA, 16 CFR § 312.5; GDPR Art. 8";
    "L005" "category-without-retention" Warning rules::category_without_retention,
        "A category that is collected or used has no retention rule.",
        "GDPR Art. 5(1)(e) and Art. 13(2)(a); CCPA § 1798.100(a)(3)";
    "L006" "recipient-category-not-allowed" Error rules::recipient_category_not_allowed,
        "A recipient is given a category that the purpose of that disclosure does not allow.",
        "GDPR Art. 5(1)(b)-(c) (purpose limitation, data minimisation)";
    "L007" "privacy-shield-transfer" Error rules::privacy_shield_transfer,
        "A transfer relies on the EU-US Privacy Shield, invalid since 16 July 2020.",
        "CJEU C-311/18 Data Protection Commissioner v Facebook Ireland (Schrems II); GDPR Art. 44-46";
    "L008" "transfer-without-mechanism" Warning rules::transfer_without_mechanism,
        "A transfer out of the EU or UK to a country without an adequacy decision names no mechanism.",
        "GDPR Art. 44-46; UK GDPR Art. 44-46";
    "L009" "rights-deadline-exceeds-law" Error rules::rights_deadline_exceeds_law,
        "A right's deadline (with its extension) is longer than the law of a declared jurisdiction allows.",
        "GDPR Art. 12(3); CCPA § 1798.130(a)(2) and 11 CCR § 7021; PIPEDA s. 8(3); Cal. Civ. Code § 1798.83(b)";
    "L010" "california-without-dnt-statement" Error rules::california_without_dnt_statement,
        "California is served but the policy says nothing about Do Not Track.",
        "CalOPPA, Cal. Bus. & Prof. Code § 22575(b)(5)";
    "L011" "sensitive-without-explicit-consent" Error rules::sensitive_without_explicit_consent,
        "A purpose uses special-category or sensitive data without explicit opt-in consent.",
        "GDPR Art. 9(1)-(2)(a); CPRA § 1798.121";
    "L012" "persistent-cookie-holds-secret" Error rules::persistent_cookie_holds_secret,
        "A persistent cookie stores credentials, passwords or account numbers.",
        "GDPR Art. 32; OWASP Session Management Cheat Sheet";
    "L013" "sale-contradicts-statement" Error rules::sale_contradicts_statement,
        "The policy says nothing is sold, yet a purpose or a disclosure is a sale or third-party marketing.",
        "CCPA § 1798.115, § 1798.120; FTC Act § 5 (deceptive statements)";
    "L014" "gpc-not-honoured-in-california" Error rules::gpc_not_honoured_in_california,
        "California is served, data is shared for advertising, and Global Privacy Control is not honoured there.",
        "CCPA § 1798.135(b); 11 CCR § 7025";
    "L015" "immediate-notice-in-eu" Warning rules::immediate_notice_in_eu,
        "Material changes take effect on posting although EU or UK people are served.",
        "GDPR Art. 12-13; Article 29 WP Guidelines on transparency (WP260 rev.01) ¶ 29-33";
    "L016" "legitimate-interests-without-objection" Warning rules::legitimate_interests_without_objection,
        "A purpose relies on legitimate interests where no right to object is declared.",
        "GDPR Art. 21(1) and Art. 13(2)(b)";
    "L017" "marketing-without-unsubscribe" Warning rules::marketing_without_unsubscribe,
        "Marketing by e-mail or SMS without an unsubscribe obligation.",
        "ePrivacy Directive Art. 13(2); CAN-SPAM, 15 U.S.C. § 7704(a)(3); CASL s. 11";
    "L018" "essential-tracker-with-optional-purpose" Warning rules::essential_tracker_with_optional_purpose,
        "A tracker labelled essential serves a marketing, advertising or analytics purpose.",
        "ePrivacy Directive Art. 5(3); Article 29 WP Opinion 04/2012 on cookie consent exemption (WP194)";
    "L019" "direct-marketing-opt-out-in-eu" Error rules::direct_marketing_opt_out_in_eu,
        "Direct marketing uses an opt-out model for the EU or the UK.",
        "ePrivacy Directive Art. 13(1)-(2); UK PECR reg. 22";
    "L020" "recipient-without-uses" Warning rules::recipient_without_uses,
        "A recipient is declared without saying what it receives and why.",
        "GDPR Art. 13(1)(e) and Art. 30(1)(d)";
    "L021" "no-basis-for-jurisdiction" Error rules::no_basis_for_jurisdiction,
        "A purpose's per-jurisdiction basis has no entry (and no default) for a GDPR jurisdiction served.",
        "GDPR Art. 6(1)";
    "L022" "withdrawal-harder-than-consent" Warning rules::withdrawal_harder_than_consent,
        "Consent is given on line (a banner, a form) but can be withdrawn only by e-mail, post or phone.",
        "GDPR Art. 7(3) (withdrawing must be as easy as giving consent); EDPB Guidelines 05/2020 ¶ 113-116";
    "L023" "sensitive-category-not-marked" Warning rules::sensitive_category_not_marked,
        "A category that the taxonomy classes as special or sensitive is not marked `sensitive`.",
        "GDPR Art. 9(1); CPRA § 1798.140(ae)";
    "L024" "category-outside-taxonomy" Info rules::category_outside_taxonomy,
        "A category key is not in, or below, the fideslang taxonomy.",
        "fideslang data categories (interoperability with privacy tooling)";
    "L025" "processor-uses-for-own-purposes" Warning rules::processor_uses_for_own_purposes,
        "A recipient declared as a processor may use the data for its own purposes.",
        "GDPR Art. 28(3)(a) and Art. 28(10)";
    "L026" "secret-sent-to-recipient" Error rules::secret_sent_to_recipient,
        "A secret (password, credentials) is disclosed to a recipient.",
        "GDPR Art. 5(1)(f) and Art. 32";
    "L027" "child-category-not-allowed" Warning rules::child_category_not_allowed,
        "A purpose that may apply to children uses categories not marked allowed for children.",
        "COPPA, 16 CFR § 312.7; GDPR Art. 5(1)(c) and Recital 38";
    "L028" "statutory-right-not-declared" Warning rules::statutory_right_not_declared,
        "The law of a jurisdiction served gives people a right the policy does not declare there.",
        "GDPR Art. 13(2)(b)-(d), Arts. 15-21 and 77; UK GDPR idem; CCPA § 1798.130(a)(5); docs/law.md";
    "L029" "consent-age-below-law" Warning rules::consent_age_below_law,
        "`children.consent_age` is lower than the age of digital consent in a country served.",
        "GDPR Art. 8(1) and the member states' provisions (docs/law.md); COPPA, 16 CFR § 312.5";
    "L030" "gpc-not-honoured-where-required" Warning rules::gpc_not_honoured_where_required,
        "Data is sold or shared for advertising in a US state whose law requires a universal opt-out signal to be honoured, and the policy does not say it is honoured there.",
        "State privacy laws of Colorado, Connecticut, Texas, Montana, New Hampshire, Nebraska, New Jersey, Minnesota, Maryland, Oregon and Delaware (docs/law.md)";
    "L031" "no-statutory-deadline" Info rules::no_statutory_deadline,
        "No law vow knows sets a time to answer a request the policy grants in a jurisdiction: the policy's own deadline is all there is.",
        "docs/law.md (where the law sets no time)";
    "L032" "never-stored-but-retained" Warning rules::never_stored_but_retained,
        "A category marked `never_stored` has a retention rule that keeps it, or a retention rule says `not_stored` for a category not marked `never_stored` (so nothing stops it being stored).",
        "GDPR Art. 5(1)(c) and (e); PCI DSS v4.0 Req. 3.2-3.3 (no storage of sensitive authentication data); EDU-07, KIDS-10";
    "L033" "never-stored-not-findable" Info rules::never_stored_not_findable,
        "A category marked `never_stored` is not a payment card category and has no `patterns`, so `vow redact` cannot find it in free text.",
        "GDPR Art. 5(1)(c) (data minimisation); docs/cli.md (`vow redact`)";
    "L034" "condition-not-checked" Warning rules::condition_not_checked,
        "A communication's condition is written only in words: no decision depends on it.",
        "GDPR Art. 5(2) and Art. 24(1) (accountability: a stated rule is applied and can be shown to be)";
    "L036" "restriction-exempts-marketing" Warning rules::restriction_exempts_marketing,
        "A purpose that continues under a restriction is marketing, advertising, analytics, personalisation, sale or sharing.",
        "GDPR Art. 18(2): restricted data is processed, but for storage, only with consent, for legal claims, to protect another person's rights, or for an important public interest";
}

/// Every finding about `policy`, in a stable order, against the law as
/// vow's tables hold it ([`law::REVIEWED`]), or as it will be on the
/// policy's own `effective` date if that is later.
pub fn lint(policy: &Policy) -> Vec<Diagnostic> {
    lint_on(policy, law::REVIEWED.max(policy.policy.effective))
}

/// Every finding about `policy`, against the law as it stands on `on`
/// (`vow policy lint --on`; a policy runs under the law of each day it is
/// in force, not only the day it took effect).
pub fn lint_on(policy: &Policy, on: NaiveDate) -> Vec<Diagnostic> {
    let index = PolicyIndex::build(policy);
    let mut out = Vec::new();
    for lint in LINTS {
        let mut findings = Findings {
            lint,
            index: &index,
            on,
            out: &mut out,
        };
        (lint.check)(policy, &mut findings);
    }
    out.sort_by(|a, b| {
        a.path
            .cmp(&b.path)
            .then_with(|| a.code.cmp(b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
    out
}

/// The lint with this code or name.
pub fn explain(code_or_name: &str) -> Option<&'static Lint> {
    LINTS
        .iter()
        .find(|l| l.code.eq_ignore_ascii_case(code_or_name) || l.name == code_or_name)
}
