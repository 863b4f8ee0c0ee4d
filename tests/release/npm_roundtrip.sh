#!/usr/bin/env bash
# Install by name from a real npm registry: starts verdaccio on a free loopback port (temporary
# storage, one htpasswd user, no uplinks: nothing is proxied from npmjs.org), publishes the
# platform package (`napi pre-publish`, as the release workflow does) and the main package
# (`npm publish`), then in a fresh npm project with an empty npm configuration and cache runs the
# documentation's command `npm install entitlement --registry http://127.0.0.1:PORT/`, requires
# the package, computes a deadline and checks the versions. verdaccio stops on exit.
# Needs the addon built (`npm run build` in bindings-node, which scripts/test.sh has done).
#   bash tests/release/npm_roundtrip.sh [--install-only]
# verdaccio itself (about 320 npm packages, ~15 s) installs once into target/verdaccio;
# --install-only does only that (scripts/test.sh runs it in the background).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# verdaccio and its dependencies are pinned by tests/release/verdaccio/package-lock.json
# (verdaccio 6.8.0, the last that runs on Node 20); reinstalled only when that file changes.
pinned="$repo/tests/release/verdaccio"
prefix="$repo/target/verdaccio"
verdaccio="$prefix/node_modules/.bin/verdaccio"
if ! cmp -s "$pinned/package-lock.json" "$prefix/installed-lock.json"; then
    rm -rf "$prefix"
    mkdir -p "$prefix"
    cp "$pinned/package.json" "$pinned/package-lock.json" "$prefix/"
    (cd "$prefix" && npm ci --no-audit --no-fund --silent)
    # Written last: a failed install leaves no marker, and the next run starts again.
    cp "$pinned/package-lock.json" "$prefix/installed-lock.json"
fi
if [[ "${1:-}" == --install-only ]]; then
    exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/npm-roundtrip.XXXXXX")"
server=""
cleanup() {
    local status=$?
    if [[ $status -ne 0 && -s "$work/verdaccio.log" ]]; then
        echo "--- verdaccio's log:" >&2
        cat "$work/verdaccio.log" >&2
    fi
    if [[ -n "$server" ]]; then
        kill "$server" 2> /dev/null || true
        wait "$server" 2> /dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port/"
mkdir -p "$work/storage"
cat > "$work/config.yaml" <<YAML
storage: $work/storage
auth:
  htpasswd:
    file: $work/htpasswd
    max_users: 1
uplinks: {}
packages:
  '**':
    access: \$all
    publish: \$authenticated
    unpublish: \$authenticated
log: { type: stdout, format: pretty, level: warn }
YAML
"$verdaccio" --config "$work/config.yaml" --listen "127.0.0.1:$port" > "$work/verdaccio.log" 2>&1 &
server=$!
for _ in $(seq 100); do
    if curl -sf "${url}-/ping" > /dev/null; then
        break
    fi
    if ! kill -0 "$server" 2> /dev/null; then
        cat "$work/verdaccio.log" >&2
        echo "verdaccio exited before answering" >&2
        exit 1
    fi
    sleep 0.2
done
curl -sf "${url}-/ping" > /dev/null

# The publisher: one user (created through the registry's CouchDB-style user endpoint, as
# `npm adduser` does), its token in an npm configuration of its own.
token="$(curl -sf -X PUT -H 'content-type: application/json' \
    -d '{"name": "release", "password": "roundtrip-only"}' \
    "${url}-/user/org.couchdb.user:release" | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).token))')"
printf 'registry=%s\n//127.0.0.1:%s/:_authToken=%s\n' "$url" "$port" "$token" > "$work/publisher.npmrc"

(
    export NPM_CONFIG_USERCONFIG="$work/publisher.npmrc" NPM_CONFIG_CACHE="$work/publisher-cache"
    stage="$(bash "$repo/bindings-node/scripts/stage_release.sh" --publish)"
    cd "$stage"
    npm publish --silent
)

# The user: a fresh project, no npm configuration, an empty cache, the documented command.
mkdir -p "$work/project" "$work/user-cache"
: > "$work/user.npmrc"
cd "$work/project"
printf '{ "name": "roundtrip", "version": "0.0.0", "private": true }\n' > package.json
NPM_CONFIG_USERCONFIG="$work/user.npmrc" NPM_CONFIG_CACHE="$work/user-cache" \
    npm install entitlement --registry "$url" --no-audit --no-fund --silent

expected="$(node -p 'require(process.argv[1]).version' "$repo/bindings-node/package.json")"
node - "$expected" "$url" <<'JS'
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const [expected, registry] = process.argv.slice(2)
// Both packages came from the local registry (it has no uplinks, so nothing else could answer).
const lock = JSON.parse(fs.readFileSync('node_modules/.package-lock.json', 'utf8')).packages
const resolved = Object.entries(lock).map(([where, p]) => [where, p.resolved])
assert.equal(resolved.length, 2, JSON.stringify(resolved))
for (const [where, url] of resolved) assert.ok(url.startsWith(registry), `${where} from ${url}`)
const { Calendar } = require('entitlement')
// The main package carries no binary: the loader found the platform package npm chose.
const main = path.dirname(require.resolve('entitlement'))
assert.deepEqual(fs.readdirSync(main).filter((f) => f.endsWith('.node')), [])
const platform = require('entitlement/package.json').optionalDependencies
assert.ok(platform && Object.keys(platform).length > 0, 'no optionalDependencies in the published package')
const installed = Object.keys(platform).filter((name) => fs.existsSync(path.join('node_modules', name)))
assert.equal(installed.length, 1, `platform packages installed: ${installed}`)
assert.equal(require('entitlement/package.json').version, expected)
assert.equal(require(`${installed[0]}/package.json`).version, expected)
// The addon's own version, the one the loader found: the release's too.
assert.equal(require('entitlement').version, expected)
const cal = new Calendar({
  time_zone: 'America/New_York',
  hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, ['09:00-17:00']])),
  holidays: [{ name: 'Spring closure', date: '2026-03-09' }],
})
assert.equal(cal.add('2026-03-06T16:00:00-05:00', 8 * 3600e3).toISOString(), '2026-03-10T20:00:00.000Z')
console.log(`npm install entitlement: ${expected} from the registry, with ${installed[0]}; the deadline is right`)
JS
