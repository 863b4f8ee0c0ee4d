//! Columns for the batch calls (`addMany`, `elapsedMany`): typed arrays read in one pass (a
//! `BigInt64Array` of microseconds copied as it is), arrays of instants as the fallback, and the
//! results written in the kind of `starts`. Decisions (units, missing values): `docs/batch.md`.
//!
//! Every column is copied out of JavaScript as soon as it is read, never borrowed: reading the
//! next argument may run the caller's code (a getter on an array item), and that code may
//! detach or shrink the buffer of a typed array read before (`buffer.transfer()`,
//! `structuredClone(buffer, {transfer: [buffer]})`, a resizable `ArrayBuffer`). A borrow held
//! across it would read freed memory; a copy costs a `memcpy` of 8 bytes an item.

use entitlement_core::Error as CoreError;
use entitlement_core::calendar::{BatchError, MISSING};
use entitlement_core::error::HostProblem;
use entitlement_core::host::read;
use napi::bindgen_prelude::{
    BigInt64Array, BigInt64ArraySlice, Env, Float64Array, Float64ArraySlice, ToNapiValue, Unknown,
};
use napi::{JsValue, ValueType};

use crate::convert;
use crate::error::NodeError;

/// Instants or durations.
#[derive(Clone, Copy, PartialEq)]
pub enum Quantity {
    Instant,
    Duration,
}

/// Where a column came from, which decides the kind of the result.
#[derive(Clone, Copy, PartialEq)]
pub enum Source {
    /// An array of instants (or of millisecond durations): the result is an array.
    List,
    /// A `Float64Array` of epoch milliseconds: the result is a `Float64Array`.
    Millis,
    /// A `BigInt64Array` of epoch microseconds: the result is a `BigInt64Array`.
    Micros,
}

/// A column of microseconds; `MISSING` where a value is missing. Always a copy (see the
/// module's documentation).
pub struct Column {
    pub source: Source,
    values: Vec<i64>,
}

impl Column {
    pub fn values(&self) -> &[i64] {
        &self.values
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }
}

/// Reads the argument `path` as a column of `q`.
pub fn column(value: &Unknown<'_>, path: &str, q: Quantity) -> Result<Column, NodeError> {
    if value.is_typedarray()? {
        // SAFETY: `cast` reads the value as the named typed array, and fails (without a pending
        // exception) when the value is a typed array of another kind.
        // The slices borrow the buffer only until the copy is made, and no JavaScript runs in
        // between. A detached buffer reads as empty.
        if let Ok(ms) = unsafe { value.cast::<Float64ArraySlice<'_>>() } {
            let values = ms
                .iter()
                .enumerate()
                .map(|(i, &x)| millis(x, path, i, q))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Column {
                source: Source::Millis,
                values,
            });
        }
        if let Ok(us) = unsafe { value.cast::<BigInt64ArraySlice<'_>>() } {
            return Ok(Column {
                source: Source::Micros,
                values: us.to_vec(),
            });
        }
        return Err(CoreError::InvalidType {
            path: path.to_string(),
            expected: "a Float64Array (milliseconds), a BigInt64Array (microseconds) or an array"
                .into(),
            found: convert::describe(value),
        }
        .in_argument()
        .into());
    }
    if !value.is_array()? {
        return Err(CoreError::InvalidType {
            path: path.to_string(),
            expected: match q {
                Quantity::Instant => "a Float64Array, a BigInt64Array or an array of instants",
                Quantity::Duration => {
                    "a Float64Array, a BigInt64Array, an array of milliseconds or one number"
                }
            }
            .into(),
            found: convert::describe(value),
        }
        .in_argument()
        .into());
    }
    let array = convert::bounded_array(value, || path.to_string(), convert::MAX_ARRAY_ITEMS)?;
    let mut values = Vec::with_capacity(convert::reserve(array.len()));
    for index in 0..array.len() {
        let item_path = format!("{path}[{index}]");
        let item = convert::element(&array, index, || item_path.clone())?;
        values.push(match q {
            Quantity::Instant => convert::instant(&item, &item_path)?,
            Quantity::Duration => convert::duration(&item, "durations").map_err(|e| match e {
                NodeError::Core(CoreError::HostValue {
                    problem: HostProblem::InvalidDuration,
                    reason,
                    ..
                }) => NodeError::Core(
                    CoreError::InvalidValue {
                        path: item_path.clone(),
                        reason,
                    }
                    .in_argument(),
                ),
                other => other,
            })?,
        });
    }
    Ok(Column {
        source: Source::List,
        values,
    })
}

/// One number of milliseconds given for every start (`addMany(starts, 8 * 3600e3)`), or a
/// `bigint` of microseconds.
pub fn broadcast(value: &Unknown<'_>, n: usize) -> Result<Option<Column>, NodeError> {
    let us = match value.get_type()? {
        ValueType::Number => convert::duration(value, "durations")?,
        ValueType::BigInt => {
            // SAFETY: checked to be a bigint just above.
            let big = unsafe { value.cast::<napi::bindgen_prelude::BigInt>() }?;
            let (us, lossless) = big.get_i64();
            if !lossless || us == MISSING {
                return Err(CoreError::OutOfRange {
                    what: "durations (a bigint of microseconds)".into(),
                }
                .into());
            }
            us
        }
        _ => return Ok(None),
    };
    Ok(Some(Column {
        source: Source::List,
        values: vec![us; n],
    }))
}

/// A `Float64Array` item in milliseconds as microseconds; `NaN` is missing.
#[inline]
fn millis(x: f64, path: &str, i: usize, q: Quantity) -> Result<i64, NodeError> {
    if x.is_nan() {
        return Ok(MISSING);
    }
    match q {
        // The item's name is formatted only for an error: this runs once per item.
        Quantity::Instant => convert::ms_instant_in_range(x)
            .map_or_else(|| convert::ms_instant_at(x, &format!("{path}[{i}]")), Ok),
        Quantity::Duration => Ok(convert::ms_duration(x)),
    }
}

/// Checks that the second argument (`other`) is as long as `starts` (the core's rule).
pub fn same_length(starts: usize, other: usize, name: &str) -> Result<(), NodeError> {
    Ok(read::same_length(starts, other, "starts", name)?)
}

/// A batch's failure as the error of its item (`starts[3]: ...`).
pub fn item_error(e: BatchError) -> NodeError {
    NodeError::AtItem {
        argument: "starts",
        index: e.index,
        error: e.error,
    }
}

/// The results in the kind of the starts.
pub fn results<'env>(
    env: &'env Env,
    source: Source,
    q: Quantity,
    values: Vec<i64>,
) -> Result<Unknown<'env>, NodeError> {
    let out = match source {
        Source::Micros => BigInt64Array::new(values).into_unknown(env)?,
        Source::Millis => Float64Array::new(
            values
                .into_iter()
                .map(|v| {
                    if v == MISSING {
                        f64::NAN
                    } else {
                        convert::milliseconds(v)
                    }
                })
                .collect(),
        )
        .into_unknown(env)?,
        Source::List => match q {
            Quantity::Instant => values
                .into_iter()
                .map(convert::date)
                .collect::<Result<Vec<_>, _>>()?
                .into_unknown(env)?,
            Quantity::Duration => values
                .into_iter()
                .map(convert::milliseconds)
                .collect::<Vec<f64>>()
                .into_unknown(env)?,
        },
    };
    Ok(out)
}
