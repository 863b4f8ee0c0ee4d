//! The Python binding of Entitlement, the SLA-rules engine: the native module
//! `entitlement._entitlement`, re-exported by the `entitlement` package.
//!
//! A thin skin over `entitlement-core`: it converts values in (`convert`), writes results out
//! through one serializer (`ser`, `results`), maps errors in one place (`error`) and holds no
//! rules of its own. One Rust file per core concept (`calendar`, `rules`, `status`, `monitor`,
//! `alert`, `check`).

use pyo3::prelude::*;

/// The module's own allocations (cases, replays, reports) go to mimalloc: a monitor run over a
/// million cases makes tens of millions of short-lived allocations on rayon's threads, where
/// glibc's per-thread arenas spent about a third of the run in `malloc`, `free` and page
/// faults. Python's objects keep Python's allocator; Arrow buffers are freed by whoever made
/// them (the C data interface's release callbacks), so no memory crosses allocators.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod alert;
mod arrays;
mod arrow;
mod calendar;
mod case_error;
mod check;
mod convert;
mod diff;
mod error;
mod export;
mod holidays;
mod import;
mod import_dynamics;
mod import_ics;
mod import_salesforce;
mod import_servicenow;
mod import_zendesk;
mod ledger;
mod monitor;
mod report;
mod results;
mod rules;
mod ser;
mod status;
mod tables;

/// Native part of the ``entitlement`` package; import ``entitlement`` instead.
#[pymodule]
fn _entitlement(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<calendar::Calendar>()?;
    m.add_class::<rules::Ruleset>()?;
    results::register(m)?;
    m.add_class::<import::Import>()?;
    m.add_function(wrap_pyfunction!(export::_export_salesforce, m)?)?;
    m.add_function(wrap_pyfunction!(export::_export_zendesk, m)?)?;
    m.add_function(wrap_pyfunction!(export::_export_review, m)?)?;
    m.add_function(wrap_pyfunction!(import_zendesk::_zendesk_schedules, m)?)?;
    m.add_function(wrap_pyfunction!(import_zendesk::_zendesk_sla_policies, m)?)?;
    m.add_function(wrap_pyfunction!(
        import_zendesk::_zendesk_rails_time_zone,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(
        import_servicenow::_servicenow_schedules,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(
        import_servicenow::_servicenow_sla_definitions,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(import_servicenow::_servicenow_cases, m)?)?;
    m.add_function(wrap_pyfunction!(import_dynamics::_dynamics_calendars, m)?)?;
    m.add_function(wrap_pyfunction!(import_dynamics::_dynamics_slas, m)?)?;
    m.add_function(wrap_pyfunction!(
        import_dynamics::_dynamics_entitlements,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(import_dynamics::_dynamics_cases, m)?)?;
    m.add_function(wrap_pyfunction!(import_dynamics::_dynamics_time_zone, m)?)?;
    m.add_function(wrap_pyfunction!(
        import_dynamics::_dynamics_time_zone_codes,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(import_ics::ics_holidays, m)?)?;
    m.add_function(wrap_pyfunction!(holidays::available, m)?)?;
    m.add_function(wrap_pyfunction!(holidays::info, m)?)?;
    m.add_function(wrap_pyfunction!(holidays::names, m)?)?;
    m.add_function(wrap_pyfunction!(holidays::between, m)?)?;
    m.add_function(wrap_pyfunction!(holidays::year, m)?)?;
    m.add_function(wrap_pyfunction!(import_ics::ics_read, m)?)?;
    m.add_function(wrap_pyfunction!(
        import_salesforce::_salesforce_business_hours,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(
        import_salesforce::_salesforce_entitlement_processes_folder,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(
        import_salesforce::_salesforce_entitlement_processes_files,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(
        import_salesforce::_salesforce_entitlements,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(import_salesforce::_salesforce_cases, m)?)?;
    m.add_function(wrap_pyfunction!(
        import_salesforce::_salesforce_completed_event,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(
        import_salesforce::_salesforce_started_event,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(import_ics::ics_calendar, m)?)?;
    m.add_function(wrap_pyfunction!(ledger::ledger_migrations, m)?)?;
    m.add_function(wrap_pyfunction!(report::_report_qbr, m)?)?;
    m.add_function(wrap_pyfunction!(report::_report_portfolio, m)?)?;
    error::register(m)?;
    Ok(())
}
