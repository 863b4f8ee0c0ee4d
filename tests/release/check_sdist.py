"""The sdist holds every source file the wheel's build read.

    .venv/bin/python tests/release/check_sdist.py SDIST DEP_INFO

Building the sdist from scratch takes minutes (every dependency compiles in a new target
directory), too long for every run of the test command; the release workflow does it before
publishing (docs/releasing.md). What such a build catches that `maturin sdist` does not is a
file the compiler reads but the package leaves out: a crate's `include` list in Cargo.toml
decides what goes in, and a file read with `include_str!` is easy to forget (the built-in
holidays' data.txt was). Cargo's dep-info file of the extension module
(`target/<triple>/release/lib_entitlement.d`, written by the wheel's build) lists every source
file of the repository that went into it, `include_str!` files included; each must be in the
sdist at the same path.
"""

from __future__ import annotations

import os
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def dep_info_sources(dep_info: Path) -> set[str]:
    """The repository's files that the build read, relative to the repository."""
    # `target: dep dep ...`, spaces in names escaped as `\ `; one rule per output.
    sources: set[str] = set()
    for line in dep_info.read_text().splitlines():
        _, _, deps = line.partition(": ")
        for dep in deps.replace("\\ ", "\0").split():
            # `src/../sample/rules.yaml` as `include_str!` wrote it: normalised, not resolved
            # (a symbolic link in a crate is packaged as the file it points to).
            path = Path(os.path.normpath(dep.replace("\0", " ")))
            if path.is_relative_to(REPO) and not path.is_relative_to(REPO / "target"):
                sources.add(path.relative_to(REPO).as_posix())
    return sources


def main() -> int:
    sdist, dep_info = Path(sys.argv[1]), Path(sys.argv[2])
    with tarfile.open(sdist) as archive:
        # entitlement-0.1.0/entitlement-core/src/lib.rs -> entitlement-core/src/lib.rs
        packed = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    read = dep_info_sources(dep_info)
    if len(read) < 10:
        print(f"{dep_info}: only {len(read)} repository files; not the wheel's dep-info?")
        return 1
    missing = sorted(read - packed)
    for path in missing:
        print(f"{sdist.name} lacks {path}, which the wheel's build read", file=sys.stderr)
    if missing:
        print("add it to the `include` list of its crate's Cargo.toml", file=sys.stderr)
        return 1
    print(f"{sdist.name}: holds the {len(read)} repository files the wheel's build read")
    return 0


if __name__ == "__main__":
    sys.exit(main())
