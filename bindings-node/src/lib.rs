//! Node binding of `entitlement-core`, published on npm as `entitlement`.
//!
//! The binding holds no rules of its own: it converts JavaScript values to the core's types
//! ([`convert`]), calls the core and maps its errors to `Error`s with a stable `code`
//! ([`error`]). Its modules mirror the core's: [`calendar`] wraps `entitlement_core::Calendar`.

#![deny(clippy::all)]

mod calendar;
mod convert;
mod error;

pub use calendar::Calendar;
