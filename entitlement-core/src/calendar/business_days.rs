//! Business days (`5bd`): a count of the calendar's dates, not a length of business time.
//! The meaning, its edge cases and how the peers differ: `docs/semantics.md`, "Business days".
//!
//! `n` business days after `t`: the clock starts at `s = next_open(t)`; the deadline is the same
//! local wall-clock time as `s` on the `n`-th business day after the local date of `s` (a
//! business day is a local date on which the calendar is open at some moment), measured as the
//! business time from `t` to that wall time and reported, like every target, as the earliest
//! instant that reaches it (so a deadline before that day's opening is the close before it).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::{Calendar, Kind, zone};
use crate::error::{Error, Result};
use crate::time::{DAY_US, SECOND_US, check_instant, civil_from_days, from_us, to_us};

/// The most business days one target or one [`Calendar::add_business_days`] may count (about
/// 38 years of weekdays): the count is walked date by date, so it is bounded.
///
/// ```
/// use entitlement_core::calendar::MAX_BUSINESS_DAYS;
/// let e = entitlement_core::Calendar::always_open().add_business_days_micros(0, MAX_BUSINESS_DAYS + 1);
/// let e = e.unwrap_err();
/// assert_eq!((e.code(), e.kind()), ("invalid_value", entitlement_core::ErrorKind::Input));
/// ```
pub const MAX_BUSINESS_DAYS: u32 = 10_000;

/// The local date and the time of day (µs since local midnight) of the instant `us` in `tz`.
fn local(tz: Tz, us: i64) -> Option<(NaiveDate, i64)> {
    let wall = us + zone::offset_at(tz, us);
    let (y, m, d) = civil_from_days(wall.div_euclid(DAY_US));
    Some((NaiveDate::from_ymd_opt(y, m, d)?, wall.rem_euclid(DAY_US)))
}

/// The instant of the local wall time `time_of_day` (µs) on `date`, by the compatible rule.
fn instant(tz: Tz, date: NaiveDate, time_of_day: i64) -> i64 {
    let seconds = u32::try_from(time_of_day / SECOND_US).unwrap_or(0);
    zone::local_to_utc(tz, date, seconds) + time_of_day % SECOND_US
}

impl Calendar {
    /// The zone whose local dates are the calendar's days: its own, else UTC (the always-open
    /// calendar and unions, which have no single zone).
    fn day_zone(&self) -> Tz {
        match &self.inner.kind {
            Kind::Zoned(z) => z.tz,
            Kind::AlwaysOpen | Kind::Union(_) => Tz::UTC,
        }
    }

    /// The business time from `t` to the deadline `days` business days after it
    /// (`docs/semantics.md`, "Business days"). `add_micros(t, result)` is the deadline.
    ///
    /// ```
    /// let cal = entitlement_core::Calendar::always_open();
    /// assert_eq!(cal.business_days_micros(5, 2).unwrap(), 2 * 86_400_000_000);
    /// ```
    pub fn business_days_micros(&self, t: i64, days: u32) -> Result<i64> {
        check_instant(t, "add_business_days: the start")?;
        if days > MAX_BUSINESS_DAYS {
            return Err(Error::InvalidValue {
                path: "add_business_days: the days".into(),
                reason: format!(
                    "{days} business days; at most {MAX_BUSINESS_DAYS} are counted (about 38 years)"
                ),
            }
            .in_argument());
        }
        let start = self.next_open_micros(t)?;
        if days == 0 {
            return self.elapsed_micros(t, start);
        }
        let tz = self.day_zone();
        let out_of_range = || Error::OutOfRange {
            what: format!("add_business_days: {days} business days after the start"),
        };
        let (mut date, time_of_day) = local(tz, start).ok_or_else(out_of_range)?;
        for _ in 0..days {
            let next = date.succ_opt().ok_or_else(out_of_range)?;
            let opening = self.next_open_micros(zone::local_to_utc(tz, next, 0))?;
            let (day, _) = local(tz, opening).ok_or_else(out_of_range)?;
            // A midnight in a fold or gap must not count the same date twice.
            date = day.max(next);
        }
        let deadline = instant(tz, date, time_of_day);
        check_instant(deadline, "add_business_days: the deadline")?;
        self.elapsed_micros(t, deadline)
    }

    /// `add_business_days` in microseconds.
    ///
    /// ```
    /// let cal = entitlement_core::Calendar::always_open();
    /// assert_eq!(cal.add_business_days_micros(7, 1).unwrap(), 7 + 86_400_000_000);
    /// ```
    pub fn add_business_days_micros(&self, t: i64, days: u32) -> Result<i64> {
        let span = self.business_days_micros(t, days)?;
        self.add_micros(t, span)
    }

    /// The deadline `days` business days after `t` (`5bd` in a target): the same wall-clock
    /// time as the first open instant at or after `t`, on the `days`-th date after it on which
    /// the calendar is open, as the earliest instant with that much business time (a deadline
    /// at or before that day's opening is the close of the business day before it; one after
    /// that day's close is its close). `docs/semantics.md`, "Business days", has the edge cases.
    ///
    /// ```
    /// use chrono::DateTime;
    /// let cal = entitlement_core::Calendar::from_yaml(r#"
    /// time_zone: America/New_York
    /// hours: { mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"],
    ///          thu: ["09:00-17:00"], fri: ["09:00-17:00"] }
    /// holidays: [ { name: Thanksgiving, date: 2026-11-26 } ]
    /// "#)?;
    /// let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
    /// // Tuesday 13:00 + 3 business days: Wednesday, Friday (Thursday is a holiday), Monday.
    /// assert_eq!(cal.add_business_days(at("2026-11-24T13:00:00-05:00"), 3)?, at("2026-11-30T13:00:00-05:00"));
    /// // A start after hours counts from the next opening: due at the close of the second day.
    /// assert_eq!(cal.add_business_days(at("2026-11-23T18:00:00-05:00"), 2)?, at("2026-11-25T17:00:00-05:00"));
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn add_business_days(&self, t: DateTime<Utc>, days: u32) -> Result<DateTime<Utc>> {
        from_us(self.add_business_days_micros(to_us(t), days)?)
    }
}
