//! The native functions behind `entitlement.holidays` (built-in public holidays): thin calls into
//! `entitlement_core::holidays`. Unknown codes and dates outside the covered years are
//! `ConfigError`s naming the argument.

use chrono::NaiveDate;
use entitlement_core::holidays::{self, CountryHolidays};
use pyo3::prelude::*;

use crate::error::Result;
use crate::import::document;

fn lookup(py: Python<'_>, country: &str, subdivision: Option<&str>) -> Result<CountryHolidays> {
    document(py, || holidays::country(country, subdivision))
}

/// One country: `(code, name, first_year, last_year, [(subdivision code, name), ...])`.
type CountryRow = (
    &'static str,
    &'static str,
    i32,
    i32,
    Vec<(&'static str, &'static str)>,
);

/// The countries with built-in holidays, and the version of the source they come from.
#[pyfunction]
#[pyo3(name = "_holidays_available")]
pub(crate) fn available() -> (Vec<CountryRow>, &'static str) {
    let rows = holidays::available()
        .iter()
        .map(|c| {
            let subs = c
                .subdivisions()
                .iter()
                .map(|s| (s.code(), s.name()))
                .collect();
            (
                c.code(),
                c.name(),
                *c.years().start(),
                *c.years().end(),
                subs,
            )
        })
        .collect();
    (rows, holidays::source_version())
}

/// `(name, first_year, last_year)` of a country or subdivision, checking its codes.
#[pyfunction]
#[pyo3(name = "_holidays_info", signature = (country, subdivision=None))]
pub(crate) fn info(
    py: Python<'_>,
    country: &str,
    subdivision: Option<&str>,
) -> Result<(String, i32, i32)> {
    let h = lookup(py, country, subdivision)?;
    Ok((h.name(), *h.years().start(), *h.years().end()))
}

/// The sorted names of the holidays on `date`.
#[pyfunction]
#[pyo3(name = "_holidays_names", signature = (country, subdivision, date))]
pub(crate) fn names(
    py: Python<'_>,
    country: &str,
    subdivision: Option<&str>,
    date: NaiveDate,
) -> Result<Vec<&'static str>> {
    let h = lookup(py, country, subdivision)?;
    document(py, || h.names(date))
}

/// `(date, name)` pairs from `start` to `end`, both included, by date then name.
#[pyfunction]
#[pyo3(name = "_holidays_between", signature = (country, subdivision, start, end))]
pub(crate) fn between(
    py: Python<'_>,
    country: &str,
    subdivision: Option<&str>,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<(NaiveDate, &'static str)>> {
    let h = lookup(py, country, subdivision)?;
    document(py, || h.between(start, end))
}

/// `(date, name)` pairs of one year, by date then name.
#[pyfunction]
#[pyo3(name = "_holidays_year", signature = (country, subdivision, year))]
pub(crate) fn year(
    py: Python<'_>,
    country: &str,
    subdivision: Option<&str>,
    year: i32,
) -> Result<Vec<(NaiveDate, &'static str)>> {
    let h = lookup(py, country, subdivision)?;
    document(py, || h.year(year))
}
