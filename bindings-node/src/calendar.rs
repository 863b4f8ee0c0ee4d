//! `Calendar`: business hours in a time zone, with holidays and overrides.
//!
//! A thin skin over `entitlement_core::Calendar`: every method converts its arguments (see
//! [`crate::convert`]), calls the core's microsecond API and converts the answer back.

use entitlement_core::Calendar as CoreCalendar;
use entitlement_core::Error as CoreError;
use entitlement_core::calendar::MAX_UNION_PARTS;
use napi::bindgen_prelude::{ClassInstance, Env, FromNapiValue, JavaScriptClassExt, Unknown};
use napi::{JsValue, ValueType};
use napi_derive::napi;
use serde_json::Value;

use crate::batch;
use crate::convert;
use crate::error::{NodeError, Result, guard};
use crate::results::Js;
use crate::ser::{self, Mode};

/// A business calendar: an IANA time zone, weekly opening hours, holidays and dated overrides
/// (or a 24×7 calendar, or a union of calendars).
///
/// Business time is real elapsed time inside opening intervals, so a day that spans a DST change
/// is an hour longer or shorter. Instants are accepted as a `Date`, an ISO 8601 string with a UTC
/// offset, or epoch milliseconds, and are returned as `Date`s. Durations are milliseconds.
/// Errors are `Error`s with a stable `code` (such as `overlapping_intervals` or
/// `naive_datetime`) and a message that names the path of the problem (`hours.mon[0]`).
///
/// ```js
/// const { Calendar } = require('entitlement')
/// const cal = new Calendar({
///   time_zone: 'America/New_York',
///   hours: { mon: ['09:00-17:00'], tue: ['09:00-17:00'] },
///   holidays: [{ name: 'Closure', date: '2026-03-09' }],
/// })
/// cal.add('2026-03-06T16:00:00-05:00', 8 * 3600e3) // a Date
/// ```
#[napi]
pub struct Calendar {
    inner: CoreCalendar,
}

impl Calendar {
    /// Wraps a calendar of the core (one an import built).
    pub(crate) fn wrap(inner: CoreCalendar) -> Self {
        Calendar { inner }
    }
}

#[napi]
impl Calendar {
    /// Builds a calendar from its definition, in the document format of the configuration
    /// (`time_zone`, `hours`, `holidays`, `overrides`, or `always_open: true`, or
    /// `union: [...]`). `timeZone` is accepted as an alias of `time_zone` (in every calendar
    /// definition, inside a rules document too); a `union` may list `Calendar` objects as well
    /// as definitions.
    ///
    /// Throws an `Error` whose `code` says what is wrong (`unknown_time_zone`, `invalid_time`,
    /// `overlapping_intervals`, `never_open`, ...), whose message names the path, and whose
    /// `path` lists it (`['hours', 'mon', 0]`).
    #[napi(constructor, ts_args_type = "definition: CalendarDefinition")]
    pub fn new(env: Env, definition: Unknown<'_>) -> Result<Self> {
        guard(&env, || Self::build(&env, &definition))
    }

    /// Builds a calendar from a plain object in the document format (the same as
    /// `new Calendar(definition)`).
    #[napi(factory, ts_args_type = "definition: CalendarDefinition")]
    pub fn from_object(env: Env, definition: Unknown<'_>) -> Result<Self> {
        guard(&env, || Self::build(&env, &definition))
    }

    /// A calendar that is always open (24×7): business time equals real time.
    #[napi(factory)]
    pub fn always_open(env: Env) -> Result<Self> {
        guard(&env, || {
            Ok(Calendar {
                inner: CoreCalendar::always_open(),
            })
        })
    }

    /// The union of calendars ("follow the sun"): open whenever any of them is open. Each item
    /// is a `Calendar` or a calendar definition. An empty list is an error.
    #[napi(
        factory,
        ts_args_type = "calendars: Array<Calendar | CalendarDefinition>"
    )]
    pub fn union(env: Env, calendars: Unknown<'_>) -> Result<Self> {
        guard(&env, || {
            if !calendars.is_array()? {
                return Err(CoreError::InvalidType {
                    path: "calendars".into(),
                    expected: "an array of calendars".into(),
                    found: convert::describe(&calendars),
                }
                .in_argument()
                .into());
            }
            // The core's own limit on the parts of a union, checked before any is read.
            let array =
                convert::bounded_array(&calendars, || "calendars".into(), MAX_UNION_PARTS as u32)?;
            let mut members = Vec::with_capacity(array.len() as usize);
            for index in 0..array.len() {
                let item = convert::element(&array, index, || format!("calendars[{index}]"))?;
                match Self::unwrap(&env, &item)? {
                    Some(calendar) => members.push(calendar),
                    // A definition among the members: let the core read the whole union as a
                    // document, so that its errors name `union[i]...`.
                    None => return Self::build_union(&env, &calendars),
                }
            }
            Ok(Calendar {
                inner: CoreCalendar::union(&members)?,
            })
        })
    }

    /// The IANA time zone of the calendar, or `null` for an always-open calendar or a union.
    #[napi(getter)]
    pub fn time_zone(&self) -> Option<String> {
        self.inner.time_zone().map(str::to_owned)
    }

    /// The definition of the calendar in the document format (`time_zone`, `hours`, ...), which
    /// `new Calendar(...)` accepts back. `JSON.stringify(calendar)` uses it.
    #[napi(js_name = "toJSON", ts_return_type = "CalendarDefinition")]
    pub fn to_json(&self, env: Env) -> Result<Js> {
        guard(&env, || {
            Ok(Js(ser::to_js(
                env.raw(),
                &self.inner.to_value(),
                Mode::Native,
            )?))
        })
    }

    /// The deadline `days` business days after `t`, as a `5bd` target means it: the same
    /// wall-clock time as the first open instant at or after `t`, on the `days`-th later date
    /// on which the calendar is open, reported as the earliest instant with that much business
    /// time (a deadline before that day's opening is the close before it; one after its close
    /// is its close). `addBusinessDays(t, 0)` is `t`, as `add(t, 0)`. `days` is a whole
    /// number from 0 to 10000; anything else is an `invalid_value` error.
    #[napi(ts_args_type = "t: Instant, days: number")]
    pub fn add_business_days(
        &self,
        env: Env,
        t: Unknown<'_>,
        days: Unknown<'_>,
    ) -> Result<chrono::DateTime<chrono::Utc>> {
        guard(&env, || {
            let t = convert::instant(&t, "t")?;
            let count = if days.get_type()? == ValueType::Number {
                Some(unsafe { days.cast::<f64>() }?)
            } else {
                None
            };
            let n = match count {
                Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => n as u32,
                _ => {
                    return Err(CoreError::InvalidValue {
                        path: "days".into(),
                        reason: "expected a whole number of business days from 0 to 10000".into(),
                    }
                    .in_argument()
                    .into());
                }
            };
            convert::date(self.inner.add_business_days_micros(t, n)?)
        })
    }

    /// The instant `ms` milliseconds of business time after `t` (before it when `ms` is
    /// negative). For `ms >= 0` it is the earliest instant `u >= t` with `elapsed(t, u) == ms`:
    /// a result that lands exactly at closing time stays there, and `add(t, 0)` is `t`.
    ///
    /// `ms` may have a fraction (microsecond precision); the result is a `Date`, floored to the
    /// millisecond.
    #[napi(ts_args_type = "t: Instant, ms: number")]
    pub fn add(
        &self,
        env: Env,
        t: Unknown<'_>,
        ms: Unknown<'_>,
    ) -> Result<chrono::DateTime<chrono::Utc>> {
        guard(&env, || {
            let t = convert::instant(&t, "t")?;
            let d = convert::duration(&ms, "ms")?;
            convert::date(self.inner.add_micros(t, d)?)
        })
    }

    /// The instant `ms` milliseconds of business time before `t`: `sub(t, ms)` is
    /// `add(t, -ms)`.
    #[napi(ts_args_type = "t: Instant, ms: number")]
    pub fn sub(
        &self,
        env: Env,
        t: Unknown<'_>,
        ms: Unknown<'_>,
    ) -> Result<chrono::DateTime<chrono::Utc>> {
        guard(&env, || {
            let t = convert::instant(&t, "t")?;
            let d = convert::duration(&ms, "ms")?;
            convert::date(self.inner.sub_micros(t, d)?)
        })
    }

    /// The business time in `[a, b)`, in milliseconds: negative when `b` is before `a`.
    ///
    /// The result is a float with microsecond precision (exact for spans up to about 285
    /// years), such as `32400000` for 9 hours.
    #[napi(ts_args_type = "a: Instant, b: Instant")]
    pub fn elapsed(&self, env: Env, a: Unknown<'_>, b: Unknown<'_>) -> Result<f64> {
        guard(&env, || {
            let a = convert::instant(&a, "a")?;
            let b = convert::instant(&b, "b")?;
            Ok(convert::milliseconds(self.inner.elapsed_micros(a, b)?))
        })
    }

    /// Whether the calendar is open at `t`. Intervals are half-open: open at 09:00, closed at
    /// 17:00.
    #[napi(ts_args_type = "t: Instant")]
    pub fn is_open(&self, env: Env, t: Unknown<'_>) -> Result<bool> {
        guard(&env, || {
            let t = convert::instant(&t, "t")?;
            Ok(self.inner.is_open_micros(t)?)
        })
    }

    /// The first instant at or after `t` when the calendar is open (`t` itself when it is open).
    /// Throws `no_opening` when the calendar never opens again within the supported range.
    #[napi(ts_args_type = "t: Instant")]
    pub fn next_open(&self, env: Env, t: Unknown<'_>) -> Result<chrono::DateTime<chrono::Utc>> {
        guard(&env, || {
            let t = convert::instant(&t, "t")?;
            convert::date(self.inner.next_open_micros(t)?)
        })
    }

    /// The first instant at or after `t` when the calendar is closed (the end of the current or
    /// next opening interval). Throws `no_opening` when it never closes within the supported
    /// range (an always-open calendar).
    #[napi(ts_args_type = "t: Instant")]
    pub fn next_close(&self, env: Env, t: Unknown<'_>) -> Result<chrono::DateTime<chrono::Utc>> {
        guard(&env, || {
            let t = convert::instant(&t, "t")?;
            convert::date(self.inner.next_close_micros(t)?)
        })
    }

    /// The opening intervals that meet `[a, b)`, clipped to it, as `[start, end)` pairs of
    /// `Date`s in order.
    #[napi(ts_args_type = "a: Instant, b: Instant")]
    pub fn open_intervals(
        &self,
        env: Env,
        a: Unknown<'_>,
        b: Unknown<'_>,
    ) -> Result<Vec<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>> {
        guard(&env, || {
            let a = convert::instant(&a, "a")?;
            let b = convert::instant(&b, "b")?;
            self.inner
                .open_intervals_micros(a, b)?
                .into_iter()
                .map(|(start, end)| Ok((convert::date(start)?, convert::date(end)?)))
                .collect()
        })
    }
}

#[napi]
impl Calendar {
    /// `starts.map((t, i) => cal.add(t, durations[i]))` in one call, in parallel for large
    /// batches; each value equals the one-at-a-time `add`.
    ///
    /// - A `Float64Array` of epoch milliseconds (fractions keep microseconds) gives a
    ///   `Float64Array` of epoch milliseconds; `NaN` marks a missing value, in and out.
    /// - A `BigInt64Array` of epoch **microseconds** (exact) gives a `BigInt64Array` of epoch
    ///   microseconds; its minimum, `-(2n ** 63n)`, marks a missing value.
    /// - An array of instants (`Date`, ISO string with an offset, epoch ms) gives an array of
    ///   `Date`s.
    ///
    /// `durations` is a `Float64Array` or array of milliseconds, a `BigInt64Array` of
    /// microseconds, or one number of milliseconds for every start. The first failing item
    /// throws its error, named by index (`starts[3]: ...`).
    #[napi(
        ts_generic_types = "S extends BatchInstants",
        ts_args_type = "starts: S, durations: BatchDurations",
        ts_return_type = "BatchResult<S, Date>"
    )]
    pub fn add_many<'env>(
        &self,
        env: &'env Env,
        starts: Unknown<'env>,
        durations: Unknown<'env>,
    ) -> Result<Unknown<'env>> {
        guard(env, || {
            let starts = batch::column(&starts, "starts", batch::Quantity::Instant)?;
            let durations = match batch::broadcast(&durations, starts.len())? {
                Some(all) => all,
                None => batch::column(&durations, "durations", batch::Quantity::Duration)?,
            };
            batch::same_length(starts.len(), durations.len(), "durations")?;
            let mut out = vec![0; starts.len()];
            self.inner
                .add_many_micros(starts.values(), durations.values(), &mut out)
                .map_err(batch::item_error)?;
            batch::results(env, starts.source, batch::Quantity::Instant, out)
        })
    }

    /// `starts.map((a, i) => cal.elapsed(a, ends[i]))` in one call, in parallel for large
    /// batches: a `Float64Array` of milliseconds for `Float64Array` starts, a `BigInt64Array`
    /// of microseconds for `BigInt64Array` starts, an array of milliseconds for an array (see
    /// `addMany` for the inputs and the missing values).
    #[napi(
        ts_generic_types = "S extends BatchInstants",
        ts_args_type = "starts: S, ends: BatchInstants",
        ts_return_type = "BatchResult<S, number>"
    )]
    pub fn elapsed_many<'env>(
        &self,
        env: &'env Env,
        starts: Unknown<'env>,
        ends: Unknown<'env>,
    ) -> Result<Unknown<'env>> {
        guard(env, || {
            let starts = batch::column(&starts, "starts", batch::Quantity::Instant)?;
            let ends = batch::column(&ends, "ends", batch::Quantity::Instant)?;
            batch::same_length(starts.len(), ends.len(), "ends")?;
            let mut out = vec![0; starts.len()];
            self.inner
                .elapsed_many_micros(starts.values(), ends.values(), &mut out)
                .map_err(batch::item_error)?;
            batch::results(env, starts.source, batch::Quantity::Duration, out)
        })
    }
}

impl Calendar {
    /// Reads a definition object and asks the core to validate and compile it.
    fn build(env: &Env, definition: &Unknown<'_>) -> std::result::Result<Self, NodeError> {
        if definition.get_type()? != ValueType::Object
            || definition.is_array()?
            || definition.is_date()?
        {
            return Err(CoreError::InvalidType {
                path: "calendar".into(),
                expected: "a calendar definition object such as \
                           {time_zone: \"America/New_York\", hours: {mon: [\"09:00-17:00\"]}}"
                    .into(),
                found: convert::describe(definition),
            }
            .into());
        }
        let embed = |value: &Unknown<'_>| -> std::result::Result<Option<Value>, NodeError> {
            Ok(Self::unwrap(env, value)?.map(|calendar| calendar.to_value()))
        };
        let value = convert::json(definition, convert::Shape::Calendar, &embed)?;
        Ok(Calendar {
            inner: CoreCalendar::from_value(&value)?,
        })
    }

    /// Builds `{union: calendars}` from a list that holds definitions as well as `Calendar`s.
    fn build_union(env: &Env, calendars: &Unknown<'_>) -> std::result::Result<Self, NodeError> {
        let embed = |value: &Unknown<'_>| -> std::result::Result<Option<Value>, NodeError> {
            Ok(Self::unwrap(env, value)?.map(|calendar| calendar.to_value()))
        };
        let members = convert::json(calendars, convert::Shape::Calendar, &embed)?;
        let value = Value::Object([("union".to_string(), members)].into_iter().collect());
        Ok(Calendar {
            inner: CoreCalendar::from_value(&value)?,
        })
    }

    /// The definition of a `Calendar` object, or `None` for any other value: lets a rules
    /// document name a `Calendar` where a calendar definition goes.
    pub(crate) fn embedded(
        env: &Env,
        value: &Unknown<'_>,
    ) -> std::result::Result<Option<Value>, NodeError> {
        Ok(Self::unwrap(env, value)?.map(|calendar| calendar.to_value()))
    }

    /// The core calendar inside a `Calendar` object, or `None` for any other value.
    fn unwrap(
        env: &Env,
        value: &Unknown<'_>,
    ) -> std::result::Result<Option<CoreCalendar>, NodeError> {
        if value.get_type()? != ValueType::Object || !Calendar::instance_of(env, value)? {
            return Ok(None);
        }
        // SAFETY: `env` and `value` come from the current callback. `from_napi_value` checks that
        // the object wraps a `Calendar` (`napi_unwrap` and the class identity) before casting.
        let instance =
            unsafe { ClassInstance::<Calendar>::from_napi_value(env.raw(), value.raw()) }.map_err(
                |_| CoreError::InvalidType {
                    path: "calendar".into(),
                    expected: "a Calendar made by `new Calendar(...)` or a calendar definition"
                        .into(),
                    found: "an object that only inherits from Calendar.prototype".into(),
                },
            )?;
        Ok(Some(instance.inner.clone()))
    }
}
