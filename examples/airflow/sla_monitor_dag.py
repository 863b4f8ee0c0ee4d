"""An Airflow DAG (TaskFlow API) that watches support SLAs every 15 minutes.

1. ``fetch_cases``: the SOQL query through ``SalesforceHook`` (``entitlement.airflow.fetch_cases``),
   mapped to the engine's cases (the case id is the record ``Id``).
2. ``monitor``: one run of the pipeline (``entitlement.airflow.run_monitor_task``): the window is
   ``(since, now]``, ``since`` the ``now`` of the last finished run *in the ledger* (the first
   run looks back ``lookback``, one hour by default) and ``now`` the end of this run's data
   interval. The run's events and their deliveries are recorded in one transaction, then sent
   (Slack, war rooms, Jira, PagerDuty, the case's priority), then marked sent: a retried task
   re-posts nothing, and a run earlier than the last finished one (a manual or backfill run)
   is recorded as skipped and delivers nothing new.

Secrets live in Airflow Connections (``salesforce_default``, ``slack_api_default``,
``jira_default``, ``pagerduty_events_default``, and the ledger ``entitlement_ledger``: a
``postgres`` or ``sqlite`` Connection, by default ``$AIRFLOW_HOME/entitlement_ledger.sqlite3``).
Everything else is a DAG param (defaults from ``ENTITLEMENT_*`` environment variables), so a
manual run can override it: ``rules`` (the rules document's path), ``lookback``,
``slack_channel``, ``jira_project``, ``jira_issue_type``, ``max_attempts``,
``retry_base_seconds``.

Both tasks retry with exponential backoff; ``max_active_runs=1`` keeps two runs from working the
same outbox at once; ``catchup=False``: the ledger, not the schedule, says where the next
window starts. Heavy imports happen inside the tasks, so the scheduler parses this file quickly.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from airflow.sdk import Param, dag, get_current_context, task

HERE = Path(__file__).resolve().parent
_env = os.environ.get

#: The rules document (ENTITLEMENT_RULES; the bundled sample rules by default). Its
#: ``monitor.automate`` lists the actions performed for real; the others are dry runs.
RULES = _env("ENTITLEMENT_RULES") or str(HERE.parent / "data" / "rules.yaml")

#: Task retries: 30 s, 1 min, 2 min, 4 min, ... at most 10 min apart.
RETRIES: dict[str, Any] = {
    "retries": int(_env("ENTITLEMENT_TASK_RETRIES", "5")),
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
}


@dag(
    dag_id="sla_monitor",
    schedule=timedelta(minutes=15),
    start_date=datetime(2026, 11, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args=RETRIES,
    params={
        "rules": Param(RULES, type="string", description="the rules document's path"),
        "lookback": Param(
            _env("ENTITLEMENT_LOOKBACK", "1h"),
            type="string",
            description="how far the first run looks back (1h, 30m, 2d)",
        ),
        "slack_channel": Param(
            _env("ENTITLEMENT_SLACK_CHANNEL", "#support-sla"), type="string"
        ),
        # Without a project no Jira issue is created (those deliveries are reported failed).
        "jira_project": Param(_env("ENTITLEMENT_JIRA_PROJECT", ""), type="string"),
        "jira_issue_type": Param(
            _env("ENTITLEMENT_JIRA_ISSUE_TYPE", "Task"), type="string"
        ),
        "max_attempts": Param(
            int(_env("ENTITLEMENT_MAX_ATTEMPTS", "8")), type="integer"
        ),
        "retry_base_seconds": Param(
            float(_env("ENTITLEMENT_RETRY_BASE_SECONDS", "1")), type="number"
        ),
    },
    tags=["entitlement", "sla"],
    doc_md=__doc__,
)
def sla_monitor() -> None:
    @task
    def fetch_cases() -> list[dict[str, Any]]:
        from entitlement.airflow import fetch_cases

        params = get_current_context()["params"]
        return fetch_cases(retry_base_seconds=float(params["retry_base_seconds"]))

    @task
    def monitor(cases: list[dict[str, Any]]) -> dict[str, Any]:
        from entitlement.airflow import run_monitor_task, window_end

        context = get_current_context()
        params = context["params"]
        return run_monitor_task(
            params["rules"],
            cases,
            window_end(context),
            lookback=params["lookback"],
            slack_channel=params["slack_channel"],
            jira_project=params["jira_project"] or None,
            jira_issue_type=params["jira_issue_type"],
            max_attempts=int(params["max_attempts"]),
            retry_base_seconds=float(params["retry_base_seconds"]),
            job="airflow:sla_monitor",
        )

    monitor(fetch_cases())


sla_monitor()
