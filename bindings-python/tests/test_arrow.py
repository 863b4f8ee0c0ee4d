"""The Arrow-batch entry point (``Ruleset.evaluate_arrow`` / ``monitor_arrow`` and
``entitlement.arrow``): the same statuses and milestone events as the dict calls, every case
layout of ``docs/arrow.md``, typed errors naming the case, and a Dask job on a local cluster of
worker processes whose results equal the single-process run."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

import entitlement
import entitlement.arrow as ea
from entitlement import Ruleset

REPO = Path(__file__).resolve().parents[2]
SAMPLE = json.loads((REPO / "examples" / "data" / "cases.json").read_text())
RULES = Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
NOW = datetime.fromisoformat(SAMPLE["now"].replace("Z", "+00:00"))
SINCE = NOW - timedelta(days=2)
CASES: list[dict[str, Any]] = SAMPLE["cases"]


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def row(case: dict[str, Any]) -> dict[str, Any]:
    """A case dict in the recommended Arrow layout: fields as JSON, instants as datetimes."""
    return {
        "id": case["id"],
        "entitlement": case.get("entitlement"),
        "created_at": instant(case["created_at"]),
        "fields": json.dumps(case.get("fields", {})),
        "events": [{**e, "at": instant(e["at"])} for e in case.get("events", [])],
    }


def batch_of(cases: list[dict[str, Any]]) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist([row(c) for c in cases], schema=ea.case_schema())


def expected_statuses(cases: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    out = []
    for case in cases:
        for s in RULES.evaluate(case, NOW):
            out.append((s.case_id, s.milestone, s.instance, s.state, s.target_at, s.elapsed))
    return out


def statuses_of(table: pa.Table | pa.RecordBatch) -> list[tuple[Any, ...]]:
    rows = table.to_pylist()
    return [
        (r["case_id"], r["milestone"], r["instance"], r["state"], r["target_at"], r["elapsed"])
        for r in rows
    ]


def test_evaluate_arrow_gives_the_statuses_of_evaluate() -> None:
    result = RULES.evaluate_arrow(batch_of(CASES), NOW)
    assert isinstance(result, pa.RecordBatch)
    assert result.schema == ea.status_schema()
    assert result.num_rows > len(CASES)
    assert statuses_of(result) == expected_statuses(CASES)
    # Every column, for one status, against the object's own dict.
    first = RULES.evaluate(CASES[0], NOW)[0].to_dict()
    got = result.slice(0, 1).to_pylist()[0]
    for name in (
        "target_at",
        "completed_at",
        "remaining",
        "consumed",
        "crossed",
        "next_trigger_at",
    ):
        assert got[name] == first[name], name


def test_monitor_arrow_gives_the_milestone_events_of_monitor() -> None:
    result = RULES.monitor_arrow(batch_of(CASES), NOW, SINCE)
    assert result.schema == ea.event_schema()
    report = RULES.monitor(CASES, NOW, since=SINCE)
    expected = [
        (e.key, e.kind, e.level, e.at, e.suppressed)
        for e in report.events
        if e.kind in ("trigger", "breach", "milestone_completed")
    ]
    assert expected, "the sample window has milestone events"
    got = [(r["key"], r["kind"], r["level"], r["at"], r["suppressed"]) for r in result.to_pylist()]
    assert got == expected


def test_other_case_layouts_read_the_same() -> None:
    # The struct layout below has no `field`/`from` event columns: take cases without them.
    cases = [c for c in CASES if all(e["type"] != "field" for e in c["events"])][:40]
    expected = statuses_of(RULES.evaluate_arrow(batch_of(cases), NOW))
    rows = [row(c) for c in cases]
    # fields as a struct, instants in nanoseconds in another zone, large strings.
    ns = pa.timestamp("ns", tz="America/New_York")
    severity = pa.struct([("severity", pa.string()), ("status", pa.string())])
    event = pa.struct([("at", ns), ("type", pa.large_string()), ("to", pa.string())])
    alternative = pa.schema(
        [
            ("id", pa.large_string()),
            ("entitlement", pa.string()),
            ("created_at", ns),
            ("fields", severity),
            ("events", pa.large_list(event)),
        ]
    )
    for r, c in zip(rows, cases):
        r["fields"] = c.get("fields", {})
        r["events"] = [
            {k: v for k, v in e.items() if k in ("at", "type", "to")} for e in r["events"]
        ]
    other = pa.RecordBatch.from_pylist(rows, schema=alternative)
    assert statuses_of(RULES.evaluate_arrow(other, NOW)) == expected
    # fields as a map column.
    as_map = pa.schema([*list(alternative)[:3], ("fields", pa.map_(pa.string(), pa.string()))])
    mapped = pa.RecordBatch.from_pylist(
        [
            {
                **{k: r[k] for k in ("id", "entitlement", "created_at")},
                "fields": list(r["fields"].items()),
            }
            for r in rows
        ],
        schema=as_map,
    )
    assert [s[:2] for s in statuses_of(RULES.evaluate_arrow(mapped, NOW))] == [
        s[:2] for s in expected_statuses([{**c, "events": []} for c in cases])
    ]


def test_bad_batches_are_typed_errors_that_name_the_column_or_case() -> None:
    good = batch_of(CASES[:3])
    with pytest.raises(entitlement.InputError, match="created_at") as info:
        RULES.evaluate_arrow(good.drop_columns(["created_at"]), NOW)
    assert info.value.code == "missing_key"
    naive = good.set_column(2, "created_at", good.column("created_at").cast(pa.timestamp("us")))
    with pytest.raises(entitlement.InputError) as info:
        RULES.evaluate_arrow(naive, NOW)
    assert info.value.code == "naive_datetime"
    extra = good.append_column("owner", pa.array(["a", "b", "c"]))
    with pytest.raises(entitlement.InputError, match="owner") as unknown:
        RULES.evaluate_arrow(extra, NOW)
    assert unknown.value.code == "unknown_key"
    rows = [row(c) for c in CASES[:3]]
    rows[1]["events"] = [{"at": rows[1]["created_at"] - timedelta(hours=1), "type": "agent_reply"}]
    with pytest.raises(entitlement.InputError, match=rf'case "{rows[1]["id"]}": events\[0\]\.at'):
        RULES.evaluate_arrow(
            pa.RecordBatch.from_pylist(rows, schema=ea.case_schema()), NOW, on_error="raise"
        )
    # By default the bad row is left out, its error entry in the schema metadata.
    statuses = RULES.evaluate_arrow(pa.RecordBatch.from_pylist(rows, schema=ea.case_schema()), NOW)
    [left_out] = json.loads(statuses.schema.metadata[b"entitlement.errors"])
    assert (left_out["index"], left_out["path"]) == (1, "cases[1].events[0].at")
    rows[1]["events"] = []
    rows[1]["fields"] = "{not json"
    with pytest.raises(entitlement.InputError, match="fields"):
        RULES.evaluate_arrow(
            pa.RecordBatch.from_pylist(rows, schema=ea.case_schema()), NOW, on_error="raise"
        )
    with pytest.raises(entitlement.InputError, match="RecordBatch"):
        RULES.evaluate_arrow(pa.Table.from_batches([good]), NOW)


def test_record_batches_reads_tables_and_frames() -> None:
    table = pa.Table.from_batches([batch_of(CASES[:10]), batch_of(CASES[10:20])])
    assert [b.num_rows for b in ea.record_batches(table)] == [10, 10]
    frame = table.to_pandas()
    statuses = ea.frame_statuses(frame, RULES, NOW)
    assert isinstance(statuses, pd.DataFrame)
    assert list(statuses.columns) == ea.status_schema().names
    assert len(statuses) == len(expected_statuses(CASES[:20]))


def test_dask_on_a_local_cluster_equals_the_single_process_run() -> None:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    # Arrow-backed columns: Dask keeps them as they are (a plain object column of event lists
    # would be turned into strings by Dask's `dataframe.convert-string`).
    frame = pa.Table.from_batches([batch_of(CASES)]).to_pandas(types_mapper=pd.ArrowDtype)
    single_statuses = ea.frame_statuses(frame, RULES, NOW)
    single_events = ea.frame_events(frame, RULES, NOW, SINCE)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        cases = dd.from_pandas(frame, npartitions=4)
        statuses = cases.map_partitions(
            ea.frame_statuses, RULES, NOW, meta=ea.status_meta()
        ).compute()
        events = cases.map_partitions(
            ea.frame_events, RULES, NOW, SINCE, meta=ea.event_meta()
        ).compute()
    pd.testing.assert_frame_equal(statuses.reset_index(drop=True), single_statuses)
    by_key = events.sort_values(["at", "key"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(by_key, single_events)
    assert len(single_events) > 0
