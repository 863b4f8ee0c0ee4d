//! `entitlement.MonitorReport` and `entitlement.MonitorEvent`: what a monitor run returns (the
//! core's `rules::monitor`), and the report's tables for pandas.
//!
//! The report keeps the core's value and converts a part only when it is read, so that a run
//! over many cases costs no Python objects until they are used. Three views of one report:
//! the properties and `to_dict()` give plain Python objects (aware UTC datetimes, timedeltas,
//! dates), `to_json()` the core's own JSON (instants as RFC 3339 strings, durations as seconds)
//! and `to_pandas(table)` one flat DataFrame per table.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use entitlement_core::Error;
use entitlement_core::rules::{self, AccountRollup, Level};
use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyDateTime, PyDelta, PyDict, PyList, PyModule, PyString};
use pyo3::{IntoPyObjectExt, PyTypeInfo, intern};
use serde_json::Value;

use crate::alert::Alert;
use crate::convert::string_arg;
use crate::error::{Result, detached};
use crate::results::{objects, result_class};
use crate::ser::{duration_to_py, instant_to_py};
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
    /// Each property builds new Python objects when read: keep a reference rather than reading
    /// it in a loop. ``to_dict()`` gives the whole report as plain Python objects,
    /// ``to_json()`` the core's JSON (instants as RFC 3339 strings, durations as seconds) and
    /// ``to_pandas(table)`` one flat DataFrame of ``"events"``, ``"alerts"``, ``"statuses"`` or
    /// ``"accounts"``. Immutable; equal when every field is equal.
    MonitorReport(rules::MonitorReport),
    repr: ["now": Plain, "since": Plain, "events": Plain, "alerts": Plain, "statuses": Plain,
           "accounts": Plain, "cases": Plain];
    typed(this, py) {
        "events" => objects(py, &this.inner.events, MonitorEvent::wrap),
        "alerts" => objects(py, &this.inner.alerts, Alert::wrap),
        "statuses" => objects(py, this.inner.statuses(), MilestoneStatus::wrap),
        "cases" => objects(py, &this.inner.cases, CaseEvaluation::wrap),
    };
    methods {

    /// The report as JSON text, exactly as the core serialises it: instants as RFC 3339
    /// strings in UTC (``"2026-11-25T20:30:00Z"``), durations as seconds (floats), dates as
    /// ``"YYYY-MM-DD"``. ``json.loads`` reads it back. Serialised without the GIL.
    fn to_json<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyString>> {
        let text = detached(py, || {
            serde_json::to_string(&self.inner).map_err(|err| Error::Internal {
                reason: err.to_string(),
            })
        })?;
        Ok(PyString::new(py, &text))
    }

    /// One table of the report as a ``pandas.DataFrame``, one row per item and flat columns:
    ///
    /// - ``"events"``: the event's fields, its account's ``account_id`` and ``account_name``,
    ///   the milestone's ``state``, ``target_at``, ``remaining`` and ``consumed`` at ``now``,
    ///   and the quota side as ``quota_name``, ``quota_period``, ``quota_period_start``,
    ///   ``quota_max_cases``, ``quota_fraction`` and ``quota_used``;
    /// - ``"alerts"``: the alert's fields but the whole ``account`` dict;
    /// - ``"statuses"``: the open milestones' fields but ``triggers``;
    /// - ``"accounts"``: the rollup's scalar fields, ``entitlements`` (a list) and
    ///   ``over_quota_periods`` (a count); the per-process attainment and the usage stay in
    ///   ``accounts`` / ``to_dict()``.
    ///
    /// Columns keep their type even when the table is empty: instants are
    /// ``datetime64[us, UTC]``, durations ``timedelta64[us]``, counts ``int64`` (``Int64``
    /// where they may be missing), fractions ``float64``; lists stay lists, and a value passed
    /// through from the account context that is a list or a dict becomes its JSON text.
    /// pandas is imported on the first call; without it, raises ``ImportError``.
    #[pyo3(signature = (table = None), text_signature = "($self, table='events')")]
    fn to_pandas<'py>(
        &self,
        py: Python<'py>,
        table: Option<&Bound<'py, PyAny>>,
    ) -> Result<Bound<'py, PyAny>> {
        let table = match table {
            Some(t) => string_arg(t, "table")?,
            None => "events".to_owned(),
        };
        if !TABLES.contains(&table.as_str()) {
            return Err(Error::InvalidValue {
                path: "table".into(),
                reason: format!(
                    "unknown table {table:?}; expected \"events\", \"alerts\", \
                     \"statuses\" or \"accounts\""
                ),
            }
            .in_argument()
            .into());
        }
        let pandas = import_pandas(py)?;
        let r = &self.inner;
        let frame = match table.as_str() {
            "events" => events_table(py, &r.events)?,
            "alerts" => alerts_table(py, &r.alerts)?,
            "statuses" => statuses_table(py, &r.statuses())?,
            _ => accounts_table(py, &r.accounts)?,
        };
        Ok(frame.into_frame(&pandas)?)
    }
    }
}

// --- The flat tables of `to_pandas` ------------------------------------------------------------

fn instant(py: Python<'_>, t: DateTime<Utc>) -> PyResult<Bound<'_, PyDateTime>> {
    Ok(instant_to_py(py, t.timestamp_micros())?)
}

fn opt_instant(
    py: Python<'_>,
    t: Option<DateTime<Utc>>,
) -> PyResult<Option<Bound<'_, PyDateTime>>> {
    t.map(|t| instant(py, t)).transpose()
}

fn duration(py: Python<'_>, d: TimeDelta) -> PyResult<Bound<'_, PyDelta>> {
    Ok(duration_to_py(
        py,
        d.num_microseconds().unwrap_or(i64::MAX),
    )?)
}

fn opt_duration(py: Python<'_>, d: Option<TimeDelta>) -> PyResult<Option<Bound<'_, PyDelta>>> {
    d.map(|d| duration(py, d)).transpose()
}

fn date(py: Python<'_>, d: NaiveDate) -> PyResult<Bound<'_, PyDate>> {
    use chrono::Datelike;
    PyDate::new(py, d.year(), d.month() as u8, d.day() as u8)
}

fn levels(items: &[Level]) -> Vec<&'static str> {
    items.iter().map(|l| l.as_str()).collect()
}

/// The tables `to_pandas` knows.
const TABLES: [&str; 4] = ["events", "alerts", "statuses", "accounts"];

/// pandas, or an `ImportError` that says what needs it and how to get it.
fn import_pandas(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import(intern!(py, "pandas")).map_err(|cause| {
        if !cause.is_instance_of::<PyImportError>(py) {
            return cause;
        }
        let build = || -> PyResult<PyErr> {
            let kwargs = PyDict::new(py);
            kwargs.set_item("name", "pandas")?;
            let exc = PyImportError::type_object(py).call(
                ("MonitorReport.to_pandas needs pandas, which is not installed: pip install pandas",),
                Some(&kwargs),
            )?;
            let err = PyErr::from_value(exc);
            err.set_cause(py, Some(cause));
            Ok(err)
        };
        build().unwrap_or_else(|err| err)
    })
}

/// The type of a column, which gives its pandas dtype.
#[derive(Clone, Copy)]
enum Column {
    /// Text (pandas infers its string dtype).
    Text,
    /// Counts, never missing.
    Count,
    /// Integers that may be missing.
    OptionalInt,
    Float,
    Bool,
    Instant,
    Duration,
    /// Lists, dates and values passed through: Python objects.
    Object,
}

impl Column {
    fn dtype(self) -> Option<&'static str> {
        match self {
            Column::Count => Some("int64"),
            Column::OptionalInt => Some("Int64"),
            Column::Float => Some("float64"),
            Column::Bool => Some("bool"),
            // The library's resolution, and the whole supported range (nanoseconds stop in 2262).
            Column::Instant => Some("datetime64[us, UTC]"),
            Column::Duration => Some("timedelta64[us]"),
            Column::Text | Column::Object => None,
        }
    }
}

/// A table built column by column.
struct Table<'py> {
    py: Python<'py>,
    columns: &'static [(&'static str, Column)],
    values: Vec<Vec<Bound<'py, PyAny>>>,
}

impl<'py> Table<'py> {
    fn new(py: Python<'py>, columns: &'static [(&'static str, Column)], rows: usize) -> Self {
        let values = columns.iter().map(|_| Vec::with_capacity(rows)).collect();
        Table {
            py,
            columns,
            values,
        }
    }

    fn row(&mut self, row: Vec<Bound<'py, PyAny>>) {
        debug_assert_eq!(row.len(), self.columns.len());
        for (column, value) in self.values.iter_mut().zip(row) {
            column.push(value);
        }
    }

    fn into_frame(self, pandas: &Bound<'py, PyModule>) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        let array = pandas.getattr(intern!(py, "array"))?;
        let data = PyDict::new(py);
        for ((name, column), values) in self.columns.iter().zip(self.values) {
            let empty = values.is_empty();
            let list = PyList::new(py, values)?;
            let values = match column.dtype() {
                Some(dtype) => array.call1((list, dtype))?,
                // An empty column of objects would otherwise read as float64.
                None if empty => array.call1((list, "object"))?,
                None => list.into_any(),
            };
            data.set_item(*name, values)?;
        }
        let names = PyList::new(py, self.columns.iter().map(|(name, _)| *name))?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("columns", names)?;
        pandas
            .getattr(intern!(py, "DataFrame"))?
            .call((data,), Some(&kwargs))
    }
}

/// A Python value for a table cell.
fn cell<'py>(py: Python<'py>, value: impl IntoPyObject<'py>) -> PyResult<Bound<'py, PyAny>> {
    value.into_bound_py_any(py)
}

/// A value passed through from the account context, for a flat column: a scalar as itself, a
/// list or a dict as its JSON text.
fn flat<'py>(py: Python<'py>, value: Option<&Value>) -> PyResult<Bound<'py, PyAny>> {
    match value {
        None => Ok(py.None().into_bound(py)),
        Some(v @ (Value::Array(_) | Value::Object(_))) => cell(py, v.to_string()),
        Some(v) => Ok(crate::ser::to_py(py, v)?),
    }
}

const EVENT_COLUMNS: &[(&str, Column)] = &[
    ("key", Column::Text),
    ("kind", Column::Text),
    ("level", Column::Text),
    ("at", Column::Instant),
    ("case_id", Column::Text),
    ("entitlement", Column::Text),
    ("process", Column::Text),
    ("milestone", Column::Text),
    ("instance", Column::OptionalInt),
    ("point", Column::Text),
    ("actions", Column::Object),
    ("suppressed", Column::Bool),
    ("suppressed_by", Column::Text),
    ("account_id", Column::Object),
    ("account_name", Column::Object),
    ("state", Column::Text),
    ("target_at", Column::Instant),
    ("remaining", Column::Duration),
    ("consumed", Column::Float),
    ("quota_name", Column::Text),
    ("quota_period", Column::Text),
    ("quota_period_start", Column::Object),
    ("quota_max_cases", Column::OptionalInt),
    ("quota_fraction", Column::Float),
    ("quota_used", Column::OptionalInt),
];

fn events_table<'py>(py: Python<'py>, events: &[rules::MonitorEvent]) -> PyResult<Table<'py>> {
    let mut table = Table::new(py, EVENT_COLUMNS, events.len());
    for e in events {
        let s = e.status.as_ref();
        let q = e.quota.as_ref();
        table.row(vec![
            cell(py, &e.key)?,
            cell(py, e.kind.as_str())?,
            cell(py, e.level.as_str())?,
            instant(py, e.at)?.into_any(),
            cell(py, e.case_id.as_deref())?,
            cell(py, e.entitlement.as_deref())?,
            cell(py, e.process.as_deref())?,
            cell(py, e.milestone.as_deref())?,
            cell(py, e.instance)?,
            cell(py, e.point.as_deref())?,
            cell(py, &e.actions)?,
            cell(py, e.suppressed)?,
            cell(py, e.suppressed_by.as_deref())?,
            flat(py, e.account.get("id"))?,
            flat(py, e.account.get("name"))?,
            cell(py, s.map(|s| s.state.as_str()))?,
            cell(py, opt_instant(py, s.and_then(|s| s.target_at))?)?,
            cell(py, opt_duration(py, s.and_then(|s| s.remaining))?)?,
            cell(py, s.and_then(|s| s.consumed))?,
            cell(py, q.and_then(|q| q.name.as_deref()))?,
            cell(py, q.map(|q| q.period.as_str()))?,
            cell(
                py,
                q.and_then(|q| q.period_start)
                    .map(|d| date(py, d))
                    .transpose()?,
            )?,
            cell(py, q.map(|q| q.max_cases))?,
            cell(py, q.map(|q| q.fraction))?,
            cell(py, q.map(|q| q.used))?,
        ]);
    }
    Ok(table)
}

const ALERT_COLUMNS: &[(&str, Column)] = &[
    ("key", Column::Text),
    ("kind", Column::Text),
    ("level", Column::Text),
    ("at", Column::Instant),
    ("title", Column::Text),
    ("summary", Column::Text),
    ("case_id", Column::Text),
    ("entitlement", Column::Text),
    ("milestone", Column::Text),
    ("instance", Column::OptionalInt),
    ("account_id", Column::Text),
    ("account_name", Column::Text),
    ("arr", Column::Object),
    ("renewal_date", Column::Object),
    ("executive_sponsor", Column::Object),
    ("csm", Column::Object),
    ("contacts", Column::Object),
    ("deadline_utc", Column::Instant),
    ("deadline_local", Column::Text),
    ("time_zone", Column::Text),
    ("business_left", Column::Duration),
    ("wall_left", Column::Duration),
    ("actions", Column::Object),
];

fn alerts_table<'py>(py: Python<'py>, alerts: &[rules::Alert]) -> PyResult<Table<'py>> {
    let mut table = Table::new(py, ALERT_COLUMNS, alerts.len());
    for a in alerts {
        table.row(vec![
            cell(py, &a.key)?,
            cell(py, a.kind.as_str())?,
            cell(py, a.level.as_str())?,
            instant(py, a.at)?.into_any(),
            cell(py, &a.title)?,
            cell(py, &a.summary)?,
            cell(py, a.case_id.as_deref())?,
            cell(py, a.entitlement.as_deref())?,
            cell(py, a.milestone.as_deref())?,
            cell(py, a.instance)?,
            cell(py, a.account_id.as_deref())?,
            cell(py, a.account_name.as_deref())?,
            flat(py, a.arr.as_ref())?,
            flat(py, a.renewal_date.as_ref())?,
            flat(py, a.executive_sponsor.as_ref())?,
            flat(py, a.csm.as_ref())?,
            flat(py, a.contacts.as_ref())?,
            cell(py, opt_instant(py, a.deadline_utc)?)?,
            cell(py, a.deadline_local.as_deref())?,
            cell(py, a.time_zone.as_deref())?,
            cell(py, opt_duration(py, a.business_left)?)?,
            cell(py, opt_duration(py, a.wall_left)?)?,
            cell(py, &a.actions)?,
        ]);
    }
    Ok(table)
}

const STATUS_COLUMNS: &[(&str, Column)] = &[
    ("case_id", Column::Text),
    ("milestone", Column::Text),
    ("kind", Column::Text),
    ("instance", Column::Count),
    ("state", Column::Text),
    ("calendar", Column::Text),
    ("started_at", Column::Instant),
    ("target", Column::Duration),
    ("target_at", Column::Instant),
    ("completed_at", Column::Instant),
    ("elapsed", Column::Duration),
    ("paused", Column::Duration),
    ("remaining", Column::Duration),
    ("consumed", Column::Float),
    ("crossed", Column::Object),
    ("next_trigger_at", Column::Instant),
    ("breached_at", Column::Instant),
];

fn statuses_table<'py>(py: Python<'py>, items: &[&rules::MilestoneStatus]) -> PyResult<Table<'py>> {
    let mut table = Table::new(py, STATUS_COLUMNS, items.len());
    for s in items {
        table.row(vec![
            cell(py, &s.case_id)?,
            cell(py, &s.milestone)?,
            cell(py, s.kind.as_str())?,
            cell(py, s.instance)?,
            cell(py, s.state.as_str())?,
            cell(py, s.calendar.as_deref())?,
            cell(py, opt_instant(py, s.started_at)?)?,
            cell(py, opt_duration(py, s.target)?)?,
            cell(py, opt_instant(py, s.target_at)?)?,
            cell(py, opt_instant(py, s.completed_at)?)?,
            duration(py, s.elapsed)?.into_any(),
            duration(py, s.paused)?.into_any(),
            cell(py, opt_duration(py, s.remaining)?)?,
            cell(py, s.consumed)?,
            cell(py, levels(&s.crossed))?,
            cell(py, opt_instant(py, s.next_trigger_at)?)?,
            cell(py, opt_instant(py, s.breached_at)?)?,
        ]);
    }
    Ok(table)
}

const ACCOUNT_COLUMNS: &[(&str, Column)] = &[
    ("account_id", Column::Text),
    ("name", Column::Text),
    ("arr", Column::Object),
    ("renewal_date", Column::Object),
    ("entitlements", Column::Object),
    ("cases", Column::Count),
    ("breaches", Column::Count),
    ("near_misses", Column::Count),
    ("at_risk", Column::Count),
    ("projected_over", Column::Bool),
    ("over_quota_periods", Column::Count),
    ("chronic_over_consumer", Column::Bool),
];

fn accounts_table<'py>(py: Python<'py>, items: &[AccountRollup]) -> PyResult<Table<'py>> {
    let mut table = Table::new(py, ACCOUNT_COLUMNS, items.len());
    for a in items {
        table.row(vec![
            cell(py, &a.account_id)?,
            cell(py, a.name.as_deref())?,
            flat(py, a.arr.as_ref())?,
            flat(py, a.renewal_date.as_ref())?,
            cell(py, &a.entitlements)?,
            cell(py, a.cases)?,
            cell(py, a.breaches)?,
            cell(py, a.near_misses)?,
            cell(py, a.at_risk)?,
            cell(py, a.projected_over)?,
            cell(py, a.over_quota_periods.len())?,
            cell(py, a.chronic_over_consumer)?,
        ]);
    }
    Ok(table)
}
