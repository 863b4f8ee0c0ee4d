//! Alerts: each monitor event with the account context and suggested actions, and pure
//! renderers for Slack (Block Kit), email (plain text), Jira (create-issue payload) and
//! PagerDuty (Events API v2). Rendering never sends anything: that is the host's job.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use super::Ruleset;
use super::model::Level;
use super::monitor::{MonitorEvent, MonitorEventKind};
use crate::error::Result;
use crate::time::rfc3339;

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
    pub account: super::model::Account,
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

/// The alert of `ev`; `urgent_case`: whether its case matches `page_oncall_when` at `now`.
pub(crate) fn build_alert(
    rules: &Ruleset,
    ev: &MonitorEvent,
    urgent_case: bool,
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
    })
}

/// Whether a character is one of the bidirectional embeddings, overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069), which can make text read differently from what it is.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text fit to render: bidirectional controls dropped; control characters (ESC, CR, tab,
/// newline, ...) become spaces, except newlines where `multiline`. So CRM text cannot add an
/// email header, break a Jira summary, reorder what a reader sees or drive a terminal.
fn clean(s: &str, multiline: bool) -> String {
    s.chars()
        .filter(|&c| !is_bidi_control(c))
        .map(|c| {
            if c.is_control() && !(multiline && c == '\n') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// One line of text fit to render (see [`clean`]).
fn one_line(s: &str) -> String {
    clean(s, false)
}

/// The length vendors count, in UTF-16 code units: what JavaScript's and Java's `length`
/// give, and never less than the number of characters.
fn units(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// At most `max` UTF-16 code units: `s` itself, or its start and `…`.
fn truncate(s: &str, max: usize) -> String {
    if units(s) <= max {
        return s.to_string();
    }
    let mut t = String::new();
    let mut used = 0;
    for c in s.chars() {
        if used + c.len_utf16() > max.saturating_sub(1) {
            break;
        }
        used += c.len_utf16();
        t.push(c);
    }
    t.push('…');
    t
}

/// A 128-bit SipHash-1-3 of `key` with fixed keys: stable across versions and platforms.
fn key_hash(key: &str) -> u128 {
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::Hasher;
    let mut h = SipHasher13::new_with_keys(0x656e_7469_746c_656d, 0x656e_742d_6b65_7973);
    h.write(key.as_bytes());
    h.finish128().as_u128()
}

/// A key of at most `max` bytes (and characters) fit to render: the key itself when it is
/// short enough and has no control or bidirectional character, else its cleaned start, the
/// marker `\#` and a 128-bit hash of the whole key in hex. Event keys escape `\` as `\\`, so
/// `\#` occurs in no event key: a cut key never equals a whole one, and two cut keys are equal
/// only if the whole keys are (up to the hash).
fn bounded_key(key: &str, max: usize) -> String {
    if key.len() <= max && clean(key, false) == key {
        return key.to_string();
    }
    let hash = format!("\\#{:032x}", key_hash(key));
    let room = max.saturating_sub(hash.len());
    let mut prefix = String::new();
    for c in clean(key, false).chars() {
        if prefix.len() + c.len_utf8() > room {
            break;
        }
        prefix.push(c);
    }
    // Never end the start inside an escape: an odd run of trailing `\` would pair with the
    // marker's.
    let trailing = prefix.chars().rev().take_while(|&c| c == '\\').count();
    if trailing % 2 == 1 {
        prefix.pop();
    }
    prefix + &hash
}

/// Text for Slack's `mrkdwn`: `&`, `<` and `>` escaped as Slack documents, so that text from a
/// CRM cannot mention `<!channel>` or hide a link.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text inside a Slack code span (between backticks): `mrkdwn` has no escape for a backtick,
/// so each becomes U+02CB (ˋ), which looks alike and cannot close the span.
fn slack_code(s: &str) -> String {
    slack_escape(s).replace('`', "\u{02CB}")
}

/// `v` with every string (keys too) fit to render on one line and at most `max` UTF-16 code
/// units, arrays and objects cut to `items` entries, and nesting below `depth` replaced by
/// `"…"`: how PagerDuty's `custom_details` stays within the event's size limit.
fn bounded_value(v: &Value, max: usize, items: usize, depth: usize) -> Value {
    let text = |s: &str| truncate(&one_line(s), max);
    match v {
        Value::String(s) => Value::String(text(s)),
        Value::Array(a) if depth > 0 => Value::Array(
            a.iter()
                .take(items)
                .map(|x| bounded_value(x, max, items, depth - 1))
                .collect(),
        ),
        Value::Object(m) if depth > 0 => Value::Object(
            m.iter()
                .take(items)
                .map(|(k, x)| (text(k), bounded_value(x, max, items, depth - 1)))
                .collect(),
        ),
        Value::Array(_) | Value::Object(_) => Value::String("…".into()),
        other => other.clone(),
    }
}

/// The largest PagerDuty event the renderer makes, in bytes of JSON: PagerDuty refuses events
/// over 512 KB; the rest is left for the routing key and the host's own additions.
pub const PAGERDUTY_MAX_EVENT_BYTES: usize = 500 * 1024;

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
        let title = one_line(&self.title);
        let fields: Vec<Value> = self
            .facts()
            .into_iter()
            .take(10)
            .map(|(k, v)| {
                json!({"type": "mrkdwn", "text": truncate(&format!("*{k}*\n{}", slack_escape(&v)), 2000)})
            })
            .collect();
        let mut blocks = vec![
            json!({"type": "header", "text": {"type": "plain_text", "text": truncate(&title, 150), "emoji": true}}),
            json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&slack_escape(&one_line(&self.summary)), 3000)}}),
        ];
        if !fields.is_empty() {
            blocks.push(json!({"type": "section", "fields": fields}));
        }
        let mut context = Vec::new();
        if !self.actions.is_empty() {
            context.push(json!({"type": "mrkdwn", "text": truncate(&slack_escape(&format!("Suggested: {}", self.action_list())), 3000)}));
        }
        // The key is cut before it goes into the span, so that the closing backtick stays.
        let key = truncate(&slack_code(&one_line(&self.key)), 2900);
        context.push(json!({"type": "mrkdwn", "text": format!("Event key: `{key}`")}));
        blocks.push(json!({"type": "context", "elements": context}));
        json!({"text": truncate(&slack_escape(&title), 3000), "blocks": blocks})
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
        // Cleaned but not cut: RFC 5322's 998-character lines bind the encoded message, which
        // the host's mail library makes (folding the subject, quoted-printable for the body).
        let mut body = format!("{}\n\n", one_line(&self.summary));
        for (k, v) in self.facts() {
            body.push_str(&format!("{k}: {v}\n"));
        }
        if !self.actions.is_empty() {
            body.push_str(&format!("\nSuggested actions: {}\n", self.action_list()));
        }
        // The body may hold a newline: the key as it is, so that it can be searched for.
        body.push_str(&format!("\nEvent key: {}\n", clean(&self.key, true)));
        json!({"subject": one_line(&self.title), "body": body})
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
        // Each text node cut so that the whole description stays within Jira's 32,767
        // characters for a text field: the summary and the suggested actions get 8,000 each,
        // each of the (at most nine) facts 1,500.
        let summary = truncate(&one_line(&self.summary), 8_000);
        let summary = if summary.trim().is_empty() {
            "-".to_string()
        } else {
            summary
        };
        let mut paragraphs =
            vec![json!({"type": "paragraph", "content": [{"type": "text", "text": summary}]})];
        let items: Vec<Value> = self
            .facts()
            .into_iter()
            .map(|(k, v)| {
                json!({"type": "listItem", "content": [{"type": "paragraph", "content": [
                    {"type": "text", "text": format!("{k}: "), "marks": [{"type": "strong"}]},
                    {"type": "text", "text": truncate(&v, 1_500)}
                ]}]})
            })
            .collect();
        if !items.is_empty() {
            paragraphs.push(json!({"type": "bulletList", "content": items}));
        }
        if !self.actions.is_empty() {
            paragraphs.push(json!({"type": "paragraph", "content": [
                {"type": "text", "text": truncate(&format!("Suggested actions: {}", self.action_list()), 8_000)}
            ]}));
        }
        let mut labels = vec![
            "entitlement".to_string(),
            format!("sla-{}", self.level.as_str()),
            format!("sla-{}", self.kind.as_str()),
        ];
        if let Some(e) = &self.entitlement {
            let label = one_line(e).replace(char::is_whitespace, "-");
            if !label.is_empty() {
                labels.push(truncate(&label, 255));
            }
        }
        json!({"fields": {
            "project": {"key": truncate(&one_line(project_key), 255)},
            "issuetype": {"name": truncate(&one_line(issue_type), 255)},
            "summary": truncate(&one_line(&self.title), 255),
            "priority": {"name": priority},
            "labels": labels,
            "description": {"type": "doc", "version": 1, "content": paragraphs},
        }})
    }

    /// A PagerDuty Events API v2 `trigger` event: `routing_key`, `event_action`, `dedup_key`
    /// (the event key, at most 255 characters), and `payload` with `summary` (at most 1024),
    /// `source`, `severity` (`critical`, `error`, `warning` or `info`), `timestamp`,
    /// `component`, `group`, `class` and `custom_details`. A key longer than 255 bytes (or with
    /// a control character) becomes a prefix, `\#` and a 128-bit hash of the whole key, so
    /// distinct events stay distinct incidents; `custom_details` (the whole alert) is cut so
    /// that the event stays under 512 KB (`docs/monitor.md`, "Renderer limits").
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
        let short = |s: &str| truncate(&one_line(s), 255);
        let details = serde_json::to_value(self).unwrap_or(Value::Null);
        let mut event = json!({
            "routing_key": truncate(&one_line(routing_key), 255),
            "event_action": "trigger",
            "dedup_key": bounded_key(&self.key, 255),
            "payload": {
                "summary": truncate(&one_line(&self.title), 1024),
                "source": short(self.entitlement.as_deref().unwrap_or("entitlement")),
                "severity": severity,
                "timestamp": rfc3339(self.at),
                "component": short(self.milestone.as_deref().unwrap_or(self.kind.as_str())),
                "group": short(self.account_name.as_deref().or(self.account_id.as_deref()).unwrap_or("unknown account")),
                "class": format!("sla_{}", self.kind.as_str()),
                "custom_details": Value::Null,
            }
        });
        // The details whole when they fit, else with every string, list and map cut harder
        // and harder; at the last, only the facts that identify the alert.
        let size = |e: &Value| serde_json::to_vec(e).map_or(usize::MAX, |b| b.len());
        for (max, items, depth) in [
            (usize::MAX, usize::MAX, 64),
            (4_096, 1_000, 16),
            (1_024, 100, 8),
            (256, 20, 4),
        ] {
            event["payload"]["custom_details"] = bounded_value(&details, max, items, depth);
            if size(&event) <= PAGERDUTY_MAX_EVENT_BYTES {
                return event;
            }
        }
        event["payload"]["custom_details"] = json!({
            "truncated": true,
            "key": truncate(&one_line(&self.key), 1024),
            "kind": self.kind.as_str(),
            "level": self.level.as_str(),
            "case_id": self.case_id.as_deref().map(|c| truncate(&one_line(c), 1024)),
        });
        event
    }
}
