"""``entitlement.Ruleset`` through the installed wheel, against the product's own example
(``examples/data/rules.yaml``): every scenario of ``entitlement-core/tests/rules.rs`` with its
deadlines worked out by hand, the laws of replay, every kind of aware datetime, malformed input,
the JSON Schema, and threads.

The New York desk (``ny-support``) is open Monday to Friday 09:00-12:00 and 13:00-17:00 (7
business hours a day), closed on Thanksgiving (the 4th Thursday of November: 2026-11-26) and open
only 09:00-13:00 on Friday 2026-11-27. New York is UTC-5 in November. London (``london``) is open
Monday to Friday 09:00-17:30 and is UTC+0 in November.
"""

from __future__ import annotations

import copy
import doctest
import json
import os
import pickle
import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import entitlement
from entitlement import (
    CaseEvaluation,
    ConfigError,
    EntitlementError,
    EntitlementUsage,
    InputError,
    MilestoneStatus,
    Ruleset,
)

pytz = pytest.importorskip("pytz")

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
RULES_PATH = EXAMPLES / "data" / "rules.yaml"
SCHEMA_PATH = REPO / "docs" / "schema" / "ruleset.schema.json"

UTC = timezone.utc
NY = ZoneInfo("America/New_York")
RULES = Ruleset.load(RULES_PATH)

Case = dict[str, Any]


def z(text: str) -> datetime:
    """An RFC 3339 instant written with ``Z``, as an aware UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A New York wall time."""
    return datetime(year, month, day, hour, minute, tzinfo=NY)


def h(hours: float) -> timedelta:
    return timedelta(hours=hours)


NOW = z("2026-11-25T20:30:00Z")  # Wednesday 15:30 in New York


def evaluate(case: Case, now: datetime | str = NOW) -> list[MilestoneStatus]:
    return RULES.evaluate(case, now)


def find(statuses: list[MilestoneStatus], name: str, instance: int = 1) -> MilestoneStatus:
    for status in statuses:
        if status.milestone == name and status.instance == instance:
            return status
    raise AssertionError(f"no status for {name} #{instance} in {statuses}")


# --- The scenarios of entitlement-core/tests/rules.rs -----------------------------------------


def test_gold_tier_first_response_diagnosis_resolution_with_a_pause_over_a_night() -> None:
    # acme-gold pins gold v1: first response 1h, diagnosis 4h, resolution 8h on ny-support.
    # Created Monday 2026-11-16 10:00 New York (15:00Z). Written in New York wall time.
    case: Case = {
        "id": "G-1",
        "entitlement": "acme-gold",
        "created_at": ny(2026, 11, 16, 10),
        "fields": {"severity": "Sev2"},
        "events": [
            {"at": ny(2026, 11, 16, 10, 40), "type": "agent_reply"},
            {"at": ny(2026, 11, 16, 15), "type": "diagnosed"},
            {"at": ny(2026, 11, 16, 16), "type": "status", "to": "Waiting on Customer"},
            {"at": ny(2026, 11, 17, 10), "type": "customer_reply"},
            {"at": ny(2026, 11, 17, 10), "type": "status", "to": "Open"},
            {"at": ny(2026, 11, 17, 11), "type": "agent_reply"},
            {"at": ny(2026, 11, 17, 13, 30), "type": "solved"},
            {"at": ny(2026, 11, 17, 14), "type": "closed"},
        ],
    }
    s = evaluate(case)

    # First response: 10:00 + 1h = 11:00 (16:00Z). Replied at 10:40: 40 min used. The 50%
    # warning (10:30) was crossed before the reply; the critical at -10m (10:50) was not.
    fr = find(s, "First Response")
    assert fr.state == "completed"
    assert fr.kind == "first_response"
    assert fr.calendar == "ny-support"
    assert fr.started_at == z("2026-11-16T15:00:00Z")
    assert fr.target_at == z("2026-11-16T16:00:00Z")
    assert fr.completed_at == z("2026-11-16T15:40:00Z")
    assert fr.elapsed == timedelta(minutes=40)
    assert fr.remaining == timedelta(minutes=20)
    assert fr.crossed == ["warning"]
    assert fr.next_trigger_at is None
    assert fr.consumed == pytest.approx(40 / 60, abs=1e-12)
    assert [(t["point"], t["level"], t["crossed"]) for t in fr.triggers] == [
        ("50%", "warning", True),
        ("-10m", "critical", False),
    ]
    assert fr.triggers[1]["at"] == ny(2026, 11, 16, 10, 50)
    assert fr.triggers[0]["actions"] == ["notify_owner"]

    # Diagnosis: 10:00-12:00 (2h), lunch, 13:00-15:00 (2h): due 15:00 (20:00Z); diagnosed
    # exactly then, which is compliant.
    dx = find(s, "Diagnosis")
    assert dx.target_at == z("2026-11-16T20:00:00Z")
    assert dx.state == "completed"
    assert dx.remaining == timedelta(0)

    # Resolution: 5h active on Monday (10-12, 13-16); paused Mon 16:00 -> Tue 10:00, which is
    # 1h of business time on Monday and 1h on Tuesday; the remaining 3h run Tue 10-12, 13-14:
    # due Tuesday 14:00 (19:00Z) instead of 11:00. Solved at 13:30: 7.5h used, 2h paused.
    res = find(s, "Resolution")
    assert res.target_at == z("2026-11-17T19:00:00Z")
    assert res.completed_at == z("2026-11-17T18:30:00Z")
    assert res.state == "completed"
    assert res.elapsed == h(7.5)
    assert res.paused == h(2)
    assert res.remaining == h(0.5)
    # 75% = 6h active: Tue 10:00 + 1h = 11:00 (16:00Z), before the solve: crossed.
    assert res.triggers[0]["at"] == z("2026-11-17T16:00:00Z")
    assert res.crossed == ["warning"]

    # Next response: the customer replied Tue 10:00; due 12:00; answered at 11:00.
    nr = find(s, "Next Response")
    assert nr.started_at == z("2026-11-17T15:00:00Z")
    assert nr.target_at == z("2026-11-17T17:00:00Z")
    assert nr.state == "completed"
    assert len(s) == 4


def test_bronze_tier_pause_over_a_weekend_holiday_inside_the_deadline_and_a_violation() -> None:
    # initech-bronze: first response 48h round the clock; resolution 35h (5 business days) on
    # ny-support; "On Hold" pauses both. Created Friday 2026-11-20 15:00 New York (20:00Z).
    case: Case = {
        "id": "B-1",
        "entitlement": "initech-bronze",
        "created_at": "2026-11-20T20:00:00Z",
        "fields": {"severity": "Sev3"},
        "events": [
            {"at": "2026-11-20T21:00:00Z", "type": "status", "to": "On Hold"},  # Fri 16:00
            {"at": "2026-11-23T15:00:00Z", "type": "status", "to": "Open"},  # Mon 10:00
        ],
    }
    s = evaluate(case)

    # First response, 24x7: 1h active before the hold, on hold Fri 21:00Z -> Mon 15:00Z (66h
    # of wall time, all of it business time on 24x7), then 47h more: due Wed 14:00Z. No reply
    # by now (Wed 20:30Z): violated, 1h + 53.5h = 54.5h used, 6.5h over. The warning at -4h
    # (44h active = Wed 10:00Z) is crossed.
    fr = find(s, "First Response")
    assert fr.calendar == "24x7"
    assert fr.target_at == z("2026-11-25T14:00:00Z")
    assert fr.state == "violated"
    assert fr.elapsed == h(54.5)
    assert fr.paused == h(66)
    assert fr.remaining == -h(6.5)
    assert fr.triggers[0]["at"] == z("2026-11-25T10:00:00Z")
    assert fr.crossed == ["warning"]

    # Resolution, 35h on ny-support: Fri 15-16 (1h) before the hold; the hold covers Fri 16-17
    # and Mon 09-10 of business time (2h; the weekend has none). From Mon 10:00 the other 34h:
    # Mon 6h (28 left), Tue 7h (21), Wed 7h (14), Thu 26 is Thanksgiving (closed), Fri 27 the
    # half day 09-13 (4h, 10 left), Mon 30 7h (3 left), Tue Dec 1 09:00-12:00: due 12:00
    # New York (17:00Z). Without the Thanksgiving rule it would be Mon 30 at 16:00.
    res = find(s, "Resolution")
    assert res.target_at == z("2026-12-01T17:00:00Z")
    assert res.target_at == ny(2026, 12, 1, 12)
    assert res.state == "in_progress"
    assert res.paused == h(2)
    # Used by Wed 15:30: 1h + Mon 6h + Tue 7h + Wed 09-12, 13-15:30 (5.5h) = 19.5h.
    assert res.elapsed == h(19.5)
    assert res.remaining == h(15.5)
    # 80% = 28h active: 1h + 27h from Mon 10:00: Mon 6 (21 left), Tue 7 (14), Wed 7 (7),
    # Thu closed, Fri 4 (3), Mon 30 09:00-12:00: Mon 30 12:00 New York (17:00Z), not crossed.
    assert res.next_trigger_at == z("2026-11-30T17:00:00Z")
    assert res.crossed == []


def test_a_pause_still_open_at_now_gives_a_provisional_target_that_only_moves_out() -> None:
    # acme-gold, created Wed 2026-11-25 09:00 New York (14:00Z); replied 09:30; waiting on the
    # customer since 10:00 and still waiting at now (15:30).
    case: Case = {
        "id": "G-2",
        "entitlement": "acme-gold",
        "created_at": "2026-11-25T14:00:00Z",
        "events": [
            {"at": "2026-11-25T14:30:00Z", "type": "agent_reply"},
            {"at": "2026-11-25T15:00:00Z", "type": "status", "to": "Waiting on Customer"},
        ],
    }
    s = evaluate(case)
    # Resolution 8h: 1h active (09-10); paused 10-12 and 13-15:30 (4.5h). As if the clock
    # resumed now: 7h from Wed 15:30: Wed 1.5h (5.5 left), Thu closed, Fri 27 09-13 (1.5
    # left), Mon 30 09:00-10:30: provisional target Mon 10:30 New York (15:30Z).
    res = find(s, "Resolution")
    assert res.state == "paused"
    assert res.elapsed == h(1)
    assert res.paused == h(4.5)
    assert res.target_at == z("2026-11-30T15:30:00Z")
    # An hour later, still paused: the target moves out to Mon 11:30, never in.
    later = find(evaluate(case, z("2026-11-25T21:30:00Z")), "Resolution")
    assert later.target_at == z("2026-11-30T16:30:00Z")
    assert later.elapsed == h(1)
    # First response was answered before the pause and is untouched by it.
    assert find(s, "First Response").state == "completed"


def test_severity_raised_mid_case_retargets_from_the_milestone_start() -> None:
    # globex-gold uses the default version of gold, v2: resolution Sev1 4h / Sev2 8h / else
    # 16h; diagnosis only for Sev1 or Sev2; first response Sev1 30m, else 1h. Created Monday
    # 2026-11-23 09:00 New York (14:00Z) as Sev3; raised to Sev1 at 11:00.
    case: Case = {
        "id": "S-1",
        "entitlement": "globex-gold",
        "created_at": "2026-11-23T14:00:00Z",
        "fields": {"severity": "Sev1"},
        "events": [
            {"at": "2026-11-23T14:45:00Z", "type": "agent_reply"},  # 09:45
            {
                "at": "2026-11-23T16:00:00Z",
                "type": "field",
                "field": "severity",
                "from": "Sev3",
                "to": "Sev1",
            },
            {"at": "2026-11-23T20:00:00Z", "type": "diagnosed"},  # 15:00
        ],
    }
    e = RULES.evaluate_case(case, NOW)
    assert e.process == "gold"
    assert e.process_version == 2
    s = e.milestones
    # First response completed at 09:45 while still Sev3: the 1h default applies: due 10:00.
    fr = find(s, "First Response")
    assert fr.target == h(1)
    assert fr.target_at == z("2026-11-23T15:00:00Z")
    assert fr.state == "completed"
    # Resolution now follows Sev1 (4h) from its start at 09:00: 09-12 (3h), 13-14 (1h): due
    # Monday 14:00 (19:00Z); unsolved at Wed 15:30: violated.
    res = find(s, "Resolution")
    assert res.target == h(4)
    assert res.started_at == z("2026-11-23T14:00:00Z")
    assert res.target_at == z("2026-11-23T19:00:00Z")
    assert res.state == "violated"
    # Diagnosis did not apply to a Sev3 case; it starts when the case becomes Sev1 (11:00):
    # 11-12, 13-16: due 16:00 (21:00Z); diagnosed at 15:00.
    dx = find(s, "Diagnosis")
    assert dx.started_at == z("2026-11-23T16:00:00Z")
    assert dx.target_at == z("2026-11-23T21:00:00Z")
    assert dx.state == "completed"
    # Before the raise the same case was on the 16h default.
    before = evaluate(case, z("2026-11-23T15:30:00Z"))
    assert find(before, "Resolution").target == h(16)
    assert find(before, "Diagnosis").state == "pending"
    assert find(before, "Diagnosis").started_at is None


def test_independent_next_responses_recur_one_open_at_a_time() -> None:
    # acme-gold (v1): next response 2h, recurrence independent. Created Mon 2026-11-23 09:00.
    case: Case = {
        "id": "N-1",
        "entitlement": "acme-gold",
        "created_at": "2026-11-23T14:00:00Z",
        "events": [
            {"at": "2026-11-23T14:10:00Z", "type": "agent_reply"},
            {"at": "2026-11-23T15:00:00Z", "type": "customer_reply"},  # Mon 10:00 -> #1
            {"at": "2026-11-23T16:00:00Z", "type": "agent_reply"},  # Mon 11:00
            {"at": "2026-11-23T18:00:00Z", "type": "customer_reply"},  # Mon 13:00 -> #2
            {"at": "2026-11-23T18:30:00Z", "type": "customer_reply"},  # one is open: ignored
            {"at": "2026-11-24T15:00:00Z", "type": "agent_reply"},  # Tue 10:00
            {"at": "2026-11-25T19:00:00Z", "type": "customer_reply"},  # Wed 14:00 -> #3
        ],
    }
    s = evaluate(case)
    n1 = find(s, "Next Response", 1)
    assert (n1.target_at, n1.state) == (z("2026-11-23T17:00:00Z"), "completed")
    # #2: Mon 13:00 + 2h = 15:00 (20:00Z); answered Tuesday: late.
    n2 = find(s, "Next Response", 2)
    assert n2.started_at == z("2026-11-23T18:00:00Z")
    assert (n2.target_at, n2.state) == (z("2026-11-23T20:00:00Z"), "completed_late")
    # #3: Wed 14:00 + 2h = 16:00 (21:00Z); at 15:30 1.5h used, and the 75% warning falls at
    # exactly 15:30 = now: a trigger is crossed when the clock reaches it.
    n3 = find(s, "Next Response", 3)
    assert n3.state == "in_progress"
    assert n3.target_at == z("2026-11-25T21:00:00Z")
    assert n3.elapsed == h(1.5)
    assert n3.crossed == ["warning"]
    assert n3.next_trigger_at is None
    assert all(m.milestone != "Next Response" or m.instance <= 3 for m in s)


def test_sequential_next_responses_start_no_earlier_than_the_previous_target() -> None:
    # globex-gold (gold v2): next response 2h, recurrence sequential. Created Mon 09:00.
    case: Case = {
        "id": "N-2",
        "entitlement": "globex-gold",
        "created_at": "2026-11-23T14:00:00Z",
        "fields": {"severity": "Sev2"},
        "events": [
            {"at": "2026-11-23T14:05:00Z", "type": "agent_reply"},
            {"at": "2026-11-23T15:00:00Z", "type": "customer_reply"},  # 10:00 -> #1 due 12:00
            {"at": "2026-11-23T15:30:00Z", "type": "agent_reply"},  # 10:30
            {"at": "2026-11-23T16:00:00Z", "type": "customer_reply"},  # 11:00 -> #2
            {"at": "2026-11-23T19:00:00Z", "type": "agent_reply"},  # 14:00
        ],
    }
    s = evaluate(case)
    # #2 starts at #1's target, 12:00 (the lunch hour), so its clock runs 13:00-15:00.
    n2 = find(s, "Next Response", 2)
    assert n2.started_at == z("2026-11-23T17:00:00Z")
    assert n2.target_at == z("2026-11-23T20:00:00Z")
    assert n2.elapsed == h(1)
    assert n2.state == "completed"


def test_severity_one_tier_warning_at_half_and_violation_at_the_target() -> None:
    # umbrella-sev1: first response 15m, resolution 2h, both 24x7. Created Tue 10:00Z.
    def replied(at: datetime) -> Case:
        return {
            "id": "P-1",
            "entitlement": "umbrella-sev1",
            "created_at": z("2026-11-24T10:00:00Z"),
            "events": [{"at": at, "type": "agent_reply"}],
        }

    # Exactly at the target (10:15): compliant; the warning (10:07:30) was crossed, the
    # violation at the target was not.
    fr = find(evaluate(replied(z("2026-11-24T10:15:00Z"))), "First Response")
    assert fr.target_at == z("2026-11-24T10:15:00Z")
    assert fr.state == "completed"
    assert fr.triggers[0]["at"] == z("2026-11-24T10:07:30Z")
    assert fr.crossed == ["warning"]
    # One second later: late, and the violation (with its actions) was crossed.
    fr = find(evaluate(replied(z("2026-11-24T10:15:01Z"))), "First Response")
    assert fr.state == "completed_late"
    assert fr.crossed == ["warning", "violation"]
    assert fr.triggers[1]["actions"] == ["page_oncall", "open_war_room"]
    assert fr.remaining == timedelta(seconds=-1)
    # One microsecond late is late too: microseconds survive the trip through the core.
    fr = find(
        evaluate(replied(z("2026-11-24T10:15:00Z") + timedelta(microseconds=1))), "First Response"
    )
    assert fr.state == "completed_late"
    assert fr.remaining == timedelta(microseconds=-1)
    # While open: at 10:10 the warning is crossed and the next trigger is the target.
    open_case: Case = {
        "id": "P-2",
        "entitlement": "umbrella-sev1",
        "created_at": "2026-11-24T10:00:00Z",
        "events": [],
    }
    fr = find(evaluate(open_case, z("2026-11-24T10:10:00Z")), "First Response")
    assert fr.state == "in_progress"
    assert fr.crossed == ["warning"]
    assert fr.next_trigger_at == z("2026-11-24T10:15:00Z")
    assert fr.remaining == timedelta(minutes=5)


def test_a_reopened_case_restarts_resolution_as_a_new_instance() -> None:
    # umbrella-sev1. Solved Tue 11:00Z within its 2h; reopened Wed 09:00Z; still open at now.
    case: Case = {
        "id": "R-1",
        "entitlement": "umbrella-sev1",
        "created_at": "2026-11-24T10:00:00Z",
        "events": [
            {"at": "2026-11-24T10:05:00Z", "type": "agent_reply"},
            {"at": "2026-11-24T11:00:00Z", "type": "solved"},
            {"at": "2026-11-24T11:30:00Z", "type": "status", "to": "Closed"},
            {"at": "2026-11-25T09:00:00Z", "type": "reopened"},
            {"at": "2026-11-25T09:01:00Z", "type": "agent_reply"},
        ],
    }
    s = evaluate(case)
    r1 = find(s, "Resolution", 1)
    assert (r1.state, r1.completed_at) == ("completed", z("2026-11-24T11:00:00Z"))
    # #2 from 09:00Z, due 11:00Z; at 20:30Z 11.5h used: violated, 9.5h over; the warning
    # (10:00Z), the violation (11:00Z) and the escalation at +1h (12:00Z) are all crossed.
    r2 = find(s, "Resolution", 2)
    assert r2.started_at == z("2026-11-25T09:00:00Z")
    assert r2.target_at == z("2026-11-25T11:00:00Z")
    assert r2.state == "violated"
    assert r2.remaining == -h(9.5)
    assert r2.crossed == ["warning", "violation", "escalation"]
    assert r2.consumed == pytest.approx(11.5 / 2)
    # First response happens once: the reply after the reopen does not start a second one.
    assert sum(1 for m in s if m.milestone == "First Response") == 1


def test_regulated_tier_acknowledgment_and_a_milestone_level_pause() -> None:
    # northbank-regulated: acknowledgment 30m round the clock; resolution 4h on london,
    # paused only by "Pending Regulator". Created Tue 2026-11-24 08:00 London (= UTC).
    london = ZoneInfo("Europe/London")
    case: Case = {
        "id": "F-1",
        "entitlement": "northbank-regulated",
        "created_at": datetime(2026, 11, 24, 8, tzinfo=london),
        "events": [
            {"at": datetime(2026, 11, 24, 8, 25, tzinfo=london), "type": "acknowledged"},
            {
                "at": datetime(2026, 11, 24, 10, tzinfo=london),
                "type": "status",
                "to": "Pending Regulator",
            },
            {
                "at": datetime(2026, 11, 25, 10, tzinfo=london),
                "type": "status",
                "to": "In Progress",
            },
            {"at": datetime(2026, 11, 25, 12, tzinfo=london), "type": "solved"},
        ],
    }
    s = evaluate(case)
    # Acknowledgment due 08:30; done 08:25; its critical at -10m (08:20) was crossed.
    ack = find(s, "Acknowledgment")
    assert ack.kind == "custom"
    assert ack.target_at == z("2026-11-24T08:30:00Z")
    assert ack.state == "completed"
    assert ack.crossed == ["critical"]
    # Resolution: the desk opens 09:00; 1h active to 10:00; paused Tue 10:00-17:30 (7.5h) and
    # Wed 09:00-10:00 (1h); 3h more from Wed 10:00: due Wed 13:00; solved at 12:00.
    res = find(s, "Resolution")
    assert res.calendar == "london"
    assert res.target_at == z("2026-11-25T13:00:00Z")
    assert res.paused == h(8.5)
    assert res.elapsed == h(3)
    assert res.state == "completed"


def test_explicit_stop_and_resume_stop_the_clock() -> None:
    case: Case = {
        "id": "P-3",
        "entitlement": "umbrella-sev1",
        "created_at": "2026-11-24T10:00:00Z",
        "events": [
            {"at": "2026-11-24T10:05:00Z", "type": "stop"},
            {"at": "2026-11-24T10:35:00Z", "type": "resume"},
        ],
    }
    # 5 minutes, 30 stopped, 10 more: due 10:45Z.
    fr = find(evaluate(case, z("2026-11-24T10:40:00Z")), "First Response")
    assert fr.target_at == z("2026-11-24T10:45:00Z")
    assert fr.paused == timedelta(minutes=30)
    assert fr.state == "in_progress"
    # While stopped: paused, with the target provisional (as if resumed at now: 10:20 + 10m).
    fr = find(evaluate(case, z("2026-11-24T10:20:00Z")), "First Response")
    assert fr.state == "paused"
    assert fr.target_at == z("2026-11-24T10:30:00Z")


def test_cases_without_a_live_entitlement_get_a_clear_result() -> None:
    none: Case = {"id": "X-1", "created_at": "2026-11-24T10:00:00Z"}
    e = RULES.evaluate_case(none, NOW)
    assert not e.covered
    assert e.entitlement is None
    assert e.entitlement_status == "none"
    assert e.reason is not None
    assert "no entitlement" in e.reason
    assert e.process is None
    assert e.process_version is None
    assert e.account == {}
    assert evaluate(none) == []

    # hooli-bronze-2025 ended 2025-12-31: a case raised in 2026 is not covered.
    expired: Case = {
        "id": "X-2",
        "entitlement": "hooli-bronze-2025",
        "created_at": "2026-11-24T10:00:00Z",
    }
    e = RULES.evaluate_case(expired, NOW)
    assert not e.covered
    assert e.entitlement_status == "expired"
    assert e.reason is not None
    assert "expired" in e.reason
    assert e.milestones == []
    assert e.account["name"] == "Hooli"

    # A case raised while it was active keeps its milestones after it expires.
    old: Case = {
        "id": "X-3",
        "entitlement": "hooli-bronze-2025",
        "created_at": "2025-12-31T15:00:00Z",
    }
    e = RULES.evaluate_case(old, NOW)
    assert e.covered
    assert e.reason is None
    assert e.entitlement_status == "expired"
    assert len(e.milestones) == 2

    # A case may name a process itself (a pinned version) without an entitlement.
    direct: Case = {
        "id": "X-4",
        "process": {"id": "gold", "version": 1},
        "created_at": "2026-11-24T15:00:00Z",
    }
    e = RULES.evaluate_case(direct, NOW)
    assert e.covered
    assert e.process == "gold"
    assert e.process_version == 1


def test_bad_case_input_is_an_error_that_names_the_case_and_the_event() -> None:
    case: Case = {
        "id": "E-1",
        "entitlement": "acme-gold",
        "created_at": "2026-11-24T15:00:00Z",
        "events": [
            {"at": "2026-11-24T15:10:00Z", "type": "agent_reply"},
            {"at": "2026-11-24T15:20:00Z", "type": "escalated_to_mars"},
        ],
    }
    with pytest.raises(InputError) as info:
        evaluate(case)
    message = str(info.value)
    assert info.value.code == "unknown_event_type"
    assert '"E-1"' in message
    assert "events[1].type" in message
    assert "escalated_to_mars" in message
    assert "diagnosed" in message  # what would be valid: the process's custom events too

    unknown: Case = {"id": "E-2", "entitlement": "nobody", "created_at": "2026-11-24T15:00:00Z"}
    with pytest.raises(InputError) as info:
        evaluate(unknown)
    assert info.value.code == "unknown_entitlement"
    assert "acme-gold" in str(info.value)


BAD_CASES: list[tuple[Case, str, str]] = [
    # (case, code, the path its message names); the core's table, plus the binding's own.
    ({"id": "E-3", "created_at": "2026-11-24T15:00:00"}, "naive_datetime", "created_at"),
    (
        {
            "id": "E-4",
            "created_at": "2026-11-24T15:00:00Z",
            "events": [{"at": "2026-11-24T16:00:00Z"}],
        },
        "missing_key",
        "events[0]",
    ),
    (
        {
            "id": "E-5",
            "created_at": "2026-11-24T15:00:00Z",
            "events": [{"at": "2026-11-24T14:00:00Z", "type": "solved"}],
        },
        "invalid_value",
        "events[0].at",
    ),
    (
        {
            "id": "E-6",
            "created_at": "2026-11-24T15:00:00Z",
            "events": [{"at": "2026-11-24T16:00:00Z", "type": "status"}],
        },
        "missing_key",
        "events[0]",
    ),
    ({"id": "E-7", "created_at": "2026-11-24T15:00:00Z", "colour": "red"}, "unknown_key", "colour"),
    (
        {"id": "E-8", "created_at": "2026-11-24T15:00:00Z", "fields": {"tags": ["a"]}},
        "invalid_type",
        "fields.tags",
    ),
]


@pytest.mark.parametrize(("case", "code", "path"), BAD_CASES)
def test_malformed_cases_raise_input_error_naming_the_case_and_the_path(
    case: Case, code: str, path: str
) -> None:
    with pytest.raises(InputError) as info:
        evaluate(case)
    assert info.value.code == code, str(info.value)
    assert f'case "{case["id"]}"' in str(info.value)
    assert path in str(info.value)


def base_document() -> dict[str, Any]:
    """A small valid document, as in the core's test of document errors."""
    return {
        "calendars": {"ny": {"time_zone": "America/New_York", "hours": {"mon": ["09:00-17:00"]}}},
        "processes": [
            {
                "id": "gold",
                "calendar": "ny",
                "milestones": [
                    {"name": "FR", "kind": "first_response", "target": "1h"},
                    {"name": "NR", "kind": "next_response", "target": "2h"},
                    {
                        "name": "Res",
                        "kind": "resolution",
                        "target": {"by": "severity", "values": {"Sev1": "8h"}, "default": "40h"},
                    },
                ],
            }
        ],
        "entitlements": [{"id": "acme", "process": "gold"}],
    }


DOCUMENT_ERRORS: list[tuple[str, Any, str]] = [
    # (a JSON pointer into `base_document()`, the value put there, the code)
    ("/processes/0/milestones/2/target/values/Sev1", "8 hours", "invalid_duration"),
    ("/processes/0/milestones/2/target/values/Sev1", 8, "invalid_type"),
    ("/processes/0/milestones/2/target/values/Sev1", "-1h", "invalid_value"),
    ("/processes/0/calendar", "mars", "unknown_calendar"),
    ("/processes/0/milestones/1/kind", "second_response", "invalid_value"),
    ("/processes/0/milestones/1/recurrence", "weekly", "invalid_value"),
    (
        "/processes/0/milestones/0/when",
        {"field": "severity", "op": "like", "value": "x"},
        "unknown_operator",
    ),
    (
        "/processes/0/milestones/0/when",
        {"field": "severity", "op": "in", "value": "Sev1"},
        "invalid_type",
    ),
    (
        "/processes/0/milestones/0/triggers",
        [{"at": "fifty", "level": "warning"}],
        "invalid_duration",
    ),
    ("/processes/0/milestones/0/triggers", [{"at": "50%", "level": "loud"}], "invalid_value"),
    ("/processes/0/milestones/0/colour", "red", "unknown_key"),
    ("/entitlements/0/process", "platinum", "unknown_process"),
    ("/entitlements/0/process", {"id": "gold", "version": 3}, "unknown_process_version"),
    ("/entitlements/0/start_date", "2026-02-30", "invalid_date"),
    ("/entitlements/0/quotas", [{"period": "week", "max_cases": 3}], "invalid_value"),
    ("/processes/0/milestones/1/name", "FR", "duplicate"),
    # A duration longer than the supported range of instants.
    ("/processes/0/milestones/0/target", "100000000h", "invalid_value"),
    (
        "/processes/0/milestones/0/triggers",
        [{"at": "+99999999h", "level": "warning"}],
        "invalid_value",
    ),
    # Values only Python can write, refused with the same kind of message.
    ("/entitlements/0/cases_per_entitlement", True, "invalid_type"),
    ("/entitlements/0/cases_per_entitlement", 2**64, "invalid_value"),
    ("/entitlements/0/cases_per_entitlement", float("nan"), "invalid_value"),
    ("/entitlements/0/start_date", datetime(2026, 1, 1), "naive_datetime"),
    ("/processes/0/milestones/0/target", timedelta(hours=1), "invalid_type"),
]


def put(document: dict[str, Any], pointer: str, value: Any) -> None:
    *parents, key = pointer[1:].split("/")
    target: Any = document
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(key)] = value
    else:
        target[key] = value


def dotted(pointer: str) -> str:
    """``/processes/0/calendar`` as the core writes it: ``processes[0].calendar``."""
    out = ""
    for part in pointer[1:].split("/"):
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


@pytest.mark.parametrize(("pointer", "value", "code"), DOCUMENT_ERRORS)
def test_document_errors_name_the_path_and_what_would_be_valid(
    pointer: str, value: Any, code: str
) -> None:
    assert Ruleset.from_dict(base_document())
    document = base_document()
    put(document, pointer, value)
    with pytest.raises(ConfigError) as info:
        Ruleset.from_dict(document)
    error = info.value
    assert isinstance(error, ValueError)
    assert error.code == code, str(error)
    path = dotted(pointer)
    parent = path[: max(path.rfind("."), path.rfind("["))]
    assert str(error).startswith((path, parent)), f"{error} should name {path}"


def test_the_path_named_in_the_issue_and_versions_of_one_process() -> None:
    document = base_document()
    document["processes"][0]["milestones"][2]["target"]["values"]["Sev1"] = "soon"
    with pytest.raises(ConfigError) as info:
        Ruleset.from_dict(document)
    assert str(info.value).startswith(
        'processes[0].milestones[2].target.values.Sev1: invalid duration "soon"'
    )
    # Two versions of one id coexist; the same version twice does not.
    document = base_document()
    v2 = copy.deepcopy(document["processes"][0])
    v2["version"] = 2
    document["processes"].append(v2)
    assert Ruleset.from_dict(document)
    document["processes"].append(copy.deepcopy(v2))
    with pytest.raises(ConfigError) as info:
        Ruleset.from_dict(document)
    assert info.value.code == "duplicate"


def test_versions_default_then_highest_then_pinned() -> None:
    def document(default_v1: bool) -> dict[str, Any]:
        def version(n: int, **extra: Any) -> dict[str, Any]:
            milestone = {"name": "A", "kind": "resolution", "target": f"{n}h"}
            return {"id": "p", "version": n, "milestones": [milestone], **extra}

        return {
            "processes": [version(1, default=default_v1), version(3), version(2)],
            "entitlements": [
                {"id": "e", "process": "p"},
                {"id": "pinned", "process": {"id": "p", "version": 2}},
            ],
        }

    def target(rules: Ruleset, entitlement_id: str) -> timedelta | None:
        case: Case = {
            "id": "c",
            "entitlement": entitlement_id,
            "created_at": "2026-11-24T10:00:00Z",
        }
        return rules.evaluate(case, NOW)[0].target

    highest = Ruleset.from_dict(document(False))
    assert target(highest, "e") == h(3)
    assert target(highest, "pinned") == h(2)
    marked = Ruleset.from_dict(document(True))
    assert target(marked, "e") == h(1)


def test_entitlement_usage_counts_cases_and_quotas_per_period() -> None:
    def raised(case_id: str, created: str, severity: str) -> Case:
        return {
            "id": case_id,
            "entitlement": "acme-gold",
            "created_at": created,
            "fields": {"severity": severity},
        }

    cases = [
        raised("Q1", "2026-08-03T15:00:00Z", "Sev1"),  # Q3
        raised("Q2", "2026-10-05T15:00:00Z", "Sev2"),  # Q4, October
        raised("Q3", "2026-11-02T15:00:00Z", "Sev1"),  # Q4, November
        raised("Q4", "2026-11-20T15:00:00Z", "Sev1"),
        raised("Q5", "2026-11-26T15:00:00Z", "Sev1"),  # after now: not counted
        {"id": "other", "entitlement": "globex-gold", "created_at": "2026-11-02T15:00:00Z"},
    ]
    u = RULES.entitlement_usage("acme-gold", cases, NOW)
    assert isinstance(u, EntitlementUsage)
    assert u.entitlement == "acme-gold"
    assert u.status == "active"
    assert u.cases_used == 4
    assert u.cases_per_entitlement == 50
    assert u.cases_remaining == 46
    quarter, sev1_month = u.quotas
    assert quarter == {
        "name": None,
        "period": "quarter",
        "period_start": date(2026, 10, 1),
        "period_end": date(2026, 12, 31),
        "max_cases": 20,
        "used": 3,
        "remaining": 17,
        # A straight line to the period's end, in wall-clock time: Q4 in New York runs from
        # Oct 1 04:00Z to Jan 1 05:00Z (2209 hours, DST ends in November), of which 1336.5
        # have passed at now. 3 cases so far: on course for 3 x 2209 / 1336.5.
        "projected": pytest.approx(3 * 2209 / 1336.5, rel=1e-12),
        "projected_over": False,
    }
    assert (sev1_month["period"], sev1_month["period_start"]) == ("month", date(2026, 11, 1))
    assert sev1_month["period_end"] == date(2026, 11, 30)
    assert sev1_month["used"] == 2  # Sev1 in November
    assert sev1_month["remaining"] == 1
    # November: Nov 1 04:00Z to Dec 1 05:00Z (721 hours), 592.5 of them passed.
    assert sev1_month["projected"] == pytest.approx(2 * 721 / 592.5, rel=1e-12)
    assert sev1_month["projected_over"] is False
    # Any iterable of cases will do; `term` quotas run from start_date to end_date.
    n = RULES.entitlement_usage(
        "northbank-regulated", (c for c in cases), datetime(2026, 11, 25, tzinfo=UTC)
    )
    assert (n.cases_used, n.cases_remaining, n.cases_per_entitlement) == (0, None, None)
    assert n.quotas[0]["period_start"] == date(2026, 4, 1)
    assert n.quotas[0]["period_end"] == date(2027, 3, 31)
    assert u.to_dict() == {
        "entitlement": "acme-gold",
        "status": "active",
        "cases_used": 4,
        "cases_per_entitlement": 50,
        "cases_remaining": 46,
        "quotas": u.quotas,
    }
    assert u == RULES.entitlement_usage("acme-gold", cases, NOW)
    assert u != n
    assert repr(u).startswith('<EntitlementUsage entitlement="acme-gold" status="active"')


def test_entitlement_usage_errors() -> None:
    with pytest.raises(InputError) as info:
        RULES.entitlement_usage("nobody", [], NOW)
    assert info.value.code == "unknown_entitlement"
    # A bad case is named by its id, or by its position when it has none.
    bad: list[Case] = [
        {"id": "ok", "created_at": "2026-11-02T15:00:00Z"},
        {"created_at": "2026-11-02"},
    ]
    with pytest.raises(InputError) as info:
        RULES.entitlement_usage("acme-gold", bad, NOW)
    assert 'case "#1"' in str(info.value)
    bad = [{"id": "ok", "created_at": "2026-11-02T15:00:00Z"}, {"created_at": datetime(2026, 1, 1)}]
    with pytest.raises(InputError) as info:
        RULES.entitlement_usage("acme-gold", bad, NOW)
    assert info.value.code == "naive_datetime"
    assert 'case "#1": created_at' in str(info.value)
    with pytest.raises(InputError) as info:
        RULES.entitlement_usage("acme-gold", bad[0], NOW)  # type: ignore[arg-type]
    assert info.value.code == "invalid_type"
    assert "cases" in str(info.value)
    with pytest.raises(InputError) as info:
        RULES.entitlement_usage(7, [], NOW)  # type: ignore[arg-type]
    assert info.value.code == "invalid_type"
    assert "entitlement_id" in str(info.value)


def test_the_document_round_trips_through_to_dict_and_pickle() -> None:
    document = RULES.to_dict()
    # The sample rules have a `monitor` section with non-default settings.
    assert set(document) == {"calendars", "processes", "entitlements", "monitor"}
    again = Ruleset.from_dict(document)
    assert again.to_dict() == document
    # The canonical form keeps what matters: the same cases evaluate the same.
    cases = json.loads((EXAMPLES / "data" / "cases.json").read_text())
    now = cases["now"]
    for case in cases["cases"]:
        assert again.evaluate_case(case, now) == RULES.evaluate_case(case, now)
    unpickled = pickle.loads(pickle.dumps(RULES))
    assert isinstance(unpickled, Ruleset)
    assert unpickled.to_dict() == document
    assert copy.deepcopy(RULES).to_dict() == document
    assert repr(RULES) == "<Ruleset: 6 calendars, 5 processes (6 versions), 9 entitlements>"


def test_the_same_document_from_json_yaml_toml_and_a_dict() -> None:
    document = base_document()
    as_json = Ruleset.from_json(json.dumps(document))
    as_yaml = Ruleset.from_yaml(yaml.safe_dump(document))
    toml = """
[calendars.ny]
time_zone = "America/New_York"
hours = { mon = ["09:00-17:00"] }

[[processes]]
id = "gold"
calendar = "ny"

[[processes.milestones]]
name = "FR"
kind = "first_response"
target = "1h"

[[processes.milestones]]
name = "NR"
kind = "next_response"
target = "2h"

[[processes.milestones]]
name = "Res"
kind = "resolution"
target = { by = "severity", values = { Sev1 = "8h" }, default = "40h" }

[[entitlements]]
id = "acme"
process = "gold"
"""
    as_toml = Ruleset.from_toml(toml)
    expected = Ruleset.from_dict(document).to_dict()
    assert as_json.to_dict() == as_yaml.to_dict() == as_toml.to_dict() == expected
    # Other mappings than dict are read too.
    assert Ruleset.from_dict(MappingProxyType(document)).to_dict() == expected


def test_load_accepts_str_and_path_like_and_reports_files_it_cannot_read(tmp_path: Path) -> None:
    assert Ruleset.load(str(RULES_PATH)).to_dict() == RULES.to_dict()
    (tmp_path / "rules.json").write_text(json.dumps(base_document()))
    (tmp_path / "rules.yml").write_text(yaml.safe_dump(base_document()))
    assert (
        Ruleset.load(tmp_path / "rules.json").to_dict()
        == Ruleset.from_dict(base_document()).to_dict()
    )
    assert (
        Ruleset.load(tmp_path / "rules.yml").to_dict()
        == Ruleset.from_dict(base_document()).to_dict()
    )

    class Where(os.PathLike[str]):
        def __fspath__(self) -> str:
            return str(RULES_PATH)

    assert Ruleset.load(Where()).to_dict() == RULES.to_dict()
    with pytest.raises(ConfigError) as info:
        Ruleset.load(tmp_path / "missing.yaml")
    assert info.value.code == "invalid_value"
    assert "missing.yaml" in str(info.value)
    (tmp_path / "rules.txt").write_text("{}")
    with pytest.raises(ConfigError) as info:
        Ruleset.load(tmp_path / "rules.txt")
    assert info.value.code == "invalid_value"
    with pytest.raises(InputError) as wrong:
        Ruleset.load(42)  # type: ignore[arg-type]
    assert wrong.value.code == "invalid_type"


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (Ruleset.from_json, "{"),
        (Ruleset.from_yaml, "processes: [\n"),
        (Ruleset.from_toml, "processes = [\n"),
    ],
)
def test_unparsable_text_is_a_parse_error(parse: Callable[[str], Ruleset], text: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse(text)
    assert info.value.code == "parse_error"


def test_text_must_be_a_string() -> None:
    with pytest.raises(InputError) as info:
        Ruleset.from_json(b"{}")  # type: ignore[arg-type]
    assert info.value.code == "invalid_type"


def test_results_are_immutable_comparable_and_convert_to_plain_objects() -> None:
    case = json.loads((EXAMPLES / "data" / "cases.json").read_text())["cases"][0]
    e = RULES.evaluate_case(case, NOW)
    assert isinstance(e, CaseEvaluation)
    assert e == RULES.evaluate_case(case, NOW)
    assert e != RULES.evaluate_case(case, z("2026-11-17T15:00:00Z"))
    assert e != "not an evaluation"
    statuses = RULES.evaluate(case, NOW)
    assert statuses == e.milestones
    status = statuses[0]
    with pytest.raises(AttributeError):
        status.state = "violated"  # type: ignore[misc]
    with pytest.raises(TypeError):
        hash(status)
    d = status.to_dict()
    assert list(d) == [
        "case_id",
        "milestone",
        "kind",
        "instance",
        "state",
        "calendar",
        "started_at",
        "target",
        "target_at",
        "completed_at",
        "elapsed",
        "paused",
        "remaining",
        "consumed",
        "crossed",
        "next_trigger_at",
        "breached_at",
        "triggers",
    ]
    assert list(d["triggers"][0]) == ["point", "level", "actions", "at", "crossed", "fired_at"]
    for key, value in d.items():
        assert value == getattr(status, key), key
    for value in (d["started_at"], d["target_at"], d["completed_at"]):
        assert isinstance(value, datetime)
        assert value.tzinfo is UTC
    assert type(d["elapsed"]) is timedelta
    assert type(d["triggers"][0]["at"]) is datetime
    assert json.loads(json.dumps(d, default=str))  # nothing but plain objects inside
    full = e.to_dict()
    assert full["milestones"] == [m.to_dict() for m in statuses]
    assert full["account"]["name"] == "Acme Corp"
    assert full["account"]["renewal_date"] == "2027-03-31"  # passed through as written
    assert {k: v for k, v in full.items() if k not in ("milestones", "account")} == {
        "case_id": "C-1001",
        "entitlement": "acme-gold",
        "entitlement_status": "active",
        "covered": True,
        "reason": None,
        "process": "gold",
        "process_version": 1,
    }
    assert repr(status) == (
        '<MilestoneStatus case_id="C-1001" milestone="First Response" instance=1 '
        'state="completed" target_at=2026-11-16T16:00:00Z completed_at=2026-11-16T15:40:00Z>'
    )
    assert repr(e) == (
        '<CaseEvaluation case_id="C-1001" entitlement="acme-gold" covered=True process="gold" '
        "process_version=1 milestones=4>"
    )


def test_public_api_is_documented() -> None:
    for cls in (Ruleset, MilestoneStatus, CaseEvaluation, EntitlementUsage):
        assert cls.__module__ == "entitlement"
        assert cls.__doc__
        assert getattr(entitlement, cls.__name__) is cls
        for name in dir(cls):
            if not name.startswith("_"):
                assert getattr(cls, name).__doc__, f"{cls.__name__}.{name}"
    assert Ruleset.__doc__ is not None
    test = doctest.DocTestParser().get_doctest(
        Ruleset.__doc__, {"Ruleset": Ruleset}, "Ruleset", None, 0
    )
    runner = doctest.DocTestRunner()
    runner.run(test)
    assert runner.tries > 0
    assert runner.failures == 0


# --- Every kind of aware datetime --------------------------------------------------------------


def gold_case(at: Callable[[int, int, int, int, int], Any]) -> Case:
    """The gold scenario with its instants written by ``at(y, m, d, hour, minute)`` (New York
    wall time)."""
    return {
        "id": "G-1",
        "entitlement": "acme-gold",
        "created_at": at(2026, 11, 16, 10, 0),
        "fields": {"severity": "Sev2"},
        "events": [
            {"at": at(2026, 11, 16, 10, 40), "type": "agent_reply"},
            {"at": at(2026, 11, 16, 15, 0), "type": "diagnosed"},
            {"at": at(2026, 11, 16, 16, 0), "type": "status", "to": "Waiting on Customer"},
            {"at": at(2026, 11, 17, 10, 0), "type": "customer_reply"},
            {"at": at(2026, 11, 17, 10, 0), "type": "status", "to": "Open"},
            {"at": at(2026, 11, 17, 11, 0), "type": "agent_reply"},
            {"at": at(2026, 11, 17, 13, 30), "type": "solved"},
        ],
    }


Writer = Callable[[int, int, int, int, int], Any]


def in_zone(zone: Any) -> Writer:
    """Writes New York wall times as datetimes in ``zone``."""
    return lambda *f: datetime(*f).replace(tzinfo=NY).astimezone(zone)


WRITERS: dict[str, Writer] = {
    "zoneinfo": lambda *f: datetime(*f).replace(tzinfo=NY),
    "pytz": lambda *f: pytz.timezone("America/New_York").localize(datetime(*f)),
    "fixed offset": lambda *f: datetime(*f).replace(tzinfo=timezone(timedelta(hours=-5))),
    "utc": in_zone(UTC),
    "other zone": in_zone(ZoneInfo("Asia/Kolkata")),
    "pytz other zone": in_zone(pytz.timezone("Australia/Sydney")),
    "rfc 3339 with offset": lambda *f: datetime(*f).isoformat() + "-05:00",
    "rfc 3339 with Z": lambda *f: in_zone(UTC)(*f).strftime("%Y-%m-%dT%H:%M:%SZ"),
}


@pytest.mark.parametrize("kind", list(WRITERS))
def test_any_aware_datetime_or_offset_string_in_a_case_reads_as_its_instant(kind: str) -> None:
    expected = evaluate(gold_case(WRITERS["zoneinfo"]))
    assert evaluate(gold_case(WRITERS[kind])) == expected
    # `now` too: a pytz, fixed-offset or string `now` is the same instant.
    for now in (
        pytz.timezone("America/New_York").localize(datetime(2026, 11, 25, 15, 30)),
        datetime(2026, 11, 25, 15, 30, tzinfo=timezone(timedelta(hours=-5))),
        "2026-11-25T15:30:00-05:00",
        "2026-11-25T20:30:00Z",
    ):
        assert evaluate(gold_case(WRITERS[kind]), now) == expected


def test_dates_and_datetime_subclasses_in_documents_and_cases() -> None:
    class Stamp(datetime):
        pass

    case = gold_case(lambda *f: Stamp(*f).replace(tzinfo=NY))
    assert evaluate(case) == evaluate(gold_case(WRITERS["zoneinfo"]))
    document = base_document()
    document["entitlements"][0].update(
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        account={"since": date(2020, 5, 1)},
    )
    entitlement_doc = Ruleset.from_dict(document).to_dict()["entitlements"][0]
    assert entitlement_doc["start_date"] == "2026-01-01"
    assert entitlement_doc["account"] == {"since": "2020-05-01"}
    # An aware datetime in a case's fields becomes its RFC 3339 text in UTC.
    fields_case: Case = {
        "id": "D-1",
        "created_at": "2026-11-24T10:00:00Z",
        "fields": {"due": datetime(2026, 11, 24, 5, 0, 0, 250, tzinfo=NY)},
    }
    assert RULES.evaluate_case(fields_case, NOW).covered is False


# --- Malformed input ----------------------------------------------------------------------------


def nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value]
    return value


def self_containing() -> dict[str, Any]:
    d: dict[str, Any] = {}
    d["again"] = d
    return d


def with_event(event: dict[str, Any], **fields: Any) -> Case:
    case: Case = {
        "id": "M-1",
        "entitlement": "acme-gold",
        "created_at": "2026-11-24T15:00:00Z",
        "fields": {"severity": "Sev2"},
        "events": [
            {"at": "2026-11-24T15:10:00Z", "type": "agent_reply"},
            {"at": "2026-11-24T15:20:00Z", "type": "customer_reply"},
            event,
        ],
    }
    case["fields"].update(fields)
    return case


AT = "2026-11-24T15:30:00Z"

MALFORMED_CASES: list[tuple[str, Any, str, str]] = [
    # (id, case, code, what the message names)
    (
        "naive datetime in an event",
        with_event({"at": datetime(2026, 11, 24, 15, 30), "type": "agent_reply"}),
        "naive_datetime",
        "events[2].at",
    ),
    (
        "naive created_at",
        {"id": "M-1", "created_at": datetime(2026, 11, 24, 15)},
        "naive_datetime",
        "created_at",
    ),
    (
        "naive string",
        with_event({"at": "2026-11-24T15:30:00", "type": "x"}),
        "naive_datetime",
        "events[2].at",
    ),
    (
        "NaN",
        with_event({"at": AT, "type": "agent_reply"}, score=float("nan")),
        "invalid_value",
        "fields.score",
    ),
    (
        "infinity",
        with_event({"at": AT, "type": "agent_reply"}, score=float("inf")),
        "invalid_value",
        "fields.score",
    ),
    (
        "huge int",
        with_event({"at": AT, "type": "agent_reply"}, n=2**64),
        "invalid_value",
        "fields.n",
    ),
    (
        "enormous int",
        with_event({"at": AT, "type": "agent_reply"}, n=10**5000),
        "invalid_value",
        "bits",
    ),
    (
        "at not a string",
        with_event({"at": 1764000000, "type": "agent_reply"}),
        "invalid_type",
        "events[2].at",
    ),
    (
        "bool as an event id",
        with_event({"at": AT, "type": "agent_reply", "id": True}),
        "invalid_type",
        "events[2].id",
    ),
    (
        "bool as an instant",
        with_event({"at": True, "type": "agent_reply"}),
        "invalid_type",
        "events[2].at",
    ),
    (
        "fields not a dict",
        {"id": "M-1", "created_at": AT, "fields": ["Sev1"]},
        "invalid_type",
        "fields",
    ),
    (
        "events not a list",
        {"id": "M-1", "created_at": AT, "events": {"at": AT}},
        "invalid_type",
        "events",
    ),
    (
        "a set",
        with_event({"at": AT, "type": "agent_reply"}, tags={"a"}),
        "invalid_type",
        "fields.tags",
    ),
    (
        "an object",
        with_event({"at": AT, "type": "agent_reply"}, owner=object()),
        "invalid_type",
        "object",
    ),
    (
        "a timedelta",
        with_event({"at": AT, "type": "agent_reply"}, age=timedelta(1)),
        "invalid_type",
        "timedelta",
    ),
    (
        "a non-str key",
        with_event({"at": AT, "type": "agent_reply", 3: "x"}),  # type: ignore[dict-item]
        "invalid_type",
        "events[2]",
    ),
    (
        "deep nesting",
        with_event({"at": AT, "type": "agent_reply"}, deep=nested(300)),
        "limit_exceeded",
        "fields.deep[0][0]",
    ),
    (
        "nested in itself",
        with_event({"at": AT, "type": "agent_reply"}, loop=self_containing()),
        "limit_exceeded",
        "fields.loop.again",
    ),
    (
        "lone surrogate",
        with_event({"at": AT, "type": "agent_\ud800"}),
        "invalid_value",
        "events[2].type",
    ),
    (
        "after year 9999 in UTC",
        with_event(
            {
                "at": datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))),
                "type": "agent_reply",
            }
        ),
        "out_of_range",
        "events[2].at",
    ),
    (
        "before year 1 in UTC",
        {"id": "M-1", "created_at": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))},
        "out_of_range",
        "created_at",
    ),
    ("not a dict", ["M-1"], "invalid_type", "top level"),
    ("not data at all", object(), "invalid_type", "top level"),
]


def test_a_case_may_be_any_mapping_and_is_named_by_its_id_in_errors() -> None:
    case = MappingProxyType(with_event({"at": datetime(2026, 11, 24, 15, 30), "type": "x"}))
    with pytest.raises(InputError) as info:
        RULES.evaluate(case, NOW)
    assert str(info.value).startswith('case "M-1": events[2].at: naive datetime')
    fine = MappingProxyType(with_event({"at": AT, "type": "agent_reply"}))
    assert RULES.evaluate(fine, NOW) == RULES.evaluate(dict(fine), NOW)


@pytest.mark.parametrize(
    ("case", "code", "needle"), [pytest.param(c, k, n, id=i) for i, c, k, n in MALFORMED_CASES]
)
def test_malformed_case_data_raises_input_error_with_a_code(
    case: Any, code: str, needle: str
) -> None:
    for call in (RULES.evaluate, RULES.evaluate_case):
        with pytest.raises(InputError) as info:
            call(case, NOW)
        error = info.value
        assert isinstance(error, EntitlementError)
        assert isinstance(error, ValueError)
        assert error.code == code, str(error)
        assert needle in str(error), str(error)
        if isinstance(case, dict):
            assert str(error).startswith('case "M-1": '), str(error)


@pytest.mark.parametrize(
    ("now", "code"),
    [
        (datetime(2026, 11, 25, 20, 30), "naive_datetime"),
        ("2026-11-25T20:30:00", "naive_datetime"),
        ("2026-11-25", "naive_datetime"),
        ("next tuesday", "invalid_instant"),
        (1764102600, "invalid_instant"),
        (date(2026, 11, 25), "invalid_instant"),
        (None, "invalid_instant"),
        (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))), "out_of_range"),
    ],
)
def test_now_must_be_an_aware_instant(now: Any, code: str) -> None:
    case: Case = {"id": "C", "entitlement": "acme-gold", "created_at": "2026-11-24T15:00:00Z"}
    with pytest.raises(InputError) as info:
        RULES.evaluate(case, now)
    assert info.value.code == code, str(info.value)
    assert "now" in str(info.value)


@pytest.mark.parametrize(
    ("document", "code", "needle"),
    [
        ({"processes": [], "entitlements": [], "extra": 1}, "unknown_key", "extra"),
        (
            {"entitlements": [{"id": "a", "process": "p", "account": nested(300)}]},
            "limit_exceeded",
            "entitlements[0].account",
        ),
        ({"entitlements": {1: "x"}}, "invalid_type", "entitlements"),
        ({"calendars": {"c": {"always_open": 1.5j}}}, "invalid_type", "calendars.c.always_open"),
        ([], "invalid_type", "top level"),
        (self_containing(), "limit_exceeded", "again.again"),
    ],
)
def test_malformed_documents_raise_config_error_with_a_code(
    document: Any, code: str, needle: str
) -> None:
    with pytest.raises(ConfigError) as info:
        Ruleset.from_dict(document)
    assert info.value.code == code, str(info.value)
    assert needle in str(info.value)


def test_criteria_as_deep_as_the_core_allows_pass_the_binding() -> None:
    # The core allows criteria 32 levels deep; each level is two levels of Python data.
    criteria: dict[str, Any] = {"field": "severity", "op": "eq", "value": "Sev1"}
    for _ in range(32):
        criteria = {"all": [criteria]}
    document = base_document()
    document["processes"][0]["milestones"][0]["when"] = criteria
    rules = Ruleset.from_dict(document)
    case: Case = {"id": "c", "entitlement": "acme", "created_at": "2026-11-23T14:00:00Z"}
    assert [m.milestone for m in rules.evaluate(case, NOW)] == ["FR", "NR", "Res"]
    document["processes"][0]["milestones"][0]["when"] = {"all": [criteria]}
    with pytest.raises(ConfigError) as info:
        Ruleset.from_dict(document)
    assert info.value.code == "limit_exceeded"


# --- Laws (the core's properties, through the binding) -----------------------------------------

EVENT_TYPES = [
    "agent_reply",
    "customer_reply",
    "solved",
    "closed",
    "reopened",
    "stop",
    "resume",
    "diagnosed",
    "wait",
    "open",
    "sev1",
]
START = z("2026-11-20T14:00:00Z")
ENTITLEMENTS = ["acme-gold", "globex-gold", "initech-bronze", "umbrella-sev1"]

Log = list[tuple[int, int]]  # (index into EVENT_TYPES, minutes after START)

# Minutes from a small grid, so that ties are common.
logs = st.lists(
    st.tuples(st.integers(0, len(EVENT_TYPES) - 1), st.integers(0, 59).map(lambda m: m * 97)),
    max_size=24,
)
entitlements = st.sampled_from(ENTITLEMENTS)
minutes = st.integers(0, 9000)


def event(kind: str, minute: int) -> dict[str, Any]:
    at = START + timedelta(minutes=minute)
    if kind == "wait":
        return {"at": at, "type": "status", "to": "Waiting on Customer"}
    if kind == "open":
        return {"at": at, "type": "status", "to": "Open"}
    if kind == "sev1":
        return {"at": at, "type": "field", "field": "severity", "to": "Sev1"}
    return {"at": at, "type": kind}


def make_case(entitlement_id: str, log: Log) -> Case:
    events = []
    for k, minute in sorted(log, key=lambda e: e[1]):  # stable: ties keep their order
        kind = EVENT_TYPES[k]
        if kind == "diagnosed" and not entitlement_id.endswith("gold"):
            kind = "agent_reply"  # only gold knows the custom `diagnosed` event
        events.append(event(kind, minute))
    return {
        "id": "L",
        "entitlement": entitlement_id,
        "created_at": START,
        "fields": {"severity": "Sev2"},
        "events": events,
    }


def at_minute(minute: int) -> datetime:
    return START + timedelta(minutes=minute)


def key_fields(s: MilestoneStatus) -> tuple[Any, ...]:
    return (
        s.state,
        s.started_at,
        s.target_at,
        s.completed_at,
        s.elapsed,
        s.paused,
        s.remaining,
        s.crossed,
    )


@given(entitlements, logs, st.integers(0, 6000), st.integers(0, 6000))
def test_law_a_completed_milestone_never_changes_at_a_later_now(
    entitlement_id: str, log: Log, a: int, b: int
) -> None:
    case = make_case(entitlement_id, log)
    first = evaluate(case, at_minute(min(a, b)))
    second = evaluate(case, at_minute(max(a, b)))
    for s in first:
        if s.state in ("completed", "completed_late"):
            again = [o for o in second if (o.milestone, o.instance) == (s.milestone, s.instance)]
            assert len(again) == 1
            assert key_fields(again[0]) == key_fields(s)


@given(entitlements, logs, st.integers(0, 5000), st.integers(1, 3000), minutes)
def test_law_a_stop_resume_pause_never_makes_a_target_earlier(
    entitlement_id: str, log: Log, start: int, length: int, now: int
) -> None:
    # Explicit stops do not nest, so the log under test has none of its own.
    log = [(k, m) for k, m in log if EVENT_TYPES[k] not in ("stop", "resume")]
    plain = evaluate(make_case(entitlement_id, log), at_minute(now))
    stop, resume = EVENT_TYPES.index("stop"), EVENT_TYPES.index("resume")
    paused = evaluate(
        make_case(entitlement_id, [*log, (stop, start), (resume, start + length)]), at_minute(now)
    )
    assert len(plain) == len(paused)
    for x, y in zip(plain, paused):
        assert (x.milestone, x.instance) == (y.milestone, y.instance)
        if x.target_at is not None and y.target_at is not None:
            assert y.target_at >= x.target_at, (x.milestone, x.instance)


@given(entitlements, logs, st.randoms(use_true_random=False), minutes)
def test_law_shuffling_the_log_keeping_same_time_order_changes_nothing(
    entitlement_id: str, log: Log, rng: random.Random, now: int
) -> None:
    ordered = make_case(entitlement_id, log)
    events = ordered["events"]
    # A random permutation, then each timestamp's events put back in their original order
    # into the slots that timestamp occupies.
    shuffled = events[:]
    rng.shuffle(shuffled)
    by_time: dict[datetime, list[dict[str, Any]]] = {}
    for e in events:
        by_time.setdefault(e["at"], []).append(e)
    shuffled = [by_time[e["at"]].pop(0) for e in shuffled]
    other = {**ordered, "events": shuffled}
    assert evaluate(other, at_minute(now)) == evaluate(ordered, at_minute(now))


@given(entitlements, logs, minutes)
def test_law_duplicated_events_are_harmless(entitlement_id: str, log: Log, now: int) -> None:
    once = make_case(entitlement_id, log)
    twice = make_case(entitlement_id, log + log)
    assert evaluate(twice, at_minute(now)) == evaluate(once, at_minute(now))


@given(entitlements, logs, minutes)
def test_law_events_after_now_are_ignored(entitlement_id: str, log: Log, now: int) -> None:
    past = [(k, m) for k, m in log if m <= now]
    assert evaluate(make_case(entitlement_id, log), at_minute(now)) == evaluate(
        make_case(entitlement_id, past), at_minute(now)
    )


@given(
    entitlements,
    logs,
    minutes,
    st.sampled_from([UTC, NY, ZoneInfo("Asia/Kolkata"), timezone(timedelta(hours=5, minutes=45))]),
)
def test_law_the_zone_an_instant_is_written_in_changes_nothing(
    entitlement_id: str, log: Log, now: int, zone: Any
) -> None:
    case = make_case(entitlement_id, log)
    written = {
        **case,
        "created_at": case["created_at"].astimezone(zone),
        "events": [{**e, "at": e["at"].astimezone(zone).isoformat()} for e in case["events"]],
    }
    assert evaluate(written, at_minute(now).astimezone(zone)) == evaluate(case, at_minute(now))


# --- JSON Schema -------------------------------------------------------------------------------


def read_document(path: Path) -> Any:
    """A document as its author wrote it, with dates as the strings the core reads them as
    (YAML 1.2 and the core read ``2026-01-01`` as text; PyYAML reads it as a date)."""

    def plain(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    text = path.read_text()
    if path.suffix == ".json":
        return json.loads(text)
    if path.suffix == ".toml":
        import tomllib

        return plain(tomllib.loads(text))
    return plain(yaml.safe_load(text))


def example_documents() -> list[Path]:
    """Every rules document under ``examples/`` (files whose top level holds only
    ``calendars``, ``processes``, ``entitlements`` and ``monitor``)."""
    found = []
    for path in sorted(EXAMPLES.rglob("*")):
        if path.suffix not in (".json", ".yaml", ".yml", ".toml") or "node_modules" in path.parts:
            continue
        document = read_document(path)
        keys = {"calendars", "processes", "entitlements", "monitor"}
        if isinstance(document, dict) and document and set(document) <= keys:
            found.append(path)
    return found


def schema() -> dict[str, Any]:
    generated = Ruleset.schema()
    if SCHEMA_PATH.exists():
        # The shipped file is the generated schema, byte for byte in meaning.
        assert json.loads(SCHEMA_PATH.read_text()) == generated
    return generated


def validator() -> jsonschema.Draft202012Validator:
    s = schema()
    jsonschema.Draft202012Validator.check_schema(s)
    return jsonschema.Draft202012Validator(s)


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    s = schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["title"] == "Entitlement rules document"
    jsonschema.Draft202012Validator.check_schema(s)


def test_every_example_document_passes_the_schema() -> None:
    paths = example_documents()
    assert RULES_PATH in paths
    v = validator()
    for path in paths:
        errors = [
            f"{list(e.absolute_path)}: {e.message}" for e in v.iter_errors(read_document(path))
        ]
        assert errors == [], path
        Ruleset.load(path)  # and the core agrees
    # The canonical form that `to_dict()` writes passes too.
    assert [e.message for e in v.iter_errors(RULES.to_dict())] == []


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        ("/colour", "red"),
        ("/processes/0/milestones/0/colour", "red"),
        ("/entitlements/0/colour", "red"),
        ("/processes/0/milestones/0/target", 8),
        ("/processes/0/milestones/0/target", "8 hours"),
        ("/processes/0/milestones/2/target/values/Sev1", 8),
        ("/processes/0/milestones/2/target/values/Sev1", True),
        ("/entitlements/0/cases_per_entitlement", "fifty"),
        ("/processes/0/milestones/0/target", "4H"),
        ("/processes/0/milestones/0/target", "1h 30m"),
        (
            "/processes/0/milestones/0/triggers",
            [{"at": "50%", "level": "warning", "actions": None}],
        ),
        ("/processes/0/version", "2"),
        ("/processes/0/version", 0),
        ("/calendars/follow", {"always_open": False}),
        ("/processes/0/description", "Gold"),
        ("/entitlements/0/account", ["A-1"]),
        ("/calendars/ny/hours/monday", ["09:00-17:00"]),
    ],
)
def test_a_bad_document_fails_the_schema_and_the_core(pointer: str, value: Any) -> None:
    document = base_document()
    assert list(validator().iter_errors(document)) == []
    put(document, pointer, value)
    assert list(validator().iter_errors(document)) != []
    with pytest.raises(ConfigError):
        Ruleset.from_dict(document)


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        ("/processes/0/milestones/0/target", "PT4H"),
        ("/processes/0/milestones/0/target", "1h30m"),
        ("/processes/0/milestones/0/target", "1.5h"),
        ("/processes/0/milestones/0/target", "P1D"),
        ("/processes/0/milestones/0/target", {"by": "priority", "values": {}, "default": "1h"}),
        ("/processes/0/milestones/0/triggers", [{"at": "12.5%", "level": "info"}]),
        ("/processes/0/milestones/0/triggers", [{"at": "-PT5M", "level": "critical"}]),
        ("/processes/0/milestones/0/when", {"field": "tier", "op": "exists"}),
        ("/processes/0/milestones/0/when", {"all": []}),
        ("/processes/0/milestones/0/pause_statuses", ["Pending Regulator"]),
        ("/processes/0/default", True),
        ("/entitlements/0/quotas", [{"period": "month", "max_cases": 3, "name": "monthly"}]),
        ("/calendars/ny/hours/tue", ["00:00-00:00"]),
        ("/calendars/ny/holidays", [{"date": "2026-12-24", "hours": ["12:00-24:00"]}]),
        ("/calendars/ny/holidays", [{"yearly": {"month": 12, "day": 25}, "observed": "none"}]),
        ("/calendars/follow", {"union": ["ny", {"always_open": True}]}),
        ("/calendars/ny/hours/tue", ["09:00:00-17:00:00"]),
        ("/calendars/ny/hours/tue", ["09:00 - 17:00"]),
        ("/processes/0/milestones/0/triggers", [{"at": "50 %", "level": "warning"}]),
        (
            "/calendars/dated",
            {"time_zone": "UTC", "overrides": [{"date": "2026-11-20", "hours": ["09:00-10:00"]}]},
        ),
    ],
)
def test_what_the_core_accepts_passes_the_schema(pointer: str, value: Any) -> None:
    document = base_document()
    put(document, pointer, value)
    Ruleset.from_dict(document)
    assert [e.message for e in validator().iter_errors(document)] == []


# --- Threads ---------------------------------------------------------------------------------


def test_one_ruleset_evaluated_from_eight_threads_matches_a_sequential_run() -> None:
    sample = json.loads((EXAMPLES / "data" / "cases.json").read_text())
    cases: list[Case] = sample["cases"]
    instants = [z(sample["now"]) - timedelta(hours=7 * k) for k in range(12)]
    work = [(case, now) for case in cases for now in instants]

    def run(item: tuple[Case, datetime]) -> CaseEvaluation:
        return RULES.evaluate_case(*item)

    sequential = [run(item) for item in work]
    usage = RULES.entitlement_usage("acme-gold", cases, sample["now"])
    barrier = threading.Barrier(8)

    def worker(offset: int) -> tuple[list[CaseEvaluation], EntitlementUsage]:
        barrier.wait()  # start together, so that the threads really overlap
        rotated = work[offset:] + work[:offset]
        results = [run(item) for item in rotated]
        back = results[len(work) - offset :] + results[: len(work) - offset]
        return back, RULES.entitlement_usage("acme-gold", cases, sample["now"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(worker, [k * len(work) // 8 for k in range(8)]))
    for results, usage_again in outcomes:
        assert results == sequential
        assert usage_again == usage


def test_a_business_day_target_resolves_at_the_start_and_round_trips() -> None:
    # The example of entitlement-core/tests/business_days.rs: 5bd from Monday 13:00 New York
    # skips Thanksgiving and is due the next Tuesday at 13:00, 40 hours of business time.
    document: dict[str, Any] = {
        "calendars": {
            "ny": {
                "time_zone": "America/New_York",
                "hours": {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
                "holidays": [{"name": "Thanksgiving", "date": "2026-11-26"}],
            }
        },
        "processes": [
            {
                "id": "standard",
                "calendar": "ny",
                "milestones": [
                    {
                        "name": "Resolution",
                        "kind": "resolution",
                        "target": {"by": "severity", "values": {"Sev1": "8h", "Sev3": "5bd"}},
                    }
                ],
            }
        ],
    }
    rules = Ruleset.from_dict(document)
    case: Case = {
        "id": "C-1",
        "process": "standard",
        "created_at": "2026-11-23T18:00:00Z",
        "fields": {"severity": "Sev3"},
    }
    status = rules.evaluate(case, "2026-11-24T14:00:00Z")[0]
    assert status.target == timedelta(hours=40)
    assert status.target_at == datetime(2026, 12, 1, 18, tzinfo=timezone.utc)
    assert rules.to_dict()["processes"][0]["milestones"][0]["target"]["values"]["Sev3"] == "5bd"
    jsonschema.validate(rules.to_dict(), json.loads(SCHEMA_PATH.read_text()))
    bad = copy.deepcopy(document)
    bad["processes"][0]["milestones"][0]["triggers"] = [{"at": "-1bd", "level": "warning"}]
    with pytest.raises(ConfigError) as e:
        Ruleset.from_dict(bad)
    assert e.value.code == "invalid_value"
    assert e.value.path == ["processes", 0, "milestones", 0, "triggers", 0, "at"]
