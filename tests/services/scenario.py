"""The monitor pipeline's test scenario: the sample rules (``examples/data/rules.yaml``) with the
overlay ``examples/data/pipeline-overlay.yaml`` applied, over the recorded Salesforce cases of
``examples/airflow/recorded/``.

The overlay's ``monitor`` keys replace the sample's keys of those names; each entry of its
``add_triggers`` appends ``trigger`` to the triggers of the milestone ``milestone`` of the process
``process`` (``version``). ``python3 tests/services/scenario.py OUT.json`` writes the document.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "examples" / "data"
RECORDED = REPO / "examples" / "airflow" / "recorded"

#: The windows: a first run (which looks back one hour), two more, then a manual earlier run.
RUNS = (
    datetime(2026, 11, 25, 8, tzinfo=UTC),
    datetime(2026, 11, 25, 12, tzinfo=UTC),
    datetime(2026, 11, 25, 20, tzinfo=UTC),
)
MANUAL = datetime(2026, 11, 25, 10, tzinfo=UTC)


def document() -> dict[str, Any]:
    """The scenario's rules document."""
    rules: dict[str, Any] = yaml.safe_load((DATA / "rules.yaml").read_text(encoding="utf-8"))
    overlay: dict[str, Any] = yaml.safe_load(
        (DATA / "pipeline-overlay.yaml").read_text(encoding="utf-8")
    )
    rules.setdefault("monitor", {}).update(overlay.get("monitor", {}))
    for add in overlay.get("add_triggers", []):
        milestones = [
            m
            for p in rules["processes"]
            if p["id"] == add["process"] and p.get("version", 1) == add["version"]
            for m in p["milestones"]
            if m["name"] == add["milestone"]
        ]
        if len(milestones) != 1:
            raise ValueError(f"pipeline-overlay.yaml: add_triggers names no one milestone: {add}")
        milestones[0].setdefault("triggers", []).append(add["trigger"])
    return rules


def write(path: Path) -> Path:
    """Writes the scenario's rules as JSON to ``path``."""
    path.write_text(json.dumps(document(), default=str), encoding="utf-8")
    return path


if __name__ == "__main__":
    write(Path(sys.argv[1]))
