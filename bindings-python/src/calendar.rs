//! `entitlement.Calendar`: business hours, holidays and overrides in a time zone, and the
//! operations on business time. Every operation converts its arguments to integer microseconds,
//! calls the core's `*_micros` method and converts the answer back.

use entitlement_core as core;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDelta, PyDict, PyList, PyType};
use serde_json::{Map, Value};

use entitlement_core::Error;

use crate::arrays::{Quantity, broadcast_duration, column, results};
use crate::convert::{duration_us, instant_us, sequence, to_json, to_json_at};
use crate::error::{Failure, Result, detached, guard};
use crate::ser::{duration_to_py, instant_to_py, to_py};

/// A business calendar: weekly opening hours in an IANA time zone, holidays and dated overrides.
///
/// Business time is real elapsed time inside open intervals, so a day that is open 00:00-24:00
/// lasts 25 hours when the clocks fall back. Instants are accepted as any aware ``datetime``
/// (zoneinfo, pytz, fixed offsets) and returned as aware datetimes in ``timezone.utc``;
/// durations are ``timedelta`` values, exact to the microsecond. Naive datetimes are refused with
/// ``InputError`` (code ``"naive_datetime"``).
///
/// Build one with keyword arguments, from the dict of a definition (``Calendar.from_dict``),
/// as ``Calendar.always_open()`` or as ``Calendar.union([a, b])``::
///
///     >>> from datetime import datetime, timedelta
///     >>> from zoneinfo import ZoneInfo
///     >>> cal = Calendar(
///     ...     time_zone="America/New_York",
///     ...     hours={d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
///     ...     holidays=[{"name": "Spring closure", "date": "2026-03-09"}],
///     ... )
///     >>> ny = ZoneInfo("America/New_York")
///     >>> cal.add(datetime(2026, 3, 6, 16, tzinfo=ny), timedelta(hours=8)).astimezone(ny)
///     datetime.datetime(2026, 3, 10, 16, 0, tzinfo=zoneinfo.ZoneInfo(key='America/New_York'))
///
/// Calendars are immutable, safe to share between threads, and picklable.
#[pyclass(module = "entitlement", name = "Calendar", frozen)]
pub struct Calendar {
    inner: core::Calendar,
}

impl Calendar {
    pub(crate) fn wrap(inner: core::Calendar) -> Self {
        Calendar { inner }
    }
}

#[pymethods]
impl Calendar {
    /// Builds a calendar from its parts, as in a definition (see ``Calendar.from_dict``).
    #[new]
    #[pyo3(signature = (time_zone=None, *, hours=None, holidays=None, overrides=None))]
    fn __new__(
        time_zone: Option<&Bound<'_, PyAny>>,
        hours: Option<&Bound<'_, PyAny>>,
        holidays: Option<&Bound<'_, PyAny>>,
        overrides: Option<&Bound<'_, PyAny>>,
    ) -> Result<Self> {
        let mut definition = Map::new();
        for (key, value) in [
            ("time_zone", time_zone),
            ("hours", hours),
            ("holidays", holidays),
            ("overrides", overrides),
        ] {
            if let Some(value) = value.filter(|v| !v.is_none()) {
                let mut path = key.to_owned();
                definition.insert(key.to_owned(), to_json_at(value, &mut path, 1)?);
            }
        }
        let definition = Value::Object(definition);
        guard(|| core::Calendar::from_value(&definition)).map(Calendar::wrap)
    }

    /// Builds a calendar from a definition: a dict such as
    /// ``{"time_zone": "America/New_York", "hours": {"mon": ["09:00-17:00"]}, "holidays": [...],
    /// "overrides": [...]}``, ``{"always_open": True}`` or ``{"union": [definition, ...]}``.
    ///
    /// Values may be str, int, float, bool, None, list, tuple, dict and ``datetime.date`` (read as
    /// ``YYYY-MM-DD``). Raises ``ConfigError`` whose message names the path of the bad value
    /// (such as ``hours.mon[0]``).
    #[classmethod]
    fn from_dict(_cls: &Bound<'_, PyType>, definition: &Bound<'_, PyAny>) -> Result<Self> {
        let definition = to_json(definition)?;
        guard(|| core::Calendar::from_value(&definition)).map(Calendar::wrap)
    }

    /// A calendar that is always open (24×7): business time equals real time.
    #[staticmethod]
    fn always_open() -> Self {
        Calendar::wrap(core::Calendar::always_open())
    }

    /// The union of calendars ("follow the sun"): open whenever any of them is open.
    ///
    /// Raises ``ConfigError`` for an empty list and ``InputError`` for an item that is not a
    /// ``Calendar``.
    #[staticmethod]
    fn union(calendars: &Bound<'_, PyAny>) -> Result<Self> {
        let items = sequence(calendars, "calendars")?;
        let mut parts = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let Ok(cal) = item.cast::<Calendar>() else {
                let found = item.get_type().qualname().map(|n| n.to_string());
                return Err(Error::InvalidType {
                    path: format!("calendars[{i}]"),
                    expected: "a Calendar".into(),
                    found: found.unwrap_or_default(),
                }
                .in_argument()
                .into());
            };
            parts.push(cal.get().inner.clone());
        }
        guard(|| core::Calendar::union(&parts)).map(Calendar::wrap)
    }

    /// The IANA time zone of the calendar, or ``None`` for ``always_open`` calendars and unions.
    #[getter]
    fn time_zone(&self) -> Option<&str> {
        self.inner.time_zone()
    }

    /// The definition of the calendar as a dict, which ``Calendar.from_dict`` accepts back.
    fn to_dict<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyDict>> {
        Ok(to_py(py, &self.inner.to_value())?.cast_into::<PyDict>()?)
    }

    /// The instant ``duration`` of business time after ``start`` (before it when the duration is
    /// negative).
    ///
    /// For a non-negative duration this is the earliest instant ``u >= start`` with
    /// ``elapsed(start, u) == duration``: a result that lands exactly at closing stays at closing,
    /// and ``add(start, timedelta(0)) == start``. Returns an aware datetime in ``timezone.utc``.
    fn add<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        duration: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyDateTime>> {
        let t = instant_us(start, "start")?;
        let d = duration_us(duration, "duration")?;
        let u = guard(|| self.inner.add_micros(t, d))?;
        instant_to_py(py, u)
    }

    /// The deadline ``days`` business days after ``start``, as a ``5bd`` target means it: the
    /// same wall-clock time as the first open instant at or after ``start``, on the ``days``-th
    /// later date on which the calendar is open, reported as the earliest instant with that much
    /// business time (a deadline before that day's opening is the close before it; one after
    /// its close is its close). ``add_business_days(start, 0)`` is ``start``,
    /// as ``add(start, timedelta(0))``.
    /// ``days`` runs from 0 to 10,000; outside that, ``InputError`` (``invalid_value``).
    fn add_business_days<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        days: i64,
    ) -> Result<Bound<'py, PyDateTime>> {
        let t = instant_us(start, "start")?;
        let n = u32::try_from(days).map_err(|_| {
            Error::InvalidValue {
                path: "days".into(),
                reason: format!("{days} is not a count of business days from 0 to 10000"),
            }
            .in_argument()
        })?;
        let u = guard(|| self.inner.add_business_days_micros(t, n))?;
        instant_to_py(py, u)
    }

    /// The instant ``duration`` of business time before ``start``: ``add(start, -duration)``.
    fn sub<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        duration: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyDateTime>> {
        let t = instant_us(start, "start")?;
        let d = duration_us(duration, "duration")?;
        let u = guard(|| self.inner.sub_micros(t, d))?;
        instant_to_py(py, u)
    }

    /// The business time in ``[start, end)`` as a ``timedelta``; negative when ``end < start``.
    fn elapsed<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyDelta>> {
        let a = instant_us(start, "start")?;
        let b = instant_us(end, "end")?;
        let d = guard(|| self.inner.elapsed_micros(a, b))?;
        duration_to_py(py, d)
    }

    /// Whether the calendar is open at ``instant`` (intervals are half-open: open at 09:00,
    /// closed at 17:00).
    fn is_open(&self, instant: &Bound<'_, PyAny>) -> Result<bool> {
        let t = instant_us(instant, "instant")?;
        guard(|| self.inner.is_open_micros(t))
    }

    /// The first instant at or after ``instant`` when the calendar is open (``instant`` itself
    /// when open). Raises ``CalendarError`` when it never opens again before year 10000.
    fn next_open<'py>(
        &self,
        py: Python<'py>,
        instant: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyDateTime>> {
        let t = instant_us(instant, "instant")?;
        let u = guard(|| self.inner.next_open_micros(t))?;
        instant_to_py(py, u)
    }

    /// The end of the opening that contains ``instant``, or, when the calendar is closed at
    /// ``instant``, the end of the next opening. Raises ``CalendarError`` when that is not before
    /// year 10000 (an ``always_open`` calendar never closes).
    fn next_close<'py>(
        &self,
        py: Python<'py>,
        instant: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyDateTime>> {
        let t = instant_us(instant, "instant")?;
        let u = guard(|| self.inner.next_close_micros(t))?;
        instant_to_py(py, u)
    }

    /// The open intervals ``[opens, closes)`` within ``[start, end)``, clipped to it, in order,
    /// as a list of ``(opens, closes)`` tuples of aware UTC datetimes.
    fn open_intervals<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyList>> {
        let a = instant_us(start, "start")?;
        let b = instant_us(end, "end")?;
        let intervals = guard(|| self.inner.open_intervals_micros(a, b))?
            .into_iter()
            .map(|(opens, closes)| Ok((instant_to_py(py, opens)?, instant_to_py(py, closes)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(PyList::new(py, intervals)?)
    }

    /// ``[add(s, d) for s, d in zip(starts, durations)]`` in one call, computed without the
    /// GIL (in parallel for large batches).
    ///
    /// ``starts`` is a numpy ``datetime64`` array (counted from the Unix epoch in UTC, as
    /// numpy defines it), a pyarrow ``timestamp`` array with a time zone (or ``ChunkedArray``),
    /// or a list (or other iterable) of aware datetimes. ``durations`` is a numpy
    /// ``timedelta64`` array, a pyarrow ``duration`` array, a list of timedeltas, or one
    /// ``timedelta`` for every start. Units from weeks to nanoseconds are read (values below a
    /// microsecond are refused); microsecond arrays without nulls are read in place.
    ///
    /// The result has the kind of ``starts``: a numpy ``datetime64[us]`` array, a pyarrow
    /// ``timestamp[us, tz=UTC]`` array, or a list of aware UTC datetimes. ``NaT`` or null in
    /// either input gives ``NaT`` or null (``None`` in a list). Each value equals
    /// ``add(start, duration)``; the first item that fails raises its error, naming its index.
    fn add_many<'py>(
        &self,
        py: Python<'py>,
        starts: &Bound<'py, PyAny>,
        durations: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyAny>> {
        let starts = column(starts, "starts", Quantity::Instant)?;
        let durations = match broadcast_duration(durations, starts.len())? {
            Some(all) => all,
            None => column(durations, "durations", Quantity::Duration)?,
        };
        same_length(starts.len(), durations.len(), "starts", "durations")?;
        let (a, b) = (starts.values(), durations.values());
        let out = batch(py, |out| self.inner.add_many_micros(a, b, out), a.len())?;
        results(py, starts.source, Quantity::Instant, out)
    }

    /// ``[elapsed(s, e) for s, e in zip(starts, ends)]`` in one call, computed without the
    /// GIL (in parallel for large batches).
    ///
    /// ``starts`` and ``ends`` are numpy ``datetime64`` arrays, pyarrow ``timestamp`` arrays
    /// with a time zone, or lists of aware datetimes, of one length (see ``add_many``). The
    /// result has the kind of ``starts``: a numpy ``timedelta64[us]`` array, a pyarrow
    /// ``duration[us]`` array, or a list of timedeltas, with ``NaT``/null/``None`` where an
    /// input is missing.
    fn elapsed_many<'py>(
        &self,
        py: Python<'py>,
        starts: &Bound<'py, PyAny>,
        ends: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyAny>> {
        let starts = column(starts, "starts", Quantity::Instant)?;
        let ends = column(ends, "ends", Quantity::Instant)?;
        same_length(starts.len(), ends.len(), "starts", "ends")?;
        let (a, b) = (starts.values(), ends.values());
        let out = batch(py, |out| self.inner.elapsed_many_micros(a, b, out), a.len())?;
        results(py, starts.source, Quantity::Duration, out)
    }

    fn __repr__(&self, py: Python<'_>) -> Result<String> {
        let definition = to_py(py, &self.inner.to_value())?;
        Ok(format!("Calendar.from_dict({})", definition.repr()?))
    }

    /// Pickles as ``Calendar.from_dict(self.to_dict())``.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
        py: Python<'py>,
    ) -> Result<(Bound<'py, PyAny>, (Bound<'py, PyAny>,))> {
        let rebuild = slf.get_type().getattr("from_dict")?;
        let definition = to_py(py, &slf.get().inner.to_value())?;
        Ok((rebuild, (definition,)))
    }
}

fn same_length(a: usize, b: usize, name_a: &str, name_b: &str) -> Result<()> {
    Ok(entitlement_core::host::read::same_length(
        a, b, name_a, name_b,
    )?)
}

/// Runs a batch of `n` items with the GIL released; an error names the index it happened at.
fn batch<F>(py: Python<'_>, f: F, n: usize) -> Result<Vec<i64>>
where
    F: FnOnce(&mut [i64]) -> std::result::Result<(), core::calendar::BatchError> + Send,
{
    detached(py, || {
        let mut out = vec![0; n];
        f(&mut out).map(|()| out).map_err(|e| Failure::Item {
            arg: "starts",
            index: e.index,
            error: e.error,
        })
    })
}
