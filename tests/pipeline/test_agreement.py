"""The Python job (``python -m entitlement.pipeline``) and the Node job
(``examples/node/monitor.mjs``) agree: over the same scenario (``tests/services/scenario.py``),
each with its own loopback services and its own SQLite ledger, the same windows give the same
ledger (runs, events, deliveries with their payloads, milestone outcomes) and the same effects
on the services (Slack messages, war rooms, Jira issues, PagerDuty incidents, case priorities).

Run by the test command after both layers are built:
``.venv/bin/python -m pytest tests/pipeline``.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "services"))

import scenario  # noqa: E402

NODE_JOB = REPO / "examples" / "node" / "monitor.mjs"


@dataclass
class Loopback:
    process: subprocess.Popen[bytes]
    url: str

    def state(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + "/_state", timeout=10) as answer:
            state: dict[str, Any] = json.load(answer)
            return state


def start_loopback(where: Path) -> Loopback:
    where.mkdir(parents=True, exist_ok=True)
    port = where / "port"
    process = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "tests" / "services" / "loopback.py"),
            "--log",
            str(where / "requests.jsonl"),
            "--port-file",
            str(port),
            "--data",
            str(scenario.RECORDED),
        ]
    )
    for _ in range(200):
        if port.exists() and port.read_text().strip():
            return Loopback(process, f"http://127.0.0.1:{port.read_text().strip()}")
        if process.poll() is not None:
            raise RuntimeError("the loopback services did not start")
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("the loopback services did not write their port")


@dataclass
class Job:
    name: str
    command: list[str]
    loopback: Loopback
    ledger: Path

    def run(self, rules: Path, now: str) -> None:
        url = self.loopback.url
        env = dict(
            os.environ,
            ENTITLEMENT_RULES=str(rules),
            ENTITLEMENT_LEDGER=str(self.ledger),
            SALESFORCE_INSTANCE_URL=url,
            SALESFORCE_ACCESS_TOKEN="00Dloopback",
            SLACK_BOT_TOKEN="xoxb-loopback",
            SLACK_API_URL=url + "/api/",
            ENTITLEMENT_SLACK_CHANNEL="#support-sla",
            JIRA_URL=url,
            JIRA_EMAIL="monitor@example.com",
            JIRA_API_TOKEN="token",
            ENTITLEMENT_JIRA_PROJECT="SUP",
            PAGERDUTY_ROUTING_KEY="R0UTINGKEY",
            PAGERDUTY_EVENTS_URL=url + "/v2/enqueue",
            ENTITLEMENT_RETRY_BASE_SECONDS="0.01",
        )
        done = subprocess.run(
            [*self.command, "--now", now],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, f"{self.name} at {now}:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def jobs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Job, Job]]:
    if not (REPO / "examples" / "node" / "node_modules").exists():
        pytest.fail("examples/node/node_modules is missing: run bindings-node/scripts/test.sh")
    root = tmp_path_factory.mktemp("agreement")
    rules = scenario.write(root / "rules.json")
    python = Job(
        "python",
        [sys.executable, "-m", "entitlement.pipeline"],
        start_loopback(root / "python"),
        root / "python.sqlite3",
    )
    node = Job("node", ["node", str(NODE_JOB)], start_loopback(root / "node"), root / "node.db")
    try:
        for now in [*scenario.RUNS, scenario.MANUAL]:
            instant = now.isoformat().replace("+00:00", "Z")
            python.run(rules, instant)
            node.run(rules, instant)
        yield python, node
    finally:
        for job in (python, node):
            job.loopback.process.send_signal(signal.SIGTERM)
            job.loopback.process.wait(timeout=10)


def rows(ledger: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(ledger) as db:
        return sorted(tuple(r) for r in db.execute(sql).fetchall())


def test_the_runs_agree(jobs: tuple[Job, Job]) -> None:
    python, node = jobs
    sql = (
        "SELECT since, now, status, cases, events, alerts, errors, sent, failed, dry_run "
        "FROM monitor_runs"
    )
    runs = rows(python.ledger, sql)
    assert runs == rows(node.ledger, sql)
    # Three windows and the manual earlier run, which delivers nothing.
    assert next(r[2] for r in sorted(runs, key=lambda r: (r[2] != "skipped", r[1]))) == "skipped"
    assert sum(r[7] for r in runs) > 0


def test_the_events_agree(jobs: tuple[Job, Job]) -> None:
    python, node = jobs
    sql = (
        "SELECT event_key, kind, level, at, case_id, milestone, instance, account_id, suppressed "
        "FROM events"
    )
    events = rows(python.ledger, sql)
    assert events
    assert events == rows(node.ledger, sql)


def test_the_events_json_is_the_wire_format_in_both(jobs: tuple[Job, Job]) -> None:
    # `events.event` holds each event as JSON: Python's `to_json()`, Node's `JSON.stringify`,
    # one wire format (docs/wire-format.md). Compared as JSON values with integral floats as
    # integers: serde_json writes a duration of 1800 s as 1800.0, JSON.stringify as 1800.
    python, node = jobs
    sql = "SELECT event_key, event FROM events"

    def events(ledger: Path) -> list[tuple[str, str]]:
        return [(key, _canonical(json.loads(text))) for key, text in rows(ledger, sql)]

    written = events(python.ledger)
    assert written
    assert written == events(node.ledger)
    assert all('"case_id"' in text and '"caseId"' not in text for _, text in written)


def test_the_deliveries_agree_with_their_payloads(jobs: tuple[Job, Job]) -> None:
    python, node = jobs
    sql = (
        "SELECT event_key, channel, action, status, attempts, target, dedupe, remote_id, "
        "payload FROM deliveries"
    )

    def normalised(ledger: Path) -> list[tuple[Any, ...]]:
        # The remote ids of Slack (`ts`) differ between two servers; the rest is the same.
        return sorted(
            (*r[:7], r[7] if r[1] in ("jira", "pagerduty", "salesforce") else None,
             json.loads(r[8]))
            for r in rows(ledger, sql)
        )  # fmt: skip

    deliveries = normalised(python.ledger)
    assert {d[1] for d in deliveries} >= {"slack", "war_room", "jira", "pagerduty", "salesforce"}
    assert all(d[3] in ("sent", "dry_run") for d in deliveries)
    assert deliveries == normalised(node.ledger)


def test_the_outcomes_agree(jobs: tuple[Job, Job]) -> None:
    python, node = jobs
    sql = (
        "SELECT case_id, milestone, instance, kind, outcome, account_id, account_name, "
        "entitlement, process, process_version, tier, calendar, started_at, target_seconds, "
        "target_at, completed_at, margin_seconds, margin_wall_seconds, breached_at "
        "FROM milestone_outcomes"
    )
    outcomes = rows(python.ledger, sql)
    assert {r[4] for r in outcomes} >= {"met", "violated"}
    assert outcomes == rows(node.ledger, sql)


def effects(state: dict[str, Any]) -> dict[str, Any]:
    """What the services hold, without the values each server makes up (ids, `ts`, clocks)."""
    slack = {
        name: (
            sorted(channel.get("members", [])),
            Counter(
                json.dumps((m.get("metadata") or {}).get("event_payload"), sort_keys=True)
                for m in channel.get("messages", [])
            ),
            len(channel.get("pins", [])),
        )
        for name, channel in state["slack"]["channels"].items()
    }
    jira = sorted(
        (sorted(issue["labels"]), issue.get("summary"))
        for issue in state["jira"]["issues"].values()
    )
    pagerduty = {
        key: (incident["status"], incident.get("opened"))
        for key, incident in state["pagerduty"]["incidents"].items()
    }
    return {
        "slack": slack,
        "jira": jira,
        "pagerduty": pagerduty,
        "salesforce": state["salesforce"]["cases"],
    }


def test_the_services_see_the_same_effects(jobs: tuple[Job, Job]) -> None:
    python, node = jobs
    seen = effects(python.loopback.state())
    assert seen["slack"]
    assert seen["jira"]
    assert seen["pagerduty"]
    assert seen["salesforce"]
    assert seen == effects(node.loopback.state())


def _canonical(value: Any) -> str:
    def numbers(v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, list):
            return [numbers(x) for x in v]
        if isinstance(v, dict):
            return {k: numbers(x) for k, x in v.items()}
        return v

    return json.dumps(numbers(value), sort_keys=True, separators=(",", ":"))
