//! `Ruleset.breach_risk`: the core's breach-risk estimates as dicts.

use entitlement_core::rules::BreachRisk;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::status::duration;

/// The estimates as a list of dicts (keys as `BreachRisk` in the stubs).
pub(crate) fn risk_list<'py>(
    py: Python<'py>,
    risks: &[BreachRisk],
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for r in risks {
        let d = PyDict::new(py);
        d.set_item("case_id", &r.case_id)?;
        d.set_item("process", r.process.as_deref())?;
        d.set_item("milestone", &r.milestone)?;
        d.set_item("instance", r.instance)?;
        d.set_item("state", r.state.as_str())?;
        d.set_item("target", duration(py, r.target)?)?;
        d.set_item("elapsed", duration(py, r.elapsed)?)?;
        d.set_item("probability", r.probability)?;
        d.set_item("observations", r.observations)?;
        d.set_item("completions", r.completions)?;
        list.append(d)?;
    }
    Ok(list)
}
