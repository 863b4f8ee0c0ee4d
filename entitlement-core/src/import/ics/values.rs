//! Property values: `DATE`, `DATE-TIME` (floating, UTC or in a `TZID`) and `DURATION`, and the
//! context of one event that messages name.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use chrono_tz::Tz;

use super::lines::{Component, Property, preview};
use crate::calendar::zone::local_to_utc;
use crate::error::{Error, Result};
use crate::import::{Warning, unsupported};

/// Where a date-time's wall time lives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Frame {
    /// No zone: read in the target calendar's zone.
    Floating,
    Utc,
    Zone(Tz),
}

/// A `DATE` or `DATE-TIME` value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum When {
    Date(NaiveDate),
    Time(NaiveDateTime, Frame),
}

/// The context of one event, for messages.
pub(super) struct Ctx<'a> {
    pub(super) source: &'a str,
    pub(super) label: String,
    /// TZIDs defined by VTIMEZONE components of the feed.
    pub(super) vtimezones: &'a [String],
    pub(super) tz: Tz,
}

impl Ctx<'_> {
    pub(super) fn err(&self, prop: &Property, field: &str, reason: impl Into<String>) -> Error {
        self.err_at(prop.line, field, reason)
    }
    pub(super) fn err_at(&self, line: usize, field: &str, reason: impl Into<String>) -> Error {
        unsupported(
            &format!("{}, {}, line {line}", self.source, self.label),
            field,
            reason,
        )
    }
    pub(super) fn warn(&self, field: &str, message: impl Into<String>) -> Warning {
        Warning {
            record: format!("{}, {}", self.source, self.label),
            field: field.to_string(),
            message: message.into(),
        }
    }
}

pub(super) fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

pub(super) fn parse_date_value(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 || !s.is_ascii() {
        return None;
    }
    let y = digits(&s[..4])?;
    let d = NaiveDate::from_ymd_opt(y as i32, digits(&s[4..6])?, digits(&s[6..8])?)?;
    (1..=9999).contains(&d.year()).then_some(d)
}

/// Whether a date lies in the engine's years, 1 to 9999. A date the import would write outside
/// them (an event pushed past 9999-12-31 by its DURATION or by the calendar's time zone, or
/// before 0001-01-01 by the zone) is refused at import, naming the event and the field.
pub(super) fn in_years(d: NaiveDate) -> bool {
    (1..=9999).contains(&d.year())
}

pub(super) const OUTSIDE_YEARS: &str =
    "the event falls outside years 1 to 9999 in the calendar's time zone";

pub(super) fn parse_time_value(s: &str) -> Option<(NaiveTime, bool)> {
    let (s, utc) = match s.strip_suffix('Z') {
        Some(r) => (r, true),
        None => (s, false),
    };
    if s.len() != 6 || !s.is_ascii() {
        return None;
    }
    let t = NaiveTime::from_hms_opt(digits(&s[..2])?, digits(&s[2..4])?, digits(&s[4..6])?)?;
    Some((t, utc))
}

/// The zone a `TZID` parameter names.
pub(super) fn zone_of(ctx: &Ctx<'_>, prop: &Property, field: &str) -> Result<Option<Tz>> {
    let Some(tzid) = prop.param("TZID") else {
        return Ok(None);
    };
    if let Ok(tz) = tzid.parse::<Tz>() {
        return Ok(Some(tz));
    }
    let reason = if ctx.vtimezones.iter().any(|t| t == tzid) {
        format!(
            "TZID {tzid:?} is defined only by the feed's VTIMEZONE, not an IANA time zone name; \
             re-export the feed with IANA zone ids (such as America/New_York)"
        )
    } else {
        format!("TZID {tzid:?} is not an IANA time zone name (such as America/New_York)")
    };
    Err(ctx.err(prop, &format!("{field} TZID"), reason))
}

/// Parses one `DATE` or `DATE-TIME` text of `prop`.
pub(super) fn parse_when(
    ctx: &Ctx<'_>,
    prop: &Property,
    field: &str,
    text: &str,
    zone: Option<Tz>,
) -> Result<When> {
    let value_type = prop.param("VALUE").map(str::to_ascii_uppercase);
    let text = text.trim();
    let bad = |what: &str| {
        ctx.err(
            prop,
            field,
            format!("{} is not a valid {what}", preview(text)),
        )
    };
    match value_type.as_deref() {
        Some("DATE") => parse_date_value(text)
            .map(When::Date)
            .ok_or_else(|| bad("DATE (YYYYMMDD)")),
        None | Some("DATE-TIME") => {
            if value_type.is_none()
                && let Some(d) = parse_date_value(text)
            {
                return Ok(When::Date(d));
            }
            let Some((d, t)) = text.split_once('T') else {
                return Err(bad("DATE-TIME (YYYYMMDDTHHMMSS, optionally with Z)"));
            };
            let date = parse_date_value(d).ok_or_else(|| bad("DATE-TIME (YYYYMMDDTHHMMSS)"))?;
            let (time, utc) =
                parse_time_value(t).ok_or_else(|| bad("DATE-TIME (YYYYMMDDTHHMMSS)"))?;
            let frame = match (utc, zone) {
                (true, _) => Frame::Utc,
                (false, Some(tz)) => Frame::Zone(tz),
                (false, None) => Frame::Floating,
            };
            Ok(When::Time(date.and_time(time), frame))
        }
        Some(other) => Err(ctx.err(
            prop,
            &format!("{field} VALUE"),
            format!("VALUE={other} is not supported here; expected DATE or DATE-TIME"),
        )),
    }
}

pub(super) fn single<'a>(
    ctx: &Ctx<'_>,
    event: &'a Component,
    name: &str,
) -> Result<Option<&'a Property>> {
    let mut it = event.properties.iter().filter(|p| p.name == name);
    let first = it.next();
    if let Some(second) = it.next() {
        return Err(ctx.err(
            second,
            name,
            format!("{name} appears more than once in one VEVENT"),
        ));
    }
    Ok(first)
}

/// An RFC 5545 duration: nominal days (weeks are 7 days) and exact seconds.
pub(super) fn parse_duration(text: &str) -> Option<(i64, i64, bool)> {
    let text = text.trim();
    let (neg, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let rest = rest.strip_prefix('P')?;
    let (date_part, time_part) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut days: i64 = 0;
    let mut secs: i64 = 0;
    let mut any = false;
    let mut num = String::new();
    for c in date_part.chars() {
        match c {
            '0'..='9' if num.len() < 9 => num.push(c),
            'W' | 'D' if !num.is_empty() => {
                let n: i64 = num.parse().ok()?;
                days = days.checked_add(if c == 'W' { n * 7 } else { n })?;
                num.clear();
                any = true;
            }
            _ => return None,
        }
    }
    if !num.is_empty() {
        return None;
    }
    if let Some(t) = time_part {
        if t.is_empty() {
            return None;
        }
        for c in t.chars() {
            match c {
                '0'..='9' if num.len() < 9 => num.push(c),
                'H' | 'M' | 'S' if !num.is_empty() => {
                    let n: i64 = num.parse().ok()?;
                    let unit = match c {
                        'H' => 3600,
                        'M' => 60,
                        _ => 1,
                    };
                    secs = secs.checked_add(n * unit)?;
                    num.clear();
                    any = true;
                }
                _ => return None,
            }
        }
        if !num.is_empty() {
            return None;
        }
    }
    any.then_some((days, secs, neg))
}

pub(super) fn instant(when: NaiveDateTime, frame: Frame, target: Tz) -> i64 {
    let secs = when.time().num_seconds_from_midnight();
    match frame {
        Frame::Floating => local_to_utc(target, when.date(), secs),
        Frame::Zone(tz) => local_to_utc(tz, when.date(), secs),
        Frame::Utc => when.and_utc().timestamp_micros(),
    }
}

pub(super) fn local(us: i64, tz: Tz) -> Option<NaiveDateTime> {
    chrono::DateTime::from_timestamp_micros(us).map(|t| t.with_timezone(&tz).naive_local())
}

pub(super) fn hhmm(secs: u32) -> String {
    if secs == 86_400 {
        "24:00".into()
    } else if secs.is_multiple_of(60) {
        format!("{:02}:{:02}", secs / 3600, secs / 60 % 60)
    } else {
        format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    }
}

pub(super) fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(super) fn weekday_key(w: Weekday) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][w.num_days_from_monday() as usize]
}

pub(super) fn is_utc(tz: Tz) -> bool {
    matches!(
        tz.name(),
        "UTC"
            | "Etc/UTC"
            | "Etc/UCT"
            | "UCT"
            | "Etc/Universal"
            | "Universal"
            | "Etc/Zulu"
            | "Zulu"
            | "GMT"
            | "Etc/GMT"
            | "Etc/GMT0"
            | "Etc/GMT+0"
            | "Etc/GMT-0"
            | "GMT0"
            | "GMT+0"
            | "GMT-0"
            | "Etc/Greenwich"
            | "Greenwich"
    )
}

/// The date of an `UNTIL` or `EXDATE` value in the target zone's wall time.
pub(super) fn local_date_time(when: When, tz: Tz) -> Option<NaiveDateTime> {
    match when {
        When::Date(d) => Some(d.and_time(NaiveTime::MIN)),
        When::Time(t, frame) => local(instant(t, frame, tz), tz),
    }
}
