//! Values in and out: instants, durations, calendar definitions, rules documents and cases.
//!
//! - Instants come in as a `Date`, an ISO 8601 string *with* a UTC offset, or a number of
//!   milliseconds since the Unix epoch, and become the core's integer microseconds. Anything else
//!   (`NaN`, an invalid `Date`, `undefined`, an object, a string without an offset) is an error
//!   with a code, never a guess.
//! - Durations are finite numbers of milliseconds; fractions keep microsecond precision.
//! - Instants go out as `Date`s (millisecond precision, floored), durations as milliseconds.
//! - A calendar definition, a rules document or a case is read into a `serde_json::Value` with
//!   the same path syntax as the core (`holidays[2].date`, `events[3].at`), so every error names
//!   where it is. In a case, the instants (`created_at`, `events[i].at`) may take any of the
//!   three forms and reach the core as RFC 3339 strings.
//! - Values go out through the host serializer ([`crate::ser`]).
//! - Hostile values (`docs/errors.md`, "Hostile arguments"): an array's `length` is checked
//!   against a limit before any item is read and never sizes an allocation ([`bounded_array`]);
//!   a hole is an error naming its index ([`element`]); a string with a lone surrogate is
//!   refused, never replaced by U+FFFD ([`text`]).

use chrono::{DateTime, Utc};
use std::marker::PhantomData;

use entitlement_core::error::HostProblem;
use entitlement_core::host::CaseSlot;
use entitlement_core::host::read::{self, HostKind, HostReader};
use entitlement_core::rules::Case;
use entitlement_core::time::check_instant;
use entitlement_core::{Error as CoreError, MAX_MICROS, MIN_MICROS};
use napi::bindgen_prelude::{Array, FromNapiValue, JsObjectValue, Object, Unknown, Utf16String};
use napi::{JsDate, JsValue, ValueType, sys};
use serde_json::{Number, Value};

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

/// The most items an array may hold anywhere the addon reads one (the core's
/// [`read::MAX_ARRAY_ITEMS`]): an array reports its `length`, not how many items it holds
/// (`a = []; a.length = 2 ** 32 - 1` holds none), so the length is checked before the first
/// item is read, and never sizes an allocation ([`read::reserve`]).
pub const MAX_ARRAY_ITEMS: u32 = read::MAX_ARRAY_ITEMS as u32;

// ----------------------------------------------------------------------------------------------
// Instants and durations in
// ----------------------------------------------------------------------------------------------

/// Reads an instant argument (named `path` in messages) as microseconds since the epoch.
///
/// Numbers are tested first: they are the cheapest input and the one batch callers use.
pub fn instant(value: &Unknown<'_>, path: &str) -> Result<i64, NodeError> {
    match value.get_type()? {
        ValueType::Number => {
            let ms = unsafe { value.cast::<f64>() }?;
            ms_instant(ms, path, || format_number(ms))
        }
        ValueType::String => {
            let text = text(value, || path.to_string())?;
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
                .in_argument()
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

/// Milliseconds since the epoch as microseconds, checked against the supported range (the
/// core's one range check and message).
fn ms_instant(ms: f64, path: &str, shown: impl Fn() -> String) -> Result<i64, NodeError> {
    if !ms.is_finite() {
        return Err(CoreError::InvalidInstant {
            path: path.to_string(),
            value: shown(),
            reason: INSTANT_EXPECTED.to_string(),
        }
        .into());
    }
    if let Some(us) = ms_instant_in_range(ms) {
        return Ok(us);
    }
    // The core's range check and message, for any number of microseconds an i64 holds; beyond
    // that, the number as given.
    const I64_MS: f64 = (i64::MAX / 1000) as f64;
    let err = if ms.abs() < I64_MS {
        check_instant(ms_to_micros(ms), path).err()
    } else {
        None
    };
    Err(err
        .unwrap_or_else(|| CoreError::OutOfRange {
            what: format!("{path} ({} ms since the epoch)", shown()),
        })
        .into())
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
pub fn duration(value: &Unknown<'_>, path: &str) -> Result<i64, NodeError> {
    let not_duration = |found: String| -> NodeError {
        CoreError::HostValue {
            path: path.to_string(),
            problem: HostProblem::InvalidDuration,
            reason: format!(
                "expected a duration as a finite number of milliseconds, found {found}"
            ),
        }
        .into()
    };
    if value.get_type()? != ValueType::Number {
        return Err(not_duration(describe(value)));
    }
    let ms = unsafe { value.cast::<f64>() }?;
    if !ms.is_finite() {
        return Err(not_duration(format_number(ms)));
    }
    Ok(ms_duration(ms))
}

/// A number of milliseconds (not `NaN`) as a duration in microseconds.
#[inline]
pub fn ms_duration(ms: f64) -> i64 {
    // Anything longer than the whole supported range cannot be added to any instant: clamp it,
    // and the core answers `out_of_range`, as it does for a long duration that does fit in i64.
    const SPAN_MS: f64 = (SPAN_MICROS / 1000) as f64;
    if ms >= SPAN_MS {
        SPAN_MICROS
    } else if ms <= -SPAN_MS {
        -SPAN_MICROS
    } else {
        ms_to_micros(ms)
    }
}

/// Epoch milliseconds as microseconds when finite and inside the supported range (the check of
/// [`ms_instant`] without its message).
#[inline]
pub fn ms_instant_in_range(ms: f64) -> Option<i64> {
    // Compare in floating point first: the cast below saturates, and a saturated value must not
    // pass for a valid one.
    const MIN_MS: f64 = (MIN_MICROS / 1000) as f64;
    const MAX_MS: f64 = (MAX_MICROS / 1000 + 1) as f64;
    if !(MIN_MS..MAX_MS).contains(&ms) {
        return None;
    }
    let us = ms_to_micros(ms);
    (MIN_MICROS..=MAX_MICROS).contains(&us).then_some(us)
}

/// Epoch milliseconds (an item of a `Float64Array`, named `path`) as microseconds.
#[inline]
pub fn ms_instant_at(ms: f64, path: &str) -> Result<i64, NodeError> {
    ms_instant(ms, path, || format_number(ms))
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

/// Microseconds as an RFC 3339 string in UTC (the core's one formatter): the form in which the
/// core reads the instants of a case.
pub fn rfc3339(us: i64) -> Result<String, NodeError> {
    Ok(entitlement_core::time::rfc3339(date(us)?))
}

// ----------------------------------------------------------------------------------------------
// Definitions, documents and cases in
// ----------------------------------------------------------------------------------------------

/// A string argument (`text`, `path`, `entitlementId`), or an `invalid_type` error naming it.
pub fn string(value: &Unknown<'_>, path: &str, expected: &str) -> Result<String, NodeError> {
    if value.get_type()? != ValueType::String {
        return Err(CoreError::InvalidType {
            path: path.to_string(),
            expected: expected.to_string(),
            found: describe(value),
        }
        .in_argument()
        .into());
    }
    text(value, || path.to_string())
}

/// An optional day argument (`start`, `end`): a string `'YYYY-MM-DD'`; `undefined` or `null`
/// is none. Not a `Date`: a `Date` is an instant, and its day depends on a zone.
/// `invalid_date` or `invalid_type` naming `path` otherwise.
pub fn day(
    value: Option<&Unknown<'_>>,
    path: &str,
) -> Result<Option<chrono::NaiveDate>, NodeError> {
    let Some(value) = value else {
        return Ok(None);
    };
    if matches!(value.get_type()?, ValueType::Undefined | ValueType::Null) {
        return Ok(None);
    }
    let text = string(value, path, "a date string 'YYYY-MM-DD'")?;
    entitlement_core::time::parse_date(&text, path)
        .map(Some)
        .map_err(|e| e.in_argument().into())
}

/// The text of a JavaScript string (the value must be one), refusing one that is not well-formed
/// UTF-16 (`String.prototype.isWellFormed()` false: a lone surrogate) with `invalid_value` at
/// `path`. Node-API would replace each lone surrogate by U+FFFD, and then two different ids
/// (`"C-\uD800"` and `"C-\uDC00"`) would become the same one, and one case's breach would be
/// deduplicated away as the other's (a PagerDuty `dedup_key`). U+FFFD is in the UTF-8 text of
/// every ill-formed string, so only a string that holds one is read a second time, as UTF-16.
pub fn text(value: &Unknown<'_>, path: impl FnOnce() -> String) -> Result<String, NodeError> {
    match short_text(value)? {
        Some(Ok(s)) => return Ok(s),
        Some(Err((unit, index, _))) => {
            return Err(lone_surrogate_error(path(), "the string", unit, index));
        }
        None => {}
    }
    let s = unsafe { value.cast::<String>() }?;
    if s.contains('\u{FFFD}') {
        let units = unsafe { value.cast::<Utf16String>() }?;
        if let Some((unit, index)) = lone_surrogate(&units) {
            return Err(lone_surrogate_error(path(), "the string", unit, index));
        }
    }
    Ok(s)
}

/// Strings shorter than this many UTF-16 units (ids, keys, names, instants: nearly every string
/// of a case) are read in one Node-API call into a buffer on the stack; longer ones as UTF-8
/// (two calls, one to measure), which does not widen a long one-byte string to UTF-16.
const SHORT_TEXT: usize = 128;

/// The text of a string value (the value must be one) shorter than [`SHORT_TEXT`] units; or its
/// first lone surrogate, that one's index and the text as Node-API would write it (each lone
/// surrogate replaced by U+FFFD); `None` for a longer string.
#[allow(clippy::type_complexity)]
fn short_text(
    value: &Unknown<'_>,
) -> Result<Option<Result<String, (u16, usize, String)>>, NodeError> {
    let mut units = [0u16; SHORT_TEXT];
    let mut len = 0usize;
    // SAFETY: the value is a string of the current call; `units` holds `SHORT_TEXT` units and
    // Node-API writes at most that many, the terminating NUL included.
    let status = unsafe {
        sys::napi_get_value_string_utf16(
            value.value().env,
            value.raw(),
            units.as_mut_ptr(),
            SHORT_TEXT,
            &mut len,
        )
    };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::new(napi::Status::from(status), "cannot read a string").into());
    }
    // `len` units were copied: all of them when fewer than the buffer holds (less the NUL).
    if len >= SHORT_TEXT - 1 {
        return Ok(None);
    }
    let units = &units[..len];
    if units.iter().all(|&u| u < 0x80) {
        let ascii: Vec<u8> = units.iter().map(|&u| u as u8).collect();
        return Ok(Some(Ok(String::from_utf8(ascii).unwrap_or_default())));
    }
    if let Some((unit, index)) = lone_surrogate(units) {
        return Ok(Some(Err((unit, index, String::from_utf16_lossy(units)))));
    }
    Ok(Some(Ok(String::from_utf16_lossy(units))))
}

/// The first lone surrogate of UTF-16 text and its index, if any.
fn lone_surrogate(units: &[u16]) -> Option<(u16, usize)> {
    let mut index = 0;
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok(c) => index += c.len_utf16(),
            Err(e) => return Some((e.unpaired_surrogate(), index)),
        }
    }
    None
}

fn lone_surrogate_error(path: String, what: &str, unit: u16, index: usize) -> NodeError {
    CoreError::InvalidValue {
        path,
        reason: format!(
            "{what} holds a lone surrogate (U+{unit:04X}) at UTF-16 index {index}: it is not \
             well-formed Unicode (String.prototype.isWellFormed() is false), and it is refused \
             rather than replaced, since two different strings would then read the same; \
             call .toWellFormed() first if that is what you mean"
        ),
    }
    .into()
}

/// The array `value` (named by `path`), refused with `limit_exceeded` when its `length` is over
/// `limit` ([`read::check_length`]): the check comes before any item is read, since a sparse
/// array's `length` says nothing of what it holds, and walking four billion holes is itself a
/// hang.
pub fn bounded_array<'env>(
    value: &Unknown<'env>,
    path: impl FnOnce() -> String,
    limit: u32,
) -> Result<Array<'env>, NodeError> {
    // SAFETY: every caller checked `is_array()` first.
    let array = unsafe { value.cast::<Array<'env>>() }?;
    read::check_length(array.len() as usize, limit as usize, path)?;
    Ok(array)
}

/// How many items to reserve for an array of `len` ([`read::reserve`]).
pub fn reserve(len: u32) -> usize {
    read::reserve(len as usize)
}

/// Item `index` of `array`; a hole (no element at the index, own or inherited) is `invalid_type`
/// at `path()`, since a sparse array is not a list of values.
pub fn element<'env>(
    array: &Array<'env>,
    index: u32,
    path: impl FnOnce() -> String,
) -> Result<Unknown<'env>, NodeError> {
    let hole = || -> NodeError {
        CoreError::InvalidType {
            path: path(),
            expected: "a value (the array has a hole here: a sparse array is not a list)".into(),
            found: "a hole".into(),
        }
        .into()
    };
    let Some(item) = array.get::<Unknown<'env>>(index)? else {
        return Err(hole());
    };
    if item.get_type()? == ValueType::Undefined && !array.has_element(index)? {
        return Err(hole());
    }
    Ok(item)
}

/// Whether a value is a plain object (not `null`, an array, a `Date` or a function): the shape of
/// a definition, a document and a case.
pub fn is_object(value: &Unknown<'_>) -> Result<bool, NodeError> {
    Ok(value.get_type()? == ValueType::Object && !value.is_array()? && !value.is_date()?)
}

/// What is being read, which decides the name of its root in messages, how deep it may nest and
/// what a `Date` inside it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A calendar definition: a `Date` is an error (dates are written `"2026-03-09"`).
    Calendar,
    /// A rules document: as a calendar definition (a `Date` in `start_date` would leave its time
    /// zone to a guess).
    Document,
    /// A case: `created_at` and `events[i].at` may be a `Date`, an ISO string or epoch
    /// milliseconds; a `Date` anywhere else (a field value) becomes an RFC 3339 string too.
    Case,
}

impl Shape {
    fn root(self) -> &'static str {
        match self {
            Shape::Calendar => "calendar",
            Shape::Document => "document",
            Shape::Case => "case",
        }
    }

    /// Where an error in a value of this shape lies: in a document, or in an argument.
    fn place(self, err: NodeError) -> NodeError {
        match (self, err) {
            (Shape::Case, NodeError::Core(e)) => e.in_argument().into(),
            (_, NodeError::Core(e)) => e.in_document().into(),
            (_, other) => other,
        }
    }
}

/// A function that replaces some objects (a `Calendar` inside a document) by their definition.
pub type Embed<'a> = &'a dyn Fn(&Unknown<'_>) -> Result<Option<Value>, NodeError>;

/// Reads a JavaScript value as a JSON value tree, naming the path of anything that is not JSON,
/// through the core's one walk ([`read::to_json`]: paths, nesting and length limits, the case's
/// instant slots).
///
/// Properties whose value is `undefined` are left out (as `JSON.stringify` does), except an
/// instant of a case, which is an `invalid_instant` error; a value that `embed` recognises (a
/// `Calendar` instance) is replaced by what it returns.
pub fn json(value: &Unknown<'_>, shape: Shape, embed: Embed<'_>) -> Result<Value, NodeError> {
    let slot = if shape == Shape::Case {
        CaseSlot::Case
    } else {
        CaseSlot::Any
    };
    let reader = JsReader {
        shape,
        embed,
        env: PhantomData,
    };
    read::to_json(&reader, value, slot).map_err(|e| shape.place(e))
}

/// Reads a case object straight into the core's `Case` ([`entitlement_core::host::case`]: the
/// same case, or the same error, as [`json`] with [`Shape::Case`] then `Case::from_value_at`).
/// The outer error is the walk's, placed in the argument and not yet in the case; the inner one
/// the core's, naming the case.
pub fn case(value: &Unknown<'_>, position: usize) -> Result<Result<Case, CoreError>, NodeError> {
    let no_embed = |_: &Unknown<'_>| -> Result<Option<Value>, NodeError> { Ok(None) };
    let reader = JsReader {
        shape: Shape::Case,
        embed: &no_embed,
        env: PhantomData,
    };
    entitlement_core::host::case::read_case(&reader, value, position)
        .map_err(|e| Shape::Case.place(e))
}

/// What a JavaScript value is, for the core's walk.
struct JsReader<'a, 'env> {
    shape: Shape,
    embed: Embed<'a>,
    env: PhantomData<Unknown<'env>>,
}

impl<'env> HostReader for JsReader<'_, 'env> {
    type Value = Unknown<'env>;
    type List = Array<'env>;
    type Map = Object<'env>;
    type Error = NodeError;
    const EXPECTED: &'static str =
        "a JSON value (an object, array, string, number, boolean or null)";

    fn kind(
        &self,
        value: &Unknown<'env>,
        slot: CaseSlot,
        path: &str,
    ) -> Result<HostKind<Array<'env>, Object<'env>>, NodeError> {
        let kind = value.get_type()?;
        if slot == CaseSlot::Instant {
            // Strings go to the core as they are, so that a case read from JSON text and the
            // same case given as an object give the same errors; Dates and numbers are instants
            // (written in RFC 3339 where the case is read as JSON). What is no instant in any
            // form (null, a boolean, an array, a plain object) goes to the core as it is too,
            // which names it `invalid_type` as Rust and Python do.
            match kind {
                ValueType::String | ValueType::Null | ValueType::Boolean => {}
                ValueType::Object if !value.is_date()? => {}
                _ => return Ok(HostKind::Instant(date(instant(value, path)?)?)),
            }
        }
        Ok(match kind {
            ValueType::Null => HostKind::Null,
            ValueType::Undefined => HostKind::Undefined,
            ValueType::Boolean => HostKind::Bool(unsafe { value.cast::<bool>() }?),
            ValueType::String => HostKind::Text(text(value, || path.to_owned())?),
            ValueType::Number => {
                let x = unsafe { value.cast::<f64>() }?;
                // Integral values as integers, so that `nth: -1` reads as the integer it is.
                if x.is_finite() && x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0 {
                    HostKind::Int(x as i64)
                } else {
                    HostKind::Float(x)
                }
            }
            ValueType::BigInt => {
                let big = unsafe { value.cast::<napi::bindgen_prelude::BigInt>() }?;
                match big.get_i64() {
                    (n, true) => HostKind::Int(n),
                    _ => HostKind::Other("a BigInt outside the 64-bit range".into()),
                }
            }
            ValueType::Object => {
                if let Some(embedded) = (self.embed)(value)? {
                    return Ok(HostKind::Json(embedded));
                }
                if value.is_date()? {
                    if self.shape == Shape::Case {
                        return Ok(HostKind::Text(rfc3339(instant(value, path)?)?));
                    }
                    return Err(CoreError::InvalidType {
                        path: path.to_owned(),
                        expected: "a string (dates are written \"2026-03-09\")".into(),
                        found: "a Date".into(),
                    }
                    .into());
                }
                // A typed array or a Buffer would be read as an object with one key per byte or
                // item: a few megabytes of data would become millions of values. No document
                // holds one.
                if value.is_typedarray()? {
                    HostKind::Other("a typed array or Buffer".into())
                } else if value.is_array()? {
                    let array = unsafe { value.cast::<Array<'env>>() }?;
                    let len = array.len() as usize;
                    HostKind::List(array, len)
                } else {
                    HostKind::Map(unsafe { value.cast::<Object<'env>>() }?)
                }
            }
            other => HostKind::Other(describe_type(other).into()),
        })
    }

    fn item(
        &self,
        list: &Array<'env>,
        index: usize,
        path: &str,
    ) -> Result<Unknown<'env>, NodeError> {
        // Lengths are at most `MAX_ARRAY_ITEMS`, checked before the first item is read.
        element(list, index as u32, || path.to_owned())
    }

    fn entries(
        &self,
        object: Object<'env>,
        path: &str,
    ) -> Result<Vec<(String, Unknown<'env>)>, NodeError> {
        let keys = own_keys(&object)?;
        let mut entries = Vec::with_capacity(read::reserve(keys.len() as usize));
        for index in 0..keys.len() {
            let Some(key) = keys.get::<Unknown<'_>>(index)? else {
                continue;
            };
            let name = key_text(&key, path)?;
            entries.push((name, object.get_property_unchecked(key)?));
        }
        Ok(entries)
    }

    fn root(&self) -> &str {
        self.shape.root()
    }

    fn number_text(&self, x: f64) -> String {
        format_number(x)
    }
}

/// A property name as text; one with a lone surrogate is refused (see [`text`]), naming the
/// object that holds it.
fn key_text(key: &Unknown<'_>, path: &str) -> Result<String, NodeError> {
    let refused = |name: &str, unit: u16, index: usize| {
        let shown = format!("{name:?}");
        lone_surrogate_error(path.to_owned(), &format!("the key {shown}"), unit, index)
    };
    if let Some(read) = short_text(key)? {
        return read.map_err(|(unit, index, name)| refused(&name, unit, index));
    }
    let name = unsafe { key.cast::<String>() }?;
    if name.contains('\u{FFFD}') {
        let units = unsafe { key.cast::<Utf16String>() }?;
        if let Some((unit, index)) = lone_surrogate(&units) {
            return Err(refused(&name, unit, index));
        }
    }
    Ok(name)
}

/// The own enumerable string keys of an object as text, in property order; a key with a lone
/// surrogate is refused with `invalid_value` at `path`.
pub fn keys(object: &Object<'_>, path: &str) -> Result<Vec<String>, NodeError> {
    let names = own_keys(object)?;
    let mut out = Vec::with_capacity(reserve(names.len()));
    for index in 0..names.len() {
        if let Some(key) = names.get::<Unknown<'_>>(index)? {
            out.push(key_text(&key, path)?);
        }
    }
    Ok(out)
}

/// A Node-API handle scope, closed when dropped.
///
/// Every value that Node-API hands to the addon (a property, a key, a string) lives until the
/// innermost handle scope closes, and the call's own scope closes only when the call returns. A
/// list of 100,000 cases read in one call would keep millions of them alive, and the garbage
/// collector would walk them all again and again; reading each item in a scope of its own keeps
/// the cost per case flat. Values made inside the scope must not be used after it is dropped.
pub struct Scope {
    env: sys::napi_env,
    scope: sys::napi_handle_scope,
}

impl Scope {
    /// Opens a scope in the environment of the current call.
    pub fn open(env: sys::napi_env) -> Result<Scope, NodeError> {
        let mut scope = std::ptr::null_mut();
        // SAFETY: `env` is the environment of the current call; `scope` is an out-pointer.
        check(
            unsafe { sys::napi_open_handle_scope(env, &mut scope) },
            "a handle scope",
        )?;
        Ok(Scope { env, scope })
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        // SAFETY: the scope was opened in this environment, during this call, and scopes are
        // dropped in the reverse order of their opening (they are locals).
        unsafe {
            sys::napi_close_handle_scope(self.env, self.scope);
        }
    }
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
pub fn number(x: f64) -> Option<Value> {
    if !x.is_finite() {
        return None;
    }
    if x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0 {
        return Some(Value::from(x as i64));
    }
    Number::from_f64(x).map(Value::Number)
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

fn check(status: sys::napi_status, what: &str) -> napi::Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::new(
            napi::Status::from(status),
            format!("cannot create {what}"),
        ))
    }
}
