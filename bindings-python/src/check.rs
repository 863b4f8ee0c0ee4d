//! `entitlement.CheckWarning`: one warning of ``Ruleset.check()`` (the core's `rules::check`).
//! Its properties come from the core's description of the result (see `results`).

use entitlement_core::rules;
use pyo3::prelude::*;

use crate::results::result_class;

result_class! {
    /// One thing in a valid rules document that probably does not do what its author meant,
    /// from ``Ruleset.check()``.
    ///
    /// ``code`` is a stable name (``"day_duration"``, ``"default_24x7"``, ``"unknown_status"``,
    /// ``"status_case"``, ``"tier_without_default"``, ``"trigger_after_target"``,
    /// ``"unproduced_event"``, ``"entitlement_expired"``, ``"entitlement_not_started"``,
    /// ``"calendar_rarely_open"``, ``"holiday_on_closed_day"``, ``"unused_calendar"``; see
    /// ``docs/check.md``), ``path`` where it is in the document
    /// (``processes[0].milestones[1].target``), and ``message`` a sentence saying what is wrong
    /// and what to write instead. Immutable; equal when every field is equal.
    CheckWarning(rules::CheckWarning),
    repr: ["code": Quoted, "path": Quoted];
}
