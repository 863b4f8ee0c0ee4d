//! `entitlement.RulesDiff`: what ``Ruleset.diff()`` answers (the core's `rules::diff`). Its
//! properties come from the core's description of the result (see `results`).

use entitlement_core::rules;
use pyo3::prelude::*;

use crate::results::result_class;

result_class! {
    /// What changed between two rules documents, from ``old.diff(new, cases=None, now=None)``.
    ///
    /// - ``changes``: one dict per difference, ``{"kind", "path", "before", "after",
    ///   "message"}``: ``kind`` is ``"added"``, ``"removed"`` or ``"changed"``; ``path`` names
    ///   list items by their identity
    ///   (``processes.gold.milestones.Resolution.target.values.Sev1``); ``before`` and
    ///   ``after`` are the values in the document's canonical form (``None`` on the side where
    ///   the part does not exist); ``message`` is one sentence for a reviewer.
    /// - ``deadlines``: with ``cases``, the open milestone instances whose deadline moves at
    ///   ``now`` (``change``: ``"moved"``, ``"appeared"``, ``"disappeared"``), with the old
    ///   and new ``target_at``, ``delta`` (wall-clock ``timedelta``, negative when earlier) and
    ///   ``target_delta`` (the change of the business-time target).
    /// - ``errors``: the cases that one side (``side``: ``"old"``, ``"new"``, ``"both"``) could
    ///   not evaluate, with the fields of ``CaseError``.
    ///
    /// True when the documents differ (``bool(diff)``), as ``diff`` exits 1. Immutable; equal
    /// when every field is equal. See ``docs/diff.md``.
    RulesDiff(rules::RulesDiff),
    repr: [];
    methods {
        fn __bool__(&self) -> bool {
            self.inner.has_changes
        }
    }
}
