//! The breach monitor: what happened in `(since, now]`, exactly once, with suppression, case
//! counts and account rollups. Semantics and reasons: `docs/monitor.md`.
//!
//! | file | what it holds |
//! |---|---|
//! | `mod.rs` | [`Ruleset::monitor`], [`MonitorReport`]: the run, suppression, quota crossings |
//! | `event.rs` | [`MonitorEvent`] and its parts, event keys (a leaf: alerts are built from it) |
//! | `rollup.rs` | per-account rollups, [`Attainment`] |
//! | `what_if.rs` | [`Ruleset::what_if`]: attainment under proposed rules |

pub(super) mod event;
mod rollup;
mod what_if;

pub use event::{MonitorEvent, MonitorEventKind, QuotaCrossing, StatusRef};
pub use rollup::{AccountRollup, Attainment, MilestoneRollup, OverQuota, ProcessRollup};
pub use what_if::{WhatIf, WhatIfChange, WhatIfRow};

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::Serialize;

use self::event::event_key;
use crate::calendar::Calendar;
use crate::error::Result;
use crate::rules::Ruleset;
use crate::rules::alert::{Alert, AlertContext};
use crate::rules::case::Case;
use crate::rules::model::{Entitlement, Level, Milestone, Period, Process, ProcessRef};
use crate::rules::monitor_config::MonitorConfig;
use crate::rules::period::period_bounds;
use crate::rules::replay::{StateAt, StateSweep, is_paused};
use crate::rules::status::{CaseEvaluation, MilestoneState, MilestoneStatus};
use crate::rules::usage::{Counted, Counts};
use crate::time::{from_us, to_us};

/// The result of one monitor run.
///
/// The open statuses are not copied out of `cases` (a copy was about 2.4 KB per case of a large
/// run): `open` holds their places, least time left first, and [`MonitorReport::statuses`]
/// reads them. Serialized, the report has a `statuses` list of the statuses themselves.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// assert_eq!(report.events.len(), 2);
/// assert_eq!(report.alerts.len(), 2);
/// assert_eq!(report.statuses().len(), 1);    // the open, violated first response
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
    /// One alert per event that is not suppressed, in the same order (a `milestone_completed`
    /// event only when its milestone has `on_complete` actions).
    pub alerts: Vec<Alert>,
    /// Every open milestone (in progress, paused or violated), least time left first, as its
    /// place in `cases`.
    pub open: Vec<StatusRef>,
    /// Per account rollups, by account id.
    pub accounts: Vec<AccountRollup>,
    /// Per case: coverage and every milestone status.
    pub cases: Vec<CaseEvaluation>,
}

impl MonitorReport {
    /// The statuses of every open milestone (in progress, paused or violated), least time left
    /// first.
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
        let mut out = s.serialize_struct("MonitorReport", 7)?;
        out.serialize_field("now", &crate::time::Marked::instant(self.now))?;
        out.serialize_field("since", &self.since.map(crate::time::Marked::instant))?;
        out.serialize_field("events", &self.events)?;
        out.serialize_field("alerts", &self.alerts)?;
        out.serialize_field("statuses", &self.statuses())?;
        out.serialize_field("accounts", &self.accounts)?;
        out.serialize_field("cases", &self.cases)?;
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
    /// One alert per event that is not suppressed, in the same order.
    alerts: Vec<Alert>,
    /// Every open milestone (in progress, paused or violated), least time left first.
    statuses: Vec<MilestoneStatus>,
    /// Per account rollups, by account id.
    accounts: Vec<AccountRollup>,
    /// Per case: coverage and every milestone status.
    cases: Vec<CaseEvaluation>,
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
    /// One per event that is not suppressed, in the order found.
    list: Vec<Alert>,
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

fn in_window(at: i64, since: Option<i64>, now: i64) -> bool {
    at <= now && since.is_none_or(|s| at > s)
}

fn micros(d: TimeDelta) -> i64 {
    d.num_microseconds().unwrap_or(i64::MAX)
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
    pub fn monitor(
        &self,
        cases: &[Case],
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
    ) -> Result<MonitorReport> {
        let evaluations = self.evaluate_cases(cases, now)?;
        self.monitor_evaluated(cases, evaluations, now, since)
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
        self.monitor_judged(cases, evaluations, now, since, Judge::OnePass)
    }

    fn monitor_judged(
        &self,
        cases: &[Case],
        evaluations: Vec<CaseEvaluation>,
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
        judge: Judge,
    ) -> Result<MonitorReport> {
        let now_us = to_us(now);
        let since_us = since.map(to_us);
        let mut events = Vec::new();
        // Each alert is built as its event is found, from what the monitor holds then: the
        // case is not replayed again for it.
        let mut alerts = Alerts {
            now,
            list: Vec::new(),
        };
        for (case, eval) in cases.iter().zip(&evaluations) {
            let found = (&mut events, Some(&mut alerts));
            self.case_events(case, eval, now_us, since_us, judge, found)?;
        }
        let by_entitlement = group_by_entitlement(cases);
        let mut counts = HashMap::new();
        for e in &self.entitlements {
            if let Some(mine) = by_entitlement.get(e.id.as_str()) {
                let c = self.counts(e, mine, now_us)?;
                self.quota_events(e, &c, now_us, since_us, (&mut events, &mut alerts))?;
                counts.insert(e.id.as_str(), c);
            }
        }
        // Sorted alike (stable, by instant then key), the alerts stay in the order of the
        // events they come from.
        events.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.key.cmp(&b.key)));
        let mut alerts = alerts.list;
        alerts.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.key.cmp(&b.key)));

        // Places sorted by their key: sorting the statuses themselves moved a few hundred
        // bytes per comparison, and copying them doubled the report.
        let mut open: Vec<(i64, &str, StatusRef)> = Vec::new();
        for (c, e) in evaluations.iter().enumerate() {
            for (k, m) in e.milestones.iter().enumerate() {
                if m.state.is_open() {
                    let place = StatusRef {
                        case: c as u32,
                        milestone: k as u32,
                    };
                    let left = m.remaining.map(micros).unwrap_or(i64::MAX);
                    open.push((left, m.case_id.as_str(), place));
                }
            }
        }
        open.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        let open: Vec<StatusRef> = open.into_iter().map(|(_, _, place)| place).collect();

        let accounts = self.rollups(cases, &evaluations, &counts, now)?;
        Ok(MonitorReport {
            now,
            since,
            events,
            alerts,
            open,
            accounts,
            cases: evaluations,
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
        let (now_us, since_us) = (to_us(now), since.map(to_us));
        let mut events = Vec::new();
        for (case, eval) in cases.iter().zip(evaluations) {
            let found = (&mut events, None);
            self.case_events(case, eval, now_us, since_us, Judge::OnePass, found)?;
        }
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
            (Some(id), Some(version)) => self.process(&ProcessRef::Pinned {
                id: id.clone(),
                version,
            }),
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
                        point: Some(t.point.clone()),
                        actions: t.actions.clone(),
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
        // Whether the case matches `page_oncall_when` at `now` matters only to an alert of
        // level critical or above; then the pass that judges suppression goes on to `now`.
        let urgency_at = alerts
            .as_ref()
            .filter(|_| pending.iter().any(|p| p.level >= Level::Critical))
            .map(|_| now);
        let (suppressed, urgent_case) = match judge {
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
                milestone: Some(status.milestone.clone()),
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
                self.alert(alerts, &event, urgent_case);
            }
            out.push(event);
        }
        Ok(())
    }

    /// Adds the alert of `event` (when it is not suppressed) to `alerts`.
    fn alert(&self, alerts: &mut Alerts, event: &MonitorEvent, urgent_case: bool) {
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
            war_room_arr: self.monitor.war_room_arr,
        };
        alerts.list.push(Alert::from_event(event, &context));
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
    ) -> Result<(Vec<Option<&'static str>>, bool)> {
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
        Ok((out, urgent))
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
    ) -> Result<(Vec<Option<&'static str>>, bool)> {
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
        let urgent = match urgency_at {
            Some(at) => {
                let state = crate::rules::replay::state_at(case, at)?;
                cfg.page_oncall_when.matches(&|k| state.fields.get(k))
            }
            None => false,
        };
        Ok((out, urgent))
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
            counted.sort_by(|a, b| {
                a.since
                    .cmp(&b.since)
                    .then_with(|| a.case.id.cmp(&b.case.id))
            });
            for &f in fractions {
                let needed = ((f * f64::from(max)).ceil() as usize).max(1);
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
                    // Urgency is a matter of milestone events only.
                    self.alert(alerts, &event, false);
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

fn group_by_entitlement(cases: &[Case]) -> HashMap<&str, Vec<&Case>> {
    let mut out: HashMap<&str, Vec<&Case>> = HashMap::new();
    for c in cases {
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
            let fast = rules.monitor_judged(&cases, evaluations.clone(), now, since, Judge::OnePass).unwrap();
            let slow = rules.monitor_judged(&cases, evaluations, now, since, Judge::Reference).unwrap();
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
