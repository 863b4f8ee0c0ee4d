"""A loopback stand-in for the two services the DAG talks to, speaking their documented HTTP:

- Salesforce REST ``GET /services/data/v61.0/query?q=...`` answers with the recorded SOQL
  response (two pages joined by ``nextRecordsUrl``), and checks the bearer token;
- Slack Web API ``POST /api/chat.postMessage`` answers ``{"ok": true, ...}`` and records the
  request.

Usage: ``python loopback.py REQUESTS.jsonl PORTFILE``; serves until killed. Each request is
appended to REQUESTS.jsonl as ``{"method", "path", "body"}``.
"""

from __future__ import annotations

import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RECORDED = Path(__file__).resolve().parent.parent / "recorded"
PAGE1 = json.loads((RECORDED / "soql_cases_page1.json").read_text())
PAGE2 = json.loads((RECORDED / "soql_cases_page2.json").read_text())
LOG = Path(sys.argv[1])


class Handler(BaseHTTPRequestHandler):
    def _send(self, status: int, payload: object) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self, body: object) -> None:
        with LOG.open("a") as f:
            f.write(
                json.dumps({"method": self.command, "path": self.path, "body": body})
                + "\n"
            )

    def do_GET(self) -> None:
        self._record(None)
        if self.headers.get("Authorization") != "Bearer test-token":
            self._send(
                401,
                [
                    {
                        "message": "Session expired or invalid",
                        "errorCode": "INVALID_SESSION_ID",
                    }
                ],
            )
            return
        url = urllib.parse.urlparse(self.path)
        if url.path == "/services/data/v61.0/query" and "q" in urllib.parse.parse_qs(
            url.query
        ):
            self._send(200, PAGE1)
        elif url.path == PAGE1["nextRecordsUrl"]:
            self._send(200, PAGE2)
        else:
            self._send(
                404,
                [
                    {
                        "message": "The requested resource does not exist",
                        "errorCode": "NOT_FOUND",
                    }
                ],
            )

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            body = json.loads(raw)
        else:
            body = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
        self._record(body)
        if self.path == "/api/chat.postMessage":
            ok = self.headers.get("Authorization") == "Bearer xoxb-test"
            self._send(
                200,
                {"ok": ok, "channel": "C0SLA", "ts": "1764102600.000100"}
                if ok
                else {"ok": False, "error": "invalid_auth"},
            )
        else:
            self._send(404, {"ok": False, "error": "unknown_method"})

    def log_message(self, *args: object) -> None:
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Path(sys.argv[2]).write_text(str(server.server_address[1]))
    server.serve_forever()
