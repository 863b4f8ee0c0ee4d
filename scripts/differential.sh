#!/usr/bin/env bash
# The long differential run: QUERIES (default 100,000) random queries compared against each peer
# library, on random calendars, instants and durations (docs/differential.md), with the count of
# disagreements per peer. The test command runs the same comparisons with a few thousand seeded
# queries; this is the run to do by hand (about 45 minutes, most of it businesstimedelta's).
#   bash scripts/differential.sh [QUERIES]
# Needs the built packages: run `bash scripts/test.sh` (or the two bindings' test scripts) first.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
echo "== Python: workclock and businesstimedelta, $n queries each"
.venv/bin/python bindings-python/tests/test_differential.py "$n"
echo "== Node: moment-business-time, $n queries on calendars with one opening a day, $((n / 2)) with up to three"
(cd bindings-node && ENTITLEMENT_DIFFERENTIAL_QUERIES="$n" node --test test/differential.test.js |
    grep -E '^# (moment|pass|fail)')
