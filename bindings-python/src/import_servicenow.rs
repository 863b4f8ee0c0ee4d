//! The native functions behind `entitlement.servicenow`: ServiceNow schedules, SLA definitions
//! and task records (`entitlement_core::import::servicenow`), as `Import`s.

use std::collections::BTreeMap;

use entitlement_core::import::servicenow::{
    self, CaseOptions, ScheduleOptions, SlaOptions, TimeZoneOverride,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::convert::to_json;
use crate::error::Result;
use crate::import::{Import, document};

/// Calendars from `cmn_schedule` rows with their `cmn_schedule_span` entries and the
/// `cmn_other_schedule` child schedules; `time_zone` is a zone for every floating schedule or a
/// dict of zones by schedule name or sys_id.
#[pyfunction]
#[pyo3(signature = (schedules, spans, other_schedules=None, time_zone=None))]
pub(crate) fn _servicenow_schedules(
    py: Python<'_>,
    schedules: &Bound<'_, PyAny>,
    spans: &Bound<'_, PyAny>,
    other_schedules: Option<&Bound<'_, PyAny>>,
    time_zone: Option<&Bound<'_, PyAny>>,
) -> Result<Import> {
    let schedules = to_json(schedules)?;
    let spans = to_json(spans)?;
    let other_schedules = other_schedules.map(to_json).transpose()?;
    let time_zone = match time_zone {
        None => TimeZoneOverride::None,
        Some(z) if z.is_instance_of::<PyString>() => TimeZoneOverride::One(z.extract()?),
        Some(z) if z.is_instance_of::<PyDict>() => {
            TimeZoneOverride::ByKey(z.extract::<BTreeMap<String, String>>()?)
        }
        Some(z) => {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "time_zone: expected a str or a dict of str to str, found {}",
                z.get_type().name()?
            ))
            .into());
        }
    };
    let options = ScheduleOptions {
        other_schedules,
        time_zone,
    };
    document(py, || servicenow::schedules(&schedules, &spans, &options)).map(Import::wrap)
}

/// Processes from `contract_sla` rows; `schedules` (the `cmn_schedule` rows) names their
/// calendars.
#[pyfunction]
#[pyo3(signature = (contract_slas, schedules=None))]
pub(crate) fn _servicenow_sla_definitions(
    py: Python<'_>,
    contract_slas: &Bound<'_, PyAny>,
    schedules: Option<&Bound<'_, PyAny>>,
) -> Result<Import> {
    let rows = to_json(contract_slas)?;
    let options = SlaOptions {
        schedules: schedules.map(to_json).transpose()?,
    };
    document(py, || servicenow::sla_definitions(&rows, &options)).map(Import::wrap)
}

/// Cases from task rows with their `sys_audit` / `sys_history_line` changes; the stop
/// conditions of `sla_definitions` become the events that complete their milestones.
#[pyfunction]
#[pyo3(signature = (tasks, audit=None, history=None, sla_definitions=None, table=None))]
pub(crate) fn _servicenow_cases(
    py: Python<'_>,
    tasks: &Bound<'_, PyAny>,
    audit: Option<&Bound<'_, PyAny>>,
    history: Option<&Bound<'_, PyAny>>,
    sla_definitions: Option<&Bound<'_, PyAny>>,
    table: Option<String>,
) -> Result<Import> {
    let tasks = to_json(tasks)?;
    let audit = audit.map(to_json).transpose()?;
    let options = CaseOptions {
        history: history.map(to_json).transpose()?,
        sla_definitions: sla_definitions.map(to_json).transpose()?,
        table,
    };
    document(py, || servicenow::cases(&tasks, audit.as_ref(), &options)).map(Import::wrap)
}
