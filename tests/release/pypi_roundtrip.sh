#!/usr/bin/env bash
# Install by name from a real package index: starts pypiserver on a free loopback port with an
# empty packages directory, uploads the wheel and the sdist the test command built (twine, the
# way pypiserver documents uploads), then in a fresh virtual environment runs exactly the
# command docs/getting-started-python.md gives, with this index's URL and no other index, and
# checks that pip took the wheel, that the package imports from that environment, computes a
# deadline, and that `entitlement.__version__` is the version of the uploaded files. The server
# stops on exit, whatever happened.
#
#   bash tests/release/pypi_roundtrip.sh [DIST_DIR]    (default: target/wheels)
#
# pypiserver and twine come from .venv (the requirement list of bindings-python/scripts/test.sh).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dist="${1:-$repo/target/wheels}"
dev_python="$repo/.venv/bin/python"

shopt -s nullglob
wheels=("$dist"/entitlement-*.whl)
sdists=("$dist"/entitlement-*.tar.gz)
if [[ ${#wheels[@]} -ne 1 || ${#sdists[@]} -ne 1 ]]; then
    echo "expected one wheel and one sdist in $dist (bindings-python/scripts/test.sh builds them)" >&2
    exit 1
fi
wheel="${wheels[0]}"
sdist="${sdists[0]}"
# The version both files carry: entitlement-0.1.0.tar.gz, entitlement-0.1.0-cp311-...whl.
version="$(basename "$sdist" .tar.gz)"
version="${version#entitlement-}"
case "$(basename "$wheel")" in
    "entitlement-$version-"*) ;;
    *) echo "the wheel and the sdist differ in version: $(basename "$wheel"), $(basename "$sdist")" >&2; exit 1 ;;
esac

work="$(mktemp -d "${TMPDIR:-/tmp}/entitlement-pypi.XXXXXX")"
server=""
cleanup() {
    if [[ -n "$server" ]]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/packages"

port="$("$dev_python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
index="http://127.0.0.1:$port"
# -a . -P .: no authentication (a throwaway index on loopback). --disable-fallback: a name the
# index does not hold is a 404, not a redirect to pypi.org, so nothing can come from elsewhere.
"$repo/.venv/bin/pypi-server" run -i 127.0.0.1 -p "$port" -a . -P . --disable-fallback \
    --log-file "$work/server.log" "$work/packages" > /dev/null 2>&1 &
server=$!
for _ in $(seq 100); do
    if "$dev_python" -c "import urllib.request as u; u.urlopen('$index/health', timeout=1)" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$server" 2>/dev/null; then
        cat "$work/server.log" >&2
        echo "pypiserver exited before answering" >&2
        exit 1
    fi
    sleep 0.1
done

# Any username and password do: the index authenticates nothing.
"$repo/.venv/bin/twine" upload --non-interactive --disable-progress-bar \
    --repository-url "$index/" -u roundtrip -p roundtrip "$wheel" "$sdist" > "$work/twine.log" 2>&1 || {
    cat "$work/twine.log" "$work/server.log" >&2
    exit 1
}
# Both files are listed under the project's simple page, as PyPI would list them.
listing="$("$dev_python" -c "import urllib.request as u; print(u.urlopen('$index/simple/entitlement/').read().decode())")"
for file in "$wheel" "$sdist"; do
    grep -q "$(basename "$file")" <<<"$listing" || {
        echo "$(basename "$file") is not on $index/simple/entitlement/" >&2
        exit 1
    }
done

# A fresh environment with its own pip (from ensurepip: no network), no configuration files
# that could add another index, and nothing installed but what the command brings; on the
# CPython the wheel was built for (.venv's: a venv made from a venv uses the same base).
"$dev_python" -m venv "$work/venv"
# pip reads its options from PIP_* variables too (PIP_FIND_LINKS, PIP_EXTRA_INDEX_URL...): none
# may add a source the command does not name.
while read -r name; do unset "$name"; done < <(compgen -e | grep '^PIP_')
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1
cd "$work"
# The command of docs/getting-started-python.md, "Install", with the index's URL.
venv/bin/pip install --index-url "$index/simple/" entitlement > "$work/pip.log" 2>&1 || {
    cat "$work/pip.log" >&2
    exit 1
}
# pip chose this machine's wheel, not the sdist (a wheel for the running CPython and platform
# is preferred; a build from the sdist would mean the wheel's tags do not match this system).
# pip names its sources: this index alone ("Looking in indexes: URL"), no find-links.
if ! grep -qx "Looking in indexes: $index/simple/" "$work/pip.log" \
    || grep -q "Looking in links" "$work/pip.log"; then
    cat "$work/pip.log" >&2
    echo "pip looked somewhere else than $index/simple/" >&2
    exit 1
fi
grep -q "$(basename "$wheel")" "$work/pip.log" || {
    cat "$work/pip.log" >&2
    echo "pip did not install $(basename "$wheel")" >&2
    exit 1
}

venv/bin/python - "$version" <<'PY'
import pathlib
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import entitlement

expected = sys.argv[1]
where = pathlib.Path(entitlement.__file__).resolve()
assert where.is_relative_to(pathlib.Path(sys.prefix).resolve()), where
assert entitlement.__version__ == expected, (entitlement.__version__, expected)

ny = ZoneInfo("America/New_York")
cal = entitlement.Calendar(
    time_zone="America/New_York",
    hours={day: ["09:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
    holidays=[{"name": "Spring closure", "date": "2026-03-09"}],
)
due = cal.add(datetime(2026, 3, 6, 16, tzinfo=ny), timedelta(hours=8))
assert due == datetime(2026, 3, 10, 16, tzinfo=ny), due
print(f"entitlement {entitlement.__version__} installed by name from the local index: {due.isoformat()}")
PY
