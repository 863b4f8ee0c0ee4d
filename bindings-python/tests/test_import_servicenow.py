"""``entitlement.servicenow`` against the fixtures written from the ServiceNow Table API's
documented shapes (``examples/data/import/servicenow/``, hand-computed deadlines in its
README.md)."""

from __future__ import annotations

import doctest
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

import entitlement.servicenow
from entitlement import ConfigError, Import, Ruleset, servicenow

DATA = Path(__file__).resolve().parents[2] / "examples" / "data" / "import" / "servicenow"
TABLE: dict[str, Any] = json.loads((DATA / "unsupported.json").read_text(encoding="utf-8"))


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def glide(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)


def hours() -> Import:
    return servicenow.schedules(
        load("cmn_schedule.json"),
        load("cmn_schedule_span.json"),
        other_schedules=load("cmn_other_schedule.json"),
        time_zone={"Ops floating": "Asia/Tokyo"},
    )


def rules() -> Ruleset:
    slas = servicenow.sla_definitions(
        load("contract_sla.json"), schedules=load("cmn_schedule.json")
    )
    return hours().merge(slas).ruleset()


def test_task_sla_planned_end_times_are_the_engine_deadlines() -> None:
    r = rules()
    imported = servicenow.cases(
        load("incident.json"),
        audit=load("sys_audit.json"),
        history=load("sys_history_line.json"),
        sla_definitions=load("contract_sla.json"),
    )
    by_number = {c["id"]: c for c in imported.document["cases"]}
    numbers = {t["sys_id"]: t["number"] for t in load("incident.json")["result"]}
    names = {d["sys_id"]: d["name"] for d in load("contract_sla.json")["result"]}
    now = glide("2026-03-10 00:00:00")
    checked = 0
    for row in load("task_sla.json")["result"]:
        case = by_number[numbers[row["task"]["value"]]]
        name = names[row["sla"]["value"]]
        (status,) = [s for s in r.evaluate(case, now) if s.milestone == name]
        assert status.started_at == glide(row["start_time"]), (case["id"], name)
        assert status.target_at == glide(row["planned_end_time"]), (case["id"], name)
        checked += 1
    assert checked == 9


def test_floating_schedule_needs_a_zone() -> None:
    with pytest.raises(ConfigError) as err:
        servicenow.schedules(load("cmn_schedule.json"), load("cmn_schedule_span.json"))
    assert err.value.code == "unsupported"
    assert "(Ops floating): time_zone:" in str(err.value)
    with pytest.raises(TypeError):
        servicenow.schedules([], [], time_zone=3)  # type: ignore[arg-type]


def call(c: dict[str, Any]) -> Import:
    a = c["args"]
    if c["call"] == "schedules":
        return servicenow.schedules(
            a["schedules"],
            a["spans"],
            other_schedules=a.get("other_schedules"),
            time_zone=a.get("time_zone"),
        )
    if c["call"] == "sla_definitions":
        return servicenow.sla_definitions(a["contract_slas"], schedules=a.get("schedules"))
    return servicenow.cases(
        a["tasks"],
        audit=a.get("audit"),
        history=a.get("history"),
        sla_definitions=a.get("sla_definitions"),
    )


@pytest.mark.parametrize("c", TABLE["cases"], ids=[c["case"] for c in TABLE["cases"]])
def test_unsupported_constructs_name_the_record_and_field(c: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as err:
        call(c)
    assert err.value.code == "unsupported"
    assert str(err.value).startswith(c["where"] + ":"), str(err.value)


def test_module_docstring_examples_run() -> None:
    result = doctest.testmod(entitlement.servicenow, raise_on_error=False)
    assert result.attempted >= 3
    assert result.failed == 0
