"""``salesforce.entitlements(..., accounts=...)``: account context (ARR, renewal date, executive
sponsor, CSM, contacts) from recorded query results (``examples/data/import/salesforce/``) with
the documented mapping, and success actions imported as ``on_complete`` (the scenarios of
entitlement-core/tests/import_salesforce_accounts.rs)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from entitlement import EntitlementError, Import, Ruleset, salesforce

DATA = Path(__file__).resolve().parents[2] / "examples" / "data" / "import" / "salesforce"
UTC = timezone.utc


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def options(**mapping: Any) -> dict[str, Any]:
    return {
        "accounts": load("accounts.json"),
        "contracts": load("contracts.json"),
        "opportunities": load("opportunities.json"),
        "team_members": load("account_team_members.json"),
        "contact_roles": load("account_contact_roles.json"),
        **mapping,
    }


def imported(accounts: dict[str, Any]) -> Import:
    return salesforce.entitlements(
        load("entitlements.json"),
        sla_processes=load("sla_processes.json"),
        business_hours=load("business_hours.json"),
        accounts=accounts,
    )


def blocks(imp: Import) -> list[dict[str, Any]]:
    return [e["account"] for e in imp.document["entitlements"]]


def warned(imp: Import, record: str, field: str) -> bool:
    return any(record in w["record"] and w["field"] == field for w in imp.warnings)


def test_the_default_mapping() -> None:
    imp = imported(options())
    acme, globex, initech, umbrella = blocks(imp)
    assert acme["arr"] == 5000000  # AnnualRevenue
    assert acme["renewal_date"] == "2027-12-31"  # latest activated contract, not the draft
    assert acme["executive_sponsor"] == {"name": "Dana Ruiz", "email": "dana.ruiz@example.com"}
    assert acme["csm"] == {"name": "Lee Park", "email": "lee@example.com"}
    assert len(acme["contacts"]) == 3
    assert "executive_sponsor" not in globex
    assert warned(imp, "0015e000000Glbx1AA", "executive_sponsor (TeamMemberRole)")
    assert "arr" not in initech
    assert warned(imp, "Account 0015e000000Init1AA", "AnnualRevenue")
    assert warned(imp, "0015e000000Init1AA", "Contract.EndDate")
    assert umbrella["csm"]["name"] == "Ana Silva"
    assert warned(imp, "0015e000000Umbr1AA", "csm (TeamMemberRole)")


def test_a_custom_field_and_an_account_renewal_field() -> None:
    imp = imported(
        options(arr="ARR__c", renewal_date={"from": "account", "field": "Renewal_Date__c"})
    )
    acme, globex, initech, _ = blocks(imp)
    assert (acme["arr"], acme["renewal_date"]) == (1200000, "2027-03-31")
    assert initech["arr"] == 90000
    assert "renewal_date" not in globex
    assert warned(imp, "Account 0015e000000Glbx1AA", "Renewal_Date__c")


def test_the_next_open_renewal_opportunity() -> None:
    imp = imported(options(renewal_date={"from": "opportunity", "type": "Renewal"}))
    assert [b.get("renewal_date") for b in blocks(imp)] == [
        "2027-03-15",
        "2027-04-30",
        None,
        "2027-01-15",
    ]


def test_a_sponsor_from_contact_roles_and_no_csm() -> None:
    imp = imported(options(executive_sponsor={"contact_role": "Executive Sponsor"}, csm=None))
    acme = blocks(imp)[0]
    assert acme["executive_sponsor"]["name"] == "Jo Alvarez"  # the primary one
    assert all("csm" not in b for b in blocks(imp))


def test_missing_records_and_wrong_values_are_refused_with_their_place() -> None:
    with pytest.raises(EntitlementError) as err:
        imported({"accounts": load("accounts.json"), "renewal_date": {"from": "opportunity"}})
    assert err.value.code == "invalid_value"
    assert "renewal_date" in str(err.value)
    accounts = load("accounts.json")
    accounts["records"][1]["ARR__c"] = "480k"
    with pytest.raises(EntitlementError) as err:
        imported({"accounts": accounts, "arr": "ARR__c"})
    assert err.value.code == "unsupported"
    assert "Account 0015e000000Glbx1AA" in str(err.value)
    assert "ARR__c" in str(err.value)
    with pytest.raises(EntitlementError) as err:
        imported(options(sponsor={"team_role": "x"}))
    assert err.value.code == "unknown_key"


def test_the_account_context_reaches_the_alerts() -> None:
    # Gold Support v1's Resolution Time has the success action Thank_Customer: complete
    # Globex's case 00001002 and the monitor names it, with the imported account context.
    rules = (
        salesforce.business_hours(
            load("business_hours.json"), {"Support NY": load("holidays.json")}
        )
        .merge(salesforce.entitlement_processes(DATA / "metadata"))
        .merge(imported(options(arr="ARR__c")))
        .ruleset()
    )
    assert isinstance(rules, Ruleset)
    milestones = load("case_milestones.json")
    for r in milestones["records"]:
        if r["CaseId"] == "5005e00000Case02AA" and r["MilestoneType"]["Name"] == "Resolution Time":
            r["CompletionDate"] = "2026-11-26T18:00:00.000+0000"
    cases = salesforce.cases(
        load("cases.json"), history=load("case_history.json"), milestones=milestones
    ).document["cases"]
    report = rules.monitor(
        cases,
        datetime(2026, 11, 26, 18, 30, tzinfo=UTC),
        since=datetime(2026, 11, 26, 17, 0, tzinfo=UTC),
    )
    done = [e for e in report.events if e.kind == "milestone_completed"]
    assert [(e.case_id, e.milestone, e.actions) for e in done] == [
        ("5005e00000Case02AA", "Resolution Time", ["Thank_Customer"])
    ]
    alert = next(a for a in report.alerts if a.key == done[0].key)
    assert alert.arr == 480000
    assert alert.renewal_date == "2027-05-31"
    assert alert.csm == {"name": "Ana Silva", "email": "ana.silva@example.com"}
