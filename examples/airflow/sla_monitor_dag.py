"""An Airflow DAG (TaskFlow API) that watches support SLAs every 15 minutes.

1. ``fetch_cases``: runs a SOQL query against Salesforce and maps the records to cases.
2. ``monitor``: loads the rules, runs the breach monitor for ``(since, now]`` where ``since``
   is the previous successful run's ``now`` (kept in a small state file) and ``now`` is the
   end of this run's data interval.
3. ``post_alerts``: posts each alert to Slack with ``slack_sdk``, then records ``now`` as the
   next run's ``since``, so each event is posted exactly once.

Configuration (environment variables, as an Airflow deployment would set them):

- ``SALESFORCE_INSTANCE_URL``, ``SALESFORCE_ACCESS_TOKEN``: the org and an OAuth token.
- ``SLACK_BOT_TOKEN``, ``SLACK_CHANNEL``; ``SLACK_API_URL`` (default ``https://slack.com/api/``).
- ``ENTITLEMENT_RULES``: the rules document (default: the bundled sample rules).
- ``ENTITLEMENT_MONITOR_STATE``: where the last ``now`` is kept (default: under
  ``AIRFLOW_HOME``).

The heavy imports happen inside the tasks, so the scheduler parses this file quickly.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from airflow.sdk import dag, get_current_context, task

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _state_path() -> Path:
    default = (
        Path(os.environ.get("AIRFLOW_HOME", ".")) / "entitlement_monitor_state.json"
    )
    return Path(os.environ.get("ENTITLEMENT_MONITOR_STATE", default))


@dag(
    dag_id="sla_monitor",
    schedule=timedelta(minutes=15),
    start_date=datetime(2026, 11, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    tags=["entitlement", "sla"],
    doc_md=__doc__,
)
def sla_monitor() -> None:
    @task
    def fetch_cases() -> list[dict]:
        from sla_integration import CASES_SOQL, cases_from_soql, fetch_soql

        records = fetch_soql(
            os.environ["SALESFORCE_INSTANCE_URL"],
            os.environ["SALESFORCE_ACCESS_TOKEN"],
            CASES_SOQL,
        )
        return cases_from_soql(records)

    @task
    def monitor(cases: list[dict]) -> dict:
        import entitlement

        context = get_current_context()
        now: datetime = context["data_interval_end"]
        state = _state_path()
        since = None
        if state.exists():
            since = datetime.fromisoformat(json.loads(state.read_text())["since"])
        rules = entitlement.Ruleset.load(
            os.environ.get(
                "ENTITLEMENT_RULES", str(HERE.parent / "data" / "rules.yaml")
            )
        )
        report = rules.monitor(cases, now, since=since)
        print(
            f"monitor ({since}, {now}]: {len(report.events)} events, "
            f"{len(report.alerts)} alerts, {len(report.statuses)} open milestones"
        )
        # XCom carries JSON: the alerts' Block Kit messages and keys, and the window's end.
        return {
            "now": now.isoformat(),
            "alerts": [
                {"key": a.key, "slack": a.slack_blocks()} for a in report.alerts
            ],
        }

    @task
    def post_alerts(result: dict) -> list[str]:
        from sla_integration import post_alerts as post
        from slack_sdk import WebClient

        client = WebClient(
            token=os.environ["SLACK_BOT_TOKEN"],
            base_url=os.environ.get("SLACK_API_URL", "https://slack.com/api/"),
        )
        posted = post(
            client, os.environ.get("SLACK_CHANNEL", "#support-sla"), result["alerts"]
        )
        # Only after every post went through: the next run starts where this one ended.
        state = _state_path()
        state.parent.mkdir(parents=True, exist_ok=True)
        state.write_text(json.dumps({"since": result["now"]}))
        return posted

    post_alerts(monitor(fetch_cases()))


sla_monitor()
