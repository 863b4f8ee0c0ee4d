//! Alerts: the monitor's events as people act on them (one alert per milestone instance and
//! instant, in words, with the case's fields, links and named actions) and pure renderers for
//! Slack (Block Kit), email (plain text and HTML), Jira (create-issue payload with an ADF
//! description) and PagerDuty (Events API v2), and a per-account digest. Rendering never sends
//! anything: that is the host's job.
//!
//! An [`Alert`] is built from a [`MonitorEvent`] and what the monitor already holds when it
//! reports it (`AlertContext`): nothing here replays a case or reads the rules.
//!
//! | file | what it holds |
//! |---|---|
//! | `mod.rs` | [`Alert`], built from an event, merged with the others of its instant; its facts |
//! | `delivery.rs` | [`Delivery`]: the channels an alert goes to and their dedupe values |
//! | `words.rs` | times with their zone and spans in words (`16:00 EST`, `1h05m ago`) |
//! | `money.rs` | [`money_text`]: `$1.2M` |
//! | `text.rs` | text fit to render: control and bidirectional characters, lengths vendors count |
//! | `slack.rs`, `email.rs`, `jira.rs`, `pagerduty.rs` | one renderer each |
//! | `digest.rs` | [`Digest`]: one message per account for a run's alerts |

mod delivery;
mod digest;
mod email;
mod jira;
mod money;
mod pagerduty;
mod slack;
mod text;
mod words;

pub use delivery::{
    Channel, Delivery, MAX_CHANNEL_NAME, MAX_INVITES, MAX_TEAM_SCAN, jira_label, war_room_name,
};
pub use digest::{Digest, digest};
pub use money::money_text;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use self::text::one_line;
use self::words::{ago, business_span, local_time, milestone_words, period_words, point_words};
use super::case_error::CaseError;
use super::model::{Account, Level};
use super::monitor::event::{MonitorEvent, MonitorEventKind};
use super::monitor_config::{MonitorConfig, UrlPiece, url_pieces};
use super::status::MilestoneState;
use crate::time::rfc3339;

/// A link an alert carries (`monitor.links`): a button in Slack, a link in email, Jira and
/// PagerDuty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AlertLink {
    /// What the link opens (`Open case`, `Open account`).
    pub label: String,
    /// The URL, its values percent-encoded.
    pub url: String,
}

/// A case field an alert shows (`monitor.alert_fields`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AlertField {
    /// The field's name in words (`Subject`, `Owner`).
    pub label: String,
    /// Its value at `now`, as text.
    pub value: String,
}

/// A suggested action with its label from the action catalogue (`monitor.actions`) or the
/// built-in labels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AlertAction {
    /// The action's id (`notify_owner`).
    pub id: String,
    /// What a person reads (`Notify the case owner`).
    pub label: String,
    /// More on what to do, from the catalogue.
    pub details: Option<String>,
}

/// What needs doing, for whom and by when: the monitor's events of one milestone instance (or
/// one quota) at one instant, told to a person.
///
/// A breach and a trigger at 100% of the same milestone instance are one alert: the highest
/// level, the union of the actions, and `keys` listing every event it covers
/// (`docs/alerts.md`, "One alert per milestone and instant").
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let alert = &report.alerts[0];
/// assert_eq!(alert.key, report.events[0].key);        // one alert per milestone and instant
/// assert_eq!(alert.keys, [alert.key.clone()]);
/// assert_eq!(alert.account_name.as_deref(), Some("Acme"));
/// assert!(alert.actions.contains(&"notify_owner".to_string()));
/// assert_eq!(alert.action_items[0].label, "Notify the case owner");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Alert {
    /// The key of the alert's highest-level event (use it to deduplicate downstream, e.g. as
    /// PagerDuty's `dedup_key`).
    pub key: String,
    /// The keys of every event the alert covers, in the order of the report's events (by
    /// key: they share the instant), `key` among them.
    pub keys: Vec<String>,
    /// What the highest-level event is about.
    pub kind: MonitorEventKind,
    /// The highest level of its events.
    pub level: Level,
    /// When the threshold was crossed.
    #[serde(with = "crate::time::serde_instant")]
    #[schemars(schema_with = "crate::time::schema_instant")]
    pub at: DateTime<Utc>,
    /// A one-line title in words: what is due, for whom and by when, every time with its zone
    /// ("First Response on case 500-17 (Acme Corp, Sev2) due in 15 min of business time
    /// (16:00 EST)").
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
    /// Suggested action ids: the highest-level event's own first, then the other events' and
    /// the defaults that apply, each once.
    pub actions: Vec<String>,
    /// The same actions with their labels and details (`monitor.actions`).
    pub action_items: Vec<AlertAction>,
    /// Links to the case and the account (`monitor.links`), when configured and the alert has
    /// the values they need.
    pub links: Vec<AlertLink>,
    /// The case's fields named by `monitor.alert_fields` that it has, as of `now`.
    pub fields: Vec<AlertField>,
    /// The account's ARR as money (`$1.2M`, currency `monitor.currency`).
    pub arr_text: Option<String>,
    /// The channels the alert goes to, in order: Slack always, then the war room, Jira,
    /// PagerDuty and Salesforce for the actions it names (`docs/alerts.md`, "Deliveries").
    pub deliveries: Vec<Delivery>,
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
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
    /// The error entry of a `data_error` event.
    pub error: Option<&'a CaseError>,
    /// The `monitor:` settings: war-room ARR, links, fields, action catalogue, currency.
    pub config: &'a MonitorConfig,
    /// The case's fields as of `now` (borrowed from the pass that judged suppression).
    pub fields: Option<&'a Map<String, Value>>,
    /// The case field that chose the milestone's target (its tier), if the target is tiered.
    pub tier_field: Option<&'a str>,
}

/// A case field's name in words: `subject` → `Subject`, `case_owner` → `Case owner`.
fn field_label(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut c = spaced.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => spaced,
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The URL of a template (validated at load) with its placeholders replaced, or `None` when
/// one of the values is missing.
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> Option<String> {
    let pieces = url_pieces(template, "").ok()?;
    let mut url = String::new();
    for piece in pieces {
        match piece {
            UrlPiece::Text(t) => url.push_str(t),
            UrlPiece::Value(name) => url.push_str(&percent_encode(&value(name)?)),
        }
    }
    Some(url)
}

impl Alert {
    /// The alert of `ev`, in `context`.
    pub(crate) fn from_event(ev: &MonitorEvent, context: &AlertContext<'_>) -> Alert {
        let AlertContext {
            now,
            time_zone,
            urgent_case,
            error,
            config,
            fields,
            tier_field,
        } = *context;
        let status = ev.status.as_ref();
        let zone = time_zone.map(str::to_string);
        let tz = time_zone.and_then(|z| z.parse::<chrono_tz::Tz>().ok());
        let deadline = status.and_then(|s| s.target_at);
        let deadline_local = deadline.map(|d| match tz {
            Some(tz) => d.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string(),
            None => d.format("%Y-%m-%d %H:%M UTC").to_string(),
        });
        let open = status.is_some_and(|s| s.state.is_open());

        let mut actions: Vec<String> = Vec::new();
        let mut suggest = |a: &str| {
            if !actions.iter().any(|x| x == a) {
                actions.push(a.to_string());
            }
        };
        for a in &ev.actions {
            suggest(a);
        }
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
            MonitorEventKind::DataError => {}
        }
        if ev.level >= Level::Critical && arr.is_some_and(|a| a >= config.war_room_arr) {
            suggest("open_war_room");
        }
        let action_items = actions
            .iter()
            .map(|id| {
                let (label, details) = config.action_label(id);
                AlertAction {
                    id: id.clone(),
                    label: label.to_string(),
                    details: details.map(str::to_string),
                }
            })
            .collect();

        let name = text(ev.account.get("name"));
        let account_id = text(ev.account.get("id"));
        let arr_text = match ev.account.get("arr") {
            Some(Value::Number(n)) => n.as_f64().and_then(|a| money_text(a, &config.currency)),
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        let who = name
            .clone()
            .or_else(|| ev.entitlement.clone())
            .unwrap_or_default();
        let case = ev.case_id.as_deref().unwrap_or("?");
        let tier = tier_field
            .and_then(|f| fields.and_then(|m| m.get(f)))
            .and_then(super::model::value_text);
        let whose = match &tier {
            Some(t) if !who.is_empty() => format!(" ({who}, {t})"),
            Some(t) => format!(" ({t})"),
            None if !who.is_empty() => format!(" ({who})"),
            None => String::new(),
        };
        let at_local = |t: DateTime<Utc>| local_time(t, tz, now);
        let (title, summary) = match ev.kind {
            MonitorEventKind::Trigger | MonitorEventKind::Breach => {
                let milestone =
                    milestone_words(ev.milestone.as_deref().unwrap_or("?"), ev.instance);
                let what = format!("{milestone} on case {case}{whose}");
                // The state at `now` decides the words: a trigger whose milestone has since
                // breached reads as a breach; one breached exactly now reads "just now".
                let breached_at = status.and_then(|s| s.breached_at.or(s.target_at));
                let breached = ev.kind == MonitorEventKind::Breach
                    || status.is_some_and(|s| {
                        s.state == MilestoneState::Violated
                            || s.state == MilestoneState::CompletedLate
                            || (s.state.is_open()
                                && s.remaining.is_some_and(|r| r <= TimeDelta::zero()))
                    });
                let point = ev.point.as_deref().map(point_words);
                let reached = match (&point, ev.kind) {
                    (Some(p), MonitorEventKind::Trigger) => format!("reached {p}"),
                    _ => "passed its target".to_string(),
                };
                // What happened since the trigger, when it is not the breach itself.
                let before = match &point {
                    Some(_)
                        if ev.kind == MonitorEventKind::Trigger
                            && breached_at.is_none_or(|b| ev.at < b) =>
                    {
                        format!("{what} {reached} at {};", at_local(ev.at))
                    }
                    _ => what.clone(),
                };
                let after = match &point {
                    Some(p)
                        if ev.kind == MonitorEventKind::Trigger
                            && breached_at.is_some_and(|b| ev.at > b) =>
                    {
                        format!(" ({p} at {})", at_local(ev.at))
                    }
                    _ => String::new(),
                };
                let title = match (status, breached) {
                    (Some(s), true) if s.state == MilestoneState::CompletedLate => format!(
                        "{before} breached{}, completed late{}{after}",
                        breached_at
                            .map(|b| format!(" at {}", at_local(b)))
                            .unwrap_or_default(),
                        s.completed_at
                            .map(|c| format!(" at {}", at_local(c)))
                            .unwrap_or_default()
                    ),
                    (_, true) => match breached_at {
                        Some(b) => format!(
                            "{before} breached at {}, {}{after}",
                            at_local(b),
                            ago(b, now)
                        ),
                        None => format!("{before} breached{after}"),
                    },
                    (Some(s), false) if s.state == MilestoneState::Completed => format!(
                        "{before} met{}",
                        s.completed_at
                            .map(|c| format!(" at {}", at_local(c)))
                            .unwrap_or_default()
                    ),
                    (Some(s), false) if s.state == MilestoneState::Paused => format!(
                        "{what}: {} of business time left, clock paused",
                        s.remaining.map(business_span).unwrap_or_else(|| "?".into())
                    ),
                    (Some(s), false) => format!(
                        "{what} due in {} of business time{}",
                        s.remaining.map(business_span).unwrap_or_else(|| "?".into()),
                        deadline
                            .map(|d| format!(" ({})", at_local(d)))
                            .unwrap_or_default()
                    ),
                    (None, false) => format!("{what} {reached} at {}", at_local(ev.at)),
                };
                let mut summary = format!(
                    "{}: {what} {reached} at {}.",
                    capitalised(ev.level.as_str()),
                    at_local(ev.at)
                );
                if let (Some(d), Some(local)) = (deadline, &deadline_local) {
                    summary.push_str(&format!(" Deadline {local} ({}).", rfc3339(d)));
                }
                match status {
                    Some(s) if s.state.is_open() => {
                        if let Some(r) = s.remaining.filter(|r| *r > TimeDelta::zero()) {
                            summary.push_str(&format!(
                                " {} of business time left{}.",
                                business_span(r),
                                deadline
                                    .filter(|d| *d > now)
                                    .map(|d| format!(
                                        ", {} on the wall clock",
                                        words::wall_span(d - now)
                                    ))
                                    .unwrap_or_default()
                            ));
                        }
                        if s.state == MilestoneState::Paused {
                            summary.push_str(" The clock is paused.");
                        }
                    }
                    Some(s) => summary.push_str(&format!(
                        " Completed{}.",
                        s.completed_at
                            .map(|c| format!(" at {}", at_local(c)))
                            .unwrap_or_default()
                    )),
                    None => {}
                }
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
                        q.map(|q| period_words(q.period.as_str())).unwrap_or("?"),
                        q.and_then(|q| q.name.as_ref())
                            .map(|n| format!(" {n:?}"))
                            .unwrap_or_default()
                    )
                };
                let (used, max, pct) =
                    q.map_or((0, 0, 0.0), |q| (q.used, q.max_cases, q.fraction * 100.0));
                (
                    format!(
                        "{who} reached {pct:.0}% of its {label} ({used} of {max} cases) with case {case}"
                    ),
                    format!(
                        "{} {who} has raised {used} of {max} cases of its {label} (entitlement {}); case {case} crossed {pct:.0}% at {}.",
                        capitalised(ev.level.as_str()),
                        ev.entitlement.as_deref().unwrap_or("?"),
                        at_local(ev.at)
                    ),
                )
            }
            MonitorEventKind::DataError => {
                let case = match (&ev.case_id, error) {
                    (Some(id), _) => format!("case {id}"),
                    (None, Some(e)) => format!("the case at cases[{}]", e.index),
                    (None, None) => "a case".to_string(),
                };
                let code = ev.point.as_deref().unwrap_or("?");
                let why = error.map_or(code, |e| e.message.as_str());
                (
                    format!("[{}] {case} could not be checked: {why}", ev.level.as_str()),
                    format!(
                        "The monitor left {case} out of this run ({code}{}); the other cases were checked. Fix the record (or the rules) and the next run checks it.",
                        error.map(|e| format!(" at {}", e.path)).unwrap_or_default()
                    ),
                )
            }
        };

        let shown = |name: &str| -> Option<String> {
            match name {
                "case_id" => ev.case_id.clone(),
                "account_id" => account_id.clone(),
                "entitlement" => ev.entitlement.clone(),
                _ => None,
            }
        };
        let mut links = Vec::new();
        for (label, template) in [
            ("Open case", &config.links.case),
            ("Open account", &config.links.account),
        ] {
            if let Some(url) = template.as_deref().and_then(|t| fill(t, shown)) {
                links.push(AlertLink {
                    label: label.into(),
                    url,
                });
            }
        }
        let fields = fields
            .map(|m| {
                config
                    .alert_fields
                    .iter()
                    .filter_map(|f| {
                        let value = match m.get(f)? {
                            Value::Null => return None,
                            Value::String(s) => s.clone(),
                            Value::Object(_) | Value::Array(_) => {
                                text(m.get(f)).unwrap_or_else(|| m[f].to_string())
                            }
                            other => other.to_string(),
                        };
                        Some(AlertField {
                            label: field_label(f),
                            value,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();

        let mut alert = Alert {
            key: ev.key.clone(),
            keys: vec![ev.key.clone()],
            kind: ev.kind,
            level: ev.level,
            at: ev.at,
            title: one_line(&title),
            summary: one_line(&summary),
            case_id: ev.case_id.clone(),
            entitlement: ev.entitlement.clone(),
            milestone: ev.milestone.clone(),
            instance: ev.instance,
            account_id,
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
            action_items,
            links,
            fields,
            arr_text,
            deliveries: Vec::new(),
        };
        alert.deliveries = alert.deliveries_under(config);
        alert
    }

    /// Folds `other`, an alert of the same milestone instance (or quota) and instant, into
    /// this one: the higher level leads (a breach before a trigger of the same level, then
    /// the earlier in the report's order), the actions are the leader's then the other's not
    /// yet listed, and `keys` lists both; the deliveries are those of the merged alert.
    pub(crate) fn absorb(&mut self, mut other: Alert, config: &MonitorConfig) {
        let leads = other.level > self.level
            || (other.level == self.level
                && other.kind == MonitorEventKind::Breach
                && self.kind != MonitorEventKind::Breach);
        let mut keys = std::mem::take(&mut self.keys);
        keys.append(&mut other.keys);
        if leads {
            std::mem::swap(self, &mut other);
        }
        self.keys = keys;
        for item in other.action_items {
            if !self.actions.contains(&item.id) {
                self.actions.push(item.id.clone());
                self.action_items.push(item);
            }
        }
        self.deliveries = self.deliveries_under(config);
    }
}

/// `violation` → `Violation`.
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl Alert {
    /// The facts worth showing, without empty values (Jira refuses empty text nodes).
    fn facts(&self) -> Vec<(String, String)> {
        let mut f = self.all_facts();
        for (k, v) in &mut f {
            *k = one_line(k);
            *v = one_line(v);
        }
        f.retain(|(_, v)| !v.trim().is_empty());
        f
    }

    fn all_facts(&self) -> Vec<(String, String)> {
        let mut f: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: String| f.push((k.to_string(), v));
        if let Some(c) = &self.case_id {
            push("Case", c.clone());
        }
        for field in &self.fields {
            push(&field.label, field.value.clone());
        }
        if let Some(a) = &self.account_name {
            push("Account", a.clone());
        }
        if let Some(arr) = self
            .arr_text
            .clone()
            .or_else(|| self.arr.as_ref().and_then(|v| text(Some(v))))
        {
            push("ARR", arr);
        }
        if let Some(r) = self.renewal_date.as_ref().and_then(|v| text(Some(v))) {
            push("Renewal", r);
        }
        if let Some(d) = &self.deadline_local {
            push("Deadline", d.clone());
        }
        if let Some(l) = self.business_left {
            push("Business time left", hours_minutes(l));
        }
        if let Some(l) = self.wall_left {
            push("Wall-clock time left", hours_minutes(l));
        }
        if let Some(s) = self.executive_sponsor.as_ref().and_then(|v| text(Some(v))) {
            push("Executive sponsor", s);
        }
        if let Some(c) = self.csm.as_ref().and_then(|v| text(Some(v))) {
            push("CSM", c);
        }
        f
    }
}
