"""``entitlement.Calendar`` through the installed wheel: the reference calendar's answers (the
calendar of the getting-started guides), every kind of aware datetime, microsecond exactness,
DST, unions, and the laws of business time."""

from __future__ import annotations

import copy
import doctest
import pickle
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import entitlement
from entitlement import Calendar

pytz = pytest.importorskip("pytz")

NY = ZoneInfo("America/New_York")
UTC = timezone.utc
EST = timezone(timedelta(hours=-5))
EDT = timezone(timedelta(hours=-4))
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def ny_support() -> Calendar:
    """The reference calendar: Mon-Fri 09-17 New York, holiday Mon 2026-03-09."""
    return Calendar(
        time_zone="America/New_York",
        hours={day: ["09:00-17:00"] for day in WEEKDAYS},
        holidays=[{"name": "Spring closure", "date": "2026-03-09"}],
    )


def new_york(kind: str, *fields: int) -> datetime:
    """A New York wall time as an aware datetime of the given kind of tzinfo."""
    naive = datetime(*fields)  # type: ignore[arg-type]
    if kind == "zoneinfo":
        return naive.replace(tzinfo=NY)
    if kind == "pytz":
        return pytz.timezone("America/New_York").localize(naive)  # type: ignore[no-any-return]
    if kind == "fixed":
        return naive.replace(tzinfo=NY).astimezone(timezone(NY.utcoffset(naive)))  # type: ignore[arg-type]
    if kind == "utc":
        return naive.replace(tzinfo=NY).astimezone(UTC)
    raise AssertionError(kind)


TZ_KINDS = ["zoneinfo", "pytz", "fixed", "utc"]


def assert_utc(value: datetime) -> None:
    assert isinstance(value, datetime)
    assert value.tzinfo is UTC


def test_package_is_the_installed_wheel() -> None:
    source = Path(__file__).resolve().parents[1] / "python"
    assert source not in Path(entitlement.__file__).resolve().parents
    assert entitlement.__version__


# --- Reference answers ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", TZ_KINDS)
def test_reference_add_8h_skips_weekend_holiday_and_dst(kind: str) -> None:
    cal = ny_support()
    result = cal.add(new_york(kind, 2026, 3, 6, 16), timedelta(hours=8))
    assert_utc(result)
    assert result == datetime(2026, 3, 10, 16, tzinfo=EDT)


@pytest.mark.parametrize("kind", TZ_KINDS)
def test_reference_elapsed_is_9h_and_reversed_minus_9h(kind: str) -> None:
    cal = ny_support()
    a = new_york(kind, 2026, 3, 6, 10)
    b = new_york(kind, 2026, 3, 10, 11)
    assert cal.elapsed(a, b) == timedelta(hours=9)
    assert cal.elapsed(b, a) == timedelta(hours=-9)


@pytest.mark.parametrize("kind", TZ_KINDS)
def test_reference_add_landing_at_closing_stays_at_closing(kind: str) -> None:
    result = ny_support().add(new_york(kind, 2026, 3, 6, 16), timedelta(hours=1))
    assert result == datetime(2026, 3, 6, 17, tzinfo=EST)


@pytest.mark.parametrize("kind", TZ_KINDS)
def test_reference_add_zero_on_a_closed_saturday_is_the_same_instant(kind: str) -> None:
    saturday = new_york(kind, 2026, 3, 7, 12)
    result = ny_support().add(saturday, timedelta(0))
    assert_utc(result)
    assert result == datetime(2026, 3, 7, 12, tzinfo=EST)


@pytest.mark.parametrize("kind", TZ_KINDS)
def test_reference_next_open_after_a_saturday_is_tuesday_9am_edt(kind: str) -> None:
    result = ny_support().next_open(new_york(kind, 2026, 3, 7, 12))
    assert_utc(result)
    assert result == datetime(2026, 3, 10, 9, tzinfo=EDT)


def test_sub_is_add_of_the_negated_duration() -> None:
    cal = ny_support()
    end = datetime(2026, 3, 10, 16, tzinfo=EDT)
    assert cal.sub(end, timedelta(hours=8)) == datetime(2026, 3, 6, 16, tzinfo=EST)
    assert cal.sub(end, timedelta(hours=8)) == cal.add(end, timedelta(hours=-8))


def test_is_open_is_half_open() -> None:
    cal = ny_support()
    assert cal.is_open(datetime(2026, 3, 6, 9, tzinfo=EST))
    assert cal.is_open(datetime(2026, 3, 6, 16, 59, 59, 999999, tzinfo=EST))
    assert not cal.is_open(datetime(2026, 3, 6, 17, tzinfo=EST))
    assert not cal.is_open(datetime(2026, 3, 6, 8, 59, 59, 999999, tzinfo=EST))
    assert not cal.is_open(datetime(2026, 3, 9, 12, tzinfo=EDT))  # the holiday


def test_next_open_when_open_is_the_instant_itself_and_next_close_ends_the_opening() -> None:
    cal = ny_support()
    t = datetime(2026, 3, 6, 10, 30, 0, 123456, tzinfo=EST)
    assert cal.next_open(t) == t
    assert cal.next_close(t) == datetime(2026, 3, 6, 17, tzinfo=EST)
    # When closed: the end of the next opening (after the weekend and the holiday).
    closed = datetime(2026, 3, 7, 12, tzinfo=EST)
    assert cal.next_close(closed) == datetime(2026, 3, 10, 17, tzinfo=EDT)


def test_open_intervals_skip_weekend_and_holiday() -> None:
    cal = ny_support()
    intervals = cal.open_intervals(
        datetime(2026, 3, 6, 12, tzinfo=EST), datetime(2026, 3, 10, 12, tzinfo=EDT)
    )
    assert intervals == [
        (datetime(2026, 3, 6, 12, tzinfo=EST), datetime(2026, 3, 6, 17, tzinfo=EST)),
        (datetime(2026, 3, 10, 9, tzinfo=EDT), datetime(2026, 3, 10, 12, tzinfo=EDT)),
    ]
    for opens, closes in intervals:
        assert_utc(opens)
        assert_utc(closes)
        assert isinstance((opens, closes), tuple)


# --- Instants and durations: any aware datetime in, UTC out, microsecond exact ----------------


class NoOffset(tzinfo):
    """A tzinfo that does not know its offset: the datetime is naive by Python's definition."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


@pytest.mark.parametrize(
    "instant",
    [
        datetime(2026, 3, 6, 16, 0, 0, 1, tzinfo=UTC),
        datetime(2026, 3, 6, 11, 0, 0, 1, tzinfo=EST),
        datetime(2026, 3, 6, 21, 30, 0, 1, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(2026, 3, 6, 16, 0, 7, 1, tzinfo=timezone(timedelta(seconds=7))),
        datetime(2026, 3, 6, 16, 0, 0, 1, tzinfo=ZoneInfo("UTC")),
        datetime(2026, 3, 6, 11, 0, 0, 1, tzinfo=NY),
        datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(1600, 2, 29, 12, tzinfo=ZoneInfo("Europe/Paris")),
    ],
    ids=repr,
)
def test_any_aware_datetime_is_read_as_its_instant(instant: datetime) -> None:
    result = Calendar.always_open().add(instant, timedelta(0))
    assert_utc(result)
    assert result == instant
    assert result == instant.astimezone(UTC)


def test_pytz_localized_datetimes_are_read_with_their_own_offset() -> None:
    eastern = pytz.timezone("America/New_York")
    cal = Calendar.always_open()
    winter = eastern.localize(datetime(2026, 1, 15, 12))
    summer = eastern.localize(datetime(2026, 7, 15, 12))
    assert cal.add(winter, timedelta(0)) == datetime(2026, 1, 15, 17, tzinfo=UTC)
    assert cal.add(summer, timedelta(0)) == datetime(2026, 7, 15, 16, tzinfo=UTC)


def test_fold_picks_the_occurrence_of_an_ambiguous_wall_time() -> None:
    cal = Calendar.always_open()
    first = datetime(2026, 11, 1, 1, 30, tzinfo=NY)
    second = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NY)
    assert cal.add(first, timedelta(0)) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert cal.add(second, timedelta(0)) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert cal.elapsed(first, second) == timedelta(hours=1)


def test_microseconds_survive_a_round_trip() -> None:
    cal = ny_support()
    start = datetime(2026, 3, 6, 9, 0, 0, 1, tzinfo=EST)
    duration = timedelta(hours=3, minutes=2, seconds=1, microseconds=999_999)
    end = cal.add(start, duration)
    assert end == datetime(2026, 3, 6, 12, 2, 2, tzinfo=EST)
    assert cal.elapsed(start, end) == duration
    assert cal.elapsed(end, start) == -duration
    assert cal.sub(end, duration) == start


def test_results_are_plain_datetime_and_timedelta() -> None:
    cal = ny_support()
    t = datetime(2026, 3, 6, 10, tzinfo=EST)
    assert type(cal.add(t, timedelta(hours=1))) is datetime
    assert type(cal.elapsed(t, t + timedelta(hours=1))) is timedelta
    assert type(cal.is_open(t)) is bool


def test_datetime_subclasses_are_accepted() -> None:
    class Stamp(datetime):
        pass

    t = Stamp(2026, 3, 6, 10, tzinfo=NY)
    assert Calendar.always_open().add(t, timedelta(0)) == t


@pytest.mark.parametrize(
    "instant",
    [datetime(2026, 3, 6, 10), datetime(2026, 3, 6, 10, tzinfo=NoOffset())],
    ids=["no tzinfo", "utcoffset None"],
)
@pytest.mark.parametrize(
    "call",
    [
        lambda cal, t: cal.add(t, timedelta(hours=1)),
        lambda cal, t: cal.sub(t, timedelta(hours=1)),
        lambda cal, t: cal.elapsed(t, datetime(2026, 3, 7, tzinfo=UTC)),
        lambda cal, t: cal.elapsed(datetime(2026, 3, 7, tzinfo=UTC), t),
        lambda cal, t: cal.is_open(t),
        lambda cal, t: cal.next_open(t),
        lambda cal, t: cal.next_close(t),
        lambda cal, t: cal.open_intervals(t, datetime(2026, 3, 7, tzinfo=UTC)),
        lambda cal, t: cal.add_many([t], [timedelta(0)]),
        lambda cal, t: cal.elapsed_many([datetime(2026, 3, 7, tzinfo=UTC)], [t]),
    ],
    ids=[
        "add",
        "sub",
        "elapsed start",
        "elapsed end",
        "is_open",
        "next_open",
        "next_close",
        "open_intervals",
        "add_many",
        "elapsed_many",
    ],
)
def test_naive_datetimes_are_refused_everywhere(call, instant: datetime) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(entitlement.InputError) as info:
        call(ny_support(), instant)
    assert info.value.code == "naive_datetime"
    assert "naive" in str(info.value)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize(
    "bad", ["2026-03-06T10:00:00Z", 1772809200, 1772809200.0, date(2026, 3, 6), None]
)
def test_instants_of_other_types_are_input_errors(bad: object) -> None:
    with pytest.raises(entitlement.InputError) as info:
        ny_support().is_open(bad)  # type: ignore[arg-type]
    assert info.value.code == "invalid_instant"
    assert "instant" in str(info.value)


@pytest.mark.parametrize("bad", [3600, 1.5, "1h", None])
def test_durations_of_other_types_are_input_errors(bad: object) -> None:
    with pytest.raises(entitlement.InputError) as info:
        ny_support().add(datetime(2026, 3, 6, 10, tzinfo=UTC), bad)  # type: ignore[arg-type]
    assert info.value.code == "invalid_duration"
    assert "duration" in str(info.value)


def test_instants_and_results_outside_years_1_to_9999_are_out_of_range() -> None:
    cal = Calendar.always_open()
    before_year_1 = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    with pytest.raises(entitlement.InputError) as info:
        cal.add(before_year_1, timedelta(0))
    assert info.value.code == "out_of_range"
    with pytest.raises(entitlement.InputError) as info:
        cal.add(datetime(9999, 12, 31, 23, tzinfo=UTC), timedelta(hours=2))
    assert info.value.code == "out_of_range"
    with pytest.raises(entitlement.InputError) as info:
        cal.add(datetime(2026, 1, 1, tzinfo=UTC), timedelta(days=999_999_999))
    assert info.value.code == "out_of_range"


# --- DST: business time is real elapsed time --------------------------------------------------


def sunday_calendar(interval: str) -> Calendar:
    return Calendar(time_zone="America/New_York", hours={"sun": [interval]})


def whole_local_day(y: int, m: int, d: int) -> tuple[datetime, datetime]:
    return datetime(y, m, d, tzinfo=NY), datetime(y, m, d, tzinfo=NY) + timedelta(days=1)


@pytest.mark.parametrize(
    ("interval", "day", "expected"),
    [
        ("00:00-05:00", (2026, 3, 8), timedelta(hours=4)),  # spring forward: 02:00 -> 03:00
        ("00:00-05:00", (2026, 11, 1), timedelta(hours=6)),  # fall back: 01:00-02:00 twice
        ("02:30-04:00", (2026, 3, 8), timedelta(minutes=30)),  # 02:30 is in the gap -> 03:30
        ("01:30-03:00", (2026, 11, 1), timedelta(hours=2, minutes=30)),  # 01:30 is the earlier
        ("00:00-24:00", (2026, 3, 8), timedelta(hours=23)),
        ("00:00-24:00", (2026, 11, 1), timedelta(hours=25)),
        ("00:00-05:00", (2026, 3, 15), timedelta(hours=5)),
    ],
)
def test_dst_days_count_real_elapsed_time(
    interval: str, day: tuple[int, int, int], expected: timedelta
) -> None:
    cal = sunday_calendar(interval)
    start, end = whole_local_day(*day)
    assert cal.elapsed(start, end) == expected
    intervals = cal.open_intervals(start, end)
    assert sum((b - a for a, b in intervals), timedelta(0)) == expected


def test_spring_forward_gap_moves_the_opening_forward_by_the_gap() -> None:
    cal = sunday_calendar("02:30-04:00")
    [(opens, closes)] = cal.open_intervals(*whole_local_day(2026, 3, 8))
    assert opens == datetime(2026, 3, 8, 3, 30, tzinfo=EDT)
    assert closes == datetime(2026, 3, 8, 4, tzinfo=EDT)


def test_fall_back_fold_takes_the_earlier_occurrence() -> None:
    cal = sunday_calendar("01:30-03:00")
    [(opens, closes)] = cal.open_intervals(*whole_local_day(2026, 11, 1))
    assert opens == datetime(2026, 11, 1, 1, 30, tzinfo=EDT)
    assert closes == datetime(2026, 11, 1, 3, tzinfo=EST)


# --- Kinds of calendars -----------------------------------------------------------------------


def test_always_open_counts_real_time() -> None:
    cal = Calendar.always_open()
    t = datetime(2026, 3, 7, 17, 0, 0, 5, tzinfo=UTC)
    d = timedelta(days=400, microseconds=3)
    assert cal.add(t, d) == t + d
    assert cal.sub(t, d) == t - d
    assert cal.elapsed(t, t + d) == d
    assert cal.is_open(t)
    assert cal.next_open(t) == t
    assert cal.open_intervals(t, t + d) == [(t, t + d)]
    assert cal.time_zone is None
    assert cal.to_dict() == {"always_open": True}


def test_always_open_never_closes() -> None:
    with pytest.raises(entitlement.CalendarError) as info:
        Calendar.always_open().next_close(datetime(2026, 3, 7, tzinfo=UTC))
    assert info.value.code == "no_opening"
    assert not isinstance(info.value, ValueError)


def test_a_calendar_that_never_opens_again_raises_calendar_error() -> None:
    cal = Calendar(
        time_zone="Europe/London", overrides=[{"date": "2026-03-09", "hours": ["09:00-17:00"]}]
    )
    assert cal.elapsed(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)) == (
        timedelta(hours=8)
    )
    with pytest.raises(entitlement.CalendarError) as info:
        cal.next_open(datetime(2026, 3, 10, tzinfo=UTC))
    assert info.value.code == "no_opening"
    with pytest.raises(entitlement.CalendarError):
        cal.add(datetime(2026, 3, 9, 12, tzinfo=UTC), timedelta(hours=6))


def london_and_new_york() -> tuple[Calendar, Calendar]:
    london = Calendar(time_zone="Europe/London", hours={"mon": ["09:00-17:00"]})
    new_york = Calendar(time_zone="America/New_York", hours={"mon": ["09:00-17:00"]})
    return london, new_york


def test_union_is_open_when_any_calendar_is_open() -> None:
    london, new_york = london_and_new_york()
    follow_the_sun = Calendar.union([london, new_york])
    monday = datetime(2026, 1, 12, tzinfo=UTC)
    tuesday = datetime(2026, 1, 13, tzinfo=UTC)
    # London 09:00-17:00 GMT, New York 14:00-22:00 UTC: together 09:00-22:00 UTC.
    assert follow_the_sun.elapsed(monday, tuesday) == timedelta(hours=13)
    assert follow_the_sun.open_intervals(monday, tuesday) == [
        (datetime(2026, 1, 12, 9, tzinfo=UTC), datetime(2026, 1, 12, 22, tzinfo=UTC))
    ]
    assert follow_the_sun.is_open(datetime(2026, 1, 12, 20, tzinfo=UTC))
    assert not follow_the_sun.is_open(datetime(2026, 1, 12, 22, tzinfo=UTC))
    assert follow_the_sun.time_zone is None
    assert follow_the_sun.add(monday, timedelta(hours=13)) == datetime(2026, 1, 12, 22, tzinfo=UTC)


def test_union_from_a_dict_of_inline_definitions_matches_calendar_union() -> None:
    london, new_york = london_and_new_york()
    from_dict = Calendar.from_dict({"union": [london.to_dict(), new_york.to_dict()]})
    direct = Calendar.union((london, new_york))
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)
    assert from_dict.open_intervals(start, end) == direct.open_intervals(start, end)


def test_the_keyword_constructor_and_from_dict_agree() -> None:
    definition: dict[str, Any] = {
        "time_zone": "America/New_York",
        "hours": {
            "mon": ["09:00-17:00"],
            "tue": ["09:00-12:00", "13:00-17:00"],
            "fri": ["09:00-17:00", "22:00-06:00"],
            "sat": [],
        },
        "holidays": [
            {"name": "Spring closure", "date": date(2026, 3, 9)},
            {"name": "Shutdown", "from": "2026-12-28", "to": "2026-12-31"},
            {"name": "Christmas Eve", "date": "2026-12-24", "hours": "12:00-24:00"},
            {"name": "Christmas", "yearly": "12-25"},
            {"name": "Independence Day", "yearly": "07-04", "observed": "nearest_weekday"},
            {"name": "Thanksgiving", "yearly": {"month": 11, "weekday": "thu", "nth": 4}},
            {"name": "Memorial Day", "yearly": {"month": 5, "weekday": "mon", "nth": -1}},
            {"name": "Good Friday", "yearly": {"easter": -2}},
        ],
        "overrides": [
            {"date": "2026-12-26", "hours": ("10:00-14:00",)},
            {"date": "2026-12-23", "hours": []},
        ],
    }
    from_dict = Calendar.from_dict(definition)
    keywords = Calendar(
        time_zone=definition["time_zone"],
        hours=definition["hours"],
        holidays=definition["holidays"],
        overrides=definition["overrides"],
    )
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    assert from_dict.open_intervals(start, end) == keywords.open_intervals(start, end)
    assert from_dict.time_zone == "America/New_York"
    # Thanksgiving 2026 is Thursday 26 November; the overnight Friday shift reaches Saturday.
    assert not from_dict.is_open(datetime(2026, 11, 26, 12, tzinfo=NY))
    assert from_dict.is_open(datetime(2026, 11, 28, 3, tzinfo=NY))
    assert from_dict.is_open(datetime(2026, 12, 26, 11, tzinfo=NY))


def test_to_dict_round_trips_and_pickles() -> None:
    cal = ny_support()
    d = cal.to_dict()
    assert d["time_zone"] == "America/New_York"
    again = Calendar.from_dict(d)
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
    assert again.open_intervals(start, end) == cal.open_intervals(start, end)
    for clone in (pickle.loads(pickle.dumps(cal)), copy.deepcopy(cal), copy.copy(cal)):
        assert isinstance(clone, Calendar)
        assert clone.open_intervals(start, end) == cal.open_intervals(start, end)
    union = Calendar.union([cal, Calendar.always_open()])
    assert pickle.loads(pickle.dumps(union)).to_dict() == union.to_dict()


def test_repr_rebuilds_the_calendar() -> None:
    cal = ny_support()
    text = repr(cal)
    assert text.startswith("Calendar.from_dict(")
    rebuilt = eval(text, {"Calendar": Calendar})
    assert rebuilt.to_dict() == cal.to_dict()
    assert repr(Calendar.always_open()) == "Calendar.from_dict({'always_open': True})"


def test_public_api_is_documented() -> None:
    assert entitlement.__all__ == [
        "Alert",
        "Calendar",
        "CalendarError",
        "CaseError",
        "CaseEvaluation",
        "CheckWarning",
        "ConfigError",
        "EntitlementError",
        "EntitlementUsage",
        "Import",
        "InputError",
        "MilestoneStatus",
        "MonitorEvent",
        "MonitorReport",
        "RulesDiff",
        "Ruleset",
        "__version__",
    ]
    assert Calendar.__doc__
    assert Calendar.__module__ == "entitlement"
    for name in (
        "from_dict",
        "always_open",
        "union",
        "to_dict",
        "add",
        "sub",
        "elapsed",
        "is_open",
        "next_open",
        "next_close",
        "open_intervals",
        "add_many",
        "elapsed_many",
        "time_zone",
    ):
        assert getattr(Calendar, name).__doc__, name


def test_the_docstring_example_runs() -> None:
    assert Calendar.__doc__ is not None
    test = doctest.DocTestParser().get_doctest(
        Calendar.__doc__, {"Calendar": Calendar}, "Calendar", None, 0
    )
    runner = doctest.DocTestRunner()
    runner.run(test)
    assert runner.tries > 0
    assert runner.failures == 0


# --- Batches ----------------------------------------------------------------------------------


def test_add_many_and_elapsed_many_match_the_single_calls() -> None:
    cal = ny_support()
    starts = [datetime(2026, 3, 2, tzinfo=UTC) + timedelta(hours=7 * i) for i in range(50)]
    durations = [timedelta(minutes=37 * i, microseconds=i) for i in range(50)]
    ends = cal.add_many(starts, durations)
    assert ends == [cal.add(s, d) for s, d in zip(starts, durations)]
    assert cal.elapsed_many(starts, ends) == durations
    assert cal.add_many((), ()) == []
    assert cal.add_many(iter(starts), (d for d in durations)) == ends


def test_batches_check_lengths_and_name_the_failing_item() -> None:
    cal = ny_support()
    t = datetime(2026, 3, 2, tzinfo=UTC)
    with pytest.raises(entitlement.InputError):
        cal.add_many([t, t], [timedelta(0)])
    with pytest.raises(entitlement.InputError, match=r"starts\[1\]") as info:
        cal.add_many([t, datetime(2026, 3, 2)], [timedelta(0), timedelta(0)])
    assert info.value.code == "naive_datetime"
    with pytest.raises(entitlement.InputError, match=r"starts\[1\]") as info:
        cal.add_many([t, datetime(9999, 12, 31, tzinfo=UTC)], [timedelta(0), timedelta(days=2)])
    assert info.value.code == "out_of_range"


# --- Laws, checked with hypothesis ------------------------------------------------------------

CALENDARS = {
    "ny_support": ny_support(),
    "always_open": Calendar.always_open(),
    "overnight_and_lunch": Calendar(
        time_zone="Europe/London",
        hours={
            "mon": ["08:00-12:00", "13:00-18:00"],
            "wed": ["00:00-00:00"],
            "fri": ["22:00-06:00"],
            "sun": ["01:00-02:30"],
        },
        holidays=[
            {"name": "Christmas", "yearly": "12-25", "observed": "next_weekday"},
            {"name": "Good Friday", "yearly": {"easter": -2}},
        ],
    ),
    "follow_the_sun": Calendar.union(
        [
            Calendar(time_zone="Asia/Kolkata", hours={d: ["09:30-18:00"] for d in WEEKDAYS}),
            Calendar(time_zone="America/Los_Angeles", hours={d: ["08:00-16:00"] for d in WEEKDAYS}),
        ]
    ),
}

ZONES = [UTC, NY, ZoneInfo("Asia/Kolkata"), timezone(timedelta(hours=-3, minutes=-30))]

# Instants are UTC datetimes so that the tests' own arithmetic and comparisons are absolute
# (Python adds to and compares the wall times of datetimes that share a ZoneInfo); the laws pass
# them to the calendar in the drawn zone.
instants = st.integers(min_value=0, max_value=40 * 365 * 86_400 * 10**6).map(
    lambda us: datetime(2000, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)
)
zones = st.sampled_from(ZONES)
durations = st.integers(min_value=0, max_value=3000 * 3600 * 10**6).map(
    lambda us: timedelta(microseconds=us)
)
calendars = st.sampled_from(sorted(CALENDARS))


@given(calendars, instants, zones, durations, st.booleans())
def test_law_inverse(name: str, t: datetime, zone: tzinfo, d: timedelta, backward: bool) -> None:
    cal = CALENDARS[name]
    d = -d if backward else d
    u = cal.add(t.astimezone(zone), d)
    assert cal.elapsed(t.astimezone(zone), u) == d
    assert cal.elapsed(t, u.astimezone(zone)) == d


@given(calendars, instants, durations, durations)
def test_law_add_is_monotonic(name: str, t: datetime, a: timedelta, b: timedelta) -> None:
    cal = CALENDARS[name]
    lo, hi = sorted((a, b))
    assert t <= cal.add(t, lo) <= cal.add(t, hi)
    assert t >= cal.add(t, -lo) >= cal.add(t, -hi)


@given(calendars, instants, instants, instants)
def test_law_elapsed_is_monotonic_and_additive(
    name: str, a: datetime, b: datetime, c: datetime
) -> None:
    cal = CALENDARS[name]
    a, b, c = sorted((a, b, c))
    assert timedelta(0) <= cal.elapsed(a, b) <= cal.elapsed(a, c)
    assert cal.elapsed(a, b) + cal.elapsed(b, c) == cal.elapsed(a, c)
    assert cal.elapsed(a, b) <= b - a


@given(calendars, instants, zones, durations, durations, st.booleans())
def test_law_add_is_additive(
    name: str, t: datetime, zone: tzinfo, a: timedelta, b: timedelta, backward: bool
) -> None:
    cal = CALENDARS[name]
    if backward:
        a, b = -a, -b
    assert cal.add(cal.add(t.astimezone(zone), a), b) == cal.add(t, a + b)


@given(calendars, instants, st.integers(min_value=0, max_value=21 * 86_400 * 10**6))
def test_law_is_open_agrees_with_open_intervals(name: str, start: datetime, span: int) -> None:
    cal = CALENDARS[name]
    end = start + timedelta(microseconds=span)
    intervals = cal.open_intervals(start, end)
    total = timedelta(0)
    previous_close = None
    for opens, closes in intervals:
        assert start <= opens < closes <= end
        if previous_close is not None:
            assert previous_close < opens  # sorted, disjoint and not touching
        previous_close = closes
        total += closes - opens
        assert cal.is_open(opens)
        assert cal.is_open(closes - timedelta(microseconds=1))
        if closes < end:
            assert not cal.is_open(closes)
    assert total == cal.elapsed(start, end)
    # Sample instants between the edges: open exactly when inside an interval.
    for k in range(8):
        probe = start + (end - start) * k / 8
        if not start <= probe < end:
            continue
        inside = any(opens <= probe < closes for opens, closes in intervals)
        assert cal.is_open(probe) == inside, probe


@given(
    st.datetimes(
        min_value=datetime(1, 1, 20),
        max_value=datetime(9999, 12, 10),
        timezones=st.sampled_from([UTC, *ZONES, ZoneInfo("Australia/Lord_Howe")]),
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(lambda us: timedelta(microseconds=us)),
)
def test_instants_convert_exactly_over_the_whole_range(t: datetime, d: timedelta) -> None:
    cal = Calendar.always_open()
    expected = t.astimezone(UTC) + d  # `t + d` would add to the wall time
    result = cal.add(t, d)
    assert_utc(result)
    assert result == expected
    assert (result.year, result.microsecond) == (expected.year, expected.microsecond)
    assert cal.elapsed(t, expected) == d


def thanksgiving_week() -> Calendar:
    """Mon-Fri 09-17 New York, Thanksgiving (Thu 2026-11-26) closed, the Friday a half day."""
    return Calendar(
        time_zone="America/New_York",
        hours={day: ["09:00-17:00"] for day in WEEKDAYS},
        holidays=[{"name": "Thanksgiving", "date": "2026-11-26"}],
        overrides=[{"date": "2026-11-27", "hours": ["09:00-13:00"]}],
    )


def test_add_business_days_keeps_the_wall_clock_time_and_skips_holidays() -> None:
    # The example of the Rust tests (entitlement-core/tests/business_days.rs).
    cal = thanksgiving_week()
    start = datetime(2026, 11, 16, 13, 15, tzinfo=NY)
    due = cal.add_business_days(start, 5)
    assert due == datetime(2026, 11, 23, 13, 15, tzinfo=NY)
    assert due.tzinfo is UTC
    assert cal.elapsed(start, due) == timedelta(hours=40)
    # Wednesday + 1 skips Thanksgiving; Friday closes at 13:00, so 15:00 is due at its close.
    assert cal.add_business_days(datetime(2026, 11, 25, 10, tzinfo=NY), 1) == datetime(
        2026, 11, 27, 10, tzinfo=NY
    )
    assert cal.add_business_days(datetime(2026, 11, 25, 15, tzinfo=NY), 1) == datetime(
        2026, 11, 27, 13, tzinfo=NY
    )
    # A Saturday start counts from Monday's opening: due at Monday's close.
    assert cal.add_business_days(datetime(2026, 11, 21, 10, tzinfo=NY), 1) == datetime(
        2026, 11, 23, 17, tzinfo=NY
    )
    # Zero days: the start itself, as add(start, timedelta(0)).
    saturday = datetime(2026, 11, 21, 10, tzinfo=NY)
    assert cal.add_business_days(saturday, 0) == saturday


def test_add_business_days_refuses_counts_it_cannot_take() -> None:
    cal = thanksgiving_week()
    start = datetime(2026, 11, 16, 13, tzinfo=NY)
    for days in (-1, 10_001):
        with pytest.raises(entitlement.InputError) as e:
            cal.add_business_days(start, days)
        assert e.value.code == "invalid_value"
    with pytest.raises(entitlement.InputError) as naive:
        cal.add_business_days(datetime(2026, 11, 16, 13), 1)
    assert naive.value.code == "naive_datetime"


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(min_value=0, max_value=400),
)
def test_on_a_24_7_calendar_business_days_are_days(start: datetime, days: int) -> None:
    assert Calendar.always_open().add_business_days(start, days) == start + timedelta(days=days)
