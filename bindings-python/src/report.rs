//! `entitlement.report`: the QBR and portfolio pages (the `entitlement-report` crate) of a
//! monitor report, as HTML strings. The Python module `entitlement/report.py` runs the monitor
//! and calls these.

use chrono::NaiveDate;
use entitlement_core::Error;
use entitlement_report::ReportOptions;
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyDateTime, PyString};

use crate::convert::string_arg;
use crate::error::{Failure, Result, detached};
use crate::monitor::MonitorReport;
use crate::rules::Ruleset;

/// A day: a `datetime.date` (not a `datetime`) or an ISO `YYYY-MM-DD` string.
fn date_arg(value: &Bound<'_, PyAny>, arg: &str) -> Result<NaiveDate> {
    let wrong = || -> Failure {
        Error::InvalidType {
            path: arg.to_owned(),
            expected: "a datetime.date or a YYYY-MM-DD string".into(),
            found: crate::arrays::type_name(value),
        }
        .in_argument()
        .into()
    };
    if value.cast::<PyString>().is_ok() {
        let text = string_arg(value, arg)?;
        return NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|e| {
            Error::InvalidValue {
                path: arg.to_owned(),
                reason: format!("{text:?} is not a date YYYY-MM-DD ({e})"),
            }
            .in_argument()
            .into()
        });
    }
    if value.cast::<PyDateTime>().is_ok() || value.cast::<PyDate>().is_err() {
        return Err(wrong());
    }
    value.extract::<NaiveDate>().map_err(|_| wrong())
}

/// The QBR page of `account` over `[start, end]` (``entitlement.report.qbr``).
#[pyfunction]
#[pyo3(signature = (report, rules, account, start, end, goal))]
pub(crate) fn _report_qbr(
    py: Python<'_>,
    report: PyRef<'_, MonitorReport>,
    rules: PyRef<'_, Ruleset>,
    account: &Bound<'_, PyAny>,
    start: &Bound<'_, PyAny>,
    end: &Bound<'_, PyAny>,
    goal: f64,
) -> Result<String> {
    let account = string_arg(account, "account")?;
    let (from, to) = (date_arg(start, "start")?, date_arg(end, "end")?);
    let options = ReportOptions { goal };
    let (report, rules) = (&report.inner, rules.inner());
    detached(py, move || {
        entitlement_report::qbr(rules, report, &account, from, to, &options)
    })
}

/// The portfolio page over `[start, end]` (``entitlement.report.portfolio``).
#[pyfunction]
#[pyo3(signature = (report, rules, start, end, goal))]
pub(crate) fn _report_portfolio(
    py: Python<'_>,
    report: PyRef<'_, MonitorReport>,
    rules: PyRef<'_, Ruleset>,
    start: &Bound<'_, PyAny>,
    end: &Bound<'_, PyAny>,
    goal: f64,
) -> Result<String> {
    let (from, to) = (date_arg(start, "start")?, date_arg(end, "end")?);
    let options = ReportOptions { goal };
    let (report, rules) = (&report.inner, rules.inner());
    detached(py, move || {
        entitlement_report::portfolio(rules, report, from, to, &options)
    })
}
