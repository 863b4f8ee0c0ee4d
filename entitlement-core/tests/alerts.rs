//! Alerts people act on: one alert per milestone instance and instant, titles in words, links
//! and fields from configuration, the action catalogue, money, and the renderers within the
//! vendors' limits (`docs/alerts.md`).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use entitlement_core::rules::{Alert, Case, MonitorReport, Ruleset};
use serde_json::{Value, json};

use crate::common::at;

fn sample() -> (Ruleset, Vec<Case>, chrono::DateTime<chrono::Utc>) {
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
    let now = at(doc["now"].as_str().unwrap());
    (rules, cases, now)
}

fn sample_report() -> MonitorReport {
    let (rules, cases, now) = sample();
    let since = now - chrono::TimeDelta::days(1);
    rules.monitor(&cases, now, Some(since)).expect("monitor")
}

#[test]
fn the_sample_breach_and_100_percent_pairs_are_one_alert_each() {
    let r = sample_report();
    // 25 crossings and breaches, beside the completions (which raise no alert: the sample's
    // milestones name no `on_complete` actions).
    let alarms = |e: &&entitlement_core::rules::MonitorEvent| {
        e.kind != entitlement_core::rules::MonitorEventKind::MilestoneCompleted
    };
    assert_eq!(r.events.iter().filter(alarms).count(), 25);
    // 24 unsuppressed events; the 4 breach + 100% trigger pairs are one alert each.
    let unsuppressed: Vec<&str> = r
        .events
        .iter()
        .filter(alarms)
        .filter(|e| !e.suppressed)
        .map(|e| e.key.as_str())
        .collect();
    assert_eq!(unsuppressed.len(), 24);
    assert_eq!(r.alerts.len(), 20);
    // Every unsuppressed event is covered by exactly one alert; the alert's key is one of its
    // keys; no two alerts share a milestone instance and an instant.
    let covered: Vec<&str> = r
        .alerts
        .iter()
        .flat_map(|a| a.keys.iter().map(String::as_str))
        .collect();
    let mut sorted_covered = covered.clone();
    sorted_covered.sort();
    let mut sorted_events = unsuppressed.clone();
    sorted_events.sort();
    assert_eq!(sorted_covered, sorted_events);
    let mut seen = HashSet::new();
    for a in &r.alerts {
        assert!(a.keys.contains(&a.key));
        let mut keys = a.keys.clone();
        keys.sort();
        assert_eq!(keys, a.keys, "keys in the report's order (by key)");
        assert!(
            seen.insert((a.at, a.case_id.clone(), a.milestone.clone(), a.instance)),
            "two alerts for one milestone instance and instant: {}",
            a.key
        );
    }
    let pair = r
        .alerts
        .iter()
        .find(|a| a.key == "C-4001/Resolution/2/breach")
        .unwrap();
    assert_eq!(
        pair.keys,
        [
            "C-4001/Resolution/2/breach",
            "C-4001/Resolution/2/trigger/1/100%"
        ]
    );
    assert_eq!(pair.level.as_str(), "violation");
    // The breach's actions first, then the trigger's not yet listed, each once.
    assert_eq!(
        pair.actions,
        [
            "page_oncall",
            "raise_priority",
            "add_coverage",
            "open_war_room",
            "notify_account_team"
        ]
    );
    let ids: Vec<&str> = pair.action_items.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, pair.actions);
    assert_eq!(pair.arr_text.as_deref(), Some("$2.5M"));
    // Sorted by instant then key.
    for w in r.alerts.windows(2) {
        assert!((w[0].at, &w[0].key) <= (w[1].at, &w[1].key));
    }
}

fn one_milestone(extra_monitor: Value, triggers: Value) -> Ruleset {
    Ruleset::from_value(&json!({
        "calendars": {"ny": {"time_zone": "America/New_York",
            "hours": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
                      "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]}}},
        "processes": [{"id": "gold", "name": "Gold", "calendar": "ny", "milestones": [
            {"name": "First Response", "kind": "first_response",
             "target": {"by": "tier", "values": {"Gold": "1h"}, "default": "2h"},
             "triggers": triggers}]}],
        "entitlements": [{"id": "acme", "process": "gold",
            "account": {"id": "A/1 x", "name": "Acme Corp", "arr": 850000}}],
        "monitor": extra_monitor
    }))
    .expect("rules")
}

fn one_case(id: &str) -> Case {
    // Wednesday 2026-11-25 14:00 EST = 19:00Z; Gold: 1 business hour, due 15:00 EST.
    Case::from_value(&json!({"id": id, "entitlement": "acme", "created_at": "2026-11-25T19:00:00Z",
        "fields": {"tier": "Gold", "subject": "Login <fails>", "owner": "Pat", "priority": "High"}}))
    .expect("case")
}

#[test]
fn titles_say_due_in_breached_ago_and_exactly_at_the_deadline() {
    let rules = one_milestone(
        json!({}),
        json!([{"at": "75%", "level": "warning", "actions": ["notify_owner"]}]),
    );
    let cases = [one_case("500-17")];
    // 14:45 EST: 15 minutes left.
    let r = rules
        .monitor(&cases, at("2026-11-25T19:45:00Z"), None)
        .unwrap();
    assert_eq!(
        r.alerts[0].title,
        "First Response on case 500-17 (Acme Corp, Gold) due in 15 min of business time (15:00 EST)"
    );
    // Exactly at the deadline: a breach "just now", never "0m left, in progress".
    let r = rules
        .monitor(&cases, at("2026-11-25T20:00:00Z"), None)
        .unwrap();
    let breach = r
        .alerts
        .iter()
        .find(|a| a.kind.as_str() == "breach")
        .unwrap();
    assert_eq!(
        breach.title,
        "First Response on case 500-17 (Acme Corp, Gold) breached at 15:00 EST, just now"
    );
    for a in &r.alerts {
        assert!(!a.title.contains("0m left") && !a.summary.contains("in progress"));
    }
    // 65 minutes later.
    let r = rules
        .monitor(&cases, at("2026-11-25T21:05:00Z"), None)
        .unwrap();
    let breach = r
        .alerts
        .iter()
        .find(|a| a.kind.as_str() == "breach")
        .unwrap();
    assert_eq!(
        breach.title,
        "First Response on case 500-17 (Acme Corp, Gold) breached at 15:00 EST, 1h05m ago"
    );
    // Never "reached -10m": points are words.
    let rules = one_milestone(
        json!({}),
        json!([{"at": "-10m", "level": "critical", "actions": ["notify_manager"]}]),
    );
    let r = rules
        .monitor(&cases, at("2026-11-25T19:55:00Z"), None)
        .unwrap();
    assert_eq!(r.alerts.len(), 1);
    assert!(!r.alerts[0].title.contains("-10m"), "{}", r.alerts[0].title);
    assert!(
        r.alerts[0]
            .summary
            .contains("10 min before its deadline at 14:50 EST"),
        "{}",
        r.alerts[0].summary
    );
}

#[test]
fn a_breach_and_a_plus_zero_trigger_merge_and_a_suppressed_one_does_not() {
    let rules = one_milestone(
        json!({}),
        json!([{"at": "+0m", "level": "escalation", "actions": ["notify_executive_sponsor"]}]),
    );
    let cases = [one_case("C-1")];
    let r = rules
        .monitor(&cases, at("2026-11-25T21:00:00Z"), None)
        .unwrap();
    assert_eq!(r.events.len(), 2);
    assert_eq!(r.alerts.len(), 1);
    let a = &r.alerts[0];
    // The escalation is the higher level: its key and actions lead.
    assert_eq!(a.level.as_str(), "escalation");
    assert_eq!(
        a.key,
        r.events
            .iter()
            .find(|e| e.kind.as_str() == "trigger")
            .unwrap()
            .key
    );
    assert_eq!(a.keys.len(), 2);
    assert_eq!(a.actions[0], "notify_executive_sponsor");
    assert!(a.actions.contains(&"add_coverage".to_string()));

    // A trigger at 100% suppressed (below min_level) raises no alert, nor joins the breach's.
    let rules = one_milestone(
        json!({"suppress": {"min_level": "violation"}}),
        json!([{"at": "100%", "level": "warning", "actions": ["notify_owner"]}]),
    );
    let r = rules
        .monitor(&cases, at("2026-11-25T21:00:00Z"), None)
        .unwrap();
    assert_eq!(r.events.len(), 2);
    assert_eq!(r.alerts.len(), 1);
    assert_eq!(r.alerts[0].keys, [r.alerts[0].key.clone()]);
    assert!(!r.alerts[0].actions.contains(&"notify_owner".to_string()));
}

#[test]
fn quota_fractions_crossed_by_one_case_are_one_alert() {
    let rules = Ruleset::from_value(&json!({
        "processes": [{"id": "p", "milestones": []}],
        "entitlements": [{"id": "e", "process": "p", "account": {"id": "A", "name": "Acme"},
            "quotas": [{"period": "month", "max_cases": 1}]}],
        "monitor": {"quota_alerts": [0.5, 0.8, 1.0]}
    }))
    .unwrap();
    let cases = [Case::from_value(
        &json!({"id": "C-1", "entitlement": "e", "created_at": "2026-11-25T10:00:00Z"}),
    )
    .unwrap()];
    let r = rules
        .monitor(&cases, at("2026-11-25T12:00:00Z"), None)
        .unwrap();
    assert_eq!(r.events.len(), 3);
    assert_eq!(r.alerts.len(), 1);
    let a = &r.alerts[0];
    assert_eq!(a.keys.len(), 3);
    assert_eq!(a.key, "e/quota/0/2026-11-01/1");
    assert_eq!(a.level.as_str(), "critical");
    assert!(a.title.contains("100% of its monthly quota"), "{}", a.title);
}

#[test]
fn links_are_percent_encoded_and_fields_come_from_configuration() {
    let rules = one_milestone(
        json!({"links": {
            "case": "https://acme.my.salesforce.com/lightning/r/Case/{case_id}/view",
            "account": "https://crm.example/a/{account_id}?e={entitlement}"},
            "alert_fields": ["subject", "owner", "missing", "priority"]}),
        json!([{"at": "50%", "level": "warning"}]),
    );
    let cases = [one_case("C 1/é?&#")];
    let r = rules
        .monitor(&cases, at("2026-11-25T19:45:00Z"), None)
        .unwrap();
    let a = &r.alerts[0];
    assert_eq!(
        a.links[0].url,
        "https://acme.my.salesforce.com/lightning/r/Case/C%201%2F%C3%A9%3F%26%23/view"
    );
    assert_eq!(a.links[1].url, "https://crm.example/a/A%2F1%20x?e=acme");
    let fields: Vec<(&str, &str)> = a
        .fields
        .iter()
        .map(|f| (f.label.as_str(), f.value.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("Subject", "Login <fails>"),
            ("Owner", "Pat"),
            ("Priority", "High")
        ]
    );
    // A template with an unknown placeholder is a load error naming the path.
    let err = Ruleset::from_yaml("monitor: { links: { case: 'https://x/{id}' } }").unwrap_err();
    assert_eq!(err.code(), "invalid_value");
    assert!(err.to_string().starts_with("monitor.links.case"), "{err}");
    assert!(err.to_string().contains("{case_id}"), "{err}");
    let err = Ruleset::from_yaml("monitor: { links: { page: 'https://x/' } }").unwrap_err();
    assert_eq!(err.code(), "unknown_key");
}

#[test]
fn an_unknown_action_is_a_load_error_listing_the_known_ones() {
    let doc = |monitor: Value| {
        json!({"processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response",
            "target": "1h", "triggers": [{"at": "50%", "level": "warning",
            "actions": ["notify_owner", "page_on_call"]}]}]}], "monitor": monitor})
    };
    let err = Ruleset::from_value(&doc(json!({}))).unwrap_err();
    assert_eq!(err.code(), "unknown_action");
    assert_eq!(
        err.path_text(),
        "processes[0].milestones[0].triggers[0].actions[1]"
    );
    let message = err.to_string();
    assert!(message.contains("\"page_on_call\""), "{message}");
    assert!(
        message.contains("page_oncall") && message.contains("notify_owner"),
        "{message}"
    );
    // Defined in the catalogue, it loads, and its label and details reach the alert.
    let rules = Ruleset::from_value(&doc(json!({"actions": {
        "page_on_call": {"label": "Page the on-call engineer", "details": "PagerDuty rota SUP"}}})))
    .unwrap();
    let (label, details) = rules.monitor_config().action_label("page_on_call");
    assert_eq!(
        (label, details),
        ("Page the on-call engineer", Some("PagerDuty rota SUP"))
    );
    // The document round-trips with its catalogue.
    let again = Ruleset::from_value(&rules.to_value()).unwrap();
    assert_eq!(again.monitor_config(), rules.monitor_config());
    // An action entry without a label is refused.
    let err = Ruleset::from_value(&doc(json!({"actions": {"page_on_call": {}}}))).unwrap_err();
    assert_eq!(err.code(), "missing_key");
    let err = Ruleset::from_yaml("monitor: { currency: dollars }").unwrap_err();
    assert_eq!(err.code(), "invalid_value");
}

/// Every Block Kit limit the renderers promise, checked on a message (`docs/alerts.md`).
pub fn assert_block_kit(m: &Value) {
    let len = |v: &Value| v.as_str().map_or(0, |s| s.encode_utf16().count());
    assert!(len(&m["text"]) <= 3000 && len(&m["text"]) > 0);
    let blocks = m["blocks"].as_array().unwrap();
    assert!(
        !blocks.is_empty() && blocks.len() <= 50,
        "{} blocks",
        blocks.len()
    );
    for b in blocks {
        match b["type"].as_str().unwrap() {
            "header" => {
                assert_eq!(b["text"]["type"], "plain_text");
                assert!(len(&b["text"]["text"]) <= 150);
            }
            "section" => {
                assert!(b.get("text").is_some() || b.get("fields").is_some());
                if let Some(t) = b.get("text") {
                    assert!(len(&t["text"]) <= 3000 && len(&t["text"]) > 0);
                }
                if let Some(f) = b.get("fields") {
                    let f = f.as_array().unwrap();
                    assert!(f.len() <= 10);
                    assert!(f.iter().all(|x| len(&x["text"]) <= 2000));
                }
                if let Some(button) = b.get("accessory") {
                    assert!(len(&button["text"]["text"]) <= 75 && len(&button["url"]) <= 3000);
                }
            }
            "actions" => {
                let e = b["elements"].as_array().unwrap();
                assert!(!e.is_empty() && e.len() <= 25);
                for button in e {
                    assert_eq!(button["type"], "button");
                    assert!(len(&button["text"]["text"]) <= 75 && len(&button["url"]) <= 3000);
                }
            }
            "context" => {
                let e = b["elements"].as_array().unwrap();
                assert!(!e.is_empty() && e.len() <= 10);
                assert!(e.iter().all(|x| len(&x["text"]) <= 3000));
            }
            other => panic!("unexpected block {other}"),
        }
    }
}

fn hostile_alerts() -> Vec<Alert> {
    let big = "x<script>alert(1)</script>&".repeat(400); // ~10 KB
    let rules = Ruleset::from_value(&json!({
        "processes": [{"id": "p", "milestones": [{"name": big, "kind": "first_response", "target": "1h",
            "triggers": [{"at": "50%", "level": "warning", "actions": ["notify_owner", "x"]},
                         {"at": "100%", "level": "violation", "actions": ["notify_manager"]}]}]}],
        "entitlements": [{"id": "e", "process": "p", "account": {"id": big, "name": big,
            "arr": 1.0e7, "csm": big, "executive_sponsor": big, "renewal_date": big}}],
        "monitor": {"links": {"case": "https://crm.example/{case_id}", "account": "https://crm.example/a"},
            "alert_fields": ["subject", "owner", "priority", "severity", "a", "b", "c", "d", "e", "f", "g"],
            "actions": {"x": {"label": big[..900].to_string(), "details": big[..3000].to_string()}}}
    }))
    .unwrap();
    let fields: serde_json::Map<String, Value> = [
        "subject", "owner", "priority", "severity", "a", "b", "c", "d", "e", "f", "g",
    ]
    .iter()
    .map(|f| (f.to_string(), json!(big)))
    .collect();
    let cases = [Case::from_value(&json!({"id": big, "entitlement": "e",
        "created_at": "2026-11-25T10:00:00Z", "fields": fields}))
    .unwrap()];
    let r = rules
        .monitor(&cases, at("2026-11-25T12:00:00Z"), None)
        .unwrap();
    assert_eq!(r.alerts.len(), 2);
    r.alerts
}

#[test]
fn slack_payloads_with_10_kb_of_crm_text_stay_within_block_kit_limits() {
    for a in hostile_alerts() {
        assert!(a.title.len() > 10_000);
        let m = a.slack_blocks();
        assert_block_kit(&m);
        let blocks = m["blocks"].as_array().unwrap();
        // The account link is short enough for a button; the case link (10 KB of encoded id)
        // is not.
        let buttons: Vec<&Value> = blocks
            .iter()
            .filter(|b| b["type"] == "actions")
            .flat_map(|b| b["elements"].as_array().unwrap())
            .collect();
        assert_eq!(buttons.len(), 1);
        assert_eq!(buttons[0]["url"], "https://crm.example/a");
        // No raw `<` from the CRM reaches mrkdwn (plain_text is shown as it is).
        for b in blocks {
            let texts = b["text"]
                .as_object()
                .into_iter()
                .chain(
                    b["fields"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_object),
                )
                .chain(
                    b["elements"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_object),
                );
            for t in texts {
                if t.get("type") == Some(&json!("mrkdwn")) {
                    assert!(!t["text"].as_str().unwrap().contains("<script>"));
                }
            }
        }
    }
    let digests = entitlement_core::rules::digest(
        &std::iter::repeat_n(hostile_alerts(), 40)
            .flatten()
            .collect::<Vec<_>>(),
    );
    assert_eq!(digests.len(), 1);
    let m = digests[0].slack_blocks();
    assert_block_kit(&m);
    assert_eq!(m["blocks"].as_array().unwrap().len(), 50);
}

#[test]
fn email_is_multipart_text_and_escaped_html() {
    for a in hostile_alerts() {
        let e = a.email();
        let html = e["html"].as_str().unwrap();
        assert!(!html.contains("<script>"), "raw CRM markup in HTML");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;"));
        assert!(e["text"].as_str().unwrap().contains("<script>"));
        assert_eq!(e["text"], e["body"]);
        assert!(!e["subject"].as_str().unwrap().contains('\n'));
    }
}

/// The ADF node shapes Jira accepts: `doc` of blocks, non-empty text nodes, known marks.
fn assert_adf(node: &Value) {
    let kind = node["type"].as_str().unwrap();
    assert!(
        ["doc", "paragraph", "bulletList", "listItem", "text"].contains(&kind),
        "{kind}"
    );
    if kind == "text" {
        assert!(!node["text"].as_str().unwrap().is_empty());
        for m in node["marks"].as_array().into_iter().flatten() {
            match m["type"].as_str().unwrap() {
                "strong" => {}
                "link" => assert!(m["attrs"]["href"].as_str().unwrap().starts_with("https://")),
                other => panic!("mark {other}"),
            }
        }
    } else {
        let content = node["content"].as_array().unwrap();
        assert!(!content.is_empty());
        content.iter().for_each(assert_adf);
    }
}

#[test]
fn jira_description_is_adf_with_links() {
    let rules = one_milestone(
        json!({"links": {"case": "https://crm.example/c/{case_id}"}}),
        json!([{"at": "50%", "level": "warning", "actions": ["notify_owner"]}]),
    );
    let r = rules
        .monitor(&[one_case("C-1")], at("2026-11-25T19:45:00Z"), None)
        .unwrap();
    let issue = r.alerts[0].jira_issue("SUP", "Task");
    let d = &issue["fields"]["description"];
    assert_eq!(
        (d["type"].as_str(), d["version"].as_u64()),
        (Some("doc"), Some(1))
    );
    assert_adf(d);
    assert!(d.to_string().contains("https://crm.example/c/C-1"));
    assert!(d.to_string().contains("Notify the case owner"));
    for a in hostile_alerts() {
        let issue = a.jira_issue("SUP", "Task");
        assert_adf(&issue["fields"]["description"]);
        assert!(
            issue["fields"]["description"]
                .to_string()
                .encode_utf16()
                .count()
                <= 32_767 * 2
        );
        assert!(
            issue["fields"]["summary"]
                .as_str()
                .unwrap()
                .encode_utf16()
                .count()
                <= 255
        );
    }
}

#[test]
fn pagerduty_events_keep_their_limits_and_carry_links() {
    for a in hostile_alerts() {
        let e = a.pagerduty_event("R0UT1NG");
        let summary = e["payload"]["summary"].as_str().unwrap();
        assert!(summary.encode_utf16().count() <= 1024);
        assert!(e["dedup_key"].as_str().unwrap().len() <= 255);
        let links = e["links"].as_array().unwrap();
        assert_eq!(
            links,
            &[json!({"href": "https://crm.example/a", "text": "Open account"})]
        );
        assert!(e["payload"]["custom_details"].is_object());
    }
}

#[test]
fn the_digest_counts_breaches_and_risks_per_account() {
    let r = sample_report();
    let digests = r.digests();
    let by_name: HashMap<&str, (usize, usize)> = digests
        .iter()
        .map(|d| (d.account_name.as_str(), (d.breached, d.at_risk)))
        .collect();
    let total: usize = digests.iter().map(|d| d.alerts.len()).sum();
    assert_eq!(total, r.alerts.len());
    for d in &digests {
        let breached = d
            .alerts
            .iter()
            .filter(|a| {
                a.kind.as_str() == "breach"
                    || a.level.as_str() == "violation"
                    || a.level.as_str() == "escalation"
            })
            .count();
        assert_eq!(
            (d.breached, d.at_risk),
            (breached, d.alerts.len() - breached)
        );
        assert_eq!(
            d.headline,
            format!(
                "{}: {} breached, {} at risk",
                d.account_name, d.breached, d.at_risk
            )
        );
        assert_block_kit(&d.slack_blocks());
        let email = d.email();
        assert!(
            email["html"]
                .as_str()
                .unwrap()
                .contains(&d.headline.replace('&', "&amp;"))
        );
    }
    // Umbrella: the C-4001 breach (merged) and its escalation; four warnings.
    assert_eq!(by_name["Umbrella"], (2, 4));
}
