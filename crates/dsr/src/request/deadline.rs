//! When a request must be answered: the shorter of the law's time and the
//! policy's own promise, and how far the answer may be put off.
//!
//! Dates are counted as the winning [`Duration`] says (calendar days,
//! business days skipping weekends and the holidays given, or calendar
//! months), from the day of receipt, and the answer is due at the same time
//! of day as the request arrived (UTC): "30 days" is thirty whole days.
//! An extension is counted on from the first due date ("two further
//! months", GDPR Art. 12(3)). The policy's extension is part of its promise:
//! a right without `extension` promises its deadline and no later, whatever
//! the law would allow.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use vow_policy::duration::Unit;
use vow_policy::{Duration, Law, Policy, PromiseId, law};

use super::{Grant, NotGranted, RequestKind, grant, law_name, laws_in};

/// The time to answer one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub received: DateTime<Utc>,
    /// The answer is late after this instant.
    pub due: DateTime<Utc>,
    /// What sets `due`: the policy when its promise is as short as the law's or shorter.
    pub basis: Basis,
    /// How `due` was counted.
    pub counted_in: Counting,
    /// The latest an extension may move the answer to; `None`: no extension
    /// is available (the policy promises none, or the law allows none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_due: Option<DateTime<Utc>>,
    /// What sets `extended_due`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_basis: Option<Basis>,
    /// The policy's promise.
    pub promised: Promised,
    /// The law's time, when a law of the jurisdiction sets one for this right.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statutory: Option<Statutory>,
    /// When receipt must be confirmed, where a law of the jurisdiction says
    /// (the CCPA: within 10 business days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledge: Option<Acknowledge>,
}

/// A duty to confirm receipt of the request by a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledge {
    /// The confirmation is late after this instant.
    pub by: DateTime<Utc>,
    /// What it must tell the person.
    pub content: String,
    pub law: Law,
    pub citation: String,
}

/// The policy's promise for the right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promised {
    pub deadline: Duration,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<Duration>,
    /// The promise ids of the right(s) that set it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// The law's time for the right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statutory {
    pub law: Law,
    pub deadline: Duration,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<Duration>,
    pub citation: String,
}

/// What sets a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Basis {
    /// The organisation's own promise, shorter than the law's (or as short).
    Policy { promises: Vec<PromiseId> },
    /// The law, shorter than the policy's promise, or the law alone where
    /// the policy declares the right nowhere.
    Law { law: Law, citation: String },
    /// A law gives the right but sets no time, and the policy declares it
    /// nowhere: vow allows [`UNTIMED`](super::UNTIMED).
    Untimed { law: Law, citation: String },
}

impl std::fmt::Display for Basis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Basis::Policy { promises } if promises.is_empty() => f.write_str("the policy"),
            Basis::Policy { promises } => {
                let ids: Vec<&str> = promises.iter().map(PromiseId::as_str).collect();
                write!(f, "the policy ({})", ids.join(", "))
            }
            Basis::Law { law, citation } => write!(f, "the {} ({citation})", law_name(*law)),
            Basis::Untimed { law, citation } => write!(
                f,
                "vow's {} (the {} gives the right, {citation}, but sets no time)",
                super::UNTIMED,
                law_name(*law)
            ),
        }
    }
}

/// How a deadline is counted, as its [`Duration`] says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    /// A `session` deadline: due on receipt.
    Immediately,
    Minutes,
    Hours,
    CalendarDays,
    /// Monday to Friday, without the holidays given.
    BusinessDays,
    Weeks,
    /// Calendar months: the same day of the month, or the month's last day.
    Months,
    Years,
}

impl From<&Duration> for Counting {
    fn from(duration: &Duration) -> Self {
        match duration {
            Duration::Session => Counting::Immediately,
            Duration::Span { unit, .. } => match unit {
                Unit::Minutes => Counting::Minutes,
                Unit::Hours => Counting::Hours,
                Unit::Days => Counting::CalendarDays,
                Unit::BusinessDays => Counting::BusinessDays,
                Unit::Weeks => Counting::Weeks,
                Unit::Months => Counting::Months,
                Unit::Years => Counting::Years,
            },
        }
    }
}

/// Why no deadline can be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// The policy does not grant this request there: deny it with this reason.
    #[error(transparent)]
    NotGranted(#[from] NotGranted),
}

/// The deadline of a request of `kind` from a subject in `jurisdiction`,
/// received at `received`; `holidays` are skipped when counting business days.
pub fn due(
    policy: &Policy,
    kind: &RequestKind,
    jurisdiction: &str,
    received: DateTime<Utc>,
    holidays: &[NaiveDate],
) -> Result<Deadline, DeadlineError> {
    let grant = grant(policy, kind, jurisdiction, received.date_naive())?;
    Ok(due_for(
        &grant,
        &laws_in(policy, jurisdiction),
        received,
        holidays,
    ))
}

/// The deadline under the rights of `grant` and the `laws` of its jurisdiction.
pub fn due_for(
    grant: &Grant<'_>,
    laws: &[Law],
    received: DateTime<Utc>,
    holidays: &[NaiveDate],
) -> Deadline {
    let at = |d: &Duration| after(received, d, None, holidays);
    let total = |d: &Duration, ext: Option<&Duration>| after(received, d, ext, holidays);

    // The policy: each right that applies is a promise kept; the shortest wins.
    let policy_due = grant
        .rights
        .iter()
        .map(|r| at(&r.deadline))
        .min()
        .expect("a grant holds at least one right");
    let setting: Vec<_> = grant
        .rights
        .iter()
        .filter(|r| at(&r.deadline) == policy_due)
        .collect();
    let mut promises: Vec<PromiseId> = setting.iter().flat_map(|r| r.promises.clone()).collect();
    promises.sort();
    promises.dedup();
    let promised = Promised {
        deadline: setting[0].deadline,
        extension: setting[0].extension,
        promises,
    };
    let policy_total = grant
        .rights
        .iter()
        .map(|r| total(&r.deadline, r.extension.as_ref()))
        .min()
        .expect("a grant holds at least one right");

    // The law: the shortest time of any law that applies there.
    let right = grant.kind.right();
    let statutory = laws
        .iter()
        .filter_map(|&l| law::statutory_deadline(l, right))
        .min_by_key(|s| at(&s.deadline));
    let law_dates = statutory.map(|s| (at(&s.deadline), total(&s.deadline, s.extension.as_ref())));

    let policy_basis = || Basis::Policy {
        promises: promised.promises.clone(),
    };
    let law_basis = |s: &law::StatutoryDeadline| Basis::Law {
        law: s.law,
        citation: s.citation.to_owned(),
    };
    // A right the policy declares nowhere is the law's: its dates are the
    // law's too, or vow's own where the law sets none.
    let untimed = || match grant.by_law.first() {
        Some(by) if grant.from_law => Basis::Untimed {
            law: by.law,
            citation: by.citation.clone(),
        },
        _ => policy_basis(),
    };
    let (due, basis, counted_in) = match (statutory, law_dates) {
        (Some(s), Some((law_due, _)))
            if law_due < policy_due || (grant.from_law && law_due <= policy_due) =>
        {
            (law_due, law_basis(&s), Counting::from(&s.deadline))
        }
        _ => (policy_due, untimed(), Counting::from(&promised.deadline)),
    };
    let (latest, latest_basis) = match (statutory, law_dates) {
        (Some(s), Some((_, law_total)))
            if law_total < policy_total || (grant.from_law && law_total <= policy_total) =>
        {
            (law_total, law_basis(&s))
        }
        _ => (policy_total, untimed()),
    };
    let extensible = latest > due;
    let acknowledge =
        law::acknowledgement(laws, right, received.date_naive()).map(|a| Acknowledge {
            by: at(&a.within),
            content: a.content.to_owned(),
            law: a.law,
            citation: a.citation.to_owned(),
        });
    Deadline {
        received,
        due,
        basis,
        counted_in,
        extended_due: extensible.then_some(latest),
        extension_basis: extensible.then_some(latest_basis),
        promised,
        statutory: statutory.map(|s| Statutory {
            law: s.law,
            deadline: s.deadline,
            extension: s.extension,
            citation: s.citation.to_owned(),
        }),
        acknowledge,
    }
}

/// `duration` (then `extension`) after `start`, counted on dates and kept
/// at `start`'s time of day.
pub(crate) fn after(
    start: DateTime<Utc>,
    duration: &Duration,
    extension: Option<&Duration>,
    holidays: &[NaiveDate],
) -> DateTime<Utc> {
    let day = start.date_naive();
    let mut end = duration.after(day, holidays);
    if let Some(extension) = extension {
        end = extension.after(end, holidays);
    }
    start
        .checked_add_signed(end - day)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Whether an answer due at `due` is late at `now`.
pub fn overdue(due: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now > due
}

/// Whole days left before `due` at `now`: 0 on the last day, negative once
/// late (-1 within the first day late).
pub fn days_left(due: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (due - now)
        .num_seconds()
        .div_euclid(TimeDelta::days(1).num_seconds())
}

impl Deadline {
    /// Whether the first due date has passed at `now` (see
    /// [`super::Request::overdue`] for a request that may have been extended).
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        overdue(self.due, now)
    }

    pub fn days_left(&self, now: DateTime<Utc>) -> i64 {
        days_left(self.due, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::tests::example;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 9, 30, 0).unwrap()
    }

    #[test]
    fn edu_13_the_thirty_days_promised_apply_where_shorter_than_the_law() {
        // promise: EDU-13 — in the UK, 30 days is shorter than a month in a 31-day month.
        let edtech = example("edtech-classroom");
        let d = due(&edtech, &RequestKind::Access, "GB", utc(2026, 3, 2), &[]).unwrap();
        assert_eq!(d.due, utc(2026, 4, 1));
        assert_eq!(
            d.basis,
            Basis::Policy {
                promises: vec![PromiseId::parse("EDU-13").unwrap()]
            }
        );
        assert_eq!(d.counted_in, Counting::CalendarDays);
        // The policy promises no extension: none is available, whatever the law allows.
        assert_eq!(d.extended_due, None);
        assert_eq!(d.statutory.as_ref().map(|s| s.law), Some(Law::UkGdpr));
    }

    #[test]
    fn edu_13_the_law_applies_where_a_month_is_shorter_than_thirty_days() {
        // promise: EDU-13 — received 1 February: one month (1 March) comes before 30 days (3 March).
        let edtech = example("edtech-classroom");
        let d = due(&edtech, &RequestKind::Erasure, "GB", utc(2026, 2, 1), &[]).unwrap();
        assert_eq!(d.due, utc(2026, 3, 1));
        assert_eq!(d.counted_in, Counting::Months);
        assert_eq!(
            d.basis.to_string(),
            "the UK GDPR (UK GDPR Art. 12(3), Art. 12A)"
        );
    }

    #[test]
    fn gdpr_one_month_plus_two() {
        // promise: KIDS-14 — the policy promises the GDPR's month and two more.
        let kids = example("kids-coding-franchise");
        let d = due(
            &kids,
            &RequestKind::Restriction,
            "FR",
            utc(2026, 1, 31),
            &[],
        )
        .unwrap();
        assert_eq!(d.due, utc(2026, 2, 28));
        assert_eq!(d.extended_due, Some(utc(2026, 4, 28)));
        assert!(matches!(d.basis, Basis::Policy { .. }));
    }

    #[test]
    fn ccpa_45_plus_45_days() {
        // promise: KIDS-15
        let kids = example("kids-coding-franchise");
        let d = due(
            &kids,
            &RequestKind::RightToKnow,
            "US-CA",
            utc(2026, 1, 1),
            &[],
        )
        .unwrap();
        assert_eq!(d.due, utc(2026, 2, 15));
        assert_eq!(d.extended_due, Some(utc(2026, 4, 1)));
        assert_eq!(d.statutory.map(|s| s.law), Some(Law::Ccpa));
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        // A right counted in business days: 10 business days from Friday 18 December 2026,
        // with 25 December and 1 January off.
        let edtech = example("edtech-classroom");
        let mut policy = edtech.clone();
        policy
            .rights
            .retain(|r| r.right == vow_policy::RightKind::Access);
        policy.rights[0].deadline = "10 business days".parse().unwrap();
        let holidays = [
            NaiveDate::from_ymd_opt(2026, 12, 25).unwrap(),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        ];
        let d = due(
            &policy,
            &RequestKind::Access,
            "US",
            utc(2026, 12, 18),
            &holidays,
        )
        .unwrap();
        assert_eq!(d.due, utc(2027, 1, 5));
        assert_eq!(d.counted_in, Counting::BusinessDays);
    }

    #[test]
    fn days_left_counts_down_through_zero() {
        let due = utc(2026, 3, 10);
        assert_eq!(days_left(due, utc(2026, 3, 1)), 9);
        assert_eq!(days_left(due, due - TimeDelta::hours(1)), 0);
        assert!(!overdue(due, due));
        assert!(overdue(due, due + TimeDelta::seconds(1)));
        assert_eq!(days_left(due, due + TimeDelta::hours(1)), -1);
        assert_eq!(days_left(due, due + TimeDelta::days(2)), -2);
    }
}
