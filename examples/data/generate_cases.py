"""Writes examples/data/cases.json: the sample month the README's main job monitors.

The hand-written showcase cases (showcase-cases.json, each exercising one feature of the rules)
come first, then a deterministic month of synthetic cases (November 1 to 25, 2026) across the
Gold, Silver, Bronze, Severity 1 and regulated accounts of rules.yaml, with realistic reply
delays, customer waits, next responses, solves, closes and reopens. Re-running this script
reproduces the file byte for byte (the Python suite checks that).

    python3 examples/data/generate_cases.py            # rewrite cases.json
    python3 examples/data/generate_cases.py --check    # exit 1 if cases.json is stale
"""

from __future__ import annotations

import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOW = datetime(2026, 11, 25, 20, 30, tzinfo=UTC)
START = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
SEED = 20261125

# Entitlement, mean cases per weekday, severity weights (Sev1..Sev4), custom events it knows.
ACCOUNTS = [
    ("acme-gold", 2.2, (0.10, 0.35, 0.40, 0.15), ("diagnosed",)),
    ("globex-gold", 1.6, (0.12, 0.38, 0.35, 0.15), ("diagnosed",)),
    ("stark-silver", 2.4, (0.05, 0.30, 0.45, 0.20), ()),
    ("wayne-silver", 1.2, (0.05, 0.25, 0.50, 0.20), ()),
    ("initech-bronze", 0.9, (0.0, 0.20, 0.50, 0.30), ()),
    ("wonka-bronze", 0.8, (0.0, 0.15, 0.55, 0.30), ()),
    ("umbrella-sev1", 0.35, (1.0, 0.0, 0.0, 0.0), ()),
    ("northbank-regulated", 0.7, (0.15, 0.45, 0.40, 0.0), ("acknowledged",)),
]
SUBJECTS = [
    "Login fails with SSO",
    "Export stuck at 99%",
    "Webhook deliveries delayed",
    "Invoice totals wrong",
    "API returns 502 intermittently",
    "Dashboard slow to load",
    "User cannot reset password",
    "Report schedule missed",
    "Data import rejected",
    "Permission error on project",
]


def iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: small means only.
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def minutes(rng: random.Random, median: float, spread: float = 0.9) -> timedelta:
    return timedelta(minutes=max(1.0, rng.lognormvariate(0, spread) * median))


def synthetic_case(
    rng: random.Random, n: int, account: tuple, created: datetime
) -> dict:
    ent, _, weights, custom = account
    severity = rng.choices(["Sev1", "Sev2", "Sev3", "Sev4"], weights=weights)[0]
    scale = {"Sev1": 0.25, "Sev2": 1.0, "Sev3": 2.5, "Sev4": 4.0}[severity]
    events: list[dict] = []
    t = created

    def add(at: datetime, kind: str, **extra: object) -> bool:
        if at > NOW:
            return False
        events.append({"at": iso(at), "type": kind, **extra})
        return True

    if "acknowledged" in custom:
        add(created + minutes(rng, 12), "acknowledged")
    # The first reply: most within target, a tail well beyond it, some not yet.
    if rng.random() < 0.93:
        t = created + minutes(rng, 22 * scale, 1.0)
        if not add(t, "agent_reply"):
            return finish(n, ent, created, severity, events, rng)
    else:
        return finish(n, ent, created, severity, events, rng)
    if "diagnosed" in custom and rng.random() < 0.7:
        add(t + minutes(rng, 120 * scale), "diagnosed")
    # A few rounds of waiting on the customer and next responses.
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        wait = t + minutes(rng, 20)
        if not add(wait, "status", to="Waiting on Customer"):
            break
        back = wait + minutes(rng, 300, 1.2)
        if not (add(back, "customer_reply") and add(back, "status", to="Open")):
            break
        t = back + minutes(rng, 35 * scale, 0.9)
        if not add(t, "agent_reply"):
            break
    if rng.random() < 0.03 and severity in ("Sev1", "Sev2"):
        t += minutes(rng, 30)
        add(t, "field", field="severity", **{"from": severity, "to": "Sev1"})
        severity = "Sev1"
    # Solve and close, most of the time; the occasional reopen.
    if rng.random() < 0.9:
        solved = t + minutes(rng, 120 * scale, 0.8)
        if add(solved, "solved"):
            closed = solved + minutes(rng, 600)
            if rng.random() < 0.06:
                again = solved + minutes(rng, 200)
                if add(again, "reopened"):
                    add(again + minutes(rng, 30), "agent_reply")
                    add(again + minutes(rng, 300), "solved")
            elif rng.random() < 0.7:
                add(closed, "status", to="Closed")
    return finish(n, ent, created, severity, events, rng)


def finish(
    n: int, ent: str, created: datetime, severity: str, events: list, rng
) -> dict:
    return {
        "id": f"S-{n:04d}",
        "entitlement": ent,
        "created_at": iso(created),
        "fields": {"severity": severity, "subject": rng.choice(SUBJECTS)},
        "events": events,
    }


def generate() -> str:
    rng = random.Random(SEED)
    showcase = json.loads((HERE / "showcase-cases.json").read_text())
    cases = list(showcase)
    n = 1
    day = START
    while day < NOW:
        weekend = day.weekday() >= 5
        for account in ACCOUNTS:
            mean = account[1] * 1.4 * (0.25 if weekend else 1.0)
            for _ in range(poisson(rng, mean)):
                # Business-hours-ish arrival in New York (13:00-23:00Z), some at night.
                hour = (
                    rng.uniform(13, 23) if rng.random() < 0.85 else rng.uniform(0, 24)
                )
                created = day + timedelta(hours=hour)
                if created > NOW:
                    continue
                cases.append(synthetic_case(rng, n, account, created))
                n += 1
        day += timedelta(days=1)
    return json.dumps({"now": iso(NOW), "cases": cases}, indent=1) + "\n"


def main() -> int:
    out = HERE / "cases.json"
    text = generate()
    if "--check" in sys.argv[1:]:
        if out.read_text() != text:
            print(f"{out} is stale: run python3 {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    out.write_text(text)
    print(f"wrote {out} ({len(json.loads(text)['cases'])} cases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
