"""One JSON wire format: the same monitor report (the sample rules and cases at the sample
``now``) written by each layer for other systems is the same JSON, and it is what
``docs/schema/results.schema.json`` describes.

- Rust: the CLI, ``entitlement monitor --format json`` (``$ENTITLEMENT_BIN``, else the release
  build under ``target/``);
- Python: ``MonitorReport.to_json()`` of the installed wheel;
- Node: ``JSON.stringify(report)`` of the built addon (``bindings-node``), through ``toJSON()``.

The texts are compared byte for byte after sorting keys. Numbers are compared as JSON numbers:
``serde_json`` writes a duration of 30 minutes as ``1800.0`` and ``JSON.stringify`` as
``1800``, the same number, so an integral float is written as an integer before the compare.

Run by the test command after the Node step: ``.venv/bin/python -m pytest tests/wire``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import entitlement
import jsonschema

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "examples" / "data" / "rules.yaml"
SAMPLE = REPO / "examples" / "data" / "cases.json"
SCHEMA = REPO / "docs" / "schema" / "results.schema.json"

NODE_REPORT = """
const fs = require('node:fs')
const { Ruleset } = require(process.argv[1])
const sample = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'))
const report = Ruleset.load(process.argv[2]).monitor(sample.cases, sample.now, null)
process.stdout.write(JSON.stringify(report))
"""


def cli() -> str:
    given = os.environ.get("ENTITLEMENT_BIN")
    if given:
        return given
    triple = f"{platform.machine()}-unknown-linux-gnu"
    return str(REPO / "target" / triple / "release" / "entitlement")


@cache
def sample() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SAMPLE.read_text())
    return loaded


def from_rust(tmp: Path) -> str:
    cases = tmp / "cases.json"
    cases.write_text(json.dumps(sample()["cases"]))
    command = [cli(), "monitor", "--rules", str(RULES), "--cases", str(cases)]
    command += ["--now", sample()["now"], "--since", "none", "--format", "json"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def from_python() -> str:
    rules = entitlement.Ruleset.load(str(RULES))
    return rules.monitor(sample()["cases"], sample()["now"]).to_json()


def from_node() -> str:
    command = ["node", "-e", NODE_REPORT, str(REPO / "bindings-node"), str(RULES), str(SAMPLE)]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def numbers(value: Any) -> Any:
    """The value with every integral float as an integer (the same JSON number)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: numbers(v) for k, v in value.items()}
    return value


def canonical(text: str) -> bytes:
    value = numbers(json.loads(text))
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def test_the_same_report_is_the_same_json_from_rust_python_and_node(tmp_path: Path) -> None:
    rust, python, node = from_rust(tmp_path), from_python(), from_node()
    assert canonical(python) == canonical(rust), "Python to_json() vs the CLI"
    assert canonical(node) == canonical(rust), "Node JSON.stringify vs the CLI"
    # Not a vacuous compare: the sample raises events and alerts and has open milestones.
    report = json.loads(rust)
    for table in ("events", "alerts", "statuses", "accounts"):
        assert report[table], table
    alert = report["alerts"][0]
    assert {"case_id", "account_id"} <= alert.keys()
    assert "caseId" not in alert


def test_the_report_is_what_the_shipped_results_schema_describes() -> None:
    schema = json.loads(SCHEMA.read_text())
    report = json.loads(from_python())
    validator = jsonschema.Draft202012Validator({"$ref": "#/$defs/MonitorReport", **schema})
    errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
