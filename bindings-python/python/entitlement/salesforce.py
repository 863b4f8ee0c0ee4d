"""Salesforce importer: the records and metadata of Service Cloud's entitlement management, as
the REST API (SOQL query results) and the Metadata API (retrieved XML) give them, into the rules
document.

Feed SOQL results straight in (the parsed JSON of ``/services/data/vXX.X/query``, a list of its
pages, or a list of records)::

    from entitlement import salesforce

    hours = salesforce.business_hours(
        query("SELECT Id, Name, IsActive, IsDefault, TimeZoneSidKey, MondayStartTime, ... "
              "FROM BusinessHours"),
        holidays={"Support NY": query("SELECT Id, Name, IsAllDay, ActivityDate, ... FROM Holiday")},
    )
    processes = salesforce.entitlement_processes("force-app/main/default")
    contracts = salesforce.entitlements(query("SELECT Id, Name, AccountId, Account.Name, ... "
                                              "FROM Entitlement"))
    rules = hours.merge(processes).merge(contracts).ruleset()
    cases = salesforce.cases(query("SELECT Id, ..., (SELECT ... FROM Histories), "
                                   "(SELECT ... FROM CaseMilestones) FROM Case"))
    report = rules.monitor(cases.document["cases"], now)

Each function returns an ``Import``: the document fragment (save it with ``to_json()``) and its
warnings; ``calendar()`` and ``ruleset()`` build the engine's objects. What cannot be
represented exactly raises ``ConfigError`` with code ``"unsupported"``, naming the record or file
and the field. The field-by-field mapping and its decisions: ``docs/import-salesforce.md``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from entitlement._entitlement import (
    Import,
    Ruleset,
    _export_salesforce,
    _salesforce_business_hours,
    _salesforce_cases,
    _salesforce_completed_event,
    _salesforce_entitlement_processes_files,
    _salesforce_entitlement_processes_folder,
    _salesforce_entitlements,
    _salesforce_started_event,
)

__all__ = [
    "CLOSED_STATUSES",
    "NO_PROCESS",
    "Records",
    "business_hours",
    "cases",
    "completed_event",
    "entitlement_processes",
    "entitlements",
    "export",
    "started_event",
]

#: Records as the REST API gives them: a SOQL query result (``{"totalSize", "done",
#: "records": [...]}``), a list of such pages, a list of records, or one record.
Records = Mapping[str, Any] | Sequence[Mapping[str, Any]]

#: The process that entitlements without an entitlement process use (no milestones).
NO_PROCESS = "no-entitlement-process"

#: The statuses that close a case unless ``cases(closed_statuses=...)`` says otherwise.
CLOSED_STATUSES: tuple[str, ...] = ("Closed",)


def business_hours(
    records: Records,
    holidays: Records | Mapping[str, Records] | None = None,
) -> Import:
    """Calendars from ``BusinessHours`` records, one per record, named after its ``Name``.

    Weekday ``...StartTime`` / ``...EndTime`` are wall times in the record's ``TimeZoneSidKey``
    written ``HH:mm:ss.SSSZ`` (the ``Z`` is not UTC); ``None`` pairs are closed days, ``00:00``
    to ``00:00`` a 24-hour day. An inactive record (``IsActive`` false) is imported with a
    warning.

    ``holidays`` are ``Holiday`` records: one-off (``ActivityDate``), timed
    (``StartTimeInMinutes`` / ``EndTimeInMinutes``) and recurring with every ``RecurrenceType``.
    The REST API does not say which business hours a holiday belongs to: plain records apply to
    every business-hours record (with a warning when there are several); a mapping from
    business-hours ``Id`` or ``Name`` to records associates them as Setup does.

    >>> imp = business_hours([{"Id": "01m1", "Name": "Desk", "TimeZoneSidKey": "Europe/Paris",
    ...     "MondayStartTime": "08:30:00.000Z", "MondayEndTime": "00:00:00.000Z"}])
    >>> imp.document["calendars"]["Desk"]["hours"]
    {'mon': ['08:30-24:00']}
    """
    return _salesforce_business_hours(records, holidays)


def entitlement_processes(
    source: str | bytes | os.PathLike[str] | Mapping[str, str | bytes] | Sequence[str | bytes],
) -> Import:
    """Processes from ``EntitlementProcess`` metadata, with milestone recurrence from
    ``MilestoneType`` metadata.

    ``source`` is a retrieved folder (a path, or a ``str`` that is not XML: a project's
    ``force-app/main/default``, holding ``entitlementProcesses/*.entitlementProcess-meta.xml``
    and ``milestoneTypes/*.milestoneType-meta.xml``, or an ``unpackaged`` folder of
    ``.entitlementProcess`` / ``.milestoneType`` files); a mapping from file name to the file's
    XML (``str`` or UTF-8 ``bytes``); or the XML itself, one file's (``str`` starting with
    ``<``, or ``bytes``) or a list of them, each known by its root element.

    Versions of a process share its ``name``, which is the process ``id``; ``versionNumber`` and
    ``isVersionDefault`` are its version and default mark. Each milestone becomes a ``custom``
    milestone that completes on ``completed_event(milestoneName)`` (what ``cases()`` makes of a
    ``CaseMilestone``'s ``CompletionDate``), with ``minutesToComplete`` as its target, its
    filter items as ``when``, and its time triggers as triggers.

    >>> xml = ('<EntitlementProcess xmlns="http://soap.sforce.com/2006/04/metadata">'
    ...        '<milestones><milestoneName>First Response</milestoneName>'
    ...        '<minutesToComplete>30</minutesToComplete></milestones>'
    ...        '<name>Basic</name></EntitlementProcess>')
    >>> imp = entitlement_processes({"basic.entitlementProcess-meta.xml": xml})
    >>> imp.document["processes"][0]["milestones"][0]["completes_on"]
    ['completed.First_Response']
    >>> entitlement_processes(xml).document == imp.document
    True
    """
    if isinstance(source, bytes) or (isinstance(source, str) and source.lstrip().startswith("<")):
        return _salesforce_entitlement_processes_files([("<xml>", source)])
    if isinstance(source, (str, os.PathLike)):
        return _salesforce_entitlement_processes_folder(os.fspath(source))
    if isinstance(source, Mapping):
        return _salesforce_entitlement_processes_files(list(source.items()))
    if isinstance(source, Sequence):
        texts: list[tuple[str, str | bytes]] = []
        for i, text in enumerate(source):
            if not isinstance(text, (str, bytes)):
                raise TypeError(f"source[{i}] must be XML text or bytes, not {type(text).__name__}")
            texts.append((f"<xml #{i + 1}>", text))
        return _salesforce_entitlement_processes_files(texts)
    raise TypeError(
        "source must be a folder path, XML text or bytes, a list of them, or a mapping of file "
        f"name to XML, not {type(source).__name__}"
    )


def entitlements(
    records: Records,
    *,
    sla_processes: Records | None = None,
    business_hours: Records | None = None,
    accounts: Mapping[str, Any] | None = None,
) -> Import:
    """Entitlements from ``Entitlement`` records, with their account context.

    The process is the entitlement process's ``Name`` pinned to its ``VersionNumber``: from the
    ``SlaProcess`` relationship in each record (``SELECT ..., SlaProcess.Name,
    SlaProcess.VersionNumber FROM Entitlement``), else from ``sla_processes`` (``SlaProcess``
    records) by ``SlaProcessId``. The calendar is the ``BusinessHours`` name, from the
    relationship or from ``business_hours`` records by ``BusinessHoursId``; without one, the
    default business hours (``IsDefault``) among ``business_hours``. ``IsPerIncident`` with
    ``CasesPerEntitlement`` is the allowance. An entitlement without a process uses
    ``NO_PROCESS``, which the fragment defines.

    ``accounts`` fills each entitlement's ``account`` block (``arr``, ``renewal_date``,
    ``executive_sponsor``, ``csm``, ``contacts``) from recorded queries: the record sets
    ``accounts`` (``Account``), ``contracts`` (``Contract``), ``opportunities``
    (``Opportunity``), ``team_members`` (``AccountTeamMember``) and ``contact_roles``
    (``AccountContactRole`` or ``OpportunityContactRole``), and the mapping keys ``arr`` (the
    ``Account`` field, default ``"AnnualRevenue"``), ``renewal_date`` (``{"from": "contract"}``,
    the default; ``{"from": "opportunity", "type": "Renewal"}``; ``{"from": "account",
    "field": "Renewal_Date__c"}``), ``executive_sponsor`` and ``csm`` (``{"team_role": ...}``
    or ``{"contact_role": ...}``; defaults the team roles ``"Executive Sponsor"`` and
    ``"Customer Success Manager"``). A key set to ``None`` reads nothing. The guide:
    docs/import-salesforce.md, "Account context".

    >>> imp = entitlements([{"Id": "5501", "Name": "Acme", "StartDate": "2026-01-01",
    ...     "SlaProcess": {"Name": "Gold Support", "VersionNumber": 2}}])
    >>> imp.document["entitlements"][0]["process"]
    {'id': 'Gold Support', 'version': 2}
    >>> imp = entitlements([{"Id": "5501", "AccountId": "0011"}],
    ...     accounts={"accounts": [{"Id": "0011", "Name": "Acme", "ARR__c": 1200000}],
    ...               "arr": "ARR__c"})
    >>> imp.document["entitlements"][0]["account"]
    {'arr': 1200000, 'id': '0011', 'name': 'Acme'}
    """
    return _salesforce_entitlements(records, sla_processes, business_hours, accounts)


def cases(
    records: Records,
    *,
    history: Records | None = None,
    milestones: Records | None = None,
    closed_statuses: Sequence[str] = CLOSED_STATUSES,
) -> Import:
    """Cases in the document's case shape (``document["cases"]``, ready for
    ``Ruleset.evaluate`` and ``Ruleset.monitor``) from ``Case`` records with their
    ``CaseHistory`` and ``CaseMilestone`` rows.

    The rows may come inside each case as subqueries (``(SELECT ... FROM Histories)``,
    ``(SELECT ... FROM CaseMilestones)``) or apart as ``history`` and ``milestones``, matched by
    ``CaseId``. History becomes ``status``, ``field``, ``stop`` / ``resume`` events (with the old
    value as ``from``); a change into one of ``closed_statuses`` (a list of statuses; a string
    is an ``invalid_type`` error) is also a ``closed`` event and
    out of one a ``reopened`` event. Milestone rows become ``started_event(name)`` at
    ``StartDate`` and ``completed_event(name)`` at ``CompletionDate``. Fields keep their API
    names (relationships flattened, ``Account.Name``), except ``Status`` and ``Priority``, which
    are ``status`` and ``priority``.

    >>> imp = cases([{"Id": "5001", "CreatedDate": "2026-11-20T14:00:00.000+0000",
    ...     "Status": "New", "Priority": "High"}])
    >>> imp.document["cases"][0]["fields"]["priority"], imp.document["cases"][0]["created_at"]
    ('High', '2026-11-20T14:00:00Z')
    """
    return _salesforce_cases(records, history, milestones, closed_statuses)


def completed_event(milestone: str) -> str:
    """The event type that completes the imported milestone ``milestone``.

    >>> completed_event("First Response")
    'completed.First_Response'
    """
    return _salesforce_completed_event(milestone)


def started_event(milestone: str) -> str:
    """The event type that starts an occurrence of the imported milestone ``milestone``.

    >>> started_event("Next Response")
    'started.Next_Response'
    """
    return _salesforce_started_event(milestone)


def export(ruleset: Ruleset) -> dict[str, str]:
    """The ruleset as a Salesforce source-format project, for ``sf project deploy start``: a dict
    of relative path to text (``EntitlementProcess`` and ``MilestoneType`` metadata under
    ``force-app/main/default/``, business hours and holidays as ``BusinessHoursSettings`` and as
    records under ``data/``, ``manifest/package.xml``, ``sfdx-project.json``, ``README.md``).

    What Salesforce cannot express raises ``ConfigError`` with code ``"unsupported"`` naming every
    path; what is written imports back (``business_hours``, ``entitlement_processes``) to the same
    rules. The mapping: ``docs/export.md``.

    >>> from entitlement import Ruleset
    >>> rules = Ruleset.from_dict({"calendars": {"Support": {"time_zone": "America/New_York",
    ...     "hours": {"mon": ["09:00-17:00"]}}}})
    >>> files = export(rules)
    >>> "force-app/main/default/settings/BusinessHours.settings-meta.xml" in files
    True
    """
    return _export_salesforce(ruleset)
