"""``entitlement.dynamics`` against the fixtures written from the documented shapes of the
Dataverse Web API (``examples/data/import/dynamics/``, deadlines computed by hand in its
README): every ``failuretime`` and ``warningtime`` Dynamics recorded is the engine's."""

from __future__ import annotations

import doctest
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import entitlement.dynamics
from entitlement import ConfigError, Import, Ruleset, dynamics

DATA = Path(__file__).resolve().parents[2] / "examples" / "data" / "import" / "dynamics"
TABLE: dict[str, Any] = json.loads((DATA / "unsupported.json").read_text(encoding="utf-8"))


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def rules() -> Ruleset:
    hours = dynamics.calendars(load("calendars.json"))
    slas = dynamics.slas(
        load("slas.json"),
        load("slaitems.json"),
        load("slakpis.json"),
        pause_statuses=[2, 3],
    )
    terms = dynamics.entitlements(load("entitlements.json"), load("entitlementchannels.json"))
    return hours.merge(slas).merge(terms).ruleset()


def imported_cases() -> list[dict[str, Any]]:
    imp = dynamics.cases(load("incidents.json"), audits=load("audits.json"))
    assert len(imp.warnings) == 1
    cases: list[dict[str, Any]] = imp.document["cases"]
    return cases


def test_calendars_by_hand() -> None:
    imp = dynamics.calendars(load("calendars.json"))
    london = imp.document["calendars"]["London Support"]
    assert london["time_zone"] == "Europe/London"
    assert london["hours"]["wed"] == ["09:00-12:00", "13:00-17:00"]
    assert london["holidays"][0] == {
        "name": "Staff training (afternoon)",
        "date": "2026-03-06",
        "hours": "12:00-17:00",
    }
    cal = imp.calendar("London Support")
    assert cal.is_open(at("2026-03-06T11:00:00Z"))
    assert not cal.is_open(at("2026-03-06T12:30:00Z"))


def test_kpi_instances_match_the_engine() -> None:
    r = rules()
    kpi_names = {k["msdyn_slakpiid"]: k["msdyn_name"] for k in load("slakpis.json")["value"]}
    kpi_of = {
        i["name"]: kpi_names[i["_msdyn_slakpiid_value"]] for i in load("slaitems.json")["value"]
    }
    cases = {c["id"]: c for c in imported_cases()}
    now = at("2026-12-02T00:00:00Z")
    checked = 0
    for inst in load("slakpiinstances.json")["value"]:
        statuses = r.evaluate(cases[inst["_regarding_value"]], now)
        started = [
            s for s in statuses if s.started_at is not None and kpi_of[s.milestone] == inst["name"]
        ]
        assert len(started) == 1, inst
        s = started[0]
        assert s.target_at == at(inst["failuretime"]), inst
        warning = next(t for t in s.triggers if t["level"] == "warning")
        assert warning["at"] == at(inst["warningtime"]), inst
        if inst["succeededon"] is not None:
            assert s.completed_at == at(inst["succeededon"]), inst
        checked += 1
    assert checked == 8


def test_entitlements_and_cases() -> None:
    imp = dynamics.entitlements(load("entitlements.json"), load("entitlementchannels.json"))
    assert imp.document["entitlements"][0]["cases_per_entitlement"] == 50
    assert [w["field"] for w in imp.warnings] == [
        "remainingterms",
        "decreaseremainingon",
        "remainingterms",
    ]
    c1 = imported_cases()[0]
    assert [e["type"] for e in c1["events"]] == [
        "agent_reply",
        "status",
        "status",
        "field",
        "solved",
        "status",
    ]


def test_time_zone_table() -> None:
    table = dynamics.time_zone_codes()
    assert len(table) == 75
    assert len({code for code, _, _ in table}) == 75
    for code, _windows, iana in table:
        assert dynamics.time_zone(code) == iana
        ZoneInfo(iana)  # a zone the standard library knows too
    with pytest.raises(ConfigError) as err:
        dynamics.time_zone(92)
    assert err.value.code == "unsupported"


def call(c: dict[str, Any]) -> Import:
    a = c["args"]
    if c["call"] == "calendars":
        return dynamics.calendars(a["calendars"], a.get("options"))
    if c["call"] == "slas":
        return dynamics.slas(a["slas"], a.get("sla_items"), a.get("kpis"), a.get("options"))
    if c["call"] == "entitlements":
        return dynamics.entitlements(a["entitlements"], a.get("channels"), a.get("options"))
    if c["call"] == "cases":
        return dynamics.cases(a["incidents"], a.get("options"))
    raise AssertionError(c["call"])


@pytest.mark.parametrize("c", TABLE["cases"], ids=[c["case"] for c in TABLE["cases"]])
def test_unsupported_constructs_name_the_record_and_field(c: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as err:
        call(c)
    assert err.value.code == "unsupported"
    assert str(err.value).startswith(c["where"] + ":"), str(err.value)


def test_module_docstring_examples_run() -> None:
    result = doctest.testmod(entitlement.dynamics, raise_on_error=False)
    assert result.attempted >= 6
    assert result.failed == 0


def test_keywords_and_options_are_one_reading() -> None:
    # Each option is a keyword argument or a key of ``options``: the same fragment either way;
    # both at once is refused rather than one picked.
    by_keyword = dynamics.slas(
        load("slas.json"), load("slaitems.json"), load("slakpis.json"), pause_statuses=[2, 3]
    )
    by_options = dynamics.slas(
        load("slas.json"),
        load("slaitems.json"),
        load("slakpis.json"),
        options={"pause_statuses": [2, 3]},
    )
    assert by_keyword.document == by_options.document
    unpaused = dynamics.slas(load("slas.json"), load("slaitems.json"), load("slakpis.json"))
    assert unpaused.document != by_keyword.document
    assert dynamics.cases(load("incidents.json"), audits=load("audits.json")).document == (
        dynamics.cases(load("incidents.json"), options={"audits": load("audits.json")}).document
    )
    with pytest.raises(TypeError, match="pause_statuses"):
        dynamics.slas(
            load("slas.json"),
            load("slaitems.json"),
            load("slakpis.json"),
            {"pause_statuses": [2]},
            pause_statuses=[3],
        )
    zones = dynamics.calendars(
        [
            {
                "calendarid": "c1",
                "name": "Desk",
                "type": 1,
                "calendar_calendar_rules": [
                    {
                        "pattern": "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO",
                        "timezonecode": 92,
                        "_innercalendarid_value": "i1",
                    }
                ],
            },
            {
                "calendarid": "i1",
                "type": -1,
                "calendar_calendar_rules": [{"timecode": 0, "offset": 540, "duration": 480}],
            },
        ],
        time_zones={"92": "Etc/UTC"},
    )
    assert zones.document["calendars"]["Desk"]["time_zone"] == "Etc/UTC"
