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
        Ok(out)
    }
}
