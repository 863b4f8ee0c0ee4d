//! Durations as written in documents, and instants as written in case logs.
//!
//! Durations are `90s`, `15m`, `4h`, `2d` (and sums such as `1h30m`), or ISO 8601 (`PT4H`,
//! `P1DT2H`), with an optional sign for offsets (`-30m` before a target, `+2h` after). `d` is 24
//! hours of business time, not a business day: "5 business days" on a 09–17 calendar is `40h`.
//! Years and months are refused, because their length is not fixed. Business days (`5bd`) are
//! a count of dates, not a length: only a milestone's target takes them ([`parse_business_days`]);
//! everywhere else they are refused with a reason.

use crate::error::{Error, Result, excerpt};
use crate::time::{MAX_MICROS, MIN_MICROS, SECOND_US};

const UNIT_US: [(char, i64); 4] = [
    ('d', 86_400 * SECOND_US),
    ('h', 3_600 * SECOND_US),
    ('m', 60 * SECOND_US),
    ('s', SECOND_US),
];

/// Parses a duration into microseconds; `path` names where it was found.
///
/// ```
/// use entitlement_core::duration::parse_duration;
/// assert_eq!(parse_duration("90s", "p").unwrap(), 90_000_000);
/// assert_eq!(parse_duration("1h30m", "p").unwrap(), 5_400_000_000);
/// assert_eq!(parse_duration("-30m", "p").unwrap(), -1_800_000_000);
/// assert_eq!(parse_duration("PT4H", "p").unwrap(), 14_400_000_000);
/// assert_eq!(parse_duration("P1DT0.5S", "p").unwrap(), 86_400_500_000);
/// assert_eq!(parse_duration("4 hours", "p").unwrap_err().code(), "invalid_duration");
/// ```
pub fn parse_duration(text: &str, path: &str) -> Result<i64> {
    let bad = || Error::InvalidDuration {
        path: path.to_string(),
        value: text.to_string(),
    };
    let trimmed = text.trim();
    let (negative, body) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, &trimmed[1..]),
        Some(b'+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    if body.ends_with("bd") {
        return Err(Error::InvalidValue {
            path: path.to_string(),
            reason: format!(
                "{} counts business days, which only a milestone's target may use (a business \
                 day has no fixed length); write business time here, such as \"40h\"",
                excerpt(text)
            ),
        });
    }
    let micros = if let Some(iso) = body.strip_prefix('P') {
        parse_iso(iso).ok_or_else(bad)?
    } else {
        parse_units(body).ok_or_else(bad)?
    };
    if micros > MAX_MICROS - MIN_MICROS {
        return Err(Error::InvalidValue {
            path: path.to_string(),
            reason: format!(
                "the duration {} is longer than the supported range of instants (years 1 to 9999)",
                excerpt(text)
            ),
        });
    }
    Ok(if negative { -micros } else { micros })
}

/// The count of a business-day duration (`5bd`): `None` when `text` is not written with `bd`;
/// an error naming `path` when it is, but is not a whole number from 1 to
/// [`MAX_BUSINESS_DAYS`](crate::calendar::MAX_BUSINESS_DAYS).
///
/// ```
/// use entitlement_core::duration::parse_business_days;
/// assert_eq!(parse_business_days("5bd", "p").unwrap(), Some(5));
/// assert_eq!(parse_business_days("4h", "p").unwrap(), None);
/// assert_eq!(parse_business_days("1.5bd", "p").unwrap_err().code(), "invalid_value");
/// assert_eq!(parse_business_days("-2bd", "p").unwrap_err().code(), "invalid_value");
/// ```
pub fn parse_business_days(text: &str, path: &str) -> Result<Option<u32>> {
    let Some(number) = text.trim().strip_suffix("bd") else {
        return Ok(None);
    };
    let max = crate::calendar::MAX_BUSINESS_DAYS;
    match number.parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) && number.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(Some(n))
        }
        _ => Err(Error::InvalidValue {
            path: path.to_string(),
            reason: format!(
                "{} is not a count of business days; expected a whole number from 1 to {max} \
                 followed by `bd`, such as \"5bd\"",
                excerpt(text)
            ),
        }),
    }
}

/// A decimal number (`4`, `1.5`, `0.000001`) times a unit, in whole microseconds.
fn scaled(number: &str, unit_us: i64) -> Option<i64> {
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if int.is_empty() && frac.is_empty() || frac.contains('.') {
        return None;
    }
    let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut total = whole.checked_mul(unit_us)?;
    // Digits beyond the microsecond are refused rather than rounded.
    let mut scale = unit_us;
    for digit in frac.bytes() {
        if scale % 10 != 0 {
            return None;
        }
        scale /= 10;
        total = total.checked_add(i64::from(digit - b'0') * scale)?;
    }
    Some(total)
}

/// `1h30m`, `90s`, `2d`: units in decreasing order, each at most once.
fn parse_units(body: &str) -> Option<i64> {
    if body.is_empty() {
        return None;
    }
    sum_units(body, &UNIT_US)
}

/// Numbers each followed by a unit of `units`, in the order of `units`, each at most once.
fn sum_units(mut rest: &str, units: &[(char, i64)]) -> Option<i64> {
    let mut total: i64 = 0;
    let mut next_unit = 0usize;
    while !rest.is_empty() {
        let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let unit = rest[end..].chars().next()?;
        let pos = units.iter().position(|(u, _)| *u == unit)?;
        if pos < next_unit {
            return None;
        }
        next_unit = pos + 1;
        total = total.checked_add(scaled(&rest[..end], units[pos].1)?)?;
        rest = &rest[end + unit.len_utf8()..];
    }
    Some(total)
}

/// The part of an ISO 8601 duration after `P`: `[nW]` or `[nD][T[nH][nM][nS]]`.
fn parse_iso(body: &str) -> Option<i64> {
    const TIME_UNITS: [(char, i64); 3] = [
        ('H', 3_600 * SECOND_US),
        ('M', 60 * SECOND_US),
        ('S', SECOND_US),
    ];
    if let Some(weeks) = body.strip_suffix('W') {
        return scaled(weeks, 7 * 86_400 * SECOND_US);
    }
    let (date, time) = match body.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (body, None),
    };
    let days = if date.is_empty() {
        0
    } else {
        scaled(date.strip_suffix('D')?, 86_400 * SECOND_US)?
    };
    match time {
        Some("") => None,
        Some(time) => days.checked_add(sum_units(time, &TIME_UNITS)?),
        None if date.is_empty() => None,
        None => Some(days),
    }
}

/// Writes microseconds as the shortest unit form that [`parse_duration`] reads back (`1h30m`).
///
/// ```
/// use entitlement_core::duration::format_duration;
/// assert_eq!(format_duration(5_400_000_000), "1h30m");
/// assert_eq!(format_duration(-1_500_000), "-1.5s");
/// assert_eq!(format_duration(0), "0s");
/// ```
pub fn format_duration(micros: i64) -> String {
    if micros == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    if micros < 0 {
        out.push('-');
    }
    let mut rest = micros.unsigned_abs();
    for (unit, size) in UNIT_US {
        let size = size as u64;
        if unit == 's' {
            if rest > 0 {
                let secs = rest / size;
                let frac = rest % size;
                if frac == 0 {
                    out.push_str(&format!("{secs}s"));
                } else {
                    let digits = format!("{frac:06}");
                    out.push_str(&format!("{secs}.{}s", digits.trim_end_matches('0')));
                }
            }
        } else if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_form_parses() {
        let h = 3_600 * SECOND_US;
        for (text, want) in [
            ("15m", 15 * 60 * SECOND_US),
            ("4h", 4 * h),
            ("2d", 48 * h),
            ("+2h", 2 * h),
            ("1.5h", 90 * 60 * SECOND_US),
            ("2d4h", 52 * h),
            ("PT30M", 30 * 60 * SECOND_US),
            ("P2D", 48 * h),
            ("P1W", 168 * h),
            ("-PT5M", -5 * 60 * SECOND_US),
            ("PT1H30M15.25S", h + 30 * 60 * SECOND_US + 15_250_000),
            ("0s", 0),
        ] {
            assert_eq!(parse_duration(text, "p").unwrap(), want, "{text}");
        }
    }

    #[test]
    fn malformed_durations_are_refused() {
        for text in [
            "",
            "4",
            "h",
            "4 hours",
            "4H",
            "1m1h",
            "1h1h",
            "P1Y",
            "P1M",
            "PT",
            "P",
            "1.2.3h",
            "0.0000001s",
            "--4h",
            "4h ",
            "PT4h",
        ] {
            if text == "4h " {
                continue; // surrounding whitespace is trimmed
            }
            assert_eq!(
                parse_duration(text, "p").unwrap_err().code(),
                "invalid_duration",
                "{text:?}"
            );
        }
        assert_eq!(
            parse_duration("99999999999999999d", "p")
                .unwrap_err()
                .code(),
            "invalid_duration"
        );
        // Well formed but longer than any two instants can be apart: a document error.
        let e = parse_duration("9999999d", "p").unwrap_err();
        assert_eq!(e.code(), "invalid_value");
        assert_eq!(e.kind(), crate::ErrorKind::Config);
    }

    #[test]
    fn business_days_are_refused_where_a_length_is_needed() {
        for text in ["5bd", "-1bd", "+2bd", "1.5bd"] {
            let e = parse_duration(text, "monitor.suppress.agent_activity").unwrap_err();
            assert_eq!(e.code(), "invalid_value", "{text}");
            assert!(
                e.to_string()
                    .starts_with("monitor.suppress.agent_activity: "),
                "{e}"
            );
            assert!(e.to_string().contains("business days"), "{e}");
        }
        for text in ["0bd", "bd", "1d2bd", "10001bd", "4294967296bd", " +5bd"] {
            assert_eq!(
                parse_business_days(text, "p").unwrap_err().code(),
                "invalid_value",
                "{text:?}"
            );
        }
        assert_eq!(parse_business_days(" 10000bd ", "p").unwrap(), Some(10_000));
    }

    #[test]
    fn format_and_parse_round_trip() {
        let mut x: u64 = 7;
        for _ in 0..10_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let micros = (x >> 20) as i64 - (1 << 43);
            let text = format_duration(micros);
            assert_eq!(parse_duration(&text, "p").unwrap(), micros, "{text}");
        }
    }
}
