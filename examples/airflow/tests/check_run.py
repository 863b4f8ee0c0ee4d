"""Checks a sequence of `airflow dags test` runs of the SLA monitor DAG against a direct
computation, on what the services hold and on what the ledger says.

Usage::

    python check_run.py --requests REQUESTS.jsonl --state http://127.0.0.1:PORT/_state \\
        --ledger LEDGER --killed N --recorded DIR --windows T1 T2 ...

``--windows``: the ends of the finished runs, in order (the first looked back one hour); a
manual run earlier than the last one must have been skipped. ``--killed``: how many workers
were SIGKILLed mid-run (each leaves its run ``running``). The checks:

- every (event key, channel) the monitor gives for the windows is delivered exactly once, as the
  services see it: one Slack message per alert key in the alerts channel (metadata), one war-room
  message per key in ``#war-<account>-<case>`` (created, the account team invited, the message
  pinned), one Jira issue per dedupe label, one PagerDuty incident per dedup key triggered once
  (and resolved when the ledger resolved it), each raised case PATCHed at most once and holding
  the target priority;
- the ledger: every run finished (or skipped: the manual one; or running: the killed ones), no
  delivery pending or failed, exactly the expected (event key, channel) rows sent, and
  ``milestone_outcomes`` equal to ``report.outcomes()`` of the same cases at the last window;
- every fault armed on the loopback fired.
"""

from __future__ import annotations

import argparse
import json
import urllib.request
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import entitlement
from entitlement.ledger import Ledger, outcome_rows
from entitlement.pipeline import salesforce_cases

HERE = Path(__file__).resolve().parent


def get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.load(answer)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--requests", type=Path, required=True)
parser.add_argument("--state", required=True)
parser.add_argument("--ledger", required=True)
parser.add_argument("--rules", required=True, help="the rules document the DAG ran")
parser.add_argument("--killed", type=int, default=0)
parser.add_argument("--recorded", type=Path, default=HERE.parent / "recorded")
parser.add_argument("--windows", type=instant, nargs="+", required=True)
args = parser.parse_args()

# --- what the monitor gives, computed directly --------------------------------------------------
rules = entitlement.Ruleset.load(args.rules)
records = []
for page in sorted(args.recorded.glob("soql_cases_page*.json")):
    records += json.loads(page.read_text())["records"]
cases = salesforce_cases(records)

expected: dict[tuple[str, str], dict] = {}
since = args.windows[0] - timedelta(hours=1)
for now in args.windows:
    for alert in rules.monitor(cases, now, since=since).alerts:
        for spec in alert.deliveries:
            assert spec["automated"], (
                f"{alert.key} {spec}: the scenario automates every action"
            )
            expected[(alert.key, spec["channel"])] = dict(spec)
    since = now
by_channel = Counter(channel for _, channel in expected)
assert by_channel["slack"], "the scenario has no alert at all"

# --- the ledger -----------------------------------------------------------------------------------
with Ledger.open(args.ledger, retry_seconds=5) as ledger:
    runs = ledger.runs()
    deliveries = ledger.deliveries()
    stored_outcomes = ledger.outcomes()

statuses = Counter(r["status"] for r in runs)
assert statuses["running"] == args.killed, f"runs left running: {statuses}"
assert set(statuses) <= {"finished", "skipped", "running"}, statuses
finished = [r["now"] for r in runs if r["status"] == "finished"]
assert [instant(n) for n in finished] == args.windows, f"finished runs: {finished}"
assert runs[-1]["status"] == "skipped", f"the manual run was not skipped: {runs[-1]}"
assert all(r["finished_at"] for r in runs if r["status"] != "running"), runs

rows = Counter(d.status for d in deliveries)
assert rows["pending"] == 0, f"deliveries by status: {rows}"
assert rows["failed"] == 0, f"deliveries by status: {rows}"
sent = {(d.event_key, d.channel): d for d in deliveries if d.action != "resolve"}
missing, unexpected = set(expected) - set(sent), set(sent) - set(expected)
assert not missing, f"deliveries missing from the ledger: {sorted(missing)[:5]}"
assert not unexpected, f"deliveries the monitor does not give: {sorted(unexpected)[:5]}"
assert all(d.status == "sent" and d.remote_id for d in sent.values()), "a row not sent"
if args.killed:
    # The post the killed worker made was found again on Slack by the next run (a second
    # attempt), not posted again (the exactly-once checks below).
    again = [
        d
        for d in sent.values()
        if d.attempts > 1 and d.channel in ("slack", "war_room")
    ]
    assert again, "no delivery was looked up again after the worker was killed"
resolves = [d for d in deliveries if d.action == "resolve"]

last = args.windows[-1]
want = outcome_rows(rules.monitor(cases, last).outcomes())
key = ("case_id", "milestone", "instance")
assert want, "the monitor gives no milestone outcome"
assert len(want) == len(stored_outcomes), (len(want), len(stored_outcomes))
want_by = {tuple(r[k] for k in key): r for r in want}
for row in stored_outcomes:
    mine = want_by.get(tuple(row[k] for k in key))
    assert mine is not None, f"an outcome the monitor does not give: {row}"
    differ = {k: (row[k], mine[k]) for k in mine if row[k] != mine[k]}
    assert not differ, (
        f"outcome {tuple(row[k] for k in key)} differs (ledger, monitor): {differ}"
    )

# --- the services ---------------------------------------------------------------------------------
state = get(args.state)
requests = [json.loads(line) for line in args.requests.read_text().splitlines() if line]
channels = state["slack"]["channels"]


def tagged(messages: list[dict]) -> Counter:
    found: Counter = Counter()
    for m in messages:
        meta = m.get("metadata") or {}
        if meta.get("event_type") == "entitlement_alert":
            payload = meta["event_payload"]
            found[(payload["key"], payload.get("channel"))] += 1
    return found


alerts_channel = channels["support-sla"]
posted = tagged(alerts_channel["messages"])
want_slack = {k for k, c in expected if c == "slack"}
assert set(posted) == {(k, "slack") for k in want_slack}, (
    "slack messages differ from the alerts"
)
assert max(posted.values()) == 1, (
    f"posted twice: {[k for k, n in posted.items() if n > 1]}"
)

rooms = people = 0
for (event_key, channel), spec in expected.items():
    if channel != "war_room":
        continue
    rooms += 1
    room = channels.get(spec["target"])
    assert room is not None, f"war room {spec['target']} was not created"
    in_room = tagged(room["messages"])
    assert in_room[(event_key, "war_room")] == 1, f"{spec['target']}: {dict(in_room)}"
    ts = next(
        m["ts"]
        for m in room["messages"]
        if (m.get("metadata") or {}).get("event_payload", {}).get("key") == event_key
    )
    assert ts in [p if isinstance(p, str) else p.get("ts") for p in room["pins"]], room[
        "pins"
    ]
    invited = {
        state["slack"]["users"].get(p, p) for p in spec.get("invite") or []
    }  # emails resolve to users
    assert invited <= set(room["members"]), (spec["target"], invited, room["members"])
    people += len(invited)
creates = Counter(
    r["body"].get("name")
    for r in requests
    if r["path"] == "/api/conversations.create" and r["status"] == 200
)

labels: Counter = Counter()
for issue in state["jira"]["issues"].values():
    for label in issue["labels"]:
        if label.startswith("entitlement-"):
            labels[label] += 1
want_labels = {spec["dedupe"] for (_, c), spec in expected.items() if c == "jira"}
assert set(labels) == want_labels, (sorted(labels), sorted(want_labels))
assert not labels or max(labels.values()) == 1, f"issues created twice: {labels}"

incidents = state["pagerduty"]["incidents"]
want_pages = {spec["dedupe"] for (_, c), spec in expected.items() if c == "pagerduty"}
assert set(incidents) == want_pages, (sorted(incidents), sorted(want_pages))
assert all(i["triggers"] == 1 and i["opened"] == 1 for i in incidents.values()), (
    incidents
)
for r in resolves:
    for dedup in r.payload.get("dedup_keys") or [r.dedupe]:
        assert incidents[dedup]["status"] == "resolved", (dedup, incidents[dedup])

patches = Counter(
    r["path"].rsplit("/", 1)[-1]
    for r in requests
    if r["method"] == "PATCH"
    and r["service"] == "salesforce"
    and 200 <= r["status"] < 300
)
assert not patches or max(patches.values()) == 1, f"a case PATCHed twice: {patches}"
raised = {
    sent[(k, c)].case_id: spec for (k, c), spec in expected.items() if c == "salesforce"
}
patched_cases = state["salesforce"]["cases"]
for case_id, spec in raised.items():
    if case_id in patches:
        now_has = patched_cases.get(case_id, {}).get("Priority")
        assert now_has == spec["target"], (case_id, now_has, spec["target"])
unchanged = {
    d.case_id
    for d in sent.values()
    if d.channel == "salesforce" and d.remote_id == "unchanged"
}
assert set(patches) == set(raised) - unchanged, (
    sorted(patches),
    sorted(raised),
    sorted(unchanged),
)

control = get(args.state.replace("/_state", "/_control"))
assert not control["pending"], f"faults that never fired: {control['pending']}"

print(
    f"ok: {len(args.windows)} windows, {len(runs)} runs ({dict(statuses)}); delivered once each: "
    f"{len(posted)} Slack alerts, {rooms} war rooms ({sum(creates.values())} created, {people} people invited), "
    f"{len(labels)} Jira issues, {len(incidents)} pages ({len(resolves)} resolves), "
    f"{len(patches)} priority PATCHes ({len(unchanged)} unchanged); "
    f"{len(stored_outcomes)} milestone outcomes equal the monitor's; "
    f"{len(control['fired'])} faults fired"
)
