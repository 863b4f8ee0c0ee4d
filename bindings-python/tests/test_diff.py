"""``Ruleset.diff()`` through the installed wheel: the same answer as the core and Node for the
shared pair of documents (``tests/diff``), a ``RulesDiff`` that is false exactly when the
documents are equal, the deadline moves with ``timedelta`` deltas, and bad arguments refused.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from entitlement import InputError, RulesDiff, Ruleset

REPO = Path(__file__).resolve().parents[2]
PAIR = REPO / "tests" / "diff"


def cases() -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads((PAIR / "cases.json").read_text(encoding="utf-8"))
    out: list[dict[str, Any]] = data["cases"]
    return out


def expected() -> dict[str, Any]:
    out: dict[str, Any] = json.loads((PAIR / "expected.json").read_text(encoding="utf-8"))
    return out


def plain(value: Any) -> Any:
    """A result value as the CLI's JSON writes it: instants as RFC 3339, durations as seconds."""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def test_the_shared_pair_gives_the_same_diff_as_the_core() -> None:
    old, new = Ruleset.load(PAIR / "old.yaml"), Ruleset.load(PAIR / "new.yaml")
    diff = old.diff(new, cases=cases(), now="2026-11-25T15:30:00Z")
    assert isinstance(diff, RulesDiff)
    assert plain(diff.to_dict()) == expected()
    assert diff.changes == expected()["changes"]
    assert diff
    assert diff.has_changes is True


def test_a_document_against_itself_is_false_and_empty() -> None:
    rules = Ruleset.load(PAIR / "old.yaml")
    diff = rules.diff(rules)
    assert not diff
    assert (diff.changes, diff.deadlines, diff.errors) == ([], [], [])
    # The same rules in another spelling are no change.
    assert not rules.diff(Ruleset.from_dict(rules.to_dict()))


def test_deadline_deltas_are_timedeltas_and_swapping_the_sides_negates_them() -> None:
    old, new = Ruleset.load(PAIR / "old.yaml"), Ruleset.load(PAIR / "new.yaml")
    now = datetime(2026, 11, 25, 15, 30, tzinfo=timezone.utc)
    forward = old.diff(new, cases=cases(), now=now).deadlines
    backward = new.diff(old, cases=cases(), now=now).deadlines
    moved = [d for d in forward if d["change"] == "moved"]
    assert moved
    assert all(isinstance(d["delta"], timedelta) for d in moved)
    back = {(d["case_id"], d["milestone"], d["instance"]): d for d in backward}
    for d in moved:
        b = back[(d["case_id"], d["milestone"], d["instance"])]
        assert d["delta"] is not None
        assert b["delta"] == -d["delta"]
        assert (b["old_target_at"], b["new_target_at"]) == (d["new_target_at"], d["old_target_at"])


def test_changes_swap_added_and_removed_when_the_sides_swap() -> None:
    old, new = Ruleset.load(PAIR / "old.yaml"), Ruleset.load(PAIR / "new.yaml")
    swap = {"added": "removed", "removed": "added", "changed": "changed"}
    forward = {
        (c["path"], swap[c["kind"]], json.dumps(c["after"]), json.dumps(c["before"]))
        for c in old.diff(new).changes
    }
    backward = {
        (c["path"], c["kind"], json.dumps(c["before"]), json.dumps(c["after"]))
        for c in new.diff(old).changes
    }
    assert forward == backward


def test_bad_arguments_are_refused_naming_them() -> None:
    rules = Ruleset.load(PAIR / "old.yaml")
    with pytest.raises(InputError, match="other"):
        rules.diff({"processes": []})  # type: ignore[arg-type]
    with pytest.raises(InputError, match="now"):
        rules.diff(rules, cases=cases(), now="yesterday")
