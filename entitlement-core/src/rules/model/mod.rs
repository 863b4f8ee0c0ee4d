//! The rules half of the document: processes, milestones, criteria, targets, triggers and
//! entitlements, as validated values.
//!
//! Each type serialises back to exactly the document shape it was read from (so importers can
//! hand a user an editable fragment), and derives its JSON Schema from the same definition.
//! Reading is done by hand rather than by `serde::Deserialize`, so that every error names its
//! path and says what would be valid.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::calendar::holiday::parse_date;
use crate::document::{
    as_array, as_bool, as_object, as_str, check_keys, index_path, key_path, required, type_name,
};
use crate::duration::{format_duration, parse_duration};
use crate::error::{Error, Result, excerpt};

/// The deepest nesting of `all` / `any` / `not` accepted in a criteria tree.
pub const MAX_CRITERIA_DEPTH: usize = 32;
/// The most conditions one criteria tree may hold, counting every `all`, `any`, `not` and
/// comparison at every level. Real filters have a handful; a tree at the limit costs about
/// 0.2 ms an evaluation (docs/performance.md, "Bounds on hostile input"), so breadth cannot turn
/// a replay into minutes: an `any` of 200,000 took 7 s at 2,000 field changes.
///
/// ```
/// use entitlement_core::rules::{Criteria, MAX_CRITERIA_CONDITIONS};
/// let any: Vec<_> = (0..MAX_CRITERIA_CONDITIONS)
///     .map(|i| serde_json::json!({"field": "tag", "op": "eq", "value": i}))
///     .collect();
/// let err = Criteria::from_value(&serde_json::json!({"any": any}), "when").unwrap_err();
/// assert_eq!(err.code(), "limit_exceeded");
/// assert!(err.to_string().starts_with("when.any[999]"));
/// ```
pub const MAX_CRITERIA_CONDITIONS: usize = 1_000;

/// A span of business time, written as in documents (`15m`, `4h`, `PT4H`), held in microseconds.
///
/// ```
/// let rules = entitlement_core::Ruleset::from_yaml("monitor: { suppress: { agent_activity: 90s } }")?;
/// assert_eq!(rules.monitor_config().suppress.agent_activity.unwrap().0, 90_000_000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span(pub i64);

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&format_duration(self.0))
    }
}

impl JsonSchema for Span {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A duration of business time: `90s`, `15m`, `4h`, `2d`, sums such as `1h30m`, or ISO 8601 (`PT4H`). `d` is 24 hours of business time, not a business day.",
            "pattern": "^\\s*[+-]?(P.+|([0-9]+(\\.[0-9]+)?[dhms])+)\\s*$"
        })
    }
}

fn span(v: &Value, path: &str, what: &str) -> Result<Span> {
    let text = as_str(v, path, what)?;
    Ok(Span(parse_duration(text, path)?))
}

fn positive_span(v: &Value, path: &str) -> Result<Span> {
    let s = span(v, path, "a duration such as \"4h\"")?;
    if s.0 <= 0 {
        return Err(Error::InvalidValue {
            path: path.to_string(),
            reason: format!(
                "a target must be a positive duration, found {}",
                excerpt(as_str(v, path, "")?)
            ),
        });
    }
    Ok(s)
}

fn string(v: &Value, path: &str) -> Result<String> {
    let s = as_str(v, path, "a string")?;
    if s.trim().is_empty() {
        return Err(Error::InvalidValue {
            path: path.to_string(),
            reason: "must not be empty".into(),
        });
    }
    Ok(s.to_string())
}

fn strings(v: &Value, path: &str) -> Result<Vec<String>> {
    as_array(v, path)?
        .iter()
        .enumerate()
        .map(|(i, s)| string(s, &index_path(path, i)))
        .collect()
}

fn opt<T>(
    map: &Map<String, Value>,
    path: &str,
    key: &str,
    f: impl FnOnce(&Value, &str) -> Result<T>,
) -> Result<Option<T>> {
    match map.get(key) {
        None => Ok(None),
        Some(v) => f(v, &key_path(path, key)).map(Some),
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn serialize_date<S: Serializer>(
    d: &Option<NaiveDate>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
        None => s.serialize_none(),
    }
}

// ---------------------------------------------------------------------------------------------
// Criteria

/// A comparison operator of a criterion.
///
/// ```
/// use entitlement_core::rules::{Criteria, Op};
/// let c = Criteria::from_value(&serde_json::json!({"field": "severity", "op": "in", "value": ["Sev1", "Sev2"]}), "when")?;
/// assert!(matches!(c, Criteria::Compare { op: Op::In, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Equal (numbers numerically, everything else by its text).
    Eq,
    /// Not equal; true when the field is missing.
    Ne,
    /// Equal to one of a list.
    In,
    /// Equal to none of a list; true when the field is missing.
    NotIn,
    /// The field is present and not null (`value: false` inverts it).
    Exists,
    /// Less than (numbers numerically, strings such as ISO dates by text).
    Lt,
    /// Less than or equal.
    Le,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
}

impl Op {
    fn parse(text: &str) -> Option<Op> {
        Some(match text {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "in" => Op::In,
            "not_in" => Op::NotIn,
            "exists" => Op::Exists,
            "lt" => Op::Lt,
            "le" => Op::Le,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            _ => return None,
        })
    }
}

/// A filter on case fields: `{field, op, value}`, or `all` / `any` / `not` of filters.
///
/// ```
/// use entitlement_core::rules::Criteria;
/// let c = Criteria::from_value(
///     &serde_json::json!({"any": [{"field": "severity", "op": "in", "value": ["Sev1", "Sev2"]},
///                                 {"not": {"field": "tier", "op": "exists"}}]}),
///     "when",
/// ).unwrap();
/// let fields = serde_json::json!({"severity": "Sev3", "tier": "gold"});
/// assert!(!c.matches(&|f| fields.get(f)));
/// let fields = serde_json::json!({"severity": "Sev2"});
/// assert!(c.matches(&|f| fields.get(f)));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
#[schemars(
    description = "A filter on case fields: `{field, op, value}`, or `all` / `any` / `not` of filters."
)]
pub enum Criteria {
    /// Every filter holds (an empty list holds).
    All {
        /// The filters.
        all: Vec<Criteria>,
    },
    /// At least one filter holds (an empty list does not).
    Any {
        /// The filters.
        any: Vec<Criteria>,
    },
    /// The filter does not hold.
    Not {
        /// The filter.
        not: Box<Criteria>,
    },
    /// One comparison of a case field.
    Compare {
        /// The case field (`severity`, `priority`, `status`, or any other).
        field: String,
        /// The operator.
        op: Op,
        /// The value to compare with: a scalar, a list for `in` / `not_in`, optional for `exists`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<Value>,
    },
}

impl Criteria {
    /// Validates a criteria tree; `path` names where it was found.
    ///
    /// ```
    /// use entitlement_core::rules::Criteria;
    /// let c = Criteria::from_value(&serde_json::json!({"all": [{"field": "severity", "op": "eq", "value": "Sev1"},
    ///     {"not": {"field": "status", "op": "eq", "value": "Closed"}}]}), "when")?;
    /// assert_eq!(c.fields(), vec!["severity", "status"]);
    /// let err = Criteria::from_value(&serde_json::json!({"field": "x", "op": "like"}), "when").unwrap_err();
    /// assert_eq!(err.code(), "unknown_operator");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_value(v: &Value, path: &str) -> Result<Criteria> {
        Criteria::parse(v, path, 0, &mut 0)
    }

    /// `seen` counts the conditions of the whole tree parsed so far.
    fn parse(v: &Value, path: &str, depth: usize, seen: &mut usize) -> Result<Criteria> {
        if depth > MAX_CRITERIA_DEPTH {
            return Err(Error::LimitExceeded {
                path: path.to_string(),
                reason: format!("criteria nest deeper than {MAX_CRITERIA_DEPTH} levels"),
            });
        }
        *seen += 1;
        if *seen > MAX_CRITERIA_CONDITIONS {
            return Err(Error::LimitExceeded {
                path: path.to_string(),
                reason: format!(
                    "a criteria tree may hold at most {MAX_CRITERIA_CONDITIONS} conditions \
                     (every `all`, `any`, `not` and comparison, at every level)"
                ),
            });
        }
        let map = as_object(v, path)?;
        let mut list = |key: &str| -> Result<Vec<Criteria>> {
            check_keys(map, path, &[key])?;
            let p = key_path(path, key);
            as_array(&map[key], &p)?
                .iter()
                .enumerate()
                .map(|(i, c)| Criteria::parse(c, &index_path(&p, i), depth + 1, seen))
                .collect()
        };
        if map.contains_key("all") {
            return Ok(Criteria::All { all: list("all")? });
        }
        if map.contains_key("any") {
            return Ok(Criteria::Any { any: list("any")? });
        }
        if map.contains_key("not") {
            check_keys(map, path, &["not"])?;
            let not = Criteria::parse(&map["not"], &key_path(path, "not"), depth + 1, seen)?;
            return Ok(Criteria::Not { not: Box::new(not) });
        }
        if !map.contains_key("field") && !map.contains_key("op") {
            return Err(Error::InvalidValue {
                path: path.to_string(),
                reason: "a criterion is `{field, op, value}` or one of `all: [...]`, `any: [...]`, `not: {...}`".into(),
            });
        }
        check_keys(map, path, &["field", "op", "value"])?;
        let field = string(required(map, path, "field")?, &key_path(path, "field"))?;
        let op_path = key_path(path, "op");
        let op_text = as_str(required(map, path, "op")?, &op_path, "an operator string")?;
        let op = Op::parse(op_text).ok_or_else(|| Error::UnknownOperator {
            path: op_path,
            op: op_text.to_string(),
        })?;
        let value = map.get("value").cloned();
        let value_path = key_path(path, "value");
        match (op, &value) {
            (Op::Exists, None) => {}
            (Op::Exists, Some(v)) => {
                as_bool(v, &value_path)?;
            }
            (_, None) => {
                return Err(Error::MissingKey {
                    path: path.to_string(),
                    key: "value".into(),
                });
            }
            (Op::In | Op::NotIn, Some(v)) => {
                let items = as_array(v, &value_path)?;
                for (i, item) in items.iter().enumerate() {
                    scalar(item, &index_path(&value_path, i))?;
                }
            }
            (_, Some(v)) => scalar(v, &value_path)?,
        }
        Ok(Criteria::Compare { field, op, value })
    }

    /// Whether the filter holds for the field values that `lookup` returns.
    ///
    /// ```
    /// use entitlement_core::rules::Criteria;
    /// let c = Criteria::from_value(&serde_json::json!({"field": "arr", "op": "ge", "value": 100000}), "when")?;
    /// let fields = serde_json::json!({"arr": 250000});
    /// assert!(c.matches(&|name| fields.get(name)));
    /// assert!(!c.matches(&|_| None));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn matches<'v>(&self, lookup: &dyn Fn(&str) -> Option<&'v Value>) -> bool {
        match self {
            Criteria::All { all } => all.iter().all(|c| c.matches(lookup)),
            Criteria::Any { any } => any.iter().any(|c| c.matches(lookup)),
            Criteria::Not { not } => !not.matches(lookup),
            Criteria::Compare { field, op, value } => {
                let actual = lookup(field).filter(|v| !v.is_null());
                let want = value.as_ref();
                match op {
                    Op::Exists => actual.is_some() == want.and_then(Value::as_bool).unwrap_or(true),
                    Op::Eq => actual.is_some_and(|a| want.is_some_and(|w| loose_eq(a, w))),
                    Op::Ne => !actual.is_some_and(|a| want.is_some_and(|w| loose_eq(a, w))),
                    Op::In => actual.is_some_and(|a| one_of(a, want)),
                    Op::NotIn => !actual.is_some_and(|a| one_of(a, want)),
                    Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                        let ord = match (actual, want) {
                            (Some(a), Some(w)) => compare(a, w),
                            _ => None,
                        };
                        ord.is_some_and(|o| match op {
                            Op::Lt => o.is_lt(),
                            Op::Le => o.is_le(),
                            Op::Gt => o.is_gt(),
                            _ => o.is_ge(),
                        })
                    }
                }
            }
        }
    }

    /// The field names the criteria read, for documentation and validation of cases.
    ///
    /// ```
    /// use entitlement_core::rules::Criteria;
    /// let c = Criteria::from_value(&serde_json::json!({"any": [{"field": "tier", "op": "exists"}]}), "when")?;
    /// assert_eq!(c.fields(), vec!["tier"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fields(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_fields(&mut out);
        out
    }

    fn collect_fields<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Criteria::All { all: list } | Criteria::Any { any: list } => {
                list.iter().for_each(|c| c.collect_fields(out))
            }
            Criteria::Not { not } => not.collect_fields(out),
            Criteria::Compare { field, .. } => out.push(field),
        }
    }
}

fn scalar(v: &Value, path: &str) -> Result<()> {
    match v {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => Ok(()),
        other => Err(Error::InvalidType {
            path: path.to_string(),
            expected: "a string, number or boolean".into(),
            found: type_name(other),
        }),
    }
}

/// The text form of a scalar field value: strings as written, numbers as printed.
pub(crate) fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn loose_eq(a: &Value, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
        return x == y;
    }
    match (value_text(a), value_text(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

fn one_of(a: &Value, list: Option<&Value>) -> bool {
    list.and_then(Value::as_array)
        .is_some_and(|items| items.iter().any(|w| loose_eq(a, w)))
}

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Targets and triggers

/// How long a milestone may take: one duration, or a table keyed by a case field.
///
/// ```
/// # let rules = entitlement_core::Ruleset::from_yaml(r#"
/// # processes: [ { id: p, milestones: [ { name: Resolution, kind: resolution,
/// #   target: { by: severity, values: { Sev1: 4h }, default: 16h } } ] } ]
/// # "#)?;
/// # let target = &rules.processes()[0].milestones[0].target;
/// use entitlement_core::rules::Target;
/// assert!(matches!(target, Target::ByTier { by, .. } if by == "severity"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
pub enum Target {
    /// The same duration for every case.
    Fixed(Span),
    /// A duration per value of a case field (the tier), with an optional default.
    ByTier {
        /// The case field that selects the tier (`severity`, `priority`, ...).
        by: String,
        /// The duration for each value of the field.
        values: BTreeMap<String, Span>,
        /// The duration for values not in the table; without it such cases have no target and
        /// the milestone does not apply to them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<Span>,
    },
}

impl Target {
    fn parse(v: &Value, path: &str) -> Result<Target> {
        match v {
            Value::String(_) => Ok(Target::Fixed(positive_span(v, path)?)),
            Value::Object(map) => {
                check_keys(map, path, &["by", "values", "default"])?;
                let by = string(required(map, path, "by")?, &key_path(path, "by"))?;
                let vp = key_path(path, "values");
                let table = as_object(required(map, path, "values")?, &vp)?;
                let mut values = BTreeMap::new();
                for (k, d) in table {
                    values.insert(k.clone(), positive_span(d, &key_path(&vp, k))?);
                }
                let default = opt(map, path, "default", positive_span)?;
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
    /// # let rules = entitlement_core::Ruleset::from_yaml(r#"
    /// # processes: [ { id: p, milestones: [ { name: Resolution, kind: resolution,
    /// #   target: { by: severity, values: { Sev1: 4h }, default: 16h } } ] } ]
    /// # "#)?;
    /// # let target = &rules.processes()[0].milestones[0].target;
    /// let hour = 3_600_000_000; // microseconds
    /// assert_eq!(target.for_tier(Some(&serde_json::json!("Sev1"))), Some(4 * hour));
    /// assert_eq!(target.for_tier(Some(&serde_json::json!("Sev3"))), Some(16 * hour)); // the default
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_tier(&self, tier: Option<&Value>) -> Option<i64> {
        match self {
            Target::Fixed(s) => Some(s.0),
            Target::ByTier {
                values, default, ..
            } => tier
                .and_then(value_text)
                .and_then(|t| values.get(&t))
                .or(default.as_ref())
                .map(|s| s.0),
        }
    }

    /// The case field that selects the tier, if the target is a table.
    ///
    /// ```
    /// # let rules = entitlement_core::Ruleset::from_yaml(r#"
    /// # processes: [ { id: p, milestones: [ { name: Resolution, kind: resolution,
    /// #   target: { by: severity, values: { Sev1: 4h }, default: 16h } } ] } ]
    /// # "#)?;
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
/// # let rules = entitlement_core::Ruleset::from_yaml(r#"
/// # processes: [ { id: p, milestones: [ { name: Resolution, kind: resolution, target: 4h,
/// #   triggers: [ { at: "50%", level: warning }, { at: "-30m", level: critical, actions: [page_oncall] } ] } ] } ]
/// # "#)?;
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
    /// # let rules = entitlement_core::Ruleset::from_yaml(r#"
    /// # processes: [ { id: p, milestones: [ { name: Resolution, kind: resolution, target: 4h,
    /// #   triggers: [ { at: "50%", level: warning }, { at: "-30m", level: critical, actions: [page_oncall] } ] } ] } ]
    /// # "#)?;
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
    /// # let rules = entitlement_core::Ruleset::from_yaml(r#"
    /// # processes: [ { id: p, milestones: [ { name: Resolution, kind: resolution, target: 4h,
    /// #   triggers: [ { at: "50%", level: warning }, { at: "-30m", level: critical, actions: [page_oncall] } ] } ] } ]
    /// # "#)?;
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
/// # let rules = entitlement_core::Ruleset::from_yaml(r#"
/// # processes: [ { id: p, milestones: [ { name: Resolution, kind: resolution, target: 4h,
/// #   triggers: [ { at: "50%", level: warning }, { at: "-30m", level: critical, actions: [page_oncall] } ] } ] } ]
/// # "#)?;
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
    /// `at` as written (`50%`), formatted once: every status of every case carries it.
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) label: String,
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
        Ok(Trigger {
            at,
            level: Level::parse(required(map, path, "level")?, &key_path(path, "level"))?,
            actions: opt(map, path, "actions", strings)?.unwrap_or_default(),
            label: at.label(),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Milestones and processes

/// What starts and completes a milestone.
///
/// ```
/// # let rules = entitlement_core::Ruleset::from_yaml(r#"
/// # processes:
/// #   - id: gold
/// #     version: 2
/// #     pause_statuses: [Waiting on Customer]
/// #     milestones:
/// #       - { name: Diagnosis, kind: custom, starts_on: [created], completes_on: [diagnosed], target: 4h }
/// #       - { name: Next Response, kind: next_response, recurrence: independent, target: 2h }
/// # entitlements: [ { id: acme, process: { id: gold, version: 2 }, quotas: [ { period: quarter, max_cases: 20 } ] } ]
/// # "#)?;
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
/// # let rules = entitlement_core::Ruleset::from_yaml(r#"
/// # processes:
/// #   - id: gold
/// #     version: 2
/// #     pause_statuses: [Waiting on Customer]
/// #     milestones:
/// #       - { name: Diagnosis, kind: custom, starts_on: [created], completes_on: [diagnosed], target: 4h }
/// #       - { name: Next Response, kind: next_response, recurrence: independent, target: 2h }
/// # entitlements: [ { id: acme, process: { id: gold, version: 2 }, quotas: [ { period: quarter, max_cases: 20 } ] } ]
/// # "#)?;
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
/// # let rules = entitlement_core::Ruleset::from_yaml(r#"
/// # processes:
/// #   - id: gold
/// #     version: 2
/// #     pause_statuses: [Waiting on Customer]
/// #     milestones:
/// #       - { name: Diagnosis, kind: custom, starts_on: [created], completes_on: [diagnosed], target: 4h }
/// #       - { name: Next Response, kind: next_response, recurrence: independent, target: 2h }
/// # entitlements: [ { id: acme, process: { id: gold, version: 2 }, quotas: [ { period: quarter, max_cases: 20 } ] } ]
/// # "#)?;
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
    fn parse(v: &Value, path: &str) -> Result<Milestone> {
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
        })
    }

    /// The event types that start an occurrence.
    ///
    /// ```
    /// # let rules = entitlement_core::Ruleset::from_yaml(r#"
    /// # processes:
    /// #   - id: gold
    /// #     version: 2
    /// #     pause_statuses: [Waiting on Customer]
    /// #     milestones:
    /// #       - { name: Diagnosis, kind: custom, starts_on: [created], completes_on: [diagnosed], target: 4h }
    /// #       - { name: Next Response, kind: next_response, recurrence: independent, target: 2h }
    /// # entitlements: [ { id: acme, process: { id: gold, version: 2 }, quotas: [ { period: quarter, max_cases: 20 } ] } ]
    /// # "#)?;
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
    /// # let rules = entitlement_core::Ruleset::from_yaml(r#"
    /// # processes:
    /// #   - id: gold
    /// #     version: 2
    /// #     pause_statuses: [Waiting on Customer]
    /// #     milestones:
    /// #       - { name: Diagnosis, kind: custom, starts_on: [created], completes_on: [diagnosed], target: 4h }
    /// #       - { name: Next Response, kind: next_response, recurrence: independent, target: 2h }
    /// # entitlements: [ { id: acme, process: { id: gold, version: 2 }, quotas: [ { period: quarter, max_cases: 20 } ] } ]
    /// # "#)?;
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

/// An entitlement process (a Salesforce entitlement process, a Zendesk SLA policy, a JSM SLA).
///
/// ```
/// # let rules = entitlement_core::Ruleset::from_yaml(r#"
/// # processes:
/// #   - id: gold
/// #     version: 2
/// #     pause_statuses: [Waiting on Customer]
/// #     milestones:
/// #       - { name: Diagnosis, kind: custom, starts_on: [created], completes_on: [diagnosed], target: 4h }
/// #       - { name: Next Response, kind: next_response, recurrence: independent, target: 2h }
/// # entitlements: [ { id: acme, process: { id: gold, version: 2 }, quotas: [ { period: quarter, max_cases: 20 } ] } ]
/// # "#)?;
/// # let process = &rules.processes()[0];
/// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
/// assert_eq!((process.id.as_str(), process.version), ("gold", 2));
/// assert_eq!(process.pause_statuses, vec!["Waiting on Customer"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Process {
    /// Its id; several versions may share it.
    pub id: String,
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its version (1 when omitted).
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub version: u32,
    /// Whether this version applies when an entitlement does not pin one (else the highest).
    #[serde(default, skip_serializing_if = "is_false")]
    pub default: bool,
    /// The default calendar of its milestones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Statuses that pause the clock of every milestone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pause_statuses: Vec<String>,
    /// Statuses that end the process (as a `closed` event does).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exit_statuses: Vec<String>,
    /// Its milestones, in order.
    pub milestones: Vec<Milestone>,
}

fn one() -> u32 {
    1
}

impl Process {
    pub(crate) fn parse(v: &Value, path: &str) -> Result<Process> {
        let map = as_object(v, path)?;
        check_keys(
            map,
            path,
            &[
                "id",
                "name",
                "version",
                "default",
                "calendar",
                "pause_statuses",
                "exit_statuses",
                "milestones",
            ],
        )?;
        let version = opt(map, path, "version", |v, p| {
            v.as_u64()
                .filter(|n| (1..=u32::MAX as u64).contains(n))
                .map(|n| n as u32)
                .ok_or_else(|| Error::InvalidType {
                    path: p.to_string(),
                    expected: "a positive integer".into(),
                    found: type_name(v),
                })
        })?
        .unwrap_or(1);
        let mp = key_path(path, "milestones");
        let mut milestones: Vec<Milestone> = Vec::new();
        for (i, m) in as_array(required(map, path, "milestones")?, &mp)?
            .iter()
            .enumerate()
        {
            let ip = index_path(&mp, i);
            let m = Milestone::parse(m, &ip)?;
            if milestones.iter().any(|o| o.name == m.name) {
                return Err(Error::Duplicate {
                    path: key_path(&ip, "name"),
                    what: "milestone",
                    id: m.name,
                });
            }
            milestones.push(m);
        }
        Ok(Process {
            id: string(required(map, path, "id")?, &key_path(path, "id"))?,
            name: opt(map, path, "name", string)?,
            version,
            default: opt(map, path, "default", as_bool)?.unwrap_or(false),
            calendar: opt(map, path, "calendar", string)?,
            pause_statuses: opt(map, path, "pause_statuses", strings)?.unwrap_or_default(),
            exit_statuses: opt(map, path, "exit_statuses", strings)?.unwrap_or_default(),
            milestones,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Entitlements

/// Which process an entitlement (or a case) uses: an id, or an id with a pinned version.
///
/// ```
/// # let rules = entitlement_core::Ruleset::from_yaml(r#"
/// # processes:
/// #   - id: gold
/// #     version: 2
/// #     pause_statuses: [Waiting on Customer]
/// #     milestones:
/// #       - { name: Diagnosis, kind: custom, starts_on: [created], completes_on: [diagnosed], target: 4h }
/// #       - { name: Next Response, kind: next_response, recurrence: independent, target: 2h }
/// # entitlements: [ { id: acme, process: { id: gold, version: 2 }, quotas: [ { period: quarter, max_cases: 20 } ] } ]
/// # "#)?;
/// # let process = &rules.processes()[0];
/// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
/// use entitlement_core::rules::ProcessRef;
/// let pinned = &rules.entitlements()[0].process;
/// assert_eq!(pinned, &ProcessRef::Pinned { id: "gold".into(), version: 2 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
pub enum ProcessRef {
    /// The process's default version (the one marked `default: true`, else the highest).
    Id(String),
    /// A pinned version.
    Pinned {
        /// The process id.
        id: String,
        /// The version.
        #[schemars(range(min = 1))]
        version: u32,
    },
}

impl ProcessRef {
    pub(crate) fn parse(v: &Value, path: &str) -> Result<ProcessRef> {
        match v {
            Value::String(_) => Ok(ProcessRef::Id(string(v, path)?)),
            Value::Object(map) => {
                check_keys(map, path, &["id", "version"])?;
                let id = string(required(map, path, "id")?, &key_path(path, "id"))?;
                match map.get("version") {
                    None => Ok(ProcessRef::Id(id)),
                    Some(n) => {
                        let vp = key_path(path, "version");
                        let version = n
                            .as_u64()
                            .filter(|n| (1..=u32::MAX as u64).contains(n))
                            .ok_or_else(|| Error::InvalidType {
                                path: vp,
                                expected: "a positive integer".into(),
                                found: type_name(n),
                            })? as u32;
                        Ok(ProcessRef::Pinned { id, version })
                    }
                }
            }
            other => Err(Error::InvalidType {
                path: path.to_string(),
                expected: "a process id, or {id, version}".into(),
                found: type_name(other),
            }),
        }
    }

    /// The process id.
    ///
    /// ```
    /// # let rules = entitlement_core::Ruleset::from_yaml(r#"
    /// # processes:
    /// #   - id: gold
    /// #     version: 2
    /// #     pause_statuses: [Waiting on Customer]
    /// #     milestones:
    /// #       - { name: Diagnosis, kind: custom, starts_on: [created], completes_on: [diagnosed], target: 4h }
    /// #       - { name: Next Response, kind: next_response, recurrence: independent, target: 2h }
    /// # entitlements: [ { id: acme, process: { id: gold, version: 2 }, quotas: [ { period: quarter, max_cases: 20 } ] } ]
    /// # "#)?;
    /// # let process = &rules.processes()[0];
    /// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
    /// assert_eq!(rules.entitlements()[0].process.id(), "gold");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn id(&self) -> &str {
        match self {
            ProcessRef::Id(id) | ProcessRef::Pinned { id, .. } => id,
        }
    }
}

/// The period over which a quota counts cases.
///
/// ```
/// # let rules = entitlement_core::Ruleset::from_yaml(r#"
/// # processes:
/// #   - id: gold
/// #     version: 2
/// #     pause_statuses: [Waiting on Customer]
/// #     milestones:
/// #       - { name: Diagnosis, kind: custom, starts_on: [created], completes_on: [diagnosed], target: 4h }
/// #       - { name: Next Response, kind: next_response, recurrence: independent, target: 2h }
/// # entitlements: [ { id: acme, process: { id: gold, version: 2 }, quotas: [ { period: quarter, max_cases: 20 } ] } ]
/// # "#)?;
/// # let process = &rules.processes()[0];
/// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
/// use entitlement_core::rules::Period;
/// assert_eq!(rules.entitlements()[0].quotas[0].period, Period::Quarter);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Calendar months.
    Month,
    /// Calendar quarters (January, April, July, October).
    Quarter,
    /// Calendar years.
    Year,
    /// The whole term of the entitlement, `start_date` to `end_date`.
    Term,
}

impl Period {
    /// The period's name as written in documents.
    ///
    /// ```
    /// use entitlement_core::rules::Period;
    /// assert_eq!(Period::Term.as_str(), "term");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
            Period::Term => "term",
        }
    }
}

/// A cap on the number of cases per period, optionally only of cases that match a filter.
///
/// ```
/// # let rules = entitlement_core::Ruleset::from_yaml(r#"
/// # processes:
/// #   - id: gold
/// #     version: 2
/// #     pause_statuses: [Waiting on Customer]
/// #     milestones:
/// #       - { name: Diagnosis, kind: custom, starts_on: [created], completes_on: [diagnosed], target: 4h }
/// #       - { name: Next Response, kind: next_response, recurrence: independent, target: 2h }
/// # entitlements: [ { id: acme, process: { id: gold, version: 2 }, quotas: [ { period: quarter, max_cases: 20 } ] } ]
/// # "#)?;
/// # let process = &rules.processes()[0];
/// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
/// let quota = &rules.entitlements()[0].quotas[0];
/// assert_eq!(quota.max_cases, 20);
/// assert!(quota.filter.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// The period.
    pub period: Period,
    /// The most cases allowed per period.
    pub max_cases: u32,
    /// Only cases whose fields match count, from the first moment they match.
    #[serde(rename = "where", default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Criteria>,
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// An entitlement's account context, shared (not copied) by every evaluation, event and
/// alert that carries it: a copy per case was an eighth of an evaluation and a kilobyte of
/// memory (`docs/performance.md`).
pub type Account = Arc<Map<String, Value>>;

fn is_empty_account(account: &Account) -> bool {
    account.is_empty()
}

/// The contract: who it is for, which process applies, when, and how many cases it allows.
///
/// ```
/// # let rules = entitlement_core::Ruleset::from_yaml(r#"
/// # processes:
/// #   - id: gold
/// #     version: 2
/// #     pause_statuses: [Waiting on Customer]
/// #     milestones:
/// #       - { name: Diagnosis, kind: custom, starts_on: [created], completes_on: [diagnosed], target: 4h }
/// #       - { name: Next Response, kind: next_response, recurrence: independent, target: 2h }
/// # entitlements: [ { id: acme, process: { id: gold, version: 2 }, quotas: [ { period: quarter, max_cases: 20 } ] } ]
/// # "#)?;
/// # let process = &rules.processes()[0];
/// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
/// let acme = rules.entitlement("acme").unwrap();
/// assert_eq!(acme.process.id(), "gold");
/// assert_eq!(acme.start_date, None);        // no dates: active for every case
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entitlement {
    /// Its id, which cases name.
    pub id: String,
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The process it uses.
    pub process: ProcessRef,
    /// Account context (id, name, ARR, renewal date, executive sponsor, CSM, contacts...),
    /// passed through untouched into statuses and alerts.
    #[serde(default, skip_serializing_if = "is_empty_account")]
    pub account: Account,
    /// The first day it covers, in its calendar's zone.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_date"
    )]
    pub start_date: Option<NaiveDate>,
    /// The last day it covers (inclusive), in its calendar's zone.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_date"
    )]
    pub end_date: Option<NaiveDate>,
    /// A calendar for milestones whose process names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Per-incident allowance: how many cases it covers in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cases_per_entitlement: Option<u32>,
    /// Case quotas per period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotas: Vec<Quota>,
}

fn count(v: &Value, path: &str) -> Result<u32> {
    v.as_u64()
        .filter(|n| *n <= u32::MAX as u64)
        .map(|n| n as u32)
        .ok_or_else(|| Error::InvalidType {
            path: path.to_string(),
            expected: "a non-negative integer".into(),
            found: type_name(v),
        })
}

impl Entitlement {
    pub(crate) fn parse(v: &Value, path: &str) -> Result<Entitlement> {
        let map = as_object(v, path)?;
        check_keys(
            map,
            path,
            &[
                "id",
                "name",
                "process",
                "account",
                "start_date",
                "end_date",
                "calendar",
                "cases_per_entitlement",
                "quotas",
            ],
        )?;
        let start_date = opt(map, path, "start_date", parse_date)?;
        let end_date = opt(map, path, "end_date", parse_date)?;
        if let (Some(s), Some(e)) = (start_date, end_date)
            && e < s
        {
            return Err(Error::InvalidValue {
                path: key_path(path, "end_date"),
                reason: format!("the entitlement ends ({e}) before it starts ({s})"),
            });
        }
        let quotas = match map.get("quotas") {
            None => Vec::new(),
            Some(q) => {
                let qp = key_path(path, "quotas");
                let mut out = Vec::new();
                for (i, item) in as_array(q, &qp)?.iter().enumerate() {
                    let ip = index_path(&qp, i);
                    let m = as_object(item, &ip)?;
                    check_keys(m, &ip, &["period", "max_cases", "where", "name"])?;
                    let pp = key_path(&ip, "period");
                    let period = match as_str(required(m, &ip, "period")?, &pp, "a period")? {
                        "month" => Period::Month,
                        "quarter" => Period::Quarter,
                        "year" => Period::Year,
                        "term" => Period::Term,
                        other => {
                            return Err(Error::InvalidValue {
                                path: pp,
                                reason: format!(
                                    "unknown period {}; expected month, quarter, year or term",
                                    excerpt(other)
                                ),
                            });
                        }
                    };
                    if period == Period::Term && (start_date.is_none() || end_date.is_none()) {
                        return Err(Error::InvalidValue {
                            path: pp,
                            reason:
                                "a `term` quota needs the entitlement's `start_date` and `end_date`"
                                    .into(),
                        });
                    }
                    out.push(Quota {
                        period,
                        max_cases: count(
                            required(m, &ip, "max_cases")?,
                            &key_path(&ip, "max_cases"),
                        )?,
                        filter: opt(m, &ip, "where", Criteria::from_value)?,
                        name: opt(m, &ip, "name", string)?,
                    });
                }
                out
            }
        };
        Ok(Entitlement {
            id: string(required(map, path, "id")?, &key_path(path, "id"))?,
            name: opt(map, path, "name", string)?,
            process: ProcessRef::parse(
                required(map, path, "process")?,
                &key_path(path, "process"),
            )?,
            account: Arc::new(
                opt(map, path, "account", |v, p| Ok(as_object(v, p)?.clone()))?.unwrap_or_default(),
            ),
            start_date,
            end_date,
            calendar: opt(map, path, "calendar", string)?,
            cases_per_entitlement: opt(map, path, "cases_per_entitlement", count)?,
            quotas,
        })
    }
}
