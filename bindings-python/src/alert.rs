//! `entitlement.Alert`: one monitor event ready to tell a person, and its pure renderers for
//! Slack, email, Jira and PagerDuty (the core's `rules::alert`).
//!
//! The renderers are the core's; the binding only writes their JSON as plain Python data.

use entitlement_core::rules;
use pyo3::prelude::*;

use crate::convert::string_arg;
use crate::error::Result;
use crate::results::result_class;
use crate::ser::to_py;

result_class! {
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
    Alert(rules::Alert),
    repr: ["key": Quoted, "kind": Quoted, "level": Quoted, "at": Plain];
    methods {

    /// A Slack message, ``{"text": fallback, "blocks": [...]}`` in Block Kit: a header, a
    /// section with the summary, a section of up to 10 fields and the suggested actions as
    /// context, within Slack's documented text limits. Pass it to ``chat.postMessage`` (as
    /// keyword arguments) or post it to an incoming webhook.
    fn slack_blocks<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        to_py(py, &self.inner.slack_blocks())
    }

    /// A plain-text email, ``{"subject": one line, "body": text}``; the body ends with the
    /// event's key.
    fn email<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        to_py(py, &self.inner.email())
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
    ) -> Result<Bound<'py, PyAny>> {
        let project_key = string_arg(project_key, "project_key")?;
        let issue_type = match issue_type {
            Some(t) => string_arg(t, "issue_type")?,
            None => "Task".to_owned(),
        };
        to_py(py, &self.inner.jira_issue(&project_key, &issue_type))
    }

    /// A PagerDuty Events API v2 ``trigger`` event: ``routing_key``, ``event_action``,
    /// ``dedup_key`` (the event's key) and ``payload`` with ``summary``, ``source``,
    /// ``severity`` (``critical``, ``error``, ``warning`` or ``info``), ``timestamp``,
    /// ``component``, ``group``, ``class`` and ``custom_details`` (the alert as JSON).
    fn pagerduty_event<'py>(
        &self,
        py: Python<'py>,
        routing_key: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyAny>> {
        let routing_key = string_arg(routing_key, "routing_key")?;
        to_py(py, &self.inner.pagerduty_event(&routing_key))
    }
}
}
