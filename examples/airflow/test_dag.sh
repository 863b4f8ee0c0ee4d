#!/usr/bin/env bash
# Runs the SLA monitor DAG in a real Airflow with the official providers, end to end, against the
# loopback services (tests/services/loopback.py: Salesforce, Slack, Jira and PagerDuty, over TLS)
# and a real ledger: the SQLite default, then a throwaway PostgreSQL (tests/services/postgres.sh).
#
#   bash examples/airflow/test_dag.sh      (after the Python wheel is built into target/wheels)
#   bash examples/airflow/test_dag.sh --install-only   (only the pinned requirements, no wheel:
#                                       scripts/test.sh runs it in the background earlier)
#
# KEEP_TMP=1 keeps the temporary directory (each run's log, the SQLite ledger, the request log).
# Installs Airflow and the providers pinned in requirements.txt into REPO/.venv-airflow when a pin
# is missing or differs (about a minute; reruns skip it), and PostgreSQL with apt-get when no
# `initdb` is found (as root). Every secret is an Airflow Connection (AIRFLOW_CONN_* variables).
# The scenario's windows (the ones the Python and Node jobs are tested on), each sequence then
# checked by tests/check_run.py on the loopback's state and request log and on the ledger:
#   SQLite:     08:00 (first run, 1 h lookback); 12:00; 20:00 with Slack 429 + Retry-After and
#               5xx from Slack, Jira and PagerDuty, and the worker SIGKILLed between a Slack post
#               and its mark, then 20:00 again; a manual run at 10:00 (skipped).
#   PostgreSQL: 08:00; 20:00 with the server restarted mid-outbox; the manual run at 10:00.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$repo/.venv-airflow"
py="$venv/bin/python"
services="$repo/tests/services"

# The pinned requirements, checked by version (cheap: no Airflow import), installed when one is
# missing or different.
[ -x "$py" ] || python3 -m venv "$venv"
stale="$("$py" - "$here/requirements.txt" <<'EOF'
import re
import sys
from importlib import metadata

for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==(\S+)", line).groups()
    try:
        if metadata.version(name) != version:
            print(line)
    except metadata.PackageNotFoundError:
        print(line)
EOF
)"
if [ -n "$stale" ]; then
    echo "installing into $venv: $(echo $stale)"
    start=$SECONDS
    "$py" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    echo "installed in $((SECONDS - start)) s"
fi
[ "${1:-}" = "--install-only" ] && exit 0
"$py" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
    "$repo"/target/wheels/entitlement-*.whl

tmp="$(mktemp -d)"
server=""
current=""
cleanup() {
    [ -n "$current" ] && kill -9 "$current" 2>/dev/null || true
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    bash "$services/postgres.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
    if [ -n "${KEEP_TMP:-}" ]; then echo "kept $tmp (logs, ledger, request log)"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# One loopback server for all four services (HTTP and HTTPS), and PostgreSQL, started once. The
# cluster starts in the background while the SQLite sequence runs.
python3 "$services/loopback.py" --log "$tmp/requests.jsonl" --port-file "$tmp/port" \
    --tls-port-file "$tmp/tlsport" --data "$here/recorded" > "$tmp/loopback.log" 2>&1 &
server=$!
bash "$services/postgres.sh" start "$tmp/pg" > "$tmp/pg.log" 2>&1 &
pg_start=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && [ -s "$tmp/tlsport" ] && break; sleep 0.1; done
[ -s "$tmp/tlsport" ] || { echo "the loopback did not start:"; cat "$tmp/loopback.log"; exit 1; }
http="http://127.0.0.1:$(cat "$tmp/port")"
https="https://127.0.0.1:$(cat "$tmp/tlsport")"
# The loopback's self-signed certificate: requests (simple_salesforce, atlassian) reads
# REQUESTS_CA_BUNDLE, urllib (slack_sdk, the PagerDuty transport) the OpenSSL default SSL_CERT_FILE.
export REQUESTS_CA_BUNDLE="$tmp/port.pem" SSL_CERT_FILE="$tmp/port.pem"

export AIRFLOW_HOME="$tmp/airflow"
export AIRFLOW__CORE__DAGS_FOLDER="$here"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__UNIT_TEST_MODE=False
export AIRFLOW__LOGGING__LOGGING_LEVEL=INFO

# The Connections a deployment creates (docs/deployment.md), in Airflow's JSON form. Salesforce is
# a direct session (no login; the access token as the password) on the org's instance URL.
export AIRFLOW_CONN_SALESFORCE_DEFAULT="{\"conn_type\": \"salesforce\", \"password\": \"00Dtest!session-token\", \"extra\": {\"instance_url\": \"$https\", \"version\": \"61.0\"}}"
export AIRFLOW_CONN_SLACK_API_DEFAULT="{\"conn_type\": \"slack\", \"password\": \"xoxb-test-bot-token\", \"extra\": {\"base_url\": \"$https/api/\", \"timeout\": 30}}"
export AIRFLOW_CONN_JIRA_DEFAULT="{\"conn_type\": \"jira\", \"host\": \"$https\", \"login\": \"sla-bot@example.com\", \"password\": \"jira-api-token\"}"
export AIRFLOW_CONN_PAGERDUTY_EVENTS_DEFAULT="{\"conn_type\": \"pagerduty_events\", \"password\": \"R0UTINGKEY0123456789abcdef012345\", \"host\": \"$https\"}"
# The non-secret settings (DAG params' defaults): fast retries for the faults below.
export ENTITLEMENT_SLACK_CHANNEL="#support-sla" ENTITLEMENT_JIRA_PROJECT="SUP"
export ENTITLEMENT_RETRY_BASE_SECONDS=0.05
# The pipeline's scenario (tests/services/scenario.py): the sample rules with the four actions
# automated and a Jira issue named in a trigger.
"$py" "$services/scenario.py" "$tmp/rules.json"
export ENTITLEMENT_RULES="$tmp/rules.json"
# A failed task fails the test at once (`airflow dags test` would wait out the retry delays).
export ENTITLEMENT_TASK_RETRIES=0

cd "$tmp"
"$venv/bin/airflow" db migrate > "$tmp/migrate.log" 2>&1 || { cat "$tmp/migrate.log"; exit 1; }
"$venv/bin/airflow" dags reserialize > "$tmp/reserialize.log" 2>&1
# The DAG file loads without import errors (warnings on the same stream are skipped).
"$venv/bin/airflow" dags list-import-errors -o json > "$tmp/import-errors.txt" 2>&1 || true
if grep -q '"filepath"' "$tmp/import-errors.txt"; then
    echo "import errors:"; cat "$tmp/import-errors.txt"; exit 1
fi
"$venv/bin/airflow" dags list -o json 2>/dev/null | grep -q '"sla_monitor"' || {
    echo "the DAG sla_monitor was not loaded"; exit 1; }

control() {  # arms loopback faults (a JSON object or list)
    curl -sf -X POST -H 'Content-Type: application/json' --data "$1" "$http/_control" > /dev/null
}

run=0
# dag_test WINDOW_END [EXPECT]: one `airflow dags test`; EXPECT "killed" when a fault SIGKILLs it.
dag_test() {
    run=$((run + 1))
    local log="$tmp/run$run.log"
    "$venv/bin/airflow" dags test sla_monitor "$1" > "$log" 2>&1 &
    local pid=$!
    current=$pid
    if [ "${2:-}" = killed ]; then
        # The worker dies right after Slack accepted a post (the 5th request: 429, 503, then
        # three posts), before the ledger marks it sent.
        control "{\"fault\": \"kill\", \"service\": \"slack\", \"path\": \"chat.postMessage\", \"nth\": 5, \"pid\": $pid}"
    fi
    local rc=0
    { wait "$pid"; } 2>/dev/null || rc=$?  # (no "Killed" job notice: the kill is expected)
    current=""
    if [ "${2:-}" = killed ]; then
        [ "$rc" = 137 ] || { echo "run $run ($1) was not killed (exit $rc)"; tail -40 "$log"; exit 1; }
        echo "run $run: $1, killed between send and mark"
    else
        [ "$rc" = 0 ] || { echo "run $run ($1) failed (exit $rc)"; tail -60 "$log"; exit 1; }
        grep -ao "run [0-9a-f-]* (.*" "$log" | tail -1 | sed "s/^/run $run: /"
    fi
}

check() {  # check LEDGER KILLS WINDOW_END...
    "$py" "$here/tests/check_run.py" --requests "$tmp/requests.jsonl" --state "$http/_state" \
        --ledger "$1" --rules "$ENTITLEMENT_RULES" --killed "$2" --recorded "$here/recorded" --windows "${@:3}"
}

# --- SQLite: the default ledger, $AIRFLOW_HOME/entitlement_ledger.sqlite3 (no Connection) --------
dag_test 2026-11-25T08:00:00+00:00
dag_test 2026-11-25T12:00:00+00:00
# The scenario's alerts fall in (12:00, 20:00]: Slack answers its first post 429 with Retry-After
# and the retry 503, Jira and PagerDuty answer 503 and 502 once; then the worker is killed right
# after Slack accepted its third post, before the ledger marks it sent, and the window runs again.
control '[{"fault": "status", "service": "slack", "path": "chat.postMessage", "status": 429, "retry_after": 1},
          {"fault": "status", "service": "slack", "path": "chat.postMessage", "nth": 2, "status": 503},
          {"fault": "status", "service": "jira", "path": "/issue", "method": "POST", "status": 503},
          {"fault": "status", "service": "pagerduty", "path": "/v2/enqueue", "status": 502}]'
dag_test 2026-11-25T20:00:00+00:00 killed
dag_test 2026-11-25T20:00:00+00:00
dag_test 2026-11-25T10:00:00+00:00
check "$AIRFLOW_HOME/entitlement_ledger.sqlite3" 1 \
    2026-11-25T08:00:00Z 2026-11-25T12:00:00Z 2026-11-25T20:00:00Z

# --- PostgreSQL: the ledger Connection, restarted while the outbox is worked off ----------------
wait "$pg_start" || { echo "PostgreSQL did not start:"; cat "$tmp/pg.log"; exit 1; }
pg_url="$(cat "$tmp/pg/url")"
pg_port="${pg_url##*127.0.0.1:}"
pg_port="${pg_port%%/*}"
export AIRFLOW_CONN_ENTITLEMENT_LEDGER="{\"conn_type\": \"postgres\", \"host\": \"127.0.0.1\", \"port\": $pg_port, \"login\": \"postgres\", \"schema\": \"entitlement\"}"
curl -sf -X POST "$http/_reset?all=1" > /dev/null
dag_test 2026-11-25T08:00:00+00:00
# Right after Slack accepted the second post, before its mark: the server stops and stays down
# for 3 s (the restart runs in the background; Slack answers half a second later), so the
# pipeline's next statements meet a dead connection and then a refused one, and reconnect.
restart="(bash $services/postgres.sh restart $tmp/pg 3 > $tmp/pg-restart.log 2>&1 &); sleep 0.5"
control "{\"fault\": \"exec\", \"service\": \"slack\", \"path\": \"chat.postMessage\", \"nth\": 2, \"argv\": [\"bash\", \"-c\", \"$restart\"]}"
dag_test 2026-11-25T20:00:00+00:00
grep -aq "ledger .*retrying in" "$tmp/run$run.log" || {
    echo "run $run did not have to reconnect to PostgreSQL"; tail -40 "$tmp/run$run.log"; exit 1; }
dag_test 2026-11-25T10:00:00+00:00
check "$pg_url" 0 2026-11-25T08:00:00Z 2026-11-25T20:00:00Z
