"""The review page of a rules document: every process (milestones, what starts and completes
them, criteria, targets per tier, calendars, recurrence, triggers and actions), every calendar
(hours, holidays, overrides, unions) and every entitlement, as Markdown tables for the person who
approves a change (``docs/export.md``, "Review")::

    import entitlement
    from entitlement import review

    page = review.export(entitlement.Ruleset.load("rules.yaml"))["review.md"]
"""

from __future__ import annotations

from entitlement._entitlement import Ruleset, _export_review

__all__ = ["export"]


def export(ruleset: Ruleset) -> dict[str, str]:
    """The review page as ``{"review.md": text}`` (the shape of the vendor exports).

    >>> from entitlement import Ruleset
    >>> rules = Ruleset.from_dict({"calendars": {"24x7": {"always_open": True}}})
    >>> export(rules)["review.md"].splitlines()[0]
    '# Review of the SLA rules'
    """
    return _export_review(ruleset)
