//! Local wall time to instant, with the *compatible* rule of RFC 5545, Temporal and jiff: a time
//! in a spring-forward gap moves forward by the length of the gap (02:30 becomes 03:30), and an
//! ambiguous time in a fall-back fold takes the earlier of its two instants.
//! Why this rule: docs/semantics.md, "Daylight saving time".

use chrono::{MappedLocalTime, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

use crate::time::{SECOND_US, naive_date_us};

/// Offset of `tz` at the UTC instant `us`, in microseconds.
pub(crate) fn offset_at(tz: Tz, us: i64) -> i64 {
    let secs = us.div_euclid(SECOND_US);
    match chrono::DateTime::from_timestamp(secs, 0) {
        Some(t) => {
            i64::from(
                tz.offset_from_utc_datetime(&t.naive_utc())
                    .fix()
                    .local_minus_utc(),
            ) * SECOND_US
        }
        None => 0,
    }
}

/// The instant, in microseconds since the epoch, of a local wall time given as a date at
/// local midnight plus seconds (which may pass midnight for overnight intervals).
pub(crate) fn local_to_utc(tz: Tz, date: chrono::NaiveDate, seconds: u32) -> i64 {
    let naive_us = naive_date_us(date) + i64::from(seconds) * SECOND_US;
    let naive = match chrono::DateTime::from_timestamp_micros(naive_us) {
        Some(t) => t.naive_utc(),
        None => return naive_us,
    };
    resolve(tz, naive, naive_us)
}

fn resolve(tz: Tz, naive: NaiveDateTime, naive_us: i64) -> i64 {
    match tz.from_local_datetime(&naive) {
        MappedLocalTime::Single(t) => t.timestamp_micros(),
        MappedLocalTime::Ambiguous(earlier, _) => earlier.timestamp_micros(),
        MappedLocalTime::None => {
            // In a gap: read the wall time with the offset in force just before the transition.
            // The two offsets around the gap are found by probing; the earlier (smaller) one is the
            // offset before a gap.
            let o1 = offset_at(tz, naive_us);
            let o2 = offset_at(tz, naive_us - o1);
            let after = o1.max(o2);
            let before = offset_at(tz, naive_us - after - SECOND_US);
            let before = if before < after { before } else { o1.min(o2) };
            naive_us - before
        }
    }
}
