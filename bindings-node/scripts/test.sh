#!/usr/bin/env bash
# Builds the addon and runs the Node binding's tests and type checks, from any directory.
#   bash bindings-node/scripts/test.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# `npm ci` cannot be used here: the CLI's optional packages for other platforms are not served.
if [[ ! -d node_modules || package.json -nt node_modules ]]; then
    npm install --no-audit --no-fund
    touch node_modules
fi
npm run build
# The result declarations of index.d.ts are generated from the core's result schema: fail when the
# checked-in files differ from what the generator writes.
npm run types:check
# The examples import the package by name: link it into examples/node, with the job's clients.
# The first install compiles better-sqlite3 from source when its prebuilt binary (GitHub
# releases) cannot be downloaded: about 90 s on 2 cores.
examples=../examples/node
if [[ ! -d $examples/node_modules || $examples/package.json -nt $examples/node_modules ]]; then
    (cd "$examples" && npm install --no-audit --no-fund)
    touch "$examples/node_modules"
fi
npm test
npm run typecheck
# The production job (examples/node/monitor.mjs) against the loopback services, on SQLite and a
# throwaway PostgreSQL (test/run.sh starts and stops it).
(cd "$examples" && npm test)
