"""Alerts people act on, through the installed wheel (``docs/alerts.md``): one alert per
milestone instance and instant, titles in words, links and fields from ``monitor:``, the action
catalogue, money, the renderers within the vendors' limits with 10 KB of CRM text, and the
per-account digest. The core's ``tests/alerts.rs`` holds the same scenarios.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from entitlement import ConfigError, Ruleset

REPO = Path(__file__).resolve().parents[2]
RULES = Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
SAMPLE = json.loads((REPO / "examples" / "data" / "cases.json").read_text(encoding="utf-8"))
UTC = timezone.utc


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def sample_report() -> Any:
    now = z(SAMPLE["now"])
    return RULES.monitor(SAMPLE["cases"], now, since=now.replace(day=now.day - 1))


def one_milestone(monitor: dict[str, Any], triggers: list[Any]) -> Ruleset:
    day = ["09:00-17:00"]
    return Ruleset.from_dict(
        {
            "calendars": {
                "ny": {
                    "time_zone": "America/New_York",
                    "hours": {d: day for d in ("mon", "tue", "wed", "thu", "fri")},
                }
            },
            "processes": [
                {
                    "id": "gold",
                    "calendar": "ny",
                    "milestones": [
                        {
                            "name": "First Response",
                            "kind": "first_response",
                            "target": {"by": "tier", "values": {"Gold": "1h"}, "default": "2h"},
                            "triggers": triggers,
                        }
                    ],
                }
            ],
            "entitlements": [
                {
                    "id": "acme",
                    "process": "gold",
                    "account": {"id": "A/1 x", "name": "Acme Corp", "arr": 850000},
                }
            ],
            "monitor": monitor,
        }
    )


def one_case(case_id: str, **fields: str) -> dict[str, Any]:
    return {
        "id": case_id,
        "entitlement": "acme",
        "created_at": "2026-11-25T19:00:00Z",
        "fields": {"tier": "Gold", "subject": "Login <fails>", "owner": "Pat", **fields},
    }


def test_the_sample_pairs_are_one_alert_each() -> None:
    r = sample_report()
    # 25 crossings and breaches beside the completions, which raise no alert (the sample's
    # milestones name no on_complete actions).
    alarms = [e for e in r.events if e.kind != "milestone_completed"]
    assert len(alarms) == 25
    assert len(r.alerts) == 20  # 24 before: 4 breach + 100% pairs merged
    unsuppressed = sorted(e.key for e in alarms if not e.suppressed)
    assert sorted(k for a in r.alerts for k in a.keys) == unsuppressed
    pair = next(a for a in r.alerts if a.key == "C-4001/Resolution/2/breach")
    assert pair.keys == ["C-4001/Resolution/2/breach", "C-4001/Resolution/2/trigger/1/100%"]
    assert pair.actions[-1] == "notify_account_team"
    assert [i["id"] for i in pair.action_items] == pair.actions
    assert pair.arr_text == "$2.5M"
    assert pair.to_dict()["keys"] == pair.keys


def test_titles_in_words() -> None:
    rules = one_milestone({}, [{"at": "75%", "level": "warning", "actions": ["notify_owner"]}])
    cases = [one_case("500-17")]
    [a] = rules.monitor(cases, "2026-11-25T19:45:00Z").alerts
    assert a.title == (
        "First Response on case 500-17 (Acme Corp, Gold) due in 15 min of business time (15:00 EST)"
    )
    r = rules.monitor(cases, "2026-11-25T20:00:00Z")
    breach = next(a for a in r.alerts if a.kind == "breach")
    assert breach.title.endswith("breached at 15:00 EST, just now")
    r = rules.monitor(cases, "2026-11-25T21:05:00Z")
    breach = next(a for a in r.alerts if a.kind == "breach")
    assert breach.title.endswith("breached at 15:00 EST, 1h05m ago")
    assert "0m left" not in breach.title


def test_links_are_percent_encoded_and_fields_configured() -> None:
    rules = one_milestone(
        {
            "links": {"case": "https://crm.example/c/{case_id}/view"},
            "alert_fields": ["subject", "owner", "nothing"],
        },
        [{"at": "50%", "level": "warning"}],
    )
    [a] = rules.monitor([one_case("C 1/é?&")], "2026-11-25T19:45:00Z").alerts
    assert a.links == [
        {"label": "Open case", "url": "https://crm.example/c/C%201%2F%C3%A9%3F%26/view"}
    ]
    assert a.fields == [
        {"label": "Subject", "value": "Login <fails>"},
        {"label": "Owner", "value": "Pat"},
    ]
    with pytest.raises(ConfigError) as info:
        one_milestone({"links": {"case": "https://x/{id}"}}, [])
    assert info.value.code == "invalid_value"
    assert str(info.value).startswith("monitor.links.case")


def test_an_unknown_action_is_a_load_error() -> None:
    with pytest.raises(ConfigError) as info:
        one_milestone({}, [{"at": "50%", "level": "warning", "actions": ["page_on_call"]}])
    assert info.value.code == "unknown_action"
    assert "page_oncall" in str(info.value)
    rules = one_milestone(
        {"actions": {"page_on_call": {"label": "Page the on-call engineer"}}},
        [{"at": "50%", "level": "warning", "actions": ["page_on_call"]}],
    )
    [a] = rules.monitor([one_case("C-1")], "2026-11-25T19:45:00Z").alerts
    assert a.action_items[0] == {
        "id": "page_on_call",
        "label": "Page the on-call engineer",
        "details": None,
    }


BIG = "x<script>alert(1)</script>&" * 400  # about 10 KB


def hostile_alerts() -> list[Any]:
    fields = ["subject", "owner", "priority", "severity", "a", "b", "c", "d", "e", "f", "g"]
    rules = Ruleset.from_dict(
        {
            "processes": [
                {
                    "id": "p",
                    "milestones": [
                        {
                            "name": BIG,
                            "kind": "first_response",
                            "target": "1h",
                            "triggers": [
                                {"at": "50%", "level": "warning", "actions": ["x"]},
                                {"at": "100%", "level": "violation"},
                            ],
                        }
                    ],
                }
            ],
            "entitlements": [
                {
                    "id": "e",
                    "process": "p",
                    "account": {"id": BIG, "name": BIG, "arr": 1e7, "csm": BIG},
                }
            ],
            "monitor": {
                "links": {
                    "case": "https://crm.example/{case_id}",
                    "account": "https://x.example/a",
                },
                "alert_fields": fields,
                "actions": {"x": {"label": BIG[:900], "details": BIG[:3000]}},
            },
        }
    )
    case: dict[str, Any] = {
        "id": BIG,
        "entitlement": "e",
        "created_at": "2026-11-25T10:00:00Z",
        "fields": {f: BIG for f in fields},
    }
    alerts = rules.monitor([case], "2026-11-25T12:00:00Z").alerts
    assert len(alerts) == 2
    return alerts


def units(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def check_block_kit(m: dict[str, Any]) -> None:
    assert 0 < units(m["text"]) <= 3000
    assert 0 < len(m["blocks"]) <= 50
    for b in m["blocks"]:
        kind = b["type"]
        if kind == "header":
            assert units(b["text"]["text"]) <= 150
        elif kind == "section":
            if "text" in b:
                assert 0 < units(b["text"]["text"]) <= 3000
                if b["text"]["type"] == "mrkdwn":
                    assert "<script>" not in b["text"]["text"]
            for f in b.get("fields", []):
                assert units(f["text"]) <= 2000
                assert "<script>" not in f["text"]
            assert len(b.get("fields", [])) <= 10
            if "accessory" in b:
                assert units(b["accessory"]["text"]["text"]) <= 75
                assert units(b["accessory"]["url"]) <= 3000
        elif kind == "actions":
            assert 0 < len(b["elements"]) <= 25
            for e in b["elements"]:
                assert units(e["text"]["text"]) <= 75
                assert units(e["url"]) <= 3000
        elif kind == "context":
            assert 0 < len(b["elements"]) <= 10
            assert all(units(e["text"]) <= 3000 for e in b["elements"])
        else:
            raise AssertionError(kind)


def test_slack_with_10_kb_of_crm_text_stays_within_block_kit_limits() -> None:
    for a in hostile_alerts():
        assert len(a.title) > 10_000
        m = a.slack_blocks()
        check_block_kit(m)
        buttons = [e for b in m["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert [b["url"] for b in buttons] == ["https://x.example/a"]


def test_email_html_escapes_crm_text() -> None:
    for a in hostile_alerts():
        e = a.email()
        assert "<script>" not in e["html"]
        assert "&lt;script&gt;" in e["html"]
        assert e["text"] == e["body"]


def test_jira_and_pagerduty_keep_their_shapes() -> None:
    for a in hostile_alerts():
        d = a.jira_issue("SUP")["fields"]["description"]
        assert (d["type"], d["version"]) == ("doc", 1)
        pd = a.pagerduty_event("k")
        assert units(pd["payload"]["summary"]) <= 1024
        assert pd["links"] == [{"href": "https://x.example/a", "text": "Open account"}]


def test_digests_count_per_account() -> None:
    r = sample_report()
    digests = r.digests()
    assert sum(len(d["keys"]) for d in digests) == len(r.alerts)
    by_key = {a.key: a for a in r.alerts}
    for d in digests:
        breached = sum(1 for k in d["keys"] if by_key[k].level in ("violation", "escalation"))
        assert (d["breached"], d["at_risk"]) == (breached, len(d["keys"]) - breached)
        assert d["headline"] == f"{d['account_name']}: {breached} breached, {d['at_risk']} at risk"
        check_block_kit(d["slack"])
        assert set(d["email"]) == {"subject", "text", "html"}
    umbrella = next(d for d in digests if d["account_name"] == "Umbrella")
    assert (umbrella["breached"], umbrella["at_risk"]) == (2, 4)
