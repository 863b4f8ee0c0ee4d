//! The native functions behind `entitlement.ics` (iCalendar holiday feeds): thin calls into
//! `entitlement_core::import::ics`. The feed arrives here as `str` or `bytes` (decoded as UTF-8,
//! an error naming the source otherwise); a path is read by `_ics_read` (bounded, regular files
//! only).

use entitlement_core::import::ics;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use entitlement_core::Error;

use crate::convert::to_json;
use crate::error::Result;
use crate::import::{Import, document};

/// The feed's text: a `str` as it is, `bytes` decoded as UTF-8.
fn feed_text(py: Python<'_>, feed: &Bound<'_, PyAny>, source_name: &str) -> Result<String> {
    if let Ok(s) = feed.cast::<PyString>() {
        return crate::convert::string_arg(s, "feed");
    }
    if let Ok(b) = feed.cast::<PyBytes>() {
        let bytes = b.as_bytes();
        return document(py, || ics::decode(bytes, source_name).map(str::to_owned));
    }
    let found = feed.get_type().name()?.to_string();
    let expected = "str or bytes".into();
    Err(Error::InvalidType {
        path: "feed".into(),
        expected,
        found,
    }
    .in_argument()
    .into())
}

/// A feed file's text, read by the core (at most 64 MiB, regular files only: a FIFO or a device
/// is a ``ConfigError``).
#[pyfunction]
#[pyo3(name = "_ics_read")]
pub(crate) fn ics_read(py: Python<'_>, path: std::path::PathBuf) -> Result<String> {
    document(py, || ics::read(&path))
}

/// The feed's holidays as an ``Import`` whose document is ``{"holidays": [...]}``.
#[pyfunction]
#[pyo3(name = "_ics_holidays")]
pub(crate) fn ics_holidays(
    py: Python<'_>,
    feed: &Bound<'_, PyAny>,
    source_name: &str,
    time_zone: &str,
) -> Result<Import> {
    let text = feed_text(py, feed, source_name)?;
    document(py, || ics::holidays(&text, source_name, time_zone)).map(Import::wrap)
}

/// A calendar named ``name``: ``base`` (a calendar definition) plus the feed's holidays.
#[pyfunction]
#[pyo3(name = "_ics_calendar")]
pub(crate) fn ics_calendar(
    py: Python<'_>,
    feed: &Bound<'_, PyAny>,
    source_name: &str,
    name: &str,
    base: &Bound<'_, PyAny>,
) -> Result<Import> {
    let text = feed_text(py, feed, source_name)?;
    let base = to_json(base)?;
    document(py, || ics::calendar(&text, source_name, name, &base)).map(Import::wrap)
}
