//! The hand-checked reference answers of `docs/semantics.md`, and examples of each calendar feature.

use chrono::TimeDelta;
use entitlement_core::{Calendar, Calendars};

use crate::common::{HOUR, at, reference_calendar, us};

#[test]
fn spec_reference_answers() {
    let cal = reference_calendar();
    // Fri 16:00 EST + 8 business hours: 1 h on Friday, Monday is a holiday, 7 h on Tuesday (EDT).
    assert_eq!(
        cal.add(at("2026-03-06T16:00:00-05:00"), TimeDelta::hours(8))
            .unwrap(),
        at("2026-03-10T16:00:00-04:00")
    );
    assert_eq!(
        cal.elapsed(
            at("2026-03-06T10:00:00-05:00"),
            at("2026-03-10T11:00:00-04:00")
        )
        .unwrap(),
        TimeDelta::hours(9)
    );
    assert_eq!(
        cal.elapsed(
            at("2026-03-10T11:00:00-04:00"),
            at("2026-03-06T10:00:00-05:00")
        )
        .unwrap(),
        TimeDelta::hours(-9)
    );
    // Stays at close.
    assert_eq!(
        cal.add(at("2026-03-06T16:00:00-05:00"), TimeDelta::hours(1))
            .unwrap(),
        at("2026-03-06T17:00:00-05:00")
    );
    let saturday = at("2026-03-07T12:00:00-05:00");
    assert_eq!(cal.add(saturday, TimeDelta::zero()).unwrap(), saturday);
    assert_eq!(
        cal.next_open(saturday).unwrap(),
        at("2026-03-10T09:00:00-04:00")
    );
    // And back again: the latest instant 8 h before Tuesday 16:00 is Friday 16:00.
    assert_eq!(
        cal.sub(at("2026-03-10T16:00:00-04:00"), TimeDelta::hours(8))
            .unwrap(),
        at("2026-03-06T16:00:00-05:00")
    );
}

#[test]
fn open_intervals_are_half_open_and_next_close_skips_closed_time() {
    let cal = reference_calendar();
    assert!(cal.is_open(at("2026-03-06T09:00:00-05:00")).unwrap());
    assert!(!cal.is_open(at("2026-03-06T17:00:00-05:00")).unwrap());
    assert!(
        !cal.is_open(at("2026-03-09T10:00:00-04:00")).unwrap(),
        "holiday"
    );
    assert_eq!(
        cal.next_close(at("2026-03-06T10:00:00-05:00")).unwrap(),
        at("2026-03-06T17:00:00-05:00")
    );
    assert_eq!(
        cal.next_close(at("2026-03-06T17:00:00-05:00")).unwrap(),
        at("2026-03-10T17:00:00-04:00")
    );
    let iv = cal
        .open_intervals(
            at("2026-03-06T12:00:00-05:00"),
            at("2026-03-10T12:00:00-04:00"),
        )
        .unwrap();
    assert_eq!(
        iv,
        vec![
            (
                at("2026-03-06T12:00:00-05:00"),
                at("2026-03-06T17:00:00-05:00")
            ),
            (
                at("2026-03-10T09:00:00-04:00"),
                at("2026-03-10T12:00:00-04:00")
            ),
        ]
    );
}

fn spec_document() -> Calendars {
    let doc = entitlement_core::document::parse(
        r#"
ny-support:
  time_zone: America/New_York
  hours:
    mon: ["09:00-17:00"]
    tue: ["09:00-12:00", "13:00-17:00"]
    fri: ["09:00-17:00", "22:00-06:00"]
    sat: []
  holidays:
    - { name: Spring closure, date: 2026-03-09 }
    - { name: Shutdown, from: 2026-12-28, to: 2026-12-31 }
    - { name: Christmas Eve, date: 2026-12-24, hours: "12:00-24:00" }
    - { name: Christmas, yearly: "12-25" }
    - { name: Independence Day, yearly: "07-04", observed: nearest_weekday }
    - { name: Thanksgiving, yearly: { month: 11, weekday: thu, nth: 4 } }
    - { name: Memorial Day, yearly: { month: 5, weekday: mon, nth: -1 } }
    - { name: Good Friday, yearly: { easter: -2 } }
  overrides:
    - { date: 2026-12-26, hours: ["10:00-14:00"] }
    - { date: 2026-12-23, hours: [] }
london: { time_zone: Europe/London, hours: { mon: ["09:00-17:00"] } }
follow-the-sun: { union: [london, ny-support] }
24x7: { always_open: true }
"#,
        entitlement_core::document::Format::Yaml,
    )
    .unwrap();
    Calendars::from_value(&doc).unwrap()
}

#[test]
fn the_spec_document_example_loads_and_every_feature_answers() {
    let cals = spec_document();
    assert_eq!(
        cals.names(),
        vec!["24x7", "follow-the-sun", "london", "ny-support"]
    );
    let ny = cals.get("ny-support").unwrap();
    // Overnight Friday 22:00 to Saturday 06:00 belongs to Friday.
    assert!(ny.is_open(at("2026-11-21T03:00:00-05:00")).unwrap());
    assert!(!ny.is_open(at("2026-11-21T06:00:00-05:00")).unwrap());
    // Lunch break on Tuesday.
    assert!(!ny.is_open(at("2026-11-24T12:30:00-05:00")).unwrap());
    // Thanksgiving (4th Thursday) is closed... Thursdays are closed anyway; Good Friday is not.
    assert!(
        !ny.is_open(at("2026-04-03T10:00:00-04:00")).unwrap(),
        "Good Friday 2026-04-03"
    );
    assert!(ny.is_open(at("2026-04-10T10:00:00-04:00")).unwrap());
    // Memorial Day: last Monday of May 2026 is the 25th.
    assert!(!ny.is_open(at("2026-05-25T10:00:00-04:00")).unwrap());
    assert!(ny.is_open(at("2026-05-18T10:00:00-04:00")).unwrap());
    // Independence Day 2026 is a Saturday: observed Friday 07-03, which closes the Friday
    // daytime and the overnight shift that starts that day.
    assert!(!ny.is_open(at("2026-07-03T10:00:00-04:00")).unwrap());
    assert!(!ny.is_open(at("2026-07-03T23:00:00-04:00")).unwrap());
    // A yearly 11-25 Christmas on Friday 2026-12-25 closes the day and the overnight part up to
    // midnight; the shift continues after midnight into Saturday the 26th, which has an override.
    assert!(!ny.is_open(at("2026-12-25T23:00:00-05:00")).unwrap());
    assert!(ny.is_open(at("2026-12-26T01:00:00-05:00")).unwrap());
    assert!(
        ny.is_open(at("2026-12-26T11:00:00-05:00")).unwrap(),
        "Saturday override"
    );
    assert!(!ny.is_open(at("2026-12-26T15:00:00-05:00")).unwrap());
    // Christmas Eve (Thursday: closed anyway); the override closes Wednesday the 23rd... which is
    // closed weekly too; the shutdown closes Monday 28th to Thursday 31st.
    assert!(!ny.is_open(at("2026-12-28T10:00:00-05:00")).unwrap());
    assert!(
        ny.is_open(at("2027-01-01T10:00:00-05:00")).unwrap(),
        "Friday 2027-01-01 has no holiday rule"
    );
    // The union is open when either is.
    let sun = cals.get("follow-the-sun").unwrap();
    assert!(
        sun.is_open(at("2026-11-23T09:30:00+00:00")).unwrap(),
        "London Monday morning"
    );
    assert!(
        sun.is_open(at("2026-11-23T20:00:00+00:00")).unwrap(),
        "New York Monday afternoon"
    );
    assert!(
        !sun.is_open(at("2026-11-24T10:00:00+00:00")).unwrap(),
        "London closed Tuesday, NY not yet open"
    );
    let all = cals.get("24x7").unwrap();
    assert_eq!(
        all.elapsed(
            at("2026-03-08T00:00:00-05:00"),
            at("2026-03-09T00:00:00-04:00")
        )
        .unwrap(),
        TimeDelta::hours(23)
    );
}

#[test]
fn partial_day_holiday_cuts_by_time_and_overrides_ignore_same_day_holidays() {
    let cal = Calendar::from_yaml(
        r#"
time_zone: Europe/Berlin
hours: { thu: ["09:00-17:00"], fri: ["09:00-17:00"] }
holidays:
  - { date: 2026-12-24, hours: "12:00-24:00" }
  - { date: 2026-12-25 }
overrides:
  - { date: 2026-12-25, hours: ["10:00-12:00"] }
"#,
    )
    .unwrap();
    // Thursday 24th: open 09-12 only; Friday 25th: the override opens 10-12 despite the holiday.
    assert_eq!(
        cal.elapsed(
            at("2026-12-24T00:00:00+01:00"),
            at("2026-12-26T00:00:00+01:00")
        )
        .unwrap(),
        TimeDelta::hours(5)
    );
}

#[test]
fn uk_substitute_days() {
    let cal = Calendar::from_yaml(
        r#"
time_zone: Europe/London
hours: { mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"] }
holidays:
  - { name: Christmas Day, yearly: "12-25", observed: next_weekday }
  - { name: Boxing Day, yearly: "12-26", observed: next_weekday }
"#,
    )
    .unwrap();
    // 2021: Christmas Saturday -> Monday 27th, Boxing Day Sunday -> Tuesday 28th; Wednesday open.
    assert!(!cal.is_open(at("2021-12-27T10:00:00Z")).unwrap());
    assert!(!cal.is_open(at("2021-12-28T10:00:00Z")).unwrap());
    assert!(cal.is_open(at("2021-12-29T10:00:00Z")).unwrap());
}

#[test]
fn add_in_microseconds_survives_round_trips() {
    let cal = reference_calendar();
    let t = us("2026-03-06T10:00:00.123456-05:00");
    let d = 5 * HOUR + 7;
    let u = cal.add_micros(t, d).unwrap();
    assert_eq!(cal.elapsed_micros(t, u).unwrap(), d);
    assert_eq!(cal.sub_micros(u, d).unwrap(), t);
}

#[test]
fn a_ten_year_span_is_answered_exactly() {
    let cal = reference_calendar();
    let a = us("2026-01-05T09:00:00-05:00");
    let u = cal.add_micros(a, 10 * 2080 * HOUR).unwrap();
    assert_eq!(cal.elapsed_micros(a, u).unwrap(), 10 * 2080 * HOUR);
    assert_eq!(cal.add_micros(u, -10 * 2080 * HOUR).unwrap(), a);
}
