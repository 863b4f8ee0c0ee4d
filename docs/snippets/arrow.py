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
