#!/usr/bin/env bash
# Packs the npm packages as they would be published (`npm pack`): the main package `entitlement`
# (loader, ES entry, declarations; no binary) and this platform's package
# (`entitlement-linux-x64-gnu` here: the addon alone), both from the release staging of
# scripts/stage_release.sh (napi artifacts, napi pre-publish). Checks each tarball's contents,
# installs both into a fresh scratch project (offline: the package has no runtime dependencies;
# the platform tarball satisfies the main package's optional dependency) and tests it there:
# `require` and `import`, and the declarations through `exports` under tsc's node16 resolution.
# Needs the addon built (scripts/test.sh). Leaves the scratch project in target/npm-scratch,
# where the documentation's JS snippets run next, and the staging in target/npm-release, which
# tests/release/npm_roundtrip.sh publishes.
set -euo pipefail
pkg="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(dirname "$pkg")"
out="$repo/target/npm"
scratch="$repo/target/npm-scratch"

rm -rf "$out" "$scratch"
mkdir -p "$out" "$scratch"
stage="$(bash "$pkg/scripts/stage_release.sh")"
host="$(node -p 'require(process.argv[1]).napi.targets[0]' "$stage/package.json")"
# The one platform package `napi artifacts` put an addon in (the others have no binary here).
addons=("$stage"/npm/*/entitlement.*.node)
if [[ ${#addons[@]} -ne 1 || ! -f ${addons[0]} ]]; then
    echo "expected one platform package holding its addon in $stage/npm, for $host: ${addons[*]}" >&2
    exit 1
fi
platform="$(basename "$(dirname "${addons[0]}")")"
main_tarball="$out/$(cd "$stage" && npm pack --silent --pack-destination "$out")"
platform_tarball="$out/$(cd "$stage/npm/$platform" && npm pack --silent --pack-destination "$out")"

check_contents() { # tarball, expected listing
    local actual
    actual="$(tar -tzf "$1" | sort)"
    if [[ "$actual" != "$2" ]]; then
        echo "unexpected tarball contents of $1:" >&2
        diff <(echo "$2") <(echo "$actual") >&2 || true
        exit 1
    fi
}
# The main package: exactly the loader, its ES entry, the declarations, the README.
check_contents "$main_tarball" "package/README.md
package/index.d.mts
package/index.d.ts
package/index.js
package/index.mjs
package/package.json"
# The platform package: the addon, its README and package.json.
check_contents "$platform_tarball" "package/README.md
package/entitlement.$platform.node
package/package.json"
# The main package lists every platform package of napi.targets (here only this one) at its version.
node -e '
const [main, platform] = process.argv.slice(1).map((f) => require(f))
const want = { [platform.name]: main.version }
if (JSON.stringify(main.optionalDependencies) !== JSON.stringify(want) || platform.version !== main.version)
  throw new Error(`optionalDependencies ${JSON.stringify(main.optionalDependencies)}, want ${JSON.stringify(want)}`)
' "$stage/package.json" "$stage/npm/$platform/package.json"

cp "$pkg"/test-package/* "$scratch"/
cd "$scratch"
printf '{ "name": "scratch", "version": "0.0.0", "private": true }\n' > package.json
npm install --offline --no-audit --no-fund --silent "$main_tarball" "$platform_tarball"
node --test require.test.cjs import.test.mjs
"$pkg/node_modules/.bin/tsc" -p tsconfig.json
