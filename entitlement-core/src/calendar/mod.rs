//! Business calendars: an IANA time zone, weekly hours, holidays and dated overrides; the
//! always-open calendar; unions of calendars. Every operation of `docs/semantics.md`.
//!
//! A [`Calendar`] is immutable and cheap to clone (an `Arc`); it compiles itself into an index of
//! UTC intervals lazily, one year at a time, and can be shared across threads.

mod batch;
mod business_days;
pub(crate) mod definition;
pub(crate) mod holiday;
pub(crate) mod hours;
mod index;
pub(crate) mod profile;
pub(crate) mod zone;

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, AtomicI64, Ordering};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use serde_json::Value;

pub use batch::{BatchError, MISSING};
pub use business_days::MAX_BUSINESS_DAYS;
pub use definition::{MAX_CALENDAR_ENTRIES, MAX_CALENDARS, MAX_INTERVALS_PER_DAY, MAX_UNION_PARTS};
pub use index::{MAX_KEPT_BYTES, MAX_KEPT_BYTES_PER_CALENDAR};

use self::holiday::Holiday;
use self::hours::LocalSpan;
use self::index::{
    Block, BlockCache, BlockRef, Reach, always_open_block, union_block, zoned_block,
};
use crate::document::{self, Format, as_object};
use crate::error::{Error, Result};
use crate::time::{
    MAX_MICROS, MAX_YEAR, MIN_MICROS, MIN_YEAR, check_instant, describe_us, duration_us, from_us,
    to_us, year_of,
};

/// The parts of a zoned calendar.
pub(crate) struct Zoned {
    pub tz: Tz,
    pub weekly: [Vec<LocalSpan>; 7],
    /// The document's own holidays, then the built-in holidays of its country entries.
    pub holidays: Vec<Holiday>,
    /// The index in the document's `holidays` list of each of the document's own holidays
    /// (the first `document_index.len()` of `holidays`).
    pub document_index: Vec<usize>,
    pub overrides: BTreeMap<NaiveDate, Vec<LocalSpan>>,
}

/// A calendar's parts, as the exporters see them.
pub(crate) enum Shape<'a> {
    AlwaysOpen,
    Zoned(&'a Zoned),
    Union,
}

enum Kind {
    AlwaysOpen,
    Zoned(Box<Zoned>),
    Union(Vec<Calendar>),
}

struct Inner {
    kind: Kind,
    cache: BlockCache,
    definition: Value,
    /// The UTC years outside which the calendar is certainly closed (a calendar whose only open
    /// time comes from dated overrides), so searches stop early instead of walking to year 9999.
    open_years: (i32, i32),
    /// The first year from which the calendar is known closed to year 9999: from a holiday that
    /// closes every remaining day, or from an earlier search that found no opening. Later
    /// searches stop there (a union of 16 such calendars took 8 s a call, every call).
    closed_from: AtomicI32,
    /// The earliest instant (µs) known to start an opening that lasts to the end of the range,
    /// from an earlier `next_close` that walked there (`i64::MAX` while unknown). Later
    /// `next_close` calls at or after it answer at once (a 24x7 calendar took 0.7 s a call).
    open_to_end_from: AtomicI64,
}

/// The most compiling one query may do: the openings of the years it compiles (a union year
/// also counts the openings of its parts) plus [`YEAR_COMPILE_COST`] a year. A year compiled
/// once keeps its total, so a query past the limit, repeated, goes further each time.
/// Mon–Fri 09–12/13–17 compiles years 1 to 9999 in one query (about 5.8 million); at 96
/// openings a day one query compiles about 220 years.
///
/// ```no_run
/// use entitlement_core::Calendar;
/// let day: Vec<String> = (0..96)
///     .map(|i| format!("{:02}:{:02}-{:02}:{:02}", i / 4, i % 4 * 15, i / 4, i % 4 * 15 + 10))
///     .collect();
/// let dense = Calendar::from_value(&serde_json::json!({"time_zone": "UTC", "hours": {"mon": day}}))?;
/// let e = dense.elapsed_micros(entitlement_core::MIN_MICROS, entitlement_core::MAX_MICROS).unwrap_err();
/// assert_eq!(e.code(), "limit_exceeded");
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub const MAX_COMPILED_PER_QUERY: usize = 8_000_000;
/// What compiling one year counts toward [`MAX_COMPILED_PER_QUERY`] besides its openings: a
/// year closed by holidays still costs the holidays' dates.
pub const YEAR_COMPILE_COST: usize = 64;
/// The most openings the parts of a union may have in one UTC year together (the union's year
/// is compiled from all of them at once). 28 parts of 96 openings every day fit.
pub const MAX_UNION_YEAR_OPENINGS: usize = 1_000_000;
/// The most intervals one `open_intervals` call returns (about 380 years of Mon–Fri
/// 09–12/13–17, 2.8 years of 96 openings a day); a longer answer is refused before it is built.
///
/// ```
/// let cal = entitlement_core::Calendar::from_json(r#"{"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}}"#)?;
/// let e = cal.open_intervals_micros(0, entitlement_core::MAX_MICROS).unwrap_err();
/// assert_eq!(e.code(), "limit_exceeded");
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub const MAX_OPEN_INTERVALS: usize = 100_000;

/// The compiling done by one query, against [`MAX_COMPILED_PER_QUERY`].
struct Work {
    operation: &'static str,
    spent: usize,
}

impl Work {
    #[inline]
    fn new(operation: &'static str) -> Work {
        Work {
            operation,
            spent: 0,
        }
    }

    fn spend(&mut self, amount: usize) -> Result<()> {
        self.spent = self.spent.saturating_add(amount);
        if self.spent > MAX_COMPILED_PER_QUERY {
            return Err(Error::LimitExceeded {
                path: self.operation.to_string(),
                reason: format!(
                    "the query needs more than {MAX_COMPILED_PER_QUERY} openings of years not \
                     compiled yet (docs/performance.md, \"Bounds on hostile input\"); the years \
                     compiled so far are kept, so repeating it, or splitting the span, goes further"
                ),
            });
        }
        Ok(())
    }
}

/// A business calendar.
///
/// Business time is real elapsed time inside the open intervals; see `docs/semantics.md`
/// for every rule (half-open intervals, the compatible DST rule, stays-at-close).
///
/// ```
/// use entitlement_core::Calendar;
/// use chrono::{DateTime, TimeDelta};
///
/// let cal = Calendar::from_yaml(r#"
/// time_zone: America/New_York
/// hours: { mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"],
///          thu: ["09:00-17:00"], fri: ["09:00-17:00"] }
/// holidays: [ { name: Spring closure, date: 2026-03-09 } ]
/// "#).unwrap();
/// let t = DateTime::parse_from_rfc3339("2026-03-06T16:00:00-05:00").unwrap().to_utc();
/// let due = cal.add(t, TimeDelta::hours(8)).unwrap();
/// assert_eq!(due, DateTime::parse_from_rfc3339("2026-03-10T16:00:00-04:00").unwrap());
/// ```
#[derive(Clone)]
pub struct Calendar {
    inner: Arc<Inner>,
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.kind {
            Kind::AlwaysOpen => f.write_str("Calendar(always_open)"),
            Kind::Zoned(z) => write!(f, "Calendar({})", z.tz.name()),
            Kind::Union(parts) => f.debug_tuple("Calendar::union").field(parts).finish(),
        }
    }
}

impl Calendar {
    fn new(kind: Kind, definition: Value, open_years: (i32, i32), closed_from: i32) -> Calendar {
        // The always-open calendar is open to the end from the start of the range.
        let open_to_end_from = if matches!(kind, Kind::AlwaysOpen) {
            i64::MIN
        } else {
            i64::MAX
        };
        Calendar {
            inner: Arc::new(Inner {
                kind,
                cache: BlockCache::new(),
                definition,
                open_years,
                closed_from: AtomicI32::new(closed_from),
                open_to_end_from: AtomicI64::new(open_to_end_from),
            }),
        }
    }

    pub(crate) fn zoned(z: Zoned, definition: Value) -> Calendar {
        let open_years = if z.weekly.iter().any(|w| !w.is_empty()) {
            (MIN_YEAR, MAX_YEAR)
        } else {
            use chrono::Datelike;
            let mut dated = z
                .overrides
                .iter()
                .filter(|(_, s)| !s.is_empty())
                .map(|(d, _)| d.year());
            let first = dated.next().unwrap_or(MIN_YEAR);
            let last = z
                .overrides
                .iter()
                .rev()
                .find(|(_, s)| !s.is_empty())
                .map_or(MAX_YEAR, |(d, _)| d.year());
            ((first - 1).max(MIN_YEAR), (last + 1).min(MAX_YEAR))
        };
        // An interval of a local date before the closure can reach into the next UTC year.
        let closed_from =
            holiday::closed_from(&z.holidays, &z.overrides).map_or(MAX_YEAR + 1, |d| {
                use chrono::Datelike;
                d.year().saturating_add(2)
            });
        Calendar::new(
            Kind::Zoned(Box::new(z)),
            definition,
            open_years,
            closed_from,
        )
    }

    pub(crate) fn always_open_with(definition: Value) -> Calendar {
        Calendar::new(
            Kind::AlwaysOpen,
            definition,
            (MIN_YEAR, MAX_YEAR),
            MAX_YEAR + 1,
        )
    }

    pub(crate) fn union_with(
        parts: &[Calendar],
        definition: Value,
        path: &str,
    ) -> Result<Calendar> {
        if parts.is_empty() {
            return Err(Error::InvalidValue {
                path: path.to_string(),
                reason: "a union needs at least one calendar".into(),
            });
        }
        if parts.len() > MAX_UNION_PARTS {
            return Err(Error::LimitExceeded {
                path: path.to_string(),
                reason: format!(
                    "{} calendars in one union; the limit is {MAX_UNION_PARTS}",
                    parts.len()
                ),
            });
        }
        let open_years = parts.iter().fold((MAX_YEAR, MIN_YEAR), |(a, b), c| {
            (a.min(c.inner.open_years.0), b.max(c.inner.open_years.1))
        });
        let closed_from = parts
            .iter()
            .map(|c| c.inner.closed_from.load(Ordering::Relaxed))
            .max()
            .unwrap_or(MAX_YEAR + 1);
        Ok(Calendar::new(
            Kind::Union(parts.to_vec()),
            definition,
            open_years,
            closed_from,
        ))
    }

    /// Builds a calendar from its document definition (the shape of one entry under
    /// `calendars:`): `{time_zone, hours, holidays, overrides}`, `{always_open: true}`, or
    /// `{union: [...]}` of inline definitions. Errors name the path inside the definition.
    ///
    /// ```
    /// use entitlement_core::Calendar;
    /// let v = serde_json::json!({"time_zone": "Europe/London", "hours": {"mon": ["09:00-17:00"]}});
    /// let cal = Calendar::from_value(&v).unwrap();
    /// assert_eq!(cal.time_zone(), Some("Europe/London"));
    /// let bad = serde_json::json!({"time_zone": "UTC", "hours": {"mon": ["9-5"]}});
    /// assert!(Calendar::from_value(&bad).unwrap_err().to_string().starts_with("hours.mon[0]"));
    /// ```
    pub fn from_value(definition: &Value) -> Result<Calendar> {
        definition::build(definition, "", &mut definition::NoNames, 0).map_err(Error::in_document)
    }

    /// Parses one calendar definition written as JSON.
    ///
    /// ```
    /// let cal = entitlement_core::Calendar::from_json(r#"{"always_open": true}"#).unwrap();
    /// assert_eq!(cal.time_zone(), None);
    /// ```
    pub fn from_json(text: &str) -> Result<Calendar> {
        Calendar::from_value(&document::parse(text, Format::Json)?)
    }

    /// Parses one calendar definition written as YAML.
    ///
    /// ```
    /// let cal = entitlement_core::Calendar::from_yaml("time_zone: UTC\nhours: { sat: [\"10:00-14:00\"] }").unwrap();
    /// assert_eq!(cal.time_zone(), Some("UTC"));
    /// ```
    pub fn from_yaml(text: &str) -> Result<Calendar> {
        Calendar::from_value(&document::parse(text, Format::Yaml)?)
    }

    /// Parses one calendar definition written as TOML.
    ///
    /// ```
    /// let cal = entitlement_core::Calendar::from_toml("time_zone = \"UTC\"\n[hours]\nmon = [\"09:00-17:00\"]\n").unwrap();
    /// assert_eq!(cal.time_zone(), Some("UTC"));
    /// ```
    pub fn from_toml(text: &str) -> Result<Calendar> {
        Calendar::from_value(&document::parse(text, Format::Toml)?)
    }

    /// The built-in public holidays of a country, or of one of its subdivisions (which has the
    /// country's holidays and its own): the same as [`crate::holidays::country`], and what a
    /// calendar's `holidays: [{country: .., subdivision: ..}]` entry closes.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use entitlement_core::Calendar;
    /// let ny = Calendar::country_holidays("US", Some("NY"))?;
    /// assert!(ny.contains(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())?); // Thanksgiving
    /// let cal = Calendar::from_json(r#"{"time_zone": "America/New_York",
    ///     "hours": {"thu": ["09:00-17:00"], "fri": ["09:00-17:00"]},
    ///     "holidays": [{"country": "US", "subdivision": "NY"}]}"#)?;
    /// let wed = "2026-11-25T22:00:00Z".parse()?;
    /// let due = cal.add(wed, chrono::TimeDelta::hours(1))?;
    /// assert_eq!(due, "2026-11-27T15:00:00Z".parse::<chrono::DateTime<chrono::Utc>>()?);
    /// // The entry is kept as written.
    /// assert_eq!(cal.to_value()["holidays"][0], serde_json::json!({"country": "US", "subdivision": "NY"}));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn country_holidays(
        country: &str,
        subdivision: Option<&str>,
    ) -> Result<crate::holidays::CountryHolidays> {
        crate::holidays::country(country, subdivision)
    }

    /// The 24×7 calendar: business time equals real time.
    ///
    /// ```
    /// use entitlement_core::Calendar;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// let t = Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).unwrap();
    /// assert_eq!(Calendar::always_open().add(t, TimeDelta::hours(5)).unwrap(), t + TimeDelta::hours(5));
    /// ```
    pub fn always_open() -> Calendar {
        Calendar::always_open_with(serde_json::json!({"always_open": true}))
    }

    /// The union of calendars ("follow the sun"): open whenever any of them is open.
    ///
    /// ```
    /// use entitlement_core::Calendar;
    /// let london = Calendar::from_json(r#"{"time_zone": "Europe/London", "hours": {"mon": ["09:00-17:00"]}}"#).unwrap();
    /// let ny = Calendar::from_json(r#"{"time_zone": "America/New_York", "hours": {"mon": ["09:00-17:00"]}}"#).unwrap();
    /// let sun = Calendar::union(&[london, ny]).unwrap();
    /// assert!(Calendar::union(&[]).is_err());
    /// # let _ = sun;
    /// ```
    pub fn union(calendars: &[Calendar]) -> Result<Calendar> {
        let definition = Value::Object(
            [(
                "union".to_string(),
                Value::Array(calendars.iter().map(Calendar::to_value).collect()),
            )]
            .into_iter()
            .collect(),
        );
        Calendar::union_with(calendars, definition, "union")
    }

    /// The IANA name of the calendar's time zone; `None` for the always-open calendar and unions.
    ///
    /// ```
    /// assert_eq!(entitlement_core::Calendar::always_open().time_zone(), None);
    /// ```
    pub fn time_zone(&self) -> Option<&str> {
        match &self.inner.kind {
            Kind::Zoned(z) => Some(z.tz.name()),
            _ => None,
        }
    }

    /// The calendar's definition, as it was given (named union members stay names).
    ///
    /// ```
    /// let cal = entitlement_core::Calendar::always_open();
    /// assert_eq!(cal.to_value(), serde_json::json!({"always_open": true}));
    /// ```
    pub fn to_value(&self) -> Value {
        self.inner.definition.clone()
    }

    /// The calendar's parts, for the exporters (`crate::export`), which match on them
    /// exhaustively so that a new kind of calendar cannot be skipped silently.
    pub(crate) fn shape(&self) -> Shape<'_> {
        match &self.inner.kind {
            Kind::AlwaysOpen => Shape::AlwaysOpen,
            Kind::Zoned(z) => Shape::Zoned(z),
            Kind::Union(_) => Shape::Union,
        }
    }

    /// The compiled block of a UTC year, compiling it (counted against `work`) if needed.
    #[inline]
    fn block(&self, year: i32, work: &mut Work) -> Result<BlockRef<'_>> {
        match self.inner.cache.get(year) {
            Some(b) => Ok(b),
            None => self.compile(year, work),
        }
    }

    #[cold]
    fn compile(&self, year: i32, work: &mut Work) -> Result<BlockRef<'_>> {
        let block = match &self.inner.kind {
            Kind::AlwaysOpen => always_open_block(year),
            Kind::Zoned(z) => {
                if year < self.inner.open_years.0 || year > self.last_year() {
                    Block::default_for(year)
                } else {
                    zoned_block(z, year)
                }
            }
            Kind::Union(parts) => {
                let mut blocks = Vec::with_capacity(parts.len());
                let mut openings = 0usize;
                for p in parts {
                    let b = p.block(year, work)?;
                    openings += b.iv.len();
                    if openings > MAX_UNION_YEAR_OPENINGS {
                        return Err(Error::LimitExceeded {
                            path: work.operation.to_string(),
                            reason: format!(
                                "the calendars of the union have more than \
                                 {MAX_UNION_YEAR_OPENINGS} openings in the year {year} together"
                            ),
                        });
                    }
                    blocks.push(b);
                }
                work.spend(openings)?;
                union_block(year, &blocks)
            }
        };
        let b = self.inner.cache.insert(year, block);
        work.spend(YEAR_COMPILE_COST + b.iv.len())?;
        Ok(b)
    }

    /// The business time of a whole UTC year.
    #[inline]
    fn total(&self, year: i32, work: &mut Work) -> Result<i64> {
        match self.inner.cache.total(year) {
            Some(t) => Ok(t),
            None => Ok(self.compile(year, work)?.total),
        }
    }

    #[inline]
    fn last_year(&self) -> i32 {
        self.inner
            .open_years
            .1
            .min(self.inner.closed_from.load(Ordering::Relaxed) - 1)
    }

    /// Remembers that a search found no opening from `year` to year 9999.
    fn closed_from(&self, year: i32) {
        self.inner.closed_from.fetch_min(year, Ordering::Relaxed);
    }

    fn first_year(&self) -> i32 {
        self.inner.open_years.0
    }

    /// Business time in `[a, b)`, in microseconds; negative when `b < a`.
    ///
    /// ```
    /// let cal = entitlement_core::Calendar::always_open();
    /// assert_eq!(cal.elapsed_micros(5, 2).unwrap(), -3);
    /// ```
    pub fn elapsed_micros(&self, a: i64, b: i64) -> Result<i64> {
        check_instant(a, "elapsed: the start")?;
        check_instant(b, "elapsed: the end")?;
        let mut work = Work::new("elapsed");
        if b < a {
            return Ok(-self.elapsed_ordered(b, a, &mut work)?);
        }
        self.elapsed_ordered(a, b, &mut work)
    }

    #[inline]
    fn elapsed_ordered(&self, a: i64, b: i64, work: &mut Work) -> Result<i64> {
        let (ya, yb) = (year_of(a), year_of(b));
        let ba = self.block(ya, work)?;
        if ya == yb {
            return Ok(ba.cum(b) - ba.cum(a));
        }
        let mut sum = ba.total - ba.cum(a);
        drop(ba);
        // Years wholly inside the span, by their totals; a calendar whose open years end early
        // adds nothing after. Known years are crossed at once by the running total.
        let last = self.last_year();
        let (from, to) = ((ya + 1).max(self.first_year()), (yb - 1).min(last));
        if let Some(between) = self.inner.cache.years_total(from, to) {
            return Ok(sum + between + self.block(yb, work)?.cum(b));
        }
        for y in (ya + 1)..yb {
            if y > last {
                break;
            }
            if y >= self.first_year() {
                sum += self.total(y, work)?;
            }
        }
        Ok(sum + self.block(yb, work)?.cum(b))
    }

    /// `add` in microseconds: for `d ≥ 0` the earliest `u ≥ t` with `elapsed(t, u) = d`; for
    /// `d < 0` the latest `u ≤ t` with `elapsed(u, t) = −d`.
    ///
    /// ```
    /// let cal = entitlement_core::Calendar::always_open();
    /// assert_eq!(cal.add_micros(10, 0).unwrap(), 10);
    /// assert_eq!(cal.add_micros(10, -4).unwrap(), 6);
    /// ```
    pub fn add_micros(&self, t: i64, d: i64) -> Result<i64> {
        self.shift("add", t, d)
    }

    fn shift(&self, op: &'static str, t: i64, d: i64) -> Result<i64> {
        // Messages are formatted only on failure: this is the hot path.
        if !(MIN_MICROS..=MAX_MICROS).contains(&t) {
            check_instant(t, &format!("{op}: the start"))?;
        }
        if d == 0 {
            return Ok(t);
        }
        if d.unsigned_abs() > (MAX_MICROS - MIN_MICROS) as u64 {
            return Err(Error::OutOfRange {
                what: format!(
                    "{op}: the duration ({} µs)",
                    if op == "sub" { d.saturating_neg() } else { d }
                ),
            });
        }
        let mut work = Work::new(op);
        let mut y = year_of(t);
        let b = self.block(y, &mut work)?;
        let mut target = b.cum(t) + d;
        // Whole years are crossed by their totals; only the year of the result needs its block.
        if d > 0 {
            let mut found = (target <= b.total).then(|| b.earliest_at(target));
            if found.is_none() {
                target -= b.total;
                drop(b);
                // Known years are crossed at once by the running total, and the walk below
                // goes on from where it stops (at the window's edge).
                match self.inner.cache.reach_up(y + 1, self.last_year(), target) {
                    Some(Reach::At { year, before }) => {
                        found = Some(self.block(year, &mut work)?.earliest_at(target - before));
                    }
                    Some(Reach::Short { year, sum }) => {
                        target -= sum;
                        y = year;
                    }
                    None => {}
                }
            }
            if found.is_none() {
                loop {
                    y += 1;
                    if y > self.last_year() {
                        // Years known closed (by a rule or an earlier search) give the error
                        // that walking them would have given.
                        return Err(self.beyond(op, t, self.inner.open_years.1 + 1));
                    }
                    let total = self.total(y, &mut work)?;
                    if target <= total {
                        found = Some(self.block(y, &mut work)?.earliest_at(target));
                        break;
                    }
                    target -= total;
                }
            }
            let u = found.unwrap_or(MAX_MICROS);
            // The end of year 9999's last opening is the first instant of year 10000.
            if u > MAX_MICROS {
                check_instant(u, &format!("{op}: the result"))?;
            }
            Ok(u)
        } else {
            // `target < cum(t) <= total`, so an opening at or after `target` exists in this year.
            if target >= 0 {
                return Ok(b.latest_at(target));
            }
            drop(b);
            match self
                .inner
                .cache
                .reach_down(y - 1, self.first_year(), -target)
            {
                Some(Reach::At { year, before }) => {
                    let b = self.block(year, &mut work)?;
                    return Ok(b.latest_at(target + before + b.total));
                }
                Some(Reach::Short { year, sum }) => {
                    target += sum;
                    y = year;
                }
                None => {}
            }
            loop {
                y -= 1;
                if y < self.first_year() {
                    return Err(if y < MIN_YEAR {
                        Error::OutOfRange {
                            what: format!(
                                "add: the result of going back {d} µs from {}",
                                describe_us(t)
                            ),
                        }
                    } else {
                        Error::NoOpening {
                            operation: "sub",
                            event: "open",
                            from: describe_us(t),
                        }
                    });
                }
                target += self.total(y, &mut work)?;
                if target >= 0 {
                    return Ok(self.block(y, &mut work)?.latest_at(target));
                }
            }
        }
    }

    fn open_to_end_from(&self) -> i64 {
        self.inner.open_to_end_from.load(Ordering::Relaxed)
    }

    /// Records that an opening starting at `start` lasts to the end of the range.
    fn open_to_end_from_at(&self, start: i64) {
        self.inner
            .open_to_end_from
            .fetch_min(start, Ordering::Relaxed);
    }

    fn beyond(&self, operation: &'static str, from: i64, year: i32) -> Error {
        if year > MAX_YEAR {
            Error::OutOfRange {
                what: format!(
                    "{operation}: the result (starting from {})",
                    describe_us(from)
                ),
            }
        } else {
            Error::NoOpening {
                operation,
                event: "open",
                from: describe_us(from),
            }
        }
    }

    /// `sub(t, d) = add(t, −d)`, in microseconds.
    ///
    /// ```
    /// let cal = entitlement_core::Calendar::always_open();
    /// assert_eq!(cal.sub_micros(10, 4).unwrap(), 6);
    /// ```
    pub fn sub_micros(&self, t: i64, d: i64) -> Result<i64> {
        let neg = d.checked_neg().ok_or_else(|| Error::OutOfRange {
            what: format!("sub: the duration ({d} µs)"),
        })?;
        self.shift("sub", t, neg)
    }

    /// Whether the calendar is open at `t` (microseconds); intervals are half-open.
    ///
    /// ```
    /// assert!(entitlement_core::Calendar::always_open().is_open_micros(0).unwrap());
    /// ```
    pub fn is_open_micros(&self, t: i64) -> Result<bool> {
        check_instant(t, "is_open: the instant")?;
        let b = self.block(year_of(t), &mut Work::new("is_open"))?;
        let k = b.first_ending_after(t);
        Ok(k < b.iv.len() && b.iv[k].0 <= t)
    }

    /// The first open instant at or after `t` (microseconds): `t` itself when open.
    ///
    /// ```
    /// assert_eq!(entitlement_core::Calendar::always_open().next_open_micros(7).unwrap(), 7);
    /// ```
    pub fn next_open_micros(&self, t: i64) -> Result<i64> {
        check_instant(t, "next_open: the instant")?;
        let mut work = Work::new("next_open");
        let mut y = year_of(t);
        let b = self.block(y, &mut work)?;
        let k = b.first_ending_after(t);
        if k < b.iv.len() {
            return Ok(b.iv[k].0.max(t));
        }
        drop(b);
        let from = y + 1;
        loop {
            y += 1;
            if y > self.last_year() {
                self.closed_from(from);
                return Err(Error::NoOpening {
                    operation: "next_open",
                    event: "open",
                    from: describe_us(t),
                });
            }
            if self.total(y, &mut work)? > 0 {
                return Ok(self.block(y, &mut work)?.iv[0].0);
            }
        }
    }

    /// The end of the opening that contains `t`, or when closed at `t`, the end of the next
    /// opening (microseconds). The always-open calendar never closes: an error.
    ///
    /// ```
    /// let e = entitlement_core::Calendar::always_open().next_close_micros(0).unwrap_err();
    /// assert_eq!(e.code(), "no_opening");
    /// ```
    pub fn next_close_micros(&self, t: i64) -> Result<i64> {
        check_instant(t, "next_close: the instant")?;
        let never = || Error::NoOpening {
            operation: "next_close",
            event: "close",
            from: describe_us(t),
        };
        if t >= self.open_to_end_from() {
            return Err(never());
        }
        let mut work = Work::new("next_close");
        let mut y = year_of(t);
        let mut b = self.block(y, &mut work)?;
        let mut k = b.first_ending_after(t);
        let from = y + 1;
        while k >= b.iv.len() {
            y += 1;
            if y > self.last_year() {
                self.closed_from(from);
                return Err(Error::NoOpening {
                    operation: "next_close",
                    event: "open",
                    from: describe_us(t),
                });
            }
            if self.total(y, &mut work)? == 0 {
                continue;
            }
            b = self.block(y, &mut work)?;
            k = 0;
        }
        let start = b.iv[k].0;
        let mut end = b.iv[k].1;
        // An opening that runs across the new year continues in the next block.
        while end == b.end {
            y += 1;
            if y > MAX_YEAR || y > self.last_year() || end >= self.open_to_end_from() {
                // Every instant from `start` on meets the same unbroken opening.
                self.open_to_end_from_at(start);
                return Err(never());
            }
            b = self.block(y, &mut work)?;
            match b.iv.first() {
                Some(&(s, e)) if s == end => end = e,
                _ => break,
            }
        }
        Ok(end)
    }

    /// The maximal open intervals inside `[a, b)`, clipped to it (microseconds).
    ///
    /// ```
    /// let iv = entitlement_core::Calendar::always_open().open_intervals_micros(3, 9).unwrap();
    /// assert_eq!(iv, vec![(3, 9)]);
    /// ```
    pub fn open_intervals_micros(&self, a: i64, b: i64) -> Result<Vec<(i64, i64)>> {
        check_instant(a, "open_intervals: the start")?;
        check_instant(b, "open_intervals: the end")?;
        let mut out: Vec<(i64, i64)> = Vec::new();
        if b <= a {
            return Ok(out);
        }
        let mut work = Work::new("open_intervals");
        let (ya, yb) = (year_of(a), year_of(b));
        // Counted first, year by year, so that an answer too long is refused before it is built.
        let mut count = 0usize;
        for y in ya..=yb.min(self.last_year()) {
            if self.total(y, &mut work)? == 0 {
                continue;
            }
            let block = self.block(y, &mut work)?;
            let from = block.first_ending_after(a);
            let to = block.iv.partition_point(|iv| iv.0 < b);
            count += to.saturating_sub(from);
            if count > MAX_OPEN_INTERVALS {
                return Err(Error::LimitExceeded {
                    path: "open_intervals".into(),
                    reason: format!(
                        "more than {MAX_OPEN_INTERVALS} open intervals between {} and {}; \
                         ask for a shorter span",
                        describe_us(a),
                        describe_us(b)
                    ),
                });
            }
        }
        out.reserve(count);
        for y in ya..=yb.min(self.last_year()) {
            if self.total(y, &mut work)? == 0 {
                continue;
            }
            let block = self.block(y, &mut work)?;
            for &(s, e) in &block.iv[block.first_ending_after(a)..] {
                if s >= b {
                    break;
                }
                let (s, e) = (s.max(a), e.min(b));
                match out.last_mut() {
                    Some(last) if last.1 == s => last.1 = e,
                    _ => out.push((s, e)),
                }
            }
        }
        Ok(out)
    }

    /// Business time in `[a, b)`; negative when `b < a`.
    ///
    /// ```
    /// use entitlement_core::Calendar;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// let cal = Calendar::from_json(r#"{"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}}"#).unwrap();
    /// let mon = Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
    /// assert_eq!(cal.elapsed(mon, mon + TimeDelta::hours(10)).unwrap(), TimeDelta::hours(8));
    /// ```
    pub fn elapsed(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Result<TimeDelta> {
        Ok(TimeDelta::microseconds(
            self.elapsed_micros(to_us(a), to_us(b))?,
        ))
    }

    /// For `d ≥ 0`, the earliest `u ≥ t` with `elapsed(t, u) = d` (a result at closing stays at
    /// closing; `add(t, 0) = t`); for `d < 0`, the latest `u ≤ t` with `elapsed(u, t) = −d`.
    ///
    /// ```
    /// use entitlement_core::Calendar;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// let cal = Calendar::from_json(r#"{"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"]}}"#).unwrap();
    /// let nine = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    /// assert_eq!(cal.add(nine, TimeDelta::hours(8)).unwrap(), Utc.with_ymd_and_hms(2026, 11, 23, 17, 0, 0).unwrap());
    /// ```
    pub fn add(&self, t: DateTime<Utc>, d: TimeDelta) -> Result<DateTime<Utc>> {
        from_us(self.add_micros(to_us(t), duration_us(d, "add: the duration")?)?)
    }

    /// `sub(t, d) = add(t, −d)`.
    ///
    /// ```
    /// use entitlement_core::Calendar;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// let t = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    /// assert_eq!(Calendar::always_open().sub(t, TimeDelta::hours(1)).unwrap(), t - TimeDelta::hours(1));
    /// ```
    pub fn sub(&self, t: DateTime<Utc>, d: TimeDelta) -> Result<DateTime<Utc>> {
        from_us(self.sub_micros(to_us(t), duration_us(d, "sub: the duration")?)?)
    }

    /// Whether the calendar is open at `t` (open at the start of an interval, closed at its end).
    ///
    /// ```
    /// use entitlement_core::Calendar;
    /// use chrono::{TimeZone, Utc};
    /// let cal = Calendar::from_json(r#"{"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}}"#).unwrap();
    /// assert!(cal.is_open(Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()).unwrap());
    /// assert!(!cal.is_open(Utc.with_ymd_and_hms(2026, 11, 23, 17, 0, 0).unwrap()).unwrap());
    /// ```
    pub fn is_open(&self, t: DateTime<Utc>) -> Result<bool> {
        self.is_open_micros(to_us(t))
    }

    /// The first open instant at or after `t` (`t` itself when open).
    ///
    /// ```
    /// use entitlement_core::Calendar;
    /// use chrono::{TimeZone, Utc};
    /// let cal = Calendar::from_json(r#"{"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}}"#).unwrap();
    /// let sat = Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap();
    /// assert_eq!(cal.next_open(sat).unwrap(), Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap());
    /// ```
    pub fn next_open(&self, t: DateTime<Utc>) -> Result<DateTime<Utc>> {
        from_us(self.next_open_micros(to_us(t))?)
    }

    /// The end of the opening containing `t`, or of the next opening when closed at `t`.
    ///
    /// ```
    /// use entitlement_core::Calendar;
    /// use chrono::{TimeZone, Utc};
    /// let cal = Calendar::from_json(r#"{"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}}"#).unwrap();
    /// let sat = Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap();
    /// assert_eq!(cal.next_close(sat).unwrap(), Utc.with_ymd_and_hms(2026, 11, 23, 17, 0, 0).unwrap());
    /// ```
    pub fn next_close(&self, t: DateTime<Utc>) -> Result<DateTime<Utc>> {
        from_us(self.next_close_micros(to_us(t))?)
    }

    /// The maximal open intervals inside `[a, b)`, clipped to it.
    ///
    /// ```
    /// use entitlement_core::Calendar;
    /// use chrono::{TimeZone, Utc};
    /// let cal = Calendar::from_json(r#"{"time_zone": "UTC", "hours": {"mon": ["09:00-12:00", "13:00-17:00"]}}"#).unwrap();
    /// let day = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
    /// let iv = cal.open_intervals(day, day + chrono::TimeDelta::days(1)).unwrap();
    /// assert_eq!(iv.len(), 2);
    /// ```
    pub fn open_intervals(
        &self,
        a: DateTime<Utc>,
        b: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
        self.open_intervals_micros(to_us(a), to_us(b))?
            .into_iter()
            .map(|(s, e)| Ok((from_us(s)?, from_us(e)?)))
            .collect()
    }
}

/// The named calendars of a document (its `calendars:` mapping), unions resolved by name.
///
/// ```
/// use entitlement_core::Calendars;
/// let doc = serde_json::json!({
///     "london": {"time_zone": "Europe/London", "hours": {"mon": ["09:00-17:00"]}},
///     "sun": {"union": ["london", {"always_open": true}]},
/// });
/// let cals = Calendars::from_value(&doc).unwrap();
/// assert!(cals.get("sun").is_some());
/// let e = Calendars::from_value(&serde_json::json!({"a": {"union": ["b"]}})).unwrap_err();
/// assert_eq!(e.code(), "unknown_calendar");
/// assert!(e.to_string().starts_with("calendars.a.union[0]"));
/// ```
///
/// ```
/// # let calendars = entitlement_core::doc_fixture::calendars();
/// assert_eq!(calendars.len(), 3);
/// assert_eq!(calendars.get("london").unwrap().time_zone(), Some("Europe/London"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Calendars {
    by_name: HashMap<String, Calendar>,
}

impl Calendars {
    /// Validates the `calendars:` mapping of a document; errors carry paths under `calendars`.
    ///
    /// ```
    /// use entitlement_core::Calendars;
    /// let calendars = Calendars::from_value(&serde_json::json!({
    ///     "london": {"time_zone": "Europe/London", "hours": {"mon": ["09:00-17:00"]}},
    ///     "follow-the-sun": {"union": ["london", {"always_open": true}]}}))?;
    /// assert!(calendars.get("follow-the-sun").is_some());
    /// let err = Calendars::from_value(&serde_json::json!({"u": {"union": ["nowhere"]}})).unwrap_err();
    /// assert_eq!(err.code(), "unknown_calendar");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_value(calendars: &Value) -> Result<Calendars> {
        Calendars::from_value_at(calendars, "calendars").map_err(Error::in_document)
    }

    pub(crate) fn from_value_at(calendars: &Value, path: &str) -> Result<Calendars> {
        let defs = as_object(calendars, path)?;
        if defs.len() > MAX_CALENDARS {
            return Err(Error::LimitExceeded {
                path: path.to_string(),
                reason: format!(
                    "{} calendars; a document may define at most {MAX_CALENDARS}",
                    defs.len()
                ),
            });
        }
        let mut named = definition::Named {
            defs,
            path: path.to_string(),
            done: HashMap::new(),
            visiting: Vec::new(),
        };
        let mut names: Vec<&String> = defs.keys().collect();
        names.sort();
        for name in names {
            let p = document::key_path(path, name);
            definition::Resolve::resolve(&mut named, name, &p)?;
        }
        Ok(Calendars {
            by_name: named.done,
        })
    }

    /// The calendar of that name.
    ///
    /// ```
    /// # let calendars = entitlement_core::doc_fixture::calendars();
    /// assert!(calendars.get("24x7").is_some());
    /// assert!(calendars.get("sydney").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self, name: &str) -> Option<&Calendar> {
        self.by_name.get(name)
    }

    /// The names of the calendars, sorted.
    ///
    /// ```
    /// # let calendars = entitlement_core::doc_fixture::calendars();
    /// assert_eq!(calendars.names(), vec!["24x7", "either", "london"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.by_name.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// The number of calendars.
    ///
    /// ```
    /// # let calendars = entitlement_core::doc_fixture::calendars();
    /// assert_eq!(calendars.len(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// Whether there are no calendars.
    ///
    /// ```
    /// # let calendars = entitlement_core::doc_fixture::calendars();
    /// assert!(!calendars.is_empty());
    /// assert!(entitlement_core::Calendars::from_value(&serde_json::json!({}))?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}
    #[test]
    fn calendars_are_send_and_sync() {
        assert_send_sync::<super::Calendar>();
        assert_send_sync::<super::Calendars>();
    }
}
