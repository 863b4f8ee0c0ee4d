#!/usr/bin/env bash
# Builds the `entitlement` wheel, installs it into REPO/.venv and checks it: pytest against the
# installed wheel (never the source tree), ruff, the stubs with mypy.stubtest, and clippy/rustfmt
# on the binding crate. Reruns skip what is already installed.
#
#   bash bindings-python/scripts/test.sh [--no-pytest] [--no-rust-lints]
#
# scripts/test.sh passes both: its clean-venv step (test_wheel.sh) runs the suite against the same
# wheel, and its Rust steps have run clippy and rustfmt on every crate.
set -euo pipefail

run_pytest=1
rust_lints=1
for arg in "$@"; do
    case "$arg" in
        --no-pytest) run_pytest=0 ;;
        --no-rust-lints) rust_lints=0 ;;
        *) echo "usage: $0 [--no-pytest] [--no-rust-lints]" >&2; exit 2 ;;
    esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pkg="$(dirname "$here")"
repo="$(dirname "$pkg")"
venv="$repo/.venv"
py="$venv/bin/python"
wheels="$repo/target/wheels"

if [ ! -x "$py" ]; then
    python3 -m venv "$venv"
fi

# Install only the tools that are missing, so reruns stay fast.
requirements=("maturin>=1.16,<2" pytest hypothesis ruff mypy pytz tzdata jsonschema types-jsonschema pyyaml types-PyYAML pandas pandas-stubs numpy pyarrow "dask[distributed]" "holidays==0.109" workclock businesstimedelta "psycopg[binary]" slack_sdk requests sqlglot lkml tableauhyperapi "schemathesis==4.32.5" "auditwheel==6.8.2" "pypiserver==2.4.2" "twine>=6" "check-jsonschema==0.39.0")
missing="$("$py" - "${requirements[@]}" <<'EOF'
import re
import sys
from importlib import metadata

for requirement in sys.argv[1:]:
    name = re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0]
    try:
        installed = metadata.version(name)
    except metadata.PackageNotFoundError:
        print(requirement)
        continue
    # A pinned requirement (`holidays==0.109`) is reinstalled when another version is there.
    if "==" in requirement and installed != requirement.split("==", 1)[1]:
        print(requirement)
EOF
)"
if [ -n "$missing" ]; then
    mapfile -t to_install <<<"$missing"
    "$py" -m pip install --quiet "${to_install[@]}"
fi

cd "$pkg"
export PYO3_PYTHON="$py"

# Build and install the wheel for this venv's CPython. `--target` with the host's own triple: the
# build lands in target/<triple>/release, where napi builds the Node addon (it always passes
# `--target`), so the addon and the release CLI reuse the compiled core and dependencies.
rm -f "$wheels"/entitlement-*.whl "$wheels"/entitlement-*.tar.gz
host="$(rustc -vV | sed -n 's/^host: //p')"
# .github/workflows/python-release.yml builds the published wheels with these flags. maturin tags
# the wheel with the lowest manylinux the linked glibc symbols allow (manylinux_2_34 on a glibc
# 2.36 host; the workflow builds in the manylinux_2_28 container); `--auditwheel check` fails
# rather than copying a shared library into the wheel.
"$venv/bin/maturin" build --release --quiet --target "$host" --auditwheel check -o "$wheels" -i "$py"
wheel=("$wheels"/entitlement-*.whl)
# auditwheel, the PyPA's manylinux checker, agrees with the tag maturin chose (it reads the
# symbol versions itself); the verdict of `auditwheel show` is in its text.
audit="$("$venv/bin/auditwheel" show "${wheel[0]}" | tr -s ' \n' '  ')"
tag="$(sed -n 's/.*-\(\(many\|musl\)linux_[0-9]*_[0-9]*_[a-z0-9_]*\)\.whl$/\1/p' <<<"${wheel[0]}")"
if [[ -z "$tag" ]] || ! grep -qF "is consistent with the following platform tag: \"$tag\"" <<<"$audit"; then
    printf '%s\n' "$audit" >&2
    echo "auditwheel does not confirm the tag ${tag:-?} of $(basename "${wheel[0]}")" >&2
    exit 1
fi
# The sdist: the binding and the workspace crates it needs (maturin trims the workspace).
if ! sdist_log="$("$venv/bin/maturin" sdist -o "$wheels" 2>&1)"; then
    printf '%s\n' "$sdist_log" >&2
    exit 1
fi
"$py" -m pip install --quiet --force-reinstall --no-deps "$wheels"/entitlement-*.whl

# The result part of the stub is generated from the core's result schema: fail when stale.
"$py" "$here/gen_stubs.py" --check
# The built-in public holidays are generated from the pinned `holidays` package: fail when stale.
"$py" "$repo/scripts/holidays/generate.py" --check
# The warehouse DDL, LookML and CRM Analytics metadata are generated: fail when stale.
"$py" -m entitlement.warehouse --check "$repo/warehouse"

# The ledger tests run on a throwaway PostgreSQL cluster too (tests/services/postgres.sh installs
# Debian's postgresql when missing).
export ENTITLEMENT_TEST_POSTGRES="${ENTITLEMENT_TEST_POSTGRES:-1}"
# Tests import the installed package (`--import-mode=importlib` in pyproject.toml).
if [[ $run_pytest == 1 ]]; then
    "$py" -m pytest tests -q
fi

"$venv/bin/ruff" check .
"$venv/bin/ruff" format --check .
# Run from outside the source tree so that mypy reads the installed package and its stubs.
(cd "$repo/target" && "$py" -m mypy.stubtest entitlement)
# The tests double as a typed usage of the stubs.
"$py" -m mypy --strict tests

if [[ $rust_lints == 1 ]]; then
    cargo fmt -p entitlement-python --check
    cargo clippy -p entitlement-python --all-targets --quiet -- -D warnings
fi
