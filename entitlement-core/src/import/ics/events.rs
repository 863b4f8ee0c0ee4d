//! `VEVENT`s into the calendar document's holiday entries: one-off events (all-day or timed,
//! split into days) and yearly recurring ones.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};

use super::lines::{Component, Property, at_line, parse_components, preview, unescape};
use super::rrule::{Pick, Yearly, last_occurrence, occurrence_in, parse_rrule};
use super::values::{
    Ctx, Frame, OUTSIDE_YEARS, When, hhmm, in_years, instant, is_utc, iso, local, local_date_time,
    parse_duration, parse_when, single, weekday_key, zone_of,
};
use crate::error::Result;
use crate::import::{Warning, record_label, unsupported};

pub(super) fn parse_feed(
    text: &str,
    source: &str,
    tz: Tz,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Value>> {
    let calendars = parse_components(text, source)?;
    let mut out = Vec::new();
    let mut events = 0usize;
    for cal in &calendars {
        if let Some(scale) = cal.first("CALSCALE")
            && !scale.value.trim().eq_ignore_ascii_case("GREGORIAN")
        {
            return Err(unsupported(
                &at_line(source, scale.line),
                "CALSCALE",
                format!(
                    "CALSCALE:{} is not supported; only GREGORIAN dates are",
                    scale.value
                ),
            ));
        }
        let vtimezones: Vec<String> = cal
            .children
            .iter()
            .filter(|c| c.name == "VTIMEZONE")
            .filter_map(|c| c.first("TZID").map(|p| p.value.trim().to_string()))
            .collect();
        for child in &cal.children {
            match child.name.as_str() {
                "VEVENT" => {
                    events += 1;
                    event(child, source, tz, &vtimezones, &mut out, warnings)?;
                }
                "VTIMEZONE" => {}
                other => warnings.push(Warning {
                    record: at_line(source, child.line),
                    field: other.to_string(),
                    message: format!("a {other} is not a holiday; it was ignored"),
                }),
            }
        }
    }
    if events == 0 {
        warnings.push(Warning {
            record: source.to_string(),
            field: "VEVENT".into(),
            message: "the feed has no events; no holidays were imported".into(),
        });
    }
    Ok(out)
}

pub(super) fn event(
    event: &Component,
    source: &str,
    tz: Tz,
    vtimezones: &[String],
    out: &mut Vec<Value>,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    let uid = event.first("UID").map(|p| unescape(p.value.trim()));
    let summary = event.first("SUMMARY").map(|p| unescape(p.value.trim()));
    let ctx = Ctx {
        source,
        label: record_label("VEVENT", uid.as_deref(), summary.as_deref()),
        vtimezones,
        tz,
    };
    if let Some(status) = event.first("STATUS")
        && status.value.trim().eq_ignore_ascii_case("CANCELLED")
    {
        warnings.push(ctx.warn(
            "STATUS",
            "a cancelled event (STATUS:CANCELLED) closes nothing; it was skipped",
        ));
        return Ok(());
    }
    for name in ["RDATE", "RECURRENCE-ID", "EXRULE"] {
        if let Some(p) = event.first(name) {
            let why = match name {
                "RDATE" => "extra dates (RDATE) are not supported; write them as their own VEVENTs",
                "RECURRENCE-ID" => {
                    "an override of one occurrence (RECURRENCE-ID) is not supported; write the \
                     moved day as its own VEVENT and exclude it with EXDATE"
                }
                _ => "EXRULE (deprecated by RFC 5545) is not supported; use EXDATE",
            };
            return Err(ctx.err(p, name, why));
        }
    }
    let name = summary
        .clone()
        .filter(|s| !s.is_empty())
        .or(uid.clone())
        .unwrap_or_else(|| "Holiday".to_string());
    let Some(dtstart) = single(&ctx, event, "DTSTART")? else {
        return Err(ctx.err_at(
            event.line,
            "DTSTART",
            "the event has no DTSTART, so no date to close",
        ));
    };
    let start_zone = zone_of(&ctx, dtstart, "DTSTART")?;
    let start = parse_when(&ctx, dtstart, "DTSTART", &dtstart.value, start_zone)?;
    let dtend = single(&ctx, event, "DTEND")?;
    let duration = single(&ctx, event, "DURATION")?;
    if let (Some(_), Some(d)) = (dtend, duration) {
        return Err(ctx.err(
            d,
            "DURATION",
            "an event has DTEND or DURATION, not both (RFC 5545 §3.6.1)",
        ));
    }
    let end = match dtend {
        Some(p) => {
            let zone = zone_of(&ctx, p, "DTEND")?;
            let end = parse_when(&ctx, p, "DTEND", &p.value, zone)?;
            match (start, end) {
                (When::Date(_), When::Date(_)) | (When::Time(..), When::Time(..)) => {}
                _ => {
                    return Err(ctx.err(
                        p,
                        "DTEND",
                        "DTEND must be of the same type as DTSTART (both dates or both date-times)",
                    ));
                }
            }
            Some(end)
        }
        None => match duration {
            Some(p) => {
                let Some((days, secs, neg)) = parse_duration(&p.value) else {
                    return Err(ctx.err(
                        p,
                        "DURATION",
                        format!(
                            "{} is not an RFC 5545 duration (such as P1D, P2W, PT4H)",
                            preview(&p.value)
                        ),
                    ));
                };
                if neg || days + secs == 0 {
                    return Err(ctx.err(p, "DURATION", "the duration must be positive"));
                }
                Some(match start {
                    When::Date(d) => {
                        if secs != 0 {
                            return Err(ctx.err(
                                p,
                                "DURATION",
                                "an all-day event lasts whole days (P1D, P1W)",
                            ));
                        }
                        When::Date(d.checked_add_days(Days::new(days as u64)).ok_or_else(|| {
                            ctx.err(p, "DURATION", "the event ends after year 9999")
                        })?)
                    }
                    When::Time(t, frame) => {
                        // Days are nominal (same wall time), the rest exact (RFC 5545 §3.3.6).
                        let day_end =
                            t.checked_add_days(Days::new(days as u64)).ok_or_else(|| {
                                ctx.err(p, "DURATION", "the event ends after year 9999")
                            })?;
                        // Checked: repeated designators (PT999999999H999999999H...) add up.
                        let us = secs
                            .checked_mul(1_000_000)
                            .and_then(|d| instant(day_end, frame, tz).checked_add(d))
                            .ok_or_else(|| {
                                ctx.err(p, "DURATION", "the event ends after year 9999")
                            })?;
                        let end_utc = chrono::DateTime::from_timestamp_micros(us)
                            .ok_or_else(|| ctx.err(p, "DURATION", "out of range"))?
                            .naive_utc();
                        When::Time(end_utc, Frame::Utc)
                    }
                })
            }
            None => None,
        },
    };
    let end_line = dtend.or(duration).map_or(dtstart.line, |p| p.line);
    let end_field = if duration.is_some() {
        "DURATION"
    } else {
        "DTEND"
    };
    let rrule = single(&ctx, event, "RRULE")?;
    let exdates: Vec<&Property> = event.all("EXDATE").collect();
    match rrule {
        None => {
            if let Some(p) = exdates.first() {
                return Err(ctx.err(
                    p,
                    "EXDATE",
                    "EXDATE without RRULE excludes dates of a single event; remove the event \
                     instead",
                ));
            }
            one_off(
                &ctx,
                &name,
                dtstart.line,
                start,
                end,
                end_line,
                end_field,
                out,
            )
        }
        Some(rule_prop) => {
            let entry = recurring(
                &ctx,
                &name,
                start,
                end,
                (dtstart, rule_prop),
                (end_line, end_field),
                &exdates,
                warnings,
            )?;
            out.push(entry);
            Ok(())
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn one_off(
    ctx: &Ctx<'_>,
    name: &str,
    start_line: usize,
    start: When,
    end: Option<When>,
    end_line: usize,
    end_field: &str,
    out: &mut Vec<Value>,
) -> Result<()> {
    let tz = ctx.tz;
    match (start, end) {
        (When::Date(d), None) => out.push(json!({"name": name, "date": iso(d)})),
        (When::Date(d), Some(When::Date(e))) => {
            if e <= d {
                return Err(ctx.err_at(
                    end_line,
                    end_field,
                    format!(
                        "the event ends ({}) before or when it starts ({}); DTEND is exclusive",
                        iso(e),
                        iso(d)
                    ),
                ));
            }
            let last = e.pred_opt().unwrap_or(e);
            if !in_years(last) {
                return Err(ctx.err_at(end_line, end_field, OUTSIDE_YEARS));
            }
            if last == d {
                out.push(json!({"name": name, "date": iso(d)}));
            } else {
                out.push(json!({"name": name, "from": iso(d), "to": iso(last)}));
            }
        }
        (When::Time(..), None) => {
            return Err(ctx.err_at(
                end_line,
                "DTEND",
                "a timed event without DTEND or DURATION lasts no time, so it closes nothing",
            ));
        }
        (When::Time(s, sf), Some(When::Time(e, ef))) => {
            let (a, b) = (instant(s, sf, tz), instant(e, ef, tz));
            if b <= a {
                return Err(ctx.err_at(
                    end_line,
                    end_field,
                    "the event ends before or when it starts",
                ));
            }
            let (Some(a), Some(b)) = (local(a, tz), local(b, tz)) else {
                return Err(ctx.err_at(end_line, end_field, "the event is out of range"));
            };
            // The days written: from a's to b's (b's only when the event ends after midnight).
            let last_day = if b.time() == NaiveTime::MIN {
                b.date().pred_opt()
            } else {
                Some(b.date())
            };
            if !in_years(a.date()) {
                return Err(ctx.err_at(start_line, "DTSTART", OUTSIDE_YEARS));
            }
            if !last_day.is_some_and(in_years) {
                return Err(ctx.err_at(end_line, end_field, OUTSIDE_YEARS));
            }
            split_days(name, a, b, out);
        }
        _ => {
            return Err(ctx.err_at(
                end_line,
                end_field,
                "DTEND must be of the same type as DTSTART",
            ));
        }
    }
    Ok(())
}

/// Local `[a, b)` in the target zone as per-day closures: a partial first day, whole days, a
/// partial last day.
pub(super) fn split_days(name: &str, a: NaiveDateTime, b: NaiveDateTime, out: &mut Vec<Value>) {
    let (da, ta) = (a.date(), a.time().num_seconds_from_midnight());
    let (db, tb) = (b.date(), b.time().num_seconds_from_midnight());
    if da == db {
        if tb > ta {
            out.push(json!({"name": name, "date": iso(da), "hours": format!("{}-{}", hhmm(ta), hhmm(tb))}));
        }
        return;
    }
    let mut first_full = da;
    if ta > 0 {
        out.push(json!({"name": name, "date": iso(da), "hours": format!("{}-24:00", hhmm(ta))}));
        first_full = da.succ_opt().unwrap_or(da);
    }
    if let Some(last_full) = db.pred_opt()
        && first_full <= last_full
    {
        if first_full == last_full {
            out.push(json!({"name": name, "date": iso(first_full)}));
        } else {
            out.push(json!({"name": name, "from": iso(first_full), "to": iso(last_full)}));
        }
    }
    if tb > 0 {
        out.push(json!({"name": name, "date": iso(db), "hours": format!("00:00-{}", hhmm(tb))}));
    }
}

/// A yearly recurring event as a holiday entry: `yearly` (or `recurs`), `starts`, `until`,
/// `except`, and `hours` for a timed event.
#[allow(clippy::too_many_arguments)]
pub(super) fn recurring(
    ctx: &Ctx<'_>,
    name: &str,
    start: When,
    end: Option<When>,
    (dtstart, rule_prop): (&Property, &Property),
    end_at: (usize, &str),
    exdates: &[&Property],
    warnings: &mut Vec<Warning>,
) -> Result<Value> {
    // The occurrence's date and, for timed events, its local hours in the target zone.
    let (first, hours, start_secs) = match start {
        When::Date(d) => (all_day_occurrence(ctx, d, end, end_at)?, None, 0),
        When::Time(s, frame) => {
            let (hours, start_secs) = timed_occurrence(ctx, s, frame, end, dtstart, end_at)?;
            (s.date(), Some(hours), start_secs)
        }
    };
    let rule = parse_rrule(ctx, rule_prop, first)?;
    if occurrence_in(&rule, first.year()) != Some(first) {
        return Err(ctx.err(
            dtstart,
            "DTSTART",
            format!(
                "DTSTART {} is not an occurrence of the RRULE; RFC 5545 leaves such a \
                 recurrence undefined",
                iso(first)
            ),
        ));
    }
    let until = last_occurrence(ctx, &rule, rule_prop, first, start_secs)?;
    let except = excluded_dates(ctx, exdates, start, start_secs, warnings)?;

    let mut entry = Map::new();
    entry.insert("name".into(), json!(name));
    let (key, rule_value) = rule_entry(ctx, &rule, rule_prop)?;
    entry.insert(key.into(), rule_value);
    entry.insert("starts".into(), json!(iso(first)));
    if let Some(u) = until {
        entry.insert("until".into(), json!(iso(u)));
    }
    if !except.is_empty() {
        entry.insert("except".into(), json!(except));
    }
    if let Some(h) = hours {
        entry.insert("hours".into(), json!(h));
    }
    Ok(Value::Object(entry))
}

/// The date of an all-day recurring event, which closes that one day.
fn all_day_occurrence(
    ctx: &Ctx<'_>,
    day: NaiveDate,
    end: Option<When>,
    (end_line, end_field): (usize, &str),
) -> Result<NaiveDate> {
    match end {
        None => Ok(day),
        Some(When::Date(e)) if e.pred_opt() == Some(day) => Ok(day),
        Some(When::Date(e)) if e <= day => Err(ctx.err_at(
            end_line,
            end_field,
            "the event ends before or when it starts; DTEND is exclusive",
        )),
        Some(_) => Err(ctx.err_at(
            end_line,
            end_field,
            "a recurring event longer than one day is not supported; a yearly \
             holiday closes one day (write one VEVENT per day)",
        )),
    }
}

/// The local hours (`HH:MM-HH:MM`) a timed recurring event closes, and its start in seconds
/// after midnight: the event is in the calendar's zone (or floating) and ends on its day.
fn timed_occurrence(
    ctx: &Ctx<'_>,
    start: NaiveDateTime,
    frame: Frame,
    end: Option<When>,
    dtstart: &Property,
    (end_line, end_field): (usize, &str),
) -> Result<(String, u32)> {
    let tz = ctx.tz;
    let same_zone = match frame {
        Frame::Floating => true,
        Frame::Zone(z) => z == tz,
        Frame::Utc => is_utc(tz),
    };
    if !same_zone {
        let zone = match frame {
            Frame::Zone(z) => z.name().to_string(),
            _ => "UTC".to_string(),
        };
        return Err(ctx.err(
            dtstart,
            "DTSTART",
            format!(
                "a recurring timed event in {zone} closes different local hours in {} \
                 as daylight saving time starts and ends; give the event in the \
                 calendar's zone ({}) or as floating time",
                tz.name(),
                tz.name()
            ),
        ));
    }
    let Some(end) = end else {
        return Err(ctx.err_at(
            end_line,
            "DTEND",
            "a timed event without DTEND or DURATION lasts no time, so it closes nothing",
        ));
    };
    // Wall times in the target zone (UTC only when the zone is UTC).
    let end_local = match end {
        When::Time(e, ef) => local(instant(e, ef, tz), tz).unwrap_or(e),
        When::Date(_) => {
            return Err(ctx.err_at(
                end_line,
                end_field,
                "DTEND must be of the same type as DTSTART",
            ));
        }
    };
    let a = start.time().num_seconds_from_midnight();
    let b = if end_local.date() == start.date() {
        end_local.time().num_seconds_from_midnight()
    } else if end_local.date() == start.date().succ_opt().unwrap_or(start.date())
        && end_local.time() == NaiveTime::MIN
    {
        86_400
    } else {
        0
    };
    if b <= a {
        return Err(ctx.err_at(
            end_line,
            end_field,
            "a recurring timed event must end after it starts and on the same day \
             (midnight at the latest)",
        ));
    }
    Ok((format!("{}-{}", hhmm(a), hhmm(b)), a))
}

/// The `EXDATE` dates, sorted and without repeats; a timed one that is not the start of an
/// occurrence excludes nothing and is ignored with a warning.
fn excluded_dates(
    ctx: &Ctx<'_>,
    exdates: &[&Property],
    start: When,
    start_secs: u32,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<String>> {
    let mut except = Vec::new();
    for p in exdates {
        let zone = zone_of(ctx, p, "EXDATE")?;
        for item in p.value.split(',').filter(|s| !s.trim().is_empty()) {
            let when = parse_when(ctx, p, "EXDATE", item, zone)?;
            let Some(local) = local_date_time(when, ctx.tz) else {
                return Err(ctx.err(p, "EXDATE", "out of range"));
            };
            if matches!(when, When::Time(..))
                && matches!(start, When::Time(..))
                && local.time().num_seconds_from_midnight() != start_secs
            {
                warnings.push(ctx.warn(
                    "EXDATE",
                    format!(
                        "EXDATE {} (line {}) is not the start of an occurrence, so it excludes \
                         nothing; it was ignored",
                        item.trim(),
                        p.line
                    ),
                ));
                continue;
            }
            if !in_years(local.date()) {
                return Err(ctx.err(p, "EXDATE", OUTSIDE_YEARS));
            }
            except.push(iso(local.date()));
        }
    }
    except.sort();
    except.dedup();
    Ok(except)
}

/// The rule as the document writes it: `yearly` (`"MM-DD"`, or a month, weekday and ordinal)
/// when it recurs every year on one day or one weekday, else `recurs`.
fn rule_entry(ctx: &Ctx<'_>, rule: &Yearly, rule_prop: &Property) -> Result<(&'static str, Value)> {
    let single_weekday = |mask: u8| {
        (mask.count_ones() == 1).then(|| {
            let i = mask.trailing_zeros();
            weekday_key(Weekday::try_from(i as u8).unwrap_or(Weekday::Mon))
        })
    };
    match (rule.interval, rule.pick) {
        (1, Pick::Day(d)) => Ok(("yearly", json!(format!("{:02}-{:02}", rule.month, d)))),
        (1, Pick::Nth { nth, mask }) if single_weekday(mask).is_some() && nth.abs() <= 5 => Ok((
            "yearly",
            json!({"month": rule.month, "weekday": single_weekday(mask), "nth": nth}),
        )),
        (every, pick) => {
            let mut r = Map::new();
            r.insert("unit".into(), json!("year"));
            r.insert("every".into(), json!(every));
            r.insert("month".into(), json!(rule.month));
            match pick {
                Pick::Day(d) => {
                    r.insert("day".into(), json!(d));
                }
                Pick::Nth { nth, mask } => {
                    if !(-5..=5).contains(&nth) {
                        return Err(ctx.err(
                            rule_prop,
                            "RRULE BYSETPOS",
                            format!("BYSETPOS={nth} is not supported; expected -5 to 5"),
                        ));
                    }
                    r.insert("nth".into(), json!(nth));
                    match single_weekday(mask) {
                        Some(w) => r.insert("weekday".into(), json!(w)),
                        None => {
                            let days: Vec<&str> = (0..7u8)
                                .filter(|i| mask & (1 << i) != 0)
                                .map(|i| weekday_key(Weekday::try_from(i).unwrap_or(Weekday::Mon)))
                                .collect();
                            r.insert("weekdays".into(), json!(days))
                        }
                    };
                }
            }
            Ok(("recurs", Value::Object(r)))
        }
    }
}
