"""Type stubs of the native module ``entitlement._entitlement`` (checked by mypy.stubtest)."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, final

from typing_extensions import Self, TypeAlias

__all__ = [
    "Calendar",
    "CalendarError",
    "ConfigError",
    "EntitlementError",
    "InputError",
    "__version__",
]

__version__: str

#: A value in a calendar definition: what ``Calendar.from_dict`` accepts.
_DefinitionValue: TypeAlias = (
    str
    | int
    | float
    | bool
    | datetime.date
    | Sequence[_DefinitionValue]
    | Mapping[str, _DefinitionValue]
    | None
)

class EntitlementError(Exception):
    """Base class of every error raised by entitlement."""

    code: str

class ConfigError(EntitlementError, ValueError):
    """A calendar or rules definition is invalid."""

class CalendarError(EntitlementError):
    """A calendar cannot answer within the supported range (years 1 to 9999)."""

class InputError(EntitlementError, ValueError, TypeError):
    """An argument of an operation is invalid."""

@final
class Calendar:
    """A business calendar: weekly opening hours in an IANA time zone, holidays and overrides."""

    def __new__(
        cls,
        time_zone: str | None = None,
        *,
        hours: Mapping[str, Sequence[str]] | None = None,
        holidays: Sequence[Mapping[str, _DefinitionValue]] | None = None,
        overrides: Sequence[Mapping[str, _DefinitionValue]] | None = None,
    ) -> Self: ...
    @classmethod
    def from_dict(cls, definition: Mapping[str, _DefinitionValue]) -> Calendar: ...
    @staticmethod
    def always_open() -> Calendar: ...
    @staticmethod
    def union(calendars: Iterable[Calendar]) -> Calendar: ...
    @property
    def time_zone(self) -> str | None: ...
    def to_dict(self) -> dict[str, Any]: ...
    def add(self, start: datetime.datetime, duration: datetime.timedelta) -> datetime.datetime: ...
    def sub(self, start: datetime.datetime, duration: datetime.timedelta) -> datetime.datetime: ...
    def elapsed(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta: ...
    def is_open(self, instant: datetime.datetime) -> bool: ...
    def next_open(self, instant: datetime.datetime) -> datetime.datetime: ...
    def next_close(self, instant: datetime.datetime) -> datetime.datetime: ...
    def open_intervals(
        self, start: datetime.datetime, end: datetime.datetime
    ) -> list[tuple[datetime.datetime, datetime.datetime]]: ...
    def add_many(
        self, starts: Iterable[datetime.datetime], durations: Iterable[datetime.timedelta]
    ) -> list[datetime.datetime]: ...
    def elapsed_many(
        self, starts: Iterable[datetime.datetime], ends: Iterable[datetime.datetime]
    ) -> list[datetime.timedelta]: ...
    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]: ...
