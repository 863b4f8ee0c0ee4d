//! The iCalendar importer against the fixtures of `examples/data/import/ics/`: every deadline and
//! opening below was worked out by hand from the feed and a weekday calendar (the comments say
//! how), not by the engine.

use std::path::PathBuf;

use chrono::TimeDelta;
use entitlement_core::Calendar;
use entitlement_core::import::{Import, ics};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::at;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/data/import/ics")
        .join(name);
    std::fs::read_to_string(path).expect("fixture")
}

fn weekdays(zone: &str) -> Value {
    let day = json!(["09:00-17:00"]);
    json!({"time_zone": zone, "hours": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day}})
}

fn imported(file: &str, zone: &str) -> (Import, Calendar) {
    let import = ics::calendar(&fixture(file), file, "support", &weekdays(zone)).expect("import");
    let cal = import.calendar(Some("support")).expect("calendar");
    (import, cal)
}

fn open(cal: &Calendar, t: &str) -> bool {
    cal.is_open(at(t)).expect("is_open")
}

fn add(cal: &Calendar, t: &str, hours: i64) -> chrono::DateTime<chrono::Utc> {
    cal.add(at(t), TimeDelta::hours(hours)).expect("add")
}

#[test]
fn us_federal_feed_with_yearly_rules_imports() {
    let (import, cal) = imported("us-federal.ics", "America/New_York");
    let hol = &import.document["calendars"]["support"]["holidays"];
    assert_eq!(hol.as_array().map(Vec::len), Some(11));
    assert_eq!(
        hol[9],
        json!({"name": "Thanksgiving Day", "yearly": {"month": 11, "weekday": "thu", "nth": 4}, "starts": "2021-11-25"})
    );
    assert_eq!(
        hol[3]["yearly"],
        json!({"month": 5, "weekday": "mon", "nth": -1})
    );
    assert_eq!(hol[1]["name"], "Birthday of Martin Luther King, Jr.");
    assert!(import.warnings.is_empty(), "{:?}", import.warnings);

    // Thanksgiving, the 4th Thursday of November: Nov 1 is a Sun (2026), Mon (2027), Wed (2028),
    // Thu (2029), Fri (2030), so the first Thursday is the 5th, 4th, 2nd, 1st, 7th and the fourth
    // three weeks later.
    for (day, before) in [
        ("2026-11-26", "2026-11-25"),
        ("2027-11-25", "2027-11-24"),
        ("2028-11-23", "2028-11-22"),
        ("2029-11-22", "2029-11-21"),
        ("2030-11-28", "2030-11-27"),
    ] {
        assert!(!open(&cal, &format!("{day}T12:00:00-05:00")), "{day}");
        assert!(open(&cal, &format!("{before}T12:00:00-05:00")), "{before}");
        // Wednesday 16:00 + 2 h: one hour on Wednesday, Thursday closed, Friday 09:00 + 1 h.
        let friday =
            chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap() + chrono::Days::new(1);
        assert_eq!(
            add(&cal, &format!("{before}T16:00:00-05:00"), 2),
            at(&format!("{friday}T10:00:00-05:00"))
        );
    }
    // Memorial Day, the last Monday of May: 2026-05-25, 2027-05-31.
    assert!(!open(&cal, "2026-05-25T10:00:00-04:00"));
    assert!(!open(&cal, "2027-05-31T10:00:00-04:00"));
    assert!(open(&cal, "2027-05-24T10:00:00-04:00"));
    // Labor Day, first Monday of September 2026: Sep 1 is a Tuesday, so Sep 7. Friday Sep 4
    // 16:30 + 1 h: 30 min on Friday, Monday closed, Tuesday 09:30.
    assert_eq!(
        add(&cal, "2026-09-04T16:30:00-04:00", 1),
        at("2026-09-08T09:30:00-04:00")
    );
    // Christmas 2026 is a Friday; no observed shift is in the feed, so Christmas 2027 (a
    // Saturday) closes nothing on Friday Dec 24, 2027.
    assert!(!open(&cal, "2026-12-25T10:00:00-05:00"));
    assert!(open(&cal, "2027-12-24T10:00:00-05:00"));
    // No rule before its DTSTART: Juneteenth starts in 2021, so 2020-06-19 (a Friday) is open.
    assert!(open(&cal, "2020-06-19T10:00:00-04:00"));
    assert!(!open(&cal, "2026-06-19T10:00:00-04:00"));
}

#[test]
fn uk_bank_holiday_feed_of_dated_events_imports() {
    let (import, cal) = imported("uk-bank-holidays.ics", "Europe/London");
    let hol = &import.document["calendars"]["support"]["holidays"];
    assert_eq!(
        hol[0],
        json!({"name": "New Year’s Day", "date": "2026-01-01"})
    );
    assert_eq!(hol.as_array().map(Vec::len), Some(8));
    // Thursday 2026-04-02 16:00 BST + 2 h: one hour on Thursday, Good Friday, the weekend and
    // Easter Monday closed, Tuesday 09:00 + 1 h.
    assert_eq!(
        add(&cal, "2026-04-02T16:00:00+01:00", 2),
        at("2026-04-07T10:00:00+01:00")
    );
    // Boxing Day's substitute, Monday 2026-12-28, and Christmas on the Friday.
    assert!(!open(&cal, "2026-12-28T10:00:00Z"));
    assert!(!open(&cal, "2026-12-25T10:00:00Z"));
    assert!(open(&cal, "2026-12-29T10:00:00Z"));
    assert!(open(&cal, "2026-12-24T10:00:00Z"));
}

#[test]
fn google_feed_shape_imports() {
    let (import, cal) = imported("google-us-holidays.ics", "America/New_York");
    let hol = &import.document["calendars"]["support"]["holidays"];
    // The escaped comma is unescaped; the two-day event (DTEND exclusive) is a range.
    assert_eq!(
        hol[4],
        json!({"name": "New Year, observed shutdown", "from": "2026-12-31", "to": "2027-01-01"})
    );
    // TRANSP:TRANSPARENT events still close the calendar (docs/import-ics.md).
    assert!(!open(&cal, "2026-11-26T10:00:00-05:00"));
    // Wednesday Nov 25 16:00 + 2 h: Thanksgiving and the day after are closed, so Monday
    // Nov 30 10:00.
    assert_eq!(
        add(&cal, "2026-11-25T16:00:00-05:00", 2),
        at("2026-11-30T10:00:00-05:00")
    );
    // Wednesday Dec 30 16:00 + 2 h: Thu Dec 31 and Fri Jan 1 closed, Monday Jan 4 10:00.
    assert_eq!(
        add(&cal, "2026-12-30T16:00:00-05:00", 2),
        at("2027-01-04T10:00:00-05:00")
    );
}

#[test]
fn office_closures_cover_timed_and_bounded_rules() {
    let (import, cal) = imported("office-closures.ics", "America/New_York");
    let hol = import.document["calendars"]["support"]["holidays"]
        .as_array()
        .cloned()
        .unwrap();
    let by_name =
        |name: &str| -> Vec<Value> { hol.iter().filter(|h| h["name"] == name).cloned().collect() };
    assert_eq!(
        by_name("Christmas Eve (closed from noon)"),
        vec![
            json!({"name": "Christmas Eve (closed from noon)", "date": "2026-12-24", "hours": "12:00-24:00"})
        ]
    );
    // 03:00Z-07:00Z on Nov 27 is 22:00-02:00 EST: split at local midnight.
    assert_eq!(
        by_name("Overnight maintenance"),
        vec![
            json!({"name": "Overnight maintenance", "date": "2026-11-26", "hours": "22:00-24:00"}),
            json!({"name": "Overnight maintenance", "date": "2026-11-27", "hours": "00:00-02:00"}),
        ]
    );
    assert_eq!(
        by_name("Year-end shutdown"),
        vec![
            json!({"name": "Year-end shutdown", "date": "2026-12-30", "hours": "13:00-24:00"}),
            json!({"name": "Year-end shutdown", "from": "2026-12-31", "to": "2027-01-03"}),
            json!({"name": "Year-end shutdown", "date": "2027-01-04", "hours": "00:00-10:00"}),
        ]
    );
    // 14:00-18:00 in London (BST, UTC+1) is 13:00-17:00 UTC, 09:00-13:00 in New York (EDT).
    assert_eq!(
        by_name("London offsite"),
        vec![json!({"name": "London offsite", "date": "2026-10-15", "hours": "09:00-13:00"})]
    );
    assert_eq!(
        by_name("Inventory days"),
        vec![json!({"name": "Inventory days", "from": "2026-07-15", "to": "2026-07-16"})]
    );
    assert_eq!(
        by_name("Founders Day (every other year)"),
        vec![json!({"name": "Founders Day (every other year)",
            "recurs": {"unit": "year", "every": 2, "month": 9, "day": 17}, "starts": "2026-09-17"})]
    );
    // COUNT=3 from the first Friday of August 2026: Aug 7 2026, Aug 6 2027, Aug 4 2028.
    assert_eq!(by_name("Summer Friday")[0]["until"], "2028-08-04");
    assert_eq!(
        by_name("Last weekday of the year")[0]["recurs"],
        json!({"unit": "year", "every": 1, "month": 12, "nth": -1,
            "weekdays": ["mon", "tue", "wed", "thu", "fri"]})
    );
    assert_eq!(
        by_name("Company all-hands"),
        vec![
            json!({"name": "Company all-hands", "yearly": {"month": 12, "weekday": "fri", "nth": 1},
            "starts": "2026-12-04", "except": ["2027-12-03"], "hours": "13:00-17:00"})
        ]
    );
    assert_eq!(
        by_name("Company Day")[0]["except"],
        json!(["2027-03-09", "2028-03-09", "2030-03-09"])
    );

    // Christmas Eve: open until noon. Thursday 10:00 + 3 h: 2 h to noon, then Friday Dec 25
    // (not in this feed) 09:00 + 1 h.
    assert!(open(&cal, "2026-12-24T11:59:00-05:00"));
    assert!(!open(&cal, "2026-12-24T12:00:00-05:00"));
    assert_eq!(
        add(&cal, "2026-12-24T10:00:00-05:00", 3),
        at("2026-12-25T10:00:00-05:00")
    );
    // Maintenance 15:00Z-17:00Z on Tue Dec 1 = 10:00-12:00 EST.
    assert!(open(&cal, "2026-12-01T09:59:00-05:00"));
    assert!(!open(&cal, "2026-12-01T11:00:00-05:00"));
    assert!(open(&cal, "2026-12-01T12:00:00-05:00"));
    // Shutdown: Wed Dec 30 12:00 + 2 h: 1 h to 13:00, closed until Mon Jan 4 10:00, + 1 h.
    assert_eq!(
        add(&cal, "2026-12-30T12:00:00-05:00", 2),
        at("2027-01-04T11:00:00-05:00")
    );
    // Offsite: closed 09:00-13:00 EDT on Thu Oct 15.
    assert!(!open(&cal, "2026-10-15T12:59:00-04:00"));
    assert!(open(&cal, "2026-10-15T13:00:00-04:00"));
    // Founders Day every other year: Thu 2026-09-17, Sun 2028 (no effect), Tue 2030-09-17
    // closed; Fri 2027-09-17 and Mon 2029-09-17 open.
    assert!(!open(&cal, "2026-09-17T10:00:00-04:00"));
    assert!(open(&cal, "2027-09-17T10:00:00-04:00"));
    assert!(open(&cal, "2029-09-17T10:00:00-04:00"));
    assert!(!open(&cal, "2030-09-17T10:00:00-04:00"));
    // Summer Friday: closed 2026-08-07, 2027-08-06, 2028-08-04; the 2029 one (Aug 3) is past
    // the COUNT.
    for d in ["2026-08-07", "2027-08-06", "2028-08-04"] {
        assert!(!open(&cal, &format!("{d}T10:00:00-04:00")), "{d}");
    }
    assert!(open(&cal, "2029-08-03T10:00:00-04:00"));
    // Last weekday of December until 2028: Fri 2027-12-31, Fri 2028-12-29 (the 31st is a
    // Sunday); Mon 2029-12-31 is after UNTIL.
    assert!(!open(&cal, "2027-12-31T10:00:00-05:00"));
    assert!(!open(&cal, "2028-12-29T10:00:00-05:00"));
    assert!(open(&cal, "2029-12-31T10:00:00-05:00"));
    // All-hands, first Friday of December 13:00-17:00 floating (read in New York):
    // 2026-12-04 closed from 13:00, 2027-12-03 excluded, 2028-12-01 closed.
    assert!(open(&cal, "2026-12-04T12:59:00-05:00"));
    assert!(!open(&cal, "2026-12-04T13:00:00-05:00"));
    assert!(open(&cal, "2027-12-03T14:00:00-05:00"));
    assert!(!open(&cal, "2028-12-01T14:00:00-05:00"));
    // Company Day on Mar 9: 2026 (Mon) closed, 2027 and 2028 excluded, 2029 (Fri) closed.
    assert!(!open(&cal, "2026-03-09T10:00:00-04:00"));
    assert!(open(&cal, "2027-03-09T10:00:00-05:00"));
    assert!(open(&cal, "2028-03-09T10:00:00-05:00"));
    assert!(!open(&cal, "2029-03-09T10:00:00-05:00"));
}

#[test]
fn holidays_fragment_is_saveable_and_loads_into_a_calendar() {
    let import = ics::holidays(
        &fixture("us-federal.ics"),
        "us-federal.ics",
        "America/New_York",
    )
    .unwrap();
    let text = serde_json::to_string(&import.document).unwrap();
    let back: Value = serde_json::from_str(&text).unwrap();
    let mut def = weekdays("America/New_York");
    def["holidays"] = back["holidays"].clone();
    let cal = Calendar::from_value(&def).unwrap();
    assert!(!cal.is_open(at("2026-11-26T10:00:00-05:00")).unwrap());
}

#[test]
fn calendar_keeps_its_own_holidays_first() {
    let mut base = weekdays("Europe/London");
    base["holidays"] = json!([{"name": "Founders", "date": "2026-02-02"}]);
    let import =
        ics::calendar(&fixture("uk-bank-holidays.ics"), "uk.ics", "london", &base).unwrap();
    let hol = &import.document["calendars"]["london"]["holidays"];
    assert_eq!(hol[0]["name"], "Founders");
    assert_eq!(hol.as_array().map(Vec::len), Some(9));
    let err = ics::calendar(
        &fixture("uk-bank-holidays.ics"),
        "uk.ics",
        "london",
        &json!({"always_open": true}),
    )
    .unwrap_err();
    assert_eq!(err.code(), "missing_key");
    let err = ics::holidays("", "x.ics", "Mars/Olympus").unwrap_err();
    assert_eq!(err.code(), "unknown_time_zone");
}

#[test]
fn cancelled_events_are_skipped_with_a_warning() {
    let feed = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:c1\nSUMMARY:Picnic\nSTATUS:CANCELLED\n\
                DTSTART;VALUE=DATE:20260601\nEND:VEVENT\nBEGIN:VTODO\nSUMMARY:x\nEND:VTODO\n\
                END:VCALENDAR";
    let import = ics::holidays(feed, "f.ics", "UTC").unwrap();
    assert_eq!(import.document, json!({"holidays": []}));
    assert_eq!(import.warnings.len(), 2);
    assert_eq!(import.warnings[0].field, "STATUS");
    assert!(import.warnings[0].record.contains("VEVENT c1 (Picnic)"));
    assert_eq!(import.warnings[1].field, "VTODO");
}

#[test]
fn content_lines_unfold_and_tolerate_lf_and_bom() {
    // Folded SUMMARY (a space and a tab continuation), LF line ends, a BOM, quoted parameter.
    let feed = "\u{feff}BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY;ALTREP=\"cid:a;b:c\":Bank\n  Holi\n\tday\\; closed\nDTST\n ART;VALUE=DATE:20260504\nEND:VEVENT\nEND:VCALENDAR";
    let import = ics::holidays(feed, "f.ics", "Europe/London").unwrap();
    assert_eq!(
        import.document["holidays"][0],
        json!({"name": "Bank Holiday; closed", "date": "2026-05-04"})
    );
}

#[derive(serde::Deserialize)]
struct Table {
    source: String,
    cases: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    case: String,
    field: String,
    record: String,
    ics: String,
}

#[test]
fn unsupported_constructs_name_the_file_event_and_property() {
    let table: Table = serde_json::from_str(&fixture("unsupported.json")).unwrap();
    assert!(table.cases.len() >= 30);
    for c in &table.cases {
        let err = ics::holidays(&c.ics, &table.source, "America/New_York").expect_err(&c.case);
        let msg = err.to_string();
        assert_eq!(err.code(), "unsupported", "{}: {msg}", c.case);
        assert!(msg.contains(&table.source), "{}: {msg}", c.case);
        assert!(msg.contains(&c.record), "{}: {msg}", c.case);
        assert!(msg.contains(&format!("{}:", c.field)), "{}: {msg}", c.case);
    }
}

#[test]
fn garbage_gives_typed_errors() {
    let bin: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let err = ics::decode(&bin, "blob.bin").unwrap_err();
    assert_eq!(err.code(), "unsupported");
    assert!(err.to_string().contains("blob.bin"));

    let lossy = String::from_utf8_lossy(&bin).into_owned();
    let cases: Vec<(&str, String, &str)> = vec![
        ("empty", String::new(), "VCALENDAR"),
        ("binary as text", lossy, "line 1"),
        (
            "unterminated",
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\n".into(),
            "no END:VEVENT",
        ),
        ("huge line", "X".repeat(5_000_000), "line 1"),
        (
            "huge value",
            format!("BEGIN:VCALENDAR\nX-LONG:{}\nEND:VCALENDAR", "y".repeat(5_000_000)),
            "no events",
        ),
        (
            "deeply nested",
            format!("BEGIN:VCALENDAR\n{}", "BEGIN:X\n".repeat(100_000)),
            "nest more than",
        ),
        (
            "mismatched end",
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR\n".into(),
            "END:VCALENDAR closes BEGIN:VEVENT",
        ),
        ("end without begin", "END:VCALENDAR\n".into(), "without a BEGIN"),
        (
            "not a calendar",
            "BEGIN:VCARD\nFN:x\nEND:VCARD\n".into(),
            "BEGIN:VCALENDAR",
        ),
        (
            "no colon",
            "BEGIN:VCALENDAR\nSUMMARY Bank holiday\nEND:VCALENDAR".into(),
            "line 2",
        ),
        (
            "unterminated quote",
            "BEGIN:VCALENDAR\nX;A=\"open:1\nEND:VCALENDAR".into(),
            "unterminated",
        ),
        (
            "bad rrule",
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nRRULE:;;=;FREQ\nEND:VEVENT\nEND:VCALENDAR".into(),
            "RRULE",
        ),
    ];
    for (what, text, needle) in cases {
        match ics::holidays(&text, "g.ics", "UTC") {
            Err(err) => {
                assert_eq!(err.code(), "unsupported", "{what}: {err}");
                assert!(err.to_string().contains("g.ics"), "{what}: {err}");
                assert!(err.to_string().contains(needle), "{what}: {err}");
            }
            Ok(import) => {
                let warned = import.warnings.iter().any(|w| w.message.contains(needle));
                assert!(warned, "{what}: {:?}", import.warnings);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,300}") {
        let _ = ics::holidays(&s, "p.ics", "America/New_York");
    }

    #[test]
    fn arbitrary_events_never_panic(
        start in "[0-9TZ]{0,17}",
        end in "[0-9TZ]{0,17}",
        rule in "(FREQ=YEARLY|BYMONTH=[0-9-]{1,3}|BYDAY=[-+0-9]{0,2}(MO|FR|XX)|BYMONTHDAY=[-0-9]{1,3}|COUNT=[0-9]{1,7}|UNTIL=[0-9TZ]{0,16}|INTERVAL=[0-9]{1,5}|BYSETPOS=[-0-9]{1,4})(;(FREQ=YEARLY|BYMONTH=[0-9]{1,2}|BYDAY=[-0-9]{0,2}MO|BYMONTHDAY=[0-9]{1,2}|COUNT=[0-9]{1,6})){0,4}",
        param in "(;VALUE=DATE|;TZID=Europe/London|;TZID=\"x\"|)",
    ) {
        let feed = format!(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:p\r\nDTSTART{param}:{start}\r\nDTEND{param}:{end}\r\nRRULE:{rule}\r\nEXDATE:{start}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        if let Ok(import) = ics::holidays(&feed, "p.ics", "America/New_York") {
            // Whatever imports is a valid holiday list.
            let mut def = weekdays("America/New_York");
            def["holidays"] = import.document["holidays"].clone();
            prop_assert!(Calendar::from_value(&def).is_ok(), "{feed}");
        }
    }
}
