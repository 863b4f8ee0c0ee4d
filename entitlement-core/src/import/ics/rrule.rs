//! Yearly recurrence rules (`RRULE`): the parts a holiday feed uses, the day a rule picks in its
//! month, and its occurrences.

use chrono::{Datelike, NaiveDate, Timelike, Weekday};

use super::lines::{Property, preview};
use super::values::{Ctx, OUTSIDE_YEARS, When, in_years, local_date_time, parse_when};
use crate::error::{Error, Result};

/// The day(s) a yearly rule picks in its month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Pick {
    Day(u32),
    /// The n-th (negative: from the end) day of the month whose weekday is in the mask
    /// (Monday = bit 0).
    Nth {
        nth: i32,
        mask: u8,
    },
}

#[derive(Debug)]
pub(super) struct Yearly {
    pub(super) interval: u32,
    pub(super) month: u32,
    pub(super) pick: Pick,
    pub(super) count: Option<u32>,
    pub(super) until: Option<When>,
}

pub(super) fn nth_in_month(year: i32, month: u32, mask: u8, nth: i32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let days: Vec<NaiveDate> = first
        .iter_days()
        .take_while(|d| d.month() == month)
        .filter(|d| mask & (1 << d.weekday().num_days_from_monday()) != 0)
        .collect();
    if nth == 0 {
        None
    } else if nth > 0 {
        days.get(nth as usize - 1).copied()
    } else {
        days.len()
            .checked_sub(nth.unsigned_abs() as usize)
            .map(|i| days[i])
    }
}

pub(super) fn occurrence_in(rule: &Yearly, year: i32) -> Option<NaiveDate> {
    match rule.pick {
        Pick::Day(d) => NaiveDate::from_ymd_opt(year, rule.month, d),
        Pick::Nth { nth, mask } => nth_in_month(year, rule.month, mask, nth),
    }
}

pub(super) fn weekday_code(s: &str) -> Option<Weekday> {
    Some(match s {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

/// Parses an `RRULE` of a yearly holiday; `start` is the DTSTART date.
pub(super) fn parse_rrule(ctx: &Ctx<'_>, prop: &Property, start: NaiveDate) -> Result<Yearly> {
    let parts = read_parts(ctx, prop)?;
    check_frequency(ctx, prop, parts.freq.as_deref())?;
    if parts.count.is_some() && parts.until.is_some() {
        return Err(ctx.err(
            prop,
            "RRULE COUNT",
            "COUNT and UNTIL together are not allowed (RFC 5545 §3.3.10)",
        ));
    }
    let month = parts.bymonth.unwrap_or(start.month());
    let pick = pick_of(ctx, prop, &parts, start)?;
    Ok(Yearly {
        interval: parts.interval,
        month,
        pick,
        count: parts.count,
        until: parts.until,
    })
}

/// The parts of a rule as written, each read and checked on its own.
struct Parts {
    freq: Option<String>,
    interval: u32,
    count: Option<u32>,
    until: Option<When>,
    bymonth: Option<u32>,
    bymonthday: Option<i64>,
    byday: Option<Vec<(Option<i32>, Weekday)>>,
    bysetpos: Option<i32>,
}

/// One `KEY=value` part of a rule (both upper case), with what its messages name.
struct Part<'p> {
    ctx: &'p Ctx<'p>,
    prop: &'p Property,
    key: String,
    value: String,
}

impl Part<'_> {
    fn err(&self, reason: impl Into<String>) -> Error {
        self.ctx
            .err(self.prop, &format!("RRULE {}", self.key), reason)
    }

    /// The value's one item: a holiday rule takes one month, day or position.
    fn one(&self, what: &str) -> Result<&str> {
        let list: Vec<&str> = self.value.split(',').collect();
        if list.len() == 1 {
            Ok(list[0])
        } else {
            let (key, value) = (&self.key, &self.value);
            Err(self.err(format!(
                "{key}={value} lists several {what}; a holiday rule here takes one \
                 (write one VEVENT for each)"
            )))
        }
    }

    /// `v` as a number from `lo` to `hi`.
    fn number(&self, v: &str, lo: i64, hi: i64) -> Result<i64> {
        let n: Option<i64> = if v.len() <= 6 { v.parse().ok() } else { None };
        match n {
            Some(n) if (lo..=hi).contains(&n) => Ok(n),
            _ => Err(self.err(format!(
                "{}={v} is not valid; expected a number from {lo} to {hi}",
                self.key
            ))),
        }
    }
}

/// The rule's parts, in order; a part that is not `KEY=value`, or a key given twice, is an
/// error.
fn read_parts(ctx: &Ctx<'_>, prop: &Property) -> Result<Parts> {
    let mut parts = Parts {
        freq: None,
        interval: 1,
        count: None,
        until: None,
        bymonth: None,
        bymonthday: None,
        byday: None,
        bysetpos: None,
    };
    let mut seen: Vec<String> = Vec::new();
    for text in prop.value.split(';').filter(|p| !p.is_empty()) {
        let Some((key, value)) = text.split_once('=') else {
            return Err(ctx.err(
                prop,
                "RRULE",
                format!("{} is not a KEY=value rule part", preview(text)),
            ));
        };
        let part = Part {
            ctx,
            prop,
            key: key.trim().to_ascii_uppercase(),
            value: value.trim().to_ascii_uppercase(),
        };
        if seen.contains(&part.key) {
            return Err(part.err(format!("{} appears twice", part.key)));
        }
        seen.push(part.key.clone());
        read_part(&part, &mut parts)?;
    }
    Ok(parts)
}

/// Reads one part into `parts`; a part a yearly holiday cannot use is an error.
fn read_part(part: &Part<'_>, parts: &mut Parts) -> Result<()> {
    let (key, value) = (part.key.as_str(), part.value.as_str());
    match key {
        "FREQ" => parts.freq = Some(value.to_string()),
        "INTERVAL" => parts.interval = part.number(value, 1, 1000)? as u32,
        "COUNT" => parts.count = Some(part.number(value, 1, 100_000)? as u32),
        "UNTIL" => {
            parts.until = Some(parse_when(part.ctx, part.prop, "RRULE UNTIL", value, None)?);
        }
        "BYMONTH" => parts.bymonth = Some(part.number(part.one("months")?, 1, 12)? as u32),
        "BYMONTHDAY" => parts.bymonthday = Some(month_day(part)?),
        "BYDAY" => parts.byday = Some(weekdays(part)?),
        "BYSETPOS" => parts.bysetpos = Some(set_position(part)?),
        "WKST" => {
            // The week start changes nothing for yearly rules by month and day or weekday.
            if weekday_code(value).is_none() {
                return Err(part.err(format!("WKST={value} is not a weekday (MO … SU)")));
            }
        }
        "BYWEEKNO" | "BYYEARDAY" | "BYHOUR" | "BYMINUTE" | "BYSECOND" => {
            return Err(part.err(format!(
                "{key}={value} is not supported: a yearly holiday is picked by BYMONTH \
                 with BYMONTHDAY, or with BYDAY (an ordinal weekday)"
            )));
        }
        _ => return Err(part.err(format!("{key} is not a supported RRULE part"))),
    }
    Ok(())
}

/// `BYMONTHDAY`: one day of the month, counted from its start.
fn month_day(part: &Part<'_>) -> Result<i64> {
    let d = part.number(part.one("days")?, -31, 31)?;
    if d <= 0 {
        return Err(part.err(format!(
            "BYMONTHDAY={d} counts from the end of the month; only days 1-31 are supported"
        )));
    }
    Ok(d)
}

/// `BYDAY`: weekdays (`MO` … `SU`), each with an optional ordinal (`4TH`, `-1MO`).
fn weekdays(part: &Part<'_>) -> Result<Vec<(Option<i32>, Weekday)>> {
    let mut days = Vec::new();
    for item in part.value.split(',') {
        let item = item.trim();
        let split = item.len().saturating_sub(2);
        let (ord, code) = (item.get(..split), item.get(split..));
        let wd = code.and_then(weekday_code);
        let ord = match ord {
            Some("") => Some(None),
            Some(o) => {
                let o = o.strip_prefix('+').unwrap_or(o);
                o.parse::<i32>()
                    .ok()
                    .filter(|n| *n != 0 && (-53..=53).contains(n))
                    .map(Some)
            }
            None => None,
        };
        match (ord, wd) {
            (Some(ord), Some(wd)) => days.push((ord, wd)),
            _ => {
                return Err(part.err(format!(
                    "{} is not a weekday (MO … SU, optionally with an ordinal such as 4TH or \
                     -1MO)",
                    preview(item)
                )));
            }
        }
    }
    Ok(days)
}

/// `BYSETPOS`: one position, from 1 (the first) or from -1 (the last).
fn set_position(part: &Part<'_>) -> Result<i32> {
    let pos = part.number(part.one("positions")?, -366, 366)? as i32;
    // RFC 5545 positions are ±1 to ±366: 0 (or -0) picks nothing.
    if pos == 0 {
        return Err(part.err(format!(
            "BYSETPOS={} picks nothing; positions count from 1 (the first) or from -1 (the last)",
            part.value
        )));
    }
    Ok(pos)
}

/// A holiday feed's recurring events are yearly: `FREQ=YEARLY`, and nothing else.
fn check_frequency(ctx: &Ctx<'_>, prop: &Property, freq: Option<&str>) -> Result<()> {
    match freq {
        Some("YEARLY") => Ok(()),
        Some(other) => Err(ctx.err(
            prop,
            "RRULE FREQ",
            format!(
                "FREQ={other} is not supported: a holiday feed's recurring events are yearly \
                 (FREQ=YEARLY)"
            ),
        )),
        None => Err(ctx.err(prop, "RRULE FREQ", "an RRULE needs FREQ (FREQ=YEARLY)")),
    }
}

/// The day the rule picks in its month: `BYMONTHDAY`, an ordinal weekday (`BYDAY`, or `BYDAY`
/// with `BYSETPOS`), else DTSTART's day. Combinations a yearly holiday cannot mean are errors.
fn pick_of(ctx: &Ctx<'_>, prop: &Property, parts: &Parts, start: NaiveDate) -> Result<Pick> {
    let err = |field: &str, reason: &str| Err(ctx.err(prop, field, reason));
    match (parts.bymonthday, &parts.byday, parts.bysetpos) {
        (Some(_), _, _) if parts.bymonth.is_none() => err(
            "RRULE BYMONTHDAY",
            "BYMONTHDAY without BYMONTH picks that day of every month; a yearly holiday \
             needs BYMONTH too",
        ),
        (Some(_), Some(_), _) => err(
            "RRULE BYDAY",
            "BYDAY with BYMONTHDAY (such as Friday the 13th) is not supported",
        ),
        (Some(d), None, None) => Ok(Pick::Day(d as u32)),
        (Some(_), None, Some(_)) => err(
            "RRULE BYSETPOS",
            "BYSETPOS with BYMONTHDAY is not supported",
        ),
        (None, None, Some(_)) => err("RRULE BYSETPOS", "BYSETPOS without BYDAY is not supported"),
        (None, None, None) => Ok(Pick::Day(start.day())),
        (None, Some(_), _) if parts.bymonth.is_none() => err(
            "RRULE BYDAY",
            "BYDAY without BYMONTH counts weekdays of the whole year (or picks every such \
             weekday); a yearly holiday needs BYMONTH too",
        ),
        (None, Some(days), setpos) => weekday_pick(ctx, prop, days, setpos),
    }
}

/// The n-th weekday a `BYDAY` picks: one ordinal weekday, or plain weekdays with `BYSETPOS`.
fn weekday_pick(
    ctx: &Ctx<'_>,
    prop: &Property,
    days: &[(Option<i32>, Weekday)],
    setpos: Option<i32>,
) -> Result<Pick> {
    let mut mask = 0u8;
    let mut ords = Vec::new();
    for (ord, wd) in days {
        mask |= 1 << wd.num_days_from_monday();
        ords.push(*ord);
    }
    let err = |reason: &str| Err(ctx.err(prop, "RRULE BYDAY", reason));
    match (ords.as_slice(), setpos) {
        ([Some(n)], None) if (-5..=5).contains(n) => Ok(Pick::Nth { nth: *n, mask }),
        ([Some(_)], None) => {
            err("a month has at most five of a weekday; expected an ordinal from -5 to 5")
        }
        (o, Some(pos)) if o.iter().all(Option::is_none) && (-31..=31).contains(&pos) => {
            Ok(Pick::Nth { nth: pos, mask })
        }
        (o, None) if o.iter().all(Option::is_none) => err(
            "BYDAY without an ordinal (such as 4TH or -1MO) picks every such weekday of the \
             month; add the ordinal, or BYSETPOS",
        ),
        _ => err(
            "several ordinal weekdays in one rule are not supported; write one VEVENT per \
             weekday",
        ),
    }
}

/// The last occurrence the rule allows: `UNTIL`'s date in the calendar's zone (the day before
/// when `UNTIL` falls before the occurrence's start time), or the `COUNT`-th occurrence from
/// `first`; `None` when the rule runs on.
pub(super) fn last_occurrence(
    ctx: &Ctx<'_>,
    rule: &Yearly,
    rule_prop: &Property,
    first: NaiveDate,
    start_secs: u32,
) -> Result<Option<NaiveDate>> {
    match (rule.until, rule.count) {
        (Some(u), _) => {
            let Some(u) = local_date_time(u, ctx.tz) else {
                return Err(ctx.err(rule_prop, "RRULE UNTIL", "out of range"));
            };
            let date = if u.time().num_seconds_from_midnight() >= start_secs {
                Some(u.date())
            } else {
                u.date().pred_opt()
            };
            match date {
                Some(d) if !in_years(d) => Err(ctx.err(rule_prop, "RRULE UNTIL", OUTSIDE_YEARS)),
                Some(d) if d >= first => Ok(Some(d)),
                _ => Err(ctx.err(
                    rule_prop,
                    "RRULE UNTIL",
                    "UNTIL is before DTSTART, so the rule has no occurrence",
                )),
            }
        }
        (None, Some(count)) => Ok(counted_last(rule, first, count)),
        (None, None) => Ok(None),
    }
}

/// The `count`-th occurrence from `first` (its year every `interval` years), if it falls before
/// year 10000.
fn counted_last(rule: &Yearly, first: NaiveDate, count: u32) -> Option<NaiveDate> {
    let mut seen = 0u32;
    let mut year = first.year();
    while year <= 9999 {
        if let Some(d) = occurrence_in(rule, year)
            && d >= first
        {
            seen += 1;
            if seen == count {
                return Some(d);
            }
        }
        year += rule.interval as i32;
    }
    None
}
