//! Every zone of the tz database, every transition 1970–2040: a 00:00–24:00 calendar counts
//! real time with no gap or overlap around the transition; a transition day's own length is that
//! of its local day under the compatible rule (23 h, 25 h, or any other shift); the laws hold on
//! a calendar with windows around the usual transition hours.

use chrono::{DateTime, NaiveDate, Offset, TimeZone};
use chrono_tz::{TZ_VARIANTS, Tz};
use entitlement_core::Calendar;
use serde_json::json;

use crate::common::{HOUR, MINUTE};

const DAY: i64 = 24 * HOUR;

fn offset_us(tz: Tz, us: i64) -> i64 {
    let t = DateTime::from_timestamp_micros(us).unwrap();
    i64::from(
        tz.offset_from_utc_datetime(&t.naive_utc())
            .fix()
            .local_minus_utc(),
    ) * 1_000_000
}

fn wall_us(tz: Tz, us: i64) -> i64 {
    us + offset_us(tz, us)
}

/// The transitions (UTC instants, to the second) of a zone between 1970 and 2040.
fn transitions(tz: Tz) -> Vec<i64> {
    let start = 0i64; // 1970-01-01
    let end = 2_209_075_200_000_000; // 2040-01-01
    let step = 6 * HOUR;
    let mut out = Vec::new();
    let mut t = start;
    let mut off = offset_us(tz, t);
    while t < end {
        let next = t + step;
        let o = offset_us(tz, next);
        if o != off {
            // Binary search the change to the second.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > 1_000_000 {
                let mid = lo + (hi - lo) / 2 / 1_000_000 * 1_000_000;
                let mid = if mid == lo { lo + 1_000_000 } else { mid };
                if offset_us(tz, mid) == off {
                    lo = mid
                } else {
                    hi = mid
                }
            }
            out.push(hi);
            off = o;
        }
        t = next;
    }
    out
}

fn local_date(tz: Tz, us: i64) -> NaiveDate {
    DateTime::from_timestamp_micros(us)
        .unwrap()
        .with_timezone(&tz)
        .date_naive()
}

/// Whether the instant `s` is where the compatible rule puts the local wall time `wall`: either
/// exactly that wall time and no earlier instant has it, or (in a gap) the wall time shifted
/// forward by the gap.
fn is_compatible(tz: Tz, wall: i64, s: i64) -> bool {
    let w = wall_us(tz, s);
    if w == wall {
        // No earlier instant with the same wall time (folds take the earlier one).
        let other = wall - offset_us(tz, s - 3 * DAY / 2).max(offset_us(tz, s + 3 * DAY / 2));
        let other2 = wall - offset_us(tz, s - 3 * DAY / 2).min(offset_us(tz, s + 3 * DAY / 2));
        return [other, other2]
            .iter()
            .all(|&o| o >= s || wall_us(tz, o) != wall);
    }
    // In a gap: the wall time did not exist, and s = wall - (offset before the gap).
    let before = offset_us(tz, s - 1_000_000);
    let after = offset_us(tz, s);
    w > wall && after > before && s == wall - before || {
        // The wall time is inside the gap, not at its start: s reads it with the earlier offset.
        let t = s - (w - wall);
        wall_us(tz, t) != wall && s == wall - offset_us(tz, s - DAY)
    }
}

#[test]
fn every_zone_every_transition_1970_2040() {
    let mut checked = 0usize;
    for &tz in TZ_VARIANTS.iter() {
        let ts = transitions(tz);
        if ts.is_empty() {
            continue;
        }
        let name = tz.name();
        let whole = Calendar::from_value(&json!({"time_zone": name, "hours": {
            "mon": ["00:00-24:00"], "tue": ["00:00-24:00"], "wed": ["00:00-24:00"], "thu": ["00:00-24:00"],
            "fri": ["00:00-24:00"], "sat": ["00:00-24:00"], "sun": ["00:00-24:00"]}}))
        .unwrap();
        // One calendar open only on the local dates of the transitions, all day.
        let mut dates: Vec<NaiveDate> = ts.iter().map(|&t| local_date(tz, t)).collect();
        dates.dedup();
        let overrides: Vec<_> = dates
            .iter()
            .map(|d| json!({"date": d.to_string(), "hours": ["00:00-24:00"]}))
            .collect();
        let days =
            Calendar::from_value(&json!({"time_zone": name, "overrides": overrides})).unwrap();
        // Windows around the usual transition hours, one overnight.
        let windows = Calendar::from_value(&json!({"time_zone": name, "hours": {
            "sun": ["00:30-02:45", "23:00-00:15"], "sat": ["01:30-03:30"], "fri": ["23:30-00:30"],
            "mon": ["00:30-01:30"], "thu": ["02:00-04:00"], "wed": ["00:00-24:00"]}}))
        .unwrap();
        for &t in &ts {
            let (a, b) = (t - 2 * DAY, t + 2 * DAY);
            assert_eq!(
                whole.elapsed_micros(a, b).unwrap(),
                b - a,
                "{name} at {t}: 24x7 by hours"
            );
            assert_eq!(
                whole.open_intervals_micros(a, b).unwrap(),
                vec![(a, b)],
                "{name} at {t}"
            );
            for probe in [t - 1, t, t + 1] {
                assert!(whole.is_open_micros(probe).unwrap(), "{name} at {probe}");
            }
            // The transition's local day: its opening runs from the compatible local midnight to
            // the next one.
            let d = local_date(tz, t);
            let iv = days
                .open_intervals_micros(t - 3 * DAY, t + 3 * DAY)
                .unwrap();
            let day_iv = iv.iter().find(|&&(s, e)| s <= t && t < e).copied();
            if let Some((s, e)) = day_iv {
                assert!(e > s, "{name} {d}: negative day");
                let first_wall = entitlement_date_us(local_date(tz, s));
                let wall_s = entitlement_date_us(d).min(first_wall);
                assert!(
                    is_compatible(tz, wall_s, s),
                    "{name} {d}: day starts at {s}"
                );
                let last = local_date(tz, e - 1);
                let wall_e = entitlement_date_us(last) + DAY;
                assert!(is_compatible(tz, wall_e, e), "{name} {d}: day ends at {e}");
            }
            // The laws on the windows calendar, from instants around the transition.
            for start in [t - 90 * MINUTE, t - 1, t, t + 30 * MINUTE] {
                for dur in [0, 15 * MINUTE, 2 * HOUR, 30 * HOUR] {
                    let u = windows.add_micros(start, dur).unwrap();
                    assert_eq!(
                        windows.elapsed_micros(start, u).unwrap(),
                        dur,
                        "{name} {start} {dur}"
                    );
                    let v = windows.add_micros(start, -dur).unwrap();
                    assert_eq!(
                        windows.elapsed_micros(v, start).unwrap(),
                        dur,
                        "{name} {start} -{dur}"
                    );
                }
            }
            for (s, e) in windows
                .open_intervals_micros(t - 2 * DAY, t + 2 * DAY)
                .unwrap()
            {
                assert!(e > s, "{name}: interval of negative length");
            }
            checked += 1;
        }
    }
    assert!(checked > 10_000, "walked {checked} transitions");
}

fn entitlement_date_us(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp_micros()
}
