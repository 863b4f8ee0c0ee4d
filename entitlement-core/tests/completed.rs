//! `milestone_completed` events: met and late completions with the milestone's `on_complete`
//! actions, the window's bounds, reopened and recurring instances, suppression, exactly once
//! across consecutive windows.

use std::collections::HashSet;

use chrono::TimeDelta;
use entitlement_core::rules::{Case, Level, MonitorEventKind, MonitorReport, Ruleset};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::at;

/// The catalogue entries of the actions the milestones below name on completion (an action
/// neither built in nor catalogued is a load error).
fn catalogue() -> Value {
    json!({"resolve_page": {"label": "Resolve the page"},
           "log_reply": {"label": "Log the reply"},
           "thank_customer": {"label": "Thank the customer"}})
}

fn rules_with(mut monitor: Value) -> Ruleset {
    monitor["actions"] = catalogue();
    Ruleset::from_value(&json!({
        "processes": [{"id": "p", "pause_statuses": ["Waiting"], "milestones": [
            {"name": "First Response", "kind": "first_response", "target": "1h",
             "triggers": [{"at": "50%", "level": "warning", "actions": ["notify_owner"]},
                          {"at": "100%", "level": "critical", "actions": ["page_oncall"]}],
             "on_complete": ["resolve_page"]},
            {"name": "Next Response", "kind": "next_response", "recurrence": "independent",
             "target": "40m", "on_complete": ["resolve_page", "log_reply"]},
            {"name": "Resolution", "kind": "resolution", "target": "4h",
             "on_complete": ["thank_customer"]},
            {"name": "Diagnosis", "kind": "custom", "starts_on": ["created"],
             "completes_on": ["diagnosed"], "target": "2h"}]}],
        "entitlements": [{"id": "e", "process": "p",
            "account": {"id": "A-1", "name": "Acme", "arr": 2000000}}],
        "monitor": monitor,
    }))
    .expect("rules")
}

fn rules() -> Ruleset {
    rules_with(json!({}))
}

fn case(events: Value) -> Case {
    Case::from_value(&json!({"id": "C-1", "entitlement": "e",
        "created_at": "2026-11-24T10:00:00Z", "fields": {"severity": "Sev3"}, "events": events}))
    .expect("case")
}

fn run(rules: &Ruleset, cases: &[Case], now: &str, since: Option<&str>) -> MonitorReport {
    rules
        .monitor(cases, at(now), since.map(at))
        .expect("monitor")
}

fn completions(r: &MonitorReport) -> Vec<(String, String, String)> {
    r.events
        .iter()
        .filter(|e| e.kind == MonitorEventKind::MilestoneCompleted)
        .map(|e| {
            (
                e.key.clone(),
                e.point.clone().unwrap_or_default(),
                e.at.to_rfc3339(),
            )
        })
        .collect()
}

#[test]
fn a_met_and_a_late_completion_carry_the_on_complete_actions() {
    // First response at 10:40 (target 11:00): met. Solved at 15:00 (target 14:00): late.
    let cases = [case(json!([
        {"at": "2026-11-24T10:40:00Z", "type": "agent_reply"},
        {"at": "2026-11-24T15:00:00Z", "type": "solved"}]))];
    let r = run(&rules(), &cases, "2026-11-24T16:00:00Z", None);
    let done: Vec<_> = r
        .events
        .iter()
        .filter(|e| e.kind == MonitorEventKind::MilestoneCompleted)
        .collect();
    assert_eq!(done.len(), 2, "{:?}", completions(&r));
    let first = done[0];
    assert_eq!(first.kind.as_str(), "milestone_completed");
    assert_eq!(first.key, "C-1/First Response/1/completed");
    assert_eq!(first.point.as_deref(), Some("met"));
    assert_eq!(first.at, at("2026-11-24T10:40:00Z"));
    assert_eq!(first.level, Level::Info);
    assert_eq!(first.actions, ["resolve_page"]);
    assert_eq!(first.instance, Some(1));
    assert_eq!(
        first.status.as_ref().map(|s| s.state.as_str()),
        Some("completed")
    );
    assert!(!first.suppressed);
    let late = done[1];
    assert_eq!(late.key, "C-1/Resolution/1/completed");
    assert_eq!(late.point.as_deref(), Some("late"));
    assert_eq!(late.at, at("2026-11-24T15:00:00Z"));
    assert_eq!(late.actions, ["thank_customer"]);

    // The alerts read in words and carry only the milestone's actions.
    let a = r.alerts.iter().find(|a| a.key == first.key).unwrap();
    assert_eq!(a.kind, MonitorEventKind::MilestoneCompleted);
    assert!(
        a.title.contains("First Response #1 of case C-1 was met"),
        "{}",
        a.title
    );
    assert!(
        a.summary.contains("20m before its deadline"),
        "{}",
        a.summary
    );
    assert_eq!(a.actions, ["resolve_page"]);
    assert_eq!((a.business_left, a.wall_left), (None, None));
    let b = r.alerts.iter().find(|a| a.key == late.key).unwrap();
    assert!(b.title.contains("was completed late"), "{}", b.title);
    assert!(b.summary.contains("1h after its deadline"), "{}", b.summary);
    assert_eq!(b.actions, ["thank_customer"]);
    // Renderers take it like any alert.
    assert!(b.slack_blocks().to_string().contains("completed late"));
}

#[test]
fn a_completion_without_on_complete_actions_is_an_event_but_no_alert() {
    let cases = [case(json!([
        {"at": "2026-11-24T10:30:00Z", "type": "diagnosed"}]))];
    let r = run(&rules(), &cases, "2026-11-24T10:45:00Z", None);
    let e = r
        .events
        .iter()
        .find(|e| e.key == "C-1/Diagnosis/1/completed")
        .expect("the completion is reported");
    assert!(e.actions.is_empty() && !e.suppressed);
    assert!(r.alerts.iter().all(|a| a.key != e.key));
}

#[test]
fn the_window_holds_a_completion_at_now_but_not_at_since() {
    let cases = [case(json!([
        {"at": "2026-11-24T10:40:00Z", "type": "agent_reply"}]))];
    let rules = rules();
    let key = "C-1/First Response/1/completed";
    let has = |r: &MonitorReport| r.events.iter().any(|e| e.key == key);
    // (since, now] with now at the completion: in.
    assert!(has(&run(
        &rules,
        &cases,
        "2026-11-24T10:40:00Z",
        Some("2026-11-24T10:39:00Z")
    )));
    // since at the completion: out (the previous window reported it).
    assert!(!has(&run(
        &rules,
        &cases,
        "2026-11-24T10:50:00Z",
        Some("2026-11-24T10:40:00Z")
    )));
    // A window that ends before it: out, and the replay does not see the future reply.
    assert!(!has(&run(
        &rules,
        &cases,
        "2026-11-24T10:39:59Z",
        Some("2026-11-24T10:00:00Z")
    )));
}

#[test]
fn reopened_and_recurring_instances_complete_once_each() {
    // Solved 11:00, reopened 12:00, closed 17:30: resolution #1 met, #2 late (4h from 12:00).
    // Next responses: customer 11:00 → agent 11:10 (met), customer 12:00 → agent 13:30 (late).
    let cases = [case(json!([
        {"at": "2026-11-24T10:05:00Z", "type": "agent_reply"},
        {"at": "2026-11-24T11:00:00Z", "type": "customer_reply"},
        {"at": "2026-11-24T11:00:00Z", "type": "solved"},
        {"at": "2026-11-24T11:10:00Z", "type": "agent_reply"},
        {"at": "2026-11-24T12:00:00Z", "type": "reopened"},
        {"at": "2026-11-24T12:00:00Z", "type": "customer_reply"},
        {"at": "2026-11-24T13:30:00Z", "type": "agent_reply"},
        {"at": "2026-11-24T17:30:00Z", "type": "closed"}]))];
    let r = run(&rules(), &cases, "2026-11-24T18:00:00Z", None);
    let mut got = completions(&r);
    got.sort();
    // Closing the case completes the open diagnosis too (late: its target was 12:00).
    let want = [
        (
            "C-1/Diagnosis/1/completed",
            "late",
            "2026-11-24T17:30:00+00:00",
        ),
        (
            "C-1/First Response/1/completed",
            "met",
            "2026-11-24T10:05:00+00:00",
        ),
        (
            "C-1/Next Response/1/completed",
            "met",
            "2026-11-24T11:10:00+00:00",
        ),
        (
            "C-1/Next Response/2/completed",
            "late",
            "2026-11-24T13:30:00+00:00",
        ),
        (
            "C-1/Resolution/1/completed",
            "met",
            "2026-11-24T11:00:00+00:00",
        ),
        (
            "C-1/Resolution/2/completed",
            "late",
            "2026-11-24T17:30:00+00:00",
        ),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(k, p, t)| (k.to_string(), p.to_string(), t.to_string()))
        .collect();
    assert_eq!(got, want);
    let next = r
        .events
        .iter()
        .find(|e| e.key == "C-1/Next Response/2/completed")
        .unwrap();
    assert_eq!(next.actions, ["resolve_page", "log_reply"]);
    assert_eq!(next.instance, Some(2));
}

#[test]
fn no_suppression_rule_holds_a_completion_back() {
    // Every rule that could apply: min_level above info, paused, agent activity just before.
    let rules = rules_with(
        json!({"suppress": {"min_level": "critical", "while_paused": true,
        "agent_activity": "30m", "activity_events": ["agent_reply", "customer_reply"]}}),
    );
    let cases = [case(json!([
        {"at": "2026-11-24T10:20:00Z", "type": "status", "to": "Waiting"},
        {"at": "2026-11-24T10:30:00Z", "type": "agent_reply"},
        {"at": "2026-11-24T10:35:00Z", "type": "solved"}]))];
    let r = run(&rules, &cases, "2026-11-24T11:00:00Z", None);
    let done: Vec<_> = r
        .events
        .iter()
        .filter(|e| e.kind == MonitorEventKind::MilestoneCompleted)
        .collect();
    assert_eq!(done.len(), 2);
    assert!(
        done.iter()
            .all(|e| !e.suppressed && e.suppressed_by.is_none())
    );
    assert_eq!(
        r.alerts
            .iter()
            .filter(|a| a.kind == MonitorEventKind::MilestoneCompleted)
            .count(),
        2
    );
}

#[test]
fn on_complete_must_be_a_list_of_action_names() {
    let doc = |on_complete: Value| {
        json!({"processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response",
            "target": "1h", "on_complete": on_complete}]}],
            "monitor": {"actions": catalogue()}})
    };
    let err = Ruleset::from_value(&doc(json!("resolve_page"))).unwrap_err();
    assert_eq!(err.code(), "invalid_type");
    assert!(err.to_string().contains("on_complete"), "{err}");
    let rules = Ruleset::from_value(&doc(json!(["resolve_page"]))).unwrap();
    assert_eq!(
        rules.processes()[0].milestones[0].on_complete,
        ["resolve_page"]
    );
    // A completion's action is checked against the catalogue like a trigger's.
    let err = Ruleset::from_value(&doc(json!(["resolve_page", "resolve_pgae"]))).unwrap_err();
    assert_eq!(err.code(), "unknown_action");
    assert_eq!(err.path_text(), "processes[0].milestones[0].on_complete[1]");
    assert!(err.to_string().contains("resolve_page"), "{err}");
}

const TYPES: [&str; 6] = [
    "agent_reply",
    "customer_reply",
    "solved",
    "reopened",
    "diagnosed",
    "closed",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Consecutive windows report each completed instance exactly once, at its completion, and
    /// together exactly the completions of the whole span.
    #[test]
    fn each_completion_is_reported_once_across_windows(
        logs in prop::collection::vec(
            prop::collection::vec((0..TYPES.len(), 0i64..900), 0..12), 1..4),
        cuts in prop::collection::vec(1i64..1000, 0..6),
    ) {
        let t0 = at("2026-11-24T10:00:00Z");
        let tn = t0 + TimeDelta::minutes(1000);
        let cases: Vec<Case> = logs.iter().enumerate().map(|(i, log)| {
            let mut log = log.clone();
            log.sort_by_key(|e| e.1);
            let events: Vec<Value> = log.iter().map(|&(k, m)| json!({
                "at": (t0 + TimeDelta::minutes(m)).to_rfc3339(), "type": TYPES[k]})).collect();
            Case::from_value(&json!({"id": format!("K-{i}"), "entitlement": "e",
                "created_at": t0.to_rfc3339(), "events": events})).unwrap()
        }).collect();
        let rules = rules();
        let mut bounds = cuts.clone();
        bounds.sort_unstable();
        bounds.dedup();
        let mut union = Vec::new();
        let mut since = t0;
        for b in bounds.iter().map(|&m| t0 + TimeDelta::minutes(m)).chain([tn]) {
            let r = rules.monitor(&cases, b, Some(since)).unwrap();
            for e in r.events.iter().filter(|e| e.kind == MonitorEventKind::MilestoneCompleted) {
                prop_assert!(e.at > since && e.at <= b);
                union.push((e.key.clone(), e.point.clone(), e.at, e.actions.clone()));
            }
            since = b;
        }
        let mut seen = HashSet::new();
        for e in &union {
            prop_assert!(seen.insert(e.0.clone()), "{} twice", e.0);
        }
        // The completed instances as the evaluation at the end sees them.
        let mut want = Vec::new();
        for c in &cases {
            for s in rules.evaluate(c, tn).unwrap() {
                if let Some(done) = s.completed_at.filter(|&d| d > t0) {
                    let point = if s.state.as_str() == "completed" { "met" } else { "late" };
                    want.push(format!("{}/{}/{}/completed {point} {done}", c.id, s.milestone, s.instance));
                }
            }
        }
        let mut got: Vec<String> = union.iter()
            .map(|(k, p, t, _)| format!("{k} {} {t}", p.as_deref().unwrap_or("?"))).collect();
        got.sort();
        want.sort();
        prop_assert_eq!(got, want);
    }
}
