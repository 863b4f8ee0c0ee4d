//! A run's answer does not depend on the threads that computed it: on one thread, or on a pool
//! where the cases are split into shares with their own copies of the names statuses hold, and
//! where a monitor-events run finds each case's events on the thread that evaluated it.

use std::sync::OnceLock;

use chrono::TimeDelta;
use entitlement_core::rules::{Case, CaseBatch, MonitorEventKind, OnError, Ruleset};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::at;

const NOW: &str = "2026-11-25T20:30:00Z";

/// The bundled sample rules: nine entitlements over six processes, tiers, pauses, quotas.
fn rules() -> &'static Ruleset {
    static RULES: OnceLock<Ruleset> = OnceLock::new();
    RULES.get_or_init(|| {
        Ruleset::load(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/data/rules.yaml"
        ))
        .expect("the sample rules")
    })
}

/// The sample's entitlements (nine, by position), and one it does not define.
fn entitlement(k: usize) -> &'static str {
    rules()
        .entitlements()
        .get(k)
        .map_or("no-such-entitlement", |e| e.id.as_str())
}

/// One case from a few numbers: which entitlement, when created (minutes before `NOW`), its
/// severity, and a short log (each step: minutes after the previous one, and what happened).
/// `copy` reuses an earlier id, so that the batch holds duplicates.
fn case(i: usize, spec: &Spec) -> Value {
    let created = at(NOW) - TimeDelta::minutes(i64::from(spec.age));
    let mut t = created;
    let events: Vec<Value> = spec
        .log
        .iter()
        .map(|&(gap, what)| {
            t += TimeDelta::minutes(i64::from(gap));
            let at = t.to_rfc3339();
            match what {
                // An event type only some processes define: an error for the others' cases.
                32 => json!({"at": at, "type": "diagnosed"}),
                w => match w % 8 {
                    0 => json!({"at": at, "type": "agent_reply"}),
                    1 => json!({"at": at, "type": "customer_reply"}),
                    2 => json!({"at": at, "type": "status", "to": "Waiting on Customer"}),
                    3 => json!({"at": at, "type": "status", "to": "Working"}),
                    4 => json!({"at": at, "type": "field", "field": "severity", "to": "Sev1"}),
                    5 => json!({"at": at, "type": "solved"}),
                    6 => json!({"at": at, "type": "reopened"}),
                    _ => json!({"at": at, "type": "closed"}),
                },
            }
        })
        .collect();
    let id = match spec.copy {
        Some(of) if of < i => format!("C-{of}"),
        _ => format!("C-{i}"),
    };
    json!({
        "id": id,
        "entitlement": entitlement(spec.entitlement),
        "created_at": created.to_rfc3339(),
        "fields": {"severity": format!("Sev{}", spec.severity)},
        "events": events,
    })
}

#[derive(Clone, Debug)]
struct Spec {
    entitlement: usize,
    age: u32,
    severity: u8,
    log: Vec<(u32, u8)>,
    copy: Option<usize>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0..=rules().entitlements().len(),
        0u32..20_000,
        1u8..5,
        proptest::collection::vec((0u32..600, 0u8..33), 0..5),
        proptest::option::weighted(0.01, 0usize..3_000),
    )
        .prop_map(|(entitlement, age, severity, log, copy)| Spec {
            entitlement,
            age,
            severity,
            log,
            copy,
        })
}

/// `specs` as a host's batch, every 97th case one the host could not read.
fn batch(specs: &[Spec]) -> CaseBatch {
    specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let value = if i % 97 == 96 {
                json!({"id": format!("C-{i}")})
            } else {
                case(i, s)
            };
            Case::from_value_at(&value, i)
        })
        .collect()
}

fn on(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a pool")
}

fn text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("json")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Up to 3,000 cases: many shares on a pool of four (a share is an eighth of a thread's part,
    /// at least 32 cases).
    #[test]
    fn a_run_answers_the_same_on_one_thread_and_on_four(
        specs in proptest::collection::vec(spec(), 0..3_000),
    ) {
        let (rules, now) = (rules(), at(NOW));
        let since = Some(now - TimeDelta::minutes(90));
        let batch = batch(&specs);
        let (one, four) = (on(1), on(4));
        // Each good case's evaluation in the batch (the shares' copies of the names) is its
        // evaluation alone (the ruleset's own).
        let all = four.install(|| rules.evaluate_batch(&batch, now, OnError::Collect)).expect("a batch");
        for (i, found) in all.iter().enumerate() {
            if let Ok(found) = found {
                let alone = Case::from_value_at(&case(i, &specs[i]), i).expect("a good case");
                let alone = rules.evaluate_case(&alone, now).expect("its evaluation");
                prop_assert_eq!(text(found), text(&alone));
            }
        }
        // Each call's answer as text, or its error's message.
        for on_error in [OnError::Collect, OnError::Raise] {
            let evaluate = |pool: &rayon::ThreadPool| {
                let all = pool.install(|| rules.evaluate_batch(&batch, now, on_error));
                all.map(|all| text(&all.iter().map(|r| r.as_ref().map_or_else(text, text)).collect::<Vec<_>>()))
                    .map_err(|e| e.to_string())
            };
            let monitor = |pool: &rayon::ThreadPool| {
                let report = pool.install(|| rules.monitor_batch(&batch, now, since, on_error));
                report.map(|r| text(&r)).map_err(|e| e.to_string())
            };
            let events = |pool: &rayon::ThreadPool| {
                let found = pool.install(|| rules.milestone_events_batch(&batch, now, since, on_error));
                found.map(|found| text(&found)).map_err(|e| e.to_string())
            };
            prop_assert_eq!(evaluate(&one), evaluate(&four));
            prop_assert_eq!(monitor(&one), monitor(&four));
            prop_assert_eq!(events(&one), events(&four));
        }
    }

    /// The events found case by case as each is evaluated are the milestone events of the
    /// whole monitor run (its quota and allowance events aside), errors included.
    #[test]
    fn milestone_events_are_the_monitors_less_its_counts(
        specs in proptest::collection::vec(spec(), 0..1_500),
    ) {
        let (rules, now) = (rules(), at(NOW));
        let since = Some(now - TimeDelta::minutes(90));
        let batch = batch(&specs);
        let report = rules.monitor_batch(&batch, now, since, OnError::Collect).expect("monitor");
        let (events, errors) = rules
            .milestone_events_batch(&batch, now, since, OnError::Collect)
            .expect("events");
        let milestone: Vec<_> = report
            .events
            .iter()
            .filter(|e| !matches!(e.kind, MonitorEventKind::Quota | MonitorEventKind::Allowance))
            .collect();
        prop_assert_eq!(text(&milestone), text(&events));
        prop_assert_eq!(text(&report.errors), text(&errors));
        prop_assert!(specs.len() < 97 || !errors.is_empty());
    }
}
