"""ServiceNow importer: schedules, SLA definitions and task records, as the REST Table API
returns them (``GET /api/now/table/<table>?sysparm_display_value=false``), into the rules
document.

Pass the parsed JSON bodies as they come (``{"result": [...]}``), a list of such bodies, or the
bare list of rows; a reference is its ``sys_id`` or ``{"link": ..., "value": sys_id}``::

    import entitlement.servicenow as sn

    hours = sn.schedules(get("cmn_schedule"), get("cmn_schedule_span"),
                         other_schedules=get("cmn_other_schedule"),
                         time_zone={"Ops floating": "Asia/Tokyo"})
    slas = sn.sla_definitions(get("contract_sla"), schedules=get("cmn_schedule"))
    rules = hours.merge(slas).ruleset()
    cases = sn.cases(get("incident"), audit=get("sys_audit"),
                     sla_definitions=get("contract_sla")).document["cases"]

Each function returns an ``Import``: the document fragment (save it with ``to_json()``) and its
warnings; ``calendar()`` and ``ruleset()`` build the engine's objects. What cannot be represented
exactly raises ``ConfigError`` with code ``"unsupported"``, naming the record and the field.
The mapping and its decisions: ``docs/import-servicenow.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from entitlement._entitlement import (
    Import,
    _servicenow_cases,
    _servicenow_schedules,
    _servicenow_sla_definitions,
)

__all__ = ["cases", "schedules", "sla_definitions"]

Rows = Mapping[str, Any] | Sequence[Mapping[str, Any]]


def schedules(
    schedules: Rows,
    spans: Rows,
    *,
    other_schedules: Rows | None = None,
    time_zone: str | Mapping[str, str] | None = None,
) -> Import:
    """Calendars from ``cmn_schedule`` rows, one per schedule, named after its ``name``, from its
    ``cmn_schedule_span`` entries and the child schedules of ``other_schedules``
    (``cmn_other_schedule`` rows: an ``exclude`` child, such as a holiday schedule, gives its
    parent holidays).

    Weekly include entries become weekly hours, one-off ones overrides of their date; exclude
    entries become holidays (repeating ones stay rules). A floating schedule (``time_zone``
    blank or ``floating``) raises ``ConfigError`` unless ``time_zone`` gives its zone: one zone
    for every floating schedule, or a dict by schedule name or ``sys_id``.

    >>> imp = schedules({"result": [{"sys_id": "s1", "name": "Desk", "time_zone": ""}]},
    ...     [{"sys_id": "e1", "schedule": "s1", "name": "Days", "repeat_type": "weekdays",
    ...       "start_date_time": "20250106T090000", "end_date_time": "20250106T170000"}],
    ...     time_zone="Europe/London")
    >>> imp.document["calendars"]["Desk"]["hours"]["mon"]
    ['09:00-17:00']
    """
    return _servicenow_schedules(schedules, spans, other_schedules, time_zone)


def sla_definitions(contract_slas: Rows, *, schedules: Rows | None = None) -> Import:
    """Processes from ``contract_sla`` rows: one per task table (its ``id`` the table, such as
    ``"incident"``), one ``custom`` milestone per active definition. The start condition is the
    milestone's ``when``; it completes on ``stopped.<name>``, which ``cases()`` emits when the
    stop condition becomes true; a pause condition on ``state`` gives its pause statuses; the
    ``duration`` (``"1970-01-01 08:00:00"`` is 8 hours) its target; a flow its triggers at 50,
    75 and 100 %. ``schedules`` (the ``cmn_schedule`` rows) names each definition's calendar.

    >>> imp = sla_definitions([{"sys_id": "d1", "name": "P1", "collection": "incident",
    ...     "duration": "1970-01-02 02:00:00", "schedule_source": "no_schedule",
    ...     "start_condition": "priority=1", "stop_condition": "state=6",
    ...     "when_to_cancel": "never"}])
    >>> imp.document["processes"][0]["milestones"][0]["target"]
    '1d2h'
    """
    return _servicenow_sla_definitions(contract_slas, schedules)


def cases(
    tasks: Rows,
    *,
    audit: Rows | None = None,
    history: Rows | None = None,
    sla_definitions: Rows | None = None,
    table: str | None = None,
) -> Import:
    """Cases from task rows (``incident`` or any task table) with their ``sys_audit`` (``audit``)
    and ``sys_history_line`` (``history``, with ``set.id``) changes: ``state`` changes are status
    events, other fields' changes field events. With ``sla_definitions`` (the ``contract_sla``
    rows), each stop condition replayed over the task's history gives the event that completes
    its milestone. ``table`` is the process of rows without ``sys_class_name``
    (default ``"incident"``).

    >>> imp = cases([{"sys_id": "t1", "number": "INC1", "opened_at": "2026-03-02 14:00:00",
    ...     "state": "2"}], audit=[{"documentkey": "t1", "fieldname": "state", "oldvalue": "1",
    ...     "newvalue": "2", "sys_created_on": "2026-03-02 15:00:00"}])
    >>> imp.document["cases"][0]["events"][0]["type"]
    'status'
    """
    return _servicenow_cases(tasks, audit, history, sla_definitions, table)
