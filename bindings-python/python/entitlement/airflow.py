"""The SLA pipeline in Apache Airflow, with every secret in an Airflow Connection.

``pip install "entitlement[airflow]"`` installs the official providers this module is built on;
the module itself imports Airflow only inside its functions, so the rest of the package (and the
scheduler's parse of a DAG file that imports this module) does not pay for it.

Connections (ids are parameters; these are the defaults, the providers' own defaults where
they have one):

- ``salesforce_default`` (type ``salesforce``): ``SalesforceHook``. Either the provider's usual
  login (username, password, security token; or the JWT / client-credentials extras), or a
  *direct session*: no login, the OAuth access token as the password, and the ``instance_url``
  extra (``https://yourorg.my.salesforce.com``).
- ``slack_api_default`` (type ``slack``): ``SlackHook``, the bot token as the password; the
  ``base_url`` extra points the ``WebClient`` elsewhere (tests).
- ``jira_default`` (type ``jira``): ``JiraHook`` (host ``https://yoursite.atlassian.net``,
  login the account's email, password an API token), used with REST v3.
- ``pagerduty_events_default`` (type ``pagerduty_events``): ``PagerdutyEventsHook``, the Events v2
  routing (integration) key as the password; the host, when set, replaces
  ``https://events.pagerduty.com``.
- ``entitlement_ledger`` (type ``postgres`` or ``sqlite``): the ledger. Absent, the ledger is
  the SQLite file ``$AIRFLOW_HOME/entitlement_ledger.sqlite3``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from entitlement.ledger import Ledger
from entitlement.pipeline import (
    CASES_SOQL,
    Channel,
    HttpTransport,
    JiraChannel,
    PagerDutyChannel,
    RequestsTransport,
    RetryPolicy,
    RunSummary,
    SalesforcePriorityChannel,
    SlackChannel,
    WarRoomChannel,
    fetch_salesforce_records,
    run_monitor,
    salesforce_cases,
)

__all__ = [
    "CASES_SOQL",
    "DEFAULT_LEDGER_FILE",
    "JIRA_CONN_ID",
    "LEDGER_CONN_ID",
    "PAGERDUTY_CONN_ID",
    "PAGERDUTY_EVENTS_URL",
    "SALESFORCE_CONN_ID",
    "SLACK_CONN_ID",
    "build_channels",
    "fetch_cases",
    "jira_client",
    "jira_transport",
    "ledger_url",
    "open_ledger",
    "pagerduty_transport",
    "run_monitor_task",
    "salesforce_client",
    "salesforce_transport",
    "slack_client",
    "window_end",
]

log = logging.getLogger("entitlement.airflow")

SALESFORCE_CONN_ID = "salesforce_default"
SLACK_CONN_ID = "slack_api_default"
JIRA_CONN_ID = "jira_default"
PAGERDUTY_CONN_ID = "pagerduty_events_default"
LEDGER_CONN_ID = "entitlement_ledger"

#: The ledger file when no ``entitlement_ledger`` Connection exists (under ``AIRFLOW_HOME``).
DEFAULT_LEDGER_FILE = "entitlement_ledger.sqlite3"

#: Where PagerDuty's Events API v2 lives when the Connection names no host.
PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com"


def _connection(conn_id: str) -> Any:
    """The Airflow Connection ``conn_id`` (Airflow's not-found error when it does not exist)."""
    from airflow.sdk import BaseHook  # type: ignore[import-not-found, import-untyped, unused-ignore]

    return BaseHook.get_connection(conn_id)


def _has_connection(conn_id: str) -> bool:
    try:
        _connection(conn_id)
    except Exception as error:  # AirflowNotFoundException moved between Airflow versions
        if type(error).__name__ == "AirflowNotFoundException":
            return False
        raise
    return True


# --- Salesforce -----------------------------------------------------------------------------------


def salesforce_client(conn_id: str = SALESFORCE_CONN_ID) -> Any:
    """A ``simple_salesforce.Salesforce`` from ``SalesforceHook``.

    A Connection without a login whose password is set is a direct session: the password is
    the OAuth access token and the ``instance_url`` extra the org. simple_salesforce always
    speaks https to the org (``REQUESTS_CA_BUNDLE`` names a private CA)."""
    from airflow.providers.salesforce.hooks.salesforce import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
        SalesforceHook,
    )

    conn = _connection(conn_id)
    if not conn.login and conn.password:
        hook = SalesforceHook(salesforce_conn_id=conn_id, session_id=conn.password)
    else:
        hook = SalesforceHook(salesforce_conn_id=conn_id)
    return hook.get_conn()


def salesforce_transport(conn_id: str = SALESFORCE_CONN_ID) -> tuple[RequestsTransport, str]:
    """``(transport, api version)``: the org's REST API through the hook's logged-in session
    (``vXX.X``, the Connection's ``version`` extra, else simple_salesforce's default)."""
    sf = salesforce_client(conn_id)
    transport = RequestsTransport(sf.session, f"https://{sf.sf_instance}", sf.headers)
    return transport, f"v{sf.sf_version}"


def fetch_cases(
    conn_id: str = SALESFORCE_CONN_ID,
    soql: str = CASES_SOQL,
    *,
    retry_base_seconds: float = 1.0,
    max_records: int = 1_000_000,
) -> list[dict[str, Any]]:
    """The cases of ``soql`` (every page, following ``nextRecordsUrl``) as rule-engine cases
    (``entitlement.pipeline.salesforce_cases``: the case id is the record ``Id``)."""
    transport, version = salesforce_transport(conn_id)
    records = fetch_salesforce_records(
        transport,
        soql,
        api_version=version,
        retry=RetryPolicy(base_seconds=retry_base_seconds),
        max_records=max_records,
    )
    cases = salesforce_cases(records)
    log.info("salesforce: %d cases", len(cases))
    return cases


# --- Slack, Jira, PagerDuty -----------------------------------------------------------------------


def slack_client(conn_id: str = SLACK_CONN_ID) -> Any:
    """The ``slack_sdk.WebClient`` of ``SlackHook``: the bot token from the Connection's
    password, ``base_url`` and ``timeout`` from its extras. The SDK's own retry handlers are
    off: the pipeline retries (429 ``Retry-After``, 5xx) and counts."""
    from airflow.providers.slack.hooks.slack import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
        SlackHook,
    )

    return SlackHook(slack_conn_id=conn_id, retry_handlers=[]).get_conn()


def jira_client(conn_id: str = JIRA_CONN_ID) -> Any:
    """The ``atlassian.Jira`` client of ``JiraHook`` (REST API v3)."""
    from airflow.providers.atlassian.jira.hooks.jira import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
        JiraHook,
    )

    return JiraHook(jira_conn_id=conn_id, api_version="3").get_conn()


def jira_transport(conn_id: str = JIRA_CONN_ID) -> RequestsTransport:
    """Jira's REST API through ``JiraHook``'s session (its basic auth, its ``verify``).

    The pipeline calls ``POST /rest/api/3/issue`` and ``GET /rest/api/3/search/jql`` itself:
    the hook's client is the Server client, whose ``jql()`` calls the older ``/search``
    (removed from Jira Cloud) unless it was built with ``cloud=True``, which the hook never
    does."""
    client = jira_client(conn_id)
    if client.verify_ssl is not True:  # the Connection's `verify` extra (False, or a CA bundle)
        client.session.verify = client.verify_ssl
    return RequestsTransport(client.session, client.url)


def pagerduty_transport(conn_id: str = PAGERDUTY_CONN_ID) -> tuple[HttpTransport, str]:
    """``(transport, routing key)`` for PagerDuty's Events API v2.

    The key is what ``PagerdutyEventsHook`` reads from the Connection (its password). The
    hook's ``send_event`` cannot be used: it builds ``pagerduty.EventsApiV2Client`` with no base
    URL, so it always posts to ``events.pagerduty.com`` and cannot be pointed elsewhere, and its
    answer hides the status the pipeline retries on. The pipeline's own ``HttpTransport``
    posts to ``<host>/v2/enqueue``: the Connection's host, else ``events.pagerduty.com``."""
    from airflow.providers.pagerduty.hooks.pagerduty_events import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
        PagerdutyEventsHook,
    )

    hook = PagerdutyEventsHook(pagerduty_events_conn_id=conn_id)
    host = _connection(conn_id).host or PAGERDUTY_EVENTS_URL
    if "://" not in host:
        host = "https://" + host
    return HttpTransport(host), str(hook.integration_key)


def build_channels(
    *,
    slack_channel: str = "#support-sla",
    jira_project: str | None = None,
    jira_issue_type: str = "Task",
    slack_conn_id: str = SLACK_CONN_ID,
    jira_conn_id: str = JIRA_CONN_ID,
    pagerduty_conn_id: str = PAGERDUTY_CONN_ID,
    salesforce_conn_id: str = SALESFORCE_CONN_ID,
) -> list[Channel]:
    """The pipeline's channels from the Connections that exist: Slack and war rooms
    (``slack_conn_id``), Jira (``jira_conn_id``, when ``jira_project`` is given), PagerDuty,
    the Salesforce priority. A delivery whose channel has no Connection is marked failed and
    reported (never dropped), so a missing Connection shows in the run's summary."""
    channels: list[Channel] = []
    if _has_connection(slack_conn_id):
        slack = slack_client(slack_conn_id)
        channels += [SlackChannel(slack, slack_channel), WarRoomChannel(slack)]
    if jira_project and _has_connection(jira_conn_id):
        channels.append(JiraChannel(jira_transport(jira_conn_id), jira_project, jira_issue_type))
    if _has_connection(pagerduty_conn_id):
        events, key = pagerduty_transport(pagerduty_conn_id)
        channels.append(PagerDutyChannel(events, key))
    if _has_connection(salesforce_conn_id):
        org, version = salesforce_transport(salesforce_conn_id)
        channels.append(SalesforcePriorityChannel(org, version))
    log.info("channels: %s", ", ".join(c.name for c in channels) or "none")
    return channels


# --- the ledger -----------------------------------------------------------------------------------


def ledger_url(conn_id: str = LEDGER_CONN_ID) -> str:
    """Where the ledger is: the ``postgresql://`` URL of a ``postgres`` Connection (the one
    ``PostgresHook`` builds, with the libpq options of its extras; it holds the password, so
    never log it), the file of a ``sqlite`` Connection (its host), else
    ``$AIRFLOW_HOME/entitlement_ledger.sqlite3``."""
    if not _has_connection(conn_id):
        home = Path(os.environ.get("AIRFLOW_HOME") or Path.home() / "airflow")
        return str(home / DEFAULT_LEDGER_FILE)
    conn = _connection(conn_id)
    if conn.conn_type in ("postgres", "postgresql"):
        hook = _postgres_hook(conn_id)
        url = hook.sqlalchemy_url.set(drivername="postgresql")
        ignored = set(getattr(hook, "ignored_extra_options", ())) | {"cursor", "sqlalchemy_query"}
        options = {
            k: str(v) for k, v in conn.extra_dejson.items() if k not in ignored and v is not None
        }
        if options:
            url = url.update_query_dict(options)
        return str(url.render_as_string(hide_password=False))
    if conn.conn_type == "sqlite":
        if not conn.host:
            raise ValueError(f"connection {conn_id!r}: a sqlite ledger needs the file as its host")
        return str(conn.host)
    raise ValueError(
        f"connection {conn_id!r}: the ledger is a postgres or sqlite connection, "
        f"not {conn.conn_type!r}"
    )


def _postgres_hook(conn_id: str) -> Any:
    from airflow.providers.postgres.hooks.postgres import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
        PostgresHook,
    )

    return PostgresHook(postgres_conn_id=conn_id)


def open_ledger(
    conn_id: str = LEDGER_CONN_ID, *, retry_seconds: float = 60.0, retry_base_seconds: float = 1.0
) -> Ledger:
    """The ledger of ``conn_id`` (``ledger_url``). PostgreSQL connects through
    ``PostgresHook.get_conn`` (psycopg 3 under Airflow 3), called again to reconnect when the
    server restarts; SQLite opens the file (WAL mode), created when missing."""
    retry = {"retry_seconds": retry_seconds, "retry_base_seconds": retry_base_seconds}
    if _has_connection(conn_id) and _connection(conn_id).conn_type in ("postgres", "postgresql"):
        return Ledger.open(_postgres_hook(conn_id).get_conn, **retry)
    path = ledger_url(conn_id)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return Ledger.open(path, **retry)


# --- rules and one run ----------------------------------------------------------------------------


def window_end(context: Mapping[str, Any]) -> datetime:
    """The ``now`` of a DAG run: the end of its data interval (the logical date of a manual or
    ``airflow dags test`` run), else when it was due to run."""
    for name in ("data_interval_end", "logical_date"):
        value = context.get(name)
        if value is not None:
            return datetime.fromisoformat(value.isoformat())
    return datetime.fromisoformat(context["dag_run"].run_after.isoformat())


_SPAN = re.compile(r"\s*(\d+)\s*([dhms])")
_UNIT = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def _span(value: str | float | timedelta) -> timedelta:
    """A lookback: a ``timedelta``, seconds, or text such as ``1h``, ``30m``, ``1h30m``, ``2d``."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)):
        return timedelta(seconds=value)
    parts = _SPAN.findall(value)
    if not parts or _SPAN.sub("", value).strip():
        raise ValueError(f"lookback: not a duration such as 1h, 30m or 1h30m: {value!r}")
    return timedelta(seconds=sum(int(n) * _UNIT[u] for n, u in parts))


def run_monitor_task(
    rules: Any,
    cases: Sequence[Mapping[str, Any]],
    now: datetime,
    *,
    lookback: str | timedelta = "1h",
    slack_channel: str = "#support-sla",
    jira_project: str | None = None,
    jira_issue_type: str = "Task",
    max_attempts: int = 8,
    retry_base_seconds: float = 1.0,
    job: str = "airflow:sla_monitor",
    ledger_conn_id: str = LEDGER_CONN_ID,
    slack_conn_id: str = SLACK_CONN_ID,
    jira_conn_id: str = JIRA_CONN_ID,
    pagerduty_conn_id: str = PAGERDUTY_CONN_ID,
    salesforce_conn_id: str = SALESFORCE_CONN_ID,
) -> dict[str, Any]:
    """One run of ``entitlement.pipeline.run_monitor`` with the ledger and channels of the
    Connections: record the window's events and deliveries in one transaction, deliver, finish.
    ``rules`` is a ``Ruleset`` or the path of a rules document (``Ruleset.load``). Returns the
    run's summary as JSON (the task's XCom). Raises only when the ledger stays unreachable
    (``LedgerUnavailable``), so Airflow retries the task; a retried task re-posts nothing:
    deliveries already sent are in the ledger, and a delivery that was sent by a worker that
    died before marking it is found again on its channel."""
    if isinstance(rules, (str, os.PathLike)):
        from entitlement import Ruleset

        rules = Ruleset.load(rules)
    channels = build_channels(
        slack_channel=slack_channel,
        jira_project=jira_project,
        jira_issue_type=jira_issue_type,
        slack_conn_id=slack_conn_id,
        jira_conn_id=jira_conn_id,
        pagerduty_conn_id=pagerduty_conn_id,
        salesforce_conn_id=salesforce_conn_id,
    )
    with open_ledger(ledger_conn_id, retry_base_seconds=retry_base_seconds) as ledger:
        summary: RunSummary = run_monitor(
            rules,
            cases,
            now,
            ledger=ledger,
            channels=channels,
            lookback=_span(lookback),
            max_attempts=max_attempts,
            retry=RetryPolicy(base_seconds=retry_base_seconds),
            job=job,
        )
    return summary.to_dict()
