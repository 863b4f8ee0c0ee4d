"""``milestone_completed`` events: a met and a late completion with the milestone's
``on_complete`` actions, the window's bounds, reopened and recurring instances, no suppression,
exactly once across consecutive windows (the scenarios of entitlement-core/tests/completed.rs)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entitlement import EntitlementError, MonitorReport, Ruleset

UTC = timezone.utc
T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


ACTIONS = {
    "resolve_page": {"label": "Resolve the page"},
    "log_reply": {"label": "Log the reply"},
    "thank_customer": {"label": "Thank the customer"},
}


def rules(monitor: dict[str, Any] | None = None) -> Ruleset:
    return Ruleset.from_dict(
        {
            "processes": [
                {
                    "id": "p",
                    "pause_statuses": ["Waiting"],
                    "milestones": [
                        {
                            "name": "First Response",
                            "kind": "first_response",
                            "target": "1h",
                            "triggers": [{"at": "50%", "level": "warning"}],
                            "on_complete": ["resolve_page"],
                        },
                        {
                            "name": "Next Response",
                            "kind": "next_response",
                            "recurrence": "independent",
                            "target": "40m",
                            "on_complete": ["resolve_page", "log_reply"],
                        },
                        {
                            "name": "Resolution",
                            "kind": "resolution",
                            "target": "4h",
                            "on_complete": ["thank_customer"],
                        },
                        {
                            "name": "Diagnosis",
                            "kind": "custom",
                            "starts_on": ["created"],
                            "completes_on": ["diagnosed"],
                            "target": "2h",
                        },
                    ],
                }
            ],
            "entitlements": [{"id": "e", "process": "p", "account": {"id": "A-1", "name": "Acme"}}],
            # The actions named on completion are catalogued (else a load error).
            "monitor": {"actions": ACTIONS, **(monitor or {})},
        }
    )


RULES = rules()


def case(events: list[tuple[int, str]], case_id: str = "C-1") -> dict[str, Any]:
    """A case created at T0 with events ``(minutes after T0, type)``."""
    return {
        "id": case_id,
        "entitlement": "e",
        "created_at": T0,
        "events": [{"at": T0 + timedelta(minutes=m), "type": t} for m, t in events],
    }


def completions(report: MonitorReport) -> list[tuple[str, str | None, datetime]]:
    return sorted((e.key, e.point, e.at) for e in report.events if e.kind == "milestone_completed")


def test_a_met_and_a_late_completion_carry_the_on_complete_actions() -> None:
    report = RULES.monitor([case([(40, "agent_reply"), (300, "solved")])], T0 + timedelta(hours=6))
    done = [e for e in report.events if e.kind == "milestone_completed"]
    assert [(e.key, e.point, e.actions) for e in done] == [
        ("C-1/First Response/1/completed", "met", ["resolve_page"]),
        ("C-1/Resolution/1/completed", "late", ["thank_customer"]),
    ]
    first = done[0]
    assert first.at == T0 + timedelta(minutes=40)
    assert first.level == "info"
    assert not first.suppressed
    assert first.status is not None
    assert first.status.state == "completed"
    alerts = {a.key: a for a in report.alerts}
    met = alerts["C-1/First Response/1/completed"]
    assert met.kind == "milestone_completed"
    assert "was met" in met.title
    assert "20m before its deadline" in met.summary
    assert met.actions == ["resolve_page"]
    assert met.business_left is None
    assert met.wall_left is None
    late = alerts["C-1/Resolution/1/completed"]
    assert "completed late" in late.title
    assert "1h after its deadline" in late.summary
    assert "completed late" in late.slack_blocks()["text"]


def test_a_completion_without_actions_is_an_event_but_no_alert() -> None:
    report = RULES.monitor([case([(30, "diagnosed")])], T0 + timedelta(minutes=45))
    assert ("C-1/Diagnosis/1/completed", "met", T0 + timedelta(minutes=30)) in completions(report)
    assert all(a.key != "C-1/Diagnosis/1/completed" for a in report.alerts)


@pytest.mark.parametrize(
    ("since", "now", "reported"),
    [
        (39, 40, True),  # the completion at `now`: in
        (40, 50, False),  # at `since`: the previous window had it
        (0, 39, False),  # before it happened
    ],
)
def test_the_window_holds_a_completion_at_now_but_not_at_since(
    since: int, now: int, reported: bool
) -> None:
    report = RULES.monitor(
        [case([(40, "agent_reply")])],
        T0 + timedelta(minutes=now),
        since=T0 + timedelta(minutes=since),
    )
    keys = [k for k, _, _ in completions(report)]
    assert ("C-1/First Response/1/completed" in keys) is reported


def test_reopened_and_recurring_instances_complete_once_each() -> None:
    events = [
        (5, "agent_reply"),
        (60, "customer_reply"),
        (60, "solved"),
        (70, "agent_reply"),
        (120, "reopened"),
        (120, "customer_reply"),
        (210, "agent_reply"),
        (450, "closed"),
    ]
    report = RULES.monitor([case(events)], T0 + timedelta(hours=8))
    got = [(k, p) for k, p, _ in completions(report)]
    assert got == [
        ("C-1/Diagnosis/1/completed", "late"),  # closing completes it, after its 2h
        ("C-1/First Response/1/completed", "met"),
        ("C-1/Next Response/1/completed", "met"),
        ("C-1/Next Response/2/completed", "late"),
        ("C-1/Resolution/1/completed", "met"),
        ("C-1/Resolution/2/completed", "late"),
    ]


def test_no_suppression_rule_holds_a_completion_back() -> None:
    strict = rules(
        {
            "suppress": {
                "min_level": "critical",
                "while_paused": True,
                "agent_activity": "30m",
                "activity_events": ["agent_reply"],
            }
        }
    )
    events = [(20, "status"), (30, "agent_reply"), (35, "solved")]
    c = case([])
    c["events"] = [
        {"at": T0 + timedelta(minutes=m), "type": t, **({"to": "Waiting"} if t == "status" else {})}
        for m, t in events
    ]
    report = strict.monitor([c], T0 + timedelta(hours=1))
    done = [e for e in report.events if e.kind == "milestone_completed"]
    assert len(done) == 2
    assert all(not e.suppressed and e.suppressed_by is None for e in done)
    assert sum(a.kind == "milestone_completed" for a in report.alerts) == 2


def test_on_complete_must_be_a_list() -> None:
    with pytest.raises(EntitlementError) as err:
        Ruleset.from_dict(
            {
                "processes": [
                    {
                        "id": "p",
                        "milestones": [
                            {
                                "name": "FR",
                                "kind": "first_response",
                                "target": "1h",
                                "on_complete": "resolve_page",
                            }
                        ],
                    }
                ]
            }
        )
    assert err.value.code == "invalid_type"
    assert "on_complete" in str(err.value)


TYPES = ["agent_reply", "customer_reply", "solved", "reopened", "diagnosed", "closed"]


@given(
    logs=st.lists(
        st.lists(st.tuples(st.integers(0, 899), st.sampled_from(TYPES)), max_size=10),
        min_size=1,
        max_size=3,
    ),
    cuts=st.lists(st.integers(1, 999), max_size=5),
)
def test_each_completion_is_reported_once_across_windows(
    logs: list[list[tuple[int, str]]], cuts: list[int]
) -> None:
    cases = [case(sorted(log), f"K-{i}") for i, log in enumerate(logs)]
    end = T0 + timedelta(minutes=1000)
    seen: list[tuple[str, str | None, datetime]] = []
    since = T0
    for b in [*sorted(set(cuts)), 1000]:
        now = T0 + timedelta(minutes=b)
        part = completions(RULES.monitor(cases, now, since=since))
        assert all(since < t <= now for _, _, t in part)
        seen += part
        since = now
    assert len({k for k, _, _ in seen}) == len(seen)
    assert sorted(seen) == completions(RULES.monitor(cases, end, since=T0))
