//! The Python binding of Entitlement, the SLA-rules engine: the native module
//! `entitlement._entitlement`, re-exported by the `entitlement` package.
//!
//! A thin skin over `entitlement-core`: it converts values (`convert`), maps errors (`error`) and
//! holds no rules of its own. One Rust file per core concept (`calendar`).

use pyo3::prelude::*;

mod calendar;
mod convert;
mod error;

/// Native part of the ``entitlement`` package; import ``entitlement`` instead.
#[pymodule]
fn _entitlement(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<calendar::Calendar>()?;
    error::register(m)?;
    Ok(())
}
