"""The monitor pipeline: Salesforce cases in; Slack, war rooms, Jira, PagerDuty and the case's
priority out; every outcome in the ledger, every (event key, channel) delivered exactly once.

One run (``run_monitor``) follows the outbox order (docs/deployment.md):

1. migrate the ledger; ``since`` is the last finished run's ``now`` (the first run looks back
   ``lookback``, one hour by default); a run whose ``now`` is not after it (a manual or backfill
   run) is recorded as ``skipped`` and delivers nothing new;
2. monitor ``(since, now]``;
3. in one transaction: the run, its events, one delivery row per alert and channel
   (``alert.deliveries``: ``pending``, or ``dry_run`` for an action not in
   ``monitor.automate``), a PagerDuty ``resolve`` for each completed milestone that was paged,
   and every milestone outcome;
4. work the outbox (this run's rows and every earlier one still pending or failed): count the
   attempt, and from the second attempt on first ask the channel whether an earlier worker
   already delivered it; send; mark ``sent`` or ``failed``;
5. finish the run.

Channels send through small transports, so that any HTTP client (or an Airflow hook) can back
them:

- ``SlackChannel`` and ``WarRoomChannel`` take a Slack client: anything with
  ``api_call(api_method, *, http_verb="POST", params=None, json=None)`` returning the answer's
  JSON as a mapping, like ``slack_sdk.WebClient`` (``SlackHook.get_conn()``) or
  ``SlackHttpTransport`` here. Errors: ``slack_sdk.errors.SlackApiError`` (its ``response``
  with ``status_code``, ``headers`` and ``["error"]``), ``SlackError`` or ``OSError``.
- ``JiraChannel``, ``PagerDutyChannel`` and ``SalesforcePriorityChannel`` take a ``Transport``:
  ``request(method, path, *, params=None, json=None) -> Response(status, headers, body)``,
  answering every HTTP status (raising only ``OSError`` when nothing came back), like
  ``HttpTransport(base_url, headers)`` here on ``urllib``.

Retries inside one send (``RetryPolicy``): at most 5 tries; 429 waits ``Retry-After`` (at most
60 s); 5xx and connection errors wait ``base * 2^(try-1)`` with jitter (at most 30 s); another
4xx (or a Slack ``ok: false``) is not retried. Logging:
``logging.getLogger("entitlement.pipeline")``.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import email.utils
import functools
import json
import logging
import os
import random
import re
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar, Protocol, TypeVar

from entitlement.ledger import Delivery, Ledger, LedgerUnavailable, PlannedDelivery, RunCounts

__all__ = [
    "CASES_SOQL",
    "SALESFORCE_API_VERSION",
    "Channel",
    "DeliveryError",
    "HttpTransport",
    "JiraChannel",
    "PagerDutyChannel",
    "RequestsTransport",
    "Response",
    "RetryPolicy",
    "RunSummary",
    "SalesforcePriorityChannel",
    "SlackChannel",
    "SlackClient",
    "SlackError",
    "SlackHttpTransport",
    "Transport",
    "WarRoomChannel",
    "fetch_salesforce_records",
    "main",
    "plan_deliveries",
    "run_monitor",
    "salesforce_cases",
    "work_outbox",
]

log = logging.getLogger("entitlement.pipeline")

T = TypeVar("T")

SALESFORCE_API_VERSION = "v61.0"

#: The SOQL of the scenario and of the Airflow DAG: open and recently closed cases with an
#: entitlement, their priority, their status and severity history, and their emails (agent
#: replies are outgoing, customer replies incoming).
CASES_SOQL = (
    "SELECT Id, CaseNumber, Subject, CreatedDate, Status, Severity__c, Priority, IsClosed, "
    "ClosedDate, Entitlement.Name, "
    "(SELECT Field, OldValue, NewValue, CreatedDate FROM CaseHistories "
    "WHERE Field IN ('Status', 'Severity__c') ORDER BY CreatedDate), "
    "(SELECT Incoming, MessageDate FROM EmailMessages ORDER BY MessageDate) "
    "FROM Case WHERE EntitlementId != null AND (IsClosed = false OR ClosedDate = LAST_N_DAYS:7)"
)

# At most this many pages of a listing (Slack history, channel list, SOQL): a bound on the work
# one lookup may do, whatever the service answers.
_MAX_PAGES = 100


# --- errors and retries ------------------------------------------------------------------


class DeliveryError(Exception):
    """A call to a service failed. ``transient`` errors (429, 5xx, no answer) are retried;
    ``code`` is the service's error code when it gave one (Slack's ``name_taken``, ...)."""

    def __init__(
        self,
        message: str,
        *,
        transient: bool = False,
        retry_after: float | None = None,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after
        self.code = code
        self.status = status


@dataclass(frozen=True)
class RetryPolicy:
    """How one call to a service is retried: at most ``tries`` tries; a 429 waits its
    ``Retry-After`` (at most ``retry_after_cap_seconds``, ``base_seconds`` when absent); 5xx
    and connection errors wait ``base_seconds * 2^(try-1)`` (at most ``cap_seconds``) with
    jitter. Tests pass a small ``base_seconds`` (and may pass ``sleep``)."""

    tries: int = 5
    base_seconds: float = 1.0
    cap_seconds: float = 30.0
    retry_after_cap_seconds: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)

    def call(self, what: str, work: Callable[[], T]) -> T:
        """Runs ``work``, retrying transient failures; raises the last ``DeliveryError``."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return work()
            except DeliveryError as exc:
                error = exc
            except OSError as exc:  # no answer at all: refused, reset, timed out
                error = DeliveryError(f"{what}: {exc}", transient=True)
            if not error.transient or attempt >= self.tries:
                raise error
            if error.retry_after is not None:
                wait = min(self.retry_after_cap_seconds, max(0.0, error.retry_after))
            else:
                wait = min(self.cap_seconds, self.base_seconds * 2 ** (attempt - 1))
                wait *= random.uniform(0.75, 1.25)
            log.info("%s: %s; try %d of %d in %.2f s", what, error, attempt + 1, self.tries, wait)
            self.sleep(wait)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)  # the HTTP-date form
        if when is None:
            return None
        return (when - datetime.now(timezone.utc)).total_seconds()


# --- transports --------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """An HTTP answer: ``status``, ``headers`` (names lower-case), ``body`` (the parsed JSON,
    else the text, else None)."""

    status: int
    headers: Mapping[str, str]
    body: Any


class Transport(Protocol):
    """What ``JiraChannel``, ``PagerDutyChannel`` and ``SalesforcePriorityChannel`` need: one
    HTTP request relative to the service's base URL, answering every status (raising only
    ``OSError`` when no answer came back)."""

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> Response:
        """One HTTP request relative to the service's base URL (``params``: the query string;
        ``json``: the body)."""
        ...


class HttpTransport:
    """``Transport`` on the standard library's ``urllib``: ``base_url`` (``https://acme.
    atlassian.net``, ``https://events.pagerduty.com``, the Salesforce instance URL) and the
    headers every request carries (``Authorization``). At most ``max_body`` bytes of an answer
    are read."""

    def __init__(
        self,
        base_url: str,
        headers: Mapping[str, str] | None = None,
        *,
        timeout: float = 30.0,
        context: ssl.SSLContext | None = None,
        max_body: int = 16 * 1024 * 1024,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = dict(headers or {})
        self.timeout = timeout
        self._context = context
        self.max_body = max_body

    def __repr__(self) -> str:  # never the headers: they hold the secret
        return f"HttpTransport({self.base_url!r})"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> Response:
        """One request; every HTTP status comes back as a ``Response`` (``OSError`` when no
        answer came back)."""
        url = path if "://" in path else self.base_url + "/" + path.lstrip("/")
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        headers = {"Accept": "application/json", **self._headers}
        data = None
        if json is not None:
            data = _json_dumps(json).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(
                request, timeout=self.timeout, context=self._context
            ) as answer:
                return _response(
                    answer.status, answer.headers, answer.read(self.max_body + 1), self.max_body
                )
        except urllib.error.HTTPError as answer:
            return _response(
                answer.code, answer.headers, answer.read(self.max_body + 1), self.max_body
            )


class RequestsTransport:
    """``Transport`` on a ``requests.Session``: what Airflow's ``HttpHook.get_conn()`` returns,
    and what simple_salesforce's ``Salesforce.session`` and atlassian-python-api's
    ``Jira.session`` are, so a provider hook's authenticated session can back a channel.
    ``base_url`` is the service's (``sf.base_url`` is not: pass ``https://`` + ``sf.sf_instance``);
    ``headers`` are added to the session's own. At most ``max_body`` bytes of an answer are
    read."""

    def __init__(
        self,
        session: Any,
        base_url: str,
        headers: Mapping[str, str] | None = None,
        *,
        timeout: float = 30.0,
        max_body: int = 16 * 1024 * 1024,
    ) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self._headers = dict(headers or {})
        self.timeout = timeout
        self.max_body = max_body

    def __repr__(self) -> str:  # never the headers: they hold the secret
        return f"RequestsTransport({self.base_url!r})"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> Response:
        """One request; every HTTP status comes back as a ``Response`` (``OSError``, which
        ``requests``' own errors are, when no answer came back)."""
        url = path if "://" in path else self.base_url + "/" + path.lstrip("/")
        answer = self.session.request(
            method,
            url,
            params=dict(params) if params else None,
            json=json,
            headers={"Accept": "application/json", **self._headers},
            timeout=self.timeout,
            stream=True,
        )
        try:
            raw = answer.raw.read(self.max_body + 1, decode_content=True)
        finally:
            answer.close()
        return _response(int(answer.status_code), answer.headers, raw or b"", self.max_body)


def _json_dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


def _response(status: int, headers: Any, raw: bytes, max_body: int) -> Response:
    if len(raw) > max_body:
        raise DeliveryError(f"answer of more than {max_body} bytes", status=status)
    names = {k.lower(): v for k, v in headers.items()}
    body: Any = None
    if raw:
        text = raw.decode("utf-8", "replace")
        try:
            body = json.loads(text)
        except ValueError:
            body = text
    return Response(status, names, body)


class SlackError(Exception):
    """A Slack Web API answer that is not ``ok`` (``SlackHttpTransport``)."""

    def __init__(
        self, method: str, status: int, error: str | None, headers: Mapping[str, str]
    ) -> None:
        super().__init__(f"slack {method}: {error or f'HTTP {status}'}")
        self.status = status
        self.error = error
        self.headers = headers


class SlackClient(Protocol):
    """What ``SlackChannel`` and ``WarRoomChannel`` need: ``slack_sdk.WebClient.api_call``'s
    shape."""

    def api_call(
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
    ) -> Any:
        """Calls one Web API method; returns the answer's JSON, raises when it is not ``ok``."""
        ...


class SlackHttpTransport:
    """A ``SlackClient`` on ``urllib`` (for hosts without ``slack_sdk``): the bot ``token`` and
    the Web API's ``base_url``."""

    def __init__(
        self, token: str, base_url: str = "https://slack.com/api/", *, timeout: float = 30.0
    ) -> None:
        self._http = HttpTransport(base_url, {"Authorization": f"Bearer {token}"}, timeout=timeout)

    def __repr__(self) -> str:
        return f"SlackHttpTransport({self._http.base_url!r})"

    def api_call(
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Calls one Web API method; returns the answer's JSON, raises ``SlackError`` when it
        is not ``ok``."""
        query = {k: str(v) for k, v in (params or {}).items()}
        answer = self._http.request(http_verb, api_method, params=query, json=json)
        body = answer.body if isinstance(answer.body, dict) else {}
        if answer.status != 200 or not body.get("ok"):
            raise SlackError(api_method, answer.status, body.get("error"), answer.headers)
        return body


# --- channels ----------------------------------------------------------------------------


class Channel(Protocol):
    """A place deliveries go. ``name`` is the delivery's channel (``slack``, ``war_room``,
    ``jira``, ``pagerduty``, ``salesforce``)."""

    @property
    def name(self) -> str:
        """The channel this sends to: ``slack``, ``war_room``, ``jira``, ``pagerduty`` or
        ``salesforce``."""
        ...

    def payload(self, alert: Any, delivery: Mapping[str, Any]) -> dict[str, Any]:
        """What to record and later send for one of ``alert.deliveries``."""
        ...

    def lookup(self, delivery: Delivery, retry: RetryPolicy) -> str | None:
        """The remote id when the delivery is already there (asked from the second attempt
        on), else None."""
        ...

    def send(self, delivery: Delivery, retry: RetryPolicy) -> str:
        """Sends it; returns the remote id. Raises ``DeliveryError``."""
        ...


def _slack_call(
    client: SlackClient,
    method: str,
    *,
    get: bool = False,
    **args: Any,
) -> dict[str, Any]:
    """One Slack call, its failure as a ``DeliveryError``."""
    try:
        if get:
            answer = client.api_call(method, http_verb="GET", params=args)
        else:
            answer = client.api_call(method, json=args)
    except SlackError as exc:
        raise _slack_error(method, exc.status, exc.error, exc.headers) from exc
    except OSError:
        raise
    except Exception as exc:
        response = getattr(exc, "response", None)
        status = getattr(response, "status_code", None)
        if response is None or status is None:
            raise
        headers = {
            str(k).lower(): str(v) for k, v in dict(getattr(response, "headers", {}) or {}).items()
        }
        error = None
        try:
            error = response.get("error")
        except Exception:
            pass
        raise _slack_error(method, int(status), error, headers) from exc
    data = getattr(answer, "data", answer)
    if not isinstance(data, Mapping):
        raise DeliveryError(f"slack {method}: not a JSON object")
    if not data.get("ok", False):
        raise _slack_error(method, 200, data.get("error"), {})
    return dict(data)


def _slack_error(
    method: str, status: int, error: str | None, headers: Mapping[str, str]
) -> DeliveryError:
    if status == 429 or error == "ratelimited":
        return DeliveryError(
            f"slack {method}: rate limited",
            transient=True,
            retry_after=_retry_after(headers.get("retry-after")),
            code=error or "ratelimited",
            status=status,
        )
    if status >= 500:
        return DeliveryError(f"slack {method}: HTTP {status}", transient=True, status=status)
    return DeliveryError(f"slack {method}: {error or f'HTTP {status}'}", code=error, status=status)


def _find_in_history(
    client: SlackClient,
    retry: RetryPolicy,
    channel_id: str,
    key: str,
    tag: str,
    oldest: datetime,
) -> dict[str, Any] | None:
    """The message of the channel whose metadata carries ``key`` (and ``tag`` as its channel),
    looking back to ``oldest``."""
    cursor = ""
    for _ in range(_MAX_PAGES):
        args: dict[str, Any] = {
            "channel": channel_id,
            "include_all_metadata": "true",
            "oldest": f"{oldest.timestamp():.6f}",
            "limit": 200,
        }
        if cursor:
            args["cursor"] = cursor
        page = retry.call(
            "slack conversations.history",
            functools.partial(_slack_call, client, "conversations.history", get=True, **args),
        )
        for message in page.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if (
                metadata.get("event_type") == "entitlement_alert"
                and payload.get("key") == key
                and payload.get("channel", tag) == tag
            ):
                return dict(message)
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
        if not cursor:
            return None
    return None


def _find_channel(client: SlackClient, retry: RetryPolicy, name: str) -> str | None:
    name = name.lstrip("#")
    cursor = ""
    for _ in range(_MAX_PAGES):
        args: dict[str, Any] = {
            "types": "public_channel,private_channel",
            "exclude_archived": "true",
            "limit": 200,
        }
        if cursor:
            args["cursor"] = cursor
        page = retry.call(
            "slack conversations.list",
            functools.partial(_slack_call, client, "conversations.list", get=True, **args),
        )
        for channel in page.get("channels") or []:
            if channel.get("name") == name:
                return str(channel["id"])
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
        if not cursor:
            return None
    return None


def _metadata(key: str, channel: str) -> dict[str, Any]:
    return {"event_type": "entitlement_alert", "event_payload": {"key": key, "channel": channel}}


class SlackChannel:
    """Every alert to one Slack channel (``#support-sla`` or its id): ``chat.postMessage`` with
    the alert's Block Kit message and metadata carrying its key; found again in the channel's
    history by that key. Scopes: ``chat:write``, ``channels:history`` (``groups:history`` for
    a private channel), ``channels:read``."""

    name: ClassVar[str] = "slack"

    def __init__(self, client: SlackClient, channel: str) -> None:
        self.client = client
        self.channel = channel
        self._channel_id: str | None = None if channel.startswith("#") else channel

    def payload(self, alert: Any, delivery: Mapping[str, Any]) -> dict[str, Any]:
        """The alert's Block Kit message (``text`` and ``blocks``)."""
        return dict(alert.slack_blocks())

    def send(self, delivery: Delivery, retry: RetryPolicy) -> str:
        """Posts the message with the key in its metadata; returns its ``ts``."""
        p = delivery.payload
        answer = retry.call(
            "slack chat.postMessage",
            lambda: _slack_call(
                self.client,
                "chat.postMessage",
                channel=self._channel_id or self.channel,
                text=p.get("text", ""),
                blocks=p.get("blocks", []),
                metadata=_metadata(delivery.event_key, self.name),
            ),
        )
        if answer.get("channel"):
            self._channel_id = str(answer["channel"])
        return str(answer["ts"])

    def lookup(self, delivery: Delivery, retry: RetryPolicy) -> str | None:
        """The ``ts`` of the channel's message carrying the key, if an earlier worker posted it."""
        if self._channel_id is None:
            self._channel_id = _find_channel(self.client, retry, self.channel)
            if self._channel_id is None:
                return None
        message = _find_in_history(
            self.client,
            retry,
            self._channel_id,
            delivery.event_key,
            self.name,
            delivery.created_at - timedelta(hours=1),
        )
        return None if message is None else str(message["ts"])


class WarRoomChannel:
    """``open_war_room``: creates ``#war-<account>-<case>`` (``name_taken``: the existing one),
    invites the account team (Slack user ids, or emails through ``users.lookupByEmail``),
    posts the alert with the account's context and pins it. Remote id ``<channel id>/<ts>``.
    Scopes: ``channels:manage``, ``channels:read``, ``channels:history``, ``chat:write``,
    ``pins:write``, ``users:read.email``."""

    name: ClassVar[str] = "war_room"

    def __init__(self, client: SlackClient) -> None:
        self.client = client

    def payload(self, alert: Any, delivery: Mapping[str, Any]) -> dict[str, Any]:
        """The room's name, who to invite, and the alert with the account's context."""
        message = dict(alert.slack_blocks())
        blocks = list(message.get("blocks", []))
        facts = [
            ("Account", alert.account_name or alert.account_id),
            ("ARR", alert.arr_text),
            ("Renewal", alert.renewal_date),
            ("Executive sponsor", _person(alert.executive_sponsor)),
            ("CSM", _person(alert.csm)),
        ]
        text = "\n".join(f"*{label}:* {_mrkdwn(str(v))}" for label, v in facts if v)
        if text:
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
        return {
            "name": delivery.get("target"),
            "invite": list(delivery.get("invite") or []),
            "text": message.get("text", ""),
            "blocks": blocks,
        }

    def send(self, delivery: Delivery, retry: RetryPolicy) -> str:
        """Opens the room, invites the team, posts and pins; returns ``<channel id>/<ts>``."""
        p = delivery.payload
        name = str(p["name"])
        channel_id = self._open(name, retry)
        self._invite(channel_id, [str(u) for u in p.get("invite") or []], retry)
        answer = retry.call(
            "slack chat.postMessage",
            lambda: _slack_call(
                self.client,
                "chat.postMessage",
                channel=channel_id,
                text=p.get("text", ""),
                blocks=p.get("blocks", []),
                metadata=_metadata(delivery.event_key, self.name),
            ),
        )
        ts = str(answer["ts"])
        self._pin(channel_id, ts, retry)
        return f"{channel_id}/{ts}"

    def lookup(self, delivery: Delivery, retry: RetryPolicy) -> str | None:
        """``<channel id>/<ts>`` of the room's message carrying the key (then pinned)."""
        channel_id = _find_channel(self.client, retry, str(delivery.payload["name"]))
        if channel_id is None:
            return None
        message = _find_in_history(
            self.client,
            retry,
            channel_id,
            delivery.event_key,
            self.name,
            delivery.created_at - timedelta(hours=1),
        )
        if message is None:
            return None
        ts = str(message["ts"])
        if channel_id not in (message.get("pinned_to") or []):
            self._pin(channel_id, ts, retry)  # the one step that may not have happened
        return f"{channel_id}/{ts}"

    def _open(self, name: str, retry: RetryPolicy) -> str:
        try:
            answer = retry.call(
                "slack conversations.create",
                lambda: _slack_call(self.client, "conversations.create", name=name),
            )
            return str(answer["channel"]["id"])
        except DeliveryError as exc:
            if exc.code != "name_taken":
                raise
        found = _find_channel(self.client, retry, name)
        if found is None:
            raise DeliveryError(f"slack: #{name} is taken but not listed (archived?)")
        return found

    def _invite(self, channel_id: str, people: Sequence[str], retry: RetryPolicy) -> None:
        users: list[str] = []
        for person in people:
            if "@" not in person:
                users.append(person)
                continue
            try:
                answer = retry.call(
                    "slack users.lookupByEmail",
                    functools.partial(
                        _slack_call, self.client, "users.lookupByEmail", get=True, email=person
                    ),
                )
                users.append(str(answer["user"]["id"]))
            except DeliveryError as exc:
                if exc.transient:
                    raise
                log.warning("war room: no Slack user for an account-team address (%s)", exc.code)
        if not users:
            return
        try:
            retry.call(
                "slack conversations.invite",
                lambda: _slack_call(
                    self.client, "conversations.invite", channel=channel_id, users=",".join(users)
                ),
            )
        except DeliveryError as exc:
            if exc.transient:
                raise
            if exc.code != "already_in_channel":
                # The room still gets its context; the people can be added by hand.
                log.warning("war room %s: invite failed: %s", channel_id, exc)

    def _pin(self, channel_id: str, ts: str, retry: RetryPolicy) -> None:
        try:
            retry.call(
                "slack pins.add",
                lambda: _slack_call(self.client, "pins.add", channel=channel_id, timestamp=ts),
            )
        except DeliveryError as exc:
            if exc.code != "already_pinned":
                raise


def _person(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        name = value.get("name")
        return str(name) if name else None
    return None


def _mrkdwn(text: str) -> str:
    return text[:500].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _check(answer: Response, what: str, ok: Iterable[int]) -> Response:
    """An HTTP answer as a ``DeliveryError`` unless its status is one of ``ok``."""
    if answer.status in set(ok):
        return answer
    detail = answer.body if isinstance(answer.body, (dict, list)) else str(answer.body or "")
    text = _json_dumps(detail)[:500] if detail else ""
    if answer.status == 429:
        raise DeliveryError(
            f"{what}: HTTP 429",
            transient=True,
            retry_after=_retry_after(answer.headers.get("retry-after")),
            status=429,
        )
    raise DeliveryError(
        f"{what}: HTTP {answer.status} {text}".rstrip(),
        transient=answer.status >= 500,
        status=answer.status,
    )


class JiraChannel:
    """``create_jira_issue``: ``POST /rest/api/3/issue`` with the alert's issue (Atlassian
    Document Format) in ``project`` and the dedupe label; found again by
    ``search/jql labels = "<label>"``. Remote id: the issue key."""

    name: ClassVar[str] = "jira"

    def __init__(self, transport: Transport, project: str, issue_type: str = "Task") -> None:
        self.transport = transport
        self.project = project
        self.issue_type = issue_type

    def payload(self, alert: Any, delivery: Mapping[str, Any]) -> dict[str, Any]:
        """The alert's issue in the project, with the dedupe label."""
        issue = dict(alert.jira_issue(self.project, self.issue_type))
        fields = dict(issue.get("fields", {}))
        labels = list(fields.get("labels") or [])
        if delivery.get("dedupe") and delivery["dedupe"] not in labels:
            labels.append(delivery["dedupe"])
        fields["labels"] = labels
        issue["fields"] = fields
        return issue

    def send(self, delivery: Delivery, retry: RetryPolicy) -> str:
        """Creates the issue; returns its key."""
        answer = retry.call(
            "jira create",
            lambda: _check(
                self.transport.request("POST", "/rest/api/3/issue", json=delivery.payload),
                "jira create",
                (200, 201),
            ),
        )
        return str(answer.body["key"])

    def lookup(self, delivery: Delivery, retry: RetryPolicy) -> str | None:
        """The key of the issue carrying the dedupe label, if there is one."""
        label = delivery.dedupe or ""
        answer = retry.call(
            "jira search",
            lambda: _check(
                self.transport.request(
                    "GET",
                    "/rest/api/3/search/jql",
                    params={"jql": f'labels = "{label}"', "fields": "key", "maxResults": "1"},
                ),
                "jira search",
                (200,),
            ),
        )
        issues = (answer.body or {}).get("issues") or []
        return str(issues[0]["key"]) if issues else None


class PagerDutyChannel:
    """``page_oncall``: an Events API v2 ``trigger`` with the delivery's dedup key (idempotent
    by design: no lookup); ``resolve`` rows resolve the pages of a completed milestone. The
    routing key is added when sending, never recorded."""

    name: ClassVar[str] = "pagerduty"

    def __init__(self, transport: Transport, routing_key: str, path: str = "/v2/enqueue") -> None:
        self.transport = transport
        self._routing_key = routing_key
        self.path = path

    def __repr__(self) -> str:
        return f"PagerDutyChannel({self.transport!r})"

    def payload(self, alert: Any, delivery: Mapping[str, Any]) -> dict[str, Any]:
        """The alert's Events v2 event, without the routing key, keyed by the dedupe value."""
        event = dict(alert.pagerduty_event(""))
        event.pop("routing_key", None)
        if delivery.get("dedupe"):
            event["dedup_key"] = delivery["dedupe"]
        return event

    def send(self, delivery: Delivery, retry: RetryPolicy) -> str:
        """Triggers the incident (a ``resolve`` row: resolves its pages); returns the dedup key."""
        if delivery.action == "resolve":
            keys = list(delivery.payload.get("dedup_keys") or [delivery.dedupe])
            for key in keys:
                self._enqueue({"event_action": "resolve", "dedup_key": key}, retry)
            return str(keys[0])
        event = dict(delivery.payload)
        event["event_action"] = "trigger"
        self._enqueue(event, retry)
        return str(event.get("dedup_key") or delivery.dedupe)

    def lookup(self, delivery: Delivery, retry: RetryPolicy) -> str | None:
        """None: a repeated trigger or resolve with the same dedup key changes nothing."""
        return None  # the dedup key makes a second trigger or resolve harmless

    def _enqueue(self, event: Mapping[str, Any], retry: RetryPolicy) -> None:
        body = {"routing_key": self._routing_key, **event}
        retry.call(
            "pagerduty enqueue",
            lambda: _check(
                self.transport.request("POST", self.path, json=body),
                "pagerduty enqueue",
                (200, 201, 202),
            ),
        )


class SalesforcePriorityChannel:
    """``raise_priority``: ``PATCH sobjects/Case/{Id}`` with ``{"Priority": target}``, skipped
    (remote id ``unchanged``) when the case already has it. The case id is the Salesforce
    record ``Id`` (``salesforce_cases`` makes it so)."""

    name: ClassVar[str] = "salesforce"

    def __init__(self, transport: Transport, api_version: str = SALESFORCE_API_VERSION) -> None:
        self.transport = transport
        self.api_version = api_version

    def payload(self, alert: Any, delivery: Mapping[str, Any]) -> dict[str, Any]:
        """The PATCH body: ``{"Priority": target}``."""
        return {"Priority": delivery.get("target")}

    def _path(self, case_id: str) -> str:
        quoted = urllib.parse.quote(case_id, safe="")
        return f"/services/data/{self.api_version}/sobjects/Case/{quoted}"

    def _current(self, delivery: Delivery, retry: RetryPolicy) -> Any:
        if not delivery.case_id:
            raise DeliveryError("salesforce: the event has no case id")
        path = self._path(delivery.case_id)
        answer = retry.call(
            "salesforce get case",
            lambda: _check(
                self.transport.request("GET", path, params={"fields": "Priority"}),
                "salesforce get case",
                (200,),
            ),
        )
        return (answer.body or {}).get("Priority")

    def send(self, delivery: Delivery, retry: RetryPolicy) -> str:
        """Sets the case's priority unless it has it; returns the case id or ``unchanged``."""
        target = delivery.payload.get("Priority")
        if self._current(delivery, retry) == target:
            return "unchanged"
        assert delivery.case_id is not None
        path = self._path(delivery.case_id)
        retry.call(
            "salesforce patch case",
            lambda: _check(
                self.transport.request("PATCH", path, json={"Priority": target}),
                "salesforce patch case",
                (200, 204),
            ),
        )
        return delivery.case_id

    def lookup(self, delivery: Delivery, retry: RetryPolicy) -> str | None:
        """The case id when the case already has the priority, else None."""
        if self._current(delivery, retry) == delivery.payload.get("Priority"):
            return delivery.case_id
        return None


# --- Salesforce cases in -----------------------------------------------------------------


def fetch_salesforce_records(
    transport: Transport,
    soql: str = CASES_SOQL,
    *,
    api_version: str = SALESFORCE_API_VERSION,
    retry: RetryPolicy | None = None,
    max_records: int = 1_000_000,
) -> list[dict[str, Any]]:
    """Every record of a SOQL query (``GET /services/data/vXX.X/query``), following
    ``nextRecordsUrl`` until ``done``; at most ``max_records`` (a ``DeliveryError`` past it)."""
    retry = retry or RetryPolicy()
    path = f"/services/data/{api_version}/query"
    params: dict[str, str] | None = {"q": soql}
    records: list[dict[str, Any]] = []
    while True:
        answer = retry.call(
            "salesforce query",
            functools.partial(_query_page, transport, path, params),
        )
        page = answer.body or {}
        records.extend(page.get("records") or [])
        if len(records) > max_records:
            raise DeliveryError(f"salesforce query: more than {max_records} records")
        if page.get("done", True) or not page.get("nextRecordsUrl"):
            return records
        path, params = str(page["nextRecordsUrl"]), None


def _query_page(transport: Transport, path: str, params: Mapping[str, str] | None) -> Response:
    return _check(transport.request("GET", path, params=params), "salesforce query", (200,))


def _sub(record: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    # An empty sub-query comes back as null, not as an empty list.
    related = record.get(name)
    return list(related["records"]) if related else []


def salesforce_cases(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Case records (with the sub-queries of ``CASES_SOQL``) as rule-engine cases: the case id
    is the record ``Id`` (what ``raise_priority`` patches), ``case_number``, ``priority``,
    ``severity`` and ``subject`` are case fields; status and severity changes, emails (agent and
    customer replies) and the close are events. Instants stay as Salesforce writes them
    (``2026-11-25T14:00:00.000+0000``), which the engine reads."""
    cases = []
    for r in records:
        events: list[dict[str, Any]] = []
        for h in _sub(r, "CaseHistories"):
            at = h["CreatedDate"]
            if h["Field"] == "Status":
                events.append({"at": at, "type": "status", "to": h["NewValue"]})
                if h["NewValue"] == "Solved":
                    events.append({"at": at, "type": "solved"})
            elif h["Field"] == "Severity__c":
                change = {"at": at, "type": "field", "field": "severity", "to": h["NewValue"]}
                if h.get("OldValue") is not None:
                    change["from"] = h["OldValue"]
                events.append(change)
        for m in _sub(r, "EmailMessages"):
            kind = "customer_reply" if m["Incoming"] else "agent_reply"
            events.append({"at": m["MessageDate"], "type": kind})
        if r.get("IsClosed") and r.get("ClosedDate"):
            events.append({"at": r["ClosedDate"], "type": "closed"})
        entitlement = (r.get("Entitlement") or {}).get("Name")
        cases.append(
            {
                "id": r["Id"],
                "entitlement": entitlement,
                "created_at": r["CreatedDate"],
                "fields": {
                    "case_number": r.get("CaseNumber"),
                    "priority": r.get("Priority"),
                    "severity": r.get("Severity__c"),
                    "subject": r.get("Subject"),
                },
                "events": events,
            }
        )
    return cases


# --- one run -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    """What one run did. ``failures``: every delivery of the ledger that is ``failed`` now
    (this run's or an earlier one's), for the job to report."""

    run_id: str
    status: str
    since: datetime | None
    now: datetime
    cases: int
    events: int
    alerts: int
    errors: int
    sent: int
    failed: int
    dry_run: int
    failures: list[Delivery] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready values (what the command line prints)."""
        data = dataclasses.asdict(self)
        data["since"] = None if self.since is None else self.since.isoformat()
        data["now"] = self.now.isoformat()
        data["failures"] = [
            {
                "event_key": f.event_key,
                "channel": f.channel,
                "attempts": f.attempts,
                "error": f.error,
            }
            for f in self.failures
        ]
        return data


def plan_deliveries(report: Any, channels: Mapping[str, Channel]) -> list[PlannedDelivery]:
    """One delivery row per alert and entry of ``alert.deliveries``: ``pending`` when its
    action is automated, else ``dry_run``; the payload from the channel (a minimal one when no
    channel of that name is configured: the row is then ``failed`` when worked off)."""
    plan = []
    for alert in report.alerts:
        for spec in alert.deliveries:
            channel = channels.get(spec["channel"])
            payload = (
                channel.payload(alert, spec)
                if channel is not None
                else {"key": alert.key, "title": alert.title, "target": spec.get("target")}
            )
            plan.append(
                PlannedDelivery(
                    event_key=alert.key,
                    channel=spec["channel"],
                    action=spec["action"],
                    status="pending" if spec["automated"] else "dry_run",
                    payload=payload,
                    target=spec.get("target"),
                    dedupe=spec.get("dedupe"),
                )
            )
    return plan


def _describe(p: PlannedDelivery) -> str:
    if p.channel == "war_room":
        invite = p.payload.get("invite") or []
        return f"would open #{p.target} and invite {len(invite)} people"
    if p.channel == "jira":
        return f"would create a Jira issue labelled {p.dedupe}"
    if p.channel == "pagerduty":
        return f"would page on-call (dedup key {p.dedupe})"
    if p.channel == "salesforce":
        return f"would set the case's priority to {p.target}"
    return f"would post to {p.channel}"


def run_monitor(
    rules: Any,
    cases: Iterable[Mapping[str, Any]],
    now: datetime,
    *,
    ledger: Ledger,
    channels: Iterable[Channel] | Mapping[str, Channel],
    lookback: timedelta = timedelta(hours=1),
    max_attempts: int = 8,
    retry: RetryPolicy | None = None,
    job: str = "entitlement",
) -> RunSummary:
    """One run of the monitor pipeline (the module's docstring): monitor ``(since, now]`` with
    ``rules`` (a ``Ruleset``) over ``cases``, record everything in ``ledger``, deliver through
    ``channels`` (``SlackChannel(...)``, ``WarRoomChannel(...)``, ...; by their ``name``),
    and return what it did. Raises ``LedgerUnavailable`` only when the database stays
    unreachable; a delivery that keeps failing is marked ``failed`` and reported in
    ``RunSummary.failures``."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"naive datetime {now!r}: pass an aware one")
    now = now.astimezone(timezone.utc)
    retry = retry or RetryPolicy()
    by_name: dict[str, Channel] = (
        dict(channels) if isinstance(channels, Mapping) else {c.name: c for c in channels}
    )
    ledger.migrate()
    last = ledger.last_finished_now()
    since = last if last is not None else now - lookback
    run = ledger.begin_run(job=job, since=since, now=now)
    cases = list(cases)
    # Counts of what the run monitored: a skipped run monitors no case (as the Node job counts).
    monitored = events = alerts = errors = dry_run = 0
    if now <= since:
        status = "skipped"
        log.info(
            "run %s: now %s is not after the last finished run's %s: skipped, nothing new is "
            "delivered",
            run.run_id,
            now.isoformat(),
            since.isoformat(),
        )
    else:
        status = "finished"
        monitored = len(cases)
        report = rules.monitor(cases, now, since=since)
        events, alerts, errors = len(report.events), len(report.alerts), len(report.errors)
        new = ledger.record(run, report, plan_deliveries(report, by_name))
        for p in new:
            if p.status == "dry_run":
                dry_run += 1
                log.info(
                    "dry run: %s for %s (%s not automated)", _describe(p), p.event_key, p.action
                )
    sent, failed = work_outbox(ledger, by_name, max_attempts=max_attempts, retry=retry)
    counts = RunCounts(
        cases=monitored,
        events=events,
        alerts=alerts,
        errors=errors,
        sent=sent,
        failed=failed,
        dry_run=dry_run,
    )
    ledger.finish_run(run, status, counts)
    failures = ledger.deliveries("failed")
    log.info(
        "run %s (%s, %s]: %d events, %d alerts, %d sent, %d failed, %d dry run%s",
        run.run_id,
        since.isoformat(),
        now.isoformat(),
        events,
        alerts,
        sent,
        failed,
        dry_run,
        f" ({status})" if status != "finished" else "",
    )
    for f in failures:
        log.warning(
            "failed delivery %s to %s after %d attempts: %s",
            f.event_key,
            f.channel,
            f.attempts,
            f.error,
        )
    return RunSummary(
        run_id=run.run_id,
        status=status,
        since=since,
        now=now,
        cases=monitored,
        events=events,
        alerts=alerts,
        errors=errors,
        sent=sent,
        failed=failed,
        dry_run=dry_run,
        failures=failures,
    )


def work_outbox(
    ledger: Ledger,
    channels: Mapping[str, Channel],
    *,
    max_attempts: int = 8,
    retry: RetryPolicy | None = None,
) -> tuple[int, int]:
    """Step 4: works off every pending delivery (and every failed one with attempts left),
    oldest first; returns (sent, failed) of this pass."""
    retry = retry or RetryPolicy()
    sent = failed = 0
    for row in ledger.pending(max_attempts):
        delivery = ledger.mark_attempt(row)
        channel = channels.get(delivery.channel)
        if channel is None:
            ledger.mark_failed(delivery, f"no {delivery.channel} channel configured")
            log.error(
                "failed %s %s: no %s channel configured",
                delivery.channel,
                delivery.event_key,
                delivery.channel,
            )
            failed += 1
            continue
        try:
            remote = None
            if delivery.attempts > 1:
                # An earlier worker may have sent it and died before marking it.
                remote = channel.lookup(delivery, retry)
                if remote is not None:
                    log.info(
                        "found %s %s already delivered (%s)",
                        delivery.channel,
                        delivery.event_key,
                        remote,
                    )
            if remote is None:
                remote = channel.send(delivery, retry)
                log.info("sent %s %s (%s)", delivery.channel, delivery.event_key, remote)
        except (DeliveryError, OSError) as exc:
            ledger.mark_failed(delivery, str(exc))
            log.warning(
                "failed %s %s (attempt %d of %d): %s",
                delivery.channel,
                delivery.event_key,
                delivery.attempts,
                max_attempts,
                exc,
            )
            failed += 1
            continue
        except Exception as exc:  # a malformed answer: reported, never a crash of the run
            ledger.mark_failed(delivery, f"{type(exc).__name__}: {exc}")
            log.exception("failed %s %s", delivery.channel, delivery.event_key)
            failed += 1
            continue
        ledger.mark_sent(delivery, remote)
        sent += 1
    return sent, failed


# --- the command line --------------------------------------------------------------------

_SPAN = re.compile(r"(\d+)\s*([dhms])")


def _span(text: str) -> timedelta:
    parts = _SPAN.findall(text)
    if not parts or _SPAN.sub("", text).strip():
        raise argparse.ArgumentTypeError(f"not a duration such as 1h or 30m: {text!r}")
    unit = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    return timedelta(seconds=sum(int(n) * unit[u] for n, u in parts))


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give an offset or Z: {text!r}")
    return value


def _setting(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "")
    return value if value else default


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m entitlement.pipeline``: one run, configured as the Node job is (the same
    options and the same environment variables, ``docs/deployment.md``). Secrets come from the
    environment only: ``SALESFORCE_ACCESS_TOKEN``, ``SLACK_BOT_TOKEN``, ``JIRA_EMAIL`` with
    ``JIRA_API_TOKEN``, ``PAGERDUTY_ROUTING_KEY``. A service whose URL is not set is not
    configured (its deliveries fail, reported, until it is). Prints the run's summary as JSON.
    Exit codes: 0 the run finished (failed deliveries stay in the ledger for the next runs);
    1 it could not finish (the ledger stayed unreachable); 2 bad configuration."""
    parser = argparse.ArgumentParser(
        prog="python -m entitlement.pipeline", description=main.__doc__
    )
    parser.add_argument("--rules", default=_setting("ENTITLEMENT_RULES"))
    parser.add_argument("--ledger", default=_setting("ENTITLEMENT_LEDGER", "entitlement-ledger.db"))
    parser.add_argument(
        "--now",
        type=_instant,
        default=_setting("ENTITLEMENT_NOW"),
        help="the window's end (default: the current time)",
    )
    parser.add_argument("--cases", help="a JSON file of cases, instead of the Salesforce query")
    parser.add_argument("--lookback", type=_span, default=_setting("ENTITLEMENT_LOOKBACK", "1h"))
    parser.add_argument("--slack-channel", default=_setting("ENTITLEMENT_SLACK_CHANNEL"))
    parser.add_argument("--jira-project", default=_setting("ENTITLEMENT_JIRA_PROJECT"))
    parser.add_argument(
        "--jira-issue-type", default=_setting("ENTITLEMENT_JIRA_ISSUE_TYPE", "Task")
    )
    parser.add_argument(
        "--max-attempts", type=int, default=_setting("ENTITLEMENT_MAX_ATTEMPTS", "8")
    )
    parser.add_argument(
        "--retry-base-seconds",
        type=float,
        default=_setting("ENTITLEMENT_RETRY_BASE_SECONDS", "1"),
    )
    parser.add_argument(
        "--ledger-retry-seconds",
        type=float,
        default=_setting("ENTITLEMENT_LEDGER_RETRY_SECONDS", "60"),
    )
    parser.add_argument("--job", default="entitlement")
    args = parser.parse_args(argv)
    # argparse converts string defaults with `type` too.
    if not args.rules:
        parser.error("the rules are required: --rules or ENTITLEMENT_RULES")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    from entitlement import EntitlementError, Ruleset

    retry = RetryPolicy(base_seconds=args.retry_base_seconds)
    try:
        rules = Ruleset.load(args.rules)
    except (OSError, EntitlementError) as exc:
        print(f"entitlement.pipeline: {args.rules}: {exc}", file=sys.stderr)
        return 2
    channels: list[Channel] = []
    salesforce = None
    salesforce_url = _setting("SALESFORCE_INSTANCE_URL")
    if salesforce_url:
        token = _setting("SALESFORCE_ACCESS_TOKEN", "")
        salesforce = HttpTransport(salesforce_url, {"Authorization": f"Bearer {token}"})
        channels.append(SalesforcePriorityChannel(salesforce))
    slack_token = _setting("SLACK_BOT_TOKEN")
    if slack_token:
        if not args.slack_channel:
            parser.error(
                "the Slack channel is required: --slack-channel or ENTITLEMENT_SLACK_CHANNEL"
            )
        slack = SlackHttpTransport(
            slack_token, _setting("SLACK_API_URL", "https://slack.com/api/") or ""
        )
        channels += [SlackChannel(slack, args.slack_channel), WarRoomChannel(slack)]
    jira_url = _setting("JIRA_URL")
    if jira_url:
        if not args.jira_project:
            parser.error("the Jira project is required: --jira-project or ENTITLEMENT_JIRA_PROJECT")
        account = f"{_setting('JIRA_EMAIL', '')}:{_setting('JIRA_API_TOKEN', '')}"
        basic = base64.b64encode(account.encode()).decode()
        jira = HttpTransport(jira_url, {"Authorization": f"Basic {basic}"})
        channels.append(JiraChannel(jira, args.jira_project, args.jira_issue_type))
    routing_key = _setting("PAGERDUTY_ROUTING_KEY")
    if routing_key:
        events_url = urllib.parse.urlsplit(
            _setting("PAGERDUTY_EVENTS_URL", "https://events.pagerduty.com/v2/enqueue") or ""
        )
        pd = HttpTransport(f"{events_url.scheme}://{events_url.netloc}")
        channels.append(PagerDutyChannel(pd, routing_key, path=events_url.path or "/v2/enqueue"))
    if args.cases:
        with open(args.cases, encoding="utf-8") as f:
            cases = json.load(f)
    elif salesforce is not None:
        cases = salesforce_cases(fetch_salesforce_records(salesforce, retry=retry))
    else:
        parser.error("no cases: set SALESFORCE_INSTANCE_URL or give --cases FILE")
    now = args.now or datetime.now(timezone.utc)
    try:
        with Ledger.open(
            args.ledger,
            retry_seconds=args.ledger_retry_seconds,
            retry_base_seconds=args.retry_base_seconds,
        ) as ledger:
            summary = run_monitor(
                rules,
                cases,
                now,
                ledger=ledger,
                channels=channels,
                lookback=args.lookback,
                max_attempts=args.max_attempts,
                retry=retry,
                job=args.job,
            )
    except LedgerUnavailable as exc:
        print(f"entitlement.pipeline: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(summary.to_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
