//! Alerts: each monitor event with the account context and suggested actions, and pure
//! renderers for Slack (Block Kit), email (plain text), Jira (create-issue payload) and
//! PagerDuty (Events API v2). Rendering never sends anything: that is the host's job.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::model::Level;
use super::monitor::{MonitorEvent, MonitorEventKind};
use super::status::{rfc3339, ser_instant, ser_opt_duration, ser_opt_instant};
use super::{Case, Ruleset};
use crate::error::Result;

/// One event, ready to tell a person: who, what, by when, and what to do.
///
/// ```
/// # use entitlement_core::{Case, Ruleset};
/// # let rules = Ruleset::from_yaml(r#"
/// # calendars: { 24x7: { always_open: true } }
/// # processes:
/// #   - id: p
/// #     calendar: 24x7
/// #     milestones:
/// #       - { name: First Response, kind: first_response, target: 1h,
/// #           triggers: [ { at: "50%", level: warning, actions: [notify_owner] } ] }
/// # entitlements:
/// #   - { id: acme, process: p, account: { id: A-1, name: Acme, arr: 1200000 },
/// #       cases_per_entitlement: 10, quotas: [ { period: month, max_cases: 5 } ] }
/// # "#)?;
/// # let case = Case::from_value(&serde_json::json!(
/// #     {"id": "C-1", "entitlement": "acme", "created_at": "2026-11-25T10:00:00Z"}))?;
/// # let now: chrono::DateTime<chrono::Utc> = "2026-11-25T11:15:00Z".parse()?;
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let alert = &report.alerts[0];
/// assert_eq!(alert.key, report.events[0].key);        // one alert per unsuppressed event
/// assert_eq!(alert.account_name.as_deref(), Some("Acme"));
/// assert!(alert.actions.contains(&"notify_owner".to_string()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Alert {
    /// The event's key (use it to deduplicate downstream, e.g. as PagerDuty's `dedup_key`).
    pub key: String,
    /// What the event is about.
    pub kind: MonitorEventKind,
    /// Its level.
    pub level: Level,
    /// When the threshold was crossed.
    #[serde(serialize_with = "ser_instant")]
    pub at: DateTime<Utc>,
    /// A one-line title (control characters from CRM text become spaces).
    pub title: String,
    /// A few sentences for people.
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
    /// The whole account context, untouched.
    pub account: Map<String, Value>,
    /// The milestone's deadline in UTC.
    #[serde(serialize_with = "ser_opt_instant")]
    pub deadline_utc: Option<DateTime<Utc>>,
    /// The deadline in the milestone calendar's zone (`2026-11-25 16:00 EST`).
    pub deadline_local: Option<String>,
    /// That zone (`None` for 24×7 and unions: the local deadline is then UTC).
    pub time_zone: Option<String>,
    /// Business time left on the milestone's clock (negative once late); `None` once the
    /// milestone is completed.
    #[serde(serialize_with = "ser_opt_duration")]
    pub business_left: Option<TimeDelta>,
    /// Wall-clock time left until the deadline (negative once late); `None` once completed.
    #[serde(serialize_with = "ser_opt_duration")]
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

pub(crate) fn build_alert(
    rules: &Ruleset,
    ev: &MonitorEvent,
    case: Option<&Case>,
    now: DateTime<Utc>,
) -> Result<Alert> {
    let cfg = rules.monitor_config();
    let status = ev.status.as_ref();
    let zone = status
        .and_then(|s| s.calendar.as_deref())
        .and_then(|n| rules.calendars().get(n))
        .and_then(|c| c.time_zone())
        .map(str::to_string);
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
    let fields = case.map(|c| {
        super::replay::state_at(c, crate::time::to_us(now))
            .map(|s| s.fields)
            .unwrap_or_else(|_| c.fields.clone())
    });
    let urgent_case = fields
        .as_ref()
        .is_some_and(|f| cfg.page_oncall_when.matches(&|k| f.get(k)));
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
        MonitorEventKind::Quota | MonitorEventKind::Allowance => {
            if ev.quota.as_ref().is_some_and(|q| q.fraction >= 1.0) {
                suggest("raise_usage_at_renewal");
            }
        }
    }
    if ev.level >= Level::Critical && arr.is_some_and(|a| a >= cfg.war_room_arr) {
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
    Ok(Alert {
        key: ev.key.clone(),
        kind: ev.kind,
        level: ev.level,
        at: ev.at,
        title: one_line(&title),
        summary,
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
        account: (*ev.account).clone(),
        deadline_utc: deadline,
        deadline_local,
        time_zone: zone,
        business_left: status.filter(|_| open).and_then(|s| s.remaining),
        wall_left: deadline.filter(|_| open).map(|d| d - now),
        actions,
    })
}

/// One line: control characters (newlines, tabs) become spaces, so CRM text cannot add an email
/// header or break a Jira summary.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A key of at most `max` bytes: itself when short enough, else a prefix and a stable 64-bit
/// FNV-1a hash of the whole key, so that distinct long keys stay distinct.
fn bounded_key(key: &str, max: usize) -> String {
    if key.len() <= max {
        return key.to_string();
    }
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut cut = max - 17;
    while !key.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}#{hash:016x}", &key[..cut])
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Text for Slack's `mrkdwn`: `&`, `<` and `>` escaped as Slack documents, so that text from a
/// CRM cannot mention `<!channel>` or hide a link.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

impl Alert {
    /// The facts worth showing, without empty values (Jira refuses empty text nodes).
    fn facts(&self) -> Vec<(&'static str, String)> {
        let mut f = self.all_facts();
        f.retain(|(_, v)| !v.trim().is_empty());
        f
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

    /// A Slack message: `{"text": fallback, "blocks": [...]}` in Block Kit (a header, a section
    /// with up to 10 fields, the suggested actions and the event key as context), within
    /// Slack's documented limits (header 150 characters, section text 3000, fields 2000 each),
    /// with `&`, `<` and `>` escaped in `mrkdwn` text.
    ///
    /// ```
    /// # use entitlement_core::{Case, Ruleset};
    /// # let rules = Ruleset::from_yaml(r#"
    /// # calendars: { 24x7: { always_open: true } }
    /// # processes:
    /// #   - id: p
    /// #     calendar: 24x7
    /// #     milestones:
    /// #       - { name: First Response, kind: first_response, target: 1h,
    /// #           triggers: [ { at: "50%", level: warning, actions: [notify_owner] } ] }
    /// # entitlements:
    /// #   - { id: acme, process: p, account: { id: A-1, name: Acme, arr: 1200000 },
    /// #       cases_per_entitlement: 10, quotas: [ { period: month, max_cases: 5 } ] }
    /// # "#)?;
    /// # let case = Case::from_value(&serde_json::json!(
    /// #     {"id": "C-1", "entitlement": "acme", "created_at": "2026-11-25T10:00:00Z"}))?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2026-11-25T11:15:00Z".parse()?;
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// let message = report.alerts[0].slack_blocks();
    /// assert_eq!(message["blocks"][0]["type"], "header");
    /// assert!(message["text"].as_str().unwrap().contains("First Response"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn slack_blocks(&self) -> Value {
        let fields: Vec<Value> = self
            .facts()
            .into_iter()
            .take(10)
            .map(|(k, v)| {
                json!({"type": "mrkdwn", "text": truncate(&format!("*{k}*\n{}", slack_escape(&v)), 2000)})
            })
            .collect();
        let mut blocks = vec![
            json!({"type": "header", "text": {"type": "plain_text", "text": truncate(&self.title, 150), "emoji": true}}),
            json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&slack_escape(&self.summary), 3000)}}),
        ];
        if !fields.is_empty() {
            blocks.push(json!({"type": "section", "fields": fields}));
        }
        let mut context = Vec::new();
        if !self.actions.is_empty() {
            context.push(json!({"type": "mrkdwn", "text": truncate(&slack_escape(&format!("Suggested: {}", self.actions.join(", "))), 3000)}));
        }
        context.push(json!({"type": "mrkdwn", "text": truncate(&format!("Event key: `{}`", slack_escape(&self.key)), 3000)}));
        blocks.push(json!({"type": "context", "elements": context}));
        json!({"text": truncate(&slack_escape(&self.title), 3000), "blocks": blocks})
    }

    /// A plain-text email: `{"subject": ..., "body": ...}`.
    ///
    /// ```
    /// # use entitlement_core::{Case, Ruleset};
    /// # let rules = Ruleset::from_yaml(r#"
    /// # calendars: { 24x7: { always_open: true } }
    /// # processes:
    /// #   - id: p
    /// #     calendar: 24x7
    /// #     milestones:
    /// #       - { name: First Response, kind: first_response, target: 1h,
    /// #           triggers: [ { at: "50%", level: warning, actions: [notify_owner] } ] }
    /// # entitlements:
    /// #   - { id: acme, process: p, account: { id: A-1, name: Acme, arr: 1200000 },
    /// #       cases_per_entitlement: 10, quotas: [ { period: month, max_cases: 5 } ] }
    /// # "#)?;
    /// # let case = Case::from_value(&serde_json::json!(
    /// #     {"id": "C-1", "entitlement": "acme", "created_at": "2026-11-25T10:00:00Z"}))?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2026-11-25T11:15:00Z".parse()?;
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// let email = report.alerts[0].email();
    /// assert!(email["subject"].as_str().unwrap().contains("C-1"));
    /// assert!(email["body"].as_str().unwrap().contains("Acme"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn email(&self) -> Value {
        let mut body = format!("{}\n\n", self.summary);
        for (k, v) in self.facts() {
            body.push_str(&format!("{k}: {v}\n"));
        }
        if !self.actions.is_empty() {
            body.push_str(&format!(
                "\nSuggested actions: {}\n",
                self.actions.join(", ")
            ));
        }
        body.push_str(&format!("\nEvent key: {}\n", self.key));
        json!({"subject": self.title, "body": body})
    }

    /// A Jira Cloud create-issue request body (`POST /rest/api/3/issue`): `fields` with
    /// `project.key`, `issuetype.name`, `summary` (at most 255 characters), `priority.name`,
    /// `labels` (no spaces) and `description` as an Atlassian Document Format document.
    ///
    /// ```
    /// # use entitlement_core::{Case, Ruleset};
    /// # let rules = Ruleset::from_yaml(r#"
    /// # calendars: { 24x7: { always_open: true } }
    /// # processes:
    /// #   - id: p
    /// #     calendar: 24x7
    /// #     milestones:
    /// #       - { name: First Response, kind: first_response, target: 1h,
    /// #           triggers: [ { at: "50%", level: warning, actions: [notify_owner] } ] }
    /// # entitlements:
    /// #   - { id: acme, process: p, account: { id: A-1, name: Acme, arr: 1200000 },
    /// #       cases_per_entitlement: 10, quotas: [ { period: month, max_cases: 5 } ] }
    /// # "#)?;
    /// # let case = Case::from_value(&serde_json::json!(
    /// #     {"id": "C-1", "entitlement": "acme", "created_at": "2026-11-25T10:00:00Z"}))?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2026-11-25T11:15:00Z".parse()?;
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// let issue = report.alerts[0].jira_issue("SUP", "Task");
    /// assert_eq!(issue["fields"]["project"]["key"], "SUP");
    /// assert_eq!(issue["fields"]["description"]["type"], "doc");   // Atlassian Document Format
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn jira_issue(&self, project_key: &str, issue_type: &str) -> Value {
        let priority = match self.level {
            Level::Info => "Low",
            Level::Warning => "Medium",
            Level::Critical => "High",
            Level::Violation | Level::Escalation => "Highest",
        };
        let mut paragraphs =
            vec![json!({"type": "paragraph", "content": [{"type": "text", "text": self.summary}]})];
        let items: Vec<Value> = self
            .facts()
            .into_iter()
            .map(|(k, v)| {
                json!({"type": "listItem", "content": [{"type": "paragraph", "content": [
                    {"type": "text", "text": format!("{k}: "), "marks": [{"type": "strong"}]},
                    {"type": "text", "text": v}
                ]}]})
            })
            .collect();
        if !items.is_empty() {
            paragraphs.push(json!({"type": "bulletList", "content": items}));
        }
        if !self.actions.is_empty() {
            paragraphs.push(json!({"type": "paragraph", "content": [
                {"type": "text", "text": format!("Suggested actions: {}", self.actions.join(", "))}
            ]}));
        }
        let mut labels = vec![
            "entitlement".to_string(),
            format!("sla-{}", self.level.as_str()),
            format!("sla-{}", self.kind.as_str()),
        ];
        if let Some(e) = &self.entitlement {
            labels.push(e.replace(char::is_whitespace, "-"));
        }
        json!({"fields": {
            "project": {"key": project_key},
            "issuetype": {"name": issue_type},
            "summary": truncate(&self.title, 255),
            "priority": {"name": priority},
            "labels": labels,
            "description": {"type": "doc", "version": 1, "content": paragraphs},
        }})
    }

    /// A PagerDuty Events API v2 `trigger` event: `routing_key`, `event_action`, `dedup_key`
    /// (the event key, at most 255 characters), and `payload` with `summary` (at most 1024),
    /// `source`, `severity` (`critical`, `error`, `warning` or `info`), `timestamp`,
    /// `component`, `group`, `class` and `custom_details`. A key longer than 255 bytes becomes
    /// a prefix and a hash of the whole key, so distinct events stay distinct incidents.
    ///
    /// ```
    /// # use entitlement_core::{Case, Ruleset};
    /// # let rules = Ruleset::from_yaml(r#"
    /// # calendars: { 24x7: { always_open: true } }
    /// # processes:
    /// #   - id: p
    /// #     calendar: 24x7
    /// #     milestones:
    /// #       - { name: First Response, kind: first_response, target: 1h,
    /// #           triggers: [ { at: "50%", level: warning, actions: [notify_owner] } ] }
    /// # entitlements:
    /// #   - { id: acme, process: p, account: { id: A-1, name: Acme, arr: 1200000 },
    /// #       cases_per_entitlement: 10, quotas: [ { period: month, max_cases: 5 } ] }
    /// # "#)?;
    /// # let case = Case::from_value(&serde_json::json!(
    /// #     {"id": "C-1", "entitlement": "acme", "created_at": "2026-11-25T10:00:00Z"}))?;
    /// # let now: chrono::DateTime<chrono::Utc> = "2026-11-25T11:15:00Z".parse()?;
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// let event = report.alerts[0].pagerduty_event("R0UT1NGKEY");
    /// assert_eq!(event["event_action"], "trigger");
    /// assert_eq!(event["dedup_key"], report.alerts[0].key.as_str());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pagerduty_event(&self, routing_key: &str) -> Value {
        let severity = match self.level {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Critical | Level::Escalation => "critical",
            Level::Violation => "error",
        };
        let details = serde_json::to_value(self).unwrap_or(Value::Null);
        json!({
            "routing_key": routing_key,
            "event_action": "trigger",
            "dedup_key": bounded_key(&self.key, 255),
            "payload": {
                "summary": truncate(&self.title, 1024),
                "source": self.entitlement.as_deref().unwrap_or("entitlement"),
                "severity": severity,
                "timestamp": rfc3339(self.at),
                "component": self.milestone.as_deref().unwrap_or(self.kind.as_str()),
                "group": self.account_name.as_deref().or(self.account_id.as_deref()).unwrap_or("unknown account"),
                "class": format!("sla_{}", self.kind.as_str()),
                "custom_details": details,
            }
        })
    }
}
