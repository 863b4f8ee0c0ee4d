//! Node binding of `entitlement-core`, published on npm as `entitlement`.
//!
//! The binding holds no rules of its own: it converts JavaScript values to the core's types
//! ([`convert`]), calls the core, writes its results through one host serializer ([`ser`])
//! and maps its errors to `Error`s with a stable `code` and a `path` ([`error`]). Its modules
//! mirror the core's: [`calendar`] wraps `entitlement_core::Calendar`; [`rules`] wraps
//! `entitlement_core::rules::Ruleset` and [`case`] reads the cases it evaluates; [`results`]
//! holds the result classes, whose getters come from the core's description of each result,
//! and [`alert`] the alerts' renderers.

#![deny(clippy::all)]

/// The addon's own allocations (cases, replays, reports) go to mimalloc: a monitor run makes
/// millions of short-lived allocations on rayon's threads, where glibc's per-thread arenas
/// spent about a third of the run. V8's heap keeps its own allocator; a buffer handed to
/// JavaScript is freed by the addon's finalizer, so no memory crosses allocators.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod alert;
mod batch;
mod calendar;
mod case;
#[cfg_attr(test, allow(dead_code))]
mod case_tape;
mod convert;
mod error;
pub mod export;
pub mod holidays;
mod import;
pub mod import_dynamics;
pub mod import_ics;
pub mod import_salesforce;
pub mod import_servicenow;
pub mod import_zendesk;
pub mod ledger;
#[cfg_attr(test, allow(dead_code))]
mod plain;
// The module-init hook that uses the result machinery is not registered in test builds.
#[cfg_attr(test, allow(dead_code))]
mod results;
mod rules;
mod ser;
#[cfg_attr(test, allow(dead_code))]
mod statuses;
mod tables;

pub use alert::Alert;
pub use calendar::Calendar;
pub use import::{Import, ImportWarning};
pub use results::{CaseEvaluation, EntitlementUsage, MilestoneStatus, MonitorEvent, MonitorReport};
pub use rules::Ruleset;

/// The package's version (`0.1.0`): the same as its `package.json`'s, and as the Python
/// package's `entitlement.__version__`.
///
/// ```js
/// require('entitlement').version === require('entitlement/package.json').version // true
/// ```
// Lowercase in Rust too: napi-rs registers a constant under its Rust name (`js_name` renames
// only its declaration), and `version` is the name JavaScript packages use.
#[allow(non_upper_case_globals)]
#[napi_derive::napi]
pub const version: &str = env!("CARGO_PKG_VERSION");
