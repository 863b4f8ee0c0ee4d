"""One JSON wire format: the same monitor report (the sample rules and cases at the sample
``now``) written by each layer for other systems is the same JSON, and it is what
``docs/schema/results.schema.json`` describes. So is each result Node returns as plain data
(``breachRisk``, ``whatIf``, ``diff``, ``check``, ``report.outcomes()``,
``report.accountPeriods()``, ``report.accounts``, ``report.errors``): its ``JSON.stringify``,
and that of one item, is the JSON of the same value from the CLI where it writes one
(``check``, ``diff``, ``monitor``), else from Python's result converted as ``serde_json``
writes it (``as_json``: instants as RFC 3339 text in UTC, durations as seconds).

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
from datetime import UTC, date, datetime, timedelta
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


NODE_PLAIN = """
const fs = require('node:fs')
const { Ruleset } = require(process.argv[1])
const sample = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'))
const rules = Ruleset.load(process.argv[2])
const proposed = Ruleset.load(process.argv[4])
const cases = sample.cases.concat([{ id: 'BAD', process: 'nope', created_at: sample.now }])
const report = rules.monitor(cases, sample.now, null)
const risks = rules.breachRisk(cases, sample.now)
const whatIf = rules.whatIf(proposed, cases, sample.now)
const diff = rules.diff(proposed, { cases: sample.cases, now: sample.now })
const checks = rules.check()
const outcomes = report.outcomes()
const periods = report.accountPeriods()
const out = {
  risks, risk: risks[0], riskError: risks[risks.length - 1],
  whatIf, whatIfChange: whatIf.changes[0],
  diff, diffDeadline: diff.deadlines[0],
  checks, check: checks[0],
  outcomes, outcome: outcomes[0],
  periods, period: periods[0],
  accounts: report.accounts, errors: report.errors,
}
// Each value is stringified on its own, as a consumer would.
const texts = {}
for (const [name, value] of Object.entries(out)) texts[name] = JSON.stringify(value)
texts.riskKeys = JSON.stringify(Object.keys(risks[0]))
process.stdout.write(JSON.stringify(texts))
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


def from_rust(tmp: Path, given: list[dict[str, Any]] | None = None) -> str:
    cases = tmp / "cases.json"
    cases.write_text(json.dumps(sample()["cases"] if given is None else given))
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


def as_json(value: Any) -> Any:
    """A Python result as ``serde_json`` writes the core's value: instants as RFC 3339 text in
    UTC (``Z``; no fraction, else 3 or 6 digits, as chrono's ``AutoSi``), durations as seconds,
    dates as ``YYYY-MM-DD``; a result object through its ``to_dict()``."""
    if hasattr(value, "to_dict"):
        return as_json(value.to_dict())
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
        us = value.microsecond
        fraction = "" if us == 0 else f".{us // 1000:03d}" if us % 1000 == 0 else f".{us:06d}"
        return value.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_json(v) for v in value]
    return value


def test_node_plain_results_stringify_as_the_wire_format(tmp_path: Path) -> None:
    # A proposed contract: the gold first response target halved, so that verdicts and
    # deadlines move.
    document = json.loads(
        subprocess.run(
            [
                "node",
                "-e",
                "process.stdout.write(JSON.stringify(require(process.argv[1]).Ruleset.load(process.argv[2])))",
                str(REPO / "bindings-node"),
                str(RULES),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    document["processes"][0]["milestones"][0]["target"] = "30m"
    proposed = tmp_path / "proposed.json"
    proposed.write_text(json.dumps(document))
    command = ["node", "-e", NODE_PLAIN, str(REPO / "bindings-node"), str(RULES), str(SAMPLE)]
    node: dict[str, str] = json.loads(
        subprocess.run([*command, str(proposed)], check=True, capture_output=True, text=True).stdout
    )

    # Rust (the CLI): check, diff, and the report's accounts and errors.
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps(sample()))

    def run(*args: str) -> str:
        # `check` exits 1 when it finds warnings: its output is what is compared.
        return subprocess.run([cli(), *args], capture_output=True, text=True).stdout

    checks = json.loads(run("check", str(RULES), "--format", "json"))
    assert checks, "the sample rules have warnings"
    assert canonical(node["checks"]) == canonical(json.dumps(checks)), "check"
    assert canonical(node["check"]) == canonical(json.dumps(checks[0])), "check, one item"
    diff = json.loads(
        run(
            "diff",
            str(RULES),
            str(proposed),
            "--cases",
            str(cases),
            "--now",
            sample()["now"],
            "--format",
            "json",
        )
    )
    assert diff["changes"], "the proposed rules differ"
    assert diff["deadlines"], "the proposed rules move deadlines"
    assert canonical(node["diff"]) == canonical(json.dumps(diff)), "diff"
    assert canonical(node["diffDeadline"]) == canonical(json.dumps(diff["deadlines"][0])), (
        "diff, one deadline"
    )

    # Python, converted as serde_json writes the same values.
    rules = entitlement.Ruleset.load(str(RULES))
    bad = sample()["cases"] + [{"id": "BAD", "process": "nope", "created_at": sample()["now"]}]
    report = rules.monitor(bad, sample()["now"])
    risks = as_json(rules.breach_risk(bad, sample()["now"]))
    what_if = as_json(rules.what_if(entitlement.Ruleset.load(str(proposed)), bad, sample()["now"]))
    outcomes = as_json(report.outcomes())
    periods = as_json(report.account_periods())
    assert risks[-1]["code"] == "unknown_process"
    assert what_if["changes"]
    assert report.errors
    expected = {
        "risks": risks,
        "risk": risks[0],
        "riskError": risks[-1],
        "whatIf": what_if,
        "whatIfChange": what_if["changes"][0],
        "outcomes": outcomes,
        "outcome": outcomes[0],
        "periods": periods,
        "period": periods[0],
        "accounts": as_json(report.accounts),
        "errors": as_json(report.errors),
    }
    wire = json.loads(from_rust(tmp_path, bad))
    assert canonical(json.dumps(wire["accounts"])) == canonical(json.dumps(expected["accounts"]))
    assert canonical(json.dumps(wire["errors"])) == canonical(json.dumps(expected["errors"]))
    for name, value in expected.items():
        assert canonical(node[name]) == canonical(json.dumps(value)), name
    # Property reads stay camelCase (Dates, milliseconds): only JSON.stringify changed.
    assert "caseId" in json.loads(node["riskKeys"])

    # And what they write is what the shipped schema describes.
    schema = json.loads(SCHEMA.read_text())
    for name, type_name in [
        ("risk", "BreachRisk"),
        ("riskError", "CaseError"),
        ("whatIf", "WhatIf"),
        ("diff", "RulesDiff"),
        ("check", "CheckWarning"),
        ("outcome", "MilestoneOutcome"),
        ("period", "AccountPeriod"),
    ]:
        validator = jsonschema.Draft202012Validator({"$ref": f"#/$defs/{type_name}", **schema})
        errors = [e.message for e in validator.iter_errors(json.loads(node[name]))]
        assert not errors, f"{name}: {errors[:3]}"
