# Hidden setup of the pages that show the monitor (docs/contributing.md): the sample rules and
# month of cases, the run's `now` and the previous run's, and stand-ins for the services a job
# posts to (they record what they are given; nothing is sent).
import json
import os
from datetime import datetime, timedelta
from pathlib import Path

import entitlement

_data = Path(os.environ["SNIPPETS_REPO"]) / "examples" / "data"
rules = entitlement.Ruleset.load(_data / "rules.yaml")
proposed_rules = rules
_sample = json.loads((_data / "cases.json").read_text())
cases = _sample["cases"]
now = datetime.fromisoformat(_sample["now"])
last_now = now - timedelta(days=1)
closed_cases = [c for c in cases if any(e["type"] == "closed" for e in c["events"])]
routing_key = "R0UT1NGKEY0000000000000000000000"


class _Slack:
    """Records `chat_postMessage` calls, as `slack_sdk.WebClient` would receive them."""

    def __init__(self) -> None:
        self.messages: list[dict[str, object]] = []

    def chat_postMessage(self, **message: object) -> dict[str, object]:
        assert "channel" in message and "blocks" in message
        self.messages.append(message)
        return {"ok": True}


slack = _Slack()
