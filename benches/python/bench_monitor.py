"""``Ruleset.monitor`` over 100,000 open cases from Python: what a scheduled job pays per run.

The cases are those of the Rust benchmark (``benches/benches/monitor.rs``, fixture
``open_cases`` in ``benches/src/lib.rs``), generated here by the same xorshift sequence so that
the two measure the same input: open cases under ``acme-gold`` (Gold v1 on the New York desk)
created over the week before ``now`` = 2026-11-25T20:30Z, a third answered, a fifth waiting on
the customer and then replied to. Each has three milestones (first response, diagnosis,
resolution) and a fifth a fourth (a next response). The window is the last 15 minutes, as a
job that runs every 15 minutes sees it.

Measured, each the median of ``--runs`` runs (``time.perf_counter``):

- ``monitor``: ``rules.monitor(cases, now, since)``, all of it: converting the case dicts,
  replaying them without the GIL, the events, alerts, rollups; the report stays in Rust;
- ``case conversion``: ``rules.entitlement_usage`` for an entitlement none of the cases belongs
  to, which converts and parses every case and counts none: the part of ``monitor`` that is
  the binding's, not the core's;
- reading the results: ``report.events`` and ``report.alerts``, ``report.statuses`` (a
  ``MilestoneStatus`` per open milestone), ``report.to_json()``, and
  ``report.to_pandas("statuses")`` when pandas is installed;
- peak RSS of the process (``resource.getrusage``) after each step;
- the memory each call adds per open case: the peak RSS during the call (``VmHWM`` of
  ``/proc/self/status``, reset before the call by writing ``5`` to ``/proc/self/clear_refs``)
  minus the RSS before it (the interpreter and the input: the case dicts, or the record batch),
  over the number of cases (issue 17's goal: at most 1.5 KB);
- the loop a user writes today without the library: one ``workclock`` ``add`` per milestone
  deadline (1 h, 4 h and 8 h business hours from ``created_at``, on the New York desk's hours
  with the US federal holidays), timed on ``--sample`` cases and reported per case next to
  ``monitor_arrow``'s cost per case, with the ratio (the goal: at least 50x).

Run from the repository root, with the wheel installed (``bash bindings-python/scripts/test.sh``
installs it into ``.venv``)::

    .venv/bin/python benches/python/bench_monitor.py [--cases 100000] [--runs 5] [--no-reads]
        [--sample 20000]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import entitlement
from entitlement import Ruleset

REPO = Path(__file__).resolve().parents[2]
RULES_PATH = REPO / "examples" / "data" / "rules.yaml"
NOW = datetime(2026, 11, 25, 20, 30, tzinfo=UTC)
SINCE = NOW - timedelta(minutes=15)
BASE = datetime(2026, 11, 18, 14, tzinfo=UTC)
MASK = (1 << 64) - 1


def open_cases(n: int) -> list[dict[str, Any]]:
    """The Rust fixture's cases, instants written as RFC 3339 strings as Rust writes them."""
    state = 0x9E37_79B9_7F4A_7C15

    def step() -> int:
        nonlocal state
        state ^= (state << 13) & MASK
        state ^= state >> 7
        state ^= (state << 17) & MASK
        return state

    cases = []
    for i in range(n):
        created = BASE + timedelta(minutes=step() % (7 * 24 * 60))

        def at(m: int, created: datetime = created) -> str:
            return (created + timedelta(minutes=m)).isoformat()

        events: list[dict[str, str]] = []
        r = step()
        if r % 3 == 0:
            events.append({"at": at(5 + r % 90), "type": "agent_reply"})
        if r % 5 == 0:
            events.append(
                {"at": at(100), "type": "status", "to": "Waiting on Customer"}
            )
            events.append({"at": at(400), "type": "customer_reply"})
            events.append({"at": at(400), "type": "status", "to": "Open"})
        cases.append(
            {
                "id": f"B-{i}",
                "entitlement": "acme-gold",
                "created_at": created.isoformat(),
                "fields": {"severity": "Sev1" if r % 7 == 0 else "Sev2"},
                "events": events,
            }
        )
    return cases


def peak_rss_mib() -> float:
    # Linux reports kibibytes (macOS bytes).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _status_kib(key: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def call_memory(fn: Callable[[], Any]) -> tuple[Any, int | None]:
    """The result of `fn()` and the bytes its call added at its peak: VmHWM after the call
    (reset just before it) minus VmRSS before it. `None` where /proc cannot say."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return fn(), None
    before = _status_kib("VmRSS")
    result = fn()
    peak = _status_kib("VmHWM")
    if before is None or peak is None:
        return result, None
    return result, (peak - before) * 1024


def workclock_loop(cases: list[dict[str, Any]]) -> tuple[float, int] | None:
    """Seconds for the loop a user writes today, one workclock `add` per milestone deadline
    of each case, and the number of adds; `None` when workclock is not installed."""
    try:
        import holidays
        import workclock
    except ImportError:
        return None
    from datetime import time as clock

    days = sorted(holidays.US(years=range(2024, 2033)))
    schedule = workclock.Schedule(
        [
            workclock.WorkDay(clock(9), clock(17), days=range(5)),
            workclock.Break(clock(12), clock(13), days=range(5)),
            workclock.Holidays(days),
        ],
        time_zone="America/New_York",
    )
    targets = [timedelta(hours=h) for h in (1, 4, 8)]
    created = [datetime.fromisoformat(c["created_at"]) for c in cases]
    start = time.perf_counter()
    deadlines = [schedule.add(t, d) for t in created for d in targets]
    return time.perf_counter() - start, len(deadlines)


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, float, float, Any]:
    """Median, min and max seconds of `runs` calls, and the last result."""
    times = []
    result = None
    for _ in range(runs):
        result = None  # let the previous result go before the next run
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--no-reads",
        action="store_true",
        help="skip reading the report (statuses, to_json, to_pandas): for very large runs",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=20_000,
        help="cases of the workclock loop (timed on a sample: it is slow)",
    )
    args = parser.parse_args()
    n, runs = args.cases, args.runs

    rules = Ruleset.load(RULES_PATH)
    rows: list[tuple[str, str, str, str]] = []
    monitor_arrow: float | None = None
    arrow_added: int | None = None

    def row(step: str, seconds: float | None, note: str) -> None:
        shown = "" if seconds is None else f"{seconds:8.3f}"
        per_case = "" if seconds is None else f"{seconds / n * 1e6:7.2f}"
        rows.append((step, shown, per_case, note))
        print(
            f"  {step}: {shown.strip() or '-'} s  (peak RSS {peak_rss_mib():.0f} MiB)",
            flush=True,
        )

    print(
        f"entitlement {entitlement.__version__}, CPython {platform.python_version()}, "
        f"{platform.machine()}; {n:,} open cases, median of {runs} runs",
        flush=True,
    )
    start = time.perf_counter()
    cases = open_cases(n)
    row(
        "build the case dicts (Python)",
        time.perf_counter() - start,
        "not the library's work",
    )
    rss_cases = peak_rss_mib()

    # Converting and parsing every case, counting none (no case is under umbrella-sev1).
    conversion, lo, hi, _ = median_time(
        lambda: rules.entitlement_usage("umbrella-sev1", cases, NOW), runs
    )
    row(
        "case conversion (dicts -> core cases)",
        conversion,
        f"min {lo:.3f}, max {hi:.3f}",
    )

    report, monitor_added = call_memory(lambda: rules.monitor(cases, NOW, since=SINCE))
    del report
    med, lo, hi, report = median_time(
        lambda: rules.monitor(cases, NOW, since=SINCE), runs
    )
    monitor_dicts = med
    row("rules.monitor (15-minute window), all", med, f"min {lo:.3f}, max {hi:.3f}")
    row("  of which the core: monitor - conversion", med - conversion, "")

    med, *_ = median_time(lambda: (report.events, report.alerts), runs)
    row("report.events + report.alerts", med, "")
    if args.no_reads:
        row("reading the report", None, "skipped (--no-reads)")
    else:
        med, *_ = median_time(lambda: report.statuses, runs)
        row("report.statuses", med, "a MilestoneStatus per open milestone")
        med, *_, text = median_time(report.to_json, runs)
        row("report.to_json()", med, f"{len(text) / 1e6:.0f} MB of JSON")
        del text
        try:
            import pandas  # noqa: F401
        except ImportError:
            row("report.to_pandas('statuses')", None, "pandas is not installed")
        else:
            med, *_ = median_time(lambda: report.to_pandas("statuses"), runs)
            row("report.to_pandas('statuses')", med, "")

    # The Arrow path: the same cases as one record batch (built here, like the dicts: not the
    # library's work); statuses and milestone events come back as record batches.
    try:
        import entitlement.arrow as ea
        import pyarrow as pa
    except ImportError:
        row("rules.monitor_arrow / evaluate_arrow", None, "pyarrow is not installed")
    else:
        start = time.perf_counter()
        batch = pa.RecordBatch.from_pylist(
            [
                {
                    "id": c["id"],
                    "entitlement": c["entitlement"],
                    "created_at": datetime.fromisoformat(c["created_at"]),
                    "fields": json.dumps(c["fields"]),
                    "events": [
                        {**e, "at": datetime.fromisoformat(e["at"])}
                        for e in c["events"]
                    ],
                }
                for c in cases
            ],
            schema=ea.case_schema(),
        )
        row(
            "build the record batch (pyarrow)",
            time.perf_counter() - start,
            "not the library's work",
        )
        events, arrow_added = call_memory(
            lambda: rules.monitor_arrow(batch, NOW, SINCE)
        )
        del events
        med, lo, hi, events = median_time(
            lambda: rules.monitor_arrow(batch, NOW, SINCE), runs
        )
        monitor_arrow = med
        row(
            "rules.monitor_arrow (milestone events)",
            med,
            f"min {lo:.3f}, max {hi:.3f}; {events.num_rows} events",
        )
        med, lo, hi, table = median_time(lambda: rules.evaluate_arrow(batch, NOW), runs)
        row(
            "rules.evaluate_arrow (every status)",
            med,
            f"min {lo:.3f}, max {hi:.3f}; {table.num_rows:,} rows",
        )
        del batch, table, events

    # The loop a user writes today, on a sample (it costs microseconds a deadline).
    sample = cases[: args.sample]
    loop = workclock_loop(sample)
    if loop is None:
        row("workclock loop (one add per deadline)", None, "workclock is not installed")

    # Counted last: reading `statuses` and `cases` builds a Python object per item.
    counts = (
        repr(report)
        if args.no_reads
        else (
            f"{len(report.events)} events, {len(report.alerts)} alerts, "
            f"{len(report.statuses):,} open milestones, {len(report.cases):,} cases"
        )
    )
    print()
    print(
        f"{n:,} open cases: {counts}; peak RSS {peak_rss_mib():.0f} MiB "
        f"({rss_cases:.0f} MiB after building the case dicts)"
    )
    print()
    print_goals(
        n, monitor_dicts, monitor_arrow, monitor_added, arrow_added, loop, len(sample)
    )
    print()
    widths = [
        max(len(r[i]) for r in [("step", "s", "us/case", "note"), *rows])
        for i in range(4)
    ]
    header = ("step", "s", "us/case", "note")
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print(f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}")


def print_goals(
    n: int,
    monitor_dicts: float,
    monitor_arrow: float | None,
    monitor_added: int | None,
    arrow_added: int | None,
    loop: tuple[float, int] | None,
    sample: int,
) -> None:
    """Issue 17's figures side by side: seconds, memory added per open case, and the ratio to
    the workclock loop per case."""
    print("issue 17 goals (per run of", f"{n:,} open cases):")

    def added(value: int | None) -> str:
        return "-" if value is None else f"{value / n:,.0f} B per open case"

    if monitor_arrow is not None:
        print(
            f"  monitor_arrow: {monitor_arrow:.3f} s ({monitor_arrow / n * 1e6:.2f} us/case), "
            f"memory added {added(arrow_added)}  [goal at 1M: <= 2 s, <= 1.5 KB]"
        )
    print(
        f"  monitor (dicts): {monitor_dicts:.3f} s ({monitor_dicts / n * 1e6:.2f} us/case), "
        f"memory added {added(monitor_added)}  [goal at 1M: <= 4 s, <= 1.5 KB]"
    )
    if loop is not None:
        seconds, adds = loop
        per_case = seconds / sample * 1e6
        line = (
            f"  workclock loop: {seconds:.3f} s for {sample:,} cases ({adds:,} adds), "
            f"{per_case:.2f} us/case"
        )
        if monitor_arrow is not None:
            ratio = per_case / (monitor_arrow / n * 1e6)
            line += f"; monitor_arrow is {ratio:.1f}x faster per case  [goal: >= 50x]"
        print(line)


if __name__ == "__main__":
    main()
