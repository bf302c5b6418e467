//! How long each law gives to answer a request, how far it may be put
//! off, when receipt must be confirmed, and where the law sets no time.
//!
//! A request's deadline is the shorter of the law's and the policy's
//! (`vow_dsr::request::due`); a policy may promise less time, never more.

use chrono::NaiveDate;
use serde::Serialize;

use super::date;
use crate::duration::{Duration, Unit};
use crate::model::{Law, RightKind};

/// A statutory deadline for answering a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StatutoryDeadline {
    pub law: Law,
    /// The time the law allows, from receipt.
    pub deadline: Duration,
    /// The extension the law allows on top, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<Duration>,
    /// Where it is written.
    pub citation: &'static str,
    pub effective: NaiveDate,
}

/// One row: the rights it covers and the time.
struct Row {
    law: Law,
    rights: &'static [RightKind],
    deadline: Duration,
    extension: Option<Duration>,
    citation: &'static str,
    effective: NaiveDate,
}

use RightKind::*;

const GDPR_RIGHTS: &[RightKind] = &[
    Access,
    Portability,
    Rectification,
    Erasure,
    Restriction,
    Objection,
];
const CCPA_RIGHTS: &[RightKind] = &[RightToKnow, Access, Portability, Erasure, Rectification];
const MONTH: Duration = Duration::span(1, Unit::Months);
const TWO_MONTHS: Duration = Duration::span(2, Unit::Months);

const ROWS: &[Row] = &[
    Row {
        law: Law::Gdpr,
        rights: GDPR_RIGHTS,
        deadline: MONTH,
        extension: Some(TWO_MONTHS),
        citation: "GDPR Art. 12(3)",
        effective: date(2018, 5, 25),
    },
    Row {
        law: Law::UkGdpr,
        rights: GDPR_RIGHTS,
        deadline: MONTH,
        extension: Some(TWO_MONTHS),
        citation: "UK GDPR Art. 12(3), Art. 12A",
        effective: date(2021, 1, 1),
    },
    Row {
        law: Law::Ccpa,
        rights: CCPA_RIGHTS,
        deadline: Duration::span(45, Unit::Days),
        extension: Some(Duration::span(45, Unit::Days)),
        citation: "Cal. Civ. Code § 1798.130(a)(2)(A); 11 CCR § 7021(b)",
        effective: date(2020, 1, 1),
    },
    Row {
        law: Law::Ccpa,
        rights: &[OptOutOfSale],
        deadline: Duration::span(15, Unit::BusinessDays),
        extension: None,
        citation: "11 CCR § 7026(f)",
        effective: date(2020, 8, 14),
    },
    Row {
        law: Law::ShineTheLight,
        rights: &[ShineTheLight],
        deadline: Duration::span(30, Unit::Days),
        extension: None,
        citation: "Cal. Civ. Code § 1798.83(b)",
        effective: date(2005, 1, 1),
    },
    Row {
        law: Law::Pipeda,
        rights: &[Access],
        deadline: Duration::span(30, Unit::Days),
        extension: Some(Duration::span(30, Unit::Days)),
        citation: "PIPEDA s. 8(3)-(4)",
        effective: date(2001, 1, 1),
    },
    Row {
        law: Law::UaPdp,
        rights: &[Access],
        deadline: Duration::span(30, Unit::Days),
        extension: None,
        citation: "Law of Ukraine No. 2297-VI, Art. 16 (no deferral for one's own data: Art. 17)",
        effective: date(2011, 1, 1),
    },
    Row {
        law: Law::CanSpam,
        rights: &[OptOutOfMarketing],
        deadline: Duration::span(10, Unit::BusinessDays),
        extension: None,
        citation: "15 U.S.C. § 7704(a)(4); 16 CFR § 316.4",
        effective: date(2004, 1, 1),
    },
    Row {
        law: Law::Casl,
        rights: &[OptOutOfMarketing],
        deadline: Duration::span(10, Unit::BusinessDays),
        extension: None,
        citation: "CASL s. 11(3)",
        effective: date(2014, 7, 1),
    },
];

/// The deadline `law` sets for answering a request under `right`, if it sets one.
pub fn statutory_deadline(law: Law, right: RightKind) -> Option<StatutoryDeadline> {
    ROWS.iter()
        .find(|r| r.law == law && r.rights.contains(&right))
        .map(|r| StatutoryDeadline {
            law,
            deadline: r.deadline,
            extension: r.extension,
            citation: r.citation,
            effective: r.effective,
        })
}

/// Every statutory deadline, one per law and right.
pub fn all_deadlines() -> impl Iterator<Item = (RightKind, StatutoryDeadline)> {
    ROWS.iter().flat_map(|r| {
        r.rights.iter().map(move |&right| {
            (
                right,
                StatutoryDeadline {
                    law: r.law,
                    deadline: r.deadline,
                    extension: r.extension,
                    citation: r.citation,
                    effective: r.effective,
                },
            )
        })
    })
}

/// A duty to confirm that a request was received, within a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Acknowledgement {
    pub law: Law,
    pub rights: &'static [RightKind],
    /// From receipt.
    pub within: Duration,
    /// What the confirmation tells the person.
    pub content: &'static str,
    pub citation: &'static str,
    pub effective: NaiveDate,
}

const ACKNOWLEDGEMENTS: &[Acknowledgement] = &[
    Acknowledgement {
        law: Law::Ccpa,
        rights: CCPA_RIGHTS,
        within: Duration::span(10, Unit::BusinessDays),
        content: "that the request was received, how it will be verified and processed, and when the answer is due",
        citation: "11 CCR § 7021(a) (11 CCR § 999.313(a) until 29 March 2023)",
        effective: date(2020, 8, 14),
    },
    Acknowledgement {
        law: Law::UaPdp,
        rights: &[Access],
        within: Duration::span(10, Unit::BusinessDays),
        content: "whether the request will be met, or why not",
        citation: "Law of Ukraine No. 2297-VI, Art. 16",
        effective: date(2011, 1, 1),
    },
];

/// The duty under any of `laws` to confirm receipt of a request under
/// `right` received on `on`; the shortest when several apply.
pub fn acknowledgement(
    laws: &[Law],
    right: RightKind,
    on: NaiveDate,
) -> Option<&'static Acknowledgement> {
    ACKNOWLEDGEMENTS
        .iter()
        .filter(|a| laws.contains(&a.law) && a.rights.contains(&right) && a.effective <= on)
        .min_by_key(|a| a.within.approx_seconds())
}

/// Every duty to confirm receipt.
pub fn all_acknowledgements() -> &'static [Acknowledgement] {
    ACKNOWLEDGEMENTS
}

/// A place where the law gives a right but sets no time to answer it:
/// the policy's own promise is all there is, and the linter says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NoDeadline {
    /// As policies name it.
    pub jurisdiction: &'static str,
    pub right: RightKind,
    pub note: &'static str,
}

const NO_DEADLINES: &[NoDeadline] = &[
    NoDeadline {
        jurisdiction: "US",
        right: Access,
        note: "No federal law gives adults a right of access with a time to answer it; COPPA lets a parent review what was collected from their child under 13 (16 CFR § 312.6) without setting one.",
    },
    NoDeadline {
        jurisdiction: "CA",
        right: Rectification,
        note: "PIPEDA has inaccurate information amended (Sch. 1, Principle 4.9.5) but sets no time; only access has one (s. 8(3)).",
    },
    NoDeadline {
        jurisdiction: "UA",
        right: Rectification,
        note: "The Law of Ukraine No. 2297-VI gives a right to a reasoned request to change or destroy data (Art. 8(2)(7)) without setting a time to answer it.",
    },
];

/// Whether the law of `jurisdiction` is documented to set no time for
/// `right`.
pub fn no_deadline(jurisdiction: &str, right: RightKind) -> Option<&'static NoDeadline> {
    NO_DEADLINES
        .iter()
        .find(|n| n.right == right && super::covers(n.jurisdiction, jurisdiction))
}

/// Every documented absence of a statutory time.
pub fn all_no_deadlines() -> &'static [NoDeadline] {
    NO_DEADLINES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gdpr_gives_one_month_plus_two() {
        let d = statutory_deadline(Law::Gdpr, Erasure).expect("GDPR sets a deadline");
        assert_eq!(d.deadline.to_string(), "1 month");
        assert_eq!(
            d.extension.map(|e| e.to_string()).as_deref(),
            Some("2 months")
        );
        assert!(statutory_deadline(Law::Gdpr, RightToKnow).is_none());
    }

    #[test]
    fn ccpa_confirms_receipt_within_ten_business_days() {
        let a = acknowledgement(&[Law::Gdpr, Law::Ccpa], Erasure, date(2026, 1, 5))
            .expect("the CCPA asks for a confirmation");
        assert_eq!(a.within.to_string(), "10 business days");
        assert!(acknowledgement(&[Law::Gdpr], Erasure, date(2026, 1, 5)).is_none());
        assert!(acknowledgement(&[Law::Ccpa], Erasure, date(2019, 1, 5)).is_none());
    }

    #[test]
    fn ukraine_and_canada_answer_access_in_thirty_days() {
        for law in [Law::UaPdp, Law::Pipeda] {
            let d = statutory_deadline(law, Access).expect("a deadline");
            assert_eq!(d.deadline.to_string(), "30 days");
        }
        assert!(no_deadline("US-NY", Access).is_some());
        assert!(no_deadline("FR", Access).is_none());
    }
}
