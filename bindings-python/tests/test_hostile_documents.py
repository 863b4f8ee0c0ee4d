"""Documents and files built to exhaust the host (docs/performance.md, "Bounds on hostile input"),
through the installed wheel: YAML aliases that expand to gigabytes, dense documents within the
text limits, duplicate keys, files that are pipes, devices or sparse giants, megabyte values
quoted in messages. Where the failure was a crash or a hang, the call runs in a child process
with an address-space cap (2 GiB) and a timeout, and the test asserts the typed error the child
reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import entitlement
from entitlement import ConfigError, Ruleset, ics

CAP = "import resource; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"


def in_child(body: str, tmp_path: Path) -> dict[str, str]:
    """Runs ``body`` (which sets ``call`` to a function of no arguments) in a capped child and
    returns the code and message of the error it raised."""
    script = CAP + textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        import entitlement
        from entitlement import Ruleset, ics
        tmp = Path({str(tmp_path)!r})
        """
    )
    script += textwrap.dedent(body) + textwrap.dedent(
        """
        try:
            call()
        except entitlement.EntitlementError as e:
            print(json.dumps({"code": e.code, "message": str(e)[:2000], "class": type(e).__name__}))
        else:
            print(json.dumps({"code": "none", "message": "returned", "class": ""}))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report: dict[str, str] = json.loads(proc.stdout.strip().splitlines()[-1])
    return report


def test_yaml_aliases_to_a_large_string_are_refused(tmp_path: Path) -> None:
    report = in_child(
        """
        big = "a" * (1 << 20)
        text = f'a: &a "{big}"\\nb: [' + ",".join(["*a"] * 6000) + "]\\n"
        call = lambda: Ruleset.from_yaml(text)
        """,
        tmp_path,
    )
    assert report["code"] == "limit_exceeded", report
    assert report["class"] == "ConfigError"
    assert str(64 * 1024 * 1024) in report["message"]


def test_dense_json_within_the_text_limit_is_refused(tmp_path: Path) -> None:
    report = in_child(
        """
        text = "[" + ",".join(['{"a":0}'] * 4_000_000) + "]"
        call = lambda: Ruleset.from_json(text)
        """,
        tmp_path,
    )
    assert report["code"] == "limit_exceeded", report
    assert "bytes of memory" in report["message"]


def test_yaml_above_its_lower_limit_is_refused(tmp_path: Path) -> None:
    report = in_child(
        """
        text = "x: [0" + ",0" * (2 * 1024 * 1024) + "]"
        call = lambda: Ruleset.from_yaml(text)
        """,
        tmp_path,
    )
    assert report["code"] == "limit_exceeded", report
    assert str(4 * 1024 * 1024) in report["message"]


@pytest.mark.parametrize(
    ("call", "text", "where"),
    [
        (Ruleset.from_json, '{"processes": [], "processes": []}', "(top level)"),
        (
            Ruleset.from_yaml,
            "calendars:\n  a: {always_open: true, always_open: false}\n",
            "calendars.a",
        ),
    ],
)
def test_duplicate_keys_are_refused_with_their_path(
    call: Callable[[str], Ruleset], text: str, where: str
) -> None:
    with pytest.raises(ConfigError) as info:
        call(text)
    assert info.value.code == "duplicate_key"
    assert str(info.value).startswith(where)


def test_ruleset_load_refuses_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "rules.yaml")
    os.mkfifo(tmp_path / "feed.ics")
    report = in_child("call = lambda: Ruleset.load(tmp / 'rules.yaml')", tmp_path)
    assert report["code"] == "invalid_value", report
    assert "rules.yaml" in report["message"]
    assert "not a regular file" in report["message"]
    report = in_child("call = lambda: ics.holidays(tmp / 'feed.ics', time_zone='UTC')", tmp_path)
    assert report["code"] == "invalid_value", report


def test_ruleset_load_refuses_dev_zero(tmp_path: Path) -> None:
    (tmp_path / "rules.json").symlink_to("/dev/zero")
    (tmp_path / "feed.ics").symlink_to("/dev/zero")
    report = in_child("call = lambda: Ruleset.load(tmp / 'rules.json')", tmp_path)
    assert report["code"] == "invalid_value", report
    report = in_child("call = lambda: ics.holidays(tmp / 'feed.ics', time_zone='UTC')", tmp_path)
    assert report["code"] == "invalid_value", report


def test_a_sparse_two_gib_file_is_refused_unread(tmp_path: Path) -> None:
    for name in ("rules.json", "feed.ics"):
        subprocess.run(["truncate", "-s", "2G", str(tmp_path / name)], check=True)
    report = in_child("call = lambda: Ruleset.load(tmp / 'rules.json')", tmp_path)
    assert report["code"] == "limit_exceeded", report
    assert "2147483648" in report["message"]
    report = in_child("call = lambda: ics.holidays(tmp / 'feed.ics', time_zone='UTC')", tmp_path)
    assert report["code"] == "limit_exceeded", report


def test_a_missing_feed_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        ics.holidays(tmp_path / "missing.ics", time_zone="UTC")
    assert info.value.code == "invalid_value"
    assert "missing.ics" in str(info.value)


def test_messages_quote_a_bounded_excerpt_of_a_value() -> None:
    huge = "x" * 5_000_000
    with pytest.raises(ConfigError) as info:
        entitlement.Calendar.from_dict({"time_zone": huge, "hours": {"mon": ["09:00-17:00"]}})
    assert len(str(info.value)) < 600
    assert "(5000000 bytes)" in str(info.value)
    with pytest.raises(ConfigError) as info:
        Ruleset.from_json(json.dumps({"calendars": {huge: {"always_open": 5}}}))
    assert len(str(info.value)) < 600


def test_load_never_echoes_the_files_content(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('a = "s3cr3t-token" b = 1\n')
    with pytest.raises(ConfigError) as info:
        Ruleset.load(path)
    assert info.value.code == "parse_error"
    assert "s3cr3t" not in str(info.value)
    assert "line 1" in str(info.value)
