"""``entitlement.airflow`` without Airflow: the parts that do not need it (the rules overlay,
the lookback, a run's window end) and that the module imports without Airflow installed. The
hooks and Connections are exercised in a real Airflow by ``examples/airflow/test_dag.sh``."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import entitlement
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


# --- the rules overlay ----------------------------------------------------------------------------

documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "c", "id", "name"]), children, max_size=3)
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.sampled_from(["a", "b", "id"]), documents, max_size=3))
def test_an_empty_document_changes_nothing(document: dict[str, Any]) -> None:
    assert airflow._merge(document, {}) == document
    assert airflow._merge({}, document) == document


@given(documents)
def test_laying_a_document_over_itself_changes_nothing(document: Any) -> None:
    assert airflow._merge(document, document) == document


def test_lists_merge_item_by_item_by_their_identity() -> None:
    base: dict[str, Any] = {
        "processes": [
            {"id": "gold", "version": 1, "milestones": [{"name": "A", "target": "1h"}]},
            {"id": "gold", "version": 2, "milestones": [{"name": "A", "target": "2h"}]},
        ],
        "monitor": {"war_room_arr": 5},
        "tags": ["x", "y"],
    }
    overlay: dict[str, Any] = {
        "processes": [
            {"id": "gold", "version": 2, "milestones": [{"name": "B", "target": "3h"}]},
            {"id": "silver", "milestones": []},
        ],
        "monitor": {"automate": ["page_oncall"]},
        "tags": ["z"],
    }
    merged = airflow._merge(base, overlay)
    assert merged["processes"] == [
        base["processes"][0],
        {
            "id": "gold",
            "version": 2,
            "milestones": [{"name": "A", "target": "2h"}, {"name": "B", "target": "3h"}],
        },
        {"id": "silver", "milestones": []},
    ]
    assert merged["monitor"] == {"war_room_arr": 5, "automate": ["page_oncall"]}
    assert merged["tags"] == ["z"]  # lists of plain values are replaced
    assert base["monitor"] == {"war_room_arr": 5}  # the inputs are left alone


def test_load_rules_lays_documents_over_each_other(tmp_path: Path) -> None:
    rules = REPO / "examples" / "data" / "rules.yaml"
    overlay = tmp_path / "overlay.yaml"
    # Gold v1's resolution breach also pages on-call.
    overlay.write_text(
        "processes:\n"
        "  - id: gold\n"
        "    version: 1\n"
        "    milestones:\n"
        "      - name: Resolution\n"
        '        triggers: [ { at: "100%", actions: [notify_account_team, page_oncall] } ]\n'
    )
    cases = json.loads((REPO / "examples" / "data" / "cases.json").read_text())
    cases = cases["cases"] if isinstance(cases, dict) else cases
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    plain = entitlement.Ruleset.load(rules).monitor(cases, now)
    merged = airflow.load_rules(rules, overlay).monitor(cases, now)
    assert len(plain.events) == len(merged.events)

    def paged(report: Any) -> set[str]:
        return {
            a.key
            for a in report.alerts
            if "page_oncall" in a.actions and a.milestone == "Resolution"
        }

    assert paged(merged) > paged(plain)
    assert isinstance(airflow.load_rules(rules), entitlement.Ruleset)


def test_add_triggers_appends_a_trigger_and_refuses_an_unknown_milestone(tmp_path: Path) -> None:
    rules = REPO / "examples" / "data" / "rules.yaml"
    cases = json.loads((REPO / "examples" / "data" / "cases.json").read_text())["cases"]
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(
        "add_triggers:\n"
        "  - process: gold\n"
        "    version: 1\n"
        "    milestone: Resolution\n"
        '    trigger: { at: "90%", level: critical, actions: [page_oncall] }\n'
    )
    plain = entitlement.Ruleset.load(rules).monitor(cases, now)
    added = airflow.load_rules(rules, overlay).monitor(cases, now)
    before = {e.key for e in plain.events}
    new = [e for e in added.events if e.key not in before]
    assert before <= {e.key for e in added.events}
    # The sample's Gold v1 cases cross 90% of their resolution target: one new event each.
    assert new
    assert {(e.kind, e.milestone, e.level) for e in new} == {("trigger", "Resolution", "critical")}
    overlay.write_text(
        "add_triggers:\n"
        "  - { process: gold, version: 9, milestone: Resolution, trigger: { at: 90% } }\n"
    )
    with pytest.raises(ValueError, match=r"names no milestone.*'gold' version 9"):
        airflow.load_rules(rules, overlay)


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
