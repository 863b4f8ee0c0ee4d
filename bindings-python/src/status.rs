//! What an evaluation returns, as immutable Python objects: `MilestoneStatus`,
//! `CaseEvaluation` and `EntitlementUsage` (the core's `rules::status`). Their properties come
//! from the core's description of each result (see `results`).

use entitlement_core::rules;
use pyo3::prelude::*;

use crate::results::{objects, result_class};

result_class! {
    /// Where one instance of one milestone of a case stands at ``now``.
    ///
    /// ``state`` is one of ``"pending"`` (not started), ``"in_progress"``, ``"paused"``,
    /// ``"completed"`` (at or before the target: exactly at the target is compliant),
    /// ``"completed_late"`` and ``"violated"`` (open and past the target). Instants are aware
    /// datetimes in ``timezone.utc`` and durations are ``timedelta`` values of business time on
    /// the milestone's calendar. Immutable; equal when every field is equal.
    MilestoneStatus(rules::MilestoneStatus),
    repr: ["case_id": Quoted, "milestone": Quoted, "instance": Plain, "state": Quoted,
           "target_at": Plain, "completed_at": Plain];
}

result_class! {
    /// The whole result of evaluating one case at ``now``: its coverage and its milestones.
    ///
    /// ``covered`` says whether a process applies (the entitlement was active when the case was
    /// created, or the case names a process itself); when it does not, ``reason`` says why and
    /// ``milestones`` is empty. ``entitlement_status`` is the entitlement's status at ``now``:
    /// ``"none"`` (the case has none), ``"inactive"``, ``"active"`` or ``"expired"``.
    CaseEvaluation(rules::CaseEvaluation),
    repr: ["case_id": Quoted, "entitlement": Quoted, "covered": Plain, "process": Quoted,
           "process_version": Plain, "milestones": Plain];
    typed(this, py) {
        "milestones" => objects(py, &this.inner.milestones, MilestoneStatus::wrap),
    };
}

result_class! {
    /// An entitlement's status at ``now``, the cases raised under it and each quota's use in
    /// the period that contains ``now``.
    ///
    /// ``quotas`` is a list of dicts with ``name`` (or ``None``), ``period`` (``"month"``,
    /// ``"quarter"``, ``"year"`` or ``"term"``), ``period_start`` and ``period_end``
    /// (``date``s, both inclusive, in the entitlement's time zone), ``max_cases``, ``used``,
    /// ``remaining``, ``projected`` (the use at the period's end if cases keep arriving at the
    /// rate so far: a float, wall-clock and linear) and ``projected_over`` (whether that is
    /// above ``max_cases``).
    EntitlementUsage(rules::EntitlementUsage),
    repr: ["entitlement": Quoted, "status": Quoted, "cases_used": Plain,
           "cases_remaining": Plain, "quotas": Plain];
}
