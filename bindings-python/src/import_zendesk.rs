//! The native functions behind `entitlement.zendesk`: Zendesk schedules, holidays and SLA
//! policies (`entitlement_core::import::zendesk`), as `Import`s.

use entitlement_core::import::zendesk;
use pyo3::prelude::*;

use crate::convert::to_json;
use crate::error::Result;
use crate::import::{Import, document};

/// Calendars from Zendesk schedules (and their holidays, by schedule id).
#[pyfunction]
#[pyo3(signature = (schedules, holidays=None))]
pub(crate) fn _zendesk_schedules(
    py: Python<'_>,
    schedules: &Bound<'_, PyAny>,
    holidays: Option<&Bound<'_, PyAny>>,
) -> Result<Import> {
    let schedules = to_json(schedules)?;
    let holidays = holidays.map(to_json).transpose()?;
    document(py, || zendesk::schedules(&schedules, holidays.as_ref())).map(Import::wrap)
}

/// Processes from Zendesk SLA policies; `schedule` names the business-hours calendar.
#[pyfunction]
#[pyo3(signature = (policies, schedule=None))]
pub(crate) fn _zendesk_sla_policies(
    py: Python<'_>,
    policies: &Bound<'_, PyAny>,
    schedule: Option<String>,
) -> Result<Import> {
    let policies = to_json(policies)?;
    document(py, || zendesk::sla_policies(&policies, schedule.as_deref())).map(Import::wrap)
}

/// The IANA zone of a Rails (ActiveSupport) time-zone name, or of an IANA name.
#[pyfunction]
pub(crate) fn _zendesk_rails_time_zone(py: Python<'_>, name: String) -> Result<&'static str> {
    document(py, || zendesk::rails_time_zone(&name))
}
