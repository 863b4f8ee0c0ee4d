"""Large documents and cases within documented memory (docs/performance.md, "Memory"): a calendar
with 10,000 holidays (and one at the 100,000 limit), a document of 1,000 processes and 1,000
entitlements, a case of 100,000 events. Each loads and evaluates in a child process of its own,
which reports its peak resident memory; the test holds it under the documented ceiling.

Running this file as a script prints the figures:
``.venv/bin/python bindings-python/tests/test_limits.py``.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
UTC = timezone.utc
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
#: Peak resident memory of each child, in MiB, that a run may not exceed: about twice what was
#: measured (docs/performance.md), so that the test fails on a regression, not on noise.
CEILINGS_MIB = {
    "10,000 holidays": 160,
    "100,000 holidays": 400,
    "1,000 processes": 200,
    "100,000 events": 400,
}


def peak_mib() -> float:
    """Peak resident memory of this process since it was exec'd, in MiB.

    ``VmHWM`` belongs to the address space, which ``exec`` replaces; ``ru_maxrss`` does not reset
    at ``exec`` on Linux, so a child of a large pytest process would report its parent's size.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def holidays(n: int) -> dict[str, Any]:
    """Loads a calendar with ``n`` dated holidays over a century and answers across all of it."""
    from entitlement import Calendar

    rng = random.Random(n)
    # n distinct dates: a tenth of them in the century the queries cross, the rest in the
    # thousand years after (a calendar still holds and checks every one).
    near = rng.sample(range(100 * 365), n // 10)
    far = rng.sample(range(100 * 365, 1100 * 365), n - n // 10)
    days = sorted(date(1990, 1, 1) + timedelta(days=k) for k in near + far)
    definition: dict[str, Any] = {
        "time_zone": "America/New_York",
        "hours": {d: ["09:00-12:00", "13:00-17:00"] for d in WEEKDAYS},
        "holidays": [{"name": f"h{i}", "date": d.isoformat()} for i, d in enumerate(days)],
    }
    before = peak_mib()
    cal = Calendar.from_dict(definition)
    start = datetime(1990, 1, 1, tzinfo=UTC)
    total = cal.elapsed(start, datetime(2090, 1, 1, tzinfo=UTC))
    starts = [start + timedelta(hours=rng.randrange(100 * 8760)) for _ in range(10_000)]
    due = cal.add_many(starts, [timedelta(hours=8)] * len(starts))
    assert all(cal.elapsed(s, u) == timedelta(hours=8) for s, u in zip(starts[:100], due[:100]))
    return {"before_mib": before, "business_hours": total / timedelta(hours=1)}


def processes() -> dict[str, Any]:
    """Loads 1,000 processes and 1,000 entitlements, evaluates and monitors a case of each."""
    from entitlement import Ruleset

    milestones = [
        {
            "name": "First Response",
            "kind": "first_response",
            "target": {"by": "severity", "values": {"Sev1": "30m"}, "default": "2h"},
            "triggers": [{"at": "50%", "level": "warning"}, {"at": "-5m", "level": "critical"}],
        },
        {
            "name": "Next Response",
            "kind": "next_response",
            "recurrence": "independent",
            "target": "4h",
        },
        {
            "name": "Diagnosis",
            "kind": "custom",
            "starts_on": ["created"],
            "completes_on": ["diagnosed"],
            "target": "8h",
        },
        {
            "name": "Resolution",
            "kind": "resolution",
            "target": "40h",
            "triggers": [{"at": "75%", "level": "warning"}],
        },
    ]
    document = {
        "calendars": {
            "ny": {
                "time_zone": "America/New_York",
                "hours": {d: ["09:00-17:00"] for d in WEEKDAYS},
            },
            "24x7": {"always_open": True},
        },
        "processes": [
            {
                "id": f"p{i}",
                "calendar": "ny" if i % 2 else "24x7",
                "pause_statuses": ["Waiting"],
                "milestones": milestones,
            }
            for i in range(1000)
        ],
        "entitlements": [
            {
                "id": f"e{i}",
                "process": f"p{i}",
                "account": {"id": f"A-{i}", "name": f"Account {i}"},
                "start_date": "2026-01-01",
            }
            for i in range(1000)
        ],
    }
    cases: list[dict[str, Any]] = [
        {
            "id": f"C-{i}",
            "entitlement": f"e{i}",
            "created_at": "2026-11-20T14:00:00Z",
            "fields": {"severity": "Sev1" if i % 3 == 0 else "Sev2"},
            "events": [
                {"at": "2026-11-20T14:20:00Z", "type": "agent_reply"},
                {"at": "2026-11-20T15:00:00Z", "type": "status", "to": "Waiting"},
                {"at": "2026-11-21T10:00:00Z", "type": "customer_reply"},
                {"at": "2026-11-21T10:00:00Z", "type": "status", "to": "Open"},
            ],
        }
        for i in range(1000)
    ]
    before = peak_mib()
    rules = Ruleset.from_json(json.dumps(document))
    statuses = sum(len(rules.evaluate(c, "2026-11-23T12:00:00Z")) for c in cases)
    report = rules.monitor(cases, "2026-11-23T12:00:00Z")
    return {"before_mib": before, "statuses": statuses, "events": len(report.events)}


def events() -> dict[str, Any]:
    """Evaluates and monitors one case of 100,000 events on the sample rules."""
    from entitlement import Ruleset

    rules = Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
    start = datetime(2026, 3, 2, 14, tzinfo=UTC)
    log: list[dict[str, str]] = []
    for k in range(25_000):
        t = start + timedelta(minutes=5 * k)
        log += [
            {"at": t.isoformat(), "type": "customer_reply"},
            {
                "at": (t + timedelta(minutes=1)).isoformat(),
                "type": "status",
                "to": "Waiting on Customer",
            },
            {"at": (t + timedelta(minutes=2)).isoformat(), "type": "status", "to": "Open"},
            {"at": (t + timedelta(minutes=3)).isoformat(), "type": "agent_reply"},
        ]
    case: dict[str, Any] = {
        "id": "C-big",
        "entitlement": "acme-gold",
        "created_at": start.isoformat(),
        "fields": {"severity": "Sev2"},
        "events": log,
    }
    before = peak_mib()
    now = start + timedelta(days=100)
    statuses = rules.evaluate(case, now)
    report = rules.monitor([case], now)
    return {"before_mib": before, "statuses": len(statuses), "events": len(report.events)}


SCENARIOS = {
    "10,000 holidays": lambda: holidays(10_000),
    "100,000 holidays": lambda: holidays(100_000),
    "1,000 processes": processes,
    "100,000 events": events,
}


def measure(name: str) -> dict[str, Any]:
    """Runs one scenario in a child process and returns its report."""
    proc = subprocess.run(
        [sys.executable, __file__, "--child", name],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_large_inputs_stay_within_documented_memory(name: str) -> None:
    report = measure(name)
    assert report["peak_mib"] < CEILINGS_MIB[name], report


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        import entitlement  # noqa: F401 - the baseline includes the loaded module

        report = SCENARIOS[sys.argv[2]]()
        report["peak_mib"] = peak_mib()
        print(json.dumps(report))
        return
    for name in SCENARIOS:
        r = measure(name)
        print(
            f"{name:17} peak {r['peak_mib']:6.0f} MiB (inputs built: {r['before_mib']:5.0f} MiB; "
            f"ceiling {CEILINGS_MIB[name]} MiB) {r}"
        )


if __name__ == "__main__":
    main()
