//! The rules half of the document: processes, milestones, criteria, targets, triggers and
//! entitlements, as validated values.
//!
//! Each type serialises back to exactly the document shape it was read from (so importers can
//! hand a user an editable fragment), and derives its JSON Schema from the same definition.
//! Reading is done by hand rather than by `serde::Deserialize`, so that every error names its
//! path and says what would be valid. This module holds the value readers the model's parts
//! share; each part is a file of its own:
//!
//! | file | what it holds |
//! |---|---|
//! | `criteria.rs` | [`Op`], [`Criteria`]: conditions on a case's fields |
//! | `milestone.rs` | [`Target`], [`Level`], [`TriggerPoint`], [`Trigger`], [`MilestoneKind`], [`Recurrence`], [`Milestone`] |
//! | `process.rs` | [`Process`], [`ProcessRef`] |
//! | `entitlement.rs` | [`Period`], [`Quota`], [`Account`], [`Entitlement`] |

mod criteria;
mod entitlement;
mod milestone;
mod process;

pub use criteria::{Criteria, MAX_CRITERIA_CONDITIONS, MAX_CRITERIA_DEPTH, Op};
pub use entitlement::{Account, Entitlement, Period, Quota};
pub use milestone::{
    BUILTIN_EVENTS, Level, Milestone, MilestoneKind, Recurrence, Target, TargetSpan, Trigger,
    TriggerPoint,
};
pub use process::{Process, ProcessRef};

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::document::{as_array, as_str, index_path, key_path};
use crate::duration::{format_duration, parse_duration};
use crate::error::{Error, Result, excerpt};

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

/// A target's duration: business days (`5bd`) or a positive span of business time.
fn target_span(v: &Value, path: &str) -> Result<TargetSpan> {
    let text = as_str(v, path, "a duration such as \"4h\" or \"5bd\"")?;
    match crate::duration::parse_business_days(text, path)? {
        Some(days) => Ok(TargetSpan::BusinessDays(days)),
        None => positive_span(v, path).map(TargetSpan::Time),
    }
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

/// The text form of a scalar field value: strings as written, numbers as printed.
pub(crate) fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
