"""The Python release workflow builds what the test command builds, for what the package claims.

    .venv/bin/python tests/release/check_python_workflow.py

The workflow (.github/workflows/python-release.yml) cannot run on this machine, and its schema
check (check-jsonschema) says nothing of its meaning. This reads it and fails when:

- a wheel build lacks a flag the test command's build passes (bindings-python/scripts/test.sh:
  `--release`, and on Linux `--auditwheel check`), or has no `--target`;
- its CPython list differs from the package's `Programming Language :: Python :: 3.x`
  classifiers, or its oldest version from `requires-python`;
- a Linux build is not tagged manylinux_2_28 or musllinux_1_2, the tags docs/releasing.md names;
- the publish job is not trusted publishing (`id-token: write`, pypa/gh-action-pypi-publish, no
  password or token) or can run on anything but a tag.
"""

from __future__ import annotations

import re
import shlex
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "python-release.yml"
PYPROJECT = REPO / "bindings-python" / "pyproject.toml"
TEST_SH = REPO / "bindings-python" / "scripts" / "test.sh"
LINUX_TAGS = {"manylinux_2_28", "musllinux_1_2"}


def main() -> int:
    workflow: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    problems: list[str] = []

    claimed = [
        c.rsplit(" :: ", 1)[1]
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    versions = workflow["env"]["PYTHON_VERSIONS"].split()
    if versions != claimed:
        problems.append(f"PYTHON_VERSIONS {versions} != the classifiers' {claimed}")
    floor = project["requires-python"].removeprefix(">=")
    if versions[:1] != [floor]:
        problems.append(f"the oldest CPython built, {versions[:1]}, is not requires-python {floor}")

    # The flags of the test command's own build line.
    build_line = next(line for line in TEST_SH.read_text().splitlines() if 'maturin" build' in line)
    test_flags = shlex.split(build_line)
    if "--release" not in test_flags or "--auditwheel" not in test_flags:
        problems.append(f"{TEST_SH.name}'s build line changed: {build_line.strip()}")

    builds = 0
    for name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            with_ = step.get("with", {})
            if not str(step.get("uses", "")).startswith("PyO3/maturin-action@"):
                continue
            if with_.get("command", "build") != "build":
                continue
            builds += 1
            args = shlex.split(with_.get("args", ""))
            where = f"job {name}"
            if "--release" not in args:
                problems.append(f"{where}: no --release")
            if "-i ${{ env.PYTHON_VERSIONS }}" not in with_.get("args", ""):
                problems.append(f"{where}: the interpreters are not env.PYTHON_VERSIONS")
            if not with_.get("target"):
                problems.append(f"{where}: no target")
            if name == "linux":
                if "--auditwheel check" not in " ".join(args):
                    problems.append(f"{where}: no --auditwheel check")
                tags = {p["compatibility"] for p in job["strategy"]["matrix"]["platform"]}
                if tags != LINUX_TAGS:
                    problems.append(f"{where}: tags {sorted(tags)} != {sorted(LINUX_TAGS)}")
    if builds < 3:
        problems.append(f"only {builds} wheel builds (linux, macos, windows expected)")

    publish = workflow["jobs"].get("publish", {})
    if publish.get("permissions", {}).get("id-token") != "write":
        problems.append("publish: no id-token: write (trusted publishing)")
    if "refs/tags/" not in str(publish.get("if", "")):
        problems.append("publish: not limited to tags")
    uploads = [
        s for s in publish.get("steps", []) if "pypa/gh-action-pypi-publish" in str(s.get("uses"))
    ]
    if len(uploads) != 1 or {"password", "user"} & set(uploads[0].get("with", {})):
        problems.append("publish: one pypa/gh-action-pypi-publish step, without a password")
    if set(publish.get("needs", [])) != {"linux", "macos", "windows", "sdist"}:
        problems.append(f"publish: needs {publish.get('needs')}")

    for problem in problems:
        print(f"{WORKFLOW.relative_to(REPO)}: {problem}", file=sys.stderr)
    if not problems:
        built = " ".join(versions)
        print(f"{WORKFLOW.name}: {builds} wheel builds, CPython {built}, publish by OIDC")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
