"""The ledger (``entitlement.ledger``) on SQLite and on a real PostgreSQL: the schema from the
engine, the run's one transaction, the outbox's states, reconnecting after a restart."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import entitlement
from entitlement import _entitlement
from entitlement.ledger import (
    Ledger,
    LedgerUnavailable,
    PlannedDelivery,
    RunCounts,
    format_instant,
    outcome_rows,
    parse_instant,
)

UTC = timezone.utc
T0 = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
SERVICES_SH = Path(__file__).resolve().parents[2] / "tests" / "services" / "postgres.sh"
TABLES = {"ledger_migrations", "monitor_runs", "events", "deliveries", "milestone_outcomes"}

# A Severity 1 case: its first response (15 min, round the clock) breaches at 14:15 and pages
# on-call, then the agent's reply at 14:40 completes it late.
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
SEV1_CASE: dict[str, Any] = {
    "id": "C-1",
    "entitlement": "umbrella-sev1",
    "created_at": "2026-11-25T14:00:00Z",
    "events": [{"at": "2026-11-25T14:40:00Z", "type": "agent_reply"}],
}


def tables(ledger: Ledger) -> set[str]:
    if ledger.dialect == "sqlite":
        sql = "SELECT name AS t FROM sqlite_master WHERE type = 'table'"
    else:
        sql = "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public'"
    return {r["t"] for r in ledger._rows(sql)}


def plan_of(report: Any) -> list[PlannedDelivery]:
    return [
        PlannedDelivery(
            event_key=a.key,
            channel=d["channel"],
            action=d["action"],
            status="pending" if d["automated"] else "dry_run",
            payload={"key": a.key},
            target=d["target"],
            dedupe=d["dedupe"],
        )
        for a in report.alerts
        for d in a.deliveries
    ]


def test_the_schema_is_the_engines_and_migrating_twice_changes_nothing(
    ledger_target: str,
) -> None:
    with Ledger.open(ledger_target) as ledger:
        versions = [v for v, _, _ in _entitlement.ledger_migrations()]
        assert ledger.migrate() == versions
        assert ledger.migrate() == []
        assert ledger.migrations() == versions
        assert tables(ledger) >= TABLES
    with Ledger.open(ledger_target) as again:  # a second worker finds the schema current
        assert again.migrate() == []


def test_sqlite_ledger_is_one_file_in_wal_mode(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        ledger.migrate()
    conn = sqlite3.connect(tmp_path / "ledger.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


@given(st.datetimes(timezones=st.timezones()), st.datetimes(timezones=st.timezones()))
def test_instants_are_text_whose_order_is_time_order(a: datetime, b: datetime) -> None:
    # Hypothesis builds zone-aware datetimes that may not exist (a DST gap); what matters is
    # the instant they denote.
    ta, tb = format_instant(a), format_instant(b)
    assert len(ta) == len("2026-11-25T08:00:00.000000Z")
    assert ta.endswith("Z")
    assert parse_instant(ta) == a.astimezone(UTC)
    assert (ta < tb) == (a.astimezone(UTC) < b.astimezone(UTC))


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_instant(datetime(2026, 11, 25))


def test_a_run_records_events_deliveries_and_outcomes_once(ledger_target: str) -> None:
    rules = entitlement.Ruleset.from_yaml(SEV1_RULES)
    now = T0 + timedelta(minutes=20)
    report = rules.monitor([SEV1_CASE], now, since=T0)
    with Ledger.open(ledger_target) as ledger:
        ledger.migrate()
        assert ledger.last_finished_now() is None
        run = ledger.begin_run(job="test", since=T0, now=now)
        new = ledger.record(run, report, plan_of(report))
        assert [(p.channel, p.action) for p in new] == [
            ("slack", "notify"),
            ("pagerduty", "page_oncall"),
            ("salesforce", "raise_priority"),  # suggested by the engine, a dry run here
        ]
        assert [p.status for p in new] == ["pending", "pending", "dry_run"]
        # The same report again (a retried task): nothing new.
        assert ledger.record(run, report, plan_of(report)) == []
        events = ledger.events()
        assert [e["event_key"] for e in events] == [e.key for e in report.events]
        assert events[0]["event"] == json.loads(report.to_json())["events"][0]
        assert ledger.outcomes() == [
            dict(row, updated_at=ledger.outcomes()[0]["updated_at"], run_id=run.run_id)
            for row in outcome_rows(report.outcomes())
        ]
        assert ledger.runs()[0]["status"] == "running"
        assert ledger.last_finished_now() is None
        ledger.finish_run(run, "finished", RunCounts(cases=1, events=len(report.events)))
        assert ledger.last_finished_now() == now
        assert ledger.runs()[0]["status"] == "finished"
        assert ledger.runs()[0]["events"] == len(report.events)


def test_a_completed_paged_milestone_gets_a_resolve(ledger_target: str) -> None:
    rules = entitlement.Ruleset.from_yaml(SEV1_RULES)
    first, second = T0 + timedelta(minutes=20), T0 + timedelta(hours=1)
    with Ledger.open(ledger_target) as ledger:
        ledger.migrate()
        report = rules.monitor([SEV1_CASE], first, since=T0)
        ledger.record(ledger.begin_run(job="t", since=T0, now=first), report, plan_of(report))
        page = next(d for d in ledger.pending() if d.channel == "pagerduty")
        ledger.mark_sent(ledger.mark_attempt(page), page.dedupe or "")
        report = rules.monitor([SEV1_CASE], second, since=first)
        completed = [e.key for e in report.events if e.kind == "milestone_completed"]
        assert completed == ["C-1/First Response/1/completed"]
        new = ledger.record(
            ledger.begin_run(job="t", since=first, now=second), report, plan_of(report)
        )
        assert [(p.event_key, p.channel, p.action, p.dedupe) for p in new] == [
            (completed[0], "pagerduty", "resolve", page.dedupe)
        ]
        resolve = [d for d in ledger.pending() if d.action == "resolve"]
        assert len(resolve) == 1
        assert resolve[0].case_id == "C-1"


def test_the_outbox_holds_pending_and_retryable_failed_rows_oldest_first(
    ledger_target: str,
) -> None:
    with Ledger.open(ledger_target) as ledger:
        ledger.migrate()
        run = ledger.begin_run(job="t", since=None, now=T0)
        plain = SEV1_RULES.replace("monitor: { automate: [page_oncall] }", "")
        report = entitlement.Ruleset.from_yaml(plain).monitor([], T0, since=None)
        plan = [
            PlannedDelivery("b", "slack", "notify", "pending", {"n": 1}),
            PlannedDelivery("a", "jira", "create_jira_issue", "dry_run", {"n": 2}),
            PlannedDelivery("a", "slack", "notify", "pending", {"n": 3}),
        ]
        ledger.record(run, report, plan)
        pending = ledger.pending(max_attempts=2)
        # Oldest first, and rows of one transaction in the order they were planned.
        assert [(d.event_key, d.channel, d.payload) for d in pending] == [
            ("b", "slack", {"n": 1}),
            ("a", "slack", {"n": 3}),
        ]
        first = ledger.mark_attempt(pending[0])
        assert first.attempts == 1
        ledger.mark_failed(first, "slack chat.postMessage: HTTP 503")
        assert [d.status for d in ledger.pending(max_attempts=2)] == ["failed", "pending"]
        second = ledger.mark_attempt(first)
        assert second.attempts == 2
        ledger.mark_failed(second, "again")
        # Out of attempts: no longer worked off, still there and reported.
        assert [d.event_key for d in ledger.pending(max_attempts=2)] == ["a"]
        assert [(d.event_key, d.error) for d in ledger.deliveries("failed")] == [("b", "again")]
        ledger.mark_sent(ledger.mark_attempt(pending[1]), "1700000000.000100")
        sent = ledger.deliveries("sent")
        assert [(d.remote_id, d.attempts, d.error) for d in sent] == [
            ("1700000000.000100", 1, None)
        ]
        assert sent[0].sent_at is not None
        assert [d.channel for d in ledger.deliveries("dry_run")] == ["jira"]


def test_a_handed_in_connection_or_factory_is_used(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "a.db")  # the module's default transaction handling
    with Ledger.open(conn) as ledger:
        assert ledger.dialect == "sqlite"
        assert ledger.migrate() != []
    with Ledger.open(lambda: sqlite3.connect(tmp_path / "a.db")) as again:
        assert again.migrate() == []
    with pytest.raises(TypeError, match="not a sqlite3, psycopg or psycopg2 connection"):
        Ledger.open(object())


def test_a_handed_in_psycopg_connection_is_used(postgres_url: str) -> None:
    import psycopg

    conn = psycopg.connect(postgres_url, autocommit=True)
    with Ledger.open(conn) as ledger:
        assert ledger.dialect == "postgres"
        assert ledger.migrate() != []
        assert tables(ledger) >= TABLES


def test_postgres_restart_between_calls_reconnects(postgres_server: Any, postgres_url: str) -> None:
    if postgres_server.dir is None:
        pytest.skip("the server was given by the environment: it cannot be restarted here")
    with Ledger.open(postgres_url, retry_base_seconds=0.05) as ledger:
        ledger.migrate()
        run = ledger.begin_run(job="t", since=None, now=T0)
        ledger.finish_run(run, "finished", RunCounts())
        subprocess.run(
            ["bash", str(SERVICES_SH), "restart", str(postgres_server.dir)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        assert ledger.last_finished_now() == T0


def test_an_unreachable_database_is_ledger_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    pytest.importorskip("psycopg")
    with pytest.raises(LedgerUnavailable, match="cannot connect"):
        Ledger.open(
            f"postgresql://postgres@127.0.0.1:{port}/x", retry_seconds=0.3, retry_base_seconds=0.05
        )
