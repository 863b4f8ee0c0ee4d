//! Fixtures shared by the benchmarks: the bundled sample calendars.

use entitlement_core::{Calendar, Calendars};

/// The sample calendars of `examples/data/rules.yaml`.
pub fn sample_calendars() -> Calendars {
    let doc = entitlement_core::document::parse(
        include_str!("../../examples/data/rules.yaml"),
        entitlement_core::document::Format::Yaml,
    )
    .expect("sample calendars parse");
    Calendars::from_value(&doc["calendars"]).expect("sample calendars load")
}

/// Mon–Fri 09–12 and 13–17, US federal holidays, America/New_York.
pub fn ny_support() -> Calendar {
    sample_calendars()
        .get("ny-support")
        .expect("ny-support")
        .clone()
}
