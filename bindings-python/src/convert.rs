//! Conversions between Python values and the core's: aware datetimes and timedeltas to and from
//! integer microseconds, and plain Python data (dicts, lists, strings, numbers, dates and aware
//! datetimes) to and from JSON values, for documents and cases.
//!
//! Instants go through the datetime C API, not through `astimezone`: the fields of a datetime
//! whose tzinfo is `timezone.utc` are read directly, and any other aware datetime is read as its
//! local fields minus its `utcoffset()`, which is what `astimezone(timezone.utc)` computes, for
//! zoneinfo, pytz and fixed offsets alike, without allocating an intermediate datetime.

use std::marker::PhantomData;

use chrono::{DateTime, NaiveDate, Utc};
use entitlement_core::Error;
use entitlement_core::error::HostProblem;
use entitlement_core::host::read::{self, HostKind, HostReader};
use entitlement_core::host::{CaseSlot, case_label as label};
use entitlement_core::time::{DAY_US, SECOND_US, check_instant, days_from_civil, parse_instant};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyDate, PyDateAccess, PyDateTime, PyDelta, PyDeltaAccess, PyDict, PyFloat, PyInt,
    PyList, PyMapping, PyMappingMethods, PyString, PyTimeAccess, PyTuple, PyTzInfo, PyTzInfoAccess,
};
use serde_json::Value;

use crate::error::{Failure, Result};

/// The type name of a Python value, for messages.
fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .qualname()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

/// The name of an argument for messages, built only when an error is raised (`starts[3]`).
pub(crate) trait ArgName {
    fn name(&self) -> String;
}

impl ArgName for &str {
    fn name(&self) -> String {
        (*self).to_owned()
    }
}

/// An item of a list argument: the list's name and the index.
struct Item<'a>(&'a str, usize);

impl ArgName for Item<'_> {
    fn name(&self) -> String {
        format!("{}[{}]", self.0, self.1)
    }
}

/// An `InputError` for an argument of the wrong type: `problem` says which (an instant, a
/// duration), `None` any other value.
fn wrong_argument(
    arg: impl ArgName,
    problem: Option<HostProblem>,
    expected: &str,
    value: &Bound<'_, PyAny>,
) -> Error {
    let (path, found) = (arg.name(), type_name(value));
    match problem {
        Some(problem) => Error::HostValue {
            path,
            problem,
            reason: format!("expected {expected}, found {found}"),
        },
        None => Error::InvalidType {
            path,
            expected: expected.to_owned(),
            found,
        }
        .in_argument(),
    }
}

/// The core's `out_of_range` error for an instant `us` shown as `what`, placed at `path`.
fn out_of_range(path: String, what: &str, us: i64) -> Error {
    let reason = check_instant(us, what)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    Error::HostValue {
        path,
        problem: HostProblem::OutOfRange,
        reason,
    }
}

/// The fields of a datetime read as if it were UTC, in microseconds since the epoch.
#[inline]
fn wall_us(dt: &Bound<'_, PyDateTime>) -> i64 {
    days_from_civil(dt.get_year(), dt.get_month().into(), dt.get_day().into()) * DAY_US
        + (i64::from(dt.get_hour()) * 3600
            + i64::from(dt.get_minute()) * 60
            + i64::from(dt.get_second()))
            * SECOND_US
        + i64::from(dt.get_microsecond())
}

/// An aware `datetime` as microseconds since the Unix epoch. `arg` names the argument in errors.
///
/// Naive datetimes (no tzinfo, or a tzinfo whose `utcoffset` is `None`) raise `InputError`
/// with code `naive_datetime`; anything that is not a datetime raises `InputError` with code
/// `invalid_instant` (the code the Node binding gives). The range is checked by the core.
#[inline]
pub(crate) fn instant_us(value: &Bound<'_, PyAny>, arg: impl ArgName) -> Result<i64> {
    let Ok(dt) = value.cast::<PyDateTime>() else {
        let problem = Some(HostProblem::InvalidInstant);
        return Err(wrong_argument(arg, problem, "an aware datetime.datetime", value).into());
    };
    match utc_us(dt)? {
        Some(us) => Ok(us),
        None => Err(Error::HostValue {
            path: arg.name(),
            problem: HostProblem::NaiveDateTime,
            reason: naive_reason(dt),
        }
        .into()),
    }
}

/// An aware datetime as microseconds since the epoch; `None` for a naive one (no tzinfo, or a
/// tzinfo whose `utcoffset` is `None`).
#[inline]
fn utc_us(dt: &Bound<'_, PyDateTime>) -> PyResult<Option<i64>> {
    let py = dt.py();
    let wall = wall_us(dt);
    let Some(tz) = dt.get_tzinfo() else {
        return Ok(None);
    };
    if tz.as_ptr() == PyTzInfo::utc(py)?.as_ptr() {
        return Ok(Some(wall));
    }
    let offset = dt.call_method0(intern!(py, "utcoffset"))?;
    if offset.is_none() {
        return Ok(None);
    }
    // `datetime.utcoffset` itself checks that the tzinfo returned a timedelta.
    let offset = offset.cast::<PyDelta>()?;
    Ok(Some(wall - delta_fields_us(offset)))
}

/// Why a naive datetime is refused, and what to pass instead.
fn naive_reason(dt: &Bound<'_, PyDateTime>) -> String {
    format!(
        "naive datetime {} has no time zone, and entitlement never guesses one; \
         pass an aware datetime, such as datetime(2026, 3, 6, 16, tzinfo=ZoneInfo(\"America/New_York\")) \
         or datetime(2026, 3, 6, 21, tzinfo=timezone.utc)",
        shown(dt.as_any())
    )
}

/// A timedelta's fields in microseconds; cannot overflow for the small offsets returned by
/// `utcoffset` (strictly less than a day).
#[inline]
fn delta_fields_us(d: &Bound<'_, PyDelta>) -> i64 {
    i64::from(d.get_days()) * DAY_US
        + i64::from(d.get_seconds()) * SECOND_US
        + i64::from(d.get_microseconds())
}

/// A `timedelta` as microseconds. `arg` names the argument in errors.
#[inline]
pub(crate) fn duration_us(value: &Bound<'_, PyAny>, arg: impl ArgName) -> Result<i64> {
    let Ok(d) = value.cast::<PyDelta>() else {
        let problem = Some(HostProblem::InvalidDuration);
        return Err(wrong_argument(arg, problem, "a datetime.timedelta", value).into());
    };
    // |days| ≤ 999 999 999 does not fit in i64 microseconds: check rather than wrap.
    i64::from(d.get_days())
        .checked_mul(DAY_US)
        .and_then(|us| us.checked_add(i64::from(d.get_seconds()) * SECOND_US))
        .and_then(|us| us.checked_add(i64::from(d.get_microseconds())))
        .ok_or_else(|| {
            Error::HostValue {
                path: arg.name(),
                problem: HostProblem::OutOfRange,
                reason: format!(
                    "the duration {} is out of range: durations must fit between years 1 and 9999",
                    shown(value)
                ),
            }
            .into()
        })
}

/// A list of Python values as a list of instants in microseconds; `arg` names the argument.
pub(crate) fn instants_us(value: &Bound<'_, PyAny>, arg: &str) -> Result<Vec<i64>> {
    sequence(value, arg)?
        .iter()
        .enumerate()
        .map(|(i, item)| instant_us(item, Item(arg, i)))
        .collect()
}

/// A list of Python values as a list of durations in microseconds; `arg` names the argument.
pub(crate) fn durations_us(value: &Bound<'_, PyAny>, arg: &str) -> Result<Vec<i64>> {
    sequence(value, arg)?
        .iter()
        .enumerate()
        .map(|(i, item)| duration_us(item, Item(arg, i)))
        .collect()
}

/// The items of a list, a tuple or any other iterable (but not a string or a mapping).
pub(crate) fn sequence<'py>(
    value: &Bound<'py, PyAny>,
    arg: &str,
) -> Result<Vec<Bound<'py, PyAny>>> {
    if let Ok(list) = value.cast::<PyList>() {
        return Ok(list.iter().collect());
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        return Ok(tuple.iter().collect());
    }
    let iterable = value.cast::<PyString>().is_err() && value.cast::<PyDict>().is_err();
    match value.try_iter() {
        Ok(items) if iterable => Ok(items.collect::<PyResult<_>>()?),
        _ => Err(wrong_argument(arg, None, "a list (or another iterable)", value).into()),
    }
}

/// Where converted data comes from. It decides the exception class of an error found while
/// converting, and how the message starts, so that the binding's errors read like the core's.
#[derive(Clone, Copy)]
pub(crate) enum Origin<'a> {
    /// A calendar or rules document: `ConfigError`, the message starts with the path.
    Document,
    /// A case, named by its label (its id, or `#n`): `InputError`, the message starts
    /// `case "C-1": ` and then the path inside the case, as the core's errors about cases do.
    Case(&'a str),
}

impl Origin<'_> {
    /// `err` (an error at a path of the data) as an error of the document or of the case.
    fn place(self, err: Error) -> Error {
        match self {
            Origin::Document => err.in_document(),
            Origin::Case(label) => Error::InCase {
                case: label.to_owned(),
                error: Box::new(err),
            },
        }
    }

    /// A failure while reading data of this origin: a core error placed ([`Origin::place`]),
    /// a Python exception unchanged.
    fn place_failure(self, failure: Failure) -> Failure {
        match failure {
            Failure::Core(err) => Failure::Core(self.place(err)),
            other => other,
        }
    }
}

/// How the core names a case in its messages: its id (a string or an integer), else `#position`.
pub(crate) fn case_label(case: &Bound<'_, PyAny>, position: usize) -> String {
    let key = intern!(case.py(), "id");
    let id = match case.cast::<PyDict>() {
        Ok(dict) => dict.get_item(key).ok().flatten(),
        Err(_) => case
            .cast::<PyMapping>()
            .ok()
            .and_then(|mapping| mapping.get_item(key).ok()),
    };
    let id = id.and_then(|id| {
        if let Ok(s) = id.cast::<PyString>() {
            s.to_str().ok().map(str::to_owned)
        } else if id.cast::<PyInt>().is_ok() && id.cast::<PyBool>().is_err() {
            id.str().ok().map(|s| s.to_string())
        } else {
            None
        }
    });
    label(id.as_deref(), position)
}

/// Plain Python data as a JSON value, for documents (`Calendar.from_dict`, `Ruleset.from_dict`).
/// Errors are `ConfigError`s naming the path of the bad value; see [`to_json_in`].
pub(crate) fn to_json(value: &Bound<'_, PyAny>) -> Result<Value> {
    to_json_in(value, Origin::Document)
}

/// Plain Python data as a JSON value, read by the core's one walk ([`read`]). Accepts dicts
/// (and other mappings) with string keys, lists, tuples, strings, ints that fit in 64 bits,
/// finite floats, bools, `None`, aware `datetime`s (written as RFC 3339 in UTC,
/// `2026-11-20T14:00:00Z`) and `datetime.date`s (written `YYYY-MM-DD`). Anything else, a naive
/// datetime (code `naive_datetime`) or data nested deeper than `host::MAX_NESTING` (code
/// `limit_exceeded`) is an error of `origin` that names the path of the value (`events[2].at`).
pub(crate) fn to_json_in(value: &Bound<'_, PyAny>, origin: Origin<'_>) -> Result<Value> {
    let slot = match origin {
        Origin::Document => CaseSlot::Any,
        Origin::Case(_) => CaseSlot::Case,
    };
    read::to_json(&PyReader(PhantomData), value, slot).map_err(|e| origin.place_failure(e))
}

/// A case (a dict in the document shape) read straight into the core's case by the core's one
/// case reader (`entitlement_core::host::case`), with no JSON value in between. The outer
/// error is a failure to convert a value (an `InputError` naming the case and the path inside
/// it, as [`to_json_in`] gives) or a Python exception; the inner one is the core's error about
/// the case, exactly as `Case::from_value_at` gives it for the converted case.
pub(crate) fn read_case(
    case: &Bound<'_, PyAny>,
    position: usize,
) -> Result<entitlement_core::Result<entitlement_core::Case>> {
    entitlement_core::host::case::read_case(&PyReader(PhantomData), case, position).map_err(|e| {
        let label = case_label(case, position);
        Origin::Case(&label).place_failure(e)
    })
}

/// Converts a part of a document that sits at `path` (`hours.mon`), `depth` levels down.
pub(crate) fn to_json_at(
    value: &Bound<'_, PyAny>,
    path: &mut String,
    depth: usize,
) -> Result<Value> {
    read::read_at(&PyReader(PhantomData), value, path, depth, CaseSlot::Any)
        .map_err(|e| Origin::Document.place_failure(e))
}

/// What a Python value is, for the core's walk ([`read::to_json`]).
struct PyReader<'py>(PhantomData<Bound<'py, PyAny>>);

impl<'py> HostReader for PyReader<'py> {
    type Value = Bound<'py, PyAny>;
    // Items are taken first: reading them may run user code (a tzinfo's `utcoffset`).
    type List = Vec<Bound<'py, PyAny>>;
    type Map = Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>;
    type Error = Failure;
    const EXPECTED: &'static str = "a string, number, boolean, None, date, datetime, list or dict";

    fn kind(&self, value: &Self::Value, _: CaseSlot, path: &str) -> Result<Kind<'py>> {
        if value.is_none() {
            return Ok(HostKind::Null);
        }
        if let Ok(s) = value.cast::<PyString>() {
            return Ok(HostKind::Text(text(s, path)?.to_owned()));
        }
        // `bool` is a subclass of `int`: test it first, so that `True` never becomes `1`.
        if let Ok(b) = value.cast::<PyBool>() {
            return Ok(HostKind::Bool(b.is_true()));
        }
        if let Ok(i) = value.cast::<PyInt>() {
            if let Ok(n) = i.extract::<i64>() {
                return Ok(HostKind::Int(n));
            }
            if let Ok(n) = i.extract::<u64>() {
                return Ok(HostKind::UInt(n));
            }
            let reason = format!("{}: integers must fit in 64 bits", big_int(i));
            let path = path.to_owned();
            return Err(Error::InvalidValue { path, reason }.into());
        }
        if let Ok(f) = value.cast::<PyFloat>() {
            return Ok(HostKind::Float(f.value()));
        }
        if let Ok(dict) = value.cast::<PyDict>() {
            return Ok(HostKind::Map(dict.iter().collect()));
        }
        if let Ok(list) = value.cast::<PyList>() {
            let items: Vec<_> = list.iter().collect();
            let len = items.len();
            return Ok(HostKind::List(items, len));
        }
        if let Ok(tuple) = value.cast::<PyTuple>() {
            let items: Vec<_> = tuple.iter().collect();
            let len = items.len();
            return Ok(HostKind::List(items, len));
        }
        // `datetime` is a subclass of `date`: test it first.
        if let Ok(dt) = value.cast::<PyDateTime>() {
            let Some(us) = utc_us(dt)? else {
                let (problem, reason) = (HostProblem::NaiveDateTime, naive_reason(dt));
                let path = path.to_owned();
                return Err(Error::HostValue {
                    path,
                    problem,
                    reason,
                }
                .into());
            };
            return match check_instant(us, "")
                .ok()
                .and_then(DateTime::<Utc>::from_timestamp_micros)
            {
                Some(t) => Ok(HostKind::Instant(t)),
                None => {
                    let what = format!("the datetime {}", shown(value));
                    Err(out_of_range(path.to_owned(), &what, us).into())
                }
            };
        }
        if let Ok(d) = value.cast::<PyDate>() {
            let date =
                NaiveDate::from_ymd_opt(d.get_year(), d.get_month().into(), d.get_day().into());
            return Ok(date.map_or_else(|| HostKind::Other(type_name(value)), HostKind::Date));
        }
        // Other mappings (`MappingProxyType`, user classes) last: the test costs an `isinstance`.
        if let Ok(mapping) = value.cast::<PyMapping>() {
            let items = mapping
                .items()?
                .iter()
                .map(|item| item.extract::<(Bound<'py, PyAny>, Bound<'py, PyAny>)>())
                .collect::<PyResult<Vec<_>>>()?;
            return Ok(HostKind::Map(items));
        }
        Ok(HostKind::Other(type_name(value)))
    }

    fn item(&self, list: &Self::List, index: usize, _: &str) -> Result<Self::Value> {
        Ok(list[index].clone())
    }

    /// Every key must be a string.
    fn entries(&self, map: Self::Map, path: &str) -> Result<Vec<(String, Self::Value)>> {
        map.into_iter()
            .map(|(key, item)| {
                let Ok(key) = key.cast::<PyString>() else {
                    let found = format!(
                        "the {} key {}",
                        type_name(&key),
                        key.repr().map(|r| r.to_string()).unwrap_or_default()
                    );
                    let (path, expected) = (path.to_owned(), "string keys".to_owned());
                    return Err(Error::InvalidType {
                        path,
                        expected,
                        found,
                    }
                    .into());
                };
                Ok((text(key, path)?.to_owned(), item))
            })
            .collect()
    }
}

type Kind<'py> = HostKind<Vec<Bound<'py, PyAny>>, Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>>;

/// A Python string as UTF-8: a lone surrogate is an error naming the path, not a
/// `UnicodeEncodeError`.
fn text<'a>(s: &'a Bound<'_, PyString>, path: &str) -> Result<&'a str> {
    s.to_str().map_err(|_| {
        let reason = "the string is not valid Unicode (it holds a lone surrogate)".to_owned();
        let path = path.to_owned();
        Error::InvalidValue { path, reason }.into()
    })
}

/// An integer too large for the core, described without printing thousands of digits (which
/// `str()` refuses beyond 4300).
fn big_int(i: &Bound<'_, PyInt>) -> String {
    let bits = i
        .call_method0(intern!(i.py(), "bit_length"))
        .and_then(|b| b.extract::<u64>())
        .unwrap_or(0);
    if bits <= 256 {
        format!("the integer {} is too large", shown(i.as_any()))
    } else {
        format!("an integer of {bits} bits is too large")
    }
}

/// `str(value)`, for messages.
fn shown(value: &Bound<'_, PyAny>) -> String {
    value
        .str()
        .map(|s| s.to_string())
        .unwrap_or_else(|_| "?".to_owned())
}

/// An argument that is an instant: an aware `datetime`, or a string in RFC 3339 with an offset
/// (`"2026-11-25T20:30:00Z"`), read by the core's parser. Naive values raise `InputError` with
/// code `naive_datetime`, anything else code `invalid_instant`.
pub(crate) fn instant_arg(value: &Bound<'_, PyAny>, arg: &str) -> Result<DateTime<Utc>> {
    let us = if let Ok(s) = value.cast::<PyString>() {
        let expected = "an RFC 3339 date-time";
        let text = s
            .to_str()
            .map_err(|_| wrong_argument(arg, Some(HostProblem::InvalidInstant), expected, value))?;
        parse_instant(text, arg)?
    } else if value.cast::<PyDateTime>().is_ok() {
        instant_us(value, arg)?
    } else {
        let expected = "an aware datetime.datetime or an RFC 3339 string with an offset";
        return Err(wrong_argument(arg, Some(HostProblem::InvalidInstant), expected, value).into());
    };
    check_instant(us, "")
        .ok()
        .and_then(DateTime::<Utc>::from_timestamp_micros)
        .ok_or_else(|| out_of_range(arg.to_owned(), &shown(value), us).into())
}

/// An optional date argument: a `datetime.date` (not a `datetime`, whose day would depend on
/// a zone) or an ISO text `"YYYY-MM-DD"`; `None` stays `None`. `invalid_date` or
/// `invalid_type` naming `arg` otherwise.
pub(crate) fn date_arg(value: Option<&Bound<'_, PyAny>>, arg: &str) -> Result<Option<NaiveDate>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let expected = "a datetime.date or a str \"YYYY-MM-DD\"";
    if value.cast::<PyDateTime>().is_ok() {
        return Err(wrong_argument(arg, None, expected, value).into());
    }
    if let Ok(d) = value.cast::<PyDate>() {
        let date = NaiveDate::from_ymd_opt(d.get_year(), d.get_month().into(), d.get_day().into());
        return date
            .map(Some)
            .ok_or_else(|| wrong_argument(arg, None, expected, value).into());
    }
    if value.cast::<PyString>().is_ok() {
        let text = string_arg(value, arg)?;
        return entitlement_core::time::parse_date(&text, arg)
            .map(Some)
            .map_err(|e| e.in_argument().into());
    }
    Err(wrong_argument(arg, None, expected, value).into())
}

/// An argument that must be a string.
///
/// A `str` with a lone surrogate (`"acme\\ud800"`) is `invalid_value`, as it is inside a
/// document or a case: it is not Unicode text, and it is refused rather than replaced.
pub(crate) fn string_arg(value: &Bound<'_, PyAny>, arg: &str) -> Result<String> {
    let Ok(s) = value.cast::<PyString>() else {
        return Err(wrong_argument(arg, None, "a str", value).into());
    };
    s.to_str().map(str::to_owned).map_err(|_| {
        let reason = "the string is not valid Unicode (it holds a lone surrogate)".to_owned();
        let path = arg.to_owned();
        Error::InvalidValue { path, reason }.in_argument().into()
    })
}
