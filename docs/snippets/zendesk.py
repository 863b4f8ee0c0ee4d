# Hidden setup of the Zendesk pages (docs/contributing.md): `get(path)` answers the Zendesk REST
# calls the pages make from the recorded responses in examples/data/import/zendesk/.
import json
import os
import re
from pathlib import Path

_fixtures = (
    Path(os.environ["SNIPPETS_REPO"]) / "examples" / "data" / "import" / "zendesk"
)


def get(path: str) -> dict:
    """The parsed JSON of a Zendesk API GET, from the recorded responses."""
    if path == "/api/v2/business_hours/schedules":
        return json.loads((_fixtures / "schedules.json").read_text())
    if re.fullmatch(r"/api/v2/business_hours/schedules/\d+/holidays", path):
        by_id = json.loads((_fixtures / "holidays.json").read_text())
        return by_id.get(path.split("/")[-2], {"holidays": []})
    if path == "/api/v2/slas/policies":
        return json.loads((_fixtures / "sla_policies.json").read_text())
    raise KeyError(f"no recorded response for GET {path}")


# What `GET /api/v2/business_hours/schedules` returned, for pages that use it directly.
schedules_response = get("/api/v2/business_hours/schedules")
