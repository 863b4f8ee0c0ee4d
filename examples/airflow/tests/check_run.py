"""Checks one `airflow dags test` run of the SLA monitor DAG against a direct computation.

Usage: ``python check_run.py REQUESTS.jsonl STATE.json [PREVIOUS_STATE.json]``

The DAG must have posted to Slack exactly the alerts that ``Ruleset.monitor`` gives for the
recorded Salesforce cases over ``(previous now, this run's now]``, in order, each as a Block Kit
message carrying the alert's key, and no key may ever have been posted twice.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import entitlement
from sla_integration import cases_from_soql

requests = [json.loads(line) for line in Path(sys.argv[1]).read_text().splitlines()]
now = datetime.fromisoformat(json.loads(Path(sys.argv[2]).read_text())["since"])
since = None
if len(sys.argv) > 3:
    since = datetime.fromisoformat(json.loads(Path(sys.argv[3]).read_text())["since"])

pages = [
    json.loads((HERE.parent / "recorded" / f"soql_cases_page{i}.json").read_text())
    for i in (1, 2)
]
cases = cases_from_soql(pages[0]["records"] + pages[1]["records"])
rules = entitlement.Ruleset.load(HERE.parent.parent / "data" / "rules.yaml")
expected = [a.key for a in rules.monitor(cases, now, since=since).alerts]
# Every run so far: the first from the beginning, the second from the first's `now`.
everything = (
    [a.key for a in rules.monitor(cases, since).alerts] if since else []
) + expected

posts = [
    r["body"]
    for r in requests
    if r["method"] == "POST" and r["path"] == "/api/chat.postMessage"
]
keys = [p["metadata"]["event_payload"]["key"] for p in posts]
soql = [
    r
    for r in requests
    if r["method"] == "GET" and r["path"].startswith("/services/data/")
]

assert len(set(keys)) == len(keys), f"a key was posted twice: {keys}"
assert keys == everything, f"posted {keys}, expected {everything}"
for p in posts:
    assert p["channel"] and p["text"], p
    assert p["blocks"][0]["type"] == "header", p["blocks"][0]
assert soql, "the DAG did not query Salesforce"
print(
    f"ok: {len(expected)} alerts posted for ({since}, {now}], {len(keys)} in all, {len(soql)} SOQL requests"
)
