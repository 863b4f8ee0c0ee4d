# Hidden setup of the Airflow recipe (docs/contributing.md): the DAG's helper module is importable
# as it is from a DAGs folder, and a stand-in for slack_sdk's WebClient records the posts.
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(os.environ["SNIPPETS_REPO"]) / "examples" / "airflow"))


class WebClient:
    """Records `chat_postMessage` calls as slack_sdk.WebClient would receive them."""

    def __init__(self, token: str = "xoxb-test") -> None:
        self.token = token
        self.messages: list[dict[str, object]] = []

    def chat_postMessage(self, **message: object) -> dict[str, object]:
        assert "channel" in message and "blocks" in message
        self.messages.append(message)
        return {"ok": True}
