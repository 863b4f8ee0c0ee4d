//! `BusinessHours` and `Holiday` records into calendars.

use std::str::FromStr;

use serde_json::{Map, Value, json};

use super::{label, query_records};
use crate::error::Result;
use crate::import::read::{
    boolean, date, integer, object, optional_date, optional_str, required_str, text,
};
use crate::import::{Import, Warning, unsupported};

/// The weekday field prefixes of a `BusinessHours` record with the document's day keys, in the
/// document's order.
const DAYS: [(&str, &str); 7] = [
    ("Monday", "mon"),
    ("Tuesday", "tue"),
    ("Wednesday", "wed"),
    ("Thursday", "thu"),
    ("Friday", "fri"),
    ("Saturday", "sat"),
    ("Sunday", "sun"),
];

/// `RecurrenceDayOfWeekMask` bits, Sunday = 1 to Saturday = 64, with the document's keys.
const MASK_DAYS: [(i64, &str); 7] = [
    (1, "sun"),
    (2, "mon"),
    (4, "tue"),
    (8, "wed"),
    (16, "thu"),
    (32, "fri"),
    (64, "sat"),
];

/// Salesforce's `RecurrenceMonthOfYear` picklist values, January first (the exporter writes them).
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const INSTANCES: [(&str, i64); 5] = [
    ("First", 1),
    ("Second", 2),
    ("Third", 3),
    ("Fourth", 4),
    ("Last", -1),
];

/// The recurrence fields of a `Holiday`, and the `RecurrenceType`s each applies to.
const RECURRENCE_FIELDS: [(&str, &[&str]); 5] = [
    (
        "RecurrenceInterval",
        &[
            "RecursDaily",
            "RecursWeekly",
            "RecursMonthly",
            "RecursMonthlyNth",
        ],
    ),
    (
        "RecurrenceDayOfWeekMask",
        &[
            "RecursEveryWeekday",
            "RecursWeekly",
            "RecursMonthlyNth",
            "RecursYearlyNth",
        ],
    ),
    ("RecurrenceDayOfMonth", &["RecursMonthly", "RecursYearly"]),
    (
        "RecurrenceInstance",
        &["RecursMonthlyNth", "RecursYearlyNth"],
    ),
    (
        "RecurrenceMonthOfYear",
        &["RecursYearly", "RecursYearlyNth"],
    ),
];

/// Calendars from Salesforce `BusinessHours` records, one per record, named after its `Name`,
/// with the holidays of their `Holiday` records.
///
/// `records` is a SOQL query result as the REST API returns it (`{"totalSize", "done",
/// "records": [...]}`, each record with its `attributes`), a list of such pages, a list of
/// records or one record, of
///
/// ```sql
/// SELECT Id, Name, IsActive, IsDefault, TimeZoneSidKey,
///        SundayStartTime, SundayEndTime, MondayStartTime, MondayEndTime, ... SaturdayEndTime
/// FROM BusinessHours
/// ```
///
/// Weekday times are wall times in the record's `TimeZoneSidKey` written `HH:mm:ss.SSSZ` (the
/// `Z` does not mean UTC); a `null` pair is a closed day, `00:00` to `00:00` a 24-hour day, and
/// an end of `00:00` is midnight. An inactive record (`IsActive: false`) is imported with a
/// warning.
///
/// `holidays` is the result of `SELECT Id, Name, IsAllDay, ActivityDate, StartTimeInMinutes,
/// EndTimeInMinutes, IsRecurrence, RecurrenceType, RecurrenceInterval, RecurrenceDayOfWeekMask,
/// RecurrenceDayOfMonth, RecurrenceInstance, RecurrenceMonthOfYear, RecurrenceStartDate,
/// RecurrenceEndDateOnly FROM Holiday`. The REST API does not say which business hours a holiday
/// is associated with, so a plain result applies to every record (with a warning when there are
/// several); a mapping from business-hours `Id` or `Name` to a result associates them as Setup
/// does. Timed holidays are wall times in each calendar's zone. Recurring holidays stay rules
/// (`recurs` / `yearly` with `starts` and `until`), so the calendar answers for any year.
///
/// ```
/// use entitlement_core::import::salesforce;
/// use serde_json::json;
///
/// let imported = salesforce::business_hours(
///     &json!([{"Id": "01m1", "Name": "London", "TimeZoneSidKey": "Europe/London",
///              "MondayStartTime": "00:00:00.000Z", "MondayEndTime": "00:00:00.000Z",
///              "TuesdayStartTime": "09:00:00.000Z", "TuesdayEndTime": "17:30:00.000Z"}]),
///     Some(&json!({"records": [{"Id": "0C01", "Name": "Late summer bank holiday",
///         "IsAllDay": true, "IsRecurrence": true, "RecurrenceType": "RecursYearlyNth",
///         "RecurrenceInstance": "Last", "RecurrenceDayOfWeekMask": 2,
///         "RecurrenceMonthOfYear": "August", "RecurrenceStartDate": "2020-08-31"}]})),
/// )?;
/// let london = &imported.document["calendars"]["London"];
/// assert_eq!(london["hours"], json!({"mon": ["00:00-24:00"], "tue": ["09:00-17:30"]}));
/// assert_eq!(london["holidays"][0]["yearly"], json!({"month": 8, "weekday": "mon", "nth": -1}));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn business_hours(records: &Value, holidays: Option<&Value>) -> Result<Import> {
    let mut warnings = Vec::new();
    let list = query_records(records, "BusinessHours", &mut warnings)?;
    let mut read: Vec<(String, &Map<String, Value>)> = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let map = object(r, &format!("BusinessHours #{i}"), "(record)")?;
        read.push((label(map, "BusinessHours", i), map));
    }
    let assigned = assign_holidays(holidays, &read, &mut warnings)?;

    let mut calendars = Map::new();
    for ((record, map), holidays) in read.iter().zip(assigned) {
        let name = required_str(map, record, "Name")?;
        if boolean(map, record, "IsActive")? == Some(false) {
            warnings.push(Warning {
                record: record.clone(),
                field: "IsActive".into(),
                message: "these business hours are inactive in Salesforce (no case or milestone \
                          uses them); the calendar is imported all the same"
                    .into(),
            });
        }
        let definition = calendar(record, map, holidays)?;
        if calendars.insert(name.to_string(), definition).is_some() {
            return Err(unsupported(
                record,
                "Name",
                format!(
                    "two business-hours records are named {name:?}; calendar names must be unique"
                ),
            ));
        }
    }
    Ok(Import {
        document: json!({ "calendars": calendars }),
        warnings,
    })
}

/// One `BusinessHours` record as a calendar definition.
fn calendar(record: &str, map: &Map<String, Value>, holidays: Vec<Value>) -> Result<Value> {
    let zone = required_str(map, record, "TimeZoneSidKey")?;
    let tz = chrono_tz::Tz::from_str(zone).map_err(|_| {
        unsupported(
            record,
            "TimeZoneSidKey",
            format!("{zone:?} is not a time zone of the IANA database"),
        )
    })?;
    let mut hours = Map::new();
    for (day, key) in DAYS {
        let (start_field, end_field) = (format!("{day}StartTime"), format!("{day}EndTime"));
        let start = optional_str(map, record, &start_field)?;
        let end = optional_str(map, record, &end_field)?;
        let (start, end) = match (start, end) {
            (None, None) => continue,
            (Some(_), None) => {
                return Err(unsupported(
                    record,
                    &end_field,
                    format!("missing while {start_field} is set"),
                ));
            }
            (None, Some(_)) => {
                return Err(unsupported(
                    record,
                    &start_field,
                    format!("missing while {end_field} is set"),
                ));
            }
            (Some(s), Some(e)) => (
                wall_time(s, record, &start_field)?,
                wall_time(e, record, &end_field)?,
            ),
        };
        // 00:00 as an end is midnight at the end of the day; 00:00-00:00 is the whole day.
        let end = if end == 0 { 86_400 } else { end };
        if end <= start {
            return Err(unsupported(
                record,
                &end_field,
                format!(
                    "{} is not after {start_field} {}; Salesforce business hours end after they start on the same day, or at 00:00 (midnight)",
                    clock(end),
                    clock(start)
                ),
            ));
        }
        hours.insert(
            key.into(),
            json!([format!("{}-{}", clock(start), clock(end))]),
        );
    }
    if hours.is_empty() {
        // The engine refuses a calendar that never opens; say so of the record.
        return Err(unsupported(
            record,
            "MondayStartTime",
            "every weekday's start and end times are null: these business hours are never open",
        ));
    }
    let mut doc = Map::new();
    doc.insert("time_zone".into(), Value::String(tz.name().into()));
    doc.insert("hours".into(), Value::Object(hours));
    if !holidays.is_empty() {
        doc.insert("holidays".into(), Value::Array(holidays));
    }
    Ok(Value::Object(doc))
}

/// Seconds of the day of a `HH:mm:ss.SSSZ` wall time.
fn wall_time(text: &str, record: &str, field: &str) -> Result<u32> {
    let bad = |why: &str| {
        unsupported(
            record,
            field,
            format!(
                "invalid time {text:?}: {why}; Salesforce writes business hours as HH:mm:ss.SSSZ, such as \"09:00:00.000Z\""
            ),
        )
    };
    let b = text.as_bytes();
    if b.len() != 13 || b[2] != b':' || b[5] != b':' || b[8] != b'.' || b[12] != b'Z' {
        return Err(bad("not of the form HH:mm:ss.SSSZ"));
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = &text[range];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (Some(h), Some(m), Some(s), Some(ms)) = (num(0..2), num(3..5), num(6..8), num(9..12))
    else {
        return Err(bad("not of the form HH:mm:ss.SSSZ"));
    };
    if h > 23 || m > 59 || s > 59 {
        return Err(bad("no such time of day"));
    }
    if ms != 0 {
        return Err(bad(
            "calendars count whole seconds, and this time has milliseconds",
        ));
    }
    Ok(h * 3600 + m * 60 + s)
}

/// `HH:MM`, or `HH:MM:SS` when the seconds are not zero.
fn clock(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

// ---------------------------------------------------------------------------------------------
// Holidays

/// The holidays of each business-hours record, in the order of `read`.
fn assign_holidays(
    holidays: Option<&Value>,
    read: &[(String, &Map<String, Value>)],
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Vec<Value>>> {
    let mut out = vec![Vec::new(); read.len()];
    let Some(holidays) = holidays.filter(|h| !h.is_null()) else {
        return Ok(out);
    };
    let is_mapping = match holidays {
        Value::Object(m) => {
            !m.contains_key("records")
                && !m.contains_key("attributes")
                && !m.contains_key("Id")
                && !m.contains_key("Name")
                && !m.contains_key("ActivityDate")
                && !m.contains_key("RecurrenceType")
        }
        _ => false,
    };
    if !is_mapping {
        let list = holiday_list(holidays, "Holiday", warnings)?;
        if read.len() > 1 && !list.is_empty() {
            warnings.push(Warning {
                record: "Holiday".into(),
                field: "(association)".into(),
                message: format!(
                    "the REST API does not say which business hours a holiday belongs to, so the {} holidays were added to all {} business-hours records; pass a mapping from business-hours Id or Name to holidays to associate them as Setup does",
                    list.len(),
                    read.len()
                ),
            });
        }
        for hols in &mut out {
            hols.extend(list.iter().cloned());
        }
        return Ok(out);
    }
    let Value::Object(by_key) = holidays else {
        unreachable!("a mapping is an object")
    };
    for (key, value) in by_key {
        let Some(k) = read.iter().position(|(_, m)| {
            text(m, "Id") == Some(key.as_str()) || text(m, "Name") == Some(key.as_str())
        }) else {
            let known: Vec<&str> = read.iter().filter_map(|(_, m)| text(m, "Name")).collect();
            return Err(unsupported(
                "Holiday",
                key,
                format!(
                    "no business-hours record has the Id or Name {key:?}; business hours: {}",
                    crate::error::known_names(known.iter().copied())
                ),
            ));
        };
        let list = holiday_list(value, &format!("Holiday (for {})", read[k].0), warnings)?;
        out[k].extend(list);
    }
    Ok(out)
}

fn holiday_list(v: &Value, what: &str, warnings: &mut Vec<Warning>) -> Result<Vec<Value>> {
    let list = query_records(v, what, warnings)?;
    let mut out = Vec::with_capacity(list.len());
    for (i, h) in list.iter().enumerate() {
        let map = object(h, &format!("Holiday #{i}"), "(record)")?;
        let record = label(map, "Holiday", i);
        out.push(holiday(map, &record, warnings)?);
    }
    Ok(out)
}

/// One `Holiday` record as a document holiday.
fn holiday(map: &Map<String, Value>, record: &str, warnings: &mut Vec<Warning>) -> Result<Value> {
    let mut doc = Map::new();
    if let Some(name) = optional_str(map, record, "Name")? {
        doc.insert("name".into(), Value::String(name.into()));
    }
    let start = integer(map, "StartTimeInMinutes", record, "StartTimeInMinutes")?;
    let end = integer(map, "EndTimeInMinutes", record, "EndTimeInMinutes")?;
    let all_day = match boolean(map, record, "IsAllDay")? {
        Some(b) => b,
        // Without the flag, the record's own times say which it is.
        None => start.is_none() && end.is_none(),
    };
    if all_day {
        for (field, value) in [("StartTimeInMinutes", start), ("EndTimeInMinutes", end)] {
            if value.is_some() {
                warnings.push(Warning {
                    record: record.into(),
                    field: field.into(),
                    message: "ignored: the holiday is all day (IsAllDay)".into(),
                });
            }
        }
    } else {
        let start = start.ok_or_else(|| {
            unsupported(
                record,
                "StartTimeInMinutes",
                "missing on a holiday that is not all day",
            )
        })?;
        let end = end.ok_or_else(|| {
            unsupported(
                record,
                "EndTimeInMinutes",
                "missing on a holiday that is not all day",
            )
        })?;
        for (field, value) in [("StartTimeInMinutes", start), ("EndTimeInMinutes", end)] {
            if !(0..=1440).contains(&value) {
                return Err(unsupported(
                    record,
                    field,
                    format!(
                        "{value} is not a time of day: minutes from midnight run from 0 to 1440"
                    ),
                ));
            }
        }
        if end <= start {
            return Err(unsupported(
                record,
                "EndTimeInMinutes",
                format!("{end} is not after StartTimeInMinutes {start}"),
            ));
        }
        let hm = |m: i64| format!("{:02}:{:02}", m / 60, m % 60);
        doc.insert(
            "hours".into(),
            Value::String(format!("{}-{}", hm(start), hm(end))),
        );
    }

    let rtype = optional_str(map, record, "RecurrenceType")?;
    let recurring = boolean(map, record, "IsRecurrence")?.unwrap_or(rtype.is_some());
    if !recurring {
        doc.insert(
            "date".into(),
            Value::String(date(map, record, "ActivityDate")?.to_string()),
        );
        return Ok(Value::Object(doc));
    }
    let rtype = rtype.ok_or_else(|| {
        unsupported(
            record,
            "RecurrenceType",
            "missing on a recurring holiday (IsRecurrence)",
        )
    })?;
    let starts = date(map, record, "RecurrenceStartDate")?;
    let until = optional_date(map, record, "RecurrenceEndDateOnly")?;
    if let Some(u) = until
        && u < starts
    {
        return Err(unsupported(
            record,
            "RecurrenceEndDateOnly",
            format!("{u} is before RecurrenceStartDate {starts}"),
        ));
    }
    if let Some(d) = optional_date(map, record, "ActivityDate")?
        && d != starts
    {
        warnings.push(Warning {
            record: record.into(),
            field: "ActivityDate".into(),
            message: format!("ignored on a recurring holiday ({d}); its occurrences follow RecurrenceType from RecurrenceStartDate {starts}"),
        });
    }
    for (field, types) in RECURRENCE_FIELDS {
        if !types.contains(&rtype) && map.get(field).is_some_and(|v| !v.is_null()) {
            warnings.push(Warning {
                record: record.into(),
                field: field.into(),
                message: format!("ignored: it does not apply to {rtype}"),
            });
        }
    }

    let interval = || -> Result<i64> {
        let n = integer(map, "RecurrenceInterval", record, "RecurrenceInterval")?.unwrap_or(1);
        if !(1..=1000).contains(&n) {
            return Err(unsupported(
                record,
                "RecurrenceInterval",
                format!("{n} is not an interval of 1 to 1000"),
            ));
        }
        Ok(n)
    };
    let mask = || -> Result<Vec<&'static str>> { day_mask(map, record) };
    let day_of_month = || -> Result<i64> {
        let d = integer(map, "RecurrenceDayOfMonth", record, "RecurrenceDayOfMonth")?.ok_or_else(
            || {
                unsupported(
                    record,
                    "RecurrenceDayOfMonth",
                    format!("missing; {rtype} needs it"),
                )
            },
        )?;
        if !(1..=31).contains(&d) {
            return Err(unsupported(
                record,
                "RecurrenceDayOfMonth",
                format!("{d} is not a day of the month 1-31"),
            ));
        }
        Ok(d)
    };
    let instance = || -> Result<i64> {
        let text = optional_str(map, record, "RecurrenceInstance")?.ok_or_else(|| {
            unsupported(
                record,
                "RecurrenceInstance",
                format!("missing; {rtype} needs it"),
            )
        })?;
        INSTANCES
            .iter()
            .find(|(n, _)| *n == text)
            .map(|&(_, k)| k)
            .ok_or_else(|| {
                unsupported(
                    record,
                    "RecurrenceInstance",
                    format!(
                        "unknown instance {text:?}; expected First, Second, Third, Fourth or Last"
                    ),
                )
            })
    };
    let month = || -> Result<i64> {
        let text = optional_str(map, record, "RecurrenceMonthOfYear")?.ok_or_else(|| {
            unsupported(
                record,
                "RecurrenceMonthOfYear",
                format!("missing; {rtype} needs it"),
            )
        })?;
        MONTHS
            .iter()
            .position(|m| *m == text)
            .map(|i| i as i64 + 1)
            .ok_or_else(|| {
                unsupported(
                    record,
                    "RecurrenceMonthOfYear",
                    format!("unknown month {text:?}; expected January to December"),
                )
            })
    };
    let every = |n: i64, rule: &mut Map<String, Value>| {
        if n != 1 {
            rule.insert("every".into(), json!(n));
        }
    };
    let pick_weekdays = |days: Vec<&str>, rule: &mut Map<String, Value>| {
        if let [one] = days.as_slice() {
            rule.insert("weekday".into(), json!(one));
        } else {
            rule.insert("weekdays".into(), json!(days));
        }
    };

    match rtype {
        "RecursDaily" => {
            let mut rule = Map::new();
            rule.insert("unit".into(), json!("day"));
            every(interval()?, &mut rule);
            doc.insert("recurs".into(), Value::Object(rule));
        }
        "RecursEveryWeekday" => {
            // Salesforce writes the weekdays in the mask (62, Monday to Friday); without it the
            // type alone says Monday to Friday.
            let days = if map
                .get("RecurrenceDayOfWeekMask")
                .is_some_and(|v| !v.is_null())
            {
                mask()?
            } else {
                vec!["mon", "tue", "wed", "thu", "fri"]
            };
            doc.insert("recurs".into(), json!({"unit": "week", "weekdays": days}));
        }
        "RecursWeekly" => {
            let mut rule = Map::new();
            rule.insert("unit".into(), json!("week"));
            every(interval()?, &mut rule);
            rule.insert("weekdays".into(), json!(mask()?));
            // Salesforce's weeks, as its calendars, begin on Sunday.
            rule.insert("week_start".into(), json!("sun"));
            doc.insert("recurs".into(), Value::Object(rule));
        }
        "RecursMonthly" => {
            let mut rule = Map::new();
            rule.insert("unit".into(), json!("month"));
            every(interval()?, &mut rule);
            rule.insert("day".into(), json!(day_of_month()?));
            doc.insert("recurs".into(), Value::Object(rule));
        }
        "RecursMonthlyNth" => {
            let mut rule = Map::new();
            rule.insert("unit".into(), json!("month"));
            every(interval()?, &mut rule);
            rule.insert("nth".into(), json!(instance()?));
            pick_weekdays(mask()?, &mut rule);
            doc.insert("recurs".into(), Value::Object(rule));
        }
        "RecursYearly" => {
            let (m, d) = (month()?, day_of_month()?);
            if chrono::NaiveDate::from_ymd_opt(2024, m as u32, d as u32).is_none() {
                return Err(unsupported(
                    record,
                    "RecurrenceDayOfMonth",
                    format!("{} has no day {d}", MONTHS[m as usize - 1]),
                ));
            }
            doc.insert("yearly".into(), Value::String(format!("{m:02}-{d:02}")));
        }
        "RecursYearlyNth" => {
            let (m, nth, days) = (month()?, instance()?, mask()?);
            if let [one] = days.as_slice() {
                doc.insert(
                    "yearly".into(),
                    json!({"month": m, "weekday": one, "nth": nth}),
                );
            } else {
                let mut rule = Map::new();
                rule.insert("unit".into(), json!("year"));
                rule.insert("month".into(), json!(m));
                rule.insert("nth".into(), json!(nth));
                pick_weekdays(days, &mut rule);
                doc.insert("recurs".into(), Value::Object(rule));
            }
        }
        other => {
            return Err(unsupported(
                record,
                "RecurrenceType",
                format!(
                    "unknown recurrence type {other:?}; expected RecursDaily, RecursEveryWeekday, RecursWeekly, RecursMonthly, RecursMonthlyNth, RecursYearly or RecursYearlyNth"
                ),
            ));
        }
    }
    doc.insert("starts".into(), Value::String(starts.to_string()));
    if let Some(u) = until {
        doc.insert("until".into(), Value::String(u.to_string()));
    }
    Ok(Value::Object(doc))
}

/// The weekdays of `RecurrenceDayOfWeekMask` (Sunday = 1 ... Saturday = 64), Monday first.
fn day_mask(map: &Map<String, Value>, record: &str) -> Result<Vec<&'static str>> {
    let field = "RecurrenceDayOfWeekMask";
    let mask = integer(map, field, record, field)?.ok_or_else(|| {
        unsupported(
            record,
            field,
            "missing; the recurrence type needs the weekdays",
        )
    })?;
    if !(1..=127).contains(&mask) {
        return Err(unsupported(
            record,
            field,
            format!(
                "{mask} is not a set of weekdays: Sunday = 1, Monday = 2, ... Saturday = 64, summed (1 to 127)"
            ),
        ));
    }
    let mut days: Vec<&str> = MASK_DAYS
        .iter()
        .filter(|(bit, _)| mask & bit != 0)
        .map(|&(_, d)| d)
        .collect();
    // Monday first, as the document lists weekdays.
    days.rotate_left(usize::from(mask & 1 != 0));
    Ok(days)
}
