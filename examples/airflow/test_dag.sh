#!/usr/bin/env bash
# Runs the SLA monitor DAG in a real Airflow, twice, end to end: Salesforce and Slack are a
# loopback server (tests/loopback.py) speaking their HTTP APIs; nothing else is replaced.
#   bash examples/airflow/test_dag.sh      (after the Python wheel is built into target/wheels)
# Installs apache-airflow and slack_sdk into REPO/.venv-airflow the first time (about a minute).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$repo/.venv-airflow"
py="$venv/bin/python"

if [ ! -x "$venv/bin/airflow" ] || ! "$py" -c "import slack_sdk" 2>/dev/null; then
    python3 -m venv "$venv"
    "$py" -m pip install --quiet "apache-airflow==3.3.2" slack_sdk
fi
"$py" -m pip install --quiet --force-reinstall --no-deps "$repo"/target/wheels/entitlement-*.whl

tmp="$(mktemp -d)"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

export AIRFLOW_HOME="$tmp/airflow"
export AIRFLOW__CORE__DAGS_FOLDER="$here"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__UNIT_TEST_MODE=False
export AIRFLOW__LOGGING__LOGGING_LEVEL=WARNING

"$py" "$here/tests/loopback.py" "$tmp/requests.jsonl" "$tmp/port" &
server=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port="$(cat "$tmp/port")"

export SALESFORCE_INSTANCE_URL="http://127.0.0.1:$port"
export SALESFORCE_ACCESS_TOKEN="test-token"
export SLACK_BOT_TOKEN="xoxb-test"
export SLACK_API_URL="http://127.0.0.1:$port/api/"
export SLACK_CHANNEL="#support-sla"
export ENTITLEMENT_MONITOR_STATE="$tmp/state.json"

cd "$tmp"
"$venv/bin/airflow" db migrate > "$tmp/migrate.log" 2>&1 || { cat "$tmp/migrate.log"; exit 1; }
"$venv/bin/airflow" dags reserialize > /dev/null 2>&1
# The DAG file loads without import errors (warnings on the same stream are skipped).
"$venv/bin/airflow" dags list-import-errors -o json > "$tmp/import-errors.txt" 2>&1 || true
if grep -q '"filepath"' "$tmp/import-errors.txt"; then
    echo "import errors:"; cat "$tmp/import-errors.txt"; exit 1
fi
"$venv/bin/airflow" dags list -o json 2>/dev/null | grep -q '"sla_monitor"' || {
    echo "the DAG sla_monitor was not loaded"; exit 1; }

# The first run posts everything up to its `now`; the second only what happened since.
"$venv/bin/airflow" dags test sla_monitor 2026-11-25T08:00:00+00:00 > "$tmp/run1.log" 2>&1 || {
    tail -50 "$tmp/run1.log"; exit 1; }
"$py" "$here/tests/check_run.py" "$tmp/requests.jsonl" "$tmp/state.json"
cp "$tmp/state.json" "$tmp/state1.json"
"$venv/bin/airflow" dags test sla_monitor 2026-11-25T20:00:00+00:00 > "$tmp/run2.log" 2>&1 || {
    tail -50 "$tmp/run2.log"; exit 1; }
"$py" "$here/tests/check_run.py" "$tmp/requests.jsonl" "$tmp/state.json" "$tmp/state1.json"
