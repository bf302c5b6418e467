//! US states whose law obliges a business to treat a universal opt-out
//! signal, such as the browser's Global Privacy Control, as the person's
//! request to opt out — of sale, of sharing for cross-context advertising,
//! of targeted advertising — and from when.
//!
//! The engine honours the signal for a person in one of these states from
//! the date the duty took effect there, whatever the policy says; a policy
//! may honour it in more places (`signals.global_privacy_control`).

use chrono::NaiveDate;
use serde::Serialize;

use super::date;
use crate::model::PurposeTag;

/// A browser signal the law recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// Global Privacy Control (`Sec-GPC: 1`, `navigator.globalPrivacyControl`).
    GlobalPrivacyControl,
}

/// One state's duty to honour an opt-out signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OptOutSignal {
    /// `US-CA`, `US-CO`...
    pub jurisdiction: &'static str,
    /// The law, as people name it.
    pub law: &'static str,
    pub signals: &'static [Signal],
    /// What the signal opts the person out of (purposes so tagged).
    pub opts_out_of: &'static [PurposeTag],
    pub citation: &'static str,
    /// The day the duty to honour the signal took effect.
    pub effective: NaiveDate,
}

use PurposeTag::{Sale, Sharing, TargetedAdvertising};

const GPC: &[Signal] = &[Signal::GlobalPrivacyControl];
const SALE_AND_ADS: &[PurposeTag] = &[Sale, TargetedAdvertising];

const fn state(
    jurisdiction: &'static str,
    law: &'static str,
    citation: &'static str,
    effective: NaiveDate,
) -> OptOutSignal {
    OptOutSignal {
        jurisdiction,
        law,
        signals: GPC,
        opts_out_of: SALE_AND_ADS,
        citation,
        effective,
    }
}

/// Every state with the duty, by date; a later row for a state replaces
/// an earlier one from its date.
pub const OPT_OUT_SIGNALS: &[OptOutSignal] = &[
    OptOutSignal {
        jurisdiction: "US-CA",
        law: "California Consumer Privacy Act (CCPA)",
        signals: GPC,
        opts_out_of: &[Sale],
        citation: "11 CCR § 999.315(c) (user-enabled global privacy controls)",
        effective: date(2020, 8, 14),
    },
    OptOutSignal {
        jurisdiction: "US-CA",
        law: "California Consumer Privacy Act as amended by the CPRA",
        signals: GPC,
        // Sharing for cross-context behavioural advertising is targeted
        // advertising by another name.
        opts_out_of: &[Sale, Sharing, TargetedAdvertising],
        citation: "Cal. Civ. Code §§ 1798.120, 1798.135(b), (e); 11 CCR §§ 7025(b)-(c), 7026(a)(1)",
        effective: date(2023, 3, 29),
    },
    state(
        "US-CO",
        "Colorado Privacy Act",
        "C.R.S. § 6-1-1306(1)(a)(IV); 4 CCR 904-3, Rule 5",
        date(2024, 7, 1),
    ),
    state(
        "US-CT",
        "Connecticut Data Privacy Act",
        "Conn. Gen. Stat. § 42-520(e)(1)(A)(ii)",
        date(2025, 1, 1),
    ),
    state(
        "US-TX",
        "Texas Data Privacy and Security Act",
        "Tex. Bus. & Com. Code § 541.055(e)",
        date(2025, 1, 1),
    ),
    state(
        "US-MT",
        "Montana Consumer Data Privacy Act",
        "Mont. Code Ann. § 30-14-2809(3)(b)",
        date(2025, 1, 1),
    ),
    state(
        "US-NH",
        "New Hampshire privacy law",
        "N.H. Rev. Stat. Ann. ch. 507-H (RSA 507-H:6)",
        date(2025, 1, 1),
    ),
    state(
        "US-NE",
        "Nebraska Data Privacy Act",
        "Neb. Rev. Stat. § 87-1111",
        date(2025, 1, 1),
    ),
    state(
        "US-NJ",
        "New Jersey Data Privacy Act",
        "N.J. Stat. Ann. § 56:8-166.11(b)(1) (six months after the Act took effect on 15 January 2025)",
        date(2025, 7, 15),
    ),
    state(
        "US-MN",
        "Minnesota Consumer Data Privacy Act",
        "Minn. Stat. § 325M.14",
        date(2025, 7, 31),
    ),
    state(
        "US-MD",
        "Maryland Online Data Privacy Act",
        "Md. Code Ann., Com. Law §§ 14-4706, 14-4707",
        date(2025, 10, 1),
    ),
    state(
        "US-OR",
        "Oregon Consumer Privacy Act",
        "Or. Rev. Stat. § 646A.578",
        date(2026, 1, 1),
    ),
    state(
        "US-DE",
        "Delaware Personal Data Privacy Act",
        "Del. Code Ann. tit. 6, § 12D-106(e)",
        date(2026, 1, 1),
    ),
];

/// The duty to honour an opt-out signal for a person in `jurisdiction` on
/// `on`, if that state's law imposes one by then.
pub fn opt_out_signal(jurisdiction: &str, on: NaiveDate) -> Option<&'static OptOutSignal> {
    OPT_OUT_SIGNALS
        .iter()
        .filter(|s| s.jurisdiction == jurisdiction && s.effective <= on)
        .max_by_key(|s| s.effective)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_bind_from_their_date() {
        assert!(opt_out_signal("US-CO", date(2024, 6, 30)).is_none());
        assert!(opt_out_signal("US-CO", date(2024, 7, 1)).is_some());
        // California: sale from 2020, sharing too from the CPRA's rules.
        let sale_only = opt_out_signal("US-CA", date(2021, 1, 1)).expect("CCPA");
        assert!(!sale_only.opts_out_of.contains(&Sharing));
        let both = opt_out_signal("US-CA", date(2026, 1, 1)).expect("CPRA");
        assert!(both.opts_out_of.contains(&Sharing));
        // Virginia's law has no such duty.
        assert!(opt_out_signal("US-VA", date(2026, 1, 1)).is_none());
        assert!(opt_out_signal("US", date(2026, 1, 1)).is_none());
    }
}
