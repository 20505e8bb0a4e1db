"""Tests mirror the package: each module of ``core/``, ``render/`` and ``store/`` with something
to call has its own ``tests/unit/<package path>/test_<module>.py`` (``test_init.py`` for a
package's ``__init__``)."""

from __future__ import annotations

import ast
from pathlib import Path

import hubrails

PACKAGE = Path(hubrails.__file__).parent
UNIT = Path(__file__).parent
LAYERS = ("core", "render", "store")


def _mirror(module: Path) -> Path:
    rel = module.relative_to(PACKAGE)
    name = "test_init.py" if rel.name == "__init__.py" else f"test_{rel.name}"
    return UNIT / rel.parent / name


def _name(module: Path) -> str:
    return ".".join(module.relative_to(PACKAGE).with_suffix("").parts)


def _has_logic(module: Path) -> bool:
    """Whether a module defines a function or class: one that only names things (a package's
    docstring, re-exports, a table of constants) has nothing of its own to call."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return any(isinstance(node, kinds) for node in tree.body)


MODULES = sorted(p for layer in LAYERS for p in (PACKAGE / layer).rglob("*.py"))


def test_every_module_with_logic_has_its_own_unit_test() -> None:
    missing = [
        f"{_name(m)}: no {_mirror(m).relative_to(UNIT.parent.parent)}"
        for m in MODULES
        if _has_logic(m) and not _mirror(m).is_file()
    ]
    assert missing == []


def test_the_mirror_of_a_module_and_of_a_package() -> None:
    assert _mirror(PACKAGE / "core/vcs/history.py") == UNIT / "core/vcs/test_history.py"
    assert _mirror(PACKAGE / "store/__init__.py") == UNIT / "store/test_init.py"
    assert _has_logic(PACKAGE / "store/__init__.py")
    assert not _has_logic(PACKAGE / "core/vcs/__init__.py")
