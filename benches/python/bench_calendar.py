"""``Calendar.add`` and ``elapsed`` from Python, per call and in batch, against the peers a user
would otherwise pick: ``workclock``, ``businesstimedelta`` (pytz) and pandas
``CustomBusinessHour``, on one calendar and one set of random instants.

The calendar: Monday to Friday 09:00-12:00 and 13:00-17:00 (a lunch break) in America/New_York,
with the US federal holidays of the ``holidays`` package as dated closures (the same dates
for every library). The inputs: ``--n`` random instants (whole seconds, seeded) over the two
years 2025-2026; for ``add``, a whole number of business hours from 1 to 40 (pandas adds whole
hours only); for ``elapsed``, an end up to 30 days after the start.

Before anything is timed, every library's answer is compared with ours on every instant (per
call, and batch against per call), and the run stops if a difference is not one the libraries'
documented semantics explain:

- pandas ``CustomBusinessHour`` moves a result that lands exactly at a closing time to the next
  opening (ours stays at the close, as workclock's and businesstimedelta's do);
- pandas has no business-time difference, so it has no ``elapsed`` row.

Then each operation is timed (the median of ``--runs`` runs; the slow peers per call over the
first ``--peer-n`` instants) and a table of operations per second is printed with our ratio
against each peer measured in the same run. Run it from ``benches/run.sh`` (which installs
the peers into ``.venv-bench``), or::

    .venv-bench/bin/python benches/python/bench_calendar.py [--n 100000] [--runs 5]

``--smoke`` runs the checks on a few hundred instants and times nothing (the test command).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

import businesstimedelta
import entitlement
import holidays
import numpy as np
import pandas as pd
import pytz
import workclock

ZONE = "America/New_York"
LOW = datetime(2025, 1, 1, tzinfo=UTC)
HIGH = datetime(2027, 1, 1, tzinfo=UTC)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def us_holidays() -> list[date]:
    # Years beyond the instants: businesstimedelta looks up to five years ahead for a holiday.
    return sorted(holidays.US(years=range(2024, 2033)))


class Libraries:
    """The same calendar in each library."""

    def __init__(self) -> None:
        days = us_holidays()
        self.ours = entitlement.Calendar(
            time_zone=ZONE,
            hours={d: ["09:00-12:00", "13:00-17:00"] for d in WEEKDAYS},
            holidays=[{"name": "US holiday", "date": d.isoformat()} for d in days],
        )
        self.workclock = workclock.Schedule(
            [
                workclock.WorkDay(clock(9), clock(17), days=range(5)),
                workclock.Break(clock(12), clock(13), days=range(5)),
                workclock.Holidays(days),
            ],
            time_zone=ZONE,
        )
        tz = pytz.timezone(ZONE)
        self.btd_rules = businesstimedelta.Rules(
            [
                businesstimedelta.WorkDayRule(
                    clock(9), clock(17), list(range(5)), tz=tz
                ),
                businesstimedelta.LunchTimeRule(
                    clock(12), clock(13), list(range(5)), tz=tz
                ),
                businesstimedelta.HolidayRule(
                    holidays.US(years=range(2024, 2033)), tz=tz
                ),
            ]
        )
        self.pandas_hours = {
            h: pd.offsets.CustomBusinessHour(
                n=h, start=["09:00", "13:00"], end=["12:00", "17:00"], holidays=days
            )
            for h in range(1, 41)
        }
        self.tz = tz


def inputs(n: int, seed: int = 6) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    span = int((HIGH - LOW).total_seconds())
    starts_s = rng.integers(0, span, n) + int(LOW.timestamp())
    hours = rng.integers(1, 41, n)
    ends_s = starts_s + rng.integers(0, 30 * 86_400, n)
    starts = [datetime.fromtimestamp(int(s), UTC) for s in starts_s]
    ends = [datetime.fromtimestamp(int(s), UTC) for s in ends_s]
    return {
        "starts": starts,
        "ends": ends,
        "hours": [int(h) for h in hours],
        "durations": [timedelta(hours=int(h)) for h in hours],
        "np_starts": (starts_s * 1_000_000).astype("datetime64[us]"),
        "np_ends": (ends_s * 1_000_000).astype("datetime64[us]"),
        "np_durations": (hours * 3_600_000_000).astype("timedelta64[us]"),
    }


# --- The peers' calls ------------------------------------------------------------------------


def btd_add(libs: Libraries, t: datetime, h: int) -> datetime:
    return t + businesstimedelta.BusinessTimeDelta(libs.btd_rules, hours=h)


def btd_elapsed(libs: Libraries, a: datetime, b: datetime) -> timedelta:
    return libs.btd_rules.difference(a, b).timedelta


def pandas_add(libs: Libraries, t: pd.Timestamp, h: int) -> pd.Timestamp:
    return t + libs.pandas_hours[h]


# --- Agreement, checked before timing --------------------------------------------------------


class Agreement:
    def __init__(self, library: str, op: str) -> None:
        self.library, self.op = library, op
        self.agree = self.explained = 0
        self.reasons: dict[str, int] = {}

    def same(self) -> None:
        self.agree += 1

    def differs(self, reason: str) -> None:
        self.explained += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def line(self) -> str:
        total = self.agree + self.explained
        text = f"  {self.library} {self.op}: agrees on {self.agree:,} of {total:,} instants"
        for reason, count in self.reasons.items():
            text += f"; {count:,} differ where {reason}"
        return text


class Mismatch(AssertionError):
    pass


def check(libs: Libraries, data: dict[str, Any], peer_n: int) -> list[Agreement]:
    cal = libs.ours
    starts, ends, durations, hours = (
        data["starts"],
        data["ends"],
        data["durations"],
        data["hours"],
    )
    ours_add = [cal.add(t, d) for t, d in zip(starts, durations)]
    ours_elapsed = [cal.elapsed(a, b) for a, b in zip(starts, ends)]
    results = []

    # Batches against the one-at-a-time calls, for every input kind.
    batch = Agreement("entitlement add_many (numpy)", "vs add")
    got = cal.add_many(data["np_starts"], data["np_durations"])
    for want, value in zip(ours_add, got.view("i8").tolist()):
        if int(want.timestamp() * 1_000_000) != value:
            raise Mismatch(f"add_many differs from add at {want}")
        batch.same()
    results.append(batch)
    batch = Agreement("entitlement elapsed_many (numpy)", "vs elapsed")
    got = cal.elapsed_many(data["np_starts"], data["np_ends"])
    for want, value in zip(ours_elapsed, got.view("i8").tolist()):
        if want != timedelta(microseconds=value):
            raise Mismatch(f"elapsed_many differs from elapsed: {want} vs {value} us")
        batch.same()
    results.append(batch)

    # workclock: the same conventions, so every instant must agree, per call and batch.
    for op, mine, theirs in [
        (
            "add",
            ours_add,
            [libs.workclock.add(t, d) for t, d in zip(starts, durations)],
        ),
        (
            "elapsed",
            ours_elapsed,
            [libs.workclock.between(a, b) for a, b in zip(starts, ends)],
        ),
    ]:
        a = Agreement("workclock", op)
        for i, (x, y) in enumerate(zip(mine, theirs)):
            if x != y:
                raise Mismatch(f"workclock {op} differs at {starts[i]}: {x} vs {y}")
            a.same()
        results.append(a)
    wc_batch = libs.workclock.add_many(data["np_starts"], data["np_durations"])
    if not np.array_equal(
        wc_batch, cal.add_many(data["np_starts"], data["np_durations"])
    ):
        raise Mismatch("workclock add_many differs from ours")

    # businesstimedelta: stays at close as well; checked on the instants it is timed on.
    m = min(peer_n, len(starts))
    a = Agreement("businesstimedelta", "add")
    for t, h, want in zip(starts[:m], hours[:m], ours_add[:m]):
        got_btd = btd_add(libs, t.astimezone(libs.tz), h)
        if got_btd != want:
            raise Mismatch(
                f"businesstimedelta add differs at {t} + {h} h: {got_btd} vs {want}"
            )
        a.same()
    results.append(a)
    a = Agreement("businesstimedelta", "elapsed")
    for x, y, want in zip(starts[:m], ends[:m], ours_elapsed[:m]):
        got_delta = btd_elapsed(libs, x.astimezone(libs.tz), y.astimezone(libs.tz))
        if got_delta != want:
            raise Mismatch(
                f"businesstimedelta elapsed differs at {x}..{y}: {got_delta} vs {want}"
            )
        a.same()
    results.append(a)

    # pandas: jumps to the next opening at a close.
    a = Agreement("pandas CustomBusinessHour", "add")
    for t, h, want in zip(starts[:m], hours[:m], ours_add[:m]):
        got_pd = pandas_add(libs, pd.Timestamp(t).tz_convert(ZONE), h).to_pydatetime()
        if got_pd == want:
            a.same()
        elif not cal.is_open(want) and cal.next_open(want) == got_pd:
            a.differs(
                "ours lands on a closing time and pandas moves to the next opening"
            )
        else:
            raise Mismatch(f"pandas add differs at {t} + {h} h: {got_pd} vs {want}")
    results.append(a)
    return results


# --- Timing ----------------------------------------------------------------------------------


def best_of(fn: Callable[[], Any], runs: int) -> float:
    """The median of `runs` timings, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument(
        "--peer-n", type=int, default=5_000, help="instants for the slow peers"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--smoke", action="store_true", help="checks on a few instants, no timing"
    )
    args = parser.parse_args()
    if args.smoke:
        args.n, args.peer_n = 300, 300

    libs = Libraries()
    data = inputs(args.n)
    print(
        f"entitlement {entitlement.__version__}, workclock {workclock.__version__ if hasattr(workclock, '__version__') else '?'}, "
        f"pandas {pd.__version__}, CPython {platform.python_version()}; "
        f"{args.n:,} instants over 2025-2026 (slow peers on {min(args.peer_n, args.n):,}); "
        f"load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    print("Agreement, checked before timing:")
    for agreement in check(libs, data, args.peer_n):
        print(agreement.line())
    if args.smoke:
        print("smoke run: checks passed, nothing timed")
        return

    cal, wc = libs.ours, libs.workclock
    starts, ends, durations, hours = (
        data["starts"],
        data["ends"],
        data["durations"],
        data["hours"],
    )
    m = min(args.peer_n, args.n)
    slow_starts = [t.astimezone(libs.tz) for t in starts[:m]]
    slow_ends = [t.astimezone(libs.tz) for t in ends[:m]]
    pd_starts = [pd.Timestamp(t).tz_convert(ZONE) for t in starts[:m]]
    n, runs = args.n, args.runs
    slow_runs = max(1, runs // 2)

    rows: list[tuple[str, str, float]] = []

    def timed(
        op: str, library: str, count: int, fn: Callable[[], Any], r: int = runs
    ) -> None:
        seconds = best_of(fn, r)
        rows.append((op, library, count / seconds))
        print(f"  {op:<16} {library:<28} {count / seconds:>14,.0f} ops/s", flush=True)

    print("Timing (median of runs):")
    timed(
        "add per call",
        "entitlement",
        n,
        lambda: [cal.add(t, d) for t, d in zip(starts, durations)],
    )
    timed(
        "add per call",
        "workclock",
        n,
        lambda: [wc.add(t, d) for t, d in zip(starts, durations)],
    )
    timed(
        "add per call",
        "businesstimedelta",
        m,
        lambda: [btd_add(libs, t, h) for t, h in zip(slow_starts, hours)],
        slow_runs,
    )
    timed(
        "add per call",
        "pandas CustomBusinessHour",
        m,
        lambda: [pandas_add(libs, t, h) for t, h in zip(pd_starts, hours)],
        slow_runs,
    )
    timed(
        "add batch",
        "entitlement",
        n,
        lambda: cal.add_many(data["np_starts"], data["np_durations"]),
    )
    timed(
        "add batch",
        "workclock",
        n,
        lambda: wc.add_many(data["np_starts"], data["np_durations"]),
    )
    timed(
        "elapsed per call",
        "entitlement",
        n,
        lambda: [cal.elapsed(a, b) for a, b in zip(starts, ends)],
    )
    timed(
        "elapsed per call",
        "workclock",
        n,
        lambda: [wc.between(a, b) for a, b in zip(starts, ends)],
    )
    timed(
        "elapsed per call",
        "businesstimedelta",
        m,
        lambda: [btd_elapsed(libs, a, b) for a, b in zip(slow_starts, slow_ends)],
        slow_runs,
    )
    timed(
        "elapsed batch",
        "entitlement",
        n,
        lambda: cal.elapsed_many(data["np_starts"], data["np_ends"]),
    )
    timed(
        "elapsed batch",
        "workclock",
        n,
        lambda: wc.between_many(data["np_starts"], data["np_ends"]),
    )

    print()
    print("| operation | library | ops/s | entitlement is × faster |")
    print("|---|---|---:|---:|")
    ours = {op: rate for op, library, rate in rows if library == "entitlement"}
    for op, library, rate in rows:
        ratio = "" if library == "entitlement" else f"{ours[op] / rate:,.1f}×"
        print(f"| {op} | {library} | {rate:,.0f} | {ratio} |")
    print(
        f"\nload average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    try:
        main()
    except Mismatch as err:
        print(
            f"DISAGREEMENT (not explained by documented semantics): {err}",
            file=sys.stderr,
        )
        sys.exit(1)
