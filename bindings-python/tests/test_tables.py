"""One table layout per result: ``MonitorReport.to_arrow`` / ``to_pandas`` and
``Ruleset.evaluate_arrow`` / ``monitor_arrow`` give the same columns, and the sample run's tables
equal ``tests/tables/sample.json``, which the Node suite (``bindings-node/test/tables.test.js``)
checks its Arrow IPC bytes against too.

``UPDATE_TABLES=1 pytest tests/test_tables.py`` rewrites the fixture after a deliberate change
of a layout (then update ``docs/binding-contract.md`` and the CHANGELOG).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
import pytest

import entitlement.arrow as ea
from entitlement import InputError, MonitorReport, Ruleset

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "tables" / "sample.json"
SAMPLE = json.loads((REPO / "examples" / "data" / "cases.json").read_text())
RULES = Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
NOW = datetime.fromisoformat(SAMPLE["now"].replace("Z", "+00:00"))
SINCE = NOW - timedelta(days=2)
TableName = Literal["events", "alerts", "statuses", "accounts", "outcomes", "account_periods"]
TABLES: list[TableName] = [
    "statuses",
    "events",
    "alerts",
    "accounts",
    "outcomes",
    "account_periods",
]
# Rows of each table kept in the fixture (the first ones): enough to cover every kind of cell.
ROWS = 4


@pytest.fixture(scope="module")
def report() -> MonitorReport:
    return RULES.monitor(SAMPLE["cases"], NOW, since=SINCE)


def type_name(t: Any) -> str:
    """A column type as the fixture spells it (pyarrow's names; JSON text as ``json``)."""
    if getattr(t, "extension_name", None) == "arrow.json":
        return "json"
    return str(t)


def cell(column: Any, i: int) -> Any:
    """A cell as plain JSON: instants and durations as integer microseconds, dates as days."""
    t = column.type
    if getattr(t, "extension_name", None) == "arrow.json":
        column = column.storage
    elif pa.types.is_timestamp(t) or pa.types.is_duration(t):
        column = column.cast(pa.int64())
    elif pa.types.is_date32(t):
        column = column.cast(pa.int32())
    value = column[i].as_py()
    return None if isinstance(value, float) and value != value else value


def describe(batch: Any) -> dict[str, Any]:
    return {
        "columns": [[f.name, type_name(f.type), f.nullable] for f in batch.schema],
        "num_rows": batch.num_rows,
        "rows": [
            {f.name: cell(batch.column(k), i) for k, f in enumerate(batch.schema)}
            for i in range(min(ROWS, batch.num_rows))
        ],
    }


def test_the_sample_tables_equal_the_fixture_both_bindings_check(report: MonitorReport) -> None:
    got = {
        "now": SAMPLE["now"],
        "since": SINCE.isoformat().replace("+00:00", "Z"),
        "tables": {t: describe(report.to_arrow(t)) for t in TABLES},
    }
    if os.environ.get("UPDATE_TABLES"):
        FIXTURE.parent.mkdir(exist_ok=True)
        FIXTURE.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n")
    assert got == json.loads(FIXTURE.read_text())
    # Each table of the sample has rows, so the fixture's values are a real check.
    assert all(got["tables"][t]["num_rows"] > 0 for t in TABLES)


@pytest.mark.parametrize("table", TABLES)
def test_to_pandas_is_the_arrow_table(report: MonitorReport, table: TableName) -> None:
    batch = report.to_arrow(table)
    frame = report.to_pandas(table)
    assert list(frame.columns) == batch.schema.names
    assert len(frame) == batch.num_rows > 0
    for k, field in enumerate(batch.schema):
        arrow = batch.column(k).to_pylist()
        cells = frame[field.name].tolist()
        for a, p in zip(arrow, cells):
            if a is None:
                assert p is None or pd.isna(p), (table, field.name, p)
            elif type_name(field.type) == "json":
                # A scalar as itself, a list or a dict as its JSON text.
                value = json.loads(a)
                assert p == (a if isinstance(value, (list, dict)) else value)
            else:
                assert p == a, (table, field.name, p, a)


def test_the_arrow_calls_return_the_report_layouts(report: MonitorReport) -> None:
    cases = pa.RecordBatch.from_pylist(
        [
            {
                "id": c["id"],
                "entitlement": c.get("entitlement"),
                "created_at": datetime.fromisoformat(c["created_at"].replace("Z", "+00:00")),
                "fields": json.dumps(c.get("fields", {})),
                "events": [
                    {**e, "at": datetime.fromisoformat(e["at"].replace("Z", "+00:00"))}
                    for e in c.get("events", [])
                ],
            }
            for c in SAMPLE["cases"]
        ],
        schema=ea.case_schema(),
    )
    statuses = RULES.evaluate_arrow(cases, NOW)
    events = RULES.monitor_arrow(cases, NOW, SINCE)
    assert statuses.schema == report.to_arrow("statuses").schema == ea.status_schema()
    assert events.schema == report.to_arrow("events").schema == ea.event_schema()
    # The report's statuses are the open ones of the same replay, with the same cells.
    open_keys = {
        (r["case_id"], r["milestone"], r["instance"])
        for r in report.to_arrow("statuses").to_pylist()
    }
    same = [
        r
        for r in statuses.to_pylist()
        if (r["case_id"], r["milestone"], r["instance"]) in open_keys
    ]
    assert sorted(same, key=str) == sorted(report.to_arrow("statuses").to_pylist(), key=str)
    # The milestone events of the report are monitor_arrow's rows, every column included.
    milestone = [
        r
        for r in report.to_arrow("events").to_pylist()
        if r["kind"] in ("trigger", "breach", "milestone_completed")
    ]
    assert events.to_pylist() == milestone
    # The Spark adapter sends JSON text as plain strings and unsigned integers as int32.
    spark = ea._for_spark(events)
    assert spark.schema.field("account_id").type == pa.string()
    assert spark.schema.field("instance").type == pa.int32()
    assert len(spark.schema) == len(ea.EVENT_DDL.split(", "))
    assert len(ea.status_schema()) == len(ea.STATUS_DDL.split(", "))


def test_to_arrow_errors(report: MonitorReport) -> None:
    with pytest.raises(InputError) as info:
        report.to_arrow("breaches")  # type: ignore[arg-type]
    assert info.value.code == "invalid_value"
    with pytest.raises(InputError) as info:
        report.to_arrow(1)  # type: ignore[arg-type]
    assert info.value.code == "invalid_type"
    assert report.to_arrow().schema == report.to_arrow("events").schema
