//! [`AccountPeriod`]: one row per account over a period, what a quarterly business review puts
//! on screen: outcomes counted from the breach and near-miss log, business-time percentiles,
//! and the rollup's usage and account context (`docs/monitor.md`, "Account periods").

use std::collections::HashMap;

use chrono::{NaiveDate, TimeDelta};
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::{Map, Value};

use super::MonitorReport;
use super::outcome::{Outcome, is_near_miss, period_instants};
use crate::rules::model::MilestoneKind;
use crate::rules::status::{EntitlementUsage, MilestoneStatus};
use crate::time::to_us;

/// Attainment of one milestone of one process for one account over a period.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let row = &report.account_periods(None, None)[0].attainment_by_milestone[0];
/// assert_eq!((row.process.as_str(), row.milestone.as_str()), ("p", "First Response"));
/// assert_eq!((row.violated, row.attainment), (1, Some(0.0)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MilestoneAttainment {
    /// The process id.
    pub process: String,
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
    /// Met with less than `monitor.near_miss` of the target left.
    pub near_misses: u32,
    /// Met over decided (met + late + violated), in percent; `None` before any verdict.
    pub attainment: Option<f64>,
}

/// One account over a period (or over everything): the row of the `account_periods` table
/// (`docs/monitor.md`, "Account periods").
///
/// The counts are those of the outcome rows ([`MonitorReport::outcomes_between`]) of the
/// account's cases whose `started_at` falls in the period, in the case's reporting zone;
/// without a period they equal the account rollup's sums. Usage, the projection and the
/// chronic flag are the rollup's, at the report's `now`.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let acme = &report.account_periods(None, None)[0];
/// assert_eq!((acme.account_id.as_str(), acme.account_name.as_deref()), ("A-1", Some("Acme")));
/// assert_eq!((acme.cases, acme.violated, acme.breaches, acme.near_misses), (1, 1, 1, 0));
/// assert_eq!(acme.arr, Some(1_200_000.0));
/// assert_eq!((acme.cases_used, acme.cases_allowed), (1, Some(10)));
/// assert_eq!(acme.first_response_p50, None);     // never answered: nothing completed
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AccountPeriod {
    /// The account id (`account.id`, else the entitlement id).
    pub account_id: String,
    /// The account name, if given.
    pub account_name: Option<String>,
    /// The first day of the period (`None`: from the start).
    #[serde(with = "crate::time::serde_opt_date")]
    #[schemars(schema_with = "crate::time::schema_opt_date")]
    pub period_start: Option<NaiveDate>,
    /// The last day of the period, inclusive (`None`: up to `now`).
    #[serde(with = "crate::time::serde_opt_date")]
    #[schemars(schema_with = "crate::time::schema_opt_date")]
    pub period_end: Option<NaiveDate>,
    /// The account's entitlements that have cases.
    pub entitlements: Vec<String>,
    /// Cases with at least one milestone occurrence started in the period (every case of the
    /// account's entitlements without a period).
    pub cases: u32,
    /// Occurrences completed on time.
    pub met: u32,
    /// Occurrences completed late.
    pub late: u32,
    /// Occurrences open and past their target.
    pub violated: u32,
    /// Occurrences open within their target.
    pub open: u32,
    /// Late plus violated.
    pub breaches: u32,
    /// Met with less than `monitor.near_miss` of the target left.
    pub near_misses: u32,
    /// Met over decided (met + late + violated), in percent; `None` before any verdict.
    pub attainment: Option<f64>,
    /// Per process and milestone, in the order the account's cases first meet them.
    pub attainment_by_milestone: Vec<MilestoneAttainment>,
    /// Median business time (`elapsed`) of the completed first responses (nearest rank).
    #[serde(with = "crate::time::serde_opt_duration")]
    #[schemars(schema_with = "crate::time::schema_opt_duration")]
    pub first_response_p50: Option<TimeDelta>,
    /// 90th percentile business time of the completed first responses (nearest rank).
    #[serde(with = "crate::time::serde_opt_duration")]
    #[schemars(schema_with = "crate::time::schema_opt_duration")]
    pub first_response_p90: Option<TimeDelta>,
    /// Median business time of the completed resolutions (nearest rank).
    #[serde(with = "crate::time::serde_opt_duration")]
    #[schemars(schema_with = "crate::time::schema_opt_duration")]
    pub resolution_p50: Option<TimeDelta>,
    /// 90th percentile business time of the completed resolutions (nearest rank).
    #[serde(with = "crate::time::serde_opt_duration")]
    #[schemars(schema_with = "crate::time::schema_opt_duration")]
    pub resolution_p90: Option<TimeDelta>,
    /// Cases raised under the account's entitlements up to `now`.
    pub cases_used: u32,
    /// The per-incident allowances summed over the entitlements that have one.
    pub cases_allowed: Option<u32>,
    /// Case counts per entitlement: allowance and quotas, with projections (the rollup's).
    pub usage: Vec<EntitlementUsage>,
    /// Whether a quota is projected to be exceeded by the end of its current period.
    pub projected_over: bool,
    /// Exceeded a quota in at least `chronic.exceeded` of the last `chronic.of_last` periods.
    pub chronic_over_consumer: bool,
    /// Complete periods (of the last `chronic.of_last`) in which a quota was exceeded.
    pub over_quota_periods: u32,
    /// The account context's `arr`, when it is a number.
    pub arr: Option<f64>,
    /// The account context's `renewal_date`, when it is a `YYYY-MM-DD` date.
    #[serde(with = "crate::time::serde_opt_date")]
    #[schemars(schema_with = "crate::time::schema_opt_date")]
    pub renewal_date: Option<NaiveDate>,
    /// Days from `now`'s date (in the reporting zone of the account's first entitlement) to
    /// the renewal date; negative once past.
    pub days_to_renewal: Option<i64>,
    /// The account context's `executive_sponsor`: a string, or an object's `name`.
    pub executive_sponsor: Option<String>,
    /// The account context's `csm`: a string, or an object's `name`.
    pub csm: Option<String>,
    /// The whole account context of the account's first entitlement, untouched.
    pub account: Map<String, Value>,
}

/// A person named in the account context: a string, or an object's `name`.
fn person(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("name").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

/// The nearest-rank percentile `pct` (1..=100) of `sorted` (ascending): the smallest value
/// with at least `pct` percent of the values at or below it.
fn nearest_rank(sorted: &[TimeDelta], pct: usize) -> Option<TimeDelta> {
    let rank = (pct * sorted.len()).div_ceil(100);
    sorted.get(rank.checked_sub(1)?).copied()
}

/// What one account gathers from its cases.
#[derive(Default)]
struct Tally {
    cases: u32,
    by_milestone: Vec<MilestoneAttainment>,
    first_response: Vec<TimeDelta>,
    resolution: Vec<TimeDelta>,
}

impl Tally {
    fn add(&mut self, process: &str, status: &MilestoneStatus, near_miss: f64) {
        let Some(outcome) = Outcome::of(status.state) else {
            return;
        };
        let place = self
            .by_milestone
            .iter()
            .position(|m| m.process == process && m.milestone == status.milestone);
        let row = match place {
            Some(i) => &mut self.by_milestone[i],
            None => {
                self.by_milestone.push(MilestoneAttainment {
                    process: process.to_string(),
                    milestone: status.milestone.to_string(),
                    ..MilestoneAttainment::default()
                });
                self.by_milestone.last_mut().expect("just pushed")
            }
        };
        match outcome {
            Outcome::Met => row.met += 1,
            Outcome::Late => row.late += 1,
            Outcome::Violated => row.violated += 1,
            Outcome::Open => row.open += 1,
        }
        row.near_misses += u32::from(is_near_miss(
            Some(outcome),
            status.remaining,
            status.target,
            near_miss,
        ));
        if matches!(outcome, Outcome::Met | Outcome::Late) {
            match status.kind {
                MilestoneKind::FirstResponse => self.first_response.push(status.elapsed),
                MilestoneKind::Resolution => self.resolution.push(status.elapsed),
                MilestoneKind::NextResponse | MilestoneKind::Custom => {}
            }
        }
    }
}

/// Met over decided, in percent.
fn attainment(met: u32, late: u32, violated: u32) -> Option<f64> {
    let decided = met + late + violated;
    (decided > 0).then(|| 100.0 * f64::from(met) / f64::from(decided))
}

impl MonitorReport {
    /// One row per account of the report's rollups over the days `from` to `to` (both
    /// inclusive, in each case's reporting zone; either may be `None` for an open end, both
    /// for everything): the `account_periods` table of a quarterly business review.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use entitlement_core::rules::{Case, Ruleset};
    /// let rules = Ruleset::from_yaml(r#"
    /// processes: [ { id: p, milestones: [ { name: FR, kind: first_response, target: 1h } ] } ]
    /// entitlements: [ { id: e, process: p, account: { id: A-1, name: Acme, arr: 50000,
    ///   renewal_date: "2027-01-31", csm: { name: Ana Silva } } } ]
    /// monitor: { near_miss: 0.25 }
    /// "#)?;
    /// let case = |id, at, reply| Case::from_value(&serde_json::json!({"id": id, "entitlement": "e",
    ///     "created_at": at, "events": [{"type": "agent_reply", "at": reply}]}));
    /// let cases = [
    ///     case("sep", "2026-09-30T10:00:00Z", "2026-09-30T10:50:00Z")?,   // met, 10 of 60 min left
    ///     case("oct", "2026-10-01T10:00:00Z", "2026-10-01T11:30:00Z")?,   // late
    /// ];
    /// let report = rules.monitor(&cases, "2026-12-01T00:00:00Z".parse()?, None)?;
    /// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
    /// let q3 = &report.account_periods(day(7, 1), day(9, 30))[0];
    /// assert_eq!((q3.cases, q3.met, q3.late, q3.near_misses, q3.attainment), (1, 1, 0, 1, Some(100.0)));
    /// assert_eq!(q3.first_response_p50, Some(chrono::TimeDelta::minutes(50)));
    /// let all = &report.account_periods(None, None)[0];
    /// assert_eq!((all.cases, all.breaches, all.attainment), (2, 1, Some(50.0)));
    /// assert_eq!(all.first_response_p90, Some(chrono::TimeDelta::minutes(90)));
    /// assert_eq!((all.csm.as_deref(), all.days_to_renewal), (Some("Ana Silva"), Some(61)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn account_periods(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Vec<AccountPeriod> {
        let whole = from.is_none() && to.is_none();
        let mut place: HashMap<&str, usize> = HashMap::new();
        for (i, a) in self.accounts.iter().enumerate() {
            for e in &a.entitlements {
                place.insert(e.as_str(), i);
            }
        }
        // The period as instants per zone, [midnight of `from`, midnight after `to`).
        let mut bounds: HashMap<Tz, (i64, i64)> = HashMap::new();
        let mut in_period = |zone: Tz, status: &MilestoneStatus| {
            let Some(started) = status.started_at else {
                return false;
            };
            let (lo, hi) = *bounds
                .entry(zone)
                .or_insert_with(|| period_instants(zone, from, to));
            let t = to_us(started);
            lo <= t && t < hi
        };
        let near_miss = self.reporting.near_miss;
        let mut tallies: Vec<Tally> = self.accounts.iter().map(|_| Tally::default()).collect();
        for case in &self.cases {
            let Some(&i) = case.entitlement.as_deref().and_then(|e| place.get(e)) else {
                continue;
            };
            let tally = &mut tallies[i];
            let zone = self.reporting.zone_of(case);
            let process = case.process.as_deref().unwrap_or("");
            let mut any = false;
            for status in &case.milestones {
                if Outcome::of(status.state).is_some() && (whole || in_period(zone, status)) {
                    any = true;
                    tally.add(process, status, near_miss);
                }
            }
            tally.cases += u32::from(whole || any);
        }
        self.accounts
            .iter()
            .zip(tallies)
            .map(|(a, mut t)| {
                for m in &mut t.by_milestone {
                    m.attainment = attainment(m.met, m.late, m.violated);
                }
                let sum = |f: fn(&MilestoneAttainment) -> u32| t.by_milestone.iter().map(f).sum();
                let (met, late, violated, open, near_misses): (u32, u32, u32, u32, u32) = (
                    sum(|m| m.met),
                    sum(|m| m.late),
                    sum(|m| m.violated),
                    sum(|m| m.open),
                    sum(|m| m.near_misses),
                );
                t.first_response.sort_unstable();
                t.resolution.sort_unstable();
                let allowances: Vec<u32> = a
                    .usage
                    .iter()
                    .filter_map(|u| u.cases_per_entitlement)
                    .collect();
                let renewal_date = a
                    .account
                    .get("renewal_date")
                    .and_then(Value::as_str)
                    .and_then(|s| s.parse::<NaiveDate>().ok());
                let zone = a
                    .entitlements
                    .first()
                    .map_or(Tz::UTC, |e| self.reporting.zone_of_entitlement(e));
                let today = self.now.with_timezone(&zone).date_naive();
                AccountPeriod {
                    account_id: a.account_id.clone(),
                    account_name: a.name.clone(),
                    period_start: from,
                    period_end: to,
                    entitlements: a.entitlements.clone(),
                    cases: t.cases,
                    met,
                    late,
                    violated,
                    open,
                    breaches: late + violated,
                    near_misses,
                    attainment: attainment(met, late, violated),
                    attainment_by_milestone: t.by_milestone,
                    first_response_p50: nearest_rank(&t.first_response, 50),
                    first_response_p90: nearest_rank(&t.first_response, 90),
                    resolution_p50: nearest_rank(&t.resolution, 50),
                    resolution_p90: nearest_rank(&t.resolution, 90),
                    cases_used: a
                        .usage
                        .iter()
                        .fold(0u32, |n, u| n.saturating_add(u.cases_used)),
                    cases_allowed: (!allowances.is_empty())
                        .then(|| allowances.iter().fold(0u32, |n, &c| n.saturating_add(c))),
                    usage: a.usage.clone(),
                    projected_over: a.projected_over,
                    chronic_over_consumer: a.chronic_over_consumer,
                    over_quota_periods: u32::try_from(a.over_quota_periods.len())
                        .unwrap_or(u32::MAX),
                    arr: a.account.get("arr").and_then(Value::as_f64),
                    renewal_date,
                    days_to_renewal: renewal_date.map(|d| (d - today).num_days()),
                    executive_sponsor: person(a.account.get("executive_sponsor")),
                    csm: person(a.account.get("csm")),
                    account: a.account.clone(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_takes_the_smallest_value_with_enough_at_or_below_it() {
        let v: Vec<TimeDelta> = (1..=10).map(TimeDelta::minutes).collect();
        assert_eq!(nearest_rank(&v, 50), Some(TimeDelta::minutes(5)));
        assert_eq!(nearest_rank(&v, 90), Some(TimeDelta::minutes(9)));
        assert_eq!(nearest_rank(&v[..1], 90), Some(TimeDelta::minutes(1)));
        assert_eq!(nearest_rank(&v[..3], 50), Some(TimeDelta::minutes(2)));
        assert_eq!(nearest_rank(&[], 50), None);
    }

    #[test]
    fn a_person_is_a_string_or_an_objects_name() {
        use serde_json::json;
        assert_eq!(person(Some(&json!("Kim"))).as_deref(), Some("Kim"));
        assert_eq!(
            person(Some(&json!({"name": "Ana", "email": "a@x"}))).as_deref(),
            Some("Ana")
        );
        assert_eq!(person(Some(&json!(42))), None);
        assert_eq!(person(None), None);
    }
}
