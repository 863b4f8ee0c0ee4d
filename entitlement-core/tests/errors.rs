//! Every malformed calendar we can think of gives a typed error naming its path.

use entitlement_core::{Calendar, Calendars, ErrorKind};
use serde_json::{Value, json};

/// (what is wrong, the definition, the expected code, a fragment the message must contain)
pub fn malformed_calendars() -> Vec<(&'static str, Value, &'static str, &'static str)> {
    let wk = |h: Value| json!({"time_zone": "America/New_York", "hours": h});
    vec![
        (
            "unknown zone",
            json!({"time_zone": "Mars/Olympus", "hours": {"mon": ["09:00-17:00"]}}),
            "unknown_time_zone",
            "time_zone",
        ),
        (
            "zone not a string",
            json!({"time_zone": 5, "hours": {"mon": ["09:00-17:00"]}}),
            "invalid_type",
            "time_zone",
        ),
        (
            "missing zone",
            json!({"hours": {"mon": ["09:00-17:00"]}}),
            "missing_key",
            "time_zone",
        ),
        (
            "overlapping intervals",
            wk(json!({"mon": ["09:00-12:00", "11:00-17:00"]})),
            "overlapping_intervals",
            "hours",
        ),
        (
            "overnight overlaps the next day",
            wk(json!({"fri": ["22:00-06:00"], "sat": ["05:00-09:00"]})),
            "overlapping_intervals",
            "sat 05:00-09:00",
        ),
        (
            "sunday overnight overlaps monday",
            wk(json!({"sun": ["20:00-02:00"], "mon": ["01:00-09:00"]})),
            "overlapping_intervals",
            "hours",
        ),
        (
            "one-digit hour",
            wk(json!({"mon": ["9:00-17:00"]})),
            "invalid_time",
            "hours.mon[0]",
        ),
        (
            "hour 25",
            wk(json!({"mon": ["25:00-26:00"]})),
            "invalid_time",
            "hours.mon[0]",
        ),
        (
            "no end",
            wk(json!({"mon": ["09:00"]})),
            "invalid_time",
            "hours.mon[0]",
        ),
        (
            "24:00 as a start",
            wk(json!({"mon": ["24:00-02:00"]})),
            "invalid_time",
            "hours.mon[0]",
        ),
        (
            "minute 60",
            wk(json!({"tue": ["09:60-10:00"]})),
            "invalid_time",
            "hours.tue[0]",
        ),
        (
            "interval not a string",
            wk(json!({"mon": [900]})),
            "invalid_type",
            "hours.mon[0]",
        ),
        (
            "unknown weekday",
            wk(json!({"monday": ["09:00-17:00"]})),
            "unknown_key",
            "monday",
        ),
        (
            "hours not a list",
            wk(json!({"mon": "09:00-17:00"})),
            "invalid_type",
            "hours.mon",
        ),
        (
            "hours not a mapping",
            wk(json!(["09:00-17:00"])),
            "invalid_type",
            "hours",
        ),
        (
            "unknown top-level key",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "timezone": "UTC"}),
            "unknown_key",
            "timezone",
        ),
        (
            "never open",
            json!({"time_zone": "UTC", "hours": {}}),
            "never_open",
            "never open",
        ),
        (
            "never open: only closing overrides",
            json!({"time_zone": "UTC", "overrides": [{"date": "2026-01-01", "hours": []}]}),
            "never_open",
            "never open",
        ),
        (
            "impossible holiday date",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"date": "2026-02-30"}]}),
            "invalid_date",
            "holidays[0].date",
        ),
        (
            "holiday date in another format",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"date": "03/09/2026"}]}),
            "invalid_date",
            "holidays[0].date",
        ),
        (
            "holiday with date and yearly",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"date": "2026-03-09", "yearly": "12-25"}]}),
            "invalid_value",
            "holidays[0]",
        ),
        (
            "holiday with no date",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"name": "x"}]}),
            "invalid_value",
            "holidays[0]",
        ),
        (
            "range without end",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"from": "2026-12-28"}]}),
            "missing_key",
            "holidays[0]",
        ),
        (
            "range backwards",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"from": "2026-12-31", "to": "2026-12-28"}]}),
            "invalid_value",
            "holidays[0].to",
        ),
        (
            "unknown observed rule",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"yearly": "07-04", "observed": "closest"}]}),
            "invalid_value",
            "holidays[0].observed",
        ),
        (
            "nth out of range",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"yearly": {"month": 11, "weekday": "thu", "nth": 6}}]}),
            "invalid_value",
            "holidays[0].yearly.nth",
        ),
        (
            "nth zero",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"yearly": {"month": 11, "weekday": "thu", "nth": 0}}]}),
            "invalid_value",
            "holidays[0].yearly.nth",
        ),
        (
            "bad yearly weekday",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"yearly": {"month": 11, "weekday": "thursday", "nth": 4}}]}),
            "invalid_value",
            "holidays[0].yearly.weekday",
        ),
        (
            "month 13",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"yearly": {"month": 13, "day": 1}}]}),
            "invalid_value",
            "holidays[0].yearly.month",
        ),
        (
            "yearly 02-30",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"yearly": "02-30"}]}),
            "invalid_date",
            "holidays[0].yearly",
        ),
        (
            "easter not an integer",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"yearly": {"easter": "-2"}}]}),
            "invalid_type",
            "holidays[0].yearly.easter",
        ),
        (
            "partial holiday bad hours",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"date": "2026-12-24", "hours": "noon-24:00"}]}),
            "invalid_time",
            "holidays[0].hours",
        ),
        (
            "unknown holiday key",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"date": "2026-12-24", "closed": true}]}),
            "unknown_key",
            "holidays[0]",
        ),
        (
            "holidays not a list",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": {"date": "2026-12-24"}}),
            "invalid_type",
            "holidays",
        ),
        (
            "bad override date",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "overrides": [{"date": "2026-13-01", "hours": []}]}),
            "invalid_date",
            "overrides[0].date",
        ),
        (
            "override without hours",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "overrides": [{"date": "2026-12-01"}]}),
            "missing_key",
            "overrides[0]",
        ),
        (
            "override overlapping itself",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "overrides": [{"date": "2026-12-01", "hours": ["09:00-12:00", "10:00-11:00"]}]}),
            "overlapping_intervals",
            "overrides[0].hours",
        ),
        (
            "two overrides for one date",
            json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "overrides": [{"date": "2026-12-01", "hours": []}, {"date": "2026-12-01", "hours": ["10:00-11:00"]}]}),
            "invalid_value",
            "overrides[1].date",
        ),
        (
            "empty union",
            json!({"union": []}),
            "invalid_value",
            "union",
        ),
        (
            "union of an unknown name",
            json!({"union": ["nowhere"]}),
            "unknown_calendar",
            "union[0]",
        ),
        (
            "union of a number",
            json!({"union": [5]}),
            "invalid_type",
            "union[0]",
        ),
        (
            "always_open false",
            json!({"always_open": false}),
            "invalid_value",
            "always_open",
        ),
        (
            "always_open with hours",
            json!({"always_open": true, "hours": {}}),
            "unknown_key",
            "hours",
        ),
        (
            "not a mapping",
            json!("24x7"),
            "invalid_type",
            "expected a mapping",
        ),
        ("null", Value::Null, "invalid_type", "expected a mapping"),
    ]
}

#[test]
fn every_malformed_calendar_gives_its_typed_error() {
    let cases = malformed_calendars();
    assert!(cases.len() >= 20);
    for (what, def, code, fragment) in cases {
        let err = Calendar::from_value(&def).expect_err(what);
        assert_eq!(err.code(), code, "{what}: {err}");
        assert_eq!(err.kind(), ErrorKind::Config, "{what}");
        assert!(
            err.to_string().contains(fragment),
            "{what}: {err:?} lacks {fragment:?}"
        );
    }
}

#[test]
fn document_errors_carry_the_calendar_path() {
    let doc = json!({"ny": {"time_zone": "America/New_York", "hours": {"mon": ["09:00-1700"]}}});
    let err = Calendars::from_value(&doc).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("calendars.ny.hours.mon[0]: invalid time"),
        "{err}"
    );
    let cyc = json!({"a": {"union": ["b"]}, "b": {"union": ["a"]}});
    assert_eq!(
        Calendars::from_value(&cyc).unwrap_err().code(),
        "calendar_cycle"
    );
    let selfref = json!({"a": {"union": ["a"]}});
    assert_eq!(
        Calendars::from_value(&selfref).unwrap_err().code(),
        "calendar_cycle"
    );
}

#[test]
fn syntax_errors_in_each_format_are_parse_errors() {
    assert_eq!(Calendar::from_json("{").unwrap_err().code(), "parse_error");
    assert_eq!(
        Calendar::from_yaml("a: [").unwrap_err().code(),
        "parse_error"
    );
    assert_eq!(
        Calendar::from_toml("a = ").unwrap_err().code(),
        "parse_error"
    );
    assert_eq!(Calendar::from_yaml("").unwrap_err().code(), "invalid_type");
}

#[test]
fn instants_and_durations_out_of_range_are_input_errors() {
    let cal = crate::common::reference_calendar();
    let e = cal
        .add_micros(entitlement_core::MAX_MICROS + 1, 0)
        .unwrap_err();
    assert_eq!((e.code(), e.kind()), ("out_of_range", ErrorKind::Input));
    let e = cal.add_micros(0, i64::MAX).unwrap_err();
    assert_eq!(e.code(), "out_of_range");
    let e = cal
        .add_micros(entitlement_core::MAX_MICROS - 1000, 3_600_000_000)
        .unwrap_err();
    assert_eq!(e.code(), "out_of_range");
    let e = cal
        .sub_micros(entitlement_core::MIN_MICROS + 10, 3_600_000_000)
        .unwrap_err();
    assert_eq!(e.code(), "out_of_range");
    assert_eq!(
        cal.sub_micros(0, i64::MIN).unwrap_err().code(),
        "out_of_range"
    );
    assert_eq!(
        cal.elapsed_micros(i64::MIN, 0).unwrap_err().code(),
        "out_of_range"
    );
}

#[test]
fn a_calendar_that_stops_opening_says_so_instead_of_looping() {
    let cal = Calendar::from_value(&json!({"time_zone": "UTC", "overrides": [{"date": "2026-06-01", "hours": ["09:00-10:00"]}]})).unwrap();
    let after = crate::common::us("2026-07-01T00:00:00Z");
    let e = cal.next_open_micros(after).unwrap_err();
    assert_eq!((e.code(), e.kind()), ("no_opening", ErrorKind::Calendar));
    assert_eq!(cal.add_micros(after, 1).unwrap_err().code(), "no_opening");
    assert_eq!(
        cal.next_close_micros(after).unwrap_err().code(),
        "no_opening"
    );
    let before = crate::common::us("2026-01-01T00:00:00Z");
    assert_eq!(
        cal.next_open_micros(before).unwrap(),
        crate::common::us("2026-06-01T09:00:00Z")
    );
    assert_eq!(cal.sub_micros(before, 1).unwrap_err().code(), "no_opening");
    assert_eq!(
        cal.elapsed_micros(entitlement_core::MIN_MICROS, entitlement_core::MAX_MICROS)
            .unwrap(),
        3_600_000_000
    );
    // A range holiday over the whole supported range closes everything: searches end, bounded.
    let closed = Calendar::from_value(
        &json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]},
        "holidays": [{"from": "2020-01-01", "to": "2030-12-31"}]}),
    )
    .unwrap();
    assert_eq!(
        closed
            .next_open_micros(crate::common::us("2021-01-01T00:00:00Z"))
            .unwrap(),
        crate::common::us("2031-01-06T09:00:00Z")
    );
}
