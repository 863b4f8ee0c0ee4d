"""Calendars built to make the index expensive (issue 13), each in a child process with a memory
cap and a time limit: before the fix, ``elapsed`` from year 1 to 9999 on a calendar of 96
openings a day ran for 35 s and aborted the host when memory ran out, a union of calendars that
never open again took seconds per part for every ``next_open``, and an ``any`` of 200,000
conditions took seconds to evaluate. Now each answers or refuses with ``limit_exceeded``, and the
child's peak resident memory (``VmHWM``) stays under the bound named here
(docs/performance.md, "Bounds on hostile input").

Running this file as a script prints the figures:
``.venv/bin/python bindings-python/tests/test_hostile_calendar.py``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

UTC = timezone.utc
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: The child's address space, and its wall-clock limit: the bug needed gigabytes and minutes.
MEMORY_CAP = 2 << 30
TIMEOUT_S = 240
#: Peak resident memory (MiB) each child may reach: measured figures about doubled.
CEILINGS_MIB = {
    "dense over the whole range": 160,
    "a loop over 10,000 years": 160,
    "union that never opens": 60,
    "criteria breadth": 400,
}


def peak_mib() -> float:
    """Peak resident memory of this process since it was exec'd (``VmHWM``), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def dense() -> Any:
    from entitlement import Calendar

    day = [f"{i // 4:02}:{i % 4 * 15:02}-{i // 4:02}:{i % 4 * 15 + 10:02}" for i in range(96)]
    return Calendar.from_dict({"time_zone": "America/New_York", "hours": {d: day for d in DAYS}})


def code_of(call: Any) -> str:
    from entitlement import EntitlementError

    try:
        call()
    except EntitlementError as e:
        return str(e.code)
    return "answered"


FIRST = datetime(1, 1, 1, tzinfo=UTC)
LAST = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


def dense_whole_range() -> dict[str, Any]:
    """The issue's calls: ``elapsed``, ``add`` and ``open_intervals`` from year 1 to 9999."""
    cal = dense()
    return {
        "elapsed": code_of(lambda: cal.elapsed(FIRST, LAST)),
        "add": code_of(lambda: cal.add(FIRST, timedelta(days=3_000_000))),
        "open_intervals": code_of(lambda: cal.open_intervals(FIRST, LAST)),
        "one day": cal.elapsed(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 3, tzinfo=UTC))
        / timedelta(minutes=1),
    }


def year_loop() -> dict[str, Any]:
    """Queries spread over the years: 10,000 of a weekday calendar and 300 of a dense one."""
    from entitlement import Calendar

    office = Calendar.from_dict(
        {
            "time_zone": "Europe/London",
            "hours": {d: ["09:00-12:00", "13:00-17:00"] for d in DAYS[:5]},
        }
    )
    opened = sum(office.is_open(datetime(y, 3, 3, 10, tzinfo=UTC)) for y in range(1, 10_000))
    cal = dense()
    minutes = sum(
        cal.elapsed(datetime(y, 6, 1, tzinfo=UTC), datetime(y, 6, 2, tzinfo=UTC))
        / timedelta(minutes=1)
        for y in range(1, 10_000, 33)
    )
    return {"weekday openings": opened, "dense minutes": minutes}


def union_never_open() -> dict[str, Any]:
    """256 calendars closed every day from 2026 by a daily holiday, in one union."""
    from entitlement import Calendar

    part: dict[str, Any] = {
        "time_zone": "UTC",
        "hours": {"mon": ["09:00-17:00"]},
        "holidays": [{"recurs": {"unit": "day"}, "starts": "2026-01-01"}],
    }
    union = Calendar.from_dict({"union": [part] * 256})
    t = datetime(2026, 2, 1, tzinfo=UTC)
    return {"next_open": [code_of(lambda: union.next_open(t)) for _ in range(3)]}


def criteria_breadth() -> dict[str, Any]:
    """An ``any`` of 200,000 conditions is refused at load, naming where."""
    from entitlement import ConfigError, Ruleset

    conditions = [{"field": "severity", "op": "eq", "value": f"S{i}"} for i in range(200_000)]
    document: dict[str, Any] = {
        "processes": [
            {
                "id": "p",
                "milestones": [
                    {"name": "m", "kind": "resolution", "target": "1h", "when": {"any": conditions}}
                ],
            }
        ]
    }
    before = peak_mib()
    try:
        Ruleset.from_dict(document)
    except ConfigError as e:
        return {"code": e.code, "message": str(e)[:80], "before_mib": before}
    return {"code": "answered", "before_mib": before}


SCENARIOS = {
    "dense over the whole range": dense_whole_range,
    "a loop over 10,000 years": year_loop,
    "union that never opens": union_never_open,
    "criteria breadth": criteria_breadth,
}


def cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def measure(name: str) -> dict[str, Any]:
    """Runs one scenario in a capped child process and returns its report."""
    proc = subprocess.run(
        [sys.executable, __file__, "--child", name],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
        preexec_fn=cap_memory,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return report


def test_dense_calendar_over_the_whole_range_refuses_instead_of_aborting() -> None:
    r = measure("dense over the whole range")
    assert r["elapsed"] == "limit_exceeded", r
    assert r["add"] == "limit_exceeded", r
    assert r["open_intervals"] == "limit_exceeded", r
    assert r["one day"] == 96 * 10, r
    assert r["peak_mib"] < CEILINGS_MIB["dense over the whole range"], r


def test_a_loop_over_ten_thousand_years_keeps_memory_bounded() -> None:
    r = measure("a loop over 10,000 years")
    # 3 March at 10:00 UTC is a weekday morning in London in about 5 years of 7.
    assert 6_500 < r["weekday openings"] < 7_800, r
    assert r["dense minutes"] == len(range(1, 10_000, 33)) * 96 * 10, r
    assert r["peak_mib"] < CEILINGS_MIB["a loop over 10,000 years"], r


def test_union_of_calendars_that_never_open_answers_at_once() -> None:
    r = measure("union that never opens")
    assert r["next_open"] == ["no_opening"] * 3, r
    assert r["peak_mib"] < CEILINGS_MIB["union that never opens"], r


def test_criteria_breadth_is_refused_at_load() -> None:
    r = measure("criteria breadth")
    assert r["code"] == "limit_exceeded", r
    assert "when.any[" in r["message"], r
    assert r["peak_mib"] < CEILINGS_MIB["criteria breadth"], r


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        import entitlement  # noqa: F401 - the baseline includes the loaded module

        report = SCENARIOS[sys.argv[2]]()
        report["peak_mib"] = peak_mib()
        print(json.dumps(report))
        return
    for name in SCENARIOS:
        print(f"{name:28} {measure(name)}")


if __name__ == "__main__":
    main()
