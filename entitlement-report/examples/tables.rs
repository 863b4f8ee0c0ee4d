//! The outcome and account-period rows of a period as NDJSON, in the column names of
//! `entitlement export outcomes|accounts --format ndjson` (durations as `X_seconds`, lists and
//! JSON columns as JSON text): what the browser test compares the pages with, written straight
//! from the core's tables, not through the report.
//!
//!     cargo run -p entitlement-report --example tables -- RULES CASES NOW FROM TO outcomes|accounts [ACCOUNT]

use chrono::TimeDelta;
use entitlement_core::rules::{Case, OnError, Ruleset};
use serde_json::{Value, json};

fn secs(d: Option<TimeDelta>) -> Value {
    json!(d.map(|d| d.num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [rules, cases, now, from, to, table, rest @ ..] = args.as_slice() else {
        return Err("usage: tables RULES CASES NOW FROM TO outcomes|accounts [ACCOUNT]".into());
    };
    let account = rest.first();
    let rules = Ruleset::load(rules)?;
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(cases)?)?;
    let list = doc
        .get("cases")
        .unwrap_or(&doc)
        .as_array()
        .ok_or("no cases")?;
    let cases: Vec<Case> = list
        .iter()
        .filter_map(|c| Case::from_value(c).ok())
        .collect();
    let report = rules.monitor_with(&cases, now.parse()?, None, OnError::Collect)?;
    let (from, to) = (from.parse()?, to.parse()?);
    let keep = |id: Option<&str>| account.is_none_or(|a| id == Some(a.as_str()));
    match table.as_str() {
        "outcomes" => {
            for r in report.outcomes_between(from, to) {
                if !keep(r.account_id.as_deref()) {
                    continue;
                }
                println!(
                    "{}",
                    json!({
                        "case_id": r.case_id, "account_id": r.account_id, "entitlement": r.entitlement,
                        "process": r.process, "milestone": r.milestone, "kind": r.kind.as_str(),
                        "instance": r.instance, "completed_at": r.completed_at.map(|t| t.to_rfc3339()),
                        "outcome": r.outcome.as_str(), "near_miss": r.near_miss,
                        "target_seconds": secs(r.target), "elapsed_seconds": secs(Some(r.elapsed)),
                        "margin_seconds": secs(r.margin), "month": r.month, "quarter": r.quarter,
                    })
                );
            }
        }
        "accounts" => {
            for p in report.account_periods(Some(from), Some(to)) {
                if !keep(Some(&p.account_id)) {
                    continue;
                }
                println!(
                    "{}",
                    json!({
                        "account_id": p.account_id, "account_name": p.account_name,
                        "entitlements": serde_json::to_string(&p.entitlements)?,
                        "cases": p.cases, "met": p.met, "late": p.late, "violated": p.violated,
                        "open": p.open, "breaches": p.breaches, "near_misses": p.near_misses,
                        "attainment": p.attainment,
                        "attainment_by_milestone": serde_json::to_string(&p.attainment_by_milestone)?,
                        "first_response_p50_seconds": secs(p.first_response_p50),
                        "first_response_p90_seconds": secs(p.first_response_p90),
                        "resolution_p50_seconds": secs(p.resolution_p50),
                        "resolution_p90_seconds": secs(p.resolution_p90),
                        "cases_used": p.cases_used, "cases_allowed": p.cases_allowed,
                        "projected_over": p.projected_over,
                        "chronic_over_consumer": p.chronic_over_consumer,
                        "over_quota_periods": p.over_quota_periods, "arr": p.arr,
                        "renewal_date": p.renewal_date.map(|d| d.to_string()),
                        "days_to_renewal": p.days_to_renewal,
                        "executive_sponsor": p.executive_sponsor, "csm": p.csm,
                        "usage": serde_json::to_string(&p.usage)?,
                    })
                );
            }
        }
        other => return Err(format!("unknown table {other:?}").into()),
    }
    Ok(())
}
