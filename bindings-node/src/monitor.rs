//! What the monitor returns: `MonitorReport` and its `MonitorEvent`s, with the account rollups
//! and the what-if comparison as plain objects.
//!
//! A report wraps the core's `MonitorReport`. Its lists are converted on first read, once: the
//! converted array is kept on the report object (see [`convert::memoize`]), so a job that reads
//! only `alerts` pays nothing for `cases`, and a loop over `report.events` does not convert
//! them again at each step. Events (usually few) are classes whose getters convert a field when
//! read; account rollups and the what-if comparison are plain objects with camelCase keys,
//! cheaper to make than a class per field. Conventions as in [`crate::status`]: instants are
//! `Date`s (ISO strings in `toJSON()`), durations milliseconds.

use chrono::{DateTime, Utc};
use entitlement_core::rules::{
    AccountRollup as CoreAccountRollup, Attainment as CoreAttainment,
    MonitorEvent as CoreMonitorEvent, MonitorReport as CoreMonitorReport,
    QuotaCrossing as CoreQuotaCrossing, WhatIf as CoreWhatIf,
};
use napi::bindgen_prelude::{Env, This};
use napi_derive::napi;
use serde_json::Value;

use crate::alert::{Alert, alert_json};
use crate::convert::{self, Json, Made};
use crate::error::{Result, guard};
use crate::status::{CaseEvaluation, MilestoneStatus, evaluation_json, milestone_json, usage_json};

/// The result of one monitor run: the events of `(since, now]` (each exactly once across
/// consecutive windows), an alert per event that no rule suppressed, the open milestones, per
/// account rollups and every case's evaluation.
///
/// Each list is converted on its first read and kept: `report.events === report.events`, and
/// reading only `alerts` costs nothing for the others. `toJSON()` gives the whole report as plain
/// objects.
///
/// ```js
/// const report = rules.monitor(cases, new Date(), lastRun)
/// for (const alert of report.alerts) await post(alert.slackBlocks())
/// report.accounts[0].chronicOverConsumer   // false
/// ```
#[napi]
pub struct MonitorReport {
    pub(crate) inner: CoreMonitorReport,
    since: Option<DateTime<Utc>>,
}

impl MonitorReport {
    /// Wraps a core report with the `since` it was run with.
    pub fn new(inner: CoreMonitorReport, since: Option<DateTime<Utc>>) -> Self {
        MonitorReport { inner, since }
    }
}

#[napi]
impl MonitorReport {
    /// The run's `now`.
    #[napi(getter)]
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.now
    }

    /// The run's `since`, or `null` for a run over everything up to `now`.
    #[napi(getter)]
    pub fn since(&self) -> Option<DateTime<Utc>> {
        self.since
    }

    /// The events of `(since, now]`, by instant then key: trigger crossings, breaches, quota
    /// and allowance crossings. Suppressed events are included, marked with the rule that
    /// suppressed them.
    #[napi(getter, ts_return_type = "MonitorEvent[]")]
    pub fn events(&self, env: Env, this: This) -> Result<Made> {
        guard(|| {
            let events: Vec<MonitorEvent> = self
                .inner
                .events
                .iter()
                .cloned()
                .map(MonitorEvent::from)
                .collect();
            convert::memoize(&env, &this, "events", events)
        })
    }

    /// One alert per event that is not suppressed, in the same order.
    #[napi(getter, ts_return_type = "Alert[]")]
    pub fn alerts(&self, env: Env, this: This) -> Result<Made> {
        guard(|| {
            let alerts: Vec<Alert> = self.inner.alerts.iter().cloned().map(Alert::from).collect();
            convert::memoize(&env, &this, "alerts", alerts)
        })
    }

    /// Every open milestone (in progress, paused or violated), least time left first.
    #[napi(getter, ts_return_type = "MilestoneStatus[]")]
    pub fn statuses(&self, env: Env, this: This) -> Result<Made> {
        guard(|| {
            let statuses: Vec<MilestoneStatus> = self
                .inner
                .statuses()
                .into_iter()
                .cloned()
                .map(MilestoneStatus::from)
                .collect();
            convert::memoize(&env, &this, "statuses", statuses)
        })
    }

    /// Per account rollups, by account id, as plain objects: attainment per process and
    /// milestone, breaches, near misses, at-risk milestones, case counts against the allowance
    /// and quotas with projections, and chronic over-consumption.
    #[napi(getter, ts_return_type = "AccountRollup[]")]
    pub fn accounts(&self, env: Env, this: This) -> Result<Made> {
        guard(|| {
            let accounts = Json::List(self.inner.accounts.iter().map(account_json).collect());
            convert::memoize(&env, &this, "accounts", accounts)
        })
    }

    /// Every case's evaluation at `now` (coverage and all milestone statuses), in the order of
    /// the cases given.
    #[napi(getter, ts_return_type = "CaseEvaluation[]")]
    pub fn cases(&self, env: Env, this: This) -> Result<Made> {
        guard(|| {
            let cases: Vec<CaseEvaluation> = self
                .inner
                .cases
                .iter()
                .cloned()
                .map(CaseEvaluation::from)
                .collect();
            convert::memoize(&env, &this, "cases", cases)
        })
    }

    /// The report as plain objects with camelCase keys, instants as ISO strings and durations
    /// in milliseconds; events, alerts, statuses and cases as their own `toJSON()` gives them.
    /// `JSON.stringify(report)` uses it.
    #[napi(js_name = "toJSON", ts_return_type = "MonitorReportJSON")]
    pub fn to_json(&self) -> Json {
        let r = &self.inner;
        Json::Fields(vec![
            ("now", Json::of(convert::iso(r.now))),
            ("since", Json::of(self.since.map(convert::iso))),
            (
                "events",
                Json::List(r.events.iter().map(event_json).collect()),
            ),
            (
                "alerts",
                Json::List(r.alerts.iter().map(alert_json).collect()),
            ),
            (
                "statuses",
                Json::List(r.statuses().into_iter().map(milestone_json).collect()),
            ),
            (
                "accounts",
                Json::List(r.accounts.iter().map(account_json).collect()),
            ),
            (
                "cases",
                Json::List(r.cases.iter().map(evaluation_json).collect()),
            ),
        ])
    }
}

/// One thing that happened in the window: a trigger crossing, a breach, or a quota or
/// allowance crossing.
///
/// Its `key` is the same in every run that reports it (`C-1/First Response/1/trigger/0/50%`,
/// `acme-gold/quota/1/2026-11-01/1`): a job whose windows follow each other sees each key once.
/// `at` is the instant the threshold was crossed. `case_id` is a read-only alias of `caseId`
/// (the SPEC's name).
#[napi]
pub struct MonitorEvent {
    inner: CoreMonitorEvent,
}

impl From<CoreMonitorEvent> for MonitorEvent {
    fn from(inner: CoreMonitorEvent) -> Self {
        MonitorEvent { inner }
    }
}

#[napi]
impl MonitorEvent {
    /// Stable across runs: the same event has the same key whichever window reports it.
    #[napi(getter)]
    pub fn key(&self) -> String {
        self.inner.key.clone()
    }

    /// What the event is about: `trigger`, `breach`, `quota` or `allowance`.
    #[napi(getter, ts_return_type = "MonitorEventKind")]
    pub fn kind(&self) -> String {
        self.inner.kind.as_str().to_string()
    }

    /// Its level: the trigger's, `violation` for a breach, `warning` or `critical` (at 100%)
    /// for a quota.
    #[napi(getter, ts_return_type = "TriggerLevel")]
    pub fn level(&self) -> String {
        self.inner.level.as_str().to_string()
    }

    /// The instant the threshold was crossed.
    #[napi(getter)]
    pub fn at(&self) -> DateTime<Utc> {
        self.inner.at
    }

    /// The case: of a milestone event, or the case whose count crossed a quota.
    #[napi(getter)]
    pub fn case_id(&self) -> Option<String> {
        self.inner.case_id.clone()
    }

    /// Alias of `caseId` (the SPEC's name).
    #[napi(getter, js_name = "case_id")]
    pub fn case_id_alias(&self) -> Option<String> {
        self.case_id()
    }

    /// The entitlement, or `null`.
    #[napi(getter)]
    pub fn entitlement(&self) -> Option<String> {
        self.inner.entitlement.clone()
    }

    /// The process id (milestone events), or `null`.
    #[napi(getter)]
    pub fn process(&self) -> Option<String> {
        self.inner.process.clone()
    }

    /// The milestone's name (milestone events), or `null`.
    #[napi(getter)]
    pub fn milestone(&self) -> Option<String> {
        self.inner.milestone.clone()
    }

    /// The milestone instance (milestone events), or `null`.
    #[napi(getter)]
    pub fn instance(&self) -> Option<u32> {
        self.inner.instance
    }

    /// The trigger's point as written (`"50%"`, `"-10m"`); `null` for breaches and quotas.
    #[napi(getter)]
    pub fn point(&self) -> Option<String> {
        self.inner.point.clone()
    }

    /// The trigger's own action labels (empty for breaches and quotas).
    #[napi(getter)]
    pub fn actions(&self) -> Vec<String> {
        self.inner.actions.clone()
    }

    /// The milestone's status at the run's `now` (milestone events), or `null`.
    #[napi(getter)]
    pub fn status(&self) -> Option<MilestoneStatus> {
        self.inner
            .status
            .as_deref()
            .cloned()
            .map(MilestoneStatus::from)
    }

    /// The quota side of a quota or allowance event, or `null`.
    #[napi(getter, ts_return_type = "QuotaCrossing | null")]
    pub fn quota(&self) -> Json {
        quota_json(self.inner.quota.as_ref())
    }

    /// The entitlement's account context, untouched.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn account(&self) -> Json {
        Json::of((*self.inner.account).clone())
    }

    /// Whether a suppression rule held the event back (it raises no alert, but is reported).
    #[napi(getter)]
    pub fn suppressed(&self) -> bool {
        self.inner.suppressed
    }

    /// The rule that suppressed it (`min_level`, `while_paused` or `agent_activity`), or
    /// `null`.
    #[napi(getter, ts_return_type = "SuppressionRule | null")]
    pub fn suppressed_by(&self) -> Option<String> {
        self.inner.suppressed_by.clone()
    }

    /// The event as a plain object with camelCase keys; its status as
    /// `MilestoneStatus.toJSON()` gives it. `JSON.stringify(event)` uses it.
    #[napi(js_name = "toJSON", ts_return_type = "MonitorEventJSON")]
    pub fn to_json(&self) -> Json {
        event_json(&self.inner)
    }
}

fn event_json(e: &CoreMonitorEvent) -> Json {
    Json::Fields(vec![
        ("key", Json::of(e.key.as_str())),
        ("kind", Json::of(e.kind.as_str())),
        ("level", Json::of(e.level.as_str())),
        ("at", Json::of(convert::iso(e.at))),
        ("caseId", Json::of(e.case_id.clone())),
        ("entitlement", Json::of(e.entitlement.clone())),
        ("process", Json::of(e.process.clone())),
        ("milestone", Json::of(e.milestone.clone())),
        ("instance", Json::of(e.instance)),
        ("point", Json::of(e.point.clone())),
        ("actions", Json::of(e.actions.clone())),
        (
            "status",
            e.status
                .as_ref()
                .map_or(Json::Plain(Value::Null), |s| milestone_json(s)),
        ),
        ("quota", quota_json(e.quota.as_ref())),
        ("account", Json::of((*e.account).clone())),
        ("suppressed", Json::of(e.suppressed)),
        ("suppressedBy", Json::of(e.suppressed_by.clone())),
    ])
}

fn quota_json(q: Option<&CoreQuotaCrossing>) -> Json {
    let Some(q) = q else {
        return Json::Plain(Value::Null);
    };
    Json::Fields(vec![
        ("name", Json::of(q.name.clone())),
        ("period", Json::of(q.period.as_str())),
        (
            "periodStart",
            Json::of(q.period_start.map(|d| d.format("%Y-%m-%d").to_string())),
        ),
        ("maxCases", Json::of(q.max_cases)),
        ("fraction", Json::of(q.fraction)),
        ("used", Json::of(q.used)),
    ])
}

/// One account's rollup as a plain object (`AccountRollup` in the declarations).
fn account_json(a: &CoreAccountRollup) -> Json {
    let processes = a.processes.iter().map(|p| {
        let milestones = p.milestones.iter().map(|m| {
            Json::Fields(vec![
                ("milestone", Json::of(m.milestone.as_str())),
                ("met", Json::of(m.met)),
                ("late", Json::of(m.late)),
                ("violated", Json::of(m.violated)),
                ("open", Json::of(m.open)),
                ("atRisk", Json::of(m.at_risk)),
                ("nearMisses", Json::of(m.near_misses)),
                ("breaches", Json::of(m.breaches)),
                ("attainment", Json::of(m.attainment)),
            ])
        });
        Json::Fields(vec![
            ("process", Json::of(p.process.as_str())),
            ("cases", Json::of(p.cases)),
            ("milestones", Json::List(milestones.collect())),
        ])
    });
    let over = a.over_quota_periods.iter().map(|o| {
        Json::Fields(vec![
            ("entitlement", Json::of(o.entitlement.as_str())),
            ("name", Json::of(o.name.clone())),
            ("period", Json::of(o.period.as_str())),
            (
                "periodStart",
                Json::of(o.period_start.format("%Y-%m-%d").to_string()),
            ),
            ("used", Json::of(o.used)),
            ("maxCases", Json::of(o.max_cases)),
        ])
    });
    Json::Fields(vec![
        ("accountId", Json::of(a.account_id.as_str())),
        ("name", Json::of(a.name.clone())),
        ("arr", Json::of(a.arr.clone())),
        ("renewalDate", Json::of(a.renewal_date.clone())),
        ("account", Json::of(a.account.clone())),
        ("entitlements", Json::of(a.entitlements.clone())),
        ("cases", Json::of(a.cases)),
        ("processes", Json::List(processes.collect())),
        ("breaches", Json::of(a.breaches)),
        ("nearMisses", Json::of(a.near_misses)),
        ("atRisk", Json::of(a.at_risk)),
        (
            "usage",
            Json::List(a.usage.iter().map(usage_json).collect()),
        ),
        ("projectedOver", Json::of(a.projected_over)),
        ("overQuotaPeriods", Json::List(over.collect())),
        ("chronicOverConsumer", Json::of(a.chronic_over_consumer)),
    ])
}

fn attainment_json(a: &CoreAttainment) -> Json {
    Json::Fields(vec![
        ("met", Json::of(a.met)),
        ("late", Json::of(a.late)),
        ("violated", Json::of(a.violated)),
        ("open", Json::of(a.open)),
        ("attainment", Json::of(a.attainment)),
    ])
}

/// The what-if comparison as a plain object (`WhatIf` in the declarations).
pub fn what_if_json(w: &CoreWhatIf) -> Json {
    let rows = w.rows.iter().map(|r| {
        Json::Fields(vec![
            ("milestone", Json::of(r.milestone.as_str())),
            ("current", attainment_json(&r.current)),
            ("proposed", attainment_json(&r.proposed)),
        ])
    });
    let changes = w.changes.iter().map(|c| {
        Json::Fields(vec![
            ("caseId", Json::of(c.case_id.as_str())),
            ("milestone", Json::of(c.milestone.as_str())),
            ("instance", Json::of(c.instance)),
            ("current", Json::of(c.current.map(|s| s.as_str()))),
            ("proposed", Json::of(c.proposed.map(|s| s.as_str()))),
        ])
    });
    Json::Fields(vec![
        ("rows", Json::List(rows.collect())),
        ("changes", Json::List(changes.collect())),
    ])
}
