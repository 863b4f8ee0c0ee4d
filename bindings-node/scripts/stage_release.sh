#!/usr/bin/env bash
# Stages the npm release in target/npm-release the way the publish job of
# .github/workflows/node-release.yml sees it: the main package's files, the per-platform packages
# (npm/<platform>/), the addon moved into its platform package by `napi artifacts` from an
# artifacts/ directory laid out as actions/download-artifact leaves it, and `optionalDependencies`
# written by `napi pre-publish`. Only this machine's addon exists here, so the staged copy's
# napi.targets lists only the host's target (the workflow has all five). Needs the addon built
# (`npm run build`). Prints the staging directory.
#   bash bindings-node/scripts/stage_release.sh [--publish]
# With --publish, `napi pre-publish` also runs `npm publish` in the platform package, against
# whatever registry npm is configured for (tests/release/npm_roundtrip.sh points it at verdaccio).
set -euo pipefail
pkg="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(dirname "$pkg")"
stage="$repo/target/npm-release"
napi="$pkg/node_modules/.bin/napi"
host="$(rustc -vV | sed -n 's/^host: //p')"

publish=(--skip-optional-publish)
if [[ "${1:-}" == --publish ]]; then
    publish=()
fi

addon=("$pkg"/entitlement.*.node)
if [[ ${#addon[@]} -ne 1 || ! -f ${addon[0]} ]]; then
    echo "expected exactly one bindings-node/entitlement.*.node (run npm run build): ${addon[*]}" >&2
    exit 1
fi

rm -rf "$stage"
mkdir -p "$stage/artifacts/bindings-$host"
cp -R "$pkg"/package.json "$pkg"/README.md "$pkg"/index.js "$pkg"/index.d.ts "$pkg"/index.mjs \
    "$pkg"/index.d.mts "$pkg"/npm "$stage"/
cp "${addon[0]}" "$stage/artifacts/bindings-$host/"
# The workflow builds with `--strip`; the test command's build keeps the release profile's line
# tables and the symbols (about 60 of the addon's 70 MB here), so the staged copy is stripped.
case "$host" in
    *-linux-*) strip "$stage/artifacts/bindings-$host/$(basename "${addon[0]}")" ;;
    *-apple-*) strip -x "$stage/artifacts/bindings-$host/$(basename "${addon[0]}")" ;;
esac
node -e '
const fs = require("fs")
const [file, host] = process.argv.slice(1)
const p = JSON.parse(fs.readFileSync(file, "utf8"))
if (!p.napi.targets.includes(host)) throw new Error(`${host} is not among napi.targets`)
p.napi.targets = [host]
fs.writeFileSync(file, JSON.stringify(p, null, 2) + "\n")
' "$stage/package.json" "$host"

cd "$stage"
quiet() { # runs a napi command, showing its log only when it fails
    local log
    if ! log="$("$@" 2>&1)"; then
        echo "$log" >&2
        echo "failed: $*" >&2
        exit 1
    fi
}
# `napi artifacts` also copies the host's addon next to index.js, for local use: the main
# package publishes none (package.json `files`), and the staging keeps none either.
quiet "$napi" artifacts
rm -f entitlement.*.node
quiet "$napi" pre-publish -t npm --no-gh-release "${publish[@]}"
rm -rf artifacts
echo "$stage"
