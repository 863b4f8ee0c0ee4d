//! What an evaluation returns: `MilestoneStatus`, `CaseEvaluation` and `EntitlementUsage`.
//!
//! Each wraps the core's value of the same name and converts a field only when its getter is
//! read: instants become `Date`s (floored to the millisecond), durations become milliseconds
//! (a float that keeps the core's microseconds), names of states and levels stay the strings the
//! core writes. `toJSON()` gives the whole value as a plain object with camelCase keys and
//! instants as ISO strings, which is what `JSON.stringify` writes and what crosses a
//! `postMessage` to a worker intact.

use chrono::{DateTime, TimeDelta, Utc};
use entitlement_core::rules::{
    CaseEvaluation as CoreCaseEvaluation, EntitlementUsage as CoreEntitlementUsage,
    MilestoneStatus as CoreMilestoneStatus, QuotaUse as CoreQuotaUse,
    TriggerStatus as CoreTriggerStatus,
};
use napi_derive::napi;

use crate::convert::{self, Json};

/// A duration in milliseconds, with the core's microseconds as a fraction.
pub(crate) fn ms(d: TimeDelta) -> f64 {
    let us = d.num_microseconds().unwrap_or(if d < TimeDelta::zero() {
        i64::MIN
    } else {
        i64::MAX
    });
    convert::milliseconds(us)
}

pub(crate) fn iso(t: Option<DateTime<Utc>>) -> Json {
    Json::of(t.map(convert::iso))
}

/// One trigger of one milestone instance, placed on the wall clock.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct TriggerStatus {
    /// The trigger's point as written in the rules: a percentage of the target (`"50%"`) or a
    /// signed offset from it (`"-10m"`, `"+1h"`).
    pub point: String,
    /// Its level.
    #[napi(ts_type = "TriggerLevel")]
    pub level: String,
    /// Its action labels, for the host to act on (`notify_owner`, `page_oncall`, ...).
    pub actions: Vec<String>,
    /// The instant the milestone's clock reaches it (provisional while the milestone is paused).
    pub at: DateTime<Utc>,
    /// Whether it was crossed by `now` (for a completed instance: strictly before completion).
    pub crossed: bool,
    /// When it fired, measured against the target in force at each moment (a tier change that
    /// shortens the target fires it at the change): the instant the monitor reports. `null`
    /// until it fires.
    pub fired_at: Option<DateTime<Utc>>,
}

impl From<&CoreTriggerStatus> for TriggerStatus {
    fn from(t: &CoreTriggerStatus) -> Self {
        TriggerStatus {
            point: t.point.clone(),
            level: t.level.as_str().to_string(),
            actions: t.actions.clone(),
            at: t.at,
            crossed: t.crossed,
            fired_at: t.fired_at,
        }
    }
}

/// Where one instance of one milestone of one case stands at `now`.
///
/// Instants are `Date`s (or `null`), durations are milliseconds (`number`, possibly fractional:
/// the core counts microseconds). `JSON.stringify(status)` and `status.toJSON()` give a plain
/// object with the same camelCase keys. The SPEC names the multi-word fields in snake_case, so
/// `case_id`, `started_at`, `target_at`, `completed_at`, `next_trigger_at` and `breached_at` are
/// read-only aliases of `caseId`, `startedAt`, `targetAt`, `completedAt`, `nextTriggerAt` and
/// `breachedAt`.
///
/// ```js
/// const [first] = rules.evaluate(caseObject, new Date())
/// first.state        // 'in_progress'
/// first.targetAt     // a Date
/// first.remaining    // 1200000 (20 minutes), negative once late
/// ```
#[napi]
pub struct MilestoneStatus {
    inner: CoreMilestoneStatus,
}

impl From<CoreMilestoneStatus> for MilestoneStatus {
    fn from(inner: CoreMilestoneStatus) -> Self {
        MilestoneStatus { inner }
    }
}

#[napi]
impl MilestoneStatus {
    /// The case's id.
    #[napi(getter)]
    pub fn case_id(&self) -> String {
        self.inner.case_id.clone()
    }

    /// Alias of `caseId` (the SPEC's name).
    #[napi(getter, js_name = "case_id")]
    pub fn case_id_alias(&self) -> String {
        self.case_id()
    }

    /// The milestone's name (`First Response`).
    #[napi(getter)]
    pub fn milestone(&self) -> String {
        self.inner.milestone.clone()
    }

    /// The milestone's kind.
    #[napi(getter, ts_return_type = "MilestoneKind")]
    pub fn kind(&self) -> String {
        self.inner.kind.as_str().to_string()
    }

    /// 1, 2, … for the occurrences of a recurring milestone (or of a reopened case's resolution).
    #[napi(getter)]
    pub fn instance(&self) -> u32 {
        self.inner.instance
    }

    /// `pending` (not started), `in_progress`, `paused`, `completed` (at or before the target:
    /// exactly at the target is compliant), `completed_late`, or `violated` (open and past the
    /// target).
    #[napi(getter, ts_return_type = "MilestoneState")]
    pub fn state(&self) -> String {
        self.inner.state.as_str().to_string()
    }

    /// The name of the calendar its clock runs on, or `null` for 24×7.
    #[napi(getter)]
    pub fn calendar(&self) -> Option<String> {
        self.inner.calendar.clone()
    }

    /// When its clock started, or `null` while pending.
    #[napi(getter)]
    pub fn started_at(&self) -> Option<DateTime<Utc>> {
        self.inner.started_at
    }

    /// Alias of `startedAt` (the SPEC's name).
    #[napi(getter, js_name = "started_at")]
    pub fn started_at_alias(&self) -> Option<DateTime<Utc>> {
        self.started_at()
    }

    /// Its deadline, pushed out by paused business time; provisional while paused (the deadline
    /// if the clock resumed at `now`, so it only moves later). `null` while pending.
    #[napi(getter)]
    pub fn target_at(&self) -> Option<DateTime<Utc>> {
        self.inner.target_at
    }

    /// Alias of `targetAt` (the SPEC's name).
    #[napi(getter, js_name = "target_at")]
    pub fn target_at_alias(&self) -> Option<DateTime<Utc>> {
        self.target_at()
    }

    /// When it was completed, or `null`.
    #[napi(getter)]
    pub fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.inner.completed_at
    }

    /// Alias of `completedAt` (the SPEC's name).
    #[napi(getter, js_name = "completed_at")]
    pub fn completed_at_alias(&self) -> Option<DateTime<Utc>> {
        self.completed_at()
    }

    /// The next trigger instant the clock will reach, or `null` once completed or when every
    /// trigger is crossed.
    #[napi(getter)]
    pub fn next_trigger_at(&self) -> Option<DateTime<Utc>> {
        self.inner.next_trigger_at
    }

    /// Alias of `nextTriggerAt` (the SPEC's name).
    #[napi(getter, js_name = "next_trigger_at")]
    pub fn next_trigger_at_alias(&self) -> Option<DateTime<Utc>> {
        self.next_trigger_at()
    }

    /// When the clock reached the target in force at that moment, if it has by `now` and before
    /// completion: the instant the monitor reports the breach. `null` otherwise.
    #[napi(getter)]
    pub fn breached_at(&self) -> Option<DateTime<Utc>> {
        self.inner.breached_at
    }

    /// Alias of `breachedAt` (the core's name).
    #[napi(getter, js_name = "breached_at")]
    pub fn breached_at_alias(&self) -> Option<DateTime<Utc>> {
        self.breached_at()
    }

    /// The business time it may take, in milliseconds (by the tier as of completion, or as of
    /// `now` while open), or `null` when unknown (pending).
    #[napi(getter)]
    pub fn target(&self) -> Option<f64> {
        self.inner.target.map(ms)
    }

    /// Active business time used, in milliseconds (paused time excluded).
    #[napi(getter)]
    pub fn elapsed(&self) -> f64 {
        ms(self.inner.elapsed)
    }

    /// Business time spent paused, in milliseconds.
    #[napi(getter)]
    pub fn paused(&self) -> f64 {
        ms(self.inner.paused)
    }

    /// Target minus elapsed, in milliseconds: negative once past the target; `null` when the
    /// target is unknown.
    #[napi(getter)]
    pub fn remaining(&self) -> Option<f64> {
        self.inner.remaining.map(ms)
    }

    /// Elapsed as a fraction of the target (above 1 once past it), or `null`.
    #[napi(getter)]
    pub fn consumed(&self) -> Option<f64> {
        self.inner.consumed
    }

    /// The levels of the triggers crossed so far, in trigger order.
    #[napi(getter, ts_return_type = "TriggerLevel[]")]
    pub fn crossed(&self) -> Vec<String> {
        self.inner
            .crossed
            .iter()
            .map(|l| l.as_str().to_string())
            .collect()
    }

    /// Every trigger of the milestone, placed on the wall clock.
    #[napi(getter)]
    pub fn triggers(&self) -> Vec<TriggerStatus> {
        self.inner
            .triggers
            .iter()
            .map(TriggerStatus::from)
            .collect()
    }

    /// The status as a plain object with camelCase keys, instants as ISO strings
    /// (`"2026-11-16T16:00:00.000Z"`, as `JSON.stringify` writes a `Date`) and durations in
    /// milliseconds. `JSON.stringify(status)` uses it.
    #[napi(js_name = "toJSON", ts_return_type = "MilestoneStatusJSON")]
    pub fn to_json(&self) -> Json {
        milestone_json(&self.inner)
    }
}

pub(crate) fn milestone_json(s: &CoreMilestoneStatus) -> Json {
    Json::Fields(vec![
        ("caseId", Json::of(s.case_id.as_str())),
        ("milestone", Json::of(s.milestone.as_str())),
        ("kind", Json::of(s.kind.as_str())),
        ("instance", Json::of(s.instance)),
        ("state", Json::of(s.state.as_str())),
        ("calendar", Json::of(s.calendar.clone())),
        ("startedAt", iso(s.started_at)),
        ("targetAt", iso(s.target_at)),
        ("completedAt", iso(s.completed_at)),
        ("nextTriggerAt", iso(s.next_trigger_at)),
        ("breachedAt", iso(s.breached_at)),
        ("target", Json::of(s.target.map(ms))),
        ("elapsed", Json::of(ms(s.elapsed))),
        ("paused", Json::of(ms(s.paused))),
        ("remaining", Json::of(s.remaining.map(ms))),
        ("consumed", Json::of(s.consumed)),
        (
            "crossed",
            Json::of(s.crossed.iter().map(|l| l.as_str()).collect::<Vec<_>>()),
        ),
        (
            "triggers",
            Json::List(
                s.triggers
                    .iter()
                    .map(|t| {
                        Json::Fields(vec![
                            ("point", Json::of(t.point.as_str())),
                            ("level", Json::of(t.level.as_str())),
                            ("actions", Json::of(t.actions.clone())),
                            ("at", Json::of(convert::iso(t.at))),
                            ("crossed", Json::of(t.crossed)),
                            ("firedAt", iso(t.fired_at)),
                        ])
                    })
                    .collect(),
            ),
        ),
    ])
}

/// The whole result of evaluating one case: whether a process covers it, which one, the
/// account context, and its milestones.
///
/// A case with no entitlement (and no `process` of its own), or raised while its entitlement
/// was not active, is not an error: `covered` is `false`, `reason` says why and `milestones` is
/// empty.
#[napi]
pub struct CaseEvaluation {
    inner: CoreCaseEvaluation,
}

impl From<CoreCaseEvaluation> for CaseEvaluation {
    fn from(inner: CoreCaseEvaluation) -> Self {
        CaseEvaluation { inner }
    }
}

#[napi]
impl CaseEvaluation {
    /// The case's id.
    #[napi(getter)]
    pub fn case_id(&self) -> String {
        self.inner.case_id.clone()
    }

    /// The entitlement the case names, or `null`.
    #[napi(getter)]
    pub fn entitlement(&self) -> Option<String> {
        self.inner.entitlement.clone()
    }

    /// That entitlement's status at `now`, from its dates (`none` without an entitlement).
    #[napi(getter, ts_return_type = "EntitlementStatus")]
    pub fn entitlement_status(&self) -> String {
        self.inner.entitlement_status.as_str().to_string()
    }

    /// Whether a process applies: the entitlement was active when the case was created, or the
    /// case names a process itself.
    #[napi(getter)]
    pub fn covered(&self) -> bool {
        self.inner.covered
    }

    /// Why the case is not covered, in words; `null` when it is.
    #[napi(getter)]
    pub fn reason(&self) -> Option<String> {
        self.inner.reason.clone()
    }

    /// The id of the process that applies, or `null`.
    #[napi(getter)]
    pub fn process(&self) -> Option<String> {
        self.inner.process.clone()
    }

    /// The version of that process, or `null`.
    #[napi(getter)]
    pub fn process_version(&self) -> Option<u32> {
        self.inner.process_version
    }

    /// The entitlement's account context (id, name, ARR, renewal date, CSM, ...), untouched; an
    /// empty object without an entitlement.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn account(&self) -> Json {
        Json::of((*self.inner.account).clone())
    }

    /// One status per milestone instance, in the process's milestone order (a new array of new
    /// objects at each read).
    #[napi(getter)]
    pub fn milestones(&self) -> Vec<MilestoneStatus> {
        self.inner
            .milestones
            .iter()
            .cloned()
            .map(MilestoneStatus::from)
            .collect()
    }

    /// The evaluation as a plain object with camelCase keys; its milestones as
    /// `MilestoneStatus.toJSON()` gives them. `JSON.stringify(evaluation)` uses it.
    #[napi(js_name = "toJSON", ts_return_type = "CaseEvaluationJSON")]
    pub fn to_json(&self) -> Json {
        evaluation_json(&self.inner)
    }
}

/// `CaseEvaluation.toJSON()`, also the form of the cases in a monitor report's `toJSON()`.
pub(crate) fn evaluation_json(e: &CoreCaseEvaluation) -> Json {
    Json::Fields(vec![
        ("caseId", Json::of(e.case_id.as_str())),
        ("entitlement", Json::of(e.entitlement.clone())),
        ("entitlementStatus", Json::of(e.entitlement_status.as_str())),
        ("covered", Json::of(e.covered)),
        ("reason", Json::of(e.reason.clone())),
        ("process", Json::of(e.process.clone())),
        ("processVersion", Json::of(e.process_version)),
        ("account", Json::of((*e.account).clone())),
        (
            "milestones",
            Json::List(e.milestones.iter().map(milestone_json).collect()),
        ),
    ])
}

/// How much of one quota is used in the period that contains `now`.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct QuotaUse {
    /// The quota's name, or `null`.
    pub name: Option<String>,
    /// Its period.
    #[napi(ts_type = "QuotaPeriod")]
    pub period: String,
    /// The first day of the period containing `now`, `YYYY-MM-DD` (in the entitlement's zone).
    pub period_start: String,
    /// The last day of that period (inclusive), `YYYY-MM-DD`.
    pub period_end: String,
    /// The cap.
    pub max_cases: u32,
    /// Cases created in the period up to `now` that match the quota's filter.
    pub used: u32,
    /// Cases still allowed in the period (0 once the cap is reached or passed).
    pub remaining: u32,
    /// The use at the period's end if cases keep arriving at the rate so far (wall-clock,
    /// linear): equal to `used` once the period is over, and for a term without an end.
    pub projected: f64,
    /// Whether that projection is above the cap.
    pub projected_over: bool,
}

impl From<&CoreQuotaUse> for QuotaUse {
    fn from(q: &CoreQuotaUse) -> Self {
        QuotaUse {
            name: q.name.clone(),
            period: q.period.as_str().to_string(),
            period_start: q.period_start.format("%Y-%m-%d").to_string(),
            period_end: q.period_end.format("%Y-%m-%d").to_string(),
            max_cases: q.max_cases,
            used: q.used,
            remaining: q.remaining,
            projected: q.projected,
            projected_over: q.projected_over,
        }
    }
}

/// An entitlement's status and case counts at `now`: the cases raised under it (of the cases
/// given) against its per-incident allowance and its quotas.
#[napi]
pub struct EntitlementUsage {
    inner: CoreEntitlementUsage,
}

impl From<CoreEntitlementUsage> for EntitlementUsage {
    fn from(inner: CoreEntitlementUsage) -> Self {
        EntitlementUsage { inner }
    }
}

#[napi]
impl EntitlementUsage {
    /// The entitlement's id.
    #[napi(getter)]
    pub fn entitlement(&self) -> String {
        self.inner.entitlement.clone()
    }

    /// Its status at `now`, from its dates.
    #[napi(getter, ts_return_type = "EntitlementStatus")]
    pub fn status(&self) -> String {
        self.inner.status.as_str().to_string()
    }

    /// Cases raised under it up to `now` (may exceed the allowance).
    #[napi(getter)]
    pub fn cases_used(&self) -> u32 {
        self.inner.cases_used
    }

    /// Its per-incident allowance (`cases_per_entitlement`), or `null`.
    #[napi(getter)]
    pub fn cases_per_entitlement(&self) -> Option<u32> {
        self.inner.cases_per_entitlement
    }

    /// What is left of that allowance (0 once used up or exceeded), or `null` without one.
    #[napi(getter)]
    pub fn cases_remaining(&self) -> Option<u32> {
        self.inner.cases_remaining
    }

    /// Each quota's use in the period that contains `now`, in the order of the rules.
    #[napi(getter)]
    pub fn quotas(&self) -> Vec<QuotaUse> {
        self.inner.quotas.iter().map(QuotaUse::from).collect()
    }

    /// The usage as a plain object with camelCase keys. `JSON.stringify(usage)` uses it.
    #[napi(js_name = "toJSON", ts_return_type = "EntitlementUsageJSON")]
    pub fn to_json(&self) -> Json {
        usage_json(&self.inner)
    }
}

/// `EntitlementUsage.toJSON()`, also the form of the usage in a monitor's account rollups.
pub(crate) fn usage_json(u: &CoreEntitlementUsage) -> Json {
    let quotas = u.quotas.iter().map(|q| {
        let q = QuotaUse::from(q);
        Json::Fields(vec![
            ("name", Json::of(q.name)),
            ("period", Json::of(q.period)),
            ("periodStart", Json::of(q.period_start)),
            ("periodEnd", Json::of(q.period_end)),
            ("maxCases", Json::of(q.max_cases)),
            ("used", Json::of(q.used)),
            ("remaining", Json::of(q.remaining)),
            ("projected", Json::of(q.projected)),
            ("projectedOver", Json::of(q.projected_over)),
        ])
    });
    Json::Fields(vec![
        ("entitlement", Json::of(u.entitlement.as_str())),
        ("status", Json::of(u.status.as_str())),
        ("casesUsed", Json::of(u.cases_used)),
        ("casesPerEntitlement", Json::of(u.cases_per_entitlement)),
        ("casesRemaining", Json::of(u.cases_remaining)),
        ("quotas", Json::List(quotas.collect())),
    ])
}
