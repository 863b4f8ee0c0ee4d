//! The native functions behind `entitlement.dynamics`: Dynamics 365 calendars, SLAs,
//! entitlements and cases (`entitlement_core::import::dynamics`), as `Import`s.

use entitlement_core::import::dynamics;
use pyo3::prelude::*;

use crate::convert::to_json;
use crate::error::Result;
use crate::import::{Import, document};

/// Calendars from `calendar` rows (options: `calendar_rules`, `time_zones`).
#[pyfunction]
#[pyo3(signature = (calendars, options=None))]
pub(crate) fn _dynamics_calendars(
    py: Python<'_>,
    calendars: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyAny>>,
) -> Result<Import> {
    let calendars = to_json(calendars)?;
    let options = options.map(to_json).transpose()?;
    document(py, || dynamics::calendars(&calendars, options.as_ref())).map(Import::wrap)
}

/// Processes from `sla`, `slaitem` and `msdyn_slakpi` rows (options: `calendars`,
/// `pause_statuses`).
#[pyfunction]
#[pyo3(signature = (slas, sla_items=None, kpis=None, options=None))]
pub(crate) fn _dynamics_slas(
    py: Python<'_>,
    slas: &Bound<'_, PyAny>,
    sla_items: Option<&Bound<'_, PyAny>>,
    kpis: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyAny>>,
) -> Result<Import> {
    let slas = to_json(slas)?;
    let items = sla_items.map(to_json).transpose()?;
    let kpis = kpis.map(to_json).transpose()?;
    let options = options.map(to_json).transpose()?;
    document(py, || {
        dynamics::slas(&slas, items.as_ref(), kpis.as_ref(), options.as_ref())
    })
    .map(Import::wrap)
}

/// Entitlements from `entitlement` rows with their `entitlementchannel` rows.
#[pyfunction]
#[pyo3(signature = (entitlements, channels=None, options=None))]
pub(crate) fn _dynamics_entitlements(
    py: Python<'_>,
    entitlements: &Bound<'_, PyAny>,
    channels: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyAny>>,
) -> Result<Import> {
    let entitlements = to_json(entitlements)?;
    let channels = channels.map(to_json).transpose()?;
    let options = options.map(to_json).transpose()?;
    document(py, || {
        dynamics::entitlements(&entitlements, channels.as_ref(), options.as_ref())
    })
    .map(Import::wrap)
}

/// Cases from `incident` rows (options: `audits`).
#[pyfunction]
#[pyo3(signature = (incidents, options=None))]
pub(crate) fn _dynamics_cases(
    py: Python<'_>,
    incidents: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyAny>>,
) -> Result<Import> {
    let incidents = to_json(incidents)?;
    let options = options.map(to_json).transpose()?;
    document(py, || dynamics::cases(&incidents, options.as_ref())).map(Import::wrap)
}

/// The IANA zone of a Dynamics `timezonecode`.
#[pyfunction]
pub(crate) fn _dynamics_time_zone(py: Python<'_>, code: i64) -> Result<&'static str> {
    document(py, || dynamics::time_zone(code))
}

/// Microsoft's time-zone index table: (code, Windows name, IANA zone) rows.
#[pyfunction]
pub(crate) fn _dynamics_time_zone_codes() -> Vec<(i64, &'static str, &'static str)> {
    dynamics::TIME_ZONE_CODES.to_vec()
}
