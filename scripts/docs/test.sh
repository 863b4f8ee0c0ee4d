#!/usr/bin/env bash
# The documentation: builds the site with MkDocs in strict mode (a broken link or anchor, a page
# missing from the navigation fail), then runs every code block of the docs and README files
# (test_snippets.py): Python in the clean wheel environment, JS in the scratch project of the
# packed npm tarball. Run after bindings-python/scripts/test_wheel.sh and
# bindings-node/scripts/test_pack.sh, which leave those environments in target/.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"

# MkDocs lives in the development .venv, pinned: the site must build the same everywhere.
if ! .venv/bin/python -c 'import mkdocs, sys; sys.exit(mkdocs.__version__ != "1.6.1")' 2>/dev/null; then
    .venv/bin/python -m pip install --quiet "mkdocs==1.6.1"
fi
.venv/bin/mkdocs build --strict --quiet
pages=$(find target/site -name index.html -not -path 'target/site/search/*' | wc -l)
echo "docs site: $pages pages in target/site"

SNIPPETS_NODE_DIR="$repo/target/npm-scratch" \
    target/wheel-venv/bin/python -m pytest scripts/docs/test_snippets.py -q -p no:cacheprovider \
    --rootdir scripts/docs
