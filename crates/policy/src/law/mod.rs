//! What vow knows of the law: the statutory rules it applies underneath a
//! policy, each with its citation and the date it took effect.
//!
//! A policy may promise more than the law (a shorter deadline, a right in
//! more places, an older age of consent); it can never promise less. Where
//! the file is silent or weaker, the engine and the request desk apply the
//! rules here for the person's jurisdiction, and `vow policy lint` says
//! where the file falls short. The tables:
//!
//! - [`acts`]: the laws themselves, where they apply and from when;
//! - [`rights`]: the rights each law gives, with their conditions (Art. 20
//!   portability only where the basis is consent or contract, Art. 21
//!   objection to legitimate interests, always to direct marketing) and
//!   the limits the law allows (twice in 12 months, once a calendar year);
//! - [`deadlines`]: the time each law allows to answer, the extension, the
//!   duty to confirm receipt, and the places where the law sets no time;
//! - [`children`]: the age of digital consent per country (GDPR Art. 8 as
//!   each member state set it, the UK, COPPA in the United States);
//! - [`signals`]: the US states whose law obliges a business to honour a
//!   universal opt-out signal such as Global Privacy Control;
//! - [`document`]: all of it as one table (`docs/law.md`, `vow law`).
//!
//! This is reference data, kept small and cited. It is not legal advice
//! and not exhaustive: a jurisdiction vow does not know gets no statutory
//! rule, and applicability thresholds (a business's size or revenue) are
//! not modelled — laws with thresholds apply where the policy names them.
//! Like the rest of this crate it does no I/O and reads no clock: every
//! question takes the date it is asked about.

pub mod acts;
pub mod children;
pub mod deadlines;
pub mod document;
pub mod rights;
pub mod signals;

use chrono::NaiveDate;

use crate::duration::{Duration, Unit};
use crate::model::{Law, Policy};

pub use acts::{Act, Reach, act};
pub use children::{ChildScope, ConsentAge, consent_age};
pub use deadlines::{
    Acknowledgement, NoDeadline, StatutoryDeadline, acknowledgement, no_deadline,
    statutory_deadline,
};
pub use rights::{RightScope, StatutoryLimit, StatutoryRight, statutory_right, statutory_rights};
pub use signals::{OptOutSignal, Signal, opt_out_signal};

/// The time vow gives a right whose law sets none, when the policy
/// declares the right nowhere: the shortest time any law here gives a
/// request (30 days, PIPEDA s. 8(3) and the Law of Ukraine, Art. 16).
pub const UNTIMED: Duration = Duration::span(30, Unit::Days);

/// The day the tables were last checked against their sources. `vow policy
/// lint` takes the law as it stands on this day unless told another.
pub const REVIEWED: NaiveDate = date(2026, 12, 7);

/// A date in the tables. Panics at compile time on an impossible date.
pub(crate) const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => panic!("an impossible date in the law tables"),
    }
}

/// EU member states (ISO 3166-1 alpha-2).
pub const EU_MEMBERS: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// EEA members outside the EU.
pub const EEA_ONLY: &[&str] = &["IS", "LI", "NO"];

/// Whether `code` is the EU, the EEA, or a country in either.
pub fn in_eu(code: &str) -> bool {
    matches!(code, "EU" | "EEA") || EU_MEMBERS.contains(&code) || EEA_ONLY.contains(&code)
}

/// The United Kingdom (ISO `GB`; `UK` is accepted as people write it).
pub fn in_uk(code: &str) -> bool {
    matches!(code, "GB" | "UK") || code.starts_with("GB-")
}

/// Whether the GDPR or the UK GDPR applies in `code`.
pub fn gdpr_like(code: &str) -> bool {
    in_eu(code) || in_uk(code)
}

/// California.
pub fn is_california(code: &str) -> bool {
    code == "US-CA"
}

/// The United States or one of its states.
pub fn in_us(code: &str) -> bool {
    code == "US" || code.starts_with("US-")
}

/// Canada or one of its provinces.
pub fn in_canada(code: &str) -> bool {
    code == "CA" || code.starts_with("CA-")
}

/// Whether a jurisdiction a policy names (`EU`, `US`, `GLOBAL`) covers a
/// person's jurisdiction (`FR`, `US-CA`): the same code, `GLOBAL`, the EU
/// or EEA for its countries, or a country for its subdivisions.
pub fn covers(named: &str, jurisdiction: &str) -> bool {
    named == jurisdiction
        || named == "GLOBAL"
        || (matches!(named, "EU" | "EEA") && in_eu(jurisdiction))
        || (matches!(named, "UK" | "GB") && in_uk(jurisdiction))
        || jurisdiction
            .strip_prefix(named)
            .is_some_and(|rest| rest.starts_with('-'))
}

/// The laws that apply by default in a jurisdiction when a policy does not
/// list them: every law of the place, thresholds or not.
pub fn default_laws(code: &str) -> Vec<Law> {
    if in_eu(code) {
        vec![Law::Gdpr, Law::Eprivacy]
    } else if in_uk(code) {
        vec![Law::UkGdpr, Law::Pecr]
    } else if is_california(code) {
        vec![
            Law::Ccpa,
            Law::Caloppa,
            Law::ShineTheLight,
            Law::Coppa,
            Law::CanSpam,
        ]
    } else if in_us(code) {
        vec![Law::Coppa, Law::CanSpam]
    } else if in_canada(code) {
        vec![Law::Pipeda, Law::Casl]
    } else if code == "UA" {
        vec![Law::UaPdp]
    } else {
        Vec::new()
    }
}

/// The laws that apply to anyone in `code` whatever a policy declares:
/// those without a threshold of size or revenue ([`Reach::Territorial`]).
pub fn territorial_laws(code: &str) -> Vec<Law> {
    default_laws(code)
        .into_iter()
        .filter(|l| act(*l).reach == Reach::Territorial)
        .collect()
}

/// The laws a policy's declaration of `code` names: its own list, or the
/// usual laws of the place when it lists none.
pub fn laws_for(code: &str, declared: &[Law]) -> Vec<Law> {
    if declared.is_empty() {
        default_laws(code)
    } else {
        declared.to_vec()
    }
}

/// The laws that apply to a person in `jurisdiction` under `policy`:
///
/// - those the policy declares for every jurisdiction that covers them (a
///   declaration without laws means the usual ones, [`laws_for`]);
/// - the usual laws of `jurisdiction` itself when only `GLOBAL`, or
///   nothing, covers it;
/// - and always the laws that apply there by territory alone
///   ([`territorial_laws`]): a policy that declares the EU with
///   `laws: [eprivacy]` does not take the GDPR away from people there.
pub fn laws_in(policy: &Policy, jurisdiction: &str) -> Vec<Law> {
    let mut laws = Vec::new();
    let mut specific = false;
    for decl in &policy.jurisdictions {
        let named = decl.id.as_str();
        if !covers(named, jurisdiction) {
            continue;
        }
        specific |= named != "GLOBAL";
        laws.extend(laws_for(named, &decl.laws));
    }
    if specific {
        laws.extend(territorial_laws(jurisdiction));
    } else {
        laws.extend(default_laws(jurisdiction));
    }
    laws.sort();
    laws.dedup();
    laws
}

/// A law's short name, as people write it.
pub fn law_name(law: Law) -> &'static str {
    act(law).name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        assert!(in_eu("FR") && in_eu("EU") && in_eu("NO"));
        assert!(!in_eu("GB") && in_uk("GB") && in_uk("UK"));
        assert!(gdpr_like("UK"));
        assert!(is_california("US-CA") && !is_california("US"));
        assert!(in_us("US-TX") && !in_us("USX") && in_canada("CA-QC"));
    }

    #[test]
    fn jurisdictions_cover_their_parts() {
        assert!(covers("EU", "FR") && covers("EEA", "NO") && covers("US", "US-CA"));
        assert!(covers("GLOBAL", "JP") && covers("GB", "GB") && covers("UK", "GB"));
        assert!(!covers("US", "USX") && !covers("US-CA", "US") && !covers("EU", "GB"));
    }

    #[test]
    fn territorial_laws_have_no_threshold() {
        assert_eq!(territorial_laws("FR"), vec![Law::Gdpr, Law::Eprivacy]);
        // CCPA and Shine the Light apply to businesses over a threshold.
        assert_eq!(
            territorial_laws("US-CA"),
            vec![Law::Caloppa, Law::Coppa, Law::CanSpam]
        );
        assert!(territorial_laws("JP").is_empty());
    }
}
