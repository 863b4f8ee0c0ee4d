"""Entitlement: an SLA-rules engine with exact business-hours calendars.

``Calendar`` computes business time; ``Ruleset`` holds the SLA rules (calendars, processes,
entitlements) and replays cases against them into ``MilestoneStatus``, ``CaseEvaluation`` and
``EntitlementUsage`` results. ``Ruleset.monitor`` is what a scheduled job calls: a
``MonitorReport`` of the window's ``MonitorEvent``s (exactly once across windows), their
``Alert``s (with Slack, email, Jira and PagerDuty renderers) and per-account rollups.

Instants are aware ``datetime`` objects (zoneinfo, pytz or fixed offsets; naive datetimes are
refused) and results are aware datetimes in ``timezone.utc``; durations are ``timedelta`` objects,
exact to the microsecond.

Importers turn the rules users already keep elsewhere into the same document:
``entitlement.salesforce`` (BusinessHours, Holiday, EntitlementProcess and MilestoneType metadata,
Entitlement and Case records), ``entitlement.zendesk`` (schedules, holidays, SLA policies),
``entitlement.servicenow`` (schedules, SLA definitions, task records),
``entitlement.dynamics`` (Dynamics 365 calendars, SLAs, entitlements and cases) and
``entitlement.ics`` (iCalendar holiday feeds). Each returns an ``Import``: the document fragment
and its warnings, from which ``calendar()`` and ``ruleset()`` build the engine's objects.

``entitlement.pipeline`` is the scheduled job itself (Salesforce in; Slack, war rooms, Jira,
PagerDuty and the case's priority out, each delivery exactly once) on the ledger of
``entitlement.ledger`` (SQLite, or PostgreSQL with ``entitlement[postgres]``).
"""

import importlib
from types import ModuleType

from entitlement._entitlement import (
    Alert,
    Calendar,
    CalendarError,
    CaseError,
    CaseEvaluation,
    CheckWarning,
    ConfigError,
    EntitlementError,
    EntitlementUsage,
    Import,
    InputError,
    MilestoneStatus,
    MonitorEvent,
    MonitorReport,
    RulesDiff,
    Ruleset,
    __version__,
)

__all__ = [
    "Alert",
    "Calendar",
    "CalendarError",
    "CaseError",
    "CaseEvaluation",
    "CheckWarning",
    "ConfigError",
    "EntitlementError",
    "EntitlementUsage",
    "Import",
    "InputError",
    "MilestoneStatus",
    "MonitorEvent",
    "MonitorReport",
    "RulesDiff",
    "Ruleset",
    "__version__",
]

# The submodules, each loaded on first use: ``entitlement.holidays.country("DE", "BY")`` works
# after a plain ``import entitlement`` without making that import pay for pandas or Airflow.
_SUBMODULES = frozenset(
    {
        "airflow",
        "arrow",
        "dynamics",
        "holidays",
        "ics",
        "ledger",
        "pipeline",
        "report",
        "review",
        "salesforce",
        "servicenow",
        "warehouse",
        "zendesk",
    }
)


def __getattr__(name: str) -> ModuleType:
    if name in _SUBMODULES:
        return importlib.import_module(f"entitlement.{name}")
    raise AttributeError(f"module 'entitlement' has no attribute {name!r}")
