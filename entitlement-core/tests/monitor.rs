//! The breach monitor: exactly-once windows, suppression, quota crossings, rollups, alerts and
//! their renderers, what-if. Rules: `examples/data/rules.yaml` (see tests/rules.rs for its
//! calendars) and small documents inline.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{DateTime, TimeDelta, Utc};
use entitlement_core::rules::{Case, Level, MonitorEventKind, MonitorReport, Ruleset};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::at;

fn rules() -> &'static Ruleset {
    static RULES: OnceLock<Ruleset> = OnceLock::new();
    RULES.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/data/rules.yaml");
        Ruleset::load(path).expect("the sample rules load")
    })
}

fn case(v: Value) -> Case {
    Case::from_value(&v).expect("test case")
}

fn run(rules: &Ruleset, cases: &[Case], now: &str, since: Option<&str>) -> MonitorReport {
    rules
        .monitor(cases, at(now), since.map(at))
        .expect("monitor")
}

/// What identifies an event across runs (its status snapshot differs by run): key, kind,
/// level, instant, suppression rule.
type Ident = (String, String, Level, DateTime<Utc>, Option<String>);

fn ident(r: &MonitorReport) -> Vec<Ident> {
    r.events
        .iter()
        .map(|e| {
            (
                e.key.clone(),
                e.kind.as_str().to_string(),
                e.level,
                e.at,
                e.suppressed_by.clone(),
            )
        })
        .collect()
}

#[test]
fn a_fifteen_minute_job_reports_each_event_once() {
    // umbrella-sev1, created 10:00Z, never answered: first response warning at 10:07:30,
    // violation trigger and breach at 10:15; resolution warning 11:00, violation and breach
    // 12:00, escalation 13:00.
    let cases = [case(json!({"id": "M-1", "entitlement": "umbrella-sev1",
                             "created_at": "2026-11-24T10:00:00Z"}))];
    let whole = run(rules(), &cases, "2026-11-24T14:00:00Z", None);
    let keys: Vec<&str> = whole.events.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "M-1/First Response/1/trigger/0/50%",
            "M-1/First Response/1/breach",
            "M-1/First Response/1/trigger/1/100%",
            "M-1/Resolution/1/trigger/0/50%",
            "M-1/Resolution/1/breach",
            "M-1/Resolution/1/trigger/1/100%",
            "M-1/Resolution/1/trigger/2/+1h",
        ]
    );
    assert_eq!(whole.events[1].at, at("2026-11-24T10:15:00Z"));
    let mut seen = Vec::new();
    let mut since: Option<DateTime<Utc>> = None;
    let mut now = at("2026-11-24T09:50:00Z");
    while now < at("2026-11-24T14:00:00Z") {
        now += TimeDelta::minutes(15);
        let r = rules().monitor(&cases, now, since).unwrap();
        for e in &r.events {
            assert!(e.at > since.unwrap_or(e.at - TimeDelta::seconds(1)) && e.at <= now);
        }
        seen.extend(ident(&r));
        since = Some(now);
    }
    assert_eq!(seen, ident(&whole));
}

#[test]
fn suppression_rules_mark_events_and_say_which_rule() {
    let doc = |suppress: Value| {
        Ruleset::from_value(&json!({
            "calendars": {"24x7": {"always_open": true}},
            "processes": [{"id": "p", "calendar": "24x7", "pause_statuses": ["Waiting"],
                "milestones": [
                    {"name": "FR", "kind": "first_response",
                     "target": {"by": "severity", "values": {"Sev1": "30m"}, "default": "1h"},
                     "triggers": [{"at": "50%", "level": "warning"}]},
                    {"name": "Res", "kind": "resolution", "target": "4h",
                     "triggers": [{"at": "75%", "level": "warning"}, {"at": "100%", "level": "violation"}]}]}],
            "entitlements": [{"id": "e", "process": "p"}],
            "monitor": {"suppress": suppress}
        }))
        .unwrap()
    };
    // While paused: 20 minutes run, then "Waiting" from 10:20; at 10:40 the case becomes Sev1,
    // whose 30m target puts the 50% point (15m) behind the clock: the warning fires at 10:40,
    // during the pause.
    let paused = [case(
        json!({"id": "S-1", "entitlement": "e", "created_at": "2026-11-24T10:00:00Z",
        "fields": {"severity": "Sev3"},
        "events": [{"at": "2026-11-24T10:20:00Z", "type": "status", "to": "Waiting"},
                   {"at": "2026-11-24T10:40:00Z", "type": "field", "field": "severity", "from": "Sev3", "to": "Sev1"}]}),
    )];
    let r = run(&doc(json!({})), &paused, "2026-11-24T10:50:00Z", None);
    let fr = r
        .events
        .iter()
        .find(|e| e.key == "S-1/FR/1/trigger/0/50%")
        .unwrap();
    assert_eq!(fr.at, at("2026-11-24T10:40:00Z"));
    assert_eq!(fr.suppressed_by.as_deref(), Some("while_paused"));
    assert!(
        r.alerts.iter().all(|a| a.key != fr.key),
        "suppressed events raise no alert"
    );
    let r = run(
        &doc(json!({"while_paused": false})),
        &paused,
        "2026-11-24T10:50:00Z",
        None,
    );
    assert!(
        !r.events
            .iter()
            .find(|e| e.key == fr.key)
            .unwrap()
            .suppressed
    );

    // Agent activity: the resolution's 75% warning (13:00) comes 10 minutes after a reply.
    let active = [case(
        json!({"id": "S-2", "entitlement": "e", "created_at": "2026-11-24T10:00:00Z",
        "events": [{"at": "2026-11-24T10:05:00Z", "type": "agent_reply"},
                   {"at": "2026-11-24T12:50:00Z", "type": "agent_reply"}]}),
    )];
    let r = run(
        &doc(json!({"agent_activity": "30m"})),
        &active,
        "2026-11-24T14:30:00Z",
        None,
    );
    let warn = r
        .events
        .iter()
        .find(|e| e.key == "S-2/Res/1/trigger/0/75%")
        .unwrap();
    assert_eq!(warn.suppressed_by.as_deref(), Some("agent_activity"));
    // Violations are never held back by activity: the breach and the 100% trigger stand.
    assert!(
        r.events
            .iter()
            .filter(|e| e.level >= Level::Violation)
            .all(|e| !e.suppressed)
    );
    let r = run(
        &doc(json!({"agent_activity": "5m"})),
        &active,
        "2026-11-24T14:30:00Z",
        None,
    );
    assert!(
        !r.events
            .iter()
            .find(|e| e.key == warn.key)
            .unwrap()
            .suppressed
    );

    // Minimum level per tier: Sev3 cases raise nothing below critical.
    let min = doc(json!({"min_level": {"by": "severity", "values": {"Sev3": "critical"}}}));
    let sev3 = [case(
        json!({"id": "S-3", "entitlement": "e", "created_at": "2026-11-24T10:00:00Z",
        "fields": {"severity": "Sev3"}}),
    )];
    let r = run(&min, &sev3, "2026-11-24T16:00:00Z", None);
    for e in &r.events {
        assert_eq!(e.suppressed, e.level < Level::Critical, "{}", e.key);
        if e.suppressed {
            assert_eq!(e.suppressed_by.as_deref(), Some("min_level"));
        }
    }
    assert!(r.events.iter().any(|e| e.suppressed) && r.events.iter().any(|e| !e.suppressed));
}

#[test]
fn a_quota_crossing_fires_once_across_windows() {
    // acme-gold: 3 Sev1 cases a month (alerts at 80% = 3 cases rounded up, and 100% = 3).
    // The fourth case starts counting only when it is raised to Sev1.
    let mk = |id: &str, created: &str, sev: &str| {
        case(
            json!({"id": id, "entitlement": "acme-gold", "created_at": created,
                    "fields": {"severity": sev}}),
        )
    };
    let mut cases = vec![
        mk("Q-1", "2026-11-02T15:00:00Z", "Sev1"),
        mk("Q-2", "2026-11-09T15:00:00Z", "Sev1"),
        mk("Q-3", "2026-11-16T15:00:00Z", "Sev2"),
    ];
    cases.push(case(json!({"id": "Q-4", "entitlement": "acme-gold", "created_at": "2026-11-18T15:00:00Z",
        "fields": {"severity": "Sev1"},
        "events": [{"at": "2026-11-20T15:00:00Z", "type": "field", "field": "severity", "from": "Sev2", "to": "Sev1"}]})));
    let quota = |r: &MonitorReport| -> Vec<(String, DateTime<Utc>)> {
        r.events
            .iter()
            .filter(|e| e.kind == MonitorEventKind::Quota && e.key.contains("/quota/1/"))
            .map(|e| (e.key.clone(), e.at))
            .collect()
    };
    let whole = run(rules(), &cases, "2026-11-30T00:00:00Z", None);
    assert_eq!(
        quota(&whole),
        vec![
            (
                "acme-gold/quota/1/2026-11-01/0.8".to_string(),
                at("2026-11-20T15:00:00Z")
            ),
            (
                "acme-gold/quota/1/2026-11-01/1".to_string(),
                at("2026-11-20T15:00:00Z")
            ),
        ]
    );
    let hit = whole
        .events
        .iter()
        .find(|e| e.key.ends_with("/quota/1/2026-11-01/1"))
        .unwrap();
    assert_eq!(hit.case_id.as_deref(), Some("Q-4"));
    assert_eq!(hit.level, Level::Critical);
    let alert = whole.alerts.iter().find(|a| a.key == hit.key).unwrap();
    assert!(
        alert
            .actions
            .contains(&"raise_usage_at_renewal".to_string())
    );
    // Daily runs see each crossing once.
    let mut seen = Vec::new();
    let mut since = at("2026-11-01T00:00:00Z");
    while since < at("2026-11-30T00:00:00Z") {
        let now = since + TimeDelta::days(1);
        seen.extend(quota(&rules().monitor(&cases, now, Some(since)).unwrap()));
        since = now;
    }
    assert_eq!(seen, quota(&whole));
}

#[test]
fn rollups_give_attainment_breaches_near_misses_and_usage() {
    let cases = [
        // On time with 1 of 15 minutes left, under `monitor.near_miss` (10%): a near miss.
        case(
            json!({"id": "A-1", "entitlement": "umbrella-sev1", "created_at": "2026-11-24T10:00:00Z",
            "events": [{"at": "2026-11-24T10:14:00Z", "type": "agent_reply"},
                       {"at": "2026-11-24T11:00:00Z", "type": "solved"}]}),
        ),
        // Late first response.
        case(
            json!({"id": "A-2", "entitlement": "umbrella-sev1", "created_at": "2026-11-24T12:00:00Z",
            "events": [{"at": "2026-11-24T12:20:00Z", "type": "agent_reply"},
                       {"at": "2026-11-24T13:00:00Z", "type": "solved"}]}),
        ),
        // On time, early.
        case(
            json!({"id": "A-3", "entitlement": "umbrella-sev1", "created_at": "2026-11-24T14:00:00Z",
            "events": [{"at": "2026-11-24T14:02:00Z", "type": "agent_reply"}]}),
        ),
    ];
    let r = run(rules(), &cases, "2026-11-24T15:30:00Z", None);
    assert_eq!(r.accounts.len(), 1);
    let a = &r.accounts[0];
    assert_eq!(a.account_id, "A-4");
    assert_eq!(a.name.as_deref(), Some("Umbrella"));
    assert_eq!(a.arr, Some(json!(2500000)));
    assert_eq!(a.cases, 3);
    let fr = &a.processes[0].milestones[0];
    assert_eq!(fr.milestone, "First Response");
    assert_eq!((fr.met, fr.late, fr.near_misses, fr.breaches), (2, 1, 1, 1));
    assert!((fr.attainment.unwrap() - 200.0 / 3.0).abs() < 1e-9);
    // A-3's resolution (14:00 + 2h) is open with 1.5h used: its 50% warning was crossed.
    let res = &a.processes[0].milestones[1];
    assert_eq!((res.met, res.open, res.at_risk), (2, 1, 1));
    assert_eq!(r.open.len(), 1);
    assert_eq!(r.statuses()[0].case_id, "A-3");
    assert_eq!(a.usage[0].cases_used, 3);
}

#[test]
fn a_warning_crossed_is_not_a_near_miss_when_enough_of_the_target_was_left() {
    // Answered after 10 of 15 minutes: past the 50% warning, with a third of the target left.
    // The rule before issue 18 counted this as a near miss; now only a margin under
    // `monitor.near_miss` (10%) of the target does, in the rollups and the outcomes alike.
    let cases = [case(
        json!({"id": "W-1", "entitlement": "umbrella-sev1", "created_at": "2026-11-24T10:00:00Z",
        "events": [{"at": "2026-11-24T10:10:00Z", "type": "agent_reply"}]}),
    )];
    let r = run(rules(), &cases, "2026-11-24T10:30:00Z", None);
    assert!(r.cases[0].milestones[0].crossed.contains(&Level::Warning));
    let fr = &r.accounts[0].processes[0].milestones[0];
    assert_eq!((fr.met, fr.near_misses), (1, 0));
    assert!(!r.outcomes()[0].near_miss);
    assert_eq!(r.outcomes()[0].margin, Some(TimeDelta::minutes(5)));
}

#[test]
fn chronic_over_consumers_exceeded_a_quota_in_n_of_the_last_m_periods() {
    // globex-gold allows 10 cases a month; 11 in September and 12 in October.
    let mut cases = Vec::new();
    for (month, n) in [(9, 11), (10, 12), (11, 2)] {
        for i in 0..n {
            cases.push(case(
                json!({"id": format!("G-{month}-{i}"), "entitlement": "globex-gold",
                "created_at": format!("2026-{month:02}-{:02}T15:00:00Z", i + 1)}),
            ));
        }
    }
    let r = run(rules(), &cases, "2026-11-10T00:00:00Z", None);
    let a = r.accounts.iter().find(|a| a.account_id == "A-2").unwrap();
    assert_eq!(a.over_quota_periods.len(), 2);
    assert!(a.chronic_over_consumer);
    // November in New York runs from Nov 1 04:00Z (EDT) to Dec 1 05:00Z (EST): 721 hours, of
    // which 212 have passed at Nov 10 00:00Z. 2 cases so far: on course for 2 × 721 / 212.
    let q = &a.usage[0].quotas[0];
    assert_eq!(q.used, 2);
    assert!(
        (q.projected - 2.0 * 721.0 / 212.0).abs() < 1e-9,
        "{}",
        q.projected
    );
    assert!(!a.projected_over);
}

#[test]
fn alerts_carry_account_context_deadlines_and_suggested_actions() {
    // umbrella-sev1 (ARR 2.5M, sponsor Kim Lee), a Sev1 case unanswered: the violation at
    // the target carries the trigger's own actions, then page on-call (a critical Sev1),
    // raise priority, and a war room (ARR above 1M).
    let cases = [case(json!({"id": "P-1", "entitlement": "umbrella-sev1",
        "created_at": "2026-11-24T10:00:00Z", "fields": {"severity": "Sev1"}}))];
    let r = run(rules(), &cases, "2026-11-24T10:20:00Z", None);
    // The violation trigger at 100% and the breach are one alert, led by the breach.
    let a = r
        .alerts
        .iter()
        .find(|a| {
            a.keys
                .iter()
                .any(|k| k == "P-1/First Response/1/trigger/1/100%")
        })
        .unwrap();
    assert_eq!(a.key, "P-1/First Response/1/breach");
    assert_eq!(
        a.actions,
        [
            "page_oncall",
            "raise_priority",
            "add_coverage",
            "open_war_room"
        ]
    );
    assert_eq!(a.executive_sponsor, Some(json!("Kim Lee")));
    assert_eq!(a.deadline_utc, Some(at("2026-11-24T10:15:00Z")));
    assert_eq!(a.wall_left, Some(TimeDelta::minutes(-5)));
    assert_eq!(a.business_left, Some(TimeDelta::minutes(-5)));
    let breach = r
        .alerts
        .iter()
        .find(|a| a.kind == MonitorEventKind::Breach)
        .unwrap();
    assert!(breach.actions.contains(&"add_coverage".to_string()));

    // On a business calendar the deadline is also shown in the desk's zone, and business
    // time left can differ from wall-clock time left: acme-gold's resolution (8h on
    // ny-support) for a case raised Friday 16:00 New York runs Fri 16–17, Mon 09–12, 13–17:
    // due Monday 17:00 (22:00Z); its 75% warning (6h) fires Monday 15:00 (20:00Z).
    let friday = [case(json!({"id": "P-2", "entitlement": "acme-gold",
        "created_at": "2026-11-20T21:00:00Z", "events": [{"at": "2026-11-20T21:05:00Z", "type": "agent_reply"}]}))];
    let r = run(rules(), &friday, "2026-11-23T20:30:00Z", None);
    let a = r
        .alerts
        .iter()
        .find(|a| a.key == "P-2/Resolution/1/trigger/0/75%")
        .unwrap();
    assert_eq!(a.at, at("2026-11-23T20:00:00Z"));
    assert_eq!(a.deadline_utc, Some(at("2026-11-23T22:00:00Z")));
    assert_eq!(a.deadline_local.as_deref(), Some("2026-11-23 17:00 EST"));
    assert_eq!(a.time_zone.as_deref(), Some("America/New_York"));
    assert_eq!(a.wall_left, Some(TimeDelta::minutes(90)));
    assert_eq!(a.business_left, Some(TimeDelta::minutes(90)));
    // From Friday evening the same deadline is 70 wall-clock hours away but 7 business hours.
    let r = run(rules(), &friday, "2026-11-21T00:00:00Z", None);
    let s = &r
        .statuses()
        .into_iter()
        .find(|s| s.milestone == "Resolution")
        .unwrap();
    assert_eq!(s.remaining, Some(TimeDelta::hours(7)));
    assert_eq!(
        s.target_at.unwrap() - at("2026-11-21T00:00:00Z"),
        TimeDelta::hours(70)
    );
    assert_eq!(
        a.csm,
        Some(json!({"name": "Lee Park", "email": "lee@example.com"}))
    );
    assert_eq!(a.actions, ["notify_owner", "raise_priority"]);
}

fn sample_alerts() -> Vec<entitlement_core::rules::Alert> {
    let cases = [
        case(
            json!({"id": "R-1", "entitlement": "umbrella-sev1", "created_at": "2026-11-24T10:00:00Z",
            "fields": {"severity": "Sev1"}}),
        ),
        case(
            json!({"id": "R-2", "entitlement": "initech-bronze", "created_at": "2026-11-20T20:00:00Z"}),
        ),
    ];
    run(rules(), &cases, "2026-11-26T00:00:00Z", None).alerts
}

#[test]
fn slack_rendering_follows_block_kit() {
    for a in sample_alerts() {
        let m = a.slack_blocks();
        assert!(m["text"].as_str().is_some_and(|t| !t.is_empty()));
        let blocks = m["blocks"].as_array().unwrap();
        assert!(!blocks.is_empty() && blocks.len() <= 50);
        assert_eq!(blocks[0]["type"], "header");
        assert_eq!(blocks[0]["text"]["type"], "plain_text");
        assert!(blocks[0]["text"]["text"].as_str().unwrap().chars().count() <= 150);
        for b in blocks {
            let kind = b["type"].as_str().unwrap();
            assert!(["header", "section", "context"].contains(&kind));
            if kind == "section" {
                assert!(b.get("text").is_some() || b.get("fields").is_some());
                if let Some(t) = b.get("text") {
                    assert_eq!(t["type"], "mrkdwn");
                    assert!(t["text"].as_str().unwrap().chars().count() <= 3000);
                }
                if let Some(f) = b.get("fields") {
                    let f = f.as_array().unwrap();
                    assert!(!f.is_empty() && f.len() <= 10);
                    for x in f {
                        assert!(["mrkdwn", "plain_text"].contains(&x["type"].as_str().unwrap()));
                        assert!(x["text"].as_str().unwrap().chars().count() <= 2000);
                    }
                }
            }
            if kind == "context" {
                let e = b["elements"].as_array().unwrap();
                assert!(!e.is_empty() && e.len() <= 10);
            }
        }
    }
}

#[test]
fn email_rendering_is_plain_text_with_the_key() {
    for a in sample_alerts() {
        let m = a.email();
        let subject = m["subject"].as_str().unwrap();
        assert!(!subject.is_empty() && !subject.contains('\n'));
        let body = m["body"].as_str().unwrap();
        assert!(body.contains(&a.summary) && body.contains(&a.key));
        assert!(!body.contains('<'), "plain text, not HTML");
    }
}

#[test]
fn jira_rendering_is_a_create_issue_payload() {
    for a in sample_alerts() {
        let p = a.jira_issue("SUP", "Task");
        let f = p["fields"].as_object().unwrap();
        assert_eq!(f["project"], json!({"key": "SUP"}));
        assert_eq!(f["issuetype"], json!({"name": "Task"}));
        let summary = f["summary"].as_str().unwrap();
        assert!(!summary.is_empty() && summary.chars().count() <= 255 && !summary.contains('\n'));
        assert!(
            ["Highest", "High", "Medium", "Low"].contains(&f["priority"]["name"].as_str().unwrap())
        );
        for l in f["labels"].as_array().unwrap() {
            assert!(!l.as_str().unwrap().contains(char::is_whitespace));
        }
        // Atlassian Document Format: a doc of block nodes whose leaves are text nodes.
        let d = &f["description"];
        assert_eq!(
            (d["type"].as_str(), d["version"].as_i64()),
            (Some("doc"), Some(1))
        );
        fn check(node: &Value) {
            let t = node["type"].as_str().unwrap();
            assert!(
                ["doc", "paragraph", "text", "bulletList", "listItem"].contains(&t),
                "{t}"
            );
            if t == "text" {
                assert!(!node["text"].as_str().unwrap().is_empty());
            } else {
                node["content"].as_array().unwrap().iter().for_each(check);
            }
        }
        check(d);
    }
}

#[test]
fn pagerduty_rendering_is_an_events_v2_trigger() {
    for a in sample_alerts() {
        let p = a.pagerduty_event("R0UTINGKEY");
        assert_eq!(p["routing_key"], "R0UTINGKEY");
        assert_eq!(p["event_action"], "trigger");
        assert!(p["dedup_key"].as_str().unwrap().len() <= 255);
        let payload = &p["payload"];
        let summary = payload["summary"].as_str().unwrap();
        assert!(!summary.is_empty() && summary.chars().count() <= 1024);
        assert!(!payload["source"].as_str().unwrap().is_empty());
        assert!(
            ["critical", "error", "warning", "info"]
                .contains(&payload["severity"].as_str().unwrap())
        );
        assert!(DateTime::parse_from_rfc3339(payload["timestamp"].as_str().unwrap()).is_ok());
        assert!(payload["custom_details"].is_object());
    }
}

#[test]
fn what_if_replays_closed_cases_under_a_proposed_contract() {
    // Tighten Bronze's 48h first response to 24h.
    let mut doc: Value = rules().to_value();
    for p in doc["processes"].as_array_mut().unwrap() {
        if p["id"] == "bronze" {
            p["milestones"][0]["target"] = json!("24h");
        }
    }
    let proposed = Ruleset::from_value(&doc).unwrap();
    let cases = [
        case(
            json!({"id": "W-1", "entitlement": "initech-bronze", "created_at": "2026-11-02T15:00:00Z",
            "events": [{"at": "2026-11-03T10:00:00Z", "type": "agent_reply"}, {"at": "2026-11-04T15:00:00Z", "type": "closed"}]}),
        ),
        case(
            json!({"id": "W-2", "entitlement": "initech-bronze", "created_at": "2026-11-09T15:00:00Z",
            "events": [{"at": "2026-11-11T10:00:00Z", "type": "agent_reply"}, {"at": "2026-11-12T15:00:00Z", "type": "closed"}]}),
        ),
    ];
    let w = rules()
        .what_if(&proposed, &cases, at("2026-11-25T00:00:00Z"))
        .unwrap();
    let fr = w
        .rows
        .iter()
        .find(|r| r.milestone == "First Response")
        .unwrap();
    assert_eq!((fr.current.met, fr.current.late), (2, 0));
    // W-2 answered after 43h: within 48h, not within 24h.
    assert_eq!((fr.proposed.met, fr.proposed.late), (1, 1));
    assert_eq!(fr.proposed.attainment, Some(50.0));
    assert_eq!(w.changes.len(), 1);
    assert_eq!(w.changes[0].case_id, "W-2");
}

// ---------------------------------------------------------------------------------------------
// The law: windows partition the events of a span.

const TYPES: [&str; 8] = [
    "agent_reply",
    "customer_reply",
    "solved",
    "closed",
    "reopened",
    "wait",
    "open",
    "sev1",
];
const ENTS: [&str; 4] = [
    "acme-gold",
    "globex-gold",
    "initech-bronze",
    "umbrella-sev1",
];

fn random_case(id: usize, ent: usize, created: i64, events: &[(usize, i64)]) -> Case {
    let t0 = at("2026-11-16T14:00:00Z") + TimeDelta::minutes(created);
    let mut ev: Vec<(usize, i64)> = events.to_vec();
    ev.sort_by_key(|e| e.1);
    let list: Vec<Value> = ev
        .iter()
        .map(|&(k, m)| {
            let when = (t0 + TimeDelta::minutes(m)).to_rfc3339();
            match TYPES[k] {
                "wait" => json!({"at": when, "type": "status", "to": "Waiting on Customer"}),
                "open" => json!({"at": when, "type": "status", "to": "Open"}),
                "sev1" => json!({"at": when, "type": "field", "field": "severity", "from": "Sev2", "to": "Sev1"}),
                other => json!({"at": when, "type": other}),
            }
        })
        .collect();
    case(
        json!({"id": format!("K-{id}"), "entitlement": ENTS[ent], "created_at": t0.to_rfc3339(),
                "fields": {"severity": "Sev2"}, "events": list}),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn windows_partition_the_events_of_a_span(
        specs in prop::collection::vec(
            (0..ENTS.len(), 0i64..4000, prop::collection::vec((0..TYPES.len(), (0i64..40).prop_map(|m| m * 53)), 0..10)),
            1..8),
        cuts in prop::collection::vec(1i64..6000, 0..6),
    ) {
        let cases: Vec<Case> = specs.iter().enumerate().map(|(i, (e, c, ev))| random_case(i, *e, *c, ev)).collect();
        let t0 = at("2026-11-16T14:00:00Z");
        let tn = t0 + TimeDelta::minutes(6000);
        let whole = rules().monitor(&cases, tn, Some(t0)).unwrap();
        let mut bounds: Vec<i64> = cuts.clone();
        bounds.sort_unstable();
        bounds.dedup();
        let mut union = Vec::new();
        let mut since = t0;
        for b in bounds.iter().map(|&m| t0 + TimeDelta::minutes(m)).chain([tn]) {
            if b <= since { continue; }
            union.extend(ident(&rules().monitor(&cases, b, Some(since)).unwrap()));
            since = b;
        }
        let mut keys = HashSet::new();
        for e in &union {
            prop_assert!(keys.insert(e.0.clone()), "key {} twice", e.0);
        }
        let sorted = |mut v: Vec<Ident>| {
            v.sort_by(|a, b| a.3.cmp(&b.3).then_with(|| a.0.cmp(&b.0)));
            v
        };
        prop_assert_eq!(sorted(union), sorted(ident(&whole)));
        // And `since = None` is everything up to now.
        let all = rules().monitor(&cases, tn, None).unwrap();
        let before: BTreeMap<String, ()> = rules().monitor(&cases, t0, None).unwrap()
            .events.iter().map(|e| (e.key.clone(), ())).collect();
        prop_assert_eq!(all.events.len(), before.len() + whole.events.len());
    }
}

#[test]
fn renderers_escape_crm_text_and_skip_empty_values() {
    // Account data comes from a CRM: it must not mention @channel, hide links, or give Jira
    // empty text nodes.
    let rules = Ruleset::from_value(&json!({
        "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response", "target": "1h"}]}],
        "entitlements": [{"id": "e", "process": "p", "account": {
            "name": "<!channel> AT&T <https://evil.example|click>", "executive_sponsor": "",
            "csm": {"name": ""}}}]
    }))
    .unwrap();
    let cases = [case(
        json!({"id": "C-<b>", "entitlement": "e", "created_at": "2026-11-24T10:00:00Z"}),
    )];
    let r = run(&rules, &cases, "2026-11-24T12:00:00Z", None);
    let alert = &r.alerts[0];
    let message = alert.slack_blocks();
    // The header is `plain_text`, which Slack shows as written and never parses; everything
    // Slack parses (`mrkdwn` and the fallback `text`) is escaped.
    assert_eq!(message["blocks"][0]["text"]["type"], "plain_text");
    let mut parsed = message.clone();
    parsed["blocks"].as_array_mut().unwrap().remove(0);
    let slack = parsed.to_string();
    assert!(
        !slack.contains("<!channel>") && !slack.contains("<https://"),
        "{slack}"
    );
    assert!(slack.contains("&lt;!channel&gt; AT&amp;T"), "{slack}");
    assert!(
        slack.contains("Event key:") && slack.contains("C-&lt;b&gt;/FR/1/breach"),
        "{slack}"
    );
    assert!(
        !slack.contains("*CSM*") && !slack.contains("*Executive sponsor*"),
        "{slack}"
    );
    fn no_empty_text(node: &Value) {
        if node["type"] == "text" {
            assert!(!node["text"].as_str().unwrap().trim().is_empty(), "{node}");
        }
        if let Some(items) = node["content"].as_array() {
            items.iter().for_each(no_empty_text);
        }
    }
    no_empty_text(&alert.jira_issue("SUP", "Task")["fields"]["description"]);
}

#[test]
fn alerts_about_completed_milestones_have_no_time_left() {
    // Answered late (10:20 for a 10:15 target): the breach is history, nothing is left to do.
    let cases = [case(
        json!({"id": "L-1", "entitlement": "umbrella-sev1", "created_at": "2026-11-24T10:00:00Z",
        "events": [{"at": "2026-11-24T10:20:00Z", "type": "agent_reply"}]}),
    )];
    let r = run(rules(), &cases, "2026-11-24T10:30:00Z", None);
    let a = r
        .alerts
        .iter()
        .find(|a| a.key == "L-1/First Response/1/breach")
        .unwrap();
    assert_eq!((a.business_left, a.wall_left), (None, None));
    assert!(
        a.summary.contains("Completed at 10:20 UTC") && !a.summary.contains("left"),
        "{}",
        a.summary
    );
    assert_eq!(
        a.title,
        "First Response on case L-1 (Umbrella) breached at 10:15 UTC, completed late at 10:20 UTC"
    );
    assert!(!a.actions.contains(&"raise_priority".to_string()));
}

#[test]
fn titles_are_one_line_and_long_keys_stay_distinct_for_pagerduty() {
    let rules = Ruleset::from_value(&json!({
        "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response", "target": "1h"}]}],
        "entitlements": [{"id": "e", "process": "p"}]
    }))
    .unwrap();
    let long = |c: char| format!("{}{c}", "L".repeat(300));
    let cases = [
        case(
            json!({"id": "C-1\nBcc: someone@evil.example", "entitlement": "e", "created_at": "2026-11-24T10:00:00Z"}),
        ),
        case(json!({"id": long('a'), "entitlement": "e", "created_at": "2026-11-24T10:00:00Z"})),
        case(json!({"id": long('b'), "entitlement": "e", "created_at": "2026-11-24T10:00:00Z"})),
    ];
    let r = run(&rules, &cases, "2026-11-24T12:00:00Z", None);
    for a in &r.alerts {
        assert!(!a.title.contains('\n'));
        assert!(!a.email()["subject"].as_str().unwrap().contains('\n'));
        assert!(
            !a.jira_issue("SUP", "Task")["fields"]["summary"]
                .as_str()
                .unwrap()
                .contains('\n')
        );
    }
    let keys: HashSet<String> = r
        .alerts
        .iter()
        .map(|a| {
            a.pagerduty_event("K")["dedup_key"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(keys.len(), r.alerts.len());
    assert!(keys.iter().all(|k| k.len() <= 255));
}

#[test]
fn cases_that_are_not_covered_count_for_the_account_but_not_for_attainment() {
    // hooli-bronze-2025 ended in 2025: the case is the account's, but no process applied.
    let cases = [case(
        json!({"id": "H-1", "entitlement": "hooli-bronze-2025",
                             "created_at": "2026-11-24T17:00:00Z"}),
    )];
    let r = run(rules(), &cases, "2026-11-25T20:30:00Z", None);
    let a = r.accounts.iter().find(|a| a.account_id == "A-6").unwrap();
    assert_eq!(a.cases, 1);
    assert!(a.processes.is_empty());
    assert!(r.events.is_empty() && r.open.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The case named by each allowance and quota crossing is the one at that count in the
    /// order (first counted, then id), found among many more cases than the count: the monitor
    /// selects the first few instead of sorting them all, and must pick the same one.
    #[test]
    fn a_crossing_names_the_case_at_its_count_in_order(
        spec in proptest::collection::vec((0u32..40, 0u32..1_000), 0..130),
    ) {
        // acme-gold: an allowance of 50 cases, a quarter quota of 20 (alerts at 80% and 100%).
        // Creation instants from a few dozen hours of the quarter, so that many tie.
        let quarter = at("2026-10-05T00:00:00Z");
        let cases: Vec<Case> = spec
            .iter()
            .enumerate()
            .map(|(i, &(hour, id))| {
                case(json!({"id": format!("K-{id:04}-{i}"), "entitlement": "acme-gold",
                    "created_at": (quarter + TimeDelta::hours(i64::from(hour))).to_rfc3339(),
                    "fields": {"severity": "Sev3"}}))
            })
            .collect();
        let report = run(rules(), &cases, "2026-11-25T00:00:00Z", None);
        let mut order: Vec<(DateTime<Utc>, &str)> =
            cases.iter().map(|c| (c.created_at, c.id.as_str())).collect();
        order.sort();
        let mut expected: Vec<(String, String)> = Vec::new();
        for (what, max) in [("allowance", 50usize), ("quota/0/2026-10-01", 20)] {
            for f in [0.8, 1.0] {
                let needed = (f * max as f64).ceil() as usize;
                if let Some(&(_, id)) = order.get(needed - 1) {
                    expected.push((format!("acme-gold/{what}/{f}"), id.to_string()));
                }
            }
        }
        let mut found: Vec<(String, String)> = report
            .events
            .iter()
            .filter(|e| matches!(e.kind, MonitorEventKind::Quota | MonitorEventKind::Allowance))
            .map(|e| (e.key.clone(), e.case_id.clone().expect("a case")))
            .collect();
        expected.sort();
        found.sort();
        prop_assert_eq!(found, expected);
    }
}
