//! `rules.breachRisk`: the core's breach-risk estimates as plain objects.

use entitlement_core::rules::BreachRisk as Core;
use napi::bindgen_prelude::{Either, Null};
use napi_derive::napi;

use crate::status::ms;

/// The estimated risk that one open milestone occurrence breaches its target.
#[napi(object)]
pub struct BreachRisk {
    /// The case.
    pub case_id: String,
    /// The process the case runs under.
    pub process: Either<String, Null>,
    /// The milestone.
    pub milestone: String,
    /// The occurrence (1, 2, ... for recurring milestones).
    pub instance: u32,
    /// `in_progress`, `paused` or `violated`.
    pub state: String,
    /// Its target, in milliseconds of business time.
    pub target: f64,
    /// The active business time it has run, in milliseconds.
    pub elapsed: f64,
    /// The probability that it is still open when its clock reaches the target (1 once past
    /// it); `null` when no completed occurrence of the same milestone and tier ran as long.
    pub probability: Either<f64, Null>,
    /// Occurrences of the same process, milestone and target among the cases given.
    pub observations: u32,
    /// Of those, the completed ones.
    pub completions: u32,
}

impl From<Core> for BreachRisk {
    fn from(r: Core) -> Self {
        BreachRisk {
            case_id: r.case_id,
            process: r.process.map_or(Either::B(Null), Either::A),
            milestone: r.milestone,
            instance: r.instance,
            state: r.state.as_str().to_string(),
            target: ms(r.target),
            elapsed: ms(r.elapsed),
            probability: r.probability.map_or(Either::B(Null), Either::A),
            observations: u32::try_from(r.observations).unwrap_or(u32::MAX),
            completions: u32::try_from(r.completions).unwrap_or(u32::MAX),
        }
    }
}
