//! Breach risk: the probability that an open milestone breaches, estimated from the history of
//! the same milestone on other cases (`docs/monitor.md`, "Breach risk").
//!
//! For each process, milestone and target (a tier is the target its table gives), the active
//! business time each occurrence took to complete is a duration; occurrences still open are
//! censored at the business time they have run so far. The Kaplan–Meier estimator gives the
//! survival `S(t)`, the probability that an occurrence is still open after `t` of business
//! time. An open occurrence that has run `e` of its target `T` breaches when it is still open
//! at `T`: its probability is `S(T) / S(e)`. Design note: `docs/monitor.md`, "Breach risk".

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::Ruleset;
use super::case::Case;
use super::case_error::{CaseBatch, CaseError, OnError};
use super::status::{CaseEvaluation, MilestoneState};
use crate::error::Result;

/// The estimated risk that one open milestone occurrence breaches its target, as
/// [`Ruleset::breach_risk`] returns it (its example shows the figures).
///
/// ```
/// use entitlement_core::rules::BreachRisk;
///
/// fn worth_a_warning(r: &BreachRisk) -> bool {
///     r.probability.is_some_and(|p| p > 0.5) && r.completions >= 20
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BreachRisk {
    /// The case.
    pub case_id: String,
    /// The process the case runs under.
    pub process: Option<String>,
    /// The milestone.
    pub milestone: String,
    /// The occurrence (1, 2, ... for recurring milestones).
    pub instance: u32,
    /// Its state at `now`: `in_progress`, `paused` or `violated`.
    pub state: MilestoneState,
    /// Its target (the tier's).
    #[serde(with = "crate::time::serde_duration")]
    #[schemars(schema_with = "crate::time::schema_duration")]
    pub target: TimeDelta,
    /// The active business time it has run.
    #[serde(with = "crate::time::serde_duration")]
    #[schemars(schema_with = "crate::time::schema_duration")]
    pub elapsed: TimeDelta,
    /// The probability that it is still open when its clock reaches the target: 1 once it is
    /// past the target; `None` when the history has no completed occurrence to learn from, or
    /// none that ran as long as this one.
    pub probability: Option<f64>,
    /// Occurrences of the same process, milestone and target in the cases given (this one
    /// included).
    pub observations: usize,
    /// Of those, the completed ones (the others are censored).
    pub completions: usize,
}

/// A Kaplan–Meier survival curve over durations in microseconds: the distinct completion
/// times and the survival just after each.
struct Survival {
    steps: Vec<(i64, f64)>,
    completions: usize,
    observations: usize,
}

impl Survival {
    /// `samples`: (duration, completed) pairs; a sample that is not completed is censored.
    fn fit(mut samples: Vec<(i64, bool)>) -> Survival {
        // At a tie, completions come before censorings (the usual convention: a case censored
        // at t was still at risk at t).
        samples.sort_by_key(|&(t, done)| (t, !done));
        let observations = samples.len();
        let completions = samples.iter().filter(|s| s.1).count();
        let mut at_risk = observations;
        let mut s = 1.0;
        let mut steps = Vec::new();
        let mut i = 0;
        while i < samples.len() {
            let t = samples[i].0;
            let (mut done, mut gone) = (0usize, 0usize);
            while i < samples.len() && samples[i].0 == t {
                done += usize::from(samples[i].1);
                gone += 1;
                i += 1;
            }
            if done > 0 {
                s *= 1.0 - done as f64 / at_risk as f64;
                steps.push((t, s));
            }
            at_risk -= gone;
        }
        Survival {
            steps,
            completions,
            observations,
        }
    }

    /// `S(t)`: the probability of being still open after `t` (right-continuous).
    fn at(&self, t: i64) -> f64 {
        match self.steps.partition_point(|&(u, _)| u <= t) {
            0 => 1.0,
            k => self.steps[k - 1].1,
        }
    }
}

type Key = (Option<String>, String, i64);

impl Ruleset {
    /// The breach risk of every open milestone occurrence among `cases` at `now`, learnt from
    /// all of them: pass the cases of a period, closed ones included (the more completed
    /// occurrences of a milestone and tier, the better the estimate; `observations` and
    /// `completions` say how much there was to learn from).
    ///
    /// ```
    /// use entitlement_core::{Case, Ruleset};
    /// use chrono::{DateTime, Utc};
    ///
    /// let rules = Ruleset::from_json(r#"{"processes": [{"id": "p", "milestones": [
    ///     {"name": "Reply", "kind": "first_response", "target": "4h"}]}]}"#)?;
    /// let case = |id: &str, reply: Option<&str>| {
    ///     let created = if reply.is_some() { "2026-11-02T09:00:00Z" } else { "2026-11-02T12:30:00Z" };
    ///     let mut c = serde_json::json!({"id": id, "process": "p",
    ///         "created_at": created, "events": []});
    ///     if let Some(at) = reply {
    ///         c["events"] = serde_json::json!([{"at": at, "type": "agent_reply"}]);
    ///     }
    ///     Case::from_value(&c)
    /// };
    /// // Replies after 1h, 2h, 3h and 5h; one case, opened at 12:30, still open at 15:00.
    /// let cases = vec![
    ///     case("a", Some("2026-11-02T10:00:00Z"))?, case("b", Some("2026-11-02T11:00:00Z"))?,
    ///     case("c", Some("2026-11-02T12:00:00Z"))?, case("d", Some("2026-11-02T14:00:00Z"))?,
    ///     case("open", None)?,
    /// ];
    /// let now: DateTime<Utc> = "2026-11-02T15:00:00Z".parse().unwrap();
    /// let risk = rules.breach_risk(&cases, now)?;
    /// assert_eq!(risk.len(), 1);
    /// // Of the occurrences that ran 2h30 (c, d and the open one), d took longer than 4h: the
    /// // open one censored at 2h30 leaves c and d at risk, and one of the two breached.
    /// assert_eq!(risk[0].probability, Some(0.5));
    /// assert_eq!((risk[0].observations, risk[0].completions), (5, 4));
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn breach_risk(&self, cases: &[Case], now: DateTime<Utc>) -> Result<Vec<BreachRisk>> {
        let checked = self.check_cases(cases, None, &[], now, OnError::Raise)?;
        Ok(self.risks_of(checked.evaluations))
    }

    /// [`Ruleset::breach_risk`] over a host's batch, with `on_error`: with
    /// [`OnError::Collect`] the bad cases are left out (of the risks and of the history they
    /// are learnt from) and returned as error entries, in input order.
    ///
    /// ```
    /// use entitlement_core::rules::{Case, CaseBatch, OnError};
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// let mut unknown = case.clone();
    /// unknown.id = "C-2".into();
    /// unknown.entitlement = Some("globex".into());
    /// let batch = CaseBatch::from(vec![case, unknown]);
    /// let (risks, errors) = rules.breach_risk_batch(&batch, now, OnError::Collect)?;
    /// assert_eq!(risks.len(), 1);
    /// assert_eq!((errors[0].index, errors[0].code.as_str()), (1, "unknown_entitlement"));
    /// # Ok::<(), entitlement_core::Error>(())
    /// ```
    pub fn breach_risk_batch(
        &self,
        batch: &CaseBatch,
        now: DateTime<Utc>,
        on_error: OnError,
    ) -> Result<(Vec<BreachRisk>, Vec<CaseError>)> {
        let checked = self.check_batch(batch, now, on_error)?;
        Ok((self.risks_of(checked.evaluations), checked.errors))
    }

    fn risks_of(&self, evaluations: Vec<CaseEvaluation>) -> Vec<BreachRisk> {
        let mut samples: HashMap<Key, Vec<(i64, bool)>> = HashMap::new();
        let mut open = Vec::new();
        for evaluation in evaluations {
            for s in evaluation.milestones {
                let Some(target) = s.target else { continue };
                if s.state == MilestoneState::Pending {
                    continue;
                }
                let key: Key = (
                    evaluation.process.clone(),
                    s.milestone.to_string(),
                    target.num_microseconds().unwrap_or(i64::MAX),
                );
                let done = matches!(
                    s.state,
                    MilestoneState::Completed | MilestoneState::CompletedLate
                );
                let elapsed = s.elapsed.num_microseconds().unwrap_or(i64::MAX);
                samples
                    .entry(key.clone())
                    .or_default()
                    .push((elapsed, done));
                if !done {
                    open.push((key, s, target));
                }
            }
        }
        let curves: HashMap<Key, Survival> = samples
            .into_iter()
            .map(|(k, v)| (k, Survival::fit(v)))
            .collect();
        open.into_iter()
            .map(|(key, s, target)| {
                let curve = &curves[&key];
                let (t, e) = (key.2, s.elapsed.num_microseconds().unwrap_or(i64::MAX));
                let probability = if e >= t && s.state == MilestoneState::Violated {
                    Some(1.0)
                } else {
                    let alive = curve.at(e);
                    (curve.completions > 0 && alive > 0.0).then(|| curve.at(t) / alive)
                };
                BreachRisk {
                    case_id: s.case_id.to_string(),
                    process: key.0.clone(),
                    milestone: s.milestone.to_string(),
                    instance: s.instance,
                    state: s.state,
                    target,
                    elapsed: s.elapsed,
                    probability,
                    observations: curve.observations,
                    completions: curve.completions,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Survival;

    #[test]
    fn kaplan_meier_by_hand() {
        // Completions at 1, 2, 2, 4; censored at 3 and 5.
        let s = Survival::fit(vec![
            (1, true),
            (2, true),
            (2, true),
            (3, false),
            (4, true),
            (5, false),
        ]);
        // S(1) = 5/6; S(2) = 5/6 * 2/4... at 2, 5 at risk and 2 complete: 5/6 * 3/5 = 1/2;
        // at 4, 2 at risk (4 and 5) and 1 completes: 1/2 * 1/2 = 1/4.
        assert!((s.at(0) - 1.0).abs() < 1e-12);
        assert!((s.at(1) - 5.0 / 6.0).abs() < 1e-12);
        assert!((s.at(2) - 0.5).abs() < 1e-12);
        assert!((s.at(3) - 0.5).abs() < 1e-12);
        assert!((s.at(4) - 0.25).abs() < 1e-12);
        assert!((s.at(99) - 0.25).abs() < 1e-12);
        assert_eq!((s.observations, s.completions), (6, 4));
    }
}

#[cfg(test)]
mod laws {
    use proptest::collection::vec;
    use proptest::prelude::*;

    use super::Survival;

    proptest! {
        /// Without censoring the estimate is the share of durations longer than `t`.
        #[test]
        fn without_censoring_it_is_the_empirical_survival(
            durations in vec(0i64..100, 1..60),
            t in -5i64..120,
        ) {
            let s = Survival::fit(durations.iter().map(|&d| (d, true)).collect());
            let longer = durations.iter().filter(|&&d| d > t).count() as f64;
            prop_assert!((s.at(t) - longer / durations.len() as f64).abs() < 1e-9);
        }

        /// Survival never rises, stays in [0, 1], and the risk of an occurrence grows as it runs.
        #[test]
        fn survival_falls_and_risk_grows_with_elapsed(
            samples in vec((0i64..100, any::<bool>()), 1..60),
            a in 0i64..100,
            b in 0i64..100,
            target in 0i64..120,
        ) {
            let s = Survival::fit(samples);
            let (early, late) = (a.min(b), a.max(b));
            prop_assert!(s.at(late) <= s.at(early) + 1e-12);
            prop_assert!((0.0..=1.0).contains(&s.at(early)));
            if late <= target && s.at(late) > 0.0 {
                let (r1, r2) = (s.at(target) / s.at(early), s.at(target) / s.at(late));
                prop_assert!(r1 <= r2 + 1e-12);
                prop_assert!((0.0..=1.0 + 1e-12).contains(&r2));
            }
        }
    }
}
