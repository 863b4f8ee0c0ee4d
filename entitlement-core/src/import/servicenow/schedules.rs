//! `cmn_schedule`, `cmn_schedule_span` and `cmn_other_schedule` rows into calendars.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};

use super::{field, flag, required, row, rows};
use crate::error::Result;
use crate::import::{Import, Warning, unsupported};

/// The document's day keys, Monday first (ServiceNow's `days_of_week` digit 1 is Monday).
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The most days a one-off include entry may cover (each day becomes an override).
const MAX_OPENING_DAYS: i64 = 31;

/// The zone of floating schedules (`time_zone` empty or `floating`), which ServiceNow
/// evaluates in the zone of whoever looks: the importer never guesses it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TimeZoneOverride {
    /// Floating schedules are refused (`unsupported`, naming the schedule and `time_zone`).
    #[default]
    None,
    /// Every floating schedule is read in this IANA zone.
    One(String),
    /// The zone of each floating schedule, by its `sys_id` or `name`; others are refused.
    ByKey(BTreeMap<String, String>),
}

/// Options of [`schedules`].
#[derive(Debug, Clone, Default)]
pub struct ScheduleOptions {
    /// `cmn_other_schedule` rows (`schedule`, `child_schedule`, `type` include / exclude):
    /// child schedules merged into their parent.
    pub other_schedules: Option<Value>,
    /// The zone of floating schedules.
    pub time_zone: TimeZoneOverride,
}

/// How an entry repeats.
#[derive(Debug, Clone, PartialEq)]
enum Repeat {
    Once,
    /// Every `every` days.
    Daily(i64),
    /// On these weekdays (0 = Monday) of every `every`-th week.
    Weekly(Vec<usize>, i64),
    /// Day `day` of every `every`-th month.
    MonthDay(i64, u32),
    /// The `nth` (-1 last) `weekday` of every `every`-th month.
    MonthNth(i64, i64, usize),
    /// Month `month`, day `day`, every `every` years.
    YearDay(i64, u32, u32),
    /// The `nth` `weekday` of month `month`, every `every` years.
    YearNth(i64, u32, i64, usize),
}

struct Entry {
    record: String,
    name: Option<String>,
    include: bool,
    start: NaiveDateTime,
    end: NaiveDateTime,
    repeat: Repeat,
    until: Option<NaiveDate>,
}

/// One schedule as read.
struct Schedule<'a> {
    record: String,
    map: &'a Map<String, Value>,
    name: &'a str,
    zone: Option<Tz>,
    kind: &'a str,
}

/// Calendars from ServiceNow schedules: one per `cmn_schedule` row, named after its `name`,
/// from its `cmn_schedule_span` entries and the child schedules of `options.other_schedules`.
///
/// - Include entries (`type` blank or `include`) that repeat every day, every weekday, every
///   weekend, on `days_of_week` every week (`repeat_count` 1), become weekly hours; a one-off
///   include entry becomes an override of its date (the weekly hours of that day and the entry).
/// - Exclude entries (`type` `exclude`), and the entries of a child schedule of type
///   `exclude` (a holiday schedule), become holidays: one-off ones dated, repeating ones rules
///   (`recurs` / `yearly`) with `starts` and `until` (`repeat_until`), so the calendar answers
///   for any year. A holiday closes its hours whatever the weekly hours say: exclusion wins, as
///   on the platform.
/// - Entry times are `YYYYMMDDTHHMMSS` wall times in the schedule's zone, or
///   `YYYYMMDDTHHMMSSZ` in UTC (one-off entries, or any entry of a UTC schedule).
/// - A floating schedule (`time_zone` blank or `floating`) is refused unless
///   `options.time_zone` gives its zone; on-call, maintenance and blackout entries, include
///   entries that repeat monthly, yearly or every n-th week, and every other construct the
///   calendar format cannot hold are refused, naming the record and field.
///
/// ```
/// use entitlement_core::import::servicenow::{self, ScheduleOptions, TimeZoneOverride};
/// use serde_json::json;
///
/// let schedules = json!([{"sys_id": "s1", "name": "Desk", "time_zone": ""},
///                        {"sys_id": "h1", "name": "UK holidays", "time_zone": "Europe/London", "type": "exclude"}]);
/// let spans = json!([
///     {"sys_id": "e1", "schedule": "s1", "name": "Days", "start_date_time": "20250106T090000",
///      "end_date_time": "20250106T173000", "repeat_type": "weekdays"},
///     {"sys_id": "e2", "schedule": "h1", "name": "Christmas", "all_day": "true",
///      "start_date_time": "20251225T000000", "end_date_time": "20251226T000000",
///      "repeat_type": "yearly", "yearly_type": "doy", "repeat_count": "1"}]);
/// let other = json!([{"schedule": "s1", "child_schedule": "h1", "type": "exclude"}]);
/// // Floating: refused unless the caller says the zone.
/// let floating = servicenow::schedules(&schedules, &spans, &ScheduleOptions::default()).unwrap_err();
/// assert!(floating.to_string().starts_with("cmn_schedule s1 (Desk): time_zone:"));
/// let options = ScheduleOptions { other_schedules: Some(other),
///                                 time_zone: TimeZoneOverride::One("Europe/London".into()) };
/// let import = servicenow::schedules(&schedules, &spans, &options)?;
/// let desk = &import.document["calendars"]["Desk"];
/// assert_eq!(desk["hours"]["fri"], json!(["09:00-17:30"]));
/// assert_eq!(desk["holidays"][0], json!({"name": "Christmas", "yearly": "12-25", "starts": "2025-12-25"}));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn schedules(schedules: &Value, spans: &Value, options: &ScheduleOptions) -> Result<Import> {
    let mut warnings = Vec::new();
    let mut read: Vec<Schedule> = Vec::new();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, r) in rows(schedules, "cmn_schedule")?.into_iter().enumerate() {
        let (map, record) = row(r, "cmn_schedule", i, "name")?;
        let sys_id = required(map, &record, "sys_id")?;
        let name = required(map, &record, "name")?;
        if let Some(parent) = field(map, &record, "parent")? {
            return Err(unsupported(
                &record,
                "parent",
                format!(
                    "the schedule names a parent ({parent}); the importer merges child schedules from cmn_other_schedule rows, as the Child Schedules list keeps them"
                ),
            ));
        }
        let kind = field(map, &record, "type")?.unwrap_or("");
        let zone = zone(map, &record, name, sys_id, &options.time_zone)?;
        if by_id.insert(sys_id, read.len()).is_some() {
            return Err(unsupported(
                &record,
                "sys_id",
                format!("two schedules have the sys_id {sys_id:?}"),
            ));
        }
        read.push(Schedule {
            record,
            map,
            name,
            zone,
            kind,
        });
    }

    // Entries by schedule, in input order.
    let mut entries: Vec<Vec<(&Map<String, Value>, String)>> = vec![Vec::new(); read.len()];
    for (i, r) in rows(spans, "cmn_schedule_span")?.into_iter().enumerate() {
        let (map, record) = row(r, "cmn_schedule_span", i, "name")?;
        let schedule = required(map, &record, "schedule")?;
        let Some(&k) = by_id.get(schedule) else {
            return Err(unsupported(
                &record,
                "schedule",
                format!(
                    "no cmn_schedule row has the sys_id {schedule:?}; pass the schedule with its entries"
                ),
            ));
        };
        entries[k].push((map, record));
    }

    // Child schedules: (parent, child, exclude?).
    let mut children: Vec<Vec<(usize, bool, String)>> = vec![Vec::new(); read.len()];
    let mut excluded_children: HashSet<usize> = HashSet::new();
    if let Some(other) = options.other_schedules.as_ref().filter(|o| !o.is_null()) {
        for (i, r) in rows(other, "cmn_other_schedule")?.into_iter().enumerate() {
            let (map, record) = row(r, "cmn_other_schedule", i, "name")?;
            let find = |key: &str| -> Result<usize> {
                let id = required(map, &record, key)?;
                by_id.get(id).copied().ok_or_else(|| {
                    unsupported(
                        &record,
                        key,
                        format!("no cmn_schedule row has the sys_id {id:?}"),
                    )
                })
            };
            let (parent, child) = (find("schedule")?, find("child_schedule")?);
            let exclude = match field(map, &record, "type")? {
                Some("exclude") => true,
                Some("include") => false,
                other => {
                    return Err(unsupported(
                        &record,
                        "type",
                        format!("{other:?} is not include or exclude"),
                    ));
                }
            };
            if parent == child {
                return Err(unsupported(
                    &record,
                    "child_schedule",
                    "a schedule cannot be its own child",
                ));
            }
            if exclude {
                excluded_children.insert(child);
            }
            children[parent].push((child, exclude, record));
        }
    }
    for (k, list) in children.iter().enumerate() {
        for (child, _, record) in list {
            if !children[*child].is_empty() {
                return Err(unsupported(
                    record,
                    "child_schedule",
                    format!(
                        "the child schedule {} has child schedules of its own; the importer merges one level",
                        read[*child].name
                    ),
                ));
            }
            let (pz, cz) = (read[k].zone, read[*child].zone);
            if let (Some(p), Some(c)) = (pz, cz)
                && p != c
                && !read[*child].is_floating()
            {
                return Err(unsupported(
                    record,
                    "child_schedule",
                    format!(
                        "the child schedule {} is in {} and its parent {} in {}; the importer merges schedules of one zone (or a floating child)",
                        read[*child].name,
                        c.name(),
                        read[k].name,
                        p.name()
                    ),
                ));
            }
        }
    }

    let mut calendars = Map::new();
    for (k, s) in read.iter().enumerate() {
        let is_holiday_kind = matches!(s.kind, "exclude" | "holiday");
        if excluded_children.contains(&k) || is_holiday_kind {
            if !excluded_children.contains(&k) {
                warnings.push(Warning {
                    record: s.record.clone(),
                    field: "type".into(),
                    message: format!(
                        "a schedule of type {:?} holds exclusions for other schedules, and no cmn_other_schedule row excludes it from one: it is not a calendar of its own and was not imported",
                        s.kind
                    ),
                });
            }
            continue;
        }
        if !s.kind.is_empty() {
            warnings.push(Warning {
                record: s.record.clone(),
                field: "type".into(),
                message: format!(
                    "a schedule of type {:?} is not a schedule of working hours (its type is blank); it was not imported",
                    s.kind
                ),
            });
            continue;
        }
        let Some(tz) = s.zone else {
            return Err(floating(&s.record));
        };
        // The schedule's own entries, then its children's.
        let mut all: Vec<Entry> = Vec::new();
        for (map, record) in &entries[k] {
            all.push(entry(map, record, tz)?);
        }
        for (child, exclude, link) in &children[k] {
            for (map, record) in &entries[*child] {
                let mut e = entry(map, record, tz)?;
                if *exclude {
                    if !e.include {
                        return Err(unsupported(
                            record,
                            "type",
                            format!(
                                "an exclude entry of a schedule excluded from {} ({link}): the time it would add back has no counterpart",
                                s.name
                            ),
                        ));
                    }
                    e.include = false;
                }
                all.push(e);
            }
        }
        let definition = calendar(s, tz, &all)?;
        if calendars.insert(s.name.to_string(), definition).is_some() {
            return Err(unsupported(
                &s.record,
                "name",
                format!(
                    "two schedules are named {:?}; calendar names must be unique",
                    s.name
                ),
            ));
        }
    }
    Ok(Import {
        document: json!({ "calendars": calendars }),
        warnings,
    })
}

impl Schedule<'_> {
    fn is_floating(&self) -> bool {
        field(self.map, &self.record, "time_zone")
            .ok()
            .flatten()
            .is_none_or(|z| z.eq_ignore_ascii_case("floating"))
    }
}

/// The zone of a schedule: its `time_zone`, or for a floating one the caller's override.
fn zone(
    map: &Map<String, Value>,
    record: &str,
    name: &str,
    sys_id: &str,
    over: &TimeZoneOverride,
) -> Result<Option<Tz>> {
    let parse = |text: &str, whence: &str| -> Result<Tz> {
        Tz::from_str(text).map_err(|_| {
            unsupported(
                record,
                "time_zone",
                format!("{text:?} ({whence}) is not a time zone of the IANA database"),
            )
        })
    };
    match field(map, record, "time_zone")? {
        Some(z) if !z.eq_ignore_ascii_case("floating") => Ok(Some(parse(z, "the schedule's")?)),
        _ => {
            let given = match over {
                TimeZoneOverride::One(z) => Some(z.as_str()),
                TimeZoneOverride::ByKey(m) => {
                    m.get(sys_id).or_else(|| m.get(name)).map(String::as_str)
                }
                TimeZoneOverride::None => None,
            };
            match given {
                Some(z) => Ok(Some(parse(z, "given for the floating schedule")?)),
                // Refused when the schedule becomes a calendar ([`floating`]); a floating child
                // is read in its parent's zone.
                None => Ok(None),
            }
        }
    }
}

/// The refusal of a floating schedule without a zone.
fn floating(record: &str) -> crate::Error {
    unsupported(
        record,
        "time_zone",
        "a floating schedule is read in the zone of each user who looks at it; the importer does not guess one: pass its zone (the time_zone option: one zone, or one by schedule name or sys_id)",
    )
}

/// `YYYYMMDDTHHMMSS` (wall time) or `YYYYMMDDTHHMMSSZ` (UTC, turned into wall time in `tz`);
/// returns the wall time and whether it was given in UTC.
fn span_time(text: &str, record: &str, key: &str, tz: Tz) -> Result<(NaiveDateTime, bool)> {
    let (body, utc) = match text.strip_suffix('Z') {
        Some(b) => (b, true),
        None => (text, false),
    };
    let t = NaiveDateTime::parse_from_str(body, "%Y%m%dT%H%M%S")
        .ok()
        .filter(|_| body.len() == 15 && (1..=9998).contains(&body[..4].parse::<i32>().unwrap_or(0)))
        .ok_or_else(|| {
            unsupported(
                record,
                key,
                format!(
                    "{text:?} is not a ServiceNow schedule date-time such as \"20250106T080000\" (or \"20250106T080000Z\" in UTC)"
                ),
            )
        })?;
    if utc {
        Ok((tz.from_utc_datetime(&t).naive_local(), true))
    } else {
        Ok((t, false))
    }
}

fn count(
    map: &Map<String, Value>,
    record: &str,
    key: &str,
    range: (i64, i64),
) -> Result<Option<i64>> {
    let Some(text) = field(map, record, key)? else {
        return Ok(None);
    };
    text.parse::<i64>()
        .ok()
        .filter(|n| (range.0..=range.1).contains(n))
        .map(Some)
        .ok_or_else(|| {
            unsupported(
                record,
                key,
                format!(
                    "{text:?} is not a whole number from {} to {}",
                    range.0, range.1
                ),
            )
        })
}

/// One `cmn_schedule_span` row.
fn entry(map: &Map<String, Value>, record: &str, tz: Tz) -> Result<Entry> {
    let include = match field(map, record, "type")? {
        None | Some("include") => true,
        Some("exclude") => false,
        Some(other) => {
            return Err(unsupported(
                record,
                "type",
                format!(
                    "an entry of type {other:?} (on-call, maintenance and blackout entries plan people and changes) does not include or exclude working time"
                ),
            ));
        }
    };
    let all_day = flag(map, record, "all_day", false)?;
    let (start, start_utc) = span_time(
        required(map, record, "start_date_time")?,
        record,
        "start_date_time",
        tz,
    )?;
    let (mut end, end_utc) = span_time(
        required(map, record, "end_date_time")?,
        record,
        "end_date_time",
        tz,
    )?;
    let start = if all_day {
        start.date().and_hms_opt(0, 0, 0).expect("midnight")
    } else {
        start
    };
    if all_day && !(end.time() == chrono::NaiveTime::MIN && end.date() > start.date()) {
        // An all-day entry covers its end date too, unless it ends at that date's midnight.
        end = (end.date() + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .expect("midnight");
    }
    if end <= start {
        return Err(unsupported(
            record,
            "end_date_time",
            format!("{end} is not after start_date_time {start}"),
        ));
    }
    let every = count(map, record, "repeat_count", (1, 1000))?.unwrap_or(1);
    let repeat_type = field(map, record, "repeat_type")?.unwrap_or("");
    let weekdays = |days: &[usize]| days.to_vec();
    let repeat = match repeat_type {
        "" | "none" => Repeat::Once,
        "daily" => Repeat::Daily(every),
        "weekdays" => Repeat::Weekly(weekdays(&[0, 1, 2, 3, 4]), 1),
        "weekends" => Repeat::Weekly(weekdays(&[5, 6]), 1),
        "weekMWF" => Repeat::Weekly(weekdays(&[0, 2, 4]), 1),
        "weekTT" => Repeat::Weekly(weekdays(&[1, 3]), 1),
        "weekly" => {
            let days = match field(map, record, "days_of_week")? {
                None => vec![start.weekday().num_days_from_monday() as usize],
                Some(text) => {
                    let mut days = Vec::new();
                    for c in text.chars() {
                        match c.to_digit(10) {
                            Some(d @ 1..=7) => {
                                let d = d as usize - 1;
                                if !days.contains(&d) {
                                    days.push(d);
                                }
                            }
                            _ => {
                                return Err(unsupported(
                                    record,
                                    "days_of_week",
                                    format!(
                                        "{text:?} is not a set of the digits 1 (Monday) to 7 (Sunday)"
                                    ),
                                ));
                            }
                        }
                    }
                    days.sort_unstable();
                    days
                }
            };
            Repeat::Weekly(days, every)
        }
        "monthly" => match field(map, record, "monthly_type")?.unwrap_or("dom") {
            "dom" => Repeat::MonthDay(every, start.day()),
            "dow" => Repeat::MonthNth(
                every,
                i64::from((start.day() - 1) / 7 + 1),
                start.weekday().num_days_from_monday() as usize,
            ),
            "last_dow" => {
                Repeat::MonthNth(every, -1, start.weekday().num_days_from_monday() as usize)
            }
            other => {
                return Err(unsupported(
                    record,
                    "monthly_type",
                    format!(
                        "{other:?}: the importer reads dom (the day of the month), dow (the n-th weekday) and last_dow (the last weekday)"
                    ),
                ));
            }
        },
        "yearly" => match field(map, record, "yearly_type")?.unwrap_or("doy") {
            "doy" => Repeat::YearDay(every, start.month(), start.day()),
            "float" => {
                let month = count(map, record, "month", (1, 12))?.ok_or_else(|| {
                    unsupported(record, "month", "missing; a floating yearly entry needs it")
                })?;
                let day = count(map, record, "float_day", (1, 7))?.ok_or_else(|| {
                    unsupported(
                        record,
                        "float_day",
                        "missing; a floating yearly entry needs it",
                    )
                })?;
                let nth = match field(map, record, "float_week")? {
                    Some("last") => -1,
                    _ => count(map, record, "float_week", (1, 5))?.ok_or_else(|| {
                        unsupported(
                            record,
                            "float_week",
                            "missing; a floating yearly entry needs it",
                        )
                    })?,
                };
                Repeat::YearNth(every, month as u32, nth, day as usize - 1)
            }
            other => {
                return Err(unsupported(
                    record,
                    "yearly_type",
                    format!(
                        "{other:?}: the importer reads doy (the date of start_date_time) and float (float_week, float_day, month)"
                    ),
                ));
            }
        },
        other => {
            return Err(unsupported(
                record,
                "repeat_type",
                format!(
                    "{other:?}: expected blank (no repeat), daily, weekdays, weekends, weekMWF, weekTT, weekly, monthly or yearly"
                ),
            ));
        }
    };
    let until = match field(map, record, "repeat_until")? {
        None => None,
        Some(text) => Some(
            NaiveDate::parse_from_str(text, "%Y%m%d")
                .ok()
                .filter(|d| text.len() == 8 && (1..=9999).contains(&d.year()))
                .ok_or_else(|| {
                    unsupported(
                        record,
                        "repeat_until",
                        format!("{text:?} is not a date YYYYMMDD"),
                    )
                })?,
        ),
    };
    if let Some(u) = until
        && u < start.date()
    {
        return Err(unsupported(
            record,
            "repeat_until",
            format!("{u} is before start_date_time"),
        ));
    }
    if repeat != Repeat::Once && (start_utc || end_utc) && !is_fixed(tz) {
        return Err(unsupported(
            record,
            "start_date_time",
            format!(
                "a repeating entry written in UTC (…Z) in a schedule in {}: its wall time moves with daylight saving time, and the calendar's hours are wall times",
                tz.name()
            ),
        ));
    }
    Ok(Entry {
        record: record.to_string(),
        name: field(map, record, "name")?.map(str::to_string),
        include,
        start,
        end,
        repeat,
        until,
    })
}

fn is_fixed(tz: Tz) -> bool {
    matches!(
        tz.name(),
        "UTC" | "Etc/UTC" | "GMT" | "Etc/GMT" | "Universal" | "Zulu" | "Etc/Universal" | "Etc/Zulu"
    )
}

/// Seconds of the day as `HH:MM` or `HH:MM:SS`; 86 400 is `24:00`.
fn clock(s: u32) -> String {
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{sec:02}")
    }
}

/// The pieces of `[start, end)` by date: (date, from, to) in seconds of the day.
fn pieces(
    start: NaiveDateTime,
    end: NaiveDateTime,
    max_days: i64,
    record: &str,
) -> Result<Vec<(NaiveDate, u32, u32)>> {
    let days = (end.date() - start.date()).num_days();
    if days > max_days {
        return Err(unsupported(
            record,
            "end_date_time",
            format!(
                "the entry runs {days} days; the importer splits at most {max_days} days of such an entry into days"
            ),
        ));
    }
    let mut out = Vec::new();
    let mut d = start.date();
    while d <= end.date() {
        let from = if d == start.date() {
            start.num_seconds_from_midnight()
        } else {
            0
        };
        let to = if d == end.date() {
            end.num_seconds_from_midnight()
        } else {
            86_400
        };
        if to > from {
            out.push((d, from, to));
        }
        d += Duration::days(1);
    }
    Ok(out)
}

/// Joins overlapping or touching intervals.
fn merge(mut list: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    list.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(list.len());
    for (a, b) in list {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

fn interval_list(list: &[(u32, u32)]) -> Value {
    Value::Array(
        list.iter()
            .map(|&(a, b)| Value::String(format!("{}-{}", clock(a), clock(b))))
            .collect(),
    )
}

fn calendar(s: &Schedule, tz: Tz, entries: &[Entry]) -> Result<Value> {
    let mut week: [Vec<(u32, u32)>; 7] = Default::default();
    let mut openings: BTreeMap<NaiveDate, Vec<(u32, u32)>> = BTreeMap::new();
    let mut holidays: Vec<Value> = Vec::new();
    for e in entries {
        if e.include {
            match &e.repeat {
                Repeat::Once => {
                    for (d, a, b) in pieces(e.start, e.end, MAX_OPENING_DAYS, &e.record)? {
                        openings.entry(d).or_default().push((a, b));
                    }
                }
                Repeat::Daily(1) => add_weekly(&mut week, e, &[0, 1, 2, 3, 4, 5, 6])?,
                Repeat::Weekly(days, 1) => add_weekly(&mut week, e, days)?,
                Repeat::Daily(_) | Repeat::Weekly(..) => {
                    return Err(unsupported(
                        &e.record,
                        "repeat_count",
                        "working time every n-th day or week: the calendar's weekly hours are the same every week",
                    ));
                }
                _ => {
                    return Err(unsupported(
                        &e.record,
                        "repeat_type",
                        "working time that repeats monthly or yearly: the calendar's hours are weekly (one-off dates are overrides)",
                    ));
                }
            }
            if e.until.is_some() && e.repeat != Repeat::Once {
                return Err(unsupported(
                    &e.record,
                    "repeat_until",
                    "weekly working hours that end: the calendar's weekly hours do not end (split the schedule, or import it as of today)",
                ));
            }
        } else {
            holidays.extend(exclusion(e)?);
        }
    }
    let mut hours = Map::new();
    for (i, list) in week.iter().enumerate() {
        if !list.is_empty() {
            hours.insert(DAYS[i].into(), interval_list(&merge(list.clone())));
        }
    }
    let mut overrides = Vec::new();
    for (date, list) in openings {
        let mut all = list;
        all.extend(
            week[date.weekday().num_days_from_monday() as usize]
                .iter()
                .copied(),
        );
        overrides.push(json!({"date": date.to_string(), "hours": interval_list(&merge(all))}));
    }
    if hours.is_empty() && overrides.is_empty() {
        return Err(unsupported(
            &s.record,
            "(entries)",
            "the schedule has no include entry: it is never open",
        ));
    }
    let mut doc = Map::new();
    doc.insert("time_zone".into(), Value::String(tz.name().into()));
    doc.insert("hours".into(), Value::Object(hours));
    if !holidays.is_empty() {
        doc.insert("holidays".into(), Value::Array(holidays));
    }
    if !overrides.is_empty() {
        doc.insert("overrides".into(), Value::Array(overrides));
    }
    Ok(Value::Object(doc))
}

/// A weekly include entry: its pieces on the weekdays `days` (shifted by the entry's own
/// span past midnight).
fn add_weekly(week: &mut [Vec<(u32, u32)>; 7], e: &Entry, days: &[usize]) -> Result<()> {
    let first = e.start.date();
    for (d, a, b) in pieces(e.start, e.end, 7, &e.record)? {
        if (d - first).num_days() >= 7 {
            return Err(unsupported(
                &e.record,
                "end_date_time",
                "a weekly entry longer than a week",
            ));
        }
        let shift = (d - first).num_days() as usize;
        for &day in days {
            week[(day + shift) % 7].push((a, b));
        }
    }
    Ok(())
}

/// The holidays of an exclusion.
fn exclusion(e: &Entry) -> Result<Vec<Value>> {
    let name = |doc: &mut Map<String, Value>| {
        if let Some(n) = &e.name {
            doc.insert("name".into(), Value::String(n.clone()));
        }
    };
    if e.repeat == Repeat::Once {
        // Whole days in one range; a partial first and last day on their own (computed, not
        // walked day by day: an entry may span centuries).
        let mut out = Vec::new();
        let partial = |d: NaiveDate, a: u32, b: u32| {
            let mut doc = Map::new();
            name(&mut doc);
            doc.insert("date".into(), Value::String(d.to_string()));
            doc.insert(
                "hours".into(),
                Value::String(format!("{}-{}", clock(a), clock(b))),
            );
            Value::Object(doc)
        };
        let (sd, ed) = (e.start.date(), e.end.date());
        let (s, t) = (
            e.start.num_seconds_from_midnight(),
            e.end.num_seconds_from_midnight(),
        );
        if sd == ed {
            return Ok(vec![partial(sd, s, t)]);
        }
        let first_whole = if s == 0 { sd } else { sd + Duration::days(1) };
        let last_whole = ed - Duration::days(1);
        if s != 0 {
            out.push(partial(sd, s, 86_400));
        }
        if first_whole <= last_whole {
            let mut doc = Map::new();
            name(&mut doc);
            if first_whole == last_whole {
                doc.insert("date".into(), Value::String(first_whole.to_string()));
            } else {
                doc.insert("from".into(), Value::String(first_whole.to_string()));
                doc.insert("to".into(), Value::String(last_whole.to_string()));
            }
            out.push(Value::Object(doc));
        }
        if t != 0 {
            out.push(partial(ed, 0, t));
        }
        return Ok(out);
    }
    let parts = pieces(e.start, e.end, 1, &e.record)?;
    let [(_, a, b)] = parts.as_slice() else {
        return Err(unsupported(
            &e.record,
            "end_date_time",
            "a repeating exclusion longer than one day: the calendar's recurring holidays are one day each (make one entry per day)",
        ));
    };
    let mut doc = Map::new();
    name(&mut doc);
    let wd = |i: usize| Value::String(DAYS[i].into());
    let every = |n: i64, rule: &mut Map<String, Value>| {
        if n != 1 {
            rule.insert("every".into(), json!(n));
        }
    };
    match &e.repeat {
        Repeat::Once => unreachable!("handled above"),
        Repeat::Daily(n) => {
            let mut rule = Map::new();
            rule.insert("unit".into(), json!("day"));
            every(*n, &mut rule);
            doc.insert("recurs".into(), Value::Object(rule));
        }
        Repeat::Weekly(days, n) => {
            let mut rule = Map::new();
            rule.insert("unit".into(), json!("week"));
            every(*n, &mut rule);
            rule.insert(
                "weekdays".into(),
                Value::Array(days.iter().map(|&d| wd(d)).collect()),
            );
            doc.insert("recurs".into(), Value::Object(rule));
        }
        Repeat::MonthDay(n, day) => {
            let mut rule = Map::new();
            rule.insert("unit".into(), json!("month"));
            every(*n, &mut rule);
            rule.insert("day".into(), json!(day));
            doc.insert("recurs".into(), Value::Object(rule));
        }
        Repeat::MonthNth(n, nth, day) => {
            let mut rule = Map::new();
            rule.insert("unit".into(), json!("month"));
            every(*n, &mut rule);
            rule.insert("nth".into(), json!(nth));
            rule.insert("weekday".into(), wd(*day));
            doc.insert("recurs".into(), Value::Object(rule));
        }
        Repeat::YearDay(1, m, d) => {
            doc.insert("yearly".into(), Value::String(format!("{m:02}-{d:02}")));
        }
        Repeat::YearDay(n, m, d) => {
            doc.insert(
                "recurs".into(),
                json!({"unit": "year", "every": n, "month": m, "day": d}),
            );
        }
        Repeat::YearNth(1, m, nth, day) => {
            doc.insert(
                "yearly".into(),
                json!({"month": m, "weekday": DAYS[*day], "nth": nth}),
            );
        }
        Repeat::YearNth(n, m, nth, day) => {
            doc.insert(
                "recurs".into(),
                json!({"unit": "year", "every": n, "month": m, "nth": nth, "weekday": DAYS[*day]}),
            );
        }
    }
    if *a != 0 || *b != 86_400 {
        doc.insert(
            "hours".into(),
            Value::String(format!("{}-{}", clock(*a), clock(*b))),
        );
    }
    doc.insert("starts".into(), Value::String(e.start.date().to_string()));
    if let Some(u) = e.until {
        doc.insert("until".into(), Value::String(u.to_string()));
    }
    Ok(vec![Value::Object(doc)])
}
