//! Zendesk: business-hours schedules with their holidays, and SLA policies, as the Zendesk REST
//! API returns them, turned into calendars and processes. The guide, with the field-by-field
//! mapping and every decision where Zendesk's meaning and the engine's differ, is
//! `docs/import-zendesk.md`.
//!
//! - [`schedules`]: `GET /api/v2/business_hours/schedules` (and `.../schedules/{id}/holidays`)
//!   into one calendar per schedule, named after the schedule.
//! - [`sla_policies`]: `GET /api/v2/slas/policies` into one process per policy, one milestone per
//!   metric (two when its priorities differ in `business_hours`), targets tiered by `priority`.
//! - [`rails_time_zone`]: a schedule's Rails zone name ("Eastern Time (US & Canada)") as the
//!   IANA zone it stands for, through the complete table [`RAILS_TIME_ZONES`].
//!
//! ```
//! use entitlement_core::import::zendesk;
//! use serde_json::json;
//!
//! let hours = zendesk::schedules(&json!({"schedules": [{
//!     "id": 1, "name": "Support", "time_zone": "Eastern Time (US & Canada)",
//!     "intervals": [{"start_time": 1980, "end_time": 2460}]}]}), None)?;
//! let policies = zendesk::sla_policies(&json!({"sla_policies": [{
//!     "id": 7, "title": "Urgent", "filter": {"all": [], "any": []},
//!     "policy_metrics": [{"priority": "urgent", "metric": "first_reply_time",
//!                         "target": 60, "business_hours": true}]}]}), Some("Support"))?;
//! let rules = hours.merge(policies)?.ruleset()?;
//! assert_eq!(rules.calendars().names(), vec!["Support"]);
//! # Ok::<(), entitlement_core::Error>(())
//! ```

mod rails_zones;

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use serde_json::{Map, Value, json};

use super::MAX_TARGET_MINUTES;
use super::read::{date, integer, object, required_str, text};
use super::{Import, Warning, record_label, unsupported};
use crate::document::index_path;
use crate::error::{Error, Result};

pub use rails_zones::RAILS_TIME_ZONES;

/// Minutes in a week: Zendesk's `end_time` runs up to Saturday 24:00.
const WEEK: i64 = 7 * 1440;
/// The document's weekday keys, indexed from Sunday as Zendesk counts.
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
/// Zendesk's ticket priorities, lowest first (the order its `less_than` and `greater_than`
/// conditions compare by).
pub(crate) const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
/// The calendar that `business_hours: false` targets run on.
pub const ROUND_THE_CLOCK: &str = "24x7";

/// The IANA zone of a Zendesk schedule's `time_zone`: a Rails name from [`RAILS_TIME_ZONES`]
/// ("Eastern Time (US & Canada)" → "America/New_York"), or an IANA name, returned as is.
/// Anything else is an `unsupported` error.
///
/// ```
/// use entitlement_core::import::zendesk::rails_time_zone;
///
/// assert_eq!(rails_time_zone("Eastern Time (US & Canada)")?, "America/New_York");
/// assert_eq!(rails_time_zone("Europe/Paris")?, "Europe/Paris");
/// assert_eq!(rails_time_zone("Gotham").unwrap_err().code(), "unsupported");
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn rails_time_zone(name: &str) -> Result<&'static str> {
    zone(name).ok_or_else(|| unknown_zone("time zone", name))
}

fn zone(name: &str) -> Option<&'static str> {
    if let Some((_, iana)) = RAILS_TIME_ZONES.iter().find(|(rails, _)| *rails == name) {
        return Some(iana);
    }
    chrono_tz::Tz::from_str(name).ok().map(|tz| tz.name())
}

fn unknown_zone(record: &str, name: &str) -> Error {
    unsupported(
        record,
        "time_zone",
        format!(
            "{name:?} is neither a Rails time-zone name (ActiveSupport::TimeZone, such as \"Eastern Time (US & Canada)\") nor an IANA zone"
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// Reading the API's JSON

/// The records of a list response (`{"<plural>": [...]}`), a show response
/// (`{"<singular>": {...}}`), a list, or one bare record.
fn records<'a>(
    input: &'a Value,
    plural: &str,
    singular: &str,
    what: &str,
) -> Result<Vec<&'a Value>> {
    match input {
        Value::Array(list) => Ok(list.iter().collect()),
        Value::Object(map) => {
            if let Some(v) = map.get(plural) {
                let Value::Array(list) = v else {
                    return Err(unsupported(what, plural, "expected a list"));
                };
                // One page of several: taking it as all would drop the others silently.
                if let Some(next) = map.get("next_page").filter(|n| !n.is_null()) {
                    return Err(unsupported(
                        what,
                        "next_page",
                        format!(
                            "the response is one page of several (next page {next}); join every page's `{plural}` into one list and pass that"
                        ),
                    ));
                }
                if let Some(count) = map.get("count")
                    && count.as_u64() != Some(list.len() as u64)
                {
                    return Err(unsupported(
                        what,
                        "count",
                        format!(
                            "the response counts {count} {plural} but holds {}; pass the whole response",
                            list.len()
                        ),
                    ));
                }
                Ok(list.iter().collect())
            } else if let Some(v) = map.get(singular) {
                Ok(vec![v])
            } else {
                Ok(vec![input])
            }
        }
        _ => Err(unsupported(
            what,
            "(input)",
            format!(
                "expected the API's response (an object with `{plural}` or `{singular}`), a list or one record; found {}",
                crate::document::type_name(input)
            ),
        )),
    }
}

/// A record's `id` as text (Zendesk ids are integers; strings are kept).
fn id_text(map: &Map<String, Value>) -> Option<String> {
    match map.get("id") {
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Schedules

/// Calendars from Zendesk business-hours schedules, one per schedule, named after the
/// schedule's `name`.
///
/// `schedules` is what `GET /api/v2/business_hours/schedules` returns (`{"schedules": [...]}`),
/// what `GET .../schedules/{id}` returns (`{"schedule": {...}}`), a list of schedules or one
/// schedule. Each schedule's `intervals` (minutes since Sunday 00:00, local time) become weekly
/// hours, split at local midnights; its `time_zone` (a Rails name, or IANA) becomes the IANA zone.
///
/// `holidays` maps a schedule id (as text: `"360000"`) to what
/// `GET .../schedules/{id}/holidays` returns (`{"holidays": [...]}`, or the list itself); with
/// a single schedule it may also be that response directly. A schedule may also carry its
/// holidays itself, under `holidays`. A holiday's `start_date`..`end_date` (inclusive) closes
/// those whole days.
///
/// Two schedules with the same name are named `"<name> #<id>"` both, with a warning. Anything
/// the calendar cannot represent exactly is an `unsupported` error naming the schedule and field
/// (`intervals[2]`, `time_zone`).
///
/// ```
/// use entitlement_core::import::zendesk;
/// use serde_json::json;
/// use chrono::{TimeZone, Utc};
///
/// let imported = zendesk::schedules(
///     &json!({"schedule": {"id": 1, "name": "Night desk", "time_zone": "UTC",
///         "intervals": [{"start_time": 2760, "end_time": 3000}]}}),  // Mon 22:00 - Tue 02:00
///     Some(&json!({"1": {"holidays": [
///         {"id": 9, "name": "Shutdown", "start_date": "2026-12-28", "end_date": "2026-12-29"}]}})),
/// )?;
/// assert_eq!(imported.document["calendars"]["Night desk"]["hours"],
///            json!({"mon": ["22:00-24:00"], "tue": ["00:00-02:00"]}));
/// let cal = imported.calendar(None)?;
/// assert!(cal.is_open(Utc.with_ymd_and_hms(2026, 3, 3, 1, 0, 0).unwrap())?);   // a Tuesday
/// assert!(!cal.is_open(Utc.with_ymd_and_hms(2026, 12, 28, 23, 0, 0).unwrap())?); // a holiday
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn schedules(schedules: &Value, holidays: Option<&Value>) -> Result<Import> {
    let list = records(schedules, "schedules", "schedule", "schedules")?;
    let mut read: Vec<(String, Option<String>, Map<String, Value>)> = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (i, s) in list.iter().enumerate() {
        let label = format!("schedules[{i}]");
        let map = object(s, &label, "(record)")?;
        let id = id_text(map);
        let name = required_str(map, &record_label("Schedule", id.as_deref(), None), "name")?;
        let record = record_label("Schedule", id.as_deref(), Some(name));
        // Holidays are matched to schedules by id: two schedules with one id would leave one
        // of them without its holidays.
        if let Some(id) = &id
            && let Some(other) = ids.insert(id.clone(), read.len())
        {
            return Err(unsupported(
                &record,
                "id",
                format!(
                    "{} has the same id {id:?}; schedule ids are unique in Zendesk",
                    read[other].0
                ),
            ));
        }
        read.push((record, id, map.clone()));
    }
    let extra = holidays_by_schedule(holidays, &read, &ids)?;

    let mut warnings = Vec::new();
    let mut calendars = Map::new();
    let mut name_count: HashMap<&str, usize> = HashMap::new();
    for (_, _, map) in &read {
        *name_count
            .entry(text(map, "name").unwrap_or_default())
            .or_default() += 1;
    }
    for (k, (record, id, map)) in read.iter().enumerate() {
        let name = text(map, "name").unwrap_or_default();
        let calendar_name = if name_count[name] > 1 {
            let Some(id) = id else {
                return Err(unsupported(
                    record,
                    "name",
                    "two schedules share this name and this one has no `id` to tell them apart",
                ));
            };
            warnings.push(Warning {
                record: record.clone(),
                field: "name".into(),
                message: format!(
                    "several schedules are named {name:?}: this one's calendar is {:?}",
                    format!("{name} #{id}")
                ),
            });
            format!("{name} #{id}")
        } else {
            name.to_string()
        };
        let mut hols = Vec::new();
        if let Some(own) = map.get("holidays") {
            hols.extend(holiday_list(own, record, "holidays")?);
        }
        if let Some(more) = &extra[k] {
            hols.extend(more.iter().cloned());
        }
        let definition = schedule(record, map, &hols)?;
        if calendars
            .insert(calendar_name.clone(), definition)
            .is_some()
        {
            return Err(unsupported(
                record,
                "name",
                format!("two schedules would both be the calendar {calendar_name:?}"),
            ));
        }
    }
    Ok(Import {
        document: json!({ "calendars": calendars }),
        warnings,
    })
}

/// Document holidays, each with the record it came from.
type Holidays = Vec<(String, Value)>;

/// The holidays the caller passed beside the schedules, per schedule (by index).
fn holidays_by_schedule(
    holidays: Option<&Value>,
    read: &[(String, Option<String>, Map<String, Value>)],
    ids: &HashMap<String, usize>,
) -> Result<Vec<Option<Holidays>>> {
    let mut out: Vec<Option<Holidays>> = vec![None; read.len()];
    let Some(holidays) = holidays else {
        return Ok(out);
    };
    let single = match holidays {
        Value::Array(_) => true,
        Value::Object(m) => m.contains_key("holidays"),
        Value::Null => return Ok(out),
        other => {
            return Err(unsupported(
                "holidays",
                "(input)",
                format!(
                    "expected a mapping of schedule id to the holidays response, found {}",
                    crate::document::type_name(other)
                ),
            ));
        }
    };
    if single {
        if read.len() != 1 {
            return Err(unsupported(
                "holidays",
                "(input)",
                format!(
                    "one holidays response for {} schedules: pass a mapping of schedule id to its holidays",
                    read.len()
                ),
            ));
        }
        out[0] = Some(holiday_list(holidays, &read[0].0, "holidays")?);
        return Ok(out);
    }
    let Value::Object(by_id) = holidays else {
        unreachable!("checked above")
    };
    for (key, value) in by_id {
        let Some(&k) = ids.get(key) else {
            let known: Vec<&str> = read.iter().filter_map(|(_, id, _)| id.as_deref()).collect();
            return Err(unsupported(
                "holidays",
                key,
                format!(
                    "no schedule has the id {key:?}; schedule ids: {}",
                    crate::error::known_names(known.iter().copied())
                ),
            ));
        };
        out[k] = Some(holiday_list(value, &read[k].0, &format!("holidays.{key}"))?);
    }
    Ok(out)
}

/// The holidays of one schedule as document holidays, each with the record it came from.
fn holiday_list(v: &Value, schedule: &str, field: &str) -> Result<Vec<(String, Value)>> {
    let list = match v {
        Value::Array(list) => list,
        Value::Object(m) => match m.get("holidays") {
            Some(Value::Array(list)) => list,
            _ => {
                return Err(unsupported(
                    schedule,
                    field,
                    "expected the holidays response ({\"holidays\": [...]}) or a list",
                ));
            }
        },
        other => {
            return Err(unsupported(
                schedule,
                field,
                format!(
                    "expected a list of holidays, found {}",
                    crate::document::type_name(other)
                ),
            ));
        }
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, h) in list.iter().enumerate() {
        let map = object(h, schedule, &index_path(field, i))?;
        let id = id_text(map);
        let name = text(map, "name").filter(|n| !n.is_empty());
        let record = format!(
            "{schedule}, {}",
            record_label("holiday", id.as_deref(), name)
        );
        let start = date(map, &record, "start_date")?;
        let end = date(map, &record, "end_date")?;
        if end < start {
            return Err(unsupported(
                &record,
                "end_date",
                format!("{end} is before start_date {start}"),
            ));
        }
        let mut doc = Map::new();
        if let Some(name) = name {
            doc.insert("name".into(), Value::String(name.to_string()));
        }
        if start == end {
            doc.insert("date".into(), Value::String(start.to_string()));
        } else {
            doc.insert("from".into(), Value::String(start.to_string()));
            doc.insert("to".into(), Value::String(end.to_string()));
        }
        out.push((record, Value::Object(doc)));
    }
    Ok(out)
}

/// One schedule as a calendar definition.
fn schedule(record: &str, map: &Map<String, Value>, holidays: &[(String, Value)]) -> Result<Value> {
    let zone_name = required_str(map, record, "time_zone")?;
    let iana = zone(zone_name).ok_or_else(|| unknown_zone(record, zone_name))?;
    let intervals = match map.get("intervals") {
        Some(Value::Array(list)) => list,
        None | Some(Value::Null) => return Err(unsupported(record, "intervals", "missing")),
        Some(v) => {
            return Err(unsupported(
                record,
                "intervals",
                format!("expected a list, found {}", crate::document::type_name(v)),
            ));
        }
    };
    if intervals.is_empty() {
        return Err(unsupported(
            record,
            "intervals",
            "a schedule without intervals is never open",
        ));
    }
    let mut spans: Vec<(i64, i64, usize)> = Vec::with_capacity(intervals.len());
    for (i, iv) in intervals.iter().enumerate() {
        let field = index_path("intervals", i);
        let m = object(iv, record, &field)?;
        let get = |key: &str| -> Result<i64> {
            integer(m, key, record, &format!("{field}.{key}"))?
                .ok_or_else(|| unsupported(record, &format!("{field}.{key}"), "missing"))
        };
        let (start, end) = (get("start_time")?, get("end_time")?);
        if !(0..=WEEK).contains(&start) || !(0..=WEEK).contains(&end) {
            return Err(unsupported(
                record,
                &field,
                format!(
                    "{start}..{end} is outside the week: minutes since Sunday 00:00 run from 0 to {WEEK}"
                ),
            ));
        }
        if end <= start {
            return Err(unsupported(
                record,
                &field,
                format!("end_time {end} is not after start_time {start}"),
            ));
        }
        spans.push((start, end, i));
    }
    spans.sort_unstable();
    for w in spans.windows(2) {
        if w[1].0 < w[0].1 {
            return Err(unsupported(
                record,
                &index_path("intervals", w[1].2),
                format!(
                    "{}..{} overlaps intervals[{}] ({}..{})",
                    w[1].0, w[1].1, w[0].2, w[0].0, w[0].1
                ),
            ));
        }
    }
    // Per local day (Sunday first): pieces in minutes of that day, touching pieces joined.
    let mut days: Vec<Vec<(i64, i64)>> = vec![Vec::new(); 7];
    for &(start, end, _) in &spans {
        let mut cursor = start;
        while cursor < end {
            let day = cursor / 1440;
            let piece_end = end.min((day + 1) * 1440);
            let (a, b) = (cursor - day * 1440, piece_end - day * 1440);
            let pieces = &mut days[day as usize];
            match pieces.last_mut() {
                Some(last) if last.1 == a => last.1 = b,
                _ => pieces.push((a, b)),
            }
            cursor = piece_end;
        }
    }
    let mut hours = Map::new();
    for day in [1, 2, 3, 4, 5, 6, 0] {
        if days[day].is_empty() {
            continue;
        }
        let list = days[day]
            .iter()
            .map(|&(a, b)| Value::String(format!("{}-{}", clock(a), clock(b))))
            .collect();
        hours.insert(DAYS[day].into(), Value::Array(list));
    }
    let mut doc = Map::new();
    doc.insert("time_zone".into(), Value::String(iana.into()));
    doc.insert("hours".into(), Value::Object(hours));
    if !holidays.is_empty() {
        doc.insert(
            "holidays".into(),
            Value::Array(holidays.iter().map(|(_, h)| h.clone()).collect()),
        );
    }
    Ok(Value::Object(doc))
}

fn clock(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

// ---------------------------------------------------------------------------------------------
// SLA policies

/// A Zendesk metric and how the engine measures it (see `docs/import-zendesk.md`, "Metrics").
pub(crate) struct Metric {
    pub(crate) api: &'static str,
    pub(crate) title: &'static str,
    /// The milestone without `name`, `when`, `target` and `calendar`.
    pub(crate) shape: fn() -> Value,
}

pub(crate) const METRICS: [Metric; 7] = [
    Metric {
        api: "first_reply_time",
        title: "First reply time",
        shape: || json!({"kind": "first_response", "pause_statuses": []}),
    },
    Metric {
        api: "next_reply_time",
        title: "Next reply time",
        shape: || json!({"kind": "next_response", "recurrence": "independent", "pause_statuses": []}),
    },
    Metric {
        api: "periodic_update_time",
        title: "Periodic update time",
        shape: || {
            json!({"kind": "custom", "starts_on": ["agent_reply"],
                   "completes_on": ["agent_reply", "solved"], "recurrence": "independent",
                   "pause_statuses": ["solved"]})
        },
    },
    Metric {
        api: "pausable_update_time",
        title: "Pausable update time",
        shape: || {
            json!({"kind": "custom", "starts_on": ["agent_reply"],
                   "completes_on": ["agent_reply", "solved"], "recurrence": "independent",
                   "pause_statuses": ["pending", "solved"]})
        },
    },
    Metric {
        api: "requester_wait_time",
        title: "Requester wait time",
        shape: || {
            json!({"kind": "custom", "starts_on": ["created"], "completes_on": ["closed"],
                   "pause_statuses": ["pending", "solved"]})
        },
    },
    Metric {
        api: "agent_work_time",
        title: "Agent work time",
        shape: || {
            json!({"kind": "custom", "starts_on": ["created"], "completes_on": ["closed"],
                   "pause_statuses": ["pending", "hold", "solved"]})
        },
    },
    Metric {
        api: "total_resolution_time",
        title: "Total resolution time",
        shape: || {
            json!({"kind": "custom", "starts_on": ["created"], "completes_on": ["closed"],
                   "pause_statuses": ["solved"]})
        },
    },
];

/// One `policy_metrics` entry, read.
struct Target {
    priority: &'static str,
    duration: String,
    business_hours: bool,
}

/// Processes from Zendesk SLA policies: one per policy (id: the policy's `id`, else its `title`;
/// name: its `title`), ordered by `position`.
///
/// `policies` is what `GET /api/v2/slas/policies` returns (`{"sla_policies": [...]}`), what
/// `GET /api/v2/slas/policies/{id}` returns (`{"sla_policy": {...}}`), a list or one policy.
/// Each metric becomes a milestone that measures what Zendesk measures (replies, updates, time in
/// statuses, with their pauses), its target a table by the case's `priority`; `filter` becomes
/// the milestones' `when`. Targets in business hours run on the calendar named `schedule` (the
/// name [`schedules`] gave the schedule); targets in calendar hours on [`ROUND_THE_CLOCK`], which
/// the fragment defines. Anything that cannot be represented exactly is an `unsupported` error
/// naming the policy and field.
///
/// ```
/// use entitlement_core::import::zendesk;
/// use serde_json::json;
///
/// let imported = zendesk::sla_policies(&json!({"sla_policy": {
///     "id": 36, "title": "Incidents", "position": 1,
///     "filter": {"all": [{"field": "type", "operator": "is", "value": "incident"}], "any": []},
///     "policy_metrics": [
///         {"priority": "urgent", "metric": "first_reply_time", "target": 10, "business_hours": false},
///         {"priority": "low", "metric": "first_reply_time", "target": 60, "business_hours": false}]}}),
///     None)?;
/// let process = &imported.document["processes"][0];
/// assert_eq!(process["id"], "36");
/// assert_eq!(process["milestones"][0]["target"],
///            json!({"by": "priority", "values": {"low": "60m", "urgent": "10m"}}));
/// assert_eq!(process["milestones"][0]["calendar"], "24x7");
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn sla_policies(policies: &Value, schedule: Option<&str>) -> Result<Import> {
    let list = records(policies, "sla_policies", "sla_policy", "sla_policies")?;
    let mut processes: Vec<(Option<i64>, Value)> = Vec::with_capacity(list.len());
    let mut warnings = Vec::new();
    let mut round_the_clock = false;
    let mut ids: HashMap<String, String> = HashMap::new();
    for (i, p) in list.iter().enumerate() {
        let map = object(p, &format!("sla_policies[{i}]"), "(record)")?;
        let id = id_text(map);
        let title = text(map, "title").filter(|t| !t.trim().is_empty());
        let record = record_label("SLA policy", id.as_deref(), title);
        let Some(process_id) = id.clone().or(title.map(str::to_string)) else {
            return Err(unsupported(
                &record,
                "id",
                "a policy needs an `id` or a `title`",
            ));
        };
        if let Some(other) = ids.insert(process_id.clone(), record.clone()) {
            return Err(unsupported(
                &record,
                "id",
                format!("{other} has the same id {process_id:?}"),
            ));
        }
        let position = integer(map, "position", &record, "position")?;
        if let Some(Value::String(d)) = map.get("description")
            && !d.trim().is_empty()
        {
            warnings.push(Warning {
                record: record.clone(),
                field: "description".into(),
                message: "not carried over: the document's processes have no description".into(),
            });
        }
        let when = filter(map.get("filter"), &record)?;
        let targets = policy_metrics(map.get("policy_metrics"), &record)?;
        let mut milestones = Vec::new();
        for metric in &METRICS {
            let Some(list) = targets.get(metric.api) else {
                continue;
            };
            let mut groups: Vec<(bool, Vec<&(usize, Target)>)> = Vec::new();
            for t in list {
                match groups.iter_mut().find(|(b, _)| *b == t.1.business_hours) {
                    Some((_, g)) => g.push(t),
                    None => groups.push((t.1.business_hours, vec![t])),
                }
            }
            groups.sort_by_key(|(b, _)| !*b);
            let split = groups.len() > 1;
            for (business, group) in groups {
                let calendar = if business {
                    match schedule {
                        Some(s) => s.to_string(),
                        None => {
                            return Err(Error::InvalidValue {
                                path: format!(
                                    "{record}: {}.business_hours",
                                    index_path("policy_metrics", group[0].0)
                                ),
                                reason: "a target in business hours needs the schedule's calendar: pass `schedule` (the calendar name the schedules import gave it)".into(),
                            });
                        }
                    }
                } else {
                    round_the_clock = true;
                    ROUND_THE_CLOCK.to_string()
                };
                let mut values = Map::new();
                let mut ordered: Vec<&(usize, Target)> = group.clone();
                ordered.sort_by_key(|(_, t)| PRIORITIES.iter().position(|p| *p == t.priority));
                for (_, t) in &ordered {
                    values.insert(t.priority.into(), Value::String(t.duration.clone()));
                }
                let mut m = (metric.shape)();
                let obj = m.as_object_mut().expect("a milestone shape is an object");
                let name = if !split {
                    metric.title.to_string()
                } else if business {
                    format!("{} (business hours)", metric.title)
                } else {
                    format!("{} (calendar hours)", metric.title)
                };
                obj.insert("name".into(), Value::String(name));
                // The filter's own `all` list is flattened into the one with the priorities.
                let mut parts: Vec<Value> = match &when {
                    Some(Value::Object(w)) if w.len() == 1 && w.contains_key("all") => {
                        w["all"].as_array().cloned().unwrap_or_default()
                    }
                    Some(w) => vec![w.clone()],
                    None => Vec::new(),
                };
                if split {
                    let priorities: Vec<Value> = ordered
                        .iter()
                        .map(|(_, t)| Value::String(t.priority.into()))
                        .collect();
                    parts.push(json!({"field": "priority", "op": "in", "value": priorities}));
                }
                match parts.len() {
                    0 => {}
                    1 => {
                        obj.insert("when".into(), parts.remove(0));
                    }
                    _ => {
                        obj.insert("when".into(), json!({ "all": parts }));
                    }
                }
                obj.insert("target".into(), json!({"by": "priority", "values": values}));
                obj.insert("calendar".into(), Value::String(calendar));
                milestones.push(m);
            }
        }
        let mut process = Map::new();
        process.insert("id".into(), Value::String(process_id));
        if let Some(t) = title {
            process.insert("name".into(), Value::String(t.to_string()));
        }
        process.insert("exit_statuses".into(), json!(["closed"]));
        process.insert("milestones".into(), Value::Array(milestones));
        processes.push((position, Value::Object(process)));
    }
    // Zendesk applies the first matching policy by `position`: keep that order (stable; a policy
    // without a position goes last, as the API adds it last).
    processes.sort_by_key(|(p, _)| p.unwrap_or(i64::MAX));
    let mut document = Map::new();
    if round_the_clock {
        document.insert(
            "calendars".into(),
            json!({ ROUND_THE_CLOCK: {"always_open": true} }),
        );
    }
    document.insert(
        "processes".into(),
        Value::Array(processes.into_iter().map(|(_, p)| p).collect()),
    );
    Ok(Import {
        document: Value::Object(document),
        warnings,
    })
}

/// `policy_metrics`, by metric, in the order given.
fn policy_metrics(
    v: Option<&Value>,
    record: &str,
) -> Result<BTreeMap<&'static str, Vec<(usize, Target)>>> {
    let mut out: BTreeMap<&'static str, Vec<(usize, Target)>> = BTreeMap::new();
    let list = match v {
        None | Some(Value::Null) => return Ok(out),
        Some(Value::Array(list)) => list,
        Some(other) => {
            return Err(unsupported(
                record,
                "policy_metrics",
                format!(
                    "expected a list, found {}",
                    crate::document::type_name(other)
                ),
            ));
        }
    };
    for (i, pm) in list.iter().enumerate() {
        let field = index_path("policy_metrics", i);
        let map = object(pm, record, &field)?;
        let metric_name = match map.get("metric") {
            Some(Value::String(s)) => s.as_str(),
            _ => {
                return Err(unsupported(
                    record,
                    &format!("{field}.metric"),
                    "missing or not a string",
                ));
            }
        };
        let Some(metric) = METRICS.iter().find(|m| m.api == metric_name) else {
            return Err(unsupported(
                record,
                &format!("{field}.metric"),
                format!(
                    "unknown metric {metric_name:?}; the importer knows {}",
                    METRICS.iter().map(|m| m.api).collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        let priority_text = text(map, "priority").ok_or_else(|| {
            unsupported(
                record,
                &format!("{field}.priority"),
                "missing or not a string",
            )
        })?;
        let Some(priority) = PRIORITIES.iter().find(|p| **p == priority_text).copied() else {
            return Err(unsupported(
                record,
                &format!("{field}.priority"),
                format!("unknown priority {priority_text:?}; expected low, normal, high or urgent"),
            ));
        };
        let minutes = integer(map, "target", record, &format!("{field}.target"))?;
        let seconds = integer(
            map,
            "target_in_seconds",
            record,
            &format!("{field}.target_in_seconds"),
        )?;
        let duration = match (minutes, seconds) {
            (None, None) => {
                return Err(unsupported(record, &format!("{field}.target"), "missing"));
            }
            (Some(m), _) if m <= 0 => {
                return Err(unsupported(
                    record,
                    &format!("{field}.target"),
                    format!("{m} minutes: a target must be positive"),
                ));
            }
            (Some(m), _) if m > MAX_TARGET_MINUTES => {
                return Err(unsupported(
                    record,
                    &format!("{field}.target"),
                    format!(
                        "{m} minutes is too long: a target is 1 to {MAX_TARGET_MINUTES} minutes"
                    ),
                ));
            }
            (_, Some(s)) if s <= 0 => {
                return Err(unsupported(
                    record,
                    &format!("{field}.target_in_seconds"),
                    format!("{s} seconds: a target must be positive"),
                ));
            }
            (_, Some(s)) if s > MAX_TARGET_MINUTES * 60 => {
                return Err(unsupported(
                    record,
                    &format!("{field}.target_in_seconds"),
                    format!(
                        "{s} seconds is too long: a target is 1 to {} seconds ({MAX_TARGET_MINUTES} minutes)",
                        MAX_TARGET_MINUTES * 60
                    ),
                ));
            }
            // Zendesk reports a sub-minute part in `target_in_seconds` only; `target` is
            // the same time in whole minutes, so the two agree within a minute.
            (Some(m), Some(s)) if (m * 60 - s).abs() >= 60 => {
                return Err(unsupported(
                    record,
                    &format!("{field}.target_in_seconds"),
                    format!("{s} seconds disagrees with target {m} minutes"),
                ));
            }
            (_, Some(s)) if s % 60 != 0 => format!("{s}s"),
            (_, Some(s)) => format!("{}m", s / 60),
            (Some(m), None) => format!("{m}m"),
        };
        let business_hours = match map.get("business_hours") {
            Some(Value::Bool(b)) => *b,
            None | Some(Value::Null) => {
                return Err(unsupported(
                    record,
                    &format!("{field}.business_hours"),
                    "missing: say whether the target counts business or calendar hours",
                ));
            }
            Some(v) => {
                return Err(unsupported(
                    record,
                    &format!("{field}.business_hours"),
                    format!(
                        "expected true or false, found {}",
                        crate::document::type_name(v)
                    ),
                ));
            }
        };
        let entry = out.entry(metric.api).or_default();
        if let Some((j, _)) = entry.iter().find(|(_, t)| t.priority == priority) {
            return Err(unsupported(
                record,
                &field,
                format!(
                    "a second {} target for priority {priority} (the first is policy_metrics[{j}])",
                    metric.api
                ),
            ));
        }
        entry.push((
            i,
            Target {
                priority,
                duration,
                business_hours,
            },
        ));
    }
    Ok(out)
}

/// The policy's `filter` as criteria (`None` when it has no conditions).
fn filter(v: Option<&Value>, record: &str) -> Result<Option<Value>> {
    let map = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(v) => object(v, record, "filter")?,
    };
    if let Some(key) = map.keys().find(|k| *k != "all" && *k != "any") {
        return Err(unsupported(
            record,
            &format!("filter.{key}"),
            "a filter has only `all` and `any` condition lists",
        ));
    }
    let mut lists: [Vec<Value>; 2] = [Vec::new(), Vec::new()];
    for (slot, key) in ["all", "any"].iter().enumerate() {
        let list = match map.get(*key) {
            None | Some(Value::Null) => continue,
            Some(Value::Array(list)) => list,
            Some(other) => {
                return Err(unsupported(
                    record,
                    &format!("filter.{key}"),
                    format!(
                        "expected a list, found {}",
                        crate::document::type_name(other)
                    ),
                ));
            }
        };
        for (i, c) in list.iter().enumerate() {
            let field = format!("filter.{key}[{i}]");
            lists[slot].push(condition(c, record, &field)?);
        }
    }
    let [all, any] = lists;
    let mut parts = all;
    match any.len() {
        0 => {}
        1 => parts.extend(any),
        _ => parts.push(json!({ "any": any })),
    }
    Ok(match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(json!({ "all": parts })),
    })
}

/// One condition `{field, operator, value}` as a criterion.
fn condition(v: &Value, record: &str, path: &str) -> Result<Value> {
    let map = object(v, record, path)?;
    let field = match map.get("field") {
        Some(Value::String(s)) if !s.is_empty() => s.as_str(),
        _ => {
            return Err(unsupported(
                record,
                &format!("{path}.field"),
                "missing or not a string",
            ));
        }
    };
    let operator = match map.get("operator") {
        Some(Value::String(s)) => s.as_str(),
        _ => {
            return Err(unsupported(
                record,
                &format!("{path}.operator"),
                "missing or not a string",
            ));
        }
    };
    let value = map.get("value").cloned().unwrap_or(Value::Null);
    let scalar = |op: &str| -> Result<Value> {
        match &value {
            Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                Ok(json!({"field": field, "op": op, "value": value}))
            }
            other => Err(unsupported(
                record,
                &format!("{path}.value"),
                format!(
                    "`{operator}` compares with one value; found {}",
                    crate::document::type_name(other)
                ),
            )),
        }
    };
    match operator {
        "is" => scalar("eq"),
        "is_not" => scalar("ne"),
        "less_than" | "greater_than" | "less_than_equal" | "greater_than_equal"
            if field == "priority" =>
        {
            let given = value.as_str().unwrap_or_default();
            let Some(rank) = PRIORITIES.iter().position(|p| *p == given) else {
                return Err(unsupported(
                    record,
                    &format!("{path}.value"),
                    format!("unknown priority {value}; expected low, normal, high or urgent"),
                ));
            };
            // Zendesk orders priorities low < normal < high < urgent, not by spelling.
            let keep = |k: usize| match operator {
                "less_than" => k < rank,
                "greater_than" => k > rank,
                "less_than_equal" => k <= rank,
                _ => k >= rank,
            };
            let matching: Vec<Value> = (0..PRIORITIES.len())
                .filter(|&k| keep(k))
                .map(|k| Value::String(PRIORITIES[k].into()))
                .collect();
            Ok(json!({"field": "priority", "op": "in", "value": matching}))
        }
        other => Err(unsupported(
            record,
            &format!("{path}.operator"),
            format!(
                "the operator {other:?} on {field:?} has no exact criterion; the importer maps `is`, `is_not`, and `less_than`, `greater_than`, `less_than_equal`, `greater_than_equal` on priority"
            ),
        )),
    }
}
