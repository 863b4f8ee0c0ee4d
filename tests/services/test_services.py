"""The loopback services speak the documented shapes, inject their faults, and the throwaway
PostgreSQL starts, survives a restart with its data, and leaves nothing behind when stopped.

Run: ``.venv/bin/python -m pytest -p no:cacheprovider tests/services`` (standard library and
pytest only; the PostgreSQL tests install Debian's ``postgresql`` when it is missing).
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
LOOPBACK = HERE / "loopback.py"
POSTGRES = HERE / "postgres.sh"
SF = "/services/data/v61.0"
CASE = "5005e0000000000001"
SLACK_AUTH = {"Authorization": "Bearer xoxb-test"}
SF_AUTH = {"Authorization": "Bearer test-token"}
JIRA_AUTH = {"Authorization": "Basic dXNlcjp0b2tlbg=="}


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class Loopback:
    port: int
    tls_port: int
    cert: Path
    log: Path
    process: subprocess.Popen[bytes]

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        tls: bool = False,
        timeout: float = 30,
    ) -> Answer:
        data = None
        sent = dict(headers or {})
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        scheme, port = ("https", self.tls_port) if tls else ("http", self.port)
        request = urllib.request.Request(
            f"{scheme}://127.0.0.1:{port}{path}", data=data, headers=sent, method=method
        )
        context = ssl.create_default_context(cafile=str(self.cert)) if tls else None
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=context) as reply:
                status, got, raw = reply.status, dict(reply.headers), reply.read()
        except urllib.error.HTTPError as err:
            status, got, raw = err.code, dict(err.headers), err.read()
        return Answer(status, got, json.loads(raw) if raw else None)

    def slack(self, method: str, **params: Any) -> Any:
        return self.call("POST", f"/api/{method}", params, headers=SLACK_AUTH).body

    def state(self) -> Any:
        return self.call("GET", "/_state").body

    def requests(self, service: str | None = None) -> list[Any]:
        query = f"?service={service}" if service else ""
        log: list[Any] = self.call("GET", "/_requests" + query).body
        return log

    def fault(self, **spec: Any) -> Answer:
        return self.call("POST", "/_control", spec)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loopback]:
    tmp = tmp_path_factory.mktemp("loopback")
    port_file, tls_file, log = tmp / "port", tmp / "tlsport", tmp / "requests.jsonl"
    argv = [sys.executable, str(LOOPBACK), "--log", str(log), "--port-file", str(port_file)]
    process = subprocess.Popen([*argv, "--tls-port-file", str(tls_file)])
    try:
        deadline = time.monotonic() + 30
        while not port_file.exists():
            assert process.poll() is None, "the loopback server exited at start"
            assert time.monotonic() < deadline, "the loopback server wrote no port file"
            time.sleep(0.05)
        yield Loopback(
            int(port_file.read_text()),
            int(tls_file.read_text()),
            tmp / "port.pem",
            log,
            process,
        )
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@pytest.fixture
def loopback(server: Loopback) -> Loopback:
    assert server.call("POST", "/_reset?all=1").body == {"ok": True}
    return server


def post_alert(loopback: Loopback, key: str, channel: str = "#support-sla") -> Any:
    metadata = {
        "event_type": "entitlement_alert",
        "event_payload": {"key": key, "channel": "slack"},
    }
    return loopback.slack("chat.postMessage", channel=channel, text=key, metadata=metadata)


# --- Salesforce -------------------------------------------------------------------------------


def test_salesforce_query_pages_follow_next_records_url(loopback: Loopback) -> None:
    first = loopback.call("GET", f"{SF}/query/?q=SELECT+Id+FROM+Case", headers=SF_AUTH)
    assert first.status == 200
    assert first.body["done"] is False
    second = loopback.call("GET", first.body["nextRecordsUrl"], headers=SF_AUTH)
    assert second.body["done"] is True
    assert "nextRecordsUrl" not in second.body
    ids = [r["Id"] for r in first.body["records"] + second.body["records"]]
    assert len(ids) == len(set(ids)) == first.body["totalSize"] == 19


def test_salesforce_refuses_a_request_without_a_session(loopback: Loopback) -> None:
    answer = loopback.call("GET", f"{SF}/query?q=SELECT+Id+FROM+Case")
    assert answer.status == 401
    assert answer.body == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
    ]


def test_salesforce_case_get_patch_and_errors(loopback: Loopback) -> None:
    path = f"{SF}/sobjects/Case/{CASE}"
    before = loopback.call("GET", path + "?fields=Priority", headers=SF_AUTH).body
    # The recorded page's priority (a case recorded without one reads as Medium).
    assert before == {
        "attributes": {"type": "Case", "url": path},
        "Id": CASE,
        "Priority": "High",
    }
    patched = loopback.call("PATCH", path, {"Priority": "Low"}, headers=SF_AUTH)
    assert (patched.status, patched.body) == (204, None)
    after = loopback.call("GET", path, headers=SF_AUTH).body
    assert after["Priority"] == "Low"
    assert after["CaseNumber"] == "00001001"
    assert "CaseHistories" not in after  # relationship subqueries are not sobject fields
    assert loopback.state()["salesforce"]["cases"] == {CASE: {"Priority": "Low"}}
    missing = loopback.call("GET", f"{SF}/sobjects/Case/500000000000000XXX", headers=SF_AUTH)
    assert (missing.status, missing.body[0]["errorCode"]) == (404, "NOT_FOUND")
    bad_field = loopback.call("GET", path + "?fields=Nope__c", headers=SF_AUTH)
    assert (bad_field.status, bad_field.body[0]["errorCode"]) == (400, "INVALID_FIELD")


def test_salesforce_answers_on_tls_with_the_written_certificate(loopback: Loopback) -> None:
    answer = loopback.call("GET", f"{SF}/sobjects/Case/{CASE}", headers=SF_AUTH, tls=True)
    assert answer.body["Id"] == CASE
    untrusted = urllib.request.Request(f"https://127.0.0.1:{loopback.tls_port}{SF}/query?q=x")
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
        urllib.request.urlopen(untrusted, timeout=30, context=ssl.create_default_context())
    assert loopback.requests("salesforce")[0]["path"] == f"{SF}/sobjects/Case/{CASE}"


# --- Slack ------------------------------------------------------------------------------------


def test_slack_post_keeps_metadata_shown_only_with_include_all_metadata(loopback: Loopback) -> None:
    posted = post_alert(loopback, "k1")
    assert posted["ok"] is True
    assert posted["channel"].startswith("C")
    assert posted["message"]["metadata"]["event_payload"] == {"key": "k1", "channel": "slack"}
    channel = posted["channel"]
    plain = loopback.slack("conversations.history", channel=channel)
    assert [m["ts"] for m in plain["messages"]] == [posted["ts"]]
    assert "metadata" not in plain["messages"][0]
    full = loopback.slack("conversations.history", channel=channel, include_all_metadata="true")
    assert full["messages"][0]["metadata"]["event_payload"]["key"] == "k1"
    by_name = loopback.slack("conversations.history", channel="#support-sla")
    assert by_name == {"ok": False, "error": "channel_not_found"}
    state = loopback.state()["slack"]["channels"]["support-sla"]
    assert state["id"] == channel
    assert state["messages"][0]["metadata"]["event_payload"]["key"] == "k1"


def test_slack_history_pages_newest_first_and_honours_oldest(loopback: Loopback) -> None:
    stamps = [post_alert(loopback, f"k{i}")["ts"] for i in range(7)]
    assert stamps == sorted(stamps, key=float)
    channel = loopback.slack("conversations.list")["channels"][0]["id"]
    seen: list[str] = []
    cursor = ""
    while True:
        page = loopback.slack("conversations.history", channel=channel, limit=3, cursor=cursor)
        seen += [m["ts"] for m in page["messages"]]
        cursor = page["response_metadata"]["next_cursor"]
        assert page["has_more"] is bool(cursor)
        if not cursor:
            break
    assert seen == stamps[::-1]
    newer = loopback.slack("conversations.history", channel=channel, oldest=stamps[4])
    assert [m["ts"] for m in newer["messages"]] == stamps[:4:-1]
    inclusive = loopback.slack(
        "conversations.history", channel=channel, oldest=stamps[4], inclusive="true"
    )
    assert len(inclusive["messages"]) == 3


def test_slack_accepts_form_bodies_and_refuses_no_token(loopback: Loopback) -> None:
    form = {"token": "xoxb-test", "channel": "#support-sla", "text": "hello"}
    form["metadata"] = json.dumps({"event_type": "e", "event_payload": {"key": "k"}})
    answer = loopback.call("POST", "/api/chat.postMessage", form=form).body
    assert answer["message"]["metadata"] == {"event_type": "e", "event_payload": {"key": "k"}}
    assert "token" not in loopback.requests("slack")[0]["body"]
    no_token = loopback.call("POST", "/api/chat.postMessage", {"channel": "#x", "text": "t"})
    assert no_token.body == {"ok": False, "error": "not_authed"}
    empty = loopback.slack("chat.postMessage", channel="#support-sla")
    assert empty == {"ok": False, "error": "no_text"}
    assert [(e["status"], e["ok"]) for e in loopback.requests()[-1:]] == [(200, False)]
    bad = loopback.slack("chat.postMessage", channel="#support-sla", text="t", metadata={"x": 1})
    assert bad == {"ok": False, "error": "invalid_metadata_format"}


def test_slack_war_room_create_invite_pin_are_idempotent_by_their_errors(
    loopback: Loopback,
) -> None:
    created = loopback.slack("conversations.create", name="war-acme-500-1")
    room = created["channel"]["id"]
    assert created["channel"]["name"] == "war-acme-500-1"
    again = loopback.slack("conversations.create", name="war-acme-500-1")
    assert again == {"ok": False, "error": "name_taken"}
    assert loopback.slack("conversations.create", name="War Room")["error"] == (
        "invalid_name_specials"
    )
    user = loopback.slack("users.lookupByEmail", email="csm@acme.example")["user"]["id"]
    assert user == loopback.slack("users.lookupByEmail", email="CSM@acme.example")["user"]["id"]
    assert user.startswith("U")
    assert len(user) == 9
    assert loopback.slack("conversations.invite", channel=room, users=user)["ok"] is True
    both = loopback.slack("conversations.invite", channel=room, users=f"{user},U0NEW0001")
    assert both["error"] == "already_in_channel"
    assert both["errors"] == [{"user": user, "ok": False, "error": "already_in_channel"}]
    message = loopback.slack("chat.postMessage", channel=room, text="context")
    assert loopback.slack("pins.add", channel=room, timestamp=message["ts"]) == {"ok": True}
    pinned = loopback.slack("pins.add", channel=room, timestamp=message["ts"])
    assert pinned == {"ok": False, "error": "already_pinned"}
    state = loopback.state()["slack"]["channels"]["war-acme-500-1"]
    assert state["members"] == ["U0BOT0000", user]  # nobody invited by the refused call
    assert state["pins"] == [message["ts"]]


def test_slack_conversations_list_pages(loopback: Loopback) -> None:
    names = [f"war-{i}" for i in range(5)]
    for name in names:
        loopback.slack("conversations.create", name=name)
    listed, cursor = [], ""
    while True:
        page = loopback.slack("conversations.list", limit=2, cursor=cursor)
        listed += [c["name"] for c in page["channels"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert listed == names


# --- Jira -------------------------------------------------------------------------------------


def jira_issue(label: str, summary: str = "Breach on 00001001") -> dict[str, Any]:
    description = {"type": "doc", "version": 1, "content": []}
    fields = {"project": {"key": "ENT"}, "issuetype": {"name": "Task"}, "summary": summary}
    return {"fields": fields | {"labels": ["sla", label], "description": description}}


def test_jira_create_and_search_by_label(loopback: Loopback) -> None:
    created = loopback.call(
        "POST", "/rest/api/3/issue", jira_issue("entitlement-aa"), headers=JIRA_AUTH
    )
    assert created.status == 201
    assert created.body == {
        "id": "10001",
        "key": "ENT-1",
        "self": f"http://127.0.0.1:{loopback.port}/rest/api/3/issue/10001",
    }
    loopback.call("POST", "/rest/api/3/issue", jira_issue("entitlement-bb"), headers=JIRA_AUTH)
    jql = urllib.parse.quote('labels = "entitlement-aa" AND project = ENT ORDER BY created DESC')
    found = loopback.call(
        "GET", f"/rest/api/3/search/jql?jql={jql}&fields=labels", headers=JIRA_AUTH
    )
    assert found.body["isLast"] is True
    assert [(i["key"], i["fields"]["labels"]) for i in found.body["issues"]] == [
        ("ENT-1", ["sla", "entitlement-aa"])
    ]
    either = {"jql": 'labels in ("entitlement-aa", entitlement-bb)', "maxResults": 1}
    first = loopback.call("POST", "/rest/api/3/search/jql", either, headers=JIRA_AUTH).body
    assert first["isLast"] is False
    rest = either | {"nextPageToken": first["nextPageToken"]}
    second = loopback.call("POST", "/rest/api/3/search/jql", rest, headers=JIRA_AUTH).body
    assert [i["key"] for i in first["issues"] + second["issues"]] == ["ENT-1", "ENT-2"]
    assert second["isLast"] is True
    old = loopback.call("GET", "/rest/api/2/search?jql=labels%20%3D%20sla", headers=JIRA_AUTH).body
    assert old["total"] == 2
    none = loopback.call("GET", "/rest/api/3/search/jql?jql=labels%3Dnope", headers=JIRA_AUTH)
    assert none.body == {"issues": [], "isLast": True}
    issues = loopback.state()["jira"]["issues"]
    assert issues["ENT-2"]["labels"] == ["sla", "entitlement-bb"]


def test_jira_refuses_invalid_issues_and_jql(loopback: Loopback) -> None:
    bad = jira_issue("has space", summary="")
    refused = loopback.call("POST", "/rest/api/3/issue", bad, headers=JIRA_AUTH)
    assert refused.status == 400
    assert set(refused.body["errors"]) == {"summary", "labels"}
    text = jira_issue("ok")
    text["fields"]["description"] = "plain text is v2 only"
    assert loopback.call("POST", "/rest/api/3/issue", text, headers=JIRA_AUTH).status == 400
    assert loopback.call("POST", "/rest/api/2/issue", text, headers=JIRA_AUTH).status == 201
    jql = urllib.parse.quote("summary ~ breach")
    wrong = loopback.call("GET", f"/rest/api/3/search/jql?jql={jql}", headers=JIRA_AUTH)
    assert wrong.status == 400
    assert wrong.body["errorMessages"][0].startswith("Error in the JQL Query")
    assert loopback.call("POST", "/rest/api/3/issue", jira_issue("x")).status == 401


# --- PagerDuty --------------------------------------------------------------------------------


def pd_event(action: str, key: str | None = "case-1/first_response/1") -> dict[str, Any]:
    event: dict[str, Any] = {"routing_key": "R0UTINGKEY", "event_action": action}
    if key is not None:
        event["dedup_key"] = key
    if action == "trigger":
        event["payload"] = {"summary": "Breach", "source": "entitlement", "severity": "critical"}
    return event


def test_pagerduty_dedupes_triggers_and_resolves(loopback: Loopback) -> None:
    first = loopback.call("POST", "/v2/enqueue", pd_event("trigger"))
    assert first.status == 202
    assert first.body == {
        "status": "success",
        "message": "Event processed",
        "dedup_key": "case-1/first_response/1",
    }
    loopback.call("POST", "/v2/enqueue", pd_event("trigger"))
    incident = loopback.state()["pagerduty"]["incidents"]["case-1/first_response/1"]
    assert (incident["status"], incident["triggers"], incident["opened"]) == ("triggered", 2, 1)
    assert loopback.call("POST", "/v2/enqueue", pd_event("resolve")).status == 202
    assert loopback.state()["pagerduty"]["incidents"]["case-1/first_response/1"]["status"] == (
        "resolved"
    )
    loopback.call("POST", "/v2/enqueue", pd_event("trigger"))
    reopened = loopback.state()["pagerduty"]["incidents"]["case-1/first_response/1"]
    assert (reopened["status"], reopened["opened"]) == ("triggered", 2)
    generated = loopback.call("POST", "/v2/enqueue", pd_event("trigger", key=None)).body
    assert len(generated["dedup_key"]) == 32


def test_pagerduty_refuses_invalid_events(loopback: Loopback) -> None:
    answer = loopback.call("POST", "/v2/enqueue", pd_event("resolve", key=None))
    assert answer.status == 400
    assert answer.body["status"] == "invalid event"
    assert answer.body["errors"] == ["'dedup_key' is required to acknowledge or resolve"]
    long_key = loopback.call("POST", "/v2/enqueue", pd_event("trigger", key="k" * 256))
    assert long_key.status == 400
    assert loopback.state()["pagerduty"]["incidents"] == {}


# --- faults and the log -----------------------------------------------------------------------


def test_status_faults_fire_in_order_on_the_nth_match_without_side_effects(
    loopback: Loopback,
) -> None:
    rate = {"service": "slack", "path": "chat.postMessage", "nth": 2, "status": 429}
    assert loopback.fault(fault="status", retry_after=1.5, **rate).status == 200
    loopback.fault(fault="status", service="slack", path="chat.postMessage", status=503, times=2)
    answers = []
    for key in ("a", "b", "c", "d", "e"):
        metadata = {"event_type": "entitlement_alert", "event_payload": {"key": key}}
        answers.append(
            loopback.call(
                "POST",
                "/api/chat.postMessage",
                {"channel": "#support-sla", "text": key, "metadata": metadata},
                headers=SLACK_AUTH,
            )
        )
    # The 503 fault was armed by the first match, but the 429 (set first) fires first.
    assert [a.status for a in answers] == [503, 429, 503, 200, 200]
    assert answers[1].headers["Retry-After"] == "2"
    assert answers[1].body == {"ok": False, "error": "ratelimited"}
    messages = loopback.state()["slack"]["channels"]["support-sla"]["messages"]
    assert [m["text"] for m in messages] == ["d", "e"]
    log = loopback.requests()
    assert [(e["status"], e.get("fault"), e["ok"]) for e in log] == [
        (503, "status", False),
        (429, "status", False),
        (503, "status", False),
        (200, None, True),
        (200, None, True),
    ]
    keys = {"service", "method", "path", "query", "body", "status", "at", "ok", "fault"}
    assert set(log[0]) == keys
    on_disk = [json.loads(line) for line in loopback.log.read_text().splitlines()]
    assert on_disk == log
    control = loopback.call("GET", "/_control").body
    assert control["pending"] == []
    assert [f["fired"] for f in control["fired"]] == [1, 2]


def test_kill_fault_delivers_then_kills_before_answering(loopback: Loopback) -> None:
    child = subprocess.Popen(["sleep", "300"])
    try:
        loopback.fault(fault="kill", service="pagerduty", path="/v2/enqueue", pid=child.pid)
        with pytest.raises((ConnectionError, urllib.error.URLError)):
            loopback.call("POST", "/v2/enqueue", pd_event("trigger"))
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        child.kill()
        child.wait()
    assert loopback.state()["pagerduty"]["incidents"]["case-1/first_response/1"]["triggers"] == 1
    assert [(e["status"], e["fault"], e["ok"]) for e in loopback.requests()] == [
        (202, "kill", True)
    ]
    fired = loopback.call("GET", "/_control").body["fired"]
    assert fired[0]["results"] == [{"killed": child.pid}]


def test_exec_fault_runs_its_command_before_answering(loopback: Loopback, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    argv = ["sh", "-c", f"sleep 0.2; echo restarted > {marker}"]
    loopback.fault(fault="exec", service="jira", path="/issue", method="POST", argv=argv)
    created = loopback.call("POST", "/rest/api/3/issue", jira_issue("e"), headers=JIRA_AUTH)
    assert created.status == 201
    assert marker.read_text() == "restarted\n"
    result = loopback.call("GET", "/_control").body["fired"][0]["results"][0]
    assert (result["argv"], result["returncode"]) == (argv, 0)


def test_control_refuses_invalid_faults_and_reset_clears_them(loopback: Loopback) -> None:
    for spec in (
        {"fault": "explode", "path": "x"},
        {"fault": "status", "path": "x", "status": 200},
        {"fault": "kill", "path": "x"},
        {"fault": "exec", "path": "x", "argv": []},
        {"fault": "status", "path": "x", "status": 503, "nth": 0},
        {"fault": "status", "path": "x", "status": 503, "service": "github"},
    ):
        answer = loopback.call("POST", "/_control", spec)
        assert answer.status == 400, spec
    loopback.fault(fault="status", path="chat.postMessage", status=500)
    assert len(loopback.call("GET", "/_control").body["pending"]) == 1
    assert loopback.call("POST", "/_reset").body == {"ok": True}
    assert loopback.call("GET", "/_control").body == {"pending": [], "fired": []}
    assert post_alert(loopback, "k")["ok"] is True
    assert len(loopback.requests()) == 1  # /_reset without all keeps the log and the state


# --- PostgreSQL -------------------------------------------------------------------------------


def postgres(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(POSTGRES), *args], capture_output=True, text=True, timeout=600, check=check
    )


def psql(cluster: Path, sql: str) -> str:
    bindir = Path((cluster / "bindir").read_text().strip())
    url = (cluster / "url").read_text().strip()
    done = subprocess.run(
        [str(bindir / "psql"), url, "-tAc", sql], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "pg"
    started = postgres("start", str(path), check=False)
    if started.returncode != 0:
        postgres("stop", str(path), check=False)
        if "apt-get" in started.stderr and shutil.which("initdb") is None:
            pytest.skip(f"PostgreSQL is not installed and could not be: {started.stderr.strip()}")
        pytest.fail(f"postgres.sh start failed: {started.stderr}")
    try:
        yield path
    finally:
        postgres("stop", str(path), check=False)


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_postgres_start_restart_stop_round_trip(cluster: Path) -> None:
    url = (cluster / "url").read_text().strip()
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    assert url == f"postgresql://postgres@127.0.0.1:{port}/entitlement"
    assert psql(cluster, "SELECT current_user || ' ' || current_database()") == (
        "postgres entitlement"
    )
    assert psql(cluster, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user") == "t"
    psql(cluster, "CREATE TABLE kept (x INTEGER); INSERT INTO kept VALUES (42)")
    owner = psql(cluster, "SELECT usename FROM pg_stat_activity WHERE pid = pg_backend_pid()")
    assert owner == "postgres"
    pid_before = psql(cluster, "SELECT pg_postmaster_start_time()")
    restarted = postgres("restart", str(cluster), "0.5")
    assert restarted.stdout.strip() == url
    assert psql(cluster, "SELECT x FROM kept") == "42"
    assert psql(cluster, "SELECT pg_postmaster_start_time()") != pid_before
    assert postgres("start", str(cluster)).stdout.strip() == url  # idempotent when running
    postgres("halt", str(cluster))
    assert not port_open(port)
    assert postgres("status", str(cluster), check=False).returncode == 1
    assert postgres("start", str(cluster)).stdout.strip() == url
    assert psql(cluster, "SELECT x FROM kept") == "42"
    assert postgres("status", str(cluster)).stdout.strip() == url
    root = (
        Path((cluster / "cluster").read_text().strip())
        if (cluster / "cluster").exists()
        else cluster
    )
    assert (root / "data" / "PG_VERSION").exists()
    postgres("stop", str(cluster))
    assert not port_open(port)
    assert not (root / "data").exists()
    assert not (cluster / "url").exists()
    assert postgres("status", str(cluster), check=False).returncode == 1
    assert postgres("stop", str(cluster)).returncode == 0  # stopping twice is fine


def test_exec_fault_restarts_postgres_mid_request(loopback: Loopback, cluster: Path) -> None:
    started = psql(cluster, "SELECT pg_postmaster_start_time()")
    argv = ["bash", str(POSTGRES), "restart", str(cluster)]
    loopback.fault(fault="exec", service="slack", path="chat.postMessage", argv=argv)
    assert post_alert(loopback, "k")["ok"] is True
    assert psql(cluster, "SELECT pg_postmaster_start_time()") != started
