# Hidden setup of the ServiceNow page (docs/contributing.md): `get(table)` answers the Table API
# calls the page makes from the recorded bodies in examples/data/import/servicenow/.
import json
import os
from pathlib import Path

_fixtures = (
    Path(os.environ["SNIPPETS_REPO"]) / "examples" / "data" / "import" / "servicenow"
)


def get(table: str) -> dict:
    """The parsed JSON of GET /api/now/table/<table>, from the recorded bodies."""
    return json.loads((_fixtures / f"{table}.json").read_text())
