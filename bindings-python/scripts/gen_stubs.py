"""Writes the result types of ``python/entitlement/_entitlement.pyi`` from the core's one
description of every result (``entitlement_core::host::result_schema``).

The part between the two ``# --- generated`` markers of the stub is this script's output: the
``Literal`` aliases of the result enums, one ``TypedDict`` per result type (what ``to_dict()``
returns, and the nested dicts), and the result classes with one property per field. Adding a
field to a result type is an edit in the core; this script then writes its property.

    python3 bindings-python/scripts/gen_stubs.py           # rewrite the stub
    python3 bindings-python/scripts/gen_stubs.py --check   # exit 1 when the stub is stale

The schema comes from ``cargo run -q -p entitlement-core --example result_schema`` unless
``--schema FILE`` names a file holding it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

PKG = Path(__file__).resolve().parents[1]
REPO = PKG.parent
STUB = PKG / "python" / "entitlement" / "_entitlement.pyi"
BEGIN = "# --- generated from the core's result schema by bindings-python/scripts/gen_stubs.py ---"
END = "# --- end of generated part ---"

#: The Python names of the enums' ``Literal`` aliases (others get ``_`` + their name).
ALIASES = {
    "MilestoneState": "_State",
    "MilestoneKind": "_Kind",
    "Level": "_Level",
    "EntitlementStatus": "_EntitlementStatus",
    "Period": "_Period",
    "MonitorEventKind": "_EventKind",
    "CheckCode": "_CheckCode",
}
#: The result types that are Python classes, with their one-line docstring.
CLASSES = {
    "MilestoneStatus": "Where one instance of one milestone of a case stands at ``now``.",
    "CaseEvaluation": "The whole result of evaluating one case at ``now``: its coverage and its "
    "milestones.",
    "EntitlementUsage": "An entitlement's status, the cases raised under it and each quota's use "
    "at ``now``.",
    "MonitorEvent": "One thing that happened in the window of a monitor run.",
    "Alert": "One monitor event that is not suppressed, ready to tell a person.",
    "CaseError": "A case that a call over many cases left out, and why.",
    "MonitorReport": "The result of one monitor run: what happened in ``(since, now]`` and where "
    "every open\n    milestone and every account stands at ``now``.",
    "CheckWarning": "One thing in a valid rules document that probably does not do what its "
    "author meant.",
    "RulesDiff": "What changed between two rules documents, and which open deadlines move.",
}
#: The names of the dicts (``to_dict()`` and nested results), where they differ from
#: ``_`` + the type's name.
DICTS = {
    "TriggerStatus": "_Trigger",
    "QuotaUse": "_Quota",
    **{name: f"_{name}Dict" for name in CLASSES},
}
#: The class's own methods, after its properties.
METHODS = {
    "RulesDiff": ["def __bool__(self) -> bool: ..."],
    "Alert": [
        "def slack_blocks(self) -> _SlackMessage: ...",
        "def email(self) -> _Email: ...",
        'def jira_issue(self, project_key: str, issue_type: str = "Task") -> _JiraIssue: ...',
        "def pagerduty_event(self, routing_key: str) -> _PagerDutyEvent: ...",
    ],
    "MonitorReport": [
        "def digests(self) -> list[dict[str, Any]]: ...",
        "def outcomes(\n"
        "        self,\n"
        "        start: datetime.date | str | None = None,\n"
        "        end: datetime.date | str | None = None,\n"
        "    ) -> list[_MilestoneOutcome]: ...",
        "def account_periods(\n"
        "        self,\n"
        "        start: datetime.date | str | None = None,\n"
        "        end: datetime.date | str | None = None,\n"
        "    ) -> list[_AccountPeriod]: ...",
        'def to_pandas(self, table: _Table = "events") -> pandas.DataFrame: ...',
        'def to_arrow(self, table: _Table = "events") -> Any: ...',
    ],
}
MARKED = {"instant": "datetime.datetime", "duration": "datetime.timedelta", "date": "datetime.date"}
SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


def schema_of(argv: list[str]) -> dict[str, Any]:
    if "--schema" in argv:
        text = Path(argv[argv.index("--schema") + 1]).read_text(encoding="utf-8")
    else:
        text = subprocess.run(
            ["cargo", "run", "-q", "-p", "entitlement-core", "--example", "result_schema"],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    defs: dict[str, Any] = json.loads(text)["$defs"]
    return defs


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def is_enum(d: dict[str, Any]) -> bool:
    return "enum" in d or ("oneOf" in d and all("const" in v for v in d["oneOf"]))


def enum_values(d: dict[str, Any]) -> list[str]:
    return list(d["enum"]) if "enum" in d else [v["const"] for v in d["oneOf"]]


class Types:
    def __init__(self, defs: dict[str, Any]) -> None:
        self.defs = defs

    def named(self, name: str, typed: bool) -> str:
        if is_enum(self.defs[name]):
            return ALIASES.get(name, f"_{name}")
        if typed and name in CLASSES:
            return name
        return DICTS.get(name, f"_{name}")

    def of(self, p: dict[str, Any], typed: bool = False) -> str:
        """The Python type of a property; ``typed`` when the class answers nested results with
        result objects rather than dicts."""
        if "$ref" in p:
            return self.named(ref_name(p["$ref"]), typed)
        if "anyOf" in p:
            parts = [self.of(v, typed) for v in p["anyOf"]]
            return " | ".join(parts)
        kind = p.get("type")
        nullable = isinstance(kind, list) and "null" in kind
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind == "null":
            out = "None"
        elif "x-entitlement" in p:
            out = MARKED[p["x-entitlement"]]
        elif kind == "array":
            out = f"list[{self.of(p['items'], typed)}]"
        elif kind == "object":
            out = "dict[str, Any]"
        elif kind in SCALARS:
            out = SCALARS[kind]
        else:
            out = "Any"  # a value passed through as written (ARR, renewal date, ...)
        return f"{out} | None" if nullable and out != "Any" else out


def render(defs: dict[str, Any]) -> str:
    types = Types(defs)
    out = [BEGIN, ""]
    for name in sorted(defs):
        if is_enum(defs[name]):
            values = ", ".join(json.dumps(v) for v in enum_values(defs[name]))
            line = f"{types.named(name, False)}: TypeAlias = Literal[{values}]"
            if len(line) > 100:  # as ruff format wraps it
                line = f"{types.named(name, False)}: TypeAlias = Literal[\n    {values}\n]"
            if len(values) + 4 > 100:  # one value a line, with the magic trailing comma
                each = "".join(f"    {json.dumps(v)},\n" for v in enum_values(defs[name]))
                line = f"{types.named(name, False)}: TypeAlias = Literal[\n{each}]"
            out.append(line)
    for name in sorted(defs):
        d = defs[name]
        if is_enum(d) or "properties" not in d:
            continue
        out += ["", f"class {types.named(name, False)}(TypedDict):"]
        out += [f"    {f}: {types.of(p)}" for f, p in d["properties"].items()]
    for name, doc in CLASSES.items():
        props = defs[name]["properties"]
        out += ["", "@final", f"class {name}:", f'    """{doc}"""', ""]
        out.append("    __hash__: ClassVar[None]  # type: ignore[assignment]")
        for f, p in props.items():
            out += ["    @property", f"    def {f}(self) -> {types.of(p, typed=True)}: ..."]
        out += [f"    {m}" for m in METHODS.get(name, [])]
        out.append(f"    def to_dict(self) -> {DICTS[name]}: ...")
        out.append("    def to_json(self) -> str: ...")
        out.append("    def __eq__(self, value: object, /) -> bool: ...")
    out += ["", END]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    generated = render(schema_of(argv))
    stub = STUB.read_text(encoding="utf-8")
    head, rest = stub.split(BEGIN + "\n", 1)
    _, tail = rest.split(END + "\n", 1)
    text = head + generated + tail
    if "--check" in argv:
        if text != stub:
            print(f"{STUB} is stale: run python3 {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    STUB.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
