//! The laws vow knows: their names, where they apply, whether a business
//! must cross a threshold to be bound, and the date they took effect.

use chrono::NaiveDate;
use serde::Serialize;

use super::date;
use crate::model::Law;

/// How a law reaches a business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// It binds anyone who processes the data of people there (the GDPR
    /// for goods and services offered in the EU, COPPA for a child known to
    /// be under 13): vow applies it whatever the policy declares.
    Territorial,
    /// It binds businesses over a threshold (revenue, number of people,
    /// employees), which vow cannot see: it applies where the policy names
    /// the law, or names the place without listing its laws.
    Threshold,
}

/// One law.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Act {
    pub law: Law,
    /// As people write it: `GDPR`, `CCPA`.
    pub name: &'static str,
    /// Its full title and where it is published.
    pub title: &'static str,
    /// The places it covers, as policies name them.
    pub places: &'static str,
    pub reach: Reach,
    /// The day it began to apply.
    pub effective: NaiveDate,
}

/// Every law vow knows, in the order of [`Law`].
pub const ACTS: &[Act] = &[
    Act {
        law: Law::Gdpr,
        name: "GDPR",
        title: "Regulation (EU) 2016/679, the General Data Protection Regulation (OJ L 119, 4.5.2016)",
        places: "EU and EEA member states",
        reach: Reach::Territorial,
        effective: date(2018, 5, 25),
    },
    Act {
        law: Law::UkGdpr,
        name: "UK GDPR",
        title: "The UK GDPR (Regulation (EU) 2016/679 as retained by the European Union (Withdrawal) Act 2018) and the Data Protection Act 2018",
        places: "United Kingdom",
        reach: Reach::Territorial,
        effective: date(2021, 1, 1),
    },
    Act {
        law: Law::Eprivacy,
        name: "ePrivacy Directive",
        title: "Directive 2002/58/EC on privacy and electronic communications, as amended by Directive 2009/136/EC",
        places: "EU and EEA member states",
        reach: Reach::Territorial,
        effective: date(2011, 5, 25),
    },
    Act {
        law: Law::Pecr,
        name: "PECR",
        title: "The Privacy and Electronic Communications (EC Directive) Regulations 2003 (SI 2003/2426)",
        places: "United Kingdom",
        reach: Reach::Territorial,
        effective: date(2003, 12, 11),
    },
    Act {
        law: Law::Ccpa,
        name: "CCPA",
        title: "California Consumer Privacy Act of 2018, Cal. Civ. Code § 1798.100 et seq., as amended by the California Privacy Rights Act of 2020; regulations at 11 CCR § 7000 et seq.",
        places: "California (US-CA)",
        reach: Reach::Threshold,
        effective: date(2020, 1, 1),
    },
    Act {
        law: Law::Caloppa,
        name: "CalOPPA",
        title: "California Online Privacy Protection Act, Cal. Bus. & Prof. Code §§ 22575–22579",
        places: "California (US-CA)",
        reach: Reach::Territorial,
        effective: date(2004, 7, 1),
    },
    Act {
        law: Law::ShineTheLight,
        name: "Shine the Light law",
        title: "Cal. Civ. Code § 1798.83 (\"Shine the Light\")",
        places: "California (US-CA)",
        reach: Reach::Threshold,
        effective: date(2005, 1, 1),
    },
    Act {
        law: Law::Coppa,
        name: "COPPA",
        title: "Children's Online Privacy Protection Act, 15 U.S.C. §§ 6501–6506; the COPPA Rule, 16 CFR Part 312",
        places: "United States",
        reach: Reach::Territorial,
        effective: date(2000, 4, 21),
    },
    Act {
        law: Law::CanSpam,
        name: "CAN-SPAM Act",
        title: "Controlling the Assault of Non-Solicited Pornography and Marketing Act of 2003, 15 U.S.C. §§ 7701–7713; 16 CFR Part 316",
        places: "United States",
        reach: Reach::Territorial,
        effective: date(2004, 1, 1),
    },
    Act {
        law: Law::Pipeda,
        name: "PIPEDA",
        title: "Personal Information Protection and Electronic Documents Act, S.C. 2000, c. 5",
        places: "Canada",
        reach: Reach::Territorial,
        effective: date(2001, 1, 1),
    },
    Act {
        law: Law::Casl,
        name: "CASL",
        title: "Canada's Anti-Spam Legislation, S.C. 2010, c. 23",
        places: "Canada",
        reach: Reach::Territorial,
        effective: date(2014, 7, 1),
    },
    Act {
        law: Law::UaPdp,
        name: "Law of Ukraine on Personal Data Protection",
        title: "Law of Ukraine No. 2297-VI of 1 June 2010 \"On Personal Data Protection\"",
        places: "Ukraine (UA)",
        reach: Reach::Territorial,
        effective: date(2011, 1, 1),
    },
];

/// What vow knows of `law`. The match is exhaustive: a law added to the
/// policy language does not compile until it has its row.
pub fn act(law: Law) -> &'static Act {
    let row = match law {
        Law::Gdpr => 0,
        Law::UkGdpr => 1,
        Law::Eprivacy => 2,
        Law::Pecr => 3,
        Law::Ccpa => 4,
        Law::Caloppa => 5,
        Law::ShineTheLight => 6,
        Law::Coppa => 7,
        Law::CanSpam => 8,
        Law::Pipeda => 9,
        Law::Casl => 10,
        Law::UaPdp => 11,
    };
    &ACTS[row]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_law_has_its_row() {
        for a in ACTS {
            assert_eq!(act(a.law).law, a.law, "{} is not at its own row", a.name);
        }
    }
}
