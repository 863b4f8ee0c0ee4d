//! Milestones: what starts and completes one, its target, its triggers and their levels.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::criteria::Criteria;
use super::process::Process;
use super::{Span, opt, string, strings, target_span, value_text};
use crate::calendar::Calendar;
use crate::document::{
    as_array, as_object, as_str, check_keys, index_path, key_path, required, type_name,
};
use crate::duration::{format_duration, parse_duration};
use crate::error::{Error, Result, excerpt};

/// A target's length: business time (`4h`, `PT4H`), or business days (`5bd`), a count of the
/// calendar's dates resolved into business time when an occurrence starts
/// (`docs/semantics.md`, "Business days").
///
/// ```
/// # let rules = entitlement_core::Ruleset::from_yaml(r#"
/// # processes:
/// #   - id: p
/// #     milestones:
/// #       - { name: Resolution, kind: resolution, target: { by: severity, values: { Sev1: 4h, Sev3: 5bd } } }
/// # "#)?;
/// # let target = &rules.processes()[0].milestones[0].target;
/// use entitlement_core::rules::{Span, TargetSpan};
/// let hour = 3_600_000_000; // microseconds
/// assert_eq!(target.for_tier(Some(&serde_json::json!("Sev1"))), Some(TargetSpan::Time(Span(4 * hour))));
/// assert_eq!(target.for_tier(Some(&serde_json::json!("Sev3"))), Some(TargetSpan::BusinessDays(5)));
/// assert_eq!(TargetSpan::BusinessDays(5).to_string(), "5bd");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetSpan {
    /// Business time, the same for every start.
    Time(Span),
    /// A count of business days: how much business time depends on when the clock starts.
    BusinessDays(u32),
}

impl From<Span> for TargetSpan {
    fn from(span: Span) -> TargetSpan {
        TargetSpan::Time(span)
    }
}

impl std::fmt::Display for TargetSpan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetSpan::Time(s) => f.write_str(&format_duration(s.0)),
            TargetSpan::BusinessDays(n) => write!(f, "{n}bd"),
        }
    }
}

impl TargetSpan {
    /// The business time of the target for an occurrence whose clock starts at `start` (µs)
    /// on `calendar`: a span of business time as it is; business days by
    /// [`Calendar::business_days_micros`].
    ///
    /// ```
    /// use entitlement_core::{Calendar, rules::{Span, TargetSpan}};
    /// let cal = Calendar::always_open();
    /// assert_eq!(TargetSpan::Time(Span(90)).micros_from(&cal, 0).unwrap(), 90);
    /// assert_eq!(TargetSpan::BusinessDays(2).micros_from(&cal, 0).unwrap(), 2 * 86_400_000_000);
    /// ```
    pub fn micros_from(&self, calendar: &Calendar, start: i64) -> Result<i64> {
        match self {
            TargetSpan::Time(s) => Ok(s.0),
            TargetSpan::BusinessDays(n) => calendar.business_days_micros(start, *n),
        }
    }
}

impl Serialize for TargetSpan {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl JsonSchema for TargetSpan {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TargetDuration".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A target: business time (`90s`, `15m`, `4h`, `2d`, sums such as `1h30m`, or ISO 8601 `PT4H`; `d` is 24 hours of business time), or whole business days (`5bd`: the same wall-clock time on the fifth date after the start on which the calendar is open).",
            "pattern": "^\\s*([0-9]+bd|[+-]?(P.+|([0-9]+(\\.[0-9]+)?[dhms])+))\\s*$"
        })
    }
}

/// How long a milestone may take: one duration, or a table keyed by a case field.
///
/// ```
/// # let rules = entitlement_core::doc_fixture::tiered_target();
/// # let target = &rules.processes()[0].milestones[0].target;
/// use entitlement_core::rules::Target;
/// assert!(matches!(target, Target::ByTier { by, .. } if by == "severity"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
pub enum Target {
    /// The same duration for every case.
    Fixed(TargetSpan),
    /// A duration per value of a case field (the tier), with an optional default.
    ByTier {
        /// The case field that selects the tier (`severity`, `priority`, ...).
        by: String,
        /// The duration for each value of the field.
        values: BTreeMap<String, TargetSpan>,
        /// The duration for values not in the table; without it such cases have no target and
        /// the milestone does not apply to them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<TargetSpan>,
    },
}

impl Target {
    fn parse(v: &Value, path: &str) -> Result<Target> {
        match v {
            Value::String(_) => Ok(Target::Fixed(target_span(v, path)?)),
            Value::Object(map) => {
                check_keys(map, path, &["by", "values", "default"])?;
                let by = string(required(map, path, "by")?, &key_path(path, "by"))?;
                let vp = key_path(path, "values");
                let table = as_object(required(map, path, "values")?, &vp)?;
                let mut values = BTreeMap::new();
                for (k, d) in table {
                    values.insert(k.clone(), target_span(d, &key_path(&vp, k))?);
                }
                let default = opt(map, path, "default", target_span)?;
                if values.is_empty() && default.is_none() {
                    return Err(Error::InvalidValue {
                        path: vp,
                        reason: "a tier table needs at least one value or a `default`".into(),
                    });
                }
                Ok(Target::ByTier {
                    by,
                    values,
                    default,
                })
            }
            other => Err(Error::InvalidType {
                path: path.to_string(),
                expected: "a duration such as \"4h\", or {by, values, default}".into(),
                found: type_name(other),
            }),
        }
    }

    /// The target for a case whose tier field has the given value, if the table covers it.
    ///
    /// ```
    /// # let rules = entitlement_core::doc_fixture::tiered_target();
    /// # let target = &rules.processes()[0].milestones[0].target;
    /// use entitlement_core::rules::{Span, TargetSpan};
    /// let hour = 3_600_000_000; // microseconds
    /// assert_eq!(target.for_tier(Some(&serde_json::json!("Sev1"))), Some(TargetSpan::Time(Span(4 * hour))));
    /// assert_eq!(target.for_tier(Some(&serde_json::json!("Sev3"))), Some(TargetSpan::Time(Span(16 * hour)))); // the default
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_tier(&self, tier: Option<&Value>) -> Option<TargetSpan> {
        match self {
            Target::Fixed(s) => Some(*s),
            Target::ByTier {
                values, default, ..
            } => match tier {
                // A text value is looked up as it is: no copy per lookup (the replay asks
                // at every start and every field change).
                Some(Value::String(s)) => values.get(s.as_str()),
                Some(v) => value_text(v).and_then(|t| values.get(&t)),
                None => None,
            }
            .or(default.as_ref())
            .copied(),
        }
    }

    /// The case field that selects the tier, if the target is a table.
    ///
    /// ```
    /// # let rules = entitlement_core::doc_fixture::tiered_target();
    /// # let target = &rules.processes()[0].milestones[0].target;
    /// assert_eq!(target.tier_field(), Some("severity"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tier_field(&self) -> Option<&str> {
        match self {
            Target::Fixed(_) => None,
            Target::ByTier { by, .. } => Some(by),
        }
    }
}

/// The level of a trigger, from the mildest.
///
/// ```
/// use entitlement_core::rules::Level;
/// assert!(Level::Warning < Level::Critical && Level::Violation < Level::Escalation);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// For the record.
    Info,
    /// Attention needed soon.
    Warning,
    /// Act now.
    Critical,
    /// The promise is broken.
    Violation,
    /// Broken and escalated.
    Escalation,
}

impl Level {
    /// The level's name as written in documents.
    ///
    /// ```
    /// use entitlement_core::rules::Level;
    /// assert_eq!(Level::Critical.as_str(), "critical");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Critical => "critical",
            Level::Violation => "violation",
            Level::Escalation => "escalation",
        }
    }

    pub(crate) fn parse(v: &Value, path: &str) -> Result<Level> {
        let text = as_str(v, path, "a level string")?;
        Ok(match text {
            "info" => Level::Info,
            "warning" => Level::Warning,
            "critical" => Level::Critical,
            "violation" => Level::Violation,
            "escalation" => Level::Escalation,
            other => {
                return Err(Error::InvalidValue {
                    path: path.to_string(),
                    reason: format!(
                        "unknown level {}; expected info, warning, critical, violation or escalation",
                        excerpt(other)
                    ),
                });
            }
        })
    }
}

/// Where a trigger sits on a milestone's clock.
///
/// ```
/// # let rules = entitlement_core::doc_fixture::triggers();
/// # let triggers = &rules.processes()[0].milestones[0].triggers;
/// use entitlement_core::rules::TriggerPoint;
/// assert!(matches!(triggers[0].at, TriggerPoint::Percent(p) if p == 50.0));
/// assert!(matches!(triggers[1].at, TriggerPoint::Offset(o) if o == -30 * 60 * 1_000_000));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TriggerPoint {
    /// A percentage of the target (`"50%"`; above 100 is after the target).
    Percent(f64),
    /// A signed offset from the target in business time (`"-30m"` before, `"+2h"` after).
    Offset(i64),
}

impl TriggerPoint {
    /// The active business time at which the trigger fires, for a target of `target` µs.
    ///
    /// ```
    /// # let rules = entitlement_core::doc_fixture::triggers();
    /// # let triggers = &rules.processes()[0].milestones[0].triggers;
    /// let hour = 3_600_000_000; // microseconds
    /// assert_eq!(triggers[0].at.reached_at(4 * hour), 2 * hour);
    /// assert_eq!(triggers[1].at.reached_at(4 * hour), 4 * hour - hour / 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reached_at(self, target: i64) -> i64 {
        match self {
            TriggerPoint::Percent(p) => (target as f64 * p / 100.0).round() as i64,
            TriggerPoint::Offset(o) => target.saturating_add(o).max(0),
        }
    }

    fn parse(v: &Value, path: &str) -> Result<TriggerPoint> {
        let text = as_str(
            v,
            path,
            "a percentage such as \"50%\" or an offset such as \"-30m\"",
        )?;
        if let Some(number) = text.trim().strip_suffix('%') {
            let p: f64 = number.trim().parse().map_err(|_| Error::InvalidValue {
                path: path.to_string(),
                reason: format!(
                    "invalid percentage {}; expected a number such as \"50%\"",
                    excerpt(text)
                ),
            })?;
            if !(p.is_finite() && (0.0..=1000.0).contains(&p)) {
                return Err(Error::InvalidValue {
                    path: path.to_string(),
                    reason: format!("percentage {} must lie between 0% and 1000%", excerpt(text)),
                });
            }
            return Ok(TriggerPoint::Percent(p));
        }
        Ok(TriggerPoint::Offset(parse_duration(text, path)?))
    }
}

impl TriggerPoint {
    /// The point as written in documents: `50%`, `-30m`, `+2h`.
    ///
    /// ```
    /// # let rules = entitlement_core::doc_fixture::triggers();
    /// # let triggers = &rules.processes()[0].milestones[0].triggers;
    /// assert_eq!(triggers[0].at.label(), "50%");
    /// assert_eq!(triggers[1].at.label(), "-30m");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn label(self) -> String {
        match self {
            TriggerPoint::Percent(p) => format!("{p}%"),
            TriggerPoint::Offset(o) if o >= 0 => format!("+{}", format_duration(o)),
            TriggerPoint::Offset(o) => format_duration(o),
        }
    }
}

impl Serialize for TriggerPoint {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.label())
    }
}

impl JsonSchema for TriggerPoint {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TriggerPoint".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A percentage of the target (`50%`) or a signed offset from the target in business time (`-30m` before, `+2h` after).",
            "pattern": "^\\s*([0-9]+(\\.[0-9]+)?\\s*%|[+-]?(P.+|([0-9]+(\\.[0-9]+)?[dhms])+))\\s*$"
        })
    }
}

/// A point on a milestone's clock that raises a level and names actions for the host.
///
/// ```
/// # let rules = entitlement_core::doc_fixture::triggers();
/// # let triggers = &rules.processes()[0].milestones[0].triggers;
/// use entitlement_core::rules::Level;
/// assert_eq!(triggers[1].level, Level::Critical);
/// assert_eq!(triggers[1].actions, vec!["page_oncall"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// Where the trigger sits.
    pub at: TriggerPoint,
    /// Its level.
    pub level: Level,
    /// Labels of the actions the host should take (`notify_owner`, `page_oncall`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// `at` as written (`50%`), formatted once: every status of every case shares it.
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) label: crate::rules::Name,
}

impl Trigger {
    /// The point as written in documents (`50%`, `-30m`): [`TriggerPoint::label`].
    pub fn label(&self) -> &str {
        &self.label
    }
}

impl Trigger {
    fn parse(v: &Value, path: &str) -> Result<Trigger> {
        let map = as_object(v, path)?;
        check_keys(map, path, &["at", "level", "actions"])?;
        let at = TriggerPoint::parse(required(map, path, "at")?, &key_path(path, "at"))?;
        let actions: Vec<String> = opt(map, path, "actions", strings)?.unwrap_or_default();
        Ok(Trigger {
            at,
            level: Level::parse(required(map, path, "level")?, &key_path(path, "level"))?,
            actions,
            label: at.label().into(),
        })
    }
}

/// What starts and completes a milestone.
///
/// ```
/// # let rules = entitlement_core::doc_fixture::gold_v2();
/// # let process = &rules.processes()[0];
/// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
/// use entitlement_core::rules::MilestoneKind;
/// assert_eq!(diagnosis.kind, MilestoneKind::Custom);
/// assert_eq!(next.kind, MilestoneKind::NextResponse);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneKind {
    /// Starts when the case is created; completes at the first agent reply.
    FirstResponse,
    /// Starts at a customer reply; completes at the next agent reply.
    NextResponse,
    /// Starts when the case is created (and again when it is reopened); completes when it is
    /// solved or closed.
    Resolution,
    /// Starts and completes on the event types named by `starts_on` and `completes_on`.
    Custom,
}

impl MilestoneKind {
    /// The kind's name as written in documents.
    ///
    /// ```
    /// use entitlement_core::rules::MilestoneKind;
    /// assert_eq!(MilestoneKind::FirstResponse.as_str(), "first_response");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneKind::FirstResponse => "first_response",
            MilestoneKind::NextResponse => "next_response",
            MilestoneKind::Resolution => "resolution",
            MilestoneKind::Custom => "custom",
        }
    }
}

/// Whether a milestone occurs more than once per case (Salesforce's recurrence types).
///
/// ```
/// # let rules = entitlement_core::doc_fixture::gold_v2();
/// # let process = &rules.processes()[0];
/// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
/// use entitlement_core::rules::Recurrence;
/// assert_eq!(next.recurrence, Recurrence::Independent);
/// assert_eq!(diagnosis.recurrence, Recurrence::None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    /// Once per case (Salesforce "none"); a reopened case still gets a new resolution.
    #[default]
    None,
    /// Again at each start event once the previous occurrence is complete
    /// (Salesforce "recursIndependently").
    Independent,
    /// Again, but starting no earlier than the previous occurrence's target
    /// (Salesforce "recursChained").
    Sequential,
}

/// One milestone of a process.
///
/// ```
/// # let rules = entitlement_core::doc_fixture::gold_v2();
/// # let process = &rules.processes()[0];
/// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
/// assert_eq!(diagnosis.name, "Diagnosis");
/// assert_eq!(diagnosis.completes_on, vec!["diagnosed"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// Its name, unique within the process.
    pub name: String,
    /// What starts and completes it.
    pub kind: MilestoneKind,
    /// For `custom`: the event types that start it (`created` is the case's creation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts_on: Vec<String>,
    /// For `custom`: the event types that complete it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub completes_on: Vec<String>,
    /// The cases it applies to; it starts only while this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Criteria>,
    /// How long it may take.
    pub target: Target,
    /// Its calendar: else the process's, else the entitlement's, else 24×7.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Whether it occurs more than once per case.
    #[serde(default)]
    pub recurrence: Recurrence,
    /// Statuses that pause this milestone, replacing the process's list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_statuses: Option<Vec<String>>,
    /// Points on its clock that raise levels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    /// Actions for the host when an instance is completed, met or late (resolve a page, thank
    /// the customer): the `actions` of the monitor's `milestone_completed` event.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on_complete: Vec<String>,
}

/// The event types that have a built-in meaning in a case log.
pub const BUILTIN_EVENTS: [&str; 10] = [
    "created",
    "status",
    "field",
    "agent_reply",
    "customer_reply",
    "solved",
    "closed",
    "reopened",
    "stop",
    "resume",
];

impl Milestone {
    pub(super) fn parse(v: &Value, path: &str) -> Result<Milestone> {
        let map = as_object(v, path)?;
        check_keys(
            map,
            path,
            &[
                "name",
                "kind",
                "starts_on",
                "completes_on",
                "when",
                "target",
                "calendar",
                "recurrence",
                "pause_statuses",
                "triggers",
                "on_complete",
            ],
        )?;
        let kind_path = key_path(path, "kind");
        let kind = match as_str(required(map, path, "kind")?, &kind_path, "a milestone kind")? {
            "first_response" => MilestoneKind::FirstResponse,
            "next_response" => MilestoneKind::NextResponse,
            "resolution" => MilestoneKind::Resolution,
            "custom" => MilestoneKind::Custom,
            other => {
                return Err(Error::InvalidValue {
                    path: kind_path,
                    reason: format!(
                        "unknown milestone kind {}; expected first_response, next_response, resolution or custom",
                        excerpt(other)
                    ),
                });
            }
        };
        let starts_on = opt(map, path, "starts_on", event_types)?;
        let completes_on = opt(map, path, "completes_on", event_types)?;
        if kind == MilestoneKind::Custom {
            for (key, list) in [("starts_on", &starts_on), ("completes_on", &completes_on)] {
                if list.as_ref().is_none_or(Vec::is_empty) {
                    return Err(Error::MissingKey {
                        path: path.to_string(),
                        key: key.into(),
                    });
                }
            }
        } else if let Some(key) = [("starts_on", &starts_on), ("completes_on", &completes_on)]
            .iter()
            .find(|(_, l)| l.is_some())
            .map(|(k, _)| *k)
        {
            return Err(Error::InvalidValue {
                path: key_path(path, key),
                reason: format!(
                    "`{key}` is only for `kind: custom`; a {} milestone starts and completes on its own events",
                    kind.as_str()
                ),
            });
        }
        let recurrence = match opt(map, path, "recurrence", |v, p| {
            Ok((as_str(v, p, "a recurrence")?.to_string(), p.to_string()))
        })? {
            None => Recurrence::None,
            Some((text, p)) => match text.as_str() {
                "none" => Recurrence::None,
                "independent" => Recurrence::Independent,
                "sequential" => Recurrence::Sequential,
                other => {
                    return Err(Error::InvalidValue {
                        path: p,
                        reason: format!(
                            "unknown recurrence {}; expected none, independent or sequential",
                            excerpt(other)
                        ),
                    });
                }
            },
        };
        let triggers = match map.get("triggers") {
            None => Vec::new(),
            Some(v) => {
                let p = key_path(path, "triggers");
                as_array(v, &p)?
                    .iter()
                    .enumerate()
                    .map(|(i, t)| Trigger::parse(t, &index_path(&p, i)))
                    .collect::<Result<_>>()?
            }
        };
        Ok(Milestone {
            name: string(required(map, path, "name")?, &key_path(path, "name"))?,
            kind,
            starts_on: starts_on.unwrap_or_default(),
            completes_on: completes_on.unwrap_or_default(),
            when: opt(map, path, "when", Criteria::from_value)?,
            target: Target::parse(required(map, path, "target")?, &key_path(path, "target"))?,
            calendar: opt(map, path, "calendar", string)?,
            recurrence,
            pause_statuses: opt(map, path, "pause_statuses", strings)?,
            triggers,
            on_complete: opt(map, path, "on_complete", strings)?.unwrap_or_default(),
        })
    }

    /// The event types that start an occurrence.
    ///
    /// ```
    /// # let rules = entitlement_core::doc_fixture::gold_v2();
    /// # let process = &rules.processes()[0];
    /// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
    /// assert_eq!(diagnosis.start_events(), vec!["created"]);
    /// assert_eq!(next.start_events(), vec!["customer_reply"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start_events(&self) -> Vec<&str> {
        match self.kind {
            MilestoneKind::Custom => self.starts_on.iter().map(String::as_str).collect(),
            kind => builtin_events(kind, true).to_vec(),
        }
    }

    /// The event types that complete an open occurrence.
    ///
    /// ```
    /// # let rules = entitlement_core::doc_fixture::gold_v2();
    /// # let process = &rules.processes()[0];
    /// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
    /// assert_eq!(diagnosis.completion_events(), vec!["diagnosed"]);
    /// assert_eq!(next.completion_events(), vec!["agent_reply"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn completion_events(&self) -> Vec<&str> {
        match self.kind {
            MilestoneKind::Custom => self.completes_on.iter().map(String::as_str).collect(),
            kind => builtin_events(kind, false).to_vec(),
        }
    }

    /// Whether an event of this type starts an occurrence (without allocating: the replay
    /// asks this for every event).
    pub(crate) fn starts_on_event(&self, name: &str) -> bool {
        match self.kind {
            MilestoneKind::Custom => self.starts_on.iter().any(|t| t == name),
            kind => builtin_events(kind, true).contains(&name),
        }
    }

    /// Whether an event of this type completes an open occurrence.
    pub(crate) fn completes_on_event(&self, name: &str) -> bool {
        match self.kind {
            MilestoneKind::Custom => self.completes_on.iter().any(|t| t == name),
            kind => builtin_events(kind, false).contains(&name),
        }
    }

    /// The statuses that pause this milestone: its own list, else the process's.
    pub(crate) fn pause_set<'a>(&'a self, process: &'a Process) -> &'a [String] {
        self.pause_statuses
            .as_deref()
            .unwrap_or(&process.pause_statuses)
    }
}

/// The start (or completion) events of the built-in kinds.
fn builtin_events(kind: MilestoneKind, start: bool) -> &'static [&'static str] {
    match (kind, start) {
        (MilestoneKind::FirstResponse, true) => &["created"],
        (MilestoneKind::NextResponse, true) => &["customer_reply"],
        (MilestoneKind::Resolution, true) => &["created", "reopened"],
        (MilestoneKind::FirstResponse | MilestoneKind::NextResponse, false) => &["agent_reply"],
        (MilestoneKind::Resolution, false) => &["solved", "closed"],
        (MilestoneKind::Custom, _) => &[],
    }
}

fn event_types(v: &Value, path: &str) -> Result<Vec<String>> {
    let list = strings(v, path)?;
    for (i, t) in list.iter().enumerate() {
        if matches!(t.as_str(), "status" | "field" | "stop" | "resume") {
            return Err(Error::InvalidValue {
                path: index_path(path, i),
                reason: format!(
                    "{} changes the case rather than marking a moment; use `when` criteria or a custom event type",
                    excerpt(t)
                ),
            });
        }
        if !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        {
            return Err(Error::InvalidValue {
                path: index_path(path, i),
                reason: format!(
                    "event type {} may use only letters, digits, `_`, `-` and `.`",
                    excerpt(t)
                ),
            });
        }
    }
    Ok(list)
}
