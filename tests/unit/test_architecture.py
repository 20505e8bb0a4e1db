"""The import rules of docs/architecture.md, checked on every module's syntax tree."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

import hubrails

PACKAGE = Path(hubrails.__file__).parent
CORE = PACKAGE / "core"
UI = ("typer", "click", "rich")


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _imports(path: Path) -> frozenset[str]:
    """Every module ``path`` imports, at the top, inside functions or for type checking."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the importing module's package
                here = _name(path).split(".")
                package = here if path.name == "__init__.py" else here[:-1]
                base = ".".join([*package[: len(package) - node.level + 1], *filter(None, [base])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return frozenset(found)


MODULES = sorted(PACKAGE.rglob("*.py"))


def _unit(module: str) -> str | None:
    """The part of hubrails a module belongs to: ``core.<package>``, or the top-level name."""
    parts = module.split(".")
    if parts[0] != "hubrails" or len(parts) < 2:
        return None
    if parts[1] == "core" and len(parts) > 2:
        return f"core.{parts[2]}"
    return parts[1]


def _core_units() -> set[str]:
    return {f"core.{p.stem if p.is_file() else p.name}" for p in CORE.iterdir()} - {
        "core.__init__",
        "core.__pycache__",
    }


def _offences(units: tuple[str, ...], banned: tuple[str, ...]) -> list[str]:
    """``module imports name`` for each module of ``units`` that imports a ``banned`` name."""
    return [
        f"{_name(path)} imports {name}"
        for path in MODULES
        if _unit(_name(path)) in units
        for name in sorted(_imports(path))
        if any(name == b or name.startswith(b + ".") for b in banned)
    ]


def test_core_and_store_never_import_the_command_line_or_rendering() -> None:
    units = (*sorted(_core_units()), "store")
    assert _offences(units, ("hubrails.cli", "hubrails.render", *UI)) == []


def test_render_never_imports_the_command_line() -> None:
    assert _offences(("render",), ("hubrails.cli", "typer", "click")) == []


def test_gitpython_only_in_vcs() -> None:
    others = tuple(u for u in (*_core_units(), "cli", "render", "store") if u != "core.vcs")
    assert _offences(others, ("git",)) == []


def test_sqlalchemy_only_in_the_store() -> None:
    assert _offences((*_core_units(), "cli", "render"), ("sqlalchemy", "psycopg")) == []


def test_the_bottom_layer_imports_nothing_of_hubrails() -> None:
    for path in (PACKAGE / "errors.py", CORE / "parallel.py"):
        assert [n for n in _imports(path) if n.startswith("hubrails")] == [], path.name


def test_store_imports_no_core() -> None:
    assert _offences(("store",), ("hubrails.core",)) == []


@cache
def _allowed(package: Path) -> frozenset[str]:
    """The core packages ``package``'s docstring says it may import."""
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
    assert doc, f"core/{package.name}/__init__.py has no docstring"
    text = " ".join(doc.split())
    if "Imports nothing else of core" in text:
        return frozenset()
    said = re.search(r"May import (.+?)(?:\.$|\. )", text)
    assert said, f"core/{package.name}'s docstring does not say what it may import"
    words = set(re.findall(r"[a-z_]+", said.group(1)))
    return frozenset(f"core.{w}" for w in words if f"core.{w}" in _core_units())


PACKAGES = sorted(p for p in CORE.iterdir() if (p / "__init__.py").is_file())


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_a_core_package_imports_only_what_its_docstring_allows(package: Path) -> None:
    unit = f"core.{package.name}"
    allowed = _allowed(package) | {unit}
    wrong = sorted(
        f"{_name(path)} imports {name}"
        for path in package.rglob("*.py")
        for name in _imports(path)
        if (_unit(name) or "").startswith("core.") and _unit(name) not in allowed
    )
    assert wrong == []


def test_the_registry_imports_no_other_core_package() -> None:
    assert _allowed(CORE / "registry") == frozenset()
    assert _allowed(CORE / "vcs") == frozenset()


def test_no_module_is_over_300_lines() -> None:
    long = {_name(p): n for p in MODULES if (n := len(p.read_text().splitlines())) > 300}
    assert long == {}


ERRORS = PACKAGE / "errors.py"


def _error_classes(path: Path) -> list[str]:
    """The classes ``path`` defines on a base named like an error of ``errors.py``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bases = {"HubError", "LoadError"} | {
        node.name
        for node in ast.walk(ast.parse(ERRORS.read_text()))
        if isinstance(node, ast.ClassDef)
    }
    return [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base).rsplit(".", 1)[-1] in bases for base in node.bases)
    ]


def test_every_error_a_command_reports_is_defined_in_errors() -> None:
    elsewhere = {_name(p): found for p in MODULES if p != ERRORS and (found := _error_classes(p))}
    assert elsewhere == {}


_SQL = re.compile(r"\b(SELECT|INSERT INTO|DELETE FROM|CREATE TABLE|UPDATE \w+ SET|PRAGMA)\b")
# The validation index cache (a private SQLite file under .hub/, not the ledger) keeps its
# own SQL beside the code that owns the cache; docs/architecture.md "SQL outside store/".
_SQL_OUTSIDE_STORE = {
    "hubrails.cli.complete",
    "hubrails.core.validate.index_cache",
    "hubrails.core.validate.index_db",
    "hubrails.core.validate.index_queries",
}


def test_sql_text_is_written_only_in_the_store() -> None:
    """Ledger SQL lives in ``store/``; elsewhere only the allow-listed index-cache modules."""
    found = {
        _name(path)
        for path in MODULES
        if not _name(path).startswith("hubrails.store")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _SQL.search(node.value)
    }
    assert found == _SQL_OUTSIDE_STORE
