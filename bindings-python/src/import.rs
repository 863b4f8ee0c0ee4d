//! `entitlement.Import`: what the importers (`entitlement.salesforce`, `entitlement.zendesk`,
//! `entitlement.ics`) return — a document fragment and its warnings — and the native functions
//! behind those modules (one Rust file per vendor: `import_salesforce`, `import_zendesk`,
//! `import_ics`).

use entitlement_core::Error;
use entitlement_core::import as core;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyType};

use crate::calendar::Calendar;
use crate::convert::to_json;
use crate::error::{Result, detached};
use crate::rules::Ruleset;
use crate::ser::to_py;

/// Runs an importer (or a build from an import's fragment) without the GIL. What an importer
/// reads is a document, so its errors are the document's (`ConfigError`).
pub(crate) fn document<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> entitlement_core::Result<T> + Send,
) -> Result<T> {
    detached(py, || f().map_err(Error::in_document))
}

/// The result of an import: ``document``, a fragment of the rules document (a dict with any of
/// ``calendars``, ``processes``, ``entitlements``, or ``cases``) that can be saved and edited,
/// and ``warnings``, what the import had to report although it could represent the input (each a
/// dict with ``record``, ``field`` and ``message``).
///
/// ``calendar(name=None)``, ``calendars()`` and ``ruleset()`` build the engine's objects from the
/// fragment directly; ``merge(other)`` joins two imports (a vendor's calendars with its
/// processes)::
///
///     >>> from entitlement import Import
///     >>> imp = Import({"calendars": {"24x7": {"always_open": True}}})
///     >>> imp.calendar().is_open(datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))
///     True
#[pyclass(module = "entitlement", name = "Import", frozen)]
pub struct Import {
    pub(crate) inner: core::Import,
}

impl Import {
    pub(crate) fn wrap(inner: core::Import) -> Self {
        Import { inner }
    }
}

#[pymethods]
impl Import {
    /// An import of a fragment written by hand (or saved from an earlier import).
    #[new]
    fn __new__(document: &Bound<'_, PyAny>) -> Result<Self> {
        Ok(Import::wrap(core::Import::new(to_json(document)?)))
    }

    /// The document fragment, as a new dict.
    #[getter]
    fn document<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        to_py(py, &self.inner.document)
    }

    /// The warnings, as dicts with ``record``, ``field`` and ``message``.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        to_py(py, &self.inner.warnings)
    }

    /// The document fragment, as a new dict (the same as ``document``).
    fn to_dict<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        to_py(py, &self.inner.document)
    }

    /// The document fragment as JSON text, ready to save (``json.dumps`` with ``indent``).
    #[pyo3(signature = (indent=None))]
    fn to_json<'py>(&self, py: Python<'py>, indent: Option<usize>) -> Result<Bound<'py, PyString>> {
        let doc = to_py(py, &self.inner.document)?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("indent", indent)?;
        kwargs.set_item("ensure_ascii", false)?;
        Ok(py
            .import("json")?
            .call_method("dumps", (doc,), Some(&kwargs))?
            .cast_into::<PyString>()?)
    }

    /// The calendar named ``name``, or the only calendar of the import when ``name`` is None.
    #[pyo3(signature = (name=None))]
    fn calendar(&self, py: Python<'_>, name: Option<String>) -> Result<Calendar> {
        document(py, || self.inner.calendar(name.as_deref())).map(Calendar::wrap)
    }

    /// Every calendar of the import, by name.
    fn calendars<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyDict>> {
        let calendars = document(py, || self.inner.calendars())?;
        let out = PyDict::new(py);
        for name in calendars.names() {
            if let Some(cal) = calendars.get(name) {
                out.set_item(name, Calendar::wrap(cal.clone()))?;
            }
        }
        Ok(out)
    }

    /// The fragment as a validated ``Ruleset`` (imported ``cases``, if any, left out).
    fn ruleset(&self, py: Python<'_>) -> Result<Ruleset> {
        document(py, || self.inner.ruleset()).map(Ruleset::wrap)
    }

    /// A new import joining this one and ``other``: calendars by name (one name defined two
    /// different ways is a ``ConfigError``, code ``"duplicate"``), processes, entitlements and
    /// cases one after the other, warnings of both.
    fn merge(&self, py: Python<'_>, other: &Bound<'_, Import>) -> Result<Import> {
        let (a, b) = (self.inner.clone(), other.get().inner.clone());
        document(py, || a.merge(b)).map(Import::wrap)
    }

    /// Builds an import from a fragment dict (the same as ``Import(document)``).
    #[classmethod]
    fn from_dict(_cls: &Bound<'_, PyType>, document: &Bound<'_, PyAny>) -> Result<Self> {
        Import::__new__(document)
    }

    fn __repr__(&self) -> String {
        let keys: Vec<String> = match &self.inner.document {
            serde_json::Value::Object(m) => m
                .iter()
                .map(|(k, v)| {
                    let n = match v {
                        serde_json::Value::Object(o) => o.len(),
                        serde_json::Value::Array(a) => a.len(),
                        _ => 1,
                    };
                    format!("{k}={n}")
                })
                .collect(),
            _ => Vec::new(),
        };
        format!(
            "<Import {} warnings={}>",
            keys.join(" "),
            self.inner.warnings.len()
        )
    }
}
