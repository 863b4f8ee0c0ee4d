//! `Alert`: a monitor event ready to tell a person, and its pure renderers.
//!
//! A thin skin over `entitlement_core::rules::Alert`: its fields are the getters every result
//! class gets ([`crate::results`]); the renderers return the core's payloads as plain objects,
//! unchanged (they are the vendors' shapes, so their keys are the vendors' own, not camelCase).
//! Nothing here sends anything.

use entitlement_core::rules::Alert as CoreAlert;
use napi::Env;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use serde_json::Value;

use crate::convert;
use crate::error::{Result, guard};
use crate::results::{Js, MonitorReport, Wrapped};
use crate::ser::{self, Mode};

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
    pub(crate) inner: CoreAlert,
}

impl Wrapped for Alert {}

/// A rendered payload as a plain object.
fn payload(
    env: &Env,
    value: impl FnOnce() -> std::result::Result<Value, crate::error::NodeError>,
) -> Result<Js> {
    guard(env, || {
        Ok(Js(ser::to_js(env.raw(), &value()?, Mode::Native)?))
    })
}

#[napi]
impl Alert {
    /// A Slack message in Block Kit: `{text, blocks}` (a header, the summary, up to 10 fields,
    /// the suggested actions by label, the links as buttons, the event keys as context),
    /// within Slack's documented limits. Post it to an
    /// incoming webhook or as `chat.postMessage` arguments.
    #[napi(ts_return_type = "SlackMessage")]
    pub fn slack_blocks(&self, env: Env) -> Result<Js> {
        payload(&env, || Ok(self.inner.slack_blocks()))
    }

    /// An email: `{subject, text, html, body}`, the parts of a `multipart/alternative`
    /// message (`body` is `text`); every CRM value is HTML-escaped in `html`.
    #[napi(ts_return_type = "EmailMessage")]
    pub fn email(&self, env: Env) -> Result<Js> {
        payload(&env, || Ok(self.inner.email()))
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
        env: Env,
        project_key: Unknown<'_>,
        issue_type: Option<Unknown<'_>>,
    ) -> Result<Js> {
        payload(&env, || {
            let project = convert::string(&project_key, "projectKey", "a Jira project key string")?;
            let issue_type = match issue_type {
                None => "Task".to_string(),
                Some(t) => convert::string(&t, "issueType", "a Jira issue type name string")?,
            };
            Ok(self.inner.jira_issue(&project, &issue_type))
        })
    }

    /// A PagerDuty Events API v2 `trigger` event for the integration's routing key, with the
    /// alert's key as `dedup_key` and the whole alert (snake_case keys, durations in seconds) as
    /// `payload.custom_details`.
    #[napi(ts_args_type = "routingKey: string", ts_return_type = "PagerDutyEvent")]
    pub fn pagerduty_event(&self, env: Env, routing_key: Unknown<'_>) -> Result<Js> {
        payload(&env, || {
            let key = convert::string(&routing_key, "routingKey", "a routing key string")?;
            Ok(self.inner.pagerduty_event(&key))
        })
    }
}

#[napi]
impl MonitorReport {
    /// Every started milestone occurrence of the report's cases with its outcome (`met`,
    /// `late`, `violated` or `open`), in case order then milestone order: the breach and
    /// near-miss log. Plain objects with camelCase keys: instants as `Date`s, `target`,
    /// `elapsed`, `margin` (business time to spare) and `marginWall` (the deadline minus the
    /// completion, or `now` while open) in milliseconds, `nearMiss` (met with less than
    /// `monitor.near_miss` of the target left), and the `month`, `quarter` and
    /// `reportingTimeZone` of the start.
    ///
    /// `start` and `end` (`'YYYY-MM-DD'`, both inclusive, either may be omitted) keep the
    /// occurrences started on those days in the case's reporting zone (its entitlement's
    /// calendar zone, else its process's, else UTC).
    #[napi(
        ts_args_type = "start?: string | null, end?: string | null",
        ts_return_type = "MilestoneOutcome[]"
    )]
    pub fn outcomes(
        &self,
        env: Env,
        start: Option<Unknown<'_>>,
        end: Option<Unknown<'_>>,
    ) -> Result<Js> {
        guard(&env, || {
            let start = convert::day(start.as_ref(), "start")?;
            let end = convert::day(end.as_ref(), "end")?;
            let rows: Vec<_> = self.inner.outcome_rows(start, end).collect();
            Ok(Js(crate::plain::list(env.raw(), rows)?))
        })
    }

    /// One object per account over the days `start` to `end` (`'YYYY-MM-DD'`, both inclusive,
    /// either may be omitted; everything when both are): counts (`met`, `late`, `violated`,
    /// `open`, `breaches`, `nearMisses`), `attainment` (percent) and `attainmentByMilestone`,
    /// p50/p90 business time to first response and resolution (milliseconds), usage against
    /// allowances and quotas, `arr`, `renewalDate`, `daysToRenewal`, `executiveSponsor`, `csm`
    /// and the whole `account` context. Without a period the counts equal the rollups' sums.
    #[napi(
        ts_args_type = "start?: string | null, end?: string | null",
        ts_return_type = "AccountPeriod[]"
    )]
    pub fn account_periods(
        &self,
        env: Env,
        start: Option<Unknown<'_>>,
        end: Option<Unknown<'_>>,
    ) -> Result<Js> {
        guard(&env, || {
            let start = convert::day(start.as_ref(), "start")?;
            let end = convert::day(end.as_ref(), "end")?;
            let rows = self.inner.account_periods(start, end);
            Ok(Js(crate::plain::list(env.raw(), rows)?))
        })
    }

    /// One digest per account of the report's alerts ("Acme Corp: 2 breached, 5 at risk"),
    /// for channels that should get one message per run rather than one per event: each with
    /// its counts, its alerts' keys, a Block Kit message (`slack`) and an email (`email`:
    /// `{subject, text, html}`).
    #[napi(ts_return_type = "Digest[]")]
    pub fn digests(&self, env: Env) -> Result<Js> {
        guard(&env, || {
            let wire: Vec<Value> = self.inner.digests().iter().map(|d| d.to_value()).collect();
            let digests: Vec<Value> = wire
                .iter()
                .cloned()
                .map(|mut v| {
                    // The digest's own keys in camelCase; the payloads keep the vendors' keys.
                    if let Value::Object(m) = &mut v {
                        for (from, to) in [
                            ("account_id", "accountId"),
                            ("account_name", "accountName"),
                            ("at_risk", "atRisk"),
                        ] {
                            if let Some(x) = m.remove(from) {
                                m.insert(to.into(), x);
                            }
                        }
                    }
                    v
                })
                .collect();
            // `JSON.stringify` writes the digest as the core does (`account_id`, ...).
            Ok(Js(crate::plain::renamed(env.raw(), digests, wire)?))
        })
    }
}
