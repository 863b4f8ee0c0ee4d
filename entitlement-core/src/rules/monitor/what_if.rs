//! What-if: the attainment a set of cases had under these rules and would have had under
//! proposed ones, side by side.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::rollup::Attainment;
use crate::error::Result;
use crate::rules::Ruleset;
use crate::rules::case::Case;
use crate::rules::case_error::{CaseBatch, CaseError, Checked, OnError};
use crate::rules::parallel::par_map;
use crate::rules::status::{MilestoneState, MilestoneStatus};

/// One milestone's attainment under the current and the proposed rules.
///
/// ```
/// # let (current, proposed, cases) = entitlement_core::doc_fixture::what_if();
/// # let what_if = current.what_if(&proposed, &cases, "2026-11-26T00:00:00Z".parse()?)?;
/// assert_eq!(what_if.rows[0].milestone, "First Response");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WhatIfRow {
    /// The milestone's name (milestones are matched by name across the two rulesets).
    pub milestone: String,
    /// Under the current rules.
    pub current: Attainment,
    /// Under the proposed rules.
    pub proposed: Attainment,
}

/// One milestone instance of one case whose verdict differs between the two rulesets.
///
/// ```
/// # let (current, proposed, cases) = entitlement_core::doc_fixture::what_if();
/// # let what_if = current.what_if(&proposed, &cases, "2026-11-26T00:00:00Z".parse()?)?;
/// let change = &what_if.changes[0];
/// assert_eq!((change.case_id.as_str(), change.instance), ("C-1", 1));
/// assert_ne!(change.current, change.proposed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WhatIfChange {
    /// The case.
    pub case_id: String,
    /// The milestone.
    pub milestone: String,
    /// The instance.
    pub instance: u32,
    /// The state under the current rules (`None`: the milestone does not exist there).
    pub current: Option<MilestoneState>,
    /// The state under the proposed rules.
    pub proposed: Option<MilestoneState>,
}

/// Side by side: what a set of cases attained and would have attained under other rules.
///
/// ```
/// # let (current, proposed, cases) = entitlement_core::doc_fixture::what_if();
/// # let what_if = current.what_if(&proposed, &cases, "2026-11-26T00:00:00Z".parse()?)?;
/// assert_eq!(what_if.rows.len(), 1);
/// assert_eq!(what_if.changes.len(), 1);      // met in 45 minutes; late against 30
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WhatIf {
    /// One row per milestone name, in order of first appearance.
    pub rows: Vec<WhatIfRow>,
    /// The instances whose verdict changes.
    pub changes: Vec<WhatIfChange>,
    /// One entry per case left out (with `on_error="collect"`): a case that either ruleset
    /// cannot evaluate, in input order.
    pub errors: Vec<CaseError>,
}

impl Ruleset {
    /// Replays `cases` (typically closed ones) under these rules and under `proposed` (a
    /// proposed contract with the same entitlement ids) at `now`, and reports the attainment of
    /// each milestone side by side, with the instances whose verdict changes.
    ///
    /// ```
    /// use entitlement_core::rules::{Case, Ruleset};
    /// let doc = |target: &str| serde_json::json!({
    ///     "processes": [{"id": "p", "milestones": [{"name": "FR", "kind": "first_response", "target": target}]}],
    ///     "entitlements": [{"id": "e", "process": "p"}]});
    /// let (now, tight) = (Ruleset::from_value(&doc("1h"))?, Ruleset::from_value(&doc("30m"))?);
    /// let cases = [Case::from_value(&serde_json::json!({"id": "c", "entitlement": "e",
    ///     "created_at": "2026-11-25T10:00:00Z",
    ///     "events": [{"at": "2026-11-25T10:45:00Z", "type": "agent_reply"}]}))?];
    /// let w = now.what_if(&tight, &cases, "2026-11-26T00:00:00Z".parse()?)?;
    /// assert_eq!(w.rows[0].current.attainment, Some(100.0));
    /// assert_eq!(w.rows[0].proposed.attainment, Some(0.0));
    /// assert_eq!(w.changes.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn what_if(
        &self,
        proposed: &Ruleset,
        cases: &[Case],
        now: DateTime<Utc>,
    ) -> Result<WhatIf> {
        self.what_if_with(proposed, cases, now, OnError::Raise)
    }

    /// [`Ruleset::what_if`] with `on_error`: with [`OnError::Collect`] a case that either
    /// ruleset cannot evaluate (or whose id is given twice) is left out of the rows and the
    /// changes, and has an entry in `errors`. With [`OnError::Raise`] the first bad case fails
    /// the call: a case the current rules reject first, then one the proposed rules reject.
    ///
    /// ```
    /// use entitlement_core::rules::OnError;
    /// # let (current, proposed, mut cases) = entitlement_core::doc_fixture::what_if();
    /// let mut bad = cases[0].clone();
    /// bad.id = "new".into();
    /// bad.entitlement = Some("not-in-the-rules".into());
    /// cases.insert(0, bad);
    /// let w = current.what_if_with(&proposed, &cases, "2026-11-26T00:00:00Z".parse()?, OnError::Collect)?;
    /// assert_eq!(w.changes.len(), 1);
    /// assert_eq!((w.errors[0].index, w.errors[0].code.as_str()), (0, "unknown_entitlement"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn what_if_with(
        &self,
        proposed: &Ruleset,
        cases: &[Case],
        now: DateTime<Utc>,
        on_error: OnError,
    ) -> Result<WhatIf> {
        let checked = self.check_cases(cases, None, &[], now, on_error)?;
        self.what_if_checked(proposed, checked, now, on_error)
    }

    /// [`Ruleset::what_if_with`] over a host's batch.
    pub fn what_if_batch(
        &self,
        proposed: &Ruleset,
        batch: &CaseBatch,
        now: DateTime<Utc>,
        on_error: OnError,
    ) -> Result<WhatIf> {
        let checked = self.check_batch(batch, now, on_error)?;
        self.what_if_checked(proposed, checked, now, on_error)
    }

    fn what_if_checked(
        &self,
        proposed: &Ruleset,
        checked: Checked<'_>,
        now: DateTime<Utc>,
        on_error: OnError,
    ) -> Result<WhatIf> {
        let Checked {
            cases,
            positions,
            evaluations,
            mut errors,
        } = checked;
        let under_proposed = par_map(&cases, |c| Ok(proposed.evaluate(c, now)))?;
        let mut pairs = Vec::with_capacity(cases.len());
        for (((case, at), a), b) in cases
            .into_iter()
            .zip(positions)
            .zip(evaluations)
            .zip(under_proposed)
        {
            match b {
                Ok(b) => pairs.push((case, a.milestones, b)),
                Err(error) if on_error == OnError::Raise => return Err(error),
                Err(error) => errors.push(CaseError::new(at, &error)),
            }
        }
        errors.sort_by_key(|e| e.index);
        let mut rows: Vec<WhatIfRow> = Vec::new();
        let mut changes = Vec::new();
        let row = |rows: &mut Vec<WhatIfRow>, name: &str| -> usize {
            match rows.iter().position(|r| r.milestone == name) {
                Some(i) => i,
                None => {
                    rows.push(WhatIfRow {
                        milestone: name.to_string(),
                        current: Attainment::default(),
                        proposed: Attainment::default(),
                    });
                    rows.len() - 1
                }
            }
        };
        for (case, a, b) in pairs {
            for s in &a {
                let i = row(&mut rows, &s.milestone);
                rows[i].current.add(s.state);
            }
            for s in &b {
                let i = row(&mut rows, &s.milestone);
                rows[i].proposed.add(s.state);
            }
            let find = |list: &[MilestoneStatus], m: &str, n: u32| {
                list.iter()
                    .find(|s| s.milestone == m && s.instance == n)
                    .map(|s| s.state)
            };
            let mut keys: Vec<(String, u32)> = a
                .iter()
                .chain(&b)
                .map(|s| (s.milestone.to_string(), s.instance))
                .collect();
            keys.dedup();
            let mut seen = std::collections::HashSet::new();
            for (m, n) in keys {
                if !seen.insert((m.clone(), n)) {
                    continue;
                }
                let (x, y) = (find(&a, &m, n), find(&b, &m, n));
                if x != y {
                    changes.push(WhatIfChange {
                        case_id: case.id.clone(),
                        milestone: m,
                        instance: n,
                        current: x,
                        proposed: y,
                    });
                }
            }
        }
        Ok(WhatIf {
            rows,
            changes,
            errors,
        })
    }
}
