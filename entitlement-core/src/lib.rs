//! # entitlement-core
//!
//! The pure Rust core of **Entitlement**, an SLA-rules engine: business-hours calendars that
//! are exact across holidays and daylight saving time, and (in later modules) entitlement
//! processes, milestones, case replay and breach monitoring.
//!
//! The core does no network I/O, keeps no global state, never panics on any input and is
//! deterministic. Instants are `chrono::DateTime<Utc>` at the edges and have a resolution of
//! one microsecond (the resolution of Python's `datetime`; finer parts of Rust inputs are
//! truncated toward the past). The supported range is the years 1 to 9999 (UTC).
//!
//! ## Calendars
//!
//! ```
//! use entitlement_core::Calendar;
//! use chrono::{DateTime, TimeDelta};
//!
//! let cal = Calendar::from_yaml(r#"
//! time_zone: America/New_York
//! hours:
//!   mon: ["09:00-17:00"]
//!   tue: ["09:00-12:00", "13:00-17:00"]
//!   fri: ["09:00-17:00", "22:00-06:00"]   # the second runs overnight into Saturday
//! holidays:
//!   - { name: Thanksgiving, yearly: { month: 11, weekday: thu, nth: 4 } }
//!   - { name: Christmas, yearly: "12-25", observed: nearest_weekday }
//! "#)?;
//! let friday_late = DateTime::parse_from_rfc3339("2026-11-20T23:00:00-05:00")?.to_utc();
//! assert!(cal.is_open(friday_late)?);
//! let due = cal.add(friday_late, TimeDelta::hours(8))?;
//! assert_eq!(due, DateTime::parse_from_rfc3339("2026-11-23T10:00:00-05:00")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The semantics (real elapsed time, the compatible DST rule, stays-at-close, `add(t, 0) = t`,
//! half-open intervals) are written down with their reasons in `docs/semantics.md`.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod calendar;
pub mod document;
pub mod duration;
pub mod error;
pub mod import;
pub mod rules;
pub mod schema;
pub mod time;

pub use calendar::{Calendar, Calendars};
pub use error::{Error, ErrorKind, Result};
pub use rules::{Case, CaseEvaluation, MilestoneState, MilestoneStatus, Ruleset};
pub use time::{MAX_MICROS, MIN_MICROS};
