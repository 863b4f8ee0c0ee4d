//! What an evaluation returns, as immutable Python objects: `MilestoneStatus`,
//! `CaseEvaluation` and `EntitlementUsage` (the core's `rules::status`).
//!
//! Each wraps the core's value and converts a field when it is read: instants become aware
//! `datetime`s in `timezone.utc`, durations `timedelta`s and days `date`s. Equality is the
//! core's; `to_dict()` gives the same fields as plain Python objects.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use entitlement_core::rules::{self, EntitlementStatus, Level, QuotaUse, TriggerStatus};
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyDateTime, PyDelta, PyDict, PyList};

use crate::convert::{duration_to_py, from_json_object, instant_to_py};
use crate::error::{Family, raise};

pub(crate) fn instant<'py>(py: Python<'py>, t: DateTime<Utc>) -> PyResult<Bound<'py, PyDateTime>> {
    instant_to_py(py, t.timestamp_micros())
}

pub(crate) fn opt_instant<'py>(
    py: Python<'py>,
    t: Option<DateTime<Utc>>,
) -> PyResult<Option<Bound<'py, PyDateTime>>> {
    t.map(|t| instant(py, t)).transpose()
}

pub(crate) fn duration<'py>(py: Python<'py>, d: TimeDelta) -> PyResult<Bound<'py, PyDelta>> {
    let us = d.num_microseconds().ok_or_else(|| {
        raise(
            py,
            Family::Input,
            "out_of_range",
            format!("the duration {d} does not fit in a datetime.timedelta"),
        )
    })?;
    duration_to_py(py, us)
}

pub(crate) fn opt_duration<'py>(
    py: Python<'py>,
    d: Option<TimeDelta>,
) -> PyResult<Option<Bound<'py, PyDelta>>> {
    d.map(|d| duration(py, d)).transpose()
}

pub(crate) fn date<'py>(py: Python<'py>, d: NaiveDate) -> PyResult<Bound<'py, PyDate>> {
    PyDate::new(py, d.year(), d.month() as u8, d.day() as u8)
}

fn trigger<'py>(py: Python<'py>, t: &TriggerStatus) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("point", t.point.as_str())?;
    dict.set_item("level", t.level.as_str())?;
    dict.set_item("actions", PyList::new(py, &t.actions)?)?;
    dict.set_item("at", instant(py, t.at)?)?;
    dict.set_item("crossed", t.crossed)?;
    dict.set_item("fired_at", opt_instant(py, t.fired_at)?)?;
    Ok(dict)
}

fn quota<'py>(py: Python<'py>, q: &QuotaUse) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("name", q.name.as_deref())?;
    dict.set_item("period", q.period.as_str())?;
    dict.set_item("period_start", date(py, q.period_start)?)?;
    dict.set_item("period_end", date(py, q.period_end)?)?;
    dict.set_item("max_cases", q.max_cases)?;
    dict.set_item("used", q.used)?;
    dict.set_item("remaining", q.remaining)?;
    dict.set_item("projected", q.projected)?;
    dict.set_item("projected_over", q.projected_over)?;
    Ok(dict)
}

fn status_name(s: EntitlementStatus) -> &'static str {
    s.as_str()
}

/// Where one instance of one milestone of a case stands at ``now``.
///
/// ``state`` is one of ``"pending"`` (not started), ``"in_progress"``, ``"paused"``,
/// ``"completed"`` (at or before the target: exactly at the target is compliant),
/// ``"completed_late"`` and ``"violated"`` (open and past the target). Instants are aware
/// datetimes in ``timezone.utc`` and durations are ``timedelta`` values of business time on the
/// milestone's calendar. Immutable; equal when every field is equal.
#[pyclass(module = "entitlement", name = "MilestoneStatus", frozen, eq)]
#[derive(PartialEq)]
pub struct MilestoneStatus {
    inner: rules::MilestoneStatus,
}

impl MilestoneStatus {
    pub(crate) fn wrap(inner: rules::MilestoneStatus) -> Self {
        MilestoneStatus { inner }
    }
}

#[pymethods]
impl MilestoneStatus {
    /// The case's id.
    #[getter]
    fn case_id(&self) -> &str {
        &self.inner.case_id
    }

    /// The milestone's name (``"First Response"``).
    #[getter]
    fn milestone(&self) -> &str {
        &self.inner.milestone
    }

    /// The milestone's kind: ``"first_response"``, ``"next_response"``, ``"resolution"`` or
    /// ``"custom"``.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }

    /// 1, 2, ... for the occurrences of a recurring milestone (or of a reopened resolution).
    #[getter]
    fn instance(&self) -> u32 {
        self.inner.instance
    }

    /// ``"pending"``, ``"in_progress"``, ``"paused"``, ``"completed"``, ``"completed_late"`` or
    /// ``"violated"``.
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state.as_str()
    }

    /// The name of the calendar the milestone's clock runs on; ``None`` for round the clock.
    #[getter]
    fn calendar(&self) -> Option<&str> {
        self.inner.calendar.as_deref()
    }

    /// When the clock started; ``None`` while pending.
    #[getter]
    fn started_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        opt_instant(py, self.inner.started_at)
    }

    /// The business time allowed (by the tier at completion, or at ``now`` while open);
    /// ``None`` when no tier of the target applies.
    #[getter]
    fn target<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDelta>>> {
        opt_duration(py, self.inner.target)
    }

    /// The deadline: pushed out by paused business time, provisional while paused.
    #[getter]
    fn target_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        opt_instant(py, self.inner.target_at)
    }

    /// When the milestone was completed; ``None`` while open or pending.
    #[getter]
    fn completed_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        opt_instant(py, self.inner.completed_at)
    }

    /// Active business time used (paused time excluded).
    #[getter]
    fn elapsed<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDelta>> {
        duration(py, self.inner.elapsed)
    }

    /// Business time spent paused.
    #[getter]
    fn paused<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDelta>> {
        duration(py, self.inner.paused)
    }

    /// ``target - elapsed``: negative once past the target; ``None`` without a target.
    #[getter]
    fn remaining<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDelta>>> {
        opt_duration(py, self.inner.remaining)
    }

    /// ``elapsed / target`` (above 1 once past the target); ``None`` without a target.
    #[getter]
    fn consumed(&self) -> Option<f64> {
        self.inner.consumed
    }

    /// The levels of the triggers crossed so far, in trigger order (``["warning"]``).
    #[getter]
    fn crossed(&self) -> Vec<&'static str> {
        levels(&self.inner.crossed)
    }

    /// The instant the clock reaches the next trigger; ``None`` once completed or when every
    /// trigger is crossed.
    #[getter]
    fn next_trigger_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        opt_instant(py, self.inner.next_trigger_at)
    }

    /// When the clock reached the target in force at that moment, if it has by ``now`` and
    /// before completion: the instant the monitor reports the breach. ``None`` otherwise.
    #[getter]
    fn breached_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        opt_instant(py, self.inner.breached_at)
    }

    /// Every trigger placed on the wall clock: dicts with ``point`` (as written, ``"50%"``),
    /// ``level``, ``actions``, ``at`` (provisional while paused), ``crossed`` (against the
    /// current target) and ``fired_at`` (when it fired, against the target in force at each
    /// moment: what the monitor reports; ``None`` until it fires).
    #[getter]
    fn triggers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        triggers(py, &self.inner.triggers)
    }

    /// Every field as a dict of plain Python objects (datetimes, timedeltas, lists, dicts).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        status_dict(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        let s = &self.inner;
        let when = |t: Option<DateTime<Utc>>| {
            t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
                .unwrap_or_else(|| "None".to_owned())
        };
        format!(
            "<MilestoneStatus case_id={:?} milestone={:?} instance={} state={:?} target_at={} \
             completed_at={}>",
            s.case_id,
            s.milestone,
            s.instance,
            s.state.as_str(),
            when(s.target_at),
            when(s.completed_at),
        )
    }
}

/// The whole result of evaluating one case at ``now``: its coverage and its milestones.
///
/// ``covered`` says whether a process applies (the entitlement was active when the case was
/// created, or the case names a process itself); when it does not, ``reason`` says why and
/// ``milestones`` is empty. ``entitlement_status`` is the entitlement's status at ``now``:
/// ``"none"`` (the case has none), ``"inactive"``, ``"active"`` or ``"expired"``.
#[pyclass(module = "entitlement", name = "CaseEvaluation", frozen, eq)]
#[derive(PartialEq)]
pub struct CaseEvaluation {
    inner: rules::CaseEvaluation,
}

impl CaseEvaluation {
    pub(crate) fn wrap(inner: rules::CaseEvaluation) -> Self {
        CaseEvaluation { inner }
    }
}

#[pymethods]
impl CaseEvaluation {
    /// The case's id.
    #[getter]
    fn case_id(&self) -> &str {
        &self.inner.case_id
    }

    /// The entitlement the case names, if any.
    #[getter]
    fn entitlement(&self) -> Option<&str> {
        self.inner.entitlement.as_deref()
    }

    /// The entitlement's status at ``now``: ``"none"``, ``"inactive"``, ``"active"`` or
    /// ``"expired"``.
    #[getter]
    fn entitlement_status(&self) -> &'static str {
        status_name(self.inner.entitlement_status)
    }

    /// Whether a process applies to the case.
    #[getter]
    fn covered(&self) -> bool {
        self.inner.covered
    }

    /// Why the case is not covered, in words; ``None`` when it is.
    #[getter]
    fn reason(&self) -> Option<&str> {
        self.inner.reason.as_deref()
    }

    /// The id of the process that applies.
    #[getter]
    fn process(&self) -> Option<&str> {
        self.inner.process.as_deref()
    }

    /// The version of that process.
    #[getter]
    fn process_version(&self) -> Option<u32> {
        self.inner.process_version
    }

    /// The entitlement's account context (id, name, ARR, CSM, ...), as written in the rules.
    #[getter]
    fn account<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        from_json_object(py, &self.inner.account)
    }

    /// One ``MilestoneStatus`` per milestone instance, in the process's milestone order.
    #[getter]
    fn milestones<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        statuses(py, &self.inner.milestones)
    }

    /// Every field as a dict of plain Python objects; ``milestones`` is a list of the
    /// statuses' ``to_dict()``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        evaluation_dict(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        let e = &self.inner;
        format!(
            "<CaseEvaluation case_id={:?} entitlement={} covered={} process={} \
             process_version={} milestones={}>",
            e.case_id,
            e.entitlement
                .as_ref()
                .map_or_else(|| "None".to_owned(), |id| format!("{id:?}")),
            if e.covered { "True" } else { "False" },
            e.process
                .as_ref()
                .map_or_else(|| "None".to_owned(), |id| format!("{id:?}")),
            e.process_version
                .map_or_else(|| "None".to_owned(), |v| v.to_string()),
            e.milestones.len(),
        )
    }
}

/// A status as the dict `MilestoneStatus.to_dict()` returns.
pub(crate) fn status_dict<'py>(
    py: Python<'py>,
    s: &rules::MilestoneStatus,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("case_id", &s.case_id)?;
    dict.set_item("milestone", &s.milestone)?;
    dict.set_item("kind", s.kind.as_str())?;
    dict.set_item("instance", s.instance)?;
    dict.set_item("state", s.state.as_str())?;
    dict.set_item("calendar", s.calendar.as_deref())?;
    dict.set_item("started_at", opt_instant(py, s.started_at)?)?;
    dict.set_item("target", opt_duration(py, s.target)?)?;
    dict.set_item("target_at", opt_instant(py, s.target_at)?)?;
    dict.set_item("completed_at", opt_instant(py, s.completed_at)?)?;
    dict.set_item("elapsed", duration(py, s.elapsed)?)?;
    dict.set_item("paused", duration(py, s.paused)?)?;
    dict.set_item("remaining", opt_duration(py, s.remaining)?)?;
    dict.set_item("consumed", s.consumed)?;
    dict.set_item("crossed", levels(&s.crossed))?;
    dict.set_item("next_trigger_at", opt_instant(py, s.next_trigger_at)?)?;
    dict.set_item("breached_at", opt_instant(py, s.breached_at)?)?;
    dict.set_item("triggers", triggers(py, &s.triggers)?)?;
    Ok(dict)
}

/// An evaluation as the dict `CaseEvaluation.to_dict()` returns.
pub(crate) fn evaluation_dict<'py>(
    py: Python<'py>,
    e: &rules::CaseEvaluation,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("case_id", &e.case_id)?;
    dict.set_item("entitlement", e.entitlement.as_deref())?;
    dict.set_item("entitlement_status", status_name(e.entitlement_status))?;
    dict.set_item("covered", e.covered)?;
    dict.set_item("reason", e.reason.as_deref())?;
    dict.set_item("process", e.process.as_deref())?;
    dict.set_item("process_version", e.process_version)?;
    dict.set_item("account", from_json_object(py, &e.account)?)?;
    let milestones = e
        .milestones
        .iter()
        .map(|m| status_dict(py, m))
        .collect::<PyResult<Vec<_>>>()?;
    dict.set_item("milestones", PyList::new(py, milestones)?)?;
    Ok(dict)
}

/// Level names, in order.
pub(crate) fn levels(items: &[Level]) -> Vec<&'static str> {
    items.iter().map(|l| l.as_str()).collect()
}

fn triggers<'py>(py: Python<'py>, items: &[TriggerStatus]) -> PyResult<Bound<'py, PyList>> {
    let items = items
        .iter()
        .map(|t| trigger(py, t))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

/// Statuses as a list of `MilestoneStatus` objects.
pub(crate) fn statuses<'py, 'a>(
    py: Python<'py>,
    items: impl IntoIterator<Item = &'a rules::MilestoneStatus>,
) -> PyResult<Bound<'py, PyList>> {
    let items = items
        .into_iter()
        .map(|m| Bound::new(py, MilestoneStatus::wrap(m.clone())))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

/// An entitlement's status at ``now``, the cases raised under it and each quota's use in the
/// period that contains ``now``.
///
/// ``quotas`` is a list of dicts with ``name`` (or ``None``), ``period`` (``"month"``,
/// ``"quarter"``, ``"year"`` or ``"term"``), ``period_start`` and ``period_end`` (``date``s,
/// both inclusive, in the entitlement's time zone), ``max_cases``, ``used``, ``remaining``,
/// ``projected`` (the use at the period's end if cases keep arriving at the rate so far: a
/// float, wall-clock and linear) and ``projected_over`` (whether that is above ``max_cases``).
#[pyclass(module = "entitlement", name = "EntitlementUsage", frozen, eq)]
#[derive(PartialEq)]
pub struct EntitlementUsage {
    inner: rules::EntitlementUsage,
}

impl EntitlementUsage {
    pub(crate) fn wrap(inner: rules::EntitlementUsage) -> Self {
        EntitlementUsage { inner }
    }
}

#[pymethods]
impl EntitlementUsage {
    /// The entitlement's id.
    #[getter]
    fn entitlement(&self) -> &str {
        &self.inner.entitlement
    }

    /// Its status at ``now``: ``"inactive"``, ``"active"`` or ``"expired"``.
    #[getter]
    fn status(&self) -> &'static str {
        status_name(self.inner.status)
    }

    /// The cases raised under it up to ``now``.
    #[getter]
    fn cases_used(&self) -> u32 {
        self.inner.cases_used
    }

    /// Its per-incident allowance, if any.
    #[getter]
    fn cases_per_entitlement(&self) -> Option<u32> {
        self.inner.cases_per_entitlement
    }

    /// What is left of that allowance (0 once used up); ``None`` without an allowance.
    #[getter]
    fn cases_remaining(&self) -> Option<u32> {
        self.inner.cases_remaining
    }

    /// Each quota's use in the period that contains ``now``.
    #[getter]
    fn quotas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        quotas(py, &self.inner.quotas)
    }

    /// Every field as a dict of plain Python objects.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        usage_dict(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        let u = &self.inner;
        format!(
            "<EntitlementUsage entitlement={:?} status={:?} cases_used={} cases_remaining={} \
             quotas={}>",
            u.entitlement,
            u.status.as_str(),
            u.cases_used,
            u.cases_remaining
                .map_or_else(|| "None".to_owned(), |n| n.to_string()),
            u.quotas.len(),
        )
    }
}

fn quotas<'py>(py: Python<'py>, items: &[QuotaUse]) -> PyResult<Bound<'py, PyList>> {
    let items = items
        .iter()
        .map(|q| quota(py, q))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

/// An entitlement's usage as the dict `EntitlementUsage.to_dict()` returns.
pub(crate) fn usage_dict<'py>(
    py: Python<'py>,
    u: &rules::EntitlementUsage,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("entitlement", &u.entitlement)?;
    dict.set_item("status", status_name(u.status))?;
    dict.set_item("cases_used", u.cases_used)?;
    dict.set_item("cases_per_entitlement", u.cases_per_entitlement)?;
    dict.set_item("cases_remaining", u.cases_remaining)?;
    dict.set_item("quotas", quotas(py, &u.quotas)?)?;
    Ok(dict)
}
