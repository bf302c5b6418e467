//! Durations as people write them in a policy: `session`, `30 minutes`,
//! `12 months`, `7 business days`, `2 years`.
//!
//! A [`Duration`] is parsed once, at the edge; everything inside works with
//! the typed value. Calendar units (months, years) are kept as written so
//! that date arithmetic is exact; [`Duration::approx_seconds`] exists only
//! for ordering ("is this longer than 13 months?").

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The unit of a [`Duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    Minutes,
    Hours,
    Days,
    /// Monday to Friday; weekends (and declared holidays) are skipped.
    BusinessDays,
    Weeks,
    Months,
    Years,
}

impl Unit {
    fn singular(self) -> &'static str {
        match self {
            Unit::Minutes => "minute",
            Unit::Hours => "hour",
            Unit::Days => "day",
            Unit::BusinessDays => "business day",
            Unit::Weeks => "week",
            Unit::Months => "month",
            Unit::Years => "year",
        }
    }

    /// Approximate length in seconds, for ordering only.
    fn approx_seconds(self) -> u64 {
        match self {
            Unit::Minutes => 60,
            Unit::Hours => 3_600,
            Unit::Days => 86_400,
            // Five business days take a week of calendar time.
            Unit::BusinessDays => 86_400 * 7 / 5,
            Unit::Weeks => 7 * 86_400,
            Unit::Months => 2_629_746, // 365.2425 days / 12
            Unit::Years => 31_556_952,
        }
    }
}

/// A length of time written as in a policy document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Duration {
    /// Until the browser session (or the visit) ends.
    Session,
    /// A fixed span: `count` units.
    Span { count: u32, unit: Unit },
}

/// The regular expression that a duration string must match; shared with
/// the JSON Schema so that editors flag a bad duration as the user types.
pub const DURATION_PATTERN: &str = r"^(session|(0|[1-9][0-9]{0,5}) +(minute|minutes|min|hour|hours|h|day|days|d|business day|business days|week|weeks|month|months|year|years))$";

impl Duration {
    pub const fn span(count: u32, unit: Unit) -> Self {
        Duration::Span { count, unit }
    }

    pub fn days(count: u32) -> Self {
        Duration::span(count, Unit::Days)
    }

    pub fn months(count: u32) -> Self {
        Duration::span(count, Unit::Months)
    }

    pub fn is_session(&self) -> bool {
        matches!(self, Duration::Session)
    }

    /// Approximate length in seconds, for comparisons only. A session counts
    /// as zero: it ends when the browser closes.
    pub fn approx_seconds(&self) -> u64 {
        match *self {
            Duration::Session => 0,
            Duration::Span { count, unit } => u64::from(count) * unit.approx_seconds(),
        }
    }

    /// Whether this duration is strictly longer than `other`, comparing
    /// calendar units exactly where both use the same unit.
    pub fn longer_than(&self, other: &Duration) -> bool {
        match (self, other) {
            (Duration::Span { count: a, unit: ua }, Duration::Span { count: b, unit: ub })
                if ua == ub =>
            {
                a > b
            }
            _ => self.approx_seconds() > other.approx_seconds(),
        }
    }

    /// The date this duration after `start` falls on. Business days skip
    /// Saturdays, Sundays and any date in `holidays`. Sub-day units round
    /// up to the next day when they do not fit exactly.
    pub fn after(&self, start: NaiveDate, holidays: &[NaiveDate]) -> NaiveDate {
        match *self {
            Duration::Session => start,
            Duration::Span { count, unit } => match unit {
                Unit::Minutes => start + Days::new(u64::from(count).div_ceil(24 * 60)),
                Unit::Hours => start + Days::new(u64::from(count).div_ceil(24)),
                Unit::Days => start + Days::new(u64::from(count)),
                Unit::Weeks => start + Days::new(7 * u64::from(count)),
                Unit::Months => start
                    .checked_add_months(Months::new(count))
                    .unwrap_or(NaiveDate::MAX),
                Unit::Years => start
                    .checked_add_months(Months::new(count.saturating_mul(12)))
                    .unwrap_or(NaiveDate::MAX),
                Unit::BusinessDays => add_business_days(start, count, holidays),
            },
        }
    }
}

impl Duration {
    /// The first day a change may take effect after a notice of this
    /// length published on `published`: the notice runs for whole days
    /// after the day of publication — which is never counted, however
    /// early it was posted — and the change applies from the day after
    /// the last of them. Seven business days' notice published on Tuesday
    /// 1 December runs Wednesday 2 to Thursday 10 (weekends and `holidays`
    /// skipped): the change applies on Friday 11. The day it applies may
    /// itself be a weekend or a holiday. A `session` notice is no notice:
    /// the day of publication.
    pub fn notice_ends(&self, published: NaiveDate, holidays: &[NaiveDate]) -> NaiveDate {
        match self {
            Duration::Session => published,
            Duration::Span { .. } => self
                .after(published, holidays)
                .succ_opt()
                .unwrap_or(NaiveDate::MAX),
        }
    }
}

/// `start` plus `count` business days: the first day counted is the one
/// after `start`; weekends and holidays are not counted.
pub fn add_business_days(start: NaiveDate, count: u32, holidays: &[NaiveDate]) -> NaiveDate {
    let mut day = start;
    let mut left = count;
    while left > 0 {
        day = match day.succ_opt() {
            Some(next) => next,
            None => return NaiveDate::MAX,
        };
        if is_business_day(day, holidays) {
            left -= 1;
        }
    }
    day
}

/// Monday to Friday and not a declared holiday.
pub fn is_business_day(day: NaiveDate, holidays: &[NaiveDate]) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&day)
}

/// Why a duration string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a duration: write `session` or a number and a unit, such as `30 minutes`, `24 hours`, `7 business days`, `12 months` or `2 years`"
)]
pub struct DurationError {
    pub input: String,
}

impl FromStr for Duration {
    type Err = DurationError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let err = || DurationError {
            input: input.to_owned(),
        };
        let text = input.trim().to_ascii_lowercase();
        if text == "session" {
            return Ok(Duration::Session);
        }
        let (number, unit) = text.split_once(' ').ok_or_else(err)?;
        let count: u32 = number.parse().map_err(|_| err())?;
        let unit = match unit.trim() {
            "minute" | "minutes" | "min" => Unit::Minutes,
            "hour" | "hours" | "h" => Unit::Hours,
            "day" | "days" | "d" => Unit::Days,
            "business day" | "business days" => Unit::BusinessDays,
            "week" | "weeks" => Unit::Weeks,
            "month" | "months" => Unit::Months,
            "year" | "years" => Unit::Years,
            _ => return Err(err()),
        };
        Ok(Duration::Span { count, unit })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Duration::Session => f.write_str("session"),
            Duration::Span { count, unit } => {
                let plural = if count == 1 { "" } else { "s" };
                write!(f, "{count} {}{plural}", unit.singular())
            }
        }
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": DURATION_PATTERN,
            "description": "`session`, or a count and a unit: `30 minutes`, `24 hours`, `30 days`, `7 business days`, `3 months`, `2 years`.",
            "examples": ["session", "30 minutes", "12 months", "7 business days"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Duration {
        s.parse().expect("valid duration")
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("valid date")
    }

    #[test]
    fn parses_the_durations_of_the_shop_cookie_table() {
        // promise: SHOP-05 — session, 30 minutes, 1 minute, 3 months, 12 months, 24 hours, 2 years
        for (text, shown) in [
            ("Session", "session"),
            ("30 minutes", "30 minutes"),
            ("1 minute", "1 minute"),
            ("3 months", "3 months"),
            ("12 months", "12 months"),
            ("24 hours", "24 hours"),
            ("2 years", "2 years"),
            ("7 business days", "7 business days"),
        ] {
            assert_eq!(d(text).to_string(), shown);
        }
    }

    #[test]
    fn refuses_what_is_not_a_duration() {
        for bad in [
            "",
            "soon",
            "12",
            "months 12",
            "-1 days",
            "3 fortnights",
            "1.5 hours",
        ] {
            assert!(bad.parse::<Duration>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn the_pattern_accepts_what_the_parser_accepts() {
        let re = DURATION_PATTERN;
        for ok in ["session", "30 minutes", "7 business days", "2 years", "1 h"] {
            assert!(ok.parse::<Duration>().is_ok());
            assert!(simple_match(re, ok), "{ok}");
        }
    }

    // The schema pattern is checked by jsonschema in the loader; here we only
    // need to know the alternatives listed in it are the parser's own.
    fn simple_match(pattern: &str, input: &str) -> bool {
        let unit = input.split_once(' ').map(|(_, u)| u).unwrap_or(input);
        pattern.contains(unit)
    }

    #[test]
    fn orders_mixed_units() {
        assert!(d("2 years").longer_than(&d("13 months")));
        assert!(!d("12 months").longer_than(&d("13 months")));
        assert!(d("14 months").longer_than(&d("13 months")));
        assert!(d("400 days").longer_than(&d("13 months")));
        assert!(!d("session").longer_than(&d("1 minute")));
    }

    #[test]
    fn business_days_skip_weekends() {
        // promise: EDU-15 — 7 business days after Tuesday 1 December 2026 is Thursday 10 December.
        assert_eq!(
            d("7 business days").after(date("2026-12-01"), &[]),
            date("2026-12-10")
        );
        // Friday + 1 business day is Monday.
        assert_eq!(
            d("1 business day").after(date("2026-12-04"), &[]),
            date("2026-12-07")
        );
        // A holiday is skipped too.
        assert_eq!(
            d("1 business day").after(date("2026-12-24"), &[date("2026-12-25")]),
            date("2026-12-28")
        );
    }

    #[test]
    fn a_notice_applies_the_day_after_its_last_full_day() {
        // promise: EDU-15 — published Tuesday 1 December, 7 business days:
        // 2, 3, 4, 7, 8, 9, 10 December; the change applies on Friday 11.
        let seven = d("7 business days");
        assert_eq!(
            seven.notice_ends(date("2026-12-01"), &[]),
            date("2026-12-11")
        );
        // The publication day is never counted, even a Monday morning.
        assert_eq!(
            seven.notice_ends(date("2026-11-30"), &[]),
            date("2026-12-10")
        );
        // Published on a Saturday: counting starts on Monday.
        assert_eq!(
            seven.notice_ends(date("2026-12-05"), &[]),
            date("2026-12-16")
        );
        // The last full day is a Friday: the change applies on Saturday.
        assert_eq!(
            seven.notice_ends(date("2026-12-02"), &[]),
            date("2026-12-12")
        );
        // A holiday inside the notice is not one of its days.
        assert_eq!(
            d("1 business day").notice_ends(date("2026-12-24"), &[date("2026-12-25")]),
            date("2026-12-29")
        );
        // Calendar units count whole days after publication the same way.
        assert_eq!(
            d("30 days").notice_ends(date("2026-12-01"), &[]),
            date("2027-01-01")
        );
        assert_eq!(
            d("session").notice_ends(date("2026-12-01"), &[]),
            date("2026-12-01")
        );
    }

    #[test]
    fn calendar_arithmetic() {
        assert_eq!(
            d("1 month").after(date("2026-01-31"), &[]),
            date("2026-02-28")
        );
        assert_eq!(
            d("2 years").after(date("2024-02-29"), &[]),
            date("2026-02-28")
        );
        assert_eq!(
            d("24 hours").after(date("2026-01-01"), &[]),
            date("2026-01-02")
        );
    }
}
