//! What the monitor reports: one [`MonitorEvent`] per trigger crossed, breach or quota
//! crossing, and the stable key of each. A leaf: it imports no other monitor or alert module, so
//! that an alert can be built from an event.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::rules::case_error::CaseError;
use crate::rules::model::{Account, Level, Period};
use crate::rules::status::MilestoneStatus;

/// What a monitor event is about.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// use entitlement_core::rules::MonitorEventKind;
/// let kinds: Vec<_> = report.events.iter().map(|e| e.kind).collect();
/// assert_eq!(kinds, [MonitorEventKind::Trigger, MonitorEventKind::Breach]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MonitorEventKind {
    /// A milestone's trigger was reached.
    Trigger,
    /// A milestone passed its target without being completed.
    Breach,
    /// The cases of a quota's period reached a fraction of the quota.
    Quota,
    /// The cases of an entitlement reached a fraction of its per-incident allowance.
    Allowance,
    /// A case could not be checked (it cannot be read, names what the rules do not define, or
    /// shares its id with another case): `point` is the error's code, and the report's
    /// `errors` hold the entry.
    DataError,
    /// A milestone instance was completed, at or before its target (`point` `met`) or after it
    /// (`late`); `actions` are the milestone's `on_complete` list.
    MilestoneCompleted,
}

impl MonitorEventKind {
    /// The kind's name.
    ///
    /// ```
    /// use entitlement_core::rules::MonitorEventKind;
    /// assert_eq!(MonitorEventKind::Allowance.as_str(), "allowance");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            MonitorEventKind::Trigger => "trigger",
            MonitorEventKind::Breach => "breach",
            MonitorEventKind::Quota => "quota",
            MonitorEventKind::Allowance => "allowance",
            MonitorEventKind::DataError => "data_error",
            MonitorEventKind::MilestoneCompleted => "milestone_completed",
        }
    }
}

/// The quota (or allowance) side of a quota event.
///
/// ```
/// # let (rules, cases, now) = entitlement_core::doc_fixture::quota();
/// # let report = rules.monitor(&cases, now, None)?;
/// let crossing = report.events.iter().filter_map(|e| e.quota.as_ref()).last().unwrap();
/// assert_eq!((crossing.max_cases, crossing.used, crossing.fraction), (2, 2, 1.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct QuotaCrossing {
    /// The quota's name, if any.
    pub name: Option<String>,
    /// Its period (`term` for the per-incident allowance).
    pub period: Period,
    /// The first day of the period.
    #[serde(with = "crate::time::serde_opt_date")]
    #[schemars(schema_with = "crate::time::schema_opt_date")]
    pub period_start: Option<NaiveDate>,
    /// The cap.
    pub max_cases: u32,
    /// The fraction of the cap that was reached.
    pub fraction: f64,
    /// The number of cases that reached it.
    pub used: u32,
}

/// One thing that happened: a trigger, a breach, a completion, or a quota crossing.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let event = &report.events[0];
/// assert_eq!(event.key, "C-1/First Response/1/trigger/0/50%");
/// assert_eq!(event.at, "2026-11-25T10:30:00Z".parse::<chrono::DateTime<chrono::Utc>>()?);
/// assert!(!event.suppressed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MonitorEvent {
    /// Stable across runs: the same event has the same key whichever window reports it.
    pub key: String,
    /// What the event is about.
    pub kind: MonitorEventKind,
    /// Its level.
    pub level: Level,
    /// The instant the threshold was crossed (for a completion, the instant of completion).
    #[serde(with = "crate::time::serde_instant")]
    #[schemars(schema_with = "crate::time::schema_instant")]
    pub at: DateTime<Utc>,
    /// The case (milestone events and the case that crossed a quota).
    pub case_id: Option<String>,
    /// The entitlement.
    pub entitlement: Option<String>,
    /// The process.
    pub process: Option<String>,
    /// The milestone (milestone events).
    pub milestone: Option<String>,
    /// The milestone instance (milestone events).
    pub instance: Option<u32>,
    /// The trigger's point as written (`50%`, `-5m`); for a completion, `met` or `late`;
    /// `None` for breaches and quotas.
    pub point: Option<String>,
    /// The trigger's own actions; for a completion, the milestone's `on_complete` list.
    pub actions: Vec<String>,
    /// The milestone's status at `now` (milestone events), shared by the events of one
    /// milestone instance.
    pub status: Option<Arc<MilestoneStatus>>,
    /// The quota side (quota and allowance events).
    pub quota: Option<QuotaCrossing>,
    /// The account context of the entitlement, untouched.
    pub account: Account,
    /// Whether a suppression rule held the event back (it is still reported).
    pub suppressed: bool,
    /// The rule that suppressed it: `min_level`, `while_paused` or `agent_activity`.
    pub suppressed_by: Option<String>,
}

impl MonitorEvent {
    /// The `data_error` event of a case left out of a run at `now`: level warning, `point` the
    /// error's code, keyed by the case's id (or `#index` when it has none) and the code, so that
    /// a bad record that stays bad keeps one key from run to run.
    pub(crate) fn data_error(error: &CaseError, now: DateTime<Utc>) -> MonitorEvent {
        let case = match &error.case_id {
            Some(id) => id.clone(),
            None => format!("#{}", error.index),
        };
        MonitorEvent {
            key: event_key(&["data_error", &case, &error.code]),
            kind: MonitorEventKind::DataError,
            level: Level::Warning,
            at: now,
            case_id: error.case_id.clone(),
            entitlement: None,
            process: None,
            milestone: None,
            instance: None,
            point: Some(error.code.clone()),
            actions: Vec::new(),
            status: None,
            quota: None,
            account: Account::default(),
            suppressed: false,
            suppressed_by: None,
        }
    }
}

/// Where an open milestone's status lives in
/// [`MonitorReport::cases`](super::MonitorReport::cases): the case's position and the status's
/// position among its milestones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct StatusRef {
    /// Index into [`MonitorReport::cases`](super::MonitorReport::cases).
    pub case: u32,
    /// Index into that case's `milestones`.
    pub milestone: u32,
}

/// An event's key: its parts joined by `/`, each with `\` and `/` escaped by a `\`, so that
/// distinct parts give distinct keys (`docs/monitor.md`, "Event keys"). Parts without either
/// character are written as they are: such keys are those of earlier versions.
pub(crate) fn event_key(parts: &[&str]) -> String {
    let mut key = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            key.push('/');
        }
        for c in part.chars() {
            if c == '/' || c == '\\' {
                key.push('\\');
            }
            key.push(c);
        }
    }
    key
}
