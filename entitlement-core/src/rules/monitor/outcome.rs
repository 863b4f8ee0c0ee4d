//! [`MilestoneOutcome`]: every started milestone occurrence of a report and how it ended (or
//! stands): the breach and near-miss log a job keeps for quarterly business reviews.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::MonitorReport;
use crate::calendar::Calendar;
use crate::rules::Ruleset;
use crate::rules::model::MilestoneKind;
use crate::rules::period::midnight;
use crate::rules::status::{CaseEvaluation, MilestoneState, MilestoneStatus};
use crate::time::to_us;

/// How a milestone occurrence ended, or stands at `now`.
///
/// ```
/// use entitlement_core::rules::Outcome;
/// assert_eq!(Outcome::Violated.as_str(), "violated");
/// assert_eq!(serde_json::to_value(Outcome::Late)?, "late");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Completed at or before its target.
    Met,
    /// Completed after its target.
    Late,
    /// Still open and past its target.
    Violated,
    /// Still open (running or paused) within its target.
    Open,
}

impl Outcome {
    /// The outcome of a started state (`None` for `pending`).
    ///
    /// ```
    /// use entitlement_core::{MilestoneState, rules::Outcome};
    /// assert_eq!(Outcome::of(MilestoneState::Paused), Some(Outcome::Open));
    /// assert_eq!(Outcome::of(MilestoneState::CompletedLate), Some(Outcome::Late));
    /// assert_eq!(Outcome::of(MilestoneState::Pending), None);
    /// ```
    pub fn of(state: MilestoneState) -> Option<Outcome> {
        match state {
            MilestoneState::Pending => None,
            MilestoneState::InProgress | MilestoneState::Paused => Some(Outcome::Open),
            MilestoneState::Completed => Some(Outcome::Met),
            MilestoneState::CompletedLate => Some(Outcome::Late),
            MilestoneState::Violated => Some(Outcome::Violated),
        }
    }

    /// The outcome's name: `met`, `late`, `violated` or `open`.
    ///
    /// ```
    /// assert_eq!(entitlement_core::rules::Outcome::Met.as_str(), "met");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::Late => "late",
            Outcome::Violated => "violated",
            Outcome::Open => "open",
        }
    }
}

/// One started milestone occurrence of a monitor report and its outcome: a row of the breach
/// and near-miss log (`docs/monitor.md`, "Outcomes").
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let row = &report.outcomes()[0];
/// assert_eq!((row.case_id.as_str(), row.milestone.as_str(), row.instance), ("C-1", "First Response", 1));
/// assert_eq!(row.outcome.as_str(), "violated");
/// assert_eq!(row.margin, Some(chrono::TimeDelta::minutes(-15)));   // 15 minutes past the target
/// assert_eq!(row.margin_wall, Some(chrono::TimeDelta::minutes(-15)));
/// assert_eq!(row.account_name.as_deref(), Some("Acme"));
/// assert!(!row.near_miss);                                           // not met: no near miss
/// assert_eq!(row.elapsed, chrono::TimeDelta::minutes(75));           // 24×7, never paused
/// assert_eq!((row.month.as_deref(), row.quarter.as_deref()), (Some("2026-11"), Some("2026-Q4")));
/// assert_eq!(row.reporting_time_zone, "UTC");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MilestoneOutcome {
    /// The case's id.
    pub case_id: String,
    /// The account's id, from the entitlement's account context.
    pub account_id: Option<String>,
    /// The account's name.
    pub account_name: Option<String>,
    /// The entitlement the case names.
    pub entitlement: Option<String>,
    /// The process that applies.
    pub process: Option<String>,
    /// Its version.
    pub process_version: Option<u32>,
    /// The case's value at `now` of the field its process tiers by (that of the first
    /// milestone whose target is a table by tier), as text; `None` without one.
    pub tier: Option<String>,
    /// The milestone's name.
    pub milestone: String,
    /// The milestone's kind.
    pub kind: MilestoneKind,
    /// 1, 2, … for the occurrences of a recurring milestone (or a reopened resolution).
    pub instance: u32,
    /// The calendar its clock runs on (`None`: 24×7).
    pub calendar: Option<String>,
    /// When its clock started.
    #[serde(with = "crate::time::serde_opt_instant")]
    #[schemars(schema_with = "crate::time::schema_opt_instant")]
    pub started_at: Option<DateTime<Utc>>,
    /// The business time it may take.
    #[serde(with = "crate::time::serde_opt_duration")]
    #[schemars(schema_with = "crate::time::schema_opt_duration")]
    pub target: Option<TimeDelta>,
    /// Its deadline.
    #[serde(with = "crate::time::serde_opt_instant")]
    #[schemars(schema_with = "crate::time::schema_opt_instant")]
    pub target_at: Option<DateTime<Utc>>,
    /// When it was completed.
    #[serde(with = "crate::time::serde_opt_instant")]
    #[schemars(schema_with = "crate::time::schema_opt_instant")]
    pub completed_at: Option<DateTime<Utc>>,
    /// `met`, `late`, `violated` or `open`.
    pub outcome: Outcome,
    /// Met with less than `monitor.near_miss` of the target left: `margin < near_miss ×
    /// target` (business time).
    pub near_miss: bool,
    /// Business time used (paused time excluded), up to the completion or `now`.
    #[serde(with = "crate::time::serde_duration")]
    #[schemars(schema_with = "crate::time::schema_duration")]
    pub elapsed: TimeDelta,
    /// Business time to spare: the target minus the business time used (the status's
    /// `remaining`), negative once past the target; `None` without a target.
    #[serde(with = "crate::time::serde_opt_duration")]
    #[schemars(schema_with = "crate::time::schema_opt_duration")]
    pub margin: Option<TimeDelta>,
    /// Wall-clock time to spare: the deadline minus the completion (or `now` while open),
    /// negative once past it; `None` without a deadline.
    #[serde(with = "crate::time::serde_opt_duration")]
    #[schemars(schema_with = "crate::time::schema_opt_duration")]
    pub margin_wall: Option<TimeDelta>,
    /// When the clock reached its target, if it has.
    #[serde(with = "crate::time::serde_opt_instant")]
    #[schemars(schema_with = "crate::time::schema_opt_instant")]
    pub breached_at: Option<DateTime<Utc>>,
    /// The month of `started_at` in the reporting zone (`2026-07`).
    pub month: Option<String>,
    /// The quarter of `started_at` in the reporting zone (`2026-Q3`).
    pub quarter: Option<String>,
    /// The reporting zone (IANA name): the time zone of the entitlement's calendar, else of
    /// its process's calendar, else `UTC`.
    pub reporting_time_zone: String,
}

/// What the outcome tables need of the rules, kept by the report: the near-miss fraction and
/// the reporting zone of each entitlement (and of each process version, for cases without an
/// entitlement).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Reporting {
    pub(super) near_miss: f64,
    entitlements: HashMap<String, Tz>,
    processes: HashMap<(String, u32), Tz>,
}

impl Reporting {
    pub(super) fn of(rules: &Ruleset) -> Reporting {
        let zone = |calendar: Option<&String>| {
            calendar
                .and_then(|n| rules.calendars.get(n))
                .and_then(Calendar::time_zone)
                .and_then(|z| z.parse::<Tz>().ok())
        };
        Reporting {
            near_miss: rules.monitor.near_miss,
            entitlements: rules
                .entitlements
                .iter()
                .map(|e| (e.id.clone(), rules.time_zone_of(e)))
                .collect(),
            processes: rules
                .processes
                .iter()
                .map(|p| {
                    let tz = zone(p.calendar.as_ref()).unwrap_or(Tz::UTC);
                    ((p.id.clone(), p.version), tz)
                })
                .collect(),
        }
    }

    /// The reporting zone of a case: its entitlement's, else its process's, else UTC.
    pub(super) fn zone_of(&self, case: &CaseEvaluation) -> Tz {
        if let Some(e) = &case.entitlement {
            return self.entitlements.get(e).copied().unwrap_or(Tz::UTC);
        }
        match (&case.process, case.process_version) {
            (Some(p), Some(v)) => self
                .processes
                .get(&(p.clone(), v))
                .copied()
                .unwrap_or(Tz::UTC),
            _ => Tz::UTC,
        }
    }

    /// The reporting zone of an entitlement (UTC for one the rules do not hold).
    pub(super) fn zone_of_entitlement(&self, entitlement: &str) -> Tz {
        self.entitlements
            .get(entitlement)
            .copied()
            .unwrap_or(Tz::UTC)
    }
}

/// Whether a milestone that ended `outcome` with `margin` to spare of `target` is a near miss:
/// met, with less than `fraction` of its target left (`docs/monitor.md`, "Outcomes").
pub(super) fn is_near_miss(
    outcome: Option<Outcome>,
    margin: Option<TimeDelta>,
    target: Option<TimeDelta>,
    fraction: f64,
) -> bool {
    match (outcome, margin, target) {
        (Some(Outcome::Met), Some(margin), Some(target)) => {
            // In microseconds as f64: exact below 2^53 µs (285 years).
            let (m, t) = (
                margin.num_microseconds().unwrap_or(i64::MAX) as f64,
                target.num_microseconds().unwrap_or(i64::MAX) as f64,
            );
            m < fraction * t
        }
        _ => false,
    }
}

/// `2026-07` and `2026-Q3` of a day.
fn month_and_quarter(day: NaiveDate) -> (String, String) {
    (
        format!("{:04}-{:02}", day.year(), day.month()),
        format!("{:04}-Q{}", day.year(), day.month0() / 3 + 1),
    )
}

impl MilestoneOutcome {
    /// The row of a started status of `case` at `now` (`None` for a pending one).
    fn of(
        case: &CaseEvaluation,
        status: &MilestoneStatus,
        now: DateTime<Utc>,
        near_miss: f64,
        zone: Tz,
    ) -> Option<MilestoneOutcome> {
        let outcome = Outcome::of(status.state)?;
        let (month, quarter) = status
            .started_at
            .map(|t| month_and_quarter(t.with_timezone(&zone).date_naive()))
            .unzip();
        let text = |k: &str| {
            case.account
                .get(k)
                .and_then(crate::rules::model::value_text)
        };
        Some(MilestoneOutcome {
            case_id: case.case_id.clone(),
            account_id: text("id"),
            account_name: text("name"),
            entitlement: case.entitlement.clone(),
            process: case.process.clone(),
            process_version: case.process_version,
            tier: case.tier.clone(),
            milestone: status.milestone.to_string(),
            kind: status.kind,
            instance: status.instance,
            calendar: status.calendar.as_ref().map(String::from),
            started_at: status.started_at,
            target: status.target,
            target_at: status.target_at,
            completed_at: status.completed_at,
            outcome,
            near_miss: is_near_miss(Some(outcome), status.remaining, status.target, near_miss),
            elapsed: status.elapsed,
            margin: status.remaining,
            margin_wall: status
                .target_at
                .map(|t| t - status.completed_at.unwrap_or(now)),
            breached_at: status.breached_at,
            month,
            quarter,
            reporting_time_zone: zone.name().to_string(),
        })
    }
}

impl MonitorReport {
    /// Every started milestone occurrence of the report's cases (state not `pending`) with its
    /// outcome, in case order then milestone order: the rows of the breach and near-miss log
    /// (`milestone_outcomes` in the ledger). Upserted run after run by (case, milestone,
    /// instance), the log ends with each occurrence's last word.
    ///
    /// ```
    /// use entitlement_core::rules::{Case, Ruleset};
    /// let rules = Ruleset::from_yaml(r#"
    /// processes: [ { id: p, milestones: [
    ///   { name: FR, kind: first_response, target: { by: severity, values: { Sev1: 30m }, default: 1h } },
    ///   { name: Res, kind: resolution, target: 8h } ] } ]
    /// entitlements: [ { id: e, process: p, account: { id: A-1, name: Acme } } ]
    /// "#)?;
    /// let case = Case::from_value(&serde_json::json!({"id": "c", "entitlement": "e",
    ///     "created_at": "2026-11-25T10:00:00Z", "fields": {"severity": "Sev1"},
    ///     "events": [{"type": "agent_reply", "at": "2026-11-25T10:20:00Z"}]}))?;
    /// let report = rules.monitor(&[case], "2026-11-25T11:00:00Z".parse()?, None)?;
    /// let rows = report.outcomes();
    /// let summary: Vec<_> = rows.iter().map(|r| (r.milestone.as_str(), r.outcome.as_str())).collect();
    /// assert_eq!(summary, [("FR", "met"), ("Res", "open")]);
    /// assert_eq!(rows[0].margin, Some(chrono::TimeDelta::minutes(10)));   // 10 of 30 minutes to spare
    /// assert_eq!(rows[0].tier.as_deref(), Some("Sev1"));
    /// assert_eq!(rows[1].margin_wall, Some(chrono::TimeDelta::hours(7)));  // due 18:00, now 11:00
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn outcomes(&self) -> Vec<MilestoneOutcome> {
        self.outcome_rows(None, None).collect()
    }

    /// The rows of [`MonitorReport::outcomes`] whose `started_at` falls on a day from `from`
    /// to `to` (both inclusive) in the case's reporting zone: the breach and near-miss log of
    /// a month or a quarter. Empty when `to` is before `from`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use entitlement_core::rules::{Case, Ruleset};
    /// let rules = Ruleset::from_yaml(r#"
    /// calendars:
    ///   ny: { time_zone: America/New_York, hours: { mon: [00:00-24:00], tue: [00:00-24:00],
    ///         wed: [00:00-24:00], thu: [00:00-24:00], fri: [00:00-24:00] } }
    /// processes: [ { id: p, calendar: ny, milestones: [ { name: FR, kind: first_response, target: 1h } ] } ]
    /// entitlements: [ { id: e, process: p, account: { id: A-1 } } ]
    /// "#)?;
    /// // 02:00 UTC on 1 October is 22:00 on 30 September in New York: a September case.
    /// let case = |id, at| Case::from_value(&serde_json::json!(
    ///     {"id": id, "entitlement": "e", "created_at": at}));
    /// let cases = [case("c1", "2026-10-01T02:00:00Z")?, case("c2", "2026-10-01T12:00:00Z")?];
    /// let report = rules.monitor(&cases, "2026-10-02T00:00:00Z".parse()?, None)?;
    /// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let september = report.outcomes_between(day(9, 1), day(9, 30));
    /// assert_eq!(september.len(), 1);
    /// assert_eq!(september[0].case_id, "c1");
    /// assert_eq!(september[0].month.as_deref(), Some("2026-09"));
    /// assert_eq!(september[0].quarter.as_deref(), Some("2026-Q3"));
    /// assert_eq!(september[0].reporting_time_zone, "America/New_York");
    /// assert_eq!(report.outcomes_between(day(10, 1), day(10, 1))[0].case_id, "c2");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn outcomes_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<MilestoneOutcome> {
        self.outcome_rows(Some(from), Some(to)).collect()
    }

    /// The outcome rows one at a time, over the days `from` to `to` (both inclusive, in each
    /// case's reporting zone; `None` for an open end, both `None` for every row): what an
    /// export of millions of rows writes a chunk at a time without holding them all.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// let november = chrono::NaiveDate::from_ymd_opt(2026, 11, 1);
    /// assert_eq!(report.outcome_rows(november, None).count(), 1);
    /// assert_eq!(report.outcome_rows(None, november).count(), 0);
    /// assert!(report.outcome_rows(None, None).eq(report.outcomes()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn outcome_rows(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> impl Iterator<Item = MilestoneOutcome> + '_ {
        let near_miss = self.reporting.near_miss;
        let whole = from.is_none() && to.is_none();
        let empty = matches!((from, to), (Some(f), Some(t)) if t < f);
        // The period as instants per zone, [midnight of `from`, midnight after `to`): one
        // comparison per row, not a date conversion.
        let mut bounds: HashMap<Tz, (i64, i64)> = HashMap::new();
        self.cases
            .iter()
            .filter(move |_| !empty)
            .flat_map(move |case| {
                let zone = self.reporting.zone_of(case);
                let (lo, hi) = *bounds
                    .entry(zone)
                    .or_insert_with(|| period_instants(zone, from, to));
                case.milestones.iter().filter_map(move |s| {
                    let kept = whole
                        || s.started_at.is_some_and(|t| {
                            let t = to_us(t);
                            lo <= t && t < hi
                        });
                    if kept {
                        MilestoneOutcome::of(case, s, self.now, near_miss, zone)
                    } else {
                        None
                    }
                })
            })
    }
}

/// The days `from` to `to` (inclusive; `None` for an open end) in `zone` as instants
/// `[lo, hi)` in microseconds.
pub(super) fn period_instants(
    zone: Tz,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> (i64, i64) {
    let lo = from.map_or(i64::MIN, |d| midnight(zone, d));
    let hi = to
        .and_then(|d| d.checked_add_days(Days::new(1)))
        .map_or(i64::MAX, |d| midnight(zone, d));
    (lo, hi)
}
