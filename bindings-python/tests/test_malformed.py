"""The malformed-input corpus (``tests/ffi/malformed.json``, shared with the Node suite) through
the installed wheel: every case raises the documented exception class with the documented
``code`` (docs/errors.md) and ``path``, never ``PanicException``, and the process survives.
The cases run in a child process, one JSON line per case, so that an abort would name the case
that caused it instead of killing the test run."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "ffi" / "malformed.json"
T = dt.datetime(2026, 3, 6, 16, tzinfo=dt.timezone.utc)


# --- The child: builds each case's values, makes the call, reports what it raised -------------


class _RaisingTz(dt.tzinfo):
    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta:
        raise RuntimeError("tzinfo.utcoffset failed")

    def dst(self, d: dt.datetime | None) -> dt.timedelta | None:
        return None

    def tzname(self, d: dt.datetime | None) -> str | None:
        return None


class Builder:
    """Turns the corpus's JSON (with its ``{"$": kind}`` values) into Python values."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.files = 0

    def __call__(self, x: Any) -> Any:
        if isinstance(x, list):
            return [self(i) for i in x]
        if isinstance(x, dict):
            return self.special(x) if "$" in x else {k: self(i) for k, i in x.items()}
        return x

    def special(self, x: dict[str, Any]) -> Any:
        import entitlement

        kind = x["$"]
        if kind == "naive":
            return dt.datetime.fromisoformat(x["v"])
        if kind == "aware":
            return dt.datetime.fromisoformat(x["v"].replace("Z", "+00:00"))
        if kind == "date":
            return dt.date.fromisoformat(x["v"])
        if kind == "nan":
            return math.nan
        if kind == "inf":
            return math.inf * x["sign"]
        if kind == "none":
            return None
        if kind == "bigint":
            return int(x["v"])
        if kind == "ms":
            return dt.timedelta(milliseconds=x["v"])
        if kind == "td":
            return dt.timedelta.max if x["which"] == "max" else dt.timedelta.min
        if kind == "repeat":
            return x.get("prefix", "") + x["v"] * x["n"]
        if kind == "bytes":
            return bytes.fromhex(x["hex"])
        if kind == "file":
            self.files += 1
            path = self.tmp / str(self.files) / x["name"]
            path.parent.mkdir()
            if x.get("dir"):
                path.mkdir()
            elif "hex" in x:
                path.write_bytes(bytes.fromhex(x["hex"]))
            else:
                path.write_text(x["text"], encoding="utf-8")
            return str(path)
        if kind == "nest":
            value: Any = self(x.get("leaf", []))
            for _ in range(x["depth"]):
                inner = [value] if x.get("wrap") == "list" or "key" not in x else value
                value = {x["key"]: inner} if "key" in x else inner
            return value
        if kind == "many":
            item = self(x["v"])
            return [item] * x["n"]
        if kind == "calendars":
            return {f"c{i}": {"always_open": True} for i in range(x["n"])}
        if kind == "object":
            return object()
        if kind == "cyclic":
            d: dict[str, Any] = {"a": None}
            d["a"] = d
            return d
        if kind == "raising_tz":
            return dt.datetime(2026, 3, 6, 16, tzinfo=_RaisingTz())
        if kind == "calendar":
            return entitlement.Calendar.always_open()
        raise AssertionError(f"unknown value kind {kind}")


def receivers() -> dict[str, Any]:
    import entitlement
    import entitlement.ics
    import entitlement.zendesk

    rules = entitlement.Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
    cal = entitlement.Calendar(time_zone="America/New_York", hours={"mon": ["09:00-17:00"]})
    always = entitlement.Calendar.always_open()
    C, R = entitlement.Calendar, entitlement.Ruleset
    zd, ics = entitlement.zendesk, entitlement.ics

    def ics_holidays(source: Any, zone: Any) -> Any:
        # A file's path is given as a path (a plain str is the feed's text).
        if isinstance(source, str) and source.endswith(".ics") and Path(source).exists():
            source = Path(source)
        return ics.holidays(source, time_zone=zone)

    return {
        "Calendar": C.from_dict,
        "Calendar.union": C.union,
        "cal.add": cal.add,
        "cal.sub": cal.sub,
        "cal.elapsed": cal.elapsed,
        "cal.is_open": cal.is_open,
        "cal.next_open": cal.next_open,
        "cal.next_close": cal.next_close,
        "cal.open_intervals": cal.open_intervals,
        "cal.add_many": cal.add_many,
        "cal.elapsed_many": cal.elapsed_many,
        "always.next_close": always.next_close,
        "Ruleset": R.from_dict,
        "Ruleset.from_json": R.from_json,
        "Ruleset.from_yaml": R.from_yaml,
        "Ruleset.from_toml": R.from_toml,
        "Ruleset.load": R.load,
        "rules.evaluate": rules.evaluate,
        "rules.monitor": rules.monitor,
        "rules.monitor_raise": lambda cases, now, since: rules.monitor(
            cases, now, since, on_error="raise"
        ),
        "rules.monitor_on_error": lambda cases, now, on_error: rules.monitor(
            cases, now, on_error=on_error
        ),
        "rules.entitlement_usage": rules.entitlement_usage,
        "rules.what_if": rules.what_if,
        "zendesk.schedules": zd.schedules,
        "zendesk.sla_policies": zd.sla_policies,
        "zendesk.rails_time_zone": zd.rails_time_zone,
        "ics.holidays": ics_holidays,
    }


def child(corpus: Path) -> None:
    calls = receivers()
    out = sys.stdout
    with tempfile.TemporaryDirectory() as tmp:
        build = Builder(Path(tmp))
        for case in json.loads(corpus.read_text(encoding="utf-8"))["cases"]:
            if case.get("only") == "node":
                continue
            out.write(json.dumps({"start": case["id"]}) + "\n")
            out.flush()
            args = build(case["args"])
            try:
                calls[case["call"]](*args)
            except BaseException as e:  # every class is reported, PanicException included
                mro = [c.__name__ for c in type(e).__mro__]
                report = {"id": case["id"], "class": type(e).__name__, "mro": mro}
                report["code"] = getattr(e, "code", None)
                report["path"] = getattr(e, "path", None)
                report["message"] = str(e)[:300]
            else:
                report = {"id": case["id"], "class": None}
            out.write(json.dumps(report) + "\n")
            out.flush()


# --- The parent: runs the child and checks every report --------------------------------------


def run_corpus() -> tuple[
    list[dict[str, Any]], dict[str, dict[str, Any]], subprocess.CompletedProcess[str]
]:
    cases = [
        c
        for c in json.loads(CORPUS.read_text(encoding="utf-8"))["cases"]
        if c.get("only") != "node"
    ]
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(CORPUS)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},
    )
    reports: dict[str, dict[str, Any]] = {}
    for line in proc.stdout.splitlines():
        item = json.loads(line)
        if "id" in item:
            reports[item["id"]] = item
    return cases, reports, proc


def problems(case: dict[str, Any], report: dict[str, Any] | None) -> str | None:
    if report is None:
        return "no report (the child stopped before it)"
    if report["class"] is None:
        return "returned instead of raising"
    if "PanicException" in report["mro"] or report.get("code") == "internal_error":
        return f"a panic reached Python: {report['message']}"
    want_class = case["python"]
    if want_class not in report["mro"]:
        return f"raised {report['class']} ({report.get('code')}): {report['message']}"
    want_code = case["python_code"] if "python_code" in case else case["code"]
    if want_code == "-":
        return None if report.get("code") is None else f"has code {report['code']}"
    if report.get("code") != want_code:
        return f"code {report.get('code')}, expected {want_code}: {report['message']}"
    if "path" in case and report.get("path") != case["path"]:
        return f"path {report.get('path')}, expected {case['path']}: {report['message']}"
    return None


def test_every_malformed_input_raises_its_documented_class_and_code() -> None:
    cases, reports, proc = run_corpus()
    last = proc.stdout.strip().splitlines()[-1:] if proc.stdout.strip() else []
    assert proc.returncode == 0, (
        f"the child died ({proc.returncode}) at {last}: {proc.stderr[-2000:]}"
    )
    assert len(cases) >= 200
    assert sum("path" in c for c in cases) >= 400
    failed = [f"{c['id']}: {p}" for c in cases if (p := problems(c, reports.get(c["id"])))]
    assert failed == [], f"{len(failed)} of {len(cases)} cases:\n" + "\n".join(failed)


def test_the_corpus_is_what_its_generator_writes() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "tests" / "ffi" / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    child(Path(sys.argv[2]))
