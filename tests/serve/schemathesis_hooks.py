"""schemathesis hooks for `entitlement serve` (loaded by tests/serve/run_schemathesis.py).

The OpenAPI document carries one example per request body (one sample case) and per path
parameter. Before the document is loaded, this puts a larger real request in each request body:
five sample cases of examples/data/cases.json at its `now`, on the sample rules' calendars.
Every one of them is a request the engine answers 200, so the examples phase checks full
answers (milestone statuses, monitor reports, instants) against the response schemas.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import schemathesis

REPO = Path(__file__).resolve().parents[2]
SAMPLE = json.loads((REPO / "examples" / "data" / "cases.json").read_text())
NOW: str = SAMPLE["now"]
CASES: list[dict[str, Any]] = SAMPLE["cases"]
CALENDAR = "ny-support"


def request_examples() -> dict[str, dict[str, Any]]:
    """One request body per POST route, keyed by path."""
    one = copy.deepcopy(CASES[0])
    some = copy.deepcopy(CASES[:5])
    return {
        "/v1/evaluate": {"case": one, "now": NOW},
        "/v1/evaluate-many": {"cases": some, "now": NOW},
        "/v1/monitor": {"cases": some, "now": NOW, "since": "2026-11-25T08:00:00Z"},
        "/v1/calendars/{name}/add": {"start": "2026-11-20T16:00:00-05:00", "duration": "4h"},
        "/v1/calendars/{name}/elapsed": {
            "start": "2026-11-20T16:00:00-05:00",
            "end": "2026-11-23T11:00:00-05:00",
        },
        "/v1/calendars/{name}/is-open": {"at": "2026-11-21T15:00:00Z"},
        "/v1/calendars/{name}/next-open": {"at": "2026-11-21T15:00:00Z"},
    }


@schemathesis.hook
def before_load_schema(context: schemathesis.HookContext, raw_schema: dict[str, Any]) -> None:
    paths: dict[str, Any] = raw_schema["paths"]
    for path, body in request_examples().items():
        operation = paths[path]["post"]
        operation["requestBody"]["content"]["application/json"]["example"] = body
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"] == "name":
                parameter["example"] = CALENDAR
