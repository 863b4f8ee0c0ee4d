//! Helpers shared by the integration tests.

use chrono::{DateTime, Utc};
use entitlement_core::Calendar;

/// Parses an RFC 3339 instant with an offset.
pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("test instant")
        .to_utc()
}

/// Microseconds since the epoch of an RFC 3339 instant.
pub fn us(s: &str) -> i64 {
    at(s).timestamp_micros()
}

pub const HOUR: i64 = 3_600_000_000;
pub const MINUTE: i64 = 60_000_000;

/// The reference calendar of `docs/getting-started-rust.md`: Mon–Fri 09–17 America/New_York, holiday Mon 2026-03-09.
pub fn reference_calendar() -> Calendar {
    Calendar::from_yaml(
        r#"
time_zone: America/New_York
hours:
  mon: ["09:00-17:00"]
  tue: ["09:00-17:00"]
  wed: ["09:00-17:00"]
  thu: ["09:00-17:00"]
  fri: ["09:00-17:00"]
holidays:
  - { name: Spring closure, date: 2026-03-09 }
"#,
    )
    .expect("reference calendar")
}
