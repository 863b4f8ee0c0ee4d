//! The monitor's cost per case event: one case whose recurring next-response milestone (with
//! `TRIGGERS` triggers) starts at every customer reply and breaches before the agent answers.
//! `cargo run --release -p entitlement-core --example monitor_cost -- EVENTS TRIGGERS`
//! prints the events, the monitor events and the seconds; read peak memory with
//! `/usr/bin/time -v` (maximum resident set size).

use entitlement_core::{Case, Ruleset};
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let events: usize = args.next().map_or(Ok(16_000), |a| a.parse())?;
    let triggers: usize = args.next().map_or(Ok(1), |a| a.parse())?;
    let points: Vec<_> = (0..triggers)
        .map(|i| json!({"at": format!("{}%", 1 + i), "level": "warning", "actions": ["notify_owner"]}))
        .collect();
    let rules = Ruleset::from_value(&json!({
        "processes": [{"id": "p", "milestones": [{"name": "Next Response", "kind": "next_response",
            "target": "1h", "recurrence": "independent", "triggers": points}]}],
        "entitlements": [{"id": "e", "process": "p", "account": {"id": "A", "name": "Acme"}}],
    }))?;
    let start = chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z")?.to_utc();
    let log: Vec<_> = (0..events)
        .map(|i| {
            let kind = if i % 2 == 0 {
                "customer_reply"
            } else {
                "agent_reply"
            };
            let at = start + chrono::TimeDelta::minutes(90 * i as i64 + 1);
            json!({"at": at.to_rfc3339(), "type": kind})
        })
        .collect();
    let case = Case::from_value(&json!({"id": "C-1", "entitlement": "e",
        "created_at": start.to_rfc3339(), "events": log}))?;
    let now = start + chrono::TimeDelta::minutes(90 * events as i64 + 120);
    let t = std::time::Instant::now();
    let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "events {events} triggers {triggers} monitor_events {} alerts {} seconds {secs:.3}",
        report.events.len(),
        report.alerts.len()
    );
    Ok(())
}
