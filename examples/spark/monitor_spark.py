"""The breach monitor in PySpark (local mode): statuses and milestone events of many open cases
through ``mapInArrow``, and quota events and account rollups through a grouped
``applyInArrow``, each checked against the single-process run.

The cases are those of the monitor benchmark (``benches/python/bench_monitor.py``: open Gold
cases on the New York desk, three or four milestones each), written to Parquet in the layout of
``entitlement.arrow.case_schema()`` and read back by Spark, as a job would read a table. Then:

1. the single-process run: ``rules.evaluate_arrow`` / ``monitor_arrow`` over the whole table;
2. Spark: ``cases.mapInArrow(entitlement.arrow.spark_statuses(rules, now), STATUS_DDL)`` (and
   events), written to Parquet;
3. the check (Spark's results written to Parquet by the executors, then read back): the
   same rows (sorted by case, milestone and instance; events by instant and key), column for
   column; the script exits non-zero otherwise;
4. the same for each partition count of ``--partitions`` (``1,2,4``: one measure each);
5. quotas and rollups: ``--report-cases`` cases spread over every entitlement of the example
   rules (so over several accounts and quotas), keyed by ``spark_with_partition_key`` and
   grouped by it: ``groupBy(PARTITION_KEY).applyInArrow(spark_report(...))`` for the events
   (quota and allowance crossings included) and the account rollups, against one
   ``rules.monitor`` run over all of them, and ``check_partitioned`` on the rollups;
6. the figures: wall time of each, rows, partitions, and the machine's load average.

Run with ``bash examples/spark/run.sh [--cases 200000] [--partitions 1,2,4]
[--report-cases 20000]`` (it installs PySpark into ``.venv-spark``; Java 17 must be on the
PATH).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import entitlement
import entitlement.arrow as ea
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benches" / "python"))
from bench_monitor import open_cases

NOW = datetime(2026, 11, 25, 20, 30, tzinfo=UTC)
SINCE = NOW - timedelta(hours=6)
# The report's window: a month back, so that quota and allowance crossings fall in it.
REPORT_SINCE = NOW - timedelta(days=30)


def cases_table(n: int, entitlements: list[str] | None = None) -> pa.Table:
    """The benchmark's cases (all of `acme-gold`), or spread over `entitlements` in turn."""
    rows = []
    for i, case in enumerate(open_cases(n)):
        rows.append(
            {
                "id": case["id"],
                "entitlement": entitlements[i % len(entitlements)]
                if entitlements
                else case["entitlement"],
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


def collected(frame: Any, out: str) -> pa.Table:
    """A Spark result written to Parquet by the executors and read back: the driver's heap
    never holds the rows (collecting 8,000,000 status rows into it fails with the default
    heap, and a partition's result past 2 GB cannot be one task result)."""
    frame.write.mode("overwrite").parquet(out)
    return pq.read_table(out)


def same(single: pa.Table, spark: pa.Table, keys: list[str]) -> bool:
    """Equal column for column, after Spark's types are brought back to ours."""
    spark = spark.cast(pa.schema([single.schema.field(n) for n in spark.column_names]))
    return sorted_rows(single, keys).equals(sorted_rows(spark, keys))


def report_tables(report: entitlement.MonitorReport) -> tuple[pa.Table, pa.Table]:
    return tuple(  # type: ignore[return-value]
        pa.Table.from_batches([ea._for_spark(report.to_arrow(t))])
        for t in ("events", "accounts")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument(
        "--partitions", default="8", help="partition counts, comma-separated (1,2,4)"
    )
    parser.add_argument(
        "--report-cases",
        type=int,
        default=20_000,
        help="cases of the grouped quota and rollup check (0: skip it)",
    )
    parser.add_argument(
        "--driver-memory",
        default="4g",
        help="the local JVM's heap (it holds the cached cases and the collected results)",
    )
    args = parser.parse_args()
    counts = [int(p) for p in args.partitions.split(",")]

    from pyspark.sql import SparkSession

    rules = entitlement.Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
    start = time.perf_counter()
    table = cases_table(args.cases)
    build_s = time.perf_counter() - start
    spread = cases_table(args.report_cases, sorted(ea.partition_keys(rules)))
    results: list[tuple[str, int, float, bool | str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cases.parquet")
        pq.write_table(table, path)
        spread_path = os.path.join(tmp, "spread.parquet")
        pq.write_table(spread, spread_path)
        del table

        table = pq.read_table(path)
        start = time.perf_counter()
        single_statuses = pa.Table.from_batches(
            [rules.evaluate_arrow(b, NOW) for b in table.to_batches()]
        )
        single_statuses_s = time.perf_counter() - start
        start = time.perf_counter()
        single_events = pa.Table.from_batches(
            [rules.monitor_arrow(b, NOW, SINCE) for b in table.to_batches()]
        )
        single_events_s = time.perf_counter() - start
        del table
        start = time.perf_counter()
        single_report = rules.monitor(ea.case_dicts(spread), NOW, REPORT_SINCE)
        single_report_s = time.perf_counter() - start
        report_events, report_accounts = report_tables(single_report)
        del single_report

        spark = (
            SparkSession.builder.master("local[2]")
            .appName("entitlement-monitor")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.memory", args.driver_memory)
            .config("spark.driver.maxResultSize", "0")
            .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "20000")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        load_before = os.getloadavg()
        try:
            for n in counts:
                cases = spark.read.parquet(path).repartition(n)
                cases.cache().count()  # read and partition once, outside the timings
                start = time.perf_counter()
                statuses = collected(
                    cases.mapInArrow(ea.spark_statuses(rules, NOW), ea.STATUS_DDL),
                    os.path.join(tmp, "statuses"),
                )
                statuses_s = time.perf_counter() - start
                ok = same(
                    single_statuses, statuses, ["case_id", "milestone", "instance"]
                )
                results.append(
                    (
                        f"Spark mapInArrow, statuses, {n} partitions",
                        statuses.num_rows,
                        statuses_s,
                        ok,
                    )
                )
                del statuses
                start = time.perf_counter()
                events = collected(
                    cases.mapInArrow(ea.spark_events(rules, NOW, SINCE), ea.EVENT_DDL),
                    os.path.join(tmp, "events"),
                )
                events_s = time.perf_counter() - start
                ok = same(single_events, events, ["at", "key"])
                results.append(
                    (
                        f"Spark mapInArrow, events, {n} partitions",
                        events.num_rows,
                        events_s,
                        ok,
                    )
                )
                del events
                cases.unpersist()
            if args.report_cases:
                keyed = ea.spark_with_partition_key(
                    spark.read.parquet(spread_path), rules
                )
                grouped = keyed.groupBy(ea.PARTITION_KEY)
                start = time.perf_counter()
                events = grouped.applyInArrow(
                    ea.spark_report(rules, NOW, REPORT_SINCE, "events"), ea.EVENT_DDL
                ).toArrow()
                accounts = grouped.applyInArrow(
                    ea.spark_report(rules, NOW, REPORT_SINCE, "accounts"),
                    ea.ACCOUNT_DDL,
                ).toArrow()
                grouped_s = time.perf_counter() - start
                ea.check_partitioned(accounts)
                quotas = sum(
                    1
                    for k in events.column("kind").to_pylist()
                    if k in ("quota", "allowance")
                )
                ok = same(report_events, events, ["at", "key"]) and same(
                    report_accounts, accounts, ["account_id"]
                )
                results.append(
                    (
                        (
                            f"Spark groupBy(account).applyInArrow, events ({quotas:,} quota "
                            f"and allowance) + {accounts.num_rows} account rollups"
                        ),
                        events.num_rows,
                        grouped_s,
                        ok,
                    )
                )
        finally:
            spark.stop()
    load_after = os.getloadavg()

    def load(avg: tuple[float, float, float]) -> str:
        return " ".join(f"{x:.2f}" for x in avg)

    print(
        f"{args.cases:,} cases (built in {build_s:.1f} s), partitions {args.partitions} on "
        f"local[2]; grouped check over {args.report_cases:,} cases; load average "
        f"{load(load_before)} before Spark, {load(load_after)} after"
    )
    print("| run | rows | seconds | equal to the single-process run |")
    print("|---|---:|---:|---|")
    print(
        f"| single process, evaluate_arrow (statuses) | {single_statuses.num_rows:,} | "
        f"{single_statuses_s:.2f} | - |"
    )
    print(
        f"| single process, monitor_arrow (events) | {single_events.num_rows:,} | "
        f"{single_events_s:.2f} | - |"
    )
    if args.report_cases:
        print(
            f"| single process, rules.monitor over {args.report_cases:,} cases (events) | "
            f"{report_events.num_rows:,} | {single_report_s:.2f} | - |"
        )
    for name, rows, seconds, ok in results:
        print(f"| {name} | {rows:,} | {seconds:.2f} | {ok} |")
    if not all(ok is True for *_, ok in results):
        sys.exit("the Spark results differ from the single-process run")


if __name__ == "__main__":
    main()
