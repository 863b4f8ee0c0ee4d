"""The pipeline under crashes: a worker SIGKILLed between sending and marking (a child process
running ``python -m entitlement.pipeline``, killed by the loopback as the request arrives), and
PostgreSQL restarted in the middle of a run. Every (event key, channel) still goes out once."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from entitlement.ledger import Ledger
from entitlement.pipeline import (
    HttpTransport,
    JiraChannel,
    PagerDutyChannel,
    RetryPolicy,
    SalesforcePriorityChannel,
    SlackChannel,
    SlackHttpTransport,
    WarRoomChannel,
    run_monitor,
)

FAST = RetryPolicy(base_seconds=0.01)
REPO = Path(__file__).resolve().parents[2]
POSTGRES_SH = REPO / "tests" / "services" / "postgres.sh"

# The child waits for a line on stdin before it runs, so that the test can arm a fault naming
# its pid first.
GATE = "import sys; sys.stdin.readline(); from entitlement.pipeline import main; sys.exit(main())"


def child_env() -> dict[str, str]:
    return dict(
        os.environ,
        SALESFORCE_ACCESS_TOKEN="00Dloopback",
        SLACK_BOT_TOKEN="xoxb-loopback",
        JIRA_EMAIL="loopback",
        JIRA_API_TOKEN="token",
        PAGERDUTY_ROUTING_KEY="R0UTINGKEY",
    )


def run_child(
    loopback: Any, rules: Path, ledger: str, now: datetime, fault: dict[str, Any] | None
) -> subprocess.CompletedProcess[str]:
    """``python -m entitlement.pipeline`` against the loopback, with ``fault`` armed for it."""
    args = [
        sys.executable, "-c", GATE, "--rules", str(rules), "--ledger", ledger,
        "--now", now.isoformat(), "--slack-channel", "#support-sla", "--jira-project", "SUP",
        "--retry-base-seconds", "0.01",
    ]  # fmt: skip
    child = subprocess.Popen(
        args,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(
            child_env(),
            SALESFORCE_INSTANCE_URL=loopback.url,
            SLACK_API_URL=loopback.url + "/api/",
            JIRA_URL=loopback.url,
            PAGERDUTY_EVENTS_URL=loopback.url + "/v2/enqueue",
        ),
    )
    if fault is not None:
        loopback.fault(dict(fault, pid=child.pid))
    out, err = child.communicate("go\n", timeout=120)
    return subprocess.CompletedProcess(args, child.returncode, out, err)


def channels_for(url: str) -> list[Any]:
    slack = SlackHttpTransport("xoxb-loopback", url + "/api/")
    return [
        SlackChannel(slack, "#support-sla"),
        WarRoomChannel(slack),
        JiraChannel(HttpTransport(url, {"Authorization": "Basic bG9vcGJhY2s6dG9rZW4="}), "SUP"),
        PagerDutyChannel(HttpTransport(url), "R0UTINGKEY"),
        SalesforcePriorityChannel(HttpTransport(url, {"Authorization": "Bearer 00Dloopback"})),
    ]


def sends(requests: Iterable[Mapping[str, Any]]) -> Counter[tuple[str, str]]:
    """Every performed send by (identity, channel), as ``test_pipeline_run.delivered`` counts."""
    seen: Counter[tuple[str, str]] = Counter()
    for r in requests:
        if r.get("fault") == "status":
            continue
        body = r.get("body") if isinstance(r.get("body"), dict) else {}
        assert isinstance(body, dict)
        if r["path"] == "/api/chat.postMessage":
            payload = body["metadata"]["event_payload"]
            seen[(payload["key"], payload["channel"])] += 1
        elif r["path"] == "/rest/api/3/issue" and r["method"] == "POST":
            seen[(body["fields"]["labels"][-1], "jira")] += 1
        elif r["path"] == "/v2/enqueue":
            seen[(body["dedup_key"], "pagerduty")] += 1
        elif r["method"] == "PATCH":
            seen[(r["path"].rsplit("/", 1)[1], "salesforce")] += 1
        elif r["path"] == "/api/pins.add":
            seen[(body["timestamp"], "pin")] += 1
    return seen


def wanted(ledger: Ledger) -> Counter[tuple[str, str]]:
    """One send per row the ledger marked sent (a PATCH only when the priority changed)."""
    want: Counter[tuple[str, str]] = Counter()
    for d in ledger.deliveries("sent"):
        assert d.remote_id is not None
        if d.channel in ("slack", "war_room"):
            want[(d.event_key, d.channel)] = 1
        if d.channel == "war_room":
            want[(d.remote_id.split("/")[1], "pin")] = 1
        elif d.channel == "jira":
            want[(d.dedupe or "", "jira")] = 1
        elif d.channel == "pagerduty":
            want[(d.dedupe or "", "pagerduty")] = 1
        elif d.channel == "salesforce" and d.remote_id != "unchanged":
            want[(d.remote_id, "salesforce")] = 1
    return want


# Where the worker dies: the request is performed and logged, then the worker is SIGKILLed
# before it reads the answer (so before it can mark the row sent).
KILLS: dict[str, dict[str, Any]] = {
    "slack": {"service": "slack", "path": "chat.postMessage", "nth": 1},
    "war_room": {"service": "slack", "path": "pins.add", "nth": 2},
    "jira": {"service": "jira", "path": "/rest/api/3/issue", "method": "POST", "nth": 2},
    "pagerduty": {"service": "pagerduty", "path": "/v2/enqueue", "nth": 1},
    "salesforce": {"service": "salesforce", "path": "/sobjects/Case/", "method": "PATCH"},
}


@pytest.mark.parametrize(
    ("channel", "database"),
    [(c, "sqlite") for c in KILLS] + [("slack", "postgres"), ("jira", "postgres")],
)
def test_a_worker_killed_between_send_and_mark_sends_nothing_twice(
    channel: str,
    database: str,
    scenario: Any,
    loopback: Any,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    if database == "sqlite":
        ledger_target = str(tmp_path / "ledger.db")
    else:
        ledger_target = str(request.getfixturevalue("postgres_url"))
    rules = scenario.write_rules(tmp_path / "rules.json")
    first, second, last = scenario.RUNS
    with Ledger.open(ledger_target) as ledger:  # the earlier runs, in this process
        for now in (first, second):
            run_monitor(
                scenario.rules(), scenario.cases(), now, ledger=ledger,
                channels=channels_for(loopback.url), retry=FAST,
            )  # fmt: skip
    killed = run_child(loopback, rules, ledger_target, last, {"fault": "kill", **KILLS[channel]})
    assert killed.returncode == -9, killed.stderr
    with Ledger.open(ledger_target) as ledger:
        assert ledger.last_finished_now() == second  # the killed run never finished
        stuck = [d for d in ledger.deliveries() if d.attempts == 1 and d.status == "pending"]
        assert [d.channel for d in stuck] == [channel]
    # The retried task: the same window again.
    retried = run_child(loopback, rules, ledger_target, last, None)
    assert retried.returncode == 0, retried.stderr
    summary = json.loads(retried.stdout)
    assert (summary["status"], summary["failed"]) == ("finished", 0)
    with Ledger.open(ledger_target) as ledger:
        assert {d.status for d in ledger.deliveries()} == {"sent"}
        want = wanted(ledger)
    seen = sends(loopback.requests())
    if channel == "pagerduty":
        # No lookup: the trigger is sent again with the same dedup key, which PagerDuty
        # deduplicates into the one incident it opened.
        again = (stuck[0].dedupe or "", "pagerduty")
        assert seen[again] == 2
        seen[again] = 1
        incident = loopback.state()["pagerduty"]["incidents"][again[0]]
        assert (incident["opened"], incident["triggers"]) == (1, 2)
    else:
        assert f"found {channel} {stuck[0].event_key} already delivered" in retried.stderr
    assert seen == want


def test_postgres_restarted_mid_run_delivers_once(
    scenario: Any,
    loopback: Any,
    postgres_server: Any,
    postgres_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if postgres_server.dir is None:
        pytest.skip("the server was given by the environment: it cannot be restarted here")
    rules = scenario.rules()
    cases = scenario.cases()
    # As Slack answers its second post, the server goes down (and comes back two seconds
    # later), so the pipeline's next statements meet a dead connection and a refused one.
    done = tmp_path / "restarted"
    restart = f"bash {POSTGRES_SH} restart {postgres_server.dir} 1 >/dev/null 2>&1; touch {done}"
    loopback.fault(
        {"fault": "exec", "service": "slack", "path": "chat.postMessage", "nth": 2,
         "argv": ["bash", "-c", f"({restart}) & sleep 0.8"]}
    )  # fmt: skip
    caplog.set_level(logging.WARNING, logger="entitlement.ledger")
    with Ledger.open(postgres_url, retry_base_seconds=0.05) as ledger:
        summaries = [
            run_monitor(
                rules, cases, now, ledger=ledger, channels=channels_for(loopback.url), retry=FAST
            )
            for now in scenario.RUNS
        ]
        deadline = time.monotonic() + 60
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert done.exists()
        assert [s.failed for s in summaries] == [0, 0, 0]
        assert {d.status for d in ledger.deliveries()} == {"sent"}
        assert [r["status"] for r in ledger.runs()] == ["finished"] * 3
        want = wanted(ledger)
    assert any("retrying" in m for m in caplog.messages), caplog.messages
    assert sends(loopback.requests()) == want
