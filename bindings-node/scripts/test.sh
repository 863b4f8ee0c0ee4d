#!/usr/bin/env bash
# Builds the addon and runs the Node binding's tests and type checks, from any directory.
#   bash bindings-node/scripts/test.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# node_modules here and in examples/node (the examples import the package by name, linked).
bash scripts/install.sh
npm run build
# The result declarations of index.d.ts are generated from the core's result schema: fail when the
# checked-in files differ from what the generator writes.
npm run types:check
examples=../examples/node
npm test
npm run typecheck
# The production job (examples/node/monitor.mjs) against the loopback services, on SQLite and a
# throwaway PostgreSQL (test/run.sh starts and stops it).
(cd "$examples" && npm test)
