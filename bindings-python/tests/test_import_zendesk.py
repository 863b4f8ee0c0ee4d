"""``entitlement.zendesk`` against the fixtures written from the Zendesk API's documented shapes
(``examples/data/import/zendesk/``), with answers computed by hand in the comments."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from entitlement import Calendar, ConfigError, Import, MilestoneStatus, zendesk

DATA = Path(__file__).resolve().parents[2] / "examples" / "data" / "import" / "zendesk"
UTC = timezone.utc


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def imported_schedules() -> Import:
    return zendesk.schedules(load("schedules.json"), load("holidays.json"))


def test_schedule_hours_lunch_break_and_holidays_by_hand() -> None:
    cal = imported_schedules().calendar("Support NY")
    # Monday 2026-03-02 11:00 EST + 2h: 1h to lunch, 13:00 + 1h = 14:00 EST = 19:00Z.
    assert cal.add(at("2026-03-02T16:00:00Z"), timedelta(hours=2)) == at("2026-03-02T19:00:00Z")
    assert not cal.is_open(at("2026-03-02T17:30:00Z"))  # 12:30 EST, lunch
    # Thanksgiving break 26-27 November: Wed 16:00 EST + 2h ends Mon 30th 10:00 EST.
    assert cal.add(at("2026-11-25T21:00:00Z"), timedelta(hours=2)) == at("2026-11-30T15:00:00Z")
    # Monday 09:00 to Tuesday 09:00 EST: 7 business hours.
    assert cal.elapsed(at("2026-03-02T14:00:00Z"), at("2026-03-03T14:00:00Z")) == timedelta(hours=7)


def test_interval_crossing_midnight_by_hand() -> None:
    imp = imported_schedules()
    assert imp.document["calendars"]["Night desk"]["hours"]["fri"] == ["22:00-24:00"]
    cal = imp.calendar("Night desk")
    # Friday 2026-01-09 21:00Z + 3h: opens 22:00, ends Saturday 01:00 (London = UTC in winter).
    assert cal.add(at("2026-01-09T21:00:00Z"), timedelta(hours=3)) == at("2026-01-10T01:00:00Z")
    assert cal.is_open(at("2026-01-10T05:59:00Z"))
    assert not cal.is_open(at("2026-01-10T06:00:00Z"))


def test_rails_time_zone() -> None:
    assert zendesk.rails_time_zone("Eastern Time (US & Canada)") == "America/New_York"
    assert zendesk.rails_time_zone("Kyiv") == "Europe/Kiev"
    assert zendesk.rails_time_zone("Asia/Tokyo") == "Asia/Tokyo"
    with pytest.raises(ConfigError) as err:
        zendesk.rails_time_zone("Gotham")
    assert err.value.code == "unsupported"


def test_eastern_rails_schedule_equals_native_new_york_on_1000_instants() -> None:
    schedule = dict(load("schedules.json")["schedules"][0])
    assert schedule["time_zone"] == "Eastern Time (US & Canada)"
    zd = zendesk.schedules(schedule).calendar()
    day = ["09:00-12:00", "13:00-17:00"]
    native = Calendar(
        time_zone="America/New_York",
        hours={d: day for d in ["mon", "tue", "wed", "thu", "fri"]},
    )
    rng = random.Random(20261122)
    lo = at("2024-01-01T00:00:00Z")
    for _ in range(1000):
        t = lo + timedelta(microseconds=rng.randrange(5 * 365 * 86_400_000_000))
        u = t + timedelta(microseconds=rng.randrange(30 * 86_400_000_000))
        d = timedelta(microseconds=rng.randrange(200 * 3_600_000_000))
        assert zd.add(t, d) == native.add(t, d)
        assert zd.elapsed(t, u) == native.elapsed(t, u)
        assert zd.is_open(t) == native.is_open(t)
        assert zd.next_open(t) == native.next_open(t)


def replay(case_file: str) -> dict[tuple[str, int], MilestoneStatus]:
    sla = zendesk.sla_policies(load("sla_policies.json"), schedule="Support NY")
    rules = imported_schedules().merge(sla).ruleset()
    statuses = rules.evaluate(load(case_file), at("2026-03-02T13:00:00Z"))
    return {(s.milestone, s.instance): s for s in statuses}


def test_metric_pauses_on_the_case_log() -> None:
    # created 09:00; agent reply 09:10 (open); 09:20 pending; 10:20 customer reply (open);
    # 10:30 on-hold; 11:00 open; 11:30 agent reply; 11:40 solved; now 13:00. Targets 24x7.
    s = replay("case_replay.json")
    expected = {
        ("First reply time", 1): ("completed", 10),  # 09:00 -> 09:10
        ("Next reply time", 1): ("completed_late", 70),  # 10:20 -> 11:30, no pause, 60m target
        ("Periodic update time", 1): ("completed_late", 140),  # 09:10 -> 11:30
        ("Pausable update time", 1): ("completed", 80),  # 140 less pending 60, 90m target
        ("Requester wait time", 1): ("paused", 100),  # 20 + 80 (on-hold counts), solved pauses
        ("Agent work time", 1): ("paused", 70),  # 20 + 10 + 40: pending and on-hold pause
        ("Total resolution time", 1): ("paused", 160),  # 09:00 -> 11:40, solved pauses
    }
    for key, (state, minutes) in expected.items():
        assert (s[key].state, s[key].elapsed) == (state, timedelta(minutes=minutes)), key
    assert s[("Pausable update time", 1)].target_at == at("2026-03-02T11:40:00Z")
    assert s[("Agent work time", 1)].target_at == at("2026-03-02T13:50:00Z")


def test_reopen_and_close() -> None:
    # ... then 12:00 a customer reply reopens it, 12:30 closed.
    s = replay("case_replay_closed.json")
    assert (s[("Requester wait time", 1)].state, s[("Requester wait time", 1)].elapsed) == (
        "completed_late",
        timedelta(minutes=130),
    )
    assert s[("Agent work time", 1)].state == "completed"
    assert s[("Total resolution time", 1)].target_at == at("2026-03-02T12:20:00Z")


def test_mixed_business_hours_split_and_filter() -> None:
    imp = zendesk.sla_policies(load("sla_policies.json"), schedule="Support NY")
    enterprise = imp.document["processes"][1]
    names = [m["name"] for m in enterprise["milestones"]]
    assert "First reply time (business hours)" in names
    assert "First reply time (calendar hours)" in names
    business = enterprise["milestones"][names.index("First reply time (business hours)")]
    assert business["calendar"] == "Support NY"
    assert {"field": "priority", "op": "in", "value": ["high", "urgent"]} in business["when"]["all"]
    assert imp.warnings[0]["field"] == "description"
    with pytest.raises(ConfigError) as err:
        zendesk.sla_policies(load("sla_policies.json"))
    assert "SLA policy 25 (Enterprise): policy_metrics[1].business_hours" in str(err.value)


def sched(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 7,
        "name": "Desk",
        "time_zone": "UTC",
        "intervals": [{"start_time": 1980, "end_time": 2460}],
    }
    return {**base, **extra}


def pol(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 9,
        "title": "Gold",
        "filter": {"all": [], "any": []},
        "policy_metrics": [
            {
                "priority": "high",
                "metric": "first_reply_time",
                "target": 60,
                "business_hours": False,
            }
        ],
    }
    return {**base, **extra}


def metric(**fields: Any) -> dict[str, Any]:
    m: dict[str, Any] = {
        "priority": "high",
        "metric": "first_reply_time",
        "target": 60,
        "business_hours": False,
    }
    return pol(policy_metrics=[{**m, **fields}])


def cond(**c: Any) -> dict[str, Any]:
    return pol(filter={"all": [c], "any": []})


S, P = "Schedule 7 (Desk)", "SLA policy 9 (Gold)"

SCHEDULE_CASES: list[tuple[Any, Any, str]] = [
    (sched(time_zone="Gotham"), None, f"{S}: time_zone"),
    (sched(intervals=[{"start_time": 600, "end_time": 500}]), None, f"{S}: intervals[0]"),
    (sched(intervals=[{"start_time": 0, "end_time": 10081}]), None, f"{S}: intervals[0]"),
    (
        sched(intervals=[{"start_time": 0, "end_time": 600}, {"start_time": 500, "end_time": 700}]),
        None,
        f"{S}: intervals[1]",
    ),
    (
        sched(intervals=[{"start_time": "09:00", "end_time": 700}]),
        None,
        f"{S}: intervals[0].start_time",
    ),
    (sched(intervals=[]), None, f"{S}: intervals"),
    (sched(), {"8": {"holidays": []}}, "holidays: 8"),
    (
        sched(),
        {"7": {"holidays": [{"id": 3, "start_date": "2026-12-25", "end_date": "2026-12-24"}]}},
        f"{S}, holiday 3: end_date",
    ),
    (5, None, "schedules: (input)"),
]

POLICY_CASES: list[tuple[Any, str]] = [
    (metric(metric="first_resolution_time"), f"{P}: policy_metrics[0].metric"),
    (metric(priority="critical"), f"{P}: policy_metrics[0].priority"),
    (metric(target="1h"), f"{P}: policy_metrics[0].target"),
    (metric(target_in_seconds=7200), f"{P}: policy_metrics[0].target_in_seconds"),
    (metric(business_hours="yes"), f"{P}: policy_metrics[0].business_hours"),
    (cond(field="current_tags", operator="includes", value="vip"), f"{P}: filter.all[0].operator"),
    (cond(field="status", operator="less_than", value="solved"), f"{P}: filter.all[0].operator"),
    (cond(field="priority", operator="less_than", value="severe"), f"{P}: filter.all[0].value"),
    (pol(filter={"all": [], "none": []}), f"{P}: filter.none"),
    ([pol(), pol()], f"{P}: id"),
    ("policies", "sla_policies: (input)"),
]


@pytest.mark.parametrize(("schedules", "holidays", "where"), SCHEDULE_CASES)
def test_unsupported_schedule_constructs(schedules: Any, holidays: Any, where: str) -> None:
    with pytest.raises(ConfigError) as err:
        zendesk.schedules(schedules, holidays)
    assert err.value.code == "unsupported"
    assert where in str(err.value)


@pytest.mark.parametrize(("policies", "where"), POLICY_CASES)
def test_unsupported_policy_constructs(policies: Any, where: str) -> None:
    with pytest.raises(ConfigError) as err:
        zendesk.sla_policies(policies, schedule="Desk")
    assert err.value.code == "unsupported"
    assert where in str(err.value)


def test_wrong_python_types_are_config_errors() -> None:
    with pytest.raises((ConfigError, TypeError)):
        zendesk.schedules(object())  # type: ignore[arg-type]


def test_now_is_utc() -> None:
    assert at("2026-03-02T13:00:00Z").tzinfo == UTC


def policy(**metric: Any) -> dict[str, Any]:
    base = {"priority": "high", "metric": "first_reply_time", "business_hours": False}
    return {
        "id": 9,
        "title": "Gold",
        "filter": {"all": [], "any": []},
        "policy_metrics": [{**base, **metric}],
    }


def desk(schedule_id: int, name: str | None = None) -> dict[str, Any]:
    return {
        "id": schedule_id,
        "name": name or f"Desk {schedule_id}",
        "time_zone": "UTC",
        "intervals": [{"start_time": 1980, "end_time": 2460}],
    }


@pytest.mark.parametrize(
    ("make", "where"),
    [
        (
            lambda: zendesk.sla_policies(policy(target=10**12)),
            "SLA policy 9 (Gold): policy_metrics[0].target:",
        ),
        (
            lambda: zendesk.sla_policies(policy(target_in_seconds=2**63 - 1)),
            "SLA policy 9 (Gold): policy_metrics[0].target_in_seconds:",
        ),
        (
            lambda: zendesk.schedules(
                {
                    **desk(7),
                    "holidays": [
                        {"id": 1, "name": "Z", "start_date": "0000-01-01", "end_date": "0000-01-01"}
                    ],
                }
            ),
            "Schedule 7 (Desk 7), holiday 1 (Z): start_date:",
        ),
        (
            lambda: zendesk.schedules([desk(7), desk(7, "Twin")]),
            "Schedule 7 (Twin): id:",
        ),
        (
            lambda: zendesk.schedules({"schedules": [desk(7)], "next_page": "https://x/p2"}),
            "schedules: next_page:",
        ),
        (
            lambda: zendesk.schedules({"schedules": [desk(7)], "count": 2}),
            "schedules: count:",
        ),
    ],
    ids=["huge target", "huge seconds", "year 0", "one id twice", "next page", "short count"],
)
def test_what_the_engine_would_refuse_or_lose_is_refused_at_import(make: Any, where: str) -> None:
    with pytest.raises(ConfigError) as err:
        make()
    assert err.value.code == "unsupported"
    assert str(err.value).startswith(where), str(err.value)


def test_the_longest_target_loads() -> None:
    imp = zendesk.sla_policies(policy(target=10_000_000))
    assert imp.document["processes"][0]["milestones"][0]["target"]["values"]["high"] == "10000000m"
    imp.ruleset()
