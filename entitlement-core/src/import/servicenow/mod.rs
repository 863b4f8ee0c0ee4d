//! ServiceNow: schedules, SLA definitions and task records as the REST Table API returns them
//! (`GET /api/now/table/<table>` with `sysparm_display_value=false`), turned into calendars, a
//! process and cases. The guide, with the field-by-field mapping and every decision where
//! ServiceNow's meaning and the engine's differ, is `docs/import-servicenow.md`.
//!
//! - [`schedules`]: `cmn_schedule` rows with their `cmn_schedule_span` entries and the
//!   `cmn_other_schedule` child schedules (holiday schedules excluded from a parent) into one
//!   calendar per schedule, named after its `name`.
//! - [`sla_definitions`]: `contract_sla` rows into one process per task table, one `custom`
//!   milestone per SLA definition, its start condition the milestone's criteria.
//! - [`cases`]: task rows (`incident`, ...) with their `sys_audit` and `sys_history_line`
//!   changes into cases in the document's case shape; each SLA definition's stop condition,
//!   replayed over the task's history, becomes the event that completes its milestone
//!   ([`stop_event`]).
//!
//! Every input is the Table API's body (`{"result": [...]}`), a list of such bodies (pages), or
//! the bare list of rows. Values are strings; a reference is its `sys_id`, or an object
//! `{"link": ..., "value": sys_id}` (or `{"display_value": ..., "value": ...}` from
//! `sysparm_display_value=all`), of which the `value` is read.
//!
//! ```
//! use entitlement_core::import::servicenow::{self, ScheduleOptions};
//! use serde_json::json;
//! use chrono::{TimeZone, Utc};
//!
//! let schedules = json!({"result": [{"sys_id": "s1", "name": "8-5 weekdays", "time_zone": "US/Eastern"}]});
//! let spans = json!({"result": [{"sys_id": "e1", "schedule": {"link": "https://x/s1", "value": "s1"},
//!     "name": "Weekdays", "type": "", "start_date_time": "20250106T080000",
//!     "end_date_time": "20250106T170000", "repeat_type": "weekly", "repeat_count": "1",
//!     "days_of_week": "12345"}]});
//! let import = servicenow::schedules(&schedules, &spans, &ScheduleOptions::default())?;
//! let cal = import.calendar(Some("8-5 weekdays"))?;
//! // Monday 2026-03-02 10:00 in New York is 15:00 UTC; Saturday is closed.
//! assert!(cal.is_open(Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap())?);
//! assert!(!cal.is_open(Utc.with_ymd_and_hms(2026, 3, 7, 15, 0, 0).unwrap())?);
//! # Ok::<(), entitlement_core::Error>(())
//! ```

mod query;
mod records;
mod schedules;
mod slas;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Map, Value};

use super::unsupported;
use crate::document::type_name;
use crate::error::Result;

pub use query::encoded_query;
pub use records::{CaseOptions, cases};
pub use schedules::{ScheduleOptions, TimeZoneOverride, schedules};
pub use slas::{SlaOptions, sla_definitions};

/// The event type that completes the imported milestone of the SLA definition `name` (what its
/// stop condition becoming true is, in an imported case): `stopped.` and the name with every
/// character other than a letter, digit, `_` or `-` written `_`.
///
/// ```
/// assert_eq!(entitlement_core::import::servicenow::stop_event("P1 resolution (4h)"),
///            "stopped.P1_resolution__4h_");
/// ```
pub fn stop_event(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("stopped.{slug}")
}

/// The engine's name of a task field: `state` is the engine's `status` (what pause statuses
/// read); every other field keeps its ServiceNow name.
///
/// ```
/// use entitlement_core::import::servicenow::field_name;
/// assert_eq!(field_name("state"), "status");
/// assert_eq!(field_name("priority"), "priority");
/// ```
pub fn field_name(field: &str) -> &str {
    if field == "state" { "status" } else { field }
}

/// The rows of a Table API body (`{"result": [...]}`), of a list of bodies, or a bare list.
fn rows<'a>(input: &'a Value, what: &str) -> Result<Vec<&'a Value>> {
    let mut out = Vec::new();
    let page = |out: &mut Vec<&'a Value>, body: &'a Value, field: &str| -> Result<()> {
        match body {
            Value::Array(list) => {
                out.extend(list);
                Ok(())
            }
            other => Err(unsupported(
                what,
                field,
                format!("expected a list of rows, found {}", type_name(other)),
            )),
        }
    };
    match input {
        Value::Object(map) => match map.get("result") {
            Some(result) => page(&mut out, result, "result")?,
            None => {
                return Err(unsupported(
                    what,
                    "(input)",
                    "expected the Table API's body {\"result\": [...]} or a list of rows; this object has no `result`",
                ));
            }
        },
        Value::Array(items) => {
            for item in items {
                match item.get("result") {
                    Some(result) => page(&mut out, result, "result")?,
                    None => out.push(item),
                }
            }
        }
        other => {
            return Err(unsupported(
                what,
                "(input)",
                format!(
                    "expected the Table API's body {{\"result\": [...]}} or a list of rows; found {}",
                    type_name(other)
                ),
            ));
        }
    }
    Ok(out)
}

/// A row as an object, and its label for messages: `table sys_id (name)`, or `table #i`.
fn row<'a>(
    v: &'a Value,
    table: &str,
    position: usize,
    name_key: &str,
) -> Result<(&'a Map<String, Value>, String)> {
    let map = v.as_object().ok_or_else(|| {
        unsupported(
            &format!("{table} #{position}"),
            "(row)",
            format!("expected an object, found {}", type_name(v)),
        )
    })?;
    let id = text_value(map.get("sys_id")).filter(|s| !s.is_empty());
    let name = text_value(map.get(name_key)).filter(|s| !s.is_empty());
    let label = if id.is_none() && name.is_none() {
        format!("{table} #{position}")
    } else {
        super::record_label(table, id, name)
    };
    Ok((map, label))
}

/// The text of a value: a string, or the `value` of a reference object.
fn text_value(v: Option<&Value>) -> Option<&str> {
    match v? {
        Value::String(s) => Some(s),
        Value::Object(m) => m.get("value").and_then(Value::as_str),
        _ => None,
    }
}

/// A field's text, trimmed: `None` when missing, `null` or empty; a reference object gives its
/// `value`; a number or boolean is refused (the Table API writes every value as a string).
fn field<'a>(map: &'a Map<String, Value>, record: &str, key: &str) -> Result<Option<&'a str>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim()).filter(|s| !s.is_empty())),
        Some(Value::Object(m)) => match m.get("value") {
            Some(Value::String(s)) => Ok(Some(s.trim()).filter(|s| !s.is_empty())),
            None | Some(Value::Null) => Ok(None),
            Some(v) => Err(unsupported(
                record,
                key,
                format!(
                    "a reference's value must be a string, found {}",
                    type_name(v)
                ),
            )),
        },
        Some(v) => Err(unsupported(
            record,
            key,
            format!(
                "expected a string (the Table API writes every value as one), found {}",
                type_name(v)
            ),
        )),
    }
}

/// A field that must be there.
fn required<'a>(map: &'a Map<String, Value>, record: &str, key: &str) -> Result<&'a str> {
    field(map, record, key)?.ok_or_else(|| unsupported(record, key, "missing"))
}

/// A `true` / `false` field (blank is `default`).
fn flag(map: &Map<String, Value>, record: &str, key: &str, default: bool) -> Result<bool> {
    match field(map, record, key)? {
        None => Ok(default),
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(other) => Err(unsupported(
            record,
            key,
            format!("{other:?} is not \"true\" or \"false\""),
        )),
    }
}

/// A Table API date-time, `YYYY-MM-DD HH:MM:SS` in UTC.
fn datetime(text: &str, record: &str, key: &str) -> Result<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .ok()
        .filter(|_| text.len() == 19)
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            unsupported(
                record,
                key,
                format!(
                    "{text:?} is not a ServiceNow date-time such as \"2026-03-02 14:00:00\" (UTC, as the Table API returns it)"
                ),
            )
        })
}
