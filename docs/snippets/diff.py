# Hidden setup of docs/diff.md (docs/contributing.md): the pair of documents and the open cases
# of tests/diff/ as `old`, `new`, `open_cases` and `now`.
import json
import os
from pathlib import Path

from entitlement import Ruleset

_pair = Path(os.environ["SNIPPETS_REPO"]) / "tests" / "diff"
old = Ruleset.load(_pair / "old.yaml")
new = Ruleset.load(_pair / "new.yaml")
_data = json.loads((_pair / "cases.json").read_text())
open_cases = _data["cases"]
now = _data["now"]
