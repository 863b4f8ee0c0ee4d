//! # entitlement-report
//!
//! The quarterly business review (QBR) page of one account and the portfolio page of all of
//! them, rendered from a monitor report: self-contained HTML (inline CSS and SVG, no script,
//! no font, no image by URL) that opens without a network and prints to PDF cleanly.
//!
//! | module | what it holds |
//! |---|---|
//! | [`figures`] | the numbers of each page ([`QbrFigures`], [`PortfolioFigures`]), from the core's [`AccountPeriod`](entitlement_core::rules::AccountPeriod) and outcome rows |
//! | `charts` | the charts, drawn by `plotters` to SVG strings, each with its text alternative |
//! | `page` | the HTML (maud templates: every value from the data is escaped) and the print CSS |
//!
//! Every figure a page shows is also in the page in machine-readable form: the whole figures
//! value as JSON in `<script type="application/json" id="figures">`, and a `data-value`
//! attribute on each table cell, so that a test (or a reader's tool) can check the page against
//! the outcome and account tables.
//!
//! ```
//! use entitlement_core::{Case, Ruleset};
//! use entitlement_report::{ReportOptions, qbr};
//!
//! let rules = Ruleset::from_yaml(r#"
//! processes: [ { id: p, milestones: [ { name: First Response, kind: first_response, target: 1h } ] } ]
//! entitlements: [ { id: e, process: p, account: { id: A-1, name: "Acme <Corp>", arr: 120000 } } ]
//! "#)?;
//! let case = Case::from_value(&serde_json::json!({"id": "C-1", "entitlement": "e",
//!     "created_at": "2026-07-01T10:00:00Z",
//!     "events": [{"type": "agent_reply", "at": "2026-07-01T10:20:00Z"}]}))?;
//! let report = rules.monitor(&[case], "2026-10-01T00:00:00Z".parse()?, None)?;
//! let from = "2026-07-01".parse()?;
//! let to = "2026-09-30".parse()?;
//! let html = qbr(&rules, &report, "A-1", from, to, &ReportOptions::default())?;
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! assert!(html.contains("Acme &lt;Corp&gt;") && !html.contains("Acme <Corp>"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod charts;
mod error;
pub mod figures;
mod page;

use chrono::NaiveDate;
use entitlement_core::Ruleset;
use entitlement_core::rules::MonitorReport;

pub use error::ReportError;
pub use figures::{PortfolioFigures, QbrFigures};

/// How a page is drawn.
///
/// ```
/// let options = entitlement_report::ReportOptions::default();
/// assert_eq!(options.goal, 95.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ReportOptions {
    /// The attainment goal, in percent (0 < goal ≤ 100; default 95): the promised level the
    /// attainment chart and the summary compare each milestone with. The rules document has no
    /// attainment goal, so the report takes it as an option.
    pub goal: f64,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions { goal: 95.0 }
    }
}

impl ReportOptions {
    fn check(&self) -> Result<(), ReportError> {
        if self.goal > 0.0 && self.goal <= 100.0 {
            Ok(())
        } else {
            Err(ReportError::InvalidGoal { goal: self.goal })
        }
    }
}

/// The longest period a page covers, in days (ten years and a few leap days): 523 weeks.
///
/// ```
/// let from = "2020-01-01".parse()?;
/// let to = "2031-01-01".parse()?;
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let err = entitlement_report::portfolio(&rules, &report, from, to, &Default::default()).unwrap_err();
/// assert_eq!(err.code(), "period_too_long");
/// assert_eq!(entitlement_report::MAX_PERIOD_DAYS, 3_660);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MAX_PERIOD_DAYS: i64 = 3_660;

fn check_period(from: NaiveDate, to: NaiveDate) -> Result<(), ReportError> {
    if from > to {
        Err(ReportError::InvalidPeriod { from, to })
    } else if (to - from).num_days() >= MAX_PERIOD_DAYS {
        Err(ReportError::PeriodTooLong {
            from,
            to,
            max: MAX_PERIOD_DAYS,
        })
    } else {
        Ok(())
    }
}

/// The QBR page of one account over `[from, to]` (both days included, in each case's reporting
/// zone): a complete HTML document.
///
/// `account` is the account id (`account.id` in the rules, else the entitlement id). An account
/// of the rules without cases gets a page that says so; an id the rules do not know is
/// [`ReportError::UnknownAccount`].
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let opts = entitlement_report::ReportOptions::default();
/// let err = entitlement_report::qbr(&rules, &report, "A-404", now.date_naive(), now.date_naive(), &opts)
///     .unwrap_err();
/// assert_eq!(err.code(), "unknown_account");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn qbr(
    rules: &Ruleset,
    report: &MonitorReport,
    account: &str,
    from: NaiveDate,
    to: NaiveDate,
    options: &ReportOptions,
) -> Result<String, ReportError> {
    let figures = qbr_figures(rules, report, account, from, to, options)?;
    Ok(page::qbr(&figures))
}

/// The figures of [`qbr`]'s page (the JSON block the page embeds).
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let day = now.date_naive();
/// let f = entitlement_report::qbr_figures(&rules, &report, "A-1", day, day, &Default::default())?;
/// assert_eq!((f.account_id.as_str(), f.breaches), ("A-1", 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn qbr_figures(
    rules: &Ruleset,
    report: &MonitorReport,
    account: &str,
    from: NaiveDate,
    to: NaiveDate,
    options: &ReportOptions,
) -> Result<QbrFigures, ReportError> {
    options.check()?;
    check_period(from, to)?;
    figures::qbr(rules, report, account, from, to, options)
}

/// The portfolio page over `[from, to]`: every account by ARR against attainment, the
/// renewals within 90 days of the report's `now` that had breaches in the period, and the
/// over-consuming accounts.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let day = now.date_naive();
/// let html = entitlement_report::portfolio(&rules, &report, day, day, &Default::default())?;
/// assert!(html.contains("id=\"figures\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn portfolio(
    rules: &Ruleset,
    report: &MonitorReport,
    from: NaiveDate,
    to: NaiveDate,
    options: &ReportOptions,
) -> Result<String, ReportError> {
    let figures = portfolio_figures(rules, report, from, to, options)?;
    Ok(page::portfolio(&figures))
}

/// The figures of [`portfolio`]'s page.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let day = now.date_naive();
/// let f = entitlement_report::portfolio_figures(&rules, &report, day, day, &Default::default())?;
/// assert_eq!(f.accounts.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn portfolio_figures(
    rules: &Ruleset,
    report: &MonitorReport,
    from: NaiveDate,
    to: NaiveDate,
    options: &ReportOptions,
) -> Result<PortfolioFigures, ReportError> {
    options.check()?;
    check_period(from, to)?;
    Ok(figures::portfolio(rules, report, from, to, options))
}
