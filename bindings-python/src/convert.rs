//! Conversions between Python values and the core's: aware datetimes and timedeltas to and from
//! integer microseconds, and plain Python data (dicts, lists, strings, numbers, dates) to and from
//! JSON values.
//!
//! Instants go through the datetime C API, not through `astimezone`: the fields of a datetime
//! whose tzinfo is `timezone.utc` are read directly, and any other aware datetime is read as its
//! local fields minus its `utcoffset()`, which is what `astimezone(timezone.utc)` computes, for
//! zoneinfo, pytz and fixed offsets alike, without allocating an intermediate datetime.

use entitlement_core::time::{DAY_US, SECOND_US, civil_from_days, days_from_civil};
use entitlement_core::{MAX_MICROS, MIN_MICROS};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyDate, PyDateAccess, PyDateTime, PyDelta, PyDeltaAccess, PyDict, PyFloat, PyInt,
    PyList, PyString, PyTimeAccess, PyTuple, PyTzInfo, PyTzInfoAccess,
};
use serde_json::{Map, Number, Value};

use crate::error::{Family, raise};

/// The deepest nesting accepted in a definition; deeper (or self-referencing) data is refused
/// instead of overflowing the stack.
const MAX_DEPTH: usize = 64;

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

/// An `InputError` for an argument of the wrong type.
fn wrong_argument(
    arg: impl ArgName,
    code: &'static str,
    expected: &str,
    value: &Bound<'_, PyAny>,
) -> PyErr {
    raise(
        value.py(),
        Family::Input,
        code,
        format!(
            "{}: expected {expected}, found {}",
            arg.name(),
            type_name(value)
        ),
    )
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
pub(crate) fn instant_us(value: &Bound<'_, PyAny>, arg: impl ArgName) -> PyResult<i64> {
    let py = value.py();
    let Ok(dt) = value.cast::<PyDateTime>() else {
        return Err(wrong_argument(
            arg,
            "invalid_instant",
            "an aware datetime.datetime",
            value,
        ));
    };
    let wall = wall_us(dt);
    let Some(tz) = dt.get_tzinfo() else {
        return Err(naive(dt, arg));
    };
    if tz.as_ptr() == PyTzInfo::utc(py)?.as_ptr() {
        return Ok(wall);
    }
    let offset = dt.call_method0(intern!(py, "utcoffset"))?;
    if offset.is_none() {
        return Err(naive(dt, arg));
    }
    // `datetime.utcoffset` itself checks that the tzinfo returned a timedelta.
    let offset = offset.cast::<PyDelta>()?;
    Ok(wall - delta_fields_us(offset))
}

fn naive(dt: &Bound<'_, PyDateTime>, arg: impl ArgName) -> PyErr {
    let shown = dt
        .str()
        .map(|s| s.to_string())
        .unwrap_or_else(|_| "?".to_owned());
    raise(
        dt.py(),
        Family::Input,
        "naive_datetime",
        format!(
            "{}: naive datetime {shown} has no time zone, and entitlement never guesses one; \
             pass an aware datetime, such as datetime(2026, 3, 6, 16, tzinfo=ZoneInfo(\"America/New_York\")) \
             or datetime(2026, 3, 6, 21, tzinfo=timezone.utc)",
            arg.name()
        ),
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
pub(crate) fn duration_us(value: &Bound<'_, PyAny>, arg: impl ArgName) -> PyResult<i64> {
    let Ok(d) = value.cast::<PyDelta>() else {
        return Err(wrong_argument(
            arg,
            "invalid_duration",
            "a datetime.timedelta",
            value,
        ));
    };
    // |days| ≤ 999 999 999 does not fit in i64 microseconds: check rather than wrap.
    i64::from(d.get_days())
        .checked_mul(DAY_US)
        .and_then(|us| us.checked_add(i64::from(d.get_seconds()) * SECOND_US))
        .and_then(|us| us.checked_add(i64::from(d.get_microseconds())))
        .ok_or_else(|| {
            raise(
                value.py(),
                Family::Input,
                "out_of_range",
                format!(
                    "{}: the duration {} is out of range: durations must fit between \
                     years 1 and 9999",
                    arg.name(),
                    value.str().map(|s| s.to_string()).unwrap_or_default()
                ),
            )
        })
}

/// Microseconds since the epoch as an aware `datetime` in `timezone.utc`.
#[inline]
pub(crate) fn instant_to_py(py: Python<'_>, us: i64) -> PyResult<Bound<'_, PyDateTime>> {
    if !(MIN_MICROS..=MAX_MICROS).contains(&us) {
        return Err(raise(
            py,
            Family::Input,
            "out_of_range",
            format!(
                "the result ({us} µs since 1970-01-01T00:00:00Z) is out of range: instants must lie \
                 between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z"
            ),
        ));
    }
    let days = us.div_euclid(DAY_US);
    let rest = us.rem_euclid(DAY_US);
    let (y, m, d) = civil_from_days(days);
    let secs = rest / SECOND_US;
    PyDateTime::new(
        py,
        y,
        m as u8,
        d as u8,
        (secs / 3600) as u8,
        (secs / 60 % 60) as u8,
        (secs % 60) as u8,
        (rest % SECOND_US) as u32,
        Some(&*PyTzInfo::utc(py)?),
    )
}

/// Microseconds as a `timedelta` (normalized: days, then 0 ≤ seconds < 86 400, then
/// 0 ≤ microseconds < 1 000 000).
#[inline]
pub(crate) fn duration_to_py(py: Python<'_>, us: i64) -> PyResult<Bound<'_, PyDelta>> {
    let days = us.div_euclid(DAY_US);
    let rest = us.rem_euclid(DAY_US);
    let days = i32::try_from(days).map_err(|_| {
        raise(
            py,
            Family::Input,
            "out_of_range",
            format!("the duration {us} µs does not fit in a datetime.timedelta"),
        )
    })?;
    PyDelta::new(
        py,
        days,
        (rest / SECOND_US) as i32,
        (rest % SECOND_US) as i32,
        false,
    )
}

/// A list of Python values as a list of instants in microseconds; `arg` names the argument.
pub(crate) fn instants_us(value: &Bound<'_, PyAny>, arg: &str) -> PyResult<Vec<i64>> {
    sequence(value, arg)?
        .iter()
        .enumerate()
        .map(|(i, item)| instant_us(item, Item(arg, i)))
        .collect()
}

/// A list of Python values as a list of durations in microseconds; `arg` names the argument.
pub(crate) fn durations_us(value: &Bound<'_, PyAny>, arg: &str) -> PyResult<Vec<i64>> {
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
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Ok(list) = value.cast::<PyList>() {
        return Ok(list.iter().collect());
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        return Ok(tuple.iter().collect());
    }
    let iterable = value.cast::<PyString>().is_err() && value.cast::<PyDict>().is_err();
    match value.try_iter() {
        Ok(items) if iterable => items.collect(),
        _ => Err(wrong_argument(
            arg,
            "invalid_type",
            "a list (or another iterable)",
            value,
        )),
    }
}

/// Plain Python data as a JSON value, for definitions (`Calendar.from_dict`, the `Calendar`
/// constructor). Accepts dicts with string keys, lists, tuples, strings, ints, floats, bools,
/// `None` and `datetime.date` (written `YYYY-MM-DD`; a `datetime` becomes its ISO 8601 text).
/// Anything else is a `ConfigError` naming its path.
pub(crate) fn to_json(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    let mut path = String::new();
    to_json_at(value, &mut path, 0)
}

/// Converts `value`, which sits at `path` (`hours.mon[0]`, empty at the top).
pub(crate) fn to_json_at(
    value: &Bound<'_, PyAny>,
    path: &mut String,
    depth: usize,
) -> PyResult<Value> {
    let py = value.py();
    if depth > MAX_DEPTH {
        return Err(config_error(
            py,
            "limit_exceeded",
            path,
            format!("nested more than {MAX_DEPTH} levels deep (or contains itself)"),
        ));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(s.to_str()?.to_owned()));
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(i) = value.cast::<PyInt>() {
        if let Ok(n) = i.extract::<i64>() {
            return Ok(Value::Number(n.into()));
        }
        if let Ok(n) = i.extract::<u64>() {
            return Ok(Value::Number(n.into()));
        }
        return Err(config_error(
            py,
            "invalid_value",
            path,
            format!("the integer {i} is too large"),
        ));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        let x = f.value();
        return Number::from_f64(x).map(Value::Number).ok_or_else(|| {
            config_error(
                py,
                "invalid_value",
                path,
                format!("expected a finite number, found {x}"),
            )
        });
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = Map::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let Ok(key) = key.cast::<PyString>() else {
                return Err(config_error(
                    py,
                    "invalid_type",
                    path,
                    format!(
                        "expected string keys, found the {} key {}",
                        type_name(&key),
                        key.repr().map(|r| r.to_string()).unwrap_or_default()
                    ),
                ));
            };
            let key = key.to_str()?;
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            let item = to_json_at(&item, path, depth + 1)?;
            path.truncate(len);
            map.insert(key.to_owned(), item);
        }
        return Ok(Value::Object(map));
    }
    let items = if let Ok(list) = value.cast::<PyList>() {
        Some(list.iter().collect::<Vec<_>>())
    } else if let Ok(tuple) = value.cast::<PyTuple>() {
        Some(tuple.iter().collect::<Vec<_>>())
    } else {
        None
    };
    if let Some(items) = items {
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            out.push(to_json_at(item, path, depth + 1)?);
            path.truncate(len);
        }
        return Ok(Value::Array(out));
    }
    // `datetime` is a subclass of `date`: both are written as their ISO 8601 text, and the core
    // says whether a date-time is acceptable where it is found.
    if value.cast::<PyDate>().is_ok() {
        let text = value.call_method0(intern!(py, "isoformat"))?;
        return Ok(Value::String(text.cast::<PyString>()?.to_str()?.to_owned()));
    }
    Err(config_error(
        py,
        "invalid_type",
        path,
        format!(
            "expected a string, number, boolean, None, date, list or dict, found {}",
            type_name(value)
        ),
    ))
}

fn config_error(py: Python<'_>, code: &str, path: &str, reason: String) -> PyErr {
    // The core names the root of a definition the same way.
    let at = if path.is_empty() { "(top level)" } else { path };
    raise(py, Family::Config, code, format!("{at}: {reason}"))
}

/// A JSON value as plain Python data (dicts, lists, strings, ints, floats, bools, `None`).
pub(crate) fn from_json<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(from_json(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(key, from_json(py, item)?)?;
            }
            dict.into_any()
        }
    })
}
