//! Golden answers for daylight-saving transitions (America/New_York, 2026).

use chrono::TimeDelta;
use entitlement_core::Calendar;

use crate::common::at;

fn sunday(hours: &str) -> Calendar {
    Calendar::from_json(&format!(
        r#"{{"time_zone": "America/New_York", "hours": {{"sun": ["{hours}"]}}}}"#
    ))
    .unwrap()
}

fn sunday_total(cal: &Calendar, day: &str) -> TimeDelta {
    // From the Saturday before to the Monday after, in UTC: exactly that Sunday's open time.
    let a = at(&format!("{day}T00:00:00Z")) - TimeDelta::days(1);
    cal.elapsed(a, a + TimeDelta::days(3)).unwrap()
}

#[test]
fn spring_forward_day_loses_the_gap() {
    assert_eq!(
        sunday_total(&sunday("00:00-05:00"), "2026-03-08"),
        TimeDelta::hours(4)
    );
}

#[test]
fn fall_back_day_gains_the_fold() {
    assert_eq!(
        sunday_total(&sunday("00:00-05:00"), "2026-11-01"),
        TimeDelta::hours(6)
    );
}

#[test]
fn a_window_starting_in_the_gap_moves_forward_by_the_gap() {
    // 02:30 does not exist on 2026-03-08: the compatible rule reads it as 03:30 EDT.
    let cal = sunday("02:30-04:00");
    assert_eq!(sunday_total(&cal, "2026-03-08"), TimeDelta::minutes(30));
    let iv = cal
        .open_intervals(
            at("2026-03-08T00:00:00-05:00"),
            at("2026-03-09T00:00:00-04:00"),
        )
        .unwrap();
    assert_eq!(
        iv,
        vec![(
            at("2026-03-08T03:30:00-04:00"),
            at("2026-03-08T04:00:00-04:00")
        )]
    );
}

#[test]
fn a_window_starting_in_the_fold_takes_the_earlier_occurrence() {
    // 01:30 happens twice on 2026-11-01: the earlier (EDT) one starts the window.
    let cal = sunday("01:30-03:00");
    assert_eq!(sunday_total(&cal, "2026-11-01"), TimeDelta::minutes(150));
    assert!(cal.is_open(at("2026-11-01T01:30:00-04:00")).unwrap());
    assert!(!cal.is_open(at("2026-11-01T01:29:59-04:00")).unwrap());
}

#[test]
fn a_whole_day_is_23_or_25_hours_long_on_transition_days() {
    let cal = sunday("00:00-24:00");
    assert_eq!(sunday_total(&cal, "2026-03-08"), TimeDelta::hours(23));
    assert_eq!(sunday_total(&cal, "2026-11-01"), TimeDelta::hours(25));
    assert_eq!(sunday_total(&cal, "2026-11-08"), TimeDelta::hours(24));
    let whole = sunday("00:00-00:00");
    assert_eq!(sunday_total(&whole, "2026-11-01"), TimeDelta::hours(25));
}

#[test]
fn a_window_that_is_exactly_the_gap_is_dropped_and_one_inside_it_shifts() {
    // 02:00-03:00 becomes 03:00-03:00: empty, dropped. 02:10-02:50 becomes 03:10-03:50 EDT: both
    // ends move forward by the gap (the compatible rule), so it keeps its 40 minutes.
    let cal = Calendar::from_json(
        r#"{"time_zone": "America/New_York", "hours": {"sun": ["02:00-03:00", "09:00-10:00"]}}"#,
    )
    .unwrap();
    assert_eq!(sunday_total(&cal, "2026-03-08"), TimeDelta::hours(1));
    assert_eq!(sunday_total(&cal, "2026-03-15"), TimeDelta::hours(2));
    let inside = sunday("02:10-02:50");
    assert_eq!(sunday_total(&inside, "2026-03-08"), TimeDelta::minutes(40));
    assert!(inside.is_open(at("2026-03-08T03:10:00-04:00")).unwrap());
}

#[test]
fn zones_that_skip_midnight_start_the_day_at_one() {
    // America/Santiago springs forward at 24:00 on Saturday 2026-09-05: Sunday starts at 01:00.
    let cal = Calendar::from_json(
        r#"{"time_zone": "America/Santiago", "hours": {"sun": ["00:00-24:00"]}}"#,
    )
    .unwrap();
    let iv = cal
        .open_intervals(at("2026-09-05T00:00:00Z"), at("2026-09-08T00:00:00Z"))
        .unwrap();
    assert_eq!(
        iv,
        vec![(
            at("2026-09-06T01:00:00-03:00"),
            at("2026-09-07T00:00:00-03:00")
        )]
    );
}
