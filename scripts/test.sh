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

# Every release build (the tests below, the wheel, the main job, the Node addon) shares one target
# directory, the host's `target/<triple>/release` (napi build always passes `--target`), and one
# feature set (workspace-hack/): the core and every shared dependency compile once, in the first.
host="$(rustc -vV | sed -n 's/^host: //p')"

step "Rust: tests and doctests (core, CLI, the guides' Rust examples, the bindings' tables)"
# The default members, and the bindings' shared tables (not a default member: it builds Arrow),
# in one invocation: with one feature resolution, the core and its dependencies compile once.
# In the release profile, in that shared directory: the dependencies (Arrow and Parquet above
# all) and the CLI are compiled here once for the tests, the wheel, the main job and the addon,
# rather than once more without optimisation for the tests alone. Debug assertions and overflow
# checks are on in the fuzz builds (`cargo fuzz run -a`) and in a plain `cargo test`.
cargo test --locked --release --target "$host" -p entitlement-core -p entitlement-cli \
    -p entitlement-docs-tests -p entitlement-tables --all-features

step "Rust: API docs build without warnings (broken intra-doc links fail)"
# With the workspace-hack in the same invocation, the dependencies are checked with the features
# clippy has just checked them with, and are not checked again.
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps -p entitlement-core -p workspace-hack

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

step "Python: build the wheel, install it into .venv, ruff, stubtest, mypy"
# The pytest suite runs once, against this same wheel, in the clean venv of the next step (.venv
# holds the same requirements plus tools and type stubs the package never imports); clippy and
# rustfmt have covered the binding crate in the Rust steps.
bash bindings-python/scripts/test.sh --no-pytest --no-rust-lints

step "Rust: the main job runs (the README's first command, on the wheel's compiled dependencies)"
cargo run --quiet --locked --release --target "$host" -p entitlement-cli -- demo --format json > /dev/null
# That build is the CLI the Python tests (the warehouse exports, the report pages) and the browser
# checks run, rather than each building its own.
export ENTITLEMENT_BIN="$PWD/target/$host/release/entitlement"

step "Rust: the crates package for crates.io (cargo publish --dry-run: core, tables, report, CLI)"
# The four crates `cargo install entitlement-cli` needs, packaged together (each package's
# Cargo.lock resolved against crates.io, the unpublished ones from the packages beside it).
# --no-verify: verifying builds each package from its own files with every dependency again,
# unoptimised (3 min 40 s here with part of them already built); the release workflow
# (.github/workflows/rust-release.yml) verifies on pull requests that touch a manifest and on
# tags. The cheap part of what it would catch, a file the build reads but a package leaves out,
# is checked below from the dep-info of the release CLI that the main job above built
# (`cargo test` leaves none beside the binary).
# A fresh clone is clean; --allow-dirty only spares a developer with uncommitted edits.
crates=(-p entitlement-core -p entitlement-tables -p entitlement-report -p entitlement-cli)
dirty=()
if [[ -n "$(git status --porcelain -- entitlement-core entitlement-cli entitlement-report \
    bindings-tables examples/data LICENSE-APACHE LICENSE-MIT 2>/dev/null)" ]]; then
    dirty=(--allow-dirty)
fi
cargo package --locked --no-verify --quiet "${crates[@]}" "${dirty[@]}"
python3 tests/release/check_crates.py "target/$host/release/entitlement.d" \
    target/package/entitlement-{core,tables,report,cli}-*.crate
cargo publish --locked --dry-run --no-verify --quiet "${crates[@]}" "${dirty[@]}"

# The Node packages (bindings-node and examples/node, where better-sqlite3 may compile from
# source for a minute and a half), then the local npm registry of the round trip (verdaccio, into
# target/verdaccio once), install in the background while pytest keeps one core busy.
node_install_log="$PWD/target/node-install.log"
{ bash bindings-node/scripts/install.sh && bash tests/release/npm_roundtrip.sh --install-only; } \
    > "$node_install_log" 2>&1 &
node_install=$!

step "Serve: schemathesis against the running server (no 5xx, every answer matches the OpenAPI document)"
# The release CLI above serves the sample rules on a loopback port; schemathesis (in .venv, from
# the requirements of bindings-python/scripts/test.sh) sends about 2,900 requests: a fixed seed
# and 300 examples per operation (tests/serve/schemathesis.toml), about 30 s here.
.venv/bin/python -m mypy --strict tests/serve
.venv/bin/python tests/serve/run_schemathesis.py

step "Python: the wheel in a clean venv (only the wheel and the test requirements), pytest"
bash bindings-python/scripts/test_wheel.sh

step "Python: install by name from a local PyPI (pypiserver on loopback: the wheel and sdist uploaded, pip install entitlement)"
# The release workflow that builds the full wheel matrix cannot run here: its syntax is checked
# against the GitHub workflow schema check-jsonschema vendors (offline, under a second).
.venv/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
# ...and its meaning against the test command's build flags and the package's classifiers.
.venv/bin/python -m mypy --strict tests/release
.venv/bin/python tests/release/check_python_workflow.py
# The sdist holds every file the wheel's build read (a cheap stand-in for building it from
# scratch, which takes minutes and runs in the release workflow instead).
.venv/bin/python tests/release/check_sdist.py target/wheels/entitlement-*.tar.gz \
    "target/$host/release/lib_entitlement.d"
# pypiserver, twine and check-jsonschema are in .venv (the requirements of
# bindings-python/scripts/test.sh); the server stops when the script exits.
bash tests/release/pypi_roundtrip.sh

# Airflow and its providers install into .venv-airflow (a minute on a fresh clone; nothing when
# the pins are there) in the background while the addon builds and node --test keeps one core
# busy; the Airflow step waits for it.
airflow_install_log="$PWD/target/airflow-install.log"
bash examples/airflow/test_dag.sh --install-only > "$airflow_install_log" 2>&1 &
airflow_install=$!

step "Node: build the addon, node --test, tsc --noEmit"
if ! wait "$node_install"; then
    cat "$node_install_log" >&2
    echo "bindings-node/scripts/install.sh failed (log above)" >&2
    exit 1
fi
bash bindings-node/scripts/test.sh

step "Node: npm pack of the main and platform packages (staged as the release workflow does), installed into a scratch project: require, import and tsc there"
bash bindings-node/scripts/test_pack.sh

step "Wire format: a report, Node's plain results and an import are the same JSON from the CLI, Python and Node, and the schema's"
# The sample report (and its parts Node returns as plain data) and a Zendesk import, written by
# the release CLI, the wheel in .venv (to_json()) and the addon just built (JSON.stringify),
# compared after sorting keys; about 3 s.
.venv/bin/python -m mypy --strict tests/wire
.venv/bin/python -m pytest -p no:cacheprovider -q tests/wire

step "Node: install by name from a local npm registry (verdaccio on loopback, stopped after)"
# Publishes the staged platform package and the main package, then runs the documentation's
# `npm install entitlement --registry ...` in a fresh project: about 10 s here (verdaccio itself
# installed in the background above: 15 s the first time, nothing after).
bash tests/release/npm_roundtrip.sh

step "Pipeline: the loopback services' own tests, and the Python and Node jobs agreeing run by run"
.venv/bin/python -m mypy --strict tests/services tests/pipeline
.venv/bin/python -m pytest -p no:cacheprovider -q tests/services tests/pipeline

step "Report: the QBR and portfolio pages in headless Chromium"
# Installs Debian's chromium when /usr/bin/chromium is missing; playwright-core downloads no browser.
bash tests/browser/run.sh

step "Docs: the site builds strictly (links checked), and every code block runs"
bash scripts/docs/test.sh

step "Python examples, benchmarks and docs tooling: ruff"
.venv/bin/ruff check examples benches scripts docs/snippets tests/services tests/pipeline tests/serve tests/wire tests/release
.venv/bin/ruff format --check examples benches scripts docs/snippets tests/services tests/pipeline tests/serve tests/wire tests/release

step "Benchmarks: agreement with the peers on 300 instants (no timing)"
bash benches/run.sh --smoke

step "Airflow: the SLA monitor DAG, twice, end to end in a real Airflow (loopback services)"
if ! wait "$airflow_install"; then
    cat "$airflow_install_log" >&2
    echo "examples/airflow/test_dag.sh --install-only failed (log above)" >&2
    exit 1
fi
cat "$airflow_install_log"
bash examples/airflow/test_dag.sh

step "all layers passed in $((SECONDS - started)) s"
