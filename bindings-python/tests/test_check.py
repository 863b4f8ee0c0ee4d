"""``Ruleset.check()`` through the installed wheel: every warning code is reachable (from the
document the core's and Node's tests read too), the fields are named as documented, ``now``
decides the entitlement warnings, bad ``now`` values are refused, and checking never changes the
rules (a property over ``now``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import entitlement
from entitlement import CheckWarning, InputError, Ruleset

REPO = Path(__file__).resolve().parents[2]
EVERY = REPO / "tests" / "check" / "every_warning.yaml"
NOW = "2026-11-25T20:30:00Z"
CODES = {
    "day_duration",
    "default_24x7",
    "unknown_status",
    "status_case",
    "tier_without_default",
    "trigger_after_target",
    "unproduced_event",
    "entitlement_expired",
    "entitlement_not_started",
    "calendar_rarely_open",
    "holiday_on_closed_day",
    "unused_calendar",
}


def every() -> Ruleset:
    return Ruleset.load(EVERY)


def test_every_code_is_reachable_with_its_documented_fields() -> None:
    warnings = every().check(NOW)
    assert {w.code for w in warnings} == CODES
    schema = entitlement._entitlement._result_schema()["$defs"]
    code = schema["CheckCode"]
    values = {v["const"] for v in code["oneOf"]} if "oneOf" in code else set(code["enum"])
    assert values == CODES
    for w in warnings:
        assert isinstance(w, CheckWarning)
        assert set(w.to_dict()) == {"code", "path", "message"}
        assert (w.code, w.path, w.message) == (
            w.to_dict()["code"],
            w.to_dict()["path"],
            w.to_dict()["message"],
        )
        assert isinstance(w.path, str)
        assert w.path
        assert isinstance(w.message, str)
        assert len(w.message) > 40
    assert repr(warnings[0]) == (
        '<CheckWarning code="holiday_on_closed_day" path="calendars.desk.holidays[0]">'
    )


def test_a_day_duration_says_what_five_business_days_are() -> None:
    [w] = [w for w in every().check(NOW) if w.code == "day_duration"]
    assert w.path == "processes[0].milestones[0].target"
    assert "5 business days are `40h`" in w.message
    assert "`120h` to keep today's meaning" in w.message


def test_paths_name_the_place_in_the_document() -> None:
    paths = {w.code: w.path for w in every().check(NOW)}
    assert paths["trigger_after_target"] == "processes[0].milestones[0].triggers[0].at"
    assert paths["tier_without_default"] == "processes[0].milestones[1].target"
    assert paths["unproduced_event"] == "processes[0].milestones[2].completes_on[0]"
    assert paths["default_24x7"] == "processes[2]"
    assert paths["entitlement_expired"] == "entitlements[1].end_date"
    assert paths["entitlement_not_started"] == "entitlements[2].start_date"
    assert paths["holiday_on_closed_day"] == "calendars.desk.holidays[0]"
    assert paths["calendar_rarely_open"] == "calendars.typo.hours"
    assert paths["unused_calendar"] == "calendars.spare"


def test_now_decides_the_entitlement_warnings() -> None:
    rules = every()

    def dated(now: object) -> set[str]:
        return {
            w.path
            for w in rules.check(now)  # type: ignore[arg-type]
            if w.code.startswith("entitlement_")
        }

    # Every kind of instant: a string, an aware datetime in any zone.
    ny = ZoneInfo("America/New_York")
    assert dated(NOW) == {"entitlements[1].end_date", "entitlements[2].start_date"}
    assert dated(datetime(2027, 1, 1, 12, tzinfo=ny)) == {
        "entitlements[0].end_date",
        "entitlements[1].end_date",
    }
    assert dated(datetime(2025, 6, 1, tzinfo=timezone.utc)) == {
        "entitlements[0].start_date",
        "entitlements[2].start_date",
    }
    # Without `now`, the current time: after 2026 both the 2025 and 2026 contracts are over.
    if datetime.now(timezone.utc).year > 2026:
        assert "entitlements[0].end_date" in {w.path for w in rules.check()}
    assert rules.check(None) == rules.check()


@pytest.mark.parametrize(
    "now", ["yesterday", "2026-11-25T20:30:00", datetime(2026, 11, 25), 12, [NOW]]
)
def test_a_bad_now_is_refused(now: object) -> None:
    with pytest.raises((InputError, TypeError)) as info:
        every().check(now)  # type: ignore[arg-type]
    assert "now" in str(info.value)


def test_the_sample_gives_only_its_deliberate_warnings() -> None:
    rules = Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
    assert [(w.code, w.path) for w in rules.check(NOW)] == [
        ("unused_calendar", "calendars.follow-the-sun"),
        ("unused_calendar", "calendars.night-shift"),
        ("unused_calendar", "calendars.sydney"),
        ("unknown_status", "processes[3].pause_statuses[1]"),
        ("unknown_status", "processes[5].milestones[1].pause_statuses[0]"),
        ("entitlement_expired", "entitlements[8].end_date"),
    ]


def test_a_clean_document_gives_nothing() -> None:
    rules = Ruleset.from_dict(
        {
            "calendars": {"always": {"always_open": True}},
            "processes": [
                {
                    "id": "p",
                    "calendar": "always",
                    "milestones": [{"name": "FR", "kind": "first_response", "target": "2d"}],
                }
            ],
            "entitlements": [{"id": "e", "process": "p"}],
        }
    )
    assert rules.check(NOW) == []


@given(st.integers(min_value=-4000, max_value=4000))
def test_check_never_changes_the_rules(days: int) -> None:
    rules = every()
    before = rules.to_dict()
    now = datetime(2026, 11, 25, 20, 30, tzinfo=timezone.utc) + timedelta(days=days)
    first = rules.check(now)
    assert rules.check(now) == first
    assert rules.to_dict() == before
    assert Ruleset.from_dict(before).to_dict() == before
