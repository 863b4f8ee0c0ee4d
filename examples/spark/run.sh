#!/usr/bin/env bash
# Runs examples/spark/monitor_spark.py in PySpark's local mode: installs PySpark (and pyarrow,
# pandas) into .venv-spark, builds and installs the entitlement wheel there, and runs the job.
# Not part of scripts/test.sh (PySpark is a large download and needs Java 17 or later).
#   bash examples/spark/run.sh [--cases 200000] [--partitions 1,2,4] [--report-cases 20000]
# ENTITLEMENT_WHEEL=path/to/entitlement-*.whl installs that wheel instead of building one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo=$PWD
venv=$repo/.venv-spark
if ! command -v java > /dev/null; then
    echo "PySpark needs Java 17 or later on the PATH" >&2
    exit 1
fi
[[ -x $venv/bin/python ]] || python3 -m venv "$venv"
"$venv/bin/python" -c "import pyspark, pyarrow, pandas" 2> /dev/null ||
    "$venv/bin/pip" install --quiet pyspark pyarrow pandas numpy "maturin>=1.16,<2"
"$venv/bin/python" -c "import maturin" 2> /dev/null || "$venv/bin/pip" install --quiet "maturin>=1.16,<2"
if [[ -n ${ENTITLEMENT_WHEEL:-} ]]; then
    "$venv/bin/pip" install --quiet --force-reinstall --no-deps "$ENTITLEMENT_WHEEL"
    # A wheel built elsewhere may predate the source tree's entitlement.arrow (pure Python):
    # run the one this example documents.
    cp bindings-python/python/entitlement/arrow.py "$("$venv/bin/python" -c 'import entitlement, os; print(os.path.dirname(entitlement.__file__))')/arrow.py"
else
    rm -f target/wheels/entitlement-*.whl
    (cd bindings-python && PYO3_PYTHON="$venv/bin/python" "$venv/bin/maturin" build --release --quiet -o "$repo/target/wheels" -i "$venv/bin/python")
    "$venv/bin/pip" install --quiet --force-reinstall --no-deps target/wheels/entitlement-*.whl
fi
# The Python workers must run the interpreter that has entitlement installed.
export PYSPARK_PYTHON=$venv/bin/python PYSPARK_DRIVER_PYTHON=$venv/bin/python
"$venv/bin/python" examples/spark/monitor_spark.py "$@"
