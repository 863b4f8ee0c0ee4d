"""``entitlement.salesforce`` against the fixtures written from the documented shapes of the
Salesforce REST and Metadata APIs (``examples/data/import/salesforce/``), with answers computed
by hand in the comments, and US federal holidays checked against the ``holidays`` package."""

from __future__ import annotations

import doctest
import json
import subprocess
import sys
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import holidays
import pytest

import entitlement.salesforce
from entitlement import Calendar, ConfigError, Import, Ruleset, salesforce

DATA = Path(__file__).resolve().parents[2] / "examples" / "data" / "import" / "salesforce"
UTC = timezone.utc
TABLE: dict[str, Any] = json.loads((DATA / "unsupported.json").read_text(encoding="utf-8"))


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def hours() -> Import:
    return salesforce.business_hours(
        load("business_hours.json"), {"Support NY": load("holidays.json")}
    )


def rules() -> Ruleset:
    contracts = salesforce.entitlements(
        load("entitlements.json"),
        sla_processes=load("sla_processes.json"),
        business_hours=load("business_hours.json"),
    )
    processes = salesforce.entitlement_processes(DATA / "metadata")
    return hours().merge(processes).merge(contracts).ruleset()


def imported_cases() -> list[dict[str, Any]]:
    imp = salesforce.cases(
        load("cases.json"),
        history=load("case_history.json"),
        milestones=load("case_milestones.json"),
    )
    assert imp.warnings == []
    cases: list[dict[str, Any]] = imp.document["cases"]
    return cases


def case(case_id: str) -> dict[str, Any]:
    return next(c for c in imported_cases() if c["id"] == case_id)


def test_business_hours_and_holidays_by_hand() -> None:
    imp = hours()
    cals = imp.document["calendars"]
    assert cals["Premier 24x7"]["hours"]["sun"] == ["00:00-24:00"]
    assert cals["Legacy Tokyo"]["hours"]["fri"] == ["09:00-24:00"]
    assert any(w["field"] == "IsActive" and "Legacy Tokyo" in w["record"] for w in imp.warnings)
    cal = imp.calendar("Support NY")
    # Thu 2026-12-24 11:00 EST + 2h: 1h to noon (timed holiday), Christmas Fri, Mon 28 10:00.
    assert cal.add(at("2026-12-24T16:00:00Z"), timedelta(hours=2)) == at("2026-12-28T15:00:00Z")
    # Wed 2026-11-25 16:00 EST + 2h: Thanksgiving is the 4th Thursday: Fri 27 10:00 EST.
    assert cal.add(at("2026-11-25T21:00:00Z"), timedelta(hours=2)) == at("2026-11-27T15:00:00Z")
    # A maintenance-window day (every 10 days from Feb 2): 7 business hours, 12-13 closed.
    assert cal.elapsed(at("2026-03-04T14:00:00Z"), at("2026-03-04T22:00:00Z")) == timedelta(hours=7)
    # Monthly on the 31st skips April; every 3 months the last weekday (Fri Jan 30).
    assert not cal.is_open(at("2026-03-31T14:00:00Z"))
    assert cal.is_open(at("2026-06-30T14:00:00Z"))
    assert not cal.is_open(at("2026-01-30T15:00:00Z"))
    # Every other Friday 15:00-17:00 from Jan 9: Jan 23 closed at 16:00 EST, Jan 16 open.
    assert not cal.is_open(at("2026-01-23T21:00:00Z"))
    assert cal.is_open(at("2026-01-16T21:00:00Z"))
    # The second weekday of October 2026 is Friday the 2nd.
    assert not cal.is_open(at("2026-10-02T14:00:00Z"))
    assert cal.is_open(at("2026-10-01T14:00:00Z"))


def test_processes_versions_and_milestones() -> None:
    imp = salesforce.entitlement_processes(str(DATA / "metadata"))
    procs = {(p["id"], p["version"]): p for p in imp.document["processes"]}
    assert set(procs) == {("Gold Support", 1), ("Gold Support", 2), ("Premier 24x7", 1)}
    v1, v2 = procs[("Gold Support", 1)], procs[("Gold Support", 2)]
    assert v2["default"] is True
    assert "default" not in v1
    assert v2["exit_statuses"] == ["Closed", "Cancelled"]
    names = [m["name"] for m in v1["milestones"]]
    assert names == ["First Response [1]", "First Response [2]", "Resolution Time"]
    assert v1["milestones"][2]["triggers"] == [
        {"at": "-2h", "level": "warning", "actions": ["Warn_Team_Lead"]},
        {"at": "+24h", "level": "violation", "actions": ["Page_Support_Director"]},
    ]
    assert [m.get("recurrence") for m in v2["milestones"]] == [
        None,
        "independent",
        "sequential",
        None,
    ]
    assert v2["milestones"][0]["completes_on"] == [salesforce.completed_event("First Response")]
    fields = {(w["record"].split(" ")[1], w["field"]) for w in imp.warnings}
    # Success actions are the milestone's on_complete actions, not a warning.
    assert v1["milestones"][2]["on_complete"] == ["Thank_Customer"]
    assert (
        "gold_support.entitlementProcess-meta.xml",
        "milestones[2].successActions",
    ) not in fields
    assert ("premier_24x7.entitlementProcess-meta.xml", "active") in fields


def test_the_same_processes_from_a_path_and_from_files() -> None:
    folder = salesforce.entitlement_processes(DATA / "metadata")
    files: dict[str, str | bytes] = {}
    for sub in ("entitlementProcesses", "milestoneTypes"):
        for p in sorted((DATA / "metadata" / sub).iterdir()):
            files[p.name] = p.read_bytes() if sub == "milestoneTypes" else p.read_text()
    assert salesforce.entitlement_processes(files).document == folder.document


def test_processes_from_xml_text_alone() -> None:
    folder = salesforce.entitlement_processes(DATA / "metadata")
    [gold_v2] = [p for p in folder.document["processes"] if p["version"] == 2]
    v2 = DATA / "metadata" / "entitlementProcesses" / "gold_support_v2.entitlementProcess-meta.xml"
    mt = DATA / "metadata" / "milestoneTypes" / "Next Response.milestoneType-meta.xml"

    def without_recurrence(p: dict[str, Any]) -> dict[str, Any]:
        return {
            **p,
            "milestones": [
                {k: v for k, v in m.items() if k != "recurrence"} for m in p["milestones"]
            ],
        }

    # One file's XML alone, as text or bytes: no milestone types, so no recurrence (warned).
    one = salesforce.entitlement_processes(v2.read_text())
    assert [without_recurrence(p) for p in one.document["processes"]] == [
        without_recurrence(gold_v2)
    ]
    assert any(w["field"].endswith("milestoneName") for w in one.warnings)
    assert salesforce.entitlement_processes(v2.read_bytes()).document == one.document
    # A list of texts, each known by its root; a milestone type given as text names itself
    # with <fullName>.
    named = mt.read_text().replace(
        "<description>", "<fullName>Next Response</fullName><description>"
    )
    both = salesforce.entitlement_processes([v2.read_text(), named.encode()])
    milestones = {m["name"]: m for m in both.document["processes"][0]["milestones"]}
    assert milestones["Next Response"]["recurrence"] == "independent"


def test_entitlements_pin_versions() -> None:
    imp = salesforce.entitlements(
        load("entitlements.json"),
        sla_processes=load("sla_processes.json"),
        business_hours=load("business_hours.json"),
    )
    ents = imp.document["entitlements"]
    assert ents[0]["process"] == {"id": "Gold Support", "version": 2}
    assert ents[0]["cases_per_entitlement"] == 50
    assert ents[1]["process"] == {"id": "Gold Support", "version": 1}
    assert ents[1]["calendar"] == "London Desk"
    assert ents[2]["process"] == salesforce.NO_PROCESS
    assert ents[2]["calendar"] == "Support NY"  # the default business hours
    assert {w["field"] for w in imp.warnings} >= {"RemainingCases", "SlaProcessId"}


def test_replay_meets_salesforce_target_dates() -> None:
    r = rules()
    now = at("2026-12-01T13:00:00Z")
    rows: list[tuple[str, dict[str, Any]]] = []
    for c in load("cases.json")["records"]:
        for row in (c["CaseMilestones"] or {"records": []})["records"]:
            rows.append((c["Id"], row))
    rows += [(row["CaseId"], row) for row in load("case_milestones.json")["records"]]
    checked = 0
    for case_id, row in rows:
        if row["TargetDate"] is None:
            continue
        target = datetime.strptime(row["TargetDate"], "%Y-%m-%dT%H:%M:%S.%f%z")
        name = row["MilestoneType"]["Name"]
        statuses = [
            s
            for s in r.evaluate(case(case_id), now)
            if s.started_at is not None
            and (s.milestone == name or s.milestone.startswith(name + " ["))
        ]
        assert len(statuses) == 1, (case_id, name)
        assert statuses[0].target_at == target, (case_id, name)
        checked += 1
    assert checked == 7


def test_case_states_by_hand() -> None:
    r = rules()
    by = {
        s.milestone: s for s in r.evaluate(case("5005e00000Case01AA"), at("2026-03-05T12:00:00Z"))
    }
    assert by["First Response"].state == "completed"
    assert by["First Response"].elapsed == timedelta(minutes=40)
    # Stopped 10:00-12:00 EST on Tuesday: 2 business hours paused, closed before the target.
    assert by["Resolution Time"].paused == timedelta(hours=2)
    assert by["Resolution Time"].state == "completed"
    assert by["Status Update"].state == "pending"
    # Premier starts at SlaStartDate: 12:00Z, from the CaseMilestone row; 30 minutes later it
    # is violated.
    p = r.evaluate(case("5005e00000Case06AA"), at("2026-12-01T13:00:00Z"))[0]
    assert p.started_at == at("2026-12-01T12:00:00Z")
    assert p.state == "violated"
    assert not r.evaluate_case(case("5005e00000Case04AA"), at("2026-12-01T13:00:00Z")).covered


def test_monitor_runs_over_imported_cases() -> None:
    report = rules().monitor(
        imported_cases(), at("2026-12-01T13:00:00Z"), since=at("2026-12-01T12:00:00Z")
    )
    breaches = [e for e in report.events if e.case_id == "5005e00000Case06AA"]
    # The 30-minute first response of case 6 breached at 12:30Z, inside the window.
    assert [(e.level, e.at) for e in breaches if e.level == "violation"] == [
        ("violation", at("2026-12-01T12:30:00Z"))
    ]


# --- US federal holidays: Salesforce recurring holidays and the document's yearly rules --------

YEARS = range(2020, 2036)
ALL_WEEK = {
    "Id": "01m9",
    "Name": "Round the clock",
    "TimeZoneSidKey": "America/New_York",
    **{
        f"{d}{edge}Time": "00:00:00.000Z"
        for d in ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
        for edge in ("Start", "End")
    },
}


def closed_days(cal: Calendar, weekdays_only: bool) -> set[date]:
    out = set()
    d = date(YEARS[0], 1, 1)
    while d.year < YEARS[-1] + 1:
        if not weekdays_only or d.weekday() < 5:
            noon = datetime(d.year, d.month, d.day, 17, tzinfo=UTC)  # 12:00 or 13:00 in New York
            if not cal.is_open(noon):
                out.add(d)
        d += timedelta(days=1)
    return out


def test_us_federal_holidays_as_salesforce_recurring_holidays_match_the_holidays_package() -> None:
    # Setup has no observed days: the recurring records give the holidays' own dates.
    cal = salesforce.business_hours([ALL_WEEK], load("us_federal_holidays.json")).calendar()
    expected = set(holidays.country_holidays("US", years=YEARS, observed=False))
    assert len(expected) == 175
    assert closed_days(cal, weekdays_only=False) == expected


def test_us_federal_holidays_as_yearly_rules_with_observed_match_the_holidays_package() -> None:
    rules_: list[Mapping[str, Any]] = [
        {"name": "New Year's Day", "yearly": "01-01", "observed": "nearest_weekday"},
        {"name": "Martin Luther King Jr. Day", "yearly": {"month": 1, "weekday": "mon", "nth": 3}},
        {"name": "Washington's Birthday", "yearly": {"month": 2, "weekday": "mon", "nth": 3}},
        {"name": "Memorial Day", "yearly": {"month": 5, "weekday": "mon", "nth": -1}},
        {
            "name": "Juneteenth",
            "yearly": "06-19",
            "observed": "nearest_weekday",
            "starts": "2021-06-19",
        },
        {"name": "Independence Day", "yearly": "07-04", "observed": "nearest_weekday"},
        {"name": "Labor Day", "yearly": {"month": 9, "weekday": "mon", "nth": 1}},
        {"name": "Columbus Day", "yearly": {"month": 10, "weekday": "mon", "nth": 2}},
        {"name": "Veterans Day", "yearly": "11-11", "observed": "nearest_weekday"},
        {"name": "Thanksgiving", "yearly": {"month": 11, "weekday": "thu", "nth": 4}},
        {"name": "Christmas Day", "yearly": "12-25", "observed": "nearest_weekday"},
    ]
    week = {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    cal = Calendar(time_zone="America/New_York", hours=week, holidays=rules_)
    # The package lists a weekend holiday and its observed weekday; a Mon-Fri calendar closes
    # the weekday, so compare weekdays (2021-12-31 is New Year's Day 2022 observed).
    expected = {d for d in holidays.country_holidays("US", years=YEARS) if d.weekday() < 5}
    assert date(2021, 12, 31) in expected
    assert date(2026, 7, 3) in expected
    assert closed_days(cal, weekdays_only=True) == expected


# --- What the importer refuses -----------------------------------------------------------------


def call(c: dict[str, Any]) -> Import:
    a = c["args"]
    if c["call"] == "business_hours":
        return salesforce.business_hours(a["records"], a.get("holidays"))
    if c["call"] == "entitlement_processes":
        return salesforce.entitlement_processes(a["files"])
    if c["call"] == "entitlements":
        return salesforce.entitlements(
            a["records"],
            sla_processes=a.get("sla_processes"),
            business_hours=a.get("business_hours"),
        )
    return salesforce.cases(a["records"], history=a.get("history"), milestones=a.get("milestones"))


@pytest.mark.parametrize("c", TABLE["cases"], ids=[c["case"] for c in TABLE["cases"]])
def test_unsupported_constructs_name_the_record_and_field(c: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as err:
        call(c)
    assert err.value.code == "unsupported"
    assert str(err.value).startswith(c["where"] + ":"), str(err.value)


def test_bad_python_input() -> None:
    with pytest.raises(ConfigError) as err:
        salesforce.entitlement_processes({"x.entitlementProcess-meta.xml": b"\xff\xfe<x/>"})
    assert "x.entitlementProcess-meta.xml: encoding" in str(err.value)
    with pytest.raises(TypeError):
        salesforce.entitlement_processes(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        salesforce.entitlement_processes({"x.entitlementProcess": 42})  # type: ignore[dict-item]
    with pytest.raises(ConfigError) as missing:
        salesforce.entitlement_processes(DATA / "no-such-folder")
    assert "no-such-folder" in str(missing.value)
    with pytest.raises(ConfigError):
        salesforce.business_hours("BusinessHours")  # type: ignore[arg-type]


def test_module_docstring_examples_run() -> None:
    result = doctest.testmod(entitlement.salesforce, raise_on_error=False)
    assert result.attempted >= 6
    assert result.failed == 0


# --- Hostile and lossy input -------------------------------------------------------------------


def test_closed_statuses_must_be_a_list_not_a_string() -> None:
    closed = [
        {
            "Id": "5001",
            "CreatedDate": "2026-11-20T14:00:00.000+0000",
            "Status": "Done",
            "Histories": {
                "records": [
                    {
                        "Field": "Status",
                        "OldValue": "New",
                        "NewValue": "Done",
                        "CreatedDate": "2026-11-20T15:00:00.000+0000",
                    }
                ]
            },
        }
    ]
    # A string would be iterated as the statuses "D", "o", "n", "e": refused, as in Node.
    for bad in ("Done", b"Done"):
        with pytest.raises(entitlement.EntitlementError) as err:
            salesforce.cases(closed, closed_statuses=bad)  # type: ignore[arg-type]
        assert err.value.code == "invalid_type"
        assert "closed_statuses" in str(err.value)
    with pytest.raises(entitlement.EntitlementError) as err:
        salesforce.cases(closed, closed_statuses=["Done", 3])  # type: ignore[list-item]
    assert err.value.code == "invalid_type"
    for good in (["Done"], ("Done",)):
        events = salesforce.cases(closed, closed_statuses=good).document["cases"][0]["events"]
        assert [e["type"] for e in events] == ["status", "closed"]


def test_other_subqueries_are_reported_and_lists_refused() -> None:
    record = {"Id": "5001", "CreatedDate": "2026-11-20T14:00:00.000+0000", "Status": "New"}
    imp = salesforce.cases(
        [{**record, "CaseComments": {"totalSize": 0, "done": True, "records": []}}]
    )
    assert [(w["record"], w["field"]) for w in imp.warnings] == [("Case 5001", "CaseComments")]
    with pytest.raises(ConfigError) as err:
        salesforce.cases([{**record, "Products__c": ["A", "B"]}])
    assert str(err.value).startswith("Case 5001: Products__c:")


WIDE_ELEMENT = """
import sys
from entitlement import EntitlementError, salesforce
attributes = "".join(f' a{i}="{i}"' for i in range(70_000))
xml = (
    '<EntitlementProcess xmlns="http://soap.sforce.com/2006/04/metadata">'
    f"<milestones{attributes}><milestoneName>First Response</milestoneName>"
    "<minutesToComplete>60</minutesToComplete></milestones><name>Wide</name></EntitlementProcess>"
)
try:
    salesforce.entitlement_processes({"wide.entitlementProcess-meta.xml": xml})
except EntitlementError as e:
    print(e.code)
    print(e)
"""


def test_an_element_with_70000_attributes_is_refused_promptly() -> None:
    # In a child with a time limit: before the cap, this input took 11 s (quadratic).
    proc = subprocess.run(
        [sys.executable, "-c", WIDE_ELEMENT],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    code, message = proc.stdout.splitlines()[:2]
    assert code == "limit_exceeded"
    assert message.startswith(
        "EntitlementProcess wide.entitlementProcess-meta.xml: <EntitlementProcess/milestones>"
    ), message
