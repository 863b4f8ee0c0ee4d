//! What `Ruleset::check` asks of a calendar: the hours of its typical week, and which of its
//! holidays close no open time. Nothing here changes how a calendar computes.

use chrono::{Datelike, Days, NaiveDate};

use super::holiday::{Holiday, Rule, occurrences};
use super::hours::{DAY_S, LocalSpan};
use super::{Calendar, Kind, Zoned};

/// The most holiday dates one [`Calendar::moot_holidays`] pass over a whole document looks at
/// (a shared budget): a holiday is looked at year by year until one of its dates closes open
/// time, so real holidays cost a year or two; past the budget the remaining holidays are not
/// checked. At most [`HOLIDAY_YEARS`] years per holiday.
pub(crate) const HOLIDAY_DATE_BUDGET: usize = 1_000_000;
/// The years a recurring holiday is followed before it is said to fall on closed days only:
/// eight consecutive years put a fixed date on every weekday but, at worst, one.
pub(crate) const HOLIDAY_YEARS: i32 = 8;

/// A calendar's typical week, without holidays and overrides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Week {
    /// Always open.
    AlwaysOpen,
    /// Weekly hours: open seconds per week and the weekdays with any opening.
    Hours { seconds: u64, days: u32 },
    /// A union: no single week to describe.
    Union,
}

impl Calendar {
    /// The typical week of the calendar.
    pub(crate) fn week(&self) -> Week {
        match &self.inner.kind {
            Kind::AlwaysOpen => Week::AlwaysOpen,
            Kind::Union(_) => Week::Union,
            Kind::Zoned(z) => Week::Hours {
                seconds: z
                    .weekly
                    .iter()
                    .flatten()
                    .map(|s| u64::from(s.end.saturating_sub(s.start)))
                    .sum(),
                days: z.weekly.iter().filter(|d| !d.is_empty()).count() as u32,
            },
        }
    }

    /// The number of dated overrides (0 unless zoned).
    pub(crate) fn override_count(&self) -> usize {
        match &self.inner.kind {
            Kind::Zoned(z) => z.overrides.len(),
            _ => 0,
        }
    }

    /// The indices of the holidays that close no open time: each of whose dates (from
    /// `from_year`, at most [`HOLIDAY_YEARS`] years for a recurring rule) is closed by the weekly
    /// hours anyway, has an override of its own (overrides are exempt from holidays), or, for a
    /// partial-day holiday, closes hours that are not open. A holiday with no date in the window
    /// is not listed. `budget` counts the dates looked at; when it runs out the rest is skipped.
    pub(crate) fn moot_holidays(&self, from_year: i32, budget: &mut usize) -> Vec<usize> {
        let Kind::Zoned(z) = &self.inner.kind else {
            return Vec::new();
        };
        let mut out = Vec::new();
        // The document's own holidays only: a country's built-in holidays are not the author's
        // to check date by date.
        for (h, i) in z.holidays.iter().zip(&z.document_index) {
            if *budget == 0 {
                break;
            }
            if is_moot(z, h, from_year, budget) {
                out.push(*i);
            }
        }
        out
    }
}

/// Whether a holiday closes no open time (see [`Calendar::moot_holidays`]).
fn is_moot(z: &Zoned, h: &Holiday, from_year: i32, budget: &mut usize) -> bool {
    let one = std::slice::from_ref(h);
    let mut seen = false;
    let mut look = |from: NaiveDate, to: NaiveDate, budget: &mut usize| -> Option<bool> {
        let dates = occurrences(one, from, to);
        *budget = budget.saturating_sub(dates.len() + 1);
        seen |= !dates.is_empty();
        Some(dates.iter().any(|o| closes_open_time(z, o.date, h)))
    };
    let closes = match h.rule {
        // Observed shifts move a date by a few days at most.
        Rule::Date(d) => look(
            d.checked_sub_days(Days::new(7)).unwrap_or(d),
            d.checked_add_days(Days::new(7)).unwrap_or(d),
            budget,
        ),
        // Two weeks of a range meet every weekday twice.
        Rule::Range(a, b) => look(
            a,
            b.min(a.checked_add_days(Days::new(13)).unwrap_or(b)),
            budget,
        ),
        _ => {
            let first = [h.starts, recurs_start(h)]
                .into_iter()
                .flatten()
                .map(|d| d.year())
                .fold(from_year, i32::max);
            let first = match h.until {
                Some(u) if u.year() < first => (u.year() - HOLIDAY_YEARS + 1).max(1),
                _ => first,
            };
            let mut found = Some(false);
            for year in first..first.saturating_add(HOLIDAY_YEARS).min(9999) {
                let (Some(from), Some(to)) = (
                    NaiveDate::from_ymd_opt(year, 1, 1),
                    NaiveDate::from_ymd_opt(year, 12, 31),
                ) else {
                    break;
                };
                found = look(from, to, budget);
                if found == Some(true) || *budget == 0 {
                    break;
                }
            }
            if *budget == 0 && found != Some(true) {
                None // not looked at enough to say
            } else {
                found
            }
        }
    };
    seen && closes == Some(false)
}

fn recurs_start(h: &Holiday) -> Option<NaiveDate> {
    match &h.rule {
        Rule::Recurs(r) => Some(r.start),
        _ => None,
    }
}

/// Whether the holiday, on `date`, closes time that the weekly hours open.
fn closes_open_time(z: &Zoned, date: NaiveDate, h: &Holiday) -> bool {
    if z.overrides.contains_key(&date) {
        return false; // an override's hours are exempt from the day's holidays
    }
    let day = date.weekday().num_days_from_monday() as usize;
    let before = (day + 6) % 7;
    // The day's openings on its own clock: its own intervals, and yesterday's overnight tails
    // (unless yesterday has an override, whose hours replace the weekly ones).
    let yesterday_weekly = date
        .pred_opt()
        .is_some_and(|y| !z.overrides.contains_key(&y));
    let mut open: Vec<(i64, i64)> = z.weekly[day]
        .iter()
        .map(|s| (i64::from(s.start), i64::from(s.end)))
        .collect();
    if yesterday_weekly {
        open.extend(
            z.weekly[before]
                .iter()
                .filter(|s| s.end > DAY_S)
                .map(|s| (0, i64::from(s.end - DAY_S))),
        );
    }
    let closed: Vec<(i64, i64)> = match &h.hours {
        None => vec![(0, i64::from(DAY_S))],
        Some(spans) => spans
            .iter()
            .map(|s: &LocalSpan| (i64::from(s.start), i64::from(s.end)))
            .collect(),
    };
    open.iter()
        .any(|&(a, b)| closed.iter().any(|&(c, d)| a.max(c) < b.min(d)))
}
