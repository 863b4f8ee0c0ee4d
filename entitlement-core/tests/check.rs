//! `Ruleset::check`: one document per warning proving it fires with its code and path, a clean
//! document with none, the bundled sample and the docs' examples, and the law that checking
//! never changes what loading accepts.

use std::collections::BTreeSet;

use entitlement_core::rules::{CheckCode, CheckWarning, Ruleset};
use proptest::prelude::*;

use crate::common::at;

const NOW: &str = "2026-11-25T20:30:00Z";

/// A Monday-to-Friday 09:00–17:00 desk, the calendar most documents below use.
const DESK: &str = r#"
calendars:
  desk:
    time_zone: America/New_York
    hours: { mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"],
             thu: ["09:00-17:00"], fri: ["09:00-17:00"] }
"#;

fn check(yaml: &str) -> Vec<CheckWarning> {
    let rules = Ruleset::from_yaml(yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    rules.check_at(at(NOW))
}

/// The one warning a document gives, with its code and path.
fn only(yaml: &str) -> CheckWarning {
    let warnings = check(yaml);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    warnings.into_iter().next().unwrap()
}

fn with_desk(rest: &str) -> String {
    format!("{DESK}{rest}")
}

#[test]
fn a_clean_document_gives_no_warning() {
    let doc = with_desk(
        r#"
  always: { always_open: true }
processes:
  - id: gold
    calendar: desk
    pause_statuses: ["Waiting on Customer"]
    exit_statuses: ["Closed"]
    milestones:
      - { name: First Response, kind: first_response, target: 1h,
          triggers: [ { at: "50%", level: warning }, { at: "100%", level: violation },
                      { at: "+1h", level: escalation } ] }
      - { name: Diagnosis, kind: custom, starts_on: [created], completes_on: [diagnosed],
          target: { by: severity, values: { Sev1: 2h, Sev2: 4h } },
          when: { field: severity, op: in, value: [Sev1, Sev2] } }
      - { name: Resolution, kind: resolution, target: 40h, calendar: always,
          pause_statuses: ["Waiting on Customer"] }
  - id: silver
    calendar: desk
    pause_statuses: ["Waiting on Customer"]
    exit_statuses: ["Closed"]
    milestones: [ { name: Resolution, kind: resolution, target: 5d, calendar: always } ]
entitlements:
  - { id: acme, process: gold, start_date: 2026-01-01, end_date: 2026-12-31 }
  - { id: globex, process: silver }
"#,
    );
    assert_eq!(check(&doc), vec![]);
}

#[test]
fn a_day_duration_on_a_business_calendar_says_what_five_business_days_are() {
    let w = only(&with_desk(
        r#"
processes:
  - { id: p, calendar: desk, milestones: [ { name: Resolution, kind: resolution, target: 5d } ] }
entitlements: [ { id: e, process: p } ]
"#,
    ));
    assert_eq!(w.code, CheckCode::DayDuration);
    assert_eq!(w.path, "processes[0].milestones[0].target");
    assert!(
        w.message.contains("\"5d\" is 120h of business time"),
        "{}",
        w.message
    );
    assert!(
        w.message.contains("5 business days are `40h`"),
        "{}",
        w.message
    );
    assert!(
        w.message.contains("`120h` to keep today's meaning"),
        "{}",
        w.message
    );
    assert!(
        w.message.contains("or `5bd` to count business days"),
        "{}",
        w.message
    );
}

#[test]
fn day_durations_in_tiers_defaults_offsets_and_iso_are_found_and_hours_are_not() {
    let warnings = check(&with_desk(
        r#"
  lunch:
    time_zone: UTC
    hours: { mon: ["09:00-12:00", "13:00-17:00"], tue: ["09:00-12:00", "13:00-17:00"] }
processes:
  - id: p
    calendar: desk
    milestones:
      - name: Resolution
        kind: resolution
        target: { by: severity, values: { Sev1: 1d4h, Sev2: 120h }, default: P1W }
        triggers: [ { at: "-1d", level: warning }, { at: "-2h", level: critical } ]
      - { name: Other, kind: first_response, target: 2d, calendar: lunch }
entitlements: [ { id: e, process: p } ]
"#,
    ));
    let found: Vec<(&str, CheckCode)> =
        warnings.iter().map(|w| (w.path.as_str(), w.code)).collect();
    assert_eq!(
        found,
        vec![
            (
                "processes[0].milestones[0].target.values.Sev1",
                CheckCode::DayDuration
            ),
            (
                "processes[0].milestones[0].target.default",
                CheckCode::DayDuration
            ),
            (
                "processes[0].milestones[0].triggers[0].at",
                CheckCode::DayDuration
            ),
            ("processes[0].milestones[1].target", CheckCode::DayDuration),
        ],
        "{warnings:#?}"
    );
    // 1 business day of 8 hours plus 4 hours; a business week is 40 hours; 2 days of 7 hours
    // on a two-day calendar with a lunch break.
    assert!(
        warnings[0].message.contains("are `12h`"),
        "{}",
        warnings[0].message
    );
    assert!(
        warnings[1].message.contains("1 business week is `40h`"),
        "{}",
        warnings[1].message
    );
    assert!(
        warnings[2].message.contains("-1 business day is `-8h`"),
        "{}",
        warnings[2].message
    );
    assert!(
        warnings[3].message.contains("2 business days are `14h`"),
        "{}",
        warnings[3].message
    );
}

#[test]
fn a_day_duration_on_an_always_open_calendar_is_days() {
    let doc = r#"
calendars: { always: { always_open: true } }
processes:
  - { id: p, calendar: always, milestones: [ { name: FR, kind: first_response, target: 2d } ] }
entitlements: [ { id: e, process: p } ]
"#;
    assert_eq!(check(doc), vec![]);
}

#[test]
fn a_day_duration_follows_the_entitlements_calendars() {
    let w = only(&with_desk(
        r#"
processes:
  - { id: p, milestones: [ { name: FR, kind: first_response, target: 1d } ] }
entitlements: [ { id: e, process: p, calendar: desk } ]
"#,
    ));
    assert_eq!(w.code, CheckCode::DayDuration);
    assert!(
        w.message.contains("1 business day is `8h`"),
        "{}",
        w.message
    );
}

#[test]
fn a_milestone_without_any_calendar_runs_24x7() {
    let w = only(
        r#"
processes:
  - { id: p, milestones: [ { name: FR, kind: first_response, target: 1h } ] }
entitlements: [ { id: e, process: p } ]
"#,
    );
    assert_eq!(w.code, CheckCode::Default24x7);
    assert_eq!(w.path, "processes[0]");
    assert!(w.message.contains("\"e\""), "{}", w.message);
    // One milestone without a calendar among others that have one: the milestone's path.
    let w = only(&with_desk(
        r#"
processes:
  - id: p
    milestones:
      - { name: FR, kind: first_response, target: 1h, calendar: desk }
      - { name: Resolution, kind: resolution, target: 8h }
"#,
    ));
    assert_eq!(w.code, CheckCode::Default24x7);
    assert_eq!(w.path, "processes[0].milestones[1]");
    assert!(
        w.message.contains("no entitlement uses the process"),
        "{}",
        w.message
    );
}

#[test]
fn a_status_named_nowhere_else_or_spelt_differently_is_reported() {
    let warnings = check(&with_desk(
        r#"
processes:
  - id: gold
    calendar: desk
    pause_statuses: ["Waiting on Customer", "On Hold"]
    exit_statuses: ["Closed"]
    milestones: [ { name: FR, kind: first_response, target: 1h } ]
  - id: silver
    calendar: desk
    pause_statuses: ["Waiting on customer", "Pending"]
    exit_statuses: ["Closed"]
    milestones:
      - { name: FR, kind: first_response, target: 1h,
          when: { field: status, op: ne, value: On Hold } }
entitlements: [ { id: a, process: gold }, { id: b, process: silver } ]
"#,
    ));
    let found: Vec<(&str, CheckCode)> =
        warnings.iter().map(|w| (w.path.as_str(), w.code)).collect();
    assert_eq!(
        found,
        vec![
            ("processes[0].pause_statuses[0]", CheckCode::StatusCase),
            ("processes[1].pause_statuses[0]", CheckCode::StatusCase),
            ("processes[1].pause_statuses[1]", CheckCode::UnknownStatus),
        ],
        "{warnings:#?}"
    );
    assert!(
        warnings[1].message.contains("\"Waiting on Customer\""),
        "{}",
        warnings[1].message
    );
}

#[test]
fn a_lone_status_list_has_nothing_to_be_compared_with() {
    let doc = with_desk(
        r#"
processes:
  - { id: p, calendar: desk, pause_statuses: [Pending], milestones: [ { name: FR, kind: first_response, target: 1h } ] }
entitlements: [ { id: e, process: p } ]
"#,
    );
    assert_eq!(check(&doc), vec![]);
}

#[test]
fn a_tier_table_without_default_that_when_does_not_close_is_reported() {
    let warnings = check(&with_desk(
        r#"
processes:
  - id: p
    calendar: desk
    milestones:
      - { name: A, kind: first_response, target: { by: severity, values: { Sev1: 1h, Sev2: 4h } } }
      - { name: B, kind: resolution, target: { by: severity, values: { Sev1: 1h } },
          when: { field: severity, op: in, value: [Sev1, Sev3] } }
      - { name: C, kind: custom, starts_on: [created], completes_on: [done],
          target: { by: severity, values: { Sev1: 1h } },
          when: { all: [ { field: severity, op: eq, value: Sev1 }, { field: tier, op: exists } ] } }
entitlements: [ { id: e, process: p } ]
"#,
    ));
    let found: Vec<(&str, CheckCode)> =
        warnings.iter().map(|w| (w.path.as_str(), w.code)).collect();
    assert_eq!(
        found,
        vec![
            (
                "processes[0].milestones[0].target",
                CheckCode::TierWithoutDefault
            ),
            (
                "processes[0].milestones[1].target",
                CheckCode::TierWithoutDefault
            ),
        ],
        "{warnings:#?}"
    );
    assert!(
        warnings[1].message.contains("\"Sev3\""),
        "{}",
        warnings[1].message
    );
}

#[test]
fn a_warning_after_the_target_is_reported_and_an_escalation_is_not() {
    let warnings = check(&with_desk(
        r#"
processes:
  - id: p
    calendar: desk
    milestones:
      - name: FR
        kind: first_response
        target: 1h
        triggers:
          - { at: "120%", level: warning }
          - { at: "+10m", level: critical }
          - { at: "100%", level: warning }
          - { at: "+1h", level: escalation }
          - { at: "150%", level: violation }
entitlements: [ { id: e, process: p } ]
"#,
    ));
    let found: Vec<(&str, CheckCode)> =
        warnings.iter().map(|w| (w.path.as_str(), w.code)).collect();
    assert_eq!(
        found,
        vec![
            (
                "processes[0].milestones[0].triggers[0].at",
                CheckCode::TriggerAfterTarget
            ),
            (
                "processes[0].milestones[0].triggers[1].at",
                CheckCode::TriggerAfterTarget
            ),
        ]
    );
    assert!(
        warnings[0].message.contains("`120%`"),
        "{}",
        warnings[0].message
    );
}

#[test]
fn a_completion_event_no_case_log_produces_is_reported() {
    let warnings = check(&with_desk(
        r#"
processes:
  - id: p
    calendar: desk
    milestones:
      - { name: A, kind: custom, starts_on: [created], completes_on: [created], target: 1h }
      - { name: B, kind: custom, starts_on: [created], completes_on: [Solved, agent-reply, diagnosed], target: 1h }
entitlements: [ { id: e, process: p } ]
"#,
    ));
    let found: Vec<(&str, CheckCode)> =
        warnings.iter().map(|w| (w.path.as_str(), w.code)).collect();
    assert_eq!(
        found,
        vec![
            (
                "processes[0].milestones[0].completes_on[0]",
                CheckCode::UnproducedEvent
            ),
            (
                "processes[0].milestones[1].completes_on[0]",
                CheckCode::UnproducedEvent
            ),
            (
                "processes[0].milestones[1].completes_on[1]",
                CheckCode::UnproducedEvent
            ),
        ]
    );
    assert!(
        warnings[1].message.contains("write `solved`"),
        "{}",
        warnings[1].message
    );
    assert!(
        warnings[2].message.contains("write `agent_reply`"),
        "{}",
        warnings[2].message
    );
}

#[test]
fn entitlements_expired_or_not_started_at_now_are_reported() {
    let doc = with_desk(
        r#"
processes:
  - { id: p, calendar: desk, milestones: [ { name: FR, kind: first_response, target: 1h } ] }
entitlements:
  - { id: old, process: p, start_date: 2025-01-01, end_date: 2025-12-31 }
  - { id: current, process: p, start_date: 2026-01-01, end_date: 2026-12-31 }
  - { id: next, process: p, start_date: 2027-01-01 }
"#,
    );
    let warnings = check(&doc);
    let found: Vec<(&str, CheckCode)> =
        warnings.iter().map(|w| (w.path.as_str(), w.code)).collect();
    assert_eq!(
        found,
        vec![
            ("entitlements[0].end_date", CheckCode::EntitlementExpired),
            (
                "entitlements[2].start_date",
                CheckCode::EntitlementNotStarted
            ),
        ]
    );
    // `now` decides: on 2027-01-01 in New York the current one has ended and the next started.
    let rules = Ruleset::from_yaml(&doc).unwrap();
    let later: Vec<String> = rules
        .check_at(at("2027-01-01T12:00:00-05:00"))
        .into_iter()
        .map(|w| w.path)
        .collect();
    assert_eq!(
        later,
        vec!["entitlements[0].end_date", "entitlements[1].end_date"]
    );
}

#[test]
fn a_calendar_open_less_than_an_hour_a_week_is_reported() {
    let w = only(
        r#"
calendars:
  typo: { time_zone: UTC, hours: { mon: ["09:00-09:17"], tue: ["09:00-09:17"] } }
processes:
  - { id: p, calendar: typo, milestones: [ { name: FR, kind: first_response, target: 1h } ] }
entitlements: [ { id: e, process: p } ]
"#,
    );
    assert_eq!(w.code, CheckCode::CalendarRarelyOpen);
    assert_eq!(w.path, "calendars.typo.hours");
    assert!(w.message.contains("34m a week"), "{}", w.message);
    let w = only(
        r#"
calendars:
  dated: { time_zone: UTC, overrides: [ { date: 2026-12-01, hours: ["09:00-17:00"] } ] }
processes:
  - { id: p, calendar: dated, milestones: [ { name: FR, kind: first_response, target: 1h } ] }
entitlements: [ { id: e, process: p } ]
"#,
    );
    assert_eq!(w.code, CheckCode::CalendarRarelyOpen);
    assert!(w.message.contains("no weekly hours"), "{}", w.message);
}

#[test]
fn holidays_on_closed_days_only_are_reported() {
    let warnings = check(
        r#"
calendars:
  desk:
    time_zone: America/New_York
    hours: { mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"],
             thu: ["09:00-17:00"], fri: ["09:00-17:00"] }
    holidays:
      - { name: A Saturday, date: 2026-11-28 }
      - { name: Easter Sunday, yearly: { easter: 0 } }
      - { name: Good Friday, yearly: { easter: -2 } }
      - { name: Christmas Day, yearly: "12-25" }
      - { name: Evening, date: 2026-11-30, hours: "18:00-20:00" }
      - { name: Afternoon, date: 2026-11-30, hours: "12:00-20:00" }
      - { name: Saturday observed, date: 2026-07-04, observed: nearest_weekday }
      - { name: Weekly Sunday, recurs: { every: 1, unit: week, weekdays: [sun] }, starts: 2026-01-04 }
  night:
    time_zone: America/Chicago
    hours: { sun: ["22:00-06:00"] }
    holidays:
      - { name: Monday morning, date: 2026-11-30 }
      - { name: Tuesday, date: 2026-12-01 }
processes:
  - { id: p, calendar: desk, milestones: [ { name: FR, kind: first_response, target: 1h, calendar: night } ] }
entitlements: [ { id: e, process: p } ]
"#,
    );
    let found: Vec<(&str, CheckCode)> =
        warnings.iter().map(|w| (w.path.as_str(), w.code)).collect();
    assert_eq!(
        found,
        vec![
            ("calendars.desk.holidays[0]", CheckCode::HolidayOnClosedDay),
            ("calendars.desk.holidays[1]", CheckCode::HolidayOnClosedDay),
            ("calendars.desk.holidays[4]", CheckCode::HolidayOnClosedDay),
            ("calendars.desk.holidays[7]", CheckCode::HolidayOnClosedDay),
            ("calendars.night.holidays[1]", CheckCode::HolidayOnClosedDay),
        ],
        "{warnings:#?}"
    );
    assert!(
        warnings[0].message.contains("\"A Saturday\""),
        "{}",
        warnings[0].message
    );
}

#[test]
fn unused_calendars_are_reported_and_union_members_of_used_unions_are_not() {
    let warnings = check(
        r#"
calendars:
  london: { time_zone: Europe/London, hours: { mon: ["09:00-17:00"] } }
  ny: { time_zone: America/New_York, hours: { mon: ["09:00-17:00"] } }
  sydney: { time_zone: Australia/Sydney, hours: { mon: ["09:00-17:00"] } }
  sun: { union: [london, ny] }
  spare: { union: [sydney] }
  lonely: { always_open: true }
processes:
  - { id: p, calendar: sun, milestones: [ { name: FR, kind: first_response, target: 1h } ] }
entitlements: [ { id: e, process: p } ]
"#,
    );
    let found: Vec<(&str, CheckCode)> =
        warnings.iter().map(|w| (w.path.as_str(), w.code)).collect();
    assert_eq!(
        found,
        vec![
            ("calendars.lonely", CheckCode::UnusedCalendar),
            ("calendars.spare", CheckCode::UnusedCalendar),
            ("calendars.sydney", CheckCode::UnusedCalendar),
        ]
    );
    assert!(
        warnings[2].message.contains("\"spare\""),
        "{}",
        warnings[2].message
    );
}

#[test]
fn every_code_is_reachable_and_serialised_by_its_name() {
    let mut seen = BTreeSet::new();
    for test_doc in every_code_documents() {
        for w in check(&test_doc) {
            assert_eq!(serde_json::to_value(w.code).unwrap(), w.code.as_str());
            assert!(!w.message.is_empty() && !w.path.is_empty());
            seen.insert(w.code);
        }
    }
    assert_eq!(seen, CheckCode::ALL.into_iter().collect());
    let json = serde_json::to_value(&check(&every_code_documents()[0])[0]).unwrap();
    let keys: BTreeSet<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, BTreeSet::from(["code", "path", "message"]));
}

/// Documents that between them give every code (the Python and Node tests use the same).
fn every_code_documents() -> Vec<String> {
    vec![
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/check/every_warning.yaml"
        ))
        .expect("tests/check/every_warning.yaml"),
    ]
}

/// What the bundled sample gives, each warning deliberate (see the test's comments).
#[test]
fn the_bundled_sample_gives_only_its_deliberate_warnings() {
    let rules = Ruleset::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/rules.yaml"
    ))
    .unwrap();
    let found: Vec<(String, CheckCode)> = rules
        .check_at(at(NOW))
        .into_iter()
        .map(|w| (w.path, w.code))
        .collect();
    let expect = |p: &str, c| (p.to_string(), c);
    assert_eq!(
        found,
        vec![
            // Calendars shown by the docs (calendars.md, the follow-the-sun cookbook) that the
            // sample's processes do not use.
            expect("calendars.follow-the-sun", CheckCode::UnusedCalendar),
            expect("calendars.night-shift", CheckCode::UnusedCalendar),
            // A member of follow-the-sun only.
            expect("calendars.sydney", CheckCode::UnusedCalendar),
            // Statuses each named by one process only: real statuses of the sample's desks.
            expect("processes[3].pause_statuses[1]", CheckCode::UnknownStatus),
            expect(
                "processes[5].milestones[1].pause_statuses[0]",
                CheckCode::UnknownStatus
            ),
            // hooli-bronze-2025 shows a case raised after its entitlement expired.
            expect("entitlements[8].end_date", CheckCode::EntitlementExpired),
        ]
    );
}

/// The rules documents the docs show (the blocks marked `document=ruleset`): what `check` says
/// of each, printed, and only warnings that the example shows on purpose. (The README's
/// calendar had Thanksgiving, a Thursday, on a calendar closed on Thursdays: it now opens then.)
#[test]
fn the_docs_examples_give_no_unexpected_warning() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut found = Vec::new();
    for page in [
        "README.md",
        "docs/concepts.md",
        "docs/cookbook/follow-the-sun.md",
    ] {
        let text = std::fs::read_to_string(format!("{root}/{page}")).unwrap();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if !line.contains("snippet: document=ruleset") {
                continue;
            }
            let fence = lines.next().unwrap_or_default();
            let block: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .collect();
            let block = block.join("\n");
            let rules = if fence.contains("json") {
                Ruleset::from_json(&block)
            } else {
                Ruleset::from_yaml(&block)
            }
            .unwrap_or_else(|e| panic!("{page}: {e}"));
            for w in rules.check_at(at(NOW)) {
                eprintln!("{page}: {} {}: {}", w.code, w.path, w.message);
                // A fragment of calendars alone (its processes are on another page) uses none.
                if !(w.code == CheckCode::UnusedCalendar && rules.processes().is_empty()) {
                    found.push((page, w.code, w.path));
                }
            }
        }
    }
    for (page, code, path) in &found {
        assert!(
            matches!(
                code,
                CheckCode::EntitlementExpired | CheckCode::EntitlementNotStarted
            ),
            "{page}: {code} at {path}"
        );
    }
}

fn documents() -> Vec<String> {
    let mut docs = every_code_documents();
    docs.push(
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/data/rules.yaml"
        ))
        .unwrap(),
    );
    docs
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Checking never changes the rules: the canonical document, and what a second load of it
    /// gives, are the same before and after any number of checks at any instant.
    #[test]
    fn check_never_changes_what_load_gives(which in 0usize..2, days in -4000i64..4000, times in 1usize..4) {
        let text = &documents()[which];
        let rules = Ruleset::from_yaml(text).unwrap();
        let before = rules.to_value();
        let now = at(NOW) + chrono::TimeDelta::days(days);
        let first = rules.check_at(now);
        for _ in 1..times {
            prop_assert_eq!(&rules.check_at(now), &first);
        }
        prop_assert_eq!(rules.to_value(), before.clone());
        let again = Ruleset::from_yaml(text).unwrap();
        prop_assert_eq!(again.to_value(), before.clone());
        let reloaded = Ruleset::from_value(&before).unwrap();
        prop_assert_eq!(reloaded.to_value(), before);
    }
}

/// A calendar of holidays that all fall on closed days, each followed for 8 years: the shared
/// budget of holiday dates stops the walk (the rest are not checked), so a check of a hostile
/// document stays bounded. Prints the time taken for docs/performance.md.
#[test]
fn the_holiday_walk_is_bounded_by_its_budget() {
    let holidays: String = (0..5_000)
        .map(|i| {
            format!(
                "      - {{ name: h{i}, recurs: {{ unit: week, weekdays: [sun] }}, starts: 2026-01-04 }}\n"
            )
        })
        .collect();
    let doc = format!(
        "calendars:\n  desk:\n    time_zone: UTC\n    hours: {{ mon: [\"09:00-17:00\"] }}\n    holidays:\n{holidays}processes:\n  - {{ id: p, calendar: desk, milestones: [ {{ name: FR, kind: first_response, target: 1h }} ] }}\n"
    );
    let rules = Ruleset::from_yaml(&doc).unwrap();
    let started = std::time::Instant::now();
    let warnings = rules.check_at(at(NOW));
    eprintln!("5,000 moot weekly holidays: {:?}", started.elapsed());
    let moot = warnings
        .iter()
        .filter(|w| w.code == CheckCode::HolidayOnClosedDay)
        .count();
    // Each holiday costs 8 years of Sundays (about 430 dates): the budget covers about 2,300.
    assert!((2_000..5_000).contains(&moot), "{moot}");
    assert_eq!(warnings[0].path, "calendars.desk.holidays[0]");
}

/// A large document (1,000 processes of 4 milestones, 100,000 entitlements, statuses in every
/// process) is checked in time linear in its size; the time is printed for
/// docs/performance.md, never asserted.
#[test]
fn a_large_document_is_checked_in_linear_time() {
    use serde_json::json;
    let desk = json!({"time_zone": "America/New_York", "hours": {
        "mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
        "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]}});
    let processes: Vec<_> = (0..1_000)
        .map(|p| {
            json!({"id": format!("p{p}"), "calendar": "desk",
                "pause_statuses": [format!("Waiting {p}"), "Pending"], "exit_statuses": ["Closed"],
                "milestones": [
                    {"name": "A", "kind": "first_response", "target": "1h"},
                    {"name": "B", "kind": "resolution", "target": "2d"},
                    {"name": "C", "kind": "next_response", "target": "4h"},
                    {"name": "D", "kind": "custom", "starts_on": ["created"],
                     "completes_on": ["done"], "target": "1h"}]})
        })
        .collect();
    let entitlements: Vec<_> = (0..100_000)
        .map(|e| json!({"id": format!("e{e}"), "process": format!("p{}", e % 1_000), "end_date": "2025-12-31"}))
        .collect();
    let doc =
        json!({"calendars": {"desk": desk}, "processes": processes, "entitlements": entitlements});
    let rules = Ruleset::from_value(&doc).unwrap();
    let started = std::time::Instant::now();
    let warnings = rules.check_at(at(NOW));
    eprintln!(
        "1,000 processes, 100,000 entitlements: {:?}",
        started.elapsed()
    );
    let count = |code| warnings.iter().filter(|w| w.code == code).count();
    assert_eq!(count(CheckCode::EntitlementExpired), 100_000);
    assert_eq!(count(CheckCode::DayDuration), 1_000);
    assert_eq!(count(CheckCode::UnknownStatus), 1_000); // each "Waiting {p}" is named once
}
