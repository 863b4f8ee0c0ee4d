//! Structured case logs (any mix of status, field, reply, solve, close, reopen, stop and resume
//! events, custom and unknown event types, ties, events before creation and after `now`) replayed
//! against the sample rules (`examples/data/rules.yaml`): evaluation gives statuses or a typed
//! error, and the replay's laws hold:
//!
//! - active plus paused business time is the calendar's business time from the start to the
//!   completion (or `now`); remaining is target minus elapsed; states agree with the instants;
//! - events after `now` do not matter, nor does the order of the log once sorted by time;
//! - consecutive monitor windows report every event exactly once: the events of `(s1, now]` are
//!   those of `(s1, s2]` and `(s2, now]`, with the same keys and no key twice.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Utc};
use entitlement_core::rules::{Case, CaseEvaluation, MilestoneState, Ruleset};
use entitlement_core::{Calendar, Error};
use serde_json::{Value, json};

const ENTITLEMENTS: [&str; 10] = [
    "acme-gold",
    "globex-gold",
    "stark-silver",
    "wayne-silver",
    "wonka-bronze",
    "initech-bronze",
    "umbrella-sev1",
    "northbank-regulated",
    "hooli-bronze-2025",
    "nobody",
];
const STATUSES: [&str; 7] = [
    "New",
    "Open",
    "Waiting on Customer",
    "On Hold",
    "Pending Regulator",
    "Closed",
    "Solved",
];
const TYPES: [&str; 11] = [
    "agent_reply",
    "customer_reply",
    "solved",
    "closed",
    "reopened",
    "stop",
    "resume",
    "diagnosed",
    "acknowledged",
    "escalated",
    "status",
];
const SEVERITIES: [&str; 5] = ["Sev1", "Sev2", "Sev3", "Sev4", "Sev9"];
/// 2025-06-01T00:00:00Z, in seconds.
const BASE: i64 = 1_748_736_000;

#[derive(Arbitrary, Debug)]
struct RawEvent {
    /// Seconds after creation (negative: before it, which the case refuses).
    offset: i32,
    kind: u8,
    arg: u8,
}

#[derive(Arbitrary, Debug)]
struct Input {
    entitlement: u8,
    pin: u8,
    created: u32,
    severity: u8,
    events: Vec<RawEvent>,
    /// Seconds after creation (may be before it).
    now: i32,
    windows: [u32; 2],
}

fn rules() -> &'static Ruleset {
    static RULES: OnceLock<Ruleset> = OnceLock::new();
    RULES.get_or_init(|| {
        Ruleset::from_yaml(include_str!("../../examples/data/rules.yaml")).expect("sample rules")
    })
}

fn instant(seconds: i64) -> String {
    DateTime::from_timestamp(seconds, 0)
        .expect("in range")
        .to_rfc3339()
}

fn event(raw: &RawEvent, created: i64) -> Value {
    // Mostly after creation; one event in 64 before it.
    let offset = if raw.arg.is_multiple_of(64) {
        raw.offset % 86_400
    } else {
        raw.offset.rem_euclid(40 * 86_400)
    };
    let at = instant(created + i64::from(offset));
    let kind = TYPES[usize::from(raw.kind) % TYPES.len()];
    match (kind, raw.kind / 16 % 4) {
        ("status", _) => {
            json!({"at": at, "type": "status", "to": STATUSES[usize::from(raw.arg) % STATUSES.len()]})
        }
        (_, 0) => {
            json!({"at": at, "type": "field", "field": "severity", "to": SEVERITIES[usize::from(raw.arg) % SEVERITIES.len()]})
        }
        _ => json!({"at": at, "type": kind}),
    }
}

fn case_value(input: &Input) -> (Value, i64) {
    let created = BASE + i64::from(input.created % (600 * 86_400));
    let mut case = json!({
        "id": "F-1",
        "created_at": instant(created),
        "fields": {"severity": SEVERITIES[usize::from(input.severity) % SEVERITIES.len()], "status": "New"},
        "events": input.events.iter().take(48).map(|e| event(e, created)).collect::<Vec<_>>(),
    });
    let e = usize::from(input.entitlement) % (ENTITLEMENTS.len() + 1);
    if let Some(id) = ENTITLEMENTS.get(e) {
        case["entitlement"] = json!(id);
    }
    match input.pin % 8 {
        0 => case["process"] = json!({"id": "gold", "version": 2}),
        1 => case["process"] = json!("silver"),
        _ => {}
    }
    (case, created + i64::from(input.now % (60 * 86_400)))
}

/// Errors the replay may give for these logs: an event type the process does not know, an
/// entitlement the rules do not define.
fn allowed(e: &Error) {
    assert!(
        matches!(e.code(), "unknown_event_type" | "unknown_entitlement"),
        "unexpected error {}: {e}",
        e.code()
    );
}

/// The instant of a generated event.
fn at_of(event: &Value) -> DateTime<Utc> {
    event["at"]
        .as_str()
        .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
        .expect("a generated instant")
        .to_utc()
}

fn with_events(case: &Value, keep: impl Fn(&[Value]) -> Vec<Value>) -> Case {
    let mut other = case.clone();
    let events = case["events"].as_array().cloned().unwrap_or_default();
    other["events"] = Value::Array(keep(&events));
    Case::from_value(&other).expect("a case of valid events")
}

fn check_statuses(rules: &Ruleset, eval: &CaseEvaluation, now: DateTime<Utc>) {
    for s in &eval.milestones {
        assert!(
            s.elapsed.num_microseconds().unwrap() >= 0,
            "elapsed >= 0: {s:?}"
        );
        assert!(
            s.paused.num_microseconds().unwrap() >= 0,
            "paused >= 0: {s:?}"
        );
        let Some(start) = s.started_at else {
            assert_eq!(s.state, MilestoneState::Pending);
            assert!(s.elapsed.is_zero() && s.paused.is_zero() && s.target_at.is_none());
            continue;
        };
        let cal = s.calendar.as_ref().map_or_else(Calendar::always_open, |n| {
            rules.calendars().get(n).expect("its calendar").clone()
        });
        let end = s.completed_at.unwrap_or(now).max(start);
        let business = cal.elapsed(start, end).expect("business time in range");
        assert_eq!(
            s.elapsed + s.paused,
            business,
            "elapsed + paused = business time: {s:?}"
        );
        let (target, target_at) = (
            s.target.expect("a target"),
            s.target_at.expect("a deadline"),
        );
        assert_eq!(
            s.remaining,
            Some(target - s.elapsed),
            "remaining = target - elapsed"
        );
        assert!(target_at >= start, "the deadline is not before the start");
        if let Some(c) = s.completed_at {
            assert!(c >= start && c <= now, "completed between start and now");
        }
        match s.state {
            MilestoneState::Completed => assert!(s.completed_at.is_some_and(|c| c <= target_at)),
            MilestoneState::CompletedLate => assert!(s.completed_at.is_some_and(|c| c > target_at)),
            MilestoneState::Violated => assert!(s.completed_at.is_none() && now > target_at),
            MilestoneState::InProgress | MilestoneState::Paused => {
                assert!(s.completed_at.is_none() && now <= target_at && start <= now)
            }
            MilestoneState::Pending => assert!(s.completed_at.is_none() && start > now),
        }
        for t in &s.triggers {
            assert!(
                !t.crossed || t.at <= now,
                "a crossed trigger is not in the future"
            );
            if let Some(f) = t.fired_at {
                assert!(
                    f <= now && f >= start,
                    "a trigger fired between start and now"
                );
            }
        }
        if let Some(b) = s.breached_at {
            assert!(b <= now && b >= start, "a breach between start and now");
        }
    }
}

fn keys(
    rules: &Ruleset,
    case: &Case,
    now: DateTime<Utc>,
    since: DateTime<Utc>,
) -> Option<Vec<String>> {
    if since >= now {
        // An empty window is refused, whatever the case: it holds no event.
        let refused = rules.monitor(std::slice::from_ref(case), now, Some(since));
        assert_eq!(refused.err().map(|e| e.code()), Some("invalid_window"));
        return Some(Vec::new());
    }
    match rules.monitor(std::slice::from_ref(case), now, Some(since)) {
        Ok(report) => {
            for e in &report.events {
                assert!(
                    e.at > since && e.at <= now,
                    "an event of the window ({since}, {now}]: {}",
                    e.key
                );
            }
            Some(report.events.iter().map(|e| e.key.clone()).collect())
        }
        Err(e) => {
            allowed(&e);
            None
        }
    }
}

/// The target's body.
pub fn run(data: &[u8]) {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let rules = rules();
    let (value, now_s) = case_value(&input);
    let case = match Case::from_value(&value) {
        Ok(case) => case,
        Err(e) => {
            // The one thing wrong with a generated log: an event before the case's creation.
            let created = value["created_at"].as_str().expect("generated");
            let early = value["events"].as_array().is_some_and(|events| {
                events
                    .iter()
                    .any(|e| at_of(e) < DateTime::parse_from_rfc3339(created).expect("generated"))
            });
            assert!(
                e.code() == "invalid_value" && early,
                "a valid case was refused: {e}"
            );
            return;
        }
    };
    let now = DateTime::from_timestamp(now_s, 0).expect("in range");
    let eval = match rules.evaluate_case(&case, now) {
        Ok(eval) => eval,
        Err(e) => {
            allowed(&e);
            return;
        }
    };
    check_statuses(rules, &eval, now);

    // Events after `now` are ignored.
    let past = with_events(&value, |events| {
        events.iter().filter(|e| at_of(e) <= now).cloned().collect()
    });
    assert_eq!(
        rules.evaluate_case(&past, now).ok().as_ref(),
        Some(&eval),
        "events after now matter"
    );
    // The log is sorted stably by time: sorting it first changes nothing.
    let sorted = with_events(&value, |events| {
        let mut v = events.to_vec();
        v.sort_by_key(at_of);
        v
    });
    assert_eq!(
        rules.evaluate_case(&sorted, now).ok().as_ref(),
        Some(&eval),
        "the log's order matters"
    );

    // Windows: (s1, now] = (s1, s2] + (s2, now], every key once.
    let back = |w: u32| now - chrono::TimeDelta::seconds(i64::from(w % (20 * 86_400)));
    let (s1, s2) = {
        let (a, b) = (back(input.windows[0]), back(input.windows[1]));
        (a.min(b), a.max(b))
    };
    if s1 == s2 {
        return;
    }
    let (Some(whole), Some(early), Some(late)) = (
        keys(rules, &case, now, s1),
        keys(rules, &case, s2, s1),
        keys(rules, &case, now, s2),
    ) else {
        return;
    };
    let whole_set: BTreeSet<&String> = whole.iter().collect();
    assert_eq!(
        whole_set.len(),
        whole.len(),
        "a key twice in one window: {whole:?}"
    );
    let mut parts: Vec<&String> = early.iter().chain(&late).collect();
    parts.sort();
    let mut expected: Vec<&String> = whole.iter().collect();
    expected.sort();
    assert_eq!(
        parts, expected,
        "windows ({s1}, {s2}] + ({s2}, {now}] differ from ({s1}, {now}]"
    );
}
