"""Every code block of the documentation, run as a test.

Collects the fenced blocks of the README files and of every page under ``docs/`` (new pages are
picked up without a list) with markdown-it-py, the CommonMark parser, and

- runs the ``python`` blocks of a page in order in one namespace, in this interpreter (the test
  command runs it in a fresh venv holding only the built wheel and the test requirements);
- runs the ``js`` blocks of a page in order as one ES module in one ``node`` process, from the
  scratch project where the packed npm tarball is installed (``require`` is provided too), so
  that ``require('entitlement')`` and ``import ... from 'entitlement'`` load the package a user
  would install;
- parses the ``yaml``, ``json`` and ``toml`` blocks, and loads those marked as documents;
  checks that the ``xml`` blocks (Mule flows, Salesforce metadata) are well-formed;
- runs the ``sql`` blocks of a page in order in one in-memory SQLite database (so a page's
  queries are checked against the schema it shows); a block marked ``same-as=PATH`` must hold
  the same statements as that file of the repository (comments and layout aside);
- leaves ``rust`` blocks to rustdoc (``docs-tests/src/lib.rs`` includes each page that has one
  as a doctest of that crate; this file checks that none is missing);
- does not run ``sh``/``console`` (commands: the test command runs them itself) or ``text``.

The conventions (hidden setups, page options, block options) are documented in
``docs/contributing.md``. Environment: ``SNIPPETS_NODE_DIR`` (the scratch project; the JS blocks
are skipped with a failure if it is missing), ``SNIPPETS_REPO`` (default: two levels up).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tomllib
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from markdown_it import MarkdownIt

REPO = Path(os.environ.get("SNIPPETS_REPO", Path(__file__).resolve().parents[2]))
SETUPS = REPO / "docs" / "snippets"
os.environ["SNIPPETS_REPO"] = str(REPO)  # for the setups: where the sample data is
NODE_DIR = os.environ.get("SNIPPETS_NODE_DIR")

#: Blocks that call an API still being written on another branch: run, and expected to fail
#: with the given error until it lands. A pending block that passes, or fails any other way
#: (a name the page never defines, say), is an error, so the list cannot go stale. Keyed by
#: page and the block's first line; the value is the reason and the expected error's text.
PENDING: dict[tuple[str, str], tuple[str, str]] = {}

RUN = {"python", "js", "sql"}
PARSE = {"yaml", "json", "toml", "xml"}
NOT_RUN = {"sh", "console", "text"}
RUSTDOC = {"rust"}
KNOWN = RUN | PARSE | NOT_RUN | RUSTDOC

OPTION = re.compile(r"^<!--\s*snippets?:(?P<options>.*?)-->\s*$", re.DOTALL)


def pages() -> list[Path]:
    """The README files and every page of the docs, in a stable order."""
    found = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    found += sorted(REPO.glob("*/README.md"))
    found += sorted(REPO.glob("examples/*/README.md"))
    return [p for p in found if p.is_file() and "node_modules" not in p.parts]


def parse_options(text: str) -> dict[str, str]:
    options = {}
    for word in shlex.split(text):
        key, _, value = word.partition("=")
        options[key] = value or "true"
    return options


@dataclass
class Block:
    page: Path
    line: int  # 1-based line of the first code line in the page
    lang: str
    code: str
    options: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(REPO)}:{self.line}"

    @property
    def pending(self) -> tuple[str, str] | None:
        first = self.code.strip().splitlines()[0] if self.code.strip() else ""
        return PENDING.get((str(self.page.relative_to(REPO)), first))


@dataclass
class Page:
    path: Path
    options: dict[str, str]
    blocks: list[Block]

    @property
    def name(self) -> str:
        return str(self.path.relative_to(REPO))

    def of(self, lang: str) -> list[Block]:
        return [b for b in self.blocks if b.lang == lang]


def read_page(path: Path) -> Page:
    text = path.read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").parse(text)
    page_options: dict[str, str] = {}
    blocks: list[Block] = []
    pending_options: dict[str, str] = {}
    for token in tokens:
        if token.type == "html_block":
            match = OPTION.match(token.content.strip())
            if match and token.content.lstrip().startswith("<!-- snippets:"):
                page_options.update(parse_options(match["options"]))
            elif match:
                pending_options = parse_options(match["options"])
            continue
        if token.type == "fence":
            info = token.info.strip()
            lang = info.split()[0] if info else ""
            lang = {"javascript": "js", "bash": "sh", "yml": "yaml"}.get(lang, lang)
            assert token.map is not None
            blocks.append(
                Block(path, token.map[0] + 2, lang, token.content, pending_options)
            )
        elif token.type == "code_block":
            assert token.map is not None
            blocks.append(Block(path, token.map[0] + 1, "indented", token.content))
        pending_options = {}
    return Page(path, page_options, blocks)


PAGES = [read_page(p) for p in pages()]
COUNTS: Counter[str] = Counter()


def padded(block: Block) -> str:
    """The block's code at the same line numbers as in the page, for tracebacks that point there."""
    return "\n" * (block.line - 1) + block.code


def setups(page: Page, suffix: str) -> list[Path]:
    names = [n for n in page.options.get("setup", "").split(",") if n]
    paths = [SETUPS / f"{n}{suffix}" for n in names]
    missing = [str(p.relative_to(REPO)) for p in paths if not p.is_file()]
    assert not missing, f"{page.name}: setup files missing: {missing}"
    return paths


def page_cwd(page: Page, tmp_path: Path) -> Path:
    """A fresh directory for the page: links to ``examples/`` and ``docs/`` (so that the blocks
    read the sample data by the paths a reader at the repository's root would use) or, with the
    page option ``cwd=DIR``, a copy of that directory. What the blocks write stays there."""
    where = page.options.get("cwd")
    if where is None:
        for name in ("examples", "docs"):
            (tmp_path / name).symlink_to(REPO / name, target_is_directory=True)
        return tmp_path
    copy = tmp_path / Path(where).name
    shutil.copytree(REPO / where, copy)
    return copy


def test_every_block_has_a_known_language() -> None:
    unknown = [
        f"{b.where}: {b.lang or '(no language)'}"
        for page in PAGES
        for b in page.blocks
        if b.lang not in KNOWN
    ]
    assert not unknown, (
        "every fence needs one of the languages "
        f"{sorted(KNOWN)} (a bare fence is Rust to rustdoc): {unknown}"
    )


def test_pages_with_rust_blocks_are_doctested() -> None:
    listed = (REPO / "docs-tests" / "src" / "lib.rs").read_text(encoding="utf-8")
    included = set(re.findall(r'"\.\./\.\./([^"]+\.md)"', listed))
    core = (REPO / "entitlement-core" / "src" / "lib.rs").read_text(encoding="utf-8")
    if 'include_str!("../README.md")' in core:
        included.add("entitlement-core/README.md")
    missing = [
        page.name for page in PAGES if page.of("rust") and page.name not in included
    ]
    assert not missing, (
        "pages with rust blocks that rustdoc does not run; add them to the list in "
        f"docs-tests/src/lib.rs: {missing}"
    )
    COUNTS["rust"] += sum(len(page.of("rust")) for page in PAGES)


@pytest.mark.parametrize(
    "page", [p for p in PAGES if p.of("python")], ids=lambda p: p.name
)
def test_python_blocks(
    page: Page, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(page_cwd(page, tmp_path))
    monkeypatch.syspath_prepend(str(SETUPS))
    namespace: dict[str, object] = {"__name__": "__snippet__"}
    for path in setups(page, ".py"):
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # noqa: S102
    failures = []
    for block in page.of("python"):
        pending = block.pending
        try:
            exec(compile(padded(block), str(block.page), "exec"), namespace)  # noqa: S102
        except Exception as error:  # noqa: BLE001 (whatever a block raises is a failure)
            if pending is not None and pending[1] in str(error):
                COUNTS["python pending"] += 1
                continue
            pytest.fail(f"{block.where}: the block failed:\n{traceback.format_exc()}")
        if pending is not None:
            failures.append(
                f"{block.where}: passes now; remove it from PENDING ({pending[0]})"
            )
        COUNTS["python"] += 1
    assert not failures, failures


@pytest.mark.parametrize("page", [p for p in PAGES if p.of("js")], ids=lambda p: p.name)
def test_js_blocks(page: Page, tmp_path: Path) -> None:
    assert NODE_DIR, (
        "SNIPPETS_NODE_DIR must name the scratch project with the npm tarball"
    )
    node_dir = Path(NODE_DIR)
    pending = [b.where for b in page.of("js") if b.pending]
    assert not pending, f"pending is for python blocks only: {pending}"
    lines: list[str] = []
    for block in page.of("js"):
        # Each block at its own line numbers, so that a stack trace names the page's line.
        lines += [""] * (block.line - 1 - len(lines))
        lines += block.code.splitlines()
    script = node_dir / "snippets" / (page.name.replace("/", "__") + ".mjs")
    script.parent.mkdir(exist_ok=True)
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    preload = script.with_suffix(".preload.mjs")
    # `require` first (resolved from the script, so from the scratch project), then the
    # setups, in order (dynamic imports: static ones would run before the assignment).
    imports = [f"await import({json.dumps(p.as_uri())});" for p in setups(page, ".mjs")]
    preload.write_text(
        "import { createRequire } from 'node:module';\n"
        f"globalThis.require = createRequire({json.dumps(script.as_uri())});\n"
        + "\n".join(imports)
        + "\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        ["node", "--import", preload.as_uri(), str(script)],
        cwd=page_cwd(page, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = (result.stdout + result.stderr).replace(str(script), page.name)
    assert result.returncode == 0, f"{page.name}: the js blocks failed:\n{output}"
    COUNTS["js"] += len(page.of("js"))


def sql_statements(text: str) -> list[str]:
    """The statements of a SQL text, without comments, in one-space layout."""
    text = re.sub(r"--[^\n]*", "", text)
    return [" ".join(s.split()) for s in text.split(";") if s.strip()]


@pytest.mark.parametrize(
    "page", [p for p in PAGES if p.of("sql")], ids=lambda p: p.name
)
def test_sql_blocks(page: Page) -> None:
    database = sqlite3.connect(":memory:")
    try:
        for block in page.of("sql"):
            same_as = block.options.get("same-as")
            if same_as is not None:
                source = REPO / same_as
                assert source.is_file(), (
                    f"{block.where}: same-as names a missing file {same_as}"
                )
                assert sql_statements(block.code) == sql_statements(
                    source.read_text(encoding="utf-8")
                ), f"{block.where}: the block differs from {same_as}"
            try:
                database.executescript(block.code)
            except sqlite3.Error:
                pytest.fail(
                    f"{block.where}: the block failed:\n{traceback.format_exc()}"
                )
            COUNTS["sql"] += 1
    finally:
        database.close()


def load_document(block: Block, data: object) -> None:
    import entitlement

    kind = block.options.get("document")
    if kind == "ruleset":
        assert isinstance(data, dict)
        entitlement.Ruleset.from_dict(data)
    elif kind == "calendar":
        assert isinstance(data, dict)
        entitlement.Calendar.from_dict(data)
    elif kind == "case":
        assert isinstance(data, dict)
        rules = entitlement.Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
        rules.evaluate_case(data, data["created_at"])
    elif kind is not None:
        raise AssertionError(f"{block.where}: unknown document kind {kind!r}")


@pytest.mark.parametrize(
    "page", [p for p in PAGES if any(p.of(k) for k in PARSE)], ids=lambda p: p.name
)
def test_data_blocks_parse(page: Page) -> None:
    for block in (b for b in page.blocks if b.lang in PARSE):
        try:
            if block.lang == "yaml":
                data = yaml.safe_load(block.code)
            elif block.lang == "json":
                data = json.loads(block.code)
            elif block.lang == "xml":
                data = ElementTree.fromstring(block.code)
            else:
                data = tomllib.loads(block.code)
            load_document(block, data)
        except Exception:  # noqa: BLE001 (any parse or load error is a failure)
            pytest.fail(
                f"{block.where}: the {block.lang} block failed:\n{traceback.format_exc()}"
            )
        COUNTS[block.lang] += 1


def test_no_unused_setup() -> None:
    named = {n for page in PAGES for n in page.options.get("setup", "").split(",") if n}
    files = {p.stem for p in SETUPS.glob("*") if p.suffix in {".py", ".mjs"}}
    assert files <= named, f"setup files no page uses: {sorted(files - named)}"


def pytest_terminal_summary_counts() -> str:
    skipped = sum(len([b for b in p.blocks if b.lang in NOT_RUN]) for p in PAGES)
    parts = [f"{k} {v}" for k, v in sorted(COUNTS.items())]
    return f"snippets run: {', '.join(parts)}; commands and text not run: {skipped}"


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", *sys.argv[1:]]))
