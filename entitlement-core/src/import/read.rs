//! Reading vendors' records: typed access to the fields of a JSON record, each error an
//! `unsupported` error naming the record and the field.

use chrono::{Datelike, NaiveDate};
use serde_json::{Map, Value};

use super::unsupported;
use crate::document::type_name;
use crate::error::Result;

/// A string field, if it holds a string.
pub(crate) fn text<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

/// The value as an object.
pub(crate) fn object<'a>(
    v: &'a Value,
    record: &str,
    field: &str,
) -> Result<&'a Map<String, Value>> {
    v.as_object().ok_or_else(|| {
        unsupported(
            record,
            field,
            format!("expected an object, found {}", type_name(v)),
        )
    })
}

/// A non-empty string field that must be there.
pub(crate) fn required_str<'a>(
    map: &'a Map<String, Value>,
    record: &str,
    field: &str,
) -> Result<&'a str> {
    optional_str(map, record, field)?.ok_or_else(|| unsupported(record, field, "missing"))
}

/// A string field that may be missing or `null` (an empty string counts as missing).
pub(crate) fn optional_str<'a>(
    map: &'a Map<String, Value>,
    record: &str,
    field: &str,
) -> Result<Option<&'a str>> {
    match map.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s)),
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(_)) => Ok(None),
        Some(v) => Err(unsupported(
            record,
            field,
            format!("expected a non-empty string, found {}", type_name(v)),
        )),
    }
}

/// An integer field (`start_time`, `target`, ...) read from `key`, reported as `field`.
pub(crate) fn integer(
    map: &Map<String, Value>,
    key: &str,
    record: &str,
    field: &str,
) -> Result<Option<i64>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| {
            unsupported(record, field, format!("expected a whole number, found {n}"))
        }),
        Some(v) => Err(unsupported(
            record,
            field,
            format!("expected a whole number, found {}", type_name(v)),
        )),
    }
}

/// A boolean field that may be missing or `null`.
pub(crate) fn boolean(map: &Map<String, Value>, record: &str, field: &str) -> Result<Option<bool>> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v) => Err(unsupported(
            record,
            field,
            format!("expected true or false, found {}", type_name(v)),
        )),
    }
}

/// A `YYYY-MM-DD` date field that must be there.
pub(crate) fn date(map: &Map<String, Value>, record: &str, field: &str) -> Result<NaiveDate> {
    optional_date(map, record, field)?.ok_or_else(|| unsupported(record, field, "missing"))
}

/// A `YYYY-MM-DD` date field that may be missing or `null`.
pub(crate) fn optional_date(
    map: &Map<String, Value>,
    record: &str,
    field: &str,
) -> Result<Option<NaiveDate>> {
    let Some(s) = optional_str(map, record, field)? else {
        return Ok(None);
    };
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|_| s.len() == 10)
        .ok_or_else(|| {
            unsupported(
                record,
                field,
                format!("invalid date {s:?}: expected YYYY-MM-DD"),
            )
        })?;
    // The engine's dates run from year 1 to 9999; a date outside is refused here, naming the
    // record, rather than written into a document the engine then refuses.
    if !(1..=9999).contains(&d.year()) {
        return Err(unsupported(
            record,
            field,
            format!("{s:?} is outside years 1 to 9999"),
        ));
    }
    Ok(Some(d))
}

/// Bytes read as UTF-8 text (a leading byte-order mark dropped); anything else is an
/// `unsupported` error naming the source and the first bad byte. `what` says what the text
/// should have been ("an iCalendar feed", "a metadata XML file").
pub(crate) fn utf8<'a>(bytes: &'a [u8], source: &str, what: &str) -> Result<&'a str> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        unsupported(
            source,
            "encoding",
            format!(
                "byte {} is not UTF-8; {what} is UTF-8 text (a binary file is not one)",
                e.valid_up_to()
            ),
        )
    })
}
