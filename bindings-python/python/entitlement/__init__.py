"""Entitlement: an SLA-rules engine with exact business-hours calendars.

``Calendar`` computes business time; ``Ruleset`` holds the SLA rules (calendars, processes,
entitlements) and replays cases against them into ``MilestoneStatus``, ``CaseEvaluation`` and
``EntitlementUsage`` results.

Instants are aware ``datetime`` objects (zoneinfo, pytz or fixed offsets; naive datetimes are
refused) and results are aware datetimes in ``timezone.utc``; durations are ``timedelta`` objects,
exact to the microsecond.
"""

from entitlement._entitlement import (
    Calendar,
    CalendarError,
    CaseEvaluation,
    ConfigError,
    EntitlementError,
    EntitlementUsage,
    InputError,
    MilestoneStatus,
    Ruleset,
    __version__,
)

__all__ = [
    "Calendar",
    "CalendarError",
    "CaseEvaluation",
    "ConfigError",
    "EntitlementError",
    "EntitlementUsage",
    "InputError",
    "MilestoneStatus",
    "Ruleset",
    "__version__",
]
