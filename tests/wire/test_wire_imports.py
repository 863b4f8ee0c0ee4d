"""One JSON wire format for imports: the rules document an importer writes is the same JSON
from the CLI (``entitlement import zendesk --format json``), Python (``Import.to_json()``) and
Node (``JSON.stringify(import)``), compared after sorting keys as in ``test_wire.py``.

The input is the Zendesk sample of ``examples/data/import/zendesk/`` (schedules with their
holidays, and the SLA policies on the "Support NY" schedule), merged as docs/import-zendesk.md
shows; the CLI merges the same three files.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import entitlement.zendesk as zd

from test_wire import REPO, canonical, cli

ZENDESK = REPO / "examples" / "data" / "import" / "zendesk"
SCHEDULE = "Support NY"

NODE_IMPORT = """
const fs = require('node:fs')
const path = require('node:path')
const { zendesk } = require(process.argv[1])
const read = (name) => JSON.parse(fs.readFileSync(path.join(process.argv[2], name), 'utf8'))
const hours = zendesk.schedules(read('schedules.json'), read('holidays.json'))
const sla = zendesk.slaPolicies(read('sla_policies.json'), { schedule: process.argv[3] })
process.stdout.write(JSON.stringify(hours.merge(sla)))
"""


def read(name: str) -> Any:
    return json.loads((ZENDESK / name).read_text())


def from_rust() -> str:
    command = [cli(), "import", "zendesk", "--format", "json", "--schedule", SCHEDULE]
    for flag, name in (
        ("--schedules", "schedules.json"),
        ("--holidays", "holidays.json"),
        ("--sla-policies", "sla_policies.json"),
    ):
        command += [flag, str(ZENDESK / name)]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def from_python() -> str:
    hours = zd.schedules(read("schedules.json"), read("holidays.json"))
    return hours.merge(zd.sla_policies(read("sla_policies.json"), schedule=SCHEDULE)).to_json()


def from_node() -> str:
    command = ["node", "-e", NODE_IMPORT, str(REPO / "bindings-node"), str(ZENDESK), SCHEDULE]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def test_an_import_is_the_same_json_from_rust_python_and_node() -> None:
    rust, python, node = from_rust(), from_python(), from_node()
    assert canonical(python) == canonical(rust), "Python to_json() vs the CLI"
    assert canonical(node) == canonical(rust), "Node JSON.stringify vs the CLI"
    # Not a vacuous compare: calendars with holidays, and the policies' processes.
    document = json.loads(rust)
    assert document["calendars"][SCHEDULE]["holidays"]
    assert "time_zone" in document["calendars"][SCHEDULE]
    milestone = document["processes"][0]["milestones"][0]
    assert "pause_statuses" in milestone
    assert "pauseStatuses" not in milestone
