//! What an evaluation returns: per-milestone statuses, per-case coverage, per-entitlement use.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::Serialize;

use super::model::{Level, MilestoneKind, Period};

/// A name that many statuses share (a case id, a milestone, a calendar, a trigger's point):
/// text behind a reference count, made once per ruleset or per case, so that a status holds
/// no string of its own (`docs/performance.md`, "Issue 17"). It reads as a `&str`
/// (`as_str`, `Deref`, `==` with `str` and `String`) and serializes as one.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// let statuses = rules.evaluate(&case, now)?;
/// assert_eq!(statuses[0].milestone, "First Response");
/// assert_eq!(statuses[0].milestone.as_str().len(), 14);
/// assert_eq!(serde_json::to_value(&statuses[0].milestone)?, "First Response");
/// let owned: String = statuses[0].milestone.to_string();
/// assert_eq!(owned, "First Response");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Name(Arc<str>);

impl Name {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, not `write_str`: widths and alignment apply as they do to a `str`.
        f.pad(&self.0)
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name(Arc::from(s))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name(Arc::from(s))
    }
}

impl From<Name> for String {
    fn from(n: Name) -> String {
        n.0.to_string()
    }
}

impl From<&Name> for String {
    fn from(n: &Name) -> String {
        n.0.to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        *self == *other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl schemars::JsonSchema for Name {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        String::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
    fn inline_schema() -> bool {
        true
    }
}

/// Where one milestone instance stands.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// use entitlement_core::MilestoneState;
/// assert_eq!(rules.evaluate(&case, now)?[0].state, MilestoneState::Violated);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneState {
    /// Not started (or starting in the future, for a sequential recurrence).
    Pending,
    /// Running.
    InProgress,
    /// Open, with its clock stopped by a pause status or an explicit stop.
    Paused,
    /// Completed at or before its target (exactly at the target is compliant).
    Completed,
    /// Completed after its target.
    CompletedLate,
    /// Open and past its target.
    Violated,
}

impl MilestoneState {
    /// The state's name: `pending`, `in_progress`, `paused`, `completed`, `completed_late`,
    /// `violated`.
    ///
    /// ```
    /// use entitlement_core::MilestoneState;
    /// assert_eq!(MilestoneState::CompletedLate.as_str(), "completed_late");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneState::Pending => "pending",
            MilestoneState::InProgress => "in_progress",
            MilestoneState::Paused => "paused",
            MilestoneState::Completed => "completed",
            MilestoneState::CompletedLate => "completed_late",
            MilestoneState::Violated => "violated",
        }
    }

    /// Whether the instance is started and not completed.
    ///
    /// ```
    /// use entitlement_core::MilestoneState;
    /// assert!(MilestoneState::Paused.is_open() && MilestoneState::Violated.is_open());
    /// assert!(!MilestoneState::Completed.is_open());
    /// ```
    pub fn is_open(self) -> bool {
        matches!(
            self,
            MilestoneState::InProgress | MilestoneState::Paused | MilestoneState::Violated
        )
    }
}

/// One trigger of one milestone instance, placed on the wall clock.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// let status = &rules.evaluate(&case, now)?[0];
/// let warning = &status.triggers[0];
/// assert_eq!(warning.at, "2026-11-25T10:30:00Z".parse::<chrono::DateTime<chrono::Utc>>()?);
/// assert!(warning.crossed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TriggerStatus {
    /// The trigger's point as written (`50%`, `-5m`).
    pub point: Name,
    /// Its level.
    pub level: Level,
    /// Its actions.
    pub actions: Arc<[String]>,
    /// The instant the clock reaches it (provisional while the milestone is paused).
    #[serde(with = "crate::time::serde_instant")]
    #[schemars(schema_with = "crate::time::schema_instant")]
    pub at: DateTime<Utc>,
    /// Whether it has been crossed by `now` (before completion, for a completed instance),
    /// measured against the current target.
    pub crossed: bool,
    /// When it fired, measured against the target in force at each moment (a tier change
    /// that shortens the target fires it at the change): what the monitor reports. `None`
    /// until it fires.
    #[serde(with = "crate::time::serde_opt_instant")]
    #[schemars(schema_with = "crate::time::schema_opt_instant")]
    pub fired_at: Option<DateTime<Utc>>,
}

/// Where one instance of one milestone of one case stands at `now`.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// let status = &rules.evaluate(&case, now)?[0];
/// assert_eq!((status.milestone.as_str(), status.instance), ("First Response", 1));
/// assert_eq!(status.target_at, Some("2026-11-25T11:00:00Z".parse()?));
/// assert_eq!(status.consumed, Some(1.25));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MilestoneStatus {
    /// The case's id.
    pub case_id: Name,
    /// The milestone's name.
    pub milestone: Name,
    /// The milestone's kind.
    pub kind: MilestoneKind,
    /// 1, 2, … for the occurrences of a recurring milestone (or a reopened resolution).
    pub instance: u32,
    /// Its state.
    pub state: MilestoneState,
    /// The calendar its clock runs on (`None`: 24×7).
    pub calendar: Option<Name>,
    /// When its clock started.
    #[serde(with = "crate::time::serde_opt_instant")]
    #[schemars(schema_with = "crate::time::schema_opt_instant")]
    pub started_at: Option<DateTime<Utc>>,
    /// The business time it may take (by the tier at completion, or at `now` while open).
    #[serde(with = "crate::time::serde_opt_duration")]
    #[schemars(schema_with = "crate::time::schema_opt_duration")]
    pub target: Option<TimeDelta>,
    /// Its deadline: pushed out by paused business time, provisional while paused.
    #[serde(with = "crate::time::serde_opt_instant")]
    #[schemars(schema_with = "crate::time::schema_opt_instant")]
    pub target_at: Option<DateTime<Utc>>,
    /// When it was completed.
    #[serde(with = "crate::time::serde_opt_instant")]
    #[schemars(schema_with = "crate::time::schema_opt_instant")]
    pub completed_at: Option<DateTime<Utc>>,
    /// Active business time used (paused time excluded).
    #[serde(with = "crate::time::serde_duration")]
    #[schemars(schema_with = "crate::time::schema_duration")]
    pub elapsed: TimeDelta,
    /// Business time spent paused.
    #[serde(with = "crate::time::serde_duration")]
    #[schemars(schema_with = "crate::time::schema_duration")]
    pub paused: TimeDelta,
    /// Target minus elapsed: negative once past the target.
    #[serde(with = "crate::time::serde_opt_duration")]
    #[schemars(schema_with = "crate::time::schema_opt_duration")]
    pub remaining: Option<TimeDelta>,
    /// Elapsed as a fraction of the target (above 1 once past it).
    pub consumed: Option<f64>,
    /// The levels of the triggers crossed so far, in trigger order.
    pub crossed: Vec<Level>,
    /// The next trigger the clock will reach (`None` once completed or all are crossed).
    #[serde(with = "crate::time::serde_opt_instant")]
    #[schemars(schema_with = "crate::time::schema_opt_instant")]
    pub next_trigger_at: Option<DateTime<Utc>>,
    /// When the clock reached the target in force at that moment, if it has by `now` and
    /// before completion: the instant the monitor reports the breach.
    #[serde(with = "crate::time::serde_opt_instant")]
    #[schemars(schema_with = "crate::time::schema_opt_instant")]
    pub breached_at: Option<DateTime<Utc>>,
    /// Every trigger, placed on the wall clock.
    pub triggers: Vec<TriggerStatus>,
}

/// The status of an entitlement at an instant, from its dates.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// use entitlement_core::rules::EntitlementStatus;
/// assert_eq!(rules.evaluate_case(&case, now)?.entitlement_status, EntitlementStatus::Active);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntitlementStatus {
    /// The case has no entitlement.
    None,
    /// Its start date is still ahead.
    Inactive,
    /// In force.
    Active,
    /// Its end date has passed.
    Expired,
}

impl EntitlementStatus {
    /// The status's name.
    ///
    /// ```
    /// use entitlement_core::rules::EntitlementStatus;
    /// assert_eq!(EntitlementStatus::Expired.as_str(), "expired");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            EntitlementStatus::None => "none",
            EntitlementStatus::Inactive => "inactive",
            EntitlementStatus::Active => "active",
            EntitlementStatus::Expired => "expired",
        }
    }
}

/// The whole result of evaluating one case: its coverage and its milestones.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// let evaluation = rules.evaluate_case(&case, now)?;
/// assert!(evaluation.covered && evaluation.reason.is_none());
/// assert_eq!(evaluation.account["name"], "Acme");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CaseEvaluation {
    /// The case's id.
    pub case_id: String,
    /// The entitlement the case names.
    pub entitlement: Option<String>,
    /// That entitlement's status at `now` (`none` without one).
    pub entitlement_status: EntitlementStatus,
    /// Whether a process applies: the entitlement was active when the case was created (or
    /// the case names a process itself).
    pub covered: bool,
    /// Why the case is not covered, in words (`None` when covered).
    pub reason: Option<String>,
    /// The process that applies, and its version.
    pub process: Option<String>,
    /// The version of that process.
    pub process_version: Option<u32>,
    /// The account context of the entitlement, untouched (shared with the entitlement).
    pub account: super::model::Account,
    /// One status per milestone instance, in the process's milestone order.
    pub milestones: Vec<MilestoneStatus>,
    /// The case's value at `now` of the field its process tiers by
    /// ([`crate::rules::Process::tier_field`]), as text; `None` without one. Not serialized:
    /// it is the `tier` of [`crate::rules::MonitorReport::outcomes`].
    #[serde(skip)]
    #[schemars(skip)]
    pub tier: Option<String>,
}

/// How much of one quota is used in the period that contains `now`.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let quota = &report.accounts[0].usage[0].quotas[0];
/// assert_eq!((quota.max_cases, quota.used, quota.remaining), (5, 1, 4));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct QuotaUse {
    /// The quota's name, if any.
    pub name: Option<String>,
    /// Its period.
    pub period: Period,
    /// The first day of the period containing `now`.
    #[serde(with = "crate::time::serde_date")]
    #[schemars(schema_with = "crate::time::schema_date")]
    pub period_start: NaiveDate,
    /// The last day of that period (inclusive).
    #[serde(with = "crate::time::serde_date")]
    #[schemars(schema_with = "crate::time::schema_date")]
    pub period_end: NaiveDate,
    /// The cap.
    pub max_cases: u32,
    /// Cases created in the period up to `now` that match the quota's filter.
    pub used: u32,
    /// Cases still allowed in the period (0 once the cap is reached or passed).
    pub remaining: u32,
    /// The use at the period's end if cases keep arriving at the rate so far (wall-clock,
    /// linear); equal to `used` once the period is over, and for a term without an end.
    pub projected: f64,
    /// Whether that projection is above the cap.
    pub projected_over: bool,
}

/// An entitlement's status and case counts at `now`.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let usage = &report.accounts[0].usage[0];
/// assert_eq!((usage.cases_used, usage.cases_remaining), (1, Some(9)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EntitlementUsage {
    /// The entitlement's id.
    pub entitlement: String,
    /// Its status at `now`.
    pub status: EntitlementStatus,
    /// Cases raised under it up to `now`.
    pub cases_used: u32,
    /// Its per-incident allowance, if any.
    pub cases_per_entitlement: Option<u32>,
    /// What is left of that allowance (0 once used up or exceeded).
    pub cases_remaining: Option<u32>,
    /// Each quota's use in the period that contains `now`.
    pub quotas: Vec<QuotaUse>,
}
