//! What the bindings rely on: the result schema describes every serialised result exactly,
//! marked fields serialise as the text formats always showed them, error paths split back into
//! the keys and indices that made them, and the place of an error decides its kind.

use std::path::PathBuf;

use entitlement_core::error::{PathSegment, parse_path};
use entitlement_core::rules::{Case, Ruleset};
use entitlement_core::{Calendar, ErrorKind, host};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::at;

fn sample() -> (Ruleset, Vec<Case>) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/data");
    let rules = Ruleset::load(root.join("rules.yaml")).expect("the sample rules load");
    let text = std::fs::read_to_string(root.join("cases.json")).expect("the sample cases");
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    let list = doc["cases"].as_array().expect("a cases list");
    let cases = list
        .iter()
        .map(|c| Case::from_value(c).expect("a sample case"))
        .collect();
    (rules, cases)
}

/// Checks `value` against the schema `schema` (resolving `$ref`s in `defs`): every key of an
/// object is a described property, every required property is present, every marked instant is
/// RFC 3339 text, every marked duration a number, every marked date `YYYY-MM-DD`. Records
/// which described properties were seen, so that the caller can check none is never written.
fn conforms(
    value: &Value,
    schema: &Value,
    defs: &Value,
    at: &str,
    seen: &mut std::collections::BTreeSet<String>,
) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/$defs/");
        return conforms(value, &defs[name], defs, at, seen);
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            if value.is_null() && options.iter().any(|o| o["type"] == "null") {
                return;
            }
            let option = options
                .iter()
                .find(|o| o["type"] != "null")
                .expect("a non-null option");
            return conforms(value, option, defs, at, seen);
        }
    }
    match schema.get("x-entitlement").and_then(Value::as_str) {
        Some("instant") if !value.is_null() => {
            let text = value
                .as_str()
                .unwrap_or_else(|| panic!("{at}: not text: {value}"));
            assert!(
                chrono::DateTime::parse_from_rfc3339(text).is_ok(),
                "{at}: {text}"
            );
            assert!(text.ends_with('Z'), "{at}: {text}");
            return;
        }
        Some("duration") if !value.is_null() => {
            assert!(value.is_number(), "{at}: {value}");
            return;
        }
        Some("date") if !value.is_null() => {
            let text = value
                .as_str()
                .unwrap_or_else(|| panic!("{at}: not text: {value}"));
            assert!(
                chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
                "{at}: {text}"
            );
            return;
        }
        _ => {}
    }
    match value {
        Value::Object(map) => {
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                return; // a free-form object (an account's fields)
            };
            for (key, item) in map {
                let property = properties
                    .get(key)
                    .unwrap_or_else(|| panic!("{at}: `{key}` is written but not described"));
                seen.insert(format!("{}.{key}", schema_title(schema)));
                conforms(item, property, defs, &format!("{at}.{key}"), seen);
            }
            for required in schema["required"].as_array().into_iter().flatten() {
                let key = required.as_str().expect("a key");
                assert!(map.contains_key(key), "{at}: required `{key}` is missing");
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    conforms(item, item_schema, defs, &format!("{at}[{i}]"), seen);
                }
            }
        }
        _ => {}
    }
}

fn schema_title(schema: &Value) -> String {
    schema["title"].as_str().unwrap_or("?").to_string()
}

#[test]
fn every_serialised_result_is_exactly_what_the_schema_describes() {
    let schema = host::result_schema();
    let defs = &schema["$defs"];
    let (rules, cases) = sample();
    let now = at("2026-11-25T20:30:00Z");
    let mut seen = std::collections::BTreeSet::new();
    let mut check = |name: &str, value: Value| {
        conforms(&value, &defs[name], defs, name, &mut seen);
    };
    let report = rules
        .monitor(&cases, now, Some(at("2026-11-24T20:30:00Z")))
        .expect("monitor");
    check("MonitorReport", serde_json::to_value(&report).unwrap());
    for risk in rules.breach_risk(&cases, now).expect("risk") {
        check("BreachRisk", serde_json::to_value(&risk).unwrap());
    }
    let usage = rules
        .entitlement_usage("acme-gold", &cases, now)
        .expect("usage");
    check("EntitlementUsage", serde_json::to_value(&usage).unwrap());
    let what_if = rules.what_if(&rules, &cases, now).expect("what-if");
    check("WhatIf", serde_json::to_value(&what_if).unwrap());
    let batch: entitlement_core::rules::CaseBatch = cases.iter().cloned().map(Ok).collect();
    let diff = rules.diff_cases(&rules, &batch, now).expect("diff");
    check("RulesDiff", serde_json::to_value(&diff).unwrap());

    // Every property of the top-level results is written by some value of the sample, so a
    // field the schema lists but the serialisation drops (or renames) is found.
    for name in [
        "MonitorReport",
        "MonitorEvent",
        "Alert",
        "MilestoneStatus",
        "CaseEvaluation",
    ] {
        let def = &defs[name];
        for key in def["properties"].as_object().expect("properties").keys() {
            let title = schema_title(def);
            assert!(
                seen.contains(&format!("{title}.{key}")),
                "{name}.{key} is described but the sample never writes it"
            );
        }
    }
}

#[test]
fn every_result_type_is_described_with_a_doc_line_per_field() {
    let schema = host::result_schema();
    for name in host::RESULT_TYPES {
        let def = &schema["$defs"][name];
        let properties = def["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{name}"));
        for (key, property) in properties {
            assert!(
                property["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty())
                    || property.get("$ref").is_some(),
                "{name}.{key} has no doc line"
            );
        }
    }
}

/// A key as `key_path` writes it must split back into itself.
fn calendar_error_path(name: &str) -> Vec<PathSegment> {
    let doc = json!({"calendars": {name: {"time_zone": "UTC", "hours": {"mon": ["9am"]}}}});
    Ruleset::from_value(&doc).unwrap_err().path()
}

proptest! {
    #[test]
    fn error_paths_split_back_into_their_keys_and_indices(
        name in "[^\u{0}]{1,40}",
        index in 0usize..5,
    ) {
        let path = calendar_error_path(&name);
        prop_assert_eq!(
            path,
            vec![
                PathSegment::Key("calendars".into()),
                PathSegment::Key(name.clone()),
                PathSegment::Key("hours".into()),
                PathSegment::Key("mon".into()),
                PathSegment::Index(0),
            ]
        );
        // An index inside a list of processes.
        let mut processes: Vec<Value> =
            (0..index).map(|i| json!({"id": format!("ok{i}"), "milestones": []})).collect();
        processes.push(json!({"id": "bad", "milestones": [{"name": "R", "kind": "resolution", "target": "soon"}]}));
        let err = Ruleset::from_value(&json!({"processes": processes})).unwrap_err();
        prop_assert_eq!(
            err.path(),
            vec![
                PathSegment::Key("processes".into()),
                PathSegment::Index(index),
                PathSegment::Key("milestones".into()),
                PathSegment::Index(0),
                PathSegment::Key("target".into()),
            ]
        );
    }
}

#[test]
fn paths_of_importers_that_are_no_key_path_stay_whole() {
    let text = "Holiday 0Cn000000000001 (Payday): RecurrenceType";
    assert_eq!(parse_path(text), vec![PathSegment::Key(text.into())]);
    assert_eq!(parse_path("a..b"), vec![PathSegment::Key("a..b".into())]);
    assert_eq!(parse_path("a[x]"), vec![PathSegment::Key("a[x]".into())]);
}

#[test]
fn errors_without_a_place_have_an_empty_path() {
    let err = Ruleset::from_json("{").unwrap_err();
    assert_eq!((err.code(), err.path()), ("parse_error", vec![]));
}

#[test]
fn the_place_of_an_error_decides_its_kind() {
    // An instant out of range found in a document is the document's fault.
    let range = entitlement_core::Error::OutOfRange {
        what: "holidays[0]".into(),
    };
    assert_eq!(range.kind(), ErrorKind::Input);
    let in_document = range.clone().in_document();
    assert_eq!(in_document.kind(), ErrorKind::Config);
    assert_eq!(
        (in_document.code(), in_document.to_string()),
        (range.code(), range.to_string())
    );

    let config = entitlement_core::Error::InvalidType {
        path: "starts[3]".into(),
        expected: "a datetime".into(),
        found: "a str".into(),
    };
    let input = config.clone().in_argument();
    assert_eq!(input.kind(), ErrorKind::Input);
    assert_eq!(
        (input.code(), input.to_string()),
        (config.code(), config.to_string())
    );
    assert_eq!(
        input.path(),
        vec![PathSegment::Key("starts".into()), PathSegment::Index(3)]
    );
    // Marking twice, or marking back, never nests.
    assert_eq!(input.clone().in_argument(), input);
    assert_eq!(input.clone().in_document(), config);
}

#[test]
fn the_time_zone_alias_is_a_document_rule_in_calendars_and_rulesets() {
    let with_alias = Calendar::from_value(&json!({"timeZone": "Europe/Paris",
        "hours": {"mon": ["09:00-17:00"]}}))
    .expect("timeZone is an alias");
    assert_eq!(with_alias.time_zone(), Some("Europe/Paris"));
    let rules = Ruleset::from_value(&json!({"calendars": {"paris": {"timeZone": "Europe/Paris",
        "hours": {"mon": ["09:00-17:00"]}}}}))
    .expect("also inside a ruleset");
    assert_eq!(
        rules.calendars().get("paris").unwrap().time_zone(),
        Some("Europe/Paris")
    );
    // The definitions kept, and written back, use the document's key, inline unions included.
    let doc = json!({"calendars": {
        "paris": {"timeZone": "Europe/Paris", "hours": {"mon": ["09:00-17:00"]}},
        "both": {"union": ["paris", {"timeZone": "Asia/Tokyo", "hours": {"tue": ["09:00-17:00"]}}]}}});
    let written = Ruleset::from_value(&doc).expect("aliases").to_value();
    assert_eq!(written["calendars"]["paris"]["time_zone"], "Europe/Paris");
    assert_eq!(
        written["calendars"]["both"]["union"][1]["time_zone"],
        "Asia/Tokyo"
    );
    assert!(!written.to_string().contains("timeZone"), "{written}");
    let union = Calendar::from_value(&doc["calendars"]["both"]["union"][1]).expect("inline");
    assert_eq!(union.to_value()["time_zone"], "Asia/Tokyo");
    let nested_both = Ruleset::from_value(&json!({"calendars": {"u": {"union": [
        {"timeZone": "UTC", "time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}}]}}}))
    .unwrap_err();
    assert_eq!(nested_both.code(), "invalid_value");
    assert_eq!(nested_both.path_text(), "calendars.u.union[0].timeZone");
    let both = Calendar::from_value(&json!({"timeZone": "UTC", "time_zone": "UTC",
        "hours": {"mon": ["09:00-17:00"]}}))
    .unwrap_err();
    assert_eq!(both.code(), "invalid_value");
    assert_eq!(both.path(), vec![PathSegment::Key("timeZone".into())]);
}

#[test]
fn an_out_of_range_value_names_its_place_and_a_result_has_none() {
    let place = |what: &str| entitlement_core::Error::OutOfRange { what: what.into() }.path();
    assert_eq!(
        place("start (0000-12-31T19:00:00Z)"),
        vec![PathSegment::Key("start".into())]
    );
    assert_eq!(
        place("events[0].at (\"0000-12-31T00:00:00Z\")"),
        vec![
            PathSegment::Key("events".into()),
            PathSegment::Index(0),
            PathSegment::Key("at".into())
        ]
    );
    assert!(place("add: the start (0000-12-31T19:00:00Z)").is_empty());
    assert!(place("the result (starting from 2026-03-06T16:00:00Z)").is_empty());
    let case = json!({"id": "C-1", "created_at": "0000-12-31T00:00:00Z"});
    let err = Case::from_value(&case).unwrap_err();
    assert_eq!(err.code(), "out_of_range");
    assert_eq!(err.path(), vec![PathSegment::Key("created_at".into())]);
}
