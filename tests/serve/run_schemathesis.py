"""schemathesis against a running `entitlement serve`: no 5xx, every answer matches the document.

    .venv/bin/python tests/serve/run_schemathesis.py [-- extra schemathesis run options]

Starts the release CLI ($ENTITLEMENT_BIN, default target/<host>/release/entitlement) on the
sample rules with a fresh random token, on a free loopback port, and runs schemathesis (from the
same venv as this interpreter) against its /openapi.json with that token, with the settings and
value dictionaries of tests/serve/schemathesis.toml and the request examples of
tests/serve/schemathesis_hooks.py. The server is stopped with SIGTERM whatever happens, and must
then exit 0.

Besides schemathesis's own checks, the server's request log is read back: no route may have
answered a 5xx, and every route of the document must have answered 200 at least once, so that a
run of nothing but 404s and 422s (the engine never reached) fails rather than passes.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from types import FrameType

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
RULES = REPO / "examples" / "data" / "rules.yaml"
CONFIG = HERE / "schemathesis.toml"
HOOKS = HERE / "schemathesis_hooks.py"
# Generous bounds for a loaded machine; reaching one is a failure, never a measurement.
START_WAIT_S = 60.0
STOP_WAIT_S = 60.0


class Failed(Exception):
    pass


def entitlement_bin() -> Path:
    given = os.environ.get("ENTITLEMENT_BIN")
    if given:
        return Path(given)
    host = subprocess.run(["rustc", "-vV"], check=True, capture_output=True, text=True).stdout
    triple = next(line.split(": ", 1)[1] for line in host.splitlines() if line.startswith("host: "))
    return REPO / "target" / triple / "release" / "entitlement"


def log_lines(log: Path) -> list[dict[str, object]]:
    lines = []
    for line in log.read_text(errors="replace").splitlines():
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            lines.append(value)
    return lines


def wait_listening(server: subprocess.Popen[bytes], log: Path) -> str:
    """The bound address, from the first log line (event `listening`)."""
    deadline = time.monotonic() + START_WAIT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise Failed(f"the server exited with {server.returncode} before listening")
        lines = log_lines(log)
        if lines:
            first = lines[0]
            if first.get("event") != "listening":
                raise Failed(f"the server's first log line is not `listening`: {first}")
            return str(first["address"])
        time.sleep(0.05)
    raise Failed(f"no `listening` log line within {START_WAIT_S:.0f} s")


def wait_healthy(base: str) -> None:
    deadline = time.monotonic() + START_WAIT_S
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:
                body = json.loads(answer.read())
                if answer.status == 200 and body == {"status": "ok"}:
                    return
                raise Failed(f"/healthz answered {answer.status} {body}")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then the exit status the CLI documents for it: 0."""
    if server.poll() is not None:
        raise Failed(f"the server had already exited with {server.returncode}")
    server.send_signal(signal.SIGTERM)
    try:
        code = server.wait(timeout=STOP_WAIT_S)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        raise Failed(f"the server did not stop within {STOP_WAIT_S:.0f} s of SIGTERM") from None
    if code != 0:
        raise Failed(f"the server exited with {code} after SIGTERM (expected 0)")


def check_log(log: Path, document: dict[str, object]) -> None:
    """No 5xx in the server's own request log, and a 200 from every route of the document."""
    answers: Counter[tuple[str, int]] = Counter()
    for line in log_lines(log):
        if line.get("event") == "request":
            answers[(str(line["route"]), int(str(line["status"])))] += 1
    routes = sorted({route for route, _ in answers})
    print("\nAnswers per route (the server's request log):")
    for route in routes:
        by_status = ", ".join(
            f"{status}: {n}" for (r, status), n in sorted(answers.items()) if r == route
        )
        print(f"  {route:32} {by_status}")
    errors = {key: n for key, n in answers.items() if key[1] >= 500}
    if errors:
        raise Failed(f"server errors in the request log: {errors}")
    paths = document["paths"]
    assert isinstance(paths, dict)
    never_ok = [
        path
        for path in sorted(paths)
        # /healthz and /readyz are not logged (they are health checks, polled often).
        if path not in ("/healthz", "/readyz") and answers[(path, 200)] == 0
    ]
    if never_ok:
        raise Failed(
            f"no request reached the engine (no 200 answer) on {never_ok}: "
            "see the dictionaries of tests/serve/schemathesis.toml"
        )


def run(extra: list[str]) -> None:
    binary = entitlement_bin()
    if not binary.is_file():
        raise Failed(f"{binary}: no such CLI (build it, or set ENTITLEMENT_BIN)")
    schemathesis = Path(sys.executable).parent / "schemathesis"
    with tempfile.TemporaryDirectory(prefix="entitlement-schemathesis-") as scratch:
        work = Path(scratch)
        token = secrets.token_hex(32)
        digest = hashlib.sha256(token.encode()).hexdigest()
        (work / "tokens.txt").write_text(f"sha256:{digest} schemathesis\n")
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
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        try:
            try:
                base = f"http://{wait_listening(server, log)}"
                wait_healthy(base)
                with urllib.request.urlopen(f"{base}/openapi.json", timeout=30) as answer:
                    document = json.loads(answer.read())
                print(f"entitlement serve at {base} ({binary})", flush=True)
                schemathesis_run = subprocess.run(
                    [
                        str(schemathesis),
                        "--config-file",
                        str(CONFIG),
                        "--no-color",
                        "run",
                        f"{base}/openapi.json",
                        "--header",
                        f"Authorization: Bearer {token}",
                        "--workers",
                        "1",
                        *extra,
                    ],
                    cwd=work,
                    env={**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)},
                    check=False,
                )
            finally:
                if server.poll() is None:
                    stop(server)
                else:
                    raise Failed(f"the server exited with {server.returncode} during the run")
        except BaseException:
            sys.stderr.write("\nThe server's log (last 40 lines):\n")
            for line in log.read_text(errors="replace").splitlines()[-40:]:
                sys.stderr.write(line + "\n")
            raise
        if schemathesis_run.returncode != 0:
            raise Failed(f"schemathesis failed (exit {schemathesis_run.returncode}, above)")
        check_log(log, document)
        print(
            "\nschemathesis: no 5xx, every answer matched the document; the server stopped with 0"
        )


def on_sigterm(signum: int, frame: FrameType | None) -> None:
    # Turned into an exception so that the `finally` above stops the server.
    raise SystemExit(128 + signum)


def main() -> int:
    signal.signal(signal.SIGTERM, on_sigterm)
    extra = sys.argv[1:]
    if extra[:1] == ["--"]:
        extra = extra[1:]
    try:
        run(extra)
    except Failed as e:
        print(f"\nrun_schemathesis: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
