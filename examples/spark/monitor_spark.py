"""The breach monitor's per-case work in PySpark (local mode): statuses and milestone events
of many open cases through ``mapInArrow``, checked against the single-process run.

The cases are those of the monitor benchmark (``benches/python/bench_monitor.py``: open Gold
cases on the New York desk, three or four milestones each), written to Parquet in the layout of
``entitlement.arrow.case_schema()`` and read back by Spark, as a job would read a table. Then:

1. the single-process run: ``rules.evaluate_arrow`` / ``monitor_arrow`` over the whole table;
2. Spark: ``cases.mapInArrow(entitlement.arrow.spark_statuses(rules, now), STATUS_DDL)`` (and
   events), collected back as Arrow;
3. the check: the same rows (sorted by case, milestone and instance; events by instant and
   key), column for column; the script exits non-zero otherwise;
4. the figures: wall time of each, rows, partitions, and the machine's load average.

Run with ``bash examples/spark/run.sh [--cases 200000] [--partitions 8]`` (it installs PySpark
into ``.venv-spark``; Java 17 must be on the PATH).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import entitlement
import entitlement.arrow as ea
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benches" / "python"))
from bench_monitor import open_cases

NOW = datetime(2026, 11, 25, 20, 30, tzinfo=UTC)
SINCE = NOW - timedelta(hours=6)


def cases_table(n: int) -> pa.Table:
    rows = []
    for case in open_cases(n):
        rows.append(
            {
                "id": case["id"],
                "entitlement": case["entitlement"],
                "created_at": datetime.fromisoformat(case["created_at"]),
                "fields": __import__("json").dumps(case["fields"]),
                "events": [
                    {**e, "at": datetime.fromisoformat(e["at"])} for e in case["events"]
                ],
            }
        )
    return pa.Table.from_pylist(rows, schema=ea.case_schema())


def sorted_rows(table: pa.Table, keys: list[str]) -> pa.Table:
    return table.sort_by([(k, "ascending") for k in keys])


def same(single: pa.Table, spark: pa.Table, keys: list[str]) -> bool:
    """Equal column for column, after Spark's types are brought back to ours."""
    spark = spark.cast(pa.schema([single.schema.field(n) for n in spark.column_names]))
    return sorted_rows(single, keys).equals(sorted_rows(spark, keys))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--partitions", type=int, default=8)
    args = parser.parse_args()

    from pyspark.sql import SparkSession

    rules = entitlement.Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
    table = cases_table(args.cases)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cases.parquet")
        pq.write_table(table, path)

        start = time.perf_counter()
        single_statuses = pa.Table.from_batches(
            [rules.evaluate_arrow(b, NOW) for b in table.to_batches()]
        )
        single_events = pa.Table.from_batches(
            [rules.monitor_arrow(b, NOW, SINCE) for b in table.to_batches()]
        )
        single_s = time.perf_counter() - start

        spark = (
            SparkSession.builder.master("local[2]")
            .appName("entitlement-monitor")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "20000")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        try:
            cases = spark.read.parquet(path).repartition(args.partitions)
            cases.cache().count()  # read and partition once, outside the timings
            start = time.perf_counter()
            statuses = cases.mapInArrow(
                ea.spark_statuses(rules, NOW), ea.STATUS_DDL
            ).toArrow()
            statuses_s = time.perf_counter() - start
            start = time.perf_counter()
            events = cases.mapInArrow(
                ea.spark_events(rules, NOW, SINCE), ea.EVENT_DDL
            ).toArrow()
            events_s = time.perf_counter() - start
        finally:
            spark.stop()

    statuses_ok = same(single_statuses, statuses, ["case_id", "milestone", "instance"])
    events_ok = same(single_events, events, ["at", "key"])
    print(
        f"{args.cases:,} cases in {args.partitions} partitions on local[2]; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print("| run | rows | seconds | equal to the single-process run |")
    print("|---|---:|---:|---|")
    print(
        f"| single process, statuses + events | {single_statuses.num_rows:,} + "
        f"{single_events.num_rows:,} | {single_s:.2f} | - |"
    )
    print(
        f"| Spark mapInArrow, statuses | {statuses.num_rows:,} | {statuses_s:.2f} | {statuses_ok} |"
    )
    print(
        f"| Spark mapInArrow, events | {events.num_rows:,} | {events_s:.2f} | {events_ok} |"
    )
    if not (statuses_ok and events_ok):
        sys.exit("the Spark results differ from the single-process run")


if __name__ == "__main__":
    main()
