"""The monitor, its event keys and the alert renderers on hostile input (issue 13), through the
installed wheel: a case of 8,000 events with 64 triggers is monitored in a child process under a
memory cap and a timeout, a ``/`` in a case id or milestone name keeps keys (and PagerDuty dedup
keys) apart, and every rendered payload stays within its vendor's limits with no control or
bidirectional character, whatever the text.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from entitlement import Alert, Ruleset

UTC = timezone.utc
BIDI = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


def recurring(events: int, triggers: int) -> tuple[Ruleset, dict[str, Any], datetime]:
    """One case whose recurring next response starts at every customer reply and breaches."""
    points = [{"at": f"{1 + i}%", "level": "warning"} for i in range(triggers)]
    rules = Ruleset.from_dict(
        {
            "processes": [
                {
                    "id": "p",
                    "milestones": [
                        {
                            "name": "Next Response",
                            "kind": "next_response",
                            "target": "1h",
                            "recurrence": "independent",
                            "triggers": points,
                        }
                    ],
                }
            ],
            "entitlements": [{"id": "e", "process": "p"}],
        }
    )
    start = datetime(2020, 1, 1, tzinfo=UTC)
    log = [
        {
            "at": start + timedelta(minutes=90 * i + 1),
            "type": "customer_reply" if i % 2 == 0 else "agent_reply",
        }
        for i in range(events)
    ]
    case = {"id": "C-1", "entitlement": "e", "created_at": start, "events": log}
    return rules, case, start + timedelta(minutes=90 * events + 120)


def child() -> None:
    rules, case, now = recurring(8_000, 64)
    report = rules.monitor([case], now)
    peak = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1])
    print(json.dumps({"events": len(report.events), "peak_kib": peak}))


def test_8000_events_with_64_triggers_are_monitored_under_a_memory_cap() -> None:
    # Before: a replay of the case per event and a status copy per event, over 4 GB. The child
    # runs under a 4 GiB address-space cap and a 10-minute timeout; its peak must stay < 1 GiB.
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    proc = subprocess.run(
        [sys.executable, __file__, "--child"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        preexec_fn=cap,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    # 4,000 instances x (64 triggers + breach + completion)
    assert report["events"] == 264_000
    assert report["peak_kib"] < 1 << 20, report


def test_a_slash_in_a_case_id_or_milestone_name_keeps_keys_apart() -> None:
    rules = Ruleset.from_dict(
        {
            "processes": [
                {
                    "id": "p",
                    "milestones": [
                        {"name": "First Response", "kind": "first_response", "target": "1h"},
                        {"name": "Resp/First Response", "kind": "resolution", "target": "1h"},
                    ],
                }
            ],
            "entitlements": [{"id": "e", "process": "p"}],
        }
    )
    cases = [
        {"id": i, "entitlement": "e", "created_at": "2026-11-25T10:00:00Z"} for i in ("X/Resp", "X")
    ]
    report = rules.monitor(cases, "2026-11-25T12:00:00Z")
    keys = {e.key for e in report.events}
    assert "X\\/Resp/First Response/1/breach" in keys
    assert "X/Resp\\/First Response/1/breach" in keys
    assert "X/First Response/1/breach" in keys  # no separator: as before
    assert len(keys) == len(report.events) == 4
    dedup = {a.pagerduty_event("K")["dedup_key"] for a in report.alerts}
    assert len(dedup) == 4


def units(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def check_strings(v: Any, path: str, multiline: bool = False) -> None:
    if isinstance(v, str):
        assert not BIDI & set(v), (path, v)
        bad = [c for c in v if (ord(c) < 32 or 0x7F <= ord(c) < 0xA0) and c != "\n"]
        assert not bad, (path, v)
        assert multiline or "\n" not in v, (path, v)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            check_strings(x, f"{path}[{i}]", multiline)
    elif isinstance(v, dict):
        for k, x in v.items():
            check_strings(k, path)
            check_strings(x, f"{path}.{k}", multiline)


def check_payloads(a: Alert) -> None:
    slack = a.slack_blocks()
    header, section, *rest = slack["blocks"]
    assert units(header["text"]["text"]) <= 150
    assert units(section["text"]["text"]) <= 3000
    assert units(slack["text"]) <= 3000
    check_strings([slack["text"], header, section], "slack")
    for block in rest:
        for f in block.get("fields", []):
            assert units(f["text"]) <= 2000
            check_strings(f, "slack.field", multiline=True)
        for e in block.get("elements", []):
            assert units(e["text"]) <= 3000
            check_strings(e, "slack.context")
    key = rest[-1]["elements"][-1]["text"]
    assert key.startswith("Event key: `")
    assert key.endswith("`")
    assert key.count("`") == 2
    email = a.email()
    check_strings(email["subject"], "email.subject")
    check_strings(email["body"], "email.body", multiline=True)
    jira = a.jira_issue("SUP")
    check_strings(jira, "jira")
    assert units(jira["fields"]["summary"]) <= 255
    for label in jira["fields"]["labels"]:
        assert label
        assert units(label) <= 255
        assert not any(c.isspace() for c in label)
    pd = a.pagerduty_event("R0UT1NGKEY")
    check_strings(pd, "pagerduty")
    assert len(json.dumps(pd, ensure_ascii=False).encode()) <= 512 * 1024
    assert units(pd["payload"]["summary"]) <= 1024
    assert len(pd["dedup_key"].encode()) <= 255


hostile = st.lists(
    st.one_of(
        st.sampled_from(
            ["\x1b[31m", "\r\n", "\u202e", "\u2066", "`", "<!channel>&", "/\\", "😀", " "]
        ),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    ),
    max_size=10,
).map("".join)
big = st.builds(lambda s, n: (s or "x") * n, hostile, st.integers(1, 3000))


@settings(max_examples=40, deadline=None)
@given(
    case_id=hostile, name=st.one_of(hostile, big), milestone=hostile, extra=st.one_of(hostile, big)
)
def test_every_rendered_payload_is_within_limits_and_clean(
    case_id: str, name: str, milestone: str, extra: str
) -> None:
    rules = Ruleset.from_dict(
        {
            "processes": [
                {
                    "id": "p",
                    "milestones": [
                        {
                            "name": "M" + milestone,
                            "kind": "first_response",
                            "target": "1h",
                            "triggers": [
                                {"at": "50%", "level": "critical", "actions": ["a" + extra]}
                            ],
                        }
                    ],
                }
            ],
            "entitlements": [
                {
                    "id": "e",
                    "process": "p",
                    "account": {"id": extra, "name": name, "csm": extra, extra: [name, extra]},
                }
            ],
            "monitor": {"actions": {"a" + extra: {"label": "Act on " + name[:100]}}},
        }
    )
    case = {"id": case_id or "c", "entitlement": "e", "created_at": "2026-11-25T10:00:00Z"}
    report = rules.monitor([case], "2026-11-25T12:00:00Z")
    assert report.alerts
    for a in report.alerts:
        check_payloads(a)


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    child()
