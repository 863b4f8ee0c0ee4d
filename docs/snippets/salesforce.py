# Hidden setup of the Salesforce pages (docs/contributing.md): the SOQL query results a reader
# already has, from the fixtures of examples/data/import/salesforce/, under the names the pages
# use, and a retrieved metadata folder at force-app/main/default (a link to the fixtures').
import json
import os
from datetime import UTC, datetime
from pathlib import Path

_fixtures = (
    Path(os.environ["SNIPPETS_REPO"]) / "examples" / "data" / "import" / "salesforce"
)


def _read(name: str) -> dict:
    return json.loads((_fixtures / name).read_text())


bh_result = bh_records = bh_query_result = _read("business_hours.json")
holiday_result = holiday_records = holidays_query_result = _read("holidays.json")
entitlement_result = _read("entitlements.json")
sla_result = _read("sla_processes.json")
case_result = _read("cases.json")
history = _read("case_history.json")
milestones = _read("case_milestones.json")
now = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
last_run = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

os.makedirs("force-app/main", exist_ok=True)
if not os.path.exists("force-app/main/default"):
    os.symlink(_fixtures / "metadata", "force-app/main/default")
account_result = _read("accounts.json")
contract_result = _read("contracts.json")
opportunity_result = _read("opportunities.json")
team_result = _read("account_team_members.json")
contact_role_result = _read("account_contact_roles.json")
