"""The ledger: every monitor run, event, delivery and milestone outcome in a real database.

SQLite (the standard library's ``sqlite3``, one file in WAL mode) is the embedded default;
PostgreSQL (``psycopg`` 3, ``pip install entitlement[postgres]``) is the production database.
Both run the same SQL: the schema is embedded in the engine (``ledger_migrations()``), instants
are TEXT in one fixed form (``2026-11-25T08:00:00.000000Z``) so text order is time order, JSON is
TEXT, durations are whole seconds::

    from entitlement.ledger import Ledger

    with Ledger.open("/var/lib/sla/ledger.db") as ledger:        # or "postgresql://..."
        ledger.migrate()
        since = ledger.last_finished_now()

``entitlement.pipeline.run_monitor`` is what uses it: the outbox order (record the run's events
and pending deliveries in one transaction, send, then mark sent) is what makes every
(event key, channel) go out exactly once across crashed and retried workers.

A lost PostgreSQL connection (the server restarting, a failover) or a busy SQLite file is
retried: the connection is reopened and the same statement or transaction is run again, with
exponential backoff, for up to ``retry_seconds`` (60 s) in all; past that ``LedgerUnavailable``.
Every write is idempotent (``ON CONFLICT``), so running a transaction twice changes nothing.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import random
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "Delivery",
    "Ledger",
    "LedgerUnavailable",
    "PlannedDelivery",
    "Run",
    "RunCounts",
    "format_instant",
    "outcome_rows",
    "parse_instant",
]

log = logging.getLogger("entitlement.ledger")

T = TypeVar("T")

_INSTANT = "%Y-%m-%dT%H:%M:%S.%fZ"


def format_instant(instant: datetime) -> str:
    """An aware ``datetime`` as the ledger writes it: UTC, always six fractional digits."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant!r}: the ledger needs an aware one")
    t = instant.astimezone(timezone.utc)
    # Not strftime: it writes the year 999 as "999", which would sort after "2026".
    return (
        f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
        f".{t.microsecond:06d}Z"
    )


def parse_instant(text: str) -> datetime:
    """The inverse of ``format_instant``: an aware ``datetime`` in ``timezone.utc``."""
    return datetime.strptime(text, _INSTANT).replace(tzinfo=timezone.utc)


def _opt_instant(instant: datetime | None) -> str | None:
    return None if instant is None else format_instant(instant)


def _seconds(span: timedelta | None) -> int | None:
    """Whole seconds, truncated toward zero (``-1.5 s`` is ``-1``)."""
    if span is None:
        return None
    micros = span // timedelta(microseconds=1)
    whole = abs(micros) // 1_000_000
    return whole if micros >= 0 else -whole


class LedgerUnavailable(RuntimeError):
    """The database stayed unreachable for the whole retry budget (or a connection handed in
    was closed and cannot be reopened)."""


@dataclass(frozen=True)
class Run:
    """One monitor run: the window ``(since, now]`` it covers."""

    run_id: str
    job: str
    since: datetime | None
    now: datetime
    started_at: datetime


@dataclass(frozen=True)
class RunCounts:
    """What a run did, written to ``monitor_runs`` when it finishes."""

    cases: int = 0
    events: int = 0
    alerts: int = 0
    errors: int = 0
    sent: int = 0
    failed: int = 0
    dry_run: int = 0


@dataclass(frozen=True)
class PlannedDelivery:
    """A delivery row the run records: ``status`` is ``pending`` or ``dry_run``."""

    event_key: str
    channel: str
    action: str
    status: Literal["pending", "dry_run"]
    payload: Mapping[str, Any]
    target: str | None = None
    dedupe: str | None = None


@dataclass(frozen=True)
class Delivery:
    """A row of ``deliveries`` (with its event's case id), as the outbox works it off."""

    event_key: str
    channel: str
    action: str
    status: str
    attempts: int
    target: str | None
    dedupe: str | None
    remote_id: str | None
    error: str | None
    payload: dict[str, Any]
    run_id: str
    created_at: datetime
    sent_at: datetime | None = None
    case_id: str | None = None


class _Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchone(self) -> Any: ...
    def close(self) -> None: ...


_DELIVERY_COLUMNS = (
    "d.event_key, d.channel, d.action, d.status, d.attempts, d.target, d.dedupe, d.remote_id, "
    "d.error, d.payload, d.run_id, d.created_at, d.sent_at, e.case_id"
)

_OUTCOME_COLUMNS = (
    "case_id",
    "milestone",
    "instance",
    "kind",
    "outcome",
    "account_id",
    "account_name",
    "entitlement",
    "process",
    "process_version",
    "tier",
    "calendar",
    "started_at",
    "target_seconds",
    "target_at",
    "completed_at",
    "margin_seconds",
    "margin_wall_seconds",
    "breached_at",
    "updated_at",
    "run_id",
)


def _statements(sql: str) -> list[str]:
    # The migrations separate statements by a `;` at the end of a line (and hold no comment
    # with a `;`), so splitting there is exact on both databases.
    return [s.strip() for s in re.split(r";[ \t]*$", sql, flags=re.MULTILINE) if s.strip()]


def _driver_of(connection: Any) -> str:
    module = type(connection).__module__
    if module.startswith("sqlite3"):
        return "sqlite3"
    if module.startswith("psycopg2"):
        return "psycopg2"
    if module.startswith("psycopg"):
        return "psycopg"
    raise TypeError(
        f"not a sqlite3, psycopg or psycopg2 connection: {type(connection).__qualname__} "
        f"from {module}"
    )


def _connect_sqlite(path: str) -> sqlite3.Connection:
    # isolation_level=None: this module writes BEGIN IMMEDIATE / COMMIT itself, so a
    # transaction is exactly what it says (no implicit commit before DDL).
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def _connect_postgres(url: str) -> Any:
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "a postgresql:// ledger needs psycopg 3: pip install 'entitlement[postgres]'"
        ) from exc
    return psycopg.connect(url, connect_timeout=10)


class Ledger:
    """The ledger on one database connection. Open it with ``Ledger.open``."""

    def __init__(
        self,
        connection: Any,
        *,
        reconnect: Callable[[], Any] | None = None,
        retry_seconds: float = 60.0,
        retry_base_seconds: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._driver = _driver_of(connection)
        self.dialect: Literal["sqlite", "postgres"] = (
            "sqlite" if self._driver == "sqlite3" else "postgres"
        )
        self._conn: Any = connection
        self._reconnect = reconnect
        self.retry_seconds = retry_seconds
        self.retry_base_seconds = retry_base_seconds
        self._sleep = sleep
        self._prepare(connection)

    @classmethod
    def open(
        cls,
        target: str | os.PathLike[str] | Any,
        *,
        retry_seconds: float = 60.0,
        retry_base_seconds: float = 1.0,
    ) -> Ledger:
        """Opens the ledger at ``target``:

        - a path (``str`` or ``PathLike``): a SQLite file, created when missing, in WAL mode;
        - a ``postgresql://`` (or ``postgres://``) URL: PostgreSQL through psycopg 3;
        - an open DB-API connection of ``sqlite3``, ``psycopg`` or ``psycopg2`` (what an Airflow
          hook's ``get_conn()`` returns): used as it is, never reopened;
        - a function of no arguments returning such a connection (``hook.get_conn``): called
          again to reconnect after the connection is lost.

        ``migrate()`` creates the tables. A handed-in connection is switched to explicit
        transactions (``autocommit`` off for psycopg, ``isolation_level = None`` for sqlite3).
        """
        factory: Callable[[], Any] | None
        if isinstance(target, (str, os.PathLike)):
            text = os.fspath(target)
            if text.startswith(("postgresql://", "postgres://")):

                def factory() -> Any:
                    return _connect_postgres(text)

            else:

                def factory() -> Any:
                    return _connect_sqlite(text)

        elif callable(target) and not hasattr(target, "cursor"):
            factory = cast("Callable[[], Any]", target)
        else:
            factory = None
        if factory is None:
            return cls(target, retry_seconds=retry_seconds, retry_base_seconds=retry_base_seconds)
        connection = cls._first_connection(factory, retry_seconds, retry_base_seconds)
        return cls(
            connection,
            reconnect=factory,
            retry_seconds=retry_seconds,
            retry_base_seconds=retry_base_seconds,
        )

    @staticmethod
    def _first_connection(factory: Callable[[], Any], retry_seconds: float, base: float) -> Any:
        deadline = time.monotonic() + retry_seconds
        tries = 0
        while True:
            try:
                return factory()
            except Exception as exc:
                tries += 1
                if not _transient_connect(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise LedgerUnavailable(
                        f"ledger: cannot connect for {retry_seconds:g} s ({_first_line(exc)})"
                    ) from exc
                wait = _backoff(base, tries)
                log.warning(
                    "ledger: cannot connect (%s); retrying in %.2f s", _first_line(exc), wait
                )
                time.sleep(wait)

    # --- connections and transactions -----------------------------------------------------

    def _prepare(self, conn: Any) -> None:
        if self._driver == "sqlite3":
            if conn.isolation_level is not None:
                if conn.in_transaction:
                    conn.commit()
                conn.isolation_level = None
        elif getattr(conn, "autocommit", False):
            conn.autocommit = False

    def close(self) -> None:
        """Closes the connection (also one handed in)."""
        try:
            self._conn.close()
        except Exception:  # pragma: no cover - closing a dead connection
            pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _is_transient(self, exc: BaseException) -> bool:
        if self._driver == "sqlite3":
            text = str(exc).lower()
            return isinstance(exc, sqlite3.OperationalError) and (
                "locked" in text or "busy" in text
            )
        names = {c.__name__ for c in type(exc).__mro__}
        return bool(names & {"OperationalError", "InterfaceError"})

    def _connection_closed(self) -> bool:
        closed = getattr(self._conn, "closed", False)
        return bool(closed)

    def _transact(self, what: str, work: Callable[[_Cursor], T]) -> T:
        """Runs ``work`` in one transaction; on a lost connection, reconnects and runs it again
        (it must be idempotent), with backoff, for up to ``retry_seconds`` in all."""
        deadline = time.monotonic() + self.retry_seconds
        tries = 0
        while True:
            try:
                return self._once(work)
            except Exception as exc:
                if not self._is_transient(exc):
                    raise
                tries += 1
                if self._reconnect is None and self._connection_closed():
                    raise LedgerUnavailable(
                        f"ledger {what}: the connection was lost and was handed in, so it "
                        f"cannot be reopened ({_first_line(exc)})"
                    ) from exc
                if time.monotonic() >= deadline:
                    raise LedgerUnavailable(
                        f"ledger {what}: the database stayed unreachable for "
                        f"{self.retry_seconds:g} s ({_first_line(exc)})"
                    ) from exc
                wait = _backoff(self.retry_base_seconds, tries)
                log.warning("ledger %s: %s; retrying in %.2f s", what, _first_line(exc), wait)
                self._sleep(wait)
                if self._reconnect is not None and (
                    self._connection_closed() or self.dialect == "postgres"
                ):
                    self._reopen()

    def _reopen(self) -> None:
        try:
            self._conn.close()
        except Exception:
            pass
        assert self._reconnect is not None
        try:
            conn = self._reconnect()
        except Exception as exc:
            if not _transient_connect(exc):
                raise
            # Still down: mark the connection as gone; the next try reconnects again.
            self._conn = _Closed(exc)
            return
        self._prepare(conn)
        self._conn = conn

    def _once(self, work: Callable[[_Cursor], T]) -> T:
        conn = self._conn
        if isinstance(conn, _Closed):
            assert self._reconnect is not None
            conn = self._reconnect()
            self._prepare(conn)
            self._conn = conn
        cursor = _Translating(conn.cursor(), self.dialect)
        try:
            if self.dialect == "sqlite":
                cursor.execute("BEGIN IMMEDIATE")
            result = work(cursor)
            if self.dialect == "sqlite":
                cursor.execute("COMMIT")
            else:
                conn.commit()
            return result
        except BaseException:
            self._rollback_quietly(conn)
            raise
        finally:
            try:
                cursor.close()
            except Exception:
                pass

    def _rollback_quietly(self, conn: Any) -> None:
        try:
            if self.dialect == "sqlite":
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            else:
                conn.rollback()
        except Exception:
            pass

    # --- schema ---------------------------------------------------------------------------

    def migrate(self) -> list[int]:
        """Applies the engine's migrations (``entitlement._entitlement.ledger_migrations()``)
        not yet recorded in ``ledger_migrations``, each in one transaction with its record;
        returns the versions applied now (empty when the schema is current)."""
        from entitlement import _entitlement

        migrations: list[tuple[int, str, str]] = sorted(_entitlement.ledger_migrations())
        applied: list[int] = []
        for version, name, sql in migrations:

            def apply(
                cur: _Cursor, version: int = version, name: str = name, sql: str = sql
            ) -> bool:
                if self.dialect == "postgres":
                    # Two workers migrating at once wait for each other instead of colliding.
                    cur.execute("SELECT pg_advisory_xact_lock(?)", (0x656E7469746C,))
                if self._has_table(cur, "ledger_migrations"):
                    cur.execute("SELECT 1 FROM ledger_migrations WHERE version = ?", (version,))
                    if cur.fetchone() is not None:
                        return False
                for statement in _statements(sql):
                    cur.execute(statement)
                cur.execute(
                    "INSERT INTO ledger_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, format_instant(_utcnow())),
                )
                return True

            if self._transact("migrate", apply):
                log.info("ledger: applied migration %d (%s)", version, name)
                applied.append(version)
        return applied

    def _has_table(self, cur: _Cursor, name: str) -> bool:
        if self.dialect == "sqlite":
            cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        else:
            cur.execute(
                "SELECT 1 FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_name = ?",
                (name,),
            )
        return cur.fetchone() is not None

    def migrations(self) -> list[int]:
        """The versions recorded in ``ledger_migrations``."""

        def read(cur: _Cursor) -> list[int]:
            if not self._has_table(cur, "ledger_migrations"):
                return []
            cur.execute("SELECT version FROM ledger_migrations ORDER BY version")
            return [int(r[0]) for r in cur.fetchall()]

        return self._transact("read migrations", read)

    # --- runs -----------------------------------------------------------------------------

    def last_finished_now(self) -> datetime | None:
        """The ``now`` of the latest finished run: the next run's ``since`` (None: no run has
        finished yet)."""

        def read(cur: _Cursor) -> str | None:
            cur.execute("SELECT MAX(now) FROM monitor_runs WHERE status = 'finished'")
            row = cur.fetchone()
            return None if row is None else cast("str | None", row[0])

        text = self._transact("read the last run", read)
        return None if text is None else parse_instant(text)

    def begin_run(
        self, *, job: str, since: datetime | None, now: datetime, run_id: str | None = None
    ) -> Run:
        """A new run of ``(since, now]`` (nothing is written until ``record`` or
        ``finish_run``)."""
        return Run(
            run_id=run_id or str(uuid.uuid4()),
            job=job,
            since=since,
            now=now.astimezone(timezone.utc),
            started_at=_utcnow(),
        )

    def finish_run(self, run: Run, status: str, counts: RunCounts) -> None:
        """Writes the run's final status (``finished`` or ``skipped``), counts and
        ``finished_at``; inserts the run when ``record`` never did (a skipped run)."""
        values = _run_values(run, status, counts, finished_at=_utcnow())

        def write(cur: _Cursor) -> None:
            cur.execute(
                "INSERT INTO monitor_runs (run_id, job, since, now, started_at, finished_at, "
                "status, cases, events, alerts, errors, sent, failed, dry_run) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (run_id) DO UPDATE SET finished_at = excluded.finished_at, "
                "status = excluded.status, cases = excluded.cases, events = excluded.events, "
                "alerts = excluded.alerts, errors = excluded.errors, sent = excluded.sent, "
                "failed = excluded.failed, dry_run = excluded.dry_run",
                values,
            )

        self._transact("finish the run", write)

    def runs(self) -> list[dict[str, Any]]:
        """Every row of ``monitor_runs``, oldest first (instants as the ledger's text)."""
        return self._rows(
            "SELECT run_id, job, since, now, started_at, finished_at, status, cases, events, "
            "alerts, errors, sent, failed, dry_run FROM monitor_runs ORDER BY started_at, run_id"
        )

    # --- the run's one transaction --------------------------------------------------------

    def record(
        self, run: Run, report: Any, plan: Sequence[PlannedDelivery]
    ) -> list[PlannedDelivery]:
        """Step 3 of a run, in one transaction: the run (``running``), every event of the
        ``MonitorReport`` (kept when already there), every planned delivery (likewise), a
        PagerDuty ``resolve`` delivery for each completed milestone instance that has a page
        ``sent`` or ``pending``, and every milestone outcome (``report.outcomes()``, upserted).

        Returns the planned deliveries that were new (an event already recorded by an earlier
        run keeps its rows)."""
        start = _utcnow()
        created = format_instant(start)
        events = _event_rows(report, run.run_id)
        completions = [
            (e.key, e.case_id, e.milestone, e.instance)
            for e in report.events
            if e.kind == "milestone_completed" and e.case_id is not None
        ]
        outcomes = [_outcome_row(o, created, run.run_id) for o in report.outcomes()]
        values = _run_values(
            run,
            "running",
            RunCounts(
                events=len(report.events), alerts=len(report.alerts), errors=len(report.errors)
            ),
            finished_at=None,
        )
        upsert = ", ".join(f"{c} = excluded.{c}" for c in _OUTCOME_COLUMNS[3:])

        def write(cur: _Cursor) -> list[PlannedDelivery]:
            cur.execute(
                "INSERT INTO monitor_runs (run_id, job, since, now, started_at, finished_at, "
                "status, cases, events, alerts, errors, sent, failed, dry_run) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING",
                values,
            )
            for row in events:
                cur.execute(
                    "INSERT INTO events (event_key, kind, level, at, case_id, milestone, "
                    "instance, account_id, suppressed, run_id, event) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING",
                    row,
                )
            new: list[PlannedDelivery] = []
            # Each delivery a microsecond after the one before: the outbox (oldest first) keeps
            # the order of the alerts and of their deliveries, as the Node job's does.
            stamps = (format_instant(start + timedelta(microseconds=i)) for i in itertools.count())
            for p in plan:
                if self._insert_delivery(cur, p, run.run_id, next(stamps)):
                    new.append(p)
            for key, case_id, milestone, instance in completions:
                cur.execute(
                    "SELECT d.dedupe FROM deliveries d JOIN events e ON e.event_key = d.event_key "
                    "WHERE e.case_id = ? AND e.milestone = ? AND e.instance = ? "
                    "AND d.channel = 'pagerduty' AND d.action = 'page_oncall' "
                    "AND d.status IN ('sent', 'pending') ORDER BY d.created_at, d.event_key",
                    (case_id, milestone, instance),
                )
                pages = [str(r[0]) for r in cur.fetchall() if r[0] is not None]
                if not pages:
                    continue
                resolve = PlannedDelivery(
                    event_key=key,
                    channel="pagerduty",
                    action="resolve",
                    status="pending",
                    payload={"event_action": "resolve", "dedup_keys": pages},
                    target=json.dumps(pages) if len(pages) > 1 else None,
                    dedupe=pages[0],
                )
                if self._insert_delivery(cur, resolve, run.run_id, next(stamps)):
                    new.append(resolve)
            placeholders = ", ".join("?" for _ in _OUTCOME_COLUMNS)
            for row in outcomes:
                cur.execute(
                    f"INSERT INTO milestone_outcomes ({', '.join(_OUTCOME_COLUMNS)}) "
                    f"VALUES ({placeholders}) "
                    f"ON CONFLICT (case_id, milestone, instance) DO UPDATE SET {upsert}",
                    row,
                )
            return new

        return self._transact("record the run", write)

    @staticmethod
    def _insert_delivery(cur: _Cursor, p: PlannedDelivery, run_id: str, created: str) -> bool:
        cur.execute(
            "INSERT INTO deliveries (event_key, channel, action, status, attempts, target, "
            "dedupe, payload, run_id, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key, channel) DO NOTHING",
            (
                p.event_key,
                p.channel,
                p.action,
                p.status,
                p.target,
                p.dedupe,
                json.dumps(p.payload, sort_keys=True, default=str),
                run_id,
                created,
                created,
            ),
        )
        return bool(cur.rowcount == 1)

    # --- the outbox -----------------------------------------------------------------------

    def pending(self, max_attempts: int = 8) -> list[Delivery]:
        """The outbox: every delivery ``pending``, or ``failed`` with fewer than
        ``max_attempts`` attempts, oldest first (within a run, resolves after pages)."""
        return self._deliveries(
            "WHERE d.status = 'pending' OR (d.status = 'failed' AND d.attempts < ?) "
            "ORDER BY d.created_at, CASE WHEN d.action = 'resolve' THEN 1 ELSE 0 END, "
            "d.event_key, d.channel",
            (max_attempts,),
        )

    def deliveries(self, status: str | None = None) -> list[Delivery]:
        """Every delivery (or those with ``status``), oldest first."""
        where = "" if status is None else "WHERE d.status = ? "
        return self._deliveries(
            where + "ORDER BY d.created_at, d.event_key, d.channel",
            () if status is None else (status,),
        )

    def _deliveries(self, tail: str, params: Sequence[Any]) -> list[Delivery]:
        sql = (
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries d "
            f"LEFT JOIN events e ON e.event_key = d.event_key {tail}"
        )

        def read(cur: _Cursor) -> list[Any]:
            cur.execute(sql, params)
            return cur.fetchall()

        return [_delivery(r) for r in self._transact("read deliveries", read)]

    def mark_attempt(self, delivery: Delivery) -> Delivery:
        """Counts one more attempt, committed before anything is sent; returns the row as it
        is now. More than one attempt means an earlier worker may have sent it already."""

        def write(cur: _Cursor) -> int:
            cur.execute(
                "UPDATE deliveries SET attempts = attempts + 1, updated_at = ? "
                "WHERE event_key = ? AND channel = ?",
                (format_instant(_utcnow()), delivery.event_key, delivery.channel),
            )
            cur.execute(
                "SELECT attempts FROM deliveries WHERE event_key = ? AND channel = ?",
                (delivery.event_key, delivery.channel),
            )
            row = cur.fetchone()
            return int(row[0])

        return replace(delivery, attempts=self._transact("count an attempt", write))

    def mark_sent(self, delivery: Delivery, remote_id: str) -> None:
        """The delivery went out (or was found already there): ``sent`` with its remote id."""
        now = format_instant(_utcnow())
        self._update(
            "mark sent",
            "UPDATE deliveries SET status = 'sent', remote_id = ?, error = NULL, sent_at = ?, "
            "updated_at = ? WHERE event_key = ? AND channel = ?",
            (remote_id, now, now, delivery.event_key, delivery.channel),
        )

    def mark_failed(self, delivery: Delivery, error: str) -> None:
        """The delivery failed this time: ``failed`` with the error (retried by the next runs
        while its attempts are below their ``max_attempts``)."""
        self._update(
            "mark failed",
            "UPDATE deliveries SET status = 'failed', error = ?, updated_at = ? "
            "WHERE event_key = ? AND channel = ?",
            (error[:2000], format_instant(_utcnow()), delivery.event_key, delivery.channel),
        )

    def _update(self, what: str, sql: str, params: Sequence[Any]) -> None:
        def write(cur: _Cursor) -> None:
            cur.execute(sql, params)

        self._transact(what, write)

    # --- reading --------------------------------------------------------------------------

    def outcomes(self) -> list[dict[str, Any]]:
        """The breach and near-miss log: every row of ``milestone_outcomes`` by case, milestone
        and instance (instants as the ledger's text, durations in whole seconds)."""
        return self._rows(
            f"SELECT {', '.join(_OUTCOME_COLUMNS)} FROM milestone_outcomes "
            "ORDER BY case_id, milestone, instance"
        )

    def events(self) -> list[dict[str, Any]]:
        """Every row of ``events``, by instant then key (``event`` parsed)."""
        rows = self._rows(
            "SELECT event_key, kind, level, at, case_id, milestone, instance, account_id, "
            "suppressed, run_id, event FROM events ORDER BY at, event_key"
        )
        for row in rows:
            row["event"] = json.loads(row["event"])
        return rows

    def _rows(self, sql: str) -> list[dict[str, Any]]:
        def read(cur: _Cursor) -> tuple[list[str], list[Any]]:
            cur.execute(sql)
            # Both drivers describe the columns: name first.
            names = [d[0] for d in cast("Any", cur).description]
            return names, cur.fetchall()

        names, rows = self._transact("read", read)
        return [dict(zip(names, r)) for r in rows]


class _Closed:
    """Stands for a connection lost while the server is still down."""

    def __init__(self, cause: BaseException) -> None:
        self.cause = cause
        self.closed = True

    def close(self) -> None:
        pass


class _Translating:
    """A cursor that takes ``?`` placeholders on both databases (psycopg wants ``%s``)."""

    def __init__(self, cursor: Any, dialect: str) -> None:
        self._cursor = cursor
        self._pg = dialect == "postgres"

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    @property
    def description(self) -> Any:
        return self._cursor.description

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Any:
        if self._pg:
            sql = sql.replace("?", "%s")
        return self._cursor.execute(sql, tuple(params))

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def close(self) -> None:
        self._cursor.close()


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _backoff(base: float, tries: int) -> float:
    """``base * 2^(tries-1)``, capped at 30 s, with up to 25 % jitter either way."""
    wait: float = min(30.0, base * 2 ** (tries - 1))
    return float(wait * random.uniform(0.75, 1.25))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


def _transient_connect(exc: BaseException) -> bool:
    names = {c.__name__ for c in type(exc).__mro__}
    return bool(names & {"OperationalError", "InterfaceError", "ConnectionError"})


def _run_values(
    run: Run, status: str, counts: RunCounts, finished_at: datetime | None
) -> tuple[Any, ...]:
    return (
        run.run_id,
        run.job,
        _opt_instant(run.since),
        format_instant(run.now),
        format_instant(run.started_at),
        _opt_instant(finished_at),
        status,
        counts.cases,
        counts.events,
        counts.alerts,
        counts.errors,
        counts.sent,
        counts.failed,
        counts.dry_run,
    )


def _event_rows(report: Any, run_id: str) -> list[tuple[Any, ...]]:
    # The event's JSON exactly as the library's JSON gives it (the report's `to_json`).
    as_json: list[Any] = json.loads(report.to_json())["events"]
    rows = []
    for event, data in zip(report.events, as_json):
        account = event.account or {}
        account_id = account.get("id") if isinstance(account, Mapping) else None
        suppressed = (event.suppressed_by or "suppressed") if event.suppressed else None
        rows.append(
            (
                event.key,
                event.kind,
                event.level,
                format_instant(event.at),
                event.case_id,
                event.milestone,
                event.instance,
                None if account_id is None else str(account_id),
                suppressed,
                run_id,
                json.dumps(data, sort_keys=True),
            )
        )
    return rows


def _outcome_row(o: Mapping[str, Any], updated_at: str, run_id: str) -> tuple[Any, ...]:
    values = {
        "case_id": o["case_id"],
        "milestone": o["milestone"],
        "instance": o["instance"],
        "kind": o["kind"],
        "outcome": o["outcome"],
        "account_id": o.get("account_id"),
        "account_name": o.get("account_name"),
        "entitlement": o.get("entitlement"),
        "process": o.get("process"),
        "process_version": o.get("process_version"),
        "tier": o.get("tier"),
        "calendar": o.get("calendar"),
        "started_at": _opt_instant(o.get("started_at")),
        "target_seconds": _seconds(o.get("target")),
        "target_at": _opt_instant(o.get("target_at")),
        "completed_at": _opt_instant(o.get("completed_at")),
        "margin_seconds": _seconds(o.get("margin")),
        "margin_wall_seconds": _seconds(o.get("margin_wall")),
        "breached_at": _opt_instant(o.get("breached_at")),
        "updated_at": updated_at,
        "run_id": run_id,
    }
    return tuple(values[c] for c in _OUTCOME_COLUMNS)


def outcome_rows(outcomes: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``report.outcomes()`` as the ledger stores them (without ``updated_at`` and
    ``run_id``): what ``Ledger.outcomes()`` is compared with."""
    rows = []
    for o in outcomes:
        row = dict(zip(_OUTCOME_COLUMNS, _outcome_row(o, "", "")))
        del row["updated_at"], row["run_id"]
        rows.append(row)
    return rows


def _delivery(r: Sequence[Any]) -> Delivery:
    return Delivery(
        event_key=r[0],
        channel=r[1],
        action=r[2],
        status=r[3],
        attempts=int(r[4]),
        target=r[5],
        dedupe=r[6],
        remote_id=r[7],
        error=r[8],
        payload=json.loads(r[9]),
        run_id=r[10],
        created_at=parse_instant(r[11]),
        sent_at=None if r[12] is None else parse_instant(r[12]),
        case_id=r[13],
    )
