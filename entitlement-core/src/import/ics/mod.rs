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
//! (`STATUS:CANCELLED`) are skipped with a [`Warning`](super::Warning). `TRANSP` is ignored:
//! holiday feeds mark their events transparent so that they do not show a person as busy, which
//! says nothing about whether the business is closed. Decisions and the mapping table: `docs/import-ics.md`.
//!
//! The content-line layer (unfolding, parameters, TEXT escapes) is written here rather than taken
//! from a crate: it is small, iterative (no recursion, so nesting cannot overflow the stack), and
//! every error can name the line it comes from.
//!
//! | file | what it holds |
//! |---|---|
//! | `mod.rs` | the public API: [`decode`], [`read`], [`holidays`], [`calendar`] |
//! | `lines.rs` | content lines (RFC 5545 §3.1): unfolding, properties, parameters, components |
//! | `values.rs` | `DATE`, `DATE-TIME` and `DURATION` values, zones, the event context for messages |
//! | `rrule.rs` | yearly `RRULE`s: their parts, the day each picks, their occurrences |
//! | `events.rs` | `VEVENT`s into holiday entries: one-off and recurring |
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

mod events;
mod lines;
mod rrule;
mod values;

use chrono_tz::Tz;
use serde_json::{Map, Value, json};

use self::events::parse_feed;
use super::Import;
use crate::calendar::Calendar;
use crate::error::{Error, Result};

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
