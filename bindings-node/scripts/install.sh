#!/usr/bin/env bash
# Installs the Node packages the binding's tests need, when missing or older than their
# package.json: bindings-node/node_modules (the napi CLI, TypeScript, the peers), then
# examples/node/node_modules (the production job's clients, and the package itself linked by
# name). scripts/test.sh starts it in the background while the Python suite runs (one core), and
# bindings-node/scripts/test.sh runs it again, which finds both up to date.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# `npm ci` cannot be used here: the CLI's optional packages for other platforms are not served.
if [[ ! -d node_modules || package.json -nt node_modules ]]; then
    npm install --no-audit --no-fund
    touch node_modules
fi
# The first install compiles better-sqlite3 from source when its prebuilt binary (GitHub
# releases) cannot be downloaded: about 90 s on 2 cores.
examples=../examples/node
if [[ ! -d $examples/node_modules || $examples/package.json -nt $examples/node_modules ]]; then
    (cd "$examples" && npm install --no-audit --no-fund)
    touch "$examples/node_modules"
fi
