"""iCalendar (``.ics``) holiday feeds: Google Calendar's public holiday calendars, Outlook and
Apple Calendar exports, the UK government's bank holidays.

``holidays(source, time_zone=...)`` returns an ``Import`` whose document is
``{"holidays": [...]}``, entries in the calendar document's holiday format, ready to save
(``to_json()``) and paste into a calendar. ``calendar(source, name=..., time_zone=...,
hours=...)`` builds a whole calendar with the feed's holidays added after your own::

    >>> from entitlement import ics
    >>> imp = ics.calendar("us-federal.ics", name="support", time_zone="America/New_York",
    ...                    hours={"mon": ["09:00-17:00"]})     # doctest: +SKIP
    >>> imp.calendar().is_open(...)                            # doctest: +SKIP

``source`` is the feed's text (``str``), its bytes (UTF-8; anything else raises
``ConfigError`` naming the source) or a path (``os.PathLike``, such as ``pathlib.Path``; a plain
``str`` is always read as feed text). Timed events are converted into ``time_zone``; a floating
time (no zone) is read in it. All-day events, ``DTEND``/``DURATION``, yearly ``RRULE``s by
month and day or by ordinal weekday (``INTERVAL``, ``UNTIL``, ``COUNT``) and ``EXDATE``s are
imported; anything else raises ``ConfigError`` with code ``"unsupported"`` naming the file, the
line, the ``VEVENT`` (``UID`` and ``SUMMARY``) and the property. Mapping and decisions:
``docs/import-ics.md``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from entitlement._entitlement import Import, _ics_calendar, _ics_holidays, _ics_read

__all__ = ["Source", "calendar", "holidays"]

#: A feed: its text, its UTF-8 bytes, or the path of a ``.ics`` file.
Source = str | bytes | os.PathLike[str]


def _read(source: Source, source_name: str | None) -> tuple[str | bytes, str]:
    if isinstance(source, os.PathLike):
        # Read by the core: at most 64 MiB, and only a regular file (a FIFO or a device such
        # as /dev/zero is a ConfigError, not a hang or an exhausted memory).
        path = os.fspath(source)
        return _ics_read(path), source_name or path
    if isinstance(source, (str, bytes)):
        return source, source_name or "<ics>"
    raise TypeError(f"source must be str, bytes or a path, not {type(source).__name__}")


def holidays(source: Source, *, time_zone: str, source_name: str | None = None) -> Import:
    """The feed's holidays for a calendar in ``time_zone`` (an IANA name), as an ``Import``
    whose ``document`` is ``{"holidays": [...]}``.

    ``source_name`` names the feed in messages (default: the path, or ``"<ics>"``).

    >>> from entitlement import ics
    >>> feed = "BEGIN:VCALENDAR\\nBEGIN:VEVENT\\nSUMMARY:Christmas Day\\n" \\
    ...        "DTSTART;VALUE=DATE:20261225\\nEND:VEVENT\\nEND:VCALENDAR\\n"
    >>> ics.holidays(feed, time_zone="Europe/London").document
    {'holidays': [{'date': '2026-12-25', 'name': 'Christmas Day'}]}
    """
    feed, name = _read(source, source_name)
    return _ics_holidays(feed, name, time_zone)


def calendar(
    source: Source,
    *,
    name: str,
    time_zone: str,
    hours: Mapping[str, Sequence[str]],
    holidays: Sequence[Mapping[str, Any]] | None = None,
    overrides: Sequence[Mapping[str, Any]] | None = None,
    source_name: str | None = None,
) -> Import:
    """A calendar ``name`` in ``time_zone`` with weekly ``hours``, your own ``holidays`` and
    ``overrides``, and the feed's holidays after yours, as an ``Import`` whose document is
    ``{"calendars": {name: ...}}``; ``import_.calendar()`` builds it.

    >>> from entitlement import ics
    >>> feed = b"BEGIN:VCALENDAR\\nBEGIN:VEVENT\\nSUMMARY:Boxing Day\\n" \\
    ...        b"DTSTART;VALUE=DATE:20261228\\nEND:VEVENT\\nEND:VCALENDAR\\n"
    >>> imp = ics.calendar(feed, name="london", time_zone="Europe/London",
    ...                    hours={"mon": ["09:00-17:00"]})
    >>> imp.document["calendars"]["london"]["holidays"]
    [{'date': '2026-12-28', 'name': 'Boxing Day'}]
    """
    feed, label = _read(source, source_name)
    base: dict[str, Any] = {"time_zone": time_zone, "hours": dict(hours)}
    if holidays is not None:
        base["holidays"] = list(holidays)
    if overrides is not None:
        base["overrides"] = list(overrides)
    return _ics_calendar(feed, label, name, base)
