//! `Alert`: a monitor event ready to tell a person, and its pure renderers.
//!
//! A thin skin over `entitlement_core::rules::Alert`: getters convert a field when read, and the
//! renderers return the core's payloads as plain objects, unchanged (they are the vendors'
//! shapes, so their keys are the vendors' own, not camelCase). Nothing here sends anything.

use chrono::{DateTime, Utc};
use entitlement_core::rules::Alert as CoreAlert;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;

use crate::convert::{self, Json};
use crate::error::{Result, guard};
use crate::status::{iso, ms};

/// One unsuppressed monitor event with what the account team needs to act: the account context
/// from the entitlement (ARR, renewal date, executive sponsor, CSM, contacts), the deadline in
/// UTC and in the calendar's zone, the time left in business and in wall-clock time, and
/// suggested actions (the trigger's own first, then the defaults that apply).
///
/// Render it with `slackBlocks()`, `email()`, `jiraIssue(projectKey)` or
/// `pagerdutyEvent(routingKey)`: each returns a plain object to send as the request body.
///
/// ```js
/// for (const alert of report.alerts) {
///   await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' },
///                             body: JSON.stringify(alert.slackBlocks()) })
/// }
/// ```
#[napi]
pub struct Alert {
    inner: CoreAlert,
}

impl From<CoreAlert> for Alert {
    fn from(inner: CoreAlert) -> Self {
        Alert { inner }
    }
}

#[napi]
impl Alert {
    /// The event's key: use it to deduplicate downstream (it is PagerDuty's `dedup_key`).
    #[napi(getter)]
    pub fn key(&self) -> String {
        self.inner.key.clone()
    }

    /// What the event is about.
    #[napi(getter, ts_return_type = "MonitorEventKind")]
    pub fn kind(&self) -> String {
        self.inner.kind.as_str().to_string()
    }

    /// The event's level.
    #[napi(getter, ts_return_type = "TriggerLevel")]
    pub fn level(&self) -> String {
        self.inner.level.as_str().to_string()
    }

    /// When the threshold was crossed.
    #[napi(getter)]
    pub fn at(&self) -> DateTime<Utc> {
        self.inner.at
    }

    /// A one-line title (`[warning] Acme Corp: Resolution #1 of case C-1 reached 75%`).
    #[napi(getter)]
    pub fn title(&self) -> String {
        self.inner.title.clone()
    }

    /// A few sentences for people.
    #[napi(getter)]
    pub fn summary(&self) -> String {
        self.inner.summary.clone()
    }

    /// The case, or `null`.
    #[napi(getter)]
    pub fn case_id(&self) -> Option<String> {
        self.inner.case_id.clone()
    }

    /// The entitlement, or `null`.
    #[napi(getter)]
    pub fn entitlement(&self) -> Option<String> {
        self.inner.entitlement.clone()
    }

    /// The milestone, or `null` (quota events).
    #[napi(getter)]
    pub fn milestone(&self) -> Option<String> {
        self.inner.milestone.clone()
    }

    /// The milestone instance, or `null`.
    #[napi(getter)]
    pub fn instance(&self) -> Option<u32> {
        self.inner.instance
    }

    /// The account's id (`account.id`), or `null`.
    #[napi(getter)]
    pub fn account_id(&self) -> Option<String> {
        self.inner.account_id.clone()
    }

    /// The account's name, or `null`.
    #[napi(getter)]
    pub fn account_name(&self) -> Option<String> {
        self.inner.account_name.clone()
    }

    /// The account's ARR as the rules give it, or `null`.
    #[napi(getter, ts_return_type = "unknown")]
    pub fn arr(&self) -> Json {
        Json::of(self.inner.arr.clone())
    }

    /// The account's renewal date as the rules give it, or `null`.
    #[napi(getter, ts_return_type = "unknown")]
    pub fn renewal_date(&self) -> Json {
        Json::of(self.inner.renewal_date.clone())
    }

    /// The executive sponsor as the rules give it, or `null`.
    #[napi(getter, ts_return_type = "unknown")]
    pub fn executive_sponsor(&self) -> Json {
        Json::of(self.inner.executive_sponsor.clone())
    }

    /// The customer success manager as the rules give it (`{name, email}`), or `null`.
    #[napi(getter, ts_return_type = "unknown")]
    pub fn csm(&self) -> Json {
        Json::of(self.inner.csm.clone())
    }

    /// The customer's contacts as the rules give them, or `null`.
    #[napi(getter, ts_return_type = "unknown")]
    pub fn contacts(&self) -> Json {
        Json::of(self.inner.contacts.clone())
    }

    /// The whole account context, untouched.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn account(&self) -> Json {
        Json::of((*self.inner.account).clone())
    }

    /// The milestone's deadline, or `null` (quota events).
    #[napi(getter)]
    pub fn deadline_utc(&self) -> Option<DateTime<Utc>> {
        self.inner.deadline_utc
    }

    /// The deadline on the wall clock of the milestone calendar's zone
    /// (`"2026-11-23 17:00 EST"`; in UTC for 24×7 and union calendars), or `null`.
    #[napi(getter)]
    pub fn deadline_local(&self) -> Option<String> {
        self.inner.deadline_local.clone()
    }

    /// That zone, or `null` for 24×7 and union calendars.
    #[napi(getter)]
    pub fn time_zone(&self) -> Option<String> {
        self.inner.time_zone.clone()
    }

    /// Business time left on the milestone's clock at the run's `now`, in milliseconds
    /// (negative once late), or `null`.
    #[napi(getter)]
    pub fn business_left(&self) -> Option<f64> {
        self.inner.business_left.map(ms)
    }

    /// Wall-clock time left until the deadline at the run's `now`, in milliseconds (negative
    /// once late), or `null`.
    #[napi(getter)]
    pub fn wall_left(&self) -> Option<f64> {
        self.inner.wall_left.map(ms)
    }

    /// Suggested actions: the trigger's own first, then the defaults that apply
    /// (`page_oncall`, `raise_priority`, `add_coverage`, `raise_usage_at_renewal`,
    /// `open_war_room`).
    #[napi(getter)]
    pub fn actions(&self) -> Vec<String> {
        self.inner.actions.clone()
    }

    /// A Slack message in Block Kit: `{text, blocks}` (a header, the summary, up to 10 fields,
    /// the suggested actions as context), within Slack's documented limits. Post it to an
    /// incoming webhook or as `chat.postMessage` arguments.
    #[napi(ts_return_type = "SlackMessage")]
    pub fn slack_blocks(&self) -> Result<Json> {
        guard(|| Ok(Json::Plain(self.inner.slack_blocks())))
    }

    /// A plain-text email: `{subject, body}`.
    #[napi(ts_return_type = "EmailMessage")]
    pub fn email(&self) -> Result<Json> {
        guard(|| Ok(Json::Plain(self.inner.email())))
    }

    /// A Jira Cloud create-issue request body (`POST /rest/api/3/issue`): `fields` with the
    /// project key, the issue type (`Task` when omitted), the summary, a priority from the
    /// level, labels and an Atlassian Document Format description.
    #[napi(
        ts_args_type = "projectKey: string, issueType?: string",
        ts_return_type = "JiraIssue"
    )]
    pub fn jira_issue(
        &self,
        project_key: Unknown<'_>,
        issue_type: Option<Unknown<'_>>,
    ) -> Result<Json> {
        guard(|| {
            let project = convert::string(&project_key, "projectKey", "a Jira project key string")?;
            let issue_type = match issue_type {
                None => "Task".to_string(),
                Some(t) => convert::string(&t, "issueType", "a Jira issue type name string")?,
            };
            Ok(Json::Plain(self.inner.jira_issue(&project, &issue_type)))
        })
    }

    /// A PagerDuty Events API v2 `trigger` event for the integration's routing key, with the
    /// alert's key as `dedup_key` and the whole alert (snake_case keys, durations in seconds) as
    /// `payload.custom_details`.
    #[napi(ts_args_type = "routingKey: string", ts_return_type = "PagerDutyEvent")]
    pub fn pagerduty_event(&self, routing_key: Unknown<'_>) -> Result<Json> {
        guard(|| {
            let key = convert::string(&routing_key, "routingKey", "a routing key string")?;
            Ok(Json::Plain(self.inner.pagerduty_event(&key)))
        })
    }

    /// The alert as a plain object with camelCase keys, instants as ISO strings and durations
    /// in milliseconds. `JSON.stringify(alert)` uses it.
    #[napi(js_name = "toJSON", ts_return_type = "AlertJSON")]
    pub fn to_json(&self) -> Json {
        alert_json(&self.inner)
    }
}

/// `Alert.toJSON()`.
pub(crate) fn alert_json(a: &CoreAlert) -> Json {
    Json::Fields(vec![
        ("key", Json::of(a.key.as_str())),
        ("kind", Json::of(a.kind.as_str())),
        ("level", Json::of(a.level.as_str())),
        ("at", Json::of(convert::iso(a.at))),
        ("title", Json::of(a.title.as_str())),
        ("summary", Json::of(a.summary.as_str())),
        ("caseId", Json::of(a.case_id.clone())),
        ("entitlement", Json::of(a.entitlement.clone())),
        ("milestone", Json::of(a.milestone.clone())),
        ("instance", Json::of(a.instance)),
        ("accountId", Json::of(a.account_id.clone())),
        ("accountName", Json::of(a.account_name.clone())),
        ("arr", Json::of(a.arr.clone())),
        ("renewalDate", Json::of(a.renewal_date.clone())),
        ("executiveSponsor", Json::of(a.executive_sponsor.clone())),
        ("csm", Json::of(a.csm.clone())),
        ("contacts", Json::of(a.contacts.clone())),
        ("account", Json::of((*a.account).clone())),
        ("deadlineUtc", iso(a.deadline_utc)),
        ("deadlineLocal", Json::of(a.deadline_local.clone())),
        ("timeZone", Json::of(a.time_zone.clone())),
        ("businessLeft", Json::of(a.business_left.map(ms))),
        ("wallLeft", Json::of(a.wall_left.map(ms))),
        ("actions", Json::of(a.actions.clone())),
    ])
}
