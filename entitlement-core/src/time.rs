//! Instants as integer microseconds since the Unix epoch, and the civil-date arithmetic the
//! calendar index and the bindings need on their hot paths (no allocation, no time-zone lookup).

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};

use crate::error::{Error, Result, excerpt};

/// Microseconds in one day.
pub const DAY_US: i64 = 86_400_000_000;
/// Microseconds in one second.
pub const SECOND_US: i64 = 1_000_000;

/// The first supported instant, 0001-01-01T00:00:00Z, in microseconds since the Unix epoch.
///
/// ```
/// assert_eq!(entitlement_core::MIN_MICROS, -62_135_596_800_000_000);
/// ```
pub const MIN_MICROS: i64 = -62_135_596_800 * SECOND_US;

/// The last supported instant, 9999-12-31T23:59:59.999999Z, in microseconds since the Unix
/// epoch.
///
/// ```
/// assert_eq!(entitlement_core::MAX_MICROS, 253_402_300_799_999_999);
/// ```
pub const MAX_MICROS: i64 = 253_402_300_800 * SECOND_US - 1;

/// The first and last supported years.
pub(crate) const MIN_YEAR: i32 = 1;
pub(crate) const MAX_YEAR: i32 = 9999;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`):
/// the fast path the bindings use to turn a date-time's fields into microseconds.
///
/// ```
/// use entitlement_core::time::days_from_civil;
/// assert_eq!(days_from_civil(1970, 1, 1), 0);
/// assert_eq!(days_from_civil(2026, 3, 9), 20_521);
/// ```
#[inline]
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date `(year, month, day)` of a day count since 1970-01-01 (the
/// inverse of [`days_from_civil`]).
///
/// ```
/// use entitlement_core::time::{civil_from_days, days_from_civil};
/// assert_eq!(civil_from_days(20_521), (2026, 3, 9));
/// assert_eq!(civil_from_days(days_from_civil(1, 1, 1)), (1, 1, 1));
/// ```
#[inline]
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    ((yoe + era * 400 + i64::from(m <= 2)) as i32, m, d)
}

/// The year of a day count since 1970-01-01 (inlined, the unused month and day fold away).
#[inline]
pub(crate) fn year_from_days(z: i64) -> i32 {
    civil_from_days(z).0
}

/// The UTC year an instant falls in.
#[inline]
pub(crate) fn year_of(us: i64) -> i32 {
    year_from_days(us.div_euclid(DAY_US))
}

/// The first instant of a UTC year.
#[inline]
pub(crate) fn year_start(year: i32) -> i64 {
    days_from_civil(year, 1, 1) * DAY_US
}

/// Microseconds since the epoch of a date at local midnight read as UTC (a "naive" instant).
pub(crate) fn naive_date_us(d: NaiveDate) -> i64 {
    use chrono::Datelike;
    days_from_civil(d.year(), d.month(), d.day()) * DAY_US
}

/// The reason given for a date-time text that cannot be read.
const INSTANT_SYNTAX: &str = "expected an ISO 8601 date-time with a UTC offset, such as \
     \"2026-03-06T16:00:00-05:00\" or \"2026-03-06T21:00:00Z\"";

/// A date written `YYYY-MM-DD`, in years 1 to 9999 (`path` names it in the error): how the
/// rules and the bindings' date arguments (`outcomes(start, end)`) read a day.
///
/// ```
/// use entitlement_core::time::parse_date;
/// assert_eq!(parse_date("2026-07-01", "start")?.to_string(), "2026-07-01");
/// assert_eq!(parse_date("2026-02-30", "start").unwrap_err().code(), "invalid_date");
/// assert_eq!(parse_date("2026-7-1", "end").unwrap_err().code(), "invalid_date");
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn parse_date(text: &str, path: &str) -> Result<NaiveDate> {
    let bad = |reason: &str| Error::InvalidDate {
        path: path.to_string(),
        value: text.to_string(),
        reason: reason.to_string(),
    };
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad("expected a date as YYYY-MM-DD, such as \"2026-03-09\""));
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| bad("no such day in the calendar; expected a real date as YYYY-MM-DD"))?;
    if !(1..=9999).contains(&date.year()) {
        return Err(bad("years run from 0001 to 9999"));
    }
    Ok(date)
}

/// Parses an ISO 8601 / RFC 3339 date-time that carries a UTC offset.
///
/// Accepted: `YYYY-MM-DD`, then `T`, `t` or a space, then `HH:MM`, optionally `:SS` and a
/// fraction (`.` or `,`, any number of digits, truncated to microseconds), then `Z`, `z`,
/// `±HH:MM`, `±HHMM` or `±HH`. A text that would be valid without its offset, or a bare date, is
/// `naive_datetime`; everything else is `invalid_instant`.
///
/// ```
/// use entitlement_core::time::parse_instant;
/// assert_eq!(parse_instant("1970-01-01T01:00:00+01:00", "at").unwrap(), 0);
/// assert_eq!(parse_instant("2026-03-06T16:00:00", "at").unwrap_err().code(), "naive_datetime");
/// assert_eq!(parse_instant("next tuesday", "at").unwrap_err().code(), "invalid_instant");
/// ```
pub fn parse_instant(text: &str, path: &str) -> Result<i64, Error> {
    let invalid = |reason: String| Error::InvalidInstant {
        path: path.to_string(),
        value: text.to_string(),
        reason,
    };
    let syntax = || invalid(INSTANT_SYNTAX.to_string());
    let b = text.as_bytes();
    let digits = |at: usize, n: usize| -> Option<u32> {
        let part = b.get(at..at + n)?;
        part.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let byte = |at: usize| b.get(at).copied();

    // The date.
    let (Some(year), Some(b'-'), Some(month), Some(b'-'), Some(day)) =
        (digits(0, 4), byte(4), digits(5, 2), byte(7), digits(8, 2))
    else {
        return Err(syntax());
    };
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or_else(|| invalid(format!("{:.10} is not a date of the calendar", text)))?;
    if b.len() == 10 {
        return Err(Error::NaiveDateTime {
            path: path.to_string(),
            value: text.to_string(),
        });
    }

    // The time of day.
    if !matches!(byte(10), Some(b'T' | b't' | b' ')) {
        return Err(syntax());
    }
    let (Some(hour), Some(b':'), Some(minute)) = (digits(11, 2), byte(13), digits(14, 2)) else {
        return Err(syntax());
    };
    let mut at = 16;
    let mut second = 0;
    let mut micros = 0i64;
    if byte(at) == Some(b':') {
        second = digits(at + 1, 2).ok_or_else(syntax)?;
        at += 3;
        if matches!(byte(at), Some(b'.' | b',')) {
            at += 1;
            let start = at;
            while byte(at).is_some_and(|c| c.is_ascii_digit()) {
                if at - start < 6 {
                    micros = micros * 10 + i64::from(b[at] - b'0');
                }
                at += 1;
            }
            if at == start {
                return Err(syntax());
            }
            for _ in (at - start)..6 {
                micros *= 10;
            }
        }
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(invalid(format!(
            "{hour:02}:{minute:02}:{second:02} is not a time of day (00:00:00 to 23:59:59)"
        )));
    }

    // The offset.
    let offset_seconds: i64 = match byte(at) {
        None => {
            return Err(Error::NaiveDateTime {
                path: path.to_string(),
                value: text.to_string(),
            });
        }
        Some(b'Z' | b'z') if at + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) => {
            let hours = digits(at + 1, 2).ok_or_else(syntax)?;
            let minutes = match b.len() - (at + 3) {
                0 => 0,
                2 => digits(at + 3, 2).ok_or_else(syntax)?,
                3 if byte(at + 3) == Some(b':') => digits(at + 4, 2).ok_or_else(syntax)?,
                _ => return Err(syntax()),
            };
            if hours > 23 || minutes > 59 {
                return Err(invalid(format!(
                    "{} is not a UTC offset (-23:59 to +23:59)",
                    &text[at..]
                )));
            }
            let magnitude = i64::from(hours * 3600 + minutes * 60);
            if sign == b'-' { -magnitude } else { magnitude }
        }
        Some(_) => return Err(syntax()),
    };

    let local = date
        .and_hms_opt(hour, minute, second)
        .ok_or_else(syntax)?
        .and_utc()
        .timestamp();
    let us = (local - offset_seconds) * 1_000_000 + micros;
    if (MIN_MICROS..=MAX_MICROS).contains(&us) {
        Ok(us)
    } else {
        Err(Error::OutOfRange {
            what: format!("{path} ({})", excerpt(text)),
        })
    }
}

/// Checks that an instant is inside the supported range, years 1 to 9999: the one range check
/// and the one `out_of_range` message of every layer.
///
/// ```
/// use entitlement_core::{MAX_MICROS, time::check_instant};
/// assert_eq!(check_instant(0, "start").unwrap(), 0);
/// let err = check_instant(MAX_MICROS + 1, "start").unwrap_err();
/// assert_eq!(err.code(), "out_of_range");
/// assert!(err.to_string().starts_with("start ("), "{err}");
/// ```
#[inline]
pub fn check_instant(us: i64, what: &str) -> Result<i64> {
    if (MIN_MICROS..=MAX_MICROS).contains(&us) {
        Ok(us)
    } else {
        Err(Error::OutOfRange {
            what: format!("{what} ({})", describe_us(us)),
        })
    }
}

/// An instant for messages: RFC 3339 when representable, else the raw microseconds.
pub(crate) fn describe_us(us: i64) -> String {
    match DateTime::<Utc>::from_timestamp_micros(us) {
        Some(t) => t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        None => format!("{us} µs since 1970-01-01T00:00:00Z"),
    }
}

/// A chrono instant as microseconds, truncated toward the past.
#[inline]
pub(crate) fn to_us(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// Microseconds as a chrono instant.
pub(crate) fn from_us(us: i64) -> Result<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp_micros(us).ok_or_else(|| Error::OutOfRange {
        what: format!("the instant {us} µs since the epoch"),
    })
}

/// A chrono duration as microseconds (floor), or an error when it does not fit.
pub(crate) fn duration_us(d: TimeDelta, what: &str) -> Result<i64> {
    let micros = d.num_microseconds().ok_or_else(|| Error::OutOfRange {
        what: format!("{what} ({d})"),
    })?;
    // num_microseconds truncates toward zero; floor keeps sub-microsecond inputs consistent with
    // instants, which are truncated toward the past.
    let rest = d - TimeDelta::microseconds(micros);
    Ok(if rest < TimeDelta::zero() {
        micros - 1
    } else {
        micros
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_over_the_whole_range() {
        for y in [
            1, 2, 99, 100, 400, 1582, 1600, 1900, 1969, 1970, 2000, 2024, 2100, 9999,
        ] {
            for (m, d) in [(1, 1), (2, 28), (3, 1), (12, 31)] {
                let days = days_from_civil(y, m, d);
                let nd = NaiveDate::from_ymd_opt(y, m, d).unwrap();
                let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
                assert_eq!(days, (nd - epoch).num_days());
                assert_eq!(year_from_days(days), y);
            }
        }
        assert_eq!(year_of(MIN_MICROS), 1);
        assert_eq!(year_of(MAX_MICROS), 9999);
        assert_eq!(year_of(MAX_MICROS + 1), 10000);
        assert_eq!(year_start(1), MIN_MICROS);
    }
}

/// RFC 3339 in UTC with `Z` and as many fraction digits as needed (none, 3, 6 or 9): the one
/// way every layer writes an instant as text.
///
/// ```
/// use entitlement_core::time::rfc3339;
/// let t: chrono::DateTime<chrono::Utc> = "2026-03-09T13:00:00.250Z".parse()?;
/// assert_eq!(rfc3339(t), "2026-03-09T13:00:00.250Z");
/// # Ok::<(), chrono::ParseError>(())
/// ```
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// How result types serialise their instants, durations and dates, for `#[serde(with)]`.
///
/// A human-readable serializer (JSON, YAML) gets what the text formats have always shown: an
/// instant as RFC 3339 text ([`rfc3339`]), a duration as seconds (a float with microsecond
/// precision), a date as `YYYY-MM-DD`. Each value is wrapped in a newtype struct whose name is
/// one of [`INSTANT`], [`DURATION`] and [`DATE`]: text formats ignore the wrapper, and a
/// binding's host serializer recognises it and asks for the value again with
/// `is_human_readable() == false`, which gives integer microseconds since the Unix epoch, integer
/// microseconds, or days since 1970-01-01. The host then makes a `datetime` / `Date`, a
/// `timedelta` / milliseconds, a `date`, without parsing text.
///
/// ```
/// #[derive(serde::Serialize)]
/// struct Row {
///     #[serde(with = "entitlement_core::time::serde_instant")]
///     at: chrono::DateTime<chrono::Utc>,
/// }
/// let row = Row { at: "2026-03-09T13:00:00Z".parse()? };
/// assert_eq!(serde_json::to_string(&row)?, r#"{"at":"2026-03-09T13:00:00Z"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub mod marker {
    /// The newtype-struct name of an instant.
    pub const INSTANT: &str = "$entitlement::Instant";
    /// The newtype-struct name of a duration.
    pub const DURATION: &str = "$entitlement::Duration";
    /// The newtype-struct name of a calendar date.
    pub const DATE: &str = "$entitlement::Date";
}
pub use marker::{DATE, DURATION, INSTANT};

struct InstantRepr(DateTime<Utc>);
impl serde::Serialize for InstantRepr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        } else {
            s.serialize_i64(to_us(self.0))
        }
    }
}

struct DurationRepr(TimeDelta);
impl serde::Serialize for DurationRepr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let us = self.0.num_microseconds();
        if s.is_human_readable() {
            s.serialize_f64(us.unwrap_or(i64::MAX) as f64 / 1e6)
        } else {
            let us = us.ok_or_else(|| {
                <S::Error as serde::ser::Error>::custom(format!(
                    "the duration {} is out of range",
                    self.0
                ))
            })?;
            s.serialize_i64(us)
        }
    }
}

struct DateRepr(NaiveDate);
impl serde::Serialize for DateRepr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(&self.0)
        } else {
            s.serialize_i64(naive_date_us(self.0).div_euclid(DAY_US))
        }
    }
}

macro_rules! serde_module {
    ($name:ident, $opt:ident, $ty:ty, $repr:ident, $marker:ident, $what:literal) => {
        #[doc = concat!("Serialises ", $what, "; see [`marker`].")]
        pub mod $name {
            use super::*;
            #[doc = concat!("Serialises ", $what, ".")]
            pub fn serialize<S: serde::Serializer>(
                v: &$ty,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_newtype_struct(marker::$marker, &$repr(*v))
            }
        }
        #[doc = concat!("Serialises an optional ", $what, " (`None` as null); see [`marker`].")]
        pub mod $opt {
            use super::*;
            #[doc = concat!("Serialises an optional ", $what, ".")]
            pub fn serialize<S: serde::Serializer>(
                v: &Option<$ty>,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                match v {
                    Some(v) => s.serialize_newtype_struct(marker::$marker, &$repr(*v)),
                    None => s.serialize_none(),
                }
            }
        }
    };
}
serde_module!(
    serde_instant,
    serde_opt_instant,
    DateTime<Utc>,
    InstantRepr,
    INSTANT,
    "an instant"
);
serde_module!(
    serde_duration,
    serde_opt_duration,
    TimeDelta,
    DurationRepr,
    DURATION,
    "a duration"
);
serde_module!(
    serde_date,
    serde_opt_date,
    NaiveDate,
    DateRepr,
    DATE,
    "a calendar date"
);

/// An instant, duration or date as a result type serialises it (see [`marker`]), for
/// hand-written `Serialize` impls.
#[derive(Clone, Copy, Debug)]
pub struct Marked<T>(T);

impl Marked<DateTime<Utc>> {
    /// A marked instant.
    pub fn instant(t: DateTime<Utc>) -> Self {
        Marked(t)
    }
}

impl serde::Serialize for Marked<DateTime<Utc>> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        serde_instant::serialize(&self.0, s)
    }
}

fn marked_schema(
    kind: &str,
    json_type: &str,
    format: Option<&str>,
    nullable: bool,
) -> schemars::Schema {
    let mut schema = serde_json::Map::new();
    let json_type = if nullable {
        serde_json::json!([json_type, "null"])
    } else {
        serde_json::json!(json_type)
    };
    schema.insert("type".into(), json_type);
    if let Some(format) = format {
        schema.insert("format".into(), format.into());
    }
    schema.insert("x-entitlement".into(), kind.into());
    schemars::Schema::from(schema)
}

macro_rules! schema_fns {
    ($($name:ident, $kind:literal, $ty:literal, $format:expr, $nullable:literal;)*) => {$(
        #[doc = concat!("The JSON schema of a marked ", $kind, " (`x-entitlement: ", $kind, "`).")]
        pub fn $name(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
            marked_schema($kind, $ty, $format, $nullable)
        }
    )*};
}
schema_fns! {
    schema_instant, "instant", "string", Some("date-time"), false;
    schema_opt_instant, "instant", "string", Some("date-time"), true;
    schema_duration, "duration", "number", None, false;
    schema_opt_duration, "duration", "number", None, true;
    schema_date, "date", "string", Some("date"), false;
    schema_opt_date, "date", "string", Some("date"), true;
}
