//! `entitlement.Alert`: one monitor event ready to tell a person, and its pure renderers for
//! Slack, email, Jira and PagerDuty (the core's `rules::alert`).
//!
//! The renderers are the core's; the binding only turns their JSON into plain Python data.

use entitlement_core::rules;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDelta, PyDict};
use serde_json::Value;

use crate::convert::{from_json, from_json_object, string_arg};
use crate::status::{instant, opt_duration, opt_instant};

/// A JSON value the core passes through untouched (ARR, renewal date, CSM, ...), as plain
/// Python data; `None` when absent.
pub(crate) fn passed_through<'py>(
    py: Python<'py>,
    v: Option<&Value>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    v.map(|v| from_json(py, v)).transpose()
}

/// A renderer's JSON object as a dict.
fn rendered<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyDict>> {
    Ok(from_json(py, v)?.cast_into::<PyDict>()?)
}

/// One monitor event that is not suppressed, ready to tell a person: who, what, by when, and
/// what to do.
///
/// The account context comes from the entitlement (``account_id``, ``account_name``, ``arr``,
/// ``renewal_date``, ``executive_sponsor``, ``csm``, ``contacts`` and the whole ``account``
/// dict, passed through as written in the rules). Milestone alerts carry the deadline in UTC
/// (``deadline_utc``) and in the milestone calendar's zone (``deadline_local``, a string such
/// as ``"2026-11-23 17:00 EST"``), and the time left on the milestone's business clock and on
/// the wall clock (``timedelta``s, negative once late). ``actions`` are the trigger's own
/// actions first, then the defaults that apply (``page_oncall``, ``raise_priority``,
/// ``add_coverage``, ``raise_usage_at_renewal``, ``open_war_room``).
///
/// The renderers are pure and return plain dicts, ready to send: ``slack_blocks()`` (Block Kit,
/// for ``chat.postMessage`` or an incoming webhook), ``email()``, ``jira_issue(project_key)``
/// (the body of Jira Cloud's ``POST /rest/api/3/issue``) and ``pagerduty_event(routing_key)``
/// (an Events API v2 ``trigger``, deduplicated by the event's key). Immutable; equal when
/// every field is equal.
#[pyclass(module = "entitlement", name = "Alert", frozen, eq)]
#[derive(PartialEq)]
pub struct Alert {
    inner: rules::Alert,
}

impl Alert {
    pub(crate) fn wrap(inner: rules::Alert) -> Self {
        Alert { inner }
    }
}

#[pymethods]
impl Alert {
    /// The event's key, stable across runs (deduplicate on it downstream).
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

    /// When the threshold was crossed.
    #[getter]
    fn at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        instant(py, self.inner.at)
    }

    /// A one-line title (``"[warning] Acme Corp: Resolution #1 of case C-7 reached 75%"``).
    #[getter]
    fn title(&self) -> &str {
        &self.inner.title
    }

    /// A few sentences for people.
    #[getter]
    fn summary(&self) -> &str {
        &self.inner.summary
    }

    /// The case's id (the case that crossed a quota, for quota alerts).
    #[getter]
    fn case_id(&self) -> Option<&str> {
        self.inner.case_id.as_deref()
    }

    /// The entitlement's id.
    #[getter]
    fn entitlement(&self) -> Option<&str> {
        self.inner.entitlement.as_deref()
    }

    /// The milestone's name (milestone alerts).
    #[getter]
    fn milestone(&self) -> Option<&str> {
        self.inner.milestone.as_deref()
    }

    /// The milestone instance (milestone alerts).
    #[getter]
    fn instance(&self) -> Option<u32> {
        self.inner.instance
    }

    /// The account's id (``account["id"]`` as text).
    #[getter]
    fn account_id(&self) -> Option<&str> {
        self.inner.account_id.as_deref()
    }

    /// The account's name.
    #[getter]
    fn account_name(&self) -> Option<&str> {
        self.inner.account_name.as_deref()
    }

    /// The account's ARR, as written in the rules.
    #[getter]
    fn arr<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        passed_through(py, self.inner.arr.as_ref())
    }

    /// The account's renewal date, as written in the rules (a string such as ``"2027-03-31"``).
    #[getter]
    fn renewal_date<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        passed_through(py, self.inner.renewal_date.as_ref())
    }

    /// The executive sponsor, as written in the rules.
    #[getter]
    fn executive_sponsor<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        passed_through(py, self.inner.executive_sponsor.as_ref())
    }

    /// The customer success manager, as written in the rules (often ``{"name", "email"}``).
    #[getter]
    fn csm<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        passed_through(py, self.inner.csm.as_ref())
    }

    /// The customer's contacts, as written in the rules.
    #[getter]
    fn contacts<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        passed_through(py, self.inner.contacts.as_ref())
    }

    /// The whole account context, untouched.
    #[getter]
    fn account<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        from_json_object(py, &self.inner.account)
    }

    /// The milestone's deadline (milestone alerts).
    #[getter]
    fn deadline_utc<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDateTime>>> {
        opt_instant(py, self.inner.deadline_utc)
    }

    /// The deadline in the milestone calendar's zone, for people (``"2026-11-23 17:00 EST"``;
    /// in UTC for round-the-clock calendars and unions).
    #[getter]
    fn deadline_local(&self) -> Option<&str> {
        self.inner.deadline_local.as_deref()
    }

    /// That zone (``"America/New_York"``); ``None`` for round-the-clock calendars and unions.
    #[getter]
    fn time_zone(&self) -> Option<&str> {
        self.inner.time_zone.as_deref()
    }

    /// Business time left on the milestone's clock (negative once late).
    #[getter]
    fn business_left<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDelta>>> {
        opt_duration(py, self.inner.business_left)
    }

    /// Wall-clock time left until the deadline (negative once late).
    #[getter]
    fn wall_left<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDelta>>> {
        opt_duration(py, self.inner.wall_left)
    }

    /// Suggested actions: the trigger's own first, then the defaults that apply.
    #[getter]
    fn actions(&self) -> Vec<&str> {
        self.inner.actions.iter().map(String::as_str).collect()
    }

    /// A Slack message, ``{"text": fallback, "blocks": [...]}`` in Block Kit: a header, a
    /// section with the summary, a section of up to 10 fields and the suggested actions as
    /// context, within Slack's documented text limits. Pass it to ``chat.postMessage`` (as
    /// keyword arguments) or post it to an incoming webhook.
    fn slack_blocks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        rendered(py, &self.inner.slack_blocks())
    }

    /// A plain-text email, ``{"subject": one line, "body": text}``; the body ends with the
    /// event's key.
    fn email<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        rendered(py, &self.inner.email())
    }

    /// The body of Jira Cloud's create-issue request (``POST /rest/api/3/issue``): ``fields``
    /// with ``project.key``, ``issuetype.name``, ``summary`` (one line, at most 255
    /// characters), ``priority.name``, ``labels`` (no spaces) and ``description`` in Atlassian
    /// Document Format. ``issue_type`` names an issue type of the project (``"Task"``,
    /// ``"Bug"``, ...).
    // `None` also reads as "Task"; the signature shows the real default.
    #[pyo3(
        signature = (project_key, issue_type = None),
        text_signature = "($self, project_key, issue_type='Task')"
    )]
    fn jira_issue<'py>(
        &self,
        py: Python<'py>,
        project_key: &Bound<'py, PyAny>,
        issue_type: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let project_key = string_arg(project_key, "project_key")?;
        let issue_type = match issue_type {
            Some(t) => string_arg(t, "issue_type")?,
            None => "Task".to_owned(),
        };
        rendered(py, &self.inner.jira_issue(&project_key, &issue_type))
    }

    /// A PagerDuty Events API v2 ``trigger`` event: ``routing_key``, ``event_action``,
    /// ``dedup_key`` (the event's key) and ``payload`` with ``summary``, ``source``,
    /// ``severity`` (``critical``, ``error``, ``warning`` or ``info``), ``timestamp``,
    /// ``component``, ``group``, ``class`` and ``custom_details`` (the alert as JSON).
    fn pagerduty_event<'py>(
        &self,
        py: Python<'py>,
        routing_key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let routing_key = string_arg(routing_key, "routing_key")?;
        rendered(py, &self.inner.pagerduty_event(&routing_key))
    }

    /// Every field as a dict of plain Python objects (datetimes, timedeltas, and the account
    /// context as written in the rules).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        alert_dict(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        let a = &self.inner;
        format!(
            "<Alert key={:?} kind={:?} level={:?} at={}>",
            a.key,
            a.kind.as_str(),
            a.level.as_str(),
            a.at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        )
    }
}

/// An alert as the dict `Alert.to_dict()` returns.
pub(crate) fn alert_dict<'py>(py: Python<'py>, a: &rules::Alert) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("key", &a.key)?;
    dict.set_item("kind", a.kind.as_str())?;
    dict.set_item("level", a.level.as_str())?;
    dict.set_item("at", instant(py, a.at)?)?;
    dict.set_item("title", &a.title)?;
    dict.set_item("summary", &a.summary)?;
    dict.set_item("case_id", a.case_id.as_deref())?;
    dict.set_item("entitlement", a.entitlement.as_deref())?;
    dict.set_item("milestone", a.milestone.as_deref())?;
    dict.set_item("instance", a.instance)?;
    dict.set_item("account_id", a.account_id.as_deref())?;
    dict.set_item("account_name", a.account_name.as_deref())?;
    dict.set_item("arr", passed_through(py, a.arr.as_ref())?)?;
    dict.set_item("renewal_date", passed_through(py, a.renewal_date.as_ref())?)?;
    dict.set_item(
        "executive_sponsor",
        passed_through(py, a.executive_sponsor.as_ref())?,
    )?;
    dict.set_item("csm", passed_through(py, a.csm.as_ref())?)?;
    dict.set_item("contacts", passed_through(py, a.contacts.as_ref())?)?;
    dict.set_item("account", from_json_object(py, &a.account)?)?;
    dict.set_item("deadline_utc", opt_instant(py, a.deadline_utc)?)?;
    dict.set_item("deadline_local", a.deadline_local.as_deref())?;
    dict.set_item("time_zone", a.time_zone.as_deref())?;
    dict.set_item("business_left", opt_duration(py, a.business_left)?)?;
    dict.set_item("wall_left", opt_duration(py, a.wall_left)?)?;
    dict.set_item("actions", &a.actions)?;
    Ok(dict)
}
