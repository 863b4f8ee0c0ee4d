"""The contract between the core's description of every result and what Python shows.

For every result type the core lists (``host::RESULT_TYPES``) that Python exposes, as a class
or as a dict, the fields of real results, the properties (or keys) in the installed
``_entitlement.pyi`` and the properties of the core's schema are the same set. The stub's
result part is generated from that schema (``scripts/gen_stubs.py``; ``scripts/test.sh``
fails when the checked-in stub is stale), so a field added in the core reaches every one of
them or this test names it.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

import entitlement
from entitlement import _entitlement

REPO = Path(__file__).resolve().parents[2]
STUB = Path(_entitlement.__file__).with_name("_entitlement.pyi")
NOW = "2026-11-25T20:30:00Z"

#: Where Python shows each result type: a class, or the dicts of some call.
CLASSES = {
    "MilestoneStatus",
    "CaseEvaluation",
    "EntitlementUsage",
    "MonitorEvent",
    "Alert",
    "MonitorReport",
    "CaseError",
    "CheckWarning",
    "RulesDiff",
}
DICTS = {
    "BreachRisk": "_BreachRisk",
    "AccountRollup": "_AccountRollup",
    "WhatIf": "_WhatIf",
    "TriggerStatus": "_Trigger",
    "MilestoneOutcome": "_MilestoneOutcome",
    "AccountPeriod": "_AccountPeriod",
}


def stub_members() -> dict[str, set[str]]:
    """Each class of the stub: its properties (classes) or its keys (TypedDicts)."""
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    out: dict[str, set[str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        typed_dict = any(isinstance(b, ast.Name) and b.id == "TypedDict" for b in node.bases)
        names = set()
        for item in node.body:
            if typed_dict and isinstance(item, ast.AnnAssign):
                assert isinstance(item.target, ast.Name)
                names.add(item.target.id)
            if isinstance(item, ast.FunctionDef) and any(
                isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list
            ):
                names.add(item.name)
        out[node.name] = names
    return out


def real_results() -> dict[str, list[dict[str, Any]]]:
    """``to_dict()`` (or the dicts) of real results, several of each type."""
    rules = entitlement.Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
    cases = json.loads((REPO / "examples" / "data" / "cases.json").read_text(encoding="utf-8"))[
        "cases"
    ]
    report = rules.monitor(cases, NOW, since="2026-11-01T00:00:00Z")
    bad = {"id": "new", "entitlement": "not-in-the-rules", "created_at": NOW}
    with_a_bad_case = rules.monitor([*cases, bad], NOW)
    statuses = [m for c in report.cases for m in c.milestones]
    usage = rules.entitlement_usage("acme-gold", cases, NOW)
    return {
        "MilestoneStatus": [dict(s.to_dict()) for s in statuses],
        "CaseEvaluation": [dict(c.to_dict()) for c in report.cases],
        "EntitlementUsage": [dict(usage.to_dict())],
        "MonitorEvent": [dict(e.to_dict()) for e in report.events],
        "Alert": [dict(a.to_dict()) for a in report.alerts],
        "MonitorReport": [dict(report.to_dict())],
        "BreachRisk": [
            dict(r)
            for r in rules.breach_risk(cases, NOW)
            if not isinstance(r, entitlement.CaseError)
        ],
        "AccountRollup": [dict(a) for a in report.accounts],
        "WhatIf": [dict(rules.what_if(rules, cases, NOW))],
        "TriggerStatus": [dict(t) for s in statuses for t in s.triggers],
        "CaseError": [dict(e.to_dict()) for e in with_a_bad_case.errors],
        "CheckWarning": [dict(w.to_dict()) for w in rules.check(NOW)],
        "MilestoneOutcome": [dict(o) for o in report.outcomes()],
        "AccountPeriod": [dict(p) for p in report.account_periods()],
        "RulesDiff": [dict(rules.diff(rules, cases, NOW).to_dict())],
    }


SCHEMA: dict[str, Any] = _entitlement._result_schema()["$defs"]
RESULT_TYPES: list[str] = list(_entitlement._RESULT_TYPES)
RESULTS = real_results()
STUB_MEMBERS = stub_members()


def test_every_result_type_is_shown_by_python() -> None:
    assert set(RESULT_TYPES) == CLASSES | set(DICTS)


@pytest.mark.parametrize("name", RESULT_TYPES)
def test_fields_equal_the_schema_and_the_stub(name: str) -> None:
    schema = set(SCHEMA[name]["properties"])
    results = RESULTS[name]
    assert results, f"no real {name} to compare"
    for result in results:
        assert set(result) == schema, name
    if name in CLASSES:
        cls = getattr(entitlement, name)
        runtime = {n for n, v in vars(cls).items() if isinstance(v, property)}
        assert runtime == schema, name
        assert STUB_MEMBERS[name] == schema, name
        assert STUB_MEMBERS[f"_{name}Dict"] == schema, name
    else:
        assert STUB_MEMBERS[DICTS[name]] == schema, name


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_each_property_is_the_field_of_to_dict(name: str) -> None:
    """A property reads the same value as ``to_dict()`` (nested results as their objects)."""
    rules = entitlement.Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
    cases = json.loads((REPO / "examples" / "data" / "cases.json").read_text(encoding="utf-8"))[
        "cases"
    ]
    report = rules.monitor(cases, NOW, since="2026-11-01T00:00:00Z")
    found: dict[str, list[Any]] = {
        "MonitorReport": [report],
        "MonitorEvent": list(report.events),
        "Alert": list(report.alerts),
        "CaseEvaluation": list(report.cases),
        "MilestoneStatus": [m for c in report.cases for m in c.milestones],
        "EntitlementUsage": [rules.entitlement_usage("acme-gold", cases, NOW)],
        "CaseError": list(rules.monitor([*cases, {"id": 7}], NOW).errors),
        "CheckWarning": rules.check(NOW),
        "RulesDiff": [rules.diff(rules, cases, NOW)],
    }
    for obj in found[name]:
        d = obj.to_dict()
        for field in SCHEMA[name]["properties"]:
            value = getattr(obj, field)
            if isinstance(value, list) and value and hasattr(value[0], "to_dict"):
                value = [v.to_dict() for v in value]
            elif hasattr(value, "to_dict"):
                value = value.to_dict()
            assert value == d[field], (name, field)


def test_properties_carry_the_core_doc_line() -> None:
    doc = entitlement.MilestoneStatus.target_at.__doc__
    assert doc
    assert doc.split("\n")[0] in SCHEMA["MilestoneStatus"]["properties"]["target_at"]["description"]
