"""The ledger's schema as the core ships it (``ledger_migrations()``), run on SQLite with the
standard library: every statement executes unchanged, the five tables exist with the primary
keys the pipeline's upserts rely on, and applying is idempotent when recorded.
"""

from __future__ import annotations

import sqlite3

import pytest

from entitlement._entitlement import ledger_migrations

TABLES = {
    "ledger_migrations": ["version"],
    "monitor_runs": ["run_id"],
    "events": ["event_key"],
    "deliveries": ["event_key", "channel"],
    "milestone_outcomes": ["case_id", "milestone", "instance"],
}


def statements(sql: str) -> list[str]:
    """The statements of a migration: each ends with ``;`` at the end of a line."""
    return [s.strip() for s in sql.split(";\n") if s.strip()]


def apply(db: sqlite3.Connection) -> int:
    """Applies every migration not yet recorded, each in one transaction with its row."""
    applied = 0
    have = {
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'ledger_migrations'"
        )
    }
    done = {r[0] for r in db.execute("SELECT version FROM ledger_migrations")} if have else set()
    for version, name, sql in ledger_migrations():
        if version in done:
            continue
        with db:
            for statement in statements(sql):
                db.execute(statement)
            db.execute(
                "INSERT INTO ledger_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, "2026-11-25T08:00:00.000000Z"),
            )
        applied += 1
    return applied


def test_the_migrations_are_numbered_from_one_and_end_each_statement_with_a_semicolon() -> None:
    migrations = ledger_migrations()
    assert [(v, n) for v, n, _ in migrations] == [(1, "init")]
    for _, _, sql in migrations:
        assert isinstance(sql, str)
        assert sql.endswith(";\n")
        assert "--" not in sql
        assert "/*" not in sql
        for line in sql.splitlines():
            assert ";" not in line.rstrip().rstrip(";"), line


def test_the_sql_runs_on_sqlite_and_makes_five_tables_with_their_primary_keys() -> None:
    assert sqlite3.sqlite_version_info >= (3, 35)
    db = sqlite3.connect(":memory:")
    assert apply(db) == 1
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == set(TABLES)
    for table, key in TABLES.items():
        columns = db.execute(f"PRAGMA table_info({table})").fetchall()
        pk = [c[1] for c in sorted((c for c in columns if c[5]), key=lambda c: c[5])]
        assert pk == key, table
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"monitor_runs_finished", "events_milestone", "deliveries_status"} <= indexes
    # Applying again finds the version recorded and does nothing.
    assert apply(db) == 0
    assert db.execute("SELECT version, name FROM ledger_migrations").fetchall() == [(1, "init")]


def test_the_primary_keys_make_the_outbox_upserts_idempotent() -> None:
    db = sqlite3.connect(":memory:")
    apply(db)
    row = (
        "c/FR/1/breach",
        "slack",
        "notify",
        "pending",
        "{}",
        "run-1",
        "2026-11-25T08:00:00.000000Z",
        "2026-11-25T08:00:00.000000Z",
    )
    insert = (
        "INSERT INTO deliveries (event_key, channel, action, status, payload, run_id, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key, channel) DO NOTHING"
    )
    db.execute(insert, row)
    db.execute(insert, row)
    assert db.execute("SELECT COUNT(*), MAX(attempts) FROM deliveries").fetchone() == (1, 0)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(insert.split(" ON CONFLICT")[0], row)
