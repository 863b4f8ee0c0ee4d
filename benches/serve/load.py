"""A bounded load test of `entitlement serve` on loopback: a benchmark, not a timed test.

    python3 benches/serve/load.py                  # 20 s per route, 16 connections
    python3 benches/serve/load.py --smoke          # 1 s per route, 4 connections: zero errors
    python3 benches/serve/load.py --duration 30 --connections 32 --threads 2

Starts the release CLI ($ENTITLEMENT_BIN, default target/<host>/release/entitlement) on the
sample rules with a random token on a free loopback port, with a --concurrency above the
connections used, and drives each route with wrk (Debian's `wrk`: keep-alive connections, a
fixed duration, benches/serve/post.lua for the POST body and the non-2xx count):

- POST /v1/evaluate: the first case of examples/data/cases.json at the file's `now`;
- POST /v1/calendars/ny-support/add: 4 business hours from a Friday afternoon.

It prints, per route, the requests per second held, p50, p99 and max latency, and the errors
(any answer outside 2xx, any socket error or timeout), next to the server's own /metrics
counts for the route over the same run. It exits 1 when there was any error: the figures are
for reading, the only assertion is zero errors. The server and wrk share the machine's cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
RULES = REPO / "examples" / "data" / "rules.yaml"
CASES = REPO / "examples" / "data" / "cases.json"
START_WAIT_S = 60.0


class Failed(Exception):
    pass


def routes() -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(name, path, body, a part of the expected answer) for every route driven."""
    sample = json.loads(CASES.read_text())
    case = sample["cases"][0]
    return [
        (
            "evaluate",
            "/v1/evaluate",
            {"case": case, "now": sample["now"]},
            {"case_id": case["id"], "covered": True},
        ),
        (
            "calendars/add",
            "/v1/calendars/ny-support/add",
            {"start": "2026-11-20T16:00:00-05:00", "duration": "4h"},
            {"at": "2026-11-23T17:00:00Z"},
        ),
    ]


def entitlement_bin() -> Path:
    given = os.environ.get("ENTITLEMENT_BIN")
    if given:
        return Path(given)
    info = subprocess.run(
        ["rustc", "-vV"], check=True, capture_output=True, text=True
    ).stdout
    host = next(
        line.split(": ", 1)[1]
        for line in info.splitlines()
        if line.startswith("host: ")
    )
    return REPO / "target" / host / "release" / "entitlement"


def listening_address(server: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + START_WAIT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise Failed(f"the server exited with {server.returncode} before listening")
        first = log.read_text(errors="replace").split("\n", 1)
        if len(first) == 2:
            line = json.loads(first[0])
            if line.get("event") != "listening":
                raise Failed(f"the server's first log line is not `listening`: {line}")
            return str(line["address"])
        time.sleep(0.05)
    raise Failed(f"no `listening` log line within {START_WAIT_S:.0f} s")


def call(
    base: str, path: str, token: str, body: dict[str, Any] | None = None
) -> tuple[int, bytes]:
    request = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status, answer.read()


def wait_healthy(base: str) -> None:
    deadline = time.monotonic() + START_WAIT_S
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.05)


METRIC = re.compile(
    r'^entitlement_http_requests_total\{route="([^"]*)",method="([^"]*)",status="(\d+)"\} (\d+)$'
)


def request_counts(base: str, token: str) -> Counter[tuple[str, int]]:
    """The server's count of answers by route template and status (`/metrics`)."""
    _, text = call(base, "/metrics", token)
    counts: Counter[tuple[str, int]] = Counter()
    for line in text.decode().splitlines():
        match = METRIC.match(line)
        if match:
            route, _, status, n = match.groups()
            counts[(route, int(status))] += int(n)
    return counts


def run_wrk(
    base: str,
    path: str,
    body_file: Path,
    token: str,
    args: argparse.Namespace,
) -> dict[str, float]:
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={args.duration}s",
        # A request slower than this counts as an error, not as a latency.
        "--timeout=10s",
        "--latency",
        f"--script={HERE / 'post.lua'}",
        base + path,
    ]
    env = {**os.environ, "LOAD_BODY": str(body_file), "LOAD_TOKEN": token}
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if line.startswith("LOAD_RESULT "):
            result: dict[str, float] = json.loads(line.removeprefix("LOAD_RESULT "))
            return result
    raise Failed(f"wrk printed no result:\n{out.stdout}\n{out.stderr}")


def ms(micros: float) -> str:
    return f"{micros / 1000:.2f} ms"


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def bench(args: argparse.Namespace) -> int:
    binary = entitlement_bin()
    if not binary.is_file():
        raise Failed(f"{binary}: no such CLI (build it, or set ENTITLEMENT_BIN)")
    if shutil.which("wrk") is None:
        raise Failed("wrk is missing: apt-get install wrk")
    wrk_version = subprocess.run(
        ["wrk", "--version"], capture_output=True, text=True, check=False
    ).stdout.split("\n", 1)[0]
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    concurrency = max(64, 2 * args.connections)
    print(
        f"== entitlement serve under wrk: commit {commit}, {os.cpu_count()} cores, "
        f"load average {loadavg()}, {wrk_version}"
    )
    print(
        f"   {args.connections} keep-alive connections, {args.threads} wrk thread(s), "
        f"{args.duration} s per route, server --concurrency {concurrency}",
        flush=True,
    )
    rows = []
    errors = 0
    with tempfile.TemporaryDirectory(prefix="entitlement-load-") as scratch:
        work = Path(scratch)
        token = secrets.token_hex(32)
        digest = hashlib.sha256(token.encode()).hexdigest()
        (work / "tokens.txt").write_text(f"sha256:{digest} load\n")
        log = work / "server.log"
        with log.open("wb") as stderr:
            server = subprocess.Popen(
                [
                    str(binary),
                    "serve",
                    "--rules",
                    str(RULES),
                    "--listen",
                    "127.0.0.1:0",
                    "--tokens",
                    str(work / "tokens.txt"),
                    "--concurrency",
                    str(concurrency),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        try:
            base = f"http://{listening_address(server, log)}"
            wait_healthy(base)
            for name, path, body, expected in routes():
                # One checked answer first: the load is of real work, not of errors.
                status, answer = call(base, path, token, body)
                value = json.loads(answer)
                if status != 200 or any(value.get(k) != v for k, v in expected.items()):
                    raise Failed(f"{path} answered {status} {answer[:300]!r}")
                body_file = work / f"{name.replace('/', '-')}.json"
                body_file.write_text(json.dumps(body))
                template = "/v1/calendars/{name}/add" if "/calendars/" in path else path
                before = request_counts(base, token)
                result = run_wrk(base, path, body_file, token, args)
                after = request_counts(base, token)
                served = {
                    status: after[(route, status)] - before[(route, status)]
                    for (route, status) in after
                    if route == template
                    and after[(route, status)] != before[(route, status)]
                }
                server_ok = sum(n for s, n in served.items() if 200 <= s < 300)
                server_bad = sum(n for s, n in served.items() if not 200 <= s < 300)
                socket = sum(
                    int(result[k]) for k in ("connect", "read", "write", "timeout")
                )
                route_errors = int(result["non2xx"]) + socket + server_bad
                errors += route_errors
                seconds = result["duration_us"] / 1e6
                rows.append(
                    (
                        f"POST {path}",
                        f"{int(result['requests']):,}",
                        f"{result['requests'] / seconds:,.0f}",
                        ms(result["p50_us"]),
                        ms(result["p99_us"]),
                        ms(result["max_us"]),
                        f"{route_errors} ({int(result['non2xx'])} non-2xx, {socket} socket)",
                        f"{server_ok:,} 2xx, {server_bad} other",
                    )
                )
        finally:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
        print()
        head = (
            "route",
            "requests",
            "req/s",
            "p50",
            "p99",
            "max",
            "errors",
            "server's /metrics",
        )
        print("| " + " | ".join(head) + " |")
        print("|---|---:|---:|---:|---:|---:|---|---|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        print(
            f"\nload average after: {loadavg()}; server exit status {server.returncode}"
        )
        if server.returncode != 0:
            print("the server did not exit 0 after SIGTERM", file=sys.stderr)
            return 1
    if errors:
        print(f"{errors} errors: every request must be answered 2xx", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per route")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument(
        "--smoke", action="store_true", help="1 s per route on 4 connections"
    )
    args = parser.parse_args()
    if args.smoke:
        args.duration, args.connections, args.threads = 1, 4, 1
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        return bench(args)
    except Failed as e:
        print(f"load.py: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
