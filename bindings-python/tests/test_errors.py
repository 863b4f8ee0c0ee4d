"""The exception hierarchy, and malformed calendars: each raises ``ConfigError`` (a
``ValueError``) with the core's stable ``code`` and a message that names the path of the bad
value."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import entitlement
from entitlement import Calendar, CalendarError, ConfigError, EntitlementError, InputError

WEEK = {"mon": ["09:00-17:00"]}


def calendar(**changes: Any) -> dict[str, Any]:
    """A valid definition with some keys replaced (a value of ``None`` removes the key)."""
    definition: dict[str, Any] = {"time_zone": "America/New_York", "hours": dict(WEEK)}
    for key, value in changes.items():
        if value is None:
            definition.pop(key, None)
        else:
            definition[key] = value
    return definition


def holiday(**fields: Any) -> dict[str, Any]:
    return calendar(holidays=[{"name": "Holiday", **fields}])


def self_containing() -> dict[str, Any]:
    items: list[Any] = []
    items.append(items)
    return calendar(hours={"mon": items})


MALFORMED: list[tuple[str, Any, str, str | tuple[str, ...]]] = [
    # (case id, definition, code, the path the message names, or several things it names)
    ("unknown zone", calendar(time_zone="Mars/Olympus"), "unknown_time_zone", "time_zone"),
    ("zone not a string", calendar(time_zone=5), "invalid_type", "time_zone"),
    ("missing zone", calendar(time_zone=None), "missing_key", ("top level", "time_zone")),
    (
        "overlapping intervals",
        calendar(hours={"mon": ["09:00-12:00", "11:00-13:00"]}),
        "overlapping_intervals",
        ("hours", "mon 09:00-12:00", "mon 11:00-13:00"),
    ),
    (
        "overnight overlap into the next day",
        calendar(hours={"mon": ["22:00-06:00"], "tue": ["05:00-09:00"]}),
        "overlapping_intervals",
        ("hours", "mon 22:00-06:00", "tue 05:00-09:00"),
    ),
    (
        "overnight sunday overlaps monday",
        calendar(hours={"sun": ["20:00-10:00"], "mon": ["09:00-17:00"]}),
        "overlapping_intervals",
        ("hours", "sun 20:00-10:00", "mon 09:00-17:00"),
    ),
    ("one-digit hour", calendar(hours={"mon": ["9:00-17:00"]}), "invalid_time", "hours.mon[0]"),
    ("hour 25", calendar(hours={"mon": ["25:00-26:00"]}), "invalid_time", "hours.mon[0]"),
    ("no end", calendar(hours={"mon": ["09:00"]}), "invalid_time", "hours.mon[0]"),
    ("24:00 as a start", calendar(hours={"mon": ["24:00-05:00"]}), "invalid_time", "hours.mon[0]"),
    ("minute 60", calendar(hours={"tue": ["09:60-17:00"]}), "invalid_time", "hours.tue[0]"),
    ("interval not a string", calendar(hours={"mon": [900]}), "invalid_type", "hours.mon[0]"),
    (
        "unknown weekday",
        calendar(hours={"monday": ["09:00-17:00"]}),
        "unknown_key",
        ("hours", "monday"),
    ),
    ("unknown top-level key", calendar(timezone="UTC"), "unknown_key", ("top level", "timezone")),
    ("hours not a list", calendar(hours={"mon": "09:00-17:00"}), "invalid_type", "hours.mon"),
    ("hours not a dict", calendar(hours=["09:00-17:00"]), "invalid_type", "hours"),
    ("holidays not a list", calendar(holidays={"date": "2026-03-09"}), "invalid_type", "holidays"),
    ("impossible date", holiday(date="2026-02-30"), "invalid_date", "holidays[0].date"),
    ("date not ISO", holiday(date="03/09/2026"), "invalid_date", "holidays[0].date"),
    (
        "both date and yearly",
        holiday(date="2026-12-25", yearly="12-25"),
        "invalid_value",
        "holidays[0]",
    ),
    ("no date at all", holiday(), "invalid_value", "holidays[0]"),
    ("unknown holiday key", holiday(date="2026-12-25", day="fri"), "unknown_key", "holidays[0]"),
    (
        "unknown observed rule",
        holiday(yearly="07-04", observed="closest_weekday"),
        "invalid_value",
        "holidays[0].observed",
    ),
    (
        "nth out of range",
        holiday(yearly={"month": 11, "weekday": "thu", "nth": 6}),
        "invalid_value",
        "holidays[0].yearly.nth",
    ),
    (
        "month 13",
        holiday(yearly={"month": 13, "weekday": "thu", "nth": 1}),
        "invalid_value",
        "holidays[0].yearly.month",
    ),
    (
        "bad weekday in yearly",
        holiday(yearly={"month": 11, "weekday": "thursday", "nth": 4}),
        "invalid_value",
        "holidays[0].yearly.weekday",
    ),
    ("easter not an int", holiday(yearly={"easter": "-2"}), "invalid_type", "holidays[0].yearly"),
    ("impossible yearly day", holiday(yearly="02-30"), "invalid_date", "holidays[0].yearly"),
    (
        "range ends before it starts",
        holiday(**{"from": "2026-12-31", "to": "2026-12-28"}),
        "invalid_value",
        "holidays[0].to",
    ),
    (
        "bad holiday hours",
        holiday(date="2026-12-24", hours="12:00-25:00"),
        "invalid_time",
        "holidays[0].hours",
    ),
    (
        "bad override date",
        calendar(overrides=[{"date": "2026-13-01", "hours": []}]),
        "invalid_date",
        "overrides[0].date",
    ),
    (
        "overlapping override hours",
        calendar(overrides=[{"date": "2026-12-26", "hours": ["10:00-14:00", "13:00-15:00"]}]),
        "overlapping_intervals",
        "overrides[0].hours",
    ),
    ("never open (no hours)", calendar(hours=None), "never_open", "never open"),
    ("never open (empty days)", calendar(hours={"mon": [], "sat": []}), "never_open", "never open"),
    ("union of an unknown name", {"union": ["london"]}, "unknown_calendar", "union[0]"),
    ("empty union", {"union": []}, "invalid_value", "union"),
    ("union not a list", {"union": {"time_zone": "UTC"}}, "invalid_type", "union"),
    (
        "bad calendar inside a union",
        {"union": [calendar(), calendar(time_zone="Mars/Olympus")]},
        "unknown_time_zone",
        "union[1].time_zone",
    ),
    (
        "always_open with hours",
        {"always_open": True, "hours": WEEK},
        "unknown_key",
        ("top level", "hours"),
    ),
    ("always_open not a bool", {"always_open": "yes"}, "invalid_type", "always_open"),
    # Values that Python can hold but a definition cannot: refused by the binding, by path.
    (
        "unsupported Python type",
        calendar(hours={"mon": [object()]}),
        "invalid_type",
        "hours.mon[0]",
    ),
    ("non-string key", calendar(hours={1: ["09:00-17:00"]}), "invalid_type", "hours"),
    ("NaN", holiday(yearly={"easter": float("nan")}), "invalid_value", "holidays[0].yearly.easter"),
    ("nested in itself", self_containing(), "limit_exceeded", "hours.mon"),
]


@pytest.mark.parametrize(
    ("definition", "code", "path"),
    [pytest.param(d, c, p, id=i) for i, d, c, p in MALFORMED],
)
def test_malformed_calendars_raise_config_error_naming_the_path(
    definition: Any, code: str, path: str | tuple[str, ...]
) -> None:
    with pytest.raises(ConfigError) as info:
        Calendar.from_dict(definition)
    error = info.value
    assert isinstance(error, ValueError)
    assert isinstance(error, EntitlementError)
    assert error.code == code, str(error)
    for needle in (path,) if isinstance(path, str) else path:
        assert needle in str(error)


def test_the_keyword_constructor_reports_the_same_errors() -> None:
    with pytest.raises(ConfigError) as info:
        Calendar(time_zone="America/New_York", hours={"mon": ["09:00-17:00", "9:00-10:00"]})
    assert info.value.code == "invalid_time"
    assert "hours.mon[1]" in str(info.value)
    with pytest.raises(ConfigError) as info:
        Calendar(time_zone="Mars/Olympus", hours=WEEK)
    assert info.value.code == "unknown_time_zone"
    with pytest.raises(ConfigError) as info:
        Calendar(hours=WEEK)
    assert info.value.code == "missing_key"


@pytest.mark.parametrize("definition", [[], "America/New_York", 5, None])
def test_a_definition_that_is_not_a_dict_is_a_config_error(definition: Any) -> None:
    with pytest.raises(ConfigError) as info:
        Calendar.from_dict(definition)
    assert info.value.code == "invalid_type"


def test_union_arguments() -> None:
    with pytest.raises(ConfigError) as config:
        Calendar.union([])
    assert config.value.code == "invalid_value"
    with pytest.raises(InputError) as wrong:
        Calendar.union([Calendar.always_open(), {"always_open": True}])  # type: ignore[list-item]
    assert wrong.value.code == "invalid_type"
    assert "calendars[1]" in str(wrong.value)
    with pytest.raises(InputError):
        Calendar.union(Calendar.always_open())  # type: ignore[arg-type]
    london = Calendar.from_dict({"time_zone": "Europe/London", "hours": WEEK})
    assert Calendar.union(c for c in [london]).to_dict() == {"union": [london.to_dict()]}


def test_the_hierarchy() -> None:
    assert issubclass(EntitlementError, Exception)
    assert issubclass(ConfigError, EntitlementError)
    assert issubclass(ConfigError, ValueError)
    assert issubclass(CalendarError, EntitlementError)
    assert not issubclass(CalendarError, ValueError)
    assert issubclass(InputError, EntitlementError)
    assert issubclass(InputError, ValueError)
    assert issubclass(InputError, TypeError)
    for cls in (EntitlementError, ConfigError, CalendarError, InputError):
        assert cls.__module__ == "entitlement"
        assert repr(cls) == f"<class 'entitlement.{cls.__name__}'>"
        assert cls is getattr(entitlement, cls.__name__)
        assert cls.__doc__


def test_every_raised_error_has_its_own_code() -> None:
    errors: list[EntitlementError] = []
    for attempt in (
        lambda: Calendar.from_dict({"time_zone": "Mars/Olympus", "hours": WEEK}),
        lambda: Calendar.always_open().next_close(datetime(2026, 1, 1, tzinfo=timezone.utc)),
        lambda: Calendar.always_open().add(datetime(2026, 1, 1), timedelta(0)),
    ):
        with pytest.raises(EntitlementError) as info:
            attempt()
        errors.append(info.value)
    assert [type(e) for e in errors] == [ConfigError, CalendarError, InputError]
    assert [e.code for e in errors] == ["unknown_time_zone", "no_opening", "naive_datetime"]


def test_errors_pickle_with_their_code() -> None:
    # Dask, PySpark and multiprocessing ship exceptions between processes.
    with pytest.raises(ConfigError) as info:
        Calendar.from_dict({"time_zone": "Mars/Olympus", "hours": WEEK})
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is ConfigError
    assert again.code == "unknown_time_zone"
    assert str(again) == str(info.value)


def test_user_made_errors_still_have_a_code() -> None:
    assert isinstance(EntitlementError("boom").code, str)


def test_every_raised_error_has_a_path_of_keys_and_indices() -> None:
    ny = Calendar(time_zone="America/New_York", hours=WEEK)
    t = datetime(2026, 3, 6, 16, tzinfo=timezone.utc)
    rules = entitlement.Ruleset.from_dict(
        {
            "processes": [
                {
                    "id": "p",
                    "milestones": [{"name": "FR", "kind": "first_response", "target": "1h"}],
                }
            ],
            "entitlements": [{"id": "e", "process": "p"}],
        }
    )
    case: dict[str, Any] = {"id": "C-1", "entitlement": "e", "created_at": t}
    case["events"] = [{"at": "noon"}]
    attempts: list[tuple[Any, list[str | int]]] = [
        (lambda: Calendar.from_dict(calendar(hours={"mon": ["9-5"]})), ["hours", "mon", 0]),
        (lambda: Calendar.from_dict({"calendars.x": 1}), []),
        (lambda: ny.add(3, timedelta(0)), ["start"]),  # type: ignore[arg-type]
        (lambda: ny.add_many([t, datetime(2026, 3, 6)], timedelta(0)), ["starts", 1]),
        (lambda: rules.evaluate(case, t), ["events", 0, "at"]),
        (lambda: Calendar.always_open().next_close(t), []),
    ]
    for attempt, path in attempts:
        with pytest.raises(EntitlementError) as info:
            attempt()
        assert info.value.path == path, str(info.value)
        assert all(isinstance(step, (str, int)) for step in info.value.path)
    # The path travels with the exception, as the code does.
    with pytest.raises(ConfigError) as config:
        Calendar.from_dict(calendar(hours={"mon": ["9-5"]}))
    assert pickle.loads(pickle.dumps(config.value)).path == ["hours", "mon", 0]


def test_user_made_errors_still_have_a_path() -> None:
    assert EntitlementError("boom").path == []
