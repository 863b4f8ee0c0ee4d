"""The QBR page of one account and the portfolio page, as self-contained HTML.

Both run the breach monitor over ``cases`` at ``now`` and render, from its outcome rows and
account periods, one HTML document with inline SVG charts (drawn by the same Rust renderer as
``entitlement report`` on the command line): no script, font or image is fetched, so the page
opens offline and prints to PDF. Every figure is also in the page as JSON
(``<script type="application/json" id="figures">``) and in ``data-value`` attributes.

Write the page where it should go::

    from pathlib import Path
    from entitlement import Ruleset
    from entitlement.report import qbr

    rules = Ruleset.load("rules.yaml")
    html = qbr(rules, cases, "A-1", "2026-07-01", "2026-09-30", now="2026-10-01T00:00:00Z")
    Path("qbr.html").write_text(html, encoding="utf-8")

Errors are ``entitlement.InputError`` with the report's code: ``unknown_account``,
``invalid_period`` (start after end), ``period_too_long`` (over 3,660 days), ``invalid_goal``
(not in (0, 100]); a bad ``start`` or ``end`` is ``invalid_type`` or ``invalid_value``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from entitlement._entitlement import Ruleset, _report_portfolio, _report_qbr

__all__ = ["portfolio", "qbr"]


def _now(now: datetime | str | None) -> datetime | str:
    return datetime.now(UTC) if now is None else now


def qbr(
    rules: Ruleset,
    cases: Sequence[Mapping[str, Any]],
    account: str,
    start: date | str,
    end: date | str,
    *,
    now: datetime | str | None = None,
    goal: float = 95.0,
) -> str:
    """The QBR page of ``account`` over the days ``start`` to ``end`` (both included).

    ``account`` is the account id (``account.id`` in the rules, else the entitlement id);
    ``start`` and ``end`` are ``datetime.date`` objects or ``YYYY-MM-DD`` strings, read in each
    case's reporting zone (its entitlement's calendar). ``now`` (an aware datetime or an RFC 3339
    string; default: the current time) is the instant the monitor runs at: open milestones,
    usage and the days to renewal are as of then. ``goal`` is the attainment goal in percent
    that the chart and the summary compare with (the rules have none; default 95).

    >>> from entitlement import Ruleset
    >>> rules = Ruleset.from_dict({
    ...     "processes": [{"id": "p", "milestones": [
    ...         {"name": "FR", "kind": "first_response", "target": "1h"}]}],
    ...     "entitlements": [
    ...         {"id": "e", "process": "p", "account": {"id": "A-1", "name": "Acme"}}]})
    >>> cases = [{"id": "C-1", "entitlement": "e", "created_at": "2026-07-01T10:00:00Z",
    ...           "events": [{"type": "agent_reply", "at": "2026-07-01T10:50:00Z"}]}]
    >>> now = "2026-10-01T00:00:00Z"
    >>> html = qbr(rules, cases, "A-1", "2026-07-01", "2026-09-30", now=now)
    >>> html.startswith("<!DOCTYPE html>") and 'id="figures"' in html
    True
    """
    report = rules.monitor(cases, _now(now))
    return _report_qbr(report, rules, account, start, end, float(goal))


def portfolio(
    rules: Ruleset,
    cases: Sequence[Mapping[str, Any]],
    start: date | str,
    end: date | str,
    *,
    now: datetime | str | None = None,
    goal: float = 95.0,
) -> str:
    """The portfolio page over the days ``start`` to ``end``: every account by ARR against
    attainment, the renewals within 90 days of ``now`` that had breaches, the over-consuming
    accounts. The arguments are those of ``qbr``.

    >>> from entitlement import Ruleset
    >>> rules = Ruleset.from_dict({
    ...     "processes": [{"id": "p", "milestones": [
    ...         {"name": "FR", "kind": "first_response", "target": "1h"}]}],
    ...     "entitlements": [{"id": "e", "process": "p", "account": {"id": "A-1", "arr": 1000}}]})
    >>> cases = [{"id": "C-1", "entitlement": "e", "created_at": "2026-07-01T10:00:00Z"}]
    >>> now = "2026-10-01T00:00:00Z"
    >>> "Portfolio" in portfolio(rules, cases, "2026-07-01", "2026-09-30", now=now)
    True
    """
    report = rules.monitor(cases, _now(now))
    return _report_portfolio(report, rules, start, end, float(goal))
