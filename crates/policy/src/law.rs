//! What vow knows of the law: which jurisdictions a law covers and the
//! statutory limits the linter compares a policy against.
//!
//! This is reference data, kept small and cited. It is not legal advice and
//! not exhaustive: a jurisdiction vow does not know gets no statutory check.

use crate::duration::{Duration, Unit};
use crate::model::{Law, RightKind};

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

/// The laws that apply by default in a jurisdiction when a policy does not list them.
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
    } else if code == "US" || code.starts_with("US-") {
        vec![Law::Coppa, Law::CanSpam]
    } else if code == "CA" || code.starts_with("CA-") {
        vec![Law::Pipeda, Law::Casl]
    } else if code == "UA" {
        vec![Law::UaPdp]
    } else {
        Vec::new()
    }
}

/// A statutory deadline for answering a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatutoryDeadline {
    pub law: Law,
    /// The time the law allows.
    pub deadline: Duration,
    /// The extension the law allows on top, if any.
    pub extension: Option<Duration>,
    /// Where it is written.
    pub citation: &'static str,
}

/// The deadline `law` sets for answering a request under `right`, if it sets one.
pub fn statutory_deadline(law: Law, right: RightKind) -> Option<StatutoryDeadline> {
    use RightKind::*;
    let gdpr_rights = matches!(
        right,
        Access | Portability | Rectification | Erasure | Restriction | Objection
    );
    match law {
        Law::Gdpr | Law::UkGdpr if gdpr_rights => Some(StatutoryDeadline {
            law,
            deadline: Duration::span(1, Unit::Months),
            extension: Some(Duration::span(2, Unit::Months)),
            citation: if law == Law::Gdpr {
                "GDPR Art. 12(3)"
            } else {
                "UK GDPR Art. 12(3)"
            },
        }),
        Law::Ccpa
            if matches!(
                right,
                RightToKnow | Access | Erasure | Rectification | Portability
            ) =>
        {
            Some(StatutoryDeadline {
                law,
                deadline: Duration::span(45, Unit::Days),
                extension: Some(Duration::span(45, Unit::Days)),
                citation: "Cal. Civ. Code § 1798.130(a)(2); 11 CCR § 7021",
            })
        }
        Law::Ccpa if right == OptOutOfSale => Some(StatutoryDeadline {
            law,
            deadline: Duration::span(15, Unit::BusinessDays),
            extension: None,
            citation: "11 CCR § 7026(f)",
        }),
        Law::ShineTheLight if right == ShineTheLight => Some(StatutoryDeadline {
            law,
            deadline: Duration::span(30, Unit::Days),
            extension: None,
            citation: "Cal. Civ. Code § 1798.83(b)(1)",
        }),
        Law::Pipeda if matches!(right, Access | Rectification) => Some(StatutoryDeadline {
            law,
            deadline: Duration::span(30, Unit::Days),
            extension: Some(Duration::span(30, Unit::Days)),
            citation: "PIPEDA s. 8(3)-(4)",
        }),
        Law::CanSpam if right == OptOutOfMarketing => Some(StatutoryDeadline {
            law,
            deadline: Duration::span(10, Unit::BusinessDays),
            extension: None,
            citation: "15 U.S.C. § 7704(a)(4); 16 CFR § 316.4",
        }),
        _ => None,
    }
}

/// The laws that apply in `code`, given what the policy declared for it.
pub fn laws_for(code: &str, declared: &[Law]) -> Vec<Law> {
    if declared.is_empty() {
        default_laws(code)
    } else {
        declared.to_vec()
    }
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
    }

    #[test]
    fn gdpr_gives_one_month_plus_two() {
        let d = statutory_deadline(Law::Gdpr, RightKind::Erasure).expect("GDPR sets a deadline");
        assert_eq!(d.deadline.to_string(), "1 month");
        assert_eq!(
            d.extension.map(|e| e.to_string()).as_deref(),
            Some("2 months")
        );
        assert!(statutory_deadline(Law::Gdpr, RightKind::RightToKnow).is_none());
    }
}
