"""Hostile arguments (docs/errors.md, "Hostile arguments"): every argument the batch calls cannot
read is an ``InputError`` with a code that names the argument (never a plain ``AttributeError``
or ``TypeError`` from inside the binding), and the Arrow entry points honour validity at every
level: a null event, a null row, a null id or a null map key is never read from the values an
Arrow producer left behind it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pytest

import entitlement
import entitlement.arrow as ea
from entitlement import Calendar, Ruleset

REPO = Path(__file__).resolve().parents[2]
RULES = Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
UTC = timezone.utc
NOW = datetime(2026, 11, 25, 20, 30, tzinfo=UTC)
CAL = Calendar.from_dict({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}})
STARTS = [datetime(2026, 11, 16, 9, tzinfo=UTC)] * 2
HOUR = timedelta(hours=1)
CASE: dict[str, Any] = {
    "id": "C-1",
    "entitlement": "acme-gold",
    "created_at": "2026-11-16T15:00:00Z",
    "fields": {"severity": "Sev2"},
}

# --- Batch calls: what cannot be a column is a typed error naming the argument ----------------


class NotArrow:
    """Claims the Arrow PyCapsule interface but returns something else."""

    def __arrow_c_array__(self, requested_schema: object = None) -> object:
        return 5


def unsupported() -> dict[str, object]:
    ts = pa.array(STARTS, type=pa.timestamp("us", tz="UTC"))
    return {
        "a pyarrow Table": pa.table({"starts": ts}),
        "a pyarrow RecordBatch": pa.RecordBatch.from_pydict({"starts": ts}),
        "a pyarrow int64 array": pa.array([1, 2]),
        "a pyarrow ChunkedArray of strings": pa.chunked_array([["a", "b"]]),
        "a 2-D numpy datetime64 array": np.zeros((2, 1), dtype="datetime64[us]"),
        "a numpy int64 array": np.array([1, 2]),
        "a dict": {"a": 1},
        "a string": "2026-11-16T09:00:00Z",
        "an int": 5,
        "None": None,
        "an object": object(),
        "a fake Arrow exporter": NotArrow(),
    }


CALLS: dict[str, tuple[str, Callable[[Any], object]]] = {
    "add_many starts": ("starts", lambda x: CAL.add_many(x, HOUR)),
    "add_many durations": ("durations", lambda x: CAL.add_many(STARTS, x)),
    "elapsed_many starts": ("starts", lambda x: CAL.elapsed_many(x, STARTS)),
    "elapsed_many ends": ("ends", lambda x: CAL.elapsed_many(STARTS, x)),
    # With on_error="collect" (the default) an item that is no case is left out instead.
    "evaluate_many cases": ("cases", lambda x: RULES.evaluate_many(x, NOW, on_error="raise")),
}


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("kind", unsupported())
def test_batch_calls_refuse_what_they_cannot_read_with_a_typed_error(call: str, kind: str) -> None:
    arg, run = CALLS[call]
    value = unsupported()[kind]
    with pytest.raises(entitlement.InputError) as info:
        run(value)
    assert info.value.code in {
        "invalid_type",
        "invalid_value",
        "invalid_instant",
        "invalid_duration",
    }
    # The argument, or for a list of cases the item, as a case without an id is named.
    assert arg in str(info.value) or str(info.value).startswith('case "#0"'), str(info.value)


def test_a_table_names_the_column_to_pass_and_is_not_combined_first() -> None:
    table = pa.table({"starts": pa.array(STARTS, type=pa.timestamp("us", tz="UTC"))})
    with pytest.raises(entitlement.InputError, match=r'table\.column\("starts"\)') as info:
        CAL.add_many(table, HOUR)
    assert info.value.code == "invalid_type"
    # The column itself is read.
    assert len(CAL.add_many(table.column("starts"), HOUR)) == 2


def test_arrow_calls_refuse_a_fake_exporter_with_a_typed_error() -> None:
    with pytest.raises(entitlement.InputError, match="cases") as info:
        RULES.evaluate_arrow(NotArrow(), NOW)  # type: ignore[arg-type]
    assert info.value.code == "invalid_type"


# --- Arrow: validity at every level ---------------------------------------------------------

EVENT = pa.struct([("at", pa.timestamp("us", tz="UTC")), ("type", pa.string())])


def cases_batch(
    events: pa.Array, ids: list[str | None] | None = None, mask: list[bool] | None = None
) -> pa.StructArray:
    """Rows of CASE with these ``events`` lists (one per row), as a struct array (which, unlike a
    RecordBatch, may have null rows: ``mask``)."""
    n = len(events)
    created = pa.array([datetime(2026, 11, 16, 15, tzinfo=UTC)] * n, pa.timestamp("us", tz="UTC"))
    return pa.StructArray.from_arrays(
        [
            pa.array(ids if ids is not None else [f"C-{i}" for i in range(n)], pa.string()),
            pa.array([CASE["entitlement"]] * n, pa.string()),
            created,
            pa.array([json.dumps(CASE["fields"])] * n, pa.string()),
            events,
        ],
        names=["id", "entitlement", "created_at", "fields", "events"],
        mask=pa.array(mask) if mask is not None else None,
    )


def events_with_hidden_reply(null_event: bool) -> pa.Array:
    """One row whose events are [customer_reply, X]: X is an agent_reply that completes the first
    response, hidden behind a null struct element when ``null_event``."""
    at = pa.array(
        [datetime(2026, 11, 16, 15, 5, tzinfo=UTC), datetime(2026, 11, 16, 15, 10, tzinfo=UTC)],
        pa.timestamp("us", tz="UTC"),
    )
    kinds = pa.array(["customer_reply", "agent_reply"])
    items = pa.StructArray.from_arrays(
        [at, kinds], fields=list(EVENT), mask=pa.array([False, null_event])
    )
    return pa.ListArray.from_arrays(pa.array([0, 2], pa.int32()), items)


def test_a_null_event_is_refused_naming_the_case_and_index_not_read_from_hidden_values() -> None:
    batch = cases_batch(events_with_hidden_reply(null_event=True))
    calls: list[Callable[[], object]] = [
        lambda: RULES.evaluate_arrow(batch, NOW, on_error="raise"),
        lambda: RULES.monitor_arrow(batch, NOW, NOW - timedelta(days=30), on_error="raise"),
    ]
    for call in calls:
        with pytest.raises(entitlement.InputError, match=r'case "C-0": events\[1\]') as info:
            call()
        assert info.value.code == "invalid_type"
    # A dict case with None among its events gives the same code.
    with pytest.raises(entitlement.InputError) as same:
        RULES.evaluate(
            {**CASE, "events": [{"at": "2026-11-16T15:05:00Z", "type": "customer_reply"}, None]},
            NOW,
        )
    assert same.value.code == "invalid_type"
    # Without the mask, the same values are an event that completes the first response.
    visible = RULES.evaluate_arrow(cases_batch(events_with_hidden_reply(null_event=False)), NOW)
    assert "completed" in visible.column("state").to_pylist()


def test_a_null_row_is_refused_naming_it() -> None:
    events = pa.array([[], []], pa.list_(EVENT))
    with pytest.raises(
        entitlement.InputError, match=r'case "#1": \(top level\): .*found null'
    ) as info:
        RULES.evaluate_arrow(cases_batch(events, mask=[False, True]), NOW, on_error="raise")
    assert info.value.code == "invalid_type"
    # By default the null row is left out, named by its place.
    kept = RULES.evaluate_arrow(cases_batch(events, mask=[False, True]), NOW)
    [left_out] = json.loads(kept.schema.metadata[b"entitlement.errors"])
    assert (left_out["index"], left_out["case_id"], left_out["path"]) == (1, None, "cases[1]")


def test_a_null_events_list_is_no_events_as_in_a_dict_case() -> None:
    events = pa.array([None], pa.list_(EVENT))
    got = RULES.evaluate_arrow(cases_batch(events), NOW).to_pylist()
    expected = RULES.evaluate({**CASE, "id": "C-0", "events": None}, NOW)
    assert [(r["milestone"], r["state"]) for r in got] == [(s.milestone, s.state) for s in expected]


def test_a_null_id_is_missing_not_the_empty_id() -> None:
    events = pa.array([[], []], pa.list_(EVENT))
    with pytest.raises(entitlement.InputError, match="id") as info:
        RULES.evaluate_arrow(cases_batch(events, ids=["C-0", None]), NOW, on_error="raise")
    assert info.value.code == "missing_key"


def test_a_null_field_of_an_event_is_absent() -> None:
    at = pa.array([datetime(2026, 11, 16, 15, 5, tzinfo=UTC)], pa.timestamp("us", tz="UTC"))
    items = pa.StructArray.from_arrays([at, pa.array([None], pa.string())], fields=list(EVENT))
    events = pa.ListArray.from_arrays(pa.array([0, 1], pa.int32()), items)
    with pytest.raises(entitlement.InputError, match=r"events\[0\]") as info:
        RULES.evaluate_arrow(cases_batch(events), NOW, on_error="raise")
    assert info.value.code == "missing_key"


def test_the_recommended_layout_still_reads_every_event() -> None:
    rows = [
        {
            "id": "C-9",
            "entitlement": CASE["entitlement"],
            "created_at": datetime(2026, 11, 16, 15, tzinfo=UTC),
            "fields": json.dumps(CASE["fields"]),
            "events": [{"at": datetime(2026, 11, 16, 15, 10, tzinfo=UTC), "type": "agent_reply"}],
        }
    ]
    batch = pa.RecordBatch.from_pylist(rows, schema=ea.case_schema())
    got = RULES.evaluate_arrow(batch, NOW).to_pylist()
    expected = RULES.evaluate(
        {**CASE, "id": "C-9", "events": [{"at": "2026-11-16T15:10:00Z", "type": "agent_reply"}]},
        NOW,
    )
    assert [(r["milestone"], r["state"]) for r in got] == [(s.milestone, s.state) for s in expected]


def test_arrow_data_as_a_list_of_cases_points_to_the_arrow_calls() -> None:
    table = pa.table({"id": ["C-1"]})
    calls: list[Callable[[], object]] = [
        lambda: RULES.evaluate_many(table, NOW),
        lambda: RULES.monitor(table, NOW),
    ]
    for call in calls:
        with pytest.raises(entitlement.InputError, match="evaluate_arrow") as info:
            call()
        assert info.value.code == "invalid_type"


def test_a_str_argument_with_a_lone_surrogate_is_invalid_value_as_in_a_case() -> None:
    with pytest.raises(entitlement.InputError, match=r"entitlement_id: .*lone surrogate") as info:
        RULES.entitlement_usage("acme-gold\ud800", [], NOW)
    assert info.value.code == "invalid_value"
    with pytest.raises(entitlement.InputError, match=r"id: .*lone surrogate") as same:
        RULES.evaluate({**CASE, "id": "C-\ud800"}, NOW)
    assert same.value.code == "invalid_value"
