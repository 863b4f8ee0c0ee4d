//! The exception hierarchy and the one mapping from the core's [`Error`] to it.
//!
//! ```text
//! EntitlementError(Exception)                       .code: the core's stable code string
//! ├── ConfigError(EntitlementError, ValueError)     a calendar or rules document is invalid
//! ├── CalendarError(EntitlementError)               the calendar never opens again within range
//! └── InputError(EntitlementError, ValueError, TypeError)
//!                                                   a bad argument: naive datetime, wrong type, ...
//! ```
//!
//! `ConfigError` and `InputError` have several bases, which `create_exception!` cannot express,
//! so their type objects are made once with `PyErr_NewExceptionWithDoc` and a tuple of bases.

use std::any::Any;
use std::ffi::CStr;
use std::panic::{AssertUnwindSafe, catch_unwind};

use entitlement_core::{Error, ErrorKind};
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use pyo3::{PyTypeInfo, ffi, intern};

pyo3::create_exception!(
    entitlement,
    EntitlementError,
    PyException,
    "Base class of every error raised by entitlement.\n\n\
     Its ``code`` attribute is a stable, machine-readable string (such as ``\"unknown_time_zone\"``\n\
     or ``\"naive_datetime\"``), the same in the Rust core and in every binding."
);

pyo3::create_exception!(
    entitlement,
    CalendarError,
    EntitlementError,
    "A calendar cannot answer within the supported range (years 1 to 9999).\n\n\
     Raised, for example, by ``next_open`` on a calendar that never opens again after the given\n\
     instant (code ``\"no_opening\"``)."
);

/// The family of an error, one exception class each.
#[derive(Clone, Copy)]
pub(crate) enum Family {
    Config,
    Calendar,
    Input,
}

const CONFIG_DOC: &CStr = c"A calendar or rules definition is invalid.\n\n\
Also a ``ValueError``. The message names the path of the bad value inside the definition\n\
(such as ``hours.mon[0]``) and says what would be valid.";

const INPUT_DOC: &CStr =
    c"An argument of an operation is invalid: a naive datetime, a value of the wrong type, or\n\
an instant or duration outside the supported range.\n\n\
Also a ``ValueError`` and a ``TypeError``.";

static CONFIG_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INPUT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Makes an exception class `name` (a dotted `module.Name`) with several bases.
fn new_exception_type(
    py: Python<'_>,
    name: &CStr,
    doc: &CStr,
    bases: Bound<'_, PyTuple>,
) -> PyResult<Py<PyType>> {
    let dict = PyDict::new(py);
    // SAFETY: the pointers are valid for the call; the result is a new reference or NULL with an
    // exception set, which `from_owned_ptr_or_err` turns into a `PyErr`.
    let ty = unsafe {
        Bound::from_owned_ptr_or_err(
            py,
            ffi::PyErr_NewExceptionWithDoc(
                name.as_ptr(),
                doc.as_ptr(),
                bases.as_ptr(),
                dict.as_ptr(),
            ),
        )?
    };
    Ok(ty.cast_into::<PyType>()?.unbind())
}

/// `entitlement.ConfigError(EntitlementError, ValueError)`.
pub(crate) fn config_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    CONFIG_ERROR
        .get_or_try_init(py, || {
            let bases = PyTuple::new(
                py,
                [
                    EntitlementError::type_object(py),
                    PyValueError::type_object(py),
                ],
            )?;
            new_exception_type(py, c"entitlement.ConfigError", CONFIG_DOC, bases)
        })
        .map(|ty| ty.bind(py))
}

/// `entitlement.InputError(EntitlementError, ValueError, TypeError)`.
pub(crate) fn input_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    INPUT_ERROR
        .get_or_try_init(py, || {
            let bases = PyTuple::new(
                py,
                [
                    EntitlementError::type_object(py),
                    PyValueError::type_object(py),
                    PyTypeError::type_object(py),
                ],
            )?;
            new_exception_type(py, c"entitlement.InputError", INPUT_DOC, bases)
        })
        .map(|ty| ty.bind(py))
}

/// An exception of `family` with its `code` attribute set.
pub(crate) fn raise(py: Python<'_>, family: Family, code: &str, message: String) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let ty = match family {
            Family::Config => config_error_type(py)?.clone(),
            Family::Calendar => CalendarError::type_object(py),
            Family::Input => input_error_type(py)?.clone(),
        };
        let exc = ty.call1((message,))?;
        exc.setattr(intern!(py, "code"), code)?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|err| err)
}

/// The one mapping from the core's errors to exception classes, by the error's family.
fn family(err: &Error) -> Family {
    match err.kind() {
        ErrorKind::Config => Family::Config,
        ErrorKind::Calendar => Family::Calendar,
        ErrorKind::Input | ErrorKind::Internal => Family::Input,
    }
}

/// The Python exception for a core error: its class by family, its `code` and its message.
pub(crate) fn to_py_err(py: Python<'_>, err: Error) -> PyErr {
    raise(py, family(&err), err.code(), err.to_string())
}

/// Like [`to_py_err`], with the message prefixed by where the error happened (`starts[3]`).
pub(crate) fn to_py_err_at(py: Python<'_>, err: Error, at: &str) -> PyErr {
    raise(py, family(&err), err.code(), format!("{at}: {err}"))
}

/// Runs a call into the core, mapping its error, and turning a panic (which the core promises
/// never to raise) into an `EntitlementError` rather than pyo3's `PanicException`.
#[inline]
pub(crate) fn guard<T>(
    py: Python<'_>,
    f: impl FnOnce() -> entitlement_core::Result<T>,
) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(to_py_err(py, err)),
        Err(payload) => Err(panic_error(py, payload)),
    }
}

/// Like [`guard`], with the GIL released while `f` runs, so that other Python threads run
/// meanwhile (an evaluation replays a whole case log).
pub(crate) fn guard_detached<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> entitlement_core::Result<T> + Send,
) -> PyResult<T> {
    detached(py, f, family)
}

/// Like [`guard_detached`], for reading a rules document: every error it raises is a
/// `ConfigError`, whatever the core's kind. The document is the only input there, and Python
/// code catches a bad document as `ConfigError` (the core gives a few document errors, such
/// as a duration too long for the supported range, the `Input` kind).
pub(crate) fn guard_document<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> entitlement_core::Result<T> + Send,
) -> PyResult<T> {
    detached(py, f, |_| Family::Config)
}

fn detached<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> entitlement_core::Result<T> + Send,
    family: fn(&Error) -> Family,
) -> PyResult<T> {
    detached_with(py, f, |py, err| {
        raise(py, family(&err), err.code(), err.to_string())
    })
}

/// Runs `f` with the GIL released, mapping its error with `to_err` and a panic to
/// `internal_error`: for calls whose failures are not a plain core error (a batch's failing
/// index, an Arrow layout problem).
pub(crate) fn detached_with<T: Send, E: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> Result<T, E> + Send,
    to_err: impl FnOnce(Python<'_>, E) -> PyErr,
) -> PyResult<T> {
    match py.detach(|| catch_unwind(AssertUnwindSafe(f))) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(to_err(py, err)),
        Err(payload) => Err(panic_error(py, payload)),
    }
}

/// An `EntitlementError` (code `internal_error`) for a caught panic.
pub(crate) fn panic_error(py: Python<'_>, payload: Box<dyn Any + Send>) -> PyErr {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    let build = || -> PyResult<PyErr> {
        let exc = EntitlementError::type_object(py).call1((format!(
            "internal error in entitlement (please report it): {what}"
        ),))?;
        exc.setattr(intern!(py, "code"), "internal_error")?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|err| err)
}

/// Adds the exception classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let base = EntitlementError::type_object(py);
    // Every instance raised here has its own `code`; the class attribute documents the
    // attribute and keeps `code` defined on instances made by user code.
    base.setattr("code", "entitlement_error")?;
    m.add("EntitlementError", base)?;
    m.add("ConfigError", config_error_type(py)?)?;
    m.add("CalendarError", CalendarError::type_object(py))?;
    m.add("InputError", input_error_type(py)?)?;
    Ok(())
}
