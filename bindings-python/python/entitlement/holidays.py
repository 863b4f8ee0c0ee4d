"""Built-in public holidays of 50 countries and their subdivisions, for the years 2000 to 2100.

``country(code, subdivision=None)`` returns a ``CountryHolidays``, which looks up like the
``holidays`` package's objects (``holidays.DE(subdiv="BY")``)::

    >>> from datetime import date
    >>> from entitlement import holidays
    >>> by = holidays.country("DE", "BY")
    >>> date(2026, 1, 6) in by
    True
    >>> by[date(2026, 1, 6)]
    'Epiphany'
    >>> by.get(date(2026, 1, 7)) is None
    True
    >>> by.to_dict()
    {'country': 'DE', 'subdivision': 'BY'}

``to_dict()`` is the entry a calendar's ``holidays:`` list takes, next to its own holidays.
``available()`` lists the countries and their subdivisions. The data is generated from the
``holidays`` package (``SOURCE_VERSION``, MIT licence): what is closed (each holiday's own date
and, where the package adds one, its observed day), the coverage and how the data is regenerated
are in ``docs/holidays.md``. An unknown code, or a date outside the covered years, raises
``ConfigError`` (never a guess).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from entitlement._entitlement import (
    _holidays_available,
    _holidays_between,
    _holidays_info,
    _holidays_names,
    _holidays_year,
)

__all__ = [
    "SOURCE_VERSION",
    "Country",
    "CountryHolidays",
    "Subdivision",
    "available",
    "country",
]


@dataclass(frozen=True)
class Subdivision:
    """A subdivision (state, province, region) with holidays of its own."""

    code: str
    name: str


@dataclass(frozen=True)
class Country:
    """A country with built-in holidays: its ISO code, English name, covered years and
    subdivisions."""

    code: str
    name: str
    first_year: int
    last_year: int
    subdivisions: tuple[Subdivision, ...]


_rows, SOURCE_VERSION = _holidays_available()
_COUNTRIES = tuple(
    Country(code, name, first, last, tuple(Subdivision(c, n) for c, n in subs))
    for code, name, first, last, subs in _rows
)
del _rows


def available() -> tuple[Country, ...]:
    """The countries with built-in holidays, by code.

    >>> from entitlement import holidays
    >>> [c.name for c in holidays.available() if c.code == "SG"]
    ['Singapore']
    """
    return _COUNTRIES


def _day(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"expected a date or an ISO date string, found {type(value).__name__}")


class CountryHolidays:
    """The built-in holidays of a country or one of its subdivisions (which has the country's
    holidays and its own). Dates are ``date`` objects (a ``datetime`` counts as its date; an ISO
    string such as ``"2026-12-25"`` is read as one)."""

    __slots__ = ("_country", "_first", "_last", "_name", "_subdivision")

    def __init__(self, country: str, subdivision: str | None = None) -> None:
        name, first, last = _holidays_info(country, subdivision)
        self._country = country
        self._subdivision = subdivision
        self._name = name
        self._first = first
        self._last = last

    @property
    def country(self) -> str:
        """The country's code."""
        return self._country

    @property
    def subdivision(self) -> str | None:
        """The subdivision's code, or ``None``."""
        return self._subdivision

    @property
    def name(self) -> str:
        """The country's name, and the subdivision's after a comma."""
        return self._name

    @property
    def years(self) -> range:
        """The years covered; other years raise ``ConfigError``."""
        return range(self._first, self._last + 1)

    def names(self, day: dt.date | str) -> list[str]:
        """The sorted names of the holidays on ``day`` (empty when it is no holiday)."""
        return _holidays_names(self._country, self._subdivision, _day(day))

    def get(self, day: dt.date | str, default: str | None = None) -> str | None:
        """The holiday's name on ``day`` (several joined with ``"; "``, as the ``holidays``
        package does), or ``default``."""
        names = self.names(day)
        return "; ".join(names) if names else default

    def __getitem__(self, day: dt.date | str) -> str:
        name = self.get(day)
        if name is None:
            raise KeyError(day)
        return name

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, (dt.date, str)):
            return False
        return bool(self.names(day))

    def between(self, start: dt.date | str, end: dt.date | str) -> list[tuple[dt.date, str]]:
        """``(date, name)`` pairs from ``start`` to ``end``, both included, by date then name;
        a date with two holidays appears twice."""
        return _holidays_between(self._country, self._subdivision, _day(start), _day(end))

    def year(self, year: int) -> list[tuple[dt.date, str]]:
        """``(date, name)`` pairs of one year, as ``between`` lists them."""
        return _holidays_year(self._country, self._subdivision, year)

    def to_dict(self) -> dict[str, str]:
        """The entry for a calendar's ``holidays:`` list."""
        out = {"country": self._country}
        if self._subdivision is not None:
            out["subdivision"] = self._subdivision
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CountryHolidays):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash((self._country, self._subdivision))

    def __repr__(self) -> str:
        sub = f", {self._subdivision!r}" if self._subdivision is not None else ""
        return f"entitlement.holidays.country({self._country!r}{sub})"


def country(code: str, subdivision: str | None = None) -> CountryHolidays:
    """The built-in holidays of a country (ISO 3166-1 alpha-2 code), or of one of its
    subdivisions; an unknown code raises ``ConfigError`` listing the known ones.

    >>> from entitlement import holidays
    >>> holidays.country("US", "NY").name
    'United States, New York'
    """
    return CountryHolidays(code, subdivision)
