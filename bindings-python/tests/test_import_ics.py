"""``entitlement.ics``: iCalendar holiday feeds from ``examples/data/import/ics/``. Expected
openings and deadlines are worked out by hand (the comments say how), not by the engine."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from entitlement import ConfigError, Import, ics

DATA = Path(__file__).resolve().parents[2] / "examples" / "data" / "import" / "ics"
NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
WEEKDAYS = {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
TABLE: dict[str, Any] = json.loads((DATA / "unsupported.json").read_text(encoding="utf-8"))


def ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY)


def test_us_federal_rules_give_thanksgiving_every_year() -> None:
    imp = ics.calendar(
        DATA / "us-federal.ics", name="support", time_zone="America/New_York", hours=WEEKDAYS
    )
    assert isinstance(imp, Import)
    hol = imp.document["calendars"]["support"]["holidays"]
    assert hol[9]["yearly"] == {"month": 11, "weekday": "thu", "nth": 4}
    cal = imp.calendar()
    # The 4th Thursday of November: Nov 1 is a Sun, Mon, Wed, Thu, Fri in 2026-2030.
    for day in (26, 25, 23, 22, 28):
        year = {26: 2026, 25: 2027, 23: 2028, 22: 2029, 28: 2030}[day]
        assert not cal.is_open(ny(year, 11, day, 12))
        assert cal.is_open(ny(year, 11, day - 1, 12))
        # Wednesday 16:00 + 2 h: 1 h on Wednesday, Thursday closed, Friday 09:00 + 1 h.
        assert cal.add(ny(year, 11, day - 1, 16), timedelta(hours=2)) == ny(year, 11, day + 1, 10)


def test_uk_bank_holidays_from_bytes() -> None:
    feed = (DATA / "uk-bank-holidays.ics").read_bytes()
    imp = ics.calendar(
        feed, name="london", time_zone="Europe/London", hours=WEEKDAYS, source_name="uk.ics"
    )
    cal = imp.calendar("london")
    # Thu 2026-04-02 16:00 + 2 h: Good Friday, the weekend and Easter Monday are closed.
    start = datetime(2026, 4, 2, 16, tzinfo=LONDON)
    assert cal.add(start, timedelta(hours=2)) == datetime(2026, 4, 7, 10, tzinfo=LONDON)
    assert not cal.is_open(datetime(2026, 12, 28, 10, tzinfo=timezone.utc))


def test_office_closures_timed_events() -> None:
    imp = ics.calendar(
        DATA / "office-closures.ics",
        name="support",
        time_zone="America/New_York",
        hours=WEEKDAYS,
        holidays=[{"name": "Own", "date": "2026-02-02"}],
        overrides=[{"date": "2026-12-26", "hours": ["10:00-14:00"]}],
    )
    definition = imp.document["calendars"]["support"]
    assert definition["holidays"][0] == {"name": "Own", "date": "2026-02-02"}
    assert definition["overrides"] == [{"date": "2026-12-26", "hours": ["10:00-14:00"]}]
    cal = imp.calendar()
    # Christmas Eve closed from noon: Thu 10:00 + 3 h = 2 h, then Fri Dec 25 09:00 + 1 h.
    assert cal.add(ny(2026, 12, 24, 10), timedelta(hours=3)) == ny(2026, 12, 25, 10)
    # Shutdown from Wed Dec 30 13:00 to Mon Jan 4 10:00.
    assert cal.add(ny(2026, 12, 30, 12), timedelta(hours=2)) == ny(2027, 1, 4, 11)
    # London offsite 14:00-18:00 BST = 09:00-13:00 EDT.
    assert not cal.is_open(ny(2026, 10, 15, 12, 59))
    assert cal.is_open(ny(2026, 10, 15, 13))
    assert not cal.is_open(ny(2026, 2, 2, 10))


def test_holidays_fragment_saves_and_reloads() -> None:
    imp = ics.holidays(DATA / "google-us-holidays.ics", time_zone="America/New_York")
    saved = json.loads(imp.to_json(indent=2))
    assert saved["holidays"][4] == {
        "name": "New Year, observed shutdown",
        "from": "2026-12-31",
        "to": "2027-01-01",
    }
    from entitlement import Calendar

    cal = Calendar(time_zone="America/New_York", hours=WEEKDAYS, holidays=saved["holidays"])
    assert not cal.is_open(ny(2026, 11, 27, 10))
    assert str(date(2026, 11, 27)) == saved["holidays"][1]["date"]


def test_cancelled_event_is_a_warning() -> None:
    feed = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:c1\nSUMMARY:Picnic\nSTATUS:CANCELLED\n"
        "DTSTART;VALUE=DATE:20260601\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    imp = ics.holidays(feed, time_zone="UTC")
    assert imp.document == {"holidays": []}
    assert imp.warnings[0]["field"] == "STATUS"
    assert "VEVENT c1 (Picnic)" in imp.warnings[0]["record"]


@pytest.mark.parametrize("case", TABLE["cases"], ids=[c["case"] for c in TABLE["cases"]])
def test_unsupported_constructs(case: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as info:
        ics.holidays(case["ics"], time_zone="America/New_York", source_name=TABLE["source"])
    message = str(info.value)
    assert info.value.code == "unsupported"
    assert TABLE["source"] in message
    assert case["record"] in message
    assert f"{case['field']}:" in message


def test_invalid_utf8_names_the_source(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        ics.holidays(b"BEGIN:VCALENDAR\n\xff\xfe", time_zone="UTC", source_name="feed.ics")
    assert info.value.code == "unsupported"
    assert "feed.ics" in str(info.value)
    path = tmp_path / "binary.ics"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ConfigError, match=r"binary\.ics"):
        ics.holidays(path, time_zone="UTC")
    with pytest.raises(ConfigError, match=r"missing\.ics") as info:
        ics.holidays(tmp_path / "missing.ics", time_zone="UTC")
    assert info.value.code == "invalid_value"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\n",
        "X" * 2_000_000,
        "BEGIN:VCALENDAR\n" + "BEGIN:X\n" * 50_000,
        "END:VCALENDAR",
        'BEGIN:VCALENDAR\nX;A="open\nEND:VCALENDAR',
        "\x00\x01\x02:\n\x7f",
    ],
    ids=["empty", "unterminated", "huge line", "deep nesting", "end only", "quote", "control"],
)
def test_garbage_gives_config_errors(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        ics.holidays(text, time_zone="UTC", source_name="garbage.ics")
    assert info.value.code == "unsupported"
    assert "garbage.ics" in str(info.value)


def test_bad_arguments() -> None:
    with pytest.raises(TypeError):
        ics.holidays(42, time_zone="UTC")  # type: ignore[arg-type]
    with pytest.raises(ConfigError) as info:
        ics.holidays("", time_zone="Mars/Olympus")
    assert info.value.code == "unknown_time_zone"
