#!/usr/bin/env bash
# The Node job's tests (`npm test` in examples/node): node --test over test/*.test.mjs, against
# the loopback services, on SQLite and on a throwaway PostgreSQL cluster that this script starts
# with tests/services/postgres.sh and stops at exit. Give ENTITLEMENT_TEST_POSTGRES (a
# postgresql:// URL) to use a server of your own instead; without it and without initdb the
# PostgreSQL tests are skipped (with a note).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
postgres_sh=../../tests/services/postgres.sh

if [[ -z ${ENTITLEMENT_TEST_POSTGRES:-} ]]; then
    if command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
        pgdir=$(mktemp -d "${TMPDIR:-/tmp}/entitlement-node-pg.XXXXXX")
        trap 'bash "$postgres_sh" stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT
        bash "$postgres_sh" start "$pgdir" >/dev/null
        ENTITLEMENT_TEST_POSTGRES=$(cat "$pgdir/url")
        export ENTITLEMENT_TEST_POSTGRES
        export ENTITLEMENT_TEST_POSTGRES_DIR=$pgdir
    else
        echo "note: initdb not found and ENTITLEMENT_TEST_POSTGRES unset: the PostgreSQL tests are skipped" >&2
    fi
fi
node --test --test-concurrency=1 test/*.test.mjs
