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
# The integration example imports the package by name: link it into examples/node.
examples=../examples/node
if [[ ! -d $examples/node_modules || $examples/package.json -nt $examples/node_modules ]]; then
    (cd "$examples" && npm install --no-audit --no-fund)
    touch "$examples/node_modules"
fi
npm test
npm run typecheck
