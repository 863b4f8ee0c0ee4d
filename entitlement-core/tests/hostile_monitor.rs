//! The monitor, its event keys and the alert renderers on hostile input (issue 13): a case of
//! many events and triggers costs time and memory linear in its events, distinct events have
//! distinct keys (and PagerDuty dedup keys), and every rendered payload stays within its
//! vendor's limits with no control or bidirectional character, whatever the text.

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use entitlement_core::rules::{Alert, AlertAction, AlertField, AlertLink, Level, MonitorEventKind};
use entitlement_core::{Case, Ruleset};
use proptest::prelude::*;
use serde_json::{Value, json};

const CHILD: &str = "ENTITLEMENT_HOSTILE_MONITOR_CHILD";

/// One case whose recurring next response (with `triggers` triggers) starts at every customer
/// reply and breaches before the agent answers: `events / 2` instances, each with every
/// trigger and a breach.
fn recurring(events: usize, triggers: usize) -> (Ruleset, Case, DateTime<Utc>) {
    let points: Vec<Value> = (0..triggers)
        .map(|i| json!({"at": format!("{}%", 1 + i), "level": "warning", "actions": ["notify_owner"]}))
        .collect();
    let rules = Ruleset::from_value(&json!({
        "processes": [{"id": "p", "milestones": [{"name": "Next Response", "kind": "next_response",
            "target": "1h", "recurrence": "independent", "triggers": points}]}],
        "entitlements": [{"id": "e", "process": "p", "account": {"id": "A", "name": "Acme"}}],
    }))
    .unwrap();
    let start: DateTime<Utc> = "2020-01-01T00:00:00Z".parse().unwrap();
    let log: Vec<Value> = (0..events)
        .map(|i| {
            let kind = if i % 2 == 0 {
                "customer_reply"
            } else {
                "agent_reply"
            };
            let at = start + TimeDelta::minutes(90 * i as i64 + 1);
            json!({"at": at.to_rfc3339(), "type": kind})
        })
        .collect();
    let case = Case::from_value(&json!({"id": "C-1", "entitlement": "e",
        "created_at": start.to_rfc3339(), "events": log}))
    .unwrap();
    (
        rules,
        case,
        start + TimeDelta::minutes(90 * events as i64 + 120),
    )
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The child's half of the test below: does nothing unless started by it.
#[test]
fn child_monitors_8000_events_with_64_triggers() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let (rules, case, now) = recurring(8_000, 64);
    let report = rules
        .monitor(std::slice::from_ref(&case), now, None)
        .unwrap();
    println!(
        "\nCHILD-REPORT {} {} {}",
        report.events.len(),
        report.alerts.len(),
        peak_kib()
    );
}

/// 8,000 events with 64 triggers made 260,000 events and took more than 4 GB when the case was
/// replayed for each event and each event copied its status: now about 500 MB and 2 s. Run in
/// a child under a 4 GiB address-space cap and a 10-minute timeout; its peak must stay under
/// 1 GiB.
#[test]
fn a_case_of_8000_events_and_64_triggers_is_monitored_in_linear_memory() {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new("sh")
        .args([
            "-c",
            "ulimit -v 4194304 && exec \"$0\" \"$@\"",
            exe.to_str().unwrap(),
            "--exact",
            "hostile_monitor::child_monitors_8000_events_with_64_triggers",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CHILD, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(600);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the monitor did not finish within 10 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    assert!(status.success(), "child failed: {out}");
    let line = out
        .lines()
        .find_map(|l| l.split("CHILD-REPORT ").nth(1))
        .unwrap_or_else(|| panic!("no report in {out}"));
    let n: Vec<u64> = line.split(' ').map(|x| x.parse().unwrap()).collect();
    assert_eq!(
        (n[0], n[1]),
        (264_000, 260_000),
        "4,000 instances × (64 triggers + breach + completion); a completion without \
         `on_complete` actions makes no alert"
    );
    assert!(n[2] < 1024 * 1024, "peak {} KiB, over 1 GiB", n[2]);
}

/// The two collisions of issue 13: a `/` in a case id or a milestone name no longer makes two
/// events one key, nor one PagerDuty incident.
#[test]
fn a_slash_in_a_case_id_or_a_milestone_name_keeps_keys_apart() {
    let rules = Ruleset::from_value(&json!({
        "processes": [{"id": "p", "milestones": [
            {"name": "First Response", "kind": "first_response", "target": "1h"},
            {"name": "Resp/First Response", "kind": "resolution", "target": "1h"}]}],
        "entitlements": [{"id": "e", "process": "p"}],
    }))
    .unwrap();
    let case = |id: &str| {
        Case::from_value(
            &json!({"id": id, "entitlement": "e", "created_at": "2026-11-25T10:00:00Z"}),
        )
        .unwrap()
    };
    let cases = [case("X/Resp"), case("X")];
    let report = rules
        .monitor(&cases, "2026-11-25T12:00:00Z".parse().unwrap(), None)
        .unwrap();
    let keys: Vec<&str> = report.events.iter().map(|e| e.key.as_str()).collect();
    assert!(
        keys.contains(&"X\\/Resp/First Response/1/breach"),
        "{keys:?}"
    );
    assert!(
        keys.contains(&"X/Resp\\/First Response/1/breach"),
        "{keys:?}"
    );
    assert_eq!(keys.len(), 4);
    assert_eq!(keys.iter().collect::<HashSet<_>>().len(), 4);
    let dedup: HashSet<String> = report
        .alerts
        .iter()
        .map(|a| {
            a.pagerduty_event("K")["dedup_key"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(dedup.len(), 4);
    // Keys without `/` or `\` in their parts are as before.
    assert!(keys.contains(&"X/First Response/1/breach"));
}

/// A key cut for PagerDuty never equals a whole key, even one written to look like a cut one.
#[test]
fn a_cut_dedup_key_never_equals_a_whole_one() {
    let a = alert_with_key(&format!("{}/FR/1/breach", "x".repeat(300)));
    let cut = a.pagerduty_event("K")["dedup_key"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(cut.len() <= 255 && cut.contains("\\#"), "{cut}");
    // A case id that spells the cut key: its own key escapes the `\`, so it differs.
    let forged = alert_with_key(&cut.replace('\\', "\\\\"));
    let whole = forged.pagerduty_event("K")["dedup_key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(whole, cut);
    // Keys with control characters are cleaned and hashed, so they stay distinct.
    let x = alert_with_key("C\u{1b}1/FR/1/breach").pagerduty_event("K")["dedup_key"].clone();
    let y = alert_with_key("C 1/FR/1/breach").pagerduty_event("K")["dedup_key"].clone();
    assert_ne!(x, y);
    assert!(!x.as_str().unwrap().contains('\u{1b}'));
}

fn alert_with_key(key: &str) -> Alert {
    hostile_alert(Texts {
        key: key.into(),
        ..Texts::default()
    })
}

#[derive(Clone, Debug, Default)]
struct Texts {
    key: String,
    title: String,
    summary: String,
    case_id: String,
    entitlement: String,
    milestone: String,
    account_name: String,
    other: String,
    action: String,
}

fn hostile_alert(t: Texts) -> Alert {
    let c = t.clone();
    let account: serde_json::Map<String, Value> = [
        ("id".to_string(), json!(t.other)),
        ("name".to_string(), json!(t.account_name)),
        (t.other.clone(), json!({"nested": [t.summary, t.title]})),
    ]
    .into_iter()
    .collect();
    Alert {
        key: t.key,
        kind: MonitorEventKind::Breach,
        level: Level::Critical,
        at: "2026-11-25T10:00:00Z".parse().unwrap(),
        title: t.title,
        summary: t.summary,
        case_id: Some(t.case_id),
        entitlement: Some(t.entitlement),
        milestone: Some(t.milestone),
        instance: Some(1),
        account_id: Some(t.other.clone()),
        account_name: Some(t.account_name),
        arr: Some(json!(t.other)),
        renewal_date: Some(json!(t.other)),
        executive_sponsor: Some(json!({"name": t.other})),
        csm: Some(json!(t.other)),
        contacts: Some(json!([t.other])),
        account: Arc::new(account),
        deadline_utc: None,
        deadline_local: Some(t.other.clone()),
        time_zone: Some(t.other),
        business_left: Some(TimeDelta::minutes(-5)),
        wall_left: Some(TimeDelta::minutes(-5)),
        keys: vec![c.key.clone(), c.other.clone()],
        action_items: vec![
            AlertAction {
                id: c.action.clone(),
                label: c.summary.clone(),
                details: Some(c.other.clone()),
            },
            AlertAction {
                id: "page_oncall".into(),
                label: "Page on-call".into(),
                details: None,
            },
        ],
        links: vec![
            AlertLink {
                label: c.other.clone(),
                url: format!("https://x.example/{}", c.case_id),
            },
            AlertLink {
                label: c.account_name.clone(),
                url: "https://x.example/a".into(),
            },
        ],
        fields: vec![AlertField {
            label: c.other.clone(),
            value: c.title.clone(),
        }],
        arr_text: Some(c.other),
        actions: vec![t.action, "page_oncall".into()],
        deliveries: Vec::new(),
    }
}

fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

fn forbidden(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') || (c.is_control() && c != '\n')
}

/// Every string (and object key) of a payload: none has a forbidden character, and a newline
/// only where `multiline` allows it.
fn check_strings(v: &Value, path: &str, multiline: &dyn Fn(&str) -> bool) {
    let check = |s: &str, p: &str| {
        assert!(!s.chars().any(forbidden), "{p}: {s:?}");
        assert!(multiline(p) || !s.contains('\n'), "newline in {p}: {s:?}");
    };
    match v {
        Value::String(s) => check(s, path),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| check_strings(x, &format!("{path}[{i}]"), multiline)),
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            check(k, path);
            check_strings(x, &format!("{path}.{k}"), multiline)
        }),
        _ => {}
    }
}

fn check_payloads(a: &Alert) {
    // Slack: header 150, section text 3000, at most 10 fields of 2000, context 3000.
    let slack = a.slack_blocks();
    check_strings(&slack, "slack", &|p| p.contains(".fields["));
    let blocks = slack["blocks"].as_array().unwrap();
    assert!(units(blocks[0]["text"]["text"].as_str().unwrap()) <= 150);
    assert!(units(blocks[1]["text"]["text"].as_str().unwrap()) <= 3000);
    assert!(units(slack["text"].as_str().unwrap()) <= 3000);
    for b in blocks {
        if let Some(fields) = b["fields"].as_array() {
            assert!(fields.len() <= 10);
            for f in fields {
                assert!(units(f["text"].as_str().unwrap()) <= 2000);
            }
        }
        if b["type"] == "actions" {
            let elements = b["elements"].as_array().unwrap();
            assert!(elements.len() <= 25);
            for e in elements {
                assert!(units(e["text"]["text"].as_str().unwrap()) <= 75);
                assert!(units(e["url"].as_str().unwrap()) <= 3000);
            }
        } else if let Some(elements) = b["elements"].as_array() {
            assert!(elements.len() <= 10);
            for e in elements {
                assert!(units(e["text"].as_str().unwrap()) <= 3000);
            }
            let key = elements[0]["text"].as_str().unwrap();
            assert!(
                key.starts_with("Event key: `") && key.ends_with('`'),
                "{key}"
            );
            for e in elements {
                let key = e["text"].as_str().unwrap();
                assert_eq!(
                    key.matches('`').count(),
                    2,
                    "a backtick closes the span: {key}"
                );
            }
        }
    }
    // Email: a one-line subject, a clean body (lengths are the mail library's to fold).
    let email = a.email();
    check_strings(&email, "email", &|p| {
        ["email.body", "email.text", "email.html"].contains(&p)
    });
    let html = email["html"].as_str().unwrap();
    assert!(!html.contains("<!channel>") && !html.contains("<script"));
    // Jira: summary and labels 255, labels without spaces, no empty text node.
    let jira = a.jira_issue("SUP", "Task");
    check_strings(&jira, "jira", &|_| false);
    assert!(units(jira["fields"]["summary"].as_str().unwrap()) <= 255);
    for l in jira["fields"]["labels"].as_array().unwrap() {
        let l = l.as_str().unwrap();
        assert!(
            !l.is_empty() && units(l) <= 255 && !l.contains(char::is_whitespace),
            "{l:?}"
        );
    }
    assert!(
        serde_json::to_string(&jira["fields"]["description"])
            .unwrap()
            .len()
            < 200_000
    );
    // PagerDuty: 512 KB per event, summary 1024, dedup_key 255.
    let pd = a.pagerduty_event("R0UT1NGKEY");
    check_strings(&pd, "pagerduty", &|_| false);
    assert!(serde_json::to_vec(&pd).unwrap().len() <= 512 * 1024);
    assert!(units(pd["payload"]["summary"].as_str().unwrap()) <= 1024);
    assert!(pd["dedup_key"].as_str().unwrap().len() <= 255);
    for f in ["source", "component", "group"] {
        assert!(units(pd["payload"][f].as_str().unwrap()) <= 255, "{f}");
    }
}

/// Text made of what breaks renderers: controls, bidi overrides, backticks, mrkdwn and
/// escape characters, astral characters, and sometimes a great deal of it.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\u{1b}[31m".to_string()),
        Just("\r\n".to_string()),
        Just("\u{202E}".to_string()),
        Just("\u{2066}".to_string()),
        Just("`".to_string()),
        Just("<!channel>&".to_string()),
        Just("/\\".to_string()),
        Just("😀".to_string()),
        Just(" ".to_string()),
        "\\PC{0,8}",
        any::<String>(),
    ];
    (prop::collection::vec(piece, 0..12), 0usize..4).prop_map(|(pieces, grow)| {
        let s = pieces.concat();
        match grow {
            3 => s
                .repeat(20_000 / s.len().max(1))
                .chars()
                .take(60_000)
                .collect(),
            _ => s,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_rendered_payload_is_within_limits_and_clean(
        key in hostile_text(), title in hostile_text(), summary in hostile_text(),
        case_id in hostile_text(), entitlement in hostile_text(), milestone in hostile_text(),
        account_name in hostile_text(), other in hostile_text(), action in hostile_text(),
    ) {
        check_payloads(&hostile_alert(Texts {
            key, title, summary, case_id, entitlement, milestone, account_name, other, action,
        }));
    }
}

/// An account context of several megabytes still renders a PagerDuty event under 512 KB.
#[test]
fn a_huge_account_context_is_cut_to_fit_pagerduty() {
    let big = "a".repeat(3 * 1024 * 1024);
    let mut a = hostile_alert(Texts {
        other: big.clone(),
        ..Texts::default()
    });
    a.account = Arc::new(
        (0..200)
            .map(|i| (format!("k{i}"), json!(big[..20_000])))
            .collect(),
    );
    check_payloads(&a);
    let pd = a.pagerduty_event("K");
    assert_eq!(pd["payload"]["custom_details"]["kind"], "breach");
}
