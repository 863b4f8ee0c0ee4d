//! The breach monitor: what happened in `(since, now]`, exactly once, with suppression, case
//! counts and account rollups. Semantics and reasons: `docs/monitor.md`.
//!
//! | file | what it holds |
//! |---|---|
//! | `mod.rs` | [`Ruleset::monitor`], [`MonitorReport`]: the run, suppression, quota crossings |
//! | `event.rs` | [`MonitorEvent`] and its parts, event keys (a leaf: alerts are built from it) |
//! | `outcome.rs` | [`MilestoneOutcome`]: [`MonitorReport::outcomes`], the breach and near-miss log |
//! | `account_period.rs` | [`AccountPeriod`]: [`MonitorReport::account_periods`], one QBR row per account |
//! | `rank.rs` | the order of the open milestones: at risk, breached, the rest |
//! | `rollup.rs` | per-account rollups, [`Attainment`] |
//! | `what_if.rs` | [`Ruleset::what_if`]: attainment under proposed rules |

mod account_period;
pub(super) mod event;
mod outcome;
mod rank;
mod rollup;
mod what_if;

pub use account_period::{AccountPeriod, MilestoneAttainment};
pub use event::{MonitorEvent, MonitorEventKind, QuotaCrossing, StatusRef};
pub use outcome::{MilestoneOutcome, Outcome};
pub use rollup::{AccountRollup, Attainment, MilestoneRollup, OverQuota, ProcessRollup};
pub use what_if::{WhatIf, WhatIfChange, WhatIfRow};

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use self::event::event_key;
use self::outcome::Reporting;
use crate::calendar::Calendar;
use crate::error::{Error, Result};
use crate::rules::Ruleset;
use crate::rules::alert::{Alert, AlertContext};
use crate::rules::case::Case;
use crate::rules::case_error::{CaseBatch, CaseError, Checked, OnError};
use crate::rules::model::{Entitlement, Level, Milestone, Period, Process};
use crate::rules::monitor_config::MonitorConfig;
use crate::rules::parallel::par_map;
use crate::rules::period::period_bounds;
use crate::rules::replay::{StateAt, StateSweep, is_paused};
use crate::rules::status::{CaseEvaluation, MilestoneState, MilestoneStatus};
use crate::rules::usage::{Counted, Counts};
use crate::time::{from_us, to_us};

/// The result of one monitor run.
///
/// The open statuses are not copied out of `cases` (a copy was about 2.4 KB per case of a large
/// run): `open`, `at_risk` and `breached` hold their places, and [`MonitorReport::statuses`],
/// [`MonitorReport::at_risk_statuses`] and [`MonitorReport::breached_statuses`] read them.
/// Serialized, the report has `statuses`, `at_risk` and `breached` lists of the statuses
/// themselves.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// assert_eq!(report.events.len(), 2);
/// assert_eq!(report.alerts.len(), 2);
/// assert_eq!(report.statuses().len(), 1);    // the open, violated first response
/// assert_eq!(report.breached_statuses().len(), 1);
/// assert!(report.at_risk.is_empty());
/// assert_eq!(report.cases[0].case_id, "C-1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct MonitorReport {
    /// The run's `now`.
    pub now: DateTime<Utc>,
    /// The run's `since` (`None`: everything up to `now`).
    pub since: Option<DateTime<Utc>>,
    /// The events of `(since, now]`, by instant then key; suppressed ones included and marked.
    pub events: Vec<MonitorEvent>,
    /// One alert per milestone instance (or quota) and instant, covering the events of
    /// `events` that are not suppressed, by instant then key (a `milestone_completed` event
    /// only when its milestone has `on_complete` actions).
    pub alerts: Vec<Alert>,
    /// Every open milestone (in progress, paused or violated), as its place in `cases`: the
    /// `at_risk` ones, then the `breached` ones, then the rest by wall-clock time to their
    /// deadline (`docs/monitor.md`, "The at-risk list").
    pub open: Vec<StatusRef>,
    /// The open milestones not yet breached that crossed a trigger or used at least the
    /// `monitor.at_risk` fraction of their target, soonest wall-clock deadline first (ties by
    /// case id, milestone, instance): the start of `open`.
    pub at_risk: Vec<StatusRef>,
    /// The violated milestones still open, most recently breached first: the part of `open`
    /// after the at-risk ones.
    pub breached: Vec<StatusRef>,
    /// Per account rollups, by account id.
    pub accounts: Vec<AccountRollup>,
    /// Per case: coverage and every milestone status.
    pub cases: Vec<CaseEvaluation>,
    /// One entry per case left out (with [`OnError::Collect`]), in input order.
    pub errors: Vec<CaseError>,
    /// What the outcome tables need of the rules: the near-miss fraction and each case's
    /// reporting zone.
    reporting: Reporting,
}

impl MonitorReport {
    /// The statuses of every open milestone (in progress, paused or violated): at risk, then
    /// breached, then the rest (the order of `open`).
    ///
    /// ```
    /// use entitlement_core::rules::{Case, Ruleset};
    /// let rules = Ruleset::from_value(&serde_json::json!({
    ///     "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response",
    ///         "target": "1h"}]}],
    ///     "entitlements": [{"id": "e", "process": "p"}]}))?;
    /// let cases = [Case::from_value(&serde_json::json!(
    ///     {"id": "c", "entitlement": "e", "created_at": "2026-11-25T10:00:00Z"}))?];
    /// let report = rules.monitor(&cases, "2026-11-25T10:40:00Z".parse()?, None)?;
    /// assert_eq!(report.statuses()[0].case_id, "c");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn statuses(&self) -> Vec<&MilestoneStatus> {
        self.open.iter().map(|&r| self.status(r)).collect()
    }

    /// The statuses of the at-risk milestones, soonest wall-clock deadline first.
    ///
    /// ```
    /// use entitlement_core::rules::{Case, Ruleset};
    /// let rules = Ruleset::from_value(&serde_json::json!({
    ///     "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response",
    ///         "target": "1h", "triggers": [{"at": "50%", "level": "warning"}]}]}],
    ///     "entitlements": [{"id": "e", "process": "p"}]}))?;
    /// let case = |id, at| Case::from_value(&serde_json::json!(
    ///     {"id": id, "entitlement": "e", "created_at": at}));
    /// let cases = [case("late", "2026-11-25T10:00:00Z")?,    // due 11:00, 70% used
    ///              case("early", "2026-11-25T09:50:00Z")?,   // due 10:50, 87% used
    ///              case("fresh", "2026-11-25T10:30:00Z")?];  // 20% used: not at risk
    /// let report = rules.monitor(&cases, "2026-11-25T10:42:00Z".parse()?, None)?;
    /// let ids: Vec<_> = report.at_risk_statuses().iter().map(|s| s.case_id.as_str()).collect();
    /// assert_eq!(ids, ["early", "late"]);
    /// assert_eq!(report.statuses().len(), 3);                 // every open one is kept
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn at_risk_statuses(&self) -> Vec<&MilestoneStatus> {
        self.at_risk.iter().map(|&r| self.status(r)).collect()
    }

    /// The statuses of the breached milestones still open, most recently breached first.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// assert_eq!(report.breached_statuses()[0].state.as_str(), "violated");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn breached_statuses(&self) -> Vec<&MilestoneStatus> {
        self.breached.iter().map(|&r| self.status(r)).collect()
    }

    /// One digest per account of the run's alerts ("Acme Corp: 2 breached, 5 at risk"), for
    /// channels that should get one message per run, not one per event
    /// ([`crate::rules::alert::digest`]).
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// assert_eq!(report.digests()[0].headline, "Acme: 1 breached, 1 at risk");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn digests(&self) -> Vec<crate::rules::alert::Digest> {
        crate::rules::alert::digest(&self.alerts)
    }

    /// The status at `place`.
    ///
    /// # Panics
    /// When `place` is not a place of this report's `cases`.
    pub fn status(&self, place: StatusRef) -> &MilestoneStatus {
        &self.cases[place.case as usize].milestones[place.milestone as usize]
    }
}

impl Serialize for MonitorReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = s.serialize_struct("MonitorReport", 10)?;
        out.serialize_field("now", &crate::time::Marked::instant(self.now))?;
        out.serialize_field("since", &self.since.map(crate::time::Marked::instant))?;
        out.serialize_field("events", &self.events)?;
        out.serialize_field("alerts", &self.alerts)?;
        out.serialize_field("statuses", &self.statuses())?;
        out.serialize_field("at_risk", &self.at_risk_statuses())?;
        out.serialize_field("breached", &self.breached_statuses())?;
        out.serialize_field("accounts", &self.accounts)?;
        out.serialize_field("cases", &self.cases)?;
        out.serialize_field("errors", &self.errors)?;
        out.end()
    }
}

/// The report as it serialises (`open` becomes `statuses`, the open statuses themselves): the
/// schema [`crate::host::result_schema`] gives for `MonitorReport`.
#[derive(schemars::JsonSchema)]
#[schemars(rename = "MonitorReport")]
#[allow(dead_code)]
struct MonitorReportShape {
    /// The run's `now`.
    #[schemars(schema_with = "crate::time::schema_instant")]
    now: DateTime<Utc>,
    /// The run's `since` (null: everything up to `now`).
    #[schemars(schema_with = "crate::time::schema_opt_instant")]
    since: Option<DateTime<Utc>>,
    /// The events of `(since, now]`, by instant then key; suppressed ones included and marked.
    events: Vec<MonitorEvent>,
    /// One alert per milestone instance (or quota) and instant, covering the events that are
    /// not suppressed, by instant then key.
    alerts: Vec<Alert>,
    /// Every open milestone (in progress, paused or violated): the at-risk ones, then the
    /// breached ones, then the rest by wall-clock time to their deadline.
    statuses: Vec<MilestoneStatus>,
    /// The open milestones not yet breached that crossed a trigger or used at least the
    /// `monitor.at_risk` fraction of their target, soonest wall-clock deadline first.
    at_risk: Vec<MilestoneStatus>,
    /// The violated milestones still open, most recently breached first.
    breached: Vec<MilestoneStatus>,
    /// Per account rollups, by account id.
    accounts: Vec<AccountRollup>,
    /// Per case: coverage and every milestone status.
    cases: Vec<CaseEvaluation>,
    /// One entry per case left out (with `on_error="collect"`), in input order: its id, its
    /// place in the input, the code and message it would have raised, and the path.
    errors: Vec<CaseError>,
}

impl schemars::JsonSchema for MonitorReport {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MonitorReport".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        MonitorReportShape::json_schema(generator)
    }
}

/// A milestone event of one case before suppression is judged.
struct Pending<'a> {
    /// The status's place among the case's milestones.
    place: usize,
    milestone: &'a Milestone,
    key: String,
    kind: MonitorEventKind,
    level: Level,
    at: i64,
    point: Option<String>,
    actions: Vec<String>,
}

/// The alerts of a run, built as its events are found.
struct Alerts {
    /// The run's `now`.
    now: DateTime<Utc>,
    /// One per event that is not suppressed, in the order found, with the group it merges
    /// into ([`merge_group`]).
    list: Vec<(String, Alert)>,
}

/// The events that make one alert when they share an instant: those of one milestone instance
/// of a case, or the fractions of one quota (or allowance) period crossed by one case. Quota
/// keys end with the fraction, which holds no `/`.
fn merge_group(ev: &MonitorEvent) -> String {
    let case = ev.case_id.as_deref().unwrap_or("");
    match ev.kind {
        MonitorEventKind::Trigger | MonitorEventKind::Breach => event_key(&[
            "milestone",
            case,
            ev.milestone.as_deref().unwrap_or(""),
            &ev.instance.unwrap_or(0).to_string(),
        ]),
        MonitorEventKind::Quota | MonitorEventKind::Allowance => {
            let stem = ev.key.rsplit_once('/').map_or(ev.key.as_str(), |(s, _)| s);
            event_key(&[ev.kind.as_str(), stem, case])
        }
        // One alert per rejected case and code: its key is already that. A completion is
        // never folded into the alarm of a trigger at the same instant (it says the opposite).
        MonitorEventKind::DataError | MonitorEventKind::MilestoneCompleted => ev.key.clone(),
    }
}

/// The alerts of `list` (sorted by instant, then key) with those of one group and instant
/// merged into one ([`Alert::absorb`]), by instant then key: linear, one hash lookup each.
fn merge_alerts(list: Vec<(String, Alert)>, config: &MonitorConfig) -> Vec<Alert> {
    let mut out: Vec<Alert> = Vec::with_capacity(list.len());
    let mut seen: HashMap<(DateTime<Utc>, String), usize> = HashMap::new();
    for (group, alert) in list {
        match seen.entry((alert.at, group)) {
            std::collections::hash_map::Entry::Occupied(e) => {
                out[*e.get()].absorb(alert, config);
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(out.len());
                out.push(alert);
            }
        }
    }
    // The leader may be a later event of its group: sort again by its key.
    out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.key.cmp(&b.key)));
    out
}

/// How suppression is judged: in one pass over a case's log, or (in tests) as first written.
#[derive(Clone, Copy)]
enum Judge {
    OnePass,
    #[cfg(test)]
    Reference,
}

/// The suppression rule that holds back `p`, given the case's state at `p.at` and whether an
/// activity event happened from an instant up to `p.at`.
fn judge_one(
    cfg: &MonitorConfig,
    process: &Process,
    p: &Pending<'_>,
    state: &StateAt,
    activity_since: impl Fn(i64) -> bool,
) -> Option<&'static str> {
    // A completion is not an alarm: no rule holds it back, `min_level` included (it is of level
    // `info`, so any `min_level` would drop the action that resolves a page). `docs/monitor.md`.
    if p.kind == MonitorEventKind::MilestoneCompleted {
        return None;
    }
    if let Some(min) = &cfg.suppress.min_level {
        let tier = min.tier_field().and_then(|f| state.fields.get(f));
        if p.level < min.for_tier(tier) {
            return Some("min_level");
        }
    }
    if p.level >= Level::Violation {
        return None;
    }
    let paused = is_paused(
        state.stopped,
        state.status.as_deref(),
        p.milestone.pause_set(process),
    );
    if cfg.suppress.while_paused && paused {
        Some("while_paused")
    } else if let Some(window) = cfg.suppress.agent_activity
        && activity_since(p.at.saturating_sub(window.0))
    {
        Some("agent_activity")
    } else {
        None
    }
}

/// What [`Ruleset::suppression`] finds for one case: the rule holding back each pending event,
/// whether the case is urgent, and its fields at `now`.
type Judged = (Vec<Option<&'static str>>, bool, Map<String, Value>);

fn in_window(at: i64, since: Option<i64>, now: i64) -> bool {
    at <= now && since.is_none_or(|s| at > s)
}

impl Ruleset {
    /// Runs the monitor over `cases` at `now`: the events that happened in `(since, now]`
    /// (everything up to `now` when `since` is `None`), the open milestones, and per-account
    /// rollups. Consecutive windows report every event exactly once: an event's instant and
    /// key depend only on the history up to that instant.
    ///
    /// ```
    /// use entitlement_core::rules::{Case, Ruleset};
    /// let rules = Ruleset::from_value(&serde_json::json!({
    ///     "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response",
    ///         "target": "1h", "triggers": [{"at": "50%", "level": "warning"}]}]}],
    ///     "entitlements": [{"id": "e", "process": "p"}]}))?;
    /// let cases = [Case::from_value(&serde_json::json!(
    ///     {"id": "c", "entitlement": "e", "created_at": "2026-11-25T10:00:00Z"}))?];
    /// let first = rules.monitor(&cases, "2026-11-25T10:40:00Z".parse()?, None)?;
    /// assert_eq!(first.events.len(), 1);                  // the warning at 10:30
    /// let next = rules.monitor(&cases, "2026-11-25T11:10:00Z".parse()?,
    ///                          Some("2026-11-25T10:40:00Z".parse()?))?;
    /// assert_eq!(next.events.len(), 1);                   // only the breach at 11:00
    /// assert_eq!(next.events[0].kind.as_str(), "breach");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// The first bad case fails the run ([`OnError::Raise`]); [`Ruleset::monitor_with`] can
    /// leave bad cases out instead. A `since` that is not before `now` is an `invalid_window`
    /// error.
    pub fn monitor(
        &self,
        cases: &[Case],
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
    ) -> Result<MonitorReport> {
        self.monitor_with(cases, now, since, OnError::Raise)
    }

    /// [`Ruleset::monitor`] with `on_error`: with [`OnError::Collect`] a bad case (an unknown
    /// entitlement, an event type its process does not know, an id given twice, ...) is left
    /// out, and the report has its entry in `errors` and a `data_error` event (with its alert);
    /// the other cases are monitored as if it had not been given.
    ///
    /// ```
    /// use entitlement_core::rules::{Case, OnError, Ruleset};
    /// let rules = Ruleset::from_value(&serde_json::json!({
    ///     "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response", "target": "1h"}]}],
    ///     "entitlements": [{"id": "e", "process": "p"}]}))?;
    /// let cases: Vec<Case> = ["e", "new-contract"].iter().enumerate().map(|(i, e)|
    ///     Case::from_value(&serde_json::json!({"id": format!("c{i}"), "entitlement": e,
    ///         "created_at": "2026-11-25T10:00:00Z"}))).collect::<Result<_, _>>()?;
    /// let now = "2026-11-25T11:30:00Z".parse()?;
    /// let report = rules.monitor_with(&cases, now, None, OnError::Collect)?;
    /// assert_eq!(report.cases.len(), 1);
    /// assert_eq!(report.errors[0].code, "unknown_entitlement");
    /// let data_error = report.events.iter().find(|e| e.kind.as_str() == "data_error").unwrap();
    /// assert_eq!(data_error.key, "data_error/c1/unknown_entitlement");
    /// assert!(rules.monitor_with(&cases, now, None, OnError::Raise).is_err());
    /// // An empty window is refused whatever `on_error` says.
    /// let err = rules.monitor_with(&cases, now, Some(now), OnError::Collect).unwrap_err();
    /// assert_eq!(err.code(), "invalid_window");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn monitor_with(
        &self,
        cases: &[Case],
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
        on_error: OnError,
    ) -> Result<MonitorReport> {
        check_window(now, since)?;
        let checked = self.check_cases(cases, None, &[], now, on_error)?;
        self.monitor_checked(checked, now, since)
    }

    /// [`Ruleset::monitor_with`] over a host's batch: the cases it could read and the errors of
    /// those it could not (each reported with its input position).
    ///
    /// ```
    /// use entitlement_core::rules::{Case, CaseBatch, OnError, Ruleset};
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// let mut batch = CaseBatch::new();
    /// batch.push(Ok(case));
    /// batch.push(Case::from_value_at(&serde_json::json!({"id": "C-2"}), 1)); // no created_at
    /// let report = rules.monitor_batch(&batch, now, None, OnError::Collect)?;
    /// assert_eq!((report.cases.len(), report.errors.len()), (1, 1));
    /// assert_eq!(report.errors[0].path, "cases[1]");
    /// assert_eq!(report.errors[0].code, "missing_key");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn monitor_batch(
        &self,
        batch: &CaseBatch,
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
        on_error: OnError,
    ) -> Result<MonitorReport> {
        check_window(now, since)?;
        let checked = self.check_batch(batch, now, on_error)?;
        self.monitor_checked(checked, now, since)
    }

    fn monitor_checked(
        &self,
        checked: Checked<'_>,
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
    ) -> Result<MonitorReport> {
        let Checked {
            cases,
            evaluations,
            errors,
            ..
        } = checked;
        self.monitor_judged(&cases, evaluations, errors, now, since, Judge::OnePass)
    }

    /// [`Ruleset::monitor`] over cases already evaluated at `now` (one evaluation per case, in
    /// the same order), so that a caller can evaluate in parallel.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// let evaluations = vec![rules.evaluate_case(&case, now)?];   // e.g. evaluated in parallel
    /// let cases = [case];
    /// let report = rules.monitor_evaluated(&cases, evaluations, now, None)?;
    /// assert_eq!(report, rules.monitor(&cases, now, None)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn monitor_evaluated(
        &self,
        cases: &[Case],
        evaluations: Vec<CaseEvaluation>,
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
    ) -> Result<MonitorReport> {
        check_window(now, since)?;
        let cases: Vec<&Case> = cases.iter().collect();
        self.monitor_judged(&cases, evaluations, Vec::new(), now, since, Judge::OnePass)
    }

    fn monitor_judged(
        &self,
        cases: &[&Case],
        evaluations: Vec<CaseEvaluation>,
        errors: Vec<CaseError>,
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
        judge: Judge,
    ) -> Result<MonitorReport> {
        let now_us = to_us(now);
        let since_us = since.map(to_us);
        let mut events = Vec::new();
        // Each alert is built as its event is found, from what the monitor holds then: the
        // case is not replayed again for it. Per case on rayon's pool, then in case order.
        let mut alerts = Alerts {
            now,
            list: Vec::new(),
        };
        let pairs: Vec<(&Case, &CaseEvaluation)> =
            cases.iter().copied().zip(&evaluations).collect();
        let found = par_map(&pairs, |&(case, eval)| {
            let (mut mine, mut theirs) = (
                Vec::new(),
                Alerts {
                    now,
                    list: Vec::new(),
                },
            );
            self.case_events(
                case,
                eval,
                now_us,
                since_us,
                judge,
                (&mut mine, Some(&mut theirs)),
            )?;
            Ok((mine, theirs.list))
        })?;
        drop(pairs);
        for (mine, theirs) in found {
            events.extend(mine);
            alerts.list.extend(theirs);
        }
        for error in &errors {
            let event = MonitorEvent::data_error(error, now);
            self.alert_of_error(&mut alerts, &event, error);
            events.push(event);
        }
        let by_entitlement = group_by_entitlement(cases);
        let mut counts = HashMap::new();
        let work: Vec<(&Entitlement, &Vec<&Case>)> = self
            .entitlements
            .iter()
            .filter_map(|e| by_entitlement.get(e.id.as_str()).map(|mine| (e, mine)))
            .collect();
        // Counted per entitlement on rayon's pool. The events are then made in entitlement
        // order; should a count fail, the sequential loop runs instead, so that the error is
        // the one a sequential run meets first (a count's or an event's).
        let counted: Result<Vec<Counts<'_>>> = {
            use rayon::prelude::*;
            work.par_iter()
                .map(|&(e, mine)| self.counts(e, mine, now_us))
                .collect()
        };
        match counted {
            Ok(all) => {
                for (&(e, _), c) in work.iter().zip(all) {
                    self.quota_events(e, &c, now_us, since_us, (&mut events, &mut alerts))?;
                    counts.insert(e.id.as_str(), c);
                }
            }
            Err(_) => {
                for &(e, mine) in &work {
                    let c = self.counts(e, mine, now_us)?;
                    self.quota_events(e, &c, now_us, since_us, (&mut events, &mut alerts))?;
                    counts.insert(e.id.as_str(), c);
                }
            }
        }
        // Sorted alike (stable, by instant then key), the alerts stay in the order of the
        // events they come from.
        events.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.key.cmp(&b.key)));
        let mut alerts = alerts.list;
        alerts.sort_by(|a, b| a.1.at.cmp(&b.1.at).then_with(|| a.1.key.cmp(&b.1.key)));
        let alerts = merge_alerts(alerts, &self.monitor);

        // Places sorted by their key: sorting the statuses themselves moved a few hundred
        // bytes per comparison, and copying them doubled the report.
        let ranked = rank::rank(&evaluations, self.monitor.at_risk);
        let accounts = self.rollups(cases, &evaluations, &counts, now)?;
        Ok(MonitorReport {
            now,
            since,
            events,
            alerts,
            open: ranked.open,
            at_risk: ranked.at_risk,
            breached: ranked.breached,
            accounts,
            cases: evaluations,
            errors,
            reporting: Reporting::of(self),
        })
    }

    /// The milestone events (trigger crossings, breaches and completions) of `(since, now]` of cases
    /// already evaluated at `now` (one evaluation per case, in order), by instant then key: the
    /// events of [`Ruleset::monitor`] less the quota and allowance ones. Each depends on its
    /// case alone, so the events of a partition of the cases are a partition of the events: what
    /// a distributed job computes per partition (`docs/arrow.md`). Quota and allowance events
    /// count every case of an entitlement and need them together.
    pub fn milestone_events(
        &self,
        cases: &[Case],
        evaluations: &[CaseEvaluation],
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<MonitorEvent>> {
        check_window(now, since)?;
        let cases: Vec<&Case> = cases.iter().collect();
        self.events_of(&cases, evaluations, &[], now, since)
    }

    /// [`Ruleset::milestone_events`] over a host's batch (a partition of a distributed job),
    /// with `on_error`: the events of the good cases and a `data_error` event per case left
    /// out, and the error entries.
    ///
    /// ```
    /// use entitlement_core::rules::{Case, CaseBatch, OnError};
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// let batch: CaseBatch = vec![Ok(case), Case::from_value_at(&serde_json::json!(42), 1)]
    ///     .into_iter().collect();
    /// let (events, errors) = rules.milestone_events_batch(&batch, now, None, OnError::Collect)?;
    /// assert_eq!(events.len(), 3);     // a trigger, a breach and the data error
    /// assert_eq!((errors[0].index, errors[0].code.as_str()), (1, "invalid_type"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn milestone_events_batch(
        &self,
        batch: &CaseBatch,
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
        on_error: OnError,
    ) -> Result<(Vec<MonitorEvent>, Vec<CaseError>)> {
        check_window(now, since)?;
        // Each case's events are found on the thread that evaluated it, and its evaluation is
        // freed there. Should finding them fail, the unfused run below reports the error an
        // unfused run meets first.
        let (now_us, since_us) = (to_us(now), since.map(to_us));
        let failed = AtomicBool::new(false);
        let fused = self.check_batch_then(batch, now, on_error, |case, eval| {
            let mut found = Vec::new();
            let judged = self.case_events(
                case,
                &eval,
                now_us,
                since_us,
                Judge::OnePass,
                (&mut found, None),
            );
            if judged.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            judged.map(|()| found)
        });
        match fused {
            Ok(checked) => {
                let mut events: Vec<MonitorEvent> =
                    checked.evaluations.into_iter().flatten().collect();
                events.extend(
                    checked
                        .errors
                        .iter()
                        .map(|e| MonitorEvent::data_error(e, now)),
                );
                events.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.key.cmp(&b.key)));
                Ok((events, checked.errors))
            }
            Err(error) if !failed.load(Ordering::Relaxed) => Err(error),
            Err(_) => {
                let checked = self.check_batch(batch, now, on_error)?;
                let events = self.events_of(
                    &checked.cases,
                    &checked.evaluations,
                    &checked.errors,
                    now,
                    since,
                )?;
                Ok((events, checked.errors))
            }
        }
    }

    fn events_of(
        &self,
        cases: &[&Case],
        evaluations: &[CaseEvaluation],
        errors: &[CaseError],
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<MonitorEvent>> {
        let (now_us, since_us) = (to_us(now), since.map(to_us));
        let mut events = Vec::new();
        for (case, eval) in cases.iter().zip(evaluations) {
            let found = (&mut events, None);
            self.case_events(case, eval, now_us, since_us, Judge::OnePass, found)?;
        }
        events.extend(errors.iter().map(|e| MonitorEvent::data_error(e, now)));
        events.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.key.cmp(&b.key)));
        Ok(events)
    }

    fn case_events(
        &self,
        case: &Case,
        eval: &CaseEvaluation,
        now: i64,
        since: Option<i64>,
        judge: Judge,
        (out, mut alerts): (&mut Vec<MonitorEvent>, Option<&mut Alerts>),
    ) -> Result<()> {
        let process = match (&eval.process, eval.process_version) {
            (Some(id), Some(version)) => self.process_version(id, version),
            _ => None,
        };
        let Some(process) = process else {
            return Ok(());
        };
        let mut pending: Vec<Pending<'_>> = Vec::new();
        for (place, status) in eval.milestones.iter().enumerate() {
            // Most runs look at a short window: test it before building anything.
            let fired_in_window =
                |at: Option<DateTime<Utc>>| at.is_some_and(|at| in_window(to_us(at), since, now));
            if !fired_in_window(status.breached_at)
                && !fired_in_window(status.completed_at)
                && !status.triggers.iter().any(|t| fired_in_window(t.fired_at))
            {
                continue;
            }
            let Some(milestone) = process
                .milestones
                .iter()
                .find(|m| m.name == status.milestone)
            else {
                continue;
            };
            let instance = status.instance.to_string();
            for (i, t) in status.triggers.iter().enumerate() {
                if let Some(at) = t
                    .fired_at
                    .map(to_us)
                    .filter(|&at| in_window(at, since, now))
                {
                    pending.push(Pending {
                        place,
                        milestone,
                        key: event_key(&[
                            &case.id,
                            &status.milestone,
                            &instance,
                            "trigger",
                            &i.to_string(),
                            &t.point,
                        ]),
                        kind: MonitorEventKind::Trigger,
                        level: t.level,
                        at,
                        point: Some(t.point.to_string()),
                        actions: t.actions.to_vec(),
                    });
                }
            }
            if let Some(at) = status
                .breached_at
                .map(to_us)
                .filter(|&at| in_window(at, since, now))
            {
                pending.push(Pending {
                    place,
                    milestone,
                    key: event_key(&[&case.id, &status.milestone, &instance, "breach"]),
                    kind: MonitorEventKind::Breach,
                    level: Level::Violation,
                    at,
                    point: None,
                    actions: Vec::new(),
                });
            }
            // A completion is reported at its own instant, so once across consecutive windows;
            // `met` when the instance was completed at or before its target.
            let outcome = match status.state {
                MilestoneState::Completed => Some("met"),
                MilestoneState::CompletedLate => Some("late"),
                _ => None,
            };
            if let (Some(outcome), Some(at)) = (
                outcome,
                status
                    .completed_at
                    .map(to_us)
                    .filter(|&at| in_window(at, since, now)),
            ) {
                pending.push(Pending {
                    place,
                    milestone,
                    key: event_key(&[&case.id, &status.milestone, &instance, "completed"]),
                    kind: MonitorEventKind::MilestoneCompleted,
                    level: Level::Info,
                    at,
                    point: Some(outcome.to_string()),
                    actions: milestone.on_complete.clone(),
                });
            }
        }
        if pending.is_empty() {
            return Ok(());
        }
        // Alerts show the case's fields at `now` and ask whether it matches
        // `page_oncall_when` then: the pass that judges suppression goes on to `now`.
        let urgency_at = alerts.as_ref().map(|_| now);
        let (suppressed, urgent_case, fields_now) = match judge {
            Judge::OnePass => self.suppression(case, process, &pending, urgency_at),
            #[cfg(test)]
            Judge::Reference => self.suppression_reference(case, process, &pending, urgency_at),
        }
        .map_err(|error| crate::Error::InCase {
            case: case.id.clone(),
            error: Box::new(error),
        })?;
        // The events of one milestone instance share one copy of its status (64 triggers
        // made 65 copies of a status of 64 triggers each).
        let mut shared: Option<(usize, Arc<MilestoneStatus>)> = None;
        for (p, suppressed_by) in pending.into_iter().zip(suppressed) {
            let status = match &shared {
                Some((place, status)) if *place == p.place => Arc::clone(status),
                _ => {
                    let status = Arc::new(eval.milestones[p.place].clone());
                    shared = Some((p.place, Arc::clone(&status)));
                    status
                }
            };
            let event = MonitorEvent {
                key: p.key,
                kind: p.kind,
                level: p.level,
                at: from_us(p.at)?,
                case_id: Some(case.id.clone()),
                entitlement: eval.entitlement.clone(),
                process: eval.process.clone(),
                milestone: Some(status.milestone.to_string()),
                instance: Some(status.instance),
                point: p.point,
                actions: p.actions,
                status: Some(status),
                quota: None,
                account: eval.account.clone(),
                suppressed: suppressed_by.is_some(),
                suppressed_by: suppressed_by.map(str::to_string),
            };
            if let Some(alerts) = alerts.as_deref_mut() {
                let tier_field = match &p.milestone.target {
                    crate::rules::model::Target::ByTier { by, .. } => Some(by.as_str()),
                    crate::rules::model::Target::Fixed(_) => None,
                };
                let about = (urgent_case, Some(&fields_now), tier_field);
                self.alert(alerts, &event, about);
            }
            out.push(event);
        }
        Ok(())
    }

    /// Adds the alert of `event` (when it is not suppressed) to `alerts`; `about` the case:
    /// whether it matches `page_oncall_when`, its fields at `now` and its tier field.
    fn alert(
        &self,
        alerts: &mut Alerts,
        event: &MonitorEvent,
        (urgent_case, fields, tier_field): (bool, Option<&Map<String, Value>>, Option<&str>),
    ) {
        // A completion tells someone only when its milestone names actions to take
        // (`on_complete`): "first response met" on every case is noise.
        if event.suppressed
            || (event.kind == MonitorEventKind::MilestoneCompleted && event.actions.is_empty())
        {
            return;
        }
        let time_zone = event
            .status
            .as_ref()
            .and_then(|s| s.calendar.as_deref())
            .and_then(|name| self.calendars.get(name))
            .and_then(Calendar::time_zone);
        let context = AlertContext {
            now: alerts.now,
            time_zone,
            urgent_case,
            config: &self.monitor,
            fields,
            tier_field,
            error: None,
        };
        let alert = Alert::from_event(event, &context);
        alerts.list.push((merge_group(event), alert));
    }

    /// Adds the alert of a `data_error` event, which says which case and why.
    fn alert_of_error(&self, alerts: &mut Alerts, event: &MonitorEvent, error: &CaseError) {
        let context = AlertContext {
            now: alerts.now,
            time_zone: None,
            urgent_case: false,
            config: &self.monitor,
            fields: None,
            tier_field: None,
            error: Some(error),
        };
        let alert = Alert::from_event(event, &context);
        alerts.list.push((merge_group(event), alert));
    }

    /// Which suppression rule, if any, holds back each pending event of one case, and, when
    /// `urgency_at` is given, whether the case matches `page_oncall_when` then (`false`
    /// otherwise). Suppression is judged at the event's own instant, so every run agrees; the
    /// case's state at those instants, and at `urgency_at` (not before them), comes from one
    /// pass over its log, in order of instant.
    fn suppression(
        &self,
        case: &Case,
        process: &Process,
        pending: &[Pending<'_>],
        urgency_at: Option<i64>,
    ) -> Result<Judged> {
        let cfg = &self.monitor;
        let mut order: Vec<usize> = (0..pending.len()).collect();
        order.sort_by_key(|&k| pending[k].at);
        let last = order.last().map_or(i64::MIN, |&k| pending[k].at);
        let until = urgency_at.map_or(last, |at| at.max(last));
        let mut sweep = StateSweep::new(case, until)?;
        let activity: Vec<i64> = match cfg.suppress.agent_activity {
            Some(_) => {
                let mut times: Vec<i64> = case
                    .events
                    .iter()
                    .filter(|e| {
                        cfg.suppress
                            .activity_events
                            .iter()
                            .any(|a| a == e.kind.type_name())
                    })
                    .map(|e| to_us(e.at))
                    .collect();
                times.sort_unstable();
                times
            }
            None => Vec::new(),
        };
        let mut out = vec![None; pending.len()];
        for k in order {
            let p = &pending[k];
            let state = sweep.at(p.at);
            out[k] = judge_one(cfg, process, p, state, |from| {
                // An activity event in `[from, at]`, by bisection of the sorted instants.
                let i = activity.partition_point(|&t| t < from);
                activity.get(i).is_some_and(|&t| t <= p.at)
            });
        }
        let urgent = urgency_at.is_some_and(|at| {
            let state = sweep.at(at);
            cfg.page_oncall_when.matches(&|k| state.fields.get(k))
        });
        Ok((out, urgent, sweep.into_fields()))
    }

    /// [`Ruleset::suppression`] as it was first written: the case replayed again for each
    /// event and for its urgency, the whole log scanned for activity. The oracle of the
    /// one-pass version.
    #[cfg(test)]
    fn suppression_reference(
        &self,
        case: &Case,
        process: &Process,
        pending: &[Pending<'_>],
        urgency_at: Option<i64>,
    ) -> Result<Judged> {
        let cfg = &self.monitor;
        let mut out = Vec::new();
        for p in pending {
            let state = crate::rules::replay::state_at(case, p.at)?;
            out.push(judge_one(cfg, process, p, &state, |from| {
                case.events.iter().any(|e| {
                    let t = to_us(e.at);
                    t <= p.at
                        && t >= from
                        && cfg
                            .suppress
                            .activity_events
                            .iter()
                            .any(|a| a == e.kind.type_name())
                })
            }));
        }
        let (urgent, fields) = match urgency_at {
            Some(at) => {
                let state = crate::rules::replay::state_at(case, at)?;
                let urgent = cfg.page_oncall_when.matches(&|k| state.fields.get(k));
                (urgent, state.fields)
            }
            None => (false, Map::new()),
        };
        Ok((out, urgent, fields))
    }

    fn quota_events(
        &self,
        e: &Entitlement,
        counts: &Counts<'_>,
        now: i64,
        since: Option<i64>,
        (out, alerts): (&mut Vec<MonitorEvent>, &mut Alerts),
    ) -> Result<()> {
        let fractions = &self.monitor.quota_alerts;
        let tz = self.time_zone_of(e);
        // `key`: the parts of the events' keys before the fraction.
        let mut crossings = |kind: MonitorEventKind,
                             key: Vec<String>,
                             counted: &mut Vec<Counted<'_>>,
                             max: u32,
                             name: Option<String>,
                             period: Period,
                             period_start: Option<NaiveDate>|
         -> Result<()> {
            // Only the first `needed` in order matter, for the largest fraction's `needed`:
            // a selection, then a sort of those few, not a sort of every case counted (the
            // order is total: ids are unique by now).
            let order = |a: &Counted<'_>, b: &Counted<'_>| {
                a.since
                    .cmp(&b.since)
                    .then_with(|| a.case.id.cmp(&b.case.id))
            };
            let needed = |f: f64| ((f * f64::from(max)).ceil() as usize).max(1);
            let most = fractions.iter().map(|&f| needed(f)).max().unwrap_or(0);
            if most < counted.len() {
                counted.select_nth_unstable_by(most, order);
                counted.truncate(most);
            }
            counted.sort_by(order);
            for &f in fractions {
                let needed = needed(f);
                if let Some(c) = counted.get(needed - 1)
                    && in_window(c.since, since, now)
                {
                    let event = MonitorEvent {
                        key: {
                            let f = f.to_string();
                            let mut parts: Vec<&str> = key.iter().map(String::as_str).collect();
                            parts.push(&f);
                            event_key(&parts)
                        },
                        kind,
                        level: if f >= 1.0 {
                            Level::Critical
                        } else {
                            Level::Warning
                        },
                        at: from_us(c.since)?,
                        case_id: Some(c.case.id.clone()),
                        entitlement: Some(e.id.clone()),
                        process: None,
                        milestone: None,
                        instance: None,
                        point: None,
                        actions: Vec::new(),
                        status: None,
                        quota: Some(QuotaCrossing {
                            name: name.clone(),
                            period,
                            period_start,
                            max_cases: max,
                            fraction: f,
                            used: needed as u32,
                        }),
                        account: e.account.clone(),
                        suppressed: false,
                        suppressed_by: None,
                    };
                    // Urgency is a matter of milestone events only; the fields shown are the
                    // case's as given (the case is not replayed for a quota event).
                    self.alert(alerts, &event, (false, Some(&c.case.fields), None));
                    out.push(event);
                }
            }
            Ok(())
        };
        if let Some(max) = e.cases_per_entitlement {
            let mut all = counts.all.clone();
            crossings(
                MonitorEventKind::Allowance,
                vec![e.id.clone(), "allowance".into()],
                &mut all,
                max,
                None,
                Period::Term,
                e.start_date,
            )?;
        }
        for (qi, (q, counted)) in e.quotas.iter().zip(&counts.quotas).enumerate() {
            // Group by the period each case was created in.
            let mut by_period: BTreeMap<NaiveDate, Vec<Counted<'_>>> = BTreeMap::new();
            for &c in counted {
                let day = c.case.created_at.with_timezone(&tz).date_naive();
                let (start, _) = period_bounds(q.period, day, e);
                by_period.entry(start).or_default().push(c);
            }
            for (start, mut list) in by_period {
                crossings(
                    MonitorEventKind::Quota,
                    vec![
                        e.id.clone(),
                        "quota".into(),
                        qi.to_string(),
                        start.to_string(),
                    ],
                    &mut list,
                    q.max_cases,
                    q.name.clone(),
                    q.period,
                    Some(start),
                )?;
            }
        }
        Ok(())
    }
}

/// Refuses a window `(since, now]` that holds no instant (`invalid_window`).
fn check_window(now: DateTime<Utc>, since: Option<DateTime<Utc>>) -> Result<()> {
    match since {
        Some(since) if since >= now => Err(Error::InvalidWindow {
            path: "since".into(),
            since: crate::time::rfc3339(since),
            now: crate::time::rfc3339(now),
        }),
        _ => Ok(()),
    }
}

fn group_by_entitlement<'a>(cases: &[&'a Case]) -> HashMap<&'a str, Vec<&'a Case>> {
    let mut out: HashMap<&str, Vec<&Case>> = HashMap::new();
    for &c in cases {
        if let Some(e) = c.entitlement.as_deref() {
            out.entry(e).or_default().push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    //! The one-pass monitor against the per-event replay it replaced, and the key law.
    use super::*;
    use chrono::TimeDelta;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    fn rules() -> Ruleset {
        Ruleset::from_value(&json!({
            "processes": [{"id": "p", "pause_statuses": ["Waiting"], "milestones": [
                {"name": "FR", "kind": "first_response",
                 "target": {"by": "severity", "values": {"Sev1": "30m"}, "default": "1h"},
                 "triggers": [{"at": "50%", "level": "warning"}, {"at": "90%", "level": "critical"}]},
                {"name": "N/R", "kind": "next_response", "recurrence": "independent", "target": "40m",
                 "triggers": [{"at": "25%", "level": "info"}, {"at": "75%", "level": "warning"},
                              {"at": "-5m", "level": "critical"}]},
                {"name": "Res", "kind": "resolution", "target": "6h",
                 "triggers": [{"at": "50%", "level": "warning"}]}]}],
            "entitlements": [{"id": "e", "process": "p", "account": {"id": "A", "arr": 2000000},
                "cases_per_entitlement": 3, "quotas": [{"period": "month", "max_cases": 2}]}],
            "monitor": {
                "suppress": {"while_paused": true, "agent_activity": "20m",
                    "activity_events": ["agent_reply", "customer_reply"],
                    "min_level": {"by": "severity", "values": {"Sev3": "critical"}, "default": "info"}},
                "page_oncall_when": {"field": "severity", "op": "eq", "value": "Sev1"}}
        }))
        .expect("rules")
    }

    const KINDS: [&str; 8] = [
        "agent_reply",
        "customer_reply",
        "wait",
        "open",
        "sev1",
        "sev3",
        "stop",
        "resume",
    ];

    fn case(id: &str, events: &[(usize, i64)]) -> Case {
        let base = 1_795_000_000i64; // 2026-11-18, a Wednesday
        let at = |m: i64| {
            chrono::DateTime::from_timestamp(base + 60 * m, 0)
                .unwrap()
                .to_rfc3339()
        };
        let events: Vec<Value> = events
            .iter()
            .map(|&(k, m)| match KINDS[k] {
                "wait" => json!({"at": at(m), "type": "status", "to": "Waiting"}),
                "open" => json!({"at": at(m), "type": "status", "to": "Open"}),
                "sev1" => json!({"at": at(m), "type": "field", "field": "severity", "to": "Sev1"}),
                "sev3" => json!({"at": at(m), "type": "field", "field": "severity", "to": "Sev3"}),
                kind => json!({"at": at(m), "type": kind}),
            })
            .collect();
        Case::from_value(&json!({"id": id, "entitlement": "e", "created_at": at(0),
            "fields": {"severity": "Sev2"}, "events": events}))
        .expect("case")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Events, suppression and alerts of the one-pass monitor are those of a replay of the
        /// case for every event (as the monitor was first written), on random small logs with
        /// pauses, tier changes, activity and events sharing an instant.
        #[test]
        fn one_pass_equals_a_replay_per_event(
            logs in prop::collection::vec(
                prop::collection::vec((0..KINDS.len(), 0i64..480), 0..24), 1..4),
            now in 0i64..600,
            since in prop::option::of(0i64..600),
        ) {
            let rules = rules();
            let ids = ["C-1", "C/2", "C\\3"];
            let cases: Vec<Case> = logs.iter().enumerate().map(|(i, l)| case(ids[i], l)).collect();
            let base = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap();
            let now = base + TimeDelta::minutes(now);
            let since = since.map(|s| base + TimeDelta::minutes(s)).filter(|s| *s <= now);
            let evaluations = rules.evaluate_cases(&cases, now).unwrap();
            let cases: Vec<&Case> = cases.iter().collect();
            let fast = rules.monitor_judged(&cases, evaluations.clone(), Vec::new(), now, since, Judge::OnePass).unwrap();
            let slow = rules.monitor_judged(&cases, evaluations, Vec::new(), now, since, Judge::Reference).unwrap();
            prop_assert_eq!(fast, slow);
        }

        /// Distinct part lists give distinct keys.
        #[test]
        fn keys_are_injective(
            a in prop::collection::vec("[a/\\\\b]{0,4}", 1..5),
            b in prop::collection::vec("[a/\\\\b]{0,4}", 1..5),
        ) {
            let key = |p: &[String]| event_key(&p.iter().map(String::as_str).collect::<Vec<_>>());
            prop_assert_eq!(a == b, key(&a) == key(&b));
        }

        /// Parts without `/` or `\` give the key of earlier versions: the parts joined by `/`.
        #[test]
        fn keys_without_separators_are_unchanged(parts in prop::collection::vec("[^/\\\\]{0,12}", 1..7)) {
            let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
            prop_assert_eq!(event_key(&refs), parts.join("/"));
        }
    }

    #[test]
    fn the_two_collision_examples_of_issue_13_differ() {
        assert_eq!(
            event_key(&["X/Resp", "First Response"]),
            "X\\/Resp/First Response"
        );
        assert_eq!(
            event_key(&["X", "Resp/First Response"]),
            "X/Resp\\/First Response"
        );
        assert_eq!(event_key(&["a\\", "b"]), "a\\\\/b");
        assert_ne!(event_key(&["a\\", "b"]), event_key(&["a", "\\b"]));
    }
}
