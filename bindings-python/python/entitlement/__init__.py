"""Entitlement: an SLA-rules engine with exact business-hours calendars.

Instants are aware ``datetime`` objects (zoneinfo, pytz or fixed offsets; naive datetimes are
refused) and results are aware datetimes in ``timezone.utc``; durations are ``timedelta`` objects,
exact to the microsecond.
"""

from entitlement._entitlement import (
    Calendar,
    CalendarError,
    ConfigError,
    EntitlementError,
    InputError,
    __version__,
)

__all__ = [
    "Calendar",
    "CalendarError",
    "ConfigError",
    "EntitlementError",
    "InputError",
    "__version__",
]
