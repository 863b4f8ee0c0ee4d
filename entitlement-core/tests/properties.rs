//! The laws of `docs/semantics.md` ("`add`: earliest and latest") over random calendars
//! (several intervals a day, overnight intervals, whole-day and partial holidays, overrides,
//! zones with DST), instants and durations.

use entitlement_core::Calendar;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::{HOUR, MINUTE};

const ZONES: [&str; 9] = [
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Beirut",
    "America/Havana",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "UTC",
];
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// 2025-01-01T00:00Z .. 2028-01-01T00:00Z, in microseconds.
const T0: i64 = 1_735_689_600_000_000;
const T1: i64 = 1_830_297_600_000_000;

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60 % 24, minutes % 60)
}

/// Cuts at sorted minutes of a week into alternating open intervals that never overlap: the
/// week is a circle of 10,080 minutes, so an interval may run overnight, and past Sunday.
fn weekly_hours(cuts: &[u32]) -> Value {
    let mut cuts: Vec<u32> = cuts.iter().map(|c| c % 10_080).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut hours = serde_json::Map::new();
    for d in DAYS {
        hours.insert(d.to_string(), json!([]));
    }
    for pair in cuts.chunks(2) {
        let [s, e] = pair else { continue };
        // An interval belongs to its start day and is at most 24 h long here.
        let len = (e - s).min(24 * 60);
        if len == 0 {
            continue;
        }
        let day = DAYS[(*s / 1440) as usize];
        let end = s + len;
        let end_text =
            if end % 1440 == 0 && len < 1440 && end / 1440 == s / 1440 + 1 && s % 1440 != 0 {
                "24:00".to_string()
            } else {
                hhmm(end % 1440)
            };
        hours[day]
            .as_array_mut()
            .unwrap()
            .push(json!(format!("{}-{}", hhmm(s % 1440), end_text)));
    }
    Value::Object(hours)
}

fn calendar_strategy() -> impl Strategy<Value = Calendar> {
    (
        0..ZONES.len(),
        prop::collection::vec(0u32..10_080, 2..16),
        prop::collection::vec((0u32..1100, prop::option::of((0u32..1440, 1u32..720))), 0..6),
        prop::collection::vec((0u32..1100, 0u32..1440, 1u32..600), 0..3),
    )
        .prop_filter_map("never open", |(zone, cuts, holidays, overrides)| {
            let base = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
            let date = |offset: u32| (base + chrono::Days::new(u64::from(offset))).to_string();
            let holidays: Vec<Value> = holidays
                .iter()
                .map(|(d, part)| match part {
                    None => json!({"date": date(*d)}),
                    Some((s, len)) => json!({"date": date(*d), "hours": format!("{}-{}", hhmm(*s), hhmm(s + len))}),
                })
                .collect();
            let mut seen = std::collections::BTreeSet::new();
            let overrides: Vec<Value> = overrides
                .iter()
                .filter(|(d, _, _)| seen.insert(*d))
                .map(|(d, s, len)| json!({"date": date(*d), "hours": [format!("{}-{}", hhmm(*s), hhmm(s + len))]}))
                .collect();
            let def = json!({"time_zone": ZONES[zone], "hours": weekly_hours(&cuts),
                             "holidays": holidays, "overrides": overrides});
            Calendar::from_value(&def).ok()
        })
}

fn instant() -> impl Strategy<Value = i64> {
    prop_oneof![
        T0..T1,
        // Whole minutes hit interval edges and DST transitions often.
        (T0 / MINUTE..T1 / MINUTE).prop_map(|m| m * MINUTE),
    ]
}

fn duration() -> impl Strategy<Value = i64> {
    prop_oneof![
        0..400 * HOUR,
        (0i64..2000).prop_map(|m| m * 15 * MINUTE),
        Just(0)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn add_is_the_inverse_of_elapsed(cal in calendar_strategy(), t in instant(), d in duration()) {
        let u = cal.add_micros(t, d).unwrap();
        prop_assert!(u >= t);
        prop_assert_eq!(cal.elapsed_micros(t, u).unwrap(), d);
        // The earliest such instant: one microsecond before, the business time falls short.
        if d > 0 {
            prop_assert!(cal.elapsed_micros(t, u - 1).unwrap() < d);
        }
        let v = cal.add_micros(t, -d).unwrap();
        prop_assert!(v <= t);
        prop_assert_eq!(cal.elapsed_micros(v, t).unwrap(), d);
        if d > 0 {
            prop_assert!(cal.elapsed_micros(v + 1, t).unwrap() < d);
        }
        prop_assert_eq!(cal.sub_micros(t, d).unwrap(), v);
    }

    #[test]
    fn add_is_monotonic_and_additive(cal in calendar_strategy(), t in instant(), a in duration(), b in duration(), dt in 0..100 * HOUR) {
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(cal.add_micros(t, lo).unwrap() <= cal.add_micros(t, hi).unwrap());
        prop_assert!(cal.add_micros(t, a).unwrap() <= cal.add_micros(t + dt, a).unwrap());
        prop_assert_eq!(cal.add_micros(cal.add_micros(t, a).unwrap(), b).unwrap(), cal.add_micros(t, a + b).unwrap());
        prop_assert_eq!(cal.add_micros(cal.add_micros(t, -a).unwrap(), -b).unwrap(), cal.add_micros(t, -(a + b)).unwrap());
    }

    #[test]
    fn elapsed_is_additive_and_antisymmetric(cal in calendar_strategy(), a in instant(), b in instant(), c in instant()) {
        let ab = cal.elapsed_micros(a, b).unwrap();
        prop_assert_eq!(ab, -cal.elapsed_micros(b, a).unwrap());
        prop_assert_eq!(ab + cal.elapsed_micros(b, c).unwrap(), cal.elapsed_micros(a, c).unwrap());
        prop_assert!(ab.abs() <= (b - a).abs());
    }

    #[test]
    fn is_open_agrees_with_open_intervals(cal in calendar_strategy(), a in instant(), len in 0..200 * HOUR, probes in prop::collection::vec(0.0f64..1.0, 1..20)) {
        let b = a + len;
        let iv = cal.open_intervals_micros(a, b).unwrap();
        let mut total = 0;
        let mut last_end = i64::MIN;
        for &(s, e) in &iv {
            prop_assert!(s < e, "no empty or negative interval");
            prop_assert!(s > last_end, "sorted, disjoint, maximal");
            prop_assert!(a <= s && e <= b);
            last_end = e;
            total += e - s;
            prop_assert!(cal.is_open_micros(s).unwrap());
            prop_assert!(cal.is_open_micros(e - 1).unwrap());
            if e < b { prop_assert!(!cal.is_open_micros(e).unwrap()); }
        }
        prop_assert_eq!(total, cal.elapsed_micros(a, b).unwrap());
        for p in probes {
            let t = a + (len as f64 * p) as i64;
            if t >= b { continue; }
            let inside = iv.iter().any(|&(s, e)| s <= t && t < e);
            prop_assert_eq!(cal.is_open_micros(t).unwrap(), inside);
        }
    }

    #[test]
    fn next_open_and_next_close_bracket_openings(cal in calendar_strategy(), t in instant()) {
        let o = cal.next_open_micros(t).unwrap();
        prop_assert!(o >= t);
        prop_assert!(cal.is_open_micros(o).unwrap());
        prop_assert_eq!(cal.elapsed_micros(t, o).unwrap(), 0);
        if o > t { prop_assert!(!cal.is_open_micros(o - 1).unwrap()); }
        let c = cal.next_close_micros(t).unwrap();
        prop_assert!(c > o);
        prop_assert!(!cal.is_open_micros(c).unwrap());
        prop_assert!(cal.is_open_micros(c - 1).unwrap());
        prop_assert_eq!(cal.elapsed_micros(o, c).unwrap(), c - o);
    }

    #[test]
    fn a_union_is_open_when_any_part_is(a in calendar_strategy(), b in calendar_strategy(), t in instant(), len in 0..100 * HOUR) {
        let u = Calendar::union(&[a.clone(), b.clone()]).unwrap();
        prop_assert_eq!(u.is_open_micros(t).unwrap(), a.is_open_micros(t).unwrap() || b.is_open_micros(t).unwrap());
        let e = u.elapsed_micros(t, t + len).unwrap();
        prop_assert!(e >= a.elapsed_micros(t, t + len).unwrap().max(b.elapsed_micros(t, t + len).unwrap()));
        prop_assert!(e <= a.elapsed_micros(t, t + len).unwrap() + b.elapsed_micros(t, t + len).unwrap());
    }

    #[test]
    fn batches_equal_the_one_at_a_time_calls(
        cal in calendar_strategy(),
        seed in any::<u64>(),
        n in prop_oneof![0usize..50, 20_000usize..40_000],
    ) {
        // Above 16k items the batch runs in parallel chunks: both sizes are drawn.
        let mut x = seed | 1;
        let mut next = move || { x ^= x << 13; x ^= x >> 7; x ^= x << 17; x };
        let starts: Vec<i64> = (0..n).map(|_| T0 + (next() % (T1 - T0) as u64) as i64).collect();
        let amounts: Vec<i64> = (0..n).map(|_| (next() % (400 * HOUR) as u64) as i64 - 100 * HOUR).collect();
        let ends: Vec<i64> = starts.iter().zip(&amounts).map(|(s, a)| s + a).collect();
        let mut out = vec![0; n];
        cal.add_many_micros(&starts, &amounts, &mut out).unwrap();
        for i in (0..n).step_by(1 + n / 200) {
            prop_assert_eq!(out[i], cal.add_micros(starts[i], amounts[i]).unwrap());
        }
        cal.elapsed_many_micros(&starts, &ends, &mut out).unwrap();
        for i in (0..n).step_by(1 + n / 200) {
            prop_assert_eq!(out[i], cal.elapsed_micros(starts[i], ends[i]).unwrap());
        }
    }
}

#[test]
fn a_failing_batch_reports_its_lowest_failing_index_and_keeps_missing_values() {
    use entitlement_core::calendar::MISSING;
    let cal = Calendar::always_open();
    let n = 50_000;
    let mut starts = vec![T0; n];
    starts[7] = MISSING;
    // Two failures in different parallel chunks: the lower index is the one reported.
    starts[30_000] = i64::MAX - 1;
    starts[45_000] = i64::MAX - 1;
    let mut out = vec![0; n];
    let err = cal
        .add_many_micros(&starts, &vec![HOUR; n], &mut out)
        .unwrap_err();
    assert_eq!(err.index, 30_000);
    assert_eq!(err.error.code(), "out_of_range");
    starts[30_000] = T0;
    starts[45_000] = T0;
    cal.add_many_micros(&starts, &vec![HOUR; n], &mut out)
        .unwrap();
    assert_eq!(out[7], MISSING);
    assert_eq!(out[8], T0 + HOUR);
}

/// The instants of local midnight of each date from `from` for `days` days, by the compatible
/// rule (a midnight in a gap moves forward), read from the calendar itself: a one-second opening
/// at 00:00 every day starts exactly there.
fn midnights(zone: &str, from: i64, days: i64) -> Vec<i64> {
    let tick = json!(["00:00-00:00:01"]);
    let hours: serde_json::Map<String, Value> =
        DAYS.iter().map(|d| (d.to_string(), tick.clone())).collect();
    let cal = Calendar::from_value(&json!({"time_zone": zone, "hours": hours})).unwrap();
    cal.open_intervals_micros(from, from + days * 24 * HOUR)
        .unwrap()
        .into_iter()
        .map(|(s, _)| s)
        .collect()
}

/// `[a, b)` minus a sorted list of disjoint closures.
fn cut(open: &[(i64, i64)], closures: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    for &(s, e) in open {
        let mut pieces = vec![(s, e)];
        for &(cs, ce) in closures {
            pieces = pieces
                .into_iter()
                .flat_map(|(ps, pe)| {
                    let mut v = Vec::new();
                    if cs > ps {
                        v.push((ps, pe.min(cs)));
                    }
                    if ce < pe {
                        v.push((ps.max(ce), pe));
                    }
                    v.into_iter().filter(|(x, y)| x < y).collect::<Vec<_>>()
                })
                .collect();
        }
        out.extend(pieces);
    }
    // Merge touching pieces, as open_intervals does.
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (s, e) in out {
        match merged.last_mut() {
            Some(last) if last.1 == s => last.1 = e,
            _ => merged.push((s, e)),
        }
    }
    merged
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whole-day holidays (single dates and ranges up to two years, which close whole UTC years)
    /// remove exactly their local days, `[midnight, next midnight)`, from the weekly hours, in
    /// every zone and across DST days: the index's shortcuts for closed days and closed years
    /// give what the plain subtraction gives.
    #[test]
    fn whole_day_holidays_remove_exactly_their_local_days(
        zone in 0..ZONES.len(),
        cuts in prop::collection::vec(0u32..10_080, 2..16),
        dates in prop::collection::vec((0u32..1000, 0u32..3), 1..12),
        ranges in prop::collection::vec((0u32..1000, 0u32..800), 0..3),
        start in 0u32..900,
        len in 1u32..500,
    ) {
        let base_date = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let date = |offset: u32| base_date + chrono::Days::new(u64::from(offset));
        let mut closed_days = std::collections::BTreeSet::new();
        let mut holidays = Vec::new();
        for &(d, run) in &dates {
            for k in 0..=run {
                closed_days.insert(date(d + k));
            }
            holidays.push(json!({"from": date(d).to_string(), "to": date(d + run).to_string()}));
        }
        for &(d, run) in &ranges {
            for k in 0..=run {
                closed_days.insert(date(d + k));
            }
            holidays.push(json!({"name": "shutdown", "from": date(d).to_string(), "to": date(d + run).to_string()}));
        }
        let zone = ZONES[zone];
        let hours = weekly_hours(&cuts);
        let Ok(plain) = Calendar::from_value(&json!({"time_zone": zone, "hours": hours})) else {
            return Ok(());
        };
        let cal = Calendar::from_value(&json!({"time_zone": zone, "hours": hours, "holidays": holidays})).unwrap();
        // Midnights from two days before the window's first date, by local date.
        let first = base_date - chrono::Days::new(2);
        let first_us = first.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp_micros() - 24 * HOUR;
        let mids = midnights(zone, first_us, 1900);
        let tz: chrono_tz::Tz = zone.parse().unwrap();
        let local = |us: i64| chrono::DateTime::from_timestamp_micros(us).unwrap().with_timezone(&tz).date_naive();
        let closures: Vec<(i64, i64)> = mids
            .windows(2)
            .filter(|w| closed_days.contains(&local(w[0])))
            .map(|w| (w[0], w[1]))
            .collect();
        let a = T0 + i64::from(start) * 24 * HOUR;
        let b = a + i64::from(len) * 24 * HOUR;
        let expected = cut(&plain.open_intervals_micros(a, b).unwrap(), &closures);
        prop_assert_eq!(cal.open_intervals_micros(a, b).unwrap(), expected);
    }
}

#[test]
fn a_calendar_closed_for_ever_by_holidays_says_so() {
    // 96 openings a day and every day a holiday, by a range and by a daily rule: each year's
    // block is known closed without converting its 35,000 openings (this took minutes).
    let day: Vec<String> = (0..96)
        .map(|i| {
            let m = i * 15;
            format!(
                "{:02}:{:02}-{:02}:{:02}",
                m / 60,
                m % 60,
                (m + 10) / 60,
                (m + 10) % 60
            )
        })
        .collect();
    let hours: serde_json::Map<String, Value> =
        DAYS.iter().map(|d| (d.to_string(), json!(day))).collect();
    for holiday in [
        json!({"from": "0001-01-01", "to": "9999-12-31"}),
        json!({"recurs": {"unit": "day"}, "starts": "0001-01-01"}),
    ] {
        let cal = Calendar::from_value(
            &json!({"time_zone": "America/New_York", "hours": hours, "holidays": [holiday]}),
        )
        .unwrap();
        assert_eq!(cal.next_open_micros(0).unwrap_err().code(), "no_opening");
        // add walks to the end of year 9999 and finds its result beyond it.
        assert_eq!(cal.add_micros(0, HOUR).unwrap_err().code(), "out_of_range");
        assert_eq!(cal.elapsed_micros(0, 200 * 365 * 24 * HOUR).unwrap(), 0);
        // Before New York's first local midnight of year 1 (04:56 UTC, its LMT offset), the
        // last day of year 0 still opens: only there is the calendar open.
        let back = cal.sub_micros(0, 1).unwrap();
        assert!(back < entitlement_core::MIN_MICROS + 5 * HOUR, "{back}");
    }
}

/// The first instant of a UTC year, in microseconds.
fn year_start_us(year: i32) -> i64 {
    chrono::NaiveDate::from_ymd_opt(year, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_micros()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// The running totals over compiled years (docs/performance.md, "Span") give what walking
    /// the years one by one gives: a calendar whose years 2000-2059 were compiled in a random
    /// order, all or some of them (so that its window of running totals grew, moved to a
    /// longer run and merged runs), answers `elapsed`, `add` and `sub` over spans of up to
    /// three decades, errors included, exactly as a fresh copy does, which compiles the years
    /// as it walks them, one at a time.
    #[test]
    fn running_totals_equal_the_walk_year_by_year(
        cal in calendar_strategy(),
        order in Just((2000..2060).collect::<Vec<i32>>()).prop_shuffle(),
        warm in prop_oneof![Just(60usize), 0usize..60],
        t in instant(),
        years in 0i64..30,
        extra in 0..365 * 24 * HOUR,
        nudge in -2 * HOUR..2 * HOUR,
    ) {
        for &y in &order[..warm] {
            cal.is_open_micros(year_start_us(y)).unwrap();
        }
        let fresh = || Calendar::from_value(&cal.to_value()).unwrap();
        let shown = |r: entitlement_core::Result<i64>| r.map_err(|e| e.to_string());
        let u = t + years * 365 * 24 * HOUR + extra;
        let e = cal.elapsed_micros(t, u).unwrap();
        prop_assert_eq!(e, fresh().elapsed_micros(t, u).unwrap());
        prop_assert_eq!(-e, fresh().elapsed_micros(u, t).unwrap());
        prop_assert_eq!(-e, cal.elapsed_micros(u, t).unwrap());
        for d in [e, e + nudge, 2 * e + 1] {
            prop_assert_eq!(shown(cal.add_micros(t, d)), shown(fresh().add_micros(t, d)));
            prop_assert_eq!(shown(cal.sub_micros(u, d)), shown(fresh().sub_micros(u, d)));
        }
    }
}
