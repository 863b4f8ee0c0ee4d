//! The one host serializer: any `Serialize` value of the core (every result type, a JSON value)
//! written directly as Python objects, without JSON text in between.
//!
//! Structs and maps become dicts, sequences lists, unit enum variants their name (`"violated"`),
//! and the core's marked instants, durations and dates (`entitlement_core::time::marker`)
//! aware datetimes in `timezone.utc`, `timedelta`s and `date`s. `to_dict()`, the properties of
//! the result classes and their `repr` all go through it; the result types themselves are the
//! only description of what a result holds. The serde plumbing (structs, maps, sequences,
//! enums, marked values, the nesting bound, one field of a struct) is the core's
//! `entitlement_core::host::write`; this file only makes the Python objects.

use entitlement_core::Error;
use entitlement_core::host::write::{HostWriter, write, write_field};
use entitlement_core::time::civil_from_days;
use entitlement_core::time::{DAY_US, SECOND_US, check_instant};
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDate, PyDateTime, PyDelta, PyDict, PyString, PyTzInfo};
use serde::Serialize;

use crate::error::{Failure, Result};

/// `value` as Python objects.
pub(crate) fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> Result<Bound<'py, PyAny>> {
    write(&PyWriter { py, repr: false }, value)
}

/// The field `name` of a struct (a result type) as Python objects; `None` when there is no such
/// field. Only that field is written.
pub(crate) fn field<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
    name: &str,
) -> Result<Option<Bound<'py, PyAny>>> {
    write_field(&PyWriter { py, repr: false }, value, name)
}

/// `<Name field=value ...>` for a result's `repr`: strings quoted, instants in RFC 3339 text,
/// lists as their length.
pub(crate) fn repr<T: Serialize>(
    py: Python<'_>,
    class: &str,
    value: &T,
    fields: &[(&str, Show)],
) -> Result<String> {
    let mut out = format!("<{class}");
    for &(name, show) in fields {
        let quoted = show != Show::Plain;
        let text = match write_field(&PyWriter { py, repr: true }, value, name)? {
            None => "None".to_owned(),
            Some(v) if v.is_none() && show == Show::IfSome => continue,
            Some(v) if v.is_none() => "None".to_owned(),
            Some(v) => match v.cast::<PyString>() {
                Ok(s) if quoted => format!("{:?}", s.to_str()?),
                _ => v.str()?.to_string(),
            },
        };
        out.push_str(&format!(" {name}={text}"));
    }
    out.push('>');
    Ok(out)
}

/// How `repr` shows a field.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Show {
    /// Strings quoted (`case_id="C-1"`).
    Quoted,
    /// As text (`at=2026-11-25T10:30:00Z`, `instance=1`, `events=3`).
    Plain,
    /// Quoted, and left out when `None`.
    IfSome,
}

/// Microseconds since the epoch as an aware `datetime` in `timezone.utc`; out of years 1 to
/// 9999, the core's `out_of_range` error.
#[inline]
pub(crate) fn instant_to_py(py: Python<'_>, us: i64) -> Result<Bound<'_, PyDateTime>> {
    let us = check_instant(us, "the result")?;
    let (days, rest) = (us.div_euclid(DAY_US), us.rem_euclid(DAY_US));
    let (y, m, d) = civil_from_days(days);
    let secs = rest / SECOND_US;
    Ok(PyDateTime::new(
        py,
        y,
        m as u8,
        d as u8,
        (secs / 3600) as u8,
        (secs / 60 % 60) as u8,
        (secs % 60) as u8,
        (rest % SECOND_US) as u32,
        Some(&*PyTzInfo::utc(py)?),
    )?)
}

/// Microseconds as a `timedelta` (normalized: days, then 0 ≤ seconds < 86 400, then
/// 0 ≤ microseconds < 1 000 000); `out_of_range` beyond what a `timedelta` holds.
#[inline]
pub(crate) fn duration_to_py(py: Python<'_>, us: i64) -> Result<Bound<'_, PyDelta>> {
    let rest = us.rem_euclid(DAY_US);
    let days = i32::try_from(us.div_euclid(DAY_US)).map_err(|_| Error::OutOfRange {
        what: format!("the duration {us} µs (beyond what a datetime.timedelta holds)"),
    })?;
    Ok(PyDelta::new(
        py,
        days,
        (rest / SECOND_US) as i32,
        (rest % SECOND_US) as i32,
        false,
    )?)
}

/// Makes Python objects. In `repr` mode it is human-readable (instants come as RFC 3339 text)
/// and a list becomes its length, so that a `repr` writes no item of a long list.
struct PyWriter<'py> {
    py: Python<'py>,
    repr: bool,
}

type Out<'py> = Result<Bound<'py, PyAny>>;

impl<'py> HostWriter for PyWriter<'py> {
    type Value = Bound<'py, PyAny>;
    type List = Vec<Bound<'py, PyAny>>;
    type Object = Bound<'py, PyDict>;
    type Error = Failure;
    const ROOT: &'static str = "(result)";

    fn human_readable(&self) -> bool {
        self.repr
    }
    fn lists_as_lengths(&self) -> bool {
        self.repr
    }
    fn null(&self) -> Out<'py> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn bool(&self, v: bool) -> Out<'py> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn i64(&self, v: i64) -> Out<'py> {
        Ok(v.into_bound_py_any(self.py)?)
    }
    fn u64(&self, v: u64) -> Out<'py> {
        Ok(v.into_bound_py_any(self.py)?)
    }
    fn f64(&self, v: f64) -> Out<'py> {
        Ok(v.into_bound_py_any(self.py)?)
    }
    fn str(&self, v: &str) -> Out<'py> {
        Ok(PyString::new(self.py, v).into_any())
    }
    fn bytes(&self, v: &[u8]) -> Out<'py> {
        Ok(PyBytes::new(self.py, v).into_any())
    }
    fn instant(&self, micros: i64) -> Out<'py> {
        Ok(instant_to_py(self.py, micros)?.into_any())
    }
    fn duration(&self, micros: i64) -> Out<'py> {
        Ok(duration_to_py(self.py, micros)?.into_any())
    }
    fn date(&self, days: i64) -> Out<'py> {
        let (y, m, d) = civil_from_days(days);
        Ok(PyDate::new(self.py, y, m as u8, d as u8)?.into_any())
    }
    fn list_begin(&self, len: Option<usize>) -> Result<Self::List> {
        Ok(Vec::with_capacity(len.unwrap_or(0).min(4096)))
    }
    fn list_push(&self, list: &mut Self::List, item: Self::Value) -> Result<()> {
        list.push(item);
        Ok(())
    }
    fn list_end(&self, list: Self::List) -> Out<'py> {
        Ok(pyo3::types::PyList::new(self.py, list)?.into_any())
    }
    fn object_begin(&self, _: Option<usize>) -> Result<Self::Object> {
        Ok(PyDict::new(self.py))
    }
    fn object_set(&self, object: &mut Self::Object, key: &str, value: Self::Value) -> Result<()> {
        Ok(object.set_item(key, value)?)
    }
    fn object_end(&self, object: Self::Object) -> Out<'py> {
        Ok(object.into_any())
    }
}
