//! The monitor's cost when every case alerts: N cases (20,000), each with a log of E field
//! changes (200) and a critical trigger and a breach in the window, on a ruleset with
//! `page_oncall_when`. Prints the alerts and the best of five `monitor_evaluated` runs (the
//! replay of the cases is done once, before).
//! `cargo run --release -p entitlement-core --example alert_cost -- N E`
use entitlement_core::{Case, Ruleset};
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(Ok(20_000), |a| a.parse())?;
    let e: usize = args.next().map_or(Ok(200), |a| a.parse())?;
    let rules = Ruleset::from_value(&json!({
        "processes": [{"id": "p", "milestones": [{"name": "Resolution", "kind": "resolution",
            "target": "8h", "triggers": [{"at": "90%", "level": "critical"}]}]}],
        "entitlements": [{"id": "e", "process": "p", "account": {"id": "A", "name": "Acme"}}],
        "monitor": {"page_oncall_when": {"field": "severity", "op": "eq", "value": "Sev1"}},
    }))?;
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")?.to_utc();
    let cases: Vec<Case> = (0..n)
        .map(|c| {
            let log: Vec<_> = (0..e)
                .map(|i| {
                    let at = start + chrono::TimeDelta::seconds(60 * i as i64 + 1);
                    json!({"at": at.to_rfc3339(), "type": "field", "field": "note", "to": i})
                })
                .collect();
            Case::from_value(&json!({"id": format!("C-{c}"), "entitlement": "e",
                "created_at": start.to_rfc3339(), "fields": {"severity": "Sev1"}, "events": log}))
        })
        .collect::<Result<_, _>>()?;
    let now = start + chrono::TimeDelta::hours(9);
    let evaluations = rules.evaluate_cases(&cases, now)?;
    let mut best = f64::MAX;
    let mut alerts = 0;
    for _ in 0..5 {
        let evaluated = evaluations.clone();
        let t = std::time::Instant::now();
        let report = rules.monitor_evaluated(&cases, evaluated, now, None)?;
        best = best.min(t.elapsed().as_secs_f64());
        alerts = report.alerts.len();
    }
    println!("{n} cases x {e} events: {alerts} alerts, monitor_evaluated best of 5 {best:.3} s");
    Ok(())
}
