//! What-if: the attainment a set of cases had under these rules and would have had under
//! proposed ones, side by side.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::rollup::Attainment;
use crate::error::Result;
use crate::rules::Ruleset;
use crate::rules::case::Case;
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
        for case in cases {
            let a = self.evaluate(case, now)?;
            let b = proposed.evaluate(case, now)?;
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
                .map(|s| (s.milestone.clone(), s.instance))
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
        Ok(WhatIf { rows, changes })
    }
}
