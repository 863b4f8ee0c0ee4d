//! The `monitor:` section of the rules document: suppression, quota alerts, chronic
//! over-consumption and the defaults behind suggested actions.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::model::{Criteria, Level, Span};
use crate::document::{
    as_array, as_bool, as_object, as_str, check_keys, index_path, key_path, type_name,
};
use crate::duration::parse_duration;
use crate::error::{Error, Result};

/// A minimum level, for every case or per tier.
///
/// ```
/// use entitlement_core::rules::{Level, MinLevel};
/// let rules = entitlement_core::Ruleset::from_yaml(r#"
/// monitor: { suppress: { min_level: { by: severity, values: { Sev4: critical }, default: info } } }
/// "#)?;
/// let min = rules.monitor_config().suppress.min_level.as_ref().unwrap();
/// assert_eq!(min.for_tier(Some(&serde_json::json!("Sev4"))), Level::Critical);
/// assert!(matches!(min, MinLevel::ByTier { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
pub enum MinLevel {
    /// The same minimum for every case.
    Fixed(Level),
    /// A minimum per value of a case field, with a default.
    ByTier {
        /// The case field that selects the tier.
        by: String,
        /// The minimum level for each value.
        values: BTreeMap<String, Level>,
        /// The minimum for other values (`info`, which suppresses nothing, when omitted).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<Level>,
    },
}

impl MinLevel {
    /// The minimum level for a case whose tier field has this value.
    ///
    /// ```
    /// use entitlement_core::rules::Level;
    /// let rules = entitlement_core::Ruleset::from_yaml("monitor: { suppress: { min_level: warning } }")?;
    /// let min = rules.monitor_config().suppress.min_level.as_ref().unwrap();
    /// assert_eq!(min.for_tier(None), Level::Warning);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_tier(&self, tier: Option<&Value>) -> Level {
        match self {
            MinLevel::Fixed(l) => *l,
            MinLevel::ByTier {
                values, default, ..
            } => tier
                .and_then(super::model::value_text)
                .and_then(|t| values.get(&t).copied())
                .or(*default)
                .unwrap_or(Level::Info),
        }
    }

    /// The tier field, if the minimum depends on one.
    ///
    /// ```
    /// let rules = entitlement_core::Ruleset::from_yaml(
    ///     "monitor: { suppress: { min_level: { by: priority, values: { low: critical } } } }")?;
    /// assert_eq!(rules.monitor_config().suppress.min_level.as_ref().unwrap().tier_field(), Some("priority"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tier_field(&self) -> Option<&str> {
        match self {
            MinLevel::Fixed(_) => None,
            MinLevel::ByTier { by, .. } => Some(by),
        }
    }
}

/// The rules that keep false alarms quiet. Suppressed events are still reported, marked with
/// the rule that suppressed them.
///
/// ```
/// let rules = entitlement_core::Ruleset::from_yaml("monitor: { suppress: { agent_activity: 30m } }")?;
/// let suppress = &rules.monitor_config().suppress;
/// assert!(suppress.while_paused);                                   // the default
/// assert_eq!(suppress.agent_activity.map(|s| s.0), Some(30 * 60 * 1_000_000)); // microseconds
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Suppress {
    /// No trigger below `violation` fires while the milestone is paused (default true).
    pub while_paused: bool,
    /// No trigger below `violation` fires within this long after agent activity on the case
    /// (wall-clock time; none when omitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_activity: Option<Span>,
    /// The event types that count as agent activity (default `agent_reply`).
    pub activity_events: Vec<String>,
    /// Milestone events below this level are suppressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_level: Option<MinLevel>,
}

impl Default for Suppress {
    fn default() -> Suppress {
        Suppress {
            while_paused: true,
            agent_activity: None,
            activity_events: vec!["agent_reply".into()],
            min_level: None,
        }
    }
}

/// When an account counts as a chronic over-consumer: it exceeded a quota in `exceeded` of its
/// last `of_last` complete periods.
///
/// ```
/// let rules = entitlement_core::Ruleset::from_yaml("monitor: { chronic: { exceeded: 2, of_last: 4 } }")?;
/// let chronic = &rules.monitor_config().chronic;
/// assert_eq!((chronic.exceeded, chronic.of_last), (2, 4));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Chronic {
    /// How many periods over the quota make it chronic.
    pub exceeded: u32,
    /// Out of how many of the most recent complete periods.
    pub of_last: u32,
}

/// The `monitor:` section.
///
/// ```
/// let rules = entitlement_core::Ruleset::from_yaml("monitor: { quota_alerts: [0.5, 1.0], war_room_arr: 500000 }")?;
/// let config = rules.monitor_config();
/// assert_eq!(config.quota_alerts, vec![0.5, 1.0]);
/// assert_eq!(entitlement_core::Ruleset::from_yaml("{}")?.monitor_config().quota_alerts, vec![0.8, 1.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MonitorConfig {
    /// Suppression rules.
    pub suppress: Suppress,
    /// Fractions of a quota (and of the per-incident allowance) whose crossing is an event
    /// (default 0.8 and 1.0).
    pub quota_alerts: Vec<f64>,
    /// Chronic over-consumption (default: 2 of the last 3 periods).
    pub chronic: Chronic,
    /// Suggest a war-room channel for critical events of accounts with at least this ARR
    /// (default 1,000,000).
    pub war_room_arr: f64,
    /// Cases for which a critical event suggests paging on-call (default: severity Sev1).
    pub page_oncall_when: Criteria,
    /// Open milestones that have used at least this fraction of their target count as at risk
    /// in rollups (default 0.75).
    pub at_risk: f64,
    /// Milestones completed on time with less than this fraction of their target left are
    /// near misses, in the outcomes and the rollups (default 0.1: `docs/monitor.md`,
    /// "Outcomes").
    pub near_miss: f64,
    /// URL templates of the links an alert carries (none by default).
    pub links: AlertLinks,
    /// The case fields an alert shows, in order, when the case has them (default `subject`,
    /// `owner`, `priority`, `severity`).
    pub alert_fields: Vec<String>,
    /// The action catalogue: a label (and optional details) per action id, besides the
    /// built-in actions ([`BUILTIN_ACTIONS`]). A trigger may name only actions of one or the
    /// other.
    pub actions: BTreeMap<String, ActionDef>,
    /// The ISO 4217 code of the currency of ARR and other money in alerts (default `USD`).
    pub currency: String,
    /// The actions a pipeline performs for real (each built in or catalogued; none by
    /// default): the others are a dry run, logged and recorded but not done (an alert's
    /// `deliveries[].automated`, `docs/alerts.md`).
    pub automate: Vec<String>,
    /// The value `raise_priority` writes to the case's priority (Salesforce `Case.Priority`;
    /// default `High`).
    #[schemars(length(min = 1, max = 255))]
    pub raise_priority: String,
}

/// The URL templates of an alert's links: `{case_id}`, `{account_id}` and `{entitlement}` are
/// replaced by the alert's values, percent-encoded (`docs/alerts.md`).
///
/// ```
/// let rules = entitlement_core::Ruleset::from_yaml(
///     "monitor: { links: { case: 'https://acme.my.salesforce.com/lightning/r/Case/{case_id}/view' } }")?;
/// assert!(rules.monitor_config().links.case.as_deref().unwrap().contains("{case_id}"));
/// assert!(entitlement_core::Ruleset::from_yaml("monitor: { links: { case: 'https://x/{id}' } }").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AlertLinks {
    /// The case's page in the CRM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// The account's page in the CRM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

/// One entry of the action catalogue (`monitor.actions`).
///
/// ```
/// let rules = entitlement_core::Ruleset::from_yaml(
///     "monitor: { actions: { page_sre: { label: Page the SRE on call, details: 'Use the #sre rota' } } }")?;
/// assert_eq!(rules.monitor_config().actions["page_sre"].label, "Page the SRE on call");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionDef {
    /// What a person reads (`Page the SRE on call`).
    pub label: String,
    /// More on what to do, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

/// The actions the engine knows without a catalogue, with their labels: the defaults it
/// suggests itself (`page_oncall`, `raise_priority`, `add_coverage`, `raise_usage_at_renewal`,
/// `open_war_room`), the usual trigger actions (`notify_*`) and `create_jira_issue`, which
/// the engine never suggests (a trigger or `on_complete` names it).
///
/// ```
/// use entitlement_core::rules::BUILTIN_ACTIONS;
/// assert!(BUILTIN_ACTIONS.iter().any(|(id, _)| *id == "notify_owner"));
/// assert!(BUILTIN_ACTIONS.iter().any(|(id, _)| *id == "create_jira_issue")); // named, never suggested
/// ```
pub const BUILTIN_ACTIONS: [(&str, &str); 10] = [
    ("add_coverage", "Add coverage to the queue"),
    ("create_jira_issue", "Create a Jira issue"),
    ("notify_account_team", "Notify the account team"),
    ("notify_executive_sponsor", "Notify the executive sponsor"),
    ("notify_manager", "Notify the support manager"),
    ("notify_owner", "Notify the case owner"),
    ("open_war_room", "Open a war room"),
    ("page_oncall", "Page on-call"),
    ("raise_priority", "Raise the case's priority"),
    ("raise_usage_at_renewal", "Raise usage at renewal"),
];

/// The most entries of `monitor.actions` and of `monitor.alert_fields`.
pub const MAX_CATALOGUE: usize = 1_000;
/// The longest value of `monitor.raise_priority`, in bytes (Salesforce picklist values have
/// at most 255 characters).
pub const MAX_PRIORITY: usize = 255;
/// The longest URL template of `monitor.links`, in bytes.
pub const MAX_URL_TEMPLATE: usize = 2_000;

/// The placeholders a URL template may hold.
const PLACEHOLDERS: [&str; 3] = ["case_id", "account_id", "entitlement"];

/// The pieces of a URL template: literal text and placeholders, in order.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum UrlPiece<'a> {
    Text(&'a str),
    Value(&'a str),
}

/// Splits a template into its pieces; an error names the path and what is wrong.
pub(crate) fn url_pieces<'a>(template: &'a str, path: &str) -> Result<Vec<UrlPiece<'a>>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err(Error::InvalidValue {
                path: path.to_string(),
                reason: "a `}` without its `{`".into(),
            });
        }
        let Some(len) = rest[open + 1..].find('}') else {
            return Err(Error::InvalidValue {
                path: path.to_string(),
                reason: "a `{` without its `}`".into(),
            });
        };
        let name = &rest[open + 1..open + 1 + len];
        if !PLACEHOLDERS.contains(&name) {
            return Err(Error::InvalidValue {
                path: path.to_string(),
                reason: format!(
                    "unknown placeholder {}; expected one of: {{case_id}}, {{account_id}}, {{entitlement}}",
                    crate::error::excerpt(&format!("{{{name}}}"))
                ),
            });
        }
        if open > 0 {
            out.push(UrlPiece::Text(&rest[..open]));
        }
        out.push(UrlPiece::Value(name));
        rest = &rest[open + len + 2..];
    }
    if !rest.is_empty() {
        out.push(UrlPiece::Text(rest));
    }
    Ok(out)
}

fn url_template(v: &Value, path: &str) -> Result<String> {
    let t = as_str(
        v,
        path,
        "a URL template such as \"https://crm.example/case/{case_id}\"",
    )?;
    if t.len() > MAX_URL_TEMPLATE {
        return Err(Error::LimitExceeded {
            path: path.to_string(),
            reason: format!(
                "a template of {} bytes; at most {MAX_URL_TEMPLATE}",
                t.len()
            ),
        });
    }
    if !(t.starts_with("https://") || t.starts_with("http://"))
        || t.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(Error::InvalidValue {
            path: path.to_string(),
            reason: format!(
                "{} is not an http(s) URL without spaces",
                crate::error::excerpt(t)
            ),
        });
    }
    url_pieces(t, path)?;
    Ok(t.to_string())
}

/// A short text of the catalogue (a label, details): one line is not required, but at most
/// 1,000 bytes for a label and 4,000 for details.
fn short_text(v: &Value, path: &str, max: usize) -> Result<String> {
    let s = as_str(v, path, "a text")?;
    if s.len() > max {
        return Err(Error::LimitExceeded {
            path: path.to_string(),
            reason: format!("{} bytes; at most {max}", s.len()),
        });
    }
    Ok(s.to_string())
}

impl MonitorConfig {
    /// The label and details of an action: the catalogue's, else the built-in label, else the
    /// id itself (an action a rule names is always one of the two: the document is checked).
    ///
    /// ```
    /// let rules = entitlement_core::Ruleset::from_yaml("{}")?;
    /// assert_eq!(rules.monitor_config().action_label("page_oncall").0, "Page on-call");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn action_label<'a>(&'a self, id: &'a str) -> (&'a str, Option<&'a str>) {
        if let Some(def) = self.actions.get(id) {
            return (&def.label, def.details.as_deref());
        }
        match BUILTIN_ACTIONS.iter().find(|(b, _)| *b == id) {
            Some((_, label)) => (label, None),
            None => (id, None),
        }
    }

    /// Whether a pipeline performs `action` for real: `monitor.automate` lists it. Every other
    /// action is a dry run (logged and recorded, not done).
    ///
    /// ```
    /// let rules = entitlement_core::Ruleset::from_yaml(
    ///     "monitor: { automate: [raise_priority, create_jira_issue], raise_priority: Urgent }")?;
    /// let config = rules.monitor_config();
    /// assert!(config.automates("raise_priority") && !config.automates("page_oncall"));
    /// assert_eq!(config.raise_priority, "Urgent");
    /// let err = entitlement_core::Ruleset::from_yaml("monitor: { automate: [raise_priority, reboot] }")
    ///     .unwrap_err();
    /// assert_eq!((err.code(), err.path_text()), ("unknown_action", "monitor.automate[1]"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn automates(&self, action: &str) -> bool {
        self.automate.iter().any(|a| a == action)
    }

    /// Whether an action id is built in or in the catalogue.
    pub(crate) fn knows_action(&self, id: &str) -> bool {
        self.actions.contains_key(id) || BUILTIN_ACTIONS.iter().any(|(b, _)| *b == id)
    }

    /// The error for an action a rule names at `path` that is neither built in nor in the
    /// catalogue, listing the known ones.
    pub(crate) fn unknown_action(&self, path: String, name: &str) -> Error {
        Error::UnknownAction {
            path,
            name: name.to_string(),
            known: crate::error::known_names(
                BUILTIN_ACTIONS
                    .iter()
                    .map(|(b, _)| *b)
                    .chain(self.actions.keys().map(String::as_str)),
            ),
        }
    }
}

impl Default for Chronic {
    fn default() -> Chronic {
        Chronic {
            exceeded: 2,
            of_last: 3,
        }
    }
}

impl Default for MonitorConfig {
    fn default() -> MonitorConfig {
        MonitorConfig {
            suppress: Suppress::default(),
            quota_alerts: vec![0.8, 1.0],
            chronic: Chronic::default(),
            war_room_arr: 1_000_000.0,
            page_oncall_when: Criteria::Compare {
                field: "severity".into(),
                op: super::model::Op::In,
                value: Some(serde_json::json!(["Sev1", "P1", "Urgent", "Critical"])),
            },
            at_risk: 0.75,
            near_miss: 0.1,
            links: AlertLinks::default(),
            alert_fields: ["subject", "owner", "priority", "severity"]
                .map(String::from)
                .to_vec(),
            actions: BTreeMap::new(),
            currency: "USD".into(),
            automate: Vec::new(),
            raise_priority: "High".into(),
        }
    }
}

fn fraction(v: &Value, path: &str, max: f64) -> Result<f64> {
    let f = v.as_f64().ok_or_else(|| Error::InvalidType {
        path: path.to_string(),
        expected: "a number".into(),
        found: type_name(v),
    })?;
    if !(f > 0.0 && f <= max) {
        return Err(Error::InvalidValue {
            path: path.to_string(),
            reason: format!("{f} must be above 0 and at most {max}"),
        });
    }
    Ok(f)
}

fn count(v: &Value, path: &str) -> Result<u32> {
    v.as_u64()
        .filter(|n| (1..=1000).contains(n))
        .map(|n| n as u32)
        .ok_or_else(|| Error::InvalidType {
            path: path.to_string(),
            expected: "an integer from 1 to 1000".into(),
            found: type_name(v),
        })
}

impl MonitorConfig {
    pub(crate) fn parse(v: &Value, path: &str) -> Result<MonitorConfig> {
        let map = as_object(v, path)?;
        check_keys(
            map,
            path,
            &[
                "suppress",
                "quota_alerts",
                "chronic",
                "war_room_arr",
                "page_oncall_when",
                "at_risk",
                "near_miss",
                "links",
                "alert_fields",
                "actions",
                "currency",
                "automate",
                "raise_priority",
            ],
        )?;
        let mut out = MonitorConfig::default();
        if let Some(s) = map.get("suppress") {
            let sp = key_path(path, "suppress");
            let smap = as_object(s, &sp)?;
            check_keys(
                smap,
                &sp,
                &[
                    "while_paused",
                    "agent_activity",
                    "activity_events",
                    "min_level",
                ],
            )?;
            if let Some(b) = smap.get("while_paused") {
                out.suppress.while_paused = as_bool(b, &key_path(&sp, "while_paused"))?;
            }
            if let Some(w) = smap.get("agent_activity") {
                let p = key_path(&sp, "agent_activity");
                let d = parse_duration(as_str(w, &p, "a duration such as \"30m\"")?, &p)?;
                if d <= 0 {
                    return Err(Error::InvalidValue {
                        path: p,
                        reason: "the window must be a positive duration".into(),
                    });
                }
                out.suppress.agent_activity = Some(Span(d));
            }
            if let Some(list) = smap.get("activity_events") {
                let p = key_path(&sp, "activity_events");
                out.suppress.activity_events = as_array(list, &p)?
                    .iter()
                    .enumerate()
                    .map(|(i, e)| Ok(as_str(e, &index_path(&p, i), "an event type")?.to_string()))
                    .collect::<Result<_>>()?;
            }
            if let Some(m) = smap.get("min_level") {
                let p = key_path(&sp, "min_level");
                out.suppress.min_level = Some(match m {
                    Value::String(_) => MinLevel::Fixed(Level::parse(m, &p)?),
                    Value::Object(mm) => {
                        check_keys(mm, &p, &["by", "values", "default"])?;
                        let by = as_str(
                            crate::document::required(mm, &p, "by")?,
                            &key_path(&p, "by"),
                            "a field name",
                        )?
                        .to_string();
                        let vp = key_path(&p, "values");
                        let mut values = BTreeMap::new();
                        for (k, l) in as_object(crate::document::required(mm, &p, "values")?, &vp)?
                        {
                            values.insert(k.clone(), Level::parse(l, &key_path(&vp, k))?);
                        }
                        let default = match mm.get("default") {
                            None => None,
                            Some(d) => Some(Level::parse(d, &key_path(&p, "default"))?),
                        };
                        MinLevel::ByTier {
                            by,
                            values,
                            default,
                        }
                    }
                    other => {
                        return Err(Error::InvalidType {
                            path: p,
                            expected: "a level, or {by, values, default}".into(),
                            found: type_name(other),
                        });
                    }
                });
            }
        }
        if let Some(q) = map.get("quota_alerts") {
            let p = key_path(path, "quota_alerts");
            let mut list = as_array(q, &p)?
                .iter()
                .enumerate()
                .map(|(i, f)| fraction(f, &index_path(&p, i), 10.0))
                .collect::<Result<Vec<_>>>()?;
            list.sort_by(f64::total_cmp);
            list.dedup();
            out.quota_alerts = list;
        }
        if let Some(c) = map.get("chronic") {
            let p = key_path(path, "chronic");
            let cmap = as_object(c, &p)?;
            check_keys(cmap, &p, &["exceeded", "of_last"])?;
            let exceeded = count(
                crate::document::required(cmap, &p, "exceeded")?,
                &key_path(&p, "exceeded"),
            )?;
            let of_last = count(
                crate::document::required(cmap, &p, "of_last")?,
                &key_path(&p, "of_last"),
            )?;
            if exceeded > of_last {
                return Err(Error::InvalidValue {
                    path: key_path(&p, "exceeded"),
                    reason: format!("{exceeded} periods cannot be exceeded out of {of_last}"),
                });
            }
            out.chronic = Chronic { exceeded, of_last };
        }
        if let Some(a) = map.get("war_room_arr") {
            let p = key_path(path, "war_room_arr");
            out.war_room_arr = a
                .as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .ok_or_else(|| Error::InvalidType {
                    path: p,
                    expected: "a non-negative number".into(),
                    found: type_name(a),
                })?;
        }
        if let Some(c) = map.get("page_oncall_when") {
            out.page_oncall_when = Criteria::from_value(c, &key_path(path, "page_oncall_when"))?;
        }
        if let Some(f) = map.get("at_risk") {
            out.at_risk = fraction(f, &key_path(path, "at_risk"), 1.0)?;
        }
        if let Some(f) = map.get("near_miss") {
            out.near_miss = fraction(f, &key_path(path, "near_miss"), 1.0)?;
        }
        if let Some(l) = map.get("links") {
            let p = key_path(path, "links");
            let lmap = as_object(l, &p)?;
            check_keys(lmap, &p, &["case", "account"])?;
            if let Some(t) = lmap.get("case") {
                out.links.case = Some(url_template(t, &key_path(&p, "case"))?);
            }
            if let Some(t) = lmap.get("account") {
                out.links.account = Some(url_template(t, &key_path(&p, "account"))?);
            }
        }
        if let Some(f) = map.get("alert_fields") {
            let p = key_path(path, "alert_fields");
            let list = as_array(f, &p)?;
            if list.len() > MAX_CATALOGUE {
                return Err(Error::LimitExceeded {
                    path: p,
                    reason: format!("{} fields; at most {MAX_CATALOGUE}", list.len()),
                });
            }
            out.alert_fields = list
                .iter()
                .enumerate()
                .map(|(i, e)| short_text(e, &index_path(&p, i), 1_000))
                .collect::<Result<_>>()?;
        }
        if let Some(a) = map.get("actions") {
            let p = key_path(path, "actions");
            let amap = as_object(a, &p)?;
            if amap.len() > MAX_CATALOGUE {
                return Err(Error::LimitExceeded {
                    path: p,
                    reason: format!("{} actions; at most {MAX_CATALOGUE}", amap.len()),
                });
            }
            for (id, def) in amap {
                let dp = key_path(&p, id);
                if id.is_empty() {
                    return Err(Error::InvalidValue {
                        path: dp,
                        reason: "an action id is not empty".into(),
                    });
                }
                let dmap = as_object(def, &dp)?;
                check_keys(dmap, &dp, &["label", "details"])?;
                let label = short_text(
                    crate::document::required(dmap, &dp, "label")?,
                    &key_path(&dp, "label"),
                    1_000,
                )?;
                let details = match dmap.get("details") {
                    None => None,
                    Some(d) => Some(short_text(d, &key_path(&dp, "details"), 4_000)?),
                };
                out.actions.insert(id.clone(), ActionDef { label, details });
            }
        }
        if let Some(c) = map.get("currency") {
            let p = key_path(path, "currency");
            let code = as_str(c, &p, "an ISO 4217 currency code such as \"USD\"")?;
            if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(Error::InvalidValue {
                    path: p,
                    reason: format!(
                        "{} is not an ISO 4217 code (three capital letters such as USD, EUR, GBP)",
                        crate::error::excerpt(code)
                    ),
                });
            }
            out.currency = code.to_string();
        }
        // After the catalogue: an automated action must be built in or catalogued.
        if let Some(a) = map.get("automate") {
            let p = key_path(path, "automate");
            let list = as_array(a, &p)?;
            if list.len() > MAX_CATALOGUE {
                return Err(Error::LimitExceeded {
                    path: p,
                    reason: format!("{} actions; at most {MAX_CATALOGUE}", list.len()),
                });
            }
            for (i, id) in list.iter().enumerate() {
                let ip = index_path(&p, i);
                let id = as_str(id, &ip, "an action id such as \"raise_priority\"")?;
                if !out.knows_action(id) {
                    return Err(out.unknown_action(ip, id));
                }
                // A repeated id says nothing more: kept once, in the order first given.
                if !out.automate.iter().any(|a| a == id) {
                    out.automate.push(id.to_string());
                }
            }
        }
        if let Some(v) = map.get("raise_priority") {
            let p = key_path(path, "raise_priority");
            let value = as_str(v, &p, "a priority value such as \"High\"")?;
            if value.len() > MAX_PRIORITY {
                return Err(Error::LimitExceeded {
                    path: p,
                    reason: format!("{} bytes; at most {MAX_PRIORITY}", value.len()),
                });
            }
            if value.trim().is_empty() || value.chars().any(char::is_control) {
                return Err(Error::InvalidValue {
                    path: p,
                    reason: format!(
                        "{} is not a priority value (a non-empty text on one line, such as High)",
                        crate::error::excerpt(value)
                    ),
                });
            }
            out.raise_priority = value.to_string();
        }
        Ok(out)
    }
}
