//! The rights each law gives people, whether or not a policy repeats them.
//!
//! A request for one of these is never refused because the policy declares
//! no such right: the desk grants it under the law, with the law's
//! deadline, and the linter asks the policy to say so too. Some rights
//! hold only for some processing ([`RightScope`]): portability covers data
//! processed on consent or a contract (GDPR Art. 20(1)(a)), objection the
//! processing on legitimate interests or a public task (Art. 21(1)) — and
//! direct marketing whatever its basis (Art. 21(2)-(3)), which always stops.

use chrono::NaiveDate;
use serde::Serialize;

use super::date;
use crate::model::{Law, RightKind};

/// Which processing a right reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RightScope {
    /// Whatever the processing.
    Always,
    /// Data processed on consent or a contract (GDPR Art. 20(1)(a)).
    ConsentOrContract,
    /// Processing on legitimate interests or a public task (GDPR Art.
    /// 21(1)); direct marketing on any basis (Art. 21(2)).
    LegitimateInterestsOrPublicTask,
}

/// How often the law lets a business refuse a repeated request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "per", rename_all = "snake_case")]
pub enum StatutoryLimit {
    /// At most `count` answers in any `months` months.
    Rolling { count: u32, months: u32 },
    /// One answer a calendar year.
    CalendarYear,
}

/// One right one law gives.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct StatutoryRight {
    pub law: Law,
    pub right: RightKind,
    pub scope: RightScope,
    /// What the law lets the business refuse beyond.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<StatutoryLimit>,
    /// An authorised agent may ask on the person's behalf, with their
    /// signed permission, and the person confirms.
    pub agents: bool,
    pub citation: &'static str,
    pub effective: NaiveDate,
}

const fn row(
    law: Law,
    right: RightKind,
    scope: RightScope,
    citation: &'static str,
    effective: NaiveDate,
) -> StatutoryRight {
    StatutoryRight {
        law,
        right,
        scope,
        limit: None,
        agents: false,
        citation,
        effective,
    }
}

const fn with_limit(mut r: StatutoryRight, limit: StatutoryLimit) -> StatutoryRight {
    r.limit = Some(limit);
    r
}

const fn with_agents(mut r: StatutoryRight) -> StatutoryRight {
    r.agents = true;
    r
}

use RightKind::*;
use RightScope::*;

const GDPR: NaiveDate = date(2018, 5, 25);
const UK: NaiveDate = date(2021, 1, 1);
const CCPA: NaiveDate = date(2020, 1, 1);
const CPRA: NaiveDate = date(2023, 1, 1);
/// CCPA § 1798.130(b): the right to know need not be answered more than
/// twice in 12 months.
const TWICE_A_YEAR: StatutoryLimit = StatutoryLimit::Rolling {
    count: 2,
    months: 12,
};

/// Every statutory right vow applies, by law.
pub const RIGHTS: &[StatutoryRight] = &[
    row(Law::Gdpr, Access, Always, "GDPR Art. 15", GDPR),
    row(Law::Gdpr, Rectification, Always, "GDPR Art. 16", GDPR),
    row(Law::Gdpr, Erasure, Always, "GDPR Art. 17", GDPR),
    row(Law::Gdpr, Restriction, Always, "GDPR Art. 18", GDPR),
    row(
        Law::Gdpr,
        Portability,
        ConsentOrContract,
        "GDPR Art. 20(1)",
        GDPR,
    ),
    row(
        Law::Gdpr,
        Objection,
        LegitimateInterestsOrPublicTask,
        "GDPR Art. 21(1)-(3)",
        GDPR,
    ),
    row(Law::Gdpr, WithdrawConsent, Always, "GDPR Art. 7(3)", GDPR),
    row(Law::Gdpr, Complaint, Always, "GDPR Art. 77", GDPR),
    row(Law::UkGdpr, Access, Always, "UK GDPR Art. 15", UK),
    row(Law::UkGdpr, Rectification, Always, "UK GDPR Art. 16", UK),
    row(Law::UkGdpr, Erasure, Always, "UK GDPR Art. 17", UK),
    row(Law::UkGdpr, Restriction, Always, "UK GDPR Art. 18", UK),
    row(
        Law::UkGdpr,
        Portability,
        ConsentOrContract,
        "UK GDPR Art. 20(1)",
        UK,
    ),
    row(
        Law::UkGdpr,
        Objection,
        LegitimateInterestsOrPublicTask,
        "UK GDPR Art. 21(1)-(3)",
        UK,
    ),
    row(
        Law::UkGdpr,
        WithdrawConsent,
        Always,
        "UK GDPR Art. 7(3)",
        UK,
    ),
    row(Law::UkGdpr, Complaint, Always, "UK GDPR Art. 77", UK),
    row(
        Law::Eprivacy,
        OptOutOfMarketing,
        Always,
        "Directive 2002/58/EC Art. 13(2)",
        date(2003, 10, 31),
    ),
    row(
        Law::Pecr,
        OptOutOfMarketing,
        Always,
        "PECR reg. 22(3)(c)",
        date(2003, 12, 11),
    ),
    with_agents(with_limit(
        row(
            Law::Ccpa,
            RightToKnow,
            Always,
            "Cal. Civ. Code §§ 1798.100, 1798.110, 1798.115",
            CCPA,
        ),
        TWICE_A_YEAR,
    )),
    with_agents(with_limit(
        row(
            Law::Ccpa,
            Access,
            Always,
            "Cal. Civ. Code § 1798.110(a)(5) (the specific pieces of personal information)",
            CCPA,
        ),
        TWICE_A_YEAR,
    )),
    with_agents(with_limit(
        row(
            Law::Ccpa,
            Portability,
            Always,
            "Cal. Civ. Code § 1798.130(a)(2)(B) (a portable, readily usable format)",
            CPRA,
        ),
        TWICE_A_YEAR,
    )),
    with_agents(row(
        Law::Ccpa,
        Erasure,
        Always,
        "Cal. Civ. Code § 1798.105",
        CCPA,
    )),
    with_agents(row(
        Law::Ccpa,
        Rectification,
        Always,
        "Cal. Civ. Code § 1798.106",
        CPRA,
    )),
    with_agents(row(
        Law::Ccpa,
        OptOutOfSale,
        Always,
        "Cal. Civ. Code § 1798.120",
        CCPA,
    )),
    row(
        Law::Ccpa,
        NonDiscrimination,
        Always,
        "Cal. Civ. Code § 1798.125",
        CCPA,
    ),
    with_limit(
        row(
            Law::ShineTheLight,
            ShineTheLight,
            Always,
            "Cal. Civ. Code § 1798.83(a) (disclosures to third parties for their direct marketing in the preceding calendar year)",
            date(2005, 1, 1),
        ),
        StatutoryLimit::CalendarYear,
    ),
    row(
        Law::CanSpam,
        OptOutOfMarketing,
        Always,
        "15 U.S.C. § 7704(a)(3)-(4)",
        date(2004, 1, 1),
    ),
    row(
        Law::Pipeda,
        Access,
        Always,
        "PIPEDA s. 8 and Sch. 1, Principle 4.9",
        date(2001, 1, 1),
    ),
    row(
        Law::Pipeda,
        Rectification,
        Always,
        "PIPEDA Sch. 1, Principle 4.9.5",
        date(2001, 1, 1),
    ),
    row(
        Law::Pipeda,
        WithdrawConsent,
        Always,
        "PIPEDA Sch. 1, Principle 4.3.8",
        date(2001, 1, 1),
    ),
    row(
        Law::Pipeda,
        Complaint,
        Always,
        "PIPEDA s. 11",
        date(2001, 1, 1),
    ),
    row(
        Law::Casl,
        OptOutOfMarketing,
        Always,
        "CASL s. 11(1), (3)",
        date(2014, 7, 1),
    ),
    row(
        Law::UaPdp,
        Access,
        Always,
        "Law of Ukraine No. 2297-VI, Art. 8(2)(4) and Art. 16",
        date(2011, 1, 1),
    ),
    row(
        Law::UaPdp,
        Rectification,
        Always,
        "Law of Ukraine No. 2297-VI, Art. 8(2)(7)",
        date(2011, 1, 1),
    ),
    row(
        Law::UaPdp,
        Erasure,
        Always,
        "Law of Ukraine No. 2297-VI, Art. 8(2)(7) and Art. 15",
        date(2011, 1, 1),
    ),
    row(
        Law::UaPdp,
        Objection,
        Always,
        "Law of Ukraine No. 2297-VI, Art. 8(2)(6)",
        date(2011, 1, 1),
    ),
    row(
        Law::UaPdp,
        WithdrawConsent,
        Always,
        "Law of Ukraine No. 2297-VI, Art. 8(2)(11)",
        date(2011, 1, 1),
    ),
    row(
        Law::UaPdp,
        Complaint,
        Always,
        "Law of Ukraine No. 2297-VI, Art. 8(2)(9)",
        date(2011, 1, 1),
    ),
];

/// The rights `law` gives that were in force on `on`.
pub fn statutory_rights(law: Law, on: NaiveDate) -> impl Iterator<Item = &'static StatutoryRight> {
    RIGHTS
        .iter()
        .filter(move |r| r.law == law && r.effective <= on)
}

/// The right `right` under any of `laws` in force on `on`, the first law
/// first.
pub fn statutory_right(
    laws: &[Law],
    right: RightKind,
    on: NaiveDate,
) -> Option<&'static StatutoryRight> {
    laws.iter()
        .find_map(|l| statutory_rights(*l, on).find(|r| r.right == right))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rights_take_effect_on_their_date() {
        let before = date(2022, 12, 31);
        let after = date(2023, 1, 1);
        assert!(statutory_right(&[Law::Ccpa], Rectification, before).is_none());
        assert!(statutory_right(&[Law::Ccpa], Rectification, after).is_some());
        assert!(statutory_right(&[Law::UkGdpr], Restriction, date(2020, 12, 31)).is_none());
    }

    #[test]
    fn one_row_per_law_and_right() {
        for (i, a) in RIGHTS.iter().enumerate() {
            assert!(
                !RIGHTS[..i]
                    .iter()
                    .any(|b| b.law == a.law && b.right == a.right),
                "{:?} {:?} twice",
                a.law,
                a.right
            );
        }
    }
}
