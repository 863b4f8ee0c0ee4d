"""The monitor pipeline (``entitlement.pipeline``) against the loopback services, on SQLite and
on PostgreSQL: each (event key, channel) delivered exactly once across the scenario's runs
(counted on the services' request log), retries, dry runs, the breach log, and the laws of
consecutive windows."""

from __future__ import annotations

import logging
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import entitlement
from entitlement.ledger import Delivery, Ledger, outcome_rows
from entitlement.pipeline import (
    CASES_SOQL,
    Channel,
    DeliveryError,
    HttpTransport,
    JiraChannel,
    PagerDutyChannel,
    RequestsTransport,
    RetryPolicy,
    SalesforcePriorityChannel,
    SlackChannel,
    SlackHttpTransport,
    WarRoomChannel,
    fetch_salesforce_records,
    run_monitor,
    salesforce_cases,
)

UTC = timezone.utc
FAST = RetryPolicy(base_seconds=0.01)
SLACK_CHANNEL = "#support-sla"


def channels_for(url: str) -> list[Channel]:
    """Every channel, on the loopback services at ``url``."""
    slack = SlackHttpTransport("xoxb-loopback", url + "/api/")
    return [
        SlackChannel(slack, SLACK_CHANNEL),
        WarRoomChannel(slack),
        JiraChannel(HttpTransport(url, {"Authorization": "Basic bG9vcGJhY2s6dG9rZW4="}), "SUP"),
        PagerDutyChannel(HttpTransport(url), "R0UTINGKEY"),
        SalesforcePriorityChannel(HttpTransport(url, {"Authorization": "Bearer 00Dloopback"})),
    ]


def delivered(requests: Iterable[Mapping[str, Any]]) -> Counter[tuple[str, str]]:
    """What reached the services, by (identity, channel): Slack and war-room messages by the
    key in their metadata, Jira issues by their dedupe label, PagerDuty triggers and resolves
    by dedup key, Salesforce PATCHes by case id. Requests a fault answered in its place (429,
    503) performed nothing and are left out."""
    seen: Counter[tuple[str, str]] = Counter()
    for r in requests:
        if r.get("fault") == "status":
            continue
        body = r.get("body") if isinstance(r.get("body"), dict) else {}
        assert isinstance(body, dict)
        if r["path"] == "/api/chat.postMessage":
            payload = (body.get("metadata") or {}).get("event_payload") or {}
            seen[(payload["key"], payload["channel"])] += 1
        elif r["path"] == "/rest/api/3/issue" and r["method"] == "POST":
            labels = [x for x in body["fields"]["labels"] if x.startswith("entitlement-")]
            seen[(labels[0], "jira")] += 1
        elif r["path"] == "/v2/enqueue":
            seen[(body["dedup_key"], "pagerduty:" + body["event_action"])] += 1
        elif r["method"] == "PATCH" and "/sobjects/Case/" in r["path"]:
            seen[(r["path"].rsplit("/", 1)[1], "salesforce")] += 1
    return seen


def expected(
    alerts: Iterable[Any], priorities: Mapping[str, str | None]
) -> Counter[tuple[str, str]]:
    """What ``delivered`` must count for these alerts, each once: every automated delivery of
    each alert, a PATCH only for a case whose priority differs (each case once)."""
    want: Counter[tuple[str, str]] = Counter()
    patched = dict(priorities)
    for alert in alerts:
        for d in alert.deliveries:
            if not d["automated"]:
                continue
            if d["channel"] in ("slack", "war_room"):
                want[(alert.key, d["channel"])] = 1
            elif d["channel"] == "jira":
                want[(d["dedupe"], "jira")] = 1
            elif d["channel"] == "pagerduty":
                want[(d["dedupe"], "pagerduty:trigger")] = 1
            elif d["channel"] == "salesforce" and patched.get(alert.case_id) != d["target"]:
                want[(alert.case_id, "salesforce")] = 1
                patched[alert.case_id] = d["target"]
    return want


def scenario_alerts(scenario: Any, rules: Any, until: datetime) -> list[Any]:
    """The alerts of every window of the scenario up to ``until``, computed directly."""
    cases = scenario.cases()
    alerts: list[Any] = []
    since = scenario.RUNS[0] - timedelta(hours=1)
    for now in scenario.RUNS:
        if now > until:
            break
        alerts += rules.monitor(cases, now, since=since).alerts
        since = now
    return alerts


def priorities(scenario: Any) -> dict[str, str | None]:
    return {r["Id"]: r.get("Priority") for r in scenario.records}


def comparable(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The outcome columns (without ``updated_at`` and ``run_id``), by case, milestone and
    instance (the ledger's order; ``report.outcomes()`` follows the process's order)."""
    kept = [{k: v for k, v in row.items() if k not in ("updated_at", "run_id")} for row in rows]
    return sorted(kept, key=lambda r: (r["case_id"], r["milestone"], r["instance"]))


# --- the scenario -------------------------------------------------------------------------


def test_each_key_goes_to_each_channel_once_across_the_scenarios_runs(
    scenario: Any, loopback: Any, ledger_target: str
) -> None:
    rules = scenario.rules()
    cases = scenario.cases()
    channels = channels_for(loopback.url)
    with Ledger.open(ledger_target) as ledger:
        summaries = [
            run_monitor(rules, cases, now, ledger=ledger, channels=channels, retry=FAST)
            for now in scenario.RUNS
        ]
        assert [s.status for s in summaries] == ["finished"] * 3
        assert summaries[0].since == scenario.RUNS[0] - timedelta(hours=1)  # the lookback
        assert [s.since for s in summaries[1:]] == list(scenario.RUNS[:2])
        assert all(s.failed == 0 and s.failures == [] for s in summaries)
        after_runs = loopback.requests()

        # The manual run with an earlier `now`: recorded as skipped, nothing re-posted.
        manual = run_monitor(
            rules, cases, scenario.MANUAL, ledger=ledger, channels=channels, retry=FAST
        )
        assert manual.status == "skipped"
        assert (manual.events, manual.sent) == (0, 0)
        assert delivered(loopback.requests()) == delivered(after_runs)
        assert ledger.last_finished_now() == scenario.RUNS[-1]

        alerts = scenario_alerts(scenario, rules, scenario.RUNS[-1])
        want = expected(alerts, priorities(scenario))
        assert delivered(after_runs) == want
        # Every channel of the scenario is exercised, and one case already had the priority.
        assert {c for _, c in want} == {
            "slack",
            "war_room",
            "jira",
            "pagerduty:trigger",
            "salesforce",
        }
        rows = ledger.deliveries()
        assert {d.status for d in rows} == {"sent"}
        assert "unchanged" in {d.remote_id for d in rows if d.channel == "salesforce"}
        assert sum(s.sent for s in summaries) == len(rows)

        # The breach and near-miss log equals the monitor's own replay at the last run's now.
        last = rules.monitor(cases, scenario.RUNS[-1], since=scenario.RUNS[1])
        assert comparable(ledger.outcomes()) == comparable(outcome_rows(last.outcomes()))
        assert {r["outcome"] for r in ledger.outcomes()} >= {"met", "violated", "open"}
        assert [r["status"] for r in ledger.runs()] == ["finished"] * 3 + ["skipped"]

    state = loopback.state()
    war_rooms = [c for name, c in state["slack"]["channels"].items() if name.startswith("war-")]
    assert war_rooms
    assert all(len(room["pins"]) == 1 for room in war_rooms)
    assert all(len(room["members"]) == 3 for room in war_rooms)  # the bot, the CSM, a contact


def test_slack_429_with_retry_after_and_503s_are_retried(
    scenario: Any, loopback: Any, tmp_path: Path
) -> None:
    waits: list[float] = []
    retry = RetryPolicy(base_seconds=0.01, sleep=waits.append)
    loopback.fault(
        {"fault": "status", "service": "slack", "path": "chat.postMessage", "nth": 1,
         "status": 429, "retry_after": 7},
        {"fault": "status", "service": "slack", "path": "chat.postMessage", "nth": 3,
         "status": 503, "times": 2},
        {"fault": "status", "service": "jira", "path": "/rest/api/3/issue", "status": 502},
    )  # fmt: skip
    rules = scenario.rules()
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        for now in scenario.RUNS:
            summary = run_monitor(
                rules, scenario.cases(), now, ledger=ledger, channels=channels_for(loopback.url),
                retry=retry,
            )  # fmt: skip
            assert summary.failed == 0
    requests = loopback.requests()
    statuses = Counter(r["status"] for r in requests if r.get("fault") == "status")
    assert statuses == {429: 1, 503: 2, 502: 1}
    assert 7.0 in waits  # Retry-After, not the backoff
    alerts = scenario_alerts(scenario, rules, scenario.RUNS[-1])
    assert delivered(requests) == expected(alerts, priorities(scenario))


def test_a_delivery_that_keeps_failing_is_reported_then_sent_by_a_later_run(
    scenario: Any, loopback: Any, tmp_path: Path
) -> None:
    loopback.fault(
        {"fault": "status", "service": "jira", "path": "/rest/api/3/issue", "method": "POST",
         "status": 503, "times": 5},
    )  # fmt: skip
    rules = scenario.rules()
    channels = channels_for(loopback.url)
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        for now in scenario.RUNS:
            summary = run_monitor(
                rules, scenario.cases(), now, ledger=ledger, channels=channels, retry=FAST
            )
        assert summary.failed == 1
        assert [(f.channel, f.attempts) for f in summary.failures] == [("jira", 1)]
        assert "HTTP 503" in (summary.failures[0].error or "")
        # The next run (nothing new in its window) works the failed row off: attempt 2 asks
        # Jira first (the label search), then creates the issue.
        later = run_monitor(
            rules,
            scenario.cases(),
            scenario.RUNS[-1] + timedelta(minutes=1),
            ledger=ledger,
            channels=channels,
            retry=FAST,
        )
        assert (later.sent, later.failed, later.failures) == (1, 0, [])
    searches = [r for r in loopback.requests() if "search" in r["path"]]
    assert len(searches) == 1
    alerts = scenario_alerts(scenario, rules, scenario.RUNS[-1])
    assert delivered(loopback.requests()) == expected(alerts, priorities(scenario))


def test_actions_not_automated_are_a_dry_run(
    scenario: Any, loopback: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rules = scenario.rules(automate=[])
    caplog.set_level(logging.INFO, logger="entitlement.pipeline")
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        for now in scenario.RUNS:
            run_monitor(
                rules, scenario.cases(), now, ledger=ledger,
                channels=channels_for(loopback.url), retry=FAST,
            )  # fmt: skip
        dry = ledger.deliveries("dry_run")
        assert {d.channel for d in dry} == {"war_room", "jira", "pagerduty", "salesforce"}
        assert {d.channel for d in ledger.deliveries("sent")} == {"slack"}
        runs = ledger.runs()
        assert sum(r["dry_run"] for r in runs) == len(dry)
    services = {r["service"] for r in loopback.requests()}
    assert services == {"slack"}
    assert {r["path"] for r in loopback.requests()} == {"/api/chat.postMessage"}
    assert any("dry run: would open #war-acme-corp-" in m for m in caplog.messages)
    assert any("and invite 2 people" in m for m in caplog.messages)
    assert any(m.startswith("run ") and " dry run" in m for m in caplog.messages)


SEV1_RULES = """
calendars: { 24x7: { always_open: true } }
processes:
  - id: sev1
    calendar: 24x7
    milestones:
      - name: First Response
        kind: first_response
        target: 15m
        triggers: [{ at: "100%", level: violation, actions: [page_oncall] }]
entitlements:
  - { id: umbrella-sev1, process: sev1, account: { id: A-4, name: Umbrella } }
monitor: { automate: [page_oncall] }
"""


def test_a_completed_milestone_resolves_its_page(loopback: Any, tmp_path: Path) -> None:
    rules = entitlement.Ruleset.from_yaml(SEV1_RULES)
    case = {
        "id": "C-1",
        "entitlement": "umbrella-sev1",
        "created_at": "2026-11-25T14:00:00Z",
        "events": [{"at": "2026-11-25T14:40:00Z", "type": "agent_reply"}],
    }
    start = datetime(2026, 11, 25, 14, 10, tzinfo=UTC)
    channels = channels_for(loopback.url)
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        for now in (start, start + timedelta(minutes=10), start + timedelta(hours=1)):
            run_monitor(rules, [case], now, ledger=ledger, channels=channels, retry=FAST)
        resolve = ledger.deliveries("sent")[-1]
        assert (resolve.action, resolve.event_key) == ("resolve", "C-1/First Response/1/completed")
    incidents = loopback.state()["pagerduty"]["incidents"]
    assert {k: v["status"] for k, v in incidents.items()} == {
        "C-1/First Response/1/breach": "resolved"
    }
    assert delivered(loopback.requests()) == {
        ("C-1/First Response/1/breach", "pagerduty:trigger"): 1,
        ("C-1/First Response/1/breach", "pagerduty:resolve"): 1,
        ("C-1/First Response/1/breach", "slack"): 1,
    }


def test_a_delivery_without_its_channel_is_failed_not_dropped(
    scenario: Any, loopback: Any, tmp_path: Path
) -> None:
    slack_only = [c for c in channels_for(loopback.url) if c.name == "slack"]
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        for now in scenario.RUNS:
            summary = run_monitor(
                scenario.rules(), scenario.cases(), now, ledger=ledger, channels=slack_only
            )
        assert summary.failed > 0
        assert {f.channel for f in summary.failures} == {
            "war_room",
            "jira",
            "pagerduty",
            "salesforce",
        }
        assert all("channel configured" in (f.error or "") for f in summary.failures)


# --- Salesforce in ------------------------------------------------------------------------


def test_salesforce_records_become_cases_keyed_by_record_id(loopback: Any) -> None:
    transport = HttpTransport(loopback.url, {"Authorization": "Bearer 00Dloopback"})
    records = fetch_salesforce_records(transport, CASES_SOQL, retry=FAST)
    queries = [r for r in loopback.requests() if r["service"] == "salesforce"]
    assert len(queries) == 2  # the first page, then nextRecordsUrl
    assert queries[0]["query"]["q"] == CASES_SOQL
    assert "Priority" in CASES_SOQL
    cases = salesforce_cases(records)
    assert len(cases) == len(records) == 19
    first = cases[0]
    assert first["id"] == "5005e0000000000001"
    assert first["fields"]["case_number"] == "00001001"
    assert first["fields"]["priority"] == "High"
    assert all(c["fields"]["priority"] in ("High", "Medium", "Low") for c in cases)


def test_an_http_error_that_is_not_transient_is_not_retried(loopback: Any) -> None:
    calls: list[float] = []
    transport = HttpTransport(loopback.url)  # no token: 401
    with pytest.raises(DeliveryError, match="HTTP 401") as caught:
        fetch_salesforce_records(transport, retry=RetryPolicy(sleep=calls.append))
    assert (caught.value.transient, calls) == (False, [])


def test_an_answer_past_the_size_bound_is_refused_not_read(loopback: Any) -> None:
    transport = HttpTransport(loopback.url, {"Authorization": "Bearer 00D"}, max_body=1000)
    with pytest.raises(DeliveryError, match="more than 1000 bytes"):
        fetch_salesforce_records(transport, retry=FAST)


def test_slack_sdk_web_client_is_a_slack_client(
    scenario: Any, loopback: Any, tmp_path: Path
) -> None:
    slack_sdk = pytest.importorskip("slack_sdk")
    client = slack_sdk.WebClient(token="xoxb-loopback", base_url=loopback.url + "/api/")
    loopback.fault(
        {"fault": "status", "service": "slack", "path": "chat.postMessage", "status": 429,
         "retry_after": 0},
        {"fault": "status", "service": "slack", "path": "chat.postMessage", "status": 503,
         "nth": 2},
    )  # fmt: skip
    channels: list[Channel] = [SlackChannel(client, SLACK_CHANNEL), WarRoomChannel(client)]
    rules = scenario.rules(automate=["open_war_room"])
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        for now in scenario.RUNS:
            summary = run_monitor(
                rules, scenario.cases(), now, ledger=ledger, channels=channels, retry=FAST
            )
            assert summary.failed == 0
    alerts = scenario_alerts(scenario, rules, scenario.RUNS[-1])
    assert delivered(loopback.requests()) == expected(alerts, {})


def test_a_requests_session_backs_the_http_channels(
    scenario: Any, loopback: Any, tmp_path: Path
) -> None:
    """What an Airflow hook's session gives: ``RequestsTransport`` over ``requests.Session``."""
    requests = pytest.importorskip("requests")
    session = requests.Session()
    session.headers["Authorization"] = "Bearer 00Dloopback"  # as a hook's session carries it
    loopback.fault(
        {"fault": "status", "service": "jira", "path": "/rest/api/3/issue", "status": 503},
        {"fault": "status", "service": "salesforce", "method": "PATCH", "status": 429,
         "retry_after": 0},
    )  # fmt: skip
    channels: list[Channel] = [
        SlackChannel(SlackHttpTransport("xoxb-loopback", loopback.url + "/api/"), SLACK_CHANNEL),
        JiraChannel(RequestsTransport(session, loopback.url), "SUP"),
        PagerDutyChannel(RequestsTransport(session, loopback.url), "R0UTINGKEY"),
        SalesforcePriorityChannel(RequestsTransport(session, loopback.url)),
    ]
    rules = scenario.rules(automate=["create_jira_issue", "page_oncall", "raise_priority"])
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        for now in scenario.RUNS:
            summary = run_monitor(
                rules, scenario.cases(), now, ledger=ledger, channels=channels, retry=FAST
            )
            assert summary.failed == 0
    alerts = scenario_alerts(scenario, rules, scenario.RUNS[-1])
    assert delivered(loopback.requests()) == expected(alerts, priorities(scenario))
    small = RequestsTransport(session, loopback.url, max_body=1000)
    with pytest.raises(DeliveryError, match="more than 1000 bytes"):
        fetch_salesforce_records(small, retry=FAST)


# --- laws of consecutive windows ----------------------------------------------------------


class Recorder:
    """A channel that keeps what it is sent (for the property tests: no network)."""

    def __init__(self, name: str, sent: list[tuple[str, str]]) -> None:
        self.name = name
        self._sent = sent

    def payload(self, alert: Any, delivery: Mapping[str, Any]) -> dict[str, Any]:
        return {"key": alert.key}

    def lookup(self, delivery: Delivery, retry: RetryPolicy) -> str | None:
        return None

    def send(self, delivery: Delivery, retry: RetryPolicy) -> str:
        self._sent.append((delivery.event_key, self.name))
        return delivery.event_key


NAMES = ("slack", "war_room", "jira", "pagerduty", "salesforce")


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cuts=st.lists(st.integers(min_value=1, max_value=14 * 24 * 4), max_size=6, unique=True),
)
def test_any_sequence_of_windows_delivers_each_key_once(scenario: Any, cuts: list[int]) -> None:
    """Whatever the schedule (runs at increasing ``now``s, a manual earlier run in between),
    every alert key goes to Slack exactly once, no (key, channel) twice, and the breach log
    equals the outcomes at the last ``now``: the ledger's upsert is idempotent."""
    rules = scenario.rules()
    cases = scenario.cases()
    start = datetime(2026, 11, 20, tzinfo=UTC)
    nows = [start + timedelta(minutes=15 * c) for c in sorted(cuts)]
    nows.append(start + timedelta(days=15))
    sent: list[tuple[str, str]] = []
    channels = [Recorder(n, sent) for n in NAMES]
    with tempfile.TemporaryDirectory() as where, Ledger.open(Path(where) / "l.db") as ledger:
        for i, now in enumerate(nows):
            run_monitor(rules, cases, now, ledger=ledger, channels=channels, lookback=now - start)
            if i == 1:  # a manual run earlier than the last finished one
                skipped = run_monitor(rules, cases, nows[0], ledger=ledger, channels=channels)
                assert skipped.status == "skipped"
        outcomes = comparable(ledger.outcomes())
    assert len(sent) == len(set(sent))
    whole = rules.monitor(cases, nows[-1], since=start)
    assert sorted(k for k, c in sent if c == "slack") == sorted(a.key for a in whole.alerts)
    assert outcomes == comparable(outcome_rows(whole.outcomes()))


def test_a_handed_in_sqlite_connection_runs_the_pipeline(scenario: Any, tmp_path: Path) -> None:
    sent: list[tuple[str, str]] = []
    conn = sqlite3.connect(tmp_path / "hook.db")  # what SqliteHook.get_conn() returns
    with Ledger.open(conn) as ledger:
        for now in scenario.RUNS:
            run_monitor(
                scenario.rules(), scenario.cases(), now, ledger=ledger,
                channels=[Recorder(n, sent) for n in NAMES],
            )  # fmt: skip
        assert len(ledger.runs()) == 3
    assert len(sent) == len(set(sent)) > 0
