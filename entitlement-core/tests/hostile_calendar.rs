//! Calendars built to make the index expensive (issue 13): 96 openings every day across the
//! whole range of years, unions of calendars that never open again, `open_intervals` over
//! millennia, and criteria trees of huge breadth. Each answers, or refuses with
//! `limit_exceeded`, with bounded work; answers stay those of the laws (docs/performance.md,
//! "Bounds on hostile input").

use entitlement_core::calendar::{MAX_COMPILED_PER_QUERY, MAX_OPEN_INTERVALS, MAX_UNION_PARTS};
use entitlement_core::rules::{MAX_CRITERIA_CONDITIONS, Ruleset};
use entitlement_core::{Calendar, Error};
use proptest::prelude::*;
use serde_json::{Value, json};

const DAY: i64 = 86_400_000_000;

/// The first instant of a UTC year, in microseconds.
fn year(y: i32) -> i64 {
    chrono::NaiveDate::from_ymd_opt(y, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_micros()
}

/// The last instant of year 9999.
const END: i64 = 253_402_300_799_999_999;

/// 96 ten-minute openings every day of the week (MAX_INTERVALS_PER_DAY), none touching.
fn dense(tz: &str) -> Calendar {
    let day: Vec<String> = (0..96)
        .map(|i| {
            format!(
                "{:02}:{:02}-{:02}:{:02}",
                i / 4,
                i % 4 * 15,
                i / 4,
                i % 4 * 15 + 10
            )
        })
        .collect();
    let hours: serde_json::Map<String, Value> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| (d.to_string(), json!(day)))
        .collect();
    Calendar::from_value(&json!({"time_zone": tz, "hours": hours})).unwrap()
}

fn office() -> Calendar {
    let day = json!(["09:00-12:00", "13:00-17:00"]);
    Calendar::from_value(&json!({
        "time_zone": "America/New_York",
        "hours": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day},
        "holidays": [{"yearly": {"month": 12, "day": 25}}, {"yearly": {"month": 1, "day": 1}}],
    }))
    .unwrap()
}

fn limit_exceeded(r: Result<impl std::fmt::Debug, Error>, path: &str) {
    let e = r.expect_err("refused");
    assert_eq!(e.code(), "limit_exceeded", "{e}");
    assert!(e.to_string().starts_with(path), "{e} names {path}");
}

/// Repeats a query refused for its compiling until it answers: each try keeps the totals of
/// the years it compiled, so the number of tries is bounded by the span.
fn until_answered(mut query: impl FnMut() -> Result<i64, Error>, tries: usize) -> i64 {
    for _ in 0..tries {
        match query() {
            Ok(v) => return v,
            Err(e) => assert_eq!(e.code(), "limit_exceeded", "{e}"),
        }
    }
    panic!("no answer after {tries} tries");
}

#[test]
fn ordinary_calendar_elapsed_over_the_whole_range_is_the_sum_of_its_years() {
    let cal = office();
    let whole = cal
        .elapsed_micros(year(1), END)
        .expect("one query suffices");
    let fresh = office();
    let mut sum = 0;
    for y in 1..9999 {
        sum += fresh.elapsed_micros(year(y), year(y + 1)).unwrap();
    }
    sum += fresh.elapsed_micros(year(9999), END).unwrap();
    assert_eq!(whole, sum);
    // And back: adding the whole of it from the first instant ends where the last opening does.
    let last_close = cal.add_micros(year(1), whole).unwrap();
    assert_eq!(cal.elapsed_micros(year(1), last_close).unwrap(), whole);
    assert!(last_close <= END);
}

#[test]
fn dense_calendar_over_centuries_answers_within_the_compile_budget() {
    // 300 years of 96 openings a day are more than one query may compile: the first query is
    // refused, the years it compiled keep their totals, and a repeat answers.
    let cal = dense("America/New_York");
    let (a, b) = (year(4000) + 12 * 3_600_000_000, year(4300) - 7 * 60_000_000);
    let first = cal.elapsed_micros(a, b);
    limit_exceeded(first, "elapsed");
    let whole = until_answered(|| cal.elapsed_micros(a, b), 4);
    let fresh = dense("America/New_York");
    let mut sum = fresh.elapsed_micros(a, year(4001)).unwrap();
    for y in 4001..4299 {
        sum += fresh.elapsed_micros(year(y), year(y + 1)).unwrap();
    }
    sum += fresh.elapsed_micros(year(4299), b).unwrap();
    assert_eq!(whole, sum);
    // `add` crosses the same years by their totals: no budget left to spend, one answer.
    assert_eq!(
        cal.add_micros(a, whole).unwrap(),
        cal.add_micros(a, whole).unwrap()
    );
    let u = cal.add_micros(a, whole).unwrap();
    assert_eq!(cal.elapsed_micros(a, u).unwrap(), whole);
    assert!(u <= b);
    assert_eq!(
        cal.sub_micros(u, whole).unwrap(),
        cal.next_open_micros(a).unwrap()
    );
}

#[test]
fn dense_calendar_from_year_one_to_9999_is_refused_not_aborted() {
    // The query of the issue: it compiled every year and kept 1.2 MB of each, until the host
    // ran out of memory. Now it stops at the budget with the typed error.
    let cal = dense("UTC");
    limit_exceeded(cal.elapsed_micros(year(1), END), "elapsed");
    limit_exceeded(cal.add_micros(year(1), END - year(1)), "add");
    limit_exceeded(cal.open_intervals_micros(year(1), END), "open_intervals");
    // A query inside one year still answers at once.
    assert_eq!(
        cal.elapsed_micros(year(2026), year(2026) + DAY).unwrap(),
        96 * 600_000_000
    );
}

#[test]
fn batch_items_each_have_their_own_budget() {
    let cal = dense("UTC");
    let starts = [year(2026), year(1)];
    let ends = [year(2026) + DAY, END];
    let mut out = [0; 2];
    let err = cal
        .elapsed_many_micros(&starts, &ends, &mut out)
        .unwrap_err();
    assert_eq!(err.index, 1);
    assert_eq!(err.error.code(), "limit_exceeded");
}

#[test]
fn open_intervals_at_its_limit_and_one_past() {
    let daily = Calendar::from_value(&json!({"time_zone": "UTC", "hours": {
        "mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
        "thu": ["09:00-17:00"], "fri": ["09:00-17:00"], "sat": ["09:00-17:00"],
        "sun": ["09:00-17:00"]}}))
    .unwrap();
    let a = year(3000);
    let n = i64::try_from(MAX_OPEN_INTERVALS).unwrap();
    let all = daily.open_intervals_micros(a, a + n * DAY).unwrap();
    assert_eq!(all.len(), MAX_OPEN_INTERVALS);
    assert_eq!(all[0], (a + 9 * DAY / 24, a + 17 * DAY / 24));
    limit_exceeded(
        daily.open_intervals_micros(a, a + (n + 1) * DAY),
        "open_intervals",
    );
}

/// Whole days closed from `from` to year 9999 by a daily holiday; `hidden` writes the same
/// closures so that no single rule says so (a range to 9999-12-30 and the last day alone).
fn closed_from(from: &str, hidden: bool) -> Value {
    let holidays = if hidden {
        json!([{"from": from, "to": "9999-12-30"}, {"date": "9999-12-31"}])
    } else {
        json!([{"recurs": {"unit": "day"}, "starts": from}])
    };
    json!({"time_zone": "Pacific/Kiritimati", "hours": {"mon": ["20:00-06:00"], "fri": ["09:00-17:00"]},
           "holidays": holidays, "overrides": [{"date": "2020-02-29", "hours": ["10:00-11:00"]}]})
}

#[test]
fn union_of_calendars_that_never_open_again_answers_no_opening() {
    let part = closed_from("2026-01-01", false);
    let parts: Vec<Value> = (0..MAX_UNION_PARTS).map(|_| part.clone()).collect();
    let union = Calendar::from_value(&json!({"union": parts})).unwrap();
    let e = union.next_open_micros(year(2026) + 40 * DAY).unwrap_err();
    assert_eq!(e.code(), "no_opening", "{e}");
    let e = union.next_close_micros(year(2026) + 40 * DAY).unwrap_err();
    assert_eq!(e.code(), "no_opening", "{e}");
    // Before the closure it still opens.
    assert!(union.next_open_micros(year(2025)).is_ok());
}

#[test]
fn a_failed_search_is_remembered() {
    // No single rule closes every day here, so the first search proves it year by year; the
    // answer is kept, and repeats (and the union over it) agree.
    let cal = Calendar::from_value(&closed_from("2030-06-01", true)).unwrap();
    let t = year(2031);
    let first = cal.next_open_micros(t).unwrap_err();
    let again = cal.next_open_micros(t).unwrap_err();
    assert_eq!(first.to_string(), again.to_string());
    assert_eq!(cal.elapsed_micros(t, END).unwrap(), 0);
    assert!(cal.next_open_micros(year(2030)).is_ok());
    limit_exceeded(Calendar::union(&vec![cal; MAX_UNION_PARTS + 1]), "union");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// The rule that closes every remaining day changes no answer: the same closures written
    /// so that no rule says so give the same results.
    #[test]
    fn closing_rule_changes_no_answer(
        days in 0i64..2000,
        offsets in proptest::collection::vec(-800i64..800, 3),
        d in 1i64..(400 * 3_600_000_000),
    ) {
        let from = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(days as u64);
        let from = from.format("%Y-%m-%d").to_string();
        let fast = Calendar::from_value(&closed_from(&from, false)).unwrap();
        let slow = Calendar::from_value(&closed_from(&from, true)).unwrap();
        for o in offsets {
            let t = year(2024) + (days + o) * DAY + 5 * 3_600_000_000;
            let show = |r: Result<i64, Error>| r.map_err(|e| e.code());
            prop_assert_eq!(show(fast.next_open_micros(t)), show(slow.next_open_micros(t)));
            prop_assert_eq!(show(fast.next_close_micros(t)), show(slow.next_close_micros(t)));
            prop_assert_eq!(show(fast.add_micros(t, d)), show(slow.add_micros(t, d)));
            prop_assert_eq!(show(fast.sub_micros(t, d)), show(slow.sub_micros(t, d)));
            prop_assert_eq!(show(fast.elapsed_micros(year(2020), t)), show(slow.elapsed_micros(year(2020), t)));
            prop_assert_eq!(show(fast.is_open_micros(t).map(i64::from)), show(slow.is_open_micros(t).map(i64::from)));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// elapsed(a, c) = elapsed(a, b) + elapsed(b, c) and elapsed(a, add(a, d)) = d over spans
    /// of up to ten thousand years, through kept, recent and total-only years alike.
    #[test]
    fn elapsed_is_additive_over_millennia(
        a in year(1)..END, b in year(1)..END, c in year(1)..END, d in 0i64..(1 << 50),
    ) {
        let cal = shared_office();
        let ab = cal.elapsed_micros(a, b).unwrap();
        let bc = cal.elapsed_micros(b, c).unwrap();
        prop_assert_eq!(cal.elapsed_micros(a, c).unwrap(), ab + bc);
        match cal.add_micros(a, d) {
            Ok(u) => prop_assert_eq!(cal.elapsed_micros(a, u).unwrap(), d),
            Err(e) => prop_assert_eq!(e.code(), "out_of_range"),
        }
    }
}

fn shared_office() -> &'static Calendar {
    static CAL: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();
    CAL.get_or_init(office)
}

#[test]
fn compile_budget_is_documented_as_a_number() {
    // The docs quote it; a change must change them.
    assert_eq!(MAX_COMPILED_PER_QUERY, 8_000_000);
}

fn with_conditions(n: usize) -> Value {
    let any: Vec<Value> = (0..n)
        .map(|i| json!({"field": "severity", "op": "eq", "value": format!("S{i}")}))
        .collect();
    json!({"processes": [{"id": "p", "milestones": [
        {"name": "m", "kind": "resolution", "target": "1h",
         "when": {"all": [{"field": "status", "op": "exists"}, {"any": any}]}}
    ]}]})
}

#[test]
fn criteria_breadth_at_its_limit_and_one_past() {
    // The root `all`, its first comparison and the `any` count too.
    Ruleset::from_value(&with_conditions(MAX_CRITERIA_CONDITIONS - 3)).expect("at the limit");
    let e = Ruleset::from_value(&with_conditions(MAX_CRITERIA_CONDITIONS - 2)).unwrap_err();
    assert_eq!(e.code(), "limit_exceeded", "{e}");
    assert!(
        e.to_string().contains("milestones[0].when.all[1].any["),
        "{e} names the condition"
    );
    // The 200,000 conditions are refused at load.
    let e = Ruleset::from_value(&with_conditions(200_000)).unwrap_err();
    assert_eq!(e.code(), "limit_exceeded", "{e}");
}

/// Open around the clock in a zone with DST, closed on the holidays given.
fn round_the_clock(holidays: Value) -> Calendar {
    let all_day: Value = json!(["00:00-24:00"]);
    let hours: serde_json::Map<String, Value> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| (d.to_string(), all_day.clone()))
        .collect();
    Calendar::from_value(&json!({"time_zone": "America/Los_Angeles", "hours": hours,
                                 "holidays": holidays}))
    .unwrap()
}

/// A `next_close` that walks to year 9999 without a break remembers where that opening starts;
/// later calls (from the same instant, later ones, and earlier ones that reach it) give exactly
/// the answers a fresh calendar gives.
#[test]
fn an_opening_to_the_end_of_the_range_is_remembered() {
    let holidays = json!([{"name": "Outage", "date": "2030-06-01"}]);
    let instants = [
        year(1),
        year(2026),
        year(2030) + 100 * DAY,
        year(2030) + 160 * DAY,
        year(2031),
        year(5000) + 7,
        END - 1,
    ];
    let code = |r: Result<i64, Error>| r.map_err(|e| e.code());
    for holidays in [json!([]), holidays] {
        let warmed = round_the_clock(holidays.clone());
        // Warm from the middle, then from the start: the second walk stops at the first's opening.
        for &t in instants.iter().rev().skip(1) {
            let _ = warmed.next_close_micros(t);
        }
        for &t in &instants {
            let fresh = round_the_clock(holidays.clone());
            assert_eq!(
                code(warmed.next_close_micros(t)),
                code(fresh.next_close_micros(t)),
                "next_close({t}) with holidays {holidays}"
            );
            assert_eq!(
                code(warmed.next_open_micros(t)),
                code(fresh.next_open_micros(t))
            );
        }
    }
    // The holiday still closes the calendar for those who ask before it.
    let cal = round_the_clock(json!([{"name": "Outage", "date": "2030-06-01"}]));
    assert_eq!(code(cal.next_close_micros(year(2031))), Err("no_opening"));
    let close = cal.next_close_micros(year(2026)).unwrap();
    assert!(year(2030) < close && close < year(2031), "{close}");
}
