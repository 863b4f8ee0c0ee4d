//! Batch `add` and `elapsed`: the same answers as the one-at-a-time calls, over slices of
//! microseconds, in parallel chunks on rayon's pool when the batch is large enough to pay for
//! the threads. The bindings hand these slices straight from numpy and Arrow buffers.

use rayon::prelude::*;

use super::Calendar;
use crate::error::Error;

/// The value that stands for a missing instant or duration in a batch: `i64::MIN`, numpy's
/// `NaT`. A missing input gives a missing output; `i64::MIN` µs is far outside the supported
/// range, so no real value is mistaken for it.
pub const MISSING: i64 = i64::MIN;

/// Below this many items a batch runs on the calling thread: a rayon split costs a few
/// microseconds, a hundred `add`s about five.
const PARALLEL_FROM: usize = 16 * 1024;
/// Items per parallel task: large enough that scheduling is noise, small enough to balance.
const CHUNK: usize = 8 * 1024;

/// The first failure of a batch: the index of the item (the lowest failing one, whatever the
/// threads did) and its error.
#[derive(Debug)]
pub struct BatchError {
    /// The position of the failing item in the inputs.
    pub index: usize,
    /// Why it failed, as the one-at-a-time call says it.
    pub error: Error,
}

impl std::fmt::Display for BatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "item {}: {}", self.index, self.error)
    }
}

impl std::error::Error for BatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Checks that a batch's slices have one length.
fn same_len(a: usize, b: usize, out: usize) {
    assert!(
        a == b && b == out,
        "batch inputs and output must have one length ({a}, {b}, {out})"
    );
}

/// `out[i] = op(a[i], b[i])` over the whole batch, in parallel chunks when large; the lowest
/// failing index wins so that the error does not depend on scheduling.
fn run<F>(a: &[i64], b: &[i64], out: &mut [i64], op: F) -> Result<(), BatchError>
where
    F: Fn(i64, i64) -> crate::Result<i64> + Sync,
{
    same_len(a.len(), b.len(), out.len());
    let chunk = |offset: usize, a: &[i64], b: &[i64], out: &mut [i64]| {
        for (i, ((&x, &y), o)) in a.iter().zip(b).zip(out.iter_mut()).enumerate() {
            *o = if x == MISSING || y == MISSING {
                MISSING
            } else {
                op(x, y).map_err(|error| BatchError {
                    index: offset + i,
                    error,
                })?
            };
        }
        Ok(())
    };
    if a.len() < PARALLEL_FROM {
        return chunk(0, a, b, out);
    }
    out.par_chunks_mut(CHUNK)
        .zip(a.par_chunks(CHUNK).zip(b.par_chunks(CHUNK)))
        .enumerate()
        .map(|(k, (out, (a, b)))| chunk(k * CHUNK, a, b, out))
        .filter_map(Result::err)
        .min_by_key(|e| e.index)
        .map_or(Ok(()), Err)
}

impl Calendar {
    /// `out[i] = add_micros(starts[i], durations[i])` for every `i`, in parallel for large
    /// batches; [`MISSING`] in either input gives [`MISSING`]. On failure, the lowest failing
    /// index and its error (the rest of `out` is unspecified).
    ///
    /// # Panics
    /// When the three slices differ in length.
    ///
    /// ```
    /// use entitlement_core::calendar::MISSING;
    /// let cal = entitlement_core::Calendar::always_open();
    /// let mut out = [0; 3];
    /// cal.add_many_micros(&[10, 20, MISSING], &[5, -5, 1], &mut out).unwrap();
    /// assert_eq!(out, [15, 15, MISSING]);
    /// let err = cal.add_many_micros(&[0, i64::MAX, 0], &[1, 1, 1], &mut out).unwrap_err();
    /// assert_eq!(err.index, 1);
    /// ```
    pub fn add_many_micros(
        &self,
        starts: &[i64],
        durations: &[i64],
        out: &mut [i64],
    ) -> Result<(), BatchError> {
        run(starts, durations, out, |t, d| self.add_micros(t, d))
    }

    /// `out[i] = elapsed_micros(starts[i], ends[i])` for every `i`, in parallel for large
    /// batches; [`MISSING`] in either input gives [`MISSING`]. On failure, the lowest failing
    /// index and its error.
    ///
    /// # Panics
    /// When the three slices differ in length.
    ///
    /// ```
    /// let cal = entitlement_core::Calendar::always_open();
    /// let mut out = [0; 2];
    /// cal.elapsed_many_micros(&[0, 10], &[10, 0], &mut out).unwrap();
    /// assert_eq!(out, [10, -10]);
    /// ```
    pub fn elapsed_many_micros(
        &self,
        starts: &[i64],
        ends: &[i64],
        out: &mut [i64],
    ) -> Result<(), BatchError> {
        run(starts, ends, out, |a, b| self.elapsed_micros(a, b))
    }
}
