//! `entitlement.MonitorReport` and `entitlement.MonitorEvent`: what a monitor run returns (the
//! core's `rules::monitor`), and the report's tables for pandas.
//!
//! The report keeps the core's value and converts a part only when it is read, so that a run
//! over many cases costs no Python objects until they are used. Three views of one report:
//! the properties and `to_dict()` give plain Python objects (aware UTC datetimes, timedeltas,
//! dates), `to_json()` the core's own JSON (instants as RFC 3339 strings, durations as seconds)
//! and `to_pandas(table)` one flat DataFrame per table.

use entitlement_core::rules;
use pyo3::prelude::*;

use crate::alert::Alert;
use crate::case_error::CaseError;
use crate::error::Result;
use crate::results::{objects, result_class};
use crate::ser::to_py;
use crate::status::{CaseEvaluation, MilestoneStatus};

result_class! {
    /// One thing that happened in the window of a monitor run: a trigger crossing, a breach, or
    /// a case count reaching a fraction of a quota or of the per-incident allowance.
    ///
    /// ``key`` is the same in every run (``"C-1/Resolution/1/trigger/0/75%"``,
    /// ``"C-1/Resolution/1/breach"``, ``"acme-gold/quota/1/2026-11-01/0.8"``): a job that runs
    /// every few minutes with ``since`` set to its previous ``now`` sees each event exactly
    /// once. ``at`` is the instant the threshold was crossed. Milestone events carry the
    /// milestone's ``status`` at ``now``; quota and allowance events carry ``quota`` (a dict
    /// with ``name``, ``period``, ``period_start``, ``max_cases``, ``fraction`` and ``used``).
    /// Suppressed events are reported too, with ``suppressed`` set and ``suppressed_by`` naming
    /// the rule (``"min_level"``, ``"while_paused"`` or ``"agent_activity"``); they raise no
    /// alert. Immutable; equal when every field is equal.
    MonitorEvent(rules::MonitorEvent),
    repr: ["key": Quoted, "kind": Quoted, "level": Quoted, "at": Plain,
           "suppressed_by": IfSome];
    typed(this, py) {
        "status" => match this.inner.status.as_deref() {
            Some(s) => Bound::new(py, MilestoneStatus::wrap(s.clone()))
                .map(Bound::into_any)
                .map_err(Into::into),
            None => Ok(py.None().into_bound(py)),
        },
    };
}

result_class! {
    /// The result of one monitor run (``Ruleset.monitor``): what happened in ``(since, now]``
    /// and where every open milestone and every account stands at ``now``.
    ///
    /// - ``events``: ``MonitorEvent``s by instant, then key, suppressed ones included and
    ///   marked; each has a key that is the same in every run.
    /// - ``alerts``: one ``Alert`` per event that is not suppressed, in the same order, with the
    ///   account context, deadlines, suggested actions and renderers (Slack, email, Jira,
    ///   PagerDuty).
    /// - ``statuses``: the ``MilestoneStatus`` of every open milestone (in progress, paused or
    ///   violated): the at-risk ones, then the breached ones, then the rest.
    /// - ``at_risk``: the open milestones not yet breached that crossed a trigger or used the
    ///   ``monitor.at_risk`` fraction of their target, soonest wall-clock deadline first.
    /// - ``breached``: the breached milestones still open, most recently breached first.
    /// - ``accounts``: one dict per account (by account id) with attainment per process and
    ///   milestone, breaches, near misses, open milestones at risk, case counts per entitlement
    ///   with projections, and the chronic over-consumption flag. Instants, dates and durations
    ///   are Python objects; what the rules' account context holds (ARR, renewal date, ...) is
    ///   passed through as written.
    /// - ``cases``: the ``CaseEvaluation`` of every case, in input order.
    /// - ``errors``: a ``CaseError`` per case left out (``on_error="collect"``), in input
    ///   order; each also has a ``"data_error"`` event and its alert.
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
    ///     'FR on case C-1 (Acme) breached at 11:00 UTC, 10 min ago'
    ///
    /// Each property builds new Python objects when read: keep a reference rather than reading
    /// it in a loop. ``to_dict()`` gives the whole report as plain Python objects,
    /// ``to_json()`` the core's JSON (instants as RFC 3339 strings, durations as seconds) and
    /// ``to_pandas(table)`` one flat DataFrame of ``"events"``, ``"alerts"``, ``"statuses"``,
    /// ``"accounts"``, ``"outcomes"`` or ``"account_periods"``. Immutable; equal when every
    /// field is equal.
    MonitorReport(rules::MonitorReport),
    repr: ["now": Plain, "since": Plain, "events": Plain, "alerts": Plain, "statuses": Plain,
           "at_risk": Plain, "breached": Plain, "accounts": Plain, "cases": Plain, "errors": Plain];
    typed(this, py) {
        "events" => objects(py, &this.inner.events, MonitorEvent::wrap),
        "alerts" => objects(py, &this.inner.alerts, Alert::wrap),
        "statuses" => objects(py, this.inner.statuses(), MilestoneStatus::wrap),
        "at_risk" => objects(py, this.inner.at_risk_statuses(), MilestoneStatus::wrap),
        "breached" => objects(py, this.inner.breached_statuses(), MilestoneStatus::wrap),
        "cases" => objects(py, &this.inner.cases, CaseEvaluation::wrap),
        "errors" => objects(py, &this.inner.errors, CaseError::wrap),
    };
    methods {

    /// One digest per account of the report's alerts, for channels that should get one
    /// message per run rather than one per event: a list of dicts with ``account_id``,
    /// ``account_name``, ``breached`` and ``at_risk`` (counts), ``headline``
    /// (``"Acme Corp: 2 breached, 5 at risk"``), ``keys`` (the keys of its alerts, breaches
    /// first), ``slack`` (a Block Kit message within Slack's limits) and ``email``
    /// (``{"subject", "text", "html"}``).
    fn digests<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        to_py(py, &digest_values(&self.inner))
    }

    /// Every started milestone occurrence of the report's cases with its outcome, in case
    /// order then milestone order: the breach and near-miss log. A list of dicts with
    /// ``case_id``, ``account_id``, ``account_name``, ``entitlement``, ``process``,
    /// ``process_version``, ``tier``, ``milestone``, ``kind``, ``instance``, ``calendar``,
    /// ``started_at``, ``target`` (a ``timedelta`` of business time), ``target_at``,
    /// ``completed_at``, ``outcome`` (``"met"``, ``"late"``, ``"violated"`` or ``"open"``),
    /// ``margin`` (business time to spare, negative once late), ``margin_wall`` (wall-clock
    /// time to spare: the deadline minus the completion, or ``now`` while open),
    /// ``breached_at``, ``near_miss`` (met with less than ``monitor.near_miss`` of the target
    /// left), ``elapsed`` (business time used), and ``month`` (``"2026-07"``), ``quarter``
    /// (``"2026-Q3"``) and ``reporting_time_zone`` of its start.
    ///
    /// ``start`` and ``end`` (a ``datetime.date`` or ``"YYYY-MM-DD"``, both inclusive, either
    /// may be omitted) keep the occurrences started on those days in the case's reporting
    /// zone (its entitlement's calendar zone, else its process's, else UTC).
    #[pyo3(signature = (start = None, end = None))]
    fn outcomes<'py>(
        &self,
        py: Python<'py>,
        start: Option<&Bound<'py, PyAny>>,
        end: Option<&Bound<'py, PyAny>>,
    ) -> Result<Bound<'py, PyAny>> {
        let (start, end) = (
            crate::convert::date_arg(start, "start")?,
            crate::convert::date_arg(end, "end")?,
        );
        let rows: Vec<_> = self.inner.outcome_rows(start, end).collect();
        to_py(py, &rows)
    }

    /// One dict per account over the days ``start`` to ``end`` (a ``datetime.date`` or
    /// ``"YYYY-MM-DD"``, both inclusive, either may be omitted; everything when both are):
    /// ``account_id``, ``account_name``, ``period_start``, ``period_end``, ``entitlements``,
    /// ``cases``, ``met``, ``late``, ``violated``, ``open``, ``breaches``, ``near_misses``,
    /// ``attainment`` (percent), ``attainment_by_milestone`` (one dict per process and
    /// milestone), ``first_response_p50`` / ``_p90`` and ``resolution_p50`` / ``_p90``
    /// (``timedelta``s of business time, nearest rank), ``cases_used``, ``cases_allowed``,
    /// ``usage``, ``projected_over``, ``chronic_over_consumer``, ``over_quota_periods``,
    /// ``arr``, ``renewal_date``, ``days_to_renewal``, ``executive_sponsor``, ``csm`` and the
    /// whole ``account`` context. Without a period the counts equal the rollups' sums.
    #[pyo3(signature = (start = None, end = None))]
    fn account_periods<'py>(
        &self,
        py: Python<'py>,
        start: Option<&Bound<'py, PyAny>>,
        end: Option<&Bound<'py, PyAny>>,
    ) -> Result<Bound<'py, PyAny>> {
        let (start, end) = (
            crate::convert::date_arg(start, "start")?,
            crate::convert::date_arg(end, "end")?,
        );
        to_py(py, &self.inner.account_periods(start, end))
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
    ///   ``accounts`` / ``to_dict()``;
    /// - ``"outcomes"``: the rows of ``outcomes()``, every occurrence;
    /// - ``"account_periods"``: the rows of ``account_periods()`` over everything, with
    ///   ``attainment_by_milestone`` and ``usage`` as JSON text.
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
    ) -> Result<Bound<'py, PyAny>> {
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
    ) -> Result<Bound<'py, PyAny>> {
        crate::tables::to_arrow(py, &self.inner, table)
    }
    }
}

/// The report's digests as plain values ([`rules::Digest::to_value`]).
fn digest_values(report: &rules::MonitorReport) -> serde_json::Value {
    report
        .digests()
        .iter()
        .map(rules::Digest::to_value)
        .collect()
}
