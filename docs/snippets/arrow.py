# Hidden setup of the Arrow page (docs/contributing.md): what a reader of it already has: the
# sample rules, the sample month of cases as a record batch in the recommended layout and as a
# Parquet folder `cases/`, `now` / `since`, and `spark`, a stand-in for a SparkSession that
# runs `mapInArrow` in this process over the Parquet folder's record batches (PySpark itself
# is not installed where the docs run; examples/spark/ runs the real thing).
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import entitlement
import entitlement.arrow as _ea
import pyarrow as pa
import pyarrow.parquet as pq

_repo = Path(os.environ["SNIPPETS_REPO"])
_sample = json.loads((_repo / "examples" / "data" / "cases.json").read_text())
rules = entitlement.Ruleset.load(str(_repo / "examples" / "data" / "rules.yaml"))
now = datetime.fromisoformat(_sample["now"])
since = now - timedelta(days=1)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _row(case: dict) -> dict:
    return {
        "id": case["id"],
        "entitlement": case.get("entitlement"),
        "created_at": _instant(case["created_at"]),
        "fields": json.dumps(case.get("fields", {})),
        "events": [{**e, "at": _instant(e["at"])} for e in case.get("events", [])],
    }


batch = pa.RecordBatch.from_pylist(
    [_row(c) for c in _sample["cases"]], schema=_ea.case_schema()
)
os.makedirs("cases", exist_ok=True)
pq.write_table(pa.Table.from_batches([batch]), "cases/part-0.parquet")


class _Frame:
    def __init__(self, batches: list) -> None:
        self.batches = batches

    def mapInArrow(self, fn, schema: str) -> "_Frame":
        assert isinstance(schema, str)
        return _Frame(list(fn(iter(self.batches))))

    def count(self) -> int:
        return sum(b.num_rows for b in self.batches)


class _Reader:
    def parquet(self, path: str) -> _Frame:
        return _Frame(pq.read_table(path).to_batches())


class _Spark:
    read = _Reader()


spark = _Spark()


# Grouped maps (`withColumn`, `groupBy(...).applyInArrow`, `toArrow`) and the few
# `pyspark.sql.functions` that `entitlement.arrow.spark_with_partition_key` uses, evaluated over
# the stand-in's record batches, when PySpark is not installed.
class _Column:
    def __init__(self, fn) -> None:
        self.fn = fn  # table -> list of values

    def __getitem__(self, key: "_Column") -> "_Column":
        return _Column(lambda t: [m.get(k) for m, k in zip(self.fn(t), key.fn(t))])


def _col(name: str) -> _Column:
    return _Column(lambda t: t.column(name).to_pylist())


def _lit(value) -> _Column:
    return _Column(lambda t: [value] * t.num_rows)


def _create_map(*cols: _Column) -> _Column:
    def fn(t):
        values = [c.fn(t) for c in cols]
        return [dict(zip(row[0::2], row[1::2])) for row in zip(*values)]

    return _Column(fn)


def _coalesce(*cols: _Column) -> _Column:
    return _Column(
        lambda t: [
            next((v for v in row if v is not None), None)
            for row in zip(*[c.fn(t) for c in cols])
        ]
    )


def _with_column(self: _Frame, name: str, column: _Column) -> _Frame:
    table = pa.Table.from_batches(self.batches)
    table = table.append_column(name, pa.array(column.fn(table), pa.string()))
    return _Frame(table.to_batches())


class _Grouped:
    def __init__(self, frame: _Frame, name: str) -> None:
        self.frame, self.name = frame, name

    def applyInArrow(self, fn, schema: str) -> _Frame:
        assert isinstance(schema, str)
        table = pa.Table.from_batches(self.frame.batches)
        keys = table.column(self.name).to_pylist()
        out = []
        for key in dict.fromkeys(keys):
            rows = [i for i, k in enumerate(keys) if k == key]
            out.extend(fn(table.take(rows)).to_batches())
        return _Frame(out)


_Frame.withColumn = _with_column
_Frame.groupBy = lambda self, name: _Grouped(self, name)
_Frame.toArrow = lambda self: pa.Table.from_batches(self.batches)

try:
    import pyspark.sql.functions  # noqa: F401
except ImportError:
    import sys
    import types

    _functions = types.ModuleType("pyspark.sql.functions")
    _functions.col, _functions.lit = _col, _lit
    _functions.create_map, _functions.coalesce = _create_map, _coalesce
    _pyspark = types.ModuleType("pyspark")
    _sql = types.ModuleType("pyspark.sql")
    _pyspark.sql, _sql.functions = _sql, _functions
    sys.modules.update(
        {"pyspark": _pyspark, "pyspark.sql": _sql, "pyspark.sql.functions": _functions}
    )
