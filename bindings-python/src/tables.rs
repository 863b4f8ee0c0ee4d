//! The tables of a result as pyarrow record batches and pandas DataFrames: one layout per
//! result, defined once in `entitlement_tables` (shared with the Node binding) and listed in
//! `docs/binding-contract.md`. `Ruleset.evaluate_arrow` / `monitor_arrow` hand the batch over
//! through the Arrow C data interface; `MonitorReport.to_pandas(table)` converts the same batch
//! with pyarrow (`entitlement.arrow._to_pandas`, which keeps the dtypes `to_pandas` always gave).

use entitlement_core::rules::MonitorReport;
use entitlement_tables::{Table, report_table};
use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyModule};
use pyo3::{PyTypeInfo, intern};

use crate::convert::string_arg;
use crate::error::Result;

/// `MonitorReport.to_pandas(table)`: the report's table as a pandas DataFrame.
pub(crate) fn to_pandas<'py>(
    py: Python<'py>,
    report: &MonitorReport,
    table: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>> {
    let table = table_arg(table)?;
    // pandas first: the error a user without it has always seen.
    needed(py, "pandas", "to_pandas")?;
    let batch = record_batch(py, report, table, "to_pandas")?;
    Ok(py
        .import(intern!(py, "entitlement.arrow"))?
        .getattr(intern!(py, "_to_pandas"))?
        .call1((batch,))?)
}

/// `MonitorReport.to_arrow(table)`: the report's table as a pyarrow `RecordBatch`.
pub(crate) fn to_arrow<'py>(
    py: Python<'py>,
    report: &MonitorReport,
    table: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>> {
    let table = table_arg(table)?;
    record_batch(py, report, table, "to_arrow")
}

/// The `table` argument: a table's name, `"events"` when omitted.
fn table_arg(table: Option<&Bound<'_, PyAny>>) -> Result<Table> {
    match table {
        Some(t) => Ok(Table::from_name(&string_arg(t, "table")?, "table")?),
        None => Ok(Table::Events),
    }
}

fn record_batch<'py>(
    py: Python<'py>,
    report: &MonitorReport,
    table: Table,
    method: &'static str,
) -> Result<Bound<'py, PyAny>> {
    needed(py, "pyarrow", method)?;
    let batch = crate::error::detached(py, || report_table(report, table))?;
    Ok(crate::arrow::export_batch(py, batch)?)
}

/// The module `name`, or an `ImportError` that says what needs it and how to get it.
fn needed<'py>(
    py: Python<'py>,
    name: &'static str,
    method: &'static str,
) -> PyResult<Bound<'py, PyModule>> {
    py.import(name).map_err(|cause| {
        if !cause.is_instance_of::<PyImportError>(py) {
            return cause;
        }
        let build = || -> PyResult<PyErr> {
            let kwargs = PyDict::new(py);
            kwargs.set_item("name", name)?;
            let exc = PyImportError::type_object(py).call(
                (format!(
                    "MonitorReport.{method} needs {name}, which is not installed: \
                     pip install {name}"
                ),),
                Some(&kwargs),
            )?;
            let err = PyErr::from_value(exc);
            err.set_cause(py, Some(cause));
            Ok(err)
        };
        build().unwrap_or_else(|err| err)
    })
}
