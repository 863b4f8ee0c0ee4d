"""Every public class, function, method and property has a docstring, and ``help()`` shows it.

Walks the installed package: ``entitlement`` and each public submodule (new ones are found by
``pkgutil``, not listed here), each name in their ``__all__``, and each public attribute of
each class defined by the package.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import pydoc
from collections.abc import Iterator
from types import ModuleType

import pytest

import entitlement


def public_modules() -> list[ModuleType]:
    names = [
        f"entitlement.{m.name}"
        for m in pkgutil.iter_modules(entitlement.__path__)
        if not m.name.startswith("_")
    ]
    return [entitlement, *(importlib.import_module(n) for n in sorted(names))]


def public_members(cls: type) -> list[tuple[str, object]]:
    """Methods, class and static methods and properties; not plain class attributes (values
    such as an exception's default ``code``, whose docstring would be their type's)."""
    return [
        (attr, member)
        for attr, member in vars(cls).items()
        if not attr.startswith("_")
        and (
            inspect.isroutine(member)
            or inspect.isdatadescriptor(member)
            or isinstance(member, (classmethod, staticmethod))
        )
    ]


def documented_objects() -> Iterator[tuple[str, object]]:
    for module in public_modules():
        yield module.__name__, module
        for name in getattr(module, "__all__", []):
            value = getattr(module, name)
            qualified = f"{module.__name__}.{name}"
            if inspect.isclass(value):
                if not value.__module__.startswith("entitlement"):
                    continue
                yield qualified, value
                for attr, member in public_members(value):
                    yield f"{qualified}.{attr}", member
            elif callable(value):
                yield qualified, value


OBJECTS = sorted(dict(documented_objects()).items())


def test_the_walk_finds_the_api() -> None:
    names = {name for name, _ in OBJECTS}
    # A sample of what must be there; the walk itself is what the other tests use.
    for expected in [
        "entitlement.Calendar.add",
        "entitlement.Ruleset.monitor",
        "entitlement.MonitorReport.to_pandas",
        "entitlement.ics.holidays",
        "entitlement.zendesk.sla_policies",
    ]:
        assert expected in names
    assert len(OBJECTS) > 100


def doc_of(value: object) -> str | None:
    if isinstance(value, (classmethod, staticmethod)):
        value = value.__func__
    return inspect.getdoc(value)


@pytest.mark.parametrize(("name", "value"), OBJECTS, ids=[n for n, _ in OBJECTS])
def test_has_a_docstring(name: str, value: object) -> None:
    doc = doc_of(value)
    assert doc, f"{name} has no docstring"
    # More than a signature: a sentence that says what it is or does.
    assert len(doc.split()) >= 3, f"{name}: docstring too short: {doc!r}"


@pytest.mark.parametrize(
    "cls",
    [v for _, v in OBJECTS if inspect.isclass(v)],
    ids=[n for n, v in OBJECTS if inspect.isclass(v)],
)
def test_help_shows_every_method(cls: type) -> None:
    text = pydoc.plain(pydoc.render_doc(cls))
    own_doc = inspect.getdoc(cls)
    assert own_doc is not None
    assert own_doc.splitlines()[0] in text
    for attr, member in public_members(cls):
        doc = doc_of(member)
        assert doc is not None
        assert doc.splitlines()[0] in text, f"help({cls.__name__}) does not show {attr}"
