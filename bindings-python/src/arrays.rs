//! Columns of instants and durations for the batch calls (`add_many`, `elapsed_many`): numpy
//! `datetime64`/`timedelta64` arrays and pyarrow timestamp/duration arrays read in place where
//! their buffer already holds microseconds, lists (and other iterables) of datetimes and
//! timedeltas as the fallback; and the results written back in the kind of the input.
//!
//! A missing value (numpy `NaT`, an Arrow null) is the core's `MISSING` and gives a missing
//! result. Decisions (why numpy's `datetime64` counts as UTC, why sub-microsecond values are
//! refused rather than rounded): `docs/batch.md`.

use std::ffi::CStr;

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi, to_ffi};
use arrow_array::{
    Array, ArrayRef, DurationMicrosecondArray, TimestampMicrosecondArray, make_array,
};
use arrow_buffer::NullBuffer;
use arrow_schema::{DataType, TimeUnit};
use entitlement_core::calendar::MISSING;
use numpy::{PyArray1, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyCapsuleMethods, PyDelta, PyList};

use entitlement_core::Error;
use entitlement_core::error::HostProblem;

use crate::convert::{duration_us, durations_us, instants_us};
use crate::error::Result;
use crate::ser::{duration_to_py, instant_to_py};

/// Instants or durations.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Quantity {
    Instant,
    Duration,
}

/// Where a column came from, which decides the kind of the result.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Source {
    List,
    Numpy,
    Arrow,
}

/// A column of microseconds, borrowed from the caller's buffer when it already held them.
pub(crate) struct Column<'py> {
    pub source: Source,
    data: Data<'py>,
}

enum Data<'py> {
    Owned(Vec<i64>),
    Numpy(numpy::PyReadonlyArray1<'py, i64>),
    Arrow(ArrayRef),
}

impl Column<'_> {
    /// The values; `MISSING` where a value is missing.
    pub fn values(&self) -> &[i64] {
        match &self.data {
            Data::Owned(v) => v,
            // Contiguous by construction (see `numpy_column`).
            Data::Numpy(a) => a.as_slice().unwrap_or(&[]),
            Data::Arrow(a) => arrow_values(a),
        }
    }

    pub fn len(&self) -> usize {
        self.values().len()
    }
}

/// The i64 values of a microsecond timestamp or duration array without nulls.
fn arrow_values(a: &ArrayRef) -> &[i64] {
    if let Some(t) = a.as_any().downcast_ref::<TimestampMicrosecondArray>() {
        t.values()
    } else if let Some(d) = a.as_any().downcast_ref::<DurationMicrosecondArray>() {
        d.values()
    } else {
        &[]
    }
}

fn what(q: Quantity) -> &'static str {
    match q {
        Quantity::Instant => "instants",
        Quantity::Duration => "durations",
    }
}

/// An argument error: `InvalidType` or `InvalidValue` at the argument, as the binding's own.
fn wrong_type(path: &str, expected: String, found: String) -> crate::error::Failure {
    let path = path.to_owned();
    Error::InvalidType {
        path,
        expected,
        found,
    }
    .in_argument()
    .into()
}

fn wrong_value(path: &str, reason: String) -> crate::error::Failure {
    let path = path.to_owned();
    Error::InvalidValue { path, reason }.in_argument().into()
}

/// Reads `value` (the argument `arg`) as a column of `q`.
pub(crate) fn column<'py>(
    value: &Bound<'py, PyAny>,
    arg: &str,
    q: Quantity,
) -> Result<Column<'py>> {
    if is_numpy_array(value)? {
        return numpy_column(value, arg, q);
    }
    if let Some(array) = arrow_array_of(value, arg)? {
        return arrow_column(array, arg, q);
    }
    let values = match q {
        Quantity::Instant => instants_us(value, arg)?,
        Quantity::Duration => durations_us(value, arg)?,
    };
    Ok(Column {
        source: Source::List,
        data: Data::Owned(values),
    })
}

/// A single `timedelta` given for every item (`add_many(starts, timedelta(hours=4))`).
pub(crate) fn broadcast_duration(
    value: &Bound<'_, PyAny>,
    n: usize,
) -> Result<Option<Column<'static>>> {
    if value.cast::<PyDelta>().is_err() {
        return Ok(None);
    }
    let d = duration_us(value, "durations")?;
    Ok(Some(Column {
        source: Source::List,
        data: Data::Owned(vec![d; n]),
    }))
}

/// Whether `value` is a numpy array. Numpy is consulted only when it is already imported:
/// an array cannot exist otherwise, and importing it here would cost every list call.
fn is_numpy_array(value: &Bound<'_, PyAny>) -> Result<bool> {
    let py = value.py();
    let modules = py
        .import(intern!(py, "sys"))?
        .getattr(intern!(py, "modules"))?;
    if !modules.contains(intern!(py, "numpy"))? {
        return Ok(false);
    }
    Ok(value.cast::<PyUntypedArray>().is_ok())
}

/// Microseconds per unit of a numpy or Arrow unit, or `None` for a sub-microsecond unit
/// (divided, exactly, by `1000^k`); `Err` for units that are not a fixed length.
enum Scale {
    Multiply(i64),
    Divide(i64),
}

fn numpy_scale(unit: &str) -> Option<Scale> {
    Some(match unit {
        "W" => Scale::Multiply(7 * 86_400_000_000),
        "D" => Scale::Multiply(86_400_000_000),
        "h" => Scale::Multiply(3_600_000_000),
        "m" => Scale::Multiply(60_000_000),
        "s" => Scale::Multiply(1_000_000),
        "ms" => Scale::Multiply(1_000),
        "us" => Scale::Multiply(1),
        "ns" => Scale::Divide(1_000),
        _ => return None,
    })
}

fn numpy_column<'py>(value: &Bound<'py, PyAny>, arg: &str, q: Quantity) -> Result<Column<'py>> {
    let py = value.py();
    let array = value.cast::<PyUntypedArray>()?;
    let dtype: String = array.dtype().getattr(intern!(py, "str"))?.extract()?;
    // `<M8[us]`: byte order, kind (M datetime64, m timedelta64), unit.
    let (kind, unit) = match (dtype.get(1..3), dtype.find('['), dtype.strip_suffix(']')) {
        (Some(kind), Some(open), Some(body)) => (kind, &body[open + 1..]),
        _ => ("", ""),
    };
    let expected = match q {
        Quantity::Instant => ("M8", "datetime64"),
        Quantity::Duration => ("m8", "timedelta64"),
    };
    if kind != expected.0 {
        let expected = format!("a numpy {} array of {}", expected.1, what(q));
        return Err(wrong_type(arg, expected, format!("dtype {dtype}")));
    }
    if !dtype.starts_with(['<', '=', '|']) {
        return Err(wrong_value(
            arg,
            format!(
                "the array is big-endian ({dtype}); convert it with .astype(\"<{kind}[{unit}]\")"
            ),
        ));
    }
    if array.ndim() != 1 {
        return Err(wrong_value(
            arg,
            format!(
                "expected a one-dimensional array, found {} dimensions",
                array.ndim()
            ),
        ));
    }
    let Some(scale) = numpy_scale(unit) else {
        return Err(wrong_value(
            arg,
            format!(
                "the unit {unit:?} of {dtype} is not supported; use a fixed unit from weeks to \
                 nanoseconds (W, D, h, m, s, ms, us, ns)"
            ),
        ));
    };
    let view = value.call_method1(intern!(py, "view"), (intern!(py, "<i8"),))?;
    let ints = view.cast_into::<PyArray1<i64>>()?;
    let readonly = ints.readonly();
    if let (Scale::Multiply(1), Ok(_)) = (&scale, readonly.as_slice()) {
        return Ok(Column {
            source: Source::Numpy,
            data: Data::Numpy(readonly),
        });
    }
    let raw: Vec<i64> = readonly.as_array().iter().copied().collect();
    let values = rescale(raw, &scale, arg, q, &dtype)?;
    Ok(Column {
        source: Source::Numpy,
        data: Data::Owned(values),
    })
}

/// Brings values to microseconds, keeping `MISSING`; overflow and sub-microsecond parts are
/// errors that name the item.
fn rescale(
    mut values: Vec<i64>,
    scale: &Scale,
    arg: &str,
    q: Quantity,
    unit: &str,
) -> Result<Vec<i64>> {
    for (i, v) in values.iter_mut().enumerate() {
        if *v == MISSING {
            continue;
        }
        let scaled = match *scale {
            Scale::Multiply(k) => v.checked_mul(k),
            Scale::Divide(k) if *v % k == 0 => Some(*v / k),
            Scale::Divide(_) => {
                return Err(wrong_value(
                    &format!("{arg}[{i}]"),
                    format!(
                        "{v} {unit} has a part below a microsecond; entitlement counts business \
                         time in microseconds: round the {} first",
                        what(q)
                    ),
                ));
            }
        };
        *v = scaled
            .filter(|&s| s != MISSING)
            .ok_or_else(|| Error::HostValue {
                path: format!("{arg}[{i}]"),
                problem: HostProblem::OutOfRange,
                reason: format!("{v} {unit} is out of range"),
            })?;
    }
    Ok(values)
}

/// The Arrow array behind `value` (the argument `arg`) through the Arrow PyCapsule interface
/// (`__arrow_c_array__`), for pyarrow arrays and anything else that exports one; a pyarrow
/// `ChunkedArray` is combined into one array first. A table (several columns) is refused with
/// `invalid_type` naming the argument, before anything is combined.
fn arrow_array_of(value: &Bound<'_, PyAny>, arg: &str) -> Result<Option<ArrayRef>> {
    let py = value.py();
    let exported = if value.hasattr(intern!(py, "__arrow_c_array__"))? {
        value.call_method0(intern!(py, "__arrow_c_array__"))?
    } else if value.hasattr(intern!(py, "__arrow_c_stream__"))? {
        let combined = if value.hasattr(intern!(py, "num_columns"))?
            || !value.hasattr(intern!(py, "combine_chunks"))?
        {
            None
        } else {
            Some(value.call_method0(intern!(py, "combine_chunks"))?)
        };
        match combined {
            Some(array) if array.hasattr(intern!(py, "__arrow_c_array__"))? => {
                array.call_method0(intern!(py, "__arrow_c_array__"))?
            }
            // A table, a record batch reader, a data frame: a stream of several columns, or of
            // batches, not one column.
            _ if value.hasattr(intern!(py, "num_columns"))? => {
                return Err(wrong_type(
                    arg,
                    "one column (a pyarrow Array or ChunkedArray, a numpy array or a list)".into(),
                    format!(
                        "a {} of several columns; pass one of them, such as table.column(\"{arg}\")",
                        type_name(value)
                    ),
                ));
            }
            _ => return Ok(None),
        }
    } else {
        return Ok(None);
    };
    capsules(&exported, arg).and_then(|(schema, array)| import_array(&schema, &array).map(Some))
}

/// The qualified name of a value's type, for messages.
pub(crate) fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .qualname()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "value".into())
}

/// The pair of capsules an `__arrow_c_array__` returned, or `invalid_type` naming `arg`.
pub(crate) fn capsules<'py>(
    exported: &Bound<'py, PyAny>,
    arg: &str,
) -> Result<(Bound<'py, PyCapsule>, Bound<'py, PyCapsule>)> {
    exported
        .extract::<(Bound<'py, PyCapsule>, Bound<'py, PyCapsule>)>()
        .map_err(|_| {
            wrong_type(
                arg,
                "__arrow_c_array__() to return the pair of capsules (schema, array) of the \
                 Arrow PyCapsule interface"
                    .into(),
                format!("a {}", type_name(exported)),
            )
        })
}

/// Takes the array out of a pair of Arrow C data interface capsules.
pub(crate) fn import_array(
    schema: &Bound<'_, PyCapsule>,
    array: &Bound<'_, PyCapsule>,
) -> Result<ArrayRef> {
    let named = |capsule: &Bound<'_, PyCapsule>, name: &CStr| {
        capsule.pointer_checked(Some(name)).map_err(|_| {
            wrong_type(
                "",
                format!("an Arrow export whose capsules are named {name:?}"),
                "capsules not named \"arrow_schema\" and \"arrow_array\"".into(),
            )
        })
    };
    let schema_ptr = named(schema, c"arrow_schema")?;
    let array_ptr = named(array, c"arrow_array")?;
    // SAFETY: the capsules hold an `ArrowSchema` and an `ArrowArray` (their names say so, as the
    // PyCapsule interface requires). The array is moved out and an empty one (release = NULL)
    // left behind, which the capsule's destructor then skips, as the interface specifies.
    let data = unsafe {
        let ffi_array = std::ptr::replace(
            array_ptr.cast::<FFI_ArrowArray>().as_ptr(),
            FFI_ArrowArray::empty(),
        );
        from_ffi(ffi_array, schema_ptr.cast::<FFI_ArrowSchema>().as_ref())
    }
    .map_err(|e| wrong_value("", format!("an Arrow array that cannot be read: {e}")))?;
    Ok(make_array(data))
}

/// An Arrow array as a pair of capsules, for `pyarrow.Array._import_from_c_capsule`.
pub(crate) fn export_array<'py>(
    py: Python<'py>,
    array: &dyn Array,
) -> Result<(Bound<'py, PyCapsule>, Bound<'py, PyCapsule>)> {
    let (ffi_array, ffi_schema) = to_ffi(&array.to_data())
        .map_err(|e| wrong_value("(result)", format!("Arrow export: {e}")))?;
    // Dropping an `FFI_Arrow*` calls its `release` unless the consumer took it (and cleared
    // `release`), which is what the interface asks of a capsule's destructor.
    const SCHEMA: &CStr = c"arrow_schema";
    const ARRAY: &CStr = c"arrow_array";
    Ok((
        PyCapsule::new_with_value(py, ffi_schema, SCHEMA)?,
        PyCapsule::new_with_value(py, ffi_array, ARRAY)?,
    ))
}

fn arrow_column<'py>(array: ArrayRef, arg: &str, q: Quantity) -> Result<Column<'py>> {
    let (unit, ok) = match (array.data_type(), q) {
        (DataType::Timestamp(unit, Some(_)), Quantity::Instant) => (*unit, true),
        (DataType::Timestamp(_, None), Quantity::Instant) => {
            return Err(Error::HostValue {
                path: arg.to_owned(),
                problem: HostProblem::NaiveDateTime,
                reason: "a timestamp array without a time zone holds wall times, and entitlement \
                     never guesses a zone; give the type one, such as \
                     pa.timestamp(\"us\", tz=\"UTC\"), or cast with .cast(pa.timestamp(\"us\", tz=...))"
                    .into(),
            }
            .into());
        }
        (DataType::Duration(unit), Quantity::Duration) => (*unit, true),
        _ => (TimeUnit::Microsecond, false),
    };
    if !ok {
        let expected = match q {
            Quantity::Instant => "an Arrow timestamp (with a time zone) array",
            Quantity::Duration => "an Arrow duration array",
        };
        return Err(wrong_type(
            arg,
            expected.into(),
            array.data_type().to_string(),
        ));
    }
    let scale = match unit {
        TimeUnit::Second => Scale::Multiply(1_000_000),
        TimeUnit::Millisecond => Scale::Multiply(1_000),
        TimeUnit::Microsecond => Scale::Multiply(1),
        TimeUnit::Nanosecond => Scale::Divide(1_000),
    };
    if matches!(scale, Scale::Multiply(1)) && array.null_count() == 0 {
        // Zero copy: the values buffer is the caller's.
        let array = as_micros_array(array, q);
        return Ok(Column {
            source: Source::Arrow,
            data: Data::Arrow(array),
        });
    }
    let data = array.to_data();
    let raw = data.buffer::<i64>(0);
    let values: Vec<i64> = (0..array.len())
        .map(|i| if array.is_null(i) { MISSING } else { raw[i] })
        .collect();
    let unit_name = match unit {
        TimeUnit::Second => "s",
        TimeUnit::Millisecond => "ms",
        TimeUnit::Microsecond => "us",
        TimeUnit::Nanosecond => "ns",
    };
    let values = rescale(values, &scale, arg, q, unit_name)?;
    Ok(Column {
        source: Source::Arrow,
        data: Data::Owned(values),
    })
}

/// The same buffer seen as a microsecond array of the right type (time zones aside).
fn as_micros_array(array: ArrayRef, q: Quantity) -> ArrayRef {
    let data = array.to_data();
    let values = data.buffers()[0].clone();
    let n = array.len();
    let offset = data.offset();
    let buffer = arrow_buffer::ScalarBuffer::<i64>::new(values, offset, n);
    match q {
        Quantity::Instant => std::sync::Arc::new(TimestampMicrosecondArray::new(buffer, None)),
        Quantity::Duration => std::sync::Arc::new(DurationMicrosecondArray::new(buffer, None)),
    }
}

/// Writes a batch's results in the kind of `source`: a list of aware UTC datetimes or
/// timedeltas, a numpy `datetime64[us]`/`timedelta64[us]` array (`NaT` where missing), or a
/// pyarrow `timestamp[us, tz=UTC]`/`duration[us]` array (null where missing).
pub(crate) fn results<'py>(
    py: Python<'py>,
    source: Source,
    q: Quantity,
    values: Vec<i64>,
) -> Result<Bound<'py, PyAny>> {
    match source {
        Source::List => {
            let items = values
                .into_iter()
                .map(|v| {
                    if v == MISSING {
                        Ok(py.None().into_bound(py))
                    } else {
                        match q {
                            Quantity::Instant => Ok(instant_to_py(py, v)?.into_any()),
                            Quantity::Duration => Ok(duration_to_py(py, v)?.into_any()),
                        }
                    }
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(PyList::new(py, items)?.into_any())
        }
        Source::Numpy => {
            let array = PyArray1::from_vec(py, values);
            let dtype = match q {
                Quantity::Instant => intern!(py, "datetime64[us]"),
                Quantity::Duration => intern!(py, "timedelta64[us]"),
            };
            Ok(array.call_method1(intern!(py, "view"), (dtype,))?)
        }
        Source::Arrow => {
            let nulls = values
                .contains(&MISSING)
                .then(|| NullBuffer::from_iter(values.iter().map(|&v| v != MISSING)));
            let array: ArrayRef = match q {
                Quantity::Instant => std::sync::Arc::new(
                    TimestampMicrosecondArray::new(values.into(), nulls).with_timezone("UTC"),
                ),
                Quantity::Duration => {
                    std::sync::Arc::new(DurationMicrosecondArray::new(values.into(), nulls))
                }
            };
            let (schema, array) = export_array(py, array.as_ref())?;
            let pyarrow = py.import(intern!(py, "pyarrow"))?;
            Ok(pyarrow
                .getattr(intern!(py, "Array"))?
                .call_method1(intern!(py, "_import_from_c_capsule"), (schema, array))?)
        }
    }
}
