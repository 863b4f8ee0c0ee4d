#!/usr/bin/env bash
# Packs the npm package as it would be published (`npm pack`), checks the tarball's contents,
# installs it into a fresh scratch project (offline: the package has no runtime dependencies) and
# tests it there: `require` and `import`, and the declarations through `exports` under tsc's
# node16 resolution. Needs the addon built (scripts/test.sh). Leaves the scratch project in
# target/npm-scratch, where the documentation's JS snippets run next.
set -euo pipefail
pkg="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(dirname "$pkg")"
out="$repo/target/npm"
scratch="$repo/target/npm-scratch"

rm -rf "$out" "$scratch"
mkdir -p "$out" "$scratch"
tarball="$out/$(cd "$pkg" && npm pack --silent --pack-destination "$out")"

# Exactly the loader, its ES entry, the declarations, the binary for this platform, the README.
expected="package/README.md
package/entitlement.linux-x64-gnu.node
package/index.d.mts
package/index.d.ts
package/index.js
package/index.mjs
package/package.json"
actual="$(tar -tzf "$tarball" | sort)"
if [[ "$actual" != "$expected" ]]; then
    echo "unexpected tarball contents of $tarball:" >&2
    diff <(echo "$expected") <(echo "$actual") >&2 || true
    exit 1
fi

cp "$pkg"/test-package/* "$scratch"/
cd "$scratch"
printf '{ "name": "scratch", "version": "0.0.0", "private": true }\n' > package.json
npm install --offline --no-audit --no-fund --silent "$tarball"
node --test require.test.cjs import.test.mjs
"$pkg/node_modules/.bin/tsc" -p tsconfig.json
