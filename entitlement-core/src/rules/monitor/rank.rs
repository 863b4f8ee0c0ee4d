//! The order of a report's open milestones: what needs doing now comes first. The reasons are in
//! `docs/monitor.md`, "The at-risk list".
//!
//! Three groups, each a list of places in the report's `cases`:
//! - **at risk**: open, not breached, and past a trigger or the `monitor.at_risk` fraction of
//!   the target, soonest wall-clock deadline first;
//! - **breached**: violated and still open, most recently breached first;
//! - **the rest** of the open milestones, soonest wall-clock deadline first.
//!
//! `open` is the three in that order, so it still holds every open milestone. Ties go by case
//! id, then milestone name, then instance; then by place, so the order is total.

use std::cmp::Reverse;

use rayon::slice::ParallelSliceMut;

use super::event::StatusRef;
use crate::rules::status::{CaseEvaluation, MilestoneState, MilestoneStatus};
use crate::time::to_us;

/// The open milestones of a run, ranked.
pub(super) struct Ranked {
    /// At risk, then breached, then the rest.
    pub open: Vec<StatusRef>,
    /// The at-risk ones (the start of `open`).
    pub at_risk: Vec<StatusRef>,
    /// The breached ones (the part of `open` after the at-risk ones).
    pub breached: Vec<StatusRef>,
}

/// Which group an open milestone is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Group {
    AtRisk,
    Breached,
    Rest,
}

/// The group of `status`, or `None` when it is not open. `fraction`: `monitor.at_risk`.
pub(crate) fn group(status: &MilestoneStatus, fraction: f64) -> Option<Group> {
    match status.state {
        MilestoneState::Violated => Some(Group::Breached),
        MilestoneState::InProgress | MilestoneState::Paused => {
            let used = status.consumed.unwrap_or(0.0);
            Some(if !status.crossed.is_empty() || used >= fraction {
                Group::AtRisk
            } else {
                Group::Rest
            })
        }
        MilestoneState::Pending | MilestoneState::Completed | MilestoneState::CompletedLate => None,
    }
}

/// The open milestones of `evaluations`, ranked. Linear in the milestones, plus a sort of each
/// group by a key of a few words (the statuses themselves are not moved).
pub(super) fn rank(evaluations: &[CaseEvaluation], fraction: f64) -> Ranked {
    // (wall-clock deadline or breach instant, case id, milestone, instance, place)
    type Key<'a> = (i64, &'a str, &'a str, u32, StatusRef);
    let mut at_risk: Vec<Key<'_>> = Vec::new();
    let mut breached: Vec<(Reverse<i64>, &str, &str, u32, StatusRef)> = Vec::new();
    let mut rest: Vec<Key<'_>> = Vec::new();
    for (c, e) in evaluations.iter().enumerate() {
        for (k, m) in e.milestones.iter().enumerate() {
            let Some(g) = group(m, fraction) else {
                continue;
            };
            let place = StatusRef {
                case: c as u32,
                milestone: k as u32,
            };
            // No deadline (no target for the case's tier): last.
            let due = m.target_at.map_or(i64::MAX, to_us);
            let (case, name) = (m.case_id.as_str(), m.milestone.as_str());
            match g {
                Group::AtRisk => at_risk.push((due, case, name, m.instance, place)),
                Group::Rest => rest.push((due, case, name, m.instance, place)),
                Group::Breached => {
                    // A violated milestone has breached by `now`; its deadline stands in for a
                    // missing instant all the same.
                    let at = m.breached_at.or(m.target_at).map_or(i64::MIN, to_us);
                    breached.push((Reverse(at), case, name, m.instance, place));
                }
            }
        }
    }
    // On rayon's pool: the order is total (the place breaks any tie), so a parallel sort gives
    // the sequential one's order.
    rayon::join(
        || at_risk.par_sort_unstable(),
        || rayon::join(|| breached.par_sort_unstable(), || rest.par_sort_unstable()),
    );
    let at_risk: Vec<StatusRef> = at_risk.into_iter().map(|k| k.4).collect();
    let breached: Vec<StatusRef> = breached.into_iter().map(|k| k.4).collect();
    let mut open = Vec::with_capacity(at_risk.len() + breached.len() + rest.len());
    open.extend_from_slice(&at_risk);
    open.extend_from_slice(&breached);
    open.extend(rest.into_iter().map(|k| k.4));
    Ranked {
        open,
        at_risk,
        breached,
    }
}
