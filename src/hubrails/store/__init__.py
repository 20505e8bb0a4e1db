"""Ledger storage: SQLAlchemy Core tables on SQLite (embedded) or PostgreSQL (central)."""

from __future__ import annotations

from pathlib import Path


def missing_sqlite_file(url: str) -> bool:
    """Whether ``url`` names a SQLite file that does not exist (answered without importing
    SQLAlchemy, so a command that only asks stays fast)."""
    if not url.startswith("sqlite:///"):
        return False
    path = url.removeprefix("sqlite:///").split("?", 1)[0]
    return bool(path) and path != ":memory:" and not Path(path).is_file()


def normalise_url(url: str, root: Path) -> str:
    """The SQLAlchemy URL for ``url``: psycopg 3 for PostgreSQL, SQLite paths from ``root``."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:" and not Path(path).is_absolute():
            return f"sqlite:///{root / path}"
    return url
