//! Every documented limit at its boundary: the limit itself loads, one more is refused with
//! `limit_exceeded` naming the path (docs/rules.md, docs/design.md "Limits"). Where building the
//! accepted side would only cost time (a million entitlements), the refused side is checked.

use entitlement_core::calendar::{
    MAX_CALENDAR_ENTRIES, MAX_CALENDARS, MAX_INTERVALS_PER_DAY, MAX_UNION_PARTS,
};
use entitlement_core::document::MAX_DOCUMENT_BYTES;
use entitlement_core::rules::{
    Case, MAX_CRITERIA_DEPTH, MAX_ENTITLEMENTS, MAX_EVENTS, MAX_MILESTONES, MAX_PROCESSES,
    MAX_TRIGGERS, Ruleset,
};
use entitlement_core::{Calendar, Error};
use serde_json::{Value, json};

fn refused(result: Result<impl std::fmt::Debug, Error>, path: &str) {
    let err = result.expect_err("beyond the limit");
    assert_eq!(err.code(), "limit_exceeded", "{err}");
    assert!(err.to_string().contains(path), "{err} names {path}");
}

fn with_holidays(n: usize) -> Value {
    let holidays: Vec<Value> = (0..n)
        .map(|i| json!({"date": format!("{:04}-06-01", 1000 + i % 9000)}))
        .collect();
    json!({"time_zone": "Europe/London", "hours": {"mon": ["09:00-17:00"]}, "holidays": holidays})
}

#[test]
fn holidays_and_overrides_per_calendar() {
    Calendar::from_value(&with_holidays(MAX_CALENDAR_ENTRIES)).expect("at the limit");
    refused(
        Calendar::from_value(&with_holidays(MAX_CALENDAR_ENTRIES + 1)),
        "holidays",
    );
    let overrides: Vec<Value> = (0..=MAX_CALENDAR_ENTRIES).map(|_| Value::Null).collect();
    let def =
        json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "overrides": overrides});
    refused(Calendar::from_value(&def), "overrides");
}

#[test]
fn intervals_per_day() {
    let day = |n: usize| -> Vec<String> {
        (0..n)
            .map(|i| {
                format!(
                    "{:02}:{:02}-{:02}:{:02}",
                    i / 4,
                    i % 4 * 15,
                    i / 4,
                    i % 4 * 15 + 10
                )
            })
            .collect()
    };
    Calendar::from_value(
        &json!({"time_zone": "UTC", "hours": {"mon": day(MAX_INTERVALS_PER_DAY)}}),
    )
    .expect("at the limit");
    let mut more = day(MAX_INTERVALS_PER_DAY);
    more.push("23:55-23:58".into());
    refused(
        Calendar::from_value(&json!({"time_zone": "UTC", "hours": {"mon": more}})),
        "hours.mon",
    );
}

#[test]
fn union_parts_and_depth() {
    let parts = |n: usize| -> Vec<Value> { (0..n).map(|_| json!({"always_open": true})).collect() };
    Calendar::from_value(&json!({"union": parts(MAX_UNION_PARTS)})).expect("at the limit");
    refused(
        Calendar::from_value(&json!({"union": parts(MAX_UNION_PARTS + 1)})),
        "union",
    );
    let nested = |depth: usize| {
        (0..depth).fold(
            json!({"always_open": true}),
            |inner, _| json!({"union": [inner]}),
        )
    };
    Calendar::from_value(&nested(32)).expect("32 deep");
    refused(Calendar::from_value(&nested(34)), "union");
}

#[test]
fn calendars_per_document() {
    let doc = |n: usize| -> Value {
        let cals: serde_json::Map<String, Value> = (0..n)
            .map(|i| (format!("c{i}"), json!({"always_open": true})))
            .collect();
        json!({"calendars": cals})
    };
    let rules = Ruleset::from_value(&doc(MAX_CALENDARS)).expect("at the limit");
    assert_eq!(rules.calendars().len(), MAX_CALENDARS);
    refused(Ruleset::from_value(&doc(MAX_CALENDARS + 1)), "calendars");
}

fn process(i: usize, milestones: Value) -> Value {
    json!({"id": format!("p{i}"), "milestones": milestones})
}

fn milestone(triggers: usize, when_depth: usize) -> Value {
    let triggers: Vec<Value> = (0..triggers)
        .map(|k| json!({"at": format!("{}%", k + 1), "level": "warning"}))
        .collect();
    let when = (0..when_depth).fold(
        json!({"field": "severity", "op": "eq", "value": "Sev1"}),
        |inner, _| json!({"not": inner}),
    );
    json!({"name": "m", "kind": "resolution", "target": "1h", "triggers": triggers, "when": when})
}

#[test]
fn processes_milestones_triggers_and_criteria() {
    let one = json!([milestone(1, 0)]);
    let processes: Vec<Value> = (0..MAX_PROCESSES)
        .map(|i| process(i, one.clone()))
        .collect();
    Ruleset::from_value(&json!({"processes": processes})).expect("at the limit");
    let processes: Vec<Value> = (0..=MAX_PROCESSES).map(|_| Value::Null).collect();
    refused(
        Ruleset::from_value(&json!({"processes": processes})),
        "processes",
    );

    let named = |n: usize| -> Value {
        (0..n)
            .map(|k| {
                let mut m = milestone(0, 0);
                m["name"] = json!(format!("m{k}"));
                m
            })
            .collect::<Vec<_>>()
            .into()
    };
    Ruleset::from_value(&json!({"processes": [process(0, named(MAX_MILESTONES))]}))
        .expect("at the limit");
    refused(
        Ruleset::from_value(&json!({"processes": [process(0, named(MAX_MILESTONES + 1))]})),
        "processes[0].milestones",
    );

    Ruleset::from_value(&json!({"processes": [process(0, json!([milestone(MAX_TRIGGERS, 0)]))]}))
        .expect("at the limit");
    refused(
        Ruleset::from_value(
            &json!({"processes": [process(0, json!([milestone(MAX_TRIGGERS + 1, 0)]))]}),
        ),
        "processes[0].milestones[0].triggers",
    );

    Ruleset::from_value(
        &json!({"processes": [process(0, json!([milestone(0, MAX_CRITERIA_DEPTH - 1)]))]}),
    )
    .expect("within the limit");
    refused(
        Ruleset::from_value(
            &json!({"processes": [process(0, json!([milestone(0, MAX_CRITERIA_DEPTH + 1)]))]}),
        ),
        "processes[0].milestones[0].when",
    );
}

#[test]
fn entitlements_per_document() {
    let items: Vec<Value> = (0..=MAX_ENTITLEMENTS).map(|_| Value::Null).collect();
    refused(
        Ruleset::from_value(&json!({"entitlements": items})),
        "entitlements",
    );
}

#[test]
fn events_per_case() {
    let mut case = json!({"id": "C-1", "created_at": "2026-01-01T00:00:00Z"});
    case["events"] = Value::Array((0..=MAX_EVENTS).map(|_| Value::Null).collect());
    refused(Case::from_value(&case), "events");
}

#[test]
fn document_bytes() {
    let mut text = " ".repeat(MAX_DOCUMENT_BYTES - 2);
    text.push_str("{}");
    Ruleset::from_json(&text).expect("at the limit");
    text.push(' ');
    refused(Ruleset::from_json(&text), "the limit is 67108864 bytes");
    refused(Ruleset::from_yaml(&text), "bytes");
    refused(Ruleset::from_toml(&text), "bytes");
}
