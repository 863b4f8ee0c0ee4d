//! Per-account rollups of a monitor run: attainment per process and milestone, breaches, near
//! misses, case counts against quotas, and chronic over-consumption.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use super::outcome::{Outcome, is_near_miss};
use crate::error::Result;
use crate::rules::Ruleset;
use crate::rules::case::Case;
use crate::rules::model::{Entitlement, Period, value_text};
use crate::rules::period::period_bounds;
use crate::rules::status::{CaseEvaluation, EntitlementUsage, MilestoneState};
use crate::rules::usage::{Counts, previous_period};
use crate::time::to_us;

/// Attainment of one milestone of one process for one account.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let rollup = &report.accounts[0].processes[0].milestones[0];
/// assert_eq!((rollup.milestone.as_str(), rollup.violated, rollup.breaches), ("First Response", 1, 1));
/// assert_eq!(rollup.attainment, Some(0.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MilestoneRollup {
    /// The milestone's name.
    pub milestone: String,
    /// Completed on time.
    pub met: u32,
    /// Completed late.
    pub late: u32,
    /// Open and past the target.
    pub violated: u32,
    /// Open and not (yet) past the target.
    pub open: u32,
    /// Open milestones that crossed a trigger or used at least the `at_risk` fraction.
    pub at_risk: u32,
    /// Completed on time with less than `monitor.near_miss` of the target left.
    pub near_misses: u32,
    /// Late plus violated.
    pub breaches: u32,
    /// Met over decided (met + late + violated), as a percentage; `None` before any verdict.
    pub attainment: Option<f64>,
}

/// One process's rollup for an account.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let process = &report.accounts[0].processes[0];
/// assert_eq!((process.process.as_str(), process.cases), ("p", 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ProcessRollup {
    /// The process id.
    pub process: String,
    /// The cases under it.
    pub cases: u32,
    /// One rollup per milestone, in the process's order.
    pub milestones: Vec<MilestoneRollup>,
}

/// A period in which an account went over a quota.
///
/// ```
/// # let (rules, cases, now) = entitlement_core::doc_fixture::quota();
/// # let report = rules.monitor(&cases, now, None)?;
/// // Periods before the current one in which a quota was exceeded (none here: one month only).
/// assert!(report.accounts[0].over_quota_periods.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct OverQuota {
    /// The entitlement.
    pub entitlement: String,
    /// The quota's name, if any.
    pub name: Option<String>,
    /// The quota's period.
    pub period: Period,
    /// The first day of the period.
    #[serde(with = "crate::time::serde_date")]
    #[schemars(schema_with = "crate::time::schema_date")]
    pub period_start: NaiveDate,
    /// Cases in that period.
    pub used: u32,
    /// The cap.
    pub max_cases: u32,
}

/// What a QBR needs about one account.
///
/// ```
/// # let (rules, cases, now) = entitlement_core::doc_fixture::quota();
/// # let report = rules.monitor(&cases, now, None)?;
/// let acme = &report.accounts[0];
/// assert_eq!(acme.account_id, "A-1");
/// assert_eq!(acme.cases, 3);
/// assert!(acme.usage[0].quotas[0].used > 2);     // three cases against a monthly quota of two
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AccountRollup {
    /// The account id (`account.id`, else the entitlement id).
    pub account_id: String,
    /// The account name, if given.
    pub name: Option<String>,
    /// ARR, passed through.
    pub arr: Option<Value>,
    /// Renewal date, passed through.
    pub renewal_date: Option<Value>,
    /// The whole account context of its first entitlement, untouched.
    pub account: Map<String, Value>,
    /// Its entitlements.
    pub entitlements: Vec<String>,
    /// Cases seen, in all.
    pub cases: u32,
    /// Per process, attainment per milestone.
    pub processes: Vec<ProcessRollup>,
    /// Breaches (late and violated) over all processes.
    pub breaches: u32,
    /// Near misses over all processes.
    pub near_misses: u32,
    /// Open at-risk milestones over all processes.
    pub at_risk: u32,
    /// Case counts per entitlement: allowance and quotas, with projections.
    pub usage: Vec<EntitlementUsage>,
    /// Whether a quota is projected to be exceeded by the end of its current period.
    pub projected_over: bool,
    /// Periods (of the last `chronic.of_last` complete ones) in which a quota was exceeded.
    pub over_quota_periods: Vec<OverQuota>,
    /// Exceeded a quota in at least `chronic.exceeded` of the last `chronic.of_last` periods.
    pub chronic_over_consumer: bool,
}

/// Met over decided (met + late + violated), in percent; `None` before any verdict.
fn attainment(met: u32, late: u32, violated: u32) -> Option<f64> {
    let decided = met + late + violated;
    (decided > 0).then(|| 100.0 * f64::from(met) / f64::from(decided))
}

/// Attainment counts of one milestone under one ruleset.
///
/// ```
/// # let (current, proposed, cases) = entitlement_core::doc_fixture::what_if();
/// # let what_if = current.what_if(&proposed, &cases, "2026-11-26T00:00:00Z".parse()?)?;
/// let row = &what_if.rows[0];
/// assert_eq!((row.current.met, row.current.attainment), (1, Some(100.0)));
/// assert_eq!((row.proposed.late, row.proposed.attainment), (1, Some(0.0)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Attainment {
    /// Completed on time.
    pub met: u32,
    /// Completed late.
    pub late: u32,
    /// Open and past the target.
    pub violated: u32,
    /// Open and not past the target.
    pub open: u32,
    /// Met over decided, as a percentage.
    pub attainment: Option<f64>,
}

impl Attainment {
    pub(super) fn add(&mut self, state: MilestoneState) {
        match state {
            MilestoneState::Completed => self.met += 1,
            MilestoneState::CompletedLate => self.late += 1,
            MilestoneState::Violated => self.violated += 1,
            MilestoneState::InProgress | MilestoneState::Paused => self.open += 1,
            MilestoneState::Pending => {}
        }
        self.attainment = attainment(self.met, self.late, self.violated);
    }
}

/// Cases per parallel run of the rollup fold.
const ROLLUP_CHUNK: usize = 4096;

/// What a run of cases adds to one account: its cases and, per process, its milestones.
#[derive(Debug, Default, PartialEq)]
pub(super) struct CaseTally {
    cases: u32,
    processes: Vec<ProcessRollup>,
}

/// Tallies a run of cases per account (`place`: entitlement id → account index).
pub(super) fn fold_cases(
    run: &[(&Case, &CaseEvaluation)],
    place: &HashMap<&str, usize>,
    accounts: usize,
    (at_risk, near_miss): (f64, f64),
) -> Vec<CaseTally> {
    let mut out: Vec<CaseTally> = (0..accounts).map(|_| CaseTally::default()).collect();
    for (case, eval) in run {
        let Some(&i) = case.entitlement.as_deref().and_then(|id| place.get(id)) else {
            continue;
        };
        let a = &mut out[i];
        a.cases += 1;
        let Some(process) = eval.process.as_ref().filter(|_| eval.covered) else {
            continue;
        };
        let pr = match a.processes.iter().position(|p| &p.process == process) {
            Some(i) => &mut a.processes[i],
            None => {
                a.processes.push(ProcessRollup {
                    process: process.clone(),
                    cases: 0,
                    milestones: Vec::new(),
                });
                a.processes.last_mut().expect("just pushed")
            }
        };
        pr.cases += 1;
        for m in &eval.milestones {
            let r = match pr
                .milestones
                .iter()
                .position(|r| r.milestone == m.milestone)
            {
                Some(i) => &mut pr.milestones[i],
                None => {
                    pr.milestones.push(MilestoneRollup {
                        milestone: m.milestone.to_string(),
                        ..MilestoneRollup::default()
                    });
                    pr.milestones.last_mut().expect("just pushed")
                }
            };
            match m.state {
                MilestoneState::Completed => {
                    r.met += 1;
                    // The one rule of the outcomes (`docs/monitor.md`, "Outcomes").
                    r.near_misses += u32::from(is_near_miss(
                        Some(Outcome::Met),
                        m.remaining,
                        m.target,
                        near_miss,
                    ));
                }
                MilestoneState::CompletedLate => r.late += 1,
                MilestoneState::Violated => {
                    r.violated += 1;
                    r.at_risk += 1;
                }
                MilestoneState::InProgress | MilestoneState::Paused => {
                    r.open += 1;
                    let used = m.consumed.unwrap_or(0.0);
                    r.at_risk += u32::from(!m.crossed.is_empty() || used >= at_risk);
                }
                MilestoneState::Pending => {}
            }
        }
    }
    out
}

/// Adds a later run's tally to an earlier one: counts add up, and processes and milestones
/// the earlier run did not meet go after the ones it did, in the later run's order.
pub(super) fn merge_tally(a: &mut CaseTally, tally: CaseTally) {
    a.cases += tally.cases;
    for p in tally.processes {
        let Some(i) = a.processes.iter().position(|q| q.process == p.process) else {
            a.processes.push(p);
            continue;
        };
        let q = &mut a.processes[i];
        q.cases += p.cases;
        for m in p.milestones {
            let Some(j) = q.milestones.iter().position(|r| r.milestone == m.milestone) else {
                q.milestones.push(m);
                continue;
            };
            let r = &mut q.milestones[j];
            r.met += m.met;
            r.late += m.late;
            r.violated += m.violated;
            r.open += m.open;
            r.at_risk += m.at_risk;
            r.near_misses += m.near_misses;
        }
    }
}

impl Ruleset {
    pub(super) fn rollups(
        &self,
        cases: &[&Case],
        evaluations: &[CaseEvaluation],
        counts: &HashMap<&str, Counts<'_>>,
        now: DateTime<Utc>,
    ) -> Result<Vec<AccountRollup>> {
        let now_us = to_us(now);
        let cfg = &self.monitor;
        let mut accounts: BTreeMap<String, AccountRollup> = BTreeMap::new();
        let account_id = |e: &Entitlement| {
            e.account
                .get("id")
                .and_then(value_text)
                .unwrap_or_else(|| e.id.clone())
        };
        for e in &self.entitlements {
            let Some(mine) = counts.get(e.id.as_str()) else {
                continue;
            };
            let id = account_id(e);
            let entry = accounts.entry(id.clone()).or_insert_with(|| AccountRollup {
                account_id: id.clone(),
                name: e
                    .account
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                arr: e.account.get("arr").cloned(),
                renewal_date: e.account.get("renewal_date").cloned(),
                account: (*e.account).clone(),
                entitlements: Vec::new(),
                cases: 0,
                processes: Vec::new(),
                breaches: 0,
                near_misses: 0,
                at_risk: 0,
                usage: Vec::new(),
                projected_over: false,
                over_quota_periods: Vec::new(),
                chronic_over_consumer: false,
            });
            entry.entitlements.push(e.id.clone());
            let usage = self.usage_of(e, mine, now);
            entry.projected_over |= usage.quotas.iter().any(|q| q.projected_over);
            entry.usage.push(usage);
            // Complete periods before the current one, most recent first.
            let day = now.with_timezone(&self.time_zone_of(e)).date_naive();
            for (q, counted) in e.quotas.iter().zip(&mine.quotas) {
                if q.period == Period::Term {
                    continue;
                }
                let (mut start, _) = period_bounds(q.period, day, e);
                for _ in 0..cfg.chronic.of_last {
                    let Some(prev) = previous_period(q.period, start) else {
                        break;
                    };
                    start = prev;
                    let used = self.quota_use(e, q, counted, start, now_us).used;
                    if used > q.max_cases {
                        entry.over_quota_periods.push(OverQuota {
                            entitlement: e.id.clone(),
                            name: q.name.clone(),
                            period: q.period,
                            period_start: start,
                            used,
                            max_cases: q.max_cases,
                        });
                    }
                }
            }
        }
        for a in accounts.values_mut() {
            let mut per_quota: HashMap<(String, Option<String>, Period), u32> = HashMap::new();
            for o in &a.over_quota_periods {
                *per_quota
                    .entry((o.entitlement.clone(), o.name.clone(), o.period))
                    .or_default() += 1;
            }
            a.chronic_over_consumer = per_quota.values().any(|&n| n >= cfg.chronic.exceeded);
        }

        // Each case's account, by the entitlement it names: one lookup per entitlement, not
        // a key built per case.
        let keys: Vec<&String> = accounts.keys().collect();
        let mut place: HashMap<&str, usize> = HashMap::new();
        for e in &self.entitlements {
            if let Ok(i) = keys.binary_search(&&account_id(e)) {
                place.insert(e.id.as_str(), i);
            }
        }
        // Folded in parallel over runs of cases, then merged in case order: the sums do not
        // depend on the split, and each list keeps the order in which a sequential pass first
        // meets its processes and milestones (`fold_cases_in_parallel_equals_one_pass`).
        let pairs: Vec<(&Case, &CaseEvaluation)> = cases.iter().copied().zip(evaluations).collect();
        let folds: Vec<Vec<CaseTally>> = {
            use rayon::prelude::*;
            pairs
                .par_chunks(ROLLUP_CHUNK)
                .map(|run| fold_cases(run, &place, keys.len(), (cfg.at_risk, cfg.near_miss)))
                .collect()
        };
        let mut totals: Vec<CaseTally> = (0..keys.len()).map(|_| CaseTally::default()).collect();
        for fold in folds {
            for (total, tally) in totals.iter_mut().zip(fold) {
                merge_tally(total, tally);
            }
        }
        for (a, total) in accounts.values_mut().zip(totals) {
            a.cases = total.cases;
            a.processes = total.processes;
        }
        for a in accounts.values_mut() {
            for p in &mut a.processes {
                for r in &mut p.milestones {
                    r.breaches = r.late + r.violated;
                    r.attainment = attainment(r.met, r.late, r.violated);
                    a.breaches += r.breaches;
                    a.near_misses += r.near_misses;
                    a.at_risk += r.at_risk;
                }
            }
        }
        Ok(accounts.into_values().collect())
    }
}

#[cfg(test)]
mod tests {
    //! The rollup fold over runs of cases, merged, against one pass over all of them.
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn rules() -> Ruleset {
        Ruleset::from_value(&json!({
            "processes": [
                {"id": "p", "pause_statuses": ["Waiting"], "milestones": [
                    {"name": "FR", "kind": "first_response", "target": "1h",
                     "triggers": [{"at": "50%", "level": "warning"}]},
                    {"name": "Res", "kind": "resolution", "target": "4h"}]},
                {"id": "q", "milestones": [
                    {"name": "Res", "kind": "resolution", "target": "2h"},
                    {"name": "NR", "kind": "next_response", "target": "30m"}]}],
            "entitlements": [
                {"id": "e1", "process": "p", "account": {"id": "A"}},
                {"id": "e2", "process": "q", "account": {"id": "A"}},
                {"id": "e3", "process": "q", "account": {"id": "B"}},
                {"id": "e4", "process": "p", "end_date": "2026-01-01"}]
        }))
        .expect("rules")
    }

    fn case(i: usize, entitlement: usize, minutes: u32, replied: Option<u32>) -> Case {
        let created = chrono::DateTime::parse_from_rfc3339("2026-11-25T06:00:00Z")
            .expect("instant")
            .to_utc()
            + chrono::TimeDelta::minutes(i64::from(minutes));
        let at = |m: u32| (created + chrono::TimeDelta::minutes(i64::from(m))).to_rfc3339();
        let events: Vec<serde_json::Value> = replied
            .map(|m| vec![json!({"at": at(m), "type": "agent_reply"})])
            .unwrap_or_default();
        let mut value = json!({
            "id": format!("c{i}"),
            "created_at": created.to_rfc3339(),
            "events": events,
        });
        // The fifth choice: a case without an entitlement (no account).
        if let Some(e) = ["e1", "e2", "e3", "e4"].get(entitlement) {
            value["entitlement"] = json!(e);
        }
        Case::from_value(&value).expect("case")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn fold_cases_in_parallel_equals_one_pass(
            spec in proptest::collection::vec((0usize..5, 0u32..600, proptest::option::of(1u32..300)), 0..40),
            cuts in proptest::collection::vec(0usize..40, 0..6),
        ) {
            let rules = rules();
            let now = "2026-11-25T20:00:00Z".parse().expect("now");
            let cases: Vec<Case> = spec
                .iter()
                .enumerate()
                .map(|(i, &(e, m, r))| case(i, e, m, r))
                .collect();
            let evaluations: Vec<CaseEvaluation> = cases
                .iter()
                .map(|c| rules.evaluate_case(c, now))
                .collect::<Result<_>>()
                .expect("evaluations");
            let pairs: Vec<(&Case, &CaseEvaluation)> = cases.iter().zip(&evaluations).collect();
            let place: HashMap<&str, usize> =
                [("e1", 0), ("e2", 0), ("e3", 1), ("e4", 2)].into_iter().collect();
            let one_pass = fold_cases(&pairs, &place, 3, (0.5, 0.1));

            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(pairs.len())).collect();
            cuts.push(0);
            cuts.push(pairs.len());
            cuts.sort_unstable();
            let mut merged: Vec<CaseTally> = (0..3).map(|_| CaseTally::default()).collect();
            for run in cuts.windows(2) {
                let fold = fold_cases(&pairs[run[0]..run[1]], &place, 3, (0.5, 0.1));
                for (total, tally) in merged.iter_mut().zip(fold) {
                    merge_tally(total, tally);
                }
            }
            prop_assert_eq!(merged, one_pass);
        }
    }
}
