//! Bad records: a bad case never stops the others (`docs/monitor.md`, "Bad records"). One bad
//! case among a thousand good ones, each kind of bad case, `OnError::Raise` as before, the
//! window rule, and the law that collecting errors changes nothing for the good cases.

use chrono::{DateTime, TimeDelta, Utc};
use entitlement_core::rules::{Case, CaseBatch, MonitorEventKind, MonitorReport, OnError, Ruleset};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::at;

fn rules() -> Ruleset {
    Ruleset::from_value(&json!({
        "processes": [{"id": "p", "milestones": [
            {"name": "FR", "kind": "first_response", "target": "1h",
             "triggers": [{"at": "50%", "level": "warning"}]},
            {"name": "Res", "kind": "resolution", "target": "8h"}]}],
        "entitlements": [{"id": "e", "process": "p", "account": {"id": "A", "name": "Acme"}}]
    }))
    .expect("rules")
}

const NOW: &str = "2026-11-25T12:00:00Z";

/// A good case `i`: created at a minute of the morning, some replied to.
fn good(i: usize) -> Value {
    let created = at("2026-11-25T09:00:00Z") + TimeDelta::minutes((i % 120) as i64);
    let mut events = Vec::new();
    if i.is_multiple_of(3) {
        events.push(
            json!({"at": (created + TimeDelta::minutes(20)).to_rfc3339(), "type": "agent_reply"}),
        );
    }
    json!({"id": format!("C-{i}"), "entitlement": "e", "created_at": created.to_rfc3339(),
           "events": events})
}

/// Each kind of bad case, with the code and the path (relative to the case) it gives.
fn bad(kind: usize, i: usize) -> (Value, &'static str, &'static str) {
    let id = format!("B-{i}");
    match kind % 5 {
        0 => (
            json!({"id": id, "entitlement": "new-contract", "created_at": "2026-11-25T09:00:00Z"}),
            "unknown_entitlement",
            ".entitlement",
        ),
        1 => (
            json!({"id": id, "entitlement": "e", "created_at": "2026-11-25T09:00:00Z",
                   "events": [{"at": "2026-11-25T09:10:00Z", "type": "escalated_to_mars"}]}),
            "unknown_event_type",
            ".events[0].type",
        ),
        2 => (
            json!({"id": id, "entitlement": "e", "created_at": "2026-11-25T09:00:00Z",
                   "events": [{"at": "25/11/2026 09:10", "type": "agent_reply"}]}),
            "invalid_instant",
            ".events[0].at",
        ),
        3 => (json!(["not", "a", "case"]), "invalid_type", ""),
        _ => (
            json!({"id": id, "entitlement": "e", "created_at": "2026-11-25T09:00:00"}),
            "naive_datetime",
            ".created_at",
        ),
    }
}

/// The values as a host reads them: each position a case or its reading error.
fn batch(values: &[Value]) -> CaseBatch {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| Case::from_value_at(v, i))
        .collect()
}

fn good_cases(values: &[Value]) -> Vec<Case> {
    values
        .iter()
        .map(|v| Case::from_value(v).expect("good case"))
        .collect()
}

/// A thousand cases, case 437 bad.
fn thousand(kind: usize) -> (Vec<Value>, &'static str, String) {
    let mut values: Vec<Value> = (0..1000).map(good).collect();
    let (value, code, path) = bad(kind, 437);
    values[437] = value;
    (values, code, format!("cases[437]{path}"))
}

#[test]
fn one_bad_case_among_a_thousand_in_monitor() {
    let rules = rules();
    for kind in 0..5 {
        let (values, code, path) = thousand(kind);
        let report = rules
            .monitor_batch(&batch(&values), at(NOW), None, OnError::Collect)
            .expect("monitor");
        assert_eq!(report.cases.len(), 999, "{code}");
        assert_eq!(report.errors.len(), 1);
        let error = &report.errors[0];
        assert_eq!((error.index, error.code.as_str()), (437, code));
        assert_eq!(error.path, path);
        let data: Vec<_> = report
            .events
            .iter()
            .filter(|e| e.kind == MonitorEventKind::DataError)
            .collect();
        assert_eq!(data.len(), 1);
        assert_eq!(data[0].point.as_deref(), Some(code));
        assert_eq!(data[0].at, at(NOW));
        let alert = report
            .alerts
            .iter()
            .find(|a| a.key == data[0].key)
            .expect("an alert for the data error");
        assert!(
            alert.title.contains("could not be checked"),
            "{}",
            alert.title
        );
        // The good cases are monitored as if the bad one had not been given.
        let mut alone = values.clone();
        alone.remove(437);
        let expected = rules
            .monitor(&good_cases(&alone), at(NOW), None)
            .expect("monitor");
        assert_eq!(report.cases, expected.cases);
        let others: Vec<_> = report
            .events
            .iter()
            .filter(|e| e.kind != MonitorEventKind::DataError)
            .collect();
        assert_eq!(others, expected.events.iter().collect::<Vec<_>>());
    }
}

#[test]
fn one_bad_case_among_a_thousand_in_the_other_calls() {
    let rules = rules();
    let (values, code, path) = thousand(0);
    let b = batch(&values);
    let now = at(NOW);

    let all = rules
        .evaluate_batch(&b, now, OnError::Collect)
        .expect("evaluate");
    assert_eq!(all.len(), 1000);
    assert_eq!(all.iter().filter(|e| e.is_ok()).count(), 999);
    let error = all[437].as_ref().expect_err("case 437 is bad");
    assert_eq!(
        (error.code.as_str(), error.path.as_str()),
        (code, path.as_str())
    );
    assert_eq!(error.case_id.as_deref(), Some("B-437"));

    let (events, errors) = rules
        .milestone_events_batch(&b, now, None, OnError::Collect)
        .expect("milestone events");
    assert_eq!(errors.len(), 1);
    assert_eq!(
        events
            .iter()
            .filter(|e| e.kind == MonitorEventKind::DataError)
            .count(),
        1
    );

    let (risks, errors) = rules
        .breach_risk_batch(&b, now, OnError::Collect)
        .expect("breach risk");
    assert_eq!((errors.len(), errors[0].index), (1, 437));
    let mut alone = values.clone();
    alone.remove(437);
    let alone = good_cases(&alone);
    assert_eq!(risks, rules.breach_risk(&alone, now).expect("breach risk"));
    let cases_at_risk: std::collections::HashSet<&str> =
        risks.iter().map(|r| r.case_id.as_str()).collect();
    assert!(cases_at_risk.len() <= 999 && !cases_at_risk.contains("B-437"));

    let w = rules
        .what_if_batch(&rules, &b, now, OnError::Collect)
        .expect("what if");
    assert_eq!((w.errors.len(), w.errors[0].index), (1, 437));
    let attained: u32 = w
        .rows
        .iter()
        .map(|r| r.current.met + r.current.late + r.current.violated + r.current.open)
        .sum();
    let expected = rules.what_if(&rules, &alone, now).expect("what if");
    assert_eq!(
        (w.rows.clone(), w.changes.clone()),
        (expected.rows, expected.changes)
    );
    assert!(attained > 0);
}

#[test]
fn raise_fails_as_before_with_the_same_error() {
    let rules = rules();
    let now = at(NOW);
    for kind in [0, 1] {
        let (values, code, _) = thousand(kind);
        // Read errors are not at stake here: these cases read.
        let cases = good_cases(&values);
        let before = rules.evaluate_many(&cases, now).unwrap_err();
        assert_eq!(before.code(), code);
        for err in [
            rules.monitor(&cases, now, None).unwrap_err(),
            rules
                .monitor_with(&cases, now, None, OnError::Raise)
                .unwrap_err(),
            rules
                .monitor_batch(&CaseBatch::from(cases.clone()), now, None, OnError::Raise)
                .unwrap_err(),
            rules.breach_risk(&cases, now).unwrap_err(),
            rules.what_if(&rules, &cases, now).unwrap_err(),
        ] {
            assert_eq!(err, before);
        }
        assert!(before.to_string().starts_with("case \"B-437\""), "{before}");
    }
    // A case that cannot be read: the batch raises its reading error.
    let (values, code, _) = thousand(2);
    let err = rules
        .monitor_batch(&batch(&values), now, None, OnError::Raise)
        .unwrap_err();
    assert_eq!(err.code(), code);
    assert_eq!(err.path_text(), "events[0].at");
}

#[test]
fn every_copy_of_a_duplicated_id_is_left_out() {
    let rules = rules();
    let mut values: Vec<Value> = (0..10).map(good).collect();
    values.push(good(3));
    values.push(good(3));
    let report = rules
        .monitor_batch(&batch(&values), at(NOW), None, OnError::Collect)
        .expect("monitor");
    assert_eq!(report.cases.len(), 9);
    let at_: Vec<(usize, &str, &str)> = report
        .errors
        .iter()
        .map(|e| (e.index, e.code.as_str(), e.path.as_str()))
        .collect();
    assert_eq!(
        at_,
        [
            (3, "duplicate_case", "cases[3].id"),
            (10, "duplicate_case", "cases[10].id"),
            (11, "duplicate_case", "cases[11].id")
        ]
    );
    assert!(
        report.errors[0].message.contains("3 times"),
        "{}",
        report.errors[0].message
    );
    // One data error event per copy, each with its own key.
    let keys: Vec<&str> = report
        .events
        .iter()
        .filter(|e| e.kind == MonitorEventKind::DataError)
        .map(|e| e.key.as_str())
        .collect();
    assert_eq!(keys.len(), 3);
    let err = rules
        .monitor(&good_cases(&values), at(NOW), None)
        .unwrap_err();
    assert_eq!((err.code(), err.path_text()), ("duplicate_case", "id"));
}

#[test]
fn many_copies_of_one_id_stay_linear_and_short() {
    // 20,000 copies of one id: each error names at most five places, and the run ends.
    let rules = rules();
    let values: Vec<Value> = (0..20_000).map(|_| good(1)).collect();
    let report = rules
        .monitor_batch(&batch(&values), at(NOW), None, OnError::Collect)
        .expect("monitor");
    assert_eq!((report.cases.len(), report.errors.len()), (0, 20_000));
    assert!(report.errors[19_999].message.len() < 400);
    assert!(report.errors[0].message.contains("and 19995 more"));
}

#[test]
fn a_window_that_holds_no_instant_is_refused() {
    let rules = rules();
    let cases = good_cases(&[good(1)]);
    let now = at(NOW);
    for since in [now, now + TimeDelta::minutes(5)] {
        for on_error in [OnError::Collect, OnError::Raise] {
            let err = rules
                .monitor_with(&cases, now, Some(since), on_error)
                .unwrap_err();
            assert_eq!((err.code(), err.path_text()), ("invalid_window", "since"));
            assert!(err.to_string().contains("2026-11-25T12:00:00Z"), "{err}");
            let err = rules
                .milestone_events_batch(&CaseBatch::from(cases.clone()), now, Some(since), on_error)
                .unwrap_err();
            assert_eq!(err.code(), "invalid_window");
        }
        assert_eq!(
            rules.monitor(&cases, now, Some(since)).unwrap_err().code(),
            "invalid_window"
        );
        let evaluations = rules.evaluate_cases(&cases, now).expect("evaluate");
        assert_eq!(
            rules
                .monitor_evaluated(&cases, evaluations, now, Some(since))
                .unwrap_err()
                .kind(),
            entitlement_core::ErrorKind::Input
        );
    }
    // A since a microsecond before now is a window.
    let since = now - TimeDelta::microseconds(1);
    assert!(rules.monitor(&cases, now, Some(since)).is_ok());
}

#[test]
fn the_report_serialises_errors_after_cases() {
    let rules = rules();
    let (values, ..) = thousand(0);
    let report: MonitorReport = rules
        .monitor_batch(&batch(&values[430..440]), at(NOW), None, OnError::Collect)
        .expect("monitor");
    let text = serde_json::to_string(&report).expect("json");
    assert!(text.ends_with(&format!(
        "\"errors\":{}}}",
        serde_json::to_string(&report.errors).expect("json")
    )));
    let v: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["errors"][0]["index"], 7);
    assert_eq!(v["errors"][0]["case_id"], "B-437");
    assert_eq!(v["errors"][0]["path"], "cases[7].entitlement");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// For any set of bad positions, the good cases' results are those of a run over the good
    /// cases alone, and the errors' indices are exactly the bad positions.
    #[test]
    fn collecting_changes_nothing_for_the_good_cases(
        bad_at in prop::collection::vec((any::<bool>(), 0usize..5), 1..30),
    ) {
        let rules = rules();
        let now: DateTime<Utc> = at(NOW);
        let mut values = Vec::new();
        let mut alone = Vec::new();
        let mut expected_bad = Vec::new();
        for (i, &(is_bad, kind)) in bad_at.iter().enumerate() {
            if is_bad {
                values.push(bad(kind, i).0);
                expected_bad.push(i);
            } else {
                values.push(good(i));
                alone.push(good(i));
            }
        }
        let b = batch(&values);
        let report = rules.monitor_batch(&b, now, None, OnError::Collect).unwrap();
        let reference = rules.monitor(&good_cases(&alone), now, None).unwrap();
        prop_assert_eq!(&report.cases, &reference.cases);
        prop_assert_eq!(&report.accounts, &reference.accounts);
        let indices: Vec<usize> = report.errors.iter().map(|e| e.index).collect();
        prop_assert_eq!(&indices, &expected_bad);
        let evaluated = rules.evaluate_batch(&b, now, OnError::Collect).unwrap();
        prop_assert_eq!(evaluated.len(), values.len());
        for (i, entry) in evaluated.iter().enumerate() {
            prop_assert_eq!(entry.is_err(), expected_bad.contains(&i));
        }
    }
}
