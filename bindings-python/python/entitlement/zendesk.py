"""Zendesk importer: business-hours schedules with their holidays, and SLA policies, as the
Zendesk REST API returns them, into the rules document.

Pass the parsed JSON of the API's responses as they come::

    import entitlement.zendesk as zd

    hours = zd.schedules(
        get("/api/v2/business_hours/schedules"),           # {"schedules": [...]}
        holidays={str(s["id"]): get(f"/api/v2/business_hours/schedules/{s['id']}/holidays")
                  for s in schedules_list},                # {"<id>": {"holidays": [...]}}
    )
    sla = zd.sla_policies(get("/api/v2/slas/policies"), schedule="Support")
    rules = hours.merge(sla).ruleset()

Each function returns an ``Import``: the document fragment (save it with ``to_json()``) and its
warnings; ``calendar()`` and ``ruleset()`` build the engine's objects. What cannot be represented
exactly raises ``ConfigError`` with code ``"unsupported"``, naming the record and the field.
The mapping and its decisions: ``docs/import-zendesk.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from entitlement._entitlement import (
    Import,
    Ruleset,
    _export_zendesk,
    _zendesk_rails_time_zone,
    _zendesk_schedules,
    _zendesk_sla_policies,
)

__all__ = ["export", "rails_time_zone", "schedules", "sla_policies"]


def schedules(
    schedules: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    holidays: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
) -> Import:
    """Calendars from Zendesk business-hours schedules, one per schedule, named after its ``name``.

    ``schedules`` is the response of ``GET /api/v2/business_hours/schedules`` (``{"schedules":
    [...]}``) or of ``GET .../schedules/{id}`` (``{"schedule": {...}}``), a list of schedules or
    one schedule. ``intervals`` (minutes since Sunday 00:00, local time) become weekly hours split
    at local midnights; ``time_zone`` (a Rails name such as ``"Eastern Time (US & Canada)"``, or an
    IANA name) becomes the IANA zone.

    ``holidays`` maps a schedule id (as a string) to the response of
    ``GET .../schedules/{id}/holidays`` (``{"holidays": [...]}``) or to the list itself; with one
    schedule it may be that response directly. Schedules may also carry their own ``holidays``.
    Two schedules with the same name become ``"<name> #<id>"`` each, with a warning.

    >>> imp = schedules({"schedule": {"id": 1, "name": "Desk", "time_zone": "UTC",
    ...     "intervals": [{"start_time": 1980, "end_time": 2460}]}})
    >>> imp.document["calendars"]["Desk"]["hours"]
    {'mon': ['09:00-17:00']}
    """
    return _zendesk_schedules(schedules, holidays)


def sla_policies(
    policies: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    schedule: str | None = None,
) -> Import:
    """Processes from Zendesk SLA policies: one per policy, ordered by ``position``.

    ``policies`` is the response of ``GET /api/v2/slas/policies`` (``{"sla_policies": [...]}``) or
    of ``GET /api/v2/slas/policies/{id}`` (``{"sla_policy": {...}}``), a list or one policy. Each
    metric becomes a milestone measuring what Zendesk measures, with a target table by the case's
    ``priority``; ``filter`` becomes the milestones' ``when``. ``schedule`` is the calendar name
    (from ``schedules()``) of targets in business hours; targets in calendar hours run on
    ``"24x7"``, which the fragment defines. A business-hours target without ``schedule`` raises
    ``ConfigError`` naming the policy and field.

    >>> imp = sla_policies({"sla_policy": {"id": 7, "title": "Gold", "policy_metrics": [
    ...     {"priority": "urgent", "metric": "first_reply_time", "target": 30,
    ...      "business_hours": False}]}})
    >>> imp.document["processes"][0]["milestones"][0]["target"]
    {'by': 'priority', 'values': {'urgent': '30m'}}
    """
    return _zendesk_sla_policies(policies, schedule)


def rails_time_zone(name: str) -> str:
    """The IANA zone of a Rails (``ActiveSupport::TimeZone``) name, as Zendesk writes a schedule's
    ``time_zone``; an IANA name is returned as is. Anything else raises ``ConfigError`` (code
    ``"unsupported"``).

    >>> rails_time_zone("Eastern Time (US & Canada)")
    'America/New_York'
    """
    return _zendesk_rails_time_zone(name)


def export(ruleset: Ruleset, expand_holidays: tuple[int, int] | None = None) -> dict[str, str]:
    """The ruleset as Zendesk REST API bodies: a dict of relative path to text (per schedule
    ``schedules/<name>/schedule.json``, ``workweek.json`` and ``holidays/NNN.json``;
    ``sla_policies/NNN <title>.json`` in the order to create them; ``README.md``).

    Zendesk holidays are dated: recurring holidays are refused unless ``expand_holidays=(first,
    last)`` writes their dates in those years (which does not import back to the rule). What
    Zendesk cannot express raises ``ConfigError`` with code ``"unsupported"`` naming every path;
    what is written imports back (``schedules``, ``sla_policies``) to the same rules. The
    mapping: ``docs/export.md``.

    >>> from entitlement import Ruleset
    >>> rules = Ruleset.from_dict({"calendars": {"Desk": {"time_zone": "UTC",
    ...     "hours": {"mon": ["09:00-17:00"]}}}})
    >>> import json
    >>> json.loads(export(rules)["schedules/Desk/workweek.json"])
    {'workweek': {'intervals': [{'start_time': 1980, 'end_time': 2460}]}}
    """
    return _export_zendesk(ruleset, expand_holidays)
