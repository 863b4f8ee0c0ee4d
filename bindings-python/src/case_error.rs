//! `entitlement.CaseError`: a case that a call over many cases left out (the core's
//! `rules::CaseError`), and the `on_error` argument that decides whether bad cases are left
//! out (`"collect"`) or raise (`"raise"`).

use entitlement_core::Error;
use entitlement_core::rules::{self, OnError};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::error::Result;
use crate::results::result_class;

result_class! {
    /// A case that a call left out (``on_error="collect"``, the default): ``case_id`` (or
    /// ``None`` when the case has no readable id), ``index`` (its position in ``cases``),
    /// ``code`` and ``message`` (what ``on_error="raise"`` would have raised for it) and
    /// ``path`` (where, relative to ``cases``: ``"cases[3].events[2].at"``).
    ///
    /// ``MonitorReport.errors`` lists them; ``evaluate_many`` puts one in place of each bad
    /// case's list of statuses, and ``breach_risk`` after the risks: tell them apart with
    /// ``isinstance(entry, CaseError)``. Immutable; equal when every field is equal.
    CaseError(rules::CaseError),
    repr: ["case_id": Quoted, "index": Plain, "code": Quoted, "path": Quoted];
}

/// The `on_error` keyword argument: `"collect"` (the default, also for `None`) or `"raise"`.
pub(crate) fn on_error_arg(value: Option<&Bound<'_, PyAny>>) -> Result<OnError> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(OnError::Collect);
    };
    let Ok(text) = value.cast::<PyString>() else {
        let found = value.get_type().qualname().map(|n| n.to_string());
        return Err(Error::InvalidType {
            path: "on_error".into(),
            expected: "\"collect\" or \"raise\"".into(),
            found: found.unwrap_or_default(),
        }
        .in_argument()
        .into());
    };
    Ok(OnError::from_name(&text.to_cow()?, "on_error")?)
}
