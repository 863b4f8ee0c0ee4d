#!/usr/bin/env bash
# The QBR and portfolio pages in headless Chromium: renders them with the CLI over the bundled
# sample's quarter, exports the outcome and account tables of the same period, and checks the
# pages against them in Debian's chromium driven by playwright-core (report.mjs).
#
#   bash tests/browser/run.sh                 # the checks; pages, PDFs, screenshots in target/browser
#   bash tests/browser/run.sh --screenshots   # also rewrite docs/img/qbr.png and docs/img/portfolio.png
#
# Installs Debian's `chromium` with apt-get when /usr/bin/chromium is missing (that needs root;
# it says so when it cannot). No browser is ever downloaded: playwright-core has none, and
# PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set. ENTITLEMENT_BIN names a built `entitlement` to use
# instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "tests/browser: installing Debian's chromium (apt-get)" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium > /dev/null
    else
        echo "tests/browser: /usr/bin/chromium is missing; install it as root: apt-get install chromium" >&2
        exit 1
    fi
fi

bin="${ENTITLEMENT_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --quiet --locked --release -p entitlement-cli
    bin=target/release/entitlement
fi

work="$PWD/target/browser"
rm -rf "$work"
mkdir -p "$work"
# The sample's quarter: its cases are from November 2026, and its now is 2026-11-25T20:30:00Z.
period=(--from 2026-10-01 --to 2026-12-31)
sample=(--rules examples/data/rules.yaml --cases examples/data/cases.json --now 2026-11-25T20:30:00Z)
"$bin" report --account A-1 "${period[@]}" --out "$work/qbr.html" 2> /dev/null
"$bin" report --portfolio "${period[@]}" --out "$work/portfolio.html" 2> /dev/null
"$bin" report --account A-666 --from 2026-11-01 --to 2026-11-30 --now 2026-11-25T20:30:00Z \
    --rules tests/browser/hostile-rules.yaml --cases tests/browser/hostile-cases.json \
    --out "$work/qbr-hostile.html"
# The tables the pages are compared with: `entitlement export` (the warehouse files), not the
# report's own code.
"$bin" export outcomes "${sample[@]}" "${period[@]}" --account A-1 --format ndjson --out "$work/outcomes.ndjson"
"$bin" export accounts "${sample[@]}" "${period[@]}" --account A-1 --format ndjson --out "$work/accounts-a1.ndjson"
"$bin" export accounts "${sample[@]}" "${period[@]}" --format ndjson --out "$work/accounts.ndjson"

(cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent)
shots="$work"
if [ "${1:-}" = "--screenshots" ]; then
    shots="$PWD/docs/img"
    mkdir -p "$shots"
fi
node tests/browser/report.mjs "$work" "$shots"
