//! Every zone of the tz database, every transition 1970–2040: a 00:00–24:00 calendar counts
//! real time with no gap or overlap around the transition; a transition day's own length is that
//! of its local day under the compatible rule (23 h, 25 h, or any other shift); the laws hold on
//! a calendar with windows around the usual transition hours.
//!
//! The torture: at every such transition, windows that end inside the gap or fold, start inside
//! it, sit inside it, cover it, are exactly it, or run from its middle to one of its ends become
//! the instants the compatible rule gives (computed here from the zone's offsets alone), or are
//! dropped when they become empty; no interval has a negative length, and the calendar laws of
//! the fuzzers (`fuzz/src/laws.rs`) hold around each transition. Zones whose transitions skip
//! midnight (America/Santiago, America/Havana, Asia/Beirut) are among them, and counted.

use std::sync::OnceLock;

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

/// The transitions of every zone of the tz database, 1970–2040, computed once for all the tests
/// here (stepping through 70 years of every zone is most of their cost).
fn all_transitions() -> &'static [(Tz, Vec<i64>)] {
    static ALL: OnceLock<Vec<(Tz, Vec<i64>)>> = OnceLock::new();
    ALL.get_or_init(|| {
        TZ_VARIANTS
            .iter()
            .map(|&tz| (tz, transitions(tz)))
            .collect()
    })
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
    for (tz, ts) in all_transitions() {
        let (tz, ts) = (*tz, ts.as_slice());
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
        for &t in ts {
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

/// A local wall time (microseconds, read as UTC) as an instant by the compatible rule, from the
/// offsets before and after one transition only: the earlier instant that reads `wall`, or, when
/// none does (a gap), the instant that reads it with the offset before the gap.
fn compatible(tz: Tz, wall: i64, before: i64, after: i64) -> i64 {
    [wall - before, wall - after]
        .into_iter()
        .filter(|&u| wall_us(tz, u) == wall)
        .min()
        .unwrap_or(wall - before)
}

/// `HH:MM:SS` of a wall time.
fn clock(wall: i64) -> String {
    let t = DateTime::from_timestamp_micros(wall)
        .unwrap()
        .naive_utc()
        .time();
    t.format("%H:%M:%S").to_string()
}

/// The windows of the torture around one transition, as wall times `[start, end)`: `lo..hi` is
/// the gap (wall times that do not exist) or the fold (wall times that exist twice).
fn windows(lo: i64, hi: i64) -> [(&'static str, i64, i64); 7] {
    let second = 1_000_000;
    let mid = lo + (hi - lo) / 2 / second * second;
    let quarter = (hi - lo) / 4 / second * second;
    [
        ("ends inside", lo - HOUR, mid),
        ("starts inside", mid, hi + HOUR),
        ("sits inside", lo + quarter, hi - quarter),
        ("covers", lo - HOUR, hi + HOUR),
        ("is exactly", lo, hi),
        ("runs from its middle to its end", mid, hi),
        ("runs from its start to its middle", lo, mid),
    ]
}

#[test]
fn windows_in_gaps_and_folds_of_every_transition_1970_2040() {
    use crate::fuzz_corpus::targets::laws::{self, Probe};
    let (mut checked, mut dropped, mut skipped) = (0usize, 0usize, 0usize);
    let mut midnight_gaps = std::collections::BTreeMap::<&str, usize>::new();
    for (tz, ts) in all_transitions() {
        let (tz, name) = (*tz, tz.name());
        // A transition with another within three days would need both to place one window.
        let alone: Vec<i64> = ts
            .iter()
            .enumerate()
            .filter(|&(i, &t)| {
                let near = |j: usize| ts.get(j).is_some_and(|&u| (u - t).abs() < 3 * DAY);
                let after_another = i > 0 && near(i - 1);
                !after_another && !near(i + 1)
            })
            .map(|(_, &t)| t)
            .collect();
        skipped += ts.len() - alone.len();
        if alone.is_empty() {
            continue;
        }
        for kind in 0..7 {
            // One calendar per kind of window, open only in that window at each transition.
            let mut seen = std::collections::BTreeSet::new();
            let mut overrides = Vec::new();
            let mut expected = Vec::new();
            for &t in &alone {
                let (before, after) = (offset_us(tz, t - 1), offset_us(tz, t));
                let (lo, hi) = ((t + before).min(t + after), (t + before).max(t + after));
                let (what, ws, we) = windows(lo, hi)[kind];
                if we <= ws {
                    continue;
                }
                let date = DateTime::from_timestamp_micros(ws).unwrap().date_naive();
                if !seen.insert(date) {
                    continue;
                }
                overrides.push(json!({"date": date.to_string(), "hours": [format!("{}-{}", clock(ws), clock(we))]}));
                let (s, e) = (
                    compatible(tz, ws, before, after),
                    compatible(tz, we, before, after),
                );
                expected.push((t, what, s, e));
                if kind == 4 && after > before && clock(lo) == "00:00:00" {
                    *midnight_gaps.entry(name).or_default() += 1;
                }
            }
            if overrides.is_empty() {
                continue;
            }
            let cal = Calendar::from_value(&json!({"time_zone": name, "overrides": overrides}))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            for (t, what, s, e) in expected {
                let (a, b) = (s.min(e) - 2 * HOUR, s.max(e) + 2 * HOUR);
                let got = cal.open_intervals_micros(a, b).unwrap();
                let want = if s < e { vec![(s, e)] } else { vec![] };
                assert_eq!(
                    got, want,
                    "{name}: the window that {what} the transition at {t}"
                );
                dropped += usize::from(want.is_empty());
                let probe = |at: i64| Probe {
                    t: at,
                    a: 15 * MINUTE,
                    b: 2 * HOUR + 1,
                    span: 3 * HOUR,
                };
                laws::check(&cal, &[probe(t - 1), probe(t), probe(s), probe(e - 1)]);
                checked += 1;
            }
        }
    }
    // 7 windows at each of the more than 10,000 transitions of 1970–2040.
    assert!(
        checked > 60_000,
        "checked {checked} windows ({dropped} dropped, {skipped} transitions skipped)"
    );
    assert!(dropped > 10_000, "{dropped} windows became empty");
    assert!(
        skipped * 100 < checked / 7,
        "{skipped} transitions had another within three days"
    );
    for zone in ["America/Santiago", "America/Havana", "Asia/Beirut"] {
        assert!(
            midnight_gaps.get(zone).copied().unwrap_or(0) >= 10,
            "{zone} skips midnight at {:?} transitions",
            midnight_gaps.get(zone)
        );
    }
    let three: Vec<String> = ["America/Santiago", "America/Havana", "Asia/Beirut"]
        .iter()
        .map(|z| format!("{z} {}", midnight_gaps[z]))
        .collect();
    eprintln!(
        "DST torture: {checked} windows at {} transitions ({dropped} dropped, {skipped} skipped); \
         midnight gaps in {} zones, {}",
        checked / 7,
        midnight_gaps.len(),
        three.join(", ")
    );
}
