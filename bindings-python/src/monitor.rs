//! `entitlement.MonitorReport` and `entitlement.MonitorEvent`: what a monitor run returns (the
//! core's `rules::monitor`), the what-if comparison, and the report's tables for pandas.
//!
//! The report keeps the core's value and converts a part only when it is read, so that a run
//! over many cases costs no Python objects until they are used. Three views of one report:
//! the attributes and `to_dict()` give plain Python objects (aware UTC datetimes, timedeltas,
//! dates), `to_json()` the core's own JSON (instants as RFC 3339 strings, durations as seconds)
//! and `to_pandas(table)` one flat DataFrame per table.

use chrono::{DateTime, Utc};
use entitlement_core::rules::{self, AccountRollup, QuotaCrossing};
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDict, PyList, PyString};

use crate::alert::{Alert, alert_dict, passed_through};
use crate::convert::{from_json, from_json_object};
use crate::error::panic_error;
use crate::status::{
    CaseEvaluation, MilestoneStatus, date, evaluation_dict, instant, opt_instant, status_dict,
    statuses, usage_dict,
};

/// One thing that happened in the window of a monitor run: a trigger crossing, a breach, or
/// a case count reaching a fraction of a quota or of the per-incident allowance.
///
/// ``key`` is the same in every run (``"C-1/Resolution/1/trigger/0/75%"``,
/// ``"C-1/Resolution/1/breach"``, ``"acme-gold/quota/1/2026-11-01/0.8"``): a job that runs
/// every few minutes with ``since`` set to its previous ``now`` sees each event exactly once.
/// ``at`` is the instant the threshold was crossed. Milestone events carry the milestone's
/// ``status`` at ``now``; quota and allowance events carry ``quota`` (a dict with ``name``,
/// ``period``, ``period_start``, ``max_cases``, ``fraction`` and ``used``). Suppressed events
/// are reported too, with ``suppressed`` set and ``suppressed_by`` naming the rule
/// (``"min_level"``, ``"while_paused"`` or ``"agent_activity"``); they raise no alert.
/// Immutable; equal when every field is equal.
#[pyclass(module = "entitlement", name = "MonitorEvent", frozen, eq)]
#[derive(PartialEq)]
pub struct MonitorEvent {
    inner: rules::MonitorEvent,
}

#[pymethods]
impl MonitorEvent {
    /// Stable across runs: the same event has the same key whichever window reports it.
    #[getter]
    fn key(&self) -> &str {
        &self.inner.key
    }

    /// ``"trigger"``, ``"breach"``, ``"quota"`` or ``"allowance"``.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }

    /// ``"info"``, ``"warning"``, ``"critical"``, ``"violation"`` or ``"escalation"``.
    #[getter]
    fn level(&self) -> &'static str {
        self.inner.level.as_str()
    }

    /// The instant the threshold was crossed.
    #[getter]
    fn at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        instant(py, self.inner.at)
    }

    /// The case (for quota events, the case whose count crossed the fraction).
    #[getter]
    fn case_id(&self) -> Option<&str> {
        self.inner.case_id.as_deref()
    }

    /// The entitlement's id.
    #[getter]
    fn entitlement(&self) -> Option<&str> {
        self.inner.entitlement.as_deref()
    }

    /// The process's id (milestone events).
    #[getter]
    fn process(&self) -> Option<&str> {
        self.inner.process.as_deref()
    }

    /// The milestone's name (milestone events).
    #[getter]
    fn milestone(&self) -> Option<&str> {
        self.inner.milestone.as_deref()
    }

    /// The milestone instance (milestone events).
    #[getter]
    fn instance(&self) -> Option<u32> {
        self.inner.instance
    }

    /// The trigger's point as written (``"50%"``, ``"-5m"``); ``None`` for breaches and quotas.
    #[getter]
    fn point(&self) -> Option<&str> {
        self.inner.point.as_deref()
    }

    /// The trigger's own actions.
    #[getter]
    fn actions(&self) -> Vec<&str> {
        self.inner.actions.iter().map(String::as_str).collect()
    }

    /// The milestone's status at ``now`` (milestone events).
    #[getter]
    fn status(&self) -> Option<MilestoneStatus> {
        self.inner
            .status
            .as_deref()
            .cloned()
            .map(MilestoneStatus::wrap)
    }

    /// The quota side of a quota or allowance event: ``name``, ``period`` (``"term"`` for the
    /// allowance), ``period_start`` (a ``date``, or ``None`` for an allowance without a start
    /// date), ``max_cases``, ``fraction`` (of ``max_cases``) and ``used`` (the count that
    /// reached it).
    #[getter]
    fn quota<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.inner
            .quota
            .as_ref()
            .map(|q| quota_dict(py, q))
            .transpose()
    }

    /// The account context of the entitlement, as written in the rules.
    #[getter]
    fn account<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        from_json_object(py, &self.inner.account)
    }

    /// Whether a suppression rule held the event back (it raises no alert).
    #[getter]
    fn suppressed(&self) -> bool {
        self.inner.suppressed
    }

    /// The rule that suppressed it: ``"min_level"``, ``"while_paused"`` or
    /// ``"agent_activity"``; ``None`` when not suppressed.
    #[getter]
    fn suppressed_by(&self) -> Option<&str> {
        self.inner.suppressed_by.as_deref()
    }

    /// Every field as a dict of plain Python objects; ``status`` is the status's ``to_dict()``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        event_dict(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        let e = &self.inner;
        format!(
            "<MonitorEvent key={:?} kind={:?} level={:?} at={}{}>",
            e.key,
            e.kind.as_str(),
            e.level.as_str(),
            rfc3339(e.at),
            e.suppressed_by
                .as_ref()
                .map(|rule| format!(" suppressed_by={rule:?}"))
                .unwrap_or_default(),
        )
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

fn quota_dict<'py>(py: Python<'py>, q: &QuotaCrossing) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("name", q.name.as_deref())?;
    dict.set_item("period", q.period.as_str())?;
    dict.set_item(
        "period_start",
        q.period_start.map(|d| date(py, d)).transpose()?,
    )?;
    dict.set_item("max_cases", q.max_cases)?;
    dict.set_item("fraction", q.fraction)?;
    dict.set_item("used", q.used)?;
    Ok(dict)
}

fn event_dict<'py>(py: Python<'py>, e: &rules::MonitorEvent) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("key", &e.key)?;
    dict.set_item("kind", e.kind.as_str())?;
    dict.set_item("level", e.level.as_str())?;
    dict.set_item("at", instant(py, e.at)?)?;
    dict.set_item("case_id", e.case_id.as_deref())?;
    dict.set_item("entitlement", e.entitlement.as_deref())?;
    dict.set_item("process", e.process.as_deref())?;
    dict.set_item("milestone", e.milestone.as_deref())?;
    dict.set_item("instance", e.instance)?;
    dict.set_item("point", e.point.as_deref())?;
    dict.set_item("actions", &e.actions)?;
    let status = e.status.as_ref().map(|s| status_dict(py, s)).transpose()?;
    dict.set_item("status", status)?;
    let quota = e.quota.as_ref().map(|q| quota_dict(py, q)).transpose()?;
    dict.set_item("quota", quota)?;
    dict.set_item("account", from_json_object(py, &e.account)?)?;
    dict.set_item("suppressed", e.suppressed)?;
    dict.set_item("suppressed_by", e.suppressed_by.as_deref())?;
    Ok(dict)
}

/// An account rollup as a dict: instants, dates and durations as Python objects, the values
/// passed through from the account context (ARR, renewal date, ...) as written.
fn account_dict<'py>(py: Python<'py>, a: &AccountRollup) -> PyResult<Bound<'py, PyDict>> {
    let processes = a
        .processes
        .iter()
        .map(|p| {
            let milestones = p
                .milestones
                .iter()
                .map(|m| {
                    let dict = PyDict::new(py);
                    dict.set_item("milestone", &m.milestone)?;
                    dict.set_item("met", m.met)?;
                    dict.set_item("late", m.late)?;
                    dict.set_item("violated", m.violated)?;
                    dict.set_item("open", m.open)?;
                    dict.set_item("at_risk", m.at_risk)?;
                    dict.set_item("near_misses", m.near_misses)?;
                    dict.set_item("breaches", m.breaches)?;
                    dict.set_item("attainment", m.attainment)?;
                    Ok(dict)
                })
                .collect::<PyResult<Vec<_>>>()?;
            let dict = PyDict::new(py);
            dict.set_item("process", &p.process)?;
            dict.set_item("cases", p.cases)?;
            dict.set_item("milestones", PyList::new(py, milestones)?)?;
            Ok(dict)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let usage = a
        .usage
        .iter()
        .map(|u| usage_dict(py, u))
        .collect::<PyResult<Vec<_>>>()?;
    let over = a
        .over_quota_periods
        .iter()
        .map(|o| {
            let dict = PyDict::new(py);
            dict.set_item("entitlement", &o.entitlement)?;
            dict.set_item("name", o.name.as_deref())?;
            dict.set_item("period", o.period.as_str())?;
            dict.set_item("period_start", date(py, o.period_start)?)?;
            dict.set_item("used", o.used)?;
            dict.set_item("max_cases", o.max_cases)?;
            Ok(dict)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let dict = PyDict::new(py);
    dict.set_item("account_id", &a.account_id)?;
    dict.set_item("name", a.name.as_deref())?;
    dict.set_item("arr", passed_through(py, a.arr.as_ref())?)?;
    dict.set_item("renewal_date", passed_through(py, a.renewal_date.as_ref())?)?;
    dict.set_item("account", from_json_object(py, &a.account)?)?;
    dict.set_item("entitlements", &a.entitlements)?;
    dict.set_item("cases", a.cases)?;
    dict.set_item("processes", PyList::new(py, processes)?)?;
    dict.set_item("breaches", a.breaches)?;
    dict.set_item("near_misses", a.near_misses)?;
    dict.set_item("at_risk", a.at_risk)?;
    dict.set_item("usage", PyList::new(py, usage)?)?;
    dict.set_item("projected_over", a.projected_over)?;
    dict.set_item("over_quota_periods", PyList::new(py, over)?)?;
    dict.set_item("chronic_over_consumer", a.chronic_over_consumer)?;
    Ok(dict)
}

/// The result of one monitor run (``Ruleset.monitor``): what happened in ``(since, now]``
/// and where every open milestone and every account stands at ``now``.
///
/// - ``events``: ``MonitorEvent``s by instant, then key, suppressed ones included and marked;
///   each has a key that is the same in every run.
/// - ``alerts``: one ``Alert`` per event that is not suppressed, in the same order, with the
///   account context, deadlines, suggested actions and renderers (Slack, email, Jira,
///   PagerDuty).
/// - ``statuses``: the ``MilestoneStatus`` of every open milestone (in progress, paused or
///   violated), least time left first.
/// - ``accounts``: one dict per account (by account id) with attainment per process and
///   milestone, breaches, near misses, open milestones at risk, case counts per entitlement
///   with projections, and the chronic over-consumption flag. Instants, dates and durations
///   are Python objects; what the rules' account context holds (ARR, renewal date, ...) is
///   passed through as written.
/// - ``cases``: the ``CaseEvaluation`` of every case, in input order.
///
/// A job that runs every half hour, each time with ``since`` set to its previous ``now``::
///
///     >>> rules = Ruleset.from_dict({
///     ...     "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response",
///     ...         "target": "1h", "triggers": [{"at": "50%", "level": "warning"}]}]}],
///     ...     "entitlements": [{"id": "e", "process": "p", "account": {"name": "Acme"}}]})
///     >>> cases = [{"id": "C-1", "entitlement": "e", "created_at": "2026-11-25T10:00:00Z"}]
///     >>> first = rules.monitor(cases, "2026-11-25T10:40:00Z")
///     >>> [(e.key, e.at.isoformat()) for e in first.events]  # the warning at 10:30
///     [('C-1/FR/1/trigger/0/50%', '2026-11-25T10:30:00+00:00')]
///     >>> later = rules.monitor(cases, "2026-11-25T11:10:00Z", since=first.now)
///     >>> [(e.key, e.at.isoformat()) for e in later.events]  # only the breach at 11:00
///     [('C-1/FR/1/breach', '2026-11-25T11:00:00+00:00')]
///     >>> later.alerts[0].title
///     '[violation] Acme: FR #1 of case C-1 breached its target'
///
/// Each attribute builds new Python objects when read: keep a reference rather than reading it
/// in a loop. ``to_dict()`` gives the whole report as plain Python objects, ``to_json()`` the
/// core's JSON (instants as RFC 3339 strings, durations as seconds) and ``to_pandas(table)``
/// one flat DataFrame of ``"events"``, ``"alerts"``, ``"statuses"`` or ``"accounts"``.
/// Immutable; equal when every field is equal.
#[pyclass(module = "entitlement", name = "MonitorReport", frozen, eq)]
#[derive(PartialEq)]
pub struct MonitorReport {
    inner: rules::MonitorReport,
    since: Option<DateTime<Utc>>,
}

impl MonitorReport {
    pub(crate) fn wrap(inner: rules::MonitorReport, since: Option<DateTime<Utc>>) -> Self {
        MonitorReport { inner, since }
    }
}

#[pymethods]
impl MonitorReport {
    /// The run's ``now``.
    #[getter]
    fn now<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        instant(py, self.inner.now)
    }

    /// The run's ``since``; ``None`` when the run covered everything up to ``now``.
    #[getter]
    fn since<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        opt_instant(py, self.since)
    }

    /// The events of ``(since, now]``, by instant then key; suppressed ones included.
    #[getter]
    fn events<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self
            .inner
            .events
            .iter()
            .map(|e| Bound::new(py, MonitorEvent { inner: e.clone() }))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    /// One alert per event that is not suppressed, in the same order.
    #[getter]
    fn alerts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self
            .inner
            .alerts
            .iter()
            .map(|a| Bound::new(py, Alert::wrap(a.clone())))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    /// The status of every open milestone (in progress, paused or violated), least time left
    /// first.
    #[getter]
    fn statuses<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        statuses(py, self.inner.statuses())
    }

    /// One rollup per account, by account id (see the class's documentation).
    #[getter]
    fn accounts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self
            .inner
            .accounts
            .iter()
            .map(|a| account_dict(py, a))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    /// The evaluation of every case (coverage and milestones), in input order.
    #[getter]
    fn cases<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self
            .inner
            .cases
            .iter()
            .map(|c| Bound::new(py, CaseEvaluation::wrap(c.clone())))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    /// The whole report as a dict of plain Python objects (datetimes, timedeltas, dates,
    /// lists, dicts): ``now``, ``since``, ``events``, ``alerts``, ``statuses``, ``accounts`` and
    /// ``cases``, each item as its ``to_dict()``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let r = &self.inner;
        let list = |items: Vec<Bound<'py, PyDict>>| PyList::new(py, items);
        let dict = PyDict::new(py);
        dict.set_item("now", instant(py, r.now)?)?;
        dict.set_item("since", opt_instant(py, self.since)?)?;
        let events = r.events.iter().map(|e| event_dict(py, e));
        dict.set_item("events", list(events.collect::<PyResult<_>>()?)?)?;
        let alerts = r.alerts.iter().map(|a| alert_dict(py, a));
        dict.set_item("alerts", list(alerts.collect::<PyResult<_>>()?)?)?;
        let open = r.statuses().into_iter().map(|s| status_dict(py, s));
        dict.set_item("statuses", list(open.collect::<PyResult<_>>()?)?)?;
        let accounts = r.accounts.iter().map(|a| account_dict(py, a));
        dict.set_item("accounts", list(accounts.collect::<PyResult<_>>()?)?)?;
        let cases = r.cases.iter().map(|c| evaluation_dict(py, c));
        dict.set_item("cases", list(cases.collect::<PyResult<_>>()?)?)?;
        Ok(dict)
    }

    /// The report as JSON text, exactly as the core serialises it: instants as RFC 3339
    /// strings in UTC (``"2026-11-25T20:30:00Z"``), durations as seconds (floats), dates as
    /// ``"YYYY-MM-DD"``. ``json.loads`` reads it back. Serialised without the GIL.
    fn to_json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        let text = py
            .detach(|| serde_json::to_string(&self.inner))
            .map_err(|err| panic_error(py, Box::new(err.to_string())))?;
        Ok(PyString::new(py, &text))
    }

    /// One table of the report as a ``pandas.DataFrame``, one row per item and flat columns:
    ///
    /// - ``"events"``: the event's fields, its account's ``account_id`` and ``account_name``,
    ///   the milestone's ``state``, ``target_at``, ``remaining`` and ``consumed`` at ``now``,
    ///   and the quota side as ``quota_name``, ``quota_period``, ``quota_period_start``,
    ///   ``quota_max_cases``, ``quota_fraction`` and ``quota_used``;
    /// - ``"alerts"``: the alert's fields but the whole ``account`` dict;
    /// - ``"statuses"``: the open milestones' fields but ``triggers``, with their case's
    ///   ``entitlement``, ``process`` and ``process_version`` after ``case_id``;
    /// - ``"accounts"``: the rollup's scalar fields, ``entitlements`` (a list) and
    ///   ``over_quota_periods`` (a count); the per-process attainment and the usage stay in
    ///   ``accounts`` / ``to_dict()``.
    ///
    /// Columns keep their type even when the table is empty: instants are
    /// ``datetime64[us, UTC]``, durations ``timedelta64[us]``, counts ``int64`` (``Int64``
    /// where they may be missing), fractions ``float64``; lists stay lists, and a value passed
    /// through from the account context that is a list or a dict becomes its JSON text.
    /// The frame is the Arrow table of the same name (the layout of ``evaluate_arrow`` and
    /// ``monitor_arrow``, ``docs/binding-contract.md``) converted by pyarrow. pandas and
    /// pyarrow are imported on the first call; without either, raises ``ImportError``.
    #[pyo3(signature = (table = None), text_signature = "($self, table='events')")]
    fn to_pandas<'py>(
        &self,
        py: Python<'py>,
        table: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::tables::to_pandas(py, &self.inner, table)
    }

    /// One table of the report as a ``pyarrow.RecordBatch``: the layout ``to_pandas`` converts
    /// (and ``evaluate_arrow`` / ``monitor_arrow`` return for statuses and events), with
    /// instants as ``timestamp[us, UTC]``, durations ``duration[us]``, counts ``uint32`` and
    /// values passed through from the account context as JSON text (``arrow.json``). pyarrow
    /// is imported on the first call; without it, raises ``ImportError``.
    #[pyo3(signature = (table = None), text_signature = "($self, table='events')")]
    fn to_arrow<'py>(
        &self,
        py: Python<'py>,
        table: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::tables::to_arrow(py, &self.inner, table)
    }

    fn __repr__(&self) -> String {
        let r = &self.inner;
        format!(
            "<MonitorReport now={} since={} events={} alerts={} statuses={} accounts={} \
             cases={}>",
            rfc3339(r.now),
            self.since.map_or_else(|| "None".to_owned(), rfc3339),
            r.events.len(),
            r.alerts.len(),
            r.open.len(),
            r.accounts.len(),
            r.cases.len(),
        )
    }
}

/// A what-if comparison as a dict: ``rows`` (per milestone, the attainment under the current
/// and the proposed rules) and ``changes`` (the instances whose verdict differs). Every value
/// is a JSON scalar, so the core's JSON is already the Python shape.
pub(crate) fn what_if_dict<'py>(
    py: Python<'py>,
    w: &rules::WhatIf,
) -> PyResult<Bound<'py, PyDict>> {
    let value =
        serde_json::to_value(w).map_err(|err| panic_error(py, Box::new(err.to_string())))?;
    Ok(from_json(py, &value)?.cast_into::<PyDict>()?)
}
