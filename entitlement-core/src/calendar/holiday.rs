//! Holidays: one-off dates, inclusive date ranges, yearly rules (month/day, n-th or last weekday,
//! an offset from Western Easter), general recurrences (`recurs`: every n days, weeks, months or
//! years, the shapes Salesforce and iCalendar feeds use), bounds (`starts`, `until`) and
//! exceptions (`except`) on recurring rules, partial-day hours, and observed-day shifts.
//!
//! Design note (docs/semantics.md, "Holidays"): a shifted holiday is closed on its observed day
//! only; `next_weekday` skips days that are already holidays, in date order, so that Christmas on
//! a Saturday moves to Monday and Boxing Day on the Sunday to Tuesday, as UK substitute days.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde_json::Value;

use super::hours::{LocalSpan, parse_span};
use crate::document::{
    as_date, as_i64, as_object, as_str, check_keys, index_path, key_path, type_name,
};
use crate::error::{Error, Result, excerpt};

/// How a holiday that falls on a weekend moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Observed {
    /// It stays where it falls.
    Actual,
    /// Saturday to Friday, Sunday to Monday (US federal holidays).
    NearestWeekday,
    /// Saturday or Sunday to the next weekday that is not already a holiday (UK substitute days;
    /// the `holidays` package's `SAT_SUN_TO_NEXT_WORKDAY`).
    NextWeekday,
    /// Saturday or Sunday to the Friday before (`SAT_SUN_TO_PREV_FRI`).
    PreviousFriday,
    /// Saturday or Sunday to the Monday after (`SAT_SUN_TO_NEXT_MON`).
    NextMonday,
    /// Saturday to Monday, Sunday to Tuesday: the second of two adjacent holidays, such as
    /// Boxing Day after a Christmas moved to Monday (`SAT_SUN_TO_NEXT_MON_TUE`).
    NextMondayOrTuesday,
    /// Saturday to the workday before, Sunday to the workday after, skipping days that are
    /// already holidays (`SAT_TO_PREV_WORKDAY + SUN_TO_NEXT_WORKDAY`).
    NearestWorkday,
    /// Saturday or Sunday to the workday before, skipping days that are already holidays
    /// (`SAT_SUN_TO_PREV_WORKDAY`).
    PreviousWorkday,
}

impl Observed {
    /// The document's spelling of each rule, in the order the errors list them.
    pub(crate) const KEYS: [(&'static str, Observed); 8] = [
        ("none", Observed::Actual),
        ("nearest_weekday", Observed::NearestWeekday),
        ("next_weekday", Observed::NextWeekday),
        ("previous_friday", Observed::PreviousFriday),
        ("next_monday", Observed::NextMonday),
        ("next_monday_or_tuesday", Observed::NextMondayOrTuesday),
        ("nearest_workday", Observed::NearestWorkday),
        ("previous_workday", Observed::PreviousWorkday),
    ];
}

/// When a holiday happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rule {
    Date(NaiveDate),
    Range(NaiveDate, NaiveDate),
    MonthDay {
        month: u32,
        day: u32,
    },
    NthWeekday {
        month: u32,
        weekday: Weekday,
        nth: i32,
    },
    Easter {
        offset: i32,
    },
    Recurs(Recurs),
    /// A sorted table of dates (the built-in country holidays' lunar and one-off dates).
    Dates(&'static [NaiveDate]),
}

/// The unit of a general recurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// Which day(s) of a month a monthly or yearly recurrence picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pick {
    /// A day of the month; months without it are skipped.
    Day(u32),
    /// The n-th (or, negative, n-th last) day of the month whose weekday is in the mask.
    Nth { nth: i32, weekdays: u8 },
}

/// `recurs`: every `every` units from `start`, as Salesforce `RecurrenceType` and RFC 5545
/// `RRULE` describe them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Recurs {
    pub every: u32,
    pub unit: Unit,
    /// Weekday mask (Monday = bit 0 … Sunday = bit 6) for weekly recurrences.
    pub weekdays: u8,
    /// The first day of a week when counting every n weeks.
    pub week_start: Weekday,
    /// The day(s) picked in a month (monthly and yearly).
    pub pick: Option<Pick>,
    /// The month of a yearly recurrence.
    pub month: u32,
    /// The anchor: occurrences are counted from this date and none falls before it.
    pub start: NaiveDate,
}

/// One holiday of a calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Holiday {
    pub rule: Rule,
    /// Local spans closed on the date; `None` closes the whole day.
    pub hours: Option<Vec<LocalSpan>>,
    pub observed: Observed,
    /// Recurring rules only: no occurrence (natural date) before this date.
    pub starts: Option<NaiveDate>,
    /// Recurring rules only: no occurrence (natural date) after this date.
    pub until: Option<NaiveDate>,
    /// Recurring rules only: natural dates that are skipped (iCalendar `EXDATE`), sorted.
    pub except: Vec<NaiveDate>,
}

/// One dated closure: the date and the holiday it comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Occurrence<'a> {
    pub date: NaiveDate,
    pub holiday: &'a Holiday,
}

/// The first local date from which a single whole-day holiday closes every day to the end of
/// year 9999 and no override opens: a date range reaching 9999-12-31, or a daily (or every
/// weekday, weekly) recurrence without end that stays on its dates. Searches stop there instead
/// of proving each year to 9999 closed (0.7 s a calendar; a union of 256 of them took minutes).
pub(crate) fn closed_from(
    holidays: &[Holiday],
    overrides: &BTreeMap<NaiveDate, Vec<LocalSpan>>,
) -> Option<NaiveDate> {
    let end = NaiveDate::from_ymd_opt(9999, 12, 31)?;
    let from = holidays
        .iter()
        .filter(|h| h.hours.is_none())
        .filter_map(|h| match &h.rule {
            Rule::Range(a, b) if *b >= end => Some(*a),
            Rule::Recurs(r)
                if h.observed == Observed::Actual
                    && h.until.is_none_or(|u| u >= end)
                    && r.every == 1
                    && (r.unit == Unit::Day || (r.unit == Unit::Week && r.weekdays == 0x7f)) =>
            {
                let start = h.starts.map_or(r.start, |s| s.max(r.start));
                match h.except.last() {
                    Some(last) if *last >= start => last.succ_opt(),
                    _ => Some(start),
                }
            }
            _ => None,
        })
        .min()?;
    // An override opens on its own date whatever the holidays say.
    match overrides.iter().rev().find(|(_, spans)| !spans.is_empty()) {
        Some((d, _)) if *d >= from => d.succ_opt(),
        _ => Some(from),
    }
}

fn parse_weekday(v: &Value, path: &str) -> Result<Weekday> {
    let text = as_str(v, path, "a weekday (mon, tue, wed, thu, fri, sat, sun)")?;
    weekday_from_key(text).ok_or_else(|| Error::InvalidValue {
        path: path.to_string(),
        reason: format!(
            "unknown weekday {}; expected one of mon, tue, wed, thu, fri, sat, sun",
            excerpt(text)
        ),
    })
}

pub(crate) fn weekday_from_key(text: &str) -> Option<Weekday> {
    Some(match text {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

fn parse_month(v: &Value, path: &str) -> Result<u32> {
    let m = as_i64(v, path, "a month number 1-12")?;
    if !(1..=12).contains(&m) {
        return Err(Error::InvalidValue {
            path: path.to_string(),
            reason: format!("month {m} does not exist; expected 1-12"),
        });
    }
    Ok(m as u32)
}

fn month_day(month: u32, day: i64, path: &str, shown: &str) -> Result<(u32, u32)> {
    // 2024 is a leap year, so February 29 is accepted (and skipped in other years).
    if !(1..=31).contains(&day) || NaiveDate::from_ymd_opt(2024, month, day as u32).is_none() {
        return Err(Error::InvalidDate {
            path: path.to_string(),
            value: shown.to_string(),
            reason: format!("month {month} has no day {day}"),
        });
    }
    Ok((month, day as u32))
}

fn parse_yearly(v: &Value, path: &str) -> Result<Rule> {
    match v {
        Value::String(text) => {
            let bad = || Error::InvalidDate {
                path: path.to_string(),
                value: text.clone(),
                reason: "expected a yearly date as \"MM-DD\", such as \"12-25\"".into(),
            };
            let (m, d) = text.split_once('-').ok_or_else(bad)?;
            if m.len() != 2 || d.len() != 2 {
                return Err(bad());
            }
            let m: u32 = m.parse().map_err(|_| bad())?;
            let d: i64 = d.parse().map_err(|_| bad())?;
            if !(1..=12).contains(&m) {
                return Err(bad());
            }
            let (month, day) = month_day(m, d, path, text)?;
            Ok(Rule::MonthDay { month, day })
        }
        Value::Object(map) => {
            if let Some(offset) = map.get("easter") {
                check_keys(map, path, &["easter"])?;
                let p = key_path(path, "easter");
                let offset = as_i64(offset, &p, "a whole number of days from Easter Sunday")?;
                if !(-366..=366).contains(&offset) {
                    return Err(Error::InvalidValue {
                        path: p,
                        reason: format!(
                            "an Easter offset of {offset} days is more than a year; expected -366 to 366"
                        ),
                    });
                }
                return Ok(Rule::Easter {
                    offset: offset as i32,
                });
            }
            check_keys(map, path, &["month", "day", "weekday", "nth"])?;
            let month = parse_month(
                map.get("month").ok_or_else(|| Error::MissingKey {
                    path: path.to_string(),
                    key: "month".into(),
                })?,
                &key_path(path, "month"),
            )?;
            match (map.get("day"), map.get("weekday"), map.get("nth")) {
                (Some(day), None, None) => {
                    let p = key_path(path, "day");
                    let day = as_i64(day, &p, "a day of the month 1-31")?;
                    let (month, day) = month_day(month, day, &p, &day.to_string())?;
                    Ok(Rule::MonthDay { month, day })
                }
                (None, Some(weekday), Some(nth)) => {
                    let weekday = parse_weekday(weekday, &key_path(path, "weekday"))?;
                    let p = key_path(path, "nth");
                    let nth = as_i64(nth, &p, "1 to 5, or -1 (last) to -5")?;
                    if nth == 0 || !(-5..=5).contains(&nth) {
                        return Err(Error::InvalidValue {
                            path: p,
                            reason: format!(
                                "nth {nth} is not valid; expected 1 to 5, or -1 (last) to -5"
                            ),
                        });
                    }
                    Ok(Rule::NthWeekday {
                        month,
                        weekday,
                        nth: nth as i32,
                    })
                }
                _ => Err(Error::InvalidValue {
                    path: path.to_string(),
                    reason: "a yearly rule is {month, day}, {month, weekday, nth} or {easter}"
                        .into(),
                }),
            }
        }
        other => Err(Error::InvalidType {
            path: path.to_string(),
            expected: "\"MM-DD\" or a mapping {month, day} / {month, weekday, nth} / {easter}"
                .into(),
            found: type_name(other),
        }),
    }
}

/// Parses one holiday entry of a calendar document.
pub(crate) fn parse_holiday(v: &Value, path: &str) -> Result<Holiday> {
    let map = as_object(v, path)?;
    check_keys(
        map,
        path,
        &[
            "name", "date", "from", "to", "yearly", "recurs", "starts", "until", "except", "hours",
            "observed",
        ],
    )?;
    if let Some(name) = map.get("name") {
        as_str(name, &key_path(path, "name"), "a string")?;
    }
    let starts = match map.get("starts") {
        Some(v) => Some(as_date(v, &key_path(path, "starts"))?),
        None => None,
    };
    let until = match map.get("until") {
        Some(v) => Some(as_date(v, &key_path(path, "until"))?),
        None => None,
    };
    if let (Some(a), Some(b)) = (starts, until)
        && b < a
    {
        return Err(Error::InvalidValue {
            path: key_path(path, "until"),
            reason: format!("`until` ({b}) is before `starts` ({a})"),
        });
    }
    let mut except = Vec::new();
    if let Some(v) = map.get("except") {
        let p = key_path(path, "except");
        let items = crate::document::as_array(v, &p)?;
        for (i, item) in items.iter().enumerate() {
            except.push(as_date(item, &index_path(&p, i))?);
        }
        except.sort();
        except.dedup();
    }
    if map.contains_key("recurs")
        && ["date", "from", "to", "yearly"]
            .iter()
            .any(|k| map.contains_key(*k))
    {
        return Err(Error::InvalidValue {
            path: path.to_string(),
            reason: "a holiday needs exactly one of `date`, `from` + `to`, `yearly` or `recurs`"
                .into(),
        });
    }
    let rule = match (
        map.get("date"),
        map.get("from"),
        map.get("to"),
        map.get("yearly").or(map.get("recurs")),
    ) {
        (Some(d), None, None, None) => Rule::Date(as_date(d, &key_path(path, "date"))?),
        (None, Some(f), Some(t), None) => {
            let from = as_date(f, &key_path(path, "from"))?;
            let to = as_date(t, &key_path(path, "to"))?;
            if to < from {
                return Err(Error::InvalidValue {
                    path: key_path(path, "to"),
                    reason: format!(
                        "the range ends ({to}) before it starts ({from}); `to` is inclusive and must not precede `from`"
                    ),
                });
            }
            Rule::Range(from, to)
        }
        (None, None, None, Some(_)) if map.contains_key("recurs") => {
            let start = starts.ok_or_else(|| Error::MissingKey {
                path: path.to_string(),
                key: "starts".into(),
            })?;
            Rule::Recurs(parse_recurs(
                &map["recurs"],
                &key_path(path, "recurs"),
                start,
            )?)
        }
        (None, None, None, Some(y)) => parse_yearly(y, &key_path(path, "yearly"))?,
        (None, Some(_), None, None) => {
            return Err(Error::MissingKey {
                path: path.to_string(),
                key: "to".into(),
            });
        }
        (None, None, Some(_), None) => {
            return Err(Error::MissingKey {
                path: path.to_string(),
                key: "from".into(),
            });
        }
        _ => {
            return Err(Error::InvalidValue {
                path: path.to_string(),
                reason:
                    "a holiday needs exactly one of `date`, `from` + `to`, `yearly` or `recurs`"
                        .into(),
            });
        }
    };
    let hours = match map.get("hours") {
        None => None,
        Some(Value::String(s)) => Some(vec![parse_span(s, &key_path(path, "hours"))?]),
        Some(Value::Array(items)) => {
            let p = key_path(path, "hours");
            let mut spans = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let ip = index_path(&p, i);
                spans.push(parse_span(
                    as_str(item, &ip, "an interval \"HH:MM-HH:MM\"")?,
                    &ip,
                )?);
            }
            if spans.is_empty() {
                return Err(Error::InvalidValue {
                    path: p,
                    reason: "an empty list closes nothing; omit `hours` to close the whole day"
                        .into(),
                });
            }
            Some(spans)
        }
        Some(other) => {
            return Err(Error::InvalidType {
                path: key_path(path, "hours"),
                expected: "an interval \"HH:MM-HH:MM\" or a list of them".into(),
                found: type_name(other),
            });
        }
    };
    let observed = match map.get("observed") {
        None => Observed::Actual,
        Some(v) => {
            let p = key_path(path, "observed");
            let keys = || {
                Observed::KEYS
                    .iter()
                    .map(|(k, _)| *k)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let text = as_str(v, &p, &format!("one of {}", keys()))?;
            match Observed::KEYS.iter().find(|(k, _)| *k == text) {
                Some((_, o)) => *o,
                None => {
                    return Err(Error::InvalidValue {
                        path: p,
                        reason: format!(
                            "unknown observed rule {}; expected one of {}",
                            excerpt(text),
                            keys()
                        ),
                    });
                }
            }
        }
    };
    if observed != Observed::Actual && matches!(rule, Rule::Range(..)) {
        return Err(Error::InvalidValue {
            path: key_path(path, "observed"),
            reason: "an observed-day shift applies to single days, not to a date range".into(),
        });
    }
    if !matches!(
        rule,
        Rule::Recurs(_) | Rule::MonthDay { .. } | Rule::NthWeekday { .. } | Rule::Easter { .. }
    ) {
        for key in ["starts", "until", "except"] {
            if map.contains_key(key) {
                return Err(Error::InvalidValue {
                    path: key_path(path, key),
                    reason: format!(
                        "`{key}` bounds a recurring holiday (`yearly` or `recurs`); a dated holiday has no occurrences to bound"
                    ),
                });
            }
        }
    }
    Ok(Holiday {
        rule,
        hours,
        observed,
        starts,
        until,
        except,
    })
}

fn weekday_mask(v: &Value, path: &str) -> Result<u8> {
    let items = crate::document::as_array(v, path)?;
    let mut mask = 0u8;
    for (i, item) in items.iter().enumerate() {
        let d = parse_weekday(item, &index_path(path, i))?;
        mask |= 1 << d.num_days_from_monday();
    }
    if mask == 0 {
        return Err(Error::InvalidValue {
            path: path.to_string(),
            reason: "an empty list of weekdays picks no day; name at least one".into(),
        });
    }
    Ok(mask)
}

fn parse_pick(map: &serde_json::Map<String, Value>, path: &str) -> Result<Pick> {
    let weekdays = match (map.get("weekday"), map.get("weekdays")) {
        (Some(_), Some(_)) => {
            return Err(Error::InvalidValue {
                path: path.to_string(),
                reason: "give `weekday` or `weekdays`, not both".into(),
            });
        }
        (Some(w), None) => {
            Some(1u8 << parse_weekday(w, &key_path(path, "weekday"))?.num_days_from_monday())
        }
        (None, Some(w)) => Some(weekday_mask(w, &key_path(path, "weekdays"))?),
        (None, None) => None,
    };
    match (map.get("day"), weekdays, map.get("nth")) {
        (Some(day), None, None) => {
            let p = key_path(path, "day");
            let day = as_i64(day, &p, "a day of the month 1-31")?;
            if !(1..=31).contains(&day) {
                return Err(Error::InvalidValue {
                    path: p,
                    reason: format!("no month has day {day}; expected 1-31"),
                });
            }
            Ok(Pick::Day(day as u32))
        }
        (None, Some(weekdays), Some(nth)) => {
            let p = key_path(path, "nth");
            let nth = as_i64(nth, &p, "1 to 5, or -1 (last) to -5")?;
            if nth == 0 || !(-5..=5).contains(&nth) {
                return Err(Error::InvalidValue {
                    path: p,
                    reason: format!("nth {nth} is not valid; expected 1 to 5, or -1 (last) to -5"),
                });
            }
            Ok(Pick::Nth {
                nth: nth as i32,
                weekdays,
            })
        }
        _ => Err(Error::InvalidValue {
            path: path.to_string(),
            reason:
                "a monthly or yearly recurrence picks `day`, or `nth` with `weekday` / `weekdays`"
                    .into(),
        }),
    }
}

fn parse_recurs(v: &Value, path: &str, start: NaiveDate) -> Result<Recurs> {
    let map = as_object(v, path)?;
    check_keys(
        map,
        path,
        &[
            "every",
            "unit",
            "weekdays",
            "weekday",
            "week_start",
            "day",
            "nth",
            "month",
        ],
    )?;
    let every = match map.get("every") {
        None => 1,
        Some(e) => {
            let p = key_path(path, "every");
            let n = as_i64(e, &p, "a whole number 1-1000")?;
            if !(1..=1000).contains(&n) {
                return Err(Error::InvalidValue {
                    path: p,
                    reason: format!("every {n} is not valid; expected 1 to 1000"),
                });
            }
            n as u32
        }
    };
    let up = key_path(path, "unit");
    let unit = match as_str(
        crate::document::required(map, path, "unit")?,
        &up,
        "day, week, month or year",
    )? {
        "day" => Unit::Day,
        "week" => Unit::Week,
        "month" => Unit::Month,
        "year" => Unit::Year,
        other => {
            return Err(Error::InvalidValue {
                path: up,
                reason: format!(
                    "unknown unit {}; expected day, week, month or year",
                    excerpt(other)
                ),
            });
        }
    };
    let allowed: &[&str] = match unit {
        Unit::Day => &["every", "unit"],
        Unit::Week => &["every", "unit", "weekdays", "week_start"],
        Unit::Month => &["every", "unit", "day", "nth", "weekday", "weekdays"],
        Unit::Year => &[
            "every", "unit", "day", "nth", "weekday", "weekdays", "month",
        ],
    };
    if let Some(k) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(Error::InvalidValue {
            path: key_path(path, k),
            reason: format!(
                "`{k}` does not apply to a recurrence by {}; keys there: {}",
                as_str(&map["unit"], &up, "")?,
                allowed.join(", ")
            ),
        });
    }
    let mut r = Recurs {
        every,
        unit,
        weekdays: 0,
        week_start: Weekday::Mon,
        pick: None,
        month: 0,
        start,
    };
    match unit {
        Unit::Day => {}
        Unit::Week => {
            r.weekdays = match map.get("weekdays") {
                Some(w) => weekday_mask(w, &key_path(path, "weekdays"))?,
                None => 1 << start.weekday().num_days_from_monday(),
            };
            if let Some(w) = map.get("week_start") {
                r.week_start = parse_weekday(w, &key_path(path, "week_start"))?;
            }
        }
        Unit::Month => r.pick = Some(parse_pick(map, path)?),
        Unit::Year => {
            r.month = parse_month(
                crate::document::required(map, path, "month")?,
                &key_path(path, "month"),
            )?;
            let pick = parse_pick(map, path)?;
            if let Pick::Day(d) = pick {
                month_day(
                    r.month,
                    i64::from(d),
                    &key_path(path, "day"),
                    &d.to_string(),
                )?;
            }
            r.pick = Some(pick);
        }
    }
    Ok(r)
}

/// Western (Gregorian) Easter Sunday, by the anonymous Gregorian algorithm.
pub(crate) fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

pub(crate) fn nth_weekday(year: i32, month: u32, weekday: Weekday, nth: i32) -> Option<NaiveDate> {
    if nth > 0 {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let shift =
            (7 + weekday.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
        let day = 1 + shift + 7 * (nth as u32 - 1);
        NaiveDate::from_ymd_opt(year, month, day)
    } else {
        let (ny, nm) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        let last = NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()?;
        let shift =
            (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
        let back = shift + 7 * ((-nth) as u32 - 1);
        let date = last.checked_sub_days(Days::new(u64::from(back)))?;
        (date.month() == month).then_some(date)
    }
}

/// The n-th (or n-th last) day of a month whose weekday is in `mask` (Monday = bit 0).
fn nth_in_set(year: i32, month: u32, mask: u8, nth: i32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let in_set = |d: &NaiveDate| mask & (1 << d.weekday().num_days_from_monday()) != 0;
    let days = first.iter_days().take_while(|d| d.month() == month);
    if nth > 0 {
        days.filter(in_set).nth(nth as usize - 1)
    } else {
        let v: Vec<NaiveDate> = days.filter(in_set).collect();
        v.len().checked_sub((-nth) as usize).map(|i| v[i])
    }
}

fn pick_in_month(pick: Pick, year: i32, month: u32) -> Option<NaiveDate> {
    match pick {
        Pick::Day(d) => NaiveDate::from_ymd_opt(year, month, d),
        Pick::Nth { nth, weekdays } => nth_in_set(year, month, weekdays, nth),
    }
}

/// The dates of a general recurrence in one year (before bounds and exceptions), in order.
fn recurs_dates(r: &Recurs, year: i32, out: &mut Vec<NaiveDate>) {
    if year < r.start.year() {
        return;
    }
    match r.unit {
        Unit::Day => {
            let Some(jan1) = NaiveDate::from_ymd_opt(year, 1, 1) else {
                return;
            };
            let mut d = if jan1 <= r.start {
                r.start
            } else {
                let gap = (jan1 - r.start).num_days();
                let skip = (i64::from(r.every) - gap % i64::from(r.every)) % i64::from(r.every);
                match jan1.checked_add_days(Days::new(skip as u64)) {
                    Some(d) => d,
                    None => return,
                }
            };
            while d.year() == year {
                out.push(d);
                match d.checked_add_days(Days::new(u64::from(r.every))) {
                    Some(n) => d = n,
                    None => break,
                }
            }
        }
        Unit::Week => {
            let week_of = |d: NaiveDate| {
                let back = (7 + d.weekday().num_days_from_monday()
                    - r.week_start.num_days_from_monday())
                    % 7;
                d.num_days_from_ce() - back as i32
            };
            let anchor = week_of(r.start);
            let Some(jan1) = NaiveDate::from_ymd_opt(year, 1, 1) else {
                return;
            };
            for d in jan1.iter_days().take_while(|d| d.year() == year) {
                if r.weekdays & (1 << d.weekday().num_days_from_monday()) != 0
                    && ((week_of(d) - anchor) / 7).rem_euclid(r.every as i32) == 0
                {
                    out.push(d);
                }
            }
        }
        Unit::Month => {
            let Some(pick) = r.pick else { return };
            let anchor = r.start.year() * 12 + r.start.month0() as i32;
            for month in 1..=12u32 {
                if (year * 12 + month as i32 - 1 - anchor).rem_euclid(r.every as i32) == 0
                    && let Some(d) = pick_in_month(pick, year, month)
                {
                    out.push(d);
                }
            }
        }
        Unit::Year => {
            if (year - r.start.year()).rem_euclid(r.every as i32) == 0
                && let Some(pick) = r.pick
                && let Some(d) = pick_in_month(pick, year, r.month)
            {
                out.push(d);
            }
        }
    }
}

/// The natural (unshifted) dates of a holiday in one year, bounds and exceptions applied.
pub(crate) fn natural_dates(h: &Holiday, year: i32, out: &mut Vec<NaiveDate>) {
    let at = out.len();
    match &h.rule {
        Rule::Recurs(r) => recurs_dates(r, year, out),
        Rule::Dates(dates) => {
            let from = dates.partition_point(|d| d.year() < year);
            out.extend(dates[from..].iter().take_while(|d| d.year() == year));
        }
        rule => out.extend(natural_date(rule, year)),
    }
    if h.starts.is_some() || h.until.is_some() || !h.except.is_empty() {
        let mut i = at;
        while i < out.len() {
            let d = out[i];
            let keep = h.starts.is_none_or(|s| d >= s)
                && h.until.is_none_or(|u| d <= u)
                && h.except.binary_search(&d).is_err();
            if keep {
                i += 1;
            } else {
                out.remove(i);
            }
        }
    }
}

fn natural_date(rule: &Rule, year: i32) -> Option<NaiveDate> {
    match *rule {
        Rule::MonthDay { month, day } => NaiveDate::from_ymd_opt(year, month, day),
        Rule::NthWeekday {
            month,
            weekday,
            nth,
        } => nth_weekday(year, month, weekday, nth),
        Rule::Easter { offset } => {
            let e = easter_sunday(year)?;
            if offset >= 0 {
                e.checked_add_days(Days::new(offset as u64))
            } else {
                e.checked_sub_days(Days::new(u64::from(offset.unsigned_abs())))
            }
        }
        Rule::Date(d) => (d.year() == year).then_some(d),
        Rule::Range(..) | Rule::Recurs(_) | Rule::Dates(_) => None,
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The day a holiday whose natural date is `d` is observed on. `taken` holds the days that are
/// already holidays; the rules that skip them (`*_workday`, `next_weekday`) add the day they
/// pick. The weekend is Saturday and Sunday (docs/calendars.md, "Observed days").
fn observed_date(
    observed: Observed,
    d: NaiveDate,
    taken: &mut BTreeSet<NaiveDate>,
) -> Option<NaiveDate> {
    let step = |d: NaiveDate, forward: bool| {
        if forward { d.succ_opt() } else { d.pred_opt() }
    };
    let mut workday = |forward: bool| {
        let mut c = step(d, forward);
        while let Some(x) = c {
            if is_weekend(x) || taken.contains(&x) {
                c = step(x, forward);
            } else {
                break;
            }
        }
        if let Some(x) = c {
            taken.insert(x);
        }
        c
    };
    match (observed, d.weekday()) {
        (Observed::Actual, _)
        | (_, Weekday::Mon | Weekday::Tue | Weekday::Wed | Weekday::Thu | Weekday::Fri) => Some(d),
        (Observed::NearestWeekday, Weekday::Sat) => d.pred_opt(),
        (Observed::NearestWeekday, Weekday::Sun) => d.succ_opt(),
        (Observed::NextWeekday, _) => workday(true),
        (Observed::PreviousFriday, Weekday::Sat) => d.pred_opt(),
        (Observed::PreviousFriday, Weekday::Sun) => d.checked_sub_days(Days::new(2)),
        (Observed::NextMonday, Weekday::Sat) => d.checked_add_days(Days::new(2)),
        (Observed::NextMonday, Weekday::Sun) => d.succ_opt(),
        (Observed::NextMondayOrTuesday, _) => d.checked_add_days(Days::new(2)),
        (Observed::NearestWorkday, Weekday::Sat) => workday(false),
        (Observed::NearestWorkday, Weekday::Sun) => workday(true),
        (Observed::PreviousWorkday, _) => workday(false),
    }
}

/// Every holiday occurrence whose (observed) date lies in `[from, to]`, in date order.
pub(crate) fn occurrences(
    holidays: &[Holiday],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Occurrence<'_>> {
    let mut out = Vec::new();
    // Observed shifts move a day by at most a few days, and next_weekday depends on the other
    // holidays around it: compute the natural dates of the years around the window, in order.
    let mut natural: Vec<(NaiveDate, usize)> = Vec::new();
    for (i, h) in holidays.iter().enumerate() {
        match h.rule {
            Rule::Range(a, b) => {
                let (a, b) = (a.max(from), b.min(to));
                let mut d = a;
                while d <= b {
                    out.push(Occurrence {
                        date: d,
                        holiday: h,
                    });
                    match d.succ_opt() {
                        Some(n) => d = n,
                        None => break,
                    }
                }
            }
            _ => {
                let mut dates = Vec::new();
                for year in (from.year() - 1)..=(to.year() + 1) {
                    natural_dates(h, year, &mut dates);
                }
                natural.extend(dates.into_iter().map(|d| (d, i)));
            }
        }
    }
    natural.sort();
    let mut taken: BTreeSet<NaiveDate> = natural
        .iter()
        .filter(|(d, i)| holidays[*i].observed == Observed::Actual || !is_weekend(*d))
        .map(|(d, _)| *d)
        .chain(out.iter().map(|o| o.date))
        .collect();
    for (d, i) in natural {
        let h = &holidays[i];
        let date = observed_date(h.observed, d, &mut taken);
        if let Some(date) = date
            && date >= from
            && date <= to
        {
            out.push(Occurrence { date, holiday: h });
        }
    }
    out.sort_by_key(|o| o.date);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_dates_match_published_tables() {
        assert_eq!(easter_sunday(2024), Some(ymd(2024, 3, 31)));
        assert_eq!(easter_sunday(2025), Some(ymd(2025, 4, 20)));
        assert_eq!(easter_sunday(2026), Some(ymd(2026, 4, 5)));
        assert_eq!(easter_sunday(2038), Some(ymd(2038, 4, 25)));
        assert_eq!(easter_sunday(2285), Some(ymd(2285, 3, 22)));
    }

    #[test]
    fn nth_and_last_weekdays() {
        assert_eq!(
            nth_weekday(2026, 11, Weekday::Thu, 4),
            Some(ymd(2026, 11, 26))
        );
        assert_eq!(
            nth_weekday(2026, 5, Weekday::Mon, -1),
            Some(ymd(2026, 5, 25))
        );
        assert_eq!(
            nth_weekday(2026, 12, Weekday::Thu, -1),
            Some(ymd(2026, 12, 31))
        );
        assert_eq!(nth_weekday(2026, 2, Weekday::Mon, 5), None);
    }

    #[test]
    fn uk_substitute_days_skip_taken_days() {
        let xmas = Holiday {
            rule: Rule::MonthDay { month: 12, day: 25 },
            hours: None,
            observed: Observed::NextWeekday,
            starts: None,
            until: None,
            except: Vec::new(),
        };
        let boxing = Holiday {
            rule: Rule::MonthDay { month: 12, day: 26 },
            ..xmas.clone()
        };
        let hs = [xmas, boxing];
        // 2021: Christmas on Saturday, Boxing Day on Sunday -> Monday 27 and Tuesday 28.
        let dates: Vec<_> = occurrences(&hs, ymd(2021, 12, 1), ymd(2021, 12, 31))
            .iter()
            .map(|o| o.date)
            .collect();
        assert_eq!(dates, vec![ymd(2021, 12, 27), ymd(2021, 12, 28)]);
        // 2022: Christmas on Sunday, Boxing Day on Monday -> Christmas moves to Tuesday 27.
        let dates: Vec<_> = occurrences(&hs, ymd(2022, 12, 1), ymd(2022, 12, 31))
            .iter()
            .map(|o| o.date)
            .collect();
        assert_eq!(dates, vec![ymd(2022, 12, 26), ymd(2022, 12, 27)]);
    }

    #[test]
    fn nearest_weekday_crosses_the_year_boundary() {
        let ny = Holiday {
            rule: Rule::MonthDay { month: 1, day: 1 },
            hours: None,
            observed: Observed::NearestWeekday,
            starts: None,
            until: None,
            except: Vec::new(),
        };
        // 2022-01-01 is a Saturday: observed Friday 2021-12-31.
        let dates: Vec<_> = occurrences(
            std::slice::from_ref(&ny),
            ymd(2021, 12, 1),
            ymd(2022, 1, 31),
        )
        .iter()
        .map(|o| o.date)
        .collect();
        assert_eq!(dates, vec![ymd(2021, 12, 31)]);
    }

    fn dated(month: u32, day: u32, observed: Observed) -> Holiday {
        Holiday {
            rule: Rule::MonthDay { month, day },
            hours: None,
            observed,
            starts: None,
            until: None,
            except: Vec::new(),
        }
    }

    fn dates_of(hs: &[Holiday], from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        occurrences(hs, from, to).iter().map(|o| o.date).collect()
    }

    #[test]
    fn previous_friday_and_next_monday_move_both_weekend_days() {
        // 2026-07-04 is a Saturday, 2027-07-04 a Sunday.
        let h = [dated(7, 4, Observed::PreviousFriday)];
        assert_eq!(
            dates_of(&h, ymd(2026, 7, 1), ymd(2026, 7, 31)),
            [ymd(2026, 7, 3)]
        );
        assert_eq!(
            dates_of(&h, ymd(2027, 7, 1), ymd(2027, 7, 31)),
            [ymd(2027, 7, 2)]
        );
        let h = [dated(7, 4, Observed::NextMonday)];
        assert_eq!(
            dates_of(&h, ymd(2026, 7, 1), ymd(2026, 7, 31)),
            [ymd(2026, 7, 6)]
        );
        assert_eq!(
            dates_of(&h, ymd(2027, 7, 1), ymd(2027, 7, 31)),
            [ymd(2027, 7, 5)]
        );
    }

    #[test]
    fn boxing_day_after_a_moved_christmas_takes_tuesday() {
        // 2021: Christmas on Saturday (to Monday 27), Boxing Day on Sunday (to Tuesday 28).
        let hs = [
            dated(12, 25, Observed::NextMonday),
            dated(12, 26, Observed::NextMondayOrTuesday),
        ];
        let got = dates_of(&hs, ymd(2021, 12, 1), ymd(2021, 12, 31));
        assert_eq!(got, [ymd(2021, 12, 27), ymd(2021, 12, 28)]);
        // 2020: Boxing Day on Saturday moves to Monday 28; Christmas stays on Friday.
        let got = dates_of(&hs, ymd(2020, 12, 1), ymd(2020, 12, 31));
        assert_eq!(got, [ymd(2020, 12, 25), ymd(2020, 12, 28)]);
    }

    #[test]
    fn workday_rules_skip_days_that_are_already_holidays() {
        // 2027-12-25 is a Saturday; Friday the 24th is a holiday too, so the nearest workday
        // before it is Thursday the 23rd.
        let hs = [
            dated(12, 24, Observed::Actual),
            dated(12, 25, Observed::NearestWorkday),
        ];
        let got = dates_of(&hs, ymd(2027, 12, 1), ymd(2027, 12, 31));
        assert_eq!(got, [ymd(2027, 12, 23), ymd(2027, 12, 24)]);
        // Sunday 2022-12-25 goes to the workday after: Monday 26 is Boxing Day, so Tuesday.
        let hs = [
            dated(12, 25, Observed::NearestWorkday),
            dated(12, 26, Observed::Actual),
        ];
        let got = dates_of(&hs, ymd(2022, 12, 1), ymd(2022, 12, 31));
        assert_eq!(got, [ymd(2022, 12, 26), ymd(2022, 12, 27)]);
        let hs = [
            dated(12, 25, Observed::PreviousWorkday),
            dated(12, 23, Observed::Actual),
        ];
        // Sunday 2022-12-25: Friday 23 is taken, so Thursday 22.
        let got = dates_of(&hs, ymd(2022, 12, 1), ymd(2022, 12, 31));
        assert_eq!(got, [ymd(2022, 12, 22), ymd(2022, 12, 23)]);
    }

    #[test]
    fn every_observed_rule_has_a_document_key() {
        for (key, o) in Observed::KEYS {
            let v = serde_json::json!({"yearly": "12-25", "observed": key});
            assert_eq!(parse_holiday(&v, "h").unwrap().observed, o, "{key}");
        }
        let bad = serde_json::json!({"yearly": "12-25", "observed": "next_tuesday"});
        let e = parse_holiday(&bad, "h").unwrap_err().to_string();
        assert!(e.contains("next_monday_or_tuesday"), "{e}");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        const RULES: [Observed; 8] = [
            Observed::Actual,
            Observed::NearestWeekday,
            Observed::NextWeekday,
            Observed::PreviousFriday,
            Observed::NextMonday,
            Observed::NextMondayOrTuesday,
            Observed::NearestWorkday,
            Observed::PreviousWorkday,
        ];

        proptest! {
            /// A lone holiday stays on a weekday, lands on a weekday when it moves (except
            /// `none`), moves at most two days, and in the rule's direction.
            #[test]
            fn a_lone_holiday_moves_to_a_weekday_in_the_rules_direction(
                day in 0u64..36_500, rule in 0usize..8,
            ) {
                let natural = ymd(2000, 1, 1) + Days::new(day);
                let observed = RULES[rule];
                let h = [Holiday {
                    rule: Rule::Date(natural),
                    ..dated(1, 1, observed)
                }];
                let from = natural - Days::new(7);
                let got = dates_of(&h, from, natural + Days::new(7));
                prop_assert_eq!(got.len(), 1);
                let d = got[0];
                if !is_weekend(natural) || observed == Observed::Actual {
                    prop_assert_eq!(d, natural);
                } else {
                    prop_assert!(!is_weekend(d));
                    prop_assert!((d - natural).num_days().abs() <= 2);
                    match observed {
                        Observed::PreviousFriday | Observed::PreviousWorkday => {
                            prop_assert!(d < natural)
                        }
                        Observed::NextWeekday | Observed::NextMonday
                        | Observed::NextMondayOrTuesday => prop_assert!(d > natural),
                        _ => {}
                    }
                }
            }

            /// The rules that skip holidays never move a holiday onto another one.
            #[test]
            fn workday_rules_never_land_on_another_holiday(
                day in 0u64..36_500, rule in 0usize..3, gap in 1u64..4,
            ) {
                let observed = [Observed::NextWeekday, Observed::NearestWorkday, Observed::PreviousWorkday][rule];
                let natural = ymd(2000, 1, 1) + Days::new(day);
                let hs = [
                    Holiday { rule: Rule::Date(natural), ..dated(1, 1, observed) },
                    Holiday { rule: Rule::Date(natural + Days::new(gap)), ..dated(1, 1, Observed::Actual) },
                    Holiday { rule: Rule::Date(natural - Days::new(gap)), ..dated(1, 1, Observed::Actual) },
                ];
                let got = dates_of(&hs, natural - Days::new(10), natural + Days::new(10));
                let mut unique = got.clone();
                unique.dedup();
                prop_assert_eq!(unique.len(), 3, "{:?}", got);
            }
        }
    }
}
