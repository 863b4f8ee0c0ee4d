# Hidden setup of the Airflow recipe (docs/contributing.md): a fresh ledger file and a stand-in
# for slack_sdk's WebClient that records the posts and answers as Slack does.
import tempfile
from pathlib import Path

ledger_path = str(
    Path(tempfile.mkdtemp(prefix="entitlement-ledger-")) / "ledger.sqlite3"
)


class RecordingSlack:
    """Answers ``api_call`` as slack_sdk.WebClient would, keeping every ``chat.postMessage``."""

    def __init__(self) -> None:
        self.posts: list[dict[str, object]] = []

    def api_call(self, api_method, *, http_verb="POST", params=None, json=None):
        assert api_method == "chat.postMessage", api_method
        assert json is not None
        assert "channel" in json
        assert "blocks" in json
        self.posts.append(json)
        return {
            "ok": True,
            "channel": "C0SUPPORT",
            "ts": f"1796558621.{len(self.posts):06d}",
        }
