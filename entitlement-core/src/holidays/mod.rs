//! Built-in public holidays of 50 countries and their subdivisions, for the years 2000 to 2100.
//!
//! The data is generated from the `holidays` package (MIT licence; the version is
//! [`source_version`]) by `scripts/holidays/generate.py`, and kept as rules where a rule fits
//! (a fixed month and day, the n-th or last weekday of a month, an offset from Western Easter,
//! each bounded to the years it holds) and as tables of dates otherwise (lunar, Islamic, Hebrew,
//! Hindu and Chinese calendar dates, one-off days, observed days). It is parsed once, on first
//! use. `docs/holidays.md` says what is closed (the package's dates: each holiday's own date and,
//! where the package adds one, its observed day), the coverage, and how to regenerate the data.
//!
//! ```
//! use chrono::NaiveDate;
//! let bavaria = entitlement_core::holidays::country("DE", Some("BY"))?;
//! let day = NaiveDate::from_ymd_opt(2026, 1, 6).unwrap();
//! assert_eq!(bavaria.get(day)?.as_deref(), Some("Epiphany"));
//! assert!(!entitlement_core::holidays::country("DE", None)?.contains(day)?);
//! # Ok::<(), entitlement_core::Error>(())
//! ```

use std::ops::RangeInclusive;
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde_json::Value;

use crate::calendar::holiday::{Holiday, Observed, Rule};
use crate::error::{Error, Result, excerpt};

const DATA: &str = include_str!("data.txt");

/// How many known codes an unknown-code error lists before it says how many more there are.
const LISTED: usize = 60;

/// When one built-in holiday happens.
#[derive(Debug)]
enum When {
    Fixed {
        month: u32,
        day: u32,
    },
    Nth {
        month: u32,
        weekday: Weekday,
        nth: i32,
    },
    Easter {
        offset: i32,
    },
    Table(Vec<NaiveDate>),
}

/// One built-in holiday: a name and when it happens, in the years `first..=last` (rules).
#[derive(Debug)]
struct Entry {
    name: &'static str,
    when: When,
    first: i32,
    last: i32,
}

impl Entry {
    /// The entry's dates in `year`: those of its calendar holiday, so that a lookup and a
    /// calendar close the same days by one code path.
    fn push_dates(&'static self, year: i32, out: &mut Vec<NaiveDate>) {
        crate::calendar::holiday::natural_dates(&self.holiday(), year, out);
    }

    /// The entry as a holiday of a calendar.
    fn holiday(&'static self) -> Holiday {
        let jan1 = NaiveDate::from_ymd_opt(self.first, 1, 1);
        let dec31 = NaiveDate::from_ymd_opt(self.last, 12, 31);
        let (rule, starts, until) = match &self.when {
            When::Fixed { month, day } => (
                Rule::MonthDay {
                    month: *month,
                    day: *day,
                },
                jan1,
                dec31,
            ),
            When::Nth {
                month,
                weekday,
                nth,
            } => (
                Rule::NthWeekday {
                    month: *month,
                    weekday: *weekday,
                    nth: *nth,
                },
                jan1,
                dec31,
            ),
            When::Easter { offset } => (Rule::Easter { offset: *offset }, jan1, dec31),
            When::Table(dates) => (Rule::Dates(dates), None, None),
        };
        Holiday {
            rule,
            hours: None,
            observed: Observed::Actual,
            starts,
            until,
            except: Vec::new(),
        }
    }
}

/// A country with built-in holidays ([`available`]).
#[derive(Debug)]
pub struct Country {
    code: &'static str,
    name: &'static str,
    first: i32,
    last: i32,
    entries: Vec<u32>,
    subdivisions: Vec<Subdivision>,
}

impl Country {
    /// The ISO 3166-1 alpha-2 code, such as `"DE"`.
    ///
    /// ```
    /// assert!(entitlement_core::holidays::available().iter().any(|c| c.code() == "SG"));
    /// ```
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The English name, such as `"Germany"`.
    ///
    /// ```
    /// let de = entitlement_core::holidays::available().iter().find(|c| c.code() == "DE").unwrap();
    /// assert_eq!(de.name(), "Germany");
    /// ```
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The years the data covers (at most 2000 to 2100; less where the source starts later).
    ///
    /// ```
    /// let us = entitlement_core::holidays::available().iter().find(|c| c.code() == "US").unwrap();
    /// assert_eq!(us.years(), 2000..=2100);
    /// ```
    pub fn years(&self) -> RangeInclusive<i32> {
        self.first..=self.last
    }

    /// The subdivisions (states, provinces, regions) with holidays of their own.
    ///
    /// ```
    /// let us = entitlement_core::holidays::available().iter().find(|c| c.code() == "US").unwrap();
    /// let ny = us.subdivisions().iter().find(|s| s.code() == "NY").unwrap();
    /// assert_eq!(ny.name(), "New York");
    /// ```
    pub fn subdivisions(&self) -> &[Subdivision] {
        &self.subdivisions
    }
}

/// A subdivision of a [`Country`].
#[derive(Debug)]
pub struct Subdivision {
    code: &'static str,
    name: &'static str,
    entries: Vec<u32>,
}

impl Subdivision {
    /// The code, as the source spells it (ISO 3166-2 where there is one, such as `"BY"`).
    ///
    /// ```
    /// let de = entitlement_core::holidays::available().iter().find(|c| c.code() == "DE").unwrap();
    /// assert!(de.subdivisions().iter().any(|s| s.code() == "BY"));
    /// ```
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The name (the code itself where the source has no name for it).
    ///
    /// ```
    /// let de = entitlement_core::holidays::available().iter().find(|c| c.code() == "DE").unwrap();
    /// assert_eq!(de.subdivisions().iter().find(|s| s.code() == "BY").unwrap().name(), "Bayern");
    /// ```
    pub fn name(&self) -> &'static str {
        self.name
    }
}

struct Data {
    version: &'static str,
    entries: Vec<Entry>,
    countries: Vec<Country>,
}

fn data() -> &'static Data {
    static DATA_CELL: OnceLock<Data> = OnceLock::new();
    DATA_CELL.get_or_init(|| parse(DATA).0)
}

fn weekday(n: u32) -> Option<Weekday> {
    Some(match n {
        0 => Weekday::Mon,
        1 => Weekday::Tue,
        2 => Weekday::Wed,
        3 => Weekday::Thu,
        4 => Weekday::Fri,
        5 => Weekday::Sat,
        6 => Weekday::Sun,
        _ => return None,
    })
}

fn ids(text: &str, entries: usize) -> Option<Vec<u32>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    text.split(',')
        .map(|t| t.parse::<u32>().ok().filter(|i| (*i as usize) < entries))
        .collect()
}

fn entry(fields: &[&'static str], base: NaiveDate) -> Option<Entry> {
    let n = |i: usize| fields.get(i)?.parse::<i32>().ok();
    let name = *fields.first()?;
    let (when, first, last) = match *fields.get(1)? {
        "F" => (
            When::Fixed {
                month: u32::try_from(n(2)?).ok()?,
                day: u32::try_from(n(3)?).ok()?,
            },
            n(4)?,
            n(5)?,
        ),
        "N" => (
            When::Nth {
                month: u32::try_from(n(2)?).ok()?,
                weekday: weekday(u32::try_from(n(3)?).ok()?)?,
                nth: n(4)?,
            },
            n(5)?,
            n(6)?,
        ),
        "E" => (When::Easter { offset: n(2)? }, n(3)?, n(4)?),
        "T" => {
            let mut day = base;
            let mut dates = Vec::new();
            for gap in fields.get(2)?.split(',') {
                day = day.checked_add_days(Days::new(gap.parse().ok()?))?;
                dates.push(day);
            }
            (When::Table(dates), 0, 0)
        }
        _ => return None,
    };
    Some(Entry {
        name,
        when,
        first,
        last,
    })
}

/// Parses the embedded data; the second value counts the lines that did not parse (a unit test
/// holds it at zero, so that the data is never silently short).
fn parse(text: &'static str) -> (Data, usize) {
    let mut data = Data {
        version: "",
        entries: Vec::new(),
        countries: Vec::new(),
    };
    let mut base = NaiveDate::MIN;
    let mut bad = 0;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let fields: Vec<&'static str> = line.split('\t').collect();
        let ok = match fields[0] {
            "V" => match (fields.get(1), fields.get(2).and_then(|y| y.parse().ok())) {
                (Some(v), Some(y)) => {
                    data.version = v;
                    base = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN);
                    true
                }
                _ => false,
            },
            "H" => match entry(&fields[1..], base) {
                Some(e) => {
                    data.entries.push(e);
                    true
                }
                None => false,
            },
            "C" if fields.len() == 6 => {
                let years = (fields[3].parse(), fields[4].parse());
                match (years, ids(fields[5], data.entries.len())) {
                    ((Ok(first), Ok(last)), Some(entries)) => {
                        data.countries.push(Country {
                            code: fields[1],
                            name: fields[2],
                            first,
                            last,
                            entries,
                            subdivisions: Vec::new(),
                        });
                        true
                    }
                    _ => false,
                }
            }
            "S" if fields.len() == 4 => {
                match (
                    data.countries.last_mut(),
                    ids(fields[3], data.entries.len()),
                ) {
                    (Some(c), Some(entries)) => {
                        c.subdivisions.push(Subdivision {
                            code: fields[1],
                            name: fields[2],
                            entries,
                        });
                        true
                    }
                    _ => false,
                }
            }
            _ => false,
        };
        bad += usize::from(!ok);
    }
    (data, bad)
}

/// The countries with built-in holidays, by code.
///
/// ```
/// let countries = entitlement_core::holidays::available();
/// assert!(countries.len() >= 40);
/// assert!(countries.windows(2).all(|w| w[0].code() < w[1].code()));
/// ```
pub fn available() -> &'static [Country] {
    &data().countries
}

/// The version of the `holidays` package the data was generated from.
///
/// ```
/// assert!(!entitlement_core::holidays::source_version().is_empty());
/// ```
pub fn source_version() -> &'static str {
    data().version
}

fn listed<'a>(codes: impl ExactSizeIterator<Item = &'a str>) -> String {
    let n = codes.len();
    let shown: Vec<&str> = codes.take(LISTED).collect();
    if n > LISTED {
        format!("{}, … ({} more)", shown.join(", "), n - LISTED)
    } else {
        shown.join(", ")
    }
}

/// The built-in holidays of a country, or of one of its subdivisions (which has the country's
/// holidays and its own). `path` names where the codes were given, for errors.
pub(crate) fn lookup(
    country: &str,
    subdivision: Option<&str>,
    path: &str,
    subdivision_path: &str,
) -> Result<CountryHolidays> {
    let data = data();
    let Some(c) = data.countries.iter().find(|c| c.code == country) else {
        return Err(Error::InvalidValue {
            path: path.to_string(),
            reason: format!(
                "no built-in holidays for country {}; known: {} (docs/holidays.md)",
                excerpt(country),
                listed(data.countries.iter().map(|c| c.code))
            ),
        });
    };
    let sub = match subdivision {
        None => None,
        Some(s) => match c.subdivisions.iter().find(|x| x.code == s) {
            Some(x) => Some(x),
            None => {
                return Err(Error::InvalidValue {
                    path: subdivision_path.to_string(),
                    reason: if c.subdivisions.is_empty() {
                        format!(
                            "no built-in holidays for subdivision {} of {}: it has no subdivisions; omit `subdivision`",
                            excerpt(s),
                            c.code
                        )
                    } else {
                        format!(
                            "no built-in holidays for subdivision {} of {}; known: {}",
                            excerpt(s),
                            c.code,
                            listed(c.subdivisions.iter().map(|x| x.code))
                        )
                    },
                });
            }
        },
    };
    Ok(CountryHolidays {
        country: c,
        subdivision: sub,
    })
}

/// The built-in holidays of a country or subdivision; see [`country`].
///
/// ```
/// use chrono::NaiveDate;
/// let ny = entitlement_core::holidays::country("US", Some("NY"))?;
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// assert_eq!(ny.get(d(7, 4))?.as_deref(), Some("Independence Day"));
/// // 2026-07-04 is a Saturday: the package, and so the engine, close Friday the 3rd too.
/// assert_eq!(ny.get(d(7, 3))?.as_deref(), Some("Independence Day (observed)"));
/// assert_eq!(ny.year(2026)?.len(), 15);
/// # Ok::<(), entitlement_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CountryHolidays {
    country: &'static Country,
    subdivision: Option<&'static Subdivision>,
}

impl CountryHolidays {
    /// The country's code.
    ///
    /// ```
    /// assert_eq!(entitlement_core::holidays::country("FR", None)?.country(), "FR");
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn country(&self) -> &'static str {
        self.country.code
    }

    /// The subdivision's code, if one was given.
    ///
    /// ```
    /// assert_eq!(entitlement_core::holidays::country("CA", Some("QC"))?.subdivision(), Some("QC"));
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn subdivision(&self) -> Option<&'static str> {
        self.subdivision.map(|s| s.code)
    }

    /// A readable name: the country's, and the subdivision's after a comma.
    ///
    /// ```
    /// assert_eq!(entitlement_core::holidays::country("DE", Some("BY"))?.name(), "Germany, Bayern");
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn name(&self) -> String {
        match self.subdivision {
            None => self.country.name.to_string(),
            Some(s) => format!("{}, {}", self.country.name, s.name),
        }
    }

    /// The years covered; a date outside them is an `invalid_value` error.
    ///
    /// ```
    /// assert_eq!(entitlement_core::holidays::country("JP", None)?.years(), 2000..=2099);
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn years(&self) -> RangeInclusive<i32> {
        self.country.years()
    }

    /// The document entry for these holidays: `{"country": .., "subdivision": ..}`.
    ///
    /// ```
    /// let by = entitlement_core::holidays::country("DE", Some("BY"))?;
    /// assert_eq!(by.to_value(), serde_json::json!({"country": "DE", "subdivision": "BY"}));
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn to_value(&self) -> Value {
        let mut map = serde_json::Map::new();
        map.insert("country".into(), Value::from(self.country.code));
        if let Some(s) = self.subdivision {
            map.insert("subdivision".into(), Value::from(s.code));
        }
        Value::Object(map)
    }

    fn entries(&self) -> impl Iterator<Item = &'static Entry> + use<> {
        let ids = match self.subdivision {
            Some(s) => &s.entries,
            None => &self.country.entries,
        };
        let entries = &data().entries;
        ids.iter().filter_map(|i| entries.get(*i as usize))
    }

    fn check_year(&self, year: i32, what: &str) -> Result<()> {
        if self.years().contains(&year) {
            return Ok(());
        }
        Err(Error::InvalidValue {
            path: what.to_string(),
            reason: format!(
                "{year} is outside the years the built-in holidays of {} cover, {} to {} (docs/holidays.md)",
                self.name(),
                self.country.first,
                self.country.last
            ),
        })
    }

    /// The holidays of one year, `(date, name)`, by date then name; a date with two holidays
    /// appears twice.
    ///
    /// ```
    /// let fr = entitlement_core::holidays::country("FR", None)?;
    /// assert_eq!(fr.year(2026)?.len(), 11);
    /// assert!(fr.year(2150).is_err());
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn year(&self, year: i32) -> Result<Vec<(NaiveDate, &'static str)>> {
        self.check_year(year, "year")?;
        let mut out = Vec::new();
        let mut dates = Vec::new();
        for e in self.entries() {
            dates.clear();
            e.push_dates(year, &mut dates);
            out.extend(dates.iter().map(|d| (*d, e.name)));
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// The holidays from `from` to `to` (both included), as [`year`](Self::year) lists them.
    /// Both dates must lie in the covered years.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let gb = entitlement_core::holidays::country("GB", Some("SCT"))?;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let days = gb.between(d(2026, 12, 24), d(2027, 1, 5))?;
    /// assert_eq!(days.first().map(|x| x.0), Some(d(2026, 12, 25)));
    /// assert!(days.iter().any(|(day, _)| *day == d(2027, 1, 2)));  // 2 January, in Scotland
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(NaiveDate, &'static str)>> {
        self.check_year(from.year(), "from")?;
        self.check_year(to.year(), "to")?;
        let mut out = Vec::new();
        for y in from.year()..=to.year() {
            out.extend(
                self.year(y)?
                    .into_iter()
                    .filter(|(d, _)| *d >= from && *d <= to),
            );
        }
        Ok(out)
    }

    /// The names of the holidays on `date`, sorted (empty when it is no holiday).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let us = entitlement_core::holidays::country("US", None)?;
    /// assert!(us.names(NaiveDate::from_ymd_opt(2026, 3, 3).unwrap())?.is_empty());
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn names(&self, date: NaiveDate) -> Result<Vec<&'static str>> {
        self.check_year(date.year(), "date")?;
        let mut out = Vec::new();
        let mut dates = Vec::new();
        for e in self.entries() {
            dates.clear();
            e.push_dates(date.year(), &mut dates);
            if dates.contains(&date) {
                out.push(e.name);
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// The holiday's name on `date` (several joined with `"; "`, as the `holidays` package
    /// does), or `None` on a day that is no holiday.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let sg = entitlement_core::holidays::country("SG", None)?;
    /// assert_eq!(sg.get(NaiveDate::from_ymd_opt(2026, 8, 9).unwrap())?.as_deref(), Some("National Day"));
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn get(&self, date: NaiveDate) -> Result<Option<String>> {
        let names = self.names(date)?;
        Ok((!names.is_empty()).then(|| names.join("; ")))
    }

    /// Whether `date` is a holiday.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let il = entitlement_core::holidays::country("IL", None)?;
    /// assert!(il.contains(NaiveDate::from_ymd_opt(2026, 9, 21).unwrap())?); // Yom Kippur
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn contains(&self, date: NaiveDate) -> Result<bool> {
        Ok(!self.names(date)?.is_empty())
    }

    /// The holidays as a calendar's holiday rules (whole days, no observed shift).
    pub(crate) fn calendar_holidays(&self) -> Vec<Holiday> {
        self.entries().map(Entry::holiday).collect()
    }
}

/// The built-in holidays of a country (ISO 3166-1 alpha-2 code), or of one of its subdivisions
/// (its code in [`Country::subdivisions`]), which has the country's holidays and its own.
/// An unknown code is an `invalid_value` error that lists the known ones.
///
/// ```
/// let e = entitlement_core::holidays::country("DE", Some("XX")).unwrap_err();
/// assert_eq!(e.code(), "invalid_value");
/// assert!(e.to_string().contains("BY"));
/// assert!(entitlement_core::holidays::country("ZZ", None).is_err());
/// ```
pub fn country(country: &str, subdivision: Option<&str>) -> Result<CountryHolidays> {
    lookup(country, subdivision, "country", "subdivision")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_data_parses() {
        let (data, bad) = parse(DATA);
        assert_eq!(bad, 0);
        assert!(data.countries.len() >= 40);
        assert!(!data.version.is_empty());
    }

    #[test]
    fn tables_are_sorted_so_that_lookups_by_year_find_them() {
        for e in &data().entries {
            if let When::Table(dates) = &e.when {
                assert!(dates.windows(2).all(|w| w[0] < w[1]), "{}", e.name);
            }
        }
    }

    #[test]
    fn a_subdivision_has_its_own_holidays_and_the_countrys() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 6).unwrap();
        let by = country("DE", Some("BY")).unwrap();
        let de = country("DE", None).unwrap();
        assert!(by.contains(d).unwrap());
        assert!(!de.contains(d).unwrap());
        let xmas = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
        assert!(by.contains(xmas).unwrap() && de.contains(xmas).unwrap());
    }
}
