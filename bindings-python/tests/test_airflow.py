"""``entitlement.airflow`` without Airflow: the parts that do not need it (the lookback, a
run's window end) and that the module imports without Airflow installed. The
hooks and Connections are exercised in a real Airflow by ``examples/airflow/test_dag.sh``."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from entitlement import airflow

REPO = Path(__file__).resolve().parents[2]


def test_importing_the_module_does_not_import_airflow() -> None:
    code = (
        "import sys, entitlement.airflow; "
        "print(sorted(m for m in sys.modules if m == 'airflow' or m.startswith('airflow.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_lookbacks() -> None:
    assert airflow._span("1h") == timedelta(hours=1)
    assert airflow._span(" 1h 30m") == timedelta(minutes=90)
    assert airflow._span("2d") == timedelta(days=2)
    assert airflow._span(90) == timedelta(seconds=90)
    assert airflow._span(timedelta(minutes=5)) == timedelta(minutes=5)
    for bad in ["", "1 hour", "h", "-1h", "1h garbage"]:
        with pytest.raises(ValueError, match="lookback"):
            airflow._span(bad)


# --- the run's window -----------------------------------------------------------------------------


class FakeDagRun:
    run_after = datetime(2026, 11, 25, 9, 7, tzinfo=timezone.utc)


def test_the_window_ends_at_the_data_interval_end() -> None:
    end = datetime(2026, 11, 25, 8, tzinfo=timezone(timedelta(hours=1)))
    context: dict[str, Any] = {
        "data_interval_end": end,
        "logical_date": end - timedelta(minutes=15),
        "dag_run": FakeDagRun(),
    }
    assert airflow.window_end(context) == end
    assert airflow.window_end({**context, "data_interval_end": None}) == end - timedelta(minutes=15)
    assert (
        airflow.window_end(
            {"data_interval_end": None, "logical_date": None, "dag_run": FakeDagRun()}
        )
        == FakeDagRun.run_after
    )
