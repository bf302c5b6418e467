//! The age below which a child's own consent is not enough, per country.
//!
//! The GDPR sets 16 for the consent a child gives to an information
//! society service and lets each member state lower it to 13 (Art. 8(1));
//! the UK set 13. Below that age, processing that relies on the child's
//! consent needs a parent's. COPPA reaches further in the United States:
//! below 13, nothing is collected from a child without a verifiable
//! parental consent (16 CFR § 312.5(a)(1)). A policy may set an older age
//! (`children.consent_age`); the engine takes the older of the two.

use chrono::NaiveDate;
use serde::Serialize;

use super::{EEA_ONLY, EU_MEMBERS, date};
use crate::model::Law;

/// What a parent's consent is needed for below the age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChildScope {
    /// Processing that relies on the child's consent (GDPR Art. 8).
    Consent,
    /// Any collection or use of the child's data (COPPA).
    Everything,
}

/// The age of digital consent in one country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ConsentAge {
    /// ISO 3166-1 alpha-2 (subdivisions such as `US-CA` follow their country).
    pub jurisdiction: &'static str,
    /// Below this age a parent's consent is needed.
    pub age: u8,
    pub scope: ChildScope,
    pub law: Law,
    /// The provision that sets the age.
    pub citation: &'static str,
    /// The day the age applied from.
    pub effective: NaiveDate,
}

const fn gdpr(
    jurisdiction: &'static str,
    age: u8,
    citation: &'static str,
    effective: NaiveDate,
) -> ConsentAge {
    ConsentAge {
        jurisdiction,
        age,
        scope: ChildScope::Consent,
        law: Law::Gdpr,
        citation,
        effective,
    }
}

const GDPR_DAY: NaiveDate = date(2018, 5, 25);
/// The EEA Joint Committee's Decision 154/2018 brought the GDPR into the
/// EEA Agreement on this day.
const EEA_DAY: NaiveDate = date(2018, 7, 20);
const DEFAULT: &str = "GDPR Art. 8(1) (no national derogation: 16)";

/// Every country whose age vow knows.
pub const CONSENT_AGES: &[ConsentAge] = &[
    gdpr("AT", 14, "Datenschutzgesetz (DSG) § 4(4)", GDPR_DAY),
    gdpr(
        "BE",
        13,
        "Law of 30 July 2018 on the protection of natural persons with regard to the processing of personal data, Art. 7",
        date(2018, 9, 5),
    ),
    gdpr(
        "BG",
        14,
        "Personal Data Protection Act, Art. 25c",
        date(2019, 3, 2),
    ),
    gdpr(
        "HR",
        16,
        "Act on the Implementation of the General Data Protection Regulation (NN 42/2018), Art. 19",
        GDPR_DAY,
    ),
    gdpr(
        "CY",
        14,
        "Law 125(I)/2018 on the protection of natural persons with regard to the processing of personal data, s. 8",
        date(2018, 7, 31),
    ),
    gdpr(
        "CZ",
        15,
        "Act No. 110/2019 Coll. on the processing of personal data, s. 7",
        date(2019, 4, 24),
    ),
    gdpr(
        "DK",
        13,
        "Databeskyttelsesloven (Act No. 502 of 23 May 2018) § 6(2)-(3)",
        GDPR_DAY,
    ),
    gdpr(
        "DK",
        15,
        "Databeskyttelsesloven § 6(2)-(3) as amended with effect from 1 January 2024 (bill L 79, 2023-24)",
        date(2024, 1, 1),
    ),
    gdpr(
        "EE",
        13,
        "Isikuandmete kaitse seadus (Personal Data Protection Act) § 8(1)",
        date(2019, 1, 15),
    ),
    gdpr(
        "FI",
        13,
        "Tietosuojalaki (Data Protection Act 1050/2018) s. 5",
        date(2019, 1, 1),
    ),
    gdpr(
        "FR",
        15,
        "Loi n° 78-17 du 6 janvier 1978 (Informatique et Libertés), Art. 45 (Art. 7-1 until 1 June 2019): below 15, the minor and a holder of parental authority consent jointly",
        date(2018, 6, 22),
    ),
    gdpr("DE", 16, DEFAULT, GDPR_DAY),
    gdpr("GR", 15, "Law 4624/2019, Art. 21(1)", date(2019, 8, 29)),
    gdpr("HU", 16, DEFAULT, GDPR_DAY),
    gdpr("IE", 16, "Data Protection Act 2018, s. 31", GDPR_DAY),
    gdpr(
        "IT",
        14,
        "Codice in materia di protezione dei dati personali (D.Lgs. 196/2003 as amended by D.Lgs. 101/2018), Art. 2-quinquies",
        date(2018, 9, 19),
    ),
    gdpr(
        "LV",
        13,
        "Personal Data Processing Law, s. 33",
        date(2018, 7, 5),
    ),
    gdpr(
        "LT",
        14,
        "Law on the Legal Protection of Personal Data (XIII-1426), Art. 6",
        date(2018, 7, 16),
    ),
    gdpr("LU", 16, DEFAULT, GDPR_DAY),
    gdpr(
        "MT",
        13,
        "Processing of Child's Personal Data in relation to the Offer of Information Society Services Regulations, 2018 (S.L. 586.11)",
        date(2018, 5, 28),
    ),
    gdpr("NL", 16, "Uitvoeringswet AVG, Art. 5", GDPR_DAY),
    gdpr("PL", 16, DEFAULT, GDPR_DAY),
    gdpr("PT", 13, "Lei n.º 58/2019, Art. 16", date(2019, 8, 9)),
    gdpr("RO", 16, DEFAULT, GDPR_DAY),
    gdpr(
        "SK",
        16,
        "Act No. 18/2018 Coll. on personal data protection, s. 15",
        GDPR_DAY,
    ),
    gdpr(
        "SI",
        15,
        "Zakon o varstvu osebnih podatkov (ZVOP-2), Art. 8",
        date(2023, 1, 26),
    ),
    gdpr(
        "ES",
        14,
        "Ley Orgánica 3/2018 (LOPDGDD), Art. 7",
        date(2018, 12, 7),
    ),
    gdpr(
        "SE",
        13,
        "Lag (2018:218) med kompletterande bestämmelser till EU:s dataskyddsförordning, ch. 2 s. 4",
        GDPR_DAY,
    ),
    gdpr(
        "IS",
        13,
        "Act No. 90/2018 on Data Protection, Art. 10",
        date(2018, 7, 15),
    ),
    gdpr("LI", 16, DEFAULT, EEA_DAY),
    gdpr(
        "NO",
        13,
        "Personopplysningsloven (LOV-2018-06-15-38) § 5",
        EEA_DAY,
    ),
    ConsentAge {
        jurisdiction: "GB",
        age: 13,
        scope: ChildScope::Consent,
        law: Law::UkGdpr,
        citation: "Data Protection Act 2018, s. 9; UK GDPR Art. 8(1)",
        effective: GDPR_DAY,
    },
    ConsentAge {
        jurisdiction: "US",
        age: 13,
        scope: ChildScope::Everything,
        law: Law::Coppa,
        citation: "15 U.S.C. §§ 6501(1), 6502(b)(1)(A)(ii); 16 CFR §§ 312.2, 312.5",
        effective: date(2000, 4, 21),
    },
];

/// The age of digital consent in `jurisdiction` on `on`: its country's
/// (`US-CA` takes the United States', `GB-SCT` the UK's), as the latest
/// provision in force that day sets it. In an EU or EEA country before its
/// own provision took effect, the GDPR's 16 applied. `None` where vow knows
/// no statutory age.
pub fn consent_age(jurisdiction: &str, on: NaiveDate) -> Option<ConsentAge> {
    let country = match jurisdiction {
        "UK" => "GB",
        j => j.split_once('-').map_or(j, |(country, _)| country),
    };
    let own = CONSENT_AGES
        .iter()
        .filter(|a| a.jurisdiction == country && a.effective <= on)
        .max_by_key(|a| a.effective);
    if let Some(a) = own {
        return Some(*a);
    }
    let code = EU_MEMBERS.iter().chain(EEA_ONLY).find(|c| **c == country)?;
    let from = if EEA_ONLY.contains(code) {
        EEA_DAY
    } else {
        GDPR_DAY
    };
    (from <= on).then_some(gdpr(code, 16, DEFAULT, from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_eu_and_eea_country_and_the_uk_has_an_age() {
        let on = date(2026, 1, 1);
        for country in EU_MEMBERS.iter().chain(EEA_ONLY).chain(&["GB"]) {
            let a = consent_age(country, on).unwrap_or_else(|| panic!("{country}"));
            assert!(
                CONSENT_AGES.iter().any(|r| r.jurisdiction == *country),
                "{country} has its own row"
            );
            assert!((13..=16).contains(&a.age), "{country}: {}", a.age);
        }
        assert_eq!(consent_age("FR", on).map(|a| a.age), Some(15));
        assert_eq!(consent_age("US-CA", on).map(|a| a.age), Some(13));
        assert_eq!(consent_age("UK", on).map(|a| a.age), Some(13));
        assert!(consent_age("JP", on).is_none());
    }

    #[test]
    fn an_age_applies_from_its_date() {
        // Slovenia kept the GDPR's 16 until ZVOP-2 set 15.
        assert_eq!(
            consent_age("SI", date(2022, 12, 31)).map(|a| a.age),
            Some(16)
        );
        assert_eq!(
            consent_age("SI", date(2023, 1, 26)).map(|a| a.age),
            Some(15)
        );
        // France's 15 from the law of 20 June 2018; the GDPR's 16 before.
        assert_eq!(consent_age("FR", date(2018, 6, 1)).map(|a| a.age), Some(16));
        assert!(consent_age("FR", date(2018, 5, 24)).is_none());
    }
}
