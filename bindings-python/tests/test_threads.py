"""Threads: one ``Ruleset`` and one ``Calendar`` shared by 8 Python threads at once give what a
sequential run gives (calendar batches over years no thread has touched yet, so that the threads
race to build the same blocks of the index; monitor, evaluate, usage and what-if side by side),
nothing deadlocks while the GIL is released, and the batch calls release it."""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from entitlement import Calendar, Ruleset

REPO = Path(__file__).resolve().parents[2]
UTC = timezone.utc
SAMPLE = json.loads((REPO / "examples" / "data" / "cases.json").read_text())
RULES = Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
THREADS = 8
#: Long enough for any of these runs on a loaded 2-core machine; a deadlock never ends.
DEADLOCK = 120.0


def definition() -> dict[str, Any]:
    weekdays = ("mon", "tue", "wed", "thu", "fri")
    return {
        "time_zone": "America/New_York",
        "hours": {**{d: ["09:00-12:00", "13:00-17:00"] for d in weekdays}, "sat": ["22:00-06:00"]},
        "holidays": [
            {"name": "Christmas", "yearly": "12-25", "observed": "nearest_weekday"},
            {"name": "Thanksgiving", "yearly": {"month": 11, "weekday": "thu", "nth": 4}},
            {"name": "Shutdown", "from": "2031-12-27", "to": "2032-01-02"},
        ],
    }


def run_together(work: list[Callable[[], Any]]) -> list[Any]:
    """Runs each callable on a thread of its own, all released at once; returns the results in
    order, and fails (instead of hanging) when a thread does not finish."""
    barrier = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)
    errors: list[BaseException] = []

    def body(k: int) -> None:
        barrier.wait()
        try:
            results[k] = work[k]()
        except BaseException as e:  # reported below, on the main thread
            errors.append(e)

    threads = [threading.Thread(target=body, args=(k,), daemon=True) for k in range(len(work))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(DEADLOCK)
    assert not any(t.is_alive() for t in threads), "a thread did not finish: deadlock"
    assert errors == []
    return results


def test_one_calendar_from_eight_threads_answers_as_a_sequential_run() -> None:
    rng = random.Random(8)
    base = datetime(1990, 1, 1, tzinfo=UTC)
    # 60 years that no query has built yet, so that the threads build the same blocks at once.
    starts = [base + timedelta(minutes=rng.randrange(60 * 525_600)) for _ in range(4000)]
    durations = [timedelta(minutes=rng.randrange(1, 200 * 60)) for _ in starts]
    ends = [s + timedelta(hours=rng.randrange(1, 5000)) for s in starts]
    reference = Calendar.from_dict(definition())
    expected = (reference.add_many(starts, durations), reference.elapsed_many(starts, ends))
    shared = Calendar.from_dict(definition())

    def batch(k: int) -> Callable[[], Any]:
        # Each thread walks the years in its own order.
        order = list(range(len(starts)))
        random.Random(k).shuffle(order)

        def go() -> tuple[list[datetime], list[timedelta]]:
            s = [starts[i] for i in order]
            due = shared.add_many(s, [durations[i] for i in order])
            took = shared.elapsed_many(s, [ends[i] for i in order])
            back_due, back_took = [datetime.min] * len(s), [timedelta(0)] * len(s)
            for j, i in enumerate(order):
                back_due[i], back_took[i] = due[j], took[j]
            # One-by-one calls too, from the same thread.
            for i in order[:200]:
                assert shared.add(starts[i], durations[i]) == back_due[i]
                assert shared.is_open(starts[i]) == reference.is_open(starts[i])
            return back_due, back_took

        return go

    for result in run_together([batch(k) for k in range(THREADS)]):
        assert result == expected


def test_monitor_evaluate_usage_and_what_if_side_by_side_match_a_sequential_run() -> None:
    cases = SAMPLE["cases"]
    now = datetime.fromisoformat(SAMPLE["now"].replace("Z", "+00:00"))
    proposed = Ruleset.from_dict({**RULES.to_dict(), "monitor": RULES.to_dict().get("monitor", {})})
    cal = Calendar.from_dict(definition())
    starts = [now - timedelta(hours=h) for h in range(2000)]
    jobs: list[Callable[[], Any]] = [
        lambda: RULES.monitor(cases, now, since=now - timedelta(hours=6)).to_json(),
        lambda: RULES.monitor(cases, now - timedelta(days=2)).to_json(),
        lambda: [RULES.evaluate_case(c, now).to_dict() for c in cases],
        lambda: [RULES.evaluate(c, now - timedelta(hours=9)) for c in cases[::3]],
        lambda: RULES.entitlement_usage("acme-gold", cases, now).to_dict(),
        lambda: RULES.what_if(proposed, cases, now),
        lambda: cal.add_many(starts, [timedelta(hours=5)] * len(starts)),
        lambda: cal.elapsed_many(starts, [now] * len(starts)),
    ]
    assert len(jobs) == THREADS
    sequential = [job() for job in jobs]
    for _ in range(2):
        assert run_together(jobs) == sequential


def progress_during(call: Callable[[], Any]) -> int:
    """How many times another Python thread ran while ``call`` ran, with the interpreter told
    not to switch threads on its own (a switch interval of 100 s): the other thread gives the
    GIL back after each step, and can take it during ``call`` only if ``call`` releases it."""
    ticks = 0
    running = threading.Event()
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        running.set()
        while not stop.is_set():
            ticks += 1
            time.sleep(0)  # hands the GIL back at once

    interval = sys.getswitchinterval()
    sys.setswitchinterval(100)
    try:
        other = threading.Thread(target=spin, daemon=True)
        other.start()
        running.wait()
        before = ticks
        call()
        during = ticks - before
        stop.set()
        other.join(DEADLOCK)
    finally:
        sys.setswitchinterval(interval)
    return during


def test_batch_calls_release_the_gil() -> None:
    # The inputs are converted with the GIL held, the core runs without it, the results are
    # built with it again: the other thread counts only while the core runs.
    cal = Calendar.from_dict(definition())
    rng = random.Random(3)
    base = datetime(1900, 1, 1, tzinfo=UTC)
    starts = [base + timedelta(minutes=rng.randrange(200 * 525_600)) for _ in range(200_000)]
    hours = [timedelta(hours=rng.randrange(1, 9000)) for _ in starts]
    assert progress_during(lambda: cal.add_many(starts, hours)) > 0
    ends = [s + h for s, h in zip(starts, hours)]
    assert progress_during(lambda: cal.elapsed_many(starts, ends)) > 0
    # The control: a call that never releases the GIL lets the other thread count nothing.
    assert progress_during(lambda: sorted(starts, key=lambda t: -t.timestamp())) == 0
