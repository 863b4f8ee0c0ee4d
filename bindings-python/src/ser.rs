//! The one host serializer: any `Serialize` value of the core (every result type, a JSON value)
//! written directly as Python objects, without JSON text in between.
//!
//! Structs and maps become dicts, sequences lists, unit enum variants their name (`"violated"`),
//! and the core's marked instants, durations and dates (`entitlement_core::time::marker`)
//! aware datetimes in `timezone.utc`, `timedelta`s and `date`s. `to_dict()`, the properties of
//! the result classes and their `repr` all go through it; the result types themselves are the
//! only description of what a result holds.

use std::fmt::Display;

use entitlement_core::Error;
use entitlement_core::host::MAX_NESTING;
use entitlement_core::time::civil_from_days;
use entitlement_core::time::{DATE, DAY_US, DURATION, INSTANT, SECOND_US, check_instant};
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyBytes, PyDate, PyDateTime, PyDelta, PyDict, PyList, PyString, PyTzInfo,
};
use serde::ser::{self, Impossible, Serialize};

use crate::error::Failure;

/// Why serialising failed: a Python error, or a value out of the host's range.
pub(crate) struct SerError(pub(crate) Failure);

impl std::fmt::Debug for SerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SerError")
    }
}

impl Display for SerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cannot write the value as Python objects")
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    /// A value that refused to serialise: only a duration beyond ±292,000 years does.
    fn custom<T: Display>(msg: T) -> Self {
        SerError(Failure::Core(Error::OutOfRange {
            what: msg.to_string(),
        }))
    }
}

impl From<PyErr> for SerError {
    fn from(err: PyErr) -> Self {
        SerError(Failure::Python(err))
    }
}

impl From<Error> for SerError {
    fn from(err: Error) -> Self {
        SerError(Failure::Core(err))
    }
}

impl From<SerError> for Failure {
    fn from(err: SerError) -> Self {
        err.0
    }
}

/// A serializer used against its contract: a bug of the binding.
fn bug(reason: &str) -> SerError {
    SerError(Failure::Core(Error::Internal {
        reason: reason.to_owned(),
    }))
}

type R<'py> = Result<Bound<'py, PyAny>, SerError>;

/// `value` as Python objects.
pub(crate) fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> crate::error::Result<Bound<'py, PyAny>> {
    Ok(value.serialize(PySer {
        py,
        depth: 0,
        repr: false,
    })?)
}

/// The field `name` of a struct (a result type) as Python objects; `None` when there is no such
/// field. Only that field is written.
pub(crate) fn field<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
    name: &str,
) -> crate::error::Result<Option<Bound<'py, PyAny>>> {
    let mut picked = None;
    value.serialize(Pick {
        py,
        name,
        out: &mut picked,
        repr: false,
    })?;
    Ok(picked)
}

/// `<Name field=value ...>` for a result's `repr`: strings quoted, instants in RFC 3339 text,
/// lists as their length.
pub(crate) fn repr<T: Serialize>(
    py: Python<'_>,
    class: &str,
    value: &T,
    fields: &[(&str, Show)],
) -> crate::error::Result<String> {
    let mut out = format!("<{class}");
    for &(name, show) in fields {
        let quoted = show != Show::Plain;
        let mut picked = None;
        value.serialize(Pick {
            py,
            name,
            out: &mut picked,
            repr: true,
        })?;
        let text = match picked {
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

/// Writes Python objects. In `repr` mode it is human-readable (instants come as RFC 3339 text)
/// and a sequence becomes its length, so that a `repr` writes no item of a long list.
#[derive(Clone, Copy)]
struct PySer<'py> {
    py: Python<'py>,
    depth: usize,
    repr: bool,
}

impl<'py> PySer<'py> {
    fn deeper(self) -> Result<Self, SerError> {
        if self.depth >= MAX_NESTING {
            return Err(Error::LimitExceeded {
                path: "(result)".into(),
                reason: format!("nested more than {MAX_NESTING} levels deep"),
            }
            .into());
        }
        Ok(PySer {
            depth: self.depth + 1,
            ..self
        })
    }

    fn any(self, v: impl IntoPyObject<'py>) -> R<'py> {
        Ok(v.into_bound_py_any(self.py)?)
    }
}

/// The one `i64` inside a marked instant, duration or date.
struct Micros;

/// Serializer methods that refuse what they are given: a bug of the binding if ever called.
macro_rules! refuse {
    ($ok:ty, $msg:literal; $($name:ident($($t:ty),*))*) => {$(
        fn $name(self, $(_: $t),*) -> Result<$ok, SerError> { Err(bug($msg)) }
    )*};
}

macro_rules! refuse_compound {
    ($ok:ty, $msg:literal) => {
        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<$ok, SerError> {
            Err(bug($msg))
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<$ok, SerError> {
            Err(bug($msg))
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, SerError> {
            Err(bug($msg))
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, SerError> {
            Err(bug($msg))
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, SerError> {
            Err(bug($msg))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, SerError> {
            Err(bug($msg))
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, SerError> {
            Err(bug($msg))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, SerError> {
            Err(bug($msg))
        }
        type SerializeSeq = Impossible<$ok, SerError>;
        type SerializeTuple = Impossible<$ok, SerError>;
        type SerializeTupleStruct = Impossible<$ok, SerError>;
        type SerializeTupleVariant = Impossible<$ok, SerError>;
        type SerializeMap = Impossible<$ok, SerError>;
        type SerializeStructVariant = Impossible<$ok, SerError>;
    };
}

impl ser::Serializer for Micros {
    type Ok = i64;
    type Error = SerError;
    type SerializeStruct = Impossible<i64, SerError>;
    refuse_compound!(i64, "a marked value that is not an integer");
    refuse! { i64, "a marked value that is not an integer";
        serialize_bool(bool) serialize_i8(i8) serialize_i16(i16) serialize_i32(i32)
        serialize_u8(u8) serialize_u16(u16) serialize_u32(u32) serialize_u64(u64)
        serialize_f32(f32) serialize_f64(f64) serialize_char(char) serialize_str(&str)
        serialize_bytes(&[u8]) serialize_none() serialize_unit()
        serialize_unit_struct(&'static str) serialize_unit_variant(&'static str, u32, &'static str)
    }
    fn is_human_readable(&self) -> bool {
        false
    }
    fn serialize_i64(self, v: i64) -> Result<i64, SerError> {
        Ok(v)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, SerError> {
        Err(bug("a marked value that is not an integer"))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<i64, SerError> {
        v.serialize(self)
    }
}

/// Microseconds since the epoch as an aware `datetime` in `timezone.utc`; out of years 1 to
/// 9999, the core's `out_of_range` error.
#[inline]
pub(crate) fn instant_to_py(
    py: Python<'_>,
    us: i64,
) -> crate::error::Result<Bound<'_, PyDateTime>> {
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
pub(crate) fn duration_to_py(py: Python<'_>, us: i64) -> crate::error::Result<Bound<'_, PyDelta>> {
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

impl<'py> PySer<'py> {
    fn marked(self, name: &str, us: i64) -> R<'py> {
        let py = self.py;
        Ok(match name {
            INSTANT => instant_to_py(py, us).map_err(SerError)?.into_any(),
            DURATION => duration_to_py(py, us).map_err(SerError)?.into_any(),
            _ => {
                let (y, m, d) = civil_from_days(us);
                PyDate::new(py, y, m as u8, d as u8)?.into_any()
            }
        })
    }
}

impl<'py> ser::Serializer for PySer<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    type SerializeSeq = Seq<'py>;
    type SerializeTuple = Seq<'py>;
    type SerializeTupleStruct = Seq<'py>;
    type SerializeTupleVariant = Variant<Seq<'py>>;
    type SerializeMap = Map<'py>;
    type SerializeStruct = Map<'py>;
    type SerializeStructVariant = Variant<Map<'py>>;

    fn is_human_readable(&self) -> bool {
        self.repr
    }
    fn serialize_bool(self, v: bool) -> R<'py> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> R<'py> {
        self.any(v)
    }
    fn serialize_i16(self, v: i16) -> R<'py> {
        self.any(v)
    }
    fn serialize_i32(self, v: i32) -> R<'py> {
        self.any(v)
    }
    fn serialize_i64(self, v: i64) -> R<'py> {
        self.any(v)
    }
    fn serialize_u8(self, v: u8) -> R<'py> {
        self.any(v)
    }
    fn serialize_u16(self, v: u16) -> R<'py> {
        self.any(v)
    }
    fn serialize_u32(self, v: u32) -> R<'py> {
        self.any(v)
    }
    fn serialize_u64(self, v: u64) -> R<'py> {
        self.any(v)
    }
    fn serialize_f32(self, v: f32) -> R<'py> {
        self.any(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> R<'py> {
        self.any(v)
    }
    fn serialize_char(self, v: char) -> R<'py> {
        self.any(v.to_string())
    }
    fn serialize_str(self, v: &str) -> R<'py> {
        Ok(PyString::new(self.py, v).into_any())
    }
    fn serialize_bytes(self, v: &[u8]) -> R<'py> {
        Ok(PyBytes::new(self.py, v).into_any())
    }
    fn serialize_none(self) -> R<'py> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> R<'py> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> R<'py> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> R<'py> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R<'py> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, v: &T) -> R<'py> {
        if !self.repr && matches!(name, INSTANT | DURATION | DATE) {
            return self.marked(name, v.serialize(Micros)?);
        }
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> R<'py> {
        let dict = PyDict::new(self.py);
        dict.set_item(variant, v.serialize(self.deeper()?)?)?;
        Ok(dict.into_any())
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'py>, SerError> {
        Ok(Seq {
            ser: self.deeper()?,
            items: Vec::with_capacity(len.unwrap_or(0).min(4096)),
            count: 0,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'py>, SerError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'py>, SerError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, SerError> {
        Ok(Variant {
            variant,
            inner: self.serialize_seq(Some(len))?,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'py>, SerError> {
        Ok(Map {
            ser: self.deeper()?,
            dict: PyDict::new(self.py),
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Map<'py>, SerError> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, SerError> {
        Ok(Variant {
            variant,
            inner: self.serialize_map(None)?,
        })
    }
}

/// A list being written (in `repr` mode, only counted).
pub(crate) struct Seq<'py> {
    ser: PySer<'py>,
    items: Vec<Bound<'py, PyAny>>,
    count: usize,
}

impl<'py> ser::SerializeSeq for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        self.count += 1;
        if !self.ser.repr {
            self.items.push(v.serialize(self.ser)?);
        }
        Ok(())
    }
    fn end(self) -> R<'py> {
        if self.ser.repr {
            return self.ser.any(self.count);
        }
        Ok(PyList::new(self.ser.py, self.items)?.into_any())
    }
}

impl<'py> ser::SerializeTuple for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> R<'py> {
        ser::SerializeSeq::end(self)
    }
}

impl<'py> ser::SerializeTupleStruct for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> R<'py> {
        ser::SerializeSeq::end(self)
    }
}

/// A dict being written.
pub(crate) struct Map<'py> {
    ser: PySer<'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
}

impl<'py> ser::SerializeMap for Map<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), SerError> {
        self.key = Some(key.serialize(self.ser)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| bug("a map value without a key"))?;
        self.dict.set_item(key, v.serialize(self.ser)?)?;
        Ok(())
    }
    fn end(self) -> R<'py> {
        Ok(self.dict.into_any())
    }
}

impl<'py> ser::SerializeStruct for Map<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), SerError> {
        self.dict.set_item(key, v.serialize(self.ser)?)?;
        Ok(())
    }
    fn end(self) -> R<'py> {
        Ok(self.dict.into_any())
    }
}

/// An enum variant with data: `{variant: data}`.
pub(crate) struct Variant<T> {
    variant: &'static str,
    inner: T,
}

impl<'py> ser::SerializeTupleVariant for Variant<Seq<'py>> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        ser::SerializeSeq::serialize_element(&mut self.inner, v)
    }
    fn end(self) -> R<'py> {
        let variant = self.variant;
        let value = ser::SerializeSeq::end(self.inner)?;
        variant_dict(variant, value)
    }
}

impl<'py> ser::SerializeStructVariant for Variant<Map<'py>> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), SerError> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, v)
    }
    fn end(self) -> R<'py> {
        let variant = self.variant;
        let value = ser::SerializeStruct::end(self.inner)?;
        variant_dict(variant, value)
    }
}

fn variant_dict<'py>(variant: &'static str, value: Bound<'py, PyAny>) -> R<'py> {
    let dict = PyDict::new(value.py());
    dict.set_item(variant, value)?;
    Ok(dict.into_any())
}

/// Picks one field of a struct and writes only that one.
struct Pick<'a, 'py> {
    py: Python<'py>,
    name: &'a str,
    out: &'a mut Option<Bound<'py, PyAny>>,
    repr: bool,
}

impl<'py> ser::SerializeStruct for Pick<'_, 'py> {
    type Ok = ();
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), SerError> {
        if key == self.name {
            *self.out = Some(v.serialize(PySer {
                py: self.py,
                depth: 1,
                repr: self.repr,
            })?);
        }
        Ok(())
    }
    fn end(self) -> Result<(), SerError> {
        Ok(())
    }
}

impl<'a, 'py> ser::Serializer for Pick<'a, 'py> {
    type Ok = ();
    type Error = SerError;
    type SerializeStruct = Self;
    refuse_compound!((), "a result that is not a struct");
    refuse! { (), "a result that is not a struct";
        serialize_bool(bool) serialize_i8(i8) serialize_i16(i16) serialize_i32(i32)
        serialize_i64(i64) serialize_u8(u8) serialize_u16(u16) serialize_u32(u32)
        serialize_u64(u64) serialize_f32(f32) serialize_f64(f64) serialize_char(char)
        serialize_str(&str) serialize_bytes(&[u8]) serialize_none() serialize_unit()
        serialize_unit_struct(&'static str) serialize_unit_variant(&'static str, u32, &'static str)
    }
    fn is_human_readable(&self) -> bool {
        self.repr
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, SerError> {
        Ok(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), SerError> {
        v.serialize(self)
    }
}
