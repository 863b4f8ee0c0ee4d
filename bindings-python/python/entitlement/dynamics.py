"""Dynamics 365 Customer Service importer: calendars (customer service schedules with their
holiday schedules), SLAs with their items and KPIs, entitlements with their channels, and cases,
as the Dataverse Web API returns them, into the rules document.

Pass the parsed JSON of the API's responses as they come (``{"value": [...]}``, a list of rows
or one row)::

    import entitlement.dynamics as dy

    hours = dy.calendars(get("calendars?$expand=calendar_calendar_rules"))
    slas = dy.slas(get("slas"), get("slaitems"), get("msdyn_slakpis"),
                   options={"pause_statuses": [2, 3]})
    terms = dy.entitlements(get("entitlements"), get("entitlementchannels"))
    rules = hours.merge(slas).merge(terms).ruleset()
    cases = dy.cases(get("incidents"), options={"audits": get("audits")})

Each function returns an ``Import``: the document fragment (save it with ``to_json()``) and its
warnings; ``calendar()`` and ``ruleset()`` build the engine's objects. What cannot be represented
exactly raises ``ConfigError`` with code ``"unsupported"``, naming the record and the field.
The mapping and its decisions: ``docs/import-dynamics.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from entitlement._entitlement import (
    Import,
    _dynamics_calendars,
    _dynamics_cases,
    _dynamics_entitlements,
    _dynamics_slas,
    _dynamics_time_zone,
    _dynamics_time_zone_codes,
)

__all__ = ["calendars", "cases", "entitlements", "slas", "time_zone", "time_zone_codes"]

_Rows = Mapping[str, Any] | Sequence[Mapping[str, Any]]


def _options(options: Mapping[str, Any] | None, **given: Any) -> dict[str, Any] | None:
    """``options`` with the keyword arguments given (not None) added; one named twice raises."""
    merged = dict(options or {})
    for key, value in given.items():
        if value is None:
            continue
        if key in merged:
            raise TypeError(f"{key} is given both as a keyword and in options")
        merged[key] = value
    return merged or None


def calendars(
    calendars: _Rows,
    options: Mapping[str, Any] | None = None,
    *,
    calendar_rules: _Rows | None = None,
    time_zones: Mapping[str, str] | None = None,
) -> Import:
    """Calendars from ``calendar`` rows: one per customer service schedule (``type`` 0 or 1),
    named after its ``name``.

    The rows hold the schedules with their ``calendar_calendar_rules``, their inner calendars
    (``type`` -1: ``timecode`` 0 work hours, 2 with ``subcode`` 4 breaks, in minutes from
    midnight) and their holiday schedules (``type`` 2, linked by
    ``_holidayschedulecalendarid_value``). ``calendar_rules``: the rules, when not expanded,
    matched by ``_calendarid_value``; ``time_zones``: ``{"92": "Etc/UTC"}`` for ``timezonecode``
    values outside Microsoft's table. Each may also be given as a key of ``options``.

    >>> imp = calendars([
    ...     {"calendarid": "c1", "name": "Desk", "type": 1, "calendar_calendar_rules": [
    ...         {"pattern": "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO", "timezonecode": 85,
    ...          "_innercalendarid_value": "i1"}]},
    ...     {"calendarid": "i1", "type": -1, "calendar_calendar_rules": [
    ...         {"timecode": 0, "offset": 540, "duration": 480}]}])
    >>> desk = imp.document["calendars"]["Desk"]
    >>> desk["time_zone"], desk["hours"]
    ('Europe/London', {'mon': ['09:00-17:00']})
    """
    return _dynamics_calendars(
        calendars, _options(options, calendar_rules=calendar_rules, time_zones=time_zones)
    )


def slas(
    slas: _Rows,
    sla_items: _Rows | None = None,
    kpis: _Rows | None = None,
    options: Mapping[str, Any] | None = None,
    *,
    calendars: _Rows | None = None,
    pause_statuses: Sequence[int] | None = None,
) -> Import:
    """Processes from ``sla`` rows: one per SLA, one milestone per SLA item.

    An item's ``failureafter`` is the target and ``warnafter`` a warning trigger, in the SLA's
    business hours (``_businesshoursid_value``: the calendar's name from its FormattedValue
    annotation, or from the ``calendars`` option) or round the clock (``"24x7"``, which the
    fragment defines). ``applicablewhenxml`` becomes ``when`` (first matching item per KPI wins,
    as in Dynamics); ``successconditionsxml`` the completing events. ``calendars``: the calendar
    rows; ``pause_statuses``: the incident ``statuscode`` values that pause SLAs with
    ``allowpauseresume``. Each may also be given as a key of ``options``.

    >>> imp = slas([{"slaid": "s1", "name": "Std", "applicablefrom": "createdon"}],
    ...     [{"_slaid_value": "s1", "name": "Resolve", "relatedfield": "resolvebykpiid",
    ...       "failureafter": 480, "successconditionsxml":
    ...       '<filter><condition attribute="statecode" operator="eq" value="1"/></filter>'}])
    >>> imp.document["processes"][0]["milestones"][0]["target"]
    '480m'
    """
    return _dynamics_slas(
        slas,
        sla_items,
        kpis,
        _options(options, calendars=calendars, pause_statuses=pause_statuses),
    )


def entitlements(
    entitlements: _Rows,
    channels: _Rows | None = None,
    options: Mapping[str, Any] | None = None,
) -> Import:
    """Entitlements from ``entitlement`` rows: the SLA (``_slaid_value``) as the process, the
    customer as the account, ``totalterms`` (cases) as the per-incident allowance, and each
    ``entitlementchannel`` row's ``totalterms`` as a term quota on cases of that
    ``caseorigincode``. Allocations in hours raise ``ConfigError``.

    >>> imp = entitlements([{"entitlementid": "e1", "_slaid_value": "s1", "totalterms": 5}])
    >>> imp.document["entitlements"][0]["cases_per_entitlement"]
    5
    """
    return _dynamics_entitlements(entitlements, channels, options)


def cases(
    incidents: _Rows,
    options: Mapping[str, Any] | None = None,
    *,
    audits: _Rows | None = None,
) -> Import:
    """Cases from ``incident`` rows; ``audits`` (or ``options={"audits": ...}``) gives their
    ``audit`` rows, whose changes become events (``statuscode`` → status, ``statecode`` →
    solved / closed / reopened, ``firstresponsesent`` → agent_reply, other columns → field
    changes). The case's ``status`` is its ``statuscode`` as text.

    >>> imp = cases([{"incidentid": "c1", "createdon": "2026-03-02T09:00:00Z", "statuscode": 1}])
    >>> imp.document["cases"][0]["fields"]["status"]
    '1'
    """
    return _dynamics_cases(incidents, _options(options, audits=audits))


def time_zone(code: int) -> str:
    """The IANA zone of a Dynamics ``timezonecode`` (Microsoft's time zone index table); any
    other code raises ``ConfigError`` (code ``"unsupported"``).

    >>> time_zone(35)
    'America/New_York'
    """
    return _dynamics_time_zone(code)


def time_zone_codes() -> list[tuple[int, str, str]]:
    """Microsoft's time zone index table: ``(code, Windows zone name, IANA zone)`` rows.

    >>> time_zone_codes()[0]
    (0, 'Dateline Standard Time', 'Etc/GMT+12')
    """
    return _dynamics_time_zone_codes()
