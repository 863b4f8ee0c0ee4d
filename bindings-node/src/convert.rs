//! Values in and out: instants, durations and calendar definitions.
//!
//! - Instants come in as a `Date`, an ISO 8601 string *with* a UTC offset, or a number of
//!   milliseconds since the Unix epoch, and become the core's integer microseconds. Anything else
//!   (`NaN`, an invalid `Date`, `undefined`, an object, a string without an offset) is an error
//!   with a code, never a guess.
//! - Durations are finite numbers of milliseconds; fractions keep microsecond precision.
//! - Instants go out as `Date`s (millisecond precision, floored), durations as milliseconds.
//! - A calendar definition is read into a `serde_json::Value` with the same path syntax as the
//!   core (`holidays[2].date`), so every configuration error names where it is.

use chrono::{DateTime, Utc};
use entitlement_core::{Error as CoreError, MAX_MICROS, MIN_MICROS};
use napi::bindgen_prelude::{Array, FromNapiValue, JsObjectValue, Object, Unknown};
use napi::{JsDate, JsValue, ValueType, sys};
use serde_json::{Map, Number, Value};

use crate::error::NodeError;

// SAFETY (for every `unsafe { value.cast::<T>() }` in this file): napi-rs's `Unknown::cast`
// requires the JavaScript value to be of the type `T` reads, and each call follows a
// `get_type()`, `is_array()` or `is_date()` check that says so. Property keys are strings because
// they are listed with `skip_symbols` and `numbers_to_strings`.

/// The reason given for every instant that cannot be read.
const INSTANT_EXPECTED: &str = "expected a Date, an ISO 8601 string with a UTC offset such as \
     \"2026-03-06T16:00:00-05:00\" or \"2026-03-06T21:00:00Z\", or a finite number of milliseconds \
     since the Unix epoch";

/// The longest span of the supported range: a duration longer than this cannot be added to any
/// supported instant, so longer inputs are clamped to it and the core reports `out_of_range`.
const SPAN_MICROS: i64 = MAX_MICROS - MIN_MICROS;

/// The deepest nesting accepted in a calendar definition (unions of unions of ...).
const MAX_DEPTH: usize = 64;

// ----------------------------------------------------------------------------------------------
// Instants and durations in
// ----------------------------------------------------------------------------------------------

/// Reads an instant argument (named `path` in messages) as microseconds since the epoch.
///
/// Numbers are tested first: they are the cheapest input and the one batch callers use.
pub fn instant(value: &Unknown<'_>, path: &'static str) -> Result<i64, NodeError> {
    match value.get_type()? {
        ValueType::Number => {
            let ms = unsafe { value.cast::<f64>() }?;
            ms_instant(ms, path, || format_number(ms))
        }
        ValueType::String => {
            let text = unsafe { value.cast::<String>() }?;
            Ok(entitlement_core::time::parse_instant(&text, path)?)
        }
        ValueType::Object if value.is_date()? => {
            let ms = unsafe { value.cast::<JsDate<'_>>() }?.value_of()?;
            if ms.is_nan() {
                return Err(CoreError::InvalidInstant {
                    path: path.to_string(),
                    value: "Invalid Date".to_string(),
                    reason: "the Date is invalid (its time value is NaN)".to_string(),
                }
                .into());
            }
            ms_instant(ms, path, || format!("Date({})", format_number(ms)))
        }
        _ => Err(CoreError::InvalidInstant {
            path: path.to_string(),
            value: describe(value),
            reason: INSTANT_EXPECTED.to_string(),
        }
        .into()),
    }
}

/// Milliseconds since the epoch as microseconds, checked against the supported range.
fn ms_instant(ms: f64, path: &'static str, shown: impl Fn() -> String) -> Result<i64, NodeError> {
    if !ms.is_finite() {
        return Err(CoreError::InvalidInstant {
            path: path.to_string(),
            value: shown(),
            reason: INSTANT_EXPECTED.to_string(),
        }
        .into());
    }
    // Compare in floating point first: the cast below saturates, and a saturated value must not
    // pass for a valid one.
    const MIN_MS: f64 = (MIN_MICROS / 1000) as f64;
    const MAX_MS: f64 = (MAX_MICROS / 1000 + 1) as f64;
    let us = if (MIN_MS..MAX_MS).contains(&ms) {
        ms_to_micros(ms)
    } else {
        i64::MAX
    };
    if (MIN_MICROS..=MAX_MICROS).contains(&us) {
        Ok(us)
    } else {
        Err(CoreError::OutOfRange {
            what: format!("{path} ({} ms since the epoch)", shown()),
        }
        .into())
    }
}

/// A finite number of milliseconds (at most about 9.2e15 in magnitude) as whole microseconds.
///
/// The integer part is converted exactly; the fraction is rounded to the nearest microsecond,
/// because a binary fraction such as `0.001` is never exact and must not lose a microsecond to
/// truncation.
#[inline]
fn ms_to_micros(ms: f64) -> i64 {
    let whole = ms.floor();
    let fraction = ms - whole; // exact: both are in the same binade or the fraction is tiny
    (whole as i64) * 1000 + (fraction * 1000.0).round() as i64
}

/// Reads a duration argument: a finite number of milliseconds, as microseconds.
pub fn duration(value: &Unknown<'_>, path: &'static str) -> Result<i64, NodeError> {
    if value.get_type()? != ValueType::Number {
        return Err(NodeError::InvalidDuration {
            path,
            found: describe(value),
        });
    }
    let ms = unsafe { value.cast::<f64>() }?;
    if !ms.is_finite() {
        return Err(NodeError::InvalidDuration {
            path,
            found: format_number(ms),
        });
    }
    // Anything longer than the whole supported range cannot be added to any instant: clamp it,
    // and the core answers `out_of_range`, as it does for a long duration that does fit in i64.
    const SPAN_MS: f64 = (SPAN_MICROS / 1000) as f64;
    Ok(if ms >= SPAN_MS {
        SPAN_MICROS
    } else if ms <= -SPAN_MS {
        -SPAN_MICROS
    } else {
        ms_to_micros(ms)
    })
}

// ----------------------------------------------------------------------------------------------
// Instants and durations out
// ----------------------------------------------------------------------------------------------

/// Microseconds as a chrono instant, which napi-rs turns into a `Date` (floored to the
/// millisecond, the resolution of `Date`).
#[inline]
pub fn date(us: i64) -> Result<DateTime<Utc>, NodeError> {
    DateTime::<Utc>::from_timestamp_micros(us).ok_or_else(|| {
        CoreError::OutOfRange {
            what: format!("the result ({us} µs since the epoch)"),
        }
        .into()
    })
}

/// Microseconds as milliseconds: a float that keeps every microsecond up to about 285 years.
#[inline]
pub fn milliseconds(us: i64) -> f64 {
    us as f64 / 1000.0
}

// ----------------------------------------------------------------------------------------------
// Calendar definitions in
// ----------------------------------------------------------------------------------------------

/// Reads a JavaScript value as a JSON value tree, naming the path of anything that is not JSON.
///
/// Properties whose value is `undefined` are left out (as `JSON.stringify` does); a value that
/// `embed` recognises (a `Calendar` instance inside a `union`) is replaced by what it returns.
pub fn json(
    value: &Unknown<'_>,
    embed: &dyn Fn(&Unknown<'_>) -> Result<Option<Value>, NodeError>,
) -> Result<Value, NodeError> {
    let mut path = String::new();
    json_at(value, &mut path, 0, embed)
}

fn json_at(
    value: &Unknown<'_>,
    path: &mut String,
    depth: usize,
    embed: &dyn Fn(&Unknown<'_>) -> Result<Option<Value>, NodeError>,
) -> Result<Value, NodeError> {
    let not_json = |path: &str, found: String| -> NodeError {
        CoreError::InvalidType {
            path: shown_path(path),
            expected: "a JSON value (an object, array, string, number, boolean or null)".into(),
            found,
        }
        .into()
    };
    Ok(match value.get_type()? {
        ValueType::Null => Value::Null,
        ValueType::Boolean => Value::Bool(unsafe { value.cast::<bool>() }?),
        ValueType::String => Value::String(unsafe { value.cast::<String>() }?),
        ValueType::Number => {
            let x = unsafe { value.cast::<f64>() }?;
            number(x).ok_or_else(|| not_json(path, format_number(x)))?
        }
        ValueType::BigInt => {
            let big = unsafe { value.cast::<napi::bindgen_prelude::BigInt>() }?;
            let (n, lossless) = big.get_i64();
            if !lossless {
                return Err(not_json(path, "a BigInt outside the 64-bit range".into()));
            }
            Value::from(n)
        }
        ValueType::Object => {
            if depth >= MAX_DEPTH {
                return Err(CoreError::LimitExceeded {
                    path: shown_path(path),
                    reason: format!("nested more than {MAX_DEPTH} levels deep"),
                }
                .into());
            }
            if let Some(embedded) = embed(value)? {
                return Ok(embedded);
            }
            if value.is_date()? {
                return Err(CoreError::InvalidType {
                    path: shown_path(path),
                    expected: "a string (dates are written \"2026-03-09\")".into(),
                    found: "a Date".into(),
                }
                .into());
            }
            if value.is_array()? {
                let array = unsafe { value.cast::<Array<'_>>() }?;
                let mut items = Vec::with_capacity(array.len() as usize);
                for index in 0..array.len() {
                    let len = path.len();
                    path.push_str(&format!("[{index}]"));
                    let item = array
                        .get::<Unknown<'_>>(index)?
                        .ok_or_else(|| not_json(path, "a hole".into()))?;
                    if item.get_type()? == ValueType::Undefined {
                        return Err(not_json(path, "undefined".into()));
                    }
                    items.push(json_at(&item, path, depth + 1, embed)?);
                    path.truncate(len);
                }
                Value::Array(items)
            } else {
                let object = unsafe { value.cast::<Object<'_>>() }?;
                let keys = own_keys(&object)?;
                let mut map = Map::new();
                for index in 0..keys.len() {
                    let Some(key) = keys.get::<Unknown<'_>>(index)? else {
                        continue;
                    };
                    let name = unsafe { key.cast::<String>() }?;
                    let item: Unknown<'_> = object.get_property_unchecked(key)?;
                    if item.get_type()? == ValueType::Undefined {
                        continue;
                    }
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&name);
                    let converted = json_at(&item, path, depth + 1, embed)?;
                    path.truncate(len);
                    map.insert(name, converted);
                }
                Value::Object(map)
            }
        }
        other => return Err(not_json(path, describe_type(other).into())),
    })
}

/// The own enumerable string keys of an object, in property order.
fn own_keys<'env>(object: &Object<'env>) -> Result<Array<'env>, NodeError> {
    let env = object.value().env;
    let mut keys = std::ptr::null_mut();
    // SAFETY: `env` and the object come from the current callback; `keys` is an out-pointer.
    let status = unsafe {
        sys::napi_get_all_property_names(
            env,
            object.raw(),
            sys::KeyCollectionMode::own_only,
            sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
            sys::KeyConversion::numbers_to_strings,
            &mut keys,
        )
    };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::new(
            napi::Status::from(status),
            "cannot list the properties of an object",
        )
        .into());
    }
    // SAFETY: Node-API returned an array of the keys.
    Ok(unsafe { Array::from_napi_value(env, keys) }?)
}

/// A JavaScript number as a JSON number: integral values as integers (so that `nth: -1` reads as
/// the integer it is), others as floats; `NaN` and the infinities are not JSON.
fn number(x: f64) -> Option<Value> {
    if !x.is_finite() {
        return None;
    }
    if x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0 {
        return Some(Value::from(x as i64));
    }
    Number::from_f64(x).map(Value::Number)
}

/// The path as the core prints it, or `calendar` for the definition itself.
fn shown_path(path: &str) -> String {
    if path.is_empty() {
        "calendar".to_string()
    } else {
        path.to_string()
    }
}

// ----------------------------------------------------------------------------------------------
// Descriptions for messages
// ----------------------------------------------------------------------------------------------

/// A short description of a value for an error message (`undefined`, `NaN`, `an object`, ...).
pub fn describe(value: &Unknown<'_>) -> String {
    let Ok(kind) = value.get_type() else {
        return "a value".to_string();
    };
    match kind {
        ValueType::Number => unsafe { value.cast::<f64>() }
            .map(format_number)
            .unwrap_or_else(|_| "a number".into()),
        ValueType::String => unsafe { value.cast::<String>() }
            .map(|s| format!("{s:?}"))
            .unwrap_or_else(|_| "a string".into()),
        ValueType::Boolean => unsafe { value.cast::<bool>() }
            .map(|b| b.to_string())
            .unwrap_or_else(|_| "a boolean".into()),
        ValueType::Object if value.is_array().unwrap_or(false) => "an array".into(),
        ValueType::Object if value.is_date().unwrap_or(false) => "a Date".into(),
        other => describe_type(other).into(),
    }
}

fn describe_type(kind: ValueType) -> &'static str {
    match kind {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "a boolean",
        ValueType::Number => "a number",
        ValueType::String => "a string",
        ValueType::Symbol => "a symbol",
        ValueType::Object => "an object",
        ValueType::Function => "a function",
        ValueType::External => "an external value",
        ValueType::BigInt => "a BigInt",
        _ => "a value of an unknown type",
    }
}

/// A number as JavaScript prints it (`NaN`, `Infinity`, `1.5`, `1772830800000`).
fn format_number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else if x.fract() == 0.0 && x.abs() < 1e21 {
        format!("{x:.0}")
    } else {
        x.to_string()
    }
}
