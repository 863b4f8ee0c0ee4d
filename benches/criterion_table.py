"""Prints criterion's last results (``target/criterion/*/new/estimates.json``) as a table of
median times and operations per second, for ``benches/run.sh`` and ``docs/performance.md``.

    python3 benches/criterion_table.py [TARGET_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "target") / "criterion"
    rows = []
    for estimates in sorted(root.glob("**/new/estimates.json")):
        bench = estimates.parent.parent.relative_to(root).as_posix()
        median_ns = json.loads(estimates.read_text())["median"]["point_estimate"]
        meta = json.loads((estimates.parent / "benchmark.json").read_text())
        # A benchmark with a throughput does that many operations per iteration.
        per_iteration = (meta.get("throughput") or {}).get("Elements", 1)
        rows.append((bench, median_ns, per_iteration))
    if not rows:
        sys.exit(
            f"no criterion results under {root}: run `cargo bench -p entitlement-benches`"
        )
    print("| benchmark | median per iteration | operations per iteration | ops/s |")
    print("|---|---:|---:|---:|")
    for bench, ns, n in rows:
        shown = (
            f"{ns:.1f} ns"
            if ns < 1e4
            else f"{ns / 1e3:.1f} µs"
            if ns < 1e7
            else f"{ns / 1e9:.3f} s"
        )
        print(f"| {bench} | {shown} | {n:,} | {n * 1e9 / ns:,.0f} |")


if __name__ == "__main__":
    main()
