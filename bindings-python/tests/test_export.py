"""``entitlement.salesforce.export``, ``entitlement.zendesk.export`` and
``entitlement.review.export`` through the built module: an export of the importers' fixtures
imports back to the same document, and what a vendor cannot express raises ``unsupported``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from entitlement import ConfigError, Import, Ruleset, review, salesforce, zendesk

DATA = Path(__file__).resolve().parents[2] / "examples" / "data" / "import"


def load(vendor: str, name: str) -> Any:
    return json.loads((DATA / vendor / name).read_text())


def test_zendesk_export_of_the_fixtures_imports_back_unchanged() -> None:
    first = zendesk.schedules(
        load("zendesk", "schedules.json"), load("zendesk", "holidays.json")
    ).merge(zendesk.sla_policies(load("zendesk", "sla_policies.json"), schedule="Support NY"))
    files = zendesk.export(first.ruleset())
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
    schedules: dict[str, dict[str, Any]] = {}
    policies = []
    for path, text in sorted(files.items()):
        parts = path.split("/")
        body: Any = json.loads(text) if path.endswith(".json") else None
        if parts[0] == "schedules":
            s = schedules.setdefault(parts[1], {})
            if parts[2] == "schedule.json":
                s.update(body["schedule"])
            elif parts[2] == "workweek.json":
                s["intervals"] = body["workweek"]["intervals"]
            else:
                s.setdefault("holidays", []).append(body["holiday"])
        elif parts[0] == "sla_policies":
            policies.append(body["sla_policy"])
    again = zendesk.schedules({"schedules": list(schedules.values())}).merge(
        zendesk.sla_policies({"sla_policies": policies}, schedule="Support NY")
    )
    assert again.document["calendars"] == first.document["calendars"]
    assert again.document["processes"] == first.document["processes"]


def test_salesforce_export_of_the_fixtures_imports_back_unchanged(tmp_path: Path) -> None:
    hours = salesforce.business_hours(
        load("salesforce", "business_hours.json"),
        {"Support NY": load("salesforce", "holidays.json")},
    )
    first = hours.merge(salesforce.entitlement_processes(DATA / "salesforce" / "metadata"))
    files = salesforce.export(first.ruleset())
    for path, text in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    again: Import = salesforce.entitlement_processes(tmp_path / "force-app" / "main" / "default")
    again = again.merge(
        salesforce.business_hours(
            json.loads(files["data/business_hours.json"]), json.loads(files["data/holidays.json"])
        )
    )
    assert again.document["processes"] == first.document["processes"]
    assert again.document["calendars"] == first.document["calendars"]
    assert "manifest/package.xml" in files


def test_what_a_vendor_cannot_express_is_unsupported_naming_every_path() -> None:
    rules = Ruleset.from_dict(
        {
            "calendars": {
                "ny": {
                    "time_zone": "America/New_York",
                    "hours": {"mon": ["09:00-17:00"]},
                    "holidays": [{"name": "Christmas", "yearly": "12-25"}],
                },
                "both": {"union": ["ny"]},
            }
        }
    )
    with pytest.raises(ConfigError) as err:
        zendesk.export(rules)
    assert err.value.code == "unsupported"
    assert str(err.value).startswith("calendars.both")
    assert "calendars.ny.holidays[0]" in str(err.value)
    # With the years to expand into, the recurring holiday is written as its dates.
    with pytest.raises(ConfigError):
        zendesk.export(rules, expand_holidays=(2027, 2028))  # the union is still refused
    single = Ruleset.from_dict({"calendars": {"ny": rules.to_dict()["calendars"]["ny"]}})
    files = zendesk.export(single, expand_holidays=(2027, 2028))
    dates = sorted(
        json.loads(v)["holiday"]["start_date"] for k, v in files.items() if "/holidays/" in k
    )
    assert dates == ["2027-12-25", "2028-12-25"]
    with pytest.raises(ConfigError) as sf:
        salesforce.export(rules)
    assert sf.value.code == "unsupported"


def test_review_page() -> None:
    rules = Ruleset.from_dict(
        {
            "calendars": {"24x7": {"always_open": True}},
            "processes": [
                {
                    "id": "gold",
                    "calendar": "24x7",
                    "milestones": [
                        {
                            "name": "First Response",
                            "kind": "first_response",
                            "target": {"by": "severity", "values": {"Sev1": "15m"}},
                        }
                    ],
                }
            ],
        }
    )
    page = review.export(rules)
    assert list(page) == ["review.md"]
    row = "| First Response | first response | by severity: Sev1 15m, otherwise none |"
    assert row in page["review.md"]
