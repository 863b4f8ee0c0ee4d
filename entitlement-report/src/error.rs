//! The report's errors.

use chrono::NaiveDate;

/// Why a page could not be drawn. [`ReportError::code`] is stable, like the core's codes.
///
/// ```
/// use entitlement_report::ReportError;
/// let e = ReportError::InvalidPeriod { from: "2026-09-30".parse()?, to: "2026-07-01".parse()? };
/// assert_eq!(e.code(), "invalid_period");
/// assert_eq!(e.to_string(), "the period's start 2026-09-30 is after its end 2026-07-01");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum ReportError {
    /// No entitlement of the rules belongs to this account.
    #[error("unknown account {account:?}: the rules know {}", known_list(known))]
    UnknownAccount {
        /// The id asked for.
        account: String,
        /// The account ids the rules know, sorted.
        known: Vec<String>,
    },
    /// The period's start is after its end.
    #[error("the period's start {from} is after its end {to}")]
    InvalidPeriod {
        /// The first day.
        from: NaiveDate,
        /// The last day.
        to: NaiveDate,
    },
    /// The period is longer than [`MAX_PERIOD_DAYS`](crate::MAX_PERIOD_DAYS): its weeks and
    /// months would make charts and tables no one can read (and sizes no caller should pick).
    #[error("the period {from} to {to} is longer than {max} days")]
    PeriodTooLong {
        /// The first day.
        from: NaiveDate,
        /// The last day.
        to: NaiveDate,
        /// The longest period, in days.
        max: i64,
    },
    /// The attainment goal is not a percentage in (0, 100].
    #[error("goal: {goal} is not a percentage in (0, 100]")]
    InvalidGoal {
        /// The goal given.
        goal: f64,
    },
}

impl ReportError {
    /// The stable machine-readable code: `unknown_account`, `invalid_period`,
    /// `period_too_long`, `invalid_goal`.
    ///
    /// ```
    /// let e = entitlement_report::ReportError::InvalidGoal { goal: 120.0 };
    /// assert_eq!(e.code(), "invalid_goal");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            ReportError::UnknownAccount { .. } => "unknown_account",
            ReportError::InvalidPeriod { .. } => "invalid_period",
            ReportError::PeriodTooLong { .. } => "period_too_long",
            ReportError::InvalidGoal { .. } => "invalid_goal",
        }
    }
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        return "no account".into();
    }
    let shown: Vec<String> = known.iter().take(20).map(|k| format!("{k:?}")).collect();
    let more = known.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
