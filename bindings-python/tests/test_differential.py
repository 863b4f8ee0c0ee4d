"""Differential tests: random calendars, instants and durations, answered by ``entitlement`` and
by the peer libraries a user would otherwise pick, compared query by query.

- ``workclock`` shares this project's conventions (real elapsed time, stays-at-close,
  ``add(t, 0) = t``, the compatible DST rule), so it is compared everywhere: several intervals a
  day, overnight intervals, 24-hour days, holidays, zones with DST (instants near transitions are
  drawn on purpose) and every operation both libraries have.
- ``businesstimedelta`` is compared where its semantics are this project's: intervals within one
  day, queries whose span is at least two days away from a DST transition, whole seconds (it
  drops microseconds), non-zero durations (it moves ``t + 0`` to the next opening) and ``a <= b``
  for ``elapsed`` (its difference is unsigned). ``docs/differential.md`` says why each of these
  is a difference of semantics, where this project's answer is the one a user expects.

The default run is cheap and seeded; ``ENTITLEMENT_DIFFERENTIAL_QUERIES=100000`` (see
``scripts/differential.sh``) runs that many queries per peer, and running this file as a script
prints the counts.
"""

from __future__ import annotations

import operator
import os
import random
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from entitlement import Calendar

workclock = pytest.importorskip("workclock")
businesstimedelta = pytest.importorskip("businesstimedelta")
pytz = pytest.importorskip("pytz")

UTC = timezone.utc
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Zones with DST (northern and southern, one that skips midnight, a 30-minute shift) and without.
DST_ZONES = (
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
    "America/Santiago",
    "America/Havana",
    "Asia/Beirut",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
)
ZONES = (*DST_ZONES, "Asia/Kolkata", "Asia/Tokyo", "UTC")
START = datetime(2025, 1, 1, tzinfo=UTC)
END = datetime(2028, 1, 1, tzinfo=UTC)
#: The default number of queries per peer: the test command's run stays at a few seconds.
DEFAULT_QUERIES = {"workclock": 3000, "businesstimedelta": 400}
#: Queries on one random calendar before the next is drawn.
PER_CALENDAR = 25
SECOND = timedelta(seconds=1)


def queries(peer: str) -> int:
    return int(os.environ.get("ENTITLEMENT_DIFFERENTIAL_QUERIES", DEFAULT_QUERIES[peer]))


# --- Random calendars ------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A weekly opening: ``day`` (0 = Monday), ``start`` and ``end`` in seconds of the local day;
    an end not after the start runs overnight into the next day, ``end == 86400`` is 24:00."""

    day: int
    start: int
    end: int

    def text(self) -> str:
        end = "24:00" if self.end == 86_400 else clock(self.end)
        return f"{clock(self.start)}-{end}"


@dataclass
class RandomCalendar:
    zone: str
    intervals: list[Interval]
    holidays: list[date]

    def definition(self) -> dict[str, Any]:
        hours: dict[str, list[str]] = {d: [] for d in DAYS}
        for iv in self.intervals:
            hours[DAYS[iv.day]].append(iv.text())
        return {
            "time_zone": self.zone,
            "hours": hours,
            "holidays": [{"date": d.isoformat()} for d in self.holidays],
        }

    def ours(self) -> Calendar:
        return Calendar.from_dict(self.definition())

    def workclock(self) -> Any:
        rules: list[Any] = [
            workclock.WorkDay(wall(iv.start), wall(iv.end % 86_400), days=[iv.day])
            for iv in self.intervals
        ]
        rules.append(workclock.Holidays(self.holidays))
        return workclock.Schedule(rules, time_zone=self.zone)

    def businesstimedelta(self) -> Any:
        tz = pytz.timezone(self.zone)
        by_hours: dict[tuple[int, int], list[int]] = {}
        for iv in self.intervals:
            assert 0 <= iv.start < iv.end < 86_400, "businesstimedelta: same-day intervals only"
            by_hours.setdefault((iv.start, iv.end), []).append(iv.day)
        rules: list[Any] = [
            businesstimedelta.WorkDayRule(
                start_time=wall(s), end_time=wall(e), working_days=sorted(days), tz=tz
            )
            for (s, e), days in sorted(by_hours.items())
        ]
        # businesstimedelta fails when no holiday lies within five years of a query (measured
        # when the peers were chosen), and walks day by day to the next one: every date of a
        # weekday that has no opening is a holiday too, which changes nothing and keeps the walk
        # short.
        closed = set(range(7)) - {iv.day for iv in self.intervals}
        first = date(2015, 1, 5)  # a Monday
        sentinels = {first + timedelta(days=7 * w + d) for w in range(26 * 53) for d in closed}
        assert sentinels, "businesstimedelta: one weekday without openings"
        rules.append(businesstimedelta.HolidayRule(frozenset(self.holidays) | sentinels, tz=tz))
        return businesstimedelta.Rules(rules)


def clock(seconds: int) -> str:
    s = seconds % 86_400
    text = f"{s // 3600:02}:{s // 60 % 60:02}"
    return text if s % 60 == 0 else f"{text}:{s % 60:02}"


def wall(seconds: int) -> time:
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60)


def random_holidays(rng: random.Random) -> list[date]:
    start = date(2025, 1, 1)
    return sorted({start + timedelta(days=rng.randrange(3 * 366)) for _ in range(rng.randrange(9))})


def overnight_calendar(rng: random.Random) -> RandomCalendar:
    """Cut points on the circle of the week, paired into openings: they never overlap, may run
    overnight and past Sunday, and are at most 24 hours long; whole minutes or seconds."""
    unit = 60 if rng.random() < 0.7 else 1
    week = 7 * 86_400 // unit
    cuts = sorted({rng.randrange(week) * unit for _ in range(rng.randrange(2, 17))})
    if rng.random() < 0.15:  # a few whole 24-hour days
        cuts = sorted({d * 86_400 for d in rng.sample(range(7), rng.randrange(1, 4))} | set(cuts))
    intervals = []
    for s, e in zip(cuts[::2], cuts[1::2]):
        length = min(e - s, 86_400)
        end = s + length
        day, start = divmod(s, 86_400)
        if end % 86_400 == 0 and end // 86_400 == day + 1 and start != 0:
            intervals.append(Interval(day, start, 86_400))
        else:
            intervals.append(Interval(day, start, end % 86_400 if length < 86_400 else start))
    return RandomCalendar(rng.choice(ZONES), intervals, random_holidays(rng))


def same_day_calendar(rng: random.Random, zones: tuple[str, ...]) -> RandomCalendar:
    """Up to three openings a day, each inside one local day and ending by 23:59; at least one
    weekday without openings."""
    intervals = []
    closed = rng.randrange(7)
    for day in range(7):
        if day == closed or rng.random() < 0.2:
            continue
        n = rng.choice((1, 1, 2, 3))
        cuts = sorted(rng.sample(range(0, 1440), 2 * n))
        intervals += [Interval(day, s * 60, e * 60) for s, e in zip(cuts[::2], cuts[1::2])]
    if not intervals:
        intervals = [Interval((closed + 1) % 7, 9 * 3600, 17 * 3600)]
    return RandomCalendar(rng.choice(zones), intervals, random_holidays(rng))


# --- Random instants -------------------------------------------------------------------------


def transitions(zone: str) -> list[datetime]:
    """The zone's offset changes in 2024-2028, to the minute."""
    tz = ZoneInfo(zone)
    out = []
    t = datetime(2024, 1, 1, tzinfo=UTC)
    step = timedelta(hours=1)
    offset = t.astimezone(tz).utcoffset()
    while t < datetime(2029, 1, 1, tzinfo=UTC):
        nxt = t + step
        o = nxt.astimezone(tz).utcoffset()
        if o != offset:
            lo, hi = t, nxt
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(tz).utcoffset() == offset:
                    lo = mid
                else:
                    hi = mid
            out.append(hi.replace(second=0, microsecond=0))
            offset = o
        t = nxt
    return out


TRANSITIONS = {zone: transitions(zone) for zone in ZONES}


def noons_that_differ(zone: str, offset: Callable[[datetime], timedelta | None]) -> list[datetime]:
    """The local noons of 2024-2028 at which another copy of the tz database gives the zone an
    offset other than this project's (chrono-tz): the peers read the system's database or their
    own (pytz 2026.x bundles 2026f, with Cuba's, Morocco's and Moldova's newer rules), and a
    query across such a day compares two databases, not two libraries."""
    noon = Calendar.from_dict({"time_zone": zone, "hours": {d: ["12:00-12:01"] for d in DAYS}})
    differ = []
    for start, _ in noon.open_intervals(
        datetime(2024, 1, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC)
    ):
        local = start.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        wall = datetime.combine(local.date(), time(12))
        if offset(wall) != wall - start.replace(tzinfo=None):
            differ.append(start)
    return differ


def system_offset(zone: str) -> Callable[[datetime], timedelta | None]:
    """The offset of a wall time by the system's tz database (what workclock reads)."""
    return lambda wall: wall.replace(tzinfo=ZoneInfo(zone)).utcoffset()


def pytz_offset(zone: str) -> Callable[[datetime], timedelta | None]:
    """The offset of a wall time by pytz's own copy of the tz database."""
    tz = pytz.timezone(zone)
    return lambda wall: tz.localize(wall).utcoffset()


SYSTEM_DIFFERS = {z: noons_that_differ(z, system_offset(z)) for z in ZONES}
PYTZ_DIFFERS = {z: noons_that_differ(z, pytz_offset(z)) for z in ZONES}


def instant(rng: random.Random, zone: str, *, near_dst: bool, whole_seconds: bool) -> datetime:
    """A random instant in 2025-2027: often whole minutes (interval edges), sometimes within a
    few hours of one of the zone's DST transitions when ``near_dst``."""
    shifts = TRANSITIONS[zone]
    if near_dst and shifts and rng.random() < 0.3:
        base = rng.choice(shifts)
        t = base + timedelta(minutes=rng.randrange(-600, 600))
    else:
        t = START + timedelta(minutes=rng.randrange(int((END - START) / timedelta(minutes=1))))
    r = rng.random()
    if r < 0.4:
        return t
    if whole_seconds or r < 0.7:
        return t + timedelta(seconds=rng.randrange(60))
    return t + timedelta(microseconds=rng.randrange(60_000_000))


def other_end(
    rng: random.Random, t: datetime, zone: str, *, far: float, whole_seconds: bool, hours: int = 300
) -> datetime:
    """The other end of an ``elapsed`` query: within 400 hours of ``t`` either way, or (with
    probability ``far``) anywhere in the three years."""
    if rng.random() < far:
        return instant(rng, zone, near_dst=False, whole_seconds=whole_seconds)
    span = duration(rng, whole_seconds=whole_seconds, hours=hours)
    return t + span if rng.random() < 0.5 else t - span


def duration(rng: random.Random, *, whole_seconds: bool, hours: int = 300) -> timedelta:
    """Up to ``hours``: whole quarter hours half of the time, else to the second or microsecond."""
    r = rng.random()
    if r < 0.05:
        return timedelta(0)
    if r < 0.5:
        return timedelta(minutes=15 * rng.randrange(1, 4 * hours))
    if whole_seconds:
        return timedelta(seconds=rng.randrange(1, hours * 3600))
    return timedelta(microseconds=rng.randrange(1, hours * 3600 * 10**6))


def near(
    moments: list[datetime], *instants: datetime, margin: timedelta = timedelta(days=2)
) -> bool:
    """Whether one of ``moments`` lies within ``margin`` of the span of ``instants``."""
    lo, hi = min(instants) - margin, max(instants) + margin
    return any(lo <= t <= hi for t in moments)


def near_transition(zone: str, *instants: datetime, margin: timedelta = timedelta(days=2)) -> bool:
    return near(TRANSITIONS[zone], *instants, margin=margin)


# --- The comparison --------------------------------------------------------------------------


@dataclass
class Tally:
    """Comparisons, by operation (a query compares several operations); queries drawn but left
    out, by reason; and every disagreement."""

    peer: str
    compared: Counter[str] = field(default_factory=Counter)
    left_out: Counter[str] = field(default_factory=Counter)
    disagreements: list[str] = field(default_factory=list)

    def check(self, op: str, ours: Any, theirs: Any, what: Callable[[], str]) -> None:
        self.compared[op] += 1
        if ours != theirs:
            self.disagreements.append(f"{op}: ours {ours!r}, {self.peer} {theirs!r}; {what()}")

    def summary(self) -> str:
        queries = max(self.compared.values(), default=0)
        ops = ", ".join(f"{op} {n}" for op, n in sorted(self.compared.items()))
        out = ", ".join(f"{why} {n}" for why, n in sorted(self.left_out.items())) or "none"
        return (
            f"{self.peer}: {queries} queries compared ({ops}); "
            f"{len(self.disagreements)} disagreements; "
            f"left out: {out}"
        )


def outcome(call: Callable[..., Any], *args: Any) -> Any:
    """A result, or the fact that the call raised: a disagreement either way if they differ."""
    try:
        return call(*args)
    except Exception as e:  # the exception's class is part of the comparison
        return f"raised {type(e).__name__}"


def against_workclock(n: int, seed: int) -> Tally:
    tally = Tally("workclock")
    rng = random.Random(seed)
    done = 0
    while done < n:
        rc = overnight_calendar(rng)
        ours, theirs = rc.ours(), rc.workclock()
        for _ in range(PER_CALENDAR):
            if done == n:
                break
            t = instant(rng, rc.zone, near_dst=True, whole_seconds=False)
            d = duration(rng, whole_seconds=False)
            u = other_end(rng, t, rc.zone, far=0.1, whole_seconds=False)

            if SYSTEM_DIFFERS[rc.zone] and near(
                SYSTEM_DIFFERS[rc.zone], t, u, ours.add(t, d), ours.sub(t, d)
            ):
                tally.left_out["the system's tz database differs"] += 1
                continue
            done += 1

            def what(
                t: datetime = t, d: timedelta = d, u: datetime = u, rc: RandomCalendar = rc
            ) -> str:
                return f"t={t.isoformat()} d={d!r} u={u.isoformat()} calendar={rc.definition()}"

            tally.check("add", ours.add(t, d), outcome(theirs.add, t, d), what)
            tally.check("sub", ours.sub(t, d), outcome(theirs.sub, t, d), what)
            tally.check("elapsed", ours.elapsed(t, u), outcome(theirs.between, t, u), what)
            start, end = theirs.next_period(t)
            tally.check("next_open", ours.next_open(t), start, what)
            tally.check("next_close", ours.next_close(t), end, what)
            tally.check("is_open", ours.is_open(t), start == t, what)
    return tally


def against_businesstimedelta(n: int, seed: int) -> Tally:
    tally = Tally("businesstimedelta")
    rng = random.Random(seed)
    done = 0
    while done < n:
        rc = same_day_calendar(rng, ZONES)
        ours, theirs = rc.ours(), rc.businesstimedelta()
        for _ in range(PER_CALENDAR):
            if done == n:
                break
            t = instant(rng, rc.zone, near_dst=False, whole_seconds=True)
            # Short spans: a query is compared only when it stays clear of DST transitions.
            d = duration(rng, whole_seconds=True, hours=40)
            u = other_end(rng, t, rc.zone, far=0.0, whole_seconds=True, hours=120)
            if d == timedelta(0):
                tally.left_out["zero duration"] += 1
                continue
            later, earlier = ours.add(t, d), ours.sub(t, d)
            a, b = min(t, u), max(t, u)
            if near(PYTZ_DIFFERS[rc.zone], earlier, later, a, b):
                tally.left_out["pytz's tz database differs"] += 1
                continue
            if near_transition(rc.zone, earlier, later, a, b):
                tally.left_out["near a DST transition"] += 1
                continue
            done += 1

            def what(
                t: datetime = t, d: timedelta = d, u: datetime = u, rc: RandomCalendar = rc
            ) -> str:
                return f"t={t.isoformat()} d={d!r} u={u.isoformat()} calendar={rc.definition()}"

            delta = businesstimedelta.BusinessTimeDelta(theirs, timedelta=d)
            tally.check("add", later, outcome(operator.add, t, delta), what)
            tally.check("sub", earlier, outcome(operator.sub, t, delta), what)
            difference = outcome(theirs.difference, a, b)
            tally.check(
                "elapsed", ours.elapsed(a, b), getattr(difference, "timedelta", difference), what
            )
            opening = theirs.next(t)
            tally.check("next_open", ours.next_open(t), opening[0], what)
            tally.check("next_close", ours.next_close(t), opening[1], what)
    return tally


def assert_agrees(tally: Tally) -> None:
    print(tally.summary())
    assert tally.disagreements == [], "\n".join(tally.disagreements[:10])


def test_workclock_agrees_on_random_calendars_instants_and_durations() -> None:
    tally = against_workclock(queries("workclock"), seed=20261122)
    assert sum(tally.compared.values()) == 6 * queries("workclock")
    assert sum(tally.left_out.values()) < queries("workclock") // 10, tally.summary()
    assert_agrees(tally)


def test_businesstimedelta_agrees_away_from_dst_edges() -> None:
    tally = against_businesstimedelta(queries("businesstimedelta"), seed=20261123)
    assert sum(tally.compared.values()) == 5 * queries("businesstimedelta")
    # Most drawn queries are compared: the ones left out are a small share.
    assert sum(tally.left_out.values()) < queries("businesstimedelta") // 3, tally.summary()
    assert_agrees(tally)


def test_the_generators_draw_what_the_comparison_claims() -> None:
    rng = random.Random(1)
    cals = [overnight_calendar(rng) for _ in range(300)]
    assert any(iv.end != 86_400 and iv.end <= iv.start for c in cals for iv in c.intervals)
    assert any(iv.end == 86_400 for c in cals for iv in c.intervals)
    assert any(iv.start % 60 for c in cals for iv in c.intervals)
    assert any(len(c.holidays) >= 3 for c in cals)
    assert {c.zone for c in cals} == set(ZONES)
    per_day = Counter((id(c), iv.day) for c in cals for iv in c.intervals)
    assert max(per_day.values()) >= 3
    same_day = [same_day_calendar(rng, ZONES) for _ in range(100)]
    assert all(iv.start < iv.end for c in same_day for iv in c.intervals)
    near = [instant(rng, "Europe/London", near_dst=True, whole_seconds=False) for _ in range(500)]
    assert sum(near_transition("Europe/London", t, margin=timedelta(hours=12)) for t in near) > 50
    assert len(TRANSITIONS["Europe/London"]) == 10
    assert TRANSITIONS["Asia/Tokyo"] == []


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 100_000
    failed = 0
    for run in (against_workclock, against_businesstimedelta):
        tally = run(n, seed=20261122 if run is against_workclock else 20261123)
        print(tally.summary(), flush=True)
        for line in tally.disagreements[:20]:
            print("  ", line)
        failed += len(tally.disagreements)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
