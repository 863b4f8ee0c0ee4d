//! What a delivering job needs from the core (issue 16): `monitor.automate` and
//! `monitor.raise_priority`, `Alert.deliveries`, `MonitorReport::outcomes` and the ledger's
//! migrations (`docs/alerts.md`, `docs/monitor.md`).

use std::path::PathBuf;

use chrono::{DateTime, TimeDelta, Utc};
use entitlement_core::ledger::MIGRATIONS;
use entitlement_core::rules::{
    Case, Channel, MilestoneState, MonitorReport, Outcome, Ruleset, jira_label, war_room_name,
};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::at;

fn sample() -> (Ruleset, Vec<Case>, DateTime<Utc>) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let rules = Ruleset::load(root.join("examples/data/rules.yaml")).expect("sample rules");
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("examples/data/cases.json")).expect("sample cases"),
    )
    .expect("json");
    let cases = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case::from_value(c).expect("case"))
        .collect();
    (rules, cases, at(doc["now"].as_str().unwrap()))
}

/// The sample's rules with `monitor` settings merged in.
fn sample_with(monitor: Value) -> (Ruleset, Vec<Case>, DateTime<Utc>) {
    let (rules, cases, now) = sample();
    let mut doc = rules.to_value();
    let m = doc
        .as_object_mut()
        .unwrap()
        .entry("monitor")
        .or_insert_with(|| json!({}));
    for (k, v) in monitor.as_object().unwrap() {
        m.as_object_mut().unwrap().insert(k.clone(), v.clone());
    }
    (Ruleset::from_value(&doc).expect("rules"), cases, now)
}

fn err(doc: Value) -> entitlement_core::Error {
    Ruleset::from_value(&doc).expect_err("refused")
}

#[test]
fn automate_names_known_actions_only() {
    let base = |monitor: Value| json!({"processes": [], "entitlements": [], "monitor": monitor});
    let e = err(base(
        json!({"automate": ["raise_priority", "reboot_server"]}),
    ));
    assert_eq!(e.code(), "unknown_action");
    assert_eq!(e.path_text(), "monitor.automate[1]");
    assert!(e.to_string().contains("create_jira_issue"), "{e}");
    let e = err(base(json!({"automate": "raise_priority"})));
    assert_eq!(
        (e.code(), e.path_text()),
        ("invalid_type", "monitor.automate")
    );
    let e = err(base(json!({"automate": [7]})));
    assert_eq!(
        (e.code(), e.path_text()),
        ("invalid_type", "monitor.automate[0]")
    );
    let e = err(base(json!({"automate": vec!["page_oncall"; 1001]})));
    assert_eq!(
        (e.code(), e.path_text()),
        ("limit_exceeded", "monitor.automate")
    );
    // A catalogued action may be automated; a repeated id is kept once.
    let rules = Ruleset::from_value(&base(json!({
        "actions": {"page_sre": {"label": "Page the SRE"}},
        "automate": ["page_sre", "create_jira_issue", "page_sre"]})))
    .unwrap();
    assert_eq!(
        rules.monitor_config().automate,
        ["page_sre", "create_jira_issue"]
    );
}

#[test]
fn raise_priority_is_one_short_line() {
    let base =
        |v: Value| json!({"processes": [], "entitlements": [], "monitor": {"raise_priority": v}});
    assert_eq!(
        Ruleset::from_value(&json!({"processes": [], "entitlements": []}))
            .unwrap()
            .monitor_config()
            .raise_priority,
        "High"
    );
    let e = err(base(json!("")));
    assert_eq!(
        (e.code(), e.path_text()),
        ("invalid_value", "monitor.raise_priority")
    );
    let e = err(base(json!("Hi\ngh")));
    assert_eq!(e.code(), "invalid_value");
    let e = err(base(json!("x".repeat(256))));
    assert_eq!(
        (e.code(), e.path_text()),
        ("limit_exceeded", "monitor.raise_priority")
    );
    let e = err(base(json!(1)));
    assert_eq!(e.code(), "invalid_type");
    let rules = Ruleset::from_value(&base(json!("x".repeat(255)))).unwrap();
    assert_eq!(rules.monitor_config().raise_priority.len(), 255);
}

#[test]
fn automate_and_raise_priority_round_trip_through_the_document() {
    let (rules, _, _) = sample_with(json!({
        "automate": ["open_war_room", "raise_priority"], "raise_priority": "Urgent"}));
    let doc = rules.to_value();
    assert_eq!(
        doc["monitor"]["automate"],
        json!(["open_war_room", "raise_priority"])
    );
    assert_eq!(doc["monitor"]["raise_priority"], "Urgent");
    let again = Ruleset::from_value(&doc).unwrap();
    assert_eq!(again.to_value(), doc);
    assert_eq!(again.monitor_config(), rules.monitor_config());
    // The schema lists both keys, and the document validates against it (same names).
    let schema = entitlement_core::schema::ruleset_schema();
    let props = &schema["$defs"]["MonitorConfig"]["properties"];
    assert!(props["automate"].is_object() && props["raise_priority"].is_object());
}

#[test]
fn create_jira_issue_is_built_in_but_never_suggested() {
    let (rules, cases, now) = sample();
    assert_eq!(
        rules.monitor_config().action_label("create_jira_issue").0,
        "Create a Jira issue"
    );
    let report = rules.monitor(&cases, now, None).unwrap();
    assert!(!report.alerts.is_empty());
    for a in &report.alerts {
        assert!(!a.actions.iter().any(|x| x == "create_jira_issue"));
        assert!(!a.deliveries.iter().any(|d| d.channel == Channel::Jira));
    }
}

/// The channel each delivering action maps to, in delivery order.
const CHANNELS: [(&str, Channel); 4] = [
    ("open_war_room", Channel::WarRoom),
    ("create_jira_issue", Channel::Jira),
    ("page_oncall", Channel::PagerDuty),
    ("raise_priority", Channel::Salesforce),
];

fn check_deliveries(report: &MonitorReport, automate: &[&str], priority: &str) {
    for a in &report.alerts {
        let d = &a.deliveries;
        assert_eq!(d[0].channel, Channel::Slack);
        assert_eq!((d[0].action.as_str(), d[0].automated), ("notify", true));
        assert_eq!(d[0].dedupe, a.key);
        let expected: Vec<Channel> = std::iter::once(Channel::Slack)
            .chain(
                CHANNELS
                    .iter()
                    .filter(|(action, _)| a.actions.iter().any(|x| x == action))
                    .map(|(_, c)| *c),
            )
            .collect();
        let got: Vec<Channel> = d.iter().map(|d| d.channel).collect();
        assert_eq!(got, expected, "{}", a.key);
        for x in &d[1..] {
            assert_eq!(
                x.automated,
                automate.contains(&x.action.as_str()),
                "{}",
                a.key
            );
            match x.channel {
                Channel::WarRoom => {
                    assert_eq!(
                        x.target.as_deref(),
                        Some(
                            war_room_name(
                                a.account_name.as_deref(),
                                a.account_id.as_deref(),
                                a.case_id.as_deref()
                            )
                            .as_str()
                        )
                    );
                    assert_eq!(x.dedupe, a.key);
                }
                Channel::Jira => assert_eq!(x.dedupe, jira_label(&a.key)),
                Channel::PagerDuty => assert_eq!(x.dedupe, a.key),
                Channel::Salesforce => assert_eq!(x.target.as_deref(), Some(priority)),
                Channel::Slack => panic!("one Slack delivery"),
            }
            if x.channel != Channel::WarRoom {
                assert!(x.invite.is_empty());
            }
        }
    }
}

#[test]
fn every_alert_of_the_sample_delivers_to_the_channels_of_its_actions() {
    let (rules, cases, now) = sample_with(json!({
        "automate": ["open_war_room", "page_oncall"], "raise_priority": "Urgent", "war_room_arr": 0}));
    let report = rules.monitor(&cases, now, None).unwrap();
    check_deliveries(&report, &["open_war_room", "page_oncall"], "Urgent");
    let channels: std::collections::HashSet<Channel> = report
        .alerts
        .iter()
        .flat_map(|a| a.deliveries.iter().map(|d| d.channel))
        .collect();
    for c in [
        Channel::Slack,
        Channel::WarRoom,
        Channel::PagerDuty,
        Channel::Salesforce,
    ] {
        assert!(channels.contains(&c), "{c:?} in the sample");
    }
    // The report's JSON carries them as the contract writes them.
    let v = serde_json::to_value(&report).unwrap();
    let first = &v["alerts"][0]["deliveries"][0];
    assert_eq!(first["channel"], "slack");
    assert_eq!(first["target"], Value::Null);
    assert_eq!(first["invite"], json!([]));
}

#[test]
fn a_merged_alert_delivers_for_the_actions_of_every_event() {
    // A breach and a critical trigger at 100% of the same instance make one alert, whose
    // actions are both events'; its deliveries follow the merged actions.
    let rules = Ruleset::from_value(&json!({
        "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response", "target": "1h",
            "triggers": [{"at": "100%", "level": "critical", "actions": ["create_jira_issue"]}]}]}],
        "entitlements": [{"id": "e", "process": "p", "account": {"id": "A", "name": "Acme"}}],
        "monitor": {"automate": ["create_jira_issue"]}
    }))
    .unwrap();
    let case = Case::from_value(&json!({"id": "c", "entitlement": "e",
        "created_at": "2026-11-25T10:00:00Z", "fields": {"severity": "Sev1"}}))
    .unwrap();
    let report = rules
        .monitor(&[case], at("2026-11-25T11:30:00Z"), None)
        .unwrap();
    assert_eq!(report.alerts.len(), 1);
    let a = &report.alerts[0];
    assert_eq!(a.keys.len(), 2);
    let got: Vec<_> = a.deliveries.iter().map(|d| d.channel.as_str()).collect();
    assert_eq!(got, ["slack", "jira", "pagerduty", "salesforce"]);
    assert!(a.deliveries[1].automated && !a.deliveries[2].automated);
    assert_eq!(a.deliveries[1].dedupe, jira_label(&a.key));
    check_deliveries(&report, &["create_jira_issue"], "High");
}

#[test]
fn the_jira_label_is_sha256_of_the_key() {
    // SHA-256("abc") = ba7816bf8f01cfea...
    assert_eq!(jira_label("abc"), "entitlement-ba7816bf8f01cfea");
    assert_ne!(jira_label("c/FR/1/breach"), jira_label("c/FR/2/breach"));
}

fn war_room_alert(account: Value) -> entitlement_core::rules::Alert {
    let rules = Ruleset::from_value(&json!({
        "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response", "target": "1h"}]}],
        "entitlements": [{"id": "e", "process": "p", "account": account}],
        "monitor": {"war_room_arr": 10}
    }))
    .unwrap();
    let case = Case::from_value(&json!({"id": "500/ÄB 17", "entitlement": "e",
        "created_at": "2026-11-25T10:00:00Z"}))
    .unwrap();
    let report = rules
        .monitor(&[case], at("2026-11-25T11:30:00Z"), None)
        .unwrap();
    report.alerts.into_iter().next().expect("the breach")
}

#[test]
fn a_war_room_invites_the_account_team_once_each() {
    let contacts: Vec<Value> = (0..80)
        .map(|i| json!({"name": format!("P{i}"), "email": format!("p{}@x.example", i % 60)}))
        .collect();
    let a = war_room_alert(json!({"id": "001", "name": "Ünited Böats & Co", "arr": 20,
        "executive_sponsor": {"name": "Pat", "slack": "U0PAT", "email": "pat@x.example"},
        "csm": {"name": "Dana", "email": "p3@x.example"},
        "contacts": contacts}));
    let room = a
        .deliveries
        .iter()
        .find(|d| d.channel == Channel::WarRoom)
        .unwrap();
    assert_eq!(room.target.as_deref(), Some("war-nited-b-ats-co-500-b-17"));
    assert!(!room.automated, "a dry run unless automated");
    assert_eq!(room.invite.len(), 50);
    assert_eq!(&room.invite[..3], ["U0PAT", "p3@x.example", "p0@x.example"]);
    let unique: std::collections::HashSet<_> = room.invite.iter().collect();
    assert_eq!(unique.len(), 50);

    // A string sponsor and a missing team: nobody to invite; no name: the id.
    let a = war_room_alert(json!({"id": "ACME-1", "arr": 20, "executive_sponsor": "Pat"}));
    let room = a
        .deliveries
        .iter()
        .find(|d| d.channel == Channel::WarRoom)
        .unwrap();
    assert_eq!(room.target.as_deref(), Some("war-acme-1-500-b-17"));
    assert!(room.invite.is_empty());

    // A huge team without addresses is looked at up to a bound, not to its end, per alert.
    let mut contacts: Vec<Value> = vec![json!("a name only"); 2_000];
    contacts.push(json!({"email": "late@x.example"}));
    contacts.insert(5, json!({"email": "early@x.example"}));
    let a = war_room_alert(json!({"id": "A", "arr": 20, "contacts": contacts}));
    let room = a
        .deliveries
        .iter()
        .find(|d| d.channel == Channel::WarRoom)
        .unwrap();
    assert_eq!(room.invite, ["early@x.example"]);
    const { assert!(entitlement_core::rules::alert::MAX_TEAM_SCAN < 2_000) };
}

#[test]
fn a_key_longer_than_pagerduty_allows_gets_the_renderers_dedup_key() {
    let long = "c".repeat(300);
    let rules = Ruleset::from_value(&json!({
        "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response", "target": "1h",
            "triggers": [{"at": "50%", "level": "warning", "actions": ["page_oncall"]}]}]}],
        "entitlements": [{"id": "e", "process": "p"}]
    }))
    .unwrap();
    let case = Case::from_value(&json!({"id": long, "entitlement": "e",
        "created_at": "2026-11-25T10:00:00Z"}))
    .unwrap();
    let report = rules
        .monitor(&[case], at("2026-11-25T10:40:00Z"), None)
        .unwrap();
    let a = &report.alerts[0];
    assert!(a.key.len() > 255);
    let page = a
        .deliveries
        .iter()
        .find(|d| d.channel == Channel::PagerDuty)
        .unwrap();
    assert!(page.dedupe.len() <= 255);
    assert_eq!(page.dedupe, a.pagerduty_event("R")["dedup_key"]);
}

#[test]
fn the_ledger_migrations_create_five_tables() {
    assert_eq!(MIGRATIONS.len(), 1);
    let init = &MIGRATIONS[0];
    let tables: Vec<&str> = init
        .statements()
        .filter_map(|s| s.strip_prefix("CREATE TABLE "))
        .map(|s| s.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        tables,
        [
            "ledger_migrations",
            "monitor_runs",
            "events",
            "deliveries",
            "milestone_outcomes"
        ]
    );
    assert!(init.sql.contains("PRIMARY KEY (event_key, channel)"));
    assert!(
        init.sql
            .contains("PRIMARY KEY (case_id, milestone, instance)")
    );
}

// --- outcomes --------------------------------------------------------------------------------

fn outcome_rules() -> Ruleset {
    Ruleset::from_value(&json!({
        "processes": [{"id": "p", "version": 3, "pause_statuses": ["Waiting"], "milestones": [
            {"name": "FR", "kind": "first_response",
             "target": {"by": "severity", "values": {"Sev1": "30m"}, "default": "1h"}},
            {"name": "NR", "kind": "next_response", "recurrence": "independent", "target": "40m"},
            {"name": "Res", "kind": "resolution", "target": "6h"}]}],
        "entitlements": [{"id": "e", "process": "p", "account": {"id": "A-1", "name": "Acme"}}]
    }))
    .expect("rules")
}

const KINDS: [&str; 7] = [
    "agent_reply",
    "customer_reply",
    "wait",
    "open",
    "sev1",
    "sev3",
    "closed",
];

fn outcome_case(id: &str, events: &[(usize, i64)]) -> Case {
    let base = 1_795_000_000i64; // 2026-11-18, a Wednesday
    let at = |m: i64| {
        DateTime::from_timestamp(base + 60 * m, 0)
            .unwrap()
            .to_rfc3339()
    };
    let events: Vec<Value> = events
        .iter()
        .map(|&(k, m)| match KINDS[k] {
            "wait" => json!({"at": at(m), "type": "status", "to": "Waiting"}),
            "open" => json!({"at": at(m), "type": "status", "to": "Open"}),
            "sev1" => json!({"at": at(m), "type": "field", "field": "severity", "to": "Sev1"}),
            "sev3" => json!({"at": at(m), "type": "field", "field": "severity", "to": "Sev3"}),
            kind => json!({"at": at(m), "type": kind}),
        })
        .collect();
    Case::from_value(&json!({"id": id, "entitlement": "e", "created_at": at(0),
        "fields": {"severity": "Sev2"}, "events": events}))
    .expect("case")
}

/// The case's severity at `now`: the last field change at or before it, else its fields.
fn severity_at(case: &Case, now: DateTime<Utc>) -> String {
    let mut best: Option<(DateTime<Utc>, String)> = None;
    for e in &case.events {
        if let entitlement_core::rules::EventKind::Field { field, to, .. } = &e.kind
            && field == "severity"
            && e.at <= now
            && best.as_ref().is_none_or(|(t, _)| e.at >= *t)
        {
            best = Some((e.at, to.as_str().unwrap().to_string()));
        }
    }
    best.map_or("Sev2".into(), |(_, v)| v)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// One row per started milestone status of `report.cases`, in order, each consistent with
    /// its status: the outcome follows the state, `margin` is `remaining`, `margin_wall` is the
    /// deadline minus the completion (or `now`), and the tier is the case's severity at `now`.
    #[test]
    fn outcomes_are_the_started_statuses(
        logs in prop::collection::vec(
            prop::collection::vec((0..KINDS.len(), 0i64..600), 0..20), 1..4),
        now in 1i64..900,
    ) {
        let rules = outcome_rules();
        let cases: Vec<Case> = logs
            .iter()
            .enumerate()
            .map(|(i, l)| outcome_case(&format!("C-{i}"), l))
            .collect();
        let base = DateTime::from_timestamp(1_795_000_000, 0).unwrap();
        let now = base + TimeDelta::minutes(now);
        let report = rules.monitor(&cases, now, None).unwrap();
        let rows = report.outcomes();
        let started: Vec<_> = report
            .cases
            .iter()
            .flat_map(|c| c.milestones.iter().map(move |s| (c, s)))
            .filter(|(_, s)| s.state != MilestoneState::Pending)
            .collect();
        prop_assert_eq!(rows.len(), started.len());
        for (row, (case, s)) in rows.iter().zip(&started) {
            prop_assert_eq!(&row.case_id, &case.case_id);
            prop_assert_eq!((row.milestone.as_str(), row.instance), (s.milestone.as_str(), s.instance));
            let expected = match s.state {
                MilestoneState::Completed => Outcome::Met,
                MilestoneState::CompletedLate => Outcome::Late,
                MilestoneState::Violated => Outcome::Violated,
                MilestoneState::InProgress | MilestoneState::Paused => Outcome::Open,
                MilestoneState::Pending => unreachable!(),
            };
            prop_assert_eq!(row.outcome, expected);
            prop_assert_eq!(row.margin, s.remaining);
            prop_assert_eq!(row.margin_wall, s.target_at.map(|t| t - s.completed_at.unwrap_or(now)));
            prop_assert_eq!((row.started_at, row.target, row.target_at), (s.started_at, s.target, s.target_at));
            prop_assert_eq!((row.completed_at, row.breached_at), (s.completed_at, s.breached_at));
            prop_assert_eq!(row.kind, s.kind);
            prop_assert_eq!(row.elapsed, s.elapsed);
            // Met with less than a tenth (the default `monitor.near_miss`) of the target left.
            let near = row.outcome == Outcome::Met
                && s.remaining.unwrap() * 10 < s.target.unwrap();
            prop_assert_eq!(row.near_miss, near);
            prop_assert_eq!(row.reporting_time_zone.as_str(), "UTC");
            prop_assert_eq!(row.month.clone(), s.started_at.map(|t| t.format("%Y-%m").to_string()));
            prop_assert_eq!((row.process.as_deref(), row.process_version), (Some("p"), Some(3)));
            prop_assert_eq!((row.account_id.as_deref(), row.account_name.as_deref()), (Some("A-1"), Some("Acme")));
            prop_assert_eq!(row.entitlement.as_deref(), Some("e"));
            let case_in = cases.iter().find(|c| c.id == row.case_id).unwrap();
            prop_assert_eq!(row.tier.clone(), Some(severity_at(case_in, now)));
            // Margins agree with the outcome where they decide it.
            if let Some(m) = row.margin {
                match row.outcome {
                    Outcome::Met | Outcome::Open => prop_assert!(m >= TimeDelta::zero()),
                    Outcome::Late | Outcome::Violated => prop_assert!(m <= TimeDelta::zero()),
                }
            }
        }
    }
}

#[test]
fn outcomes_serialize_with_the_libraries_conventions() {
    let (rules, cases, now) = sample();
    let report = rules.monitor(&cases, now, None).unwrap();
    let rows = report.outcomes();
    assert!(rows.iter().any(|r| r.outcome == Outcome::Violated));
    assert!(rows.iter().any(|r| r.outcome == Outcome::Met));
    let v = serde_json::to_value(&rows[0]).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = [
        "case_id",
        "account_id",
        "account_name",
        "entitlement",
        "process",
        "process_version",
        "tier",
        "milestone",
        "kind",
        "instance",
        "calendar",
        "started_at",
        "target",
        "target_at",
        "completed_at",
        "outcome",
        "margin",
        "margin_wall",
        "breached_at",
        "near_miss",
        "elapsed",
        "month",
        "quarter",
        "reporting_time_zone",
    ];
    keys.sort_unstable();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert!(v["started_at"].as_str().unwrap().ends_with('Z'));
    assert!(v["target"].is_number());
    // The serialized shapes of the report and its cases gain nothing from the tier kept for
    // outcomes.
    let r = serde_json::to_value(&report).unwrap();
    assert!(r["cases"][0].get("tier").is_none());
}
