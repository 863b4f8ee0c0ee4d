"""Bad records: a bad case never stops the others (docs/monitor.md, "Bad records").

One bad case among a thousand good ones in every call over many cases, each kind of bad case,
``on_error="raise"`` as before, the window rule, and the law that collecting errors changes
nothing for the good cases.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import entitlement
from entitlement import CaseError, InputError, MilestoneStatus, Ruleset

NOW = "2026-11-25T12:00:00Z"
RULES = Ruleset.from_dict(
    {
        "processes": [
            {
                "id": "p",
                "milestones": [
                    {
                        "name": "FR",
                        "kind": "first_response",
                        "target": "1h",
                        "triggers": [{"at": "50%", "level": "warning"}],
                    },
                    {"name": "Res", "kind": "resolution", "target": "8h"},
                ],
            }
        ],
        "entitlements": [{"id": "e", "process": "p", "account": {"id": "A", "name": "Acme"}}],
    }
)
BASE = dt.datetime(2026, 11, 25, 9, tzinfo=dt.timezone.utc)


def good(i: int) -> dict[str, Any]:
    created = BASE + dt.timedelta(minutes=i % 120)
    events = []
    if i % 3 == 0:
        events.append({"at": created + dt.timedelta(minutes=20), "type": "agent_reply"})
    return {"id": f"C-{i}", "entitlement": "e", "created_at": created, "events": events}


#: Each kind of bad case: (the case, its code, its path after ``cases[i]``).
def bad(kind: int, i: int) -> tuple[Any, str, str]:
    case_id = f"B-{i}"
    if kind == 0:
        case = {"id": case_id, "entitlement": "new-contract", "created_at": BASE}
        return case, "unknown_entitlement", ".entitlement"
    if kind == 1:
        event = {"at": BASE + dt.timedelta(minutes=10), "type": "escalated_to_mars"}
        case = {"id": case_id, "entitlement": "e", "created_at": BASE, "events": [event]}
        return case, "unknown_event_type", ".events[0].type"
    if kind == 2:
        event = {"at": "25/11/2026 09:10", "type": "agent_reply"}
        case = {"id": case_id, "entitlement": "e", "created_at": BASE, "events": [event]}
        return case, "invalid_instant", ".events[0].at"
    if kind == 3:
        return ["not", "a", "case"], "invalid_type", ""
    naive = {"id": case_id, "entitlement": "e", "created_at": dt.datetime(2026, 11, 25, 9)}
    return naive, "naive_datetime", ".created_at"


KINDS = range(5)


def thousand(kind: int) -> tuple[list[Any], str, str]:
    cases: list[Any] = [good(i) for i in range(1000)]
    case, code, path = bad(kind, 437)
    cases[437] = case
    return cases, code, f"cases[437]{path}"


def without(cases: list[Any], index: int) -> list[Any]:
    return cases[:index] + cases[index + 1 :]


@pytest.mark.parametrize("kind", KINDS)
def test_one_bad_case_among_a_thousand_in_monitor(kind: int) -> None:
    cases, code, path = thousand(kind)
    report = RULES.monitor(cases, NOW)
    assert len(report.cases) == 999
    [error] = report.errors
    assert isinstance(error, CaseError)
    assert (error.index, error.code, error.path) == (437, code, path)
    assert error.case_id == (None if kind == 3 else "B-437")
    assert error.message.startswith('case "B-437"' if kind != 3 else 'case "#437"')
    data = [e for e in report.events if e.kind == "data_error"]
    assert len(data) == 1
    assert data[0].point == code
    assert data[0].level == "warning"
    [alert] = [a for a in report.alerts if a.key == data[0].key]
    assert "could not be checked" in alert.title
    alone = RULES.monitor(without(cases, 437), NOW)
    assert report.cases == alone.cases
    assert [e for e in report.events if e.kind != "data_error"] == alone.events
    assert report.to_dict()["errors"] == [error.to_dict()]
    assert json.loads(report.to_json())["errors"][0]["path"] == path


def test_one_bad_case_among_a_thousand_in_the_other_calls() -> None:
    cases, code, path = thousand(0)
    alone = without(cases, 437)

    entries = RULES.evaluate_many(cases, NOW)
    assert len(entries) == 1000
    error = entries[437]
    assert isinstance(error, CaseError)
    assert (error.code, error.path) == (code, path)
    lists = [e for e in entries if not isinstance(e, CaseError)]
    assert len(lists) == 999
    assert lists == RULES.evaluate_many(alone, NOW)
    assert all(isinstance(s, MilestoneStatus) for one in lists for s in one)

    risks = RULES.breach_risk(cases, NOW)
    errors = [r for r in risks if isinstance(r, CaseError)]
    assert [(e.index, e.code) for e in errors] == [(437, code)]
    assert [r for r in risks if not isinstance(r, CaseError)] == RULES.breach_risk(alone, NOW)

    w = RULES.what_if(RULES, cases, NOW)
    assert [(e["index"], e["code"], e["path"]) for e in w["errors"]] == [(437, code, path)]
    expected = RULES.what_if(RULES, alone, NOW)
    assert (w["rows"], w["changes"]) == (expected["rows"], expected["changes"])
    assert expected["errors"] == []


def arrow_cases(n: int, bad_at: int) -> pa.RecordBatch:
    rows: list[dict[str, Any]] = []
    for i in range(n):
        case = good(i)
        rows.append(
            {
                "id": case["id"],
                "entitlement": "new-contract" if i == bad_at else "e",
                "created_at": case["created_at"],
                "events": case["events"],
            }
        )
    event = pa.struct([("at", pa.timestamp("us", tz="UTC")), ("type", pa.string())])
    schema = pa.schema(
        [
            ("id", pa.string()),
            ("entitlement", pa.string()),
            ("created_at", pa.timestamp("us", tz="UTC")),
            ("events", pa.list_(event)),
        ]
    )
    return pa.RecordBatch.from_pylist(rows, schema=schema)


def test_one_bad_row_among_a_thousand_in_the_arrow_calls() -> None:
    batch = arrow_cases(1000, 437)
    events = RULES.monitor_arrow(batch, NOW)
    kinds = events.column("kind").to_pylist()
    assert kinds.count("data_error") == 1
    [errors] = [json.loads(events.schema.metadata[b"entitlement.errors"])]
    assert [(e["index"], e["code"], e["path"]) for e in errors] == [
        (437, "unknown_entitlement", "cases[437].entitlement")
    ]
    statuses = RULES.evaluate_arrow(batch, NOW)
    assert len(set(statuses.column("case_id").to_pylist())) == 999
    assert json.loads(statuses.schema.metadata[b"entitlement.errors"])[0]["index"] == 437
    # Without a bad row there is no metadata: the layout is the one of earlier versions.
    clean = RULES.evaluate_arrow(arrow_cases(10, -1), NOW)
    assert not clean.schema.metadata
    with pytest.raises(InputError) as raised:
        RULES.monitor_arrow(batch, NOW, on_error="raise")
    assert raised.value.code == "unknown_entitlement"


RAISING_CALLS: list[Any] = [
    lambda cases: RULES.monitor(cases, NOW, on_error="raise"),
    lambda cases: RULES.evaluate_many(cases, NOW, on_error="raise"),
    lambda cases: RULES.breach_risk(cases, NOW, on_error="raise"),
    lambda cases: RULES.what_if(RULES, cases, NOW, on_error="raise"),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("call", RAISING_CALLS)
def test_raise_fails_as_before(kind: int, call: Any) -> None:
    cases, code, _ = thousand(kind)
    with pytest.raises(InputError) as raised:
        call(cases)
    assert raised.value.code == code
    expected = 'case "#437"' if kind == 3 else 'case "B-437"'
    assert str(raised.value).startswith(expected), str(raised.value)


def test_every_copy_of_a_duplicated_id_is_left_out() -> None:
    cases = [good(i) for i in range(10)] + [good(3), good(3)]
    report = RULES.monitor(cases, NOW)
    assert len(report.cases) == 9
    assert [(e.index, e.code, e.path) for e in report.errors] == [
        (3, "duplicate_case", "cases[3].id"),
        (10, "duplicate_case", "cases[10].id"),
        (11, "duplicate_case", "cases[11].id"),
    ]
    assert len([e for e in report.events if e.kind == "data_error"]) == 3
    with pytest.raises(InputError) as raised:
        RULES.evaluate_many(cases, NOW, on_error="raise")
    assert (raised.value.code, raised.value.path) == ("duplicate_case", ["id"])


@pytest.mark.parametrize("since", [NOW, "2026-11-25T12:05:00Z"])
@pytest.mark.parametrize("on_error", ["collect", "raise"])
def test_a_window_that_holds_no_instant_is_refused(since: str, on_error: Any) -> None:
    for call in (RULES.monitor, RULES.monitor_arrow):
        cases: Any = [good(1)] if call == RULES.monitor else arrow_cases(1, -1)
        with pytest.raises(InputError) as raised:
            call(cases, NOW, since, on_error=on_error)
        assert (raised.value.code, raised.value.path) == ("invalid_window", ["since"])
        assert "2026-11-25T12:00:00Z" in str(raised.value)


def test_an_unknown_on_error_names_the_argument() -> None:
    with pytest.raises(InputError) as raised:
        RULES.monitor([good(1)], NOW, on_error="ignore")  # type: ignore[arg-type]
    assert (raised.value.code, raised.value.path) == ("invalid_value", ["on_error"])
    for call in (RULES.evaluate_many, RULES.breach_risk):
        with pytest.raises(InputError) as raised:
            call([good(1)], NOW, on_error="Raise")  # type: ignore[arg-type]
        assert raised.value.code == "invalid_value"


def test_case_error_is_a_result_class() -> None:
    [entry] = RULES.evaluate_many([{"id": 7}], NOW)
    assert isinstance(entry, entitlement.CaseError)
    assert entry.to_dict() == {
        "case_id": "7",
        "index": 0,
        "code": "missing_key",
        "message": entry.message,
        "path": "cases[0]",
    }
    assert "missing_key" in repr(entry)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 4)), min_size=1, max_size=30))
def test_collecting_changes_nothing_for_the_good_cases(plan: list[tuple[bool, int]]) -> None:
    cases: list[Any] = []
    alone: list[Any] = []
    bad_at: list[int] = []
    for i, (is_bad, kind) in enumerate(plan):
        if is_bad:
            cases.append(bad(kind, i)[0])
            bad_at.append(i)
        else:
            cases.append(good(i))
            alone.append(good(i))
    report = RULES.monitor(cases, NOW)
    reference = RULES.monitor(alone, NOW)
    assert report.cases == reference.cases
    assert report.accounts == reference.accounts
    assert [e.index for e in report.errors] == bad_at
    entries = RULES.evaluate_many(cases, NOW)
    assert [i for i, e in enumerate(entries) if isinstance(e, CaseError)] == bad_at
