//! How often a person may exercise a right: the policy's [`RequestLimit`]
//! (`{count: 2, per: {rolling: 12 months}}`, `{count: 1, per: calendar_year}`)
//! against the person's earlier requests of the same kind.
//!
//! Which earlier requests count: those **open** (received, being verified
//! or worked on) and those **answered** (completed or partially
//! completed). Denied and withdrawn requests do not: the laws limit how
//! often the organisation must *provide* an answer (Cal. Civ. Code
//! § 1798.130(b): "more than twice in a 12-month period"), a denied request
//! provided none, and counting refusals would let the refusal of a third
//! request push the next possible date further away. Open requests count so
//! that three requests sent at once are not all taken.
//!
//! A rolling window counts back from the new request: a request received at
//! `t` counts until `t` plus the window (same time of day). A calendar year
//! is the UTC year of the new request.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use vow_policy::{LimitWindow, RequestLimit};

use super::Grant;

/// An earlier request of the same kind from the same person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Earlier {
    pub received: DateTime<Utc>,
    pub outcome: Outcome,
}

/// Where an earlier request stands, as far as limits care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Received and not yet answered.
    Open,
    /// Completed, or partially completed.
    Answered,
    Denied,
    Withdrawn,
}

impl Outcome {
    /// Whether a request with this outcome counts against a limit.
    pub fn counts(self) -> bool {
        matches!(self, Outcome::Open | Outcome::Answered)
    }
}

/// A request over the limit: refused, with the date it becomes possible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{}", self.explain())]
pub struct LimitReached {
    /// The first instant a new request would be within the limit.
    pub next_possible: DateTime<Utc>,
    pub count: u32,
    pub per: LimitWindow,
    /// When the requests that count were received, oldest first.
    pub counted: Vec<DateTime<Utc>>,
}

impl LimitReached {
    /// The limit in words: "2 requests per 12 months".
    pub fn limit(&self) -> String {
        describe(&RequestLimit {
            count: self.count,
            per: self.per.clone(),
        })
    }

    fn explain(&self) -> String {
        let dates: Vec<String> = self
            .counted
            .iter()
            .map(|t| t.format("%Y-%m-%d").to_string())
            .collect();
        format!(
            "at most {}; {} counted ({}); the next request is possible from {}",
            self.limit(),
            self.counted.len(),
            dates.join(", "),
            self.next_possible.format("%Y-%m-%d %H:%M UTC"),
        )
    }
}

/// A limit in words: "2 requests per 12 months", "1 request per calendar year".
pub fn describe(limit: &RequestLimit) -> String {
    let noun = if limit.count == 1 {
        "request"
    } else {
        "requests"
    };
    match &limit.per {
        LimitWindow::Rolling(window) => format!("{} {noun} per {window}", limit.count),
        LimitWindow::CalendarYear => format!("{} {noun} per calendar year", limit.count),
    }
}

/// Whether a new request at `at` is within `limit`, given the earlier ones.
pub fn check(
    limit: &RequestLimit,
    earlier: &[Earlier],
    at: DateTime<Utc>,
) -> Result<(), LimitReached> {
    let mut counted: Vec<DateTime<Utc>> = earlier
        .iter()
        .filter(|e| e.outcome.counts() && e.received <= at)
        .map(|e| e.received)
        .collect();
    counted.sort();
    let count = limit.count as usize;
    let (counted, next_possible) = match &limit.per {
        LimitWindow::Rolling(window) => {
            // (received, the instant it stops counting), for those still counting at `at`.
            let live: Vec<(DateTime<Utc>, DateTime<Utc>)> = counted
                .into_iter()
                .map(|t| (t, super::deadline::after(t, window, None, &[])))
                .filter(|&(_, end)| end > at)
                .collect();
            if live.len() < count {
                return Ok(());
            }
            let mut ends: Vec<DateTime<Utc>> = live.iter().map(|&(_, end)| end).collect();
            ends.sort();
            // Once `len - count + 1` of them have stopped counting, one more fits.
            let next = ends[live.len() - count];
            (live.into_iter().map(|(t, _)| t).collect(), next)
        }
        LimitWindow::CalendarYear => {
            let this_year: Vec<DateTime<Utc>> = counted
                .into_iter()
                .filter(|t| t.year() == at.year())
                .collect();
            if this_year.len() < count {
                return Ok(());
            }
            let next = Utc
                .with_ymd_and_hms(at.year() + 1, 1, 1, 0, 0, 0)
                .single()
                .unwrap_or(DateTime::<Utc>::MAX_UTC);
            (this_year, next)
        }
    };
    Err(LimitReached {
        next_possible,
        count: limit.count,
        per: limit.per.clone(),
        counted,
    })
}

/// Whether a new request under `grant` is within the policy's limits: it is
/// refused only when every right that applies sets a limit and each is
/// reached; the date given is then the earliest any of them allows.
pub fn check_grant(
    grant: &Grant<'_>,
    earlier: &[Earlier],
    at: DateTime<Utc>,
) -> Result<(), LimitReached> {
    let mut refusals = Vec::new();
    for right in &grant.rights {
        let Some(limit) = &right.limit else {
            return Ok(());
        };
        match check(limit, earlier, at) {
            Ok(()) => return Ok(()),
            Err(reached) => refusals.push(reached),
        }
    }
    Err(refusals
        .into_iter()
        .min_by_key(|r| r.next_possible)
        .expect("a grant holds at least one right"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{RequestKind, grant, tests::example};
    use chrono::TimeDelta;

    fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 9, 30, 0).unwrap()
    }

    fn answered(t: DateTime<Utc>) -> Earlier {
        Earlier {
            received: t,
            outcome: Outcome::Answered,
        }
    }

    #[test]
    fn kids_15_a_third_right_to_know_within_12_months_is_refused_with_the_date() {
        // promise: KIDS-15
        let kids = example("kids-coding-franchise");
        let g = grant(
            &kids,
            &RequestKind::RightToKnow,
            "US-CA",
            crate::request::tests::on(),
        )
        .unwrap();
        let earlier = [answered(utc(2026, 1, 10)), answered(utc(2026, 3, 3))];
        let reached = check_grant(&g, &earlier, utc(2026, 6, 1)).unwrap_err();
        assert_eq!(reached.next_possible, utc(2027, 1, 10));
        assert_eq!(
            reached.to_string(),
            "at most 2 requests per 12 months; 2 counted (2026-01-10, 2026-03-03); \
             the next request is possible from 2027-01-10 09:30 UTC"
        );
        // On that date it is possible.
        assert!(check_grant(&g, &earlier, reached.next_possible).is_ok());
        assert!(check_grant(&g, &earlier, reached.next_possible - TimeDelta::seconds(1)).is_err());
    }

    #[test]
    fn denied_and_withdrawn_requests_do_not_count_open_ones_do() {
        // promise: KIDS-15
        let kids = example("kids-coding-franchise");
        let g = grant(
            &kids,
            &RequestKind::RightToKnow,
            "US-CA",
            crate::request::tests::on(),
        )
        .unwrap();
        let at = utc(2026, 6, 1);
        let with = |outcome| Earlier {
            received: utc(2026, 2, 1),
            outcome,
        };
        let first = answered(utc(2026, 1, 10));
        for outcome in [Outcome::Denied, Outcome::Withdrawn] {
            assert!(check_grant(&g, &[first, with(outcome)], at).is_ok());
        }
        assert!(check_grant(&g, &[first, with(Outcome::Open)], at).is_err());
    }

    #[test]
    fn kids_18_shine_the_light_once_per_calendar_year() {
        // promise: KIDS-18
        let kids = example("kids-coding-franchise");
        let g = grant(
            &kids,
            &RequestKind::ShineTheLight,
            "US-CA",
            crate::request::tests::on(),
        )
        .unwrap();
        let earlier = [answered(utc(2026, 12, 30))];
        let reached = check_grant(&g, &earlier, utc(2026, 12, 31)).unwrap_err();
        assert_eq!(
            reached.next_possible,
            Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap()
        );
        assert_eq!(reached.limit(), "1 request per calendar year");
        assert!(check_grant(&g, &earlier, utc(2027, 1, 1)).is_ok());
    }

    #[test]
    fn a_right_without_a_limit_is_never_refused() {
        let kids = example("kids-coding-franchise");
        let g = grant(
            &kids,
            &RequestKind::Access,
            "GB",
            crate::request::tests::on(),
        )
        .unwrap();
        let many: Vec<Earlier> = (1..=20).map(|d| answered(utc(2026, 1, d))).collect();
        assert!(check_grant(&g, &many, utc(2026, 1, 21)).is_ok());
    }

    #[test]
    fn the_next_date_waits_for_enough_requests_to_leave_the_window() {
        let limit = RequestLimit {
            count: 2,
            per: LimitWindow::Rolling("12 months".parse().unwrap()),
        };
        // Three counted (one still open): two must leave before a fourth fits.
        let earlier = [
            answered(utc(2026, 1, 1)),
            answered(utc(2026, 2, 1)),
            Earlier {
                received: utc(2026, 3, 1),
                outcome: Outcome::Open,
            },
        ];
        let reached = check(&limit, &earlier, utc(2026, 4, 1)).unwrap_err();
        assert_eq!(reached.next_possible, utc(2027, 2, 1));
        // A request received after `at` is not earlier.
        assert!(check(&limit, &earlier[..1], utc(2025, 12, 1)).is_ok());
    }
}
