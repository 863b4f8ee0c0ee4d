//! The order of a monitor report's open milestones (`docs/monitor.md`, "The at-risk list"): the
//! law on random cases, and the example of the issue (a Sev1 due in 80 minutes outranks a case
//! due tomorrow morning, and weeks-old violations do not fill the top).

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use entitlement_core::MilestoneState;
use entitlement_core::rules::{Case, MilestoneStatus, MonitorReport, Ruleset};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::at;

/// A business-hours milestone and a 24×7 one, so wall-clock and business time left disagree.
fn rules(fraction: f64) -> Ruleset {
    Ruleset::from_value(&json!({
        "calendars": {"desk": {"time_zone": "America/New_York",
            "hours": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
                      "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]}}},
        "processes": [{"id": "p", "pause_statuses": ["Waiting"], "milestones": [
            {"name": "FR", "kind": "first_response", "calendar": "desk",
             "target": {"by": "severity", "values": {"Sev1": "1h"}, "default": "4h"},
             "triggers": [{"at": "90%", "level": "critical"}]},
            {"name": "Res", "kind": "resolution", "target": "8h",
             "triggers": [{"at": "50%", "level": "warning"}]}]}],
        "entitlements": [{"id": "e", "process": "p", "account": {"id": "A"}}],
        "monitor": {"at_risk": fraction}
    }))
    .expect("rules")
}

const BASE: i64 = 1_795_000_000; // 2026-11-18T07:06:40Z, a Wednesday

fn instant(minutes: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(BASE, 0).unwrap() + TimeDelta::minutes(minutes)
}

fn case(id: &str, created: i64, sev1: bool, events: &[(u8, i64)]) -> Case {
    let events: Vec<Value> = events
        .iter()
        .map(|&(k, m)| {
            let at = instant(created + m).to_rfc3339();
            match k {
                0 => json!({"at": at, "type": "agent_reply"}),
                1 => json!({"at": at, "type": "status", "to": "Waiting"}),
                2 => json!({"at": at, "type": "status", "to": "Open"}),
                _ => json!({"at": at, "type": "field", "field": "severity", "to": "Sev1"}),
            }
        })
        .collect();
    Case::from_value(&json!({"id": id, "entitlement": "e",
        "created_at": instant(created).to_rfc3339(),
        "fields": {"severity": if sev1 { "Sev1" } else { "Sev3" }}, "events": events}))
    .expect("case")
}

fn tie(s: &MilestoneStatus) -> (&str, &str, u32) {
    (s.case_id.as_str(), s.milestone.as_str(), s.instance)
}

/// The law, from the public API alone.
fn check_order(report: &MonitorReport, fraction: f64) -> Result<(), TestCaseError> {
    let n = report.at_risk.len() + report.breached.len();
    // `open` is at risk, then breached, then the rest, and holds every open milestone once.
    prop_assert_eq!(&report.open[..report.at_risk.len()], &report.at_risk[..]);
    prop_assert_eq!(&report.open[report.at_risk.len()..n], &report.breached[..]);
    let every_open: HashSet<(usize, usize)> = report
        .cases
        .iter()
        .enumerate()
        .flat_map(|(c, e)| {
            e.milestones
                .iter()
                .enumerate()
                .filter(|(_, m)| m.state.is_open())
                .map(move |(k, _)| (c, k))
        })
        .collect();
    let listed: Vec<(usize, usize)> = report
        .open
        .iter()
        .map(|p| (p.case as usize, p.milestone as usize))
        .collect();
    prop_assert_eq!(listed.len(), every_open.len());
    prop_assert_eq!(listed.into_iter().collect::<HashSet<_>>(), every_open);

    let past = |s: &MilestoneStatus| !s.crossed.is_empty() || s.consumed.unwrap_or(0.0) >= fraction;
    let at_risk = report.at_risk_statuses();
    for s in &at_risk {
        prop_assert!(matches!(
            s.state,
            MilestoneState::InProgress | MilestoneState::Paused
        ));
        prop_assert!(s.breached_at.is_none() || s.state != MilestoneState::Violated);
        prop_assert!(past(s), "{s:?} is listed at risk");
    }
    for w in at_risk.windows(2) {
        let (a, b) = (w[0], w[1]);
        prop_assert!(
            (a.target_at, tie(a)) <= (b.target_at, tie(b)),
            "at risk out of order: {:?} before {:?}",
            (a.target_at, tie(a)),
            (b.target_at, tie(b))
        );
    }
    let breached = report.breached_statuses();
    for s in &breached {
        prop_assert_eq!(s.state, MilestoneState::Violated);
        prop_assert!(s.breached_at.is_some());
    }
    for w in breached.windows(2) {
        prop_assert!(w[0].breached_at >= w[1].breached_at);
        if w[0].breached_at == w[1].breached_at {
            prop_assert!(tie(w[0]) <= tie(w[1]));
        }
    }
    // What is left out of both lists is open, not breached and not past anything.
    for &p in &report.open[n..] {
        let s = report.status(p);
        prop_assert!(s.state != MilestoneState::Violated && !past(s));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// For any report: every at-risk entry is open, not breached and past a trigger or the
    /// fraction, sorted by wall-clock time to its deadline; every breached one is violated and
    /// still open, sorted by breach instant, most recent first; `open` keeps every open one.
    #[test]
    fn the_open_milestones_are_ranked_by_the_order_law(
        specs in prop::collection::vec(
            (0i64..4000, any::<bool>(), prop::collection::vec((0u8..4, 0i64..600), 0..6)),
            1..12),
        now in 0i64..5000,
        fraction in 0.05f64..1.0,
    ) {
        let rules = rules(fraction);
        let cases: Vec<Case> = specs
            .iter()
            .enumerate()
            .map(|(i, (created, sev1, events))| case(&format!("C-{i}"), *created, *sev1, events))
            .collect();
        // Ids are unique (a repeated id is `duplicate_case`); equal deadlines still tie.
        let report = rules.monitor(&cases, instant(now), None).unwrap();
        check_order(&report, fraction)?;
    }
}

#[test]
fn a_sev1_due_in_80_minutes_outranks_a_case_due_tomorrow_and_old_violations_stay_apart() {
    let rules = rules(0.75);
    // Tue 2026-11-24 21:40Z, 16:40 in New York: the desk closes at 17:00.
    let now = "2026-11-24T21:40:00Z";
    let cases = [
        // Sev3 first response, 4 business hours from 13:30 New York: 3h10 used (79%), 50
        // business minutes left, due Wed 09:30 New York (tomorrow morning).
        case_at("tomorrow", "2026-11-24T18:30:00Z", "Sev3", false),
        // Sev1 resolution on the 24×7 clock: 8 h from 15:00Z, due 23:00Z, in 80 minutes.
        case_at("sev1", "2026-11-24T15:00:00Z", "Sev1", true),
        // Resolution violated three weeks ago, and ten minutes ago.
        case_at("old", "2026-11-02T15:00:00Z", "Sev3", true),
        case_at("recent", "2026-11-24T13:30:00Z", "Sev1", true),
    ];
    let report = rules.monitor(&cases, at(now), None).unwrap();
    check_order(&report, 0.75).unwrap();
    let ranked: Vec<(&str, &str)> = report
        .at_risk_statuses()
        .iter()
        .map(|s| (s.case_id.as_str(), s.milestone.as_str()))
        .collect();
    assert_eq!(ranked, [("sev1", "Res"), ("tomorrow", "FR")]);
    // By business time left the case due tomorrow came first (50 minutes against 80).
    let left = |i: usize| report.at_risk_statuses()[i].remaining.unwrap();
    assert!(left(1) < left(0));
    let breached: Vec<&str> = report
        .breached_statuses()
        .iter()
        .map(|s| s.case_id.as_str())
        .collect();
    assert_eq!(breached, ["recent", "old"]);
    assert_eq!(report.status(report.open[0]).case_id, "sev1");
    // The rest: the resolution of the case due tomorrow (40% used, no trigger crossed).
    assert_eq!(report.open.len(), 5);
}

fn case_at(id: &str, created: &str, severity: &str, answered: bool) -> Case {
    let reply = at(created) + TimeDelta::minutes(5);
    let events = if answered {
        json!([{"at": reply.to_rfc3339(), "type": "agent_reply"}])
    } else {
        json!([])
    };
    Case::from_value(&json!({"id": id, "entitlement": "e", "created_at": created,
        "fields": {"severity": severity}, "events": events}))
    .expect("case")
}
