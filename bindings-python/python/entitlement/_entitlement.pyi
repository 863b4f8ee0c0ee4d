"""Type stubs of the native module ``entitlement._entitlement`` (checked by mypy.stubtest)."""

import datetime
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Literal, Protocol, TypedDict, final, overload

import numpy
import pandas
from numpy.typing import NDArray
from typing_extensions import Self, TypeAlias

__all__ = [
    "Alert",
    "Calendar",
    "CalendarError",
    "CaseEvaluation",
    "ConfigError",
    "EntitlementError",
    "EntitlementUsage",
    "Import",
    "InputError",
    "MilestoneStatus",
    "MonitorEvent",
    "MonitorReport",
    "Ruleset",
    "__version__",
    "_ics_calendar",
    "_ics_holidays",
    "_ics_read",
    "_salesforce_business_hours",
    "_salesforce_cases",
    "_salesforce_completed_event",
    "_salesforce_entitlement_processes_files",
    "_salesforce_entitlement_processes_folder",
    "_salesforce_entitlements",
    "_salesforce_started_event",
    "_zendesk_rails_time_zone",
    "_zendesk_schedules",
    "_zendesk_sla_policies",
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

class _ArrowArray(Protocol):
    """A pyarrow array (or anything exporting the Arrow PyCapsule interface)."""

    def __arrow_c_array__(
        self, requested_schema: object | None = None
    ) -> tuple[object, object]: ...

#: Instants for the batch calls: numpy ``datetime64`` (UTC), pyarrow timestamps with a zone, or
#: aware datetimes.
_Instants: TypeAlias = NDArray[numpy.datetime64] | _ArrowArray | Iterable[datetime.datetime]
#: Durations for ``add_many``: numpy ``timedelta64``, pyarrow durations, timedeltas, or one
#: ``timedelta`` for every start.
_Durations: TypeAlias = (
    NDArray[numpy.timedelta64] | _ArrowArray | Iterable[datetime.timedelta] | datetime.timedelta
)

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
    @overload
    def add_many(
        self, starts: NDArray[numpy.datetime64], durations: _Durations
    ) -> NDArray[numpy.datetime64]: ...
    @overload
    def add_many(self, starts: _ArrowArray, durations: _Durations) -> Any: ...
    @overload
    def add_many(
        self, starts: Iterable[datetime.datetime], durations: _Durations
    ) -> list[datetime.datetime]: ...
    @overload
    def elapsed_many(
        self, starts: NDArray[numpy.datetime64], ends: _Instants
    ) -> NDArray[numpy.timedelta64]: ...
    @overload
    def elapsed_many(self, starts: _ArrowArray, ends: _Instants) -> Any: ...
    @overload
    def elapsed_many(
        self, starts: Iterable[datetime.datetime], ends: _Instants
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
    fired_at: datetime.datetime | None

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
    breached_at: datetime.datetime | None
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
    projected: float
    projected_over: bool

class _EntitlementUsageDict(TypedDict):
    entitlement: str
    status: _EntitlementStatus
    cases_used: int
    cases_per_entitlement: int | None
    cases_remaining: int | None
    quotas: list[_Quota]

class _BreachRisk(TypedDict):
    case_id: str
    process: str | None
    milestone: str
    instance: int
    state: str
    target: datetime.timedelta
    elapsed: datetime.timedelta
    probability: float | None
    observations: int
    completions: int

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
    def evaluate_many(
        self, cases: Iterable[_Case], now: _Instant
    ) -> list[list[MilestoneStatus]]: ...
    def evaluate_arrow(self, cases: _ArrowArray, now: _Instant) -> Any: ...
    def monitor_arrow(
        self, cases: _ArrowArray, now: _Instant, since: _Instant | None = None
    ) -> Any: ...
    def evaluate_case(self, case: _Case, now: _Instant) -> CaseEvaluation: ...
    def entitlement_usage(
        self, entitlement_id: str, cases: Iterable[_Case], now: _Instant
    ) -> EntitlementUsage: ...
    def breach_risk(self, cases: Iterable[_Case], now: _Instant) -> list[_BreachRisk]: ...
    def monitor(
        self, cases: Iterable[_Case], now: _Instant, since: _Instant | None = None
    ) -> MonitorReport: ...
    def what_if(self, proposed: Ruleset, cases: Iterable[_Case], now: _Instant) -> _WhatIf: ...
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
    def breached_at(self) -> datetime.datetime | None: ...
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

# --- The breach monitor ----------------------------------------------------------------------

_EventKind: TypeAlias = Literal["trigger", "breach", "quota", "allowance"]
_SuppressionRule: TypeAlias = Literal["min_level", "while_paused", "agent_activity"]
_Table: TypeAlias = Literal["events", "alerts", "statuses", "accounts"]

class _QuotaCrossing(TypedDict):
    name: str | None
    period: _Period
    period_start: datetime.date | None
    max_cases: int
    fraction: float
    used: int

class _MonitorEventDict(TypedDict):
    key: str
    kind: _EventKind
    level: _Level
    at: datetime.datetime
    case_id: str | None
    entitlement: str | None
    process: str | None
    milestone: str | None
    instance: int | None
    point: str | None
    actions: list[str]
    status: _MilestoneStatusDict | None
    quota: _QuotaCrossing | None
    account: dict[str, Any]
    suppressed: bool
    suppressed_by: _SuppressionRule | None

class _AlertDict(TypedDict):
    key: str
    kind: _EventKind
    level: _Level
    at: datetime.datetime
    title: str
    summary: str
    case_id: str | None
    entitlement: str | None
    milestone: str | None
    instance: int | None
    account_id: str | None
    account_name: str | None
    arr: Any
    renewal_date: Any
    executive_sponsor: Any
    csm: Any
    contacts: Any
    account: dict[str, Any]
    deadline_utc: datetime.datetime | None
    deadline_local: str | None
    time_zone: str | None
    business_left: datetime.timedelta | None
    wall_left: datetime.timedelta | None
    actions: list[str]

class _MilestoneRollup(TypedDict):
    milestone: str
    met: int
    late: int
    violated: int
    open: int
    at_risk: int
    near_misses: int
    breaches: int
    attainment: float | None

class _ProcessRollup(TypedDict):
    process: str
    cases: int
    milestones: list[_MilestoneRollup]

class _OverQuota(TypedDict):
    entitlement: str
    name: str | None
    period: _Period
    period_start: datetime.date
    used: int
    max_cases: int

class _AccountRollup(TypedDict):
    """One account's rollup: dates as ``datetime.date``; ``arr``, ``renewal_date`` and
    ``account`` passed through from the rules as written."""

    account_id: str
    name: str | None
    arr: Any
    renewal_date: Any
    account: dict[str, Any]
    entitlements: list[str]
    cases: int
    processes: list[_ProcessRollup]
    breaches: int
    near_misses: int
    at_risk: int
    usage: list[_EntitlementUsageDict]
    projected_over: bool
    over_quota_periods: list[_OverQuota]
    chronic_over_consumer: bool

class _MonitorReportDict(TypedDict):
    now: datetime.datetime
    since: datetime.datetime | None
    events: list[_MonitorEventDict]
    alerts: list[_AlertDict]
    statuses: list[_MilestoneStatusDict]
    accounts: list[_AccountRollup]
    cases: list[_CaseEvaluationDict]

class _Attainment(TypedDict):
    met: int
    late: int
    violated: int
    open: int
    attainment: float | None

class _WhatIfRow(TypedDict):
    milestone: str
    current: _Attainment
    proposed: _Attainment

class _WhatIfChange(TypedDict):
    case_id: str
    milestone: str
    instance: int
    current: _State | None
    proposed: _State | None

class _WhatIf(TypedDict):
    rows: list[_WhatIfRow]
    changes: list[_WhatIfChange]

class _SlackMessage(TypedDict):
    text: str
    blocks: list[dict[str, Any]]

class _Email(TypedDict):
    subject: str
    body: str

class _JiraIssue(TypedDict):
    fields: dict[str, Any]

# Functional syntax: "class" is a keyword.
_PagerDutyPayload = TypedDict(
    "_PagerDutyPayload",
    {
        "summary": str,
        "source": str,
        "severity": Literal["critical", "error", "warning", "info"],
        "timestamp": str,
        "component": str,
        "group": str,
        "class": str,
        "custom_details": dict[str, Any],
    },
)

class _PagerDutyEvent(TypedDict):
    routing_key: str
    event_action: Literal["trigger"]
    dedup_key: str
    payload: _PagerDutyPayload

@final
class MonitorEvent:
    """One thing that happened in the window of a monitor run."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def key(self) -> str: ...
    @property
    def kind(self) -> _EventKind: ...
    @property
    def level(self) -> _Level: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def case_id(self) -> str | None: ...
    @property
    def entitlement(self) -> str | None: ...
    @property
    def process(self) -> str | None: ...
    @property
    def milestone(self) -> str | None: ...
    @property
    def instance(self) -> int | None: ...
    @property
    def point(self) -> str | None: ...
    @property
    def actions(self) -> list[str]: ...
    @property
    def status(self) -> MilestoneStatus | None: ...
    @property
    def quota(self) -> _QuotaCrossing | None: ...
    @property
    def account(self) -> dict[str, Any]: ...
    @property
    def suppressed(self) -> bool: ...
    @property
    def suppressed_by(self) -> _SuppressionRule | None: ...
    def to_dict(self) -> _MonitorEventDict: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class Alert:
    """One monitor event that is not suppressed, ready to tell a person."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def key(self) -> str: ...
    @property
    def kind(self) -> _EventKind: ...
    @property
    def level(self) -> _Level: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def case_id(self) -> str | None: ...
    @property
    def entitlement(self) -> str | None: ...
    @property
    def milestone(self) -> str | None: ...
    @property
    def instance(self) -> int | None: ...
    @property
    def account_id(self) -> str | None: ...
    @property
    def account_name(self) -> str | None: ...
    @property
    def arr(self) -> Any: ...
    @property
    def renewal_date(self) -> Any: ...
    @property
    def executive_sponsor(self) -> Any: ...
    @property
    def csm(self) -> Any: ...
    @property
    def contacts(self) -> Any: ...
    @property
    def account(self) -> dict[str, Any]: ...
    @property
    def deadline_utc(self) -> datetime.datetime | None: ...
    @property
    def deadline_local(self) -> str | None: ...
    @property
    def time_zone(self) -> str | None: ...
    @property
    def business_left(self) -> datetime.timedelta | None: ...
    @property
    def wall_left(self) -> datetime.timedelta | None: ...
    @property
    def actions(self) -> list[str]: ...
    def slack_blocks(self) -> _SlackMessage: ...
    def email(self) -> _Email: ...
    def jira_issue(self, project_key: str, issue_type: str = "Task") -> _JiraIssue: ...
    def pagerduty_event(self, routing_key: str) -> _PagerDutyEvent: ...
    def to_dict(self) -> _AlertDict: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class MonitorReport:
    """The result of one monitor run: what happened in ``(since, now]`` and where every open
    milestone and every account stands at ``now``."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def now(self) -> datetime.datetime: ...
    @property
    def since(self) -> datetime.datetime | None: ...
    @property
    def events(self) -> list[MonitorEvent]: ...
    @property
    def alerts(self) -> list[Alert]: ...
    @property
    def statuses(self) -> list[MilestoneStatus]: ...
    @property
    def accounts(self) -> list[_AccountRollup]: ...
    @property
    def cases(self) -> list[CaseEvaluation]: ...
    def to_dict(self) -> _MonitorReportDict: ...
    def to_json(self) -> str: ...
    def to_pandas(self, table: _Table = "events") -> pandas.DataFrame: ...
    def to_arrow(self, table: _Table = "events") -> Any: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class Import:
    """An importer's result: a document fragment and the warnings that came with it."""

    def __new__(cls, document: Mapping[str, Any]) -> Import: ...
    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Import: ...
    @property
    def document(self) -> dict[str, Any]: ...
    @property
    def warnings(self) -> list[dict[str, str]]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self, indent: int | None = None) -> str: ...
    def calendar(self, name: str | None = None) -> Calendar: ...
    def calendars(self) -> dict[str, Calendar]: ...
    def ruleset(self) -> Ruleset: ...
    def merge(self, other: Import) -> Import: ...

def _zendesk_schedules(schedules: Any, holidays: Any = None) -> Import: ...
def _zendesk_sla_policies(policies: Any, schedule: str | None = None) -> Import: ...
def _zendesk_rails_time_zone(name: str) -> str: ...
def _ics_read(path: str | os.PathLike[str]) -> str: ...
def _ics_holidays(feed: str | bytes, source_name: str, time_zone: str) -> Import: ...
def _ics_calendar(
    feed: str | bytes, source_name: str, name: str, base: Mapping[str, Any]
) -> Import: ...
def _salesforce_business_hours(records: Any, holidays: Any = None) -> Import: ...
def _salesforce_entitlement_processes_folder(folder: str | os.PathLike[str]) -> Import: ...
def _salesforce_entitlement_processes_files(files: Sequence[tuple[str, str | bytes]]) -> Import: ...
def _salesforce_entitlements(
    records: Any, sla_processes: Any = None, business_hours: Any = None
) -> Import: ...
def _salesforce_cases(
    records: Any,
    history: Any = None,
    milestones: Any = None,
    closed_statuses: Sequence[str] | None = None,
) -> Import: ...
def _salesforce_completed_event(milestone: str) -> str: ...
def _salesforce_started_event(milestone: str) -> str: ...
