//! The native functions behind `entitlement.salesforce`: thin calls into
//! `entitlement_core::import::salesforce` (BusinessHours and Holiday records, EntitlementProcess
//! and MilestoneType metadata, Entitlement and Case records), as `Import`s.

use entitlement_core::import::salesforce::{self, MetadataFile};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::convert::to_json;
use crate::error::Result;
use crate::import::{Import, document};
use entitlement_core::Error as CoreError;

fn json_arg(v: Option<&Bound<'_, PyAny>>) -> Result<Option<serde_json::Value>> {
    v.filter(|v| !v.is_none()).map(to_json).transpose()
}

/// `closed_statuses` as a list of strings. A string is refused, not iterated: "Closed" would be
/// the statuses "C", "l", "o", ... and no case would ever close (the Node binding refuses it too).
fn closed_list(v: &Bound<'_, PyAny>) -> Result<Vec<String>> {
    let refuse = |found: &str| {
        crate::error::Failure::from(CoreError::InvalidType {
            path: "closed_statuses".into(),
            expected: "a list of status strings".into(),
            found: found.into(),
        })
    };
    if v.is_instance_of::<PyString>() || v.is_instance_of::<PyBytes>() {
        return Err(refuse("a string (give a list: [\"Closed\"])"));
    }
    let list: Vec<Bound<'_, PyAny>> = v
        .try_iter()
        .map_err(|_| refuse("a value that is not a list"))?
        .collect::<PyResult<_>>()?;
    list.iter()
        .map(|s| {
            let s = s
                .cast::<PyString>()
                .map_err(|_| refuse("a list with a value that is not a string"))?;
            Ok(s.to_str()?.to_owned())
        })
        .collect()
}

/// Calendars from `BusinessHours` records with their `Holiday` records.
#[pyfunction]
#[pyo3(signature = (records, holidays=None))]
pub(crate) fn _salesforce_business_hours(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    holidays: Option<&Bound<'_, PyAny>>,
) -> Result<Import> {
    let records = to_json(records)?;
    let holidays = json_arg(holidays)?;
    document(py, || {
        salesforce::business_hours(&records, holidays.as_ref())
    })
    .map(Import::wrap)
}

/// Processes from the metadata files of a retrieved folder.
#[pyfunction]
pub(crate) fn _salesforce_entitlement_processes_folder(
    py: Python<'_>,
    folder: std::path::PathBuf,
) -> Result<Import> {
    document(py, || {
        let files = salesforce::read_metadata_folder(&folder)?;
        salesforce::entitlement_processes(&files)
    })
    .map(Import::wrap)
}

/// Processes from metadata files given as `(name, text or bytes)` pairs.
#[pyfunction]
pub(crate) fn _salesforce_entitlement_processes_files(
    py: Python<'_>,
    files: Vec<(String, Bound<'_, PyAny>)>,
) -> Result<Import> {
    let mut read: Vec<(String, Result<String, Vec<u8>>)> = Vec::with_capacity(files.len());
    for (name, content) in files {
        if let Ok(s) = content.cast::<PyString>() {
            read.push((name, Ok(s.to_str()?.to_owned())));
        } else if let Ok(b) = content.cast::<PyBytes>() {
            read.push((name, Err(b.as_bytes().to_vec())));
        } else {
            return Err(CoreError::InvalidType {
                path: format!("files[{name:?}]"),
                expected: "str or bytes".into(),
                found: content.get_type().name()?.to_string(),
            }
            .in_argument()
            .into());
        }
    }
    document(py, || {
        let files = read
            .iter()
            .map(|(name, content)| match content {
                Ok(text) => Ok(MetadataFile {
                    name: name.clone(),
                    text: text.clone(),
                }),
                Err(bytes) => MetadataFile::from_bytes(name, bytes),
            })
            .collect::<entitlement_core::Result<Vec<_>>>()?;
        salesforce::entitlement_processes(&files)
    })
    .map(Import::wrap)
}

/// Entitlements from `Entitlement` records, with account context from `accounts` (the options
/// of `salesforce::account_context`) when given.
#[pyfunction]
#[pyo3(signature = (records, sla_processes=None, business_hours=None, accounts=None))]
pub(crate) fn _salesforce_entitlements(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    sla_processes: Option<&Bound<'_, PyAny>>,
    business_hours: Option<&Bound<'_, PyAny>>,
    accounts: Option<&Bound<'_, PyAny>>,
) -> Result<Import> {
    let records = to_json(records)?;
    let (sla, hours) = (json_arg(sla_processes)?, json_arg(business_hours)?);
    let accounts = json_arg(accounts)?;
    document(py, || {
        let imported = salesforce::entitlements(&records, sla.as_ref(), hours.as_ref())?;
        match &accounts {
            Some(options) => salesforce::account_context(imported, options),
            None => Ok(imported),
        }
    })
    .map(Import::wrap)
}

/// Cases from `Case` records with their `CaseHistory` and `CaseMilestone` rows.
#[pyfunction]
#[pyo3(signature = (records, history=None, milestones=None, closed_statuses=None))]
pub(crate) fn _salesforce_cases(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    history: Option<&Bound<'_, PyAny>>,
    milestones: Option<&Bound<'_, PyAny>>,
    closed_statuses: Option<&Bound<'_, PyAny>>,
) -> Result<Import> {
    let records = to_json(records)?;
    let (history, milestones) = (json_arg(history)?, json_arg(milestones)?);
    let closed: Vec<String> = match closed_statuses.filter(|v| !v.is_none()) {
        None => salesforce::CLOSED_STATUSES
            .iter()
            .map(|s| s.to_string())
            .collect(),
        Some(v) => closed_list(v)?,
    };
    document(py, || {
        let closed: Vec<&str> = closed.iter().map(String::as_str).collect();
        salesforce::cases(&records, history.as_ref(), milestones.as_ref(), &closed)
    })
    .map(Import::wrap)
}

/// The event type that completes an imported milestone.
#[pyfunction]
pub(crate) fn _salesforce_completed_event(milestone: &str) -> String {
    salesforce::completed_event(milestone)
}

/// The event type that starts an occurrence of an imported milestone.
#[pyfunction]
pub(crate) fn _salesforce_started_event(milestone: &str) -> String {
    salesforce::started_event(milestone)
}
