"""Loopback stand-ins for Salesforce, Slack, Jira and PagerDuty, with a request log and faults.

One standard-library HTTP server answers every service by path, in the documented shapes:

- Salesforce REST under ``/services/data/vNN.N/``: ``query?q=...`` (and ``query/?q=``) serves the
  recorded SOQL pages of ``--data`` (any SOQL; the pages are joined by ``nextRecordsUrl``);
  ``sobjects/Case/{Id}``: GET (``?fields=A,B`` picks fields) returns the recorded case with the
  fields PATCHed since (a case without a recorded ``Priority`` has ``Medium``), PATCH stores a
  JSON object of fields and answers 204, an unknown id is 404 ``NOT_FOUND``. A missing bearer
  token is 401 ``INVALID_SESSION_ID``.
- Slack Web API under ``/api/`` (form or JSON bodies, or query parameters; HTTP 200 with
  ``{"ok": false, "error": ...}`` for API errors): ``chat.postMessage`` (``channel`` an id or a
  ``#name``: a name the workspace has not seen yet is created on first post, as if it existed),
  ``conversations.history`` (``include_all_metadata``, ``oldest``/``latest``/``inclusive``,
  ``limit``/``cursor``; newest first; ``channel`` must be an id, as on Slack),
  ``conversations.create`` (``name_taken``), ``conversations.list``, ``conversations.info``,
  ``conversations.invite`` (``already_in_channel``: without ``force`` nobody is invited),
  ``pins.add`` (``already_pinned``), ``users.lookupByEmail`` (any address: a stable user id,
  ``U`` and 8 hex digits of its hash), ``auth.test``. Message ``ts`` are real clock time,
  strictly increasing.
- Jira REST under ``/rest/api/3/`` (and ``/2/``, for clients that default to it): ``POST issue``
  (201 ``{id, key, self}``; project, issue type and summary required, labels without spaces, an
  ADF description in v3), ``GET issue/{key}``, ``GET``/``POST search/jql`` (``nextPageToken``,
  ``isLast``) and the older ``search`` (``startAt``, ``total``). JQL: clauses on ``labels``,
  ``project``, ``key``, ``issuetype`` with ``=``, ``!=``, ``in``, ``not in``, joined by ``AND``.
- PagerDuty Events v2: ``POST /v2/enqueue`` (202 ``{status, message, dedup_key}``; 400
  ``invalid event`` with ``errors``); one incident per ``dedup_key`` (``trigger`` opens or
  deduplicates, ``acknowledge``, ``resolve``).

Control API (JSON; not logged):

- ``POST /_control`` a fault or a list of faults, each matched against ``service`` (optional),
  ``method`` (optional) and ``path`` (a substring of the request path), armed from its ``nth``
  matching request on (1 = the next one), firing ``times`` times (default 1); the first armed
  fault in order fires. ``{"fault": "status", "status": 429, "retry_after": 1}`` answers that
  status (with ``Retry-After``) without performing the request; ``{"fault": "kill", "pid": N}``
  performs and logs the request, SIGKILLs ``pid`` and closes the connection unanswered (the
  crash between send and mark); ``{"fault": "exec", "argv": [...]}`` performs the request, runs
  the command, then answers. ``GET /_control``: the pending and fired faults (with results).
- ``GET /_requests`` (``?service=``): the log; ``POST /_reset`` clears the faults (``?all=1``:
  also every service's state and the log); ``GET /_state``: what each service holds.

Every other request is appended to ``--log`` as one JSON line ``{"service", "method", "path",
"query", "body", "status", "at", "ok"}`` (``ok``: the service performed it, a 2xx that is not
Slack's ``ok: false``), with ``"fault"`` when one fired (a Slack ``token`` is left out).

Usage::

    python3 tests/services/loopback.py --log REQUESTS.jsonl --port-file PORT \\
        [--tls-port-file TLSPORT] [--data examples/airflow/recorded]

With ``--tls-port-file`` a second listener speaks HTTPS with a self-signed certificate for
127.0.0.1 and localhost, written to ``PORT.pem`` (``PORT`` being the ``--port-file``), for
``REQUESTS_CA_BUNDLE`` / ``NODE_EXTRA_CA_CERTS``. The port files are written last, when both
listeners accept connections; SIGTERM or SIGINT stops the server.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import os
import re
import shutil
import signal
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

JSON = Any
RECORDED = Path(__file__).resolve().parents[2] / "examples" / "airflow" / "recorded"
SERVICES = ("salesforce", "slack", "jira", "pagerduty")
MAX_BODY = 16 << 20

SLACK_TEAM = "T0LOOPBACK"
SLACK_BOT_USER = "U0BOT0000"
SLACK_BOT_ID = "B0BOT0000"
SLACK_APP_ID = "A0APP0000"
SLACK_NAME = re.compile(r"[a-z0-9_-]{1,80}")
SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,}")


@dataclass
class Reply:
    status: int
    body: JSON = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: JSON
    headers: Message
    base_url: str


class SlackError(Exception):
    def __init__(self, error: str, **extra: JSON) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def short_hash(text: str, digits: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:digits].upper()


def obj(value: JSON) -> dict[str, JSON]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def truthy(value: JSON) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def page_offset(token: JSON) -> int | None:
    """The offset of a page token made by ``page_token``; None for an invalid one."""
    if not token:
        return 0
    try:
        kind, _, number = base64.urlsafe_b64decode(str(token)).decode().partition(":")
        return int(number) if kind == "offset" and int(number) >= 0 else None
    except ValueError:
        return None


def load_pages(data: Path | None) -> list[dict[str, JSON]]:
    """The recorded SOQL pages of ``data``, in file-name order (``nextRecordsUrl`` chains them)."""
    if data is None or not data.is_dir():
        return []
    pages = [json.loads(p.read_text()) for p in sorted(data.glob("*.json"))]
    return [p for p in pages if isinstance(p, dict) and isinstance(p.get("records"), list)]


# --- faults -------------------------------------------------------------------------------------


@dataclass
class Fault:
    kind: str
    path: str
    service: str | None = None
    method: str | None = None
    nth: int = 1
    times: int = 1
    status: int = 503
    retry_after: float | None = None
    pid: int | None = None
    argv: list[str] | None = None
    seen: int = 0
    fired: int = 0
    results: list[dict[str, JSON]] = field(default_factory=list)

    @classmethod
    def parse(cls, spec: JSON) -> Fault:
        if not isinstance(spec, dict):
            raise ValueError("a fault is a JSON object")
        kind = spec.get("fault")
        if kind not in ("status", "kill", "exec"):
            raise ValueError("fault must be one of status, kill, exec")
        fault = cls(kind=kind, path=str(spec.get("path", "")))
        if spec.get("service") is not None:
            if spec["service"] not in SERVICES:
                raise ValueError(f"service must be one of {', '.join(SERVICES)}")
            fault.service = spec["service"]
        if spec.get("method") is not None:
            fault.method = str(spec["method"]).upper()
        for name in ("nth", "times"):
            value = spec.get(name, 1)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1")
            setattr(fault, name, value)
        if kind == "status":
            status = spec.get("status")
            if not isinstance(status, int) or not 400 <= status <= 599:
                raise ValueError("a status fault needs status, an HTTP error code (400-599)")
            fault.status = status
            retry_after = spec.get("retry_after")
            if retry_after is not None and not isinstance(retry_after, (int, float)):
                raise ValueError("retry_after must be a number of seconds")
            fault.retry_after = retry_after
        elif kind == "kill":
            if not isinstance(spec.get("pid"), int) or spec["pid"] <= 1:
                raise ValueError("a kill fault needs pid, the process to SIGKILL")
            fault.pid = spec["pid"]
        else:
            argv = spec.get("argv")
            if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
                raise ValueError("an exec fault needs argv, a non-empty list of strings")
            fault.argv = argv
        return fault

    def matches(self, service: str, method: str, path: str) -> bool:
        return (
            self.service in (None, service) and self.method in (None, method) and self.path in path
        )

    def describe(self) -> dict[str, JSON]:
        """The fault as set, with its matches ``seen`` and times ``fired``, and its ``results``."""
        out: dict[str, JSON] = {"fault": self.kind, "path": self.path}
        for name in ("service", "method"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        out |= {"nth": self.nth, "times": self.times}
        if self.kind == "status":
            out |= {"status": self.status, "retry_after": self.retry_after}
        out |= (
            {"pid": self.pid} if self.kind == "kill" else {"argv": self.argv} if self.argv else {}
        )
        return out | {"seen": self.seen, "fired": self.fired, "results": self.results}


def kill_and_wait(pid: int) -> dict[str, JSON]:
    """SIGKILL ``pid`` and wait (up to 5 s) until it is gone or a zombie."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return {"killed": pid, "error": "no such process"}
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            break
        if state in ("Z", "X"):
            break
        time.sleep(0.01)
    return {"killed": pid}


def run_command(argv: list[str]) -> dict[str, JSON]:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        return {"argv": argv, "error": str(err)}
    tail = {"stdout": done.stdout[-2000:], "stderr": done.stderr[-2000:]}
    return {"argv": argv, "returncode": done.returncode} | tail


def fault_reply(service: str, fault: Fault) -> Reply:
    """What a service answers when a status fault fires, in that service's error shape."""
    message = f"loopback fault: HTTP {fault.status}"
    body: JSON
    if service == "slack":
        body = {"ok": False, "error": "ratelimited" if fault.status == 429 else "fatal_error"}
    elif service == "salesforce":
        code = "REQUEST_LIMIT_EXCEEDED" if fault.status == 429 else "SERVER_UNAVAILABLE"
        body = [{"message": message, "errorCode": code}]
    elif service == "jira":
        body = {"errorMessages": [message], "errors": {}}
    else:
        body = {"status": "throttled" if fault.status == 429 else "error", "message": message}
    headers = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = str(math.ceil(fault.retry_after))
    return Reply(fault.status, body, headers)


# --- the services -------------------------------------------------------------------------------


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool
    created: int
    members: list[str] = field(default_factory=lambda: [SLACK_BOT_USER])
    pins: list[str] = field(default_factory=list)
    messages: list[dict[str, JSON]] = field(default_factory=list)

    def info(self) -> dict[str, JSON]:
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_private": self.is_private,
            "is_archived": False,
            "is_general": False,
            "is_member": SLACK_BOT_USER in self.members,
            "created": self.created,
            "creator": SLACK_BOT_USER,
            "num_members": len(self.members),
        }


class Services:
    """The state of the four fake services; every method runs under ``lock``."""

    def __init__(self, pages: list[dict[str, JSON]]) -> None:
        self.lock = threading.Lock()
        self.pages = pages
        self.cases = {r["Id"]: r for p in pages for r in p["records"] if isinstance(r, dict)}
        self.reset()

    def reset(self) -> None:
        self.case_updates: dict[str, dict[str, JSON]] = {}
        self.channels: dict[str, Channel] = {}
        self.users: dict[str, str] = {}
        self.last_ts_us = 0
        self.issues: list[dict[str, JSON]] = []
        self.incidents: dict[str, dict[str, JSON]] = {}

    def state(self) -> dict[str, JSON]:
        channels = {
            c.name: {
                "id": c.id,
                "name": c.name,
                "is_private": c.is_private,
                "members": c.members,
                "pins": c.pins,
                "messages": c.messages,
            }
            for c in self.channels.values()
        }
        issues = {
            i["key"]: {
                "id": i["id"],
                "key": i["key"],
                "project": i["project"],
                "issuetype": i["issuetype"],
                "summary": i["fields"].get("summary"),
                "labels": i["fields"].get("labels", []),
                "fields": i["fields"],
            }
            for i in self.issues
        }
        return {
            "salesforce": {"cases": self.case_updates},
            "slack": {"channels": channels, "users": self.users},
            "jira": {"issues": issues},
            "pagerduty": {"incidents": self.incidents},
        }

    def dispatch(self, service: str, req: Request) -> Reply:
        handler = {
            "salesforce": self.salesforce,
            "slack": self.slack,
            "jira": self.jira,
            "pagerduty": self.pagerduty,
        }[service]
        return handler(req)

    # Salesforce ---------------------------------------------------------------------------------

    def salesforce(self, req: Request) -> Reply:
        def error(status: int, code: str, message: str) -> Reply:
            return Reply(status, [{"message": message, "errorCode": code}])

        if not req.headers.get("Authorization", "").startswith("Bearer "):
            return error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        match = re.fullmatch(r"/services/data/v\d+\.\d+(/.*)?", req.path)
        rest = (match.group(1) or "").rstrip("/") if match else None
        if rest in ("/query", "/queryAll"):
            if not req.query.get("q"):
                return error(400, "MALFORMED_QUERY", "A query string has to be specified")
            empty = {"totalSize": 0, "done": True, "records": []}
            return Reply(200, self.pages[0] if self.pages else empty)
        if rest is not None and rest.startswith(("/query/", "/queryAll/")):
            for page, following in zip(self.pages, self.pages[1:], strict=False):
                if page.get("nextRecordsUrl", "").rsplit("/", 1)[-1] == rest.rsplit("/", 1)[-1]:
                    return Reply(200, following)
            return error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        case = re.fullmatch(r"/sobjects/Case/([^/]+)", rest or "")
        if case is None or req.method not in ("GET", "PATCH"):
            return error(404, "NOT_FOUND", "The requested resource does not exist")
        case_id = case.group(1)
        if case_id not in self.cases:
            return error(
                404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible"
            )
        if req.method == "PATCH":
            if not isinstance(req.body, dict) or "Id" in req.body:
                return error(400, "JSON_PARSER_ERROR", "the body must be a JSON object of fields")
            self.case_updates.setdefault(case_id, {}).update(req.body)
            return Reply(204)
        record = {
            k: v
            for k, v in self.cases[case_id].items()
            if k == "attributes" or not isinstance(v, dict)
        }
        record.setdefault("Priority", "Medium")
        record |= self.case_updates.get(case_id, {})
        record["attributes"] = {"type": "Case", "url": req.path}
        wanted = [f.strip() for f in req.query.get("fields", "").split(",") if f.strip()]
        for name in wanted:
            if name not in record:
                return error(400, "INVALID_FIELD", f"No such column '{name}' on entity 'Case'")
        if wanted:
            record = {k: record[k] for k in ["attributes", "Id", *wanted]}
        return Reply(200, record)

    # Slack --------------------------------------------------------------------------------------

    def slack(self, req: Request) -> Reply:
        params = dict(req.query) | obj(req.body)
        bearer = req.headers.get("Authorization", "")
        if not params.pop("token", None) and not bearer.startswith("Bearer "):
            return Reply(200, {"ok": False, "error": "not_authed"})
        method = req.path.removeprefix("/api/")
        handler = getattr(self, "slack_" + method.replace(".", "_"), None)
        if handler is None:
            return Reply(200, {"ok": False, "error": "unknown_method"})
        try:
            result = handler(params)
        except SlackError as err:
            return Reply(200, {"ok": False, "error": err.error} | err.extra)
        return Reply(200, {"ok": True} | result)

    def slack_channel(self, ref: JSON, create: bool = False) -> Channel:
        """A channel by id; with ``create``, also by (``#``)name, created on first use."""
        ref = str(ref or "")
        for channel in self.channels.values():
            if channel.id == ref or (create and channel.name == ref.removeprefix("#")):
                return channel
        name = ref.removeprefix("#")
        if not create or not SLACK_NAME.fullmatch(name):
            raise SlackError("channel_not_found")
        return self.slack_create(name, is_private=False)

    def slack_create(self, name: str, is_private: bool) -> Channel:
        channel = Channel(
            id="C" + short_hash(name, 10),
            name=name,
            is_private=is_private,
            created=int(time.time()),
        )
        self.channels[channel.id] = channel
        return channel

    def slack_ts(self) -> str:
        us = max(time.time_ns() // 1000, self.last_ts_us + 1)
        self.last_ts_us = us
        return f"{us // 1_000_000}.{us % 1_000_000:06d}"

    def slack_chat_postMessage(self, params: dict[str, JSON]) -> dict[str, JSON]:
        channel = self.slack_channel(params.get("channel"), create=True)
        message: dict[str, JSON] = {
            "type": "message",
            "user": SLACK_BOT_USER,
            "bot_id": SLACK_BOT_ID,
            "app_id": SLACK_APP_ID,
            "team": SLACK_TEAM,
            "text": params.get("text", ""),
        }
        for name, error in (("blocks", "invalid_blocks"), ("attachments", "invalid_attachments")):
            value = params.get(name)
            try:
                value = json.loads(value) if isinstance(value, str) else value
            except ValueError:
                raise SlackError(error) from None
            if value is not None:
                if not isinstance(value, list):
                    raise SlackError(error)
                message[name] = value
        if not (message["text"] or message.get("blocks") or message.get("attachments")):
            raise SlackError("no_text")
        metadata = params.get("metadata")
        if metadata is not None:
            try:
                metadata = json.loads(metadata) if isinstance(metadata, str) else metadata
            except ValueError:
                raise SlackError("invalid_metadata_format") from None
            if not (
                isinstance(metadata, dict)
                and isinstance(metadata.get("event_type"), str)
                and isinstance(metadata.get("event_payload"), dict)
            ):
                raise SlackError("invalid_metadata_format")
            message["metadata"] = {
                "event_type": metadata["event_type"],
                "event_payload": metadata["event_payload"],
            }
        if params.get("thread_ts"):
            message["thread_ts"] = str(params["thread_ts"])
        message["ts"] = self.slack_ts()
        channel.messages.append(message)
        return {"channel": channel.id, "ts": message["ts"], "message": message}

    def slack_conversations_history(self, params: dict[str, JSON]) -> dict[str, JSON]:
        channel = self.slack_channel(params.get("channel"))
        try:
            oldest = Decimal(str(params.get("oldest") or 0))
        except InvalidOperation:
            raise SlackError("invalid_ts_oldest") from None
        try:
            latest = Decimal(str(params["latest"])) if params.get("latest") else None
        except InvalidOperation:
            raise SlackError("invalid_ts_latest") from None
        inclusive = truthy(params.get("inclusive"))
        metadata = truthy(params.get("include_all_metadata"))
        limit = min(max(int(params.get("limit") or 100), 1), 999)
        offset = page_offset(params.get("cursor"))
        if offset is None:
            raise SlackError("invalid_cursor")
        selected = []
        for message in reversed(channel.messages):
            ts = Decimal(message["ts"])
            after = ts >= oldest if inclusive else ts > oldest
            before = latest is None or (ts <= latest if inclusive else ts < latest)
            if after and before:
                shown = {k: v for k, v in message.items() if k != "metadata" or metadata}
                if message["ts"] in channel.pins:
                    shown["pinned_to"] = [channel.id]
                selected.append(shown)
        page = selected[offset : offset + limit]
        more = offset + limit < len(selected)
        return {
            "messages": page,
            "has_more": more,
            "pin_count": len(channel.pins),
            "response_metadata": {"next_cursor": page_token(offset + limit) if more else ""},
        }

    def slack_conversations_create(self, params: dict[str, JSON]) -> dict[str, JSON]:
        name = str(params.get("name") or "")
        if not name:
            raise SlackError("invalid_name_required")
        if len(name) > 80:
            raise SlackError("invalid_name_maxlength")
        if not SLACK_NAME.fullmatch(name):
            raise SlackError("invalid_name_specials")
        if any(c.name == name for c in self.channels.values()):
            raise SlackError("name_taken")
        return {"channel": self.slack_create(name, truthy(params.get("is_private"))).info()}

    def slack_conversations_list(self, params: dict[str, JSON]) -> dict[str, JSON]:
        types = str(params.get("types") or "public_channel").split(",")
        limit = min(max(int(params.get("limit") or 100), 1), 1000)
        offset = page_offset(params.get("cursor"))
        if offset is None:
            raise SlackError("invalid_cursor")
        listed = [
            c.info()
            for c in self.channels.values()
            if ("private_channel" if c.is_private else "public_channel") in types
        ]
        more = offset + limit < len(listed)
        return {
            "channels": listed[offset : offset + limit],
            "response_metadata": {"next_cursor": page_token(offset + limit) if more else ""},
        }

    def slack_conversations_info(self, params: dict[str, JSON]) -> dict[str, JSON]:
        return {"channel": self.slack_channel(params.get("channel")).info()}

    def slack_conversations_invite(self, params: dict[str, JSON]) -> dict[str, JSON]:
        channel = self.slack_channel(params.get("channel"))
        users = params.get("users") or ""
        users = users if isinstance(users, list) else str(users).split(",")
        users = [str(u).strip() for u in users if str(u).strip()]
        if not users:
            raise SlackError("no_user")
        errors = []
        for user in users:
            if not SLACK_USER.fullmatch(user):
                errors.append({"user": user, "ok": False, "error": "user_not_found"})
            elif user == SLACK_BOT_USER:
                errors.append({"user": user, "ok": False, "error": "cant_invite_self"})
            elif user in channel.members:
                errors.append({"user": user, "ok": False, "error": "already_in_channel"})
        if errors and not truthy(params.get("force")):
            raise SlackError(errors[0]["error"], errors=errors)
        failed = {e["user"] for e in errors}
        for user in users:
            if user not in failed and user not in channel.members:
                channel.members.append(user)
        return {"channel": channel.info()} | ({"errors": errors} if errors else {})

    def slack_pins_add(self, params: dict[str, JSON]) -> dict[str, JSON]:
        channel = self.slack_channel(params.get("channel"))
        ts = str(params.get("timestamp") or "")
        if not any(m["ts"] == ts for m in channel.messages):
            raise SlackError("message_not_found")
        if ts in channel.pins:
            raise SlackError("already_pinned")
        channel.pins.append(ts)
        return {}

    def slack_users_lookupByEmail(self, params: dict[str, JSON]) -> dict[str, JSON]:
        email = str(params.get("email") or "").strip().lower()
        if "@" not in email:
            raise SlackError("users_not_found")
        user_id = self.users.setdefault(email, "U" + short_hash(email, 8))
        name = email.split("@")[0]
        profile = {"email": email, "real_name": name, "display_name": name}
        user = {"id": user_id, "team_id": SLACK_TEAM, "name": name, "real_name": name}
        return {"user": user | {"deleted": False, "is_bot": False, "profile": profile}}

    def slack_auth_test(self, params: dict[str, JSON]) -> dict[str, JSON]:
        return {
            "url": "https://loopback.slack.com/",
            "team": "Loopback",
            "user": "entitlement",
            "team_id": SLACK_TEAM,
            "user_id": SLACK_BOT_USER,
            "bot_id": SLACK_BOT_ID,
            "is_enterprise_install": False,
        }

    # Jira ---------------------------------------------------------------------------------------

    def jira(self, req: Request) -> Reply:
        def error(status: int, *messages: str, **errors: str) -> Reply:
            return Reply(status, {"errorMessages": list(messages), "errors": errors})

        if not req.headers.get("Authorization"):
            return error(401, "You are not authenticated. Authentication required.")
        match = re.fullmatch(r"/rest/api/([23])/(.+?)/?", req.path)
        version, route = (match.group(1), match.group(2)) if match else ("3", "")
        params = req.body if req.method == "POST" and isinstance(req.body, dict) else req.query
        if route == "issue" and req.method == "POST":
            return self.jira_create(req, version, error)
        if route.startswith("issue/") and req.method == "GET":
            ref = route.removeprefix("issue/")
            for issue in self.issues:
                if ref in (issue["id"], issue["key"]):
                    return Reply(200, self.jira_view(req, version, issue, ["*all"]))
            return error(404, "Issue does not exist or you do not have permission to see it.")
        if route in ("search/jql", "search") and req.method in ("GET", "POST"):
            try:
                found = self.jira_search(str(params.get("jql") or ""))
            except ValueError as err:
                return error(400, f"Error in the JQL Query: {err}")
            fields = params.get("fields")
            fields = fields if isinstance(fields, list) else str(fields or "").split(",")
            fields = [f.strip() for f in fields if f.strip()]
            limit = min(max(int(params.get("maxResults") or 50), 1), 5000)
            if route == "search":
                start = int(params.get("startAt") or 0)
                views = [self.jira_view(req, version, i, fields or ["*navigable"]) for i in found]
                page = views[start : start + limit]
                body = {"startAt": start, "maxResults": limit, "total": len(found), "issues": page}
                return Reply(200, {"expand": "schema,names"} | body)
            offset = page_offset(params.get("nextPageToken"))
            if offset is None:
                return error(400, "The nextPageToken is invalid.")
            views = [self.jira_view(req, version, i, fields) for i in found]
            more = offset + limit < len(found)
            body = {"issues": views[offset : offset + limit], "isLast": not more}
            return Reply(
                200, body | ({"nextPageToken": page_token(offset + limit)} if more else {})
            )
        if route == "myself":
            return Reply(
                200, {"accountId": "loopback", "displayName": "Entitlement", "active": True}
            )
        if route == "serverInfo":
            info = {"baseUrl": req.base_url, "version": "1001.0.0", "deploymentType": "Cloud"}
            return Reply(200, info)
        return error(404, "No resource at this path.")

    def jira_create(self, req: Request, version: str, error: Callable[..., Reply]) -> Reply:
        fields = obj(req.body).get("fields")
        if not isinstance(fields, dict):
            return error(400, "The request body must have fields.")
        errors: dict[str, str] = {}
        project = obj(fields.get("project"))
        project_key = project.get("key") or project.get("id")
        if not project_key:
            errors["project"] = "Specify a valid project ID or key"
        issuetype = obj(fields.get("issuetype"))
        if not (issuetype.get("name") or issuetype.get("id")):
            errors["issuetype"] = "Specify an issue type"
        if not str(fields.get("summary") or "").strip():
            errors["summary"] = "You must specify a summary of the issue."
        labels = fields.get("labels", [])
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            errors["labels"] = "Labels must be a list of strings."
        elif any(not x or " " in x for x in labels):
            bad = next(x for x in labels if not x or " " in x)
            errors["labels"] = f"The label '{bad}' contains spaces which is invalid."
        description = fields.get("description")
        adf = isinstance(description, dict) and description.get("type") == "doc"
        if description is not None and version == "3" and not adf:
            errors["description"] = "Operation value must be an Atlassian Document."
        if errors:
            return error(400, **errors)
        number = 1 + sum(1 for i in self.issues if i["project"] == project_key)
        issue = {
            "id": str(10000 + len(self.issues) + 1),
            "key": f"{project_key}-{number}",
            "project": project_key,
            "issuetype": issuetype.get("name") or issuetype.get("id"),
            "fields": fields | {"created": now_iso()},
        }
        self.issues.append(issue)
        this = f"{req.base_url}/rest/api/{version}/issue/{issue['id']}"
        return Reply(201, {"id": issue["id"], "key": issue["key"], "self": this})

    def jira_view(
        self, req: Request, version: str, issue: dict[str, JSON], fields: list[str]
    ) -> dict[str, JSON]:
        view = {
            "id": issue["id"],
            "key": issue["key"],
            "self": f"{req.base_url}/rest/api/{version}/issue/{issue['id']}",
        }
        every = issue["fields"] | {
            "project": {"key": issue["project"]},
            "issuetype": {"name": issue["issuetype"]},
            "labels": issue["fields"].get("labels", []),
        }
        if {"*all", "*navigable"} & set(fields):
            view["fields"] = every
        elif [f for f in fields if f != "id"]:
            view["fields"] = {f: every.get(f) for f in fields if f != "id"}
        return view

    def jira_search(self, jql: str) -> list[dict[str, JSON]]:
        """The issues matching ``jql``: clauses joined by AND; ValueError for anything else."""
        jql = re.split(r"\s+order\s+by\s+", jql.strip(), flags=re.IGNORECASE)[0].strip()
        value = r'"[^"]*"|\'[^\']*\'|[^\s(),"\']+'
        clause = re.compile(
            rf"(\w+)\s*(?:(!=|=)\s*({value})|\s(not\s+in|in)\s*\(\s*((?:{value})(?:\s*,\s*(?:{value}))*)\s*\))",
            re.IGNORECASE,
        )
        tests = []
        for text in re.split(r"\s+AND\s+", jql, flags=re.IGNORECASE) if jql else []:
            match = clause.fullmatch(text.strip())
            if match is None:
                raise ValueError(f"unsupported clause '{text}' (labels, project, key, issuetype)")
            name = match.group(1).lower()
            if name not in ("labels", "project", "key", "issuetype"):
                raise ValueError(f"field '{match.group(1)}' is not supported here")
            raw = [match.group(3)] if match.group(2) else re.findall(value, match.group(5))
            values = {v.strip("\"'") for v in raw}
            negate = (match.group(2) or match.group(4)).lower() in ("!=", "not in")
            tests.append((name, values, negate))

        def keep(issue: dict[str, JSON]) -> bool:
            for name, values, negate in tests:
                if name == "labels":
                    have = set(issue["fields"].get("labels", []))
                else:
                    have = {str(issue[name])}
                if bool(have & values) == negate:
                    return False
            return True

        return [i for i in self.issues if keep(i)]

    # PagerDuty ----------------------------------------------------------------------------------

    def pagerduty(self, req: Request) -> Reply:
        if req.path.rstrip("/") != "/v2/enqueue" or req.method != "POST":
            return Reply(404, {"status": "not found", "message": "No such endpoint."})
        event = obj(req.body)
        errors = []
        if not isinstance(event.get("routing_key"), str) or not event["routing_key"]:
            errors.append("'routing_key' is missing or blank")
        action = event.get("event_action")
        if action not in ("trigger", "acknowledge", "resolve"):
            errors.append("'event_action' must be one of trigger, acknowledge, resolve")
        dedup_key = event.get("dedup_key")
        if dedup_key is not None and (not isinstance(dedup_key, str) or len(dedup_key) > 255):
            errors.append("'dedup_key' must be a string of at most 255 characters")
        payload = obj(event.get("payload"))
        if action == "trigger":
            if not payload.get("summary") or len(str(payload["summary"])) > 1024:
                errors.append("'payload.summary' is missing, blank or longer than 1024")
            if not payload.get("source"):
                errors.append("'payload.source' is missing or blank")
            if payload.get("severity") not in ("critical", "error", "warning", "info"):
                errors.append("'payload.severity' must be one of critical, error, warning, info")
        elif not dedup_key:
            errors.append("'dedup_key' is required to acknowledge or resolve")
        if errors:
            invalid = {"status": "invalid event", "message": "Event object is invalid"}
            return Reply(400, invalid | {"errors": errors})
        key = dedup_key or uuid.uuid4().hex
        incident = self.incidents.get(key)
        if action == "trigger":
            if incident is None or incident["status"] == "resolved":
                opened = incident["opened"] + 1 if incident else 1
                incident = self.incidents[key] = {"status": "triggered", "opened": opened}
                incident["triggers"] = 0
            incident["triggers"] += 1
            incident |= {k: payload.get(k) for k in ("summary", "source", "severity")}
        elif incident is not None and incident["status"] != "resolved":
            incident["status"] = "acknowledged" if action == "acknowledge" else "resolved"
        return Reply(202, {"status": "success", "message": "Event processed", "dedup_key": key})


# --- the HTTP side ------------------------------------------------------------------------------


def service_of(path: str) -> str | None:
    if path.startswith("/services/data/"):
        return "salesforce"
    if path.startswith("/api/"):
        return "slack"
    if path.startswith("/rest/api/"):
        return "jira"
    if path.startswith("/v2/"):
        return "pagerduty"
    return None


class Loopback:
    """The services, the faults and the request log, shared by the HTTP and HTTPS listeners."""

    def __init__(self, log: Path, pages: list[dict[str, JSON]]) -> None:
        self.services = Services(pages)
        self.lock = self.services.lock
        self.log_path = log
        self.log: list[dict[str, JSON]] = []
        self.pending: list[Fault] = []
        self.fired: list[Fault] = []

    def take_fault(self, service: str, method: str, path: str) -> Fault | None:
        chosen = None
        for fault in self.pending:
            if fault.matches(service, method, path):
                fault.seen += 1
                if chosen is None and fault.seen >= fault.nth:
                    chosen = fault
        if chosen is not None:
            chosen.fired += 1
            if chosen.fired >= chosen.times:
                self.pending.remove(chosen)
                self.fired.append(chosen)
        return chosen

    def record(self, service: str | None, req: Request, reply: Reply, fault: Fault | None) -> None:
        body = req.body
        if isinstance(body, dict) and "token" in body:
            body = {k: v for k, v in body.items() if k != "token"}
        entry = {
            "service": service,
            "method": req.method,
            "path": req.path,
            "query": req.query,
            "body": body,
            "status": reply.status,
            "at": now_iso(),
            # Performed: a 2xx that is not a Slack ``ok: false`` (Slack answers errors with 200).
            "ok": 200 <= reply.status < 300
            and not (isinstance(reply.body, dict) and reply.body.get("ok") is False),
        }
        if fault is not None:
            entry["fault"] = fault.kind
        self.log.append(entry)
        with self.log_path.open("a") as f:
            f.write(json.dumps(entry) + "\n")

    def control(self, req: Request) -> Reply:
        if req.path == "/_control" and req.method == "POST":
            specs = req.body if isinstance(req.body, list) else [req.body]
            try:
                faults = [Fault.parse(s) for s in specs]
            except ValueError as err:
                return Reply(400, {"ok": False, "error": str(err)})
            self.pending.extend(faults)
            return Reply(200, {"ok": True, "pending": [f.describe() for f in self.pending]})
        if req.path == "/_control" and req.method == "GET":
            pending = [f.describe() for f in self.pending]
            return Reply(200, {"pending": pending, "fired": [f.describe() for f in self.fired]})
        if req.path == "/_requests" and req.method == "GET":
            wanted = req.query.get("service")
            return Reply(200, [e for e in self.log if wanted in (None, e["service"])])
        if req.path == "/_state" and req.method == "GET":
            return Reply(200, self.services.state())
        if req.path == "/_reset" and req.method == "POST":
            self.pending.clear()
            self.fired.clear()
            everything = truthy(req.query.get("all")) or (
                isinstance(req.body, dict) and truthy(req.body.get("all"))
            )
            if everything:
                self.services.reset()
                self.log.clear()
                self.log_path.write_text("")
            return Reply(200, {"ok": True})
        return Reply(404, {"ok": False, "error": "no such control endpoint"})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def do_GET(self) -> None:
        loop = self.server.loopback
        url = urllib.parse.urlsplit(self.path)
        query = {
            k: v[0] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()
        }
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        req = Request(
            self.command,
            url.path,
            query,
            self.read_body(),
            self.headers,
            f"{self.server.scheme}://{host}",
        )
        if url.path.startswith("/_"):
            with loop.lock:
                self.answer(loop.control(req))
            return
        service = service_of(url.path)
        with loop.lock:
            fault = loop.take_fault(service, req.method, req.path) if service else None
            if service is None:
                reply = Reply(404, {"error": "no loopback service at this path"})
            elif fault is not None and fault.kind == "status":
                reply = fault_reply(service, fault)
            else:
                reply = loop.services.dispatch(service, req)
            loop.record(service, req, reply, fault)
        if fault is not None and fault.kind == "kill" and fault.pid is not None:
            result = kill_and_wait(fault.pid)
            with loop.lock:
                fault.results.append(result)
            self.close_connection = True
            return
        if fault is not None and fault.kind == "exec" and fault.argv is not None:
            result = run_command(fault.argv)
            with loop.lock:
                fault.results.append(result)
        self.answer(reply)

    do_POST = do_PATCH = do_PUT = do_DELETE = do_GET

    def read_body(self) -> JSON:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while (size := int(self.rfile.readline().split(b";")[0], 16)) > 0:
                chunks.append(self.rfile.read(min(size, MAX_BODY)))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            raw = b"".join(chunks)
        else:
            raw = self.rfile.read(min(int(self.headers.get("Content-Length") or 0), MAX_BODY))
        text = raw.decode("utf-8", errors="replace")
        kind = self.headers.get("Content-Type", "")
        # The control API reads JSON whatever the type says (``curl -d`` says form).
        if "application/x-www-form-urlencoded" in kind and not self.path.startswith("/_"):
            return {k: v[0] for k, v in urllib.parse.parse_qs(text, keep_blank_values=True).items()}
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return text

    def answer(self, reply: Reply) -> None:
        body = b"" if reply.body is None else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, loopback: Loopback, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.loopback = loopback
        self.tls = tls
        self.scheme = "https" if tls else "http"

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake runs here, in the request's own thread, never in the accept loop.
        if self.tls is not None:
            request = self.tls.wrap_socket(request, server_side=True)
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


def make_certificate(pem: Path, workdir: Path) -> ssl.SSLContext:
    """A self-signed certificate for 127.0.0.1 and localhost, written to ``pem``; its context."""
    key, cert = workdir / "key.pem", workdir / "cert.pem"
    argv = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30"
    san = "subjectAltName=IP:127.0.0.1,DNS:localhost"
    argv += f" -subj /CN=127.0.0.1 -addext {san} -keyout {key} -out {cert}"
    subprocess.run(argv.split(), check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    write_atomically(pem, cert.read_text())
    return context


def write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log", type=Path, required=True, help="the request log (JSON lines)")
    parser.add_argument("--port-file", type=Path, required=True, help="gets the HTTP port")
    parser.add_argument("--tls-port-file", type=Path, help="starts HTTPS and gets its port")
    parser.add_argument("--data", type=Path, default=RECORDED, help="the recorded SOQL pages")
    args = parser.parse_args()

    loopback = Loopback(args.log, load_pages(args.data))
    args.log.touch()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    workdir = Path(tempfile.mkdtemp(prefix="loopback-"))
    servers = [Server(loopback)]
    try:
        if args.tls_port_file is not None:
            pem = args.port_file.with_name(args.port_file.name + ".pem")
            servers.append(Server(loopback, make_certificate(pem, workdir)))
        for server in servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        if args.tls_port_file is not None:
            write_atomically(args.tls_port_file, str(servers[1].server_address[1]))
        write_atomically(args.port_file, str(servers[0].server_address[1]))
        while not stop.wait(0.5):
            pass
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
