"""What a delivering job needs from the core, through the installed wheel (the core's
``tests/pipeline.rs`` holds the same scenarios): ``monitor.automate`` and
``monitor.raise_priority``, ``Alert.deliveries`` and ``MonitorReport.outcomes()``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from entitlement import ConfigError, Ruleset

REPO = Path(__file__).resolve().parents[2]
SAMPLE = json.loads((REPO / "examples" / "data" / "cases.json").read_text(encoding="utf-8"))
UTC = timezone.utc
CHANNELS = {
    "open_war_room": "war_room",
    "create_jira_issue": "jira",
    "page_oncall": "pagerduty",
    "raise_priority": "salesforce",
}
ORDER = ["slack", "war_room", "jira", "pagerduty", "salesforce"]


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def sample_rules(monitor: dict[str, Any]) -> Ruleset:
    doc = Ruleset.load(REPO / "examples" / "data" / "rules.yaml").to_dict()
    doc.setdefault("monitor", {}).update(monitor)
    return Ruleset.from_dict(doc)


def test_automate_must_name_known_actions() -> None:
    with pytest.raises(ConfigError) as err:
        sample_rules({"automate": ["raise_priority", "reboot"]})
    assert err.value.code == "unknown_action"
    assert err.value.path == ["monitor", "automate", 1]
    with pytest.raises(ConfigError) as err:
        sample_rules({"raise_priority": ""})
    assert (err.value.code, err.value.path) == ("invalid_value", ["monitor", "raise_priority"])


def test_every_alert_delivers_to_slack_then_the_channels_of_its_actions() -> None:
    rules = sample_rules(
        {"automate": ["page_oncall"], "raise_priority": "Urgent", "war_room_arr": 0}
    )
    report = rules.monitor(SAMPLE["cases"], z(SAMPLE["now"]))
    assert report.alerts
    seen = set()
    for alert in report.alerts:
        deliveries = alert.deliveries
        assert deliveries == alert.to_dict()["deliveries"]
        assert deliveries[0] == {
            "channel": "slack",
            "action": "notify",
            "automated": True,
            "target": None,
            "dedupe": alert.key,
            "invite": [],
        }
        wanted = {CHANNELS.get(a) for a in alert.actions}
        expected = ["slack"] + [c for c in ORDER[1:] if c in wanted]
        assert [d["channel"] for d in deliveries] == expected
        for d in deliveries[1:]:
            seen.add(d["channel"])
            assert CHANNELS.get(d["action"]) == d["channel"]
            assert d["automated"] == (d["action"] == "page_oncall")
            if d["channel"] == "war_room":
                room = d["target"]
                assert room is not None
                assert room.startswith("war-")
                assert len(room) <= 80
                assert room == room.lower()
            if d["channel"] == "salesforce":
                assert d["target"] == "Urgent"
            if d["channel"] == "pagerduty":
                assert d["dedupe"] == alert.pagerduty_event("R")["dedup_key"] == alert.key
    assert {"war_room", "pagerduty", "salesforce"} <= seen


def test_the_jira_label_is_the_sha256_of_the_key() -> None:
    rules = Ruleset.from_dict(
        {
            "processes": [
                {
                    "id": "p",
                    "milestones": [
                        {
                            "name": "FR",
                            "kind": "first_response",
                            "target": "1h",
                            "triggers": [
                                {"at": "50%", "level": "warning", "actions": ["create_jira_issue"]}
                            ],
                        }
                    ],
                }
            ],
            "entitlements": [{"id": "e", "process": "p"}],
            "monitor": {"automate": ["create_jira_issue"]},
        }
    )
    case = {"id": "c", "entitlement": "e", "created_at": "2026-11-25T10:00:00Z"}
    (alert,) = rules.monitor([case], z("2026-11-25T10:40:00Z")).alerts
    jira = alert.deliveries[1]
    digest = hashlib.sha256(alert.key.encode()).hexdigest()
    assert jira == {
        "channel": "jira",
        "action": "create_jira_issue",
        "automated": True,
        "target": None,
        "dedupe": "entitlement-" + digest[:16],
        "invite": [],
    }


def test_outcomes_are_one_row_per_started_milestone_with_its_margins() -> None:
    rules = Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
    now = z(SAMPLE["now"])
    report = rules.monitor(SAMPLE["cases"], now)
    rows = report.outcomes()
    started = [(c, s) for c in report.cases for s in c.milestones if s.state != "pending"]
    assert len(rows) == len(started) > 0
    outcome = {
        "completed": "met",
        "completed_late": "late",
        "violated": "violated",
        "in_progress": "open",
        "paused": "open",
    }
    for row, (case, status) in zip(rows, started):
        assert (row["case_id"], row["milestone"], row["instance"]) == (
            case.case_id,
            status.milestone,
            status.instance,
        )
        assert row["outcome"] == outcome[status.state]
        assert row["margin"] == status.remaining
        if status.target_at is None:
            assert row["margin_wall"] is None
        else:
            assert row["margin_wall"] == status.target_at - (status.completed_at or now)
        assert row["process"] == case.process
        assert row["process_version"] == case.process_version
        if row["started_at"] is not None:
            assert row["started_at"].tzinfo is UTC
        assert row["target"] is None or isinstance(row["target"], timedelta)
    assert {r["outcome"] for r in rows} >= {"met", "violated"}
    assert any(r["tier"] is not None for r in rows)
    assert set(rows[0]) == {
        "case_id",
        "account_id",
        "account_name",
        "entitlement",
        "process",
        "process_version",
        "tier",
        "milestone",
        "kind",
        "instance",
        "calendar",
        "started_at",
        "target",
        "target_at",
        "completed_at",
        "outcome",
        "margin",
        "margin_wall",
        "breached_at",
        "near_miss",
        "elapsed",
        "month",
        "quarter",
        "reporting_time_zone",
    }
