//! The numbers of the pages, computed once and both drawn and embedded (as JSON) in the page.
//!
//! Every count comes from the core: the account's [`AccountPeriod`] (attainment, breaches, near
//! misses, percentiles, usage, the account context) and its outcome rows
//! ([`MonitorReport::outcomes_between`]: the monthly attainment, the weekly breaches, the log,
//! the distributions). Nothing is counted twice in two ways.
//!
//! ```
//! # let (rules, case, now) = entitlement_core::doc_fixture::gold();
//! # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
//! let day = now.date_naive();
//! let f = entitlement_report::qbr_figures(&rules, &report, "A-1", day, day, &Default::default())?;
//! let period = &report.account_periods(Some(day), Some(day))[0];
//! assert_eq!((f.breaches, f.attainment), (period.breaches, period.attainment));
//! assert_eq!(f.log.len(), 1);                     // the one violated first response
//! assert_eq!(f.log[0].outcome, "violated");
//! assert_eq!(f.first_response.buckets.len(), 8);  // 0–25% of the target … over 200%
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeDelta, Utc};
use entitlement_core::Ruleset;
use entitlement_core::rules::{
    AccountPeriod, EntitlementUsage, MilestoneKind, MilestoneOutcome, MonitorReport, Outcome,
};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{ReportError, ReportOptions};

/// Renewals this many days ahead (or fewer) count as near on the portfolio page.
pub const RENEWAL_HORIZON_DAYS: i64 = 90;

/// Seconds of a duration, as a float (microsecond resolution kept).
fn seconds(d: TimeDelta) -> f64 {
    d.num_microseconds()
        .map_or(d.num_seconds() as f64, |us| us as f64 / 1e6)
}

fn opt_seconds(d: Option<TimeDelta>) -> Option<f64> {
    d.map(seconds)
}

/// Met over decided, in percent (the core's rule).
fn attainment(met: u32, late: u32, violated: u32) -> Option<f64> {
    let decided = met + late + violated;
    (decided > 0).then(|| 100.0 * f64::from(met) / f64::from(decided))
}

/// Attainment of one milestone of one process over the whole period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MilestoneFigure {
    /// The process id.
    pub process: String,
    /// The milestone's name.
    pub milestone: String,
    /// Completed on time.
    pub met: u32,
    /// Completed late.
    pub late: u32,
    /// Open past the target.
    pub violated: u32,
    /// Open within the target.
    pub open: u32,
    /// Met with less than `monitor.near_miss` of the target left.
    pub near_misses: u32,
    /// Met over decided, in percent.
    pub attainment: Option<f64>,
    /// Whether the attainment is below the goal.
    pub below_goal: bool,
}

/// Attainment of one milestone in one month (of the reporting zone).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthFigure {
    /// `2026-07`.
    pub month: String,
    /// The process id.
    pub process: String,
    /// The milestone's name.
    pub milestone: String,
    /// Completed on time.
    pub met: u32,
    /// Completed late.
    pub late: u32,
    /// Open past the target.
    pub violated: u32,
    /// Open within the target.
    pub open: u32,
    /// Near misses.
    pub near_misses: u32,
    /// Met over decided, in percent.
    pub attainment: Option<f64>,
}

/// Breaches and near misses of the occurrences started in one week (Monday to Sunday).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeekFigure {
    /// The week's Monday.
    pub week_start: NaiveDate,
    /// Late or violated occurrences started that week.
    pub breaches: u32,
    /// Near misses started that week.
    pub near_misses: u32,
}

/// One row of the breach and near-miss log.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogRow {
    /// The case.
    pub case_id: String,
    /// The entitlement.
    pub entitlement: Option<String>,
    /// The process.
    pub process: Option<String>,
    /// The milestone.
    pub milestone: String,
    /// Its occurrence (1, 2, ...).
    pub instance: u32,
    /// `late`, `violated` or `met` (a near miss).
    pub outcome: &'static str,
    /// Whether it is a near miss.
    pub near_miss: bool,
    /// When its clock started.
    pub started_at: Option<DateTime<Utc>>,
    /// Its deadline.
    pub target_at: Option<DateTime<Utc>>,
    /// When it was completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// Its target, in business seconds.
    pub target_seconds: Option<f64>,
    /// Business time to spare (negative past the target), in seconds.
    pub margin_seconds: Option<f64>,
    /// The case's page (`monitor.links.case`), when the rules give a template.
    pub link: Option<String>,
}

/// One bar of a distribution: occurrences whose business time used was in a band of their
/// target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bucket {
    /// `0–25%`, …, `over 200%`.
    pub label: &'static str,
    /// The band's lower bound, in percent of the target (excluded, except for the first).
    pub from_percent: u32,
    /// Its upper bound (included), `None` for the last.
    pub to_percent: Option<u32>,
    /// Occurrences in the band.
    pub count: u32,
}

/// The distribution of business time to first response, or to resolution, against the target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimeFigure {
    /// `first_response` or `resolution`.
    pub kind: &'static str,
    /// Occurrences completed (on time or late) with a target.
    pub completed: u32,
    /// Of those, completed after their target.
    pub over_target: u32,
    /// The median business time (the account period's), in seconds.
    pub p50_seconds: Option<f64>,
    /// The 90th percentile (the account period's), in seconds.
    pub p90_seconds: Option<f64>,
    /// The bands of business time used over target.
    pub buckets: Vec<Bucket>,
}

/// The figures of the QBR page of one account.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QbrFigures {
    /// `qbr`.
    pub page: &'static str,
    /// The account id.
    pub account_id: String,
    /// The account name.
    pub account_name: Option<String>,
    /// The first day of the period.
    pub period_start: NaiveDate,
    /// The last day of the period (included).
    pub period_end: NaiveDate,
    /// The report's `now`.
    pub now: DateTime<Utc>,
    /// The attainment goal, in percent.
    pub goal: f64,
    /// The currency of ARR (`monitor.currency`).
    pub currency: String,
    /// ARR.
    pub arr: Option<f64>,
    /// The renewal date.
    pub renewal_date: Option<NaiveDate>,
    /// Days from `now` to the renewal date.
    pub days_to_renewal: Option<i64>,
    /// The executive sponsor.
    pub executive_sponsor: Option<String>,
    /// The customer success manager.
    pub csm: Option<String>,
    /// The account's entitlements.
    pub entitlements: Vec<String>,
    /// Cases with an occurrence started in the period.
    pub cases: u32,
    /// Met occurrences.
    pub met: u32,
    /// Late occurrences.
    pub late: u32,
    /// Violated occurrences.
    pub violated: u32,
    /// Open occurrences.
    pub open: u32,
    /// Late plus violated.
    pub breaches: u32,
    /// Near misses.
    pub near_misses: u32,
    /// Met over decided, in percent.
    pub attainment: Option<f64>,
    /// Per process and milestone.
    pub attainment_by_milestone: Vec<MilestoneFigure>,
    /// Every month of the period (`2026-07`), in order.
    pub months: Vec<String>,
    /// Per month, process and milestone (months without an occurrence left out).
    pub monthly: Vec<MonthFigure>,
    /// Every week that meets the period, Monday first.
    pub weekly: Vec<WeekFigure>,
    /// The breach and near-miss log, by start.
    pub log: Vec<LogRow>,
    /// Business time to first response against the target.
    pub first_response: TimeFigure,
    /// Business time to resolution against the target.
    pub resolution: TimeFigure,
    /// Cases raised under the account's entitlements up to `now`.
    pub cases_used: u32,
    /// The per-incident allowances summed.
    pub cases_allowed: Option<u32>,
    /// A quota is projected to be exceeded by the end of its period.
    pub projected_over: bool,
    /// Exceeded a quota in enough recent periods (`monitor.chronic`).
    pub chronic_over_consumer: bool,
    /// Recent complete periods in which a quota was exceeded.
    pub over_quota_periods: u32,
    /// Per entitlement: the allowance and quotas, with projections.
    pub usage: Vec<EntitlementUsage>,
    /// The text summary, one sentence per item.
    pub summary: Vec<String>,
}

/// One account on the portfolio page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PortfolioAccount {
    /// The account id.
    pub account_id: String,
    /// The account name.
    pub account_name: Option<String>,
    /// ARR.
    pub arr: Option<f64>,
    /// Attainment over the period, in percent.
    pub attainment: Option<f64>,
    /// Cases with an occurrence started in the period.
    pub cases: u32,
    /// Breaches in the period.
    pub breaches: u32,
    /// Near misses in the period.
    pub near_misses: u32,
    /// The renewal date.
    pub renewal_date: Option<NaiveDate>,
    /// Days from `now` to it.
    pub days_to_renewal: Option<i64>,
    /// Cases raised up to `now`.
    pub cases_used: u32,
    /// The per-incident allowances summed.
    pub cases_allowed: Option<u32>,
    /// A quota is projected to be exceeded.
    pub projected_over: bool,
    /// A chronic over-consumer.
    pub chronic_over_consumer: bool,
    /// Recent complete periods over a quota.
    pub over_quota_periods: u32,
}

impl PortfolioAccount {
    /// Over-consuming: projected over a quota, chronic, or over a quota in a recent period.
    ///
    /// ```
    /// # let (rules, cases, now) = entitlement_core::doc_fixture::quota();
    /// # let report = rules.monitor(&cases, now, None)?;
    /// let day = now.date_naive();
    /// let f = entitlement_report::portfolio_figures(&rules, &report, day, day, &Default::default())?;
    /// assert!(f.accounts[0].over_consuming());   // three cases against a monthly quota of two
    /// assert_eq!(f.over_consuming, [f.accounts[0].account_id.clone()]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn over_consuming(&self) -> bool {
        self.projected_over || self.chronic_over_consumer || self.over_quota_periods > 0
    }

    /// Renews within [`RENEWAL_HORIZON_DAYS`] of `now` and had a breach in the period.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// let day = now.date_naive();
    /// let f = entitlement_report::portfolio_figures(&rules, &report, day, day, &Default::default())?;
    /// let acme = &f.accounts[0];
    /// assert_eq!(acme.renewal_at_risk(), acme.days_to_renewal.is_some_and(|d| d <= 90));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn renewal_at_risk(&self) -> bool {
        self.breaches > 0
            && self
                .days_to_renewal
                .is_some_and(|d| (0..=RENEWAL_HORIZON_DAYS).contains(&d))
    }
}

/// The figures of the portfolio page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PortfolioFigures {
    /// `portfolio`.
    pub page: &'static str,
    /// The first day of the period.
    pub period_start: NaiveDate,
    /// The last day of the period.
    pub period_end: NaiveDate,
    /// The report's `now`.
    pub now: DateTime<Utc>,
    /// The attainment goal, in percent.
    pub goal: f64,
    /// The currency of ARR.
    pub currency: String,
    /// Every account with cases, by ARR (largest first), then id.
    pub accounts: Vec<PortfolioAccount>,
    /// Accounts renewing within 90 days that had breaches in the period (soonest first).
    pub renewals_at_risk: Vec<String>,
    /// Over-consuming accounts (by ARR).
    pub over_consuming: Vec<String>,
}

/// A string or a number of a JSON value, as text.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A person of the account context: a string, or an object's `name`.
fn person(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Object(o) => text(o.get("name")),
        other => text(Some(other)),
    }
}

/// The account id of an entitlement's account context (else the entitlement id), as the
/// rollups key it.
fn account_key(id: &str, account: &Map<String, Value>) -> String {
    text(account.get("id")).unwrap_or_else(|| id.to_string())
}

/// The first day of each month that meets `[from, to]`.
fn months(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    while let Some(first) = NaiveDate::from_ymd_opt(y, m, 1) {
        if first > to {
            break;
        }
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// The Mondays of the weeks that meet `[from, to]`.
fn weeks(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let back = u64::from(from.weekday().num_days_from_monday());
    let mut day = from.checked_sub_days(Days::new(back)).unwrap_or(from);
    let mut out = Vec::new();
    while day <= to {
        out.push(day);
        match day.checked_add_days(Days::new(7)) {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

/// The date an occurrence started, in its reporting zone.
fn local_start(row: &MilestoneOutcome) -> Option<NaiveDate> {
    let at = row.started_at?;
    Some(match row.reporting_time_zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => at.with_timezone(&tz).date_naive(),
        Err(_) => at.date_naive(),
    })
}

/// The percent-encoding of a link's values (RFC 3986 unreserved characters kept), as the
/// monitor's alerts do.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `monitor.links` template (validated by the core when the rules loaded) filled with a
/// row's values; `None` when one is missing.
fn link(template: &str, row: &MilestoneOutcome) -> Option<String> {
    let mut url = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        url.push_str(&rest[..open]);
        let close = rest[open..].find('}')? + open;
        let value = match &rest[open + 1..close] {
            "case_id" => Some(row.case_id.clone()),
            "account_id" => row.account_id.clone(),
            "entitlement" => row.entitlement.clone(),
            _ => None,
        }?;
        url.push_str(&percent_encode(&value));
        rest = &rest[close + 1..];
    }
    url.push_str(rest);
    Some(url)
}

/// The bands of [`Bucket`]: upper bounds in percent of the target (the last has none).
const BANDS: [(&str, u32, Option<u32>); 8] = [
    ("0–25%", 0, Some(25)),
    ("25–50%", 25, Some(50)),
    ("50–75%", 50, Some(75)),
    ("75–90%", 75, Some(90)),
    ("90–100%", 90, Some(100)),
    ("100–150%", 100, Some(150)),
    ("150–200%", 150, Some(200)),
    ("over 200%", 200, None),
];

/// The distribution of one kind's completed occurrences.
fn distribution(
    rows: &[&MilestoneOutcome],
    kind: MilestoneKind,
    p50: Option<TimeDelta>,
    p90: Option<TimeDelta>,
) -> TimeFigure {
    let mut counts = [0u32; BANDS.len()];
    let (mut completed, mut over) = (0u32, 0u32);
    for row in rows.iter().filter(|r| r.kind == kind) {
        let (Some(target), Some(_)) = (row.target, row.completed_at) else {
            continue;
        };
        let (Some(used), Some(target)) = (
            row.elapsed.num_microseconds(),
            target.num_microseconds().filter(|t| *t > 0),
        ) else {
            continue;
        };
        completed += 1;
        over += u32::from(matches!(row.outcome, Outcome::Late));
        // Exact integer comparisons: `used / target ≤ bound / 100`, no float at the edges.
        let used = i128::from(used) * 100;
        let target = i128::from(target);
        let band = BANDS
            .iter()
            .position(|(_, _, to)| to.is_none_or(|to| used <= i128::from(to) * target))
            .unwrap_or(BANDS.len() - 1);
        counts[band] += 1;
    }
    TimeFigure {
        kind: kind.as_str(),
        completed,
        over_target: over,
        p50_seconds: opt_seconds(p50),
        p90_seconds: opt_seconds(p90),
        buckets: BANDS
            .iter()
            .zip(counts)
            .map(|(&(label, from_percent, to_percent), count)| Bucket {
                label,
                from_percent,
                to_percent,
                count,
            })
            .collect(),
    }
}

/// The account ids of the rules, with the entitlements and account context of each.
fn accounts_of(rules: &Ruleset) -> BTreeMap<String, (Vec<String>, Map<String, Value>)> {
    let mut out: BTreeMap<String, (Vec<String>, Map<String, Value>)> = BTreeMap::new();
    for e in rules.entitlements() {
        let key = account_key(&e.id, &e.account);
        let entry = out
            .entry(key)
            .or_insert_with(|| (Vec::new(), (*e.account).clone()));
        entry.0.push(e.id.clone());
    }
    out
}

/// An account of the rules without an [`AccountPeriod`] (no case under its entitlements).
fn empty_period(
    account_id: &str,
    entitlements: &[String],
    context: &Map<String, Value>,
    now: DateTime<Utc>,
) -> AccountPeriod {
    let renewal_date = context
        .get("renewal_date")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<NaiveDate>().ok());
    let mut p = AccountPeriod {
        account_id: account_id.to_string(),
        account_name: text(context.get("name")),
        period_start: None,
        period_end: None,
        entitlements: entitlements.to_vec(),
        cases: 0,
        met: 0,
        late: 0,
        violated: 0,
        open: 0,
        breaches: 0,
        near_misses: 0,
        attainment: None,
        attainment_by_milestone: Vec::new(),
        first_response_p50: None,
        first_response_p90: None,
        resolution_p50: None,
        resolution_p90: None,
        cases_used: 0,
        cases_allowed: None,
        usage: Vec::new(),
        projected_over: false,
        chronic_over_consumer: false,
        over_quota_periods: 0,
        arr: context.get("arr").and_then(Value::as_f64),
        renewal_date,
        days_to_renewal: renewal_date.map(|d| (d - now.date_naive()).num_days()),
        executive_sponsor: person(context.get("executive_sponsor")),
        csm: person(context.get("csm")),
        account: context.clone(),
    };
    p.entitlements.sort();
    p
}

pub(crate) fn qbr(
    rules: &Ruleset,
    report: &MonitorReport,
    account: &str,
    from: NaiveDate,
    to: NaiveDate,
    options: &ReportOptions,
) -> Result<QbrFigures, ReportError> {
    let known = accounts_of(rules);
    let Some((entitlements, context)) = known.get(account) else {
        return Err(ReportError::UnknownAccount {
            account: account.to_string(),
            known: known.keys().cloned().collect(),
        });
    };
    let period = report
        .account_periods(Some(from), Some(to))
        .into_iter()
        .find(|p| p.account_id == account)
        .unwrap_or_else(|| empty_period(account, entitlements, context, report.now));
    let all_rows = report.outcomes_between(from, to);
    let rows: Vec<&MilestoneOutcome> = all_rows
        .iter()
        .filter(|r| {
            r.entitlement
                .as_ref()
                .is_some_and(|e| entitlements.contains(e))
        })
        .collect();
    let goal = options.goal;

    let attainment_by_milestone = period
        .attainment_by_milestone
        .iter()
        .map(|m| MilestoneFigure {
            process: m.process.clone(),
            milestone: m.milestone.clone(),
            met: m.met,
            late: m.late,
            violated: m.violated,
            open: m.open,
            near_misses: m.near_misses,
            attainment: m.attainment,
            below_goal: m.attainment.is_some_and(|a| a < goal),
        })
        .collect();

    // Per month and milestone, in the order of `attainment_by_milestone`.
    let order: Vec<(String, String)> = period
        .attainment_by_milestone
        .iter()
        .map(|m| (m.process.clone(), m.milestone.clone()))
        .collect();
    let mut by_month: BTreeMap<(String, usize), [u32; 5]> = BTreeMap::new();
    let mut extra: Vec<(String, String)> = Vec::new();
    for r in &rows {
        let Some(month) = r.month.clone() else {
            continue;
        };
        let key = (r.process.clone().unwrap_or_default(), r.milestone.clone());
        let index = match order.iter().chain(extra.iter()).position(|k| *k == key) {
            Some(i) => i,
            None => {
                extra.push(key);
                order.len() + extra.len() - 1
            }
        };
        let c = by_month.entry((month, index)).or_default();
        match r.outcome {
            Outcome::Met => c[0] += 1,
            Outcome::Late => c[1] += 1,
            Outcome::Violated => c[2] += 1,
            Outcome::Open => c[3] += 1,
        }
        c[4] += u32::from(r.near_miss);
    }
    let names: Vec<(String, String)> = order.iter().chain(extra.iter()).cloned().collect();
    let monthly = by_month
        .into_iter()
        .map(|((month, index), c)| MonthFigure {
            month,
            process: names[index].0.clone(),
            milestone: names[index].1.clone(),
            met: c[0],
            late: c[1],
            violated: c[2],
            open: c[3],
            near_misses: c[4],
            attainment: attainment(c[0], c[1], c[2]),
        })
        .collect();

    let mut weekly: Vec<WeekFigure> = weeks(from, to)
        .into_iter()
        .map(|week_start| WeekFigure {
            week_start,
            breaches: 0,
            near_misses: 0,
        })
        .collect();
    let breach = |r: &MilestoneOutcome| matches!(r.outcome, Outcome::Late | Outcome::Violated);
    for r in &rows {
        let Some(day) = local_start(r) else { continue };
        if let Some(w) = weekly.iter_mut().rev().find(|w| w.week_start <= day) {
            w.breaches += u32::from(breach(r));
            w.near_misses += u32::from(r.near_miss);
        }
    }

    let template = rules.monitor_config().links.case.as_deref();
    let mut log: Vec<LogRow> = rows
        .iter()
        .filter(|r| breach(r) || r.near_miss)
        .map(|r| LogRow {
            case_id: r.case_id.clone(),
            entitlement: r.entitlement.clone(),
            process: r.process.clone(),
            milestone: r.milestone.clone(),
            instance: r.instance,
            outcome: r.outcome.as_str(),
            near_miss: r.near_miss,
            started_at: r.started_at,
            target_at: r.target_at,
            completed_at: r.completed_at,
            target_seconds: opt_seconds(r.target),
            margin_seconds: opt_seconds(r.margin),
            link: template.and_then(|t| link(t, r)),
        })
        .collect();
    log.sort_by(|a, b| {
        (a.started_at, &a.case_id, &a.milestone, a.instance).cmp(&(
            b.started_at,
            &b.case_id,
            &b.milestone,
            b.instance,
        ))
    });

    let first_response = distribution(
        &rows,
        MilestoneKind::FirstResponse,
        period.first_response_p50,
        period.first_response_p90,
    );
    let resolution = distribution(
        &rows,
        MilestoneKind::Resolution,
        period.resolution_p50,
        period.resolution_p90,
    );

    let mut figures = QbrFigures {
        page: "qbr",
        account_id: period.account_id.clone(),
        account_name: period.account_name.clone(),
        period_start: from,
        period_end: to,
        now: report.now,
        goal,
        currency: rules.monitor_config().currency.clone(),
        arr: period.arr,
        renewal_date: period.renewal_date,
        days_to_renewal: period.days_to_renewal,
        executive_sponsor: period.executive_sponsor.clone(),
        csm: period.csm.clone(),
        entitlements: entitlements.clone(),
        cases: period.cases,
        met: period.met,
        late: period.late,
        violated: period.violated,
        open: period.open,
        breaches: period.breaches,
        near_misses: period.near_misses,
        attainment: period.attainment,
        attainment_by_milestone,
        months: months(from, to),
        monthly,
        weekly,
        log,
        first_response,
        resolution,
        cases_used: period.cases_used,
        cases_allowed: period.cases_allowed,
        projected_over: period.projected_over,
        chronic_over_consumer: period.chronic_over_consumer,
        over_quota_periods: period.over_quota_periods,
        usage: period.usage.clone(),
        summary: Vec::new(),
    };
    figures.summary = crate::page::summary(&figures);
    Ok(figures)
}

pub(crate) fn portfolio(
    rules: &Ruleset,
    report: &MonitorReport,
    from: NaiveDate,
    to: NaiveDate,
    options: &ReportOptions,
) -> PortfolioFigures {
    let mut accounts: Vec<PortfolioAccount> = report
        .account_periods(Some(from), Some(to))
        .into_iter()
        .map(|p| PortfolioAccount {
            account_id: p.account_id,
            account_name: p.account_name,
            arr: p.arr,
            attainment: p.attainment,
            cases: p.cases,
            breaches: p.breaches,
            near_misses: p.near_misses,
            renewal_date: p.renewal_date,
            days_to_renewal: p.days_to_renewal,
            cases_used: p.cases_used,
            cases_allowed: p.cases_allowed,
            projected_over: p.projected_over,
            chronic_over_consumer: p.chronic_over_consumer,
            over_quota_periods: p.over_quota_periods,
        })
        .collect();
    accounts.sort_by(|a, b| {
        b.arr
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.arr.unwrap_or(f64::NEG_INFINITY))
            .then_with(|| a.account_id.cmp(&b.account_id))
    });
    let mut at_risk: Vec<&PortfolioAccount> =
        accounts.iter().filter(|a| a.renewal_at_risk()).collect();
    at_risk.sort_by_key(|a| (a.days_to_renewal, a.account_id.clone()));
    let renewals_at_risk = at_risk.iter().map(|a| a.account_id.clone()).collect();
    let over_consuming = accounts
        .iter()
        .filter(|a| a.over_consuming())
        .map(|a| a.account_id.clone())
        .collect();
    PortfolioFigures {
        page: "portfolio",
        period_start: from,
        period_end: to,
        now: report.now,
        goal: options.goal,
        currency: rules.monitor_config().currency.clone(),
        accounts,
        renewals_at_risk,
        over_consuming,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn months_cover_the_period_across_a_year_end() {
        assert_eq!(
            months(d("2026-11-15"), d("2027-02-01")),
            ["2026-11", "2026-12", "2027-01", "2027-02"]
        );
        assert_eq!(months(d("2026-07-01"), d("2026-07-01")), ["2026-07"]);
    }

    #[test]
    fn weeks_start_on_the_monday_on_or_before_the_start() {
        // 2026-07-01 is a Wednesday.
        let w = weeks(d("2026-07-01"), d("2026-07-13"));
        assert_eq!(w, [d("2026-06-29"), d("2026-07-06"), d("2026-07-13")]);
    }

    #[test]
    fn links_encode_their_values() {
        let row = MilestoneOutcome {
            case_id: "C 1/<x>".into(),
            account_id: None,
            account_name: None,
            entitlement: Some("e".into()),
            process: None,
            process_version: None,
            tier: None,
            milestone: "FR".into(),
            kind: MilestoneKind::FirstResponse,
            instance: 1,
            calendar: None,
            started_at: None,
            target: None,
            target_at: None,
            completed_at: None,
            outcome: Outcome::Open,
            near_miss: false,
            elapsed: TimeDelta::zero(),
            margin: None,
            margin_wall: None,
            breached_at: None,
            month: None,
            quarter: None,
            reporting_time_zone: "UTC".into(),
        };
        assert_eq!(
            link("https://crm.example/case/{case_id}?e={entitlement}", &row).as_deref(),
            Some("https://crm.example/case/C%201%2F%3Cx%3E?e=e")
        );
        assert_eq!(link("https://crm.example/a/{account_id}", &row), None);
    }
}
