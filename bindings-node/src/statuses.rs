//! The lists of open milestones of a `MonitorReport` (`statuses`, `atRisk`, `breached`), read
//! lazily: a job that reads the deadline of every open milestone of 100,000 cases must not pay
//! for 300,000 wrapped objects made one call into the addon at a time.
//!
//! A list is an array of small JavaScript objects (a list and an index each, made by the script
//! [`SCRIPT`] in one loop) that inherit from `MilestoneStatus.prototype`. Reading a field of one
//! asks the addon for that field of that status ([`field`]), written by the host serializer as
//! the addon's own getters write it; the instants and durations of a list are written a whole
//! column at a time ([`column`]: a `Float64Array`, `NaN` for null), so that reading every
//! status's `targetAt` costs one `Date` each. The report keeps the core's statuses; nothing is
//! copied out of it.
//!
//! The script replaces the getters and `toJSON` of `MilestoneStatus.prototype` by functions
//! that read such an object from its list and give any other receiver to the addon's getter,
//! and the three lists' getters of `MonitorReport.prototype` by functions that make the list
//! on its first read and keep it on the report, as before.

use std::ffi::c_void;

use entitlement_core::rules::{MilestoneStatus as CoreStatus, MonitorReport as CoreReport};
use napi::bindgen_prelude::Object;
use napi::{JsValue, sys};

use crate::error::{NodeError, guard_raw};
use crate::results::{self, Inner, MilestoneStatus, MonitorReport, Wrapped};
use crate::ser::{self, Mode, camel};

/// The script that makes the lists; it evaluates to a function `install(MilestoneStatus,
/// MonitorReport, native, getters)`.
const SCRIPT: &str = include_str!("statuses.js");

/// How a column's microseconds become a JavaScript number: as the host serializer writes them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Epoch milliseconds, floored (a `Date`'s time value).
    Instant,
    /// Milliseconds, a float that keeps the microseconds.
    Duration,
}

/// The fields written a column at a time, by the core's names.
const COLUMNS: [(&str, Kind); 9] = [
    ("started_at", Kind::Instant),
    ("target_at", Kind::Instant),
    ("completed_at", Kind::Instant),
    ("next_trigger_at", Kind::Instant),
    ("breached_at", Kind::Instant),
    ("target", Kind::Duration),
    ("elapsed", Kind::Duration),
    ("paused", Kind::Duration),
    ("remaining", Kind::Duration),
];

/// Column `c` of one status in microseconds (`None`: null), or `Err` for a duration the
/// serializer refuses (beyond ±292,000 years): then the column is not written and each read
/// goes through [`field`], which throws as the getter did.
fn micros(s: &CoreStatus, c: usize) -> Result<Option<i64>, ()> {
    let instant = |t: Option<chrono::DateTime<chrono::Utc>>| Ok(t.map(|t| t.timestamp_micros()));
    let duration = |d: Option<chrono::TimeDelta>| match d {
        None => Ok(None),
        Some(d) => d.num_microseconds().map(Some).ok_or(()),
    };
    match COLUMNS[c].0 {
        "started_at" => instant(s.started_at),
        "target_at" => instant(s.target_at),
        "completed_at" => instant(s.completed_at),
        "next_trigger_at" => instant(s.next_trigger_at),
        "breached_at" => instant(s.breached_at),
        "target" => duration(s.target),
        "elapsed" => duration(Some(s.elapsed)),
        "paused" => duration(Some(s.paused)),
        "remaining" => duration(s.remaining),
        _ => Err(()),
    }
}

/// The number the serializer writes for these microseconds (`ser`: `instant`, `duration`).
fn number(kind: Kind, us: i64) -> f64 {
    match kind {
        Kind::Instant => us.div_euclid(1000) as f64,
        Kind::Duration => us as f64 / 1000.0,
    }
}

/// The status at `index` of list `list` (0 `statuses`, 1 `at_risk`, 2 `breached`).
fn place(report: &CoreReport, list: u32, index: u32) -> Option<&CoreStatus> {
    let refs = match list {
        0 => &report.open,
        1 => &report.at_risk,
        2 => &report.breached,
        _ => return None,
    };
    refs.get(index as usize).map(|&r| report.status(r))
}

fn list_len(report: &CoreReport, list: u32) -> Option<usize> {
    Some(match list {
        0 => report.open.len(),
        1 => report.at_risk.len(),
        2 => report.breached.len(),
        _ => return None,
    })
}

/// The first `N` arguments of a callback (`undefined` for those not given).
///
/// # Safety
/// `env` and `info` must be the callback's.
unsafe fn arguments<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> [sys::napi_value; N] {
    let mut argv = [std::ptr::null_mut(); N];
    let mut argc = N;
    // SAFETY: as for the caller; `argv` has room for `argc` values.
    unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
    }
    argv
}

/// A small non-negative integer argument (a list, an index, a field).
fn index(env: sys::napi_env, value: sys::napi_value) -> napi::Result<u32> {
    let mut out = 0;
    // SAFETY: `env` is the callback's and `value` one of its arguments.
    let status = unsafe { sys::napi_get_value_uint32(env, value, &mut out) };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::from_reason("expected an index"));
    }
    Ok(out)
}

/// The status that the arguments `report, list, index` name.
///
/// # Safety
/// `env` and the values must be the callback's; the reference must not outlive it.
unsafe fn status_at(
    env: sys::napi_env,
    report: sys::napi_value,
    list: sys::napi_value,
    at: sys::napi_value,
) -> Result<&'static CoreStatus, NodeError> {
    // SAFETY: as for the caller.
    let report = unsafe { results::unwrap::<MonitorReport>(env, report) }?;
    place(&report.inner, index(env, list)?, index(env, at)?)
        .ok_or_else(|| napi::Error::from_reason("no such status").into())
}

/// `native.rows(report, list)`: the length of the list, or -1 when `report` is not a
/// `MonitorReport` (the script then calls the addon's getter, which throws as before).
unsafe extern "C" fn rows(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    let [report, list] = unsafe { arguments::<2>(env, info) };
    let result = guard_raw(env, || {
        // SAFETY: `env` and `report` are this callback's.
        let n = match unsafe { results::unwrap::<MonitorReport>(env, report) } {
            Ok(r) => list_len(&r.inner, index(env, list)?).map_or(-1.0, |n| n as f64),
            Err(_) => -1.0,
        };
        ser::to_js(env, &n, Mode::Native)
    });
    unsafe { results::answer(env, result) }
}

/// `native.field(report, list, index, field)`: one field of one status, as its getter writes it.
unsafe extern "C" fn field(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    let [report, list, at, which] = unsafe { arguments::<4>(env, info) };
    let result = guard_raw(env, || {
        // SAFETY: the values are this callback's.
        let status = unsafe { status_at(env, report, list, at) }?;
        let name = results::fields(MilestoneStatus::NAME)
            .get(index(env, which)? as usize)
            .ok_or_else(|| napi::Error::from_reason("no such field"))?;
        ser::field(env, status, name, Mode::Native)
    });
    unsafe { results::answer(env, result) }
}

/// `native.json(report, list, index)`: one status as its `toJSON()` writes it.
unsafe extern "C" fn json(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    let [report, list, at] = unsafe { arguments::<3>(env, info) };
    let result = guard_raw(env, || {
        // SAFETY: the values are this callback's.
        let status = unsafe { status_at(env, report, list, at) }?;
        ser::to_js(env, status, Mode::Wire)
    });
    unsafe { results::answer(env, result) }
}

/// `native.column(report, list, c)`: column `c` of every status of the list as a
/// `Float64Array` (`NaN` for null), or `null` when a value cannot be written.
unsafe extern "C" fn column(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    let [report, list, which] = unsafe { arguments::<3>(env, info) };
    let result = guard_raw(env, || {
        // SAFETY: `env` and `report` are this callback's.
        let report = unsafe { results::unwrap::<MonitorReport>(env, report) }?;
        let (list, c) = (index(env, list)?, index(env, which)? as usize);
        let kind = COLUMNS
            .get(c)
            .ok_or_else(|| napi::Error::from_reason("no such column"))?
            .1;
        let n = list_len(&report.inner, list)
            .ok_or_else(|| napi::Error::from_reason("no such list"))?;
        let mut values = Vec::with_capacity(n);
        for i in 0..n {
            let status = place(&report.inner, list, i as u32).expect("an index of the list");
            match micros(status, c) {
                Ok(Some(us)) => values.push(number(kind, us)),
                Ok(None) => values.push(f64::NAN),
                Err(()) => return ser::to_js(env, &(), Mode::Native),
            }
        }
        Ok(float64_array(env, &values)?)
    });
    unsafe { results::answer(env, result) }
}

/// A `Float64Array` holding a copy of `values`.
fn float64_array(env: sys::napi_env, values: &[f64]) -> napi::Result<sys::napi_value> {
    let bytes = std::mem::size_of_val(values);
    let mut data: *mut c_void = std::ptr::null_mut();
    let mut buffer = std::ptr::null_mut();
    let mut array = std::ptr::null_mut();
    // SAFETY: `env` is the callback's; Node-API allocates `bytes` bytes at `data`, which are
    // written once, before any JavaScript runs, from a slice of as many bytes.
    unsafe {
        if sys::napi_create_arraybuffer(env, bytes, &mut data, &mut buffer) != sys::Status::napi_ok
        {
            return Err(napi::Error::from_reason("cannot make an ArrayBuffer"));
        }
        if bytes > 0 {
            std::ptr::copy_nonoverlapping(values.as_ptr().cast::<u8>(), data.cast::<u8>(), bytes);
        }
        if sys::napi_create_typedarray(
            env,
            sys::TypedarrayType::float64_array,
            values.len(),
            buffer,
            0,
            &mut array,
        ) != sys::Status::napi_ok
        {
            return Err(napi::Error::from_reason("cannot make a Float64Array"));
        }
    }
    Ok(array)
}

type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;

/// Runs [`SCRIPT`] and calls its function with the classes, the addon's helpers and the
/// getters to replace, when the module loads.
pub fn install(env: sys::napi_env, exports: &Object<'_>) -> napi::Result<()> {
    let fail = |what: &str| napi::Error::from_reason(format!("cannot install {what}"));
    let status_class = results::named(env, exports.raw(), MilestoneStatus::NAME)?;
    let report_class = results::named(env, exports.raw(), MonitorReport::NAME)?;

    let mut native = std::ptr::null_mut();
    // SAFETY: `env` is the module's; every value made here is one of its values.
    unsafe {
        if sys::napi_create_object(env, &mut native) != sys::Status::napi_ok {
            return Err(fail("the helpers"));
        }
        let helpers: [(&std::ffi::CStr, Callback); 4] = [
            (c"rows", rows),
            (c"field", field),
            (c"json", json),
            (c"column", column),
        ];
        for (name, callback) in helpers {
            let mut function = std::ptr::null_mut();
            if sys::napi_create_function(
                env,
                name.as_ptr(),
                name.count_bytes() as isize,
                Some(callback),
                std::ptr::null_mut(),
                &mut function,
            ) != sys::Status::napi_ok
                || sys::napi_set_named_property(env, native, name.as_ptr(), function)
                    != sys::Status::napi_ok
            {
                return Err(fail("a helper"));
            }
        }
    }

    // [name, field index, column or -1, kind]: every getter of MilestoneStatus.prototype.
    let mut getters: Vec<(&'static str, u32, i32, Option<&'static str>)> = Vec::new();
    for (f, &entry) in results::fields(MilestoneStatus::NAME).iter().enumerate() {
        let (c, kind) = match COLUMNS.iter().position(|(name, _)| *name == entry) {
            Some(c) => (
                c as i32,
                Some(match COLUMNS[c].1 {
                    Kind::Instant => "instant",
                    Kind::Duration => "duration",
                }),
            ),
            None => (-1, None),
        };
        getters.push((camel(entry), f as u32, c, kind));
        if MilestoneStatus::ALIASES.contains(&entry) && camel(entry) != entry {
            getters.push((entry, f as u32, c, kind));
        }
    }
    let getters = to_js(env, &getters)?;
    let source = to_js(env, SCRIPT)?;

    let mut function = std::ptr::null_mut();
    let mut undefined = std::ptr::null_mut();
    let mut out = std::ptr::null_mut();
    let args = [status_class, report_class, native, getters];
    // SAFETY: as above; `args` holds four values of the module's environment.
    unsafe {
        if sys::napi_run_script(env, source, &mut function) != sys::Status::napi_ok
            || sys::napi_get_undefined(env, &mut undefined) != sys::Status::napi_ok
            || sys::napi_call_function(
                env,
                undefined,
                function,
                args.len(),
                args.as_ptr(),
                &mut out,
            ) != sys::Status::napi_ok
        {
            return Err(fail("the lists of statuses"));
        }
    }
    Ok(())
}

/// `value` written by the host serializer, for the script.
fn to_js<T: serde::Serialize + ?Sized>(
    env: sys::napi_env,
    value: &T,
) -> napi::Result<sys::napi_value> {
    ser::to_js(env, value, Mode::Native)
        .map_err(|_| napi::Error::from_reason("cannot install the lists of statuses"))
}
