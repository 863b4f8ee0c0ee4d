//! `holidays` namespace: the built-in public holidays of 50 countries and their subdivisions,
//! over `entitlement_core::holidays`. Dates go in and out as `'YYYY-MM-DD'` strings (a `Date` is
//! an instant, and its day depends on a zone).
//!
//! ```js
//! const { holidays, Calendar } = require('entitlement')
//! const by = holidays.country('DE', 'BY')
//! by.has('2026-01-06')   // true: Epiphany
//! by.get('2026-01-06')   // 'Epiphany'
//! const cal = Calendar.fromJSON({ timeZone: 'Europe/Berlin',
//!   hours: { mon: ['09:00-17:00'] }, holidays: [by.toJSON()] })
//! ```

use entitlement_core::holidays as core;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::error::{NodeError, Result, guard};

/// One holiday: its date (`'YYYY-MM-DD'`) and name.
#[napi(object, namespace = "holidays")]
pub struct HolidayDay {
    /// `'YYYY-MM-DD'`.
    pub date: String,
    /// The holiday's name.
    pub name: String,
}

/// A subdivision (state, province, region) with holidays of its own.
#[napi(object, namespace = "holidays")]
pub struct SubdivisionInfo {
    /// Its code, as `country(code, subdivision)` takes it.
    pub code: String,
    /// Its name (the code where the source has none).
    pub name: String,
}

/// A country with built-in holidays.
#[napi(object, namespace = "holidays")]
pub struct CountryInfo {
    /// The ISO 3166-1 alpha-2 code.
    pub code: String,
    /// The English name.
    pub name: String,
    /// The first year covered.
    pub first_year: i32,
    /// The last year covered.
    pub last_year: i32,
    /// Its subdivisions.
    pub subdivisions: Vec<SubdivisionInfo>,
}

/// The built-in holidays of a country or one of its subdivisions (which has the country's
/// holidays and its own). A date outside the covered years throws `invalid_value`.
#[napi(namespace = "holidays")]
pub struct CountryHolidays {
    inner: core::CountryHolidays,
}

fn day(value: &Unknown<'_>, path: &str) -> std::result::Result<chrono::NaiveDate, NodeError> {
    match crate::convert::day(Some(value), path)? {
        Some(d) => Ok(d),
        None => Err(entitlement_core::Error::InvalidType {
            path: path.into(),
            expected: "a date string 'YYYY-MM-DD'".into(),
            found: crate::convert::describe(value),
        }
        .in_argument()
        .into()),
    }
}

fn days(list: Vec<(chrono::NaiveDate, &'static str)>) -> Vec<HolidayDay> {
    list.into_iter()
        .map(|(d, name)| HolidayDay {
            date: d.to_string(),
            name: name.to_string(),
        })
        .collect()
}

#[napi(namespace = "holidays")]
impl CountryHolidays {
    /// The country's code.
    #[napi(getter)]
    pub fn country(&self) -> &'static str {
        self.inner.country()
    }

    /// The subdivision's code, or `null`.
    #[napi(getter)]
    pub fn subdivision(&self) -> Option<&'static str> {
        self.inner.subdivision()
    }

    /// The country's name, and the subdivision's after a comma.
    #[napi(getter)]
    pub fn name(&self) -> String {
        self.inner.name()
    }

    /// The first year covered.
    #[napi(getter)]
    pub fn first_year(&self) -> i32 {
        *self.inner.years().start()
    }

    /// The last year covered.
    #[napi(getter)]
    pub fn last_year(&self) -> i32 {
        *self.inner.years().end()
    }

    /// Whether `date` (`'YYYY-MM-DD'`) is a holiday.
    #[napi(ts_args_type = "date: string")]
    pub fn has(&self, env: Env, date: Unknown<'_>) -> Result<bool> {
        guard(&env, || Ok(self.inner.contains(day(&date, "date")?)?))
    }

    /// The holiday's name on `date` (several joined with `'; '`), or `null`.
    #[napi(ts_args_type = "date: string")]
    pub fn get(&self, env: Env, date: Unknown<'_>) -> Result<Option<String>> {
        guard(&env, || Ok(self.inner.get(day(&date, "date")?)?))
    }

    /// The sorted names of the holidays on `date` (empty when it is no holiday).
    #[napi(ts_args_type = "date: string")]
    pub fn names(&self, env: Env, date: Unknown<'_>) -> Result<Vec<&'static str>> {
        guard(&env, || Ok(self.inner.names(day(&date, "date")?)?))
    }

    /// The holidays from `start` to `end` (both included), by date then name; a date with two
    /// holidays appears twice.
    #[napi(ts_args_type = "start: string, end: string")]
    pub fn between(
        &self,
        env: Env,
        start: Unknown<'_>,
        end: Unknown<'_>,
    ) -> Result<Vec<HolidayDay>> {
        guard(&env, || {
            let (start, end) = (day(&start, "start")?, day(&end, "end")?);
            Ok(days(self.inner.between(start, end)?))
        })
    }

    /// The holidays of one year, as `between` lists them.
    #[napi]
    pub fn year(&self, env: Env, year: i32) -> Result<Vec<HolidayDay>> {
        guard(&env, || Ok(days(self.inner.year(year)?)))
    }

    /// The entry for a calendar's `holidays` list: `{country, subdivision}`.
    #[napi(
        js_name = "toJSON",
        ts_return_type = "{ country: string; subdivision?: string }"
    )]
    pub fn to_json(&self) -> serde_json::Value {
        self.inner.to_value()
    }
}

/// The built-in holidays of a country (ISO 3166-1 alpha-2 code), or of one of its
/// subdivisions. An unknown code throws `invalid_value` listing the known ones.
#[napi(namespace = "holidays")]
pub fn country(env: Env, code: String, subdivision: Option<String>) -> Result<CountryHolidays> {
    guard(&env, || {
        Ok(CountryHolidays {
            inner: core::country(&code, subdivision.as_deref())?,
        })
    })
}

/// The countries with built-in holidays, by code, with their subdivisions.
#[napi(namespace = "holidays")]
pub fn available() -> Vec<CountryInfo> {
    core::available()
        .iter()
        .map(|c| CountryInfo {
            code: c.code().into(),
            name: c.name().into(),
            first_year: *c.years().start(),
            last_year: *c.years().end(),
            subdivisions: c
                .subdivisions()
                .iter()
                .map(|s| SubdivisionInfo {
                    code: s.code().into(),
                    name: s.name().into(),
                })
                .collect(),
        })
        .collect()
}

/// The version of the `holidays` package the data was generated from.
#[napi(namespace = "holidays")]
pub fn source_version() -> &'static str {
    core::source_version()
}
