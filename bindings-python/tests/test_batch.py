"""``Calendar.add_many`` / ``elapsed_many`` over numpy and pyarrow arrays and lists, and
``Ruleset.evaluate_many``: every batch answer equals the one-at-a-time call (checked with
hypothesis), missing values stay missing, units are read exactly, and errors name the item."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import entitlement
from entitlement import Calendar

UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: 2025-01-01 and 2027-01-01 in microseconds since the epoch: two years of instants.
LOW, HIGH = 1_735_689_600_000_000, 1_798_761_600_000_000
HOUR_US = 3_600_000_000


def desk() -> Calendar:
    """Mon-Fri 09-12 and 13-17 in New York with US holidays: the benchmarks' calendar."""
    return Calendar(
        time_zone="America/New_York",
        hours={d: ["09:00-12:00", "13:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
        holidays=[
            {"name": "New Year", "yearly": "01-01", "observed": "nearest_weekday"},
            {"name": "Independence Day", "yearly": "07-04", "observed": "nearest_weekday"},
            {"name": "Thanksgiving", "yearly": {"month": 11, "weekday": "thu", "nth": 4}},
            {"name": "Christmas", "yearly": "12-25", "observed": "nearest_weekday"},
        ],
    )


CAL = desk()


def as_datetime(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


instants = st.lists(st.integers(LOW, HIGH), min_size=0, max_size=60)


@settings(max_examples=60, deadline=None)
@given(instants, st.data())
def test_add_many_equals_add_for_numpy_arrow_and_lists(starts: list[int], data: Any) -> None:
    durations = data.draw(
        st.lists(
            st.integers(-2000 * HOUR_US, 2000 * HOUR_US),
            min_size=len(starts),
            max_size=len(starts),
        )
    )
    expected = [
        CAL.add(as_datetime(s), timedelta(microseconds=d)) for s, d in zip(starts, durations)
    ]

    from_numpy = CAL.add_many(
        np.array(starts, dtype="datetime64[us]"), np.array(durations, dtype="timedelta64[us]")
    )
    assert from_numpy.dtype == np.dtype("datetime64[us]")
    assert [as_datetime(int(v)) for v in from_numpy.view("i8")] == expected

    from_arrow = CAL.add_many(
        pa.array(starts, pa.timestamp("us", tz="UTC")), pa.array(durations, pa.duration("us"))
    )
    assert from_arrow.type == pa.timestamp("us", tz="UTC")
    assert from_arrow.to_pylist() == expected

    assert (
        CAL.add_many(
            [as_datetime(s) for s in starts], [timedelta(microseconds=d) for d in durations]
        )
        == expected
    )


@settings(max_examples=60, deadline=None)
@given(instants, st.data())
def test_elapsed_many_equals_elapsed_for_numpy_arrow_and_lists(
    starts: list[int], data: Any
) -> None:
    ends = data.draw(st.lists(st.integers(LOW, HIGH), min_size=len(starts), max_size=len(starts)))
    expected = [CAL.elapsed(as_datetime(a), as_datetime(b)) for a, b in zip(starts, ends)]

    from_numpy = CAL.elapsed_many(
        np.array(starts, dtype="datetime64[us]"), np.array(ends, dtype="datetime64[us]")
    )
    assert from_numpy.dtype == np.dtype("timedelta64[us]")
    assert [timedelta(microseconds=int(v)) for v in from_numpy.view("i8")] == expected

    from_arrow = CAL.elapsed_many(
        pa.array(starts, pa.timestamp("us", tz="UTC")),
        pa.array(ends, pa.timestamp("us", tz="America/New_York")),
    )
    assert from_arrow.type == pa.duration("us")
    assert from_arrow.to_pylist() == expected


def test_large_batches_run_in_parallel_chunks_with_the_same_answers() -> None:
    # Above the parallel threshold (16k items): chunks on rayon's pool, stitched in order.
    rng = np.random.default_rng(6)
    starts = rng.integers(LOW, HIGH, 50_000).astype("datetime64[us]")
    durations = rng.integers(0, 40 * HOUR_US, 50_000).astype("timedelta64[us]")
    batch = CAL.add_many(starts, durations)
    sample = rng.integers(0, 50_000, 300)
    for i in sample:
        single = CAL.add(
            as_datetime(int(starts[i].view("i8"))),
            timedelta(microseconds=int(durations[i].view("i8"))),
        )
        assert as_datetime(int(batch[i].view("i8"))) == single
    back = CAL.elapsed_many(starts, batch)
    assert np.array_equal(back, durations)


def test_one_timedelta_is_used_for_every_start() -> None:
    starts = np.array([LOW, LOW + 7 * HOUR_US, HIGH], dtype="datetime64[us]")
    together = CAL.add_many(starts, timedelta(hours=8))
    one_by_one = CAL.add_many(starts, np.full(3, 8 * HOUR_US, dtype="timedelta64[us]"))
    assert np.array_equal(together, one_by_one)


@pytest.mark.parametrize(
    ("unit", "factor"),
    [("s", 1_000_000), ("ms", 1_000), ("us", 1), ("m", 60_000_000), ("D", 86_400_000_000)],
)
def test_numpy_units_are_read_exactly(unit: str, factor: int) -> None:
    counts = np.array([20_454, 20_455, 20_460], dtype="i8")  # days since 1970 in 2026
    counts = counts * (86_400_000_000 // factor)
    starts = counts.astype(f"datetime64[{unit}]")
    as_us = (counts * factor).astype("datetime64[us]")
    assert np.array_equal(
        CAL.add_many(starts, timedelta(hours=3)), CAL.add_many(as_us, timedelta(hours=3))
    )


def test_nanoseconds_are_read_when_whole_microseconds_and_refused_otherwise() -> None:
    whole = np.array([LOW * 1000, HIGH * 1000], dtype="datetime64[ns]")
    expected = CAL.add_many(np.array([LOW, HIGH], dtype="datetime64[us]"), timedelta(hours=1))
    assert np.array_equal(CAL.add_many(whole, timedelta(hours=1)), expected)
    with pytest.raises(entitlement.InputError, match=r"starts\[1\].*below a microsecond") as info:
        CAL.add_many(np.array([LOW * 1000, HIGH * 1000 + 1], dtype="datetime64[ns]"), timedelta(0))
    assert info.value.code == "invalid_value"
    nanos = pa.array([LOW * 1000, HIGH * 1000], pa.timestamp("ns", tz="UTC"))
    assert CAL.add_many(nanos, timedelta(hours=1)).to_pylist() == [
        as_datetime(int(v)) for v in expected.view("i8")
    ]


def test_missing_values_give_missing_results() -> None:
    starts = np.array([LOW, "NaT", HIGH], dtype="datetime64[us]")
    durations = np.array([HOUR_US, HOUR_US, "NaT"], dtype="timedelta64[us]")
    result = CAL.add_many(starts, durations)
    assert not np.isnat(result[0])
    assert np.isnat(result[1:]).all()
    arrow = CAL.add_many(
        pa.array([LOW, None, HIGH], pa.timestamp("us", tz="UTC")),
        pa.array([HOUR_US, HOUR_US, None], pa.duration("us")),
    )
    assert arrow.null_count == 2
    assert arrow[0].as_py() == CAL.add(as_datetime(LOW), timedelta(hours=1))
    assert CAL.elapsed_many(starts, starts)[1:2].astype("i8").tolist() == [np.iinfo("i8").min]


def test_chunked_and_sliced_arrow_arrays_are_read() -> None:
    values = [LOW + i * 5 * HOUR_US for i in range(10)]
    chunked = pa.chunked_array([values[:4], values[4:]], pa.timestamp("us", tz="UTC"))
    expected = [CAL.add(as_datetime(v), timedelta(hours=2)) for v in values]
    assert CAL.add_many(chunked, timedelta(hours=2)).to_pylist() == expected
    sliced = pa.array(values, pa.timestamp("us", tz="UTC")).slice(3, 4)
    assert CAL.add_many(sliced, timedelta(hours=2)).to_pylist() == expected[3:7]
    strided = np.array(values, dtype="datetime64[us]")[::3]
    assert [
        as_datetime(int(v)) for v in CAL.add_many(strided, timedelta(hours=2)).view("i8")
    ] == expected[::3]


def test_result_kind_follows_the_starts() -> None:
    starts = [as_datetime(LOW), as_datetime(HIGH)]
    durations = np.array([HOUR_US, 2 * HOUR_US], dtype="timedelta64[us]")
    result = CAL.add_many(starts, durations)
    assert isinstance(result, list)
    assert result == [
        CAL.add(s, timedelta(microseconds=int(d))) for s, d in zip(starts, durations.view("i8"))
    ]


def test_bad_arrays_are_input_errors_that_say_why() -> None:
    with pytest.raises(entitlement.InputError, match="time zone") as info:
        CAL.add_many(pa.array([LOW], pa.timestamp("us")), timedelta(0))
    assert info.value.code == "naive_datetime"
    with pytest.raises(entitlement.InputError, match="datetime64") as info:
        CAL.add_many(np.array([1, 2]), timedelta(0))
    assert info.value.code == "invalid_type"
    with pytest.raises(entitlement.InputError, match="duration"):
        CAL.add_many(pa.array([LOW], pa.timestamp("us", tz="UTC")), pa.array([1], pa.int64()))
    with pytest.raises(entitlement.InputError, match="unit"):
        CAL.add_many(np.array(["2026-01"], dtype="datetime64[M]"), timedelta(0))
    with pytest.raises(entitlement.InputError, match="one-dimensional"):
        CAL.add_many(np.zeros((2, 2), dtype="datetime64[us]"), timedelta(0))
    with pytest.raises(entitlement.InputError, match="same length"):
        CAL.elapsed_many(np.zeros(2, dtype="datetime64[us]"), np.zeros(3, dtype="datetime64[us]"))
    with pytest.raises(entitlement.InputError, match=r"starts\[1\]") as info:
        CAL.add_many(
            np.array([LOW, 253_402_300_799_000_000], dtype="datetime64[us]"), timedelta(days=3)
        )
    assert info.value.code == "out_of_range"


def test_evaluate_many_equals_evaluate_per_case() -> None:
    rules = entitlement.Ruleset.from_dict(
        {
            "calendars": {"desk": desk().to_dict()},
            "processes": [
                {
                    "id": "gold",
                    "calendar": "desk",
                    "milestones": [
                        {"name": "First Response", "kind": "first_response", "target": "1h"},
                        {"name": "Resolution", "kind": "resolution", "target": "16h"},
                    ],
                }
            ],
            "entitlements": [{"id": "acme", "process": "gold"}],
        }
    )
    cases: list[dict[str, Any]] = [
        {
            "id": f"C-{i}",
            "entitlement": "acme",
            "created_at": as_datetime(LOW + i * 7 * HOUR_US),
            "events": [
                {"at": as_datetime(LOW + i * 7 * HOUR_US + i * 600_000_000), "type": "agent_reply"}
            ],
        }
        for i in range(200)
    ]
    now = as_datetime(LOW + 1500 * HOUR_US)
    many = rules.evaluate_many(cases, now)
    assert len(many) == len(cases)
    for case, statuses in zip(cases, many):
        assert not isinstance(statuses, entitlement.CaseError)
        assert [s.to_dict() for s in statuses] == [s.to_dict() for s in rules.evaluate(case, now)]
    bad = [*cases[:3], {"id": "X", "entitlement": "nope", "created_at": now}, *cases[3:]]
    with pytest.raises(entitlement.InputError, match='case "X"') as info:
        rules.evaluate_many(bad, now, on_error="raise")
    assert info.value.code == "unknown_entitlement"
    # By default the bad case's entry is its error, in its place, and the others are as above.
    entries = rules.evaluate_many(bad, now)
    assert isinstance(entries[3], entitlement.CaseError)
    assert (entries[3].code, entries[3].message) == ("unknown_entitlement", str(info.value))
    assert entries[:3] + entries[4:] == many


def test_long_case_lists_name_a_bad_case_by_its_place_in_the_whole_list() -> None:
    # Cases are converted and validated 32,768 at a time: a case past the first chunk keeps
    # its position in the list the caller gave.
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
    created = as_datetime(LOW)
    cases: list[dict[str, Any]] = [
        {"id": f"C-{i}", "entitlement": "e", "created_at": created} for i in range(33_000)
    ]
    assert len(rules.evaluate_many(cases, created)) == 33_000
    cases[32_900] = {"entitlement": "e", "created_at": created}
    with pytest.raises(entitlement.InputError, match="#32900") as info:
        rules.evaluate_many(cases, created, on_error="raise")
    assert info.value.code == "missing_key"
    entry = rules.evaluate_many(cases, created)[32_900]
    assert isinstance(entry, entitlement.CaseError)
    assert (entry.index, entry.case_id, entry.path) == (32_900, None, "cases[32900]")
    assert "#32900" in entry.message
