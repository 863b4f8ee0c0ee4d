//! Alerts: each monitor event with the account context and suggested actions, and pure
//! renderers for Slack (Block Kit), email (plain text), Jira (create-issue payload) and
//! PagerDuty (Events API v2). Rendering never sends anything: that is the host's job.
//!
//! An [`Alert`] is built from a [`MonitorEvent`] and what the monitor already holds when it
//! reports it (`AlertContext`): nothing here replays a case or reads the rules.
//!
//! | file | what it holds |
//! |---|---|
//! | `mod.rs` | [`Alert`], built from an event; the facts the renderers show |
//! | `text.rs` | text fit to render: control and bidirectional characters, lengths vendors count |
//! | `slack.rs`, `email.rs`, `jira.rs`, `pagerduty.rs` | one renderer each |

mod email;
mod jira;
mod pagerduty;
mod slack;
mod text;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use serde_json::Value;

use self::text::one_line;
use super::model::{Account, Level};
use super::monitor::event::{MonitorEvent, MonitorEventKind};
use crate::time::rfc3339;

/// One event, ready to tell a person: who, what, by when, and what to do.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let alert = &report.alerts[0];
/// assert_eq!(alert.key, report.events[0].key);        // one alert per unsuppressed event
/// assert_eq!(alert.account_name.as_deref(), Some("Acme"));
/// assert!(alert.actions.contains(&"notify_owner".to_string()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Alert {
    /// The event's key (use it to deduplicate downstream, e.g. as PagerDuty's `dedup_key`).
    pub key: String,
    /// What the event is about.
    pub kind: MonitorEventKind,
    /// Its level.
    pub level: Level,
    /// When the threshold was crossed.
    #[serde(with = "crate::time::serde_instant")]
    #[schemars(schema_with = "crate::time::schema_instant")]
    pub at: DateTime<Utc>,
    /// A one-line title (control characters from CRM text become spaces).
    pub title: String,
    /// A few sentences for people, on one line (control characters become spaces).
    pub summary: String,
    /// The case.
    pub case_id: Option<String>,
    /// The entitlement.
    pub entitlement: Option<String>,
    /// The milestone.
    pub milestone: Option<String>,
    /// The milestone instance.
    pub instance: Option<u32>,
    /// The account id, name, ARR, renewal date, executive sponsor, CSM and contacts, taken from
    /// the entitlement's account context (`None` when absent).
    pub account_id: Option<String>,
    /// The account's name.
    pub account_name: Option<String>,
    /// The account's ARR.
    pub arr: Option<Value>,
    /// The account's renewal date.
    pub renewal_date: Option<Value>,
    /// The executive sponsor.
    pub executive_sponsor: Option<Value>,
    /// The customer success manager.
    pub csm: Option<Value>,
    /// The customer's contacts.
    pub contacts: Option<Value>,
    /// The whole account context, untouched (shared with the entitlement, not copied).
    pub account: Account,
    /// The milestone's deadline in UTC.
    #[serde(with = "crate::time::serde_opt_instant")]
    #[schemars(schema_with = "crate::time::schema_opt_instant")]
    pub deadline_utc: Option<DateTime<Utc>>,
    /// The deadline in the milestone calendar's zone (`2026-11-25 16:00 EST`).
    pub deadline_local: Option<String>,
    /// That zone (`None` for 24×7 and unions: the local deadline is then UTC).
    pub time_zone: Option<String>,
    /// Business time left on the milestone's clock (negative once late); `None` once the
    /// milestone is completed.
    #[serde(with = "crate::time::serde_opt_duration")]
    #[schemars(schema_with = "crate::time::schema_opt_duration")]
    pub business_left: Option<TimeDelta>,
    /// Wall-clock time left until the deadline (negative once late); `None` once completed.
    #[serde(with = "crate::time::serde_opt_duration")]
    #[schemars(schema_with = "crate::time::schema_opt_duration")]
    pub wall_left: Option<TimeDelta>,
    /// Suggested actions: the trigger's own first, then the defaults that apply.
    pub actions: Vec<String>,
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(m) => m.get("name").and_then(|n| text(Some(n))),
        _ => None,
    }
}

/// `1h05m`, `-30m`: hours and minutes, never days (business days differ from calendar days).
///
/// ```
/// use entitlement_core::rules::hours_minutes;
/// assert_eq!(hours_minutes(chrono::TimeDelta::minutes(150)), "2h30m");
/// assert_eq!(hours_minutes(chrono::TimeDelta::minutes(-45)), "-45m");
/// ```
pub fn hours_minutes(d: TimeDelta) -> String {
    let minutes = d.num_minutes();
    let (sign, m) = if minutes < 0 {
        ("-", -minutes)
    } else {
        ("", minutes)
    };
    match (m / 60, m % 60) {
        (0, m) => format!("{sign}{m}m"),
        (h, 0) => format!("{sign}{h}h"),
        (h, m) => format!("{sign}{h}h{m:02}m"),
    }
}

/// What an alert needs besides its event: what the monitor holds when it reports the event, so
/// that building the alert replays nothing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AlertContext<'a> {
    /// The run's `now`.
    pub now: DateTime<Utc>,
    /// The zone of the milestone's calendar (`None` for 24×7, unions and quota events).
    pub time_zone: Option<&'a str>,
    /// Whether the event's case matches `page_oncall_when` at `now`.
    pub urgent_case: bool,
    /// The ARR from which a critical event suggests a war room (`monitor.war_room_arr`).
    pub war_room_arr: f64,
}

impl Alert {
    /// The alert of `ev`, in `context`.
    pub(crate) fn from_event(ev: &MonitorEvent, context: &AlertContext<'_>) -> Alert {
        let AlertContext {
            now,
            time_zone,
            urgent_case,
            war_room_arr,
        } = *context;
        let status = ev.status.as_ref();
        let zone = time_zone.map(str::to_string);
        let deadline = status.and_then(|s| s.target_at);
        let deadline_local = deadline.map(|d| {
            match zone
                .as_deref()
                .and_then(|z| z.parse::<chrono_tz::Tz>().ok())
            {
                Some(tz) => d.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string(),
                None => d.format("%Y-%m-%d %H:%M UTC").to_string(),
            }
        });
        let open = status.is_some_and(|s| s.state.is_open());

        let mut actions: Vec<String> = ev.actions.clone();
        let mut suggest = |a: &str| {
            if !actions.iter().any(|x| x == a) {
                actions.push(a.to_string());
            }
        };
        let arr = ev.account.get("arr").and_then(Value::as_f64);
        match ev.kind {
            MonitorEventKind::Trigger | MonitorEventKind::Breach => {
                if ev.level >= Level::Critical && urgent_case {
                    suggest("page_oncall");
                }
                if open && ev.level >= Level::Warning {
                    suggest("raise_priority");
                }
                if ev.kind == MonitorEventKind::Breach {
                    suggest("add_coverage");
                }
            }
            // A completion suggests nothing: its actions are the milestone's `on_complete`.
            MonitorEventKind::MilestoneCompleted => {}
            MonitorEventKind::Quota | MonitorEventKind::Allowance => {
                if ev.quota.as_ref().is_some_and(|q| q.fraction >= 1.0) {
                    suggest("raise_usage_at_renewal");
                }
            }
        }
        if ev.level >= Level::Critical && arr.is_some_and(|a| a >= war_room_arr) {
            suggest("open_war_room");
        }

        let name = text(ev.account.get("name"));
        let who = name
            .clone()
            .or_else(|| ev.entitlement.clone())
            .unwrap_or_default();
        let (title, summary) = match ev.kind {
            MonitorEventKind::Trigger | MonitorEventKind::Breach => {
                let what = format!(
                    "{} #{} of case {}",
                    ev.milestone.as_deref().unwrap_or("?"),
                    ev.instance.unwrap_or(1),
                    ev.case_id.as_deref().unwrap_or("?")
                );
                let title = if ev.kind == MonitorEventKind::Breach {
                    format!("[{}] {who}: {what} breached its target", ev.level.as_str())
                } else {
                    format!(
                        "[{}] {who}: {what} reached {}",
                        ev.level.as_str(),
                        ev.point.as_deref().unwrap_or("a trigger")
                    )
                };
                let mut summary = format!("{what} for {who}");
                if let (Some(d), Some(local)) = (deadline, &deadline_local) {
                    summary.push_str(&format!(" is due {local} ({})", rfc3339(d)));
                }
                match status {
                    Some(s) if s.state.is_open() => summary.push_str(&format!(
                        "; state {}, {} of business time left",
                        s.state.as_str(),
                        s.remaining.map(hours_minutes).unwrap_or_else(|| "?".into())
                    )),
                    Some(s) => summary.push_str(&format!("; state {}", s.state.as_str())),
                    None => {}
                }
                summary.push('.');
                (title, summary)
            }
            MonitorEventKind::MilestoneCompleted => {
                let what = format!(
                    "{} #{} of case {}",
                    ev.milestone.as_deref().unwrap_or("?"),
                    ev.instance.unwrap_or(1),
                    ev.case_id.as_deref().unwrap_or("?")
                );
                let late = ev.point.as_deref() == Some("late");
                let outcome = if late {
                    "was completed late"
                } else {
                    "was met"
                };
                let mut summary = format!("{what} for {who} was completed at {}", rfc3339(ev.at));
                if let (Some(d), Some(local)) = (deadline, &deadline_local) {
                    let by = hours_minutes((ev.at - d).abs());
                    summary.push_str(&if late {
                        format!(", {by} after its deadline {local}")
                    } else {
                        format!(", {by} before its deadline {local}")
                    });
                }
                summary.push('.');
                (
                    format!("[{}] {who}: {what} {outcome}", ev.level.as_str()),
                    summary,
                )
            }
            MonitorEventKind::Quota | MonitorEventKind::Allowance => {
                let q = ev.quota.as_ref();
                let label = if ev.kind == MonitorEventKind::Allowance {
                    "per-incident allowance".to_string()
                } else {
                    format!(
                        "{} quota{}",
                        q.map(|q| q.period.as_str()).unwrap_or("?"),
                        q.and_then(|q| q.name.as_ref())
                            .map(|n| format!(" {n:?}"))
                            .unwrap_or_default()
                    )
                };
                let (used, max, pct) =
                    q.map_or((0, 0, 0.0), |q| (q.used, q.max_cases, q.fraction * 100.0));
                (
                    format!(
                        "[{}] {who}: {pct:.0}% of the {label} used",
                        ev.level.as_str()
                    ),
                    format!(
                        "{who} has raised {used} of {max} cases of its {label} (entitlement {}); case {} crossed {pct:.0}%.",
                        ev.entitlement.as_deref().unwrap_or("?"),
                        ev.case_id.as_deref().unwrap_or("?")
                    ),
                )
            }
        };
        Alert {
            key: ev.key.clone(),
            kind: ev.kind,
            level: ev.level,
            at: ev.at,
            title: one_line(&title),
            summary: one_line(&summary),
            case_id: ev.case_id.clone(),
            entitlement: ev.entitlement.clone(),
            milestone: ev.milestone.clone(),
            instance: ev.instance,
            account_id: text(ev.account.get("id")),
            account_name: name,
            arr: ev.account.get("arr").cloned(),
            renewal_date: ev.account.get("renewal_date").cloned(),
            executive_sponsor: ev.account.get("executive_sponsor").cloned(),
            csm: ev.account.get("csm").cloned(),
            contacts: ev.account.get("contacts").cloned(),
            account: ev.account.clone(),
            deadline_utc: deadline,
            deadline_local,
            time_zone: zone,
            business_left: status.filter(|_| open).and_then(|s| s.remaining),
            wall_left: deadline.filter(|_| open).map(|d| d - now),
            actions,
        }
    }
}

impl Alert {
    /// The facts worth showing, without empty values (Jira refuses empty text nodes).
    fn facts(&self) -> Vec<(&'static str, String)> {
        let mut f = self.all_facts();
        for (_, v) in &mut f {
            *v = one_line(v);
        }
        f.retain(|(_, v)| !v.trim().is_empty());
        f
    }

    /// The suggested actions on one line.
    fn action_list(&self) -> String {
        one_line(&self.actions.join(", "))
    }

    fn all_facts(&self) -> Vec<(&'static str, String)> {
        let mut f = Vec::new();
        if let Some(c) = &self.case_id {
            f.push(("Case", c.clone()));
        }
        if let Some(a) = &self.account_name {
            f.push(("Account", a.clone()));
        }
        if let Some(arr) = self.arr.as_ref().and_then(|v| text(Some(v))) {
            f.push(("ARR", arr));
        }
        if let Some(r) = self.renewal_date.as_ref().and_then(|v| text(Some(v))) {
            f.push(("Renewal", r));
        }
        if let Some(d) = &self.deadline_local {
            f.push(("Deadline", d.clone()));
        }
        if let Some(l) = self.business_left {
            f.push(("Business time left", hours_minutes(l)));
        }
        if let Some(l) = self.wall_left {
            f.push(("Wall-clock time left", hours_minutes(l)));
        }
        if let Some(s) = self.executive_sponsor.as_ref().and_then(|v| text(Some(v))) {
            f.push(("Executive sponsor", s));
        }
        if let Some(c) = self.csm.as_ref().and_then(|v| text(Some(v))) {
            f.push(("CSM", c));
        }
        f
    }
}
