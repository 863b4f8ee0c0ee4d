"""Writes tests/ffi/malformed.json: the malformed-input corpus that the Python and Node suites
both run through their bindings (bindings-python/tests/test_malformed.py and
bindings-node/test/malformed.test.js), each case in a child process so that an abort would be a
reported failure instead of the end of the test run.

Each case is a call (``cal.add``, ``Ruleset.load``, ``rules.evaluate``, ...) on fixed receivers
(``cal``: Mon-Fri 09-17 in New York; ``always``: always open; ``rules``: the sample rules of
``examples/data/rules.yaml``), its arguments, and what it must raise: the stable ``code`` (the
same in both languages unless the case says otherwise) and the Python exception class. Values
JSON cannot hold are written as ``{"$": kind, ...}`` and built by each suite:

========================  =================================  ===============================
``$``                     Python                             Node
========================  =================================  ===============================
``naive`` (``v``)         naive ``datetime``                 the string ``v`` (no offset)
``aware`` (``v``)         aware ``datetime``                 ``Date``
``date`` (``v``)          ``datetime.date``                  the string ``v``
``nan`` / ``inf``         ``float``                          ``NaN`` / ``±Infinity``
``none``                  ``None``                           ``null``
``undefined``             (Node only)                        ``undefined``
``bigint`` (``v``)        ``int``                            ``BigInt``
``ms`` (``v``)            ``timedelta(milliseconds=v)``      the number ``v``
``td`` (``which``)        ``timedelta.max`` / ``.min``       (Python only)
``repeat`` (``v``, ``n``) ``prefix + v * n``                 ``prefix + v.repeat(n)``
``bytes`` (``hex``)       ``bytes``                          ``Buffer``
``file`` (``name``, ...)  a temporary file's path            a temporary file's path
``nest`` (``depth``, ...) ``leaf`` (default ``[]``) in ``depth`` lists, or ``{key: ...}`` objects
                          (``[...]`` inside with ``wrap: "list"``)
``many`` (``n``, ``v``)   a list of ``n`` copies of ``v``    an array of ``n`` copies
``calendars`` (``n``)     ``n`` always-open calendars by name the same
``object``                ``object()``                       an object of a class (not plain)
``cyclic``                a dict that contains itself        an object that contains itself
``raising_tz``            a datetime whose tzinfo raises     (Python only)
``calendar`` / ``rules``  a valid ``Calendar`` / ``Ruleset`` the same
========================  =================================  ===============================

Each case where the error has a place also gives its ``path``: the error's ``path`` attribute
(Python) / property (Node), a list of keys (str) and indices (int), as ``Error::path`` gives it;
``[]`` when the error has no place. The paths are kept in ``paths.json`` (by case id), the same
in both languages unless a case adds ``node_path``.

Run ``python3 tests/ffi/generate.py`` to rewrite the corpus; ``--check`` exits 1 when the file
is stale (the Python suite checks it). What each code and class means: docs/errors.md.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "malformed.json"

T = "2026-03-06T16:00:00Z"
NY_WEEK = {"time_zone": "America/New_York", "hours": {"mon": ["09:00-17:00"]}}
CASE = {"id": "C-1", "entitlement": "acme-gold", "created_at": "2026-11-20T14:00:00Z"}
NOW = "2026-11-21T14:00:00Z"

cases: list[dict[str, Any]] = []


def v(kind: str, **fields: Any) -> dict[str, Any]:
    return {"$": kind, **fields}


def add(
    id: str,
    call: str,
    args: list[Any],
    code: str | None,
    python: str,
    *,
    python_code: str | None = None,
    node_code: str | None = None,
    only: str | None = None,
) -> None:
    """One case. ``code`` is what both bindings give unless ``python_code`` / ``node_code`` say
    otherwise; ``python`` is the exception class Python raises; ``only`` limits the case to one
    language (a value the other cannot express)."""
    case: dict[str, Any] = {"id": id, "call": call, "args": args, "python": python}
    case["code"] = code
    if python_code is not None:
        case["python_code"] = python_code
    if node_code is not None:
        case["node_code"] = node_code
    if only is not None:
        case["only"] = only
    assert all(c["id"] != id for c in cases), f"duplicate id {id}"
    cases.append(case)


# --- Instants --------------------------------------------------------------------------------
# (name, value, code in Python's calendar methods (which take datetimes only), code where Python
# takes datetimes or RFC 3339 strings (rules), code in Node (Date, ISO string or epoch ms), only)
INSTANTS: list[tuple[str, Any, str | None, str | None, str | None, str | None]] = [
    (
        "a naive datetime",
        v("naive", v="2026-03-06T16:00:00"),
        "naive_datetime",
        "naive_datetime",
        "naive_datetime",
        None,
    ),
    (
        "a naive datetime with microseconds",
        v("naive", v="2026-03-06T16:00:00.123456"),
        "naive_datetime",
        "naive_datetime",
        "naive_datetime",
        None,
    ),
    (
        "a string without an offset",
        "2026-03-06T16:00:00",
        "invalid_instant",
        "naive_datetime",
        "naive_datetime",
        None,
    ),
    (
        "a bare date string",
        "2026-03-06",
        "invalid_instant",
        "naive_datetime",
        "naive_datetime",
        None,
    ),
    (
        "a date object",
        v("date", v="2026-03-06"),
        "invalid_instant",
        "invalid_instant",
        None,
        "python",
    ),
    (
        "words",
        "next tuesday",
        "invalid_instant",
        "invalid_instant",
        "invalid_instant",
        None,
    ),
    (
        "an empty string",
        "",
        "invalid_instant",
        "invalid_instant",
        "invalid_instant",
        None,
    ),
    (
        "an offset out of range",
        "2026-03-06T16:00:00+25:00",
        "invalid_instant",
        "invalid_instant",
        "invalid_instant",
        None,
    ),
    (
        "February 30",
        "2026-02-30T16:00:00Z",
        "invalid_instant",
        "invalid_instant",
        "invalid_instant",
        None,
    ),
    (
        "None / null",
        v("none"),
        "invalid_instant",
        "invalid_instant",
        "invalid_instant",
        None,
    ),
    ("undefined", v("undefined"), None, None, "invalid_instant", "node"),
    ("NaN", v("nan"), "invalid_instant", "invalid_instant", "invalid_instant", None),
    (
        "Infinity",
        v("inf", sign=1),
        "invalid_instant",
        "invalid_instant",
        "invalid_instant",
        None,
    ),
    (
        "-Infinity",
        v("inf", sign=-1),
        "invalid_instant",
        "invalid_instant",
        "invalid_instant",
        None,
    ),
    ("true", True, "invalid_instant", "invalid_instant", "invalid_instant", None),
    (
        "a huge number",
        1e300,
        "invalid_instant",
        "invalid_instant",
        "out_of_range",
        None,
    ),
    (
        "a huge integer",
        v("bigint", v="1000000000000000000000000000000"),
        "invalid_instant",
        "invalid_instant",
        "invalid_instant",
        None,
    ),
    ("a list", [T], "invalid_instant", "invalid_instant", "invalid_instant", None),
    (
        "an object",
        v("object"),
        "invalid_instant",
        "invalid_instant",
        "invalid_instant",
        None,
    ),
    (
        "year 0 (before 0001-01-01 UTC)",
        v("aware", v="0001-01-01T00:00:00+05:00"),
        "out_of_range",
        "out_of_range",
        "out_of_range",
        None,
    ),
    (
        "year 10000 (after 9999-12-31 UTC)",
        v("aware", v="9999-12-31T23:00:00-05:00"),
        "out_of_range",
        "out_of_range",
        "out_of_range",
        None,
    ),
    (
        "the string of year 0",
        "0000-12-31T00:00:00Z",
        "invalid_instant",
        "out_of_range",
        "out_of_range",
        None,
    ),
    (
        "an expanded year +10000",
        "+10000-01-01T00:00:00Z",
        "invalid_instant",
        "invalid_instant",
        "invalid_instant",
        None,
    ),
    ("a Date 275,000 years ahead", 8.64e15, None, None, "out_of_range", "node"),
    ("a Date 275,000 years ago", -8.64e15, None, None, "out_of_range", "node"),
]
# Each instant argument of each call, with the receiver's kind ("calendar" or "rules").
INSTANT_CALLS: list[tuple[str, str, int, list[Any]]] = [
    ("cal.add", "calendar", 0, [None, v("ms", v=3_600_000)]),
    ("cal.sub", "calendar", 0, [None, v("ms", v=3_600_000)]),
    ("cal.elapsed", "calendar", 0, [None, v("aware", v=T)]),
    ("cal.elapsed", "calendar", 1, [v("aware", v=T), None]),
    ("cal.is_open", "calendar", 0, [None]),
    ("cal.next_open", "calendar", 0, [None]),
    ("cal.next_close", "calendar", 0, [None]),
    ("cal.open_intervals", "calendar", 1, [v("aware", v=T), None]),
    ("rules.evaluate", "rules", 1, [CASE, None]),
    ("rules.monitor", "rules", 2, [[CASE], NOW, None]),
]
for name, value, py_calendar, py_rules, node, only in INSTANTS:
    for call, kind, at, template in INSTANT_CALLS:
        if call == "rules.monitor" and name in {"None / null", "undefined"}:
            continue  # `since` may be None (or left out): everything up to now
        args = list(template)
        args[at] = value
        py = py_calendar if kind == "calendar" else py_rules
        code = node if only == "node" else py
        add(
            f"{call} arg {at}: {name}",
            call,
            args,
            code,
            "InputError",
            node_code=node if node != code else None,
            only=only,
        )

# An instant inside a case: the same values in created_at and in an event's `at`. JSON-ish
# places take what the document takes (Python converts a datetime or date to its text).
for name, value, _, py_rules, node, only in INSTANTS:
    if name in {"a list", "an object", "None / null"}:
        py_case = node_case = "invalid_type"
    elif name in {"NaN", "Infinity", "-Infinity"}:
        py_case, node_case = "invalid_value", "invalid_instant"
    elif name == "true":
        py_case = node_case = "invalid_type"
    elif name in {"a huge number"}:
        py_case, node_case = "invalid_type", "out_of_range"
    elif name == "a huge integer":
        # Python's int beyond 64 bits is refused as a value; Node's BigInt as an instant.
        py_case, node_case = "invalid_value", "invalid_instant"
    elif name == "a date object":
        py_case, node_case = "naive_datetime", None
    else:
        py_case, node_case = py_rules, node
    code = node_case if only == "node" else py_case
    created = {**CASE, "created_at": value}
    add(
        f"case created_at: {name}",
        "rules.evaluate",
        [created, NOW],
        code,
        "InputError",
        node_code=node_case if node_case != code else None,
        only=only,
    )
    event = {**CASE, "events": [{"at": value, "type": "agent_reply"}]}
    add(
        f"case event at: {name}",
        "rules.evaluate",
        [event, NOW],
        code,
        "InputError",
        node_code=node_case if node_case != code else None,
        only=only,
    )

# --- Durations -------------------------------------------------------------------------------
DURATIONS: list[tuple[str, Any, str, str | None, str | None]] = [
    # (name, value, code, Node's code when it differs, only)
    ("None / null", v("none"), "invalid_duration", None, None),
    ("undefined", v("undefined"), "invalid_duration", None, "node"),
    ("NaN", v("nan"), "invalid_duration", None, None),
    ("Infinity", v("inf", sign=1), "invalid_duration", None, None),
    ("-Infinity", v("inf", sign=-1), "invalid_duration", None, None),
    ("a string", "1h", "invalid_duration", None, None),
    ("true", True, "invalid_duration", None, None),
    (
        "a huge integer",
        v("bigint", v="1000000000000000000000000000000"),
        "invalid_duration",
        None,
        None,
    ),
    ("a list", [1], "invalid_duration", None, None),
    ("an object", v("object"), "invalid_duration", None, None),
    ("a huge number", 1e300, "invalid_duration", "out_of_range", None),
    ("minus a huge number", -1e300, "invalid_duration", "out_of_range", None),
    ("timedelta.max", v("td", which="max"), "out_of_range", None, "python"),
    ("timedelta.min", v("td", which="min"), "out_of_range", None, "python"),
    ("a plain number of seconds", 3600, "invalid_duration", None, "python"),
    (
        "more than 9,998 years",
        v("ms", v=320_000_000_000_000),
        "out_of_range",
        None,
        None,
    ),
]
for name, value, code, node_code, only in DURATIONS:
    for call in ("cal.add", "cal.sub"):
        add(
            f"{call} duration: {name}",
            call,
            [v("aware", v=T), value],
            code,
            "InputError",
            node_code=node_code,
            only=only,
        )
add(
    "cal.add: past the end of year 9999",
    "cal.add",
    [v("aware", v="9999-12-31T20:00:00Z"), v("ms", v=86_400_000)],
    "out_of_range",
    "InputError",
)
add(
    "cal.sub: before year 1",
    "cal.sub",
    [v("aware", v="0001-01-01T12:00:00Z"), v("ms", v=86_400_000)],
    "out_of_range",
    "InputError",
)
# An exception raised by the caller's own code during a conversion (a tzinfo's utcoffset)
# propagates unchanged: it is the caller's error, not a malformed value.
for call in ("cal.add", "cal.is_open"):
    args = [v("raising_tz"), v("ms", v=1)] if call == "cal.add" else [v("raising_tz")]
    add(
        f"{call}: a tzinfo whose utcoffset raises",
        call,
        args,
        "-",
        "RuntimeError",
        only="python",
    )
add(
    "rules.evaluate: a created_at whose tzinfo raises",
    "rules.evaluate",
    [{**CASE, "created_at": v("raising_tz")}, NOW],
    "-",
    "RuntimeError",
    only="python",
)
add(
    "always.next_close: never closes",
    "always.next_close",
    [v("aware", v=T)],
    "no_opening",
    "CalendarError",
)

# --- Batches (Python's add_many / elapsed_many) -----------------------------------------------
for name, args, code in [
    ("lengths differ", [[v("aware", v=T)], []], "invalid_value"),
    (
        "a naive start",
        [[v("naive", v="2026-03-06T16:00:00")], [v("ms", v=1)]],
        "naive_datetime",
    ),
    ("starts not iterable", [5, [v("ms", v=1)]], "invalid_type"),
    ("a NaN duration", [[v("aware", v=T)], [v("nan")]], "invalid_duration"),
    ("a None start", [[v("none")], [v("ms", v=1)]], "invalid_instant"),
]:
    add(
        f"cal.add_many: {name}", "cal.add_many", args, code, "InputError", only="python"
    )
add(
    "cal.elapsed_many: a naive end",
    "cal.elapsed_many",
    [[v("aware", v=T)], [v("naive", v="2026-03-06T16:00:00")]],
    "naive_datetime",
    "InputError",
    only="python",
)

# --- Calendar definitions ----------------------------------------------------------------------


def cal_def(**changes: Any) -> dict[str, Any]:
    d: dict[str, Any] = json.loads(json.dumps(NY_WEEK))
    for key, value in changes.items():
        if value is None:
            d.pop(key, None)
        else:
            d[key] = value
    return d


def holiday(**fields: Any) -> dict[str, Any]:
    return cal_def(holidays=[{"name": "h", **fields}])


DEFINITIONS: list[tuple[str, Any, str]] = [
    ("not an object: null", v("none"), "invalid_type"),
    ("not an object: a string", "America/New_York", "invalid_type"),
    ("not an object: a number", 5, "invalid_type"),
    ("not an object: a list", [], "invalid_type"),
    ("an empty object", {}, "missing_key"),
    ("an unknown zone", cal_def(time_zone="Mars/Olympus"), "unknown_time_zone"),
    ("an empty zone", cal_def(time_zone=""), "unknown_time_zone"),
    ("a zone with a NUL byte", cal_def(time_zone="UTC\u0000"), "unknown_time_zone"),
    (
        "a zone in lower case",
        cal_def(time_zone="america/new_york"),
        "unknown_time_zone",
    ),
    (
        "a Windows zone name",
        cal_def(time_zone="Eastern Standard Time"),
        "unknown_time_zone",
    ),
    ("a zone that is a number", cal_def(time_zone=5), "invalid_type"),
    ("a zone that is NaN", cal_def(time_zone=v("nan")), "invalid_value"),
    ("a zone that is null", cal_def(time_zone=v("none")), "invalid_type"),
    ("hours not an object", cal_def(hours=["09:00-17:00"]), "invalid_type"),
    ("a day's hours not a list", cal_def(hours={"mon": "09:00-17:00"}), "invalid_type"),
    ("an interval not a string", cal_def(hours={"mon": [900]}), "invalid_type"),
    ("an unknown weekday", cal_def(hours={"monday": ["09:00-17:00"]}), "unknown_key"),
    ("a one-digit hour", cal_def(hours={"mon": ["9:00-17:00"]}), "invalid_time"),
    ("hour 24:01", cal_def(hours={"mon": ["09:00-24:01"]}), "invalid_time"),
    ("a negative hour", cal_def(hours={"mon": ["-1:00-17:00"]}), "invalid_time"),
    ("three times", cal_def(hours={"mon": ["09:00-17:00-18:00"]}), "invalid_time"),
    ("full-width digits", cal_def(hours={"mon": ["０９:００-17:00"]}), "invalid_time"),
    ("an empty interval string", cal_def(hours={"mon": [""]}), "invalid_time"),
    (
        "overlapping intervals",
        cal_def(hours={"mon": ["09:00-12:00", "11:00-13:00"]}),
        "overlapping_intervals",
    ),
    (
        "an overnight overlap",
        cal_def(hours={"sun": ["20:00-10:00"], "mon": ["09:00-17:00"]}),
        "overlapping_intervals",
    ),
    (
        "97 intervals in a day",
        cal_def(
            hours={
                "mon": [
                    f"{h:02}:{m:02}-{h:02}:{m + 1:02}"
                    for h in range(24)
                    for m in (0, 15, 30, 45)
                ]
                + ["23:58-23:59"]
            }
        ),
        "limit_exceeded",
    ),
    ("never open", cal_def(hours={}), "never_open"),
    ("a holiday on February 30", holiday(date="2026-02-30"), "invalid_date"),
    ("a holiday in year 0", holiday(date="0000-01-01"), "invalid_date"),
    ("a holiday in year 10000", holiday(date="10000-01-01"), "invalid_date"),
    ("a holiday date with a sign", holiday(date="+2026-01-01"), "invalid_date"),
    ("a holiday date that is a number", holiday(date=20260101), "invalid_type"),
    ("a holiday with no date", holiday(), "invalid_value"),
    (
        "a range that ends first",
        holiday(**{"from": "2026-12-31", "to": "2026-12-01"}),
        "invalid_value",
    ),
    ("a yearly month 13", holiday(yearly="13-01"), "invalid_date"),
    (
        "a yearly nth 0",
        holiday(yearly={"month": 11, "weekday": "thu", "nth": 0}),
        "invalid_value",
    ),
    (
        "an easter offset of 1000 days",
        holiday(yearly={"easter": 1000}),
        "invalid_value",
    ),
    (
        "an easter offset that is NaN",
        holiday(yearly={"easter": v("nan")}),
        "invalid_value",
    ),
    (
        "a recurrence every 0 days",
        holiday(recurs={"unit": "day", "every": 0}, starts="2026-01-01"),
        "invalid_value",
    ),
    (
        "a recurrence every 1001 days",
        holiday(recurs={"unit": "day", "every": 1001}, starts="2026-01-01"),
        "invalid_value",
    ),
    (
        "partial hours 25:00",
        holiday(date="2026-12-24", hours="12:00-25:00"),
        "invalid_time",
    ),
    (
        "100,001 holidays",
        cal_def(holidays=v("many", n=100_001, v={"date": "2026-12-25"})),
        "limit_exceeded",
    ),
    (
        "hours nested 100,000 deep",
        cal_def(hours={"mon": v("nest", depth=100_000)}),
        "limit_exceeded",
    ),
    ("a definition that contains itself", v("cyclic"), "limit_exceeded"),
    ("an empty union", {"union": []}, "invalid_value"),
    (
        "a union of 257 calendars",
        {"union": v("many", n=257, v={"always_open": True})},
        "limit_exceeded",
    ),
    (
        "unions nested 40 deep",
        v("nest", depth=40, key="union", wrap="list", leaf={"always_open": True}),
        "limit_exceeded",
    ),
    ("a union naming a calendar", {"union": ["london"]}, "unknown_calendar"),
    ("always_open that is a string", {"always_open": "yes"}, "invalid_type"),
    (
        "always_open with hours",
        {"always_open": True, "hours": {"mon": ["09:00-17:00"]}},
        "unknown_key",
    ),
    (
        "a bad override date",
        cal_def(overrides=[{"date": "2026-13-01", "hours": []}]),
        "invalid_date",
    ),
    (
        "an override without hours",
        cal_def(overrides=[{"date": "2026-12-26"}]),
        "missing_key",
    ),
]
for name, definition, code in DEFINITIONS:
    add(f"Calendar: {name}", "Calendar", [definition], code, "ConfigError")
add("Calendar.union: not a list", "Calendar.union", [5], "invalid_type", "InputError")
add(
    "Calendar.union: an element that is not a calendar",
    "Calendar.union",
    [[v("calendar"), 5]],
    "invalid_type",
    "InputError",
)
add("Calendar.union: empty", "Calendar.union", [[]], "invalid_value", "ConfigError")

# --- Documents -------------------------------------------------------------------------------
BIG = 64 * 1024 * 1024 + 1
DOCUMENTS: list[tuple[str, str, Any, str]] = [
    ("empty JSON", "Ruleset.from_json", "", "parse_error"),
    ("unterminated JSON", "Ruleset.from_json", "{", "parse_error"),
    ("JSON null", "Ruleset.from_json", "null", "invalid_type"),
    ("a JSON list", "Ruleset.from_json", "[]", "invalid_type"),
    ("JSON NaN", "Ruleset.from_json", '{"calendars": NaN}', "parse_error"),
    (
        "JSON nested 100,000 deep",
        "Ruleset.from_json",
        v("repeat", v="[", n=100_000),
        "parse_error",
    ),
    (
        "JSON of 64 MiB and a byte",
        "Ruleset.from_json",
        v("repeat", v=" ", n=BIG),
        "limit_exceeded",
    ),
    (
        "JSON with a lone surrogate escape",
        "Ruleset.from_json",
        '{"calendars": {"\\ud800": {"always_open": true}}}',
        "parse_error",
    ),
    ("empty YAML", "Ruleset.from_yaml", "", "invalid_type"),
    ("YAML that does not parse", "Ruleset.from_yaml", "calendars: [", "parse_error"),
    (
        "YAML nested 100,000 deep",
        "Ruleset.from_yaml",
        v("repeat", v="[", n=100_000),
        "parse_error",
    ),
    (
        "YAML of 64 MiB and a byte",
        "Ruleset.from_yaml",
        v("repeat", v=" ", n=BIG),
        "limit_exceeded",
    ),
    (
        "a YAML alias bomb",
        "Ruleset.from_yaml",
        "a: &a [x,x,x,x,x,x,x,x,x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n"
            for i in range(8)
        ),
        "parse_error",
    ),
    (
        "YAML with a tab indent",
        "Ruleset.from_yaml",
        "calendars:\n\tx: 1\n",
        "parse_error",
    ),
    ("a YAML scalar", "Ruleset.from_yaml", "just words", "invalid_type"),
    (
        "YAML of 4 MiB and a byte",
        "Ruleset.from_yaml",
        v("repeat", v=" ", n=4 * 1024 * 1024 + 1),
        "limit_exceeded",
    ),
    ("a YAML key given twice", "Ruleset.from_yaml", "processes: []\nprocesses: []\n", "duplicate_key"),
    ("a JSON key given twice", "Ruleset.from_json", '{"processes": [], "processes": []}', "duplicate_key"),
    ("TOML that does not parse", "Ruleset.from_toml", "x = ", "parse_error"),
    (
        "TOML nested 100,000 deep",
        "Ruleset.from_toml",
        v("repeat", prefix="a = ", v="[", n=100_000),
        "parse_error",
    ),
    (
        "TOML of 64 MiB and a byte",
        "Ruleset.from_toml",
        v("repeat", v=" ", n=BIG),
        "limit_exceeded",
    ),
    (
        "a TOML integer too large",
        "Ruleset.from_toml",
        "a = 99999999999999999999",
        "parse_error",
    ),
    (
        "a TOML NaN",
        "Ruleset.from_toml",
        "[calendars.x]\nalways_open = nan",
        "parse_error",
    ),
]
for name, call, text, code in DOCUMENTS:
    add(f"{call}: {name}", call, [text], code, "ConfigError")
for call in ("Ruleset.from_json", "Ruleset.from_yaml", "Ruleset.from_toml"):
    add(f"{call}: not a string", call, [5], "invalid_type", "InputError")
    add(f"{call}: bytes", call, [v("bytes", hex="7b7d")], "invalid_type", "InputError")


def process(**changes: Any) -> dict[str, Any]:
    p: dict[str, Any] = {
        "id": "p",
        "milestones": [{"name": "m", "kind": "resolution", "target": "1h"}],
    }
    p.update(changes)
    return p


RULESETS: list[tuple[str, Any, str]] = [
    ("not an object", [], "invalid_type"),
    ("an unknown top-level key", {"calendar": {}}, "unknown_key"),
    ("processes not a list", {"processes": {}}, "invalid_type"),
    (
        "10,001 processes",
        {"processes": v("many", n=10_001, v=process())},
        "limit_exceeded",
    ),
    ("10,001 calendars", {"calendars": v("calendars", n=10_001)}, "limit_exceeded"),
    (
        "257 milestones",
        {
            "processes": [
                process(
                    milestones=v(
                        "many",
                        n=257,
                        v={"name": "m", "kind": "resolution", "target": "1h"},
                    )
                )
            ]
        },
        "limit_exceeded",
    ),
    (
        "criteria nested 33 deep",
        {
            "processes": [
                process(
                    milestones=[
                        {
                            "name": "m",
                            "kind": "resolution",
                            "target": "1h",
                            "when": v(
                                "nest",
                                depth=33,
                                key="not",
                                leaf={"field": "severity", "op": "eq", "value": "Sev1"},
                            ),
                        }
                    ]
                )
            ]
        },
        "limit_exceeded",
    ),
    (
        "criteria nested 100,000 deep",
        {
            "processes": [
                process(
                    milestones=[
                        {
                            "name": "m",
                            "kind": "resolution",
                            "target": "1h",
                            "when": v(
                                "nest",
                                depth=100_000,
                                key="not",
                                leaf={"field": "severity", "op": "eq", "value": "Sev1"},
                            ),
                        }
                    ]
                )
            ]
        },
        "limit_exceeded",
    ),
    (
        "an unknown operator",
        {
            "processes": [
                process(
                    milestones=[
                        {
                            "name": "m",
                            "kind": "resolution",
                            "target": "1h",
                            "when": {
                                "field": "severity",
                                "op": "like",
                                "value": "Sev1",
                            },
                        }
                    ]
                )
            ]
        },
        "unknown_operator",
    ),
    (
        "a duration that is words",
        {
            "processes": [
                process(
                    milestones=[
                        {"name": "m", "kind": "resolution", "target": "four hours"}
                    ]
                )
            ]
        },
        "invalid_duration",
    ),
    (
        "a duration of 10^20 hours",
        {
            "processes": [
                process(
                    milestones=[
                        {
                            "name": "m",
                            "kind": "resolution",
                            "target": "100000000000000000000h",
                        }
                    ]
                )
            ]
        },
        "invalid_duration",
    ),
    (
        "a duration of 10,951 years",
        {
            "processes": [
                process(
                    milestones=[
                        {"name": "m", "kind": "resolution", "target": "4000000d"}
                    ]
                )
            ]
        },
        "invalid_value",
    ),
    (
        "a target that is NaN",
        {
            "processes": [
                process(
                    milestones=[{"name": "m", "kind": "resolution", "target": v("nan")}]
                )
            ]
        },
        "invalid_value",
    ),
    (
        "an unknown milestone kind",
        {
            "processes": [
                process(milestones=[{"name": "m", "kind": "reply", "target": "1h"}])
            ]
        },
        "invalid_value",
    ),
    ("a duplicate process", {"processes": [process(), process()]}, "duplicate"),
    (
        "an unknown process",
        {"entitlements": [{"id": "e", "process": "nobody"}]},
        "unknown_process",
    ),
    (
        "an unknown calendar",
        {"processes": [process(calendar="nowhere")]},
        "unknown_calendar",
    ),
    (
        "a union cycle",
        {"calendars": {"a": {"union": ["b"]}, "b": {"union": ["a"]}}},
        "calendar_cycle",
    ),
    (
        "a calendar with an unknown zone",
        {"calendars": {"x": cal_def(time_zone="Mars/Olympus")}},
        "unknown_time_zone",
    ),
    ("a document that contains itself", v("cyclic"), "limit_exceeded"),
]
for name, doc, code in RULESETS:
    add(f"Ruleset: {name}", "Ruleset", [doc], code, "ConfigError")

FILES: list[tuple[str, Any, str]] = [
    ("a file that does not exist", "/nonexistent/rules.yaml", "invalid_value"),
    ("an unknown extension", v("file", name="rules.txt", text="{}"), "invalid_value"),
    ("a directory", v("file", name="rules.yaml", dir=True), "invalid_value"),
    (
        "invalid UTF-8 (YAML)",
        v("file", name="rules.yaml", hex="ff fe 63 61 6c"),
        "invalid_value",
    ),
    (
        "invalid UTF-8 (JSON)",
        v("file", name="rules.json", hex="7b 22 c3 28 22 3a 31 7d"),
        "invalid_value",
    ),
    (
        "invalid UTF-8 (TOML)",
        v("file", name="rules.toml", hex="61 20 3d 20 22 ed a0 80 22"),
        "invalid_value",
    ),
    (
        "UTF-16 with a byte-order mark",
        v("file", name="rules.json", hex="ff fe 7b 00 7d 00"),
        "invalid_value",
    ),
    ("an empty JSON file", v("file", name="rules.json", text=""), "parse_error"),
    ("a path with a NUL byte", "rules\u0000.yaml", "invalid_value"),
]
for name, path, code in FILES:
    add(f"Ruleset.load: {name}", "Ruleset.load", [path], code, "ConfigError")
add(
    "Ruleset.load: a path that is a number",
    "Ruleset.load",
    [5],
    "invalid_type",
    "InputError",
)
add(
    "Ruleset.load: no path (null)",
    "Ruleset.load",
    [v("none")],
    "invalid_type",
    "InputError",
)

# --- Cases -----------------------------------------------------------------------------------
CASES: list[tuple[str, Any, str]] = [
    ("not an object", 5, "invalid_type"),
    ("null", v("none"), "invalid_type"),
    ("no id", {"entitlement": "acme-gold", "created_at": T}, "missing_key"),
    ("an empty id", {**CASE, "id": ""}, "invalid_type"),
    ("an id that is a list", {**CASE, "id": ["C-1"]}, "invalid_type"),
    ("no created_at", {"id": "C-1", "entitlement": "acme-gold"}, "missing_key"),
    ("an unknown key", {**CASE, "severity": "Sev1"}, "unknown_key"),
    ("events not a list", {**CASE, "events": {}}, "invalid_type"),
    ("an event that is a string", {**CASE, "events": ["agent_reply"]}, "invalid_type"),
    ("an event without a type", {**CASE, "events": [{"at": NOW}]}, "missing_key"),
    (
        "an unknown event type",
        {**CASE, "events": [{"at": NOW, "type": "escalated"}]},
        "unknown_event_type",
    ),
    (
        "a status event without `to`",
        {**CASE, "events": [{"at": NOW, "type": "status"}]},
        "missing_key",
    ),
    (
        "a field event without `field`",
        {**CASE, "events": [{"at": NOW, "type": "field", "to": "Sev1"}]},
        "missing_key",
    ),
    (
        "an event before creation",
        {**CASE, "events": [{"at": "2026-11-19T14:00:00Z", "type": "agent_reply"}]},
        "invalid_value",
    ),
    (
        "a field that is an object",
        {**CASE, "fields": {"severity": {"level": 1}}},
        "invalid_type",
    ),
    (
        "fields nested 100,000 deep",
        {**CASE, "fields": {"x": v("nest", depth=100_000)}},
        "limit_exceeded",
    ),
    (
        "an unknown entitlement",
        {**CASE, "entitlement": "nobody"},
        "unknown_entitlement",
    ),
    ("an entitlement that is a number", {**CASE, "entitlement": 7}, "invalid_type"),
    (
        "an unknown process version",
        {**CASE, "process": {"id": "gold", "version": 9}},
        "unknown_process_version",
    ),
    (
        "1,000,001 events",
        {**CASE, "events": v("many", n=1_000_001, v=v("none"))},
        "limit_exceeded",
    ),
    ("a case that contains itself", v("cyclic"), "limit_exceeded"),
]
for name, case, code in CASES:
    add(
        f"rules.evaluate case: {name}",
        "rules.evaluate",
        [case, NOW],
        code,
        "InputError",
    )
add(
    "rules.monitor: cases not a list",
    "rules.monitor",
    [5, NOW, v("none")],
    "invalid_type",
    "InputError",
)
# A bad case among good ones is left out by default (`on_error="collect"`: the suites'
# test_case_errors / case-errors check its error entry); with "raise" it raises as before.
add(
    "rules.monitor: one bad case among good ones",
    "rules.monitor_raise",
    [[CASE, {**CASE, "id": "C-2", "created_at": "tomorrow"}], NOW, v("none")],
    "invalid_instant",
    "InputError",
)
for name, since in [("since equal to now", NOW), ("since after now", "2026-11-22T14:00:00Z")]:
    add(f"rules.monitor: {name}", "rules.monitor", [[CASE], NOW, since], "invalid_window", "InputError")
    add(
        f"rules.monitor: {name}, raise",
        "rules.monitor_raise",
        [[CASE], NOW, since],
        "invalid_window",
        "InputError",
    )
add(
    "rules.monitor: on_error unknown",
    "rules.monitor_on_error",
    [[CASE], NOW, "ignore"],
    "invalid_value",
    "InputError",
)
add(
    "rules.monitor: on_error not a string",
    "rules.monitor_on_error",
    [[CASE], NOW, 5],
    "invalid_type",
    "InputError",
)
add(
    "rules.entitlement_usage: an unknown entitlement",
    "rules.entitlement_usage",
    ["nobody", [], NOW],
    "unknown_entitlement",
    "InputError",
)
add(
    "rules.what_if: not a Ruleset",
    "rules.what_if",
    [{}, [], NOW],
    "invalid_type",
    "InputError",
)

# --- Importers -------------------------------------------------------------------------------
ZENDESK: list[tuple[str, Any, str]] = [
    ("a number", 5, "unsupported"),
    ("an object without schedules", {}, "unsupported"),
    ("schedules not a list", {"schedules": 5}, "unsupported"),
    (
        "an interval that is NaN",
        {
            "schedule": {
                "id": 1,
                "name": "x",
                "time_zone": "UTC",
                "intervals": [{"start_time": v("nan"), "end_time": 5}],
            }
        },
        "invalid_value",
    ),
    (
        "an interval that ends first",
        {
            "schedule": {
                "id": 1,
                "name": "x",
                "time_zone": "UTC",
                "intervals": [{"start_time": 600, "end_time": 500}],
            }
        },
        "unsupported",
    ),
    (
        "an interval past Saturday",
        {
            "schedule": {
                "id": 1,
                "name": "x",
                "time_zone": "UTC",
                "intervals": [{"start_time": 600, "end_time": 20_000}],
            }
        },
        "unsupported",
    ),
    (
        "an unknown Rails zone",
        {
            "schedule": {
                "id": 1,
                "name": "x",
                "time_zone": "Mars Time",
                "intervals": [{"start_time": 600, "end_time": 900}],
            }
        },
        "unsupported",
    ),
    (
        "schedules nested 100,000 deep",
        {"schedules": v("nest", depth=100_000)},
        "limit_exceeded",
    ),
]
for name, value, code in ZENDESK:
    add(f"zendesk.schedules: {name}", "zendesk.schedules", [value], code, "ConfigError")
add(
    "zendesk.sla_policies: a metric it does not know",
    "zendesk.sla_policies",
    [
        {
            "sla_policy": {
                "id": 1,
                "title": "x",
                "policy_metrics": [
                    {
                        "priority": "urgent",
                        "metric": "telepathy",
                        "target": 10,
                        "business_hours": False,
                    }
                ],
            }
        }
    ],
    "unsupported",
    "ConfigError",
)
add(
    "zendesk.sla_policies: business hours without a schedule",
    "zendesk.sla_policies",
    [
        {
            "sla_policy": {
                "id": 1,
                "title": "x",
                "policy_metrics": [
                    {
                        "priority": "urgent",
                        "metric": "first_reply_time",
                        "target": 10,
                        "business_hours": True,
                    }
                ],
            }
        }
    ],
    "invalid_value",
    "ConfigError",
)
add(
    "zendesk.rails_time_zone: unknown",
    "zendesk.rails_time_zone",
    ["Mars Time"],
    "unsupported",
    "ConfigError",
)

FEED = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{}END:VCALENDAR\r\n"
EVENT = "BEGIN:VEVENT\r\nUID:x@example.com\r\nSUMMARY:X\r\n{}END:VEVENT\r\n"
ICS: list[tuple[str, Any, str, str]] = [
    ("empty text", "", "UTC", "unsupported"),
    ("invalid UTF-8 bytes", v("bytes", hex="ff fe 42"), "UTC", "unsupported"),
    (
        "a file of invalid UTF-8",
        v("file", name="feed.ics", hex="42 45 47 49 4e ff"),
        "UTC",
        "unsupported",
    ),
    ("an unknown time zone", FEED.format(""), "Mars/Olympus", "unknown_time_zone"),
    (
        "components nested 17 deep",
        FEED.format("BEGIN:X\r\n" * 17 + "END:X\r\n" * 17),
        "UTC",
        "unsupported",
    ),
    (
        "a monthly rule",
        FEED.format(
            EVENT.format("DTSTART;VALUE=DATE:20260105\r\nRRULE:FREQ=MONTHLY\r\n")
        ),
        "UTC",
        "unsupported",
    ),
    (
        "BYSETPOS=-0 (it panicked once)",
        FEED.format(
            EVENT.format(
                "DTSTART;VALUE=DATE:20261231\r\nRRULE:FREQ=YEARLY;BYMONTH=12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-0\r\n"
            )
        ),
        "UTC",
        "unsupported",
    ),
    (
        "a date in year 0",
        FEED.format(EVENT.format("DTSTART;VALUE=DATE:00000101\r\n")),
        "UTC",
        "unsupported",
    ),
]
for name, source, zone, code in ICS:
    add(f"ics.holidays: {name}", "ics.holidays", [source, zone], code, "ConfigError")
# Python's wrapper refuses the source's type itself, with a plain TypeError (no code).
add(
    "ics.holidays: a source that is a number",
    "ics.holidays",
    [5, "UTC"],
    "invalid_type",
    "TypeError",
    python_code="-",
)


#: The expected ``path`` of each case's error, by case id.
PATHS: dict[str, list[str | int]] = json.loads((HERE / "paths.json").read_text(encoding="utf-8"))


#: Where Node names an argument (or the whole value) differently from Python: the first step of
#: the path in Node, by call and Python name. The rest of the path is the same.
NODE_NAMES: dict[str, dict[str | int, str]] = {
    "cal.add": {"start": "t", "duration": "ms"},
    "cal.sub": {"start": "t", "duration": "ms"},
    "cal.elapsed": {"start": "a", "end": "b"},
    "cal.open_intervals": {"start": "a", "end": "b"},
    "cal.is_open": {"instant": "t"},
    "cal.next_open": {"instant": "t"},
    "cal.next_close": {"instant": "t"},
}
#: Node's arguments by position, for the instants it checks itself where Python leaves the
#: range check to the core's operation (`add: the start (...) is out of range`, no place).
NODE_ARGS: dict[str, list[str]] = {
    "cal.add": ["t", "ms"],
    "cal.sub": ["t", "ms"],
    "cal.elapsed": ["a", "b"],
    "cal.open_intervals": ["a", "b"],
    "cal.is_open": ["t"],
    "cal.next_open": ["t"],
    "cal.next_close": ["t"],
}
#: Calls whose whole value, of the wrong type, Node names by the argument (Python gives no place).
NODE_ROOTS = {"Calendar": "calendar", "Ruleset": "document", "rules.evaluate": "case"}
#: Cases where Node has no place for the error: it clamps a duration beyond the supported span
#: and the core then refuses the result, which is no argument's fault.
NODE_NO_PLACE = {
    "cal.add duration: a huge number",
    "cal.add duration: minus a huge number",
    "cal.sub duration: a huge number",
    "cal.sub duration: minus a huge number",
}


def node_path(case: dict[str, Any], path: list[str | int]) -> list[str | int] | None:
    """The path Node reports, when it differs from Python's."""
    if case["id"] in NODE_NO_PLACE:
        return []
    if case["call"] == "rules.monitor_on_error":
        return ["options", "onError"]  # Node's options object
    if not path and case["call"] in NODE_ROOTS and case["code"] == "invalid_type":
        return [NODE_ROOTS[case["call"]]]
    names = NODE_NAMES.get(case["call"], {})
    if path and path[0] in names:
        return [names[path[0]], *path[1:]]
    # An element of a union's list: Node names the list `union`.
    if case["call"] == "Calendar.union" and len(path) > 1 and path[0] == "calendars":
        return ["union", *path[1:]]
    arg = re.match(r"\S+ arg (\d+): year", case["id"])
    if not path and case["code"] == "out_of_range" and arg and case["call"] in NODE_ARGS:
        return [NODE_ARGS[case["call"]][int(arg.group(1))]]
    return None


def build() -> str:
    assert len(cases) >= 200, len(cases)
    ids = {c["id"] for c in cases}
    assert set(PATHS) <= ids, sorted(set(PATHS) - ids)
    assert NODE_NO_PLACE <= ids, sorted(NODE_NO_PLACE - ids)
    for case in cases:
        if case["id"] in PATHS:
            case["path"] = PATHS[case["id"]]
            node = node_path(case, case["path"])
            if node is not None and "node_path" not in case:
                case["node_path"] = node
    return (
        json.dumps(
            {"about": __doc__.split("\n\n")[0], "cases": cases},
            indent=1,
            ensure_ascii=False,
        )
        + "\n"
    )


if __name__ == "__main__":
    text = build()
    if "--check" in sys.argv[1:]:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is stale: run python3 {Path(__file__).name}", file=sys.stderr)
            sys.exit(1)
        sys.exit(0)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(cases)} cases to {OUT}")
