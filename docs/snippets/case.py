# Hidden setup of docs/rules.md (docs/contributing.md): the first sample case and the sample
# month's `now`.
import json
import os
from datetime import datetime
from pathlib import Path

_sample = json.loads(
    (Path(os.environ["SNIPPETS_REPO"]) / "examples/data/cases.json").read_text()
)
case_dict = _sample["cases"][0]
now = datetime.fromisoformat(_sample["now"])
