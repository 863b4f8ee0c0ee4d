"""Hypothesis profiles: `default` for the test command, `thorough` (HYPOTHESIS_PROFILE=thorough)
for a long hunt. The fixtures of the ledger and pipeline tests: a throwaway PostgreSQL cluster
and the loopback services (``tests/services/``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

settings.register_profile("default", max_examples=150, deadline=None)
settings.register_profile("thorough", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parents[2]
SERVICES = REPO / "tests" / "services"


def _initdb_found() -> bool:
    debian = Path("/usr/lib/postgresql").glob("*/bin/initdb")
    return shutil.which("initdb") is not None or any(debian)


@dataclass(frozen=True)
class PostgresServer:
    """A PostgreSQL server for the tests: its URL, and the cluster's directory for
    ``postgres.sh restart`` (None for a server the environment gave)."""

    url: str
    dir: Path | None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL cluster for the whole session (``tests/services/postgres.sh``,
    which installs Debian's postgresql when missing), or the server ``ENTITLEMENT_TEST_POSTGRES``
    names when it is a ``postgresql://`` URL (restartable when ``ENTITLEMENT_TEST_POSTGRES_DIR``
    names its directory). Skipped only when that variable is unset and no
    ``initdb`` is installed."""
    given = os.environ.get("ENTITLEMENT_TEST_POSTGRES", "")
    if given.startswith(("postgresql://", "postgres://")):
        # The test command's cluster: its directory (when given) lets the tests restart it.
        given_dir = os.environ.get("ENTITLEMENT_TEST_POSTGRES_DIR")
        yield PostgresServer(given, Path(given_dir) if given_dir else None)
        return
    if not given and not _initdb_found():
        pytest.skip(
            "PostgreSQL tests need initdb (Debian's postgresql package) or "
            "ENTITLEMENT_TEST_POSTGRES (set by the test command, which installs it)"
        )
    where = Path(tempfile.mkdtemp(prefix="entitlement-pg-"))
    script = str(SERVICES / "postgres.sh")
    started = subprocess.run(
        ["bash", script, "start", str(where)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if started.returncode != 0:
        pytest.fail(f"postgres.sh start failed: {started.stderr[-2000:]}")
    try:
        yield PostgresServer((where / "url").read_text().strip(), where)
    finally:
        subprocess.run(
            ["bash", script, "stop", str(where)], capture_output=True, timeout=120, check=False
        )
        shutil.rmtree(where, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the session's cluster."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(postgres_server.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return postgres_server.url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgres"])
def ledger_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a ledger lives: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    return str(request.getfixturevalue("postgres_url"))


class Loopback:
    """The loopback services (``tests/services/loopback.py``) in a child process, serving the
    recorded Salesforce pages of the Airflow example."""

    def __init__(self, workdir: Path) -> None:
        self.log = workdir / "requests.jsonl"
        port_file = workdir / "port"
        errors = workdir / "loopback.err"
        with open(errors, "w") as stderr:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    str(SERVICES / "loopback.py"),
                    "--log",
                    str(self.log),
                    "--port-file",
                    str(port_file),
                    "--data",
                    str(REPO / "examples" / "airflow" / "recorded"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the loopback did not start: {errors.read_text()}")
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{port_file.read_text().strip()}"

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read()
        return json.loads(text) if text else None

    def fault(self, *faults: dict[str, Any]) -> None:
        """Arms faults (``POST /_control``)."""
        self._call("POST", "/_control", list(faults))

    def faults(self) -> Any:
        return self._call("GET", "/_control")

    def requests(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]

    def state(self) -> Any:
        return self._call("GET", "/_state")

    def stop(self) -> None:
        # SIGKILL: the log is written line by line as requests come, and a graceful shutdown
        # waits for the server's half-second poll.
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


@pytest.fixture
def loopback(tmp_path: Path) -> Iterator[Loopback]:
    server = Loopback(tmp_path)
    try:
        yield server
    finally:
        server.stop()


def _scenario_module() -> Any:
    """``tests/services/scenario.py``: the one definition of the scenario's rules and windows."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("scenario", SERVICES / "scenario.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Scenario:
    """The pipeline's scenario (``tests/services/scenario.py``): ``examples/data/rules.yaml``
    with ``pipeline-overlay.yaml`` applied, over the recorded Salesforce cases."""

    UTC = timezone.utc
    _module = _scenario_module()
    #: The scenario's windows: a first run (lookback 1 h), two more, then a manual earlier run.
    RUNS: tuple[datetime, ...] = _module.RUNS
    MANUAL: datetime = _module.MANUAL

    def __init__(self) -> None:
        self.document: dict[str, Any] = self._module.document()
        self.records = [
            r
            for page in sorted(self._module.RECORDED.glob("soql_cases_page*.json"))
            for r in json.loads(page.read_text())["records"]
        ]

    def rules(self, **monitor: Any) -> Any:
        """The scenario's ``Ruleset`` (``monitor`` keys replaced by the arguments)."""
        import copy

        from entitlement import Ruleset

        document = copy.deepcopy(self.document)
        document["monitor"].update(monitor)
        return Ruleset.from_dict(document)

    def cases(self) -> list[dict[str, Any]]:
        from entitlement.pipeline import salesforce_cases

        return salesforce_cases(self.records)

    def write_rules(self, path: Path, **monitor: Any) -> Path:
        document = dict(self.document)
        document["monitor"] = {**self.document["monitor"], **monitor}
        path.write_text(json.dumps(document, default=str))
        return path


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    return Scenario()
