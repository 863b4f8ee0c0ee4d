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
    "_RESULT_TYPES",
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
    "_dynamics_calendars",
    "_dynamics_cases",
    "_dynamics_entitlements",
    "_dynamics_slas",
    "_dynamics_time_zone",
    "_dynamics_time_zone_codes",
    "_export_review",
    "_export_salesforce",
    "_export_zendesk",
    "_holidays_available",
    "_holidays_between",
    "_holidays_info",
    "_holidays_names",
    "_holidays_year",
    "_ics_calendar",
    "_ics_holidays",
    "_ics_read",
    "_report_portfolio",
    "_report_qbr",
    "_result_schema",
    "_salesforce_business_hours",
    "_salesforce_cases",
    "_salesforce_completed_event",
    "_salesforce_entitlement_processes_files",
    "_salesforce_entitlement_processes_folder",
    "_salesforce_entitlements",
    "_salesforce_started_event",
    "_servicenow_cases",
    "_servicenow_schedules",
    "_servicenow_sla_definitions",
    "_zendesk_rails_time_zone",
    "_zendesk_schedules",
    "_zendesk_sla_policies",
    "ledger_migrations",
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

    #: The stable code, such as ``"unknown_time_zone"``.
    code: str
    #: Where the error happened: keys (``str``) and indices (``int``), such as
    #: ``["hours", "mon", 0]``; ``[]`` when the error has no place.
    path: list[str | int]

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
    def add_business_days(self, start: datetime.datetime, days: int) -> datetime.datetime: ...
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
#: What a call over many cases does with a bad case: leave it out, or raise its error.
_OnError: TypeAlias = Literal["collect", "raise"]

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
        self, cases: Iterable[_Case], now: _Instant, *, on_error: _OnError = "collect"
    ) -> list[list[MilestoneStatus] | CaseError]: ...
    def evaluate_arrow(
        self, cases: _ArrowArray, now: _Instant, *, on_error: _OnError = "collect"
    ) -> Any: ...
    def monitor_arrow(
        self,
        cases: _ArrowArray,
        now: _Instant,
        since: _Instant | None = None,
        *,
        on_error: _OnError = "collect",
    ) -> Any: ...
    def evaluate_case(self, case: _Case, now: _Instant) -> CaseEvaluation: ...
    def entitlement_usage(
        self, entitlement_id: str, cases: Iterable[_Case], now: _Instant
    ) -> EntitlementUsage: ...
    def breach_risk(
        self, cases: Iterable[_Case], now: _Instant, *, on_error: _OnError = "collect"
    ) -> list[_BreachRisk | CaseError]: ...
    def monitor(
        self,
        cases: Iterable[_Case],
        now: _Instant,
        since: _Instant | None = None,
        *,
        on_error: _OnError = "collect",
    ) -> MonitorReport: ...
    def what_if(
        self,
        proposed: Ruleset,
        cases: Iterable[_Case],
        now: _Instant,
        *,
        on_error: _OnError = "collect",
    ) -> _WhatIf: ...
    def check(self, now: _Instant | None = None) -> list[CheckWarning]: ...
    def diff(
        self,
        other: Ruleset,
        cases: Iterable[_Case] | None = None,
        now: _Instant | None = None,
    ) -> RulesDiff: ...
    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]: ...

# --- The breach monitor ----------------------------------------------------------------------

_Table: TypeAlias = Literal[
    "events", "alerts", "statuses", "accounts", "outcomes", "account_periods"
]

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

# --- generated from the core's result schema by bindings-python/scripts/gen_stubs.py ---

_ChangeKind: TypeAlias = Literal["added", "removed", "changed"]
_Channel: TypeAlias = Literal["slack", "war_room", "jira", "pagerduty", "salesforce"]
_CheckCode: TypeAlias = Literal[
    "day_duration",
    "default_24x7",
    "unknown_status",
    "status_case",
    "tier_without_default",
    "trigger_after_target",
    "unproduced_event",
    "entitlement_expired",
    "entitlement_not_started",
    "calendar_rarely_open",
    "holiday_on_closed_day",
    "unused_calendar",
]
_DeadlineChange: TypeAlias = Literal["moved", "appeared", "disappeared"]
_DiffSide: TypeAlias = Literal["old", "new", "both"]
_EntitlementStatus: TypeAlias = Literal["none", "inactive", "active", "expired"]
_Level: TypeAlias = Literal["info", "warning", "critical", "violation", "escalation"]
_Kind: TypeAlias = Literal["first_response", "next_response", "resolution", "custom"]
_State: TypeAlias = Literal[
    "pending", "in_progress", "paused", "completed", "completed_late", "violated"
]
_EventKind: TypeAlias = Literal[
    "trigger", "breach", "quota", "allowance", "data_error", "milestone_completed"
]
_Outcome: TypeAlias = Literal["met", "late", "violated", "open"]
_Period: TypeAlias = Literal["month", "quarter", "year", "term"]

class _AccountPeriod(TypedDict):
    account: dict[str, Any]
    account_id: str
    account_name: str | None
    arr: float | None
    attainment: float | None
    attainment_by_milestone: list[_MilestoneAttainment]
    breaches: int
    cases: int
    cases_allowed: int | None
    cases_used: int
    chronic_over_consumer: bool
    csm: str | None
    days_to_renewal: int | None
    entitlements: list[str]
    executive_sponsor: str | None
    first_response_p50: datetime.timedelta | None
    first_response_p90: datetime.timedelta | None
    late: int
    met: int
    near_misses: int
    open: int
    over_quota_periods: int
    period_end: datetime.date | None
    period_start: datetime.date | None
    projected_over: bool
    renewal_date: datetime.date | None
    resolution_p50: datetime.timedelta | None
    resolution_p90: datetime.timedelta | None
    usage: list[_EntitlementUsageDict]
    violated: int

class _AccountRollup(TypedDict):
    account: dict[str, Any]
    account_id: str
    arr: Any
    at_risk: int
    breaches: int
    cases: int
    chronic_over_consumer: bool
    entitlements: list[str]
    name: str | None
    near_misses: int
    over_quota_periods: list[_OverQuota]
    processes: list[_ProcessRollup]
    projected_over: bool
    renewal_date: Any
    usage: list[_EntitlementUsageDict]

class _AlertDict(TypedDict):
    account: dict[str, Any]
    account_id: str | None
    account_name: str | None
    action_items: list[_AlertAction]
    actions: list[str]
    arr: Any
    arr_text: str | None
    at: datetime.datetime
    business_left: datetime.timedelta | None
    case_id: str | None
    contacts: Any
    csm: Any
    deadline_local: str | None
    deadline_utc: datetime.datetime | None
    deliveries: list[_Delivery]
    entitlement: str | None
    executive_sponsor: Any
    fields: list[_AlertField]
    instance: int | None
    key: str
    keys: list[str]
    kind: _EventKind
    level: _Level
    links: list[_AlertLink]
    milestone: str | None
    renewal_date: Any
    summary: str
    time_zone: str | None
    title: str
    wall_left: datetime.timedelta | None

class _AlertAction(TypedDict):
    details: str | None
    id: str
    label: str

class _AlertField(TypedDict):
    label: str
    value: str

class _AlertLink(TypedDict):
    label: str
    url: str

class _Attainment(TypedDict):
    attainment: float | None
    late: int
    met: int
    open: int
    violated: int

class _BreachRisk(TypedDict):
    case_id: str
    completions: int
    elapsed: datetime.timedelta
    instance: int
    milestone: str
    observations: int
    probability: float | None
    process: str | None
    state: _State
    target: datetime.timedelta

class _CaseErrorDict(TypedDict):
    case_id: str | None
    code: str
    index: int
    message: str
    path: str

class _CaseEvaluationDict(TypedDict):
    account: dict[str, Any]
    case_id: str
    covered: bool
    entitlement: str | None
    entitlement_status: _EntitlementStatus
    milestones: list[_MilestoneStatusDict]
    process: str | None
    process_version: int | None
    reason: str | None

class _Change(TypedDict):
    after: Any
    before: Any
    kind: _ChangeKind
    message: str
    path: str

class _CheckWarningDict(TypedDict):
    code: _CheckCode
    message: str
    path: str

class _DeadlineMove(TypedDict):
    case_id: str
    change: _DeadlineChange
    delta: datetime.timedelta | None
    instance: int
    milestone: str
    new_state: _State | None
    new_target_at: datetime.datetime | None
    old_state: _State | None
    old_target_at: datetime.datetime | None
    target_delta: datetime.timedelta | None

class _Delivery(TypedDict):
    action: str
    automated: bool
    channel: _Channel
    dedupe: str
    invite: list[str]
    target: str | None

class _DiffCaseError(TypedDict):
    case_id: str | None
    code: str
    index: int
    message: str
    path: str
    side: _DiffSide

class _EntitlementUsageDict(TypedDict):
    cases_per_entitlement: int | None
    cases_remaining: int | None
    cases_used: int
    entitlement: str
    quotas: list[_Quota]
    status: _EntitlementStatus

class _MilestoneAttainment(TypedDict):
    attainment: float | None
    late: int
    met: int
    milestone: str
    near_misses: int
    open: int
    process: str
    violated: int

class _MilestoneOutcome(TypedDict):
    account_id: str | None
    account_name: str | None
    breached_at: datetime.datetime | None
    calendar: str | None
    case_id: str
    completed_at: datetime.datetime | None
    elapsed: datetime.timedelta
    entitlement: str | None
    instance: int
    kind: _Kind
    margin: datetime.timedelta | None
    margin_wall: datetime.timedelta | None
    milestone: str
    month: str | None
    near_miss: bool
    outcome: _Outcome
    process: str | None
    process_version: int | None
    quarter: str | None
    reporting_time_zone: str
    started_at: datetime.datetime | None
    target: datetime.timedelta | None
    target_at: datetime.datetime | None
    tier: str | None

class _MilestoneRollup(TypedDict):
    at_risk: int
    attainment: float | None
    breaches: int
    late: int
    met: int
    milestone: str
    near_misses: int
    open: int
    violated: int

class _MilestoneStatusDict(TypedDict):
    breached_at: datetime.datetime | None
    calendar: str | None
    case_id: str
    completed_at: datetime.datetime | None
    consumed: float | None
    crossed: list[_Level]
    elapsed: datetime.timedelta
    instance: int
    kind: _Kind
    milestone: str
    next_trigger_at: datetime.datetime | None
    paused: datetime.timedelta
    remaining: datetime.timedelta | None
    started_at: datetime.datetime | None
    state: _State
    target: datetime.timedelta | None
    target_at: datetime.datetime | None
    triggers: list[_Trigger]

class _MonitorEventDict(TypedDict):
    account: dict[str, Any]
    actions: list[str]
    at: datetime.datetime
    case_id: str | None
    entitlement: str | None
    instance: int | None
    key: str
    kind: _EventKind
    level: _Level
    milestone: str | None
    point: str | None
    process: str | None
    quota: _QuotaCrossing | None
    status: _MilestoneStatusDict | None
    suppressed: bool
    suppressed_by: str | None

class _MonitorReportDict(TypedDict):
    accounts: list[_AccountRollup]
    alerts: list[_AlertDict]
    at_risk: list[_MilestoneStatusDict]
    breached: list[_MilestoneStatusDict]
    cases: list[_CaseEvaluationDict]
    errors: list[_CaseErrorDict]
    events: list[_MonitorEventDict]
    now: datetime.datetime
    since: datetime.datetime | None
    statuses: list[_MilestoneStatusDict]

class _OverQuota(TypedDict):
    entitlement: str
    max_cases: int
    name: str | None
    period: _Period
    period_start: datetime.date
    used: int

class _ProcessRollup(TypedDict):
    cases: int
    milestones: list[_MilestoneRollup]
    process: str

class _QuotaCrossing(TypedDict):
    fraction: float
    max_cases: int
    name: str | None
    period: _Period
    period_start: datetime.date | None
    used: int

class _Quota(TypedDict):
    max_cases: int
    name: str | None
    period: _Period
    period_end: datetime.date
    period_start: datetime.date
    projected: float
    projected_over: bool
    remaining: int
    used: int

class _RulesDiffDict(TypedDict):
    changes: list[_Change]
    deadlines: list[_DeadlineMove]
    errors: list[_DiffCaseError]
    has_changes: bool

class _Trigger(TypedDict):
    actions: list[str]
    at: datetime.datetime
    crossed: bool
    fired_at: datetime.datetime | None
    level: _Level
    point: str

class _WhatIf(TypedDict):
    changes: list[_WhatIfChange]
    errors: list[_CaseErrorDict]
    rows: list[_WhatIfRow]

class _WhatIfChange(TypedDict):
    case_id: str
    current: _State | None
    instance: int
    milestone: str
    proposed: _State | None

class _WhatIfRow(TypedDict):
    current: _Attainment
    milestone: str
    proposed: _Attainment

@final
class MilestoneStatus:
    """Where one instance of one milestone of a case stands at ``now``."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def breached_at(self) -> datetime.datetime | None: ...
    @property
    def calendar(self) -> str | None: ...
    @property
    def case_id(self) -> str: ...
    @property
    def completed_at(self) -> datetime.datetime | None: ...
    @property
    def consumed(self) -> float | None: ...
    @property
    def crossed(self) -> list[_Level]: ...
    @property
    def elapsed(self) -> datetime.timedelta: ...
    @property
    def instance(self) -> int: ...
    @property
    def kind(self) -> _Kind: ...
    @property
    def milestone(self) -> str: ...
    @property
    def next_trigger_at(self) -> datetime.datetime | None: ...
    @property
    def paused(self) -> datetime.timedelta: ...
    @property
    def remaining(self) -> datetime.timedelta | None: ...
    @property
    def started_at(self) -> datetime.datetime | None: ...
    @property
    def state(self) -> _State: ...
    @property
    def target(self) -> datetime.timedelta | None: ...
    @property
    def target_at(self) -> datetime.datetime | None: ...
    @property
    def triggers(self) -> list[_Trigger]: ...
    def to_dict(self) -> _MilestoneStatusDict: ...
    def to_json(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class CaseEvaluation:
    """The whole result of evaluating one case at ``now``: its coverage and its milestones."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def account(self) -> dict[str, Any]: ...
    @property
    def case_id(self) -> str: ...
    @property
    def covered(self) -> bool: ...
    @property
    def entitlement(self) -> str | None: ...
    @property
    def entitlement_status(self) -> _EntitlementStatus: ...
    @property
    def milestones(self) -> list[MilestoneStatus]: ...
    @property
    def process(self) -> str | None: ...
    @property
    def process_version(self) -> int | None: ...
    @property
    def reason(self) -> str | None: ...
    def to_dict(self) -> _CaseEvaluationDict: ...
    def to_json(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class EntitlementUsage:
    """An entitlement's status, the cases raised under it and each quota's use at ``now``."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def cases_per_entitlement(self) -> int | None: ...
    @property
    def cases_remaining(self) -> int | None: ...
    @property
    def cases_used(self) -> int: ...
    @property
    def entitlement(self) -> str: ...
    @property
    def quotas(self) -> list[_Quota]: ...
    @property
    def status(self) -> _EntitlementStatus: ...
    def to_dict(self) -> _EntitlementUsageDict: ...
    def to_json(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class MonitorEvent:
    """One thing that happened in the window of a monitor run."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def account(self) -> dict[str, Any]: ...
    @property
    def actions(self) -> list[str]: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def case_id(self) -> str | None: ...
    @property
    def entitlement(self) -> str | None: ...
    @property
    def instance(self) -> int | None: ...
    @property
    def key(self) -> str: ...
    @property
    def kind(self) -> _EventKind: ...
    @property
    def level(self) -> _Level: ...
    @property
    def milestone(self) -> str | None: ...
    @property
    def point(self) -> str | None: ...
    @property
    def process(self) -> str | None: ...
    @property
    def quota(self) -> _QuotaCrossing | None: ...
    @property
    def status(self) -> MilestoneStatus | None: ...
    @property
    def suppressed(self) -> bool: ...
    @property
    def suppressed_by(self) -> str | None: ...
    def to_dict(self) -> _MonitorEventDict: ...
    def to_json(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class Alert:
    """One monitor event that is not suppressed, ready to tell a person."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def account(self) -> dict[str, Any]: ...
    @property
    def account_id(self) -> str | None: ...
    @property
    def account_name(self) -> str | None: ...
    @property
    def action_items(self) -> list[_AlertAction]: ...
    @property
    def actions(self) -> list[str]: ...
    @property
    def arr(self) -> Any: ...
    @property
    def arr_text(self) -> str | None: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def business_left(self) -> datetime.timedelta | None: ...
    @property
    def case_id(self) -> str | None: ...
    @property
    def contacts(self) -> Any: ...
    @property
    def csm(self) -> Any: ...
    @property
    def deadline_local(self) -> str | None: ...
    @property
    def deadline_utc(self) -> datetime.datetime | None: ...
    @property
    def deliveries(self) -> list[_Delivery]: ...
    @property
    def entitlement(self) -> str | None: ...
    @property
    def executive_sponsor(self) -> Any: ...
    @property
    def fields(self) -> list[_AlertField]: ...
    @property
    def instance(self) -> int | None: ...
    @property
    def key(self) -> str: ...
    @property
    def keys(self) -> list[str]: ...
    @property
    def kind(self) -> _EventKind: ...
    @property
    def level(self) -> _Level: ...
    @property
    def links(self) -> list[_AlertLink]: ...
    @property
    def milestone(self) -> str | None: ...
    @property
    def renewal_date(self) -> Any: ...
    @property
    def summary(self) -> str: ...
    @property
    def time_zone(self) -> str | None: ...
    @property
    def title(self) -> str: ...
    @property
    def wall_left(self) -> datetime.timedelta | None: ...
    def slack_blocks(self) -> _SlackMessage: ...
    def email(self) -> _Email: ...
    def jira_issue(self, project_key: str, issue_type: str = "Task") -> _JiraIssue: ...
    def pagerduty_event(self, routing_key: str) -> _PagerDutyEvent: ...
    def to_dict(self) -> _AlertDict: ...
    def to_json(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class CaseError:
    """A case that a call over many cases left out, and why."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def case_id(self) -> str | None: ...
    @property
    def code(self) -> str: ...
    @property
    def index(self) -> int: ...
    @property
    def message(self) -> str: ...
    @property
    def path(self) -> str: ...
    def to_dict(self) -> _CaseErrorDict: ...
    def to_json(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class MonitorReport:
    """The result of one monitor run: what happened in ``(since, now]`` and where every open
    milestone and every account stands at ``now``."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def accounts(self) -> list[_AccountRollup]: ...
    @property
    def alerts(self) -> list[Alert]: ...
    @property
    def at_risk(self) -> list[MilestoneStatus]: ...
    @property
    def breached(self) -> list[MilestoneStatus]: ...
    @property
    def cases(self) -> list[CaseEvaluation]: ...
    @property
    def errors(self) -> list[CaseError]: ...
    @property
    def events(self) -> list[MonitorEvent]: ...
    @property
    def now(self) -> datetime.datetime: ...
    @property
    def since(self) -> datetime.datetime | None: ...
    @property
    def statuses(self) -> list[MilestoneStatus]: ...
    def digests(self) -> list[dict[str, Any]]: ...
    def outcomes(
        self,
        start: datetime.date | str | None = None,
        end: datetime.date | str | None = None,
    ) -> list[_MilestoneOutcome]: ...
    def account_periods(
        self,
        start: datetime.date | str | None = None,
        end: datetime.date | str | None = None,
    ) -> list[_AccountPeriod]: ...
    def to_pandas(self, table: _Table = "events") -> pandas.DataFrame: ...
    def to_arrow(self, table: _Table = "events") -> Any: ...
    def to_dict(self) -> _MonitorReportDict: ...
    def to_json(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class CheckWarning:
    """One thing in a valid rules document that probably does not do what its author meant."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def code(self) -> _CheckCode: ...
    @property
    def message(self) -> str: ...
    @property
    def path(self) -> str: ...
    def to_dict(self) -> _CheckWarningDict: ...
    def to_json(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class RulesDiff:
    """What changed between two rules documents, and which open deadlines move."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def changes(self) -> list[_Change]: ...
    @property
    def deadlines(self) -> list[_DeadlineMove]: ...
    @property
    def errors(self) -> list[_DiffCaseError]: ...
    @property
    def has_changes(self) -> bool: ...
    def __bool__(self) -> bool: ...
    def to_dict(self) -> _RulesDiffDict: ...
    def to_json(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...

# --- end of generated part ---

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

#: The core's result types, by class (or dict) name (``host::RESULT_TYPES``).
_RESULT_TYPES: list[str]

def _result_schema() -> dict[str, Any]:
    """The core's description of every result (``host::result_schema``), for the contract
    tests."""

def _export_salesforce(ruleset: Ruleset) -> dict[str, str]: ...
def _export_zendesk(
    ruleset: Ruleset, expand_holidays: tuple[int, int] | None = None
) -> dict[str, str]: ...
def _export_review(ruleset: Ruleset) -> dict[str, str]: ...
def _zendesk_schedules(schedules: Any, holidays: Any = None) -> Import: ...
def _zendesk_sla_policies(policies: Any, schedule: str | None = None) -> Import: ...
def _zendesk_rails_time_zone(name: str) -> str: ...
def _servicenow_schedules(
    schedules: Any, spans: Any, other_schedules: Any = None, time_zone: Any = None
) -> Import: ...
def _servicenow_sla_definitions(contract_slas: Any, schedules: Any = None) -> Import: ...
def _servicenow_cases(
    tasks: Any,
    audit: Any = None,
    history: Any = None,
    sla_definitions: Any = None,
    table: str | None = None,
) -> Import: ...
def _dynamics_calendars(calendars: Any, options: Any = None) -> Import: ...
def _dynamics_slas(
    slas: Any, sla_items: Any = None, kpis: Any = None, options: Any = None
) -> Import: ...
def _dynamics_entitlements(
    entitlements: Any, channels: Any = None, options: Any = None
) -> Import: ...
def _dynamics_cases(incidents: Any, options: Any = None) -> Import: ...
def _dynamics_time_zone(code: int) -> str: ...
def _dynamics_time_zone_codes() -> list[tuple[int, str, str]]: ...
def _holidays_available() -> tuple[list[tuple[str, str, int, int, list[tuple[str, str]]]], str]: ...
def _holidays_info(country: str, subdivision: str | None = None) -> tuple[str, int, int]: ...
def _holidays_names(country: str, subdivision: str | None, date: datetime.date) -> list[str]: ...
def _holidays_between(
    country: str, subdivision: str | None, start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, str]]: ...
def _holidays_year(
    country: str, subdivision: str | None, year: int
) -> list[tuple[datetime.date, str]]: ...
def _ics_read(path: str | os.PathLike[str]) -> str: ...
def _ics_holidays(feed: str | bytes, source_name: str, time_zone: str) -> Import: ...
def _ics_calendar(
    feed: str | bytes, source_name: str, name: str, base: Mapping[str, Any]
) -> Import: ...
def _salesforce_business_hours(records: Any, holidays: Any = None) -> Import: ...
def _salesforce_entitlement_processes_folder(folder: str | os.PathLike[str]) -> Import: ...
def _salesforce_entitlement_processes_files(files: Sequence[tuple[str, str | bytes]]) -> Import: ...
def _salesforce_entitlements(
    records: Any,
    sla_processes: Any = None,
    business_hours: Any = None,
    accounts: Mapping[str, Any] | None = None,
) -> Import: ...
def _salesforce_cases(
    records: Any,
    history: Any = None,
    milestones: Any = None,
    closed_statuses: Sequence[str] | None = None,
) -> Import: ...
def _salesforce_completed_event(milestone: str) -> str: ...
def _salesforce_started_event(milestone: str) -> str: ...
def ledger_migrations() -> list[tuple[int, str, str]]:
    """The ledger's migrations, by version: ``(version, name, sql)`` tuples."""

def _report_qbr(
    report: MonitorReport,
    rules: Ruleset,
    account: str,
    start: datetime.date | str,
    end: datetime.date | str,
    goal: float,
) -> str: ...
def _report_portfolio(
    report: MonitorReport,
    rules: Ruleset,
    start: datetime.date | str,
    end: datetime.date | str,
    goal: float,
) -> str: ...
