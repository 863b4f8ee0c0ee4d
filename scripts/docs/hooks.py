"""MkDocs hooks for the docs site (mkdocs.yml `hooks:`).

- Links from a page to files outside `docs/` (`../examples/data/rules.yaml`) are right on GitHub
  but would be dead on the site: each is checked to exist in the repository (a missing one is a
  warning, which the strict build turns into a failure) and pointed at the repository instead.
- Lines of a ```rust block that rustdoc hides (`# ` prefix, or a lone `#`) are hidden on the site
  too, so a page can carry the `# Ok::<(), Error>(())` that makes its example a doctest.
"""

from __future__ import annotations

import logging
import posixpath
import re
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.entitlement")

LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")
RUST_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```rust[^\n]*\n(?P<body>.*?)^(?P=indent)```",
    re.MULTILINE | re.DOTALL,
)
HIDDEN = re.compile(r"^[ \t]*#(?: .*)?$")


def on_page_markdown(markdown, page, config, files):
    docs_dir = Path(config["docs_dir"]).resolve()
    repo = docs_dir.parent
    page_dir = (docs_dir / page.file.src_path).parent
    blob = config["repo_url"].rstrip("/") + "/blob/main/"

    def outside(match: re.Match[str]) -> str:
        target = match["target"]
        if re.match(r"^[a-z][a-z0-9+.-]*:|^#|^/", target):
            return match[0]
        path, _, anchor = target.partition("#")
        resolved = (page_dir / path).resolve()
        if resolved.is_relative_to(docs_dir):
            return match[0]  # MkDocs checks links inside the docs itself
        if not resolved.exists():
            log.warning(
                "%s: link to %s, which does not exist in the repository",
                page.file.src_path,
                target,
            )
            return match[0]
        relative = posixpath.join(*resolved.relative_to(repo).parts)
        return f"[{match['text']}]({blob}{relative}{'#' + anchor if anchor else ''})"

    def hide(match: re.Match[str]) -> str:
        body = "".join(
            line
            for line in match["body"].splitlines(keepends=True)
            if not HIDDEN.match(line)
        )
        return f"{match['indent']}```rust\n{body}{match['indent']}```"

    markdown = RUST_FENCE.sub(hide, markdown)
    return LINK.sub(outside, markdown)
