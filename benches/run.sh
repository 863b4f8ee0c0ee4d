#!/usr/bin/env bash
# Every benchmark of benches/README.md, with the peers side by side, from one command:
#
#   bash benches/run.sh            # criterion (Rust), Python vs peers, Node vs peers, monitor 1M
#   bash benches/run.sh --smoke    # the peer agreement checks on a few hundred instants, and the
#                                  # HTTP service under load for a second per route: no timing
#
# It installs what it needs: the peers of benches/python/requirements.txt into .venv (created
# if missing), benches/node/node_modules (moment-business-time, moment-timezone, date-holidays),
# and, outside --smoke, builds the Python wheel and the Node addon in release mode. --smoke
# (part of scripts/test.sh) uses the wheel and addon that the test command has just built.
# Environment: BENCH_N (instants, default 100000), BENCH_RUNS (default 5), MONITOR_CASES
# (default 1000000), EXPORT_ROWS (outcome rows written to Parquet, default 1000000), SKIP_RUST=1,
# SKIP_MONITOR=1, SKIP_EXPORT=1, SKIP_SERVE=1 (the HTTP service under wrk; --smoke and the full
# run use the release CLI, $ENTITLEMENT_BIN or target/<host>/release/entitlement, and install
# Debian's wrk when missing), SPARK_CASES (off by default: PySpark in local mode over that many
# cases, SPARK_PARTITIONS partitions (default 1,2,4), against the
# single-process run; needs Java 17 and installs PySpark into .venv-spark).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
smoke=false
[[ ${1:-} == --smoke ]] && smoke=true
py=$repo/.venv/bin/python

if [[ ! -x $py ]]; then
    python3 -m venv "$repo/.venv"
fi
# Only what is missing, so reruns stay fast.
missing="$("$py" - benches/python/requirements.txt <<'EOF'
import re
import sys
from importlib import metadata

for line in open(sys.argv[1]):
    requirement = line.split("#")[0].strip()
    if not requirement:
        continue
    try:
        metadata.version(re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0])
    except metadata.PackageNotFoundError:
        print(requirement)
EOF
)"
if [[ -n $missing ]]; then
    mapfile -t to_install <<<"$missing"
    "$py" -m pip install --quiet "${to_install[@]}"
fi
if [[ ! -d benches/node/node_modules || benches/node/package.json -nt benches/node/node_modules ]]; then
    (cd benches/node && npm install --no-audit --no-fund --silent)
    touch benches/node/node_modules
fi

# wrk drives the HTTP service's load test (benches/serve/load.py): Debian's package, installed
# with apt-get when missing (that needs root; it says so when it cannot).
install_wrk() {
    command -v wrk > /dev/null && return
    if [[ $(id -u) != 0 ]]; then
        echo "benches: wrk is missing; install it as root: apt-get install wrk" >&2
        exit 1
    fi
    echo "benches: installing Debian's wrk (apt-get)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk > /dev/null ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk > /dev/null; }
}

if $smoke; then
    "$py" benches/python/bench_calendar.py --smoke
    node benches/node/bench_calendar.js --smoke
    # The HTTP service under wrk for a second per route: zero errors, no timing (~3 s).
    [[ -n ${SKIP_SERVE:-} ]] || { install_wrk && "$py" benches/serve/load.py --smoke; }
    exit 0
fi

echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')"

# Release builds of both bindings.
"$py" -m pip install --quiet "maturin>=1.16,<2"
rm -f target/wheels/entitlement-*.whl
# `--target` with the host's triple, as the test command builds it: target/<triple>/release, shared
# with napi's build of the addon.
host="$(rustc -vV | sed -n 's/^host: //p')"
(cd bindings-python && PYO3_PYTHON="$py" "$repo/.venv/bin/maturin" build --release --quiet --target "$host" -o "$repo/target/wheels" -i "$py")
"$py" -m pip install --quiet --force-reinstall --no-deps target/wheels/entitlement-*.whl
(cd bindings-node && { [[ -d node_modules ]] || npm install --no-audit --no-fund --silent; } && npm run --silent build)

if [[ -z ${SKIP_RUST:-} ]]; then
    echo "== Rust (criterion): calendar by span and in batch, evaluate per case, monitor over 100k cases"
    cargo bench --quiet -p entitlement-benches --bench calendar --bench monitor
    "$py" benches/criterion_table.py target
fi

echo "== Python: Calendar.add / elapsed vs workclock, businesstimedelta, pandas"
"$py" benches/python/bench_calendar.py --n "${BENCH_N:-100000}" --runs "${BENCH_RUNS:-5}"

echo "== Node: Calendar.add / elapsed vs moment-business-time"
node benches/node/bench_calendar.js --n "${BENCH_N:-100000}" --runs "${BENCH_RUNS:-5}"

if [[ -z ${SKIP_MONITOR:-} ]]; then
    echo "== Python: rules.monitor over ${MONITOR_CASES:-1000000} open cases"
    "$py" benches/python/bench_monitor.py --cases "${MONITOR_CASES:-1000000}" --runs 3 --no-reads
    echo "== Node: rules.monitor over 100,000 open cases, reading every status's target"
    node benches/node/bench_monitor.js --cases 100000 --runs 3
    echo "== Node: rules.breachRisk over 100,000 cases, reading and stringifying the entries"
    node benches/node/bench_risk.js --cases 100000 --runs 5
fi
if [[ -z ${SKIP_EXPORT:-} ]]; then
    echo "== Rust: export ${EXPORT_ROWS:-1000000} outcome rows to Parquet (wall time, peak RSS)"
    cargo build --quiet --release -p entitlement-benches --bin profile
    target/release/profile export "${EXPORT_ROWS:-1000000}"
fi
if [[ -n ${SPARK_CASES:-} ]]; then
    echo "== PySpark (local[2]): ${SPARK_CASES} cases in ${SPARK_PARTITIONS:-1,2,4} partitions vs one process"
    ENTITLEMENT_WHEEL="$(ls "$repo"/target/wheels/entitlement-*.whl)" \
        bash examples/spark/run.sh --cases "$SPARK_CASES" --partitions "${SPARK_PARTITIONS:-1,2,4}" \
        --driver-memory "${SPARK_DRIVER_MEMORY:-6g}"
fi
if [[ -z ${SKIP_SERVE:-} ]]; then
    echo "== HTTP service: entitlement serve under wrk, evaluate and calendars/add (benches/serve/load.py)"
    install_wrk
    cargo build --quiet --locked --release --target "$host" -p entitlement-cli
    ENTITLEMENT_BIN="$repo/target/$host/release/entitlement" "$py" benches/serve/load.py
fi
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)"
