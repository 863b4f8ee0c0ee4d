"""What the SLA monitor DAG needs from the outside world: cases from Salesforce, alerts to Slack.

Everything here talks to the real APIs through their documented HTTP shapes; the tests point the
same functions at a loopback server (only the network is replaced).

- ``fetch_soql(instance_url, token, soql)`` runs a SOQL query through the REST API
  (``GET /services/data/vXX.X/query?q=...``) and follows ``nextRecordsUrl`` pages.
- ``cases_from_soql(records)`` turns Case records (instants as Salesforce writes them,
  ``2026-11-25T14:00:00.000+0000``, which the engine reads as they are) with their ``CaseHistories`` and
  ``EmailMessages`` sub-queries into the case shape of the rules engine (docs/rules.md, "Cases").
- ``post_alerts(client, channel, alerts)`` posts Block Kit messages with ``slack_sdk``.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterable
from typing import Any

API_VERSION = "v61.0"

#: The SOQL the DAG runs: open and recently closed cases with an entitlement, their status and
#: severity history, and their emails (agent replies are outgoing, customer replies incoming).
CASES_SOQL = (
    "SELECT Id, CaseNumber, Subject, CreatedDate, Status, Severity__c, IsClosed, ClosedDate, "
    "Entitlement.Name, "
    "(SELECT Field, OldValue, NewValue, CreatedDate FROM CaseHistories "
    "WHERE Field IN ('Status', 'Severity__c') ORDER BY CreatedDate), "
    "(SELECT Incoming, MessageDate FROM EmailMessages ORDER BY MessageDate) "
    "FROM Case WHERE EntitlementId != null AND (IsClosed = false OR ClosedDate = LAST_N_DAYS:7)"
)


def fetch_soql(
    instance_url: str, token: str, soql: str, timeout: float = 30.0
) -> list[dict]:
    """Every record of a SOQL query, following ``nextRecordsUrl`` until ``done``."""
    url = (
        f"{instance_url.rstrip('/')}/services/data/{API_VERSION}/query?"
        + urllib.parse.urlencode({"q": soql})
    )
    records: list[dict] = []
    while True:
        request = urllib.request.Request(
            url,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            page = json.load(response)
        records.extend(page["records"])
        if page.get("done", True):
            return records
        url = instance_url.rstrip("/") + page["nextRecordsUrl"]


def _sub(record: dict, name: str) -> list[dict]:
    # An empty sub-query comes back as null, not as an empty list.
    related = record.get(name)
    return related["records"] if related else []


def cases_from_soql(records: Iterable[dict]) -> list[dict[str, Any]]:
    """Case records (with the sub-queries of ``CASES_SOQL``) as rule-engine cases."""
    cases = []
    for r in records:
        events: list[dict[str, Any]] = []
        for h in _sub(r, "CaseHistories"):
            at = h["CreatedDate"]
            if h["Field"] == "Status":
                events.append({"at": at, "type": "status", "to": h["NewValue"]})
                if h["NewValue"] == "Solved":
                    events.append({"at": at, "type": "solved"})
            elif h["Field"] == "Severity__c":
                change = {
                    "at": at,
                    "type": "field",
                    "field": "severity",
                    "to": h["NewValue"],
                }
                if h.get("OldValue") is not None:
                    change["from"] = h["OldValue"]
                events.append(change)
        for m in _sub(r, "EmailMessages"):
            kind = "customer_reply" if m["Incoming"] else "agent_reply"
            events.append({"at": m["MessageDate"], "type": kind})
        if r.get("IsClosed") and r.get("ClosedDate"):
            events.append({"at": r["ClosedDate"], "type": "closed"})
        entitlement = (r.get("Entitlement") or {}).get("Name")
        cases.append(
            {
                "id": r["CaseNumber"],
                "entitlement": entitlement,
                "created_at": r["CreatedDate"],
                "fields": {
                    "severity": r.get("Severity__c"),
                    "subject": r.get("Subject"),
                },
                "events": events,
            }
        )
    return cases


def post_alerts(client: Any, channel: str, alerts: Iterable[dict]) -> list[str]:
    """Posts each alert's Block Kit message (``{"key", "slack"}`` as the monitor task returns
    them) with a ``slack_sdk`` ``WebClient``; returns the keys posted, in order."""
    posted = []
    for alert in alerts:
        client.chat_postMessage(
            channel=channel,
            text=alert["slack"]["text"],
            blocks=alert["slack"]["blocks"],
            metadata={
                "event_type": "sla_alert",
                "event_payload": {"key": alert["key"]},
            },
        )
        posted.append(alert["key"])
    return posted
