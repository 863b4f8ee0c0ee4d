//! # entitlement-core
//!
//! The pure Rust core of **Entitlement**, an SLA-rules engine: business-hours calendars that
//! are exact across holidays and daylight saving time, entitlement processes with their
//! milestones, a pure replay of each case's event log, and the breach monitor that a scheduled
//! job calls. The Python (`entitlement` on PyPI) and Node (`entitlement` on npm) packages are
//! thin bindings of this crate.
//!
//! The core does no network I/O, keeps no global state, never panics on any input and is
//! deterministic. Instants are `chrono::DateTime<Utc>` at the edges and have a resolution of
//! one microsecond (the resolution of Python's `datetime`; finer parts of Rust inputs are
//! truncated toward the past). The supported range is the years 1 to 9999 (UTC).
//!
//! Data flows one way, and the modules follow it:
//!
//! | module | what it holds |
//! |---|---|
//! | [`calendar`] | [`Calendar`]: weekly hours, holidays, overrides, unions, in an IANA zone |
//! | [`holidays`] | built-in public holidays of 50 countries and their subdivisions, 2000–2100 |
//! | [`duration`] | document durations (`90s`, `15m`, `4h`, `2d`, `PT4H`) |
//! | [`rules`] | [`Ruleset`] (calendars, processes, entitlements), [`Case`], [`MilestoneStatus`], the monitor and its alerts |
//! | [`import`] | Salesforce, Zendesk and iCalendar records turned into the document |
//! | [`export`] | the document turned into what Salesforce and Zendesk deploy, and a review page |
//! | [`ledger`] | the SQL schema of a monitoring job's ledger (runs, events, deliveries, outcomes) |
//! | [`document`], [`schema`] | reading JSON / YAML / TOML text; the document's JSON Schema |
//! | [`error`] | the one [`Error`] type, with a stable [`Error::code`] |
//! | [`time`] | parsing instants, the supported range |
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
//! ## Rules, cases and the monitor
//!
//! ```
//! use entitlement_core::{Case, MilestoneState, Ruleset};
//!
//! let rules = Ruleset::from_yaml(r#"
//! calendars: { 24x7: { always_open: true } }
//! processes:
//!   - id: standard
//!     calendar: 24x7
//!     milestones:
//!       - { name: First Response, kind: first_response, target: 1h,
//!           triggers: [ { at: "50%", level: warning } ] }
//! entitlements: [ { id: acme, process: standard } ]
//! "#)?;
//! let case = Case::from_value(&serde_json::json!({
//!     "id": "C-1", "entitlement": "acme", "created_at": "2026-11-25T10:00:00Z"}))?;
//! let status = &rules.evaluate(&case, "2026-11-25T10:45:00Z".parse()?)?[0];
//! assert_eq!(status.state, MilestoneState::InProgress);
//! assert_eq!(status.crossed.len(), 1); // the warning at 30 minutes
//!
//! let report = rules.monitor(&[case], "2026-11-25T11:15:00Z".parse()?, None)?;
//! let kinds: Vec<_> = report.events.iter().map(|e| e.kind.as_str()).collect();
//! assert_eq!(kinds, ["trigger", "breach"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Errors
//!
//! Every fallible call returns [`Result`]; an [`Error`] has a stable machine-readable
//! [`code`](Error::code) (the same string in the Python and Node bindings, never reused or
//! renamed), a [`kind`](Error::kind) and a message that names the path of the bad value.
//!
//! ## Cargo features and MSRV
//!
//! The crate has no Cargo features: calendars, rules, the monitor, the renderers and the
//! importers are all in, and its dependencies are few (chrono, chrono-tz, serde, serde_json,
//! serde_yaml_ng, toml, schemars, thiserror). The minimum supported Rust version is the
//! `rust-version` of `Cargo.toml`; raising it is a minor change.
//!
//! ## Semantics
//!
//! Real elapsed time, the compatible DST rule, stays-at-close, `add(t, 0) = t` and half-open
//! intervals are written down with their reasons, and what each peer does instead, in
//! [`docs/semantics.md`](https://github.com/entitlement-rs/entitlement/blob/main/docs/semantics.md).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod calendar;
#[doc(hidden)]
pub mod doc_fixture;
pub mod document;
pub mod duration;
pub mod error;
pub mod export;
pub mod holidays;
pub mod host;
pub mod import;
pub mod ledger;
pub mod rules;
pub mod schema;
pub mod time;

pub use calendar::{Calendar, Calendars};
pub use error::{Error, ErrorKind, Result};
pub use rules::{Case, CaseEvaluation, CheckWarning, MilestoneState, MilestoneStatus, Ruleset};
pub use time::{MAX_MICROS, MIN_MICROS};

/// The crate's README, whose example runs as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
