//! Dynamics 365 Customer Service: calendars (customer service schedules with their holiday
//! schedules), SLAs with their SLA items and KPIs, entitlements with their channels, and cases,
//! as the Dataverse Web API returns them (`GET /api/data/v9.2/<entity set>`), turned into
//! calendars, processes, entitlements and cases. The guide, with the field-by-field mapping and
//! every decision where Dynamics' meaning and the engine's differ, is `docs/import-dynamics.md`.
//!
//! - [`calendars`]: `calendar` rows with their `calendar_calendar_rules` into one calendar per
//!   customer service schedule, named after its `name`; the linked holiday schedule's rules
//!   become its holidays.
//! - [`slas`]: `sla`, `slaitem` and `msdyn_slakpi` rows into one process per SLA, one milestone
//!   per SLA item.
//! - [`entitlements`]: `entitlement` rows with their `entitlementchannel` rows into
//!   entitlements with allowances.
//! - [`cases`]: `incident` rows, with their `audit` rows, into cases.
//! - [`time_zone`]: a `timezonecode` as the IANA zone it stands for, through the complete
//!   table [`TIME_ZONE_CODES`].
//!
//! Every input is the API's response (`{"value": [...]}`), a list of rows, or one row; keys with
//! an `@` (OData annotations) are read only where named.
//!
//! ```
//! use entitlement_core::import::dynamics;
//! use serde_json::json;
//!
//! let hours = dynamics::calendars(&json!({"value": [
//!     {"calendarid": "c1", "name": "Support", "type": 1, "calendar_calendar_rules": [
//!         {"calendarruleid": "r1", "pattern": "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR",
//!          "duration": 1440, "offset": 0, "timezonecode": 85, "_innercalendarid_value": "i1"}]},
//!     {"calendarid": "i1", "type": -1, "calendar_calendar_rules": [
//!         {"calendarruleid": "r2", "timecode": 0, "subcode": 1, "offset": 540, "duration": 480}]}]}),
//!     None)?;
//! assert_eq!(hours.document["calendars"]["Support"]["time_zone"], "Europe/London");
//! assert_eq!(hours.document["calendars"]["Support"]["hours"]["mon"], json!(["09:00-17:00"]));
//! # Ok::<(), entitlement_core::Error>(())
//! ```

mod conditions;
mod zones;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};
use serde_json::{Map, Value, json};

use super::MAX_TARGET_MINUTES;
use super::read::{boolean, integer, object, optional_str, required_str, text};
use super::{Import, Warning, record_label, unsupported};
use crate::document::{index_path, type_name};
use crate::error::Result;
use crate::time::{from_us, parse_instant, rfc3339};

use conditions::Cond;
pub use zones::TIME_ZONE_CODES;

/// The calendar that SLAs without business hours run on.
pub const ROUND_THE_CLOCK: &str = "24x7";
/// The process of entitlements without an SLA: covered, with no milestone.
pub const NO_SLA: &str = "no-sla";
/// A record's rows read with it: each with its label.
type Children<'a> = Vec<(String, &'a Map<String, Value>)>;
/// A parent record (an SLA, an entitlement): its label, id, row and children.
type Parent<'a> = (String, &'a str, &'a Map<String, Value>, Children<'a>);
/// An audited change: the column, its old and its new value.
type Change = (String, Option<String>, Option<String>);
/// The most conditions an imported `when` holds (the engine's limit).
const MAX_CONDITIONS: usize = crate::rules::MAX_CRITERIA_CONDITIONS;
/// The OData annotation of an option set's or lookup's display text.
const FORMATTED: &str = "@OData.Community.Display.V1.FormattedValue";
/// The weekday keys of the document, Monday first, and their RRULE names.
const DAYS: [(&str, &str); 7] = [
    ("MO", "mon"),
    ("TU", "tue"),
    ("WE", "wed"),
    ("TH", "thu"),
    ("FR", "fri"),
    ("SA", "sat"),
    ("SU", "sun"),
];

/// The IANA zone of a Dynamics `timezonecode`, from [`TIME_ZONE_CODES`]. A code outside the
/// table is an `unsupported` error.
///
/// ```
/// use entitlement_core::import::dynamics::time_zone;
///
/// assert_eq!(time_zone(35)?, "America/New_York");
/// assert_eq!(time_zone(85)?, "Europe/London");
/// assert_eq!(time_zone(9999).unwrap_err().code(), "unsupported");
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn time_zone(code: i64) -> Result<&'static str> {
    zone_of(code).ok_or_else(|| unknown_code("timezonecode", "timezonecode", code))
}

fn zone_of(code: i64) -> Option<&'static str> {
    TIME_ZONE_CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, _, iana)| *iana)
}

fn unknown_code(record: &str, field: &str, code: i64) -> crate::Error {
    unsupported(
        record,
        field,
        format!(
            "{code} is not in Microsoft's time zone index table; map it with the option `time_zones` ({{\"{code}\": \"<IANA zone>\"}}), after reading its `timezonedefinitions` row"
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// Reading the Web API's JSON

/// The rows of a Web API response (`{"value": [...]}`), a list of rows, or one row. A response
/// with `@odata.nextLink` is one page of several and is refused.
fn rows<'a>(input: &'a Value, what: &str) -> Result<Vec<&'a Value>> {
    match input {
        Value::Array(list) => Ok(list.iter().collect()),
        Value::Object(map) => match map.get("value") {
            Some(Value::Array(list)) => {
                if map.get("@odata.nextLink").is_some_and(|l| !l.is_null()) {
                    return Err(unsupported(
                        what,
                        "@odata.nextLink",
                        "the response is one page of several: follow @odata.nextLink and pass every page's rows as one list",
                    ));
                }
                Ok(list.iter().collect())
            }
            Some(other) => Err(unsupported(
                what,
                "value",
                format!("expected a list of rows, found {}", type_name(other)),
            )),
            None => Ok(vec![input]),
        },
        other => Err(unsupported(
            what,
            "(input)",
            format!(
                "expected the Web API's response ({{\"value\": [...]}}), a list of rows or one row; found {}",
                type_name(other)
            ),
        )),
    }
}

/// A lookup's GUID: `_<name>_value`, else `<name>` as text.
fn lookup<'a>(map: &'a Map<String, Value>, name: &str, record: &str) -> Result<Option<&'a str>> {
    let key = format!("_{name}_value");
    if map.contains_key(&key) {
        return optional_str(map, record, &key);
    }
    match map.get(name) {
        Some(Value::String(_)) | None | Some(Value::Null) => optional_str(map, record, name),
        Some(_) => Ok(None),
    }
}

/// An instant field (`2026-03-02T14:00:00Z`).
fn instant(map: &Map<String, Value>, record: &str, field: &str) -> Result<Option<DateTime<Utc>>> {
    let Some(text) = optional_str(map, record, field)? else {
        return Ok(None);
    };
    let us = parse_instant(text, field).map_err(|e| {
        unsupported(
            record,
            field,
            format!("{text:?} is not an Edm.DateTimeOffset such as \"2026-03-02T14:00:00Z\" ({e})"),
        )
    })?;
    from_us(us).map(Some).map_err(|_| {
        unsupported(
            record,
            field,
            format!("{text:?} is outside years 1 to 9999"),
        )
    })
}

/// Options: an object whose keys are among `known`.
fn options<'a>(
    options: Option<&'a Value>,
    known: &[&str],
) -> Result<Option<&'a Map<String, Value>>> {
    let map = match options {
        None | Some(Value::Null) => return Ok(None),
        Some(v) => object(v, "options", "(input)")?,
    };
    if let Some(key) = map.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(unsupported(
            "options",
            key,
            format!("unknown option; the options here are {}", known.join(", ")),
        ));
    }
    Ok(Some(map))
}

/// The time-zone table with the caller's additions (`time_zones`: code → IANA zone).
struct Zones {
    extra: HashMap<i64, &'static str>,
}

impl Zones {
    fn read(v: Option<&Value>) -> Result<Zones> {
        let mut extra = HashMap::new();
        let Some(v) = v.filter(|v| !v.is_null()) else {
            return Ok(Zones { extra });
        };
        for (key, zone) in object(v, "options", "time_zones")? {
            let field = format!("time_zones.{key}");
            let code: i64 = key.parse().map_err(|_| {
                unsupported("options", &field, "a key is a timezonecode, a whole number")
            })?;
            let name = zone
                .as_str()
                .ok_or_else(|| unsupported("options", &field, "expected an IANA zone name"))?;
            let tz: chrono_tz::Tz = name.parse().map_err(|_| {
                unsupported("options", &field, format!("{name:?} is not an IANA zone"))
            })?;
            extra.insert(code, tz.name());
        }
        Ok(Zones { extra })
    }

    fn get(&self, code: i64, record: &str, field: &str) -> Result<&'static str> {
        self.extra
            .get(&code)
            .copied()
            .or_else(|| zone_of(code))
            .ok_or_else(|| unknown_code(record, field, code))
    }
}

// ---------------------------------------------------------------------------------------------
// Calendars

/// A calendar row, read.
struct Cal<'a> {
    record: String,
    name: Option<&'a str>,
    kind: i64,
    holidays: Option<&'a str>,
    rules: Vec<(String, &'a Map<String, Value>)>,
}

/// Calendars from `calendar` rows: one per customer service schedule (calendar `type` 0 or 1),
/// named after its `name`.
///
/// `calendars` is what `GET .../calendars?$expand=calendar_calendar_rules` returns, or a list or
/// one row; it holds the schedules, their inner calendars (`type` -1) and their holiday schedules
/// (`type` 2). A schedule's weekly rules (`pattern` `FREQ=WEEKLY;INTERVAL=1;BYDAY=...` or
/// `FREQ=DAILY;INTERVAL=1`, a whole day: `offset` 0, `duration` 1440) name an inner calendar
/// (`_innercalendarid_value`) whose rules give the day's work hours (`timecode` 0) and breaks
/// (`timecode` 2, `subcode` 4) in minutes from midnight (`offset`, `duration`). A rule without a
/// pattern is one date's hours (`starttime`). `timezonecode` is the zone. The holiday schedule
/// named by `_holidayschedulecalendarid_value` gives the holidays: each rule (`name`,
/// `starttime`, `duration`) closes those whole days, or part of one day.
///
/// `options`: `calendar_rules` (the `calendarrules` rows, when not expanded: matched to their
/// calendar by `_calendarid_value`), `time_zones` (a `timezonecode` → IANA zone mapping for
/// codes outside [`TIME_ZONE_CODES`]).
///
/// ```
/// use entitlement_core::import::dynamics;
/// use serde_json::json;
///
/// let imported = dynamics::calendars(&json!([
///     {"calendarid": "c1", "name": "Desk", "type": 1, "_holidayschedulecalendarid_value": "h1"},
///     {"calendarid": "i1", "type": -1},
///     {"calendarid": "h1", "name": "Holidays", "type": 2}]),
///     Some(&json!({"calendar_rules": [
///         {"_calendarid_value": "c1", "pattern": "FREQ=DAILY;INTERVAL=1", "duration": 1440,
///          "offset": 0, "timezonecode": 35, "_innercalendarid_value": "i1"},
///         {"_calendarid_value": "i1", "timecode": 0, "offset": 480, "duration": 600},
///         {"_calendarid_value": "i1", "timecode": 2, "subcode": 4, "offset": 720, "duration": 60},
///         {"_calendarid_value": "h1", "name": "New Year", "timecode": 2, "subcode": 5,
///          "starttime": "2027-01-01T05:00:00Z", "duration": 1440}]})))?;
/// let desk = &imported.document["calendars"]["Desk"];
/// assert_eq!(desk["hours"]["sun"], json!(["08:00-12:00", "13:00-18:00"]));
/// assert_eq!(desk["holidays"], json!([{"name": "New Year", "date": "2027-01-01"}]));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn calendars(calendars: &Value, options: Option<&Value>) -> Result<Import> {
    let opts = self::options(options, &["calendar_rules", "time_zones"])?;
    let zones = Zones::read(opts.and_then(|o| o.get("time_zones")))?;
    let list = rows(calendars, "calendars")?;
    let mut cals: Vec<Cal> = Vec::with_capacity(list.len());
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, row) in list.iter().enumerate() {
        let map = object(row, &format!("calendars[{i}]"), "(record)")?;
        let id = required_str(map, &format!("calendars[{i}]"), "calendarid")?;
        let name = text(map, "name").filter(|n| !n.trim().is_empty());
        let record = record_label("Calendar", Some(id), name);
        let kind = integer(map, "type", &record, "type")?.unwrap_or(0);
        if !matches!(kind, -1..=2) {
            return Err(unsupported(
                &record,
                "type",
                format!(
                    "calendar type {kind}: the importer reads customer service schedules (0, 1), inner calendars (-1) and holiday schedules (2)"
                ),
            ));
        }
        let holidays = lookup(map, "holidayschedulecalendarid", &record)?;
        let mut rules = Vec::new();
        match map.get("calendar_calendar_rules") {
            None | Some(Value::Null) => {}
            Some(Value::Array(list)) => {
                for (j, r) in list.iter().enumerate() {
                    let field = index_path("calendar_calendar_rules", j);
                    rules.push((format!("{record}, {field}"), object(r, &record, &field)?));
                }
            }
            Some(other) => {
                return Err(unsupported(
                    &record,
                    "calendar_calendar_rules",
                    format!(
                        "expected a list of calendar rules, found {}",
                        type_name(other)
                    ),
                ));
            }
        }
        if by_id.insert(id, cals.len()).is_some() {
            return Err(unsupported(
                &record,
                "calendarid",
                "a second calendar with this id",
            ));
        }
        cals.push(Cal {
            record,
            name,
            kind,
            holidays,
            rules,
        });
    }
    if let Some(apart) = opts.and_then(|o| o.get("calendar_rules")) {
        for (j, r) in rows(apart, "calendar_rules")?.into_iter().enumerate() {
            let label = format!("calendar_rules[{j}]");
            let map = object(r, &label, "(record)")?;
            let Some(owner) = lookup(map, "calendarid", &label)? else {
                return Err(unsupported(&label, "_calendarid_value", "missing"));
            };
            let Some(&k) = by_id.get(owner) else {
                return Err(unsupported(
                    &label,
                    "_calendarid_value",
                    format!("no calendar has the id {owner:?}"),
                ));
            };
            let record = format!("{}, {label}", cals[k].record);
            cals[k].rules.push((record, map));
        }
    }

    let mut out = Map::new();
    let mut warnings = Vec::new();
    let mut cache = Cache::default();
    for cal in cals.iter().filter(|c| c.kind == 0 || c.kind == 1) {
        let Some(name) = cal.name else {
            return Err(unsupported(&cal.record, "name", "missing"));
        };
        let def = schedule(cal, &cals, &by_id, &zones, &mut cache, &mut warnings)?;
        if out.insert(name.to_string(), def).is_some() {
            return Err(unsupported(
                &cal.record,
                "name",
                format!("two customer service schedules are named {name:?}"),
            ));
        }
    }
    Ok(Import {
        document: json!({ "calendars": out }),
        warnings,
    })
}

/// One customer service schedule as a calendar definition.
fn schedule(
    cal: &Cal,
    cals: &[Cal],
    by_id: &HashMap<&str, usize>,
    zones: &Zones,
    cache: &mut Cache,
    warnings: &mut Vec<Warning>,
) -> Result<Value> {
    let mut week: [Option<Vec<(u32, u32)>>; 7] = Default::default();
    let mut zone: Option<(i64, &'static str)> = None;
    let mut dated: Vec<(&str, &Map<String, Value>)> = Vec::new();
    for (record, rule) in &cal.rules {
        if let Some(code) = integer(rule, "timezonecode", record, "timezonecode")? {
            let iana = zones.get(code, record, "timezonecode")?;
            match zone {
                Some((c, _)) if c != code => {
                    return Err(unsupported(
                        record,
                        "timezonecode",
                        format!("{code} differs from another rule's {c}: a calendar has one zone"),
                    ));
                }
                _ => zone = Some((code, iana)),
            }
        }
        let Some(pattern) = optional_str(rule, record, "pattern")? else {
            dated.push((record, rule));
            continue;
        };
        let days = weekdays(pattern, record)?;
        whole_day(rule, record)?;
        if let Some(end) = instant(rule, record, "effectiveintervalend")?
            && end.year() < 9999
        {
            return Err(unsupported(
                record,
                "effectiveintervalend",
                format!(
                    "{}: weekly hours that end on a date have no equivalent; the engine's weekly hours hold at every date",
                    rfc3339(end)
                ),
            ));
        }
        let hours = inner_hours(rule, record, cals, by_id, cache)?;
        for d in days {
            if week[d].is_some() {
                return Err(unsupported(
                    record,
                    "pattern",
                    format!("{} is also given by another weekly rule", DAYS[d].0),
                ));
            }
            week[d] = Some(hours.clone());
        }
    }
    let Some((_, iana)) = zone else {
        return Err(unsupported(
            &cal.record,
            "timezonecode",
            "no rule of the calendar gives its zone",
        ));
    };
    let tz: chrono_tz::Tz = iana.parse().expect("the table's zones are IANA zones");
    let mut hours = Map::new();
    for (d, slot) in week.iter().enumerate() {
        if let Some(list) = slot.as_ref().filter(|l| !l.is_empty()) {
            hours.insert(DAYS[d].1.into(), intervals_json(list));
        }
    }
    let mut overrides = Vec::new();
    for (record, rule) in dated {
        let start = instant(rule, record, "starttime")?.ok_or_else(|| {
            unsupported(
                record,
                "starttime",
                "missing (a rule without a pattern is one date's hours)",
            )
        })?;
        let local = start.with_timezone(&tz);
        if local.time() != NaiveTime::MIN {
            return Err(unsupported(
                record,
                "starttime",
                format!(
                    "{} is not a local midnight in {iana}: a dated rule is one whole day",
                    rfc3339(start)
                ),
            ));
        }
        whole_day(rule, record)?;
        let list = inner_hours(rule, record, cals, by_id, cache)?;
        let date = local.date_naive().to_string();
        if overrides.iter().any(|o: &Value| o["date"] == date.as_str()) {
            return Err(unsupported(
                record,
                "starttime",
                format!("{date} has its hours from another rule already"),
            ));
        }
        overrides.push(json!({"date": date, "hours": intervals_json(&list)}));
    }
    if hours.is_empty()
        && overrides
            .iter()
            .all(|o| o["hours"].as_array().is_none_or(Vec::is_empty))
    {
        return Err(unsupported(
            &cal.record,
            "calendar_calendar_rules",
            "no rule gives work hours: the calendar is never open",
        ));
    }
    let mut doc = Map::new();
    doc.insert("time_zone".into(), json!(iana));
    doc.insert("hours".into(), Value::Object(hours));
    if let Some(hid) = cal.holidays {
        let Some(&k) = by_id.get(hid) else {
            return Err(unsupported(
                &cal.record,
                "_holidayschedulecalendarid_value",
                format!("no calendar has the id {hid:?}: pass the holiday schedule's row too"),
            ));
        };
        let h = &cals[k];
        if h.kind != 2 {
            return Err(unsupported(
                &cal.record,
                "_holidayschedulecalendarid_value",
                format!(
                    "{} is of type {}, not a holiday schedule (2)",
                    h.record, h.kind
                ),
            ));
        }
        let list = match cache.holidays.get(&(k, iana)) {
            Some(list) => list.clone(),
            None => {
                let list = holidays(h, tz)?;
                cache.holidays.insert((k, iana), list.clone());
                list
            }
        };
        if list.is_empty() {
            warnings.push(Warning {
                record: cal.record.clone(),
                field: "_holidayschedulecalendarid_value".into(),
                message: format!(
                    "the holiday schedule {} has no rules: no holidays imported",
                    h.record
                ),
            });
        } else {
            doc.insert("holidays".into(), Value::Array(list));
        }
    }
    if !overrides.is_empty() {
        doc.insert("overrides".into(), Value::Array(overrides));
    }
    // Open all day every day, with no holiday or dated hours: the zone cannot matter, and the
    // document says it as the engine's round-the-clock calendar (which also answers "when does
    // it next close?" without searching to year 9999).
    let whole = json!(["00:00-24:00"]);
    if doc.len() == 2
        && doc["hours"]
            .as_object()
            .is_some_and(|h| h.len() == 7 && h.values().all(|d| *d == whole))
    {
        return Ok(json!({"always_open": true}));
    }
    Ok(Value::Object(doc))
}

/// A rule's `offset` and `duration` must cover one whole day.
fn whole_day(rule: &Map<String, Value>, record: &str) -> Result<()> {
    if let Some(o) = integer(rule, "offset", record, "offset")?
        && o != 0
    {
        return Err(unsupported(
            record,
            "offset",
            format!(
                "{o}: a schedule's day rule starts at midnight (offset 0); the hours are in its inner calendar"
            ),
        ));
    }
    if let Some(d) = integer(rule, "duration", record, "duration")?
        && d != 1440
    {
        return Err(unsupported(
            record,
            "duration",
            format!(
                "{d}: a schedule's day rule lasts the whole day (1440 minutes); the hours are in its inner calendar"
            ),
        ));
    }
    Ok(())
}

/// The weekdays (indexes into [`DAYS`]) of an RRULE `pattern`.
fn weekdays(pattern: &str, record: &str) -> Result<Vec<usize>> {
    let mut freq = None;
    let mut byday: Option<Vec<usize>> = None;
    for part in pattern.split(';').filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err(unsupported(
                record,
                "pattern",
                format!("{part:?} is not KEY=VALUE"),
            ));
        };
        match key {
            "FREQ" => freq = Some(value),
            "INTERVAL" if value == "1" => {}
            "INTERVAL" => {
                return Err(unsupported(
                    record,
                    "pattern",
                    format!("INTERVAL={value}: only every week (or day) has weekly hours"),
                ));
            }
            "BYDAY" => {
                let mut days = Vec::new();
                for d in value.split(',') {
                    let Some(k) = DAYS.iter().position(|(r, _)| *r == d) else {
                        return Err(unsupported(
                            record,
                            "pattern",
                            format!("BYDAY {d:?} is not one of MO TU WE TH FR SA SU"),
                        ));
                    };
                    if !days.contains(&k) {
                        days.push(k);
                    }
                }
                byday = Some(days);
            }
            other => {
                return Err(unsupported(
                    record,
                    "pattern",
                    format!(
                        "{other} has no equivalent in weekly hours; the importer reads FREQ, INTERVAL=1 and BYDAY"
                    ),
                ));
            }
        }
    }
    match (freq, byday) {
        (Some("WEEKLY"), Some(days)) => Ok(days),
        (Some("WEEKLY"), None) => Err(unsupported(record, "pattern", "FREQ=WEEKLY without BYDAY")),
        (Some("DAILY"), None) => Ok((0..7).collect()),
        (Some("DAILY"), Some(_)) => Err(unsupported(
            record,
            "pattern",
            "FREQ=DAILY with BYDAY: write FREQ=WEEKLY",
        )),
        (Some(f), _) => Err(unsupported(
            record,
            "pattern",
            format!("FREQ={f}: the importer reads WEEKLY and DAILY"),
        )),
        (None, _) => Err(unsupported(
            record,
            "pattern",
            format!("{pattern:?} has no FREQ"),
        )),
    }
}

/// The work hours of a day rule's inner calendar: available time (`timecode` 0) less breaks
/// (`timecode` 2), in minutes from midnight.
fn inner_hours(
    rule: &Map<String, Value>,
    record: &str,
    cals: &[Cal],
    by_id: &HashMap<&str, usize>,
    cache: &mut Cache,
) -> Result<Vec<(u32, u32)>> {
    let Some(inner) = lookup(rule, "innercalendarid", record)? else {
        return Err(unsupported(
            record,
            "_innercalendarid_value",
            "missing: a schedule's day rule names the inner calendar that holds its hours",
        ));
    };
    let Some(&k) = by_id.get(inner) else {
        return Err(unsupported(
            record,
            "_innercalendarid_value",
            format!("no calendar has the id {inner:?}: pass the inner calendar's row too"),
        ));
    };
    if let Some(list) = cache.hours.get(&k) {
        return Ok(list.clone());
    }
    let list = day_hours(&cals[k])?;
    cache.hours.insert(k, list.clone());
    Ok(list)
}

/// What has been read once: an inner calendar's hours (by index), a holiday schedule's holidays
/// (by index and zone). Many rules and schedules may name one of them.
#[derive(Default)]
struct Cache {
    hours: HashMap<usize, Vec<(u32, u32)>>,
    holidays: HashMap<(usize, &'static str), Vec<Value>>,
}

/// An inner calendar's work hours.
fn day_hours(inner: &Cal) -> Result<Vec<(u32, u32)>> {
    let mut open = [false; 1440];
    let mut closed = [false; 1440];
    for (r, m) in &inner.rules {
        if lookup(m, "innercalendarid", r)?.is_some() {
            return Err(unsupported(
                r,
                "_innercalendarid_value",
                "an inner calendar's rule names another inner calendar; the importer reads one level",
            ));
        }
        let timecode = integer(m, "timecode", r, "timecode")?
            .ok_or_else(|| unsupported(r, "timecode", "missing"))?;
        let subcode = integer(m, "subcode", r, "subcode")?;
        let target = match (timecode, subcode) {
            (0, None | Some(0) | Some(1)) => &mut open,
            (2, None | Some(0) | Some(4)) => &mut closed,
            (0 | 2, Some(s)) => {
                return Err(unsupported(
                    r,
                    "subcode",
                    format!(
                        "subcode {s} in work hours: the importer reads 0 or 1 (available) and 4 (break)"
                    ),
                ));
            }
            (t, _) => {
                return Err(unsupported(
                    r,
                    "timecode",
                    format!(
                        "timecode {t}: work hours are 0 (available) and 2 (unavailable); 1 (busy) and 3 (filter) are for resources"
                    ),
                ));
            }
        };
        let offset = integer(m, "offset", r, "offset")?
            .ok_or_else(|| unsupported(r, "offset", "missing"))?;
        let duration = integer(m, "duration", r, "duration")?
            .ok_or_else(|| unsupported(r, "duration", "missing"))?;
        if !(0..1440).contains(&offset) {
            return Err(unsupported(
                r,
                "offset",
                format!("{offset} minutes is not within a day (0 to 1439)"),
            ));
        }
        if duration <= 0 || offset + duration > 1440 {
            return Err(unsupported(
                r,
                "duration",
                format!(
                    "{duration} minutes from offset {offset} does not end within the day (by 1440)"
                ),
            ));
        }
        for slot in &mut target[offset as usize..(offset + duration) as usize] {
            *slot = true;
        }
    }
    let mut list = Vec::new();
    let mut start = None;
    for m in 0..=1440usize {
        let on = m < 1440 && open[m] && !closed[m];
        match (on, start) {
            (true, None) => start = Some(m as u32),
            (false, Some(s)) => {
                list.push((s, m as u32));
                start = None;
            }
            _ => {}
        }
    }
    Ok(list)
}

fn intervals_json(list: &[(u32, u32)]) -> Value {
    Value::Array(
        list.iter()
            .map(|&(a, b)| json!(format!("{}-{}", clock(a), clock(b))))
            .collect(),
    )
}

fn clock(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// A holiday schedule's rules as document holidays in the zone of the schedule that uses it.
fn holidays(h: &Cal, tz: chrono_tz::Tz) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(h.rules.len());
    for (record, rule) in &h.rules {
        if let Some(t) = integer(rule, "timecode", record, "timecode")?
            && t != 2
        {
            return Err(unsupported(
                record,
                "timecode",
                format!("timecode {t} in a holiday schedule: a holiday is unavailable time (2)"),
            ));
        }
        let start = match instant(rule, record, "starttime")? {
            Some(s) => s,
            None => instant(rule, record, "effectiveintervalstart")?
                .ok_or_else(|| unsupported(record, "starttime", "missing"))?,
        };
        let end = match integer(rule, "duration", record, "duration")? {
            Some(d) if d <= 0 || d > 366 * 1440 => {
                return Err(unsupported(
                    record,
                    "duration",
                    format!("{d} minutes: a holiday lasts 1 minute to 366 days"),
                ));
            }
            Some(d) => start
                .checked_add_signed(chrono::TimeDelta::minutes(d))
                .filter(|e| e.year() <= 9999)
                .ok_or_else(|| {
                    unsupported(
                        record,
                        "duration",
                        format!("{d} minutes from starttime ends after year 9999"),
                    )
                })?,
            None => instant(rule, record, "effectiveintervalend")?
                .ok_or_else(|| unsupported(record, "duration", "missing"))?,
        };
        if end <= start {
            return Err(unsupported(
                record,
                "effectiveintervalend",
                "the holiday ends before it starts",
            ));
        }
        let (a, b) = (start.with_timezone(&tz), end.with_timezone(&tz));
        let mut doc = Map::new();
        if let Some(name) = text(rule, "name").filter(|n| !n.trim().is_empty()) {
            doc.insert("name".into(), json!(name));
        }
        let first = a.date_naive();
        if a.time() == NaiveTime::MIN && b.time() == NaiveTime::MIN {
            let last = b.date_naive().pred_opt().unwrap_or(first);
            if last == first {
                doc.insert("date".into(), json!(first.to_string()));
            } else {
                doc.insert("from".into(), json!(first.to_string()));
                doc.insert("to".into(), json!(last.to_string()));
            }
        } else if b.date_naive() == first
            || (b.time() == NaiveTime::MIN && b.date_naive() == first.succ_opt().unwrap_or(first))
        {
            let minutes = |t: NaiveTime| t.hour() * 60 + t.minute();
            let to = if b.date_naive() == first {
                minutes(b.time())
            } else {
                1440
            };
            doc.insert("date".into(), json!(first.to_string()));
            doc.insert(
                "hours".into(),
                json!(format!("{}-{}", clock(minutes(a.time())), clock(to))),
            );
        } else {
            return Err(unsupported(
                record,
                "starttime",
                format!(
                    "{} to {}: a holiday of part of a day that runs into another day has no equivalent",
                    rfc3339(start),
                    rfc3339(end)
                ),
            ));
        }
        out.push(Value::Object(doc));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// SLAs

/// Processes from `sla` rows: one per SLA (id: `slaid`, name: `name`), one milestone per SLA
/// item (`slaitem`, named after its `name`), with the item's `failureafter` as the target and
/// `warnafter` as a warning trigger.
///
/// `sla_items` are the `slaitems` rows (matched by `_slaid_value`; an SLA may also carry them
/// expanded as `slaitem_slaid`); `kpis` the `msdyn_slakpis` rows the items name by
/// `_msdyn_slakpiid_value`. An item's `applicablewhenxml` (a FetchXML `<filter>`) becomes the
/// milestone's `when`, less the conditions of the earlier items of the same KPI (Dynamics applies
/// the first matching item, by `sequencenumber`); its `successconditionsxml` the events that
/// complete it (`statecode` 1, resolved: `solved`; 2, cancelled: `closed`; `firstresponsesent`:
/// `agent_reply`). Targets count on the SLA's business hours (`_businesshoursid_value`, the
/// calendar's name from its `FormattedValue` annotation or from the `calendars` option), or on
/// [`ROUND_THE_CLOCK`]. With `allowpauseresume`, the milestones pause in the incident status
/// reasons (`statuscode`) that the `pause_statuses` option lists (the service configuration's).
///
/// `options`: `calendars` (the `calendar` rows), `pause_statuses` (a list of `statuscode`
/// integers).
///
/// ```
/// use entitlement_core::import::dynamics;
/// use serde_json::json;
///
/// let imported = dynamics::slas(
///     &json!({"value": [{"slaid": "s1", "name": "Standard", "applicablefrom": "createdon",
///                        "primaryentityotc": 112, "_businesshoursid_value": null}]}),
///     Some(&json!([{"slaitemid": "i1", "_slaid_value": "s1", "name": "Resolve in 8h",
///                   "_msdyn_slakpiid_value": "k1", "failureafter": 480, "warnafter": 360,
///                   "successconditionsxml": "<filter type=\"and\"><condition attribute=\"statecode\" operator=\"eq\" value=\"1\" /></filter>"}])),
///     Some(&json!([{"msdyn_slakpiid": "k1", "msdyn_name": "Resolve By KPI"}])),
///     None)?;
/// let m = &imported.document["processes"][0]["milestones"][0];
/// assert_eq!(m["target"], "480m");
/// assert_eq!(m["completes_on"], json!(["solved"]));
/// assert_eq!(m["triggers"], json!([{"at": "-120m", "level": "warning"}]));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn slas(
    slas: &Value,
    sla_items: Option<&Value>,
    kpis: Option<&Value>,
    options: Option<&Value>,
) -> Result<Import> {
    let opts = self::options(options, &["calendars", "pause_statuses"])?;
    let pause_statuses: Option<Vec<Value>> = match opts.and_then(|o| o.get("pause_statuses")) {
        None | Some(Value::Null) => None,
        Some(Value::Array(list)) => {
            let mut out = Vec::with_capacity(list.len());
            for (i, v) in list.iter().enumerate() {
                let Some(n) = v.as_i64() else {
                    return Err(unsupported(
                        "options",
                        &index_path("pause_statuses", i),
                        "expected a statuscode, a whole number",
                    ));
                };
                out.push(json!(n.to_string()));
            }
            Some(out)
        }
        Some(other) => {
            return Err(unsupported(
                "options",
                "pause_statuses",
                format!(
                    "expected a list of statuscode values, found {}",
                    type_name(other)
                ),
            ));
        }
    };
    let mut calendar_names: HashMap<&str, &str> = HashMap::new();
    if let Some(c) = opts.and_then(|o| o.get("calendars")) {
        for (i, row) in rows(c, "calendars")?.into_iter().enumerate() {
            let map = object(row, &format!("calendars[{i}]"), "(record)")?;
            if let (Some(id), Some(name)) = (text(map, "calendarid"), text(map, "name")) {
                calendar_names.insert(id, name);
            }
        }
    }
    let mut kpi_rows: HashMap<&str, (String, &Map<String, Value>)> = HashMap::new();
    if let Some(k) = kpis {
        for (i, row) in rows(k, "kpis")?.into_iter().enumerate() {
            let label = format!("kpis[{i}]");
            let map = object(row, &label, "(record)")?;
            let id = required_str(map, &label, "msdyn_slakpiid")?;
            let record = record_label("SLA KPI", Some(id), text(map, "msdyn_name"));
            if kpi_rows.insert(id, (record.clone(), map)).is_some() {
                return Err(unsupported(
                    &record,
                    "msdyn_slakpiid",
                    "a second KPI with this id",
                ));
            }
        }
    }
    let list = rows(slas, "slas")?;
    let mut read: Vec<Parent> = Vec::with_capacity(list.len());
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, row) in list.iter().enumerate() {
        let label = format!("slas[{i}]");
        let map = object(row, &label, "(record)")?;
        let id = required_str(map, &label, "slaid")?;
        let record = record_label("SLA", Some(id), text(map, "name"));
        let mut items = Vec::new();
        if let Some(v) = map.get("slaitem_slaid").filter(|v| !v.is_null()) {
            for (j, r) in rows(v, &record)?.into_iter().enumerate() {
                let field = index_path("slaitem_slaid", j);
                let m = object(r, &record, &field)?;
                items.push((item_label(m, &format!("{record}, {field}")), m));
            }
        }
        if by_id.insert(id, read.len()).is_some() {
            return Err(unsupported(&record, "slaid", "a second SLA with this id"));
        }
        read.push((record, id, map, items));
    }
    if let Some(items) = sla_items {
        for (j, r) in rows(items, "sla_items")?.into_iter().enumerate() {
            let label = format!("sla_items[{j}]");
            let m = object(r, &label, "(record)")?;
            let record = item_label(m, &label);
            let Some(owner) = lookup(m, "slaid", &record)? else {
                return Err(unsupported(&record, "_slaid_value", "missing"));
            };
            let Some(&k) = by_id.get(owner) else {
                return Err(unsupported(
                    &record,
                    "_slaid_value",
                    format!("no SLA has the id {owner:?}"),
                ));
            };
            read[k].3.push((record, m));
        }
    }

    let mut warnings = Vec::new();
    let mut round_the_clock = false;
    let mut processes = Vec::with_capacity(read.len());
    for (record, id, map, mut items) in read {
        let name = required_str(map, &record, "name")?;
        if let Some(otc) = integer(map, "primaryentityotc", &record, "primaryentityotc")?
            && otc != 112
        {
            return Err(unsupported(
                &record,
                "primaryentityotc",
                format!("{otc}: the importer reads SLAs of cases (incident, 112)"),
            ));
        }
        if let Some(state) = integer(map, "statecode", &record, "statecode")?
            && state != 1
        {
            warnings.push(Warning {
                record: record.clone(),
                field: "statecode".into(),
                message: format!("the SLA is not active (statecode {state}): imported as written, though Dynamics applies it to no case"),
            });
        }
        applicable_from(map, &record, "applicablefrom")?;
        let calendar = match lookup(map, "businesshoursid", &record)? {
            None => {
                round_the_clock = true;
                ROUND_THE_CLOCK.to_string()
            }
            Some(cid) => {
                let annotated = text(map, &format!("_businesshoursid_value{FORMATTED}"));
                match annotated.or_else(|| calendar_names.get(cid).copied()) {
                    Some(n) => n.to_string(),
                    None => {
                        return Err(unsupported(
                            &record,
                            "_businesshoursid_value",
                            format!(
                                "the calendar {cid:?} has no name here: ask for FormattedValue annotations, or pass the calendar rows as the option `calendars`"
                            ),
                        ));
                    }
                }
            }
        };
        let pauses = boolean(map, &record, "allowpauseresume")?.unwrap_or(false);
        if pauses && pause_statuses.is_none() {
            warnings.push(Warning {
                record: record.clone(),
                field: "allowpauseresume".into(),
                message: "the SLA pauses, but no `pause_statuses` option gives the service configuration's status reasons: its milestones never pause".into(),
            });
        }
        items.sort_by_key(|(_, m)| {
            m.get("sequencenumber")
                .and_then(Value::as_i64)
                .unwrap_or(i64::MAX)
        });
        let mut milestones = Vec::with_capacity(items.len());
        let mut earlier: HashMap<String, Vec<Value>> = HashMap::new();
        let mut catch_all: HashMap<String, String> = HashMap::new();
        let mut names: BTreeSet<&str> = BTreeSet::new();
        for (irec, m) in &items {
            let iname = required_str(m, irec, "name")?;
            if !names.insert(iname) {
                return Err(unsupported(
                    irec,
                    "name",
                    format!("a second item named {iname:?} in the SLA"),
                ));
            }
            let kpi = item_kpi(m, irec, kpis.is_some(), &kpi_rows)?;
            if let Some(first) = catch_all.get(&kpi) {
                // Dynamics applies the first matching item: after one without conditions, none.
                warnings.push(Warning {
                    record: irec.clone(),
                    field: "sequencenumber".into(),
                    message: format!("{first} comes first for the KPI {kpi:?} and applies to every case: this item never applies and is left out"),
                });
                continue;
            }
            if let Some(xml) = optional_str(m, irec, "msdyn_pauseconfigurationxml")? {
                return Err(unsupported(
                    irec,
                    "msdyn_pauseconfigurationxml",
                    format!(
                        "an item's own pause settings ({} bytes) are not read: pause by the `pause_statuses` option, for the whole SLA",
                        xml.len()
                    ),
                ));
            }
            let failure = integer(m, "failureafter", irec, "failureafter")?
                .ok_or_else(|| unsupported(irec, "failureafter", "missing"))?;
            if !(1..=MAX_TARGET_MINUTES).contains(&failure) {
                return Err(unsupported(
                    irec,
                    "failureafter",
                    format!("{failure} minutes: a target is 1 to {MAX_TARGET_MINUTES} minutes"),
                ));
            }
            let mut milestone = Map::new();
            milestone.insert("name".into(), json!(iname));
            milestone.insert("kind".into(), json!("custom"));
            milestone.insert("starts_on".into(), json!(["created"]));
            let completes = match optional_str(m, irec, "successconditionsxml")? {
                Some(xml) => {
                    success_events(&conditions::parse(xml, irec, "successconditionsxml")?, irec)?
                }
                None => {
                    return Err(unsupported(
                        irec,
                        "successconditionsxml",
                        "missing: an item without success conditions never completes",
                    ));
                }
            };
            milestone.insert("completes_on".into(), json!(completes));
            let own = match optional_str(m, irec, "applicablewhenxml")? {
                Some(xml) => conditions::parse(xml, irec, "applicablewhenxml")?
                    .criteria(irec, "applicablewhenxml")?,
                None => None,
            };
            let before = earlier.entry(kpi.clone()).or_default();
            let mut parts: Vec<Value> = own.iter().cloned().collect();
            if !before.is_empty() {
                let not = if before.len() == 1 {
                    before[0].clone()
                } else {
                    json!({"any": before.clone()})
                };
                parts.push(json!({"not": not}));
            }
            let size: usize = parts.iter().map(conditions::size).sum::<usize>() + 1;
            if size > MAX_CONDITIONS {
                return Err(unsupported(
                    irec,
                    "applicablewhenxml",
                    format!(
                        "with the conditions of the earlier items of its KPI (which it must not match, as Dynamics applies the first that does), the criteria hold {size} conditions; at most {MAX_CONDITIONS}"
                    ),
                ));
            }
            match parts.len() {
                0 => {}
                1 => {
                    milestone.insert("when".into(), parts.remove(0));
                }
                _ => {
                    milestone.insert("when".into(), json!({"all": parts}));
                }
            }
            match own {
                Some(c) => before.push(c),
                None => {
                    catch_all.insert(kpi.clone(), irec.clone());
                }
            }
            milestone.insert("target".into(), json!(format!("{failure}m")));
            milestone.insert("calendar".into(), json!(calendar));
            let pause = if pauses {
                pause_statuses.clone().unwrap_or_default()
            } else {
                Vec::new()
            };
            milestone.insert("pause_statuses".into(), Value::Array(pause));
            if let Some(warn) = integer(m, "warnafter", irec, "warnafter")? {
                if !(0..=failure).contains(&warn) {
                    return Err(unsupported(
                        irec,
                        "warnafter",
                        format!(
                            "{warn} minutes: a warning comes 0 to failureafter ({failure}) minutes after the start"
                        ),
                    ));
                }
                let at = if warn == failure {
                    "100%".to_string()
                } else {
                    format!("-{}m", failure - warn)
                };
                milestone.insert("triggers".into(), json!([{"at": at, "level": "warning"}]));
            }
            milestones.push(Value::Object(milestone));
        }
        processes
            .push(json!({"id": id, "name": name, "exit_statuses": [], "milestones": milestones}));
    }
    let mut document = Map::new();
    if round_the_clock {
        document.insert(
            "calendars".into(),
            json!({ ROUND_THE_CLOCK: {"always_open": true} }),
        );
    }
    document.insert("processes".into(), Value::Array(processes));
    Ok(Import {
        document: Value::Object(document),
        warnings,
    })
}

fn item_label(m: &Map<String, Value>, fallback: &str) -> String {
    match (text(m, "slaitemid"), text(m, "name")) {
        (None, None) => fallback.to_string(),
        (id, name) => record_label("SLA item", id, name),
    }
}

/// `applicablefrom`: the case field the clock starts from; the importer reads `createdon`.
fn applicable_from(map: &Map<String, Value>, record: &str, field: &str) -> Result<()> {
    match optional_str(map, record, field)? {
        None | Some("createdon") => Ok(()),
        Some(other) => Err(unsupported(
            record,
            field,
            format!(
                "{other:?}: the importer starts the clock at the case's creation (createdon); another date field has no event in the case"
            ),
        )),
    }
}

/// The KPI an item measures, by name: `_msdyn_slakpiid_value`, else the standard SLA's
/// `relatedfield`.
fn item_kpi(
    m: &Map<String, Value>,
    record: &str,
    kpis_given: bool,
    kpis: &HashMap<&str, (String, &Map<String, Value>)>,
) -> Result<String> {
    if let Some(kid) = lookup(m, "msdyn_slakpiid", record)? {
        if !kpis_given {
            return Err(unsupported(
                record,
                "_msdyn_slakpiid_value",
                "the item names a KPI: pass the msdyn_slakpis rows",
            ));
        }
        let Some((krec, k)) = kpis.get(kid) else {
            return Err(unsupported(
                record,
                "_msdyn_slakpiid_value",
                format!("no KPI has the id {kid:?}"),
            ));
        };
        if let Some(e) = optional_str(k, krec, "msdyn_entityname")?
            && e != "incident"
        {
            return Err(unsupported(
                krec,
                "msdyn_entityname",
                format!("{e:?}: the importer reads KPIs of cases (incident)"),
            ));
        }
        applicable_from(k, krec, "msdyn_applicablefrom")?;
        return Ok(required_str(k, krec, "msdyn_name")?.to_string());
    }
    match optional_str(m, record, "relatedfield")? {
        Some(f) => Ok(f.to_string()),
        None => Err(unsupported(
            record,
            "_msdyn_slakpiid_value",
            "missing: say which KPI the item measures",
        )),
    }
}

/// The events that complete a milestone whose success conditions are `cond`.
fn success_events(cond: &Cond, record: &str) -> Result<Vec<&'static str>> {
    fn alternatives<'c>(cond: &'c Cond, record: &str, out: &mut Vec<&'c Cond>) -> Result<()> {
        match cond {
            Cond::Leaf { .. } => out.push(cond),
            Cond::Any(list) => {
                for c in list {
                    alternatives(c, record, out)?;
                }
            }
            Cond::All(list) if list.len() == 1 => alternatives(&list[0], record, out)?,
            Cond::All(_) => {
                return Err(unsupported(
                    record,
                    "successconditionsxml",
                    "several conditions that must all hold: the importer maps one condition, or alternatives (`or`)",
                ));
            }
        }
        Ok(())
    }
    let mut leaves = Vec::new();
    alternatives(cond, record, &mut leaves)?;
    if leaves.is_empty() {
        return Err(unsupported(
            record,
            "successconditionsxml",
            "an empty filter: the item never succeeds",
        ));
    }
    let mut out = Vec::new();
    for leaf in leaves {
        let Cond::Leaf {
            attribute,
            operator,
            values,
        } = leaf
        else {
            return Err(unsupported(
                record,
                "successconditionsxml",
                "a nested filter in the success conditions",
            ));
        };
        let truthy = |v: &str| matches!(v, "1" | "true" | "True");
        let events: Vec<&'static str> = match (attribute.as_str(), operator.as_str()) {
            ("statecode", "eq" | "in") => {
                let mut ev = Vec::new();
                for v in values {
                    match v.as_str() {
                        "1" => ev.push("solved"),
                        "2" => ev.push("closed"),
                        other => {
                            return Err(unsupported(
                                record,
                                "successconditionsxml",
                                format!(
                                    "statecode {other}: a case succeeds when resolved (1) or cancelled (2)"
                                ),
                            ));
                        }
                    }
                }
                ev
            }
            ("firstresponsesent", "eq") if values.len() == 1 && truthy(&values[0]) => {
                vec!["agent_reply"]
            }
            (a, o) => {
                return Err(unsupported(
                    record,
                    "successconditionsxml",
                    format!(
                        "{a} {o} has no event in the case; the importer maps statecode (resolved, cancelled) and firstresponsesent"
                    ),
                ));
            }
        };
        for e in events {
            if !out.contains(&e) {
                out.push(e);
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Entitlements

/// Entitlements from `entitlement` rows (id: `entitlementid`, name: `name`), with allowances from
/// their terms.
///
/// The process is the SLA (`_slaid_value`; [`NO_SLA`], which the fragment defines, without one);
/// the account is `_customerid_value` (and its FormattedValue as the name); `startdate` and
/// `enddate` are the dates. An allocation in cases (`allocationtypecode` 0) with `totalterms` is
/// the per-incident allowance; each `entitlementchannel` row (`channels`, matched by
/// `_entitlementid_value`, or expanded as `entitlement_entitlementchannel_EntitlementId`) with
/// `totalterms` a term quota on the cases of that origin (`caseorigincode` = its `channel`).
/// Allocations in hours (1) are refused: the engine counts cases.
///
/// ```
/// use entitlement_core::import::dynamics;
/// use serde_json::json;
///
/// let imported = dynamics::entitlements(
///     &json!([{"entitlementid": "e1", "name": "Acme", "_slaid_value": "s1",
///              "startdate": "2026-01-01", "enddate": "2026-12-31",
///              "allocationtypecode": 0, "totalterms": 20}]),
///     Some(&json!([{"_entitlementid_value": "e1", "channel": 1, "totalterms": 5}])),
///     None)?;
/// let e = &imported.document["entitlements"][0];
/// assert_eq!(e["cases_per_entitlement"], 20);
/// assert_eq!(e["quotas"][0]["where"], json!({"field": "caseorigincode", "op": "eq", "value": 1}));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn entitlements(
    entitlements: &Value,
    channels: Option<&Value>,
    options: Option<&Value>,
) -> Result<Import> {
    self::options(options, &[])?;
    let list = rows(entitlements, "entitlements")?;
    let mut read: Vec<Parent> = Vec::with_capacity(list.len());
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, row) in list.iter().enumerate() {
        let label = format!("entitlements[{i}]");
        let map = object(row, &label, "(record)")?;
        let id = required_str(map, &label, "entitlementid")?;
        let record = record_label("Entitlement", Some(id), text(map, "name"));
        let mut own = Vec::new();
        let key = "entitlement_entitlementchannel_EntitlementId";
        if let Some(v) = map.get(key).filter(|v| !v.is_null()) {
            for (j, r) in rows(v, &record)?.into_iter().enumerate() {
                let field = index_path(key, j);
                own.push((format!("{record}, {field}"), object(r, &record, &field)?));
            }
        }
        if by_id.insert(id, read.len()).is_some() {
            return Err(unsupported(
                &record,
                "entitlementid",
                "a second entitlement with this id",
            ));
        }
        read.push((record, id, map, own));
    }
    if let Some(c) = channels {
        for (j, r) in rows(c, "channels")?.into_iter().enumerate() {
            let label = format!("channels[{j}]");
            let m = object(r, &label, "(record)")?;
            let Some(owner) = lookup(m, "entitlementid", &label)? else {
                return Err(unsupported(&label, "_entitlementid_value", "missing"));
            };
            let Some(&k) = by_id.get(owner) else {
                return Err(unsupported(
                    &label,
                    "_entitlementid_value",
                    format!("no entitlement has the id {owner:?}"),
                ));
            };
            let record = format!("{}, {label}", read[k].0);
            read[k].3.push((record, m));
        }
    }
    let mut warnings = Vec::new();
    let mut uses_no_sla = false;
    let mut out = Vec::with_capacity(read.len());
    for (record, id, map, chans) in read {
        let mut doc = Map::new();
        doc.insert("id".into(), json!(id));
        if let Some(n) = optional_str(map, &record, "name")? {
            doc.insert("name".into(), json!(n));
        }
        match lookup(map, "slaid", &record)? {
            Some(sla) => {
                doc.insert("process".into(), json!(sla));
            }
            None => {
                uses_no_sla = true;
                doc.insert("process".into(), json!(NO_SLA));
            }
        }
        if let Some(customer) = lookup(map, "customerid", &record)? {
            let mut account = Map::new();
            account.insert("id".into(), json!(customer));
            if let Some(n) = text(map, &format!("_customerid_value{FORMATTED}")) {
                account.insert("name".into(), json!(n));
            }
            doc.insert("account".into(), Value::Object(account));
        }
        let start = date_only(map, &record, "startdate")?;
        let end = date_only(map, &record, "enddate")?;
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            return Err(unsupported(
                &record,
                "enddate",
                format!("{e} is before startdate {s}"),
            ));
        }
        for (key, d) in [("start_date", start), ("end_date", end)] {
            if let Some(d) = d {
                doc.insert(key.into(), json!(d.to_string()));
            }
        }
        if let Some(state) = integer(map, "statecode", &record, "statecode")?
            && state != 1
        {
            warnings.push(Warning {
                record: record.clone(),
                field: "statecode".into(),
                message: format!("the entitlement is not active in Dynamics (statecode {state}); its dates still decide coverage here"),
            });
        }
        let allocation = integer(map, "allocationtypecode", &record, "allocationtypecode")?;
        if allocation == Some(1) {
            return Err(unsupported(
                &record,
                "allocationtypecode",
                "1 (number of hours): the engine's allowances count cases, not hours",
            ));
        }
        if let Some(a) = allocation.filter(|a| *a != 0) {
            return Err(unsupported(
                &record,
                "allocationtypecode",
                format!("{a}: expected 0 (number of cases) or 1 (number of hours)"),
            ));
        }
        if integer(map, "decreaseremainingon", &record, "decreaseremainingon")? == Some(1) {
            warnings.push(Warning {
                record: record.clone(),
                field: "decreaseremainingon".into(),
                message: "Dynamics counts a case against the terms when it is resolved; the engine counts it when it is created".into(),
            });
        }
        if let Some(total) = terms(map, &record, "totalterms")? {
            doc.insert("cases_per_entitlement".into(), json!(total));
            if let Some(left) = terms(map, &record, "remainingterms")?
                && left != total
            {
                warnings.push(Warning {
                    record: record.clone(),
                    field: "remainingterms".into(),
                    message: format!("Dynamics counts {left} of {total} cases remaining; the engine counts the cases it is given"),
                });
            }
        }
        let mut quotas = Vec::new();
        let mut seen = BTreeSet::new();
        for (crec, c) in &chans {
            let channel = integer(c, "channel", crec, "channel")?
                .ok_or_else(|| unsupported(crec, "channel", "missing"))?;
            if !seen.insert(channel) {
                return Err(unsupported(
                    crec,
                    "channel",
                    format!("a second row for channel {channel}"),
                ));
            }
            let Some(total) = terms(c, crec, "totalterms")? else {
                continue;
            };
            if start.is_none() || end.is_none() {
                return Err(unsupported(
                    crec,
                    "totalterms",
                    "a channel's terms count over the entitlement's term: the entitlement needs startdate and enddate",
                ));
            }
            quotas.push(json!({"period": "term", "max_cases": total,
                               "where": {"field": "caseorigincode", "op": "eq", "value": channel}}));
        }
        if !quotas.is_empty() {
            doc.insert("quotas".into(), Value::Array(quotas));
        }
        out.push(Value::Object(doc));
    }
    let mut document = Map::new();
    if uses_no_sla {
        document.insert(
            "processes".into(),
            json!([{"id": NO_SLA, "name": "No SLA", "milestones": []}]),
        );
    }
    document.insert("entitlements".into(), Value::Array(out));
    Ok(Import {
        document: Value::Object(document),
        warnings,
    })
}

/// A terms count: a whole number 0 to 4,294,967,295 (Dynamics stores a decimal; a fraction is
/// refused).
fn terms(map: &Map<String, Value>, record: &str, field: &str) -> Result<Option<u32>> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&f) {
                return Err(unsupported(
                    record,
                    field,
                    format!("{n}: expected a whole number of cases"),
                ));
            }
            Ok(Some(f as u32))
        }
        Some(v) => Err(unsupported(
            record,
            field,
            format!("expected a number, found {}", type_name(v)),
        )),
    }
}

/// A date: `YYYY-MM-DD`, or the date part of an Edm.DateTimeOffset as written.
fn date_only(map: &Map<String, Value>, record: &str, field: &str) -> Result<Option<NaiveDate>> {
    let Some(s) = optional_str(map, record, field)? else {
        return Ok(None);
    };
    let day = s.get(..10).unwrap_or(s);
    let rest = s.get(10..).unwrap_or("");
    match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        Ok(d)
            if day.len() == 10
                && (rest.is_empty() || rest.starts_with('T'))
                && (1..=9999).contains(&d.year()) =>
        {
            Ok(Some(d))
        }
        _ => Err(unsupported(
            record,
            field,
            format!("{s:?} is not a date (YYYY-MM-DD, or a date and time)"),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Cases

/// Cases from `incident` rows: id `incidentid`, entitlement `_entitlementid_value`, created at
/// `createdon`; the fields are the row's scalar columns (annotations left out), with `status`
/// the status reason (`statuscode`) written as text, as the SLAs' pause statuses are.
///
/// `options`: `audits` (the `audits` rows of the incidents: `_objectid_value`, `createdon`,
/// `action` 2 (update), `changedata` `{"changedAttributes": [{"logicalName", "oldValue",
/// "newValue"}]}`). A change of `statuscode` is a `status` event; of `statecode` to 1 `solved`,
/// to 2 `closed`, back to 0 `reopened`; of `firstresponsesent` to true `agent_reply`; of any
/// other column a `field` event. A resolved or cancelled case without such an audit is
/// `solved` / `closed` at its `modifiedon`, with a warning.
///
/// ```
/// use entitlement_core::import::dynamics;
/// use serde_json::json;
///
/// let imported = dynamics::cases(
///     &json!({"value": [{"incidentid": "c1", "ticketnumber": "CAS-1", "createdon": "2026-03-02T14:00:00Z",
///                        "statecode": 0, "statuscode": 1, "prioritycode": 1}]}),
///     Some(&json!({"audits": [{"auditid": "a1", "_objectid_value": "c1", "action": 2,
///         "createdon": "2026-03-02T15:00:00Z",
///         "changedata": "{\"changedAttributes\":[{\"logicalName\":\"firstresponsesent\",\"oldValue\":\"False\",\"newValue\":\"True\"}]}"}]})))?;
/// let case = &imported.document["cases"][0];
/// assert_eq!(case["fields"]["status"], "1");
/// assert_eq!(case["events"][0]["type"], "agent_reply");
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn cases(incidents: &Value, options: Option<&Value>) -> Result<Import> {
    let opts = self::options(options, &["audits"])?;
    let list = rows(incidents, "incidents")?;
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut read = Vec::with_capacity(list.len());
    for (i, row) in list.iter().enumerate() {
        let label = format!("incidents[{i}]");
        let map = object(row, &label, "(record)")?;
        let id = required_str(map, &label, "incidentid")?;
        let record = record_label("Incident", Some(id), text(map, "ticketnumber"));
        if by_id.insert(id, read.len()).is_some() {
            return Err(unsupported(
                &record,
                "incidentid",
                "a second incident with this id",
            ));
        }
        read.push((record, id, map, Vec::new()));
    }
    if let Some(a) = opts.and_then(|o| o.get("audits")).filter(|v| !v.is_null()) {
        for (j, r) in rows(a, "audits")?.into_iter().enumerate() {
            let label = format!("audits[{j}]");
            let m = object(r, &label, "(record)")?;
            let record = record_label("Audit", text(m, "auditid"), None);
            let record = if text(m, "auditid").is_some() {
                record
            } else {
                label.clone()
            };
            let Some(owner) = lookup(m, "objectid", &record)? else {
                return Err(unsupported(&record, "_objectid_value", "missing"));
            };
            let Some(&k) = by_id.get(owner) else {
                // Audits of other records (or of incidents not given) are not this import's.
                continue;
            };
            let at = instant(m, &record, "createdon")?
                .ok_or_else(|| unsupported(&record, "createdon", "missing"))?;
            match integer(m, "action", &record, "action")? {
                Some(2) | None => {}
                Some(_) => continue,
            }
            read[k].3.push((record, at, m));
        }
    }
    let mut warnings = Vec::new();
    let mut out = Vec::with_capacity(read.len());
    for (record, id, map, mut audits) in read {
        let created = instant(map, &record, "createdon")?
            .ok_or_else(|| unsupported(&record, "createdon", "missing"))?;
        let mut fields = Map::new();
        for (k, v) in map {
            if k.contains('@') || k == "incidentid" {
                continue;
            }
            if matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_)) {
                fields.insert(k.clone(), v.clone());
            }
        }
        let status = match map.get("statuscode") {
            Some(Value::Number(n)) => Some(n.to_string()),
            None | Some(Value::Null) => None,
            Some(v) => {
                return Err(unsupported(
                    &record,
                    "statuscode",
                    format!(
                        "expected a status reason (a whole number), found {}",
                        type_name(v)
                    ),
                ));
            }
        };
        if let Some(s) = &status {
            fields.insert("status".into(), json!(s));
        }
        audits.sort_by_key(|(_, at, _)| *at);
        let mut events = Vec::new();
        let mut state_seen = false;
        for (arec, at, m) in &audits {
            if *at < created {
                return Err(unsupported(
                    arec,
                    "createdon",
                    format!("{} is before the incident's createdon", rfc3339(*at)),
                ));
            }
            let changes = changed_attributes(m, arec)?;
            for (n, (name, old, new)) in changes.into_iter().enumerate() {
                let eid = format!("{}:{n}", text(m, "auditid").unwrap_or(arec));
                let when = rfc3339(*at);
                match name.as_str() {
                    "statuscode" => {
                        let mut e = json!({"at": when, "type": "status", "to": new.clone().unwrap_or_default(), "id": eid});
                        if let Some(o) = old {
                            e["from"] = json!(o);
                        }
                        events.push(e);
                    }
                    "statecode" => {
                        state_seen = true;
                        let ty = match (old.as_deref(), new.as_deref()) {
                            (_, Some("1")) => "solved",
                            (_, Some("2")) => "closed",
                            (Some("1" | "2"), Some("0")) => "reopened",
                            _ => continue,
                        };
                        events.push(json!({"at": when, "type": ty, "id": eid}));
                    }
                    "firstresponsesent" => {
                        if matches!(new.as_deref(), Some("True" | "true" | "1")) {
                            events.push(json!({"at": when, "type": "agent_reply", "id": eid}));
                        }
                    }
                    _ => {
                        let typed = |v: &Option<String>| -> Value {
                            match (v, map.get(&name)) {
                                (None, _) => Value::Null,
                                (Some(s), Some(Value::Number(_))) => s
                                    .parse::<i64>()
                                    .map(Value::from)
                                    .unwrap_or_else(|_| json!(s)),
                                (Some(s), Some(Value::Bool(_))) => match s.as_str() {
                                    "True" | "true" | "1" => json!(true),
                                    "False" | "false" | "0" => json!(false),
                                    _ => json!(s),
                                },
                                (Some(s), _) => json!(s),
                            }
                        };
                        events.push(json!({"at": when, "type": "field", "field": name, "to": typed(&new), "from": typed(&old), "id": eid}));
                    }
                }
            }
        }
        let state = integer(map, "statecode", &record, "statecode")?;
        if let Some(s @ (1 | 2)) = state
            && !state_seen
        {
            let at = instant(map, &record, "modifiedon")?.ok_or_else(|| {
                unsupported(&record, "modifiedon", "missing: a resolved or cancelled case without an audit of statecode needs its modifiedon")
            })?;
            if at < created {
                return Err(unsupported(
                    &record,
                    "modifiedon",
                    format!("{} is before createdon", rfc3339(at)),
                ));
            }
            let ty = if s == 1 { "solved" } else { "closed" };
            warnings.push(Warning {
                record: record.clone(),
                field: "statecode".into(),
                message: format!(
                    "no audit of statecode: the case is {ty} at its modifiedon ({})",
                    rfc3339(at)
                ),
            });
            events.push(json!({"at": rfc3339(at), "type": ty, "id": format!("{id}:statecode")}));
        }
        let mut case = Map::new();
        case.insert("id".into(), json!(id));
        if let Some(e) = lookup(map, "entitlementid", &record)? {
            case.insert("entitlement".into(), json!(e));
        }
        case.insert("created_at".into(), json!(rfc3339(created)));
        case.insert("fields".into(), Value::Object(fields));
        case.insert("events".into(), Value::Array(events));
        out.push(Value::Object(case));
    }
    Ok(Import {
        document: json!({ "cases": out }),
        warnings,
    })
}

/// An audit's changes: (column, old value, new value), values as the text Dynamics writes.
fn changed_attributes(m: &Map<String, Value>, record: &str) -> Result<Vec<Change>> {
    let parsed: Value;
    let data = match m.get("changedata") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(s)) => {
            parsed = serde_json::from_str(s).map_err(|e| {
                unsupported(
                    record,
                    "changedata",
                    format!("not JSON ({e}): expected {{\"changedAttributes\": [...]}}"),
                )
            })?;
            &parsed
        }
        Some(v) => v,
    };
    let list = match data.get("changedAttributes") {
        Some(Value::Array(list)) => list,
        _ => {
            return Err(unsupported(
                record,
                "changedata",
                "expected {\"changedAttributes\": [{\"logicalName\", \"oldValue\", \"newValue\"}]}",
            ));
        }
    };
    let mut out = Vec::with_capacity(list.len().min(1024));
    for (i, c) in list.iter().enumerate() {
        let field = format!("changedata.changedAttributes[{i}]");
        let c = object(c, record, &field)?;
        let name = c
            .get("logicalName")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| unsupported(record, &format!("{field}.logicalName"), "missing"))?;
        let value = |key: &str| -> Result<Option<String>> {
            match c.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.is_empty() => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(Value::Number(n)) => Ok(Some(n.to_string())),
                Some(Value::Bool(b)) => Ok(Some(if *b { "True" } else { "False" }.into())),
                Some(v) => Err(unsupported(
                    record,
                    &format!("{field}.{key}"),
                    format!("expected a value, found {}", type_name(v)),
                )),
            }
        };
        out.push((name.to_string(), value("oldValue")?, value("newValue")?));
    }
    Ok(out)
}
