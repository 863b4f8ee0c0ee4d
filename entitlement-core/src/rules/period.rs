//! Periods of quotas and the instants that bound them in an entitlement's zone.

use chrono::{Datelike, Months, NaiveDate};
use chrono_tz::Tz;

use super::model::{Entitlement, Period};

/// The first instant of `date` in `tz` (microseconds since the epoch).
pub(crate) fn midnight(tz: Tz, date: NaiveDate) -> i64 {
    crate::calendar::zone::local_to_utc(tz, date, 0)
}

/// The first and last day of the period that contains `day`.
pub(crate) fn period_bounds(
    period: Period,
    day: NaiveDate,
    e: &Entitlement,
) -> (NaiveDate, NaiveDate) {
    let first_of = |month0: u32| NaiveDate::from_ymd_opt(day.year(), month0 + 1, 1).unwrap_or(day);
    let (start, months) = match period {
        Period::Month => (first_of(day.month0()), 1),
        Period::Quarter => (first_of(day.month0() / 3 * 3), 3),
        Period::Year => (first_of(0), 12),
        Period::Term => {
            return (e.start_date.unwrap_or(day), e.end_date.unwrap_or(day));
        }
    };
    let end = start
        .checked_add_months(Months::new(months))
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX);
    // Keep the dates inside the supported years 1 to 9999 (a zone ahead of UTC can put the
    // last instant's local date in year 10000).
    let (first, last) = (
        NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX),
    );
    (start.clamp(first, last), end.clamp(first, last))
}
