//! [`MilestoneOutcome`]: every started milestone occurrence of a report and how it ended (or
//! stands): the breach and near-miss log a job keeps for quarterly business reviews.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::MonitorReport;
use crate::rules::model::MilestoneKind;
use crate::rules::status::{CaseEvaluation, MilestoneState, MilestoneStatus};

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
}

impl MilestoneOutcome {
    /// The row of a started status of `case` at `now` (`None` for a pending one).
    fn of(
        case: &CaseEvaluation,
        status: &MilestoneStatus,
        now: DateTime<Utc>,
    ) -> Option<MilestoneOutcome> {
        let outcome = Outcome::of(status.state)?;
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
            margin: status.remaining,
            margin_wall: status
                .target_at
                .map(|t| t - status.completed_at.unwrap_or(now)),
            breached_at: status.breached_at,
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
        self.cases
            .iter()
            .flat_map(|case| {
                case.milestones
                    .iter()
                    .filter_map(move |s| MilestoneOutcome::of(case, s, self.now))
            })
            .collect()
    }
}
