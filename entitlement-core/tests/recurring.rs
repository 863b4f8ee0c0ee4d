//! Recurring holiday rules (`recurs`, and `starts` / `until` / `except` bounds), checked against
//! a day-by-day model written independently of the engine's year-by-year generation.

use chrono::{Datelike, NaiveDate, Weekday};
use entitlement_core::Calendar;
use proptest::prelude::*;
use serde_json::{Value, json};

/// A calendar open around the clock every day in UTC, closed only by `holiday`.
fn open_except(holiday: Value) -> Calendar {
    let all = json!(["00:00-24:00"]);
    Calendar::from_value(&json!({
        "time_zone": "UTC",
        "hours": {"mon": all, "tue": all, "wed": all, "thu": all, "fri": all, "sat": all, "sun": all},
        "holidays": [holiday],
    }))
    .expect("calendar")
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The dates in `[from, to]` on which the calendar is closed at noon.
fn closed(cal: &Calendar, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| {
            let noon = d.and_hms_opt(12, 0, 0).unwrap().and_utc();
            !cal.is_open(noon).unwrap()
        })
        .collect()
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[test]
fn every_third_day_from_the_start() {
    let cal = open_except(json!({"recurs": {"unit": "day", "every": 3}, "starts": "2026-12-30"}));
    // Dec 30, then every third day: Jan 2, Jan 5, Jan 8 (crossing the year).
    assert_eq!(
        closed(&cal, ymd(2026, 12, 1), ymd(2027, 1, 9)),
        vec![
            ymd(2026, 12, 30),
            ymd(2027, 1, 2),
            ymd(2027, 1, 5),
            ymd(2027, 1, 8)
        ]
    );
}

#[test]
fn every_other_week_counts_weeks_from_week_start() {
    // Starts Wednesday 2026-01-07; Sunday-based weeks: the week of Sun Jan 4 is week 0, so
    // Mondays and Fridays of the weeks of Jan 4, Jan 18, Feb 1 count (Mon Jan 5 is before the
    // start and does not).
    let cal = open_except(json!({
        "recurs": {"unit": "week", "every": 2, "weekdays": ["mon", "fri"], "week_start": "sun"},
        "starts": "2026-01-07",
    }));
    assert_eq!(
        closed(&cal, ymd(2026, 1, 1), ymd(2026, 2, 6)),
        vec![
            ymd(2026, 1, 9),
            ymd(2026, 1, 19),
            ymd(2026, 1, 23),
            ymd(2026, 2, 2),
            ymd(2026, 2, 6)
        ]
    );
}

#[test]
fn monthly_on_the_31st_skips_short_months() {
    let cal = open_except(json!({"recurs": {"unit": "month", "day": 31}, "starts": "2026-01-01"}));
    assert_eq!(
        closed(&cal, ymd(2026, 1, 1), ymd(2026, 8, 31)),
        vec![
            ymd(2026, 1, 31),
            ymd(2026, 3, 31),
            ymd(2026, 5, 31),
            ymd(2026, 7, 31),
            ymd(2026, 8, 31)
        ]
    );
}

#[test]
fn last_weekday_of_every_quarter_month() {
    // Every 3 months from January: the last Mon–Fri day of Jan, Apr, Jul, Oct 2026.
    let cal = open_except(json!({
        "recurs": {"unit": "month", "every": 3, "nth": -1,
                   "weekdays": ["mon", "tue", "wed", "thu", "fri"]},
        "starts": "2026-01-01",
    }));
    // Jan 31 2026 is a Saturday -> Fri Jan 30; Apr 30 Thu; Jul 31 Fri; Oct 31 Sat -> Fri Oct 30.
    assert_eq!(
        closed(&cal, ymd(2026, 1, 1), ymd(2026, 12, 31)),
        vec![
            ymd(2026, 1, 30),
            ymd(2026, 4, 30),
            ymd(2026, 7, 31),
            ymd(2026, 10, 30)
        ]
    );
}

#[test]
fn yearly_recurrence_every_other_year_with_an_nth_weekday() {
    let cal = open_except(json!({
        "recurs": {"unit": "year", "every": 2, "month": 11, "nth": 4, "weekday": "thu"},
        "starts": "2026-01-01",
    }));
    // Thanksgiving 2026 (Nov 26) and 2028 (Nov 23), not 2027.
    assert_eq!(
        closed(&cal, ymd(2026, 1, 1), ymd(2028, 12, 31)),
        vec![ymd(2026, 11, 26), ymd(2028, 11, 23)]
    );
}

#[test]
fn bounds_and_exceptions_apply_to_the_natural_date() {
    // Juneteenth from 2021, observed on the nearest weekday: 2021-06-19 is a Saturday, so the
    // closure is Friday 2021-06-18 even though that day precedes `starts`; 2020 has none.
    let cal = open_except(json!({
        "yearly": "06-19", "starts": "2021-06-19", "observed": "nearest_weekday",
        "except": ["2023-06-19"], "until": "2024-12-31",
    }));
    assert_eq!(
        closed(&cal, ymd(2020, 1, 1), ymd(2026, 12, 31)),
        vec![ymd(2021, 6, 18), ymd(2022, 6, 20), ymd(2024, 6, 19)]
    );
}

#[test]
fn partial_hours_on_a_recurring_holiday() {
    let cal = open_except(json!({
        "recurs": {"unit": "week", "weekdays": ["fri"]}, "starts": "2026-01-02", "hours": "12:00-24:00",
    }));
    let fri = |h| ymd(2026, 1, 9).and_hms_opt(h, 0, 0).unwrap().and_utc();
    assert!(cal.is_open(fri(11)).unwrap());
    assert!(!cal.is_open(fri(13)).unwrap());
}

#[test]
fn invalid_recurrences_name_the_path() {
    let cases = [
        (
            json!({"recurs": {"unit": "day"}}),
            "missing_key",
            "holidays[0]",
        ),
        (
            json!({"recurs": {"unit": "fortnight"}, "starts": "2026-01-01"}),
            "invalid_value",
            "holidays[0].recurs.unit",
        ),
        (
            json!({"recurs": {"unit": "day", "every": 0}, "starts": "2026-01-01"}),
            "invalid_value",
            "holidays[0].recurs.every",
        ),
        (
            json!({"recurs": {"unit": "week", "day": 3}, "starts": "2026-01-01"}),
            "invalid_value",
            "holidays[0].recurs.day",
        ),
        (
            json!({"recurs": {"unit": "month"}, "starts": "2026-01-01"}),
            "invalid_value",
            "holidays[0].recurs",
        ),
        (
            json!({"recurs": {"unit": "year", "month": 2, "day": 30}, "starts": "2026-01-01"}),
            "invalid_date",
            "holidays[0].recurs.day",
        ),
        (
            json!({"recurs": {"unit": "month", "nth": 6, "weekday": "mon"}, "starts": "2026-01-01"}),
            "invalid_value",
            "holidays[0].recurs.nth",
        ),
        (
            json!({"recurs": {"unit": "week", "weekdays": []}, "starts": "2026-01-01"}),
            "invalid_value",
            "holidays[0].recurs.weekdays",
        ),
        (
            json!({"date": "2026-01-01", "starts": "2026-01-01"}),
            "invalid_value",
            "holidays[0].starts",
        ),
        (
            json!({"yearly": "01-01", "starts": "2026-01-01", "until": "2025-01-01"}),
            "invalid_value",
            "holidays[0].until",
        ),
        (
            json!({"yearly": "01-01", "recurs": {"unit": "day"}, "starts": "2026-01-01"}),
            "invalid_value",
            "holidays[0]",
        ),
        (
            json!({"yearly": "01-01", "except": ["2026-13-01"]}),
            "invalid_date",
            "holidays[0].except[0]",
        ),
    ];
    for (holiday, code, path) in cases {
        let err = Calendar::from_value(&json!({
            "time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [holiday],
        }))
        .expect_err(&holiday.to_string());
        assert_eq!(err.code(), code, "{holiday}: {err}");
        assert!(err.to_string().starts_with(path), "{holiday}: {err}");
    }
}

/// The day-by-day model of a recurrence: is `d` an occurrence?
#[allow(clippy::too_many_arguments)]
fn model(
    d: NaiveDate,
    unit: &str,
    every: i64,
    start: NaiveDate,
    weekdays: u8,
    week_start: Weekday,
    day: Option<u32>,
    nth: i32,
    month: u32,
) -> bool {
    if d < start {
        return false;
    }
    let in_set = |x: NaiveDate| weekdays & (1 << x.weekday().num_days_from_monday()) != 0;
    // Is `d` the nth day of its month in the weekday set?
    let nth_ok = || {
        let same: Vec<NaiveDate> = NaiveDate::from_ymd_opt(d.year(), d.month(), 1)
            .unwrap()
            .iter_days()
            .take_while(|x| x.month() == d.month())
            .filter(|x| in_set(*x))
            .collect();
        let pos = if nth > 0 {
            nth as usize - 1
        } else {
            match same.len().checked_sub((-nth) as usize) {
                Some(p) => p,
                None => return false,
            }
        };
        same.get(pos) == Some(&d)
    };
    let pick = || match day {
        Some(day) => d.day() == day,
        None => nth_ok(),
    };
    match unit {
        "day" => (d - start).num_days() % every == 0,
        "week" => {
            let back = |x: NaiveDate| {
                (7 + x.weekday().num_days_from_monday() - week_start.num_days_from_monday()) % 7
            };
            let w0 = start - chrono::Days::new(u64::from(back(start)));
            let w = d - chrono::Days::new(u64::from(back(d)));
            in_set(d) && ((w - w0).num_days() / 7) % every == 0
        }
        "month" => {
            let months =
                (d.year() - start.year()) as i64 * 12 + d.month() as i64 - start.month() as i64;
            months % every == 0 && pick()
        }
        _ => (i64::from(d.year() - start.year())) % every == 0 && d.month() == month && pick(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the rule, the closed days are exactly the days the model picks.
    #[test]
    fn recurrences_match_a_day_by_day_model(
        unit in prop::sample::select(vec!["day", "week", "month", "year"]),
        every in 1i64..=5,
        start_offset in 0u64..800,
        weekdays in 1u8..128,
        week_start in 0usize..7,
        by_day in any::<bool>(),
        day in 1u32..=31,
        nth in prop::sample::select(vec![1, 2, 3, 4, 5, -1, -2, -5]),
        month in 1u32..=12,
    ) {
        let start = ymd(2024, 1, 1) + chrono::Days::new(start_offset);
        let names: Vec<&str> = (0..7).filter(|i| weekdays & (1 << i) != 0).map(|i| DAYS[i]).collect();
        let mut recurs = json!({"unit": unit, "every": every});
        let (mut r_day, mut r_nth, mut r_weekdays, mut r_week_start) = (None, 0, weekdays, Weekday::Mon);
        match unit {
            "week" => {
                recurs["weekdays"] = json!(names);
                recurs["week_start"] = json!(DAYS[week_start]);
                r_week_start = Weekday::try_from(week_start as u8).unwrap();
            }
            "month" | "year" => {
                if unit == "year" {
                    recurs["month"] = json!(month);
                }
                if by_day {
                    // A yearly day must exist in its month (Feb 29 allowed).
                    let max = if unit == "year" { [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1] } else { 31 };
                    let d = day.min(max);
                    recurs["day"] = json!(d);
                    r_day = Some(d);
                } else {
                    recurs["nth"] = json!(nth);
                    recurs["weekdays"] = json!(names);
                    r_nth = nth;
                }
            }
            _ => { r_weekdays = 0; }
        }
        let cal = open_except(json!({"recurs": recurs, "starts": start.to_string()}));
        let (from, to) = (ymd(2024, 1, 1), ymd(2028, 12, 31));
        let expected: Vec<NaiveDate> = from
            .iter_days()
            .take_while(|d| *d <= to)
            .filter(|d| model(*d, unit, every, start, r_weekdays, r_week_start, r_day, r_nth, month))
            .collect();
        prop_assert_eq!(closed(&cal, from, to), expected);
    }
}
