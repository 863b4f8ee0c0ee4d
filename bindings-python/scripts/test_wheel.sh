#!/usr/bin/env bash
# Installs the wheel that scripts/test.sh built into a fresh virtual environment holding only
# that wheel and tests/requirements.txt (not the development .venv, whose maturin and source
# tree could hide a packaging mistake), and runs the Python suite there: in scripts/test.sh, the
# suite's only run (scripts/test.sh passes --no-pytest to test.sh, which built the same wheel;
# .venv holds the same requirements plus tools and type stubs the package never imports). Leaves
# the environment in target/wheel-venv, where the documentation's Python examples run next.
#
# The requirements are downloaded once into target/wheelhouse (again when requirements.txt
# changes), so each run installs offline in a few seconds.
set -euo pipefail
pkg="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(dirname "$pkg")"
dev_python="$repo/.venv/bin/python"
requirements="$pkg/tests/requirements.txt"
wheelhouse="$repo/target/wheelhouse"
venv="$repo/target/wheel-venv"

shopt -s nullglob
wheels=("$repo"/target/wheels/entitlement-*.whl)
if [[ ${#wheels[@]} -ne 1 ]]; then
    echo "expected exactly one wheel in target/wheels (run bindings-python/scripts/test.sh)" >&2
    exit 1
fi
wheel="${wheels[0]}"
case "$(basename "$wheel")" in
    *-cp3*-cp3*-manylinux_*|*-cp3*-cp3*-musllinux_*) ;;
    *) echo "not a per-CPython-version manylinux wheel: $(basename "$wheel")" >&2; exit 1 ;;
esac

if [[ ! -f "$wheelhouse/.stamp" || "$requirements" -nt "$wheelhouse/.stamp" ]]; then
    rm -rf "$wheelhouse"
    "$dev_python" -m pip download --quiet --only-binary=:all: -d "$wheelhouse" -r "$requirements"
    touch "$wheelhouse/.stamp"
fi

rm -rf "$venv"
"$dev_python" -m venv --without-pip "$venv"
# The development environment's pip installs into the new one (`--python`): no ensurepip, and
# nothing but the wheel and the requirements lands there.
"$dev_python" -m pip --python "$venv/bin/python" install --quiet --no-index \
    --find-links "$wheelhouse" -r "$requirements" "$wheel"

# From outside the source tree, so that only the installed package can be imported.
cd "$repo/target"
"$venv/bin/python" - <<'PY'
import pathlib, sys
import entitlement
where = pathlib.Path(entitlement.__file__).resolve()
assert where.is_relative_to(pathlib.Path(sys.prefix).resolve()), where
assert (where.parent / "py.typed").is_file() and (where.parent / "_entitlement.pyi").is_file()
print(f"entitlement {entitlement.__version__} from {where.parent}")
PY
"$venv/bin/python" -m pytest "$pkg/tests" -q -p no:cacheprovider --rootdir "$pkg"
