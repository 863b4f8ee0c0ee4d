"""Each crate's package holds every file of that crate that the release build read.

    .venv/bin/python tests/release/check_crates.py DEP_INFO CRATE...

The test command packages the crates with `cargo publish --dry-run --no-verify`: verifying
builds each package from its own files in the dev profile, every dependency again (minutes on
the 2-core machine), and the release workflow does that on pull requests that touch a
manifest and on tags. What the
verification would catch first is a file the compiler reads but the package leaves out (a
crate's `include` list decides, and `include_str!` files are easy to forget: the built-in
holidays' data.txt was). Cargo's dep-info of the release CLI (`target/<triple>/release/
entitlement.d`) lists every repository file that went into it, from every workspace crate it
depends on; each file under a packaged crate's directory must be in that crate's `.crate` at the
same relative path.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path

from check_sdist import REPO, dep_info_sources


def crate_dirs() -> dict[str, str]:
    """Each workspace package's name and its directory, relative to the repository."""
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps", "--locked"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {
        p["name"]: Path(p["manifest_path"]).parent.relative_to(REPO).as_posix()
        for p in json.loads(out)["packages"]
    }


def main() -> int:
    dep_info, crates = Path(sys.argv[1]), [Path(a) for a in sys.argv[2:]]
    read = dep_info_sources(dep_info)
    dirs = crate_dirs()
    failed = False
    for crate in crates:
        with tarfile.open(crate) as archive:
            # entitlement-cli-0.1.0/sample/rules.yaml -> (entitlement-cli-0.1.0, sample/rules.yaml)
            names = [name.split("/", 1) for name in archive.getnames() if "/" in name]
        root = names[0][0]
        name = root.rsplit("-", 1)[0]
        packed = {rel for _, rel in names}
        here = dirs[name]
        wanted = {p.removeprefix(here + "/") for p in read if p.startswith(here + "/")}
        if not wanted:
            print(f"{crate.name}: the build read none of {here}/; not the CLI's dep-info?")
            failed = True
            continue
        missing = sorted(wanted - packed)
        for path in missing:
            print(f"{crate.name} lacks {here}/{path}, which the build read", file=sys.stderr)
        if missing:
            failed = True
        else:
            print(f"{crate.name}: holds the {len(wanted)} files of {here}/ the release build read")
    if failed:
        print("add each missing file to its crate's `include` list", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
