//! iCalendar (RFC 5545) holiday feeds: the `.ics` files that Google Calendar's public holiday
//! calendars, Outlook exports and government sites (the UK's bank holidays) publish, turned into
//! calendar `holidays` entries.
//!
//! - All-day events (`DTSTART;VALUE=DATE`) become `date` or an inclusive `from`/`to` range
//!   (`DTEND` is exclusive in iCalendar; `DURATION:P2D` works too).
//! - Timed events (`TZID=…`, UTC `…Z` or floating) are converted into the target calendar's zone
//!   and split into per-day partial closures (`hours`). A floating time (no zone) is read in the
//!   target calendar's zone.
//! - Yearly `RRULE`s on a month and day (`BYMONTHDAY`) or on the n-th or last weekday of a month
//!   (`BYDAY=4TH`, `BYDAY=-1MO`, or `BYDAY=MO,TU…;BYSETPOS=n`) become `yearly` rules (or
//!   `recurs: {unit: year, every: n}` for `INTERVAL=n`), bounded by `starts` (`DTSTART`) and
//!   `until` (`UNTIL`, or the last occurrence a `COUNT` allows), with `EXDATE`s as `except`.
//!
//! Everything else (other frequencies, `BYWEEKNO`, `RDATE`, `RECURRENCE-ID` overrides, zones
//! that are not IANA names, …) is an [`Error::Unsupported`] naming the file, the line, the
//! `VEVENT` (its `UID` and `SUMMARY`) and the property, never a guess. Cancelled events
//! (`STATUS:CANCELLED`) are skipped with a [`Warning`]. `TRANSP` is ignored: holiday feeds mark
//! their events transparent so that they do not show a person as busy, which says nothing about
//! whether the business is closed. Decisions and the mapping table: `docs/import-ics.md`.
//!
//! The content-line layer (unfolding, parameters, TEXT escapes) is written here rather than taken
//! from a crate: it is small, iterative (no recursion, so nesting cannot overflow the stack), and
//! every error can name the line it comes from.
//!
//! ```
//! use entitlement_core::import::ics;
//!
//! let feed = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:xmas@example.com\r\n\
//!             SUMMARY:Christmas Day\r\nDTSTART;VALUE=DATE:20261225\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
//! let import = ics::holidays(feed, "holidays.ics", "Europe/London")?;
//! assert_eq!(import.document["holidays"][0]["date"], "2026-12-25");
//! # Ok::<(), entitlement_core::Error>(())
//! ```

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};

use super::{Import, Warning, record_label, unsupported};
use crate::calendar::{Calendar, zone::local_to_utc};
use crate::error::{Error, Result};

/// Components may nest this deep (VCALENDAR > VEVENT > VALARM needs 3); deeper input is refused.
const MAX_DEPTH: usize = 16;

/// Reads a feed's bytes as UTF-8 text; anything else is an `unsupported` error naming the
/// source and the first bad byte. (RFC 5545 says the default charset is UTF-8.)
///
/// ```
/// use entitlement_core::import::ics;
///
/// assert_eq!(ics::decode(b"BEGIN:VCALENDAR", "feed.ics")?, "BEGIN:VCALENDAR");
/// let err = ics::decode(&[0x42, 0xff], "feed.ics").unwrap_err();
/// assert_eq!(err.code(), "unsupported");
/// assert!(err.to_string().contains("feed.ics"));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn decode<'a>(bytes: &'a [u8], source: &str) -> Result<&'a str> {
    super::read::utf8(bytes, source, "an iCalendar feed")
}

/// Reads a feed from a file as UTF-8 text, named in messages by its path: at most
/// [`MAX_DOCUMENT_BYTES`](crate::document::MAX_DOCUMENT_BYTES) bytes, and only a regular file
/// (see [`read_file`](crate::document::read_file)).
///
/// ```
/// use entitlement_core::import::ics;
/// let err = ics::read(std::path::Path::new("/nonexistent/us.ics")).unwrap_err();
/// assert_eq!(err.code(), "invalid_value");
/// assert!(err.to_string().contains("/nonexistent/us.ics"));
/// ```
pub fn read(path: &std::path::Path) -> Result<String> {
    let bytes = crate::document::read_file(path, crate::document::MAX_DOCUMENT_BYTES)?;
    decode(&bytes, &path.display().to_string()).map(str::to_owned)
}

/// The holidays of a feed, as the fragment `{"holidays": [...]}` (each entry in the calendar
/// document's holiday format), for a calendar in `time_zone` (an IANA name): timed events are
/// converted into that zone and floating times are read in it.
///
/// `source` names the feed in messages (a file name or URL).
///
/// ```
/// use entitlement_core::import::ics;
///
/// let feed = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:tg@example.com\nSUMMARY:Thanksgiving\n\
///             DTSTART;VALUE=DATE:20261126\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\n\
///             END:VEVENT\nEND:VCALENDAR\n";
/// let import = ics::holidays(feed, "us.ics", "America/New_York")?;
/// assert_eq!(
///     import.document["holidays"][0]["yearly"],
///     serde_json::json!({"month": 11, "weekday": "thu", "nth": 4})
/// );
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn holidays(text: &str, source: &str, time_zone: &str) -> Result<Import> {
    let tz: Tz = time_zone.parse().map_err(|_| Error::UnknownTimeZone {
        path: "time_zone".into(),
        name: time_zone.to_string(),
    })?;
    let mut warnings = Vec::new();
    let list = parse_feed(text, source, tz, &mut warnings)?;
    Ok(Import {
        document: json!({ "holidays": list }),
        warnings,
    })
}

/// A calendar named `name`: the definition `base` (an object with `time_zone`, `hours` and
/// optionally `holidays`, `overrides`, `description`) with the feed's holidays added after its
/// own, as the fragment `{"calendars": {name: definition}}`. The calendar is validated.
///
/// ```
/// use entitlement_core::import::ics;
/// use serde_json::json;
///
/// let feed = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Boxing Day\n\
///             DTSTART;VALUE=DATE:20261228\nEND:VEVENT\nEND:VCALENDAR\n";
/// let base = json!({"time_zone": "Europe/London", "hours": {"mon": ["09:00-17:00"]}});
/// let import = ics::calendar(feed, "uk.ics", "london", &base)?;
/// let london = import.calendar(Some("london"))?;
/// let monday = "2026-12-28T10:00:00Z".parse().unwrap();
/// assert!(!london.is_open(monday)?);
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn calendar(text: &str, source: &str, name: &str, base: &Value) -> Result<Import> {
    let Value::Object(def) = base else {
        return Err(Error::InvalidType {
            path: format!("calendars.{name}"),
            expected: "a calendar definition (an object with time_zone and hours)".into(),
            found: crate::document::type_name(base),
        });
    };
    let tz_path = format!("calendars.{name}.time_zone");
    let time_zone = match def.get("time_zone") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(Error::InvalidType {
                path: tz_path,
                expected: "an IANA time zone name".into(),
                found: crate::document::type_name(other),
            });
        }
        None => {
            return Err(Error::MissingKey {
                path: format!("calendars.{name}"),
                key: "time_zone".into(),
            });
        }
    };
    let tz: Tz = time_zone.parse().map_err(|_| Error::UnknownTimeZone {
        path: tz_path,
        name: time_zone.clone(),
    })?;
    let mut warnings = Vec::new();
    let feed = parse_feed(text, source, tz, &mut warnings)?;
    let mut def = def.clone();
    let mut all = match def.remove("holidays") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a,
        Some(other) => {
            return Err(Error::InvalidType {
                path: format!("calendars.{name}.holidays"),
                expected: "a list of holidays".into(),
                found: crate::document::type_name(&other),
            });
        }
    };
    all.extend(feed);
    def.insert("holidays".into(), Value::Array(all));
    let def = Value::Object(def);
    Calendar::from_value(&def).map_err(|e| match e {
        // A problem in the user's own part of the definition: say where it is.
        Error::InvalidValue { path, reason } if !path.starts_with("calendars") => {
            Error::InvalidValue {
                path: format!("calendars.{name}.{path}"),
                reason,
            }
        }
        other => other,
    })?;
    let mut calendars = Map::new();
    calendars.insert(name.to_string(), def);
    Ok(Import {
        document: json!({ "calendars": calendars }),
        warnings,
    })
}

// ---------------------------------------------------------------------------------------------
// Content lines (RFC 5545 §3.1)

/// One property: its name (upper case), parameters (names upper case), value, and line number.
#[derive(Debug)]
struct Property {
    name: String,
    params: Vec<(String, Vec<String>)>,
    value: String,
    line: usize,
}

impl Property {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }
}

/// A component (`VCALENDAR`, `VEVENT`, …) with its properties and sub-components.
#[derive(Debug)]
struct Component {
    name: String,
    line: usize,
    properties: Vec<Property>,
    children: Vec<Component>,
}

impl Component {
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Property> + 'a {
        self.properties.iter().filter(move |p| p.name == name)
    }
    fn first(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }
}

fn at_line(source: &str, line: usize) -> String {
    format!("{source}, line {line}")
}

/// Unfolds the text into logical lines, each with the number of its first physical line.
fn unfold(text: &str) -> Vec<(usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t'])
            && let Some(last) = lines.last_mut()
        {
            last.1.push_str(rest);
            continue;
        }
        if raw.is_empty() {
            continue;
        }
        lines.push((i + 1, raw.to_string()));
    }
    lines
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// Parses one logical line: `NAME *(";" param) ":" value`.
fn parse_line(line: &str, number: usize, source: &str) -> Result<Property> {
    let bad = |field: &str, reason: String| unsupported(&at_line(source, number), field, reason);
    let end = line.find(|c: char| !is_name_char(c)).unwrap_or(line.len());
    let name = line[..end].to_ascii_uppercase();
    if name.is_empty() {
        return Err(bad(
            "content line",
            format!(
                "expected a property name (letters, digits, '-') at the start of {}",
                preview(line)
            ),
        ));
    }
    // A name for messages: a garbage "name" may be megabytes long.
    let shown: String = name.chars().take(40).collect();
    let bad = |field: &str, reason: String| {
        let field = if field == name { shown.as_str() } else { field };
        unsupported(&at_line(source, number), field, reason)
    };
    let mut rest = &line[end..];
    let mut params = Vec::new();
    loop {
        match rest.chars().next() {
            Some(':') => {
                rest = &rest[1..];
                break;
            }
            Some(';') => {
                rest = &rest[1..];
                let pend = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
                let pname = rest[..pend].to_ascii_uppercase();
                rest = &rest[pend..];
                if pname.is_empty() || !rest.starts_with('=') {
                    return Err(bad(
                        &name,
                        "expected a parameter NAME=value after ';'".to_string(),
                    ));
                }
                rest = &rest[1..];
                let mut values = Vec::new();
                loop {
                    if let Some(quoted) = rest.strip_prefix('"') {
                        let Some(close) = quoted.find('"') else {
                            return Err(bad(
                                &name,
                                format!("parameter {pname} has an unterminated quoted value"),
                            ));
                        };
                        values.push(quoted[..close].to_string());
                        rest = &quoted[close + 1..];
                    } else {
                        let vend = rest.find([';', ':', ',']).unwrap_or(rest.len());
                        values.push(rest[..vend].to_string());
                        rest = &rest[vend..];
                    }
                    match rest.strip_prefix(',') {
                        Some(r) => rest = r,
                        None => break,
                    }
                }
                params.push((pname, values));
            }
            _ => {
                return Err(bad(
                    &name,
                    "expected ':' and a value after the property name (a content line is NAME:value)"
                        .to_string(),
                ));
            }
        }
    }
    Ok(Property {
        name,
        params,
        value: rest.to_string(),
        line: number,
    })
}

/// The start of a long or odd text, for messages.
fn preview(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        format!("{short:?}…")
    } else {
        format!("{short:?}")
    }
}

/// Parses the text into its top-level components (`VCALENDAR`s).
fn parse_components(text: &str, source: &str) -> Result<Vec<Component>> {
    let mut stack: Vec<Component> = Vec::new();
    let mut done: Vec<Component> = Vec::new();
    let mut last_line = 0;
    for (number, line) in unfold(text) {
        last_line = number;
        let prop = parse_line(&line, number, source)?;
        match prop.name.as_str() {
            "BEGIN" => {
                let name = prop.value.trim().to_ascii_uppercase();
                if name.is_empty() || !name.chars().all(is_name_char) {
                    return Err(unsupported(
                        &at_line(source, number),
                        "BEGIN",
                        format!("{} is not a component name", preview(&prop.value)),
                    ));
                }
                if stack.is_empty() && name != "VCALENDAR" {
                    return Err(unsupported(
                        &at_line(source, number),
                        "BEGIN",
                        format!("a feed starts with BEGIN:VCALENDAR, not BEGIN:{name}"),
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(unsupported(
                        &at_line(source, number),
                        "BEGIN",
                        format!("components nest more than {MAX_DEPTH} deep"),
                    ));
                }
                stack.push(Component {
                    name,
                    line: number,
                    properties: Vec::new(),
                    children: Vec::new(),
                });
            }
            "END" => {
                let name = prop.value.trim().to_ascii_uppercase();
                let Some(open) = stack.pop() else {
                    return Err(unsupported(
                        &at_line(source, number),
                        "END",
                        format!("END:{name} without a BEGIN"),
                    ));
                };
                if open.name != name {
                    return Err(unsupported(
                        &at_line(source, number),
                        "END",
                        format!(
                            "END:{name} closes BEGIN:{} of line {}",
                            open.name, open.line
                        ),
                    ));
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(open),
                    None => done.push(open),
                }
            }
            _ => match stack.last_mut() {
                Some(c) => c.properties.push(prop),
                None => {
                    return Err(unsupported(
                        &at_line(source, number),
                        &prop.name,
                        "a property outside BEGIN:VCALENDAR … END:VCALENDAR; is this an iCalendar feed?",
                    ));
                }
            },
        }
    }
    if let Some(open) = stack.last() {
        return Err(unsupported(
            &at_line(source, last_line.max(open.line)),
            "END",
            format!(
                "the feed ends inside BEGIN:{} of line {} (no END:{}); is the file truncated?",
                open.name, open.line, open.name
            ),
        ));
    }
    if done.is_empty() {
        return Err(unsupported(
            source,
            "VCALENDAR",
            "no BEGIN:VCALENDAR … END:VCALENDAR found; the input is empty or not an iCalendar feed",
        ));
    }
    Ok(done)
}

/// TEXT value escapes (RFC 5545 §3.3.11).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Values

/// Where a date-time's wall time lives.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Frame {
    /// No zone: read in the target calendar's zone.
    Floating,
    Utc,
    Zone(Tz),
}

/// A `DATE` or `DATE-TIME` value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum When {
    Date(NaiveDate),
    Time(NaiveDateTime, Frame),
}

/// The context of one event, for messages.
struct Ctx<'a> {
    source: &'a str,
    label: String,
    /// TZIDs defined by VTIMEZONE components of the feed.
    vtimezones: &'a [String],
    tz: Tz,
}

impl Ctx<'_> {
    fn err(&self, prop: &Property, field: &str, reason: impl Into<String>) -> Error {
        self.err_at(prop.line, field, reason)
    }
    fn err_at(&self, line: usize, field: &str, reason: impl Into<String>) -> Error {
        unsupported(
            &format!("{}, {}, line {line}", self.source, self.label),
            field,
            reason,
        )
    }
    fn warn(&self, field: &str, message: impl Into<String>) -> Warning {
        Warning {
            record: format!("{}, {}", self.source, self.label),
            field: field.to_string(),
            message: message.into(),
        }
    }
}

fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn parse_date_value(s: &str) -> Option<NaiveDate> {
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
fn in_years(d: NaiveDate) -> bool {
    (1..=9999).contains(&d.year())
}

const OUTSIDE_YEARS: &str = "the event falls outside years 1 to 9999 in the calendar's time zone";

fn parse_time_value(s: &str) -> Option<(NaiveTime, bool)> {
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
fn zone_of(ctx: &Ctx<'_>, prop: &Property, field: &str) -> Result<Option<Tz>> {
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
fn parse_when(
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

fn single<'a>(ctx: &Ctx<'_>, event: &'a Component, name: &str) -> Result<Option<&'a Property>> {
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
fn parse_duration(text: &str) -> Option<(i64, i64, bool)> {
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

fn instant(when: NaiveDateTime, frame: Frame, target: Tz) -> i64 {
    let secs = when.time().num_seconds_from_midnight();
    match frame {
        Frame::Floating => local_to_utc(target, when.date(), secs),
        Frame::Zone(tz) => local_to_utc(tz, when.date(), secs),
        Frame::Utc => when.and_utc().timestamp_micros(),
    }
}

fn local(us: i64, tz: Tz) -> Option<NaiveDateTime> {
    chrono::DateTime::from_timestamp_micros(us).map(|t| t.with_timezone(&tz).naive_local())
}

fn hhmm(secs: u32) -> String {
    if secs == 86_400 {
        "24:00".into()
    } else if secs.is_multiple_of(60) {
        format!("{:02}:{:02}", secs / 3600, secs / 60 % 60)
    } else {
        format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    }
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn weekday_key(w: Weekday) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][w.num_days_from_monday() as usize]
}

fn is_utc(tz: Tz) -> bool {
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

// ---------------------------------------------------------------------------------------------
// Recurrence rules

/// The day(s) a yearly rule picks in its month.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pick {
    Day(u32),
    /// The n-th (negative: from the end) day of the month whose weekday is in the mask
    /// (Monday = bit 0).
    Nth {
        nth: i32,
        mask: u8,
    },
}

#[derive(Debug)]
struct Yearly {
    interval: u32,
    month: u32,
    pick: Pick,
    count: Option<u32>,
    until: Option<When>,
}

fn nth_in_month(year: i32, month: u32, mask: u8, nth: i32) -> Option<NaiveDate> {
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

fn occurrence_in(rule: &Yearly, year: i32) -> Option<NaiveDate> {
    match rule.pick {
        Pick::Day(d) => NaiveDate::from_ymd_opt(year, rule.month, d),
        Pick::Nth { nth, mask } => nth_in_month(year, rule.month, mask, nth),
    }
}

fn weekday_code(s: &str) -> Option<Weekday> {
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
fn parse_rrule(ctx: &Ctx<'_>, prop: &Property, start: NaiveDate) -> Result<Yearly> {
    let mut freq = None;
    let mut interval = 1u32;
    let mut count = None;
    let mut until = None;
    let mut bymonth: Option<u32> = None;
    let mut bymonthday: Option<i64> = None;
    let mut byday: Option<Vec<(Option<i32>, Weekday)>> = None;
    let mut bysetpos: Option<i32> = None;
    let field = |part: &str| format!("RRULE {part}");
    let mut seen: Vec<String> = Vec::new();
    for part in prop.value.split(';').filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err(ctx.err(
                prop,
                "RRULE",
                format!("{} is not a KEY=value rule part", preview(part)),
            ));
        };
        let key = key.trim().to_ascii_uppercase();
        let value = value.trim().to_ascii_uppercase();
        if seen.contains(&key) {
            return Err(ctx.err(prop, &field(&key), format!("{key} appears twice")));
        }
        seen.push(key.clone());
        let list: Vec<&str> = value.split(',').collect();
        let one = |what: &str| -> Result<&str> {
            if list.len() == 1 {
                Ok(list[0])
            } else {
                Err(ctx.err(
                    prop,
                    &field(&key),
                    format!(
                        "{key}={value} lists several {what}; a holiday rule here takes one \
                         (write one VEVENT for each)"
                    ),
                ))
            }
        };
        let number = |v: &str, lo: i64, hi: i64| -> Result<i64> {
            let n: Option<i64> = if v.len() <= 6 { v.parse().ok() } else { None };
            match n {
                Some(n) if (lo..=hi).contains(&n) => Ok(n),
                _ => Err(ctx.err(
                    prop,
                    &field(&key),
                    format!("{key}={v} is not valid; expected a number from {lo} to {hi}"),
                )),
            }
        };
        match key.as_str() {
            "FREQ" => freq = Some(value.clone()),
            "INTERVAL" => interval = number(&value, 1, 1000)? as u32,
            "COUNT" => count = Some(number(&value, 1, 100_000)? as u32),
            "UNTIL" => until = Some(parse_when(ctx, prop, "RRULE UNTIL", &value, None)?),
            "BYMONTH" => bymonth = Some(number(one("months")?, 1, 12)? as u32),
            "BYMONTHDAY" => {
                let d = number(one("days")?, -31, 31)?;
                if d <= 0 {
                    return Err(ctx.err(
                        prop,
                        &field(&key),
                        format!(
                            "BYMONTHDAY={d} counts from the end of the month; only days 1-31 \
                             are supported"
                        ),
                    ));
                }
                bymonthday = Some(d);
            }
            "BYDAY" => {
                let mut days = Vec::new();
                for item in &list {
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
                            return Err(ctx.err(
                                prop,
                                &field(&key),
                                format!(
                                    "{} is not a weekday (MO … SU, optionally with an ordinal \
                                     such as 4TH or -1MO)",
                                    preview(item)
                                ),
                            ));
                        }
                    }
                }
                byday = Some(days);
            }
            "BYSETPOS" => {
                let pos = number(one("positions")?, -366, 366)? as i32;
                // RFC 5545 positions are ±1 to ±366: 0 (or -0) picks nothing.
                if pos == 0 {
                    return Err(ctx.err(
                        prop,
                        &field(&key),
                        format!(
                            "BYSETPOS={value} picks nothing; positions count from 1 (the first) \
                             or from -1 (the last)"
                        ),
                    ));
                }
                bysetpos = Some(pos);
            }
            "WKST" => {
                // The week start changes nothing for yearly rules by month and day or weekday.
                if weekday_code(&value).is_none() {
                    return Err(ctx.err(
                        prop,
                        &field(&key),
                        format!("WKST={value} is not a weekday (MO … SU)"),
                    ));
                }
            }
            "BYWEEKNO" | "BYYEARDAY" | "BYHOUR" | "BYMINUTE" | "BYSECOND" => {
                return Err(ctx.err(
                    prop,
                    &field(&key),
                    format!(
                        "{key}={value} is not supported: a yearly holiday is picked by BYMONTH \
                         with BYMONTHDAY, or with BYDAY (an ordinal weekday)"
                    ),
                ));
            }
            _ => {
                return Err(ctx.err(
                    prop,
                    &field(&key),
                    format!("{key} is not a supported RRULE part"),
                ));
            }
        }
    }
    match freq.as_deref() {
        Some("YEARLY") => {}
        Some(other) => {
            return Err(ctx.err(
                prop,
                "RRULE FREQ",
                format!(
                    "FREQ={other} is not supported: a holiday feed's recurring events are yearly \
                     (FREQ=YEARLY)"
                ),
            ));
        }
        None => {
            return Err(ctx.err(prop, "RRULE FREQ", "an RRULE needs FREQ (FREQ=YEARLY)"));
        }
    }
    if count.is_some() && until.is_some() {
        return Err(ctx.err(
            prop,
            "RRULE COUNT",
            "COUNT and UNTIL together are not allowed (RFC 5545 §3.3.10)",
        ));
    }
    let month = bymonth.unwrap_or(start.month());
    let pick = match (bymonthday, byday, bysetpos) {
        (Some(_), _, _) if bymonth.is_none() => {
            return Err(ctx.err(
                prop,
                "RRULE BYMONTHDAY",
                "BYMONTHDAY without BYMONTH picks that day of every month; a yearly holiday \
                 needs BYMONTH too",
            ));
        }
        (Some(_), Some(_), _) => {
            return Err(ctx.err(
                prop,
                "RRULE BYDAY",
                "BYDAY with BYMONTHDAY (such as Friday the 13th) is not supported",
            ));
        }
        (Some(d), None, None) => Pick::Day(d as u32),
        (Some(_), None, Some(_)) => {
            return Err(ctx.err(
                prop,
                "RRULE BYSETPOS",
                "BYSETPOS with BYMONTHDAY is not supported",
            ));
        }
        (None, None, Some(_)) => {
            return Err(ctx.err(
                prop,
                "RRULE BYSETPOS",
                "BYSETPOS without BYDAY is not supported",
            ));
        }
        (None, None, None) => Pick::Day(start.day()),
        (None, Some(_), _) if bymonth.is_none() => {
            return Err(ctx.err(
                prop,
                "RRULE BYDAY",
                "BYDAY without BYMONTH counts weekdays of the whole year (or picks every such \
                 weekday); a yearly holiday needs BYMONTH too",
            ));
        }
        (None, Some(days), setpos) => {
            let mut mask = 0u8;
            let mut ords = Vec::new();
            for (ord, wd) in &days {
                mask |= 1 << wd.num_days_from_monday();
                ords.push(*ord);
            }
            match (ords.as_slice(), setpos) {
                ([Some(n)], None) if (-5..=5).contains(n) => Pick::Nth { nth: *n, mask },
                ([Some(_)], None) => {
                    return Err(ctx.err(
                        prop,
                        "RRULE BYDAY",
                        "a month has at most five of a weekday; expected an ordinal from -5 to 5",
                    ));
                }
                (o, Some(pos)) if o.iter().all(Option::is_none) && (-31..=31).contains(&pos) => {
                    Pick::Nth { nth: pos, mask }
                }
                (o, None) if o.iter().all(Option::is_none) => {
                    return Err(ctx.err(
                        prop,
                        "RRULE BYDAY",
                        "BYDAY without an ordinal (such as 4TH or -1MO) picks every such weekday \
                         of the month; add the ordinal, or BYSETPOS",
                    ));
                }
                _ => {
                    return Err(ctx.err(
                        prop,
                        "RRULE BYDAY",
                        "several ordinal weekdays in one rule are not supported; write one \
                         VEVENT per weekday",
                    ));
                }
            }
        }
    };
    Ok(Yearly {
        interval,
        month,
        pick,
        count,
        until,
    })
}

// ---------------------------------------------------------------------------------------------
// Events

fn parse_feed(text: &str, source: &str, tz: Tz, warnings: &mut Vec<Warning>) -> Result<Vec<Value>> {
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

fn event(
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
fn one_off(
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
fn split_days(name: &str, a: NaiveDateTime, b: NaiveDateTime, out: &mut Vec<Value>) {
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

/// The date of an `UNTIL` or `EXDATE` value in the target zone's wall time.
fn local_date_time(when: When, tz: Tz) -> Option<NaiveDateTime> {
    match when {
        When::Date(d) => Some(d.and_time(NaiveTime::MIN)),
        When::Time(t, frame) => local(instant(t, frame, tz), tz),
    }
}

#[allow(clippy::too_many_arguments)]
fn recurring(
    ctx: &Ctx<'_>,
    name: &str,
    start: When,
    end: Option<When>,
    (dtstart, rule_prop): (&Property, &Property),
    (end_line, end_field): (usize, &str),
    exdates: &[&Property],
    warnings: &mut Vec<Warning>,
) -> Result<Value> {
    let tz = ctx.tz;
    // The occurrence's date and, for timed events, its local hours in the target zone.
    let (first, hours, start_secs) = match start {
        When::Date(d) => {
            match end {
                None => {}
                Some(When::Date(e)) if e.pred_opt() == Some(d) => {}
                Some(When::Date(e)) if e <= d => {
                    return Err(ctx.err_at(
                        end_line,
                        end_field,
                        "the event ends before or when it starts; DTEND is exclusive",
                    ));
                }
                Some(_) => {
                    return Err(ctx.err_at(
                        end_line,
                        end_field,
                        "a recurring event longer than one day is not supported; a yearly \
                         holiday closes one day (write one VEVENT per day)",
                    ));
                }
            }
            (d, None, 0)
        }
        When::Time(s, frame) => {
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
            let a = s.time().num_seconds_from_midnight();
            let b = if end_local.date() == s.date() {
                end_local.time().num_seconds_from_midnight()
            } else if end_local.date() == s.date().succ_opt().unwrap_or(s.date())
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
            (s.date(), Some(format!("{}-{}", hhmm(a), hhmm(b))), a)
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
    let until = match (rule.until, rule.count) {
        (Some(u), _) => {
            let Some(u) = local_date_time(u, tz) else {
                return Err(ctx.err(rule_prop, "RRULE UNTIL", "out of range"));
            };
            let date = if u.time().num_seconds_from_midnight() >= start_secs {
                Some(u.date())
            } else {
                u.date().pred_opt()
            };
            match date {
                Some(d) if !in_years(d) => {
                    return Err(ctx.err(rule_prop, "RRULE UNTIL", OUTSIDE_YEARS));
                }
                Some(d) if d >= first => Some(d),
                _ => {
                    return Err(ctx.err(
                        rule_prop,
                        "RRULE UNTIL",
                        "UNTIL is before DTSTART, so the rule has no occurrence",
                    ));
                }
            }
        }
        (None, Some(count)) => {
            let mut seen = 0u32;
            let mut year = first.year();
            let mut last = None;
            while year <= 9999 {
                if let Some(d) = occurrence_in(&rule, year)
                    && d >= first
                {
                    seen += 1;
                    if seen == count {
                        last = Some(d);
                        break;
                    }
                }
                year += rule.interval as i32;
            }
            last
        }
        (None, None) => None,
    };
    let mut except = Vec::new();
    for p in exdates {
        let zone = zone_of(ctx, p, "EXDATE")?;
        for item in p.value.split(',').filter(|s| !s.trim().is_empty()) {
            let when = parse_when(ctx, p, "EXDATE", item, zone)?;
            let Some(local) = local_date_time(when, tz) else {
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

    let mut entry = Map::new();
    entry.insert("name".into(), json!(name));
    let single_weekday = |mask: u8| {
        (mask.count_ones() == 1).then(|| {
            let i = mask.trailing_zeros();
            weekday_key(Weekday::try_from(i as u8).unwrap_or(Weekday::Mon))
        })
    };
    match (rule.interval, rule.pick) {
        (1, Pick::Day(d)) => {
            entry.insert(
                "yearly".into(),
                json!(format!("{:02}-{:02}", rule.month, d)),
            );
        }
        (1, Pick::Nth { nth, mask }) if single_weekday(mask).is_some() && nth.abs() <= 5 => {
            entry.insert(
                "yearly".into(),
                json!({"month": rule.month, "weekday": single_weekday(mask), "nth": nth}),
            );
        }
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
            entry.insert("recurs".into(), Value::Object(r));
        }
    }
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
