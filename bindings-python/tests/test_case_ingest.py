"""Cases read straight into the core (the core's ``host::case`` reader for dicts, the direct
column read for Arrow rows): a case given as a dict with datetimes, as the dict its JSON text
parses to, and as an Arrow row gives the same evaluation, and errors stay the ones they were."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import entitlement
import entitlement.arrow as ea
from entitlement import Ruleset

REPO = Path(__file__).resolve().parents[2]
RULES = Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
NOW = datetime(2026, 11, 25, 20, 30, tzinfo=timezone.utc)
BASE = datetime(2026, 11, 16, 9, tzinfo=timezone.utc)
NEW_YORK = ZoneInfo("America/New_York")

EVENTS = st.one_of(
    st.sampled_from(
        [
            {"type": "agent_reply"},
            {"type": "customer_reply"},
            {"type": "status", "to": "Waiting on Customer"},
            {"type": "status", "to": "Open", "from": "Waiting on Customer"},
            {"type": "solved"},
            {"type": "closed"},
            {"type": "reopened"},
            {"type": "diagnosed"},
            {"type": "agent_reply", "id": "m-1"},
        ]
    ),
    st.sampled_from(["Sev1", "Sev2", "Sev3"]).map(
        lambda s: {"type": "field", "field": "severity", "to": s}
    ),
)


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    """A case with datetimes (in UTC or in New York), in the document shape."""
    created = BASE + timedelta(minutes=draw(st.integers(0, 9 * 24 * 60)))
    events = []
    for offset, event in draw(st.lists(st.tuples(st.integers(0, 3 * 24 * 60), EVENTS), max_size=6)):
        at = created + timedelta(minutes=offset)
        if draw(st.booleans()):
            at = at.astimezone(NEW_YORK)
        events.append({"at": at, **event})
    case: dict[str, Any] = {
        "id": draw(st.sampled_from(["C-1", "C-2"])),
        "entitlement": "acme-gold",
        "created_at": created,
        "fields": {"severity": draw(st.sampled_from(["Sev1", "Sev2", "Sev3"]))},
        "events": events,
    }
    if draw(st.booleans()):
        case["fields"]["priority"] = draw(st.one_of(st.none(), st.integers(1, 4), st.booleans()))
    return case


def as_text(case: dict[str, Any]) -> dict[str, Any]:
    """The case as its JSON text reads back: instants as RFC 3339 strings."""

    def default(value: object) -> str:
        assert isinstance(value, datetime)
        return value.isoformat()

    parsed: dict[str, Any] = json.loads(json.dumps(case, default=default))
    return parsed


def as_row(case: dict[str, Any]) -> pa.RecordBatch:
    row = {
        "id": case["id"],
        "entitlement": case["entitlement"],
        "created_at": case["created_at"],
        "fields": json.dumps(case["fields"]),
        "events": [{**e, "at": e["at"].astimezone(timezone.utc)} for e in case["events"]],
    }
    return pa.RecordBatch.from_pylist([row], schema=ea.case_schema())


def statuses(case: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(s.to_dict()) for s in RULES.evaluate(case, NOW)]


@settings(max_examples=150, deadline=None)
@given(cases())
def test_a_dict_its_json_text_and_an_arrow_row_evaluate_alike(case: dict[str, Any]) -> None:
    direct = statuses(case)
    assert direct == statuses(as_text(case))
    table = RULES.evaluate_arrow(as_row(case), NOW, on_error="raise").to_pylist()
    assert [(r["milestone"], r["state"], r["target_at"]) for r in table] == [
        (s["milestone"], s["state"], s["target_at"]) for s in direct
    ]
    # The batch calls read the same case the same way.
    [entry] = RULES.evaluate_many([case], NOW)
    assert not isinstance(entry, entitlement.CaseError)
    assert [dict(s.to_dict()) for s in entry] == direct


@settings(max_examples=100, deadline=None)
@given(cases(), st.sampled_from(["id", "created_at", "type", "to", "at", "extra", "nan"]))
def test_a_broken_dict_and_its_json_text_raise_the_same_error(
    case: dict[str, Any], breakage: str
) -> None:
    case["events"].append({"at": case["created_at"], "type": "status", "to": "Open"})
    if breakage in ("id", "created_at"):
        del case[breakage]
    elif breakage == "extra":
        case["owner"] = "ann"
    elif breakage == "nan":
        case["fields"]["score"] = float("nan")
    else:
        del case["events"][-1][breakage]
    errors = []
    for given_case in (case, as_text(case)):
        with pytest.raises(entitlement.InputError) as info:
            RULES.evaluate(given_case, NOW)
        errors.append((info.value.code, info.value.path, str(info.value)))
    if breakage != "nan":  # json.dumps writes NaN, which json.loads reads back as a float
        assert errors[0] == errors[1]
    assert errors[0][0] in ("missing_key", "unknown_key", "invalid_value")


def test_within_a_chunk_a_value_that_cannot_be_converted_raises_first() -> None:
    # As when the chunk was converted whole before the core validated it: the naive datetime
    # of the second case wins over the first case's missing id.
    good: dict[str, Any] = {
        "id": "C-1",
        "entitlement": "acme-gold",
        "created_at": NOW - timedelta(hours=1),
    }
    no_id: dict[str, Any] = {k: v for k, v in good.items() if k != "id"}
    naive: dict[str, Any] = {**good, "id": "C-2", "created_at": datetime(2026, 11, 25, 10)}
    with pytest.raises(entitlement.InputError) as info:
        RULES.monitor([no_id, naive], NOW, on_error="raise")
    assert info.value.code == "naive_datetime"
    assert str(info.value).startswith('case "C-2": created_at:'), str(info.value)
    report = RULES.monitor([good, no_id, naive], NOW)
    assert [(e.index, e.code) for e in report.errors] == [
        (1, "missing_key"),
        (2, "naive_datetime"),
    ]
