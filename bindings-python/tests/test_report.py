"""``entitlement.report``: the QBR and portfolio pages from Python, through the installed wheel.

The pages' figures are checked against the core's tables by the Rust tests and in a browser
(tests/browser/); here: the wrapper's arguments, defaults, errors, and that the page it returns
is the one the command writes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

import entitlement
from entitlement import Ruleset
from entitlement.report import portfolio, qbr

REPO = Path(__file__).resolve().parents[2]
SAMPLE = json.loads((REPO / "examples" / "data" / "cases.json").read_text())
RULES = Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
CASES: list[dict[str, Any]] = SAMPLE["cases"]
NOW = SAMPLE["now"]
Q4 = ("2026-10-01", "2026-12-31")


def figures(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="figures">(.*?)</script>', html, re.S)
    assert found is not None
    value: dict[str, Any] = json.loads(found.group(1))
    return value


def test_qbr_of_the_sample_quarter() -> None:
    html = qbr(RULES, CASES, "A-1", *Q4, now=NOW)
    assert html.startswith("<!DOCTYPE html>")
    f = figures(html)
    assert f["page"] == "qbr"
    assert (f["account_id"], f["account_name"]) == ("A-1", "Acme Corp")
    assert (f["period_start"], f["period_end"]) == Q4
    assert f["goal"] == 95.0
    assert f["cases"] > 0
    assert f["breaches"] == f["late"] + f["violated"]
    assert f["csm"] == "Lee Park"


def test_dates_may_be_date_objects_and_now_an_aware_datetime() -> None:
    now = datetime(2026, 11, 25, 20, 30, tzinfo=timezone.utc)
    by_text = qbr(RULES, CASES, "A-1", *Q4, now=NOW)
    by_objects = qbr(RULES, CASES, "A-1", date(2026, 10, 1), date(2026, 12, 31), now=now)
    assert by_text == by_objects


def test_the_goal_is_the_callers() -> None:
    f = figures(qbr(RULES, CASES, "A-1", *Q4, now=NOW, goal=99.5))
    assert f["goal"] == 99.5
    below = [m["milestone"] for m in f["attainment_by_milestone"] if m["below_goal"]]
    assert below == [
        m["milestone"]
        for m in f["attainment_by_milestone"]
        if m["attainment"] is not None and m["attainment"] < 99.5
    ]


def test_now_defaults_to_the_current_time() -> None:
    f = figures(qbr(RULES, CASES, "A-1", *Q4))
    shown = datetime.fromisoformat(f["now"].replace("Z", "+00:00"))
    assert abs((datetime.now(timezone.utc) - shown).total_seconds()) < 3600


def test_portfolio_of_the_sample() -> None:
    f = figures(portfolio(RULES, CASES, *Q4, now=NOW))
    assert f["page"] == "portfolio"
    ids = [a["account_id"] for a in f["accounts"]]
    assert "A-1" in ids
    assert len(ids) == len(set(ids))
    arr = [a["arr"] for a in f["accounts"] if a["arr"] is not None]
    assert arr == sorted(arr, reverse=True)
    assert set(f["renewals_at_risk"]) <= set(ids)


def test_the_page_is_the_commands(tmp_path: Path) -> None:
    # ENTITLEMENT_BIN: the CLI the test command built; else the debug build of `cargo test`.
    cli = Path(os.environ.get("ENTITLEMENT_BIN") or REPO / "target" / "debug" / "entitlement")
    if not cli.exists():
        pytest.skip(f"the CLI is not built: {cli}")
    out = tmp_path / "qbr.html"
    subprocess.run(
        [
            str(cli),
            "report",
            "--account",
            "A-1",
            "--from",
            Q4[0],
            "--to",
            Q4[1],
            "--out",
            str(out),
            "--rules",
            str(REPO / "examples/data/rules.yaml"),
            "--cases",
            str(REPO / "examples/data/cases.json"),
            "--now",
            NOW,
        ],
        check=True,
    )
    assert out.read_text(encoding="utf-8") == qbr(RULES, CASES, "A-1", *Q4, now=NOW)


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: qbr(RULES, CASES, "A-404", *Q4, now=NOW), "unknown_account"),
        (lambda: qbr(RULES, CASES, "A-1", "2026-12-31", "2026-10-01", now=NOW), "invalid_period"),
        (lambda: portfolio(RULES, CASES, "2020-01-01", "2031-01-01", now=NOW), "period_too_long"),
        (lambda: portfolio(RULES, CASES, *Q4, now=NOW, goal=0), "invalid_goal"),
        (lambda: portfolio(RULES, CASES, *Q4, now=NOW, goal=101), "invalid_goal"),
        (lambda: qbr(RULES, CASES, "A-1", "2026-13-01", "2026-12-31", now=NOW), "invalid_value"),
        (lambda: qbr(RULES, CASES, "A-1", 20261001, "2026-12-31", now=NOW), "invalid_type"),  # type: ignore[arg-type]
        (
            lambda: qbr(
                RULES,
                CASES,
                "A-1",
                datetime(2026, 10, 1, tzinfo=timezone.utc),
                "2026-12-31",
                now=NOW,
            ),
            "invalid_type",
        ),
        (lambda: qbr(RULES, CASES, 7, *Q4, now=NOW), "invalid_type"),  # type: ignore[arg-type]
    ],
)
def test_errors_are_input_errors_with_the_reports_code(call: Any, code: str) -> None:
    with pytest.raises(entitlement.InputError) as info:
        call()
    assert info.value.code == code
    assert isinstance(info.value, ValueError)


def test_unknown_account_names_the_known_ones() -> None:
    with pytest.raises(entitlement.InputError, match='"A-1"'):
        qbr(RULES, CASES, "nobody", *Q4, now=NOW)


def test_a_hostile_name_is_escaped() -> None:
    rules = Ruleset.from_dict(
        {
            "processes": [
                {
                    "id": "p",
                    "milestones": [{"name": "FR", "kind": "first_response", "target": "1h"}],
                }
            ],
            "entitlements": [
                {
                    "id": "e",
                    "process": "p",
                    "account": {"id": "A-9", "name": "<script>alert(1)</script>"},
                }
            ],
        }
    )
    cases = [{"id": "C-1", "entitlement": "e", "created_at": "2026-11-02T10:00:00Z"}]
    html = qbr(rules, cases, "A-9", "2026-11-01", "2026-11-30", now="2026-11-25T00:00:00Z")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert figures(html)["account_name"] == "<script>alert(1)</script>"
