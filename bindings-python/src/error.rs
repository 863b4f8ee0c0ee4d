//! The exception hierarchy and the one mapping from the binding's errors to it.
//!
//! ```text
//! EntitlementError(Exception)                       .code: the core's stable code string
//! ├── ConfigError(EntitlementError, ValueError)     a calendar or rules document is invalid
//! ├── CalendarError(EntitlementError)               the calendar never opens again within range
//! └── InputError(EntitlementError, ValueError, TypeError)
//!                                                   a bad argument: naive datetime, wrong type, ...
//! ```
//!
//! Every error the binding raises is a [`Failure`]: a core [`Error`] (the binding builds its own
//! argument errors as core errors marked [`Error::in_argument`]), the same about one item of a
//! batch, or a Python exception raised by user code while a value was read. Its class comes
//! from [`Error::kind`] alone, its `code` from [`Error::code`] and its `path` from
//! [`Error::path`]: the binding decides nothing about an error.
//!
//! `ConfigError` and `InputError` have several bases, which `create_exception!` cannot express,
//! so their type objects are made once with `PyErr_NewExceptionWithDoc` and a tuple of bases.

use std::ffi::CStr;
use std::panic::{AssertUnwindSafe, catch_unwind};

use entitlement_core::error::PathSegment;
use entitlement_core::{Error, ErrorKind};
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};
use pyo3::{PyTypeInfo, ffi, intern};

pyo3::create_exception!(
    entitlement,
    EntitlementError,
    PyException,
    "Base class of every error raised by entitlement.\n\n\
     Its ``code`` attribute is a stable, machine-readable string (such as ``\"unknown_time_zone\"``\n\
     or ``\"naive_datetime\"``), the same in the Rust core and in every binding; its ``path``\n\
     attribute is where the error happened, as a list of keys (``str``) and indices (``int``),\n\
     such as ``[\"hours\", \"mon\", 0]`` (empty when the error has no place)."
);

pyo3::create_exception!(
    entitlement,
    CalendarError,
    EntitlementError,
    "A calendar cannot answer within the supported range (years 1 to 9999).\n\n\
     Raised, for example, by ``next_open`` on a calendar that never opens again after the given\n\
     instant (code ``\"no_opening\"``)."
);

const CONFIG_DOC: &CStr = c"A calendar or rules definition is invalid.\n\n\
Also a ``ValueError``. The message names the path of the bad value inside the definition\n\
(such as ``hours.mon[0]``) and says what would be valid; ``path`` holds the same place.";

const INPUT_DOC: &CStr =
    c"An argument of an operation is invalid: a naive datetime, a value of the wrong type, or\n\
an instant or duration outside the supported range.\n\n\
Also a ``ValueError`` and a ``TypeError``.";

static CONFIG_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INPUT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// What every fallible function of the binding returns.
pub(crate) type Result<T, E = Failure> = std::result::Result<T, E>;

/// Everything that can go wrong in the binding.
pub(crate) enum Failure {
    /// An error of the core, or an argument error the binding built as a core error.
    Core(Error),
    /// The core's error about one item of a batch argument (`starts[3]`): its message and its
    /// path start with the item.
    Item {
        arg: &'static str,
        index: usize,
        error: Error,
    },
    /// A Python exception raised while a value was read (a tzinfo's `utcoffset`, a mapping's
    /// `items`), passed through unchanged.
    Python(PyErr),
    /// A report's error (an unknown account, a period whose start is after its end, a goal out
    /// of range): an `InputError` with the report's code.
    Report(entitlement_report::ReportError),
}

impl From<entitlement_report::ReportError> for Failure {
    fn from(err: entitlement_report::ReportError) -> Self {
        Failure::Report(err)
    }
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        Failure::Core(err)
    }
}

impl From<PyErr> for Failure {
    fn from(err: PyErr) -> Self {
        Failure::Python(err)
    }
}

impl<'a, 'py> From<pyo3::CastError<'a, 'py>> for Failure {
    fn from(err: pyo3::CastError<'a, 'py>) -> Self {
        Failure::Python(err.into())
    }
}

impl<'py> From<pyo3::CastIntoError<'py>> for Failure {
    fn from(err: pyo3::CastIntoError<'py>) -> Self {
        Failure::Python(err.into())
    }
}

impl From<Failure> for PyErr {
    /// The one mapping: the class by the error's kind, `code`, message and `path` as they are.
    fn from(failure: Failure) -> PyErr {
        let (error, prefix) = match failure {
            Failure::Python(err) => return err,
            Failure::Report(err) => return report_error(&err),
            Failure::Core(error) => (error, None),
            Failure::Item { arg, index, error } => (error, Some((arg, index))),
        };
        Python::attach(|py| {
            let build = || -> PyResult<PyErr> {
                let ty = match error.kind() {
                    ErrorKind::Config => config_error_type(py)?.clone(),
                    ErrorKind::Calendar => CalendarError::type_object(py),
                    ErrorKind::Input => input_error_type(py)?.clone(),
                    ErrorKind::Internal => EntitlementError::type_object(py),
                };
                let path = PyList::empty(py);
                let message = match prefix {
                    Some((arg, index)) => {
                        path.append(arg)?;
                        path.append(index)?;
                        format!("{arg}[{index}]: {error}")
                    }
                    None => error.to_string(),
                };
                for segment in error.path() {
                    match segment {
                        PathSegment::Key(key) => path.append(key)?,
                        PathSegment::Index(i) => path.append(i)?,
                    }
                }
                let exc = ty.call1((message,))?;
                exc.setattr(intern!(py, "code"), error.code())?;
                exc.setattr(intern!(py, "path"), path)?;
                Ok(PyErr::from_value(exc))
            };
            build().unwrap_or_else(|err| err)
        })
    }
}

/// A report's error as an `InputError` whose `code` is the report's and `path` empty.
fn report_error(err: &entitlement_report::ReportError) -> PyErr {
    Python::attach(|py| {
        let build = || -> PyResult<PyErr> {
            let exc = input_error_type(py)?.call1((err.to_string(),))?;
            exc.setattr(intern!(py, "code"), err.code())?;
            exc.setattr(intern!(py, "path"), PyList::empty(py))?;
            Ok(PyErr::from_value(exc))
        };
        build().unwrap_or_else(|e| e)
    })
}

/// Runs a call into the core, turning a panic (which the core promises never to raise) into
/// an `internal_error` rather than pyo3's `PanicException`. Costs nothing when nothing panics.
#[inline]
pub(crate) fn guard<T, E: Into<Failure>>(f: impl FnOnce() -> Result<T, E>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result.map_err(Into::into),
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(Error::Internal { reason }.into())
        }
    }
}

/// [`guard`] with the GIL released while `f` runs, so that other Python threads run meanwhile
/// (an evaluation replays a whole case log).
pub(crate) fn detached<T: Send, E: Into<Failure> + Send>(
    py: Python<'_>,
    f: impl FnOnce() -> Result<T, E> + Send,
) -> Result<T> {
    py.detach(|| guard(f))
}

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
fn config_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
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
fn input_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
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

/// Adds the exception classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let base = EntitlementError::type_object(py);
    // Every instance raised here has its own `code` and `path`; the class attributes document
    // them and keep them defined on instances made by user code.
    base.setattr("code", "entitlement_error")?;
    base.setattr("path", PyList::empty(py))?;
    m.add("EntitlementError", base)?;
    m.add("ConfigError", config_error_type(py)?)?;
    m.add("CalendarError", CalendarError::type_object(py))?;
    m.add("InputError", input_error_type(py)?)?;
    Ok(())
}
