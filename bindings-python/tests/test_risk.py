"""``Ruleset.breach_risk``: Kaplan-Meier estimates of the risk that open milestones breach,
checked by hand and by laws."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from hypothesis import given
from hypothesis import strategies as st

from entitlement import CaseError, Ruleset

if TYPE_CHECKING:
    from entitlement._entitlement import _BreachRisk

UTC = timezone.utc
START = datetime(2026, 11, 2, 9, tzinfo=UTC)
RULES = Ruleset.from_dict(
    {
        "processes": [
            {
                "id": "p",
                "milestones": [{"name": "Reply", "kind": "first_response", "target": "4h"}],
            }
        ]
    }
)


def breach_risk(cases: list[dict[str, Any]], now: datetime) -> list[_BreachRisk]:
    """The risks of ``breach_risk`` over good cases: no ``CaseError`` follows them."""
    out = RULES.breach_risk(cases, now)
    risks = [r for r in out if not isinstance(r, CaseError)]
    assert len(risks) == len(out)
    return risks


def case(case_id: str, created: datetime, reply_after: timedelta | None) -> dict[str, Any]:
    events = [] if reply_after is None else [{"at": created + reply_after, "type": "agent_reply"}]
    return {"id": case_id, "process": "p", "created_at": created, "events": events}


def test_by_hand() -> None:
    # Replies after 1h, 2h, 3h and 5h; one case open for 2h30 at `now`. Kaplan-Meier: S(1h) =
    # 4/5, S(2h) = 3/5, the open case leaves at 2h30 (censored), S(3h) = 3/10, S(5h) = 0. The
    # open case breaches if still open at 4h: S(4h) / S(2h30) = (3/10) / (3/5) = 1/2.
    cases = [case(c, START, timedelta(hours=h)) for c, h in zip("abcd", (1, 2, 3, 5))]
    now = START + timedelta(hours=6)
    cases.append(case("open", now - timedelta(hours=2, minutes=30), None))
    [risk] = breach_risk(cases, now)
    assert risk["case_id"] == "open"
    assert risk["probability"] == 0.5
    assert (risk["observations"], risk["completions"]) == (5, 4)
    assert risk["elapsed"] == timedelta(hours=2, minutes=30)
    assert risk["target"] == timedelta(hours=4)
    assert risk["state"] == "in_progress"


def test_no_history_and_past_the_target() -> None:
    now = START + timedelta(hours=6)
    only_open = [case("x", now - timedelta(hours=1), None)]
    assert breach_risk(only_open, now)[0]["probability"] is None
    late = [case("y", START, None)]  # open for 6h of a 4h target
    assert breach_risk(late, now)[0] == {
        **breach_risk(late, now)[0],
        "probability": 1.0,
    }
    assert breach_risk(late, now)[0]["state"] == "violated"


@given(
    st.lists(st.integers(min_value=1, max_value=600), min_size=1, max_size=30),
    st.lists(st.integers(min_value=0, max_value=600), min_size=1, max_size=10),
    st.randoms(use_true_random=False),
)
def test_laws(durations: list[int], open_for: list[int], rnd: random.Random) -> None:
    """Probabilities lie in [0, 1]; violated ones are 1; the order of the cases does not matter;
    among open cases, the longer one has run, the higher its risk."""
    now = START + timedelta(days=2)
    cases = [case(f"done-{i}", START, timedelta(minutes=m)) for i, m in enumerate(durations)]
    cases += [case(f"open-{i}", now - timedelta(minutes=m), None) for i, m in enumerate(open_for)]
    risks = breach_risk(cases, now)
    shuffled = cases[:]
    rnd.shuffle(shuffled)
    assert sorted(breach_risk(shuffled, now), key=lambda r: r["case_id"]) == sorted(
        risks, key=lambda r: r["case_id"]
    )
    by_elapsed = sorted(risks, key=lambda r: r["elapsed"])
    for r in risks:
        p = r["probability"]
        if r["state"] == "violated":
            assert p == 1.0
        elif p is not None:
            assert 0.0 <= p <= 1.0
    known = [r["probability"] for r in by_elapsed if r["probability"] is not None]
    assert all(a <= b + 1e-12 for a, b in zip(known, known[1:]))
