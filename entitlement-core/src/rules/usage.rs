//! Case counts: the per-incident allowance and quotas per period, with projections.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};

use super::Ruleset;
use super::case::Case;
use super::model::{Entitlement, Period, Quota};
use super::period::{midnight, period_bounds};
use super::replay::first_match;
use super::status::{EntitlementUsage, QuotaUse};
use crate::error::known_names;
use crate::error::{Error, Result};
use crate::time::to_us;

/// The cases of one entitlement that count toward one quota, with the instant each started
/// counting: its creation, or (with a filter) the first instant its fields matched.
#[derive(Clone, Copy)]
pub(crate) struct Counted<'a> {
    pub case: &'a Case,
    pub since: i64,
}

/// An entitlement's counted cases: all of them, and those of each quota (by index).
pub(crate) struct Counts<'a> {
    pub all: Vec<Counted<'a>>,
    pub quotas: Vec<Vec<Counted<'a>>>,
}

impl Ruleset {
    pub(crate) fn counted<'a>(
        &self,
        cases: &[&'a Case],
        quota: Option<&Quota>,
        now: i64,
    ) -> Result<Vec<Counted<'a>>> {
        let filter = quota.and_then(|q| q.filter.as_ref());
        let one = |c: &&'a Case| {
            first_match(c, filter, now)
                .map(|since| since.map(|since| Counted { case: c, since }))
                .map_err(|error| Error::InCase {
                    case: c.id.clone(),
                    error: Box::new(error),
                })
        };
        // A filter replays each case's log: on rayon's pool, in order, with the first
        // failing case's error (`parallel::par_map`).
        let found = if filter.is_some() {
            super::parallel::par_map(cases, one)?
        } else {
            cases.iter().map(one).collect::<Result<Vec<_>>>()?
        };
        Ok(found.into_iter().flatten().collect())
    }

    /// Counts the cases of one entitlement once, for its allowance and every quota.
    pub(crate) fn counts<'a>(
        &self,
        e: &Entitlement,
        mine: &[&'a Case],
        now: i64,
    ) -> Result<Counts<'a>> {
        let all = self.counted(mine, None, now)?;
        let mut quotas = Vec::with_capacity(e.quotas.len());
        for q in &e.quotas {
            quotas.push(if q.filter.is_some() {
                self.counted(mine, Some(q), now)?
            } else {
                all.clone()
            });
        }
        Ok(Counts { all, quotas })
    }

    /// The `[from, to)` instants of a period's days in the entitlement's zone.
    pub(crate) fn period_span(
        &self,
        e: &Entitlement,
        start: NaiveDate,
        end: NaiveDate,
    ) -> (i64, i64) {
        let tz = self.time_zone_of(e);
        (
            midnight(tz, start),
            end.checked_add_days(Days::new(1))
                .map(|d| midnight(tz, d))
                .unwrap_or(i64::MAX),
        )
    }

    /// One quota's use in the period that contains `day`.
    pub(crate) fn quota_use(
        &self,
        e: &Entitlement,
        q: &Quota,
        counted: &[Counted<'_>],
        day: NaiveDate,
        now: i64,
    ) -> QuotaUse {
        let (start, end) = period_bounds(q.period, day, e);
        let (from, to) = self.period_span(e, start, end);
        let used = counted
            .iter()
            .filter(|c| {
                let t = to_us(c.case.created_at);
                t >= from && t < to
            })
            .count() as u32;
        // A straight line through the period so far, to its end.
        let projected = if now <= from || now >= to || to == i64::MAX {
            f64::from(used)
        } else {
            f64::from(used) * (to - from) as f64 / (now - from) as f64
        };
        QuotaUse {
            name: q.name.clone(),
            period: q.period,
            period_start: start,
            period_end: end,
            max_cases: q.max_cases,
            used,
            remaining: q.max_cases.saturating_sub(used),
            projected,
            projected_over: projected > f64::from(q.max_cases),
        }
    }

    /// An entitlement's status at `now`, the cases raised under it up to `now` (of `cases`,
    /// which may hold other entitlements' cases too), and each quota's use in the period that
    /// contains `now`, with a linear projection to the period's end. A case counts toward a
    /// filtered quota from the first moment its fields match the filter, in the period in which
    /// it was created.
    ///
    /// ```
    /// use entitlement_core::rules::{Case, Ruleset};
    /// let rules = Ruleset::from_value(&serde_json::json!({
    ///     "processes": [{"id": "p", "milestones": [{"name": "R", "kind": "resolution", "target": "8h"}]}],
    ///     "entitlements": [{"id": "e", "process": "p", "cases_per_entitlement": 10,
    ///                       "quotas": [{"period": "month", "max_cases": 4}]}]}))?;
    /// let case = |id: &str, at: &str| Case::from_value(&serde_json::json!(
    ///     {"id": id, "entitlement": "e", "created_at": at}));
    /// let cases = [case("a", "2026-11-02T10:00:00Z")?, case("b", "2026-11-10T10:00:00Z")?];
    /// let usage = rules.entitlement_usage("e", &cases, "2026-11-16T00:00:00Z".parse()?)?;
    /// assert_eq!((usage.cases_used, usage.cases_remaining), (2, Some(8)));
    /// // Two cases in the first half of November: four by its end.
    /// assert_eq!(usage.quotas[0].projected, 4.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn entitlement_usage(
        &self,
        entitlement: &str,
        cases: &[Case],
        now: DateTime<Utc>,
    ) -> Result<EntitlementUsage> {
        let e = self
            .entitlement(entitlement)
            .ok_or_else(|| Error::UnknownEntitlement {
                path: "entitlement".into(),
                name: entitlement.to_string(),
                known: known_names(self.entitlements.iter().map(|e| e.id.as_str())),
            })?;
        let mine: Vec<&Case> = cases
            .iter()
            .filter(|c| c.entitlement.as_deref() == Some(entitlement))
            .collect();
        let counts = self.counts(e, &mine, to_us(now))?;
        Ok(self.usage_of(e, &counts, now))
    }

    pub(crate) fn usage_of(
        &self,
        e: &Entitlement,
        counts: &Counts<'_>,
        now: DateTime<Utc>,
    ) -> EntitlementUsage {
        let now_us = to_us(now);
        let used = counts.all.len() as u32;
        let day = now.with_timezone(&self.time_zone_of(e)).date_naive();
        let quotas = e
            .quotas
            .iter()
            .zip(&counts.quotas)
            .map(|(q, counted)| self.quota_use(e, q, counted, day, now_us))
            .collect();
        EntitlementUsage {
            entitlement: e.id.clone(),
            status: self.status_of(e, now_us),
            cases_used: used,
            cases_per_entitlement: e.cases_per_entitlement,
            cases_remaining: e.cases_per_entitlement.map(|a| a.saturating_sub(used)),
            quotas,
        }
    }
}

/// The first day of the period before the one that starts on `start`.
pub(crate) fn previous_period(period: Period, start: NaiveDate) -> Option<NaiveDate> {
    let months = match period {
        Period::Month => 1,
        Period::Quarter => 3,
        Period::Year => 12,
        Period::Term => return None,
    };
    start
        .checked_sub_months(Months::new(months))
        .filter(|d| d.year() >= 1)
}
