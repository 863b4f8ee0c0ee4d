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

step "Rust: tests and doctests (core, CLI)"
cargo test --locked

step "Rust: the main job runs"
cargo run --quiet --locked --release -p entitlement-cli -- --json > /dev/null

step "Sample data: examples/data/cases.json is what its generator writes"
python3 examples/data/generate_cases.py --check

step "Python: build the wheel, install it into .venv, pytest, ruff, stubtest"
bash bindings-python/scripts/test.sh

step "Node: build the addon, node --test, tsc --noEmit"
bash bindings-node/scripts/test.sh

step "Python examples and benchmarks: ruff"
.venv/bin/ruff check examples benches
.venv/bin/ruff format --check examples benches

step "Benchmarks: agreement with the peers on 300 instants (no timing)"
bash benches/run.sh --smoke

step "Airflow: the SLA monitor DAG, twice, end to end in a real Airflow (loopback services)"
bash examples/airflow/test_dag.sh

step "all layers passed in $((SECONDS - started)) s"
