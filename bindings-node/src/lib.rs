//! Node binding of `entitlement-core`, published on npm as `entitlement`.
//!
//! The binding holds no rules of its own: it converts JavaScript values to the core's types
//! ([`convert`]), calls the core and maps its errors to `Error`s with a stable `code`
//! ([`error`]). Its modules mirror the core's: [`calendar`] wraps `entitlement_core::Calendar`;
//! [`rules`] wraps `entitlement_core::rules::Ruleset`, [`case`] reads the cases it evaluates and
//! [`status`] wraps what it returns; [`monitor`] wraps the breach monitor's report and
//! [`alert`] its alerts and their renderers.

#![deny(clippy::all)]

mod alert;
mod batch;
mod calendar;
mod case;
mod convert;
mod error;
mod import;
pub mod import_ics;
pub mod import_salesforce;
pub mod import_zendesk;
mod monitor;
mod risk;
mod rules;
mod status;
mod tables;

pub use alert::Alert;
pub use calendar::Calendar;
pub use import::{Import, ImportWarning};
pub use monitor::{MonitorEvent, MonitorReport};
pub use rules::Ruleset;
pub use status::{CaseEvaluation, EntitlementUsage, MilestoneStatus, QuotaUse, TriggerStatus};
