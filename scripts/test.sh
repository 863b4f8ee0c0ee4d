#!/usr/bin/env bash
# Builds all three layers and runs every test: the README's second command, and all .ci/run does.
# Needs only the stock toolchains (cargo, python3 with pip, node with npm); it creates .venv and
# bindings-node/node_modules itself.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
step() { printf '\n==> %s (%ds)\n' "$1" $((SECONDS - started)); }

step "Rust: format"
cargo fmt --all --check

step "Rust: lints (every crate and target)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust: tests and doctests (core, CLI, the guides' Rust examples)"
cargo test --locked
# The bindings' shared tables: not a default member (it builds Arrow), tested here.
cargo test --locked -p entitlement-tables --all-features

step "Rust: API docs build without warnings (broken intra-doc links fail)"
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps -p entitlement-core

step "Rust: entitlement-core packages for crates.io"
# --no-verify: verifying rebuilds every dependency unoptimised (over a minute) to compile the
# sources that clippy and the tests have just compiled. A fresh clone is clean; --allow-dirty
# only spares a developer with uncommitted edits to the package.
dirty=()
if [[ -n "$(git status --porcelain -- entitlement-core LICENSE-APACHE LICENSE-MIT 2>/dev/null)" ]]; then
    dirty=(--allow-dirty)
fi
cargo package --locked --no-verify --quiet -p entitlement-core "${dirty[@]}"

step "Rust: the main job runs"
cargo run --quiet --locked --release -p entitlement-cli -- demo --format json > /dev/null

step "Sample data: examples/data/cases.json is what its generator writes"
python3 examples/data/generate_cases.py --check

step "Services: one throwaway PostgreSQL for the ledger tests of every layer (stopped at exit)"
# tests/services/postgres.sh installs Debian's postgresql when initdb is missing, and runs the
# cluster as an unprivileged user on a free loopback port.
pg="$PWD/target/postgres"
bash tests/services/postgres.sh stop "$pg" > /dev/null 2>&1 || true
bash tests/services/postgres.sh start "$pg" > /dev/null
trap 'bash tests/services/postgres.sh stop "$pg" > /dev/null 2>&1 || true' EXIT
ENTITLEMENT_TEST_POSTGRES="$(cat "$pg/url")"
# The directory lets the tests restart the server mid-run (tests/services/postgres.sh restart).
export ENTITLEMENT_TEST_POSTGRES ENTITLEMENT_TEST_POSTGRES_DIR="$pg"

step "Python: build the wheel, install it into .venv, pytest, ruff, stubtest"
bash bindings-python/scripts/test.sh

step "Python: the wheel in a clean venv (only the wheel and the test requirements), pytest"
bash bindings-python/scripts/test_wheel.sh

step "Node: build the addon, node --test, tsc --noEmit"
bash bindings-node/scripts/test.sh

step "Node: npm pack, install the tarball into a scratch project, require, import and tsc there"
bash bindings-node/scripts/test_pack.sh

step "Pipeline: the loopback services' own tests, and the Python and Node jobs agreeing run by run"
.venv/bin/python -m mypy --strict tests/services tests/pipeline
.venv/bin/python -m pytest -p no:cacheprovider -q tests/services tests/pipeline

step "Report: the QBR and portfolio pages in headless Chromium"
# Installs Debian's chromium when /usr/bin/chromium is missing; playwright-core downloads no browser.
bash tests/browser/run.sh

step "Docs: the site builds strictly (links checked), and every code block runs"
bash scripts/docs/test.sh

step "Python examples, benchmarks and docs tooling: ruff"
.venv/bin/ruff check examples benches scripts docs/snippets tests/services tests/pipeline
.venv/bin/ruff format --check examples benches scripts docs/snippets tests/services tests/pipeline

step "Benchmarks: agreement with the peers on 300 instants (no timing)"
bash benches/run.sh --smoke

step "Airflow: the SLA monitor DAG, twice, end to end in a real Airflow (loopback services)"
bash examples/airflow/test_dag.sh

step "all layers passed in $((SECONDS - started)) s"
