//! Business days (`5bd`, `Calendar::add_business_days`): the meaning of `docs/semantics.md`,
//! "Business days", checked against zendesk/biz's own examples, its edge cases, its laws, and
//! its use as a milestone target.

use chrono::TimeDelta;
use entitlement_core::{Calendar, Case, MilestoneState, Ruleset};
use proptest::prelude::*;
use serde_json::json;

use crate::common::{HOUR, at, us};

/// The schedule of zendesk/biz's specs (`spec/support/time.rb`, `schedule`): UTC, Mon/Wed/Fri
/// 09–17, Tue/Thu 10–16, Sat 11–14:30.
fn biz_schedule() -> Calendar {
    Calendar::from_yaml(
        r#"
time_zone: UTC
hours:
  mon: ["09:00-17:00"]
  tue: ["10:00-16:00"]
  wed: ["09:00-17:00"]
  thu: ["10:00-16:00"]
  fri: ["09:00-17:00"]
  sat: ["11:00-14:30"]
"#,
    )
    .expect("biz's spec schedule")
}

/// The `.day` / `.days` `#after` examples of zendesk/biz `spec/calculation/for_duration_spec.rb`
/// (scalar 2 unless said). 2006-01-02 is a Monday; Saturday has hours, so it is a business day.
/// Where biz reports the next opening and we report the close before it, the two are the same
/// moment of business time (`elapsed` between them is zero): our deadline is the earliest
/// instant with that business time, as every `add` here (stays-at-close), and biz's is the
/// latest. So every example agrees as business time; the written instants differ on purpose in
/// two of them.
#[test]
fn biz_spec_business_day_examples() {
    let cal = biz_schedule();
    // (start, days, biz's answer, ours)
    let vectors = [
        // "when the advanced time is within a period": Fri 12:00 + 2 = Mon 12:00 (Sat counts).
        (
            "2006-01-06T12:00:00Z",
            2,
            "2006-01-09T12:00:00Z",
            "2006-01-09T12:00:00Z",
        ),
        // "when the advanced time is before the first day period": Tue 08:00 + 2 is Thu 08:00,
        // before Thu's opening; biz rolls forward to Thu 10:00. Here the clock starts at Tue
        // 10:00 and the deadline Thu 10:00 is the same business moment as Wed's close.
        (
            "2006-01-03T08:00:00Z",
            2,
            "2006-01-05T10:00:00Z",
            "2006-01-04T17:00:00Z",
        ),
        // "when the advanced time is after the last day period": Tue 18:00 + 2 is Thu 18:00,
        // after Thu's close; biz rolls forward to Fri 09:00. Here the clock starts at Wed 09:00,
        // two days later is Fri 09:00, the same business moment as Thu's close.
        (
            "2006-01-03T18:00:00Z",
            2,
            "2006-01-06T09:00:00Z",
            "2006-01-05T16:00:00Z",
        ),
        // "retains second precision".
        (
            "2006-01-06T12:30:52Z",
            2,
            "2006-01-09T12:30:52Z",
            "2006-01-09T12:30:52Z",
        ),
        // "when the scalar is zero": the first active moment forward, the start itself here.
        (
            "2006-01-02T13:00:00Z",
            0,
            "2006-01-02T13:00:00Z",
            "2006-01-02T13:00:00Z",
        ),
    ];
    for (start, days, biz, ours) in vectors {
        let got = cal.add_business_days(at(start), days).unwrap();
        assert_eq!(got, at(ours), "{start} + {days}bd");
        assert_eq!(
            cal.elapsed(got, at(biz)).unwrap(),
            TimeDelta::zero(),
            "{start} + {days}bd: ours {got} and biz's {biz} are the same business moment"
        );
    }
}

/// Mon–Fri 09–17 in New York, with Thanksgiving (Thu 2026-11-26) and the day after it a half
/// day (an override, 09–13).
fn new_york() -> Calendar {
    Calendar::from_yaml(
        r#"
time_zone: America/New_York
hours: { mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"],
         thu: ["09:00-17:00"], fri: ["09:00-17:00"] }
holidays: [ { name: Thanksgiving, date: 2026-11-26 } ]
overrides: [ { date: 2026-11-27, hours: ["09:00-13:00"] } ]
"#,
    )
    .expect("New York calendar")
}

#[test]
fn a_start_mid_day_is_due_at_the_same_wall_clock_time() {
    let cal = new_york();
    let due = cal
        .add_business_days(at("2026-11-16T13:15:00-05:00"), 5)
        .unwrap();
    assert_eq!(due, at("2026-11-23T13:15:00-05:00"));
    // Five whole days of 8 hours: what `40h` would say when every day is alike.
    assert_eq!(
        cal.elapsed(at("2026-11-16T13:15:00-05:00"), due).unwrap(),
        TimeDelta::hours(40)
    );
}

#[test]
fn a_start_outside_hours_counts_from_the_next_opening() {
    let cal = new_york();
    // Saturday: the clock starts Monday 09:00; one day later is Tuesday 09:00, the same moment
    // as Monday's close, which is reported.
    assert_eq!(
        cal.add_business_days(at("2026-11-21T10:00:00-05:00"), 1)
            .unwrap(),
        at("2026-11-23T17:00:00-05:00")
    );
    // Zero days: the start itself, as `add(t, 0)`.
    assert_eq!(
        cal.add_business_days(at("2026-11-21T10:00:00-05:00"), 0)
            .unwrap(),
        at("2026-11-21T10:00:00-05:00")
    );
    // Before the opening on a Monday: as if started at 09:00.
    assert_eq!(
        cal.add_business_days(at("2026-11-16T07:00:00-05:00"), 2)
            .unwrap(),
        at("2026-11-17T17:00:00-05:00")
    );
    // After the close: the next opening, Tuesday 09:00.
    assert_eq!(
        cal.add_business_days(at("2026-11-16T18:30:00-05:00"), 1)
            .unwrap(),
        at("2026-11-17T17:00:00-05:00")
    );
}

#[test]
fn a_start_on_a_holiday_counts_from_the_next_opening() {
    let cal = new_york();
    // Thanksgiving 11:00: the clock starts Friday 09:00 (the half day); one day later is
    // Monday 09:00, the same moment as Friday's 13:00 close.
    assert_eq!(
        cal.add_business_days(at("2026-11-26T11:00:00-05:00"), 1)
            .unwrap(),
        at("2026-11-27T13:00:00-05:00")
    );
    // The holiday is not a business day: Wednesday + 1 is Friday.
    assert_eq!(
        cal.add_business_days(at("2026-11-25T10:00:00-05:00"), 1)
            .unwrap(),
        at("2026-11-27T10:00:00-05:00")
    );
}

#[test]
fn a_shorter_last_day_ends_at_its_close() {
    let cal = new_york();
    // Wednesday 15:00 + 1: Friday 15:00, but Friday closes at 13:00: due at 13:00 that day
    // (biz would roll to Monday's opening, the same business moment).
    let due = cal
        .add_business_days(at("2026-11-25T15:00:00-05:00"), 1)
        .unwrap();
    assert_eq!(due, at("2026-11-27T13:00:00-05:00"));
    assert_eq!(
        cal.elapsed(due, at("2026-11-30T09:00:00-05:00")).unwrap(),
        TimeDelta::zero()
    );
}

#[test]
fn a_deadline_across_a_dst_change_keeps_the_wall_clock_time() {
    // Open all day every day in New York: 2026-11-01 is 25 hours long (fall back).
    let cal = Calendar::from_yaml(
        r#"
time_zone: America/New_York
hours: { mon: ["00:00-24:00"], tue: ["00:00-24:00"], wed: ["00:00-24:00"],
         thu: ["00:00-24:00"], fri: ["00:00-24:00"], sat: ["00:00-24:00"], sun: ["00:00-24:00"] }
"#,
    )
    .unwrap();
    let start = at("2026-10-31T12:00:00-04:00");
    let due = cal.add_business_days(start, 2).unwrap();
    assert_eq!(due, at("2026-11-02T12:00:00-05:00"));
    assert_eq!(cal.elapsed(start, due).unwrap(), TimeDelta::hours(49));
    // Spring forward: 02:30 does not exist on 2026-03-08, it becomes 03:30 (compatible rule).
    let due = cal
        .add_business_days(at("2026-03-07T02:30:00-05:00"), 1)
        .unwrap();
    assert_eq!(due, at("2026-03-08T03:30:00-04:00"));
}

#[test]
fn the_always_open_calendar_counts_utc_days() {
    let cal = Calendar::always_open();
    let t = at("2026-03-07T02:30:00Z");
    assert_eq!(cal.add_business_days(t, 3).unwrap(), t + TimeDelta::days(3));
    let e = cal.add_business_days(t, 10_001).unwrap_err();
    assert_eq!(e.code(), "invalid_value");
}

#[test]
fn a_calendar_that_never_opens_again_is_a_typed_error() {
    let cal = Calendar::from_yaml(
        "time_zone: UTC\nhours: {}\noverrides: [ { date: 2026-01-05, hours: [\"09:00-17:00\"] } ]\n",
    )
    .unwrap();
    let e = cal
        .add_business_days(at("2026-01-05T10:00:00Z"), 1)
        .unwrap_err();
    assert_eq!(e.code(), "no_opening");
}

fn weekday_calendar(zone: &str) -> Calendar {
    Calendar::from_value(&json!({
        "time_zone": zone,
        "hours": {"mon": ["09:00-12:00", "13:00-17:00"], "tue": ["09:00-17:00"],
                  "wed": ["10:00-16:00"], "thu": ["09:00-17:00"], "fri": ["09:00-13:00"]},
        "holidays": [{"name": "Boxing Day", "yearly": "12-26"}]
    }))
    .unwrap()
}

const ZONES: [&str; 4] = ["America/New_York", "Europe/London", "Asia/Kolkata", "UTC"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// More business days never give an earlier deadline, and every deadline is later than
    /// the start, open or at a close (never in the middle of closed time).
    #[test]
    fn deadlines_are_monotonic_and_land_in_hours_or_at_a_close(
        zone in 0..ZONES.len(),
        t in us("2025-01-01T00:00:00Z")..us("2028-01-01T00:00:00Z"),
        n in 1u32..30,
    ) {
        let cal = weekday_calendar(ZONES[zone]);
        let due = cal.add_business_days_micros(t, n).unwrap();
        let next = cal.add_business_days_micros(t, n + 1).unwrap();
        prop_assert!(due > t);
        prop_assert!(next > due, "{n}bd {due} then {next}");
        prop_assert!(cal.is_open_micros(due).unwrap() || cal.is_open_micros(due - 1).unwrap());
        // The business time is at least the n - 1 whole days between the start's and the
        // deadline's, the shortest of which is 4 hours.
        prop_assert!(cal.elapsed_micros(t, due).unwrap() >= i64::from(n - 1) * 4 * HOUR);
        // add_business_days is add of its business time.
        let span = cal.business_days_micros(t, n).unwrap();
        prop_assert_eq!(cal.add_micros(t, span).unwrap(), due);
    }

    /// On the always-open calendar a business day is a day.
    #[test]
    fn on_a_24_7_calendar_n_business_days_are_n_days(
        t in us("0100-01-01T00:00:00Z")..us("9000-01-01T00:00:00Z"),
        n in 0u32..400,
    ) {
        let cal = Calendar::always_open();
        prop_assert_eq!(cal.add_business_days_micros(t, n).unwrap(), t + i64::from(n) * 24 * HOUR);
    }
}

const RULES: &str = r#"
calendars:
  ny:
    time_zone: America/New_York
    hours: { mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"],
             thu: ["09:00-17:00"], fri: ["09:00-17:00"] }
    holidays: [ { name: Thanksgiving, date: 2026-11-26 } ]
processes:
  - id: standard
    calendar: ny
    pause_statuses: [pending_customer]
    milestones:
      - name: Resolution
        kind: resolution
        target: { by: severity, values: { Sev1: 8h, Sev3: 5bd }, default: 2bd }
        triggers:
          - { at: "50%", level: warning }
          - { at: "-1h", level: critical }
"#;

fn resolution(
    rules: &Ruleset,
    case: serde_json::Value,
    now: &str,
) -> entitlement_core::MilestoneStatus {
    let case = Case::from_value(&case).unwrap();
    rules.evaluate(&case, at(now)).unwrap().remove(0)
}

#[test]
fn a_business_day_target_resolves_when_the_clock_starts() {
    let rules = Ruleset::from_yaml(RULES).unwrap();
    // Monday 2026-11-23 13:00 New York, 5bd: Tue, Wed, Fri (Thanksgiving skipped), Mon, Tue.
    let s = resolution(
        &rules,
        json!({"id": "C-1", "process": "standard", "created_at": "2026-11-23T18:00:00Z",
               "fields": {"severity": "Sev3"}}),
        "2026-11-24T14:00:00Z",
    );
    assert_eq!(s.target_at, Some(at("2026-12-01T13:00:00-05:00")));
    assert_eq!(s.target, Some(TimeDelta::hours(40)));
    assert_eq!(s.state, MilestoneState::InProgress);
    // The 50% trigger is half of the resolved business time; `-1h` an hour before the deadline.
    assert_eq!(s.triggers[0].at, at("2026-11-25T17:00:00-05:00"));
    assert_eq!(s.triggers[1].at, at("2026-12-01T12:00:00-05:00"));
    // The default tier, 2bd, from a start after hours: due at the close of the second day.
    let s = resolution(
        &rules,
        json!({"id": "C-2", "process": "standard", "created_at": "2026-11-23T23:00:00Z",
               "fields": {"severity": "Sev2"}}),
        "2026-11-24T14:00:00Z",
    );
    assert_eq!(s.target_at, Some(at("2026-11-25T17:00:00-05:00")));
    assert_eq!(s.target, Some(TimeDelta::hours(16)));
}

#[test]
fn a_pause_pushes_a_business_day_deadline_out_by_the_paused_business_time() {
    let rules = Ruleset::from_yaml(RULES).unwrap();
    // 2bd from Monday 13:00 is Wednesday 13:00 (16h); paused Tuesday 10:00–12:00 (2h).
    let s = resolution(
        &rules,
        json!({"id": "C-3", "process": "standard", "created_at": "2026-11-23T18:00:00Z",
               "fields": {"severity": "Sev2"},
               "events": [
                 {"type": "status", "at": "2026-11-24T15:00:00Z", "to": "pending_customer"},
                 {"type": "status", "at": "2026-11-24T17:00:00Z", "to": "open"}]}),
        "2026-11-25T14:00:00Z",
    );
    assert_eq!(s.target, Some(TimeDelta::hours(16)));
    assert_eq!(s.paused, TimeDelta::hours(2));
    assert_eq!(s.target_at, Some(at("2026-11-25T15:00:00-05:00")));
}

#[test]
fn business_days_round_trip_and_are_refused_where_they_mean_nothing() {
    let rules = Ruleset::from_yaml(RULES).unwrap();
    let target = &rules.to_value()["processes"][0]["milestones"][0]["target"];
    assert_eq!(
        target,
        &json!({"by": "severity", "values": {"Sev1": "8h", "Sev3": "5bd"}, "default": "2bd"})
    );
    let again = Ruleset::from_value(&rules.to_value()).unwrap();
    assert_eq!(again.to_value(), rules.to_value());

    // A trigger offset is a length of business time: `bd` is refused there, naming the path.
    let bad = RULES.replace(r#"at: "-1h""#, r#"at: "-1bd""#);
    let e = Ruleset::from_yaml(&bad).unwrap_err();
    assert_eq!(e.code(), "invalid_value");
    assert!(
        e.to_string()
            .starts_with("processes[0].milestones[0].triggers[1].at: "),
        "{e}"
    );
    // Fractions, zero and sums with other units have no meaning.
    for written in ["1.5bd", "0bd", "1bd4h", "-2bd"] {
        let bad = RULES.replace("5bd", written);
        let e = Ruleset::from_yaml(&bad).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("processes[0].milestones[0].target.values.Sev3: "),
            "{written}: {e}"
        );
    }
}

/// `09:00-09:00` is a whole day in a document (an end not after its start runs overnight), but
/// empty in zendesk/biz (its `spec/validation_spec.rb` refuses `{'09:00' => '09:00'}` as
/// "nonsensical hours") and in businesstimedelta. The importers of vendor formats must not turn
/// such a record into a 24-hour day: only Salesforce's documented `00:00`–`00:00` is one.
#[test]
fn importers_never_read_a_start_equal_to_its_end_as_a_whole_day() {
    use entitlement_core::import::{ics, salesforce, zendesk};
    let e = salesforce::business_hours(
        &json!([{"Id": "01m1", "Name": "Odd", "TimeZoneSidKey": "UTC",
                 "MondayStartTime": "09:00:00.000Z", "MondayEndTime": "09:00:00.000Z",
                 "TuesdayStartTime": "09:00:00.000Z", "TuesdayEndTime": "17:00:00.000Z"}]),
        None,
    )
    .unwrap_err();
    assert_eq!(e.code(), "unsupported");
    assert!(e.to_string().contains("MondayEndTime"), "{e}");
    let whole = salesforce::business_hours(
        &json!([{"Id": "01m2", "Name": "Whole", "TimeZoneSidKey": "UTC",
                 "MondayStartTime": "00:00:00.000Z", "MondayEndTime": "00:00:00.000Z"}]),
        None,
    )
    .unwrap();
    assert_eq!(
        whole.document["calendars"]["Whole"]["hours"],
        json!({"mon": ["00:00-24:00"]})
    );
    let e = zendesk::schedules(
        &json!({"schedule": {"id": 1, "name": "Odd", "time_zone": "UTC",
            "intervals": [{"start_time": 1980, "end_time": 1980}]}}),
        None,
    )
    .unwrap_err();
    assert_eq!(e.code(), "unsupported");
    assert!(e.to_string().contains("intervals[0]"), "{e}");
    let imported = ics::holidays(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n\
         DTSTAMP:20260101T000000Z\r\nSUMMARY:Odd\r\nDTSTART:20260105T090000Z\r\n\
         DTEND:20260105T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        "odd.ics",
        "UTC",
    );
    // A timed event that lasts no time closes nothing: refused, never a whole closed day.
    match imported {
        Err(e) => assert!(e.to_string().contains("DTEND"), "{e}"),
        Ok(i) => assert!(
            !i.document.to_string().contains("2026-01-05"),
            "{}",
            i.document
        ),
    }
}
