//! The native functions behind `entitlement.salesforce.export`, `entitlement.zendesk.export`
//! and `entitlement.review.export`: thin calls into `entitlement_core::export`, returning the
//! files as a dict of relative path to text.

use entitlement_core::export::{self, ExportFile};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error::Result;
use crate::import::document;
use crate::rules::Ruleset;

fn files<'py>(py: Python<'py>, files: Vec<ExportFile>) -> Result<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    for f in files {
        out.set_item(f.path, f.contents)?;
    }
    Ok(out)
}

/// The ruleset as a Salesforce source-format project.
#[pyfunction]
pub(crate) fn _export_salesforce<'py>(
    py: Python<'py>,
    ruleset: &Bound<'py, Ruleset>,
) -> Result<Bound<'py, PyDict>> {
    let rules = ruleset.get().inner();
    let out = document(py, || export::salesforce::export(rules))?;
    files(py, out)
}

/// The ruleset as Zendesk API bodies.
#[pyfunction]
#[pyo3(signature = (ruleset, expand_holidays=None))]
pub(crate) fn _export_zendesk<'py>(
    py: Python<'py>,
    ruleset: &Bound<'py, Ruleset>,
    expand_holidays: Option<(i32, i32)>,
) -> Result<Bound<'py, PyDict>> {
    let rules = ruleset.get().inner();
    let options = export::zendesk::Options { expand_holidays };
    let out = document(py, || export::zendesk::export(rules, &options))?;
    files(py, out)
}

/// The review page of the ruleset.
#[pyfunction]
pub(crate) fn _export_review<'py>(
    py: Python<'py>,
    ruleset: &Bound<'py, Ruleset>,
) -> Result<Bound<'py, PyDict>> {
    let rules = ruleset.get().inner();
    let out = document(py, || export::review::export(rules))?;
    files(py, out)
}
