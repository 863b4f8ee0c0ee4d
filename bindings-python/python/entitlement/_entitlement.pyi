"""Type stubs of the native module ``entitlement._entitlement`` (checked by mypy.stubtest)."""

import datetime
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Literal, TypedDict, final

from typing_extensions import Self, TypeAlias

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

__version__: str

#: A value in a calendar or rules document, or in a case: what ``Calendar.from_dict``,
#: ``Ruleset.from_dict`` and ``Ruleset.evaluate`` accept (a ``datetime`` must be aware).
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

#: A case in the document shape: ``{"id": ..., "entitlement": ..., "created_at": ...,
#: "fields": {...}, "events": [{"at": ..., "type": ...}, ...]}``.
_Case: TypeAlias = Mapping[str, _DefinitionValue]
#: An instant argument: an aware datetime, or an RFC 3339 string with an offset.
_Instant: TypeAlias = datetime.datetime | str

_State: TypeAlias = Literal[
    "pending", "in_progress", "paused", "completed", "completed_late", "violated"
]
_Kind: TypeAlias = Literal["first_response", "next_response", "resolution", "custom"]
_Level: TypeAlias = Literal["info", "warning", "critical", "violation", "escalation"]
_EntitlementStatus: TypeAlias = Literal["none", "inactive", "active", "expired"]
_Period: TypeAlias = Literal["month", "quarter", "year", "term"]

class _Trigger(TypedDict):
    point: str
    level: _Level
    actions: list[str]
    at: datetime.datetime
    crossed: bool

class _MilestoneStatusDict(TypedDict):
    case_id: str
    milestone: str
    kind: _Kind
    instance: int
    state: _State
    calendar: str | None
    started_at: datetime.datetime | None
    target: datetime.timedelta | None
    target_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    elapsed: datetime.timedelta
    paused: datetime.timedelta
    remaining: datetime.timedelta | None
    consumed: float | None
    crossed: list[_Level]
    next_trigger_at: datetime.datetime | None
    triggers: list[_Trigger]

class _CaseEvaluationDict(TypedDict):
    case_id: str
    entitlement: str | None
    entitlement_status: _EntitlementStatus
    covered: bool
    reason: str | None
    process: str | None
    process_version: int | None
    account: dict[str, Any]
    milestones: list[_MilestoneStatusDict]

class _Quota(TypedDict):
    name: str | None
    period: _Period
    period_start: datetime.date
    period_end: datetime.date
    max_cases: int
    used: int
    remaining: int

class _EntitlementUsageDict(TypedDict):
    entitlement: str
    status: _EntitlementStatus
    cases_used: int
    cases_per_entitlement: int | None
    cases_remaining: int | None
    quotas: list[_Quota]

@final
class Ruleset:
    """SLA rules: calendars, processes (with their milestones and versions) and entitlements."""

    @classmethod
    def from_dict(cls, document: Mapping[str, _DefinitionValue]) -> Ruleset: ...
    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Ruleset: ...
    @classmethod
    def from_json(cls, text: str) -> Ruleset: ...
    @classmethod
    def from_yaml(cls, text: str) -> Ruleset: ...
    @classmethod
    def from_toml(cls, text: str) -> Ruleset: ...
    @staticmethod
    def schema() -> dict[str, Any]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def evaluate(self, case: _Case, now: _Instant) -> list[MilestoneStatus]: ...
    def evaluate_case(self, case: _Case, now: _Instant) -> CaseEvaluation: ...
    def entitlement_usage(
        self, entitlement_id: str, cases: Iterable[_Case], now: _Instant
    ) -> EntitlementUsage: ...
    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]: ...

@final
class MilestoneStatus:
    """Where one instance of one milestone of a case stands at ``now``."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def case_id(self) -> str: ...
    @property
    def milestone(self) -> str: ...
    @property
    def kind(self) -> _Kind: ...
    @property
    def instance(self) -> int: ...
    @property
    def state(self) -> _State: ...
    @property
    def calendar(self) -> str | None: ...
    @property
    def started_at(self) -> datetime.datetime | None: ...
    @property
    def target(self) -> datetime.timedelta | None: ...
    @property
    def target_at(self) -> datetime.datetime | None: ...
    @property
    def completed_at(self) -> datetime.datetime | None: ...
    @property
    def elapsed(self) -> datetime.timedelta: ...
    @property
    def paused(self) -> datetime.timedelta: ...
    @property
    def remaining(self) -> datetime.timedelta | None: ...
    @property
    def consumed(self) -> float | None: ...
    @property
    def crossed(self) -> list[_Level]: ...
    @property
    def next_trigger_at(self) -> datetime.datetime | None: ...
    @property
    def triggers(self) -> list[_Trigger]: ...
    def to_dict(self) -> _MilestoneStatusDict: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class CaseEvaluation:
    """The whole result of evaluating one case at ``now``: its coverage and its milestones."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def case_id(self) -> str: ...
    @property
    def entitlement(self) -> str | None: ...
    @property
    def entitlement_status(self) -> _EntitlementStatus: ...
    @property
    def covered(self) -> bool: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def process(self) -> str | None: ...
    @property
    def process_version(self) -> int | None: ...
    @property
    def account(self) -> dict[str, Any]: ...
    @property
    def milestones(self) -> list[MilestoneStatus]: ...
    def to_dict(self) -> _CaseEvaluationDict: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class EntitlementUsage:
    """An entitlement's status, the cases raised under it and each quota's use at ``now``."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def entitlement(self) -> str: ...
    @property
    def status(self) -> _EntitlementStatus: ...
    @property
    def cases_used(self) -> int: ...
    @property
    def cases_per_entitlement(self) -> int | None: ...
    @property
    def cases_remaining(self) -> int | None: ...
    @property
    def quotas(self) -> list[_Quota]: ...
    def to_dict(self) -> _EntitlementUsageDict: ...
    def __eq__(self, value: object, /) -> bool: ...
