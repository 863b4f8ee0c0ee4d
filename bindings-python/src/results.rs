//! The result classes' shared machinery: each wraps a core result type, and every field is read
//! through the host serializer (`ser`). Nothing here names a field of a result: the properties
//! are installed at module init from the core's description of every result
//! (`entitlement_core::host::result_schema`), one per field, with the field's doc line as its
//! docstring. A class may answer a few fields with typed objects instead of plain data (a
//! `CaseEvaluation`'s `milestones` as `MilestoneStatus` objects): its `typed` table.

use entitlement_core::host::result_schema;
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyList, PyString, PyTuple, PyType};
use pyo3::{PyClass, intern};
use serde::Serialize;
use serde_json::Value;

use crate::error::Result;
use crate::ser::{self, Show};

/// A result class: a frozen Python object around a core result value.
pub(crate) trait HostResult: PyClass + Sized {
    /// The core's type.
    type Inner: Serialize;
    /// The class's name, as in `host::RESULT_TYPES`.
    const NAME: &'static str;
    /// The fields `repr` shows.
    const REPR: &'static [(&'static str, Show)];
    fn inner(&self) -> &Self::Inner;
    /// The fields read as typed objects rather than plain data; `None` for every other field.
    fn typed<'py>(&self, _py: Python<'py>, _field: &str) -> Option<Result<Bound<'py, PyAny>>> {
        None
    }
}

/// A list of result objects of class `T`, each wrapping a clone of an item.
pub(crate) fn objects<'py, 'a, T, I>(
    py: Python<'py>,
    items: impl IntoIterator<Item = &'a I>,
    wrap: impl Fn(I) -> T,
) -> Result<Bound<'py, PyAny>>
where
    T: PyClass + Into<pyo3::PyClassInitializer<T>>,
    I: Clone + 'a,
{
    let items = items
        .into_iter()
        .map(|item| Bound::new(py, wrap(item.clone())))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(PyList::new(py, items)?.into_any())
}

/// `to_dict()` and `repr` of a result class.
pub(crate) fn to_dict<'py, T: HostResult>(py: Python<'py>, this: &T) -> Result<Bound<'py, PyAny>> {
    ser::to_py(py, this.inner())
}

/// `to_json()` of a result class: the wire format (`docs/wire-format.md`), exactly as the core
/// serialises it, written without the GIL.
pub(crate) fn to_json<'py, T: HostResult>(py: Python<'py>, this: &T) -> Result<Bound<'py, PyString>>
where
    T::Inner: Sync,
{
    let inner = this.inner();
    let text = crate::error::detached(py, || {
        serde_json::to_string(inner).map_err(|err| entitlement_core::Error::Internal {
            reason: err.to_string(),
        })
    })?;
    Ok(PyString::new(py, &text))
}

pub(crate) fn repr<T: HostResult>(py: Python<'_>, this: &T) -> Result<String> {
    ser::repr(py, <T as HostResult>::NAME, this.inner(), T::REPR)
}

/// The first paragraph of a doc line from the schema (up to a blank line or a code fence).
fn summary(description: &str) -> String {
    let mut out = Vec::new();
    for line in description.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with("```") {
            break;
        }
        out.push(line.trim());
    }
    out.join("\n")
}

/// What a field's value is in Python, from its schema, for its docstring (``"A ``str``, or
/// ``None``."``, ``"One of ``"info"``, ``"warning"``."``).
fn kind_of(field: &Value, defs: &Value) -> Option<String> {
    let types: Vec<&str> = match &field["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let or_none = if types.contains(&"null") {
        ", or ``None``"
    } else {
        ""
    };
    let name = match (field["x-entitlement"].as_str(), types.first().copied()) {
        (Some("instant"), _) => "an aware ``datetime`` in ``timezone.utc``",
        (Some("duration"), _) => "a ``timedelta``",
        (Some("date"), _) => "a ``date``",
        (_, Some("string")) => "a ``str``",
        (_, Some("integer")) => "an ``int``",
        (_, Some("number")) => "a ``float``",
        (_, Some("boolean")) => "a ``bool``",
        (_, Some("array")) => "a ``list``",
        (_, Some("object")) => "a ``dict``",
        _ => {
            let reference = field["$ref"].as_str()?.rsplit('/').next()?;
            let values: Vec<String> = defs[reference]["oneOf"]
                .as_array()?
                .iter()
                .filter_map(|v| Some(format!("``{:?}``", v["const"].as_str()?)))
                .collect();
            return Some(format!("One of {}.", values.join(", ")));
        }
    };
    let mut text = format!("{name}{or_none}.");
    text[..1].make_ascii_uppercase();
    Some(text)
}

/// Installs one property per field of `T`'s schema on the class: its getter serialises that
/// field alone (or answers from `T::typed`), its docstring is the field's doc line.
pub(crate) fn install<T: HostResult>(m: &Bound<'_, PyModule>, schema: &Value) -> PyResult<()> {
    let py = m.py();
    m.add_class::<T>()?;
    let class: Bound<'_, PyType> = py.get_type::<T>();
    let property = py
        .import(intern!(py, "builtins"))?
        .getattr(intern!(py, "property"))?;
    let fields = schema["$defs"][<T as HostResult>::NAME]["properties"]
        .as_object()
        .ok_or_else(|| {
            pyo3::exceptions::PyRuntimeError::new_err(format!(
                "no schema for {}",
                <T as HostResult>::NAME
            ))
        })?;
    for (name, field) in fields {
        let key = name.clone();
        let getter = PyCFunction::new_closure(
            py,
            None,
            None,
            move |args: &Bound<'_, PyTuple>,
                  _: Option<&Bound<'_, PyDict>>|
                  -> PyResult<Py<PyAny>> {
                let py = args.py();
                let this = args.get_item(0)?;
                let this = this.cast::<T>()?.borrow();
                let this: &T = &this;
                let value = match this.typed(py, &key) {
                    Some(value) => value?,
                    None => ser::field(py, this.inner(), &key)?
                        .unwrap_or_else(|| py.None().into_bound(py)),
                };
                Ok(value.unbind())
            },
        )?;
        let mut doc = summary(field["description"].as_str().unwrap_or(""));
        if let Some(kind) = kind_of(field, &schema["$defs"]) {
            doc = format!("{doc}\n\n{kind}");
        }
        class.setattr(
            name.as_str(),
            property.call1((getter, py.None(), py.None(), doc))?,
        )?;
    }
    Ok(())
}

/// The core's description of every result, as a dict, for the contract tests.
#[pyfunction]
fn _result_schema(py: Python<'_>) -> Result<Bound<'_, PyAny>> {
    ser::to_py(py, &result_schema())
}

/// Adds every result class to the module, with its properties, and the names of the result
/// types (`_RESULT_TYPES`) and their schema (`_result_schema()`) for the contract tests.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add(
        "_RESULT_TYPES",
        entitlement_core::host::RESULT_TYPES.to_vec(),
    )?;
    m.add_function(wrap_pyfunction!(_result_schema, m)?)?;
    let schema = result_schema();
    install::<crate::status::MilestoneStatus>(m, &schema)?;
    install::<crate::status::CaseEvaluation>(m, &schema)?;
    install::<crate::status::EntitlementUsage>(m, &schema)?;
    install::<crate::monitor::MonitorEvent>(m, &schema)?;
    install::<crate::monitor::MonitorReport>(m, &schema)?;
    install::<crate::alert::Alert>(m, &schema)?;
    install::<crate::case_error::CaseError>(m, &schema)?;
    install::<crate::check::CheckWarning>(m, &schema)?;
    install::<crate::diff::RulesDiff>(m, &schema)?;
    Ok(())
}

/// A result class: the struct around the core's value, `to_dict()`, `repr` and equality, plus
/// the class's own methods.
macro_rules! result_class {
    (
        $(#[$doc:meta])*
        $name:ident($inner:ty), repr: [$($field:literal: $show:ident),* $(,)?];
        $(typed($this:ident, $py:ident) { $($tf:literal => $te:expr),* $(,)? };)?
        $(methods { $($methods:tt)* })?
    ) => {
        $(#[$doc])*
        #[pyclass(module = "entitlement", frozen, eq)]
        #[derive(PartialEq)]
        pub struct $name {
            pub(crate) inner: $inner,
        }

        impl $name {
            pub(crate) fn wrap(inner: $inner) -> Self {
                $name { inner }
            }
        }

        #[pymethods]
        impl $name {
            /// Every field as a dict of plain Python objects (datetimes in ``timezone.utc``,
            /// timedeltas, dates, lists, dicts); nested results as their own ``to_dict()``.
            fn to_dict<'py>(&self, py: Python<'py>) -> $crate::error::Result<Bound<'py, PyAny>> {
                $crate::results::to_dict(py, self)
            }

            /// The result as JSON text in the wire format every layer writes
            /// (``docs/wire-format.md``, ``docs/schema/results.schema.json``): the core's field
            /// names, instants as RFC 3339 strings in UTC, durations as seconds, dates as
            /// ``"YYYY-MM-DD"``; what the CLI's ``--format json`` and Node's ``JSON.stringify``
            /// write. Serialised without the GIL.
            fn to_json<'py>(
                &self,
                py: Python<'py>,
            ) -> $crate::error::Result<Bound<'py, pyo3::types::PyString>> {
                $crate::results::to_json(py, self)
            }

            fn __repr__(&self, py: Python<'_>) -> $crate::error::Result<String> {
                $crate::results::repr(py, self)
            }

            $($($methods)*)?
        }

        impl $crate::results::HostResult for $name {
            type Inner = $inner;
            const NAME: &'static str = stringify!($name);
            const REPR: &'static [(&'static str, $crate::ser::Show)] =
                &[$(($field, $crate::ser::Show::$show)),*];
            fn inner(&self) -> &$inner {
                &self.inner
            }
            $(
                fn typed<'py>(
                    &self,
                    $py: Python<'py>,
                    field: &str,
                ) -> Option<$crate::error::Result<Bound<'py, PyAny>>> {
                    let $this = self;
                    match field {
                        $($tf => Some($te),)*
                        _ => None,
                    }
                }
            )?
        }
    };
}
pub(crate) use result_class;
